//! Documentation that cannot drift: `pitfall rules` and `pitfall rule ID` (snapshots),
//! every default rule documented in full, the audit JSON's documented fields against
//! real output, and every rule-language example of docs/language.md checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use pitfall::source::SourceFile;

use common::pitfall;

/// Exit code, stdout and stderr, as one snapshot.
fn run(args: &[&str]) -> String {
    let out = pitfall(args);
    format!(
        "$ pitfall {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or("none".to_owned(), |c| c.to_string()),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap()
    )
}

// ---------------------------------------------------------------------------------
// pitfall rules / pitfall rule ID

#[test]
fn rules_lists_the_rule_set_by_area() {
    insta::assert_snapshot!("rules", run(&["rules"]));
}

#[test]
fn rules_as_json_lists_every_rule_once() {
    let out = pitfall(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let ids: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let rules = common::default_rules();
    let mut want: Vec<&str> = rules.rules.rules.iter().map(|r| r.id.as_str()).collect();
    let mut got = ids.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    // Grouped by area in the article's order.
    let areas: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["area"].as_str().unwrap())
        .collect();
    let mut deduped = areas.clone();
    deduped.dedup();
    assert_eq!(
        deduped,
        ["platform_entry", "profit", "resources", "operations"]
    );
}

#[test]
fn rule_prints_its_documentation() {
    insta::assert_snapshot!("rule_thin_net_margin", run(&["rule", "thin_net_margin"]));
}

#[test]
fn rule_example_runs_the_rule_on_a_profile() {
    insta::assert_snapshot!(
        "rule_platform_category_mismatch_example",
        run(&[
            "rule",
            "platform_category_mismatch",
            "--example",
            "fixtures/apparel-brand-on-jd-and-suning.yaml",
        ])
    );
}

#[test]
fn rule_example_says_when_the_rule_gives_no_advice() {
    let out = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/well-run-single-platform.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("the rule gives no advice"), "{text}");
    assert!(
        text.contains("pitfall why-not fixtures/well-run-single-platform.yaml thin_net_margin"),
        "{text}"
    );
}

#[test]
fn rule_example_shows_advice_a_broader_rule_replaces() {
    let out = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/promo-item-below-cost.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("a full audit replaces this advice with that of `promo_item_investment`"),
        "{text}"
    );
}

/// `--param` reaches the example as it reaches an audit: the advice and its evidence
/// use the value, and say it came from the command line.
#[test]
fn rule_example_takes_params_from_the_command_line() {
    let out = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/apparel-brand-on-jd-and-suning.yaml",
        "--param",
        "margin_floor=40%",
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("under the 40% floor"), "{text}");
    assert!(
        text.contains("params: margin_floor = 40% (command line)"),
        "{text}"
    );
    // Without the param the same profile gives this rule no advice.
    let plain = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/apparel-brand-on-jd-and-suning.yaml",
    ]);
    assert!(
        String::from_utf8(plain.stdout)
            .unwrap()
            .contains("the rule gives no advice")
    );
    // A param without a profile to run on is a usage error, and an unknown one is named.
    assert_eq!(
        pitfall(&["rule", "thin_net_margin", "--param", "margin_floor=40%"])
            .status
            .code(),
        Some(2)
    );
    let bad = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/apparel-brand-on-jd-and-suning.yaml",
        "--param",
        "margn_floor=40%",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("did you mean `margin_floor`?")
    );
}

