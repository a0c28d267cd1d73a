//! Reading stored responses back (blocking code, run off the async runtime): the aggregate
//! report through the same core code as `eservqual report`, the outcome distributions, the
//! latest comments, and the JSONL and wide-CSV exports.

use super::store::{Filter, Reader, Row, Statuses, StoreError};
use super::summaries;
use eservqual_core::compare::{self, Segment, Segments, SMALL_SEGMENT};
use eservqual_core::dataset::{meta_text, wide_header, wide_row, Dataset};
use eservqual_core::partial::stopped_at;
use eservqual_core::payload::{Payload, Response};
use eservqual_core::report::{report, Report};
use eservqual_core::score::score;
use eservqual_core::summary::{Distributions, Summary};
use eservqual_core::{Form, Registry};
use indexmap::IndexMap;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A stored payload validated again (the same checks as at ingest).
fn response_of(text: &str, registry: &Registry) -> Result<Response, eservqual_core::Error> {
    Payload::from_json(text)?.validate(registry)
}

/// The report of the stored responses of `form` that match `filter` and how many of them were
/// flagged (see [`report_json`]), and, with a segment key, the report of every value of
/// `meta.KEY` against the rest (docs/scoring.md §8.7): from the summaries when they can give
/// them (the segments too when the summaries were made with that key), else by reading every
/// matching payload.
pub fn report_parts(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
    segment_key: Option<&str>,
) -> Result<(Report, u64, Option<Segments>), StoreError> {
    if let Some((summary, flagged)) = from_summaries(reader, form, filter)? {
        match segment_key {
            None => return Ok((summary.finish(), flagged, None)),
            Some(key) => {
                if let Some(segments) = segments_from_summaries(reader, form, filter, key)? {
                    return Ok((summary.finish(), flagged, Some(segments)));
                }
            }
        }
    }
    let mut dataset = Dataset::new(form.clone());
    dataset.set_segment_key(segment_key);
    let flagged = scan_into(reader, registry, filter, &mut dataset)?;
    let segments = compare::segments(&dataset, 1);
    Ok((report(&dataset), flagged, segments))
}

/// Reads every stored payload that matches `filter` into `dataset` (with its segment value when
/// the dataset has a segment key); the count of flagged ones kept.
fn scan_into(
    reader: &dyn Reader,
    registry: &Registry,
    filter: &Filter,
    dataset: &mut Dataset,
) -> Result<u64, StoreError> {
    let (mut skipped, mut flagged) = (0u64, 0u64);
    reader.scan(filter, &mut |row: Row<'_>| {
        let added = Payload::from_json(row.payload).and_then(|payload| {
            let segment = dataset.segment_key().and_then(|k| payload.meta.as_ref()?.get(k)).and_then(meta_text);
            dataset.push_response_in(&payload.validate(registry)?, segment.as_deref())
        });
        match added {
            Ok(true) => flagged += u64::from(row.scores_mismatch),
            Ok(false) => {}
            Err(_) => skipped += 1,
        }
        true
    })?;
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "stored responses no longer valid (an instrument file removed?) left out of the report"
        );
    }
    Ok(flagged)
}

/// A report as JSON with `scores_mismatch` and, when given, the `compare` and `segments` blocks
/// of `eservqual report` (docs/interfaces.md "Report JSON").
pub fn report_doc(
    report: &Report,
    flagged: u64,
    compare: Option<&crate::Compared>,
    segments: Option<&Segments>,
) -> Result<String, StoreError> {
    let fail = |e: serde_json::Error| StoreError(format!("could not write the report: {e}"));
    let mut json = serde_json::to_value(report).map_err(fail)?;
    if let Some(map) = json.as_object_mut() {
        map.insert("scores_mismatch".to_string(), flagged.into());
        if let Some(c) = compare {
            map.insert("compare".to_string(), serde_json::to_value(c).map_err(fail)?);
        }
        if let Some(s) = segments {
            map.insert("segments".to_string(), serde_json::to_value(s).map_err(fail)?);
        }
    }
    serde_json::to_string(&json).map_err(fail)
}

/// The aggregate report JSON of the stored responses of `form` that match `filter`, with
/// `scores_mismatch`: how many of them came with client scores that differ from the collector's.
/// From the per-day summaries when they can give it (see [`from_summaries`]), else by reading
/// every matching payload.
pub fn report_json(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
) -> Result<String, StoreError> {
    let (report, flagged, _) = report_parts(reader, registry, form, filter, None)?;
    report_doc(&report, flagged, None, None)
}

