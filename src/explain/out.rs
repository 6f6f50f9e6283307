//! Where an explained recommendation goes.
//!
//! The explainer writes a recommendation as a sequence of calls on an
//! [`AdviceOut`], in the order the JSON schema lists its fields. [`Build`] turns
//! the calls into a [`Recommendation`] (for the human and Markdown renderers, the
//! golden tests and `why-not`); the JSON renderer writes them straight into its
//! text (`src/render/json.rs`), so an audit's JSON does not first make every
//! evidence line a string of its own and then copy and free it. There is one
//! explainer and one order of calls; a test holds the two outputs to each other
//! byte for byte on every fixture.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::advice::{Bound, Entity, Evidence, ParamUsed, Recommendation, RuleLocation, Step};
use crate::check::ir::Severity;

/// A text field's value: text already shared, or written on demand into the
/// output (a `Build` makes it a string; JSON writes it in place).
pub enum Text<'t, F: FnOnce(&mut String)> {
    /// Text made once and shared (a rule's fixed rationale, `true`, `false`).
    Shared(&'t Arc<str>),
    /// Text written by the function.
    Write(F),
}

/// A [`Text`] that is always shared: names the closure type the enum needs.
pub type SharedText<'t> = Text<'t, fn(&mut String)>;

/// What a recommendation is: the fields before its message.
pub struct Head<'h> {
    /// Rule id.
    pub rule: &'h Arc<str>,
    /// Rule title.
    pub title: &'h Arc<str>,
    /// Severity for this entity.
    pub severity: Severity,
    /// Area of advice.
    pub area: &'h Arc<str>,
    /// Source heuristic.
    pub heuristic: &'h Arc<str>,
    /// What it is about.
    pub entity: &'h Entity,
}

