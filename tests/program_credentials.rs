//! Program credentials and learner records, end to end on the demo: approve the component
//! cohorts, see who earned the pathway, approve it (preview first), verify the program
//! credential and a learner's CLR 2.0 record (and each credential in it), tamper with one
//! embedded credential, revoke a component (the program credential is flagged), kill -9 an
//! approval part way, and keep separation of duties over the components.

mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::Value;

const PATHWAY: &str = "data-practitioner";

fn ok(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        common::stdout(o),
        common::stderr(o)
    );
    common::stdout(o)
}

/// A demo workspace whose three cohorts are approved: Noor and Tariq have earned the pathway.
fn approved_demo() -> (tempfile::TempDir, PathBuf) {
    let (dir, ws) = common::demo_workspace(30, 2);
    for c in ["data-2026-q2", "appsec-2026-1", "teach-2026-spring"] {
        ok(&common::merit_as(
            &ws,
            "ines",
            &["approve", "--cohort", c, "--all-meeting"],
        ));
    }
    (dir, ws)
}

fn db(ws: &Path) -> common::Db {
    common::db(ws)
}

fn program_count(ws: &Path, learner: &str) -> i64 {
    db(ws)
        .query_row(
            "SELECT COUNT(*) FROM program_awards p JOIN learners l ON l.id = p.learner_id
             WHERE l.key = ?1",
            [learner],
            |r| r.get(0),
        )
        .unwrap()
}

/// The learner's component credentials of each rubric: (rubric, credential id, JSON).
fn components(ws: &Path, learner: &str) -> Vec<(String, String, Value)> {
    let store = merit::store::Store::open(ws).unwrap();
    let held = store.holders(Some(learner)).unwrap();
    held[learner]
        .badges
        .iter()
        .map(|b| {
            let award = store
                .award_by_credential(&b.credential_id)
                .unwrap()
                .unwrap();
            (
                b.rubric_id.clone(),
                b.credential_id.clone(),
                serde_json::from_str(&award.credential_json).unwrap(),
            )
        })
        .collect()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn status_of<'a>(s: &'a Value, learner: &str) -> &'a Value {
    s["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["learner"] == learner)
        .unwrap_or_else(|| panic!("{learner} not in {s:#}"))
}

