//! The response payload `eservqual.response/1` (docs/interfaces.md), read by hand from JSON (every
//! error names its path), and its validation into [`Answers`]: everything the JSON Schema cannot
//! say (item codes of the instrument, integers within the scale, outcome ranges, RFC 3339 times,
//! a UUID id).

use crate::error::{Error, ErrorCode};
use crate::instrument::{Field, Form, Format, Instrument, Registry, Scale};
use crate::json::{optional, parse_json, read_array, read_number, read_object, read_string, At, Fields, Json};
use crate::keyed::Keyed;
use crate::text::int;
use std::sync::Arc;

/// The schema id of this payload version.
pub const SCHEMA_ID: &str = "eservqual.response/1";

/// Whether a payload is the submitted response or the answers so far of a visitor who left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Submitted (the default: a payload without `status`).
    #[default]
    Complete,
    /// Sent when a visitor who answered at least one step left without submitting; the
    /// complete response of the same `id` replaces it at the collector.
    Partial,
}

impl Status {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
        }
    }

    /// `complete` or `partial`; anything else is an `out-of-range` error naming `status`.
    pub fn parse(text: &str) -> Result<Status, Error> {
        match text {
            "complete" => Ok(Status::Complete),
            "partial" => Ok(Status::Partial),
            other => Err(Error::new(
                ErrorCode::OutOfRange,
                "status",
                cat!("'", other, "' is not a status: use complete or partial"),
            )),
        }
    }

    /// Whether it is [`Status::Complete`] (which a payload leaves out).
    pub fn is_complete(&self) -> bool {
        *self == Status::Complete
    }
}

/// The steps of a questionnaire besides its dimensions, as a partial response's `step` names them
/// (a dimension step is named by its code): the screening question, the recovery scale, the
/// outcome questions and the weights.
pub const STEP_NAMES: [&str; 4] = ["screen", "recovery", "outcomes", "weights"];

/// One response as the widget POSTs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Payload {
    pub schema: String,
    pub id: String,
    /// `complete` unless the payload says `partial`; written only when partial.
    #[serde(skip_serializing_if = "Status::is_complete")]
    pub status: Status,
    /// Where the visitor of a partial response left: the step then shown (see [`STEP_NAMES`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub instrument: InstrumentRef,
    pub scale: Scale,
    pub locale: String,
    pub submitted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    pub answers: Keyed<Answer>,
    /// E-RecS-QUAL answers; `null` or absent when it was not administered.
    pub recovery: Option<Keyed<Answer>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Keyed<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// The client's scores; the collector recomputes and compares them.
    pub scores: serde_json::Value,
    pub sdk: Sdk,
}

/// Which instrument, version, format and dimension set the response answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InstrumentRef {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub format: Format,
    /// The dimension set D when the deployment switched some off; absent = all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Vec<String>>,
}

impl InstrumentRef {
    /// Reads `{id, version?, format, dimensions?}` at `at`; without a `format` member the
    /// format is `fallback(id)`, and without that a `missing-field` error.
    pub fn read<J: Json>(
        v: &J,
        at: &At,
        fallback: impl FnOnce(&str) -> Option<Format>,
    ) -> Result<InstrumentRef, Error> {
        let mut f = Fields::of(v, at, &["id", "version", "format", "dimensions"])?;
        let id = read_string(&f.need("id")?, &at.key("id"))?;
        let version = f.opt_string("version")?;
        let format = match f.take("format") {
            Some(v) => Format::read(&v, &at.key("format"))?,
            None => match fallback(&id) {
                Some(format) => format,
                None => return Err(f.missing("format")),
            },
        };
        let dimensions = f.opt("dimensions", read_codes)?;
        Ok(InstrumentRef { id, version, format, dimensions })
    }
}

/// A list of dimension codes.
pub fn read_codes<J: Json>(v: &J, at: &At) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (i, c) in read_array(v, at)?.iter().enumerate() {
        out.push(read_string(c, &at.index(i))?);
    }
    Ok(out)
}

