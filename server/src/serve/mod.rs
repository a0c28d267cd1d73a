//! `eservqual serve`, the reference collector: reads the options, opens the store, seeds it
//! when asked, and runs the HTTP server until SIGINT/SIGTERM, draining requests in flight.

pub mod alerts;
pub mod api_error;
pub mod auth;
pub mod database;
pub mod export;
pub mod files;
pub mod http;
pub mod ingest;
pub mod limit;
pub mod net;
pub mod pg;
pub mod proxy;
pub mod rows;
pub mod seed;
pub mod store;
pub mod summaries;
pub mod webhooks;
pub mod writer;

use crate::cli::ServeArgs;
use crate::error::{path_name, Error};
use database::Location;
use eservqual_core::{Instrument, Registry};
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::Filter;

fn arg_error(field: &str, message: impl Into<String>) -> Error {
    Error::input(None, None, field, message)
}

/// A duration option in seconds: positive and at most a day.
fn seconds(flag: &str, value: f64) -> Result<Duration, Error> {
    if !(value.is_finite() && value > 0.0 && value <= 86_400.0) {
        return Err(arg_error(flag, format!("{value}: give a number of seconds above 0 and at most 86400")));
    }
    Ok(Duration::from_secs_f64(value))
}

/// A count option: from 1 to a million.
fn count(flag: &str, value: usize) -> Result<usize, Error> {
    if !(1..=1_000_000).contains(&value) {
        return Err(arg_error(flag, format!("{value}: give a number from 1 to 1000000")));
    }
    Ok(value)
}

/// The registry: built-ins plus each `--instrument` file.
fn registry(paths: &[PathBuf]) -> Result<Registry, Error> {
    let mut registry = Registry::builtin();
    for path in paths {
        let name = path_name(path);
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(Some(&name), &e))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::input(Some(&name), Some(e.line() as u64), "", format!("not JSON: {e}")))?;
        let instrument = Instrument::from_json_value(value).map_err(|e| Error::core(Some(&name), None, &e))?;
        registry.add(instrument).map_err(|e| Error::core(Some(&name), None, &e))?;
    }
    Ok(registry)
}

/// `--allow-origin` values, checked to be bare origins (`scheme://host[:port]`).
fn origins(list: &[String]) -> Result<HashSet<String>, Error> {
    let mut out = HashSet::new();
    for raw in list {
        let o = http::normal_origin(raw);
        let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', '@', ' ', '*']));
        if !ok {
            return Err(arg_error(
                "--allow-origin",
                format!(
                    "'{raw}' is not an origin: give scheme://host[:port] such as https://shop.example, without a path"
                ),
            ));
        }
        out.insert(o);
    }
    Ok(out)
}

/// The public static folder (`--www` only: without it no static file is served) and the
/// dashboard's folder (`dashboard/` of `--www`, else of `./www`, else of the repository's
/// `www/` beside this crate), both canonical.
fn www_dirs(flag: Option<&PathBuf>) -> Result<(Option<PathBuf>, Option<PathBuf>), Error> {
    if let Some(dir) = flag {
        let dir = dir
            .canonicalize()
            .ok()
            .filter(|d| d.is_dir())
            .ok_or_else(|| arg_error("--www", format!("{} is not a folder", dir.display())))?;
        let dashboard = dir.join("dashboard").canonicalize().ok().filter(|d| d.is_dir());
        return Ok((Some(dir), dashboard));
    }
    let repo = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/dashboard"));
    let dashboard =
        [PathBuf::from("www/dashboard"), repo].into_iter().find_map(|d| d.canonicalize().ok().filter(|d| d.is_dir()));
    Ok((None, dashboard))
}

