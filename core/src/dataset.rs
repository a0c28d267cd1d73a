//! Many respondents of one form, stored column-wise as small integers with a missing marker
//! (two bytes per answer, so a million respondents fit easily), and the wide-CSV column model
//! (docs/interfaces.md "Wide CSV").

use crate::error::{Error, ErrorCode};
use crate::instrument::{Field, Form, Instrument, Scale};
use crate::payload::{check_time, Answers, OutcomeAnswers, Response, LOYALTY_ITEMS, VALUE_ITEMS};
use std::collections::{HashMap, HashSet};

/// The marker of a missing answer in a column.
pub const MISSING: i16 = i16::MIN;

/// One wide-CSV column, resolved against a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `id`
    Id,
    /// `EFF1`, `EFF1.p`, `EFF1.e`, `EFF1.min`, `EFF1.des` (flat item index)
    Item {
        item: usize,
        field: Field,
    },
    /// `recovery.RES1` (flat index in `e-recs-qual`)
    Recovery {
        item: usize,
    },
    /// `weight.EFF` (position of the dimension in D)
    Weight {
        dim: usize,
    },
    Nps,
    Csat,
    Ces,
    Satisfaction,
    /// `value1`..`value4` (0-based)
    Value(usize),
    /// `loyalty1`..`loyalty5` (0-based)
    Loyalty(usize),
    /// `submitted_at`
    SubmittedAt,
    /// `comment`: the free-text comment (the collector's export carries it; not scored).
    Comment,
    /// `scores_mismatch`: the collector's flag in its CSV export; read and ignored.
    Ignored,
    /// `meta.KEY`: a value of the payload's `meta` object; read when KEY is the segment key
    /// (`report --by meta.KEY`), otherwise skipped.
    Meta,
}

fn unknown(header: &str, why: String) -> Error {
    Error::new(ErrorCode::UnknownField, header, why)
}

/// `prefix<N>` with N in 1..=max → N - 1.
fn numbered(header: &str, prefix: &str, max: usize) -> Option<usize> {
    let n: usize = header.strip_prefix(prefix)?.parse().ok()?;
    (1..=max).contains(&n).then(|| n - 1)
}

/// A header in the spelling the wide CSV uses, when it differs only in letter case: names and
/// field suffixes lower-case, item and dimension codes upper-case (codes are upper-case by rule,
/// so the mapping is never ambiguous). `None` when it is already spelt that way.
fn canonical(header: &str) -> Option<String> {
    let mut parts = header.split('.');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let lower = first.to_ascii_lowercase();
    let out = match (lower.as_str(), rest.as_slice()) {
        ("weight" | "recovery", [code, field @ ..]) if field.len() <= 1 => {
            let mut out = format!("{lower}.{}", code.to_ascii_uppercase());
            if let [f] = field {
                out = format!("{out}.{}", f.to_ascii_lowercase());
            }
            out
        }
        (_, []) if lower.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => {
            let fixed = ["id", "nps", "csat", "ces", "satisfaction", "submitted_at", "comment"];
            let numbered =
                ["value", "loyalty"].iter().any(|p| lower.strip_prefix(p).is_some_and(|n| n.parse::<u8>().is_ok()));
            if fixed.contains(&lower.as_str()) || numbered {
                lower
            } else {
                first.to_ascii_uppercase()
            }
        }
        (_, [field]) => format!("{}.{}", first.to_ascii_uppercase(), field.to_ascii_lowercase()),
        _ => return None,
    };
    (out != header).then_some(out)
}

impl Column {
    /// Resolves a header name; an unknown column (or a field the format lacks) is an error
    /// whose field is the header. A header that differs from a known one only in letter case
    /// (`ID`, `Nps`, `eff1.P`, `Weight.eff`) is read as that one.
    pub fn parse(header: &str, form: &Form) -> Result<Column, Error> {
        match Column::parse_exact(header, form) {
            Err(e) if e.code == ErrorCode::UnknownField => match canonical(header) {
                Some(name) => Column::parse_exact(&name, form).map_err(|_| e),
                None => Err(e),
            },
            other => other,
        }
    }

