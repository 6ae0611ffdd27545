//! Time spent today: each assessor's minutes from their assessments; a lead sees everyone,
//! an assessor only themselves; the workbench shows it with `T`.

mod common;

use merit::store::Store;
use merit::store::time_spent::{minutes, start_of_local_day};

#[test]
fn today_counts_each_assessors_work_and_only_a_lead_sees_everyone() {
    let (_d, ws) = common::demo_workspace(12, 3);
    let mut store = Store::open(&ws).unwrap();
    common::grant(&mut store, "zoe", &["assessor"]);
    common::grant(&mut store, "yan", &["assessor"]);
    common::grant(&mut store, "lee", &["lead"]);
    // Everything the demo did was before today.
    store
        .raw_connection()
        .execute("UPDATE assessments SET updated_at = 1000", [])
        .unwrap();
    let new: Vec<i64> = {
        let conn = store.raw_connection();
        let mut stmt = conn
            .prepare("SELECT id FROM submissions WHERE status = 'new' ORDER BY id LIMIT 3")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(new.len(), 3, "the demo leaves new work");
    for (id, who) in new.iter().zip(["zoe", "zoe", "yan"]) {
        assert!(store.claim(*id, who, 1800).unwrap().is_none());
        common::assess(&mut store, *id, who, true).unwrap();
    }
    let since = start_of_local_day(merit::store::now());
    let all = store.time_spent("lee", since).unwrap();
    let got: Vec<(&str, i64, i64, i64)> = all
        .iter()
        .map(|t| (t.assessor.as_str(), t.assessments, t.submitted, t.secs))
        .collect();
    assert_eq!(got, [("zoe", 2, 2, 120), ("yan", 1, 1, 60)]);
    let own = store.time_spent("yan", since).unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].assessor, "yan");
    assert!(
        store
            .time_spent("yan", since + 86_400 * 400)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_start_of_today_is_a_midnight_before_now() {
    let now = merit::store::now();
    let start = start_of_local_day(now);
    assert!(start <= now && now - start < 86_400 + 3600, "{start} {now}");
    assert_eq!(start_of_local_day(start), start);
    assert_eq!(minutes(59), "0 min");
    assert_eq!(minutes(45 * 60), "45 min");
    assert_eq!(minutes(125 * 60), "2 h 05 min");
}
