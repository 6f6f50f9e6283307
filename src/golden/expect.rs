//! `NAME.expect.yaml`: assertions about a profile's advice that survive rewording.
//!
//! The file is read with the profile's own spanned YAML reader, so every mistake in it
//! points at its line like a profile error does. Reading happens in two steps: [`parse`]
//! checks the shape (keys, lists, severities, dates) without knowing anything else, and
//! [`check`] then checks the names against the rule set and the profile (rule ids,
//! entities, params). Both collect every mistake of the file; none stops at the first.
//!
//! The format is documented in `docs/golden-tests.md`.

use std::fmt;

use miette::Diagnostic;
use thiserror::Error;

use crate::check::ir::Severity;
use crate::profile::error::{ProfileError, did_you_mean};
use crate::profile::yaml::{self, Node, NodeKind};
use crate::profile::{Date, Profile, RuleSetNames, Word};
use crate::source::{SourceFile, Span};

/// The suffix that marks an expectation file: `NAME.expect.yaml` sits beside `NAME.yaml`.
pub const EXPECT_SUFFIX: &str = ".expect.yaml";

/// The suffix of a golden file: `NAME.advice.md` sits beside `NAME.yaml`.
pub const GOLDEN_SUFFIX: &str = ".advice.md";

/// The top-level keys of an expectation file, in the order the documentation gives them.
const TOP_KEYS: &[&str] = &[
    "fires",
    "passes",
    "cannot_assess",
    "waived",
    "replaced",
    "params",
    "today",
];

/// What an assertion claims about a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The rule's advice is in the main list (not waived, not replaced by broader advice).
    Fires,
    /// The rule did not fire (passed, or has no binding about the entity) and nothing
    /// it looks at was left unassessed.
    Passes,
    /// The rule could not be assessed (a missing fact, a table without a row).
    CannotAssess,
    /// The rule fired and a waiver of the profile set the advice aside.
    Waived,
    /// The rule fired and broader advice (a rule that `suppress`es it) replaced it.
    Replaced,
}

impl Kind {
    /// Every kind, in file order.
    pub const ALL: [Kind; 5] = [
        Kind::Fires,
        Kind::Passes,
        Kind::CannotAssess,
        Kind::Waived,
        Kind::Replaced,
    ];

    /// The key that holds assertions of this kind.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Fires => "fires",
            Kind::Passes => "passes",
            Kind::CannotAssess => "cannot_assess",
            Kind::Waived => "waived",
            Kind::Replaced => "replaced",
        }
    }

    /// How the assertion reads in a report: `fires`, `cannot assess`.
    pub fn verb(self) -> &'static str {
        match self {
            Kind::Fires => "fires",
            Kind::Passes => "passes",
            Kind::CannotAssess => "cannot assess",
            Kind::Waived => "waived",
            Kind::Replaced => "replaced",
        }
    }

    fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// One assertion: a rule, optionally narrowed to an entity, with what is claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    /// What is claimed.
    pub kind: Kind,
    /// The rule id.
    pub rule: Word,
    /// A product SKU or platform name (either matches), like a waiver's `entity`.
    pub entity: Option<Word>,
    /// A product SKU.
    pub product: Option<Word>,
    /// A platform name.
    pub platform: Option<Word>,
    /// For `fires`: the severity the advice must have.
    pub severity: Option<Severity>,
    /// For `replaced`: the rule whose advice must have replaced it.
    pub by: Option<Word>,
    /// The whole entry, for pointing at it.
    pub span: Span,
}

impl Assertion {
    /// What the assertion is about, as written: `JD`, `DJ-01 on JD`, or `None` for any.
    pub fn target(&self) -> Option<String> {
        match (&self.entity, &self.product, &self.platform) {
            (Some(e), _, _) => Some(e.text.clone()),
            (None, Some(p), Some(pl)) => Some(format!("{} on {}", p.text, pl.text)),
            (None, Some(p), None) => Some(p.text.clone()),
            (None, None, Some(pl)) => Some(pl.text.clone()),
            (None, None, None) => None,
        }
    }

