//! Issuing, exporting, verifying and revoking credentials through the real binary, and the
//! shared reference vectors (JSON, baked PNG and SVG, status lists) through `merit verify`.

mod common;

use common::{Backend, walk};

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const PASS: &str = "correct horse battery staple";

fn merit(ws: &Path, args: &[&str]) -> Output {
    common::merit()
        .arg("--workspace")
        .arg(ws)
        .args(args)
        .env("MERIT_PASSPHRASE", PASS)
        .args(["--as", "ines"])
        .output()
        .unwrap()
}

fn named<'a>(files: &'a [PathBuf], name: &str) -> Vec<&'a PathBuf> {
    files
        .iter()
        .filter(|p| p.file_name().is_some_and(|f| f == name))
        .collect()
}

fn ob3() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3")
}

/// A demo workspace with an issuer and the data cohort's meeting work approved.
fn issued(b: &Backend) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    assert!(
        merit(
            &ws,
            &[
                "demo",
                "--no-tui",
                "--no-issuer",
                "--learners",
                "12",
                "--seed",
                "2"
            ]
        )
        .status
        .success()
    );
    let o = merit(
        &ws,
        &[
            "issuer",
            "init",
            "--name",
            "Example Centre",
            "--url",
            "https://badges.example.org",
            "--email",
            "hi@example.org",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    (dir, ws)
}

fn issuer_key_is_private_and_needs_the_passphrase(b: Backend) {
    let (_dir, ws) = issued(&b);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ws.join("issuer/issuer.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let o = merit(&ws, &["issuer", "show"]);
    let out = common::stdout(&o);
    assert!(out.contains("DID:                 did:key:z6Mk"), "{out}");
    assert!(!out.contains(PASS));
    let o = common::merit()
        .args([
            "--workspace",
            ws.to_str().unwrap(),
            "approve",
            "--cohort",
            "data-2026-q2",
            "--all-meeting",
        ])
        .env("MERIT_PASSPHRASE", "not the passphrase")
        .args(["--as", "ines"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("wrong passphrase"),
        "{}",
        common::stderr(&o)
    );
    // A second init never replaces the key.
    let o = merit(
        &ws,
        &[
            "issuer",
            "init",
            "--name",
            "X",
            "--url",
            "https://x.example",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stderr(&o).contains("already has an issuer key"));
}

fn approve_export_verify_revoke(b: Backend) {
    let (dir, ws) = issued(&b);
    let o = merit(
        &ws,
        &[
            "approve",
            "--cohort",
            "data-2026-q2",
            "--all-meeting",
            "--dry-run",
            "--json",
        ],
    );
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = plan["to_issue"].as_array().unwrap().len();
    assert!(n > 0, "the demo has meeting work to approve");
    let o = merit(
        &ws,
        &[
            "approve",
            "--cohort",
            "data-2026-q2",
            "--all-meeting",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let done: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(done["issued"].as_array().unwrap().len(), n);
    // Exactly once: approving again issues nothing.
    let o = merit(
        &ws,
        &[
            "approve",
            "--cohort",
            "data-2026-q2",
            "--submission",
            &plan["to_issue"][0].to_string(),
            "--json",
        ],
    );
    let again: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(again["issued"].as_array().unwrap().len(), 0);
    assert_eq!(again["already_issued"], 1);

    let out = dir.path().join("out");
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "data-2026-q2",
                "--out",
                out.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let files = walk(&out);
    let count = |name: &str| named(&files, name).len();
    assert_eq!(
        (
            count("credential.json"),
            count("badge.png"),
            count("badge.svg")
        ),
        (n, n, n)
    );
    assert!(count("feedback.md") >= n && count("feedback.md") == count("feedback.html"));
    assert!(out.join("data-2026-q2.csv").is_file());
    // Exporting again changes nothing.
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "data-2026-q2",
                "--out",
                out.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let after: Vec<Vec<u8>> = walk(&out)
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    assert_eq!(before, after);

    // Every export verifies, in all three forms, with the status list.
    let list = dir.path().join("list.json");
    assert!(
        merit(&ws, &["status-list", "--out", list.to_str().unwrap()])
            .status
            .success()
    );
    let mut args = vec![
        "verify".to_string(),
        "--json".into(),
        "--status-list".into(),
        list.display().to_string(),
    ];
    for name in ["credential.json", "badge.png", "badge.svg"] {
        args.extend(named(&files, name).iter().map(|p| p.display().to_string()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = merit(&ws, &args);
    assert!(o.status.success(), "{}", common::stdout(&o));
    for line in common::stdout(&o).lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["ok"], true, "{line}");
        let checks: Vec<&str> = r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            checks,
            ["shape", "proof", "issuer", "dates", "schema", "status"]
        );
        for c in r["checks"].as_array().unwrap() {
            assert_eq!(c["result"], "passed", "{line}");
        }
    }

    // The credential carries the rubric's results and the artifacts' hashes.
    let cred_path = named(&files, "credential.json")[0];
    let cred: Value = serde_json::from_str(&std::fs::read_to_string(cred_path).unwrap()).unwrap();
    assert_eq!(
        cred["credentialSubject"]["achievement"]["name"],
        "Data Cleaning Practitioner"
    );
    assert_eq!(
        cred["credentialSubject"]["result"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let evidence = cred["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .all(|e| e["id"].as_str().unwrap().starts_with("ni:///sha-256;"))
    );
    assert!(
        cred["validUntil"].is_string(),
        "the rubric sets valid_for_days"
    );

    // Revoke one; after publishing the list it no longer verifies.
    let id = cred["id"].as_str().unwrap();
    // A revocation needs its reason.
    let o = merit(&ws, &["revoke", id, "--reason", " "]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("say why"),
        "{}",
        common::stderr(&o)
    );
    let o = merit(&ws, &["revoke", id, "--reason", "plagiarism"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        merit(&ws, &["status-list", "--out", list.to_str().unwrap()])
            .status
            .success()
    );
    let o = merit(
        &ws,
        &[
            "verify",
            "--status-list",
            list.to_str().unwrap(),
            cred_path.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("✗ status  REVOKED"),
        "{}",
        common::stdout(&o)
    );
    assert!(merit(&ws, &["audit", "verify"]).status.success());
}

fn changing_any_part_of_a_credential_fails_naming_the_proof(b: Backend) {
    let (dir, ws) = issued(&b);
    assert!(
        merit(
            &ws,
            &["approve", "--cohort", "data-2026-q2", "--all-meeting"]
        )
        .status
        .success()
    );
    let out = dir.path().join("out");
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "data-2026-q2",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "json"
            ]
        )
        .status
        .success()
    );
    let path = named(&walk(&out), "credential.json")[0].clone();
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    type Tamper = Box<dyn Fn(&mut Value)>;
    let tampers: Vec<(&str, Tamper)> = vec![
        (
            "achievement name",
            Box::new(|v| v["credentialSubject"]["achievement"]["name"] = "Rocket Science".into()),
        ),
        (
            "a result",
            Box::new(|v| {
                v["credentialSubject"]["result"][0]["achievedLevel"] = "https://x/#top".into()
            }),
        ),
        (
            "an evidence hash",
            Box::new(|v| v["evidence"][0]["id"] = "ni:///sha-256;AAAA".into()),
        ),
        (
            "validity",
            Box::new(|v| v["validUntil"] = "2199-01-01T00:00:00Z".into()),
        ),
        (
            "issuer name",
            Box::new(|v| v["issuer"]["name"] = "Trusted University".into()),
        ),
        (
            "the proof value",
            Box::new(|v| {
                v["proof"][0]["proofValue"] = "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9ULiGUh9uDtUpt2AkvQNy7SbdyJ8eaEeKiMSGfLbmp9vn".into()
            }),
        ),
        (
            "the proof removed",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("proof");
            }),
        ),
    ];
    for (what, tamper) in tampers {
        let mut v = original.clone();
        tamper(&mut v);
        let f = dir.path().join("t.json");
        std::fs::write(&f, serde_json::to_string(&v).unwrap()).unwrap();
        let o = merit(&ws, &["verify", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{what} accepted");
        assert!(
            common::stdout(&o).contains("✗ proof"),
            "{what}: {}",
            common::stdout(&o)
        );
    }
    // A swapped key: the issuer claims a different DID. The issuer is signed, so the proof
    // fails, and with no verified signer the issuer check does not pass.
    let mut v = original.clone();
    v["issuer"]["id"] = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw".into();
    let f = dir.path().join("t.json");
    std::fs::write(&f, serde_json::to_string(&v).unwrap()).unwrap();
    let o = merit(&ws, &["verify", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = common::stdout(&o);
    assert!(out.contains("✗ proof"), "{out}");
    assert!(!out.contains("✓ issuer"), "{out}");
}

#[test]
fn the_shared_vectors_verify_as_their_manifest_says() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(ob3().join("vectors/manifest.json")).unwrap(),
    )
    .unwrap();
    let ws = tempfile::tempdir().unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let file = ob3().join("vectors").join(f["file"].as_str().unwrap());
        let mut args = vec!["verify".to_string()];
        if let Some(res) = f["resources"].as_object() {
            for (_, local) in res {
                args.push("--status-list".into());
                args.push(
                    ob3()
                        .join("vectors")
                        .join(local.as_str().unwrap())
                        .display()
                        .to_string(),
                );
            }
        }
        args.push("--json".into());
        args.push(file.display().to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = merit(ws.path(), &args);
        let expect_pass = f["expect"] == "pass";
        let out = common::stdout(&o);
        assert_eq!(o.status.success(), expect_pass, "{}: {out}", f["file"]);
        let report: Value = serde_json::from_str(out.trim()).unwrap();
        let result = |name: &str| {
            report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| {
                    (
                        c["result"].as_str().unwrap().to_string(),
                        c["detail"].to_string(),
                    )
                })
                .unwrap_or_else(|| panic!("{}: no {name} check in {out}", f["file"]))
        };
        let name = f["file"].as_str().unwrap();
        let failed: Vec<&str> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["result"] == "failed")
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        if expect_pass {
            assert!(failed.is_empty(), "{name}: {out}");
            let (status, _) = result("status");
            let expected = if f["resources"].is_object() {
                "passed"
            } else {
                "not_checked"
            };
            assert_eq!(status, expected, "{name}: {out}");
        } else if name.starts_with("status-revoked") {
            // The signature is valid; the status list says revoked.
            assert_eq!(failed, ["status"], "{name}: {out}");
            assert!(result("status").1.contains("REVOKED"), "{name}: {out}");
        } else {
            assert!(
                name.contains("tampered"),
                "{name}: an unexpected failing vector"
            );
            assert_eq!(failed, ["proof"], "{name}: {out}");
            assert!(
                result("proof").1.contains("signature does not match"),
                "{name}: {out}"
            );
        }
    }
}

fn jcs_credentials_bake_and_verify_too(b: Backend) {
    let (dir, ws) = issued(&b);
    let o = merit(
        &ws,
        &[
            "approve",
            "--cohort",
            "appsec-2026-1",
            "--all-meeting",
            "--suite",
            "eddsa-jcs-2022",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("out");
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "appsec-2026-1",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "png,svg"
            ]
        )
        .status
        .success()
    );
    let files: Vec<String> = walk(&out).iter().map(|p| p.display().to_string()).collect();
    assert!(!files.is_empty());
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = merit(&ws, &args);
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(common::stdout(&o).contains("eddsa-jcs-2022"));
}

#[test]
fn did_web_issuers_verify_with_their_did_document() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    assert!(
        merit(
            &ws,
            &[
                "demo",
                "--no-tui",
                "--no-issuer",
                "--learners",
                "12",
                "--seed",
                "2"
            ]
        )
        .status
        .success()
    );
    let o = merit(
        &ws,
        &[
            "issuer",
            "init",
            "--name",
            "Web Centre",
            "--url",
            "https://badges.example.org",
            "--did-web",
            "badges.example.org",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        merit(
            &ws,
            &["approve", "--cohort", "data-2026-q2", "--all-meeting"]
        )
        .status
        .success()
    );
    let out = dir.path().join("out");
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "data-2026-q2",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "json"
            ]
        )
        .status
        .success()
    );
    let file = named(&walk(&out), "credential.json")[0].clone();
    // In its own workspace, a did:web issuer's credential verifies with the workspace's
    // issuer/did.json; elsewhere, the DID document must be given.
    let o = merit(&ws, &["verify", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(common::stdout(&o).contains("key from did:web document"));
    let elsewhere = tempfile::tempdir().unwrap();
    let o = common::merit()
        .env("MERIT_HOME", elsewhere.path())
        .args(["verify", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("--did-doc"),
        "{}",
        common::stdout(&o)
    );
    // A published site folder serves both the DID document and the status list.
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join(".well-known")).unwrap();
    std::fs::copy(
        ws.join("issuer/did.json"),
        site.join(".well-known/did.json"),
    )
    .unwrap();
    std::fs::create_dir_all(site.join("status")).unwrap();
    let list = site.join("status/revocation");
    assert!(
        merit(&ws, &["status-list", "--out", list.to_str().unwrap()])
            .status
            .success()
    );
    let o = common::merit()
        .env("MERIT_HOME", elsewhere.path())
        .args([
            "verify",
            "--site",
            site.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(
        common::stdout(&o).contains("✓ status  not revoked"),
        "{}",
        common::stdout(&o)
    );
    let doc = ws.join("issuer/did.json");
    let o = merit(
        &ws,
        &[
            "verify",
            "--did-doc",
            doc.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(common::stdout(&o).contains("did:web:badges.example.org signed it"));
}

#[test]
fn the_spec_examples_pass_both_schemas() {
    for name in [
        "basicOpenBadgeCredential",
        "fullOpenBadge",
        "achievementAlignmentCase",
        "achievementAlignmentCe",
    ] {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(ob3().join(format!("examples/spec/{name}.json"))).unwrap(),
        )
        .unwrap();
        if let Err(p) = merit::credential::schema::validate(&v) {
            panic!("{name}: {p:?}");
        }
    }
    // And a credential missing what the schema requires fails, naming it.
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(ob3().join("examples/spec/basicOpenBadgeCredential.json"))
            .unwrap(),
    )
    .unwrap();
    v["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("achievement");
    let p = merit::credential::schema::validate(&v).unwrap_err();
    assert!(p.iter().any(|m| m.contains("achievement")), "{p:?}");
}

fn feedback_letters_explain_not_yet_and_escape_html(b: Backend) {
    let (dir, ws) = issued(&b);
    // Make one learner's name hostile to HTML; the letter must not carry it raw.
    let store = merit::store::Store::create(&ws).unwrap();
    store
        .raw_connection()
        .execute(
            "UPDATE learners SET name = '<script>alert(1)</script> Eve'",
            [],
        )
        .unwrap();
    drop(store);
    let out = dir.path().join("letters");
    let o = merit(
        &ws,
        &[
            "export",
            "--cohort",
            "data-2026-q2",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "letter,csv",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files = walk(&out);
    let mds = named(&files, "feedback.md");
    assert!(!mds.is_empty());
    let not_yet = mds
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|t| t.contains("does not meet the standard yet"))
        .expect("the demo has a not-yet learner in this cohort");
    assert!(not_yet.contains("## For your next attempt"), "{not_yet}");
    for html in named(&files, "feedback.html") {
        let t = std::fs::read_to_string(html).unwrap();
        assert!(!t.contains("<script>"), "{}", html.display());
        assert!(t.contains("&lt;script&gt;"));
    }
    let csv = std::fs::read_to_string(out.join("data-2026-q2.csv")).unwrap();
    assert!(csv.starts_with(
        "learner,learner_id,attempt,decision,total,max_total,credential_id,issued_at,revoked_at,page_url\n"
    ));
}

fn two_approvals_at_once_issue_each_credential_exactly_once(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    assert!(
        merit(
            &ws,
            &[
                "demo",
                "--no-tui",
                "--no-issuer",
                "--learners",
                "60",
                "--seed",
                "9"
            ]
        )
        .status
        .success()
    );
    assert!(
        merit(
            &ws,
            &[
                "issuer",
                "init",
                "--name",
                "C",
                "--url",
                "https://badges.example.org"
            ]
        )
        .status
        .success()
    );
    let spawn = || {
        common::merit()
            .args(["--workspace", ws.to_str().unwrap(), "approve", "--json"])
            .args(["--cohort", "data-2026-q2", "--all-meeting"])
            .env("MERIT_PASSPHRASE", PASS)
            .args(["--as", "ines"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        common::stderr(&a),
        common::stderr(&b)
    );
    let store = merit::store::Store::create(&ws).unwrap();
    let awards = store.cohort_awards("data-2026-q2").unwrap();
    // Each signed credential names its own status entry, the one its row holds. (The table's
    // UNIQUE constraints keep rows apart; this checks what was signed.)
    let mut signed_idx: Vec<String> = awards
        .iter()
        .map(|w| {
            let c: Value = serde_json::from_str(&w.credential_json).unwrap();
            let i = c["credentialStatus"]["statusListIndex"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(i, w.status_index.to_string(), "{}", w.credential_id);
            i
        })
        .collect();
    signed_idx.sort();
    signed_idx.dedup();
    assert_eq!(
        signed_idx.len(),
        awards.len(),
        "two credentials share a status entry"
    );
    // The two runs reported disjoint sets of credentials, together exactly those stored.
    let ids = |o: &Output| -> Vec<String> {
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        r["issued"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_str().unwrap().to_string())
            .collect()
    };
    let (ia, ib) = (ids(&a), ids(&b));
    assert!(
        ia.iter().all(|i| !ib.contains(i)),
        "both runs issued one credential"
    );
    let mut reported: Vec<String> = ia.into_iter().chain(ib).collect();
    reported.sort();
    let mut stored: Vec<String> = awards.iter().map(|w| w.credential_id.clone()).collect();
    stored.sort();
    assert_eq!(
        reported, stored,
        "every stored credential was reported once"
    );
    assert!(!awards.is_empty());
    assert!(store.awaiting_award("data-2026-q2").unwrap().is_empty());
    assert!(store.verify_audit().unwrap().ok());
}

fn a_killed_approval_resumes_without_duplicates(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    assert!(
        merit(
            &ws,
            &[
                "demo",
                "--no-tui",
                "--no-issuer",
                "--learners",
                "240",
                "--seed",
                "11"
            ]
        )
        .status
        .success()
    );
    assert!(
        merit(
            &ws,
            &[
                "issuer",
                "init",
                "--name",
                "C",
                "--url",
                "https://badges.example.org"
            ]
        )
        .status
        .success()
    );
    let awards = |ws: &Path| {
        merit::store::Store::create(ws)
            .unwrap()
            .cohort_awards("data-2026-q2")
            .unwrap()
    };
    let dry: Value = serde_json::from_slice(
        &merit(
            &ws,
            &[
                "approve",
                "--cohort",
                "data-2026-q2",
                "--all-meeting",
                "--dry-run",
                "--json",
            ],
        )
        .stdout,
    )
    .unwrap();
    let to_issue = dry["to_issue"].as_array().map_or(0, Vec::len);
    assert!(to_issue > 20, "{dry}");
    let mut child = common::merit()
        .args([
            "--workspace",
            ws.to_str().unwrap(),
            "approve",
            "--cohort",
            "data-2026-q2",
            "--all-meeting",
        ])
        .env("MERIT_PASSPHRASE", PASS)
        .args(["--as", "ines"])
        .env("MERIT_APPROVE_BATCH", "4")
        .env("MERIT_TEST_HOLD_AFTER", "8")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The run says `held` once 8 or more are stored, then waits to be killed.
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    use std::io::BufRead;
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("held") {
        line.clear();
    }
    assert!(line.contains("held"), "the run ended before it was held");
    child.kill().unwrap(); // SIGKILL, part way
    let status = child.wait().unwrap();
    assert!(!status.success());
    let partial = awards(&ws).len();
    assert!(
        partial >= 8 && partial < to_issue,
        "killed after {partial} of {to_issue}"
    );
    // Run again: it continues, and nothing is issued twice.
    let o = merit(
        &ws,
        &[
            "approve",
            "--cohort",
            "data-2026-q2",
            "--all-meeting",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let all = awards(&ws);
    let mut subs: Vec<i64> = all.iter().map(|w| w.submission_id).collect();
    subs.dedup();
    assert_eq!(subs.len(), all.len(), "a submission has two credentials");
    let store = merit::store::Store::create(&ws).unwrap();
    assert!(store.awaiting_award("data-2026-q2").unwrap().is_empty());
    // Every stored credential verifies.
    let out = dir.path().join("out");
    assert!(
        merit(
            &ws,
            &[
                "export",
                "--cohort",
                "data-2026-q2",
                "--out",
                out.to_str().unwrap(),
                "--format",
                "json"
            ]
        )
        .status
        .success()
    );
    let files = named(&walk(&out), "credential.json")
        .into_iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>();
    assert_eq!(files.len(), all.len());
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = merit(&ws, &args);
    assert!(o.status.success(), "{}", common::stdout(&o));
}

/// A workspace whose status indexes cross the first list's 131,072 entries: the credentials
/// past it name the second list, `status-list` writes both, and `merit verify` finds a
/// revocation in the second with the workspace's own copies, through $MERIT_HOME as well as
/// --workspace.
fn status_indexes_past_the_first_list_use_the_next_one(b: Backend) {
    let (dir, ws) = issued(&b);
    // As if 131,071 credentials had been issued before.
    {
        let store = merit::store::Store::create(&ws).unwrap();
        store
            .raw_connection()
            .execute(
                "INSERT INTO counters (name, value) VALUES ('status_index', 131071)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [],
            )
            .unwrap();
    }
    let mut awards = Vec::new();
    for cohort in ["data-2026-q2", "teach-2026-spring", "appsec-2026-1"] {
        let o = merit(&ws, &["approve", "--cohort", cohort, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
        let store = merit::store::Store::create(&ws).unwrap();
        awards.extend(store.cohort_awards(cohort).unwrap());
    }
    assert!(
        awards.len() >= 2,
        "enough to cross the boundary: {}",
        awards.len()
    );
    let second: Vec<&merit::store::Award> = awards
        .iter()
        .filter(|a| a.status_index >= 131_072)
        .collect();
    assert!(!second.is_empty());
    let cred: Value = serde_json::from_str(&second[0].credential_json).unwrap();
    let entry = &cred["credentialStatus"];
    assert_eq!(
        entry["statusListCredential"],
        "https://badges.example.org/status/revocation-2"
    );
    assert_eq!(
        entry["statusListIndex"],
        (second[0].status_index - 131_072).to_string()
    );
    let o = merit(
        &ws,
        &[
            "revoke",
            &second[0].credential_id,
            "--reason",
            "test past the boundary",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("status.json");
    let o = merit(&ws, &["status-list", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(out.is_file() && dir.path().join("status-2.json").is_file());
    let text = common::stdout(&o);
    assert!(
        text.contains("at https://badges.example.org/status/revocation-2"),
        "{text}"
    );
    let file = dir.path().join("revoked.json");
    std::fs::write(&file, &second[0].credential_json).unwrap();
    // The workspace's own lists, through --workspace and through $MERIT_HOME.
    let o = merit(&ws, &["verify", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("✗ status  REVOKED"),
        "{}",
        common::stdout(&o)
    );
    let o = common::merit()
        .env("MERIT_HOME", &ws)
        .args(["verify", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("✗ status  REVOKED"),
        "{}",
        common::stdout(&o)
    );
    // One in the first list is not revoked.
    let first = awards.iter().find(|a| a.status_index < 131_072).unwrap();
    std::fs::write(&file, &first.credential_json).unwrap();
    let o = merit(&ws, &["verify", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stdout(&o));
    assert!(common::stdout(&o).contains("✓ status  not revoked"));
}

on_both_backends!(
    issuer_key_is_private_and_needs_the_passphrase,
    approve_export_verify_revoke,
    changing_any_part_of_a_credential_fails_naming_the_proof,
    jcs_credentials_bake_and_verify_too,
    feedback_letters_explain_not_yet_and_escape_html,
    two_approvals_at_once_issue_each_credential_exactly_once,
    a_killed_approval_resumes_without_duplicates,
    status_indexes_past_the_first_list_use_the_next_one,
);