    fn parse_exact(header: &str, form: &Form) -> Result<Column, Error> {
        match header {
            "id" => return Ok(Column::Id),
            "comment" => return Ok(Column::Comment),
            "nps" => return Ok(Column::Nps),
            "csat" => return Ok(Column::Csat),
            "ces" => return Ok(Column::Ces),
            "satisfaction" => return Ok(Column::Satisfaction),
            "submitted_at" => return Ok(Column::SubmittedAt),
            "scores_mismatch" => return Ok(Column::Ignored),
            _ => {}
        }
        if header.strip_prefix("meta.").is_some_and(|k| !k.is_empty()) {
            return Ok(Column::Meta);
        }
        if let Some(i) = numbered(header, "value", VALUE_ITEMS) {
            return Ok(Column::Value(i));
        }
        if let Some(i) = numbered(header, "loyalty", LOYALTY_ITEMS) {
            return Ok(Column::Loyalty(i));
        }
        if let Some(code) = header.strip_prefix("weight.") {
            return match form.dimensions().position(|d| d.code == code) {
                Some(dim) => Ok(Column::Weight { dim }),
                None => {
                    Err(unknown(header, format!("unknown column '{header}': '{code}' is not a dimension of this form")))
                }
            };
        }
        if let Some(code) = header.strip_prefix("recovery.") {
            let recs = Instrument::builtin("e-recs-qual").expect("built-in instrument");
            if form.instrument.id != "e-s-qual" {
                return Err(unknown(header, format!("unknown column '{header}': recovery answers belong to e-s-qual")));
            }
            let code = code.strip_suffix(".p").unwrap_or(code);
            return match recs.item_index(code) {
                Some(item) => Ok(Column::Recovery { item }),
                None => Err(unknown(header, format!("unknown column '{header}': e-recs-qual has no item '{code}'"))),
            };
        }
        let (code, field) = match header.split_once('.') {
            Some((code, f)) => match Field::parse(f) {
                Some(field) => (code, field),
                None => {
                    return Err(unknown(header, format!("unknown column '{header}': '{f}' is not p, e, min or des")))
                }
            },
            None => (header, Field::P),
        };
        let Some(item) = form.instrument.item_index(code) else {
            return Err(unknown(header, format!("unknown column '{header}'")));
        };
        if !form.format.fields().contains(&field) {
            return Err(Error::new(
                ErrorCode::InvalidFormat,
                header,
                format!("column '{header}': the {} format has no '{}' answers", form.format.as_str(), field.as_str()),
            ));
        }
        if !form.item_active(item) {
            return Err(unknown(header, format!("column '{header}' belongs to a dimension that was switched off")));
        }
        Ok(Column::Item { item, field })
    }
}

/// Parses one cell: empty or `NA` is missing; otherwise an integer on `scale`.
pub fn parse_cell(cell: &str, scale: Scale, header: &str) -> Result<Option<i16>, Error> {
    // Fast path for the common cell, one digit inside the scale: a million-row file has tens of
    // millions of them.
    if let [d @ b'0'..=b'9'] = cell.as_bytes() {
        let x = i16::from(d - b'0');
        if scale.contains(x) {
            return Ok(Some(x));
        }
    }
    let t = cell.trim();
    if t.is_empty() || t == "NA" {
        return Ok(None);
    }
    // `5.0` (a spreadsheet's number format) is the whole number 5.
    let t = match t.split_once('.') {
        Some((whole, zeros))
            if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') && whole.parse::<i64>().is_ok() =>
        {
            whole
        }
        _ => t,
    };
    if let Ok(x) = t.parse::<i64>() {
        if x < i64::from(scale.min) || x > i64::from(scale.max) {
            return Err(Error::new(
                ErrorCode::OutOfRange,
                header,
                format!("{t} is outside the scale {}-{}", scale.min, scale.max),
            ));
        }
        return Ok(Some(x as i16));
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Err(Error::new(ErrorCode::NotInteger, header, format!("{t} is not a whole number"))),
        _ => Err(Error::new(ErrorCode::InvalidType, header, format!("'{}' is not a number", truncate(t)))),
    }
}

/// The wide-CSV header of `form` (docs/interfaces.md "Wide CSV"): `id`, `submitted_at`, every
/// item field of D in instrument order, the 11 `recovery.*` columns for `e-s-qual`, `weight.*`
/// for D, the outcomes, `value1`–`value4`, `loyalty1`–`loyalty5` and `comment`. What
/// [`wide_row`] writes under it and `eservqual report` reads.
pub fn wide_header(form: &Form) -> Vec<String> {
    let mut h: Vec<String> = vec!["id".into(), "submitted_at".into()];
    for &d in &form.active {
        for item in &form.instrument.dimensions[d].items {
            h.extend(form.format.fields().iter().map(|f| format!("{}.{}", item.code, f.as_str())));
        }
    }
    if form.instrument.id == "e-s-qual" {
        if let Some(recs) = Instrument::builtin("e-recs-qual") {
            h.extend(recs.items().map(|i| format!("recovery.{}", i.code)));
        }
    }
    h.extend(form.dimensions().map(|d| format!("weight.{}", d.code)));
    h.extend(["nps", "csat", "ces", "satisfaction"].map(String::from));
    h.extend((1..=VALUE_ITEMS).map(|i| format!("value{i}")));
    h.extend((1..=LOYALTY_ITEMS).map(|i| format!("loyalty{i}")));
    h.push("comment".into());
    h
}

