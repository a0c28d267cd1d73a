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
use eservqual_core::compare;
use eservqual_core::dataset::Dataset;
use eservqual_core::report::{report_with, Report};
use eservqual_core::Registry;
use serde::Serialize;
use std::io::Write;

/// Reads the file of `args` and computes its aggregate report; also gives the warnings about
/// what the file lacks (an item column, every expectation), which `--strict` makes an error.
pub fn build_report(args: &ReportArgs) -> Result<(Full, Vec<Error>), Error> {
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
    let key = match &args.by {
        Some(by) => Some(segment_key(by, &name)?),
        None => None,
    };
    dataset.set_segment_key(key.as_deref());
    let current = period(args.from.as_deref(), args.to.as_deref(), ("--from", "--to"), &name)?;
    let base = match &args.compare {
        Some(range) => {
            let (from, to) = range.split_once("..").ok_or_else(|| {
                Error::input(Some(&name), None, "--compare", format!("'{range}' is no range FROM..TO"))
            })?;
            Some(period(Some(from), Some(to), ("--compare", "--compare"), &name)?)
        }
        None => None,
    };
    let summary = read::read_file(&args.file, &registry, &mut dataset, args.include_partial)?;
    let all = dataset;
    let dataset = if current.is_all() { all.clone() } else { all.select(|r| current.holds(all.time(r))) };
    let threads = read::threads();
    let report = report_with(&dataset, threads);
    let compare = base.map(|b| {
        let base_ds = all.select(|r| b.holds(all.time(r)));
        let base_report = report_with(&base_ds, threads);
        Compared {
            current: current.describe(args.from.as_deref(), args.to.as_deref(), report.responses),
            base: b.describe(
                args.compare.as_deref().and_then(|c| c.split_once("..")).map(|c| c.0),
                args.compare.as_deref().and_then(|c| c.split_once("..")).map(|c| c.1),
                base_report.responses,
            ),
            comparison: compare::compare(&report, &base_report),
        }
    });
    let segments = compare::segments(&dataset, threads);
    Ok((Full { report, compare, segments }, summary.warnings))
}

/// The report JSON of `eservqual report`: the aggregate report, then the comparison with a
/// base period and the segments when asked for (docs/interfaces.md).
#[derive(Debug, Clone, Serialize)]
pub struct Full {
    #[serde(flatten)]
    pub report: Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compared>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segments: Option<compare::Segments>,
}

/// The `compare` block: the two periods, then the tests.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    pub current: PeriodInfo,
    pub base: PeriodInfo,
    #[serde(flatten)]
    pub comparison: compare::Comparison,
}

/// A period as given, and how many responses fell in it.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    pub from: Option<String>,
    pub to: Option<String>,
    pub responses: usize,
}

/// Times of a period in nanoseconds since the epoch: `from <= t < to`.
#[derive(Debug, Clone, Copy)]
struct Period {
    from: Option<i64>,
    to: Option<i64>,
}

impl Period {
    fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// A row in the period; with a bound set, a row without `submitted_at` is in none.
    fn holds(&self, t: Option<i64>) -> bool {
        match t {
            Some(t) => self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|e| t < e),
            None => self.is_all(),
        }
    }

    fn describe(&self, from: Option<&str>, to: Option<&str>, responses: usize) -> PeriodInfo {
        PeriodInfo { from: from.map(|s| s.trim().to_string()), to: to.map(|s| s.trim().to_string()), responses }
    }
}

/// A bound: an RFC 3339 time, or a date (its midnight UTC; as an end, the next midnight).
fn bound(text: &str, end: bool) -> Option<i64> {
    let t = text.trim();
    if t.len() == 10 {
        let start = eservqual_core::dataset::instant(&format!("{t}T00:00:00Z"))?;
        eservqual_core::payload::check_time(&format!("{t}T00:00:00Z"), "").ok()?;
        return Some(if end { start + 86_400_000_000_000 } else { start });
    }
    eservqual_core::payload::check_time(t, "").ok()?;
    eservqual_core::dataset::instant(t)
}

