//! The plain JSON form that Merit writes and Open Badges 3.0 documents: the one form in which a
//! JSON key means the term a verifier reads it as.
//!
//! JSON-LD lets one statement be written many ways (a key as its full IRI, a value wrapped in
//! `@value`, `@type` for `type`, a context of one's own), and eddsa-rdfc-2022 signs the
//! statements, not the JSON. A verifier that reads JSON keys could then check one thing while
//! the signature covers another. So before anything else a credential must be in the plain
//! form: contexts from an allow-list only (the VC 2.0 context first), no JSON-LD keyword but
//! `@context` (at the top, and in a proof), no key that is an IRI or a compact IRI, and no list
//! that repeats an item (RDF keeps one of each, so a repeat would go unsigned).

use serde_json::Value;

use super::contexts;

/// The contexts a credential may name, the VC 2.0 context first.
pub const ALLOWED_CONTEXTS: &[&str] = &[
    contexts::CREDENTIALS_V2,
    contexts::OB_V3P0,
    contexts::OB_EXTENSIONS,
];

/// Checks that `doc` is in the plain form. The error names the offending key as a JSON pointer
/// and says what is wrong with it.
pub fn check(doc: &Value) -> Result<(), String> {
    check_with(doc, ALLOWED_CONTEXTS)
}

/// The contexts a CLR 2.0 learner record may name, the VC 2.0 context first.
pub const CLR_CONTEXTS: &[&str] = &[
    contexts::CREDENTIALS_V2,
    contexts::CLR_V2P0,
    contexts::OB_V3P0,
    contexts::OB_EXTENSIONS,
];

/// [`check`] of a CLR 2.0 `ClrCredential`: the record in the plain form with the CLR
/// contexts, and each credential it embeds (`credentialSubject.verifiableCredential`, which
/// carries its own `@context`) in the plain form of a credential.
pub fn check_clr(doc: &Value) -> Result<(), String> {
    let mut record = doc.clone();
    let embedded = record
        .get_mut("credentialSubject")
        .and_then(Value::as_object_mut)
        .and_then(|s| s.remove("verifiableCredential"));
    check_with(&record, CLR_CONTEXTS)?;
    let items = match &embedded {
        None => return Ok(()),
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
    };
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            return Err(format!(
                "/credentialSubject/verifiableCredential/{i}: the list repeats an item"
            ));
        }
        check(item).map_err(|e| format!("/credentialSubject/verifiableCredential/{i}{e}"))?;
    }
    Ok(())
}

fn check_with(doc: &Value, allowed: &[&str]) -> Result<(), String> {
    let Value::Object(top) = doc else {
        return Err("a credential is a JSON object".into());
    };
    check_contexts(top.get("@context"), allowed)?;
    for (k, v) in top {
        let path = pointer("", k);
        match k.as_str() {
            "@context" => {}
            "proof" => match v {
                Value::Array(items) => {
                    for (i, p) in items.iter().enumerate() {
                        check_proof(p, &format!("{path}/{i}"))?;
                    }
                }
                p => check_proof(p, &path)?,
            },
            _ => {
                check_key(k, &path)?;
                check_value(v, &path)?;
            }
        }
    }
    Ok(())
}

fn check_contexts(ctx: Option<&Value>, allowed: &[&str]) -> Result<(), String> {
    let list: Vec<&Value> = match ctx {
        None => return Err("/@context: missing: a credential names its JSON-LD contexts".into()),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let Value::String(url) = c else {
            return Err(format!(
                "/@context/{i}: an inline context is not allowed: Merit accepts only {}",
                allowed.join(", ")
            ));
        };
        if !allowed.contains(&url.as_str()) {
            return Err(format!(
                "/@context/{i}: the context {} is not one Merit accepts ({})",
                crate::sanitize::line(url),
                allowed.join(", ")
            ));
        }
        if seen.contains(&url.as_str()) {
            return Err(format!("/@context/{i}: the context {url} is named twice"));
        }
        seen.push(url);
    }
    if seen.first() != Some(&contexts::CREDENTIALS_V2) {
        return Err(format!(
            "/@context/0: the first context must be {}",
            contexts::CREDENTIALS_V2
        ));
    }
    Ok(())
}

