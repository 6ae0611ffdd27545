//! `merit revoke` and `merit status-list`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Result;

use merit::credential::issue::rfc3339;
use merit::credential::proof::Suite;
use merit::credential::{issuer, status};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(clap::Args)]
pub struct RevokeArgs {
    credential_id: String,
    #[arg(long)]
    reason: String,
}

pub fn revoke(ctx: &Ctx, a: RevokeArgs) -> Result<ExitCode> {
    let actor = ctx.actor()?;
    let mut store = ctx.open()?;
    if store.revoke(&a.credential_id, &a.reason, &actor)? {
        println!(
            "revoked {}; publish the new list with `merit status-list --out FILE`",
            safe(&a.credential_id)
        );
    } else {
        println!("{} was already revoked", safe(&a.credential_id));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct StatusListArgs {
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn status_list(ctx: &Ctx, a: StatusListArgs) -> Result<ExitCode> {
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let store = ctx.open()?;
    let issuer = issuer::load(&root)?;
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let revoked: Vec<u64> = store
        .revoked_indexes()?
        .into_iter()
        .map(|i| i as u64)
        .collect();
    let cred = status::credential(
        &issuer,
        &key,
        &revoked,
        status::MIN_ENTRIES,
        &rfc3339(SystemTime::now()),
        Suite::Rdfc,
    )?;
    let text = serde_json::to_string_pretty(&cred)?;
    std::fs::write(&a.out, &text)?;
    // The workspace keeps a copy, which `merit verify` uses when no list is given.
    std::fs::write(issuer::dir(&root).join("status-list.json"), &text)?;
    println!(
        "{} revoked of {} entries; publish {} at {}",
        revoked.len(),
        status::MIN_ENTRIES,
        a.out.display(),
        safe(&issuer.status_list_url())
    );
    Ok(ExitCode::SUCCESS)
}
