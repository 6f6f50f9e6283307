//! Evaluation: a checked rule set × a loaded profile → per rule and binding, one of
//! fires, passes, or cannot assess.
//!
//! Rules run in the checker's dependency order, so a fact is set before any rule
//! reads it. Evaluation records nothing but outcomes; evidence is gathered afterwards
//! by re-running the bindings that matter with a tracer (see `explain`).

pub mod interp;
pub mod memo;
pub mod params;
pub mod value;

use crate::check::ir::{Expr, ExprKind, RuleDecl, RuleSet, Severity, SourceIr};
use crate::check::walk;
use crate::profile::Profile;
use interp::{Ctx, Frame, NoTrace, Slot, Tracer};
pub use params::{CliParam, ParamSource, ParamsInForce};
pub use value::{EntityRef, MissingFact, Unknown, Value};

/// One binding of a rule: the value of each of its variables, in order.
#[derive(Clone, Debug)]
pub struct Binding<'a> {
    /// One value per `RuleDecl::bindings` entry (fewer when a source was unknown).
    pub values: Vec<Value<'a>>,
}

impl Binding<'_> {
    /// The products and platforms this binding is about, in binding order.
    pub fn entities(&self) -> impl Iterator<Item = EntityRef> + '_ {
        self.values.iter().filter_map(|v| match v {
            Value::Product(i) => Some(EntityRef::Product(*i)),
            Value::Platform(i) => Some(EntityRef::Platform(*i)),
            _ => None,
        })
    }
}

/// A binding where the rule fired.
#[derive(Clone, Debug)]
pub struct Fired<'a> {
    /// The binding.
    pub binding: Binding<'a>,
    /// Its severity after `escalate` clauses.
    pub severity: Severity,
}

/// What one rule gave for one profile.
#[derive(Debug)]
pub struct RuleResult<'a> {
    /// The rule.
    pub rule: &'a RuleDecl,
    /// Bindings where it fired.
    pub fired: Vec<Fired<'a>>,
    /// Bindings it could not assess, and why.
    pub unknown: Vec<(Binding<'a>, Unknown)>,
    /// Bindings where it passed (kept only when asked: `why-not` and tests).
    pub passed: Vec<Binding<'a>>,
    /// How many bindings passed.
    pub passes: usize,
}

/// The outcome of one profile's evaluation.
pub struct Evaluation<'a> {
    /// The rule set.
    pub rules: &'a RuleSet,
    /// The profile.
    pub profile: &'a Profile,
    /// Params in force.
    pub params: &'a ParamsInForce,
    /// One result per rule, in evaluation order.
    pub results: Vec<RuleResult<'a>>,
    /// The facts as the rules concluded them, by fact id. Explaining a rule that
    /// reads a fact must see the value its evaluation saw, not re-derive it.
    pub facts: Vec<Option<Result<bool, Box<Unknown>>>>,
    /// The global lets computed on the way, by let id: explanation reuses them
    /// instead of computing every aggregate again.
    pub lets: Vec<Option<value::Eval<'a>>>,
}

/// Evaluates every rule against `profile`. `keep_passes` keeps passing bindings (for
/// `why-not`); the audit needs only their count.
pub fn evaluate<'a>(
    rules: &'a RuleSet,
    profile: &'a Profile,
    params: &'a ParamsInForce,
    keep_passes: bool,
) -> Evaluation<'a> {
    evaluate_sharing(rules, profile, params, keep_passes, true)
}

