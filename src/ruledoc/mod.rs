//! Rule documentation: what `pitfall rules` lists and what `pitfall rule ID` prints.
//!
//! A rule is documented data (title, area, severity, heuristic, rationale, actions);
//! this module gathers it from the checked rule set, with the rule's clauses as the
//! author wrote them (sliced from the source by span, so the documentation cannot
//! disagree with the rule that runs) and the params it reads, directly or through the
//! global lets it uses. Rendering is in [`render`].

pub mod render;

use crate::text::one_line;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::RoundingStrategy;
use serde::Serialize;

use crate::advice::{Recommendation, Report};
use crate::check::ir::{AREAS, Expr, ExprKind, Lit, RuleDecl, RuleSet, Severity, TemplatePart};
use crate::check::types::Type;
use crate::check::walk::{rule_roots, visit};
use crate::eval::Evaluation;
use crate::heuristics::heuristic;
use crate::money::group_thousands;
use crate::source::{SourceFile, Span};
use crate::syntax::{self, ast};

/// Version of the JSON document `pitfall rules --format json` prints; bumped on an
/// incompatible change, as for audits (docs/audit-json.md).
pub const RULES_JSON_VERSION: u32 = 1;

/// A higher severity and the condition under which it applies, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// The higher severity.
    pub severity: Severity,
    /// The condition, as written in the rule file.
    pub when: String,
}

/// One line of `pitfall rules`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Area of advice.
    pub area: String,
    /// Base severity.
    pub severity: Severity,
    /// Higher severities and when they apply.
    pub escalations: Vec<Escalation>,
    /// Source heuristic (`H6`).
    pub heuristic: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Rule file, as named in the rule set (`rules/profit.rules`).
    pub file: String,
    /// Line of `rule id {`.
    pub line: usize,
}

/// A param a rule reads, with what the rule set says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamDoc {
    /// Name.
    pub name: String,
    /// Type (`percent`, `money`, `count`, …).
    pub ty: String,
    /// Default value, formatted (`10%`, `200,000.00`, `6`).
    pub default: String,
    /// Its description, from the declaration's doc string.
    pub doc: Option<String>,
    /// Global lets through which the rule reads it; empty when it reads it directly.
    pub via: Vec<String>,
}

/// A global let a rule reads, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LetDoc {
    /// Name.
    pub name: String,
    /// The declaration, as written (`let x = …`).
    pub text: String,
}

/// A fact a rule reads, and the rule that concludes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactDoc {
    /// The fact.
    pub name: String,
    /// The rule that concludes it.
    pub concluded_by: String,
}

/// Everything `pitfall rule ID` prints about one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// The heading: id, title, severity, area, heuristic, location.
    pub summary: RuleSummary,
    /// The heuristic's one-line statement, when the source is one of H1–H19.
    pub heuristic_statement: Option<String>,
    /// The `for … in … where …` clause as written, if the rule has bindings.
    pub bindings: Option<String>,
    /// The rule's own `let` clauses, as written.
    pub lets: Vec<String>,
    /// The `when` clause as written.
    pub when: String,
    /// Global lets the rule reads (directly or through other lets), in declaration order.
    pub global_lets: Vec<LetDoc>,
    /// Facts the rule reads.
    pub facts: Vec<FactDoc>,
    /// Tables the rule looks values up in.
    pub tables: Vec<String>,
    /// Facts this rule concludes when it fires.
    pub concludes: Vec<String>,
    /// Rules whose advice on the same entities this rule replaces.
    pub suppresses: Vec<String>,
    /// Rules that replace this rule's advice when they fire on the same entities.
    pub suppressed_by: Vec<String>,
    /// The `advise` template, holes shown as written (`{product.name}`).
    pub advise: String,
    /// The `because` template, as written.
    pub because: String,
    /// The `action` templates, as written.
    pub actions: Vec<String>,
    /// Params the rule reads, in declaration order.
    pub params: Vec<ParamDoc>,
}

