//! Webhooks: the `--webhook` options, the events written to the outbox (with the response they
//! announce, in its transaction), and the worker that delivers them signed (Standard Webhooks),
//! at least once, with the core's retry rules.

use super::ingest::utc_text;
use super::store::{Backend, Claimed, NewRow, OutboxEvent, Settled, StoreError};
use base64::Engine as _;
use eservqual_core::retry::{self, GiveUp, Next, Outcome};
use hmac::{KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable with the signing secret (when `--webhook-secret-file` is not given).
pub const SECRET_ENV: &str = "ESERVQUAL_WEBHOOK_SECRET";
/// The event of a newly stored response.
pub const RESPONSE_CREATED: &str = "response.created";
/// Events claimed by one worker round; sent concurrently.
const CLAIM: usize = 8;
/// How often the worker looks for due events.
const POLL: Duration = Duration::from_millis(500);

/// The signing secret's bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// `whsec_` + base64 (the Standard Webhooks form) is decoded; any other text is used as is.
    pub fn parse(text: &str) -> Result<Secret, String> {
        let text = text.trim();
        let bytes = match text.strip_prefix("whsec_") {
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("the whsec_ secret is not base64: {e}"))?,
            None => text.as_bytes().to_vec(),
        };
        if bytes.len() < 16 {
            return Err("the webhook secret is too short: give at least 16 bytes (whsec_ + base64 of 24 or more random bytes is usual)".to_string());
        }
        Ok(Secret(bytes))
    }

    /// The `webhook-signature` header value: `v1,` + base64 of HMAC-SHA256 of `{id}.{timestamp}.{body}`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The body a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `{"type", "timestamp", "data"}`.
    Json,
    /// Slack-compatible: `{"text", "blocks"}`.
    Slack,
}

impl BodyFormat {
    pub fn parse(s: &str) -> Result<BodyFormat, String> {
        match s {
            "json" => Ok(BodyFormat::Json),
            "slack" => Ok(BodyFormat::Slack),
            other => Err(format!("format '{other}': use json or slack")),
        }
    }
}

/// One condition of a `filter=`: `nps<=6`, `class=dissatisfied`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The response's NPS answer compared with a number (no answer: false).
    Nps(Compare, i16),
    /// The collector's class equals (or, `false`, differs from) this (no class: equals nothing).
    Class(bool, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl Condition {
    /// Reads one condition.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        // Two-character operators first, so `<=` is not read as `<`.
        let ops = [
            ("<=", Compare::Le),
            (">=", Compare::Ge),
            ("!=", Compare::Ne),
            ("<", Compare::Lt),
            (">", Compare::Gt),
            ("=", Compare::Eq),
        ];
        let (at, op, cmp) = ops
            .iter()
            .filter_map(|(op, cmp)| text.find(op).map(|at| (at, *op, *cmp)))
            .min_by_key(|(at, op, _)| (*at, std::cmp::Reverse(op.len())))
            .ok_or_else(|| format!("filter '{text}': write KEY OP VALUE, e.g. nps<=6 or class=dissatisfied"))?;
        let key = text[..at].trim();
        let value = text[at + op.len()..].trim();
        match key {
            "nps" => {
                let n: i16 = value.parse().map_err(|_| format!("filter '{text}': nps takes a whole number"))?;
                Ok(Condition::Nps(cmp, n))
            }
            "class" => match (cmp, value) {
                (Compare::Eq | Compare::Ne, "dissatisfied" | "satisfied" | "delighted") => {
                    Ok(Condition::Class(cmp == Compare::Eq, value.to_string()))
                }
                (Compare::Eq | Compare::Ne, _) => {
                    Err(format!("filter '{text}': class is dissatisfied, satisfied or delighted"))
                }
                _ => Err(format!("filter '{text}': class takes = or !=")),
            },
            _ => Err(format!("filter '{text}': the keys are nps and class")),
        }
    }

    fn holds(&self, nps: Option<i16>, class: Option<&str>) -> bool {
        match self {
            Condition::Nps(cmp, n) => nps.is_some_and(|v| match cmp {
                Compare::Lt => v < *n,
                Compare::Le => v <= *n,
                Compare::Eq => v == *n,
                Compare::Ne => v != *n,
                Compare::Ge => v >= *n,
                Compare::Gt => v > *n,
            }),
            Condition::Class(equal, c) => (class == Some(c.as_str())) == *equal,
        }
    }
}