/// One item's answer fields; a missing or `null` field is "not answered".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Answer {
    pub p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

    /// Reads `{p?, e?, min?, des?}` at `at` (numbers or `null`; ranges are checked later).
    pub fn read<J: Json>(v: &J, at: &At) -> Result<Answer, Error> {
        let mut f = Fields::of(v, at, &["p", "e", "min", "des"])?;
        Ok(Answer {
            p: f.opt_number("p")?,
            e: f.opt_number("e")?,
            min: f.opt_number("min")?,
            des: f.opt_number("des")?,
        })
    }
}

/// An answer map (`{"EFF1": {"p": 4}, ...}`) at `at`, in input order.
pub fn read_answers<J: Json>(v: &J, at: &At) -> Result<Keyed<Answer>, Error> {
    let mut out = Keyed::new();
    for (code, a) in read_object(v, at)? {
        let answer = Answer::read(&a, &at.key(code))?;
        out.0.push((code.to_string(), answer));
    }
    Ok(out)
}

/// A weight map (`{"EFF": 40, ...}`) at `at`, in input order (values checked later).
pub fn read_weights<J: Json>(v: &J, at: &At) -> Result<Keyed<f64>, Error> {
    let mut out = Keyed::new();
    for (code, w) in read_object(v, at)? {
        let w = read_number(&w, &at.key(code))?;
        out.0.push((code.to_string(), w));
    }
    Ok(out)
}

/// Outcome questions (docs/scoring.md §1.1 gives their scales).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Outcomes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ces: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<Option<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<Vec<Option<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Outcomes {
    /// Reads the `outcomes` object at `at` (types only; ranges are checked by
    /// [`validate_outcomes`]).
    pub fn read<J: Json>(v: &J, at: &At) -> Result<Outcomes, Error> {
        let mut f = Fields::of(v, at, &["nps", "csat", "ces", "satisfaction", "value", "loyalty", "comment"])?;
        let (nps, csat, ces, satisfaction) =
            (f.opt_number("nps")?, f.opt_number("csat")?, f.opt_number("ces")?, f.opt_number("satisfaction")?);
        let list = |v: &J, name: &str| -> Result<Vec<Option<f64>>, Error> {
            let at = at.key(name);
            let mut out = Vec::new();
            for (i, x) in read_array(v, &at)?.into_iter().enumerate() {
                out.push(optional(Some(x), |x| read_number(x, &at.index(i)))?);
            }
            Ok(out)
        };
        let value = optional(f.take("value"), |v| list(v, "value"))?;
        let loyalty = optional(f.take("loyalty"), |v| list(v, "loyalty"))?;
        let comment = f.opt_string("comment")?;
        Ok(Outcomes { nps, csat, ces, satisfaction, value, loyalty, comment })
    }
}

/// Which SDK wrote the payload.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// A comment that says something: not empty and not only whitespace. What the collector counts
/// and lists as comments (the widget sends what was typed, spaces and line breaks included).
pub fn is_comment(text: &str) -> bool {
    !text.trim().is_empty()
}
/// Longest `locale`, in characters (a BCP 47 tag fits in 35).
pub const LOCALE_MAX_CHARS: usize = 35;
/// Longest `site`, `instrument.version`, `sdk.name`, `sdk.version` and `meta` key, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// Longest `page` (a path) and `meta` text value, in characters.
pub const PAGE_MAX_CHARS: usize = 2000;
/// Most members of `meta`.
pub const META_MAX_KEYS: usize = 50;
/// Longest `submitted_at` / `started_at`, in characters (nanoseconds and an offset fit in 35).
pub const TIME_MAX_CHARS: usize = 40;
/// Largest weight of one dimension: the points of a 100-point allocation.
pub const WEIGHT_MAX: f64 = 100.0;
/// How far `submitted_at` may be ahead of the time received: clock skew of the visitor's device.
pub const SKEW_MS: f64 = 24.0 * 3_600_000.0;
/// How far `submitted_at` may be behind the time received: the outbox's longest delivery delay
/// ([`crate::retry::MAX_AGE_MS`]) plus the clock skew.
pub const LATE_MS: f64 = crate::retry::MAX_AGE_MS + SKEW_MS;

