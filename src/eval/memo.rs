//! Sharing arithmetic between rules: a per-evaluation memo of the numeric values of
//! expressions that several rules write alike.
//!
//! The default rules compute the same per-order figures again and again: `commission`
//! and `net` in three profit rules, the same `net ÷ price` inlined in
//! `platform_not_paying_back`'s average. Such an expression depends only on the
//! product and the platform it is evaluated for (and on params and global lets, fixed
//! for an evaluation), so its value for (product i, platform j) can be computed once
//! and read by every other rule that writes it.
//!
//! A [`MemoPlan`] is made once per rule set: every arithmetic node of the rules that
//! is built only from arithmetic, numeric literals, params, global lets, fields of one
//! product and one platform variable, and the rule's own lets (inlined by their
//! expression), gets a structural key; keys met at two places or more become
//! classes. At run time a node of a class looks its value up by (class, product
//! index, platform index), read from the variables' frame slots. Only computed
//! numbers are kept: an unknown (a missing fact, a division by zero, an overflow)
//! names its own rule's expression, so it is computed again where it occurs.
//!
//! Rules also share their `for … where …`: four profit rules range over the same
//! products and platforms with the same filter. The first of them records the
//! bindings its filter let through (and those it could not decide); the others
//! replay that record instead of binding and filtering again. A filter that reads a
//! fact is never shared: facts change as rules run.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::interp::{Frame, Slot};
use super::value::Value;
use crate::check::ir::{Expr, ExprKind, Lit, LocalLet, RuleDecl, RuleSet, SourceIr};
use crate::check::types::{Arith, Type};
use crate::check::walk;

/// A memoized node: its class and the frame slots of the product and the platform
/// variables it reads (at most one of each).
#[derive(Clone, Copy, Debug)]
pub struct Site {
    class: usize,
    product: Option<usize>,
    platform: Option<usize>,
}

/// How a rule shares the bindings its filter lets through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bindings {
    /// It binds and filters on its own.
    #[default]
    Own,
    /// It binds and filters, and records what passed for later rules to replay.
    Records,
    /// It replays what the earlier rule at this index recorded.
    Replays(usize),
}

/// Which nodes of a rule set share values, made once per rule set.
#[derive(Debug, Default)]
pub struct MemoPlan {
    /// Number of classes.
    classes: usize,
    /// By rule index, its memoized nodes by address (a few: a list is searched
    /// faster than a map).
    rules: Vec<Vec<(usize, Site)>>,
    /// By rule index, how it shares its bindings with other rules.
    bindings: Vec<Bindings>,
    /// The address and length of the rule list the plan was made for: a rule set is
    /// never changed once checked, and a plan that does not match is not used.
    anchor: (usize, usize),
}

impl MemoPlan {
    /// The plan for `rules`.
    pub fn new(rules: &RuleSet) -> MemoPlan {
        let mut found: Vec<Found> = Vec::new();
        for (r, rule) in rules.rules.iter().enumerate() {
            collect_rule(rule, r, &mut found);
        }
        // Structurally equal nodes, by key.
        let mut groups: HashMap<&[Tok], Vec<usize>> = HashMap::new();
        for (i, f) in found.iter().enumerate() {
            groups.entry(&f.key).or_default().push(i);
        }
        // A node written inside a memoized node is computed only when that one is
        // not in the memo, so its own value is reused only where it stands alone:
        // a key is worth a class when it stands alone in two places at least. Keys
        // are decided outermost first (an enclosing key is the longer), so what
        // encloses a node is decided before the node is. Ties go by first
        // occurrence, so the plan does not depend on hashing.
        let mut order: Vec<(&[Tok], Vec<usize>)> = groups.into_iter().collect();
        order.sort_by(|a, b| {
            b.0.len()
                .cmp(&a.0.len())
                .then(a.1.first().cmp(&b.1.first()))
        });
        let mut kept = vec![false; found.len()];
        let mut plan = MemoPlan {
            rules: vec![Vec::new(); rules.rules.len()],
            bindings: share_bindings(&rules.rules),
            anchor: (rules.rules.as_ptr() as usize, rules.rules.len()),
            ..MemoPlan::default()
        };
        for (_, sites) in order {
            let alone = sites
                .iter()
                .filter(|i| {
                    found.get(**i).is_some_and(|f| {
                        !f.within
                            .iter()
                            .any(|w| kept.get(*w).copied().unwrap_or(false))
                    })
                })
                .count();
            if alone < 2 {
                continue;
            }
            let class = plan.classes;
            plan.classes += 1;
            for i in sites {
                let Some(f) = found.get(i) else { continue };
                if let Some(k) = kept.get_mut(i) {
                    *k = true;
                }
                if let Some(list) = plan.rules.get_mut(f.rule) {
                    list.push((
                        f.addr,
                        Site {
                            class,
                            product: f.vars.product,
                            platform: f.vars.platform,
                        },
                    ));
                }
            }
        }
        plan
    }