/// The webhooks of `--webhook`, with the secret of `--webhook-secret-file` or
/// `ESERVQUAL_WEBHOOK_SECRET` (required when a webhook is given: every request is signed).
fn webhook_config(args: &ServeArgs) -> Result<webhooks::Config, Error> {
    let default_format = webhooks::BodyFormat::parse(&args.alert_format).map_err(|m| arg_error("--alert-format", m))?;
    let hooks = args
        .webhooks
        .iter()
        .map(|spec| webhooks::Webhook::parse(spec, default_format))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| arg_error("--webhook", m))?;
    let secret_text = match &args.webhook_secret_file {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| Error::io(Some(&path_name(path)), &e))?),
        None => std::env::var(webhooks::SECRET_ENV).ok().filter(|s| !s.trim().is_empty()),
    };
    let flag = if args.webhook_secret_file.is_some() { "--webhook-secret-file" } else { webhooks::SECRET_ENV };
    let secret = secret_text.map(|t| webhooks::Secret::parse(&t)).transpose().map_err(|m| arg_error(flag, m))?;
    if !hooks.is_empty() && secret.is_none() {
        return Err(arg_error(
            "--webhook",
            format!("webhooks are signed: give --webhook-secret-file FILE or set {}", webhooks::SECRET_ENV),
        ));
    }
    if !(args.webhook_retry_scale.is_finite() && args.webhook_retry_scale >= 0.0) {
        return Err(arg_error("--webhook-retry-scale", "give a number of 0 or more"));
    }
    Ok(webhooks::Config {
        hooks,
        secret,
        timeout: seconds("--webhook-timeout", args.webhook_timeout)?,
        retry_scale: args.webhook_retry_scale,
    })
}

/// Opens the store: --database-url, else --db, else ESERVQUAL_DATABASE_URL, else eservqual.db.
fn open_store(db: Option<&PathBuf>, url: Option<&String>) -> Result<Arc<dyn store::Backend>, Error> {
    let env_url = std::env::var(pg::URL_ENV).ok().filter(|u| !u.trim().is_empty());
    let location = match (db, url, env_url) {
        (_, Some(url), _) => Location::Url(url.clone()),
        (Some(path), None, _) => Location::Sqlite(path.clone()),
        (None, None, Some(url)) => Location::Url(url),
        (None, None, None) => Location::Sqlite(PathBuf::from("eservqual.db")),
    };
    database::open(&location).map_err(|e| {
        if matches!(location, Location::Url(_)) {
            arg_error("--database-url", e.0)
        } else {
            Error::Io { file: None, message: e.0 }
        }
    })
}

/// `eservqual summaries rebuild`: recomputes every summary from the stored payloads in one
/// transaction and prints one line saying what it did.
pub fn rebuild_summaries(args: &crate::cli::RebuildArgs, mut out: impl Write) -> Result<(), Error> {
    let given = args.segments.as_deref().map(segment_keys).transpose()?;
    let args = &args.store;
    let registry = registry(&args.instruments)?;
    let backend = open_store(args.db.as_ref(), args.database_url.as_ref())?;
    let io = |e: store::StoreError| Error::Io { file: None, message: e.0 };
    let keys = match given {
        Some(keys) => keys,
        None => summaries::keys_of(&backend.reader().and_then(|r| r.segment_keys()).map_err(io)?),
    };
    let mut rebuild = summaries::Rebuild::new(&registry, &keys);
    backend.writer().and_then(|mut w| w.rebuild_summaries(&mut rebuild)).map_err(io)?;
    let mut line = format!(
        "eservqual summaries: rebuilt {} summary rows from {} stored responses in {}",
        rebuild.pending().len(),
        rebuild.responses,
        backend.describe()
    );
    if !keys.is_empty() {
        line.push_str(&format!(" (segments of {})", rebuild.keys_text().replace(',', ", ")));
    }
    if rebuild.skipped > 0 {
        line.push_str(&format!(
            "; {} stored payloads no longer valid (a custom instrument not given with --instrument?) left out",
            rebuild.skipped
        ));
    }
    writeln!(out, "{line}").map_err(|e| Error::io(None, &e))
}

/// The keys of `--segment` trimmed, without empty ones or repeats (in the order given); a key
/// with `=` is refused (the summaries' `segment` column is `KEY=VALUE`).
pub fn segment_keys(given: &[String]) -> Result<Vec<String>, Error> {
    let mut keys: Vec<String> = Vec::new();
    for k in given.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        if k.contains('=') {
            return Err(arg_error("--segment", format!("'{k}': a meta key without '='")));
        }
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    Ok(keys)
}

