//! `eservqual kano`: Kano feature questions from a CSV (columns `functional`, `dysfunctional`,
//! optional `feature` and `id`), one result per feature in first-seen order.

use crate::error::Error;
use ::csv::ReaderBuilder;
use eservqual_core::kano::{feature, Answer, Feature};
use serde::Serialize;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};

/// One feature's result, named.
#[derive(Debug, Serialize)]
pub struct Named {
    pub feature: String,
    #[serde(flatten)]
    pub result: Feature,
}

/// The `kano` output.
#[derive(Debug, Serialize)]
pub struct KanoReport {
    pub features: Vec<Named>,
}

/// Reads the CSV from `input` (`file` names it in errors). Rows with a repeated `id` (for the
/// same feature) count once; an empty `functional` or `dysfunctional` cell skips the row.
pub fn read(input: impl Read, file: &str) -> Result<KanoReport, Error> {
    // The separator (comma, semicolon or tab) is told by the header line; header names and
    // answers are read in any letter case.
    let mut input = BufReader::new(input);
    let head = input.fill_buf().map_err(|e| Error::io(Some(file), &e))?;
    let delimiter = crate::read::csv::delimiter(head);
    let mut reader = ReaderBuilder::new().has_headers(true).delimiter(delimiter).from_reader(input);
    let headers = reader.headers().map_err(|e| csv_error(file, e))?.clone();
    let col =
        |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim().eq_ignore_ascii_case(name));
    let (Some(fun), Some(dys)) = (col("functional"), col("dysfunctional")) else {
        return Err(Error::input(Some(file), Some(1), "", "a Kano CSV needs the columns functional and dysfunctional"));
    };
    let (feat, id) = (col("feature"), col("id"));
    if let Some((j, h)) =
        headers.iter().enumerate().find(|(j, _)| ![Some(fun), Some(dys), feat, id].contains(&Some(*j)))
    {
        return Err(Error::input(
            Some(file),
            Some(1),
            h,
            format!("unknown column '{h}': use functional, dysfunctional, feature, id (column {})", j + 1),
        ));
    }
    let mut order: Vec<String> = Vec::new();
    let mut pairs: Vec<Vec<(Answer, Answer)>> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, e))?;
        let line = record.position().map(|p| p.line());
        let cell = |j: usize| record.get(j).unwrap_or("").trim();
        let name = feat.map_or("feature", cell).to_string();
        if let Some(id) = id.map(cell).filter(|s| !s.is_empty()) {
            if !seen.insert((name.clone(), id.to_string())) {
                continue;
            }
        }
        if cell(fun).is_empty() || cell(dys).is_empty() {
            continue;
        }
        let parse = |j: usize, field: &str| {
            Answer::parse(&cell(j).to_ascii_lowercase(), field).map_err(|e| Error::core(Some(file), line, &e))
        };
        let pair = (parse(fun, "functional")?, parse(dys, "dysfunctional")?);
        let at = match order.iter().position(|f| *f == name) {
            Some(at) => at,
            None => {
                order.push(name);
                pairs.push(Vec::new());
                order.len() - 1
            }
        };
        pairs[at].push(pair);
    }
    if order.is_empty() {
        return Err(Error::input(Some(file), None, "", "no answered Kano questions in the file (empty)"));
    }
    let features = order
        .into_iter()
        .zip(pairs)
        .map(|(feature_name, p)| Named { feature: feature_name, result: feature(p) })
        .collect();
    Ok(KanoReport { features })
}

fn csv_error(file: &str, err: ::csv::Error) -> Error {
    let line = err.position().map(|p| p.line());
    match err.into_kind() {
        ::csv::ErrorKind::Io(e) => Error::io(Some(file), &e),
        ::csv::ErrorKind::Utf8 { .. } => Error::input(Some(file), line, "", "the line is not UTF-8 text"),
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            Error::input(Some(file), line, "", format!("this row has {len} fields, the header has {expected_len}"))
        }
        other => Error::input(Some(file), line, "", format!("not a readable CSV file: {other:?}")),
    }
}
