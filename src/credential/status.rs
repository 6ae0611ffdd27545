//! Revocation with a W3C Bitstring Status List: one bit per credential (set = revoked), GZIP
//! compressed, multibase base64url, in a credential signed by the issuer.

use std::io::{Read, Write};

use anyhow::{Result, anyhow, bail};
use base64::Engine;
use ed25519_dalek::SigningKey;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use super::build::Issuer;
use super::contexts;
use super::proof::{self, Suite};

/// Verifiers require lists of at least 16 KiB (131,072 entries) for privacy.
pub const MIN_ENTRIES: usize = 131_072;

/// The encoded list (`u` + base64url of the GZIP of the bits) with `revoked` set.
pub fn encode(revoked: &[u64], entries: usize) -> Result<String> {
    let entries = entries.max(MIN_ENTRIES);
    let mut bits = vec![0u8; entries.div_ceil(8)];
    for &i in revoked {
        let i = i as usize;
        if i >= entries {
            bail!("status index {i} is beyond the list");
        }
        // Index 0 is the most significant bit of the first byte.
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&bits)?;
    let compressed = gz.finish()?;
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    ))
}

/// Whether bit `index` is set in an encoded list.
pub fn is_set(encoded: &str, index: u64) -> Result<bool> {
    let b64 = encoded.strip_prefix('u').ok_or_else(|| {
        anyhow!("encodedList is not multibase base64url (it should start with u)")
    })?;
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64.trim_end_matches('='))
        .map_err(|e| anyhow!("encodedList is not base64url: {e}"))?;
    let mut bits = Vec::new();
    // Bounded: a status list is small; refuse decompression bombs.
    GzDecoder::new(&compressed[..])
        .take(64 * 1024 * 1024)
        .read_to_end(&mut bits)
        .map_err(|e| anyhow!("encodedList is not GZIP: {e}"))?;
    let i = index as usize;
    let byte = bits
        .get(i / 8)
        .ok_or_else(|| anyhow!("status index {index} is beyond the list"))?;
    Ok(byte & (0x80 >> (i % 8)) != 0)
}

/// The signed status list credential to publish at the issuer's status URL.
pub fn credential(
    issuer: &Issuer,
    key: &SigningKey,
    revoked: &[u64],
    entries: usize,
    now: &str,
    suite: Suite,
) -> Result<Value> {
    let url = issuer.status_list_url();
    let doc = json!({
        "@context": [contexts::CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": now,
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(revoked, entries)?,
        },
    });
    proof::sign(&doc, key, &issuer.verification_method, now, suite)
}
