//! The expression interpreter: typed IR × profile → value, or why it is unknown.
//!
//! One evaluator serves the fast path and explanations: it is generic over a
//! [`Tracer`], and the no-op tracer compiles away. Logic is three-valued: `false and
//! unknown` is false, `true or unknown` is true, so a rule is "cannot assess" only
//! when its outcome truly depends on a missing fact.

use std::rc::Rc;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::memo::{Memo, Site};
use super::value::{EntityRef, Eval, List, MissingFact, Unknown, Value, lit_value};
use crate::check::ir::{Builtin, Cmp, Expr, ExprKind, Lit, RuleSet, SourceIr};
use crate::check::types::Arith;
use crate::profile::{FieldValue, Profile, Record};
use crate::syntax::ast::AggKind;

/// Observes every sub-expression's value (for explanations).
pub trait Tracer<'a> {
    /// Whether anything is recorded; `false` lets the compiler drop the calls.
    const ON: bool;
    /// Records `value` for `expr`.
    fn record(&mut self, expr: &'a Expr, value: &Eval<'a>);
}

/// `v / 100`, for `price * commission` (a percent). Moving the decimal point is
/// exact and gives the quotient's value; rust_decimal divides by 100 with a full
/// long division, once per product and platform in several rules. (Only the
/// representation can differ, `5.7600` for `5.76`, and nothing shown or compared
/// depends on it.)
fn hundredth(v: Decimal) -> Option<Decimal> {
    if v.scale() <= 26 {
        Decimal::try_from_i128_with_scale(v.mantissa(), v.scale() + 2).ok()
    } else {
        v.checked_div(Decimal::ONE_HUNDRED)
    }
}

/// Whether evidence writes out the operands of `kind` (see `explain::write_subst`),
/// so that a traced run must record their values too.
pub fn shows_operands(kind: &ExprKind) -> bool {
    matches!(
        kind,
        ExprKind::Arith(..)
            | ExprKind::Compare(..)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::Paren(_)
    )
}

/// Records nothing: the plain path.
pub struct NoTrace;

impl<'a> Tracer<'a> for NoTrace {
    const ON: bool = false;
    #[inline(always)]
    fn record(&mut self, _: &'a Expr, _: &Eval<'a>) {}
}

/// Records the value of every expression evidence shows, keyed by the node's
/// address (nodes live in the rule set, which outlives the trace).
///
/// A list searched from its end, not a hash map: only operators and their
/// first non-operator operands are recorded (see [`Ctx::eval`]), a few dozen
/// nodes of one rule, each evaluated once per traced binding; a hash map's
/// inserts and rehashing cost more than the scans.
#[derive(Default)]
pub struct Trace<'a> {
    /// The nodes, apart from their values so that a search reads only addresses.
    nodes: Vec<*const Expr>,
    values: Vec<Eval<'a>>,
}

impl<'a> Trace<'a> {
    /// The value recorded last for `expr`.
    pub fn get(&self, expr: &Expr) -> Option<&Eval<'a>> {
        let key = expr as *const Expr;
        let at = self.nodes.iter().rposition(|k| *k == key)?;
        self.values.get(at)
    }

    /// Forgets every value, keeping the list's allocation for the next binding.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.values.clear();
    }
}

impl<'a> Tracer<'a> for Trace<'a> {
    const ON: bool = true;
    fn record(&mut self, expr: &'a Expr, value: &Eval<'a>) {
        self.nodes.push(expr as *const Expr);
        self.values.push(value.clone());
    }
}

/// A frame slot: empty, a value, or a remembered unknown.
#[derive(Clone, Debug)]
pub enum Slot<'a> {
    /// Not computed yet (a local let is computed on first read).
    Empty,
    /// Computed.
    Done(Eval<'a>),
}

/// One binding's locals: binding variables, local lets, aggregate variables.
pub struct Frame<'a> {
    /// Slot values.
    pub slots: Vec<Slot<'a>>,
    /// For each slot that holds a local let, its expression.
    pub lets: Vec<Option<&'a Expr>>,
}

impl<'a> Frame<'a> {
    /// A frame of `size` empty slots, `lets` giving the let expression per slot.
    pub fn new(size: usize, lets: Vec<Option<&'a Expr>>) -> Self {
        Frame {
            slots: vec![Slot::Empty; size],
            lets,
        }
    }