#[test]
fn rule_with_an_unknown_id_suggests_the_closest() {
    insta::assert_snapshot!("rule_unknown_id", run(&["rule", "thin_net_margn"]));
    let out = pitfall(&["rule", "zzz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("`pitfall rules` lists the rule ids")
    );
}

#[test]
fn rule_example_with_a_broken_profile_exits_2() {
    let out = pitfall(&[
        "rule",
        "thin_net_margin",
        "--example",
        "fixtures/invalid/percent-without-sign.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Issue 5 item 2, seen from the documentation: every rule of the default set renders
/// with a heading and non-empty What / Why / What to do sections, and cites a known
/// heuristic. (`tests/ruleset.rs` checks the rule data itself.)
#[test]
fn every_default_rule_renders_complete_documentation() {
    let rules = common::default_rules();
    for rule in &rules.rules.rules {
        let doc = pitfall::ruledoc::document(&rules.rules, &rule.id).unwrap();
        assert!(!doc.when.trim().is_empty(), "{}: no condition", rule.id);
        assert!(doc.when.starts_with("when "), "{}: {}", rule.id, doc.when);
        if !rule.bindings.is_empty() {
            let b = doc.bindings.as_deref().unwrap_or("");
            assert!(b.starts_with("for "), "{}: bindings {b:?}", rule.id);
        }
        assert_eq!(doc.lets.len(), rule.lets.len(), "{}", rule.id);
        assert!(!doc.because.trim().is_empty(), "{}: no rationale", rule.id);
        assert!(!doc.advise.trim().is_empty(), "{}: no advice", rule.id);
        assert!(!doc.actions.is_empty(), "{}: no action", rule.id);
        assert!(
            doc.heuristic_statement.is_some(),
            "{}: source {} is not one of H1-H19",
            rule.id,
            rule.source
        );
        assert!(
            doc.summary.file.starts_with("rules/") && doc.summary.line > 0,
            "{}",
            rule.id
        );
        for p in &doc.params {
            assert!(
                p.doc.is_some(),
                "{}: param {} undocumented",
                rule.id,
                p.name
            );
        }

        let text = pitfall::ruledoc::render::doc(&doc, None);
        for section in [
            "## What it detects",
            "## Why it matters",
            "## What to do",
            "## Parameters",
            "## Example",
        ] {
            let body = section_body(&text, section)
                .unwrap_or_else(|| panic!("{}: no section {section}\n{text}", rule.id));
            assert!(
                !body.trim().is_empty(),
                "{}: empty section {section}\n{text}",
                rule.id
            );
        }
        assert!(
            text.starts_with(&format!("# {} — {}", rule.id, rule.title)),
            "{}",
            rule.id
        );
        // Templates are shown as written: with their holes, never filled in.
        if rule
            .advise
            .parts
            .iter()
            .any(|p| matches!(p, pitfall::check::ir::TemplatePart::Value(_)))
        {
            assert!(doc.advise.contains('{'), "{}: {}", rule.id, doc.advise);
        }
    }
}

/// The text under a `## ` heading, up to the next one.
fn section_body<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let start = text.find(&format!("{heading}\n"))? + heading.len() + 1;
    let rest = text.get(start..)?;
    Some(rest.find("\n## ").map_or(rest, |end| &rest[..end]))
}

/// The params `pitfall rule` documents are the params the audit's evidence reports
/// for that rule, on a fixture where it fires: one walk of the IR, not two opinions.
#[test]
fn documented_params_match_the_evidence() {
    let rules = common::default_rules();
    let mut checked = BTreeSet::new();
    for fixture in common::valid_fixtures() {
        let report = common::audit(&rules, &fixture);
        let all = report
            .recommendations
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.recommendation))
            .chain(report.waived.iter().map(|w| &w.recommendation));
        for rec in all {
            if !checked.insert(rec.rule.clone()) {
                continue;
            }
            let doc = pitfall::ruledoc::document(&rules.rules, &rec.rule).unwrap();
            let documented: BTreeSet<&str> = doc.params.iter().map(|p| p.name.as_str()).collect();
            let evidenced: BTreeSet<&str> = rec.evidence.params.iter().map(|p| &*p.name).collect();
            assert_eq!(documented, evidenced, "{}", rec.rule);
        }
    }
    assert_eq!(
        checked.len(),
        rules.rules.rules.len(),
        "some rule never fired"
    );
}

// ---------------------------------------------------------------------------------
// docs/audit-json.md against real output

/// The field names docs/audit-json.md documents, per object. If the JSON gains,
/// loses or renames a field, this list and the document must change with it.
const DOCUMENTED: &[(&str, &[&str])] = &[
    ("document", &["schema_version", "reports"]),
    (
        "report",
        &[
            "schema_version",
            "profile",
            "business",
            "currency",
            "rules_fingerprint",
            "counts",
            "recommendations",
            "suppressed",
            "waived",
            "expired_waivers",
            "not_assessed",
            "data_to_collect",
            "params",
        ],
    ),
    ("counts", &["error", "warning", "info", "not_assessed"]),
    (
        "recommendation",
        &[
            "rule",
            "title",
            "severity",
            "area",
            "heuristic",
            "entity",
            "message",
            "rationale",
            "actions",
            "evidence",
            "location",
        ],
    ),
    ("entity", &["product", "platform"]),
    ("product", &["sku", "name"]),
    ("evidence", &["bindings", "steps", "params"]),
    ("binding", &["name", "value"]),
    ("step", &["name", "formula", "values", "result", "exact"]),
    ("param", &["name", "value", "source"]),
    ("location", &["file", "line"]),
    ("suppressed", &["recommendation", "by"]),
    ("waived", &["recommendation", "reason", "until"]),
    ("not_assessed", &["rule", "title", "entity", "reason"]),
    ("data_gap", &["entity", "fact", "rules"]),
];

fn documented(object: &str) -> BTreeSet<String> {
    DOCUMENTED
        .iter()
        .find(|(o, _)| *o == object)
        .unwrap_or_else(|| panic!("no list for {object}"))
        .1
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

/// Keys seen per object kind, across every fixture's audit.
#[derive(Default)]
struct Seen(std::collections::BTreeMap<&'static str, BTreeSet<String>>);

impl Seen {
    fn keys(&mut self, kind: &'static str, v: &serde_json::Value) {
        let obj = v
            .as_object()
            .unwrap_or_else(|| panic!("{kind} is not an object"));
        self.0.entry(kind).or_default().extend(obj.keys().cloned());
    }

    fn entity(&mut self, v: &serde_json::Value) {
        self.keys("entity", v);
        if let Some(p) = v.get("product") {
            self.keys("product", p);
        }
    }

    fn recommendation(&mut self, r: &serde_json::Value) {
        self.keys("recommendation", r);
        self.entity(&r["entity"]);
        self.keys("location", &r["location"]);
        self.evidence(&r["evidence"]);
    }

    fn evidence(&mut self, e: &serde_json::Value) {
        self.keys("evidence", e);
        for b in e["bindings"].as_array().unwrap() {
            self.keys("binding", b);
        }
        for s in e["steps"].as_array().unwrap() {
            self.keys("step", s);
        }
        for p in e["params"].as_array().unwrap() {
            self.keys("param", p);
        }
    }
}

#[test]
fn documented_json_fields_are_the_fields_of_real_output() {
    let paths: Vec<String> = common::valid_fixtures()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["audit", "--format", "json", "--today", "2026-11-26"];
    args.extend(paths.iter().map(String::as_str));
    let out = pitfall(&args);
    assert_ne!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let mut seen = Seen::default();
    seen.keys("document", &doc);
    for report in doc["reports"].as_array().unwrap() {
        seen.keys("report", report);
        seen.keys("counts", &report["counts"]);
        for r in report["recommendations"].as_array().unwrap() {
            seen.recommendation(r);
        }
        for s in report["suppressed"].as_array().unwrap() {
            seen.keys("suppressed", s);
            seen.recommendation(&s["recommendation"]);
        }
        for w in report["waived"].as_array().unwrap() {
            seen.keys("waived", w);
            seen.recommendation(&w["recommendation"]);
        }
        for n in report["not_assessed"].as_array().unwrap() {
            seen.keys("not_assessed", n);
            seen.entity(&n["entity"]);
        }
        for g in report["data_to_collect"].as_array().unwrap() {
            seen.keys("data_gap", g);
        }
        for p in report["params"].as_array().unwrap() {
            seen.keys("param", p);
        }
    }
    for (object, _) in DOCUMENTED {
        assert_eq!(
            seen.0.get(object).cloned().unwrap_or_default(),
            documented(object),
            "fields of `{object}`: the fixtures' JSON (left) differs from the documented list (right)"
        );
    }

    // And the document names every field, in backticks.
    let text = std::fs::read_to_string(common::root().join("docs/audit-json.md")).unwrap();
    for (object, fields) in DOCUMENTED {
        for f in *fields {
            assert!(
                text.contains(&format!("`{f}`")),
                "docs/audit-json.md does not document `{f}` of {object}"
            );
        }
    }
}

#[test]
fn why_not_json_uses_the_documented_envelope() {
    let out = pitfall(&[
        "why-not",
        "fixtures/well-run-single-platform.yaml",
        "thin_net_margin",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen = Seen::default();
    seen.keys("document", &doc);
    assert_eq!(seen.0["document"], documented("document"));
    let why = &doc["reports"][0];
    let keys: BTreeSet<String> = why.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["bindings", "rule"].map(String::from).into());
    for b in why["bindings"].as_array().unwrap() {
        let keys: BTreeSet<String> = b.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            ["because", "entity", "evidence", "outcome"]
                .map(String::from)
                .into()
        );
        seen.evidence(&b["evidence"]);
    }
}

// ---------------------------------------------------------------------------------
// docs/language.md: every example checks

/// A fenced block of docs/language.md: its info string, first line and text.
struct Block {
    info: String,
    line: usize,
    text: String,
}

fn fenced_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                current = Some(Block {
                    info: info.trim().to_owned(),
                    line: i + 1,
                    text: String::new(),
                });
            }
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some(b), None) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// ```` ```rules ```` blocks are complete rule sets that check without errors;
/// ```` ```rules invalid=CODE ```` blocks must be rejected with that diagnostic code.
#[test]
fn every_rule_language_example_in_the_docs_checks() {
    let path = "docs/language.md";
    let doc = std::fs::read_to_string(common::root().join(path)).unwrap();
    let blocks = fenced_blocks(&doc);
    let mut valid = 0;
    let mut invalid = 0;
    for b in blocks
        .iter()
        .filter(|b| b.info.split_whitespace().next() == Some("rules"))
    {
        let name = format!("{path}:{}", b.line);
        let expected = b
            .info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("invalid="));
        let result =
            pitfall::check::check_sources(vec![SourceFile::new(name.clone(), b.text.clone())]);
        let codes: Vec<String> = match &result {
            Err(pitfall::check::RuleSetProblem::Syntax(errors)) => errors
                .iter()
                .map(|e| {
                    miette::Diagnostic::code(e)
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                })
                .collect(),
            Err(pitfall::check::RuleSetProblem::Check(errors)) => {
                errors.iter().map(|e| e.code.as_str().to_owned()).collect()
            }
            Ok(checked) => checked
                .diagnostics
                .iter()
                .filter(|d| !d.code.is_warning() || expected.is_some())
                .map(|d| d.code.as_str().to_owned())
                .collect(),
        };
        match expected {
            None => {
                let rendered = match &result {
                    Err(pitfall::check::RuleSetProblem::Syntax(errors)) => errors
                        .iter()
                        .map(|e| pitfall::report::render_plain(e))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Err(pitfall::check::RuleSetProblem::Check(errors)) => errors
                        .iter()
                        .map(|e| pitfall::report::render_plain(e))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Ok(checked) => checked
                        .diagnostics
                        .iter()
                        .map(|e| pitfall::report::render_plain(e))
                        .collect::<Vec<_>>()
                        .join("\n"),
                };
                // Examples are exemplary: no error, and no warning either.
                assert!(
                    result.as_ref().is_ok_and(|c| c.diagnostics.is_empty()),
                    "the example at {name} does not check cleanly:\n{rendered}"
                );
                // ... and written in the layout `pitfall fmt` gives, as the page says.
                let source = SourceFile::new(name.clone(), b.text.clone());
                let formatted = pitfall::syntax::format_source(&source).unwrap();
                assert_eq!(
                    formatted, b.text,
                    "the example at {name} is not in `pitfall fmt` layout"
                );
                valid += 1;
            }
            Some(code) => {
                assert!(
                    codes.iter().any(|c| c == code),
                    "the example at {name} should give `{code}`, gave {codes:?}"
                );
                invalid += 1;
            }
        }
    }
    assert!(valid >= 5, "only {valid} checked examples in {path}");
    assert!(invalid >= 3, "only {invalid} invalid examples in {path}");
}

