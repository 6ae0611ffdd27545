//! A learner's record: a CLR 2.0 `ClrCredential` embedding the learner's current credentials
//! (component and program alike) with `association`s from each component achievement to its
//! program (`isPartOf`, and `isParentOf` the other way), signed like any credential; and
//! verifying one, which verifies the record and then every credential it embeds on its own.

use anyhow::{Result, anyhow, bail};
use serde_json::{Value, json};

use super::build::{self, Issuer};
use super::contexts;
use super::verify::{self, Check, Options, Outcome, Report};

/// What a record is built from.
pub struct RecordInput<'a> {
    pub credential_id: &'a str,
    pub issuer: &'a Issuer,
    pub learner_name: &'a str,
    pub learner_email: Option<&'a str>,
    pub salt: &'a str,
    /// The signed credentials it embeds.
    pub credentials: &'a [Value],
    /// (program achievement id, component achievement ids).
    pub programs: &'a [(String, Vec<String>)],
    /// Some of the learner's credentials are left out (revoked or expired).
    pub partial: bool,
    pub issued_at: &'a str,
}

/// The unsigned record.
pub fn build(a: &RecordInput<'_>) -> Value {
    let mut associations = Vec::new();
    for (program, components) in a.programs {
        for c in components {
            associations.push(json!({
                "type": "Association",
                "associationType": "isParentOf",
                "sourceId": program,
                "targetId": c,
            }));
            associations.push(json!({
                "type": "Association",
                "associationType": "isPartOf",
                "sourceId": c,
                "targetId": program,
            }));
        }
    }
    let mut subject = json!({
        "type": ["ClrSubject"],
        "identifier": [build::identity_object(a.learner_name, a.learner_email, a.salt)],
        "verifiableCredential": a.credentials,
    });
    if !associations.is_empty() {
        subject["association"] = Value::Array(associations);
    }
    let mut record = json!({
        "@context": [
            contexts::CREDENTIALS_V2,
            contexts::CLR_V2P0,
            contexts::OB_V3P0,
            contexts::OB_EXTENSIONS
        ],
        "id": a.credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": format!("Learner record from {}", a.issuer.name),
        "description": format!(
            "The credentials {} issued to one learner, each signed on its own, and how they \
             stack into programs.",
            a.issuer.name
        ),
        "issuer": a.issuer.profile(),
        "validFrom": a.issued_at,
        "awardedDate": a.issued_at,
        "credentialSubject": subject,
        "credentialSchema": [{
            "id": super::schema::CLR_SCHEMA_URL,
            "type": "1EdTechJsonSchemaValidator2019",
        }],
    });
    if a.partial {
        record["partial"] = Value::Bool(true);
    }
    record
}

/// Whether `doc` says it is a learner record (the type a verifier dispatches on; the
/// signed data must say the same).
pub fn is_record(doc: &Value) -> bool {
    match doc.get("type") {
        Some(Value::String(t)) => t == "ClrCredential",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "ClrCredential"),
        _ => false,
    }
}

/// Most credentials a record may embed (every read of untrusted data is bounded).
pub const MAX_EMBEDDED: usize = 1000;

