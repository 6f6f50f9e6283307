//! The `pitfall` binary: parse arguments, run one command, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 an audit found something (reserved), 2 invalid input.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    cli::run(args).into()
}
