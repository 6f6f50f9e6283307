#![allow(missing_docs, clippy::unwrap_used)]
//! Profiling aid: parse a generated rule set once, check it repeatedly.
use std::time::Instant;
fn main() {
    let n = 10_000;
    let mut s = String::from(
        "param floor: percent = 10% \"floor\"\nlet overhead: money = sum(business.monthly_costs) / sum(p.monthly.orders for p in platforms where p.status == live)\n",
    );
    for i in 0..n {
        s.push_str(&format!("rule r{i} {{\n  title \"rule {i}\"\n  area profit\n  severity warning\n  source H{}\n  for product in products, platform in platforms where platform sells product\n  let net = product.price - product.unit_cost - product.price * platform.commission - overhead\n  when net / product.price < floor + {}%\n  advise \"{{product.name}} on {{platform.name}} keeps {{net}}\"\n  because \"reason {i}\"\n  action \"act {i}\"\n}}\n", 1 + i % 19, i % 7));
    }
    let src = pitfall::source::SourceFile::new("g.rules", s);
    let f = pitfall::syntax::parse_file(&src).unwrap();
    let files = vec![f];
    for _ in 0..5 {
        let t = Instant::now();
        let c = pitfall::check::check(vec![src.clone()], files.clone());
        let t1 = t.elapsed();
        drop(c);
        println!("check {:?} (drop {:?})", t1, t.elapsed() - t1);
    }
}
