//! The early check the learner-record work needs (issue #16, item 3): a CLR 2.0
//! `ClrCredential` that embeds a signed OB 3.0 credential is signed and verified with
//! eddsa-rdfc-2022 by the vendored JSON-LD crates, offline, and tampering with the embedded
//! credential breaks the CLR's proof. The CLR context is bundled (contexts/), from
//! ../shared/clr2 (1EdTech's validator's copy).

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use merit::credential::{contexts, proof};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ob3/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn key() -> SigningKey {
    let hex = fixture("manifest.json")["seedHex"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    SigningKey::from_bytes(&bytes.try_into().unwrap())
}

fn clr(embedded: Value) -> Value {
    let issuer = embedded["issuer"].clone();
    json!({
        "@context": [contexts::CREDENTIALS_V2, contexts::CLR_V2P0, contexts::OB_V3P0],
        "id": "urn:uuid:5b1e6bd5-7c1f-4f0e-9d5a-0a3c1e2f4b6d",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": "Learner record",
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": "sha256$0000",
                "identityType": "emailAddress",
                "hashed": true,
                "salt": "s"
            }],
            "verifiableCredential": [embedded]
        }
    })
}

#[test]
fn a_clr_embedding_a_signed_credential_signs_and_verifies_with_rdfc() {
    let manifest = fixture("manifest.json");
    let method = manifest["verificationMethod"].as_str().unwrap();
    let embedded = fixture("minimal-rdfc.json");
    let signed = proof::sign(
        &clr(embedded.clone()),
        &key(),
        method,
        "2026-01-01T00:00:00Z",
        proof::Suite::Rdfc,
    )
    .expect("RDFC signing of a CLR");
    let proofs = proof::proofs(&signed).unwrap();
    assert_eq!(proofs.len(), 1);
    let vk = key().verifying_key();
    proof::verify(&signed, &proofs[0], &vk).expect("the CLR's proof verifies");
    // The embedded credential is in what the CLR's proof covers.
    let mut tampered = signed.clone();
    tampered["credentialSubject"]["verifiableCredential"][0]["name"] = json!("Forged");
    assert!(
        proof::verify(&tampered, &proofs[0], &vk).is_err(),
        "a change inside the embedded credential left the CLR's proof valid"
    );
    // In a ClrSubject the CLR 2.0.1 context defines `verifiableCredential` itself, as a
    // `@set` of nodes (VC 2.0 declares it a `@graph` only inside a VerifiablePresentation):
    // the embedded credential's statements join the CLR's default graph, linked from the
    // subject, and only its own proof is a named graph.
    let mut unsigned = signed.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let canonical = merit::credential::canon::rdfc(&unsigned).unwrap();
    assert!(
        canonical.lines().any(|l| l.ends_with(
            "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#verifiableCredential> \
             <urn:uuid:00000000-0000-4000-8000-000000000002> ."
        )),
        "{canonical}"
    );
    // And it still verifies on its own, as the CLR validator re-checks it.
    let inner = &signed["credentialSubject"]["verifiableCredential"][0];
    for p in proof::proofs(inner).unwrap() {
        let k = merit::credential::keys::resolve_did_key(&p.method).unwrap();
        proof::verify(inner, &p, &k).expect("the embedded credential verifies on its own");
    }
}

/// A record may gather credentials of other issuers (CLR 2.0 allows aggregators): it verifies
/// when its own proof and each credential do, and says whose each credential is, so an
/// employer never takes the record's issuer for the credentials'.
#[test]
fn a_record_from_another_issuer_names_each_credentials_issuer() {
    let other = SigningKey::from_bytes(&[7u8; 32]);
    let did = merit::credential::keys::did_key(&other.verifying_key());
    let method = merit::credential::keys::did_key_method(&other.verifying_key());
    let issuer = merit::credential::build::Issuer {
        did: did.clone(),
        verification_method: method.clone(),
        name: "An Aggregator".into(),
        url: "https://aggregator.example/".into(),
        email: None,
        embed_images: false,
    };
    let embedded = fixture("full-rdfc.json");
    let original_issuer = embedded["issuer"]["id"].as_str().unwrap().to_string();
    let record = merit::credential::clr::build(&merit::credential::clr::RecordInput {
        credential_id: "urn:uuid:5b1e6bd5-7c1f-4f0e-9d5a-0a3c1e2f4b6e",
        issuer: &issuer,
        learner_name: "L",
        learner_email: None,
        salt: "00",
        credentials: std::slice::from_ref(&embedded),
        programs: &[],
        partial: false,
        issued_at: "2026-01-01T00:00:00Z",
    });
    let signed = proof::sign_owned(
        record,
        &other,
        &method,
        "2026-01-01T00:00:00Z",
        proof::Suite::Rdfc,
    )
    .unwrap();
    let opts = merit::credential::verify::Options {
        now: Some(merit::credential::dates::parse("2026-06-01T00:00:00Z").unwrap()),
        ..Default::default()
    };
    let report = merit::credential::verify::verify(&signed, &opts);
    assert!(report.ok, "{:?}", report.failures());
    assert_eq!(report.issuer.as_deref(), Some(did.as_str()));
    let embedded_check = report.checks.iter().find(|c| c.name == "embedded").unwrap();
    assert!(
        embedded_check
            .detail
            .contains(&format!("issued by {original_issuer}")),
        "{}",
        embedded_check.detail
    );
    // Claiming to be the credentials' issuer while signing with another key fails.
    let mut forged = signed.clone();
    forged["issuer"]["id"] = Value::from(original_issuer);
    assert!(!merit::credential::verify::verify(&forged, &opts).ok);
}
