//! Baked badges (Open Badges 3.0 "baking"): the credential inside the badge image. PNG: one
//! uncompressed iTXt chunk with the keyword `openbadgecredential`. SVG: an
//! `<openbadges:credential>` element right after `<svg>`, the JSON in CDATA.

use anyhow::{Result, anyhow, bail};
use quick_xml::events::Event;
use std::sync::Arc;

use crate::art::Picture;

pub const PNG_KEYWORD: &str = "openbadgecredential";
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

/// The picture of the achievement a credential names (its `credentialSubject.achievement`):
/// the own image of the rubric version its id names, else the generated badge.
pub fn picture_of(
    store: &crate::store::Store,
    achievement: &serde_json::Value,
) -> Result<Arc<Picture>> {
    let name = achievement["name"].as_str().unwrap_or("badge");
    let own = match achievement["id"].as_str().and_then(rubric_version_of) {
        Some((rubric, version)) => store.rubric_image_of(rubric, version)?,
        None => None,
    };
    crate::art::picture(name, own.as_ref())
        .map_err(|e| anyhow!("cannot draw the badge of {name}: the picture {e}"))
}

/// The rubric and version an achievement id `…/achievements/<rubric>/v<N>` names.
fn rubric_version_of(id: &str) -> Option<(&str, i64)> {
    let (rest, v) = id.rsplit_once('/')?;
    let n = v.strip_prefix('v')?.parse().ok()?;
    let (parent, rubric) = rest.rsplit_once('/')?;
    parent.ends_with("/achievements").then_some((rubric, n))
}

/// The badge picture's PNG with the credential baked in: one uncompressed iTXt chunk right
/// after the header. The picture is drawn once per achievement ([`crate::art::picture`]);
/// only the chunk is new for each credential.
pub fn png(credential_json: &str, picture: &Picture) -> Result<Vec<u8>> {
    let base = &picture.png;
    // Signature (8 bytes) and IHDR (4 + 4 + 13 + 4), then the credential's chunk.
    const AFTER_IHDR: usize = 8 + 25;
    if base.len() < AFTER_IHDR || &base[12..16] != b"IHDR" {
        bail!("cannot bake the PNG: the badge image has no header");
    }
    let mut data = Vec::with_capacity(PNG_KEYWORD.len() + 5 + credential_json.len());
    data.extend_from_slice(PNG_KEYWORD.as_bytes());
    // NUL, not compressed, method 0, empty language tag, empty translated keyword.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential_json.as_bytes());
    let len =
        u32::try_from(data.len()).map_err(|_| anyhow!("the credential is too large to bake"))?;
    let mut crc = flate2::Crc::new();
    crc.update(b"iTXt");
    crc.update(&data);
    let mut out = Vec::with_capacity(base.len() + data.len() + 12);
    out.extend_from_slice(&base[..AFTER_IHDR]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"iTXt");
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out.extend_from_slice(&base[AFTER_IHDR..]);
    Ok(out)
}

/// The credential baked into a PNG, read with the default bound (16 MiB).
pub fn extract_png(bytes: &[u8]) -> Result<String> {
    extract_png_bounded(bytes, 16 * 1024 * 1024)
}

/// The credential baked into a PNG: the text of its `openbadgecredential` iTXt chunk, which
/// may inflate to at most `max` bytes (a bomb is refused, saying the limit).
///
/// The chunks are walked here rather than by the `png` crate's decoder, which keeps copies of
/// every text chunk and inflates into a growing buffer: a 1 GiB bomb cost it 90–180 MB. Here
/// the text is inflated once to count it (nothing kept), then once into a buffer of exactly
/// its size; no image data is decoded.
pub fn extract_png_bounded(bytes: &[u8], max: usize) -> Result<String> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or_else(|| anyhow!("not a PNG: the signature is wrong"))?;
    let mut offset = SIGNATURE.len();
    while !rest.is_empty() {
        let (len, kind) = match rest {
            [a, b, c, d, k0, k1, k2, k3, ..] => (
                u32::from_be_bytes([*a, *b, *c, *d]) as usize,
                [*k0, *k1, *k2, *k3],
            ),
            _ => bail!("not a readable PNG: a chunk header is cut at byte {offset}"),
        };
        let data = rest
            .get(8..8 + len)
            .ok_or_else(|| anyhow!("not a readable PNG: the chunk at byte {offset} is cut"))?;
        let crc = rest
            .get(8 + len..12 + len)
            .ok_or_else(|| anyhow!("not a readable PNG: the chunk at byte {offset} has no CRC"))?;
        let mut sum = flate2::Crc::new();
        sum.update(&kind);
        sum.update(data);
        if sum.sum().to_be_bytes() != crc {
            bail!("not a readable PNG: the chunk at byte {offset} fails its CRC");
        }
        if &kind == b"iTXt"
            && let Some(text) = itxt_text(data, max)?
        {
            return Ok(text);
        }
        if &kind == b"IEND" {
            break;
        }
        rest = &rest[12 + len..];
        offset += 12 + len;
    }
    bail!("the PNG has no `{PNG_KEYWORD}` iTXt chunk: it is not a baked badge")
}

