//! Instruments (built-in and custom), answer formats and scales, and the `Form`: an instrument
//! as administered (format + the deployment's dimension set D).

use crate::error::{from_value, Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The answer format: which fields each item has (INTERFACES.md "Formats").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// An inclusive integer scale [min, max].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: i16,
    pub max: i16,
}

impl Scale {
    pub const fn new(min: i16, max: i16) -> Scale {
        Scale { min, max }
    }

    /// The scale of every zone-format item, whatever the instrument (SCORING.md §1.1).
    pub const ZONE: Scale = Scale::new(1, 9);

    pub fn contains(self, x: i16) -> bool {
        self.min <= x && x <= self.max
    }

    pub fn midpoint(self) -> f64 {
        (f64::from(self.min) + f64::from(self.max)) / 2.0
    }
}

/// Text in several locales (`{"en": "...", "zh-CN": "..."}`), for custom instruments.
pub type LocalText = BTreeMap<String, String>;

/// One questionnaire item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub code: String,
    /// Reverse-keyed: p and e become min + max - x before any other step.
    pub reverse: bool,
    /// Wording of a custom item; built-in items take theirs from [`crate::text`].
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub text: LocalText,
}

/// A dimension: a code and its items in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub code: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
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

/// (dimension code, item count) of each built-in instrument, in instrument order.
fn builtin_shape(id: &str) -> Option<(&'static [(&'static str, usize)], Scale, Format)> {
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
                    .map(|i| Item { code: format!("{code}{i}"), reverse: false, text: LocalText::new() })
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
        let spec: CustomSpec = crate::error::from_str(text)?;
        spec.build()
    }

    /// Loads a custom instrument from a parsed JSON value.
    pub fn from_json_value(value: serde_json::Value) -> Result<Instrument, Error> {
        let spec: CustomSpec = from_value(value)?;
        spec.build()
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

/// The JSON format of a custom instrument (documented by `schema/instrument.schema.json`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomSpec {
    id: String,
    version: String,
    scale: Scale,
    #[serde(default)]
    format: Option<Format>,
    #[serde(default)]
    name: LocalText,
    dimensions: Vec<CustomDimension>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomDimension {
    code: String,
    #[serde(default)]
    name: LocalText,
    items: Vec<CustomItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomItem {
    code: String,
    #[serde(default)]
    text: LocalText,
    #[serde(default)]
    reverse: bool,
}

/// Codes are upper-case ASCII letters, digits and `_`, starting with a letter: they become
/// CSV headers and payload keys, so no dots, spaces or lower-case clashes with `nps` etc.
fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && code.len() <= 32
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Instrument ids: lower-case letters, digits and `-`, 1 to 64 characters.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
}

impl CustomSpec {
    fn build(self) -> Result<Instrument, Error> {
        let bad = |field: String, message: String| Error::new(ErrorCode::InvalidInstrument, field, message);
        if !valid_id(&self.id) {
            return Err(bad("id".into(), "an instrument id is 1-64 characters of a-z, 0-9 and '-'".into()));
        }
        if BUILTIN_IDS.contains(&self.id.as_str()) {
            return Err(bad("id".into(), format!("'{}' is a built-in instrument id", self.id)));
        }
        if self.version.is_empty() || self.version.len() > 32 {
            return Err(bad("version".into(), "the version is 1-32 characters".into()));
        }
        let Scale { min, max } = self.scale;
        if min >= max {
            return Err(bad("scale.max".into(), format!("scale.max ({max}) must be above scale.min ({min})")));
        }
        if min < -100 || max > 100 {
            return Err(bad("scale".into(), "scale bounds must lie within -100..100".into()));
        }
        if self.format == Some(Format::Zone) && self.dimensions.iter().any(|d| d.items.iter().any(|i| i.reverse)) {
            // Reversing a zone item would swap its minimum and desired levels.
            return Err(bad("format".into(), "zone format cannot have reverse-keyed items".into()));
        }
        if self.dimensions.is_empty() {
            return Err(bad("dimensions".into(), "an instrument needs at least one dimension".into()));
        }
        let mut dim_codes = HashSet::new();
        let mut item_codes = HashSet::new();
        let mut dimensions = Vec::with_capacity(self.dimensions.len());
        for (di, d) in self.dimensions.into_iter().enumerate() {
            let here = format!("dimensions[{di}]");
            if !valid_code(&d.code) {
                return Err(bad(format!("{here}.code"), format!("'{}' is not a code: use A-Z, 0-9 and _, starting with a letter", d.code)));
            }
            if !dim_codes.insert(d.code.clone()) {
                return Err(bad(format!("{here}.code"), format!("dimension code '{}' appears twice", d.code)));
            }
            if d.items.is_empty() {
                return Err(bad(format!("{here}.items"), "a dimension needs at least one item".into()));
            }
            let mut items = Vec::with_capacity(d.items.len());
            for (ii, it) in d.items.into_iter().enumerate() {
                let at = format!("{here}.items[{ii}]");
                if !valid_code(&it.code) {
                    return Err(bad(format!("{at}.code"), format!("'{}' is not a code: use A-Z, 0-9 and _, starting with a letter", it.code)));
                }
                if !item_codes.insert(it.code.clone()) {
                    return Err(bad(format!("{at}.code"), format!("item code '{}' appears twice", it.code)));
                }
                if let Some((loc, _)) = it.text.iter().find(|(_, t)| t.trim().is_empty()) {
                    return Err(bad(format!("{at}.text.{loc}"), "item text is empty".into()));
                }
                items.push(Item { code: it.code, reverse: it.reverse, text: it.text });
            }
            dimensions.push(Dimension { code: d.code, name: d.name, items });
        }
        if dim_codes.iter().any(|c| item_codes.contains(c)) {
            return Err(bad("dimensions".into(), "a dimension and an item share a code".into()));
        }
        let _ = self.name;
        Ok(Instrument {
            id: self.id,
            version: self.version,
            scale: self.scale,
            default_format: self.format.unwrap_or(Format::Perception),
            dimensions,
            builtin: false,
        })
    }
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
        let instruments = BUILTIN_IDS
            .iter()
            .filter_map(|id| Instrument::builtin(id))
            .map(Arc::new)
            .collect();
        Registry { instruments }
    }

    /// Adds a custom instrument; a second one with the same id is an error.
    pub fn add(&mut self, instrument: Instrument) -> Result<(), Error> {
        if self.get(&instrument.id).is_some() {
            return Err(Error::new(
                ErrorCode::InvalidInstrument,
                "id",
                format!("instrument '{}' is already known", instrument.id),
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
            let known: Vec<&str> = self.instruments.iter().map(|i| i.id.as_str()).collect();
            Error::new(
                ErrorCode::UnknownInstrument,
                field,
                format!("unknown instrument '{id}' (known: {})", known.join(", ")),
            )
        })
    }
}

/// An instrument as administered: the format and the dimension set D (SCORING.md §1.1).
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
                    return Err(Error::new(ErrorCode::UnknownDimension, format!("{field}[{i}]"), format!("dimension '{code}' is listed twice")))
                }
                Some(d) => active.push(d),
                None => {
                    return Err(Error::new(
                        ErrorCode::UnknownDimension,
                        format!("{field}[{i}]"),
                        format!("instrument '{}' has no dimension '{code}'", instrument.id),
                    ))
                }
            }
        }
        if active.is_empty() {
            return Err(Error::new(ErrorCode::UnknownDimension, field, "the dimension set is empty"));
        }
        active.sort_unstable();
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
