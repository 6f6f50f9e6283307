//! `pitfall diff` as Markdown: a change note to attach to a rule change's review.

use std::fmt::Write as _;

use super::diff_human::{number, numbers, param, short_fingerprint};
use crate::diff::{Advice, DiffReport, ProfileDiff};

/// Escapes what would break a table cell or start inline markup by accident.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn advice(out: &mut String, a: &Advice) {
    let _ = writeln!(
        out,
        "- **{}** `{}` — {}: {}",
        a.severity.as_str(),
        a.rule,
        a.about,
        a.message
    );
    if !a.numbers.is_empty() {
        let _ = writeln!(out, "  - numbers: {}", numbers(a));
    }
}

fn profile(out: &mut String, d: &ProfileDiff) {
    let _ = writeln!(out, "### `{}` — {}\n", d.profile, d.business);
    for n in &d.notes {
        let _ = writeln!(out, "> Note: {n}\n");
    }
    if !d.added.is_empty() {
        let _ = writeln!(out, "Added:\n");
        for a in &d.added {
            advice(out, a);
        }
        out.push('\n');
    }
    if !d.removed.is_empty() {
        let _ = writeln!(out, "Removed:\n");
        for a in &d.removed {
            advice(out, a);
        }
        out.push('\n');
    }
    if !d.modified.is_empty() {
        let _ = writeln!(out, "Changed:\n");
        for c in &d.modified {
            let _ = writeln!(
                out,
                "- **{}** `{}` — {}",
                c.severity.as_str(),
                c.rule,
                c.about
            );
            if let Some(s) = &c.severity_change {
                let _ = writeln!(
                    out,
                    "  - severity: {} → {}",
                    s.before.as_str(),
                    s.after.as_str()
                );
            }
            for (label, ch) in c.text_changes() {
                let _ = writeln!(out, "  - {label} before: {}", ch.before);
                let _ = writeln!(out, "  - {label} after: {}", ch.after);
            }
            if let Some(a) = &c.actions {
                for x in a.before.iter().filter(|x| !a.after.contains(x)) {
                    let _ = writeln!(out, "  - action removed: {x}");
                }
                for x in a.after.iter().filter(|x| !a.before.contains(x)) {
                    let _ = writeln!(out, "  - action added: {x}");
                }
            }
            if !c.numbers.is_empty() {
                let list: Vec<String> = c.numbers.iter().map(number).collect();
                let _ = writeln!(out, "  - numbers: {}", list.join(" · "));
            }
        }
        out.push('\n');
    }
    if !d.restated.is_empty() {
        let items: Vec<String> = d
            .restated
            .iter()
            .map(|r| {
                let params: Vec<String> = r.params.iter().map(|p| format!("`{p}`")).collect();
                format!(
                    "`{}` ({}) quotes the new {}",
                    r.rule,
                    r.about,
                    params.join(", ")
                )
            })
            .collect();
        let _ = writeln!(out, "Same advice: {}.\n", items.join(", "));
    }
}

/// Renders the comparison.
pub fn render(r: &DiffReport) -> String {
    let mut out = String::from("# Impact of a rule change\n\n");
    let _ = writeln!(
        out,
        "From {} (`{}`) to {} (`{}`).\n",
        r.base.label,
        short_fingerprint(&r.base.fingerprint),
        r.new.label,
        short_fingerprint(&r.new.fingerprint)
    );
    if !r.params.is_empty() {
        let list: Vec<String> = r.params.iter().map(|p| format!("`{}`", param(p))).collect();
        let _ = writeln!(out, "Params: {}.\n", list.join(", "));
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "**{} of {} profiles change.** {} only restate a changed param's value; {} are unchanged{}.\n",
        s.changed,
        s.profiles,
        s.restated_only,
        s.unchanged,
        if s.problems > 0 {
            format!("; {} could not be compared", s.problems)
        } else {
            String::new()
        }
    );
    if !r.rules.is_empty() {
        let _ = writeln!(out, "## By rule\n");
        let _ = writeln!(
            out,
            "| Rule | Profiles gaining it | losing it | changed | restated |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for x in &r.rules {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                cell(&x.rule),
                x.gained,
                x.lost,
                x.changed,
                x.restated
            );
        }
        out.push('\n');
    }
    let changed: Vec<&ProfileDiff> = r.profiles.iter().filter(|d| d.changed).collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "## Profiles whose advice changes\n");
        for d in changed {
            profile(&mut out, d);
        }
    }
    let restated: Vec<&ProfileDiff> = r.profiles.iter().filter(|d| !d.changed).collect();
    if !restated.is_empty() {
        let _ = writeln!(out, "## Same advice, restated\n");
        for d in restated {
            profile(&mut out, d);
        }
    }
    if !r.problems.is_empty() {
        let _ = writeln!(out, "## Not compared\n");
        for p in &r.problems {
            let _ = writeln!(
                out,
                "- `{}`:\n\n```text\n{}\n```\n",
                p.profile,
                p.message.trim_end()
            );
        }
    }
    out
}
