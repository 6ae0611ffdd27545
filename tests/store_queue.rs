//! Keyset paging of the queue: every sort order visits every submission exactly once, forwards
//! and backwards, with and without a filter; claims show; superseded attempts do not.

mod common;

use common::Backend;
use merit::rubric;
use merit::store::{
    ArtifactRecord, LearnerInput, PageFrom, QueueQuery, QueueRow, QueueSort, Store, SubmissionInput,
};

fn input(key: &str, name: &str, content: &str) -> SubmissionInput {
    SubmissionInput {
        route: Default::default(),
        learner: LearnerInput {
            key: key.into(),
            name: name.into(),
            email: None,
        },
        artifacts: vec![ArtifactRecord {
            name: "work.md".into(),
            kind: "markdown".into(),
            requirement: None,
            sha256: Some(merit::hash::sha256_hex(content.as_bytes())),
            size: Some(content.len() as u64),
            url: None,
        }],
    }
}

fn workspace(b: &Backend) -> (tempfile::TempDir, Store) {
    let dir = b.tempdir();
    let mut store = Store::create(dir.path()).unwrap();
    common::grant(&mut store, "t", &["lead"]);
    common::grant(&mut store, "bea", &["assessor"]);
    common::grant(&mut store, "amir", &["assessor"]);
    for (_, src) in rubric::BUNDLED {
        let r = rubric::parse(src.as_bytes()).unwrap();
        store.import_rubric(&r, src, None, "t").unwrap();
    }
    let ids = ["teaching-practice", "data-cleaning", "secure-code-review"];
    for (c, rid) in ids.iter().enumerate() {
        store
            .ensure_cohort(&format!("c{c}"), None, rid, "t")
            .unwrap();
        let hash = store.current_rubric(rid).unwrap().unwrap().hash;
        let batch: Vec<_> = (0..83)
            .map(|i| {
                input(
                    &format!("l{c}-{i}"),
                    &format!("Learner {c} {i} Ünïcode"),
                    "v1",
                )
            })
            .collect();
        store
            .record_submissions(&format!("c{c}"), &hash, &batch, "t")
            .unwrap();
    }
    // Spread the ages, with ties, as real imports have.
    store
        .raw_connection()
        .execute(
            "UPDATE submissions SET created_at = 1000 + (id * 7919) % 50",
            [],
        )
        .unwrap();
    (dir, store)
}

fn query(sort: QueueSort, from: PageFrom, filter: &str) -> QueueQuery {
    query_rev(sort, false, from, filter)
}

fn query_rev(sort: QueueSort, reverse: bool, from: PageFrom, filter: &str) -> QueueQuery {
    QueueQuery {
        viewer: None,
        blind_for: None,
        filter: filter.into(),
        sort,
        reverse,
        from,
        limit: 17,
        claim_idle_secs: 1800,
    }
}

fn walk_forward(store: &Store, sort: QueueSort, filter: &str) -> Vec<QueueRow> {
    walk_forward_rev(store, sort, false, filter)
}

fn walk_forward_rev(store: &Store, sort: QueueSort, reverse: bool, filter: &str) -> Vec<QueueRow> {
    let mut all = Vec::new();
    let mut from = PageFrom::Start;
    loop {
        let page = store
            .queue_page(&query_rev(sort, reverse, from, filter))
            .unwrap();
        if page.is_empty() {
            return all;
        }
        from = PageFrom::After(page[page.len() - 1].clone());
        all.extend(page);
    }
}

fn walk_backward(store: &Store, sort: QueueSort, filter: &str) -> Vec<QueueRow> {
    walk_backward_rev(store, sort, false, filter)
}

fn walk_backward_rev(store: &Store, sort: QueueSort, reverse: bool, filter: &str) -> Vec<QueueRow> {
    let mut all: Vec<QueueRow> = Vec::new();
    let mut from = PageFrom::End;
    loop {
        let page = store
            .queue_page(&query_rev(sort, reverse, from, filter))
            .unwrap();
        if page.is_empty() {
            return all;
        }
        from = PageFrom::Before(page[0].clone());
        let mut p = page;
        p.extend(all);
        all = p;
    }
}

/// The sort key of a row, recomputed from what it shows (not from `r.key`).
fn key(sort: QueueSort, r: &QueueRow) -> (String, i64, i64) {
    let k = match sort {
        QueueSort::Age => String::new(),
        QueueSort::Learner => r.learner.to_lowercase(),
        QueueSort::Cohort => r.cohort.clone(),
        QueueSort::Status => r.key.clone(),
        QueueSort::Assessor => r.key.clone(),
    };
    (k, r.created_at, r.id)
}

