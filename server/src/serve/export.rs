//! Reading stored responses back (blocking code, run off the async runtime): the aggregate
//! report through the same core code as `eservqual report`, and the JSONL and wide-CSV exports.

use super::store::{Filter, Reader, Row, StoreError};
use super::summaries;
use eservqual_core::dataset::Dataset;
use eservqual_core::payload::{Payload, Response};
use eservqual_core::report::{report, Report};
use eservqual_core::summary::Summary;
use eservqual_core::{Form, Instrument, Registry};

/// A stored payload validated again (the same checks as at ingest).
fn response_of(text: &str, registry: &Registry) -> Result<Response, eservqual_core::Error> {
    Payload::from_json(text)?.validate(registry)
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
    match from_summaries(reader, form, filter)? {
        Some((report, flagged)) => with_flag_count(&report, flagged),
        None => report_by_scan(reader, registry, form, filter),
    }
}

/// The report from the summary rows of a whole-day range (or none), merged, and the count of
/// flagged responses; `None` when the summaries cannot give it: a bound inside a day, summaries
/// not covering every stored response (a database from before them, not rebuilt), a stale row,
/// or rows of another definition of the instrument than `form`'s.
pub fn from_summaries(reader: &dyn Reader, form: &Form, filter: &Filter) -> Result<Option<(Report, u64)>, StoreError> {
    let Some(days) = summaries::whole_days(filter) else { return Ok(None) };
    let Some(rows) = reader.summaries(filter, &days)? else {
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
                tracing::warn!(error = %e, day = %row.day, "a stored summary could not be read: the report scans");
                return Ok(None);
            }
        }
        flagged += row.flagged;
    }
    Ok(Some((total.finish(), flagged)))
}

/// `report` as JSON with the member `scores_mismatch`.
fn with_flag_count(report: &Report, flagged: u64) -> Result<String, StoreError> {
    let fail = |e: serde_json::Error| StoreError(format!("could not write the report: {e}"));
    let mut json = serde_json::to_value(report).map_err(fail)?;
    if let Some(map) = json.as_object_mut() {
        map.insert("scores_mismatch".to_string(), flagged.into());
    }
    serde_json::to_string(&json).map_err(fail)
}

/// The report by reading and scoring every matching stored payload (what `eservqual report`
/// does with the export).
pub fn report_by_scan(
    reader: &dyn Reader,
    registry: &Registry,
    form: &Form,
    filter: &Filter,
) -> Result<String, StoreError> {
    let mut dataset = Dataset::new(form.clone());
    let (mut skipped, mut flagged) = (0u64, 0u64);
    reader.scan(filter, &mut |row: Row<'_>| {
        match response_of(row.payload, registry).and_then(|r| dataset.push_response(&r)) {
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
    with_flag_count(&report(&dataset), flagged)
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

/// The wide-CSV header of `form` (docs/interfaces.md "Wide CSV"; readable by `eservqual report`).
pub fn csv_header(form: &Form) -> Vec<u8> {
    let mut h: Vec<String> = vec!["id".to_string(), "submitted_at".to_string()];
    for &d in &form.active {
        for item in &form.instrument.dimensions[d].items {
            for f in form.format.fields() {
                h.push(format!("{}.{}", item.code, f.as_str()));
            }
        }
    }
    if form.instrument.id == "e-s-qual" {
        if let Some(recs) = Instrument::builtin("e-recs-qual") {
            h.extend(recs.items().map(|i| format!("recovery.{}", i.code)));
        }
    }
    h.extend(form.dimensions().map(|d| format!("weight.{}", d.code)));
    h.extend(["nps", "csat", "ces", "satisfaction"].map(String::from));
    h.extend((1..=4).map(|i| format!("value{i}")));
    h.extend((1..=5).map(|i| format!("loyalty{i}")));
    // 1 when the client's scores differed from the collector's (`eservqual report` ignores it).
    h.push("scores_mismatch".to_string());
    let mut line = h.join(",").into_bytes();
    line.push(b'\n');
    line
}

fn cell(out: &mut Vec<u8>, x: Option<i16>) {
    out.push(b',');
    if let Some(x) = x {
        out.extend_from_slice(itoa::Buffer::new().format(x).as_bytes());
    }
}

/// One stored payload as a wide-CSV row of `form`; `false` when it is not of that form (or no
/// longer valid), and nothing is written.
pub fn csv_row(row: Row<'_>, registry: &Registry, form: &Form, out: &mut Vec<u8>) -> bool {
    let Ok(r) = response_of(row.payload, registry) else { return false };
    if r.form.instrument.id != form.instrument.id || r.form.format != form.format || r.form.active != form.active {
        return false;
    }
    let a = &r.answers;
    // Ids are UUIDs and times RFC 3339 (validated): no character that needs CSV quoting.
    out.extend_from_slice(r.id.as_bytes());
    out.push(b',');
    out.extend_from_slice(r.submitted_at.as_bytes());
    for &d in &form.active {
        for i in form.item_range(d) {
            for f in form.format.fields() {
                cell(out, a.items.get(i).and_then(|x| x[f.index()]));
            }
        }
    }
    if form.instrument.id == "e-s-qual" {
        for j in 0..11 {
            cell(out, a.recovery.as_ref().and_then(|rec| rec.get(j).copied().flatten()));
        }
    }
    for j in 0..form.active.len() {
        out.push(b',');
        if let Some(w) = a.weights.as_ref().and_then(|w| w.get(j)) {
            out.extend_from_slice(w.to_string().as_bytes());
        }
    }
    let o = &a.outcomes;
    for x in [o.nps, o.csat, o.ces, o.satisfaction] {
        cell(out, x);
    }
    for j in 0..4 {
        cell(out, o.value.and_then(|v| v[j]));
    }
    for j in 0..5 {
        cell(out, o.loyalty.and_then(|v| v[j]));
    }
    out.extend_from_slice(if row.scores_mismatch { b",1\n" } else { b",0\n" });
    true
}
