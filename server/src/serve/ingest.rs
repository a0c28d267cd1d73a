//! One POSTed body to a row to store: UTF-8 and JSON checks, the core's payload validation, the
//! published JSON Schema, and the re-scoring compared with the client's `scores`.

use super::api_error::{ApiError, Code};
use super::rows::{dimension_key, meta_texts, NewRow};
use axum::http::StatusCode;
use eservqual_core::payload::Payload;
use eservqual_core::score::score;
use eservqual_core::ErrorCode;
use eservqual_core::Registry;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// The published payload schema, embedded at build time.
const RESPONSE_SCHEMA: &str = include_str!("../../../schema/response.schema.json");

/// Checks payloads; built once at startup.
pub struct Checker {
    schema: jsonschema::Validator,
    pub registry: Registry,
}

impl Checker {
    /// The schema validator (draft 2020-12, `format` asserted) and the instruments to accept.
    pub fn new(registry: Registry) -> Result<Checker, String> {
        let schema: Value = serde_json::from_str(RESPONSE_SCHEMA)
            .map_err(|e| format!("the embedded payload schema is not JSON: {e}"))?;
        let schema = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("the embedded payload schema is not valid: {e}"))?;
        Ok(Checker { schema, registry })
    }

    /// Validates `body` and makes the row to store (received at `received_at`).
    pub fn check(&self, body: &[u8], received_at: &str) -> Result<NewRow, ApiError> {
        let Ok(text) = std::str::from_utf8(body) else {
            return Err(ApiError::bad(ErrorCode::InvalidJson, "", "the body is not UTF-8 text"));
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
        if text.is_empty() {
            return Err(ApiError::bad(
                ErrorCode::InvalidJson,
                "",
                "the body is empty: send one response payload as JSON",
            ));
        }
        // serde_json stops at 128 levels of nesting: a deeply nested body is an error, not a
        // stack overflow.
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            let message = message.find(" at line ").map_or(message.as_str(), |cut| &message[..cut]);
            ApiError::bad(ErrorCode::InvalidJson, "", format!("the body is not JSON: {message}"))
        })?;
        if !value.is_object() {
            return Err(ApiError::bad(
                ErrorCode::InvalidType,
                "",
                "the body must be one JSON object (a response payload)",
            ));
        }
        // serde_json keeps the last of repeated keys, while the text is stored as received: a
        // reader of the text could see the other value. Refused.
        if let Some(path) = duplicate_key(text) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::DuplicateKey,
                path.clone(),
                format!("the key '{path}' appears twice"),
            ));
        }
        // The core first: its errors carry the stable codes. Then the schema, for what only the
        // schema says (a required instrument.version, the shape of meta and scores, ...). The
        // schema is asked first only whether the value is valid, so the core may take the value
        // without a copy; the rare invalid body is parsed again to word the schema's error.
        let schema_ok = self.schema.is_valid(&value);
        let payload = Payload::from_value(value)?;
        let response = payload.validate(&self.registry)?;
        if !schema_ok {
            let value: Value =
                serde_json::from_str(text).map_err(|e| ApiError::bad(ErrorCode::InvalidJson, "", e.to_string()))?;
            let rejection = self.schema.iter_errors(&value).next().map(|err| schema_rejection(&err));
            if let Some(rejection) = rejection {
                return Err(rejection);
            }
        }
        // Within a day ahead of (clock skew) and two behind (the outbox's delivery) the receipt.
        if let Some(received_ms) = eservqual_core::payload::time_ms(received_at) {
            eservqual_core::payload::check_submitted(&payload.submitted_at, received_ms)?;
        }
        let submitted_at = utc_text_of(&payload.submitted_at).ok_or_else(|| {
            ApiError::bad(
                ErrorCode::InvalidTime,
                "submitted_at",
                format!("'{}' is not an RFC 3339 date-time", payload.submitted_at),
            )
        })?;
        let expected = serde_json::to_value(score(&response.form, &response.answers)).map_err(|e| {
            ApiError::bad(ErrorCode::InvalidJson, "scores", format!("the scores could not be computed: {e}"))
        })?;
        let form = &response.form;
        Ok(NewRow {
            id: response.id.to_ascii_lowercase(),
            instrument: form.instrument.id.clone(),
            format: form.format.as_str().to_string(),
            dimensions: dimension_key(form),
            submitted_at,
            received_at: received_at.to_string(),
            scores_mismatch: !scores_match(&expected, &payload.scores),
            has_comment: response.answers.outcomes.comment.as_deref().is_some_and(eservqual_core::payload::is_comment),
            payload: text.to_string(),
            status: payload.status,
            response: Some(std::sync::Arc::new(response)),
            events: Vec::new(),
            meta: meta_texts(payload.meta.as_ref()),
        })
    }
}