/// Position of an area in the article's order (unknown areas last).
fn area_rank(area: &str) -> usize {
    AREAS.iter().position(|a| *a == area).unwrap_or(AREAS.len())
}

/// Every rule of the set, grouped by area in the article's order and, within an area,
/// in the order the rule files present them (file name, then position).
pub fn summaries(rules: &RuleSet) -> Vec<RuleSummary> {
    let mut ordered: Vec<&RuleDecl> = rules.rules.iter().collect();
    ordered.sort_by_key(|r| (area_rank(r.area), r.loc.file, r.loc.span.start));
    ordered.into_iter().map(|r| summary(rules, r)).collect()
}

/// The one-line summary of `rule`.
pub fn summary(rules: &RuleSet, rule: &RuleDecl) -> RuleSummary {
    let file = rules.files.get(rule.loc.file);
    RuleSummary {
        id: rule.id.clone(),
        title: rule.title.clone(),
        area: rule.area.to_owned(),
        severity: rule.severity,
        escalations: rule
            .escalations
            .iter()
            .map(|(level, cond)| Escalation {
                severity: *level,
                when: file.map_or(String::new(), |f| one_line(f.slice(cond.span))),
            })
            .collect(),
        heuristic: rule.source.clone(),
        tags: rule.tags.clone(),
        file: file.map_or(String::new(), |f| f.name().to_owned()),
        line: file.map_or(0, |f| f.line_col(rule.loc.span.start).0),
    }
}

/// The documentation of rule `id`, or `None` when the set has no such rule.
pub fn document(rules: &RuleSet, id: &str) -> Option<RuleDoc> {
    let rule = rules.rule(id)?;
    let file = rules.files.get(rule.loc.file)?;
    let clauses = Clauses::of(file, &rule.id);
    let reads = Reads::of(rules, rule);

    let global_lets = reads
        .lets
        .iter()
        .filter_map(|id| {
            let decl = rules.lets.get(*id)?;
            let f = rules.files.get(decl.loc.file)?;
            Some(LetDoc {
                name: decl.name.clone(),
                text: as_written(f, decl.loc.span),
            })
        })
        .collect();
    let facts = reads
        .facts
        .iter()
        .filter_map(|id| {
            let fact = rules.facts.get(*id)?;
            Some(FactDoc {
                name: fact.name.clone(),
                concluded_by: rules.rules.get(fact.rule)?.id.clone(),
            })
        })
        .collect();
    let params = reads
        .params
        .iter()
        .filter_map(|(id, via)| {
            let decl = rules.params.get(*id)?;
            Some(ParamDoc {
                name: decl.name.clone(),
                ty: decl.ty.to_string(),
                default: format_lit(&decl.default, &decl.ty),
                doc: decl.doc.clone(),
                via: via.iter().cloned().collect(),
            })
        })
        .collect();
    let mut suppressed_by: Vec<String> = rules
        .rules
        .iter()
        .filter(|r| r.suppresses.contains(&rule.id))
        .map(|r| r.id.clone())
        .collect();
    suppressed_by.sort();

    // The IR keeps the spans of templates and of `when`; the AST adds the `for` clause
    // and each local `let` as a whole. Should the file not parse again (it just did),
    // the IR's spans still document the condition.
    let when = clauses
        .when
        .clone()
        .unwrap_or_else(|| format!("when {}", as_written(file, rule.when_span)));
    let template = |t: &crate::check::ir::Template| template_as_written(file, t);
    Some(RuleDoc {
        summary: summary(rules, rule),
        heuristic_statement: heuristic(&rule.source).map(|h| h.statement.to_owned()),
        bindings: clauses.bindings,
        lets: clauses.lets,
        when,
        global_lets,
        facts,
        tables: reads
            .tables
            .iter()
            .filter_map(|id| rules.tables.get(*id).map(|t| t.name.clone()))
            .collect(),
        concludes: rule
            .concludes
            .iter()
            .filter_map(|id| rules.facts.get(*id).map(|f| f.name.clone()))
            .collect(),
        suppresses: rule.suppresses.clone(),
        suppressed_by,
        advise: template(&rule.advise),
        because: template(&rule.because),
        actions: rule.actions.iter().map(template).collect(),
        params,
    })
}

