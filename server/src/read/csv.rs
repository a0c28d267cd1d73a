//! The wide-CSV reader (docs/interfaces.md "Wide CSV"): streams records into a dataset, one reused
//! record and row buffer, errors naming the physical line and the column.

use super::Summary;
use crate::error::Error;
use ::csv::{ByteRecord, ErrorKind, ReaderBuilder};
use eservqual_core::dataset::{Column, Dataset, WideRow};
use eservqual_core::instrument::Field;
use eservqual_core::{ErrorCode, Form, Format};
use std::io::{BufRead, BufReader, Read};

/// Reads a wide CSV from `input` into `dataset` (whose form resolves the columns); `file`
/// names the input in errors. Records are streamed, never collected.
pub fn read(input: impl Read, file: &str, dataset: &mut Dataset) -> Result<Summary, Error> {
    // The separator is told by the header line, peeked without consuming it.
    let mut input = BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf().map_err(|e| Error::io(Some(file), &e))?;
    let delimiter = delimiter(head);
    // Flexible: a row with another number of fields gets this crate's message, not the csv one.
    let mut reader = ReaderBuilder::new().has_headers(true).flexible(true).delimiter(delimiter).from_reader(input);
    let headers = reader.byte_headers().map_err(|e| csv_error(file, e))?.clone();
    if headers.is_empty() {
        return Ok(Summary::default());
    }
    let columns = header_columns(&headers, file, dataset)?;
    let mut summary = records(&mut reader, &columns, file, dataset)?;
    summary.warnings = missing_columns(&columns, file, &dataset.form);
    Ok(summary)
}

/// The field separator of a wide CSV, told by its header line (or as much of it as `head`
/// holds): whichever of `,`, `;` and tab occurs most often outside quotes, a comma when none
/// does. Spreadsheets in much of Europe save with `;`, and tab-separated text is common.
pub fn delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    [b',', b';', b'\t'][best]
}

/// Warnings for the columns the form has and the header lacks: their items have no answers,
/// so their statistics stay empty.
pub fn missing_columns(columns: &[(Column, String)], file: &str, form: &Form) -> Vec<Error> {
    let has = |item: usize, field: Field| columns.iter().any(|(c, _)| *c == Column::Item { item, field });
    let mut warnings = Vec::new();
    // A gap file without any `.e` column is warned about once by the reader of the file (no
    // expectation answers at all), not with a list of every expectation column.
    let no_e =
        form.format == Format::Gap && !columns.iter().any(|(c, _)| matches!(c, Column::Item { field: Field::E, .. }));
    let mut missing: Vec<String> = Vec::new();
    for &d in &form.active {
        for (item, it) in form.item_range(d).zip(&form.instrument.dimensions[d].items) {
            for &field in form.format.fields() {
                let skipped = no_e && field == Field::E;
                if !skipped && !has(item, field) {
                    missing.push(format!("{}.{}", it.code, field.as_str()));
                }
            }
        }
    }
    if !missing.is_empty() {
        let shown = missing.len().min(6);
        let mut list = missing[..shown].join(", ");
        if missing.len() > shown {
            list.push_str(&format!(" and {} more", missing.len() - shown));
        }
        let message = format!("no column for {list}: those answers are missing in every row");
        warnings.push(Error::input(Some(file), Some(1), "", message));
    }
    warnings
}

/// Files below this size are read on one thread: splitting would cost more than it saves.
const PARALLEL_FROM: usize = 1 << 20;

/// What reading one part of [`read_bytes`] gives: its dataset and summary (or the first error),
/// and the number of lines it spans.
type PartRead = (Result<(Dataset, Summary), Error>, u64);

