//! Parameters in force: rule-set default < the profile's `params:` < `--param` on the
//! command line, each value remembered with where it came from.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::check::ir::{Lit, RuleSet};
use crate::check::types::Type;
use crate::money::{Percent, parse_decimal};
use crate::profile::{ParamKind, Profile, ProfileError, RuleSetNames, check_against};
use crate::source::{SourceFile, Span};

/// Where a param's value in force came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamSource {
    /// The rule set's default.
    Default,
    /// The profile's `params:`.
    Profile,
    /// `--param name=value`.
    CommandLine,
}

impl ParamSource {
    /// `default`, `profile`, `command line`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamSource::Default => "default",
            ParamSource::Profile => "profile",
            ParamSource::CommandLine => "command line",
        }
    }
}

/// A `--param name=value` as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliParam {
    /// The whole argument (`margin_floor=12%`).
    pub text: String,
}

/// The value of every param, by param id, with its source.
#[derive(Clone, Debug)]
pub struct ParamsInForce {
    /// Values, by param id.
    pub values: Vec<Lit>,
    /// Sources, by param id.
    pub sources: Vec<ParamSource>,
}

/// A `--param` that cannot be applied.
#[derive(Debug, Error, Diagnostic)]
pub enum ParamError {
    /// No `=`.
    #[error("`--param {text}` is not of the form `name=value`")]
    #[diagnostic(code(params::malformed), help("write e.g. `--param margin_floor=12%`"))]
    Malformed {
        /// The argument, as source.
        #[source_code]
        src: SourceFile,
        /// All of it.
        #[label("no `=` between a name and a value")]
        span: SourceSpan,
        /// The argument.
        text: String,
    },
    /// A name the rule set does not declare.
    #[error("the rule set has no param `{name}`")]
    #[diagnostic(code(params::unknown))]
    Unknown {
        /// The argument, as source.
        #[source_code]
        src: SourceFile,
        /// The name.
        #[label("unknown param")]
        span: SourceSpan,
        /// The name.
        name: String,
        /// Did you mean, or the list.
        #[help]
        help: String,
    },
    /// A value of the wrong kind.
    #[error("param `{name}` takes {expected}, given `{text}`")]
    #[diagnostic(code(params::kind))]
    Kind {
        /// The argument, as source.
        #[source_code]
        src: SourceFile,
        /// The value.
        #[label("expected {expected}")]
        span: SourceSpan,
        /// The name.
        name: String,
        /// What kind.
        expected: String,
        /// The value.
        text: String,
        /// How to write it.
        #[help]
        help: String,
    },
}

/// What can go wrong while settling params.
#[derive(Debug)]
pub enum ParamProblems {
    /// The profile's `params:` or `waivers:` do not fit the rule set.
    Profile(Vec<ProfileError>),
    /// A `--param` does not fit the rule set.
    CommandLine(Vec<ParamError>),
}

/// The kind of value a param of type `ty` takes.
pub fn kind_of(ty: &Type) -> ParamKind {
    match ty {
        Type::Money => ParamKind::Money,
        Type::Percent => ParamKind::Percent,
        Type::Count => ParamKind::Count,
        Type::Number => ParamKind::Number,
        Type::Bool => ParamKind::Bool,
        _ => ParamKind::Text,
    }
}

/// The names a rule set declares, for checking profiles.
pub fn names_of(rules: &RuleSet) -> RuleSetNames {
    RuleSetNames {
        params: rules
            .params
            .iter()
            .map(|p| (p.name.clone(), kind_of(&p.ty)))
            .collect(),
        rules: rules.rules.iter().map(|r| r.id.clone()).collect(),
    }
}

/// A value written for a param of kind `kind`; `None` when it does not fit (the caller
/// has already checked with `ParamKind::problem`).
fn parse_value(kind: ParamKind, text: &str) -> Option<Lit> {
    match kind {
        ParamKind::Percent => Percent::parse(text).ok().map(|p| Lit::Num(p.0)),
        ParamKind::Money | ParamKind::Count | ParamKind::Number => {
            parse_decimal(text).ok().map(Lit::Num)
        }
        ParamKind::Bool => Some(Lit::Bool(text == "true")),
        ParamKind::Text => Some(Lit::Text(text.to_owned())),
    }
}

/// Settles every param: defaults, then the profile's overrides, then the command line's.
pub fn resolve(
    rules: &RuleSet,
    profile: &Profile,
    cli: &[CliParam],
) -> Result<ParamsInForce, ParamProblems> {
    let names = names_of(rules);
    let profile_errors = check_against(profile, &names);
    if !profile_errors.is_empty() {
        return Err(ParamProblems::Profile(profile_errors));
    }
    let mut values: Vec<Lit> = rules.params.iter().map(|p| p.default.clone()).collect();
    let mut sources = vec![ParamSource::Default; values.len()];
    for setting in &profile.params {
        if let Some((id, decl)) = rules.param(&setting.name)
            && let Some(v) = parse_value(kind_of(&decl.ty), &setting.text)
        {
            values[id] = v;
            sources[id] = ParamSource::Profile;
        }
    }
    let mut errors = Vec::new();
    for arg in cli {
        let Some((name, text)) = arg.text.split_once('=') else {
            errors.push(ParamError::Malformed {
                src: SourceFile::new("--param", arg.text.clone()),
                span: Span::new(0, arg.text.len()).into(),
                text: arg.text.clone(),
            });
            continue;
        };
        let src = SourceFile::new("--param", arg.text.clone());
        let name_span = Span::new(0, name.len());
        let value_span = Span::new(name.len() + 1, arg.text.len());
        let Some((id, decl)) = rules.param(name) else {
            let all: Vec<&str> = rules.params.iter().map(|p| p.name.as_str()).collect();
            let help = crate::check::error::did_you_mean(name, all.iter().copied())
                .unwrap_or_else(|| format!("the params are: {}", all.join(", ")));
            errors.push(ParamError::Unknown {
                src,
                span: name_span.into(),
                name: name.to_owned(),
                help,
            });
            continue;
        };
        let kind = kind_of(&decl.ty);
        match kind
            .problem(text)
            .or_else(|| parse_value(kind, text).is_none().then(String::new))
        {
            Some(help) => errors.push(ParamError::Kind {
                src,
                span: value_span.into(),
                name: name.to_owned(),
                expected: kind.expected_of(text).to_owned(),
                text: text.to_owned(),
                help,
            }),
            None => {
                if let Some(v) = parse_value(kind, text) {
                    values[id] = v;
                    sources[id] = ParamSource::CommandLine;
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ParamProblems::CommandLine(errors));
    }
    Ok(ParamsInForce { values, sources })
}