    /// Sets a slot (binding and aggregate variables).
    pub fn set(&mut self, slot: usize, value: Value<'a>) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Slot::Done(Ok(value));
        }
    }

    /// Forgets computed lets (before the next binding).
    pub fn reset_lets(&mut self) {
        for (slot, l) in self.slots.iter_mut().zip(&self.lets) {
            if l.is_some() {
                *slot = Slot::Empty;
            }
        }
    }
}

/// What evaluation reads: the rule set, the profile, the params in force, and the
/// per-profile caches of global lets and facts.
pub struct Ctx<'a> {
    /// The rule set.
    pub rules: &'a RuleSet,
    /// The profile.
    pub profile: &'a Profile,
    /// Params in force, by param id.
    pub params: Vec<Value<'a>>,
    /// Global lets, computed on first read.
    pub lets: Vec<Option<Eval<'a>>>,
    /// Facts, set when their rule has run.
    pub facts: Vec<Option<Result<bool, Box<Unknown>>>>,
    /// Values of arithmetic that rules share (see `memo`); only the plain path of
    /// an evaluation has one.
    pub memo: Option<Memo>,
    /// The memoized nodes of the rule being run, by address: a rule that shares
    /// nothing looks nothing up.
    pub memo_sites: &'a [(usize, Site)],
    /// The rule file the expressions being evaluated come from: the running rule's,
    /// or a global let's while it is computed. Spans index into it, so an unknown
    /// quotes its expression from the right file.
    pub file: usize,
}

impl<'a> Ctx<'a> {
    /// A context with empty caches.
    pub fn new(rules: &'a RuleSet, profile: &'a Profile, params: Vec<Value<'a>>) -> Self {
        Ctx {
            rules,
            profile,
            params,
            lets: vec![None; rules.lets.len()],
            facts: vec![None; rules.facts.len()],
            memo: None,
            memo_sites: &[],
            file: 0,
        }
    }

    /// The source text of an expression, for messages about arithmetic failures.
    fn text(&self, e: &Expr) -> String {
        self.rules
            .files
            .get(self.file)
            .map_or("", |f| f.slice(e.span))
            .to_owned()
    }

