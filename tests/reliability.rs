//! `merit reliability` over a workspace with known double-marked work, checked to three
//! decimals against values worked out by hand below.

mod common;

use merit::store::{ArtifactRecord, LearnerInput, Store, SubmissionInput};
use serde_json::Value;

/// Ten double-marked submissions of `data-cleaning` (three levels a criterion). On every
/// criterion the pairs (bea first, amir second), as level indices, are
///   (0,0)×3 (1,1)×3 (2,2)×2 (0,1) (1,2)
/// and the decisions are meets/meets ×6, not yet/not yet ×2, meets/not yet, not yet/meets.
///
/// By hand, per criterion:
/// - exact 8/10 = 0.800; adjacent 10/10 = 1.000.
/// - Quadratic-weighted kappa: weights 1/4 (one level apart) and 1 (two). Observed
///   weighted disagreement 2·¼/10 = 0.05. Marginals bea (.4, .4, .2), amir (.3, .4, .3):
///   expected ¼(.16+.12+.12+.08) + 1·(.12+.06) = 0.30. κw = 1 − .05/.30 = 0.833.
/// - Krippendorff's alpha (ordinal): coincidences o00 = 6, o11 = 6, o22 = 4, o01 = o10 =
///   o12 = o21 = 1; n0 = 7, n1 = 8, n2 = 5, n = 20. δ²01 = (15/2)² = 56.25, δ²12 = (13/2)²
///   = 42.25, δ²02 = (20 − 6)² = 196. Observed Σoδ² = 2·56.25 + 2·42.25 = 197; expected
///   Σ n_c n_k δ² = 2(7·8·56.25 + 8·5·42.25 + 7·5·196) = 23400. α = 1 − 19·197/23400 = 0.840.
///
/// Decision: agreement 0.800; p_e = .7·.7 + .3·.3 = .58; κ = (.8 − .58)/.42 = 0.524.
///
/// Severity: bea is one level below amir on 2 of 10 pairs: −0.200; amir +0.200.
const PAIRS: [(usize, usize); 10] = [
    (0, 0),
    (0, 0),
    (0, 0),
    (1, 1),
    (1, 1),
    (1, 1),
    (2, 2),
    (2, 2),
    (0, 1),
    (1, 2),
];
const DECISIONS: [(&str, &str); 10] = [
    ("meets", "meets"),
    ("meets", "meets"),
    ("meets", "meets"),
    ("meets", "meets"),
    ("meets", "meets"),
    ("meets", "meets"),
    ("not_yet", "not_yet"),
    ("not_yet", "not_yet"),
    ("meets", "not_yet"),
    ("not_yet", "meets"),
];

fn input(key: &str) -> SubmissionInput {
    SubmissionInput {
        route: Default::default(),
        learner: LearnerInput {
            key: key.into(),
            name: format!("Learner {key}"),
            email: None,
        },
        artifacts: vec![ArtifactRecord {
            name: "work.md".into(),
            kind: "markdown".into(),
            requirement: None,
            sha256: Some(merit::hash::sha256_hex(key.as_bytes())),
            size: Some(3),
            url: None,
        }],
    }
}

/// Double-marked work written straight into the tables (as second marking leaves it), so
/// that the levels and decisions are exactly the ones worked out above.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut store = Store::create(&ws).unwrap();
    common::grant(&mut store, &common::me(), &["lead"]);
    common::grant(&mut store, "t", &["lead"]);
    common::grant(&mut store, "bea", &["assessor"]);
    common::grant(&mut store, "amir", &["assessor"]);
    let (rubric, src) = common::bundled("data-cleaning.yaml");
    store.import_rubric(&rubric, src, None, "t").unwrap();
    let hash = store.current_rubric("data-cleaning").unwrap().unwrap().hash;
    for (cohort, n) in [("dc-1", 10), ("dc-small", 3)] {
        store
            .ensure_cohort(cohort, None, "data-cleaning", "t")
            .unwrap();
        let batch: Vec<_> = (0..n).map(|i| input(&format!("{cohort}-{i}"))).collect();
        store
            .record_submissions(cohort, &hash, &batch, "t")
            .unwrap();
    }
    let conn = store.raw_connection().sqlite().expect("a SQLite workspace");
    let ids: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare("SELECT id, cohort_id FROM submissions ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for (n, (sid, _)) in ids.iter().enumerate() {
        let i = n % 10;
        let (a, b) = PAIRS[i];
        for (who, level, decision, at) in [
            ("bea", a, DECISIONS[i].0, 1000),
            ("amir", b, DECISIONS[i].1, 2000),
        ] {
            conn.execute(
                "INSERT INTO assessments (submission_id, assessor, state, decision, updated_at, submitted_at)
                 VALUES (?1, ?2, 'submitted', ?3, ?4, ?4)",
                rusqlite::params![sid, who, decision, at],
            )
            .unwrap();
            let aid = conn.last_insert_rowid();
            for c in &rubric.criteria {
                conn.execute(
                    "INSERT INTO assessment_scores (assessment_id, criterion_id, level_id) VALUES (?1, ?2, ?3)",
                    rusqlite::params![aid, c.id.value, c.levels[level].id.value],
                )
                .unwrap();
            }
        }
        conn.execute(
            "UPDATE submissions SET status = 'second_marking' WHERE id = ?1",
            [sid],
        )
        .unwrap();
    }
    drop(store);
    (dir, ws)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number, not {v}"))
}

