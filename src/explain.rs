//! From outcomes to advice: messages, evidence, suppression, waivers, data to collect.
//!
//! Evaluation keeps only outcomes. Here each fired binding is re-run with a tracer,
//! so its evidence shows every value the condition used; the plain path never pays
//! for it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::advice::{
    Counts, DataGap, Entity, Evidence, JSON_SCHEMA_VERSION, NotAssessed, ParamUsed, ProductRef,
    Report, RuleLocation, Step, Suppressed, Waived,
};
use crate::check::ir::{Cmp, Expr, ExprKind, RuleDecl, RuleSet, Severity, Template, TemplatePart};
use crate::check::types::{Arith, Type};
use crate::check::walk;
use crate::eval::interp::{Ctx, Frame, NoTrace, Trace};
use crate::eval::value::{Eval, Value};
use crate::eval::{
    Binding, EntityRef, Evaluation, ParamsInForce, Unknown, param_values, prepare_frame,
    rule_frame, severity,
};
use crate::fasthash::FastMap;
use crate::money::{Money, Percent, write_number};
use crate::profile::{Date, Profile};
use crate::text::one_line;

mod out;

pub use out::{AdviceOut, Build, Head, SharedText, Text, replay};

/// How values are written: in messages for clients, or in evidence lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Message,
    Evidence,
}

/// Formats a value by its type: `¥1,234.50`, `32.3%`, `4,000`, a product's name.
fn format_value(v: &Value<'_>, ty: &Type, profile: &Profile, style: Style) -> String {
    // Room for an amount or a name without growing (`-¥1,234,567.89`).
    let mut out = String::with_capacity(24);
    write_value(&mut out, v, ty, profile, style);
    out
}

/// [`format_value`] into `out`. Evidence and messages are built from many small
/// values; writing them into one buffer, rather than allocating a string for each
/// and copying it into its parent, was a third of the time of building a report.
fn write_value(out: &mut String, v: &Value<'_>, ty: &Type, profile: &Profile, style: Style) {
    match (v, ty) {
        // Writing to a `String` cannot fail.
        (Value::Num(d), Type::Money) => Money(*d).write_to(out, profile.currency()),
        (Value::Num(d), Type::Percent) => Percent(*d).write_to(out),
        (Value::Num(d), _) => write_number(out, *d),
        (Value::Bool(b), _) => out.push_str(match (style, b) {
            (Style::Message, true) => "yes",
            (Style::Message, false) => "no",
            (Style::Evidence, true) => "true",
            (Style::Evidence, false) => "false",
        }),
        (Value::Text(t), _) => out.push_str(t),
        (Value::Word(w), _) => out.push_str(w),
        (Value::Product(i), _) => out.push_str(text_at(&profile.products, *i, "name")),
        (Value::Platform(i), _) => out.push_str(text_at(&profile.platforms, *i, "name")),
        (Value::Record(r, _), _) => {
            out.push('(');
            out.push_str(r.schema.name);
            out.push(')');
        }
        (Value::List(l), ty) => {
            let elem = match ty {
                Type::List(t) => (**t).clone(),
                _ => Type::Text,
            };
            // "a, b and c", as `join_and` words it, written in place.
            let n = l.len();
            if n == 0 {
                out.push_str("none");
            }
            for (i, v) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(if i + 1 == n { " and " } else { ", " });
                }
                write_value(out, &v, &elem, profile, style);
            }
        }
    }
}

/// A template's text when it has no values to fill in.
fn fixed_text(t: &Template) -> Option<String> {
    let mut out = String::new();
    for part in &t.parts {
        match part {
            TemplatePart::Text(s) => out.push_str(s),
            TemplatePart::Value(_) => return None,
        }
    }
    Some(out)
}

/// Sets `binding`'s values in the slots of `rule`'s variables.
fn bind_frame<'a>(frame: &mut Frame<'a>, rule: &RuleDecl, binding: &Binding<'a>) {
    for (b, v) in rule.bindings.iter().zip(&binding.values) {
        frame.set(b.slot, v.clone());
    }
}

/// Text field `key` (`name`, `sku`) of the product or platform at `index`.
fn text_at<'p>(records: &'p [crate::profile::Record], index: u32, key: &str) -> &'p str {
    records
        .get(index as usize)
        .and_then(|r| r.text(key))
        .unwrap_or("?")
}

/// How a profile entity is named in advice and in the data to collect.
fn entity_label(profile: &Profile, entity: EntityRef) -> String {
    match entity {
        EntityRef::Business => "the business".to_owned(),
        EntityRef::Product(i) => format!(
            "product {} ({})",
            text_at(&profile.products, i, "name"),
            text_at(&profile.products, i, "sku")
        ),
        EntityRef::Platform(i) => format!("platform {}", text_at(&profile.platforms, i, "name")),
    }
}

/// The entity a binding is about: its first product and first platform, as the
/// report names advice.
pub fn binding_entity(profile: &Profile, binding: &Binding<'_>) -> Entity {
    entity_with(
        binding,
        |i| product_ref(profile, i),
        |i| platform_name(profile, i),
    )
}

