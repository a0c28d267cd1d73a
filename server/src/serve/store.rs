//! Storage of received responses behind a small trait, and its SQLite backend (PostgreSQL's is
//! serve/pg.rs; serve/database.rs chooses), with numbered schema migrations and portable SQL.

pub use super::rows::{Filter, NewRow, OutboxEvent, Row, Statuses, Stored};
use super::summaries::{self, Key, Pending, Rebuild, StoredSummary};
use eservqual_core::payload::Status;
use rusqlite::{params_from_iter, Connection, OpenFlags, OptionalExtension};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An outbox row claimed for one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub body: String,
    /// Attempts that count toward the limit of `retry::next`.
    pub counted: u32,
    /// Every attempt made so far.
    pub attempts: u32,
    /// UTC text; `None` before the first attempt.
    pub first_attempt_at: Option<String>,
}

/// What an attempt left an outbox row as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// `pending`, `delivered` or `failed`.
    pub status: &'static str,
    pub counted: u32,
    pub attempts: u32,
    /// The HTTP status, `timeout`, `network error ...`, with the reason of a give-up.
    pub last_status: String,
    pub first_attempt_at: String,
    pub next_attempt_at: String,
    pub delivered_at: Option<String>,
}

/// One outbox row as `GET /v1/webhooks/deliveries` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    pub id: String,
    pub webhook: String,
    pub event_type: String,
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<String>,
    pub created_at: String,
    /// `None` once delivered or failed.
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// How many outbox events are in each status (`GET /v1/webhooks/deliveries`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub delivered: u64,
    pub failed: u64,
}

impl DeliveryCounts {
    /// Adds `n` events of `status` (another status, which no version writes, is not counted).
    pub fn add(&mut self, status: &str, n: i64) {
        let n = u64::try_from(n).unwrap_or(0);
        match status {
            "pending" => self.pending += n,
            "delivered" => self.delivered += n,
            "failed" => self.failed += n,
            _ => {}
        }
    }
}

/// The webhook outbox: events waiting, claimed for an attempt, settled.
pub trait Outbox: Send {
    /// Writes `events` (an id already there is left as it is); returns how many were new.
    fn enqueue(&mut self, events: &[OutboxEvent]) -> Result<usize, StoreError>;
    /// Takes up to `limit` pending events of `webhook` due at `now` and not leased by another
    /// worker, leasing them until `lease_until` (a worker that dies leaves them due again then).
    fn claim(&mut self, webhook: &str, now: &str, lease_until: &str, limit: usize) -> Result<Vec<Claimed>, StoreError>;
    /// Records the outcome of an attempt at event `id` and ends its lease.
    fn settle(&mut self, id: &str, settled: &Settled) -> Result<(), StoreError>;
    /// Events newest first (`created_at`, then id), optionally of one status.
    fn deliveries(&mut self, status: Option<&str>, limit: usize, offset: usize) -> Result<Vec<Delivery>, StoreError>;
    /// How many events are pending, delivered and failed.
    fn counts(&mut self) -> Result<DeliveryCounts, StoreError>;
    /// The forms (instrument, format, dimensions) with responses submitted in `[from, to)`, for
    /// the weekly alerts.
    fn forms(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, String)>, StoreError>;
}

/// Where a page of comments ended: the last one's `submitted_at` (as stored) and `id`.
pub type Cursor = (String, String);

/// One stored response with a comment, as [`Reader::comments`] hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: String,
    /// As stored: UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub submitted_at: String,
    pub payload: String,
}

/// A storage failure (disk, corruption, a database made by a newer version, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("database error: {e}"))
    }
}

