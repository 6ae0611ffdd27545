//! On PostgreSQL, claims are timed by the database's clock: a host whose clock is two hours
//! slow (libfaketime) still claims "now", and the claim holds for everyone else.

mod common;

use std::path::Path;

use common::Backend;
use common::pty::{Pty, open_first_new, ws_arg};
use merit::store::Store;

const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

#[test]
fn a_claim_from_a_host_with_a_slow_clock_is_timed_by_the_database() {
    let Some(b) =
        Backend::postgres("a_claim_from_a_host_with_a_slow_clock_is_timed_by_the_database")
    else {
        return;
    };
    if !Path::new(FAKETIME).exists() {
        assert!(
            std::env::var("MERIT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "MERIT_REQUIRE_POSTGRES=1 and {FAKETIME} is missing (Debian package faketime)"
        );
        eprintln!("skipped: {FAKETIME} is missing (Debian package faketime)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    let o = common::run(&ws, &["demo", "--no-tui", "--learners", "6", "--seed", "3"]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    let slow = [
        ("LD_PRELOAD", FAKETIME),
        ("FAKETIME", "-7200"),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
    ];
    // The slow host is two hours behind.
    let date = std::process::Command::new("date")
        .arg("+%s")
        .envs(slow)
        .output()
        .unwrap();
    let slow_now: i64 = String::from_utf8_lossy(&date.stdout)
        .trim()
        .parse()
        .unwrap();
    let true_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (true_now - slow_now - 7200).abs() < 60,
        "faketime is in effect"
    );

    let w = ws_arg(&ws);
    let mut p = Pty::spawn(&["--workspace", &w, "--as", "amir"], &slow, 80, 24);
    open_first_new(&mut p);
    let store = Store::create(&ws).unwrap();
    let deadline = std::time::Instant::now() + common::pty::PATIENCE;
    let (id, claimed_at) = loop {
        let claim: Option<(i64, i64)> = store
            .raw_connection()
            .query_row(
                "SELECT id, claimed_at FROM submissions WHERE claimed_by = 'amir'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        if let Some(c) = claim {
            break c;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "amir's claim never arrived"
        );
        std::thread::yield_now();
    };
    let db_now: i64 = store
        .raw_connection()
        .query_row("SELECT floor(extract(epoch FROM now()))::bigint", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        (db_now - claimed_at).abs() < 60,
        "claimed at {claimed_at}, the database's now is {db_now}: the slow host's clock was used"
    );
    // Someone on a right clock sees it held (by the host's clock it would be two hours old,
    // long lapsed).
    let mut store = store;
    let other = store.open_review(id, &common::me(), 1800).unwrap();
    assert_eq!(other.read_only.as_deref(), Some("in progress by amir"));
    p.send("q");
    p.send("q");
    p.wait_text("Quit Merit?");
    p.send("y");
    assert!(p.wait_exit().success());
}