/// [`binding_entity`], with the names given by `product` and `platform`.
fn entity_with(
    binding: &Binding<'_>,
    product: impl FnOnce(u32) -> ProductRef,
    platform: impl FnOnce(u32) -> Arc<str>,
) -> Entity {
    let (p, q) = entity_indices(binding);
    Entity {
        product: p.map(product),
        platform: q.map(platform),
    }
}

/// The indices of the product and platform a binding is about: its first of each.
fn entity_indices(binding: &Binding<'_>) -> (Option<u32>, Option<u32>) {
    let mut at = (None, None);
    for e in binding.entities() {
        match e {
            EntityRef::Product(i) if at.0.is_none() => at.0 = Some(i),
            EntityRef::Platform(i) if at.1.is_none() => at.1 = Some(i),
            _ => {}
        }
    }
    at
}

fn product_ref(profile: &Profile, i: u32) -> ProductRef {
    ProductRef {
        sku: Arc::from(text_at(&profile.products, i, "sku")),
        name: Arc::from(text_at(&profile.products, i, "name")),
    }
}

fn platform_name(profile: &Profile, i: u32) -> Arc<str> {
    Arc::from(text_at(&profile.platforms, i, "name"))
}

/// Products' and platforms' names as advice shows them, made once per entity and
/// shared by every recommendation about it.
struct EntityNames<'p> {
    profile: &'p Profile,
    products: Vec<Option<ProductRef>>,
    platforms: Vec<Option<Arc<str>>>,
}

impl<'p> EntityNames<'p> {
    fn new(profile: &'p Profile) -> Self {
        EntityNames {
            profile,
            products: vec![None; profile.products.len()],
            platforms: vec![None; profile.platforms.len()],
        }
    }

    fn entity(&mut self, binding: &Binding<'_>) -> Entity {
        let profile = self.profile;
        let (products, platforms) = (&mut self.products, &mut self.platforms);
        entity_with(
            binding,
            |i| cached(products, i, || product_ref(profile, i)),
            |i| cached(platforms, i, || platform_name(profile, i)),
        )
    }

    /// A bound variable's value: an entity's name, or the value written out.
    fn bound(&mut self, v: &Value<'_>, ty: &Type) -> Arc<str> {
        let profile = self.profile;
        match v {
            Value::Product(i) => cached(&mut self.products, *i, || product_ref(profile, *i)).name,
            Value::Platform(i) => cached(&mut self.platforms, *i, || platform_name(profile, *i)),
            other => Arc::from(format_value(other, ty, profile, Style::Evidence)),
        }
    }
}

/// Entry `i` of `cache`, made by `make` on first use.
fn cached<T: Clone>(cache: &mut [Option<T>], i: u32, make: impl FnOnce() -> T) -> T {
    match cache.get_mut(i as usize) {
        Some(slot) => slot.get_or_insert_with(make).clone(),
        None => make(),
    }
}

/// Why a binding could not be assessed, in words.
fn unknown_reason(profile: &Profile, u: &Unknown) -> String {
    match u {
        Unknown::Missing(m) => format!(
            "`{}` is not given for {}",
            m.path,
            entity_label(profile, m.entity)
        ),
        Unknown::NotInTable { table, key } => {
            format!("`{key}` has no row in table `{table}` (extend the rule set's table)")
        }
        Unknown::DivisionByZero { expr, .. } => format!("`{expr}` divides by zero"),
        Unknown::Overflow { expr, .. } => format!("`{expr}` is too large to compute exactly"),
        Unknown::Empty { expr, .. } => format!("`{expr}` has nothing to range over"),
    }
}

/// Every expression of a rule, for finding the lets and params it reads.
fn rule_exprs(rule: &RuleDecl) -> Vec<&Expr> {
    let mut all = Vec::new();
    for root in walk::rule_roots(rule) {
        walk::visit(root, &mut |e| all.push(e));
    }
    all
}

/// What every recommendation of one rule shows that does not depend on the
/// profile: its names, formulas and location. Made on the rule's first
/// recommendation and kept with the checked rule ([`RuleDecl::explained`]), so
/// every report, and every profile of an audit, shares it.
#[derive(Debug)]
pub struct RuleText {
    id: Arc<str>,
    title: Arc<str>,
    area: Arc<str>,
    heuristic: Arc<str>,
    location: RuleLocation,
    /// The rule's variables, in binding order.
    bound_names: Vec<Arc<str>>,
    /// The rule's own lets, in order: names and formulas.
    let_names: Vec<Arc<str>>,
    let_formulas: Vec<Arc<str>>,
    /// The formula of each top-level part of the condition (see [`conjuncts_of`]).
    when_formulas: Vec<Arc<str>>,
    /// `escalate error`, ..., and their conditions, in the rule's order.
    escalate_names: Vec<Arc<str>>,
    escalate_formulas: Vec<Arc<str>>,
    /// The global lets and params the rule reads, directly or through lets.
    lets_read: Vec<usize>,
    params_read: Vec<usize>,
    /// The rationale, when it has no values to fill in (every default rule's).
    rationale: Option<Arc<str>>,
}

