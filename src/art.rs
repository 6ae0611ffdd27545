//! The badge's picture, drawn once as SVG and rendered from that same drawing to PNG, so the
//! two agree: the generated badge (a disc in the achievement's colour with its name, set in
//! the bundled DejaVu Sans Bold and turned into outlines), or a rubric's own PNG or SVG.
//!
//! Every picture goes through usvg, which reads no file and no URL here (only PNG data
//! inside the SVG) and writes back plain drawing: no script, no `foreignObject`, no external
//! reference. A rubric's SVG is published in that form, never as it was given.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use crate::rubric::ImageFile;

/// The side of the PNG badge, in pixels.
pub const SIZE: u32 = 256;
/// The largest side of a rubric's own PNG.
const MAX_SIDE: u32 = 2048;

static FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// A badge picture, with no credential in it.
pub struct Picture {
    /// The SVG (text as outlines), with a `<title>` and the Open Badges namespace declared.
    pub svg: String,
    /// The same drawing, `SIZE` pixels a side.
    pub png: Vec<u8>,
}

impl Picture {
    /// `data:` URIs of the picture, for a workspace that embeds images in credentials.
    pub fn data_uri(&self, media_type: &str) -> String {
        let b64 = base64::engine::general_purpose::STANDARD;
        match media_type {
            "image/png" => format!("data:image/png;base64,{}", b64.encode(&self.png)),
            _ => format!(
                "data:image/svg+xml;base64,{}",
                b64.encode(self.svg.as_bytes())
            ),
        }
    }
}

fn options() -> usvg::Options<'static> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let db = DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        Arc::new(db)
    });
    usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: Arc::clone(db),
        image_href_resolver: usvg::ImageHrefResolver {
            // PNG inside the SVG only; never a file, a URL, or another SVG.
            resolve_data: Box::new(|mime, data, _| match mime {
                "image/png" => Some(usvg::ImageKind::PNG(data)),
                _ => None,
            }),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// Checks that `bytes` (of `media_type`) is a picture Merit can draw; says why not.
pub fn check(media_type: &str, bytes: &[u8]) -> Result<(), String> {
    match media_type {
        "image/png" => png_size(bytes).map(|_| ()),
        "image/svg+xml" => {
            let tree = parse_svg(bytes)?;
            if !tree.root().has_children() {
                return Err("draws nothing".into());
            }
            Ok(())
        }
        other => Err(format!("is a {other}, not a PNG or an SVG")),
    }
}

fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_limits(png::Limits { bytes: 64 << 20 });
    let reader = decoder
        .read_info()
        .map_err(|e| format!("is not a readable PNG ({e})"))?;
    let info = reader.info();
    if info.width > MAX_SIDE || info.height > MAX_SIDE {
        return Err(format!(
            "is {}×{} pixels, larger than {MAX_SIDE} a side",
            info.width, info.height
        ));
    }
    Ok((info.width, info.height))
}

fn parse_svg(bytes: &[u8]) -> Result<usvg::Tree, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())?;
    usvg::Tree::from_str(text, &options()).map_err(|e| format!("is not a readable SVG ({e})"))
}

/// The picture of an achievement named `name`: the rubric's own image when it has one, else
/// the generated badge. Drawn once per process and kept (a cohort's badges share it).
pub fn picture(name: &str, own: Option<&ImageFile>) -> Result<Arc<Picture>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Picture>>>> = OnceLock::new();
    let key = format!("{name}\0{}", own.map(|o| o.sha256.as_str()).unwrap_or(""));
    let cache = CACHE.get_or_init(Default::default);
    if let Some(p) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(p);
    }
    let source = match own {
        None => generated(name),
        Some(f) if f.media_type == "image/png" => {
            png_size(&f.bytes)?;
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}"><image width="{SIZE}" height="{SIZE}" href="data:image/png;base64,{}"/></svg>"#,
                base64::engine::general_purpose::STANDARD.encode(f.bytes.as_slice())
            )
        }
        Some(f) => String::from_utf8(f.bytes.to_vec()).map_err(|_| "is not UTF-8 text")?,
    };
    let tree = parse_svg(source.as_bytes())?;
    let p = Arc::new(Picture {
        svg: titled(&tree.to_string(&usvg::WriteOptions::default()), name),
        png: render(&tree)?,
    });
    if let Ok(mut m) = cache.lock() {
        if m.len() > 64 {
            m.clear();
        }
        m.insert(key, Arc::clone(&p));
    }
    Ok(p)
}