fn every_sort_visits_every_row_once_in_order_both_ways(b: Backend) {
    let (_d, mut store) = workspace(&b);
    // Some variety in status.
    store
        .raw_connection()
        .execute(
            "UPDATE submissions SET status = 'scored' WHERE id % 5 = 0",
            [],
        )
        .unwrap();
    assert!(store.claim(7, "bea", 1800).unwrap().is_none());
    assert!(store.claim(9, "amir", 1800).unwrap().is_none());
    // Names that sort differently by case: the learner order ignores case (ASCII).
    store
        .raw_connection()
        .execute(
            "UPDATE learners SET name = 'aaron Zed' WHERE key = 'l2-5'",
            [],
        )
        .unwrap();
    for sort in QueueSort::ALL {
        for reverse in [false, true] {
            let fwd = walk_forward_rev(&store, sort, reverse, "");
            assert_eq!(fwd.len(), 249, "{sort:?}");
            let mut ids: Vec<i64> = fwd.iter().map(|r| r.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 249, "{sort:?}: duplicates or gaps");
            assert!(
                fwd.windows(2).all(|w| if reverse {
                    key(sort, &w[0]) > key(sort, &w[1])
                } else {
                    key(sort, &w[0]) < key(sort, &w[1])
                }),
                "{sort:?} reverse {reverse} order"
            );
            let back = walk_backward_rev(&store, sort, reverse, "");
            assert_eq!(back, fwd, "{sort:?} reverse {reverse} backwards");
        }
    }
    let by_learner = walk_forward(&store, QueueSort::Learner, "");
    assert_eq!(
        by_learner[0].learner, "aaron Zed",
        "renames reach the sort key"
    );
    // The assessor key is whoever claimed or assessed: amir, bea, then the unassessed.
    let by_assessor = walk_forward_rev(&store, QueueSort::Assessor, true, "");
    let keys: Vec<&str> = by_assessor.iter().take(2).map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["bea", "amir"]);
    assert_eq!(by_assessor[0].id, 7);
    let all = walk_forward(&store, QueueSort::Age, "");
    let claimed = all.iter().find(|r| r.id == 7).unwrap();
    assert_eq!(claimed.claimed_by.as_deref(), Some("bea"));
}

fn filter_matches_learner_cohort_and_rubric_case_insensitively(b: Backend) {
    let (_d, mut store) = workspace(&b);
    let by_name = walk_forward(&store, QueueSort::Age, "learner 1 4");
    // "Learner 1 4", "Learner 1 40".."49"
    assert_eq!(
        by_name.len(),
        11,
        "{:?}",
        by_name.iter().map(|r| &r.learner).collect::<Vec<_>>()
    );
    assert_eq!(
        walk_forward(&store, QueueSort::Cohort, "DATA-CLEANING").len(),
        83
    );
    assert_eq!(walk_forward(&store, QueueSort::Status, "c2").len(), 83);
    assert_eq!(walk_forward(&store, QueueSort::Age, "ünïcode").len(), 249);
    assert_eq!(
        walk_forward(&store, QueueSort::Age, "100%").len(),
        0,
        "% is literal"
    );
    let ids = |rows: Vec<QueueRow>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(walk_backward(&store, QueueSort::Cohort, "learner 1 4")),
        ids(by_name_sorted(&by_name))
    );
    // A learner renamed on re-import is found by the new name.
    let hash = store.current_rubric("data-cleaning").unwrap().unwrap().hash;
    store
        .record_submissions("c1", &hash, &[input("l1-4", "Zed Renamed", "v2")], "t")
        .unwrap();
    let found = walk_forward(&store, QueueSort::Age, "zed renamed");
    assert_eq!(
        found.len(),
        1,
        "only the new attempt; the old one is superseded"
    );
    assert_eq!(found[0].attempt, 2);
}

fn by_name_sorted(rows: &[QueueRow]) -> Vec<QueueRow> {
    let mut v = rows.to_vec();
    v.sort_by_key(|r| key(QueueSort::Cohort, r));
    v
}

/// The counts follow the filter: the same submissions the rows show.
fn counts_follow_the_filter(b: Backend) {
    let (_d, mut store) = workspace(&b);
    let total = |c: &[(String, i64)]| c.iter().map(|(_, n)| n).sum::<i64>();
    assert_eq!(total(&store.queue_counts(1800, "", None).unwrap()), 3 * 83);
    assert_eq!(
        total(&store.queue_counts(1800, "learner 1 4", None).unwrap()),
        11
    );
    assert_eq!(
        total(&store.queue_counts(1800, "data-cleaning", None).unwrap()),
        83
    );
    let id = walk_forward(&store, QueueSort::Age, "learner 1 40")[0].id;
    store.claim(id, "bea", 1800).unwrap();
    let c = store.queue_counts(1800, "learner 1 40", None).unwrap();
    assert!(c.contains(&("in_progress".to_string(), 1)), "{c:?}");
    assert!(c.contains(&("new".to_string(), 0)), "{c:?}");
    assert_eq!(
        total(&store.queue_counts(1800, "nobody-matches", None).unwrap()),
        0
    );
}

