//! `pitfall diff`: whose advice a rule change changes (see docs/rule-changes.md).

use std::path::{Path, PathBuf};

use pitfall::diff::{self, DiffReport, Problem, Side, audit_side, compare, param_changes};
use pitfall::golden::run::discover;
use pitfall::profile::{self, Date};
use pitfall::render;
use pitfall::report::render_plain;
use pitfall::ruleset::{self, Loaded};

use super::{Outcome, eprint_text, print_text, report_rules_problem, stderr_color};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For the terminal.
    Human,
    /// Versioned JSON (see docs/rule-changes.md).
    Json,
    /// A change note for a review.
    Markdown,
}

/// Arguments of `pitfall diff`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall diff --base HEAD~1 fixtures/\n  pitfall diff --base main --rules rules/ clients/ --format markdown > impact.md\n  pitfall diff --base old-rules/ --rules new-rules/ client.yaml --format json\n\nOLD is a rule folder when such a folder exists, otherwise a git revision: the `.rules`\nfiles of the new rule folder's path (default `rules/`) as they were at that revision.\nNEW is --rules, or the working tree's `rules/` folder, or the built-in rule set when\nthere is no `rules/` folder. Folders of profiles are searched like `pitfall test` does\n(folders named `invalid` are skipped). Recommendations are matched by rule and entity.\nExit codes: 0 no advice changes, 1 some advice changes, 2 invalid input."
)]
pub struct Args {
    /// The rule set before the change: a folder, or a git revision of the rule folder.
    #[arg(long, value_name = "OLD")]
    pub base: String,
    /// The rule set after the change [default: ./rules, else the built-in rule set].
    #[arg(long, value_name = "NEW")]
    pub rules: Option<PathBuf>,
    /// Profile files or folders of profiles [default: fixtures/].
    #[arg(value_name = "PROFILES")]
    pub profiles: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The audit date, which decides whether waivers have expired (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// `rules/` with a trailing slash, as a folder reads in a header.
fn folder_label(p: &Path) -> String {
    let s = p.display().to_string();
    if s.ends_with('/') { s } else { format!("{s}/") }
}

/// The new rule set and where it came from.
fn load_new(args: &Args) -> Result<(Loaded, String, Option<PathBuf>), Outcome> {
    let working = PathBuf::from("rules");
    let (folder, label) = match &args.rules {
        Some(dir) => (Some(dir.clone()), folder_label(dir)),
        None if working.is_dir() => (Some(working), "rules/".to_owned()),
        None => (None, "the built-in rule set".to_owned()),
    };
    let loaded = ruleset::load(folder.as_deref()).map_err(report_rules_problem)?;
    Ok((loaded, label, folder))
}

/// The base rule set: a folder, or the new folder's files at a git revision.
fn load_base(base: &str, new_folder: Option<&Path>) -> Result<(Loaded, String), Outcome> {
    let as_dir = Path::new(base);
    if as_dir.is_dir() {
        let loaded = ruleset::load_dir(as_dir).map_err(report_rules_problem)?;
        return Ok((loaded, folder_label(as_dir)));
    }
    let folder = new_folder.map_or_else(|| PathBuf::from("rules"), Path::to_path_buf);
    let sources = diff::git::rules_at(base, &folder).map_err(|e| {
        eprint_text(&pitfall::report::render(&e, stderr_color()));
        Outcome::Invalid
    })?;
    let loaded = ruleset::load_sources(sources).map_err(report_rules_problem)?;
    Ok((loaded, format!("{} at {base}", folder_label(&folder))))
}

/// Runs `pitfall diff`.
pub fn run(args: &Args) -> Outcome {
    let (new, new_label, new_folder) = match load_new(args) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (base, base_label) = match load_base(&args.base, new_folder.as_deref()) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let color = stderr_color();
    let paths = if args.profiles.is_empty() {
        vec![PathBuf::from("fixtures")]
    } else {
        args.profiles.clone()
    };
    let found = match discover(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprint_text(&pitfall::report::render(&e, color));
            return Outcome::Invalid;
        }
    };
    let today = args.today.unwrap_or_else(super::audit::today);
    let mut diffs = Vec::new();
    let mut problems = Vec::new();
    for path in &found.profiles {
        let name = path.display().to_string();
        let compared = profile::load_path(path).and_then(|p| {
            let (old, mut notes) = audit_side(&base, &p, today, "base")?;
            let (new, new_notes) = audit_side(&new, &p, today, "new")?;
            notes.extend(new_notes);
            Ok(compare(&old, &new, notes))
        });
        match compared {
            Ok(d) => diffs.push(d),
            Err(e) => {
                eprint_text(&pitfall::report::render(&e, color));
                problems.push(Problem {
                    profile: name,
                    message: render_plain(&e),
                });
            }
        }
    }
    let report = DiffReport::new(
        Side {
            label: base_label,
            fingerprint: base.fingerprint.clone(),
        },
        Side {
            label: new_label,
            fingerprint: new.fingerprint.clone(),
        },
        param_changes(&base.rules, &new.rules),
        diffs,
        problems,
    );
    let text = match args.format {
        Format::Human => render::diff_human::render(&report),
        Format::Json => render::diff_json::render(&report),
        Format::Markdown => render::diff_markdown::render(&report),
    };
    print_text(&text);
    if !report.problems.is_empty() {
        Outcome::Invalid
    } else if report.has_changes() {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}
