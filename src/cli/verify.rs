//! `merit verify`: check credentials (JSON, baked PNG or SVG) offline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::Value;

use merit::credential::{bake, verify};
use merit::sanitize::line as safe;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[arg(long)]
    json: bool,
    /// The published status list credential (for revocation)
    #[arg(long, value_name = "FILE")]
    status_list: Option<PathBuf>,
    /// The issuer's DID document (for did:web issuers)
    #[arg(long, value_name = "FILE")]
    did_doc: Option<PathBuf>,
}

fn read_json(path: &PathBuf) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The credential in a file: JSON, or baked into a PNG or SVG.
fn load(path: &PathBuf) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        bake::extract_png(&bytes)?
    } else {
        let t = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is neither JSON, PNG nor SVG", path.display()))?;
        if t.trim_start().starts_with('<') {
            bake::extract_svg(&t)?
        } else {
            t
        }
    };
    serde_json::from_str(&text).context("the credential is not valid JSON")
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let did_doc = a.did_doc.as_ref().map(read_json).transpose()?;
    // The workspace's own list when none is given (if there is a workspace).
    let status_list = match &a.status_list {
        Some(p) => Some(read_json(p)?),
        None => ctx
            .workspace
            .as_ref()
            .map(|w| w.join("issuer/status-list.json"))
            .filter(|p| p.is_file())
            .map(|p| read_json(&p))
            .transpose()?,
    };
    let mut all_ok = true;
    for f in &a.files {
        let shown = safe(&f.display().to_string());
        let report = match load(f) {
            Ok(doc) => verify::verify(
                &doc,
                &verify::Options {
                    did_doc: did_doc.as_ref(),
                    status_list: status_list.as_ref(),
                    now: None,
                },
            ),
            Err(e) => verify::Report {
                credential_id: None,
                issuer: None,
                ok: false,
                checks: vec![verify::Check {
                    name: "read",
                    ok: false,
                    detail: format!("{e:#}"),
                }],
            },
        };
        all_ok &= report.ok;
        if a.json {
            let mut v = serde_json::to_value(&report)?;
            v["file"] = Value::String(f.display().to_string());
            println!("{}", serde_json::to_string(&v)?);
        } else {
            println!("{shown}: {}", if report.ok { "VALID" } else { "NOT VALID" });
            for c in &report.checks {
                println!(
                    "  {} {:<7} {}",
                    if c.ok { "✓" } else { "✗" },
                    c.name,
                    safe(&c.detail)
                );
            }
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