/// Builds reports: one `Ctx` per profile, shared by every rule's explanations.
pub struct Explainer<'a> {
    rules: &'a RuleSet,
    profile: &'a Profile,
    params: &'a ParamsInForce,
    ctx: Ctx<'a>,
    /// The evidence line of each global let, computed once per profile: a let over
    /// every product must not be re-traced for every recommendation that reads it.
    let_steps: Vec<Option<Step>>,
    /// Each param's evidence line, by id, formatted on first use.
    params_used: Vec<Option<ParamUsed>>,
    /// The tracer, kept between recommendations so its table is allocated once.
    trace: Trace<'a>,
    /// The frame of the recommendation being explained, kept between
    /// recommendations so its slots are allocated once.
    frame: Frame<'a>,
    /// The top-level parts of the condition being explained, kept between
    /// recommendations so the list is allocated once.
    conjuncts: Vec<&'a Expr>,
    /// The name of a condition's evidence line.
    when: Arc<str>,
    /// The results that end most evidence lines, shared by them.
    true_text: Arc<str>,
    false_text: Arc<str>,
    not_needed: Arc<str>,
    /// The params of the rule last explained, shared by its recommendations (a
    /// report explains a rule's bindings one after another).
    rule_params: Option<(&'a RuleDecl, Arc<[ParamUsed]>)>,
    /// Products' and platforms' names, shared by the advice about them.
    names: EntityNames<'a>,
}

impl<'a> Explainer<'a> {
    /// An explainer for one evaluation's profile and params.
    pub fn new(eval: &Evaluation<'a>) -> Self {
        Explainer {
            rules: eval.rules,
            profile: eval.profile,
            params: eval.params,
            ctx: Ctx {
                // The evaluation's facts and global lets: a re-run for evidence must
                // see what the evaluation saw.
                facts: eval.facts.clone(),
                lets: eval.lets.clone(),
                ..Ctx::new(eval.rules, eval.profile, param_values(eval.params))
            },
            let_steps: vec![None; eval.rules.lets.len()],
            params_used: vec![None; eval.rules.params.len()],
            trace: Trace::default(),
            conjuncts: Vec::new(),
            frame: Frame::new(0, Vec::new()),
            when: Arc::from("when"),
            true_text: Arc::from("true"),
            false_text: Arc::from("false"),
            not_needed: Arc::from("not needed"),
            rule_params: None,
            names: EntityNames::new(eval.profile),
        }
    }

