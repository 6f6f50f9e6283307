//! Evaluation: a checked rule set × a loaded profile → per rule and binding, one of
//! fires, passes, or cannot assess.
//!
//! Rules run in the checker's dependency order, so a fact is set before any rule
//! reads it. Evaluation records nothing but outcomes; evidence is gathered afterwards
//! by re-running the bindings that matter with a tracer (see `explain`).

pub mod interp;
pub mod params;
pub mod value;

use crate::check::ir::{RuleDecl, RuleSet, Severity};
use crate::profile::Profile;
use interp::{Ctx, Frame, NoTrace, Tracer};
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
    pub fn entities(&self) -> Vec<EntityRef> {
        self.values
            .iter()
            .filter_map(|v| match v {
                Value::Product(i) => Some(EntityRef::Product(*i)),
                Value::Platform(i) => Some(EntityRef::Platform(*i)),
                _ => None,
            })
            .collect()
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
}

/// Evaluates every rule against `profile`. `keep_passes` keeps passing bindings (for
/// `why-not`); the audit needs only their count.
pub fn evaluate<'a>(
    rules: &'a RuleSet,
    profile: &'a Profile,
    params: &'a ParamsInForce,
    keep_passes: bool,
) -> Evaluation<'a> {
    let results = {
        let mut ctx = Ctx::new(rules, profile, param_values(params));
        let mut results = Vec::with_capacity(rules.rules.len());
        for rule in &rules.rules {
            let result = run_rule(&mut ctx, rule, keep_passes);
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
    }
}

/// Params in force as evaluation values, by param id.
pub fn param_values(params: &ParamsInForce) -> Vec<Value<'_>> {
    params.values.iter().map(value::lit_value).collect()
}

/// A frame for `rule` with its local lets registered by slot.
pub fn rule_frame<'a>(rule: &'a RuleDecl) -> Frame<'a> {
    let mut lets = vec![None; rule.frame_size];
    for l in &rule.lets {
        if let Some(slot) = lets.get_mut(l.slot) {
            *slot = Some(&l.expr);
        }
    }
    Frame::new(rule.frame_size, lets)
}

fn run_rule<'a>(ctx: &mut Ctx<'a>, rule: &'a RuleDecl, keep_passes: bool) -> RuleResult<'a> {
    let mut run = RuleRun {
        rule,
        frame: rule_frame(rule),
        values: Vec::with_capacity(rule.bindings.len()),
        result: RuleResult {
            rule,
            fired: Vec::new(),
            unknown: Vec::new(),
            passed: Vec::new(),
            passes: 0,
        },
        keep_passes,
    };
    run.bind(ctx, 0);
    run.result
}

/// The state of one rule's run over its bindings.
struct RuleRun<'a> {
    rule: &'a RuleDecl,
    frame: Frame<'a>,
    values: Vec<Value<'a>>,
    result: RuleResult<'a>,
    keep_passes: bool,
}

impl<'a> RuleRun<'a> {
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
        let elements = match ctx.elements(&b.source, &mut self.frame, &mut NoTrace) {
            Ok(list) => list,
            Err(u) => {
                // The collection itself is unknown (e.g. `platform.tools` not given):
                // the partial binding cannot be assessed.
                let binding = self.binding();
                self.result.unknown.push((binding, *u));
                return;
            }
        };
        for v in elements.iter() {
            self.frame.set(b.slot, v.clone());
            self.values.push(v);
            self.bind(ctx, depth + 1);
            self.values.pop();
        }
    }

    /// One complete binding: filter, condition, severity.
    fn leaf(&mut self, ctx: &mut Ctx<'a>) {
        self.frame.reset_lets();
        if let Some(filter) = &self.rule.filter {
            match ctx.eval_bool(filter, &mut self.frame, &mut NoTrace) {
                Ok(true) => {}
                Ok(false) => return,
                Err(u) => {
                    let binding = self.binding();
                    self.result.unknown.push((binding, *u));
                    return;
                }
            }
        }
        match ctx.eval_bool(&self.rule.when, &mut self.frame, &mut NoTrace) {
            Ok(true) => {
                let severity = severity(ctx, self.rule, &mut self.frame, &mut NoTrace);
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
