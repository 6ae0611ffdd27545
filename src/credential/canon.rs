//! Canonical forms of a JSON-LD document: RDF Dataset Canonicalization (RDFC-1.0, for
//! eddsa-rdfc-2022) and the JSON Canonicalization Scheme (RFC 8785, for eddsa-jcs-2022).
//!
//! JSON-LD to RDF is oxjsonld's; RDFC-1.0 is rdf-canon's (vendored, built on the same oxrdf
//! as oxjsonld); JCS is serde_json_canonicalizer's.

use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};

use super::contexts;

/// The RDF quads of a JSON-LD document.
///
/// JSON-LD lets `@context`, `@type` and `@id` come anywhere in an object, so a general parser
/// buffers every object until it has seen all of its keys (oxjsonld buffers each nested
/// object again at every level above it). Written with those keys first, the document is in
/// the streaming form (https://www.w3.org/TR/json-ld11-streaming/) that oxjsonld's streaming
/// profile reads without buffering (eddsa-rdfc-2022 signing is ~40% faster). That profile reports any key it
/// meets out of order rather than guessing (say `type` is not the alias of `@type` in some
/// document), and then the document is read again in full, buffered; so is any other error,
/// so that the message comes from the general parser.
fn to_quads(doc: &serde_json::Value) -> Result<Vec<oxrdf::Quad>> {
    if let Ok(quads) = parse(doc, true) {
        return Ok(quads);
    }
    parse(doc, false)
}

/// Reads `doc` as JSON-LD into quads: with the streaming profile and its keys in streaming
/// order when `streaming`, else as it is. The tree is walked straight into oxjsonld, without
/// writing JSON text for it to read back.
fn parse(doc: &serde_json::Value, streaming: bool) -> Result<Vec<oxrdf::Quad>> {
    let unknown: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = unknown.clone();
    let mut parser = oxjsonld::JsonLdParser::new();
    if streaming {
        parser = parser.with_profile(oxjsonld::JsonLdProfile::Streaming);
    }
    let mut parser = parser
        .for_events()
        .with_context_cache(context_cache())
        .with_load_document_callback(move |url, _| match bundled(url) {
            Some(doc) => Ok(doc),
            None => {
                if let Ok(mut s) = seen.lock() {
                    *s = Some(url.to_string());
                }
                Err(format!("unknown JSON-LD context {url}").into())
            }
        });
    let mut quads = Vec::new();
    let result = walk(doc, streaming, &mut |event| parser.push(event, &mut quads))
        .and_then(|()| parser.push(oxjsonld::JsonEvent::Eof, &mut quads));
    if let Err(e) = result {
        if let Some(url) = unknown.lock().ok().and_then(|s| s.clone()) {
            bail!(
                "unknown JSON-LD context {url}: Merit works offline and knows only {}",
                contexts::known().collect::<Vec<_>>().join(", ")
            );
        }
        bail!("the document is not valid JSON-LD: {e}");
    }
    Ok(quads)
}

/// A JSON-LD context bundled in the binary, as oxjsonld loads it.
fn bundled(url: &str) -> Option<oxjsonld::JsonLdRemoteDocument> {
    contexts::get(url).map(|doc| oxjsonld::JsonLdRemoteDocument {
        document: doc.to_vec(),
        document_url: url.to_string(),
    })
}

/// Where a key goes in streaming order: `@context`, then `@type` and its usual alias `type`,
/// then `@id` and `id`, then the rest as they sort, and `@graph` last.
fn streaming_rank(key: &str) -> u8 {
    match key {
        "@context" => 0,
        "@type" | "type" => 1,
        "@id" | "id" => 2,
        "@graph" => 4,
        _ => 3,
    }
}

