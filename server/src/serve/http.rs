//! The HTTP layer: routes of docs/interfaces.md "Collector HTTP API", JSON errors, the origin guard
//! and CORS, body limit, timeouts, compression, tracing; handlers hand blocking work to threads.

use super::api_error::{ApiError, Code};
use super::auth::{self, Admin};
use super::export;
use super::files;
use super::ingest::{bound, utc_text, Checker};
use super::limit::{retry_after_secs, Limiter};
use super::proxy::Proxies;
use super::rows::dimension_key;
use super::store::{Backend, Filter, Reader, Row, Statuses, StoreError, Stored};
use super::writer;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use eservqual_core::payload::Status;
use eservqual_core::{ErrorCode, Form, Format};
use http_body_util::BodyExt;
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Over-limit bodies up to this size are read to the end before the 413 (see [`read_body`]).
const DRAIN_LIMIT: usize = 1024 * 1024;
/// Default of `--request-timeout`: a request (body included) that takes longer is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes gathered before a chunk of an export is sent.
const CHUNK: usize = 32 * 1024;

/// What every handler shares.
pub struct App {
    pub checker: Checker,
    pub writer: writer::Handle,
    pub backend: Arc<dyn Backend>,
    pub admin: Admin,
    pub limiter: Option<Limiter>,
    /// Allowed origins, normalised (`https://shop.example`, `http://localhost:3000`).
    pub origins: HashSet<String>,
    /// The collector's own origins: `http://` and the address it listens on (and
    /// `http://localhost:PORT` on loopback), for the pages it serves itself.
    pub own_origins: HashSet<String>,
    /// The reverse proxies whose forwarding headers are believed (`--trust-proxy`).
    pub proxies: Arc<Proxies>,
    /// The public static folder (`--www`, canonical), when given.
    pub www: Option<PathBuf>,
    /// The dashboard's folder (canonical), when there is one.
    pub dashboard: Option<PathBuf>,
    /// A request (body included) that takes longer is answered 408.
    pub request_timeout: Duration,
    /// The `meta` keys a report may be segmented by (`serve --segment`).
    pub segments: Vec<String>,
    /// The webhooks (`serve --webhook`): the events of a new response are made here.
    pub webhooks: Arc<super::webhooks::Config>,
}

type Shared = Arc<App>;

/// The router with all layers.
pub fn router(app: Shared) -> Router {
    let origins: Vec<HeaderValue> = app.origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    // CORS on the public POST route only: no other origin may read an admin answer.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST, Method::OPTIONS])
        // Hosts may add headers (`headers` config): whatever a preflight asks for is allowed;
        // no credentials are ever allowed cross-origin.
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(86_400));
    // The span names the client (the forwarded address behind a trusted proxy), method and
    // path only: never the query (the one-time dashboard URL carries a code) nor other headers
    // (Authorization, Cookie).
    let proxies = app.proxies.clone();
    let trace = TraceLayer::new_for_http()
        .make_span_with(move |req: &Request| {
            let client = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| proxies.client(peer.ip(), req.headers()).to_string())
                .unwrap_or_default();
            tracing::info_span!("request", %client, method = %req.method(), path = %req.uri().path())
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    // What only the admin may read: the token or a live session first (one route layer, so a
    // path that matches none of these still falls through to the static files), and never
    // cached, errors included.
    let admin_routes = Router::new()
        .route("/v1/report", get(report))
        .route("/v1/distributions", get(distributions))
        .route("/v1/completion", get(completion))
        .route("/v1/comments", get(comments))
        .route("/v1/segments", get(segments))
        .route("/v1/responses.jsonl", get(export_jsonl))
        .route("/v1/responses.csv", get(export_csv))
        .route("/v1/webhooks/deliveries", get(deliveries))
        .route("/v1/alerts/check", post(alerts_check))
        .route("/dashboard/{*file}", get(dashboard_file))
        .route_layer(middleware::from_fn_with_state(app.clone(), require_admin))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    Router::new()
        .route("/v1/responses", post(ingest).layer(cors))
        .route("/v1/session", post(session))
        .route("/healthz", get(healthz))
        .route("/", get(dashboard))
        .route("/dashboard", get(dashboard))
        .merge(admin_routes)
        .fallback(static_file)
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, "", "internal error").into_response()
        }))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(app.clone(), timeout))
        .layer(middleware::from_fn_with_state(app.clone(), origin_guard))
        .layer(trace)
        // Every answer, errors included, is read as the type it declares.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(app)
}