#[test]
fn demo_to_program_credential_to_learner_record() {
    let (dir, ws) = approved_demo();
    let s: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        "ines",
        &["pathway", "status", "--json"],
    )))
    .unwrap();
    for l in ["noor-achterberg", "tariq-okonkwo"] {
        assert_eq!(status_of(&s, l)["status"], "earned");
        assert_eq!(status_of(&s, l)["program_credential"], Value::Null);
    }

    // The preview signs nothing and names whom it would issue to.
    let dry: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--all-earned",
            "--dry-run",
            "--json",
        ],
    )))
    .unwrap();
    let to_issue: Vec<&str> = dry["to_issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["learner"].as_str().unwrap())
        .collect();
    assert_eq!(to_issue, ["noor-achterberg", "tariq-okonkwo"], "{dry:#}");
    assert_eq!(program_count(&ws, "noor-achterberg"), 0);
    let text = ok(&common::merit_as(
        &ws,
        "ines",
        &["approve", "--pathway", PATHWAY, "--all-earned", "--dry-run"],
    ));
    assert!(
        text.contains("2 program credential(s) of data-practitioner (version 1) to issue"),
        "{text}"
    );

    let out = ok(&common::merit_as(
        &ws,
        "ines",
        &["approve", "--pathway", PATHWAY, "--all-earned"],
    ));
    assert!(out.contains("issued 2 program credential(s)"), "{out}");
    // Again: nothing twice.
    let out = ok(&common::merit_as(
        &ws,
        "ines",
        &["approve", "--pathway", PATHWAY, "--all-earned"],
    ));
    assert!(
        out.contains("issued 0 program credential(s)") && out.contains("2 already had one"),
        "{out}"
    );
    assert_eq!(program_count(&ws, "noor-achterberg"), 1);

    // Exported and verified with the status list, like any credential.
    let exported = dir.path().join("programs");
    ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--pathway",
            PATHWAY,
            "--out",
            exported.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(exported.join(format!("{PATHWAY}.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let file = exported.join("noor-achterberg/credential.json");
    let program = read_json(&file);
    for f in ["badge.png", "badge.svg"] {
        assert!(exported.join("noor-achterberg").join(f).is_file());
    }
    let list = dir.path().join("status.json");
    ok(&common::merit_as(
        &ws,
        "ines",
        &["status-list", "--out", list.to_str().unwrap()],
    ));
    let v = ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "verify",
            file.to_str().unwrap(),
            "--status-list",
            list.to_str().unwrap(),
        ],
    ));
    assert!(v.contains(": VALID") && v.contains("not revoked"), "{v}");

    // Published like any credential: its page (without the learner's name) and its
    // achievement at its id.
    let site = dir.path().join("site");
    ok(&common::merit_as(
        &ws,
        "ines",
        &["publish", "--out", site.to_str().unwrap()],
    ));
    let token = merit::store::Store::open(&ws)
        .unwrap()
        .page_token(program["id"].as_str().unwrap())
        .unwrap()
        .expect("a page for the program credential");
    let page = std::fs::read_to_string(site.join(format!("c/{token}/index.html"))).unwrap();
    assert!(page.contains("Data Practitioner"));
    assert!(!page.contains("Noor"), "the page names the learner");
    assert!(
        site.join("programs/data-practitioner/v1/achievement.json")
            .is_file()
    );

    // Its evidence names each component by id and by the SHA-256 of its JCS form; its
    // achievement names the components; it ends no later than the earliest component.
    let comps = components(&ws, "noor-achterberg");
    assert_eq!(comps.len(), 3);
    let evidence = program["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 3);
    for (_, id, json) in &comps {
        let e = evidence
            .iter()
            .find(|e| e["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} not in the evidence"));
        assert_eq!(
            e["digestMultibase"],
            merit::credential::program::digest_multibase(json).unwrap()
        );
        let name = json["credentialSubject"]["achievement"]["name"]
            .as_str()
            .unwrap();
        assert!(
            program["credentialSubject"]["achievement"]["criteria"]["narrative"]
                .as_str()
                .unwrap()
                .contains(name)
        );
    }
    let earliest = comps
        .iter()
        .filter_map(|(_, _, j)| j["validUntil"].as_str())
        .map(|s| merit::credential::dates::parse(s).unwrap())
        .min()
        .expect("the demo's components expire");
    let until = merit::credential::dates::parse(program["validUntil"].as_str().unwrap()).unwrap();
    assert!(until <= earliest);

    // The learner's record: every current credential, with the associations, verified, and
    // each embedded credential verified on its own.
    let record_file = dir.path().join("noor.json");
    let w = ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "transcript",
            "--learner",
            "noor-achterberg",
            "--out",
            record_file.to_str().unwrap(),
        ],
    ));
    assert!(w.contains("4 credential(s), 1 program(s)"), "{w}");
    let record = read_json(&record_file);
    assert_eq!(record["type"][1], "ClrCredential");
    assert!(record.get("partial").is_none());
    let embedded = record["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap();
    assert_eq!(embedded.len(), 4);
    let assoc = record["credentialSubject"]["association"]
        .as_array()
        .unwrap();
    let program_ach = program["credentialSubject"]["achievement"]["id"].clone();
    for (_, _, json) in &comps {
        let ach = json["credentialSubject"]["achievement"]["id"].clone();
        assert!(assoc.iter().any(|a| a["associationType"] == "isPartOf"
            && a["sourceId"] == ach
            && a["targetId"] == program_ach));
        assert!(assoc.iter().any(|a| a["associationType"] == "isParentOf"
            && a["sourceId"] == program_ach
            && a["targetId"] == ach));
    }
    let v = ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "verify",
            record_file.to_str().unwrap(),
            "--status-list",
            list.to_str().unwrap(),
        ],
    ));
    assert!(v.contains(": VALID"), "{v}");
    assert!(v.contains("passes the CLR 2.0 ClrCredential schema"), "{v}");
    assert_eq!(v.matches("✓ embedded").count(), 4, "{v}");

    // Tampering with one embedded credential fails the record and names that credential.
    let mut forged = record.clone();
    forged["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["achievement"]["name"] =
        Value::from("Forged Badge");
    let forged_file = dir.path().join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).unwrap();
    let o = common::merit_as(&ws, "ines", &["verify", forged_file.to_str().unwrap()]);
    assert!(!o.status.success());
    let v = common::stdout(&o);
    let id = embedded[1]["id"].as_str().unwrap();
    assert!(
        v.contains(&format!("✗ embedded credential 2 ({id}")) && v.contains("INVALID"),
        "{v}"
    );
    assert!(
        v.contains("✗ proof"),
        "the record's own proof must fail too: {v}"
    );
}

