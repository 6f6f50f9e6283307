//! Golden tests for profiles: expectations that survive rewording, exact golden
//! renderings, and the rule coverage of a set of cases (`pitfall test`).
//!
//! Stages, each with one entry point: [`expect`] reads `NAME.expect.yaml`,
//! [`run`] audits the cases and checks them ([`observe`] holds what an audit did and
//! judges each assertion against it), [`generate`] writes a first expectation file,
//! [`textdiff`] diffs goldens, [`render`] prints the outcome. The format is documented in
//! `docs/golden-tests.md`.

pub mod expect;
pub mod generate;
pub mod observe;
pub mod render;
pub mod run;
pub mod textdiff;
