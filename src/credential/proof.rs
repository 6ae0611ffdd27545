//! Data Integrity proofs with Ed25519: `eddsa-rdfc-2022` (RDF canonicalization) and
//! `eddsa-jcs-2022` (JSON canonicalization), as specified by W3C's "Data Integrity EdDSA
//! Cryptosuites v1.0": hash the canonical proof options and the canonical document with
//! SHA-256, sign the two hashes, and write the signature as base58btc multibase.

use anyhow::{Result, anyhow, bail};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::canon;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    Rdfc,
    Jcs,
}

impl Suite {
    pub fn name(self) -> &'static str {
        match self {
            Suite::Rdfc => "eddsa-rdfc-2022",
            Suite::Jcs => "eddsa-jcs-2022",
        }
    }

    pub fn parse(s: &str) -> Option<Suite> {
        match s {
            "eddsa-rdfc-2022" => Some(Suite::Rdfc),
            "eddsa-jcs-2022" => Some(Suite::Jcs),
            _ => None,
        }
    }
}

/// SHA-256 of the canonical form of `v`. JCS text goes straight into the hash.
fn canonical_hash(suite: Suite, v: &Value) -> Result<[u8; 32]> {
    match suite {
        Suite::Rdfc => Ok(Sha256::digest(canon::rdfc(v)?.as_bytes()).into()),
        Suite::Jcs => {
            let mut hasher = Sha256::new();
            canon::jcs_into(v, &mut hasher)?;
            Ok(hasher.finalize().into())
        }
    }
}

/// SHA-256 of the canonical proof options. A batch signs many credentials with the same
/// options (same time, key and context), so the last few are remembered per thread: the
/// options' own JSON is the key, and canonicalization is a pure function of it.
fn options_hash(suite: Suite, options: &Value) -> Result<Vec<u8>> {
    use std::cell::RefCell;
    if suite == Suite::Jcs {
        // Canonical JSON of a few fields is cheaper than the lookup.
        return Ok(canonical_hash(suite, options)?.to_vec());
    }
    thread_local! {
        static RECENT: RefCell<Vec<(Suite, String, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
    }
    let key = options.to_string();
    if let Some(h) = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(s, k, _)| *s == suite && *k == key)
            .map(|(_, _, h)| h.clone())
    }) {
        return Ok(h);
    }
    let h = canonical_hash(suite, options)?.to_vec();
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() >= 8 {
            r.remove(0);
        }
        r.push((suite, key, h.clone()));
    });
    Ok(h)
}

/// The bytes signed: SHA-256 of the canonical proof options, then of the canonical document.
fn hash_data(suite: Suite, document: &Value, options: &Value) -> Result<Vec<u8>> {
    let mut out = options_hash(suite, options)?;
    out.extend(canonical_hash(suite, document)?);
    Ok(out)
}

/// Proof options for `suite`, with the document's context (as the cryptosuites require).
fn options(document: &Value, suite: Suite, method: &str, created: &str) -> Value {
    let mut o = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": suite.name(),
        "created": created,
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    });
    if let Some(ctx) = document.get("@context") {
        o["@context"] = ctx.clone();
    }
    o
}

/// Signs `document` (any proof it has is replaced) and returns it with an embedded `proof`.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    method: &str,
    created: &str,
    suite: Suite,
) -> Result<Value> {
    sign_owned(document.clone(), key, method, created, suite)
}

/// [`sign`], taking the document (no copy of it is made).
pub fn sign_owned(
    document: Value,
    key: &SigningKey,
    method: &str,
    created: &str,
    suite: Suite,
) -> Result<Value> {
    let mut unsigned = document;
    let obj = unsigned
        .as_object_mut()
        .ok_or_else(|| anyhow!("a credential is a JSON object"))?;
    obj.remove("proof");
    let opts = options(&unsigned, suite, method, created);
    let data = hash_data(suite, &unsigned, &opts)?;
    let signature = key.sign(&data);
    let mut proof = opts;
    if let Some(p) = proof.as_object_mut() {
        // eddsa-jcs-2022 keeps the context in the proof (it is part of what was signed);
        // eddsa-rdfc-2022 only borrows it for canonicalization.
        if suite == Suite::Rdfc {
            p.remove("@context");
        }
        p.insert(
            "proofValue".into(),
            Value::String(format!(
                "z{}",
                bs58::encode(signature.to_bytes()).into_string()
            )),
        );
    }
    let mut signed = unsigned;
    if let Some(o) = signed.as_object_mut() {
        // A list, as the stricter OB 3.0 schema requires (and as digitalbazaar's libraries write).
        o.insert("proof".into(), Value::Array(vec![proof]));
    }
    Ok(signed)
}

/// One embedded proof, as found in a document.
#[derive(Clone, Debug)]
pub struct FoundProof {
    pub suite: Suite,
    pub method: String,
    pub created: Option<String>,
    pub purpose: String,
    pub value: String,
    /// The proof object without `proofValue`.
    pub options: Map<String, Value>,
}

