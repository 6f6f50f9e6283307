//! The checked rule set: every name resolved to a slot, every operator to its unit rule.
//!
//! This is what the evaluator runs. Nothing here is looked up by string at run time:
//! a param is an index into the params in force, a field is a slot of its record,
//! a local is a slot of the binding's frame.

use rust_decimal::Decimal;

use crate::check::types::{Arith, Type};
use crate::profile::schema::RecordSchema;
use crate::source::{SourceFile, Span};
use crate::syntax::ast::AggKind;

/// Index of a param in [`RuleSet::params`].
pub type ParamId = usize;
/// Index of a global let in [`RuleSet::lets`].
pub type LetId = usize;
/// Index of a table in [`RuleSet::tables`].
pub type TableId = usize;
/// Index of a rule in [`RuleSet::rules`].
pub type RuleIdx = usize;
/// Index of a fact in [`RuleSet::facts`].
pub type FactId = usize;
/// Index of a source file in [`RuleSet::files`].
pub type FileId = usize;

/// Where a declaration is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// The span in it.
    pub span: Span,
}

/// A checked rule set, ready to evaluate.
#[derive(Debug)]
pub struct RuleSet {
    /// The `.rules` files, sorted by name.
    pub files: Vec<SourceFile>,
    /// Parameters with their defaults.
    pub params: Vec<ParamDecl>,
    /// Global lets (evaluated at most once per profile, on first use).
    pub lets: Vec<LetDecl>,
    /// Lookup tables.
    pub tables: Vec<TableDecl>,
    /// Facts that rules conclude.
    pub facts: Vec<FactDecl>,
    /// Rules, in evaluation order: a rule comes after every rule whose facts it reads.
    pub rules: Vec<RuleDecl>,
    /// Which arithmetic the rules share, made on the first evaluation (node addresses
    /// are stable: a rule set is not changed once checked).
    pub memo: std::sync::OnceLock<crate::eval::memo::MemoPlan>,
}

impl RuleSet {
    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&RuleDecl> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The param called `name`.
    pub fn param(&self, name: &str) -> Option<(ParamId, &ParamDecl)> {
        self.params.iter().enumerate().find(|(_, p)| p.name == name)
    }
}

/// A literal value (param defaults, table rows, constants in expressions).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lit {
    /// Money, percent (in percent units), number or count.
    Num(Decimal),
    /// Text.
    Text(String),
    /// An enum word.
    Word(&'static str),
    /// `true` / `false`.
    Bool(bool),
    /// A list of literals.
    List(Vec<Lit>),
}

/// `param`.
#[derive(Debug)]
pub struct ParamDecl {
    /// Its name.
    pub name: String,
    /// Its type (money, percent, number, count, bool, text).
    pub ty: Type,
    /// Its default.
    pub default: Lit,
    /// What it means.
    pub doc: Option<String>,
    /// Where it is declared.
    pub loc: Loc,
}

/// A global `let`.
#[derive(Debug)]
pub struct LetDecl {
    /// Its name.
    pub name: String,
    /// Its value.
    pub expr: Expr,
    /// Frame slots its aggregates need.
    pub frame_size: usize,
    /// Where it is declared.
    pub loc: Loc,
}

/// `table`.
#[derive(Debug)]
pub struct TableDecl {
    /// Its name.
    pub name: String,
    /// Type of its values.
    pub value_ty: Type,
    /// Rows: key (as written) and value.
    pub rows: Vec<(String, Lit)>,
    /// Value for keys not listed, if any.
    pub default: Option<Lit>,
    /// Where it is declared.
    pub loc: Loc,
}

impl TableDecl {
    /// The row for `key`; keys match without regard to ASCII case, as platform names do
    /// in profiles (`Tmall` and `tmall` are one platform).
    pub fn lookup(&self, key: &str) -> Option<&Lit> {
        self.rows
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
            .or(self.default.as_ref())
    }
}

/// A fact concluded by a rule.
#[derive(Debug)]
pub struct FactDecl {
    /// Its name.
    pub name: String,
    /// The rule that concludes it.
    pub rule: RuleIdx,
}

/// `info`, `warning`, `error`, ordered by gravity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be acted on.
    Warning,
    /// Costs money now.
    Error,
}

