//! Recognition of prior learning: a submission's route comes from learner.yaml, the
//! manifest's `route` column or `merit import --route`, shows in the queue and the review,
//! and its credential says so in each evidence item's description.

mod common;

use std::path::Path;

use common::tui::{pump, render};
use merit::store::Store;
use merit::vocabulary::Route;

fn routes(ws: &Path, cohort: &str) -> Vec<(String, String)> {
    let conn = common::db(ws);
    let mut stmt = conn
        .prepare(
            "SELECT l.key, s.route FROM submissions s JOIN learners l ON l.id = s.learner_id
             WHERE s.cohort_id = ?1 ORDER BY l.key",
        )
        .unwrap();
    stmt.query_map([cohort], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn learner(src: &Path, key: &str, yaml: &str) {
    let d = src.join(key);
    std::fs::create_dir_all(&d).unwrap();
    if !yaml.is_empty() {
        std::fs::write(d.join("learner.yaml"), yaml).unwrap();
    }
    std::fs::write(d.join("log.md"), format!("# {key}\n")).unwrap();
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_route_comes_from_learner_yaml_the_manifest_or_the_command_line() {
    let ws = common::workspace_with_rubrics();
    // learner.yaml, the default being course.
    let src = ws.path().join("folder");
    learner(&src, "ana", "name: Ana\nroute: prior-learning\n");
    learner(&src, "ben", "name: Ben\n");
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "f",
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(
        routes(ws.path(), "f"),
        pairs(&[("ana", "prior-learning"), ("ben", "course")])
    );
    // --route sets the default; a learner's own `route: course` still wins.
    let src = ws.path().join("rpl");
    learner(&src, "cy", "");
    learner(&src, "di", "route: course\n");
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "r",
            "--rubric",
            "data-cleaning",
            "--route",
            "prior-learning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(
        routes(ws.path(), "r"),
        pairs(&[("cy", "prior-learning"), ("di", "course")])
    );
    // The manifest's column, per learner.
    let dir = ws.path().join("manifest");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.md"), "a\n").unwrap();
    std::fs::write(dir.join("b.md"), "b\n").unwrap();
    std::fs::write(
        dir.join("m.csv"),
        "learner_id,artifact,route\nel,a.md,prior-learning\nfi,b.md,\n",
    )
    .unwrap();
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "m",
            "--rubric",
            "data-cleaning",
            dir.join("m.csv").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(
        routes(ws.path(), "m"),
        pairs(&[("el", "prior-learning"), ("fi", "course")])
    );
}

#[test]
fn a_route_that_is_not_one_is_refused_where_it_is_written() {
    let ws = common::workspace_with_rubrics();
    let src = ws.path().join("folder");
    learner(&src, "ana", "route: portfolio\n");
    learner(&src, "ben", "");
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "f",
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(
        err.contains("ana/learner.yaml") && err.contains("`route: portfolio`"),
        "{err}"
    );
    assert!(
        err.contains("`course` (the default) or `prior-learning`"),
        "{err}"
    );
    assert_eq!(routes(ws.path(), "f"), pairs(&[("ben", "course")]));
    // Two rows of one learner that disagree.
    let dir = ws.path().join("manifest");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.md"), "a\n").unwrap();
    std::fs::write(dir.join("b.md"), "b\n").unwrap();
    std::fs::write(
        dir.join("m.csv"),
        "learner_id,artifact,route\nel,a.md,prior-learning\nel,b.md,course\n",
    )
    .unwrap();
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "m",
            "--rubric",
            "data-cleaning",
            dir.join("m.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("m.csv:3"),
        "{}",
        common::stderr(&o)
    );
    // The command line's own check.
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "x",
            "--rubric",
            "data-cleaning",
            "--route",
            "rpl",
            src.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("prior-learning"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn the_queue_and_the_credential_say_prior_learning() {
    let (_dir, ws) = common::demo_workspace(40, 3);
    let mut store = Store::open(&ws).unwrap();
    // The queue, as an assessor sees it.
    let mut app = merit::tui::app::App::new(
        common::tui::session(),
        merit::tui::theme::Theme::plain(),
        (160, 48),
        merit::store::now(),
    );
    let start = app.start();
    pump(&mut app, &mut store, start);
    let shown = render(&app);
    assert!(shown.contains("· prior learning"), "{shown}");
    // Approve every cohort; each credential of a prior-learning submission says so in
    // every evidence item, and no other does.
    let cohorts: Vec<String> = store.cohorts().unwrap().into_iter().map(|c| c.id).collect();
    drop(store);
    for c in &cohorts {
        let o = common::merit_as(&ws, "ines", &["approve", "--cohort", c, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let store = Store::open(&ws).unwrap();
    let conn = common::db(&ws);
    let (mut prior, mut course) = (0, 0);
    for c in &cohorts {
        for a in store.cohort_awards(c).unwrap() {
            let route: String = conn
                .query_row(
                    "SELECT route FROM submissions WHERE id = ?1",
                    [a.submission_id],
                    |r| r.get(0),
                )
                .unwrap();
            let doc: serde_json::Value = serde_json::from_str(&a.credential_json).unwrap();
            let evidence = doc["evidence"].as_array().unwrap();
            assert!(!evidence.is_empty());
            let said = evidence
                .iter()
                .filter(|e| e["description"] == merit::credential::build::PRIOR_LEARNING)
                .count();
            if Route::parse(&route) == Some(Route::PriorLearning) {
                prior += 1;
                assert_eq!(said, evidence.len(), "{doc:#}");
                // The requirement's title stays in `genre`.
                assert!(evidence.iter().all(|e| e["genre"].is_string()));
            } else {
                course += 1;
                assert_eq!(said, 0);
            }
        }
    }
    assert!(prior > 0 && course > 0, "{prior} prior, {course} course");
    // They verify like any other (proof, schemas, status).
    let out = ws.join("out");
    for c in &cohorts {
        let o = common::merit_as(
            &ws,
            "ines",
            &[
                "export",
                "--cohort",
                c,
                "--out",
                out.join(c).to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let files: Vec<String> = common::walk(&out)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|f| f == "credential.json"))
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(files.len(), prior + course);
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = common::run(&ws, &args);
    assert!(
        o.status.success(),
        "{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
}
