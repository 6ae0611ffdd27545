//! `merit pathway check|import|list|history|diff|status`: program achievements built from
//! badges.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use merit::access::Action;
use merit::pathway::{self, Pathway};
use merit::rubric::Problem;
use merit::sanitize::line as safe;

use super::Ctx;
use super::rubric::print_problems;

#[derive(Subcommand)]
pub enum Cmd {
    /// Check pathway files; rubric ids resolve against the workspace when one is given
    /// (--workspace or MERIT_HOME), else the bundled rubrics and rubric files named alongside
    Check {
        /// Pathway YAML files (and rubric files they name)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Load pathways into the workspace (a new version when the content changed; leads)
    Import {
        /// Pathway YAML files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// The pathways in the workspace, each at its current version
    List {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Every version of a pathway
    History {
        /// The pathway id
        id: String,
    },
    /// What changed between two pathways: each a file, ID@N, or ID (the current version)
    Diff {
        /// The older side: a file, ID@N or ID
        #[arg(value_name = "FILE_OR_VERSION")]
        a: String,
        /// The newer side: a file, ID@N or ID
        #[arg(value_name = "FILE_OR_VERSION")]
        b: String,
    },
    /// Who has earned a pathway, and who is missing which badges (leads and issuers)
    Status {
        /// The pathway (every pathway when left out)
        #[arg(long, value_name = "ID")]
        pathway: Option<String>,
        /// Only this learner (their id)
        #[arg(long, value_name = "ID")]
        learner: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

/// A pathway file's text, bounded like a rubric's.
fn read(path: &Path) -> Result<Vec<u8>, Vec<Problem>> {
    super::rubric::read_yaml_file(path, "pathway")
}

/// Whether a file is a pathway (it has a top-level `requires:`) rather than a rubric.
fn is_pathway(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .lines()
        .any(|l| l.starts_with("requires:"))
}

fn load(path: &Path) -> Result<(Pathway, String), Vec<Problem>> {
    let bytes = read(path)?;
    let p = pathway::parse(&bytes)?;
    Ok((p, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Text lines of a pathway's meaning, for `diff`.
fn lines(p: &Pathway) -> Vec<String> {
    let a = &p.achievement;
    let mut out = vec![
        format!("title: {}", p.title.value),
        format!("name: {}", a.name.value),
        format!("type: {}", a.achievement_type.value),
        format!("description: {}", a.description.value.trim()),
        format!("criteria: {}", a.criteria.value.trim()),
        format!(
            "valid for: {}",
            a.valid_for_days
                .as_ref()
                .map_or("no end".to_string(), |d| format!("{} days", d.value))
        ),
        format!(
            "validity: {}",
            match p.validity {
                pathway::Validity::Components => "no later than the earliest component",
                pathway::Validity::Own => "its own (may outlive its components)",
            }
        ),
        format!(
            "tags: {}",
            a.tags
                .iter()
                .map(|t| t.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    out.extend(
        a.alignments
            .iter()
            .map(|al| format!("alignment: {} <{}>", al.name.value, al.url.value)),
    );
    p.requires.lines(0, &mut out);
    out
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Check { files } => check(ctx, &files),
        Cmd::Import { files } => {
            // Every file checked before any is stored: all import or none does.
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
            let (mut store, actor) = ctx.open_for(Action::ImportPathway)?;
            let known: Vec<String> = store.rubric_overview()?.into_iter().map(|r| r.id).collect();
            for (f, (p, _)) in &loaded {
                let problems = pathway::resolve(p, &known);
                if !problems.is_empty() {
                    failed = true;
                    print_problems(f, &problems);
                }
            }
            if failed {
                eprintln!("nothing imported: fix the problems above and import again");
                return Ok(ExitCode::from(1));
            }
            for (f, (p, source)) in &loaded {
                let shown = f.display().to_string();
                let done = store.import_pathway(p, source, Some(&shown), &actor)?;
                println!(
                    "{}: pathway {} version {}{}",
                    safe(&shown),
                    safe(&done.id),
                    done.version,
                    if done.new { "" } else { " (unchanged)" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::List { json } => {
            let (store, _) = ctx.open_for(Action::Read)?;
            let current: Vec<_> = store
                .pathway_versions(None)?
                .into_iter()
                .filter(|v| v.current)
                .collect();
            if json {
                println!("{}", merit::sanitize::json_pretty(&current)?);
            } else {
                if current.is_empty() {
                    eprintln!("no pathways yet; load one with `merit pathway import FILE`");
                }
                for v in current {
                    println!(
                        "{}\tversion {}\t{}",
                        safe(&v.pathway_id),
                        v.version,
                        safe(&v.title)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::History { id } => {
            let (store, _) = ctx.open_for(Action::Read)?;
            let versions = store.pathway_versions(Some(&id))?;
            if versions.is_empty() {
                anyhow::bail!(
                    "no pathway `{}` (`merit pathway list` shows them)",
                    safe(&id)
                );
            }
            for v in versions {
                println!(
                    "{}@{}\t{}\t{}\t{}{}",
                    safe(&v.pathway_id),
                    v.version,
                    merit::store::format_time(v.created_at),
                    safe(&v.created_by),
                    &v.hash[..12.min(v.hash.len())],
                    if v.current { "\tcurrent" } else { "" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Diff { a, b } => {
            // A side that is a file is read from disk; the workspace is opened only for a
            // side that names a version.
            let mut store = None;
            let mut side = |spec: &str| -> Result<(String, Pathway)> {
                let path = Path::new(spec);
                if path.is_file() {
                    return match load(path) {
                        Ok((p, _)) => Ok((spec.to_string(), p)),
                        Err(problems) => {
                            print_problems(path, &problems);
                            anyhow::bail!("{} has problems", safe(spec))
                        }
                    };
                }
                if store.is_none() {
                    store = Some(ctx.open_for(Action::Read)?.0);
                }
                let s = store
                    .as_ref()
                    .ok_or_else(|| anyhow::anyhow!("no workspace"))?;
                let (v, p) = s.load_pathway(spec)?;
                Ok((format!("{}@{}", v.pathway_id, v.version), p))
            };
            let (na, pa) = side(&a)?;
            let (nb, pb) = side(&b)?;
            println!("{} → {}", safe(&na), safe(&nb));
            let (la, lb) = (lines(&pa), lines(&pb));
            let la: Vec<&str> = la.iter().map(String::as_str).collect();
            let lb: Vec<&str> = lb.iter().map(String::as_str).collect();
            let diff = similar::TextDiff::from_slices(&la, &lb);
            let mut changed = false;
            for change in diff.iter_all_changes() {
                let tag = match change.tag() {
                    similar::ChangeTag::Equal => continue,
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                changed = true;
                println!("{tag} {}", safe(change.value()));
            }
            if !changed {
                println!("  the same pathway");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Status {
            pathway,
            learner,
            json,
        } => {
            let actor = ctx.actor()?;
            let mut store = ctx.open()?;
            let ids: Vec<String> = match pathway {
                Some(p) => vec![p],
                None => store
                    .pathway_versions(None)?
                    .into_iter()
                    .filter(|v| v.current)
                    .map(|v| v.pathway_id)
                    .collect(),
            };
            let mut all = Vec::new();
            for id in &ids {
                let learners = store.pathway_status(id, learner.as_deref(), &actor)?;
                all.push(serde_json::json!({"pathway": id, "learners": learners}));
                if !json {
                    let earned = learners.iter().filter(|l| l.status == "earned").count();
                    println!("{}: {earned} earned", safe(id));
                    for l in &learners {
                        let what = if l.missing.is_empty() {
                            "earned".to_string()
                        } else {
                            format!("missing {}", l.missing.join(", "))
                        };
                        let program = match (&l.program_credential, l.lapsed_components.len()) {
                            (None, _) => String::new(),
                            (Some(c), 0) => format!("\tprogram credential {c}"),
                            (Some(c), n) => format!(
                                "\tFLAGGED: program credential {c} rests on {n} revoked or expired \
                                 component(s) ({}): decide whether to revoke it",
                                l.lapsed_components.join(", ")
                            ),
                        };
                        println!(
                            "  {}\t{}\t{}{}",
                            safe(&l.learner),
                            safe(&l.name),
                            safe(&what),
                            safe(&program)
                        );
                    }
                }
            }
            if json {
                let out = match all.len() {
                    1 => all.remove(0),
                    _ => serde_json::Value::Array(all),
                };
                println!("{}", merit::sanitize::json_pretty(&out)?);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(ctx: &Ctx, files: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = 0;
    let mut pathways = Vec::new();
    let mut known: Vec<String> = Vec::new();
    // Rubric files first: a pathway may name a rubric given after it.
    for f in files {
        let bytes = match read(f) {
            Ok(b) => b,
            Err(p) => {
                failed += 1;
                print_problems(f, &p);
                continue;
            }
        };
        if is_pathway(&bytes) {
            pathways.push((f, bytes));
        } else {
            match super::rubric::load(f) {
                Ok((r, _)) => {
                    println!(
                        "{}: ok (rubric {})",
                        safe(&f.display().to_string()),
                        safe(&r.id.value)
                    );
                    known.push(r.id.value);
                }
                Err(p) => {
                    failed += 1;
                    print_problems(f, &p);
                }
            }
        }
    }
    let workspace = ctx.workspace.is_some() || std::env::var_os("MERIT_HOME").is_some();
    if workspace {
        let store = ctx.open()?;
        known.extend(store.rubric_overview()?.into_iter().map(|r| r.id));
    } else {
        for (_, src) in merit::rubric::BUNDLED {
            if let Ok(r) = merit::rubric::parse(src.as_bytes()) {
                known.push(r.id.value);
            }
        }
    }
    for (f, bytes) in &pathways {
        match pathway::check(bytes, &known) {
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