/// Every diagnostic code the checker and parser can give is listed in the reference.
#[test]
fn the_language_reference_lists_every_diagnostic_code() {
    let doc = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    for code in syntax_codes() {
        assert!(
            doc.contains(&format!("`{code}`")),
            "{code} is not documented"
        );
    }
    for code in pitfall_check_codes() {
        assert!(
            doc.contains(&format!("`{code}`")),
            "{code} is not documented"
        );
    }
}

/// The parser's codes (`#[diagnostic(code(rules::syntax))]`), read from its source.
fn syntax_codes() -> BTreeSet<String> {
    let src = std::fs::read_to_string(common::root().join("src/syntax/error.rs")).unwrap();
    let codes: BTreeSet<String> = src
        .split("code(")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(c, _)| c.trim().to_owned()))
        .filter(|c| c.starts_with("rules::"))
        .collect();
    assert!(codes.contains("rules::syntax"), "{codes:?}");
    codes
}

/// The checker's codes, read from its source so a new code fails this test until it
/// is documented.
fn pitfall_check_codes() -> Vec<String> {
    let src = std::fs::read_to_string(common::root().join("src/check/error.rs")).unwrap();
    src.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("CheckCode::")?;
            let (_, code) = rest.split_once("=> \"")?;
            Some(code.trim_end_matches(['"', ',']).to_owned())
        })
        .collect()
}