/// One validated response as a row under [`wide_header`] of its form, line end included; the
/// comment goes through [`csv_text`] (quoted as needed, a formula-looking one neutralised).
pub fn wide_row(r: &Response, out: &mut Vec<u8>) {
    fn cell(out: &mut Vec<u8>, x: Option<i16>) {
        out.push(b',');
        if let Some(x) = x {
            out.extend_from_slice(crate::text::int(i64::from(x)).as_bytes());
        }
    }
    let (form, a) = (&r.form, &r.answers);
    // Ids are UUIDs and times RFC 3339 (validated): nothing that needs quoting.
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
    for j in 0..VALUE_ITEMS {
        cell(out, o.value.and_then(|v| v[j]));
    }
    for j in 0..LOYALTY_ITEMS {
        cell(out, o.loyalty.and_then(|v| v[j]));
    }
    out.push(b',');
    csv_text(out, o.comment.as_deref().unwrap_or(""));
    out.push(b'\n');
}

/// Appends `text` as one wide-CSV cell. A cell that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so it
/// shows as the text it is; a cell holding a comma, a quote or a line break is quoted, its
/// quotes doubled.
pub fn csv_text(out: &mut Vec<u8>, text: &str) {
    let formula = matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let quoted = text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quoted {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    for b in text.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    if quoted {
        out.push(b'"');
    }
}

/// At most 40 characters of a cell, for messages.
fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A reusable buffer for one wide-CSV row: after the first row, reading one allocates nothing.
#[derive(Debug, Clone)]
pub struct WideRow {
    /// The trimmed id, empty when the row has none.
    id: String,
    /// The checked `submitted_at`, empty when the row has none.
    submitted_at: String,
    pub answers: Answers,
    /// Weight cells seen and filled in this row.
    points: Vec<Option<f64>>,
    /// The buffer `answers.weights` takes when the row has weights, kept across rows.
    weights: Vec<f64>,
    recovery: Vec<Option<i16>>,
    value: [Option<i16>; VALUE_ITEMS],
    loyalty: [Option<i16>; LOYALTY_ITEMS],
    /// The segment key (`meta.KEY` column to read) and this row's value of it.
    segment_key: Option<String>,
    segment: Option<String>,
}

impl WideRow {
    pub fn new(form: &Form) -> WideRow {
        WideRow {
            id: String::new(),
            submitted_at: String::new(),
            answers: Answers::empty(form.instrument.item_count()),
            points: vec![None; form.active.len()],
            weights: Vec::with_capacity(form.active.len()),
            recovery: vec![None; 11],
            value: [None; VALUE_ITEMS],
            loyalty: [None; LOYALTY_ITEMS],
            segment_key: None,
            segment: None,
        }
    }

    /// Reads the `meta.KEY` column of this key as the row's segment.
    pub fn set_segment_key(&mut self, key: Option<&str>) {
        self.segment_key = key.map(str::to_string);
    }

    /// The row's segment value, when the segment column has one (empty and `NA` are none).
    pub fn segment(&self) -> Option<&str> {
        self.segment.as_deref()
    }

    /// The row's id, when it has one.
    pub fn id(&self) -> Option<&str> {
        (!self.id.is_empty()).then_some(self.id.as_str())
    }

    /// The row's `submitted_at`, when it has one.
    pub fn submitted_at(&self) -> Option<&str> {
        (!self.submitted_at.is_empty()).then_some(self.submitted_at.as_str())
    }

    /// Empties the buffer for the next row.
    pub fn clear(&mut self) {
        self.id.clear();
        self.submitted_at.clear();
        self.segment = None;
        self.answers.items.iter_mut().for_each(|a| *a = [None; 4]);
        self.answers.recovery = None;
        if let Some(w) = self.answers.weights.take() {
            self.weights = w;
        }
        self.answers.outcomes = OutcomeAnswers::default();
        self.points.iter_mut().for_each(|p| *p = None);
        self.recovery.iter_mut().for_each(|p| *p = None);
        self.value = [None; VALUE_ITEMS];
        self.loyalty = [None; LOYALTY_ITEMS];
    }

    /// Sets one cell: empty or `NA` is missing; otherwise an integer on the column's scale.
    /// The error's field is the column header.
    pub fn set(&mut self, form: &Form, column: Column, header: &str, cell: &str) -> Result<(), Error> {
        let o = &mut self.answers.outcomes;
        match column {
            Column::Id => {
                self.id.clear();
                self.id.push_str(cell.trim());
            }
            Column::SubmittedAt => {
                let t = cell.trim();
                self.submitted_at.clear();
                if !t.is_empty() {
                    self.submitted_at.push_str(t);
                    // A date alone (`2026-11-20`) is midnight UTC of that day.
                    if t.len() == 10 {
                        self.submitted_at.push_str("T00:00:00Z");
                    }
                    if check_time(&self.submitted_at, header).is_err() {
                        self.submitted_at.clear();
                        return check_time(t, header);
                    }
                }
            }
            Column::Comment => {}
            Column::Meta => {
                if self.segment_key.is_some() && header.strip_prefix("meta.") == self.segment_key.as_deref() {
                    let t = cell.trim();
                    self.segment = (!t.is_empty() && t != "NA").then(|| t.to_string());
                }
            }
            Column::Item { item, field } => {
                self.answers.items[item][field.index()] = parse_cell(cell, form.scale(), header)?;
            }
            Column::Recovery { item } => self.recovery[item] = parse_cell(cell, Scale::new(1, 5), header)?,
            Column::Weight { dim } => {
                let t = cell.trim();
                self.points[dim] = if t.is_empty() || t == "NA" {
                    None
                } else {
                    match t.parse::<f64>() {
                        Ok(w) if (0.0..=crate::payload::WEIGHT_MAX).contains(&w) => Some(w),
                        Ok(_) => {
                            return Err(Error::new(
                                ErrorCode::InvalidWeights,
                                header,
                                format!("weight {t} must be a number from 0 to 100"),
                            ))
                        }
                        Err(_) => {
                            return Err(Error::new(
                                ErrorCode::InvalidType,
                                header,
                                format!("'{}' is not a number", truncate(t)),
                            ))
                        }
                    }
                };
            }
            Column::Nps => o.nps = parse_cell(cell, Scale::new(0, 10), header)?,
            Column::Csat => o.csat = parse_cell(cell, Scale::new(1, 5), header)?,
            Column::Ces => o.ces = parse_cell(cell, Scale::new(1, 7), header)?,
            Column::Satisfaction => o.satisfaction = parse_cell(cell, form.scale(), header)?,
            Column::Value(i) => self.value[i] = parse_cell(cell, Scale::new(1, 10), header)?,
            Column::Loyalty(i) => self.loyalty[i] = parse_cell(cell, Scale::new(1, 5), header)?,
            Column::Ignored => {}
        }
        Ok(())
    }

    /// Row-level checks once every cell is set: weights are all filled or all empty and total
    /// more than 0; recovery is administered when any of its cells is filled.
    pub fn finish(&mut self, form: &Form) -> Result<(), Error> {
        let filled = self.points.iter().filter(|p| p.is_some()).count();
        if filled > 0 {
            if filled < self.points.len() {
                let (pos, _) = self.points.iter().enumerate().find(|(_, p)| p.is_none()).expect("an empty weight");
                let code = &form.instrument.dimensions[form.active[pos]].code;
                return Err(Error::new(
                    ErrorCode::InvalidWeights,
                    format!("weight.{code}"),
                    "some weight cells of this row are filled and others empty: fill all or none",
                ));
            }
            let mut w = std::mem::take(&mut self.weights);
            w.clear();
            w.extend(self.points.iter().flatten().copied());
            if w.iter().sum::<f64>() <= 0.0 {
                let code = &form.instrument.dimensions[form.active[0]].code;
                self.weights = w;
                return Err(Error::new(
                    ErrorCode::InvalidWeights,
                    format!("weight.{code}"),
                    "weights must total more than 0",
                ));
            }
            self.answers.weights = Some(w);
        }
        if self.recovery.iter().any(Option::is_some) {
            self.answers.recovery = Some(self.recovery.clone());
        }
        if self.value.iter().any(Option::is_some) {
            self.answers.outcomes.value = Some(self.value);
        }
        if self.loyalty.iter().any(Option::is_some) {
            self.answers.outcomes.loyalty = Some(self.loyalty);
        }
        Ok(())
    }
}

/// Days since 1970-01-01 of the date part of a checked RFC 3339 time.
pub(crate) fn epoch_day(t: &str) -> Option<i32> {
    let y: i64 = t.get(0..4)?.parse().ok()?;
    let m: i64 = t.get(5..7)?.parse().ok()?;
    let d: i64 = t.get(8..10)?.parse().ok()?;
    i32::try_from(crate::civil::days_from_civil(y, m, d)).ok()
}

/// A checked RFC 3339 time (docs/interfaces.md: `Z` or a `±HH:MM` offset, optional fraction)
/// as nanoseconds since 1970-01-01T00:00:00Z; a leap second counts as the second before.
pub fn instant(t: &str) -> Option<i64> {
    let day = i64::from(epoch_day(t)?);
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?.min(59));
    let mut rest = t.get(19..)?;
    let mut nanos = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        for (i, b) in frac.bytes().take(n).enumerate() {
            if i < 9 {
                nanos += i64::from(b - b'0') * 10i64.pow(8 - i as u32);
            }
        }
        rest = &frac[n..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if rest.len() == 6 => {
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let secs = day * 86_400 + h * 3600 + m * 60 + s - offset;
    Some(secs * 1_000_000_000 + nanos)
}

/// The text of a `meta` value used as a segment: a string as it is, a number or a boolean as
/// JSON writes it; `null`, an array or an object is no segment.
pub fn meta_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A UUID as a 128-bit number, so a million ids cost 16 bytes each in the duplicate set.
fn uuid_bits(s: &str) -> Option<u128> {
    if s.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, c) in s.bytes().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        v = (v << 4) | u128::from((c as char).to_digit(16)?);
    }
    Some(v)
}

