#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]
//! Profiling aid: evaluate the default rule set on a profile N times.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let report: bool = std::env::args().nth(3).is_some();
    let rules = pitfall::ruleset::load_builtin()
        .unwrap_or_else(|_| panic!())
        .rules;
    let p = pitfall::profile::load_path(std::path::Path::new(&path)).unwrap_or_else(|_| panic!());
    let params = pitfall::eval::params::resolve(&rules, &p, &[]).unwrap_or_else(|_| panic!());
    let t = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..n {
        let e = pitfall::eval::evaluate(&rules, &p, &params, false);
        if report {
            let r = pitfall::explain::report(
                &e,
                &pitfall::explain::ReportOptions {
                    fingerprint: String::new(),
                    today: pitfall::profile::Date::parse("2026-11-26").unwrap(),
                },
            );
            total += pitfall::render::json::render(std::slice::from_ref(&r)).len();
        }
        total += e.results.len();
    }
    println!("{:?} per run ({total})", t.elapsed() / n as u32);
}
