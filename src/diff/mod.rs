//! The impact of a rule change: the same profiles audited with two rule sets, and
//! whose advice changes (`pitfall diff`).
//!
//! Recommendations are matched by rule id and entity. A matched pair is *changed* when
//! its severity, wording (title, message, rationale, actions) or numbers (the evidence
//! steps' exact values, by step name) differ. A pair whose only difference is a changed
//! param's value quoted in its text ("under the 10% floor" → "under the 12% floor") is
//! *restated*: the same advice about the same numbers. Restated advice is reported in a
//! section of its own and does not make a profile "changed", so that raising a threshold
//! lists exactly the clients whose advice it changes. The output shapes are documented
//! in `docs/rule-changes.md`.

pub mod git;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::advice::{Entity, Recommendation, Report};
use crate::check::ir::{Lit, ParamDecl, RuleSet, Severity};
use crate::check::types::Type;
use crate::eval::evaluate;
use crate::eval::params::{ParamProblems, names_of, resolve};
use crate::explain::{ReportOptions, report};
use crate::golden::observe::who;
use crate::money::{Money, Percent};
use crate::profile::{Date, Profile, ProfileErrors, check_against};
use crate::ruleset::Loaded;

/// Bumped when the JSON shape changes incompatibly (see docs/rule-changes.md).
pub const DIFF_JSON_VERSION: u32 = 1;

/// One figure of a recommendation's evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Number {
    /// The step's name (`net`).
    pub name: String,
    /// Formatted (`¥19.98`).
    pub value: String,
    /// The exact decimal.
    pub exact: String,
}

/// A recommendation as the diff shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// What it is about.
    pub entity: Entity,
    /// The entity in words, or "the business".
    pub about: String,
    /// The message.
    pub message: String,
    /// The figures behind it.
    pub numbers: Vec<Number>,
}

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    /// With the base rule set.
    pub before: T,
    /// With the new rule set.
    pub after: T,
}

/// A figure that changed (absent on one side when the step is new or gone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NumberChange {
    /// The step's name.
    pub name: String,
    /// Formatted, before.
    pub before: Option<String>,
    /// Formatted, after.
    pub after: Option<String>,
    /// Exact, before.
    pub before_exact: Option<String>,
    /// Exact, after.
    pub after_exact: Option<String>,
}

/// A matched recommendation whose content changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// Rule id.
    pub rule: String,
    /// Rule title (the new one).
    pub title: String,
    /// What it is about.
    pub entity: Entity,
    /// The entity in words.
    pub about: String,
    /// Severity with the new rule set.
    pub severity: Severity,
    /// Severity before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_change: Option<Change<Severity>>,
    /// Title, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_change: Option<Change<String>>,
    /// Message, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Change<String>>,
    /// Rationale, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Change<String>>,
    /// Actions, when they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Change<Vec<String>>>,
    /// Figures that changed.
    pub numbers: Vec<NumberChange>,
}

impl Changed {
    /// The text fields that changed, labelled, in the order every format shows them.
    pub fn text_changes(&self) -> impl Iterator<Item = (&'static str, &Change<String>)> {
        [
            ("title", &self.title_change),
            ("message", &self.message),
            ("rationale", &self.rationale),
        ]
        .into_iter()
        .filter_map(|(label, change)| change.as_ref().map(|c| (label, c)))
    }
}

/// A matched recommendation that only quotes a changed param's new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Restated {
    /// Rule id.
    pub rule: String,
    /// What it is about.
    pub entity: Entity,
    /// The entity in words.
    pub about: String,
    /// The params whose new value it quotes.
    pub params: Vec<String>,
}

/// A param whose value in force differs between the two rule sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamChange {
    /// Name.
    pub name: String,
    /// Before (none: the base rule set does not declare it).
    pub before: Option<String>,
    /// After (none: the new rule set does not declare it).
    pub after: Option<String>,
}

