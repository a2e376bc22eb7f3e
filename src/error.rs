//! Errors that stop the tool (exit 2): bad usage, an unreadable path, an unreadable
//! rules file. Everything else is a [`crate::findings::Finding`]. Paths in messages
//! are written as names are ([`crate::names::from_path`]: bytes that are not UTF-8
//! as `\xNN`); text output escapes the whole message ([`crate::names::escape`]).

use std::path::PathBuf;

use crate::names::from_path as shown;

/// Why the tool could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path given on the command line does not exist or cannot be read.
    #[error("{}: {source}", shown(.path))]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON input that the tool needs (rules, inventory) is not valid JSON.
    #[error("{}:{line}:{column}: {message}", shown(.path))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error, in characters.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A rules file that parses but holds no usable rules.
    #[error("{}: {message}", shown(.path))]
    Rules {
        /// The rules file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An inventory (a saved `GET /osImages` response) that parses but is not one.
    #[error("{}: {message}", shown(.path))]
    Inventory {
        /// The inventory file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file the tool needs (rules file, configuration file) cannot be read.
    #[error("cannot read the {what} {}: {source}", shown(.path))]
    Unreadable {
        /// What the file is for ("rules file", "configuration file").
        what: &'static str,
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The project configuration (`osbundle.toml`) is wrong.
    #[error("{}:{line}:{column}: {message}", shown(.path))]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The command line is inconsistent in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// Writing the report failed (other than a broken pipe).
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A document the tool needs is not valid JSON.
    pub fn json(path: impl Into<PathBuf>, e: crate::json::SyntaxError) -> Self {
        Error::Json {
            path: path.into(),
            line: e.position.line,
            column: e.position.column,
            message: e.message,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
