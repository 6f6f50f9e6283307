//! Running golden cases: find the profiles, audit each, check its expectations and its
//! golden file, write what `--accept` allows, and sum up the rule coverage.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

use crate::advice::Report;
use crate::eval::params::{ParamProblems, names_of, resolve};
use crate::eval::{CliParam, evaluate};
use crate::explain::{ReportOptions, report};
use crate::golden::expect::{self, EXPECT_SUFFIX, Expectations, GOLDEN_SUFFIX};
use crate::golden::observe::{Verdict, check, observe};
use crate::golden::{generate, textdiff};
use crate::profile::{self, Date, ProfileErrors, RuleSetNames};
use crate::report::render_plain;
use crate::ruleset::Loaded;

/// What stands in for the rule-set fingerprint in golden files, so that a golden
/// changes when the advice changes, not on every edit of a rule file.
pub const REDACTED_FINGERPRINT: &str = "sha256:…";

/// Folders skipped when walking: profiles in them are invalid on purpose.
pub const SKIPPED_FOLDER: &str = "invalid";

/// A path that cannot be turned into cases.
#[derive(Debug, Error, Diagnostic)]
pub enum DiscoverError {
    /// Nothing at the path.
    #[error("`{path}` does not exist")]
    #[diagnostic(
        code(test::no_such_path),
        help("name profile files or folders of profiles, e.g. `fixtures/`")
    )]
    Missing {
        /// The path as given.
        path: String,
    },
    /// A folder or file that cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(test::io), help("check that the path may be read"))]
    Io {
        /// The path.
        path: String,
        /// What the operating system said.
        reason: String,
    },
    /// A folder with no profile in it or below it: most likely a wrong path, which
    /// would otherwise pass with no case run.
    #[error("no profile in `{path}`")]
    #[diagnostic(
        code(test::no_profiles),
        help(
            "a case is a `*.yaml` profile in the folder or below it (not `*.expect.yaml`, not in hidden folders or folders named `invalid`)"
        )
    )]
    NoProfiles {
        /// The folder as given.
        path: String,
    },
    /// An expectation file named where a profile belongs.
    #[error("`{path}` is an expectation file, not a profile")]
    #[diagnostic(code(test::expectation_given))]
    ExpectationGiven {
        /// The path as given.
        path: String,
        /// The profile to name instead.
        #[help]
        help: String,
    },
}

/// The profiles found under some paths.
#[derive(Clone, Debug, Default)]
pub struct Discovered {
    /// Profile files, in the order given; each folder's files sorted.
    pub profiles: Vec<PathBuf>,
    /// `invalid` folders passed over while walking.
    pub skipped: Vec<PathBuf>,
}

/// Whether a path names an expectation file (`*.expect.yaml`).
pub fn is_expectation_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(EXPECT_SUFFIX))
}

/// Profiles under `paths`: files as given, folders walked recursively for `*.yaml` that
/// are not expectation files, skipping hidden folders and folders named `invalid`.
pub fn discover(paths: &[PathBuf]) -> Result<Discovered, DiscoverError> {
    let mut out = Discovered::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::Missing {
                path: path.display().to_string(),
            },
            _ => DiscoverError::Io {
                path: path.display().to_string(),
                reason: e.to_string().to_lowercase(),
            },
        })?;
        if meta.is_dir() {
            let before = out.profiles.len();
            walk(path, &mut out)?;
            if out.profiles.len() == before {
                return Err(DiscoverError::NoProfiles {
                    path: path.display().to_string(),
                });
            }
        } else if is_expectation_file(path) {
            let name = path.display().to_string();
            let profile = name.trim_end_matches(EXPECT_SUFFIX).to_owned() + ".yaml";
            return Err(DiscoverError::ExpectationGiven {
                path: name,
                help: format!(
                    "name the profile `{profile}`; its expectations are read from beside it"
                ),
            });
        } else {
            out.profiles.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Discovered) -> Result<(), DiscoverError> {
    let io = |e: std::io::Error| DiscoverError::Io {
        path: dir.display().to_string(),
        reason: e.to_string().to_lowercase(),
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut folders = Vec::new();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name == SKIPPED_FOLDER {
                out.skipped.push(path);
            } else if !name.starts_with('.') {
                folders.push(path);
            }
        } else if name.ends_with(".yaml") && !name.ends_with(EXPECT_SUFFIX) {
            out.profiles.push(path);
        }
    }
    // A folder's own profiles first, then its subfolders: `fixtures/*.yaml` before
    // `fixtures/thresholds/`.
    for f in folders {
        walk(&f, out)?;
    }
    Ok(())
}

