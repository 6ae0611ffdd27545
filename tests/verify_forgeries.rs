//! Forgeries that once verified, and hostile credentials that once crashed `merit verify`, each
//! through the real binary: the exit status, and that the message names the check that failed.
//!
//! Documents are signed here with the shared vectors' test key (RFC 8032 test 1, did:key), as
//! the issuer would; the attacker then edits the signed document without the key.

mod common;

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use merit::credential::build::Issuer;
use merit::credential::{keys, proof, status};
use serde_json::{Value, json};

fn vectors() -> PathBuf {
    common::repo().join("tests/fixtures/ob3/vectors")
}

fn read(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("JSON")
}

/// The shared vector with a status entry (index 42, set in the shared list), unsigned.
fn unsigned_revoked() -> Value {
    let mut v = read(vectors().join("status-revoked-rdfc.json"));
    v.as_object_mut().expect("an object").remove("proof");
    v
}

fn issuer_key() -> SigningKey {
    let hex = read(vectors().join("manifest.json"))["seedHex"]
        .as_str()
        .expect("seed")
        .to_string();
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).expect("hex"))
        .collect();
    SigningKey::from_bytes(&bytes.try_into().expect("32 bytes"))
}

fn sign(doc: &Value, key: &SigningKey, method: &str, suite: proof::Suite) -> Value {
    proof::sign(doc, key, method, "2025-01-15T09:31:00Z", suite).expect("signs")
}

/// The issuer's own signed credential with a status entry (index 42 of the shared list).
fn signed(suite: proof::Suite) -> Value {
    let unsigned = unsigned_revoked();
    let key = issuer_key();
    sign(
        &unsigned,
        &key,
        &keys::did_key_method(&key.verifying_key()),
        suite,
    )
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).expect("JSON")).expect("write");
    p
}

/// Runs `merit verify` on `file` with `extra` arguments; returns (exit code, stdout).
fn verify(file: &Path, extra: &[&str]) -> (i32, String) {
    let o = common::merit()
        .arg("verify")
        .arg(file)
        .args(extra)
        .output()
        .expect("merit runs");
    let out = common::stdout(&o);
    assert!(
        common::stderr(&o).is_empty() || o.status.code() == Some(1),
        "{}",
        common::stderr(&o)
    );
    (o.status.code().unwrap_or(-1), out)
}

/// The line of check `name` in the text report.
fn check_line<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no {name} line in\n{out}"))
}

fn assert_fails(out: &str, code: i32, check: &str, says: &str) {
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT VALID"), "{out}");
    let line = check_line(out, check);
    assert!(line.contains('✗'), "{check} did not fail:\n{out}");
    assert!(line.contains(says), "{check} does not say `{says}`:\n{out}");
}

#[test]
fn the_issuers_own_credential_verifies_in_both_suites() {
    let dir = tempfile::tempdir().unwrap();
    for suite in [proof::Suite::Rdfc, proof::Suite::Jcs] {
        let f = write(dir.path(), "c.json", &signed(suite));
        let (code, out) = verify(&f, &[]);
        assert_eq!(code, 0, "{out}");
        // The status list is not at hand: the check did not run, and says so (no tick).
        assert!(
            check_line(&out, "status").contains("- status  not checked"),
            "{out}"
        );
    }
}

#[test]
fn an_empty_proof_list_is_not_a_signature() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = signed(proof::Suite::Rdfc);
    c["proof"] = json!([]);
    c["credentialSubject"]["achievement"]["name"] = json!("Anything at all");
    let (code, out) = verify(&write(dir.path(), "c.json", &c), &[]);
    assert_fails(&out, code, "proof", "proof list is empty");
}

