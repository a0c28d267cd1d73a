//! The PostgreSQL backend of the store (`--database-url postgres://USER@HOST:PORT/DB`), for any
//! number of collectors on one database.
//!
//! - The client is `tokio-postgres` behind a `deadpool-postgres` pool that runs on a small
//!   runtime of its own; the synchronous [`Backend`] / [`Writer`] / [`Reader`] calls, made on the
//!   writer thread and the HTTP layer's blocking threads, wait for it with `Handle::block_on`.
//!   So the trait and the HTTP layer stay as they are for both backends.
//! - A connection that died (the database restarted, the network broke) is dropped by the pool
//!   and a new one is made on the next call: the collector recovers by itself.
//! - Numbered migrations (`schema_version`, one row per version applied) run at open under a
//!   transaction-level advisory lock, so collectors starting together migrate once; a database
//!   of a newer version is refused.
//! - `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id`: of concurrent inserts of one id,
//!   on any collector, exactly one is new. A batch is one transaction, committed before it
//!   returns: the insert, then the summary rows of the new responses, each inserted or else
//!   locked (`SELECT ... FOR UPDATE`) and updated, in key order, so that collectors updating
//!   the same rows wait for each other and no update is lost.
//! - TLS per `sslmode` in the URL: `disable`, `prefer`, `require` (encrypted, not verified),
//!   `verify-ca`, `verify-full` (Mozilla's roots, or the PEM file of `sslrootcert=PATH`); when
//!   the URL says nothing, off for loopback and Unix sockets, `prefer` otherwise.
//! - No message ever carries the URL's password.

use super::store::{
    comments_sql, filter_sql, on_repeat, outbox_claim_sql, payload_has_comment, segment_condition, summary_conditions,
    where_sql, Backend, Claimed, Cursor, Delivery, DeliveryCounts, Filter, NewRow, Outbox, OutboxEvent, Reader, Repeat,
    Row, Settled, StoreError, Stored, StoredComment, Writer, FORMS_IN, HAS_COMMENT_VERSION, OUTBOX_COUNTS,
    OUTBOX_INSERT, OUTBOX_LIST, OUTBOX_SETTLE, PROBE_BYTES, REBUILD_SCAN, REPLACE_PARTIAL, SEGMENT_KEYS,
};
use super::summaries::{self, Key, Pending, Rebuild, StoredSummary};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use futures_util::StreamExt;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::types::ToSql;

/// The schema, one migration per version; `schema_version` holds one row per version applied.
/// The same tables in spirit as SQLite's: times stay fixed-width UTC text under the byte order
/// of the "C" collation, so text order is time order whatever the database's locale.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE responses (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        instrument TEXT NOT NULL,
        format TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        submitted_at TEXT COLLATE \"C\" NOT NULL,
        received_at TEXT COLLATE \"C\" NOT NULL,
        scores_mismatch BOOLEAN NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX responses_form ON responses (instrument, format, submitted_at);",
    // The row the write probe of /healthz and of the start rewrites.
    "CREATE TABLE probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad TEXT);",
    // Per-day summaries (serve/summaries.rs), and whether they cover every stored response:
    // not on a database that already held responses, until `eservqual summaries rebuild`.
    "CREATE TABLE summaries (
        instrument TEXT COLLATE \"C\" NOT NULL,
        format TEXT COLLATE \"C\" NOT NULL,
        dimensions TEXT COLLATE \"C\" NOT NULL,
        day TEXT COLLATE \"C\" NOT NULL,
        fingerprint TEXT COLLATE \"C\" NOT NULL,
        responses BIGINT NOT NULL,
        flagged BIGINT NOT NULL,
        summary TEXT,
        PRIMARY KEY (instrument, format, dimensions, day, fingerprint)
    );
    CREATE TABLE summary_state (id INTEGER PRIMARY KEY, complete BOOLEAN NOT NULL);
    INSERT INTO summary_state (id, complete) SELECT 1, NOT EXISTS (SELECT 1 FROM responses);",
    // Which responses carry a comment, and an index of only those, for the latest comments
    // without reading every response; the stored rows are filled in by `backfill_comments` in
    // the same transaction.
    "ALTER TABLE responses ADD COLUMN has_comment BOOLEAN NOT NULL DEFAULT false;
    CREATE INDEX responses_comments ON responses (instrument, format, submitted_at) WHERE has_comment;",
    // Webhook events (serve/webhooks.rs): written with the response they announce, in its
    // transaction; collectors sharing the database claim them with FOR UPDATE SKIP LOCKED and a
    // lease, so an event is sent by one collector at a time.
    "CREATE TABLE webhook_outbox (
        id TEXT COLLATE \"C\" PRIMARY KEY,
        webhook TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT COLLATE \"C\" NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        counted INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status TEXT,
        first_attempt_at TEXT COLLATE \"C\",
        next_attempt_at TEXT COLLATE \"C\" NOT NULL,
        lease_until TEXT COLLATE \"C\",
        delivered_at TEXT COLLATE \"C\"
    );
    CREATE INDEX webhook_outbox_due ON webhook_outbox (status, webhook, next_attempt_at);
    CREATE INDEX webhook_outbox_created ON webhook_outbox (created_at);",
    // Segments in the summaries (serve/summaries.rs): `segment` joins the key of a summary row
    // ('' for the form's own row, as every row so far), and `summary_state.segment_keys` names
    // the keys the rows were made with (none yet).
    "ALTER TABLE summaries ADD COLUMN segment TEXT COLLATE \"C\" NOT NULL DEFAULT '';
    ALTER TABLE summaries DROP CONSTRAINT summaries_pkey;
    ALTER TABLE summaries ADD PRIMARY KEY (instrument, format, dimensions, day, fingerprint, segment);
    ALTER TABLE summary_state ADD COLUMN segment_keys TEXT NOT NULL DEFAULT '';",
    // Partial responses (payload `status`): every response stored so far is complete.
    "ALTER TABLE responses ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';",
];

