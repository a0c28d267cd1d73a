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

pub(crate) const TOKEN: &str = "test-admin-token-0123456789abcdef";
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

/// A payload of the test data folder, submitted now (the collector refuses times far from the
/// time received).
pub(crate) fn example(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut v: Value = serde_json::from_str(&text).expect("example payload is JSON");
    v["submitted_at"] = json!(now_text(0));
    if v.get("started_at").is_some() {
        v["started_at"] = json!(now_text(-60));
    }
    v
}

/// The time now plus `secs` seconds, RFC 3339 in UTC, whole seconds.
fn now_text(secs: i64) -> String {
    let t = jiff::Timestamp::now().as_second() + secs;
    jiff::Timestamp::from_second(t).expect("a time in range").to_string()
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
        // `@ulimit-f=KIB` runs the binary under that file-size limit (a full disk, for its files).
        let limit = extra.iter().find_map(|a| a.strip_prefix("@ulimit-f="));
        args.extend(extra.iter().filter(|a| **a != "--no-token" && !a.starts_with('@')).map(|a| a.to_string()));
        let mut child = limited(limit)
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

/// The binary, under a file-size limit of `kib` KiB when given (through bash's `ulimit -f`).
fn limited(kib: Option<&str>) -> Command {
    match kib {
        Some(kib) => {
            let mut c = Command::new("bash");
            c.args(["-c", &format!("ulimit -f {kib} && exec \"$0\" \"$@\""), env!("CARGO_BIN_EXE_eservqual")]);
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_eservqual")),
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

/// `body` POSTed `n` times at once (released together by a barrier), the i-th time to
/// `urls[i % urls.len()]`; the statuses in order.
pub(crate) fn post_at_once(urls: &[String], body: &str, n: usize) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, url, body) = (barrier.clone(), urls[i % urls.len()].clone(), body.to_string());
            std::thread::spawn(move || {
                barrier.wait();
                post_raw(&url, body.as_bytes(), None).0
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("a client thread")).collect()
}

#[test]
fn fifty_concurrent_posts_of_one_id_store_one_row() {
    let dir = scratch("concurrent");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let body = example("esqual_one.json").to_string();
    let statuses = post_at_once(&[s.url("/v1/responses")], &body, 50);
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
        "/v1/distributions?instrument=e-s-qual",
        "/v1/comments?instrument=e-s-qual",
        "/v1/responses.jsonl",
        "/v1/responses.csv?instrument=e-s-qual",
        "/dashboard",
        "/",
    ];
    for route in routes {
        let (status, h, body) = get(&s.url(route), None);
        assert_eq!(status, 401, "{route}: {body}");
        assert!(h.contains_key("www-authenticate"), "{route}");
        assert_eq!(error_of(&body)["code"], "unauthorized", "{route}");
        assert_eq!(get(&s.url(route), Some("test-admin-token-0123456789abcdeX")).0, 401, "{route}");
        let (status, h, _) = get(&s.url(route), Some(TOKEN));
        assert_eq!(status, 200, "{route}");
        // An admin answer is never kept by a cache, nor is its refusal or a bad query.
        assert_eq!(h.get("cache-control").map(String::as_str), Some("no-store"), "{route}");
    }
    for route in ["/v1/report?instrument=nope", "/v1/comments?instrument=e-s-qual&limit=0", "/v1/report"] {
        let (status, h, _) = get(&s.url(route), Some(TOKEN));
        assert_eq!(status, 400, "{route}");
        assert_eq!(h.get("cache-control").map(String::as_str), Some("no-store"), "{route}");
        assert_eq!(get(&s.url(route), None).0, 401, "{route}: the token is checked before the query");
    }
    // The one-time URL sets a session cookie and sends the browser on without the code.
    let url = one_time_url(&s);
    let (status, h, _) = get(&s.url(&url), None);
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
    assert_eq!(get(&s.url("/dashboard?code=0123456789abcdef0123456789abcdef"), None).0, 401);
    // Ingest and health need no token.
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
    assert!(!s.log().contains(TOKEN), "the token was logged");
    assert!(!s.banner.iter().any(|l| l.contains(TOKEN)), "a given token is not printed");
}

#[test]
fn a_generated_token_is_printed_once_at_startup_and_never_logged() {
    let dir = scratch("gentoken");
    let s = Server::start(&dir, &["--no-token"]);
    let line = s.banner.iter().find(|l| l.starts_with("admin token")).expect("admin token line");
    let token = line.rsplit(' ').next().expect("the token").trim().to_string();
    assert!(token.len() >= 32, "{line}");
    assert_eq!(get(&s.url("/v1/responses.jsonl"), Some(&token)).0, 200);
    let line = s.banner.iter().find(|l| l.starts_with("dashboard:")).expect("dashboard line");
    assert!(!line.contains(&token), "{line}");
    let url = line.split_whitespace().nth(1).expect("a URL");
    assert_eq!(get(url, None).0, 303);
    assert!(!s.log().contains(&token), "the token was logged");
}

/// A fresh one-time dashboard URL (path and query) from `POST /v1/session`.
fn one_time_url(s: &Server) -> String {
    let (status, _, body) =
        collect(agent().post(&s.url("/v1/session")).header("Authorization", format!("Bearer {TOKEN}")).send(&b""[..]));
    assert_eq!(status, 201, "{body}");
    let v: Value = serde_json::from_str(&body).expect("JSON");
    v["url"].as_str().expect("a url").to_string()
}

#[test]
fn the_admin_session_is_a_one_time_code_for_an_expiring_cookie_and_admin_routes_have_no_cors() {
    let dir = scratch("session");
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("write");
    let tf = token_file.display().to_string();
    let s = Server::start(&dir, &["--no-token", "--rate-limit", "0", "--admin-token-file", &tf]);
    // The startup URL works once; the token is not in it and not printed.
    let line = s.banner.iter().find(|l| l.starts_with("dashboard:")).expect("dashboard line");
    assert!(!s.banner.iter().any(|l| l.contains(TOKEN)), "{:?}", s.banner);
    let url = line.split_whitespace().nth(1).expect("a URL").to_string();
    assert!(url.contains("?code="), "{url}");
    let (status, h, _) = get(&url, None);
    assert_eq!(status, 303);
    let cookie = h.get("set-cookie").expect("Set-Cookie").clone();
    assert!(!cookie.contains(TOKEN), "the cookie holds the token: {cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    assert_eq!(get(&url, None).0, 401, "the one-time URL worked twice");
    // The token itself is no cookie value and is not taken in a URL.
    let (status, _, _) =
        collect(agent().get(&s.url("/dashboard")).header("Cookie", format!("eservqual_session={TOKEN}")).call());
    assert_eq!(status, 401);
    let (status, _, _) =
        collect(agent().get(&s.url("/dashboard")).header("Cookie", format!("eservqual_admin={TOKEN}")).call());
    assert_eq!(status, 401);
    assert_eq!(get(&s.url(&format!("/dashboard?token={TOKEN}")), None).0, 401);
    // A new one-time URL needs the token.
    let (status, _, _) = collect(agent().post(&s.url("/v1/session")).send(&b""[..]));
    assert_eq!(status, 401);
    assert_eq!(get(&s.url(&one_time_url(&s)), None).0, 303);
    // No CORS on admin routes, even for the shop's origin with the token.
    for route in ["/v1/report?instrument=e-s-qual", "/v1/responses.jsonl", "/v1/responses.csv?instrument=e-s-qual"] {
        let (status, h, _) = collect(
            agent().get(&s.url(route)).header("Origin", SHOP).header("Authorization", format!("Bearer {TOKEN}")).call(),
        );
        assert_eq!(status, 200, "{route}");
        assert!(!h.keys().any(|k| k.starts_with("access-control-")), "{route}: {h:?}");
    }
    // Weak tokens are refused.
    let run = |token: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(["serve", "--addr", "127.0.0.1:0", "--admin-token", token])
            .output()
            .expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    for weak in ["0123456789abcdef", &"a".repeat(40), &"ab".repeat(20)] {
        let (code, err) = run(weak);
        assert_eq!(code, Some(2), "{weak}: {err}");
        assert!(err.contains("--admin-token"), "{err}");
    }
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
    let mut served: Value = serde_json::from_str(&body).expect("report JSON");
    assert_eq!(served["responses"], 151);
    // The collector adds the count of flagged responses, which `eservqual report` cannot know.
    assert_eq!(served.as_object_mut().and_then(|m| m.remove("scores_mismatch")), Some(json!(0)));
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
    let mut zone_report: Value = serde_json::from_str(&zone_report).expect("report JSON");
    zone_report.as_object_mut().map(|m| m.remove("scores_mismatch"));
    assert_same(&zone_report, &cli(&zone_file, &["--instrument", "servqual", "--format", "zone"]), "zone report");

    // from/to filter by submission time.
    // (The seeded responses are all a minute or more older than the start.)
    let (status, _, body) =
        get(&s.url(&format!("/v1/report?instrument=e-s-qual&format=perception&from={}", now_text(-30))), Some(TOKEN));
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

    // A comment goes out in the CSV too, quoted where it needs to be, and one a spreadsheet would
    // run as a formula goes out neutralised; the export still reads back.
    let mut commented = example("esqual_one.json");
    commented["id"] = json!(uuid(0xc0ffee));
    commented["outcomes"]["comment"] = json!("=HYPERLINK(\"http://evil.example\"), said \"hi\"");
    assert_eq!(post(&s, &commented).0, 201);
    let (_, _, csv) = get(&s.url("/v1/responses.csv?instrument=e-s-qual&format=perception"), Some(TOKEN));
    let header = csv.lines().next().expect("a header");
    assert!(header.ends_with(",comment,scores_mismatch"), "{header}");
    let line = csv.lines().find(|l| l.starts_with(&uuid(0xc0ffee))).expect("the commented row");
    assert!(line.ends_with(",\"'=HYPERLINK(\"\"http://evil.example\"\"), said \"\"hi\"\"\",0"), "{line}");
    let csv_file = dir.join("commented.csv");
    std::fs::write(&csv_file, &csv).expect("write the export");
    let from_csv = cli(&csv_file, &["--instrument", "e-s-qual", "--format", "perception"]);
    assert_eq!(from_csv["responses"], 152);
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
    // A re-send of an acknowledged response (the same body) stays single.
    let (_, _, jsonl) = get(&s2.url("/v1/responses.jsonl"), Some(TOKEN));
    let first = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .find(|v| v["id"] == json!(acked[0]))
        .expect("the first acknowledged response");
    assert_eq!(post(&s2, &first).0, 200);
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
    // A segment key with `=` (the summaries' segment column is KEY=VALUE), before any store.
    for cmd in [&["serve", "--addr", "127.0.0.1:0"][..], &["summaries", "rebuild"][..]] {
        let args = [cmd, &["--segment", "channel,utm=x", "--db", "/nonexistent-dir/x.db"][..]].concat();
        let (code, err) = run(&args);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("--segment") && err.contains("'utm=x'"), "{err}");
    }
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
        "scores": {},
        "sdk": { "name": "eservqual", "version": "0.1.0" },
        "submitted_at": now_text(0),
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
    let report: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(report["responses"], 1);
    // The dashboard's names and scale: the instrument file's, not the built-in wording.
    assert_eq!(report["scale"], json!({"min": 1, "max": 5}));
    assert_eq!(
        report["labels"],
        json!({
            "APP": {"name": {"en": "Ordering in the app", "zh-CN": "应用内点餐", "zh-TW": "應用程式內點餐"}},
            "DEL": {"name": {"en": "Delivery", "zh-CN": "配送", "zh-TW": "外送"}},
            "FOOD": {"name": {"en": "Order accuracy and food condition", "zh-CN": "订单准确与餐品状况", "zh-TW": "訂單正確與餐點狀況"}}
        })
    );
    let (status, _, body) = get(&s.url("/v1/report?instrument=servqual&format=zone"), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(report["scale"], json!({"min": 1, "max": 9}));
    assert_eq!(report["labels"]["TAN"]["name"]["zh-TW"], "有形性");
    assert_eq!(report["labels"]["EMP"]["hint"]["en"], "Whether you get caring, individual attention.");
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

/// A connection to `server` from the loopback address `source` (127.0.0.2, ...), so a test
/// can play several clients on one machine.
fn connect_from(source: &str, server: &Server) -> std::net::TcpStream {
    let addr: std::net::SocketAddr = server.base.trim_start_matches("http://").parse().expect("address");
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("runtime");
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind(format!("{source}:0").parse().expect("source")).expect("bind");
        socket.connect(addr).await.expect("connect")
    });
    let stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream
}

/// Holds `stream` open as a slow client (sending nothing, or one header byte every 100 ms)
/// until the server closes it or `limit` passes; how long it stayed open, `None` if it did not
/// close.
fn hold(mut stream: std::net::TcpStream, trickle: bool, limit: Duration) -> Option<Duration> {
    use std::io::{Read, Write};
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(100))).expect("timeout");
    let mut head =
        b"POST /v1/responses HTTP/1.1\r\nHost: collector\r\nX-Slow: ".iter().copied().chain(std::iter::repeat(b'a'));
    let mut buf = [0u8; 1024];
    while start.elapsed() < limit {
        if trickle && stream.write_all(&[head.next().unwrap_or(b'a')]).is_err() {
            return Some(start.elapsed());
        }
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return Some(start.elapsed()),
        }
    }
    None
}