    fn frame_for(&self, rule: &'a RuleDecl, binding: &Binding<'a>) -> Frame<'a> {
        let mut frame = rule_frame(rule);
        bind_frame(&mut frame, rule, binding);
        frame
    }

    /// A template with its values filled in, written into `out`.
    fn render_into(&mut self, out: &mut String, t: &'a Template, frame: &mut Frame<'a>) {
        for part in &t.parts {
            match part {
                TemplatePart::Text(s) => out.push_str(s),
                TemplatePart::Value(e) => match self.ctx.eval(e, frame, &mut NoTrace) {
                    Ok(v) => write_value(out, &v, &e.ty, self.profile, Style::Message),
                    Err(_) => out.push_str("(unknown)"),
                },
            }
        }
    }

    /// Writes a placed recommendation, with its evidence, to `out`.
    pub fn write(&mut self, p: &Placed<'_, 'a>, out: &mut impl AdviceOut) {
        let (rule, binding) = (p.rule, p.binding);
        // One frame serves every recommendation, emptied for each.
        let mut frame = std::mem::replace(&mut self.frame, Frame::new(0, Vec::new()));
        prepare_frame(&mut frame, rule);
        bind_frame(&mut frame, rule, binding);
        let text = self.rule_text(rule);
        // The traced run fills the let slots the message reads.
        self.trace_binding(rule, &mut frame);
        out.begin(Head {
            rule: &text.id,
            title: &text.title,
            severity: p.severity,
            area: &text.area,
            heuristic: &text.heuristic,
            entity: &p.entity,
        });
        out.message(Text::Write(|o: &mut String| {
            self.render_into(o, &rule.advise, &mut frame);
        }));
        match &text.rationale {
            Some(fixed) => out.rationale(SharedText::Shared(fixed)),
            None => out.rationale(Text::Write(|o: &mut String| {
                self.render_into(o, &rule.because, &mut frame);
            })),
        }
        out.actions_begin();
        for a in &rule.actions {
            out.action(|o| self.render_into(o, a, &mut frame));
        }
        out.actions_end();
        self.write_evidence(rule, binding, &text, out);
        out.end(&text.location);
        self.frame = frame;
    }

    /// The fixed text of `rule`'s advice, made on its first recommendation.
    fn rule_text(&self, rule: &'a RuleDecl) -> Arc<RuleText> {
        rule.explained
            .get_or_init(|| Arc::new(self.make_rule_text(rule)))
            .clone()
    }

    fn make_rule_text(&self, rule: &RuleDecl) -> RuleText {
        let (lets_read, params_read) = self.reads_of(rule);
        let file = self.rules.files.get(rule.loc.file);
        let formula =
            |e: &Expr| -> Arc<str> { Arc::from(one_line(file.map_or("", |f| f.slice(e.span)))) };
        let mut conjuncts = Vec::new();
        conjuncts_of(&rule.when, &mut conjuncts);
        RuleText {
            let_formulas: rule.lets.iter().map(|l| formula(&l.expr)).collect(),
            when_formulas: conjuncts.iter().map(|c| formula(c)).collect(),
            escalate_names: rule
                .escalations
                .iter()
                .map(|(level, _)| Arc::from(format!("escalate {}", level.as_str())))
                .collect(),
            escalate_formulas: rule.escalations.iter().map(|(_, c)| formula(c)).collect(),
            id: Arc::from(rule.id.as_str()),
            title: Arc::from(rule.title.as_str()),
            area: Arc::from(rule.area),
            heuristic: Arc::from(rule.source.as_str()),
            location: RuleLocation {
                file: Arc::from(file.map_or("", |f| f.name())),
                line: file.map_or(0, |f| f.line_col(rule.loc.span.start).0),
            },
            bound_names: rule
                .bindings
                .iter()
                .map(|b| Arc::from(b.name.as_str()))
                .collect(),
            let_names: rule
                .lets
                .iter()
                .map(|l| Arc::from(l.name.as_str()))
                .collect(),
            lets_read,
            params_read,
            rationale: fixed_text(&rule.because).map(Arc::from),
        }
    }

    /// The values behind a binding's outcome: bindings, global lets read, local lets,
    /// each part of the condition, and the params read.
    pub fn evidence(
        &mut self,
        rule: &'a RuleDecl,
        binding: &Binding<'a>,
        frame: &mut Frame<'a>,
    ) -> Evidence {
        let text = self.rule_text(rule);
        self.trace_binding(rule, frame);
        let mut build = Build::default();
        self.write_evidence(rule, binding, &text, &mut build);
        build.take_evidence().unwrap_or_else(|| Evidence {
            bindings: Vec::new(),
            steps: Vec::new(),
            params: Arc::from([]),
        })
    }

    /// Re-runs a bound rule with the tracer: its lets (into `frame`'s slots), its
    /// condition and its escalations, leaving their values in `self.trace`.
    fn trace_binding(&mut self, rule: &'a RuleDecl, frame: &mut Frame<'a>) {
        // The rule file whose expressions are explained (for `as_written`, and for
        // the text of an unknown).
        self.ctx.file = rule.loc.file;
        let mut trace = std::mem::take(&mut self.trace);
        trace.clear();
        for l in &rule.lets {
            let v = self.ctx.eval(&l.expr, frame, &mut trace);
            if let Some(slot) = frame.slots.get_mut(l.slot) {
                *slot = crate::eval::interp::Slot::Done(v);
            }
        }
        let _ = self.ctx.eval_bool(&rule.when, frame, &mut trace);
        let _ = severity(&mut self.ctx, rule, frame, &mut trace);
        self.trace = trace;
    }

    /// Writes the evidence of the binding [`Self::trace_binding`] last traced.
    fn write_evidence(
        &mut self,
        rule: &'a RuleDecl,
        binding: &Binding<'a>,
        text: &RuleText,
        out: &mut impl AdviceOut,
    ) {
        out.evidence_begin();
        for ((b, name), v) in rule
            .bindings
            .iter()
            .zip(&text.bound_names)
            .zip(&binding.values)
        {
            out.bound(name, &self.names.bound(v, &b.ty));
        }
        out.steps_begin();
        for id in &text.lets_read {
            if let Some(step) = self.let_step(*id) {
                out.shared_step(step);
            }
        }
        let params = self.rule_params(rule, text);
        let mut conjuncts = std::mem::take(&mut self.conjuncts);
        conjuncts.clear();
        conjuncts_of(&rule.when, &mut conjuncts);

        let this = &*self;
        let t = &this.trace;
        let missing: Eval<'a> = Ok(Value::Bool(false));
        for ((l, name), formula) in rule
            .lets
            .iter()
            .zip(&text.let_names)
            .zip(&text.let_formulas)
        {
            let value = t.get(&l.expr).unwrap_or(&missing);
            out.step(
                name,
                formula,
                |o| this.write_subst(o, &l.expr, t),
                this.result(value, &l.expr.ty),
                exact(value),
            );
        }
        for (&c, formula) in conjuncts.iter().zip(&text.when_formulas) {
            out.step(
                &this.when,
                formula,
                |o| this.write_subst(o, c, t),
                this.result_or_not_needed(t.get(c), &c.ty),
                None,
            );
        }
        let escalations = rule
            .escalations
            .iter()
            .zip(&text.escalate_names)
            .zip(&text.escalate_formulas);
        for (((_, cond), name), formula) in escalations {
            out.step(
                name,
                formula,
                |o| this.write_subst(o, cond, t),
                this.result_or_not_needed(t.get(cond), &cond.ty),
                None,
            );
        }
        out.evidence_end(&params);
        self.conjuncts = conjuncts;
    }

    /// The global lets and params `rule` reads, directly or through lets, in id order.
    fn reads_of(&self, rule: &RuleDecl) -> (Vec<usize>, Vec<usize>) {
        let mut lets_read: BTreeSet<usize> = BTreeSet::new();
        let mut params_read: BTreeSet<usize> = BTreeSet::new();
        let mut queue: Vec<&Expr> = rule_exprs(rule);
        while let Some(e) = queue.pop() {
            match e.kind {
                ExprKind::Param(id) => {
                    params_read.insert(id);
                }
                ExprKind::Let(id) if lets_read.insert(id) => {
                    if let Some(decl) = self.rules.lets.get(id) {
                        walk::visit(&decl.expr, &mut |x| queue.push(x));
                    }
                }
                _ => {}
            }
        }
        (
            lets_read.into_iter().collect(),
            params_read.into_iter().collect(),
        )
    }

    /// The evidence line of global let `id`, traced once per profile.
    fn let_step(&mut self, id: usize) -> Option<&Step> {
        if let Some(Some(_)) = self.let_steps.get(id) {
            // Looked up again: returning the first borrow would hold `self` for the
            // rest of the function (a known limit of the borrow checker).
            return self.let_steps.get(id)?.as_ref();
        }
        let decl = self.rules.lets.get(id)?;
        let outer = std::mem::replace(&mut self.ctx.file, decl.loc.file);
        let mut trace = Trace::default();
        let mut let_frame = Frame::new(decl.frame_size, vec![None; decl.frame_size]);
        let value = self.ctx.eval(&decl.expr, &mut let_frame, &mut trace);
        let name = Arc::from(decl.name.as_str());
        let formula = Arc::from(one_line(
            self.rules
                .files
                .get(decl.loc.file)
                .map_or("", |f| f.slice(decl.expr.span)),
        ));
        let mut build = Build::default();
        build.step(
            &name,
            &formula,
            |o| self.write_subst(o, &decl.expr, &trace),
            self.result(&value, &decl.expr.ty),
            exact(&value),
        );
        self.ctx.file = outer;
        let slot = self.let_steps.get_mut(id)?;
        *slot = build.take_step();
        slot.as_ref()
    }

    /// The evidence lines of the params `rule` reads.
    fn rule_params(&mut self, rule: &'a RuleDecl, text: &RuleText) -> Arc<[ParamUsed]> {
        if let Some((last, params)) = &self.rule_params
            && std::ptr::eq(*last, rule)
        {
            return params.clone();
        }
        let params: Arc<[ParamUsed]> = text
            .params_read
            .iter()
            .filter_map(|id| self.param_used(*id))
            .collect();
        self.rule_params = Some((rule, params.clone()));
        params
    }

    fn param_used(&mut self, id: usize) -> Option<ParamUsed> {
        if let Some(Some(used)) = self.params_used.get(id) {
            return Some(used.clone());
        }
        let used = self.format_param(id)?;
        if let Some(slot) = self.params_used.get_mut(id) {
            *slot = Some(used.clone());
        }
        Some(used)
    }

    fn format_param(&self, id: usize) -> Option<ParamUsed> {
        let decl = self.rules.params.get(id)?;
        let value = self.params.values.get(id)?;
        let source = self.params.sources.get(id)?;
        Some(ParamUsed {
            name: Arc::from(decl.name.as_str()),
            value: Arc::from(format_value(
                &crate::eval::value::lit_value(value),
                &decl.ty,
                self.profile,
                Style::Evidence,
            )),
            source: Arc::from(source.as_str()),
        })
    }

    /// An evidence line's result, formatted by its type.
    fn result<'s>(
        &'s self,
        v: &'s Eval<'a>,
        ty: &'s Type,
    ) -> Text<'s, impl FnOnce(&mut String) + 's> {
        match v {
            // Every condition's line ends in one of these two words.
            Ok(Value::Bool(true)) => Text::Shared(&self.true_text),
            Ok(Value::Bool(false)) => Text::Shared(&self.false_text),
            _ => Text::Write(move |out: &mut String| match v {
                Ok(v) => write_value(out, v, ty, self.profile, Style::Evidence),
                Err(u) => {
                    out.push_str("unknown: ");
                    out.push_str(&unknown_reason(self.profile, u));
                }
            }),
        }
    }

    /// [`Self::result`] of a part of a condition, which a decided `and` or `or`
    /// may never have needed.
    fn result_or_not_needed<'s>(
        &'s self,
        v: Option<&'s Eval<'a>>,
        ty: &'s Type,
    ) -> Text<'s, impl FnOnce(&mut String) + 's> {
        match v {
            Some(v) => self.result(v, ty),
            None => Text::Shared(&self.not_needed),
        }
    }

    /// The expression with values in place of names, written into `out`:
    /// `¥399.00 − ¥210.00 − ...`. A part the evaluation never needed (the right
    /// side of a decided `or`) is shown as written, so the line still reads as a
    /// formula rather than as gaps. The operators written out here are those
    /// [`crate::eval::interp::shows_operands`] lists: a traced run records values
    /// only that deep.
    fn write_subst(&self, out: &mut String, e: &Expr, t: &Trace<'a>) {
        // One search of the trace per node: the value found serves a leaf below.
        let found = t.get(e);
        if found.is_none() && !matches!(e.kind, ExprKind::Lit(_)) {
            out.push_str(&self.as_written(e));
            return;
        }
        match &e.kind {
            ExprKind::Arith(op, a, b) => {
                let sym = match op {
                    Arith::Add => " + ",
                    Arith::Sub => " − ",
                    Arith::Mul | Arith::MulPercent => " × ",
                    Arith::Div | Arith::DivToPercent | Arith::DivByPercent => " ÷ ",
                };
                self.write_subst(out, a, t);
                out.push_str(sym);
                self.write_subst(out, b, t);
            }
            ExprKind::Compare(cmp, a, b) => {
                let sym = match cmp {
                    Cmp::Le => "≤",
                    Cmp::Ge => "≥",
                    Cmp::Ne => "≠",
                    other => other.as_str(),
                };
                self.write_side(out, a, t);
                out.push(' ');
                out.push_str(sym);
                out.push(' ');
                self.write_side(out, b, t);
            }
            ExprKind::And(a, b) => {
                self.write_subst(out, a, t);
                out.push_str(" and ");
                self.write_subst(out, b, t);
            }
            ExprKind::Or(a, b) => {
                self.write_subst(out, a, t);
                out.push_str(" or ");
                self.write_subst(out, b, t);
            }
            ExprKind::Not(x) => {
                out.push_str("not ");
                self.write_subst(out, x, t);
            }
            ExprKind::Neg(x) => {
                out.push('−');
                self.write_subst(out, x, t);
            }
            ExprKind::Paren(x) => {
                out.push('(');
                self.write_subst(out, x, t);
                out.push(')');
            }
            ExprKind::Lit(l) => write_value(
                out,
                &crate::eval::value::lit_value(l),
                &e.ty,
                self.profile,
                Style::Evidence,
            ),
            _ => self.write_found(out, e, found),
        }
    }

    /// A comparison side: compound arithmetic shows its result too.
    fn write_side(&self, out: &mut String, e: &Expr, t: &Trace<'a>) {
        let compound = match &e.kind {
            ExprKind::Arith(..) | ExprKind::Neg(_) => true,
            ExprKind::Paren(x) => matches!(x.kind, ExprKind::Arith(..)),
            _ => false,
        };
        self.write_subst(out, e, t);
        if compound {
            out.push_str(" = ");
            self.write_leaf(out, e, t);
        }
    }

    /// The source text of `e` in the file being explained, on one line.
    fn as_written(&self, e: &Expr) -> String {
        one_line(
            self.rules
                .files
                .get(self.ctx.file)
                .map_or("", |f| f.slice(e.span)),
        )
    }

    fn write_leaf(&self, out: &mut String, e: &Expr, t: &Trace<'a>) {
        self.write_found(out, e, t.get(e));
    }

    /// A value found in the trace for `e`, by its type.
    fn write_found(&self, out: &mut String, e: &Expr, found: Option<&Eval<'a>>) {
        match found {
            Some(Ok(v)) => write_value(out, v, &e.ty, self.profile, Style::Evidence),
            Some(Err(_)) => out.push_str("unknown"),
            None => out.push('…'),
        }
    }

    /// The data gap and the not-assessed line for an unknown outcome.
    fn not_assessed(&mut self, rule: &RuleDecl, binding: &Binding<'a>, u: &Unknown) -> NotAssessed {
        NotAssessed {
            rule: rule.id.clone(),
            title: rule.title.clone(),
            entity: self.names.entity(binding),
            reason: unknown_reason(self.profile, u),
        }
    }
}

