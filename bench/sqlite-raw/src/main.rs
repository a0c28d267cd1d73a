//! `sqlite-raw DB PAYLOAD_FILE SECONDS BATCH`: inserts rows shaped like the collector's (its
//! schema and its INSERT, copied from server/src/serve/store.rs) for SECONDS, BATCH rows per
//! synced transaction, each with a fresh id; prints one JSON line with the rate.
use rusqlite::{params, Connection};
use std::time::{Duration, Instant};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS responses (
        id TEXT PRIMARY KEY,
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        scores_mismatch INTEGER NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS responses_form ON responses (instrument, format, submitted_at);";

const INSERT: &str = "INSERT INTO responses
    (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING";

/// A UUID-v4-shaped id from a counter and a per-run salt (unique within the file).
fn id(salt: u64, n: u64) -> String {
    let h = format!("{:016x}{:016x}", salt, n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        return Err("usage: sqlite-raw DB PAYLOAD_FILE SECONDS BATCH".into());
    }
    let template = std::fs::read_to_string(&args[2])?;
    let template = template.trim();
    let marker = "\"id\":\"";
    let at = template.find(marker).ok_or("the payload has no \"id\":\"...\"")? + marker.len();
    let (head, rest) = template.split_at(at);
    let tail = &rest[36..];
    let seconds: f64 = args[3].parse()?;
    let batch: usize = args[4].parse()?;

    let mut conn = Connection::open(&args[1])?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    assert_eq!(mode.to_ascii_lowercase(), "wal");
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(SCHEMA)?;

    let salt = std::process::id() as u64 ^ 0x5eed;
    let start = Instant::now();
    let limit = Duration::from_secs_f64(seconds);
    let (mut rows, mut commits, mut n) = (0u64, 0u64, 0u64);
    while start.elapsed() < limit {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(INSERT)?;
            for _ in 0..batch {
                n += 1;
                let id = id(salt, n);
                // The collector stores the body as received, so the id is inside it too.
                let payload = format!("{head}{id}{tail}");
                rows += stmt.execute(params![
                    id,
                    "e-s-qual",
                    "perception",
                    "EFF,SYS,FUL,PRI",
                    "2026-11-20T10:00:00.000Z",
                    "2026-11-20T10:00:00.000Z",
                    0i64,
                    payload
                ])? as u64;
            }
        }
        tx.commit()?;
        commits += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"batch\": {batch}, \"rows\": {rows}, \"commits\": {commits}, \"seconds\": {secs}, \"rows_per_s\": {}, \"sqlite\": \"{}\"}}",
        rows as f64 / secs,
        rusqlite::version()
    );
    Ok(())
}
