//! The wide-CSV reader (INTERFACES.md "Wide CSV"): streams records into a dataset, one reused
//! record and row buffer, errors naming the physical line and the column.

use super::Summary;
use crate::error::Error;
use ::csv::{ByteRecord, ErrorKind, ReaderBuilder};
use eservqual_core::dataset::{Column, Dataset, WideRow};
use eservqual_core::ErrorCode;
use std::io::Read;

/// Reads a wide CSV from `input` into `dataset` (whose form resolves the columns); `file`
/// names the input in errors. Records are streamed, never collected.
pub fn read(input: impl Read, file: &str, dataset: &mut Dataset) -> Result<Summary, Error> {
    // Flexible: a row with another number of fields gets this crate's message, not the csv one.
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
    let headers = reader.byte_headers().map_err(|e| csv_error(file, e))?.clone();
    if headers.is_empty() {
        return Ok(Summary::default());
    }
    let columns = header_columns(&headers, file, dataset)?;
    records(&mut reader, &columns, file, dataset)
}

/// Files below this size are read on one thread: splitting would cost more than it saves.
const PARALLEL_FROM: usize = 1 << 20;

/// Reads a whole wide CSV held in memory, on up to `threads` threads: the rows are cut into
/// contiguous parts at line ends, each part is read into its own dataset, and the parts are
/// joined in file order (the first of a repeated id wins, as in [`read`]). A file with quoted
/// fields (which may hold line breaks) is read on one thread. Errors are the ones [`read`]
/// gives: the first in file order, with its physical line.
pub fn read_bytes(bytes: &[u8], file: &str, dataset: &mut Dataset, threads: usize) -> Result<Summary, Error> {
    let header_end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
    let body = &bytes[header_end..];
    let parts = threads.clamp(1, 16);
    if parts == 1 || body.len() < PARALLEL_FROM || bytes.contains(&b'"') {
        return read(bytes, file, dataset);
    }
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(true).from_reader(&bytes[..header_end]);
    let headers = reader.byte_headers().map_err(|e| csv_error(file, e))?.clone();
    if headers.is_empty() {
        return Ok(Summary::default());
    }
    let columns = header_columns(&headers, file, dataset)?;

    // Cut points: about equal sizes, each moved forward to just after a line end.
    let mut cuts = vec![0usize];
    for k in 1..parts {
        let at = body.len() * k / parts;
        let at = body[at..].iter().position(|&b| b == b'\n').map_or(body.len(), |i| at + i + 1);
        if at > *cuts.last().unwrap_or(&0) && at < body.len() {
            cuts.push(at);
        }
    }
    cuts.push(body.len());
    let form = dataset.form.clone();
    let results: Vec<Result<(Dataset, Summary), Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let chunk = &body[w[0]..w[1]];
                let (form, columns) = (form.clone(), &columns);
                scope.spawn(move || {
                    let mut part = Dataset::part(form);
                    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(chunk);
                    records(&mut reader, columns, file, &mut part).map(|summary| (part, summary))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::input(Some(file), None, "", "a reader thread failed"))))
            .collect()
    });
    // Line numbers inside a part count from its first line: shift them to the file's.
    let mut summary = Summary::default();
    let mut first_line = 2u64;
    for (w, result) in cuts.windows(2).zip(results) {
        let (part, part_summary) = result.map_err(|mut e| {
            if let Error::Input { line: Some(line), .. } = &mut e {
                *line += first_line - 1;
            }
            e
        })?;
        let before = dataset.len();
        let rows = part.len();
        dataset.append(part);
        summary.read += part_summary.read;
        summary.duplicates += part_summary.duplicates + (rows - (dataset.len() - before)) as u64;
        first_line += body[w[0]..w[1]].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    Ok(summary)
}

/// Resolves the header row into columns; a column named twice is an error.
fn header_columns(headers: &ByteRecord, file: &str, dataset: &Dataset) -> Result<Vec<(Column, String)>, Error> {
    let form = &dataset.form;
    let mut columns: Vec<(Column, String)> = Vec::with_capacity(headers.len());
    for (i, raw) in headers.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(Error::input(Some(file), Some(1), format!("column {}", i + 1), "the header is not UTF-8 text"));
        };
        let text = if i == 0 { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
        let name = text.trim();
        let column = Column::parse(name, form).map_err(|e| Error::core(Some(file), Some(1), &e))?;
        if let Some((_, first)) = columns.iter().find(|(c, _)| *c == column) {
            let message = if first == name {
                format!("column '{name}' appears twice")
            } else {
                format!("column '{name}' repeats column '{first}'")
            };
            return Err(Error::input(Some(file), Some(1), name, message));
        }
        columns.push((column, name.to_string()));
    }
    Ok(columns)
}

/// Reads every record after the header into `dataset`, one reused record and row buffer.
fn records<R: Read>(reader: &mut ::csv::Reader<R>, columns: &[(Column, String)], file: &str, dataset: &mut Dataset) -> Result<Summary, Error> {
    let form = dataset.form.clone();
    let mut summary = Summary::default();
    let mut record = ByteRecord::new();
    let mut row = WideRow::new(&form);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(file, e)),
        }
        let start = record.position().map(|p| p.line());
        if record.len() != columns.len() {
            let message = format!("this row has {} fields, the header has {}", record.len(), columns.len());
            let field = columns.get(record.len()).map(|(_, h)| h.as_str()).unwrap_or("");
            let field = if record.len() < columns.len() { field } else { "" };
            return Err(Error::input(Some(file), start, field, message));
        }
        row.clear();
        for (j, (cell, (column, header))) in record.iter().zip(columns).enumerate() {
            let at = |record: &ByteRecord| line_of_field(record, start, j);
            let Ok(text) = std::str::from_utf8(cell) else {
                return Err(Error::input(Some(file), at(&record), header.as_str(), "the cell is not UTF-8 text"));
            };
            row.set(&form, *column, header, text).map_err(|e| Error::core(Some(file), at(&record), &e))?;
        }
        row.finish(&form).map_err(|e| Error::core(Some(file), start, &e))?;
        summary.read += 1;
        if !dataset.push(row.id.as_deref(), row.submitted_at.as_deref(), &row.answers) {
            summary.duplicates += 1;
        }
    }
    Ok(summary)
}

/// The physical line where field `j` of a record starts: the record's first line plus the
/// line breaks inside the quoted fields before it.
fn line_of_field(record: &ByteRecord, start: Option<u64>, j: usize) -> Option<u64> {
    let breaks: usize = record.iter().take(j).map(|f| f.iter().filter(|&&b| b == b'\n').count()).sum();
    start.map(|s| s + breaks as u64)
}

/// Maps an error of the csv reader.
fn csv_error(file: &str, err: ::csv::Error) -> Error {
    let line = err.position().map(|p| p.line());
    match err.into_kind() {
        ErrorKind::Io(e) => Error::io(Some(file), &e),
        ErrorKind::Utf8 { .. } => Error::input(Some(file), line, "", "the line is not UTF-8 text"),
        ErrorKind::UnequalLengths { expected_len, len, .. } => {
            Error::input(Some(file), line, "", format!("this row has {len} fields, the header has {expected_len}"))
        }
        other => Error::input(Some(file), line, "", format!("not a readable CSV file: {other:?} ({})", ErrorCode::InvalidType)),
    }
}
