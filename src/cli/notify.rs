//! `merit notify (--cohort ID | --pathway ID) [--dry-run --out DIR]`: e-mail learners their
//! badges and feedback, or their program badges (issuers). SMTP settings: `merit config`
//! (merit.toml, MERIT_SMTP_*).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};

use merit::notify::{self, Delivery, Report, smtp};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    /// The cohort whose learners are written to
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "pathway",
        conflicts_with = "pathway"
    )]
    cohort: Option<String>,
    /// Instead, the learners holding a program credential of this pathway
    #[arg(long, value_name = "ID")]
    pathway: Option<String>,
    /// Write each message as an .eml file into --out instead of sending it (nothing is recorded)
    #[arg(long, requires = "out")]
    dry_run: bool,
    /// The folder for --dry-run's .eml files
    #[arg(long, value_name = "DIR", requires = "dry_run")]
    out: Option<PathBuf>,
}

fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if len < 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} messages  {per_sec}  eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let (mut store, actor) = ctx.open_for(merit::access::Action::Notify)?;
    if let Some(c) = &a.cohort {
        super::require_cohort(&store, c)?;
    }
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let cfg = merit::config::load(&root)?;
    let from = cfg
        .get("smtp.from")
        .ok_or_else(|| {
            anyhow!("say who the messages are from: MERIT_SMTP_FROM, or smtp.from in merit.toml")
        })?
        .parse::<lettre::message::Mailbox>()
        .map_err(|e| anyhow!("smtp.from is not an address: {e}"))?;
    let mut report = Report::default();
    let messages = match (&a.cohort, &a.pathway) {
        (Some(c), _) => notify::outgoing(&store, c, &from, &mut report)?,
        (None, Some(p)) => notify::outgoing_programs(&store, p, &from, &mut report)?,
        (None, None) => bail!("say whom to write to: --cohort ID or --pathway ID"),
    };
    let bar = progress_bar(messages.len());
    let transport;
    let delivery = if a.dry_run {
        Delivery::Files(
            a.out
                .as_deref()
                .ok_or_else(|| anyhow!("--dry-run needs --out DIR"))?,
        )
    } else {
        let url = cfg.get("smtp.url").ok_or_else(|| {
            anyhow!(
                "no mail server: set MERIT_SMTP_URL, or smtp.url in merit.toml (`merit config`)"
            )
        })?;
        let target = smtp::parse(url)?;
        let password = match (&target.user, cfg.get("smtp.password_file")) {
            (None, _) => None,
            (Some(_), Some(file)) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read the SMTP password file {file}"))?
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
            ),
            (Some(user), None) => {
                use std::io::IsTerminal;
                if !std::io::stdin().is_terminal() {
                    bail!(
                        "the SMTP password for {user}: set MERIT_SMTP_PASSWORD_FILE (no terminal to ask)"
                    );
                }
                Some(rpassword::prompt_password(format!(
                    "SMTP password for {user}: "
                ))?)
            }
        };
        transport = smtp::transport(&target, password)?;
        Delivery::Smtp(&transport)
    };
    let result = notify::deliver(
        &mut store,
        &actor,
        messages,
        &delivery,
        &mut report,
        |n, _| bar.set_position(n as u64),
    );
    bar.finish_and_clear();
    for r in &report.refused {
        eprintln!("{}", safe(r));
    }
    for k in &report.no_email {
        eprintln!("{}: no e-mail address, nothing sent", safe(k));
    }
    println!(
        "{} {} message(s); {} already sent; {} refused; {} without an address",
        if a.dry_run { "wrote" } else { "sent" },
        report.sent,
        report.already_sent,
        report.refused.len(),
        report.no_email.len()
    );
    result?;
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