    /// The assertion in words: `fires platform_category_mismatch for JD (warning)`.
    pub fn describe(&self) -> String {
        let mut out = format!("{} {}", self.kind.verb(), self.rule.text);
        if let Some(t) = self.target() {
            out.push_str(" for ");
            out.push_str(&t);
        }
        if let Some(s) = self.severity {
            out.push_str(&format!(" ({})", s.as_str()));
        }
        if let Some(by) = &self.by {
            out.push_str(&format!(" by {}", by.text));
        }
        out
    }
}

/// A `params:` entry: run the case with this value, like `--param name=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectParam {
    /// The param's name.
    pub name: Word,
    /// The value as written (`12%`).
    pub value: Word,
}

/// A parsed expectation file.
#[derive(Clone, Debug)]
pub struct Expectations {
    /// The file, for diagnostics that point into it.
    pub source: SourceFile,
    /// The assertions, in file order.
    pub assertions: Vec<Assertion>,
    /// Params to run the case with.
    pub params: Vec<ExpectParam>,
    /// The audit date for this case, which decides whether waivers have expired.
    pub today: Option<Date>,
}

/// One mistake in an expectation file.
#[derive(Debug, Error, Diagnostic)]
pub enum ExpectError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(expect::io), help("check that the file exists and may be read"))]
    Io {
        /// The path.
        path: String,
        /// What the operating system said.
        reason: String,
    },

    /// The YAML reader refused the text (syntax, anchors, tags, a duplicate key...).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Yaml(Box<ProfileError>),

    /// A file with nothing in it.
    #[error("the expectation file is empty")]
    #[diagnostic(
        code(expect::empty),
        help("write at least one assertion, e.g. `passes: [thin_net_margin]`, or delete the file")
    )]
    Empty {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// Its start.
        #[label("nothing here")]
        span: Span,
    },

    /// A value of the wrong shape: a list where a mapping belongs, and so on.
    #[error("`{path}` must be {expected}, found {found}")]
    #[diagnostic(code(expect::shape))]
    Shape {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// Where the value sits (`fires[0]`).
        path: String,
        /// What belongs there.
        expected: String,
        /// What was written.
        found: String,
        /// The value.
        #[label("here")]
        span: Span,
        /// The right form.
        #[help]
        help: String,
    },

    /// A key the format does not have.
    #[error("unknown key `{key}` {at}")]
    #[diagnostic(code(expect::unknown_key))]
    UnknownKey {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The key.
        key: String,
        /// "at the top level", "at `fires[0]`".
        at: String,
        /// The key.
        #[label("unknown key")]
        span: Span,
        /// Did you mean, or the keys that exist.
        #[help]
        help: String,
    },

    /// An entry without its `rule`.
    #[error("`{path}` has no `rule`")]
    #[diagnostic(
        code(expect::missing_rule),
        help("name the rule: `{{rule: thin_net_margin, entity: JD}}`")
    )]
    MissingRule {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The entry's path.
        path: String,
        /// The entry.
        #[label("no `rule` key")]
        span: Span,
    },

    /// `entity` together with `product` or `platform`.
    #[error("`{path}` gives `entity` together with `product` or `platform`")]
    #[diagnostic(
        code(expect::entity_conflict),
        help(
            "`entity` matches a SKU or a platform name; to name both, write `product: SKU` and `platform: NAME` instead"
        )
    )]
    EntityConflict {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The entry's path.
        path: String,
        /// The `entity` key.
        #[label("`entity` here")]
        span: Span,
    },

    /// A severity that is not `info`, `warning` or `error`.
    #[error("`{text}` is not a severity")]
    #[diagnostic(code(expect::bad_severity))]
    BadSeverity {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The value.
        text: String,
        /// The value.
        #[label("expected `info`, `warning` or `error`")]
        span: Span,
        /// Did you mean.
        #[help]
        help: String,
    },

    /// A `today:` that is not a `YYYY-MM-DD` date.
    #[error("`{text}` is not a date of the form YYYY-MM-DD")]
    #[diagnostic(code(expect::bad_date), help("write e.g. `today: 2026-11-26`"))]
    BadDate {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The value.
        text: String,
        /// The value.
        #[label("not a date")]
        span: Span,
    },

    /// A rule id the rule set does not have.
    #[error("`{rule}` is not a rule of the rule set")]
    #[diagnostic(code(expect::unknown_rule))]
    UnknownRule {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The id as written.
        rule: String,
        /// The id.
        #[label("no such rule")]
        span: Span,
        /// Did you mean.
        #[help]
        help: String,
    },

    /// An entity the profile does not have.
    #[error("`{entity}` is not {what} of `{profile}`")]
    #[diagnostic(code(expect::unknown_entity))]
    UnknownEntity {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The name as written.
        entity: String,
        /// "a product SKU or platform name", "a product SKU", "a platform name".
        what: String,
        /// The profile.
        profile: String,
        /// The name.
        #[label("not in the profile")]
        span: Span,
        /// Did you mean.
        #[help]
        help: String,
    },

    /// A param the rule set does not declare.
    #[error("the rule set has no param `{name}`")]
    #[diagnostic(code(expect::unknown_param))]
    UnknownParam {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The name.
        name: String,
        /// The name.
        #[label("unknown param")]
        span: Span,
        /// Did you mean.
        #[help]
        help: String,
    },

    /// A param value of the wrong kind.
    #[error("param `{name}` takes {expected}, given `{text}`")]
    #[diagnostic(code(expect::param_kind))]
    ParamKind {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The name.
        name: String,
        /// What kind.
        expected: String,
        /// The value.
        text: String,
        /// The value.
        #[label("wrong kind")]
        span: Span,
        /// How to write it.
        #[help]
        help: String,
    },
}

