//! Verifying a credential offline. The checks, in order:
//!
//! 1. **shape**: the credential is in the plain JSON form (`plain`), so every key means the
//!    term it is read as;
//! 2. **proof**: exactly one `DataIntegrityProof`, of a supported suite, for `assertionMethod`,
//!    whose signature verifies with a key resolved by `resolve`; for eddsa-rdfc-2022 the facts
//!    below are read from the signed RDF statements, and the JSON must say the same;
//! 3. **issuer**: the key's controller is the credential's issuer;
//! 4. **dates**: `validFrom` has come and `validUntil` (if any) has not;
//! 5. **schema**: an OpenBadgeCredential passes both OB 3.0 schemas;
//! 6. **status**: each status entry, against the issuer's signed status list when it is at
//!    hand (the list is verified with every check above, and its type and purpose must be the
//!    entry's); without the list the check is "not checked", never passed.
//!
//! A credential is valid when no check failed. No input panics.

use std::time::SystemTime;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;

use super::facts::{self, Facts};
use super::resolve::{self, KeySources};
use super::{dates, plain, proof, status};

/// What became of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    NotChecked,
}

#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub result: Outcome,
    pub detail: String,
}

impl Check {
    pub fn failed(&self) -> bool {
        self.result == Outcome::Failed
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub credential_id: Option<String>,
    pub issuer: Option<String>,
    /// No check failed.
    pub ok: bool,
    pub checks: Vec<Check>,
    /// Said about a check that passed only on a weaker footing (a key not dereferenced).
    pub warnings: Vec<String>,
}

impl Report {
    /// A report of one failed check (a file that could not be read, say).
    pub fn failure(name: &'static str, detail: String) -> Report {
        Report {
            credential_id: None,
            issuer: None,
            ok: false,
            checks: vec![Check {
                name,
                result: Outcome::Failed,
                detail,
            }],
            warnings: Vec::new(),
        }
    }

    /// The failed checks' details.
    pub fn failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.failed())
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect()
    }
}

#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Where keys come from.
    pub keys: KeySources<'a>,
    /// Status list credentials at hand, found by the URL each entry names.
    pub status_lists: &'a [Value],
    /// Defaults to now.
    pub now: Option<SystemTime>,
}

/// The checks' results, collected in order.
#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, name: &'static str, r: Result<String>) {
        self.0.push(match r {
            Ok(detail) => Check {
                name,
                result: Outcome::Passed,
                detail,
            },
            Err(e) => Check {
                name,
                result: Outcome::Failed,
                detail: format!("{e:#}"),
            },
        });
    }

    fn not_checked(&mut self, name: &'static str, detail: String) {
        self.0.push(Check {
            name,
            result: Outcome::NotChecked,
            detail,
        });
    }
}

/// Verifies a credential, or a CLR 2.0 learner record and every credential it embeds
/// ([`super::clr::verify_record`]).
pub fn verify(doc: &Value, opts: &Options<'_>) -> Report {
    if super::clr::is_record(doc) {
        return super::clr::verify_record(doc, opts);
    }
    verify_credential(doc, opts)
}

/// Verifies a credential (never a record: an embedded record is not followed).
pub fn verify_credential(doc: &Value, opts: &Options<'_>) -> Report {
    verify_with_facts(doc, opts, Kind::Credential).0
}

/// The checks of a learner record itself (shape, proof, issuer, dates, CLR 2.0 schema),
/// without those of the credentials it embeds.
pub fn verify_as_record(doc: &Value, opts: &Options<'_>) -> Report {
    verify_with_facts(doc, opts, Kind::Record).0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Credential,
    Record,
}

