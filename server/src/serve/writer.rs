//! The writer thread: inserts arrive over a channel, are committed in batches (group commit:
//! one synced transaction for every request waiting) and each request is answered only after
//! its commit. Blocking SQLite calls never run on the async runtime.

use super::store::{NewRow, StoreError, Writer};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};

/// Most rows committed in one transaction.
const BATCH: usize = 256;

struct Job {
    row: NewRow,
    reply: oneshot::Sender<Result<bool, StoreError>>,
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
        let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
        let mut rows: Vec<NewRow> = Vec::with_capacity(BATCH);
        while let Some(first) = rx.blocking_recv() {
            jobs.push(first);
            while jobs.len() < BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            rows.clear();
            rows.extend(jobs.iter_mut().map(|j| std::mem::take(&mut j.row)));
            let result = writer.insert_batch(&rows);
            for (i, job) in jobs.drain(..).enumerate() {
                let answer = match &result {
                    Ok(new) => Ok(new.get(i).copied().unwrap_or(false)),
                    Err(e) => Err(e.clone()),
                };
                // The request may have gone (client disconnected); the row is stored anyway.
                let _ = job.reply.send(answer);
            }
        }
    })?;
    Ok((Handle { tx }, thread))
}

impl Handle {
    /// Stores `row`; `Ok(true)` new, `Ok(false)` its id was stored before. Returns after commit.
    pub async fn insert(&self, row: NewRow) -> Result<bool, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job { row, reply }).await.map_err(|_| StoreError("the writer has stopped".to_string()))?;
        answer.await.map_err(|_| StoreError("the writer has stopped".to_string()))?
    }
}