/// `NAME.yaml` → `NAME<suffix>` in the same folder.
pub fn sibling(profile: &Path, suffix: &str) -> PathBuf {
    let stem = profile
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    profile.with_file_name(format!("{stem}{suffix}"))
}

/// The golden rendering of a report: the Markdown report, with the fingerprint
/// redacted and the profile named by its file name (not by the path it was run from).
pub fn golden_text(report: &Report) -> String {
    let mut r = report.clone();
    REDACTED_FINGERPRINT.clone_into(&mut r.rules_fingerprint);
    if let Some(name) = Path::new(&r.profile).file_name().and_then(|n| n.to_str()) {
        r.profile = name.to_owned();
    }
    crate::render::markdown::render(&r)
}

/// How a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Every assertion held and the golden matched.
    Passed,
    /// An assertion failed or the golden differs.
    Failed,
    /// The profile does not load or does not fit the rule set.
    Broken,
    /// The expectation file has mistakes: bad input, exit 2.
    BadExpectations,
    /// Neither an expectation file nor a golden file: nothing to check.
    Unchecked,
}

/// What happened to a case's golden file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum GoldenOutcome {
    /// Same text.
    Matches,
    /// Different text; the unified diff from the golden to the actual rendering.
    Differs {
        /// The diff.
        diff: String,
    },
    /// Different text, rewritten by `--accept`.
    Rewritten,
    /// The golden could not be read or written.
    Unreadable {
        /// Why.
        reason: String,
    },
}

/// A golden file and how it compared.
#[derive(Clone, Debug, Serialize)]
pub struct GoldenCheck {
    /// The file.
    pub path: String,
    /// How it compared.
    #[serde(flatten)]
    pub outcome: GoldenOutcome,
}

/// One profile's case.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    /// The profile file, as found.
    pub profile: String,
    /// The business's name, once the profile loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<String>,
    /// How it ended.
    pub status: CaseStatus,
    /// The expectation file, when there is one (or `--accept` wrote it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expectations: Option<String>,
    /// Whether `--accept` wrote the expectation file in this run.
    pub created: bool,
    /// Each assertion and how it fared.
    pub assertions: Vec<Verdict>,
    /// The golden file, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golden: Option<GoldenCheck>,
    /// The diagnostic of a broken profile or a bad expectation file, rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Case {
    fn new(profile: &Path) -> Case {
        Case {
            profile: profile.display().to_string(),
            business: None,
            status: CaseStatus::Unchecked,
            expectations: None,
            created: false,
            assertions: Vec::new(),
            golden: None,
            problem: None,
        }
    }

    /// The assertions that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Verdict> {
        self.assertions.iter().filter(|v| !v.passed)
    }
}

/// Rules that no case made fire, or pass, or that no expectation names.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// Rules in the rule set.
    pub rules: usize,
    /// Rules that fired in no case.
    pub never_fires: Vec<String>,
    /// Rules that passed in no case.
    pub never_passes: Vec<String>,
    /// Rules no expectation file names.
    pub never_asserted: Vec<String>,
}

