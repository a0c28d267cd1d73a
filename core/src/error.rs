//! The one error type of the core: a stable machine code, the path of the offending field, and a
//! message for people.

use serde::Serialize;
use std::fmt;

/// Stable error codes. The kebab-case names are part of the public contract (JS `code`,
/// collector `error.code`); add new ones, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// Text that is not JSON at all.
    InvalidJson,
    /// A value of the wrong JSON type (a string where a number belongs, ...).
    InvalidType,
    /// A required field is absent.
    MissingField,
    /// A field the schema does not know.
    UnknownField,
    /// A value outside its allowed range or set (an answer of 0 on a 1-5 scale, an NPS of 11).
    OutOfRange,
    /// A number that must be an integer has a fraction (3.5).
    NotInteger,
    /// An instrument id that is neither built in nor loaded.
    UnknownInstrument,
    /// An item code the instrument does not have.
    UnknownItem,
    /// A dimension code the instrument does not have.
    UnknownDimension,
    /// A format name other than perception, gap, zone, or a field the format does not use.
    InvalidFormat,
    /// A payload whose `scale` differs from the one fixed by instrument and format.
    WrongScale,
    /// The `schema` field is not `eservqual.response/1`.
    UnsupportedSchema,
    /// The `id` is not a UUID.
    InvalidId,
    /// A time that is not RFC 3339.
    InvalidTime,
    /// Importance weights that do not cover exactly the dimension set, are negative or sum to 0.
    InvalidWeights,
    /// A custom instrument that breaks a rule (duplicate code, bad scale, ...).
    InvalidInstrument,
    /// A response for another instrument, format or dimension set than the one being read.
    WrongForm,
    /// An input with no responses at all.
    Empty,
}

impl ErrorCode {
    /// The stable kebab-case name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid-json",
            ErrorCode::InvalidType => "invalid-type",
            ErrorCode::MissingField => "missing-field",
            ErrorCode::UnknownField => "unknown-field",
            ErrorCode::OutOfRange => "out-of-range",
            ErrorCode::NotInteger => "not-integer",
            ErrorCode::UnknownInstrument => "unknown-instrument",
            ErrorCode::UnknownItem => "unknown-item",
            ErrorCode::UnknownDimension => "unknown-dimension",
            ErrorCode::InvalidFormat => "invalid-format",
            ErrorCode::WrongScale => "wrong-scale",
            ErrorCode::UnsupportedSchema => "unsupported-schema",
            ErrorCode::InvalidId => "invalid-id",
            ErrorCode::InvalidTime => "invalid-time",
            ErrorCode::InvalidWeights => "invalid-weights",
            ErrorCode::InvalidInstrument => "invalid-instrument",
            ErrorCode::WrongForm => "wrong-form",
            ErrorCode::Empty => "empty",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected input: what is wrong (`code`), where (`field`, a JSON path such as
/// `answers.EFF1.p` or `dimensions[2].items[0].code`; empty for the whole input) and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    pub code: ErrorCode,
    pub field: String,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error { code, field: field.into(), message: message.into() }
    }

    /// The same error with `prefix` put in front of its field path (`answers` + `EFF1.p`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = join_path(prefix, &self.field);
        self
    }

    /// Maps a serde error met at `path` to an error value with a code.
    pub fn from_serde(path: &str, err: &dyn fmt::Display) -> Self {
        let text = err.to_string();
        let code = if text.starts_with("missing field") {
            ErrorCode::MissingField
        } else if text.starts_with("unknown field") {
            ErrorCode::UnknownField
        } else if text.starts_with("unknown variant") || text.starts_with("invalid value") {
            ErrorCode::OutOfRange
        } else if text.contains("invalid type") {
            ErrorCode::InvalidType
        } else {
            ErrorCode::InvalidJson
        };
        // serde names a missing or unknown field in the message, not in the path: move it there
        // (the path of an unknown field may already end with its name).
        // An unknown format name is a format error, not just any value out of range.
        let code = if code == ErrorCode::OutOfRange && (path == "format" || path.ends_with(".format")) {
            ErrorCode::InvalidFormat
        } else {
            code
        };
        let field = match code {
            ErrorCode::MissingField | ErrorCode::UnknownField => {
                match text.split('`').nth(1) {
                    Some(name) if code == ErrorCode::UnknownField && (path == name || path.ends_with(&format!(".{name}"))) => {
                        path.to_string()
                    }
                    Some(name) => join_path(path, name),
                    None => path.to_string(),
                }
            }
            _ => path.to_string(),
        };
        let message = match text.find(" at line ") {
            Some(cut) => text[..cut].to_string(),
            None => text,
        };
        Error { code, field, message }
    }
}

/// Joins two parts of a JSON path: `a` + `b` = `a.b`, `a` + `[0].b` = `a[0].b`.
pub fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => prefix.to_string(),
        _ if rest.starts_with('[') => format!("{prefix}{rest}"),
        _ => format!("{prefix}.{rest}"),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{} ({})", self.message, self.code)
        } else {
            write!(f, "{}: {} ({})", self.field, self.message, self.code)
        }
    }
}

impl std::error::Error for Error {}

/// Deserializes `T` from a JSON value, turning a serde error into an [`Error`] with its path.
pub fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Error::from_serde(&path, e.inner())
    })
}

/// Parses JSON text into `T`, with the same error mapping as [`from_value`].
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        if e.inner().is_syntax() || e.inner().is_eof() {
            Error::new(ErrorCode::InvalidJson, path, e.inner().to_string())
        } else {
            Error::from_serde(&path, e.inner())
        }
    })?;
    // Only whitespace may follow the value (as with `serde_json::from_str`).
    de.end().map_err(|e| Error::new(ErrorCode::InvalidJson, "", e.to_string()))?;
    Ok(value)
}
