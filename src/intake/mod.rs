//! Importing submissions from a folder (one subfolder per learner) or a CSV manifest.
//!
//! Import is idempotent: the same source imported twice changes nothing, and a learner whose
//! files changed gets a new attempt. Problems are reported with their path or manifest line;
//! they skip the learner they concern, never the whole import (except a malformed manifest,
//! which stops before anything is written).

mod folder;
mod kind;
pub mod limits;
pub mod manifest;
mod open;
mod plan;
mod safe_path;

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

pub use folder::LEARNER_FILE;
pub use kind::kind_of;
pub use plan::IntakeProblem;
use plan::PlannedSubmission;

use crate::rubric::is_slug;
use crate::store::{ArtifactRecord, RecordOutcome, Store, SubmissionInput};

/// Submissions written per database transaction.
const BATCH: usize = 500;

pub struct ImportOptions<'a> {
    pub cohort: &'a str,
    pub cohort_name: Option<&'a str>,
    pub rubric_id: &'a str,
    pub actor: &'a str,
    /// Make the cohort blind before anything is recorded (`merit import --blind`).
    pub blind: bool,
    /// The route of every submission whose source does not say (`merit import --route`).
    pub route: crate::vocabulary::Route,
    /// Draw a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// A test seam: called with each file's path after it was checked and before it is
    /// opened, so that a test can swap the file in between. `None` outside tests.
    pub before_open: BeforeOpen<'a>,
}

/// See [`ImportOptions::before_open`].
pub type BeforeOpen<'a> = Option<&'a (dyn Fn(&Path) + Sync)>;

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub new: usize,
    pub new_attempts: usize,
    pub unchanged: usize,
    pub artifacts: usize,
    pub bytes: u64,
    /// What was not imported, and why.
    pub problems: Vec<IntakeProblem>,
}

/// Imports `source` into cohort `opts.cohort`, assessed against the current version of
/// `opts.rubric_id`.
pub fn import(store: &mut Store, source: &Path, opts: &ImportOptions<'_>) -> Result<ImportReport> {
    store.authorize(opts.actor, crate::access::Action::ImportSubmissions)?;
    if !is_slug(opts.cohort) {
        bail!(
            "cohort id `{}` is not valid: use letters, digits, `-` and `_` (give a display name with --cohort-name)",
            opts.cohort
        );
    }
    let version = store.current_rubric(opts.rubric_id)?.ok_or_else(|| {
        let known = store.rubric_ids().unwrap_or_default();
        anyhow!(
            "no rubric `{}` in this workspace (known: {}); add it with `merit rubric import FILE`",
            opts.rubric_id,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )
    })?;
    if let Some(name) = opts.cohort_name {
        limits::cohort_name(name).map_err(|e| anyhow!("--cohort-name: {e}"))?;
    }
    let rubric = store.load_rubric(&version.hash)?;
    let canonical = source
        .canonicalize()
        .with_context(|| format!("cannot open source {}", source.display()))?;
    let plan = if canonical.is_dir() {
        folder::plan(&canonical, &rubric)
    } else {
        manifest::plan(source, canonical.parent().unwrap_or(&canonical), &rubric)
            .map_err(|p| anyhow!("{p}"))?
    };
    let mut plan = plan;
    // Fields too long for a learner: that learner is skipped, naming the field and the row.
    let mut bounded = Vec::with_capacity(plan.submissions.len());
    for s in std::mem::take(&mut plan.submissions) {
        let url = s
            .artifacts
            .iter()
            .filter_map(|a| a.url.as_deref())
            .find_map(|u| limits::url(u).err());
        match limits::learner(&s.learner).err().or(url) {
            None => bounded.push(s),
            Some(why) => plan.problems.push(IntakeProblem::new(
                &s.place,
                format!(
                    "{why}; learner `{}` skipped",
                    crate::sanitize::line(&s.learner.key.chars().take(64).collect::<String>())
                ),
            )),
        }
    }
    plan.submissions = bounded;
    for s in &mut plan.submissions {
        s.route = s.route.or(Some(opts.route));
    }
    store.ensure_cohort(opts.cohort, opts.cohort_name, opts.rubric_id, opts.actor)?;
    if opts.blind {
        store.set_blind(opts.cohort, true, opts.actor)?;
    }

    let mut report = ImportReport {
        problems: plan.problems,
        ..ImportReport::default()
    };
    let bar = progress_bar(opts.progress, plan.submissions.len());
    for chunk in plan.submissions.chunks(BATCH) {
        let stored = store_files(store, chunk, opts.before_open);
        let mut batch = Vec::with_capacity(chunk.len());
        for result in stored {
            match result {
                Ok(input) => {
                    report.artifacts += input.artifacts.len();
                    report.bytes += input.artifacts.iter().filter_map(|a| a.size).sum::<u64>();
                    batch.push(input);
                }
                Err(p) => report.problems.push(p),
            }
        }
        for outcome in store.record_submissions(opts.cohort, &version.hash, &batch, opts.actor)? {
            match outcome {
                RecordOutcome::New(_) => report.new += 1,
                RecordOutcome::NewAttempt(..) => report.new_attempts += 1,
                RecordOutcome::Unchanged => report.unchanged += 1,
            }
        }
        bar.inc(chunk.len() as u64);
        crate::seam::hold_after(bar.position() as usize, plan.submissions.len());
    }
    bar.finish_and_clear();
    store.audit(
        opts.actor,
        "import",
        opts.cohort,
        &format!(
            "{}: {} new, {} new attempts, {} unchanged, {} problems",
            source.display(),
            report.new,
            report.new_attempts,
            report.unchanged,
            report.problems.len()
        ),
    )?;
    store.refresh_statistics()?;
    Ok(report)
}

