//! Second marking: a lead sends assessed work to another assessor, who marks it blind; agreement
//! decides, disagreement waits for a lead, and nothing waiting is ever signed. The credential
//! of work a lead decided carries the levels of the assessment the lead agreed with.

mod common;

use merit::rubric::Decision;
use merit::store::{CohortRow, Store};
use serde_json::Value;

const COHORT: &str = "data-2026-q2";

fn row(store: &Store, id: i64) -> CohortRow {
    store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.submission_id == id)
        .unwrap()
}

use common::{Backend, assess};

/// The assessor who is not `first`, of the demo's two.
fn other(first: &str) -> &'static str {
    if first == "amir" { "bea" } else { "amir" }
}

fn second_marking_agrees_or_goes_to_a_lead_and_nothing_waiting_is_signed(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    common::demo(&ws);
    let mut store = Store::create(&ws).unwrap();
    let candidates = store.second_marking_candidates(COHORT).unwrap();
    let scored: Vec<i64> = candidates
        .iter()
        .copied()
        .filter(|id| row(&store, *id).status == "scored")
        .collect();
    assert!(scored.len() >= 2, "the demo has scored work");
    let (agree, disagree) = (scored[0], scored[1]);

    // Only a lead sends work to second marking.
    let o = common::merit_as(&ws, "amir", &["second-mark", "request", &agree.to_string()]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("the lead role"),
        "{}",
        common::stderr(&o)
    );
    let o = common::merit_as(
        &ws,
        "lena",
        &[
            "second-mark",
            "request",
            &agree.to_string(),
            &disagree.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    for id in [agree, disagree] {
        let r = row(&store, id);
        assert_eq!(r.status, "second_marking");
        assert_eq!(r.can_issue(), Err("awaiting second marking"));
    }
    // Asking twice is refused, and says why.
    let o = common::merit_as(&ws, "lena", &["second-mark", "request", &agree.to_string()]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("before"),
        "{}",
        common::stderr(&o)
    );

    // Waiting for its second marking, the work has no decision yet: no letter goes out and
    // the report says so.
    let key = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.submission_id == agree)
        .unwrap()
        .learner_key;
    let out = dir.path().join("out");
    let o = common::merit_as(
        &ws,
        "lena",
        &[
            "export",
            "--cohort",
            COHORT,
            "--out",
            out.to_str().unwrap(),
            "--format",
            "letter,csv",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        !out.join(&key).join("feedback.md").exists(),
        "no letter for {key}"
    );
    let csv = std::fs::read_to_string(out.join(format!("{COHORT}.csv"))).unwrap();
    let line = csv
        .lines()
        .find(|l| l.contains(&format!(",\"{key}\",")))
        .unwrap_or_else(|| panic!("{key} in {csv}"));
    assert!(line.contains(",\"second marking\","), "{line}");

    // The first assessor cannot mark it again; another opens it blind and can score it.
    let first = row(&store, agree).assessors;
    let review = store.open_review(agree, &first, 1800).unwrap();
    assert!(
        review
            .read_only
            .as_deref()
            .is_some_and(|w| w.contains("another assessor")),
        "{:?}",
        review.read_only
    );
    assert!(assess(&mut store, agree, &first, true).is_err());
    let second = other(&first);
    let review = store.open_review(agree, second, 1800).unwrap();
    assert_eq!(review.read_only, None);
    assert_eq!(
        review.assessment, None,
        "the second assessor does not see the first"
    );
    // The cohort view names whoever submitted, not whoever holds the claim.
    assert_eq!(
        row(&store, agree).assessors,
        first,
        "claims do not hide assessments"
    );

    // Agreement decides.
    assert_eq!(
        assess(&mut store, agree, second, true).unwrap(),
        Decision::Meets
    );
    let r = row(&store, agree);
    assert_eq!(r.status, "scored");
    assert!(!r.flags.assessors_disagree);
    assert_eq!(r.can_issue(), Ok(()));

    // Disagreement waits for a lead; nobody else can mark it meanwhile.
    let first_b = row(&store, disagree).assessors;
    let first_total = row(&store, disagree).total;
    let second_b = other(&first_b);
    assert_eq!(
        assess(&mut store, disagree, second_b, false).unwrap(),
        Decision::NotYet
    );
    let r = row(&store, disagree);
    assert_eq!(r.status, "second_marking");
    assert!(r.flags.assessors_disagree);
    assert_eq!(r.can_issue(), Err("assessors disagree: a lead decides"));
    let review = store.open_review(disagree, "ines", 1800).unwrap();
    assert!(
        review
            .read_only
            .as_deref()
            .is_some_and(|w| w.contains("waiting for a lead")),
        "{:?}",
        review.read_only
    );
    assert!(assess(&mut store, disagree, "ines", true).is_err());

    // A dry run of approval leaves both second-marked ones out until the lead decides.
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--cohort",
            COHORT,
            "--all-meeting",
            "--dry-run",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    let to_issue = plan["to_issue"].as_array().unwrap();
    assert!(to_issue.contains(&Value::from(agree)), "{plan}");
    assert!(!to_issue.contains(&Value::from(disagree)), "{plan}");

    // The lead decides, with a reason; a decision without one is refused.
    let resolve = |note: &str| {
        let id = disagree.to_string();
        common::merit_as(
            &ws,
            "lena",
            &[
                "second-mark",
                "resolve",
                &id,
                "--decision",
                "meets",
                "--note",
                note,
            ],
        )
    };
    let o = resolve(" ");
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("reason"),
        "{}",
        common::stderr(&o)
    );
    let o = resolve("the cleaning log covers every column");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let r = row(&store, disagree);
    assert_eq!(r.status, "scored");
    assert!(!r.flags.assessors_disagree);
    assert_eq!(r.can_issue(), Ok(()));
    // The total shown is the assessment the decision stands on, not the latest.
    assert_eq!(r.total, first_total);
    assert_eq!(r.assessors, format!("{first_b}, {second_b}"));

    // A lead reads both, side by side, in the order they were submitted.
    let both = store.submitted_assessments(disagree).unwrap();
    let who: Vec<&str> = both.iter().map(|a| a.assessor.as_str()).collect();
    assert_eq!(who, [first_b.as_str(), second_b]);
    let rubric = store
        .load_rubric(&store.submission_rubric(disagree).unwrap())
        .unwrap();
    let lines = merit::tui::screens::cohort::assessment_lines(&rubric, &both);
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.starts_with(&format!("{second_b}: not yet")))
    );
    // Both lines of each criterion where their levels differ are marked.
    let level = |a: &merit::store::SavedAssessment, c: &str| {
        a.scores
            .iter()
            .find(|s| s.criterion == c)
            .and_then(|s| s.level.clone())
    };
    let differing = rubric
        .criteria
        .iter()
        .filter(|c| level(&both[0], &c.id.value) != level(&both[1], &c.id.value))
        .count();
    assert!(differing > 0);
    let marked = lines.iter().filter(|(t, _)| *t == '*').count();
    assert_eq!(marked, 2 + 2 * differing, "{lines:?}");

    // Where each stands.
    let o = common::merit_as(
        &ws,
        "lena",
        &["second-mark", "list", "--cohort", COHORT, "--json"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let text = common::stdout(&common::merit_as(
        &ws,
        "lena",
        &["second-mark", "list", "--cohort", COHORT],
    ));
    assert!(text.contains("assessors agree"), "{text}");
    assert!(
        text.contains("decided by lena: meets — the cleaning log covers every column"),
        "{text}"
    );

    // Signed: the credential of the decided one carries the levels of the assessment that
    // meets (the first assessor's), not the later "not yet".
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--cohort",
            COHORT,
            "--submission",
            &agree.to_string(),
            &disagree.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let award = store.award(disagree).unwrap().expect("issued");
    let credential: Value = serde_json::from_str(&award.credential_json).unwrap();
    let achieved: Vec<String> = credential["credentialSubject"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["achievedLevel"].as_str().unwrap().to_string())
        .collect();
    let meets = store.load_assessment(disagree, &first_b).unwrap().unwrap();
    for s in &meets.scores {
        let level = s.level.as_deref().unwrap();
        assert!(
            achieved.iter().any(|a| a.ends_with(&format!("/{level}"))),
            "{level} not in {achieved:?}"
        );
    }
    assert!(store.award(agree).unwrap().is_some());

    // Everything is in the audit log.
    let o = common::merit_as(&ws, "lena", &["audit", "verify"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let actions: Vec<String> = store
        .raw_connection()
        .prepare(
            "SELECT action || ' ' || detail FROM audit_log
             WHERE subject IN (?1, ?2) ORDER BY seq",
        )
        .unwrap()
        .query_map(
            [
                format!("submission {agree}"),
                format!("submission {disagree}"),
            ],
            |r| r.get(0),
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("second_marking.request"))
            .count(),
        2
    );
    assert!(actions.iter().any(|a| a.contains("agrees with")));
    assert!(actions.iter().any(|a| a.contains("disagrees with")));
    assert!(
        actions
            .iter()
            .any(|a| { a.starts_with("second_marking.resolve") && a.contains("the cleaning log") })
    );
}

fn a_sample_is_drawn_from_assessed_unsigned_work(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    common::demo(&ws);
    let store = Store::create(&ws).unwrap();
    let before = store.second_marking_candidates(COHORT).unwrap();
    assert!(before.len() >= 3);
    let sample = |n: &str| {
        let args = [
            "second-mark",
            "request",
            "--cohort",
            COHORT,
            "--sample",
            n,
            "--seed",
            "1",
        ];
        common::merit_as(&ws, "lena", &args)
    };
    let o = sample("2");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let after = store.second_marking_candidates(COHORT).unwrap();
    assert_eq!(after.len(), before.len() - 2);
    let sent: Vec<i64> = before
        .iter()
        .filter(|id| !after.contains(id))
        .copied()
        .collect();
    for id in &sent {
        assert_eq!(row(&store, *id).status, "second_marking");
    }
    // Asking for more than there are sends what there is, and says so.
    let o = sample("1000");
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("sending them all"));
    assert!(store.second_marking_candidates(COHORT).unwrap().is_empty());
    // New, unassessed work is never sent.
    let o = common::merit_as(
        &ws,
        "lena",
        &["second-mark", "list", "--cohort", COHORT, "--json"],
    );
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    for m in list.as_array().unwrap() {
        assert_eq!(m["assessments"].as_array().unwrap().len(), 1, "{m}");
    }
}

/// Stratified sampling: `--all-not-yet` sends every "not yet", `--borderline K` every total
/// within K of the pass mark, `--per-assessor` a share of each assessor's work with a floor;
/// each line says why, and the same seed draws the same sample in a copy of the workspace.
#[test]
fn stratified_sampling_selects_what_each_flag_says_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::demo(&ws);
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    // The demo has closed its database (WAL checkpointed): the file is the whole of it.
    std::fs::copy(ws.join("merit.db"), copy.join("merit.db")).unwrap();
    let store = Store::create(&ws).unwrap();
    let pool = store.sampling_candidates(COHORT).unwrap();
    assert!(pool.len() >= 4, "{pool:?}");
    let not_yet: Vec<i64> = pool.iter().filter(|c| c.not_yet).map(|c| c.id).collect();
    let request = |ws: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["second-mark", "request", "--cohort", COHORT];
        args.extend(extra);
        common::merit_as(ws, "lena", &args)
    };
    let sent = |o: &std::process::Output| -> Vec<i64> {
        common::stdout(o)
            .lines()
            .filter_map(|l| l.strip_prefix("submission "))
            .filter_map(|l| l.split(':').next()?.parse().ok())
            .collect()
    };
    let o = request(&ws, &["--all-not-yet", "--seed", "5"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(sent(&o), not_yet);
    assert!(not_yet.is_empty() || common::stdout(&o).contains("(not yet)"));

    // The rest, by assessor and borderline, the same in the copy with the same seed.
    let flags = [
        "--per-assessor",
        "50%",
        "--min",
        "1",
        "--borderline",
        "2",
        "--seed",
        "11",
    ];
    let left = store.sampling_candidates(COHORT).unwrap();
    let o = request(&ws, &flags);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let first = sent(&o);
    let by = |who: &str| left.iter().filter(|c| c.assessor == who).count();
    for a in left
        .iter()
        .map(|c| c.assessor.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let mine = left
            .iter()
            .filter(|c| c.assessor == a && first.contains(&c.id))
            .count();
        assert!(mine >= by(&a).div_ceil(2), "{a}: {mine} of {}", by(&a));
    }
    for c in &left {
        if c.total.is_some_and(|t| (t - c.pass_mark).abs() <= 2.0) {
            assert!(first.contains(&c.id), "borderline {} not drawn", c.id);
        }
    }
    assert!(
        common::stdout(&o).contains("per assessor: "),
        "{}",
        common::stdout(&o)
    );
    let o = request(&copy, &["--all-not-yet", "--seed", "5"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let again = request(&copy, &flags);
    assert_eq!(sent(&again), first, "the same seed, the same sample");
    // Bad input says what to give.
    let o = request(&ws, &["--per-assessor", "lots"]);
    assert!(common::stderr(&o).contains("10%"), "{}", common::stderr(&o));
    let o = request(&ws, &["--borderline", "-3"]);
    assert!(!o.status.success());
}

/// The workbench's sample (cohort view, `%`) goes through the same store calls: a lead's
/// is drawn and sent, an assessor's is refused.
#[test]
fn the_workbench_sample_sends_what_it_draws_and_needs_a_lead() {
    use merit::tui::effect::DbRequest;
    use merit::tui::message::DbReply;
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::demo(&ws);
    let mut store = Store::create(&ws).unwrap();
    let before = store.second_marking_candidates(COHORT).unwrap().len();
    let (plan, seed) = merit::moderation::parse_line("random 2 seed 3").unwrap();
    let ask = |store: &mut Store, who: &str, lead: bool| {
        merit::tui::jobs::handle(
            store,
            who,
            lead,
            DbRequest::SampleSecondMarking {
                cohort: COHORT.into(),
                plan: plan.clone(),
                seed,
            },
        )
    };
    match ask(&mut store, "amir", false) {
        DbReply::CohortChanged { result: Err(e), .. } => assert!(e.contains("lead"), "{e}"),
        _ => panic!("an assessor may not sample"),
    }
    assert_eq!(
        store.second_marking_candidates(COHORT).unwrap().len(),
        before
    );
    match ask(&mut store, "lena", true) {
        DbReply::CohortChanged {
            result: Ok(text), ..
        } => {
            assert!(text.starts_with("2 of "), "{text}");
            assert!(text.contains("seed 3"), "{text}");
        }
        _ => panic!("the lead's sample is sent"),
    }
    assert_eq!(
        store.second_marking_candidates(COHORT).unwrap().len(),
        before - 2
    );
}

on_both_backends!(
    second_marking_agrees_or_goes_to_a_lead_and_nothing_waiting_is_signed,
    a_sample_is_drawn_from_assessed_unsigned_work,
);
