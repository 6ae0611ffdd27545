//! Image preview with half-block characters: each cell shows two pixels (upper in the
//! foreground, lower in the background), in the nearest of the 16 ANSI colours.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use ratatui::style::Color;

use super::{ArtifactContent, human_size};
use crate::tui::theme::Theme;

/// The decoded image is scaled down to at most this many pixels across and down.
const MAX_W: u32 = 160;
const MAX_H: u32 = 96;
/// Images with more pixels than this are not decoded.
const MAX_PIXELS: u64 = 40_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct ImagePreview {
    pub width: u32,
    pub height: u32,
    /// Row-major colours, `width × height`.
    pub pixels: Vec<Color>,
    /// Original size.
    pub source: (u32, u32),
    /// The file itself, for terminals that can show it (kept when at most 8 MiB).
    pub png: Option<std::sync::Arc<Vec<u8>>>,
}

pub fn load(path: &Path, theme: Theme) -> std::io::Result<ArtifactContent> {
    let size = std::fs::metadata(path)?.len();
    let is_png = {
        use std::io::Read;
        let mut sig = [0u8; 8];
        let n = File::open(path)?.read(&mut sig)?;
        n == 8 && sig == [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]
    };
    if !is_png {
        return Ok(ArtifactContent::default().note(format!(
            "{} image; only PNG images are previewed",
            human_size(size)
        )));
    }
    let preview = match decode_png(path) {
        Ok(p) => p,
        Err(e) => {
            return Ok(ArtifactContent::default().note(format!("cannot decode this PNG: {e}")));
        }
    };
    let note = if theme.color {
        format!(
            "PNG {}×{} pixels, preview in 16 colours",
            preview.source.0, preview.source.1
        )
    } else {
        format!(
            "PNG {}×{} pixels; no preview while NO_COLOR is set",
            preview.source.0, preview.source.1
        )
    };
    Ok(ArtifactContent {
        note: Some(note),
        image: theme.color.then_some(preview),
        ..Default::default()
    })
}

fn decode_png(path: &Path) -> Result<ImagePreview, String> {
    let mut decoder =
        png::Decoder::new(BufReader::new(File::open(path).map_err(|e| e.to_string())?));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let (w, h) = {
        let info = reader.info();
        (info.width, info.height)
    };
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} is too large to preview"));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "image too large".to_string())?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let channels = frame.color_type.samples();
    let scale = (f64::from(w) / f64::from(MAX_W))
        .max(f64::from(h) / f64::from(MAX_H))
        .max(1.0);
    let (tw, th) = (
        ((f64::from(w) / scale) as u32).max(1),
        ((f64::from(h) / scale) as u32).max(1),
    );
    let mut pixels = Vec::with_capacity((tw * th) as usize);
    for ty in 0..th {
        for tx in 0..tw {
            let sx = ((f64::from(tx) * scale) as u32).min(w - 1);
            let sy = ((f64::from(ty) * scale) as u32).min(h - 1);
            let i = (sy as usize * frame.line_size) + sx as usize * channels;
            let px = &buf[i..i + channels];
            let (r, g, b, a) = match channels {
                1 => (px[0], px[0], px[0], 255),
                2 => (px[0], px[0], px[0], px[1]),
                3 => (px[0], px[1], px[2], 255),
                _ => (px[0], px[1], px[2], px[3]),
            };
            // Blend transparency over a light background.
            let blend =
                |c: u8| ((u16::from(c) * u16::from(a) + 240 * (255 - u16::from(a))) / 255) as u8;
            pixels.push(nearest_ansi(blend(r), blend(g), blend(b)));
        }
    }
    let png = std::fs::read(path)
        .ok()
        .filter(|b| b.len() <= 8 * 1024 * 1024)
        .map(std::sync::Arc::new);
    Ok(ImagePreview {
        width: tw,
        height: th,
        pixels,
        source: (w, h),
        png,
    })
}

/// The nearest of the 16 ANSI colours (xterm's default palette).
pub fn nearest_ansi(r: u8, g: u8, b: u8) -> Color {
    const PALETTE: [(Color, [u8; 3]); 16] = [
        (Color::Black, [0, 0, 0]),
        (Color::Red, [205, 0, 0]),
        (Color::Green, [0, 205, 0]),
        (Color::Yellow, [205, 205, 0]),
        (Color::Blue, [0, 0, 238]),
        (Color::Magenta, [205, 0, 205]),
        (Color::Cyan, [0, 205, 205]),
        (Color::Gray, [229, 229, 229]),
        (Color::DarkGray, [127, 127, 127]),
        (Color::LightRed, [255, 0, 0]),
        (Color::LightGreen, [0, 255, 0]),
        (Color::LightYellow, [255, 255, 0]),
        (Color::LightBlue, [92, 92, 255]),
        (Color::LightMagenta, [255, 0, 255]),
        (Color::LightCyan, [0, 255, 255]),
        (Color::White, [255, 255, 255]),
    ];
    let d = |p: [u8; 3]| {
        let dr = i32::from(r) - i32::from(p[0]);
        let dg = i32::from(g) - i32::from(p[1]);
        let db = i32::from(b) - i32::from(p[2]);
        dr * dr * 3 + dg * dg * 4 + db * db * 2
    };
    PALETTE
        .iter()
        .min_by_key(|(_, p)| d(*p))
        .map_or(Color::Reset, |(c, _)| *c)
}