type Answer = Result<Response, ApiError>;
type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// The request reached the collector over https: only a trusted proxy can say so (the
/// collector itself speaks plain HTTP).
fn https(app: &App, peer: SocketAddr, headers: &HeaderMap) -> bool {
    app.proxies.forwarded_https(peer.ip(), headers)
}

/// A request not answered within the request timeout (a body trickled in, say) is a 408 with
/// the JSON error shape.
async fn timeout(State(app): State<Shared>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(app.request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            let secs = app.request_timeout.as_secs_f64();
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                Code::Timeout,
                "",
                format!("the request took longer than {secs} s"),
            )
            .with_header(header::CONNECTION, HeaderValue::from_static("close"))
            .into_response()
        }
    }
}

/// `Origin` normalised for comparison: lower case, no trailing slash.
pub fn normal_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// A state-changing request from a browser origin that is neither on the list nor this
/// collector's own (the address it listens on) gets 403 and goes no further. The `Host` header
/// is not trusted for this: a page of any name that resolves to the collector (DNS rebinding)
/// sends a `Host` equal to its `Origin`. A request without `Origin` (a server-side sender)
/// passes.
async fn origin_guard(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let origin = normal_origin(origin.to_str().unwrap_or(""));
            if !app.own_origins.contains(&origin) && !app.origins.contains(&origin) {
                let message = "this origin may not send responses here";
                return ApiError::new(StatusCode::FORBIDDEN, Code::ForbiddenOrigin, "Origin", message).into_response();
            }
        }
    }
    next.run(req).await
}

/// `text/plain` or `application/json`, without a charset or with UTF-8; or no type at all.
fn acceptable_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else { return true };
    let Ok(ct) = ct.to_str() else { return false };
    let mut parts = ct.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let utf8 = parts.filter_map(|p| p.split_once('=')).all(|(k, v)| {
        let v = v.trim().trim_matches('"');
        !k.trim().eq_ignore_ascii_case("charset") || v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
    });
    (essence == "text/plain" || essence == "application/json") && utf8
}

/// Runs blocking `f` on the blocking pool; a panic or cancellation there is a storage error.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError(format!("a storage task failed: {e}")))?
}

/// `POST /v1/responses`.
async fn ingest(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    // The body is read (or drained, when over the limit) before any answer, so the client
    // reads the answer instead of meeting a connection reset.
    // Behind a trusted proxy each visitor has its own bucket (the forwarded address).
    let client = app.proxies.client(peer.ip(), &headers);
    let limited = app.limiter.as_ref().and_then(|l| l.check(client).err());
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let body = read_body(body, declared).await;
    if let Some(wait) = limited {
        let secs = retry_after_secs(wait);
        let message = format!("too many responses from this client; retry in {secs} s");
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, Code::RateLimited, "", message)
            .with_header(header::RETRY_AFTER, HeaderValue::from(secs)));
    }
    let bytes = body?;
    if !acceptable_type(&headers) {
        let message = "send the payload as text/plain or application/json, in UTF-8";
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::UnsupportedMediaType,
            "Content-Type",
            message,
        ));
    }
    let received_at = utc_text(jiff::Timestamp::now());
    let mut row = app.checker.check(&bytes, &received_at)?;
    // Stored with the row only when it is written (the writer's transaction decides); a
    // partial response announces nothing.
    if row.status == Status::Complete {
        row.events = app.webhooks.response_events(&row, &received_at);
    }
    let id = row.id.clone();
    let mismatch = row.scores_mismatch;
    match app.writer.insert(row).await? {
        Stored::Different => {
            let message = "a different response with this id is stored already; a new response needs a new id";
            Err(ApiError::new(StatusCode::CONFLICT, Code::Conflict, "id", message))
        }
        stored => {
            let new = stored.written();
            if mismatch && new {
                tracing::warn!(%id, "client scores differ from the collector's; stored with a flag");
            }
            let status = if new { StatusCode::CREATED } else { StatusCode::OK };
            let body = serde_json::json!({
                "id": id,
                "stored": new,
                "duplicate": !new,
                "replaced": stored == Stored::Replaced,
                "scores_mismatch": mismatch,
            });
            Ok((status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
        }
    }
}

/// Reads a body of at most [`BODY_LIMIT`] bytes. A larger one is still read (and dropped) up to
/// [`DRAIN_LIMIT`], so the client gets to read the 413 instead of a connection reset.
async fn read_body(mut body: Body, declared: Option<u64>) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::TooLarge,
            "",
            format!("the body is over {} KiB", BODY_LIMIT / 1024),
        )
    };
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(too_large());
    }
    let mut buf: Vec<u8> = Vec::with_capacity(declared.map_or(8192, |n| n.min(BODY_LIMIT as u64) as usize));
    let mut seen = 0usize;
    let mut over = declared.is_some_and(|n| n > BODY_LIMIT as u64);
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, Code::InvalidBody, "", "the body could not be read"))?;
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen > BODY_LIMIT {
            over = true;
            buf = Vec::new();
        }
        if over {
            if seen > DRAIN_LIMIT {
                break;
            }
            continue;
        }
        buf.extend_from_slice(&data);
    }
    if over {
        Err(too_large())
    } else {
        Ok(Bytes::from(buf))
    }
}

