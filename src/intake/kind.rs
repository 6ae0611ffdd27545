//! Artifact kinds, guessed from the file name, and which evidence requirement a file answers.

use std::path::Path;

use crate::rubric::Rubric;

/// The kind of an artifact, from its extension. Kinds match the rubric's evidence `kinds`.
pub fn kind_of(name: &str) -> &'static str {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" => "markdown",
        "txt" | "text" | "log" | "vtt" | "srt" => "text",
        "csv" | "tsv" => "csv",
        "rs" | "py" | "js" | "ts" | "jsx" | "tsx" | "java" | "kt" | "c" | "h" | "cc" | "cpp"
        | "hpp" | "cs" | "go" | "rb" | "php" | "sh" | "bash" | "sql" | "html" | "css" | "r"
        | "json" | "yaml" | "yml" | "toml" | "xml" | "diff" | "patch" | "ipynb" | "swift"
        | "scala" | "lua" | "pl" => "code",
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" => "image",
        "pdf" => "pdf",
        "mp4" | "mov" | "webm" | "mkv" => "video",
        "mp3" | "wav" | "m4a" | "ogg" | "flac" => "audio",
        "doc" | "docx" | "odt" | "rtf" | "pptx" | "odp" => "document",
        _ => "other",
    }
}

/// The evidence requirement an artifact answers: the one whose id is the artifact's first
/// folder or its file stem; else the only requirement that accepts its kind; else none.
pub fn requirement_for(rubric: &Rubric, name: &str, kind: &str) -> Option<String> {
    let first = name.split('/').next().unwrap_or(name);
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name);
    let ids = rubric.evidence.iter().map(|e| e.id.value.as_str());
    for id in ids {
        if (name.contains('/') && first == id) || stem == id {
            return Some(id.to_string());
        }
    }
    let mut accepting = rubric
        .evidence
        .iter()
        .filter(|e| e.kinds.iter().any(|k| k.value == kind || k.value == "any"));
    match (accepting.next(), accepting.next()) {
        (Some(e), None) => Some(e.id.value.clone()),
        _ => None,
    }
}
