//! The core's integration tests, one module per subject, linked as one test binary: a binary
//! per file linked the crate and its dependencies sixteen times over.

mod common;

mod alpha;
mod ask;
mod bounds;
mod compare;
mod config;
mod kano;
mod outbox;
mod payload;
mod properties;
mod report;
mod retry;
mod schema;
mod scoring;
mod summary;
mod text;
mod vectors;
