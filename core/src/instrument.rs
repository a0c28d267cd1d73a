//! Instruments (built-in and custom), answer formats and scales, and the `Form`: an instrument
//! as administered (format + the deployment's dimension set D).

use crate::error::{Error, ErrorCode};
use crate::json::{list, read_array, read_bool, read_i16, read_string, read_strings, At, Fields, Json};
use crate::keyed::Keyed;
use crate::text::int;
use serde::Serialize;
use std::sync::Arc;

/// The answer format: which fields each item has (docs/interfaces.md "Formats"); read from JSON by
/// [`Format::read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `p` only (SERVPERF / E-S-QUAL).
    Perception,
    /// `p` and `e`; gap = p - e (SERVQUAL).
    Gap,
    /// `p`, `min`, `des` (zone of tolerance).
    Zone,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Perception => "perception",
            Format::Gap => "gap",
            Format::Zone => "zone",
        }
    }

    /// Parses `perception`, `gap` or `zone`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "perception" => Some(Format::Perception),
            "gap" => Some(Format::Gap),
            "zone" => Some(Format::Zone),
            _ => None,
        }
    }

    /// Reads a format name at `at`: not a string is `invalid-type`, another name `invalid-format`.
    pub fn read(v: &impl Json, at: &At) -> Result<Format, Error> {
        let name = read_string(v, at)?;
        Format::parse(&name).ok_or_else(|| {
            at.error(ErrorCode::InvalidFormat, cat!("unknown format '", name, "'; expected perception, gap or zone"))
        })
    }

    /// The answer fields an item has in this format, in a fixed order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Format::Perception => &[Field::P],
            Format::Gap => &[Field::P, Field::E],
            Format::Zone => &[Field::P, Field::Min, Field::Des],
        }
    }
}

