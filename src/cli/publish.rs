//! `merit publish --out DIR [--withdraw CREDENTIAL_ID]`: the issuer's static site.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use merit::credential::issuer;
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write the site into (upload it to the issuer's URL)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Take this credential's page down (the credential stays valid)
    #[arg(long, value_name = "CREDENTIAL_ID")]
    withdraw: Vec<String>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let (mut store, actor) = ctx.open_for(merit::access::Action::Publish)?;
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    for id in &a.withdraw {
        if store.withdraw_page(id, &actor)? {
            println!("{}: its page is taken down", safe(id));
        } else {
            println!("{}: its page was already withdrawn", safe(id));
        }
    }
    let mut key = || issuer::load_key(&root, &passphrase::get(false)?);
    let report = merit::publish::publish(&mut store, &actor, &a.out, &mut key)?;
    println!(
        "published {} credential page(s) to {} ({} withdrawn); {} status list(s) signed; {} file(s) written, {} unchanged, {} removed",
        report.pages,
        a.out.display(),
        report.withdrawn,
        report.lists_signed,
        report.files.written,
        report.files.unchanged,
        report.files.removed
    );
    Ok(ExitCode::SUCCESS)
}
