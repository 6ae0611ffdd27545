//! The workspace's deployment settings: `merit.toml` in the workspace folder (readable by the
//! service account), each overridden by the environment, each with a default that needs no
//! file. Controls that constrain people (policies) are never here: they live in the database,
//! set by an admin. `merit config` shows each setting and where it came from, never a secret.
//!
//! ```toml
//! [database]
//! url = "postgres://merit@db.example.org/merit?sslmode=require"  # MERIT_DATABASE_URL; default: merit.db
//! ca_file = "/etc/merit/db-ca.pem"   # MERIT_DATABASE_CA_FILE; default: the Mozilla roots
//! [site]
//! url = "https://badges.example.org"              # MERIT_SITE_URL
//! [smtp]
//! url = "smtp://merit@mail.example.org:587"       # MERIT_SMTP_URL
//! from = "Badges <badges@example.org>"            # MERIT_SMTP_FROM
//! password_file = "/etc/merit/smtp-password"      # MERIT_SMTP_PASSWORD_FILE
//! [badges]
//! image = "url"        # MERIT_BADGE_IMAGE: "url" (on the site, default) or "data-uri"
//! [artifacts]
//! dir = "/srv/merit-artifacts"   # MERIT_ARTIFACTS_DIR; default: artifacts/ in the workspace
//! ```

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The file's name in the workspace folder.
pub const FILE: &str = "merit.toml";
/// The most of it that is read.
const MAX_BYTES: u64 = 64 * 1024;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileModel {
    database: Option<DatabaseFile>,
    site: Option<Site>,
    smtp: Option<Smtp>,
    badges: Option<Badges>,
    artifacts: Option<Artifacts>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Artifacts {
    dir: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Badges {
    image: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DatabaseFile {
    url: Option<String>,
    ca_file: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Site {
    url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Smtp {
    url: Option<String>,
    from: Option<String>,
    password_file: Option<String>,
}

/// One setting, its value and where it came from.
#[derive(Clone, Debug, Serialize)]
pub struct Setting {
    /// `database.url`, `database.ca_file`, `site.url`, `smtp.url`, `smtp.from`, …
    pub name: &'static str,
    pub value: Option<String>,
    /// `default`, `merit.toml`, or the environment variable that set it.
    pub source: String,
}

/// Every setting of a workspace.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    pub settings: Vec<Setting>,
}

impl Config {
    /// A setting's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.value.as_deref())
    }
}

/// A URL with any password in it replaced by `****`.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (auth, host) = match rest.split_once('@') {
                Some((a, h)) => (Some(a), h),
                None => (None, rest),
            };
            match auth.and_then(|a| a.split_once(':')) {
                Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

/// The settings of the workspace at `root`: `merit.toml` if present, then the environment.
pub fn load(root: &Path) -> Result<Config> {
    let path = root.join(FILE);
    let file = if path.is_file() {
        let mut text = String::new();
        std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .take(MAX_BYTES + 1)
            .read_to_string(&mut text)
            .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
        if text.len() as u64 > MAX_BYTES {
            bail!("{} is larger than {MAX_BYTES} bytes", path.display());
        }
        parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?
    } else {
        FileModel::default()
    };
    let db = file.database.unwrap_or_default();
    let site = file.site.unwrap_or_default();
    let smtp = file.smtp.unwrap_or_default();
    let badges = file.badges.unwrap_or_default();
    let artifacts = file.artifacts.unwrap_or_default();
    let setting = |name, var: &str, from_file: Option<String>, default: Option<&str>| {
        if let Some(v) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            return Setting {
                name,
                value: Some(v),
                source: format!("${var}"),
            };
        }
        match from_file {
            Some(v) => Setting {
                name,
                value: Some(v),
                source: FILE.to_string(),
            },
            None => Setting {
                name,
                value: default.map(str::to_string),
                source: "default".into(),
            },
        }
    };
    Ok(Config {
        settings: vec![
            setting(
                "database.url",
                "MERIT_DATABASE_URL",
                db.url,
                Some(EMBEDDED_DATABASE),
            ),
            setting(
                "database.ca_file",
                "MERIT_DATABASE_CA_FILE",
                db.ca_file,
                None,
            ),
            setting("site.url", "MERIT_SITE_URL", site.url, None),
            setting("smtp.url", "MERIT_SMTP_URL", smtp.url, None),
            setting("smtp.from", "MERIT_SMTP_FROM", smtp.from, None),
            setting(
                "smtp.password_file",
                "MERIT_SMTP_PASSWORD_FILE",
                smtp.password_file,
                None,
            ),
            setting("badges.image", "MERIT_BADGE_IMAGE", badges.image, Some("url")),
            setting(
                "artifacts.dir",
                "MERIT_ARTIFACTS_DIR",
                artifacts.dir,
                Some(ARTIFACTS_DEFAULT),
            ),
        ],
    })
    .and_then(|c: Config| {
        let s = c.settings.iter().find(|s| s.name == "badges.image");
        match s.and_then(|s| s.value.as_deref().map(|v| (v, &s.source))) {
            Some(("url" | "data-uri", _)) | None => Ok(c),
            Some((v, source)) => bail!(
                "badges.image is `{v}` (from {source}); it is `url` (the picture on the issuer's site) or `data-uri` (inside each credential)"
            ),
        }
    })
}

/// Where artifacts are kept unless the settings say otherwise (inside the workspace).
pub const ARTIFACTS_DEFAULT: &str = "artifacts";

/// The folder of the artifact store: `artifacts.dir`, relative to the workspace unless it is
/// absolute. Artifacts are written once under a temporary name and renamed, never changed,
/// so the folder may be on a file system several hosts mount.
pub fn artifacts_dir(root: &Path) -> Result<std::path::PathBuf> {
    let c = load(root)?;
    let dir = c.get("artifacts.dir").unwrap_or(ARTIFACTS_DEFAULT);
    if dir.trim().is_empty() {
        bail!("artifacts.dir is empty: name a folder, or leave it out for artifacts/");
    }
    Ok(root.join(dir))
}

/// The default database: the workspace's SQLite file.
pub const EMBEDDED_DATABASE: &str = "sqlite:merit.db";

/// The database a workspace's settings name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// `merit.db` in the workspace folder.
    Sqlite,
    /// A PostgreSQL database shared by several hosts: the URL as given, where it came from,
    /// and the CA file its server's certificate must chain to (relative paths resolved
    /// against the workspace folder).
    Postgres {
        url: String,
        source: String,
        ca_file: Option<std::path::PathBuf>,
    },
}

/// The database of the workspace at `root`: `database.url` from `$MERIT_DATABASE_URL`, else
/// `merit.toml`, else `merit.db`. Any other value is refused, never ignored: Merit must never
/// write to `merit.db` on one host while the operator believes every host shares PostgreSQL.
pub fn database(root: &Path) -> Result<Database> {
    let c = load(root)?;
    let Some(s) = c.settings.iter().find(|s| s.name == "database.url") else {
        return Ok(Database::Sqlite);
    };
    match s.value.as_deref() {
        None | Some(EMBEDDED_DATABASE) => Ok(Database::Sqlite),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Database::Postgres {
                url: url.to_string(),
                source: s.source.clone(),
                ca_file: database_ca_file(root, &c)?,
            })
        }
        Some(other) => bail!(
            "database.url is {} (from {}): Merit stores a workspace in `{EMBEDDED_DATABASE}` \
             (its SQLite file) or in PostgreSQL (`postgres://user@host:port/database`). \
             Nothing was opened; correct it or unset it",
            crate::sanitize::line(&redact(other)),
            s.source
        ),
    }
}

