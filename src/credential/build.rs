//! Builds an `OpenBadgeCredential` (Open Badges 3.0) for approved work: the achievement from the
//! rubric, a result per criterion with the level reached, the learner as a salted hashed email,
//! evidence naming the SHA-256 of every artifact that was judged, and a revocation status entry.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::contexts;
use crate::rubric::{Rubric, fmt_num};
use crate::store::ArtifactRecord;

/// The OB 3.0 AchievementCredential JSON schema every credential names.
pub const SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

/// Who issues: the signing DID and the public profile.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Issuer {
    pub did: String,
    pub verification_method: String,
    pub name: String,
    pub url: String,
    pub email: Option<String>,
    /// Badge pictures inside credentials as `data:` URIs rather than published URLs
    /// (`merit.toml` `[badges] image = "data-uri"`); not part of the profile.
    #[serde(skip)]
    pub embed_images: bool,
}

impl Issuer {
    /// Where the issuer publishes its revocation list (`merit status-list --out`).
    pub fn status_list_url(&self) -> String {
        format!("{}/status/revocation", self.url.trim_end_matches('/'))
    }

    /// An achievement's id: `…/achievements/<rubric>/v<N>` for rubric version N, so that a
    /// changed rubric never reuses an id with other criteria (credentials issued before
    /// versions were in ids name `…/achievements/<rubric>`, which still resolves).
    pub fn achievement_url(&self, rubric_id: &str, version: Option<i64>) -> String {
        let base = format!(
            "{}/achievements/{rubric_id}",
            self.url.trim_end_matches('/')
        );
        match version {
            Some(v) => format!("{base}/v{v}"),
            None => base,
        }
    }

    pub fn profile(&self) -> Value {
        let mut p = json!({
            "id": self.did,
            "type": ["Profile"],
            "name": self.name,
            "url": self.url,
        });
        if let Some(e) = &self.email {
            p["email"] = Value::String(e.clone());
        }
        p
    }
}

pub struct AwardInput<'a> {
    pub credential_id: &'a str,
    pub issuer: &'a Issuer,
    pub rubric: &'a Rubric,
    pub learner_name: &'a str,
    pub learner_email: Option<&'a str>,
    /// Random, so that the hashed identity cannot be guessed from a list of emails.
    pub salt: &'a str,
    /// Level id chosen per criterion id.
    pub levels: &'a BTreeMap<String, String>,
    pub artifacts: &'a [ArtifactRecord],
    /// Recognition of prior learning is said in each evidence item's `description`.
    pub route: crate::vocabulary::Route,
    /// RFC 3339.
    pub issued_at: &'a str,
    pub valid_until: Option<&'a str>,
    pub status_index: u64,
    /// The rubric's [`achievement`], when already built (it is the same for every credential
    /// of a rubric version; a batch builds it once).
    pub achievement: Option<&'a Value>,
}

