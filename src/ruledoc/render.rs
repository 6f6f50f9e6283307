//! Text for `pitfall rules` (aligned columns, or JSON) and `pitfall rule ID` (Markdown
//! that reads on a terminal and pastes into a client memo).

use crate::render::plural;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Example, RULES_JSON_VERSION, RuleDoc, RuleSummary};
use crate::check::ir::Severity;

/// The heading of an area (`Profit space`), or the area id when it has none.
fn area_heading(area: &str) -> &str {
    crate::render::AREAS
        .iter()
        .find(|(a, _)| *a == area)
        .map_or(area, |(_, h)| h)
}

/// `pitfall rules`: one line per rule, grouped by area, columns aligned, a count line.
/// `rules` must already be in display order (see [`super::summaries`]).
pub fn list(rules: &[RuleSummary]) -> String {
    let id_w = rules
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0)
        .max("id".len());
    let sev_w = "severity".len();
    let heur_w = rules
        .iter()
        .map(|r| r.heuristic.chars().count())
        .max()
        .unwrap_or(0)
        .max("heuristic".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {:<id_w$}  {:<sev_w$}  {:<heur_w$}  title",
        "id", "severity", "heuristic"
    );
    let mut area: Option<&str> = None;
    for r in rules {
        if area != Some(r.area.as_str()) {
            area = Some(&r.area);
            let _ = writeln!(out, "\n{} ({})", area_heading(&r.area), r.area);
        }
        let _ = writeln!(
            out,
            "  {:<id_w$}  {:<sev_w$}  {:<heur_w$}  {}",
            r.id,
            r.severity.as_str(),
            r.heuristic,
            r.title
        );
        for e in &r.escalations {
            let _ = writeln!(
                out,
                "  {:<id_w$}  → {} when {}",
                "",
                e.severity.as_str(),
                e.when
            );
        }
    }
    let by = |s: Severity| rules.iter().filter(|r| r.severity == s).count();
    let areas = {
        let mut a: Vec<&str> = rules.iter().map(|r| r.area.as_str()).collect();
        a.dedup();
        a.len()
    };
    let escalating = rules.iter().filter(|r| !r.escalations.is_empty()).count();
    let _ = writeln!(
        out,
        "\n{} in {}: {}, {}, {} by base severity; {} escalate{}.",
        plural(rules.len(), "rule", "rules"),
        plural(areas, "area", "areas"),
        plural(by(Severity::Error), "error", "errors"),
        plural(by(Severity::Warning), "warning", "warnings"),
        plural(by(Severity::Info), "info", "infos"),
        escalating,
        if escalating == 1 { "s" } else { "" }
    );
    out
}

#[derive(Serialize)]
struct RulesDocument<'a> {
    schema_version: u32,
    rules: &'a [RuleSummary],
}

/// `pitfall rules --format json`: `{"schema_version": 1, "rules": [...]}`.
pub fn list_json(rules: &[RuleSummary]) -> String {
    let doc = RulesDocument {
        schema_version: RULES_JSON_VERSION,
        rules,
    };
    // Plain structs of strings and numbers always serialise; an empty object is still
    // a valid document should that ever change.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}

/// A fenced block of rule-language text.
fn code_block(out: &mut String, lang: &str, lines: &[&str]) {
    let _ = writeln!(out, "```{lang}");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out, "```");
}