/// The exact decimal behind a numeric value, for evidence.
fn exact(v: &Eval<'_>) -> Option<rust_decimal::Decimal> {
    match v {
        Ok(Value::Num(d)) => Some(*d),
        _ => None,
    }
}

/// The top-level parts of an `and` chain (a single part when there is no `and`).
fn conjuncts_of<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::And(a, b) => {
            conjuncts_of(a, out);
            conjuncts_of(b, out);
        }
        _ => out.push(e),
    }
}

/// Options for building a report.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The rule set's fingerprint.
    pub fingerprint: String,
    /// The audit date, which decides whether waivers have expired.
    pub today: Date,
}

/// A fired binding placed in its report. Its entity and severity are all that
/// suppression, waivers and the report's order need, so they are decided before
/// any evidence is written.
pub struct Placed<'e, 'a> {
    rule: &'a RuleDecl,
    binding: &'e Binding<'a>,
    severity: Severity,
    entity: Entity,
    /// The indices of the entity's product and platform, for suppression.
    at: (Option<u32>, Option<u32>),
}

/// A report whose advice is placed but not yet explained. A [`Report`] is made
/// from it ([`Plan::into_report`]), and the JSON renderer writes one straight
/// from it, explaining each recommendation into its text.
pub struct Plan<'e, 'a> {
    /// The report without its advice: its three advice lists are empty.
    pub head: Report,
    /// The advice kept, in report order.
    pub recommendations: Vec<Placed<'e, 'a>>,
    /// Advice withdrawn by broader advice, and the rule whose advice replaces it.
    pub suppressed: Vec<(Placed<'e, 'a>, Arc<str>)>,
    /// Advice the consultant waived, with the waiver's reason and expiry.
    pub waived: Vec<(Placed<'e, 'a>, String, Option<String>)>,
    /// Explains the placed advice.
    pub explainer: Explainer<'a>,
}

