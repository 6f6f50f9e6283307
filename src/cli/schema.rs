//! `pitfall schema`: print the profile's JSON Schema for YAML editors.

use pitfall::profile::json_schema::json_schema;

use super::{Outcome, print_text};

/// Arguments of `pitfall schema`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall schema > profile.schema.json\n\nThen start a profile with the line\n  # yaml-language-server: $schema=profile.schema.json\nso editors with a YAML language server complete keys and flag mistakes."
)]
pub struct Args {}

/// Runs `pitfall schema`.
pub fn run(_args: &Args) -> Outcome {
    // Serialising a `Value` built from static data cannot fail; fall back to the
    // compact form rather than panic if it ever did.
    let schema = json_schema();
    let text = serde_json::to_string_pretty(&schema).unwrap_or_else(|_| schema.to_string());
    print_text(&format!("{text}\n"));
    Outcome::Ok
}