/// Only these stored payloads can have a comment: the key spelt out, or written with a `\u`
/// escape somewhere (JSON allows `"comm\u0065nt"`). The others are not parsed by the backfill.
const MAY_HAVE_COMMENT: &str = "(payload LIKE '%comment%' OR strpos(payload, '\\u') > 0)";

/// Ids set in one `UPDATE` of the backfill.
const BACKFILL_CHUNK: usize = 10_000;

/// Sets `has_comment` on the stored responses that have one (the migration to
/// [`HAS_COMMENT_VERSION`]), within its transaction.
async fn backfill_comments(tx: &deadpool_postgres::Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    let stream = tx
        .query_raw(
            &format!("SELECT id, payload FROM responses WHERE {MAY_HAVE_COMMENT}"),
            std::iter::empty::<&(dyn ToSql + Sync)>(),
        )
        .await?;
    let mut stream = std::pin::pin!(stream);
    let mut ids: Vec<String> = Vec::new();
    while let Some(row) = stream.next().await {
        let row = row?;
        if payload_has_comment(row.try_get(1)?) {
            ids.push(row.try_get(0)?);
        }
    }
    for chunk in ids.chunks(BACKFILL_CHUNK) {
        tx.execute("UPDATE responses SET has_comment = true WHERE id = ANY($1)", &[&chunk]).await?;
    }
    Ok(())
}

/// A summary row's key in a `WHERE`.
const SUMMARY_KEY: &str =
    "instrument = $1 AND format = $2 AND dimensions = $3 AND day = $4 AND fingerprint = $5 AND segment = $6";

/// A new summary row; nothing when another transaction made it first (after waiting for it).
const SUMMARY_INSERT: &str = "INSERT INTO summaries
    (instrument, format, dimensions, day, fingerprint, segment, responses, flagged, summary)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (instrument, format, dimensions, day, fingerprint, segment) DO NOTHING";

/// The write probe: one row rewritten with as many random bytes as the largest response (hex
/// digits of md5 sums, which compression cannot shrink much), so a probe that commits says a
/// response of any accepted size can be stored too.
const PROBE: &str = "INSERT INTO probe (id, at, pad)
    SELECT 1, $1, string_agg(md5(random()::text), '') FROM generate_series(1, $2::int / 32)
    ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad";

/// The stored payloads of ids that the insert found already there.
const STORED: &str = "SELECT id, payload, status FROM responses WHERE id = ANY($1)";

/// The stored payload and status of one id (after a replace found it no longer partial).
const STORED_ONE: &str = "SELECT payload, status FROM responses WHERE id = $1";

/// The key of the advisory lock held while migrating ("eservqua" in ASCII).
const MIGRATION_LOCK: i64 = 0x6573_6572_7671_7561;

/// Waiting for a pooled connection, and making a new one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One statement (or one row of a scan); below the HTTP layer's 30 s request timeout.
const QUERY_TIMEOUT: Duration = Duration::from_secs(20);
/// The environment variable read when neither `--db` nor `--database-url` is given.
pub const URL_ENV: &str = "ESERVQUAL_DATABASE_URL";

/// Pool size when none is set.
pub const DEFAULT_POOL_SIZE: usize = 10;

static POOL_SIZE: AtomicUsize = AtomicUsize::new(DEFAULT_POOL_SIZE);

/// Sets the most connections one collector opens to PostgreSQL (`--pool-size`), before [`open`].
pub fn set_pool_size(n: usize) {
    POOL_SIZE.store(n.max(1), Ordering::Relaxed);
}

/// `postgres:` or `postgresql:` URLs are this backend's.
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("postgres:") || lower.starts_with("postgresql:")
}

/// The runtime the client and its connections run on (never dropped).
fn runtime() -> Result<&'static tokio::runtime::Runtime, StoreError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("eservqual-pg")
        .enable_all()
        .build()
        .map_err(|e| StoreError(format!("could not start the PostgreSQL client: {e}")))?;
    // Another thread may have won the race: its runtime is used and this one is dropped here.
    let _ = RUNTIME.set(rt);
    RUNTIME.get().ok_or_else(|| StoreError("could not start the PostgreSQL client".to_string()))
}