#[test]
fn revoking_a_component_flags_the_program_credential_and_the_record_says_partial() {
    let (dir, ws) = approved_demo();
    ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--learner",
            "noor-achterberg",
        ],
    ));
    assert_eq!(program_count(&ws, "noor-achterberg"), 1);
    assert_eq!(program_count(&ws, "tariq-okonkwo"), 0);
    let (_, component, _) = components(&ws, "noor-achterberg")
        .into_iter()
        .find(|(r, _, _)| r == "data-cleaning")
        .unwrap();
    ok(&common::merit_as(
        &ws,
        "ines",
        &["revoke", &component, "--reason", "plagiarism found"],
    ));
    // pathway status flags it, by JSON and by text.
    let s: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        "ines",
        &["pathway", "status", "--json"],
    )))
    .unwrap();
    let noor = status_of(&s, "noor-achterberg");
    assert_eq!(noor["status"], "missing");
    assert_eq!(noor["missing"], serde_json::json!(["data-cleaning"]));
    assert!(noor["program_credential"].is_string());
    assert_eq!(noor["lapsed_components"], serde_json::json!([component]));
    let text = ok(&common::merit_as(&ws, "ines", &["pathway", "status"]));
    assert!(text.contains("FLAGGED: program credential"), "{text}");
    // The cohort view flags the revoked component's row.
    let store = merit::store::Store::open(&ws).unwrap();
    let rows = store
        .cohort_rows("data-2026-q2", 3600, merit::store::now(), None)
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.credential_id.as_deref() == Some(component.as_str()))
        .unwrap();
    assert!(row.flags.program_lapsed);
    assert!(row.flags.words().contains(&"in a program"));
    let others = rows.iter().filter(|r| r.flags.program_lapsed).count();
    assert_eq!(others, 1);
    drop(store);
    // So does the learner view, for an issuer.
    let mut store = merit::store::Store::open(&ws).unwrap();
    let record = store
        .learner_record(
            "ines",
            &merit::store::learner::LearnerRef::Key("noor-achterberg".into()),
        )
        .unwrap();
    let program_row = record
        .credentials
        .iter()
        .find(|c| c.rubric_title == "Data Practitioner (program)")
        .expect("the program credential in the learner view");
    assert_eq!(program_row.state, "issued");
    assert!(
        record
            .credentials
            .iter()
            .any(|c| c.credential_id == component && c.state == "revoked")
    );
    let progress = &record.pathways[0];
    assert_eq!(
        progress.program.as_deref(),
        Some("program credential issued, flagged: 1 component(s) revoked or expired since")
    );
    drop(store);

    // Her record leaves the revoked credential out and says it is partial; it still verifies.
    let record_file = dir.path().join("noor.json");
    let w = ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "transcript",
            "--learner",
            "noor-achterberg",
            "--out",
            record_file.to_str().unwrap(),
        ],
    ));
    assert!(w.contains("partial: 1 revoked or expired"), "{w}");
    let record = read_json(&record_file);
    assert_eq!(record["partial"], true);
    let ids: Vec<&str> = record["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&component.as_str()));
    let v = ok(&common::merit_as(
        &ws,
        "ines",
        &["verify", record_file.to_str().unwrap()],
    ));
    assert!(v.contains(": VALID"), "{v}");

    // The issuer decides to revoke the program credential: the status list says so.
    let program = noor["program_credential"].as_str().unwrap().to_string();
    ok(&common::merit_as(
        &ws,
        "ines",
        &["revoke", &program, "--reason", "a component was revoked"],
    ));
    let list = dir.path().join("status.json");
    ok(&common::merit_as(
        &ws,
        "ines",
        &["status-list", "--out", list.to_str().unwrap()],
    ));
    let json: String = db(&ws)
        .query_row(
            "SELECT credential_json FROM program_awards WHERE credential_id = ?1",
            [&program],
            |r| r.get(0),
        )
        .unwrap();
    let file = dir.path().join("program.json");
    std::fs::write(&file, json).unwrap();
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "verify",
            file.to_str().unwrap(),
            "--status-list",
            list.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(
        common::stdout(&o).contains("REVOKED"),
        "{}",
        common::stdout(&o)
    );
    // She no longer holds what the pathway needs: no new one.
    let out = ok(&common::merit_as(
        &ws,
        "ines",
        &["approve", "--pathway", PATHWAY, "--all-earned"],
    ));
    assert!(out.contains("issued 1 program credential(s)"), "{out}");
    assert_eq!(program_count(&ws, "noor-achterberg"), 1);
    assert_eq!(program_count(&ws, "tariq-okonkwo"), 1);
    let audit = ok(&common::merit_as(&ws, "ines", &["audit", "verify"]));
    assert!(audit.contains("intact"), "{audit}");
}

