//! Keys per mode. The help overlay and the footer hints are both generated from these tables,
//! so they can never disagree with what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod user;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The `:` command line.
    Command,
    /// Undo the last edit (text or structured), and redo it.
    Undo,
    Redo,
    /// The queue narrowed to the viewer's own work (and back).
    MyWork,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    Quit,
    Help,
    Filter,
    Sort,
    Reverse,
    /// Quit at once (Ctrl-C, `:q`); asks only while an approval is signing.
    QuitNow,
    /// Time spent assessing today.
    TimeSpent,
    SampleSecondMarking,
    OpenReliability,
    /// The answers to a question box.
    Yes,
    No,
    Refresh,
    ReleaseClaim,
    SwitchPane,
    NextTab,
    PrevTab,
    ToggleWrap,
    /// Scroll unwrapped lines sideways.
    ScrollRight,
    ScrollLeft,
    Search,
    NextMatch,
    PrevMatch,
    Level(u8),
    LevelDown,
    LevelUp,
    Comment,
    Overall,
    /// Open the learner of the selected row: attempts, credentials, pathway progress.
    OpenLearner,
    /// Reveal a blind learner's name to an assessor (leads).
    RevealName,
    FeedbackBank,
    Submit,
    OpenRubrics,
    Save,
    NextProblem,
    TogglePreview,
    ToggleStructure,
    ShowDiff,
    ExternalEditor,
    History,
    Edit,
    Add,
    Delete,
    MoveUp,
    MoveDown,
    Rename,
    OpenCohorts,
    Toggle,
    SelectMeeting,
    ClearSelection,
    Approve,
    SwitchSuite,
    CancelApproval,
    /// Send the submission under the cursor to second marking (leads).
    SecondMarking,
    /// Decide a second marking whose assessors disagree (leads).
    Decide(crate::rubric::Decision),
    /// The submitted assessments of the submission under the cursor, side by side.
    ViewAssessments,
    /// Revoke the credential of the submission under the cursor (issuers).
    Revoke,
}

/// Where keys are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Queue,
    Evidence,
    Rubric,
    /// The list of rubrics.
    Rubrics,
    /// The YAML editor (printable keys type text, so commands use Ctrl and F-keys).
    Editor,
    /// The structure panel of the editor.
    Structure,
    /// The list of cohorts.
    Cohorts,
    /// One cohort, a row per submission, for approving.
    Cohort,
    /// A yes-or-no question in a box.
    Question,
    /// How far assessors agree (leads).
    Reliability,
}

#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help and the footer.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// The word shown in the footer, for the most used keys; None keeps it out of the footer.
    pub footer: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! b {
    ($label:expr, $action:expr, $help:expr, $footer:expr, [$($k:expr),+ $(,)?]) => {
        Binding { keys: &[$($k),+], label: $label, action: $action, help: $help, footer: $footer }
    };
}

const F: Option<&str> = None;

/// `r`: read the screen's data again.
const REFRESH: Binding = b!(
    "r",
    Action::Refresh,
    "refresh",
    F,
    [(KeyCode::Char('r'), NONE)]
);

/// `q`/`Esc` on the screens opened from the queue.
const BACK_TO_QUEUE: Binding = b!(
    "q/Esc",
    Action::Back,
    "back to the queue",
    Some("back"),
    [(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)]
);

/// Ctrl-Z / Ctrl-Y: the rubric editor's undo and redo, in the YAML and the structure panel.
const UNDO_REDO: [Binding; 2] = [
    b!(
        "Ctrl-Z",
        Action::Undo,
        "undo the last edit (typing or structured)",
        F,
        [(KeyCode::Char('z'), CTRL)]
    ),
    b!(
        "Ctrl-Y",
        Action::Redo,
        "redo what was undone",
        F,
        [(KeyCode::Char('y'), CTRL)]
    ),
];

/// `?` and F1: every screen has them (the editor, where `?` types, has F1 only).
const HELP: Binding = b!(
    "?",
    Action::Help,
    "show all keys (F1 too, on every screen)",
    Some("help"),
    [
        (KeyCode::Char('?'), NONE),
        (KeyCode::Char('?'), SHIFT),
        (KeyCode::F(1), NONE)
    ]
);

