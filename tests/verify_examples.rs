//! The 1EdTech validator's own Open Badges 3.0 test inputs (tests/fixtures/ob3/examples/
//! 1edtech-validator-tests), through `merit verify`, with the outcomes the validator gives them
//! (tests/fixtures/ob3/README.md lists them) and the check that decides each.
//!
//! Most name an https issuer whose key is only the `#z6Mk…` fragment of the verification
//! method, which the validator decodes without dereferencing: the test opts into that with
//! `--fragment-keys`, and shows that without it nothing of the kind verifies.
//!
//! Three outcomes differ from the validator's on purpose, each for a rule of Merit's trust
//! model: `simple-did-key-method.json` is signed by a did:key while its issuer is a
//! `urn:uuid:` (the key's controller must be the issuer), and `simple-eddsa-2022.json` and
//! `simple-noproof.json` use the VC 1.1 context, outside the allow-list (the latter has no
//! proof either).

mod common;

use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    common::repo()
        .join("tests/fixtures/ob3/examples/1edtech-validator-tests")
        .join(name)
}

fn verify(name: &str, extra: &[&str]) -> (i32, String) {
    let o = common::merit()
        .arg("verify")
        .arg(example(name))
        .args(extra)
        .output()
        .expect("merit runs");
    (o.status.code().unwrap_or(-1), common::stdout(&o))
}

fn line<'a>(out: &'a str, check: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no {check} line in\n{out}"))
}

/// (file, valid?, the check that decides it, what its line says)
const OUTCOMES: &[(&str, bool, &str, &str)] = &[
    ("simple.json", true, "proof", "key from URL fragment"),
    ("simple-json.png", true, "proof", "signature valid"),
    ("simple-json.svg", true, "proof", "signature valid"),
    (
        "simple-did-web-method.json",
        true,
        "schema",
        "passes the OB 3.0 AchievementCredential schema",
    ),
    ("endorsement-valid.json", true, "issuer", "signed it"),
    ("simple-multiple-proofs.json", false, "proof", "2 proofs"),
    ("complete.json", false, "shape", "/endorsement/0/@context"),
    (
        "simple-err-proof-value.json",
        false,
        "proof",
        "the signature does not match",
    ),
    ("simple-err-expired.json", false, "dates", "expired"),
    // Merit's rules, not the validator's outcome (see the top of this file).
    (
        "simple-did-key-method.json",
        false,
        "issuer",
        "signed by did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi, but the issuer is urn:uuid:",
    ),
    (
        "simple-eddsa-2022.json",
        false,
        "shape",
        "https://www.w3.org/2018/credentials/v1 is not one Merit accepts",
    ),
    (
        "simple-noproof.json",
        false,
        "shape",
        "https://www.w3.org/2018/credentials/v1 is not one Merit accepts",
    ),
];

#[test]
fn every_validator_example_gets_its_outcome_for_the_right_reason() {
    for (file, valid, check, says) in OUTCOMES {
        let (code, out) = verify(file, &["--fragment-keys"]);
        assert_eq!(code, if *valid { 0 } else { 1 }, "{file}:\n{out}");
        let l = line(&out, check);
        assert!(l.contains(if *valid { '✓' } else { '✗' }), "{file}:\n{out}");
        assert!(l.contains(says), "{file}: `{says}` not in\n{out}");
    }
}

#[test]
fn the_did_key_example_dates_with_an_offset_pass() {
    let (_, out) = verify("simple-did-key-method.json", &[]);
    assert!(
        line(&out, "dates").contains("✓ dates   valid from 2022-11-10T07:38:00-08:00"),
        "{out}"
    );
}

#[test]
fn the_did_web_example_warns_it_is_not_in_the_strict_schema() {
    let (_, out) = verify("simple-did-web-method.json", &["--fragment-keys"]);
    assert!(out.contains("not in the stricter 2024 form"), "{out}");
}

#[test]
fn without_the_flag_no_fragment_key_is_trusted() {
    for (file, valid, _, _) in OUTCOMES.iter().filter(|o| o.1) {
        let (code, out) = verify(file, &[]);
        assert_eq!(
            code, 1,
            "{file} (valid: {valid}) verified without --fragment-keys:\n{out}"
        );
        assert!(
            line(&out, "proof").contains("--fragment-keys"),
            "{file}:\n{out}"
        );
    }
}

fn clr_example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/clr2")
        .join(name)
}

/// 1EdTech's CLR 2.0 examples: the one their validator asserts valid verifies (its keys are
/// only in URL fragments, so with --fragment-keys, and a warning says what that proves), its
/// embedded credential too; the two written with VC 1.1 contexts are refused for that,
/// naming the context.
#[test]
fn the_clr_validator_examples_get_their_outcome() {
    let run = |name: &str, extra: &[&str]| {
        let o = common::merit()
            .arg("verify")
            .arg(clr_example(name))
            .args(extra)
            .output()
            .unwrap();
        (o.status.code(), common::stdout(&o))
    };
    let (code, out) = run("simple.json", &["--fragment-keys"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("simple.json: VALID"), "{out}");
    assert!(
        out.contains("passes the CLR 2.0 ClrCredential schema"),
        "{out}"
    );
    assert!(
        out.contains("✓ embedded credential 1 (http://example.com/credentials/3527, Teamwork)"),
        "{out}"
    );
    let (code, out) = run("simple.json", &[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("only written in its URL's fragment"), "{out}");
    for name in ["complex.json", "simple-noproof.json"] {
        let (code, out) = run(name, &["--fragment-keys"]);
        assert_eq!(code, Some(1), "{out}");
        assert!(
            out.contains(
                "the context https://www.w3.org/2018/credentials/v1 is not one Merit accepts"
            ),
            "{out}"
        );
    }
}