impl<'a> Plan<'_, 'a> {
    /// The most severe level of the advice kept, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.recommendations.iter().map(|p| p.severity).max()
    }

    /// The report with every recommendation explained.
    pub fn into_report(self) -> Report {
        let Plan {
            mut head,
            recommendations,
            suppressed,
            waived,
            mut explainer,
        } = self;
        let mut explain = |p: &Placed<'_, 'a>| {
            let mut build = Build::default();
            explainer.write(p, &mut build);
            build.take()
        };
        head.recommendations = recommendations.iter().filter_map(&mut explain).collect();
        head.suppressed = suppressed
            .into_iter()
            .filter_map(|(p, by)| {
                explain(&p).map(|recommendation| Suppressed { recommendation, by })
            })
            .collect();
        head.waived = waived
            .into_iter()
            .filter_map(|(p, reason, until)| {
                explain(&p).map(|recommendation| Waived {
                    recommendation,
                    reason,
                    until,
                })
            })
            .collect();
        head
    }
}

/// The full audit report of one evaluation.
pub fn report(eval: &Evaluation<'_>, options: &ReportOptions) -> Report {
    plan(eval, options).into_report()
}

/// The audit report of one evaluation, its advice placed but not yet explained.
pub fn plan<'e, 'a>(eval: &'e Evaluation<'a>, options: &ReportOptions) -> Plan<'e, 'a> {
    let profile = eval.profile;
    let mut ex = Explainer::new(eval);
    let mut recs: Vec<Placed<'e, 'a>> = Vec::new();
    let mut not_assessed = Vec::new();
    let mut gaps: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for result in &eval.results {
        for fired in &result.fired {
            recs.push(Placed {
                rule: result.rule,
                binding: &fired.binding,
                severity: fired.severity,
                entity: ex.names.entity(&fired.binding),
                at: entity_indices(&fired.binding),
            });
        }
        for (binding, u) in &result.unknown {
            not_assessed.push(ex.not_assessed(result.rule, binding, u));
            if let Unknown::Missing(m) = u {
                gaps.entry((entity_label(profile, m.entity), m.path.clone()))
                    .or_default()
                    .insert(result.rule.id.clone());
            }
        }
    }

    // Broader advice withdraws narrower advice on the same entities.
    let (recs, suppressed) = suppress(recs);
    let mut suppressed: Vec<(Placed<'e, 'a>, Arc<str>)> = suppressed
        .into_iter()
        .map(|(p, by)| {
            let by = ex.rule_text(by).id.clone();
            (p, by)
        })
        .collect();

    // Waivers the consultant signed off; expired ones no longer waive.
    let mut waived = Vec::new();
    let mut expired = Vec::new();
    for w in &profile.waivers {
        if let Some(until) = w.until
            && until < options.today
        {
            expired.push(format!(
                "waiver of `{}`{} expired on {until}: {}",
                w.rule.text,
                w.entity
                    .as_ref()
                    .map_or(String::new(), |e| format!(" for `{}`", e.text)),
                w.reason
            ));
        }
    }
    let mut kept = Vec::with_capacity(recs.len());
    for r in recs {
        let waiver = profile.waivers.iter().find(|w| {
            w.rule.text == r.rule.id
                && w.until.is_none_or(|u| u >= options.today)
                && w.entity.as_ref().is_none_or(|e| {
                    r.entity
                        .platform
                        .as_ref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(&e.text))
                        || r.entity
                            .product
                            .as_ref()
                            .is_some_and(|p| p.sku.eq_ignore_ascii_case(&e.text))
                })
        });
        match waiver {
            Some(w) => waived.push((r, w.reason.clone(), w.until.map(|d| d.to_string()))),
            None => kept.push(r),
        }
    }
    let mut recs = kept;

    let order = |a: &Placed<'_, '_>, b: &Placed<'_, '_>| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.id.cmp(&b.rule.id))
            .then_with(|| a.entity.cmp(&b.entity))
    };
    recs.sort_by(order);
    suppressed.sort_by(|a, b| order(&a.0, &b.0));
    waived.sort_by(|a, b| order(&a.0, &b.0));
    not_assessed.sort();

    let mut counts = Counts::default();
    for r in &recs {
        match r.severity {
            Severity::Error => counts.error += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }
    counts.not_assessed = not_assessed.len();
    let params = (0..eval.rules.params.len())
        .filter_map(|id| ex.param_used(id))
        .collect();
    Plan {
        head: Report {
            schema_version: JSON_SCHEMA_VERSION,
            profile: profile.source.name().to_owned(),
            business: profile.name().to_owned(),
            currency: profile.currency().to_owned(),
            rules_fingerprint: options.fingerprint.clone(),
            counts,
            recommendations: Vec::new(),
            suppressed: Vec::new(),
            waived: Vec::new(),
            expired_waivers: expired,
            not_assessed,
            data_to_collect: gaps
                .into_iter()
                .map(|((entity, fact), rules)| DataGap {
                    entity,
                    fact,
                    rules: rules.into_iter().collect(),
                })
                .collect(),
            params,
        },
        recommendations: recs,
        suppressed,
        waived,
        explainer: ex,
    }
}