#[test]
fn several_proofs_or_another_kind_fail_naming_why() {
    let dir = tempfile::tempdir().unwrap();
    let c = signed(proof::Suite::Rdfc);
    let mut two = c.clone();
    let p = two["proof"][0].clone();
    two["proof"] = json!([p.clone(), p.clone()]);
    let (code, out) = verify(&write(dir.path(), "two.json", &two), &[]);
    assert_fails(&out, code, "proof", "2 proofs");

    let mut other = c.clone();
    other["proof"][0]["type"] = json!("Ed25519Signature2020");
    let (code, out) = verify(&write(dir.path(), "other.json", &other), &[]);
    assert_fails(&out, code, "proof", "is not DataIntegrityProof");

    let mut purpose = c.clone();
    purpose["proof"][0]["proofPurpose"] = json!("authentication");
    let (code, out) = verify(&write(dir.path(), "purpose.json", &purpose), &[]);
    assert_fails(&out, code, "proof", "not assertionMethod");

    let mut suite = c;
    suite["proof"][0]["cryptosuite"] = json!("ecdsa-rdfc-2019");
    let (code, out) = verify(&write(dir.path(), "suite.json", &suite), &[]);
    assert_fails(&out, code, "proof", "is not supported");
}

#[test]
fn a_status_moved_under_its_iri_is_refused_and_the_revocation_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let list = vectors().join("status-list.json");
    let list = list.to_str().unwrap();
    let revoked = signed(proof::Suite::Rdfc);
    // Untouched, the credential is revoked.
    let (code, out) = verify(
        &write(dir.path(), "revoked.json", &revoked),
        &["--status-list", list],
    );
    assert_fails(&out, code, "status", "REVOKED");

    let mut moved = revoked.clone();
    let entry = moved
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    moved["https://www.w3.org/2018/credentials#credentialStatus"] = entry;
    let (code, out) = verify(
        &write(dir.path(), "moved.json", &moved),
        &["--status-list", list],
    );
    assert_fails(&out, code, "shape", "is an IRI");
}

#[test]
fn an_expiry_wrapped_in_value_under_its_iri_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut unsigned = unsigned_revoked();
    unsigned["validUntil"] = json!("2020-01-01T00:00:00Z");
    unsigned.as_object_mut().unwrap().remove("credentialStatus");
    let key = issuer_key();
    let expired = sign(
        &unsigned,
        &key,
        &keys::did_key_method(&key.verifying_key()),
        proof::Suite::Rdfc,
    );
    let (code, out) = verify(&write(dir.path(), "expired.json", &expired), &[]);
    assert_fails(&out, code, "dates", "expired");

    let mut wrapped = expired.clone();
    wrapped.as_object_mut().unwrap().remove("validUntil");
    wrapped["https://www.w3.org/2018/credentials#validUntil"] = json!({
        "@value": "2020-01-01T00:00:00Z",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime"
    });
    let (code, out) = verify(&write(dir.path(), "wrapped.json", &wrapped), &[]);
    assert_fails(&out, code, "shape", "is an IRI");
}

#[test]
fn json_ld_keywords_and_foreign_contexts_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let c = signed(proof::Suite::Rdfc);
    let mut comment = c.clone();
    comment["credentialSubject"]["@comment"] = json!("not signed");
    let (code, out) = verify(&write(dir.path(), "comment.json", &comment), &[]);
    assert_fails(&out, code, "shape", "/credentialSubject/@comment");

    let mut at_type = c.clone();
    let t = at_type.as_object_mut().unwrap().remove("type").unwrap();
    at_type["@type"] = t;
    let (code, out) = verify(&write(dir.path(), "type.json", &at_type), &[]);
    assert_fails(&out, code, "shape", "write `type`");

    let mut ctx = c.clone();
    ctx["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"validUntil": "https://example.org/nothing"}));
    let (code, out) = verify(&write(dir.path(), "ctx.json", &ctx), &[]);
    assert_fails(&out, code, "shape", "inline context");

    let mut foreign = c;
    foreign["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://evil.example/context.json"));
    let (code, out) = verify(&write(dir.path(), "foreign.json", &foreign), &[]);
    assert_fails(&out, code, "shape", "is not one Merit accepts");
}

