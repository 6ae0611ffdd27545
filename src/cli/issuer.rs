//! `merit issuer init|show`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use merit::credential::{issuer, keys};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(Subcommand)]
pub enum Cmd {
    /// Create the issuer's Ed25519 key (encrypted with a passphrase) and public profile
    Init {
        /// The issuer's name, as credentials and pages show it
        #[arg(long)]
        name: String,
        /// The issuer's web page (credentials link to it; achievements and the status list live under it)
        #[arg(long)]
        url: String,
        /// A contact address for the issuer's profile (public)
        #[arg(long)]
        email: Option<String>,
        /// Use did:web:DOMAIN instead of did:key (writes issuer/did.json to publish)
        #[arg(long, value_name = "DOMAIN")]
        did_web: Option<String>,
    },
    /// Print the issuer's DID, public key and profile
    Show {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    match cmd {
        Cmd::Init {
            name,
            url,
            email,
            did_web,
        } => {
            let (store, actor) = ctx.open_for(merit::access::Action::IssuerInit)?;
            let pass = passphrase::get(true)?;
            let issuer = issuer::init(
                &root,
                &name,
                &url,
                email.as_deref(),
                did_web.as_deref(),
                &pass,
            )?;
            drop(store);
            let mut store = ctx.open()?;
            store.audit(&actor, "issuer.init", &issuer.did, &issuer.name)?;
            println!("issuer {}", safe(&issuer.did));
            println!(
                "key    {} (encrypted, mode 0600)",
                issuer::key_path(&root).display()
            );
            if did_web.is_some() {
                println!(
                    "publish {} at https://{}/.well-known/did.json",
                    issuer::did_doc_path(&root).display(),
                    safe(did_web.as_deref().unwrap_or(""))
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Show { json } => {
            ctx.open_for(merit::access::Action::Read)?;
            let issuer = issuer::load(&root)?;
            let public = keys::public_key(&issuer::key_path(&root))?;
            if json {
                let mut v = serde_json::to_value(&issuer)?;
                v["publicKeyMultibase"] = keys::public_key_multibase(&public).into();
                println!("{}", merit::sanitize::json_pretty(&v)?);
            } else {
                println!("DID:                 {}", safe(&issuer.did));
                println!("verification method: {}", safe(&issuer.verification_method));
                println!(
                    "public key:          {}",
                    keys::public_key_multibase(&public)
                );
                println!("name:                {}", safe(&issuer.name));
                println!("url:                 {}", safe(&issuer.url));
                if let Some(e) = &issuer.email {
                    println!("email:               {}", safe(e));
                }
                println!("status list:         {}", safe(&issuer.status_list_url()));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
