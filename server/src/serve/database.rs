//! Where the database is (`--db FILE`, `--database-url URL`) and the one place that opens it with
//! its backend: SQLite (serve/store.rs) or PostgreSQL (serve/pg.rs).

use super::store::{Backend, Sqlite, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Url(String),
}

/// Opens (creating and migrating when needed) the database at `location`. The only place that
/// chooses a backend.
pub fn open(location: &Location) -> Result<Arc<dyn Backend>, StoreError> {
    let path = match location {
        Location::Sqlite(path) => path.clone(),
        Location::Url(url) => {
            if super::pg::is_postgres_url(url) {
                return super::pg::open(url);
            }
            match url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
                Some(path) if !path.is_empty() => PathBuf::from(path),
                _ => {
                    return Err(StoreError(format!(
                        "unsupported database URL '{}': use sqlite:PATH or --db PATH",
                        url.split('@').next_back().unwrap_or("")
                    )))
                }
            }
        }
    };
    let backend = Sqlite::open(&path)?;
    Ok(Arc::new(backend))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_open_a_file() {
        let path = std::env::temp_dir().join(format!("eservqual-store-url-{}.db", std::process::id()));
        let backend = open(&Location::Url(format!("sqlite:{}", path.display()))).expect("open");
        assert!(backend.describe().starts_with("sqlite "));
        backend.reader().and_then(|r| r.ping()).expect("ping");
        let err = open(&Location::Url("mysql://x".to_string())).err().expect("an error");
        assert!(err.0.contains("use sqlite:PATH"), "{err}");
    }

    #[test]
    fn postgres_urls_go_to_postgres_without_showing_the_password() {
        // Nothing listens on port 1: refused at once, named without the password.
        let err = open(&Location::Url("postgres://u:secret@127.0.0.1:1/x".to_string())).err().expect("an error");
        assert!(err.0.contains("postgres://u@127.0.0.1:1/x") && !err.0.contains("secret"), "{err}");
    }
}
