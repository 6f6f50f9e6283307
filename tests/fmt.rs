//! The formatter: idempotent, meaning-preserving, comment-preserving, on the rule set,
//! on hand-written tricky cases, and on generated rule files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use pitfall::source::SourceFile;
use pitfall::syntax::ast::File;
use pitfall::syntax::erase::erase_spans;
use pitfall::syntax::{format_file, format_source, parse_file};

// ============================================================================
// The round-trip property
// ============================================================================

fn parse_or_panic(name: &str, text: &str) -> File {
    let src = SourceFile::new(name, text);
    match parse_file(&src) {
        Ok(f) => f,
        Err(errors) => {
            let rendered: Vec<String> = errors
                .iter()
                .map(|e| pitfall::report::render_plain(e))
                .collect();
            panic!(
                "{name} does not parse:\n{}\n--- text ---\n{text}",
                rendered.join("\n")
            );
        }
    }
}

fn comment_texts(f: &File) -> Vec<String> {
    f.comments
        .iter()
        .map(|c| c.text.trim_end().to_owned())
        .collect()
}

/// Formats `text` and checks everything fmt promises; returns the formatted text.
fn round_trip(name: &str, text: &str) -> String {
    let before = parse_or_panic(name, text);
    let once = format_file(&SourceFile::new(name, text), &before);
    let after = parse_or_panic(&format!("{name} (formatted)"), &once);
    assert!(
        erase_spans(&before) == erase_spans(&after),
        "{name}: the formatted text parses to a different tree\n--- input ---\n{text}\n--- formatted ---\n{once}"
    );
    assert_eq!(
        comment_texts(&before),
        comment_texts(&after),
        "{name}: comments lost, duplicated or reordered\n--- input ---\n{text}\n--- formatted ---\n{once}"
    );
    let twice = format_file(&SourceFile::new(name, once.as_str()), &after);
    assert!(
        once == twice,
        "{name}: not idempotent\n--- input ---\n{text}\n--- once ---\n{once}\n--- twice ---\n{twice}"
    );
    assert!(
        once.lines().all(|l| l == l.trim_end()),
        "{name}: trailing whitespace\n{once}"
    );
    once
}

// ============================================================================
// The rule set and the hand-written cases
// ============================================================================

#[test]
fn every_rule_file_in_the_repo_round_trips() {
    let files = common::files_under(&common::root().join("rules"), |n| {
        n.ends_with(".rules") || n.ends_with(".rules.example")
    });
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        round_trip(&path.display().to_string(), &text);
    }
}

#[test]
fn layout() {
    insta::glob!("cases/fmt/*.rules", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let formatted = round_trip(&path.display().to_string(), &text);
        insta::assert_snapshot!(formatted);
    });
}

/// The checked-in rule files are already formatted (what `pitfall fmt --check rules/`
/// will enforce). The sketch stays as LANGUAGE.md writes it, so `.example` files are
/// exempt.
#[test]
fn rule_files_are_formatted() {
    for path in common::files_under(&common::root().join("rules"), |n| n.ends_with(".rules")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = format_source(&SourceFile::new(path.display().to_string(), text.as_str()))
            .unwrap_or_else(|_| panic!("{} does not parse", path.display()));
        assert!(formatted == text, "{} is not formatted", path.display());
    }
}

#[test]
fn format_source_reports_syntax_errors() {
    let src = SourceFile::new("bad.rules", "rule r { when a && b }");
    let errors = format_source(&src).unwrap_err();
    assert!(!errors.is_empty());
}

// ============================================================================
// Comment placement, exactly
// ============================================================================

fn fmt(text: &str) -> String {
    round_trip("inline.rules", text)
}

#[test]
fn trailing_comments_stay_trailing() {
    let out = fmt("rule r {   # about r\n when a>1 # why\n advise \"x\"} # after\n");
    assert_eq!(
        out,
        "rule r {  # about r\n  when a > 1  # why\n\n  advise  \"x\"\n}  # after\n"
    );
}

