//! Snapshots of every workbench screen at 80×24 and 160×48 (ratatui's TestBackend).
//! Review changes with `cargo insta review` or `INSTA_UPDATE=always cargo test`.

mod common;

use common::tui::*;
use merit::rubric;
use merit::tui::app::App;
use merit::tui::message::DbReply;
use merit::tui::message::Msg;
use ratatui::crossterm::event::KeyCode;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in SIZES {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

fn review_app(w: u16, h: u16, dir: &std::path::Path) -> App {
    let mut a = queue_app(w, h, 30);
    open_review(&mut a, review_data(dir));
    a
}

#[test]
fn queue() {
    snap("queue", |w, h| queue_app(w, h, 200));
}

#[test]
fn queue_filtering() {
    snap("queue_filtering", |w, h| {
        let mut a = queue_app(w, h, 200);
        a.update(key('/'));
        let e = a.update(key('o'));
        answer_queue(&mut a, &e, rows(1, 7));
        a
    });
}

/// `m`: the queue narrowed to the assessor's own work (`assessor:amir`), then the rows.
#[test]
fn queue_my_work() {
    snap("queue_my_work", |w, h| {
        let mut a = queue_app(w, h, 200);
        let e = a.update(key('m'));
        assert_eq!(a.queue.filter.text(), "assessor:amir");
        let mut mine = rows(1, 3);
        mine[0].status = "new".into();
        mine[0].claimed_by = Some("amir".into());
        mine[1].status = "scored".into();
        mine[1].submitted_at = Some(NOW - 86_400 * 3);
        mine[2].status = "second_marking".into();
        mine[2].submitted_at = Some(NOW - 86_400);
        answer_queue(&mut a, &e, mine);
        a
    });
}

#[test]
fn queue_empty() {
    snap("queue_empty", |w, h| queue_app(w, h, 0));
}

#[test]
fn queue_help() {
    snap("queue_help", |w, h| {
        let mut a = queue_app(w, h, 200);
        a.update(key('?'));
        a
    });
}

#[test]
fn error_message() {
    snap("error_message", |w, h| {
        let mut a = queue_app(w, h, 200);
        a.update(Msg::Db(DbReply::Opened(Err(
            "submission 17 no longer exists".into(),
        ))));
        a
    });
}

#[test]
fn too_small() {
    for (w, h) in [(59, 24), (80, 15), (30, 8)] {
        let a = queue_app(w, h, 10);
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), render(&a));
    }
}

#[test]
fn review_rubric_pane() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_rubric", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(key('3'));
        a.update(key('j'));
        a.update(key('2'));
        a
    });
}

#[test]
fn review_evidence_markdown() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_evidence_markdown", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(code(KeyCode::Tab));
        a
    });
}

#[test]
fn review_evidence_csv_table() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_evidence_csv", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(code(KeyCode::Tab));
        a.update(key(']'));
        a.update(key(']'));
        a
    });
}

#[test]
fn review_evidence_code() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_evidence_code", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(code(KeyCode::Tab));
        a.update(key('['));
        a
    });
}

#[test]
fn review_search() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_search", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(code(KeyCode::Tab));
        a.update(key(']'));
        a.update(key('/'));
        for c in "test".chars() {
            a.update(key(c));
        }
        a.update(code(KeyCode::Enter));
        a
    });
}

#[test]
fn review_comment_editor() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_editor", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(key('c'));
        for c in "Goals are clear; share them at the start.".chars() {
            a.update(key(c));
        }
        a
    });
}

#[test]
fn review_feedback_bank() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_feedback_bank", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(key('j'));
        a.update(key('f'));
        a
    });
}

#[test]
fn review_confirm_submit() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_confirm", |w, h| {
        let mut a = review_app(w, h, dir.path());
        for _ in 0..5 {
            a.update(key('3'));
            a.update(key('j'));
        }
        a.update(ctrl('s'));
        a
    });
}

#[test]
fn review_help() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_help", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(key('?'));
        a
    });
}

#[test]
fn review_read_only() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_read_only", |w, h| {
        let mut a = queue_app(w, h, 30);
        let mut data = review_data(dir.path());
        data.read_only = Some("meets".into());
        // The decision shown is bea's, submitted at a fixed time.
        data.assessment = Some(merit::store::SavedAssessment {
            assessor: "bea".into(),
            state: "submitted".into(),
            decision: Some("meets".into()),
            scores: Vec::new(),
            overall_feedback: String::new(),
            time_spent_secs: 300,
            submitted_at: Some(NOW - 3600),
        });
        open_review(&mut a, data);
        a.update(code(KeyCode::Esc));
        a
    });
}

