//! A structured fuzz of the ingest path on stable Rust: proptest drives the real router
//! in-process (`tower::ServiceExt::oneshot`) with arbitrary bodies — random bytes, random JSON,
//! mutations of a valid payload, valid payloads with wild field values — under several content
//! types. Every answer is 201, 200, 400, 409, 413 or 415 with the JSON error shape: never a
//! 5xx, never a panic (the router turns a panic into a 500). Bounded: a fixed number of cases.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use eservqual_core::Registry;
use eservqual_server::serve::auth::{Admin, Token};
use eservqual_server::serve::database::{open, Location};
use eservqual_server::serve::http::{router, App};
use eservqual_server::serve::ingest::Checker;
use eservqual_server::serve::proxy::Proxies;
use eservqual_server::serve::writer;
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower::ServiceExt;

/// The collector's router over a scratch database, and the runtime that drives it.
struct Rig {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
}

fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let dir = common::scratch("fuzz", "ingest");
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let backend = open(&Location::Sqlite(dir.join("fuzz.db"))).expect("database");
        let (writer, _thread) = writer::start(backend.writer().expect("writer")).expect("writer thread");
        let app = App {
            checker: Checker::new(Registry::builtin()).expect("checker"),
            writer,
            backend,
            admin: Admin::new(Token::resolve(None, None, None).expect("token")),
            limiter: None,
            origins: HashSet::from(["https://shop.example".to_string()]),
            own_origins: HashSet::new(),
            proxies: Arc::new(Proxies::default()),
            www: None,
            dashboard: None,
            request_timeout: Duration::from_secs(30),
            segments: Vec::new(),
            webhooks: Arc::new(eservqual_server::serve::webhooks::Config::none()),
        };
        let router = rt.block_on(async { router(Arc::new(app)) });
        Rig { rt, router }
    })
}

/// POSTs `body` with `content_type`; the status and the body of the answer.
fn post(body: Vec<u8>, content_type: Option<&str>) -> (StatusCode, Vec<u8>) {
    let rig = rig();
    let mut req = Request::post("/v1/responses");
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let mut req = req.body(Body::from(body)).expect("request");
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 4000))));
    rig.rt.block_on(async {
        let res = rig.router.clone().oneshot(req).await.expect("the router answers");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("a body").to_bytes().to_vec();
        (status, bytes)
    })
}

/// A valid e-s-qual payload submitted now.
fn valid() -> Value {
    let path = common::data_dir().join("esqual_one.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("test data")).expect("JSON");
    let now = jiff::Timestamp::now();
    v["submitted_at"] = json!(now.to_string());
    v["started_at"] = json!(now.checked_sub(jiff::SignedDuration::from_secs(60)).expect("time").to_string());
    v
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| json!(x)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("[a-zA-Z_]{1,12}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A member of the valid payload set to a wild value.
fn wild_member() -> impl Strategy<Value = Vec<u8>> {
    let pointers = prop::sample::select(vec![
        "/id",
        "/schema",
        "/locale",
        "/submitted_at",
        "/started_at",
        "/scale",
        "/scale/max",
        "/instrument",
        "/instrument/id",
        "/instrument/format",
        "/instrument/dimensions",
        "/answers",
        "/answers/EFF1",
        "/answers/EFF1/p",
        "/recovery",
        "/weights",
        "/outcomes",
        "/outcomes/nps",
        "/outcomes/value",
        "/outcomes/comment",
        "/meta",
        "/page",
        "/scores",
        "/sdk",
        "/extra",
    ]);
    (pointers, any_json()).prop_map(|(pointer, value)| {
        let mut v = valid();
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        if let Some(Value::Object(map)) = v.pointer_mut(parent) {
            map.insert(key.to_string(), value);
        }
        v.to_string().into_bytes()
    })
}

/// The valid payload's text with a few bytes changed, cut or repeated.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), any::<prop::sample::Index>(), 0u8..3)
        .prop_map(|(flips, cut, how)| {
            let mut b = valid().to_string().into_bytes();
            for (i, byte) in flips {
                let i = i.index(b.len());
                b[i] = byte;
            }
            match how {
                0 => b.truncate(cut.index(b.len() + 1)),
                1 => {
                    let tail = b.clone();
                    b.extend_from_slice(&tail[cut.index(tail.len())..]);
                }
                _ => {}
            }
            b
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..512),
        2 => any_json().prop_map(|v| v.to_string().into_bytes()),
        3 => wild_member(),
        3 => mutated(),
        1 => Just(valid().to_string().into_bytes()),
        1 => (1usize..200_000).prop_map(|n| vec![b'['; n]),
        1 => (60_000usize..80_000).prop_map(|n| {
            let mut v = valid();
            v["meta"] = json!({ "pad": "x".repeat(n) });
            v.to_string().into_bytes()
        }),
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("text/plain;charset=UTF-8"),
        Some("application/json"),
        Some("application/json; charset=utf-16"),
        Some("text/plain; charset=latin1"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, max_shrink_iters: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_body_is_answered_without_a_5xx_or_a_panic(body in body(), ct in content_type()) {
        let (status, answer) = post(body, ct);
        let allowed = [200, 201, 400, 409, 413, 415];
        prop_assert!(allowed.contains(&status.as_u16()), "{status}: {}", String::from_utf8_lossy(&answer));
        let v: Value = serde_json::from_slice(&answer).map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
        if status.as_u16() >= 400 {
            prop_assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string(), "{v}");
        } else {
            prop_assert!(v["id"].is_string(), "{v}");
        }
    }
}
