//! Per-day summaries of the stored responses (issue #15): what `/v1/report` reads instead of
//! every stored payload.
//!
//! - One row per (instrument, format, dimension set, UTC day of `submitted_at`, fingerprint of
//!   the form's definition) in the `summaries` table: the count of responses, how many of them
//!   were stored with the `scores_mismatch` flag, and the core's [`Summary`] in its stored
//!   form (`NULL` when a stored summary could not be read back: that row is then stale, and a
//!   report over it falls back to the full scan until `eservqual summaries rebuild`).
//! - The writer adds each newly stored complete response ([`Stored::New`], or
//!   [`Stored::Replaced`] when it replaces a partial; never a partial, a repeat, a 409 or a
//!   refused body) in the insert's own transaction: [`group`] then, per key, insert-or-update
//!   ([`fold`] merges into the stored text).
//! - The fingerprint is part of the key, so a custom instrument redefined under the same id
//!   starts new rows instead of merging sums of another definition; a report that meets rows
//!   of another fingerprint than its form's falls back to the full scan (which re-scores every
//!   payload with today's definition).
//! - `summary_state.complete` says the table covers every stored response: false after the
//!   migration on a database that already held responses, true after a rebuild. A report uses
//!   the summaries only when it is true.
//! - Segments (`serve --segment KEY`): the summary of a response is also added to a row whose
//!   `segment` is `KEY=VALUE` (its `meta.KEY` as text) or `KEY` (no such value), for every key
//!   of `summary_state.segment_keys` — the keys the summaries were made with, read in the
//!   insert's own transaction, so every writer adds to the same keys whatever it was started
//!   with. The form's own row has the segment `''`. `/v1/report?by=meta.KEY` merges the rows
//!   of `KEY` (one per day and value) instead of reading every response; a key the summaries
//!   were not made with is read by the full scan. `serve` rebuilds the summaries at start when
//!   its keys differ from the stored ones; `summaries rebuild --segment KEYS` sets them.
//! - Stored summaries of another version (written before an upgrade that changed what is summed)
//!   cannot be read back: reports over their days scan, and a batch that meets one marks it
//!   stale. That is said once per process ([`unreadable`]), naming the rebuild that ends it.

use super::rows::{dimension_key, meta_texts, Filter, NewRow, Row, Stored};
use eservqual_core::payload::{Payload, Response};
use eservqual_core::summary::Summary;
use eservqual_core::ErrorCode;
use eservqual_core::Registry;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`unreadable`] has told of summaries of another version in this process.
static OTHER_VERSION_TOLD: AtomicBool = AtomicBool::new(false);

/// The warning logged (once per process) when stored summaries are of another version.
pub const OTHER_VERSION: &str = "stored summaries of another version (made before an upgrade): reports over \
     their days read the stored responses instead; `eservqual summaries rebuild` brings the summaries back";

/// Logs that the stored summary of `day` could not be read, and `then` what follows. A summary
/// of another version is told once per process: after an upgrade every report over the old days
/// meets them, until the rebuild the message names.
pub fn unreadable(e: &eservqual_core::Error, day: &str, then: &str) {
    if e.code == ErrorCode::UnsupportedSchema {
        if !OTHER_VERSION_TOLD.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %e, "{OTHER_VERSION}");
        } else {
            tracing::debug!(error = %e, day, "a stored summary of another version: {then}");
        }
    } else {
        tracing::warn!(error = %e, day, "a stored summary could not be read: {then}; run `eservqual summaries rebuild`");
    }
}

/// The key of one summary row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub instrument: String,
    pub format: String,
    pub dimensions: String,
    /// `YYYY-MM-DD`, the UTC date of the stored `submitted_at`.
    pub day: String,
    pub fingerprint: String,
    /// `''` for the form's own row, else [`segment_column`].
    pub segment: String,
}

/// The `segment` column of a row of `key`: `KEY=VALUE` for responses whose `meta.KEY` is
/// `value`, `KEY` for those without one. Keys have no `=` (`serve --segment` refuses them), so
/// the first `=` ends the key.
pub fn segment_column(key: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{key}={v}"),
        None => key.to_string(),
    }
}

/// The key and value (`None`: without a value) of a `segment` column.
pub fn split_segment(column: &str) -> (&str, Option<&str>) {
    match column.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (column, None),
    }
}