/// One profile's changes.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileDiff {
    /// The profile file.
    pub profile: String,
    /// The business's name.
    pub business: String,
    /// Whether advice was added, removed or changed (restatements alone do not count).
    pub changed: bool,
    /// What one rule set could not take from the profile (a param or waiver it does not
    /// know), and how the audit went on.
    pub notes: Vec<String>,
    /// Advice only the new rule set gives.
    pub added: Vec<Advice>,
    /// Advice only the base rule set gives.
    pub removed: Vec<Advice>,
    /// Advice both give, with different content.
    pub modified: Vec<Changed>,
    /// Advice both give, restated with a changed param's value.
    pub restated: Vec<Restated>,
}

impl ProfileDiff {
    /// Whether anything at all differs (restatements and notes included).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.restated.is_empty()
            && self.notes.is_empty()
    }
}

/// The figures of a recommendation: evidence steps with an exact value (conditions
/// left out: their parts are figures already listed).
fn numbers(r: &Recommendation) -> Vec<Number> {
    let mut out: Vec<Number> = Vec::new();
    for s in &r.evidence.steps {
        if &*s.name == "when" || s.name.starts_with("escalate ") {
            continue;
        }
        if let Some(exact) = &s.exact
            && !out.iter().any(|n| *n.name == *s.name)
        {
            out.push(Number {
                name: s.name.to_string(),
                value: s.result.to_string(),
                exact: exact.to_string(),
            });
        }
    }
    out
}

fn advice(r: &Recommendation) -> Advice {
    Advice {
        rule: r.rule.to_string(),
        title: r.title.to_string(),
        severity: r.severity,
        entity: r.entity.clone(),
        about: who(&r.entity),
        message: r.message.clone(),
        numbers: numbers(r),
    }
}

/// The key recommendations are matched by.
fn key(r: &Recommendation) -> (Arc<str>, Option<Arc<str>>, Option<Arc<str>>) {
    (
        r.rule.clone(),
        r.entity.product.as_ref().map(|p| p.sku.clone()),
        r.entity.platform.clone(),
    )
}

/// Replaces each param's value in `text` by a placeholder, longest value first so that
/// `12.5%` is not half-replaced as `12`.
fn normalise(text: &str, values: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = values.iter().collect();
    sorted.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    let mut out = text.to_owned();
    for (name, value) in sorted {
        if !value.is_empty() {
            out = out.replace(value.as_str(), &format!("⟨{name}⟩"));
        }
    }
    out
}