/// Characters of `s`: the bytes that do not continue a UTF-8 sequence.
fn chars(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// An `out-of-range` error at `field` when `s` has more than `max` characters.
pub fn check_len(s: &str, max: usize, field: &str) -> Result<(), Error> {
    if chars(s) > max {
        return Err(Error::new(ErrorCode::OutOfRange, field, cat!("longer than ", int(max as i64), " characters")));
    }
    Ok(())
}

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

/// Checks that `x` is an integer within `scale`; `at` names it in the error.
///
/// Messages print a whole number as an integer and never format a float: float formatting is
/// some 20 KB of the wasm.
pub fn integer_on(x: f64, scale: Scale, at: &At) -> Result<i16, Error> {
    let mut range = int(scale.min.into());
    range.push('-');
    range.push_str(&int(scale.max.into()));
    if !x.is_finite() || x.fract() != 0.0 {
        // Only a JS caller can pass NaN or an infinity; JSON has no word for them.
        let what = if x.is_finite() { "a number with a fraction" } else { "NaN or an infinity" };
        return Err(at.error(ErrorCode::NotInteger, cat!(what, " is not a whole number on the scale ", range)));
    }
    if x < f64::from(scale.min) || x > f64::from(scale.max) {
        // Beyond 2^53 an f64 is still whole but no longer exact: do not pretend to know it.
        let what = if x.abs() < 9.0e15 { int(x as i64) } else { "a number that large".to_string() };
        return Err(at.error(ErrorCode::OutOfRange, cat!(what, " is outside the scale ", range)));
    }
    Ok(x as i16)
}

fn opt_on(x: Option<f64>, scale: Scale, at: &At) -> Result<Option<i16>, Error> {
    x.map(|v| integer_on(v, scale, at)).transpose()
}

/// Answers of `instrument` in `format` from a JSON-like map, keyed by item code.
fn item_answers(
    map: &Keyed<Answer>,
    instrument: &Instrument,
    format: Format,
    form: Option<&Form>,
    path: &At,
) -> Result<Vec<[Option<i16>; 4]>, Error> {
    let scale = instrument.scale_for(format);
    let mut items = vec![[None; 4]; instrument.item_count()];
    for (code, answer) in map.iter() {
        let at = path.key(code);
        let Some(i) = instrument.item_index(code) else {
            return Err(
                at.error(ErrorCode::UnknownItem, cat!("instrument '", instrument.id, "' has no item '", code, "'"))
            );
        };
        if let Some(form) = form {
            if !form.item_active(i) && Field::ALL.iter().any(|&f| answer.get(f).is_some()) {
                return Err(at.error(
                    ErrorCode::UnknownItem,
                    cat!("item '", code, "' belongs to a dimension that was switched off"),
                ));
            }
        }
        for field in Field::ALL {
            let Some(x) = answer.get(field) else { continue };
            let fat = at.key(field.as_str());
            if !format.fields().contains(&field) {
                return Err(fat.error(
                    ErrorCode::InvalidFormat,
                    cat!("the ", format.as_str(), " format has no '", field.as_str(), "' answers"),
                ));
            }
            items[i][field.index()] = Some(integer_on(x, scale, &fat)?);
        }
    }
    Ok(items)
}

/// Validates weights: exactly the codes of D, each from 0 to [`WEIGHT_MAX`], total > 0
/// (docs/scoring.md §2.3). The bound keeps the total finite, so the normalised weights are too.
pub fn validate_weights(weights: &Keyed<f64>, form: &Form, at: &At) -> Result<Vec<f64>, Error> {
    let mut out = Vec::with_capacity(form.active.len());
    for dim in form.dimensions() {
        match weights.get(&dim.code) {
            Some(&w) if (0.0..=WEIGHT_MAX).contains(&w) => out.push(w),
            Some(_) => {
                return Err(at
                    .key(&dim.code)
                    .error(ErrorCode::InvalidWeights, "a weight must be a number from 0 to 100"))
            }
            None => {
                return Err(at
                    .key(&dim.code)
                    .error(ErrorCode::InvalidWeights, cat!("no weight for dimension '", dim.code, "'")))
            }
        }
    }
    if let Some(extra) = weights.keys().find(|k| !form.dimensions().any(|d| d.code == **k)) {
        return Err(at
            .key(extra)
            .error(ErrorCode::InvalidWeights, cat!("'", extra, "' is not a dimension of this form")));
    }
    if out.iter().sum::<f64>() <= 0.0 {
        return Err(at.error(ErrorCode::InvalidWeights, "weights must total more than 0"));
    }
    Ok(out)
}

/// Validates outcome answers against their scales; `item_scale` is the form's scale, used by
/// `satisfaction`.
pub fn validate_outcomes(o: &Outcomes, item_scale: Scale, at: &At) -> Result<OutcomeAnswers, Error> {
    // Fills `out` (one slot per question) from the answers; `false` when they were not asked.
    let list =
        |xs: &Option<Vec<Option<f64>>>, out: &mut [Option<i16>], scale: Scale, name: &str| -> Result<bool, Error> {
            let Some(xs) = xs else { return Ok(false) };
            let at = at.key(name);
            if xs.len() != out.len() {
                return Err(at.error(
                    ErrorCode::OutOfRange,
                    cat!("'", name, "' has ", int(out.len() as i64), " answers, not ", int(xs.len() as i64)),
                ));
            }
            for (i, x) in xs.iter().enumerate() {
                out[i] = opt_on(*x, scale, &at.index(i))?;
            }
            Ok(true)
        };
    let mut value = [None; VALUE_ITEMS];
    let value = list(&o.value, &mut value, Scale::new(1, 10), "value")?.then_some(value);
    let mut loyalty = [None; LOYALTY_ITEMS];
    let loyalty = list(&o.loyalty, &mut loyalty, Scale::new(1, 5), "loyalty")?.then_some(loyalty);
    if let Some(c) = &o.comment {
        if chars(c) > COMMENT_MAX_CHARS {
            return Err(at.key("comment").error(
                ErrorCode::OutOfRange,
                cat!("the comment is longer than ", int(COMMENT_MAX_CHARS as i64), " characters"),
            ));
        }
    }
    Ok(OutcomeAnswers {
        nps: opt_on(o.nps, Scale::new(0, 10), &at.key("nps"))?,
        csat: opt_on(o.csat, Scale::new(1, 5), &at.key("csat"))?,
        ces: opt_on(o.ces, Scale::new(1, 7), &at.key("ces"))?,
        satisfaction: opt_on(o.satisfaction, item_scale, &at.key("satisfaction"))?,
        value,
        loyalty,
        comment: o.comment.clone(),
    })
}

/// The scoring inputs shared by a payload and a `score()` call.
pub struct ScoreParts<'a> {
    pub form: Form,
    pub answers: &'a Keyed<Answer>,
    pub recovery: Option<&'a Keyed<Answer>>,
    pub weights: Option<&'a Keyed<f64>>,
    pub outcomes: Option<&'a Outcomes>,
}