/// Counts of cases by status.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    /// All cases.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Broken profiles.
    pub broken: usize,
    /// Bad expectation files.
    pub bad_expectations: usize,
    /// Without expectations or golden.
    pub unchecked: usize,
    /// Expectation files written by `--accept`.
    pub created: usize,
    /// Golden files rewritten by `--accept`.
    pub rewritten: usize,
}

/// The outcome of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// Bumped when the JSON shape changes incompatibly (see docs/golden-tests.md).
    pub schema_version: u32,
    /// The rule set's fingerprint.
    pub rules_fingerprint: String,
    /// Whether `--accept` was given.
    pub accept: bool,
    /// `invalid` folders passed over.
    pub skipped: Vec<String>,
    /// One per profile.
    pub cases: Vec<Case>,
    /// Rule coverage over the cases that ran.
    pub coverage: Coverage,
    /// Counts.
    pub summary: Summary,
}

/// The JSON shape's version.
pub const TEST_JSON_VERSION: u32 = 1;

/// Settings of a run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The audit date, unless an expectation file sets `today`.
    pub today: Date,
    /// Rewrite goldens and write missing expectation files.
    pub accept: bool,
}

/// Per rule, whether it fired or passed in some case.
#[derive(Default)]
struct Hits {
    fired: BTreeSet<String>,
    passed: BTreeSet<String>,
    asserted: BTreeSet<String>,
}

/// Runs every case.
pub fn run(rules: &Loaded, found: &Discovered, settings: &Settings) -> Run {
    let names = names_of(&rules.rules);
    let mut hits = Hits::default();
    let cases: Vec<Case> = found
        .profiles
        .iter()
        .map(|p| run_case(rules, &names, p, settings, &mut hits))
        .collect();
    let mut all: Vec<String> = rules.rules.rules.iter().map(|r| r.id.clone()).collect();
    all.sort();
    let missing = |set: &BTreeSet<String>| -> Vec<String> {
        all.iter().filter(|r| !set.contains(*r)).cloned().collect()
    };
    let coverage = Coverage {
        rules: all.len(),
        never_fires: missing(&hits.fired),
        never_passes: missing(&hits.passed),
        never_asserted: missing(&hits.asserted),
    };
    let mut summary = Summary {
        cases: cases.len(),
        ..Summary::default()
    };
    for c in &cases {
        match c.status {
            CaseStatus::Passed => summary.passed += 1,
            CaseStatus::Failed => summary.failed += 1,
            CaseStatus::Broken => summary.broken += 1,
            CaseStatus::BadExpectations => summary.bad_expectations += 1,
            CaseStatus::Unchecked => summary.unchecked += 1,
        }
        summary.created += usize::from(c.created);
        summary.rewritten += usize::from(matches!(
            c.golden.as_ref().map(|g| &g.outcome),
            Some(GoldenOutcome::Rewritten)
        ));
    }
    Run {
        schema_version: TEST_JSON_VERSION,
        rules_fingerprint: rules.fingerprint.clone(),
        accept: settings.accept,
        skipped: found
            .skipped
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        cases,
        coverage,
        summary,
    }
}

/// The line of a byte offset in the expectation file.
fn line_of(exp: &Expectations, offset: usize) -> usize {
    exp.source.line_col(offset).0
}

