//! `merit demo`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use merit::demo::{self, DemoOptions};
use merit::sanitize::line as safe;
use merit::store::{Store, workspace};

use super::Ctx;

/// The passphrase of the demo workspace's issuer key (printed; for trying things out only).
pub const DEMO_PASSPHRASE: &str = "merit-demo";

#[derive(clap::Args)]
pub struct Args {
    /// Number of learners, dealt across three cohorts
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    learners: u32,
    /// Seed: the same seed gives the same learners, artifacts and scores
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print what was created instead of opening the workbench
    #[arg(long)]
    no_tui: bool,
    /// Delete an existing demo workspace first
    #[arg(long)]
    fresh: bool,
    /// Create no demo issuer key (set up your own with `merit issuer init`)
    #[arg(long)]
    no_issuer: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let root = ctx
        .workspace
        .clone()
        .unwrap_or_else(|| PathBuf::from("merit-demo"));
    let user = ctx.actor().unwrap_or_else(|_| "you".to_string());
    let db = root.join(workspace::DB_FILE);
    if db.exists() && a.fresh {
        if !root.join("sources").is_dir() {
            bail!(
                "{} does not look like a demo workspace (no sources/ folder); not deleting it",
                root.display()
            );
        }
        std::fs::remove_dir_all(&root)
            .with_context(|| format!("cannot delete {}", root.display()))?;
    }
    let created = !root.join(workspace::DB_FILE).exists();
    if !created {
        let store = Store::open(&root)?;
        println!(
            "Demo workspace {} already exists (use --fresh to start over).",
            root.display()
        );
        for c in store.cohorts()? {
            println!(
                "  {}  {} — {} learners, {} submissions",
                c.id,
                safe(&c.name),
                c.learners,
                c.submissions
            );
        }
    } else {
        let summary = demo::create(
            &root,
            &DemoOptions {
                learners: a.learners as usize,
                seed: a.seed,
            },
            &user,
        )?;
        println!("Created demo workspace {}", summary.workspace.display());
        println!("  rubrics:  {}", summary.rubrics.join(", "));
        for c in &summary.cohorts {
            println!(
                "  cohort {} ({}): {} learners, rubric {}",
                c.id, c.name, c.learners, c.rubric
            );
        }
        println!(
            "  {} learners, {} submissions ({} second attempts), {} artifacts",
            summary.learners, summary.submissions, summary.second_attempts, summary.artifacts
        );
        println!(
            "  {} assessed ({} not yet); the rest wait in the queue",
            summary.assessed, summary.not_yet
        );
        if summary.second_marking > 0 {
            println!(
                "  {} in second marking (teach-2026-spring): one waits for a second assessor, one for the lead (lena)",
                summary.second_marking
            );
        }
        if summary.pathway_learners > 0 {
            println!(
                "  pathway {}: {} learners meet all three rubrics; approve the cohorts, then \
                 `merit pathway status` shows them earned",
                safe(&summary.pathway),
                summary.pathway_learners
            );
        }
        if summary.prior_learning > 0 {
            println!(
                "  {} learners come by recognition of prior learning (route: prior-learning)",
                summary.prior_learning
            );
        }
        if summary.exemplars > 0 {
            println!(
                "  calibration: {} exemplars on {}; amir has calibrated, bea meets them first",
                summary.exemplars,
                safe(&summary.calibration_rubric)
            );
        }
        println!("  people:   {}", safe(&summary.users.join(", ")));
        println!("  learner folders: {}", root.join("sources").display());
    }
    // Only in a workspace this command just created: never a demo key in a real workspace.
    if created && !a.no_issuer && !merit::credential::issuer::key_path(&root).exists() {
        // An issuer, so that approving and signing can be tried at once. Its passphrase is
        // public: a demo key must never sign anything real.
        let issuer = merit::credential::issuer::init(
            &root,
            "Merit Demo Academy",
            "https://merit.example.org",
            None,
            None,
            DEMO_PASSPHRASE,
        )?;
        println!(
            "  issuer:   {} (demo key; passphrase \"{DEMO_PASSPHRASE}\")",
            issuer.did
        );
    }
    if !a.no_tui {
        merit::tui::run(&root, &user)?;
    }
    Ok(ExitCode::SUCCESS)
}