/// Respondents of one form, column-wise.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub form: Form,
    rows: usize,
    /// `answers[item * 4 + field]`; only the format's fields of the items in D are filled.
    answers: Vec<Vec<i16>>,
    /// E-RecS-QUAL perceptions (11 columns) and whether it was administered, for `e-s-qual`.
    recovery: Vec<Vec<i16>>,
    recovery_given: Vec<bool>,
    /// Raw points, `|D|` per row; NaN when the row has no weights.
    points: Vec<f64>,
    nps: Vec<i16>,
    csat: Vec<i16>,
    ces: Vec<i16>,
    satisfaction: Vec<i16>,
    value: Vec<Vec<i16>>,
    loyalty: Vec<Vec<i16>>,
    /// Days since 1970-01-01 of `submitted_at`, `i32::MIN` when unknown.
    day: Vec<i32>,
    /// `submitted_at` as nanoseconds since 1970-01-01T00:00:00Z, `i64::MIN` when unknown.
    time: Vec<i64>,
    /// The segment value of each row (an index into `segment_values`, `u32::MAX` for none).
    segment: Vec<u32>,
    segment_values: Vec<Box<str>>,
    /// The index of each segment value, so a key with many values is read in linear time.
    segment_index: HashMap<Box<str>, u32>,
    /// The `meta` key whose values are the segments (docs/scoring.md §8.7), when one was set.
    segment_key: Option<String>,
    uuids: HashSet<u128>,
    other_ids: HashSet<String>,
    /// The `answers` columns this form fills (`item * 4 + field`), in push order: worked out
    /// once, not per row.
    filled: Vec<usize>,
    /// Whether rows carry E-RecS-QUAL columns (`e-s-qual` only).
    has_recovery: bool,
    /// The id of every kept row, kept only by a [`Dataset::part`] so that parts read in
    /// parallel can be joined with the first-wins rule across them ([`Dataset::append`]).
    row_ids: Option<Vec<RowId>>,
}

