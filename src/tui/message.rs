//! Messages to the app: keys, replies of the database thread, artifacts loaded, approval
//! progress. A leaf of the workbench: it imports no screen, no `app`, no loop.

use ratatui::crossterm::event::KeyEvent;

use crate::authoring::SaveOutcome;
use crate::rubric::Decision;
use crate::store::{CohortRow, CohortSummary, QueueRow, ReviewData, RubricOverview};
use crate::tui::artifact::ArtifactContent;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// SIGTERM, SIGHUP or SIGINT: leave now (drafts are already saved).
    Quit,
    Db(DbReply),
    Artifact {
        submission_id: i64,
        index: usize,
        content: Box<ArtifactContent>,
    },
    /// The diff of artifact `index` against the previous attempt's version.
    ArtifactDiff {
        submission_id: i64,
        index: usize,
        content: Box<ArtifactContent>,
    },
    /// The database thread could not start.
    Fatal(String),
    /// The validation thread checked rubric text.
    Validated {
        generation: u64,
        problems: Vec<crate::rubric::Problem>,
        parsed: Option<Box<crate::rubric::Rubric>>,
    },
    /// $EDITOR finished: the new text, or why it could not run.
    ExternalEdited(Result<String, String>),
    /// News from the approval signing in the background.
    Approval(ApprovalEvent),
}

#[derive(Debug)]
pub enum ApprovalEvent {
    Progress {
        done: usize,
        total: usize,
        elapsed_ms: u64,
    },
    Finished {
        result: Result<crate::credential::issue::BatchReport, String>,
        elapsed_ms: u64,
    },
}

/// How a page of queue rows joins the rows already shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageMode {
    /// Replace everything; select the first row.
    Replace,
    /// Replace everything; select the last row.
    ReplaceAtEnd,
    /// Replace everything; keep the selection on the row with this id if present.
    ReplaceKeep(i64),
    Append,
    Prepend,
}

#[derive(Debug)]
pub enum DbReply {
    Queue {
        generation: u64,
        mode: PageMode,
        rows: Result<Vec<QueueRow>, String>,
    },
    Counts(Vec<(String, i64)>),
    Opened(Result<Box<ReviewData>, String>),
    DraftSaved(Result<(), String>),
    /// The decision, and whether the submission now waits for a lead (a second marking that
    /// disagrees with the first).
    Submitted(Result<(Decision, bool), String>),
    Released(Result<bool, String>),
    Left,
    Rubrics(Vec<RubricOverview>),
    Reliability(Result<Box<crate::reliability::report::Report>, String>),
    RubricOpened(Result<Box<EditorOpen>, String>),
    RubricSaved {
        text: String,
        result: Result<SaveOutcome, String>,
    },
    Moved(Result<usize, String>),
    /// What a change to a cohort's work (second marking, a lead's decision, a revocation)
    /// did, or why it was refused; the cohort view is read again.
    CohortChanged {
        title: &'static str,
        result: Result<String, String>,
    },
    Cohorts(Result<Vec<CohortSummary>, String>),
    Pathways(Result<Vec<crate::store::pathways::PathwaySummary>, String>),
    /// A pathway approval's preview (its plan and the preview's text), or why there is none.
    PathwayPlan(
        Result<
            (
                Box<crate::credential::program_approval::ProgramPlan>,
                String,
            ),
            String,
        >,
    ),
    CohortRows {
        cohort_id: String,
        rows: Result<Vec<CohortRow>, String>,
        /// The issuer's DID, or why there is none.
        issuer: Result<String, String>,
    },
    /// Lines for a pager: (tag, text); tags: '#' heading, '*' change, '+'/'-'/' ' diff, '@' hunk.
    Pager {
        title: String,
        lines: Vec<(char, String)>,
    },
    /// An exemplar was scored: the comparison, and the next one or the round's outcome.
    ExemplarScored(Result<Box<crate::store::calibration::Scored>, String>),
    /// A note to show (nothing went wrong, nothing to do).
    Notice {
        title: &'static str,
        text: String,
    },
    Done,
}

/// What the editor opened with.
#[derive(Clone, Debug)]
pub struct EditorOpen {
    pub rubric_id: String,
    pub version: i64,
    pub base_hash: String,
    pub source: String,
    pub file: Option<String>,
    /// Other leads editing this rubric now.
    pub others: Vec<String>,
    /// An unsaved edit from an earlier session, and when it was written.
    pub recovery: Option<(String, String)>,
    pub read_only: bool,
}
