//! Validation against both published variants of the Open Badges 3.0 AchievementCredential
//! JSON Schema (bundled: validation works offline). A credential must pass both.

use std::sync::OnceLock;

use serde_json::Value;

const SCHEMAS: &[(&str, &str)] = &[
    (
        "ob_v3p0_achievementcredential_schema.json",
        include_str!("../../schemas/ob_v3p0_achievementcredential_schema.json"),
    ),
    (
        "ob_v3p0_achievementcredential_schema.strict-2024.json",
        include_str!("../../schemas/ob_v3p0_achievementcredential_schema.strict-2024.json"),
    ),
];

/// The CLR 2.0 ClrCredential schema (1EdTech's), for learner records.
const CLR_SCHEMA: (&str, &str) = (
    "clr_v2p0_clrcredential_schema.json",
    include_str!("../../schemas/clr_v2p0_clrcredential_schema.json"),
);

/// Where a ClrCredential names its schema.
pub const CLR_SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json";

/// The violations of the CLR 2.0 schema (at most 10).
pub fn validate_clr(doc: &Value) -> Vec<String> {
    static V: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    let v = V.get_or_init(|| {
        serde_json::from_str::<Value>(CLR_SCHEMA.1)
            .map_err(|e| e.to_string())
            .and_then(|s| {
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&s)
                    .map_err(|e| e.to_string())
            })
    });
    let name = CLR_SCHEMA.0;
    match v {
        Ok(v) => v
            .iter_errors(doc)
            .take(10)
            .map(|e| {
                let at = e.instance_path().as_str().to_string();
                format!("{name}: {}: {e}", if at.is_empty() { "/" } else { &at })
            })
            .collect(),
        Err(e) => vec![format!("{name}: the bundled schema does not compile: {e}")],
    }
}

fn validators() -> &'static Vec<(&'static str, Result<jsonschema::Validator, String>)> {
    static V: OnceLock<Vec<(&'static str, Result<jsonschema::Validator, String>)>> =
        OnceLock::new();
    V.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(name, text)| {
                let v = serde_json::from_str::<Value>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|s| {
                        // `format` (date-time, date) is only an annotation in draft 2019-09
                        // unless asked for; a strict verifier (ajv with formats) checks it.
                        jsonschema::options()
                            .should_validate_formats(true)
                            .build(&s)
                            .map_err(|e| e.to_string())
                    });
                (*name, v)
            })
            .collect()
    })
}

/// Every schema violation, as `schema: /path: message` (at most 10 per schema).
pub fn validate(doc: &Value) -> Result<(), Vec<String>> {
    let problems: Vec<String> = (0..SCHEMAS.len())
        .flat_map(|i| problems_of(i, doc))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The violations of the schema published at the URL credentials name (`credentialSchema`),
/// and separately those of the stricter 2024 copy of it.
pub fn validate_published_and_strict(doc: &Value) -> (Vec<String>, Vec<String>) {
    (problems_of(0, doc), problems_of(1, doc))
}

fn problems_of(index: usize, doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, v) in validators().iter().skip(index).take(1) {
        match v {
            Ok(v) => {
                for e in v.iter_errors(doc).take(10) {
                    problems.push(format!(
                        "{name}: {}: {e}",
                        if e.instance_path().as_str().is_empty() {
                            "/"
                        } else {
                            e.instance_path().as_str()
                        }
                    ));
                }
            }
            Err(e) => problems.push(format!("{name}: the bundled schema does not compile: {e}")),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schemas' `format: date-time` is enforced: a date a strict verifier would reject
    /// fails here too, naming where.
    #[test]
    fn formats_are_checked() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ob3/examples/spec/basicOpenBadgeCredential.json");
        let text = std::fs::read_to_string(&path).expect("the shared spec examples");
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(validate(&doc), Ok(()));
        doc["validFrom"] = Value::from("2026-11-27 10:00");
        let problems = validate(&doc).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .all(|p| p.contains("/validFrom") && p.contains("date-time")),
            "{problems:?}"
        );
    }
}
