//! The rule language's syntax tree: what the text says, with a span on every node.
//!
//! The parser (`syntax::parse`) is the only producer; the checker and the formatter
//! read it. Names are not resolved here: `product.price` is a path of identifiers
//! until the checker gives it a slot.

use crate::source::Span;
use compact_str::CompactString;

/// A node with the span of the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<T> {
    /// What the node is.
    pub kind: T,
    /// Where it is written.
    pub span: Span,
}

impl<T> Node<T> {
    /// Wraps `kind` with `span`.
    pub fn new(kind: T, span: Span) -> Self {
        Node { kind, span }
    }
}

/// An identifier (`unit_cost`, `净利率`) with its span.
pub type Ident = Node<CompactString>;

/// A string literal's decoded text (escapes resolved) with its span, quotes included.
pub type Str = Node<String>;

/// One `.rules` file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Declarations in source order.
    pub items: Vec<Item>,
    /// Every comment in the file, in order, for the formatter.
    pub comments: Vec<Comment>,
}

/// A `# ...` comment; `text` excludes the `#` and the line break.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    /// The comment, from `#` to the end of the line.
    pub span: Span,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `param name: type = value "doc"`.
    Param(Node<Param>),
    /// `let name[: type] = expr`.
    Let(Node<Let>),
    /// `table name: key -> value [default v] { k -> v ... }`.
    Table(Node<Table>),
    /// `rule id { ... }`.
    Rule(Node<Rule>),
}

/// A type as written: `money`, `list<text>`.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `money`.
    Money,
    /// `percent`.
    Percent,
    /// `number`.
    Number,
    /// `count`.
    Count,
    /// `text`.
    Text,
    /// `bool`.
    Bool,
    /// `list<T>`.
    List(Box<Node<TypeExpr>>),
}

/// `param margin_floor: percent = 10% "Net margin per order below which ..."`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its declared type.
    pub ty: Node<TypeExpr>,
    /// Its default value: a literal (possibly negative, a list of literals).
    pub default: Node<Expr>,
    /// What it means, shown by `pitfall rule` and in explanations.
    pub doc: Option<Str>,
}

/// `let name[: type] = expr`, at top level (once per profile) or in a rule (once per binding).
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    /// Its name.
    pub name: Ident,
    /// Optional declared type, checked against the expression's.
    pub ty: Option<Node<TypeExpr>>,
    /// Its value.
    pub value: Node<Expr>,
}

/// A lookup table from text keys to values of one type.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Its name.
    pub name: Ident,
    /// Key type (text).
    pub key_ty: Node<TypeExpr>,
    /// Value type.
    pub value_ty: Node<TypeExpr>,
    /// The value for a key the table does not list; without it, such a lookup
    /// cannot be assessed.
    pub default: Option<Node<Expr>>,
    /// `"key" -> value` rows, in source order.
    pub rows: Vec<Node<TableRow>>,
}

/// `"Tmall" -> ["apparel", "cross_border"]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The key literal.
    pub key: Node<Expr>,
    /// The value literal.
    pub value: Node<Expr>,
}

/// `rule id { clauses }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Stable id, named after the situation it detects (`thin_net_margin`).
    pub id: Ident,
    /// Clauses in source order; the checker enforces which are required and unique.
    pub clauses: Vec<Node<Clause>>,
}

/// One line (or block) inside a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `title "..."`.
    Title(Str),
    /// `area profit`.
    Area(Ident),
    /// `severity warning`.
    Severity(Ident),
    /// `escalate error when cond`: a higher severity for the bindings where `cond` holds.
    Escalate {
        /// The higher severity.
        level: Ident,
        /// When it applies.
        when: Box<Node<Expr>>,
    },
    /// `source H6`.
    Source(Ident),
    /// `tags [margin, pricing]`.
    Tags(Vec<Ident>),
    /// `for a in xs, b in ys where cond`.
    For {
        /// The bindings, in order (later ones may refer to earlier ones).
        bindings: Vec<Node<Binding>>,
        /// A filter over all bindings.
        filter: Option<Box<Node<Expr>>>,
    },
    /// `let name = expr` (once per binding).
    Let(Box<Node<Let>>),
    /// `when cond`: the rule fires for a binding where `cond` holds.
    When(Box<Node<Expr>>),
    /// `advise "template"`: the message.
    Advise(Node<Template>),
    /// `because "template"`: why it matters.
    Because(Node<Template>),
    /// `action "template"`: what to do (one or more).
    Action(Node<Template>),
    /// `conclude fact`: a derived fact other rules may read, true when this rule fires.
    Conclude(Ident),
    /// `suppress other_rule`: when this rule fires, the other rule's advice on the
    /// same entities is withdrawn (the broader advice replaces the narrower one).
    Suppress(Ident),
}

