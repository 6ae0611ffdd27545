//! Where mail goes: `MERIT_SMTP_URL` (or `smtp.url` in merit.toml) names the server.
//!
//! - `smtp://[user@]host[:port]`: submission with STARTTLS, required (port 587 by default);
//! - `smtps://[user@]host[:port]`: TLS from the first byte (port 465);
//! - `smtp+plain://host[:port]`: no encryption at all, for a relay on the same machine only
//!   (port 25).

use anyhow::{Result, anyhow, bail};
use lettre::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::Tls;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    StartTls,
    Tls,
    Plain,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
}

/// Reads an SMTP URL; a password in it is refused (it belongs in a file).
pub fn parse(url: &str) -> Result<Target> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        anyhow!("`{url}` is not an SMTP URL (smtp://, smtps:// or smtp+plain://)")
    })?;
    let (security, default_port) = match scheme {
        "smtp" => (Security::StartTls, 587),
        "smtps" => (Security::Tls, 465),
        "smtp+plain" => (Security::Plain, 25),
        other => {
            bail!("`{other}://` is not an SMTP URL scheme (smtp://, smtps:// or smtp+plain://)")
        }
    };
    let rest = rest.trim_end_matches('/');
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => {
            if u.contains(':') {
                bail!("put the SMTP password in a file (MERIT_SMTP_PASSWORD_FILE), not in the URL");
            }
            (Some(u.to_string()), h)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse()
                .map_err(|_| anyhow!("`{p}` in `{url}` is not a port number"))?,
        ),
        None => (hostport, default_port),
    };
    if host.is_empty() || host.contains('/') {
        bail!("`{url}` names no host");
    }
    Ok(Target {
        security,
        host: host.to_string(),
        port,
        user,
    })
}

/// The transport for `target`, with `password` for its user.
pub fn transport(target: &Target, password: Option<String>) -> Result<SmtpTransport> {
    let builder = match target.security {
        Security::StartTls => SmtpTransport::starttls_relay(&target.host)?,
        Security::Tls => SmtpTransport::relay(&target.host)?,
        Security::Plain => SmtpTransport::builder_dangerous(&target.host).tls(Tls::None),
    };
    let mut builder = builder
        .port(target.port)
        .timeout(Some(std::time::Duration::from_secs(60)));
    if let (Some(user), Some(pw)) = (&target.user, password) {
        builder = builder.credentials(Credentials::new(user.clone(), pw));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_url_forms() {
        assert_eq!(
            parse("smtp://merit@mail.example.org").unwrap(),
            Target {
                security: Security::StartTls,
                host: "mail.example.org".into(),
                port: 587,
                user: Some("merit".into())
            }
        );
        let t = parse("smtps://mail.example.org:2465").unwrap();
        assert_eq!((t.security, t.port, t.user), (Security::Tls, 2465, None));
        let t = parse("smtp+plain://127.0.0.1:2525").unwrap();
        assert_eq!(
            (t.security, t.host.as_str(), t.port),
            (Security::Plain, "127.0.0.1", 2525)
        );
        assert_eq!(parse("smtp+plain://localhost").unwrap().port, 25);
    }

    #[test]
    fn bad_urls_say_why() {
        for (url, says) in [
            ("http://mail.example.org", "not an SMTP URL scheme"),
            ("smtp://merit:secret@mail.example.org", "not in the URL"),
            ("smtp://mail.example.org:port", "not a port number"),
            ("mail.example.org", "not an SMTP URL"),
            ("smtp://", "names no host"),
        ] {
            let e = parse(url).unwrap_err().to_string();
            assert!(e.contains(says), "{url}: {e}");
        }
    }

    #[test]
    fn tls_transports_build_for_each_form() {
        for url in [
            "smtp://u@mail.example.org",
            "smtps://mail.example.org",
            "smtp+plain://127.0.0.1:2525",
        ] {
            transport(&parse(url).unwrap(), Some("pw".into())).unwrap();
        }
    }
}
