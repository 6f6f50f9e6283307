//! Helpers shared by the integration test binaries.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use pitfall::profile::{self, ProfileErrors, RuleSetNames};

/// The crate root, so fixture paths in diagnostics are relative and machine-independent.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names `pitfall validate` checks profiles against: the default rule set's
/// params and rule ids.
pub fn rule_names() -> RuleSetNames {
    pitfall::eval::params::names_of(&default_rules().rules)
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

/// Whether `path` is a profile (`*.yaml`) rather than a golden test's expectation file
/// (`*.expect.yaml`, which sits beside its profile).
pub fn is_profile(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml")
        && !pitfall::golden::run::is_expectation_file(path)
}

/// The profiles (`.yaml` files, expectation files left out) directly in `dir`
/// (relative to the crate root), sorted.
pub fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| is_profile(p))
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Files below `dir`, recursively, whose name `accept`s, sorted.
pub fn files_under(dir: &Path, accept: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(&accept)
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The default rule set, checked (panics on a broken rule set: every test needs it).
pub fn default_rules() -> pitfall::ruleset::Loaded {
    pitfall::ruleset::load_builtin()
        .unwrap_or_else(|_| panic!("the default rule set does not check"))
}

/// The audit date used by every test, so waiver expiry never depends on the clock.
pub fn test_day() -> pitfall::profile::Date {
    pitfall::profile::Date::parse("2026-11-26").unwrap()
}

/// Every valid fixture: `fixtures/*.yaml` and `fixtures/thresholds/*.yaml` (expectation
/// files left out), as relative paths, sorted.
pub fn valid_fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["fixtures", "fixtures/thresholds"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| is_profile(p))
            .map(|p| Path::new(dir).join(p.file_name().unwrap()))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Audits a fixture (path relative to the crate root) with the default rules.
pub fn audit(rules: &pitfall::ruleset::Loaded, rel: &Path) -> pitfall::advice::Report {
    planned(rules, rel, |plan| plan.into_report())
}

/// Audits fixtures as `pitfall audit --format json` does: each report written
/// straight from its plan, its evidence explained into the JSON text.
pub fn audit_json(rules: &pitfall::ruleset::Loaded, rels: &[PathBuf]) -> String {
    let mut writer = pitfall::render::json::Writer::new();
    for rel in rels {
        planned(rules, rel, |mut plan| writer.plan(&mut plan));
    }
    writer.finish()
}

/// The planned audit of a fixture with the default rules, given to `then`.
fn planned<T>(
    rules: &pitfall::ruleset::Loaded,
    rel: &Path,
    then: impl FnOnce(pitfall::explain::Plan<'_, '_>) -> T,
) -> T {
    let text = std::fs::read(root().join(rel)).unwrap();
    let profile = profile::load_bytes(&rel.display().to_string(), text)
        .unwrap_or_else(|e| panic!("{}", pitfall::report::render_plain(&e)));
    let params = pitfall::eval::params::resolve(&rules.rules, &profile, &[])
        .unwrap_or_else(|_| panic!("params of {}", rel.display()));
    let eval = pitfall::eval::evaluate(&rules.rules, &profile, &params, false);
    let mut plan = pitfall::explain::plan(
        &eval,
        &pitfall::explain::ReportOptions {
            fingerprint: rules.fingerprint.clone(),
            today: test_day(),
        },
    );
    // Snapshots should change when advice changes, not on every edit of a rule file.
    plan.head.rules_fingerprint = "sha256:…".to_owned();
    then(plan)
}

/// Runs the built `pitfall` binary from the crate root, without colour.
pub fn pitfall(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pitfall"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}
