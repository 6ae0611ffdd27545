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
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("merit: {e:#}");
            ExitCode::from(1)
        }
    }
}
