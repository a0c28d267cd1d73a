//! The one error type of the core: a stable machine code, the JSON path of the offending field
//! and a message for people.

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
///
/// One pointer wide ([`ErrorInner`] behind a `Box`, reached through `Deref`): every reader
/// returns a `Result<_, Error>` by value, and an inline code plus two `String`s made each of
/// those results a large copy; boxed, a `Result<String, Error>` is no larger than a `String`
/// (~2 KB gzip of wasm less).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Error(Box<ErrorInner>);

/// The members of an [`Error`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInner {
    pub code: ErrorCode,
    pub field: String,
    pub message: String,
}

impl std::ops::Deref for Error {
    type Target = ErrorInner;
    fn deref(&self) -> &ErrorInner {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorInner {
        &mut self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error {
    #[inline(never)]
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::of(code, field.into(), message.into())
    }

    /// [`Error::new`] past the conversions: one copy of the boxing however many callers.
    #[inline(never)]
    fn of(code: ErrorCode, field: String, message: String) -> Self {
        Error(Box::new(ErrorInner { code, field, message }))
    }

    /// The members, moved out.
    pub fn into_inner(self) -> ErrorInner {
        *self.0
    }

    /// The same error with `prefix` put in front of its field path (`answers` + `EFF1.p`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = join_path(prefix, &self.field);
        self
    }
}

/// Joins two parts of a JSON path: `a` + `b` = `a.b`, `a` + `[0].b` = `a[0].b`.
fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => prefix.to_string(),
        _ if rest.starts_with('[') => cat!(prefix, rest),
        _ => cat!(prefix, ".", rest),
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