/// The summary rows of a whole-day range (or none), merged, and the count of flagged
/// responses; `None` when the summaries cannot give them: a bound inside a day, summaries not
/// covering every stored response (a database from before them, not rebuilt), a stale row, a
/// row of another summary version, rows of another definition of the instrument than
/// `form`'s, or a filter that takes partial responses (the summaries hold complete ones only).
pub fn from_summaries(reader: &dyn Reader, form: &Form, filter: &Filter) -> Result<Option<(Summary, u64)>, StoreError> {
    // The summaries hold complete responses only.
    if filter.statuses != Statuses::Complete {
        return Ok(None);
    }
    let Some(days) = summaries::whole_days(filter) else { return Ok(None) };
    let Some(rows) = reader.summaries(filter, &days, None)? else {
        tracing::warn!("the summaries do not cover every stored response: the report scans them all; run `eservqual summaries rebuild`");
        return Ok(None);
    };
    let mut total = Summary::new(form);
    let mut flagged = 0u64;
    for row in &rows {
        if row.fingerprint != total.fingerprint() {
            return Ok(None);
        }
        let Some(text) = &row.summary else { return Ok(None) };
        match Summary::from_json(text, form) {
            Ok(s) => total.merge(&s),
            Err(e) => {
                summaries::unreadable(&e, &row.day, "the report scans");
                return Ok(None);
            }
        }
        flagged += row.flagged;
    }
    Ok(Some((total, flagged)))
}

/// The segments of `meta.KEY` (as [`compare::segments`] makes them from every response) from
/// the summary rows of `key`: per value, its days merged; against it, every other value and the
/// responses without one merged. `None` when the summaries cannot give them (not made with this
/// key, a bound inside a day, a stale or unreadable row, another definition): the caller scans.
pub fn segments_from_summaries(
    reader: &dyn Reader,
    form: &Form,
    filter: &Filter,
    key: &str,
) -> Result<Option<Segments>, StoreError> {
    if filter.statuses != Statuses::Complete {
        return Ok(None);
    }
    let Some(days) = summaries::whole_days(filter) else { return Ok(None) };
    let Some(rows) = reader.summaries(filter, &days, Some(key))? else {
        tracing::debug!(key, "no summaries of this segment key: the report by segment scans the responses");
        return Ok(None);
    };
    let mut values: BTreeMap<String, Summary> = BTreeMap::new();
    let mut without = Summary::new(form);
    for row in &rows {
        if row.fingerprint != without.fingerprint() {
            return Ok(None);
        }
        let Some(text) = &row.summary else { return Ok(None) };
        let summary = match Summary::from_json(text, form) {
            Ok(s) => s,
            Err(e) => {
                summaries::unreadable(&e, &row.day, "the report by segment scans");
                return Ok(None);
            }
        };
        match summaries::split_segment(&row.segment) {
            (k, Some(value)) if k == key => {
                values.entry(value.to_string()).or_insert_with(|| Summary::new(form)).merge(&summary)
            }
            (k, None) if k == key => without.merge(&summary),
            _ => {}
        }
    }
    // In code-point order of the values (a BTreeMap of strings), as the full scan orders them.
    let mut out = IndexMap::new();
    for (value, inside) in &values {
        if inside.responses() == 0 {
            continue;
        }
        let mut rest = without.clone();
        for (other, s) in &values {
            if other != value {
                rest.merge(s);
            }
        }
        let report = inside.finish();
        let against_rest = compare::compare(&report, &rest.finish());
        let n = inside.responses() as usize;
        out.insert(value.clone(), Segment { responses: n, small: n < SMALL_SEGMENT, report, against_rest });
    }
    Ok(Some(Segments {
        key: key.to_string(),
        without_value: without.responses() as usize,
        small_below: SMALL_SEGMENT,
        values: out,
    }))
}

/// `GET /v1/distributions`: the NPS, CSAT and CES answers of the stored responses of `form`
/// that match `filter`, counted per value, and how many have a comment. From the summaries when
/// they can give them (as the report), else by reading every matching payload.
pub fn distributions_json(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
) -> Result<String, StoreError> {
    let counts = match from_summaries(reader, form, filter)? {
        Some((summary, _)) => summary.distributions().clone(),
        None => distributions_by_scan(reader, registry, form, filter)?,
    };
    let doc = json!({
        "instrument": form.instrument.id,
        "format": form.format.as_str(),
        "responses": counts.responses,
        "nps": { "counts": counts.nps },
        "csat": { "counts": counts.csat },
        "ces": { "counts": counts.ces },
        "comments": counts.comments,
    });
    Ok(doc.to_string())
}