/// Latest comments sent when `limit` is not given, and the most one request may ask for.
pub const COMMENTS_LIMIT: (usize, usize) = (20, 100);

/// The query of `/v1/comments`: the form query, `limit`, and what to keep (`class`, `nps`,
/// `weakest`, `segment=KEY:VALUE`, `q`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentsQuery {
    instrument: Option<String>,
    format: Option<String>,
    dimensions: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Text, so that a bad value is a 400 naming `limit` rather than a generic query error.
    limit: Option<String>,
    class: Option<String>,
    nps: Option<String>,
    weakest: Option<String>,
    segment: Option<String>,
    q: Option<String>,
    partial: Option<String>,
}

/// The longest `q` of `/v1/comments`, in characters.
const COMMENTS_QUERY_MAX: usize = 100;

impl CommentsQuery {
    /// The form query, the form it names, the limit (1..=100, default 20) and the comment
    /// filter; `weakest` must be a dimension of the form, and a segment key one the collector
    /// segments by.
    fn split(self, app: &App) -> Result<(FormQuery, Form, usize, export::CommentFilter), ApiError> {
        let (default, most) = COMMENTS_LIMIT;
        let limit = match self.limit.as_deref() {
            None => default,
            Some(text) => text.parse::<usize>().ok().filter(|n| (1..=most).contains(n)).ok_or_else(|| {
                let message = format!("limit '{text}': give a whole number from 1 to {most}");
                ApiError::bad(ErrorCode::OutOfRange, "limit", message)
            })?,
        };
        let one_of = |field: &str, value: Option<String>, allowed: &[&str]| match value {
            Some(v) if !allowed.contains(&v.as_str()) => Err(ApiError::bad(
                ErrorCode::OutOfRange,
                field,
                format!("'{v}': expected one of {}", allowed.join(", ")),
            )),
            v => Ok(v),
        };
        let class = one_of("class", self.class, &["dissatisfied", "satisfied", "delighted"])?;
        let nps_category = one_of("nps", self.nps, &["detractor", "passive", "promoter"])?;
        let segment = match self.segment {
            None => None,
            Some(text) => match text.split_once(':') {
                Some((key, value)) if app.segments.iter().any(|s| s == key.trim()) => {
                    Some((key.trim().to_string(), value.trim().to_string()))
                }
                _ => {
                    let message = format!("'{text}': expected KEY:VALUE of a key given to serve --segment");
                    return Err(ApiError::bad(ErrorCode::OutOfRange, "segment", message));
                }
            },
        };
        let text = match self.q {
            Some(q) if q.chars().count() > COMMENTS_QUERY_MAX => {
                let message = format!("at most {COMMENTS_QUERY_MAX} characters");
                return Err(ApiError::bad(ErrorCode::OutOfRange, "q", message));
            }
            q => q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()),
        };
        let CommentsQuery { instrument, format, dimensions, from, to, weakest, partial, .. } = self;
        let q = FormQuery { instrument, format, dimensions, from, to, partial };
        let form = q.form(app)?;
        if let Some(w) = &weakest {
            if !form.dimensions().any(|d| &d.code == w) {
                let codes: Vec<&str> = form.dimensions().map(|d| d.code.as_str()).collect();
                let message = format!("'{w}' is not a dimension of this report: {}", codes.join(", "));
                return Err(ApiError::bad(ErrorCode::UnknownDimension, "weakest", message));
            }
        }
        Ok((q, form, limit, export::CommentFilter { class, nps_category, weakest, segment, text }))
    }
}

