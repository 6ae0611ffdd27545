//! Workbench benchmark on a workspace of 100,000 submissions: time to first frame, time per
//! keystroke in the queue (move, page, filter), bytes written per cursor move at 80×24, and
//! resident memory. The measuring runs in a fresh child process, so the memory figure is the
//! workbench's own and not the generator's.
//!
//! `cargo bench --bench workbench` (MERIT_BENCH_SUBMISSIONS changes the size).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use merit::rubric;
use merit::store::{ArtifactRecord, LearnerInput, Store, SubmissionInput};
use merit::tui::app::App;
use merit::tui::context::Session;
use merit::tui::effect::{DbRequest, Effect};
use merit::tui::event::{self, FrameWriter};
use merit::tui::jobs;
use merit::tui::message::Msg;
use merit::tui::theme::Theme;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Counts the bytes a frame would send to the terminal.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    if let Ok(ws) = std::env::var("MERIT_BENCH_CHILD") {
        return measure(Path::new(&ws));
    }
    let n: usize = std::env::var("MERIT_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("ws");
    let t = Instant::now();
    generate(&ws, n)?;
    println!(
        "generated a workspace with {n} submissions in {:.1?}",
        t.elapsed()
    );
    let status = std::process::Command::new(std::env::current_exe()?)
        .env("MERIT_BENCH_CHILD", &ws)
        .arg("--bench")
        .status()?;
    anyhow::ensure!(status.success(), "measuring failed");
    if std::env::var_os("MERIT_BENCH_KEEP").is_some() {
        let kept = dir.keep();
        println!("workspace kept in {}", kept.join("ws").display());
    }
    Ok(())
}

fn generate(ws: &Path, n: usize) -> anyhow::Result<()> {
    let mut store = Store::create(ws)?;
    // The bench's own name gets the roles it acts with, from the workspace's creator.
    for role in ["lead", "assessor", "issuer"] {
        store.add_user("bench", role, &merit::identity::process_account()?)?;
    }
    let ids = ["teaching-practice", "data-cleaning", "secure-code-review"];
    for (file, src) in rubric::BUNDLED {
        let r = rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{file}: {}", p[0]))?;
        store.import_rubric(&r, src, None, "bench")?;
    }
    let stored = store
        .artifacts()
        .put_bytes(b"# The work\n\nA small artifact.\n")?;
    let first = [
        "Amara", "Bilal", "Chen", "Dagny", "Emeka", "Farah", "Goran", "Hana",
    ];
    let last = [
        "Okafor",
        "Haddad",
        "Nakamura",
        "Lindqvist",
        "Mensah",
        "Kowalski",
    ];
    for (c, rubric_id) in ids.iter().enumerate() {
        store.ensure_cohort(&format!("cohort-{c}"), None, rubric_id, "bench")?;
    }
    let mut batch = Vec::with_capacity(5000);
    for i in 0..n {
        batch.push(SubmissionInput {
            route: Default::default(),
            learner: LearnerInput {
                key: format!("learner-{i:06}"),
                name: format!(
                    "{} {} {i}",
                    first[i % first.len()],
                    last[i / 7 % last.len()]
                ),
                email: None,
            },
            artifacts: vec![ArtifactRecord {
                name: "work.md".into(),
                kind: "markdown".into(),
                requirement: None,
                sha256: Some(stored.sha256.clone()),
                size: Some(stored.size),
                url: None,
            }],
        });
        if batch.len() == 5000 || i + 1 == n {
            let c = (i / 5000) % ids.len();
            let hash = store
                .current_rubric(ids[c])?
                .ok_or_else(|| anyhow::anyhow!("rubric missing"))?
                .hash;
            store.record_submissions(&format!("cohort-{c}"), &hash, &batch, "bench")?;
            batch.clear();
        }
    }
    // As `merit import` does after its batches.
    store.refresh_statistics()?;
    Ok(())
}

struct Harness {
    store: Store,
    app: App,
    terminal: Terminal<CrosstermBackend<FrameWriter<Counter>>>,
    bytes: Counter,
    session: Session,
    kitty: merit::tui::graphics::KittyState,
    /// While set, counts requests are timed here and left out of the keystroke's time (the
    /// event loop runs them on the database thread after the page).
    counts: Option<Vec<Duration>>,
}

impl Harness {
    /// Runs effects as the event loop would, but synchronously, and feeds the replies back.
    fn settle(&mut self, mut effects: Vec<Effect>) {
        while !effects.is_empty() {
            let mut next = Vec::new();
            for e in effects {
                if let Effect::Db(req) = e {
                    let counting = matches!(req, DbRequest::Counts { .. });
                    let t = Instant::now();
                    let reply = jobs::handle(&mut self.store, &self.session.user, false, req);
                    if counting && let Some(c) = &mut self.counts {
                        c.push(t.elapsed());
                    }
                    next.extend(self.app.update(Msg::Db(reply)));
                }
            }
            effects = next;
        }
    }

    fn draw(&mut self) -> usize {
        let before = self.bytes.0.get();
        event::draw(&mut self.terminal, &self.app, &mut self.kitty).expect("draw");
        self.bytes.0.get() - before
    }

    /// One keystroke: update, the database work it causes, and the frame. Returns (time, bytes).
    fn key(&mut self, code: KeyCode) -> (Duration, usize) {
        let t = Instant::now();
        let effects = self
            .app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        let before: Duration = self
            .counts
            .as_ref()
            .map_or(Duration::ZERO, |c| c.iter().sum());
        self.settle(effects);
        let counted = self
            .counts
            .as_ref()
            .map_or(Duration::ZERO, |c| c.iter().sum::<Duration>() - before);
        let bytes = self.draw();
        (t.elapsed() - counted, bytes)
    }
}

