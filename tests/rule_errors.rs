//! Snapshots of the rendered diagnostics for every file in `tests/cases/rules_invalid/`.
//!
//! Each file is a small rule set with one mistake (or, in `many-mistakes.rules`,
//! several), checked alone. A snapshot is what a consultant sees on the terminal,
//! minus colour: read it as them when it changes. The label must sit on the offending
//! token, the message must say what is wrong and the help what to write instead.
//!
//! Only the glob test lives in this binary: insta's glob lock misattributes failures
//! across tests running at once, so every other rule-error test is elsewhere
//! (`tests/rule_errors_cli.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pitfall::check::{RuleSetProblem, check_sources};
use pitfall::report::render_plain;
use pitfall::source::SourceFile;

#[test]
fn rule_errors() {
    insta::glob!("cases/rules_invalid", "*.rules", |path| {
        let file_name = path.file_name().unwrap().to_str().unwrap();
        // A relative name, so snapshots do not depend on where the repository lives.
        let name = format!("tests/cases/rules_invalid/{file_name}");
        let text = std::fs::read_to_string(path).unwrap();
        // (rendered text, is it an error) for every diagnostic, in reporting order.
        let diagnostics: Vec<(String, bool)> =
            match check_sources(vec![SourceFile::new(name.as_str(), text)]) {
                Err(RuleSetProblem::Syntax(errors)) => {
                    errors.iter().map(|e| (render_plain(e), true)).collect()
                }
                Err(RuleSetProblem::Check(diags)) => diags
                    .iter()
                    .map(|d| (render_plain(d), !d.code.is_warning()))
                    .collect(),
                Ok(checked) => checked
                    .diagnostics
                    .iter()
                    .map(|d| (render_plain(d), !d.code.is_warning()))
                    .collect(),
            };
        assert!(
            !diagnostics.is_empty(),
            "{name} checked clean, but every file here has a mistake"
        );
        let errors = diagnostics.iter().filter(|(_, error)| *error).count();
        if file_name.starts_with("warning-") {
            assert_eq!(
                errors, 0,
                "{name} is a warning case: a rule set that only warns is valid"
            );
        } else {
            assert!(errors > 0, "{name} only warns, but should have an error");
        }
        let rendered: Vec<&str> = diagnostics.iter().map(|(text, _)| text.as_str()).collect();
        insta::assert_snapshot!(rendered.join("\n"));
    });
}