/// The query of the report and the exports.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormQuery {
    instrument: Option<String>,
    format: Option<String>,
    dimensions: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `include`: partial responses too (complete ones only without it).
    partial: Option<String>,
}

impl FormQuery {
    /// The form named by `instrument`, `format` (default: the instrument's) and `dimensions`.
    fn form(&self, app: &App) -> Result<Form, ApiError> {
        let Some(id) = self.instrument.as_deref() else {
            return Err(ApiError::bad(ErrorCode::MissingField, "instrument", "name the instrument: ?instrument=ID"));
        };
        let Some(instrument) = app.checker.registry.get(id) else {
            return Err(ApiError::bad(
                ErrorCode::UnknownInstrument,
                "instrument",
                format!("unknown instrument '{id}'"),
            ));
        };
        let format = match self.format.as_deref() {
            None => instrument.default_format,
            Some(f) => Format::parse(f).ok_or_else(|| {
                ApiError::bad(
                    ErrorCode::InvalidFormat,
                    "format",
                    format!("unknown format '{f}': use perception, gap or zone"),
                )
            })?,
        };
        match self.dimensions.as_deref() {
            None => Ok(Form::new(instrument, format)),
            Some(list) => {
                let codes: Vec<String> =
                    list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                Ok(Form::with_dimensions(instrument, format, &codes, "dimensions")?)
            }
        }
    }

    /// The statuses read: complete responses only, or with `partial=include` partial ones too;
    /// any other value of `partial` is a 400 naming it.
    fn statuses(&self) -> Result<Statuses, ApiError> {
        match self.partial.as_deref() {
            None => Ok(Statuses::Complete),
            Some("include") => Ok(Statuses::Both),
            Some(other) => Err(ApiError::bad(
                ErrorCode::OutOfRange,
                "partial",
                format!("'{other}': use partial=include to count partial responses too, or leave it out"),
            )),
        }
    }

    /// The time bounds of the filter, and the statuses it reads.
    fn times(&self, filter: &mut Filter) -> Result<(), ApiError> {
        filter.statuses = self.statuses()?;
        for (name, value, end) in [("from", &self.from, false), ("to", &self.to, true)] {
            if let Some(v) = value {
                let t = bound(v, end).ok_or_else(|| {
                    let message = format!("'{v}' is neither an RFC 3339 time nor a date YYYY-MM-DD");
                    ApiError::bad(ErrorCode::InvalidTime, name, message)
                })?;
                if end {
                    filter.to = Some(t);
                } else {
                    filter.from = Some(t);
                }
            }
        }
        Ok(())
    }
}

/// The parsed query, or a 400 naming what is wrong with it.
fn query<T>(q: QueryResult<T>) -> Result<T, ApiError> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, Code::InvalidQuery, "", format!("bad query: {e}")))
}

/// The admin routes' gate: 401 unless the request carries the admin token or a live session.
async fn require_admin(State(app): State<Shared>, req: Request, next: Next) -> Response {
    if app.admin.admits(req.headers()) {
        next.run(req).await
    } else {
        ApiError::unauthorized().into_response()
    }
}

/// The filter of one whole form (instrument, format, dimension set) and the times.
fn form_filter(q: &FormQuery, form: &Form) -> Result<Filter, ApiError> {
    let mut filter = Filter {
        instrument: Some(form.instrument.id.clone()),
        format: Some(form.format.as_str().to_string()),
        dimensions: Some(dimension_key(form)),
        ..Filter::default()
    };
    q.times(&mut filter)?;
    Ok(filter)
}

/// Opens a reader off the runtime.
async fn reader(app: &App) -> Result<Box<dyn Reader>, ApiError> {
    let backend = app.backend.clone();
    Ok(blocking(move || backend.reader()).await?)
}

/// The common start of the admin routes over one form: the query, the form it names, the
/// filter, and a reader off the runtime.
async fn form_request(app: &App, q: QueryResult<FormQuery>) -> Result<(Form, Filter, Box<dyn Reader>), ApiError> {
    let q = query(q)?;
    let form = q.form(app)?;
    let filter = form_filter(&q, &form)?;
    Ok((form, filter, reader(app).await?))
}

/// The query of `/v1/report`: the form query, a base period to compare with
/// (`compare=FROM..TO`, the same forms as `from` and `to`) and a segment key (`by=meta.KEY`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    instrument: Option<String>,
    format: Option<String>,
    dimensions: Option<String>,
    from: Option<String>,
    to: Option<String>,
    compare: Option<String>,
    by: Option<String>,
    partial: Option<String>,
}

