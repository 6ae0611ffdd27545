//! A user keymap file changes keys, and help and the footer show the change. (Its own test
//! binary: the merged map is installed once per process.)

mod common;

use common::tui::*;
use merit::tui::effect::{DbRequest, Effect};
use merit::tui::keymap::{self, Action, Mode};
use merit::tui::widgets::popup::Popup;
use ratatui::crossterm::event::KeyCode;

#[test]
fn a_keymap_file_changes_a_key_and_help_and_footer_follow() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("merit")).unwrap();
    std::fs::write(
        dir.path().join("merit/keymap.toml"),
        "# mine\nrelease_claim = [\"X\"]\nhelp = [\"F2\"]\nmy_work = []\nyes = [\"o\"]\n",
    )
    .unwrap();
    // SAFETY: this binary's only test; nothing else reads the environment meanwhile.
    unsafe { std::env::set_var("XDG_CONFIG_HOME", dir.path()) };
    assert_eq!(
        keymap::user::path().unwrap(),
        dir.path().join("merit/keymap.toml")
    );
    keymap::user::load_and_install().unwrap();

    let k = |c: KeyCode| {
        ratatui::crossterm::event::KeyEvent::new(c, ratatui::crossterm::event::KeyModifiers::NONE)
    };
    assert_eq!(
        keymap::action(Mode::Queue, &k(KeyCode::Char('X'))),
        Some(Action::ReleaseClaim)
    );
    assert_eq!(keymap::action(Mode::Queue, &k(KeyCode::Char('U'))), None);
    assert_eq!(keymap::action(Mode::Queue, &k(KeyCode::Char('m'))), None);
    assert_eq!(
        keymap::action(Mode::Queue, &k(KeyCode::F(2))),
        Some(Action::Help)
    );
    assert_eq!(keymap::action(Mode::Queue, &k(KeyCode::Char('?'))), None);

    // In the workbench: the footer says F2 for help, F2 opens help, which lists X.
    let mut a = queue_app(80, 24, 6);
    let screen = render(&a);
    assert!(
        screen.lines().last().unwrap().contains("F2 help"),
        "{screen}"
    );
    a.update(code(KeyCode::F(2)));
    assert!(matches!(a.popup(), Some(Popup::Help(Mode::Queue))));
    let help = render(&a);
    assert!(help.contains(" X ") && help.contains("unclaim"), "{help}");
    a.update(code(KeyCode::Esc));
    // X releases (it asks first).
    for _ in 0..3 {
        a.update(key('j'));
    }
    a.session.is_lead = true;
    a.update(key('X'));
    assert!(matches!(a.popup(), Some(Popup::Confirm { .. })));
    // The question's hint names the user's key for yes, and `y` no longer answers it.
    let asked = render(&a);
    assert!(
        asked.contains("o release") && asked.contains("n keep the claim"),
        "{asked}"
    );
    assert!(a.update(key('y')).is_empty());
    assert!(matches!(a.popup(), Some(Popup::Confirm { .. })));
    let e = a.update(key('o'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Release { .. })))
    );
}