/// The same response: equal JSON values, ids compared without case.
pub fn same_response(a: &str, b: &str) -> bool {
    let parse = |t: &str| {
        let mut v: serde_json::Value = serde_json::from_str(t).ok()?;
        if let Some(id) = v.get_mut("id") {
            if let Some(s) = id.as_str() {
                *id = serde_json::Value::String(s.to_ascii_lowercase());
            }
        }
        Some(v)
    };
    a == b || matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// The one connection that writes.
pub trait Writer: Send {
    /// Stores `rows` in one transaction, committed (and synced) before it returns; for each row,
    /// whether it was new or its id was already stored with the same or another response.
    fn insert_batch(&mut self, rows: &[NewRow]) -> Result<Vec<Stored>, StoreError>;
    /// Writes and commits (synced) one small row of its own, to show that writes succeed now:
    /// fails on a full disk or a database that cannot be written.
    fn probe(&mut self) -> Result<(), StoreError>;
    /// Recomputes every summary from the stored payloads in one transaction (`rebuild` does
    /// the arithmetic), and marks the summaries complete.
    fn rebuild_summaries(&mut self, rebuild: &mut Rebuild<'_>) -> Result<(), StoreError>;
}

/// A reading connection (many may be open beside the writer).
pub trait Reader: Send {
    /// Succeeds when the database answers a query.
    fn ping(&self) -> Result<(), StoreError>;
    /// How many stored responses match.
    fn count(&self, filter: &Filter) -> Result<u64, StoreError>;
    /// Calls `each` with every match in order of receipt (`received_at`, then `id` within one
    /// millisecond), until it says stop.
    fn scan(&self, filter: &Filter, each: &mut dyn FnMut(Row<'_>) -> bool) -> Result<(), StoreError>;
    /// The summary rows of the form of `filter` (its instrument, format and dimensions) whose
    /// day is in `[from, to)` (`YYYY-MM-DD`, `None` = open); `None` when the summaries do not
    /// cover every stored response (a database from before them, not yet rebuilt). `segment`:
    /// `None` for the form's own rows, `Some(KEY)` for the rows of each value of `meta.KEY`
    /// (`None` as well when the summaries were not made with that key).
    fn summaries(
        &self,
        filter: &Filter,
        days: &(Option<String>, Option<String>),
        segment: Option<&str>,
    ) -> Result<Option<Vec<StoredSummary>>, StoreError>;
    /// The segment keys the stored summaries were made with (`summary_state.segment_keys`,
    /// as [`summaries::keys_text`] writes them).
    fn segment_keys(&self) -> Result<String, StoreError>;
    /// The latest `limit` matches with a comment, newest `submitted_at` first (then the greatest
    /// id), after `before` when given (the next page): read through the partial index
    /// `responses_comments`, so the cost is that of `limit` rows, not of every match.
    fn comments(
        &self,
        filter: &Filter,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError>;
}

/// A storage backend: hands out the writer and readers.
pub trait Backend: Send + Sync {
    fn writer(&self) -> Result<Box<dyn Writer>, StoreError>;
    fn reader(&self) -> Result<Box<dyn Reader>, StoreError>;
    /// A connection to the webhook outbox (beside the writer).
    fn outbox(&self) -> Result<Box<dyn Outbox>, StoreError>;
    /// For the startup line, e.g. `sqlite responses.db`.
    fn describe(&self) -> String;
}

/// The schema, one migration per version (`PRAGMA user_version` = migrations applied). Plain
/// SQL that PostgreSQL also accepts.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        scores_mismatch INTEGER NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX responses_form ON responses (instrument, format, submitted_at);",
    // The row the write probe of /healthz and of the start rewrites.
    "CREATE TABLE probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad BLOB);",
    // Per-day summaries (serve/summaries.rs), and whether they cover every stored response:
    // not on a database that already held responses, until `eservqual summaries rebuild`.
    "CREATE TABLE summaries (
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        day TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        responses INTEGER NOT NULL,
        flagged INTEGER NOT NULL,
        summary TEXT,
        PRIMARY KEY (instrument, format, dimensions, day, fingerprint)
    );
    CREATE TABLE summary_state (id INTEGER PRIMARY KEY, complete INTEGER NOT NULL);
    INSERT INTO summary_state (id, complete)
        SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM responses) THEN 0 ELSE 1 END;",
    // Which responses carry a comment, and an index of only those, for the latest comments
    // (`GET /v1/comments`) without reading every response; the stored rows are filled in by
    // [`backfill_comments`] in the same transaction.
    "ALTER TABLE responses ADD COLUMN has_comment INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX responses_comments ON responses (instrument, format, submitted_at) WHERE has_comment;",
    // Webhook events (serve/webhooks.rs): written with the response they announce, in its
    // transaction, and delivered from here by the worker (at least once).
    "CREATE TABLE webhook_outbox (
        id TEXT PRIMARY KEY,
        webhook TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        counted INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status TEXT,
        first_attempt_at TEXT,
        next_attempt_at TEXT NOT NULL,
        lease_until TEXT,
        delivered_at TEXT
    );
    CREATE INDEX webhook_outbox_due ON webhook_outbox (status, webhook, next_attempt_at);
    CREATE INDEX webhook_outbox_created ON webhook_outbox (created_at);",
    // Segments in the summaries (serve/summaries.rs): `segment` joins the key of a summary row
    // ('' for the form's own row, as every row so far), and `summary_state.segment_keys` names
    // the keys the rows were made with (none yet). SQLite cannot change a primary key in place:
    // the table is made again and its rows copied.
    "CREATE TABLE summaries_v6 (
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        day TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        segment TEXT NOT NULL DEFAULT '',
        responses INTEGER NOT NULL,
        flagged INTEGER NOT NULL,
        summary TEXT,
        PRIMARY KEY (instrument, format, dimensions, day, fingerprint, segment)
    );
    INSERT INTO summaries_v6 (instrument, format, dimensions, day, fingerprint, segment, responses, flagged, summary)
        SELECT instrument, format, dimensions, day, fingerprint, '', responses, flagged, summary FROM summaries;
    DROP TABLE summaries;
    ALTER TABLE summaries_v6 RENAME TO summaries;
    ALTER TABLE summary_state ADD COLUMN segment_keys TEXT NOT NULL DEFAULT '';",
    // Partial responses (payload `status`): every response stored so far is complete.
    "ALTER TABLE responses ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';",
];

