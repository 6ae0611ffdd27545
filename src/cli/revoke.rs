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
    /// The credential's id (urn:uuid:…)
    credential_id: String,
    /// Why: kept in the audit log
    #[arg(long)]
    reason: String,
}

pub fn revoke(ctx: &Ctx, a: RevokeArgs) -> Result<ExitCode> {
    let (mut store, actor) = ctx.open_for(merit::access::Action::Revoke)?;
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let issuer = issuer::load(&root)?;
    // The passphrase: a revocation is sealed into the audit log with the issuer key.
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let fresh = store.revoke(&a.credential_id, &a.reason, &actor)?;
    super::audit::seal_after(&mut store, &actor, &key, &issuer.did)?;
    if fresh {
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
    /// Where to write the signed status list (JSON)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn status_list(ctx: &Ctx, a: StatusListArgs) -> Result<ExitCode> {
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let (mut store, actor) = ctx.open_for(merit::access::Action::StatusList)?;
    let issuer = issuer::load(&root)?;
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let revoked: Vec<u64> = store
        .revoked_indexes()?
        .into_iter()
        .map(|i| i as u64)
        .collect();
    let next = store.next_status_index()?.max(0) as u64;
    let lists = status::credentials(
        &issuer,
        &key,
        &revoked,
        next,
        &rfc3339(SystemTime::now()),
        Suite::Rdfc,
    )?;
    let copies = issuer::dir(&root).join("status-list.json");
    for (n, cred) in lists.iter().enumerate() {
        let n = n as u64;
        let text = serde_json::to_string_pretty(cred)?;
        let out = status::list_file(&a.out, n);
        std::fs::write(&out, &text)?;
        // The workspace keeps a copy, which `merit verify` uses when no list is given; it is
        // replaced whole (a temporary file, then a rename), as other hosts may read it.
        merit::authoring::write_back(&status::list_file(&copies, n), &text)?;
        let in_list = revoked
            .iter()
            .filter(|&&i| status::locate(i).0 == n)
            .count();
        println!(
            "{in_list} revoked of {} entries; publish {} at {}",
            status::MIN_ENTRIES,
            out.display(),
            safe(&status::list_url(&issuer, n))
        );
    }
    store.audit(
        &actor,
        "status-list.sign",
        &issuer.status_list_url(),
        &format!("{} list(s), {} revoked", lists.len(), revoked.len()),
    )?;
    super::audit::seal_after(&mut store, &actor, &key, &issuer.did)?;
    Ok(ExitCode::SUCCESS)
}
