//! The approval thread: signs a cohort's credentials with its own database connection while
//! the workbench stays responsive, reporting progress as [`Msg::Approval`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Instant;

use crate::credential::{approval, issuer, program_approval};
use crate::store::Store;
use crate::tui::effect::{ApprovalPlan, Secret};
use crate::tui::message::{ApprovalEvent, Msg};
use crate::tui::widgets::popup::Approval;

/// A running approval.
pub struct ApprovalJob {
    cancel: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl ApprovalJob {
    /// Asks the job to stop after the batch in hand.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }

    /// Waits for the job to end (the batch in hand is stored or dropped whole).
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

pub fn spawn(
    root: PathBuf,
    user: String,
    job: Approval,
    passphrase: Secret,
    tx: Sender<Msg>,
) -> ApprovalJob {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let thread = std::thread::spawn(move || {
        let mut started = Instant::now();
        let result = (|| -> anyhow::Result<_> {
            let issuer = issuer::load(&root)?;
            let key = issuer::load_key(&root, &passphrase.0)?;
            drop(passphrase);
            // The rate counts signing, not deriving the key from the passphrase.
            started = Instant::now();
            let elapsed = || started.elapsed().as_millis() as u64;
            let mut store = Store::open(&root)?;
            let progress = |done, total| {
                let _ = tx.send(Msg::Approval(ApprovalEvent::Progress {
                    done,
                    total,
                    elapsed_ms: elapsed(),
                }));
            };
            let report = match &job.plan {
                ApprovalPlan::Cohort(plan) => approval::approve(
                    &mut store, &key, &issuer, plan, job.suite, &user, &flag, progress,
                ),
                ApprovalPlan::Pathway(plan) => program_approval::approve_program(
                    &mut store, &key, &issuer, plan, job.suite, &user, &flag, progress,
                ),
            };
            // Whatever happened, the approval's entries are sealed with the issuer key.
            store.seal(&user, &key, &issuer.did)?;
            report
        })();
        let _ = tx.send(Msg::Approval(ApprovalEvent::Finished {
            result: result.map_err(|e| format!("{e:#}")),
            elapsed_ms: started.elapsed().as_millis() as u64,
        }));
    });
    ApprovalJob { cancel, thread }
}
