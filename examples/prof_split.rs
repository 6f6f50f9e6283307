#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]
//! Profiling aid: time evaluate / report / JSON render separately.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let rules = pitfall::ruleset::load_builtin()
        .unwrap_or_else(|_| panic!())
        .rules;
    let p = pitfall::profile::load_path(std::path::Path::new(&path)).unwrap_or_else(|_| panic!());
    let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
    let opts = pitfall::explain::ReportOptions {
        fingerprint: String::new(),
        today: pitfall::profile::Date::parse("2026-11-26").unwrap(),
    };
    let (mut te, mut tr, mut tj, mut total) = (
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        0,
    );
    for _ in 0..n {
        let t = std::time::Instant::now();
        let e = pitfall::eval::evaluate(&rules, &p, &params, false);
        te += t.elapsed();
        let t = std::time::Instant::now();
        let r = pitfall::explain::report(&e, &opts);
        tr += t.elapsed();
        let t = std::time::Instant::now();
        total += pitfall::render::json::render(std::slice::from_ref(&r)).len();
        tj += t.elapsed();
    }
    println!(
        "eval {:?} report {:?} json {:?} ({total})",
        te / n,
        tr / n,
        tj / n
    );
}
