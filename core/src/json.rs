//! The hand-written JSON readers: [`Json`] (one JSON value: a serde_json one natively, a
//! [`Tree`] taken out of a JS value in the browser), [`At`] (where it sits, the path errors
//! name) and [`Fields`] (an object's members, unknown names rejected), and `read_*` for each
//! JSON type.
//!
//! The payload, `score()` input, config and custom-instrument readers are written on these rather
//! than on serde's derives: a derive stamps out a copy of its visitor per type and per path
//! tracker, which is most of the widget's wasm, while these are one small copy each.

use crate::error::{Error, ErrorCode};
use crate::text::int;

/// Parses JSON text into a value: text that is not exactly one JSON value is `invalid-json`,
/// with serde_json's message (which ends with the line and column).
pub fn parse_json(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::new(ErrorCode::InvalidJson, "", e.to_string()))
}

/// The JSON types, as error messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
    /// A JS value JSON has no word for (a function, a `Set`, a `BigInt`, ...).
    Other,
}

impl Kind {
    /// "a string", "an object", ...
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
            Kind::Other => "a value that is not JSON",
        }
    }
}

/// Read access to one JSON value: `&serde_json::Value` natively and a `&`[`Tree`] (what a
/// [`Source`], such as the wasm crate's JS value, becomes), so the browser reads its input
/// with these same readers and no serde.
pub trait Json: Sized {
    fn kind(&self) -> Kind;
    /// The number, when the value is one.
    fn number(&self) -> Option<f64>;
    /// The boolean, when the value is one.
    fn boolean(&self) -> Option<bool>;
    /// The text, when the value is a string.
    fn string(&self) -> Option<String>;
    /// The elements, when the value is an array.
    fn elements(&self) -> Option<Vec<Self>>;
    /// The members in input order, when the value is an object (names borrowed from it).
    fn members(&self) -> Option<Vec<(&str, Self)>>;
}

/// Anything the readers of `init()` and `score()` can take: it is turned into a [`Tree`] first
/// (a `&serde_json::Value` natively; the wasm crate implements it for a JS value).
pub trait Source {
    fn tree(&self) -> Tree;
}

impl Source for &serde_json::Value {
    fn tree(&self) -> Tree {
        tree(self)
    }
}

impl Source for Tree {
    fn tree(&self) -> Tree {
        self.clone()
    }
}

impl Json for &serde_json::Value {
    fn kind(&self) -> Kind {
        use serde_json::Value;
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }
    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
    fn members(&self) -> Option<Vec<(&str, Self)>> {
        self.as_object().map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
    }
}

/// A JSON value taken out of its source in one pass (see [`tree`]): what the readers of
/// `Config::read` and `score()` walk. In the browser each member
/// of a JS value is a handle that must be released, and every early `?` of a reader released
/// the ones it held; over a tree the readers hold plain references, and object member names
/// are borrowed, not copied (~1 KB gzip of wasm less).
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
    /// A value JSON has no word for (a function, an element, a `Map`, ...), or one nested
    /// deeper than [`MAX_DEPTH`] (only a cycle gets there).
    Other,
}

/// The deepest nesting [`tree`] follows: far beyond any valid input (a custom instrument's
/// texts sit at depth 6), and a JS object that contains itself stops here.
pub const MAX_DEPTH: usize = 64;

/// The whole of `v` as a [`Tree`] (the native side of [`Source`]).
fn tree(v: &impl Json) -> Tree {
    tree_at(v, 0)
}

fn tree_at<J: Json>(v: &J, depth: usize) -> Tree {
    if depth > MAX_DEPTH {
        return Tree::Other;
    }
    match v.kind() {
        Kind::Null => Tree::Null,
        Kind::Bool => Tree::Bool(v.boolean().unwrap_or_default()),
        Kind::Number => Tree::Number(v.number().unwrap_or_default()),
        Kind::String => Tree::String(v.string().unwrap_or_default()),
        Kind::Array => Tree::Array(v.elements().unwrap_or_default().iter().map(|x| tree_at(x, depth + 1)).collect()),
        Kind::Object => Tree::Object(
            v.members().unwrap_or_default().into_iter().map(|(k, x)| (k.to_string(), tree_at(&x, depth + 1))).collect(),
        ),
        Kind::Other => Tree::Other,
    }
}

