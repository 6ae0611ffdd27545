//! The user's keymap, `$XDG_CONFIG_HOME/merit/keymap.toml` (else `~/.config/merit/keymap.toml`),
//! layered over the built-in map per action: an action the file names gets exactly the keys
//! it lists (an empty list unbinds it), on every screen that has it; help, the footer and the
//! keys themselves all come from the merged map. A mistake is reported as
//! `FILE:LINE:COLUMN: message` and the built-in map is used.
//!
//! ```toml
//! release_claim = ["X"]        # instead of U
//! my_work = ["m", "ctrl-o"]
//! help = ["F1"]                # ? no longer opens help
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::{ACTIONS, Action, Binding, MODES, Mode, builtin};

/// The most of the file that is read.
const MAX_BYTES: u64 = 64 * 1024;

/// A key with its modifiers.
pub type Key = (KeyCode, KeyModifiers);

/// Keys per action, as the file gives them, with where (`LINE:COLUMN`) each was named.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides(pub Vec<(Action, Vec<Key>, String)>);

/// Where the file is looked for.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".config")))?;
    Some(base.join("merit").join("keymap.toml"))
}

fn at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{col}")
}

/// One key as written: `x`, `X`, `ctrl-x`, `alt-x`, `Enter`, `Esc`, `Tab`, `Space`,
/// `Backspace`, `Delete`, `Home`, `End`, `PageUp`, `PageDown`, `Up`, `Down`, `Left`,
/// `Right`, `F1`…`F12`.
pub fn parse_key(written: &str) -> Option<(KeyCode, KeyModifiers)> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = written;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => {
            if c.is_uppercase() {
                mods |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(c)
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            f if f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return None,
            },
            _ => return None,
        },
    };
    Some((code, mods))
}

/// Reads a keymap file's text; errors say `LINE:COLUMN: message`.
pub fn parse(text: &str) -> Result<Overrides, String> {
    type Table = BTreeMap<toml::Spanned<String>, toml::Spanned<Vec<toml::Spanned<String>>>>;
    let table: Table = toml::from_str(text).map_err(|e| {
        let where_ = e.span().map_or("1:1".into(), |s| at(text, s.start));
        format!("{where_}: {}", e.message().trim())
    })?;
    let mut out = Overrides::default();
    for (name, keys) in table {
        let Some((_, action)) = ACTIONS.iter().find(|(n, _)| *n == name.get_ref()) else {
            return Err(format!(
                "{}: unknown action `{}` (actions are the names in `?` help, such as release_claim, my_work, help)",
                at(text, name.span().start),
                name.get_ref()
            ));
        };
        let mut parsed = Vec::new();
        for k in keys.get_ref() {
            let key = parse_key(k.get_ref()).ok_or_else(|| {
                format!(
                    "{}: `{}` is not a key (write x, X, ctrl-x, alt-x, Enter, Esc, Tab, Space, F1…)",
                    at(text, k.span().start),
                    k.get_ref()
                )
            })?;
            parsed.push(key);
        }
        out.0.push((*action, parsed, at(text, name.span().start)));
    }
    Ok(out)
}

/// The label help and the footer show for `keys`.
fn label(keys: &[(KeyCode, KeyModifiers)]) -> String {
    let one = |(code, mods): &(KeyCode, KeyModifiers)| {
        let mut s = String::new();
        if mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        s.push_str(&match code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        });
        s
    };
    let all: Vec<String> = keys.iter().map(one).collect();
    if all.is_empty() {
        "—".into()
    } else {
        all.join("/")
    }
}

/// The merged map of every mode: each binding whose action the file names takes its keys
/// (none: the binding is gone); two actions of one mode on the same key is an error.
pub fn merge(o: &Overrides) -> Result<Vec<(Mode, Vec<Binding>)>, String> {
    let mut out = Vec::new();
    for mode in MODES {
        let mut merged: Vec<Binding> = Vec::new();
        for b in builtin(mode) {
            match o.0.iter().find(|(a, _, _)| *a == b.action) {
                None => merged.push(Binding { ..*b }),
                Some((_, keys, _)) if keys.is_empty() => {}
                Some((_, keys, _)) => merged.push(Binding {
                    keys: Box::leak(keys.clone().into_boxed_slice()),
                    label: Box::leak(label(keys).into_boxed_str()),
                    ..*b
                }),
            }
        }
        // Conflicts: a key of two different actions in one mode.
        for (i, a) in merged.iter().enumerate() {
            for b in &merged[i + 1..] {
                if a.action == b.action {
                    continue;
                }
                if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                    let name = |x: Action| {
                        ACTIONS
                            .iter()
                            .find(|(_, y)| *y == x)
                            .map_or("?", |(n, _)| *n)
                    };
                    let place =
                        o.0.iter()
                            .find(|(x, _, _)| *x == a.action || *x == b.action)
                            .map_or("1:1".to_string(), |(_, _, p)| p.clone());
                    return Err(format!(
                        "{place}: `{}` would be both {} and {} ({mode:?} screen); give one of them another key",
                        label(&[*k]),
                        name(a.action),
                        name(b.action)
                    ));
                }
            }
        }
        out.push((mode, merged));
    }
    Ok(out)
}

