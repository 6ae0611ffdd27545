//! Background work: one database thread (all SQLite reads and writes of the workbench) and
//! artifact loaders. Results come back to the UI as [`Msg`]s; the UI thread never blocks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::rubric::Decision;
use crate::store::{ArtifactRecord, AssessmentInput, QueueQuery, QueueRow, ReviewData, Store};

use crate::tui::artifact::{self, ArtifactContent};
use crate::tui::event::Msg;
use crate::tui::theme::Theme;

/// How a page of queue rows joins the rows already shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageMode {
    /// Replace everything; select the first row.
    Replace,
    /// Replace everything; select the last row.
    ReplaceAtEnd,
    /// Replace everything; keep the selection on the row with this id if present.
    ReplaceKeep(i64),
    Append,
    Prepend,
}

#[derive(Clone, Debug)]
pub enum DbRequest {
    Queue {
        generation: u64,
        query: QueueQuery,
        mode: PageMode,
    },
    Counts {
        claim_idle_secs: i64,
    },
    Open {
        submission_id: i64,
        claim_idle_secs: i64,
    },
    SaveDraft(AssessmentInput),
    Submit(AssessmentInput),
    /// Leave a review: release the claim unless the draft has work in it.
    Leave {
        submission_id: i64,
        keep_claim: bool,
    },
    Release {
        submission_id: i64,
    },
}

#[derive(Debug)]
pub enum DbReply {
    Queue {
        generation: u64,
        mode: PageMode,
        rows: Result<Vec<QueueRow>, String>,
    },
    Counts(Vec<(String, i64)>),
    Opened(Result<Box<ReviewData>, String>),
    DraftSaved(Result<(), String>),
    Submitted(Result<Decision, String>),
    Released(Result<bool, String>),
    Left,
}

/// Runs one request against the store. Used by the worker thread and by benchmarks.
pub fn handle(store: &mut Store, user: &str, is_lead: bool, req: DbRequest) -> DbReply {
    let err = |e: anyhow::Error| format!("{e:#}");
    match req {
        DbRequest::Queue {
            generation,
            query,
            mode,
        } => DbReply::Queue {
            generation,
            mode,
            rows: store.queue_page(&query).map_err(err),
        },
        DbRequest::Counts { claim_idle_secs } => {
            DbReply::Counts(store.queue_counts(claim_idle_secs).unwrap_or_default())
        }
        DbRequest::Open {
            submission_id,
            claim_idle_secs,
        } => DbReply::Opened(
            store
                .open_review(submission_id, user, claim_idle_secs)
                .map(Box::new)
                .map_err(err),
        ),
        // The assessor is always the session's user, whatever the screen sent.
        DbRequest::SaveDraft(mut a) => {
            a.assessor = user.to_string();
            DbReply::DraftSaved(store.save_draft(&a).map(|_| ()).map_err(err))
        }
        DbRequest::Submit(mut a) => {
            a.assessor = user.to_string();
            DbReply::Submitted(store.submit_assessment(&a).map_err(err))
        }
        DbRequest::Leave {
            submission_id,
            keep_claim,
        } => {
            if !keep_claim {
                let _ = store.release(submission_id, user, false);
            }
            DbReply::Left
        }
        DbRequest::Release { submission_id } => {
            DbReply::Released(store.release(submission_id, user, is_lead).map_err(err))
        }
    }
}

/// Starts the database thread. Draft saves that pile up are coalesced: only the newest
/// draft per submission is written, so fast typing never queues a backlog.
pub fn spawn_db(
    root: PathBuf,
    user: String,
    is_lead: bool,
    out: Sender<Msg>,
) -> (Sender<DbRequest>, std::thread::JoinHandle<()>) {
    let (tx, rx) = channel::<DbRequest>();
    let handle = std::thread::spawn(move || {
        let mut store = match Store::open(&root) {
            Ok(s) => s,
            Err(e) => {
                let _ = out.send(Msg::Fatal(format!("{e:#}")));
                return;
            }
        };
        while let Ok(first) = rx.recv() {
            for req in coalesce(first, &rx) {
                let reply = handle(&mut store, &user, is_lead, req);
                // The UI may be gone (quitting); keep writing what was asked.
                let _ = out.send(Msg::Db(reply));
            }
        }
    });
    (tx, handle)
}

fn coalesce(first: DbRequest, rx: &Receiver<DbRequest>) -> Vec<DbRequest> {
    let mut batch = vec![first];
    batch.extend(rx.try_iter());
    let mut last_draft: HashMap<i64, usize> = HashMap::new();
    for (i, r) in batch.iter().enumerate() {
        if let DbRequest::SaveDraft(a) = r {
            last_draft.insert(a.submission_id, i);
        }
    }
    batch
        .into_iter()
        .enumerate()
        .filter(|(i, r)| match r {
            DbRequest::SaveDraft(a) => last_draft.get(&a.submission_id) == Some(i),
            _ => true,
        })
        .map(|(_, r)| r)
        .collect()
}

/// Loads an artifact on its own thread.
pub fn spawn_artifact(
    submission_id: i64,
    index: usize,
    record: ArtifactRecord,
    path: Option<PathBuf>,
    theme: Theme,
    out: Sender<Msg>,
) {
    std::thread::spawn(move || {
        let content: ArtifactContent = artifact::load(&record, path.as_deref(), theme);
        let _ = out.send(Msg::Artifact {
            submission_id,
            index,
            content: Box::new(content),
        });
    });
}