#[test]
fn slow_clients_are_capped_and_timed_out_while_others_are_served() {
    let dir = scratch("slow");
    let s = Server::start(
        &dir,
        &[
            "--rate-limit",
            "0",
            "--header-timeout",
            "2",
            "--request-timeout",
            "1",
            "--max-connections",
            "40",
            "--max-connections-per-ip",
            "16",
        ],
    );
    let limit = Duration::from_secs(6);
    // 60 slow clients from one address, half silent, half trickling their headers.
    let slow: Vec<_> = (0..60)
        .map(|i| {
            let stream = connect_from("127.0.0.2", &s);
            std::thread::spawn(move || hold(stream, i % 2 == 1, limit))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Meanwhile everyone else is served.
    let start = Instant::now();
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
    assert_eq!(post(&s, &example("esqual_one.json")).0, 201);
    assert!(start.elapsed() < Duration::from_secs(3), "answers took {:?}", start.elapsed());
    let open_for: Vec<Option<Duration>> = slow.into_iter().map(|h| h.join().expect("a client")).collect();
    assert!(open_for.iter().all(Option::is_some), "slow clients still open after {limit:?}: {open_for:?}");
    let at_once = open_for.iter().flatten().filter(|d| **d < Duration::from_millis(900)).count();
    assert!(at_once >= 60 - 16, "only {at_once} connections over the per-address cap were closed at once");
    assert!(open_for.iter().flatten().all(|d| *d < Duration::from_secs(5)), "{open_for:?}");

    // The cap in all: 50 silent clients from five addresses (10 each, under the per-address
    // cap) hold at most 40 connections; after the header timeout all are closed.
    let silent: Vec<_> = (0..50)
        .map(|i| {
            let stream = connect_from(&format!("127.0.0.{}", 3 + i % 5), &s);
            std::thread::spawn(move || hold(stream, false, limit))
        })
        .collect();
    let open_for: Vec<Option<Duration>> = silent.into_iter().map(|h| h.join().expect("a client")).collect();
    assert!(open_for.iter().all(Option::is_some), "{open_for:?}");
    let at_once = open_for.iter().flatten().filter(|d| **d < Duration::from_millis(900)).count();
    assert!(at_once >= 10, "only {at_once} connections over the cap in all were closed at once");
    assert_eq!(get(&s.url("/healthz"), None).0, 200);

    // A body that trickles is answered 408 with the JSON error shape by the request timeout.
    use std::io::{Read, Write};
    let mut conn = connect_from("127.0.0.9", &s);
    conn.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let head = "POST /v1/responses HTTP/1.1\r\nHost: collector\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{\"schema\"";
    conn.write_all(head.as_bytes()).expect("send");
    let start = Instant::now();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"timeout\""), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
}

#[test]
fn unbounded_inputs_are_refused_and_the_report_stays_on_its_scale() {
    let dir = scratch("bounds");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let esq = example("esqual_one.json");
    let huge = json!({"EFF": 1e308, "SYS": 1e308, "FUL": 1e308, "PRI": 1e308});
    // (what, payload, field)
    let cases: Vec<(&str, Value, &str)> = vec![
        ("weights of 1e308 (their total overflows)", with(esq.clone(), "/weights", huge), "weights.EFF"),
        (
            "a weight over 100",
            with(esq.clone(), "/weights", json!({"EFF": 101, "SYS": 0, "FUL": 0, "PRI": 0})),
            "weights.EFF",
        ),
        ("year 0", with(esq.clone(), "/submitted_at", json!("0000-01-01T00:00:00Z")), "submitted_at"),
        ("1970", with(esq.clone(), "/submitted_at", json!("1970-01-01T00:00:00Z")), "submitted_at"),
        ("2099", with(esq.clone(), "/submitted_at", json!("2099-01-01T00:00:00Z")), "submitted_at"),
        ("three days late", with(esq.clone(), "/submitted_at", json!(now_text(-3 * 86_400))), "submitted_at"),
        ("two days ahead", with(esq.clone(), "/submitted_at", json!(now_text(2 * 86_400))), "submitted_at"),
        ("a 60,000-character locale", with(esq.clone(), "/locale", json!("x".repeat(60_000))), "locale"),
        ("a long site", with(esq.clone(), "/site", json!("s".repeat(101))), "site"),
        ("a long page", with(esq.clone(), "/page", json!("/".repeat(2001))), "page"),
        ("a long sdk name", with(esq.clone(), "/sdk/name", json!("n".repeat(101))), "sdk.name"),
        ("a long meta value", with(esq.clone(), "/meta", json!({"k": "v".repeat(2001)})), "meta.k"),
        (
            "a time with a long fraction",
            with(esq.clone(), "/started_at", json!(format!("2025-06-02T08:15:30.{}Z", "1".repeat(50)))),
            "started_at",
        ),
    ];
    for (what, payload, field) in &cases {
        let (status, _, body) = post(&s, payload);
        assert_eq!(status, 400, "{what}: {body}");
        assert_eq!(error_of(&body)["field"], *field, "{what}: {body}");
    }
    assert_eq!(s.count(), 0, "a refused payload was stored");
    // Within the bounds: a day late and an hour ahead pass; the weighted mean stays on 1-5.
    let mut late = with(esq.clone(), "/submitted_at", json!(now_text(-86_400)));
    late["weights"] = json!({"EFF": 100, "SYS": 100, "FUL": 100, "PRI": 100});
    assert_eq!(post(&s, &late).0, 201);
    let ahead = with(with(esq.clone(), "/id", json!(uuid(77))), "/submitted_at", json!(now_text(3600)));
    assert_eq!(post(&s, &ahead).0, 201);
    let (status, _, body) = get(&s.url("/v1/report?instrument=e-s-qual"), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).expect("JSON");
    let mean = report["overall"]["p_weighted"]["mean"].as_f64().expect("a weighted mean");
    assert!((1.0..=5.0).contains(&mean), "{mean}");
}

#[test]
fn healthz_fails_while_writes_fail_and_an_unwritable_database_is_refused_at_start() {
    if on_postgres() {
        // A file-size limit cannot reach a database server: on PostgreSQL the database stopped
        // under load (serve_pg.rs) is the failing write.
        return;
    }
    let dir = scratch("full");
    // A file-size limit of 384 KiB plays a full disk: the journal cannot grow past it.
    let s = Server::start(&dir, &["--rate-limit", "0", "@ulimit-f=384"]);
    assert_eq!(get(&s.url("/healthz"), None).0, 200);
    let mut payload = example("esqual_one.json");
    payload["outcomes"]["comment"] = json!("x".repeat(2000));
    let mut refused = None;
    for n in 0..200 {
        payload["id"] = json!(uuid(5000 + n));
        let (status, _, body) = post(&s, &payload);
        if status == 503 {
            refused = Some(n);
            break;
        }
        assert_eq!(status, 201, "{body}");
    }
    assert!(refused.is_some(), "every write succeeded under the limit");
    let (status, _, body) = get(&s.url("/healthz"), None);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("cannot be written"), "{body}");
    let db = s.db.display().to_string();
    drop(s);
    // Started again on the full database (with less room still): refused at once, saying why.
    let out = limited(Some("64"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &db, "--admin-token", TOKEN])
        .env_remove("ESERVQUAL_ADMIN_TOKEN")
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot be written"), "{err}");
}

