//! The webhook tests of tests/webhooks.rs again, on PostgreSQL (each on a database of its own
//! of the throw-away cluster of `scripts/pg-cluster.sh run`, URL in ESERVQUAL_TEST_DATABASE_URL):
//! the outbox written in the insert's transaction and claimed with FOR UPDATE SKIP LOCKED.
//! Not run by `cargo test --workspace` (`test = false` in Cargo.toml).

#[path = "webhooks.rs"]
mod webhooks;
