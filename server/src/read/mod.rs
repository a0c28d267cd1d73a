//! Reading inputs: the `--instrument`, `--format` and `--dimensions` arguments, the kind of a
//! data file, and the two readers (wide CSV, JSON Lines) that fill a dataset.

pub mod csv;
pub mod jsonl;

use crate::error::{path_name, Error};
use eservqual_core::dataset::Dataset;
use eservqual_core::instrument::Field;
use eservqual_core::{ErrorCode, Form, Format, Instrument, Registry};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// CSV files up to this size are read into memory whole (and parsed in parallel).
const IN_MEMORY_LIMIT: u64 = 2 << 30;

/// The threads to read and compute with: the machine's cores, at most 16.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(16))
}

/// What a reader saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Responses (CSV records, JSONL payloads) read.
    pub read: u64,
    /// Responses skipped because their id was seen before (the first one wins).
    pub duplicates: u64,
    /// Partial payloads read (JSONL), counted in `read` too.
    pub partial: u64,
    /// What the file lacks without being wrong (an item column, every expectation): printed
    /// on standard error, an error under `report --strict`.
    pub warnings: Vec<Error>,
}

/// The kind of data file, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.csv`: the wide CSV.
    Csv,
    /// `.jsonl`: one payload per line.
    Jsonl,
}

impl Kind {
    /// `.csv` or `.jsonl` (any case); anything else is an error naming the file.
    pub fn of(path: &Path) -> Result<Kind, Error> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Kind::Csv),
            Some("jsonl") => Ok(Kind::Jsonl),
            _ => Err(Error::input(
                Some(&path_name(path)),
                None,
                "",
                "unsupported file type: use .csv (wide CSV) or .jsonl (one response payload per line)",
            )),
        }
    }
}

/// The instrument named by `--instrument` (a built-in id or the path of a custom instrument
/// JSON file) and the registry to validate payloads with. `file` is the data file, named in
/// the message when the instrument is unknown.
pub fn instrument(arg: &str, file: Option<&str>) -> Result<(Arc<Instrument>, Registry), Error> {
    let mut registry = Registry::builtin();
    if let Some(builtin) = registry.get(arg) {
        return Ok((builtin, registry));
    }
    let path = Path::new(arg);
    let looks_like_path = arg.ends_with(".json") || arg.contains('/') || arg.contains('\\') || path.exists();
    if !looks_like_path {
        return Err(Error::input(
            file,
            None,
            "--instrument",
            format!("unknown instrument '{arg}': use e-s-qual, e-recs-qual, servqual or the path of an instrument JSON file ({})", ErrorCode::UnknownInstrument),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(Some(arg), &e))?;
    let custom = custom_instrument(&text, arg)?;
    let id = custom.id.clone();
    registry.add(custom).map_err(|e| Error::core(Some(arg), None, &e))?;
    match registry.get(&id) {
        Some(instrument) => Ok((instrument, registry)),
        None => Err(Error::input(Some(arg), None, "id", "the instrument could not be registered")),
    }
}

/// Loads a custom instrument; a JSON syntax error names its line, a rule broken names the JSON
/// path of the fault.
fn custom_instrument(text: &str, file: &str) -> Result<Instrument, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let line = (e.line() > 0).then_some(e.line() as u64);
        Error::input(Some(file), line, "", format!("{} ({})", without_position(&e.to_string()), ErrorCode::InvalidJson))
    })?;
    Instrument::from_json_value(value).map_err(|e| Error::core(Some(file), None, &e))
}

/// A serde_json message without its trailing ` at line L column C` (the line is reported
/// separately).
pub(crate) fn without_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message.to_string(),
    }
}

/// The form to read: `--format` (default: the instrument's) and `--dimensions` (default: all).
pub fn form(
    instrument: Arc<Instrument>,
    format: Option<&str>,
    dimensions: Option<&str>,
    file: Option<&str>,
) -> Result<Form, Error> {
    let format = match format {
        None => instrument.default_format,
        Some(name) => Format::parse(name.trim()).ok_or_else(|| {
            Error::input(
                file,
                None,
                "--format",
                format!("unknown format '{name}': use perception, gap or zone ({})", ErrorCode::InvalidFormat),
            )
        })?,
    };
    match dimensions {
        None => Ok(Form::new(instrument, format)),
        Some(list) => {
            let codes: Vec<String> = list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
            Form::with_dimensions(instrument, format, &codes, "--dimensions").map_err(|e| Error::core(file, None, &e))
        }
    }
}

/// Reads a data file of either kind into `dataset` (the partial payloads of a JSONL file only
/// with `include_partial`); a file without any response is an error.
pub fn read_file(
    path: &Path,
    registry: &Registry,
    dataset: &mut Dataset,
    include_partial: bool,
) -> Result<Summary, Error> {
    let name = path_name(path);
    let kind = Kind::of(path)?;
    let file = File::open(path).map_err(|e| Error::io(Some(&name), &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::Io { file: Some(name), message: "is a directory, not a file".into() });
    }
    let summary = match kind {
        // A file that fits comfortably in memory is read whole and parsed on every core;
        // a larger one is streamed on one.
        Kind::Csv if file.metadata().is_ok_and(|m| m.len() <= IN_MEMORY_LIMIT) => {
            let mut bytes = Vec::new();
            let mut file = file;
            file.read_to_end(&mut bytes).map_err(|e| Error::io(Some(&name), &e))?;
            csv::read_bytes(&bytes, &name, dataset, threads())?
        }
        Kind::Csv => csv::read(file, &name, dataset)?,
        Kind::Jsonl => {
            jsonl::read_with(BufReader::with_capacity(1 << 16, file), &name, registry, dataset, include_partial)?
        }
    };
    if dataset.is_empty() {
        let message = if summary.partial > 0 && !include_partial {
            format!(
                "no complete responses in the file, only partial ones: pass --include-partial ({})",
                ErrorCode::Empty
            )
        } else {
            format!("no responses in the file ({})", ErrorCode::Empty)
        };
        return Err(Error::input(Some(&name), None, "", message));
    }
    let mut summary = summary;
    let form = &dataset.form;
    let expectations = || form.active.iter().flat_map(|&d| form.item_range(d)).map(|i| dataset.column(i, Field::E));
    // A gap file without expectations: no `.e` column, every `.e` cell empty, or payloads
    // without `e` answers.
    if form.format == Format::Gap && expectations().all(|c| c.iter().all(|&x| x == eservqual_core::dataset::MISSING)) {
        summary.warnings.push(Error::input(
            Some(&name),
            None,
            "",
            "gap format, but the file has no expectation answers (no .e column, or every .e cell empty), so no \
             gap can be computed: add them, or pass --format perception",
        ));
    }
    Ok(summary)
}
