//! `eservqual serve` on PostgreSQL: every test of tests/serve.rs again, each on a database of its
//! own, then what only a shared database can show: two collectors on one database (idempotency
//! across them, kill -9 of one under load), the database stopped and started under load, and
//! migrations (N collectors starting together, a newer schema refused).
//!
//! Needs the throw-away cluster of `scripts/pg-cluster.sh run` (its URL in
//! ESERVQUAL_TEST_DATABASE_URL): `make test-pg`. Not run by `cargo test --workspace` (`test =
//! false` in Cargo.toml); without the cluster every test fails, saying how to run it.

#[path = "serve.rs"]
mod serve;

use serde_json::{json, Value};
use serve::common::pg;
use serve::{agent, example, exported, load, partial_of, post, scratch, store_args, uuid, Server};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

/// The schema version this build writes (responses, the probe row, summaries, has_comment, the
/// webhook outbox, segments in the summaries, the response status).
const SCHEMA_VERSION: &str = "7";

/// Two collectors on one database (of the test folder `dir`).
fn two(dir: &Path) -> (Server, Server) {
    let a = Server::start(dir, &["--rate-limit", "0"]);
    let b = Server::start(dir, &["--rate-limit", "0"]);
    (a, b)
}

/// Checks that every acknowledged id is stored exactly once in `stored`.
fn assert_all_stored_once(acked: &[String], stored: &[String]) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in stored {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, &n)| n > 1).map(|(id, _)| *id).collect();
    assert!(twice.is_empty(), "ids stored more than once: {twice:?}");
    let lost: Vec<&String> = acked.iter().filter(|id| !seen.contains_key(id.as_str())).collect();
    assert!(lost.is_empty(), "{} acknowledged responses lost, e.g. {:?}", lost.len(), lost.first());
}

#[test]
fn fifty_concurrent_posts_of_one_id_over_two_collectors_store_one_row() {
    let dir = scratch("pg-two-50");
    let (a, b) = two(&dir);
    let body = example("esqual_one.json").to_string();
    let statuses = serve::post_at_once(&[a.url("/v1/responses"), b.url("/v1/responses")], &body, 50);
    assert_eq!(statuses.iter().filter(|&&c| c == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&c| c == 200).count(), 49, "{statuses:?}");
    assert_eq!(a.count(), 1);
    assert_eq!(b.count(), 1);
}

#[test]
fn partials_racing_the_complete_response_over_two_collectors_never_replace_it() {
    let dir = scratch("pg-two-partial");
    let (a, b) = two(&dir);
    let urls = [a.url("/v1/responses"), b.url("/v1/responses")];
    let mut completes = Vec::new();
    for round in 0..8u64 {
        let mut complete = example("esqual_one.json");
        complete["id"] = json!(uuid(0x7a00 + round));
        // Twenty partials of distinct bodies and the complete response, released together; the
        // complete one in a different place each round.
        let cleared: [&[&str]; 4] = [&["SYS", "FUL", "PRI"], &["FUL", "PRI"], &["PRI"], &[]];
        let mut bodies: Vec<String> = (0..20)
            .map(|i| {
                let mut p = partial_of(&complete, cleared[i % 4], false);
                p["outcomes"]["nps"] = json!(i % 11);
                p.to_string()
            })
            .collect();
        let at = (round as usize * 3) % 21;
        bodies.insert(at, complete.to_string());
        let barrier = Arc::new(Barrier::new(bodies.len()));
        let handles: Vec<_> = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                let (barrier, url, body) = (barrier.clone(), urls[i % 2].clone(), body.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    serve::post_raw(&url, body.as_bytes(), None).0
                })
            })
            .collect();
        let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().expect("a client thread")).collect();
        assert_eq!(statuses[at], 201, "the complete response: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}");
        completes.push(complete);
    }
    // Every id holds its complete response, whichever collector stored what in which order.
    let mut stored = exported(&a, "?partial=include");
    stored.sort_by(|x, y| x["id"].as_str().cmp(&y["id"].as_str()));
    assert_eq!(stored, completes);
    let completion = serve::admin_json(&b, "/v1/completion?instrument=e-s-qual");
    assert_eq!((&completion["complete"], &completion["partial"]), (&json!(8), &json!(0)));
}

