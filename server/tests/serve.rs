//! `eservqual serve` as deployed: the real binary on a free loopback port with a temporary
//! database, driven over HTTP. Statuses, malformed payloads, idempotency under concurrency,
//! CORS, the rate limit, admin auth, the report against `eservqual report`, and kill -9.
//! The same tests run on PostgreSQL as part of `serve_pg` (tests/serve_pg.rs), where this file
//! is a module: there each database file name stands for a database of the test cluster.

pub(crate) mod common;

use common::data_dir;

use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

pub(crate) const TOKEN: &str = "test-admin-token-0123456789";
const SHOP: &str = "https://shop.example";

/// Whether these tests run on PostgreSQL: when this file is the `serve` module of `serve_pg`.
pub(crate) fn on_postgres() -> bool {
    module_path!().starts_with("serve_pg")
}

/// The options naming the store of a collector of the test folder `dir`: `--db dir/FILE`, or on
/// PostgreSQL `--database-url` of a database of the test cluster named after `dir` and FILE
/// (created when missing, so a restart finds the same data).
pub(crate) fn store_args(dir: &Path, db: &str) -> Vec<String> {
    if on_postgres() {
        let url = common::pg::database(&common::pg::base_url(), &common::pg::database_name(dir, db));
        vec!["--database-url".into(), url]
    } else {
        vec!["--db".into(), dir.join(db).display().to_string()]
    }
}

pub(crate) fn example(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("example payload is JSON")
}

/// A scratch folder unique to one test.
pub(crate) fn scratch(test: &str) -> PathBuf {
    common::scratch("serve", test)
}

/// A UUID v4 made from a number, distinct per `n`.
pub(crate) fn uuid(n: u64) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", (n >> 48) as u32, n & 0xffff_ffff_ffff)
}

/// A running collector, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
    pub(crate) db: PathBuf,
    log: PathBuf,
    _stdout: BufReader<ChildStdout>,
    /// The startup lines (address, seeding, dashboard).
    pub(crate) banner: Vec<String>,
}

