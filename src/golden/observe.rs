//! What a case's audit did, rule by rule and entity by entity, and checking assertions
//! against it.
//!
//! The report alone cannot tell "passed" from "had nothing to assess", so observations
//! come from the evaluation (kept passes) and the report (main list, replaced, waived,
//! not assessed) together.

use crate::advice::{Entity, Report};
use crate::check::ir::Severity;
use crate::eval::Evaluation;
use crate::golden::expect::{Assertion, Kind};

/// What happened to one rule for one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Advice in the main list, at this severity.
    Fires(Severity),
    /// The rule fired, but broader advice from another rule replaced it.
    Replaced {
        /// The broader rule.
        by: String,
    },
    /// The rule fired, and a waiver set the advice aside.
    Waived {
        /// The waiver's reason.
        reason: String,
    },
    /// The rule was assessed and did not fire.
    Passes,
    /// The rule could not be assessed.
    CannotAssess {
        /// Why.
        reason: String,
    },
}

/// One rule × entity outcome.
#[derive(Clone, Debug)]
pub struct Observation {
    /// Rule id.
    pub rule: String,
    /// What it is about.
    pub entity: Entity,
    /// What happened.
    pub status: Status,
    /// The advice's message, for advice that fired.
    pub message: Option<String>,
}

/// Every outcome of one case's audit.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// Outcomes, in report order, then passes.
    pub items: Vec<Observation>,
    /// Waivers that have expired (as the report words them).
    pub expired_waivers: Vec<String>,
}

/// Collects the outcomes of an evaluation (run with passes kept) and its report.
pub fn observe(eval: &Evaluation<'_>, report: &Report) -> Observed {
    let mut items = Vec::new();
    for r in &report.recommendations {
        items.push(Observation {
            rule: r.rule.to_string(),
            entity: r.entity.clone(),
            status: Status::Fires(r.severity),
            message: Some(r.message.clone()),
        });
    }
    for s in &report.suppressed {
        items.push(Observation {
            rule: s.recommendation.rule.to_string(),
            entity: s.recommendation.entity.clone(),
            status: Status::Replaced {
                by: s.by.to_string(),
            },
            message: Some(s.recommendation.message.clone()),
        });
    }
    for w in &report.waived {
        items.push(Observation {
            rule: w.recommendation.rule.to_string(),
            entity: w.recommendation.entity.clone(),
            status: Status::Waived {
                reason: w.reason.clone(),
            },
            message: Some(w.recommendation.message.clone()),
        });
    }
    for n in &report.not_assessed {
        items.push(Observation {
            rule: n.rule.clone(),
            entity: n.entity.clone(),
            status: Status::CannotAssess {
                reason: n.reason.clone(),
            },
            message: None,
        });
    }
    for result in &eval.results {
        for b in &result.passed {
            items.push(Observation {
                rule: result.rule.id.clone(),
                entity: crate::explain::binding_entity(eval.profile, b),
                status: Status::Passes,
                message: None,
            });
        }
    }
    Observed {
        items,
        expired_waivers: report.expired_waivers.clone(),
    }
}

/// Whether an entity is what the assertion names (names compare without ASCII case,
/// as waivers do).
pub fn matches(a: &Assertion, e: &Entity) -> bool {
    let platform_is = |name: &str| {
        e.platform
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(name))
    };
    let sku_is = |sku: &str| {
        e.product
            .as_ref()
            .is_some_and(|p| p.sku.eq_ignore_ascii_case(sku))
    };
    a.entity
        .as_ref()
        .is_none_or(|w| platform_is(&w.text) || sku_is(&w.text))
        && a.product.as_ref().is_none_or(|w| sku_is(&w.text))
        && a.platform.as_ref().is_none_or(|w| platform_is(&w.text))
}

/// How an entity is named in a failure: its label, or "the business".
pub fn who(e: &Entity) -> String {
    let label = e.label();
    if label.is_empty() {
        "the business".to_owned()
    } else {
        label
    }
}

/// An assertion and how it fared.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Verdict {
    /// The assertion in words: `fires platform_category_mismatch for JD (warning)`.
    pub assertion: String,
    /// `fires`, `passes`, `cannot_assess`, `waived` or `replaced`.
    pub kind: &'static str,
    /// Rule id.
    pub rule: String,
    /// The entity as written, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The severity asserted, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    /// Whether it held.
    pub passed: bool,
    /// What actually happened, in words.
    pub actual: String,
    /// Line of the assertion in its file.
    pub line: usize,
}