/// The drawing scaled to fit `SIZE` pixels a side, centred, as PNG.
fn render(tree: &usvg::Tree) -> Result<Vec<u8>, String> {
    let mut pixmap = tiny_skia::Pixmap::new(SIZE, SIZE).ok_or("cannot draw the badge")?;
    let size = tree.size();
    let side = SIZE as f32;
    let scale = (side / size.width()).min(side / size.height());
    let dx = (side - size.width() * scale) / 2.0;
    let dy = (side - size.height() * scale) / 2.0;
    let transform = tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| format!("cannot write the PNG: {e}"))
}

/// `svg` with the accessible name and the Open Badges namespace on its root element, and a
/// `<title>` first inside it.
fn titled(svg: &str, name: &str) -> String {
    let name = crate::letters::escape(name);
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return svg.to_string();
    };
    let self_closing = svg[..end].ends_with('/');
    let head = svg[start..end].trim_end_matches('/');
    let ns = format!(
        r#" xmlns:openbadges="{}""#,
        crate::credential::bake::SVG_NAMESPACE
    );
    let attrs = format!(r#"{ns} role="img" aria-label="{name}""#);
    let title = format!("\n<title>{name}</title>");
    if self_closing {
        format!("{head}{attrs}>{title}\n</svg>\n")
    } else {
        format!("{head}{attrs}>{title}{}", &svg[end + 1..])
    }
}

/// A badge colour from the achievement's name, so that each badge looks its own.
fn colour(seed: &str) -> [u8; 3] {
    let h = Sha256::digest(seed.as_bytes());
    [60 + h[0] % 140, 60 + h[1] % 140, 60 + h[2] % 140]
}

/// The name in at most three lines that fit the disc: the largest type that fits, the last
/// line cut with "…" when even the smallest does not.
fn lines(name: &str) -> (f32, Vec<String>) {
    // DejaVu Sans Bold averages about 0.66 em a character; the disc is 150 units wide inside.
    let fits = |size: f32, chars: usize| chars as f32 * size * 0.66 <= 150.0;
    let words: Vec<&str> = name.split_whitespace().collect();
    for size in [24.0, 21.0, 18.0, 16.0, 14.0] {
        let mut out: Vec<String> = Vec::new();
        let mut ok = true;
        for w in &words {
            match out.last_mut() {
                Some(l) if fits(size, l.chars().count() + 1 + w.chars().count()) => {
                    l.push(' ');
                    l.push_str(w);
                }
                _ => {
                    ok &= fits(size, w.chars().count());
                    out.push((*w).to_string());
                }
            }
        }
        if ok && out.len() <= 3 {
            return (size, out);
        }
    }
    let size = 14.0;
    let max = (150.0 / (size * 0.66)) as usize;
    let mut out: Vec<String> = Vec::new();
    let mut rest: String = words.join(" ");
    while !rest.is_empty() && out.len() < 3 {
        let take: String = rest.chars().take(max).collect();
        rest = rest.chars().skip(max).collect();
        out.push(take);
    }
    if !rest.is_empty()
        && let Some(l) = out.last_mut()
    {
        l.pop();
        l.push('…');
    }
    (size, out)
}

