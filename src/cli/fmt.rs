//! `pitfall fmt`: rewrite rule files in the one canonical layout, or check they are.

use std::path::{Path, PathBuf};

use pitfall::source::SourceFile;
use pitfall::syntax::format_source;

use super::{Outcome, eprint_text, print_text, stderr_color};

/// Arguments of `pitfall fmt`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall fmt                    # every .rules file under rules/\n  pitfall fmt --check rules/     # in CI: fail when a file is not formatted\n  pitfall fmt my-rules/margin.rules\n\nComments are kept; the formatted text parses to the same rules.\nExit codes: 0 formatted, 1 --check found files to format, 2 a file does not parse."
)]
pub struct Args {
    /// Do not write; list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// Rule files or folders (searched for `.rules` files); `rules/` when omitted.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "rules") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_owned());
    }
    Ok(())
}

/// Runs `pitfall fmt`.
pub fn run(args: &Args) -> Outcome {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let color = stderr_color();
    // A path that cannot be read or written is a `rules::io` diagnostic.
    let io_failure = |path: &Path, message: String, help: &str| {
        let err = pitfall::check::io_error(path, message, help);
        eprint_text(&pitfall::report::render(&err, color));
    };
    let unreadable = |path: &Path, e: std::io::Error| {
        io_failure(
            path,
            format!("cannot read `{}`: {e}", path.display()),
            "check the path; `pitfall fmt` takes `.rules` files and folders of them",
        );
    };
    let mut files = Vec::new();
    for root in &roots {
        if let Err(e) = collect(root, &mut files) {
            unreadable(root, e);
            return Outcome::Invalid;
        }
    }
    let mut broken = false;
    let mut unformatted = 0usize;
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                unreadable(path, e);
                broken = true;
                continue;
            }
        };
        let source = SourceFile::new(path.display().to_string(), text.as_str());
        let formatted = match format_source(&source) {
            Ok(f) => f,
            Err(errors) => {
                for e in &errors {
                    eprint_text(&pitfall::report::render(e, color));
                }
                broken = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.check {
            print_text(&format!("not formatted: {}\n", path.display()));
        } else if let Err(e) = std::fs::write(path, formatted) {
            io_failure(
                path,
                format!("cannot write `{}`: {e}", path.display()),
                "check that the file and its folder are writable",
            );
            broken = true;
        } else {
            print_text(&format!("formatted {}\n", path.display()));
        }
    }
    if broken {
        Outcome::Invalid
    } else if args.check && unformatted > 0 {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}
