//! Retry policy of delivery (STUB, being written).