/// The URL split into what `tokio-postgres` parses and the TLS settings it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    /// The URL without `sslmode` and `sslrootcert`.
    url: String,
    sslmode: Option<String>,
    sslrootcert: Option<String>,
    /// The password as written in the URL and percent-decoded (to scrub it from messages).
    secrets: Vec<String>,
    /// `postgres://user@host:port/db`: no password, no query.
    shown: String,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_url(url: &str) -> Parsed {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut secrets = Vec::new();
    let shown_authority = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => match userinfo.split_once(':') {
            Some((user, password)) => {
                if !password.is_empty() {
                    secrets.push(password.to_string());
                    secrets.push(percent_decode(password));
                }
                format!("{user}@{hosts}")
            }
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let mut sslmode = None;
    let mut sslrootcert = None;
    let mut kept = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => sslmode = Some(percent_decode(v).to_ascii_lowercase()),
            "sslrootcert" => sslrootcert = Some(percent_decode(v)),
            "password" => {
                secrets.push(v.to_string());
                secrets.push(percent_decode(v));
                kept.push(pair);
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    secrets.retain(|s| !s.is_empty());
    Parsed { url, sslmode, sslrootcert, secrets, shown: format!("{scheme}://{shown_authority}{path}") }
}

/// `text` with every secret replaced.
fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
}

/// An error and its causes on one line (`tokio-postgres` keeps the detail in the sources).
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Accepts any server certificate (checking only the handshake's signatures): `sslmode=require`
/// and `prefer` encrypt without verifying, as libpq does.
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted root; the name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Whether every host of the configuration is this machine (loopback or a Unix socket).
fn local_only(config: &tokio_postgres::Config) -> bool {
    let hosts = config.get_hosts();
    !hosts.is_empty()
        && hosts.iter().all(|h| match h {
            Host::Tcp(name) => {
                let name = name.trim_start_matches('[').trim_end_matches(']');
                name.eq_ignore_ascii_case("localhost")
                    || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            #[cfg(unix)]
            Host::Unix(_) => true,
        })
}

/// The TLS mode and the client configuration for `sslmode` (and `sslrootcert`).
fn tls(parsed: &Parsed, config: &tokio_postgres::Config) -> Result<(SslMode, ClientConfig), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let mode = match parsed.sslmode.as_deref() {
        None if local_only(config) => "disable",
        None => "prefer",
        Some(m) => m,
    };
    let roots = || -> Result<Arc<RootCertStore>, String> {
        let mut store = RootCertStore::empty();
        match &parsed.sslrootcert {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| format!("sslrootcert {path}: {e}"))?;
                let (added, _) = store.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!("sslrootcert {path}: no usable certificate in the file"));
                }
            }
            None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok(Arc::new(store))
    };
    let unverified =
        || builder.clone().dangerous().with_custom_certificate_verifier(Arc::new(NoVerify(provider.clone())));
    let out = match mode {
        "disable" => (SslMode::Disable, unverified().with_no_client_auth()),
        "allow" | "prefer" => (SslMode::Prefer, unverified().with_no_client_auth()),
        "require" => (SslMode::Require, unverified().with_no_client_auth()),
        "verify-full" => (SslMode::Require, builder.clone().with_root_certificates(roots()?).with_no_client_auth()),
        "verify-ca" => {
            let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(roots()?, provider.clone())
                .build()
                .map_err(|e| format!("TLS: {e}"))?;
            let config = builder
                .clone()
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(verifier)))
                .with_no_client_auth();
            (SslMode::Require, config)
        }
        other => {
            return Err(format!("unknown sslmode '{other}': use disable, prefer, require, verify-ca or verify-full"))
        }
    };
    Ok(out)
}

/// Opens the database at `url` (a `postgres://` URL), waits until it answers and migrates it.
pub fn open(url: &str) -> Result<Arc<dyn Backend>, StoreError> {
    let parsed = parse_url(url);
    let fail = |m: String| StoreError(format!("{}: {}", parsed.shown, scrub(&m, &parsed.secrets)));
    let mut config: tokio_postgres::Config =
        parsed.url.parse().map_err(|e: tokio_postgres::Error| fail(format!("not a usable URL: {}", chain(&e))))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("eservqual");
    }
    let (mode, client_config) = tls(&parsed, &config).map_err(fail)?;
    config.ssl_mode(mode);
    let connector = tokio_postgres_rustls::MakeRustlsConnect::new(client_config);
    // Fast: a connection whose socket has closed is dropped when it comes back to the pool;
    // one that dies while lent fails its query (a 503 the client retries) and is dropped then.
    let manager = Manager::from_config(config, connector, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let rt = runtime()?;
    let pool = {
        let _guard = rt.enter();
        Pool::builder(manager)
            .max_size(POOL_SIZE.load(Ordering::Relaxed))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| fail(format!("could not make the connection pool: {e}")))?
    };
    let pg = Postgres {
        inner: Arc::new(Inner {
            pool,
            rt: rt.handle().clone(),
            shown: parsed.shown.clone(),
            secrets: parsed.secrets.clone(),
        }),
    };
    let mut client = pg.inner.get().map_err(|e| StoreError(format!("{}: cannot connect: {}", parsed.shown, e.0)))?;
    pg.inner
        .run(migrate(&mut client))
        .map_err(|e| StoreError(format!("{}: {}", parsed.shown, scrub(&e.0, &parsed.secrets))))?;
    Ok(Arc::new(pg))
}

