//! Fixtures for workbench tests: an App without a terminal, rows, a submission to review,
//! and rendering to text with ratatui's TestBackend.
#![allow(dead_code)]

use std::path::Path;

use merit::rubric;
use merit::store::{ArtifactRecord, QueueRow, ReviewData};
use merit::tui::app::App;
use merit::tui::artifact;
use merit::tui::context::Session;
use merit::tui::effect::DbRequest;
use merit::tui::effect::Effect;
use merit::tui::message::Msg;
use merit::tui::message::{DbReply, PageMode};
use merit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A fixed "now" so ages in snapshots never change.
pub const NOW: i64 = 1_800_000_000;

pub fn session() -> Session {
    Session {
        user: "amir".into(),
        is_lead: false,
        is_issuer: false,
        claim_idle_secs: 1800,
        self_approval: false,
    }
}

pub fn app(w: u16, h: u16) -> App {
    App::new(session(), Theme { color: true }, (w, h), NOW)
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

const NAMES: &[&str] = &[
    "Amara Okafor",
    "Bilal Haddad",
    "Chen Nakamura",
    "Dagny Lindqvist",
    "Emeka Mensah",
    "Farah Kowalski",
    "Goran Novak",
    "Hana Ferreira",
    "Ifeoma Osei",
    "Jonas Rossi",
];

/// `n` queue rows starting at `first_id`, in the default (age) order.
pub fn rows(first_id: i64, n: usize) -> Vec<QueueRow> {
    (0..n)
        .map(|i| {
            let id = first_id + i as i64;
            let status = ["new", "new", "not_yet", "scored", "new"][id as usize % 5];
            QueueRow {
                id,
                learner: format!("{} {id}", NAMES[id as usize % NAMES.len()]),
                cohort: ["teach-2026-spring", "data-2026-q2", "appsec-2026-1"][id as usize % 3]
                    .into(),
                rubric: ["teaching-practice", "data-cleaning", "secure-code-review"]
                    [id as usize % 3]
                    .into(),
                attempt: 1 + (id % 7 == 0) as i64,
                status: status.into(),
                claimed_by: (id % 11 == 4).then(|| "bea".to_string()),
                created_at: NOW - 86_400 * 9 + id * 3_700,
                key: String::new(),
                submitted_at: None,
                route: Default::default(),
            }
        })
        .collect()
}

/// Feeds the reply to the last queue request the app made.
pub fn answer_queue(app: &mut App, effects: &[Effect], rows: Vec<QueueRow>) -> Vec<Effect> {
    let (generation, mode) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Db(DbRequest::Queue {
                generation, mode, ..
            }) => Some((*generation, *mode)),
            _ => None,
        })
        .expect("a queue request");
    app.update(Msg::Db(DbReply::Queue {
        generation,
        mode,
        rows: Ok(rows),
    }))
}

/// An app showing the queue with `n` rows and counts.
pub fn queue_app(w: u16, h: u16, n: usize) -> App {
    let mut a = app(w, h);
    let start = a.start();
    answer_queue(&mut a, &start, rows(1, n));
    a.update(Msg::Db(DbReply::Counts(vec![
        ("new".into(), 61_204),
        ("in_progress".into(), 12),
        ("scored".into(), 30_110),
        ("not_yet".into(), 8_674),
    ])));
    let _ = PageMode::Replace;
    a
}

/// Writes the fixture artifacts into `dir` and returns a submission to review.
pub fn review_data(dir: &Path) -> ReviewData {
    let rubric_src = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "teaching-practice.yaml")
        .unwrap()
        .1;
    let rubric = rubric::parse(rubric_src.as_bytes()).unwrap();
    let files: Vec<(&str, &str, Option<&str>, Vec<u8>)> = vec![
        ("lesson-plan.md", "markdown", Some("lesson-plan"),
         b"# Lesson plan: fractions\n\n## Goals\n\n- explain equivalent fractions\n- solve 2 unseen problems\n\n> Checked with an exit ticket.\n".to_vec()),
        ("lesson-transcript.txt", "text", Some("lesson-transcript"),
         b"T: Boards up in three, two, one.\nL3: Is it the bottom number that gets bigger?\nT: Let's test that.\n".to_vec()),
        ("scores.csv", "csv", None, b"learner,goal 1,goal 2\nL1,yes,no\nL2,yes,yes\nL3,no,no\n".to_vec()),
        ("analysis.py", "code", None, b"# tally exit tickets\ndef tally(rows):\n    return sum(1 for r in rows if r[\"goal\"] == \"yes\")\n".to_vec()),
        ("board.png", "image", None, png_fixture()),
    ];
    let mut artifacts = Vec::new();
    for (name, kind, req, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        artifacts.push((
            ArtifactRecord {
                name: name.into(),
                kind: kind.into(),
                requirement: req.map(str::to_string),
                sha256: Some(merit::hash::sha256_hex(&bytes)),
                size: Some(bytes.len() as u64),
                url: None,
            },
            Some(path),
        ));
    }
    ReviewData {
        submission_id: 42,
        learner_name: "Amara Okafor".into(),
        learner_key: "amara-okafor".into(),
        cohort_id: "teach-2026-spring".into(),
        cohort_name: "Teaching Practice — Spring 2026".into(),
        attempt: 1,
        status: "new".into(),
        route: Default::default(),
        rubric_version: 1,
        rubric,
        artifacts,
        assessment: None,
        read_only: None,
        time_today_secs: 3_000,
        previous: None,
        blind: None,
        calibration: None,
    }
}

