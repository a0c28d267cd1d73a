//! Writes the packed wording of each built-in locale to `DIR/text-<tag>.txt` (strings in key
//! order, each followed by a NUL): the files the widget's build ships beside the wasm, which
//! loads only the one it speaks (`text::install`).
//!
//!     cargo run -p eservqual-core --example text-columns -- DIR

use eservqual_core::text::{column_text, Locale};
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    for locale in [Locale::En, Locale::ZhCn, Locale::ZhTw] {
        std::fs::write(dir.join(format!("text-{}.txt", locale.tag())), column_text(locale))?;
    }
    Ok(())
}
