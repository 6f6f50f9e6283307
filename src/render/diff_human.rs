//! `pitfall diff` for the terminal: each changed profile with its advice added (+),
//! removed (−) and changed (~), numbers before → after, then the profiles that only
//! restate a changed param, the per-rule summary and a tally.

use std::fmt::Write as _;

use crate::diff::{Advice, Changed, DiffReport, NumberChange, ParamChange, ProfileDiff, Side};

/// `sha256:` and the first 12 hex digits: enough to tell two rule sets apart.
pub fn short_fingerprint(f: &str) -> String {
    let hex = f.strip_prefix("sha256:").unwrap_or(f);
    format!("sha256:{}", hex.chars().take(12).collect::<String>())
}

/// `rules/ (sha256:1fa435eda35c)`.
pub fn side(s: &Side) -> String {
    format!("{} ({})", s.label, short_fingerprint(&s.fingerprint))
}

/// `margin_floor 10% → 12%`, or `new_param (not declared) → 5`.
pub fn param(p: &ParamChange) -> String {
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(not declared)".to_owned());
    format!("{} {} → {}", p.name, v(&p.before), v(&p.after))
}

/// `net: ¥19.98 → ¥21.30`.
pub fn number(n: &NumberChange) -> String {
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".to_owned());
    format!("{}: {} → {}", n.name, v(&n.before), v(&n.after))
}

/// `net ¥20.00 · rate 10%`.
pub fn numbers(a: &Advice) -> String {
    a.numbers
        .iter()
        .map(|n| format!("{} {}", n.name, n.value))
        .collect::<Vec<_>>()
        .join(" · ")
}

const PAD: &str = "             ";

fn advice(out: &mut String, sign: char, a: &Advice) {
    let _ = writeln!(
        out,
        "  {sign} {:<8} {} — {}",
        a.severity.as_str(),
        a.rule,
        a.about
    );
    let _ = writeln!(out, "{PAD}{}", a.message);
    if !a.numbers.is_empty() {
        let _ = writeln!(out, "{PAD}numbers: {}", numbers(a));
    }
}

fn changed(out: &mut String, c: &Changed) {
    let _ = writeln!(
        out,
        "  ~ {:<8} {} — {}",
        c.severity.as_str(),
        c.rule,
        c.about
    );
    if let Some(s) = &c.severity_change {
        let _ = writeln!(
            out,
            "{PAD}severity: {} → {}",
            s.before.as_str(),
            s.after.as_str()
        );
    }
    for (label, ch) in c.text_changes() {
        let _ = writeln!(out, "{PAD}{label}:");
        let _ = writeln!(out, "{PAD}  before: {}", ch.before);
        let _ = writeln!(out, "{PAD}  after:  {}", ch.after);
    }
    if let Some(a) = &c.actions {
        let _ = writeln!(out, "{PAD}actions:");
        for x in &a.before {
            if !a.after.contains(x) {
                let _ = writeln!(out, "{PAD}  − {x}");
            }
        }
        for x in &a.after {
            if !a.before.contains(x) {
                let _ = writeln!(out, "{PAD}  + {x}");
            }
        }
    }
    if !c.numbers.is_empty() {
        let list: Vec<String> = c.numbers.iter().map(number).collect();
        let _ = writeln!(out, "{PAD}numbers: {}", list.join(" · "));
    }
}

fn profile(out: &mut String, d: &ProfileDiff) {
    let _ = writeln!(out, "\n{} — {}", d.profile, d.business);
    for n in &d.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    for a in &d.added {
        advice(out, '+', a);
    }
    for a in &d.removed {
        advice(out, '−', a);
    }
    for c in &d.modified {
        changed(out, c);
    }
    for r in &d.restated {
        let _ = writeln!(
            out,
            "  = {} — {}: same advice, quoting the new {}",
            r.rule,
            r.about,
            r.params.join(", ")
        );
    }
}

/// Renders the comparison.
pub fn render(r: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Rule change: {} → {}", side(&r.base), side(&r.new));
    if !r.params.is_empty() {
        let list: Vec<String> = r.params.iter().map(param).collect();
        let _ = writeln!(out, "  params: {}", list.join(", "));
    }
    for d in r.profiles.iter().filter(|d| d.changed) {
        profile(&mut out, d);
    }
    let restated: Vec<&ProfileDiff> = r.profiles.iter().filter(|d| !d.changed).collect();
    if !restated.is_empty() {
        let _ = writeln!(
            out,
            "\nSame advice, only quoting a changed param's new value:"
        );
        for d in restated {
            let items: Vec<String> = d
                .restated
                .iter()
                .map(|x| format!("{} ({})", x.rule, x.about))
                .collect();
            let _ = writeln!(out, "  {}: {}", d.profile, items.join(", "));
            for n in &d.notes {
                let _ = writeln!(out, "    note: {n}");
            }
        }
    }
    if !r.rules.is_empty() {
        let width = r
            .rules
            .iter()
            .map(|s| s.rule.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = writeln!(
            out,
            "\nBy rule (profiles):\n  {:<width$}  gained  lost  changed  restated",
            "rule"
        );
        for s in &r.rules {
            let _ = writeln!(
                out,
                "  {:<width$}  {:>6}  {:>4}  {:>7}  {:>8}",
                s.rule, s.gained, s.lost, s.changed, s.restated
            );
        }
    }
    for p in &r.problems {
        let _ = writeln!(out, "\n{}: could not be compared", p.profile);
        for line in p.message.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let s = &r.summary;
    let mut tally = vec![format!("{} changed", s.changed)];
    if s.restated_only > 0 {
        tally.push(format!("{} restate a changed param only", s.restated_only));
    }
    tally.push(format!("{} unchanged", s.unchanged));
    if s.problems > 0 {
        tally.push(format!("{} could not be compared", s.problems));
    }
    let _ = writeln!(
        out,
        "\n{} profile{}: {}",
        s.profiles,
        if s.profiles == 1 { "" } else { "s" },
        tally.join(", ")
    );
    out
}