/// Where a webhook's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, at least `/`.
    pub path: String,
}

impl Target {
    /// The `Host` header: the port only when it is not the scheme's, an IPv6 address in brackets.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        if self.port == if self.https { 443 } else { 80 } {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    pub fn parse(url: &str) -> Result<Target, String> {
        let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("'{url}': a webhook URL starts with https:// or http://"));
        };
        let cut = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(cut);
        if authority.is_empty() || authority.contains(['@', ' ']) || path.contains([' ', '#']) {
            return Err(format!("'{url}': not a usable webhook URL (no user info, spaces or fragment)"));
        }
        let (host, port) = match authority.rsplit_once(':').filter(|(h, _)| !h.ends_with(':')) {
            Some((h, p)) if !h.starts_with('[') || h.ends_with(']') => {
                (h, p.parse::<u16>().map_err(|_| format!("'{url}': the port is not a number"))?)
            }
            _ => (authority, if https { 443 } else { 80 }),
        };
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        Ok(Target { https, host: host.trim_start_matches('[').trim_end_matches(']').to_string(), port, path })
    }
}

/// One `--webhook`.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// As given: the key of its events in the outbox.
    pub url: String,
    pub target: Target,
    pub response_created: bool,
    pub alerts: bool,
    /// Every condition must hold (response.created only).
    pub filter: Vec<Condition>,
    pub format: BodyFormat,
}

impl Webhook {
    /// `URL[;events=response.created,alerts][;filter=COND,COND][;format=json|slack]`; without
    /// `events=` a webhook gets the alerts only.
    pub fn parse(spec: &str, default_format: BodyFormat) -> Result<Webhook, String> {
        let mut parts = spec.split(';');
        let url = parts.next().unwrap_or("").trim().to_string();
        let target = Target::parse(&url)?;
        let mut hook =
            Webhook { url, target, response_created: false, alerts: true, filter: Vec::new(), format: default_format };
        for part in parts.map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("'{part}': write KEY=VALUE"))?;
            match key.trim() {
                "events" => {
                    hook.alerts = false;
                    for e in value.split(',').map(str::trim) {
                        match e {
                            RESPONSE_CREATED => hook.response_created = true,
                            "alerts" => hook.alerts = true,
                            other => return Err(format!("event '{other}': use response.created or alerts")),
                        }
                    }
                }
                "filter" => {
                    for c in value.split(',') {
                        hook.filter.push(Condition::parse(c)?);
                    }
                }
                "format" => hook.format = BodyFormat::parse(value.trim())?,
                other => return Err(format!("option '{other}': use events, filter or format")),
            }
        }
        if !hook.filter.is_empty() && !hook.response_created {
            return Err(format!("'{spec}': a filter applies to response.created: add events=response.created"));
        }
        Ok(hook)
    }
}

/// The webhooks and how they are sent.
#[derive(Clone)]
pub struct Config {
    pub hooks: Vec<Webhook>,
    pub secret: Option<Secret>,
    /// Each request (connect, send, answer) at most this long.
    pub timeout: Duration,
    /// Multiplies the waits between attempts (1 in production; small in tests).
    pub retry_scale: f64,
}

/// An event id: `msg_` and 32 hex digits of SHA-256 over the parts (so the same event written
/// twice, by a retry or by a second collector, has the same id and is stored once).
pub fn event_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

/// The `data` of a `response.created` event and the values the filters test.
fn response_data(row: &NewRow) -> Option<(Value, Option<i16>, Option<String>)> {
    let response = row.response.as_ref()?;
    let scores = eservqual_core::score::score(&response.form, &response.answers);
    let class = scores.class.map(str::to_string);
    let nps = response.answers.outcomes.nps;
    let data = json!({
        "id": row.id,
        "instrument": row.instrument,
        "format": row.format,
        "submitted_at": row.submitted_at,
        "scores": scores,
        "class": class,
        "nps": nps,
        "comment": response.answers.outcomes.comment.as_deref().filter(|c| eservqual_core::payload::is_comment(c)),
    });
    Some((data, nps, class))
}

