//! Check diagnostics: a typed code, a message, labelled spans and a help line.
//!
//! The checker reports dozens of kinds of problems; they share one shape, so they are
//! one struct with a typed [`CheckCode`] rather than dozens of near-identical variants.
//! Tests match on the code; users read the rendered report.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity as MietteSeverity, SourceCode};

use crate::source::{SourceFile, Span};

/// Every kind of problem the checker reports. The code string is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckCode {
    /// A name that resolves to nothing.
    UnknownName,
    /// A field the record does not have.
    UnknownField,
    /// `.field` on something that is not a product, platform or record.
    NotARecord,
    /// A word that is not one of an enum's words.
    UnknownWord,
    /// Two declarations with one name.
    Duplicate,
    /// A value of the wrong type.
    TypeMismatch,
    /// Operands whose units do not combine.
    UnitMismatch,
    /// A plain number where a percent is expected.
    PercentLiteral,
    /// A severity that is not `info`, `warning` or `error`.
    UnknownSeverity,
    /// An area that is not one of the four.
    UnknownArea,
    /// A `source` that is not a heuristic id like `H6`.
    BadSource,
    /// A required clause is missing from a rule.
    MissingClause,
    /// A clause that may appear once appears twice.
    DuplicateClause,
    /// Rules and lets that depend on each other in a circle.
    Cycle,
    /// `suppress` names a rule that does not exist.
    UnknownRule,
    /// `for x in y` where `y` is not a collection.
    NotACollection,
    /// A builtin called with the wrong arguments.
    WrongArguments,
    /// A function that does not exist.
    UnknownFunction,
    /// A table with a bad key or a repeated key.
    TableKey,
    /// A param default that a profile's `params:` or `--param` could not give.
    ParamDefault,
    /// A param nobody reads (warning).
    UnusedParam,
    /// A let nobody reads (warning).
    UnusedLet,
    /// A condition that does not depend on the profile (warning).
    ConstantCondition,
    /// A param without a description (warning).
    UndocumentedParam,
    /// A rule set folder with no rule file, or a file that cannot be read.
    Io,
}

impl CheckCode {
    /// The stable code, `rules::unknown_field`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckCode::UnknownName => "rules::unknown_name",
            CheckCode::UnknownField => "rules::unknown_field",
            CheckCode::NotARecord => "rules::not_a_record",
            CheckCode::UnknownWord => "rules::unknown_word",
            CheckCode::Duplicate => "rules::duplicate",
            CheckCode::TypeMismatch => "rules::type_mismatch",
            CheckCode::UnitMismatch => "rules::unit_mismatch",
            CheckCode::PercentLiteral => "rules::percent_literal",
            CheckCode::UnknownSeverity => "rules::unknown_severity",
            CheckCode::UnknownArea => "rules::unknown_area",
            CheckCode::BadSource => "rules::bad_source",
            CheckCode::MissingClause => "rules::missing_clause",
            CheckCode::DuplicateClause => "rules::duplicate_clause",
            CheckCode::Cycle => "rules::cycle",
            CheckCode::UnknownRule => "rules::unknown_rule",
            CheckCode::NotACollection => "rules::not_a_collection",
            CheckCode::WrongArguments => "rules::wrong_arguments",
            CheckCode::UnknownFunction => "rules::unknown_function",
            CheckCode::TableKey => "rules::table_key",
            CheckCode::ParamDefault => "rules::param_default",
            CheckCode::UnusedParam => "rules::unused_param",
            CheckCode::UnusedLet => "rules::unused_let",
            CheckCode::ConstantCondition => "rules::constant_condition",
            CheckCode::UndocumentedParam => "rules::undocumented_param",
            CheckCode::Io => "rules::io",
        }
    }

    /// Warnings do not stop a rule set from running.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            CheckCode::UnusedParam
                | CheckCode::UnusedLet
                | CheckCode::ConstantCondition
                | CheckCode::UndocumentedParam
        )
    }
}

/// One problem in a rule set.
#[derive(Debug)]
pub struct CheckError {
    /// What kind of problem.
    pub code: CheckCode,
    /// One line, lowercase, user input in backticks.
    pub message: String,
    /// The file the spans point into.
    pub src: SourceFile,
    /// The main span and its label.
    pub span: Span,
    /// What the main label says.
    pub label: String,
    /// Further spans (the other duplicate, the declaration).
    pub others: Vec<(Span, String)>,
    /// What to do.
    pub help: Option<String>,
}

impl CheckError {
    /// A problem at `span` in `src`.
    pub fn new(
        code: CheckCode,
        src: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        CheckError {
            code,
            message: message.into(),
            src: src.clone(),
            span,
            label: label.into(),
            others: Vec::new(),
            help: None,
        }
    }

    /// Adds a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Adds a secondary label.
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.others.push((span, label.into()));
        self
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CheckError {}

impl Diagnostic for CheckError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<MietteSeverity> {
        Some(if self.code.is_warning() {
            MietteSeverity::Warning
        } else {
            MietteSeverity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let main = LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span);
        let others = self
            .others
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(main).chain(others)))
    }
}

/// "did you mean `x`?" for the closest of `candidates`, when one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}