/// "A, B and C" of distinct names, in order.
fn names(list: impl IntoIterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for n in list {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen.join(", ")
}

/// Checks one assertion against the observed outcomes.
pub fn check(a: &Assertion, observed: &Observed, line: usize) -> Verdict {
    let of_rule: Vec<&Observation> = observed
        .items
        .iter()
        .filter(|o| o.rule == a.rule.text)
        .collect();
    let rel: Vec<&Observation> = of_rule
        .iter()
        .copied()
        .filter(|o| matches(a, &o.entity))
        .collect();
    let target = a.target();
    let nothing = || match &target {
        Some(t) => format!("the rule does not look at {t} (no binding of it is about {t})"),
        None => "the rule had nothing to assess in this profile".to_owned(),
    };
    let (passed, actual) = match a.kind {
        Kind::Fires => check_fires(a, &of_rule, &rel, &nothing),
        Kind::Passes => check_passes(&rel, target.is_some(), &nothing),
        Kind::CannotAssess => {
            let cannot: Vec<String> = rel
                .iter()
                .filter_map(|o| match &o.status {
                    Status::CannotAssess { reason } => {
                        Some(format!("{}: {reason}", who(&o.entity)))
                    }
                    _ => None,
                })
                .collect();
            if cannot.is_empty() {
                (
                    false,
                    format!("it was assessed: {}", assessed(&rel, &nothing)),
                )
            } else {
                (true, format!("could not assess {}", names(cannot)))
            }
        }
        // Checked below, with the replacing rule.
        Kind::Replaced => (false, String::new()),
        Kind::Waived => {
            let waived: Vec<String> = rel
                .iter()
                .filter_map(|o| match &o.status {
                    Status::Waived { reason } => Some(format!("{}: {reason}", who(&o.entity))),
                    _ => None,
                })
                .collect();
            if waived.is_empty() {
                let expired: Vec<&String> = observed
                    .expired_waivers
                    .iter()
                    .filter(|e| e.contains(&format!("`{}`", a.rule.text)))
                    .collect();
                let why = match expired.first() {
                    Some(e) => format!("it was not waived: the {e}"),
                    None => format!("it was not waived: {}", assessed(&rel, &nothing)),
                };
                (false, why)
            } else {
                (true, format!("waived for {}", names(waived)))
            }
        }
    };
    let (passed, actual) = match a.kind {
        Kind::Replaced => check_replaced(a, &rel, &nothing),
        _ => (passed, actual),
    };
    Verdict {
        assertion: a.describe(),
        kind: a.kind.key(),
        rule: a.rule.text.clone(),
        entity: target,
        severity: a.severity.map(Severity::as_str),
        passed,
        actual,
        line,
    }
}

/// `replaced`: the rule fired for a matching entity and broader advice replaced it,
/// from the rule named by `by` when the assertion names one.
fn check_replaced(
    a: &Assertion,
    rel: &[&Observation],
    nothing: &dyn Fn() -> String,
) -> (bool, String) {
    let replaced: Vec<(String, &str)> = rel
        .iter()
        .filter_map(|o| match &o.status {
            Status::Replaced { by } => Some((who(&o.entity), by.as_str())),
            _ => None,
        })
        .collect();
    let wanted = |by: &str| a.by.as_ref().is_none_or(|w| w.text == by);
    let held: Vec<String> = replaced
        .iter()
        .filter(|(_, by)| wanted(by))
        .map(|(who, by)| format!("{who} (by `{by}`)"))
        .collect();
    if !held.is_empty() {
        return (true, format!("replaced for {}", names(held)));
    }
    if replaced.is_empty() {
        (
            false,
            format!("it was not replaced: {}", assessed(rel, nothing)),
        )
    } else {
        let others = names(
            replaced
                .iter()
                .map(|(who, by)| format!("{who} (by `{by}`)")),
        );
        (false, format!("it was replaced by another rule: {others}"))
    }
}

/// What the rule did for the matching entities, most telling outcome first.
fn assessed(rel: &[&Observation], nothing: &dyn Fn() -> String) -> String {
    let mut parts = Vec::new();
    let fired = names(rel.iter().filter_map(|o| match o.status {
        Status::Fires(s) => Some(format!("{} ({})", who(&o.entity), s.as_str())),
        _ => None,
    }));
    if !fired.is_empty() {
        parts.push(format!("fired for {fired}"));
    }
    let replaced = names(rel.iter().filter_map(|o| match &o.status {
        Status::Replaced { by } => Some(format!("{} (replaced by `{by}`)", who(&o.entity))),
        _ => None,
    }));
    if !replaced.is_empty() {
        parts.push(format!("fired for {replaced}"));
    }
    let waived = names(rel.iter().filter_map(|o| match &o.status {
        Status::Waived { .. } => Some(who(&o.entity)),
        _ => None,
    }));
    if !waived.is_empty() {
        parts.push(format!("waived for {waived}"));
    }
    let passed = names(rel.iter().filter_map(|o| match o.status {
        Status::Passes => Some(who(&o.entity)),
        _ => None,
    }));
    if !passed.is_empty() {
        parts.push(format!("passed for {passed}"));
    }
    let cannot = names(rel.iter().filter_map(|o| match &o.status {
        Status::CannotAssess { reason } => Some(format!("{}: {reason}", who(&o.entity))),
        _ => None,
    }));
    if !cannot.is_empty() {
        parts.push(format!("could not assess {cannot}"));
    }
    if parts.is_empty() {
        nothing()
    } else {
        parts.join("; ")
    }
}

fn check_fires(
    a: &Assertion,
    of_rule: &[&Observation],
    rel: &[&Observation],
    nothing: &dyn Fn() -> String,
) -> (bool, String) {
    let hits: Vec<String> = rel
        .iter()
        .filter_map(|o| match o.status {
            Status::Fires(s) if a.severity.is_none_or(|want| want == s) => {
                Some(format!("{} ({})", who(&o.entity), s.as_str()))
            }
            _ => None,
        })
        .collect();
    if !hits.is_empty() {
        return (true, format!("fired for {}", names(hits)));
    }
    let other_severity = names(rel.iter().filter_map(|o| match o.status {
        Status::Fires(s) => Some(format!("{} as {}", who(&o.entity), s.as_str())),
        _ => None,
    }));
    let mut why = if !other_severity.is_empty() {
        format!("it fired for {other_severity}")
    } else {
        let set_aside: Vec<String> = rel
            .iter()
            .filter_map(|o| match &o.status {
                Status::Replaced { by } => Some(format!(
                    "it fired for {} but broader advice from `{by}` replaced it",
                    who(&o.entity)
                )),
                Status::Waived { reason } => Some(format!(
                    "it fired for {} but was waived: {reason}",
                    who(&o.entity)
                )),
                Status::CannotAssess { reason } => Some(format!(
                    "it could not be assessed for {}: {reason}",
                    who(&o.entity)
                )),
                _ => None,
            })
            .collect();
        if !set_aside.is_empty() {
            names(set_aside).replace(", it ", "; it ")
        } else if rel.is_empty() {
            format!("it did not fire: {}", nothing())
        } else {
            "it did not fire".to_owned()
        }
    };
    // Where it did fire, when that is not what was asked for: often the entity is wrong.
    if a.target().is_some() {
        let elsewhere = names(of_rule.iter().filter_map(|o| match o.status {
            Status::Fires(_) if !matches(a, &o.entity) => Some(who(&o.entity)),
            _ => None,
        }));
        if !elsewhere.is_empty() {
            why.push_str(&format!("; fired for: {elsewhere}"));
        }
    }
    (false, why)
}

fn check_passes(
    rel: &[&Observation],
    narrowed: bool,
    nothing: &dyn Fn() -> String,
) -> (bool, String) {
    let fired: Vec<String> = rel
        .iter()
        .filter_map(|o| {
            let msg = o.message.as_deref().unwrap_or("");
            match &o.status {
                Status::Fires(s) => Some(format!("{} ({}): {msg}", who(&o.entity), s.as_str())),
                Status::Replaced { by } => {
                    Some(format!("{} (replaced by `{by}`): {msg}", who(&o.entity)))
                }
                Status::Waived { reason } => {
                    Some(format!("{} (waived: {reason}): {msg}", who(&o.entity)))
                }
                _ => None,
            }
        })
        .collect();
    if let Some(first) = fired.first() {
        let more = match fired.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return (false, format!("it fired for {first}{more}"));
    }
    let passes = rel.iter().any(|o| o.status == Status::Passes);
    let cannot: Vec<String> = rel
        .iter()
        .filter_map(|o| match &o.status {
            Status::CannotAssess { reason } => Some(format!("{}: {reason}", who(&o.entity))),
            _ => None,
        })
        .collect();
    // Silence counts as passing: "JD is exiting, H1 must not fire on it" holds whether
    // the rule looks at JD and passes or does not look at exiting platforms at all.
    if !passes && cannot.is_empty() {
        return (true, format!("silent: {}", nothing()));
    }
    if !passes || (narrowed && !cannot.is_empty()) {
        return (
            false,
            format!("it could not be assessed for {}", names(cannot)),
        );
    }
    let count = rel.iter().filter(|o| o.status == Status::Passes).count();
    let mut actual = format!(
        "passed ({count} binding{})",
        if count == 1 { "" } else { "s" }
    );
    if !cannot.is_empty() {
        actual.push_str(&format!("; could not assess {}", names(cannot)));
    }
    (true, actual)
}
