//! Untrusted text (artifacts, names, rubric text, file names) made safe for a terminal.
//!
//! Escape sequences — CSI, OSC, DCS, SOS, PM, APC, in their 7-bit (`ESC [`) and 8-bit (`U+009B`)
//! forms, and two-character escapes — are removed and replaced by one visible `␛` each, so a
//! submission cannot clear the screen, set the title, write the clipboard (OSC 52) or plant a
//! hyperlink. Remaining control characters become control pictures (`␇`), and bidi, zero-width
//! and other invisible format characters become `⟨U+202E⟩` markers, so nothing is hidden from
//! the reader. Tabs are expanded.

/// Marker that replaces a removed escape sequence.
pub const ESCAPE_MARKER: char = '␛';

/// Width of a tab stop.
const TAB: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// After ESC followed by intermediates (0x20–0x2F).
    EscapeIntermediate,
    /// In a CSI sequence, until a final byte 0x40–0x7E.
    Csi,
    /// In a string sequence (OSC, DCS, SOS, PM, APC) until ST; OSC also ends at BEL.
    Str {
        osc: bool,
    },
    /// In a string sequence, just after ESC (expecting `\` for ST).
    StrEscape {
        osc: bool,
    },
}

/// Sanitizes one logical line: newlines and carriage returns become `↵` markers.
pub fn line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    Sanitizer::default().push(s, &mut out, true);
    out
}

/// Sanitizes multi-line text into display lines (split on `\n`; `\r\n` accepted).
pub fn lines(s: &str) -> Vec<String> {
    let mut san = Sanitizer::default();
    s.split('\n')
        .map(|l| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            let mut out = String::with_capacity(l.len());
            san.push(l, &mut out, true);
            out
        })
        .collect()
}

/// Streaming sanitizer: keeps its state across calls so a sequence split between two chunks
/// (or two lines of an OSC payload) is still removed whole.
#[derive(Clone, Copy)]
pub struct Sanitizer {
    state: State,
    column: usize,
}

impl Default for Sanitizer {
    fn default() -> Self {
        Sanitizer {
            state: State::Text,
            column: 0,
        }
    }
}

impl Sanitizer {
    /// Appends the safe form of `s` to `out`. When `new_line` is true the tab column restarts.
    pub fn push(&mut self, s: &str, out: &mut String, new_line: bool) {
        if new_line {
            self.column = 0;
        }
        for c in s.chars() {
            self.state = match self.state {
                State::Text => self.text(c, out),
                State::Escape => match c {
                    '[' => State::Csi,
                    ']' => State::Str { osc: true },
                    'P' | 'X' | '^' | '_' => State::Str { osc: false },
                    '\u{20}'..='\u{2F}' => State::EscapeIntermediate,
                    '\u{1b}' => {
                        self.marker(out);
                        State::Escape
                    }
                    // Any other character ends a two-character escape (or an invalid one).
                    _ => State::Text,
                },
                State::EscapeIntermediate => match c {
                    '\u{20}'..='\u{2F}' => State::EscapeIntermediate,
                    _ => State::Text,
                },
                State::Csi => match c {
                    '\u{40}'..='\u{7E}' => State::Text,
                    '\u{1b}' => {
                        self.marker(out);
                        State::Escape
                    }
                    _ => State::Csi,
                },
                State::Str { osc } => match c {
                    '\u{7}' if osc => State::Text,
                    '\u{9c}' => State::Text,
                    '\u{1b}' => State::StrEscape { osc },
                    _ => State::Str { osc },
                },
                State::StrEscape { osc } => match c {
                    '\\' => State::Text,
                    '\u{1b}' => State::StrEscape { osc },
                    _ => State::Str { osc },
                },
            };
        }
    }

    fn marker(&mut self, out: &mut String) {
        out.push(ESCAPE_MARKER);
        self.column += 1;
    }