/// Runs the migrations not yet applied, one collector at a time.
async fn migrate(client: &mut Object) -> Result<(), StoreError> {
    let e = |e: tokio_postgres::Error| StoreError(format!("migrating the database: {}", chain(&e)));
    let tx = client.transaction().await.map_err(e)?;
    // Held until commit: a second collector starting now waits here, then finds nothing to do.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(e)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .await
    .map_err(e)?;
    let version: i32 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).await.map_err(e)?.get(0);
    let known = MIGRATIONS.len() as i32;
    if version > known {
        return Err(StoreError(format!(
            "the database has schema version {version}, newer than this eservqual knows ({known}): upgrade eservqual"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.batch_execute(sql).await.map_err(e)?;
        if i + 1 == HAS_COMMENT_VERSION {
            backfill_comments(&tx).await.map_err(e)?;
        }
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(i as i32 + 1)]).await.map_err(e)?;
        tracing::info!(version = i + 1, "database migrated");
    }
    tx.commit().await.map_err(e)
}

/// The pool and the runtime it runs on; shared by the backend, the writer and the readers.
struct Inner {
    pool: Pool,
    rt: tokio::runtime::Handle,
    shown: String,
    secrets: Vec<String>,
}

impl Inner {
    /// Waits for `f` on the client's runtime (called from threads that may block).
    fn run<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Waits for `f` for at most [`QUERY_TIMEOUT`].
    fn bounded<F: Future>(&self, f: F) -> Result<F::Output, tokio::time::error::Elapsed> {
        // The timer is made inside, where the client's runtime is the current one.
        self.rt.block_on(async move { tokio::time::timeout(QUERY_TIMEOUT, f).await })
    }

    fn error(&self, what: &str, e: &dyn std::error::Error) -> StoreError {
        StoreError(scrub(&format!("postgres: {what}: {}", chain(e)), &self.secrets))
    }

    /// A connection from the pool (a new one when none is idle and the pool is not full).
    fn get(&self) -> Result<Object, StoreError> {
        self.run(self.pool.get()).map_err(|e| self.error("no connection to the database", &e))
    }

    /// The result of a transaction over `client` that [`Inner::bounded`] (or `Ok` of
    /// [`Inner::run`]) waited for; a broken connection is thrown away, not lent again.
    fn settle<T>(
        &self,
        client: Object,
        what: &str,
        outcome: Result<Result<T, tokio_postgres::Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, StoreError> {
        let (e, broken) = match outcome {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(e)) => (self.error(what, &e), e.as_db_error().is_none() || client.is_closed()),
            Err(_) => (StoreError(format!("postgres: {what}: no answer within {} s", QUERY_TIMEOUT.as_secs())), true),
        };
        if broken {
            drop(Object::take(client));
        }
        Err(e)
    }

    /// Waits for `query`, a statement over `client`, for at most [`QUERY_TIMEOUT`]. The flag
    /// says the connection is broken (closed, timed out), not only the statement refused.
    fn with<T>(
        &self,
        client: &Object,
        what: &str,
        query: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, (StoreError, bool)> {
        match self.bounded(query) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                let broken = e.as_db_error().is_none() || client.is_closed();
                Err((self.error(what, &e), broken))
            }
            Err(_) => {
                Err((StoreError(format!("postgres: {what}: no answer within {} s", QUERY_TIMEOUT.as_secs())), true))
            }
        }
    }
}

/// The PostgreSQL backend.
pub struct Postgres {
    inner: Arc<Inner>,
}

impl Backend for Postgres {
    fn writer(&self) -> Result<Box<dyn Writer>, StoreError> {
        // A connection per batch: a writer made while the database is down works once it is back.
        Ok(Box::new(PgWriter { inner: self.inner.clone() }))
    }

    fn reader(&self) -> Result<Box<dyn Reader>, StoreError> {
        let client = self.inner.get()?;
        Ok(Box::new(PgReader { inner: self.inner.clone(), client: Some(client), broken: AtomicBool::new(false) }))
    }

    fn outbox(&self) -> Result<Box<dyn Outbox>, StoreError> {
        Ok(Box::new(PgOutbox { inner: self.inner.clone() }))
    }

    fn describe(&self) -> String {
        format!("postgres {}", self.inner.shown)
    }
}

/// The outbox on PostgreSQL: a connection from the pool per call.
struct PgOutbox {
    inner: Arc<Inner>,
}

