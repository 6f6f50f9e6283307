//! Reading a rule folder as it was at a git revision (`pitfall diff --base HEAD~1`).
//!
//! git is run as a process (`git rev-parse`, `git ls-tree`, `git cat-file`) rather than
//! linked as a library: it is on every machine that has a repository to diff, and its
//! own messages are the best explanation of a bad revision.

use std::path::Path;
use std::process::Command;

use miette::Diagnostic;
use thiserror::Error;

use crate::source::SourceFile;

/// What can go wrong reading rules from git.
#[derive(Debug, Error, Diagnostic)]
pub enum GitError {
    /// git could not be started.
    #[error(
        "`--base {rev}` is not a folder, and git cannot be run to read it as a revision: {reason}"
    )]
    #[diagnostic(
        code(diff::git_missing),
        help("install git, or pass the base rule set as a folder: `--base old-rules/`")
    )]
    Missing {
        /// The revision.
        rev: String,
        /// Why git could not run.
        reason: String,
    },
    /// The rule folder is not inside a git repository.
    #[error("`{folder}` is not inside a git repository, so `--base {rev}` cannot be read from git")]
    #[diagnostic(
        code(diff::not_a_repository),
        help("run from the repository that holds the rules, or pass `--base` a folder")
    )]
    NotARepository {
        /// The rule folder.
        folder: String,
        /// The revision.
        rev: String,
    },
    /// The revision does not exist.
    #[error("`{rev}` is neither a folder nor a git revision")]
    #[diagnostic(code(diff::bad_revision))]
    BadRevision {
        /// The revision.
        rev: String,
        /// What git said, and what to try.
        #[help]
        help: String,
    },
    /// The revision has no rule folder at that path, or no `.rules` file in it.
    #[error("revision `{rev}` has no `.rules` file in `{path}`")]
    #[diagnostic(
        code(diff::no_rules_at_revision),
        help(
            "check the revision, or name the rule folder with `--rules DIR` (its path in the repository is used)"
        )
    )]
    NoRules {
        /// The revision.
        rev: String,
        /// The folder's path in the repository.
        path: String,
    },
    /// git failed while reading a file.
    #[error("git could not read `{object}`: {reason}")]
    #[diagnostic(code(diff::git_failed))]
    Failed {
        /// What was read.
        object: String,
        /// What git said.
        reason: String,
    },
}

/// Runs git in `dir`; `Ok(stdout)` or `Err(stderr)` as text, or the spawn error.
fn git(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, std::io::Error> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output()?;
    if out.status.success() {
        Ok(Ok(out.stdout))
    } else {
        Ok(Err(String::from_utf8_lossy(&out.stderr).trim().to_owned()))
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_owned()
}

/// The `.rules` files of `folder` (a folder of the working tree) as they were at `rev`,
/// named `REV:path/file.rules` for diagnostics.
pub fn rules_at(rev: &str, folder: &Path) -> Result<Vec<SourceFile>, GitError> {
    let missing = |e: std::io::Error| GitError::Missing {
        rev: rev.to_owned(),
        reason: e.to_string().to_lowercase(),
    };
    let folder_text = folder.display().to_string();
    // The folder's path inside the repository, and the repository's top.
    let prefix = match git(folder, &["rev-parse", "--show-prefix"]).map_err(missing)? {
        Ok(out) => text(out),
        Err(_) => {
            return Err(GitError::NotARepository {
                folder: folder_text,
                rev: rev.to_owned(),
            });
        }
    };
    let top = match git(folder, &["rev-parse", "--show-toplevel"]).map_err(missing)? {
        Ok(out) => text(out),
        Err(e) => {
            return Err(GitError::Failed {
                object: "the repository's top folder".to_owned(),
                reason: e,
            });
        }
    };
    let top = Path::new(&top);
    let commit = format!("{rev}^{{commit}}");
    if let Err(said) = git(top, &["rev-parse", "--verify", "--quiet", &commit]).map_err(missing)? {
        let said = if said.is_empty() {
            String::new()
        } else {
            format!("git says: {said}; ")
        };
        return Err(GitError::BadRevision {
            rev: rev.to_owned(),
            help: format!(
                "{said}name a commit, branch or tag (`HEAD~1`, `main`, `v1.2`), or an existing rule folder"
            ),
        });
    }
    let path = prefix.trim_end_matches('/').to_owned();
    let tree = if path.is_empty() {
        format!("{rev}^{{tree}}")
    } else {
        format!("{rev}:{path}")
    };
    let no_rules = || GitError::NoRules {
        rev: rev.to_owned(),
        path: if path.is_empty() {
            ".".to_owned()
        } else {
            path.clone()
        },
    };
    let listing = match git(top, &["ls-tree", "--name-only", &tree]).map_err(missing)? {
        Ok(out) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => return Err(no_rules()),
    };
    let mut names: Vec<&str> = listing.lines().filter(|n| n.ends_with(".rules")).collect();
    names.sort_unstable();
    if names.is_empty() {
        return Err(no_rules());
    }
    let mut files = Vec::new();
    for name in names {
        let object = if path.is_empty() {
            format!("{rev}:{name}")
        } else {
            format!("{rev}:{path}/{name}")
        };
        match git(top, &["cat-file", "blob", &object]).map_err(missing)? {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => files.push(SourceFile::new(object, t)),
                Err(_) => {
                    return Err(GitError::Failed {
                        object,
                        reason: "the file is not UTF-8".to_owned(),
                    });
                }
            },
            Err(reason) => return Err(GitError::Failed { object, reason }),
        }
    }
    Ok(files)
}
