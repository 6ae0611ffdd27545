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

/// Verifiers require lists of at least 16 KiB (131,072 entries) for privacy. Merit's lists
/// are all of this size: status index `i` is entry `i % MIN_ENTRIES` of list `i / MIN_ENTRIES`.
pub const MIN_ENTRIES: usize = 131_072;

/// The most bits a list may inflate to (a verifier refuses a GZIP bomb): 16 Mi entries.
const MAX_LIST_BYTES: u64 = 2 * 1024 * 1024;

/// Which list, and which entry of it, a workspace's status index is.
pub fn locate(status_index: u64) -> (u64, u64) {
    (
        status_index / MIN_ENTRIES as u64,
        status_index % MIN_ENTRIES as u64,
    )
}

/// The URL of the issuer's list number `list` (0 is the first: `…/status/revocation`; the
/// next are `…/status/revocation-2`, `-3`, …, files beside it on a static site).
pub fn list_url(issuer: &Issuer, list: u64) -> String {
    match list {
        0 => issuer.status_list_url(),
        n => format!("{}-{}", issuer.status_list_url(), n + 1),
    }
}

/// The file name of list number `list` beside `first` (`status-list.json`,
/// `status-list-2.json`, …).
pub fn list_file(first: &std::path::Path, list: u64) -> std::path::PathBuf {
    if list == 0 {
        return first.to_path_buf();
    }
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match first.extension() {
        Some(ext) => format!("{stem}-{}.{}", list + 1, ext.to_string_lossy()),
        None => format!("{stem}-{}", list + 1),
    };
    first.with_file_name(name)
}

/// The copies of the signed lists a workspace keeps in its issuer folder, in order.
pub fn workspace_copies(issuer_dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let first = issuer_dir.join("status-list.json");
    (0..)
        .map(|n| list_file(&first, n))
        .take_while(|p| p.is_file())
        .collect()
}

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
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut bits)
        .map_err(|e| anyhow!("encodedList is not GZIP: {e}"))?;
    if bits.len() as u64 > MAX_LIST_BYTES {
        bail!("encodedList inflates to more than {MAX_LIST_BYTES} bytes: refused");
    }
    let i = index as usize;
    let byte = bits
        .get(i / 8)
        .ok_or_else(|| anyhow!("status index {index} is beyond the list"))?;
    Ok(byte & (0x80 >> (i % 8)) != 0)
}

/// How many lists a workspace needs when `next_index` is the first status index not yet
/// reserved: every list with a reserved entry, and the next one as soon as the last is
/// three-quarters full, so its URL is published before any credential names it.
pub fn lists_needed(next_index: u64) -> u64 {
    let per = MIN_ENTRIES as u64;
    let used = next_index.div_ceil(per).max(1);
    if next_index % per > per * 3 / 4 || (next_index > 0 && next_index.is_multiple_of(per)) {
        used + 1
    } else {
        used
    }
}

/// The signed lists of a workspace: list `n` has the revoked global indexes that fall in it.
pub fn credentials(
    issuer: &Issuer,
    key: &SigningKey,
    revoked: &[u64],
    next_index: u64,
    now: &str,
    suite: Suite,
) -> Result<Vec<Value>> {
    (0..lists_needed(next_index))
        .map(|n| {
            let in_list: Vec<u64> = revoked
                .iter()
                .filter(|&&i| locate(i).0 == n)
                .map(|&i| locate(i).1)
                .collect();
            credential_at(issuer, key, &list_url(issuer, n), &in_list, now, suite)
        })
        .collect()
}

/// One signed list at `url`, with the entries `revoked` (offsets within it) set.
fn credential_at(
    issuer: &Issuer,
    key: &SigningKey,
    url: &str,
    revoked: &[u64],
    now: &str,
    suite: Suite,
) -> Result<Value> {
    let entries = MIN_ENTRIES;
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
