#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]
//! Profiling aid: evaluate the default rule set on a profile N times; with a third
//! argument, also build the explained report and its JSON, and time the three apart.
//!
//! `cargo build --profile profiling --example prof_eval`, then
//! `target/profiling/examples/prof_eval PROFILE N [report [RULES_DIR]]` under perf or
//! callgrind; RULES_DIR (say `benches/subset`) replaces the default rule set.
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let with_report = std::env::args().nth(3).is_some();
    let rules =
        pitfall::ruleset::load(std::env::args().nth(4).as_deref().map(std::path::Path::new))
            .unwrap_or_else(|_| panic!())
            .rules;
    let p = pitfall::profile::load_path(std::path::Path::new(&path)).unwrap_or_else(|_| panic!());
    let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
    let options = pitfall::explain::ReportOptions {
        fingerprint: String::new(),
        today: pitfall::profile::Date::parse("2026-11-26").unwrap(),
    };
    let (mut eval, mut report, mut json) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut total = 0;
    for _ in 0..n {
        let t = Instant::now();
        let e = pitfall::eval::evaluate(&rules, &p, &params, false);
        eval += t.elapsed();
        total += e.results.len();
        if with_report {
            let t = Instant::now();
            let r = pitfall::explain::report(&e, &options);
            report += t.elapsed();
            let t = Instant::now();
            total += pitfall::render::json::render(std::slice::from_ref(&r)).len();
            json += t.elapsed();
        }
    }
    if with_report {
        println!(
            "per run: eval {:?}, report {:?}, JSON {:?} ({total})",
            eval / n,
            report / n,
            json / n
        );
    } else {
        println!("{:?} per run ({total})", eval / n);
    }
}
