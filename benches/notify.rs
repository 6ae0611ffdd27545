//! Telling a large cohort: `cargo bench --bench notify` approves 10,000 scored submissions,
//! then times building and writing every message as .eml files (`--dry-run`), and, when a
//! python with aiosmtpd is at hand ($MERIT_TEST_PYTHON, else python3), sending them to a real
//! SMTP server on 127.0.0.1 and running again (nothing to send). MERIT_BENCH_SIZE changes the
//! size.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod support;

use std::io::BufRead;
use std::time::Instant;

use merit::notify::{self, Delivery, Report, smtp};

fn main() -> anyhow::Result<()> {
    let n = support::size(10_000);
    let dir = tempfile::tempdir()?;
    let (_ws, mut store, _issuer, _key) = support::approved(dir.path(), n)?;
    let from: lettre::message::Mailbox = "Badges <badges@example.org>".parse()?;

    let t = Instant::now();
    let mut report = Report::default();
    let messages = notify::outgoing(&store, "load", &from, &mut report)?;
    let built = t.elapsed().as_secs_f64();
    let out = dir.path().join("eml");
    notify::deliver(
        &mut store,
        "bench",
        messages,
        &Delivery::Files(&out),
        &mut report,
        |_, _| {},
    )?;
    println!(
        "dry run: {} messages built in {built:.2} s, written as .eml in {:.2} s",
        report.sent,
        t.elapsed().as_secs_f64()
    );

    let python = std::env::var("MERIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = std::process::Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        println!("SMTP: skipped (no python with aiosmtpd)");
        return Ok(());
    }
    let mailbox = tempfile::tempdir()?;
    let mut server = std::process::Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/smtp_server.py"
        ))
        .arg(mailbox.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(
        server
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?,
    )
    .read_line(&mut line)?;
    let port = line.trim().trim_start_matches("READY ").to_string();
    let transport = smtp::transport(
        &smtp::parse(&format!("smtp+plain://127.0.0.1:{port}"))?,
        None,
    )?;
    for what in [
        "SMTP to aiosmtpd on 127.0.0.1",
        "again, nothing left to send",
    ] {
        let t = Instant::now();
        let mut report = Report::default();
        let messages = notify::outgoing(&store, "load", &from, &mut report)?;
        notify::deliver(
            &mut store,
            "bench",
            messages,
            &Delivery::Smtp(&transport),
            &mut report,
            |_, _| {},
        )?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{what}: {} sent, {} already sent, in {secs:.2} s ({:.0}/s)",
            report.sent,
            report.already_sent,
            report.sent as f64 / secs.max(1e-9)
        );
    }
    drop(server.stdin.take());
    let _ = server.wait();
    Ok(())
}
