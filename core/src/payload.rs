//! The response payload `eservqual.response/1` (INTERFACES.md) as serde types, and its
//! validation into [`Answers`]: everything the JSON Schema cannot say (item codes of the
//! instrument, integers within the scale, outcome ranges, RFC 3339 times, a UUID id).

use crate::error::{from_value, Error, ErrorCode};
use crate::instrument::{Field, Form, Format, Instrument, Registry, Scale};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The schema id of this payload version.
pub const SCHEMA_ID: &str = "eservqual.response/1";

/// One response as the widget POSTs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub schema: String,
    pub id: String,
    pub instrument: InstrumentRef,
    pub scale: Scale,
    pub locale: String,
    pub submitted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    pub answers: IndexMap<String, Answer>,
    /// E-RecS-QUAL answers; `null` or absent when it was not administered.
    #[serde(default)]
    pub recovery: Option<IndexMap<String, Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<IndexMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<IndexMap<String, serde_json::Value>>,
    /// The client's scores; the collector recomputes and compares them.
    pub scores: serde_json::Value,
    pub sdk: Sdk,
}

/// Which instrument, version, format and dimension set the response answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub format: Format,
    /// The dimension set D when the deployment switched some off; absent = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Vec<String>>,
}

/// One item's answer fields; a missing or `null` field is "not answered".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default)]
    pub p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub des: Option<f64>,
}

impl Answer {
    fn get(&self, field: Field) -> Option<f64> {
        match field {
            Field::P => self.p,
            Field::E => self.e,
            Field::Min => self.min,
            Field::Des => self.des,
        }
    }
}

/// Outcome questions (SCORING.md §1.1 gives their scales).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ces: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<Option<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<Vec<Option<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Which SDK wrote the payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub name: String,
    pub version: String,
}

/// Number of perceived-value questions.
pub const VALUE_ITEMS: usize = 4;
/// Number of loyalty-intention questions.
pub const LOYALTY_ITEMS: usize = 5;
/// Longest comment kept, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// Outcome answers after validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomeAnswers {
    pub nps: Option<i16>,
    pub csat: Option<i16>,
    pub ces: Option<i16>,
    pub satisfaction: Option<i16>,
    /// `None` when the value questions were not asked.
    pub value: Option<[Option<i16>; VALUE_ITEMS]>,
    /// `None` when the loyalty questions were not asked.
    pub loyalty: Option<[Option<i16>; LOYALTY_ITEMS]>,
    pub comment: Option<String>,
}

/// One respondent's validated answers, indexed by the form's instrument (flat item order).
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    /// `items[i][field.index()]`: the answer, already on the scale and not yet reverse-keyed.
    pub items: Vec<[Option<i16>; 4]>,
    /// E-RecS-QUAL perceptions (flat order of `e-recs-qual`), `None` when not administered.
    pub recovery: Option<Vec<Option<i16>>>,
    /// Raw points per dimension of D (in D's order), `None` without weights.
    pub weights: Option<Vec<f64>>,
    pub outcomes: OutcomeAnswers,
}

impl Answers {
    /// No answers for an instrument of `items` items.
    pub fn empty(items: usize) -> Answers {
        Answers { items: vec![[None; 4]; items], recovery: None, weights: None, outcomes: OutcomeAnswers::default() }
    }
}

/// A validated response: its id, when it was submitted, the form and the answers.
#[derive(Debug, Clone)]
pub struct Response {
    pub id: String,
    pub submitted_at: String,
    pub form: Form,
    pub answers: Answers,
}

/// Checks that `x` is an integer within `scale`; `field` names it in the error.
pub fn integer_on(x: f64, scale: Scale, field: &str) -> Result<i16, Error> {
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(Error::new(ErrorCode::NotInteger, field, format!("{x} is not a whole number")));
    }
    if x < f64::from(scale.min) || x > f64::from(scale.max) {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            field,
            format!("{x} is outside the scale {}-{}", scale.min, scale.max),
        ));
    }
    Ok(x as i16)
}

fn opt_on(x: Option<f64>, scale: Scale, field: &str) -> Result<Option<i16>, Error> {
    x.map(|v| integer_on(v, scale, field)).transpose()
}