/// The text of an iTXt chunk named [`PNG_KEYWORD`] (None for other keywords).
fn itxt_text(data: &[u8], max: usize) -> Result<Option<String>> {
    use std::io::Read;
    let bad = || anyhow!("the badge's `{PNG_KEYWORD}` chunk is malformed");
    let nul = |d: &[u8]| d.iter().position(|&b| b == 0);
    let k = nul(data).ok_or_else(bad)?;
    if &data[..k] != PNG_KEYWORD.as_bytes() {
        return Ok(None);
    }
    let rest = &data[k + 1..];
    let (&compressed, rest) = rest.split_first().ok_or_else(bad)?;
    let (_method, rest) = rest.split_first().ok_or_else(bad)?;
    let lang = nul(rest).ok_or_else(bad)?;
    let rest = &rest[lang + 1..];
    let translated = nul(rest).ok_or_else(bad)?;
    let text = &rest[translated + 1..];
    let too_large = || {
        anyhow!(
            "the badge's `{PNG_KEYWORD}` text does not inflate within {max} bytes (the limit; \
             raise it with --max-bytes)"
        )
    };
    let raw = if compressed == 0 {
        if text.len() > max {
            return Err(too_large());
        }
        text.to_vec()
    } else {
        let inflate = || flate2::read::ZlibDecoder::new(text).take(max as u64 + 1);
        let size = std::io::copy(&mut inflate(), &mut std::io::sink())
            .map_err(|e| anyhow!("the badge's credential text does not inflate: {e}"))?;
        if size > max as u64 {
            return Err(too_large());
        }
        let mut out = Vec::with_capacity(size as usize);
        inflate()
            .read_to_end(&mut out)
            .map_err(|e| anyhow!("the badge's credential text does not inflate: {e}"))?;
        out
    };
    String::from_utf8(raw)
        .map(Some)
        .map_err(|_| anyhow!("the badge's credential text is not UTF-8"))
}

/// The badge picture's SVG with the credential baked in, right after the `<svg>` tag.
pub fn svg(credential_json: &str, picture: &Picture) -> Result<String> {
    // `]]>` would end the CDATA section: split it there (`]]` ends one section, the next
    // begins with `>`); a reader joins the sections back into the same text.
    let credential_json = credential_json.replace("]]>", "]]]]><![CDATA[>");
    let drawing = &picture.svg;
    let open = drawing
        .find("<svg")
        .and_then(|s| drawing[s..].find('>').map(|e| s + e + 1))
        .ok_or_else(|| anyhow!("cannot bake the SVG: the badge image has no <svg> element"))?;
    Ok(format!(
        "{}\n<openbadges:credential><![CDATA[{credential_json}]]></openbadges:credential>{}",
        &drawing[..open],
        &drawing[open..]
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

#[cfg(test)]
mod baked_png_tests {
    use super::*;

    /// The assembled PNG is a valid image to an independent decoder (the png crate), carries
    /// the credential in its iTXt chunk, and two credentials of one achievement share the image.
    #[test]
    fn the_baked_png_decodes_and_carries_the_credential() {
        let picture = crate::art::picture("Data Cleaning", None).unwrap();
        let a = png("{\"id\":\"a\"}", &picture).unwrap();
        let b = png("{\"id\":\"bb\"}", &picture).unwrap();
        for (bytes, json) in [(&a, "{\"id\":\"a\"}"), (&b, "{\"id\":\"bb\"}")] {
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes.as_slice()));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let frame = reader.next_frame(&mut buf).unwrap();
            assert_eq!((frame.width, frame.height), (256, 256));
            let text = reader.info().utf8_text[0].get_text().unwrap();
            assert_eq!(text, json);
            assert_eq!(extract_png(bytes).unwrap(), json);
        }
        assert_eq!(b.len() - a.len(), 1);
    }

    /// The baked SVG is the picture with the credential after `<svg>`, and gives it back
    /// whole even when the JSON holds `]]>`.
    #[test]
    fn the_baked_svg_carries_the_credential() {
        let picture = crate::art::picture("Data Cleaning", None).unwrap();
        let json = "{\"note\":\"a]]>b\"}";
        let s = svg(json, &picture).unwrap();
        assert_eq!(extract_svg(&s).unwrap(), json);
        assert!(s.contains("<title>Data Cleaning</title>"));
    }
}