impl Server {
    pub(crate) fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::start_on(dir, "t.db", extra)
    }

    pub(crate) fn start_on(dir: &Path, db: &str, extra: &[&str]) -> Server {
        Server::start_with(dir, store_args(dir, db), extra)
    }

    /// A collector on the store named by `store` (`--db PATH` or `--database-url URL`).
    pub(crate) fn start_with(dir: &Path, store: Vec<String>, extra: &[&str]) -> Server {
        let db = PathBuf::from(store.last().map(String::as_str).unwrap_or_default());
        static STARTS: AtomicUsize = AtomicUsize::new(0);
        let log = dir.join(format!("server-{}.log", STARTS.fetch_add(1, Ordering::Relaxed)));
        let mut args: Vec<String> = vec!["serve".into(), "--addr".into(), "127.0.0.1:0".into()];
        args.extend(store);
        args.extend(["--allow-origin".into(), SHOP.into()]);
        if !extra.contains(&"--no-token") {
            args.extend(["--admin-token".into(), TOKEN.into()]);
        }
        args.extend(extra.iter().filter(|a| **a != "--no-token").map(|a| a.to_string()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(&args)
            .current_dir(dir)
            .env_remove("ESERVQUAL_ADMIN_TOKEN")
            .env_remove("ESERVQUAL_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut banner = Vec::new();
        let mut base = None;
        while banner.len() < 4 {
            let mut line = String::new();
            let n = stdout.read_line(&mut line).expect("read stdout");
            if n == 0 {
                let _ = child.wait();
                panic!("serve exited early: {}", std::fs::read_to_string(&log).unwrap_or_default());
            }
            let line = line.trim_end().to_string();
            if let Some(rest) = line.strip_prefix("eservqual serve: listening on ") {
                base = rest.split_whitespace().next().map(str::to_string);
            }
            let done = line.starts_with("dashboard:");
            banner.push(line);
            if done {
                break;
            }
        }
        let base = base.expect("the listening line");
        Server { child, base, db, log, _stdout: stdout, banner }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every id in the JSONL export (in order).
    pub(crate) fn exported_ids(&self) -> Vec<String> {
        let (status, _, body) = get(&self.url("/v1/responses.jsonl"), Some(TOKEN));
        assert_eq!(status, 200, "{body}");
        body.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("a JSONL line is JSON")["id"]
                    .as_str()
                    .expect("an id")
                    .to_ascii_lowercase()
            })
            .collect()
    }

    pub(crate) fn count(&self) -> usize {
        self.exported_ids().len()
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

pub(crate) type Headers = HashMap<String, String>;

pub(crate) fn collect(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Headers, String) {
    let mut res = res.expect("the request reaches the server");
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    (status, headers, body)
}

/// POSTs `body` as the widget does (text/plain), with an optional Origin.
pub(crate) fn post_raw(url: &str, body: &[u8], origin: Option<&str>) -> (u16, Headers, String) {
    let mut req = agent().post(url).header("Content-Type", "text/plain;charset=UTF-8");
    if let Some(o) = origin {
        req = req.header("Origin", o);
    }
    collect(req.send(body))
}

pub(crate) fn post(server: &Server, payload: &Value) -> (u16, Headers, String) {
    post_raw(&server.url("/v1/responses"), payload.to_string().as_bytes(), None)
}

pub(crate) fn get(url: &str, token: Option<&str>) -> (u16, Headers, String) {
    let mut req = agent().get(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    collect(req.call())
}

fn error_of(body: &str) -> Value {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("error body is not JSON ({e}): {body}"));
    assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string(), "{body}");
    v["error"].clone()
}

/// |a − e| ≤ 1e-9·max(1, |e|) for numbers, equality otherwise, same keys both ways.
fn diff(actual: &Value, expected: &Value, path: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap_or(f64::NAN), e.as_f64().unwrap_or(f64::NAN));
            let close = (a - e).abs() <= 1e-9 * e.abs().max(1.0);
            if !close {
                out.push(format!("{path}: {a} != {e}"));
            }
        }
        (Value::Object(a), Value::Object(e)) => {
            for k in a.keys().chain(e.keys()).collect::<HashSet<_>>() {
                match (a.get(k), e.get(k)) {
                    (Some(av), Some(ev)) => diff(av, ev, &format!("{path}.{k}"), out),
                    _ => out.push(format!("{path}.{k}: present on one side only")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                diff(av, ev, &format!("{path}[{i}]"), out);
            }
        }
        _ if actual == expected => {}
        _ => out.push(format!("{path}: {actual} != {expected}")),
    }
}

fn assert_same(actual: &Value, expected: &Value, what: &str) {
    let mut out = Vec::new();
    diff(actual, expected, "", &mut out);
    assert!(out.is_empty(), "{what} differ:\n{}", out.join("\n"));
}

#[test]
fn stores_once_and_a_repeat_is_200() {
    let dir = scratch("once");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
    let payload = example("esqual_one.json");
    let (status, _, body) = post(&s, &payload);
    assert_eq!(status, 201, "{body}");
    let v: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["stored"], true);
    assert_eq!(v["scores_mismatch"], false, "the example's scores are the core's");
    let (status, _, body) = post(&s, &payload);
    assert_eq!(status, 200, "{body}");
    // The same id in upper case is the same response.
    let mut upper = payload.clone();
    upper["id"] = json!(payload["id"].as_str().expect("id").to_ascii_uppercase());
    assert_eq!(post(&s, &upper).0, 200);
    // application/json is accepted too; a form post is not.
    let zone = example("zone_one.json");
    let (status, _, _) = collect(
        agent()
            .post(&s.url("/v1/responses"))
            .header("Content-Type", "application/json")
            .send(zone.to_string().as_bytes()),
    );
    assert_eq!(status, 201);
    let (status, _, body) = collect(
        agent()
            .post(&s.url("/v1/responses"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(zone.to_string().as_bytes()),
    );
    assert_eq!(status, 415, "{body}");
    assert_eq!(s.count(), 2);
}

#[test]
fn client_scores_that_differ_are_flagged_not_refused() {
    let dir = scratch("mismatch");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let mut payload = example("esqual_one.json");
    payload["scores"]["overall"]["p"] = json!(1.5);
    let (status, _, body) = post(&s, &payload);
    assert_eq!(status, 201, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["scores_mismatch"], true);
    // A tiny floating-point difference is not a mismatch.
    let mut close = example("zone_one.json");
    let p = close["scores"]["overall"]["p"].as_f64().expect("a number");
    close["scores"]["overall"]["p"] = json!(p * (1.0 + 1e-12));
    let (status, _, body) = post(&s, &close);
    assert_eq!(status, 201, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["scores_mismatch"], false);
}

/// Sets the member at a JSON pointer (the parent must exist).
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        other => panic!("{parent} is {other}"),
    }
}

fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    doc.pointer_mut(parent).and_then(Value::as_object_mut).expect("an object").remove(key);
    doc
}

fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    set(&mut doc, pointer, value);
    doc
}

#[test]
fn malformed_payloads_are_rejected_naming_the_field_and_nothing_is_stored() {
    let dir = scratch("malformed");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let esq = example("esqual_one.json");
    let zone = example("zone_one.json");
    let text = |v: Value| v.to_string().into_bytes();
    let weights = json!({"EFF": "forty", "SYS": 20, "FUL": 20, "PRI": 20});
    let nested = vec![b'['; 60_000];
    let mut big = esq.clone();
    big["meta"] = json!({ "padding": "x".repeat(70 * 1024) });
    // (what, body, status, field)
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("wrong schema id", text(with(esq.clone(), "/schema", json!("eservqual.response/2"))), 400, "schema"),
        ("missing id", text(without(esq.clone(), "/id")), 400, "id"),
        ("bad UUID", text(with(esq.clone(), "/id", json!("not-a-uuid"))), 400, "id"),
        ("unknown item code", text(with(esq.clone(), "/answers/XYZ1", json!({"p": 3}))), 400, "answers.XYZ1"),
        ("value outside the scale", text(with(esq.clone(), "/answers/EFF1/p", json!(6))), 400, "answers.EFF1.p"),
        ("zero on a 1-5 scale", text(with(esq.clone(), "/answers/EFF2/p", json!(0))), 400, "answers.EFF2.p"),
        ("3.5", text(with(esq.clone(), "/answers/EFF1/p", json!(3.5))), 400, "answers.EFF1.p"),
        ("a string answer", text(with(esq.clone(), "/answers/EFF1/p", json!("4"))), 400, "answers.EFF1.p"),
        (
            "an e answer in perception format",
            text(with(esq.clone(), "/answers/EFF1", json!({"p": 4, "e": 5}))),
            400,
            "answers.EFF1.e",
        ),
        ("unknown format", text(with(esq.clone(), "/instrument/format", json!("likert"))), 400, "instrument.format"),
        ("zone answers with gap format", text(with(zone.clone(), "/instrument/format", json!("gap"))), 400, "scale"),
        ("weights not numbers", text(with(esq.clone(), "/weights", weights)), 400, "weights.EFF"),
        (
            "negative weight",
            text(with(esq.clone(), "/weights", json!({"EFF": -5, "SYS": 40, "FUL": 40, "PRI": 25}))),
            400,
            "weights.EFF",
        ),
        ("NPS 11", text(with(esq.clone(), "/outcomes/nps", json!(11))), 400, "outcomes.nps"),
        ("three value answers", text(with(esq.clone(), "/outcomes/value", json!([1, 2, 3]))), 400, "outcomes.value"),
        (
            "comment too long",
            text(with(esq.clone(), "/outcomes/comment", json!("a".repeat(2001)))),
            400,
            "outcomes.comment",
        ),
        ("unknown top-level key", text(with(esq.clone(), "/extra", json!(1))), 400, "extra"),
        ("wrong scale", text(with(esq.clone(), "/scale", json!({"min": 1, "max": 7}))), 400, "scale"),
        ("recovery on servqual", text(with(zone.clone(), "/recovery", json!({"RES1": {"p": 3}}))), 400, "recovery"),
        ("bad submitted_at", text(with(esq.clone(), "/submitted_at", json!("yesterday"))), 400, "submitted_at"),
        (
            "a date that does not exist",
            text(with(esq.clone(), "/submitted_at", json!("2025-02-30T08:00:00Z"))),
            400,
            "submitted_at",
        ),
        ("unknown instrument", text(with(esq.clone(), "/instrument/id", json!("no-such-thing"))), 400, "instrument.id"),
        (
            "no instrument version (schema only)",
            text(without(esq.clone(), "/instrument/version")),
            400,
            "instrument.version",
        ),
        ("nested meta value (schema only)", text(with(esq.clone(), "/meta", json!({"k": {"deep": 1}}))), 400, "meta.k"),
        ("scores not an object (schema only)", text(with(esq.clone(), "/scores", json!("great"))), 400, "scores"),
        ("answers is an array", text(with(esq.clone(), "/answers", json!([]))), 400, "answers"),
        ("a body that is an array", b"[]".to_vec(), 400, ""),
        ("an empty body", Vec::new(), 400, ""),
        ("truncated JSON", esq.to_string().as_bytes()[..200].to_vec(), 400, ""),
        ("invalid UTF-8", vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'], 400, ""),
        ("a nesting bomb under the limit", nested, 400, ""),
        ("100000 [ (over the limit)", vec![b'['; 100_000], 413, ""),
        ("a 70 KiB payload", text(big), 413, ""),
    ];
    assert!(cases.len() >= 20);
    for (what, body, status, field) in &cases {
        let (got, headers, text) = post_raw(&s.url("/v1/responses"), body, Some(SHOP));
        assert_eq!(got, *status, "{what}: {text}");
        let err = error_of(&text);
        assert_eq!(err["field"], *field, "{what}: {text}");
        // Errors carry the CORS headers, so the widget can read them.
        assert_eq!(headers.get("access-control-allow-origin").map(String::as_str), Some(SHOP), "{what}");
        assert!(
            headers
                .get("access-control-expose-headers")
                .is_some_and(|h| h.to_ascii_lowercase().contains("retry-after")),
            "{what}"
        );
    }
    assert_eq!(s.count(), 0, "a rejected payload was stored");
    // The server is still fine after all that.
    assert_eq!(post(&s, &esq).0, 201);
    assert_eq!(s.count(), 1);
}