#[test]
fn comments_inside_an_expression_move_above_its_line() {
    let out = fmt("let x = a + # one\n  b # two\n   # three\n");
    assert_eq!(out, "# one\nlet x = a + b  # two\n# three\n");
    // Holes in templates and negative literals are expressions too.
    let out = fmt("rule r {\n advise \"x {a + # c\n b}\" # t\n}\nparam p: count = - # neg\n 5\n");
    assert_eq!(
        out,
        "rule r {\n  # c\n  advise  \"x {a + b}\"  # t\n}\n\n# neg\nparam p: count = -5\n"
    );
}

#[test]
fn comments_at_the_end_of_a_body_stay_in_the_body() {
    let out = fmt("table t: text -> number {\n \"a\" -> 1\n\n\n  # last row removed\n}\n");
    assert_eq!(
        out,
        "table t: text -> number {\n  \"a\" -> 1\n\n  # last row removed\n}\n"
    );
    let out = fmt("rule r {\n# nothing yet\n}");
    assert_eq!(out, "rule r {\n  # nothing yet\n}\n");
}

#[test]
fn blank_lines_around_comments_are_kept_once() {
    let out = fmt("\n\n# head\n\n\n\n# more\nparam p: count = 1 # trailing\n\n\n\n# tail\n");
    assert_eq!(
        out,
        "# head\n\n# more\nparam p: count = 1  # trailing\n\n# tail\n"
    );
}

#[test]
fn a_comment_between_a_param_and_its_doc_stays_between() {
    let out = fmt("param p: count = 1 # the default\n # said how?\n \"doc\"");
    assert_eq!(
        out,
        "param p: count = 1  # the default\n  # said how?\n  \"doc\"\n"
    );
}

#[test]
fn an_empty_file_formats_to_nothing() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("# only a comment"), "# only a comment\n");
}

#[test]
fn crlf_files_format_to_lf() {
    let out = fmt("param p: count = 1 # c\r\n  \"doc\"\r\n# end\r\n");
    assert_eq!(out, "param p: count = 1  # c\n  \"doc\"\n# end\n");
}

// ============================================================================
// Limits
// ============================================================================

#[test]
fn the_deepest_expressions_the_parser_accepts_format() {
    let parens = format!("let x = {}a{}\n", "(".repeat(60), ")".repeat(60));
    round_trip("parens.rules", &parens);
    let chain = format!("let x = a{}\n", " + a".repeat(250));
    round_trip("chain.rules", &chain);
    let conditions = format!("rule r {{ when a{} }}\n", " and b".repeat(250));
    round_trip("conditions.rules", &conditions);
    let prefixes = format!("let x = {}a\n", "not -".repeat(120));
    round_trip("prefixes.rules", &prefixes);
}

#[test]
fn a_hundred_thousand_rules_format_without_overflow() {
    use std::fmt::Write as _;
    let mut text = String::new();
    for i in 0..100_000 {
        writeln!(
            text,
            "rule r{i} {{ title \"R{i}\" # n{i}\n when p.x > {i} and not p.y advise \"{{p.name}} {i}\" }}"
        )
        .unwrap();
    }
    let src = SourceFile::new("many.rules", text.as_str());
    // Most of this test's time is the (unoptimised) parse; formatting is ~5% of it.
    let file = parse_file(&src).unwrap_or_else(|_| panic!("the generated file does not parse"));
    let out = format_file(&src, &file);
    assert_eq!(out.matches("\nrule r").count(), 99_999);
    assert_eq!(out.matches("  # n").count(), 100_000);
}

// ============================================================================
// Generated rule files
// ============================================================================

/// splitmix64: a tiny deterministic generator, so a failure names a seed that
/// reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Writes a random but valid rule file token by token, with random layout and
/// comments between tokens.
struct Gen {
    rng: Rng,
    out: String,
    /// Comments written, to check the parser collects them all.
    comments: usize,
    /// Inside a string hole: no line breaks or comments there.
    flat: bool,
}