/// The stored form of a set of segment keys (`summary_state.segment_keys`): sorted, without
/// repeats, joined by `,`.
pub fn keys_text(keys: &[String]) -> String {
    let set: std::collections::BTreeSet<&str> = keys.iter().map(String::as_str).filter(|k| !k.is_empty()).collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// The keys of a stored `summary_state.segment_keys`.
pub fn keys_of(text: &str) -> Vec<String> {
    text.split(',').filter(|k| !k.is_empty()).map(str::to_string).collect()
}

/// What a batch (or a rebuild) adds to one summary row.
#[derive(Debug, Clone)]
pub struct Pending {
    pub summary: Summary,
    pub responses: u64,
    pub flagged: u64,
}

/// The UTC day of a stored `submitted_at` (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
pub fn day_of(submitted_at: &str) -> &str {
    submitted_at.get(..10).unwrap_or(submitted_at)
}

/// Sums pending by key. The fingerprint of a form is computed once per (instrument, format,
/// dimension set): within one batch or rebuild the registry, and so each definition, is fixed.
#[derive(Default)]
struct Grouper {
    fingerprints: HashMap<(String, &'static str, String), String>,
    out: BTreeMap<Key, Pending>,
    /// The segment keys a response is also added under.
    keys: Vec<String>,
}

impl Grouper {
    fn with_keys(keys: &[String]) -> Grouper {
        Grouper { keys: keys.to_vec(), ..Grouper::default() }
    }

    /// Adds one response to the pending sums of its key, and of its segment of every key.
    fn add(&mut self, response: &Response, submitted_at: &str, flagged: bool, meta: &[(String, String)]) {
        let mut segments = vec![String::new()];
        for key in &self.keys {
            let value = meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
            segments.push(segment_column(key, value));
        }
        for segment in segments {
            self.add_under(response, submitted_at, flagged, segment);
        }
    }

    fn add_under(&mut self, response: &Response, submitted_at: &str, flagged: bool, segment: String) {
        let form = &response.form;
        let (instrument, format, dimensions) = (form.instrument.id.clone(), form.format.as_str(), dimension_key(form));
        let fingerprint = self
            .fingerprints
            .entry((instrument.clone(), format, dimensions.clone()))
            .or_insert_with(|| Summary::new(form).fingerprint().to_string())
            .clone();
        let key = Key {
            instrument,
            format: format.to_string(),
            dimensions,
            day: day_of(submitted_at).to_string(),
            fingerprint,
            segment,
        };
        let pending =
            self.out.entry(key).or_insert_with(|| Pending { summary: Summary::new(form), responses: 0, flagged: 0 });
        // Same fingerprint by the key: adding cannot fail.
        if pending.summary.add_response(response).is_ok() {
            pending.responses += 1;
            pending.flagged += u64::from(flagged);
        }
    }
}

/// The summary contributions of the complete rows of a batch that were newly written, by key (in key
/// order, so that concurrent writers lock summary rows in one order). Rows without their
/// parsed response contribute nothing. `keys`: the segment keys of the stored summaries.
pub fn group(rows: &[NewRow], stored: &[Stored], keys: &[String]) -> BTreeMap<Key, Pending> {
    let mut g = Grouper::with_keys(keys);
    for (row, s) in rows.iter().zip(stored) {
        // A complete response newly written (a new id, or in place of a partial): a partial
        // adds nothing, and a complete replacing one adds itself once.
        if !s.written() || row.status != eservqual_core::payload::Status::Complete {
            continue;
        }
        if let Some(response) = row.response.as_deref() {
            g.add(response, &row.submitted_at, row.scores_mismatch, &row.meta);
        }
    }
    g.out
}

/// The stored form after merging `pending` into the stored text `stored` of `day` (`None`: a
/// stale row). `None` when the stored text cannot be read back for this form: the row becomes
/// stale.
pub fn fold(day: &str, stored: Option<&str>, pending: &Pending) -> Option<String> {
    let text = stored?;
    match Summary::from_json(text, pending.summary.form()) {
        Ok(mut s) => {
            s.merge(&pending.summary);
            Some(s.to_json())
        }
        Err(e) => {
            unreadable(&e, day, "it is marked stale (reports scan the responses)");
            None
        }
    }
}

/// One stored summary row of a form, as a reader hands it out.
#[derive(Debug, Clone)]
pub struct StoredSummary {
    pub day: String,
    /// `''` for the form's own row, else [`segment_column`].
    pub segment: String,
    pub fingerprint: String,
    pub responses: u64,
    pub flagged: u64,
    /// `None`: stale.
    pub summary: Option<String>,
}

/// The day range `[from, to)` (`YYYY-MM-DD`, `None` = open) of a filter whose time bounds fall
/// on UTC midnights; `None` when a bound is inside a day (the report then scans).
pub fn whole_days(filter: &Filter) -> Option<(Option<String>, Option<String>)> {
    let day = |b: &Option<String>| -> Option<Option<String>> {
        match b {
            None => Some(None),
            Some(t) => t.strip_suffix("T00:00:00.000Z").filter(|d| d.len() == 10).map(|d| Some(d.to_string())),
        }
    };
    Some((day(&filter.from)?, day(&filter.to)?))
}

/// Recomputes summaries from stored payloads (`eservqual summaries rebuild`).
pub struct Rebuild<'a> {
    registry: &'a Registry,
    grouper: Grouper,
    /// Stored payloads no longer valid (an instrument file not given?), left out.
    pub skipped: u64,
    pub responses: u64,
}

impl<'a> Rebuild<'a> {
    /// A rebuild that also sums the segments of `keys` (the new `summary_state.segment_keys`).
    pub fn new(registry: &'a Registry, keys: &[String]) -> Rebuild<'a> {
        Rebuild { registry, grouper: Grouper::with_keys(&keys_of(&keys_text(keys))), skipped: 0, responses: 0 }
    }

    /// The segment keys summed, as stored in `summary_state.segment_keys`.
    pub fn keys_text(&self) -> String {
        keys_text(&self.grouper.keys)
    }

    /// The summary rows computed so far, by key.
    pub fn pending(&self) -> &BTreeMap<Key, Pending> {
        &self.grouper.out
    }

    /// Adds one stored response (its `submitted_at` column as stored).
    pub fn add(&mut self, row: Row<'_>, submitted_at: &str) {
        let parsed =
            Payload::from_json(row.payload).and_then(|p| Ok((p.validate(self.registry)?, meta_texts(p.meta.as_ref()))));
        match parsed {
            Ok((response, meta)) => {
                self.grouper.add(&response, submitted_at, row.scores_mismatch, &meta);
                self.responses += 1;
            }
            Err(_) => self.skipped += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_columns_split_at_the_first_equals_sign_and_keys_are_stored_sorted() {
        assert_eq!(segment_column("channel", Some("partner=acme")), "channel=partner=acme");
        assert_eq!(split_segment("channel=partner=acme"), ("channel", Some("partner=acme")));
        assert_eq!(split_segment("channel="), ("channel", Some("")));
        assert_eq!(split_segment("channel"), ("channel", None));
        let keys = ["device".to_string(), "channel".to_string(), String::new(), "device".to_string()];
        assert_eq!(keys_text(&keys), "channel,device");
        assert_eq!(keys_of("channel,device"), ["channel", "device"]);
        assert!(keys_of("").is_empty());
        let meta = serde_json::json!({ "a": "x", "n": 7, "b": true, "z": null });
        let texts = meta_texts(meta.as_object());
        assert_eq!(texts, [("a".into(), "x".into()), ("b".into(), "true".into()), ("n".into(), "7".into())]);
    }

    #[test]
    fn only_bounds_on_utc_midnight_are_whole_days() {
        let f = |from: Option<&str>, to: Option<&str>| Filter {
            from: from.map(String::from),
            to: to.map(String::from),
            ..Filter::default()
        };
        assert_eq!(whole_days(&f(None, None)), Some((None, None)));
        assert_eq!(
            whole_days(&f(Some("2026-01-02T00:00:00.000Z"), Some("2026-01-05T00:00:00.000Z"))),
            Some((Some("2026-01-02".to_string()), Some("2026-01-05".to_string())))
        );
        assert_eq!(whole_days(&f(Some("2026-01-02T00:00:00.001Z"), None)), None);
        assert_eq!(whole_days(&f(None, Some("2026-01-02T12:00:00.000Z"))), None);
    }
}
