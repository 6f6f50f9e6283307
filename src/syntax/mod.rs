//! The rule language's front end: text → syntax tree, and back (the formatter).
//!
//! `parse` is the only module that touches pest; everything downstream reads `ast`.

pub mod ast;
pub mod error;
pub mod parse;
mod tokens;

pub use error::SyntaxError;
pub use parse::{parse_expr, parse_file};
