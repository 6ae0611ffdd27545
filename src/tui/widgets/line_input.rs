//! One single-line text input for every filter, search and prompt, with the keys fingers
//! already know (readline's): ←/→, Home/End, Ctrl-A/E/B/F, Alt-B/F, Backspace/Ctrl-H,
//! Delete/Ctrl-D, Ctrl-W/Alt-Backspace, Alt-D, Ctrl-U, Ctrl-K. Pasted text is cleaned of
//! control characters. Keys it does not know (other Ctrl and Alt keys, ↑/↓, F keys) are
//! [`InputEvent::Ignored`], so that they reach the app (Ctrl-C quits) and never type.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// What a key did to the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputEvent {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Enter.
    Submit,
    /// Esc.
    Cancel,
    /// Not a key of the input: the caller decides (or the app does).
    Ignored,
}

#[derive(Clone, Debug)]
pub struct LineInput {
    chars: Vec<char>,
    /// Position of the cursor, in characters.
    cursor: usize,
    /// Most characters kept.
    max: usize,
    /// Shown instead of each character (a passphrase).
    mask: Option<char>,
}

impl Default for LineInput {
    /// An empty input of up to 200 characters.
    fn default() -> LineInput {
        LineInput::new(200)
    }
}

impl LineInput {
    pub fn new(max: usize) -> LineInput {
        LineInput {
            chars: Vec::new(),
            cursor: 0,
            max,
            mask: None,
        }
    }

    /// An input holding `text`, the cursor at its end.
    pub fn with_text(text: &str, max: usize) -> LineInput {
        let mut i = LineInput::new(max);
        i.insert(text);
        i
    }

    /// An input whose characters are shown as `•`.
    pub fn masked(max: usize) -> LineInput {
        LineInput {
            mask: Some('•'),
            ..LineInput::new(max)
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text, the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.clear();
        self.insert(text);
    }

    pub fn clear(&mut self) {
        self.chars.clear();
        self.cursor = 0;
    }

    /// Inserts text at the cursor: control characters dropped (a line break becomes a
    /// space), no more than the input holds.
    fn insert(&mut self, text: &str) -> bool {
        let room = self.max.saturating_sub(self.chars.len());
        let clean: Vec<char> = text
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .take(room)
            .collect();
        if clean.is_empty() {
            return false;
        }
        let n = clean.len();
        self.chars.splice(self.cursor..self.cursor, clean);
        self.cursor += n;
        true
    }

    /// Pasted text.
    pub fn paste(&mut self, text: &str) -> InputEvent {
        if self.insert(text) {
            InputEvent::Changed
        } else {
            InputEvent::Ignored
        }
    }

    fn word_start(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn word_end(&self) -> usize {
        let mut i = self.cursor;
        let n = self.chars.len();
        while i < n && self.chars[i].is_whitespace() {
            i += 1;
        }
        while i < n && !self.chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    fn delete(&mut self, from: usize, to: usize) -> InputEvent {
        if from >= to {
            return InputEvent::Moved;
        }
        self.chars.drain(from..to);
        self.cursor = from;
        InputEvent::Changed
    }

    fn move_to(&mut self, to: usize) -> InputEvent {
        self.cursor = to.min(self.chars.len());
        InputEvent::Moved
    }

    pub fn key(&mut self, k: KeyEvent) -> InputEvent {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        let end = self.chars.len();
        match k.code {
            KeyCode::Enter => InputEvent::Submit,
            KeyCode::Esc => InputEvent::Cancel,
            KeyCode::Left if !ctrl && !alt => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right if !ctrl && !alt => self.move_to(self.cursor + 1),
            KeyCode::Left => self.move_to(self.word_start()),
            KeyCode::Right => self.move_to(self.word_end()),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(end),
            KeyCode::Backspace if alt || ctrl => self.delete(self.word_start(), self.cursor),
            KeyCode::Backspace => self.delete(self.cursor.saturating_sub(1), self.cursor),
            KeyCode::Delete => self.delete(self.cursor, (self.cursor + 1).min(end)),
            KeyCode::Char(c) if ctrl && !alt => match c {
                'a' => self.move_to(0),
                'e' => self.move_to(end),
                'b' => self.move_to(self.cursor.saturating_sub(1)),
                'f' => self.move_to(self.cursor + 1),
                'h' => self.delete(self.cursor.saturating_sub(1), self.cursor),
                'd' => self.delete(self.cursor, (self.cursor + 1).min(end)),
                'w' => self.delete(self.word_start(), self.cursor),
                'u' => self.delete(0, self.cursor),
                'k' => self.delete(self.cursor, end),
                _ => InputEvent::Ignored,
            },
            KeyCode::Char(c) if alt && !ctrl => match c {
                'b' => self.move_to(self.word_start()),
                'f' => self.move_to(self.word_end()),
                'd' => self.delete(self.cursor, self.word_end()),
                _ => InputEvent::Ignored,
            },
            KeyCode::Char(c) if !ctrl && !alt => {
                if self.insert(c.encode_utf8(&mut [0; 4])) {
                    InputEvent::Changed
                } else {
                    InputEvent::Ignored
                }
            }
            _ => InputEvent::Ignored,
        }
    }

    /// The text as spans with the cursor drawn as a reversed cell, scrolled so that the
    /// cursor stays within `width` columns; sanitized (and masked).
    pub fn spans(&self, style: Style, cursor: Style, width: usize) -> Vec<Span<'static>> {
        let shown: Vec<char> = match self.mask {
            Some(m) => vec![m; self.chars.len()],
            None => self
                .chars
                .iter()
                .map(|c| {
                    crate::sanitize::line(&c.to_string())
                        .chars()
                        .next()
                        .unwrap_or('?')
                })
                .collect(),
        };
        // Scroll by characters until the text up to the cursor (and the cursor) fits.
        let cols = |cs: &[char]| -> usize {
            cs.iter()
                .map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(1))
                .sum()
        };
        let mut start = 0;
        while start < self.cursor && cols(&shown[start..self.cursor]) + 1 > width.max(1) {
            start += 1;
        }
        let before: String = shown[start..self.cursor].iter().collect();
        let at: String = shown.get(self.cursor).map_or(" ".into(), |c| c.to_string());
        let after: String = shown
            .get(self.cursor + 1..)
            .map_or(String::new(), |s| s.iter().collect());
        vec![
            Span::styled(before, style),
            Span::styled(at, cursor),
            Span::styled(after, style),
        ]
    }

    /// [`LineInput::spans`] as a line.
    pub fn line(&self, style: Style, cursor: Style, width: usize) -> Line<'static> {
        Line::from(self.spans(style, cursor, width))
    }

