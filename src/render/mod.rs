//! Rendering audit reports: human (terminal), JSON (machines, archives), Markdown (clients).

pub mod diff_human;
pub mod diff_json;
pub mod diff_markdown;
pub mod human;
pub mod json;
pub mod markdown;

use crate::advice::{Evidence, Recommendation};

/// The article's four areas, in the order advice is read, with their headings.
pub const AREAS: &[(&str, &str)] = &[
    ("platform_entry", "Platform entry"),
    ("profit", "Profit space"),
    ("resources", "Resource allocation"),
    ("operations", "Operational docking"),
];

/// Recommendations grouped by area (in [`AREAS`] order), keeping their order within.
pub fn by_area(recs: &[Recommendation]) -> Vec<(&'static str, Vec<&Recommendation>)> {
    AREAS
        .iter()
        .map(|(area, heading)| {
            (
                *heading,
                recs.iter()
                    .filter(|r| &*r.area == *area)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rs)| !rs.is_empty())
        .collect()
}

/// "1 error", "2 warnings".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The lines of a recommendation's evidence, as `pitfall audit --explain` and
/// `pitfall rule --example` show them: bindings, steps, params. A step whose values
/// add nothing to its formula takes one line.
pub fn evidence_lines(e: &Evidence, out: &mut Vec<String>) {
    if !e.bindings.is_empty() {
        let b: Vec<String> = e
            .bindings
            .iter()
            .map(|b| format!("{} = {}", b.name, b.value))
            .collect();
        out.push(b.join(", "));
    }
    for s in &e.steps {
        if s.values == s.result || *s.values == *s.formula {
            out.push(format!("{}: {} → {}", s.name, s.formula, s.result));
        } else {
            out.push(format!("{}: {}", s.name, s.formula));
            out.push(format!("  = {} → {}", s.values, s.result));
        }
    }
    if !e.params.is_empty() {
        let ps: Vec<String> = e
            .params
            .iter()
            .map(|q| format!("{} = {} ({})", q.name, q.value, q.source))
            .collect();
        out.push(format!("params: {}", ps.join(", ")));
    }
}