/// The report, and the facts the checks read (those the proof signed, when it verified).
fn verify_with_facts(doc: &Value, opts: &Options<'_>, kind: Kind) -> (Report, Option<Facts>) {
    let mut checks = Checks::default();
    let mut warnings = Vec::new();
    let id = doc.get("id").and_then(Value::as_str).map(str::to_string);
    let json_issuer = facts::from_json(doc).ok().and_then(|f| f.issuer);
    let finish = |checks: Checks, warnings, facts: Option<Facts>, issuer| {
        let ok = !checks.0.iter().any(Check::failed);
        (
            Report {
                credential_id: id.clone(),
                issuer,
                ok,
                checks: checks.0,
                warnings,
            },
            facts,
        )
    };
    let shape = match kind {
        Kind::Credential => plain::check(doc)
            .map_err(|e| anyhow!("{e}"))
            .and_then(|()| facts::from_json(doc)),
        Kind::Record => plain::check_clr(doc)
            .map_err(|e| anyhow!("{e}"))
            .and_then(|()| facts::from_json_clr(doc)),
    };
    let json_facts = match shape {
        Ok(f) => {
            checks.push(
                "shape",
                Ok(match kind {
                    Kind::Credential => "plain OB 3.0 JSON, known contexts",
                    Kind::Record => "plain CLR 2.0 JSON, known contexts",
                }
                .into()),
            );
            f
        }
        Err(e) => {
            checks.push("shape", Err(e));
            for name in ["proof", "issuer", "dates", "schema", "status"] {
                checks.not_checked(name, "the credential is not in the plain form".into());
            }
            return finish(checks, warnings, None, json_issuer);
        }
    };

    // The proof, and the key that made it.
    let signed = (|| -> Result<(resolve::Resolved, proof::FoundProof, Facts, String)> {
        if let Some(Value::Array(all)) = doc.get("proof")
            && all.len() > 1
        {
            bail!(
                "the credential has {} proofs: Merit verifies a credential with exactly one",
                all.len()
            );
        }
        let ps = proof::proofs(doc)?;
        let [p] = ps.as_slice() else {
            bail!(
                "the credential has {} proofs: Merit verifies a credential with exactly one",
                ps.len()
            );
        };
        let resolved = resolve::resolve(&p.method, &opts.keys)?;
        let facts = match proof::verify(doc, p, &resolved.key)? {
            Some(quads) => {
                let signed = match kind {
                    Kind::Credential => facts::from_quads(&quads)?,
                    Kind::Record => facts::from_quads_clr(&quads)?,
                };
                facts::require_same(&json_facts, &signed)?;
                signed
            }
            None => json_facts.clone(),
        };
        let detail = format!(
            "signature valid ({}, key from {})",
            p.suite.name(),
            resolved.how
        );
        Ok((resolved, p.clone(), facts, detail))
    })();
    let (facts, controller) = match signed {
        Ok((resolved, _, facts, detail)) => {
            checks.push("proof", Ok(detail));
            warnings.extend(resolved.warning.clone());
            (facts, Some(resolved.controller))
        }
        Err(e) => {
            checks.push("proof", Err(e));
            (json_facts, None)
        }
    };

    match controller {
        Some(controller) => checks.push(
            "issuer",
            (|| {
                let issuer = facts
                    .issuer
                    .as_deref()
                    .ok_or_else(|| anyhow!("the credential names no issuer"))?;
                if controller != issuer {
                    bail!("signed by {controller}, but the issuer is {issuer}");
                }
                Ok(format!("{issuer} signed it"))
            })(),
        ),
        None => checks.not_checked("issuer", "no proof verified, so there is no signer".into()),
    }

    let now = opts.now.unwrap_or_else(SystemTime::now);
    checks.push("dates", check_dates(&facts, now));

    if kind == Kind::Record {
        let problems = super::schema::validate_clr(doc);
        if problems.is_empty() {
            checks.push(
                "schema",
                Ok("passes the CLR 2.0 ClrCredential schema".into()),
            );
        } else {
            checks.push("schema", Err(anyhow!("{}", problems.join("; "))));
        }
    } else if facts.has_type("OpenBadgeCredential") {
        // The schema at the URL credentials name decides; the stricter 2024 copy of it (which
        // Merit's own credentials pass too) only warns, as the 1EdTech validator does not use it.
        let (published, strict) = super::schema::validate_published_and_strict(doc);
        if published.is_empty() && strict.is_empty() {
            checks.push(
                "schema",
                Ok("passes both OB 3.0 AchievementCredential schemas".into()),
            );
        } else if published.is_empty() {
            checks.push(
                "schema",
                Ok("passes the OB 3.0 AchievementCredential schema".into()),
            );
            warnings.push(format!(
                "not in the stricter 2024 form of the schema: {}",
                strict.join("; ")
            ));
        } else {
            checks.push("schema", Err(anyhow!("{}", published.join("; "))));
        }
    }

    if facts.statuses.is_empty() {
        checks.not_checked(
            "status",
            match kind {
                Kind::Credential => "the credential has no status entry",
                Kind::Record => "the record has no status entry (each credential in it has)",
            }
            .into(),
        );
    } else {
        for entry in &facts.statuses {
            match check_status(entry, &facts, opts) {
                Ok(StatusResult::Checked(d)) => checks.push("status", Ok(d)),
                Ok(StatusResult::NotAtHand(d)) => checks.not_checked("status", d),
                Err(e) => checks.push("status", Err(e)),
            }
        }
    }
    let issuer = facts.issuer.clone();
    finish(checks, warnings, Some(facts), issuer)
}

