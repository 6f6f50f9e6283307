//! Walking the checked IR: the expressions of a rule and everything inside them.
//!
//! Explanations (which lets and params a rule reads) and rule documentation both need
//! the same walk; it lives here, beside the IR it walks.

use crate::check::ir::{Expr, ExprKind, RuleDecl, SourceIr, TemplatePart};

/// The roots of a rule's expressions: binding sources, filter, lets, condition,
/// escalations and template holes.
pub fn rule_roots(rule: &RuleDecl) -> Vec<&Expr> {
    let mut roots: Vec<&Expr> = Vec::new();
    for b in &rule.bindings {
        source_roots(&b.source, &mut roots);
    }
    roots.extend(rule.filter.iter());
    roots.extend(rule.lets.iter().map(|l| &l.expr));
    roots.push(&rule.when);
    roots.extend(rule.escalations.iter().map(|(_, e)| e));
    for t in std::iter::once(&rule.advise)
        .chain(std::iter::once(&rule.because))
        .chain(rule.actions.iter())
    {
        for p in &t.parts {
            if let TemplatePart::Value(e) = p {
                roots.push(e);
            }
        }
    }
    roots
}

/// The expressions of a binding source (`top` has four).
pub fn source_roots<'a>(s: &'a SourceIr, out: &mut Vec<&'a Expr>) {
    match s {
        SourceIr::Products | SourceIr::Platforms => {}
        SourceIr::List(e) => out.push(e),
        SourceIr::Top {
            n,
            collection,
            filter,
            key,
            ..
        } => {
            out.push(n);
            source_roots(collection, out);
            out.extend(filter.iter().map(|f| &**f));
            out.push(key);
        }
    }
}

/// Calls `f` on `e` and every expression inside it, binding sources included.
pub fn visit<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(e);
    children(e, &mut |x| visit(x, f));
}

/// Calls `f` on each expression directly inside `e`, binding sources included.
pub fn children<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    match &e.kind {
        ExprKind::Field { base: x, .. }
        | ExprKind::Not(x)
        | ExprKind::Neg(x)
        | ExprKind::Paren(x)
        | ExprKind::Index(_, x) => f(x),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Compare(_, a, b)
        | ExprKind::In(a, b)
        | ExprKind::Sells(a, b) => {
            f(a);
            f(b);
        }
        ExprKind::If(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        ExprKind::List(xs) | ExprKind::Call(_, xs) => xs.iter().for_each(f),
        ExprKind::Aggregate {
            source,
            filter,
            body,
            ..
        } => {
            let mut roots = Vec::new();
            source_roots(source, &mut roots);
            roots.extend(filter.iter().map(|x| &**x));
            roots.push(body);
            roots.into_iter().for_each(f);
        }
        ExprKind::Lit(_)
        | ExprKind::Param(_)
        | ExprKind::Let(_)
        | ExprKind::Local(_)
        | ExprKind::Fact(_)
        | ExprKind::Business
        | ExprKind::Products
        | ExprKind::Platforms => {}
    }
}