#[test]
fn killed_mid_approval_each_learner_ends_with_exactly_one_program_credential() {
    let (_dir, ws) = approved_demo();
    let mut child = common::merit()
        .arg("--workspace")
        .arg(&ws)
        .args([
            "--as",
            "ines",
            "approve",
            "--pathway",
            PATHWAY,
            "--all-earned",
        ])
        .env("MERIT_PASSPHRASE", "merit-demo")
        .env("MERIT_APPROVE_BATCH", "1")
        .env("MERIT_TEST_HOLD_AFTER", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("held") {
        line.clear();
    }
    assert!(line.contains("held"), "the run ended before it was held");
    child.kill().unwrap(); // SIGKILL, after one learner's batch was stored
    assert!(!child.wait().unwrap().success());
    let issued: i64 = db(&ws)
        .query_row("SELECT COUNT(*) FROM program_awards", [], |r| r.get(0))
        .unwrap();
    assert_eq!(issued, 1, "killed after the first batch");
    let out = ok(&common::merit_as(
        &ws,
        "ines",
        &["approve", "--pathway", PATHWAY, "--all-earned"],
    ));
    assert!(
        out.contains("issued 1 program credential(s)") && out.contains("1 already had one"),
        "{out}"
    );
    for l in ["noor-achterberg", "tariq-okonkwo"] {
        assert_eq!(program_count(&ws, l), 1, "{l}");
    }
    // Status indexes stay unique across credentials and program credentials.
    let clash: i64 = db(&ws)
        .query_row(
            "SELECT COUNT(*) FROM program_awards p JOIN awards w ON w.status_index = p.status_index",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(clash, 0);
    let audit = ok(&common::merit_as(&ws, "ines", &["audit", "verify"]));
    assert!(audit.contains("intact"), "{audit}");
}

#[test]
fn the_database_keeps_one_unrevoked_program_credential_and_unique_indexes() {
    let (_dir, ws) = approved_demo();
    ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--learner",
            "noor-achterberg",
        ],
    ));
    let c = db(&ws);
    let copy = |credential: &str, index: &str| {
        c.execute(
            &format!(
                "INSERT INTO program_awards (pathway_id, pathway_hash, learner_id, credential_id,
                     credential_json, status_index, issued_at, issued_by)
                 SELECT pathway_id, pathway_hash, learner_id, {credential}, credential_json,
                        {index}, issued_at, issued_by FROM program_awards LIMIT 1"
            ),
            [],
        )
    };
    // A second unrevoked one for the same learner and pathway.
    assert!(copy("'urn:uuid:x'", "999999").is_err());
    c.execute("UPDATE program_awards SET revoked_at = 1", [])
        .unwrap();
    // Revoked, a new one may follow; never on a status index or id a credential holds.
    let taken: (i64, String) = c
        .query_row(
            "SELECT status_index, credential_id FROM awards LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(copy("'urn:uuid:y'", &taken.0.to_string()).is_err());
    assert!(copy(&format!("'{}'", taken.1), "999999").is_err());
    copy("'urn:uuid:z'", "999999").unwrap();

    // The store refuses a program credential resting on someone else's credential, and one
    // stored by someone who is not an issuer.
    let (_, noors, _) = components(&ws, "noor-achterberg").remove(0);
    let (tariq, hash): (i64, String) = c
        .query_row(
            "SELECT (SELECT id FROM learners WHERE key = 'tariq-okonkwo'), current_hash
             FROM pathways",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let sub: i64 = c
        .query_row(
            "SELECT submission_id FROM awards WHERE credential_id = ?1",
            [&noors],
            |r| r.get(0),
        )
        .unwrap();
    let forged = merit::store::programs::SignedProgram {
        pathway_id: PATHWAY.into(),
        pathway_hash: hash,
        learner_id: tariq,
        learner: "tariq-okonkwo".into(),
        credential_id: "urn:uuid:forged".into(),
        credential_json: "{}".into(),
        status_index: 1_000_000,
        valid_until: None,
        components: vec![(noors, sub)],
    };
    let mut store = merit::store::Store::open(&ws).unwrap();
    let e = store
        .insert_program_awards(std::slice::from_ref(&forged), "ines")
        .err()
        .expect("refused");
    assert!(e.to_string().contains("not a credential of"), "{e}");
    let e = store
        .insert_program_awards(std::slice::from_ref(&forged), "amir")
        .err()
        .expect("refused");
    assert!(e.to_string().contains("issuer role"), "{e}");
}

#[test]
fn the_approver_never_signs_a_program_resting_on_their_own_assessment() {
    let (_dir, ws) = approved_demo();
    // Whoever assessed one of Noor's components becomes an issuer too.
    let assessor: String = db(&ws)
        .query_row(
            "SELECT a.assessor FROM assessments a JOIN submissions s ON s.id = a.submission_id
             JOIN learners l ON l.id = s.learner_id
             WHERE l.key = 'noor-achterberg' AND a.state = 'submitted' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Without the issuer role, refused outright.
    let o = common::merit_as(
        &ws,
        &assessor,
        &["approve", "--pathway", PATHWAY, "--all-earned"],
    );
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("you need the issuer role"),
        "{}",
        common::stderr(&o)
    );
    ok(&common::run(
        &ws,
        &["user", "add", &assessor, "--role", "issuer"],
    ));
    let dry: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        &assessor,
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--all-earned",
            "--dry-run",
            "--json",
        ],
    )))
    .unwrap();
    let excluded = dry["excluded"].as_array().unwrap();
    assert!(
        excluded
            .iter()
            .any(|e| e[0] == "noor-achterberg" && e[1].as_str().unwrap().contains("separation")),
        "{dry:#}"
    );
    ok(&common::merit_as(
        &ws,
        &assessor,
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--learner",
            "noor-achterberg",
        ],
    ));
    assert_eq!(program_count(&ws, "noor-achterberg"), 0);
    // A learner asked for who has not earned it is said so, and one who does not exist too.
    let dry: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--pathway",
            PATHWAY,
            "--learner",
            "nobody-here",
            "--dry-run",
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(dry["excluded"][0][1], "no such learner");
}

