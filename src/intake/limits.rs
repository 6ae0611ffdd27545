//! How long each imported field may be. A learner's id, name and email are shown on every
//! screen and in every credential; a field of megabytes would make every start of the
//! workbench slow and every page huge, so it is refused with the row that holds it.

use crate::store::LearnerInput;

/// Bytes of a learner id.
pub const LEARNER_ID_BYTES: usize = 128;
/// Characters of a learner's name.
pub const NAME_CHARS: usize = 256;
/// Bytes of an email address (RFC 5321's path limit).
pub const EMAIL_BYTES: usize = 254;
/// Bytes of an evidence URL.
pub const URL_BYTES: usize = 2048;
/// Characters of a cohort's display name.
pub const COHORT_NAME_CHARS: usize = 200;
/// Bytes of one line of a CSV manifest: far more than any row needs.
pub const MANIFEST_LINE_BYTES: usize = 64 * 1024;
/// Bytes of a CSV manifest (some 100,000 rows); a larger one is refused before it is parsed.
pub const MANIFEST_BYTES: u64 = 32 * 1024 * 1024;

fn too_long(what: &str, len: usize, unit: &str, max: usize) -> String {
    format!("{what} is {len} {unit} long; at most {max} are allowed")
}

/// What is wrong with a learner's fields, if anything.
pub fn learner(l: &LearnerInput) -> Result<(), String> {
    if l.key.len() > LEARNER_ID_BYTES {
        return Err(too_long(
            "the learner id",
            l.key.len(),
            "bytes",
            LEARNER_ID_BYTES,
        ));
    }
    let chars = l.name.chars().count();
    if chars > NAME_CHARS {
        return Err(too_long(
            "the learner's name",
            chars,
            "characters",
            NAME_CHARS,
        ));
    }
    if let Some(e) = &l.email
        && e.len() > EMAIL_BYTES
    {
        return Err(too_long("the email address", e.len(), "bytes", EMAIL_BYTES));
    }
    Ok(())
}

/// What is wrong with an evidence URL's length, if anything.
pub fn url(u: &str) -> Result<(), String> {
    if u.len() > URL_BYTES {
        return Err(too_long("the URL", u.len(), "bytes", URL_BYTES));
    }
    Ok(())
}

/// What is wrong with a cohort's display name, if anything.
pub fn cohort_name(n: &str) -> Result<(), String> {
    let chars = n.chars().count();
    if chars > COHORT_NAME_CHARS {
        return Err(too_long(
            "the cohort name",
            chars,
            "characters",
            COHORT_NAME_CHARS,
        ));
    }
    Ok(())
}
