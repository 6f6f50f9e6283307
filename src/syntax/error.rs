//! Syntax errors: what the parser could not read, and what to write instead.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::source::SourceFile;

/// A problem found while reading a rule file, before any checking.
#[derive(Debug, Error, Diagnostic)]
pub enum SyntaxError {
    /// The text does not follow the grammar here.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(rules::syntax))]
    Unexpected {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// Where reading stopped.
        #[label("here")]
        span: SourceSpan,
        /// What stands there (`` `=` ``, `end of file`).
        found: String,
        /// What could stand there instead.
        expected: String,
        /// A hint for a likely mistake.
        #[help]
        help: Option<String>,
    },

    /// A bracket or quote left open: the text reached something that cannot continue
    /// inside it. Pointing at the opener is what helps; where pest stopped may be
    /// lines later, or the end of the file.
    #[error("`{open}` is not closed before {found}")]
    #[diagnostic(code(rules::syntax))]
    Unclosed {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// The opening bracket or quote.
        #[label("this `{open}` is not closed")]
        span: SourceSpan,
        /// Where reading stopped; `None` at the end of the file, which has no
        /// character to underline.
        #[label("expected `{close}` before this")]
        stopped: Option<SourceSpan>,
        /// The opener (`{`, `(`, `[`, `"`).
        open: char,
        /// Its closer.
        close: char,
        /// What stands where reading stopped (`` `advise` ``, `end of file`).
        found: String,
        /// Where to put the closer.
        #[help]
        help: Option<String>,
    },

    /// An operator from another language (`&&`, `=`, `≤`).
    #[error("`{written}` is not an operator of the rule language")]
    #[diagnostic(code(rules::bad_operator), help("write `{instead}` {why}"))]
    BadOperator {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// The operator.
        #[label("write `{instead}` here")]
        span: SourceSpan,
        /// What was written.
        written: String,
        /// What to write.
        instead: String,
        /// Why.
        why: String,
    },

    /// `{...}` in a string that is not a message template.
    #[error("{what} cannot contain `{{...}}` values")]
    #[diagnostic(
        code(rules::hole_in_plain_string),
        help(
            "only `advise`, `because` and `action` messages fill in values; write `{{{{` and `}}}}` for literal braces"
        )
    )]
    HoleInPlainString {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// The hole.
        #[label("a value is filled in here")]
        span: SourceSpan,
        /// Which kind of string (`a title`).
        what: String,
    },

    /// Brackets or operators nested past the limit.
    #[error("nesting is deeper than {max} levels")]
    #[diagnostic(
        code(rules::too_deep),
        help(
            "split the expression with `let` declarations; deep nesting is almost always generated text"
        )
    )]
    TooDeep {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// Where the limit was passed.
        #[label("nesting passes {max} levels here")]
        span: SourceSpan,
        /// The limit.
        max: usize,
    },

    /// The file is larger than the parser accepts.
    #[error("rule file is {size} bytes, more than the {max} bytes accepted")]
    #[diagnostic(
        code(rules::too_large),
        help("split the rule set into several `.rules` files")
    )]
    TooLarge {
        /// The rule file.
        #[source_code]
        src: SourceFile,
        /// Start of the file.
        #[label("this file")]
        span: SourceSpan,
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
}