/// The distributions by reading and validating every matching stored payload (those of another
/// form, or no longer valid, left out as by the report's scan).
pub fn distributions_by_scan(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
) -> Result<Distributions, StoreError> {
    let mut counts = Distributions::default();
    reader.scan(filter, &mut |row: Row<'_>| {
        if let Ok(r) = response_of(row.payload, registry) {
            if same_form(&r, form) {
                counts.add(&r.answers.outcomes);
            }
        }
        true
    })?;
    Ok(counts)
}

/// `GET /v1/completion`: of the stored responses of `form` in the period of `filter` (its
/// `partial` ignored), how many were started (complete + partial), are complete and partial, the
/// completion rate (complete / started, `null` with none started), and `drop_off`: per step of
/// the form (its dimensions in form order, `screen` and `recovery` for e-s-qual, `outcomes`,
/// `weights`) how
/// many partial responses stopped there ([`stopped_at`]). A partial that shows no step missing,
/// or no longer validates, is counted in `unplaced`.
pub fn completion_json(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
) -> Result<String, StoreError> {
    let complete = reader.count(&Filter { statuses: Statuses::Complete, ..filter.clone() })?;
    let mut steps: Vec<String> = form.dimensions().map(|d| d.code.clone()).collect();
    if form.instrument.id == "e-s-qual" {
        steps.extend(["screen".to_string(), "recovery".to_string()]);
    }
    steps.extend(["outcomes".to_string(), "weights".to_string()]);
    let mut stopped = vec![0u64; steps.len()];
    let (mut partial, mut unplaced) = (0u64, 0u64);
    reader.scan(&Filter { statuses: Statuses::Partial, ..filter.clone() }, &mut |row: Row<'_>| {
        partial += 1;
        let step = Payload::from_json(row.payload).ok().and_then(|p| {
            let r = p.validate(registry).ok().filter(|r| same_form(r, form))?;
            stopped_at(&p, &r.form)
        });
        match step.and_then(|s| steps.iter().position(|x| x == s.name())) {
            Some(i) => stopped[i] += 1,
            None => unplaced += 1,
        }
        true
    })?;
    let started = complete + partial;
    let rate = (started > 0).then(|| complete as f64 / started as f64);
    let drop_off: Vec<Value> =
        steps.iter().zip(&stopped).map(|(step, n)| json!({ "step": step, "partial": n })).collect();
    let doc = json!({
        "instrument": form.instrument.id,
        "format": form.format.as_str(),
        "started": started,
        "complete": complete,
        "partial": partial,
        "rate": rate,
        "drop_off": drop_off,
        "unplaced": unplaced,
    });
    Ok(doc.to_string())
}

/// A response to `form`: the same instrument, format and dimension set.
fn same_form(r: &Response, form: &Form) -> bool {
    r.form.instrument.id == form.instrument.id && r.form.format == form.format && r.form.active == form.active
}

/// Which comments `GET /v1/comments` keeps besides the form and the period: the respondent's
/// class and NPS category, the dimension they scored lowest, one `meta` value, and words the
/// comment contains (docs/interfaces.md "Collector HTTP API").
#[derive(Debug, Default, Clone)]
pub struct CommentFilter {
    pub class: Option<String>,
    pub nps_category: Option<String>,
    pub weakest: Option<String>,
    /// `meta.KEY` equal to the value.
    pub segment: Option<(String, String)>,
    /// Lower case; matched against the lower-cased comment.
    pub text: Option<String>,
}

impl CommentFilter {
    fn is_empty(&self) -> bool {
        self.class.is_none()
            && self.nps_category.is_none()
            && self.weakest.is_none()
            && self.segment.is_none()
            && self.text.is_none()
    }
}

/// Most stored comments one filtered request reads: it stops there (saying so with
/// `"truncated": true`), so a filter that matches little cannot make a request read every comment.
pub const COMMENTS_READ_MAX: usize = 5_000;
/// Comments read per query while filtering.
const COMMENTS_PAGE: usize = 200;

