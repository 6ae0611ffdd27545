//! Checks of meaning, after the structure has been read: ids, levels, thresholds, URLs.

use std::collections::HashSet;

use super::model::{Criterion, Rubric, Spanned};
use super::problem::Problem;

/// Artifact kinds an evidence requirement may ask for.
pub const ARTIFACT_KINDS: &[&str] = &[
    "text", "markdown", "code", "csv", "image", "pdf", "url", "video", "audio", "document", "any",
];

/// OB 3.0 `achievementType` values (the spec's closed list; `ext:` names extend it).
pub const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

/// Most levels a criterion may have: assessors pick them with the keys 1–9.
pub const MAX_LEVELS: usize = 9;

/// The badge's fields, for rubrics and pathways alike.
pub(crate) fn achievement(a: &super::model::Achievement, out: &mut Vec<Problem>) {
    not_empty(&a.name, "`achievement.name`", out);
    not_empty(&a.description, "`achievement.description`", out);
    not_empty(&a.criteria, "`achievement.criteria`", out);
    let t = &a.achievement_type;
    if !ACHIEVEMENT_TYPES.contains(&t.value.as_str()) && !is_ext_type(&t.value) {
        out.push(
            Problem::new(t.span, format!("unknown achievement type `{}`", t.value))
                .with_hint("use an Open Badges 3.0 type such as MicroCredential, Badge or Certificate, or `ext:YourType`"),
        );
    }
    if let Some(img) = &a.image {
        if super::image::is_file_name(&img.value) {
            if let Err(why) = super::image::check_file_name(&img.value) {
                out.push(Problem::new(img.span, format!("`image` `{}` {why}", img.value)).with_hint(
                    "name a .png or .svg file in the rubric's folder (or below it), or an https:// address",
                ));
            }
        } else {
            url(img, "`image`", out);
        }
    }
    for al in &a.alignments {
        not_empty(&al.name, "alignment `name`", out);
        url(&al.url, "alignment `url`", out);
    }
}

pub fn check(r: &Rubric, out: &mut Vec<Problem>) {
    slug(&r.id, "rubric id", out);
    not_empty(&r.title, "the rubric's `title`", out);
    achievement(&r.achievement, out);

    let mut evidence_ids = HashSet::new();
    for e in &r.evidence {
        slug(&e.id, "evidence id", out);
        if !e.id.value.is_empty() && !evidence_ids.insert(e.id.value.as_str()) {
            out.push(Problem::new(
                e.id.span,
                format!("duplicate evidence id `{}`", e.id.value),
            ));
        }
        not_empty(&e.title, "evidence `title`", out);
        for k in &e.kinds {
            if !ARTIFACT_KINDS.contains(&k.value.as_str()) {
                out.push(
                    Problem::new(k.span, format!("unknown artifact kind `{}`", k.value))
                        .with_hint(format!("known kinds: {}", ARTIFACT_KINDS.join(", "))),
                );
            }
        }
    }

    if r.criteria.is_empty() {
        out.push(
            Problem::new(r.criteria_span, "the rubric has no criteria")
                .with_hint("add a `criteria:` list with at least one criterion and its levels"),
        );
    }
    let mut criterion_ids = HashSet::new();
    for c in &r.criteria {
        slug(&c.id, "criterion id", out);
        if !c.id.value.is_empty() && !criterion_ids.insert(c.id.value.as_str()) {
            out.push(
                Problem::new(
                    c.id.span,
                    format!("duplicate criterion id `{}`", c.id.value),
                )
                .with_hint("scores are stored by criterion id, so each must be unique"),
            );
        }
        not_empty(&c.title, "criterion `title`", out);
        if c.weight.value.is_nan() || c.weight.value <= 0.0 {
            out.push(Problem::new(
                c.weight.span,
                format!("`weight` must be above 0, found {}", c.weight.value),
            ));
        }
        levels(c, out);
        for fb in &c.feedback {
            not_empty(fb, "a feedback-bank comment", out);
        }
    }

    let min = &r.pass.min_total;
    let max = r.max_total();
    if min.value < 0.0 {
        out.push(Problem::new(
            min.span,
            format!("`min_total` must not be negative, found {}", min.value),
        ));
    } else if min.value > max + 1e-9 && max.is_finite() && !r.criteria.is_empty() {
        out.push(
            Problem::new(
                min.span,
                format!(
                    "no submission can reach `min_total` {}: the highest weighted total is {}",
                    fmt_num(min.value),
                    fmt_num(max)
                ),
            )
            .with_hint("lower `min_total`, or raise weights or the points of top levels"),
        );
    }
}

