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
    let form = dataset.form.clone();
    // Flexible: a row with another number of fields gets this crate's message, not the csv one.
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
    let headers = reader.byte_headers().map_err(|e| csv_error(file, e))?.clone();
    if headers.is_empty() {
        return Ok(Summary::default());
    }

    let mut columns: Vec<(Column, String)> = Vec::with_capacity(headers.len());
    for (i, raw) in headers.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(Error::input(Some(file), Some(1), format!("column {}", i + 1), "the header is not UTF-8 text"));
        };
        let text = if i == 0 { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
        let name = text.trim();
        let column = Column::parse(name, &form).map_err(|e| Error::core(Some(file), Some(1), &e))?;
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
        for (j, (cell, (column, header))) in record.iter().zip(&columns).enumerate() {
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