impl ExpectError {
    /// The stable code, e.g. `expect::unknown_rule`.
    pub fn code_str(&self) -> String {
        self.code().map(|c| c.to_string()).unwrap_or_default()
    }

    fn offset(&self) -> usize {
        self.labels()
            .and_then(|mut l| l.next())
            .map_or(0, |l| l.offset())
    }
}

/// Every mistake of one expectation file.
#[derive(Debug, Diagnostic)]
#[diagnostic(code(expect::invalid))]
pub struct ExpectErrors {
    /// The file's name as given.
    pub file: String,
    /// Its mistakes, in file order.
    #[related]
    pub errors: Vec<ExpectError>,
}

impl ExpectErrors {
    /// The codes, in order; handy in tests.
    pub fn codes(&self) -> Vec<String> {
        self.errors.iter().map(ExpectError::code_str).collect()
    }
}

impl fmt::Display for ExpectErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "`{}` is not a valid expectation file: {n} error{}",
            self.file,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ExpectErrors {}

/// Reads an expectation file from disk, parses it and checks its names against the
/// rule set and the profile, reporting every mistake of both kinds together.
pub fn read_checked(
    path: &std::path::Path,
    names: &RuleSetNames,
    profile: &Profile,
) -> Result<Expectations, ExpectErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ExpectErrors {
        file: name.clone(),
        errors: vec![ExpectError::Io {
            path: name.clone(),
            reason: e.to_string().to_lowercase(),
        }],
    })?;
    let source = yaml::decode(&name, bytes).map_err(|e| ExpectErrors {
        file: name.clone(),
        errors: vec![ExpectError::Yaml(Box::new(e))],
    })?;
    let (exp, mut errors) = parse_partial(source);
    let Some(exp) = exp else {
        return Err(ExpectErrors { file: name, errors });
    };
    // Entries with a shape mistake were dropped while parsing, so no mistake is
    // reported twice.
    errors.extend(check(&exp, names, profile));
    if errors.is_empty() {
        Ok(exp)
    } else {
        errors.sort_by_key(ExpectError::offset);
        Err(ExpectErrors { file: name, errors })
    }
}

/// Parses an expectation file's shape: keys, lists, severities, the date.
pub fn parse(source: SourceFile) -> Result<Expectations, ExpectErrors> {
    let file = source.name().to_owned();
    match parse_partial(source) {
        (Some(exp), errors) if errors.is_empty() => Ok(exp),
        (_, mut errors) => {
            errors.sort_by_key(ExpectError::offset);
            Err(ExpectErrors { file, errors })
        }
    }
}

