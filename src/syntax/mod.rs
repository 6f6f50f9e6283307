//! The rule language's front end: text → syntax tree, and back (the formatter).
//!
//! `parse` is the only module that touches pest; everything downstream reads `ast`.

pub mod ast;
pub mod erase;
pub mod error;
pub mod fmt;
pub mod parse;
mod tokens;

pub use error::SyntaxError;
pub use fmt::{format_file, format_source};
pub use parse::{parse_expr, parse_file};