const MOVES: [Binding; 6] = [
    b!(
        "j/↓",
        Action::Down,
        "move down",
        Some("down"),
        [(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)]
    ),
    b!(
        "k/↑",
        Action::Up,
        "move up",
        Some("up"),
        [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)]
    ),
    b!(
        "g",
        Action::Top,
        "go to the top",
        F,
        [(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)]
    ),
    b!(
        "G",
        Action::Bottom,
        "go to the bottom",
        F,
        [
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
            (KeyCode::End, NONE)
        ]
    ),
    b!(
        "PgUp",
        Action::PageUp,
        "page up",
        F,
        [(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)]
    ),
    b!(
        "PgDn",
        Action::PageDown,
        "page down",
        F,
        [(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)]
    ),
];

const QUEUE: &[Binding] = &[
    b!(
        "Enter",
        Action::Open,
        "open the submission (claims it for you)",
        Some("open"),
        [(KeyCode::Enter, NONE)]
    ),
    b!(
        "/",
        Action::Filter,
        "filter: text, status:WORD, assessor:NAME, cohort:ID, rubric:ID",
        Some("filter"),
        [(KeyCode::Char('/'), NONE)]
    ),
    b!(
        "s",
        Action::Sort,
        "sort by age, learner, cohort, status or assessor",
        F,
        [(KeyCode::Char('s'), NONE)]
    ),
    b!(
        "S",
        Action::Reverse,
        "reverse the order",
        F,
        [(KeyCode::Char('S'), SHIFT), (KeyCode::Char('S'), NONE)]
    ),
    REFRESH,
    b!(
        "m",
        Action::MyWork,
        "my work: what you hold, assessed, or wait on for second marking (again: everything)",
        F,
        [(KeyCode::Char('m'), NONE)]
    ),
    b!(
        "I",
        Action::OpenReliability,
        "inter-rater reliability: how far assessors agree (leads)",
        F,
        [(KeyCode::Char('I'), SHIFT), (KeyCode::Char('I'), NONE)]
    ),
    b!(
        "L",
        Action::OpenLearner,
        "the learner: every attempt, credential and pathway",
        F,
        [(KeyCode::Char('L'), SHIFT), (KeyCode::Char('L'), NONE)]
    ),
    b!(
        "T",
        Action::TimeSpent,
        "time spent today: yours, or each assessor's (leads)",
        F,
        [(KeyCode::Char('T'), SHIFT), (KeyCode::Char('T'), NONE)]
    ),
    b!(
        "U",
        Action::ReleaseClaim,
        "unclaim: release the claim on a submission (yours, or anyone's for leads; asks)",
        F,
        [(KeyCode::Char('U'), SHIFT), (KeyCode::Char('U'), NONE)]
    ),
    HELP,
    b!(
        "C",
        Action::OpenCohorts,
        "cohorts: counts, approving and issuing badges (c is a comment in the review)",
        Some("cohorts"),
        [(KeyCode::Char('C'), SHIFT), (KeyCode::Char('C'), NONE)]
    ),
    b!(
        "e",
        Action::OpenRubrics,
        "rubrics: versions, editing (leads)",
        Some("rubrics"),
        [(KeyCode::Char('e'), NONE)]
    ),
    b!(
        "q",
        Action::Quit,
        "quit (asks; Ctrl-C quits at once)",
        Some("quit"),
        [(KeyCode::Char('q'), NONE)]
    ),
];

const REVIEW_COMMON: &[Binding] = &[
    b!(
        "V",
        Action::RevealName,
        "reveal a blind learner's name, saying why (leads)",
        F,
        [(KeyCode::Char('V'), SHIFT), (KeyCode::Char('V'), NONE)]
    ),
    b!(
        "Tab",
        Action::SwitchPane,
        "switch between evidence and rubric",
        Some("pane"),
        [(KeyCode::Tab, NONE), (KeyCode::BackTab, SHIFT)]
    ),
    b!(
        "Ctrl-S",
        Action::Submit,
        "submit the decision",
        Some("submit"),
        [(KeyCode::Char('s'), CTRL)]
    ),
    HELP,
    b!(
        "q/Esc",
        Action::Back,
        "back to the queue (the draft is kept)",
        Some("back"),
        [(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)]
    ),
];