/// [`evaluate`], with or without the memo of shared arithmetic (`share`): the tests
/// hold the two to the same outcomes.
fn evaluate_sharing<'a>(
    rules: &'a RuleSet,
    profile: &'a Profile,
    params: &'a ParamsInForce,
    keep_passes: bool,
    share: bool,
) -> Evaluation<'a> {
    let mut ctx = Ctx::new(rules, profile, param_values(params));
    // Arithmetic that several rules write alike is computed once per product and
    // platform, and rules with the same `for … where …` filter once (see `memo`);
    // the plan is made on the rule set's first evaluation.
    let plan = rules.memo.get_or_init(|| memo::MemoPlan::new(rules));
    let plan = (share && plan.fits(rules)).then_some(plan);
    ctx.memo = plan
        .filter(|p| p.classes() > 0)
        .map(|p| memo::Memo::new(p, profile.products.len(), profile.platforms.len()));
    let results = {
        let mut results = Vec::with_capacity(rules.rules.len());
        // What recording rules' filters let through, by rule index.
        let mut records: Vec<(usize, Passing<'a>)> = Vec::new();
        // One frame for every rule, prepared afresh for each: its two vectors are
        // allocated once per evaluation, not once per rule.
        let mut frame = Frame::new(0, Vec::new());
        for (r, rule) in rules.rules.iter().enumerate() {
            ctx.memo_sites = plan.map_or(&[], |p| p.sites(r));
            ctx.file = rule.loc.file;
            let sharing = plan.map_or(memo::Bindings::Own, |p| p.bindings(r));
            let mut record =
                (sharing == memo::Bindings::Records).then(|| Passing::room(rule, profile));
            let replay = match sharing {
                memo::Bindings::Replays(l) => {
                    records.iter().find(|(at, _)| *at == l).map(|(_, p)| p)
                }
                _ => None,
            };
            let result = run_rule(
                &mut ctx,
                rule,
                keep_passes,
                &mut frame,
                record.as_mut(),
                replay,
            );
            if let Some(record) = record {
                records.push((r, record));
            }
            let fact = if !result.fired.is_empty() {
                Ok(true)
            } else if let Some((_, u)) = result.unknown.first() {
                Err(Box::new(u.clone()))
            } else {
                Ok(false)
            };
            for f in &rule.concludes {
                if let Some(slot) = ctx.facts.get_mut(*f) {
                    *slot = Some(fact.clone());
                }
            }
            results.push(result);
        }
        results
    };
    Evaluation {
        rules,
        profile,
        params,
        results,
        facts: ctx.facts,
        lets: ctx.lets,
    }
}

/// Params in force as evaluation values, by param id.
pub fn param_values(params: &ParamsInForce) -> Vec<Value<'_>> {
    params.values.iter().map(value::lit_value).collect()
}

/// A frame for `rule` with its local lets registered by slot.
pub fn rule_frame<'a>(rule: &'a RuleDecl) -> Frame<'a> {
    let mut frame = Frame::new(0, Vec::new());
    prepare_frame(&mut frame, rule);
    frame
}

/// Makes `frame` an empty frame for `rule`, keeping its allocations: the
/// explainer fills one frame per recommendation.
pub fn prepare_frame<'a>(frame: &mut Frame<'a>, rule: &'a RuleDecl) {
    frame.slots.clear();
    frame.slots.resize(rule.frame_size, Slot::Empty);
    frame.lets.clear();
    frame.lets.resize(rule.frame_size, None);
    for l in &rule.lets {
        if let Some(slot) = frame.lets.get_mut(l.slot) {
            *slot = Some(&l.expr);
        }
    }
}

/// The bindings a rule's filter let through, for the rules with the same
/// `for … where …` to replay (see `memo::Bindings`).
struct Passing<'a> {
    /// Their values, one per binding variable, binding after binding.
    values: Vec<Value<'a>>,
    /// Per binding, whether the filter could not be decided (else it held). A
    /// replay runs such a filter again, so that the unknown names the replaying
    /// rule's own expression, as it would have without sharing.
    unknown: Vec<bool>,
}

impl Passing<'_> {
    /// An empty record with room for every binding `rule`'s filter could let through
    /// on `profile`, so that recording does not grow it step by step. (Only rules over
    /// every product or platform record.)
    fn room(rule: &RuleDecl, profile: &Profile) -> Self {
        let all = rule.bindings.iter().fold(1usize, |n, b| {
            n.saturating_mul(match b.source {
                SourceIr::Products => profile.products.len(),
                SourceIr::Platforms => profile.platforms.len(),
                _ => 0,
            })
        });
        Passing {
            values: Vec::with_capacity(all.saturating_mul(rule.bindings.len())),
            unknown: Vec::with_capacity(all),
        }
    }
}

