//! Issuer keys: Ed25519, identified as `did:key` (a Multikey), stored encrypted at rest with a
//! passphrase (Argon2id derives the key; XChaCha20-Poly1305 encrypts), in a file of mode 0600.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// `z6Mk…`: the multibase (base58btc) Multikey form of a public key.
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// `did:key:z6Mk…`
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", public_key_multibase(key))
}

/// The verification method of a did:key: `did:key:z…#z…`.
pub fn did_key_method(key: &VerifyingKey) -> String {
    let mb = public_key_multibase(key);
    format!("did:key:{mb}#{mb}")
}

/// The public key of a `z6Mk…` Multikey.
pub fn decode_multikey(mb: &str) -> Result<VerifyingKey> {
    let rest = mb
        .strip_prefix('z')
        .ok_or_else(|| anyhow!("`{mb}` is not base58btc multibase (it should start with z)"))?;
    let bytes = bs58::decode(rest)
        .into_vec()
        .map_err(|e| anyhow!("`{mb}` is not valid base58: {e}"))?;
    let key = bytes
        .strip_prefix(&ED25519_PUB)
        .ok_or_else(|| anyhow!("`{mb}` is not an Ed25519 Multikey"))?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| anyhow!("`{mb}` has the wrong length for an Ed25519 key"))?;
    VerifyingKey::from_bytes(&key).map_err(|e| anyhow!("`{mb}` is not a valid Ed25519 key: {e}"))
}

/// Resolves a `did:key:z…#z…` verification method (or the bare DID) to its public key.
pub fn resolve_did_key(method: &str) -> Result<VerifyingKey> {
    let did = method.split('#').next().unwrap_or(method);
    let mb = did
        .strip_prefix("did:key:")
        .ok_or_else(|| anyhow!("`{method}` is not a did:key"))?;
    if let Some(fragment) = method.split_once('#').map(|(_, f)| f)
        && fragment != mb
    {
        bail!("`{method}`: the fragment does not name the DID's own key");
    }
    decode_multikey(mb)
}

/// A new key from the operating system's random source.
pub fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no random source: {e}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key file: the encrypted secret and how to derive its key.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    kdf: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
    cipher: String,
    nonce: String,
    ciphertext: String,
    public_key_multibase: String,
}

const FORMAT: &str = "merit-issuer-key-1";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
) -> Result<[u8; 32]> {
    let params = Params::new(memory_kib, iterations, parallelism, Some(32))
        .map_err(|e| anyhow!("bad key derivation parameters: {e}"))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|e| anyhow!("key derivation failed: {e}"))?;
    Ok(out)
}

/// Writes `key` to `path`, encrypted with `passphrase`, readable only by its owner.
pub fn save(path: &Path, key: &SigningKey, passphrase: &str) -> Result<()> {
    if passphrase.len() < 8 {
        bail!("the passphrase must be at least 8 characters");
    }
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
    getrandom::fill(&mut nonce).map_err(|e| anyhow!("no random source: {e}"))?;
    let (memory_kib, iterations, parallelism) = (64 * 1024, 3, 1);
    let k = derive(passphrase, &salt, memory_kib, iterations, parallelism)?;
    let cipher = XChaCha20Poly1305::new((&k).into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), key.to_bytes().as_slice())
        .map_err(|_| anyhow!("encryption failed"))?;
    let file = KeyFile {
        format: FORMAT.into(),
        kdf: "argon2id".into(),
        memory_kib,
        iterations,
        parallelism,
        salt: b64().encode(salt),
        cipher: "xchacha20poly1305".into(),
        nonce: b64().encode(nonce),
        ciphertext: b64().encode(ciphertext),
        public_key_multibase: public_key_multibase(&key.verifying_key()),
    };
    let json = serde_json::to_string_pretty(&file)?;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(json.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// The public key recorded in a key file (no passphrase needed).
pub fn public_key(path: &Path) -> Result<VerifyingKey> {
    let file: KeyFile = serde_json::from_str(&fs::read_to_string(path)?)
        .with_context(|| format!("{} is not a Merit key file", path.display()))?;
    decode_multikey(&file.public_key_multibase)
}

/// Reads and decrypts the key at `path`.
pub fn load(path: &Path, passphrase: &str) -> Result<SigningKey> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: KeyFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a Merit key file", path.display()))?;
    if file.format != FORMAT || file.kdf != "argon2id" || file.cipher != "xchacha20poly1305" {
        bail!("{}: unknown key file format", path.display());
    }
    let decode = |s: &str| {
        b64()
            .decode(s)
            .map_err(|_| anyhow!("{}: damaged key file", path.display()))
    };
    let salt = decode(&file.salt)?;
    let nonce = decode(&file.nonce)?;
    let ciphertext = decode(&file.ciphertext)?;
    if nonce.len() != 24 {
        bail!("{}: damaged key file", path.display());
    }
    let k = derive(
        passphrase,
        &salt,
        file.memory_kib,
        file.iterations,
        file.parallelism,
    )?;
    let secret = XChaCha20Poly1305::new((&k).into())
        .decrypt(XNonce::from_slice(&nonce), ciphertext.as_slice())
        .map_err(|_| {
            anyhow!("wrong passphrase for the issuer key (or the key file was altered)")
        })?;
    let seed: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| anyhow!("{}: damaged key file", path.display()))?;
    let key = SigningKey::from_bytes(&seed);
    if public_key_multibase(&key.verifying_key()) != file.public_key_multibase {
        bail!(
            "{}: the key does not match its recorded public key",
            path.display()
        );
    }
    Ok(key)
}
