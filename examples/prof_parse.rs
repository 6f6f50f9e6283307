#![allow(missing_docs, clippy::unwrap_used)]
use std::time::Instant;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let reps: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let mut s = String::from(
        "param floor: percent = 10% \"floor\"\nlet overhead: money = sum(business.monthly_costs) / sum(p.monthly.orders for p in platforms where p.status == live)\n",
    );
    for i in 0..n {
        s.push_str(&format!("rule r{i} {{\n  title \"rule {i}\"\n  area profit\n  severity warning\n  source H{}\n  for product in products, platform in platforms where platform sells product\n  let net = product.price - product.unit_cost - product.price * platform.commission - overhead\n  when net / product.price < floor + {}%\n  advise \"{{product.name}} on {{platform.name}} keeps {{net}}\"\n  because \"reason {i}\"\n  action \"act {i}\"\n}}\n", 1 + i % 19, i % 7));
    }
    if reps == 0 {
        count_rules(&s);
        return;
    }
    if std::env::args().nth(3).as_deref() == Some("total") {
        total(&s);
        return;
    }
    if reps > 1 {
        pest_only(&s);
    }
    let src = pitfall::source::SourceFile::new("g.rules", s);
    for _ in 0..reps {
        let t = Instant::now();
        let f = pitfall::syntax::parse_file(&src).unwrap();
        let t1 = t.elapsed();
        let t = Instant::now();
        let c = pitfall::check::check(vec![src.clone()], vec![f]);
        let t2 = t.elapsed();
        println!("parse {:?} check {:?} ok={}", t1, t2, c.rule_set.is_some());
    }
}
#[allow(dead_code)]
fn pest_only(text: &str) {
    use pest::Parser;
    let t = Instant::now();
    let p = pitfall::syntax::parse::fast::FastParser::parse(
        pitfall::syntax::parse::fast::Rule::file,
        text,
    )
    .unwrap();
    println!("pest {:?}", t.elapsed());
    let t = Instant::now();
    let n = p.flatten().count();
    println!("flatten {:?} {n}", t.elapsed());
}
#[allow(dead_code)]
fn count_rules(text: &str) {
    use pest::Parser;
    let p = pitfall::syntax::parse::fast::FastParser::parse(
        pitfall::syntax::parse::fast::Rule::file,
        text,
    )
    .unwrap();
    let mut m = std::collections::BTreeMap::new();
    for x in p.flatten() {
        *m.entry(format!("{:?}", x.as_rule())).or_insert(0usize) += 1;
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for (k, n) in v.iter().take(25) {
        println!("{k:>16} {n}");
    }
}

/// `prof_parse N 1 total`: parse + check, then the drop of the result, timed apart,
/// 9 times (the benchmark times the sum).
#[allow(dead_code)]
pub fn total(s: &str) {
    let mut v = Vec::new();
    let mut d = Vec::new();
    for _ in 0..9 {
        let t = Instant::now();
        let c = pitfall::check::check_sources(vec![pitfall::source::SourceFile::new(
            "g.rules",
            s.to_owned(),
        )]);
        assert!(c.is_ok());
        let t1 = t.elapsed();
        drop(c);
        v.push(t.elapsed());
        d.push(t.elapsed() - t1);
    }
    v.sort();
    d.sort();
    println!(
        "parse+check+drop: min {:?} median {:?} (drop median {:?})",
        v[0], v[4], d[4]
    );
}
