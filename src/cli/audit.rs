//! `merit audit verify | seal | head`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use merit::access::Action;
use merit::credential::{issuer, keys};
use merit::store::audit::VerifyOptions;
use merit::store::{Store, workspace};

use super::{Ctx, passphrase};

#[derive(Subcommand)]
pub enum Cmd {
    /// Check the chain, its seals, and that the tables agree with the log (exit 1 if not)
    Verify {
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
        /// A head published earlier (SEQ:HASH, from `merit audit head`) the log must extend
        #[arg(long, value_name = "SEQ:HASH")]
        since_head: Option<String>,
    },
    /// Sign the chain's current head with the issuer key (issuers; passphrase needed)
    Seal,
    /// Print the latest sealed head, to publish or mail (SEQ:HASH, then the seal)
    Head {
        /// Print the seal as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Seals the log after an issuer's action, saying so on stderr.
pub fn seal_after(
    store: &mut Store,
    actor: &str,
    key: &ed25519_dalek::SigningKey,
    did: &str,
) -> Result<()> {
    let seal = store.seal(actor, key, did)?;
    eprintln!("audit log sealed at {}", seal.head());
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Verify { json, since_head } => {
            let (store, _) = ctx.open_for(Action::Read)?;
            let root = workspace::resolve(ctx.workspace.as_deref())?;
            // The workspace issuer's own key, for seals by a did:web issuer.
            let issuer = issuer::load(&root).ok().and_then(|i| {
                keys::public_key(&issuer::key_path(&root))
                    .ok()
                    .map(|k| (i.did, k))
            });
            let report = store.verify_audit_with(&VerifyOptions { issuer, since_head })?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&report)?);
            } else if report.ok() {
                println!(
                    "audit log intact: {} entries, chain verified, {} seal(s) verified, {} record(s) match the log",
                    report.entries, report.seals, report.records
                );
            } else {
                for p in &report.problems {
                    println!("{}", merit::sanitize::line(p));
                }
                println!(
                    "audit log BROKEN: {} problem(s) in {} entries",
                    report.problems.len(),
                    report.entries
                );
            }
            Ok(if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Seal => {
            let (mut store, actor) = ctx.open_for(Action::AuditSeal)?;
            let root = workspace::resolve(ctx.workspace.as_deref())?;
            let issuer = issuer::load(&root)?;
            let key = issuer::load_key(&root, &passphrase::get(false)?)?;
            let seal = store.seal(&actor, &key, &issuer.did)?;
            println!("{}", seal.head());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Head { json } => {
            let (store, _) = ctx.open_for(Action::Read)?;
            match store.last_seal()? {
                Some(seal) if json => println!("{}", merit::sanitize::json_pretty(&seal)?),
                Some(seal) => {
                    println!("{}", seal.head());
                    println!(
                        "sealed by {} signature {}",
                        merit::sanitize::line(&seal.did),
                        seal.signature
                    );
                }
                None => {
                    eprintln!(
                        "the log has no seal yet; an issuer seals it with `merit audit seal`"
                    );
                    return Ok(ExitCode::from(1));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