impl ReportQuery {
    /// The form query, the base period's query (the form query with the compare range's
    /// bounds) and the segment key, which must be one the collector segments by.
    fn split(self, app: &App) -> Result<(FormQuery, Option<FormQuery>, Option<String>), ApiError> {
        let ReportQuery { instrument, format, dimensions, from, to, compare, by, partial } = self;
        let base = match compare {
            None => None,
            Some(range) => {
                let Some((from, to)) = range.split_once("..") else {
                    let message = format!("'{range}' is no range FROM..TO (dates YYYY-MM-DD or RFC 3339 times)");
                    return Err(ApiError::bad(ErrorCode::InvalidTime, "compare", message));
                };
                let bound = |b: &str| (!b.trim().is_empty()).then(|| b.trim().to_string());
                let q = FormQuery {
                    instrument: instrument.clone(),
                    format: format.clone(),
                    dimensions: dimensions.clone(),
                    from: bound(from),
                    to: bound(to),
                    partial: partial.clone(),
                };
                // Named as `compare` in an error, not as `from`/`to`.
                q.times(&mut Filter::default())
                    .map_err(|e| ApiError::bad(ErrorCode::InvalidTime, "compare", e.message()))?;
                Some(q)
            }
        };
        let key = match by {
            None => None,
            Some(by) => match by.trim().strip_prefix("meta.") {
                Some(key) if app.segments.iter().any(|s| s == key) => Some(key.to_string()),
                _ => {
                    let declared = if app.segments.is_empty() { "none".to_string() } else { app.segments.join(", ") };
                    let message = format!(
                        "'{by}' is not meta.KEY of a key this collector segments by (serve --segment KEY; now: {declared})"
                    );
                    return Err(ApiError::bad(ErrorCode::OutOfRange, "by", message));
                }
            },
        };
        Ok((FormQuery { instrument, format, dimensions, from, to, partial }, base, key))
    }
}

/// `GET /v1/report?instrument=ID&format=F[&dimensions=..][&from=&to=][&compare=FROM..TO][&by=meta.KEY]`.
async fn report(State(app): State<Shared>, q: QueryResult<ReportQuery>) -> Answer {
    let (q, base, key) = query(q)?.split(&app)?;
    let form = q.form(&app)?;
    let filter = form_filter(&q, &form)?;
    let base_filter = base.as_ref().map(|b| form_filter(b, &form)).transpose()?;
    let reader = reader(&app).await?;
    let app2 = app.clone();
    json_answer(
        blocking(move || {
            let registry = &app2.checker.registry;
            let (report, flagged, segments) =
                export::report_parts(reader.as_ref(), registry, &form, &filter, key.as_deref())?;
            let compared = match (base, base_filter) {
                (Some(b), Some(bf)) => {
                    let (base_report, _, _) = export::report_parts(reader.as_ref(), registry, &form, &bf, None)?;
                    let info = |from: &Option<String>, to: &Option<String>, responses| crate::PeriodInfo {
                        from: from.clone(),
                        to: to.clone(),
                        responses,
                    };
                    Some(crate::Compared {
                        current: info(&q.from, &q.to, report.responses),
                        base: info(&b.from, &b.to, base_report.responses),
                        comparison: eservqual_core::compare::compare(&report, &base_report),
                    })
                }
                _ => None,
            };
            export::report_doc(&report, flagged, compared.as_ref(), segments.as_ref())
        })
        .await,
    )
}

/// A JSON answer, or a 503 when the store failed.
fn json_answer(result: Result<String, StoreError>) -> Answer {
    Ok(([(header::CONTENT_TYPE, "application/json")], result?).into_response())
}

/// `GET /v1/distributions?instrument=ID&format=F[&dimensions=..][&from=&to=]`: the NPS, CSAT and
/// CES answers counted per value and the count of comments, from the summaries as the report.
async fn distributions(State(app): State<Shared>, q: QueryResult<FormQuery>) -> Answer {
    let (form, filter, reader) = form_request(&app, q).await?;
    let app2 = app.clone();
    json_answer(
        blocking(move || export::distributions_json(reader.as_ref(), &app2.checker.registry, &form, &filter)).await,
    )
}