/// Clauses of one rule as written, found in the file's syntax tree.
#[derive(Default)]
struct Clauses {
    bindings: Option<String>,
    lets: Vec<String>,
    when: Option<String>,
}

impl Clauses {
    fn of(file: &SourceFile, id: &str) -> Clauses {
        let mut out = Clauses::default();
        let Ok(tree) = syntax::parse_file(file) else {
            return out;
        };
        let Some(rule) = tree.items.iter().find_map(|item| match item {
            ast::Item::Rule(r) if r.kind.id.kind == id => Some(r),
            _ => None,
        }) else {
            return out;
        };
        for clause in &rule.kind.clauses {
            match &clause.kind {
                ast::Clause::For { .. } => out.bindings = Some(as_written(file, clause.span)),
                ast::Clause::Let(_) => out.lets.push(as_written(file, clause.span)),
                ast::Clause::When(_) => out.when = Some(as_written(file, clause.span)),
                _ => {}
            }
        }
        out
    }
}

/// Text under `span` with continuation lines dedented by the first line's column, so
/// a clause written over several lines keeps its shape wherever it is printed.
fn as_written(file: &SourceFile, span: Span) -> String {
    let text = file.slice(span).trim_end();
    let col = file.line_col(span.start).1.saturating_sub(1);
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or("").to_owned();
    for line in lines {
        let indent = line.len() - line.trim_start().len();
        out.push('\n');
        out.push_str(line.get(indent.min(col)..).unwrap_or(line.trim_start()));
    }
    out
}

/// A message template as the author wrote it, without its quotes: holes stay
/// `{expr}`, escapes and doubled braces stay as typed.
fn template_as_written(file: &SourceFile, t: &crate::check::ir::Template) -> String {
    let raw = file.slice(t.span);
    let inner = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    if !inner.is_empty() {
        return inner.to_owned();
    }
    // The span should always cover the string; rebuild it from the parts otherwise.
    t.parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(s) => s.replace('{', "{{").replace('}', "}}"),
            TemplatePart::Value(e) => format!("{{{}}}", one_line(file.slice(e.span))),
        })
        .collect()
}

/// A param's default as a consultant writes it: `10%`, `200,000.00`, `6`.
fn format_lit(lit: &Lit, ty: &Type) -> String {
    match (lit, ty) {
        (Lit::Num(d), Type::Percent) => format!("{}%", d.normalize()),
        (Lit::Num(d), Type::Money) => {
            // Rounded as amounts are everywhere else (`money::MoneyDisplay`).
            let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let text = format!("{rounded:.2}");
            match text.split_once('.') {
                Some((int, frac)) => match int.strip_prefix('-') {
                    Some(digits) => format!("-{}.{frac}", group_thousands(digits)),
                    None => format!("{}.{frac}", group_thousands(int)),
                },
                None => text,
            }
        }
        (Lit::Num(d), _) => d.normalize().to_string(),
        (Lit::Text(t), _) => format!("{t:?}"),
        (Lit::Word(w), _) => (*w).to_owned(),
        (Lit::Bool(b), _) => b.to_string(),
        (Lit::List(items), Type::List(elem)) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| format_lit(i, elem))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Lit::List(items), _) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| format_lit(i, &Type::Text))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// What a rule reads: global lets (transitively), params (with the lets they are
/// read through), facts and tables. This mirrors how `explain` finds the params a
/// recommendation reports, so the documentation lists the same params as the evidence.
#[derive(Default)]
struct Reads {
    lets: BTreeSet<usize>,
    params: BTreeMap<usize, BTreeSet<String>>,
    facts: BTreeSet<usize>,
    tables: BTreeSet<usize>,
}

