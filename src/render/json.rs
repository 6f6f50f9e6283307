//! JSON output: the report as data, versioned (see docs/audit-json.md).

use serde::Serialize;

use crate::advice::{JSON_SCHEMA_VERSION, Report};
use crate::explain::WhyNot;

#[derive(Serialize)]
struct Document<'a, T: Serialize> {
    schema_version: u32,
    reports: &'a [T],
}

/// Reports as one JSON document: `{"schema_version": 1, "reports": [...]}`.
pub fn render(reports: &[Report]) -> String {
    to_json(&Document {
        schema_version: JSON_SCHEMA_VERSION,
        reports,
    })
}

/// A why-not account as JSON.
pub fn render_why_not(why: &WhyNot) -> String {
    to_json(&Document {
        schema_version: JSON_SCHEMA_VERSION,
        reports: std::slice::from_ref(why),
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising plain structs of strings and numbers cannot fail; if it somehow
    // did, an empty object is a valid document and the tests would catch it.
    let mut out = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}
