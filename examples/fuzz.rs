#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Mutation fuzzing for "never panic": takes the bundled fixtures and the built-in rule
//! files, breaks them in small random ways, and runs what a consultant would run on the
//! result. Every input must either work or be refused with a diagnostic.
//!
//! `cargo run --release --example fuzz -- MODE N [SEED]`, MODE one of:
//! - `profile`: a mutated fixture is loaded; if it loads, it is audited with the built-in
//!   rules in every format, with `why-not` for every rule; if not, its errors are rendered;
//! - `rules`: a mutated built-in rule file is checked; if the set checks, every fixture
//!   is audited with it in every format;
//! - `fmt`: a mutated rule file that parses is formatted; the result must parse to the
//!   same tree with the same comments, and formatting it again must change nothing.
//!
//! A panic or a broken formatter property is counted, and the input written to
//! `target/fuzz/` for replay. The release profile keeps overflow checks on, so an
//! unchecked overflow shows up as a panic here. Mutations are deterministic per SEED.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use pitfall::check::RuleSetProblem;
use pitfall::check::ir::RuleSet;
use pitfall::explain::ReportOptions;
use pitfall::profile::{Date, Profile};
use pitfall::report::render_plain;
use pitfall::source::SourceFile;
use pitfall::syntax::{erase::erase_spans, fmt::format_file, parse::parse_file};

/// Tokens spliced into profiles: YAML structure, and values at the edges of what a
/// field takes (the largest decimal, its smallest step, percents out of range).
const YAML_TOKENS: &[&str] = &[
    ":",
    "- ",
    "\n",
    "  ",
    "'",
    "\"",
    "&a ",
    "*a",
    "!!str ",
    "{",
    "}",
    "[",
    "]",
    "#",
    "null",
    "~",
    "1e99",
    "99999999999999999999999999999",
    "79228162514264337593543950335",
    "-0",
    "0.0000000000000000000000000001",
    "¥",
    "%",
    "é",
    "\t",
    "? ",
    "| ",
    "> ",
    "0",
    "-1",
    "100%",
    "200%",
    "-5%",
    "2026-02-30",
    "2026-13-01",
    "true",
    "yes",
    "1.5.5",
    "¥1,000",
    "\u{feff}",
    "<<: ",
    "---\n",
    "...\n",
    "0x10",
    "1_000",
    ".5",
    "5.",
    "NaN",
    ".inf",
];

/// Tokens spliced into rule files: the language's keywords, operators and builtins,
/// and numbers that overflow or divide to nothing.
const RULE_TOKENS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "/",
    "0",
    "%",
    "¥",
    "sum(",
    " for x in products",
    " where ",
    "let ",
    "\"",
    "{product.name}",
    "top 0% of ",
    "top 101% of ",
    " and ",
    " or ",
    " not ",
    "*",
    "-",
    "+",
    " < ",
    " == ",
    " in ",
    "[",
    "]",
    ",",
    "\n",
    "  ",
    "99999999999999999999999999999",
    "0.0000000000000000000000000001",
    "count(",
    "avg(",
    "min(",
    "max(",
    "any(",
    "all(",
    "known(",
    " * 1000000000000000000000",
    " / 0.0000000000000000000000001",
    "top 3 of ",
    ".",
    "platform",
    "product",
    "business",
    "monthly",
    "suppress ",
    "conclude ",
    "severity ",
    "escalate ",
    "when ",
    "#",
    "é",
    "{{",
    "}}",
    "\\",
    "\t",
    "param ",
    "table ",
];