/// `ni:///sha-256;…` (RFC 6920): a URI naming content by its SHA-256.
pub fn ni_uri(sha256_hex: &str) -> Option<String> {
    let bytes: Vec<u8> = (0..sha256_hex.len() / 2)
        .map(|i| u8::from_str_radix(sha256_hex.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    Some(format!(
        "ni:///sha-256;{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The `Achievement` of a rubric: what the badge certifies, its criteria and levels.
pub fn achievement(issuer: &Issuer, r: &Rubric) -> Value {
    achievement_of_version(issuer, r, None)
}

/// [`achievement`], its id naming rubric version `version`.
pub fn achievement_of_version(issuer: &Issuer, r: &Rubric, version: Option<i64>) -> Value {
    let achievement_id = issuer.achievement_url(&r.id.value, version);
    let results_id = |cid: &str| format!("{achievement_id}#criterion-{cid}");
    let result_descriptions: Vec<Value> = r
        .criteria
        .iter()
        .map(|c| {
            let rd = results_id(&c.id.value);
            let mut d = json!({
                "id": rd,
                "type": ["ResultDescription"],
                "name": c.title.value,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": c.levels.iter().map(|l| json!({
                    "id": format!("{rd}/{}", l.id.value),
                    "type": ["RubricCriterionLevel"],
                    "name": l.label.value,
                    "description": l.descriptor.value,
                    "points": fmt_num(l.points.value),
                })).collect::<Vec<_>>(),
            });
            if let Some(req) = &c.required {
                d["requiredLevel"] = Value::String(format!("{rd}/{}", req.value));
            }
            d
        })
        .collect();
    let mut achievement =
        achievement_fields(issuer, &r.achievement, &achievement_id, version.is_some());
    achievement["resultDescription"] = Value::Array(result_descriptions);
    achievement
}

/// What every `Achievement` says of itself, a rubric's or a pathway's: id, type, name,
/// description, criteria, tags, image, alignments. `picture`: name the badge's picture
/// (published beside the achievement, or inside it) when the achievement has no image URL.
pub fn achievement_fields(
    issuer: &Issuer,
    ach: &crate::rubric::Achievement,
    achievement_id: &str,
    picture: bool,
) -> Value {
    let mut achievement = json!({
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ach.achievement_type.value,
        "name": ach.name.value,
        "description": ach.description.value.trim(),
        "criteria": {"narrative": ach.criteria.value.trim()},
    });
    if !ach.tags.is_empty() {
        achievement["tag"] = json!(ach.tags.iter().map(|t| t.value.clone()).collect::<Vec<_>>());
    }
    match &ach.image {
        Some(img) if !crate::rubric::image::is_file_name(&img.value) => {
            achievement["image"] = json!({"id": img.value, "type": "Image"});
        }
        _ if picture => {
            // The badge's picture (the rubric's own file, else the generated one): published
            // beside the achievement (`merit publish`), or inside it when the workspace asks.
            let own = ach.image_file.as_ref();
            let media = own.map_or("image/svg+xml", |o| o.media_type.as_str());
            let ext = if media == "image/png" { "png" } else { "svg" };
            let id = issuer
                .embed_images
                .then(|| crate::art::picture(&ach.name.value, own).ok())
                .flatten()
                .map(|p| p.data_uri(media))
                .unwrap_or_else(|| format!("{achievement_id}/image.{ext}"));
            achievement["image"] = json!({"id": id, "type": "Image", "caption": ach.name.value});
        }
        _ => {}
    }
    if !ach.alignments.is_empty() {
        achievement["alignment"] = Value::Array(
            ach.alignments
                .iter()
                .map(|al| {
                    let mut v = json!({
                        "type": ["Alignment"],
                        "targetName": al.name.value,
                        "targetUrl": al.url.value,
                    });
                    if let Some(f) = &al.framework {
                        v["targetFramework"] = Value::String(f.value.clone());
                    }
                    if let Some(c) = &al.code {
                        v["targetCode"] = Value::String(c.value.clone());
                    }
                    if let Some(d) = &al.description {
                        v["targetDescription"] = Value::String(d.value.clone());
                    }
                    if let Some(t) = &al.target_type {
                        v["targetType"] = Value::String(t.value.clone());
                    }
                    v
                })
                .collect(),
        );
    }
    achievement
}

/// The learner as a credential names them: a salted SHA-256 of their email (else name).
pub fn identity_object(name: &str, email: Option<&str>, salt: &str) -> Value {
    let (identity, identity_type) = match email {
        Some(e) => (e.trim().to_lowercase(), "emailAddress"),
        None => (name.to_string(), "name"),
    };
    let identity_hash = format!(
        "sha256${:x}",
        Sha256::digest(format!("{identity}{salt}").as_bytes())
    );
    json!({
        "type": "IdentityObject",
        "identityHash": identity_hash,
        "identityType": identity_type,
        "hashed": true,
        "salt": salt,
    })
}

/// A credential's revocation entry at status list index `index`.
pub fn status_entry(issuer: &Issuer, index: u64) -> Value {
    let (list, entry) = super::status::locate(index);
    let status_url = super::status::list_url(issuer, list);
    json!({
        "id": format!("{status_url}#{entry}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": entry.to_string(),
        "statusListCredential": status_url,
    })
}

/// The JSON schema an OB 3.0 credential names.
pub fn schema_entry() -> Value {
    json!([{
        "id": SCHEMA_URL,
        "type": "1EdTechJsonSchemaValidator2019",
    }])
}

/// What each evidence item of a credential recognising prior learning says of itself.
pub const PRIOR_LEARNING: &str = "Recognition of prior learning: evidence of what the learner \
     did before (work samples, references, a portfolio), assessed against the same criteria by \
     the same rules as course work.";

pub fn build(a: &AwardInput<'_>) -> Value {
    let r = a.rubric;
    let ach = &r.achievement;
    let achievement = match a.achievement {
        Some(v) => v.clone(),
        None => achievement(a.issuer, r),
    };
    // Results name the achievement's own criteria, whatever version its id names.
    let achievement_id = achievement["id"].as_str().map_or_else(
        || a.issuer.achievement_url(&r.id.value, None),
        str::to_string,
    );
    let results_id = |cid: &str| format!("{achievement_id}#criterion-{cid}");
    let results: Vec<Value> = r
        .criteria
        .iter()
        .filter_map(|c| {
            let level = a.levels.get(&c.id.value)?;
            Some(json!({
                "type": ["Result"],
                "resultDescription": results_id(&c.id.value),
                "achievedLevel": format!("{}/{level}", results_id(&c.id.value)),
                "status": "Completed",
            }))
        })
        .collect();
    let evidence: Vec<Value> = a
        .artifacts
        .iter()
        .map(|art| {
            let requirement = art
                .requirement
                .as_deref()
                .and_then(|req| r.evidence.iter().find(|e| e.id.value == req))
                .map(|e| e.title.value.clone());
            let mut e = json!({
                "type": ["Evidence"],
                "name": art.name,
                "genre": requirement.clone().unwrap_or_else(|| art.kind.clone()),
            });
            // `genre` names the requirement; how the evidence came about is its description.
            if a.route == crate::vocabulary::Route::PriorLearning {
                e["description"] = Value::String(PRIOR_LEARNING.into());
            }
            match (&art.sha256, &art.url) {
                (Some(h), _) => {
                    if let Some(ni) = ni_uri(h) {
                        e["id"] = Value::String(ni);
                    }
                    e["narrative"] = Value::String(format!(
                        "The {} assessed for this credential has SHA-256 {h}.",
                        art.kind
                    ));
                }
                (None, Some(u)) => {
                    e["id"] = Value::String(u.clone());
                    e["narrative"] = Value::String("A link submitted as evidence.".into());
                }
                _ => {}
            }
            e
        })
        .collect();
    open_badge(&Envelope {
        credential_id: a.credential_id,
        issuer: a.issuer,
        achievement: ach,
        issued_at: a.issued_at,
        subject: json!({
            "type": ["AchievementSubject"],
            "identifier": [identity_object(a.learner_name, a.learner_email, a.salt)],
            "achievement": achievement,
            "result": results,
        }),
        evidence,
        status_index: a.status_index,
        valid_until: a.valid_until,
    })
}

/// What every `OpenBadgeCredential` Merit issues is made of around its subject and evidence.
pub struct Envelope<'a> {
    pub credential_id: &'a str,
    pub issuer: &'a Issuer,
    /// Its name and description are the credential's.
    pub achievement: &'a crate::rubric::Achievement,
    pub issued_at: &'a str,
    pub subject: Value,
    pub evidence: Vec<Value>,
    pub status_index: u64,
    pub valid_until: Option<&'a str>,
}

/// The unsigned credential: contexts, types, issuer, dates, subject, evidence, revocation
/// entry and schema.
pub fn open_badge(e: &Envelope<'_>) -> Value {
    let mut cred = json!({
        "@context": [contexts::CREDENTIALS_V2, contexts::OB_V3P0, contexts::OB_EXTENSIONS],
        "id": e.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": e.achievement.name.value,
        "description": e.achievement.description.value.trim(),
        "issuer": e.issuer.profile(),
        "validFrom": e.issued_at,
        "awardedDate": e.issued_at,
        "credentialSubject": e.subject,
        "evidence": e.evidence,
        "credentialStatus": status_entry(e.issuer, e.status_index),
        "credentialSchema": schema_entry(),
    });
    if let Some(until) = e.valid_until {
        cred["validUntil"] = Value::String(until.to_string());
    }
    cred
}

#[cfg(test)]
mod image_tests {
    use super::*;

    fn issuer() -> Issuer {
        Issuer {
            did: "did:key:z6Mk".into(),
            verification_method: "did:key:z6Mk#z6Mk".into(),
            name: "I".into(),
            url: "https://badges.example.org/".into(),
            email: None,
            embed_images: false,
        }
    }

    /// New achievements name their image on the issuer's site, beside their versioned id;
    /// a rubric's own image wins; the unversioned form (credentials issued before) names none.
    #[test]
    fn achievement_image() {
        let (_, src) = crate::rubric::BUNDLED[1];
        let mut r = crate::rubric::parse(src.as_bytes()).unwrap();
        let a = achievement_of_version(&issuer(), &r, Some(3));
        let id = a["id"].as_str().unwrap();
        assert!(id.ends_with("/v3"), "{id}");
        assert_eq!(a["image"]["id"], format!("{id}/image.svg"));
        assert_eq!(a["image"]["type"], "Image");
        assert!(achievement(&issuer(), &r).get("image").is_none());
        let span = r.achievement.name.span;
        r.achievement.image = Some(crate::rubric::Spanned::new(
            "https://cdn.example.org/b.png".to_string(),
            span,
        ));
        let a = achievement_of_version(&issuer(), &r, Some(3));
        assert_eq!(a["image"]["id"], "https://cdn.example.org/b.png");
    }
}
