//! Who may do what: the one table of actions and the roles they need. Every operation that
//! changes the workspace names its action and is checked here, below the command line and the
//! workbench alike (the store's methods call [`crate::store::Store::authorize`]), so that a new
//! subcommand or screen cannot forget it.

use std::fmt;

/// The roles a person can hold in a workspace.
pub const ROLES: &[&str] = &["admin", "lead", "assessor", "issuer"];

/// Everything that is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Add or remove people and roles.
    ManageUsers,
    SetPolicy,
    ImportRubric,
    EditRubric,
    ImportSubmissions,
    RequestSecondMarking,
    ResolveDisagreement,
    /// Release someone else's claim.
    ReleaseClaim,
    Claim,
    Score,
    Submit,
    Approve,
    Revoke,
    StatusList,
    IssuerInit,
    AuditSeal,
    /// Write the issuer's public site, withdraw a page.
    Publish,
    Export,
    ApproveDryRun,
    ListSecondMarking,
    /// E-mail learners their badges and feedback.
    Notify,
    /// Change a cohort's settings (`merit cohort set`).
    ConfigureCohort,
    /// Reading the workspace: cohorts, users, the issuer, the audit log.
    Read,
    /// Reading how far assessors agree, each named (`merit reliability`).
    ReadReliability,
    /// Seeing learners' names in a blind cohort (everyone else sees candidate numbers).
    SeeNames,
    /// Revealing a blind learner's name to one assessor, for a grade inquiry.
    RevealName,
    /// Choosing exemplars, and allowing or reopening an assessor's calibration.
    ManageCalibration,
    /// Loading pathways (program achievements).
    ImportPathway,
    /// Who has earned a pathway, and who is close (names every learner).
    ReadPathways,
    /// Signing a learner's record (CLR 2.0) of every credential they hold.
    IssueTranscript,
    /// Copying the workspace's database into PostgreSQL (`merit workspace migrate`).
    MoveDatabase,
}

/// Who may take an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Anyone holding one of these roles.
    AnyOf(&'static [&'static str]),
    /// Anyone who is a user of the workspace (holds any role).
    AnyUser,
}

/// The table.
pub const TABLE: &[(Action, &str, Who)] = &[
    (
        Action::ManageUsers,
        "manage users and roles",
        Who::AnyOf(&["admin"]),
    ),
    (Action::SetPolicy, "set a policy", Who::AnyOf(&["admin"])),
    (
        Action::ImportRubric,
        "import a rubric",
        Who::AnyOf(&["lead"]),
    ),
    (Action::EditRubric, "edit a rubric", Who::AnyOf(&["lead"])),
    (
        Action::ImportSubmissions,
        "import submissions",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::RequestSecondMarking,
        "send work to second marking",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::ResolveDisagreement,
        "decide a disagreement",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::ReleaseClaim,
        "release someone else's claim",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::Claim,
        "claim a submission",
        Who::AnyOf(&["assessor"]),
    ),
    (
        Action::Score,
        "score a submission",
        Who::AnyOf(&["assessor"]),
    ),
    (
        Action::Submit,
        "submit an assessment",
        Who::AnyOf(&["assessor"]),
    ),
    (
        Action::Approve,
        "approve and sign credentials",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::Revoke,
        "revoke a credential",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::StatusList,
        "sign the status list",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::IssuerInit,
        "create the issuer key",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::AuditSeal,
        "seal the audit log",
        Who::AnyOf(&["issuer"]),
    ),
    (Action::Notify, "e-mail learners", Who::AnyOf(&["issuer"])),
    (
        Action::ConfigureCohort,
        "change a cohort's settings",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::Publish,
        "publish the issuer's site",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::Export,
        "export a cohort",
        Who::AnyOf(&["issuer", "lead"]),
    ),
    (
        Action::ApproveDryRun,
        "preview an approval",
        Who::AnyOf(&["issuer", "lead"]),
    ),
    (
        Action::ListSecondMarking,
        "list second marking",
        Who::AnyOf(&["lead"]),
    ),
    (Action::Read, "read the workspace", Who::AnyUser),
    (
        Action::ReadReliability,
        "read the agreement between assessors",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::SeeNames,
        "see learners' names in a blind cohort",
        Who::AnyOf(&["lead", "issuer"]),
    ),
    (
        Action::RevealName,
        "reveal a blind learner's name to an assessor",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::ManageCalibration,
        "choose exemplars and decide calibrations",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::ImportPathway,
        "import pathways",
        Who::AnyOf(&["lead"]),
    ),
    (
        Action::ReadPathways,
        "see who has earned a pathway",
        Who::AnyOf(&["lead", "issuer"]),
    ),
    (
        Action::IssueTranscript,
        "sign a learner's record",
        Who::AnyOf(&["issuer"]),
    ),
    (
        Action::MoveDatabase,
        "copy the workspace into another database",
        Who::AnyOf(&["admin"]),
    ),
];

