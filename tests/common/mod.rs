//! Helpers shared by the integration test binaries.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use pitfall::profile::{self, ParamKind, ProfileErrors, RuleSetNames};

/// The crate root, so fixture paths in diagnostics are relative and machine-independent.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names `pitfall validate` checks against.
///
/// A copy of `builtin_names` in src/cli/validate.rs (the binary's, out of reach of tests);
/// `tests/cli.rs` checks that the binary prints exactly these tests' diagnostics, so the
/// two cannot drift apart unnoticed. Both go once the default rule set declares them.
pub fn rule_names() -> RuleSetNames {
    use ParamKind::{Count, Money, Percent};
    RuleSetNames {
        params: [
            ("margin_floor", Percent),
            ("upstream_floor", Percent),
            ("price_room", Percent),
            ("pareto_top", Percent),
            ("pareto_share", Percent),
            ("min_staff", Count),
            ("payback_months", Count),
            ("data_floor", Count),
            ("capital_per_platform", Money),
        ]
        .into_iter()
        .map(|(n, k)| (n.to_owned(), k))
        .collect(),
        rules: [
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
        ]
        .into_iter()
        .map(str::to_owned)
        .collect(),
    }
}

/// Loads `relative` (from the crate root) and checks it against [`rule_names`], as
/// `pitfall validate` does; the name in diagnostics is `relative` as given.
pub fn validate(relative: &Path) -> Result<profile::Profile, ProfileErrors> {
    let bytes = std::fs::read(root().join(relative)).unwrap();
    let name = relative.display().to_string();
    let profile = profile::load_bytes(&name, bytes)?;
    let errors = profile::check_against(&profile, &rule_names());
    if errors.is_empty() {
        Ok(profile)
    } else {
        Err(ProfileErrors { file: name, errors })
    }
}

/// The `.yaml` files directly in `dir` (relative to the crate root), sorted.
pub fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}
