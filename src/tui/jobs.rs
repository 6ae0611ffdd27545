//! Background work: one database thread (all SQLite reads and writes of the workbench) and
//! artifact loaders. Results come back to the UI as [`Msg`]s; the UI thread never blocks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::authoring::{self, SaveOutcome};
use crate::rubric::{self, Rubric};
use crate::store::{ArtifactRecord, Store};
use crate::tui::artifact::{self, ArtifactContent};
use crate::tui::effect::DbRequest;
use crate::tui::message::{DbReply, EditorOpen, Msg};
use crate::tui::theme::Theme;

/// Opens submission `id` for review, or, when `user` has exemplars to score before live work
/// on its rubric, the next of them.
fn open(
    store: &mut Store,
    user: &str,
    id: i64,
    claim_idle_secs: i64,
) -> anyhow::Result<crate::store::ReviewData> {
    match store.exemplar_due(user, id)? {
        Some(exemplar) => store.open_exemplar(exemplar, user),
        None => store.open_review(id, user, claim_idle_secs),
    }
}

/// Runs one request against the store. Used by the worker thread and by benchmarks.
pub fn handle(store: &mut Store, user: &str, is_lead: bool, req: DbRequest) -> DbReply {
    let err = |e: anyhow::Error| format!("{e:#}");
    match req {
        DbRequest::Queue {
            generation,
            mut query,
            mode,
        } => DbReply::Queue {
            generation,
            mode,
            // Who is masked is the store's rule for the session's user, whatever was sent.
            rows: store
                .masked_viewer(user)
                .and_then(|m| {
                    query.blind_for = m;
                    store.queue_page(&query)
                })
                .map_err(err),
        },
        DbRequest::Cohorts => DbReply::Cohorts(store.cohorts().map_err(err)),
        DbRequest::Pathways => DbReply::Pathways(store.pathway_summaries(user).map_err(err)),
        DbRequest::PathwayPlan { pathway, suite } => DbReply::PathwayPlan(
            (|| {
                store.authorize(user, crate::access::Action::ApproveDryRun)?;
                let approver = crate::credential::approval::Approver::new(store, user)?;
                let plan = crate::credential::program_approval::ProgramPlan::new(
                    store, &pathway, &approver, None,
                )?;
                let did = crate::credential::issuer::load(store.root())
                    .map(|i| i.did)
                    .map_err(|e| anyhow::anyhow!("no issuer key yet ({e:#})"))?;
                let text = plan.describe(suite, &did).join("\n");
                Ok((Box::new(plan), text))
            })()
            .map_err(err),
        ),
        DbRequest::CohortRows {
            cohort_id,
            claim_idle_secs,
            now,
        } => DbReply::CohortRows {
            rows: store
                .masked_viewer(user)
                .and_then(|m| store.cohort_rows(&cohort_id, claim_idle_secs, now, m.as_deref()))
                .map_err(err),
            issuer: crate::credential::issuer::load(store.root())
                .map(|i| i.did)
                .map_err(err),
            cohort_id,
        },
        DbRequest::Counts {
            claim_idle_secs,
            filter,
        } => DbReply::Counts(
            store
                .masked_viewer(user)
                .and_then(|m| store.queue_counts(claim_idle_secs, &filter, m.as_deref()))
                .unwrap_or_default(),
        ),
        DbRequest::Open {
            submission_id,
            claim_idle_secs,
        } => DbReply::Opened(
            open(store, user, submission_id, claim_idle_secs)
                .map(Box::new)
                .map_err(err),
        ),
        DbRequest::LearnerView(who) => match store.learner_record(user, &who) {
            Ok(r) => {
                let (title, lines) = crate::tui::learner::lines(&r);
                DbReply::Pager { title, lines }
            }
            Err(e) => DbReply::Notice {
                title: "No such learner",
                text: err(e),
            },
        },
        DbRequest::CalibrationWaiting => match store.calibration_rows(user) {
            Ok(rows) => {
                let waiting: Vec<String> = rows
                    .iter()
                    .filter(|r| r.result == "failed")
                    .map(|r| {
                        format!(
                            "{} on {}: {}",
                            crate::sanitize::line(&r.assessor),
                            crate::sanitize::line(&r.rubric_id),
                            r.describe()
                        )
                    })
                    .collect();
                if waiting.is_empty() {
                    DbReply::Done
                } else {
                    DbReply::Notice {
                        title: "Calibration waits for a lead",
                        text: format!(
                            "{}\n\nLet an assessor through with `merit calibration allow NAME \
                             --rubric ID --reason TEXT`, or open a new round with `merit \
                             calibration retry NAME --rubric ID`. I shows everyone's calibration.",
                            waiting.join("\n")
                        ),
                    }
                }
            }
            Err(_) => DbReply::Done,
        },
        DbRequest::OpenExemplar { exemplar_id } => DbReply::Opened(
            store
                .open_exemplar(exemplar_id, user)
                .map(Box::new)
                .map_err(err),
        ),
        DbRequest::ScoreExemplar {
            exemplar_id,
            choices,
        } => DbReply::ExemplarScored(
            store
                .score_exemplar(user, exemplar_id, &choices)
                .map(Box::new)
                .map_err(err),
        ),
        DbRequest::OpenNext {
            rubric_id,
            after,
            claim_idle_secs,
        } => match store.next_waiting(&rubric_id, user, claim_idle_secs, after) {
            Ok(Some(id)) => DbReply::Opened(
                open(store, user, id, claim_idle_secs)
                    .map(Box::new)
                    .map_err(err),
            ),
            Ok(None) => DbReply::Notice {
                title: "Nothing else waiting",
                text: format!(
                    "No other new submission of {} waits for an assessor.",
                    crate::sanitize::line(&rubric_id)
                ),
            },
            Err(e) => DbReply::Opened(Err(err(e))),
        },
        // The assessor is always the session's user, whatever the screen sent.
        DbRequest::SaveDraft(mut a) => {
            a.assessor = user.to_string();
            DbReply::DraftSaved(store.save_draft(&a).map(|_| ()).map_err(err))
        }
        DbRequest::Submit(mut a) => {
            a.assessor = user.to_string();
            let id = a.submission_id;
            DbReply::Submitted(
                store
                    .submit_assessment(&a)
                    .and_then(|d| {
                        let status = store.submission_status(id)?;
                        Ok((d, status.as_deref() == Some("second_marking")))
                    })
                    .map_err(err),
            )
        }
        DbRequest::Leave {
            submission_id,
            keep_claim,
        } => {
            if !keep_claim {
                let _ = store.release(submission_id, user, false);
            }
            DbReply::Left
        }
        DbRequest::Release { submission_id } => {
            DbReply::Released(store.release(submission_id, user, is_lead).map_err(err))
        }
        DbRequest::RubricOverview => DbReply::Rubrics(store.rubric_overview().unwrap_or_default()),
        DbRequest::OpenRubric { rubric_id } => DbReply::RubricOpened(
            open_rubric(store, user, is_lead, &rubric_id)
                .map(Box::new)
                .map_err(err),
        ),
        DbRequest::SaveRubric {
            rubric_id,
            text,
            base_hash,
            note,
        } => {
            let result =
                authoring::save(store, &rubric_id, &text, &base_hash, user, &note).map_err(err);
            if let Ok(SaveOutcome::Saved { version, .. }) = &result {
                authoring::remove_recovery(store.root(), &rubric_id, user);
                let _ = store.touch_rubric_edit(&rubric_id, user, &version.hash);
            }
            DbReply::RubricSaved { text, result }
        }
        DbRequest::Assessments {
            submission_id,
            learner,
        } => {
            let lines = store.visible_assessments(user, submission_id).and_then(|list| {
                let rubric = store.load_rubric(&store.submission_rubric(submission_id)?)?;
                Ok(crate::tui::screens::cohort::assessment_lines(&rubric, &list))
            });
            DbReply::Pager {
                title: format!("Assessments: {learner}"),
                lines: lines.unwrap_or_else(|e| vec![('*', err(e))]),
            }
        }
        DbRequest::Revoke {
            credential_id,
            reason,
        } => DbReply::CohortChanged {
            title: "Revocation",
            result: store
                .revoke(&credential_id, &reason, user)
                .map(|fresh| {
                    if fresh {
                        "Revoked. Verifiers see it once the new status list is published: `merit status-list --out FILE`.".to_string()
                    } else {
                        "It was already revoked.".to_string()
                    }
                })
                .map_err(err),
        },
        DbRequest::RequestSecondMarking { submission_id } => DbReply::CohortChanged {
            title: "Second marking",
            result: store
                .request_second_marking(submission_id, user)
                .map(|()| {
                    "It now waits for a second assessor, and is not signed until the two agree or a lead decides.".to_string()
                })
                .map_err(err),
        },
        DbRequest::SampleSecondMarking { cohort, plan, seed } => DbReply::CohortChanged {
            title: "Second marking sample",
            result: sample_second_marking(store, user, &cohort, &plan, seed).map_err(err),
        },
        DbRequest::RevealName {
            submission_id,
            assessor,
            reason,
        } => DbReply::CohortChanged {
            title: "Name revealed",
            result: store
                .reveal(submission_id, &assessor, &reason, user)
                .map(|()| {
                    format!(
                        "{} now sees this learner's name in this cohort. The audit log keeps who, \
                         when and why.",
                        crate::sanitize::line(&assessor)
                    )
                })
                .map_err(err),
        },
        DbRequest::ResolveSecondMarking {
            submission_id,
            decision,
            note,
        } => DbReply::CohortChanged {
            title: "Second marking",
            result: store
                .resolve_second_marking(submission_id, user, decision, &note)
                .map(|()| {
                    format!(
                        "Decided: {}. The decision and why are in the audit log.",
                        decision.label()
                    )
                })
                .map_err(err),
        },
        DbRequest::MoveUnscored { rubric_id, hash } => {
            DbReply::Moved(store.move_unscored(&rubric_id, &hash, user).map_err(err))
        }
        DbRequest::Recovery {
            rubric_id,
            base_hash,
            text,
        } => {
            match text {
                Some(t) => {
                    let _ = authoring::write_recovery(store.root(), &rubric_id, user, &t);
                }
                None => authoring::remove_recovery(store.root(), &rubric_id, user),
            }
            let _ = store.touch_rubric_edit(&rubric_id, user, &base_hash);
            DbReply::Done
        }
        DbRequest::EndEdit {
            rubric_id,
            discard_recovery,
        } => {
            if discard_recovery {
                authoring::remove_recovery(store.root(), &rubric_id, user);
            }
            let _ = store.end_rubric_edit(&rubric_id, user);
            DbReply::Done
        }
        DbRequest::RubricDiff {
            rubric_id,
            from,
            text,
        } => rubric_diff(store, &rubric_id, &from, text.as_deref(), None),
        DbRequest::RubricHistory { rubric_id } => rubric_history(store, &rubric_id),
        DbRequest::TimeSpent => time_spent(store, user),
        DbRequest::Reliability => DbReply::Reliability(
            crate::reliability::report::build(
                store,
                user,
                &crate::store::reliability::PairFilter::default(),
                crate::reliability::report::DEFAULT_SEED,
            )
            .map(Box::new)
            .map_err(err),
        ),
        DbRequest::RubricCompare { rubric_id, a, b } => {
            let text = store.rubric_source(&b).ok().flatten();
            match text {
                Some(t) => {
                    let to = store
                        .rubric_version_by_prefix(&b)
                        .ok()
                        .flatten()
                        .map(|v| format!("v{}", v.version));
                    rubric_diff(store, &rubric_id, &a, Some(&t), to)
                }
                None => DbReply::Pager {
                    title: "Cannot compare".into(),
                    lines: vec![('*', "no such version".into())],
                },
            }
        }
    }
}