#[test]
fn review_evidence_image() {
    let dir = tempfile::tempdir().unwrap();
    snap("review_evidence_image", |w, h| {
        let mut a = review_app(w, h, dir.path());
        a.update(code(KeyCode::Tab));
        for _ in 0..4 {
            a.update(key(']'));
        }
        a
    });
}

#[test]
fn image_preview_uses_half_blocks_in_the_image_colours() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = review_app(80, 24, dir.path());
    a.update(code(KeyCode::Tab));
    for _ in 0..4 {
        a.update(key(']'));
    }
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| a.draw(f)).unwrap();
    let buf = t.backend().buffer();
    let cells: Vec<_> = buf.content().iter().filter(|c| c.symbol() == "▀").collect();
    assert!(cells.len() > 20, "a preview is drawn");
    use ratatui::style::Color;
    assert!(cells.iter().any(|c| c.fg == Color::Red));
    assert!(cells.iter().any(|c| c.fg == Color::Blue));
    assert!(cells.iter().any(|c| c.bg == Color::White));
}

fn overview() -> Vec<merit::store::RubricOverview> {
    use merit::store::{RubricOverview, RubricVersion, VersionUse};
    let v = |id: &str, n: i64, title: &str, subs: i64, done: i64| VersionUse {
        version: RubricVersion {
            hash: format!("{:0>64}", format!("{n}{}", id.len())),
            rubric_id: id.into(),
            version: n,
            title: title.into(),
            source_path: None,
            created_at: NOW - 86_400 * (10 - n),
            created_by: if n == 1 { "demo".into() } else { "lena".into() },
        },
        submissions: subs,
        assessments: done,
    };
    vec![
        RubricOverview {
            id: "data-cleaning".into(),
            current: format!("{:0>64}", "213"),
            versions: vec![
                v("data-cleaning", 1, "Cleaning a Real-World Dataset", 14, 7),
                v("data-cleaning", 2, "Cleaning a Real-World Dataset", 7, 0),
            ],
        },
        RubricOverview {
            id: "teaching-practice".into(),
            current: format!("{:0>64}", "117"),
            versions: vec![v(
                "teaching-practice",
                1,
                "Reflective Teaching Practice",
                16,
                7,
            )],
        },
    ]
}

#[test]
fn rubrics_screen() {
    snap("rubrics", |w, h| {
        let mut a = queue_app(w, h, 10);
        a.update(key('e'));
        a.update(Msg::Db(DbReply::Rubrics(overview())));
        a
    });
}

#[test]
fn editor_valid() {
    snap("editor_valid", |w, h| editor_app(w, h, true, None));
}

#[test]
fn editor_with_problems() {
    snap("editor_problems", |w, h| {
        let src = rubric::BUNDLED[0]
            .1
            .replacen("    weight: 2\n", "    wieght: 2\n", 1)
            .replacen("min_total: 14", "min_total: 99", 1);
        editor_app(w, h, true, Some(&src))
    });
}

#[test]
fn editor_preview() {
    snap("editor_preview", |w, h| {
        let mut a = editor_app(w, h, true, None);
        a.update(code(KeyCode::F(5)));
        a
    });
}

#[test]
fn editor_structure_and_field_form() {
    snap("editor_structure", |w, h| {
        let mut a = editor_app(w, h, true, None);
        a.update(code(KeyCode::F(6)));
        for _ in 0..8 {
            a.update(key('j'));
        }
        a
    });
    snap("editor_field_form", |w, h| {
        let mut a = editor_app(w, h, true, None);
        a.update(code(KeyCode::F(6)));
        for _ in 0..11 {
            a.update(key('j'));
        }
        a.update(code(KeyCode::Enter));
        a
    });
}

#[test]
fn diff_view() {
    snap("diff_view", |w, h| {
        let mut a = editor_app(w, h, true, None);
        a.update(Msg::Db(DbReply::Pager {
            title: "Changes to teaching-practice".into(),
            lines: vec![
                ('#', "from aaaaaaaaaaaa to your text".into()),
                ('*', "criterion `goals`: weight: 1 → 2".into()),
                ('*', "pass: min_total: 14 → 15".into()),
                ('@', "@@ line 40 @@".into()),
                (' ', "  - id: goals".into()),
                ('-', "    weight: 1".into()),
                ('+', "    weight: 2".into()),
            ],
        }));
        a
    });
}

#[test]
fn editor_read_only_for_assessors() {
    snap("editor_read_only", |w, h| editor_app(w, h, false, None));
}