/// `GET /v1/completion?instrument=ID&format=F[&dimensions=..][&from=&to=]`: how many responses
/// were started (complete and partial), how many are complete, the completion rate and where the
/// partial ones stopped (drop-off per step).
async fn completion(State(app): State<Shared>, q: QueryResult<FormQuery>) -> Answer {
    let (form, filter, reader) = form_request(&app, q).await?;
    let app2 = app.clone();
    json_answer(
        blocking(move || export::completion_json(reader.as_ref(), &app2.checker.registry, &form, &filter)).await,
    )
}

/// `GET /v1/comments?instrument=ID&format=F[&dimensions=..][&from=&to=][&limit=N]`: the latest
/// comments, newest first.
async fn comments(State(app): State<Shared>, q: QueryResult<CommentsQuery>) -> Answer {
    let (q, form, limit, which) = query(q)?.split(&app)?;
    let filter = form_filter(&q, &form)?;
    let reader = reader(&app).await?;
    let app2 = app.clone();
    json_answer(
        blocking(move || export::comments_json(reader.as_ref(), &app2.checker.registry, &form, &filter, &which, limit))
            .await,
    )
}

/// `GET /v1/segments`: the `meta` keys this collector segments by (`serve --segment`), for the
/// dashboard's segment selector: `{"keys": ["channel", "device"]}`.
async fn segments(State(app): State<Shared>) -> Answer {
    let body = serde_json::json!({ "keys": app.segments });
    Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveriesQuery {
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// Most rows of one page of `GET /v1/webhooks/deliveries`.
const DELIVERIES_MAX: usize = 500;

/// `GET /v1/webhooks/deliveries[?status=pending|delivered|failed][&limit=N][&offset=N]`: the
/// webhook events, newest first, with attempts, last status and next attempt time.
async fn deliveries(State(app): State<Shared>, q: QueryResult<DeliveriesQuery>) -> Answer {
    let q = query(q)?;
    let invalid =
        |field: &str, message: String| ApiError::new(StatusCode::BAD_REQUEST, Code::InvalidQuery, field, message);
    if let Some(s) = q.status.as_deref() {
        if !matches!(s, "pending" | "delivered" | "failed") {
            return Err(invalid("status", format!("'{s}': use pending, delivered or failed")));
        }
    }
    let limit = q.limit.unwrap_or(50);
    if !(1..=DELIVERIES_MAX).contains(&limit) {
        return Err(invalid("limit", format!("{limit}: give 1 to {DELIVERIES_MAX}")));
    }
    let offset = q.offset.unwrap_or(0);
    let backend = app.backend.clone();
    let status = q.status.clone();
    let (rows, counts) = blocking(move || {
        let mut outbox = backend.outbox()?;
        Ok::<_, StoreError>((outbox.deliveries(status.as_deref(), limit, offset)?, outbox.counts()?))
    })
    .await?;
    let next_offset = (rows.len() == limit).then_some(offset + limit);
    let body = serde_json::json!({
        "webhooks": app.webhooks.hooks.len(),
        "counts": counts,
        "deliveries": rows,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset,
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertsQuery {
    week: Option<String>,
}

/// `POST /v1/alerts/check[?week=YYYY-Www]`: checks that ISO week (default: the last completed
/// one) against the four before and writes the alert events of webhooks that take alerts.
async fn alerts_check(State(app): State<Shared>, q: QueryResult<AlertsQuery>) -> Answer {
    let q = query(q)?;
    let monday = match q.week.as_deref() {
        None => super::alerts::last_completed(jiff::Timestamp::now()),
        Some(w) => super::alerts::parse_week(w).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::InvalidQuery,
                "week",
                format!("'{w}': give an ISO week such as 2026-W48"),
            )
        })?,
    };
    let app2 = app.clone();
    let checked =
        blocking(move || super::alerts::check(app2.backend.as_ref(), &app2.checker.registry, &app2.webhooks, monday))
            .await?;
    let alerts: Vec<serde_json::Value> =
        checked.alerts.iter().map(|(kind, data)| serde_json::json!({ "type": kind, "data": data })).collect();
    let body = serde_json::json!({ "week": checked.week, "alerts": alerts, "new_events": checked.new_events });
    Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
}

/// A streamed body fed by a blocking producer through a bounded channel.
struct Sink {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Sink {
    /// Sends the buffer when it is full enough; `false` when the client has gone.
    fn maybe_flush(&mut self) -> bool {
        if self.buf.len() < CHUNK {
            return true;
        }
        self.flush()
    }

    fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096)));
        self.tx.blocking_send(Ok(chunk)).is_ok()
    }
}

