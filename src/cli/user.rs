//! `merit user add|list`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};

use super::Ctx;

#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    Lead,
    Assessor,
    Issuer,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Assessor => "assessor",
            Role::Issuer => "issuer",
        }
    }
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Give a person a role (run once per role)
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List people and their roles
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    match cmd {
        Cmd::Add { name, role } => {
            let actor = ctx.actor()?;
            if name.trim().is_empty() || merit::sanitize::line(&name) != name {
                anyhow::bail!(
                    "a user name must be a non-empty name without control, bidi or invisible characters"
                );
            }
            if store.add_user(&name, role.as_str(), &actor)? {
                println!("{name} is now {}", role.as_str());
            } else {
                println!("{name} was already {}", role.as_str());
            }
        }
        Cmd::List { json } => {
            let users = store.users()?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&users)?);
            } else {
                for u in users {
                    println!(
                        "{}\t{}",
                        merit::sanitize::line(&u.name),
                        merit::sanitize::line(&u.roles.join(","))
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
