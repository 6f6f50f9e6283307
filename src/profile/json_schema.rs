//! The profile as a JSON Schema (draft 2020-12), generated from the schema table.
//!
//! Editors with a YAML language server use it for completion and inline checks
//! (`# yaml-language-server: $schema=...`). It is generated, never hand-written, so it
//! cannot drift from what the loader accepts; the loader stays the authority on the
//! checks a JSON Schema cannot express (duplicate SKUs, `sells` naming products, ...).

use serde_json::{Map, Value, json};

use crate::profile::schema::{
    Absent, BUSINESS, CURRENT_VERSION, FieldKind, FieldSchema, PLATFORM, PRODUCT, RecordSchema,
    WAIVER,
};

/// Money: a non-negative number, or a decimal in quotes (`"399.00"`).
const MONEY_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?$";
/// Percent: a number with `%`, 0 to 100 (the range is checked by the loader).
const PERCENT_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?\s*%$";
/// A calendar date.
const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The JSON Schema of a profile.
pub fn json_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pitfall business profile",
        "description": "One client business: what it sells, on which platforms, with what money and people.",
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "business", "products"],
        "properties": {
            "version": {
                "description": "format version of the profile",
                "const": CURRENT_VERSION,
            },
            "business": record(&BUSINESS),
            "products": {
                "description": "the products the business sells",
                "type": "array",
                "minItems": 1,
                "items": record(&PRODUCT),
            },
            "platforms": {
                "description": "the platforms the business is on or plans to enter",
                "type": "array",
                "items": record(&PLATFORM),
            },
            "params": {
                "description": "per-client overrides of the rule set's parameters, e.g. margin_floor: 12%",
                "type": "object",
                "additionalProperties": {"type": ["string", "number", "boolean"]},
            },
            "waivers": {
                "description": "advice the consultant has accepted for this client",
                "type": "array",
                "items": record(&WAIVER),
            },
        },
    })
}

fn record(schema: &'static RecordSchema) -> Value {
    let mut properties = Map::new();
    for field in schema.fields {
        properties.insert(field.name.to_owned(), property(schema, field));
    }
    let required: Vec<&str> = schema
        .fields
        .iter()
        .filter(|f| f.absent == Absent::Required)
        .map(|f| f.name)
        .collect();
    let mut out = json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    });
    if std::ptr::eq(schema, &PLATFORM) {
        // The one conditional requirement a JSON Schema can state; the loader checks it too.
        out["if"] = json!({
            "properties": {"status": {"enum": ["live", "exiting"]}},
            "required": ["status"],
        });
        out["then"] = json!({"required": ["monthly"]});
    }
    out
}

fn property(schema: &'static RecordSchema, field: &FieldSchema) -> Value {
    let mut value = kind(field.kind);
    if std::ptr::eq(schema, &BUSINESS) && field.name == "currency" {
        value = json!({"type": "string", "pattern": "^[A-Z]{3}$"});
    }
    if let Value::Object(map) = &mut value {
        map.insert("description".to_owned(), Value::from(field.doc));
    }
    value
}

fn kind(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Money => json!({
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": MONEY_PATTERN},
            ],
        }),
        FieldKind::Percent => json!({"type": "string", "pattern": PERCENT_PATTERN}),
        FieldKind::Count => json!({"type": "integer", "minimum": 0}),
        FieldKind::Bool => json!({"type": "boolean"}),
        // A plain `2024` is a number to a YAML reader, and a fine product name.
        FieldKind::Text => json!({"type": ["string", "number"]}),
        FieldKind::Enum(words) => json!({"type": "string", "enum": words}),
        FieldKind::TextList => json!({"type": "array", "items": {"type": ["string", "number"]}}),
        FieldKind::EnumList(words) => json!({
            "type": "array",
            "items": {"type": "string", "enum": words},
        }),
        FieldKind::Record(schema) => record(schema),
        FieldKind::Date => json!({"type": "string", "pattern": DATE_PATTERN, "format": "date"}),
    }
}
