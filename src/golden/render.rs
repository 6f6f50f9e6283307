//! The outcome of `pitfall test` as text: human (terminal), JSON, JUnit XML (CI).

use std::fmt::Write as _;

use crate::golden::run::{Case, CaseStatus, GoldenOutcome, Run};
use crate::render::plural;

/// Indents every line of `text` by `n` spaces (blank lines stay blank).
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out
}

/// "9 assertions, golden".
fn what_was_checked(c: &Case) -> String {
    let mut parts = Vec::new();
    if c.expectations.is_some() {
        parts.push(plural(c.assertions.len(), "assertion", "assertions"));
    }
    if c.golden.is_some() {
        parts.push("golden".to_owned());
    }
    parts.join(", ")
}

/// The terminal report: failures in full, one line per passing case, the coverage, a
/// tally.
pub fn human(run: &Run) -> String {
    let mut out = String::new();
    for c in &run.cases {
        case_human(&mut out, c);
    }
    for s in &run.skipped {
        let _ = writeln!(
            out,
            "skip    {s}/ (folders named `invalid` hold profiles that are invalid on purpose)"
        );
    }
    let cov = &run.coverage;
    let ran = run.summary.cases - run.summary.broken - run.summary.bad_expectations;
    let _ = writeln!(
        out,
        "\nCoverage of {} over {}:",
        plural(cov.rules, "rule", "rules"),
        plural(ran, "case", "cases")
    );
    let lists = if ran == 0 {
        let _ = writeln!(out, "  no case ran, so no rule is covered");
        Vec::new()
    } else {
        vec![
            ("rules that fire in no case", &cov.never_fires),
            ("rules that pass in no case", &cov.never_passes),
            ("rules no expectation names", &cov.never_asserted),
        ]
    };
    for (label, list) in lists {
        let names = if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        };
        let _ = writeln!(out, "  {label}: {names}");
    }
    let s = &run.summary;
    let mut tally = vec![format!("{} passed", s.passed)];
    for (n, what) in [
        (s.failed, "failed"),
        (s.broken, "broken (profile does not load)"),
        (s.bad_expectations, "with a bad expectation file"),
        (s.unchecked, "without expectations"),
    ] {
        if n > 0 {
            tally.push(format!("{n} {what}"));
        }
    }
    let _ = writeln!(
        out,
        "\n{}: {}",
        plural(s.cases, "case", "cases"),
        tally.join(", ")
    );
    if run.accept {
        let _ = writeln!(
            out,
            "--accept: {} written, {} rewritten; existing expectation files are never overwritten",
            plural(s.created, "expectation file", "expectation files"),
            plural(s.rewritten, "golden file", "golden files"),
        );
    }
    out
}

fn case_human(out: &mut String, c: &Case) {
    match c.status {
        CaseStatus::Passed if c.created && c.golden.is_none() => {
            let _ = writeln!(out, "new     {}", c.profile);
        }
        CaseStatus::Passed => {
            let _ = writeln!(out, "ok      {} ({})", c.profile, what_was_checked(c));
        }
        CaseStatus::Unchecked => {
            let _ = writeln!(
                out,
                "none    {} (no expectations: `pitfall test --accept` writes a first one)",
                c.profile
            );
        }
        CaseStatus::Failed => {
            let failed = c.failures().count();
            let mut what = Vec::new();
            if failed > 0 {
                what.push(format!(
                    "{failed} of {} failed",
                    plural(c.assertions.len(), "assertion", "assertions")
                ));
            }
            if matches!(
                c.golden.as_ref().map(|g| &g.outcome),
                Some(GoldenOutcome::Differs { .. } | GoldenOutcome::Unreadable { .. })
            ) {
                what.push("golden differs".to_owned());
            }
            let _ = writeln!(out, "FAIL    {} ({})", c.profile, what.join(", "));
            if let (Some(file), true) = (&c.expectations, failed > 0) {
                let _ = writeln!(out, "  expected in {file}:");
            }
            for v in c.failures() {
                let _ = writeln!(out, "  ✗ line {}: {}: {}", v.line, v.assertion, v.actual);
            }
        }
        CaseStatus::Broken => {
            let _ = writeln!(out, "BROKEN  {} (the profile does not load)", c.profile);
        }
        CaseStatus::BadExpectations => {
            let _ = writeln!(
                out,
                "INVALID {} (its expectation file has mistakes)",
                c.profile
            );
        }
    }
    if c.created
        && let Some(file) = &c.expectations
    {
        let _ = writeln!(
            out,
            "  wrote {file} from the current advice: read it and keep what a consultant expects"
        );
    }
    if let Some(g) = &c.golden {
        match &g.outcome {
            GoldenOutcome::Matches => {}
            GoldenOutcome::Rewritten => {
                let _ = writeln!(out, "  rewrote {} (--accept)", g.path);
            }
            GoldenOutcome::Differs { diff } => {
                let _ = writeln!(
                    out,
                    "  ✗ golden {} differs (run with --accept to take the new advice):",
                    g.path
                );
                out.push_str(&indent(diff, 4));
            }
            GoldenOutcome::Unreadable { reason } => {
                let _ = writeln!(out, "  ✗ golden {}: {reason}", g.path);
            }
        }
    }
    if let Some(p) = &c.problem {
        out.push_str(&indent(p, 4));
    }
}

