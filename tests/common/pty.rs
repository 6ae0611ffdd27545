//! Runs the real `merit` binary in a pseudo-terminal and reads its screen with vt100.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long a test waits for the screen to show something before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Pty {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    rx: Receiver<Vec<u8>>,
    pub parser: vt100::Parser,
    /// Every byte the program wrote to the terminal.
    pub raw: Vec<u8>,
    eof: bool,
}

impl Pty {
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_merit"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("MERIT_HOME");
        // Whether the program thinks it runs over SSH is the test's to say, never CI's.
        for v in ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"] {
            cmd.env_remove(v);
        }
        // Whatever terminal runs the tests, the program under test draws with half blocks.
        cmd.env("MERIT_GRAPHICS", "none");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn merit in a pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Pty {
            master: pair.master,
            child,
            writer,
            rx,
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
            eof: false,
        }
    }

    fn pump(&mut self, wait: Duration) {
        match self.rx.recv_timeout(wait) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                while let Ok(more) = self.rx.try_recv() {
                    self.parser.process(&more);
                    self.raw.extend_from_slice(&more);
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => self.eof = true,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen after [`PATIENCE`].
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline || self.eof {
                panic!("timed out waiting for {what}; the screen shows:\n{s}");
            }
            self.pump(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&mut self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Reads until the program closes the terminal, then reaps it.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Drain what is left.
                while !self.eof && Instant::now() < deadline {
                    self.pump(Duration::from_millis(50));
                    if self.rx.try_recv().is_err() && self.child.try_wait().is_ok() {
                        // Output may end without EOF while the master is open; stop once quiet.
                        self.pump(Duration::from_millis(100));
                        break;
                    }
                }
                return status;
            }
            if Instant::now() > deadline {
                panic!("merit did not exit; the screen shows:\n{}", self.screen());
            }
            self.pump(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// `stty -a` of the terminal, to check raw mode is off.
    pub fn stty(&self) -> String {
        let tty = self.master.tty_name().expect("tty name");
        let out = std::process::Command::new("stty")
            .arg("-F")
            .arg(&tty)
            .arg("-a")
            .output()
            .expect("stty");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

pub fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .expect("kill");
    assert!(ok.success());
}

pub fn ws_arg(ws: &Path) -> String {
    ws.display().to_string()
}

/// The workbench on the demo workspace `w` as `who`, at the data cohort's view (cohorts are
/// listed by id: it is the second), once its rows are in.
pub fn data_cohort_view(w: &str, who: &str, cols: u16, rows: u16) -> Pty {
    let mut p = Pty::spawn(&["--workspace", w, "--as", who], &[], cols, rows);
    p.wait_text("Queue");
    p.send("C");
    // The queue names cohorts too: wait for the cohorts screen's own rows.
    p.wait_for("the cohorts listed", |s| {
        s.contains("Cohorts") && s.contains("rubric data-cleaning ·")
    });
    p.send("j");
    p.send("\r");
    p.wait_text("ready");
    p
}

/// Sorts by status so that a `new` submission is first, and opens it.
pub fn open_first_new(p: &mut Pty) {
    p.wait_text("Queue");
    p.send("s");
    p.wait_text("sorted by learner");
    p.send("s");
    p.wait_text("sorted by cohort");
    p.send("s");
    // Wait for the rows themselves, not only the header: they arrive from the database thread.
    p.wait_for("the queue sorted by status", |s| {
        s.contains("sorted by status")
            && s.lines()
                .nth(3)
                .is_some_and(|row| row.contains(" new ") || row.contains("by you"))
            && s.lines().any(|row| row.contains(" meets "))
            && {
                let rows: Vec<&str> = s.lines().skip(3).filter(|l| l.contains(" 1 ")).collect();
                let first_scored = rows.iter().position(|r| r.contains(" meets "));
                let last_new = rows
                    .iter()
                    .rposition(|r| r.contains(" new ") || r.contains("by you"));
                matches!((last_new, first_scored), (Some(n), Some(f)) if n < f)
            }
    });
    p.send("\r");
    p.wait_text("Rubric:");
}
