//! One vocabulary: the status words of the CLI's text, its JSON keys and the registrar's CSV
//! are the ones `merit::vocabulary` defines, and the old words ("scored", "try", "att") are
//! gone.

mod common;

use merit::vocabulary::{ALL, ATTEMPT, Status};

#[test]
fn cohort_list_and_the_csv_speak_the_one_vocabulary() {
    let (dir, ws) = common::demo_workspace(18, 4);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));

    let text = common::stdout(&common::run(&ws, &["cohort", "list"]));
    for s in [
        Status::New,
        Status::InProgress,
        Status::Meets,
        Status::NotYet,
        Status::SecondMarking,
        Status::Approved,
        Status::Issued,
        Status::Revoked,
    ] {
        assert!(
            text.contains(&format!(" {}\t", s.word()))
                || text.ends_with(s.word())
                || text.contains(&format!(" {}\n", s.word())),
            "{} missing from: {text}",
            s.word()
        );
    }
    assert!(!text.contains("scored"), "{text}");

    let json: serde_json::Value = serde_json::from_str(&common::stdout(&common::run(
        &ws,
        &["cohort", "list", "--json"],
    )))
    .unwrap();
    let first = json[0].as_object().unwrap();
    for s in [
        Status::New,
        Status::InProgress,
        Status::Meets,
        Status::NotYet,
        Status::SecondMarking,
        Status::Approved,
        Status::Issued,
        Status::Revoked,
    ] {
        assert!(
            first.contains_key(s.key()),
            "no `{}` key: {first:?}",
            s.key()
        );
    }
    assert!(!first.contains_key("scored"));

    let out = dir.path().join("out");
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--cohort",
            "data-2026-q2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let csv = std::fs::read_to_string(out.join("data-2026-q2.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[2], ATTEMPT);
    let words: Vec<&str> = ALL.iter().map(|s| s.word()).collect();
    let mut seen = std::collections::HashSet::new();
    for l in lines {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(l.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let decision = rec.get(3).unwrap().to_string();
        assert!(
            words.contains(&decision.as_str()),
            "`{decision}` is not a status word"
        );
        seen.insert(decision);
    }
    assert!(seen.contains("meets"), "{seen:?}");
}
