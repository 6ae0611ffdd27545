//! Effects: what `update` asks the event loop to do (database requests, loads, $EDITOR,
//! signing). A leaf of the workbench: it imports no screen, no `app`, no loop.

use crate::rubric::Decision;
use crate::store::{ArtifactRecord, AssessmentInput, QueueQuery};
use crate::tui::message::PageMode;

/// Work for the event loop to do.
#[derive(Debug)]
pub enum Effect {
    Db(DbRequest),
    LoadArtifact {
        submission_id: i64,
        index: usize,
        record: ArtifactRecord,
        path: Option<std::path::PathBuf>,
    },
    /// The line diff of a text artifact against its version in an earlier attempt.
    LoadDiff {
        submission_id: i64,
        index: usize,
        old: std::path::PathBuf,
        new: std::path::PathBuf,
        attempt: i64,
    },
    /// Check rubric text (on the validation thread).
    Validate {
        generation: u64,
        text: String,
    },
    /// Hand the text to $EDITOR (the loop releases the terminal meanwhile).
    ExternalEditor {
        text: String,
    },
    /// Approve and sign in the background (progress comes back as [`Msg::Approval`]).
    Approve {
        approval: Approval,
        passphrase: Secret,
    },
    /// Stop the running approval after the batch in hand.
    CancelApproval,
}

/// A passphrase: never shown in debug output or logs.
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Clone, Debug)]
pub enum DbRequest {
    Queue {
        generation: u64,
        query: Box<QueueQuery>,
        mode: PageMode,
    },
    /// The queue's counts per status, of the submissions the filter matches.
    Counts {
        claim_idle_secs: i64,
        filter: String,
    },
    Open {
        submission_id: i64,
        claim_idle_secs: i64,
    },
    SaveDraft(AssessmentInput),
    Submit(AssessmentInput),
    /// Leave a review: release the claim unless the draft has work in it.
    Leave {
        submission_id: i64,
        keep_claim: bool,
    },
    Release {
        submission_id: i64,
    },
    /// Open the next submission of `rubric_id` that waits for this assessor (oldest first,
    /// not `after`); nothing waiting is said.
    OpenNext {
        rubric_id: String,
        after: i64,
        claim_idle_secs: i64,
    },
    RubricOverview,
    OpenRubric {
        rubric_id: String,
    },
    SaveRubric {
        rubric_id: String,
        text: String,
        base_hash: String,
        /// What changed, for the history.
        note: String,
    },
    MoveUnscored {
        rubric_id: String,
        hash: String,
    },
    /// Keep (or, with `None`, drop) the recovery copy of an edit, and say we are editing.
    Recovery {
        rubric_id: String,
        base_hash: String,
        text: Option<String>,
    },
    EndEdit {
        rubric_id: String,
        discard_recovery: bool,
    },
    /// The difference from version `from` to `text` (or to the current version).
    RubricDiff {
        rubric_id: String,
        from: String,
        text: Option<String>,
    },
    /// The difference between two versions.
    RubricCompare {
        rubric_id: String,
        a: String,
        b: String,
    },
    RubricHistory {
        rubric_id: String,
    },
    /// Time spent assessing today: the user's own, or everyone's for a lead.
    TimeSpent,
    /// How far assessors agree, over all double-marked work (leads).
    Reliability,
    Cohorts,
    /// Every current pathway at a glance (leads and issuers).
    Pathways,
    /// What approving a pathway's program credentials would do (issuers).
    PathwayPlan {
        pathway: String,
        suite: crate::credential::proof::Suite,
    },
    /// One row per submission of a cohort, and who would sign.
    CohortRows {
        cohort_id: String,
        claim_idle_secs: i64,
        now: i64,
    },
    /// The submitted assessments of a submission, for a pager.
    Assessments {
        submission_id: i64,
        learner: String,
    },
    /// An issuer revokes a credential.
    Revoke {
        credential_id: String,
        reason: String,
    },
    /// A lead sends a submission to second marking.
    RequestSecondMarking {
        submission_id: i64,
    },
    /// A lead sends a sample of a cohort's assessed work to second marking.
    SampleSecondMarking {
        cohort: String,
        plan: crate::moderation::Plan,
        seed: Option<u64>,
    },
    /// One learner across cohorts: attempts, credentials, pathway progress.
    LearnerView(crate::store::learner::LearnerRef),
    /// Calibrations that did not pass and wait for a lead, as a notice (leads).
    CalibrationWaiting,
    /// The next exemplar of a calibration round.
    OpenExemplar {
        exemplar_id: i64,
    },
    /// An assessor's levels for an exemplar.
    ScoreExemplar {
        exemplar_id: i64,
        choices: crate::rubric::Choices,
    },
    /// A lead reveals a blind learner's name to one assessor.
    RevealName {
        submission_id: i64,
        assessor: String,
        reason: String,
    },
    /// A lead decides a second marking whose assessors disagree.
    ResolveSecondMarking {
        submission_id: i64,
        decision: Decision,
        note: String,
    },
}

/// An approval waiting for the issuer's go-ahead.
#[derive(Clone, Debug, PartialEq)]
pub struct Approval {
    pub plan: ApprovalPlan,
    pub suite: crate::credential::proof::Suite,
}

/// What an approval signs: a cohort's work, or a pathway's program credentials.
#[derive(Clone, Debug, PartialEq)]
pub enum ApprovalPlan {
    Cohort(crate::credential::approval::Plan),
    Pathway(Box<crate::credential::program_approval::ProgramPlan>),
}

impl ApprovalPlan {
    /// The cohort or pathway, as its id.
    pub fn subject(&self) -> &str {
        match self {
            ApprovalPlan::Cohort(p) => &p.cohort_id,
            ApprovalPlan::Pathway(p) => &p.pathway,
        }
    }

    /// How many credentials it signs.
    pub fn to_issue(&self) -> usize {
        match self {
            ApprovalPlan::Cohort(p) => p.to_issue.len(),
            ApprovalPlan::Pathway(p) => p.to_issue.len(),
        }
    }

    /// How to hand out what it signed.
    pub fn export_hint(&self) -> String {
        match self {
            ApprovalPlan::Cohort(p) => format!(
                "Export letters and badges with `merit export --cohort {} --out DIR`.",
                crate::sanitize::line(&p.cohort_id)
            ),
            ApprovalPlan::Pathway(p) => format!(
                "Export the program badges with `merit export --pathway {} --out DIR`.",
                crate::sanitize::line(&p.pathway)
            ),
        }
    }
}
