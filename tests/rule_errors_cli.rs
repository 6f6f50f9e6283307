//! `pitfall check` on invalid and hostile rule sets, through the built binary.
//!
//! Every case of `tests/cases/rules_invalid/` is checked alone, as a consultant would
//! run it: exit 2 with a report on stderr (0 for `warning-*` cases), quickly, never a
//! panic. Generated hostile rule sets (deep nesting, a 5 MB file, 100,000 rules) must
//! give a clean error or a result, never a crash or a stack overflow.
//! The rendered text itself is snapshot-tested in `tests/rule_errors.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "pitfall-rule-errors-{}-{n}-{label}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `pitfall check --rules DIR` and returns its output and how long it took.
fn check(dir: &Path) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_pitfall"))
        .arg("check")
        .arg("--rules")
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out, start.elapsed())
}

/// Exit 0 (a result) or 2 (a clean error); a panic is 101, a stack overflow a signal.
fn assert_clean_outcome(what: &str, out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{what}: expected exit 0 or 2, got {:?}\n{}",
        out.status,
        stderr.chars().take(2000).collect::<String>()
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.trim().is_empty(), "{what}: nothing on stderr");
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules_invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 45,
        "only {} cases in {}",
        files.len(),
        dir.display()
    );
    files
}

#[test]
fn each_invalid_case_exits_2_with_a_report_and_each_warning_case_exits_0() {
    for case in cases() {
        let name = case.file_name().unwrap().to_str().unwrap().to_owned();
        let tmp = TempDir::new("case");
        std::fs::copy(&case, tmp.0.join(&name)).unwrap();
        let (out, took) = check(&tmp.0);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = if name.starts_with("warning-") { 0 } else { 2 };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{name}: expected exit {want}\n{stderr}"
        );
        assert!(
            stderr.contains("rules::"),
            "{name}: no diagnostic code\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        // Every diagnostic names the file it points into.
        assert!(stderr.contains(&name), "{name}: file not named\n{stderr}");
        assert!(
            took < Duration::from_secs(1),
            "{name}: took {took:?} to check one small file"
        );
    }
}

/// One valid rule; `i` makes its id unique.
fn generated_rule(out: &mut String, i: usize) {
    writeln!(
        out,
        "rule generated_{i} {{\n  title \"Generated rule {i}\"\n  area profit\n  severity info\n  source H{i}\n  for product in products\n  when product.price - product.unit_cost < product.price * margin_floor\n  advise \"{{product.name}} is under the floor ({i}).\"\n  because \"Generated.\"\n  action \"Nothing.\"\n}}\n"
    )
    .unwrap();
}

/// One valid rule on one line: the 100,000-rule set tests scale, not realism, and a
/// debug build checks a short rule faster.
fn compact_rule(out: &mut String, i: usize) {
    writeln!(
        out,
        "rule r{i} {{ title \"R\" area profit severity info source H1 when margin_floor > 5% advise \"A\" because \"B\" action \"C\" }}"
    )
    .unwrap();
}

const PARAM: &str = "param margin_floor: percent = 10%\n  \"Generated.\"\n\n";

#[test]
fn ten_thousand_nested_parentheses_are_a_clean_error() {
    let tmp = TempDir::new("deep");
    let depth = 10_000;
    let mut text = String::from(PARAM);
    text.push_str(
        "rule deep {\n  title \"Deep\"\n  area profit\n  severity info\n  source H1\n  when ",
    );
    text.push_str(&"(".repeat(depth));
    text.push_str("margin_floor > 5%");
    text.push_str(&")".repeat(depth));
    text.push_str("\n  advise \"Deep.\"\n  because \"Deep.\"\n  action \"None.\"\n}\n");
    std::fs::write(tmp.0.join("deep.rules"), text).unwrap();
    let (out, _) = check(&tmp.0);
    assert_clean_outcome("10,000 nested parentheses", &out);
}

#[test]
fn ten_thousand_nested_parentheses_in_a_message_value_are_a_clean_error() {
    let tmp = TempDir::new("deep-hole");
    let depth = 10_000;
    let mut text = String::from(PARAM);
    text.push_str("rule deep {\n  title \"Deep\"\n  area profit\n  severity info\n  source H1\n  when margin_floor > 5%\n  advise \"{");
    text.push_str(&"(".repeat(depth));
    text.push_str("margin_floor");
    text.push_str(&")".repeat(depth));
    text.push_str("}\"\n  because \"Deep.\"\n  action \"None.\"\n}\n");
    std::fs::write(tmp.0.join("deep.rules"), text).unwrap();
    let (out, _) = check(&tmp.0);
    assert_clean_outcome("10,000 nested parentheses in a message", &out);
}

#[test]
fn a_five_megabyte_rule_file_gives_a_result_or_a_clean_error() {
    let tmp = TempDir::new("large");
    let mut text = String::from(PARAM);
    let mut i = 0;
    while text.len() < 5 * 1024 * 1024 {
        generated_rule(&mut text, i);
        i += 1;
    }
    std::fs::write(tmp.0.join("large.rules"), text).unwrap();
    let (out, _) = check(&tmp.0);
    assert_clean_outcome("a 5 MB rule file", &out);
}

#[test]
fn a_hundred_thousand_rules_give_a_result_or_a_clean_error() {
    let tmp = TempDir::new("many");
    let files = 10;
    let per_file = 10_000;
    for f in 0..files {
        let mut text = String::new();
        if f == 0 {
            text.push_str(PARAM);
        }
        for i in f * per_file..(f + 1) * per_file {
            compact_rule(&mut text, i);
        }
        std::fs::write(tmp.0.join(format!("part{f:02}.rules")), text).unwrap();
    }
    let (out, _) = check(&tmp.0);
    assert_clean_outcome("100,000 rules", &out);
}