/// `GET path` sent as written (no client normalises it) with optional extra header lines; the
/// status, the head and the body.
fn raw_get(server: &Server, path: &str, extra: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let addr = server.base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(conn, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn static_files_stay_in_their_folder_and_the_dashboard_behind_the_token() {
    let dir = scratch("static");
    let www = dir.join("www");
    std::fs::create_dir_all(www.join("dashboard")).expect("www");
    std::fs::write(www.join("hello.txt"), "hello from www\n").expect("write");
    std::fs::write(www.join(".env"), "SECRET=1\n").expect("write");
    std::fs::write(www.join("dashboard/index.html"), "<!doctype html><title>Dashboard</title>").expect("write");
    std::fs::write(www.join("dashboard/dashboard.js"), "console.log('admin');\n").expect("write");
    std::fs::write(dir.join("outside.txt"), "outside the folder\n").expect("write");
    std::os::unix::fs::symlink(dir.join("outside.txt"), www.join("passwd")).expect("link");
    std::fs::create_dir_all(www.join("shop")).expect("www");
    std::fs::write(www.join("shop/index.html"), "<!doctype html><title>Shop</title>").expect("write");
    let s = Server::start(&dir, &["--rate-limit", "0", "--www", "www"]);
    // A folder is its index.html, reached with the trailing slash.
    let (status, head, _) = raw_get(&s, "/shop", "");
    assert!(status == 308 && head.contains("location: /shop/"), "{head}");
    let (status, _, body) = raw_get(&s, "/shop/", "");
    assert_eq!((status, body.as_str()), (200, "<!doctype html><title>Shop</title>"));

    let (status, head, body) = raw_get(&s, "/hello.txt", "");
    assert_eq!((status, body.as_str()), (200, "hello from www\n"));
    for needle in [
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
        "content-security-policy: default-src 'self'",
        "frame-ancestors 'none'",
        "cache-control: no-cache",
    ] {
        assert!(head.contains(needle), "{needle} missing: {head}");
    }
    for path in ["/.env", "/%2eenv", "/passwd", "/../outside.txt", "/%2e%2e/outside.txt"] {
        let (status, _, body) = raw_get(&s, path, "");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("SECRET") && !body.contains("outside the folder"), "{path}: {body}");
    }
    // The dashboard's files only behind the token, whatever the spelling of the path.
    for path in ["/dashboard/", "/dashboard/dashboard.js", "//dashboard/index.html", "/%64ashboard/dashboard.js"] {
        let (status, _, body) = raw_get(&s, path, "");
        assert!(status == 401 || status == 404, "{path}: {status} {body}");
        assert!(!body.contains("console.log") && !body.contains("<title>"), "{path}: {body}");
    }
    let auth = format!("Authorization: Bearer {TOKEN}\r\n");
    let (status, head, body) = raw_get(&s, "/dashboard/dashboard.js", &auth);
    assert_eq!((status, body.as_str()), (200, "console.log('admin');\n"));
    assert!(head.contains("content-security-policy: default-src 'none'") && head.contains("no-store"), "{head}");
    // API answers, errors included, carry nosniff.
    let (_, head, _) = raw_get(&s, "/healthz", "");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    let (status, h, _) = post_raw(&s.url("/v1/responses"), b"{}", None);
    assert_eq!(status, 400);
    assert_eq!(h.get("x-content-type-options").map(String::as_str), Some("nosniff"));

    // Without --www no static file is served; the dashboard still is, to the admin.
    drop(s);
    let s = Server::start_on(&dir, "other.db", &["--rate-limit", "0"]);
    assert_eq!(raw_get(&s, "/hello.txt", "").0, 404);
    let (status, _, body) = raw_get(&s, "/dashboard", &auth);
    assert_eq!(status, 200);
    assert!(body.contains("<title>Dashboard</title>"), "{body}");
}

#[test]
fn what_the_collector_knows_it_says_and_ambiguous_bodies_are_refused() {
    let dir = scratch("says");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let url = s.url("/v1/responses");
    // A forged score is stored with a flag that the report counts and both exports mark.
    let mut forged = example("esqual_one.json");
    forged["scores"]["overall"]["p"] = json!(1.5);
    assert_eq!(post(&s, &forged).0, 201);
    let honest = with(example("esqual_one.json"), "/id", json!(uuid(31)));
    assert_eq!(post(&s, &honest).0, 201);
    let (_, _, body) = get(&s.url("/v1/report?instrument=e-s-qual"), Some(TOKEN));
    let report: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!((report["responses"].clone(), report["scores_mismatch"].clone()), (json!(2), json!(1)), "{body}");
    let (_, _, jsonl) = get(&s.url("/v1/responses.jsonl"), Some(TOKEN));
    let lines: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines[0]["collector"]["scores_mismatch"], true, "{jsonl}");
    assert!(lines[1].get("collector").is_none(), "{jsonl}");
    let (_, _, csv) = get(&s.url("/v1/responses.csv?instrument=e-s-qual"), Some(TOKEN));
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].ends_with(",scores_mismatch") && rows[1].ends_with(",1") && rows[2].ends_with(",0"), "{csv}");
    // The exports still read back with `eservqual report`.
    for (name, text) in [("e.jsonl", &jsonl), ("e.csv", &csv)] {
        let file = dir.join(name);
        std::fs::write(&file, text).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(["report", "--instrument", "e-s-qual"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A client cannot send the export's flag itself.
    let (status, _, body) =
        post(&s, &with(with(honest.clone(), "/id", json!(uuid(32))), "/collector", json!({"scores_mismatch": false})));
    assert_eq!((status, error_of(&body)["field"].clone()), (400, json!("collector")), "{body}");

    // The same id with another body is a 409; the same body again (any id case) a 200.
    let mut changed = honest.clone();
    changed["answers"]["EFF1"]["p"] = json!(1);
    let (status, _, body) = post(&s, &changed);
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_of(&body)["code"], "conflict");
    let upper = with(honest.clone(), "/id", json!(uuid(31).to_ascii_uppercase()));
    assert_eq!(post(&s, &upper).0, 200);

    // Duplicate keys: a 400 naming the key.
    let text = honest.to_string();
    let dup = text.replacen("\"page\":\"/checkout/complete\"", "\"page\":\"/checkout/complete\",\"page\":\"/x\"", 1);
    assert_ne!(dup, text);
    let (status, _, body) = post_raw(&url, dup.as_bytes(), None);
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        (error_of(&body)["code"].clone(), error_of(&body)["field"].clone()),
        (json!("duplicate-key"), json!("page"))
    );

    // A charset other than UTF-8 is refused.
    let fresh = with(honest.clone(), "/id", json!(uuid(33))).to_string();
    let (status, _, body) =
        collect(agent().post(&url).header("Content-Type", "text/plain; charset=ISO-8859-1").send(fresh.as_bytes()));
    assert_eq!(status, 415, "{body}");
    let (status, _, _) = collect(
        agent().post(&url).header("Content-Type", "application/json; charset=\"utf-8\"").send(fresh.as_bytes()),
    );
    assert_eq!(status, 201);

    // Host equal to Origin is not same-origin (a DNS-rebinding page); the collector's own is.
    use std::io::{Read, Write};
    let addr = s.base.trim_start_matches("http://").to_string();
    let port = addr.rsplit(':').next().expect("port");
    let body = with(honest.clone(), "/id", json!(uuid(34))).to_string();
    let rebound = format!("evil.example:{port}");
    for (host, origin, want) in
        [(rebound.as_str(), format!("http://{rebound}"), "403"), (addr.as_str(), s.base.clone(), "201")]
    {
        let mut conn = std::net::TcpStream::connect(&addr).expect("connect");
        conn.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        write!(
            conn,
            "POST /v1/responses HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut answer = String::new();
        let _ = conn.read_to_string(&mut answer);
        assert!(answer.starts_with(&format!("HTTP/1.1 {want}")), "{host}: {answer}");
    }
}

#[test]
fn behind_a_trusted_proxy_each_visitor_has_its_own_rate_limit_and_https_is_believed() {
    let dir = scratch("proxy");
    let s = Server::start(&dir, &["--rate-limit", "0.2", "--rate-burst", "2", "--trust-proxy", "127.0.0.0/8"]);
    let url = s.url("/v1/responses");
    let mut payload = example("esqual_one.json");
    let mut send = |n: u64, forwarded: &[(&str, &str)]| {
        payload["id"] = json!(uuid(900 + n));
        let mut req = agent().post(&url).header("Content-Type", "text/plain");
        for (k, v) in forwarded {
            req = req.header(*k, *v);
        }
        collect(req.send(payload.to_string().as_bytes())).0
    };
    // Two visitors behind the proxy: each gets its own burst.
    let a = [("X-Forwarded-For", "203.0.113.1")];
    let b = [("Forwarded", "for=\"[2001:db8::2]:4711\";proto=https")];
    assert_eq!([send(1, &a), send(2, &a), send(3, &a)], [201, 201, 429]);
    assert_eq!([send(4, &b), send(5, &b), send(6, &b)], [201, 201, 429]);
    // A client naming a proxy in its own header is still itself (the proxy's own address).
    assert_eq!(send(7, &[("X-Forwarded-For", "198.51.100.9, 127.0.0.1")]), 201);
    assert!(s.log().contains("203.0.113.1"), "the log names the forwarded client");
    // The session cookie is Secure when the trusted proxy says the request came over https.
    let (status, h, body) = collect(
        agent()
            .get(&s.url(&one_time_url(&s)))
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-For", "203.0.113.50")
            .call(),
    );
    assert_eq!(status, 303, "{body}");
    assert!(h.get("set-cookie").is_some_and(|c| c.contains("; Secure")), "{h:?}");

    // Without --trust-proxy the same headers are ignored: one bucket, no Secure.
    drop(s);
    let s = Server::start_on(&dir, "other.db", &["--rate-limit", "0.2", "--rate-burst", "2"]);
    let url = s.url("/v1/responses");
    let mut payload = example("esqual_one.json");
    let statuses: Vec<u16> = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
        .iter()
        .enumerate()
        .map(|(n, ip)| {
            payload["id"] = json!(uuid(950 + n as u64));
            let req = agent().post(&url).header("Content-Type", "text/plain").header("X-Forwarded-For", *ip);
            collect(req.send(payload.to_string().as_bytes())).0
        })
        .collect();
    assert_eq!(statuses, [201, 201, 429]);
    let (_, h, _) = collect(agent().get(&s.url(&one_time_url(&s))).header("X-Forwarded-Proto", "https").call());
    assert!(h.get("set-cookie").is_some_and(|c| !c.contains("Secure")), "{h:?}");
}

#[test]
fn a_read_only_database_is_refused_at_start_saying_so() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if on_postgres() {
        // File permissions are SQLite's; PostgreSQL's own refusals are in serve_pg.rs.
        return;
    }
    // Root writes through file permissions, so as root the collector runs as `nobody` (setpriv,
    // util-linux), in a folder it may create files in, on a database file it may only read.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let dir = scratch("readonly");
    drop(Server::start(&dir, &[]));
    let db = dir.join("t.db");
    for f in ["t.db-wal", "t.db-shm"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let mut cmd = Command::new(if root { "setpriv" } else { env!("CARGO_BIN_EXE_eservqual") });
    if root {
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_eservqual")]);
    }
    let out =
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--admin-token", TOKEN, "--db"]).arg(&db).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("read-only") || err.contains("cannot be written"), "{err}");
}

/// Runs `sql` on the store `db` of the test folder `dir` (SQLite file or PostgreSQL database).
pub(crate) fn execute_sql(dir: &Path, db: &str, sql: &str) {
    if on_postgres() {
        let url = common::pg::database(&common::pg::base_url(), &common::pg::database_name(dir, db));
        common::pg::execute(&url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    } else {
        let conn = rusqlite::Connection::open(dir.join(db)).expect("open the database");
        conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
        conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// A small seeded generator (xorshift), for synthetic answers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A form of the summary tests: instrument, format, dimension set or "", item codes by
/// dimension, scale.
type TestForm = (&'static str, &'static str, &'static str, Vec<(String, Vec<String>)>, (i64, i64));

/// The forms of the summary tests.
fn forms() -> Vec<TestForm> {
    let codes = |template: &str| -> Vec<(String, Vec<String>)> {
        let v = example(template);
        let mut dims: Vec<(String, Vec<String>)> = Vec::new();
        for code in v["answers"].as_object().expect("answers").keys() {
            let dim: String = code.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            match dims.last_mut() {
                Some((d, items)) if *d == dim => items.push(code.clone()),
                _ => dims.push((dim, vec![code.clone()])),
            }
        }
        dims
    };
    let esq = codes("esqual_one.json");
    let sq = codes("zone_one.json");
    let recs: Vec<(String, Vec<String>)> = [("RES", 5), ("COM", 3), ("CON", 3)]
        .iter()
        .map(|(d, n)| (d.to_string(), (1..=*n).map(|i| format!("{d}{i}")).collect()))
        .collect();
    let some: Vec<_> = esq.iter().filter(|(d, _)| d != "FUL").cloned().collect();
    vec![
        ("servqual", "gap", "", sq.clone(), (1, 7)),
        ("servqual", "perception", "", sq.clone(), (1, 7)),
        ("servqual", "zone", "", sq, (1, 9)),
        ("e-recs-qual", "perception", "", recs, (1, 5)),
        ("e-s-qual", "perception", "EFF,SYS,PRI", some, (1, 5)),
        ("e-s-qual", "gap", "", esq, (1, 5)),
    ]
}

/// A synthetic payload of one form (N/A answers, weights and outcomes now and then), submitted
/// up to 47 hours ago, with client scores left out (so it is stored flagged).
fn synthetic(rng: &mut Rng, n: u64, (instrument, format, dims, items, (lo, hi)): &TestForm) -> Value {
    let mut answers = serde_json::Map::new();
    let level = rng.range(-1, 1);
    for (_, codes) in items {
        for code in codes {
            let mut a = serde_json::Map::new();
            let mut v = || (!rng.chance(6)).then(|| (rng.range(*lo, *hi) + level).clamp(*lo, *hi));
            match *format {
                "perception" => {
                    a.insert("p".into(), json!(v()));
                }
                "gap" => {
                    a.insert("p".into(), json!(v()));
                    a.insert("e".into(), json!(v()));
                }
                _ => {
                    let (x, y) = (v(), v());
                    let (min, des) = match (x, y) {
                        (Some(x), Some(y)) => (Some(x.min(y)), Some(x.max(y))),
                        other => other,
                    };
                    a.insert("p".into(), json!(v()));
                    a.insert("min".into(), json!(min));
                    a.insert("des".into(), json!(des));
                }
            }
            answers.insert(code.clone(), Value::Object(a));
        }
    }
    let mut outcomes = serde_json::Map::new();
    if rng.chance(85) {
        outcomes.insert("nps".into(), json!(rng.range(0, 10)));
    }
    if rng.chance(60) {
        outcomes.insert("csat".into(), json!(rng.range(1, 5)));
    }
    if rng.chance(40) {
        outcomes.insert("ces".into(), json!(rng.range(1, 7)));
    }
    if rng.chance(50) {
        outcomes.insert("satisfaction".into(), json!(rng.range(*lo, *hi)));
    }
    let mut instrument_v = json!({ "id": instrument, "version": "1", "format": format });
    if !dims.is_empty() {
        instrument_v["dimensions"] = json!(dims.split(',').collect::<Vec<_>>());
    }
    let mut v = json!({
        "schema": "eservqual.response/1",
        "id": uuid(n),
        "instrument": instrument_v,
        "scale": { "min": lo, "max": if *format == "zone" { 9 } else { *hi } },
        "locale": "en",
        "scores": {},
        "sdk": { "name": "eservqual", "version": "0.1.0" },
        "submitted_at": now_text(-rng.range(0, 47 * 3600)),
        "answers": answers,
        "outcomes": outcomes,
    });
    if rng.chance(40) {
        let w: serde_json::Map<String, Value> =
            items.iter().map(|(d, _)| (d.clone(), json!(rng.range(1, 40)))).collect();
        v["weights"] = Value::Object(w);
    }
    v
}

/// `eservqual report` on `file` (JSON).
fn cli_report(file: &Path, args: &[&str]) -> Value {
    let out =
        Command::new(env!("CARGO_BIN_EXE_eservqual")).arg("report").args(args).arg(file).output().expect("report runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("report JSON")
}

/// The served report of `query` (without `scores_mismatch`) and `eservqual report` on the JSONL
/// export of the same query; both returned after checking they agree to 1e-9.
fn served_and_cli(s: &Server, dir: &Path, query: &str, args: &[&str]) -> (Value, u64) {
    // The export filters on the dimension set only when told: name it.
    let all = [("e-s-qual", "EFF,SYS,FUL,PRI"), ("servqual", "TAN,REL,RSP,ASR,EMP"), ("e-recs-qual", "RES,COM,CON")];
    let export = match all.iter().find(|(i, _)| query.contains(&format!("instrument={i}&"))) {
        Some((_, dims)) if !query.contains("dimensions=") => format!("{query}&dimensions={dims}"),
        _ => query.to_string(),
    };
    let (status, _, body) = get(&s.url(&format!("/v1/report?{query}")), Some(TOKEN));
    assert_eq!(status, 200, "{query}: {body}");
    let mut served: Value = serde_json::from_str(&body).expect("report JSON");
    let flagged = served.as_object_mut().and_then(|m| m.remove("scores_mismatch")).and_then(|v| v.as_u64());
    // The export has no segments: all of them in one file.
    let export: String = export.split('&').filter(|p| !p.starts_with("by=")).collect::<Vec<_>>().join("&");
    let (status, _, jsonl) = get(&s.url(&format!("/v1/responses.jsonl?{export}")), Some(TOKEN));
    assert_eq!(status, 200, "{query}");
    let file = dir.join("summary-export.jsonl");
    std::fs::write(&file, &jsonl).expect("write the export");
    let expected = if jsonl.is_empty() { None } else { Some(cli_report(&file, args)) };
    if let Some(expected) = expected {
        assert_same(&served, &expected, &format!("/v1/report?{query} and eservqual report on its export"));
    } else {
        assert_eq!(served["responses"], 0, "{query}");
    }
    (served, flagged.expect("scores_mismatch in the report"))
}

/// A UTC date `days` from today, `YYYY-MM-DD`.
fn date(days: i64) -> String {
    now_text(days * 86_400)[..10].to_string()
}

#[test]
fn the_report_from_summaries_equals_the_report_on_the_export_through_repeats_and_a_rebuild() {
    let dir = scratch("summaries");
    // Eight weeks of e-s-qual responses (N/A, recovery, weights, comments), then every form.
    let s = Server::start(&dir, &["--rate-limit", "0", "--seed", "2500"]);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let forms = forms();
    let mut posted = Vec::new();
    for (k, form) in forms.iter().enumerate() {
        for i in 0..80u64 {
            let v = synthetic(&mut rng, (7 << 40) | ((k as u64) << 20) | i, form);
            let (status, _, body) = post(&s, &v);
            assert_eq!(status, 201, "{body}");
            posted.push(v);
        }
    }
    let mut queries: Vec<(String, Vec<String>)> =
        vec![("instrument=e-s-qual&format=perception".into(), vec!["--instrument".into(), "e-s-qual".into()])];
    for (instrument, format, dims, _, _) in &forms {
        let mut q = format!("instrument={instrument}&format={format}");
        let mut args = vec!["--instrument".to_string(), instrument.to_string(), "--format".into(), format.to_string()];
        if !dims.is_empty() {
            q.push_str(&format!("&dimensions={dims}"));
            args.extend(["--dimensions".to_string(), dims.to_string()]);
        }
        queries.push((q, args));
    }
    // Whole-day ranges (summaries) and a range cut inside a day (the scan), over the weeks.
    let esq_args = queries[0].1.clone();
    let esq = |range: &str| (format!("instrument=e-s-qual&format=perception&{range}"), esq_args.clone());
    queries.push(esq(&format!("from={}&to={}", date(-40), date(-10))));
    queries.push(esq(&format!("from={}", date(-1))));
    queries.push(esq(&format!("from={}T00:00:00Z&to={}", date(-20), date(-20))));
    queries.push(esq(&format!("from={}&to={}", now_text(-30 * 86_400 + 3600), now_text(-5 * 86_400))));
    let reports = |s: &Server| -> Vec<(Value, u64)> {
        queries
            .iter()
            .map(|(q, args)| served_and_cli(s, &dir, q, &args.iter().map(String::as_str).collect::<Vec<_>>()))
            .collect()
    };
    let before = reports(&s);
    assert_eq!(before[0].0["responses"], 2500);
    assert!(before[0].0["trend"].as_array().is_some_and(|w| w.len() >= 8), "eight weeks of trend");
    for (k, (served, flagged)) in before.iter().enumerate().skip(1).take(forms.len()) {
        assert_eq!(served["responses"], 80, "{}", queries[k].0);
        // The synthetic payloads carry no client scores: every one is flagged.
        assert_eq!(*flagged, 80, "{}", queries[k].0);
    }

    // Repeats (200), another body under a stored id (409) and a refused body change nothing.
    for v in posted.iter().step_by(7) {
        assert_eq!(post(&s, v).0, 200);
        let mut other = v.clone();
        other["outcomes"]["nps"] = json!(if v["outcomes"]["nps"] == json!(3) { 4 } else { 3 });
        assert_eq!(post(&s, &other).0, 409);
        let mut bad = v.clone();
        bad["id"] = json!(uuid(rng.next() >> 16 | 1 << 62));
        bad["scale"]["max"] = json!(99);
        assert_eq!(post(&s, &bad).0, 400);
    }
    let after = reports(&s);
    for ((q, _), (a, b)) in queries.iter().zip(after.iter().zip(&before)) {
        assert_eq!(a, b, "{q}: repeats, 409s or refused bodies changed the report");
    }

    // The summaries are what the report reads: emptied, the report is empty (and says so
    // against the export); rebuilt, it is the same again, bit for bit.
    execute_sql(&dir, "t.db", "DELETE FROM summaries");
    let (_, _, body) = get(&s.url("/v1/report?instrument=e-s-qual&format=perception"), Some(TOKEN));
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["responses"], 0, "the report reads the summaries");
    let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["summaries", "rebuild"])
        .args(store_args(&dir, "t.db"))
        .env_remove("ESERVQUAL_DATABASE_URL")
        .output()
        .expect("rebuild runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("from {} stored responses", 2500 + 80 * forms.len())), "{said}");
    let rebuilt = reports(&s);
    for ((q, _), (a, b)) in queries.iter().zip(rebuilt.iter().zip(&before)) {
        assert_eq!(a, b, "{q}: the rebuilt summaries give another report");
    }

    // A stale row (a stored summary that could not be read back) sends its ranges to the scan;
    // a new response of its day keeps it stale, and is still counted by the scan.
    let esq_rows = "instrument = 'e-s-qual' AND format = 'perception' AND dimensions = 'EFF,SYS,FUL,PRI'";
    execute_sql(
        &dir,
        "t.db",
        &format!(
            "UPDATE summaries SET summary = NULL WHERE {esq_rows} AND day = (SELECT MAX(day) FROM summaries WHERE {esq_rows})"
        ),
    );
    let mut v = example("esqual_one.json");
    v["id"] = json!(uuid(9 << 40));
    assert_eq!(post(&s, &v).0, 201);
    let stale = reports(&s);
    assert_eq!(stale[0].0["responses"], 2501);
    assert_eq!(stale[1].0, before[1].0, "other forms keep their summaries");

    // A database whose summaries do not cover its responses (made before them) is scanned.
    execute_sql(&dir, "t.db", "DELETE FROM summaries; UPDATE summary_state SET complete = (1 = 0)");
    let scanned = reports(&s);
    assert_eq!(scanned[0].0["responses"], 2501);
}

#[test]
fn two_collectors_posting_at_once_keep_the_summaries_equal_to_the_scan() {
    let dir = scratch("summaries-two");
    let a = Server::start(&dir, &["--rate-limit", "0"]);
    let b = Server::start(&dir, &["--rate-limit", "0"]);
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut clients = load(&a.url("/v1/responses"), 1, 300, &stop, &acked);
    clients.extend(load(&b.url("/v1/responses"), 2, 300, &stop, &acked));
    for c in clients {
        c.join().expect("a client");
    }
    let acked = acked.lock().expect("lock").len();
    assert_eq!(acked, 600);
    for s in [&a, &b] {
        let (served, _) = served_and_cli(
            s,
            &dir,
            "instrument=e-s-qual&format=perception",
            &["--instrument", "e-s-qual", "--format", "perception"],
        );
        assert_eq!(served["responses"], 600);
    }
}

/// An e-s-qual payload `n` submitted `n`·1500 s ago (up to about 40 hours for n < 96) with
/// outcomes drawn from `rng`: NPS, CSAT and CES now and then, a comment with text, one of
/// whitespace only (which is no comment) or none, a locale and a page now and then.
fn with_outcomes(rng: &mut Rng, n: u64) -> Value {
    let mut v = example("esqual_one.json");
    v.as_object_mut().expect("an object").remove("started_at");
    v["id"] = json!(uuid((0xd157 << 32) | n));
    v["submitted_at"] = json!(now_text(-(n as i64) * 1500 - 5));
    let mut o = serde_json::Map::new();
    if rng.chance(80) {
        o.insert("nps".into(), json!(rng.range(0, 10)));
    }
    if rng.chance(60) {
        o.insert("csat".into(), json!(rng.range(1, 5)));
    }
    if rng.chance(40) {
        o.insert("ces".into(), json!(rng.range(1, 7)));
    }
    match rng.range(0, 3) {
        0 | 1 => {
            o.insert("comment".into(), json!(format!("comment {n}: <b>slow</b> \"checkout\"")));
        }
        2 => {
            o.insert("comment".into(), json!(" \n\t "));
        }
        _ => {}
    }
    v["outcomes"] = Value::Object(o);
    v["locale"] = json!(if n % 3 == 0 { "en" } else { "zh-CN" });
    if n % 4 == 0 {
        v.as_object_mut().expect("an object").remove("page");
    }
    v
}

/// What `/v1/distributions` should say of `posted`, counted here value by value.
fn expected_distributions(posted: &[&Value]) -> Value {
    let count = |key: &str, lo: i64, hi: i64| -> Vec<u64> {
        (lo..=hi).map(|x| posted.iter().filter(|v| v["outcomes"][key] == json!(x)).count() as u64).collect()
    };
    let comments =
        posted.iter().filter(|v| v["outcomes"]["comment"].as_str().is_some_and(|c| !c.trim().is_empty())).count();
    json!({
        "instrument": "e-s-qual", "format": "perception", "responses": posted.len(),
        "nps": { "counts": count("nps", 0, 10) }, "csat": { "counts": count("csat", 1, 5) },
        "ces": { "counts": count("ces", 1, 7) }, "comments": comments,
    })
}

/// The stored form of a `submitted_at` written in whole UTC seconds.
fn stored_time(t: &Value) -> String {
    t.as_str().expect("a time").replace('Z', ".000Z")
}

/// What `/v1/comments` should list of `posted`: those with text, newest first, at most `limit`.
fn expected_comments(posted: &[&Value], limit: usize) -> Vec<Value> {
    let mut with: Vec<&&Value> =
        posted.iter().filter(|v| v["outcomes"]["comment"].as_str().is_some_and(|c| !c.trim().is_empty())).collect();
    with.sort_by(|a, b| {
        (stored_time(&b["submitted_at"]), &b["id"].to_string())
            .cmp(&(stored_time(&a["submitted_at"]), &a["id"].to_string()))
    });
    with.iter()
        .take(limit)
        .map(|v| {
            let or_null = |x: &Value| if x.is_null() { Value::Null } else { x.clone() };
            json!({
                "id": v["id"], "submitted_at": stored_time(&v["submitted_at"]),
                "comment": v["outcomes"]["comment"], "nps": or_null(&v["outcomes"]["nps"]),
                "csat": or_null(&v["outcomes"]["csat"]), "locale": v["locale"], "page": or_null(&v["page"]),
            })
        })
        .collect()
}

/// The members of listed comments that come from the payload as posted (the collector's scores
/// of each respondent are checked apart).
fn basic(list: &Value) -> Value {
    let keys = ["id", "submitted_at", "comment", "nps", "csat", "locale", "page"];
    let keep = |c: &Value| keys.iter().map(|k| (k.to_string(), c[*k].clone())).collect::<serde_json::Map<_, _>>();
    Value::Array(list.as_array().expect("comments").iter().map(|c| Value::Object(keep(c))).collect())
}

/// GET `path` with the token: 200, not cached, JSON.
pub(crate) fn admin_json(s: &Server, path: &str) -> Value {
    let (status, h, body) = get(&s.url(path), Some(TOKEN));
    assert_eq!(status, 200, "{path}: {body}");
    assert_eq!(h.get("cache-control").map(String::as_str), Some("no-store"), "{path}");
    assert!(h.get("content-type").is_some_and(|c| c.starts_with("application/json")), "{path}: {h:?}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

#[test]
fn distributions_and_comments_are_those_of_the_posted_payloads_from_summaries_or_the_scan() {
    let dir = scratch("distributions");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let mut rng = Rng(0x0dd5_eed5);
    let posted: Vec<Value> = (0..90).map(|n| with_outcomes(&mut rng, n)).collect();
    for v in &posted {
        let (status, _, body) = post(&s, v);
        assert_eq!(status, 201, "{body}");
    }
    // A response of another form is in neither answer.
    assert_eq!(post(&s, &example("zone_one.json")).0, 201);
    let all: Vec<&Value> = posted.iter().collect();
    let since = |from: &str| -> Vec<&Value> {
        posted.iter().filter(|v| stored_time(&v["submitted_at"]).as_str() >= from).collect()
    };
    let q = "instrument=e-s-qual&format=perception";

    // Whole days (the summaries) and a bound inside a day (the scan), against the counts here.
    let ranges = [
        (String::new(), all.clone()),
        (format!("&from={}", date(-1)), since(&format!("{}T00:00:00.000Z", date(-1)))),
        (format!("&from={}&to={}", date(-1), date(-1)), {
            let to = format!("{}T00:00:00.000Z", date(0));
            since(&format!("{}T00:00:00.000Z", date(-1)))
                .into_iter()
                .filter(|v| stored_time(&v["submitted_at"]) < to)
                .collect()
        }),
        (format!("&from={}", now_text(-10 * 3600)), since(&stored_time(&json!(now_text(-10 * 3600))))),
    ];
    for (range, expected) in &ranges {
        assert!(!expected.is_empty(), "{range}");
        let served = admin_json(&s, &format!("/v1/distributions?{q}{range}"));
        assert_eq!(served, expected_distributions(expected), "{range}");
        let served = admin_json(&s, &format!("/v1/comments?{q}{range}&limit=100"));
        assert_eq!(basic(&served["comments"]), json!(expected_comments(expected, 100)), "{range}");
    }
    let whole = admin_json(&s, &format!("/v1/distributions?{q}"));
    assert_eq!(whole["responses"], 90);
    assert!(whole["comments"].as_u64().is_some_and(|n| n > 20 && n < 90), "{whole}");
    // The counts agree with the report's own numbers.
    let report = admin_json(&s, &format!("/v1/report?{q}"));
    let nps: Vec<u64> = serde_json::from_value(whole["nps"]["counts"].clone()).expect("counts");
    assert_eq!(report["nps"]["n"], nps.iter().sum::<u64>());
    assert_eq!(report["nps"]["promoters"].as_f64(), Some((nps[9] + nps[10]) as f64 / nps.iter().sum::<u64>() as f64));
    // The scan gives what the summaries give: the same range, its end moved inside a day.
    let scanned = admin_json(&s, &format!("/v1/distributions?{q}&from={}&to={}", date(-3), now_text(3600)));
    assert_eq!(scanned, whole);

    // The comments: newest first, 20 by default, `limit` from 1 to 100.
    let listed = admin_json(&s, &format!("/v1/comments?{q}"));
    assert_eq!(basic(&listed["comments"]), json!(expected_comments(&all, 20)));
    assert_eq!(listed["limit"], 20);
    let first = &listed["comments"][0];
    assert!(first["comment"].as_str().is_some_and(|c| c.contains("<b>slow</b> \"checkout\"")), "{first}");
    for limit in [1, 7, 100] {
        let served = admin_json(&s, &format!("/v1/comments?{q}&limit={limit}"));
        assert_eq!(basic(&served["comments"]), json!(expected_comments(&all, limit)), "limit {limit}");
    }
    for bad in ["0", "101", "-1", "abc", "2.5", ""] {
        let (status, h, body) = get(&s.url(&format!("/v1/comments?{q}&limit={bad}")), Some(TOKEN));
        assert_eq!(status, 400, "limit={bad}: {body}");
        assert_eq!(error_of(&body)["field"], "limit", "limit={bad}");
        assert!(h.get("content-type").is_some_and(|c| c.starts_with("application/json")));
    }
    // The errors of the report, for both routes; and the token.
    for route in ["/v1/distributions", "/v1/comments"] {
        for (query, field) in [
            ("instrument=nope", "instrument"),
            ("instrument=e-s-qual&from=June", "from"),
            ("instrument=e-s-qual&format=x", "format"),
            ("format=gap", "instrument"),
        ] {
            let (status, _, body) = get(&s.url(&format!("{route}?{query}")), Some(TOKEN));
            assert_eq!(status, 400, "{route}?{query}: {body}");
            assert_eq!(error_of(&body)["field"], field, "{route}?{query}");
        }
        let (status, h, _) = get(&s.url(&format!("{route}?{q}")), None);
        assert_eq!(status, 401, "{route}");
        assert!(h.contains_key("www-authenticate"), "{route}");
    }

    // Repeats (200) and another body under a stored id (409) change nothing.
    for v in posted.iter().step_by(5) {
        assert_eq!(post(&s, v).0, 200);
        let mut other = v.clone();
        other["outcomes"]["comment"] = json!("a different comment");
        other["outcomes"]["nps"] = json!(if v["outcomes"]["nps"] == json!(0) { 1 } else { 0 });
        assert_eq!(post(&s, &other).0, 409);
    }
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}")), whole);
    assert_eq!(
        basic(&admin_json(&s, &format!("/v1/comments?{q}&limit=100"))["comments"]),
        json!(expected_comments(&all, 100))
    );

    // The whole range is read from the summaries: emptied, it is empty, while the scan of a
    // range cut inside a day still counts every response.
    execute_sql(&dir, "t.db", "DELETE FROM summaries");
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}"))["responses"], 0);
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}&from={}&to={}", date(-3), now_text(3600))), whole);
    rebuild(&dir);
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}")), whole);
}

/// `eservqual summaries rebuild` on the store `t.db` of `dir`.
fn rebuild(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["summaries", "rebuild"])
        .args(store_args(dir, "t.db"))
        .env_remove("ESERVQUAL_DATABASE_URL")
        .output()
        .expect("rebuild runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn summaries_of_the_previous_version_are_scanned_past_said_once_until_a_rebuild() {
    let dir = scratch("summaries-v1");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let mut rng = Rng(0x5eed_0001);
    let posted: Vec<Value> = (0..40).map(|n| with_outcomes(&mut rng, n)).collect();
    for v in &posted {
        assert_eq!(post(&s, v).0, 201);
    }
    let q = "instrument=e-s-qual&format=perception";
    let all: Vec<&Value> = posted.iter().collect();
    let expected = expected_distributions(&all);
    let report = admin_json(&s, &format!("/v1/report?{q}"));
    drop(s);
    // The stored summaries as an older collector wrote them: version 1.
    execute_sql(&dir, "t.db", "UPDATE summaries SET summary = replace(summary, '{\"version\":2,', '{\"version\":1,')");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    // Read past, not used: the answers are the scan's, right to the count.
    for _ in 0..3 {
        assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}")), expected);
        let again = admin_json(&s, &format!("/v1/report?{q}"));
        assert_eq!(again["responses"], 40);
        assert_same(&again, &report, "the report over summaries of version 1");
    }
    // A new response of a day whose summary is of version 1 marks it stale; it is counted.
    let mut v = with_outcomes(&mut rng, 0);
    v["id"] = json!(uuid(0x7e57));
    v["outcomes"]["nps"] = json!(10);
    assert_eq!(post(&s, &v).0, 201);
    let after = admin_json(&s, &format!("/v1/distributions?{q}"));
    assert_eq!(after["responses"], 41);
    assert_eq!(after["nps"]["counts"][10], expected["nps"]["counts"][10].as_u64().expect("a count") + 1);
    // Said once, naming the way back.
    let log = s.log();
    let told = log.matches("`eservqual summaries rebuild` brings the summaries back").count();
    assert_eq!(told, 1, "{log}");
    // Rebuilt: the summaries are read again (emptying them now empties the whole range).
    rebuild(&dir);
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}")), after);
    execute_sql(&dir, "t.db", "DELETE FROM summaries");
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}"))["responses"], 0);
}