impl Json for &Tree {
    fn kind(&self) -> Kind {
        match self {
            Tree::Null => Kind::Null,
            Tree::Bool(_) => Kind::Bool,
            Tree::Number(_) => Kind::Number,
            Tree::String(_) => Kind::String,
            Tree::Array(_) => Kind::Array,
            Tree::Object(_) => Kind::Object,
            Tree::Other => Kind::Other,
        }
    }
    fn number(&self) -> Option<f64> {
        match self {
            Tree::Number(x) => Some(*x),
            _ => None,
        }
    }
    fn boolean(&self) -> Option<bool> {
        match self {
            Tree::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn string(&self) -> Option<String> {
        match self {
            Tree::String(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn elements(&self) -> Option<Vec<Self>> {
        match self {
            Tree::Array(a) => Some(a.iter().collect()),
            _ => None,
        }
    }
    fn members(&self) -> Option<Vec<(&str, Self)>> {
        match self {
            Tree::Object(m) => Some(m.iter().map(|(k, v)| (k.as_str(), v)).collect()),
            _ => None,
        }
    }
}

/// Where a value sits in the input: a chain of keys and indices from the root, written out
/// (`answers.EFF1.p`, `dimensions[2].items[0].code`) only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    up: Option<&'a At<'a>>,
    step: Step<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    /// The whole input (path `""`).
    pub const ROOT: At<'static> = At { up: None, step: Step::Root };

    /// The member `name` of this object.
    pub fn key(&'a self, name: &'a str) -> At<'a> {
        At { up: Some(self), step: Step::Key(name) }
    }

    /// The element `i` of this array.
    pub fn index(&'a self, i: usize) -> At<'a> {
        At { up: Some(self), step: Step::Index(i) }
    }

    /// The path as errors name it.
    #[inline(never)]
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        if let Some(up) = self.up {
            up.write(out);
        }
        match self.step {
            Step::Root => {}
            Step::Key(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&int(i as i64));
                out.push(']');
            }
        }
    }

    /// An error at this path.
    #[inline(never)]
    pub fn error(&self, code: ErrorCode, message: impl Into<String>) -> Error {
        Error::new(code, self.path(), message)
    }

    /// An `invalid-type` error: `what` was expected, `value` was found.
    #[inline(never)]
    pub fn expected(&self, what: &str, value: &impl Json) -> Error {
        self.error(ErrorCode::InvalidType, cat!("expected ", what, ", found ", value.kind().name()))
    }
}

/// `head` followed by `items` separated by `, ` (a plain loop: `join` is a kilobyte of wasm).
pub fn list<'a>(head: &str, items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from(head);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

/// A JSON string.
#[inline(never)]
pub fn read_string(v: &impl Json, at: &At) -> Result<String, Error> {
    v.string().ok_or_else(|| at.expected("a string", v))
}

/// A JSON number (any: range checks are the caller's).
#[inline(never)]
pub fn read_number(v: &impl Json, at: &At) -> Result<f64, Error> {
    v.number().ok_or_else(|| at.expected("a number", v))
}

/// A JSON boolean.
#[inline(never)]
pub fn read_bool(v: &impl Json, at: &At) -> Result<bool, Error> {
    v.boolean().ok_or_else(|| at.expected("true or false", v))
}

/// A whole number within -32768..=32767: a fraction is `invalid-type`, a larger number
/// `out-of-range`.
#[inline(never)]
pub fn read_i16(v: &impl Json, at: &At) -> Result<i16, Error> {
    let x = read_number(v, at)?;
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(at.error(ErrorCode::InvalidType, "expected a whole number, found a number with a fraction"));
    }
    if x < f64::from(i16::MIN) || x > f64::from(i16::MAX) {
        return Err(at.error(ErrorCode::OutOfRange, "expected a whole number within -32768..32767"));
    }
    Ok(x as i16)
}

/// The elements of a JSON array.
#[inline(never)]
pub fn read_array<J: Json>(v: &J, at: &At) -> Result<Vec<J>, Error> {
    v.elements().ok_or_else(|| at.expected("an array", v))
}

/// The members of a JSON object, in input order.
#[inline(never)]
pub fn read_object<'v, J: Json>(v: &'v J, at: &At) -> Result<Vec<(&'v str, J)>, Error> {
    v.members().ok_or_else(|| at.expected("an object", v))
}