/// The body of an event for one webhook.
pub fn body(format: BodyFormat, event_type: &str, timestamp: &str, data: &Value, summary: &str) -> String {
    match format {
        BodyFormat::Json => json!({ "type": event_type, "timestamp": timestamp, "data": data }).to_string(),
        BodyFormat::Slack => json!({
            "text": summary,
            "blocks": [
                { "type": "section", "text": { "type": "mrkdwn", "text": summary } },
                { "type": "context", "elements": [ { "type": "mrkdwn", "text": format!("{event_type} · {timestamp}") } ] },
            ],
        })
        .to_string(),
    }
}

impl Config {
    /// No webhook configured.
    pub fn none() -> Config {
        Config { hooks: Vec::new(), secret: None, timeout: Duration::from_secs(10), retry_scale: 1.0 }
    }

    /// The `response.created` events of a new row, one per subscribed webhook whose filter holds.
    pub fn response_events(&self, row: &NewRow, now: &str) -> Vec<OutboxEvent> {
        let subscribed: Vec<&Webhook> = self.hooks.iter().filter(|h| h.response_created).collect();
        if subscribed.is_empty() {
            return Vec::new();
        }
        let Some((data, nps, class)) = response_data(row) else { return Vec::new() };
        let summary = format!(
            "New {} response ({}): class {}, NPS {}{}",
            row.instrument,
            row.format,
            class.as_deref().unwrap_or("none"),
            nps.map_or("none".to_string(), |n| n.to_string()),
            data["comment"].as_str().map(|c| format!(": \u{201c}{c}\u{201d}")).unwrap_or_default()
        );
        subscribed
            .into_iter()
            .filter(|h| h.filter.iter().all(|c| c.holds(nps, class.as_deref())))
            .map(|h| OutboxEvent {
                id: event_id(&[RESPONSE_CREATED, &row.id, &h.url]),
                webhook: h.url.clone(),
                event_type: RESPONSE_CREATED.to_string(),
                body: body(h.format, RESPONSE_CREATED, now, &data, &summary),
                created_at: now.to_string(),
            })
            .collect()
    }
}

/// A uniform number in [0, 1) from the OS (the retry jitter); 0.5 if it fails.
fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    match getrandom::fill(&mut b) {
        Ok(()) => (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

/// What one request came to: the retry outcome, the Retry-After header and the text for the listing.
struct Sent {
    outcome: Outcome,
    retry_after: Option<String>,
    shown: String,
}

/// Posts `body` to `target` with the Standard Webhooks headers.
async fn post(
    target: &Target,
    tls: &Arc<rustls::ClientConfig>,
    headers: &[(&str, String)],
    body: String,
) -> Result<(u16, Option<String>), (Outcome, String)> {
    use hyper_util::rt::TokioIo;
    let network = |e: &dyn std::fmt::Display| (Outcome::NetworkError, format!("network error: {e}"));
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port)).await.map_err(|e| network(&e))?;
    let mut request = hyper::Request::post(&target.path)
        .header(hyper::header::HOST, target.host_header())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::USER_AGENT, concat!("eservqual/", env!("CARGO_PKG_VERSION")));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body))).map_err(|e| network(&e))?;
    // After the connection, a failure may come after the receiver saw the request: counted
    // like a timeout.
    let sent = |e: hyper::Error| (Outcome::Timeout, format!("no answer: {e}"));
    let response = if target.https {
        let name = rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(|e| network(&e))?;
        let tls = tokio_rustls::TlsConnector::from(tls.clone()).connect(name, stream).await.map_err(|e| network(&e))?;
        let (mut send, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.map_err(|e| network(&e))?;
        tokio::spawn(conn);
        send.send_request(request).await.map_err(sent)?
    } else {
        let (mut send, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| network(&e))?;
        tokio::spawn(conn);
        send.send_request(request).await.map_err(sent)?
    };
    let retry_after =
        response.headers().get(hyper::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok((response.status().as_u16(), retry_after))
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .expect("ring supports the default protocol versions");
    Arc::new(config)
}

fn ms_text(ms: f64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms as i64).unwrap_or_else(|_| jiff::Timestamp::now());
    utc_text(t)
}