#[test]
fn fifty_concurrent_posts_of_one_id_store_one_row() {
    let dir = scratch("concurrent");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let body = example("esqual_one.json").to_string();
    let barrier = Arc::new(Barrier::new(50));
    let url = s.url("/v1/responses");
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (barrier, url, body) = (barrier.clone(), url.clone(), body.clone());
            std::thread::spawn(move || {
                barrier.wait();
                post_raw(&url, body.as_bytes(), None).0
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().expect("a client thread")).collect();
    assert_eq!(statuses.iter().filter(|&&c| c == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&c| c == 200).count(), 49, "{statuses:?}");
    assert_eq!(s.count(), 1);
}

#[test]
fn cors_allows_listed_origins_and_refuses_others() {
    let dir = scratch("cors");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let url = s.url("/v1/responses");
    let mut payload = example("esqual_one.json");

    let (status, h, body) = post_raw(&url, payload.to_string().as_bytes(), Some(SHOP));
    assert_eq!(status, 201, "{body}");
    assert_eq!(h.get("access-control-allow-origin").map(String::as_str), Some(SHOP));
    assert!(h.get("access-control-expose-headers").is_some_and(|v| v.to_ascii_lowercase().contains("retry-after")));
    assert!(!h.contains_key("access-control-allow-credentials"));

    payload["id"] = json!(uuid(2));
    let (status, h, body) = post_raw(&url, payload.to_string().as_bytes(), Some("https://evil.example"));
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_of(&body)["code"], "forbidden-origin");
    assert!(!h.contains_key("access-control-allow-origin"));
    let (status, _, _) = post_raw(&url, payload.to_string().as_bytes(), Some("https://shop.example.evil.example"));
    assert_eq!(status, 403);
    let (status, _, _) = post_raw(&url, payload.to_string().as_bytes(), Some("null"));
    assert_eq!(status, 403);
    assert_eq!(s.count(), 1, "a refused origin's response was stored");

    // No Origin (a server-side sender) and the collector's own origin are accepted.
    assert_eq!(post_raw(&url, payload.to_string().as_bytes(), None).0, 201);
    payload["id"] = json!(uuid(3));
    assert_eq!(post_raw(&url, payload.to_string().as_bytes(), Some(&s.base)).0, 201);
    assert_eq!(s.count(), 3);

    // Preflight: answered with the allow headers for a listed origin, without them otherwise.
    let pre = |origin: &str| {
        collect(
            agent()
                .options(&url)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-shop-id")
                .call(),
        )
    };
    let (status, h, _) = pre(SHOP);
    assert!(status == 200 || status == 204, "preflight status {status}");
    assert_eq!(h.get("access-control-allow-origin").map(String::as_str), Some(SHOP));
    assert!(h.get("access-control-allow-methods").is_some_and(|m| m.contains("POST")), "{h:?}");
    assert!(
        h.get("access-control-allow-headers").is_some_and(|m| m.to_ascii_lowercase().contains("content-type")),
        "{h:?}"
    );
    assert!(h.contains_key("access-control-max-age"));
    let (_, h, _) = pre("https://evil.example");
    assert!(!h.contains_key("access-control-allow-origin"));
}