#[test]
fn kill_9_of_one_collector_under_load_on_both_loses_nothing_acknowledged() {
    let dir = scratch("pg-two-kill9");
    let (mut a, b) = two(&dir);
    let acked: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    // Two bounded loads (four clients each) with distinct ids; A is killed midway through.
    let mut workers = load(&a.url("/v1/responses"), 1, 2000, &stop, &acked);
    workers.extend(load(&b.url("/v1/responses"), 2, 2000, &stop, &acked));
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().expect("lock").len() < 1000 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    a.child.kill().expect("SIGKILL");
    let _ = a.child.wait();
    let at_kill = acked.lock().expect("lock").len();
    // A's clients stop at the broken connection; B's finish their budget.
    for w in workers {
        w.join().expect("a client thread");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(at_kill >= 1000, "only {at_kill} acknowledged before the deadline");
    let stored = b.exported_ids();
    eprintln!(
        "kill -9 of A after {at_kill} acknowledged; {} acknowledged in all, {} stored",
        acked.len(),
        stored.len()
    );
    assert_all_stored_once(&acked, &stored);
    // A repeat of an id A acknowledged is a repeat on B too.
    // Load 1 (A's) has ids ending in 01..., load 2 (B's) in 02....
    let from_a = acked
        .iter()
        .find(|id| id.rsplit('-').next().is_some_and(|tail| tail.starts_with("01")))
        .expect("an id acknowledged by A");
    // The very body A stored (the export gives the payload as received), sent again to B.
    let (_, _, jsonl) = serve::get(&b.url("/v1/responses.jsonl"), Some(serve::TOKEN));
    let line = jsonl.lines().find(|l| l.contains(from_a.as_str())).expect("the payload A acknowledged");
    let payload: Value = serde_json::from_str(line).expect("a payload");
    assert_eq!(post(&b, &payload).0, 200);
    // A collector started again on the database sees the same rows.
    let a2 = Server::start(&dir, &["--rate-limit", "0"]);
    assert_eq!(a2.count(), stored.len());
}

/// What a client like the widget's outbox saw during a load: acknowledged ids, 503s (all with
/// Retry-After), other statuses.
#[derive(Default)]
struct Seen {
    acked: Vec<String>,
    unavailable: usize,
    without_retry_after: usize,
    other: Vec<u16>,
}

/// Four clients per URL, each sending fresh ids until `per_client` are acknowledged; a 503 (or a
/// refused connection) is retried with the same id after 100 ms, as the widget's outbox would.
fn retrying_load(urls: &[String], per_client: usize, seen: &Arc<Mutex<Seen>>) -> Vec<std::thread::JoinHandle<()>> {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut out = Vec::new();
    for (u, url) in urls.iter().enumerate() {
        for w in 0..4u64 {
            let (url, seen) = (url.clone(), seen.clone());
            let mut payload = example("esqual_one.json");
            out.push(std::thread::spawn(move || {
                let agent = agent();
                for n in 0..per_client as u64 {
                    let id = uuid(((10 + u as u64) << 40) | (w << 32) | n);
                    payload["id"] = json!(id);
                    loop {
                        assert!(Instant::now() < deadline, "the load did not finish in time");
                        let res = agent.post(&url).header("Content-Type", "text/plain").send(payload.to_string());
                        match res {
                            Ok(r) if r.status().is_success() => {
                                seen.lock().expect("lock").acked.push(id.clone());
                                break;
                            }
                            Ok(r) if r.status().as_u16() == 503 => {
                                let mut s = seen.lock().expect("lock");
                                s.unavailable += 1;
                                if r.headers().get("retry-after").is_none() {
                                    s.without_retry_after += 1;
                                }
                            }
                            Ok(r) => seen.lock().expect("lock").other.push(r.status().as_u16()),
                            Err(_) => {}
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            }));
        }
    }
    out
}

fn healthz(server: &Server) -> u16 {
    serve::get(&server.url("/healthz"), None).0
}

#[test]
fn the_database_stopped_and_started_under_load_answers_503_and_loses_nothing() {
    let dir = scratch("pg-restart");
    // A cluster of this test's own: stopping the shared one would fail the other tests.
    let cluster = pg::Cluster::start(&dir.join("cluster"));
    let url = pg::database(&cluster.url, "eservqual_restart");
    let store = vec!["--database-url".to_string(), url];
    let a = Server::start_with(&dir, store.clone(), &["--rate-limit", "0"]);
    let b = Server::start_with(&dir, store, &["--rate-limit", "0"]);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let workers = retrying_load(&[a.url("/v1/responses"), b.url("/v1/responses")], 150, &seen);
    while seen.lock().expect("lock").acked.len() < 200 {
        std::thread::sleep(Duration::from_millis(5));
    }
    cluster.ctl("stop");
    let acked_at_stop = seen.lock().expect("lock").acked.len();
    // While it is down: 503 with Retry-After from POST (seen by the load) and /healthz.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(healthz(&a), 503);
    assert_eq!(healthz(&b), 503);
    let unavailable_while_down = seen.lock().expect("lock").unavailable;
    cluster.ctl("start");
    let back = Instant::now();
    // Both serve again within seconds, without a restart.
    for s in [&a, &b] {
        while healthz(s) != 200 {
            assert!(back.elapsed() < Duration::from_secs(10), "a collector still unhealthy 10 s after the database");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let recovered = back.elapsed();
    for w in workers {
        w.join().expect("a client thread");
    }
    let seen = seen.lock().expect("lock");
    eprintln!(
        "{acked_at_stop} acknowledged at the stop, {unavailable_while_down} answers 503 while down, healthy again after \
         {recovered:?}, {} acknowledged in all",
        seen.acked.len()
    );
    assert!(unavailable_while_down > 0, "no 503 while the database was down");
    assert_eq!(seen.without_retry_after, 0, "a 503 without Retry-After");
    assert!(seen.other.is_empty(), "unexpected statuses: {:?}", seen.other);
    assert_eq!(seen.acked.len(), 2 * 4 * 150);
    assert_all_stored_once(&seen.acked, &a.exported_ids());
    assert_eq!(b.count(), seen.acked.len());
}

#[test]
fn collectors_starting_together_migrate_once() {
    let dir = scratch("pg-migrate");
    // Make the (empty) database first, so that all four race for the migration.
    let store = store_args(&dir, "t.db");
    let url = store[1].clone();
    let barrier = Arc::new(Barrier::new(4));
    let started = Arc::new(AtomicUsize::new(0));
    let servers: Vec<Server> = (0..4)
        .map(|_| {
            let (dir, store, barrier, started) = (dir.clone(), store.clone(), barrier.clone(), started.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let s = Server::start_with(&dir, store, &["--rate-limit", "0"]);
                started.fetch_add(1, Ordering::Relaxed);
                s
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("a collector starts"))
        .collect();
    assert_eq!(started.load(Ordering::Relaxed), 4);
    let migrated = servers.iter().filter(|s| s.log().contains("database migrated")).count();
    assert_eq!(migrated, 1, "the migration ran {migrated} times");
    assert_eq!(pg::query_text(&url, "SELECT COUNT(*) FROM schema_version"), SCHEMA_VERSION);
    assert_eq!(pg::query_text(&url, "SELECT MAX(version) FROM schema_version"), SCHEMA_VERSION);
    // Each serves, on the one table.
    for (i, s) in servers.iter().enumerate() {
        let mut payload = example("esqual_one.json");
        payload["id"] = json!(uuid(900 + i as u64));
        assert_eq!(post(s, &payload).0, 201);
    }
    assert!(servers.iter().all(|s| s.count() == 4));
}

#[test]
fn a_database_of_a_newer_schema_version_is_refused() {
    let dir = scratch("pg-newer");
    let store = store_args(&dir, "t.db");
    let url = store[1].clone();
    drop(Server::start_with(&dir, store.clone(), &[]));
    pg::execute(&url, "INSERT INTO schema_version (version) VALUES (99)").expect("insert");
    let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["serve", "--addr", "127.0.0.1:0", "--admin-token", serve::TOKEN])
        .args(&store)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "schema version 99, newer than this eservqual knows ({SCHEMA_VERSION}): upgrade eservqual"
        )),
        "{err}"
    );
    // Nothing was changed: the versions applied, plus the 99.
    let applied: u32 = SCHEMA_VERSION.parse().expect("a number");
    assert_eq!(pg::query_text(&url, "SELECT COUNT(*) FROM schema_version"), (applied + 1).to_string());
}

#[test]
fn the_database_url_comes_from_the_environment_and_its_password_is_never_shown() {
    let dir = scratch("pg-env");
    let name = pg::database_name(&dir, "t.db");
    let url = pg::database(&pg::base_url(), &name);
    // A password in the URL (trust authentication ignores it): not in the banner, nor the log.
    let with_password = url.replacen("postgres@", "postgres:pw-never-shown-7@", 1);
    let mut child = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["serve", "--addr", "127.0.0.1:0", "--admin-token", serve::TOKEN, "--pool-size", "2"])
        .env("ESERVQUAL_DATABASE_URL", &with_password)
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("the banner");
    let _ = child.kill();
    let out = child.wait_with_output().expect("exit");
    assert!(line.contains(&format!("(postgres {url})")), "{line}");
    assert!(!line.contains("pw-never-shown-7"), "{line}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("pw-never-shown-7"));
    assert!(!dir.join("eservqual.db").exists(), "the SQLite default was used");
    // The tables are there: the environment's database was the one opened.
    assert_eq!(pg::query_text(&url, "SELECT MAX(version) FROM schema_version"), SCHEMA_VERSION);
}

/// A test CA and a server certificate it signed for 127.0.0.1 and localhost, with the key:
/// (CA, certificate, key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let rsa = ["-newkey", "rsa:2048", "-nodes"];
    openssl(
        &[
            &["req", "-x509"][..],
            &rsa,
            &["-days", "2", "-subj", "/CN=eservqual test CA", "-keyout", "ca.key", "-out", "ca.crt"],
        ]
        .concat(),
    );
    openssl(&[&["req"][..], &rsa, &["-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr"]].concat());
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
        .expect("write");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt",
    ]);
    let (ca, cert, key) = (dir.join("ca.crt"), dir.join("server.crt"), dir.join("server.key"));
    // PostgreSQL wants its key private to its owner (the postgres user when we are root).
    let owner = Command::new("stat").args(["-c", "%U"]).arg(dir.join("data")).output().expect("stat runs");
    let owner = String::from_utf8_lossy(&owner.stdout).trim().to_string();
    for f in [&cert, &key] {
        assert!(Command::new("chown").arg(&owner).arg(f).status().expect("chown runs").success());
    }
    assert!(Command::new("chmod").arg("600").arg(&key).status().expect("chmod runs").success());
    (ca, cert, key)
}

#[test]
fn tls_to_the_database_follows_sslmode() {
    let dir = scratch("pg-tls");
    let cluster = pg::Cluster::start(&dir.join("cluster"));
    let (ca, cert, key) = certificates(&cluster.dir);
    let admin = pg::with_database(&cluster.url, "postgres");
    // One statement at a time: ALTER SYSTEM refuses a transaction block.
    for sql in [
        "ALTER SYSTEM SET ssl = on".to_string(),
        format!("ALTER SYSTEM SET ssl_cert_file = '{}'", cert.display()),
        format!("ALTER SYSTEM SET ssl_key_file = '{}'", key.display()),
        "SELECT pg_reload_conf()".to_string(),
    ] {
        pg::execute(&admin, &sql).expect("turn TLS on");
    }
    std::thread::sleep(Duration::from_millis(500));
    let url = pg::database(&cluster.url, "eservqual_tls");
    // How many of the collectors' connections are encrypted, and how many there are.
    let encrypted = || {
        let sql = "SELECT COUNT(*) FILTER (WHERE s.ssl) || '/' || COUNT(*) FROM pg_stat_activity a \
                   JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'eservqual'";
        pg::query_text(&admin, sql)
    };
    let mut payload = example("esqual_one.json");
    let cases = [
        ("", "0/"),
        ("?sslmode=require", "1/"),
        (&*format!("?sslmode=verify-full&sslrootcert={}", ca.display()), "1/"),
        (&*format!("?sslmode=verify-ca&sslrootcert={}", ca.display()), "1/"),
    ];
    for (n, (query, want)) in cases.iter().enumerate() {
        let s = Server::start_with(&dir, vec!["--database-url".into(), format!("{url}{query}")], &["--pool-size", "1"]);
        payload["id"] = json!(uuid(700 + n as u64));
        assert_eq!(post(&s, &payload).0, 201, "{query}");
        let got = encrypted();
        assert!(got.starts_with(want) && got.ends_with("/1"), "{query}: {got} encrypted/all connections");
        drop(s);
        // Wait until the killed collector's connection is gone.
        let gone = Instant::now();
        while !encrypted().ends_with("/0") {
            assert!(gone.elapsed() < Duration::from_secs(10), "a connection outlived its collector");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // verify-full against Mozilla's roots: a certificate of an unknown CA is refused, clearly.
    let out = Command::new(env!("CARGO_BIN_EXE_eservqual"))
        .args(["serve", "--addr", "127.0.0.1:0", "--admin-token", serve::TOKEN, "--database-url"])
        .arg(format!("{url}?sslmode=verify-full"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot connect") && err.to_ascii_lowercase().contains("certificate"), "{err}");
}