/// The run as JSON (see docs/golden-tests.md).
pub fn json(run: &Run) -> String {
    // Plain structs of strings and numbers always serialise; an empty object would
    // still be valid JSON if that ever changed.
    let mut out = serde_json::to_string_pretty(run).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}

/// Escapes text for XML content and attribute values, dropping the control characters
/// XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test suite, one test case per profile (grouped by folder through
/// `classname`), failures with the failed assertions and the golden diff.
pub fn junit(run: &Run) -> String {
    let s = &run.summary;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuite name=\"pitfall test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        s.cases,
        s.failed,
        s.broken + s.bad_expectations,
        s.unchecked
    );
    let _ = writeln!(out, "  <properties>");
    let _ = writeln!(
        out,
        "    <property name=\"rules_fingerprint\" value=\"{}\"/>",
        xml_escape(&run.rules_fingerprint)
    );
    for (name, list) in [
        ("rules_never_firing", &run.coverage.never_fires),
        ("rules_never_passing", &run.coverage.never_passes),
    ] {
        let _ = writeln!(
            out,
            "    <property name=\"{name}\" value=\"{}\"/>",
            xml_escape(&list.join(" "))
        );
    }
    let _ = writeln!(out, "  </properties>");
    for c in &run.cases {
        let path = std::path::Path::new(&c.profile);
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&c.profile);
        let folder = path
            .parent()
            .map(|p| p.display().to_string().replace(['/', '\\'], "."))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "profiles".to_owned());
        let _ = write!(
            out,
            "  <testcase name=\"{}\" classname=\"{}\"",
            xml_escape(file),
            xml_escape(&folder)
        );
        match c.status {
            CaseStatus::Passed => {
                let _ = writeln!(out, "/>");
            }
            CaseStatus::Unchecked => {
                let _ = writeln!(
                    out,
                    ">\n    <skipped message=\"no expectation file and no golden file\"/>\n  </testcase>"
                );
            }
            CaseStatus::Failed => {
                let failed: Vec<String> = c
                    .failures()
                    .map(|v| format!("line {}: {}: {}", v.line, v.assertion, v.actual))
                    .collect();
                let mut body = failed.join("\n");
                let mut message = match failed.len() {
                    0 => String::new(),
                    n => format!(
                        "{n} of {} failed",
                        plural(c.assertions.len(), "assertion", "assertions")
                    ),
                };
                if let Some(g) = &c.golden {
                    match &g.outcome {
                        GoldenOutcome::Differs { diff } => {
                            if !message.is_empty() {
                                message.push_str("; ");
                                body.push_str("\n\n");
                            }
                            message.push_str("golden file differs");
                            body.push_str(diff);
                        }
                        GoldenOutcome::Unreadable { reason } => {
                            if !message.is_empty() {
                                message.push_str("; ");
                            }
                            message.push_str(&format!("golden file: {reason}"));
                        }
                        GoldenOutcome::Matches | GoldenOutcome::Rewritten => {}
                    }
                }
                let _ = writeln!(
                    out,
                    ">\n    <failure message=\"{}\" type=\"expectation\">{}</failure>\n  </testcase>",
                    xml_escape(&message),
                    xml_escape(&body)
                );
            }
            CaseStatus::Broken | CaseStatus::BadExpectations => {
                let (kind, message) = if c.status == CaseStatus::Broken {
                    ("broken_profile", "the profile does not load")
                } else {
                    ("bad_expectations", "the expectation file has mistakes")
                };
                let _ = writeln!(
                    out,
                    ">\n    <error message=\"{message}\" type=\"{kind}\">{}</error>\n  </testcase>",
                    xml_escape(c.problem.as_deref().unwrap_or(""))
                );
            }
        }
    }
    out.push_str("</testsuite>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>\u{1b}[0m\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;[0m\n"
        );
    }
}
