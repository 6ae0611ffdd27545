//! Terminal graphics: images go out with the kitty protocol once, are not re-sent while
//! unchanged, and are deleted when they leave the screen or a popup covers them.

mod common;

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use base64::Engine;
use common::tui::*;
use merit::tui::app::App;
use merit::tui::event::{self, FrameWriter};
use merit::tui::graphics::{Graphics, KittyState};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Screen {
    terminal: Terminal<CrosstermBackend<FrameWriter<Sink>>>,
    sink: Sink,
    kitty: KittyState,
}

impl Screen {
    fn new() -> Screen {
        let sink = Sink::default();
        let terminal = Terminal::with_options(
            CrosstermBackend::new(FrameWriter::new(sink.clone())),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 160, 48)),
            },
        )
        .unwrap();
        Screen {
            terminal,
            sink,
            kitty: KittyState::default(),
        }
    }

    /// Draws one frame and returns the bytes it wrote.
    fn frame(&mut self, app: &App) -> String {
        self.sink.0.borrow_mut().clear();
        event::draw(&mut self.terminal, app, &mut self.kitty).unwrap();
        String::from_utf8_lossy(&self.sink.0.borrow()).into_owned()
    }
}

fn image_tab(app: &mut App) {
    app.update(code(KeyCode::Tab));
    for _ in 0..4 {
        app.update(key(']'));
    }
}

#[test]
fn kitty_image_is_sent_once_and_deleted_when_it_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = queue_app(160, 48, 5);
    a.graphics = Graphics::Kitty;
    open_review(&mut a, review_data(dir.path()));
    let mut s = Screen::new();
    let first = s.frame(&a);
    assert!(
        !first.contains("\x1b_G"),
        "no image on the rubric pane's first view"
    );

    image_tab(&mut a);
    let shown = s.frame(&a);
    let payload = base64::engine::general_purpose::STANDARD.encode(png_fixture());
    assert!(shown.contains("\x1b_Ga=T,f=100,t=d,"), "{shown:?}");
    assert!(shown.contains(&payload), "the PNG itself is sent");
    assert!(!shown.contains('▀'), "no half blocks under the image");

    let again = s.frame(&a);
    assert!(
        !again.contains("\x1b_G"),
        "an unchanged image is not sent again"
    );

    // A popup over it removes it (it would cover the popup), and it comes back after.
    a.update(key('?'));
    let covered = s.frame(&a);
    assert!(covered.contains("\x1b_Ga=d,d=I,"), "{covered:?}");
    a.update(code(KeyCode::Esc));
    assert!(s.frame(&a).contains("\x1b_Ga=T"));

    // Another tab: deleted.
    a.update(key('['));
    assert!(s.frame(&a).contains("\x1b_Ga=d,d=I,"));
}

#[test]
fn without_kitty_the_half_block_preview_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = queue_app(160, 48, 5);
    open_review(&mut a, review_data(dir.path()));
    image_tab(&mut a);
    let mut s = Screen::new();
    let out = s.frame(&a);
    assert!(!out.contains("\x1b_G"));
    assert!(out.contains('▀'));
}

#[test]
fn large_images_are_sent_in_chunks() {
    let mut k = KittyState::default();
    let png = std::sync::Arc::new(vec![7u8; 10_000]);
    let p = merit::tui::graphics::Placement {
        id: 3,
        area: Rect::new(2, 5, 20, 10),
        png,
    };
    let out = String::from_utf8(k.frame(Some(&p))).unwrap();
    // 10,000 bytes → 13,336 base64 characters → 4 chunks of at most 4,096.
    assert_eq!(out.matches("\x1b_G").count(), 4);
    assert!(out.contains("a=T,f=100,t=d,i=3,c=20,r=10,C=1,q=2,m=1;"));
    assert!(out.contains("\x1b_Gm=0;"));
    assert!(
        out.starts_with("\x1b7\x1b[6;3H"),
        "placed at the area's top-left"
    );
    assert!(out.ends_with("\x1b8"), "cursor restored");
}
