//! The JSON audit of every valid fixture, as insta snapshots (evidence included).
//! (A glob test: it has this binary to itself.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[test]
fn audit_json() {
    let rules = common::default_rules();
    insta::glob!("../fixtures", "{*.yaml,thresholds/*.yaml}", |path| {
        if !common::is_profile(path) {
            return; // a golden test's expectation file, not a profile
        }
        let rel = path.strip_prefix(common::root()).unwrap();
        let report = common::audit(&rules, rel);
        insta::assert_snapshot!(pitfall::render::json::render(std::slice::from_ref(&report)));
    });
}
