#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]
//! Profiling aid: an audit as `pitfall audit --format json` runs it, N times in a
//! row, each stage timed apart: load, params + evaluate, report, JSON, and the
//! drops. Stages run in sequence, so each pays for the caches the others use,
//! as in a real audit (prof_eval reuses one loaded profile instead).
//!
//! `cargo build --profile profiling --example prof_e2e`, then
//! `target/profiling/examples/prof_e2e PROFILE N [RULES_DIR]` under perf or
//! callgrind; RULES_DIR (say `benches/subset`) replaces the default rule set.
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let rules =
        pitfall::ruleset::load(std::env::args().nth(3).as_deref().map(std::path::Path::new))
            .unwrap_or_else(|_| panic!())
            .rules;
    let text = std::fs::read_to_string(&path).unwrap();
    let options = pitfall::explain::ReportOptions {
        fingerprint: String::new(),
        today: pitfall::profile::Date::parse("2026-11-26").unwrap(),
    };
    let mut t = [Duration::ZERO; 6];
    let mut total = 0;
    for _ in 0..n {
        let s = Instant::now();
        let p = pitfall::profile::load(pitfall::source::SourceFile::new("b.yaml", text.clone()))
            .unwrap_or_else(|_| panic!());
        t[0] += s.elapsed();
        let s = Instant::now();
        let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
        let e = pitfall::eval::evaluate(&rules, &p, &params, false);
        t[1] += s.elapsed();
        let s = Instant::now();
        let r = pitfall::explain::report(&e, &options);
        t[2] += s.elapsed();
        let s = Instant::now();
        let j = pitfall::render::json::render(std::slice::from_ref(&r));
        total += j.len();
        t[3] += s.elapsed();
        let s = Instant::now();
        drop(j);
        drop(r);
        drop(e);
        t[4] += s.elapsed();
        let s = Instant::now();
        drop(params);
        drop(p);
        t[5] += s.elapsed();
    }
    println!(
        "load {:?} eval {:?} report {:?} json {:?} drop-out {:?} drop-profile {:?} ({total})",
        t[0] / n,
        t[1] / n,
        t[2] / n,
        t[3] / n,
        t[4] / n,
        t[5] / n
    );
}
