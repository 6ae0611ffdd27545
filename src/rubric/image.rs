//! A rubric's own badge picture: `achievement.image` naming a PNG or SVG file beside the
//! rubric file, read when the rubric is checked or imported and validated like the rest of it.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::model::{ImageFile, Rubric};
use super::problem::Problem;

/// The largest picture read.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// Whether `image` names a file rather than an address (an address always has a scheme).
pub fn is_file_name(image: &str) -> bool {
    !image.contains(':')
}

/// A file name that stays in the rubric's folder and says what it holds.
pub fn check_file_name(name: &str) -> Result<(), String> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("is an absolute path".into());
    }
    if name.split(['/', '\\']).any(|c| c == ".." || c.is_empty()) {
        return Err("leaves the rubric's folder or has an empty part".into());
    }
    if media_type(name).is_none() {
        return Err("is neither a .png nor a .svg file".into());
    }
    Ok(())
}

fn media_type(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".png") {
        Some("image/png")
    } else if lower.ends_with(".svg") {
        Some("image/svg+xml")
    } else {
        None
    }
}

/// Reads the file `rubric`'s `image` names, relative to `folder` (the rubric file's), checks
/// it is a picture Merit can draw, and attaches it. Without a folder (a rubric edited in the
/// workbench), `previous` (the same name in the version before) is kept. A URL or no image
/// attaches nothing.
pub fn attach(
    rubric: &mut Rubric,
    folder: Option<&Path>,
    previous: Option<&ImageFile>,
) -> Result<(), Problem> {
    let Some(image) = rubric.achievement.image.clone() else {
        return Ok(());
    };
    if !is_file_name(&image.value) {
        return Ok(());
    }
    let at = |msg: String| Problem::new(image.span, msg);
    let media = media_type(&image.value).ok_or_else(|| {
        at(format!(
            "`image` `{}` is neither a .png nor a .svg file",
            image.value
        ))
    })?;
    let Some(folder) = folder else {
        return match previous {
            Some(p) if p.media_type == media => {
                rubric.achievement.image_file = Some(p.clone());
                Ok(())
            }
            _ => Err(at(format!(
                "the picture `{}` is read from the rubric's folder",
                image.value
            ))
            .with_hint("import the rubric from its file: `merit rubric import FILE`")),
        };
    };
    let path = folder.join(&image.value);
    let bytes = read_bounded(&path).map_err(|why| {
        at(format!("cannot read the picture {}: {why}", path.display()))
            .with_hint("put the .png or .svg file beside the rubric, and name it relative to it")
    })?;
    crate::art::check(media, &bytes).map_err(|why| {
        at(format!("the picture {} {why}", path.display()))
            .with_hint("use a PNG or a plain SVG of at most 2048 pixels a side")
    })?;
    rubric.achievement.image_file = Some(ImageFile {
        media_type: media.to_string(),
        sha256: format!("{:x}", Sha256::digest(&bytes)),
        bytes: std::sync::Arc::new(bytes),
    });
    Ok(())
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("it is larger than {} KiB", MAX_BYTES / 1024));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_folder() {
        assert!(is_file_name("badge.svg"));
        assert!(!is_file_name("https://example.org/b.png"));
        assert!(check_file_name("img/badge.PNG").is_ok());
        assert!(check_file_name("/etc/badge.png").is_err());
        assert!(check_file_name("../badge.png").is_err());
        assert!(check_file_name("a//b.png").is_err());
        assert!(check_file_name("badge.gif").is_err());
    }
}
