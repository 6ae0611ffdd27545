//! `merit`: the command line and (without a subcommand) the workbench.

mod cli;

/// Issuing allocates heavily on every core (JSON documents built, canonicalized, serialized);
/// mimalloc is markedly faster than the system allocator at that.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    if args.command.is_some() {
        // Like other command-line tools, stop quietly when the reader of our output goes away
        // (`merit verify … | head`) instead of failing to print. The workbench keeps Rust's
        // default so that it always gets to restore the terminal.
        #[cfg(unix)]
        // SAFETY: setting a signal's disposition to its default has no preconditions.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let code = match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("merit: {e:#}");
            ExitCode::from(1)
        }
    };
    report_peak_memory();
    code
}

/// With `MERIT_REPORT_PEAK_MEMORY` set, prints this process's peak resident memory (VmHWM) on
/// stderr as it ends: `merit: peak memory N kB`. The bomb tests and the figures in README use
/// it. (A child's ru_maxrss would not do: Linux charges a process, at exec, with the peak of
/// the memory it was forked with, so a child of a large test process looks large.)
fn report_peak_memory() {
    if std::env::var_os("MERIT_REPORT_PEAK_MEMORY").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
    {
        eprintln!("merit: peak memory {} kB", kb.trim());
    }
}