/// `` `a`, `b` and `c` `` (or `` or `c` `` with `or`).
fn ticked_with(items: &[String], conjunction: &str) -> String {
    let items: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// `` `a`, `b` and `c` ``.
fn ticked(items: &[String]) -> String {
    ticked_with(items, "and")
}

/// `pitfall rule ID`: the rule's documentation in Markdown; `example` fills the
/// Example section with the rule run on a profile.
pub fn doc(d: &RuleDoc, example: Option<&Example>) -> String {
    let s = &d.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# {} — {}\n", s.id, s.title);

    let mut severity = s.severity.as_str().to_owned();
    for e in &s.escalations {
        let _ = write!(severity, "; {} when `{}`", e.severity.as_str(), e.when);
    }
    let _ = writeln!(out, "- severity: {severity}");
    let _ = writeln!(out, "- area: {} ({})", s.area, area_heading(&s.area));
    match &d.heuristic_statement {
        Some(st) => {
            let _ = writeln!(out, "- heuristic: {} — {st}", s.heuristic);
        }
        None => {
            let _ = writeln!(out, "- heuristic: {}", s.heuristic);
        }
    }
    if !s.tags.is_empty() {
        let _ = writeln!(out, "- tags: {}", s.tags.join(", "));
    }
    let _ = writeln!(out, "- defined in: {}:{}", s.file, s.line);

    let _ = writeln!(out, "\n## What it detects\n");
    let _ = writeln!(
        out,
        "{}\n",
        match &d.bindings {
            Some(_) =>
                "For each binding of the `for` line, the rule fires where the `when` condition holds:",
            None =>
                "Once per profile (the advice is about the business), the rule fires when the `when` condition holds:",
        }
    );
    let mut lines: Vec<&str> = Vec::new();
    if let Some(b) = &d.bindings {
        lines.extend(b.lines());
    }
    for l in &d.lets {
        lines.extend(l.lines());
    }
    lines.extend(d.when.lines());
    code_block(&mut out, "rules", &lines);
    for e in &s.escalations {
        let _ = writeln!(
            out,
            "\nIts severity rises from {} to {} where `{}`.",
            s.severity.as_str(),
            e.severity.as_str(),
            e.when
        );
    }
    if !d.global_lets.is_empty() {
        let _ = writeln!(out, "\nValues it uses, computed once per profile:\n");
        let lines: Vec<&str> = d.global_lets.iter().flat_map(|l| l.text.lines()).collect();
        code_block(&mut out, "rules", &lines);
    }
    let mut notes = Vec::new();
    for f in &d.facts {
        notes.push(format!(
            "It reads the fact `{}`, which `{}` concludes when it fires.",
            f.name, f.concluded_by
        ));
    }
    if !d.tables.is_empty() {
        notes.push(format!(
            "It looks values up in {} {}.",
            if d.tables.len() == 1 {
                "the table"
            } else {
                "the tables"
            },
            ticked(&d.tables)
        ));
    }
    if !d.concludes.is_empty() {
        notes.push(format!(
            "When it fires it concludes {}, for other rules to read.",
            ticked(&d.concludes)
        ));
    }
    if !d.suppresses.is_empty() {
        notes.push(format!(
            "When it fires, its advice replaces that of {} on the same entities.",
            ticked(&d.suppresses)
        ));
    }
    if !d.suppressed_by.is_empty() {
        notes.push(format!(
            "Its advice is withdrawn where {} fires on the same entities.",
            ticked_with(&d.suppressed_by, "or")
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(out);
        for n in notes {
            let _ = writeln!(out, "{n}");
        }
    }

    let _ = writeln!(out, "\n## Why it matters\n\n{}", d.because);

    let _ = writeln!(out, "\n## What to do\n");
    for a in &d.actions {
        let _ = writeln!(out, "- {a}");
    }

    let _ = writeln!(out, "\n## Parameters\n");
    if d.params.is_empty() {
        let _ = writeln!(out, "None: the rule has no threshold to tune.");
    }
    for p in &d.params {
        let via = if p.via.is_empty() {
            String::new()
        } else {
            format!(", read through {}", ticked(&p.via))
        };
        let _ = writeln!(
            out,
            "- `{}` ({}, default `{}`{via}): {}",
            p.name,
            p.ty,
            p.default,
            p.doc.as_deref().unwrap_or("(no description)")
        );
    }
    if !d.params.is_empty() {
        let _ = writeln!(
            out,
            "\nOverride one per client under `params:` in the profile, or per run with `--param NAME=VALUE`."
        );
    }

    let _ = writeln!(out, "\n## Example\n");
    let _ = writeln!(
        out,
        "The advice, as written in the rule (each `{{…}}` is filled in from the client's profile):\n\n> {}",
        d.advise
    );
    match example {
        Some(e) => example_section(&mut out, d, e),
        None => {
            let _ = writeln!(
                out,
                "\n`pitfall rule {} --example PROFILE` runs the rule on a profile and shows its first advice with the numbers behind it.",
                s.id
            );
        }
    }
    out
}

fn example_section(out: &mut String, d: &RuleDoc, e: &Example) {
    let id = &d.summary.id;
    let Some(shown) = &e.shown else {
        let _ = writeln!(
            out,
            "\nOn `{}` ({}) the rule gives no advice: {} passed, {} could not be assessed. `pitfall why-not {} {id}` shows why, binding by binding.",
            e.profile,
            e.business,
            plural(e.passes, "binding", "bindings"),
            e.not_assessed,
            e.profile
        );
        return;
    };
    let r = &shown.recommendation;
    let about = r.entity.label();
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(", about {about}")
    };
    let which = if e.fired == 1 {
        "its only advice".to_owned()
    } else {
        format!("the first of its {} pieces of advice", e.fired)
    };
    let _ = writeln!(
        out,
        "\nOn `{}` ({}), {which}{about}:\n",
        e.profile, e.business
    );
    let _ = writeln!(out, "> **{}**: {}", r.severity.as_str(), r.message);
    if let Some(note) = &shown.note {
        let _ = writeln!(out, ">\n> ({note})");
    }
    let _ = writeln!(out);
    for a in &r.actions {
        let _ = writeln!(out, "- {a}");
    }
    let _ = writeln!(
        out,
        "\nThe numbers behind it ({}:{}):\n",
        r.location.file, r.location.line
    );
    let mut lines = Vec::new();
    crate::render::evidence_lines(&r.evidence, &mut lines);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    code_block(out, "text", &refs);
}