/// The segment keys the stored summaries were made with (`summary_state.segment_keys`).
pub const SEGMENT_KEYS: &str = "SELECT segment_keys FROM summary_state WHERE id = 1";

/// Writes an outbox event; an id already there is left alone.
pub const OUTBOX_INSERT: &str =
    "INSERT INTO webhook_outbox (id, webhook, event_type, body, created_at, next_attempt_at)
    VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO NOTHING";

/// Ends an attempt: its outcome, and the lease released.
pub const OUTBOX_SETTLE: &str = "UPDATE webhook_outbox SET status = $2, counted = $3, attempts = $4, last_status = $5,
    first_attempt_at = $6, next_attempt_at = $7, delivered_at = $8, lease_until = NULL WHERE id = $1";

/// The listing of `GET /v1/webhooks/deliveries`; `$1` a status or NULL for all.
pub const OUTBOX_LIST: &str = "SELECT id, webhook, event_type, status, attempts, last_status, created_at,
    next_attempt_at, delivered_at FROM webhook_outbox WHERE (CAST($1 AS TEXT) IS NULL OR status = $1)
    ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3";

/// The counts of `GET /v1/webhooks/deliveries` (read from the index on status).
pub const OUTBOX_COUNTS: &str = "SELECT status, COUNT(*) FROM webhook_outbox GROUP BY status";

/// The outbox statements are written with PostgreSQL's `$N`; SQLite numbers them `?N` (its
/// `$NAME` would be numbered in order of appearance instead).
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

/// The forms with responses in a period (`serve/alerts.rs`).
pub const FORMS_IN: &str = "SELECT DISTINCT instrument, format, dimensions FROM responses
    WHERE submitted_at >= $1 AND submitted_at < $2 AND status = 'complete' ORDER BY instrument, format, dimensions";

/// The stored responses a summary rebuild reads: complete ones only.
pub const REBUILD_SCAN: &str = "SELECT payload, scores_mismatch, submitted_at FROM responses WHERE status = 'complete'";

/// Writes a response in place of the stored partial of its id; nothing (0 rows) when that id
/// is stored complete, so concurrent writers can never replace a complete response.
pub const REPLACE_PARTIAL: &str = "UPDATE responses SET instrument = $2, format = $3, dimensions = $4,
    submitted_at = $5, received_at = $6, scores_mismatch = $7, payload = $8, has_comment = $9, status = $10
    WHERE id = $1 AND status = 'partial'";

/// What a POST does to an id already stored (the POST rules of docs/interfaces.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Nothing changes; the answer is this.
    Keep(Stored),
    /// The stored partial is replaced by the new row (see [`REPLACE_PARTIAL`]).
    Replace,
}

/// The rule for a row whose id is stored with `payload` and `status`: a stored partial is
/// replaced by any other body (a retry of the same body changes nothing); a stored complete
/// response is never replaced: a late partial is a repeat, a complete one a repeat or a conflict.
pub fn on_repeat(payload: &str, status: &str, new: &NewRow) -> Repeat {
    let same = same_response(payload, &new.payload);
    if status == "partial" {
        if same {
            Repeat::Keep(Stored::Same)
        } else {
            Repeat::Replace
        }
    } else if same || new.status == Status::Partial {
        Repeat::Keep(Stored::Same)
    } else {
        Repeat::Keep(Stored::Different)
    }
}

/// The claim of due events; `{lock}` is PostgreSQL's row lock clause (SQLite has one writer).
pub fn outbox_claim_sql(lock: &str) -> String {
    format!(
        "UPDATE webhook_outbox SET lease_until = $3 WHERE id IN (
            SELECT id FROM webhook_outbox WHERE status = 'pending' AND webhook = $1 AND next_attempt_at <= $2
                AND (lease_until IS NULL OR lease_until <= $2)
            ORDER BY next_attempt_at, id LIMIT $4 {lock})
        RETURNING id, body, counted, attempts, first_attempt_at"
    )
}

/// The schema version that adds `has_comment`: after its SQL, [`backfill_comments`] runs.
pub const HAS_COMMENT_VERSION: usize = 4;

/// Only these stored payloads can have a comment: the key spelt out, or written with a `\u`
/// escape somewhere (JSON allows `"comm\u0065nt"`). The others are not parsed by the backfill.
const MAY_HAVE_COMMENT: &str = "(payload LIKE '%comment%' OR instr(payload, '\\u') > 0)";

/// Whether a stored payload has a comment, as the insert decides it for a new one (a payload
/// that no longer parses has none).
pub fn payload_has_comment(payload: &str) -> bool {
    eservqual_core::payload::Payload::from_json(payload)
        .ok()
        .and_then(|p| p.outcomes)
        .and_then(|o| o.comment)
        .is_some_and(|c| eservqual_core::payload::is_comment(&c))
}

