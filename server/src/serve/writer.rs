//! The writer thread: inserts arrive over a channel, are committed in batches (group commit:
//! one synced transaction for every request waiting) and each request is answered only after
//! its commit. Blocking SQLite calls never run on the async runtime.

use super::store::{NewRow, StoreError, Stored, Writer};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};

/// Most rows committed in one transaction.
const BATCH: usize = 256;

enum Job {
    Insert {
        /// Boxed: a row (with its webhook events) is far larger than a probe.
        row: Box<NewRow>,
        reply: oneshot::Sender<Result<Stored, StoreError>>,
    },
    /// A write probe (`/healthz`): one small committed write.
    Probe { reply: oneshot::Sender<Result<(), StoreError>> },
}

/// The async side of the writer thread; clone it freely.
#[derive(Clone)]
pub struct Handle {
    tx: mpsc::Sender<Job>,
}

/// Starts the thread over `writer`. It ends when every [`Handle`] is dropped, after the last
/// batch is committed; join it to know.
pub fn start(mut writer: Box<dyn Writer>) -> std::io::Result<(Handle, JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::channel::<Job>(1024);
    let thread = std::thread::Builder::new().name("eservqual-writer".to_string()).spawn(move || {
        let mut jobs = Vec::with_capacity(BATCH);
        let mut rows: Vec<NewRow> = Vec::with_capacity(BATCH);
        let mut probes = Vec::new();
        while let Some(first) = rx.blocking_recv() {
            let mut next = Some(first);
            while let Some(job) = next.take() {
                match job {
                    Job::Insert { row, reply } => {
                        rows.push(*row);
                        jobs.push(reply);
                    }
                    Job::Probe { reply } => probes.push(reply),
                }
                if jobs.len() < BATCH {
                    next = rx.try_recv().ok();
                }
            }
            if !rows.is_empty() {
                let result = writer.insert_batch(&rows);
                for (i, reply) in jobs.drain(..).enumerate() {
                    let answer = match &result {
                        Ok(done) => Ok(done.get(i).copied().unwrap_or(Stored::Same)),
                        Err(e) => Err(e.clone()),
                    };
                    // The request may have gone (client disconnected); the row is stored anyway.
                    let _ = reply.send(answer);
                }
                rows.clear();
            }
            if !probes.is_empty() {
                // Probes waiting together share one write.
                let result = writer.probe();
                for reply in probes.drain(..) {
                    let _ = reply.send(result.clone());
                }
            }
        }
    })?;
    Ok((Handle { tx }, thread))
}

impl Handle {
    /// Stores `row` (unless its id is stored already); returns after commit.
    pub async fn insert(&self, row: NewRow) -> Result<Stored, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job::Insert { row: Box::new(row), reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Commits one small write of its own (after the inserts waiting): `Ok` when writes succeed.
    pub async fn probe(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job::Probe { reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError("the writer has stopped".to_string())
}