    /// Whether this plan was made for `rules`.
    pub fn fits(&self, rules: &RuleSet) -> bool {
        self.anchor == (rules.rules.as_ptr() as usize, rules.rules.len())
    }

    /// The memoized nodes of rule `r`, by address (empty when it shares nothing).
    pub fn sites(&self, r: usize) -> &[(usize, Site)] {
        self.rules.get(r).map_or(&[], Vec::as_slice)
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// How rule `r` shares its bindings.
    pub fn bindings(&self, r: usize) -> Bindings {
        self.bindings.get(r).copied().unwrap_or_default()
    }
}

/// For each rule, whether it records its passing bindings, replays an earlier rule's,
/// or does neither.
///
/// A rule replays the first earlier rule that has the same bindings and the same
/// filter. Both must range over every product or every platform only, so that
/// binding never meets an unknown collection, and the filter must read no fact: a
/// fact is set by its rule during the evaluation, so the same filter could decide
/// differently before and after. What the filter reads otherwise (params, global
/// lets, the profile) is fixed for an evaluation.
fn share_bindings(rules: &[RuleDecl]) -> Vec<Bindings> {
    // The bindings and filter of a rule that may share them: one pass, each rule
    // looked up among the first of every kind met so far (a rule set may hold
    // thousands of rules).
    type Key<'r> = (Vec<(usize, &'r SourceIr)>, &'r Expr);
    fn key(rule: &RuleDecl) -> Option<Key<'_>> {
        let filter = rule.filter.as_ref()?;
        let mut reads_fact = false;
        walk::visit(filter, &mut |x| {
            reads_fact |= matches!(x.kind, ExprKind::Fact(_));
        });
        let every = rule
            .bindings
            .iter()
            .all(|b| matches!(b.source, SourceIr::Products | SourceIr::Platforms));
        (!reads_fact && every).then(|| {
            let bindings = rule.bindings.iter().map(|b| (b.slot, &b.source)).collect();
            (bindings, filter)
        })
    }
    let mut out = vec![Bindings::Own; rules.len()];
    let mut first: HashMap<Key<'_>, usize> = HashMap::new();
    for (r, rule) in rules.iter().enumerate() {
        let Some(k) = key(rule) else { continue };
        match first.get(&k) {
            Some(&l) => {
                if let Some(o) = out.get_mut(l) {
                    *o = Bindings::Records;
                }
                if let Some(o) = out.get_mut(r) {
                    *o = Bindings::Replays(l);
                }
            }
            None => {
                first.insert(k, r);
            }
        }
    }
    out
}

/// One evaluation's memo.
pub struct Memo {
    /// By class, the values by `product × platforms + platform` (a class that reads
    /// no product or no platform uses index 0 for it); allocated on first store.
    values: Vec<Vec<Option<Decimal>>>,
    products: usize,
    platforms: usize,
}

impl Memo {
    /// An empty memo for a profile of `products` products and `platforms` platforms.
    pub fn new(plan: &MemoPlan, products: usize, platforms: usize) -> Self {
        Memo {
            values: vec![Vec::new(); plan.classes],
            products,
            platforms,
        }
    }

    /// The cell of the memoized node `site` for the variables bound in `frame`:
    /// `None` when a variable's slot holds no product or platform.
    #[inline]
    pub fn cell(&self, site: &Site, frame: &Frame<'_>) -> Option<(usize, usize)> {
        let i = match site.product {
            Some(s) => match frame.slots.get(s) {
                Some(Slot::Done(Ok(Value::Product(i)))) if (*i as usize) < self.products => {
                    *i as usize
                }
                _ => return None,
            },
            None => 0,
        };
        let j = match site.platform {
            Some(s) => match frame.slots.get(s) {
                Some(Slot::Done(Ok(Value::Platform(j)))) if (*j as usize) < self.platforms => {
                    *j as usize
                }
                _ => return None,
            },
            None => 0,
        };
        Some((site.class, i * self.platforms.max(1) + j))
    }

    /// The value kept in `cell`.
    #[inline]
    pub fn get(&self, (class, ix): (usize, usize)) -> Option<Decimal> {
        self.values.get(class)?.get(ix).copied().flatten()
    }

