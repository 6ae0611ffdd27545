//! The learner view's lines: every attempt with its decision, levels and feedback, every
//! credential, and pathway progress, for the pager.

use crate::store::learner::LearnerRecord;
use crate::vocabulary;

/// Pager lines ('#' heading, '*' item, ' ' detail) and the title.
pub fn lines(r: &LearnerRecord) -> (String, Vec<(char, String)>) {
    let title = if r.blind {
        format!("{} (blind: only this cohort's work)", r.shown_as)
    } else {
        format!("{} · {}", r.shown_as, r.key)
    };
    let mut out = vec![('#', format!("Attempts ({})", r.attempts.len()))];
    if r.attempts.is_empty() {
        out.push((' ', "none".into()));
    }
    for a in &r.attempts {
        let route = if a.route == "prior-learning" {
            " · prior learning"
        } else {
            ""
        };
        out.push((
            '*',
            format!(
                "{} v{} · {} · attempt {} · {}{route} · submitted {}",
                a.rubric_title,
                a.version,
                a.cohort,
                a.attempt,
                vocabulary::word(&a.status),
                crate::store::format_time(a.created_at)
                    .get(..10)
                    .unwrap_or("")
            ),
        ));
        if a.withheld {
            out.push((
                ' ',
                "  levels withheld: it waits for its second marking, or is an exemplar".into(),
            ));
        }
        if let Some(by) = &a.decided_by {
            out.push((' ', format!("  decided by {by}")));
        }
        for (criterion, level, comment) in &a.levels {
            let comment = if comment.trim().is_empty() {
                String::new()
            } else {
                format!(" — {}", comment.trim())
            };
            out.push((' ', format!("  {criterion}: {level}{comment}")));
        }
        if !a.feedback.trim().is_empty() {
            out.push((' ', format!("  feedback: {}", a.feedback.trim())));
        }
    }
    out.push((' ', String::new()));
    out.push(('#', format!("Credentials ({})", r.credentials.len())));
    if r.credentials.is_empty() {
        out.push((' ', "none yet".into()));
    }
    for c in &r.credentials {
        out.push((
            '*',
            format!(
                "{} · {} {} · {}",
                c.rubric_title,
                c.state,
                crate::store::format_time(c.issued_at)
                    .get(..10)
                    .unwrap_or(""),
                c.credential_id
            ),
        ));
    }
    if !r.blind {
        out.push((' ', String::new()));
        out.push(('#', "Pathways".into()));
        if r.pathways.is_empty() {
            out.push((' ', "no pathways in this workspace".into()));
        }
        for p in &r.pathways {
            let standing = if p.missing.is_empty() {
                format!("{}: earned ({} of {})", p.title, p.held, p.of)
            } else {
                format!(
                    "{}: {} of {}: missing {}",
                    p.title,
                    p.held,
                    p.of,
                    p.missing.join(", ")
                )
            };
            out.push((
                '*',
                match &p.program {
                    Some(program) => format!("{standing} · {program}"),
                    None => standing,
                },
            ));
        }
    }
    (title, out)
}
