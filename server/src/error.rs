//! The one error type of the binary: what went wrong, in which file, on which line, in which
//! field, printed as a single line; bad input exits 2, a failed read or write exits 1.

use eservqual_core::Error as CoreError;
use std::fmt;
use std::path::Path;

/// Everything the commands can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Input that breaks a rule, or a bad argument: exit status 2.
    Input {
        /// The file at fault (the data file, or the custom instrument file).
        file: Option<String>,
        /// 1-based physical line of the file; header errors are line 1.
        line: Option<u64>,
        /// The column, JSON path or option at fault; empty for the whole input.
        field: String,
        message: String,
    },
    /// A read or write that failed on a file or a stream: exit status 1.
    Io { file: Option<String>, message: String },
    /// Standard output was closed by its reader (`eservqual sample | head`): the reader has all
    /// it wanted, which is no failure (exit status 0, no message).
    ClosedOutput,
}

impl Error {
    /// A bad input somewhere in `file`.
    pub fn input(file: Option<&str>, line: Option<u64>, field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input { file: file.map(str::to_string), line, field: field.into(), message: message.into() }
    }

    /// A core error (field path, message and stable code) met in `file` on `line`.
    pub fn core(file: Option<&str>, line: Option<u64>, err: &CoreError) -> Error {
        Error::input(file, line, err.field.clone(), format!("{} ({})", err.message, err.code))
    }

    /// An I/O failure on `file` (`None` for standard output): a read or write that failed,
    /// including a file that does not exist or is a directory (exit status 1, as `--help` says).
    pub fn io(file: Option<&str>, err: &std::io::Error) -> Error {
        use std::io::ErrorKind;
        if file.is_none() && err.kind() == ErrorKind::BrokenPipe {
            return Error::ClosedOutput;
        }
        let message = match err.kind() {
            ErrorKind::NotFound => "no such file".to_string(),
            ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
            _ => err.to_string(),
        };
        Error::Io { file: file.map(str::to_string), message }
    }

    /// The exit status of the process.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input { .. } => 2,
            Error::Io { .. } => 1,
            Error::ClosedOutput => 0,
        }
    }
}

/// A path as text for messages.
pub fn path_name(path: &Path) -> String {
    path.display().to_string()
}

/// Writes `text` with control characters escaped, so a message is always one line.
fn one_line(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Error {
    /// `eservqual: FILE:LINE: FIELD: message`, leaving out what does not apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, line, field, message) = match self {
            Error::Input { file, line, field, message } => (file, *line, field.as_str(), message),
            Error::Io { file, message } => (file, None, "", message),
            Error::ClosedOutput => return f.write_str("eservqual: standard output was closed"),
        };
        f.write_str("eservqual: ")?;
        if let Some(file) = file {
            one_line(f, file)?;
            if let Some(line) = line {
                write!(f, ":{line}")?;
            }
            f.write_str(": ")?;
        } else if let Some(line) = line {
            write!(f, "line {line}: ")?;
        }
        if !field.is_empty() {
            one_line(f, field)?;
            f.write_str(": ")?;
        }
        one_line(f, message)
    }
}

impl std::error::Error for Error {}