fn period(from: Option<&str>, to: Option<&str>, flags: (&str, &str), file: &str) -> Result<Period, Error> {
    let parse = |v: Option<&str>, end: bool, flag: &str| -> Result<Option<i64>, Error> {
        v.map(|v| {
            bound(v, end).ok_or_else(|| {
                Error::input(
                    Some(file),
                    None,
                    flag,
                    format!("'{}' is neither an RFC 3339 time nor a date YYYY-MM-DD", v.trim()),
                )
            })
        })
        .transpose()
    };
    let p = Period { from: parse(from, false, flags.0)?, to: parse(to, true, flags.1)? };
    if let (Some(f), Some(t)) = (p.from, p.to) {
        if f >= t {
            let flag = if flags.0 == flags.1 { flags.0.to_string() } else { format!("{} / {}", flags.0, flags.1) };
            return Err(Error::input(
                Some(file),
                None,
                &flag,
                "the period ends before it starts: no response could be in it",
            ));
        }
    }
    Ok(p)
}

/// The KEY of `--by meta.KEY`.
fn segment_key(by: &str, file: &str) -> Result<String, Error> {
    match by.trim().strip_prefix("meta.") {
        Some(k) if !k.is_empty() => Ok(k.to_string()),
        _ => Err(Error::input(Some(file), None, "--by", format!("'{by}' is not meta.KEY (e.g. meta.channel)"))),
    }
}

/// `eservqual report`: the report as JSON (or a table) on `out`; warnings on standard error
/// first (with `--strict`, the first warning is the error).
pub fn run_report(args: &ReportArgs, mut out: impl Write) -> Result<(), Error> {
    if args.output == Output::Table && (args.compare.is_some() || args.by.is_some()) {
        let flag = if args.compare.is_some() { "--compare" } else { "--by" };
        return Err(Error::input(
            Some(&path_name(&args.file)),
            None,
            "--output",
            format!("{flag} prints JSON only: leave out --output table"),
        ));
    }
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
        Output::Table => table::render(&report.report),
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

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000_000;

    #[test]
    fn bounds_are_instants_and_a_date_end_includes_its_date() {
        let start = bound("2026-11-01", false).unwrap();
        assert_eq!(bound("2026-11-01", true), Some(start + DAY));
        assert_eq!(bound("2026-11-01T00:00:00Z", false), Some(start));
        // 01:30 at +02:00 is 23:30 UTC of the day before.
        assert_eq!(bound("2026-11-01T01:30:00+02:00", false), Some(start - 30 * 60 * 1_000_000_000));
        assert_eq!(bound("2026-11-01T00:00:00.25Z", true), Some(start + 250_000_000));
        for bad in ["2026-13-01", "2026-02-30", "yesterday", "2026-11-01T25:00:00Z", ""] {
            assert_eq!(bound(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn period_errors_name_the_flag() {
        let err = period(Some("2026-11-02"), Some("2026-11-01"), ("--from", "--to"), "f.csv").unwrap_err();
        assert!(err.to_string().contains("--from / --to"), "{err}");
        let err = period(Some("x"), None, ("--compare", "--compare"), "f.csv").unwrap_err();
        assert!(err.to_string().contains("--compare"), "{err}");
        // A date `to` of the same date as `from` holds that one date.
        let p = period(Some("2026-11-01"), Some("2026-11-01"), ("--from", "--to"), "f.csv").unwrap();
        let noon = bound("2026-11-01T12:00:00Z", false);
        assert!(p.holds(noon) && !p.holds(bound("2026-11-02", false)) && !p.holds(None));
        assert!(segment_key("channel", "f.csv").is_err() && segment_key("meta.", "f.csv").is_err());
        assert_eq!(segment_key("meta.channel", "f.csv").unwrap(), "channel");
    }
}
