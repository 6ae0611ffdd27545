//! `merit verify`: check credentials (JSON, baked PNG or SVG) offline.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use merit::credential::resolve::KeySources;
use merit::credential::verify::{self, Outcome};
use merit::credential::{bake, issuer, status};
use merit::sanitize::{json_line, line as safe};
use merit::store::workspace;

use super::Ctx;

/// The largest input read by default: room for a CLR transcript of a few hundred credentials.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

#[derive(clap::Args)]
pub struct Args {
    /// Credentials: JSON, or badges baked as PNG or SVG
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// One JSON line per file, with each check's result (passed, failed, not_checked)
    #[arg(long)]
    json: bool,
    /// A published status list credential (for revocation); may be given more than once
    #[arg(long, value_name = "FILE")]
    status_list: Vec<PathBuf>,
    /// The DID document of a did:web issuer; may be given more than once
    #[arg(long, value_name = "FILE")]
    did_doc: Vec<PathBuf>,
    /// A key document (a controller document, or one verification method) for issuers whose
    /// keys are not DIDs; may be given more than once
    #[arg(long, value_name = "FILE")]
    key_doc: Vec<PathBuf>,
    /// The issuer's published site (`merit publish --out DIR`, or a copy of it): its status
    /// lists and DID documents are used as the credentials name them
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// Accept a key written in the `#z6Mk…` fragment of an https verification method without
    /// dereferencing it (as the 1EdTech validator does); a warning says so
    #[arg(long)]
    fragment_keys: bool,
    /// The most bytes read from one file, and inflated from a baked PNG
    #[arg(long, value_name = "BYTES", env = "MERIT_VERIFY_MAX_BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

/// At most `max` bytes of `path`, or an error that says the limit and how to raise it.
fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(size.min(max.saturating_add(1)) as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > max {
        bail!(
            "{} is larger than {max} bytes, the most `merit verify` reads (raise it with \
             --max-bytes or MERIT_VERIFY_MAX_BYTES)",
            safe(&path.display().to_string())
        );
    }
    Ok(bytes)
}

fn read_json(path: &Path, max: u64) -> Result<Value> {
    let bytes = read_bounded(path, max)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not JSON: {e}",
            safe(&path.display().to_string()),
            e.line(),
            e.column()
        )
    })
}

/// The credential in a file: JSON, or baked into a PNG or SVG.
fn load(path: &Path, max: u64) -> Result<Value> {
    let bytes = read_bounded(path, max)?;
    let shown = safe(&path.display().to_string());
    let text = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        bake::extract_png_bounded(&bytes, max as usize)?
    } else {
        let t = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{shown} is neither JSON, PNG nor SVG"))?;
        if t.trim_start().starts_with('<') {
            bake::extract_svg(&t)?
        } else {
            t
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{shown}:{}:{}: the credential is not valid JSON: {e}",
            e.line(),
            e.column()
        )
    })
}

/// The workspace's own status lists (`merit status-list` keeps copies) and, for a did:web
/// issuer, its DID document, if there is a workspace.
fn workspace_documents(ctx: &Ctx, max: u64) -> Result<(Vec<Value>, Vec<Value>)> {
    let Ok(root) = workspace::resolve(ctx.workspace.as_deref()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut lists = Vec::new();
    for p in status::workspace_copies(&issuer::dir(&root)) {
        lists.push(read_json(&p, max)?);
    }
    let did = issuer::did_doc_path(&root);
    let docs = if did.is_file() {
        vec![read_json(&did, max)?]
    } else {
        Vec::new()
    };
    Ok((lists, docs))
}

/// The status lists (under `status/`) and DID documents (`did.json`, at most four folders
/// deep) of a published site folder; at most 1,000 files of each are read.
fn site_documents(dir: &Path, max: u64) -> Result<(Vec<Value>, Vec<Value>)> {
    const MOST: usize = 1_000;
    let mut lists = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("status")) {
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files.into_iter().take(MOST) {
            lists.push(read_json(&f, max)?);
        }
    }
    let mut docs = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() && depth < 4 && p.file_name().is_some_and(|n| n != "c") {
                todo.push((p, depth + 1));
            } else if kind.is_file()
                && p.file_name().is_some_and(|n| n == "did.json")
                && docs.len() < MOST
            {
                docs.push(read_json(&p, max)?);
            }
        }
    }
    Ok((lists, docs))
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let max = a.max_bytes;
    let read_all = |files: &[PathBuf]| -> Result<Vec<Value>> {
        files.iter().map(|p| read_json(p, max)).collect()
    };
    let mut did_docs = read_all(&a.did_doc)?;
    let key_docs = read_all(&a.key_doc)?;
    let mut status_lists = read_all(&a.status_list)?;
    let (site_lists, site_docs) = match &a.site {
        Some(dir) => site_documents(dir, max)?,
        None => (Vec::new(), Vec::new()),
    };
    status_lists.extend(site_lists);
    did_docs.extend(site_docs);
    let (own_lists, own_docs) = workspace_documents(ctx, max)?;
    if status_lists.is_empty() {
        status_lists = own_lists;
    }
    if did_docs.is_empty() {
        did_docs = own_docs;
    }
    let opts = verify::Options {
        keys: KeySources {
            did_docs: &did_docs,
            key_docs: &key_docs,
            fragment_keys: a.fragment_keys,
        },
        status_lists: &status_lists,
        now: None,
    };
    let mut all_ok = true;
    for f in &a.files {
        let shown = safe(&f.display().to_string());
        let report = match load(f, max) {
            Ok(doc) => verify::verify(&doc, &opts),
            Err(e) => verify::Report::failure("read", format!("{e:#}")),
        };
        all_ok &= report.ok;
        if a.json {
            let mut v = serde_json::to_value(&report)?;
            v["file"] = Value::String(f.display().to_string());
            println!("{}", json_line(&v)?);
        } else {
            println!("{shown}: {}", if report.ok { "VALID" } else { "NOT VALID" });
            for c in &report.checks {
                let mark = match c.result {
                    Outcome::Passed => "✓",
                    Outcome::Failed => "✗",
                    Outcome::NotChecked => "-",
                };
                let detail = match c.result {
                    Outcome::NotChecked => format!("not checked: {}", c.detail),
                    _ => c.detail.clone(),
                };
                println!("  {mark} {:<7} {}", c.name, safe(&detail));
            }
            for w in &report.warnings {
                println!("  ! warning {}", safe(w));
            }
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