fn text_ms(text: &str) -> Option<f64> {
    eservqual_core::payload::time_ms(text)
}

/// Sends one claimed event and decides, with `retry::next`, what becomes of it.
async fn attempt(config: &Config, hook: &Webhook, tls: &Arc<rustls::ClientConfig>, event: &Claimed) -> Settled {
    let now = jiff::Timestamp::now();
    let timestamp = now.as_second();
    let mut headers = vec![("webhook-id", event.id.clone()), ("webhook-timestamp", timestamp.to_string())];
    if let Some(secret) = &config.secret {
        headers.push(("webhook-signature", secret.sign(&event.id, timestamp, &event.body)));
    }
    let sent = match tokio::time::timeout(config.timeout, post(&hook.target, tls, &headers, event.body.clone())).await {
        Ok(Ok((status, retry_after))) => {
            Sent { outcome: Outcome::Status(status), retry_after, shown: status.to_string() }
        }
        Ok(Err((outcome, shown))) => Sent { outcome, retry_after: None, shown },
        Err(_) => Sent {
            outcome: Outcome::Timeout,
            retry_after: None,
            shown: format!("timeout after {} s", config.timeout.as_secs_f64()),
        },
    };
    let after = jiff::Timestamp::now();
    let now_ms = after.as_millisecond() as f64;
    let random = random_unit();
    let first = event.first_attempt_at.clone().unwrap_or_else(|| utc_text(now));
    let first_ms = text_ms(&first).unwrap_or(now_ms);
    let next = retry::next(&retry::Attempt {
        outcome: sent.outcome,
        attempts: event.counted,
        retry_after: sent.retry_after.as_deref(),
        now_ms,
        first_ms,
        random,
    });
    let done = utc_text(after);
    let attempts = event.attempts.saturating_add(1);
    match next {
        Next::Delivered => Settled {
            status: "delivered",
            counted: event.counted + 1,
            attempts,
            last_status: sent.shown,
            first_attempt_at: first,
            next_attempt_at: done.clone(),
            delivered_at: Some(done),
        },
        Next::Retry { at_ms, attempts: counted } => {
            let mut wait = (at_ms - now_ms).max(0.0);
            if sent.outcome == Outcome::NetworkError {
                // Not counted (the receiver never saw it), as for the widget; but a receiver down
                // for hours is not asked every second for every event: the backoff grows with
                // every attempt made.
                wait = wait.max(retry::backoff_ms(attempts, random));
            }
            let wait = wait * config.retry_scale;
            Settled {
                status: "pending",
                counted,
                attempts,
                last_status: sent.shown,
                first_attempt_at: first,
                next_attempt_at: ms_text(now_ms + wait),
                delivered_at: None,
            }
        }
        Next::GiveUp(why) => Settled {
            status: "failed",
            counted: event.counted,
            attempts,
            last_status: format!("{} ({})", sent.shown, give_up_text(why)),
            first_attempt_at: first,
            next_attempt_at: done,
            delivered_at: None,
        },
    }
}

fn give_up_text(why: GiveUp) -> &'static str {
    match why {
        GiveUp::Rejected(_) => "refused by the receiver",
        GiveUp::TooManyAttempts => "gave up after too many attempts",
        GiveUp::TooOld => "gave up after 24 h",
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError(format!("a storage task failed: {e}")))?
}