impl Action {
    fn entry(self) -> (&'static str, Who) {
        TABLE
            .iter()
            .find(|(a, _, _)| *a == self)
            .map(|(_, what, who)| (*what, *who))
            // Every action is in the table (a test checks it); an unknown one needs an admin.
            .unwrap_or(("do this", Who::AnyOf(&["admin"])))
    }

    /// What the action is, for messages (`approve and sign credentials`).
    pub fn describe(self) -> &'static str {
        self.entry().0
    }

    /// Who may take it.
    pub fn who(self) -> Who {
        self.entry().1
    }

    /// Whether someone with `roles` may take it.
    pub fn allowed(self, roles: &[String]) -> bool {
        match self.who() {
            Who::AnyUser => !roles.is_empty(),
            Who::AnyOf(needed) => roles.iter().any(|r| needed.contains(&r.as_str())),
        }
    }

    /// The audit log's name for it.
    pub fn name(self) -> String {
        format!("{self:?}")
    }
}

/// A refusal: who was refused what, and who can grant it.
#[derive(Debug)]
pub struct Refused {
    pub actor: String,
    pub action: Action,
    /// The admins who can grant a role (empty when there are none).
    pub admins: Vec<String>,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let actor = crate::sanitize::line(&self.actor);
        let grant = if self.admins.is_empty() {
            "the workspace has no admin yet".to_string()
        } else {
            format!(
                "an admin ({}) can grant it",
                self.admins
                    .iter()
                    .map(|a| crate::sanitize::line(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match self.action.who() {
            Who::AnyUser => write!(
                f,
                "{actor} is not a user of this workspace, so cannot {}; {grant} with \
                 `merit user add {actor} --role ROLE`",
                self.action.describe()
            ),
            Who::AnyOf(roles) => write!(
                f,
                "to {} you need the {} role, and {actor} does not have it; {grant} with \
                 `merit user add {actor} --role {}`",
                self.action.describe(),
                roles.join(" or "),
                roles[0]
            ),
        }
    }
}

impl std::error::Error for Refused {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_in_the_table_exists() {
        for (_, _, who) in TABLE {
            if let Who::AnyOf(roles) = who {
                assert!(roles.iter().all(|r| ROLES.contains(r)), "{roles:?}");
            }
        }
    }

    #[test]
    fn refusals_name_the_role_and_who_grants_it() {
        let r = Refused {
            actor: "amir".into(),
            action: Action::Approve,
            admins: vec!["root".into()],
        };
        let m = r.to_string();
        assert!(
            m.contains("the issuer role") && m.contains("an admin (root)"),
            "{m}"
        );
        assert!(m.contains("merit user add amir --role issuer"), "{m}");
        assert!(!Action::Approve.allowed(&["lead".into()]));
        assert!(Action::Export.allowed(&["lead".into()]));
        assert!(Action::Read.allowed(&["assessor".into()]));
        assert!(!Action::Read.allowed(&[]));
    }
}