/// Sends the JSON events of `v` to `f`, object keys in streaming order when `streaming`.
fn walk<E>(
    v: &serde_json::Value,
    streaming: bool,
    f: &mut impl FnMut(oxjsonld::JsonEvent<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    use oxjsonld::JsonEvent;
    use serde_json::Value;
    use std::borrow::Cow;
    match v {
        Value::Null => f(JsonEvent::Null),
        Value::Bool(b) => f(JsonEvent::Boolean(*b)),
        // The number as JSON text, as a JSON reader would have passed it on.
        Value::Number(n) => f(JsonEvent::Number(Cow::Owned(n.to_string()))),
        Value::String(s) => f(JsonEvent::String(Cow::Borrowed(s))),
        Value::Array(items) => {
            f(JsonEvent::StartArray)?;
            for item in items {
                walk(item, streaming, f)?;
            }
            f(JsonEvent::EndArray)
        }
        Value::Object(map) => {
            f(JsonEvent::StartObject)?;
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if streaming {
                // Stable: keys of one rank keep their sorted order.
                entries.sort_by_key(|(k, _)| streaming_rank(k));
            }
            for (k, v) in entries {
                f(JsonEvent::ObjectKey(Cow::Borrowed(k)))?;
                walk(v, streaming, f)?;
            }
            f(JsonEvent::EndObject)
        }
    }
}

/// Processed JSON-LD contexts, shared by every document this process canonicalizes. Sound
/// because the document loader only ever returns the contexts bundled in the binary.
fn context_cache() -> oxjsonld::JsonLdContextCache {
    static CACHE: std::sync::OnceLock<oxjsonld::JsonLdContextCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(oxjsonld::JsonLdContextCache::new).clone()
}

/// N-Quads of the canonical RDF dataset of `doc`.
pub fn rdfc(doc: &serde_json::Value) -> Result<String> {
    canonical_nquads(&to_quads(doc)?)
}

/// The RDF statements of `doc` (what eddsa-rdfc-2022 signs), for a verifier to read.
pub fn quads(doc: &serde_json::Value) -> Result<Vec<oxrdf::Quad>> {
    to_quads(doc)
}

/// RDFC-1.0: the canonical N-Quads of a dataset.
pub fn canonical_nquads(quads: &[oxrdf::Quad]) -> Result<String> {
    // rdf-canon labels the blank nodes; relabelling and serializing the quads directly (as its
    // `canonicalize_quads` does, but without building a second indexed dataset for it) is
    // about a sixth of the time.
    let fail = |e: rdf_canon::CanonicalizationError| anyhow!("RDF canonicalization failed: {e}");
    let labels = rdf_canon::issue_quads_unindexed(quads).map_err(fail)?;
    let relabelled = rdf_canon::relabel_quads(quads, &labels).map_err(fail)?;
    // N-Quads lines in code point order of the quads, each once (an RDF dataset is a set).
    // They are written into one buffer and sorted as spans of it (no allocation per line).
    use std::fmt::Write as _;
    let mut text = String::new();
    let mut spans = Vec::with_capacity(relabelled.len());
    for q in &relabelled {
        let start = text.len();
        write!(text, "{q}")?;
        spans.push(start..text.len());
    }
    spans.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
    spans.dedup_by(|a, b| text[a.clone()] == text[b.clone()]);
    let mut out = String::with_capacity(text.len() + 3 * spans.len());
    for span in spans {
        out.push_str(&text[span]);
        out.push_str(" .\n");
    }
    Ok(out)
}

/// Writes the RFC 8785 canonical JSON of `doc` to `out` (a hasher, say).
pub fn jcs_into<W: std::io::Write>(doc: &serde_json::Value, out: &mut W) -> Result<()> {
    serde_json_canonicalizer::to_writer(doc, out)
        .map_err(|e| anyhow!("JSON canonicalization failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                json_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "json" || x == "jsonld") {
                out.push(p);
            }
        }
    }

    fn canonical(quads: Vec<oxrdf::Quad>) -> String {
        canonical_nquads(&quads).unwrap()
    }

    /// The oracle: oxjsonld reading JSON text with its own reader, buffered.
    fn parse_text(bytes: &[u8]) -> std::result::Result<Vec<oxrdf::Quad>, String> {
        oxjsonld::JsonLdParser::new()
            .for_slice(bytes)
            .with_context_cache(context_cache())
            .with_load_document_callback(|url, _| {
                bundled(url).ok_or_else(|| format!("unknown JSON-LD context {url}").into())
            })
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| e.to_string())
    }

    /// Walking the tree into oxjsonld, streaming or not, gives exactly the quads of oxjsonld
    /// reading the JSON text itself (or fails where it fails): over every credential and
    /// example in tests/fixtures/ob3, with and without their proofs.
    #[test]
    fn the_streaming_read_agrees_with_the_buffered_read() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3");
        let mut files = Vec::new();
        json_files(&root.join("examples"), &mut files);
        json_files(&root.join("vectors"), &mut files);
        let mut compared = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            if doc.get("@context").is_none() {
                continue;
            }
            let mut variants = vec![doc.clone()];
            if let Some(o) = doc.as_object_mut()
                && o.remove("proof").is_some()
            {
                variants.push(doc.clone());
            }
            for v in variants {
                let text = serde_json::to_vec(&v).unwrap();
                let Ok(oracle) = parse_text(&text) else {
                    assert!(to_quads(&v).is_err(), "{}", f.display());
                    continue;
                };
                let oracle = canonical(oracle);
                if let Ok(streamed) = parse(&v, true) {
                    assert_eq!(canonical(streamed), oracle, "{}", f.display());
                    compared += 1;
                }
                assert_eq!(
                    canonical(parse(&v, false).unwrap()),
                    oracle,
                    "{}",
                    f.display()
                );
                assert_eq!(canonical(to_quads(&v).unwrap()), oracle, "{}", f.display());
            }
        }
        assert!(compared >= 20, "only {compared} streaming reads compared");
    }

    /// A key out of streaming order (here `@type` after a property, in a document whose
    /// `type` is not an alias) is refused by the streaming read, and the fallback still
    /// gives the right quads.
    #[test]
    fn a_document_not_in_streaming_form_falls_back() {
        let doc = serde_json::json!({
            "@context": {"type": "http://example.org/type", "kind": "@type",
                          "name": "http://example.org/name"},
            "@id": "http://example.org/x",
            "name": "X",
            "type": "not a type",
            "kind": "http://example.org/Thing"
        });
        assert!(parse(&doc, true).is_err());
        let quads = canonical(to_quads(&doc).unwrap());
        assert_eq!(
            quads,
            canonical(parse_text(&serde_json::to_vec(&doc).unwrap()).unwrap())
        );
        assert!(quads.contains("<http://example.org/type> \"not a type\""));
        assert!(quads.contains("<http://example.org/Thing>"));
    }

    /// What Merit issues, for every bundled rubric, is read by the streaming path (so the fast
    /// path is the one taken) and gives the same canonical form as the buffered read.
    #[test]
    fn merit_credentials_are_in_streaming_form() {
        use crate::credential::build::{self, AwardInput, Issuer};
        use crate::store::ArtifactRecord;
        let issuer = Issuer {
            did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK".into(),
            verification_method: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK".into(),
            name: "Centre \"Q\" <b>".into(),
            url: "https://badges.example.org".into(),
            email: Some("badges@example.org".into()),
            embed_images: false,
        };
        let artifacts = vec![ArtifactRecord {
            name: "report\u{1f600}.pdf".into(),
            kind: "pdf".into(),
            requirement: None,
            sha256: Some(format!("{:064x}", 7)),
            size: Some(10),
            url: None,
        }];
        for (file, src) in crate::rubric::BUNDLED {
            let rubric = crate::rubric::parse(src.as_bytes()).unwrap_or_else(|_| panic!("{file}"));
            let levels = rubric
                .criteria
                .iter()
                .map(|c| (c.id.value.clone(), c.levels[0].id.value.clone()))
                .collect();
            let doc = build::build(&AwardInput {
                credential_id: "urn:uuid:00000000-0000-4000-8000-000000000001",
                issuer: &issuer,
                rubric: &rubric,
                learner_name: "Ada",
                learner_email: Some("ada@example.org"),
                salt: "salt",
                levels: &levels,
                artifacts: &artifacts,
                route: crate::vocabulary::Route::PriorLearning,
                issued_at: "2026-01-01T00:00:00Z",
                valid_until: Some("2027-01-01T00:00:00Z"),
                status_index: 3,
                achievement: None,
            });
            let streamed = parse(&doc, true).unwrap_or_else(|e| panic!("{file}: {e}"));
            let buffered = parse_text(&serde_json::to_vec(&doc).unwrap()).unwrap();
            assert_eq!(canonical(streamed), canonical(buffered), "{file}");
        }
    }

    /// Replaces one value somewhere in `v` (the `n`th met, in walk order) by `with`.
    fn replace_nth(v: &mut serde_json::Value, n: &mut usize, with: &serde_json::Value) -> bool {
        if *n == 0 {
            *v = with.clone();
            return true;
        }
        *n -= 1;
        match v {
            serde_json::Value::Array(items) => {
                items.iter_mut().any(|item| replace_nth(item, n, with))
            }
            serde_json::Value::Object(map) => {
                map.values_mut().any(|item| replace_nth(item, n, with))
            }
            _ => false,
        }
    }

    /// `merit verify` canonicalizes whatever it is given: hostile JSON-LD must give an error or
    /// quads, never a panic, on the streaming path and on the fallback. Each shared credential
    /// gets a few hundred mutations: a value anywhere replaced by keywords in odd places,
    /// nested contexts, lists, value objects, graphs and wrong types.
    #[test]
    fn hostile_json_ld_does_not_panic() {
        use serde_json::json;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3/vectors");
        let replacements = [
            json!(null),
            json!(3.5),
            json!(true),
            json!("@id"),
            json!(["a", 1, null, {"@id": "_:b0"}]),
            json!({"@context": {"x": "@type"}, "x": "y", "@id": 5}),
            json!({"@context": null, "type": ["A", 1]}),
            json!({"@context": {"@vocab": "http://e/"}, "@graph": [{"@id": "x", "p": {"@list": [1, [2]]}}]}),
            json!({"@value": {"a": 1}, "@type": "@json"}),
            json!({"@value": "v", "@language": 7}),
            json!({"@list": {"@set": []}}),
            json!({"@type": {"x": 1}, "@id": []}),
            json!({"@reverse": {"p": "x"}, "@included": [{"@id": "y"}]}),
            json!({"@context": [{"@protected": true, "id": null}], "id": "z"}),
            json!({"@nest": {"@nest": "x"}}),
            json!({"type": "Achievement", "@context": "https://unknown.example/ctx"}),
            json!({"@graph": {"@graph": {"@id": 1}}}),
        ];
        let mut rng = fastrand::Rng::with_seed(4);
        let mut tried = 0;
        for name in ["full-rdfc.unsigned.json", "minimal-rdfc.unsigned.json"] {
            let Ok(text) = std::fs::read_to_string(root.join(name)) else {
                continue;
            };
            let base: serde_json::Value = serde_json::from_str(&text).unwrap();
            for _ in 0..300 {
                let mut doc = base.clone();
                for _ in 0..rng.usize(1..3) {
                    let with = &replacements[rng.usize(..replacements.len())];
                    replace_nth(&mut doc, &mut rng.usize(1..120), with);
                }
                let outcome = std::panic::catch_unwind(|| to_quads(&doc).map(|q| q.len()));
                assert!(outcome.is_ok(), "panicked on {doc}");
                tried += 1;
            }
        }
        assert!(tried >= 300, "the shared vectors were not found");
    }
}
