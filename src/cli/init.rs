//! `pitfall init`: write a commented starter profile.

use std::io::Write;
use std::path::PathBuf;

use pitfall::profile::{ProfileError, STARTER_PROFILE};
use pitfall::report;

use super::{Outcome, eprint_text, print_text, stderr_color};

/// Arguments of `pitfall init`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall init client.yaml\n  pitfall init > client.yaml\n  pitfall init client.yaml --force\n\nThe starter profile validates as written; replace its values with the client's."
)]
pub struct Args {
    /// Where to write the profile; stdout when omitted.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `pitfall init`.
pub fn run(args: &Args) -> Outcome {
    let Some(path) = &args.file else {
        print_text(STARTER_PROFILE);
        return Outcome::Ok;
    };
    let name = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // create_new refuses an existing file atomically: no window between a check
        // and the write in which another file could appear.
        options.create_new(true);
    }
    let result = options
        .open(path)
        .and_then(|mut f| f.write_all(STARTER_PROFILE.as_bytes()));
    match result {
        Ok(()) => {
            eprint_text(&format!(
                "wrote {name}; check it with `pitfall validate {name}`\n"
            ));
            Outcome::Ok
        }
        Err(e) => {
            // `create_new` reports a folder as an existing file: say what it is.
            let e = if path.is_dir() {
                std::io::Error::from(std::io::ErrorKind::IsADirectory)
            } else {
                e
            };
            eprint_text(&report::render(
                &ProfileError::write(&name, &e),
                stderr_color(),
            ));
            Outcome::Invalid
        }
    }
}
