//! A seam for the crash tests: with `MERIT_TEST_HOLD_AFTER=N`, a long run (an approval, an
//! import) stops once at least N items are stored and before the last, says `held` on stderr,
//! and waits until it is killed, so that a test kills it part way without guessing at timing.
//! Unset (always, outside tests), it does nothing.

/// Call after each stored batch with how many of how many are done.
pub fn hold_after(done: usize, total: usize) {
    let Some(n) = std::env::var("MERIT_TEST_HOLD_AFTER")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if done >= n && done < total {
        eprintln!("held");
        let mut line = String::new();
        // Blocks until the test kills the process (or closes stdin).
        let _ = std::io::stdin().read_line(&mut line);
        std::process::exit(3);
    }
}
