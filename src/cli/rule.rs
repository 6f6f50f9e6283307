//! `pitfall rule ID`: one rule's documentation, ready to paste into a client memo;
//! with `--example PROFILE`, the rule's first advice on that profile and its evidence.

use std::path::{Path, PathBuf};

use pitfall::eval::CliParam;
use pitfall::eval::evaluate;
use pitfall::eval::params::{ParamProblems, resolve};
use pitfall::explain::{ReportOptions, report};
use pitfall::profile::{self, Date, ProfileErrors};
use pitfall::ruledoc::{self, Example};
use pitfall::ruleset::Loaded;

use super::{Outcome, eprint_text, load_rules, print_text, stderr_color};

/// Arguments of `pitfall rule`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall rule thin_net_margin\n  pitfall rule platform_category_mismatch --example fixtures/apparel-brand-on-jd-and-suning.yaml\n  pitfall rule thin_net_margin --example client.yaml --param margin_floor=12%\n  pitfall rule my_rule --rules my-rules/\n\nExit codes: 0 documented, 2 unknown rule or invalid input."
)]
pub struct Args {
    /// The rule's id (`pitfall rules` lists them).
    #[arg(value_name = "ID")]
    pub id: String,
    /// A rule set folder instead of the built-in rule set.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Run the rule on this profile and show its first advice, with the numbers behind it.
    #[arg(long, value_name = "PROFILE")]
    pub example: Option<PathBuf>,
    /// With --example: override a param, as `pitfall audit --param` does (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", requires = "example")]
    pub params: Vec<String>,
    /// With --example: the audit date, which decides whether waivers have expired.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::audit::parse_date, requires = "example")]
    pub today: Option<Date>,
}

/// Runs `pitfall rule`.
pub fn run(args: &Args) -> Outcome {
    let loaded = match load_rules(args.rules.as_deref()) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let Some(doc) = ruledoc::document(&loaded.rules, &args.id) else {
        let err = pitfall::ruleset::UnknownRule::new(&loaded.rules, &args.id);
        eprint_text(&pitfall::report::render(&err, stderr_color()));
        return Outcome::Invalid;
    };
    let example = match &args.example {
        Some(path) => match run_example(&loaded, path, args) {
            Ok(e) => Some(e),
            Err(outcome) => return outcome,
        },
        None => None,
    };
    print_text(&ruledoc::render::doc(&doc, example.as_ref()));
    Outcome::Ok
}

/// Audits `path` with the whole rule set (facts and suppression depend on the other
/// rules) and picks the rule's first advice.
fn run_example(loaded: &Loaded, path: &Path, args: &Args) -> Result<Example, Outcome> {
    let color = stderr_color();
    let profile = profile::load_path(path).map_err(|err| {
        eprint_text(&pitfall::report::render(&err, color));
        Outcome::Invalid
    })?;
    let cli_params: Vec<CliParam> = args
        .params
        .iter()
        .map(|t| CliParam { text: t.clone() })
        .collect();
    let params = resolve(&loaded.rules, &profile, &cli_params).map_err(|problem| {
        match problem {
            ParamProblems::Profile(errors) => {
                let err = ProfileErrors {
                    file: path.display().to_string(),
                    errors,
                };
                eprint_text(&pitfall::report::render(&err, color));
            }
            ParamProblems::CommandLine(errors) => {
                for e in &errors {
                    eprint_text(&pitfall::report::render(e, color));
                }
            }
        }
        Outcome::Invalid
    })?;
    let evaluation = evaluate(&loaded.rules, &profile, &params, false);
    let options = ReportOptions {
        fingerprint: loaded.fingerprint.clone(),
        today: args.today.unwrap_or_else(super::audit::today),
    };
    let report = report(&evaluation, &options);
    Ok(ruledoc::example(&evaluation, &report, &args.id))
}
