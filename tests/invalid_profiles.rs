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