/// A streamed download: `produce` runs on the blocking pool and writes into the sink.
fn streamed(
    content_type: &'static str,
    filename: &str,
    produce: impl FnOnce(&mut Sink) -> Result<(), StoreError> + Send + 'static,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::task::spawn_blocking(move || {
        let mut sink = Sink { buf: Vec::with_capacity(CHUNK + 4096), tx };
        match produce(&mut sink) {
            Ok(()) => {
                sink.flush();
            }
            Err(e) => {
                tracing::error!(error = %e, "export failed midway");
                // An error chunk aborts the response, so a cut export cannot pass for a whole one.
                let _ = sink.tx.blocking_send(Err(std::io::Error::other(e.0)));
            }
        }
    });
    let body = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut res = Response::new(body);
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /v1/responses.jsonl[?instrument=&format=&dimensions=&from=&to=][&partial=include]`: payloads
/// as received (complete ones only unless `partial=include`).
async fn export_jsonl(State(app): State<Shared>, q: QueryResult<FormQuery>) -> Answer {
    let q = query(q)?;
    let mut filter = Filter::default();
    if q.instrument.is_some() {
        let form = q.form(&app)?;
        filter.instrument = Some(form.instrument.id.clone());
        filter.format = q.format.is_some().then(|| form.format.as_str().to_string());
        filter.dimensions = q.dimensions.is_some().then(|| dimension_key(&form));
    } else if q.format.is_some() || q.dimensions.is_some() {
        let message = "format and dimensions filter one instrument: add ?instrument=ID";
        return Err(ApiError::bad(ErrorCode::MissingField, "instrument", message));
    }
    q.times(&mut filter)?;
    let reader = reader(&app).await?;
    Ok(streamed("application/x-ndjson", "responses.jsonl", move |sink| {
        reader.scan(&filter, &mut |row: Row<'_>| {
            export::jsonl_line(row, &mut sink.buf);
            sink.maybe_flush()
        })
    }))
}

/// `GET /v1/responses.csv?instrument=ID[&format=F&dimensions=..&from=&to=]`: the wide CSV.
async fn export_csv(State(app): State<Shared>, q: QueryResult<FormQuery>) -> Answer {
    // The CSV's columns are a stable contract (read back by `eservqual report`): it has no
    // column to tell a partial from a complete response with N/A answers, so it holds complete
    // responses only; the JSONL export carries partial ones with their `status`.
    if let Ok(Query(q)) = &q {
        if q.partial.is_some() {
            let message = "the CSV export holds complete responses only: use responses.jsonl?partial=include";
            return Err(ApiError::bad(ErrorCode::OutOfRange, "partial", message));
        }
    }
    let (form, filter, reader) = form_request(&app, q).await?;
    let app2 = app.clone();
    Ok(streamed("text/csv; charset=utf-8", "responses.csv", move |sink| {
        sink.buf.extend_from_slice(&export::csv_header(&form));
        reader.scan(&filter, &mut |row: Row<'_>| {
            export::csv_row(row, &app2.checker.registry, &form, &mut sink.buf);
            sink.maybe_flush()
        })
    }))
}

/// `GET /healthz`: 200 when the database answers a query and takes a write (a probe row
/// committed through the writer, as a response would be); else 503 saying which failed.
async fn healthz(State(app): State<Shared>) -> Response {
    let backend = app.backend.clone();
    let failed = match blocking(move || backend.reader()?.ping()).await {
        Err(e) => Some(("database unavailable\n", e)),
        Ok(()) => app.writer.probe().await.err().map(|e| ("database cannot be written\n", e)),
    };
    match failed {
        None => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok\n").into_response(),
        Some((what, e)) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], what).into_response()
        }
    }
}

#[derive(Debug, Deserialize)]
struct DashboardQuery {
    code: Option<String>,
    token: Option<String>,
}

/// `POST /v1/session` with the bearer token: a new one-time dashboard URL,
/// `{"url": "/dashboard?code=...", "expires_in": seconds}`.
async fn session(State(app): State<Shared>, headers: HeaderMap) -> Response {
    // The bearer token only: a dashboard session cannot make more dashboard URLs.
    if !app.admin.token.bearer(&headers) {
        return ApiError::unauthorized().into_response();
    }
    match app.admin.new_code() {
        Ok(code) => {
            let body = serde_json::json!({
                "url": format!("/dashboard?code={code}"),
                "expires_in": auth::CODE_LIFETIME.as_secs(),
            });
            (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")],
                body.to_string(),
            )
                .into_response()
        }
        Err(m) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, "", m).into_response(),
    }
}

/// `GET /` and `GET /dashboard`: with `?code=` (the one-time URL) the code is spent for a
/// session whose id goes into an `HttpOnly; SameSite=Strict` cookie (`Secure` over https) and
/// the browser is sent to `/dashboard`; otherwise the bearer token or a live session is
/// required and the page is `www/dashboard/index.html`, or a plain page when there is none.
async fn dashboard(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    q: QueryResult<DashboardQuery>,
) -> Response {
    let q = q.map(|Query(q)| q).ok();
    if q.as_ref().is_some_and(|q| q.token.is_some()) {
        let message = "the token is not taken in a URL: open the one-time dashboard URL printed at startup, or POST \
                       /v1/session with the token for a new one";
        return ApiError::new(StatusCode::UNAUTHORIZED, Code::Unauthorized, "token", message).into_response();
    }
    if let Some(code) = q.and_then(|q| q.code) {
        let Some(id) = app.admin.exchange(&code) else {
            let message = "this dashboard URL was used already or has expired: POST /v1/session with the admin token \
                           for a new one";
            return ApiError::new(StatusCode::UNAUTHORIZED, Code::Unauthorized, "code", message).into_response();
        };
        let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/dashboard")]).into_response();
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&Admin::set_cookie(&id, https(&app, peer, &headers))) {
            h.insert(header::SET_COOKIE, v);
        }
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    if !app.admin.admits(&headers) {
        return ApiError::unauthorized().into_response();
    }
    let page = match app.dashboard.as_deref().and_then(|dir| files::resolve(dir, "/index.html", None)) {
        Some(path) => tokio::fs::read(path).await.ok(),
        None => None,
    };
    let (content_type, body) = match page {
        Some(html) => ("text/html; charset=utf-8", Body::from(html)),
        None => ("text/plain; charset=utf-8", Body::from(PLAIN_DASHBOARD)),
    };
    let mut res = Response::new(body);
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The dashboard runs only its own files: no inline code, no third party, not framed.
    files::secure(res.headers_mut(), files::DASHBOARD_CSP, "no-store");
    res
}

/// `GET /dashboard/{file}`: the dashboard's own files (`www/dashboard/...`), admin only like
/// the page itself (the browser sends the cookie with them).
async fn dashboard_file(State(app): State<Shared>, req: Request) -> Response {
    let uri = req.uri().clone();
    let Some(dir) = &app.dashboard else { return ApiError::not_found().into_response() };
    let rest = uri.path().strip_prefix("/dashboard").unwrap_or("/");
    let Some(file) = files::resolve(dir, rest, None) else { return ApiError::not_found().into_response() };
    static_answer(file, req, files::DASHBOARD_CSP, "no-store").await
}

/// Any other `GET`: a file of the `--www` folder (never its `dashboard/`), with the security
/// headers; revalidated on each use (`no-cache`: the file's date answers a conditional GET).
async fn static_file(State(app): State<Shared>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return ApiError::not_found().into_response();
    }
    let Some(dir) = &app.www else { return ApiError::not_found().into_response() };
    let path = req.uri().path();
    if files::wants_slash(dir, path, Some("dashboard")) {
        let mut res = (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, format!("{path}/"))]).into_response();
        files::secure(res.headers_mut(), files::STATIC_CSP, "no-cache");
        return res;
    }
    let Some(file) = files::resolve(dir, path, Some("dashboard")) else { return ApiError::not_found().into_response() };
    static_answer(file, req, files::STATIC_CSP, "no-cache").await
}

async fn static_answer(file: PathBuf, req: Request, csp: &'static str, cache: &'static str) -> Response {
    match files::serve(file, req).await {
        Some(mut res) => {
            files::secure(res.headers_mut(), csp, cache);
            res
        }
        None => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, "", "the file could not be read")
            .into_response(),
    }
}

const PLAIN_DASHBOARD: &str = "eservqual collector

No dashboard is installed (www/dashboard/index.html). With the admin token:
  GET /v1/report?instrument=e-s-qual&format=perception   the aggregate report (JSON)
  GET /v1/distributions?instrument=e-s-qual              NPS, CSAT and CES answers per value (JSON)
  GET /v1/comments?instrument=e-s-qual&limit=20          the latest comments (JSON)
  GET /v1/responses.jsonl                                all payloads as received
  GET /v1/responses.csv?instrument=e-s-qual              the wide CSV of one instrument
";
