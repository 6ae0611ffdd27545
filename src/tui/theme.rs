//! Styles. 16 ANSI colours by default; with `NO_COLOR` set, modifiers only (bold, reverse,
//! underline, dim), so the screen stays readable on any terminal.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (see no-color.org).
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    pub fn plain() -> Self {
        Theme { color: false }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn good(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn marker(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    pub fn heading(&self) -> Style {
        self.fg(Color::Blue)
            .add_modifier(Modifier::BOLD)
            .add_modifier(Modifier::UNDERLINED)
    }
    pub fn search_hit(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
        }
    }
    /// Syntax highlighting classes.
    pub fn code(&self, class: CodeClass) -> Style {
        if !self.color {
            return match class {
                CodeClass::Comment => Style::new().add_modifier(Modifier::DIM),
                CodeClass::Keyword => Style::new().add_modifier(Modifier::BOLD),
                _ => Style::new(),
            };
        }
        match class {
            CodeClass::Plain => Style::new(),
            CodeClass::Comment => Style::new().fg(Color::DarkGray),
            CodeClass::String => Style::new().fg(Color::Green),
            CodeClass::Number => Style::new().fg(Color::Cyan),
            CodeClass::Keyword => Style::new().fg(Color::Magenta),
            CodeClass::Function => Style::new().fg(Color::Blue),
            CodeClass::Type => Style::new().fg(Color::Yellow),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeClass {
    Plain,
    Comment,
    String,
    Number,
    Keyword,
    Function,
    Type,
}