const EVIDENCE: &[Binding] = &[
    b!(
        "]/→",
        Action::NextTab,
        "next artifact",
        Some("artifact"),
        [
            (KeyCode::Char(']'), NONE),
            (KeyCode::Right, NONE),
            (KeyCode::Char('l'), NONE)
        ]
    ),
    b!(
        "[/←",
        Action::PrevTab,
        "previous artifact",
        F,
        [
            (KeyCode::Char('['), NONE),
            (KeyCode::Left, NONE),
            (KeyCode::Char('h'), NONE)
        ]
    ),
    b!(
        "w",
        Action::ToggleWrap,
        "wrap long lines on/off",
        F,
        [(KeyCode::Char('w'), NONE)]
    ),
    b!(
        "d",
        Action::ShowDiff,
        "what changed since the previous attempt (a text file marked ~), or the file again",
        F,
        [(KeyCode::Char('d'), NONE)]
    ),
    b!(
        ">",
        Action::ScrollRight,
        "scroll right (long lines, unwrapped)",
        F,
        [(KeyCode::Char('>'), NONE), (KeyCode::Char('>'), SHIFT)]
    ),
    b!(
        "<",
        Action::ScrollLeft,
        "scroll left",
        F,
        [(KeyCode::Char('<'), NONE), (KeyCode::Char('<'), SHIFT)]
    ),
    b!(
        "/",
        Action::Search,
        "search in the artifact",
        Some("search"),
        [(KeyCode::Char('/'), NONE)]
    ),
    b!(
        "n",
        Action::NextMatch,
        "next match",
        F,
        [(KeyCode::Char('n'), NONE)]
    ),
    b!(
        "N",
        Action::PrevMatch,
        "previous match",
        F,
        [(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)]
    ),
];

const RUBRIC: &[Binding] = &[
    b!(
        "]",
        Action::NextTab,
        "next artifact (from either pane)",
        F,
        [(KeyCode::Char(']'), NONE)]
    ),
    b!(
        "[",
        Action::PrevTab,
        "previous artifact (from either pane)",
        F,
        [(KeyCode::Char('['), NONE)]
    ),
    b!(
        "1-9",
        Action::Level(0),
        "pick that level for the criterion",
        Some("level"),
        [(KeyCode::Null, NONE)]
    ),
    b!(
        "l/→",
        Action::LevelUp,
        "next level up",
        F,
        [(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)]
    ),
    b!(
        "h/←",
        Action::LevelDown,
        "next level down",
        F,
        [(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)]
    ),
    b!(
        "c",
        Action::Comment,
        "comment on the criterion",
        Some("comment"),
        [(KeyCode::Char('c'), NONE)]
    ),
    b!(
        "f",
        Action::FeedbackBank,
        "insert a comment from the feedback bank",
        F,
        [(KeyCode::Char('f'), NONE)]
    ),
    b!(
        "o",
        Action::Overall,
        "overall feedback",
        F,
        [(KeyCode::Char('o'), NONE)]
    ),
];

const RUBRICS: &[Binding] = &[
    b!(
        "Enter",
        Action::Open,
        "open the rubric in the editor",
        Some("edit"),
        [(KeyCode::Enter, NONE)]
    ),
    b!(
        "H",
        Action::History,
        "versions and what changed in each",
        Some("history"),
        [(KeyCode::Char('H'), SHIFT), (KeyCode::Char('H'), NONE)]
    ),
    b!(
        "d",
        Action::ShowDiff,
        "compare any two versions",
        Some("compare"),
        [(KeyCode::Char('d'), NONE)]
    ),
    HELP,
    BACK_TO_QUEUE,
];