    /// The text for a status line, sanitized, `▏` at the cursor.
    pub fn display(&self) -> String {
        let before: String = self.chars[..self.cursor].iter().collect();
        let after: String = self.chars[self.cursor..].iter().collect();
        format!(
            "{}▏{}",
            crate::sanitize::line(&before),
            crate::sanitize::line(&after)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }
    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }
    fn alt(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::ALT)
    }
    fn typed(s: &str) -> LineInput {
        let mut i = LineInput::new(100);
        for c in s.chars() {
            i.key(ch(c));
        }
        i
    }

    #[test]
    fn readline_keys_edit_words_and_ends() {
        let mut i = typed("status:new bea");
        assert_eq!(i.key(ctrl('w')), InputEvent::Changed);
        assert_eq!(i.text(), "status:new ");
        i.key(ctrl('h'));
        assert_eq!(i.text(), "status:new");
        i.key(ctrl('a'));
        assert_eq!(i.cursor(), 0);
        i.key(alt('f'));
        assert_eq!(i.cursor(), 10);
        i.key(ctrl('u'));
        assert_eq!(i.text(), "");
        let mut i = typed("one two three");
        i.key(alt('b'));
        i.key(alt('b'));
        i.key(ctrl('k'));
        assert_eq!(i.text(), "one ");
        i.key(ctrl('e'));
        i.key(key(KeyCode::Backspace, KeyModifiers::ALT));
        assert_eq!(i.text(), "");
        let mut i = typed("abc");
        i.key(key(KeyCode::Left, KeyModifiers::NONE));
        i.key(ch('X'));
        assert_eq!(i.text(), "abXc");
        i.key(key(KeyCode::Home, KeyModifiers::NONE));
        i.key(ctrl('d'));
        assert_eq!(i.text(), "bXc");
    }

    #[test]
    fn unknown_ctrl_and_alt_keys_never_type() {
        let mut i = typed("ab");
        for k in [
            ctrl('c'),
            ctrl('x'),
            alt('x'),
            key(KeyCode::Up, KeyModifiers::NONE),
        ] {
            assert_eq!(i.key(k), InputEvent::Ignored, "{k:?}");
        }
        assert_eq!(i.text(), "ab");
        assert_eq!(i.key(ch('\u{1b}')), InputEvent::Ignored);
        assert_eq!(
            i.key(key(KeyCode::Enter, KeyModifiers::NONE)),
            InputEvent::Submit
        );
        assert_eq!(
            i.key(key(KeyCode::Esc, KeyModifiers::NONE)),
            InputEvent::Cancel
        );
    }

    #[test]
    fn paste_is_cleaned_and_bounded() {
        let mut i = LineInput::new(8);
        assert_eq!(i.paste("a\x1b[31mb\nc"), InputEvent::Changed);
        assert_eq!(i.text(), "a[31mb c");
        assert_eq!(i.paste("more"), InputEvent::Ignored);
        let m = LineInput::masked(10);
        let mut m = m;
        m.paste("secret");
        let shown: String = m
            .spans(Style::default(), Style::default(), 80)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(shown, "•••••• ");
    }

    /// A long text scrolls so that the cursor is always in view.
    #[test]
    fn the_cursor_stays_in_view() {
        let i = typed(&"x".repeat(50));
        let spans = i.spans(Style::default(), Style::default(), 10);
        assert_eq!(spans[0].content.chars().count(), 9);
        assert_eq!(spans[1].content, " ");
    }
}
