//! Writing a first `NAME.expect.yaml` from the advice as it stands (`pitfall test --accept`).
//!
//! The file is a starting point for a consultant to curate, so it is plain, one
//! assertion per line, and says where it came from. It asserts what the advice is, not
//! how it is worded: rule, entity and severity for what fires, the rules that passed
//! everywhere, what could not be assessed, and what was waived.

use std::fmt::Write as _;

use crate::advice::Entity;
use crate::golden::observe::{Observed, Status};

/// A YAML scalar: plain when that reads back as the same text, double-quoted otherwise.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() && !c.is_ascii_punctuation() || "-_.".contains(c))
        && !text.starts_with(['-', '.'])
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `entity: JD`, `product: DJ-01, platform: JD`, or nothing for the business.
fn entity_keys(e: &Entity) -> String {
    match (&e.product, &e.platform) {
        (Some(p), Some(pl)) => format!(", product: {}, platform: {}", scalar(&p.sku), scalar(pl)),
        (Some(p), None) => format!(", entity: {}", scalar(&p.sku)),
        (None, Some(pl)) => format!(", entity: {}", scalar(pl)),
        (None, None) => String::new(),
    }
}

/// Pushes `line` unless it is already there (a rule can fire twice for one entity, e.g.
/// once per foreign tool).
fn push_once(lines: &mut Vec<String>, line: String) {
    if !lines.contains(&line) {
        lines.push(line);
    }
}

/// The text of an expectation file asserting what `observed` shows. `profile` names
/// the profile in the header comment.
pub fn expectations(profile: &str, observed: &Observed) -> String {
    let mut fires = Vec::new();
    let mut cannot = Vec::new();
    let mut waived = Vec::new();
    let mut replaced = Vec::new();
    let mut passing: Vec<&str> = Vec::new();
    let mut fired_rules: Vec<&str> = Vec::new();
    for o in &observed.items {
        let keys = entity_keys(&o.entity);
        match &o.status {
            Status::Fires(s) => {
                fired_rules.push(&o.rule);
                push_once(
                    &mut fires,
                    format!("  - {{rule: {}{keys}, severity: {}}}", o.rule, s.as_str()),
                );
            }
            Status::Replaced { by } => {
                fired_rules.push(&o.rule);
                push_once(
                    &mut replaced,
                    format!("  - {{rule: {}{keys}, by: {by}}}", o.rule),
                );
            }
            Status::Waived { .. } => {
                fired_rules.push(&o.rule);
                push_once(&mut waived, format!("  - {{rule: {}{keys}}}", o.rule));
            }
            Status::CannotAssess { .. } => {
                push_once(&mut cannot, format!("  - {{rule: {}{keys}}}", o.rule));
            }
            Status::Passes => {
                if !passing.contains(&o.rule.as_str()) {
                    passing.push(&o.rule);
                }
            }
        }
    }
    // A rule "passes" here when it was assessed somewhere and fired nowhere.
    let mut passes: Vec<&str> = passing
        .into_iter()
        .filter(|r| !fired_rules.contains(r))
        .collect();
    passes.sort_unstable();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Expectations for {profile}, written by `pitfall test --accept` from its advice."
    );
    let _ = writeln!(
        out,
        "# Curate them: keep what a consultant expects of this profile. This file is never"
    );
    let _ = writeln!(out, "# overwritten; the format is in docs/golden-tests.md.");
    let section = |out: &mut String, key: &str, lines: &[String]| {
        if lines.is_empty() {
            let _ = writeln!(out, "{key}: []");
        } else {
            let _ = writeln!(out, "{key}:");
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        }
    };
    section(&mut out, "fires", &fires);
    if passes.is_empty() {
        let _ = writeln!(out, "passes: []");
    } else {
        let _ = writeln!(out, "passes:");
        for p in passes {
            let _ = writeln!(out, "  - {p}");
        }
    }
    if !cannot.is_empty() {
        section(&mut out, "cannot_assess", &cannot);
    }
    if !waived.is_empty() {
        section(&mut out, "waived", &waived);
    }
    if !replaced.is_empty() {
        section(&mut out, "replaced", &replaced);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_yaml_would_misread_them() {
        assert_eq!(scalar("DJ-01"), "DJ-01");
        assert_eq!(scalar("Tmall"), "Tmall");
        assert_eq!(scalar("天猫"), "天猫");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("1.5"), "\"1.5\"");
        assert_eq!(scalar("A: b"), "\"A: b\"");
        assert_eq!(scalar("-x"), "\"-x\"");
        assert_eq!(scalar("Tmall Global"), "\"Tmall Global\"");
    }
}