const EDITOR: &[Binding] = &[
    b!(
        "Ctrl-S",
        Action::Save,
        "save as a new version (only when valid)",
        Some("save"),
        [(KeyCode::Char('s'), CTRL)]
    ),
    b!(
        "F8",
        Action::NextProblem,
        "go to the next problem",
        Some("next problem"),
        [(KeyCode::F(8), NONE), (KeyCode::Char('n'), CTRL)]
    ),
    b!(
        "F5",
        Action::TogglePreview,
        "preview as the assessor sees it",
        Some("preview"),
        [(KeyCode::F(5), NONE), (KeyCode::Char('p'), CTRL)]
    ),
    b!(
        "F6",
        Action::ToggleStructure,
        "structured edits (criteria, levels, fields)",
        Some("structure"),
        [(KeyCode::F(6), NONE), (KeyCode::Char('t'), CTRL)]
    ),
    b!(
        "F7",
        Action::ShowDiff,
        "what changed since the version you started from",
        Some("diff"),
        [(KeyCode::F(7), NONE), (KeyCode::Char('d'), CTRL)]
    ),
    b!(
        "F4",
        Action::ExternalEditor,
        "edit in $EDITOR",
        Some("$EDITOR"),
        [(KeyCode::F(4), NONE), (KeyCode::Char('e'), CTRL)]
    ),
    b!(
        "F1",
        Action::Help,
        "show all keys",
        Some("help"),
        [(KeyCode::F(1), NONE)]
    ),
    b!(
        "Esc",
        Action::Back,
        "leave the editor (asks if unsaved)",
        Some("back"),
        [(KeyCode::Esc, NONE), (KeyCode::Char('q'), CTRL)]
    ),
];

const STRUCTURE: &[Binding] = &[
    b!(
        "Enter",
        Action::Edit,
        "edit the value (or rename the item)",
        Some("edit"),
        [(KeyCode::Enter, NONE)]
    ),
    b!(
        "a",
        Action::Add,
        "add a criterion, level or comment after this one",
        Some("add"),
        [(KeyCode::Char('a'), NONE)]
    ),
    b!(
        "D",
        Action::Delete,
        "delete this criterion, level or comment (asks)",
        Some("delete"),
        [(KeyCode::Char('D'), SHIFT), (KeyCode::Char('D'), NONE)]
    ),
    b!(
        "K",
        Action::MoveUp,
        "move it up",
        Some("up"),
        [(KeyCode::Char('K'), SHIFT), (KeyCode::Char('K'), NONE)]
    ),
    b!(
        "J",
        Action::MoveDown,
        "move it down",
        None,
        [(KeyCode::Char('J'), SHIFT), (KeyCode::Char('J'), NONE)]
    ),
    b!(
        "n",
        Action::Rename,
        "rename the id (required levels follow; n means this here)",
        None,
        [(KeyCode::Char('n'), NONE)]
    ),
    b!(
        "Esc",
        Action::Back,
        "back to the YAML",
        Some("back"),
        [(KeyCode::Esc, NONE), (KeyCode::Char('q'), NONE)]
    ),
];

const COHORTS: &[Binding] = &[
    b!(
        "Enter",
        Action::Open,
        "open the cohort: one row per submission",
        Some("open"),
        [(KeyCode::Enter, NONE)]
    ),
    b!(
        "A",
        Action::Approve,
        "on a pathway: preview, approve and sign its program credentials (issuers)",
        Some("approve"),
        [(KeyCode::Char('A'), SHIFT), (KeyCode::Char('A'), NONE)]
    ),
    REFRESH,
    HELP,
    BACK_TO_QUEUE,
];

