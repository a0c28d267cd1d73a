//! The JSON Lines reader: one `eservqual.response/1` payload per line, validated by the core and
//! streamed into a dataset; errors name the physical line and the JSON path.

use super::{without_position, Summary};
use crate::error::Error;
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::Payload;
use eservqual_core::{ErrorCode, Form, Registry};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The form of the first payload in the file at `path` (`file` names it in errors), for a
/// report without `--instrument`: every payload names its instrument, format and dimensions.
pub fn first_form(path: &Path, file: &str, registry: &Registry) -> Result<Form, Error> {
    let input = std::fs::File::open(path).map_err(|e| Error::io(Some(file), &e))?;
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut buf: Vec<u8> = Vec::new();
    let mut line: u64 = 0;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).map_err(|e| Error::io(Some(file), &e))? == 0 {
            return Err(Error::input(Some(file), None, "", format!("no responses in the file ({})", ErrorCode::Empty)));
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
        let payload = Payload::from_json(text).map_err(|mut e| {
            if e.code == ErrorCode::InvalidJson {
                e.message = without_position(&e.message);
            }
            Error::core(Some(file), Some(line), &e)
        })?;
        return match payload.validate(registry) {
            Ok(response) => Ok(response.form),
            Err(mut e) => {
                if e.code == ErrorCode::UnknownInstrument {
                    e.message.push_str(": pass --instrument with the path of its instrument JSON file");
                }
                Err(Error::core(Some(file), Some(line), &e))
            }
        };
    }
}

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
        let segment = dataset
            .segment_key()
            .and_then(|k| payload.meta.as_ref()?.get(k))
            .and_then(eservqual_core::dataset::meta_text);
        let response = payload.validate(registry).map_err(|e| Error::core(Some(file), Some(line), &e))?;
        let kept = dataset.push_response_in(&response, segment.as_deref()).map_err(|mut e| {
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
