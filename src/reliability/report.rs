//! The reliability report: per criterion, for the decision and per assessor, over the
//! double-marked work a filter selects (see `merit reliability`).

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use serde::Serialize;

use super::stats::{self, Metric, Pair};
use crate::store::Store;
use crate::store::reliability::{MarkedPair, PairFilter};

/// Fewer pairs than this give "too few to judge" rather than a number.
pub const MIN_PAIRS: usize = 10;
/// Bootstrap resamples for each interval.
pub const RESAMPLES: usize = 2000;
/// The generator's seed when none is given: the same intervals every run.
pub const DEFAULT_SEED: u64 = 20_260_101;
pub const TOO_FEW: &str = "too few to judge";

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub criteria: Vec<CriterionReport>,
    pub decision: DecisionReport,
    pub assessors: Vec<AssessorReport>,
    pub seed: u64,
    pub resamples: usize,
    /// Pairs left out of a criterion because its levels differ between rubric versions.
    pub skipped: usize,
    /// Each assessor's calibration per rubric (latest round).
    pub calibration: Vec<crate::store::calibration::CalibrationRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CriterionReport {
    pub rubric: String,
    pub id: String,
    pub title: String,
    /// Level names, lowest first (the rubric's order).
    pub levels: Vec<String>,
    pub n: usize,
    pub exact: Option<f64>,
    pub adjacent: Option<f64>,
    /// Quadratic-weighted Cohen's kappa.
    pub kappa: Option<f64>,
    pub kappa_ci: Option<[f64; 2]>,
    /// Krippendorff's alpha, ordinal.
    pub alpha: Option<f64>,
    pub alpha_ci: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
    /// Counts: row = the first assessor's level, column = the second's.
    pub matrix: Vec<Vec<usize>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DecisionReport {
    pub n: usize,
    pub agreement: Option<f64>,
    /// Cohen's kappa on meets / not yet.
    pub kappa: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssessorReport {
    pub name: String,
    /// Double-marked submissions they assessed.
    pub n: usize,
    /// Share of their criterion levels equal to the co-assessor's.
    pub agreement: Option<f64>,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
    /// Per criterion (`rubric/criterion`), how often they gave each level, lowest first.
    pub levels_given: BTreeMap<String, Vec<usize>>,
}

/// The mean level difference from the co-assessor, in levels: below zero marks harder,
/// above zero softer.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Severity {
    pub overall: Option<f64>,
    pub criteria: BTreeMap<String, f64>,
}

/// A criterion's scale, as one rubric version has it.
struct Scale {
    rubric: String,
    title: String,
    level_ids: Vec<String>,
    labels: Vec<String>,
}

/// Builds the report for `actor` (a lead) over what `filter` selects.
pub fn build(store: &mut Store, actor: &str, filter: &PairFilter, seed: u64) -> Result<Report> {
    let pairs = store.double_marked(actor, filter)?;
    let mut rubrics: HashMap<String, crate::rubric::Rubric> = HashMap::new();
    for p in &pairs {
        if !rubrics.contains_key(&p.rubric_hash) {
            rubrics.insert(p.rubric_hash.clone(), store.load_rubric(&p.rubric_hash)?);
        }
    }
    let mut report = compute(&pairs, &rubrics, seed);
    report.calibration = store.calibration_rows(actor)?;
    Ok(report)
}

/// The report from the pairs and the rubric versions they were marked on (by hash).
pub fn compute(
    pairs: &[MarkedPair],
    rubrics: &HashMap<String, crate::rubric::Rubric>,
    seed: u64,
) -> Report {
    // Criteria in the order they first appear; each with its scale and its pairs.
    let mut order: Vec<String> = Vec::new();
    let mut scales: HashMap<String, Scale> = HashMap::new();
    let mut level_pairs: HashMap<String, Vec<Pair>> = HashMap::new();
    let mut skipped = 0;
    // Per assessor: submissions, agreements, level differences per criterion, levels given.
    #[derive(Default)]
    struct Acc {
        n: usize,
        same: usize,
        compared: usize,
        diffs: BTreeMap<String, Vec<f64>>,
        given: BTreeMap<String, Vec<usize>>,
    }
    let mut people: BTreeMap<String, Acc> = BTreeMap::new();
    let mut decisions: Vec<Pair> = Vec::new();
    for p in pairs {
        let Some(r) = rubrics.get(&p.rubric_hash) else {
            continue;
        };
        let code = |d: &str| usize::from(d != "meets");
        decisions.push((code(&p.first.decision), code(&p.second.decision)));
        people.entry(p.first.assessor.clone()).or_default().n += 1;
        people.entry(p.second.assessor.clone()).or_default().n += 1;
        let second: HashMap<&str, &str> = p
            .second
            .levels
            .iter()
            .map(|(c, l)| (c.as_str(), l.as_str()))
            .collect();
        for c in &r.criteria {
            let key = format!("{}/{}", r.id.value, c.id.value);
            let ids: Vec<String> = c.levels.iter().map(|l| l.id.value.clone()).collect();
            let scale = scales.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                Scale {
                    rubric: r.id.value.clone(),
                    title: c.title.value.clone(),
                    level_ids: ids.clone(),
                    labels: c.levels.iter().map(|l| l.label.value.clone()).collect(),
                }
            });
            let first = p
                .first
                .levels
                .iter()
                .find(|(cid, _)| *cid == c.id.value)
                .map(|(_, l)| l.as_str());
            let (Some(a), Some(b)) = (first, second.get(c.id.value.as_str()).copied()) else {
                continue;
            };
            if scale.level_ids != ids {
                skipped += 1;
                continue;
            }
            let at = |l: &str| scale.level_ids.iter().position(|x| x == l);
            let (Some(i), Some(j)) = (at(a), at(b)) else {
                continue;
            };
            let k = scale.level_ids.len();
            level_pairs.entry(key.clone()).or_default().push((i, j));
            for (who, mine, theirs) in [(&p.first.assessor, i, j), (&p.second.assessor, j, i)] {
                let acc = people.entry(who.clone()).or_default();
                acc.compared += 1;
                acc.same += usize::from(mine == theirs);
                acc.diffs
                    .entry(key.clone())
                    .or_default()
                    .push(mine as f64 - theirs as f64);
                acc.given.entry(key.clone()).or_insert_with(|| vec![0; k])[mine] += 1;
            }
        }
    }
    let ci = |pairs: &[Pair], salt: u64, f: &dyn Fn(&[Pair]) -> Option<f64>| {
        stats::bootstrap(pairs, RESAMPLES, seed ^ salt, f).map(|(lo, hi)| [lo, hi])
    };
    let criteria = order
        .iter()
        .enumerate()
        .map(|(n, key)| {
            let scale = &scales[key];
            let k = scale.level_ids.len();
            let ps = level_pairs.get(key).cloned().unwrap_or_default();
            let mut matrix = vec![vec![0; k]; k];
            for (a, b) in &ps {
                matrix[*a][*b] += 1;
            }
            let enough = ps.len() >= MIN_PAIRS;
            let judged = |v: Option<f64>| v.filter(|_| enough);
            let kappa = |p: &[Pair]| stats::quadratic_kappa(p, k);
            let alpha = |p: &[Pair]| stats::alpha_pairs(p, k, Metric::Ordinal);
            // Each interval its own stream, so adding a criterion changes no other's.
            let salt = (n as u64 + 1) * 0x9E37_79B9;
            CriterionReport {
                rubric: scale.rubric.clone(),
                id: key
                    .split_once('/')
                    .map_or(key.as_str(), |(_, c)| c)
                    .to_string(),
                title: scale.title.clone(),
                levels: scale.labels.clone(),
                n: ps.len(),
                exact: judged(stats::exact(&ps)),
                adjacent: judged(stats::adjacent(&ps)),
                kappa: judged(kappa(&ps)),
                kappa_ci: if enough { ci(&ps, salt, &kappa) } else { None },
                alpha: judged(alpha(&ps)),
                alpha_ci: if enough {
                    ci(&ps, salt + 1, &alpha)
                } else {
                    None
                },
                note: (!enough).then_some(TOO_FEW),
                matrix,
            }
        })
        .collect();
    let enough = decisions.len() >= MIN_PAIRS;
    let decision = DecisionReport {
        n: decisions.len(),
        agreement: stats::exact(&decisions).filter(|_| enough),
        kappa: stats::cohen_kappa(&decisions, 2).filter(|_| enough),
        note: (!enough).then_some(TOO_FEW),
    };
    let assessors = people
        .into_iter()
        .map(|(name, acc)| {
            let enough = acc.n >= MIN_PAIRS;
            let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
            let all: Vec<f64> = acc.diffs.values().flatten().copied().collect();
            let severity = if enough {
                Severity {
                    overall: mean(&all),
                    criteria: acc
                        .diffs
                        .iter()
                        .filter_map(|(c, v)| mean(v).map(|m| (c.clone(), m)))
                        .collect(),
                }
            } else {
                Severity::default()
            };
            AssessorReport {
                name,
                n: acc.n,
                agreement: (enough && acc.compared > 0)
                    .then(|| acc.same as f64 / acc.compared as f64),
                severity,
                note: (!enough).then_some(TOO_FEW),
                levels_given: acc.given,
            }
        })
        .collect();
    Report {
        criteria,
        decision,
        assessors,
        seed,
        resamples: RESAMPLES,
        skipped,
        calibration: Vec::new(),
    }
}