/// Parses what can be parsed: the expectations without the entries that have a shape
/// mistake (none when the YAML itself is unreadable), and every mistake found.
fn parse_partial(source: SourceFile) -> (Option<Expectations>, Vec<ExpectError>) {
    let doc = match yaml::parse(&source) {
        Ok(doc) => doc,
        Err(ProfileError::Empty { span, .. }) => {
            return (None, vec![ExpectError::Empty { src: source, span }]);
        }
        Err(e) => return (None, vec![ExpectError::Yaml(Box::new(e))]),
    };
    let mut reader = Reader {
        src: source.clone(),
        errors: doc
            .problems
            .into_iter()
            .map(|p| ExpectError::Yaml(Box::new(p)))
            .collect(),
    };
    let mut out = Expectations {
        source,
        assertions: Vec::new(),
        params: Vec::new(),
        today: None,
    };
    reader.top(&doc.root, &mut out);
    (Some(out), reader.errors)
}

struct Reader {
    src: SourceFile,
    errors: Vec<ExpectError>,
}

impl Reader {
    fn shape(&mut self, path: &str, node: &Node, expected: &str, help: &str) {
        self.errors.push(ExpectError::Shape {
            src: self.src.clone(),
            path: path.to_owned(),
            expected: expected.to_owned(),
            found: node.describe(),
            span: node.span,
            help: help.to_owned(),
        });
    }

    fn unknown_key(&mut self, key: &Node, at: &str, allowed: &[&str], extra_help: Option<&str>) {
        let text = key.scalar().unwrap_or_default();
        let help = match extra_help {
            Some(h) => h.to_owned(),
            None => did_you_mean(text, "the keys are", allowed.iter().copied()),
        };
        self.errors.push(ExpectError::UnknownKey {
            src: self.src.clone(),
            key: text.to_owned(),
            at: at.to_owned(),
            span: key.span,
            help,
        });
    }

