//! `merit approve --pathway`: sign program credentials for learners who earned a pathway.

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::json;

use merit::credential::approval::Approver;
use merit::credential::program_approval::{ProgramPlan, approve_program};
use merit::credential::{issuer, proof::Suite};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::approve::{Args, signing};
use super::{Ctx, passphrase};

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let Some(spec) = a.pathway.as_deref() else {
        bail!("say what to approve: --cohort ID or --pathway ID");
    };
    if !a.all_earned && a.learner.is_empty() {
        bail!("say whom to approve: --all-earned or --learner ID...");
    }
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let (mut store, actor) = ctx.open_for(if a.dry_run {
        merit::access::Action::ApproveDryRun
    } else {
        merit::access::Action::Approve
    })?;
    let issuer = issuer::load(&root)?;
    let suite = Suite::parse(&a.suite).unwrap_or(Suite::Rdfc);
    let approver = Approver::new(&store, &actor)?;
    let chosen = (!a.all_earned).then_some(a.learner.as_slice());
    let plan = ProgramPlan::new(&store, spec, &approver, chosen)?;
    if a.dry_run {
        if a.json {
            println!(
                "{}",
                merit::sanitize::json_line(&json!({
                    "pathway": plan.pathway, "version": plan.version,
                    "to_issue": plan.to_issue, "already_issued": plan.already_issued,
                    "not_earned": plan.not_earned, "excluded": plan.excluded,
                    "suite": suite.name(), "issuer": issuer.did,
                }))?
            );
        } else {
            for line in plan.describe(suite, &issuer.did) {
                println!("{}", safe(&line));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let mut report = signing(
        &mut store,
        &actor,
        &key,
        &issuer.did,
        plan.to_issue.len(),
        |store, cancel, progress| {
            approve_program(store, &key, &issuer, &plan, suite, &actor, cancel, progress)
        },
    )?;
    report.already_issued += plan.already_issued.len();
    if a.json {
        let mut out = serde_json::to_value(&report)?;
        out["pathway"] = json!(plan.pathway);
        out["not_earned"] = json!(plan.not_earned);
        out["excluded"] = json!(plan.excluded);
        println!("{}", merit::sanitize::json_line(&out)?);
    } else {
        for f in &report.failed {
            eprintln!("{}", safe(f));
        }
        println!(
            "issued {} program credential(s) of {} ({}); {} already had one; {} failed; {} not earned; {} excluded{}",
            report.issued.len(),
            safe(&plan.pathway),
            suite.name(),
            report.already_issued,
            report.failed.len(),
            plan.not_earned.len(),
            plan.excluded.len(),
            if report.cancelled {
                " (cancelled: run again to continue)"
            } else {
                ""
            }
        );
    }
    Ok(if report.failed.is_empty() && !report.cancelled {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