const COHORT: &[Binding] = &[
    b!(
        "Space",
        Action::Toggle,
        "select or unselect the submission",
        Some("select"),
        [(KeyCode::Char(' '), NONE)]
    ),
    b!(
        "*",
        Action::SelectMeeting,
        "select every shown submission that meets the rubric",
        Some("all meeting"),
        [(KeyCode::Char('*'), NONE), (KeyCode::Char('*'), SHIFT)]
    ),
    b!(
        "u",
        Action::ClearSelection,
        "unselect everything",
        F,
        [(KeyCode::Char('u'), NONE)]
    ),
    b!(
        "/",
        Action::Filter,
        "filter: text (learner, decision, assessor, flag), status:WORD, assessor:NAME",
        Some("filter"),
        [(KeyCode::Char('/'), NONE)]
    ),
    b!(
        "t",
        Action::SwitchSuite,
        "switch the cryptosuite (rdfc / jcs)",
        F,
        [(KeyCode::Char('t'), NONE)]
    ),
    b!(
        "A",
        Action::Approve,
        "preview, approve and sign the selection (issuers)",
        Some("approve"),
        [(KeyCode::Char('A'), SHIFT), (KeyCode::Char('A'), NONE)]
    ),
    b!(
        "x",
        Action::CancelApproval,
        "cancel the approval that is running",
        F,
        [(KeyCode::Char('x'), NONE)]
    ),
    b!(
        "L",
        Action::OpenLearner,
        "the learner: every attempt, credential and pathway",
        F,
        [(KeyCode::Char('L'), SHIFT), (KeyCode::Char('L'), NONE)]
    ),
    b!(
        "v",
        Action::ViewAssessments,
        "view the submission's assessments side by side",
        F,
        [(KeyCode::Char('v'), NONE)]
    ),
    b!(
        "R",
        Action::Revoke,
        "revoke the credential, with a reason (issuers)",
        F,
        [(KeyCode::Char('R'), SHIFT), (KeyCode::Char('R'), NONE)]
    ),
    b!(
        "2",
        Action::SecondMarking,
        "send to second marking by another assessor (leads)",
        F,
        [(KeyCode::Char('2'), NONE)]
    ),
    b!(
        "%",
        Action::SampleSecondMarking,
        "sample for second marking by rule (leads)",
        F,
        [(KeyCode::Char('%'), NONE), (KeyCode::Char('%'), SHIFT)]
    ),
    b!(
        "M",
        Action::Decide(crate::rubric::Decision::Meets),
        "decide a disagreement: meets, saying why (leads)",
        F,
        [(KeyCode::Char('M'), SHIFT), (KeyCode::Char('M'), NONE)]
    ),
    b!(
        "N",
        Action::Decide(crate::rubric::Decision::NotYet),
        "decide a disagreement: not yet, saying why (leads; N means this here)",
        F,
        [(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)]
    ),
    REFRESH,
    HELP,
    b!(
        "q/Esc",
        Action::Back,
        "back to the cohorts",
        Some("back"),
        [(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)]
    ),
];

/// The moves every list shares (down, up, top, bottom, page up and down).
pub fn is_move(action: Action) -> bool {
    matches!(
        action,
        Action::Down
            | Action::Up
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
    )
}

