//! Weekly alerts: for every form with responses in an ISO week, each dimension whose week mean is
//! significantly below the four weeks before (Welch, Holm across the dimensions:
//! `eservqual_core::compare`) and a changed weakest dimension become webhook events in the outbox.

use super::export::report_parts;
use super::ingest::utc_text;
use super::store::{Backend, Filter, OutboxEvent, Statuses, StoreError};
use super::webhooks::{body, event_id, Config};
use eservqual_core::{Form, Format, Registry};
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde_json::{json, Value};

pub const DIMENSION_DROPPED: &str = "alert.dimension_dropped";
pub const WEAKEST_CHANGED: &str = "alert.weakest_changed";
/// Day 0 of Unix time (UTC days are whole multiples of 86 400 s from it).
const EPOCH: Date = jiff::civil::date(1970, 1, 1);
/// Weeks before the checked week that form its base.
const BASE_WEEKS: i64 = 4;

/// The Monday of an ISO week; `None` for a week that does not exist.
pub fn parse_week(text: &str) -> Option<Date> {
    let (year, week) = text.split_once("-W")?;
    let date = ISOWeekDate::new(year.parse().ok()?, week.parse().ok()?, Weekday::Monday).ok()?;
    Some(date.date())
}

/// `2026-W49`.
pub fn week_name(monday: Date) -> String {
    let w = ISOWeekDate::from_date(monday);
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// The Monday of the last completed ISO week (UTC) at `now`.
pub fn last_completed(now: jiff::Timestamp) -> Date {
    let today = EPOCH + jiff::Span::new().days(now.as_second().div_euclid(86_400));
    let monday = today - jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset()));
    monday - jiff::Span::new().weeks(1)
}

fn start_of(day: Date) -> String {
    let seconds = day.duration_since(EPOCH).as_secs();
    utc_text(jiff::Timestamp::from_second(seconds).unwrap_or_default())
}

/// What a check found: the alerts (with their data) and how many outbox rows were new.
pub struct Checked {
    pub week: String,
    pub alerts: Vec<(&'static str, Value)>,
    pub new_events: usize,
}

/// Checks the ISO week starting `monday` against the four weeks before, and writes an event per
/// alert for every webhook that takes alerts. Ids come from the week, form, alert and webhook,
/// so a repeated check, or another collector's, writes nothing new.
pub fn check(backend: &dyn Backend, registry: &Registry, config: &Config, monday: Date) -> Result<Checked, StoreError> {
    let week = week_name(monday);
    let from = start_of(monday);
    let to = start_of(monday + jiff::Span::new().weeks(1));
    let base_from = start_of(monday - jiff::Span::new().weeks(BASE_WEEKS));
    let mut outbox = backend.outbox()?;
    let reader = backend.reader()?;
    let mut alerts = Vec::new();
    for (instrument_id, format, dimensions) in outbox.forms(&from, &to)? {
        let Some(instrument) = registry.get(&instrument_id) else { continue };
        let Some(fmt) = Format::parse(&format) else { continue };
        let codes: Vec<String> = dimensions.split(',').map(str::to_string).collect();
        let Ok(form) = Form::with_dimensions(instrument, fmt, &codes, "dimensions") else { continue };
        let filter = |from: &str, to: &str| Filter {
            instrument: Some(instrument_id.clone()),
            format: Some(format.clone()),
            dimensions: Some(dimensions.clone()),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            // Alerts compare complete responses only.
            statuses: Statuses::Complete,
        };
        let (current, _, _) = report_parts(reader.as_ref(), registry, &form, &filter(&from, &to), None)?;
        let (base, _, _) = report_parts(reader.as_ref(), registry, &form, &filter(&base_from, &from), None)?;
        if base.responses == 0 {
            continue;
        }
        let comparison = eservqual_core::compare::compare(&current, &base);
        let head = json!({
            "week": week, "instrument": instrument_id, "format": format, "dimensions": dimensions,
            "responses": current.responses, "base_responses": base.responses,
            "base_from": base_from, "from": from, "to": to,
        });
        for (code, test) in &comparison.dimensions {
            if test.verdict == Some("down") {
                let mut data = head.clone();
                data["dimension"] = json!(code);
                data["test"] = serde_json::to_value(test).unwrap_or(Value::Null);
                alerts.push((DIMENSION_DROPPED, data));
            }
        }
        if let (Some(now), Some(before)) = (&current.weakest, &base.weakest) {
            if now != before {
                let mut data = head.clone();
                data["weakest"] = json!(now);
                data["previous_weakest"] = json!(before);
                alerts.push((WEAKEST_CHANGED, data));
            }
        }
    }
    let timestamp = utc_text(jiff::Timestamp::now());
    let mut events = Vec::new();
    for (kind, data) in &alerts {
        let text = |k: &str| data[k].as_str().unwrap_or("").to_string();
        let summary = match *kind {
            DIMENSION_DROPPED => format!(
                "{} ({}) {}: {} dropped from {:.2} to {:.2} (Welch, Holm-adjusted p = {:.3})",
                text("instrument"),
                text("format"),
                week,
                text("dimension"),
                data["test"]["base"].as_f64().unwrap_or(f64::NAN),
                data["test"]["current"].as_f64().unwrap_or(f64::NAN),
                data["test"]["p_adjusted"].as_f64().unwrap_or(f64::NAN),
            ),
            _ => format!(
                "{} ({}) {}: the weakest dimension is now {} (was {})",
                text("instrument"),
                text("format"),
                week,
                text("weakest"),
                text("previous_weakest")
            ),
        };
        let key = [*kind, &week, &text("instrument"), &text("format"), &text("dimensions"), &text("dimension")]
            .join("\u{1f}");
        for hook in config.hooks.iter().filter(|h| h.alerts) {
            events.push(OutboxEvent {
                id: event_id(&[&key, &hook.url]),
                webhook: hook.url.clone(),
                event_type: kind.to_string(),
                body: body(hook.format, kind, &timestamp, data, &summary),
                created_at: timestamp.clone(),
            });
        }
    }
    let new_events = if events.is_empty() { 0 } else { outbox.enqueue(&events)? };
    Ok(Checked { week, alerts, new_events })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_iso_weeks() {
        let monday = parse_week("2026-W01").expect("week");
        // ISO 2026-W01 starts on Monday 29 December 2025 (1 January 2026 is a Thursday).
        assert_eq!(monday, jiff::civil::date(2025, 12, 29));
        assert_eq!(week_name(monday), "2026-W01");
        assert!(parse_week("2026-W54").is_none() && parse_week("2026-12").is_none());
        // Friday 4 December 2026: the last completed week is 23–29 November (2026-W48).
        let now: jiff::Timestamp = "2026-12-04T21:00:00Z".parse().expect("time");
        assert_eq!(last_completed(now), jiff::civil::date(2026, 11, 23));
        assert_eq!(week_name(last_completed(now)), "2026-W48");
        assert_eq!(start_of(jiff::civil::date(2026, 11, 23)), "2026-11-23T00:00:00.000Z");
    }
}
