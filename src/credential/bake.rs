//! Baked badges (Open Badges 3.0 "baking"): the credential inside the badge image. PNG: one
//! uncompressed iTXt chunk with the keyword `openbadgecredential`. SVG: an
//! `<openbadges:credential>` element right after `<svg>`, the JSON in CDATA.

use std::io::Cursor;

use anyhow::{Result, anyhow, bail};
use quick_xml::events::Event;
use sha2::{Digest, Sha256};

pub const PNG_KEYWORD: &str = "openbadgecredential";
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

/// A badge colour from the achievement's name, so that each badge looks its own.
fn colour(seed: &str) -> [u8; 3] {
    let h = Sha256::digest(seed.as_bytes());
    [60 + h[0] % 140, 60 + h[1] % 140, 60 + h[2] % 140]
}

/// A 256×256 badge image (a ring and a disc in the achievement's colour) with the credential
/// baked in.
pub fn png(credential_json: &str, achievement_name: &str) -> Result<Vec<u8>> {
    let size = 256u32;
    let c = colour(achievement_name);
    let centre = f64::from(size) / 2.0;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let d = ((f64::from(x) - centre).powi(2) + (f64::from(y) - centre).powi(2)).sqrt();
            let px = if d < 96.0 {
                [c[0], c[1], c[2], 255]
            } else if d < 104.0 {
                [255, 255, 255, 255]
            } else if d < 120.0 {
                [c[0] / 2, c[1] / 2, c[2] / 2, 255]
            } else {
                [0, 0, 0, 0]
            };
            pixels.extend_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk(PNG_KEYWORD.to_string(), credential_json.to_string())
            .map_err(|e| anyhow!("cannot bake the PNG: {e}"))?;
        let mut w = enc
            .write_header()
            .map_err(|e| anyhow!("cannot write the PNG: {e}"))?;
        w.write_image_data(&pixels)
            .map_err(|e| anyhow!("cannot write the PNG: {e}"))?;
    }
    Ok(out)
}

/// The credential baked into a PNG, read with the `png` crate's default bounds.
pub fn extract_png(bytes: &[u8]) -> Result<String> {
    extract_png_bounded(bytes, 16 * 1024 * 1024)
}

/// The credential baked into a PNG: the image's decoding may allocate at most `max` bytes,
/// and a compressed text chunk may inflate to at most `max` bytes (a bomb is refused, saying
/// the limit).
pub fn extract_png_bounded(bytes: &[u8], max: usize) -> Result<String> {
    let decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: max });
    let mut reader = decoder
        .read_info()
        .map_err(|e| anyhow!("not a readable PNG: {e}"))?;
    let found = |info: &png::Info<'_>| -> Option<Result<String>> {
        let chunk = info.utf8_text.iter().find(|c| c.keyword == PNG_KEYWORD)?;
        let mut chunk = chunk.clone();
        Some(
            chunk
                .decompress_text_with_limit(max)
                .map_err(|e| {
                    anyhow!(
                        "the badge's `{PNG_KEYWORD}` text does not inflate within {max} bytes \
                         (the limit; raise it with --max-bytes): {e}"
                    )
                })
                .and_then(|()| {
                    chunk
                        .get_text()
                        .map_err(|e| anyhow!("the badge's credential text is unreadable: {e}"))
                }),
        )
    };
    if let Some(t) = found(reader.info()) {
        return t;
    }
    // The chunk may come after the image data.
    let size = reader
        .output_buffer_size()
        .filter(|&n| n <= max)
        .ok_or_else(|| anyhow!("the PNG's image is larger than {max} bytes: refused"))?;
    let mut buf = vec![0; size];
    reader
        .next_frame(&mut buf)
        .map_err(|e| anyhow!("not a readable PNG: {e}"))?;
    let _ = reader.finish();
    found(reader.info()).unwrap_or_else(|| {
        Err(anyhow!(
            "the PNG has no `{PNG_KEYWORD}` iTXt chunk: it is not a baked badge"
        ))
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG badge with the credential baked in.
pub fn svg(credential_json: &str, achievement_name: &str) -> Result<String> {
    // `]]>` would end the CDATA section: split it there (`]]` ends one section, the next
    // begins with `>`); a reader joins the sections back into the same text.
    let credential_json = credential_json.replace("]]>", "]]]]><![CDATA[>");
    let c = colour(achievement_name);
    let name = xml_escape(achievement_name);
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" width="256" height="256" viewBox="0 0 256 256">
<openbadges:credential><![CDATA[{credential_json}]]></openbadges:credential>
<title>{name}</title>
<circle cx="128" cy="128" r="118" fill="rgb({},{},{})"/>
<circle cx="128" cy="128" r="102" fill="#ffffff"/>
<circle cx="128" cy="128" r="94" fill="rgb({},{},{})"/>
<text x="128" y="136" font-family="sans-serif" font-size="18" fill="#ffffff" text-anchor="middle">{name}</text>
</svg>
"##,
        c[0] / 2,
        c[1] / 2,
        c[2] / 2,
        c[0],
        c[1],
        c[2]
    ))
}

/// The credential baked into an SVG.
pub fn extract_svg(text: &str) -> Result<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut inside = false;
    let mut content = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"openbadges:credential" => inside = true,
            Ok(Event::End(e)) if e.name().as_ref() == b"openbadges:credential" => {
                return if content.trim().is_empty() {
                    Err(anyhow!("the <openbadges:credential> element is empty"))
                } else {
                    Ok(content)
                };
            }
            Ok(Event::CData(t)) if inside => {
                content.push_str(&String::from_utf8_lossy(&t.into_inner()))
            }
            Ok(Event::Text(t)) if inside => {
                let raw = String::from_utf8_lossy(&t.into_inner()).into_owned();
                content.push_str(
                    &quick_xml::escape::unescape(&raw).map_err(|e| anyhow!("bad XML text: {e}"))?,
                );
            }
            Ok(Event::Eof) => {
                bail!("the SVG has no <openbadges:credential> element: it is not a baked badge")
            }
            Err(e) => bail!(
                "not a readable SVG at byte {}: {e}",
                reader.buffer_position()
            ),
            _ => {}
        }
    }
}
