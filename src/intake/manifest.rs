//! A CSV manifest source: one row per artifact.
//!
//! Columns (header row required, any order): `learner_id` (required), `artifact` (required:
//! a path relative to the manifest's folder, or an http(s) URL), `name`, `email`,
//! `requirement` (an evidence requirement id of the rubric).
//!
//! A file that is not well-formed CSV stops the import before anything is written. A row that
//! is well-formed but wrong skips that learner's whole submission (a partial submission would
//! be judged on incomplete evidence); the other learners are imported.

use std::collections::BTreeMap;
use std::path::Path;

use super::kind::{kind_of, requirement_for};
use super::limits;
use super::plan::{IntakeProblem, Plan, PlannedArtifact, PlannedSubmission};
use super::safe_path::resolve_inside;
use crate::rubric::{Rubric, check_url};
use crate::store::LearnerInput;

pub const COLUMNS: &[&str] = &[
    "learner_id",
    "artifact",
    "name",
    "email",
    "requirement",
    "route",
];

struct Acc {
    learner: LearnerInput,
    route: Option<crate::vocabulary::Route>,
    artifacts: Vec<PlannedArtifact>,
    lines: Vec<u64>,
    problems: Vec<IntakeProblem>,
}

/// Reads the manifest at `path`; `root` is its folder (canonical). An `Err` means the file
/// itself is unusable and nothing should be imported.
pub fn plan(path: &Path, root: &Path, rubric: &Rubric) -> Result<Plan, IntakeProblem> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| IntakeProblem::new(&shown, format!("cannot read: {e}")))?;
    let size = file
        .metadata()
        .map_err(|e| IntakeProblem::new(&shown, format!("cannot read: {e}")))?
        .len();
    if size > super::limits::MANIFEST_BYTES {
        return Err(IntakeProblem::new(
            &shown,
            format!(
                "the manifest is {size} bytes; at most {} are read (split it into several \
                 imports); nothing was imported",
                super::limits::MANIFEST_BYTES
            ),
        ));
    }
    // Bounded even if the file grows while it is read.
    // Fields are trimmed as they are read (csv's own trimming copies every record).
    let mut reader = csv::ReaderBuilder::new().from_reader(LineCap {
        inner: std::io::Read::take(file, super::limits::MANIFEST_BYTES),
        run: 0,
        line: 1,
    });
    let headers = reader
        .headers()
        .map_err(|e| csv_problem(&shown, &e))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    for h in headers.iter().map(str::trim) {
        if !COLUMNS.contains(&h) {
            return Err(IntakeProblem::new(
                format!("{shown}:1"),
                format!("unknown column `{h}`; columns are {}", COLUMNS.join(", ")),
            ));
        }
    }
    let (Some(c_learner), Some(c_artifact)) = (col("learner_id"), col("artifact")) else {
        return Err(IntakeProblem::new(
            format!("{shown}:1"),
            "the header row must name the columns `learner_id` and `artifact`",
        ));
    };
    let (c_name, c_email, c_req) = (col("name"), col("email"), col("requirement"));
    let c_route = col("route");
    let evidence_ids: Vec<&str> = rubric
        .evidence
        .iter()
        .map(|e| e.id.value.as_str())
        .collect();

    let mut by_learner: BTreeMap<String, Acc> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_problem(&shown, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let place = format!("{shown}:{line}");
        let raw = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
        // Fields are measured before anything is copied out of the row.
        if raw(Some(c_learner)).len() > limits::LEARNER_ID_BYTES {
            return Err(IntakeProblem::new(
                place,
                format!(
                    "the learner id is {} bytes long; at most {} are allowed; nothing was imported",
                    raw(Some(c_learner)).len(),
                    limits::LEARNER_ID_BYTES
                ),
            ));
        }
        let too_long = [
            (c_name, "the learner's name", limits::NAME_CHARS * 4),
            (c_email, "the email address", limits::EMAIL_BYTES),
            (Some(c_artifact), "the artifact", limits::URL_BYTES),
            (c_req, "the requirement", 256),
            (c_route, "the route", 64),
        ]
        .into_iter()
        .find(|(c, _, max)| raw(*c).len() > *max)
        .map(|(c, what, max)| {
            format!(
                "{what} is {} bytes long; at most {max} are allowed",
                raw(c).len()
            )
        });
        let get = |c: Option<usize>| raw(c).to_string();
        let key = get(Some(c_learner));
        if key.is_empty() {
            // No learner to skip: the row alone is reported.
            return Err(IntakeProblem::new(
                place,
                "`learner_id` is empty; every row must say whose artifact it is",
            ));
        }
        let acc = by_learner.entry(key.clone()).or_insert_with(|| Acc {
            learner: LearnerInput {
                key: key.clone(),
                name: key.clone(),
                email: None,
            },
            route: None,
            artifacts: Vec::new(),
            lines: Vec::new(),
            problems: Vec::new(),
        });
        acc.lines.push(line);
        if let Some(why) = too_long {
            acc.problems.push(IntakeProblem::new(&place, why));
            continue;
        }
        let name = get(c_name);
        if !name.is_empty() {
            acc.learner.name = name;
        }
        let email = get(c_email);
        if !email.is_empty() {
            acc.learner.email = Some(email);
        }
        let route = get(c_route);
        if !route.is_empty() {
            match crate::vocabulary::Route::parse(&route) {
                None => {
                    acc.problems.push(IntakeProblem::new(
                        &place,
                        format!("route `{route}`: {}", crate::vocabulary::Route::HELP),
                    ));
                    continue;
                }
                Some(r) if acc.route.is_some_and(|a| a != r) => {
                    acc.problems.push(IntakeProblem::new(
                        &place,
                        format!(
                            "route `{route}` differs from this learner's earlier rows; one \
                             submission has one route"
                        ),
                    ));
                    continue;
                }
                Some(r) => acc.route = Some(r),
            }
        }
        let requirement = get(c_req);
        if !requirement.is_empty() && !evidence_ids.contains(&requirement.as_str()) {
            acc.problems.push(IntakeProblem::new(
                &place,
                format!(
                    "requirement `{requirement}` is not in rubric `{}` (it has: {})",
                    rubric.id.value,
                    evidence_ids.join(", ")
                ),
            ));
            continue;
        }
        let artifact = get(Some(c_artifact));
        if artifact.is_empty() {
            acc.problems
                .push(IntakeProblem::new(&place, "`artifact` is empty"));
            continue;
        }
        let planned = if artifact.starts_with("http://") || artifact.starts_with("https://") {
            if let Err(why) = check_url(&artifact) {
                acc.problems.push(IntakeProblem::new(
                    &place,
                    format!("`{artifact}` is not a valid URL: {why}"),
                ));
                continue;
            }
            PlannedArtifact {
                name: artifact.clone(),
                file: None,
                url: Some(artifact),
                kind: "url".into(),
                requirement: Some(requirement).filter(|r| !r.is_empty()),
            }
        } else {
            let file = match resolve_inside(root, &artifact).map(|f| super::open::check(&f)) {
                Ok(Ok(f)) => f,
                Ok(Err(_)) => {
                    acc.problems.push(IntakeProblem::new(
                        &place,
                        format!("`{artifact}` is not a file"),
                    ));
                    continue;
                }
                Err(m) => {
                    acc.problems.push(IntakeProblem::new(&place, m));
                    continue;
                }
            };
            let rel = artifact.replace('\\', "/");
            let rel = rel.trim_start_matches("./").to_string();
            let kind = kind_of(&rel);
            PlannedArtifact {
                requirement: if requirement.is_empty() {
                    requirement_for(rubric, &rel, kind)
                } else {
                    Some(requirement)
                },
                kind: kind.to_string(),
                name: rel,
                file: Some(file),
                url: None,
            }
        };
        if acc.artifacts.iter().any(|a| a.name == planned.name) {
            acc.problems.push(IntakeProblem::new(
                &place,
                format!("`{}` is listed twice for learner `{key}`", planned.name),
            ));
            continue;
        }
        acc.artifacts.push(planned);
    }

    let mut plan = Plan::default();
    for (key, acc) in by_learner {
        if acc.problems.is_empty() {
            let lines: Vec<String> = acc.lines.iter().map(u64::to_string).collect();
            plan.submissions.push(PlannedSubmission {
                learner: acc.learner,
                artifacts: acc.artifacts,
                route: acc.route,
                place: format!("{shown}:{}", lines.join(",")),
            });
        } else {
            plan.problems.extend(acc.problems);
            plan.problems.push(IntakeProblem::new(
                format!("{shown}:{}", acc.lines[0]),
                format!("submission of learner `{key}` skipped because of the rows above"),
            ));
        }
    }
    Ok(plan)
}