/// A suppression key: the suppressed rule, and the indices of the product and
/// platform a suppressor covers (`None`: any, where the suppressed advice does not
/// name one). Indices, not names: hashing names was most of the time of a plan.
type SuppressKey<'r> = (&'r str, Option<u32>, Option<u32>);

/// Splits `recs` into the advice kept and the advice withdrawn by broader advice,
/// each withdrawn one with the rule that withdrew it.
///
/// A recommendation is withdrawn by the first (in `recs` order) recommendation whose
/// rule suppresses its rule and whose entity covers its entity (`Entity::within`).
/// Scanning every suppressor for every recommendation is quadratic, and a large
/// profile has tens of thousands of both; so each suppressor is indexed under the
/// four keys it can match (its product or any, its platform or any), and each
/// recommendation looks up the one key its own entity gives.
#[allow(clippy::type_complexity)]
fn suppress<'e, 'a>(
    recs: Vec<Placed<'e, 'a>>,
) -> (Vec<Placed<'e, 'a>>, Vec<(Placed<'e, 'a>, &'a RuleDecl)>) {
    // FNV, not SipHash: the keys are rule ids and names from the user's own files,
    // and SipHash over them was a twentieth of the time of a report.
    let mut first: FastMap<SuppressKey<'_>, usize> = FastMap::default();
    for (i, r) in recs.iter().enumerate() {
        let (product, platform) = r.at;
        for target in &r.rule.suppresses {
            for p in [None, product] {
                for q in [None, platform] {
                    first.entry((target.as_str(), p, q)).or_insert(i);
                }
            }
        }
    }
    // Which suppressor withdraws each recommendation, decided before any is moved.
    let by: Vec<Option<&'a RuleDecl>> = recs
        .iter()
        .map(|r| {
            if first.is_empty() {
                return None;
            }
            let key = (r.rule.id.as_str(), r.at.0, r.at.1);
            first.get(&key).and_then(|&i| recs.get(i)).map(|s| s.rule)
        })
        .collect();
    let mut kept = Vec::with_capacity(recs.len());
    let mut suppressed = Vec::new();
    for (r, by) in recs.into_iter().zip(by) {
        match by {
            Some(by) => suppressed.push((r, by)),
            None => kept.push(r),
        }
    }
    (kept, suppressed)
}

/// Why a rule did not fire, binding by binding: for `pitfall why-not`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WhyNot {
    /// Rule id.
    pub rule: String,
    /// Per binding: what it is about, the outcome, and the evidence.
    pub bindings: Vec<WhyNotBinding>,
}