/// The keys a proof may have: those Merit signs and checks. Anything else would be read by
/// someone and signed by nobody (an eddsa-rdfc-2022 proof drops a term its contexts lack).
const PROOF_KEYS: &[&str] = &[
    "@context",
    "type",
    "cryptosuite",
    "created",
    "verificationMethod",
    "proofPurpose",
    "proofValue",
];

/// The document's proofs (a single object or an array), each of a kind Merit checks. An empty
/// list is no proof.
pub fn proofs(document: &Value) -> Result<Vec<FoundProof>> {
    let list = match document.get("proof") {
        None | Some(Value::Null) => bail!("the credential has no proof: it is not signed"),
        Some(Value::Array(a)) if a.is_empty() => {
            bail!("the credential's proof list is empty: it is not signed")
        }
        Some(Value::Array(a)) => a.clone(),
        Some(p @ Value::Object(_)) => vec![p.clone()],
        Some(_) => bail!("`proof` is neither an object nor a list"),
    };
    let mut out = Vec::new();
    for p in list {
        let Value::Object(mut o) = p else {
            bail!("a proof is not an object");
        };
        if let Some(k) = o.keys().find(|k| !PROOF_KEYS.contains(&k.as_str())) {
            bail!(
                "the proof has `{}`, which Merit does not check (it reads {})",
                crate::sanitize::line(k),
                PROOF_KEYS[1..].join(", ")
            );
        }
        let get =
            |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
        if get(&o, "type").as_deref() != Some("DataIntegrityProof") {
            bail!(
                "proof type {} is not DataIntegrityProof",
                crate::sanitize::line(&o.get("type").map(Value::to_string).unwrap_or_default())
            );
        }
        let suite_name = get(&o, "cryptosuite").unwrap_or_default();
        let suite = Suite::parse(&suite_name).ok_or_else(|| {
            anyhow!(
                "cryptosuite `{}` is not supported (eddsa-rdfc-2022, eddsa-jcs-2022 are)",
                crate::sanitize::line(&suite_name)
            )
        })?;
        let value = get(&o, "proofValue").ok_or_else(|| anyhow!("the proof has no proofValue"))?;
        o.remove("proofValue");
        out.push(FoundProof {
            suite,
            method: get(&o, "verificationMethod")
                .ok_or_else(|| anyhow!("the proof has no verificationMethod"))?,
            created: get(&o, "created"),
            purpose: get(&o, "proofPurpose").unwrap_or_default(),
            value,
            options: o,
        });
    }
    Ok(out)
}

/// Checks one proof of `document` against `key`. An error says what failed. For
/// eddsa-rdfc-2022 it returns the RDF statements the signature covers, for the verifier to
/// read its facts from.
pub fn verify(
    document: &Value,
    proof: &FoundProof,
    key: &VerifyingKey,
) -> Result<Option<Vec<oxrdf::Quad>>> {
    if proof.purpose != "assertionMethod" {
        bail!(
            "proof purpose is `{}`, not assertionMethod",
            crate::sanitize::line(&proof.purpose)
        );
    }
    let mut unsigned = document.clone();
    if let Some(o) = unsigned.as_object_mut() {
        o.remove("proof");
    }
    let mut opts = Value::Object(proof.options.clone());
    match (unsigned.get("@context"), opts.get("@context")) {
        // A JCS proof carries the context it signed; it must be the document's.
        (Some(ctx), Some(own)) if own != ctx => {
            bail!("the proof's @context is not the credential's")
        }
        (None, Some(_)) => bail!("the proof has an @context and the credential none"),
        (Some(ctx), None) => opts["@context"] = ctx.clone(),
        _ => {}
    }
    match (proof.suite, proof.options.contains_key("@context")) {
        (Suite::Rdfc, true) => bail!("an eddsa-rdfc-2022 proof carries no @context of its own"),
        // Merit (and digitalbazaar's libraries) write the context the proof signed into it.
        (Suite::Jcs, false) if unsigned.get("@context").is_some() => {
            bail!("the eddsa-jcs-2022 proof does not carry the credential's @context")
        }
        _ => {}
    }
    let (data, quads) = match proof.suite {
        Suite::Rdfc => {
            let quads = canon::quads(&unsigned)?;
            let mut data = options_hash(proof.suite, &opts)?;
            data.extend(Sha256::digest(canon::canonical_nquads(&quads)?.as_bytes()));
            (data, Some(quads))
        }
        Suite::Jcs => (hash_data(proof.suite, &unsigned, &opts)?, None),
    };
    let raw = proof
        .value
        .strip_prefix('z')
        .and_then(|s| bs58::decode(s).into_vec().ok())
        .ok_or_else(|| anyhow!("proofValue is not base58btc multibase"))?;
    let signature = Signature::from_slice(&raw)
        .map_err(|_| anyhow!("proofValue is not an Ed25519 signature"))?;
    key.verify(&data, &signature)
        .map_err(|_| anyhow!("the signature does not match: the credential was changed after signing, or signed with another key"))?;
    Ok(quads)
}