/// Filter tokens: `status:`, `assessor:`, `cohort:`, `rubric:` and plain words together.
fn filter_tokens_narrow_by_status_assessor_cohort_and_rubric(b: Backend) {
    let (_d, mut store) = workspace(&b);
    let rows = |store: &Store, f: &str| walk_forward(store, QueueSort::Age, f);
    assert_eq!(rows(&store, "cohort:c1").len(), 83);
    assert_eq!(rows(&store, "rubric:data-cleaning").len(), 83);
    assert_eq!(rows(&store, "rubric:data-cleaning cohort:c0").len(), 0);
    assert_eq!(rows(&store, "status:new").len(), 3 * 83);
    assert_eq!(rows(&store, "status:new cohort:c2 learner 2 4").len(), 11);
    let id = rows(&store, "cohort:c0 learner 0 7")[0].id;
    store.claim(id, "bea", 1800).unwrap();
    assert_eq!(rows(&store, "assessor:bea").len(), 1);
    assert_eq!(rows(&store, "status:in-progress").len(), 1);
    assert_eq!(rows(&store, "STATUS:In_Progress assessor:bea")[0].id, id);
    assert_eq!(rows(&store, "status:new").len(), 3 * 83 - 1);
    assert_eq!(rows(&store, "assessor:amir").len(), 0);
    assert_eq!(rows(&store, "status:meets").len(), 0);
    // The counts take the same filter.
    let total: i64 = store
        .queue_counts(1800, "assessor:bea", None)
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(total, 1);
    let f = merit::store::QueueFilter::parse("status:maybe colour:red  Ada  Lovelace");
    assert_eq!(f.text, "Ada Lovelace");
    assert_eq!(f.unknown, ["status:maybe", "colour:red"]);
}

/// An assessor is not offered a second marking of their own work, nor a disputed one; asking
/// for their own work (`assessor:NAME`) shows it; a viewer of None (a lead) sees every row.
fn second_markings_an_assessor_may_not_take_are_not_offered(b: Backend) {
    let (_d, mut store) = workspace(&b);
    let id = walk_forward(&store, QueueSort::Age, "learner 0 7")[0].id;
    common::assess(&mut store, id, "bea", true).unwrap();
    store.request_second_marking(id, "t").unwrap();
    let seen = |store: &Store, viewer: Option<&str>, filter: &str| {
        let mut q = query(QueueSort::Age, PageFrom::Start, filter);
        q.viewer = viewer.map(str::to_string);
        q.limit = 1000;
        store.queue_page(&q).unwrap().iter().any(|r| r.id == id)
    };
    assert!(!seen(&store, Some("bea"), ""));
    assert!(seen(&store, Some("bea"), "assessor:bea"));
    assert!(seen(&store, Some("amir"), ""));
    assert!(seen(&store, None, ""));
    // amir disagrees: disputed, a lead's to decide; no assessor is offered it.
    common::assess(&mut store, id, "amir", false).unwrap();
    assert!(!seen(&store, Some("amir"), ""));
    assert!(!seen(&store, Some("cleo"), ""));
    assert!(seen(&store, None, "status:disputed"));
}

/// Each order, forwards and reversed, reads its own index: no sort of the whole queue.
#[test]
fn every_order_pages_over_an_index() {
    let (_d, store) = workspace(&Backend::Sqlite);
    let anchor = walk_forward(&store, QueueSort::Age, "")[40].clone();
    for sort in QueueSort::ALL {
        for reverse in [false, true] {
            for from in [PageFrom::Start, PageFrom::After(anchor.clone())] {
                let plan = store
                    .queue_plan(&query_rev(sort, reverse, from, "learner"))
                    .unwrap();
                assert!(
                    !plan.iter().any(|p| p.contains("TEMP B-TREE")),
                    "{sort:?} reverse {reverse}: {plan:?}"
                );
                assert!(
                    plan.iter()
                        .any(|p| p.contains("USING") && p.contains("INDEX")),
                    "{sort:?}: {plan:?}"
                );
            }
        }
    }
}

on_both_backends!(
    every_sort_visits_every_row_once_in_order_both_ways,
    filter_matches_learner_cohort_and_rubric_case_insensitively,
    counts_follow_the_filter,
    filter_tokens_narrow_by_status_assessor_cohort_and_rubric,
    second_markings_an_assessor_may_not_take_are_not_offered,
);
