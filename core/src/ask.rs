//! When to ask (STUB, being written).
