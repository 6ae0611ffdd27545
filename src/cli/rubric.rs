//! `merit rubric check|import|history`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use merit::rubric::{self, Problem, Rubric, Span};
use merit::sanitize::line as safe;
use merit::store::{RubricImport, format_time};

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// Validate rubric files; every problem as FILE:LINE:COLUMN: message (exit 1 if any)
    Check {
        /// Rubric YAML files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Load rubrics into the workspace (a new version when the content changed)
    Import {
        /// Rubric YAML files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// What changed, kept with each new version and shown by `rubric history`
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Compare two rubrics: each a file, ID@VERSION, or a version hash prefix
    Diff {
        /// The older side: a file, ID@VERSION, or a version hash prefix
        #[arg(value_name = "FILE_OR_VERSION")]
        a: String,
        /// The newer side: a file, ID@VERSION, or a version hash prefix
        #[arg(value_name = "FILE_OR_VERSION")]
        b: String,
    },
    /// List the versions of a rubric
    History {
        /// The rubric id
        id: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Check { files } => {
            let mut failed = 0;
            for f in &files {
                match load(f) {
                    Ok(_) => println!("{}: ok", safe(&f.display().to_string())),
                    Err(problems) => {
                        failed += 1;
                        print_problems(f, &problems);
                    }
                }
            }
            if failed > 0 {
                eprintln!("{failed} of {} file(s) have problems", files.len());
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Import { files, note } => {
            // Validate everything first: either all files import or none does.
            let mut loaded = Vec::new();
            let mut failed = false;
            for f in &files {
                match load(f) {
                    Ok(x) => loaded.push((f, x)),
                    Err(problems) => {
                        failed = true;
                        print_problems(f, &problems);
                    }
                }
            }
            if failed {
                eprintln!("nothing imported; fix the problems above and run again");
                return Ok(ExitCode::from(1));
            }
            let actor = ctx.actor()?;
            let mut store = ctx.open_or_create()?;
            for (f, (r, source)) in loaded {
                // Absolute, so that the workbench can write the file back from anywhere.
                let path = f
                    .canonicalize()
                    .unwrap_or_else(|_| f.to_path_buf())
                    .display()
                    .to_string();
                let id = safe(&r.id.value);
                match store.import_rubric_noted(&r, &source, Some(&path), &actor, &note)? {
                    RubricImport::New(v) => {
                        println!("{id}: version {} imported ({})", v.version, short(&v.hash))
                    }
                    RubricImport::Unchanged(v) => {
                        println!("{id}: unchanged (version {})", v.version)
                    }
                    RubricImport::Reverted(v) => println!(
                        "{id}: same as version {}, which is current again",
                        v.version
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Diff { a, b } => {
            let (ra, sa, la) = match resolve(ctx, &a)? {
                Ok(x) => x,
                Err(code) => return Ok(code),
            };
            let (rb, sb, lb) = match resolve(ctx, &b)? {
                Ok(x) => x,
                Err(code) => return Ok(code),
            };
            println!("--- {}", safe(&la));
            println!("+++ {}", safe(&lb));
            let changes = rubric::diff::structural(&ra, &rb);
            let lines = rubric::diff::lines(&sa, &sb, 2);
            if changes.is_empty() && lines.is_empty() {
                println!("no differences");
                return Ok(ExitCode::SUCCESS);
            }
            if changes.is_empty() {
                println!("same meaning (only comments or layout differ)");
            } else {
                println!("changes in meaning:");
                for c in &changes {
                    println!("  {}: {}", safe(&c.place), safe(&c.what));
                }
            }
            if !lines.is_empty() {
                println!("lines:");
                for l in &lines {
                    match l.tag {
                        '@' => println!("{}", l.text),
                        tag => println!("{tag}{}", safe(&l.text)),
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::History { id, json } => {
            let (store, _) = ctx.open_for(merit::access::Action::Read)?;
            let versions = store.rubric_versions(&id)?;
            if versions.is_empty() {
                eprintln!("no rubric `{}` in this workspace", safe(&id));
                return Ok(ExitCode::from(1));
            }
            let current = store.current_rubric(&id)?.map(|v| v.hash);
            if json {
                let mut out = Vec::new();
                for v in &versions {
                    let mut j = serde_json::to_value(v)?;
                    j["note"] = serde_json::json!(store.rubric_note(&v.hash)?);
                    out.push(j);
                }
                println!("{}", merit::sanitize::json_pretty(&out)?);
            } else {
                for v in versions {
                    let note = store
                        .rubric_note(&v.hash)?
                        .map(|n| format!("\t“{}”", safe(&n)))
                        .unwrap_or_default();
                    let mark = if current.as_deref() == Some(v.hash.as_str()) {
                        "  (current)"
                    } else {
                        ""
                    };
                    println!(
                        "version {}\t{}\t{}\t{}\t{}{note}{mark}",
                        v.version,
                        short(&v.hash),
                        format_time(v.created_at),
                        safe(&v.created_by),
                        safe(&v.title)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A rubric to compare: a file, `ID@VERSION`, or a version hash prefix. Problems are printed
/// and become the exit code.
fn resolve(ctx: &Ctx, arg: &str) -> Result<Result<(Rubric, String, String), ExitCode>> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(match load(path) {
            Ok((r, src)) => Ok((r, src, arg.to_string())),
            Err(problems) => {
                print_problems(path, &problems);
                Err(ExitCode::from(1))
            }
        });
    }
    let store = ctx.open()?;
    let version = if let Some((id, n)) = arg.split_once('@') {
        let n: i64 = match n.parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!(
                    "`{}`: the version after @ is a number, e.g. {id}@2",
                    safe(arg)
                );
                return Ok(Err(ExitCode::from(2)));
            }
        };
        store
            .rubric_versions(id)?
            .into_iter()
            .find(|v| v.version == n)
    } else {
        store.rubric_version_by_prefix(arg)?
    };
    let Some(v) = version else {
        eprintln!(
            "`{}` is neither a file nor a version in this workspace; use a path, ID@VERSION or a hash prefix (`merit rubric history ID` lists versions)",
            safe(arg)
        );
        return Ok(Err(ExitCode::from(1)));
    };
    let source = store.rubric_source(&v.hash)?.unwrap_or_default();
    let r = store.load_rubric(&v.hash)?;
    Ok(Ok((
        r,
        source,
        format!("{}@{} ({})", v.rubric_id, v.version, short(&v.hash)),
    )))
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// Reads and validates a rubric file without reading more than the size limit.
/// A YAML file's bytes (a rubric or a pathway: `what`), at most the YAML reader's limit.
pub(super) fn read_yaml_file(path: &Path, what: &str) -> Result<Vec<u8>, Vec<Problem>> {
    use std::io::Read;
    let at_start = |m: String| vec![Problem::new(Span::new(1, 1), m)];
    let meta = std::fs::metadata(path).map_err(|e| at_start(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(at_start(format!("is a folder, not a {what} file")));
    }
    let max = rubric::yaml::MAX_BYTES as u64;
    let too_big = |len: u64| {
        at_start(format!(
            "file is {len} bytes; {what} files are limited to {max} bytes"
        ))
    };
    if meta.len() > max {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| at_start(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

pub(super) fn load(path: &Path) -> Result<(Rubric, String), Vec<Problem>> {
    let bytes = read_yaml_file(path, "rubric")?;
    let mut r = rubric::parse(&bytes)?;
    // A picture the rubric names is read from beside it.
    let folder = path.parent().unwrap_or(Path::new("."));
    rubric::image::attach(&mut r, Some(folder), None).map_err(|p| vec![p])?;
    // parse() accepted it, so it is UTF-8.
    Ok((r, String::from_utf8_lossy(&bytes).into_owned()))
}

pub(super) fn print_problems(file: &Path, problems: &[Problem]) {
    let name = safe(&file.display().to_string());
    for p in problems {
        println!(
            "{name}:{}:{}: {}",
            p.span.line,
            p.span.col,
            safe(&p.message)
        );
        if let Some(h) = &p.hint {
            println!("    hint: {}", safe(h));
        }
    }
}
