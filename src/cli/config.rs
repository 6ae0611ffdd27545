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
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let mut cfg = config::load(&root)?;
    // A database this build cannot open: the settings (passwords hidden) are what the
    // operator needs to see to put it right, so they are shown, then the refusal.
    let unopenable = config::database(&root).err();
    if unopenable.is_none() {
        ctx.open_for(merit::access::Action::Read)?;
    }
    for s in &mut cfg.settings {
        s.value = s.value.as_deref().map(redact);
    }
    if a.json {
        println!("{}", json_pretty(&cfg)?);
        return Ok(if unopenable.is_some() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    for s in &cfg.settings {
        println!(
            "{:<20} {:<40} ({})",
            s.name,
            s.value.as_deref().map_or("(unset)".to_string(), safe),
            s.source
        );
    }
    if let Some(e) = unopenable {
        eprintln!("merit: {e:#}");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
