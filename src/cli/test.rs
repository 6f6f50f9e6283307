//! `pitfall test`: golden tests of profiles against the rule set (see docs/golden-tests.md).

use std::path::PathBuf;

use pitfall::golden::{render, run};
use pitfall::profile::Date;

use super::{Outcome, eprint_text, load_rules, print_text, stderr_color};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For the terminal.
    Human,
    /// Versioned JSON (see docs/golden-tests.md).
    Json,
    /// JUnit XML for CI.
    Junit,
}

/// Arguments of `pitfall test`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall test\n  pitfall test fixtures/apparel-brand-on-jd-and-suning.yaml\n  pitfall test --rules my-rules/ clients/ --format junit > report.xml\n  pitfall test fixtures/ --accept\n\nA profile NAME.yaml is checked against NAME.expect.yaml (assertions: fires, passes,\ncannot_assess, waived) and NAME.advice.md (the exact Markdown advice), when they exist.\nFolders are searched recursively for *.yaml, except *.expect.yaml, hidden folders and\nfolders named `invalid` (profiles that are invalid on purpose).\n--accept rewrites golden files that differ and writes missing expectation files from\nthe current advice; it never overwrites an existing expectation file.\nExit codes: 0 every case passed, 1 a case failed, 2 invalid input (a path, an\nexpectation file, the rule set)."
)]
pub struct Args {
    /// Profile files or folders of profiles [default: fixtures/].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A rule set folder instead of the built-in rule set.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Rewrite golden files that differ; write missing expectation files.
    #[arg(long)]
    pub accept: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The audit date, which decides whether waivers have expired (default: today;
    /// an expectation file's `today:` wins for its case).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// Runs `pitfall test`.
pub fn run(args: &Args) -> Outcome {
    let loaded = match load_rules(args.rules.as_deref()) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let color = stderr_color();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("fixtures")]
    } else {
        args.paths.clone()
    };
    let found = match run::discover(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprint_text(&pitfall::report::render(&e, color));
            return Outcome::Invalid;
        }
    };
    let settings = run::Settings {
        today: args.today.unwrap_or_else(super::audit::today),
        accept: args.accept,
    };
    let result = run::run(&loaded, &found, &settings);
    let text = match args.format {
        Format::Human => render::human(&result),
        Format::Json => render::json(&result),
        Format::Junit => render::junit(&result),
    };
    print_text(&text);
    let s = &result.summary;
    if s.bad_expectations > 0 {
        if args.format != Format::Human {
            // The human report shows the diagnostics inline; other formats keep stdout
            // machine-readable, so the consultant still needs to see them.
            for c in &result.cases {
                if let Some(p) = &c.problem {
                    eprint_text(p);
                }
            }
        }
        Outcome::Invalid
    } else if s.failed > 0 || s.broken > 0 {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}
