//! From a proof's verification method to a public key and the one who controls it: did:key
//! (the key is the DID), did:web (from its DID document), a key document given explicitly, or,
//! only when asked for, the `#z6Mk…` fragment of any URL (the 1EdTech examples' form, which
//! proves nothing about who wrote it).

use anyhow::{Result, anyhow, bail};
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::keys;

/// Where keys may come from.
#[derive(Clone, Copy, Default)]
pub struct KeySources<'a> {
    /// DID documents of did:web issuers.
    pub did_docs: &'a [Value],
    /// Key documents: a controller (or DID) document listing verification methods, or one
    /// verification method object (`id`, `controller`, `publicKeyMultibase`).
    pub key_docs: &'a [Value],
    /// Accept a key written in the fragment of a verification method URL, undereferenced.
    pub fragment_keys: bool,
}

/// A resolved key.
#[derive(Debug)]
pub struct Resolved {
    pub key: VerifyingKey,
    /// Who controls the key: the issuer must be this.
    pub controller: String,
    /// How it was found, for the report.
    pub how: &'static str,
    /// Said whenever the key was not dereferenced.
    pub warning: Option<String>,
}

/// The key of `method`, and its controller.
pub fn resolve(method: &str, src: &KeySources<'_>) -> Result<Resolved> {
    let did = method.split('#').next().unwrap_or(method);
    if method.starts_with("did:key:") {
        return Ok(Resolved {
            key: keys::resolve_did_key(method)?,
            controller: did.to_string(),
            how: "did:key",
            warning: None,
        });
    }
    if method.starts_with("did:web:") {
        let doc = src
            .did_docs
            .iter()
            .find(|d| d["id"] == did)
            .ok_or_else(|| {
                if src.did_docs.is_empty() {
                    anyhow!("{method} is a did:web key: give its DID document with --did-doc")
                } else {
                    anyhow!("no DID document given is for {did}")
                }
            })?;
        let (key, controller) = from_document(doc, method)?;
        if controller != did {
            bail!("the DID document says {method} is controlled by {controller}, not by {did}");
        }
        return Ok(Resolved {
            key,
            controller,
            how: "did:web document",
            warning: None,
        });
    }
    for doc in src.key_docs {
        if doc["id"] == method {
            // One verification method on its own.
            let (key, controller) = method_key(doc, method)?;
            return Ok(Resolved {
                key,
                controller,
                how: "key document",
                warning: None,
            });
        }
        if doc["id"].as_str() == Some(did) && doc.get("verificationMethod").is_some() {
            let (key, controller) = from_document(doc, method)?;
            return Ok(Resolved {
                key,
                controller,
                how: "key document",
                warning: None,
            });
        }
    }
    if let Some((controller, fragment)) = method.split_once('#')
        && fragment.starts_with("z6Mk")
    {
        if !src.fragment_keys {
            bail!(
                "the key of {method} is only written in its URL's fragment, which anyone can \
                 write: give the issuer's key document with --key-doc FILE, or accept such \
                 keys undereferenced with --fragment-keys"
            );
        }
        return Ok(Resolved {
            key: keys::decode_multikey(fragment)?,
            controller: controller.to_string(),
            how: "URL fragment",
            warning: Some(format!(
                "the key was taken from the fragment of {method} and not dereferenced \
                 (--fragment-keys): it proves nothing about who controls {controller}"
            )),
        });
    }
    bail!(
        "cannot resolve {method} offline: Merit resolves did:key, did:web with its DID \
         document (--did-doc FILE), and keys whose document is given (--key-doc FILE)"
    )
}

/// A method listed in a DID or controller document, usable for assertions.
fn from_document(doc: &Value, method: &str) -> Result<(VerifyingKey, String)> {
    let id = doc["id"].as_str().unwrap_or_default();
    let matches = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s == method || (s.starts_with('#') && format!("{id}{s}") == method))
    };
    let vm = doc["verificationMethod"]
        .as_array()
        .and_then(|a| a.iter().find(|m| matches(&m["id"])))
        .ok_or_else(|| anyhow!("the document of {id} has no verification method {method}"))?;
    let listed = doc["assertionMethod"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| matches(m) || matches(&m["id"])));
    if !listed {
        bail!("the document of {id} does not list {method} as an assertionMethod");
    }
    let (key, controller) = method_key(vm, method)?;
    if controller != id {
        bail!("the document of {id} names {controller} as the controller of {method}");
    }
    Ok((key, controller))
}

/// The key and controller of one verification method object.
fn method_key(vm: &Value, method: &str) -> Result<(VerifyingKey, String)> {
    let controller = vm["controller"]
        .as_str()
        .ok_or_else(|| anyhow!("verification method {method} names no controller"))?;
    let mb = vm["publicKeyMultibase"]
        .as_str()
        .ok_or_else(|| anyhow!("verification method {method} has no publicKeyMultibase"))?;
    Ok((keys::decode_multikey(mb)?, controller.to_string()))
}