#[test]
fn a_client_over_its_rate_gets_429_with_retry_after() {
    let dir = scratch("rate");
    let s = Server::start(&dir, &["--rate-limit", "0.2", "--rate-burst", "3"]);
    let mut payload = example("esqual_one.json");
    let mut statuses = Vec::new();
    let mut limited = None;
    for n in 0..6 {
        payload["id"] = json!(uuid(100 + n));
        let (status, h, body) = post_raw(&s.url("/v1/responses"), payload.to_string().as_bytes(), Some(SHOP));
        statuses.push(status);
        if status == 429 && limited.is_none() {
            limited = Some((h, body));
        }
    }
    assert_eq!(&statuses[..3], &[201, 201, 201], "{statuses:?}");
    assert!(statuses[3..].iter().all(|&c| c == 429), "{statuses:?}");
    let (h, body) = limited.expect("a 429");
    let wait: u64 = h.get("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=10).contains(&wait), "Retry-After {wait}");
    assert_eq!(h.get("access-control-allow-origin").map(String::as_str), Some(SHOP));
    assert!(h.get("access-control-expose-headers").is_some_and(|v| v.to_ascii_lowercase().contains("retry-after")));
    assert_eq!(error_of(&body)["code"], "rate-limited");
    assert_eq!(s.count(), 3);
    // Health and admin routes are not rate limited.
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
}

#[test]
fn admin_routes_need_the_token() {
    let dir = scratch("admin");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    assert!(post(&s, &example("esqual_one.json")).0 == 201);
    let routes = [
        "/v1/report?instrument=e-s-qual",
        "/v1/responses.jsonl",
        "/v1/responses.csv?instrument=e-s-qual",
        "/dashboard",
        "/",
    ];
    for route in routes {
        let (status, h, body) = get(&s.url(route), None);
        assert_eq!(status, 401, "{route}: {body}");
        assert!(h.contains_key("www-authenticate"), "{route}");
        assert_eq!(get(&s.url(route), Some("test-admin-token-012345678X")).0, 401, "{route}");
        assert_eq!(get(&s.url(route), Some(TOKEN)).0, 200, "{route}");
    }
    // The one-time URL sets the cookie and sends the browser on without the token in the URL.
    let (status, h, _) = get(&s.url(&format!("/dashboard?token={TOKEN}")), None);
    assert_eq!(status, 303);
    assert_eq!(h.get("location").map(String::as_str), Some("/dashboard"));
    let cookie = h.get("set-cookie").expect("Set-Cookie").clone();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().expect("name=value").to_string();
    let (status, _, body) = collect(agent().get(&s.url("/dashboard")).header("Cookie", &pair).call());
    assert_eq!(status, 200);
    assert!(body.contains("eservqual"), "{body}");
    let (status, _, _) = collect(agent().get(&s.url("/v1/report?instrument=e-s-qual")).header("Cookie", &pair).call());
    assert_eq!(status, 200);
    assert_eq!(get(&s.url("/dashboard?token=wrong-token-wrong-token"), None).0, 401);
    // Ingest and health need no token.
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
    assert!(!s.log().contains(TOKEN), "the token was logged");
    assert!(!s.banner.iter().any(|l| l.contains(TOKEN)), "a given token is not printed");
}

#[test]
fn a_generated_token_is_printed_once_as_the_dashboard_url_and_never_logged() {
    let dir = scratch("gentoken");
    let s = Server::start(&dir, &["--no-token"]);
    let line = s.banner.iter().find(|l| l.starts_with("dashboard:")).expect("dashboard line");
    let token = line.split("token=").nth(1).expect("a token in the URL").trim().to_string();
    assert!(token.len() >= 32, "{line}");
    assert_eq!(get(&s.url("/v1/responses.jsonl"), Some(&token)).0, 200);
    assert_eq!(get(&s.url(&format!("/dashboard?token={token}")), None).0, 303);
    assert!(!s.log().contains(&token), "the token was logged");
}

#[test]
fn the_report_equals_eservqual_report_on_the_export() {
    let dir = scratch("report");
    let s = Server::start(&dir, &["--rate-limit", "0", "--seed", "150"]);
    assert!(s.banner.iter().any(|l| l.contains("seeded 150")), "{:?}", s.banner);
    assert_eq!(post(&s, &example("esqual_one.json")).0, 201);
    assert_eq!(post(&s, &example("zone_one.json")).0, 201);

    let (status, _, body) = get(&s.url("/v1/report?instrument=e-s-qual&format=perception"), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    let served: Value = serde_json::from_str(&body).expect("report JSON");
    assert_eq!(served["responses"], 151);
    assert!(served["recovery"].is_object(), "seeded responses carry recovery answers");

    let (status, h, jsonl) = get(&s.url("/v1/responses.jsonl?instrument=e-s-qual&format=perception"), Some(TOKEN));
    assert_eq!(status, 200);
    assert!(h.get("content-type").is_some_and(|c| c.contains("ndjson")));
    assert_eq!(jsonl.lines().count(), 151);
    assert!(jsonl.contains("\"comment\""), "seeded responses carry comments");
    let file = dir.join("export.jsonl");
    std::fs::write(&file, &jsonl).expect("write the export");
    let cli = |file: &Path, args: &[&str]| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .arg("report")
            .args(args)
            .arg(file)
            .output()
            .expect("report runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("report JSON")
    };
    assert_same(
        &served,
        &cli(&file, &["--instrument", "e-s-qual", "--format", "perception"]),
        "serve and report (JSONL)",
    );

    // The wide CSV export reads back into the same numbers.
    let (status, _, csv) = get(&s.url("/v1/responses.csv?instrument=e-s-qual&format=perception"), Some(TOKEN));
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 152);
    let csv_file = dir.join("export.csv");
    std::fs::write(&csv_file, &csv).expect("write the export");
    assert_same(
        &served,
        &cli(&csv_file, &["--instrument", "e-s-qual", "--format", "perception"]),
        "serve and report (CSV)",
    );

    // The pretty-printed zone example is exported on one line and reports the same.
    let (_, _, zone_jsonl) = get(&s.url("/v1/responses.jsonl?instrument=servqual&format=zone"), Some(TOKEN));
    assert_eq!(zone_jsonl.lines().count(), 1);
    let zone_file = dir.join("zone.jsonl");
    std::fs::write(&zone_file, &zone_jsonl).expect("write the export");
    let (_, _, zone_report) = get(&s.url("/v1/report?instrument=servqual&format=zone"), Some(TOKEN));
    let zone_report: Value = serde_json::from_str(&zone_report).expect("report JSON");
    assert_same(&zone_report, &cli(&zone_file, &["--instrument", "servqual", "--format", "zone"]), "zone report");

    // from/to filter by submission time.
    let (status, _, body) =
        get(&s.url("/v1/report?instrument=e-s-qual&format=perception&from=2025-06-01&to=2025-06-02"), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["responses"], 1);
    let (status, _, body) = get(&s.url("/v1/report?instrument=e-s-qual&from=June"), Some(TOKEN));
    assert_eq!(status, 400);
    assert_eq!(error_of(&body)["field"], "from");
    let (status, _, body) = get(&s.url("/v1/report?instrument=nope"), Some(TOKEN));
    assert_eq!(status, 400);
    assert_eq!(error_of(&body)["field"], "instrument");

    // A second start on the same database does not seed again.
    drop(s);
    let s = Server::start(&dir, &["--rate-limit", "0", "--seed", "150"]);
    assert!(!s.banner.iter().any(|l| l.contains("seeded")), "{:?}", s.banner);
    assert_eq!(s.count(), 152);
}

/// Four clients POSTing fresh ids to `url` until `budget` attempts, `stop`, the deadline, or a
/// connection error (the server died); the ids answered 2xx go to `acked`.
pub(crate) fn load(
    url: &str,
    phase: u64,
    budget: usize,
    stop: &Arc<AtomicBool>,
    acked: &Arc<Mutex<Vec<String>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    let attempts = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(30);
    (0..4u64)
        .map(|w| {
            let (acked, attempts, stop, url) = (acked.clone(), attempts.clone(), stop.clone(), url.to_string());
            let mut payload = example("esqual_one.json");
            std::thread::spawn(move || {
                let agent = agent();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed)
                        || Instant::now() > deadline
                        || attempts.fetch_add(1, Ordering::Relaxed) >= budget
                    {
                        break;
                    }
                    let id = uuid((phase << 40) | (w << 32) | n);
                    payload["id"] = json!(id);
                    match agent.post(&url).header("Content-Type", "text/plain").send(payload.to_string().as_bytes()) {
                        Ok(r) if r.status().is_success() => acked.lock().expect("lock").push(id),
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        // The server was killed: this client stops.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect()
}

#[test]
fn kill_9_during_a_load_loses_no_acknowledged_response() {
    let dir = scratch("kill9");
    let mut s = Server::start(&dir, &["--rate-limit", "0"]);
    let acked: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    // Phase 1: SIGKILL in the middle of a 3000-POST load, once 1500 were acknowledged.
    let workers = load(&s.url("/v1/responses"), 1, 3000, &stop, &acked);
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().expect("lock").len() < 1500 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    s.child.kill().expect("SIGKILL");
    let _ = s.child.wait();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("a client thread");
    }
    let before = acked.lock().expect("lock").len();
    assert!(before >= 1500, "only {before} acknowledged before the deadline");

    // Phase 2: restart on the same database and load it again.
    let s2 = Server::start(&dir, &["--rate-limit", "0"]);
    let stop = Arc::new(AtomicBool::new(false));
    for w in load(&s2.url("/v1/responses"), 2, 1500, &stop, &acked) {
        w.join().expect("a client thread");
    }
    let acked = acked.lock().expect("lock").clone();
    let ids = s2.exported_ids();
    eprintln!("kill -9 after {before} acknowledged; {} acknowledged in all, {} stored", acked.len(), ids.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in &ids {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "an id is stored twice");
    let lost: Vec<&String> = acked.iter().filter(|id| !seen.contains_key(id.as_str())).collect();
    assert!(lost.is_empty(), "{} acknowledged responses lost, e.g. {:?}", lost.len(), lost.first());
    // A re-send of an acknowledged id stays single.
    let mut payload = example("esqual_one.json");
    payload["id"] = json!(acked[0]);
    assert_eq!(post(&s2, &payload).0, 200);
    assert_eq!(s2.count(), ids.len());
    drop(s);
}

#[test]
fn sigterm_stops_gracefully() {
    let dir = scratch("sigterm");
    let mut s = Server::start(&dir, &[]);
    assert_eq!(post(&s, &example("esqual_one.json")).0, 201);
    let pid = s.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(code) = s.child.try_wait().expect("wait") {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(on_postgres() || s.db.is_file());
}

#[test]
fn bad_options_exit_2_with_one_line() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual")).args(args).output().expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    // A database that cannot be reached is named without the URL's password.
    let (code, err) =
        run(&["serve", "--addr", "127.0.0.1:0", "--database-url", "postgres://u:pass-word-9@127.0.0.1:1/x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--database-url") && err.contains("postgres://u@127.0.0.1:1/x"), "{err}");
    assert!(!err.contains("pass-word-9"), "{err}");
    let (code, err) = run(&["serve", "--addr", "127.0.0.1:0", "--database-url", "mysql://u:pass-word-9@db/x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unsupported database URL") && !err.contains("pass-word-9"), "{err}");
    let (code, err) = run(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--allow-origin",
        "https://shop.example/path",
        "--db",
        "/nonexistent-dir/x.db",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--allow-origin"), "{err}");
    let (code, err) = run(&["serve", "--addr", "127.0.0.1:0", "--admin-token", "short"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--admin-token"), "{err}");
}

#[test]
fn a_request_in_flight_at_sigterm_is_finished() {
    use std::io::Write;
    let dir = scratch("drain");
    let mut s = Server::start(&dir, &[]);
    let body = example("esqual_one.json").to_string();
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let head = format!(
        "POST /v1/responses HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    conn.write_all(head.as_bytes()).and_then(|()| conn.write_all(first)).expect("send half");
    std::thread::sleep(Duration::from_millis(200));
    let pid = s.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    std::thread::sleep(Duration::from_millis(200));
    conn.write_all(rest).expect("send the rest");
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut conn, &mut answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let code = s.child.wait().expect("exit");
    assert!(code.success(), "{code}");
    // It was committed: a new collector on the same file has it.
    let s2 = Server::start(&dir, &[]);
    assert_eq!(s2.count(), 1);
}

#[test]
fn custom_instruments_static_files_and_the_dashboard_page() {
    let dir = scratch("custom");
    let www = dir.join("www");
    std::fs::create_dir_all(www.join("dashboard")).expect("www");
    std::fs::write(www.join("hello.txt"), "hello from www\n").expect("write");
    std::fs::write(www.join("dashboard/index.html"), "<!doctype html><title>Dashboard</title>").expect("write");
    std::fs::write(www.join("dashboard/app.js"), "console.log(1);\n").expect("write");
    let custom = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/examples/custom-instrument.json");
    let custom = custom.display().to_string();
    let s = Server::start(&dir, &["--rate-limit", "0", "--instrument", &custom, "--www", "www"]);
    let payload = json!({
        "schema": "eservqual.response/1",
        "id": uuid(7),
        "instrument": { "id": "food-delivery", "version": "2025.1", "format": "perception" },
        "scale": { "min": 1, "max": 5 },
        "locale": "en",
        "submitted_at": "2025-06-02T08:15:30Z",
        "answers": { "APP1": { "p": 4 }, "DEL1": { "p": 2 }, "FOOD1": { "p": 5 } },
        "scores": {},
        "sdk": { "name": "eservqual", "version": "0.1.0" }
    });
    let (status, _, body) = post(&s, &payload);
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON")["scores_mismatch"],
        true,
        "empty client scores are flagged"
    );
    let (status, _, body) = get(&s.url("/v1/report?instrument=food-delivery"), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["responses"], 1);
    let (status, _, body) = post(&s, &with(payload.clone(), "/answers/XXX1", json!({"p": 1})));
    assert_eq!((status, error_of(&body)["field"].clone()), (400, json!("answers.XXX1")));

    let (status, _, body) = get(&s.url("/hello.txt"), None);
    assert_eq!((status, body.as_str()), (200, "hello from www\n"));
    let (status, h, body) = get(&s.url("/dashboard"), Some(TOKEN));
    assert_eq!(status, 200);
    assert!(h.get("content-type").is_some_and(|c| c.starts_with("text/html")), "{h:?}");
    assert!(body.contains("<title>Dashboard</title>"));
    assert_eq!(get(&s.url("/dashboard/app.js"), None).0, 401, "dashboard files are admin only");
    let (status, _, body) = get(&s.url("/dashboard/app.js"), Some(TOKEN));
    assert_eq!((status, body.as_str()), (200, "console.log(1);\n"));
    assert_eq!(get(&s.url("/dashboard/nope.js"), Some(TOKEN)).0, 404);
    assert_eq!(get(&s.url("/no-such-file"), None).0, 404);
    assert_eq!(get(&s.url("/../Cargo.toml"), None).0, 404);

    // Reports and exports are compressed for clients that ask.
    let (status, h, _) = collect(
        agent()
            .get(&s.url("/v1/report?instrument=food-delivery"))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .header("Accept-Encoding", "gzip")
            .call(),
    );
    assert_eq!(status, 200);
    assert_eq!(h.get("content-encoding").map(String::as_str), Some("gzip"));

    // Without --instrument the same payload is for an unknown instrument.
    drop(s);
    let s = Server::start_on(&dir, "other.db", &["--rate-limit", "0"]);
    let (status, _, body) = post(&s, &with(payload, "/id", json!(uuid(8))));
    assert_eq!((status, error_of(&body)["field"].clone()), (400, json!("instrument.id")));
}