/// Reads a whole wide CSV held in memory, on up to `threads` threads: the rows are cut into
/// contiguous parts at line ends, each part is read into its own dataset, and the parts are
/// joined in file order (the first of a repeated id wins, as in [`read`]). A file with quoted
/// fields (which may hold line breaks) is read on one thread. Errors are the ones [`read`]
/// gives: the first in file order, with its physical line.
pub fn read_bytes(bytes: &[u8], file: &str, dataset: &mut Dataset, threads: usize) -> Result<Summary, Error> {
    let header_end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
    let body = &bytes[header_end..];
    // A quote anywhere may hide a line break inside a field, and a blank first line is skipped
    // by the csv reader before it finds the header: both are left to it, whole.
    if bytes.contains(&b'"') || bytes.first().is_some_and(|&b| b == b'\n' || b == b'\r') {
        return read(bytes, file, dataset);
    }
    let delimiter = delimiter(&bytes[..header_end]);
    let mut reader =
        ReaderBuilder::new().has_headers(true).flexible(true).delimiter(delimiter).from_reader(&bytes[..header_end]);
    let headers = reader.byte_headers().map_err(|e| csv_error(file, e))?.clone();
    if headers.is_empty() {
        return Ok(Summary::default());
    }
    let columns = header_columns(&headers, file, dataset)?;
    let warnings = missing_columns(&columns, file, &dataset.form);
    let parts = if body.len() < PARALLEL_FROM { 1 } else { threads.clamp(1, 16) };

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
    let segment_key = dataset.segment_key().map(str::to_string);
    let segment_key = segment_key.as_deref();
    let read_part = |chunk: &[u8]| -> PartRead {
        let lines = chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        let mut part = Dataset::part(form.clone());
        part.set_segment_key(segment_key);
        part.reserve(lines as usize + 1);
        if let Some(summary) = plain_records(chunk, &columns, delimiter, &mut part) {
            return (Ok((part, summary)), lines);
        }
        // Something the plain splitter leaves to the csv reader: read the part again with it,
        // which accepts what it accepts and words every error as `read` does.
        let mut part = Dataset::part(form.clone());
        part.set_segment_key(segment_key);
        let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(chunk);
        (records(&mut reader, &columns, file, &mut part).map(|summary| (part, summary)), lines)
    };
    let results: Vec<PartRead> = if cuts.len() == 2 {
        vec![read_part(body)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = cuts.windows(2).map(|w| scope.spawn(|| read_part(&body[w[0]..w[1]]))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| (Err(Error::input(Some(file), None, "", "a reader thread failed")), 0))
                })
                .collect()
        })
    };
    // Line numbers inside a part count from its first line: shift them to the file's.
    let mut summary = Summary { warnings, ..Summary::default() };
    let mut first_line = 2u64;
    for (result, lines) in results {
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
        first_line += lines;
    }
    Ok(summary)
}

/// Reads the records of `chunk` (whole lines after the header) straight from the bytes: each
/// line is split at its separators and each cell set as it is found, the common one-digit answer
/// without any conversion. `None` when the part holds anything this splitter does not read by
/// itself — a quote, a carriage return, a blank line, a row of another width, any cell in
/// error — so the caller reads the part with the csv reader instead, and what is accepted and
/// every message stay the csv reader's.
fn plain_records(chunk: &[u8], columns: &[(Column, String)], delimiter: u8, dataset: &mut Dataset) -> Option<Summary> {
    if chunk.contains(&b'"') || chunk.contains(&b'\r') || columns.is_empty() {
        return None;
    }
    let form = dataset.form.clone();
    let scale = form.scale();
    let mut summary = Summary::default();
    let mut row = WideRow::new(&form);
    row.set_segment_key(dataset.segment_key());
    let last = columns.len() - 1;
    let mut at = 0usize;
    while at < chunk.len() {
        if chunk[at] == b'\n' {
            return None;
        }
        row.clear();
        for (j, (column, header)) in columns.iter().enumerate() {
            let end = chunk[at..].iter().position(|&b| b == delimiter || b == b'\n').map_or(chunk.len(), |i| at + i);
            let cell = &chunk[at..end];
            match (column, cell) {
                (Column::Item { item, field }, &[d @ b'0'..=b'9']) if scale.contains(i16::from(d - b'0')) => {
                    row.answers.items[*item][field.index()] = Some(i16::from(d - b'0'));
                }
                (Column::Item { .. }, []) => {}
                _ => row.set(&form, *column, header, std::str::from_utf8(cell).ok()?).ok()?,
            }
            // Every field but the last ends at a separator, the last at the line end.
            match (chunk.get(end), j == last) {
                (Some(&b), false) if b == delimiter => at = end + 1,
                (Some(b'\n'), true) => at = end + 1,
                (None, true) => at = end,
                _ => return None,
            }
        }
        row.finish(&form).ok()?;
        summary.read += 1;
        if !dataset.push_in(row.id(), row.submitted_at(), &row.answers, row.segment()) {
            summary.duplicates += 1;
        }
    }
    Some(summary)
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
        // Any number of meta.KEY columns, each named once.
        if let Some((_, first)) = columns.iter().find(|(c, h)| *c == column && (column != Column::Meta || h == name)) {
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
fn records<R: Read>(
    reader: &mut ::csv::Reader<R>,
    columns: &[(Column, String)],
    file: &str,
    dataset: &mut Dataset,
) -> Result<Summary, Error> {
    let form = dataset.form.clone();
    let mut summary = Summary::default();
    let mut record = ByteRecord::new();
    let mut row = WideRow::new(&form);
    row.set_segment_key(dataset.segment_key());
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
        if !dataset.push_in(row.id(), row.submitted_at(), &row.answers, row.segment()) {
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
        other => Error::input(
            Some(file),
            line,
            "",
            format!("not a readable CSV file: {other:?} ({})", ErrorCode::InvalidType),
        ),
    }
}
