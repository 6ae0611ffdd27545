//! `merit user add|remove|list`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};

use super::Ctx;

#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    Admin,
    Lead,
    Assessor,
    Issuer,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
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
        /// The person's account name (as they log in)
        name: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// Take a role (or, without --role, every role) from a person; what they did stays
    Remove {
        /// The person's account name (as they log in)
        name: String,
        #[arg(long, value_enum)]
        role: Option<Role>,
    },
    /// List people and their roles
    List {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    // Adding the first users is part of setting up: it makes the workspace if there is none.
    let mut store = match cmd {
        Cmd::Add { .. } => ctx.open_or_create()?,
        _ => ctx.open()?,
    };
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
        Cmd::Remove { name, role } => {
            let actor = ctx.actor()?;
            let removed = store.remove_user(&name, role.map(Role::as_str), &actor)?;
            if removed.is_empty() {
                println!("{} had no such role", merit::sanitize::line(&name));
            } else {
                println!(
                    "{} no longer has the role(s) {}; what they did is kept",
                    merit::sanitize::line(&name),
                    removed.join(", ")
                );
            }
        }
        Cmd::List { json } => {
            store.authorize(&ctx.actor()?, merit::access::Action::Read)?;
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