fn levels(c: &Criterion, out: &mut Vec<Problem>) {
    if c.levels.len() < 2 {
        out.push(
            Problem::new(
                c.span,
                format!("criterion `{}` needs at least two levels", c.id.value),
            )
            .with_hint("a level list such as not-yet / meets lets the assessor choose"),
        );
    }
    if c.levels.len() > MAX_LEVELS {
        out.push(Problem::new(
            c.levels[MAX_LEVELS].id.span,
            format!(
                "criterion `{}` has {} levels; at most {MAX_LEVELS} (assessors pick them with keys 1–9)",
                c.id.value,
                c.levels.len()
            ),
        ));
    }
    let mut ids = HashSet::new();
    for (i, l) in c.levels.iter().enumerate() {
        slug(&l.id, "level id", out);
        if !l.id.value.is_empty() && !ids.insert(l.id.value.as_str()) {
            out.push(Problem::new(
                l.id.span,
                format!(
                    "duplicate level id `{}` in criterion `{}`",
                    l.id.value, c.id.value
                ),
            ));
        }
        not_empty(&l.label, "level `label`", out);
        not_empty(&l.descriptor, "level `descriptor`", out);
        if l.points.value < 0.0 {
            out.push(Problem::new(
                l.points.span,
                format!("`points` must not be negative, found {}", l.points.value),
            ));
        }
        if i > 0 {
            let prev = &c.levels[i - 1];
            if l.points.value.is_finite()
                && prev.points.value.is_finite()
                && l.points.value <= prev.points.value
            {
                out.push(
                    Problem::new(
                        l.points.span,
                        format!(
                            "level `{}` has {} points, not more than `{}` before it ({}); points must strictly increase",
                            l.id.value,
                            fmt_num(l.points.value),
                            prev.id.value,
                            fmt_num(prev.points.value)
                        ),
                    )
                    .with_hint("list levels from lowest to highest"),
                );
            }
        }
    }
    if let Some(req) = &c.required
        && c.level(&req.value).is_none()
    {
        let known: Vec<&str> = c.levels.iter().map(|l| l.id.value.as_str()).collect();
        out.push(
            Problem::new(
                req.span,
                format!(
                    "required level `{}` is not a level of criterion `{}`",
                    req.value, c.id.value
                ),
            )
            .with_hint(format!("levels are: {}", known.join(", "))),
        );
    }
}

fn not_empty(s: &Spanned<String>, what: &str, out: &mut Vec<Problem>) {
    if s.value.trim().is_empty() {
        out.push(Problem::new(s.span, format!("{what} is empty")));
    }
}

/// Ids are short slugs: letters, digits, `-` and `_`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) fn slug(s: &Spanned<String>, what: &str, out: &mut Vec<Problem>) {
    if s.value.is_empty() {
        out.push(Problem::new(s.span, format!("{what} is empty")));
    } else if !is_slug(&s.value) {
        out.push(
            Problem::new(s.span, format!("{what} `{}` is not a valid id", s.value))
                .with_hint("ids use letters, digits, `-` and `_` only (at most 64)"),
        );
    }
}

fn is_ext_type(s: &str) -> bool {
    s.strip_prefix("ext:").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '|'))
    })
}

fn url(s: &Spanned<String>, what: &str, out: &mut Vec<Problem>) {
    if let Err(why) = check_url(&s.value) {
        out.push(
            Problem::new(
                s.span,
                format!("{what} `{}` is not a valid URL: {why}", s.value),
            )
            .with_hint("write an absolute http:// or https:// address"),
        );
    }
}

/// An absolute http(s) URL with a host, per RFC 3986.
pub fn check_url(s: &str) -> Result<(), String> {
    let uri = fluent_uri::Uri::parse(s).map_err(|e| e.to_string())?;
    let scheme = uri.scheme().as_str().to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("scheme `{scheme}` is not http or https"));
    }
    match uri.authority() {
        Some(a) if !a.host().is_empty() => Ok(()),
        _ => Err("it has no host".into()),
    }
}

/// Formats a number without a trailing `.0` for whole values.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