/// Rebuilds the summaries when the segment keys of this collector are not those they were made
/// with (so that `by=meta.KEY` reads them): a first start with `--segment`, or new keys.
fn match_segment_keys(backend: &dyn store::Backend, registry: &Registry, keys: &[String]) -> Result<(), Error> {
    let io = |e: store::StoreError| Error::Io { file: None, message: e.0 };
    let stored = backend.reader().and_then(|r| r.segment_keys()).map_err(io)?;
    let wanted = summaries::keys_text(keys);
    if stored == wanted {
        return Ok(());
    }
    tracing::info!(stored = %stored, segment = %wanted, "the summaries were made with other segment keys: rebuilding them");
    let mut rebuild = summaries::Rebuild::new(registry, keys);
    backend.writer().and_then(|mut w| w.rebuild_summaries(&mut rebuild)).map_err(io)?;
    tracing::info!(rows = rebuild.pending().len(), responses = rebuild.responses, "summaries rebuilt");
    Ok(())
}

/// Rows of `--seed` committed per transaction.
const SEED_CHUNK: usize = 2000;

/// Writes `n` synthetic responses into an empty store (nothing when it already has data).
fn seed_store(n: u32, backend: &dyn store::Backend, checker: &ingest::Checker) -> Result<u64, Error> {
    let io = |e: store::StoreError| Error::Io { file: None, message: e.0 };
    if n == 0 || backend.reader().and_then(|r| r.count(&Filter::default())).map_err(io)? > 0 {
        return Ok(0);
    }
    let now = jiff::Timestamp::now();
    let seed_error = |m| Error::Io { file: None, message: format!("--seed: {m}") };
    let mut payloads = seed::payloads(n, now, now.as_second().unsigned_abs(), &checker.registry).map_err(seed_error)?;
    // Made, checked and stored a chunk at a time (one transaction each: a large seed is one
    // statement per chunk, well within the statement timeout of PostgreSQL), so a seed of
    // millions never holds more than one chunk of payloads in memory.
    let mut writer = backend.writer().map_err(io)?;
    let mut new = 0;
    let mut chunk = Vec::with_capacity(SEED_CHUNK);
    loop {
        chunk.clear();
        for made in payloads.by_ref().take(SEED_CHUNK) {
            let (text, received) = made.map_err(seed_error)?;
            // The same checks as a POST: a seeded response is one the collector would accept.
            let row = checker.check(text.as_bytes(), &ingest::utc_text(received)).map_err(|r| Error::Io {
                file: None,
                message: format!("--seed made an invalid payload: {}: {}", r.field(), r.message()),
            })?;
            chunk.push(row);
        }
        if chunk.is_empty() {
            break;
        }
        let stored = writer.insert_batch(&chunk).map_err(io)?;
        new += stored.iter().filter(|&&s| s == store::Stored::New).count() as u64;
    }
    Ok(new)
}

/// Checks the last completed ISO week for alerts at start and then hourly: the first check
/// after a week ends sends its alerts; the later ones (and those of other collectors on the same
/// database) find their events written already, as the ids are derived from week and form.
async fn alert_timer(app: Arc<http::App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let app = app.clone();
        let monday = alerts::last_completed(jiff::Timestamp::now());
        let checked = tokio::task::spawn_blocking(move || {
            alerts::check(app.backend.as_ref(), &app.checker.registry, &app.webhooks, monday)
        })
        .await;
        match checked {
            Ok(Ok(c)) if c.new_events > 0 => {
                tracing::info!(week = %c.week, alerts = c.alerts.len(), events = c.new_events, "weekly alerts written")
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the weekly alert check failed"),
            Err(e) => tracing::warn!(error = %e, "the weekly alert check failed"),
        }
    }
}

