//! The issuer's passphrase: `$MERIT_PASSPHRASE`, else asked for on the terminal.

use anyhow::{Result, bail};

pub fn get(confirm: bool) -> Result<String> {
    if let Ok(p) = std::env::var("MERIT_PASSPHRASE")
        && !p.is_empty()
    {
        return Ok(p);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase: set MERIT_PASSPHRASE or run this in a terminal");
    }
    let p = rpassword::prompt_password("Issuer key passphrase: ")?;
    if confirm && rpassword::prompt_password("Again: ")? != p {
        bail!("the passphrases differ");
    }
    Ok(p)
}
