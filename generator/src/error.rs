//! The one error type of the generator: every refusal names where in which file it happened.

use std::fmt;
use std::path::PathBuf;

/// Where in a spec a problem sits: the file, a JSON pointer, and the line when the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file as the caller named it.
    pub file: PathBuf,
    /// RFC 6901 JSON pointer into the document (`""` for the whole document).
    pub pointer: String,
    /// 1-based line and column, when the parser reported one.
    pub line: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.line {
            write!(f, ":{line}:{column}")?;
        }
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, " at {pointer}")
    }
}

/// Something in the spec that is sloppy but whose meaning is clear: the generator honoured it
/// as described in the message and says where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the spec.
    pub location: Location,
    /// What is sloppy and what was generated.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec or config file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The document is not valid YAML/JSON, or not an OpenAPI 3.0 document.
    #[error("{location}: {message}")]
    Parse {
        /// Where the parser stopped.
        location: Location,
        /// What it expected.
        message: String,
    },
    /// The document is well-formed but asks for something the generator cannot honour.
    #[error("{location}: {message}")]
    Unsupported {
        /// The offending part of the spec.
        location: Location,
        /// What is wrong and what would work.
        message: String,
    },
    /// The generator config is invalid.
    #[error("{}: invalid generator config: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Emitted code did not parse: a generator bug, reported with the file it concerns.
    #[error("internal error: generated {file} does not parse: {message}")]
    Internal {
        /// The output file being formatted.
        file: String,
        /// The syntax error.
        message: String,
    },
}

impl Error {
    /// The location in the spec, for errors that have one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Parse { location, .. } | Error::Unsupported { location, .. } => Some(location),
            _ => None,
        }
    }
}

/// Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The name a JSON pointer segment spells (`~1` → `/`, `~0` → `~`).
pub fn unescape_pointer_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