/// Opens `data` in `app` and loads every artifact synchronously (as the loader threads would).
pub fn open_review(app: &mut App, data: ReviewData) -> Vec<Effect> {
    let artifacts = data.artifacts.clone();
    let effects = app.update(Msg::Db(DbReply::Opened(Ok(Box::new(data)))));
    for (i, (rec, path)) in artifacts.iter().enumerate() {
        let content = artifact::load(rec, path.as_deref(), app.theme);
        app.update(Msg::Artifact {
            submission_id: 42,
            index: i,
            content: Box::new(content),
        });
    }
    effects
}

/// The screen as text.
pub fn render(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    format!("{}", t.backend())
}

/// A 32×16 PNG: red on the left, blue on the right, a white band at the bottom.
pub fn png_fixture() -> Vec<u8> {
    let (w, h) = (32u32, 16u32);
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(match (x < w / 2, y >= 12) {
                (_, true) => &[255, 255, 255],
                (true, false) => &[220, 0, 0],
                (false, false) => &[0, 0, 230],
            });
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&px).unwrap();
    }
    out
}

/// An app with the rubric editor open on the bundled teaching-practice rubric.
pub fn editor_app(w: u16, h: u16, lead: bool, source: Option<&str>) -> App {
    use merit::tui::message::EditorOpen;
    let mut a = queue_app(w, h, 5);
    a.session.is_lead = lead;
    let src = source.map(str::to_string).unwrap_or_else(|| {
        rubric::BUNDLED
            .iter()
            .find(|(f, _)| *f == "teaching-practice.yaml")
            .unwrap()
            .1
            .to_string()
    });
    let effects = a.update(Msg::Db(DbReply::RubricOpened(Ok(Box::new(EditorOpen {
        rubric_id: "teaching-practice".into(),
        version: 3,
        base_hash: "a".repeat(64),
        source: src,
        file: Some("/srv/merit/rubrics/teaching-practice.yaml".into()),
        others: Vec::new(),
        recovery: None,
        read_only: !lead,
    })))));
    validate_now(&mut a, &effects);
    a
}

/// Answers the app's validation request as the validation thread would.
pub fn validate_now(a: &mut App, effects: &[Effect]) {
    for e in effects {
        if let Effect::Validate { generation, text } = e {
            let msg = match rubric::parse(text.as_bytes()) {
                Ok(r) => Msg::Validated {
                    generation: *generation,
                    problems: vec![],
                    parsed: Some(Box::new(r)),
                },
                Err(p) => Msg::Validated {
                    generation: *generation,
                    problems: p,
                    parsed: None,
                },
            };
            a.update(msg);
        }
    }
}

/// Runs the workbench's database effects against `store` as its database thread would, and
/// feeds the replies back to `update`, until none is left.
pub fn pump(
    app: &mut merit::tui::app::App,
    store: &mut merit::store::Store,
    mut effects: Vec<merit::tui::effect::Effect>,
) {
    use merit::tui::effect::Effect;
    use merit::tui::message::Msg;
    let (user, lead) = (app.session.user.clone(), app.session.is_lead);
    for _ in 0..100 {
        let mut next = Vec::new();
        for e in effects {
            if let Effect::Db(req) = e {
                let reply = merit::tui::jobs::handle(store, &user, lead, req);
                next.extend(app.update(Msg::Db(reply)));
            }
        }
        if next.is_empty() {
            return;
        }
        effects = next;
    }
}