fn run_case(
    rules: &Loaded,
    names: &RuleSetNames,
    path: &Path,
    settings: &Settings,
    hits: &mut Hits,
) -> Case {
    let mut case = Case::new(path);
    let profile = match profile::load_path(path) {
        Ok(p) => p,
        Err(e) => {
            case.status = CaseStatus::Broken;
            case.problem = Some(render_plain(&e));
            return case;
        }
    };
    case.business = Some(profile.name().to_owned());

    let expect_path = sibling(path, EXPECT_SUFFIX);
    let exp = if expect_path.is_file() {
        case.expectations = Some(expect_path.display().to_string());
        match expect::read_checked(&expect_path, names, &profile) {
            Ok(e) => Some(e),
            Err(errors) => {
                case.status = CaseStatus::BadExpectations;
                case.problem = Some(render_plain(&errors));
                return case;
            }
        }
    } else {
        None
    };
    if let Some(e) = &exp {
        hits.asserted
            .extend(e.assertions.iter().map(|a| a.rule.text.clone()));
    }

    // The case's params weigh like `--param`: they win over the profile's own.
    let cli: Vec<CliParam> = exp
        .iter()
        .flat_map(|e| &e.params)
        .map(|p| CliParam {
            text: format!("{}={}", p.name.text, p.value.text),
        })
        .collect();
    let params = match resolve(&rules.rules, &profile, &cli) {
        Ok(p) => p,
        Err(ParamProblems::Profile(errors)) => {
            case.status = CaseStatus::Broken;
            case.problem = Some(render_plain(&ProfileErrors {
                file: case.profile.clone(),
                errors,
            }));
            return case;
        }
        Err(ParamProblems::CommandLine(errors)) => {
            // Checked against the rule set already; kept for a rule set that changes
            // between the check and here, which cannot happen within one run.
            case.status = CaseStatus::Broken;
            case.problem = Some(
                errors
                    .iter()
                    .map(|e| render_plain(e))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            return case;
        }
    };
    let eval = evaluate(&rules.rules, &profile, &params, true);
    for r in &eval.results {
        if !r.fired.is_empty() {
            hits.fired.insert(r.rule.id.clone());
        }
        if r.passes > 0 {
            hits.passed.insert(r.rule.id.clone());
        }
    }
    let options = ReportOptions {
        fingerprint: rules.fingerprint.clone(),
        today: exp.as_ref().and_then(|e| e.today).unwrap_or(settings.today),
    };
    let report = report(&eval, &options);
    let observed = observe(&eval, &report);

    if let Some(e) = &exp {
        case.assertions = e
            .assertions
            .iter()
            .map(|a| check(a, &observed, line_of(e, a.span.start)))
            .collect();
    } else if settings.accept {
        let text = generate::expectations(&case.profile, &observed);
        match std::fs::write(&expect_path, text) {
            Ok(()) => {
                case.created = true;
                case.expectations = Some(expect_path.display().to_string());
            }
            Err(e) => {
                case.status = CaseStatus::Broken;
                case.problem = Some(format!(
                    "cannot write `{}`: {}",
                    expect_path.display(),
                    e.to_string().to_lowercase()
                ));
                return case;
            }
        }
    }

    let golden_path = sibling(path, GOLDEN_SUFFIX);
    if golden_path.is_file() {
        case.golden = Some(check_golden(&golden_path, &report, settings.accept));
    }

    let golden_failed = case
        .golden
        .as_ref()
        .is_some_and(|g| !matches!(g.outcome, GoldenOutcome::Matches | GoldenOutcome::Rewritten));
    case.status = if case.failures().next().is_some() || golden_failed {
        CaseStatus::Failed
    } else if case.expectations.is_some() || case.golden.is_some() {
        CaseStatus::Passed
    } else {
        CaseStatus::Unchecked
    };
    case
}

fn check_golden(path: &Path, report: &Report, accept: bool) -> GoldenCheck {
    let name = path.display().to_string();
    let actual = golden_text(report);
    let outcome = match std::fs::read_to_string(path) {
        Err(e) => GoldenOutcome::Unreadable {
            reason: e.to_string().to_lowercase(),
        },
        Ok(expected) if expected == actual => GoldenOutcome::Matches,
        Ok(_) if accept => match std::fs::write(path, &actual) {
            Ok(()) => GoldenOutcome::Rewritten,
            Err(e) => GoldenOutcome::Unreadable {
                reason: e.to_string().to_lowercase(),
            },
        },
        Ok(expected) => GoldenOutcome::Differs {
            diff: textdiff::unified(&expected, &actual, &name, "actual advice"),
        },
    };
    GoldenCheck {
        path: name,
        outcome,
    }
}