static MERGED: OnceLock<Vec<(Mode, Vec<Binding>)>> = OnceLock::new();

/// Uses the user's keymap for the rest of the process (once; later calls change nothing).
pub fn install(o: &Overrides) -> Result<(), String> {
    let merged = merge(o)?;
    let _ = MERGED.set(merged);
    Ok(())
}

/// The merged bindings of `mode`, once installed.
pub fn merged(mode: Mode) -> Option<Vec<&'static Binding>> {
    let m = MERGED.get()?;
    m.iter()
        .find(|(x, _)| *x == mode)
        .map(|(_, b)| b.iter().collect())
}

/// Reads and installs the user's keymap file if there is one; says what is wrong with it
/// (`FILE:LINE:COLUMN: …`; the built-in keys stay).
pub fn load_and_install() -> Result<(), String> {
    let Some(p) = path() else {
        return Ok(());
    };
    let Ok(file) = std::fs::File::open(&p) else {
        return Ok(());
    };
    let mut text = String::new();
    use std::io::Read;
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(format!("{}: larger than {MAX_BYTES} bytes", p.display()));
    }
    let o = parse(&text).map_err(|e| format!("{}:{e}", p.display()))?;
    install(&o).map_err(|e| format!("{}:{e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_written_as_people_write_them() {
        assert_eq!(
            parse_key("x"),
            Some((KeyCode::Char('x'), KeyModifiers::NONE))
        );
        assert_eq!(
            parse_key("X"),
            Some((KeyCode::Char('X'), KeyModifiers::SHIFT))
        );
        assert_eq!(
            parse_key("ctrl-o"),
            Some((KeyCode::Char('o'), KeyModifiers::CONTROL))
        );
        assert_eq!(parse_key("F5"), Some((KeyCode::F(5), KeyModifiers::NONE)));
        assert_eq!(
            parse_key("PageDown"),
            Some((KeyCode::PageDown, KeyModifiers::NONE))
        );
        assert_eq!(parse_key("F13"), None);
        assert_eq!(parse_key("hyper-x"), None);
    }

    #[test]
    fn mistakes_say_where() {
        let e = parse("my_work = [\"m\"]\nfrobnicate = [\"x\"]\n").unwrap_err();
        assert!(e.starts_with("2:1: unknown action `frobnicate`"), "{e}");
        let e = parse("help = [\"F1\", \"squiggle\"]\n").unwrap_err();
        assert!(e.starts_with("1:15: `squiggle` is not a key"), "{e}");
        let e = parse("help = \"F1\"\n").unwrap_err();
        assert!(e.starts_with("1:"), "{e}");
        // Two actions of the queue on one key.
        let o = parse("release_claim = [\"m\"]\n").unwrap();
        let e = merge(&o).unwrap_err();
        assert!(e.contains("`m` would be both"), "{e}");
        assert!(e.starts_with("1:1:"), "{e}");
    }

    /// The built-in map has no key of two actions on one screen.
    #[test]
    fn the_builtin_map_has_no_conflict() {
        merge(&Overrides::default()).unwrap();
    }

    #[test]
    fn a_file_changes_keys_and_unbinds() {
        let o = parse("release_claim = [\"X\"]\nmy_work = []\n").unwrap();
        let merged = merge(&o).unwrap();
        let queue = &merged.iter().find(|(m, _)| *m == Mode::Queue).unwrap().1;
        let release = queue
            .iter()
            .find(|b| b.action == Action::ReleaseClaim)
            .unwrap();
        assert_eq!(release.label, "X");
        assert!(queue.iter().all(|b| b.action != Action::MyWork));
    }
}