impl Severity {
    /// Every severity, for "did you mean".
    pub const WORDS: &'static [&'static str] = &["info", "warning", "error"];

    /// Parses a severity word.
    pub fn parse(word: &str) -> Option<Severity> {
        match word {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The article's four areas of advice.
pub const AREAS: &[&str] = &["platform_entry", "profit", "resources", "operations"];

/// A checked rule.
#[derive(Debug)]
pub struct RuleDecl {
    /// Stable id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// One of [`AREAS`].
    pub area: &'static str,
    /// Base severity.
    pub severity: Severity,
    /// Higher severities and when they apply.
    pub escalations: Vec<(Severity, Expr)>,
    /// Source heuristic id (`H6`).
    pub source: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Bindings, outermost first.
    pub bindings: Vec<BindingDecl>,
    /// Filter over the bindings.
    pub filter: Option<Expr>,
    /// Local lets, in order; each is stored in its frame slot.
    pub lets: Vec<LocalLet>,
    /// The condition.
    pub when: Expr,
    /// The message.
    pub advise: Template,
    /// The rationale.
    pub because: Template,
    /// What to do.
    pub actions: Vec<Template>,
    /// Facts this rule concludes when it fires.
    pub concludes: Vec<FactId>,
    /// Rules whose advice on the same entities this rule withdraws when it fires.
    pub suppresses: Vec<String>,
    /// Number of frame slots a binding of this rule needs.
    pub frame_size: usize,
    /// The whole rule.
    pub loc: Loc,
    /// Where the `when` condition is written.
    pub when_span: Span,
    /// The rule's names, formulas and location as advice shows them, made by the
    /// explainer on the rule's first recommendation and shared by every report.
    pub explained: std::sync::OnceLock<std::sync::Arc<crate::explain::RuleText>>,
}

/// `var in source` of a rule.
#[derive(Debug)]
pub struct BindingDecl {
    /// Variable name.
    pub name: String,
    /// Its frame slot.
    pub slot: usize,
    /// What it ranges over.
    pub source: SourceIr,
    /// Type of its values.
    pub ty: Type,
}

/// A local `let`.
#[derive(Debug)]
pub struct LocalLet {
    /// Its name.
    pub name: String,
    /// Its frame slot.
    pub slot: usize,
    /// Its value.
    pub expr: Expr,
    /// Where it is written.
    pub span: Span,
}

/// What a binding ranges over.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum SourceIr {
    /// Every product.
    Products,
    /// Every platform.
    Platforms,
    /// The elements of a list-valued expression.
    List(Box<Expr>),
    /// The top `n` (count) or `n` share (percent, at least one) of `collection`,
    /// filtered by `filter` (reading the binding's slot), ranked by `key` descending.
    Top {
        /// How many.
        n: Box<Expr>,
        /// Whether `n` is a share (percent) rather than a count.
        share: bool,
        /// The ranked collection.
        collection: Box<SourceIr>,
        /// Filter before ranking.
        filter: Option<Box<Expr>>,
        /// Ranking key.
        key: Box<Expr>,
        /// The slot the element is stored in while `filter` and `key` run.
        slot: usize,
    },
}

/// A message with values filled in.
#[derive(Debug)]
pub struct Template {
    /// Text and values, in order.
    pub parts: Vec<TemplatePart>,
    /// Where the string is written.
    pub span: Span,
}

/// A piece of a [`Template`].
#[derive(Debug)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A value, formatted by its type.
    Value(Expr),
}

/// A typed expression.
#[derive(Debug)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// Two expressions are equal when they compute the same thing the same way, wherever
/// they are written: the span is left out. (Rules that write the same `where` share
/// its outcomes through this; see `eval::memo`.)
impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.ty == other.ty
    }
}

impl Eq for Expr {}

/// Hashes what equality compares: the span is left out.
impl std::hash::Hash for Expr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
        self.ty.hash(state);
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Cmp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// Builtin functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `sum(record)`: total of a record's money or count fields; `sum(list)`.
    SumOf,
    /// `count(list)`: number of elements.
    CountOf,
    /// `min(a, b, ...)`.
    Min,
    /// `max(a, b, ...)`.
    Max,
    /// `abs(x)`.
    Abs,
    /// `overlaps(a, b)`: the lists share an element.
    Overlaps,
    /// `intersect(a, b)`: elements of `a` also in `b`.
    Intersect,
    /// `without(a, b)`: elements of `a` not in `b`.
    Without,
    /// `known(x)`: whether the profile gives `x` (never "cannot assess").
    Known,
}

impl Builtin {
    /// Every builtin with its name, for resolution and "did you mean".
    pub const ALL: &'static [(&'static str, Builtin)] = &[
        ("sum", Builtin::SumOf),
        ("count", Builtin::CountOf),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("abs", Builtin::Abs),
        ("overlaps", Builtin::Overlaps),
        ("intersect", Builtin::Intersect),
        ("without", Builtin::Without),
        ("known", Builtin::Known),
    ];

    /// The name.
    pub fn as_str(self) -> &'static str {
        Builtin::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("?", |(n, _)| n)
    }
}

/// What an expression computes.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// A constant.
    Lit(Lit),
    /// A param's value in force.
    Param(ParamId),
    /// A global let.
    Let(LetId),
    /// A frame slot: binding variable, local let or aggregate variable.
    Local(usize),
    /// A fact: true when its rule fired for some binding.
    Fact(FactId),
    /// `business`.
    Business,
    /// `products` as a list.
    Products,
    /// `platforms` as a list.
    Platforms,
    /// `base.field`, `field` being the slot in `record`.
    Field {
        /// A product, platform or record.
        base: Box<Expr>,
        /// The record schema of `base`.
        record: &'static RecordSchema,
        /// The field's slot.
        slot: usize,
    },
    /// `not x`.
    Not(Box<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a and b` (false wins over unknown).
    And(Box<Expr>, Box<Expr>),
    /// `a or b` (true wins over unknown).
    Or(Box<Expr>, Box<Expr>),
    /// Arithmetic with its unit rule.
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// Comparison.
    Compare(Cmp, Box<Expr>, Box<Expr>),
    /// `x in list`.
    In(Box<Expr>, Box<Expr>),
    /// `platform sells product`.
    Sells(Box<Expr>, Box<Expr>),
    /// `table[key]`.
    Index(TableId, Box<Expr>),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `agg(body for x in source where filter)`.
    Aggregate {
        /// Which aggregate.
        kind: AggKind,
        /// The element's slot.
        slot: usize,
        /// What it ranges over.
        source: Box<SourceIr>,
        /// Filter.
        filter: Option<Box<Expr>>,
        /// Value per element.
        body: Box<Expr>,
    },
    /// A builtin call.
    Call(Builtin, Vec<Expr>),
    /// `(x)`: kept so explanations show what was written.
    Paren(Box<Expr>),
}