/// Validates the answer parts against the form into [`Answers`].
pub fn answers_of(parts: &ScoreParts<'_>) -> Result<Answers, Error> {
    let form = &parts.form;
    let root = At::ROOT;
    let items = item_answers(parts.answers, &form.instrument, form.format, Some(form), &root.key("answers"))?;
    let recovery = match parts.recovery {
        None => None,
        Some(map) => {
            if form.instrument.id != "e-s-qual" {
                return Err(Error::new(
                    ErrorCode::UnknownField,
                    "recovery",
                    "recovery answers belong to e-s-qual only",
                ));
            }
            let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
            let rec = item_answers(map, &recs, Format::Perception, None, &root.key("recovery"))?;
            Some(rec.into_iter().map(|a| a[Field::P.index()]).collect())
        }
    };
    let weights = parts.weights.map(|w| validate_weights(w, form, &root.key("weights"))).transpose()?;
    let outcomes = match parts.outcomes {
        Some(o) => validate_outcomes(o, form.scale(), &root.key("outcomes"))?,
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
                cat!("instrument '", instrument.id, "' is at version '", instrument.version, "', not '", v, "'"),
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
    let bad = || Error::new(ErrorCode::InvalidTime, field, cat!("'", s, "' is not an RFC 3339 date-time"));
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return Err(bad());
    }
    if !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
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
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Milliseconds since 1970 of an RFC 3339 date-time that [`check_time`] accepted (fractions
/// beyond milliseconds dropped); `None` for any other text.
pub fn time_ms(s: &str) -> Option<f64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = crate::civil::days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let mut ms = ((days * 24 + num(11..13)?) * 60 + num(14..16)?) * 60_000 + num(17..19)? * 1000;
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        let digits = frac.get(..n.min(3))?;
        ms += digits.parse::<i64>().ok()? * 10i64.pow(3 - digits.len() as u32);
        rest = &frac[n..];
    }
    // `+hh:mm` is ahead of UTC: subtract it.
    let sign = match rest.as_bytes().first() {
        Some(b'+') => -1,
        Some(b'-') => 1,
        _ => 0,
    };
    if sign != 0 {
        let part = |r: std::ops::Range<usize>| rest.get(r)?.parse::<i64>().ok();
        ms += sign * (part(1..3)? * 60 + part(4..6)?) * 60_000;
    }
    Some(ms as f64)
}