/// Answers of `instrument` in `format` from a JSON-like map, keyed by item code.
fn item_answers(
    map: &IndexMap<String, Answer>,
    instrument: &Instrument,
    format: Format,
    form: Option<&Form>,
    path: &str,
) -> Result<Vec<[Option<i16>; 4]>, Error> {
    let scale = instrument.scale_for(format);
    let mut items = vec![[None; 4]; instrument.item_count()];
    for (code, answer) in map {
        let at = format!("{path}.{code}");
        let Some(i) = instrument.item_index(code) else {
            return Err(Error::new(
                ErrorCode::UnknownItem,
                at,
                format!("instrument '{}' has no item '{code}'", instrument.id),
            ));
        };
        if let Some(form) = form {
            if !form.item_active(i) && Field::ALL.iter().any(|&f| answer.get(f).is_some()) {
                return Err(Error::new(ErrorCode::UnknownItem, at, format!("item '{code}' belongs to a dimension that was switched off")));
            }
        }
        for field in Field::ALL {
            let Some(x) = answer.get(field) else { continue };
            let fat = format!("{at}.{}", field.as_str());
            if !format.fields().contains(&field) {
                return Err(Error::new(
                    ErrorCode::InvalidFormat,
                    fat,
                    format!("the {} format has no '{}' answers", format.as_str(), field.as_str()),
                ));
            }
            items[i][field.index()] = Some(integer_on(x, scale, &fat)?);
        }
    }
    Ok(items)
}

/// Validates weights: exactly the codes of D, each finite and >= 0, total > 0 (SCORING.md §2.3).
pub fn validate_weights(weights: &IndexMap<String, f64>, form: &Form, path: &str) -> Result<Vec<f64>, Error> {
    let mut out = Vec::with_capacity(form.active.len());
    for dim in form.dimensions() {
        match weights.get(&dim.code) {
            Some(&w) if w.is_finite() && w >= 0.0 => out.push(w),
            Some(&w) => {
                return Err(Error::new(ErrorCode::InvalidWeights, format!("{path}.{}", dim.code), format!("weight {w} must be a number >= 0")))
            }
            None => {
                return Err(Error::new(ErrorCode::InvalidWeights, format!("{path}.{}", dim.code), format!("no weight for dimension '{}'", dim.code)))
            }
        }
    }
    if let Some(extra) = weights.keys().find(|k| !form.dimensions().any(|d| &d.code == *k)) {
        return Err(Error::new(ErrorCode::InvalidWeights, format!("{path}.{extra}"), format!("'{extra}' is not a dimension of this form")));
    }
    if out.iter().sum::<f64>() <= 0.0 {
        return Err(Error::new(ErrorCode::InvalidWeights, path, "weights must total more than 0"));
    }
    Ok(out)
}