impl Reads {
    fn of(rules: &RuleSet, rule: &RuleDecl) -> Reads {
        let mut reads = Reads::default();
        // (expression, the global let it belongs to, if any)
        let mut queue: Vec<(&Expr, Option<&str>)> = Vec::new();
        for root in rule_roots(rule) {
            visit(root, &mut |x| queue.push((x, None)));
        }
        while let Some((e, within)) = queue.pop() {
            match e.kind {
                ExprKind::Param(id) => {
                    let via = reads.params.entry(id).or_default();
                    if let Some(name) = within {
                        via.insert(name.to_owned());
                    }
                }
                ExprKind::Let(id) => {
                    if reads.lets.insert(id)
                        && let Some(decl) = rules.lets.get(id)
                    {
                        visit(&decl.expr, &mut |x| queue.push((x, Some(&decl.name))));
                    }
                }
                ExprKind::Fact(id) => {
                    reads.facts.insert(id);
                }
                ExprKind::Index(id, _) => {
                    reads.tables.insert(id);
                }
                _ => {}
            }
        }
        // A param read directly anywhere is documented as direct: the lets through
        // which it is also read add nothing to what the reader must know.
        let direct: BTreeSet<usize> = rule_roots(rule)
            .into_iter()
            .flat_map(|root| {
                let mut found = Vec::new();
                visit(root, &mut |x| {
                    if let ExprKind::Param(id) = x.kind {
                        found.push(id);
                    }
                });
                found
            })
            .collect();
        for id in direct {
            if let Some(via) = reads.params.get_mut(&id) {
                via.clear();
            }
        }
        reads
    }
}

/// A recommendation chosen as the example of a rule, and how the audit treats it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExampleAdvice {
    /// The advice, with its evidence.
    pub recommendation: Recommendation,
    /// Why a full audit would not show it, when it would not: replaced by broader
    /// advice, or waived by the consultant.
    pub note: Option<String>,
}

/// What a rule gives on one profile, for `pitfall rule ID --example PROFILE`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The profile file.
    pub profile: String,
    /// The business's name.
    pub business: String,
    /// The first advice the rule gives (in audit order), if any.
    pub shown: Option<ExampleAdvice>,
    /// How many pieces of advice the rule gives, withdrawn or waived ones included.
    pub fired: usize,
    /// Bindings that passed.
    pub passes: usize,
    /// Bindings that could not be assessed.
    pub not_assessed: usize,
}

/// The example of rule `id` on an evaluated profile: its first advice in the audit's
/// order (severity, rule, entity), looking at the advice a full audit shows first, then
/// at advice replaced by a broader rule or waived, so a rule always shows what it says.
pub fn example(eval: &Evaluation<'_>, report: &Report, id: &str) -> Example {
    let result = eval.results.iter().find(|r| r.rule.id == id);
    let shown = report
        .recommendations
        .iter()
        .find(|r| &*r.rule == id)
        .map(|r| ExampleAdvice {
            recommendation: r.clone(),
            note: None,
        })
        .or_else(|| {
            report
                .suppressed
                .iter()
                .find(|s| &*s.recommendation.rule == id)
                .map(|s| ExampleAdvice {
                    recommendation: s.recommendation.clone(),
                    note: Some(format!(
                        "a full audit replaces this advice with that of `{}`",
                        s.by
                    )),
                })
        })
        .or_else(|| {
            report
                .waived
                .iter()
                .find(|w| &*w.recommendation.rule == id)
                .map(|w| ExampleAdvice {
                    recommendation: w.recommendation.clone(),
                    note: Some(format!("waived for this client: {}", w.reason)),
                })
        });
    Example {
        profile: report.profile.clone(),
        business: report.business.clone(),
        shown,
        fired: result.map_or(0, |r| r.fired.len()),
        passes: result.map_or(0, |r| r.passes),
        not_assessed: result.map_or(0, |r| r.unknown.len()),
    }
}
