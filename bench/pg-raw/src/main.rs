//! `pg-raw URL PAYLOAD_FILE SECONDS BATCH`: inserts rows shaped like the collector's (its table
//! and its INSERT, copied from server/src/serve/pg.rs) into the PostgreSQL database at URL for
//! SECONDS, BATCH rows per transaction over one connection, each with a fresh id; prints one
//! JSON line with the rate.
use std::time::{Duration, Instant};
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

/// The collector's first migration (server/src/serve/pg.rs, `MIGRATIONS[0]`).
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS responses (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        submitted_at TEXT COLLATE \"C\" NOT NULL,
        received_at TEXT COLLATE \"C\" NOT NULL,
        scores_mismatch BOOLEAN NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS responses_form ON responses (instrument, format, submitted_at);";

/// The collector's batch INSERT (server/src/serve/pg.rs, `INSERT`).
const INSERT: &str = "INSERT INTO responses
    (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[])
        AS t (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload)
    ORDER BY id
    ON CONFLICT (id) DO NOTHING
    RETURNING id";

/// A UUID-v4-shaped id from a counter and a per-run salt (unique within the database).
fn id(salt: u64, n: u64) -> String {
    let h = format!("{:016x}{:016x}", salt, n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        return Err("usage: pg-raw URL PAYLOAD_FILE SECONDS BATCH".into());
    }
    let template = std::fs::read_to_string(&args[2])?;
    let template = template.trim();
    let marker = "\"id\":\"";
    let at = template.find(marker).ok_or("the payload has no \"id\":\"...\"")? + marker.len();
    let (head, rest) = template.split_at(at);
    let tail = &rest[36..];
    let seconds: f64 = args[3].parse()?;
    let batch: usize = args[4].parse()?;

    let (mut client, connection) = tokio_postgres::connect(&args[1], NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("pg-raw: connection: {e}");
        }
    });
    client.batch_execute(SCHEMA).await?;
    // The collector leaves durability at the server's defaults: each commit waits for its WAL
    // flush. Say which, so a result taken with it off is not mistaken for a durable one.
    let sync: String = client.query_one("SHOW synchronous_commit", &[]).await?.get(0);
    let fsync: String = client.query_one("SHOW fsync", &[]).await?.get(0);
    let version: String = client.query_one("SHOW server_version", &[]).await?.get(0);
    let stmt = client.prepare(INSERT).await?;

    // The same constant columns as sqlite-raw; the payload carries its own id, as the collector
    // stores the body as received.
    let salt = std::process::id() as u64 ^ 0x5eed;
    let (instrument, format, dimensions) =
        (vec!["e-s-qual"; batch], vec!["perception"; batch], vec!["EFF,SYS,FUL,PRI"; batch]);
    let when = vec!["2026-11-20T10:00:00.000Z"; batch];
    let mismatch = vec![false; batch];
    let start = Instant::now();
    let limit = Duration::from_secs_f64(seconds);
    let (mut rows, mut commits, mut n) = (0u64, 0u64, 0u64);
    while start.elapsed() < limit {
        let ids: Vec<String> = (0..batch)
            .map(|_| {
                n += 1;
                id(salt, n)
            })
            .collect();
        let payloads: Vec<String> = ids.iter().map(|id| format!("{head}{id}{tail}")).collect();
        let params: [&(dyn ToSql + Sync); 8] =
            [&ids, &instrument, &format, &dimensions, &when, &when, &mismatch, &payloads];
        let tx = client.transaction().await?;
        rows += tx.query(&stmt, &params).await?.len() as u64;
        tx.commit().await?;
        commits += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"batch\": {batch}, \"rows\": {rows}, \"commits\": {commits}, \"seconds\": {secs}, \"rows_per_s\": {}, \
         \"postgres\": \"{version}\", \"synchronous_commit\": \"{sync}\", \"fsync\": \"{fsync}\"}}",
        rows as f64 / secs
    );
    Ok(())
}
