//! `merit demo`: a realistic workspace generated from the bundled rubrics, deterministic for a
//! seed. Learner folders are written under `sources/` and imported through the normal intake,
//! then some submissions are scored and some "not yet" learners resubmit.

mod files;
mod text;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::intake::{self, ImportOptions};
use crate::rubric::{self, Rubric};
use crate::store::{AssessmentInput, CriterionScore, RubricImport, Store};

pub struct DemoOptions {
    pub learners: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            learners: 40,
            seed: 1,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct DemoSummary {
    pub workspace: PathBuf,
    pub rubrics: Vec<String>,
    pub cohorts: Vec<DemoCohort>,
    pub learners: usize,
    pub submissions: usize,
    pub artifacts: usize,
    pub assessed: usize,
    pub not_yet: usize,
    pub second_attempts: usize,
    /// Sent to second marking by the lead (one of them with assessors who disagree).
    pub second_marking: usize,
    /// The pathway the demo loads, and how many learners hold meeting work for all of it.
    pub pathway: String,
    pub pathway_learners: usize,
    /// Learners who come by recognition of prior learning.
    pub prior_learning: usize,
    /// Exemplars the lead chose for calibration, on `calibration_rubric`.
    pub exemplars: usize,
    pub calibration_rubric: String,
    pub users: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DemoCohort {
    pub id: String,
    pub name: String,
    pub rubric: String,
    pub learners: usize,
}

const COHORTS: &[(&str, &str, &str)] = &[
    (
        "teach-2026-spring",
        "Teaching Practice — Spring 2026",
        "teaching-practice",
    ),
    ("data-2026-q2", "Data Cleaning — Q2 2026", "data-cleaning"),
    (
        "appsec-2026-1",
        "Secure Code Review — Cohort 1",
        "secure-code-review",
    ),
];

const ASSESSORS: &[&str] = &["amir", "bea"];

/// Creates the demo in `root` (which should not hold a workspace yet). `user` is the person
/// running it; they get every role so they can try every screen.
pub fn create(root: &Path, opts: &DemoOptions, user: &str) -> Result<DemoSummary> {
    let mut store = Store::create(root)?;
    // The account creating the workspace is its admin and lead, and builds the demo.
    let creator = crate::identity::process_account()?;
    let creator = creator.as_str();
    let seed = opts.seed;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut summary = DemoSummary {
        workspace: root.to_path_buf(),
        ..DemoSummary::default()
    };

    let mut rubrics: Vec<Rubric> = Vec::new();
    for (file, source) in rubric::BUNDLED {
        let r = rubric::parse(source.as_bytes())
            .map_err(|ps| anyhow::anyhow!("bundled rubric {file} is invalid: {}", ps[0]))?;
        // Built into the binary: there is no file to write back to.
        match store.import_rubric(&r, source, None, creator)? {
            RubricImport::New(v) | RubricImport::Unchanged(v) | RubricImport::Reverted(v) => {
                summary
                    .rubrics
                    .push(format!("{} (version {})", v.rubric_id, v.version));
            }
        }
        rubrics.push(r);
    }

    let people: [(&str, &[&str]); 4] = [
        ("lena", &["lead"]),
        ("amir", &["assessor"]),
        ("bea", &["assessor"]),
        ("ines", &["issuer"]),
    ];
    for (name, roles) in people {
        for role in roles {
            store.add_user(name, role, creator)?;
        }
        summary.users.push(format!("{name} ({})", roles.join(", ")));
    }
    for role in ["admin", "lead", "assessor", "issuer"] {
        store.add_user(user, role, creator)?;
    }
    summary
        .users
        .push(format!("{user} (admin, lead, assessor, issuer)"));

    // Deal learners to cohorts round-robin, each with a name, email and a quality level
    // that drives both the artifacts and how they are scored.
    let sources = root.join("sources");
    let mut used_keys = std::collections::HashSet::new();
    let mut per_cohort: Vec<Vec<DemoLearner>> = vec![Vec::new(); COHORTS.len()];
    for i in 0..opts.learners {
        let first = text::pick(&mut rng, text::FIRST);
        let last = text::pick(&mut rng, text::LAST);
        let mut key = format!("{}-{}", first.to_lowercase(), last.to_lowercase());
        if !used_keys.insert(key.clone()) {
            key = format!("{key}-{i}");
            used_keys.insert(key.clone());
        }
        per_cohort[i % COHORTS.len()].push(DemoLearner {
            key,
            name: format!("{first} {last}"),
            email: format!(
                "{}.{}@learners.example.org",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            quality: 0.25 + 0.75 * rng.f64(),
            prior: i % 9 == 4,
        });
        summary.prior_learning += usize::from(i % 9 == 4);
    }

    for (c, learners) in per_cohort.iter().enumerate() {
        let (cohort_id, cohort_name, rubric_id) = COHORTS[c];
        let Some(rubric) = rubrics.iter().find(|r| r.id.value == rubric_id) else {
            continue;
        };
        let dir = sources.join(cohort_id);
        for l in learners {
            write_learner(&dir, rubric_id, l, &mut rng, false)?;
        }
        let opts = ImportOptions {
            cohort: cohort_id,
            cohort_name: Some(cohort_name),
            rubric_id,
            actor: creator,
            blind: false,
            route: Default::default(),
            progress: false,
            before_open: None,
        };
        if !learners.is_empty() {
            intake::import(&mut store, &dir, &opts)
                .with_context(|| format!("importing demo cohort {cohort_id}"))?;
        }
        summary.cohorts.push(DemoCohort {
            id: cohort_id.into(),
            name: cohort_name.into(),
            rubric: rubric_id.into(),
            learners: learners.len(),
        });

        // Score about half; some of the "not yet" learners resubmit.
        let subs = store.cohort_submissions(cohort_id)?;
        let mut resubmit = Vec::new();
        for (n, (sub_id, key, _, _)) in subs.iter().enumerate() {
            let Some(l) = learners.iter().find(|l| &l.key == key) else {
                continue;
            };
            if n % 2 == 1 {
                continue;
            }
            let assessor = ASSESSORS[n / 2 % ASSESSORS.len()];
            let input = assessment(rubric, *sub_id, assessor, l.quality, &mut rng);
            let decision = store.submit_assessment(&input)?;
            summary.assessed += 1;
            if decision == rubric::Decision::NotYet {
                summary.not_yet += 1;
                if rng.bool() {
                    resubmit.push(l);
                }
            }
        }
        for l in &resubmit {
            write_learner(&dir, rubric_id, l, &mut rng, true)?;
        }
        if !resubmit.is_empty() {
            let report = intake::import(&mut store, &dir, &opts)?;
            summary.second_attempts += report.new_attempts;
        }
        // In the teaching cohort the lead sends two scored submissions to second marking: one
        // waits for its second assessor, the other's second assessor disagrees and waits for
        // the lead.
        if cohort_id == "teach-2026-spring" {
            let scored: Vec<i64> = store
                .cohort_submissions(cohort_id)?
                .into_iter()
                .filter(|s| s.3 == "scored")
                .map(|s| s.0)
                .take(2)
                .collect();
            for (i, id) in scored.iter().enumerate() {
                store.request_second_marking(*id, "lena")?;
                summary.second_marking += 1;
                if i == 1 {
                    let first = store.submitted_assessments(*id)?;
                    let other = ASSESSORS
                        .iter()
                        .find(|a| first.iter().all(|f| f.assessor != **a))
                        .copied()
                        .unwrap_or("bea");
                    // Its own generator, so the rest of the demo is what it was before.
                    let mut own = fastrand::Rng::with_seed(seed ^ 0x2d);
                    store.submit_assessment(&assessment(rubric, *id, other, 0.0, &mut own))?;
                }
            }
        }
        summary.learners += learners.len();
    }

    pathway_learners(&mut store, &sources, &rubrics, creator, seed, &mut summary)?;
    calibrate(&mut store, &mut summary)?;

    // Spread arrivals over the past three weeks (second attempts in the last few days), so
    // the queue's ages and its sort by age mean something.
    let now = crate::store::now();
    for c in &summary.cohorts {
        for (id, _, attempt, _) in store.cohort_submissions(&c.id)? {
            summary.submissions += 1;
            summary.artifacts += store.submission_artifacts(id)?.len();
            let days_ago = if attempt > 1 {
                rng.i64(0..3)
            } else {
                rng.i64(4..21)
            };
            store.set_submitted_at(id, now - days_ago * 86_400 - rng.i64(0..86_400))?;
        }
    }
    store.audit(
        user,
        "demo.create",
        &root.display().to_string(),
        &format!("{} learners, seed {}", opts.learners, opts.seed),
    )?;
    Ok(summary)
}

/// Learners who took all three rubrics, each scored "meets" at the top levels: once their
/// cohorts are approved they have earned the bundled pathway, which the demo loads.
const PATHWAY_LEARNERS: &[(&str, &str)] = &[
    ("noor-achterberg", "Noor Achterberg"),
    ("tariq-okonkwo", "Tariq Okonkwo"),
];

fn pathway_learners(
    store: &mut Store,
    sources: &Path,
    rubrics: &[Rubric],
    creator: &str,
    seed: u64,
    summary: &mut DemoSummary,
) -> Result<()> {
    // Their own generator, so the rest of the demo stays what it was.
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5a7);
    for (cohort_id, cohort_name, rubric_id) in COHORTS {
        let Some(rubric) = rubrics.iter().find(|r| r.id.value == *rubric_id) else {
            continue;
        };
        let dir = sources.join(cohort_id);
        for (key, name) in PATHWAY_LEARNERS {
            let l = DemoLearner {
                key: key.to_string(),
                name: name.to_string(),
                email: format!("{key}@learners.example.org"),
                quality: 1.0,
                prior: false,
            };
            write_learner(&dir, rubric_id, &l, &mut rng, false)?;
        }
        let opts = ImportOptions {
            cohort: cohort_id,
            cohort_name: Some(cohort_name),
            rubric_id,
            actor: creator,
            blind: false,
            route: Default::default(),
            progress: false,
            before_open: None,
        };
        intake::import(store, &dir, &opts)?;
        for (n, (id, key, _, status)) in
            store.cohort_submissions(cohort_id)?.into_iter().enumerate()
        {
            if status != "new" || !PATHWAY_LEARNERS.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let scores = rubric
                .criteria
                .iter()
                .map(|c| CriterionScore {
                    criterion: c.id.value.clone(),
                    level: c.levels.last().map(|l| l.id.value.clone()),
                    comment: String::new(),
                })
                .collect();
            store.submit_assessment(&AssessmentInput {
                submission_id: id,
                assessor: ASSESSORS[n % ASSESSORS.len()].to_string(),
                scores,
                overall_feedback: "Clear, well-evidenced work. Well done.".into(),
                time_spent_secs: 900,
            })?;
            summary.assessed += 1;
        }
    }
    let (file, source) = crate::pathway::BUNDLED[0];
    let p = crate::pathway::parse(source.as_bytes())
        .map_err(|ps| anyhow::anyhow!("the bundled pathway {file}: {}", ps[0]))?;
    store.import_pathway(&p, source, Some(file), creator)?;
    summary.pathway = p.id.value.clone();
    summary.pathway_learners = PATHWAY_LEARNERS.len();
    summary.learners += PATHWAY_LEARNERS.len();
    Ok(())
}

/// The rubric the demo calibrates on: the lead makes a "meets" and a "not yet" submission of
/// its cohort exemplars (each criterion's note says what its level looks like), and amir
/// calibrates on them; bea has not, so she meets them first when she opens its work.
const CALIBRATION_COHORT: &str = "appsec-2026-1";

fn calibrate(store: &mut Store, summary: &mut DemoSummary) -> Result<()> {
    let subs = store.cohort_submissions(CALIBRATION_COHORT)?;
    let pick = |status: &str| subs.iter().find(|s| s.3 == status).map(|s| s.0);
    let mut exemplars = Vec::new();
    for id in [pick("scored"), pick("not_yet")].into_iter().flatten() {
        let rubric = store.load_rubric(&store.submission_rubric(id)?)?;
        let Some(reference) = store.latest_submitted(id)? else {
            continue;
        };
        let notes = reference
            .scores
            .iter()
            .filter_map(|s| {
                let c = rubric.criterion(&s.criterion)?;
                let (_, l) = c.level(s.level.as_deref()?)?;
                Some((
                    s.criterion.clone(),
                    format!("{}: {}", l.label.value, l.descriptor.value),
                ))
            })
            .collect();
        let input = crate::store::calibration::ExemplarInput {
            submission_id: id,
            levels: Vec::new(),
            notes,
        };
        let eid = store.add_exemplar(&input, "lena")?;
        let choices: rubric::Choices = reference
            .scores
            .iter()
            .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
            .collect();
        exemplars.push((eid, choices));
        summary.calibration_rubric = rubric.id.value.clone();
    }
    for (eid, choices) in &exemplars {
        store.score_exemplar("amir", *eid, choices)?;
    }
    summary.exemplars = exemplars.len();
    Ok(())
}

#[derive(Clone)]
struct DemoLearner {
    key: String,
    name: String,
    email: String,
    /// 0 (weak) to 1 (strong).
    quality: f64,
    /// Comes by recognition of prior learning (one learner in nine).
    prior: bool,
}

fn write_learner(
    cohort_dir: &Path,
    rubric_id: &str,
    l: &DemoLearner,
    rng: &mut fastrand::Rng,
    revised: bool,
) -> Result<()> {
    let dir = cohort_dir.join(&l.key);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let strong = l.quality > 0.45 || revised;
    let write = |name: &str, bytes: &[u8]| -> Result<()> {
        let p = dir.join(name);
        fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))
    };
    let route = if l.prior {
        "route: prior-learning\n"
    } else {
        ""
    };
    write(
        "learner.yaml",
        format!("name: {}\nemail: {}\n{route}", l.name, l.email).as_bytes(),
    )?;
    let revision = if revised {
        "\n\n## Revised after feedback\n\nI addressed each comment from the first assessment.\n"
    } else {
        ""
    };
    match rubric_id {
        "teaching-practice" => {
            let (topic, class) = text::lesson_subject(rng);
            if rng.u8(0..4) == 0 {
                let plan = text::lesson_plan(rng, &l.name, topic, class);
                let lines: Vec<String> = plan.lines().map(str::to_string).collect();
                write(
                    "lesson-plan.pdf",
                    &files::pdf_document(&format!("Lesson plan: {topic}"), &lines),
                )?;
            } else {
                write(
                    "lesson-plan.md",
                    text::lesson_plan(rng, &l.name, topic, class).as_bytes(),
                )?;
            }
            write(
                "lesson-transcript.txt",
                text::transcript(rng, topic).as_bytes(),
            )?;
            write(
                "reflection.md",
                format!("{}{revision}", text::reflection(rng, topic, strong)).as_bytes(),
            )?;
        }
        "data-cleaning" => {
            let rows = 40 + rng.usize(0..80);
            write(
                "cleaned-data.csv",
                files::csv_readings(rng, rows).as_bytes(),
            )?;
            write("script.py", files::python_cleaning_script(rng).as_bytes())?;
            write(
                "change-log.md",
                format!("{}{revision}", text::change_log(rng, strong)).as_bytes(),
            )?;
        }
        _ => {
            let report = format!("{}{revision}", text::review_report(rng, strong));
            if rng.u8(0..3) == 0 {
                let lines: Vec<String> = report.lines().map(str::to_string).collect();
                write(
                    "report.pdf",
                    &files::pdf_document("Security review", &lines),
                )?;
            } else {
                write("report.md", report.as_bytes())?;
            }
            write("patch.diff", files::vulnerable_patch(rng).as_bytes())?;
            if strong {
                write("screenshot.png", &files::png_chart(rng, 96, 64)?)?;
            }
        }
    }
    Ok(())
}

