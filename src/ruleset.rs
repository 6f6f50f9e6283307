//! Loading a rule set: the default one built into the binary, or a folder.
//!
//! Either way the result carries the checker's warnings and a fingerprint of the rule
//! files, printed in every audit so that archived advice can be traced to its rules.

use std::path::Path;

use miette::{Diagnostic, SourceSpan};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::check::ir::RuleSet;
use crate::check::{self, CheckError, RuleSetProblem};
use crate::source::{SourceFile, Span};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A checked rule set with its warnings and fingerprint.
#[derive(Debug)]
pub struct Loaded {
    /// The rule set.
    pub rules: RuleSet,
    /// Checker warnings (a rule set with errors does not load).
    pub warnings: Vec<CheckError>,
    /// `sha256:` + hex of the rule files' names and contents.
    pub fingerprint: String,
}

/// The default rule set's files, as built into the binary.
pub fn builtin_sources() -> Vec<SourceFile> {
    BUILTIN
        .iter()
        .map(|(name, text)| SourceFile::new(*name, *text))
        .collect()
}

/// The default rule set, checked.
pub fn load_builtin() -> Result<Loaded, RuleSetProblem> {
    finish(check::check_sources(builtin_sources())?)
}

/// A rule set folder, checked.
pub fn load_dir(dir: &Path) -> Result<Loaded, RuleSetProblem> {
    finish(check::check_dir(dir)?)
}

/// Rule files given as text (e.g. read from a git revision), checked.
pub fn load_sources(sources: Vec<SourceFile>) -> Result<Loaded, RuleSetProblem> {
    finish(check::check_sources(sources)?)
}

/// The default rule set, or the folder when one is given.
pub fn load(dir: Option<&Path>) -> Result<Loaded, RuleSetProblem> {
    match dir {
        Some(dir) => load_dir(dir),
        None => load_builtin(),
    }
}

fn finish(checked: check::Checked) -> Result<Loaded, RuleSetProblem> {
    match checked.rule_set {
        Some(rules) => {
            let fingerprint = fingerprint(&rules.files);
            Ok(Loaded {
                rules,
                warnings: checked.diagnostics,
                fingerprint,
            })
        }
        None => Err(RuleSetProblem::Check(checked.diagnostics)),
    }
}

/// Hash of the files' base names and texts, in name order: the same rules give the
/// same fingerprint wherever the folder lives.
pub fn fingerprint(files: &[SourceFile]) -> String {
    let mut entries: Vec<(&str, &str)> = files
        .iter()
        .map(|f| {
            let base = Path::new(f.name())
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(f.name());
            (base, f.text())
        })
        .collect();
    entries.sort();
    let mut hasher = Sha256::new();
    for (name, text) in entries {
        // Lengths first, so that no two different sets of files hash the same bytes.
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("sha256:{hex}")
}

/// A rule id given on the command line (`pitfall why-not`, `pitfall rule`) that the
/// rule set does not have.
#[derive(Debug, Error, Diagnostic)]
#[error("the rule set has no rule `{id}`")]
#[diagnostic(code(cli::unknown_rule))]
pub struct UnknownRule {
    /// The argument, as source.
    #[source_code]
    src: SourceFile,
    /// All of it.
    #[label("not a rule id")]
    span: SourceSpan,
    /// The id given.
    id: String,
    /// The closest id, or where the ids are listed.
    #[help]
    help: String,
}

impl UnknownRule {
    /// The diagnostic for `id`, suggesting the closest of `rules`' ids.
    pub fn new(rules: &RuleSet, id: &str) -> Self {
        let ids = rules.rules.iter().map(|r| r.id.as_str());
        let help = check::error::did_you_mean(id, ids)
            .unwrap_or_else(|| "`pitfall rules` lists the rule ids".to_owned());
        UnknownRule {
            src: SourceFile::new("RULE_ID", id.to_owned()),
            span: Span::new(0, id.len()).into(),
            id: id.to_owned(),
            help,
        }
    }
}