    /// Evaluates `e` in `frame`.
    pub fn eval<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Eval<'a> {
        // Evidence writes out operators down to their first operand that is not
        // an operator (a field, a let, a call, an aggregate) and shows that
        // operand's value alone: nothing inside it is ever shown. So a traced run
        // records such an operand's value but computes it untraced, on the plain
        // path, instead of recording every element of an aggregate.
        let v = if T::ON && !shows_operands(&e.kind) {
            self.eval_inner(e, frame, &mut NoTrace)
        } else {
            self.eval_inner(e, frame, t)
        };
        if T::ON {
            t.record(e, &v);
        }
        v
    }

    /// Evaluates a boolean expression.
    pub fn eval_bool<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<bool, Box<Unknown>> {
        // The plain path runs the connectives and numeric comparisons as truth values,
        // without wrapping each step in a `Value`; a traced run must record every
        // node, so it takes the general path.
        if !T::ON {
            match &e.kind {
                ExprKind::And(a, b) => return self.junction(a, b, false, frame, t),
                ExprKind::Or(a, b) => return self.junction(a, b, true, frame, t),
                ExprKind::Not(x) => return Ok(!self.eval_bool(x, frame, t)?),
                ExprKind::Compare(cmp, a, b) => return self.compare(*cmp, a, b, frame, t),
                ExprKind::Paren(x) => return self.eval_bool(x, frame, t),
                ExprKind::Sells(p, q) => {
                    if let Some(b) = self.sells_in_place(p, q, frame) {
                        return Ok(b);
                    }
                }
                _ => {}
            }
        }
        match self.eval(e, frame, t)? {
            Value::Bool(b) => Ok(b),
            // INVARIANT: the checker typed `e` as bool.
            _ => Ok(false),
        }
    }

    fn num<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<Decimal, Box<Unknown>> {
        // The plain path computes arithmetic as decimals, without wrapping each
        // intermediate result in a `Value`; the common leaves are read in place.
        if !T::ON
            && let Some(d) = self.ready_num(e, frame)
        {
            return Ok(d);
        }
        self.computed_num(e, frame, t)
    }

    /// `num` of an expression that is not a ready number (or of any expression on a
    /// traced run). Callers that have tried `ready_num` come here directly: trying
    /// it again would read the same slots twice.
    fn computed_num<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<Decimal, Box<Unknown>> {
        if !T::ON {
            match &e.kind {
                ExprKind::Arith(op, a, b) => return self.arith_node(*op, a, b, e, frame, t),
                // A local let read for the first time in this binding: compute it as
                // a decimal and keep it, as `local` would.
                ExprKind::Local(slot) => {
                    if let Some(Slot::Empty) = frame.slots.get(*slot)
                        && let Some(Some(expr)) = frame.lets.get(*slot).copied()
                        && expr.ty.is_numeric()
                    {
                        let v = self.operand(expr, frame, t);
                        if let Some(s) = frame.slots.get_mut(*slot) {
                            *s = Slot::Done(v.clone().map(Value::Num));
                        }
                        return v;
                    }
                }
                ExprKind::Paren(x) => return self.operand(x, frame, t),
                _ => {}
            }
        }
        match self.eval(e, frame, t)? {
            Value::Num(d) => Ok(d),
            _ => Ok(Decimal::ZERO),
        }
    }

    /// An operand of arithmetic or of a numeric comparison: `num`, with the leaves
    /// read in place and a nested operator computed without the hop through `num`
    /// (`net` alone is four subtractions deep).
    #[inline(always)]
    fn operand<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<Decimal, Box<Unknown>> {
        if T::ON {
            // Nothing is ready on a traced run: every node is evaluated to be recorded.
            return self.num(e, frame, t);
        }
        if let Some(d) = self.ready_num(e, frame) {
            return Ok(d);
        }
        match &e.kind {
            ExprKind::Arith(op, a, b) => self.arith_node(*op, a, b, e, frame, t),
            _ => self.computed_num(e, frame, t),
        }
    }

    /// A number that needs no evaluation: a constant, a param, a computed let, a bound
    /// or computed local, a numeric field the profile gives of a bound variable.
    /// `None` when it must be computed, or is unknown. Inlined into its callers, so
    /// the leaves of an arithmetic tree take no call of their own.
    #[inline(always)]
    fn ready_num(&self, e: &'a Expr, frame: &Frame<'a>) -> Option<Decimal> {
        match &e.kind {
            ExprKind::Field { base, slot, .. } => match base.kind {
                ExprKind::Local(s) => match frame.slots.get(s) {
                    Some(Slot::Done(Ok(b))) => self.num_field(b, *slot),
                    _ => None,
                },
                _ => None,
            },
            ExprKind::Local(slot) => match frame.slots.get(*slot) {
                Some(Slot::Done(Ok(Value::Num(d)))) => Some(*d),
                _ => None,
            },
            ExprKind::Lit(Lit::Num(d)) => Some(*d),
            ExprKind::Param(id) => match self.params.get(*id) {
                Some(Value::Num(d)) => Some(*d),
                _ => None,
            },
            ExprKind::Let(id) => match self.lets.get(*id) {
                Some(Some(Ok(Value::Num(d)))) => Some(*d),
                _ => None,
            },
            _ => None,
        }
    }

    /// `platform sells product` when both sides are bound variables, as they usually
    /// are: looked up in place, without evaluating either side. `None` otherwise.
    /// (Inlined into `eval_bool`, which runs it for every binding of a rule whose
    /// filter reads `platform sells product`.)
    #[inline(always)]
    fn sells_in_place(&self, p: &Expr, q: &Expr, frame: &Frame<'a>) -> Option<bool> {
        let (ExprKind::Local(a), ExprKind::Local(b)) = (&p.kind, &q.kind) else {
            return None;
        };
        match (frame.slots.get(*a), frame.slots.get(*b)) {
            (Some(Slot::Done(Ok(Value::Platform(p)))), Some(Slot::Done(Ok(Value::Product(q))))) => {
                Some(self.profile.sells(*p as usize, *q as usize))
            }
            _ => None,
        }
    }

    /// `a and b` (`wins` false) or `a or b` (`wins` true): a side equal to `wins`
    /// decides, even when the other is unknown (false wins over unknown in `and`,
    /// true in `or`); `b` is not evaluated when `a` decides.
    fn junction<T: Tracer<'a>>(
        &mut self,
        a: &'a Expr,
        b: &'a Expr,
        wins: bool,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<bool, Box<Unknown>> {
        let l = self.eval_bool(a, frame, t);
        if l == Ok(wins) {
            return Ok(wins);
        }
        match (l, self.eval_bool(b, frame, t)) {
            (_, Ok(r)) if r == wins => Ok(wins),
            (Err(u), _) | (_, Err(u)) => Err(u),
            (Ok(_), Ok(_)) => Ok(!wins),
        }
    }

    /// `a op b` with its unit rule, as a decimal.
    fn arith_node<T: Tracer<'a>>(
        &mut self,
        op: Arith,
        a: &'a Expr,
        b: &'a Expr,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<Decimal, Box<Unknown>> {
        // A node that rules share (see `memo`) is read from the memo when another
        // rule or binding computed it, and kept when it is computed here. Only
        // numbers are kept: an unknown names its own expression, so it is computed
        // again wherever it occurs. The traced path neither reads nor keeps.
        let cell = if !T::ON && !self.memo_sites.is_empty() {
            self.memo_cell(e, frame)
        } else {
            None
        };
        if let Some(c) = cell
            && let Some(d) = self.memo.as_ref().and_then(|m| m.get(c))
        {
            return Ok(d);
        }
        let x = self.operand(a, frame, t)?;
        let y = self.operand(b, frame, t)?;
        let v = self.arith(op, x, y, e)?;
        if let Some(c) = cell
            && let Some(m) = self.memo.as_mut()
        {
            m.put(c, v);
        }
        Ok(v)
    }

    /// The memo cell of `e` when it is a memoized node of the rule being run and its
    /// variables are bound.
    #[inline]
    fn memo_cell(&self, e: &Expr, frame: &Frame<'a>) -> Option<(usize, usize)> {
        let addr = e as *const Expr as usize;
        let (_, site) = self.memo_sites.iter().find(|(at, _)| *at == addr)?;
        self.memo.as_ref()?.cell(site, frame)
    }

    /// A comparison. Numbers compare as decimals on the plain path (the checker
    /// proved both sides numeric); anything else goes through `Value`.
    fn compare<T: Tracer<'a>>(
        &mut self,
        cmp: Cmp,
        a: &'a Expr,
        b: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<bool, Box<Unknown>> {
        if !T::ON && a.ty.is_numeric() && b.ty.is_numeric() {
            let x = self.operand(a, frame, t)?;
            let y = self.operand(b, frame, t)?;
            return Ok(compare_num(cmp, x, y));
        }
        let x = self.eval(a, frame, t)?;
        let y = self.eval(b, frame, t)?;
        Ok(compare(cmp, &x, &y))
    }

    fn list<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<List<'a>, Box<Unknown>> {
        match self.eval(e, frame, t)? {
            Value::List(l) => Ok(l),
            _ => Ok(List::Built(Rc::new(Vec::new()))),
        }
    }

    /// A global let's value, computed once per profile.
    pub fn global_let<T: Tracer<'a>>(&mut self, id: usize, t: &mut T) -> Eval<'a> {
        if let Some(Some(v)) = self.lets.get(id) {
            return v.clone();
        }
        let rules = self.rules;
        let Some(decl) = rules.lets.get(id) else {
            return Ok(Value::Bool(false));
        };
        let mut frame = Frame::new(decl.frame_size, vec![None; decl.frame_size]);
        // The let may be declared in another file than the rule that reads it.
        let reader = std::mem::replace(&mut self.file, decl.loc.file);
        let v = self.eval(&decl.expr, &mut frame, t);
        self.file = reader;
        if let Some(slot) = self.lets.get_mut(id) {
            *slot = Some(v.clone());
        }
        v
    }

    fn eval_inner<T: Tracer<'a>>(
        &mut self,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Eval<'a> {
        match &e.kind {
            ExprKind::Lit(l) => Ok(lit_value(l)),
            ExprKind::Param(id) => Ok(self.params.get(*id).cloned().unwrap_or(Value::Bool(false))),
            ExprKind::Let(id) => self.global_let(*id, t),
            ExprKind::Local(slot) => self.local(*slot, frame, t),
            ExprKind::Fact(id) => match self.facts.get(*id) {
                Some(Some(r)) => r.clone().map(Value::Bool),
                // INVARIANT: rules run in dependency order, so a fact is set before
                // it is read; an unset fact can only mean its rule never ran.
                _ => Ok(Value::Bool(false)),
            },
            ExprKind::Business => Ok(Value::Record(&self.profile.business, EntityRef::Business)),
            ExprKind::Products => Ok(Value::List(List::Products(
                self.profile.products.len() as u32
            ))),
            ExprKind::Platforms => Ok(Value::List(List::Platforms(
                self.profile.platforms.len() as u32
            ))),
            ExprKind::Field { base, slot, .. } => {
                // `product.price` and the like: read the field straight from the bound
                // variable's slot, without a recursive step or a copy of the base.
                // Traced runs take the general path, which records the base's value.
                if !T::ON
                    && let ExprKind::Local(s) = base.kind
                    && let Some(Slot::Done(Ok(b))) = frame.slots.get(s)
                {
                    return self.field(b, *slot);
                }
                let b = self.eval(base, frame, t)?;
                self.field(&b, *slot)
            }
            ExprKind::Not(x) => Ok(Value::Bool(!self.eval_bool(x, frame, t)?)),
            ExprKind::Neg(x) => Ok(Value::Num(-self.num(x, frame, t)?)),
            ExprKind::And(a, b) => self.junction(a, b, false, frame, t).map(Value::Bool),
            ExprKind::Or(a, b) => self.junction(a, b, true, frame, t).map(Value::Bool),
            ExprKind::Arith(op, a, b) => self.arith_node(*op, a, b, e, frame, t).map(Value::Num),
            ExprKind::Compare(cmp, a, b) => self.compare(*cmp, a, b, frame, t).map(Value::Bool),
            ExprKind::In(x, list) => {
                let v = self.eval(x, frame, t)?;
                let l = self.list(list, frame, t)?;
                Ok(Value::Bool(l.contains(&v)))
            }
            ExprKind::Sells(p, q) => {
                if !T::ON
                    && let Some(b) = self.sells_in_place(p, q, frame)
                {
                    return Ok(Value::Bool(b));
                }
                let p = self.eval(p, frame, t)?;
                let q = self.eval(q, frame, t)?;
                match (p, q) {
                    (Value::Platform(p), Value::Product(q)) => {
                        Ok(Value::Bool(self.profile.sells(p as usize, q as usize)))
                    }
                    _ => Ok(Value::Bool(false)),
                }
            }
            ExprKind::Index(table, key) => {
                let k = self.eval(key, frame, t)?;
                let rules = self.rules;
                let Some(table) = rules.tables.get(*table) else {
                    return Ok(Value::Bool(false));
                };
                let key = k.as_text().unwrap_or("");
                match table.lookup(key) {
                    Some(lit) => Ok(lit_value(lit)),
                    None => Err(Box::new(Unknown::NotInTable {
                        table: table.name.clone(),
                        key: key.to_owned(),
                    })),
                }
            }
            ExprKind::If(c, a, b) => {
                if self.eval_bool(c, frame, t)? {
                    self.eval(a, frame, t)
                } else {
                    self.eval(b, frame, t)
                }
            }
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, frame, t)?);
                }
                Ok(Value::List(List::Built(Rc::new(out))))
            }
            ExprKind::Aggregate {
                kind,
                slot,
                source,
                filter,
                body,
            } => self.aggregate(*kind, *slot, source, filter.as_deref(), body, e, frame, t),
            ExprKind::Call(builtin, args) => self.call(*builtin, args, e, frame, t),
            ExprKind::Paren(x) => self.eval(x, frame, t),
        }
    }

    fn local<T: Tracer<'a>>(&mut self, slot: usize, frame: &mut Frame<'a>, t: &mut T) -> Eval<'a> {
        match frame.slots.get(slot) {
            Some(Slot::Done(v)) => v.clone(),
            _ => {
                let Some(Some(expr)) = frame.lets.get(slot).copied() else {
                    return Ok(Value::Bool(false));
                };
                let v = self.eval(expr, frame, t);
                if let Some(s) = frame.slots.get_mut(slot) {
                    *s = Slot::Done(v.clone());
                }
                v
            }
        }
    }

    /// A numeric field that the profile gives, read without making a `Value`; `None`
    /// for anything else (a missing fact goes the long way, through `field`).
    #[inline]
    fn num_field(&self, base: &Value<'a>, slot: usize) -> Option<Decimal> {
        let record = match *base {
            Value::Product(i) => self.profile.products.get(i as usize)?,
            Value::Platform(i) => self.profile.platforms.get(i as usize)?,
            Value::Record(r, _) => r,
            _ => return None,
        };
        match &record.get(slot)?.value {
            FieldValue::Money(m) => Some(m.0),
            FieldValue::Percent(p) => Some(p.0),
            FieldValue::Count(c) => Some(Decimal::from(*c)),
            _ => None,
        }
    }

    /// Reads field `slot` of a product, platform or record.
    pub fn field(&self, base: &Value<'a>, slot: usize) -> Eval<'a> {
        let (record, entity) = match *base {
            Value::Product(i) => match self.profile.products.get(i as usize) {
                Some(r) => (r, EntityRef::Product(i)),
                None => return Ok(Value::Bool(false)),
            },
            Value::Platform(i) => match self.profile.platforms.get(i as usize) {
                Some(r) => (r, EntityRef::Platform(i)),
                None => return Ok(Value::Bool(false)),
            },
            Value::Record(r, entity) => (r, entity),
            _ => return Ok(Value::Bool(false)),
        };
        let missing = || missing_field(record, entity, slot);
        let Some(field) = record.get(slot) else {
            return Err(missing());
        };
        Ok(match &field.value {
            FieldValue::Money(m) => Value::Num(m.0),
            FieldValue::Percent(p) => Value::Num(p.0),
            FieldValue::Count(c) => Value::Num(Decimal::from(*c)),
            FieldValue::Bool(b) => Value::Bool(*b),
            FieldValue::Text(s) => Value::Text(s),
            FieldValue::Enum(w) => Value::Word(w),
            FieldValue::TextList(words) => Value::List(List::Words(words)),
            FieldValue::EnumList(words) => Value::List(List::Enums(words)),
            FieldValue::Record(r) => Value::Record(r, entity),
            FieldValue::Date(_) => return Err(missing()),
        })
    }

    fn arith(&self, op: Arith, x: Decimal, y: Decimal, e: &Expr) -> Result<Decimal, Box<Unknown>> {
        let hundred = Decimal::ONE_HUNDRED;
        let divides = matches!(op, Arith::Div | Arith::DivToPercent | Arith::DivByPercent);
        if divides && y.is_zero() {
            return Err(Box::new(Unknown::DivisionByZero {
                span: e.span,
                expr: self.text(e),
            }));
        }
        let r = match op {
            Arith::Add => x.checked_add(y),
            Arith::Sub => x.checked_sub(y),
            Arith::Mul => x.checked_mul(y),
            Arith::MulPercent => x.checked_mul(y).and_then(hundredth),
            Arith::Div => x.checked_div(y),
            Arith::DivToPercent => x.checked_div(y).and_then(|v| v.checked_mul(hundred)),
            Arith::DivByPercent => x.checked_mul(hundred).and_then(|v| v.checked_div(y)),
        };
        r.ok_or_else(|| self.overflow(e))
    }

    /// The elements a source ranges over, for aggregates and `top`.
    pub fn elements<T: Tracer<'a>>(
        &mut self,
        source: &'a SourceIr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Result<List<'a>, Box<Unknown>> {
        match source {
            SourceIr::Products => Ok(List::Products(self.profile.products.len() as u32)),
            SourceIr::Platforms => Ok(List::Platforms(self.profile.platforms.len() as u32)),
            SourceIr::List(e) => self.list(e, frame, t),
            SourceIr::Top {
                n,
                share,
                collection,
                filter,
                key,
                slot,
            } => {
                let all = self.elements(collection, frame, t)?;
                let mut keyed: Vec<(Decimal, usize, Value<'a>)> = Vec::new();
                for (i, v) in all.iter().enumerate() {
                    frame.set(*slot, v.clone());
                    if let Some(f) = filter
                        && !self.eval_bool(f, frame, t)?
                    {
                        continue;
                    }
                    let k = self.num(key, frame, t)?;
                    keyed.push((k, i, v));
                }
                // Highest key first; equal keys keep profile order, so ties never
                // make the output depend on anything but the input.
                keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let count = self.num(n, frame, t)?;
                let take = if *share {
                    // ceil(len × n%), and at least one of a non-empty list. A share
                    // too large to compute (params are held to 100%, but a share may
                    // be arithmetic) is an overflow the audit reports, not a panic.
                    let len = Decimal::from(keyed.len() as u64);
                    let k = len
                        .checked_mul(count)
                        .and_then(hundredth)
                        .ok_or_else(|| self.overflow(n))?
                        .ceil();
                    whole_count(k, keyed.len()).max(usize::from(!keyed.is_empty()))
                } else {
                    whole_count(count.trunc(), keyed.len())
                };
                keyed.truncate(take);
                Ok(List::Built(Rc::new(
                    keyed.into_iter().map(|(_, _, v)| v).collect(),
                )))
            }
        }
    }

    // Not inlined into `eval` (its only caller): its many locals would otherwise
    // widen the stack frame every expression node sets up and tears down.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn aggregate<T: Tracer<'a>>(
        &mut self,
        kind: AggKind,
        slot: usize,
        source: &'a SourceIr,
        filter: Option<&'a Expr>,
        body: &'a Expr,
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Eval<'a> {
        let items = self.elements(source, frame, t)?;
        let mut unknown: Option<Box<Unknown>> = None;
        let mut count: u64 = 0;
        let mut acc: Option<Decimal> = None;
        let mut any = false;
        let mut all = true;
        let mut listed: Vec<Value<'a>> = Vec::new();
        for item in items.iter() {
            frame.set(slot, item);
            if let Some(f) = filter {
                match self.eval_bool(f, frame, t) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(u) => {
                        unknown.get_or_insert(u);
                        continue;
                    }
                }
            }
            count += 1;
            if kind == AggKind::Count {
                continue;
            }
            let v = match self.eval(body, frame, t) {
                Ok(v) => v,
                Err(u) => {
                    unknown.get_or_insert(u);
                    continue;
                }
            };
            match (kind, v) {
                (AggKind::Any, Value::Bool(b)) => any |= b,
                (AggKind::All, Value::Bool(b)) => all &= b,
                (AggKind::Sum | AggKind::Avg, Value::Num(d)) => {
                    acc = Some(match acc {
                        None => d,
                        Some(a) => a.checked_add(d).ok_or_else(|| self.overflow(e))?,
                    });
                }
                (AggKind::Min, Value::Num(d)) => acc = Some(acc.map_or(d, |a| a.min(d))),
                (AggKind::Max, Value::Num(d)) => acc = Some(acc.map_or(d, |a| a.max(d))),
                (AggKind::List, v) if !listed.iter().any(|x| x.same(&v)) => listed.push(v),
                _ => {}
            }
        }
        // Three-valued results: a decided `any`/`all` does not need the unknowns.
        match kind {
            AggKind::Any if any => return Ok(Value::Bool(true)),
            AggKind::All if !all => return Ok(Value::Bool(false)),
            _ => {}
        }
        if let Some(u) = unknown {
            return Err(u);
        }
        let empty = || {
            Box::new(Unknown::Empty {
                span: e.span,
                expr: self.text(e),
            })
        };
        Ok(match kind {
            AggKind::Any => Value::Bool(any),
            AggKind::All => Value::Bool(all),
            AggKind::Count => Value::Num(Decimal::from(count)),
            AggKind::Sum => Value::Num(acc.unwrap_or(Decimal::ZERO)),
            AggKind::Min | AggKind::Max => Value::Num(acc.ok_or_else(empty)?),
            AggKind::Avg => {
                let total = acc.ok_or_else(empty)?;
                Value::Num(
                    total
                        .checked_div(Decimal::from(count))
                        .ok_or_else(|| self.overflow(e))?,
                )
            }
            AggKind::List => Value::List(List::Built(Rc::new(listed))),
        })
    }

    fn overflow(&self, e: &Expr) -> Box<Unknown> {
        Box::new(Unknown::Overflow {
            span: e.span,
            expr: self.text(e),
        })
    }

    // Kept out of `eval` for the same reason as `aggregate`.
    #[inline(never)]
    fn call<T: Tracer<'a>>(
        &mut self,
        builtin: Builtin,
        args: &'a [Expr],
        e: &'a Expr,
        frame: &mut Frame<'a>,
        t: &mut T,
    ) -> Eval<'a> {
        let arg = |i: usize| args.get(i);
        match builtin {
            Builtin::Known => {
                let Some(x) = arg(0) else {
                    return Ok(Value::Bool(false));
                };
                match self.eval(x, frame, t) {
                    Ok(_) => Ok(Value::Bool(true)),
                    Err(u) if matches!(*u, Unknown::Missing(_) | Unknown::NotInTable { .. }) => {
                        Ok(Value::Bool(false))
                    }
                    Err(other) => Err(other),
                }
            }
            Builtin::SumOf => {
                let Some(x) = arg(0) else {
                    return Ok(Value::Num(Decimal::ZERO));
                };
                match self.eval(x, frame, t)? {
                    Value::Record(r, entity) => {
                        let mut total = Decimal::ZERO;
                        for slot in 0..r.schema.fields.len() {
                            if let Value::Num(d) = self.field(&Value::Record(r, entity), slot)? {
                                total = total.checked_add(d).ok_or_else(|| self.overflow(e))?;
                            }
                        }
                        Ok(Value::Num(total))
                    }
                    Value::List(l) => {
                        let mut total = Decimal::ZERO;
                        for v in l.iter() {
                            if let Value::Num(d) = v {
                                total = total.checked_add(d).ok_or_else(|| self.overflow(e))?;
                            }
                        }
                        Ok(Value::Num(total))
                    }
                    _ => Ok(Value::Num(Decimal::ZERO)),
                }
            }
            Builtin::CountOf => {
                let Some(x) = arg(0) else {
                    return Ok(Value::Num(Decimal::ZERO));
                };
                let l = self.list(x, frame, t)?;
                Ok(Value::Num(Decimal::from(l.len() as u64)))
            }
            Builtin::Min | Builtin::Max => {
                let mut best: Option<Decimal> = None;
                for x in args {
                    let d = self.num(x, frame, t)?;
                    best = Some(match best {
                        None => d,
                        Some(b) if builtin == Builtin::Min => b.min(d),
                        Some(b) => b.max(d),
                    });
                }
                Ok(Value::Num(best.unwrap_or(Decimal::ZERO)))
            }
            Builtin::Abs => {
                let Some(x) = arg(0) else {
                    return Ok(Value::Num(Decimal::ZERO));
                };
                Ok(Value::Num(self.num(x, frame, t)?.abs()))
            }
            Builtin::Overlaps | Builtin::Intersect | Builtin::Without => {
                let (Some(a), Some(b)) = (arg(0), arg(1)) else {
                    return Ok(Value::Bool(false));
                };
                let a = self.list(a, frame, t)?;
                let b = self.list(b, frame, t)?;
                let in_b = |v: &Value<'_>| b.contains(v);
                match builtin {
                    Builtin::Overlaps => Ok(Value::Bool(a.iter().any(|v| in_b(&v)))),
                    _ => {
                        let keep = builtin == Builtin::Intersect;
                        let mut out: Vec<Value<'a>> = Vec::new();
                        for v in a.iter() {
                            if in_b(&v) == keep && !out.iter().any(|x| x.same(&v)) {
                                out.push(v);
                            }
                        }
                        Ok(Value::List(List::Built(Rc::new(out))))
                    }
                }
            }
        }
    }
}

