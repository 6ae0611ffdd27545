//! Property test of the verifier, in-process: signed credentials of both suites are mutated at
//! random places. Mutations that keep the meaning and the plain form (the order of keys, white
//! space) stay VALID; every other one (a key renamed to an IRI, a value wrapped in `@value`,
//! an added JSON-LD keyword or foreign context, an array emptied or an item repeated, a field
//! removed, a value changed) must fail, and nothing may panic.
//!
//! 2,000 cases per suite. The seed is printed; rerun one with `MERIT_PROPTEST_SEED=N`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use merit::credential::verify;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// Cases per suite; `MERIT_PROPTEST_CASES` runs more.
fn cases() -> u32 {
    std::env::var("MERIT_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

fn vector(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ob3/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("JSON")
}

fn options() -> verify::Options<'static> {
    verify::Options {
        // A fixed "now" inside every vector's validity.
        now: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000)),
        ..Default::default()
    }
}

/// Where a mutation applies: a path of object keys and array indexes.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path to a value in `v` (not the root).
fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                here.push(Step::Key(k.clone()));
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(Step::Index(i));
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in path {
        cur = match s {
            Step::Key(k) => cur.get_mut(k)?,
            Step::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    RenameToIri,
    WrapInValue,
    AddKeyword,
    AddContext,
    EmptyArray,
    RepeatItem,
    Remove,
    Change,
}

const MUTATIONS: [Mutation; 8] = [
    Mutation::RenameToIri,
    Mutation::WrapInValue,
    Mutation::AddKeyword,
    Mutation::AddContext,
    Mutation::EmptyArray,
    Mutation::RepeatItem,
    Mutation::Remove,
    Mutation::Change,
];

fn changed(v: &Value, pick: u64) -> Value {
    match v {
        Value::String(s) => Value::String(match pick % 3 {
            0 => format!("{s}x"),
            1 => s.chars().skip(1).collect(),
            _ => s.to_uppercase() + "Z",
        }),
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + 1.0),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => json!("x"),
        Value::Array(a) if !a.is_empty() => {
            let mut a = a.clone();
            a[0] = changed(&a[0], pick);
            Value::Array(a)
        }
        Value::Array(_) => json!(["x"]),
        Value::Object(o) => {
            // A changed value inside, else a new one.
            let mut o = o.clone();
            let key = o.keys().nth((pick as usize) % o.len().max(1)).cloned();
            match key {
                Some(k) => {
                    let v = changed(&o[&k], pick / 3);
                    o.insert(k, v);
                }
                None => {
                    o.insert("name".into(), json!("x"));
                }
            }
            Value::Object(o)
        }
    }
}

