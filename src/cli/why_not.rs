//! `pitfall why-not`: for each binding of one rule, whether it fired, passed or could
//! not be assessed, and the values that decided it.

use std::path::PathBuf;

use pitfall::eval::params::{ParamProblems, resolve};
use pitfall::eval::{CliParam, evaluate};
use pitfall::explain::why_not;
use pitfall::profile::{self, ProfileErrors};
use pitfall::render;

use super::{Outcome, eprint_text, load_rules, print_text, stderr_color};

/// Arguments of `pitfall why-not`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall why-not fixtures/well-run-single-platform.yaml thin_net_margin\n  pitfall why-not client.yaml platform_category_mismatch --param margin_floor=12%\n\nExit codes: 0 explained, 2 invalid input or unknown rule."
)]
pub struct Args {
    /// The profile.
    #[arg(value_name = "PROFILE")]
    pub profile: PathBuf,
    /// The rule's id.
    #[arg(value_name = "RULE_ID")]
    pub rule: String,
    /// A rule set folder instead of the built-in rule set.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Override a param: `--param margin_floor=12%` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pitfall why-not`.
pub fn run(args: &Args) -> Outcome {
    let loaded = match load_rules(args.rules.as_deref()) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let color = stderr_color();
    if loaded.rules.rule(&args.rule).is_none() {
        let err = pitfall::ruleset::UnknownRule::new(&loaded.rules, &args.rule);
        eprint_text(&pitfall::report::render(&err, color));
        return Outcome::Invalid;
    }
    let profile = match profile::load_path(&args.profile) {
        Ok(p) => p,
        Err(err) => {
            eprint_text(&pitfall::report::render(&err, color));
            return Outcome::Invalid;
        }
    };
    let cli_params: Vec<CliParam> = args
        .params
        .iter()
        .map(|t| CliParam { text: t.clone() })
        .collect();
    let params = match resolve(&loaded.rules, &profile, &cli_params) {
        Ok(p) => p,
        Err(ParamProblems::Profile(errors)) => {
            let err = ProfileErrors {
                file: args.profile.display().to_string(),
                errors,
            };
            eprint_text(&pitfall::report::render(&err, color));
            return Outcome::Invalid;
        }
        Err(ParamProblems::CommandLine(errors)) => {
            for e in &errors {
                eprint_text(&pitfall::report::render(e, color));
            }
            return Outcome::Invalid;
        }
    };
    let evaluation = evaluate(&loaded.rules, &profile, &params, true);
    let Some(why) = why_not(&evaluation, &args.rule) else {
        return Outcome::Invalid;
    };
    let text = if args.json {
        render::json::render_why_not(&why)
    } else {
        render::human::render_why_not(
            &why,
            pitfall::report::color_enabled(std::io::IsTerminal::is_terminal(&std::io::stdout())),
        )
    };
    print_text(&text);
    Outcome::Ok
}
