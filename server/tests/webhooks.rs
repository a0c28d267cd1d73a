//! Webhooks of `eservqual serve`, end to end: the real binary delivering to a real receiver on a
//! loopback socket that answers as told (200, 500, 503 with Retry-After, 400, a hang past the
//! timeout, a dropped connection). Checks the signature of every request, the filters, that a
//! repeat POST makes no event, retries with one webhook-id, a collector killed (SIGKILL)
//! mid-delivery and restarted, the deliveries listing, the weekly alerts of the last completed
//! week (a dropped dimension, and a week like the four before that sends none), and the
//! verification snippets of docs/webhooks/ run with `node` and `python3`. tests/webhooks_pg.rs runs the same on PostgreSQL.

mod common;

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "test-admin-token-0123456789abcdef";
/// The secret in the Standard Webhooks form; its decoded bytes are the HMAC key.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Whether these tests run on PostgreSQL: when this file is a module of `webhooks_pg`.
fn on_postgres() -> bool {
    module_path!().starts_with("webhooks_pg")
}

fn store_args(dir: &Path) -> Vec<String> {
    if on_postgres() {
        let url = common::pg::database(&common::pg::base_url(), &common::pg::database_name(dir, "t.db"));
        vec!["--database-url".into(), url]
    } else {
        vec!["--db".into(), dir.join("t.db").display().to_string()]
    }
}

/// How the receiver answers the next request.
#[derive(Debug, Clone, Copy)]
enum Act {
    Status(u16),
    /// 503 with `Retry-After: 1`.
    Busy,
    /// Reads the request, then keeps the connection open without answering for this long.
    Hang(Duration),
    /// Reads the request, then closes the connection without answering.
    Drop,
}

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// The signature checked against [`SECRET`] by the receiver.
    valid: bool,
}

/// A webhook receiver on a loopback port: answers with the queued acts, then 200.
struct Receiver {
    url: String,
    acts: Arc<Mutex<VecDeque<Act>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn hmac_key() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(SECRET.trim_start_matches("whsec_")).expect("base64")
}