/// Compares one matched pair. `None` when nothing differs; `Err` when only changed
/// params' values differ in the text.
fn compare_pair(
    old: &Recommendation,
    new: &Recommendation,
    params_before: &[(String, String)],
    params_after: &[(String, String)],
) -> Option<Result<Changed, Restated>> {
    let (on, nn) = (numbers(old), numbers(new));
    let mut names: Vec<&str> = on.iter().map(|n| n.name.as_str()).collect();
    for n in &nn {
        if !names.contains(&n.name.as_str()) {
            names.push(&n.name);
        }
    }
    let mut number_changes = Vec::new();
    for name in names {
        let b = on.iter().find(|n| n.name == name);
        let a = nn.iter().find(|n| n.name == name);
        if b.map(|n| &n.exact) != a.map(|n| &n.exact) {
            number_changes.push(NumberChange {
                name: name.to_owned(),
                before: b.map(|n| n.value.clone()),
                after: a.map(|n| n.value.clone()),
                before_exact: b.map(|n| n.exact.clone()),
                after_exact: a.map(|n| n.exact.clone()),
            });
        }
    }
    let differs = |a: &String, b: &String| {
        (a != b).then(|| Change {
            before: a.clone(),
            after: b.clone(),
        })
    };
    let changed = Changed {
        rule: new.rule.to_string(),
        title: new.title.to_string(),
        entity: new.entity.clone(),
        about: who(&new.entity),
        severity: new.severity,
        severity_change: (old.severity != new.severity).then_some(Change {
            before: old.severity,
            after: new.severity,
        }),
        title_change: differs(&old.title.to_string(), &new.title.to_string()),
        message: differs(&old.message, &new.message),
        rationale: differs(&old.rationale.to_string(), &new.rationale.to_string()),
        actions: (old.actions != new.actions).then(|| Change {
            before: old.actions.clone(),
            after: new.actions.clone(),
        }),
        numbers: number_changes,
    };
    let wording = changed.title_change.is_some()
        || changed.message.is_some()
        || changed.rationale.is_some()
        || changed.actions.is_some();
    let same_facts = changed.severity_change.is_none() && changed.numbers.is_empty();
    if same_facts && !wording {
        return None;
    }
    if same_facts && !params_before.is_empty() {
        let texts = |r: &Recommendation, values: &[(String, String)]| -> Vec<String> {
            std::iter::once(&*r.title)
                .chain(std::iter::once(r.message.as_str()))
                .chain(std::iter::once(&*r.rationale))
                .chain(r.actions.iter().map(String::as_str))
                .map(|t| normalise(t, values))
                .collect()
        };
        if texts(old, params_before) == texts(new, params_after) {
            let quoted: Vec<String> = params_after
                .iter()
                .filter(|(_, v)| {
                    let all = std::iter::once(new.message.as_str())
                        .chain(std::iter::once(&*new.title))
                        .chain(std::iter::once(&*new.rationale))
                        .chain(new.actions.iter().map(String::as_str));
                    all.into_iter().any(|t| t.contains(v.as_str()))
                })
                .map(|(n, _)| n.clone())
                .collect();
            return Some(Err(Restated {
                rule: new.rule.to_string(),
                entity: new.entity.clone(),
                about: who(&new.entity),
                params: quoted,
            }));
        }
    }
    Some(Ok(changed))
}

/// Params as (name, formatted value) pairs.
type ParamValues = Vec<(String, String)>;

/// The params in force that differ between two reports of one profile, as (name,
/// value) lists for each side.
fn changed_params(old: &Report, new: &Report) -> (ParamValues, ParamValues) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for p in &old.params {
        if let Some(q) = new.params.iter().find(|q| q.name == p.name)
            && q.value != p.value
        {
            before.push((p.name.to_string(), p.value.to_string()));
            after.push((q.name.to_string(), q.value.to_string()));
        }
    }
    (before, after)
}

/// Compares one profile's two reports.
pub fn compare(old: &Report, new: &Report, notes: Vec<String>) -> ProfileDiff {
    let (params_before, params_after) = changed_params(old, new);
    type Key = (Arc<str>, Option<Arc<str>>, Option<Arc<str>>);
    let mut groups: BTreeMap<Key, (Vec<&Recommendation>, Vec<&Recommendation>)> = BTreeMap::new();
    for r in &old.recommendations {
        groups.entry(key(r)).or_default().0.push(r);
    }
    for r in &new.recommendations {
        groups.entry(key(r)).or_default().1.push(r);
    }
    let mut diff = ProfileDiff {
        profile: new.profile.clone(),
        business: new.business.clone(),
        changed: false,
        notes,
        added: Vec::new(),
        removed: Vec::new(),
        modified: Vec::new(),
        restated: Vec::new(),
    };
    for (_, (mut olds, mut news)) in groups {
        // A rule can fire twice for one entity (once per foreign tool, say): identical
        // advice pairs first, the rest in report order.
        olds.retain(|o| match news.iter().position(|n| *n == *o) {
            Some(i) => {
                news.remove(i);
                false
            }
            None => true,
        });
        let pairs = olds.len().min(news.len());
        for (o, n) in olds.iter().zip(news.iter()) {
            match compare_pair(o, n, &params_before, &params_after) {
                None => {}
                Some(Ok(c)) => diff.modified.push(c),
                Some(Err(r)) => diff.restated.push(r),
            }
        }
        diff.removed
            .extend(olds.iter().skip(pairs).map(|r| advice(r)));
        diff.added
            .extend(news.iter().skip(pairs).map(|r| advice(r)));
    }
    // Most severe first, as in the audit.
    let order = |a: &Advice, b: &Advice| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.entity.cmp(&b.entity))
    };
    diff.added.sort_by(order);
    diff.removed.sort_by(order);
    diff.changed = !diff.added.is_empty() || !diff.removed.is_empty() || !diff.modified.is_empty();
    diff
}