fn count_u32(n: i32) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn count_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Outbox for PgOutbox {
    fn enqueue(&mut self, events: &[OutboxEvent]) -> Result<usize, StoreError> {
        let mut client = self.inner.get()?;
        let c = &mut client;
        let query = async move {
            let tx = c.transaction().await?;
            let insert = tx.prepare_cached(OUTBOX_INSERT).await?;
            let mut new = 0;
            for e in events {
                new += tx.execute(&insert, &[&e.id, &e.webhook, &e.event_type, &e.body, &e.created_at]).await?;
            }
            tx.commit().await?;
            Ok(new as usize)
        };
        let outcome = self.inner.bounded(query);
        self.inner.settle(client, "writing webhook events", outcome)
    }

    fn claim(&mut self, webhook: &str, now: &str, lease_until: &str, limit: usize) -> Result<Vec<Claimed>, StoreError> {
        let client = self.inner.get()?;
        let c = &client;
        let limit = limit as i64;
        // SKIP LOCKED: rows another collector is claiming right now are left to it.
        let sql = outbox_claim_sql("FOR UPDATE SKIP LOCKED");
        let query = async move { c.query(&sql, &[&webhook, &now, &lease_until, &limit]).await };
        let outcome = self.inner.bounded(query);
        let rows = self.inner.settle(client, "claiming webhook events", outcome)?;
        Ok(rows
            .iter()
            .map(|r| Claimed {
                id: r.get(0),
                body: r.get(1),
                counted: count_u32(r.get(2)),
                attempts: count_u32(r.get(3)),
                first_attempt_at: r.get(4),
            })
            .collect())
    }

    fn settle(&mut self, id: &str, s: &Settled) -> Result<(), StoreError> {
        let client = self.inner.get()?;
        let c = &client;
        let (counted, attempts) = (count_i32(s.counted), count_i32(s.attempts));
        let query = async move {
            c.execute(
                OUTBOX_SETTLE,
                &[
                    &id,
                    &s.status,
                    &counted,
                    &attempts,
                    &s.last_status,
                    &s.first_attempt_at,
                    &s.next_attempt_at,
                    &s.delivered_at,
                ],
            )
            .await
        };
        let outcome = self.inner.bounded(query);
        self.inner.settle(client, "recording a webhook attempt", outcome).map(|_| ())
    }

    fn deliveries(&mut self, status: Option<&str>, limit: usize, offset: usize) -> Result<Vec<Delivery>, StoreError> {
        let client = self.inner.get()?;
        let c = &client;
        let (limit, offset) = (limit as i64, offset as i64);
        let query = async move { c.query(OUTBOX_LIST, &[&status, &limit, &offset]).await };
        let outcome = self.inner.bounded(query);
        let rows = self.inner.settle(client, "listing webhook deliveries", outcome)?;
        Ok(rows
            .iter()
            .map(|r| {
                let status: String = r.get(3);
                let next: String = r.get(7);
                Delivery {
                    id: r.get(0),
                    webhook: r.get(1),
                    event_type: r.get(2),
                    attempts: count_u32(r.get(4)),
                    last_status: r.get(5),
                    created_at: r.get(6),
                    next_attempt_at: (status == "pending").then_some(next),
                    delivered_at: r.get(8),
                    status,
                }
            })
            .collect())
    }

    fn counts(&mut self) -> Result<DeliveryCounts, StoreError> {
        let client = self.inner.get()?;
        let c = &client;
        let query = async move { c.query(OUTBOX_COUNTS, &[]).await };
        let outcome = self.inner.bounded(query);
        let rows = self.inner.settle(client, "counting webhook deliveries", outcome)?;
        let mut counts = DeliveryCounts::default();
        for r in &rows {
            counts.add(r.get(0), r.get(1));
        }
        Ok(counts)
    }

    fn forms(&mut self, from: &str, to: &str) -> Result<Vec<(String, String, String)>, StoreError> {
        let client = self.inner.get()?;
        let c = &client;
        let query = async move { c.query(FORMS_IN, &[&from, &to]).await };
        let outcome = self.inner.bounded(query);
        let rows = self.inner.settle(client, "listing the forms of a week", outcome)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }
}

/// One statement for a whole batch: the rows in id order (so two collectors inserting
/// overlapping batches take the key locks in the same order), the new ones returned.
const INSERT: &str = "INSERT INTO responses
    (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload, has_comment, status)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[],
            $9::bool[], $10::text[])
        AS t (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload, has_comment,
            status)
    ORDER BY id
    ON CONFLICT (id) DO NOTHING
    RETURNING id";

struct PgWriter {
    inner: Arc<Inner>,
}

impl Writer for PgWriter {
    fn probe(&mut self) -> Result<(), StoreError> {
        self.write_probe()
    }