/// One answer field of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    P,
    E,
    Min,
    Des,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::P, Field::E, Field::Min, Field::Des];

    /// The field's name in payloads and CSV headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::P => "p",
            Field::E => "e",
            Field::Min => "min",
            Field::Des => "des",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Index 0..4 for column arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An inclusive integer scale [min, max]; read from JSON by [`Scale::read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub min: i16,
    pub max: i16,
}

impl Scale {
    pub const fn new(min: i16, max: i16) -> Scale {
        Scale { min, max }
    }

    /// The scale of every zone-format item, whatever the instrument (docs/scoring.md §1.1).
    pub const ZONE: Scale = Scale::new(1, 9);

    pub fn contains(self, x: i16) -> bool {
        self.min <= x && x <= self.max
    }

    pub fn midpoint(self) -> f64 {
        (f64::from(self.min) + f64::from(self.max)) / 2.0
    }

    /// Reads `{"min": int, "max": int}` at `at` (no other members).
    pub fn read(v: &impl Json, at: &At) -> Result<Scale, Error> {
        let mut f = Fields::of(v, at, &["min", "max"])?;
        let min = read_i16(&f.need("min")?, &at.key("min"))?;
        let max = read_i16(&f.need("max")?, &at.key("max"))?;
        Ok(Scale { min, max })
    }
}

/// Text in several locales (`{"en": "...", "zh-CN": "..."}`), for custom instruments, in input
/// order. A [`Keyed`] rather than a `BTreeMap`: a handful of locales, and a B-tree's code is
/// some kilobytes of the wasm.
pub type LocalText = Keyed<String>;

/// One questionnaire item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub code: String,
    /// Reverse-keyed: p and e become min + max - x before any other step.
    pub reverse: bool,
    /// Wording of a custom item; built-in items take theirs from [`crate::text`].
    #[serde(skip_serializing_if = "Keyed::is_empty")]
    pub text: LocalText,
}

/// A dimension: a code and its items in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub code: String,
    #[serde(skip_serializing_if = "Keyed::is_empty")]
    pub name: LocalText,
    pub items: Vec<Item>,
}

/// An instrument: dimensions of items, a scale for perceptions and expectations, a default
/// format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub scale: Scale,
    pub default_format: Format,
    pub dimensions: Vec<Dimension>,
    /// True for `e-s-qual`, `e-recs-qual` and `servqual`.
    pub builtin: bool,
}

/// The ids of the built-in instruments.
pub const BUILTIN_IDS: [&str; 3] = ["e-s-qual", "e-recs-qual", "servqual"];

/// (dimension code, item count) of each dimension of a built-in instrument, in order.
type Shape = &'static [(&'static str, usize)];

/// The shape, scale and default format of each built-in instrument.
fn builtin_shape(id: &str) -> Option<(Shape, Scale, Format)> {
    const ESQUAL: &[(&str, usize)] = &[("EFF", 8), ("SYS", 4), ("FUL", 7), ("PRI", 3)];
    const ERECSQUAL: &[(&str, usize)] = &[("RES", 5), ("COM", 3), ("CON", 3)];
    const SERVQUAL: &[(&str, usize)] = &[("TAN", 4), ("REL", 5), ("RSP", 4), ("ASR", 4), ("EMP", 5)];
    match id {
        "e-s-qual" => Some((ESQUAL, Scale::new(1, 5), Format::Perception)),
        "e-recs-qual" => Some((ERECSQUAL, Scale::new(1, 5), Format::Perception)),
        "servqual" => Some((SERVQUAL, Scale::new(1, 7), Format::Gap)),
        _ => None,
    }
}

impl Instrument {
    /// A built-in instrument by id, version "1".
    pub fn builtin(id: &str) -> Option<Instrument> {
        let (shape, scale, default_format) = builtin_shape(id)?;
        let dimensions = shape
            .iter()
            .map(|&(code, k)| Dimension {
                code: code.to_string(),
                name: LocalText::new(),
                items: (1..=k)
                    .map(|i| Item { code: cat!(code, int(i as i64)), reverse: false, text: LocalText::new() })
                    .collect(),
            })
            .collect();
        Some(Instrument {
            id: id.to_string(),
            version: "1".to_string(),
            scale,
            default_format,
            dimensions,
            builtin: true,
        })
    }

    /// Loads a custom instrument from JSON text; errors name the JSON path of the fault.
    pub fn from_json(text: &str) -> Result<Instrument, Error> {
        Instrument::read(&&crate::json::parse_json(text)?, &At::ROOT)
    }

    /// Loads a custom instrument from a parsed JSON value.
    pub fn from_json_value(value: serde_json::Value) -> Result<Instrument, Error> {
        Instrument::read(&&value, &At::ROOT)
    }

    /// Loads a custom instrument from the JSON value `v` found at `at` (errors carry the path).
    pub fn read(v: &impl Json, at: &At) -> Result<Instrument, Error> {
        read_custom(v, at)
    }

    /// All items in instrument order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.dimensions.iter().flat_map(|d| d.items.iter())
    }

    /// Number of items.
    pub fn item_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.items.len()).sum()
    }

    /// The flat index (instrument order) of an item code.
    pub fn item_index(&self, code: &str) -> Option<usize> {
        self.items().position(|i| i.code == code)
    }

    /// The index of a dimension code.
    pub fn dimension_index(&self, code: &str) -> Option<usize> {
        self.dimensions.iter().position(|d| d.code == code)
    }

    /// The scale of item answers in a format: zone is always 1-9.
    pub fn scale_for(&self, format: Format) -> Scale {
        match format {
            Format::Zone => Scale::ZONE,
            _ => self.scale,
        }
    }
}

/// An optional object of texts by locale; absent is empty, `null` is not text.
fn local_text<J: Json>(v: Option<J>, at: &At) -> Result<LocalText, Error> {
    match v {
        Some(v) => Ok(Keyed(read_strings(&v, at)?)),
        None => Ok(LocalText::new()),
    }
}

/// Codes are upper-case ASCII letters, digits and `_`, starting with a letter: they become
/// CSV headers and payload keys, so no dots, spaces or lower-case clashes with `nps` etc.
fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    matches!(b.first(), Some(b'A'..=b'Z'))
        && b.len() <= 32
        && b.iter().all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// Instrument ids: lower-case letters, digits and `-`, 1 to 64 characters.
fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0] != b'-'
        && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// Reads a custom instrument (the JSON format of `schema/instrument.schema.json`) at `at` and
/// checks its rules in the same pass; every error names its path.
fn read_custom<J: Json>(v: &J, at: &At) -> Result<Instrument, Error> {
    let bad = |at: &At, message: String| Err(at.error(ErrorCode::InvalidInstrument, message));
    let mut f = Fields::of(v, at, &["id", "version", "scale", "format", "name", "dimensions"])?;
    let id_at = at.key("id");
    let id = read_string(&f.need("id")?, &id_at)?;
    if !valid_id(&id) {
        return bad(&id_at, "an instrument id is 1-64 characters of a-z, 0-9 and '-'".into());
    }
    if BUILTIN_IDS.contains(&id.as_str()) {
        return bad(&id_at, cat!("'", id, "' is a built-in instrument id"));
    }
    let version_at = at.key("version");
    let version = read_string(&f.need("version")?, &version_at)?;
    if version.is_empty() || version.len() > 32 {
        return bad(&version_at, "the version is 1-32 characters".into());
    }
    let scale_at = at.key("scale");
    let scale = Scale::read(&f.need("scale")?, &scale_at)?;
    let Scale { min, max } = scale;
    if min >= max {
        return bad(
            &scale_at.key("max"),
            cat!("scale.max (", int(max.into()), ") must be above scale.min (", int(min.into()), ")"),
        );
    }
    if min < -100 || max > 100 {
        return bad(&scale_at, "scale bounds must lie within -100..100".into());
    }
    let format_at = at.key("format");
    let format = f.opt("format", Format::read)?;
    // The instrument's own name is documentation only; its type is still checked.
    local_text(f.take("name"), &at.key("name"))?;

    let dims_at = at.key("dimensions");
    let dims = read_array(&f.need("dimensions")?, &dims_at)?;
    if dims.is_empty() {
        return bad(&dims_at, "an instrument needs at least one dimension".into());
    }
    // Instruments are tens of items: a linear search for repeats is plenty (and no hashing).
    let mut dimensions: Vec<Dimension> = Vec::with_capacity(dims.len());
    let mut item_codes: Vec<String> = Vec::new();
    let mut reversed = false;
    for (di, d) in dims.iter().enumerate() {
        let here = dims_at.index(di);
        let mut f = Fields::of(d, &here, &["code", "name", "items"])?;
        let code_at = here.key("code");
        let code = read_string(&f.need("code")?, &code_at)?;
        if !valid_code(&code) {
            return bad(&code_at, cat!("'", code, "' is not a code: use A-Z, 0-9 and _, starting with a letter"));
        }
        if dimensions.iter().any(|x| x.code == code) {
            return bad(&code_at, cat!("dimension code '", code, "' appears twice"));
        }
        let name = local_text(f.take("name"), &here.key("name"))?;
        let items_at = here.key("items");
        let raw_items = read_array(&f.need("items")?, &items_at)?;
        if raw_items.is_empty() {
            return bad(&items_at, "a dimension needs at least one item".into());
        }
        let mut items = Vec::with_capacity(raw_items.len());
        for (ii, it) in raw_items.iter().enumerate() {
            let at = items_at.index(ii);
            let mut f = Fields::of(it, &at, &["code", "text", "reverse"])?;
            let code_at = at.key("code");
            let code = read_string(&f.need("code")?, &code_at)?;
            if !valid_code(&code) {
                return bad(&code_at, cat!("'", code, "' is not a code: use A-Z, 0-9 and _, starting with a letter"));
            }
            if item_codes.contains(&code) {
                return bad(&code_at, cat!("item code '", code, "' appears twice"));
            }
            item_codes.push(code.clone());
            let text_at = at.key("text");
            let text = local_text(f.take("text"), &text_at)?;
            if let Some((locale, _)) = text.iter().find(|(_, t)| t.trim().is_empty()) {
                return bad(&text_at.key(locale), "item text is empty".into());
            }
            let reverse = match f.take("reverse") {
                Some(v) => read_bool(&v, &at.key("reverse"))?,
                None => false,
            };
            reversed |= reverse;
            items.push(Item { code, reverse, text });
        }
        dimensions.push(Dimension { code, name, items });
    }
    if format == Some(Format::Zone) && reversed {
        // Reversing a zone item would swap its minimum and desired levels.
        return bad(&format_at, "zone format cannot have reverse-keyed items".into());
    }
    if dimensions.iter().any(|d| item_codes.contains(&d.code)) {
        return bad(&dims_at, "a dimension and an item share a code".into());
    }
    Ok(Instrument {
        id,
        version,
        scale,
        default_format: format.unwrap_or(Format::Perception),
        dimensions,
        builtin: false,
    })
}

/// The instruments a process knows: the built-ins and any custom ones it loaded.
#[derive(Debug, Clone)]
pub struct Registry {
    instruments: Vec<Arc<Instrument>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

impl Registry {
    /// The three built-in instruments.
    pub fn builtin() -> Registry {
        let instruments = BUILTIN_IDS.iter().filter_map(|id| Instrument::builtin(id)).map(Arc::new).collect();
        Registry { instruments }
    }

    /// Adds a custom instrument; a second one with the same id is an error.
    pub fn add(&mut self, instrument: Instrument) -> Result<(), Error> {
        if self.get(&instrument.id).is_some() {
            return Err(Error::new(
                ErrorCode::InvalidInstrument,
                "id",
                cat!("instrument '", instrument.id, "' is already known"),
            ));
        }
        self.instruments.push(Arc::new(instrument));
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<Arc<Instrument>> {
        self.instruments.iter().find(|i| i.id == id).cloned()
    }

    /// Like [`Registry::get`], with an `unknown-instrument` error naming `field`.
    pub fn require(&self, id: &str, field: &str) -> Result<Arc<Instrument>, Error> {
        self.get(id).ok_or_else(|| {
            let mut message =
                list(&cat!("unknown instrument '", id, "' (known: "), self.instruments.iter().map(|i| i.id.as_str()));
            message.push(')');
            Error::new(ErrorCode::UnknownInstrument, field, message)
        })
    }
}

/// An instrument as administered: the format and the dimension set D (docs/scoring.md §1.1).
#[derive(Debug, Clone)]
pub struct Form {
    pub instrument: Arc<Instrument>,
    pub format: Format,
    /// Indices into `instrument.dimensions` of the dimensions in D, in instrument order.
    pub active: Vec<usize>,
    /// Flat index of the first item of each instrument dimension (length = dimensions + 1).
    offsets: Vec<usize>,
}

impl Form {
    /// A form over every dimension of the instrument.
    pub fn new(instrument: Arc<Instrument>, format: Format) -> Form {
        let all: Vec<usize> = (0..instrument.dimensions.len()).collect();
        Form::build(instrument, format, all)
    }

    /// A form over the named dimensions only (kept in instrument order); an unknown code is an
    /// error naming `field`.
    pub fn with_dimensions(
        instrument: Arc<Instrument>,
        format: Format,
        codes: &[String],
        field: &str,
    ) -> Result<Form, Error> {
        let mut active = Vec::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            match instrument.dimension_index(code) {
                Some(d) if active.contains(&d) => {
                    return Err(Error::new(
                        ErrorCode::UnknownDimension,
                        cat!(field, "[", int(i as i64), "]"),
                        cat!("dimension '", code, "' is listed twice"),
                    ))
                }
                Some(d) => active.push(d),
                None => {
                    return Err(Error::new(
                        ErrorCode::UnknownDimension,
                        cat!(field, "[", int(i as i64), "]"),
                        cat!("instrument '", instrument.id, "' has no dimension '", code, "'"),
                    ))
                }
            }
        }
        if active.is_empty() {
            return Err(Error::new(ErrorCode::UnknownDimension, field, "the dimension set is empty"));
        }
        // Instrument order, by filtering rather than sorting (no sort code in the wasm).
        let active = (0..instrument.dimensions.len()).filter(|d| active.contains(d)).collect();
        Ok(Form::build(instrument, format, active))
    }

    fn build(instrument: Arc<Instrument>, format: Format, active: Vec<usize>) -> Form {
        let mut offsets = Vec::with_capacity(instrument.dimensions.len() + 1);
        let mut at = 0;
        for d in &instrument.dimensions {
            offsets.push(at);
            at += d.items.len();
        }
        offsets.push(at);
        Form { instrument, format, active, offsets }
    }

    /// The scale of item answers.
    pub fn scale(&self) -> Scale {
        self.instrument.scale_for(self.format)
    }

    /// The dimensions in D, in instrument order.
    pub fn dimensions(&self) -> impl Iterator<Item = &Dimension> {
        self.active.iter().map(|&d| &self.instrument.dimensions[d])
    }

    /// Flat item indices (instrument order) of instrument dimension `d`.
    pub fn item_range(&self, d: usize) -> std::ops::Range<usize> {
        self.offsets[d]..self.offsets[d + 1]
    }

    /// True when every dimension of the instrument is in D.
    pub fn all_dimensions(&self) -> bool {
        self.active.len() == self.instrument.dimensions.len()
    }

    /// Whether the item at flat index `i` belongs to a dimension in D.
    pub fn item_active(&self, i: usize) -> bool {
        self.active.iter().any(|&d| self.item_range(d).contains(&i))
    }
}
