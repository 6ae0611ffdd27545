//! `merit`: the command line and (without a subcommand) the workbench.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("merit: {e:#}");
            ExitCode::from(1)
        }
    }
}
