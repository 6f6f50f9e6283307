//! `pitfall diff` as JSON (see docs/rule-changes.md).

use crate::diff::DiffReport;

/// The comparison as one JSON document.
pub fn render(r: &DiffReport) -> String {
    // Plain structs of strings and numbers always serialise; an empty object would
    // still be valid JSON if that ever changed.
    let mut out = serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}