/// Applies `m` at `path`; false when it does not apply there (then the case is skipped).
fn mutate(doc: &mut Value, path: &[Step], m: Mutation, pick: u64) -> bool {
    let Some((last, parent_path)) = path.split_last() else {
        return false;
    };
    match m {
        Mutation::AddContext => {
            let extra = match pick % 4 {
                0 => json!("https://evil.example/context.json"),
                1 => json!({"validUntil": "https://example.org/nothing"}),
                2 => json!("https://www.w3.org/2018/credentials/v1"),
                _ => json!("https://www.w3.org/ns/credentials/v2"),
            };
            match doc.get_mut("@context") {
                Some(Value::Array(a)) => a.push(extra),
                _ => return false,
            }
            return true;
        }
        Mutation::AddKeyword => {
            let Some(Value::Object(o)) = at(doc, path) else {
                return false;
            };
            let kw = [
                "@comment", "@id", "@type", "@vocab", "@base", "@context", "@graph",
            ][(pick % 7) as usize];
            o.insert(kw.into(), json!("https://example.org/x"));
            return true;
        }
        _ => {}
    }
    let Some(parent) = at(doc, parent_path) else {
        return false;
    };
    match (m, last, parent) {
        (Mutation::RenameToIri, Step::Key(k), Value::Object(o)) => {
            let Some(v) = o.remove(k) else { return false };
            let iri = if pick.is_multiple_of(2) {
                format!("https://www.w3.org/2018/credentials#{k}")
            } else {
                format!("cred:{k}")
            };
            o.insert(iri, v);
            true
        }
        (Mutation::WrapInValue, Step::Key(k), Value::Object(o)) => {
            let Some(v) = o.get_mut(k) else { return false };
            *v = json!({"@value": v.clone()});
            true
        }
        (Mutation::EmptyArray, Step::Key(k), Value::Object(o)) => match o.get_mut(k) {
            Some(Value::Array(a)) if !a.is_empty() => {
                a.clear();
                true
            }
            _ => false,
        },
        (Mutation::RepeatItem, Step::Key(k), Value::Object(o)) => match o.get_mut(k) {
            Some(Value::Array(a)) if !a.is_empty() => {
                let item = a[(pick as usize) % a.len()].clone();
                a.push(item);
                true
            }
            _ => false,
        },
        (Mutation::Remove, Step::Key(k), Value::Object(o)) => o.remove(k).is_some(),
        (Mutation::Remove, Step::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        (Mutation::Change, Step::Key(k), Value::Object(o)) => match o.get_mut(k) {
            Some(v) => {
                let new = changed(v, pick);
                let differs = new != *v;
                *v = new;
                differs
            }
            None => false,
        },
        (Mutation::Change, Step::Index(i), Value::Array(a)) if *i < a.len() => {
            let new = changed(&a[*i], pick);
            let differs = new != a[*i];
            a[*i] = new;
            differs
        }
        _ => false,
    }
}

fn next(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

/// `v` as JSON text with its keys in a shuffled order and random white space: the same
/// credential, written differently.
fn rewrite(v: &Value, rng: &mut u64, out: &mut String) {
    let space = |n: u64| [" ", "", "\n  ", "\t"][(n % 4) as usize];
    match v {
        Value::Object(o) => {
            let mut entries: Vec<(&String, &Value)> = o.iter().collect();
            for i in (1..entries.len()).rev() {
                let j = (next(rng) as usize) % (i + 1);
                entries.swap(i, j);
            }
            out.push('{');
            for (n, (k, child)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(space(next(rng)));
                out.push_str(&serde_json::to_string(k).expect("key"));
                out.push_str(space(next(rng)));
                out.push(':');
                rewrite(child, rng, out);
            }
            out.push_str(space(next(rng)));
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (n, child) in a.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(space(next(rng)));
                rewrite(child, rng, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).expect("scalar")),
    }
}

fn seed() -> u64 {
    std::env::var("MERIT_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

fn runner(seed: u64, cases: u32) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn run_suite(file: &str) {
    run_on(file, vector(file), cases(), |_, _| false);
}

/// `same(original, mutated)`: the mutation kept what is signed (such a mutated document may
/// still verify).
fn run_on(file: &str, original: Value, cases: u32, same: impl Fn(&Value, &Value) -> bool) {
    let report = verify::verify(&original, &options());
    assert!(report.ok, "{file} itself: {:?}", report.checks);
    let mut all = Vec::new();
    paths(&original, &mut Vec::new(), &mut all);
    let seed = seed();
    eprintln!("{file}: seed {seed} (rerun with MERIT_PROPTEST_SEED={seed})");
    let strategy = (0..all.len(), 0..MUTATIONS.len(), any::<u64>(), 0..8u8);
    let applied = std::sync::atomic::AtomicU32::new(0);
    let result = runner(seed, cases).run(&strategy, |(p, m, pick, keep)| {
        if keep == 0 {
            // Same meaning, other text: stays valid.
            let mut text = String::new();
            let mut rng = pick | 1;
            rewrite(&original, &mut rng, &mut text);
            let doc: Value = serde_json::from_str(&text).expect("rewritten JSON parses");
            let r = verify::verify(&doc, &options());
            prop_assert!(r.ok, "rewritten: {:?}", r.failures());
            return Ok(());
        }
        let mut doc = original.clone();
        let m = MUTATIONS[m];
        if !mutate(&mut doc, &all[p], m, pick) || doc == original {
            return Ok(());
        }
        applied.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let r = verify::verify(&doc, &options());
        prop_assert!(
            !r.ok || same(&original, &doc),
            "{m:?} at {:?} (seed {seed}) still verifies: {}",
            all[p],
            serde_json::to_string(&doc).unwrap_or_default()
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{file}, seed {seed}: {e}");
    }
    // Not a vacuous run: most mutations found a place to apply.
    let applied = applied.into_inner();
    assert!(applied > cases / 2, "only {applied} mutations applied");
    eprintln!("{file}: {applied} mutations applied, all refused");
}

#[test]
fn mutations_of_an_rdfc_credential_fail_and_rewritings_pass() {
    run_suite("full-rdfc.json");
}

#[test]
fn mutations_of_a_jcs_credential_fail_and_rewritings_pass() {
    run_suite("full-jcs.json");
}

/// A CLR 2.0 learner record embedding both vectors, signed with the vectors' key.
fn record() -> Value {
    let manifest = vector("manifest.json");
    let seed = manifest["seedHex"].as_str().expect("seed");
    let bytes: Vec<u8> = (0..seed.len() / 2)
        .map(|i| u8::from_str_radix(&seed[i * 2..i * 2 + 2], 16).expect("hex"))
        .collect();
    let key = ed25519_dalek::SigningKey::from_bytes(&bytes.try_into().expect("32 bytes"));
    let issuer = merit::credential::build::Issuer {
        did: manifest["issuer"].as_str().expect("did").into(),
        verification_method: manifest["verificationMethod"]
            .as_str()
            .expect("method")
            .into(),
        name: "Example Assessment Centre".into(),
        url: "https://assessor.example/".into(),
        email: None,
        embed_images: false,
    };
    let credentials = [vector("full-rdfc.json"), vector("full-jcs.json")];
    let achievement = |c: &Value| c["credentialSubject"]["achievement"]["id"].clone();
    let programs = [(
        achievement(&credentials[0])
            .as_str()
            .expect("id")
            .to_string(),
        vec![
            achievement(&credentials[1])
                .as_str()
                .expect("id")
                .to_string(),
        ],
    )];
    let doc = merit::credential::clr::build(&merit::credential::clr::RecordInput {
        credential_id: "urn:uuid:5b1e6bd5-7c1f-4f0e-9d5a-0a3c1e2f4b6d",
        issuer: &issuer,
        learner_name: "A Learner",
        learner_email: Some("learner@example.org"),
        salt: "00112233445566778899aabbccddeeff",
        credentials: &credentials,
        programs: &programs,
        partial: false,
        issued_at: "2026-01-01T00:00:00Z",
    });
    merit::credential::proof::sign_owned(
        doc,
        &key,
        &issuer.verification_method,
        "2026-01-01T00:00:00Z",
        merit::credential::proof::Suite::Rdfc,
    )
    .expect("the record signs")
}

/// The same for a learner record: a change anywhere, in the record or in a credential it
/// embeds, is refused unless what every proof signed is the same (a quarter of the cases:
/// each verifies three proofs).
/// RDF merges nodes by id: the record's issuer and its credentials' issuer are one node, so
/// removing a statement from the record's issuer that a credential in it also makes leaves
/// what the record's proof signed unchanged. Such a mutation may verify, and only then: the
/// signed statements are the same, and so is every embedded credential.
fn same_signed_record(original: &Value, mutated: &Value) -> bool {
    let unsigned = |d: &Value| {
        let mut d = d.clone();
        if let Some(o) = d.as_object_mut() {
            o.remove("proof");
        }
        merit::credential::canon::rdfc(&d).ok()
    };
    let embedded = |d: &Value| d["credentialSubject"]["verifiableCredential"].clone();
    embedded(original) == embedded(mutated)
        && original["proof"] == mutated["proof"]
        && unsigned(original).is_some()
        && unsigned(original) == unsigned(mutated)
}

#[test]
fn mutations_of_a_learner_record_fail_and_rewritings_pass() {
    run_on(
        "a learner record",
        record(),
        cases() / 4,
        same_signed_record,
    );
}
