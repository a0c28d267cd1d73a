//! The throw-away PostgreSQL cluster of `scripts/pg-cluster.sh run` (`make test-pg`): its URL,
//! one database per test, a second cluster of a test's own, and plain SQL from the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The variable `scripts/pg-cluster.sh run` sets to the cluster's URL.
pub const URL_ENV: &str = "ESERVQUAL_TEST_DATABASE_URL";

/// The cluster's URL (`postgres://postgres@127.0.0.1:PORT/eservqual`); a test run without one
/// fails, saying how to run it.
pub fn base_url() -> String {
    match std::env::var(URL_ENV) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{URL_ENV} is not set: the PostgreSQL tests need a throw-away cluster; run them with \
             `make test-pg` or `scripts/pg-cluster.sh run cargo test -p eservqual-server --test serve_pg`"
        ),
    }
}

/// `url` with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let base = url.split('?').next().unwrap_or(url);
    let (head, _) = base.rsplit_once('/').expect("a URL with a database");
    format!("{head}/{db}")
}

/// A database name for a test folder and a file name (unique per process, at most 63 bytes).
pub fn database_name(dir: &Path, file: &str) -> String {
    let raw = format!("{}_{file}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("t"));
    let mut name: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    name.truncate(60);
    format!("t_{name}")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// Runs `sql` (one or more statements) on the database at `url`.
pub fn execute(url: &str, sql: &str) -> Result<(), String> {
    runtime().block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|e| format!("{e:?}"))?;
        let task = tokio::spawn(conn);
        let result = client.batch_execute(sql).await.map_err(|e| format!("{e:?}"));
        drop(client);
        let _ = task.await;
        result
    })
}

/// The first column of the first row of `sql`, as text.
pub fn query_text(url: &str, sql: &str) -> String {
    runtime().block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
        let task = tokio::spawn(conn);
        let rows = client.simple_query(sql).await.expect("query");
        let value = rows
            .iter()
            .find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("").to_string()),
                _ => None,
            })
            .unwrap_or_default();
        drop(client);
        let _ = task.await;
        value
    })
}

/// The URL of database `name` on the cluster at `base`, created when missing.
pub fn database(base: &str, name: &str) -> String {
    if let Err(e) = execute(base, &format!("CREATE DATABASE {name}")) {
        assert!(e.contains("already exists"), "CREATE DATABASE {name}: {e}");
    }
    with_database(base, name)
}

/// The repository's `scripts/pg-cluster.sh`.
pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster.sh")
}

/// A cluster of one test's own (to stop and start without disturbing the others), removed when
/// dropped.
pub struct Cluster {
    pub dir: PathBuf,
    pub url: String,
}

impl Cluster {
    pub fn start(dir: &Path) -> Cluster {
        let out = Command::new(script()).arg("start").arg(dir).output().expect("pg-cluster.sh runs");
        assert!(out.status.success(), "pg-cluster.sh start: {}", String::from_utf8_lossy(&out.stderr));
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Cluster { dir: dir.to_path_buf(), url }
    }

    /// `pg-cluster.sh stop` (immediate: a crash as far as PostgreSQL knows) or `start`.
    pub fn ctl(&self, what: &str) {
        let out = Command::new(script()).arg(what).arg(&self.dir).output().expect("pg-cluster.sh runs");
        assert!(out.status.success(), "pg-cluster.sh {what}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("remove").arg(&self.dir).output();
    }
}
