//! eservqual: the WebAssembly build of the E-S-QUAL / SERVQUAL widget (JS API).