fn open_rubric(
    store: &mut Store,
    user: &str,
    is_lead: bool,
    rubric_id: &str,
) -> anyhow::Result<EditorOpen> {
    let v = store
        .current_rubric(rubric_id)?
        .ok_or_else(|| anyhow::anyhow!("no rubric `{rubric_id}`"))?;
    let source = store.rubric_source(&v.hash)?.unwrap_or_default();
    let others = if is_lead {
        store.touch_rubric_edit(rubric_id, user, &v.hash)?
    } else {
        Vec::new()
    };
    let recovery = if is_lead {
        authoring::read_recovery(store.root(), rubric_id, user).map(|(t, when)| {
            (
                t,
                humantime::format_rfc3339_seconds(when)
                    .to_string()
                    .replace('T', " "),
            )
        })
    } else {
        None
    };
    Ok(EditorOpen {
        rubric_id: rubric_id.to_string(),
        version: v.version,
        base_hash: v.hash,
        source,
        file: v.source_path,
        others,
        recovery,
        read_only: !is_lead,
    })
}

fn diff_lines(a: &Rubric, sa: &str, b: &Rubric, sb: &str, out: &mut Vec<(char, String)>) {
    let changes = rubric::diff::structural(a, b);
    if changes.is_empty() {
        out.push(('*', "no change in meaning (comments or layout only)".into()));
    }
    for c in changes {
        out.push(('*', format!("{}: {}", c.place, c.what)));
    }
    for l in rubric::diff::lines(sa, sb, 2) {
        out.push((l.tag, l.text));
    }
}

