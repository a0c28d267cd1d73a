//! The JSON Lines reader: one `eservqual.response/1` payload per line, validated by the core and
//! streamed into a dataset; errors name the physical line and the JSON path.

use super::{without_position, Summary};
use crate::error::Error;
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::{Payload, Response, Status};
use eservqual_core::{ErrorCode, Form, Registry};
use std::collections::HashMap;
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

/// Reads the complete payloads of `input` into `dataset` (see [`read_with`]).
pub fn read(input: impl BufRead, file: &str, registry: &Registry, dataset: &mut Dataset) -> Result<Summary, Error> {
    read_with(input, file, registry, dataset, false)
}

/// Reads payloads from `input` into `dataset`; `file` names the input in errors. Blank lines
/// are skipped; a repeated `id` is counted once (the first wins). Partial payloads (`"status":
/// "partial"`) are validated and counted, and left out unless `include_partial`; then they are
/// added after the file's complete ones, so that the complete response of an id wins over its
/// partial wherever each stands in the file, and of partials of one id the last one is kept (as
/// the collector replaces them).
pub fn read_with(
    mut input: impl BufRead,
    file: &str,
    registry: &Registry,
    dataset: &mut Dataset,
    include_partial: bool,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    // The partials to add at the end, by lower-case id, in order of first appearance.
    let mut held: Vec<(Response, Option<String>, u64)> = Vec::new();
    let mut held_at: HashMap<String, usize> = HashMap::new();
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
        summary.read += 1;
        if payload.status == Status::Partial {
            summary.partial += 1;
            if include_partial {
                let id = response.id.to_ascii_lowercase();
                match held_at.get(&id) {
                    Some(&i) => {
                        held[i] = (response, segment, line);
                        summary.duplicates += 1;
                    }
                    None => {
                        held_at.insert(id, held.len());
                        held.push((response, segment, line));
                    }
                }
            }
            continue;
        }
        push(dataset, &response, segment.as_deref(), file, line, &mut summary)?;
    }
    for (response, segment, line) in held {
        push(dataset, &response, segment.as_deref(), file, line, &mut summary)?;
    }
    Ok(summary)
}

/// Adds one response read at `line`; a repeated id is counted as a duplicate.
fn push(
    dataset: &mut Dataset,
    response: &Response,
    segment: Option<&str>,
    file: &str,
    line: u64,
    summary: &mut Summary,
) -> Result<(), Error> {
    let kept = dataset.push_response_in(response, segment).map_err(|mut e| {
        if e.field == "instrument.dimensions" {
            e.message.push_str(": pass the same --dimensions as the deployment");
        }
        Error::core(Some(file), Some(line), &e)
    })?;
    if !kept {
        summary.duplicates += 1;
    }
    Ok(())
}