/// `GET /v1/comments`: the latest `limit` comments of the stored responses matching `filter` and
/// `which`, newest first, each `{id, submitted_at, comment, nps, csat, locale, page, meta, class,
/// nps_category, weakest, dimensions}`: the payload's members (`null` where it has none) and the
/// respondent's scores as the collector computes them. Pages of the partial index are read until
/// `limit` comments match, the range ends, or [`COMMENTS_READ_MAX`] were read.
pub fn comments_json(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
    which: &CommentFilter,
    limit: usize,
) -> Result<String, StoreError> {
    let page = if which.is_empty() { limit } else { COMMENTS_PAGE };
    let (mut comments, mut before, mut read, mut truncated) = (Vec::new(), None, 0usize, false);
    'pages: loop {
        let rows = reader.comments(filter, before.as_ref(), page)?;
        let full = rows.len() == page;
        for c in rows {
            read += 1;
            if let Some(entry) = comment_entry(&c.payload, &c.id, &c.submitted_at, registry, which) {
                comments.push(entry);
                if comments.len() == limit {
                    break 'pages;
                }
            }
            before = Some((c.submitted_at, c.id));
        }
        if !full {
            break;
        }
        if read >= COMMENTS_READ_MAX {
            truncated = true;
            break;
        }
    }
    let doc = json!({
        "instrument": form.instrument.id,
        "format": form.format.as_str(),
        "limit": limit,
        "comments": comments,
        "truncated": truncated,
    });
    Ok(doc.to_string())
}

/// One stored comment as `/v1/comments` shows it, or `None` when `which` leaves it out. A payload
/// that no longer validates (its custom instrument file no longer given) has no scores: it is
/// shown without them when nothing is filtered, and left out otherwise.
fn comment_entry(
    text: &str,
    id: &str,
    submitted_at: &str,
    registry: &Registry,
    which: &CommentFilter,
) -> Option<Value> {
    // Stored payloads were validated when they came: the members are as the schema says.
    let raw: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let member = |v: &Value, key: &str| v.get(key).cloned().unwrap_or(Value::Null);
    let outcomes = member(&raw, "outcomes");
    let comment = outcomes.get("comment").and_then(Value::as_str).unwrap_or("");
    if which.text.as_ref().is_some_and(|words| !comment.to_lowercase().contains(words.as_str())) {
        return None;
    }
    if let Some((key, value)) = &which.segment {
        if raw.get("meta").and_then(|m| m.get(key)).and_then(meta_text).as_deref() != Some(value.as_str()) {
            return None;
        }
    }
    let scores = response_of(text, registry).ok().map(|r| score(&r.form, &r.answers));
    let wanted = |want: &Option<String>, got: Option<&str>| want.as_deref().is_none_or(|w| Some(w) == got);
    let kept = match &scores {
        Some(sc) => {
            wanted(&which.class, sc.class)
                && wanted(&which.nps_category, sc.nps_category)
                && wanted(&which.weakest, sc.weakest.as_deref())
        }
        None => which.is_empty(),
    };
    if !kept {
        return None;
    }
    Some(json!({
        "id": id,
        "submitted_at": submitted_at,
        "comment": member(&outcomes, "comment"),
        "nps": member(&outcomes, "nps"),
        "csat": member(&outcomes, "csat"),
        "locale": member(&raw, "locale"),
        "page": member(&raw, "page"),
        "meta": member(&raw, "meta"),
        "class": scores.as_ref().and_then(|s| s.class),
        "nps_category": scores.as_ref().and_then(|s| s.nps_category),
        "weakest": scores.as_ref().and_then(|s| s.weakest.clone()),
        "dimensions": scores.as_ref().map(|s| serde_json::to_value(&s.dimensions).unwrap_or(Value::Null)),
    }))
}

/// The member added to a flagged payload in the JSONL export (`eservqual report` ignores it).
pub const FLAG_MEMBER: &str = "\"collector\":{\"scores_mismatch\":true}";

/// One payload as a JSON Lines line. Line breaks in valid JSON text can only be whitespace
/// between tokens (inside strings they are escaped), so a pretty-printed payload becomes one
/// line by turning them into spaces; a payload whose client scores differed gets the member
/// [`FLAG_MEMBER`] before its closing brace; nothing else of the payload as received changes.
pub fn jsonl_line(row: Row<'_>, out: &mut Vec<u8>) {
    let text = row.payload.trim_end();
    let (body, close) = match text.strip_suffix('}') {
        Some(body) if row.scores_mismatch => (body, true),
        _ => (text, false),
    };
    out.extend(body.bytes().map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }));
    if close {
        out.push(b',');
        out.extend_from_slice(FLAG_MEMBER.as_bytes());
        out.push(b'}');
    }
    out.push(b'\n');
}

/// The wide-CSV header of `form` (docs/interfaces.md "Wide CSV"; readable by `eservqual report`):
/// the core's columns, the comment last among them, then the collector's `scores_mismatch`.
pub fn csv_header(form: &Form) -> Vec<u8> {
    let mut h = wide_header(form);
    // 1 when the client's scores differed from the collector's (`eservqual report` ignores it).
    h.push("scores_mismatch".to_string());
    let mut line = h.join(",").into_bytes();
    line.push(b'\n');
    line
}