/// Receives a recommendation, field by field, in the JSON schema's order:
/// `begin`, `message`, `rationale`, `actions_begin`, `action`…, `actions_end`,
/// then its evidence (`evidence_begin`, `bound`…, `steps_begin`, `step` or
/// `shared_step`…, `evidence_end`), then `end`. `why-not` sends the evidence
/// calls alone.
pub trait AdviceOut {
    /// Starts a recommendation.
    fn begin(&mut self, head: Head<'_>);
    /// The message, values filled in.
    fn message(&mut self, text: Text<'_, impl FnOnce(&mut String)>);
    /// Why it matters.
    fn rationale(&mut self, text: Text<'_, impl FnOnce(&mut String)>);
    /// Starts the actions.
    fn actions_begin(&mut self);
    /// One action.
    fn action(&mut self, write: impl FnOnce(&mut String));
    /// Ends the actions.
    fn actions_end(&mut self);
    /// Starts the evidence, with its bindings.
    fn evidence_begin(&mut self);
    /// A rule variable and what it was bound to.
    fn bound(&mut self, name: &Arc<str>, value: &Arc<str>);
    /// Ends the bindings and starts the evidence lines.
    fn steps_begin(&mut self);
    /// An evidence line: its formula with the values in, its result, and the exact
    /// decimal behind a numeric result.
    fn step(
        &mut self,
        name: &Arc<str>,
        formula: &Arc<str>,
        values: impl FnOnce(&mut String),
        result: Text<'_, impl FnOnce(&mut String)>,
        exact: Option<Decimal>,
    );
    /// An evidence line made once and shared (a global let's).
    fn shared_step(&mut self, step: &Step);
    /// Ends the evidence lines, then the evidence with the params the rule read.
    fn evidence_end(&mut self, params: &Arc<[ParamUsed]>);
    /// Ends the recommendation with the rule's location.
    fn end(&mut self, location: &RuleLocation);
}

/// A [`Head`] kept until its recommendation ends.
struct OwnedHead {
    rule: Arc<str>,
    title: Arc<str>,
    severity: Severity,
    area: Arc<str>,
    heuristic: Arc<str>,
    entity: Entity,
}

/// Builds [`Recommendation`]s (and, for `why-not`, [`Evidence`]) from the calls.
#[derive(Default)]
pub struct Build {
    head: Option<OwnedHead>,
    message: String,
    rationale: Option<Arc<str>>,
    actions: Vec<String>,
    bindings: Vec<Bound>,
    steps: Vec<Step>,
    evidence: Option<Evidence>,
    /// The recommendation last ended.
    done: Option<Recommendation>,
    /// Text is written here before it is shared: one allocation of its own size.
    scratch: String,
}

impl Build {
    /// The recommendation last ended.
    pub fn take(&mut self) -> Option<Recommendation> {
        self.done.take()
    }

    /// The evidence line last sent (a global let's, made once per profile).
    pub fn take_step(&mut self) -> Option<Step> {
        self.steps.pop()
    }

    /// The evidence last ended (`why-not`, which sends no `end`).
    pub fn take_evidence(&mut self) -> Option<Evidence> {
        self.evidence.take()
    }

    fn shared(&mut self, text: Text<'_, impl FnOnce(&mut String)>) -> Arc<str> {
        match text {
            Text::Shared(s) => s.clone(),
            Text::Write(write) => {
                self.scratch.clear();
                write(&mut self.scratch);
                Arc::from(self.scratch.as_str())
            }
        }
    }
}

/// A field's text as an owned string.
fn owned(text: Text<'_, impl FnOnce(&mut String)>) -> String {
    match text {
        Text::Shared(s) => s.to_string(),
        Text::Write(write) => {
            let mut out = String::with_capacity(128);
            write(&mut out);
            out
        }
    }
}

impl AdviceOut for Build {
    fn begin(&mut self, h: Head<'_>) {
        self.head = Some(OwnedHead {
            rule: h.rule.clone(),
            title: h.title.clone(),
            severity: h.severity,
            area: h.area.clone(),
            heuristic: h.heuristic.clone(),
            entity: h.entity.clone(),
        });
    }

    fn message(&mut self, text: Text<'_, impl FnOnce(&mut String)>) {
        self.message = owned(text);
    }

    fn rationale(&mut self, text: Text<'_, impl FnOnce(&mut String)>) {
        self.rationale = Some(self.shared(text));
    }

    fn actions_begin(&mut self) {
        self.actions = Vec::new();
    }

    fn action(&mut self, write: impl FnOnce(&mut String)) {
        self.actions.push(owned(Text::Write(write)));
    }

    fn actions_end(&mut self) {}

    fn evidence_begin(&mut self) {
        self.bindings = Vec::new();
        self.steps = Vec::new();
    }

    fn bound(&mut self, name: &Arc<str>, value: &Arc<str>) {
        self.bindings.push(Bound {
            name: name.clone(),
            value: value.clone(),
        });
    }

    fn steps_begin(&mut self) {}

    fn step(
        &mut self,
        name: &Arc<str>,
        formula: &Arc<str>,
        values: impl FnOnce(&mut String),
        result: Text<'_, impl FnOnce(&mut String)>,
        exact: Option<Decimal>,
    ) {
        let values = self.shared(Text::Write(values));
        let result = self.shared(result);
        let exact =
            exact.map(|d| self.shared(Text::Write(|out| crate::money::write_exact(out, d))));
        self.steps.push(Step {
            name: name.clone(),
            formula: formula.clone(),
            values,
            result,
            exact,
        });
    }

    fn shared_step(&mut self, step: &Step) {
        self.steps.push(step.clone());
    }

    fn evidence_end(&mut self, params: &Arc<[ParamUsed]>) {
        self.evidence = Some(Evidence {
            bindings: std::mem::take(&mut self.bindings),
            steps: std::mem::take(&mut self.steps),
            params: params.clone(),
        });
    }

    fn end(&mut self, location: &RuleLocation) {
        let (Some(head), Some(evidence)) = (self.head.take(), self.evidence.take()) else {
            // Calls out of order are a bug in the explainer; the tests see no advice.
            return;
        };
        self.done = Some(Recommendation {
            rule: head.rule,
            title: head.title,
            severity: head.severity,
            area: head.area,
            heuristic: head.heuristic,
            entity: head.entity,
            message: std::mem::take(&mut self.message),
            rationale: self.rationale.take().unwrap_or_else(|| Arc::from("")),
            actions: std::mem::take(&mut self.actions),
            evidence,
            location: location.clone(),
        });
    }
}

/// Sends a built recommendation through `out`, as the explainer sent it: the JSON
/// writer writes a [`crate::advice::Report`] this way.
pub fn replay(r: &Recommendation, out: &mut impl AdviceOut) {
    out.begin(Head {
        rule: &r.rule,
        title: &r.title,
        severity: r.severity,
        area: &r.area,
        heuristic: &r.heuristic,
        entity: &r.entity,
    });
    out.message(Text::Write(|o: &mut String| o.push_str(&r.message)));
    out.rationale(SharedText::Shared(&r.rationale));
    out.actions_begin();
    for a in &r.actions {
        out.action(|o| o.push_str(a));
    }
    out.actions_end();
    out.evidence_begin();
    for b in &r.evidence.bindings {
        out.bound(&b.name, &b.value);
    }
    out.steps_begin();
    for s in &r.evidence.steps {
        out.shared_step(s);
    }
    out.evidence_end(&r.evidence.params);
    out.end(&r.location);
}