/// Checks that `submitted_at` lies within [`SKEW_MS`] ahead of and [`LATE_MS`] behind the time
/// the collector received it (`received_ms`, milliseconds since 1970).
pub fn check_submitted(submitted_at: &str, received_ms: f64) -> Result<(), Error> {
    let Some(t) = time_ms(submitted_at) else {
        return Err(Error::new(ErrorCode::InvalidTime, "submitted_at", "not an RFC 3339 date-time"));
    };
    if t > received_ms + SKEW_MS || t < received_ms - LATE_MS {
        return Err(Error::new(
            ErrorCode::OutOfRange,
            "submitted_at",
            "more than a day ahead of or two days behind the time it was received",
        ));
    }
    Ok(())
}

/// Checks a UUID in its hyphenated 8-4-4-4-12 hex form.
pub fn check_uuid(s: &str, field: &str) -> Result<(), Error> {
    let b = s.as_bytes();
    let ok = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    if ok {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::InvalidId, field, cat!("'", s, "' is not a UUID")))
    }
}

impl Payload {
    /// Parses a payload from JSON text (type errors name their path).
    pub fn from_json(text: &str) -> Result<Payload, Error> {
        Payload::read(&parse_json(text)?)
    }

    /// Parses a payload from a JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Payload, Error> {
        Payload::read(&value)
    }

    /// Reads the members and their types; [`Payload::validate`] checks the rest.
    fn read(v: &serde_json::Value) -> Result<Payload, Error> {
        const MEMBERS: &[&str] = &[
            "schema",
            "id",
            "status",
            "step",
            "instrument",
            "scale",
            "locale",
            "submitted_at",
            "started_at",
            "answers",
            "recovery",
            "weights",
            "outcomes",
            "site",
            "page",
            "meta",
            "scores",
            "sdk",
            // Added by the collector's JSONL export to a flagged payload; ignored here. A POST
            // that carries it is refused by the schema.
            "collector",
        ];
        let root = At::ROOT;
        let mut f = Fields::of(&v, &root, MEMBERS)?;
        let text = |f: &mut Fields<&serde_json::Value>, name: &str| read_string(&f.need(name)?, &root.key(name));
        let opt_text = |f: &mut Fields<&serde_json::Value>, name: &str| f.opt_string(name);
        let (schema, id) = (text(&mut f, "schema")?, text(&mut f, "id")?);
        let status = match f.opt_string("status")? {
            Some(s) => Status::parse(&s)?,
            None => Status::Complete,
        };
        let step = f.opt_string("step")?;
        let instrument = InstrumentRef::read(&f.need("instrument")?, &root.key("instrument"), |_| None)?;
        let scale = Scale::read(&f.need("scale")?, &root.key("scale"))?;
        let (locale, submitted_at, started_at) =
            (text(&mut f, "locale")?, text(&mut f, "submitted_at")?, opt_text(&mut f, "started_at")?);
        let answers = read_answers(&f.need("answers")?, &root.key("answers"))?;
        let recovery = f.opt("recovery", read_answers)?;
        let weights = f.opt("weights", read_weights)?;
        let outcomes = f.opt("outcomes", Outcomes::read)?;
        let (site, page) = (opt_text(&mut f, "site")?, opt_text(&mut f, "page")?);
        let meta = optional(f.take("meta"), |v| match v {
            serde_json::Value::Object(m) => Ok(m.clone()),
            other => Err(root.key("meta").expected("an object", other)),
        })?;
        let scores = f.need("scores")?.clone();
        let sdk_at = root.key("sdk");
        let sdk = f.need("sdk")?;
        let mut s = Fields::of(&sdk, &sdk_at, &["name", "version"])?;
        let sdk = Sdk {
            name: read_string(&s.need("name")?, &sdk_at.key("name"))?,
            version: read_string(&s.need("version")?, &sdk_at.key("version"))?,
        };
        Ok(Payload {
            schema,
            id,
            status,
            step,
            instrument,
            scale,
            locale,
            submitted_at,
            started_at,
            answers,
            recovery,
            weights,
            outcomes,
            site,
            page,
            meta,
            scores,
            sdk,
        })
    }

    /// Validates everything beyond the schema and returns the response ready to score.
    pub fn validate(&self, registry: &Registry) -> Result<Response, Error> {
        if self.schema != SCHEMA_ID {
            return Err(Error::new(
                ErrorCode::UnsupportedSchema,
                "schema",
                cat!("'", self.schema, "' is not ", SCHEMA_ID),
            ));
        }
        check_uuid(&self.id, "id")?;
        check_len(&self.submitted_at, TIME_MAX_CHARS, "submitted_at")?;
        check_time(&self.submitted_at, "submitted_at")?;
        if let Some(t) = &self.started_at {
            check_len(t, TIME_MAX_CHARS, "started_at")?;
            check_time(t, "started_at")?;
        }
        check_len(&self.locale, LOCALE_MAX_CHARS, "locale")?;
        for (text, max, field) in [
            (self.instrument.version.as_deref(), NAME_MAX_CHARS, "instrument.version"),
            (self.site.as_deref(), NAME_MAX_CHARS, "site"),
            (self.page.as_deref(), PAGE_MAX_CHARS, "page"),
            (Some(&self.sdk.name), NAME_MAX_CHARS, "sdk.name"),
            (Some(&self.sdk.version), NAME_MAX_CHARS, "sdk.version"),
        ] {
            if let Some(text) = text {
                check_len(text, max, field)?;
            }
        }
        if let Some(meta) = &self.meta {
            if meta.len() > META_MAX_KEYS {
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    "meta",
                    cat!("more than ", int(META_MAX_KEYS as i64), " members"),
                ));
            }
            for (k, v) in meta {
                check_len(k, NAME_MAX_CHARS, "meta")?;
                if let serde_json::Value::String(text) = v {
                    check_len(text, PAGE_MAX_CHARS, &cat!("meta.", k))?;
                }
            }
        }
        let form = form_of(&self.instrument, registry)?;
        if let Some(step) = &self.step {
            let known = STEP_NAMES.contains(&step.as_str()) || form.dimensions().any(|d| d.code == *step);
            if self.status != Status::Partial || !known {
                return Err(Error::new(
                    ErrorCode::OutOfRange,
                    "step",
                    cat!("'", step, "' is not a step a partial response can stop at: a dimension of the form, screen, recovery, outcomes or weights"),
                ));
            }
        }
        let scale = form.scale();
        if self.scale != scale {
            return Err(Error::new(
                ErrorCode::WrongScale,
                "scale",
                cat!(
                    form.instrument.id,
                    " in ",
                    form.format.as_str(),
                    " format is on ",
                    int(scale.min.into()),
                    "-",
                    int(scale.max.into()),
                    ", not ",
                    int(self.scale.min.into()),
                    "-",
                    int(self.scale.max.into())
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
