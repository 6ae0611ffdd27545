//! The workspace's issuer: `issuer/profile.json` (public) and `issuer/issuer.key` (encrypted,
//! mode 0600), plus `issuer/did.json` to publish when the issuer uses did:web.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ed25519_dalek::SigningKey;
use serde_json::json;

use super::build::Issuer;
use super::keys;
use crate::rubric::check_url;

pub fn dir(root: &Path) -> PathBuf {
    root.join("issuer")
}

pub fn key_path(root: &Path) -> PathBuf {
    dir(root).join("issuer.key")
}

fn profile_path(root: &Path) -> PathBuf {
    dir(root).join("profile.json")
}

pub fn did_doc_path(root: &Path) -> PathBuf {
    dir(root).join("did.json")
}

/// Creates the issuer's key and profile. Refuses to replace an existing key.
pub fn init(
    root: &Path,
    name: &str,
    url: &str,
    email: Option<&str>,
    did_web: Option<&str>,
    passphrase: &str,
) -> Result<Issuer> {
    if name.trim().is_empty() {
        bail!("the issuer needs a name");
    }
    check_url(url).map_err(|e| anyhow::anyhow!("--url `{url}` is not a valid http(s) URL: {e}"))?;
    if key_path(root).exists() {
        bail!(
            "this workspace already has an issuer key ({}); a second key would make earlier credentials unverifiable against the profile",
            key_path(root).display()
        );
    }
    let key = keys::generate()?;
    let vk = key.verifying_key();
    let (did, method) = match did_web {
        None => (keys::did_key(&vk), keys::did_key_method(&vk)),
        Some(domain) => {
            if domain.is_empty() || domain.contains('/') || domain.contains(char::is_whitespace) {
                bail!("--did-web takes a domain such as badges.example.org (did:web:DOMAIN)");
            }
            let did = format!("did:web:{}", domain.replace(':', "%3A"));
            let method = format!("{did}#{}", keys::public_key_multibase(&vk));
            (did, method)
        }
    };
    let issuer = Issuer {
        did,
        verification_method: method,
        name: name.to_string(),
        url: url.to_string(),
        email: email.map(str::to_string),
        embed_images: false,
    };
    keys::save(&key_path(root), &key, passphrase)?;
    fs::write(profile_path(root), serde_json::to_string_pretty(&issuer)?)?;
    if did_web.is_some() {
        fs::write(
            did_doc_path(root),
            serde_json::to_string_pretty(&did_document(&issuer, &key))?,
        )?;
    }
    Ok(issuer)
}

/// The DID document that a did:web issuer publishes at `https://DOMAIN/.well-known/did.json`.
pub fn did_document(issuer: &Issuer, key: &SigningKey) -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer.did,
        "verificationMethod": [{
            "id": issuer.verification_method,
            "type": "Multikey",
            "controller": issuer.did,
            "publicKeyMultibase": keys::public_key_multibase(&key.verifying_key()),
        }],
        "assertionMethod": [issuer.verification_method],
        "authentication": [issuer.verification_method],
    })
}

pub fn load(root: &Path) -> Result<Issuer> {
    let path = profile_path(root);
    let text = fs::read_to_string(&path).with_context(|| {
        format!(
            "this workspace has no issuer yet ({} is missing); create one with `merit issuer init --name NAME --url URL`",
            path.display()
        )
    })?;
    let mut issuer: Issuer =
        serde_json::from_str(&text).with_context(|| format!("{} is damaged", path.display()))?;
    issuer.embed_images = crate::config::load(root)?.get("badges.image") == Some("data-uri");
    Ok(issuer)
}

pub fn load_key(root: &Path, passphrase: &str) -> Result<SigningKey> {
    keys::load(&key_path(root), passphrase)
}
