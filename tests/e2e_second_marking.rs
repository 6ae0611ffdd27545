//! The real binary in a pseudo-terminal, as three people: a lead sends scored work to second
//! marking from the cohort view; another assessor finds it in the queue, scores it blind and
//! disagrees; the lead reads both assessments side by side and decides, with a reason.

mod common;

use common::pty::{Pty, data_cohort_view, ws_arg};
use merit::store::Store;

const COHORT: &str = "data-2026-q2";

/// The data cohort's view as `who`, narrowed to one learner.
fn cohort_row(w: &str, who: &str, learner_key: &str) -> Pty {
    let mut p = data_cohort_view(w, who, 100, 30);
    p.send("/");
    p.send(learner_key);
    p.send("\r");
    p.wait_text("1 of");
    p
}

/// Ctrl-C quits from any screen at once (drafts are saved as they are typed).
fn quit(mut p: Pty) {
    p.send("\x03");
    assert!(p.wait_exit().success());
}

#[test]
fn a_lead_sends_work_to_second_marking_and_decides_the_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::demo(&ws);
    let w = ws_arg(&ws);
    let (target, first) = {
        let store = Store::create(&ws).unwrap();
        let rows = store
            .cohort_rows(COHORT, 1800, merit::store::now(), None)
            .unwrap();
        let r = rows
            .iter()
            .find(|r| r.status == "scored" && r.attempt == 1)
            .expect("the demo has scored work")
            .clone();
        let first = r.assessors.clone();
        (r, first)
    };
    let second = if first == "amir" { "bea" } else { "amir" };

    // The lead: filter to the learner, `2`, confirm.
    let mut p = cohort_row(&w, "lena", &target.learner_key);
    p.send("2");
    let ask = p.wait_text("Send ");
    assert!(ask.contains(&format!("without seeing {first}'s")), "{ask}");
    p.send("y");
    p.wait_text("waits for a second assessor");
    p.send("\r");
    p.wait_text("second marking");
    quit(p);

    // The other assessor: the queue shows it; it opens blind and editable.
    let rubric = {
        let store = Store::create(&ws).unwrap();
        store
            .load_rubric(&store.submission_rubric(target.submission_id).unwrap())
            .unwrap()
    };
    let mut p = Pty::spawn(&["--workspace", &w, "--as", second], &[], 100, 30);
    p.wait_text("Queue");
    p.send("/");
    p.send(&target.learner_key);
    p.send("\r");
    // Enter opens the row under the cursor: wait until the filtered page has arrived.
    let name = target.learner_name.clone();
    p.wait_for("the learner's row under the cursor", |s| {
        s.lines()
            .any(|l| l.contains(&format!("▶{name}")) && l.contains("second marking"))
    });
    p.send("\r");
    let review = p.wait_text("unscored");
    assert!(!review.contains("Read only"), "{review}");
    // The lowest level everywhere, with the comment "not yet" needs below a required level.
    for (i, c) in rubric.criteria.iter().enumerate() {
        if i > 0 {
            p.send("j");
        }
        p.send("1");
        let below = c
            .required
            .as_ref()
            .and_then(|r| c.level(&r.value))
            .is_some_and(|(at, _)| at > 0);
        if below {
            p.send("c");
            p.wait_text("Esc done");
            p.send("Below the required level.");
            // A key sent right after Esc would read as Alt+key: wait for the editor to close.
            p.send("\x1b");
            p.wait_for("the comment editor to close", |s| !s.contains("Esc done"));
        }
    }
    p.wait_text("NOT YET · below required");
    p.send("\x13"); // Ctrl-S
    p.wait_text("Submit the decision?");
    p.send("y");
    let told = p.wait_text("a lead decides");
    assert!(told.contains("not yet"), "{told}");
    p.send("\x1b");
    // Disputed now: a lead's to decide, so the queue no longer offers it to bea.
    p.wait_for("the queue without the disputed row", |s| {
        !s.contains("Enter: the next submission") && !s.contains(&format!("▶{name}"))
    });
    p.send("q");
    p.send("y");
    assert!(p.wait_exit().success());

    // The lead: the row is flagged; `v` shows both; `M` decides with a reason.
    let mut p = cohort_row(&w, "lena", &target.learner_key);
    p.wait_text("disagree");
    p.send("v");
    let both = p.wait_text("Assessments:");
    assert!(
        both.contains(&format!("{first}: meets")) && both.contains(&format!("{second}: not yet")),
        "{both}"
    );
    p.send("\x1b");
    p.wait_for("the pager to close", |s| !s.contains("Assessments:"));
    p.send("M");
    p.wait_text("Why meets");
    p.send("The first assessor read the cleaning log\r");
    p.wait_text("Decided: meets");
    p.send("\r");
    quit(p);

    let store = Store::create(&ws).unwrap();
    let row = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.submission_id == target.submission_id)
        .unwrap();
    assert_eq!(row.status, "scored");
    assert!(!row.flags.any());
    assert_eq!(row.can_issue(), Ok(()));
    let list = store.second_markings(Some(COHORT)).unwrap();
    let (by, decision, note) = list[0].resolution.clone().unwrap();
    assert_eq!(
        (by.as_str(), decision.as_str(), note.as_str()),
        ("lena", "meets", "The first assessor read the cleaning log")
    );
}