/// How many of `len` elements a whole number `k` takes: none when negative, all
/// when `k` is beyond `len` (or beyond what a `usize` holds).
fn whole_count(k: Decimal, len: usize) -> usize {
    if k.is_sign_negative() {
        return 0;
    }
    k.to_usize().map_or(len, |k| k.min(len))
}

/// The fact a missing field stands for. Out of line: building its path allocates,
/// and the callers are hot.
#[cold]
#[inline(never)]
fn missing_field(record: &Record, entity: EntityRef, slot: usize) -> Box<Unknown> {
    let name = record.schema.fields.get(slot).map_or("?", |f| f.name);
    let path = match record.schema.name.split_once('.') {
        Some((_, rest)) => format!("{rest}.{name}"),
        None => name.to_owned(),
    };
    Box::new(Unknown::Missing(MissingFact { entity, path }))
}

/// Compares two numbers.
fn compare_num(cmp: Cmp, x: Decimal, y: Decimal) -> bool {
    match cmp {
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
        Cmp::Lt => x < y,
        Cmp::Le => x <= y,
        Cmp::Gt => x > y,
        Cmp::Ge => x >= y,
    }
}

/// Compares two values of comparable types.
fn compare(cmp: Cmp, x: &Value<'_>, y: &Value<'_>) -> bool {
    use std::cmp::Ordering;
    let ord = match (x, y) {
        (Value::Num(a), Value::Num(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match (cmp, ord) {
        (Cmp::Eq, _) => x.same(y),
        (Cmp::Ne, _) => !x.same(y),
        (Cmp::Lt, Some(o)) => o == Ordering::Less,
        (Cmp::Le, Some(o)) => o != Ordering::Greater,
        (Cmp::Gt, Some(o)) => o == Ordering::Greater,
        (Cmp::Ge, Some(o)) => o != Ordering::Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moving the point gives the value rust_decimal's division by 100 gives, at
    /// every scale, for large mantissas, and where the point cannot move.
    #[test]
    fn hundredth_is_division_by_a_hundred() {
        let mut cases: Vec<Decimal> = [
            "0",
            "576.00",
            "5.76",
            "-12.5",
            "7",
            "0.05",
            "123456789.123",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
            "35.714285714285714285714285714",
            "1.0000000000000000000000000001",
            "0.00000000000000000000000001",
            "0.000000000000000000000000001",
        ]
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
        for scale in 0..=28 {
            cases.push(Decimal::new(-987_654_321_987, scale));
        }
        for v in cases {
            assert_eq!(hundredth(v), v.checked_div(Decimal::ONE_HUNDRED), "{v}");
        }
    }
}