    fn insert_batch(&mut self, rows: &[NewRow]) -> Result<Vec<Stored>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let col = |f: fn(&NewRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
        let ids = col(|r| &r.id);
        let instruments = col(|r| &r.instrument);
        let formats = col(|r| &r.format);
        let dimensions = col(|r| &r.dimensions);
        let submitted = col(|r| &r.submitted_at);
        let received = col(|r| &r.received_at);
        let mismatch: Vec<bool> = rows.iter().map(|r| r.scores_mismatch).collect();
        let payloads = col(|r| &r.payload);
        let commented: Vec<bool> = rows.iter().map(|r| r.has_comment).collect();
        let statuses: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
        let params: [&(dyn ToSql + Sync); 10] = [
            &ids,
            &instruments,
            &formats,
            &dimensions,
            &submitted,
            &received,
            &mismatch,
            &payloads,
            &commented,
            &statuses,
        ];
        let mut client = self.inner.get()?;
        let c = &mut client;
        // One transaction: the responses and the summaries they change, committed (and, with
        // synchronous_commit on, flushed) before the answer comes back, so nothing is
        // acknowledged before its commit.
        let query = async move {
            let tx = c.transaction().await?;
            let stmt = tx.prepare_cached(INSERT).await?;
            let returned = tx.query(&stmt, &params).await?;
            let mut fresh: HashSet<String> = returned.iter().map(|r| r.get::<_, String>(0)).collect();
            // Ids already there (a retry, another collector, or another body under a stored
            // id): their stored payloads tell a repeat from a different response.
            let repeated: Vec<&str> = rows.iter().map(|r| r.id.as_str()).filter(|id| !fresh.contains(*id)).collect();
            let mut before: std::collections::HashMap<String, (String, String)> = std::collections::HashMap::new();
            if !repeated.is_empty() {
                for row in tx.query(STORED, &[&repeated]).await? {
                    before.insert(row.get::<_, String>(0), (row.get::<_, String>(1), row.get::<_, String>(2)));
                }
            }
            // A batch may hold one id twice (two requests at once): the first is the one
            // inserted, and the later ones compare with it (or replace it, when it is partial).
            let mut stored: Vec<Stored> = Vec::with_capacity(rows.len());
            for r in rows {
                let done = if fresh.remove(&r.id) {
                    Stored::New
                } else {
                    let mut outcome = Stored::Different;
                    // At most twice: a replace that finds the id no longer partial (another
                    // collector's complete response committed meanwhile) reads it again.
                    for _ in 0..2 {
                        let Some((payload, status)) = before.get(&r.id) else { break };
                        outcome = match on_repeat(payload, status, r) {
                            Repeat::Keep(s) => s,
                            Repeat::Replace => {
                                let args: [&(dyn ToSql + Sync); 10] = [
                                    &r.id,
                                    &r.instrument,
                                    &r.format,
                                    &r.dimensions,
                                    &r.submitted_at,
                                    &r.received_at,
                                    &r.scores_mismatch,
                                    &r.payload,
                                    &r.has_comment,
                                    &r.status.as_str(),
                                ];
                                if tx.execute(REPLACE_PARTIAL, &args).await? == 1 {
                                    Stored::Replaced
                                } else {
                                    let row = tx.query_one(STORED_ONE, &[&r.id]).await?;
                                    before.insert(r.id.clone(), (row.get(0), row.get(1)));
                                    continue;
                                }
                            }
                        };
                        break;
                    }
                    outcome
                };
                if done.written() {
                    before.insert(r.id.clone(), (r.payload.clone(), r.status.as_str().to_string()));
                }
                stored.push(done);
            }
            let keys = if stored.iter().any(|s| s.written()) {
                // The lock every write of a summary takes anyway, taken first: a rebuild (which
                // may change the keys) has committed before the keys are read, or starts after
                // this commits.
                tx.batch_execute("LOCK TABLE summaries IN ROW EXCLUSIVE MODE").await?;
                let keys: Option<String> = tx.query_opt(SEGMENT_KEYS, &[]).await?.map(|r| r.get(0));
                summaries::keys_of(keys.as_deref().unwrap_or(""))
            } else {
                Vec::new()
            };
            update_summaries(&tx, &summaries::group(rows, &stored, &keys)).await?;
            // The events of the responses written (new, or in place of a partial) only, in this
            // same transaction; a partial carries none.
            let events: Vec<&OutboxEvent> =
                rows.iter().zip(&stored).filter(|(_, s)| s.written()).flat_map(|(r, _)| r.events.iter()).collect();
            if !events.is_empty() {
                let insert = tx.prepare_cached(OUTBOX_INSERT).await?;
                for e in events {
                    tx.execute(&insert, &[&e.id, &e.webhook, &e.event_type, &e.body, &e.created_at]).await?;
                }
            }
            tx.commit().await?;
            Ok(stored)
        };
        let outcome = self.inner.bounded(query);
        self.inner.settle(client, "storing responses", outcome)
    }

    fn rebuild_summaries(&mut self, rebuild: &mut Rebuild<'_>) -> Result<(), StoreError> {
        let mut client = self.inner.get()?;
        let c = &mut client;
        let query = async move {
            let tx = c.transaction().await?;
            // Collectors storing now wait here before they touch a summary; those that
            // committed before are in the scan below, those after add to the rebuilt rows.
            tx.batch_execute("LOCK TABLE summaries IN SHARE ROW EXCLUSIVE MODE; DELETE FROM summaries").await?;
            let stream = tx.query_raw(REBUILD_SCAN, std::iter::empty::<&(dyn ToSql + Sync)>()).await?;
            let mut stream = std::pin::pin!(stream);
            while let Some(row) = stream.next().await {
                let row = row?;
                let payload: &str = row.try_get(0)?;
                let scores_mismatch: bool = row.try_get(1)?;
                let submitted_at: &str = row.try_get(2)?;
                rebuild.add(Row { payload, scores_mismatch }, submitted_at);
            }
            update_summaries(&tx, rebuild.pending()).await?;
            let keys = rebuild.keys_text();
            tx.execute("UPDATE summary_state SET complete = true, segment_keys = $1 WHERE id = 1", &[&keys]).await?;
            tx.commit().await
        };
        let outcome = Ok(self.inner.run(query));
        self.inner.settle(client, "rebuilding the summaries", outcome)
    }
}

