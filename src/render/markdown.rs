//! Markdown: a report a consultant can send to a client as it stands.

use crate::text::join_and;
use std::fmt::Write as _;

use super::{by_area, plural};
use crate::advice::{Recommendation, Report};
use crate::check::ir::Severity;

fn badge(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴 Error",
        Severity::Warning => "🟠 Warning",
        Severity::Info => "🔵 Info",
    }
}

/// Escapes the characters that would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders one profile's report.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# E-commerce operations review: {}\n", r.business);
    let c = r.counts;
    let _ = writeln!(out, "## Summary\n");
    if r.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "No problem found: every check that could be made on the data provided passes.\n"
        );
    } else {
        let mut found = Vec::new();
        if c.error > 0 {
            found.push(plural(
                c.error,
                "problem that costs money now",
                "problems that cost money now",
            ));
        }
        if c.warning > 0 {
            found.push(plural(c.warning, "risk to act on", "risks to act on"));
        }
        if c.info > 0 {
            found.push(plural(
                c.info,
                "point to keep in mind",
                "points to keep in mind",
            ));
        }
        let _ = writeln!(out, "This review found {}.\n", join_and(&found));
        let _ = writeln!(out, "| | Finding | About |");
        let _ = writeln!(out, "|---|---|---|");
        for rec in &r.recommendations {
            let about = rec.entity.label();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                badge(rec.severity),
                cell(&rec.title),
                cell(if about.is_empty() {
                    "the business"
                } else {
                    &about
                })
            );
        }
        out.push('\n');
    }
    if c.not_assessed > 0 {
        let _ = writeln!(
            out,
            "{} could not be made for lack of data; see *Data still to collect*.\n",
            plural(c.not_assessed, "check", "checks")
        );
    }
    for (heading, recs) in by_area(&r.recommendations) {
        let _ = writeln!(out, "## {heading}\n");
        for rec in recs {
            recommendation(&mut out, rec);
        }
    }
    if !r.data_to_collect.is_empty() {
        let _ = writeln!(out, "## Data still to collect\n");
        let _ = writeln!(
            out,
            "Please provide the following so the remaining checks can be made:\n"
        );
        for g in &r.data_to_collect {
            let _ = writeln!(out, "- **{}**: `{}`", g.entity, g.fact);
        }
        out.push('\n');
    }
    if !r.not_assessed.is_empty() {
        let _ = writeln!(out, "## Checks not made\n");
        for n in &r.not_assessed {
            let who = n.entity.label();
            let who = if who.is_empty() {
                String::new()
            } else {
                format!(" ({who})")
            };
            let _ = writeln!(out, "- {}{who}: {}", n.title, n.reason);
        }
        out.push('\n');
    }
    if !r.waived.is_empty() {
        let _ = writeln!(out, "## Advice set aside by agreement\n");
        for w in &r.waived {
            let until = w
                .until
                .as_ref()
                .map_or(String::new(), |u| format!(" (until {u})"));
            let who = w.recommendation.entity.label();
            let who = if who.is_empty() {
                String::new()
            } else {
                format!(" — {who}")
            };
            let _ = writeln!(
                out,
                "- {}{who}{until}: {}",
                w.recommendation.title, w.reason
            );
        }
        out.push('\n');
    }
    // An expired agreement is news for the client: advice they thought settled is back.
    if !r.expired_waivers.is_empty() {
        let _ = writeln!(out, "## Agreements that have expired\n");
        let _ = writeln!(
            out,
            "These waivers are past their date, so the advice they set aside is back in this review:\n"
        );
        for e in &r.expired_waivers {
            let _ = writeln!(out, "- {}", capitalise(e));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "---\n");
    let params: Vec<String> = r
        .params
        .iter()
        .map(|p| {
            if &*p.source == "default" {
                format!("{} {}", p.name, p.value)
            } else {
                format!("{} {} ({})", p.name, p.value, p.source)
            }
        })
        .collect();
    let _ = writeln!(out, "*Thresholds used: {}.*\n", params.join(", "));
    let _ = writeln!(
        out,
        "*Prepared with pitfall from `{}`; rules fingerprint `{}`.*",
        r.profile, r.rules_fingerprint
    );
    out
}

fn recommendation(out: &mut String, r: &Recommendation) {
    let about = r.entity.label();
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(" — {about}")
    };
    let _ = writeln!(out, "### {}{about}\n", r.title);
    let _ = writeln!(
        out,
        "**{}** · heuristic {}\n",
        badge(r.severity),
        r.heuristic
    );
    let _ = writeln!(out, "{}\n", r.message);
    let _ = writeln!(out, "**Why it matters.** {}\n", r.rationale);
    let _ = writeln!(out, "**What to do.**\n");
    for a in &r.actions {
        let _ = writeln!(out, "- {a}");
    }
    out.push('\n');
    // Figures only: the condition and lists of words are in the message already.
    let numbers: Vec<_> = r
        .evidence
        .steps
        .iter()
        .filter(|s| &*s.name != "when" && s.exact.is_some())
        .collect();
    if !numbers.is_empty() {
        let _ = writeln!(out, "**The numbers.**\n");
        let _ = writeln!(out, "| | computed as | | result |");
        let _ = writeln!(out, "|---|---|---|---|");
        for s in numbers {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | **{}** |",
                cell(&s.name),
                cell(&s.formula),
                cell(&s.values),
                cell(&s.result)
            );
        }
        out.push('\n');
    }
}

/// The first letter in upper case: list items in a client document read as sentences.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