/// A program credential that expired gives way to the next one: the learner still holds what
/// the pathway needs (renewed components), so the issuer issues again; the old one is marked
/// superseded, and there is never more than one that counts.
#[test]
fn an_expired_program_credential_is_superseded_by_the_next() {
    let (_dir, ws) = approved_demo();
    let approve = |ws: &Path| {
        ok(&common::merit_as(
            ws,
            "ines",
            &[
                "approve",
                "--pathway",
                PATHWAY,
                "--learner",
                "noor-achterberg",
            ],
        ))
    };
    assert!(approve(&ws).contains("issued 1 program credential(s)"));
    assert!(approve(&ws).contains("1 already had one"));
    let first: String = db(&ws)
        .query_row("SELECT credential_id FROM program_awards", [], |r| r.get(0))
        .unwrap();
    // Time passes: the credential's end is in the past (only the column the store reads is
    // moved back, so the audit log still holds every stored credential to its entry).
    let n = db(&ws)
        .execute(
            "UPDATE program_awards SET valid_until = '2020-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    let s: Value = serde_json::from_str(&ok(&common::merit_as(
        &ws,
        "ines",
        &[
            "pathway",
            "status",
            "--json",
            "--learner",
            "noor-achterberg",
        ],
    )))
    .unwrap();
    assert_eq!(
        status_of(&s, "noor-achterberg")["program_credential"],
        Value::Null
    );
    assert!(approve(&ws).contains("issued 1 program credential(s)"));
    let (second, superseded): (String, Option<String>) = db(&ws)
        .query_row(
            "SELECT (SELECT credential_id FROM program_awards WHERE credential_id != ?1),
                    (SELECT superseded_by FROM program_awards WHERE credential_id = ?1)",
            [&first],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(superseded.as_deref(), Some(second.as_str()));
    assert!(approve(&ws).contains("1 already had one"));
    assert_eq!(program_count(&ws, "noor-achterberg"), 2);
    let audit = ok(&common::merit_as(&ws, "ines", &["audit", "verify"]));
    assert!(audit.contains("intact"), "{audit}");
}