#[test]
fn comments_stored_before_the_has_comment_column_are_found_after_the_migration() {
    let dir = scratch("comments-migration");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let mut rng = Rng(0xc033_e475);
    let posted: Vec<Value> = (0..30).map(|n| with_outcomes(&mut rng, n)).collect();
    for (n, v) in posted.iter().enumerate() {
        let mut text = v.to_string();
        if n % 2 == 0 {
            // The key written with an escape, as JSON allows: still a comment.
            text = text.replace("\"comment\":", "\"comm\\u0065nt\":");
        }
        let (status, _, body) = post_raw(&s.url("/v1/responses"), text.as_bytes(), None);
        assert_eq!(status, 201, "{body}");
    }
    let q = "instrument=e-s-qual&format=perception";
    let all: Vec<&Value> = posted.iter().collect();
    let expected = json!(expected_comments(&all, 100));
    assert_eq!(basic(&admin_json(&s, &format!("/v1/comments?{q}&limit=100"))["comments"]), expected);
    drop(s);
    // Back to schema version 3, before the column (and the webhook outbox of version 5, the
    // segments of the summaries of version 6, the status of version 7): the next start migrates
    // and fills it in.
    let downgrade = if on_postgres() {
        "DROP TABLE webhook_outbox; DROP INDEX responses_comments; ALTER TABLE responses DROP COLUMN has_comment;
         ALTER TABLE responses DROP COLUMN status;
         DELETE FROM summaries WHERE segment <> '';
         ALTER TABLE summaries DROP CONSTRAINT summaries_pkey; ALTER TABLE summaries DROP COLUMN segment;
         ALTER TABLE summaries ADD PRIMARY KEY (instrument, format, dimensions, day, fingerprint);
         ALTER TABLE summary_state DROP COLUMN segment_keys;
         DELETE FROM schema_version WHERE version >= 4"
    } else {
        "DROP TABLE webhook_outbox; DROP INDEX responses_comments; ALTER TABLE responses DROP COLUMN has_comment;
         ALTER TABLE responses DROP COLUMN status;
         DELETE FROM summaries WHERE segment <> '';
         CREATE TABLE summaries_v3 (instrument TEXT NOT NULL, format TEXT NOT NULL, dimensions TEXT NOT NULL,
             day TEXT NOT NULL, fingerprint TEXT NOT NULL, responses INTEGER NOT NULL, flagged INTEGER NOT NULL,
             summary TEXT, PRIMARY KEY (instrument, format, dimensions, day, fingerprint));
         INSERT INTO summaries_v3 SELECT instrument, format, dimensions, day, fingerprint, responses, flagged, summary
             FROM summaries;
         DROP TABLE summaries; ALTER TABLE summaries_v3 RENAME TO summaries;
         ALTER TABLE summary_state DROP COLUMN segment_keys;
         PRAGMA user_version = 3"
    };
    execute_sql(&dir, "t.db", downgrade);
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    assert_eq!(basic(&admin_json(&s, &format!("/v1/comments?{q}&limit=100"))["comments"]), expected);
    let counted = expected.as_array().map(Vec::len).expect("a list");
    assert!(counted > 5, "{counted} comments");
    assert_eq!(admin_json(&s, &format!("/v1/distributions?{q}"))["comments"], counted);
}