/// A reader that fails on a line longer than [`limits::MANIFEST_LINE_BYTES`]: no row of a
/// manifest needs one, and the CSV reader would hold all of it (and copies) in memory.
struct LineCap<R> {
    inner: R,
    /// Bytes since the last newline.
    run: usize,
    line: u64,
}

impl<R: std::io::Read> std::io::Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.run = 0;
                self.line += 1;
            } else {
                self.run += 1;
                if self.run > limits::MANIFEST_LINE_BYTES {
                    return Err(std::io::Error::other(format!(
                        "line {} is longer than {} bytes",
                        self.line,
                        limits::MANIFEST_LINE_BYTES
                    )));
                }
            }
        }
        Ok(n)
    }
}

fn csv_problem(shown: &str, e: &csv::Error) -> IntakeProblem {
    let line = e.position().map_or(0, |p| p.line());
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields, the header has {expected_len}; nothing was imported"),
        csv::ErrorKind::Utf8 { .. } => "row is not UTF-8 text; nothing was imported".to_string(),
        csv::ErrorKind::Io(io) => format!("{io}; nothing was imported"),
        _ => format!("not valid CSV: {e}; nothing was imported"),
    };
    if line > 0 {
        IntakeProblem::new(format!("{shown}:{line}"), msg)
    } else {
        IntakeProblem::new(shown, msg)
    }
}