/// One binding's account.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WhyNotBinding {
    /// What it is about.
    pub entity: Entity,
    /// `fires`, `passes` or `cannot assess`.
    pub outcome: String,
    /// For a pass: the parts of the condition that were false. For cannot assess: why.
    pub because: Vec<String>,
    /// The values behind it.
    pub evidence: Evidence,
}

/// Explains every binding of `rule_id` (evaluated with passes kept).
pub fn why_not<'a>(eval: &Evaluation<'a>, rule_id: &str) -> Option<WhyNot> {
    let result = eval.results.iter().find(|r| r.rule.id == rule_id)?;
    let rule = result.rule;
    let mut ex = Explainer::new(eval);
    let mut out = Vec::new();
    let mut push =
        |ex: &mut Explainer<'a>, binding: &Binding<'a>, outcome: &str, because: Vec<String>| {
            let mut frame = ex.frame_for(rule, binding);
            let evidence = ex.evidence(rule, binding, &mut frame);
            let because = if outcome == "passes" {
                evidence
                    .steps
                    .iter()
                    .filter(|s| &*s.name == "when" && &*s.result == "false")
                    .map(|s| format!("{} is false: {}", s.formula, s.values))
                    .collect()
            } else {
                because
            };
            out.push(WhyNotBinding {
                entity: binding_entity(eval.profile, binding),
                outcome: outcome.to_owned(),
                because,
                evidence,
            });
        };
    for f in &result.fired {
        push(&mut ex, &f.binding, "fires", Vec::new());
    }
    for b in &result.passed {
        push(&mut ex, b, "passes", Vec::new());
    }
    for (b, u) in &result.unknown {
        push(
            &mut ex,
            b,
            "cannot assess",
            vec![unknown_reason(eval.profile, u)],
        );
    }
    out.sort_by(|a, b| a.entity.cmp(&b.entity));
    Some(WhyNot {
        rule: rule_id.to_owned(),
        bindings: out,
    })
}