/// Every action a keymap file may name, by its name there (`release_claim = ["U"]`).
pub const ACTIONS: &[(&str, Action)] = &[
    ("command", Action::Command),
    ("my_work", Action::MyWork),
    ("up", Action::Up),
    ("down", Action::Down),
    ("top", Action::Top),
    ("bottom", Action::Bottom),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("open", Action::Open),
    ("back", Action::Back),
    ("quit", Action::Quit),
    ("time_spent", Action::TimeSpent),
    ("sample_second_marking", Action::SampleSecondMarking),
    ("open_reliability", Action::OpenReliability),
    ("reveal_name", Action::RevealName),
    ("open_learner", Action::OpenLearner),
    ("yes", Action::Yes),
    ("no", Action::No),
    ("help", Action::Help),
    ("filter", Action::Filter),
    ("sort", Action::Sort),
    ("reverse", Action::Reverse),
    ("refresh", Action::Refresh),
    ("release_claim", Action::ReleaseClaim),
    ("switch_pane", Action::SwitchPane),
    ("next_tab", Action::NextTab),
    ("prev_tab", Action::PrevTab),
    ("toggle_wrap", Action::ToggleWrap),
    ("scroll_right", Action::ScrollRight),
    ("scroll_left", Action::ScrollLeft),
    ("search", Action::Search),
    ("next_match", Action::NextMatch),
    ("prev_match", Action::PrevMatch),
    ("level_down", Action::LevelDown),
    ("level_up", Action::LevelUp),
    ("comment", Action::Comment),
    ("overall", Action::Overall),
    ("feedback_bank", Action::FeedbackBank),
    ("submit", Action::Submit),
    ("open_rubrics", Action::OpenRubrics),
    ("save", Action::Save),
    ("undo", Action::Undo),
    ("redo", Action::Redo),
    ("next_problem", Action::NextProblem),
    ("toggle_preview", Action::TogglePreview),
    ("toggle_structure", Action::ToggleStructure),
    ("show_diff", Action::ShowDiff),
    ("external_editor", Action::ExternalEditor),
    ("history", Action::History),
    ("edit", Action::Edit),
    ("add", Action::Add),
    ("delete", Action::Delete),
    ("move_up", Action::MoveUp),
    ("move_down", Action::MoveDown),
    ("rename", Action::Rename),
    ("open_cohorts", Action::OpenCohorts),
    ("toggle", Action::Toggle),
    ("select_meeting", Action::SelectMeeting),
    ("clear_selection", Action::ClearSelection),
    ("approve", Action::Approve),
    ("switch_suite", Action::SwitchSuite),
    ("cancel_approval", Action::CancelApproval),
    ("second_marking", Action::SecondMarking),
    ("view_assessments", Action::ViewAssessments),
    ("revoke", Action::Revoke),
    (
        "decide_meets",
        Action::Decide(crate::rubric::Decision::Meets),
    ),
    (
        "decide_not_yet",
        Action::Decide(crate::rubric::Decision::NotYet),
    ),
];

/// Every mode, for checking a merged map.
pub const MODES: [Mode; 10] = [
    Mode::Queue,
    Mode::Evidence,
    Mode::Rubric,
    Mode::Rubrics,
    Mode::Editor,
    Mode::Structure,
    Mode::Cohorts,
    Mode::Cohort,
    Mode::Question,
    Mode::Reliability,
];

/// The bindings of a mode, most specific first: the built-in map, or the user's keymap
/// layered over it once [`user::install`] has run.
pub fn bindings(mode: Mode) -> Vec<&'static Binding> {
    if let Some(merged) = user::merged(mode) {
        return merged;
    }
    builtin(mode)
}

/// The built-in keys of every screen as Markdown tables (README's key table is this text; a
/// test keeps them the same).
pub fn markdown() -> String {
    let names = [
        (Mode::Queue, "Queue"),
        (Mode::Evidence, "Review, evidence pane"),
        (Mode::Rubric, "Review, rubric pane"),
        (Mode::Rubrics, "Rubrics"),
        (Mode::Editor, "Rubric editor"),
        (Mode::Structure, "Rubric editor, structure panel"),
        (Mode::Cohorts, "Cohorts"),
        (Mode::Cohort, "Cohort"),
        (Mode::Reliability, "Reliability (leads)"),
        (Mode::Question, "Questions (a box that asks yes or no)"),
    ];
    let mut out = String::new();
    for (mode, name) in names {
        out.push_str(&format!("**{name}**\n\n| keys | action |\n|---|---|\n"));
        for b in builtin(mode) {
            let label = b.label.replace('|', "\\|");
            out.push_str(&format!("| `{label}` | {} |\n", b.help.replace('|', "\\|")));
        }
        out.push('\n');
    }
    out
}

