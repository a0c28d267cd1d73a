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
use std::io::Write;

/// Reads the file of `args` and computes its aggregate report.
pub fn build_report(args: &ReportArgs) -> Result<Report, Error> {
    let name = path_name(&args.file);
    read::Kind::of(&args.file)?;
    let (instrument, registry) = read::instrument(&args.form.instrument, Some(&name))?;
    let form = read::form(instrument, args.form.format.as_deref(), args.form.dimensions.as_deref(), Some(&name))?;
    let mut dataset = Dataset::new(form);
    read::read_file(&args.file, &registry, &mut dataset)?;
    Ok(report_with(&dataset, read::threads()))
}

/// `eservqual report`: the report as JSON (or a table) on `out`.
pub fn run_report(args: &ReportArgs, mut out: impl Write) -> Result<(), Error> {
    let report = build_report(args)?;
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
    let (instrument, _) = read::instrument(&args.form.instrument, None)?;
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