/// Adds `pending` to the summary rows within `tx`, in key order: each is inserted, or (when it
/// exists, or another collector inserted it first) locked, read, merged and written back.
async fn update_summaries(
    tx: &deadpool_postgres::Transaction<'_>,
    pending: &std::collections::BTreeMap<Key, Pending>,
) -> Result<(), tokio_postgres::Error> {
    if pending.is_empty() {
        return Ok(());
    }
    let insert = tx.prepare_cached(SUMMARY_INSERT).await?;
    let select = tx.prepare_cached(&format!("SELECT summary FROM summaries WHERE {SUMMARY_KEY} FOR UPDATE")).await?;
    let update = tx
        .prepare_cached(&format!(
            "UPDATE summaries SET responses = responses + $7, flagged = flagged + $8, summary = $9 WHERE {SUMMARY_KEY}"
        ))
        .await?;
    for (k, p) in pending {
        let (n, f) = (p.responses as i64, p.flagged as i64);
        let text = p.summary.to_json();
        let key: [&(dyn ToSql + Sync); 6] =
            [&k.instrument, &k.format, &k.dimensions, &k.day, &k.fingerprint, &k.segment];
        let new: [&(dyn ToSql + Sync); 9] =
            [&k.instrument, &k.format, &k.dimensions, &k.day, &k.fingerprint, &k.segment, &n, &f, &Some(text)];
        if tx.execute(&insert, &new).await? == 1 {
            continue;
        }
        let stored: Option<String> = tx.query_one(&select, &key).await?.get(0);
        let merged = summaries::fold(&k.day, stored.as_deref(), p);
        let args: [&(dyn ToSql + Sync); 9] =
            [&k.instrument, &k.format, &k.dimensions, &k.day, &k.fingerprint, &k.segment, &n, &f, &merged];
        tx.execute(&update, &args).await?;
    }
    Ok(())
}

impl PgWriter {
    /// Commits the probe row (autocommit), throwing the connection away when it broke.
    fn write_probe(&mut self) -> Result<(), StoreError> {
        let client = self.inner.get()?;
        let at = super::ingest::utc_text(jiff::Timestamp::now());
        let bytes = PROBE_BYTES as i32;
        let c = &client;
        let query = async move { c.execute(PROBE, &[&at, &bytes]).await };
        match self.inner.with(&client, "the write probe", query) {
            Ok(_) => Ok(()),
            Err((e, broken)) => {
                if broken {
                    drop(Object::take(client));
                }
                Err(e)
            }
        }
    }
}

struct PgReader {
    inner: Arc<Inner>,
    /// `Some` until dropped.
    client: Option<Object>,
    /// A statement failed other than by a database error: the connection is not lent again.
    broken: AtomicBool,
}

impl PgReader {
    fn client(&self) -> Result<&Object, StoreError> {
        self.client.as_ref().ok_or_else(|| StoreError("postgres: the connection is gone".to_string()))
    }

    /// Waits for `query` over this reader's connection, noting a broken connection.
    fn with<T>(
        &self,
        what: &str,
        query: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        self.inner.with(self.client()?, what, query).map_err(|(e, broken)| {
            if broken {
                self.broken.store(true, Ordering::Relaxed);
            }
            e
        })
    }
}

impl Drop for PgReader {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            if self.broken.load(Ordering::Relaxed) {
                drop(Object::take(client));
            }
        }
    }
}