/// `var in source`.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The variable.
    pub var: Ident,
    /// What it ranges over.
    pub source: Node<Source>,
}

/// What a binding ranges over.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A collection expression: `products`, `platforms`, `platform.tools`.
    Collection(Box<Node<Expr>>),
    /// `top n of collection [where cond] by key`: the first `n` (a count) or
    /// `n` share (a percent, at least one) of the collection, filtered, ranked by
    /// `key` descending; ties keep profile order. `cond` and `key` read the
    /// binding's own variable.
    Top {
        /// How many: a count or a percent.
        n: Box<Node<Expr>>,
        /// Ranked collection.
        collection: Box<Node<Expr>>,
        /// Filter applied before ranking.
        filter: Option<Box<Node<Expr>>>,
        /// Ranking key, highest first.
        key: Box<Node<Expr>>,
    },
}

/// A string with `{expr}` holes; `{{` and `}}` are literal braces.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Literal text and holes, in order.
    pub parts: Vec<TemplatePart>,
}

/// A piece of a [`Template`].
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text, escapes decoded.
    Text(String),
    /// `{expr}`, with the expression's span inside the file.
    Hole(Node<Expr>),
}

/// Binary operators, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`.
    Or,
    /// `and`.
    And,
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
    /// `in`: membership of a value in a list.
    In,
    /// `sells`: `platform sells product`.
    Sells,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Sells => "sells",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `not`.
    Not,
    /// `-` (negation).
    Neg,
}

/// Aggregates over a comprehension `agg(expr for x in source where cond)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggKind {
    /// True when `expr` holds for at least one element.
    Any,
    /// True when `expr` holds for every element (true on none).
    All,
    /// How many elements (pass the variable as `expr`).
    Count,
    /// Sum of `expr`.
    Sum,
    /// Smallest `expr`.
    Min,
    /// Largest `expr`.
    Max,
    /// Mean of `expr`.
    Avg,
    /// The distinct values of `expr`, in first-seen order.
    List,
}

impl AggKind {
    /// The aggregate's name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            AggKind::Any => "any",
            AggKind::All => "all",
            AggKind::Count => "count",
            AggKind::Sum => "sum",
            AggKind::Min => "min",
            AggKind::Max => "max",
            AggKind::Avg => "avg",
            AggKind::List => "list",
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `12`, `4.5`: a plain number, kept as written.
    Number(CompactString),
    /// `10%`, `4.5%`: the text before `%`.
    Percent(CompactString),
    /// `"text"`.
    Text(String),
    /// `true` / `false`.
    Bool(bool),
    /// `[a, b, c]`.
    List(Vec<Node<Expr>>),
    /// A bare name: a variable, let, param, fact, table, collection or enum word.
    Name(CompactString),
    /// `base.field`.
    Field {
        /// What the field is read from.
        base: Box<Node<Expr>>,
        /// The field's name.
        field: Ident,
    },
    /// `table[key]`.
    Index {
        /// The table (a name).
        base: Box<Node<Expr>>,
        /// The key.
        key: Box<Node<Expr>>,
    },
    /// `op expr`.
    Unary {
        /// The operator.
        op: Node<UnOp>,
        /// Its operand.
        operand: Box<Node<Expr>>,
    },
    /// `lhs op rhs`; `op` has the operator's own span so errors can point at it.
    Binary {
        /// The operator.
        op: Node<BinOp>,
        /// Left operand.
        lhs: Box<Node<Expr>>,
        /// Right operand.
        rhs: Box<Node<Expr>>,
    },
    /// `agg(expr for x in source [where cond])`.
    Aggregate {
        /// Which aggregate, with the span of its name.
        kind: Node<AggKind>,
        /// The value computed per element.
        body: Box<Node<Expr>>,
        /// The element variable and what it ranges over.
        binding: Box<Node<Binding>>,
        /// Filter.
        filter: Option<Box<Node<Expr>>>,
    },
    /// `if cond then a else b`.
    If {
        /// The condition.
        cond: Box<Node<Expr>>,
        /// Value when it holds.
        then: Box<Node<Expr>>,
        /// Value otherwise.
        otherwise: Box<Node<Expr>>,
    },
    /// `name(args)`: a builtin function (`sum(record)`, `max(a, b)`, `count(list)`,
    /// `overlaps(a, b)`...). Aggregate names called with plain arguments land here too.
    Call {
        /// The function's name.
        name: Ident,
        /// Arguments.
        args: Vec<Node<Expr>>,
    },
    /// `(expr)`, kept so the formatter and error spans respect what was written.
    Paren(Box<Node<Expr>>),
}