/// A number to three decimals, or the reason there is none.
pub fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| TOO_FEW.to_string(), |x| format!("{x:.3}"))
}

/// The report as text: a block per criterion with its agreement matrix, the decision, then
/// each assessor.
pub fn text(r: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let ci = |c: Option<[f64; 2]>| c.map_or(String::new(), |[a, b]| format!(" [{a:.3}, {b:.3}]"));
    for c in &r.criteria {
        let safe = crate::sanitize::line;
        let _ = writeln!(
            out,
            "{} / {} — {} ({} pairs)",
            safe(&c.rubric),
            safe(&c.id),
            safe(&c.title),
            c.n
        );
        if let Some(note) = c.note {
            let _ = writeln!(out, "  {note}");
        } else {
            let _ = writeln!(
                out,
                "  exact {}  adjacent {}  weighted kappa {}{}  alpha {}{}",
                fmt(c.exact),
                fmt(c.adjacent),
                fmt(c.kappa),
                ci(c.kappa_ci),
                fmt(c.alpha),
                ci(c.alpha_ci)
            );
        }
        out.push_str(&matrix_text(c));
        out.push('\n');
    }
    let d = &r.decision;
    let _ = writeln!(
        out,
        "decision (meets / not yet), {} pairs: agreement {}  kappa {}",
        d.n,
        fmt(d.agreement),
        fmt(d.kappa)
    );
    out.push_str(
        "\nassessor              marked  agreement  severity (levels; below 0 is harder)\n",
    );
    for a in &r.assessors {
        let sev = a
            .severity
            .overall
            .map_or(TOO_FEW.to_string(), |s| format!("{s:+.3}"));
        let _ = writeln!(
            out,
            "{:<20} {:>7}  {:>9}  {}",
            crate::sanitize::line(&a.name),
            a.n,
            a.agreement.map_or("—".to_string(), |x| format!("{x:.3}")),
            sev
        );
    }
    if !r.calibration.is_empty() {
        out.push_str("\ncalibration\n");
    }
    for c in &r.calibration {
        let _ = writeln!(
            out,
            "{:<20} {:<20} {}",
            crate::sanitize::line(&c.assessor),
            crate::sanitize::line(&c.rubric_id),
            c.describe()
        );
    }
    let _ = writeln!(
        out,
        "\nintervals: bootstrap 95%, {} resamples, seed {}",
        r.resamples, r.seed
    );
    if r.skipped > 0 {
        let _ = writeln!(
            out,
            "{} pair(s) left out: their criterion's levels differ between rubric versions",
            r.skipped
        );
    }
    out
}