    /// Keeps `v` in `cell`.
    pub fn put(&mut self, (class, ix): (usize, usize), v: Decimal) {
        let size = self.products.max(1) * self.platforms.max(1);
        if let Some(values) = self.values.get_mut(class) {
            if values.is_empty() {
                values.resize(size, None);
            }
            if let Some(c) = values.get_mut(ix) {
                *c = Some(v);
            }
        }
    }
}

/// A token of a structural key, in prefix order (every token has a fixed arity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Tok {
    Arith(Arith),
    Neg,
    /// A numeric literal as written: mantissa and scale (`1.0` is not `1.00`).
    Num(i128, u32),
    Param(usize),
    Let(usize),
    /// A field of the product (`false`) or the platform (`true`) variable.
    Field(bool, usize),
}

/// The product and platform variables a key reads.
#[derive(Clone, Copy, Default)]
struct Vars {
    product: Option<usize>,
    platform: Option<usize>,
}

impl Vars {
    /// Records a read of `slot`; false when a second variable of its kind appears.
    fn read(&mut self, platform: bool, slot: usize) -> bool {
        let v = if platform {
            &mut self.platform
        } else {
            &mut self.product
        };
        match v {
            Some(s) => *s == slot,
            None => {
                *v = Some(slot);
                true
            }
        }
    }
}

/// A qualifying node.
struct Found {
    addr: usize,
    rule: usize,
    key: Vec<Tok>,
    vars: Vars,
    /// The qualifying nodes it is written inside, by index in the list of found nodes.
    within: Vec<usize>,
}

/// Collects the qualifying arithmetic nodes of the expressions a rule evaluates on the
/// plain path (not its templates, which only explanations compute).
fn collect_rule(rule: &RuleDecl, r: usize, out: &mut Vec<Found>) {
    let mut shadow = Vec::new();
    let mut within = Vec::new();
    let mut roots: Vec<&Expr> = Vec::new();
    for b in &rule.bindings {
        walk::source_roots(&b.source, &mut roots);
    }
    roots.extend(rule.filter.iter());
    // Binding sources and the filter are checked before the lets are in scope.
    for e in roots {
        collect(e, rule, 0, &mut shadow, &mut within, r, out);
    }
    for (k, l) in rule.lets.iter().enumerate() {
        collect(&l.expr, rule, k, &mut shadow, &mut within, r, out);
    }
    let all = rule.lets.len();
    collect(&rule.when, rule, all, &mut shadow, &mut within, r, out);
    for (_, e) in &rule.escalations {
        collect(e, rule, all, &mut shadow, &mut within, r, out);
    }
}

/// Collects the qualifying nodes in `e`, where the first `scope` lets of `rule` are
/// in scope, the slots in `shadow` are aggregate variables and `within` lists the
/// qualifying nodes `e` is written inside.
fn collect(
    e: &Expr,
    rule: &RuleDecl,
    scope: usize,
    shadow: &mut Vec<usize>,
    within: &mut Vec<usize>,
    r: usize,
    out: &mut Vec<Found>,
) {
    let depth = within.len();
    if let ExprKind::Arith(..) = e.kind
        && e.ty.is_numeric()
    {
        let mut k = Vec::new();
        let mut vars = Vars::default();
        if key(e, &rule.lets, scope, shadow, &mut k, &mut vars) {
            out.push(Found {
                addr: e as *const Expr as usize,
                rule: r,
                key: k,
                vars,
                within: within.clone(),
            });
            within.push(out.len() - 1);
        }
    }
    // The aggregate's variable (and a `top`'s) hides any let in its slot.
    let hidden = shadow.len();
    if let ExprKind::Aggregate { slot, source, .. } = &e.kind {
        shadow.push(*slot);
        source_slots(source, shadow);
    }
    walk::children(e, &mut |x| collect(x, rule, scope, shadow, within, r, out));
    shadow.truncate(hidden);
    within.truncate(depth);
}

/// The slots `top` sources bind.
fn source_slots(s: &SourceIr, out: &mut Vec<usize>) {
    if let SourceIr::Top {
        collection, slot, ..
    } = s
    {
        out.push(*slot);
        source_slots(collection, out);
    }
}

