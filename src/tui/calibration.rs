//! What the workbench says around a calibration round: the introduction before the first
//! exemplar, and after each one the comparison with the lead's reference and notes.

use crate::calibration::Comparison;
use crate::store::calibration::{CalibrationTask, Scored};
use crate::vocabulary;

/// The note before the first exemplar of a round.
pub fn intro(task: &CalibrationTask, rubric: &str) -> String {
    format!(
        "Before live work on {rubric}, score {} exemplar(s) that a lead chose, as you would \
         any submission. The learner is hidden and nothing you enter here counts for them. \
         After each one you see the lead's reference, criterion by criterion, with why.",
        task.total
    )
}

/// Pager lines ('#' heading, '+' same, '-' differs, ' ' note) for one scored exemplar.
pub fn lines(s: &Scored) -> Vec<(char, String)> {
    let c: &Comparison = &s.comparison;
    let mut out = vec![(
        '#',
        format!(
            "Your decision: {}; the reference: {}",
            vocabulary::word(&c.decision),
            vocabulary::word(&c.reference_decision)
        ),
    )];
    for k in &c.criteria {
        if k.exact {
            out.push(('+', format!("{}: {} (the same)", k.title, k.yours)));
        } else {
            out.push((
                '-',
                format!(
                    "{}: you {}, the reference {}",
                    k.title, k.yours, k.reference
                ),
            ));
        }
        out.push((' ', format!("   why: {}", k.note)));
    }
    out.push((' ', String::new()));
    match (&s.outcome, s.next) {
        (Some(o), _) => {
            out.push((
                '#',
                format!("Calibration on {}: {}", s.rubric_id, o.summary()),
            ));
            out.push((
                ' ',
                if o.passed {
                    "Live work on this rubric is open to you now.".to_string()
                } else {
                    "Live work waits for a lead: they see this result and can let you \
                     through or open a new round."
                        .to_string()
                },
            ));
        }
        (None, Some(_)) => out.push((' ', "Esc: the next exemplar.".into())),
        (None, None) => {}
    }
    out
}