/// `database.ca_file`, resolved against the workspace folder `root`.
fn database_ca_file(root: &Path, c: &Config) -> Result<Option<std::path::PathBuf>> {
    match c.get("database.ca_file") {
        None => Ok(None),
        Some(f) if f.trim().is_empty() => {
            bail!("database.ca_file is empty: name the CA's PEM file, or leave it out")
        }
        Some(f) => Ok(Some(root.join(f))),
    }
}

/// The CA file of the workspace at `root` (`database.ca_file`), for connecting to a database
/// other than its own (a migration's target).
pub fn ca_file(root: &Path) -> Result<Option<std::path::PathBuf>> {
    database_ca_file(root, &load(root)?)
}

/// Parses the file's text; an error reads `LINE:COLUMN: message`.
fn parse(text: &str) -> std::result::Result<FileModel, String> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        });
        format!("{line}:{col}: {}", e.message())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_where() {
        let e = parse("[site]\nurl = \"https://x\"\ncolour = 3\n")
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("3:1: "), "{e}");
        assert!(e.contains("colour"), "{e}");
        let e = parse("[smtp\n").err().unwrap_or_default();
        assert!(e.starts_with("1:"), "{e}");
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("smtp://merit:s3cret@mail.example.org:587"),
            "smtp://merit:****@mail.example.org:587"
        );
        assert_eq!(redact("smtp://mail.example.org"), "smtp://mail.example.org");
    }
}