fn params(args: &[String]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

impl Reader for PgReader {
    fn ping(&self) -> Result<(), StoreError> {
        // Touches the table, not only the connection; at most one row is read.
        let client = self.client()?;
        let n = self.with("health check", async {
            let row = client.query_one("SELECT COUNT(*) FROM (SELECT 1 FROM responses LIMIT 1) AS t", &[]).await?;
            Ok(row.get::<_, i64>(0))
        })?;
        if (0..=1).contains(&n) {
            Ok(())
        } else {
            Err(StoreError("postgres: the database gave a wrong answer".to_string()))
        }
    }

    fn count(&self, filter: &Filter) -> Result<u64, StoreError> {
        let (sql, args) = filter_sql(filter, '$');
        let sql = format!("SELECT COUNT(*) FROM responses{sql}");
        let client = self.client()?;
        let n = self.with("counting responses", async {
            let row = client.query_one(sql.as_str(), &params(&args)).await?;
            Ok(row.get::<_, i64>(0))
        })?;
        Ok(n.max(0) as u64)
    }

    fn scan(&self, filter: &Filter, each: &mut dyn FnMut(Row<'_>) -> bool) -> Result<(), StoreError> {
        let (sql, args) = filter_sql(filter, '$');
        let sql = format!("SELECT payload, scores_mismatch FROM responses{sql} ORDER BY received_at, id");
        let client = self.client()?;
        let stream = self.with("reading responses", client.query_raw(sql.as_str(), params(&args)))?;
        let mut stream = std::pin::pin!(stream);
        // One row at a time: `each` may block (a streamed export waiting for its client), so it
        // runs between waits on the runtime, never inside one.
        loop {
            let next = self.inner.bounded(stream.next());
            let row = match next {
                Ok(Some(Ok(row))) => row,
                Ok(None) => return Ok(()),
                Ok(Some(Err(e))) => {
                    if e.as_db_error().is_none() {
                        self.broken.store(true, Ordering::Relaxed);
                    }
                    return Err(self.inner.error("reading responses", &e));
                }
                Err(_) => {
                    self.broken.store(true, Ordering::Relaxed);
                    return Err(StoreError(format!(
                        "postgres: reading responses: no answer within {} s",
                        QUERY_TIMEOUT.as_secs()
                    )));
                }
            };
            let payload: &str = row.try_get(0).map_err(|e| self.inner.error("a stored payload", &e))?;
            let scores_mismatch: bool = row.try_get(1).map_err(|e| self.inner.error("a stored flag", &e))?;
            if !each(Row { payload, scores_mismatch }) {
                return Ok(());
            }
        }
    }

    fn summaries(
        &self,
        filter: &Filter,
        days: &(Option<String>, Option<String>),
        segment: Option<&str>,
    ) -> Result<Option<Vec<StoredSummary>>, StoreError> {
        let (mut sql, mut args) = where_sql(&summary_conditions(filter, days), '$');
        sql.push_str(&segment_condition(segment, &mut args, '$', sql.is_empty()));
        let sql = format!(
            "SELECT day, fingerprint, responses, flagged, summary, segment FROM summaries{sql} ORDER BY day, fingerprint, segment"
        );
        let client = self.client()?;
        self.with("reading summaries", async {
            let state = client.query_opt("SELECT complete, segment_keys FROM summary_state WHERE id = 1", &[]).await?;
            let Some(state) = state.filter(|r| r.get::<_, bool>(0)) else { return Ok(None) };
            let keys = summaries::keys_of(state.get(1));
            if segment.is_some_and(|k| !keys.iter().any(|s| s == k)) {
                return Ok(None);
            }
            let rows = client.query(sql.as_str(), &params(&args)).await?;
            Ok(Some(
                rows.iter()
                    .map(|r| StoredSummary {
                        day: r.get(0),
                        fingerprint: r.get(1),
                        responses: r.get::<_, i64>(2).max(0) as u64,
                        flagged: r.get::<_, i64>(3).max(0) as u64,
                        summary: r.get(4),
                        segment: r.get(5),
                    })
                    .collect(),
            ))
        })
    }

    fn segment_keys(&self) -> Result<String, StoreError> {
        let client = self.client()?;
        self.with("reading the segment keys of the summaries", async {
            Ok(client.query_opt(SEGMENT_KEYS, &[]).await?.map(|r| r.get::<_, String>(0)).unwrap_or_default())
        })
    }

    fn comments(
        &self,
        filter: &Filter,
        before: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let (sql, args) = comments_sql(filter, before, limit, '$');
        let client = self.client()?;
        self.with("reading comments", async {
            let rows = client.query(sql.as_str(), &params(&args)).await?;
            Ok(rows.iter().map(|r| StoredComment { id: r.get(0), submitted_at: r.get(1), payload: r.get(2) }).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_and_shown_without_the_password() {
        let p = parse_url("postgres://app:s%40cret@db.example:5433/eservqual?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3");
        assert_eq!(p.url, "postgres://app:s%40cret@db.example:5433/eservqual?connect_timeout=3");
        assert_eq!(p.sslmode.as_deref(), Some("verify-full"));
        assert_eq!(p.sslrootcert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(p.shown, "postgres://app@db.example:5433/eservqual");
        assert_eq!(scrub("bad s@cret and s%40cret", &p.secrets), "bad *** and ***");
        let p = parse_url("postgresql://app@127.0.0.1/x");
        assert_eq!(
            (p.url.as_str(), p.shown.as_str(), p.secrets.len()),
            ("postgresql://app@127.0.0.1/x", "postgresql://app@127.0.0.1/x", 0)
        );
    }

    #[test]
    fn tls_is_off_on_loopback_and_preferred_elsewhere() {
        let mode = |url: &str| {
            let p = parse_url(url);
            let config: tokio_postgres::Config = p.url.parse().expect("a URL");
            tls(&p, &config).map(|(m, _)| m)
        };
        assert!(matches!(mode("postgres://u@127.0.0.1:5432/x"), Ok(SslMode::Disable)));
        assert!(matches!(mode("postgres://u@localhost/x"), Ok(SslMode::Disable)));
        assert!(matches!(mode("postgres://u@[::1]:5432/x"), Ok(SslMode::Disable)));
        assert!(matches!(mode("postgres://u@db.example/x"), Ok(SslMode::Prefer)));
        assert!(matches!(mode("postgres://u@db.example/x?sslmode=disable"), Ok(SslMode::Disable)));
        assert!(matches!(mode("postgres://u@127.0.0.1/x?sslmode=require"), Ok(SslMode::Require)));
        assert!(matches!(mode("postgres://u@db.example/x?sslmode=verify-full"), Ok(SslMode::Require)));
        assert!(matches!(mode("postgres://u@db.example/x?sslmode=verify-ca"), Ok(SslMode::Require)));
        assert!(mode("postgres://u@db.example/x?sslmode=sometimes").is_err_and(|e| e.contains("unknown sslmode")));
        assert!(mode("postgres://u@db.example/x?sslmode=verify-full&sslrootcert=/nonexistent.pem")
            .is_err_and(|e| e.contains("sslrootcert")));
    }

    #[test]
    fn a_refused_connection_names_the_url_without_its_password() {
        // Port 1 on loopback: refused at once.
        let err = open("postgres://app:hunter2secret@127.0.0.1:1/x").err().expect("an error");
        assert!(!err.0.contains("hunter2secret"), "{err}");
        assert!(err.0.contains("postgres://app@127.0.0.1:1/x"), "{err}");
        let err = open("postgres://app:hunter2secret@127.0.0.1:notaport/x").err().expect("an error");
        assert!(!err.0.contains("hunter2secret"), "{err}");
    }
}
