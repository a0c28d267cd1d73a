//! eservqual-server: the commands of the `eservqual` binary (report, sample, kano, serve) as a library, so
//! tests call them directly; `main.rs` only parses arguments and maps errors to exit codes.

pub mod cli;
pub mod error;
pub mod kano;
pub mod read;
pub mod sample;
pub mod serve;
pub mod table;

use cli::{KanoArgs, Output, ReportArgs, SampleArgs};
use error::{path_name, Error};
use eservqual_core::dataset::Dataset;
use eservqual_core::report::{report_with, Report};
use eservqual_core::Registry;
use std::io::Write;

/// Reads the file of `args` and computes its aggregate report; also gives the warnings about
/// what the file lacks (an item column, every expectation), which `--strict` makes an error.
pub fn build_report(args: &ReportArgs) -> Result<(Report, Vec<Error>), Error> {
    let name = path_name(&args.file);
    let kind = read::Kind::of(&args.file)?;
    let mut registry = Registry::builtin();
    let form = match (&args.form.instrument, kind) {
        (Some(arg), _) => {
            let (instrument, custom) = read::instrument(arg, Some(&name))?;
            registry = custom;
            read::form(instrument, args.form.format.as_deref(), args.form.dimensions.as_deref(), Some(&name))?
        }
        // Every payload names its instrument, format and dimensions: the first one's are the
        // file's (a later payload of another form is an error naming its line).
        (None, read::Kind::Jsonl) => {
            let first = read::jsonl::first_form(&args.file, &name, &registry)?;
            if args.form.format.is_none() && args.form.dimensions.is_none() {
                first
            } else {
                let codes: Vec<&str> = first.dimensions().map(|d| d.code.as_str()).collect();
                let dimensions = args.form.dimensions.clone().unwrap_or_else(|| codes.join(","));
                let format = args.form.format.clone().unwrap_or_else(|| first.format.as_str().to_string());
                read::form(first.instrument.clone(), Some(&format), Some(&dimensions), Some(&name))?
            }
        }
        (None, read::Kind::Csv) => {
            return Err(Error::input(
                Some(&name),
                None,
                "--instrument",
                "a CSV file does not name its instrument: pass --instrument e-s-qual, e-recs-qual, servqual or \
                 the path of an instrument JSON file",
            ))
        }
    };
    let mut dataset = Dataset::new(form);
    let summary = read::read_file(&args.file, &registry, &mut dataset)?;
    Ok((report_with(&dataset, read::threads()), summary.warnings))
}

/// `eservqual report`: the report as JSON (or a table) on `out`; warnings on standard error
/// first (with `--strict`, the first warning is the error).
pub fn run_report(args: &ReportArgs, mut out: impl Write) -> Result<(), Error> {
    let (report, warnings) = build_report(args)?;
    if args.strict {
        if let Some(Error::Input { file, line, field, message }) = warnings.into_iter().next() {
            let message = format!("{message} (an error with --strict)");
            return Err(Error::Input { file, line, field, message });
        }
    } else {
        let mut stderr = std::io::stderr().lock();
        for w in &warnings {
            let text = w.to_string();
            let text = text.strip_prefix("eservqual: ").unwrap_or(&text);
            let _ = writeln!(stderr, "eservqual: warning: {text}");
        }
    }
    let text = match args.output {
        Output::Json => {
            let mut text = serde_json::to_string_pretty(&report)
                .map_err(|e| Error::Io { file: None, message: format!("could not write the report: {e}") })?;
            text.push('\n');
            text
        }
        Output::Table => table::render(&report),
    };
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Error::io(None, &e))
}

/// `eservqual sample`: a synthetic wide CSV to `--out` or `out`.
pub fn run_sample(args: &SampleArgs, out: impl Write) -> Result<(), Error> {
    let Some(arg) = &args.form.instrument else {
        return Err(Error::input(
            None,
            None,
            "--instrument",
            "the instrument to sample is needed: e-s-qual, e-recs-qual, servqual or the path of an instrument JSON \
             file",
        ));
    };
    let (instrument, _) = read::instrument(arg, None)?;
    let form = read::form(instrument, args.form.format.as_deref(), args.form.dimensions.as_deref(), None)?;
    let spec = sample::Spec { form, respondents: args.respondents, seed: args.seed };
    match &args.out {
        Some(path) => {
            let name = path_name(path);
            let file = std::fs::File::create(path).map_err(|e| Error::io(Some(&name), &e))?;
            sample::write(&spec, file).map_err(|e| Error::io(Some(&name), &e))
        }
        None => sample::write(&spec, out).map_err(|e| Error::io(None, &e)),
    }
}

/// `eservqual kano`: Kano results as JSON on `out`.
pub fn run_kano(args: &KanoArgs, mut out: impl Write) -> Result<(), Error> {
    let name = path_name(&args.file);
    let file = std::fs::File::open(&args.file).map_err(|e| Error::io(Some(&name), &e))?;
    let report = kano::read(std::io::BufReader::new(file), &name)?;
    let mut text = serde_json::to_string_pretty(&report)
        .map_err(|e| Error::Io { file: None, message: format!("could not write the report: {e}") })?;
    text.push('\n');
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Error::io(None, &e))
}
