//! `merit policy set|unset|list`: the workspace's controls, kept in the database and audited.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use merit::sanitize::{json_pretty, line as safe};
use merit::store::format_time;

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// Set a policy (see `merit policy list` for the policies and what they control)
    Set {
        /// The policy's name
        name: String,
        /// Its value
        value: String,
    },
    /// Unset a policy (its default applies again)
    Unset {
        /// The policy's name
        name: String,
    },
    /// Every policy, its value and who set it
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    match cmd {
        Cmd::Set { name, value } => {
            let actor = ctx.actor()?;
            store.set_policy(&name, Some(&value), &actor)?;
            println!("policy {} is now {}", safe(&name), safe(&value));
        }
        Cmd::Unset { name } => {
            let actor = ctx.actor()?;
            store.set_policy(&name, None, &actor)?;
            println!("policy {} is unset", safe(&name));
        }
        Cmd::List { json } => {
            store.authorize(&ctx.actor()?, merit::access::Action::Read)?;
            let policies = store.policies()?;
            if json {
                println!("{}", json_pretty(&policies)?);
            } else {
                for p in policies {
                    match (&p.value, &p.set_by, p.set_at) {
                        (Some(v), Some(by), Some(at)) => println!(
                            "{}\t{}\t(set by {} at {})",
                            p.name,
                            safe(v),
                            safe(by),
                            format_time(at)
                        ),
                        _ => println!("{}\t(unset)\t{}", p.name, p.help),
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