/// The changes from version `from` to `text` (named `to`, else "your text"), or to the
/// current version; versions are named by number ("v1 → v2").
fn rubric_diff(
    store: &Store,
    rubric_id: &str,
    from: &str,
    text: Option<&str>,
    to: Option<String>,
) -> DbReply {
    let name = |hash: &str| -> String {
        match store.rubric_version_by_prefix(hash) {
            Ok(Some(v)) => format!("v{}", v.version),
            _ => hash[..12.min(hash.len())].to_string(),
        }
    };
    let from_name = name(from);
    let mut title = format!("Changes to {rubric_id}");
    let mut load = || -> anyhow::Result<Vec<(char, String)>> {
        let a_src = store.rubric_source(from)?.unwrap_or_default();
        let a = store.load_rubric(from)?;
        let (b_src, label) = match text {
            Some(t) => (
                t.to_string(),
                to.clone().unwrap_or_else(|| "your text".into()),
            ),
            None => {
                let cur = store
                    .current_rubric(rubric_id)?
                    .ok_or_else(|| anyhow::anyhow!("no rubric `{rubric_id}`"))?;
                (
                    store.rubric_source(&cur.hash)?.unwrap_or_default(),
                    format!("v{}", cur.version),
                )
            }
        };
        title = format!("Changes to {rubric_id}: {from_name} → {label}");
        let mut out = vec![('#', format!("{from_name} → {label}"))];
        match rubric::parse(b_src.as_bytes()) {
            Ok(b) => diff_lines(&a, &a_src, &b, &b_src, &mut out),
            Err(p) => {
                out.push((
                    '*',
                    format!("the text has {} problem(s); showing lines only", p.len()),
                ));
                for l in rubric::diff::lines(&a_src, &b_src, 2) {
                    out.push((l.tag, l.text));
                }
            }
        }
        Ok(out)
    };
    match load() {
        Ok(lines) => DbReply::Pager { title, lines },
        Err(e) => DbReply::Pager {
            title: "Cannot compare".into(),
            lines: vec![('*', format!("{e:#}"))],
        },
    }
}