    fn top(&mut self, root: &Node, out: &mut Expectations) {
        let NodeKind::Map(entries) = &root.kind else {
            self.shape(
                "the file",
                root,
                "a mapping of `fires`, `passes`, `cannot_assess`, `waived`, `replaced`, `params`, `today`",
                "start with e.g. `fires:` followed by a list of rules",
            );
            return;
        };
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            if let Some(kind) = Kind::from_key(name) {
                self.list(kind, value, out);
                continue;
            }
            match name {
                "params" => self.params(value, out),
                "today" => self.today(value, out),
                _ => self.unknown_key(key, "at the top level", TOP_KEYS, None),
            }
        }
    }

    fn list(&mut self, kind: Kind, node: &Node, out: &mut Expectations) {
        let items = match &node.kind {
            _ if node.is_null() => return,
            NodeKind::Seq(items) => items,
            _ => {
                let example = match kind {
                    Kind::Fires => "`fires:` then lines `- {rule: thin_net_margin, entity: JD}`",
                    _ => "e.g. `passes: [thin_net_margin]`",
                };
                self.shape(
                    kind.key(),
                    node,
                    "a list",
                    &format!("write a list, {example}"),
                );
                return;
            }
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", kind.key());
            if let Some(a) = self.item(kind, &path, item) {
                out.assertions.push(a);
            }
        }
    }

    fn word(&mut self, path: &str, node: &Node) -> Option<Word> {
        match node.scalar() {
            Some(text) if !node.is_null() => Some(Word {
                text: text.to_owned(),
                span: node.span,
            }),
            _ => {
                self.shape(path, node, "a name", "write a single word or name");
                None
            }
        }
    }

    fn item(&mut self, kind: Kind, path: &str, node: &Node) -> Option<Assertion> {
        let entries = match &node.kind {
            NodeKind::Scalar { .. } => {
                let rule = self.word(path, node)?;
                return Some(Assertion {
                    kind,
                    rule,
                    entity: None,
                    product: None,
                    platform: None,
                    severity: None,
                    by: None,
                    span: node.span,
                });
            }
            NodeKind::Map(entries) => entries,
            NodeKind::Seq(_) => {
                self.shape(
                    path,
                    node,
                    "a rule id or a mapping with `rule`",
                    "write `- thin_net_margin` or `- {rule: thin_net_margin, entity: JD}`",
                );
                return None;
            }
        };
        let allowed: &[&str] = match kind {
            Kind::Fires => &["rule", "entity", "product", "platform", "severity"],
            Kind::Replaced => &["rule", "entity", "product", "platform", "by"],
            _ => &["rule", "entity", "product", "platform"],
        };
        let mut a = Assertion {
            kind,
            rule: Word {
                text: String::new(),
                span: node.span,
            },
            entity: None,
            product: None,
            platform: None,
            severity: None,
            by: None,
            span: node.span,
        };
        let mut has_rule = false;
        let mut entity_key = None;
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            let vpath = format!("{path}.{name}");
            match name {
                "rule" => {
                    if let Some(w) = self.word(&vpath, value) {
                        a.rule = w;
                        has_rule = true;
                    }
                }
                "entity" => {
                    entity_key = Some(key.span);
                    a.entity = self.word(&vpath, value);
                }
                "product" => {
                    a.product = self.word(&vpath, value);
                }
                "platform" => {
                    a.platform = self.word(&vpath, value);
                }
                "severity" if kind == Kind::Fires => {
                    let Some(w) = self.word(&vpath, value) else {
                        continue;
                    };
                    match Severity::parse(&w.text) {
                        Some(s) => a.severity = Some(s),
                        None => {
                            // `warn` is a common abbreviation; a prefix is a clear hint.
                            let prefix = Severity::WORDS
                                .iter()
                                .find(|s| !w.text.is_empty() && s.starts_with(&w.text));
                            self.errors.push(ExpectError::BadSeverity {
                                src: self.src.clone(),
                                help: match prefix {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => did_you_mean(
                                        &w.text,
                                        "the severities are",
                                        Severity::WORDS.iter().copied(),
                                    ),
                                },
                                text: w.text,
                                span: w.span,
                            });
                        }
                    }
                }
                "severity" => {
                    self.unknown_key(
                        key,
                        &format!("at `{path}`"),
                        allowed,
                        Some("a severity can only be asserted under `fires`"),
                    );
                }
                "by" if kind == Kind::Replaced => {
                    a.by = self.word(&vpath, value);
                }
                "by" => {
                    self.unknown_key(
                        key,
                        &format!("at `{path}`"),
                        allowed,
                        Some("the replacing rule can only be named under `replaced`"),
                    );
                }
                _ => {
                    self.unknown_key(key, &format!("at `{path}`"), allowed, None);
                }
            }
        }
        if let Some(span) = entity_key
            && (a.product.is_some() || a.platform.is_some())
        {
            self.errors.push(ExpectError::EntityConflict {
                src: self.src.clone(),
                path: path.to_owned(),
                span,
            });
        }
        if !has_rule {
            self.errors.push(ExpectError::MissingRule {
                src: self.src.clone(),
                path: path.to_owned(),
                span: node.span,
            });
        }
        // An entry with a mistake in another key is kept, so that its rule and entity
        // are still checked: the file is rejected anyway, with every mistake listed.
        has_rule.then_some(a)
    }

    fn params(&mut self, node: &Node, out: &mut Expectations) {
        let entries = match &node.kind {
            _ if node.is_null() => return,
            NodeKind::Map(entries) => entries,
            _ => {
                self.shape(
                    "params",
                    node,
                    "a mapping of param names to values",
                    "write e.g. `params: {margin_floor: 12%}`",
                );
                return;
            }
        };
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            let path = format!("params.{name}");
            let Some(value) = self.word(&path, value) else {
                continue;
            };
            out.params.push(ExpectParam {
                name: Word {
                    text: name.to_owned(),
                    span: key.span,
                },
                value,
            });
        }
    }

    fn today(&mut self, node: &Node, out: &mut Expectations) {
        let Some(w) = self.word("today", node) else {
            return;
        };
        match Date::parse(&w.text) {
            Some(d) => out.today = Some(d),
            None => self.errors.push(ExpectError::BadDate {
                src: self.src.clone(),
                text: w.text,
                span: w.span,
            }),
        }
    }
}

