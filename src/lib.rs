//! pitfall: audit an e-commerce business profile against operating heuristics.
//!
//! The pipeline has one module per stage, each with a narrow entry point:
//! `profile` (YAML → [`profile::Profile`]), `syntax` (rule text → AST), `check`
//! (AST → typed rule set), `eval` (rule set × profile → outcomes), `render`.

pub mod advice;
pub mod check;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod fasthash;
pub mod golden;
pub mod heuristics;
pub mod money;
pub mod profile;
pub mod render;
pub mod report;
pub mod ruledoc;
pub mod ruleset;
pub mod source;
pub mod syntax;
pub mod text;