fn check_dates(facts: &Facts, now: SystemTime) -> Result<String> {
    let from = facts
        .valid_from
        .as_deref()
        .ok_or_else(|| anyhow!("no validFrom"))?;
    if dates::parse(from)? > now {
        bail!("not valid yet: validFrom is {from}");
    }
    if let Some(until) = facts.valid_until.as_deref() {
        if dates::parse(until)? <= now {
            bail!("expired: validUntil was {until}");
        }
        return Ok(format!("valid from {from} until {until}"));
    }
    Ok(format!("valid from {from}"))
}

enum StatusResult {
    Checked(String),
    NotAtHand(String),
}

fn check_status(
    entry: &facts::StatusEntry,
    credential: &Facts,
    opts: &Options<'_>,
) -> Result<StatusResult> {
    if !entry.is_bitstring() {
        bail!(
            "unsupported status type {} (Merit checks BitstringStatusListEntry)",
            crate::sanitize::line(entry.kind.as_deref().unwrap_or("(none)"))
        );
    }
    let purpose = entry
        .purpose
        .as_deref()
        .ok_or_else(|| anyhow!("the status entry has no statusPurpose"))?;
    let url = entry
        .list
        .as_deref()
        .ok_or_else(|| anyhow!("the status entry has no statusListCredential"))?;
    let index: u64 = entry
        .index
        .as_deref()
        .ok_or_else(|| anyhow!("the status entry has no statusListIndex"))?
        .parse()
        .map_err(|_| anyhow!("statusListIndex is not a whole number"))?;
    let Some(list) = opts.status_lists.iter().find(|l| l["id"] == url) else {
        return Ok(StatusResult::NotAtHand(format!(
            "the status list {url} is not at hand (give it with --status-list FILE)"
        )));
    };
    // The list is verified as a credential in its own right (its own status is not asked).
    let (report, list_facts) = verify_with_facts(
        list,
        &Options {
            status_lists: &[],
            ..*opts
        },
        Kind::Credential,
    );
    if !report.ok {
        bail!(
            "the status list {url} does not verify, so the status is unknown: {}",
            report.failures().join("; ")
        );
    }
    let list_facts = list_facts.ok_or_else(|| anyhow!("the status list {url} has no facts"))?;
    if !list_facts.has_type("BitstringStatusListCredential") {
        bail!("{url} is not a BitstringStatusListCredential");
    }
    if list_facts.issuer != credential.issuer {
        bail!(
            "the status list is issued by {}, not by the credential's issuer {}",
            list_facts.issuer.as_deref().unwrap_or("nobody"),
            credential.issuer.as_deref().unwrap_or("(none)")
        );
    }
    let [subject] = list_facts.subjects.as_slice() else {
        bail!("the status list {url} does not have exactly one subject");
    };
    if !subject
        .types
        .iter()
        .any(|t| t.ends_with("#BitstringStatusList"))
    {
        bail!("the status list's subject is not a BitstringStatusList");
    }
    if subject.status_purpose.as_deref() != Some(purpose) {
        bail!(
            "the status list is for `{}`, but the entry's purpose is `{purpose}`",
            subject.status_purpose.as_deref().unwrap_or("(none)")
        );
    }
    let encoded = subject
        .encoded_list
        .as_deref()
        .ok_or_else(|| anyhow!("the status list has no encodedList"))?;
    if status::is_set(encoded, index)? {
        let word = match purpose {
            "revocation" => "REVOKED",
            "suspension" => "SUSPENDED",
            _ => "STATUS SET",
        };
        bail!("{word} ({purpose}: entry {index} of {url} is set)");
    }
    Ok(StatusResult::Checked(format!(
        "not revoked ({purpose}: entry {index} of {url})"
    )))
}
