//! Program credentials: an `OpenBadgeCredential` for a pathway earned. Its achievement is the
//! pathway's, its criteria name the component achievements, and its evidence names each
//! component credential by id and by `digestMultibase` (a SHA-256 of the component's JCS
//! form), so that a verifier holding the components can tell they are the ones it rests on.

use std::time::{Duration, SystemTime};

use anyhow::Result;
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::build::{self, Issuer};
use crate::pathway::{Pathway, Validity};

/// A program achievement's id: `…/programs/<pathway>/v<N>` (apart from rubric achievements,
/// so that a pathway and a rubric may share an id).
pub fn achievement_url(issuer: &Issuer, pathway_id: &str, version: i64) -> String {
    format!(
        "{}/programs/{pathway_id}/v{version}",
        issuer.url.trim_end_matches('/')
    )
}

/// The `Achievement` of pathway version `version`; its criteria end with the requirements,
/// each component named with its achievement's address (`titles`: rubric id → name).
pub fn achievement(
    issuer: &Issuer,
    p: &Pathway,
    version: i64,
    titles: &dyn Fn(&str) -> String,
) -> Value {
    let id = achievement_url(issuer, &p.id.value, version);
    let mut a = build::achievement_fields(issuer, &p.achievement, &id, true);
    let mut lines = Vec::new();
    p.requires.lines(0, &mut lines);
    let named: Vec<String> = lines
        .iter()
        .map(|l| {
            let item = l.trim_start();
            let pad = &l[..l.len() - item.len()];
            if item.ends_with(':') {
                format!("{pad}- {item}")
            } else {
                format!(
                    "{pad}- {} ({})",
                    titles(item),
                    issuer.achievement_url(item, None)
                )
            }
        })
        .collect();
    a["criteria"]["narrative"] = Value::String(format!(
        "{}\n\nRequires:\n{}",
        p.achievement.criteria.value.trim(),
        named.join("\n")
    ));
    a
}

/// `digestMultibase` of a credential: a multibase (`u`, base64url) multihash (SHA-256) of
/// its JCS (RFC 8785) form.
pub fn digest_multibase(credential: &Value) -> Result<String> {
    let mut hasher = Sha256::new();
    super::canon::jcs_into(credential, &mut HashWriter(&mut hasher))?;
    let mut bytes = vec![0x12, 0x20];
    bytes.extend_from_slice(&hasher.finalize());
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One component credential a program credential rests on.
pub struct Component<'a> {
    pub credential: &'a Value,
}

/// What a program credential is built from.
pub struct ProgramInput<'a> {
    pub credential_id: &'a str,
    pub issuer: &'a Issuer,
    pub pathway: &'a Pathway,
    pub achievement: &'a Value,
    pub learner_name: &'a str,
    pub learner_email: Option<&'a str>,
    pub salt: &'a str,
    pub components: &'a [Component<'a>],
    pub issued_at: &'a str,
    pub now: SystemTime,
    pub status_index: u64,
}

/// When a program credential stops being valid: the program's own `valid_for_days` from
/// `now`, and (unless the pathway says `validity: own`) no later than the earliest
/// `validUntil` of its components. `None`: it does not expire.
pub fn valid_until(p: &Pathway, now: SystemTime, components: &[Component<'_>]) -> Option<String> {
    let own = p
        .achievement
        .valid_for_days
        .as_ref()
        .map(|d| now + Duration::from_secs(u64::from(d.value) * 86_400));
    let earliest = match p.validity {
        Validity::Own => None,
        Validity::Components => components
            .iter()
            .filter_map(|c| c.credential["validUntil"].as_str())
            .filter_map(|s| super::dates::parse(s).ok())
            .min(),
    };
    let until = match (own, earliest) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }?;
    Some(super::issue::rfc3339(until))
}

/// The unsigned program credential.
pub fn build(a: &ProgramInput<'_>) -> Result<Value> {
    let ach = &a.pathway.achievement;
    let mut evidence = Vec::with_capacity(a.components.len());
    for c in a.components {
        let name = c.credential["credentialSubject"]["achievement"]["name"]
            .as_str()
            .unwrap_or("a component badge");
        evidence.push(json!({
            "id": c.credential["id"],
            "type": ["Evidence"],
            "name": name,
            "genre": "Component credential",
            "narrative": format!(
                "The {name} credential this program credential rests on; its SHA-256 (JCS) \
                 is in digestMultibase."
            ),
            "digestMultibase": digest_multibase(c.credential)?,
        }));
    }
    let until = valid_until(a.pathway, a.now, a.components);
    Ok(build::open_badge(&build::Envelope {
        credential_id: a.credential_id,
        issuer: a.issuer,
        achievement: ach,
        issued_at: a.issued_at,
        subject: json!({
            "type": ["AchievementSubject"],
            "identifier": [build::identity_object(a.learner_name, a.learner_email, a.salt)],
            "achievement": a.achievement,
        }),
        evidence,
        status_index: a.status_index,
        valid_until: until.as_deref(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pathway(extra: &str) -> Pathway {
        let text = format!(
            "id: p\ntitle: P\nachievement:\n  name: P\n  description: d\n  criteria: c\n  type: Certificate\n{extra}requires:\n  all: [a, b]\n"
        );
        crate::pathway::parse(text.as_bytes()).unwrap()
    }

    fn component(until: Option<&str>) -> Value {
        let mut c =
            json!({"id": "urn:uuid:1", "credentialSubject": {"achievement": {"name": "A"}}});
        if let Some(u) = until {
            c["validUntil"] = json!(u);
        }
        c
    }

    #[test]
    fn validity_ends_with_the_earliest_component() {
        let now = super::super::dates::parse("2026-01-01T00:00:00Z").unwrap();
        let (a, b) = (
            component(Some("2027-06-01T00:00:00Z")),
            component(Some("2026-09-01T00:00:00Z")),
        );
        let never = component(None);
        let cs = [
            Component { credential: &a },
            Component { credential: &b },
            Component { credential: &never },
        ];
        let p = pathway("");
        assert_eq!(
            valid_until(&p, now, &cs).as_deref(),
            Some("2026-09-01T00:00:00Z")
        );
        // The program's own validity wins when it is shorter.
        let short = pathway("").achievement.valid_for_days;
        assert!(short.is_none());
        let mut p30 = pathway("");
        p30.achievement.valid_for_days =
            Some(crate::rubric::Spanned::new(30, p30.achievement.name.span));
        assert_eq!(
            valid_until(&p30, now, &cs).as_deref(),
            Some("2026-01-31T00:00:00Z")
        );
        // `validity: own`: the components do not count.
        let own = pathway("validity: own\n");
        assert_eq!(valid_until(&own, now, &cs), None);
        assert_eq!(
            valid_until(&p, now, &[Component { credential: &never }]),
            None
        );
    }

    #[test]
    fn digest_multibase_is_a_sha256_multihash_of_the_jcs_form() {
        let a = json!({"b": 1, "a": [true, null]});
        let b = json!({"a": [true, null], "b": 1});
        let d = digest_multibase(&a).unwrap();
        assert_eq!(d, digest_multibase(&b).unwrap());
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&d[1..])
            .unwrap();
        assert_eq!(&raw[..2], &[0x12, 0x20]);
        assert_eq!(
            &raw[2..],
            Sha256::digest(br#"{"a":[true,null],"b":1}"#).as_slice()
        );
        assert_ne!(
            d,
            digest_multibase(&json!({"b": 2, "a": [true, null]})).unwrap()
        );
    }
}