fn stats(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len().max(1) as u32;
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
    let max = samples[samples.len() - 1];
    println!(
        "{name:<36} mean {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms   ({} keys)",
        ms(mean),
        ms(p99),
        ms(max),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn measure(ws: &Path) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let session = Session {
        user: "bench".into(),
        is_lead: false,
        is_issuer: false,
        claim_idle_secs: 1800,
        self_approval: false,
    };
    let store = Store::create(ws)?;
    let bytes = Counter::default();
    // A fixed 80×24 viewport: there is no real terminal to ask for its size here (crossterm
    // would fall back to running `tput` on every frame, which the real app never does).
    let terminal = Terminal::with_options(
        CrosstermBackend::new(FrameWriter::new(bytes.clone())),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )?;
    let app = App::new(
        session.clone(),
        Theme::from_env(),
        (80, 24),
        merit::store::now(),
    );
    let mut h = Harness {
        store,
        app,
        terminal,
        bytes,
        session,
        kitty: Default::default(),
        counts: None,
    };
    let start = h.app.start();
    h.settle(start);
    let first_bytes = h.draw();
    let first = t0.elapsed();
    let total: i64 = h.app.queue.counts.iter().map(|(_, n)| n).sum();
    println!("workspace: {total} submissions; terminal 80×24");
    println!(
        "time to first frame (open + first page + counts + draw): {:.1} ms ({first_bytes} bytes)",
        ms(first)
    );

    // Moves within one screen (the list does not scroll), then moves that scroll it.
    let rows = h.app.rows_height();
    let (mut within, mut within_bytes, mut within_n) = (Vec::new(), 0usize, 0usize);
    let (mut scrolling, mut scrolling_bytes, mut scrolling_n) = (Vec::new(), 0usize, 0usize);
    for i in 0..3000 {
        let code = if (i / 1000) % 2 == 0 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        let offset = h.app.queue.offset;
        let (d, b) = h.key(code);
        if h.app.queue.offset == offset {
            within.push(d);
            within_bytes += b;
            within_n += 1;
        } else {
            scrolling.push(d);
            scrolling_bytes += b;
            scrolling_n += 1;
        }
        // Stay inside the screen for the first kind: bounce between its first and last row.
        if i % 1000 == 999 {
            let _ = rows;
        }
    }
    for _ in 0..rows {
        let (d, b) = h.key(KeyCode::Up);
        within.push(d);
        within_bytes += b;
        within_n += 1;
    }
    let mut moves: Vec<Duration> = within.iter().chain(scrolling.iter()).copied().collect();
    stats("cursor move (j/k), all", &mut moves);
    println!(
        "bytes per cursor move within a screen   mean {:.0} bytes ({within_n} moves)",
        within_bytes as f64 / within_n.max(1) as f64
    );
    println!(
        "bytes per cursor move that scrolls      mean {:.0} bytes ({scrolling_n} moves)",
        scrolling_bytes as f64 / scrolling_n.max(1) as f64
    );
    let _ = (&mut within, &mut scrolling);

    let mut pages = Vec::new();
    for _ in 0..500 {
        pages.push(h.key(KeyCode::PageDown).0);
    }
    stats("page down (through 10,000 rows)", &mut pages);
    let mut jumps = Vec::new();
    for i in 0..20 {
        let code = if i % 2 == 0 {
            KeyCode::End
        } else {
            KeyCode::Home
        };
        jumps.push(h.key(code).0);
    }
    stats("G / g (jump to bottom / top)", &mut jumps);

    h.key(KeyCode::Char('/'));
    h.counts = Some(Vec::new());
    let mut filter = Vec::new();
    for c in "amara okafor 4".chars() {
        filter.push(h.key(KeyCode::Char(c)).0);
    }
    for _ in 0..14 {
        filter.push(h.key(KeyCode::Backspace).0);
    }
    stats("filter keystroke (page + draw)", &mut filter);

    // Tokens: each keystroke of `status:new assessor:bea` re-runs the page and the counts.
    let mut tokens = Vec::new();
    for c in "status:new assessor:bea".chars() {
        tokens.push(h.key(KeyCode::Char(c)).0);
    }
    for _ in 0..23 {
        tokens.push(h.key(KeyCode::Backspace).0);
    }
    stats("filter keystroke with tokens (page + draw)", &mut tokens);
    let mut counts = h.counts.take().unwrap_or_default();
    stats(
        "filter counts (database thread, after the page)",
        &mut counts,
    );

    // Sorts: each order and its reverse, the first page and then paging on through it.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    let mut sorts = Vec::new();
    let mut sorted_pages = Vec::new();
    for i in 0..10 {
        let code = if i % 2 == 0 { 's' } else { 'S' };
        sorts.push(h.key(KeyCode::Char(code)).0);
        for _ in 0..20 {
            sorted_pages.push(h.key(KeyCode::PageDown).0);
        }
    }
    stats("change of order (first page + draw)", &mut sorts);
    stats("page down in every order, both ways", &mut sorted_pages);

    // The UI thread's share: a keystroke without the database work (as in the real loop,
    // where queries run on the database thread).
    let mut ui = Vec::new();
    for i in 0..3000 {
        let code = if (i / 50) % 2 == 0 {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        let t = Instant::now();
        let effects = h
            .app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        h.draw();
        ui.push(t.elapsed());
        h.settle(effects);
    }
    stats("UI thread per keystroke (update+draw)", &mut ui);
    println!(
        "resident memory: {:.1} MiB now, {:.1} MiB peak",
        rss_kib("VmRSS:") as f64 / 1024.0,
        rss_kib("VmHWM:") as f64 / 1024.0
    );
    let _ = PathBuf::new();
    Ok(())
}