/// The built-in bindings of a mode.
pub fn builtin(mode: Mode) -> Vec<&'static Binding> {
    let mut out: Vec<&'static Binding> = Vec::new();
    match mode {
        Mode::Queue => {
            out.extend(MOVES.iter());
            out.extend(QUEUE.iter());
        }
        Mode::Evidence => {
            out.extend(EVIDENCE.iter());
            out.extend(MOVES.iter());
            out.extend(REVIEW_COMMON.iter());
        }
        Mode::Rubric => {
            out.extend(RUBRIC.iter());
            out.extend(MOVES.iter());
            out.extend(REVIEW_COMMON.iter());
        }
        Mode::Rubrics => {
            out.extend(RUBRICS.iter());
            out.extend(MOVES.iter());
        }
        Mode::Cohorts => {
            out.extend(COHORTS.iter());
            out.extend(MOVES.iter());
        }
        Mode::Cohort => {
            out.extend(COHORT.iter());
            out.extend(MOVES.iter());
        }
        Mode::Editor => {
            out.extend(UNDO_REDO.iter());
            out.extend(EDITOR.iter());
        }
        Mode::Structure => {
            out.extend(UNDO_REDO.iter());
            out.extend(STRUCTURE.iter());
            out.extend(MOVES.iter().take(4));
        }
        Mode::Question => {
            out.extend(QUESTION.iter());
            return out;
        }
        Mode::Reliability => {
            out.extend([&REFRESH, &HELP, &BACK_TO_QUEUE]);
            out.extend(MOVES.iter().take(4));
        }
    }
    // The command line, wherever `:` does not type text.
    if mode != Mode::Editor {
        out.push(&COMMAND);
    }
    out
}

/// The answers in a question box; Esc and `q` also say no (except to a recovery copy,
/// which Esc leaves for next time).
const QUESTION: &[Binding] = &[
    b!(
        "y",
        Action::Yes,
        "yes: do what the box says",
        Some("yes"),
        [
            (KeyCode::Char('y'), NONE),
            (KeyCode::Char('Y'), SHIFT),
            (KeyCode::Char('Y'), NONE)
        ]
    ),
    b!(
        "n",
        Action::No,
        "no",
        Some("no"),
        [
            (KeyCode::Char('n'), NONE),
            (KeyCode::Char('N'), SHIFT),
            (KeyCode::Char('N'), NONE)
        ]
    ),
];

/// `:` opens the command line (`:cohort ID`, `:submission ID`, `:q`, …).
const COMMAND: Binding = b!(
    ":",
    Action::Command,
    "command line: queue, cohorts, cohort ID, learner ID, submission ID, rubric ID, reliability, help, q (Tab completes)",
    F,
    [(KeyCode::Char(':'), NONE), (KeyCode::Char(':'), SHIFT)]
);

/// The action a key has in a mode. Ctrl-C always quits (drafts are saved as they are typed).
pub fn action(mode: Mode, key: &KeyEvent) -> Option<Action> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(CTRL) {
        return Some(Action::QuitNow);
    }
    if mode == Mode::Rubric
        && let KeyCode::Char(c @ '1'..='9') = key.code
    {
        return Some(Action::Level(c as u8 - b'0'));
    }
    // Shift is reported inconsistently for symbols and capitals; compare without it.
    let mods = key.modifiers - SHIFT;
    bindings(mode).into_iter().find_map(|b| {
        b.keys
            .iter()
            .any(|(code, m)| *code == key.code && (*m - SHIFT) == mods)
            .then_some(b.action)
    })
}

/// Whether an action changes an assessment (not offered on a submission one only reads).
pub fn scores(action: Action) -> bool {
    matches!(
        action,
        Action::Level(_)
            | Action::LevelUp
            | Action::LevelDown
            | Action::Comment
            | Action::FeedbackBank
            | Action::Overall
            | Action::Submit
    )
}

/// Footer hints with their actions: (keys, word, action).
pub fn footer_actions(mode: Mode) -> Vec<(&'static str, &'static str, Action)> {
    bindings(mode)
        .into_iter()
        .filter_map(|b| b.footer.map(|w| (b.label, w, b.action)))
        .collect()
}

/// Footer hints: (keys, word) for the bindings that have a footer word.
pub fn footer(mode: Mode) -> Vec<(&'static str, &'static str)> {
    bindings(mode)
        .into_iter()
        .filter_map(|b| b.footer.map(|w| (b.label, w)))
        .collect()
}
