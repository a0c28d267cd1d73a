//! The `eservqual` command line.
fn main() {}