/// A conjunct of a rule's `where` filter.
struct Conjunct<'a> {
    expr: &'a Expr,
    /// The binding depth whose variable is the only one it reads, when that variable
    /// ranges over every product or every platform: its value for each element is
    /// then computed once per rule, not once per binding, and kept in `memo`.
    depth: Option<usize>,
    /// By element index, the values computed so far (only with `depth`).
    memo: Vec<Option<Result<bool, Box<Unknown>>>>,
}

/// The filter as conjuncts, when splitting it pays: a rule with nested bindings
/// (`product in products, platform in platforms where platform sells product and
/// platform.status == live`) tests its per-platform conjuncts once per platform.
///
/// `a and b` is false when either is false, else the first unknown, else true, so the
/// conjuncts may be decided in any order and at any time: on the plain path they
/// have no effect but their value (global lets are cached, and the same for every
/// binding). The leaf still combines them in order, so the unknown reported is the
/// same one.
fn filter_plan<'a>(rule: &'a RuleDecl, profile: &Profile) -> Vec<Conjunct<'a>> {
    let Some(filter) = &rule.filter else {
        return Vec::new();
    };
    if rule.bindings.len() < 2 {
        return Vec::new();
    }
    fn split<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match &e.kind {
            ExprKind::And(a, b) => {
                split(a, out);
                split(b, out);
            }
            ExprKind::Paren(x) => split(x, out),
            _ => out.push(e),
        }
    }
    let mut parts = Vec::new();
    split(filter, &mut parts);
    parts
        .into_iter()
        .map(|expr| {
            // The filter is checked before the lets are in scope, so a slot it reads
            // is a binding variable or a variable of an aggregate inside it.
            let mut depths: Vec<usize> = Vec::new();
            walk::visit(expr, &mut |x| {
                if let ExprKind::Local(slot) = x.kind
                    && let Some(d) = rule.bindings.iter().position(|b| b.slot == slot)
                    && !depths.contains(&d)
                {
                    depths.push(d);
                }
            });
            let depth = match depths.as_slice() {
                [d] => Some(*d),
                _ => None,
            };
            let len = match depth.and_then(|d| rule.bindings.get(d)).map(|b| &b.source) {
                Some(SourceIr::Products) => Some(profile.products.len()),
                Some(SourceIr::Platforms) => Some(profile.platforms.len()),
                _ => None,
            };
            Conjunct {
                expr,
                depth: len.and(depth),
                memo: vec![None; len.unwrap_or(0)],
            }
        })
        .collect()
}

/// Runs `rule` over its bindings, or over those `replay` recorded for a rule with the
/// same bindings and filter; `record` keeps what the filter let through.
fn run_rule<'a>(
    ctx: &mut Ctx<'a>,
    rule: &'a RuleDecl,
    keep_passes: bool,
    frame: &mut Frame<'a>,
    record: Option<&mut Passing<'a>>,
    replay: Option<&Passing<'a>>,
) -> RuleResult<'a> {
    let conjuncts = match replay {
        Some(_) => Vec::new(),
        None => filter_plan(rule, ctx.profile),
    };
    // Below a binding whose every deeper source is all products or all platforms,
    // a conjunct that is false rules out every binding under it: none of them can
    // fire, pass, or be unknown for want of a collection. (Both tables serve only
    // the split filter; most rules need neither, nor their allocation.)
    let split = !conjuncts.is_empty();
    let mut prunable = Vec::new();
    if split {
        prunable = vec![false; rule.bindings.len()];
        let mut infallible = true;
        for (d, b) in rule.bindings.iter().enumerate().rev() {
            prunable[d] = infallible;
            infallible &= matches!(b.source, SourceIr::Products | SourceIr::Platforms);
        }
    }
    prepare_frame(frame, rule);
    let mut run = RuleRun {
        rule,
        frame,
        values: Vec::with_capacity(rule.bindings.len()),
        index: if split {
            vec![0; rule.bindings.len()]
        } else {
            Vec::new()
        },
        conjuncts,
        prunable,
        result: RuleResult {
            rule,
            fired: Vec::new(),
            unknown: Vec::new(),
            passed: Vec::new(),
            passes: 0,
        },
        keep_passes,
        record,
    };
    match replay {
        Some(passing) => run.replay(ctx, passing),
        None => run.bind(ctx, 0),
    }
    run.result
}