/// An object of strings (`{"en": "...", "zh-CN": "..."}`), each member read at its path.
pub fn read_strings<J: Json>(v: &J, at: &At) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for (k, v) in read_object(v, at)? {
        let text = read_string(&v, &at.key(k))?;
        out.push((k.to_string(), text));
    }
    Ok(out)
}

/// An optional member: absent or `null` is `None`, anything else is read by `read`.
pub fn optional<J: Json, T>(v: Option<J>, read: impl FnOnce(&J) -> Result<T, Error>) -> Result<Option<T>, Error> {
    match v {
        Some(v) if v.kind() != Kind::Null => read(&v).map(Some),
        _ => Ok(None),
    }
}

/// The members of an object whose names are all known, taken out by name; the first unknown
/// name is an `unknown-field` error at its path.
pub struct Fields<'a, J> {
    members: Vec<(&'a str, Option<J>)>,
    at: &'a At<'a>,
}

impl<'a, J: Json> Fields<'a, J> {
    /// Reads an object that may only have members named in `known`.
    pub fn of(v: &'a J, at: &'a At<'a>, known: &[&str]) -> Result<Self, Error> {
        let fields = Fields::any(v, at)?;
        if let Some((name, _)) = fields.members.iter().find(|(name, _)| !known.contains(name)) {
            let message = list("unknown field; expected one of: ", known.iter().copied());
            return Err(at.key(name).error(ErrorCode::UnknownField, message));
        }
        Ok(fields)
    }

    /// Reads an object whose other members are ignored.
    pub fn any(v: &'a J, at: &'a At<'a>) -> Result<Self, Error> {
        let mut members = Vec::new();
        for (k, v) in read_object(v, at)? {
            members.push((k, Some(v)));
        }
        Ok(Fields { members, at })
    }

    /// The member `name` if present (possibly `null`).
    #[inline(never)]
    pub fn take(&mut self, name: &str) -> Option<J> {
        self.members.iter_mut().find(|(k, _)| *k == name).and_then(|(_, v)| v.take())
    }

    /// The member `name`, which must be present (`null` is left to its reader to refuse).
    #[inline(never)]
    pub fn need(&mut self, name: &str) -> Result<J, Error> {
        self.take(name).ok_or_else(|| self.missing(name))
    }

    /// The optional member `name` read by `read` at its path: absent or `null` is `None`.
    /// A plain `fn`, not a closure: one copy per value type, however many members use it.
    #[inline(never)]
    pub fn opt<T>(&mut self, name: &str, read: fn(&J, &At) -> Result<T, Error>) -> Result<Option<T>, Error> {
        let at = self.at.key(name);
        optional(self.take(name), |v| read(v, &at))
    }

    /// The optional string member `name`.
    pub fn opt_string(&mut self, name: &str) -> Result<Option<String>, Error> {
        self.opt(name, read_string)
    }

    /// The optional number member `name`.
    pub fn opt_number(&mut self, name: &str) -> Result<Option<f64>, Error> {
        self.opt(name, read_number)
    }

    /// The optional boolean member `name`.
    pub fn opt_bool(&mut self, name: &str) -> Result<Option<bool>, Error> {
        self.opt(name, read_bool)
    }

    /// The `missing-field` error of member `name`.
    #[inline(never)]
    pub fn missing(&self, name: &str) -> Error {
        self.at.key(name).error(ErrorCode::MissingField, "missing field")
    }
}
