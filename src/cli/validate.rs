//! `pitfall validate`: load each profile and check it against the rule set's names.

use std::path::PathBuf;

use pitfall::profile::{self, ProfileErrors};
use pitfall::report;

use super::{Outcome, eprint_text, print_text, stderr_color};

/// Arguments of `pitfall validate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall validate client.yaml\n  pitfall validate fixtures/*.yaml\n\nPrints `ok  FILE` for each valid profile and every error of every invalid one.\nExit codes: 0 all valid, 2 any invalid."
)]
pub struct Args {
    /// Profile files (YAML) to check.
    #[arg(required = true, value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,
    /// The rule set whose params and rule ids `params:` and `waivers:` may name
    /// (the built-in rule set without it).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Runs `pitfall validate`.
pub fn run(args: &Args) -> Outcome {
    let names = match super::load_rules(args.rules.as_deref()) {
        Ok(loaded) => pitfall::eval::params::names_of(&loaded.rules),
        Err(outcome) => return outcome,
    };
    let color = stderr_color();
    let mut invalid = 0usize;
    let mut errors = 0usize;
    let profiles = super::profiles_only(&args.profiles);
    for path in &profiles {
        let result = profile::load_path(path).and_then(|p| {
            let problems = profile::check_against(&p, &names);
            if problems.is_empty() {
                Ok(p)
            } else {
                Err(ProfileErrors {
                    file: path.display().to_string(),
                    errors: problems,
                })
            }
        });
        match result {
            Ok(_) => {
                print_text(&format!("ok  {}\n", path.display()));
            }
            Err(err) => {
                invalid += 1;
                errors += err.errors.len();
                eprint_text(&report::render(&err, color));
                eprint_text("\n");
            }
        }
    }
    let total = profiles.len();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if invalid == 0 {
        eprint_text(&format!("{total} profile{} valid\n", s(total)));
        Outcome::Ok
    } else {
        eprint_text(&format!(
            "{invalid} of {total} profile{} invalid, {errors} error{} in all\n",
            s(total),
            s(errors)
        ));
        Outcome::Invalid
    }
}