/// A row's id as the duplicate sets hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowId {
    None,
    Uuid(u128),
    Text(Box<str>),
}

fn code(x: Option<i16>) -> i16 {
    x.unwrap_or(MISSING)
}

impl Dataset {
    pub fn new(form: Form) -> Dataset {
        let items = form.instrument.item_count();
        let fields = form.format.fields();
        let filled = form
            .active
            .iter()
            .flat_map(|&d| form.item_range(d))
            .flat_map(|i| fields.iter().map(move |f| i * 4 + f.index()))
            .collect();
        Dataset {
            filled,
            has_recovery: form.instrument.id == "e-s-qual",
            rows: 0,
            answers: vec![Vec::new(); items * 4],
            recovery: vec![Vec::new(); 11],
            recovery_given: Vec::new(),
            points: Vec::new(),
            nps: Vec::new(),
            csat: Vec::new(),
            ces: Vec::new(),
            satisfaction: Vec::new(),
            value: vec![Vec::new(); VALUE_ITEMS],
            loyalty: vec![Vec::new(); LOYALTY_ITEMS],
            day: Vec::new(),
            time: Vec::new(),
            segment: Vec::new(),
            segment_values: Vec::new(),
            segment_index: HashMap::new(),
            segment_key: None,
            uuids: HashSet::new(),
            other_ids: HashSet::new(),
            row_ids: None,
            form,
        }
    }

    /// An empty dataset that remembers each row's id, to be [`append`](Dataset::append)ed to
    /// the dataset of the rows before it.
    pub fn part(form: Form) -> Dataset {
        Dataset { row_ids: Some(Vec::new()), ..Dataset::new(form) }
    }

