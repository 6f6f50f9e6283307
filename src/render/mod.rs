//! Rendering audit reports: human (terminal), JSON (machines, archives), Markdown (clients).

pub mod diff_human;
pub mod diff_json;
pub mod diff_markdown;
pub mod human;
pub mod json;
pub mod markdown;

use crate::advice::Recommendation;

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
