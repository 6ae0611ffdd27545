//! Verifying a credential offline: its proofs (did:key resolved locally, did:web from a given
//! DID document), that the issuer is the signer, its validity dates, and its revocation status
//! when the status list is at hand. Each check says what it found.

use std::time::SystemTime;

use anyhow::{Result, anyhow, bail};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use serde_json::Value;

use super::{keys, proof, status};

#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub credential_id: Option<String>,
    pub issuer: Option<String>,
    pub ok: bool,
    pub checks: Vec<Check>,
}

#[derive(Default)]
pub struct Options<'a> {
    /// A DID document for did:web issuers.
    pub did_doc: Option<&'a Value>,
    /// The status list credential named by the credential's status entry.
    pub status_list: Option<&'a Value>,
    /// Defaults to now.
    pub now: Option<SystemTime>,
}

/// The public key of a verification method.
pub fn resolve(method: &str, did_doc: Option<&Value>) -> Result<VerifyingKey> {
    if method.starts_with("did:key:") {
        return keys::resolve_did_key(method);
    }
    if method.starts_with("did:web:") {
        let doc = did_doc.ok_or_else(|| {
            anyhow!("{method} is a did:web key: give its DID document with --did-doc")
        })?;
        let vm = doc["verificationMethod"]
            .as_array()
            .and_then(|a| a.iter().find(|m| m["id"] == method))
            .ok_or_else(|| anyhow!("the DID document has no verification method {method}"))?;
        let did = method.split('#').next().unwrap_or(method);
        if doc["id"] != did {
            bail!("the DID document is for {}, not {did}", doc["id"]);
        }
        let mb = vm["publicKeyMultibase"]
            .as_str()
            .ok_or_else(|| anyhow!("verification method {method} has no publicKeyMultibase"))?;
        return keys::decode_multikey(mb);
    }
    // Keys named by a Multikey fragment (as in the 1EdTech examples): the fragment is the key.
    if let Some((_, fragment)) = method.split_once('#')
        && fragment.starts_with("z6Mk")
    {
        return keys::decode_multikey(fragment);
    }
    bail!("cannot resolve {method} offline (did:key, did:web with --did-doc, or a #z6Mk… key)")
}

fn parse_time(s: &str) -> Result<SystemTime> {
    humantime::parse_rfc3339_weak(s.trim_end_matches('Z').replace('T', " ").as_str())
        .or_else(|_| humantime::parse_rfc3339(s))
        .map_err(|e| anyhow!("`{s}` is not a date-time: {e}"))
}

pub fn verify(doc: &Value, opts: &Options<'_>) -> Report {
    let mut checks = Vec::new();
    let mut push = |name: &'static str, r: Result<String>| match r {
        Ok(detail) => checks.push(Check {
            name,
            ok: true,
            detail,
        }),
        Err(e) => checks.push(Check {
            name,
            ok: false,
            detail: format!("{e:#}"),
        }),
    };
    let issuer_id = match &doc["issuer"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    let proofs = proof::proofs(doc);
    push(
        "proof",
        proofs.as_ref().map_err(|e| anyhow!("{e}")).and_then(|ps| {
            for p in ps {
                let key = resolve(&p.method, opts.did_doc)?;
                proof::verify(doc, p, &key)?;
            }
            Ok(format!(
                "{} valid ({})",
                if ps.len() == 1 {
                    "signature".to_string()
                } else {
                    format!("{} signatures", ps.len())
                },
                ps.iter()
                    .map(|p| p.suite.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }),
    );
    push(
        "issuer",
        (|| {
            let id = issuer_id
                .clone()
                .ok_or_else(|| anyhow!("the credential names no issuer"))?;
            let ps = proofs.as_ref().map_err(|e| anyhow!("{e}"))?;
            for p in ps {
                let signer = p.method.split('#').next().unwrap_or("");
                if signer != id && !p.method.starts_with(&format!("{id}#")) {
                    bail!("signed by {signer}, but the issuer is {id}");
                }
            }
            Ok(format!("{id} signed it"))
        })(),
    );
    let now = opts.now.unwrap_or_else(SystemTime::now);
    push(
        "dates",
        (|| {
            let from = doc["validFrom"]
                .as_str()
                .ok_or_else(|| anyhow!("no validFrom"))?;
            if parse_time(from)? > now {
                bail!("not valid yet: validFrom is {from}");
            }
            if let Some(until) = doc["validUntil"].as_str() {
                if parse_time(until)? <= now {
                    bail!("expired: validUntil was {until}");
                }
                return Ok(format!("valid from {from} until {until}"));
            }
            Ok(format!("valid from {from}"))
        })(),
    );
    let is_badge = doc["type"].as_array().is_some_and(|t| {
        t.iter()
            .any(|x| x == "OpenBadgeCredential" || x == "AchievementCredential")
    }) || doc["type"] == "OpenBadgeCredential";
    if is_badge {
        push(
            "schema",
            super::schema::validate(doc)
                .map(|()| "passes both OB 3.0 AchievementCredential schemas".to_string())
                .map_err(|p| anyhow!("{}", p.join("; "))),
        );
    }
    if let Some(entry) = doc.get("credentialStatus").filter(|v| !v.is_null()) {
        push(
            "status",
            check_status(entry, opts.status_list, opts.did_doc, issuer_id.as_deref()),
        );
    }
    let ok = checks.iter().all(|c| c.ok);
    Report {
        credential_id: doc["id"].as_str().map(str::to_string),
        issuer: issuer_id,
        ok,
        checks,
    }
}

fn check_status(
    entry: &Value,
    list: Option<&Value>,
    did_doc: Option<&Value>,
    issuer: Option<&str>,
) -> Result<String> {
    let entry = match entry {
        Value::Array(a) => a
            .iter()
            .find(|e| e["statusPurpose"] == "revocation")
            .unwrap_or(&a[0]),
        e => e,
    };
    if entry["type"] != "BitstringStatusListEntry" {
        bail!("unsupported status type {}", entry["type"]);
    }
    let url = entry["statusListCredential"]
        .as_str()
        .ok_or_else(|| anyhow!("no statusListCredential"))?;
    let index: u64 = match &entry["statusListIndex"] {
        Value::String(s) => s
            .parse()
            .map_err(|_| anyhow!("statusListIndex `{s}` is not a number"))?,
        Value::Number(n) => n.as_u64().ok_or_else(|| anyhow!("bad statusListIndex"))?,
        _ => bail!("no statusListIndex"),
    };
    let Some(list) = list else {
        // Revocation cannot be checked offline without the list: say so, but it is not a failure.
        return Ok(format!(
            "not checked: the status list {url} is not at hand (give it with --status-list FILE)"
        ));
    };
    if list["id"] != url {
        bail!("the status list given is {}, not {url}", list["id"]);
    }
    let report = verify(
        list,
        &Options {
            did_doc,
            status_list: None,
            now: None,
        },
    );
    if !report.ok {
        let why: Vec<String> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.detail.clone())
            .collect();
        bail!("the status list itself does not verify: {}", why.join("; "));
    }
    if let (Some(i), Some(li)) = (issuer, report.issuer.as_deref())
        && i != li
    {
        bail!("the status list is issued by {li}, not by the credential's issuer {i}");
    }
    let encoded = list["credentialSubject"]["encodedList"]
        .as_str()
        .ok_or_else(|| anyhow!("the status list has no encodedList"))?;
    if status::is_set(encoded, index)? {
        bail!("REVOKED (entry {index} of {url})");
    }
    Ok(format!("not revoked (entry {index} of {url})"))
}