    /// Makes room for `rows` more respondents in every column this form fills, so a reader
    /// that knows how many rows are coming grows nothing row by row.
    pub fn reserve(&mut self, rows: usize) {
        for &c in &self.filled {
            self.answers[c].reserve(rows);
        }
        if self.has_recovery {
            self.recovery_given.reserve(rows);
            self.recovery.iter_mut().for_each(|c| c.reserve(rows));
        }
        self.points.reserve(rows * self.form.active.len());
        for c in [&mut self.nps, &mut self.csat, &mut self.ces, &mut self.satisfaction] {
            c.reserve(rows);
        }
        self.value.iter_mut().chain(self.loyalty.iter_mut()).for_each(|c| c.reserve(rows));
        self.day.reserve(rows);
        self.time.reserve(rows);
        self.segment.reserve(rows);
        // Most files carry a UUID per row: sized once, the set never rehashes while it fills.
        self.uuids.reserve(rows);
        if let Some(ids) = &mut self.row_ids {
            ids.reserve(rows);
        }
    }

    /// Appends the rows of `later` (a [`Dataset::part`] of the same form, read from rows that
    /// come after these), keeping the first of any id seen on both sides.
    pub fn append(&mut self, later: Dataset) {
        // Into an empty dataset the part moves whole: its columns and id sets are already what
        // this dataset would hold, and copying a million rows would only cost time.
        if self.rows == 0 && self.uuids.is_empty() && self.other_ids.is_empty() {
            let row_ids = if self.row_ids.is_some() { later.row_ids.or_else(|| Some(Vec::new())) } else { None };
            let form = self.form.clone();
            let segment_key = self.segment_key.take();
            *self = Dataset { form, row_ids, segment_key, ..later };
            return;
        }
        let ids = later.row_ids.unwrap_or_default();
        self.uuids.reserve(ids.len());
        let keep: Vec<bool> = ids
            .iter()
            .map(|id| match id {
                RowId::None => true,
                RowId::Uuid(bits) => self.uuids.insert(*bits),
                RowId::Text(t) => self.other_ids.insert(t.to_string()),
            })
            .collect();
        let all = keep.iter().all(|&k| k);
        fn join<T: Copy>(into: &mut Vec<T>, from: Vec<T>, keep: &[bool], all: bool, width: usize) {
            if all {
                into.extend_from_slice(&from);
            } else {
                let kept = from.chunks(width.max(1)).zip(keep).filter(|(_, &k)| k).flat_map(|(c, _)| c.iter().copied());
                into.extend(kept);
            }
        }
        // Only the columns this form fills have rows; the others are empty on both sides.
        for (into, from) in self.answers.iter_mut().zip(later.answers) {
            if !from.is_empty() {
                join(into, from, &keep, all, 1);
            }
        }
        for (into, from) in self.recovery.iter_mut().zip(later.recovery) {
            join(into, from, &keep, all, 1);
        }
        join(&mut self.recovery_given, later.recovery_given, &keep, all, 1);
        join(&mut self.points, later.points, &keep, all, self.form.active.len());
        join(&mut self.nps, later.nps, &keep, all, 1);
        join(&mut self.csat, later.csat, &keep, all, 1);
        join(&mut self.ces, later.ces, &keep, all, 1);
        join(&mut self.satisfaction, later.satisfaction, &keep, all, 1);
        for (into, from) in self.value.iter_mut().zip(later.value) {
            join(into, from, &keep, all, 1);
        }
        for (into, from) in self.loyalty.iter_mut().zip(later.loyalty) {
            join(into, from, &keep, all, 1);
        }
        join(&mut self.day, later.day, &keep, all, 1);
        join(&mut self.time, later.time, &keep, all, 1);
        let remap: Vec<u32> = later.segment_values.iter().map(|v| self.intern(v)).collect();
        let segment: Vec<u32> =
            later.segment.iter().map(|&s| if s == u32::MAX { s } else { remap[s as usize] }).collect();
        join(&mut self.segment, segment, &keep, all, 1);
        if let Some(mine) = &mut self.row_ids {
            mine.extend(ids.into_iter().zip(&keep).filter(|(_, &k)| k).map(|(id, _)| id));
        }
        self.rows += keep.iter().filter(|&&k| k).count();
    }

    /// Number of respondents kept.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// True when the id was seen before; records it otherwise.
    fn seen(&mut self, id: &str) -> bool {
        // Hex digits of either case name the same UUID.
        let (seen, key) = match uuid_bits(id) {
            Some(bits) => (!self.uuids.insert(bits), RowId::Uuid(bits)),
            None => (!self.other_ids.insert(id.to_string()), RowId::Text(id.into())),
        };
        if let (false, Some(ids)) = (seen, &mut self.row_ids) {
            ids.push(key);
        }
        seen
    }