/// A proof object: plain keys, and `@context` (eddsa-jcs-2022 signs the document's context
/// inside the proof; the proof check compares it with the document's).
fn check_proof(p: &Value, path: &str) -> Result<(), String> {
    let Value::Object(o) = p else {
        return Err(format!("{path}: a proof is a JSON object"));
    };
    for (k, v) in o {
        let path = pointer(path, k);
        if k == "@context" {
            continue;
        }
        check_key(k, &path)?;
        check_value(v, &path)?;
    }
    Ok(())
}

fn check_key(k: &str, path: &str) -> Result<(), String> {
    if k.is_empty() {
        return Err(format!("{path}: an empty key is not allowed"));
    }
    if k.starts_with('@') {
        let plain = match k {
            "@type" => " (write `type`)",
            "@id" => " (write `id`)",
            _ => "",
        };
        return Err(format!(
            "{path}: the JSON-LD keyword `{}` is not allowed in a credential{plain}",
            crate::sanitize::line(k)
        ));
    }
    if k.contains(':') {
        return Err(format!(
            "{path}: the key `{}` is an IRI, not one of the terms of the credential's contexts",
            crate::sanitize::line(k)
        ));
    }
    Ok(())
}

fn check_value(v: &Value, path: &str) -> Result<(), String> {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                let path = pointer(path, k);
                check_key(k, &path)?;
                check_value(v, &path)?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    return Err(format!("{path}/{i}: the list repeats an item"));
                }
                check_value(item, &format!("{path}/{i}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `parent/key` as a JSON pointer (RFC 6901 escapes), the key made safe to print.
fn pointer(parent: &str, key: &str) -> String {
    let escaped = key.replace('~', "~0").replace('/', "~1");
    format!("{parent}/{}", crate::sanitize::line(&escaped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "@context": [contexts::CREDENTIALS_V2, contexts::OB_V3P0],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"name": "x"}},
            "proof": [{"type": "DataIntegrityProof", "@context": [contexts::CREDENTIALS_V2]}],
        })
    }

    #[test]
    fn the_plain_form_passes() {
        check(&doc()).unwrap();
    }

    #[test]
    fn each_rule_names_the_key() {
        type Mutation = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (
                Box::new(|d| d["@type"] = json!("VerifiableCredential")),
                "/@type: the JSON-LD keyword `@type`",
            ),
            (
                Box::new(|d| d["credentialSubject"]["@comment"] = json!("hi")),
                "/credentialSubject/@comment",
            ),
            (
                Box::new(|d| {
                    d["https://www.w3.org/2018/credentials#validUntil"] = json!("2020-01-01")
                }),
                "is an IRI",
            ),
            (Box::new(|d| d["cred:validUntil"] = json!("x")), "is an IRI"),
            (
                Box::new(|d| d["@context"] = json!([contexts::CREDENTIALS_V2, {"x": "y"}])),
                "/@context/1: an inline context",
            ),
            (
                Box::new(|d| d["@context"] = json!([contexts::OB_V3P0])),
                "must be https://www.w3.org/ns/credentials/v2",
            ),
            (
                Box::new(|d| {
                    d["@context"] = json!([contexts::CREDENTIALS_V2, "https://evil.example/ctx"])
                }),
                "is not one Merit accepts",
            ),
            (
                Box::new(|d| {
                    d["type"] = json!(["VerifiableCredential", "VerifiableCredential"]);
                }),
                "/type/1: the list repeats an item",
            ),
            (
                Box::new(|d| d["credentialSubject"]["achievement"]["@value"] = json!("x")),
                "/credentialSubject/achievement/@value",
            ),
            (
                Box::new(|d| d["proof"][0]["@id"] = json!("x")),
                "/proof/0/@id",
            ),
            (
                Box::new(|d| d.as_object_mut().unwrap().clear()),
                "/@context: missing",
            ),
        ];
        for (mutate, expected) in cases {
            let mut d = doc();
            mutate(&mut d);
            let e = check(&d).unwrap_err();
            assert!(e.contains(expected), "{e} (expected {expected})");
        }
    }
}
