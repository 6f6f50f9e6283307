//! The command line: one file per subcommand, one enum variant each.
//!
//! Adding a command: write `src/cli/<name>.rs` with an `Args` struct (clap derive, an
//! example in `after_help`) and a `run(args) -> Outcome`, then add a variant below and
//! a line in [`run`].

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

mod audit;
mod check;
mod diff;
mod fmt;
mod init;
mod rule;
mod rules;
mod schema;
mod test;
mod validate;
mod why_not;

/// How a command ended, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was fine: exit 0.
    Ok,
    /// An audit found something to act on: exit 1.
    Findings,
    /// Some input was invalid (a profile, a rule file, a path): exit 2.
    Invalid,
}

impl From<Outcome> for std::process::ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Ok => std::process::ExitCode::SUCCESS,
            Outcome::Findings => std::process::ExitCode::from(1),
            Outcome::Invalid => std::process::ExitCode::from(2),
        }
    }
}

/// Audit e-commerce business profiles against operating heuristics.
#[derive(Debug, Parser)]
#[command(
    name = "pitfall",
    version,
    about,
    after_help = "Examples:\n  pitfall audit fixtures/apparel-brand-on-jd-and-suning.yaml\n  pitfall rules\n  pitfall rule thin_net_margin\n  pitfall init client.yaml\n  pitfall validate fixtures/*.yaml\n\nExit codes: 0 ok, 1 the audit found something, 2 invalid input."
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that profiles load: keys, kinds, required values, cross-references.
    Validate(validate::Args),
    /// Write a commented starter profile that validates.
    Init(init::Args),
    /// Print the JSON Schema of a profile, for editor completion.
    Schema(schema::Args),
    /// Check a rule set like a compiler: syntax, names, fields, units, cycles, lints.
    Check(check::Args),
    /// Rewrite rule files in the canonical layout (or `--check` that they are).
    Fmt(fmt::Args),
    /// Audit profiles against the rule set and report explained advice.
    Audit(audit::Args),
    /// Explain, binding by binding, why a rule fired or did not.
    WhyNot(why_not::Args),
    /// List the rule set: id, severity, heuristic and title, grouped by area.
    Rules(rules::Args),
    /// Print one rule's documentation: what it detects, why, what to do, its params.
    Rule(rule::Args),
    /// Check profiles against their expectation and golden files (golden tests).
    Test(test::Args),
    /// Show whose advice a rule change changes: profiles audited with two rule sets.
    Diff(diff::Args),
}

/// Runs the chosen command.
pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::WhyNot(args) => why_not::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Rule(args) => rule::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Diff(args) => diff::run(&args),
    }
}

/// Whether diagnostics on stderr get colour.
pub fn stderr_color() -> bool {
    pitfall::report::color_enabled(std::io::stderr().is_terminal())
}

/// Writes to stderr, ignoring a closed pipe: there is nobody left to tell.
pub fn eprint_text(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Writes to stdout; `false` when stdout is closed (e.g. piped into `head`).
pub fn print_text(text: &str) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// The profiles among `paths`: expectation files of `pitfall test` (`*.expect.yaml`)
/// are left out with a note on stderr, so that `fixtures/*.yaml` still names profiles
/// only when golden tests sit beside them.
pub fn profiles_only(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let (expect, profiles): (Vec<_>, Vec<_>) = paths
        .iter()
        .cloned()
        .partition(|p| pitfall::golden::run::is_expectation_file(p));
    if !expect.is_empty() {
        eprint_text(&format!(
            "skipped {} expectation file{} of `pitfall test` (*.expect.yaml): not profiles\n",
            expect.len(),
            if expect.len() == 1 { "" } else { "s" }
        ));
    }
    profiles
}

/// Loads the rule set (`--rules DIR` or the built-in one); on a problem, prints every
/// diagnostic to stderr and returns the exit outcome.
pub fn load_rules(dir: Option<&std::path::Path>) -> Result<pitfall::ruleset::Loaded, Outcome> {
    pitfall::ruleset::load(dir).map_err(report_rules_problem)
}

/// Prints every diagnostic of a rule set that does not load; the exit outcome.
pub fn report_rules_problem(problem: pitfall::check::RuleSetProblem) -> Outcome {
    use pitfall::check::RuleSetProblem;
    let color = stderr_color();
    match problem {
        RuleSetProblem::Syntax(errors) => {
            for e in &errors {
                eprint_text(&pitfall::report::render(e, color));
            }
            eprint_text(&format!(
                "rule set has {} syntax error{}\n",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ));
            Outcome::Invalid
        }
        RuleSetProblem::Check(diags) => {
            for d in &diags {
                eprint_text(&pitfall::report::render(d, color));
            }
            let errors = diags.iter().filter(|d| !d.code.is_warning()).count();
            eprint_text(&format!(
                "rule set has {errors} error{}\n",
                if errors == 1 { "" } else { "s" }
            ));
            Outcome::Invalid
        }
    }
}
