#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]
//! Profiling aid, in three modes:
//! - `eval`: evaluate the rule set N times on one loaded profile;
//! - `floor`: run the default rules' hand-written floor (the bench's) N times, so that
//!   callgrind can count the instructions of both on a machine whose timings drift;
//! - `audit`: an audit as `pitfall audit --format json` runs it, N times in a row,
//!   each stage timed apart: load, params + evaluate, plan the report, explain
//!   into the JSON, and the frees.
//!   Stages run in sequence, so each pays for the caches the others use, as in a
//!   real audit.
//!
//! `cargo build --profile profiling --example prof_eval`, then
//! `target/profiling/examples/prof_eval PROFILE N [eval|audit] [RULES_DIR]` under
//! perf or callgrind; RULES_DIR (say `benches/subset`) replaces the default rule set.
use std::time::{Duration, Instant};

// The bench's floor, shared rather than copied (the bench uses the rest of it).
#[allow(dead_code)]
#[path = "../benches/engine/floor_default.rs"]
mod floor_default;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).unwrap();
    let n: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let audit = args.get(3).is_some_and(|m| m == "audit");
    if args.get(3).is_some_and(|m| m == "floor") {
        let text = std::fs::read_to_string(path).unwrap();
        let p = pitfall::profile::load(pitfall::source::SourceFile::new("p.yaml", text))
            .unwrap_or_else(|_| panic!());
        let start = Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += std::hint::black_box(floor_default::floor_default(&p)).len();
        }
        println!("floor {:?} per run ({total})", start.elapsed() / n);
        return;
    }
    let rules = pitfall::ruleset::load(args.get(4).map(std::path::Path::new))
        .unwrap_or_else(|_| panic!())
        .rules;
    let text = std::fs::read_to_string(path).unwrap();
    let load = || {
        pitfall::profile::load(pitfall::source::SourceFile::new("p.yaml", text.clone()))
            .unwrap_or_else(|_| panic!())
    };
    if !audit {
        let p = load();
        let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
        let start = Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += pitfall::eval::evaluate(&rules, &p, &params, false)
                .results
                .len();
        }
        println!("eval {:?} per run ({total})", start.elapsed() / n);
        return;
    }
    let options = pitfall::explain::ReportOptions {
        fingerprint: String::new(),
        today: pitfall::profile::Date::parse("2026-11-26").unwrap(),
    };
    let mut t = [Duration::ZERO; 5];
    let mut total = 0;
    let mut lap = |i: usize, since: &mut Instant| {
        t[i] += since.elapsed();
        *since = Instant::now();
    };
    for _ in 0..n {
        let mut at = Instant::now();
        let p = load();
        lap(0, &mut at);
        let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
        let e = pitfall::eval::evaluate(&rules, &p, &params, false);
        lap(1, &mut at);
        let mut r = pitfall::explain::plan(&e, &options);
        lap(2, &mut at);
        let mut json = pitfall::render::json::Writer::new();
        json.plan(&mut r);
        let j = json.finish();
        total += j.len();
        lap(3, &mut at);
        drop(j);
        drop(r);
        drop(e);
        drop(params);
        drop(p);
        lap(4, &mut at);
    }
    println!(
        "per run: load {:?}, eval {:?}, plan {:?}, explain + JSON {:?}, free {:?} ({total})",
        t[0] / n,
        t[1] / n,
        t[2] / n,
        t[3] / n,
        t[4] / n
    );
}