/// Verifies a record: its shape, proof, issuer, dates and CLR 2.0 schema, then each embedded
/// credential with every check a credential gets (a failing one is named by its place, id and
/// name). Valid when nothing failed.
pub fn verify_record(doc: &Value, opts: &Options<'_>) -> Report {
    let mut report = verify::verify_as_record(doc, opts);
    let embedded = match doc["credentialSubject"].get("verifiableCredential") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    if embedded.is_empty() {
        report.checks.push(Check {
            name: "embedded",
            result: Outcome::Failed,
            detail: "the record embeds no credential".into(),
        });
    } else if embedded.len() > MAX_EMBEDDED {
        report.checks.push(Check {
            name: "embedded",
            result: Outcome::Failed,
            detail: format!(
                "the record embeds {} credentials; Merit verifies at most {MAX_EMBEDDED}",
                embedded.len()
            ),
        });
    } else {
        for (i, c) in embedded.iter().enumerate() {
            let r = verify::verify_credential(c, opts);
            let mut what = describe(i, c);
            // A record may gather credentials of other issuers: say whose each one is.
            if let Some(by) = r.issuer.as_deref()
                && report.issuer.as_deref() != Some(by)
            {
                what.push_str(&format!(", issued by {}", crate::sanitize::line(by)));
            }
            let check = if r.ok {
                let unchecked: Vec<&str> = r
                    .checks
                    .iter()
                    .filter(|c| c.result == Outcome::NotChecked)
                    .map(|c| c.name)
                    .collect();
                Check {
                    name: "embedded",
                    result: Outcome::Passed,
                    detail: if unchecked.is_empty() {
                        format!("{what}: VALID")
                    } else {
                        format!("{what}: VALID ({} not checked)", unchecked.join(", "))
                    },
                }
            } else {
                Check {
                    name: "embedded",
                    result: Outcome::Failed,
                    detail: format!("{what}: INVALID: {}", r.failures().join("; ")),
                }
            };
            report
                .warnings
                .extend(r.warnings.iter().map(|w| format!("{what}: {w}")));
            report.checks.push(check);
        }
        if let Err(e) = associations_named(doc, &embedded) {
            report.checks.push(Check {
                name: "embedded",
                result: Outcome::Failed,
                detail: format!("{e:#}"),
            });
        }
    }
    report.ok = !report.checks.iter().any(Check::failed);
    report
}

/// "credential 2 (urn:uuid:…, Secure Code Reviewer)", made safe to print.
fn describe(i: usize, c: &Value) -> String {
    let id = c["id"].as_str().unwrap_or("no id");
    let name = c["credentialSubject"]["achievement"]["name"]
        .as_str()
        .or_else(|| c["name"].as_str())
        .unwrap_or("unnamed");
    crate::sanitize::line(&format!("credential {} ({id}, {name})", i + 1))
}

/// Every association names an achievement of an embedded credential or one the record's
/// subject lists (`credentialSubject.achievement`), and every evidence
/// item of an embedded credential that names another embedded credential by id holds that
/// credential's `digestMultibase` (a program credential names its components so).
fn associations_named(doc: &Value, embedded: &[&Value]) -> Result<()> {
    for (i, c) in embedded.iter().enumerate() {
        let evidence = match c.get("evidence") {
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => Vec::new(),
        };
        for e in evidence {
            let (Some(id), Some(digest)) = (e["id"].as_str(), e["digestMultibase"].as_str()) else {
                continue;
            };
            if let Some(component) = embedded.iter().find(|o| o["id"].as_str() == Some(id))
                && super::program::digest_multibase(component)? != digest
            {
                bail!(
                    "{} names {} with a digestMultibase that is not its digest",
                    describe(i, c),
                    crate::sanitize::line(id)
                );
            }
        }
    }
    let listed = match doc["credentialSubject"].get("achievement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let achievements: Vec<&str> = embedded
        .iter()
        .filter_map(|c| c["credentialSubject"]["achievement"]["id"].as_str())
        .chain(listed.iter().filter_map(|a| a["id"].as_str()))
        .collect();
    let Some(list) = doc["credentialSubject"].get("association") else {
        return Ok(());
    };
    let list = list
        .as_array()
        .ok_or_else(|| anyhow!("association is not a list"))?;
    for (i, a) in list.iter().enumerate() {
        for end in ["sourceId", "targetId"] {
            let id = a[end].as_str().unwrap_or("");
            if !achievements.contains(&id) {
                bail!(
                    "association {}: {end} {} is neither the achievement of an embedded \
                     credential nor one the record lists",
                    i + 1,
                    crate::sanitize::line(id)
                );
            }
        }
    }
    Ok(())
}