/// The state of one rule's run over its bindings.
struct RuleRun<'a, 'f> {
    rule: &'a RuleDecl,
    frame: &'f mut Frame<'a>,
    values: Vec<Value<'a>>,
    /// Per binding depth, the index of the current element in its source.
    index: Vec<usize>,
    /// The filter split in conjuncts (empty: the filter runs whole at the leaf).
    conjuncts: Vec<Conjunct<'a>>,
    /// Per depth, whether a false conjunct there may skip the bindings under it.
    prunable: Vec<bool>,
    result: RuleResult<'a>,
    keep_passes: bool,
    /// Where the bindings the filter lets through are recorded, for later rules.
    record: Option<&'f mut Passing<'a>>,
}

impl<'a> RuleRun<'a, '_> {
    fn binding(&self) -> Binding<'a> {
        Binding {
            values: self.values.clone(),
        }
    }

    /// Binds variable `depth` to each element of its source, then recurses.
    fn bind(&mut self, ctx: &mut Ctx<'a>, depth: usize) {
        let Some(b) = self.rule.bindings.get(depth) else {
            self.leaf(ctx);
            return;
        };
        // Every product or every platform (most bindings): each element is made from
        // its index in place, rather than taken from a list that is matched on and
        // cloned once per element. (The same elements, in the same order, as
        // `Ctx::elements` gives.)
        match b.source {
            SourceIr::Products => {
                for i in 0..ctx.profile.products.len() as u32 {
                    self.visit(ctx, depth, b.slot, i as usize, Value::Product(i));
                }
                return;
            }
            SourceIr::Platforms => {
                for i in 0..ctx.profile.platforms.len() as u32 {
                    self.visit(ctx, depth, b.slot, i as usize, Value::Platform(i));
                }
                return;
            }
            _ => {}
        }
        let elements = match ctx.elements(&b.source, self.frame, &mut NoTrace) {
            Ok(list) => list,
            Err(u) => {
                // The collection itself is unknown (e.g. `platform.tools` not given):
                // the partial binding cannot be assessed.
                let binding = self.binding();
                self.result.unknown.push((binding, *u));
                return;
            }
        };
        for (i, v) in elements.iter().enumerate() {
            self.visit(ctx, depth, b.slot, i, v);
        }
    }

    /// Binds variable `depth` (in `slot`) to `v`, element `i` of its source, and
    /// goes on to the next variable unless a conjunct already rules it out.
    #[inline(always)]
    fn visit(&mut self, ctx: &mut Ctx<'a>, depth: usize, slot: usize, i: usize, v: Value<'a>) {
        self.frame.set(slot, v.clone());
        if !self.conjuncts.is_empty() {
            if let Some(ix) = self.index.get_mut(depth) {
                *ix = i;
            }
            if !self.decide_at(ctx, depth, i) {
                return;
            }
        }
        self.values.push(v);
        self.bind(ctx, depth + 1);
        self.values.pop();
    }

    /// Decides the conjuncts that read only the variable at `depth`, now element `i`;
    /// false when one is false and the bindings under it may be skipped.
    fn decide_at(&mut self, ctx: &mut Ctx<'a>, depth: usize, i: usize) -> bool {
        let prunable = self.prunable.get(depth).copied().unwrap_or(false);
        let mut keep = true;
        for c in &mut self.conjuncts {
            if c.depth != Some(depth) {
                continue;
            }
            let Some(cell) = c.memo.get_mut(i) else {
                continue;
            };
            let v = match cell {
                Some(v) => v,
                None => cell.insert(ctx.eval_bool(c.expr, self.frame, &mut NoTrace)),
            };
            if prunable && matches!(v, Ok(false)) {
                keep = false;
            }
        }
        keep
    }

    /// The filter for the current binding: its conjuncts in order, false winning
    /// over unknown, the first unknown over true (as `and` gives).
    fn filter(&mut self, ctx: &mut Ctx<'a>, filter: &'a Expr) -> Result<bool, Box<Unknown>> {
        if self.conjuncts.is_empty() {
            return ctx.eval_bool(filter, self.frame, &mut NoTrace);
        }
        let mut unknown: Option<Box<Unknown>> = None;
        for c in &self.conjuncts {
            let memo = c
                .depth
                .and_then(|d| self.index.get(d))
                .and_then(|i| c.memo.get(*i))
                .and_then(Option::as_ref);
            let v = match memo {
                Some(Ok(b)) => Ok(*b),
                Some(Err(u)) => Err(u.clone()),
                None => ctx.eval_bool(c.expr, self.frame, &mut NoTrace),
            };
            match v {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(u) => {
                    unknown.get_or_insert(u);
                }
            }
        }
        match unknown {
            Some(u) => Err(u),
            None => Ok(true),
        }
    }

    /// One complete binding: filter, condition, severity.
    fn leaf(&mut self, ctx: &mut Ctx<'a>) {
        if let Some(filter) = &self.rule.filter {
            match self.filter(ctx, filter) {
                Ok(true) => self.keep_passing(false),
                Ok(false) => return,
                Err(u) => {
                    self.keep_passing(true);
                    let binding = self.binding();
                    self.result.unknown.push((binding, *u));
                    return;
                }
            }
        }
        self.decide(ctx);
    }

    /// Records the current binding for the rules that replay this one's filter:
    /// `undecided` when the filter could not be decided, else it held.
    fn keep_passing(&mut self, undecided: bool) {
        if let Some(record) = self.record.as_deref_mut() {
            record.values.extend_from_slice(&self.values);
            record.unknown.push(undecided);
        }
    }

    /// The bindings another rule with the same bindings and filter recorded, in its
    /// order: each the filter let through is decided, each it could not decide is
    /// filtered again (rare, and it gives this rule's own unknown).
    fn replay(&mut self, ctx: &mut Ctx<'a>, passing: &Passing<'a>) {
        let n = self.rule.bindings.len();
        for (k, unknown) in passing.unknown.iter().enumerate() {
            let Some(values) = passing.values.get(k * n..(k + 1) * n) else {
                continue;
            };
            for (b, v) in self.rule.bindings.iter().zip(values) {
                self.frame.set(b.slot, v.clone());
            }
            self.values.clear();
            self.values.extend_from_slice(values);
            if *unknown {
                self.leaf(ctx);
            } else {
                self.decide(ctx);
            }
        }
    }

    /// A binding the filter let through: condition, severity.
    fn decide(&mut self, ctx: &mut Ctx<'a>) {
        // Lets are forgotten after the filter, not before: an aggregate in the filter
        // uses the slot the first let has afterwards (the checker reuses it), and its
        // last element must not be read as the let's value. (Explanations compute
        // the lets without the filter; this way both see the same lets.)
        // Only the rule's own let slots hold lets (see `prepare_frame`): forgetting
        // just those is `reset_lets` without its pass over every slot, and nothing
        // at all for a rule without lets.
        for l in &self.rule.lets {
            if let Some(slot) = self.frame.slots.get_mut(l.slot) {
                *slot = Slot::Empty;
            }
        }
        match ctx.eval_bool(&self.rule.when, self.frame, &mut NoTrace) {
            Ok(true) => {
                let severity = severity(ctx, self.rule, self.frame, &mut NoTrace);
                let binding = self.binding();
                self.result.fired.push(Fired { binding, severity });
            }
            Ok(false) => {
                self.result.passes += 1;
                if self.keep_passes {
                    let binding = self.binding();
                    self.result.passed.push(binding);
                }
            }
            Err(u) => {
                let binding = self.binding();
                self.result.unknown.push((binding, *u));
            }
        }
    }
}