/// Writes the structural key of `e` into `out`; false when `e` does not qualify.
/// Parentheses are left out (they change nothing computed); a local let in scope is
/// replaced by its expression, whose own scope is the lets before it.
fn key(
    e: &Expr,
    lets: &[LocalLet],
    scope: usize,
    shadow: &[usize],
    out: &mut Vec<Tok>,
    vars: &mut Vars,
) -> bool {
    match &e.kind {
        ExprKind::Arith(op, a, b) => {
            out.push(Tok::Arith(*op));
            key(a, lets, scope, shadow, out, vars) && key(b, lets, scope, shadow, out, vars)
        }
        ExprKind::Neg(x) => {
            out.push(Tok::Neg);
            key(x, lets, scope, shadow, out, vars)
        }
        ExprKind::Paren(x) => key(x, lets, scope, shadow, out, vars),
        ExprKind::Lit(Lit::Num(d)) => {
            out.push(Tok::Num(d.mantissa(), d.scale()));
            true
        }
        ExprKind::Param(id) => {
            out.push(Tok::Param(*id));
            true
        }
        ExprKind::Let(id) => {
            out.push(Tok::Let(*id));
            true
        }
        ExprKind::Field { base, slot, .. } => {
            let ExprKind::Local(s) = base.kind else {
                return false;
            };
            let platform = match base.ty {
                Type::Product => false,
                Type::Platform => true,
                _ => return false,
            };
            out.push(Tok::Field(platform, *slot));
            vars.read(platform, s)
        }
        ExprKind::Local(s) => {
            if shadow.contains(s) || !e.ty.is_numeric() {
                return false;
            }
            let Some(k) = lets
                .get(..scope)
                .and_then(|ls| ls.iter().rposition(|l| l.slot == *s))
            else {
                return false;
            };
            match lets.get(k) {
                Some(l) if l.expr.ty.is_numeric() => key(&l.expr, lets, k, &[], out, vars),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The default rules share `commission`, `net`, `net ÷ price` (inlined in
    /// `platform_not_paying_back`'s average) and `price - unit_cost`; what is written
    /// only inside those (`price - unit_cost - commission - logistics`) gets no
    /// class of its own.
    #[test]
    fn default_rules_share_the_margin_arithmetic() {
        let loaded = crate::ruleset::load_builtin().unwrap();
        let rules = &loaded.rules;
        let plan = MemoPlan::new(rules);
        assert_eq!(plan.classes(), 4);
        let sharing: Vec<(&str, usize)> = rules
            .rules
            .iter()
            .enumerate()
            .filter(|(r, _)| !plan.sites(*r).is_empty())
            .map(|(r, rule)| (rule.id.as_str(), plan.sites(r).len()))
            .collect();
        assert_eq!(
            sharing,
            [
                ("thin_net_margin", 4),
                ("negative_net_margin", 3),
                ("promo_item_investment", 3),
                ("thin_upstream_margin", 1),
                ("no_price_room", 2),
                ("platform_not_paying_back", 4),
            ]
        );
        assert!(plan.fits(rules));
    }

    /// Sharing changes no outcome: every fixture's evaluation (fired bindings and
    /// their severities, unknowns and their reasons, passes, facts, global lets) is
    /// the same with the memo and without it. (Checked by hand, the same way, on
    /// 200,000 generated profiles with missing facts, zero prices and unknown
    /// commissions.)
    #[test]
    fn sharing_changes_no_outcome() {
        let loaded = crate::ruleset::load_builtin().unwrap();
        let rules = &loaded.rules;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut seen = 0;
        for dir in [root.clone(), root.join("thresholds")] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.display().to_string();
                if !name.ends_with(".yaml") || name.ends_with(".expect.yaml") {
                    continue;
                }
                let Ok(profile) = crate::profile::load_path(&path) else {
                    continue;
                };
                let Ok(params) = crate::eval::params::resolve(rules, &profile, &[]) else {
                    continue;
                };
                for keep in [false, true] {
                    let outcome = |share| {
                        let e =
                            super::super::evaluate_sharing(rules, &profile, &params, keep, share);
                        format!("{:?}\n{:?}\n{:?}", e.results, e.facts, e.lets)
                    };
                    assert_eq!(outcome(true), outcome(false), "{name}");
                }
                seen += 1;
            }
        }
        assert!(seen > 30, "only {seen} fixtures evaluated");
    }

    /// An expression of two product variables does not qualify, nor a let of one.
    #[test]
    fn what_does_not_qualify() {
        let text = "rule r {\n  title \"r\"\n  area profit\n  severity warning\n  source H1\n  for a in products, b in products\n  let d = a.price - b.price\n  when d > 0 and a.price - b.price > 0\n  advise \"a\"\n  because \"b\"\n  action \"c\"\n}\n";
        let checked =
            crate::check::check_sources(vec![crate::source::SourceFile::new("t.rules", text)])
                .unwrap();
        let rules = checked.rule_set.unwrap();
        let plan = MemoPlan::new(&rules);
        assert_eq!(plan.classes(), 0);
    }
}
