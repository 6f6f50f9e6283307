//! Snapshots of the rendered diagnostics for every file in `fixtures/invalid/`.
//!
//! Each snapshot is what a consultant sees on the terminal (minus colour): read it as
//! them when it changes. The label must sit on the offending token, the help must say
//! what to write instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use pitfall::report::render_plain;

#[test]
fn invalid_profiles() {
    insta::glob!("../fixtures/invalid", "*.yaml", |path| {
        let relative = path.strip_prefix(common::root()).unwrap();
        let Err(errors) = common::validate(relative) else {
            panic!(
                "{} loaded, but every file here has a mistake",
                relative.display()
            );
        };
        insta::assert_snapshot!(render_plain(&errors));
    });
}

/// Each kind of input error a consultant can make in a file has a fixture here; the
/// hostile-input kinds (size, depth, I/O) are in `tests/profiles.rs` instead.
#[test]
fn every_input_error_kind_has_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for file in common::yaml_files("fixtures/invalid") {
        if let Err(errors) = common::validate(&file) {
            seen.extend(errors.codes());
        }
    }
    for code in [
        "alias",
        "bad_currency",
        "bad_date",
        "duplicate_key",
        "duplicate_platform",
        "duplicate_sku",
        "empty",
        "empty_value",
        "missing_key",
        "monthly_missing",
        "months_live_not_live",
        "multiple_documents",
        "negative_count",
        "negative_money",
        "no_products",
        "not_a_mapping",
        "not_utf8",
        "not_whole",
        "param_kind",
        "percent_out_of_range",
        "percent_without_sign",
        "tag",
        "unknown_entity",
        "unknown_key",
        "unknown_param",
        "unknown_rule",
        "unknown_sku",
        "unknown_word",
        "unsupported_version",
        "waiver_without_reason",
        "wrong_kind",
        "yaml_syntax",
        "zero_capital",
    ] {
        assert!(
            seen.contains(&format!("profile::{code}")),
            "no fixture for profile::{code}"
        );
    }
}
