//! TLS for the PostgreSQL connection: rustls (Merit's TLS for SMTP too) with the roots the
//! operator names, and errors that say what to change when a server cannot prove its name.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The most of a CA file that is read (every public root together is about 250 KiB).
const MAX_CA_BYTES: u64 = 1024 * 1024;

/// A TLS connector that trusts the certificates in `ca_file`, or the Mozilla roots.
pub(super) fn connector(ca_file: Option<&Path>) -> Result<MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            for cert in read_certificates(path)? {
                roots.add(cert).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: a certificate in it is not a usable CA certificate ({e})",
                        path.display()
                    )
                })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    // The provider is named here rather than taken from the process-wide default, which
    // depends on the features other crates turn on.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS set-up")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// Every certificate of the PEM file at `path` (at least one).
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot read the database's CA file {}", path.display()))?
        .take(MAX_CA_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the database's CA file {}", path.display()))?;
    if bytes.len() as u64 > MAX_CA_BYTES {
        bail!(
            "{} is larger than {MAX_CA_BYTES} bytes: database.ca_file names the PEM file of the \
             CA that signed the database server's certificate",
            path.display()
        );
    }
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("{}: not a PEM certificate file ({e})", path.display()))?;
    if certs.is_empty() {
        bail!(
            "{} holds no certificate (a PEM block `-----BEGIN CERTIFICATE-----`): \
             database.ca_file names the CA that signed the database server's certificate",
            path.display()
        );
    }
    Ok(certs)
}

/// A connection error, with what to do when it was the server's certificate or TLS itself.
pub(super) fn explain(e: postgres::Error, ca_file: Option<&Path>) -> anyhow::Error {
    let trusted = match ca_file {
        Some(p) => format!("the CA in {}", p.display()),
        None => "the Mozilla roots (no database.ca_file is set)".to_string(),
    };
    let hint = match rustls_error(&e) {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            rustls::CertificateError::UnknownIssuer | rustls::CertificateError::BadSignature => {
                format!(
                    "the database server's certificate is not signed by {trusted}: set \
                     database.ca_file (MERIT_DATABASE_CA_FILE) to the PEM file of the CA that \
                     signed it (a managed service publishes its CA bundle)"
                )
            }
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. } => {
                "the database server's certificate is for another name than the host in the \
                 URL: connect by the name the certificate was issued for"
                    .to_string()
            }
            rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. } => {
                "the database server's certificate has expired: the database's operators must \
                 renew it"
                    .to_string()
            }
            other => format!("the database server's certificate was refused ({other:?})"),
        },
        Some(other) => format!("the TLS handshake with the database failed ({other})"),
        None if e.to_string().contains("server does not support TLS") => {
            "the URL says sslmode=require but the server has TLS turned off (ssl = on in \
             postgresql.conf turns it on)"
                .to_string()
        }
        None => return e.into(),
    };
    anyhow::Error::new(e).context(format!(
        "{hint}. No password was sent; sslmode=disable skips TLS (for a server on this host \
         or on a private link only)"
    ))
}

/// The rustls error under a connection error, if it is one.
fn rustls_error(e: &postgres::Error) -> Option<&rustls::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        // io::Error hides what it wraps from `source`: ask it directly.
        if let Some(inner) = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>())
        {
            return Some(inner);
        }
        source = s.source();
    }
    None
}
