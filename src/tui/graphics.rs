//! Image previews with the kitty graphics protocol (kitty, WezTerm, Ghostty), drawn over the
//! area that otherwise holds the half-block preview. Detected from the environment only —
//! never by asking the terminal, which could stall a slow link. `MERIT_GRAPHICS=none` or
//! `kitty` overrides the guess.

use std::io::Write;
use std::sync::Arc;

use base64::Engine;
use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Graphics {
    /// Half-block characters (works everywhere).
    #[default]
    HalfBlocks,
    /// The kitty graphics protocol.
    Kitty,
}

impl Graphics {
    pub fn detect() -> Graphics {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        match var("MERIT_GRAPHICS").as_str() {
            "kitty" => return Graphics::Kitty,
            "none" | "halfblocks" => return Graphics::HalfBlocks,
            _ => {}
        }
        let term = var("TERM");
        let program = var("TERM_PROGRAM");
        if term.contains("kitty")
            || term.contains("ghostty")
            || program == "WezTerm"
            || program == "ghostty"
        {
            Graphics::Kitty
        } else {
            Graphics::HalfBlocks
        }
    }
}

/// An image to show in a screen area.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub id: u32,
    pub area: Rect,
    pub png: Arc<Vec<u8>>,
}

/// What the terminal currently shows, so that an unchanged image is not sent again.
#[derive(Debug, Default)]
pub struct KittyState {
    shown: Option<(u32, Rect)>,
}

/// Base64 characters per transmission chunk (the protocol's limit).
const CHUNK: usize = 4096;

impl KittyState {
    /// The bytes that bring the terminal from what it shows to `wanted`.
    pub fn frame(&mut self, wanted: Option<&Placement>) -> Vec<u8> {
        let mut out = Vec::new();
        let want = wanted.map(|p| (p.id, p.area));
        if want == self.shown {
            return out;
        }
        if let Some((id, _)) = self.shown.take() {
            // `I`: delete the placement and free the image data.
            let _ = write!(out, "\x1b_Ga=d,d=I,i={id},q=2\x1b\\");
        }
        if let Some(p) = wanted {
            if p.area.width == 0 || p.area.height == 0 {
                return out;
            }
            let data = base64::engine::general_purpose::STANDARD.encode(p.png.as_slice());
            // Save the cursor, go to the area's top-left, transmit and display, restore.
            let _ = write!(out, "\x1b7\x1b[{};{}H", p.area.y + 1, p.area.x + 1);
            let chunks: Vec<&[u8]> = data.as_bytes().chunks(CHUNK).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                let more = u8::from(i + 1 < chunks.len());
                if i == 0 {
                    let _ = write!(
                        out,
                        "\x1b_Ga=T,f=100,t=d,i={},c={},r={},C=1,q=2,m={more};",
                        p.id, p.area.width, p.area.height
                    );
                } else {
                    let _ = write!(out, "\x1b_Gm={more};");
                }
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\x1b\\");
            }
            out.extend_from_slice(b"\x1b8");
            self.shown = Some((p.id, p.area));
        }
        out
    }

    /// Removes every image (on exit).
    pub fn clear(&mut self) -> Vec<u8> {
        self.shown = None;
        b"\x1b_Ga=d,d=A,q=2\x1b\\".to_vec()
    }
}
