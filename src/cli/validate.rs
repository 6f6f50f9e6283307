//! `pitfall validate`: load each profile and check it against the rule set's names.

use std::path::PathBuf;

use pitfall::profile::{self, ParamKind, ProfileErrors, RuleSetNames};
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
}

/// Runs `pitfall validate`.
pub fn run(args: &Args) -> Outcome {
    let names = builtin_names();
    let color = stderr_color();
    let mut invalid = 0usize;
    let mut errors = 0usize;
    for path in &args.profiles {
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
    let total = args.profiles.len();
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

/// The parameters and rule ids of the default rule set (HEURISTICS.md).
// Replaced by the default rule set's declarations once it exists.
fn builtin_names() -> RuleSetNames {
    use ParamKind::{Count, Money, Percent};
    let params = [
        ("margin_floor", Percent),
        ("upstream_floor", Percent),
        ("price_room", Percent),
        ("pareto_top", Percent),
        ("pareto_share", Percent),
        ("min_staff", Count),
        ("payback_months", Count),
        ("data_floor", Count),
        ("capital_per_platform", Money),
    ];
    let rules = [
        "platform_category_mismatch",
        "every_platform_at_once",
        "understaffed_platform",
        "spread_too_thin",
        "commission_unconfirmed",
        "thin_net_margin",
        "negative_net_margin",
        "thin_upstream_margin",
        "no_price_room",
        "budget_not_on_best_returns",
        "unknown_costs",
        "platform_not_paying_back",
        "goal_undecided",
        "next_platform_too_early",
        "multi_platform_service_gap",
        "foreign_platform_tools",
        "slots_without_groundwork",
        "slots_before_data",
        "gmv_only_targets",
        "promo_item_investment",
    ];
    RuleSetNames {
        params: params.into_iter().map(|(n, k)| (n.to_owned(), k)).collect(),
        rules: rules.into_iter().map(str::to_owned).collect(),
    }
}
