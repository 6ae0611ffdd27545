//! A key means one thing on every screen where it is bound, or the screen marks its own:
//! the exceptions are listed here, each with why.

use merit::tui::keymap::{self, Action, MODES};
use std::collections::BTreeMap;

/// Actions that are one meaning on different screens.
const SAME: &[&[Action]] = &[
    // Find: the queue and cohort filter rows, the evidence pane searches text.
    &[Action::Filter, Action::Search],
    // Left and right: the previous/next artifact, a level down/up.
    &[Action::PrevTab, Action::LevelDown],
    &[Action::NextTab, Action::LevelUp],
    // Leave this screen: from the queue that ends the session (and asks).
    &[Action::Back, Action::Quit],
    // Enter opens what is selected; in the structure panel that is the value's editor.
    &[Action::Open, Action::Edit],
    // Ctrl-S keeps the work: a decision, a rubric version.
    &[Action::Submit, Action::Save],
];

/// Keys a screen uses for its own action, where no screen with the other meaning is near:
/// `n` renames in the rubric structure (which has no search); `N` decides "not yet" in the
/// cohort view (which has no search), paired with `M` for meets. Each says so in its help.
const LOCAL: &[(char, Action)] = &[
    ('n', Action::Rename),
    ('N', Action::Decide(merit::rubric::Decision::NotYet)),
];

fn meaning(a: Action) -> Action {
    SAME.iter()
        .find(|class| class.contains(&a))
        .map_or(a, |class| class[0])
}

#[test]
fn a_key_means_one_thing_on_every_screen() {
    let mut seen: BTreeMap<String, Vec<(String, Action)>> = BTreeMap::new();
    // A question box takes only its answers, so its `y`/`n` stand apart from the screens'.
    for mode in MODES.into_iter().filter(|m| *m != keymap::Mode::Question) {
        for b in keymap::builtin(mode) {
            for (code, mods) in b.keys {
                if LOCAL.iter().any(|(c, a)| {
                    *code == ratatui::crossterm::event::KeyCode::Char(*c) && *a == b.action
                }) {
                    assert!(b.help.contains("here"), "{}: say it is local", b.label);
                    continue;
                }
                // Shift is part of the letter: `N` and Shift-N are one key.
                let mods = *mods - ratatui::crossterm::event::KeyModifiers::SHIFT;
                let k = format!("{code:?} {mods:?}");
                seen.entry(k)
                    .or_default()
                    .push((format!("{mode:?}"), meaning(b.action)));
            }
        }
    }
    let clashes: Vec<String> = seen
        .iter()
        .filter(|(_, uses)| uses.iter().any(|(_, a)| *a != uses[0].1))
        .map(|(k, uses)| format!("{k}: {uses:?}"))
        .collect();
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}
