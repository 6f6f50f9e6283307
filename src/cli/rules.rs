//! `pitfall rules`: list the rule set, grouped by area in the article's order.

use std::path::PathBuf;

use pitfall::ruledoc;

use super::{Outcome, load_rules, print_text};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for the terminal.
    Human,
    /// `{"schema_version": 1, "rules": [...]}` (see docs/audit-json.md).
    Json,
}

/// Arguments of `pitfall rules`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall rules\n  pitfall rules --rules my-rules/ --format json\n\nThen `pitfall rule ID` prints one rule's documentation.\nExit codes: 0 listed, 2 the rule set does not load."
)]
pub struct Args {
    /// A rule set folder instead of the built-in rule set.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `pitfall rules`.
pub fn run(args: &Args) -> Outcome {
    let loaded = match load_rules(args.rules.as_deref()) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let summaries = ruledoc::summaries(&loaded.rules);
    let text = match args.format {
        Format::Human => ruledoc::render::list(&summaries),
        Format::Json => ruledoc::render::list_json(&summaries),
    };
    print_text(&text);
    Outcome::Ok
}
