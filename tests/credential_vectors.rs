//! Proofs against published material in tests/fixtures/ob3: the reference vectors signed by
//! digitalbazaar's libraries and the Open Badges spec's own eddsa-rdfc-2022 test vector must be
//! reproduced byte for byte, and every vector must verify or fail as its manifest says.

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use merit::credential::{canon, keys, proof};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn ob3() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3");
    assert!(
        p.is_dir(),
        "the Open Badges reference data is expected at {}",
        p.display()
    );
    p
}

fn json(path: PathBuf) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

fn seed_key(hex: &str) -> SigningKey {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    SigningKey::from_bytes(&bytes.try_into().unwrap())
}

#[test]
fn the_reference_vectors_are_reproduced_byte_for_byte() {
    let manifest = json(ob3().join("vectors/manifest.json"));
    let key = seed_key(manifest["seedHex"].as_str().unwrap());
    assert_eq!(
        keys::did_key(&key.verifying_key()),
        manifest["issuer"].as_str().unwrap()
    );
    assert_eq!(
        keys::did_key_method(&key.verifying_key()),
        manifest["verificationMethod"].as_str().unwrap()
    );
    let created = manifest["created"].as_str().unwrap();
    let method = manifest["verificationMethod"].as_str().unwrap();
    for (name, suite) in [
        ("minimal-rdfc", proof::Suite::Rdfc),
        ("full-rdfc", proof::Suite::Rdfc),
        ("minimal-jcs", proof::Suite::Jcs),
        ("full-jcs", proof::Suite::Jcs),
    ] {
        let unsigned = json(ob3().join(format!("vectors/{name}.unsigned.json")));
        let published = json(ob3().join(format!("vectors/{name}.json")));
        let signed = proof::sign(&unsigned, &key, method, created, suite).unwrap();
        assert_eq!(
            signed["proof"], published["proof"],
            "{name}: the proof differs"
        );
    }
}

#[test]
fn the_spec_test_vector_is_reproduced() {
    let dir = ob3().join("examples/spec-test-vector");
    let tv = json(dir.join("test-vector.json"));
    let unsigned = json(dir.join("credential-unsigned.json"));
    let expected = &tv["expected"];
    let doc_canon = canon::rdfc(&unsigned).unwrap();
    assert_eq!(
        doc_canon,
        std::fs::read_to_string(dir.join("document-canon.txt")).unwrap()
    );
    assert_eq!(
        format!("{:x}", Sha256::digest(doc_canon.as_bytes())),
        expected["documentHashHex"].as_str().unwrap()
    );
    let key = seed_key(tv["seedHex"].as_str().unwrap());
    let config = &tv["proofConfig"];
    let signed = proof::sign(
        &unsigned,
        &key,
        config["verificationMethod"].as_str().unwrap(),
        config["created"].as_str().unwrap(),
        proof::Suite::Rdfc,
    )
    .unwrap();
    assert_eq!(signed["proof"][0]["proofValue"], expected["proofValue"]);
    let published = json(dir.join("credential-signed-eddsa-rdfc-2022.json"));
    assert_eq!(signed["proof"][0], published["proof"]);
}

/// Verifies the signatures of a vector file with its did:key.
fn verify_signature(v: &Value) -> anyhow::Result<()> {
    for p in proof::proofs(v)? {
        let key = keys::resolve_did_key(&p.method)?;
        proof::verify(v, &p, &key)?;
    }
    Ok(())
}

#[test]
fn every_vector_signature_verifies_or_fails_as_the_manifest_says() {
    let manifest = json(ob3().join("vectors/manifest.json"));
    let mut checked = 0;
    for f in manifest["files"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        if !file.ends_with(".json") {
            continue; // baked badges come with the baking support
        }
        let v = json(ob3().join("vectors").join(file));
        let result = verify_signature(&v);
        // The revoked vector's signature is valid; it fails on its status, checked elsewhere.
        let signature_should_pass = f["expect"] == "pass" || file.starts_with("status-revoked");
        assert_eq!(
            result.is_ok(),
            signature_should_pass,
            "{file}: {result:?} ({})",
            f["why"]
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

#[test]
fn tampering_is_named() {
    let v = json(ob3().join("vectors/minimal-rdfc.tampered.json"));
    let err = verify_signature(&v).unwrap_err().to_string();
    assert!(err.contains("the signature does not match"), "{err}");
    let mut v = json(ob3().join("vectors/minimal-jcs.json"));
    v.as_object_mut().unwrap().remove("proof");
    assert!(
        verify_signature(&v)
            .unwrap_err()
            .to_string()
            .contains("no proof")
    );
    let mut v = json(ob3().join("vectors/minimal-rdfc.json"));
    v["@context"][1] = Value::String("https://evil.example/context.json".into());
    let err = verify_signature(&v).unwrap_err().to_string();
    assert!(
        err.contains("unknown JSON-LD context https://evil.example/context.json"),
        "{err}"
    );
}

/// The secret appears in `text` in no encoding: not as hex, base58 or any base64, and no
/// string of the file decodes (as base64 or hex) to bytes that contain it.
fn assert_secret_not_in(text: &str, secret: &[u8; 32]) {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let mut encodings = vec![
        hex.clone(),
        hex.to_uppercase(),
        bs58::encode(secret).into_string(),
    ];
    for e in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        encodings.push(e.encode(secret));
    }
    for enc in &encodings {
        assert!(
            !text.contains(enc.as_str()),
            "the secret is in the key file as {enc}"
        );
    }
    let file: Value = serde_json::from_str(text).unwrap();
    let mut decoded_any = 0;
    for v in file.as_object().unwrap().values() {
        let Some(s) = v.as_str() else { continue };
        for e in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            if let Ok(bytes) = e.decode(s) {
                decoded_any += 1;
                assert!(
                    !bytes.windows(32).any(|w| w == secret),
                    "a field of the key file decodes to the secret"
                );
            }
        }
    }
    // The ciphertext, salt and nonce were looked into.
    assert!(
        decoded_any >= 3,
        "the key file has no encoded fields to check"
    );
}

#[test]
fn the_secret_check_finds_a_key_stored_in_the_clear() {
    use base64::Engine;
    let secret = [42u8; 32];
    let clear = serde_json::json!({
        "salt": base64::engine::general_purpose::STANDARD.encode([1u8; 16]),
        "nonce": base64::engine::general_purpose::STANDARD.encode([2u8; 24]),
        "ciphertext": base64::engine::general_purpose::STANDARD.encode(secret),
    })
    .to_string();
    let caught = std::panic::catch_unwind(|| assert_secret_not_in(&clear, &secret));
    assert!(caught.is_err(), "a base64 secret went unnoticed");
}

#[test]
fn key_files_are_private_and_need_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.key");
    let key = keys::generate().unwrap();
    keys::save(&path, &key, "correct horse battery").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert_secret_not_in(&text, &key.to_bytes());
    let back = keys::load(&path, "correct horse battery").unwrap();
    assert_eq!(back.to_bytes(), key.to_bytes());
    let err = keys::load(&path, "wrong horse battery")
        .unwrap_err()
        .to_string();
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(keys::public_key(&path).unwrap(), key.verifying_key());
    assert!(
        keys::save(&path, &key, "another passphrase").is_err(),
        "never overwrites a key"
    );
    assert!(keys::save(&dir.path().join("k2"), &key, "short").is_err());
}
