//! A recommendation and an audit report: owned, ordered, serialisable.
//!
//! This is the hand-off between evaluation and rendering. Everything a consultant
//! needs to defend a line of advice is here: the rule, the entity, the message, the
//! rationale, the actions, and the evidence (bindings, the values behind the
//! condition, the params in force, the rule's file and line).
//!
//! Text fixed by the rule set or the audit (rule ids, titles, formulas, params) is
//! an `Arc<str>`, shared by every recommendation that shows it: a report had about
//! fifty allocations per recommendation, a third of them copies of such text.

use std::sync::Arc;

use serde::Serialize;

use crate::check::ir::Severity;

/// Bumped when the JSON output changes incompatibly (see docs/audit-json.md).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The product and/or platform a recommendation is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entity {
    /// The product's SKU and name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<ProductRef>,
    /// The platform's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<Arc<str>>,
}

impl Entity {
    /// "Down jacket (DJ-01) on JD", "JD", "Down jacket (DJ-01)", or "" for the business.
    pub fn label(&self) -> String {
        match (&self.product, &self.platform) {
            (Some(p), Some(pl)) => format!("{} ({}) on {pl}", p.name, p.sku),
            (Some(p), None) => format!("{} ({})", p.name, p.sku),
            (None, Some(pl)) => pl.to_string(),
            (None, None) => String::new(),
        }
    }

    /// Whether every part of `self` is also in `other` (for `suppress`).
    pub fn within(&self, other: &Entity) -> bool {
        (self.product.is_none() || self.product == other.product)
            && (self.platform.is_none() || self.platform == other.platform)
    }
}

/// A product as named in advice.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ProductRef {
    /// SKU.
    pub sku: Arc<str>,
    /// Name.
    pub name: Arc<str>,
}

/// One line of evidence: how a value was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What is computed: a let's name, or `when` for a part of the condition.
    pub name: Arc<str>,
    /// The formula as written in the rule.
    pub formula: Arc<str>,
    /// The formula with every value filled in (`¥399.00 − ¥210.00 − ...`).
    ///
    /// The text fields are shared: a global let's line is made once per profile and
    /// appears in every recommendation that reads the let, and `true` and `false`
    /// end most conditions' lines.
    pub values: Arc<str>,
    /// The result, formatted by its unit.
    pub result: Arc<str>,
    /// The exact decimal behind a numeric result (money and counts in their units,
    /// percents in percent points), for tools that recompute the figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Arc<str>>,
}

/// A param as it stood during the audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamUsed {
    /// Name.
    pub name: Arc<str>,
    /// Value, formatted.
    pub value: Arc<str>,
    /// `default`, `profile` or `command line`.
    pub source: Arc<str>,
}

/// Where a rule is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RuleLocation {
    /// Rule file, relative to the rule set.
    pub file: Arc<str>,
    /// Line of `rule id {`.
    pub line: usize,
}

/// A rule variable and the entity or value it was bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bound {
    /// The variable (`product`).
    pub name: Arc<str>,
    /// What it stood for (`Down jacket`).
    pub value: Arc<str>,
}

/// Why a recommendation fired, value by value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The rule's variables and what each was bound to.
    pub bindings: Vec<Bound>,
    /// Values computed on the way (global and local lets), then each part of the condition.
    pub steps: Vec<Step>,
    /// Params the rule reads, with their values and sources: the same for every
    /// recommendation of the rule in one audit, so shared by them.
    pub params: Arc<[ParamUsed]>,
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// Rule id.
    pub rule: Arc<str>,
    /// Rule title.
    pub title: Arc<str>,
    /// Severity for this entity.
    pub severity: Severity,
    /// Area of advice.
    pub area: Arc<str>,
    /// Source heuristic.
    pub heuristic: Arc<str>,
    /// What it is about.
    pub entity: Entity,
    /// The message, values filled in.
    pub message: String,
    /// Why it matters (shared by the rule's advice when it has no values in it).
    pub rationale: Arc<str>,
    /// What to do.
    pub actions: Vec<String>,
    /// The numbers behind it.
    pub evidence: Evidence,
    /// Where the rule is written.
    pub location: RuleLocation,
}

/// A recommendation withdrawn by a broader one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// The withdrawn advice.
    pub recommendation: Recommendation,
    /// The rule whose advice replaces it.
    pub by: Arc<str>,
}

/// A recommendation the consultant has waived for this client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waived {
    /// The waived advice.
    pub recommendation: Recommendation,
    /// The waiver's reason.
    pub reason: String,
    /// Its expiry, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// A rule that could not be assessed for an entity, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NotAssessed {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// What it is about.
    pub entity: Entity,
    /// Why: the missing fact, the table without a row, the failed arithmetic.
    pub reason: String,
}

/// A fact to ask the client for, and the rules waiting on it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DataGap {
    /// Whose fact: "platform JD", "product Down jacket (DJ-01)", "the business".
    pub entity: String,
    /// The profile key to fill in: `platforms[1].commission`-style path from the entity.
    pub fact: String,
    /// Rules that could not be assessed without it.
    pub rules: Vec<String>,
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
    /// Rules × entities that could not be assessed.
    pub not_assessed: usize,
}

/// The audit of one profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// JSON schema version.
    pub schema_version: u32,
    /// The profile file.
    pub profile: String,
    /// The business's name.
    pub business: String,
    /// Currency code.
    pub currency: String,
    /// Hash of the rule files, to trace an archived audit to its rules.
    pub rules_fingerprint: String,
    /// Counts by severity.
    pub counts: Counts,
    /// Advice, most severe first, then by rule id, then by entity.
    pub recommendations: Vec<Recommendation>,
    /// Advice withdrawn by broader advice.
    pub suppressed: Vec<Suppressed>,
    /// Advice the consultant waived.
    pub waived: Vec<Waived>,
    /// Waivers that have expired and no longer waive.
    pub expired_waivers: Vec<String>,
    /// Rules that could not be assessed.
    pub not_assessed: Vec<NotAssessed>,
    /// Facts to collect from the client.
    pub data_to_collect: Vec<DataGap>,
    /// Every param in force.
    pub params: Vec<ParamUsed>,
}