/// Checks the names an expectation file uses: rule ids and params against the rule set,
/// entities against the profile. Empty when all is well.
pub fn check(exp: &Expectations, names: &RuleSetNames, profile: &Profile) -> Vec<ExpectError> {
    let src = &exp.source;
    let mut errors = Vec::new();
    let skus: Vec<&str> = profile
        .products
        .iter()
        .filter_map(|p| p.text("sku"))
        .collect();
    let platforms: Vec<&str> = profile
        .platforms
        .iter()
        .filter_map(|p| p.text("name"))
        .collect();
    let profile_name = profile.source.name().to_owned();
    let has = |list: &[&str], w: &Word| list.iter().any(|x| x.eq_ignore_ascii_case(&w.text));
    for a in &exp.assertions {
        for rule in std::iter::once(&a.rule).chain(&a.by) {
            if !names.rules.contains(&rule.text) {
                errors.push(ExpectError::UnknownRule {
                    src: src.clone(),
                    rule: rule.text.clone(),
                    span: rule.span,
                    help: did_you_mean(
                        &rule.text,
                        "the rule set's rules are",
                        names.rules.iter().map(String::as_str),
                    ),
                });
            }
        }
        let both: Vec<&str> = skus.iter().chain(platforms.iter()).copied().collect();
        for (word, list, what) in [
            (&a.entity, &both, "a product SKU or platform name"),
            (&a.product, &skus, "a product SKU"),
            (&a.platform, &platforms, "a platform name"),
        ] {
            if let Some(w) = word
                && !has(list, w)
            {
                errors.push(ExpectError::UnknownEntity {
                    src: src.clone(),
                    entity: w.text.clone(),
                    what: what.to_owned(),
                    profile: profile_name.clone(),
                    span: w.span,
                    help: did_you_mean(&w.text, "the profile has", list.iter().copied()),
                });
            }
        }
    }
    for p in &exp.params {
        let Some((_, kind)) = names.params.iter().find(|(n, _)| *n == p.name.text) else {
            errors.push(ExpectError::UnknownParam {
                src: src.clone(),
                name: p.name.text.clone(),
                span: p.name.span,
                help: did_you_mean(
                    &p.name.text,
                    "the rule set declares",
                    names.params.iter().map(|(n, _)| n.as_str()),
                ),
            });
            continue;
        };
        if let Some(help) = kind.problem(&p.value.text) {
            errors.push(ExpectError::ParamKind {
                src: src.clone(),
                name: p.name.text.clone(),
                expected: kind.expected_of(&p.value.text).to_owned(),
                text: p.value.text.clone(),
                span: p.value.span,
                help,
            });
        }
    }
    errors.sort_by_key(ExpectError::offset);
    errors
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        match parse(SourceFile::new("t.expect.yaml", text)) {
            Ok(_) => Vec::new(),
            Err(e) => e.codes(),
        }
    }

    #[test]
    fn the_documented_forms_parse() {
        let text = "fires:\n  - rule: platform_category_mismatch\n    entity: JD\n    severity: warning\n  - {rule: thin_net_margin, product: DJ-01, platform: JD}\npasses: [thin_net_margin, {rule: no_price_room, entity: Suning}]\ncannot_assess: [{rule: no_price_room, entity: Suning}]\nwaived: [thin_upstream_margin]\nreplaced: [{rule: thin_net_margin, entity: DJ-01, by: negative_net_margin}]\nparams: {margin_floor: 12%}\ntoday: 2026-11-26\n";
        let e = parse(SourceFile::new("t.expect.yaml", text)).unwrap();
        let described: Vec<String> = e.assertions.iter().map(Assertion::describe).collect();
        assert_eq!(
            described,
            [
                "fires platform_category_mismatch for JD (warning)",
                "fires thin_net_margin for DJ-01 on JD",
                "passes thin_net_margin",
                "passes no_price_room for Suning",
                "cannot assess no_price_room for Suning",
                "waived thin_upstream_margin",
                "replaced thin_net_margin for DJ-01 by negative_net_margin",
            ]
        );
        assert_eq!(e.params[0].value.text, "12%");
        assert_eq!(
            e.today.map(|d| d.to_string()).as_deref(),
            Some("2026-11-26")
        );
    }

    #[test]
    fn every_shape_mistake_is_reported_at_once() {
        assert_eq!(
            codes(
                "fire: [x]\npasses: x\nfires:\n  - {rule: a, severity: warn}\n  - {entity: JD}\n  - {rule: b, entity: JD, platform: JD}\ncannot_assess: [{rule: c, severity: info}]\ntoday: tomorrow\n"
            ),
            [
                "expect::unknown_key",
                "expect::shape",
                "expect::bad_severity",
                "expect::missing_rule",
                "expect::entity_conflict",
                "expect::unknown_key",
                "expect::bad_date",
            ]
        );
        assert_eq!(codes("# nothing\n"), ["expect::empty"]);
        assert_eq!(
            codes("fires: [a]\nfires: [b]\n"),
            ["profile::duplicate_key"]
        );
    }
}
