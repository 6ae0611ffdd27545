//! Where the workspace lives and what is inside it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The database file inside a workspace.
pub const DB_FILE: &str = "merit.db";
/// The content-addressed artifact folder inside a workspace.
pub const ARTIFACTS_DIR: &str = "artifacts";

/// The workspace folder: `--workspace`, else `$MERIT_HOME`, else `<data dir>/merit`.
pub fn resolve(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(home) = std::env::var_os("MERIT_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    match dirs::data_dir() {
        Some(d) => Ok(d.join("merit")),
        None => bail!(
            "no workspace given and no data folder known for this user; pass --workspace DIR or set MERIT_HOME"
        ),
    }
}

/// The settings file whose presence also makes a folder a workspace.
pub const CONFIG_FILE: &str = "merit.toml";

/// Whether `root` is a Merit workspace: a folder holding `merit.db` or `merit.toml`.
pub fn exists(root: &Path) -> bool {
    root.join(DB_FILE).is_file() || root.join(CONFIG_FILE).is_file()
}

/// The error for a folder that is not a workspace, saying how to make one.
pub fn not_a_workspace(root: &Path) -> anyhow::Error {
    let d = root.display();
    anyhow::anyhow!(
        "{d} is not a Merit workspace (create one with `merit workspace init {d}` or `merit demo`)"
    )
}

/// Makes a folder whose database is elsewhere (PostgreSQL) recognisable as a workspace: a
/// `merit.toml`, written only when there is none. The database's URL is not written into it:
/// it may hold a password, and it came from the environment.
pub fn mark(root: &Path) -> Result<()> {
    use std::io::Write;
    let path = root.join(CONFIG_FILE);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut f) => f
            .write_all(
                b"# A Merit workspace. Its database is named by $MERIT_DATABASE_URL \
                  (or [database] url here); see `merit config`.\n",
            )
            .with_context(|| format!("cannot write {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// Creates the workspace folder (and `artifacts/`) if needed.
pub fn create(root: &Path) -> Result<()> {
    std::fs::create_dir_all(root.join(ARTIFACTS_DIR))
        .with_context(|| format!("cannot create workspace folder {}", root.display()))
}