/// An https issuer whose verification method carries the attacker's key in its fragment.
fn fragment_forgery() -> Value {
    let attacker = SigningKey::from_bytes(&[7u8; 32]);
    let mb = keys::public_key_multibase(&attacker.verifying_key());
    let mut unsigned = unsigned_revoked();
    unsigned.as_object_mut().unwrap().remove("credentialStatus");
    unsigned["issuer"]["id"] = json!("https://merit.example.org");
    sign(
        &unsigned,
        &attacker,
        &format!("https://merit.example.org#{mb}"),
        proof::Suite::Rdfc,
    )
}

#[test]
fn a_key_in_any_issuers_fragment_is_not_trusted_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "forged.json", &fragment_forgery());
    let (code, out) = verify(&f, &[]);
    assert_fails(&out, code, "proof", "--fragment-keys");
    assert!(!out.contains("signed it"), "{out}");

    // Asked for explicitly, it verifies, and a warning says the key was not dereferenced.
    let (code, out) = verify(&f, &["--fragment-keys"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("not dereferenced"), "{out}");
}

#[test]
fn a_key_document_must_be_controlled_by_the_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let forged = fragment_forgery();
    let method = forged["proof"][0]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_string();
    let mb = method.split_once('#').unwrap().1.to_string();
    let f = write(dir.path(), "forged.json", &forged);
    // The attacker's own key document, controlled by the attacker: the issuer check fails.
    let theirs = write(
        dir.path(),
        "theirs.json",
        &json!({"id": method, "type": "Multikey", "controller": "https://attacker.example",
                "publicKeyMultibase": mb}),
    );
    let (code, out) = verify(&f, &["--key-doc", theirs.to_str().unwrap()]);
    assert_fails(&out, code, "issuer", "signed by https://attacker.example");
    // A document that says the issuer controls it (the issuer's published key) verifies.
    let issuers = write(
        dir.path(),
        "issuers.json",
        &json!({"id": "https://merit.example.org", "verificationMethod": [{"id": method,
                "type": "Multikey", "controller": "https://merit.example.org",
                "publicKeyMultibase": mb}], "assertionMethod": [method]}),
    );
    let (code, out) = verify(&f, &["--key-doc", issuers.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(check_line(&out, "proof").contains("key document"), "{out}");
}

/// A status list signed by the issuer with `edit` applied before signing.
fn list_with(dir: &Path, edit: impl Fn(&mut Value)) -> PathBuf {
    let mut list = read(vectors().join("status-list.json"));
    list.as_object_mut().unwrap().remove("proof");
    edit(&mut list);
    let key = issuer_key();
    let signed = sign(
        &list,
        &key,
        &keys::did_key_method(&key.verifying_key()),
        proof::Suite::Rdfc,
    );
    write(dir, "list.json", &signed)
}

#[test]
fn a_status_list_that_does_not_verify_fails_the_status_check() {
    let dir = tempfile::tempdir().unwrap();
    let active = write(
        dir.path(),
        "active.json",
        &read(vectors().join("status-active-rdfc.json")),
    );
    let shared = vectors().join("status-list.json");
    let (code, out) = verify(&active, &["--status-list", shared.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(check_line(&out, "status").contains("not revoked"), "{out}");

    // The shared list with its proof emptied: unknown status, a failure, not "not revoked".
    let mut unsigned = read(shared.clone());
    unsigned["proof"] = json!([]);
    let empty = write(dir.path(), "empty.json", &unsigned);
    let (code, out) = verify(&active, &["--status-list", empty.to_str().unwrap()]);
    assert_fails(&out, code, "status", "does not verify");

    // A list for another purpose, or not a status list at all.
    let suspension = list_with(dir.path(), |l| {
        l["credentialSubject"]["statusPurpose"] = json!("suspension")
    });
    let (code, out) = verify(&active, &["--status-list", suspension.to_str().unwrap()]);
    assert_fails(&out, code, "status", "purpose is `revocation`");
    let not_a_list = list_with(dir.path(), |l| {
        l["type"] = json!(["VerifiableCredential"]);
    });
    let (code, out) = verify(&active, &["--status-list", not_a_list.to_str().unwrap()]);
    assert_fails(
        &out,
        code,
        "status",
        "is not a BitstringStatusListCredential",
    );
}

#[test]
fn an_empty_status_list_is_checked_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = signed(proof::Suite::Rdfc);
    c["credentialStatus"] = json!([]);
    let ok = write(dir.path(), "ok.json", &signed(proof::Suite::Rdfc));
    let bad = write(dir.path(), "bad.json", &c);
    let o = common::merit()
        .args(["verify", "--json"])
        .arg(&bad)
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let lines: Vec<Value> = common::stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Both files were checked: the batch goes on after the hostile one.
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[1]["ok"], true);
    let proof = &lines[0]["checks"][1];
    assert_eq!(proof["name"], "proof");
    assert_eq!(proof["result"], "failed");
}

#[test]
fn dates_with_an_rfc3339_offset_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut unsigned = unsigned_revoked();
    unsigned["validFrom"] = json!("2022-11-10T07:38:00-08:00");
    unsigned["validUntil"] = json!("2099-11-10T07:38:00+05:30");
    unsigned.as_object_mut().unwrap().remove("credentialStatus");
    let key = issuer_key();
    let c = sign(
        &unsigned,
        &key,
        &keys::did_key_method(&key.verifying_key()),
        proof::Suite::Rdfc,
    );
    let (code, out) = verify(&write(dir.path(), "c.json", &c), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        check_line(&out, "dates").contains("2022-11-10T07:38:00-08:00"),
        "{out}"
    );
}