    /// Adds a respondent; a repeated `id` is ignored (first one wins) and gives `false`.
    pub fn push(&mut self, id: Option<&str>, submitted_at: Option<&str>, answers: &Answers) -> bool {
        self.push_in(id, submitted_at, answers, None)
    }

    /// [`Dataset::push`] with the row's value of the segment key ([`Dataset::set_segment_key`]).
    pub fn push_in(
        &mut self,
        id: Option<&str>,
        submitted_at: Option<&str>,
        answers: &Answers,
        segment: Option<&str>,
    ) -> bool {
        match id {
            Some(id) if self.seen(id) => return false,
            Some(_) => {}
            None => {
                if let Some(ids) = &mut self.row_ids {
                    ids.push(RowId::None);
                }
            }
        }
        for &c in &self.filled {
            if let Some(item) = answers.items.get(c / 4) {
                self.answers[c].push(code(item[c % 4]));
            }
        }
        if self.has_recovery {
            self.recovery_given.push(answers.recovery.is_some());
            for (j, col) in self.recovery.iter_mut().enumerate() {
                col.push(code(answers.recovery.as_ref().and_then(|r| r.get(j).copied().flatten())));
            }
        }
        match &answers.weights {
            Some(w) if w.len() == self.form.active.len() => self.points.extend_from_slice(w),
            _ => self.points.extend(std::iter::repeat_n(f64::NAN, self.form.active.len())),
        }
        let o = &answers.outcomes;
        self.nps.push(code(o.nps));
        self.csat.push(code(o.csat));
        self.ces.push(code(o.ces));
        self.satisfaction.push(code(o.satisfaction));
        for (j, col) in self.value.iter_mut().enumerate() {
            col.push(code(o.value.and_then(|v| v[j])));
        }
        for (j, col) in self.loyalty.iter_mut().enumerate() {
            col.push(code(o.loyalty.and_then(|v| v[j])));
        }
        self.day.push(submitted_at.and_then(epoch_day).unwrap_or(i32::MIN));
        self.time.push(submitted_at.and_then(instant).unwrap_or(i64::MIN));
        let s = segment.map_or(u32::MAX, |v| self.intern(v));
        self.segment.push(s);
        self.rows += 1;
        true
    }

    /// Adds a validated payload; one for another instrument, format or dimension set is a
    /// `wrong-form` error.
    pub fn push_response(&mut self, response: &Response) -> Result<bool, Error> {
        self.push_response_in(response, None)
    }

    /// [`Dataset::push_response`] with the row's segment value (of the payload's `meta`, see
    /// [`meta_text`]).
    pub fn push_response_in(&mut self, response: &Response, segment: Option<&str>) -> Result<bool, Error> {
        let (want, got) = (&self.form, &response.form);
        if got.instrument.id != want.instrument.id {
            return Err(Error::new(
                ErrorCode::WrongForm,
                "instrument.id",
                format!("a response to '{}', not '{}'", got.instrument.id, want.instrument.id),
            ));
        }
        if got.format != want.format {
            return Err(Error::new(
                ErrorCode::WrongForm,
                "instrument.format",
                format!("a response in {} format, not {}", got.format.as_str(), want.format.as_str()),
            ));
        }
        if got.active != want.active {
            return Err(Error::new(
                ErrorCode::WrongForm,
                "instrument.dimensions",
                "a response over another dimension set",
            ));
        }
        Ok(self.push_in(Some(&response.id), Some(&response.submitted_at), &response.answers, segment))
    }