/// Draws the sample and sends each drawn submission to second marking (each authorized on
/// its own); says how many, with which seed, and what could not be sent.
fn sample_second_marking(
    store: &mut Store,
    user: &str,
    cohort: &str,
    plan: &crate::moderation::Plan,
    seed: Option<u64>,
) -> anyhow::Result<String> {
    store.authorize(user, crate::access::Action::RequestSecondMarking)?;
    let sample = store.draw_sample(cohort, plan, seed)?;
    let mut sent = 0;
    let mut refused = Vec::new();
    for (id, _) in &sample.drawn {
        match store.request_second_marking(*id, user) {
            Ok(()) => sent += 1,
            Err(e) => refused.push(format!("submission {id}: {e}")),
        }
    }
    let mut text = format!(
        "{sent} of {} candidate(s) sent to second marking (seed {seed}: the same line with `seed {seed}` draws them again).",
        sample.candidates,
        seed = sample.seed
    );
    for r in refused.iter().take(5) {
        text.push('\n');
        text.push_str(r);
    }
    Ok(text)
}

/// Today's time per assessor (a lead sees everyone, others themselves), as a page.
fn time_spent(store: &Store, user: &str) -> DbReply {
    use crate::store::time_spent::{minutes, start_of_local_day};
    let since = start_of_local_day(crate::store::now());
    match store.time_spent(user, since) {
        Ok(rows) => {
            let mut lines = vec![(
                ' ',
                format!(
                    "Since {} (the server's midnight). An assessment counts whole on the day it was last worked on.",
                    crate::store::format_time(since)
                ),
            )];
            lines.push((' ', String::new()));
            if rows.is_empty() {
                lines.push((' ', "No assessing today yet.".into()));
            }
            for r in rows {
                lines.push((
                    ' ',
                    format!(
                        "{:<20} {:>12}  {} worked on, {} submitted",
                        crate::sanitize::line(&r.assessor),
                        minutes(r.secs),
                        r.assessments,
                        r.submitted
                    ),
                ));
            }
            DbReply::Pager {
                title: "Time spent today".into(),
                lines,
            }
        }
        Err(e) => DbReply::Pager {
            title: "Cannot show the time spent".into(),
            lines: vec![('*', format!("{e:#}"))],
        },
    }
}

