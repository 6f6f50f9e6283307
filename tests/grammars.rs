//! The two grammars of the rule language must accept the same texts.
//!
//! Every parse runs `grammar/fast.pest`; only when it fails does the reference
//! grammar `grammar/rules.pest` run, to word the diagnostic. A text one accepts and
//! the other rejects would be read differently from what the reference says, or
//! reported with a diagnostic that has nothing to point at. This test holds them to
//! one language on every rule file of the repository and on thousands of variants
//! of them with one edit each (where most mistakes and most near-misses live).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use pest::Parser;
use pitfall::syntax::parse::fast::{FastParser, Rule as FastRule};
use pitfall::syntax::parse::{Rule, RulesParser};

/// Every rule file in the repository: the default rules, the sketch, the test cases.
fn corpus() -> Vec<(String, String)> {
    let is_rules = |n: &str| n.ends_with(".rules") || n.ends_with(".rules.example");
    let root = common::root();
    let mut files: Vec<(String, String)> = common::files_under(&root.join("rules"), is_rules)
        .into_iter()
        .chain(common::files_under(&root.join("tests/cases"), is_rules))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    assert!(
        files.len() > 50,
        "the corpus is the repository's rule files"
    );
    files
}

fn agree(what: &str, text: &str) {
    let fast = FastParser::parse(FastRule::file, text).is_ok();
    // The parser reads declaration by declaration; that must be the same too.
    assert_eq!(
        fast,
        pitfall::syntax::parse::fast_grammar_accepts(text),
        "{what}: the fast grammar's `file` and the parser's reading disagree:\n{text}"
    );
    let reference = RulesParser::parse(Rule::file, text).is_ok();
    assert_eq!(
        fast,
        reference,
        "{what}: the fast grammar {} and the reference grammar {}:\n{text}",
        if fast { "accepts" } else { "rejects" },
        if reference { "accepts" } else { "rejects" },
    );
}

#[test]
fn grammars_agree_on_every_rule_file() {
    for (name, text) in corpus() {
        agree(&name, &text);
    }
}

/// Snippets inserted into the rule files: trivia, brackets, operators (real and
/// mistaken), keywords, literals, and characters the grammars treat specially.
const INSERTS: &[&str] = &[
    " ", "\n", "\t", "# c\n", "#", "\"", "\\", "{", "}", "{{", "(", ")", "[", "]", ",", ".", ":",
    "->", "-", "%", "=", "==", "<", ">", "<>", "!", "!=", "&&", "||", "≤", "×", "not ", "and",
    " or ", "in", "sells", "if ", "then", "else", "true", "x", "_", "1", "1.5", "é", "\u{FEFF}",
    "\u{1}", "sum(", "top ", " where ", " by ", " for ", "list<", "rule ",
];

#[test]
fn grammars_agree_on_edited_rule_files() {
    // A fixed pseudo-random walk, so that a failure reproduces.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for (name, text) in corpus() {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for _ in 0..100 {
            let at = bounds[next(bounds.len())];
            let edited = match next(3) {
                // Delete one character.
                0 => {
                    let len = text[at..].chars().next().map_or(0, char::len_utf8);
                    format!("{}{}", &text[..at], &text[at + len..])
                }
                // Delete a run of characters (a token, or the end of one).
                1 => {
                    let end = bounds.get(bounds.partition_point(|&b| b <= at) + next(6));
                    let end = end.copied().unwrap_or(text.len());
                    format!("{}{}", &text[..at], &text[end..])
                }
                _ => {
                    let insert = INSERTS[next(INSERTS.len())];
                    format!("{}{insert}{}", &text[..at], &text[at..])
                }
            };
            agree(&format!("{name} edited at byte {at}"), &edited);
        }
    }
}