    fn text(&mut self, c: char, out: &mut String) -> State {
        match c {
            '\u{1b}' => {
                self.marker(out);
                return State::Escape;
            }
            '\u{9b}' => {
                self.marker(out);
                return State::Csi;
            }
            '\u{9d}' => {
                self.marker(out);
                return State::Str { osc: true };
            }
            '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                self.marker(out);
                return State::Str { osc: false };
            }
            '\t' => {
                let n = TAB - self.column % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                self.column += n;
            }
            '\n' | '\r' => {
                out.push('↵');
                self.column += 1;
            }
            '\u{0}'..='\u{1f}' => {
                // Control pictures: U+2400 + code.
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
                self.column += 1;
            }
            '\u{7f}' => {
                out.push('␡');
                self.column += 1;
            }
            c if is_invisible(c) => {
                let m = format!("⟨U+{:04X}⟩", c as u32);
                self.column += m.chars().count();
                out.push_str(&m);
            }
            c => {
                out.push(c);
                self.column += 1;
            }
        }
        State::Text
    }
}

/// `v` as one line of JSON that is safe on a terminal: serde_json escapes C0 controls but
/// writes C1 controls, bidi and other invisible format characters (and U+2028/U+2029) as they
/// are, so those are written as `\uXXXX` escapes too. The JSON means the same.
pub fn json_line<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    Ok(json_safe(&serde_json::to_string(v)?))
}

/// [`json_line`], indented for people to read.
pub fn json_pretty<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    Ok(json_safe(&serde_json::to_string_pretty(v)?))
}

/// JSON text with the characters a terminal would act on or hide written as escapes.
fn json_safe(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if is_invisible(c) || c == '\u{7f}' {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// C1 controls, bidi controls, zero-width and other format characters that can hide or
/// reorder text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{206a}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_escape_c1_and_bidi_and_mean_the_same() {
        let v = serde_json::json!({"name": "a\u{9b}31m\u{202e}b\u{1b}]0;x\u{7}\u{e0041}"});
        let s = json_line(&v).unwrap();
        assert!(s.is_ascii(), "{s}");
        assert!(s.contains("\\u009b") && s.contains("\\u202e") && s.contains("\\udb40\\udc41"));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    #[test]
    fn removes_csi_and_marks_it() {
        assert_eq!(line("a\x1b[2Jb\x1b[31mc"), "a␛b␛c");
    }

    #[test]
    fn removes_osc_title_clipboard_and_hyperlinks() {
        assert_eq!(line("x\x1b]0;pwned\x07y"), "x␛y");
        assert_eq!(line("x\x1b]52;c;ZXZpbA==\x1b\\y"), "x␛y");
        assert_eq!(
            line("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "␛click␛"
        );
    }

    #[test]
    fn removes_dcs_apc_pm_sos() {
        for intro in ['P', '_', '^', 'X'] {
            let s = format!("a\x1b{intro}payload with ; stuff\x1b\\b");
            assert_eq!(line(&s), "a␛b", "intro {intro}");
        }
    }

    #[test]
    fn removes_8bit_forms() {
        assert_eq!(line("a\u{9b}2Jb"), "a␛b");
        assert_eq!(line("a\u{9d}0;t\u{9c}b"), "a␛b");
        assert_eq!(line("a\u{90}q\u{9c}b"), "a␛b");
    }

    #[test]
    fn two_character_escapes_are_removed() {
        assert_eq!(line("a\x1bcb"), "a␛b"); // RIS: full reset
        assert_eq!(line("a\x1b(Bb"), "a␛b"); // charset designation
    }

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(line("a\x07b\x08c"), "a␇b␈c");
        assert_eq!(line("pay\u{202e}lmth.exe"), "pay⟨U+202E⟩lmth.exe");
        assert_eq!(line("zero\u{200b}width"), "zero⟨U+200B⟩width");
        assert_eq!(line("a\rb"), "a↵b");
    }

    #[test]
    fn no_escape_byte_survives_any_input() {
        let nasty = "\x1b\x1b[\x1b]\x1bP\u{9b}\u{9d}\x1b[?1049h\x1b]0;x";
        let out = line(nasty);
        assert!(!out.contains('\x1b') && !out.contains('\u{9b}') && !out.contains('\u{9d}'));
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(line("a\tb"), "a   b");
        assert_eq!(lines("ab\tc\n\td"), vec!["ab  c", "    d"]);
    }

    #[test]
    fn sequences_spanning_lines_are_removed_whole() {
        assert_eq!(lines("a\x1b]0;multi\nline title\x07b"), vec!["a␛", "b"]);
    }

    #[test]
    fn plain_text_and_unicode_pass_through() {
        assert_eq!(
            line("Zeynep Yılmaz — naïve café 🎓"),
            "Zeynep Yılmaz — naïve café 🎓"
        );
    }
}