/// One stored payload as a wide-CSV row of `form` (the core's row, a comment neutralised where a
/// spreadsheet would run it as a formula, then the flag); `false` when it is not of that form
/// (or no longer valid), and nothing is written.
pub fn csv_row(row: Row<'_>, registry: &Registry, form: &Form, out: &mut Vec<u8>) -> bool {
    let Ok(r) = response_of(row.payload, registry) else { return false };
    if !same_form(&r, form) {
        return false;
    }
    wide_row(&r, out);
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    out.extend_from_slice(if row.scores_mismatch { b",1\n" } else { b",0\n" });
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::store::{Cursor, StoredComment};
    use crate::serve::summaries::StoredSummary;
    use std::cell::Cell;

    /// A store of `n` stored comments (newest first by construction) that counts what it hands out.
    struct Comments {
        all: Vec<StoredComment>,
        handed: Cell<usize>,
    }

    impl Comments {
        fn new(n: usize) -> Comments {
            let payload = include_str!("../../../tests/data/esqual_one.json").replacen(
                "\"outcomes\": {",
                "\"outcomes\": {\"comment\": \"Delivery was late\", ",
                1,
            );
            let all = (0..n)
                .map(|i| StoredComment {
                    id: format!("{i:08}"),
                    submitted_at: format!("2026-01-01T00:00:00.{:03}Z", 999 - i % 1000),
                    payload: payload.clone(),
                })
                .collect();
            Comments { all, handed: Cell::new(0) }
        }
    }

    impl Reader for Comments {
        fn ping(&self) -> Result<(), StoreError> {
            Ok(())
        }
        fn count(&self, _: &Filter) -> Result<u64, StoreError> {
            Ok(self.all.len() as u64)
        }
        fn scan(&self, _: &Filter, _: &mut dyn FnMut(Row<'_>) -> bool) -> Result<(), StoreError> {
            Ok(())
        }
        fn summaries(
            &self,
            _: &Filter,
            _: &(Option<String>, Option<String>),
            _: Option<&str>,
        ) -> Result<Option<Vec<StoredSummary>>, StoreError> {
            Ok(None)
        }
        fn segment_keys(&self) -> Result<String, StoreError> {
            Ok(String::new())
        }
        /// Pages in list order: after the cursor's id.
        fn comments(
            &self,
            _: &Filter,
            before: Option<&Cursor>,
            limit: usize,
        ) -> Result<Vec<StoredComment>, StoreError> {
            let start = before.map_or(0, |(_, id)| self.all.iter().position(|c| &c.id == id).map_or(0, |p| p + 1));
            let page: Vec<StoredComment> = self.all.iter().skip(start).take(limit).cloned().collect();
            self.handed.set(self.handed.get() + page.len());
            Ok(page)
        }
    }

    fn listed(store: &Comments, which: &CommentFilter, limit: usize) -> Value {
        let registry = Registry::builtin();
        let form = Form::new(registry.get("e-s-qual").expect("e-s-qual").clone(), eservqual_core::Format::Perception);
        let json = comments_json(store, &registry, &form, &Filter::default(), which, limit).expect("comments");
        serde_json::from_str(&json).expect("JSON")
    }

    #[test]
    fn unfiltered_comments_read_one_page_of_the_limit() {
        let store = Comments::new(300);
        let out = listed(&store, &CommentFilter::default(), 20);
        assert_eq!(out["comments"].as_array().map(Vec::len), Some(20));
        assert_eq!(out["truncated"], false);
        assert_eq!(store.handed.get(), 20);
    }

    #[test]
    fn a_filter_that_matches_little_stops_at_the_read_bound_and_says_so() {
        let store = Comments::new(COMMENTS_READ_MAX + 1_000);
        let nothing = CommentFilter { text: Some("parcel".into()), ..CommentFilter::default() };
        let out = listed(&store, &nothing, 20);
        assert_eq!(out["comments"], json!([]));
        assert_eq!(out["truncated"], true);
        assert_eq!(store.handed.get(), COMMENTS_READ_MAX);
        // A filter that matches everything stops at the limit, the bound far away.
        let store = Comments::new(COMMENTS_READ_MAX + 1_000);
        let late = CommentFilter { text: Some("late".into()), ..CommentFilter::default() };
        let out = listed(&store, &late, 30);
        assert_eq!((out["comments"].as_array().map(Vec::len), &out["truncated"]), (Some(30), &json!(false)));
        assert_eq!(store.handed.get(), COMMENTS_PAGE);
        // Fewer comments than the bound: every one read, not truncated.
        let store = Comments::new(700);
        let out = listed(&store, &nothing, 20);
        assert_eq!((&out["truncated"], store.handed.get()), (&json!(false), 700));
    }
}