/// The generated badge: a ring and a disc in the achievement's colour, its name inside.
fn generated(name: &str) -> String {
    let c = colour(name);
    let (size, lines) = lines(name);
    let lead = size * 1.2;
    let top = 128.0 - lead * (lines.len() as f32 - 1.0) / 2.0 + size * 0.35;
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r##"<text x="128" y="{:.1}" font-family="DejaVu Sans" font-weight="bold" font-size="{size}" fill="#ffffff" text-anchor="middle">{}</text>"##,
                top + lead * i as f32,
                crate::letters::escape(l)
            )
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"><circle cx="128" cy="128" r="118" fill="rgb({},{},{})"/><circle cx="128" cy="128" r="102" fill="#ffffff"/><circle cx="128" cy="128" r="94" fill="rgb({},{},{})"/>{text}</svg>"##,
        c[0] / 2,
        c[1] / 2,
        c[2] / 2,
        c[0],
        c[1],
        c[2]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(png_bytes: &[u8]) -> (u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        (info.width, buf)
    }

    /// The name is in the PNG: two names give two different pictures where the text is,
    /// and white pixels (the letters) inside the disc.
    #[test]
    fn the_name_is_drawn_in_the_png() {
        let a = picture("Data Cleaning", None).unwrap();
        let (w, px) = rgba(&a.png);
        assert_eq!(w, SIZE);
        let white_in_disc = (100..156)
            .flat_map(|y| (40..216).map(move |x| (x, y)))
            .filter(|(x, y)| {
                let i = ((y * SIZE + x) * 4) as usize;
                px[i] > 240 && px[i + 1] > 240 && px[i + 2] > 240
            })
            .count();
        assert!(white_in_disc > 200, "{white_in_disc} white pixels");
        // The SVG has the same letters, as outlines: no <text> left, paths instead.
        assert!(!a.svg.contains("<text"));
        assert!(a.svg.contains("<path"));
        assert!(a.svg.contains("<title>Data Cleaning</title>"));
        assert!(a.svg.contains("xmlns:openbadges"));
    }

    #[test]
    fn long_names_wrap_and_are_cut() {
        let (_, l) = lines("Safe Handling of Laboratory Chemicals");
        assert!(l.len() > 1 && l.len() <= 3, "{l:?}");
        let (_, l) = lines(&"Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3));
        assert_eq!(l.len(), 3);
        assert!(l[2].ends_with('…'));
    }

    /// A rubric's SVG comes back as plain drawing: script, external images and event
    /// handlers are gone.
    #[test]
    fn an_svg_is_published_only_as_drawing() {
        let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64" onload="alert(1)"><script>alert(2)</script><image href="/etc/passwd" width="10" height="10"/><image xlink:href="https://evil.example/x.png" width="10" height="10"/><foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject><rect width="64" height="64" fill="red"/></svg>"#;
        check("image/svg+xml", hostile).unwrap();
        let own = ImageFile {
            media_type: "image/svg+xml".into(),
            sha256: "x".into(),
            bytes: Arc::new(hostile.to_vec()),
        };
        let p = picture("Mine", Some(&own)).unwrap();
        for bad in [
            "script",
            "onload",
            "passwd",
            "evil",
            "foreignObject",
            "<image",
        ] {
            assert!(!p.svg.contains(bad), "{bad} survived: {}", p.svg);
        }
        let (_, px) = rgba(&p.png);
        let mid = ((128 * SIZE + 128) * 4) as usize;
        assert_eq!(&px[mid..mid + 3], &[255, 0, 0]);
    }

    /// A rubric's PNG is the badge, scaled to the badge's size.
    #[test]
    fn a_png_is_drawn_at_the_badge_size() {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, 2, 2);
            enc.set_color(png::ColorType::Rgba);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[0, 0, 255, 255].repeat(4)).unwrap();
        }
        check("image/png", &bytes).unwrap();
        let own = ImageFile {
            media_type: "image/png".into(),
            sha256: "blue".into(),
            bytes: Arc::new(bytes),
        };
        let p = picture("Blue", Some(&own)).unwrap();
        let (w, px) = rgba(&p.png);
        assert_eq!(w, SIZE);
        let mid = ((128 * SIZE + 128) * 4) as usize;
        assert_eq!(&px[mid..mid + 3], &[0, 0, 255]);
        assert!(
            p.data_uri("image/png")
                .starts_with("data:image/png;base64,iVBOR")
        );
    }

    #[test]
    fn bad_pictures_say_why() {
        assert!(
            check("image/png", b"not a png")
                .unwrap_err()
                .contains("PNG")
        );
        assert!(check("image/svg+xml", b"<svg").unwrap_err().contains("SVG"));
        assert!(
            check("image/svg+xml", &[0xff, 0xfe])
                .unwrap_err()
                .contains("UTF-8")
        );
    }
}