/// The agreement matrix as text: the first assessor's level down, the second's across.
pub fn matrix_text(c: &CriterionReport) -> String {
    let w = c
        .levels
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let cell = 5;
    let mut out = format!("  {:w$}  ", "1st \\ 2nd");
    for j in 0..c.levels.len() {
        out.push_str(&format!("{:>cell$}", j + 1));
    }
    out.push('\n');
    for (i, row) in c.matrix.iter().enumerate() {
        let label = crate::tui::widgets::fit(&crate::sanitize::line(&c.levels[i]), w);
        out.push_str(&format!("  {}{label:w$}  ", i + 1));
        for n in row {
            out.push_str(&format!("{n:>cell$}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rubric text and names reach the terminal only through `sanitize::line`.
    #[test]
    fn text_output_neutralises_escape_sequences() {
        let c = CriterionReport {
            rubric: "r\x1b[2J".into(),
            id: "c".into(),
            title: "Title\x1b]0;owned\x07".into(),
            levels: vec!["low\x1b[31m".into(), "high".into()],
            n: 0,
            exact: None,
            adjacent: None,
            kappa: None,
            kappa_ci: None,
            alpha: None,
            alpha_ci: None,
            note: Some(TOO_FEW),
            matrix: vec![vec![0, 0], vec![0, 0]],
        };
        let r = Report {
            criteria: vec![c],
            decision: DecisionReport {
                n: 0,
                agreement: None,
                kappa: None,
                note: Some(TOO_FEW),
            },
            assessors: vec![AssessorReport {
                name: "eve\x1b[8m".into(),
                n: 0,
                agreement: None,
                severity: Severity::default(),
                note: Some(TOO_FEW),
                levels_given: BTreeMap::new(),
            }],
            seed: 1,
            resamples: RESAMPLES,
            skipped: 0,
            calibration: Vec::new(),
        };
        let out = text(&r);
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
        assert!(out.contains("Title"), "{out}");
    }
}