/// The Standard Webhooks check, written here from the specification.
fn verify(id: &str, timestamp: &str, signature: &str, body: &str) -> bool {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&hmac_key()).expect("key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    signature.split(' ').any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

impl Receiver {
    fn start(path: &str) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}{path}", listener.local_addr().expect("addr"));
        let acts: Arc<Mutex<VecDeque<Act>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (a, s) = (acts.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (a, s) = (a.clone(), s.clone());
                std::thread::spawn(move || serve_one(stream, &a, &s));
            }
        });
        Receiver { url, acts, seen }
    }

    fn queue(&self, acts: &[Act]) {
        self.acts.lock().expect("lock").extend(acts.iter().copied());
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until `done` holds for the requests seen (at most `secs`).
    fn wait_for(&self, secs: u64, what: &str, done: impl Fn(&[Seen]) -> bool) -> Vec<Seen> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let seen = self.seen();
            if done(&seen) {
                return seen;
            }
            assert!(Instant::now() < end, "{what}: not within {secs} s; seen {seen:#?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn serve_one(stream: TcpStream, acts: &Mutex<VecDeque<Act>>, seen: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut headers = std::collections::HashMap::new();
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8(body).expect("UTF-8 body");
    let h = |k: &str| headers.get(k).cloned().unwrap_or_default();
    let (id, timestamp, signature) = (h("webhook-id"), h("webhook-timestamp"), h("webhook-signature"));
    let valid = verify(&id, &timestamp, &signature, &body);
    seen.lock().expect("lock").push(Seen { id, timestamp, signature, body, valid });
    let act = acts.lock().expect("lock").pop_front().unwrap_or(Act::Status(200));
    let mut stream = stream;
    let answer = |status: u16, extra: &str| {
        format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n{extra}\r\n")
    };
    match act {
        Act::Status(s) => {
            let _ = stream.write_all(answer(s, "").as_bytes());
        }
        Act::Busy => {
            let _ = stream.write_all(answer(503, "retry-after: 1\r\n").as_bytes());
        }
        Act::Hang(d) => std::thread::sleep(d),
        Act::Drop => {}
    }
}

/// A running collector, killed (SIGKILL) when dropped.
struct Collector {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Collector {
    fn start(dir: &Path, hooks: &[String]) -> Collector {
        Collector::start_with(dir, hooks, "1")
    }

    /// With `--webhook-timeout TIMEOUT` (seconds).
    fn start_with(dir: &Path, hooks: &[String], timeout: &str) -> Collector {
        let secret = dir.join("secret");
        std::fs::write(&secret, format!("{SECRET}\n")).expect("secret file");
        let log = dir.join(format!("server-{}.log", std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)));
        let mut args: Vec<String> = vec!["serve".into(), "--addr".into(), "127.0.0.1:0".into()];
        args.extend(store_args(dir));
        args.extend(["--admin-token".into(), TOKEN.into(), "--rate-limit".into(), "0".into()]);
        args.extend(["--webhook-secret-file".into(), secret.display().to_string()]);
        // A short timeout, and the waits between attempts of retry::next at a hundredth.
        args.extend(["--webhook-timeout".into(), timeout.into(), "--webhook-retry-scale".into(), "0.01".into()]);
        for h in hooks {
            args.extend(["--webhook".into(), h.clone()]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(&args)
            .current_dir(dir)
            .env_remove("ESERVQUAL_WEBHOOK_SECRET")
            .env_remove("ESERVQUAL_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("the binary starts");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read");
        let base = line
            .strip_prefix("eservqual serve: listening on ")
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no listening line: {line}{}", std::fs::read_to_string(&log).unwrap_or_default()))
            .to_string();
        // The rest of stdout is read (and dropped) so the collector never blocks on it.
        std::thread::spawn(move || for _ in out.lines() {});
        Collector { child, base, log }
    }

    fn post(&self, body: &str) -> u16 {
        let res = agent().post(&format!("{}/v1/responses", self.base)).content_type("application/json").send(body);
        res.expect("POST reaches the collector").status().as_u16()
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let mut res = agent()
            .get(&format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .call()
            .expect("GET reaches the collector");
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The deliveries listing once `done` holds for it (at most `secs`).
    fn deliveries_when(&self, secs: u64, query: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let (status, body) = self.get(&format!("/v1/webhooks/deliveries{query}"));
            assert_eq!(status, 200, "{body}");
            let rows = body["deliveries"].as_array().cloned().unwrap_or_default();
            if done(&rows) {
                return rows;
            }
            assert!(
                Instant::now() < end,
                "deliveries not as expected within {secs} s: {rows:#?}\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// The example E-S-QUAL response (class `delighted` in tests/data/esqual_one.expected.json) under
/// id `n`, submitted now, with NPS answer `nps` (and the client's NPS category to match).
fn response(n: u64, nps: i64) -> Value {
    let path = common::data_dir().join("esqual_one.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("JSON");
    v["id"] = json!(format!("00000000-0000-4000-8000-{n:012x}"));
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).expect("now");
    v["submitted_at"] = json!(now.to_string());
    v.as_object_mut().expect("object").remove("started_at");
    v["outcomes"]["nps"] = json!(nps);
    v["scores"]["nps_category"] = json!(match nps {
        0..=6 => "detractor",
        7..=8 => "passive",
        _ => "promoter",
    });
    v
}

fn scratch(test: &str) -> PathBuf {
    common::scratch(if on_postgres() { "webhooks-pg" } else { "webhooks" }, test)
}

fn expected_class() -> String {
    let path = common::data_dir().join("esqual_one.expected.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("expected")).expect("JSON");
    v["scores"]["class"].as_str().expect("class").to_string()
}

#[test]
fn new_responses_reach_the_subscribed_webhooks_signed_filtered_and_once() {
    let dir = scratch("created");
    let all = Receiver::start("/all");
    let detractors = Receiver::start("/low?x=1");
    let unhappy = Receiver::start("/unhappy");
    let alerts_only = Receiver::start("/alerts");
    let class = expected_class();
    let c = Collector::start(
        &dir,
        &[
            format!("{};events=response.created", all.url),
            format!("{};events=response.created;filter=nps<=6,class={class}", detractors.url),
            format!("{};events=response.created;filter=class=dissatisfied", unhappy.url),
            alerts_only.url.clone(),
        ],
    );
    let low = response(1, 3);
    let high = response(2, 9);
    assert_eq!(c.post(&low.to_string()), 201);
    assert_eq!(c.post(&high.to_string()), 201);
    // A repeat (200) and a refused body (409: another response under a stored id) make no event.
    assert_eq!(c.post(&low.to_string()), 200);
    let mut other = response(2, 4);
    other["outcomes"]["nps"] = json!(4);
    assert_eq!(c.post(&other.to_string()), 409);
    assert_eq!(c.post("{\"not\": \"a response\"}"), 400);

    let seen = all.wait_for(20, "two events", |s| s.len() >= 2);
    detractors.wait_for(20, "one event", |s| !s.is_empty());
    // Every event is listed delivered before the counts are taken: nothing more is on its way.
    let rows = c.deliveries_when(20, "", |r| r.len() == 3 && r.iter().all(|d| d["status"] == "delivered"));
    assert_eq!(all.seen().len(), 2, "{:#?}", all.seen());
    assert_eq!(detractors.seen().len(), 1);
    assert!(unhappy.seen().is_empty() && alerts_only.seen().is_empty());

    let mut ids = Vec::new();
    for s in seen.iter().chain(detractors.seen().iter()) {
        assert!(s.valid, "signature does not verify: {s:#?}");
        assert!(s.id.starts_with("msg_"));
        let now = jiff::Timestamp::now().as_second();
        let ts: i64 = s.timestamp.parse().expect("a number of seconds");
        assert!((now - ts).abs() < 60, "timestamp {ts} not now ({now})");
        let body: Value = serde_json::from_str(&s.body).expect("JSON body");
        assert_eq!(body["type"], "response.created");
        assert!(body["timestamp"].as_str().is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()), "{body}");
        let data = &body["data"];
        let sent = if data["id"] == low["id"] { &low } else { &high };
        assert_eq!(data["id"], sent["id"]);
        assert_eq!(data["instrument"], sent["instrument"]["id"]);
        assert_eq!(data["format"], sent["instrument"]["format"]);
        assert_eq!(data["nps"], sent["outcomes"]["nps"]);
        assert_eq!(data["class"], class.as_str());
        assert_eq!(data["scores"]["dimensions"]["PRI"]["p"].as_f64(), Some(10.0 / 3.0));
        assert_eq!(
            data["submitted_at"].as_str().and_then(|t| t.parse::<jiff::Timestamp>().ok()),
            sent["submitted_at"].as_str().and_then(|t| t.parse::<jiff::Timestamp>().ok())
        );
        ids.push(s.id.clone());
    }
    let low_to_detractors = &detractors.seen()[0];
    assert_eq!(serde_json::from_str::<Value>(&low_to_detractors.body).expect("JSON")["data"]["nps"], 3);
    // Ids differ per response and per webhook.
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);

    // The counts of every status, whatever the page asks for, and the webhooks configured.
    let (_, page) = c.get("/v1/webhooks/deliveries?status=failed&limit=1");
    assert_eq!(page["counts"], json!({ "pending": 0, "delivered": 3, "failed": 0 }), "{page}");
    assert_eq!((page["webhooks"].as_u64(), page["deliveries"].as_array().map(Vec::len)), (Some(4), Some(0)));
    // The listing: newest first, one attempt each, the receiver's status; paged.
    for d in &rows {
        assert_eq!(d["attempts"], 1, "{d}");
        assert_eq!(d["last_status"], "200");
        assert_eq!(d["event_type"], "response.created");
        assert!(d["next_attempt_at"].is_null() && d["delivered_at"].is_string());
    }
    let created: Vec<&str> = rows.iter().map(|d| d["created_at"].as_str().expect("created_at")).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    let (status, page) = c.get("/v1/webhooks/deliveries?limit=2");
    assert_eq!(status, 200);
    assert_eq!(page["deliveries"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["next_offset"], 2);
    let (_, rest) = c.get("/v1/webhooks/deliveries?limit=2&offset=2");
    assert_eq!(rest["deliveries"][0]["id"], rows[2]["id"]);
    assert!(rest["next_offset"].is_null());
    let (_, failed) = c.get("/v1/webhooks/deliveries?status=failed");
    assert_eq!(failed["deliveries"], json!([]));
    assert_eq!(c.get("/v1/webhooks/deliveries?status=lost").0, 400);
    // Admin only.
    let anonymous = agent().get(&format!("{}/v1/webhooks/deliveries", c.base)).call().expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);
}

#[test]
fn a_partial_response_fires_nothing_and_the_complete_one_replacing_it_fires_once() {
    let dir = scratch("partial");
    let all = Receiver::start("/all");
    let c = Collector::start(&dir, &[format!("{};events=response.created", all.url)]);
    let complete = response(7, 9);
    let mut partial = complete.clone();
    partial["status"] = json!("partial");
    for (code, answer) in partial["answers"].as_object_mut().expect("answers") {
        if code.starts_with("PRI") {
            *answer = json!({ "p": null });
        }
    }
    // The partial, a later partial replacing it, then the complete response, then a late
    // partial that changes nothing.
    assert_eq!(c.post(&partial.to_string()), 201);
    let mut later = partial.clone();
    later["answers"]["PRI1"] = json!({ "p": 2 });
    assert_eq!(c.post(&later.to_string()), 201);
    assert_eq!(c.post(&complete.to_string()), 201);
    assert_eq!(c.post(&partial.to_string()), 200);
    let seen = all.wait_for(20, "one event", |s| !s.is_empty());
    let rows = c.deliveries_when(20, "", |r| !r.is_empty() && r.iter().all(|d| d["status"] == "delivered"));
    assert_eq!(rows.len(), 1, "{rows:#?}");
    // Nothing more on its way: the one event is the complete response's.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(all.seen().len(), 1, "{:#?}", all.seen());
    let body: Value = serde_json::from_str(&seen[0].body).expect("JSON body");
    assert_eq!(
        (&body["type"], &body["data"]["id"], &body["data"]["nps"]),
        (&json!("response.created"), &complete["id"], &json!(9))
    );
    assert_eq!(c.get("/v1/webhooks/deliveries").1["counts"], json!({ "pending": 0, "delivered": 1, "failed": 0 }));
}

#[test]
fn failed_attempts_are_retried_with_the_same_id_and_a_refusal_is_kept_as_failed() {
    let dir = scratch("retries");
    let flaky = Receiver::start("/flaky");
    let refusing = Receiver::start("/refusing");
    flaky.queue(&[Act::Status(500), Act::Hang(Duration::from_secs(3)), Act::Drop, Act::Busy]);
    refusing.queue(&[Act::Status(400)]);
    let c = Collector::start(
        &dir,
        &[format!("{};events=response.created", flaky.url), format!("{};events=response.created", refusing.url)],
    );
    assert_eq!(c.post(&response(7, 5).to_string()), 201);
    // 500, timeout, dropped connection, 503 (Retry-After: 1 s, at a hundredth), then 200.
    let seen = flaky.wait_for(30, "five attempts", |s| s.len() >= 5);
    let rows = c.deliveries_when(20, "", |r| {
        r.iter().any(|d| d["status"] == "delivered") && r.iter().any(|d| d["status"] == "failed")
    });
    assert_eq!(flaky.seen().len(), 5, "delivered once, then never again");
    assert!(seen.iter().all(|s| s.id == seen[0].id && s.valid), "{seen:#?}");
    assert!(seen.iter().all(|s| s.body == seen[0].body), "the same body on every attempt");
    let delivered = rows.iter().find(|d| d["status"] == "delivered").expect("delivered");
    assert_eq!(delivered["id"], seen[0].id.as_str());
    assert_eq!(delivered["attempts"], 5);
    assert_eq!(delivered["last_status"], "200");
    // 400 is a refusal for good: one attempt, kept as failed.
    let failed = rows.iter().find(|d| d["status"] == "failed").expect("failed");
    assert_eq!(failed["attempts"], 1);
    assert!(failed["last_status"].as_str().is_some_and(|s| s.starts_with("400")), "{failed}");
    assert_eq!(
        c.get("/v1/webhooks/deliveries?status=delivered").1["counts"],
        json!({ "pending": 0, "delivered": 1, "failed": 1 })
    );
    assert!(failed["next_attempt_at"].is_null());
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(refusing.seen().len(), 1, "a refused event is not sent again");
}

#[test]
fn a_collector_killed_mid_delivery_delivers_every_event_after_restart() {
    let dir = scratch("kill9");
    let receiver = Receiver::start("/r");
    // Every first request hangs: the collector is killed while it waits for the answer.
    receiver.queue(&[Act::Hang(Duration::from_secs(30)); 3]);
    let hook = format!("{};events=response.created", receiver.url);
    // A timeout longer than the test's wait, so the kill comes first; the events stay leased for
    // the timeout and 5 s more, then are due again.
    let mut c = Collector::start_with(&dir, std::slice::from_ref(&hook), "5");
    let ids: Vec<String> = (0..3)
        .map(|n| {
            let r = response(100 + n, 2);
            assert_eq!(c.post(&r.to_string()), 201);
            r["id"].as_str().expect("id").to_string()
        })
        .collect();
    let first = receiver.wait_for(20, "the hanging attempts", |s| s.len() >= 3);
    c.child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
    let _ = c.child.wait();
    drop(c);
    receiver.acts.lock().expect("lock").clear();

    let c = Collector::start_with(&dir, &[hook], "5");
    let seen = receiver.wait_for(40, "redelivery after the restart", |s| s.len() >= 6);
    c.deliveries_when(20, "", |r| r.len() == 3 && r.iter().all(|d| d["status"] == "delivered"));
    for id in &ids {
        let for_id: Vec<&Seen> = seen
            .iter()
            .filter(|s| serde_json::from_str::<Value>(&s.body).is_ok_and(|b| b["data"]["id"] == id.as_str()))
            .collect();
        assert!(for_id.len() >= 2, "{id}: {for_id:#?}");
        assert!(for_id.iter().all(|s| s.valid && s.id == for_id[0].id), "one webhook-id per event: {for_id:#?}");
    }
    assert!(first.iter().all(|f| seen[3..].iter().any(|s| s.id == f.id)), "every first id seen again");
}

/// Runs a verification snippet of docs/webhooks/ with the headers and body of a real request.
fn run_snippet(program: &str, file: &Path, secret: &str, s: &Seen) -> bool {
    let mut child = Command::new(program)
        .arg(file)
        .env("WEBHOOK_SECRET", secret)
        .env("WEBHOOK_ID", &s.id)
        .env("WEBHOOK_TIMESTAMP", &s.timestamp)
        .env("WEBHOOK_SIGNATURE", &s.signature)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    child.stdin.take().expect("stdin").write_all(s.body.as_bytes()).expect("write body");
    child.wait().expect("wait").success()
}

#[test]
fn the_documented_node_and_python_snippets_verify_a_real_request() {
    if on_postgres() {
        return; // The snippets do not depend on the store.
    }
    let dir = scratch("snippets");
    let receiver = Receiver::start("/doc");
    let c = Collector::start(&dir, &[format!("{};events=response.created", receiver.url)]);
    assert_eq!(c.post(&response(9, 8).to_string()), 201);
    let seen = receiver.wait_for(20, "one event", |s| !s.is_empty())[0].clone();
    assert!(seen.valid);
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let interfaces = std::fs::read_to_string(docs.join("interfaces.md")).expect("docs/interfaces.md");
    let wrong = "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB";
    for (program, file) in [("node", "verify.mjs"), ("python3", "verify.py")] {
        let path = docs.join("webhooks").join(file);
        let text = std::fs::read_to_string(&path).expect("snippet");
        // The page shows the very code that is run here.
        assert!(interfaces.contains(text.trim()), "docs/interfaces.md does not show docs/webhooks/{file} as it is");
        assert!(run_snippet(program, &path, SECRET, &seen), "{file} rejects a valid request");
        assert!(!run_snippet(program, &path, wrong, &seen), "{file} accepts a signature made with another secret");
        let mut changed = seen.clone();
        changed.body = changed.body.replacen("\"nps\":8", "\"nps\":9", 1);
        assert_ne!(changed.body, seen.body);
        assert!(!run_snippet(program, &path, SECRET, &changed), "{file} accepts a changed body");
        // An old timestamp (over five minutes) is refused, even if correctly signed.
        let mut old = seen.clone();
        old.timestamp = (seen.timestamp.parse::<i64>().expect("ts") - 600).to_string();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&hmac_key()).expect("key");
        mac.update(format!("{}.{}.{}", old.id, old.timestamp, old.body).as_bytes());
        old.signature = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
        assert!(verify(&old.id, &old.timestamp, &old.signature, &old.body));
        assert!(!run_snippet(program, &path, SECRET, &old), "{file} accepts a stale timestamp");
    }
}

#[test]
fn a_webhook_without_a_secret_or_with_a_bad_option_is_refused_at_start() {
    if on_postgres() {
        return;
    }
    let dir = scratch("refused");
    let run = |extra: &[&str]| {
        let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db"];
        let db = dir.join("t.db").display().to_string();
        args.push(&db);
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(&args)
            .env_remove("ESERVQUAL_WEBHOOK_SECRET")
            .stdout(Stdio::null())
            .output()
            .expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, err) = run(&["--webhook", "http://127.0.0.1:9/x"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("--webhook-secret-file"), "{err}");
    std::fs::write(dir.join("s"), SECRET).expect("secret");
    let secret = dir.join("s").display().to_string();
    let (code, err) = run(&["--webhook-secret-file", &secret, "--webhook", "http://127.0.0.1:9/x;filter=nps<=6"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("events=response.created"), "{err}");
    let (code, err) = run(&["--webhook-secret-file", &secret, "--webhook", "http://127.0.0.1:9/x;events=all"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("event 'all'"), "{err}");
}

/// A stored response of the checked week or one of the four weeks before, as (id,
/// submitted_at, payload): E-S-QUAL perception, every EFF item answered `eff`,
/// SYS and FUL items 4, PRI items `pri`.
fn old_row(n: u64, day: &str, eff: i64, pri: i64) -> (String, String, String) {
    let path = common::data_dir().join("esqual_one.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("JSON");
    let id = format!("00000000-0000-4000-8000-{:012x}", 0xa1e7_0000 + n);
    v["id"] = json!(id);
    let submitted = format!("{day}T10:00:00.000Z");
    v["submitted_at"] = json!(submitted);
    v.as_object_mut().expect("object").remove("started_at");
    for (item, answer) in v["answers"].as_object_mut().expect("answers") {
        let value = match &item[..3] {
            "EFF" => eff,
            "PRI" => pri,
            _ => 4,
        };
        *answer = json!({ "p": value });
    }
    (id, submitted, v.to_string())
}

/// Creates the store of `dir` (with `summaries rebuild`), writes `rows` (n, day, EFF, PRI) into
/// it directly (the collector refuses a response submitted weeks ago), then rebuilds the
/// summaries from them.
fn store_old_rows(dir: &Path, rows: &[(u64, String, i64, i64)]) {
    let rebuild = |what: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
            .args(["summaries", "rebuild"])
            .args(store_args(dir))
            .env_remove("ESERVQUAL_DATABASE_URL")
            .output()
            .expect("runs");
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    };
    rebuild("creating the database");
    let rows: Vec<(String, String, String)> =
        rows.iter().map(|(n, day, eff, pri)| old_row(*n, day, *eff, *pri)).collect();
    if on_postgres() {
        let quote = |t: &str| format!("'{}'", t.replace('\'', "''"));
        let values: Vec<String> = rows
            .iter()
            .map(|(id, at, payload)| format!("({}, {}, {})", quote(id), quote(at), quote(payload)))
            .collect();
        let sql = format!(
            "INSERT INTO responses (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload, has_comment)
             SELECT v.id, 'e-s-qual', 'perception', 'EFF,SYS,FUL,PRI', v.s, v.s, true, v.p, false
             FROM (VALUES {}) AS v (id, s, p)",
            values.join(", ")
        );
        let url = common::pg::database(&common::pg::base_url(), &common::pg::database_name(dir, "t.db"));
        common::pg::execute(&url, &sql).expect("insert");
    } else {
        let conn = rusqlite::Connection::open(dir.join("t.db")).expect("open");
        for (id, submitted, payload) in &rows {
            conn.execute(
                "INSERT INTO responses (id, instrument, format, dimensions, submitted_at, received_at, scores_mismatch, payload, has_comment)
                 VALUES (?1, 'e-s-qual', 'perception', 'EFF,SYS,FUL,PRI', ?2, ?2, 1, ?3, 0)",
                rusqlite::params![id, submitted, payload],
            )
            .expect("insert");
        }
    }
    rebuild("summaries of the written rows");
}

/// The Monday of the last completed ISO week (UTC), and the day `offset` days after it.
fn last_week() -> (jiff::civil::Date, impl Fn(i64) -> String) {
    let days = jiff::Timestamp::now().as_second().div_euclid(86_400);
    let today = jiff::civil::date(1970, 1, 1) + jiff::Span::new().days(days);
    let monday = today - jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset()) + 7);
    (monday, move |offset| (monday + jiff::Span::new().days(offset)).to_string())
}

/// The ISO week name of a Monday (`2026-W49`).
fn week_of(monday: jiff::civil::Date) -> String {
    let w = monday.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// `POST /v1/alerts/check[?week=WEEK]` (`""`: the default, the last completed week) with the
/// admin token: (status, body).
fn check_week(c: &Collector, week: &str) -> (u16, Value) {
    let query = if week.is_empty() { String::new() } else { format!("?week={week}") };
    let mut res = agent()
        .post(&format!("{}/v1/alerts/check{query}", c.base))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send_empty()
        .expect("POST");
    let status = res.status().as_u16();
    let body: Value = serde_json::from_str(&res.body_mut().read_to_string().expect("body")).expect("JSON");
    (status, body)
}

#[test]
fn a_week_whose_dimension_dropped_sends_alerts_once() {
    let dir = scratch("alerts");
    // The last completed week: the default of the check.
    let (monday, day) = last_week();
    let (week, next) = (week_of(monday), week_of(monday + jiff::Span::new().weeks(1)));
    let (mut base_eff, mut week_eff) = (Vec::new(), Vec::new());
    let mut rows = Vec::new();
    // The four weeks before: EFF 4 or 5, PRI 3 (the weakest). 20 responses.
    for (n, offset) in [-28, -20, -12, -4].into_iter().enumerate() {
        for k in 0..5u64 {
            let eff = 4 + (k % 2) as i64;
            rows.push((n as u64 * 10 + k, day(offset), eff, 3));
            base_eff.push(eff as f64);
        }
    }
    // The checked week: EFF 1 or 2 (mean 1.5), now below PRI. 12 responses, on its Monday
    // and its Sunday.
    for k in 0..12u64 {
        let eff = 1 + (k % 2) as i64;
        rows.push((100 + k, day(if k < 6 { 0 } else { 6 }), eff, 3));
        week_eff.push(eff as f64);
    }
    // One response of the next week (this week, still running), PRI still its weakest, EFF up:
    // no alert for it (its base, from the second of the four weeks to the checked week, has
    // PRI weakest too, EFF at 3.17).
    rows.push((200, day(7), 5, 3));
    store_old_rows(&dir, &rows);
    let json_hook = Receiver::start("/alerts");
    let slack_hook = Receiver::start("/slack");
    let created_only = Receiver::start("/created");
    let c = Collector::start(
        &dir,
        &[
            format!("{};events=alerts", json_hook.url),
            format!("{};format=slack", slack_hook.url),
            format!("{};events=response.created", created_only.url),
        ],
    );
    let check = |week: &str| check_week(&c, week);
    let (status, first) = check("");
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["week"], week.as_str());
    let kinds: Vec<&str> =
        first["alerts"].as_array().expect("alerts").iter().filter_map(|a| a["type"].as_str()).collect();
    assert_eq!(kinds, ["alert.dimension_dropped", "alert.weakest_changed"], "{first}");
    // Two alerts for each of the two webhooks that take alerts: written by this check, or
    // already by the check the collector makes of the last completed week when it starts.
    assert!(first["new_events"] == 4 || first["new_events"] == 0, "{first}");
    // Checked again (the timer, another collector): nothing new.
    let (_, again) = check(&week);
    assert_eq!((again["week"].as_str(), again["new_events"].as_u64()), (Some(week.as_str()), Some(0)), "{again}");
    assert_eq!(check(&next).1["alerts"], json!([]), "{next}: no drop, the same weakest");
    assert_eq!(check("2026-W60").0, 400);

    let seen = json_hook.wait_for(20, "two alerts", |s| s.len() >= 2);
    slack_hook.wait_for(20, "two alerts", |s| s.len() >= 2);
    c.deliveries_when(20, "?status=delivered", |r| r.len() == 4);
    // Each alert once: however many checks ran, and whichever wrote the events.
    assert_eq!((json_hook.seen().len(), slack_hook.seen().len()), (2, 2));
    assert!(created_only.seen().is_empty());
    let bodies: Vec<Value> = seen.iter().map(|s| serde_json::from_str(&s.body).expect("JSON")).collect();
    assert!(seen.iter().all(|s| s.valid));
    let dropped = bodies.iter().find(|b| b["type"] == "alert.dimension_dropped").expect("dropped");
    let d = &dropped["data"];
    assert_eq!((d["week"].as_str(), d["dimension"].as_str()), (Some(week.as_str()), Some("EFF")));
    assert_eq!((d["responses"].as_u64(), d["base_responses"].as_u64()), (Some(12), Some(20)));
    // Welch's t by hand from the EFF answers written (each respondent's EFF mean is its answer).
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let var = |x: &[f64]| x.iter().map(|v| (v - mean(x)).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    let (m1, m0) = (mean(&week_eff), mean(&base_eff));
    assert!((d["test"]["current"].as_f64().expect("current") - m1).abs() < 1e-12, "{d}");
    assert!((d["test"]["base"].as_f64().expect("base") - m0).abs() < 1e-12, "{d}");
    let t = (m1 - m0) / (var(&week_eff) / week_eff.len() as f64 + var(&base_eff) / base_eff.len() as f64).sqrt();
    assert!((d["test"]["statistic"].as_f64().expect("t") - t).abs() < 1e-9, "{d}");
    assert!(d["test"]["p_adjusted"].as_f64().is_some_and(|p| p < 0.05));
    let changed = bodies.iter().find(|b| b["type"] == "alert.weakest_changed").expect("weakest");
    assert_eq!(
        (changed["data"]["previous_weakest"].as_str(), changed["data"]["weakest"].as_str()),
        (Some("PRI"), Some("EFF"))
    );
    let slack: Vec<Value> = slack_hook.seen().iter().map(|s| serde_json::from_str(&s.body).expect("JSON")).collect();
    assert!(
        slack
            .iter()
            .any(|b| b["text"].as_str().is_some_and(|t| t.contains(&format!("EFF dropped from {m0:.2} to {m1:.2}")))),
        "{slack:?}"
    );
    assert!(slack.iter().all(|b| b["blocks"][0]["text"]["text"] == b["text"]));
}

#[test]
fn a_week_like_the_four_before_sends_no_alert() {
    let dir = scratch("no-alerts");
    let (monday, day) = last_week();
    // Five weeks of the same answers: EFF 4 or 5, PRI 3, four responses a week.
    let mut rows = Vec::new();
    for w in 0..5i64 {
        for k in 0..4u64 {
            rows.push((w as u64 * 10 + k, day(-28 + 7 * w + k as i64), 4 + (k % 2) as i64, 3));
        }
    }
    store_old_rows(&dir, &rows);
    let hook = Receiver::start("/alerts");
    let c = Collector::start(&dir, &[format!("{};events=alerts", hook.url)]);
    let (status, body) = check_week(&c, "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["week"], week_of(monday).as_str());
    assert_eq!((&body["alerts"], &body["new_events"]), (&json!([]), &json!(0)), "{body}");
    // The check did read the week: a week with responses but no drop, not an empty one.
    let (status, report) = c.get(&format!(
        "/v1/report?instrument=e-s-qual&format=perception&from={}T00:00:00Z&to={}T00:00:00Z",
        day(0),
        day(7)
    ));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["responses"], 4, "{report}");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(hook.seen().is_empty(), "{:#?}", hook.seen());
    assert_eq!(c.deliveries_when(5, "", |_| true), Vec::<Value>::new());
}

#[test]
fn two_collectors_on_one_database_send_each_event_once() {
    if !on_postgres() {
        return; // One collector per SQLite file.
    }
    let dir = scratch("two");
    let receiver = Receiver::start("/both");
    let hook = format!("{};events=response.created", receiver.url);
    let a = Collector::start(&dir, std::slice::from_ref(&hook));
    let b = Collector::start(&dir, std::slice::from_ref(&hook));
    // Posted to both: each collector's worker sees every event in the shared outbox.
    for n in 0..30u64 {
        let c = if n % 2 == 0 { &a } else { &b };
        assert_eq!(c.post(&response(300 + n, 5).to_string()), 201);
    }
    a.deliveries_when(30, "?status=delivered&limit=500", |r| r.len() == 30);
    std::thread::sleep(Duration::from_secs(1));
    let seen = receiver.seen();
    let mut ids: Vec<&str> = seen.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    // Claimed under a row lock and a lease: with every attempt answered, none is sent twice.
    assert_eq!(seen.len(), 30, "an event sent by both collectors");
    assert!(seen.iter().all(|s| s.valid));
}