/// Validates outcome answers against their scales; `item_scale` is the form's scale, used by
/// `satisfaction`.
pub fn validate_outcomes(o: &Outcomes, item_scale: Scale, path: &str) -> Result<OutcomeAnswers, Error> {
    let at = |name: &str| format!("{path}.{name}");
    let list = |xs: &Option<Vec<Option<f64>>>, n: usize, scale: Scale, name: &str| -> Result<Option<Vec<Option<i16>>>, Error> {
        let Some(xs) = xs else { return Ok(None) };
        if xs.len() != n {
            return Err(Error::new(ErrorCode::OutOfRange, at(name), format!("'{name}' has {n} answers, not {}", xs.len())));
        }
        xs.iter()
            .enumerate()
            .map(|(i, x)| opt_on(*x, scale, &format!("{path}.{name}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let value = list(&o.value, VALUE_ITEMS, Scale::new(1, 10), "value")?;
    let loyalty = list(&o.loyalty, LOYALTY_ITEMS, Scale::new(1, 5), "loyalty")?;
    if let Some(c) = &o.comment {
        if c.chars().count() > COMMENT_MAX_CHARS {
            return Err(Error::new(ErrorCode::OutOfRange, at("comment"), format!("the comment is longer than {COMMENT_MAX_CHARS} characters")));
        }
    }
    Ok(OutcomeAnswers {
        nps: opt_on(o.nps, Scale::new(0, 10), &at("nps"))?,
        csat: opt_on(o.csat, Scale::new(1, 5), &at("csat"))?,
        ces: opt_on(o.ces, Scale::new(1, 7), &at("ces"))?,
        satisfaction: opt_on(o.satisfaction, item_scale, &at("satisfaction"))?,
        value: value.map(|v| std::array::from_fn(|i| v[i])),
        loyalty: loyalty.map(|v| std::array::from_fn(|i| v[i])),
        comment: o.comment.clone(),
    })
}

/// The scoring inputs shared by a payload and a `score()` call.
pub struct ScoreParts<'a> {
    pub form: Form,
    pub answers: &'a IndexMap<String, Answer>,
    pub recovery: Option<&'a IndexMap<String, Answer>>,
    pub weights: Option<&'a IndexMap<String, f64>>,
    pub outcomes: Option<&'a Outcomes>,
}

/// Validates the answer parts against the form into [`Answers`].
pub fn answers_of(parts: &ScoreParts<'_>) -> Result<Answers, Error> {
    let form = &parts.form;
    let items = item_answers(parts.answers, &form.instrument, form.format, Some(form), "answers")?;
    let recovery = match parts.recovery {
        None => None,
        Some(map) => {
            if form.instrument.id != "e-s-qual" {
                return Err(Error::new(ErrorCode::UnknownField, "recovery", "recovery answers belong to e-s-qual only"));
            }
            let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
            let rec = item_answers(map, &recs, Format::Perception, None, "recovery")?;
            Some(rec.into_iter().map(|a| a[Field::P.index()]).collect())
        }
    };
    let weights = parts.weights.map(|w| validate_weights(w, form, "weights")).transpose()?;
    let outcomes = match parts.outcomes {
        Some(o) => validate_outcomes(o, form.scale(), "outcomes")?,
        None => OutcomeAnswers::default(),
    };
    Ok(Answers { items, recovery, weights, outcomes })
}

/// The form a payload's `instrument` member describes, checked against the registry.
pub fn form_of(r: &InstrumentRef, registry: &Registry) -> Result<Form, Error> {
    let instrument: Arc<Instrument> = registry.require(&r.id, "instrument.id")?;
    if let Some(v) = &r.version {
        if *v != instrument.version {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                "instrument.version",
                format!("instrument '{}' is at version '{}', not '{v}'", instrument.id, instrument.version),
            ));
        }
    }
    match &r.dimensions {
        Some(codes) => Form::with_dimensions(instrument, r.format, codes, "instrument.dimensions"),
        None => Ok(Form::new(instrument, r.format)),
    }
}

/// Checks an RFC 3339 date-time (`2025-06-02T08:15:30Z`, offsets and fractions allowed).
pub fn check_time(s: &str, field: &str) -> Result<(), Error> {
    let bad = || Error::new(ErrorCode::InvalidTime, field, format!("'{s}' is not an RFC 3339 date-time"));
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return Err(bad());
    }
    if !matches!(b[10], b'T' | b't') || !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return Err(bad());
    }
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day == 0 || day > days[month as usize - 1] {
        return Err(bad());
    }
    if num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 60 {
        return Err(bad());
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &frac[n..];
    }
    let ok = match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) && (h1 - b'0') * 10 + (h2 - b'0') <= 23 && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(bad()) }
}

/// Checks a UUID in its hyphenated 8-4-4-4-12 hex form.
pub fn check_uuid(s: &str, field: &str) -> Result<(), Error> {
    let b = s.as_bytes();
    let ok = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    if ok { Ok(()) } else { Err(Error::new(ErrorCode::InvalidId, field, format!("'{s}' is not a UUID"))) }
}

impl Payload {
    /// Parses a payload from JSON text (type errors name their path).
    pub fn from_json(text: &str) -> Result<Payload, Error> {
        crate::error::from_str(text)
    }

    /// Parses a payload from a JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Payload, Error> {
        from_value(value)
    }

    /// Validates everything beyond the schema and returns the response ready to score.
    pub fn validate(&self, registry: &Registry) -> Result<Response, Error> {
        if self.schema != SCHEMA_ID {
            return Err(Error::new(ErrorCode::UnsupportedSchema, "schema", format!("'{}' is not {SCHEMA_ID}", self.schema)));
        }
        check_uuid(&self.id, "id")?;
        check_time(&self.submitted_at, "submitted_at")?;
        if let Some(t) = &self.started_at {
            check_time(t, "started_at")?;
        }
        let form = form_of(&self.instrument, registry)?;
        let scale = form.scale();
        if self.scale != scale {
            return Err(Error::new(
                ErrorCode::WrongScale,
                "scale",
                format!(
                    "{} in {} format is on {}-{}, not {}-{}",
                    form.instrument.id,
                    form.format.as_str(),
                    scale.min,
                    scale.max,
                    self.scale.min,
                    self.scale.max
                ),
            ));
        }
        let parts = ScoreParts {
            form,
            answers: &self.answers,
            recovery: self.recovery.as_ref(),
            weights: self.weights.as_ref(),
            outcomes: self.outcomes.as_ref(),
        };
        let answers = answers_of(&parts)?;
        Ok(Response { id: self.id.clone(), submitted_at: self.submitted_at.clone(), form: parts.form, answers })
    }
}
