//! `merit config`: each deployment setting, its value and where it came from.

use std::process::ExitCode;

use anyhow::Result;

use merit::config::{self, redact};
use merit::sanitize::{json_pretty, line as safe};
use merit::store::workspace;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    /// As JSON
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    ctx.open_for(merit::access::Action::Read)?;
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let mut cfg = config::load(&root)?;
    for s in &mut cfg.settings {
        s.value = s.value.as_deref().map(redact);
    }
    if a.json {
        println!("{}", json_pretty(&cfg)?);
        return Ok(ExitCode::SUCCESS);
    }
    for s in &cfg.settings {
        println!(
            "{:<20} {:<40} ({})",
            s.name,
            s.value.as_deref().map_or("(unset)".to_string(), safe),
            s.source
        );
    }
    Ok(ExitCode::SUCCESS)
}