#[test]
fn the_fixture_paths_the_docs_name_exist() {
    for doc in [
        "README.md",
        "CONTRIBUTING.md",
        "docs/language.md",
        "docs/audit-json.md",
    ] {
        let text = std::fs::read_to_string(common::root().join(doc)).unwrap();
        for word in text.split(|c: char| c.is_whitespace() || "`()[]<>\"'".contains(c)) {
            let word = word.trim_end_matches([',', '.', ':', ';']);
            if word.starts_with("fixtures/") && word.ends_with(".yaml") && !word.contains('*') {
                assert!(
                    Path::new(&common::root().join(word)).exists(),
                    "{doc} names {word}, which does not exist"
                );
            }
        }
    }
}

/// Every command `pitfall --help` lists has its own `--help` with an example (the
/// "adding a command" recipe of CONTRIBUTING.md), found from the help text so a new
/// command is covered without touching this test.
#[test]
fn every_listed_command_has_help_with_an_example() {
    let out = pitfall(&["--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"rules") && commands.contains(&"rule"));
    for c in commands {
        let out = pitfall(&[c, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{c}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!("Examples:\n  pitfall {c}")),
            "`pitfall {c} --help` has no example:\n{text}"
        );
    }
}

/// The README's first set-up command shows a newcomer advice, not a failure: it must
/// exit 0 (a non-zero exit reads as "it is broken" on a fresh machine).
#[test]
fn the_readme_set_up_command_exits_0() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("README has a `cargo run --release -- …` set-up command");
    let command = line
        .trim_start_matches("cargo run --release -- ")
        .split('#')
        .next()
        .unwrap();
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        args.first(),
        Some(&"audit"),
        "the main job is an audit: {line}"
    );
    let out = pitfall(&args);
    assert_eq!(out.status.code(), Some(0), "{line}");
    assert!(!out.stdout.is_empty());
}