/// xorshift64: deterministic, and enough for choosing mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One to four mutations: a cut, a spliced token, a line doubled or two lines swapped,
/// a number replaced by an edge value, a byte copied over another.
fn mutate(rng: &mut Rng, text: &str, tokens: &[&str]) -> String {
    let mut s: Vec<u8> = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = s.len();
        match rng.below(7) {
            0 => {
                let a = rng.below(len);
                let b = (a + rng.below(20)).min(len);
                s.drain(a..b);
            }
            1 | 2 => {
                let a = rng.below(len + 1);
                let t = tokens[rng.below(tokens.len())];
                s.splice(a..a, t.bytes());
            }
            3 | 4 => {
                let mut lines: Vec<Vec<u8>> =
                    s.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let i = rng.below(lines.len());
                let j = rng.below(lines.len());
                if rng.below(2) == 0 {
                    let line = lines[i].clone();
                    lines.insert(i, line);
                } else {
                    lines.swap(i, j);
                }
                s = lines.join(&b'\n');
            }
            5 => {
                let digits: Vec<usize> = (0..len).filter(|&i| s[i].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let a = digits[rng.below(digits.len())];
                    let mut b = a;
                    while b < s.len() && (s[b].is_ascii_digit() || s[b] == b'.') {
                        b += 1;
                    }
                    let edge = [
                        "0",
                        "0.00",
                        "1",
                        "-3",
                        "1e3",
                        "99999999999999999999999999999",
                        "79228162514264337593543950335",
                        "0.0000000000000000000000000001",
                    ];
                    s.splice(a..b, edge[rng.below(edge.len())].bytes());
                }
            }
            _ => {
                if len > 0 {
                    let a = rng.below(len);
                    s[a] = s[rng.below(len)];
                }
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// Everything an audit does with a loaded profile: params, evaluation, the report in
/// every format (the JSON both from the built report and streamed), `why-not` for
/// every rule. Errors are rendered, as the CLI would.
fn audit(rules: &RuleSet, p: &Profile) {
    let params = match pitfall::eval::params::resolve(rules, p, &[]) {
        Ok(x) => x,
        Err(pitfall::eval::params::ParamProblems::Profile(es)) => {
            es.iter().for_each(|e| drop(render_plain(e)));
            return;
        }
        Err(pitfall::eval::params::ParamProblems::CommandLine(es)) => {
            es.iter().for_each(|e| drop(render_plain(e)));
            return;
        }
    };
    let e = pitfall::eval::evaluate(rules, p, &params, false);
    let options = ReportOptions {
        fingerprint: "fuzz".into(),
        today: Date::parse("2026-11-26").unwrap(),
    };
    let r = pitfall::explain::report(&e, &options);
    let human = pitfall::render::human::Options {
        color: false,
        explain: true,
    };
    drop(pitfall::render::human::render(&r, human));
    drop(pitfall::render::markdown::render(&r));
    drop(pitfall::render::json::render(&[r]));
    let mut w = pitfall::render::json::Writer::new();
    w.plan(&mut pitfall::explain::plan(&e, &options));
    drop(w.finish());
    for rule in &rules.rules {
        if let Some(why) = pitfall::explain::why_not(&e, rule.id.as_str()) {
            drop(pitfall::render::human::render_why_not(&why, false));
            drop(pitfall::render::json::render_why_not(&why));
        }
    }
}

/// The formatter's properties on one file: `Ok(false)` when it does not parse.
fn format_keeps_meaning(name: &str, text: &str) -> Result<bool, &'static str> {
    let src = SourceFile::new(name, text.to_owned());
    let Ok(file) = parse_file(&src) else {
        return Ok(false);
    };
    let once = format_file(&src, &file);
    let src1 = SourceFile::new(name, once.clone());
    let file1 = parse_file(&src1).map_err(|_| "formatted_text_does_not_parse")?;
    if erase_spans(&file) != erase_spans(&file1) {
        return Err("meaning_changed");
    }
    let comments = |f: &pitfall::syntax::ast::File| -> Vec<String> {
        f.comments
            .iter()
            .map(|c| c.text.trim_end().to_owned())
            .collect()
    };
    if comments(&file) != comments(&file1) {
        return Err("comments_changed");
    }
    if format_file(&src1, &file1) != once {
        return Err("not_idempotent");
    }
    Ok(true)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("profile", String::as_str).to_owned();
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1);
    // xorshift needs a non-zero state; mix the seed so that nearby seeds diverge.
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/fuzz");
    std::fs::create_dir_all(&out).unwrap();
    // A panic is counted and its input kept; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));

    let mut fixtures: Vec<(String, String)> = std::fs::read_dir(root.join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".yaml") && !name.ends_with(".expect.yaml")
        })
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    fixtures.sort();
    let builtin = pitfall::ruleset::load_builtin().unwrap_or_else(|_| panic!("built-in rules"));
    let sources = pitfall::ruleset::builtin_sources();
    let profiles: Vec<Profile> = fixtures
        .iter()
        .filter_map(|(name, text)| {
            pitfall::profile::load(SourceFile::new(name.clone(), text.clone())).ok()
        })
        .collect();

    let (mut valid, mut failed) = (0, 0);
    for i in 0..n {
        let (name, text, outcome) = match mode.as_str() {
            "profile" => {
                let (name, text) = &fixtures[rng.below(fixtures.len())];
                let m = mutate(&mut rng, text, YAML_TOKENS);
                let run = catch_unwind(AssertUnwindSafe(|| {
                    match pitfall::profile::load(SourceFile::new(name.clone(), m.clone())) {
                        Ok(p) => {
                            audit(&builtin.rules, &p);
                            Ok(true)
                        }
                        Err(e) => {
                            drop(render_plain(&e));
                            Ok(false)
                        }
                    }
                }));
                (name.clone(), m, run)
            }
            "rules" | "fmt" => {
                let k = rng.below(sources.len());
                let m = mutate(&mut rng, sources[k].text(), RULE_TOKENS);
                let name = sources[k].name().to_owned();
                let run = catch_unwind(AssertUnwindSafe(|| {
                    if mode == "fmt" {
                        return format_keeps_meaning(&name, &m);
                    }
                    let mut set = sources.clone();
                    set[k] = SourceFile::new(name.clone(), m.clone());
                    match pitfall::check::check_sources(set) {
                        Ok(checked) => {
                            checked
                                .diagnostics
                                .iter()
                                .for_each(|d| drop(render_plain(d)));
                            let Some(rules) = checked.rule_set else {
                                return Ok(false);
                            };
                            profiles.iter().for_each(|p| audit(&rules, p));
                            Ok(true)
                        }
                        Err(RuleSetProblem::Syntax(es)) => {
                            es.iter().for_each(|e| drop(render_plain(e)));
                            Ok(false)
                        }
                        Err(RuleSetProblem::Check(es)) => {
                            es.iter().for_each(|e| drop(render_plain(e)));
                            Ok(false)
                        }
                    }
                }));
                (name, m, run)
            }
            other => panic!("unknown mode `{other}`: profile, rules or fmt"),
        };
        let why = match outcome {
            Ok(Ok(true)) => {
                valid += 1;
                continue;
            }
            Ok(Ok(false)) => continue,
            Ok(Err(why)) => why,
            Err(_) => "panic",
        };
        failed += 1;
        let base = Path::new(&name)
            .file_name()
            .map_or("input".into(), |f| f.to_string_lossy());
        let path = out.join(format!("{mode}-{seed}-{i}-{why}-{base}"));
        std::fs::write(&path, text).unwrap();
        println!("{why}: {}", path.display());
    }
    println!("{mode}: {n} inputs from seed {seed}, {valid} valid and run through, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