/// Per rule: how many profiles gained, lost, changed or restated its advice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    /// Rule id.
    pub rule: String,
    /// Profiles with new advice from it.
    pub gained: usize,
    /// Profiles that no longer get advice from it.
    pub lost: usize,
    /// Profiles whose advice from it changed.
    pub changed: usize,
    /// Profiles whose advice from it only quotes a new param value.
    pub restated: usize,
}

/// The per-rule summary over profile diffs, rules in id order.
pub fn by_rule(diffs: &[ProfileDiff]) -> Vec<RuleSummary> {
    let mut map: BTreeMap<String, RuleSummary> = BTreeMap::new();
    for d in diffs {
        let mut count = |rules: BTreeSet<&String>, field: fn(&mut RuleSummary) -> &mut usize| {
            for r in rules {
                let entry = map.entry(r.clone()).or_insert_with(|| RuleSummary {
                    rule: r.clone(),
                    ..RuleSummary::default()
                });
                *field(entry) += 1;
            }
        };
        count(d.added.iter().map(|a| &a.rule).collect(), |s| &mut s.gained);
        count(d.removed.iter().map(|a| &a.rule).collect(), |s| &mut s.lost);
        count(d.modified.iter().map(|a| &a.rule).collect(), |s| {
            &mut s.changed
        });
        count(d.restated.iter().map(|a| &a.rule).collect(), |s| {
            &mut s.restated
        });
    }
    map.into_values().collect()
}

/// A param's default, written as the rule set writes it.
fn default_text(decl: &ParamDecl) -> String {
    match (&decl.default, &decl.ty) {
        (Lit::Num(d), Type::Percent) => Percent(*d).to_string(),
        (Lit::Num(d), Type::Money) => Money(*d).to_string(),
        (Lit::Num(d), _) => d.normalize().to_string(),
        (Lit::Text(t), _) => t.clone(),
        (Lit::Word(w), _) => (*w).to_owned(),
        (Lit::Bool(b), _) => b.to_string(),
        (Lit::List(l), _) => format!("{} values", l.len()),
    }
}

/// Params whose default differs between the rule sets, or that only one declares.
pub fn param_changes(base: &RuleSet, new: &RuleSet) -> Vec<ParamChange> {
    let mut out = Vec::new();
    for p in &base.params {
        let after = new.param(&p.name).map(|(_, d)| default_text(d));
        let before = Some(default_text(p));
        if after != before {
            out.push(ParamChange {
                name: p.name.clone(),
                before,
                after,
            });
        }
    }
    for p in &new.params {
        if base.param(&p.name).is_none() {
            out.push(ParamChange {
                name: p.name.clone(),
                before: None,
                after: Some(default_text(p)),
            });
        }
    }
    out
}