#[test]
fn the_report_compares_periods_and_segments_as_eservqual_report_does() {
    let dir = scratch("compare");
    let s = Server::start(&dir, &["--rate-limit", "0", "--segment", "channel,device"]);
    let mut rng = Rng(0x51ed_270b_27a5_3c6d);
    let form = forms().into_iter().find(|f| f.0 == "e-s-qual" && f.1 == "gap").expect("the e-s-qual gap form");
    for i in 0..400u64 {
        let mut v = synthetic(&mut rng, (11 << 40) | i, &form);
        // Two channels, one device key, and some responses without a channel.
        if !rng.chance(10) {
            v["meta"] = json!({ "channel": if rng.chance(50) { "web" } else { "app" }, "device": "mobile" });
        }
        let (status, _, body) = post(&s, &v);
        assert_eq!(status, 201, "{body}");
    }
    let (today, before) = (date(0), date(-2));
    let yesterday = date(-1);
    let query =
        format!("instrument=e-s-qual&format=gap&from={today}&to={today}&compare={before}..{yesterday}&by=meta.channel");
    let (status, _, body) = get(&s.url(&format!("/v1/report?{query}")), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    let mut served: Value = serde_json::from_str(&body).expect("report JSON");
    served.as_object_mut().expect("object").remove("scores_mismatch");
    // The CLI on the whole export, told the same periods and segment key.
    let (status, _, jsonl) = get(&s.url("/v1/responses.jsonl"), Some(TOKEN));
    assert_eq!(status, 200);
    let file = dir.join("compare-export.jsonl");
    std::fs::write(&file, &jsonl).expect("write the export");
    let compare = format!("{before}..{yesterday}");
    let expected =
        cli_report(&file, &["--from", &today, "--to", &today, "--compare", &compare, "--by", "meta.channel"]);
    assert_same(&served, &expected, "/v1/report with compare and by, and eservqual report on the export");
    assert!(served["compare"]["dimensions"].is_object(), "{}", served["compare"]);
    let web = &served["segments"]["values"]["web"];
    assert!(web["responses"].as_u64().is_some_and(|n| n > 0) && web["against_rest"].is_object(), "{web}");
    // Every response of today counted once: the segments and those without a channel.
    let in_segments: u64 = served["segments"]["values"]
        .as_object()
        .expect("values")
        .values()
        .map(|v| v["responses"].as_u64().unwrap())
        .sum();
    assert_eq!(
        in_segments + served["segments"]["without_value"].as_u64().unwrap(),
        served["responses"].as_u64().unwrap()
    );

    // Mistakes name their parameter; keys the collector was not told are not aggregated.
    for (q, field) in [
        ("instrument=e-s-qual&by=meta.page", "by"),
        ("instrument=e-s-qual&by=channel", "by"),
        ("instrument=e-s-qual&compare=2026-01-01", "compare"),
        ("instrument=e-s-qual&compare=2026-01-01..June", "compare"),
    ] {
        let (status, _, body) = get(&s.url(&format!("/v1/report?{q}")), Some(TOKEN));
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(error_of(&body)["field"], field, "{q}: {body}");
    }
}

/// The segments of `/v1/report?QUERY&by=meta.KEY` (the values' names, and the values'
/// `responses` summed with `without_value`).
fn segment_counts(s: &Server, query: &str) -> (Vec<String>, u64) {
    let (status, _, body) = get(&s.url(&format!("/v1/report?{query}")), Some(TOKEN));
    assert_eq!(status, 200, "{query}: {body}");
    let v: Value = serde_json::from_str(&body).expect("report JSON");
    let values = v["segments"]["values"].as_object().expect("segments").clone();
    let n = values.values().map(|s| s["responses"].as_u64().expect("n")).sum::<u64>()
        + v["segments"]["without_value"].as_u64().expect("without_value");
    (values.keys().cloned().collect(), n)
}

#[test]
fn the_report_by_segment_from_summaries_equals_the_full_scan_through_a_rebuild_and_new_keys() {
    let dir = scratch("summaries-segments");
    // Eight weeks of e-s-qual responses with a channel and a device each, made at start: the
    // collector's keys differ from those of a new database's summaries (none), so it sums them.
    let keys = ["--rate-limit", "0", "--seed", "2500", "--segment", "channel,device"];
    let s = Server::start(&dir, &keys);
    // Then responses of the last two days whose meta is of every kind: another channel, one
    // with `=` and one not in ASCII, a number, a boolean (a value as text), a key missing.
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    // E-S-QUAL perception with every dimension (the seed's form).
    let mut form = forms().into_iter().find(|f| f.0 == "e-s-qual" && f.1 == "gap").expect("the e-s-qual form");
    form.1 = "perception";
    let metas = [
        json!({ "channel": "kiosk", "device": "tablet" }),
        json!({ "channel": "partner=acme", "device": 7 }),
        json!({ "channel": "電話", "device": true }),
        json!({ "device": "mobile" }),
        json!({ "device": "desktop" }),
        json!({ "channel": "web" }),
    ];
    for i in 0..300u64 {
        let mut v = synthetic(&mut rng, (13 << 40) | i, &form);
        if i % 7 != 6 {
            v["meta"] = metas[(i % 6) as usize].clone();
        }
        let (status, _, body) = post(&s, &v);
        assert_eq!(status, 201, "{body}");
    }
    let esq = ["--instrument", "e-s-qual", "--format", "perception"];
    let query = |range: &str, key: &str| {
        let mut args: Vec<String> = esq.iter().map(|a| a.to_string()).collect();
        args.extend(["--by".to_string(), format!("meta.{key}")]);
        (format!("instrument=e-s-qual&format=perception{range}&by=meta.{key}"), args)
    };
    // Every response, whole days (summaries) and a range cut inside a day (the scan).
    let queries = [
        query("", "channel"),
        query("", "device"),
        query(&format!("&from={}&to={}", date(-40), date(-10)), "channel"),
        query(&format!("&from={}", date(-1)), "device"),
        query(&format!("&from={}&to={}", now_text(-30 * 86_400 + 3600), now_text(-86_400)), "channel"),
    ];
    let reports = |s: &Server| -> Vec<Value> {
        queries
            .iter()
            .map(|(q, args)| served_and_cli(s, &dir, q, &args.iter().map(String::as_str).collect::<Vec<_>>()).0)
            .collect()
    };
    let before = reports(&s);
    assert_eq!(before[0]["responses"], 2800);
    let channels: Vec<&String> = before[0]["segments"]["values"].as_object().expect("values").keys().collect();
    assert_eq!(channels, ["app", "kiosk", "partner=acme", "web", "電話"]);
    // Without a channel: no meta, or meta without the key.
    let without = (0..300u64).filter(|i| i % 7 == 6 || matches!(i % 6, 3 | 4)).count();
    assert_eq!(before[0]["segments"]["without_value"], without);
    let devices: Vec<&String> = before[1]["segments"]["values"].as_object().expect("values").keys().collect();
    assert_eq!(devices, ["7", "desktop", "mobile", "tablet", "true"]);

    // The segments are what the summaries hold: their rows of the keys emptied, every value is
    // gone from the report (the form's own rows still count every response).
    execute_sql(&dir, "t.db", "DELETE FROM summaries WHERE segment <> ''");
    let whole = "instrument=e-s-qual&format=perception&by=meta.channel";
    assert_eq!(segment_counts(&s, whole), (Vec::new(), 0), "the report by segment reads the summaries");
    // Rebuilt (the stored keys kept), the same reports again.
    let rebuild = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(["summaries", "rebuild"])
            .args(store_args(&dir, "t.db"))
            .args(extra)
            .env_remove("ESERVQUAL_DATABASE_URL")
            .output()
            .expect("rebuild runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let said = rebuild(&[]);
    assert!(said.contains("from 2800 stored responses") && said.contains("(segments of channel, device)"), "{said}");
    for (q, (a, b)) in queries.iter().zip(reports(&s).iter().zip(&before)) {
        assert_eq!(a, b, "{}: the rebuilt summaries give another report", q.0);
    }

    // Rebuilt for `device` alone: `by=meta.channel` reads every response (and still agrees);
    // new responses are summed under `device` only, whatever keys the collector was given.
    rebuild(&["--segment", "device"]);
    execute_sql(&dir, "t.db", "DELETE FROM summaries WHERE segment LIKE 'device%'");
    assert_eq!(segment_counts(&s, whole).1, 2800, "channel: the scan");
    assert_eq!(segment_counts(&s, "instrument=e-s-qual&format=perception&by=meta.device"), (Vec::new(), 0));
    rebuild(&[]);
    let mut v = synthetic(&mut rng, 14 << 40, &form);
    v["meta"] = json!({ "channel": "kiosk", "device": "tablet" });
    assert_eq!(post(&s, &v).0, 201);
    let after = reports(&s);
    let tablets = |r: &Value| r["segments"]["values"]["tablet"]["responses"].as_u64().expect("n");
    assert_eq!(tablets(&after[1]), tablets(&before[1]) + 1);
    drop(s);

    // A collector started with other keys than the summaries' (device) rebuilds them at start:
    // channel comes from the summaries again.
    let s = Server::start(&dir, &["--rate-limit", "0", "--segment", "channel,device"]);
    let restarted = reports(&s);
    assert_eq!(restarted[0]["responses"], 2801);
    execute_sql(&dir, "t.db", "DELETE FROM summaries WHERE segment <> ''");
    assert_eq!(segment_counts(&s, whole), (Vec::new(), 0), "channel summed again at start");
}

#[test]
fn comments_filter_by_class_nps_weakest_segment_and_words_with_each_respondents_scores() {
    let dir = scratch("comment-filters");
    let s = Server::start(&dir, &["--rate-limit", "0", "--segment", "channel"]);
    let dims = ["EFF", "SYS", "FUL", "PRI"];
    // Known by construction: all items 5 but one dimension 4 (delighted, that dimension weakest),
    // or all 2 but one dimension 1 (dissatisfied); NPS i mod 11; two channels; two kinds of words.
    let mut posted = Vec::new();
    for i in 0..66u64 {
        let mut v = example("esqual_one.json");
        v["id"] = json!(uuid((13 << 40) | i));
        v["submitted_at"] = json!(now_text(-60 * (i as i64 + 1)));
        v.as_object_mut().expect("payload").remove("started_at");
        v["scores"] = json!({});
        let (high, weakest) = (i % 2 == 0, dims[(i / 2) as usize % 4]);
        for (code, a) in v["answers"].as_object_mut().expect("answers") {
            let low = code.starts_with(weakest);
            a["p"] = json!(match (high, low) {
                (true, false) => 5,
                (true, true) => 4,
                (false, false) => 2,
                (false, true) => 1,
            });
        }
        let comment =
            if i % 3 == 0 { format!("The parcel was LATE again ({i})") } else { format!("Great service {i}") };
        v["outcomes"] = json!({ "nps": i % 11, "comment": comment });
        v["meta"] = json!({ "channel": if i % 4 < 2 { "web" } else { "app" } });
        let (status, _, body) = post(&s, &v);
        assert_eq!(status, 201, "{body}");
        posted.push((i, high, weakest, v));
    }
    let category = |n: u64| match n {
        0..=6 => "detractor",
        7 | 8 => "passive",
        _ => "promoter",
    };
    // Newest first: the smallest i first.
    let ids = |keep: &dyn Fn(u64, bool, &str, &Value) -> bool, limit: usize| -> Vec<Value> {
        posted
            .iter()
            .filter(|(i, h, w, v)| keep(*i, *h, w, v))
            .take(limit)
            .map(|(_, _, _, v)| v["id"].clone())
            .collect()
    };
    let listed =
        |q: &str| -> Value { admin_json(&s, &format!("/v1/comments?instrument=e-s-qual&format=perception{q}")) };
    let listed_ids = |q: &str| -> Vec<Value> {
        listed(q)["comments"].as_array().expect("comments").iter().map(|c| c["id"].clone()).collect()
    };
    assert_eq!(listed_ids("&class=delighted&limit=100"), ids(&|_, h, _, _| h, 100));
    assert_eq!(listed_ids("&class=dissatisfied&limit=5"), ids(&|_, h, _, _| !h, 5));
    assert_eq!(listed_ids("&nps=promoter&limit=100"), ids(&|i, _, _, _| category(i % 11) == "promoter", 100));
    assert_eq!(listed_ids("&weakest=FUL&limit=100"), ids(&|_, _, w, _| w == "FUL", 100));
    assert_eq!(listed_ids("&segment=channel:app&limit=100"), ids(&|i, _, _, _| i % 4 >= 2, 100));
    assert_eq!(listed_ids("&q=late&limit=100"), ids(&|i, _, _, _| i % 3 == 0, 100));
    assert_eq!(
        listed_ids("&q=%20LATE%20&class=delighted&nps=detractor&segment=channel:web&limit=100"),
        ids(&|i, h, _, _| i % 3 == 0 && h && category(i % 11) == "detractor" && i % 4 < 2, 100)
    );
    assert!(listed_ids("&q=nothing%20like%20this").is_empty());
    // Each comment carries the respondent's scores as the collector computes them.
    let first = &listed("&limit=1")["comments"][0];
    assert_eq!((first["class"].as_str(), first["weakest"].as_str()), (Some("delighted"), Some("EFF")), "{first}");
    assert_eq!(
        (first["dimensions"]["EFF"]["p"].as_f64(), first["dimensions"]["SYS"]["p"].as_f64()),
        (Some(4.0), Some(5.0))
    );
    assert_eq!((first["nps_category"].as_str(), first["meta"]["channel"].as_str()), (Some("detractor"), Some("web")));
    assert_eq!(listed("&class=delighted")["truncated"], false);
    // Mistakes name their parameter.
    for (q, field) in [
        ("&class=happy", "class"),
        ("&nps=fan", "nps"),
        ("&weakest=TAN", "weakest"),
        ("&segment=device:mobile", "segment"),
        ("&segment=channel", "segment"),
        (&format!("&q={}", "x".repeat(101)), "q"),
    ] {
        let (status, _, body) = get(&s.url(&format!("/v1/comments?instrument=e-s-qual{q}")), Some(TOKEN));
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(error_of(&body)["field"], field, "{q}: {body}");
    }
}

#[test]
fn the_demo_data_has_a_segment_to_find_and_the_segment_comparison_finds_it() {
    let dir = scratch("seed-segments");
    // The seed plants weaker system availability for customers in the app.
    let s = Server::start(&dir, &["--rate-limit", "0", "--seed", "1500", "--segment", "channel,device"]);
    let report = admin_json(&s, "/v1/report?instrument=e-s-qual&by=meta.channel");
    let app = &report["segments"]["values"]["app"];
    assert!(app["responses"].as_u64().is_some_and(|n| n > 300), "{app}");
    let sys = &app["against_rest"]["dimensions"]["SYS"];
    assert_eq!(sys["verdict"], "down", "{sys}");
    assert!(sys["difference"].as_f64().is_some_and(|d| d < -0.2), "{sys}");
    assert_eq!(report["segments"]["without_value"], 0);
    assert_eq!(admin_json(&s, "/v1/segments"), json!({ "keys": ["channel", "device"] }));
    assert_eq!(get(&s.url("/v1/segments"), None).0, 401);
    let devices = admin_json(&s, "/v1/report?instrument=e-s-qual&by=meta.device");
    let names: Vec<&String> = devices["segments"]["values"].as_object().expect("values").keys().collect();
    assert_eq!(names, ["desktop", "mobile"]);
}

/// `v` with the client's scores as the core computes them (as the widget sends them).
fn rescored(mut v: Value) -> Value {
    let payload = eservqual_core::payload::Payload::from_value(v.clone()).expect("a payload");
    let r = payload.validate(&eservqual_core::Registry::builtin()).expect("a valid payload");
    v["scores"] = serde_json::to_value(eservqual_core::score::score(&r.form, &r.answers)).expect("scores");
    v
}

/// The partial payload of the complete `v`: the items of the dimensions `cleared` unanswered,
/// and with `no_outcomes` every outcome unanswered (as the widget sends what was not answered).
pub(crate) fn partial_of(v: &Value, cleared: &[&str], no_outcomes: bool) -> Value {
    let mut p = v.clone();
    p["status"] = json!("partial");
    for (code, answer) in p["answers"].as_object_mut().expect("answers") {
        if cleared.iter().any(|d| code.starts_with(d)) {
            *answer = json!({ "p": null });
        }
    }
    if no_outcomes {
        p["outcomes"] =
            json!({ "nps": null, "value": [null, null, null, null], "loyalty": [null, null, null, null, null] });
    }
    rescored(p)
}

/// The payloads of the JSONL export of `query`.
pub(crate) fn exported(s: &Server, query: &str) -> Vec<Value> {
    let (status, _, body) = get(&s.url(&format!("/v1/responses.jsonl{query}")), Some(TOKEN));
    assert_eq!(status, 200, "{query}: {body}");
    body.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

#[test]
fn a_partial_is_replaced_by_a_later_partial_or_the_complete_and_a_late_partial_changes_nothing() {
    let dir = scratch("partial-rules");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let id = uuid(0x9a);
    let mut complete = example("esqual_one.json");
    complete["id"] = json!(id);
    let first = partial_of(&complete, &["SYS", "FUL", "PRI"], true);
    let second = partial_of(&complete, &["PRI"], true);
    let late = partial_of(&complete, &["FUL", "PRI"], false);
    let answer = |stored: bool, replaced: bool| json!({ "id": id, "stored": stored, "duplicate": !stored, "replaced": replaced, "scores_mismatch": false });
    let posted = |v: &Value| {
        let (status, _, body) = post(&s, v);
        (status, serde_json::from_str::<Value>(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
    };
    let q = "/v1/report?instrument=e-s-qual&format=perception";
    let counted = |query: &str| admin_json(&s, query)["responses"].as_u64().expect("responses");

    // Nothing stored: the partial is stored, counted only when asked for.
    assert_eq!(posted(&first), (201, answer(true, false)));
    assert_eq!((counted(q), counted(&format!("{q}&partial=include"))), (0, 1));
    assert!(exported(&s, "").is_empty());
    assert_eq!(exported(&s, "?partial=include"), std::slice::from_ref(&first));
    // The same partial again is a repeat; a later partial replaces it.
    assert_eq!(posted(&first), (200, answer(false, false)));
    assert_eq!(posted(&second), (201, answer(true, true)));
    assert_eq!(exported(&s, "?partial=include"), std::slice::from_ref(&second));
    // The complete response replaces it, and is counted once.
    assert_eq!(posted(&complete), (201, answer(true, true)));
    assert_eq!((counted(q), counted(&format!("{q}&partial=include"))), (1, 1));
    assert_eq!(exported(&s, ""), std::slice::from_ref(&complete));
    // A late partial after the complete: 200, and the stored body is the complete one still.
    assert_eq!(posted(&late), (200, answer(false, false)));
    assert_eq!(posted(&first), (200, answer(false, false)));
    assert_eq!(exported(&s, "?partial=include"), std::slice::from_ref(&complete));
    // Another complete body under the id: refused as before; the complete again: a repeat.
    let mut other = complete.clone();
    other["locale"] = json!("en");
    assert_eq!(posted(&other).0, 409);
    assert_eq!(posted(&complete), (200, answer(false, false)));
    assert_eq!((counted(q), counted(&format!("{q}&partial=include"))), (1, 1));
    let completion = admin_json(&s, "/v1/completion?instrument=e-s-qual");
    assert_eq!(
        (&completion["started"], &completion["complete"], &completion["partial"]),
        (&json!(1), &json!(1), &json!(0))
    );

    // `partial` takes `include` only; the CSV has no room for partial responses.
    for path in [
        "/v1/report?instrument=e-s-qual&partial=yes",
        "/v1/distributions?instrument=e-s-qual&partial=1",
        "/v1/comments?instrument=e-s-qual&partial=only",
        "/v1/responses.jsonl?partial=true",
        "/v1/completion?instrument=e-s-qual&partial=exclude",
        "/v1/responses.csv?instrument=e-s-qual&partial=include",
    ] {
        let (status, _, body) = get(&s.url(path), Some(TOKEN));
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(error_of(&body)["field"], "partial", "{path}: {body}");
    }
}

/// The widget's partial responses say where the visitor left (`step`), which the answers alone
/// cannot show (the screening question, a step answered but not yet left): the drop-off counts
/// that step; a complete response that names one is refused.
#[test]
fn completion_counts_the_step_a_partial_names() {
    let dir = scratch("partial-step");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let mut n = 0;
    let mut sent = |cleared: &[&str], step: Option<&str>| {
        let mut v = example("esqual_one.json");
        n += 1;
        v["id"] = json!(uuid(0xd0 + n));
        let mut p = partial_of(&v, cleared, true);
        if let Some(step) = step {
            p["step"] = json!(step);
        }
        post(&s, &p)
    };
    // Every dimension answered and no outcome: read from the answers, `outcomes`.
    assert_eq!(sent(&[], Some("screen")).0, 201);
    assert_eq!(sent(&[], None).0, 201);
    // PRI unanswered, but the visitor had gone back to SYS when they left.
    assert_eq!(sent(&["PRI"], Some("SYS")).0, 201);
    let (status, _, body) = sent(&[], Some("checkout"));
    assert_eq!((status, error_of(&body)["field"].clone()), (400, json!("step")), "{body}");
    let mut complete = example("esqual_one.json");
    complete["id"] = json!(uuid(0xdf));
    complete["step"] = json!("SYS");
    let (status, _, body) = post(&s, &complete);
    assert_eq!((status, error_of(&body)["field"].clone()), (400, json!("step")), "{body}");

    let completion = admin_json(&s, "/v1/completion?instrument=e-s-qual&format=perception");
    let stopped: Vec<(String, u64)> = completion["drop_off"]
        .as_array()
        .expect("drop_off")
        .iter()
        .filter(|d| d["partial"] != 0)
        .map(|d| (d["step"].as_str().unwrap_or_default().to_string(), d["partial"].as_u64().unwrap_or(0)))
        .collect();
    let want = |v: &[(&str, u64)]| v.iter().map(|(s, n)| (s.to_string(), *n)).collect::<Vec<_>>();
    assert_eq!(stopped, want(&[("SYS", 1), ("screen", 1), ("outcomes", 1)]), "{completion}");
    assert_eq!((&completion["partial"], &completion["unplaced"]), (&json!(3), &json!(0)));
}

#[test]
fn completion_drop_off_reports_and_summaries_count_partials_only_when_asked() {
    let dir = scratch("partial-completion");
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    let base = |n: u64| {
        let mut v = example("esqual_one.json");
        v["id"] = json!(uuid(0xc0 + n));
        v
    };
    for n in 0..3 {
        assert_eq!(post(&s, &base(n)).0, 201);
    }
    let mut commented = base(7);
    commented["outcomes"]["comment"] = json!("left before the weights");
    // Where each stopped, by hand: SYS, SYS, FUL, outcomes, weights.
    let partials = [
        partial_of(&base(3), &["SYS", "FUL", "PRI"], false),
        partial_of(&base(4), &["SYS", "PRI"], true),
        partial_of(&base(5), &["FUL", "PRI"], true),
        partial_of(&base(6), &[], true),
        partial_of(&commented, &[], false),
    ];
    for p in &partials {
        assert_eq!(post(&s, p).0, 201);
    }
    // A partial, then its complete response: one complete response.
    assert_eq!(post(&s, &partial_of(&base(8), &["PRI"], true)).0, 201);
    assert_eq!(post(&s, &base(8)).0, 201);

    let q = "instrument=e-s-qual&format=perception";
    let completion = admin_json(&s, &format!("/v1/completion?{q}"));
    let step = |name: &str, n: u64| json!({ "step": name, "partial": n });
    let expected = json!({
        "instrument": "e-s-qual",
        "format": "perception",
        "started": 9,
        "complete": 4,
        "partial": 5,
        "rate": 4.0 / 9.0,
        "drop_off": [step("EFF", 0), step("SYS", 2), step("FUL", 1), step("PRI", 0), step("screen", 0),
            step("recovery", 0), step("outcomes", 1), step("weights", 1)],
        "unplaced": 0,
    });
    assert_eq!(completion, expected);
    // A period without responses: nothing started, no rate.
    let empty = admin_json(&s, &format!("/v1/completion?{q}&to=2001-01-01"));
    assert_eq!((&empty["started"], &empty["rate"]), (&json!(0), &Value::Null));

    let check = |s: &Server| {
        // The summaries (whole days) and the scan (a bound inside a day) agree: complete only.
        let summed = admin_json(s, &format!("/v1/report?{q}"));
        let scanned = admin_json(s, &format!("/v1/report?{q}&from=2000-01-01T00:00:00.001Z"));
        assert_eq!(summed["responses"], 4);
        assert_same(&summed, &scanned, "the report from the summaries and from the scan");
        let (complete, _) = served_and_cli(s, &dir, q, &[]);
        assert_eq!(complete["responses"], 4);
        let (all, _) = served_and_cli(s, &dir, &format!("{q}&partial=include"), &["--include-partial"]);
        assert_eq!(all["responses"], 9);
        assert_eq!(admin_json(s, &format!("/v1/distributions?{q}"))["responses"], 4);
        assert_eq!(admin_json(s, &format!("/v1/distributions?{q}&partial=include"))["responses"], 9);
        let comments = |query: &str| admin_json(s, query)["comments"].as_array().map(Vec::len);
        assert_eq!(comments(&format!("/v1/comments?{q}")), Some(0));
        assert_eq!(comments(&format!("/v1/comments?{q}&partial=include")), Some(1));
        assert_eq!(exported(s, "").len(), 4);
        assert_eq!(exported(s, "?partial=include").len(), 9);
    };
    check(&s);
    // A rebuild of the summaries leaves the partial responses out too.
    drop(s);
    rebuild(&dir);
    let s = Server::start(&dir, &["--rate-limit", "0"]);
    check(&s);
}