/// The rule's severity for the current binding: the base, raised by every
/// `escalate` whose condition holds (an unknown escalation condition does not raise).
pub fn severity<'a, T: Tracer<'a>>(
    ctx: &mut Ctx<'a>,
    rule: &'a RuleDecl,
    frame: &mut Frame<'a>,
    t: &mut T,
) -> Severity {
    let mut level = rule.severity;
    for (higher, cond) in &rule.escalations {
        if *higher > level && ctx.eval_bool(cond, frame, t) == Ok(true) {
            level = *higher;
        }
    }
    level
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::check::check_sources;
    use crate::profile::load;
    use crate::source::SourceFile;

    const SHOP: &str = "version: 1
business:
  name: Test Shop
  kind: brand
  currency: CNY
  capital: 500000
  team: {operations: 2, customer_service: 1}
  monthly_costs: {labor: 30000, rent: 10000}
products:
  - {sku: A, name: Jacket, category: apparel, price: 399.00, unit_cost: 210.00, logistics: 12.00}
  - {sku: B, name: Scarf, category: apparel, price: 100.00, unit_cost: 95.00, logistics: 8.00}
platforms:
  - name: Tmall
    status: live
    months_live: 14
    commission: 5%
    budget: 300000
    staff: 2
    monthly: {gmv: 320000, orders: 800, ad_spend: 40000, traffic: stable}
  - name: JD
    status: live
    months_live: 7
    budget: 100000
    staff: 1
    monthly: {gmv: 30000, orders: 200, ad_spend: 5000, traffic: declining}
    sells: [A]
";

    fn rule_set(body: &str) -> RuleSet {
        let text = format!(
            "rule r {{\n  title \"r\"\n  area profit\n  severity warning\n  source H1\n{body}\n  advise \"a\"\n  because \"b\"\n  action \"c\"\n}}\n"
        );
        let checked = check_sources(vec![SourceFile::new("t.rules", text)]).unwrap();
        checked.rule_set.expect("rules check")
    }

    /// (fired, unknown, passes) as (product, platform) indexes.
    fn outcomes(body: &str) -> (Vec<Vec<EntityRef>>, Vec<Vec<EntityRef>>, usize) {
        let rules = rule_set(body);
        let profile = load(SourceFile::new("t.yaml", SHOP)).unwrap();
        let params = params::resolve(&rules, &profile, &[]).unwrap_or_else(|_| panic!());
        let eval = evaluate(&rules, &profile, &params, false);
        let r = &eval.results[0];
        (
            r.fired
                .iter()
                .map(|f| f.binding.entities().collect())
                .collect(),
            r.unknown
                .iter()
                .map(|(b, _)| b.entities().collect())
                .collect(),
            r.passes,
        )
    }

    #[test]
    fn a_per_platform_conjunct_combines_with_the_others_as_and_does() {
        // JD gives no commission: the conjunct on it is unknown, but JD does not sell
        // the scarf, so that binding is ruled out (false wins over unknown); the
        // jacket on JD cannot be assessed.
        let (fired, unknown, passes) = outcomes(
            "  for product in products, platform in platforms where platform sells product and platform.commission > 4%\n  when product.price > 0",
        );
        use EntityRef::{Platform, Product};
        assert_eq!(
            fired,
            vec![vec![Product(0), Platform(0)], vec![Product(1), Platform(0)]]
        );
        assert_eq!(unknown, vec![vec![Product(0), Platform(1)]]);
        assert_eq!(passes, 0);
    }

    #[test]
    fn a_false_per_platform_conjunct_rules_out_its_bindings() {
        let (fired, unknown, passes) = outcomes(
            "  for product in products, platform in platforms where platform.staff > 1 and known(product.price)\n  when product.price > 0",
        );
        use EntityRef::{Platform, Product};
        assert_eq!(
            fired,
            vec![vec![Product(0), Platform(0)], vec![Product(1), Platform(0)]]
        );
        assert!(unknown.is_empty());
        assert_eq!(passes, 0);
    }

    #[test]
    fn rules_with_the_same_for_and_where_share_its_outcomes_but_not_its_unknowns() {
        // The second and third rules replay what the first one's filter let through:
        // the same passes, fired bindings and unknown (JD's one-person team divides by
        // zero), each unknown naming its own rule's text. The fourth reads a fact
        // in its filter, so it binds and filters on its own.
        let rule = |id: &str, filter: &str, when: &str| {
            format!(
                "rule {id} {{\n  title \"r\"\n  area profit\n  severity warning\n  source H1\n  for product in products, platform in platforms where {filter}\n  when {when}\n  advise \"a\"\n  because \"b\"\n  action \"c\"\n}}\n"
            )
        };
        let filter = "platform sells product and platform.budget / (platform.staff - 1) > 0";
        let text = [
            rule("first", filter, "product.price > 200"),
            rule("second", filter, "product.price > 50"),
            rule("third", filter, "product.unit_cost > 100")
                .replace("action \"c\"\n", "action \"c\"\n  conclude big\n"),
            rule("fourth", &format!("{filter} and big"), "product.price > 0"),
        ]
        .concat();
        let checked = check_sources(vec![SourceFile::new("t.rules", text.clone())]).unwrap();
        let rules = checked.rule_set.expect("rules check");
        let plan = memo::MemoPlan::new(&rules);
        let how: Vec<_> = (0..rules.rules.len()).map(|r| plan.bindings(r)).collect();
        let at = |id: &str| rules.rules.iter().position(|r| r.id == id).unwrap();
        use memo::Bindings::{Own, Records, Replays};
        assert_eq!(how[at("first")], Records);
        assert_eq!(how[at("second")], Replays(at("first")));
        assert_eq!(how[at("third")], Replays(at("first")));
        assert_eq!(how[at("fourth")], Own);

        let profile = load(SourceFile::new("t.yaml", SHOP)).unwrap();
        let params = params::resolve(&rules, &profile, &[]).unwrap_or_else(|_| panic!());
        let shared = evaluate_sharing(&rules, &profile, &params, true, true);
        let alone = evaluate_sharing(&rules, &profile, &params, true, false);
        assert_eq!(
            format!("{:?}", shared.results),
            format!("{:?}", alone.results)
        );
        for result in &shared.results {
            let own = rules.rules.iter().find(|r| r.id == result.rule.id).unwrap();
            let Some((_, Unknown::DivisionByZero { span, .. })) = result.unknown.first() else {
                panic!("{}: no division by zero", result.rule.id)
            };
            let start = text.find(&format!("rule {} ", own.id)).unwrap();
            let end = start + text[start..].find("\n}\n").unwrap();
            assert!((start..end).contains(&span.start), "{}: {span:?}", own.id);
        }
        let fired = |id: &str| {
            shared
                .results
                .iter()
                .find(|r| r.rule.id == id)
                .unwrap()
                .fired
                .len()
        };
        assert_eq!((fired("first"), fired("second"), fired("third")), (1, 2, 1));
    }

    #[test]
    fn a_let_is_not_read_from_an_aggregate_of_the_filter() {
        // The filter's aggregate variable and the let share a frame slot.
        let (fired, unknown, passes) = outcomes(
            "  for platform in platforms where count(p for p in products where platform sells p) > 0\n  let staff = platform.staff\n  when staff < 2",
        );
        assert_eq!(fired, vec![vec![EntityRef::Platform(1)]]);
        assert!(unknown.is_empty());
        assert_eq!(passes, 1);
    }
}