fn rubric_history(store: &Store, rubric_id: &str) -> DbReply {
    let load = || -> anyhow::Result<Vec<(char, String)>> {
        let versions = store.rubric_versions(rubric_id)?;
        let mut out = Vec::new();
        let mut prev: Option<(Rubric, String)> = None;
        let mut blocks = Vec::new();
        for v in &versions {
            let src = store.rubric_source(&v.hash)?.unwrap_or_default();
            let r = store.load_rubric(&v.hash)?;
            let mut block = vec![(
                '#',
                format!(
                    "version {} · {} · {} · {}",
                    v.version,
                    &v.hash[..12.min(v.hash.len())],
                    v.created_by,
                    crate::store::format_time(v.created_at)
                ),
            )];
            if let Some(note) = store.rubric_note(&v.hash)? {
                block.push((' ', format!("“{note}”")));
            }
            match &prev {
                None => block.push(('*', "first version".into())),
                Some((pr, ps)) => diff_lines(pr, ps, &r, &src, &mut block),
            }
            blocks.push(block);
            prev = Some((r, src));
        }
        for b in blocks.into_iter().rev() {
            out.extend(b);
            out.push((' ', String::new()));
        }
        Ok(out)
    };
    match load() {
        Ok(lines) => DbReply::Pager {
            title: format!("History of {rubric_id}"),
            lines,
        },
        Err(e) => DbReply::Pager {
            title: "Cannot show the history".into(),
            lines: vec![('*', format!("{e:#}"))],
        },
    }
}

/// Starts the database thread. Draft saves that pile up are coalesced: only the newest
/// draft per submission is written, so fast typing never queues a backlog.
pub fn spawn_db(
    root: PathBuf,
    user: String,
    is_lead: bool,
    out: Sender<Msg>,
) -> (Sender<DbRequest>, std::thread::JoinHandle<()>) {
    let (tx, rx) = channel::<DbRequest>();
    let handle = std::thread::spawn(move || {
        let mut store = match Store::open(&root) {
            Ok(s) => s,
            Err(e) => {
                let _ = out.send(Msg::Fatal(format!("{e:#}")));
                return;
            }
        };
        while let Ok(first) = rx.recv() {
            for req in coalesce(first, &rx) {
                let reply = handle(&mut store, &user, is_lead, req);
                // The UI may be gone (quitting); keep writing what was asked.
                let _ = out.send(Msg::Db(reply));
            }
        }
    });
    (tx, handle)
}

