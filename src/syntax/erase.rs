//! Span erasure: a copy of a syntax tree with every position forgotten.
//!
//! Two parses of differently laid-out text give trees that differ only in spans;
//! erasing them lets a test say "the formatted text means the same thing" with `==`.

use crate::source::Span;
use crate::syntax::ast::{
    Binding, Clause, Expr, File, Item, Let, Node, Param, Rule, Source, Table, TableRow, Template,
    TemplatePart, TypeExpr,
};

/// `file` with every span set to `Span::default()` and its comments dropped (they are
/// trivia: compare them separately, by text).
pub fn erase_spans(file: &File) -> File {
    File {
        items: file.items.iter().map(item).collect(),
        comments: Vec::new(),
    }
}

/// `e` with every span set to `Span::default()`.
pub fn erase_expr_spans(e: &Node<Expr>) -> Node<Expr> {
    expr(e)
}

fn node<T>(kind: T) -> Node<T> {
    Node::new(kind, Span::default())
}

fn ident<T: Clone>(n: &Node<T>) -> Node<T> {
    node(n.kind.clone())
}

fn item(i: &Item) -> Item {
    match i {
        Item::Param(p) => Item::Param(node(param(&p.kind))),
        Item::Let(l) => Item::Let(node(let_(&l.kind))),
        Item::Table(t) => Item::Table(node(table(&t.kind))),
        Item::Rule(r) => Item::Rule(node(rule(&r.kind))),
    }
}

fn param(p: &Param) -> Param {
    Param {
        name: ident(&p.name),
        ty: ty(&p.ty),
        default: expr(&p.default),
        doc: p.doc.as_ref().map(ident),
    }
}

fn let_(l: &Let) -> Let {
    Let {
        name: ident(&l.name),
        ty: l.ty.as_ref().map(ty),
        value: expr(&l.value),
    }
}

fn table(t: &Table) -> Table {
    Table {
        name: ident(&t.name),
        key_ty: ty(&t.key_ty),
        value_ty: ty(&t.value_ty),
        default: t.default.as_ref().map(expr),
        rows: t
            .rows
            .iter()
            .map(|r| {
                node(TableRow {
                    key: expr(&r.kind.key),
                    value: expr(&r.kind.value),
                })
            })
            .collect(),
    }
}

fn ty(t: &Node<TypeExpr>) -> Node<TypeExpr> {
    node(match &t.kind {
        TypeExpr::List(inner) => TypeExpr::List(Box::new(ty(inner))),
        other => other.clone(),
    })
}

fn rule(r: &Rule) -> Rule {
    Rule {
        id: ident(&r.id),
        clauses: r.clauses.iter().map(|c| node(clause(&c.kind))).collect(),
    }
}

fn clause(c: &Clause) -> Clause {
    match c {
        Clause::Title(s) => Clause::Title(ident(s)),
        Clause::Area(i) => Clause::Area(ident(i)),
        Clause::Severity(i) => Clause::Severity(ident(i)),
        Clause::Escalate { level, when } => Clause::Escalate {
            level: ident(level),
            when: Box::new(expr(when)),
        },
        Clause::Source(i) => Clause::Source(ident(i)),
        Clause::Tags(tags) => Clause::Tags(tags.iter().map(ident).collect()),
        Clause::For { bindings, filter } => Clause::For {
            bindings: bindings.iter().map(binding).collect(),
            filter: filter.as_deref().map(|f| Box::new(expr(f))),
        },
        Clause::Let(l) => Clause::Let(Box::new(node(let_(&l.kind)))),
        Clause::When(e) => Clause::When(Box::new(expr(e))),
        Clause::Advise(t) => Clause::Advise(template(t)),
        Clause::Because(t) => Clause::Because(template(t)),
        Clause::Action(t) => Clause::Action(template(t)),
        Clause::Conclude(i) => Clause::Conclude(ident(i)),
        Clause::Suppress(i) => Clause::Suppress(ident(i)),
    }
}

fn template(t: &Node<Template>) -> Node<Template> {
    node(Template {
        parts: t
            .kind
            .parts
            .iter()
            .map(|p| match p {
                TemplatePart::Text(s) => TemplatePart::Text(s.clone()),
                TemplatePart::Hole(e) => TemplatePart::Hole(expr(e)),
            })
            .collect(),
    })
}

fn binding(b: &Node<Binding>) -> Node<Binding> {
    let source = match &b.kind.source.kind {
        Source::Collection(c) => Source::Collection(boxed(c)),
        Source::Top {
            n,
            collection,
            filter,
            key,
        } => Source::Top {
            n: boxed(n),
            collection: boxed(collection),
            filter: filter.as_deref().map(boxed),
            key: boxed(key),
        },
    };
    node(Binding {
        var: ident(&b.kind.var),
        source: node(source),
    })
}

fn boxed(e: &Node<Expr>) -> Box<Node<Expr>> {
    Box::new(expr(e))
}

/// Recursion is bounded by the parser's expression depth limit.
fn expr(e: &Node<Expr>) -> Node<Expr> {
    node(match &e.kind {
        Expr::Number(_) | Expr::Percent(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Name(_) => {
            e.kind.clone()
        }
        Expr::List(items) => Expr::List(items.iter().map(expr).collect()),
        Expr::Field { base, field } => Expr::Field {
            base: boxed(base),
            field: ident(field),
        },
        Expr::Index { base, key } => Expr::Index {
            base: boxed(base),
            key: boxed(key),
        },
        Expr::Unary { op, operand } => Expr::Unary {
            op: node(op.kind),
            operand: boxed(operand),
        },
        Expr::Binary { op, lhs, rhs } => Expr::Binary {
            op: node(op.kind),
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Expr::Aggregate {
            kind,
            body,
            binding: b,
            filter,
        } => Expr::Aggregate {
            kind: node(kind.kind),
            body: boxed(body),
            binding: Box::new(binding(b)),
            filter: filter.as_deref().map(boxed),
        },
        Expr::If {
            cond,
            then,
            otherwise,
        } => Expr::If {
            cond: boxed(cond),
            then: boxed(then),
            otherwise: boxed(otherwise),
        },
        Expr::Call { name, args } => Expr::Call {
            name: ident(name),
            args: args.iter().map(expr).collect(),
        },
        Expr::Paren(inner) => Expr::Paren(boxed(inner)),
    })
}