/// Audits a profile with one side's rule set. What the rule set does not know (a param
/// it does not declare or types differently, a waiver of a rule it does not have) is
/// left out of that side's audit and reported in the notes, instead of failing the
/// whole comparison: a rule change that renames a param is exactly what a diff is for.
pub fn audit_side(
    rules: &Loaded,
    profile: &Profile,
    today: Date,
    side: &str,
) -> Result<(Report, Vec<String>), ProfileErrors> {
    let names = names_of(&rules.rules);
    let mut notes = Vec::new();
    let problems = check_against(profile, &names);
    let trimmed;
    let profile = if problems.is_empty() {
        profile
    } else {
        let mut p = profile.clone();
        p.params.retain(|s| {
            let ok = names
                .params
                .iter()
                .any(|(n, kind)| *n == s.name && kind.problem(&s.text).is_none());
            if !ok {
                let why = match names.params.iter().find(|(n, _)| *n == s.name) {
                    Some((_, kind)) => format!("takes {}", kind.expected_of(&s.text)),
                    None => "does not declare it".to_owned(),
                };
                notes.push(format!(
                    "the profile sets `params.{}: {}`, but the {side} rule set {why}: the {side} audit ran without it",
                    s.name, s.text
                ));
            }
            ok
        });
        p.waivers.retain(|w| {
            let ok = names.rules.contains(&w.rule.text);
            if !ok {
                notes.push(format!(
                    "the profile waives `{}`, which the {side} rule set does not have: the {side} audit ran without that waiver",
                    w.rule.text
                ));
            }
            ok
        });
        trimmed = p;
        &trimmed
    };
    let params = match resolve(&rules.rules, profile, &[]) {
        Ok(p) => p,
        Err(ParamProblems::Profile(errors)) => {
            return Err(ProfileErrors {
                file: profile.source.name().to_owned(),
                errors,
            });
        }
        // No command-line params are passed, so there are none to refuse.
        Err(ParamProblems::CommandLine(_)) => {
            return Err(ProfileErrors {
                file: profile.source.name().to_owned(),
                errors: Vec::new(),
            });
        }
    };
    let eval = evaluate(&rules.rules, profile, &params, false);
    let options = ReportOptions {
        fingerprint: rules.fingerprint.clone(),
        today,
    };
    Ok((report(&eval, &options), notes))
}

/// Where a rule set came from, for the report's header.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    /// `rules/`, `rules/ at HEAD~1`, `the built-in rule set`.
    pub label: String,
    /// The rule files' fingerprint.
    pub fingerprint: String,
}

/// A profile that could not be compared.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The profile file.
    pub profile: String,
    /// The diagnostic, rendered.
    pub message: String,
}

/// Counts over the whole comparison.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    /// Profiles compared.
    pub profiles: usize,
    /// Profiles whose advice was added, removed or changed.
    pub changed: usize,
    /// Profiles whose only difference is restated advice (or notes).
    pub restated_only: usize,
    /// Profiles with identical advice.
    pub unchanged: usize,
    /// Profiles that could not be compared.
    pub problems: usize,
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// JSON shape version.
    pub schema_version: u32,
    /// The base rule set.
    pub base: Side,
    /// The new rule set.
    pub new: Side,
    /// Params whose default differs.
    pub params: Vec<ParamChange>,
    /// Profiles with any difference, in the order given.
    pub profiles: Vec<ProfileDiff>,
    /// Per rule.
    pub rules: Vec<RuleSummary>,
    /// Profiles that could not be compared.
    pub problems: Vec<Problem>,
    /// Counts.
    pub summary: Summary,
}

impl DiffReport {
    /// Builds the report from every profile's diff (unchanged ones included).
    pub fn new(
        base: Side,
        new: Side,
        params: Vec<ParamChange>,
        all: Vec<ProfileDiff>,
        problems: Vec<Problem>,
    ) -> DiffReport {
        let mut summary = Summary {
            profiles: all.len() + problems.len(),
            problems: problems.len(),
            ..Summary::default()
        };
        for d in &all {
            if d.changed {
                summary.changed += 1;
            } else if d.is_empty() {
                summary.unchanged += 1;
            } else {
                summary.restated_only += 1;
            }
        }
        let rules = by_rule(&all);
        DiffReport {
            schema_version: DIFF_JSON_VERSION,
            base,
            new,
            params,
            profiles: all.into_iter().filter(|d| !d.is_empty()).collect(),
            rules,
            problems,
            summary,
        }
    }

    /// Whether any profile's advice differs (restatements included: the text a client
    /// reads changes). A changed param that changes no advice is not a change here.
    pub fn has_changes(&self) -> bool {
        !self.profiles.is_empty()
    }
}
