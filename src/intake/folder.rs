//! A folder source: one subfolder per learner; the files inside are the artifacts; an
//! optional `learner.yaml` gives the learner's name and email.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::kind::{kind_of, requirement_for};
use super::plan::{IntakeProblem, Plan, PlannedArtifact, PlannedSubmission};
use super::safe_path::check_inside;
use crate::rubric::Rubric;
use crate::store::LearnerInput;

/// Deepest folder nesting followed inside a learner's folder.
const MAX_DEPTH: usize = 16;
/// The file in a learner's folder that describes the learner (not an artifact).
pub const LEARNER_FILE: &str = "learner.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LearnerFile {
    name: Option<String>,
    email: Option<String>,
    /// `course` or `prior-learning`.
    route: Option<String>,
}

/// Reads the folder `root` (canonical) into a plan.
pub fn plan(root: &Path, rubric: &Rubric) -> Plan {
    let mut plan = Plan::default();
    let entries = match sorted_entries(root) {
        Ok(e) => e,
        Err(e) => {
            plan.problems.push(IntakeProblem::new(
                root.display().to_string(),
                format!("cannot read folder: {e}"),
            ));
            return plan;
        }
    };
    for path in entries {
        let shown = path.display().to_string();
        let Some(key) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            plan.problems.push(IntakeProblem::new(
                shown,
                "name is not valid UTF-8; skipped",
            ));
            continue;
        };
        if key.starts_with('.') {
            continue;
        }
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                plan.problems
                    .push(IntakeProblem::new(shown, format!("cannot read: {e}")));
                continue;
            }
        };
        if meta.file_type().is_symlink() {
            plan.problems.push(IntakeProblem::new(
                shown,
                "learner folders may not be symbolic links; skipped",
            ));
            continue;
        }
        if !meta.is_dir() {
            plan.problems.push(IntakeProblem::new(
                shown,
                "not inside a learner folder; skipped (put each learner's files in a folder named for them)",
            ));
            continue;
        }
        match learner(root, &path, &key, rubric) {
            Ok(s) => plan.submissions.push(s),
            Err(mut problems) => plan.problems.append(&mut problems),
        }
    }
    plan
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    Ok(out)
}

/// Plans one learner's folder; any problem skips the whole submission.
fn learner(
    root: &Path,
    dir: &Path,
    key: &str,
    rubric: &Rubric,
) -> Result<PlannedSubmission, Vec<IntakeProblem>> {
    let mut problems = Vec::new();
    let mut learner = LearnerInput {
        key: key.to_string(),
        name: key.to_string(),
        email: None,
    };
    let mut artifacts = Vec::new();
    let mut route = None;
    // Iterative walk: (folder, its path relative to the learner folder, depth).
    let mut todo = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((folder, rel, depth)) = todo.pop() {
        let entries = match sorted_entries(&folder) {
            Ok(e) => e,
            Err(e) => {
                problems.push(IntakeProblem::new(
                    folder.display().to_string(),
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        for path in entries {
            let shown = path.display().to_string();
            let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
                problems.push(IntakeProblem::new(shown, "file name is not valid UTF-8"));
                continue;
            };
            if file_name.starts_with('.') {
                continue;
            }
            let name = if rel.is_empty() {
                file_name.to_string()
            } else {
                format!("{rel}/{file_name}")
            };
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    problems.push(IntakeProblem::new(shown, format!("cannot read: {e}")));
                    continue;
                }
            };
            let mut file = path.clone();
            if meta.file_type().is_symlink() {
                match path.canonicalize() {
                    Ok(target) => {
                        if let Err(m) = check_inside(root, &target, &shown) {
                            problems.push(IntakeProblem::new(shown, m));
                            continue;
                        }
                        if !target.is_file() {
                            problems.push(IntakeProblem::new(
                                shown,
                                "symbolic links to folders are not followed",
                            ));
                            continue;
                        }
                        file = target;
                    }
                    Err(e) => {
                        problems.push(IntakeProblem::new(
                            shown,
                            format!("broken symbolic link: {e}"),
                        ));
                        continue;
                    }
                }
            } else if meta.is_dir() {
                if depth + 1 > MAX_DEPTH {
                    problems.push(IntakeProblem::new(
                        shown,
                        format!("folders nested deeper than {MAX_DEPTH} levels"),
                    ));
                } else {
                    todo.push((path, name, depth + 1));
                }
                continue;
            } else if !meta.is_file() {
                problems.push(IntakeProblem::new(
                    shown,
                    "not a regular file (device, socket or pipe)",
                ));
                continue;
            }
            if rel.is_empty() && (file_name == LEARNER_FILE || file_name == "learner.yml") {
                match read_learner_file(&file, &shown) {
                    Ok(f) => {
                        if let Some(n) = f.name.filter(|n| !n.trim().is_empty()) {
                            learner.name = n;
                        }
                        learner.email = f.email.filter(|e| !e.trim().is_empty());
                        match f.route.as_deref().map(crate::vocabulary::Route::parse) {
                            None => {}
                            Some(Some(r)) => route = Some(r),
                            Some(None) => problems.push(IntakeProblem::new(
                                &shown,
                                format!(
                                    "`route: {}`: {}",
                                    crate::sanitize::line(f.route.as_deref().unwrap_or("")),
                                    crate::vocabulary::Route::HELP
                                ),
                            )),
                        }
                    }
                    Err(p) => problems.push(p),
                }
                continue;
            }
            let checked = match super::open::check(&file) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(IntakeProblem::new(shown, format!("cannot read: {e}")));
                    continue;
                }
            };
            let kind = kind_of(&name);
            artifacts.push(PlannedArtifact {
                requirement: requirement_for(rubric, &name, kind),
                kind: kind.to_string(),
                name,
                file: Some(checked),
                url: None,
            });
        }
    }
    if problems.is_empty() && artifacts.is_empty() {
        problems.push(IntakeProblem::new(
            dir.display().to_string(),
            "learner folder has no files to import; skipped",
        ));
    }
    if problems.is_empty() {
        artifacts.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(PlannedSubmission {
            learner,
            artifacts,
            route,
            place: dir.display().to_string(),
        })
    } else {
        Err(problems)
    }
}

fn read_learner_file(path: &Path, shown: &str) -> Result<LearnerFile, IntakeProblem> {
    use std::io::Read;
    const MAX: u64 = 64 * 1024;
    let fail = |m: String| IntakeProblem::new(shown, m);
    let file = super::open::check(path)
        .and_then(|c| super::open::open(&c))
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut text = String::new();
    file.take(MAX + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if text.len() as u64 > MAX {
        return Err(fail(
            "larger than 64 KiB; learner.yaml holds only `name:`, `email:` and `route:`".into(),
        ));
    }
    serde_yaml::from_str(&text).map_err(|e| {
        let msg = format!(
            "{} (learner.yaml holds only `name:`, `email:` and `route:`)",
            strip_location(&e.to_string())
        );
        match e.location() {
            Some(l) => IntakeProblem::new(format!("{shown}:{}:{}", l.line(), l.column()), msg),
            None => fail(msg),
        }
    })
}

/// serde_yaml appends " at line L column C" to its messages; we print the place ourselves.
fn strip_location(msg: &str) -> &str {
    msg.find(" at line ").map_or(msg, |i| &msg[..i])
}