/// Levels chosen around the learner's quality, with comments from the feedback bank where a
/// criterion falls short.
fn assessment(
    rubric: &Rubric,
    submission_id: i64,
    assessor: &str,
    quality: f64,
    rng: &mut fastrand::Rng,
) -> AssessmentInput {
    let mut scores = Vec::new();
    for c in &rubric.criteria {
        let n = c.levels.len();
        let centre = quality * (n - 1) as f64;
        let jitter = rng.f64() * 1.2 - 0.6;
        let index = (centre + jitter).round().clamp(0.0, (n - 1) as f64) as usize;
        let below_required = c.required_index().is_some_and(|r| index < r);
        let comment = if below_required || (rng.u8(0..3) == 0 && !c.feedback.is_empty()) {
            c.feedback
                .get(rng.usize(0..c.feedback.len().max(1)))
                .map(|f| f.value.clone())
                .unwrap_or_else(|| format!("{} needs more work.", c.title.value))
        } else {
            String::new()
        };
        scores.push(CriterionScore {
            criterion: c.id.value.clone(),
            level: Some(c.levels[index].id.value.clone()),
            comment,
        });
    }
    AssessmentInput {
        submission_id,
        assessor: assessor.to_string(),
        scores,
        overall_feedback: if quality > 0.5 {
            "Clear, well-evidenced work. Well done.".into()
        } else {
            "A good start; the comments on each criterion say what to do for the next attempt."
                .into()
        },
        time_spent_secs: 600 + rng.i64(0..1800),
    }
}