/// Resolves when SIGINT or SIGTERM arrives.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// `eservqual serve`.
pub fn run(args: &ServeArgs) -> Result<(), Error> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ESERVQUAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to stderr; stdout carries only the startup lines (address, dashboard URL).
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Io { file: None, message: format!("could not start the runtime: {e}") })?;
    // Over a file-size limit the kernel sends SIGXFSZ, whose default kills the process: with a
    // handler the write fails instead (EFBIG), like on a full disk, and the collector says so.
    #[cfg(unix)]
    let _xfsz = runtime
        .block_on(async { tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGXFSZ)).ok() });
    let registry = registry(&args.instruments)?;
    let origins = origins(&args.allow_origin)?;
    let token = auth::Token::resolve(
        args.admin_token.as_deref(),
        args.admin_token_file.as_deref(),
        std::env::var(auth::ENV).ok(),
    )
    .map_err(|m| arg_error(if args.admin_token_file.is_some() { "--admin-token-file" } else { "--admin-token" }, m))?;
    let limiter = limit::Limiter::new(args.rate_limit, args.rate_burst).map_err(|m| arg_error("--rate-limit", m))?;
    let (www, dashboard) = www_dirs(args.www.as_ref())?;
    let segments = segment_keys(&args.segments)?;
    let webhooks = Arc::new(webhook_config(args)?);
    let proxies = Arc::new(proxy::Proxies::parse(&args.trust_proxy).map_err(|m| arg_error("--trust-proxy", m))?);
    let request_timeout = seconds("--request-timeout", args.request_timeout)?;
    let limits = net::Limits {
        header_timeout: seconds("--header-timeout", args.header_timeout)?,
        max_connections: count("--max-connections", args.max_connections)?,
        max_per_address: count("--max-connections-per-ip", args.max_connections_per_ip)?,
    };
    if let Some(n) = args.pool_size {
        pg::set_pool_size(usize::from(n));
    }
    let backend = open_store(args.db.as_ref(), args.database_url.as_ref())?;
    let checker = ingest::Checker::new(registry).map_err(|m| Error::Io { file: None, message: m })?;
    match_segment_keys(backend.as_ref(), &checker.registry, &segments)?;
    let seeded = seed_store(args.seed, backend.as_ref(), &checker)?;

    // A database this process cannot write is refused now, not at the first POST.
    let mut writer_conn = backend.writer().map_err(|e| Error::Io { file: None, message: e.0 })?;
    writer_conn.probe().map_err(|e| Error::Io {
        file: None,
        message: format!("{}: the database cannot be written: {e}", backend.describe()),
    })?;
    let (writer, writer_thread) = writer::start(writer_conn).map_err(|e| Error::io(None, &e))?;
    // Bound here, before the handlers' state is made, so the collector knows its own origin.
    let listener = std::net::TcpListener::bind(args.addr)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| Error::Io { file: None, message: format!("cannot listen on {}: {e}", args.addr) })?;
    let local = listener.local_addr().map_err(|e| Error::io(None, &e))?;
    let mut own_origins = HashSet::from([format!("http://{local}")]);
    if local.ip().is_loopback() {
        own_origins.insert(format!("http://localhost:{}", local.port()));
    }
    let app = Arc::new(http::App {
        checker,
        writer,
        backend: backend.clone(),
        admin: auth::Admin::new(token),
        limiter,
        origins,
        own_origins,
        proxies: proxies.clone(),
        www,
        dashboard,
        request_timeout,
        segments,
        webhooks: webhooks.clone(),
    });

    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| Error::io(None, &e))?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "eservqual serve: listening on http://{local} ({})", backend.describe());
            if seeded > 0 {
                let _ = writeln!(out, "seeded {seeded} synthetic responses");
            }
            if app.admin.token.generated {
                // Shown once, here only: for the API and for new dashboard URLs (POST /v1/session).
                let _ = writeln!(out, "admin token (generated for this run): {}", app.admin.token.reveal());
            }
            // A one-time URL: a code to exchange for a session (never the token).
            match app.admin.new_code() {
                Ok(code) => {
                    let minutes = auth::CODE_LIFETIME.as_secs() / 60;
                    let _ = writeln!(
                        out,
                        "dashboard: http://{local}/dashboard?code={code} (one-time, for {minutes} minutes)"
                    );
                }
                Err(m) => {
                    let _ = writeln!(out, "dashboard: http://{local}/dashboard (no one-time URL: {m})");
                }
            }
            let _ = out.flush();
        }
        webhooks::start(webhooks.clone(), backend.clone());
        if webhooks.hooks.iter().any(|h| h.alerts) {
            tokio::spawn(alert_timer(app.clone()));
        }
        if let Some(limiter_app) = app.limiter.as_ref().map(|_| app.clone()) {
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    if let Some(l) = &limiter_app.limiter {
                        l.forget_idle();
                    }
                }
            });
        }
        // A trusted proxy carries many clients: the per-address cap does not apply to it.
        net::serve(listener, http::router(app.clone()), limits, move |ip| proxies.trusts(ip), shutdown_signal()).await;
        Ok(())
    });
    // Dropping the runtime stops the clean-up task; then the last handle of the writer goes and
    // its thread ends after committing what it holds.
    runtime.shutdown_timeout(Duration::from_secs(10));
    drop(app);
    let _ = writer_thread.join();
    result
}