fn coalesce(first: DbRequest, rx: &Receiver<DbRequest>) -> Vec<DbRequest> {
    let mut batch = vec![first];
    batch.extend(rx.try_iter());
    let mut last_draft: HashMap<i64, usize> = HashMap::new();
    let mut last_recovery: HashMap<String, usize> = HashMap::new();
    for (i, r) in batch.iter().enumerate() {
        match r {
            DbRequest::SaveDraft(a) => {
                last_draft.insert(a.submission_id, i);
            }
            DbRequest::Recovery { rubric_id, .. } => {
                last_recovery.insert(rubric_id.clone(), i);
            }
            _ => {}
        }
    }
    // Typing a filter asks for a page and the counts at each key: a page of an older
    // generation would be dropped by the UI, and only the last counts matter. The counts (a
    // scan when the filter has text) go after the pages, so the rows come first.
    let newest_page = batch
        .iter()
        .filter_map(|r| match r {
            DbRequest::Queue { generation, .. } => Some(*generation),
            _ => None,
        })
        .max();
    let last_counts = batch
        .iter()
        .rposition(|r| matches!(r, DbRequest::Counts { .. }));
    let (mut kept, counts): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .enumerate()
        .filter(|(i, r)| match r {
            DbRequest::SaveDraft(a) => last_draft.get(&a.submission_id) == Some(i),
            DbRequest::Recovery { rubric_id, .. } => last_recovery.get(rubric_id) == Some(i),
            DbRequest::Queue { generation, .. } => Some(*generation) == newest_page,
            DbRequest::Counts { .. } => Some(*i) == last_counts,
            _ => true,
        })
        .map(|(_, r)| r)
        .partition(|r| !matches!(r, DbRequest::Counts { .. }));
    kept.extend(counts);
    kept
}

/// Loads an artifact on its own thread.
pub fn spawn_artifact(
    submission_id: i64,
    index: usize,
    record: ArtifactRecord,
    path: Option<PathBuf>,
    theme: Theme,
    out: Sender<Msg>,
) {
    std::thread::spawn(move || {
        let content: ArtifactContent = artifact::load(&record, path.as_deref(), theme);
        let _ = out.send(Msg::Artifact {
            submission_id,
            index,
            content: Box::new(content),
        });
    });
}

/// Starts the validation thread: it checks the newest text it has been sent, after a short
/// pause in typing (so a fast typist is not validated on every key), and reports back.
pub fn spawn_validator(out: Sender<Msg>) -> Sender<(u64, String)> {
    let (tx, rx) = channel::<(u64, String)>();
    std::thread::spawn(move || {
        while let Ok(mut latest) = rx.recv() {
            // Debounce: wait until typing pauses for 120 ms, keeping only the newest text.
            loop {
                match rx.recv_timeout(std::time::Duration::from_millis(120)) {
                    Ok(newer) => latest = newer,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            let (generation, text) = latest;
            let msg = match rubric::parse(text.as_bytes()) {
                Ok(r) => Msg::Validated {
                    generation,
                    problems: Vec::new(),
                    parsed: Some(Box::new(r)),
                },
                Err(problems) => Msg::Validated {
                    generation,
                    problems,
                    parsed: None,
                },
            };
            if out.send(msg).is_err() {
                return;
            }
        }
    });
    tx
}

#[cfg(test)]
mod coalesce_tests {
    use super::*;
    use crate::store::{PageFrom, QueueQuery, QueueSort};
    use crate::tui::message::PageMode;

    fn page(generation: u64) -> DbRequest {
        DbRequest::Queue {
            generation,
            query: Box::new(QueueQuery {
                viewer: None,
                blind_for: None,
                filter: format!("f{generation}"),
                sort: QueueSort::Age,
                reverse: false,
                from: PageFrom::Start,
                limit: 10,
                claim_idle_secs: 1800,
            }),
            mode: PageMode::Replace,
        }
    }

    fn counts(filter: &str) -> DbRequest {
        DbRequest::Counts {
            claim_idle_secs: 1800,
            filter: filter.into(),
        }
    }

    /// Keys typed while the database was busy: only the newest page and the last counts
    /// run, the page first.
    #[test]
    fn a_burst_of_filter_keys_runs_one_page_then_one_count() {
        let (tx, rx) = channel();
        for r in [counts("a"), page(2), counts("ab"), page(3), counts("abc")] {
            tx.send(r).unwrap();
        }
        let out = coalesce(page(1), &rx);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(matches!(&out[0], DbRequest::Queue { generation: 3, .. }));
        assert!(matches!(&out[1], DbRequest::Counts { filter, .. } if filter == "abc"));
    }
}