/// A workspace's status indexes run past the first list: the entries name the next list, and
/// a revocation there is found in it.
#[test]
fn status_lists_beyond_the_first_are_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let key = issuer_key();
    let did = keys::did_key(&key.verifying_key());
    let issuer = Issuer {
        did: did.clone(),
        verification_method: keys::did_key_method(&key.verifying_key()),
        name: "Test issuer".into(),
        url: "https://issuer.example".into(),
        email: None,
        embed_images: false,
    };
    let per = status::MIN_ENTRIES as u64;
    let index = per + 5;
    assert_eq!(status::locate(index), (1, 5));
    assert_eq!(
        status::list_url(&issuer, 1),
        "https://issuer.example/status/revocation-2"
    );
    let lists = status::credentials(
        &issuer,
        &key,
        &[3, index],
        index + 1,
        "2025-01-15T09:31:00Z",
        proof::Suite::Rdfc,
    )
    .unwrap();
    assert_eq!(lists.len(), 2);
    // Three quarters into a list, the next is made ahead of need.
    assert_eq!(status::lists_needed(per * 3 / 4 + 2), 2);
    assert_eq!(status::lists_needed(per), 2);
    let mut unsigned = unsigned_revoked();
    unsigned["issuer"]["id"] = json!(did);
    unsigned["credentialStatus"] = json!({
        "id": format!("{}#5", status::list_url(&issuer, 1)),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": status::list_url(&issuer, 1),
    });
    let c = sign(
        &unsigned,
        &key,
        &issuer.verification_method,
        proof::Suite::Rdfc,
    );
    let f = write(dir.path(), "c.json", &c);
    let l0 = write(dir.path(), "l0.json", &lists[0]);
    let l1 = write(dir.path(), "l1.json", &lists[1]);
    let (code, out) = verify(
        &f,
        &[
            "--status-list",
            l0.to_str().unwrap(),
            "--status-list",
            l1.to_str().unwrap(),
        ],
    );
    assert_fails(
        &out,
        code,
        "status",
        "REVOKED (revocation: entry 5 of https://issuer.example/status/revocation-2",
    );
    // With only the first list at hand, the status is not checked (and not passed).
    let (code, out) = verify(&f, &["--status-list", l0.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(check_line(&out, "status").contains("not checked"), "{out}");
}
