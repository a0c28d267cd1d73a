//! The JSON Lines reader: one `eservqual.response/1` payload per line, validated by the core and
//! streamed into a dataset; errors name the physical line and the JSON path.

use super::{without_position, Summary};
use crate::error::Error;
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Payload;
use eservqual_core::{ErrorCode, Registry};
use std::io::BufRead;

/// Reads payloads from `input` into `dataset`; `file` names the input in errors. Blank lines
/// are skipped; a repeated `id` is counted once (the first wins).
pub fn read(mut input: impl BufRead, file: &str, registry: &Registry, dataset: &mut Dataset) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line: u64 = 0;
    loop {
        buf.clear();
        let read = input.read_until(b'\n', &mut buf).map_err(|e| Error::io(Some(file), &e))?;
        if read == 0 {
            break;
        }
        line += 1;
        let Ok(text) = std::str::from_utf8(&buf) else {
            return Err(Error::input(Some(file), Some(line), "", "the line is not UTF-8 text"));
        };
        let text = if line == 1 { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let payload = Payload::from_json(text).map_err(|e| {
            let mut e = e;
            if e.code == ErrorCode::InvalidJson {
                e.message = without_position(&e.message);
            }
            Error::core(Some(file), Some(line), &e)
        })?;
        let response = payload.validate(registry).map_err(|e| Error::core(Some(file), Some(line), &e))?;
        let kept = dataset.push_response(&response).map_err(|mut e| {
            if e.field == "instrument.dimensions" {
                e.message.push_str(": pass the same --dimensions as the deployment");
            }
            Error::core(Some(file), Some(line), &e)
        })?;
        summary.read += 1;
        if !kept {
            summary.duplicates += 1;
        }
    }
    Ok(summary)
}
