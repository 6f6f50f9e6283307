//! `pitfall audit`: evaluate the rule set against profiles and report the advice.

use std::path::PathBuf;

use pitfall::check::ir::Severity;
use pitfall::eval::params::{ParamProblems, resolve};
use pitfall::eval::{CliParam, evaluate};
use pitfall::explain::{ReportOptions, plan};
use pitfall::profile::{self, Date, ProfileErrors};
use pitfall::render;

use super::{Outcome, eprint_text, load_rules, print_text, stderr_color};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For the terminal.
    Human,
    /// Versioned JSON (see docs/audit-json.md).
    Json,
    /// A report to send to the client.
    Markdown,
}

/// Severity threshold for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Any advice.
    Info,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Info => Severity::Info,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }
    }
}

/// Arguments of `pitfall audit`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pitfall audit fixtures/apparel-brand-on-jd-and-suning.yaml\n  pitfall audit client.yaml --explain\n  pitfall audit client.yaml --param margin_floor=12% --format markdown > report.md\n  pitfall audit fixtures/*.yaml --format json --fail-on warning\n\nParams in force: the rule set's default, then the profile's `params:`, then --param.\nExit codes: 0 nothing at or above --fail-on, 1 something is, 2 invalid input."
)]
pub struct Args {
    /// Profile files (YAML) to audit.
    #[arg(required = true, value_name = "PROFILE")]
    pub profiles: Vec<PathBuf>,
    /// A rule set folder instead of the built-in rule set.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Override a param for this run: `--param margin_floor=12%` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Show the evidence under each recommendation (human format).
    #[arg(long)]
    pub explain: bool,
    /// Exit 1 when advice at or above this severity is found.
    #[arg(long, value_enum, default_value_t = Level::Error, value_name = "LEVEL")]
    pub fail_on: Level,
    /// The audit date, which decides whether waivers have expired (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// Today's date (UTC) from the system clock.
pub fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: u16::try_from(year).unwrap_or(u16::MAX),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

/// Runs `pitfall audit`.
pub fn run(args: &Args) -> Outcome {
    let loaded = match load_rules(args.rules.as_deref()) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let color = stderr_color();
    let cli_params: Vec<CliParam> = args
        .params
        .iter()
        .map(|t| CliParam { text: t.clone() })
        .collect();
    let options = ReportOptions {
        fingerprint: loaded.fingerprint.clone(),
        today: args.today.unwrap_or_else(today),
    };
    // JSON is written profile by profile, straight from the explainer; the other
    // formats render built reports.
    let mut json = (args.format == Format::Json).then(render::json::Writer::new);
    let mut reports = Vec::new();
    let mut worst = None;
    let mut invalid = false;
    for path in &super::profiles_only(&args.profiles) {
        let profile = match profile::load_path(path) {
            Ok(p) => p,
            Err(err) => {
                invalid = true;
                eprint_text(&pitfall::report::render(&err, color));
                continue;
            }
        };
        let params = match resolve(&loaded.rules, &profile, &cli_params) {
            Ok(p) => p,
            Err(ParamProblems::Profile(errors)) => {
                invalid = true;
                let err = ProfileErrors {
                    file: path.display().to_string(),
                    errors,
                };
                eprint_text(&pitfall::report::render(&err, color));
                continue;
            }
            Err(ParamProblems::CommandLine(errors)) => {
                for e in &errors {
                    eprint_text(&pitfall::report::render(e, color));
                }
                return Outcome::Invalid;
            }
        };
        let evaluation = evaluate(&loaded.rules, &profile, &params, false);
        let mut plan = plan(&evaluation, &options);
        worst = worst.max(plan.worst());
        match &mut json {
            Some(writer) => writer.plan(&mut plan),
            None => reports.push(plan.into_report()),
        }
    }
    let text = match args.format {
        Format::Json => json.map(render::json::Writer::finish).unwrap_or_default(),
        Format::Markdown => reports
            .iter()
            .map(render::markdown::render)
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Human => {
            let opts = render::human::Options {
                color: pitfall::report::color_enabled(std::io::IsTerminal::is_terminal(
                    &std::io::stdout(),
                )),
                explain: args.explain,
            };
            reports
                .iter()
                .map(|r| render::human::render(r, opts))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    print_text(&text);
    if invalid {
        return Outcome::Invalid;
    }
    let threshold = args.fail_on.severity();
    if worst.is_some_and(|w| w >= threshold) {
        Outcome::Findings
    } else {
        Outcome::Ok
    }
}
