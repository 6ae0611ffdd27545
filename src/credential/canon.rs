//! Canonical forms of a JSON-LD document: RDF Dataset Canonicalization (RDFC-1.0, for
//! eddsa-rdfc-2022) and the JSON Canonicalization Scheme (RFC 8785, for eddsa-jcs-2022).
//!
//! JSON-LD to RDF is oxjsonld's; RDFC-1.0 is rdf-canon's (vendored, built on the same oxrdf
//! as oxjsonld); JCS is serde_json_canonicalizer's.

use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};

use super::contexts;

/// Processed JSON-LD contexts, shared by every document this process canonicalizes. Sound
/// because the document loader only ever returns the contexts bundled in the binary.
fn context_cache() -> oxjsonld::JsonLdContextCache {
    static CACHE: std::sync::OnceLock<oxjsonld::JsonLdContextCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(oxjsonld::JsonLdContextCache::new).clone()
}

/// N-Quads of the canonical RDF dataset of `doc`.
pub fn rdfc(doc: &serde_json::Value) -> Result<String> {
    let bytes = serde_json::to_vec(doc)?;
    let unknown: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = unknown.clone();
    let parser = oxjsonld::JsonLdParser::new()
        .for_slice(&bytes)
        .with_context_cache(context_cache())
        .with_load_document_callback(move |url, _| match contexts::get(url) {
            Some(doc) => Ok(oxjsonld::JsonLdRemoteDocument {
                document: doc.to_vec(),
                document_url: url.to_string(),
            }),
            None => {
                if let Ok(mut s) = seen.lock() {
                    *s = Some(url.to_string());
                }
                Err(format!("unknown JSON-LD context {url}").into())
            }
        });
    let mut quads = Vec::new();
    for q in parser {
        match q {
            Ok(q) => quads.push(q),
            Err(e) => {
                if let Some(url) = unknown.lock().ok().and_then(|s| s.clone()) {
                    bail!(
                        "unknown JSON-LD context {url}: Merit works offline and knows only {}",
                        contexts::known().collect::<Vec<_>>().join(", ")
                    );
                }
                bail!("the document is not valid JSON-LD: {e}");
            }
        }
    }
    // rdf-canon labels the blank nodes; relabelling and serializing the quads directly (as its
    // `canonicalize_quads` does, but without building a second indexed dataset for it) is
    // about a sixth of the time.
    let fail = |e: rdf_canon::CanonicalizationError| anyhow!("RDF canonicalization failed: {e}");
    let labels = rdf_canon::issue_quads_unindexed(&quads).map_err(fail)?;
    let relabelled = rdf_canon::relabel_quads(&quads, &labels).map_err(fail)?;
    // N-Quads lines in code point order of the quads, each once (an RDF dataset is a set).
    let mut lines: Vec<String> = relabelled.iter().map(|q| q.to_string()).collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 3).sum());
    for l in &lines {
        out.push_str(l);
        out.push_str(" .\n");
    }
    Ok(out)
}

/// Writes the RFC 8785 canonical JSON of `doc` to `out` (a hasher, say).
pub fn jcs_into<W: std::io::Write>(doc: &serde_json::Value, out: &mut W) -> Result<()> {
    serde_json_canonicalizer::to_writer(doc, out)
        .map_err(|e| anyhow!("JSON canonicalization failed: {e}"))
}