    /// The index of a segment value, added when new.
    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&i) = self.segment_index.get(value) {
            return i;
        }
        let i = self.segment_values.len() as u32;
        self.segment_values.push(value.into());
        self.segment_index.insert(value.into(), i);
        i
    }

    /// Segments rows by `meta.KEY` from now on (set it before the first row is pushed).
    pub fn set_segment_key(&mut self, key: Option<&str>) {
        self.segment_key = key.map(str::to_string);
    }

    /// The `meta` key of the segments, when set.
    pub fn segment_key(&self) -> Option<&str> {
        self.segment_key.as_deref()
    }

    /// The segment values seen, in order of first appearance.
    pub fn segment_values(&self) -> &[Box<str>] {
        &self.segment_values
    }

    /// The segment of a row: an index into [`Dataset::segment_values`], `None` when the row has
    /// no value for the key.
    pub fn segment(&self, row: usize) -> Option<usize> {
        let s = *self.segment.get(row)?;
        (s != u32::MAX).then_some(s as usize)
    }

    /// When a row was submitted, in nanoseconds since 1970-01-01T00:00:00Z.
    pub fn time(&self, row: usize) -> Option<i64> {
        let t = self.time[row];
        (t != i64::MIN).then_some(t)
    }

    /// A new dataset of the rows for which `keep(row)` holds, in order (same form, segment key
    /// and values; no id set: the rows are already unique).
    pub fn select(&self, keep: impl Fn(usize) -> bool) -> Dataset {
        let mask: Vec<bool> = (0..self.rows).map(keep).collect();
        fn pick<T: Copy>(from: &[T], mask: &[bool], width: usize) -> Vec<T> {
            if from.is_empty() {
                return Vec::new();
            }
            from.chunks(width.max(1)).zip(mask).filter(|(_, &k)| k).flat_map(|(c, _)| c.iter().copied()).collect()
        }
        let w = self.form.active.len();
        Dataset {
            form: self.form.clone(),
            rows: mask.iter().filter(|&&k| k).count(),
            answers: self.answers.iter().map(|c| pick(c, &mask, 1)).collect(),
            recovery: self.recovery.iter().map(|c| pick(c, &mask, 1)).collect(),
            recovery_given: pick(&self.recovery_given, &mask, 1),
            points: pick(&self.points, &mask, w),
            nps: pick(&self.nps, &mask, 1),
            csat: pick(&self.csat, &mask, 1),
            ces: pick(&self.ces, &mask, 1),
            satisfaction: pick(&self.satisfaction, &mask, 1),
            value: self.value.iter().map(|c| pick(c, &mask, 1)).collect(),
            loyalty: self.loyalty.iter().map(|c| pick(c, &mask, 1)).collect(),
            day: pick(&self.day, &mask, 1),
            time: pick(&self.time, &mask, 1),
            segment: pick(&self.segment, &mask, 1),
            segment_values: self.segment_values.clone(),
            segment_index: self.segment_index.clone(),
            segment_key: self.segment_key.clone(),
            uuids: HashSet::new(),
            other_ids: HashSet::new(),
            filled: self.filled.clone(),
            has_recovery: self.has_recovery,
            row_ids: None,
        }
    }

    /// The raw answer column of an item field (empty when the format lacks the field).
    pub fn column(&self, item: usize, field: Field) -> &[i16] {
        &self.answers[item * 4 + field.index()]
    }

    /// The raw answer of one row, `None` when missing.
    #[inline]
    pub fn answer(&self, row: usize, item: usize, field: Field) -> Option<i16> {
        let x = *self.answers[item * 4 + field.index()].get(row)?;
        (x != MISSING).then_some(x)
    }

    /// The raw weights of a row, `None` when it has none.
    pub fn points(&self, row: usize) -> Option<&[f64]> {
        let k = self.form.active.len();
        let w = &self.points[row * k..(row + 1) * k];
        (!w[0].is_nan()).then_some(w)
    }

    /// Whether E-RecS-QUAL was administered to a row (always false outside `e-s-qual`).
    pub fn recovery_given(&self, row: usize) -> bool {
        self.recovery_given.get(row).copied().unwrap_or(false)
    }

    /// The raw E-RecS-QUAL perception column of an item (flat `e-recs-qual` index; `MISSING`
    /// where not administered or not answered; empty outside `e-s-qual`).
    pub fn recovery_column(&self, item: usize) -> &[i16] {
        self.recovery.get(item).map_or(&[], |c| &c[..])
    }

    /// A recovery answer (flat `e-recs-qual` index).
    pub fn recovery_answer(&self, row: usize, item: usize) -> Option<i16> {
        let x = *self.recovery.get(item)?.get(row)?;
        (x != MISSING).then_some(x)
    }

    fn present(col: &[i16]) -> impl Iterator<Item = i16> + Clone + '_ {
        col.iter().copied().filter(|&x| x != MISSING)
    }

    pub fn nps(&self) -> impl Iterator<Item = i16> + Clone + '_ {
        Self::present(&self.nps)
    }
    pub fn csat(&self) -> impl Iterator<Item = i16> + Clone + '_ {
        Self::present(&self.csat)
    }
    pub fn ces(&self) -> impl Iterator<Item = i16> + Clone + '_ {
        Self::present(&self.ces)
    }

    /// Overall satisfaction of a row.
    pub fn satisfaction(&self, row: usize) -> Option<i16> {
        let x = self.satisfaction[row];
        (x != MISSING).then_some(x)
    }

    /// The day (since 1970-01-01) a row was submitted, when known.
    pub fn day(&self, row: usize) -> Option<i32> {
        let d = self.day[row];
        (d != i32::MIN).then_some(d)
    }
}
