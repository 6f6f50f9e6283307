//! The human audit of every valid fixture, as insta snapshots: any change in advice
//! shows up as a snapshot diff in review. (A glob test: it has this binary to itself.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[test]
fn audit_human() {
    let rules = common::default_rules();
    insta::glob!("../fixtures", "{*.yaml,thresholds/*.yaml}", |path| {
        if !common::is_profile(path) {
            return; // a golden test's expectation file, not a profile
        }
        let rel = path.strip_prefix(common::root()).unwrap();
        let report = common::audit(&rules, rel);
        let text = pitfall::render::human::render(
            &report,
            pitfall::render::human::Options {
                color: false,
                explain: false,
            },
        );
        insta::assert_snapshot!(text);
    });
}