fn three(v: &Value, expected: f64) {
    assert!((num(v) - expected).abs() < 0.0005, "{v} vs {expected}");
}

#[test]
fn reliability_json_matches_the_hand_worked_values() {
    let (_d, ws) = workspace();
    let o = common::run(&ws, &["reliability", "--cohort", "dc-1", "--json"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let r: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let criteria = r["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 4, "every criterion of data-cleaning");
    for c in criteria {
        assert_eq!(c["n"], 10);
        three(&c["exact"], 0.800);
        three(&c["adjacent"], 1.000);
        three(&c["kappa"], 0.833);
        three(&c["alpha"], 0.840);
        let ci = c["kappa_ci"].as_array().unwrap();
        assert!(num(&ci[0]) <= 0.833 && 0.833 <= num(&ci[1]), "{ci:?}");
        assert!(c["alpha_ci"].as_array().is_some_and(|a| a.len() == 2));
        assert_eq!(
            c["matrix"],
            serde_json::json!([[3, 1, 0], [0, 3, 1], [0, 0, 2]])
        );
    }
    assert_eq!(r["decision"]["n"], 10);
    three(&r["decision"]["agreement"], 0.800);
    three(&r["decision"]["kappa"], 0.524);
    let who = |name: &str| {
        r["assessors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()
            .clone()
    };
    three(&who("bea")["severity"]["overall"], -0.200);
    three(&who("amir")["severity"]["overall"], 0.200);
    three(&who("bea")["agreement"], 0.800);
    assert_eq!(who("bea")["n"], 10);
    assert_eq!(r["resamples"], 2000);
    assert!(r["seed"].is_u64());

    // The same seed, the same intervals; another seed, another draw.
    let again = common::stdout(&common::run(
        &ws,
        &["reliability", "--cohort", "dc-1", "--json"],
    ));
    assert_eq!(again, common::stdout(&o));
    let other = common::stdout(&common::run(
        &ws,
        &["reliability", "--cohort", "dc-1", "--json", "--seed", "7"],
    ));
    assert_ne!(other, common::stdout(&o));
}

#[test]
fn too_few_pairs_give_no_number_and_text_shows_the_matrix() {
    let (_d, ws) = workspace();
    let o = common::run(&ws, &["reliability", "--cohort", "dc-small", "--json"]);
    let r: Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let c = &r["criteria"][0];
    assert_eq!(c["n"], 3);
    assert!(c["kappa"].is_null() && c["alpha"].is_null() && c["exact"].is_null());
    assert_eq!(c["note"], "too few to judge");
    assert_eq!(r["decision"]["note"], "too few to judge");

    let o = common::run(&ws, &["reliability", "--rubric", "data-cleaning"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = common::stdout(&o);
    assert!(text.contains("(13 pairs)"), "both cohorts: {text}");
    assert!(text.contains("1st \\ 2nd"), "the matrix as text: {text}");
    assert!(text.contains("seed"), "{text}");
}

#[test]
fn only_leads_read_it_and_bad_input_says_where() {
    let (_d, ws) = workspace();
    let o = common::merit_as(&ws, "bea", &["reliability"]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("lead"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run(&ws, &["reliability", "--since", "last tuesday"]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("YYYY-MM-DD"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run(&ws, &["reliability", "--cohort", "nope"]);
    assert!(
        common::stderr(&o).contains("no cohort"),
        "{}",
        common::stderr(&o)
    );
    // Since a day after everything: nothing to judge.
    let o = common::run(&ws, &["reliability", "--since", "2030-01-01"]);
    assert!(
        common::stdout(&o).contains("No double-marked work"),
        "{}",
        common::stdout(&o)
    );
}