/// The path (`answers.EFF1.p`, `outcomes.value[0]`) of the first key that appears twice in one
/// object of the JSON `text`, if any (and if `text` is JSON).
pub fn duplicate_key(text: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    struct Walk<'a> {
        path: String,
        found: &'a RefCell<Option<String>>,
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
                if !seen.insert(key) && self.found.borrow().is_none() {
                    *self.found.borrow_mut() = Some(path.clone());
                }
                map.next_value_seed(Walk { path, found: self.found })?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0usize;
            while seq.next_element_seed(Walk { path: format!("{}[{i}]", self.path), found: self.found })?.is_some() {
                i += 1;
            }
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }

    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    Walk { path: String::new(), found: &found }.deserialize(&mut de).ok()?;
    found.into_inner()
}

/// A schema error as a 400 naming the field (`answers.EFF1.p`, `outcomes.value[0]`).
fn schema_rejection(err: &jsonschema::ValidationError<'_>) -> ApiError {
    let mut field = String::new();
    let pointer = err.instance_path.to_string();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            field.push_str(&format!("[{segment}]"));
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(&segment);
        }
    }
    let join = |field: &str, name: &str| if field.is_empty() { name.to_string() } else { format!("{field}.{name}") };
    let (code, field) = match &err.kind {
        ValidationErrorKind::Required { property } => {
            (ErrorCode::MissingField, join(&field, property.as_str().unwrap_or("")))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            (ErrorCode::UnknownField, unexpected.first().map_or(field.clone(), |name| join(&field, name)))
        }
        ValidationErrorKind::Type { .. } => (ErrorCode::InvalidType, field),
        ValidationErrorKind::Format { .. } => (ErrorCode::InvalidTime, field),
        ValidationErrorKind::Constant { .. } if field == "schema" => (ErrorCode::UnsupportedSchema, field),
        ValidationErrorKind::Pattern { .. } if field == "id" => (ErrorCode::InvalidId, field),
        _ => (ErrorCode::OutOfRange, field),
    };
    let message = err.to_string();
    let message: String = message.chars().take(300).collect();
    ApiError::bad(code, field, format!("does not match the payload schema: {message}"))
}

/// `s` (RFC 3339) in UTC as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn utc_text_of(s: &str) -> Option<String> {
    s.parse::<jiff::Timestamp>().ok().map(utc_text)
}

/// A time as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC: fixed width, so text order is time order.
pub fn utc_text(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A `from`/`to` query bound: an RFC 3339 time, or a date `YYYY-MM-DD` (its start for `from`,
/// the start of the next day for `to`, so the date is included).
pub fn bound(s: &str, end: bool) -> Option<String> {
    if let Some(t) = utc_text_of(s) {
        return Some(t);
    }
    let date: jiff::civil::Date = s.parse().ok()?;
    let date = if end { date.tomorrow().ok()? } else { date };
    let t = date.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(utc_text(t))
}

/// The client's scores agree with the collector's: every key of `expected` is in `actual` (a
/// missing key counts as `null`), numbers within |a − e| ≤ 1e-9·max(1, |e|). Extra keys of
/// the client are ignored.
pub fn scores_match(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => match (e.as_f64(), a.as_f64()) {
            (Some(e), Some(a)) => (a - e).abs() <= 1e-9 * e.abs().max(1.0),
            _ => false,
        },
        (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, ev)| match a.get(k) {
            Some(av) => scores_match(ev, av),
            None => ev.is_null(),
        }),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(e, a)| scores_match(e, a)),
        (e, a) => e == a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_fixed_width_utc() {
        assert_eq!(utc_text_of("2025-06-02T10:15:30+02:00").as_deref(), Some("2025-06-02T08:15:30.000Z"));
        assert_eq!(utc_text_of("2025-06-02T08:15:30.5Z").as_deref(), Some("2025-06-02T08:15:30.500Z"));
        assert_eq!(bound("2025-06-02", false).as_deref(), Some("2025-06-02T00:00:00.000Z"));
        assert_eq!(bound("2025-06-02", true).as_deref(), Some("2025-06-03T00:00:00.000Z"));
        assert_eq!(bound("June", true), None);
    }

    #[test]
    fn scores_compare_with_tolerance() {
        let e = json!({"overall": {"p": 4.0, "p_weighted": null}, "class": "delighted"});
        assert!(scores_match(&e, &json!({"overall": {"p": 4.000000000001}, "class": "delighted", "extra": 1})));
        assert!(!scores_match(&e, &json!({"overall": {"p": 4.1}, "class": "delighted"})));
        assert!(!scores_match(&e, &json!({})));
    }

    #[test]
    fn duplicate_keys_are_found_with_their_path() {
        assert_eq!(duplicate_key(r#"{"a": 1, "b": {"c": [1, {"d": 1, "d": 2}]}}"#).as_deref(), Some("b.c[1].d"));
        assert_eq!(duplicate_key(r#"{"a": 1, "a": 2}"#).as_deref(), Some("a"));
        assert_eq!(duplicate_key(r#"{"a": {"x": 1}, "b": {"x": 1}}"#), None);
    }

    #[test]
    fn the_embedded_schema_builds() {
        assert!(Checker::new(Registry::builtin()).is_ok());
    }
}