fn progress_bar(enabled: bool, len: usize) -> ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} learners  {per_sec}  eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Copies the chunk's files into the artifact store, on all cores. Results keep the order of
/// `chunk`; a learner with an unreadable file is reported and skipped.
fn store_files(
    store: &Store,
    chunk: &[PlannedSubmission],
    before_open: BeforeOpen<'_>,
) -> Vec<Result<SubmissionInput, IntakeProblem>> {
    let artifacts = store.artifacts();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunk.len().max(1));
    let mut results: Vec<Option<Result<SubmissionInput, IntakeProblem>>> =
        (0..chunk.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .skip(w)
                        .step_by(workers)
                        .map(|(i, s)| (i, store_one(artifacts, s, before_open)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A worker only panics on a bug; treat its learners as not imported.
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    results[i] = Some(r);
                }
            }
        }
    });
    results
        .into_iter()
        .zip(chunk)
        .map(|(r, s)| {
            r.unwrap_or_else(|| Err(IntakeProblem::new(&s.place, "internal error while copying")))
        })
        .collect()
}

fn store_one(
    artifacts: &crate::store::ArtifactStore,
    s: &PlannedSubmission,
    before_open: BeforeOpen<'_>,
) -> Result<SubmissionInput, IntakeProblem> {
    let mut records = Vec::with_capacity(s.artifacts.len());
    for a in &s.artifacts {
        let (sha256, size) = match &a.file {
            Some(checked) => {
                if let Some(hook) = before_open {
                    hook(&checked.path);
                }
                let stored = open::open(checked)
                    .and_then(|mut f| artifacts.put_reader(&mut f))
                    .map_err(|e| {
                        IntakeProblem::new(
                            checked.path.display().to_string(),
                            format!("cannot read: {e}; learner `{}` skipped", s.learner.key),
                        )
                    })?;
                (Some(stored.sha256), Some(stored.size))
            }
            None => (None, None),
        };
        records.push(ArtifactRecord {
            name: a.name.clone(),
            kind: a.kind.clone(),
            requirement: a.requirement.clone(),
            sha256,
            size,
            url: a.url.clone(),
        });
    }
    Ok(SubmissionInput {
        learner: s.learner.clone(),
        artifacts: records,
        route: s.route.unwrap_or_default(),
    })
}