/// The delivery loop of one webhook: claims due events, sends them concurrently, records each
/// outcome; runs until the runtime stops. An event whose attempt was cut short (the collector
/// stopped) stays leased for [`lease`] and is then due again, with the same id.
async fn deliver(config: Arc<Config>, hook: Webhook, backend: Arc<dyn Backend>) {
    let tls = tls_config();
    let lease = config.timeout + Duration::from_secs(5);
    loop {
        let now = jiff::Timestamp::now();
        let until = now + jiff::SignedDuration::try_from(lease).unwrap_or(jiff::SignedDuration::from_secs(15));
        let (b, url, now_text, until_text) = (backend.clone(), hook.url.clone(), utc_text(now), utc_text(until));
        let claimed = blocking(move || b.outbox()?.claim(&url, &now_text, &until_text, CLAIM)).await;
        let claimed = match claimed {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(webhook = %hook.url, error = %e, "could not read the webhook outbox");
                Vec::new()
            }
        };
        let busy = claimed.len() == CLAIM;
        let mut tasks = tokio::task::JoinSet::new();
        for event in claimed {
            let (config, hook, tls, backend) = (config.clone(), hook.clone(), tls.clone(), backend.clone());
            tasks.spawn(async move {
                let settled = attempt(&config, &hook, &tls, &event).await;
                if settled.status != "delivered" {
                    tracing::warn!(webhook = %hook.url, id = %event.id, status = %settled.last_status, outcome = settled.status, "webhook attempt failed");
                }
                let id = event.id.clone();
                if let Err(e) = blocking(move || backend.outbox()?.settle(&id, &settled)).await {
                    // The lease runs out and the event is sent again: at least once.
                    tracing::warn!(id = %event.id, error = %e, "could not record a webhook attempt");
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        if !busy {
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Starts one delivery loop per webhook on the current runtime.
pub fn start(config: Arc<Config>, backend: Arc<dyn Backend>) {
    for hook in config.hooks.clone() {
        tokio::spawn(deliver(config.clone(), hook, backend.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (its reference libraries' tests).
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn filters_parse_and_hold() {
        let c = Condition::parse("nps<=6").expect("nps");
        assert_eq!(c, Condition::Nps(Compare::Le, 6));
        assert!(c.holds(Some(6), None) && !c.holds(Some(7), None) && !c.holds(None, None));
        let d = Condition::parse(" class = dissatisfied ").expect("class");
        assert!(d.holds(None, Some("dissatisfied")) && !d.holds(None, Some("delighted")));
        assert!(Condition::parse("class!=delighted").expect("ne").holds(None, None));
        assert!(Condition::parse("nps<<3").is_err());
        assert!(Condition::parse("class<satisfied").is_err());
        assert!(Condition::parse("csat>3").is_err());
    }

    #[test]
    fn webhook_specs_parse() {
        let h =
            Webhook::parse("https://hooks.example:8443/x?a=1;events=response.created;filter=nps<=6", BodyFormat::Json)
                .expect("spec");
        assert_eq!(h.target, Target { https: true, host: "hooks.example".into(), port: 8443, path: "/x?a=1".into() });
        assert_eq!(h.target.host_header(), "hooks.example:8443");
        let v6 = Target::parse("http://[::1]:8080/h").expect("IPv6");
        assert_eq!((v6.host.as_str(), v6.port, v6.host_header()), ("::1", 8080, "[::1]:8080".to_string()));
        assert_eq!(Target::parse("https://a.example/").expect("url").host_header(), "a.example");
        assert!(h.response_created && !h.alerts && h.filter.len() == 1);
        let h = Webhook::parse("http://127.0.0.1;format=slack", BodyFormat::Json).expect("spec");
        assert_eq!((h.target.port, h.target.path.as_str(), h.format, h.alerts), (80, "/", BodyFormat::Slack, true));
        assert!(Webhook::parse("ftp://x", BodyFormat::Json).is_err());
        assert!(Webhook::parse("http://x;filter=nps<3", BodyFormat::Json).is_err());
        assert!(Webhook::parse("http://u@x/", BodyFormat::Json).is_err());
    }

    #[test]
    fn event_ids_depend_on_every_part() {
        let a = event_id(&["response.created", "r1", "http://x/"]);
        assert_eq!(a, event_id(&["response.created", "r1", "http://x/"]));
        assert_ne!(a, event_id(&["response.created", "r1", "http://y/"]));
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(event_id(&["ab", "c"]), event_id(&["a", "bc"]));
        assert_eq!(a.len(), 4 + 32);
    }
}
