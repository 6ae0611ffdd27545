//! `merit transcript`: a learner's record, a signed CLR 2.0 `ClrCredential` embedding every
//! credential they hold now (component and program alike).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, anyhow};
use serde_json::Value;

use merit::credential::clr::{self, RecordInput};
use merit::credential::issue::rfc3339;
use merit::credential::{issuer, proof, proof::Suite};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(clap::Args)]
pub struct Args {
    /// The learner (their id)
    #[arg(long, value_name = "ID")]
    learner: String,
    /// Where to write the signed record (JSON)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[arg(long, default_value = "eddsa-rdfc-2022", value_parser = ["eddsa-rdfc-2022", "eddsa-jcs-2022"])]
    suite: String,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let (mut store, actor) = ctx.open_for(merit::access::Action::IssueTranscript)?;
    let issuer = issuer::load(&root)?;
    let src = store.transcript_source(&a.learner, &actor)?;
    if src.credentials.is_empty() && src.programs.is_empty() {
        anyhow::bail!(
            "{} holds no current credential{}: there is nothing to put in a record",
            safe(&a.learner),
            if src.left_out > 0 {
                format!(" ({} revoked or expired)", src.left_out)
            } else {
                String::new()
            }
        );
    }
    let mut credentials: Vec<Value> = Vec::new();
    for c in &src.credentials {
        credentials.push(serde_json::from_str(c)?);
    }
    let achievement_of = |v: &Value| -> Option<String> {
        v["credentialSubject"]["achievement"]["id"]
            .as_str()
            .map(str::to_string)
    };
    let mut programs = Vec::new();
    for (json, components) in &src.programs {
        let doc: Value = serde_json::from_str(json)?;
        // Associations only between achievements the record holds.
        let parts: Vec<String> = credentials
            .iter()
            .filter(|c| {
                c["id"]
                    .as_str()
                    .is_some_and(|id| components.iter().any(|x| x == id))
            })
            .filter_map(achievement_of)
            .collect();
        if let Some(program) = achievement_of(&doc) {
            programs.push((program, parts));
        }
        credentials.push(doc);
    }
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let id = format!("urn:uuid:{}", uuid::Uuid::now_v7());
    let now = rfc3339(SystemTime::now());
    let partial = src.left_out > 0;
    let record = clr::build(&RecordInput {
        credential_id: &id,
        issuer: &issuer,
        learner_name: &src.name,
        learner_email: src.email.as_deref(),
        salt: &salt,
        credentials: &credentials,
        programs: &programs,
        partial,
        issued_at: &now,
    });
    let suite = Suite::parse(&a.suite).unwrap_or(Suite::Rdfc);
    let signed = proof::sign_owned(record, &key, &issuer.verification_method, &now, suite)?;
    // In the audit log before it leaves the workspace.
    store.record_transcript(&a.learner, &id, credentials.len(), partial, &actor)?;
    std::fs::write(&a.out, serde_json::to_string_pretty(&signed)?)
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    super::audit::seal_after(&mut store, &actor, &key, &issuer.did)?;
    println!(
        "wrote {}: {} credential(s), {} program(s){}",
        a.out.display(),
        credentials.len(),
        programs.len(),
        if partial {
            format!(
                "; partial: {} revoked or expired credential(s) left out",
                src.left_out
            )
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}