const IDENTS: &[&str] = &[
    "a",
    "b1",
    "price",
    "unit_cost",
    "_x",
    "净利率",
    "平台",
    "商品",
    "index",
    "order",
    "topaz",
    "notify",
    "origin",
    "android",
    "bye",
    "office",
    "iffy",
    "elsewhere",
    "forty",
    "whence",
    "sum",
    "list",
    "money",
    "title",
    "area",
    "source",
    "severity",
    "live",
    "H6",
    "Ω",
];
const AGGS: &[&str] = &["any", "all", "count", "sum", "min", "max", "avg", "list"];
const BINOPS: &[&str] = &[
    "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "sells", "+", "-", "*", "/",
];
const STRING_BITS: &[&str] = &[
    "a",
    "Net margin",
    " ",
    "\\\"",
    "\\\\",
    "\\n",
    "\\t",
    "{{",
    "}}",
    "\\{",
    "\\}",
    "中文",
    "：",
    "%",
    "#",
    "'",
    "→",
    "😀",
    "x y",
    "->",
    "//",
];
const COMMENT_TEXTS: &[&str] = &[
    " note",
    "",
    "#",
    " 中文注释",
    " with trailing blanks   ",
    "x#y",
    " \"quoted\" {brace}",
    "----",
];

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            rng: Rng(seed),
            out: String::new(),
            comments: 0,
            flat: false,
        }
    }

    /// Whitespace (and sometimes a comment) before a token.
    fn sep(&mut self) {
        if self.flat || self.out.is_empty() {
            self.out.push(' ');
            return;
        }
        match self.rng.below(40) {
            0..=24 => self.out.push(' '),
            25..=28 => self.out.push('\n'),
            29 => self.out.push_str("\n\n\n   "),
            30 => self.out.push('\t'),
            31 => self.out.push_str("\r\n  "),
            32..=35 => {
                let text = self.rng.pick(COMMENT_TEXTS);
                self.out.push_str(" #");
                self.out.push_str(text);
                self.out.push('\n');
                self.comments += 1;
            }
            _ => {
                let text = self.rng.pick(COMMENT_TEXTS);
                let blank = if self.rng.chance(50) { "\n" } else { "" };
                self.out.push('\n');
                self.out.push_str(blank);
                self.out.push_str("  #");
                self.out.push_str(text);
                self.out.push('\n');
                self.comments += 1;
            }
        }
    }

    fn tok(&mut self, t: &str) {
        self.sep();
        self.out.push_str(t);
    }

    fn ident(&mut self) {
        let name = self.rng.pick(IDENTS);
        self.tok(name);
    }

    fn number(&mut self) -> String {
        let mut s = self
            .rng
            .pick(&["0", "1", "12", "1_000", "3", "99_"])
            .to_owned();
        if self.rng.chance(30) {
            s.push('.');
            s.push_str(self.rng.pick(&["5", "0_5", "25", "0"]));
        }
        s
    }

    fn number_tok(&mut self) {
        let n = self.number();
        self.tok(&n);
    }

    fn percent_tok(&mut self) {
        let n = self.number() + "%";
        self.tok(&n);
    }

    fn string(&mut self, holes: bool, depth: usize) {
        self.sep();
        self.out.push('"');
        for _ in 0..self.rng.below(5) {
            if holes && self.rng.chance(30) {
                self.out.push('{');
                let was = self.flat;
                self.flat = true;
                self.expr(depth.saturating_sub(2));
                self.flat = was;
                self.out.push('}');
            } else {
                let bit = self.rng.pick(STRING_BITS);
                self.out.push_str(bit);
            }
        }
        self.out.push('"');
    }

    fn ty(&mut self, depth: usize) {
        if depth > 0 && self.rng.chance(20) {
            self.tok("list");
            self.tok("<");
            self.ty(depth - 1);
            self.tok(">");
        } else {
            let t = self
                .rng
                .pick(&["money", "percent", "number", "count", "text", "bool"]);
            self.tok(t);
        }
    }

    /// A declaration literal: param defaults, table keys and values.
    fn literal(&mut self, depth: usize) {
        match self.rng.below(if depth == 0 { 5 } else { 6 }) {
            0 => self.number_tok(),
            1 => self.percent_tok(),
            2 => self.string(false, 0),
            3 => {
                let b = self.rng.pick(&["true", "false"]);
                self.tok(b);
            }
            4 => {
                self.tok("-");
                self.number_tok();
            }
            _ => {
                self.tok("[");
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.literal(depth - 1);
                }
                if n > 0 && self.rng.chance(20) {
                    self.tok(",");
                }
                self.tok("]");
            }
        }
    }

    fn expr(&mut self, depth: usize) {
        if depth == 0 {
            return self.atom();
        }
        match self.rng.below(14) {
            0..=3 => {
                self.expr(depth - 1);
                let op = self.rng.pick(BINOPS);
                self.tok(op);
                self.expr(depth - 1);
            }
            4 => {
                let op = self.rng.pick(&["not", "-"]);
                self.tok(op);
                self.expr(depth - 1);
            }
            5 => {
                self.tok("(");
                self.expr(depth - 1);
                self.tok(")");
            }
            6 => {
                self.tok("[");
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.expr(depth - 1);
                }
                self.tok("]");
            }
            7 => {
                self.tok("if");
                self.expr(depth - 1);
                self.tok("then");
                self.expr(depth - 1);
                self.tok("else");
                self.expr(depth - 1);
            }
            8 | 9 => {
                let agg = self.rng.pick(AGGS);
                self.tok(agg);
                self.tok("(");
                self.expr(depth - 1);
                self.tok("for");
                self.binding(depth - 1);
                if self.rng.chance(50) {
                    self.tok("where");
                    self.expr(depth - 1);
                }
                self.tok(")");
            }
            10 => {
                let f = self.rng.pick(&["overlaps", "max", "round", "sum"]);
                self.tok(f);
                self.tok("(");
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.expr(depth - 1);
                }
                self.tok(")");
            }
            11 => {
                self.collection(depth - 1);
            }
            12 => {
                self.collection(depth - 1);
                self.tok("[");
                self.expr(depth - 1);
                self.tok("]");
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) {
        match self.rng.below(7) {
            0 => self.number_tok(),
            1 => self.percent_tok(),
            2 => self.string(false, 0),
            3 => {
                let b = self.rng.pick(&["true", "false"]);
                self.tok(b);
            }
            _ => self.ident(),
        }
    }

    /// An operand with field accesses: what `for` and `top` range over.
    fn collection(&mut self, depth: usize) {
        if depth > 0 && self.rng.chance(15) {
            self.tok("(");
            self.expr(depth - 1);
            self.tok(")");
        } else {
            self.ident();
        }
        for _ in 0..self.rng.below(3) {
            self.tok(".");
            self.ident();
        }
    }

    fn binding(&mut self, depth: usize) {
        self.ident();
        self.tok("in");
        if self.rng.chance(30) {
            self.tok("top");
            match self.rng.below(4) {
                0 => self.number_tok(),
                1 => self.percent_tok(),
                2 => self.ident(),
                _ => {
                    self.tok("(");
                    self.expr(depth.saturating_sub(1));
                    self.tok(")");
                }
            }
            self.tok("of");
            self.collection(depth.saturating_sub(1));
            if self.rng.chance(50) {
                self.tok("where");
                self.expr(depth.saturating_sub(1));
            }
            self.tok("by");
            self.expr(depth.saturating_sub(1));
        } else {
            self.collection(depth.saturating_sub(1));
        }
    }

    fn depth(&mut self) -> usize {
        self.rng.below(7)
    }

    fn item(&mut self) {
        match self.rng.below(4) {
            0 => {
                self.tok("param");
                self.ident();
                self.tok(":");
                self.ty(2);
                self.tok("=");
                self.literal(2);
                if self.rng.chance(70) {
                    self.string(false, 0);
                }
            }
            1 => self.let_decl(),
            2 => {
                self.tok("table");
                self.ident();
                self.tok(":");
                self.ty(1);
                self.tok("->");
                self.ty(2);
                if self.rng.chance(30) {
                    self.tok("default");
                    self.literal(2);
                }
                self.tok("{");
                for _ in 0..self.rng.below(5) {
                    self.literal(1);
                    self.tok("->");
                    self.literal(2);
                }
                self.tok("}");
            }
            _ => {
                self.tok("rule");
                self.ident();
                self.tok("{");
                for _ in 0..self.rng.below(12) {
                    self.clause();
                }
                self.tok("}");
            }
        }
    }

    fn let_decl(&mut self) {
        self.tok("let");
        self.ident();
        if self.rng.chance(40) {
            self.tok(":");
            self.ty(2);
        }
        self.tok("=");
        let d = self.depth();
        self.expr(d);
    }

    fn clause(&mut self) {
        match self.rng.below(14) {
            0 => {
                self.tok("title");
                self.string(false, 0);
            }
            1 => {
                self.tok("area");
                self.ident();
            }
            2 => {
                self.tok("severity");
                self.ident();
            }
            3 => {
                self.tok("escalate");
                self.ident();
                self.tok("when");
                let d = self.depth();
                self.expr(d);
            }
            4 => {
                self.tok("source");
                self.ident();
            }
            5 => {
                self.tok("tags");
                self.tok("[");
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.ident();
                }
                if n > 0 && self.rng.chance(30) {
                    self.tok(",");
                }
                self.tok("]");
            }
            6 => {
                self.tok("for");
                let d = self.depth();
                self.binding(d);
                for _ in 0..self.rng.below(3) {
                    self.tok(",");
                    let d = self.depth();
                    self.binding(d);
                }
                if self.rng.chance(50) {
                    self.tok("where");
                    let d = self.depth();
                    self.expr(d);
                }
            }
            7 => self.let_decl(),
            8 => {
                self.tok("when");
                let d = self.depth();
                self.expr(d);
            }
            9..=11 => {
                let kw = self.rng.pick(&["advise", "because", "action"]);
                self.tok(kw);
                let d = self.depth();
                self.string(true, d);
            }
            12 => {
                self.tok("conclude");
                self.ident();
            }
            _ => {
                self.tok("suppress");
                self.ident();
            }
        }
    }

    fn file(mut self) -> (String, usize) {
        if self.rng.chance(5) {
            self.out.push('\u{FEFF}');
        }
        for _ in 0..self.rng.below(8) {
            self.item();
        }
        if self.rng.chance(30) {
            self.out.push_str("\n# the end");
            self.comments += 1;
            if self.rng.chance(50) {
                self.out.push('\n');
            }
        }
        (self.out, self.comments)
    }
}

#[test]
fn generated_rule_files_round_trip() {
    for seed in 0..500u64 {
        let (text, comments) = Gen::new(seed).file();
        let name = format!("generated seed {seed}");
        let parsed = parse_or_panic(&name, &text);
        assert_eq!(
            parsed.comments.len(),
            comments,
            "{name}: the parser did not collect every comment\n{text}"
        );
        round_trip(&name, &text);
    }
}

/// A path `pitfall fmt` cannot read is a diagnostic with its code and a help line,
/// and the command exits 2.
#[test]
fn an_unreadable_path_is_a_diagnostic() {
    let out = common::pitfall(&["fmt", "no/such/rules"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("rules::io"), "{err}");
    assert!(err.contains("cannot read `no/such/rules`"), "{err}");
    assert!(err.contains("help: check the path"), "{err}");
}