/// Sets `has_comment` on the stored responses that have one (the migration to
/// [`HAS_COMMENT_VERSION`]), within its transaction.
fn backfill_comments(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut ids = Vec::new();
    {
        let mut stmt = tx.prepare(&format!("SELECT id, payload FROM responses WHERE {MAY_HAVE_COMMENT}"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if row.get_ref(1)?.as_str().is_ok_and(payload_has_comment) {
                ids.push(row.get::<_, String>(0)?);
            }
        }
    }
    let mut update = tx.prepare("UPDATE responses SET has_comment = 1 WHERE id = ?1")?;
    for id in &ids {
        update.execute([id])?;
    }
    Ok(())
}

/// Bytes the write probe commits: as much as the largest response, so a probe that succeeds
/// says a response of any accepted size can be stored too. Random bytes: SQLite skips rewriting
/// pages whose content did not change.
pub const PROBE_BYTES: i64 = 64 * 1024;

/// The embedded SQLite backend: WAL journal, `synchronous=FULL`, one writer.
pub struct Sqlite {
    path: PathBuf,
}

impl Sqlite {
    /// Opens the file, sets WAL mode and runs the migrations.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let name = path.display();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(StoreError(format!("{name}: the folder {} does not exist", parent.display())));
            }
        }
        let mut conn =
            Connection::open(path).map_err(|e| StoreError(format!("{name}: cannot open the database: {e}")))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| StoreError(format!("{name}: not a usable SQLite database: {e}")))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!("{name}: could not switch the database to WAL mode")));
        }
        migrate(&mut conn).map_err(|e| StoreError(format!("{name}: {e}")))?;
        Ok(Sqlite { path: path.to_path_buf() })
    }

    fn connect(&self, flags: OpenFlags) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // FULL: a commit is on disk (WAL synced) before it returns, so an acknowledged
        // response survives a crash or a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(conn)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError(format!(
            "the database has schema version {version}, newer than this eservqual knows ({known}): upgrade eservqual"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        if i + 1 == HAS_COMMENT_VERSION {
            backfill_comments(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

impl Backend for Sqlite {
    fn writer(&self) -> Result<Box<dyn Writer>, StoreError> {
        let conn = self.connect(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        // SQLite quietly opens a file it may not write read-only: say so instead.
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError(format!(
                "{}: the database is read-only for this process (check the permissions of the file and its folder)",
                self.path.display()
            )));
        }
        Ok(Box::new(SqliteWriter { conn }))
    }

    fn reader(&self) -> Result<Box<dyn Reader>, StoreError> {
        let conn = self.connect(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        Ok(Box::new(SqliteReader { conn }))
    }

    fn outbox(&self) -> Result<Box<dyn Outbox>, StoreError> {
        let conn = self.connect(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        Ok(Box::new(SqliteOutbox { conn }))
    }

    fn describe(&self) -> String {
        format!("sqlite {}", self.path.display())
    }
}

struct SqliteWriter {
    conn: Connection,
}

struct SqliteOutbox {
    conn: Connection,
}

fn count_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl Outbox for SqliteOutbox {
    fn enqueue(&mut self, events: &[OutboxEvent]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut new = 0;
        {
            let mut stmt = tx.prepare_cached(&sqlite_sql(OUTBOX_INSERT))?;
            for e in events {
                new += stmt.execute(rusqlite::params![e.id, e.webhook, e.event_type, e.body, e.created_at])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    fn claim(&mut self, webhook: &str, now: &str, lease_until: &str, limit: usize) -> Result<Vec<Claimed>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(&outbox_claim_sql("")))?;
        let rows = stmt.query_map(rusqlite::params![webhook, now, lease_until, limit as i64], |r| {
            Ok(Claimed {
                id: r.get(0)?,
                body: r.get(1)?,
                counted: count_u32(r.get(2)?),
                attempts: count_u32(r.get(3)?),
                first_attempt_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn settle(&mut self, id: &str, s: &Settled) -> Result<(), StoreError> {
        self.conn.prepare_cached(&sqlite_sql(OUTBOX_SETTLE))?.execute(rusqlite::params![
            id,
            s.status,
            i64::from(s.counted),
            i64::from(s.attempts),
            s.last_status,
            s.first_attempt_at,
            s.next_attempt_at,
            s.delivered_at
        ])?;
        Ok(())
    }

    fn deliveries(&mut self, status: Option<&str>, limit: usize, offset: usize) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(OUTBOX_LIST))?;
        let rows = stmt.query_map(rusqlite::params![status, limit as i64, offset as i64], |r| {
            let status: String = r.get(3)?;
            let next: String = r.get(7)?;
            Ok(Delivery {
                id: r.get(0)?,
                webhook: r.get(1)?,
                event_type: r.get(2)?,
                attempts: count_u32(r.get(4)?),
                last_status: r.get(5)?,
                created_at: r.get(6)?,
                next_attempt_at: (status == "pending").then_some(next),
                delivered_at: r.get(8)?,
                status,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn counts(&mut self) -> Result<DeliveryCounts, StoreError> {
        let mut stmt = self.conn.prepare_cached(OUTBOX_COUNTS)?;
        let mut counts = DeliveryCounts::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (status, n) = row?;
            counts.add(&status, n);
        }
        Ok(counts)
    }

    fn forms(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(FORMS_IN))?;
        let rows = stmt.query_map(rusqlite::params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

/// Portable: `ON CONFLICT DO NOTHING` is the same in SQLite and PostgreSQL; a concurrent repeat
/// of an id meets the primary key, never a second row.
const INSERT: &str = "INSERT INTO responses
    (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload, has_comment, status)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING";

impl Writer for SqliteWriter {
    fn insert_batch(&mut self, rows: &[NewRow]) -> Result<Vec<Stored>, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(rows.len());
        {
            let mut stmt = tx.prepare_cached(INSERT)?;
            // (The summaries below, in the same transaction.)
            let mut stored = tx.prepare_cached("SELECT payload, status FROM responses WHERE id = ?1")?;
            let mut replace = tx.prepare_cached(&sqlite_sql(REPLACE_PARTIAL))?;
            for r in rows {
                let args = rusqlite::params![
                    r.id,
                    r.instrument,
                    r.format,
                    r.dimensions,
                    r.submitted_at,
                    r.received_at,
                    i64::from(r.scores_mismatch),
                    r.payload,
                    i64::from(r.has_comment),
                    r.status.as_str()
                ];
                let done = if stmt.execute(args)? == 1 {
                    Stored::New
                } else {
                    let (before, status): (String, String) =
                        stored.query_row([&r.id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                    match on_repeat(&before, &status, r) {
                        Repeat::Keep(s) => s,
                        // One writer: the partial read above is still there.
                        Repeat::Replace if replace.execute(args)? == 1 => Stored::Replaced,
                        Repeat::Replace => Stored::Same,
                    }
                };
                if done.written() {
                    let mut event = tx.prepare_cached(&sqlite_sql(OUTBOX_INSERT))?;
                    for e in &r.events {
                        event.execute(rusqlite::params![e.id, e.webhook, e.event_type, e.body, e.created_at])?;
                    }
                }
                out.push(done);
            }
        }
        // The keys of the stored summaries, read in this transaction: a rebuild that changes
        // them has committed before it or waits for it.
        let keys: Option<String> = tx.query_row(SEGMENT_KEYS, [], |r| r.get(0)).optional()?;
        let keys = summaries::keys_of(keys.as_deref().unwrap_or(""));
        update_summaries(&tx, &summaries::group(rows, &out, &keys))?;
        tx.commit()?;
        Ok(out)
    }

    fn rebuild_summaries(&mut self, rebuild: &mut Rebuild<'_>) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM summaries", [])?;
        {
            let mut stmt = tx.prepare(REBUILD_SCAN)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let payload =
                    row.get_ref(0)?.as_str().map_err(|e| StoreError(format!("a stored payload is not text: {e}")))?;
                let scores_mismatch = row.get::<_, i64>(1)? != 0;
                let submitted_at: String = row.get(2)?;
                rebuild.add(Row { payload, scores_mismatch }, &submitted_at);
            }
        }
        update_summaries(&tx, rebuild.pending())?;
        tx.execute("UPDATE summary_state SET complete = 1, segment_keys = ?1 WHERE id = 1", [rebuild.keys_text()])?;
        tx.commit()?;
        Ok(())
    }

    fn probe(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO probe (id, at, pad) VALUES (1, ?1, randomblob(?2))
             ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad",
            rusqlite::params![super::ingest::utc_text(jiff::Timestamp::now()), PROBE_BYTES],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Adds `pending` to the summary rows (inserted when missing), within `tx`.
fn update_summaries(tx: &rusqlite::Transaction<'_>, pending: &BTreeMap<Key, Pending>) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    const KEY: &str =
        "instrument = ?1 AND format = ?2 AND dimensions = ?3 AND day = ?4 AND fingerprint = ?5 AND segment = ?9";
    let mut select = tx.prepare_cached(
        "SELECT summary FROM summaries WHERE instrument = ?1 AND format = ?2 AND dimensions = ?3 AND day = ?4
         AND fingerprint = ?5 AND segment = ?6",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO summaries (instrument, format, dimensions, day, fingerprint, responses, flagged, summary, segment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut update = tx.prepare_cached(&format!(
        "UPDATE summaries SET responses = responses + ?6, flagged = flagged + ?7, summary = ?8 WHERE {KEY}"
    ))?;
    for (k, p) in pending {
        let key = rusqlite::params![k.instrument, k.format, k.dimensions, k.day, k.fingerprint, k.segment];
        let stored: Option<Option<String>> = select.query_row(key, |r| r.get(0)).optional()?;
        let (n, f) = (p.responses as i64, p.flagged as i64);
        let text = match &stored {
            None => Some(p.summary.to_json()),
            Some(text) => summaries::fold(&k.day, text.as_deref(), p),
        };
        let args = rusqlite::params![k.instrument, k.format, k.dimensions, k.day, k.fingerprint, n, f, text, k.segment];
        if stored.is_none() {
            insert.execute(args)?;
        } else {
            update.execute(args)?;
        }
    }
    Ok(())
}

struct SqliteReader {
    conn: Connection,
}

/// `WHERE a = ?1 AND b >= ?2 ...` of the conditions whose value is given, and those values in
/// order; `mark` is the placeholders' sign before their number (`?` in SQLite, `$` in
/// PostgreSQL). One builder for both backends, so their filters cannot drift apart.
pub fn where_sql(conditions: &[(&str, &Option<String>)], mark: char) -> (String, Vec<String>) {
    let mut parts = Vec::new();
    let mut args = Vec::new();
    for (sql, v) in conditions {
        if let Some(v) = v {
            args.push(v.clone());
            parts.push(format!("{sql} {mark}{}", args.len()));
        }
    }
    let sql = if parts.is_empty() { String::new() } else { format!(" WHERE {}", parts.join(" AND ")) };
    (sql, args)
}

/// `WHERE ...` of a filter on the responses table (its conditions and the statuses it takes),
/// and its arguments.
pub fn filter_sql(filter: &Filter, mark: char) -> (String, Vec<String>) {
    let (mut sql, args) = where_sql(&filter_conditions(filter), mark);
    if let Some(status) = filter.statuses.condition() {
        sql.push_str(if sql.is_empty() { " WHERE " } else { " AND " });
        sql.push_str(status);
    }
    (sql, args)
}

/// The conditions of a filter on the responses table.
pub fn filter_conditions(filter: &Filter) -> [(&'static str, &Option<String>); 5] {
    [
        ("instrument =", &filter.instrument),
        ("format =", &filter.format),
        ("dimensions =", &filter.dimensions),
        ("submitted_at >=", &filter.from),
        ("submitted_at <", &filter.to),
    ]
}

/// The query of [`Reader::comments`] (placeholders marked with `mark`) and its arguments: the
/// filter plus `has_comment`, the very condition of the partial index, so that the index is
/// read backwards from the end of the range and the scan stops after `limit` rows; with a
/// cursor, only the rows that sort after it (older, or as old with a smaller id).
pub fn comments_sql(filter: &Filter, before: Option<&Cursor>, limit: usize, mark: char) -> (String, Vec<String>) {
    let (mut sql, mut args) = filter_sql(filter, mark);
    sql.push_str(if sql.is_empty() { " WHERE has_comment" } else { " AND has_comment" });
    if let Some((at, id)) = before {
        args.push(at.clone());
        args.push(id.clone());
        let n = args.len();
        sql.push_str(&format!(" AND (submitted_at, id) < ({mark}{}, {mark}{n})", n - 1));
    }
    let sql = format!(
        "SELECT id, submitted_at, payload FROM responses{sql} ORDER BY submitted_at DESC, id DESC LIMIT {limit}"
    );
    (sql, args)
}

/// The condition on the summaries' `segment` (appended to a `WHERE` of [`where_sql`], or the
/// whole `WHERE` when `first`): the form's own rows (`''`), or those of one key (`KEY` and
/// `KEY=...`); its arguments are pushed onto `args`.
pub fn segment_condition(segment: Option<&str>, args: &mut Vec<String>, mark: char, first: bool) -> String {
    let join = if first { " WHERE" } else { " AND" };
    match segment {
        None => format!("{join} segment = ''"),
        Some(key) => {
            args.push(key.to_string());
            let k = args.len();
            args.push(format!("{key}="));
            let prefix = args.len();
            format!("{join} (segment = {mark}{k} OR substr(segment, 1, {}) = {mark}{prefix})", key.chars().count() + 1)
        }
    }
}

/// The conditions of a filter and a range of days on the summaries table.
pub fn summary_conditions<'a>(
    filter: &'a Filter,
    days: &'a (Option<String>, Option<String>),
) -> [(&'static str, &'a Option<String>); 5] {
    [
        ("instrument =", &filter.instrument),
        ("format =", &filter.format),
        ("dimensions =", &filter.dimensions),
        ("day >=", &days.0),
        ("day <", &days.1),
    ]
}

impl Reader for SqliteReader {
    fn ping(&self) -> Result<(), StoreError> {
        // Touches the table, not only the connection; at most one row is read.
        let n: i64 =
            self.conn.query_row("SELECT COUNT(*) FROM (SELECT 1 FROM responses LIMIT 1) AS t", [], |r| r.get(0))?;
        if (0..=1).contains(&n) {
            Ok(())
        } else {
            Err(StoreError("the database gave a wrong answer".to_string()))
        }
    }

    fn count(&self, filter: &Filter) -> Result<u64, StoreError> {
        let (sql, args) = filter_sql(filter, '?');
        let n: i64 =
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM responses{sql}"), params_from_iter(args), |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn scan(&self, filter: &Filter, each: &mut dyn FnMut(Row<'_>) -> bool) -> Result<(), StoreError> {
        let (sql, args) = filter_sql(filter, '?');
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT payload, scores_mismatch FROM responses{sql} ORDER BY received_at, id"))?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            let payload =
                row.get_ref(0)?.as_str().map_err(|e| StoreError(format!("a stored payload is not text: {e}")))?;
            let scores_mismatch = row.get::<_, i64>(1)? != 0;
            if !each(Row { payload, scores_mismatch }) {
                break;
            }
        }
        Ok(())
    }

    fn summaries(
        &self,
        filter: &Filter,
        days: &(Option<String>, Option<String>),
        segment: Option<&str>,
    ) -> Result<Option<Vec<StoredSummary>>, StoreError> {
        let state: Option<(i64, String)> = self
            .conn
            .query_row("SELECT complete, segment_keys FROM summary_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((1, keys)) = state else { return Ok(None) };
        if segment.is_some_and(|k| !summaries::keys_of(&keys).iter().any(|s| s == k)) {
            return Ok(None);
        }
        let (mut sql, mut args) = where_sql(&summary_conditions(filter, days), '?');
        sql.push_str(&segment_condition(segment, &mut args, '?', sql.is_empty()));
        let mut stmt = self.conn.prepare(&format!(
            "SELECT day, fingerprint, responses, flagged, summary, segment FROM summaries{sql} ORDER BY day, fingerprint, segment"
        ))?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok(StoredSummary {
                day: r.get(0)?,
                fingerprint: r.get(1)?,
                responses: r.get::<_, i64>(2)?.max(0) as u64,
                flagged: r.get::<_, i64>(3)?.max(0) as u64,
                summary: r.get(4)?,
                segment: r.get(5)?,
            })
        })?;
        Ok(Some(rows.collect::<Result<Vec<_>, _>>()?))
    }

    fn segment_keys(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row(SEGMENT_KEYS, [], |r| r.get::<_, String>(0)).optional()?.unwrap_or_default())
    }

    fn comments(
        &self,
        filter: &Filter,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let (sql, args) = comments_sql(filter, before, limit, '?');
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok(StoredComment { id: r.get(0)?, submitted_at: r.get(1)?, payload: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The SQLite store at `path`, as `database::open` hands it out.
    fn open_file(path: &Path) -> Result<Arc<dyn Backend>, StoreError> {
        Ok(Arc::new(Sqlite::open(path)?))
    }

    fn row(id: &str) -> NewRow {
        NewRow {
            id: id.to_string(),
            instrument: "e-s-qual".to_string(),
            format: "perception".to_string(),
            dimensions: "EFF,SYS,FUL,PRI".to_string(),
            submitted_at: "2026-01-01T00:00:00.000Z".to_string(),
            received_at: "2026-01-01T00:00:01.000Z".to_string(),
            scores_mismatch: false,
            has_comment: false,
            payload: "{}".to_string(),
            status: Status::Complete,
            response: None,
            events: Vec::new(),
            meta: Vec::new(),
        }
    }

    #[test]
    fn a_stored_partial_gives_way_and_a_stored_complete_response_never_does() {
        let new = |payload: &str, status: Status| NewRow { payload: payload.to_string(), status, ..row("a") };
        let (p1, p2, c) = (r#"{"n": 1}"#, r#"{"n": 2}"#, r#"{"n": 3}"#);
        // Stored partial: the same body is a repeat, any other replaces it.
        assert_eq!(on_repeat(p1, "partial", &new(p1, Status::Partial)), Repeat::Keep(Stored::Same));
        assert_eq!(on_repeat(p1, "partial", &new(p2, Status::Partial)), Repeat::Replace);
        assert_eq!(on_repeat(p1, "partial", &new(c, Status::Complete)), Repeat::Replace);
        // Stored complete: a partial is a repeat, whatever its body; a complete one as before.
        assert_eq!(on_repeat(c, "complete", &new(p1, Status::Partial)), Repeat::Keep(Stored::Same));
        assert_eq!(on_repeat(c, "complete", &new(c, Status::Complete)), Repeat::Keep(Stored::Same));
        assert_eq!(on_repeat(c, "complete", &new(p2, Status::Complete)), Repeat::Keep(Stored::Different));
    }

    #[test]
    fn stores_an_id_once_and_migrates_once() {
        let dir = std::env::temp_dir().join(format!("eservqual-store-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("t.db");
        let _ = std::fs::remove_file(&path);
        let backend = open_file(&path).expect("open");
        let mut w = backend.writer().expect("writer");
        let mut other = row("b");
        other.payload = "{\"x\": 1}".to_string();
        assert_eq!(
            w.insert_batch(&[row("a"), row("b"), row("a")]).expect("insert"),
            vec![Stored::New, Stored::New, Stored::Same]
        );
        assert_eq!(w.insert_batch(&[row("b"), other]).expect("insert"), vec![Stored::Same, Stored::Different]);
        drop(w);
        let backend = open_file(&path).expect("reopen");
        let r = backend.reader().expect("reader");
        r.ping().expect("ping");
        assert_eq!(r.count(&Filter::default()).expect("count"), 2);
        let f = Filter { from: Some("2026-01-02".to_string()), ..Filter::default() };
        assert_eq!(r.count(&f).expect("count"), 0);
    }

    #[test]
    fn summaries_of_a_database_that_held_responses_before_them_are_incomplete_until_rebuilt() {
        let path = std::env::temp_dir().join(format!("eservqual-store-v2-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            // A database of schema version 2 (before summaries) with one response.
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch(MIGRATIONS[0]).expect("v1");
            conn.execute_batch(MIGRATIONS[1]).expect("v2");
            conn.pragma_update(None, "user_version", 2).expect("version");
            conn.execute(
                "INSERT INTO responses VALUES ('a', 'e-s-qual', 'perception', 'EFF,SYS,FUL,PRI',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 0, '{}')",
                [],
            )
            .expect("insert");
        }
        let backend = open_file(&path).expect("migrate");
        let filter = Filter { instrument: Some("e-s-qual".to_string()), ..Filter::default() };
        let r = backend.reader().expect("reader");
        assert!(r.summaries(&filter, &(None, None), None).expect("summaries").is_none(), "incomplete");
        // The stored payload is not a valid response: the rebuild leaves it out, and the
        // summaries are complete.
        let registry = eservqual_core::Registry::builtin();
        let mut rebuild = Rebuild::new(&registry, &[]);
        backend.writer().and_then(|mut w| w.rebuild_summaries(&mut rebuild)).expect("rebuild");
        assert_eq!((rebuild.responses, rebuild.skipped), (0, 1));
        assert_eq!(r.summaries(&filter, &(None, None), None).expect("summaries").map(|v| v.len()), Some(0));
        // A new database is complete from the start.
        let fresh = std::env::temp_dir().join(format!("eservqual-store-v3-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&fresh);
        let backend = open_file(&fresh).expect("open");
        let r = backend.reader().expect("reader");
        assert!(r.summaries(&filter, &(None, None), None).expect("summaries").is_some());
    }

    #[test]
    fn the_comments_migration_fills_has_comment_and_the_latest_comments_read_the_partial_index() {
        let path = std::env::temp_dir().join(format!("eservqual-store-v3c-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let payload = |comment: Option<&str>| {
            let mut v: serde_json::Value =
                serde_json::from_str(include_str!("../../../tests/data/esqual_one.json")).expect("the example");
            match comment {
                Some(c) => v["outcomes"]["comment"] = c.into(),
                None => {
                    v["outcomes"].as_object_mut().map(|o| o.remove("comment"));
                }
            }
            v.to_string()
        };
        // Payloads written as a client may: the key escaped, a comment of spaces only.
        let escaped = payload(Some("escaped key")).replace("\"comment\"", "\"comm\\u0065nt\"");
        let stored = [
            ("a", payload(Some("slow checkout")), true),
            ("b", payload(None), false),
            ("c", payload(Some(" \n\t ")), false),
            ("d", escaped, true),
            ("e", "{}".to_string(), false),
        ];
        {
            // A database of schema version 3 (before has_comment) with those responses.
            let conn = Connection::open(&path).expect("create");
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).expect("migration");
            }
            conn.pragma_update(None, "user_version", 3).expect("version");
            for (id, text, _) in &stored {
                conn.execute(
                    "INSERT INTO responses VALUES (?1, 'e-s-qual', 'perception', 'EFF,SYS,FUL,PRI',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 0, ?2)",
                    rusqlite::params![id, text],
                )
                .expect("insert");
            }
        }
        let backend = open_file(&path).expect("migrate");
        let conn = Connection::open(&path).expect("open");
        for (id, _, expected) in &stored {
            let has: i64 =
                conn.query_row("SELECT has_comment FROM responses WHERE id = ?1", [id], |r| r.get(0)).expect("row");
            assert_eq!(has != 0, *expected, "{id}");
        }
        // A new row carries its own flag; the latest come first, ties by id.
        let mut w = backend.writer().expect("writer");
        let mut new = row("f");
        new.submitted_at = "2026-01-02T00:00:00.000Z".to_string();
        new.has_comment = true;
        w.insert_batch(&[new]).expect("insert");
        let filter = Filter {
            instrument: Some("e-s-qual".to_string()),
            format: Some("perception".to_string()),
            dimensions: Some("EFF,SYS,FUL,PRI".to_string()),
            ..Filter::default()
        };
        let r = backend.reader().expect("reader");
        let ids = |limit| -> Vec<String> {
            r.comments(&filter, None, limit).expect("comments").into_iter().map(|c| c.id).collect()
        };
        assert_eq!(ids(20), ["f", "d", "a"]);
        assert_eq!(ids(2), ["f", "d"]);
        // The next page starts after the cursor, and a page ends with the range.
        let cursor = ("2026-01-02T00:00:00.000Z".to_string(), "f".to_string());
        let next: Vec<String> =
            r.comments(&filter, Some(&cursor), 20).expect("page").into_iter().map(|c| c.id).collect();
        assert_eq!(next, ["d", "a"]);
        // The plan reads the partial index, not the table, with a cursor too.
        let (sql, args) = comments_sql(&filter, Some(&cursor), 20, '?');
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
        let plan: Vec<String> = stmt
            .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan")
            .collect::<Result<_, _>>()
            .expect("plan rows");
        assert!(plan.iter().any(|p| p.contains("USING INDEX responses_comments")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("USE TEMP B-TREE FOR ORDER BY")), "a full sort: {plan:?}");
    }
}
