//! Benchmarks: profile loading, evaluation, end-to-end audits, and the rule-language
//! front end. Run with `cargo bench --bench engine` (one core is enough; the figures
//! in the README come from this harness).
//!
//! A plain harness (median of repeated batches, `std::hint::black_box`) rather than
//! criterion: the numbers needed are few and coarse, and criterion would double the
//! dependency tree for them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use pitfall::check::check_sources;
use pitfall::check::ir::RuleSet;
use pitfall::eval::params::resolve;
use pitfall::eval::{ParamsInForce, evaluate};
use pitfall::explain::{ReportOptions, plan};
use pitfall::money::Money;
use pitfall::profile::schema::{MONTHLY, PLATFORM, PRODUCT};
use pitfall::profile::{Date, FieldValue, Profile, Record, load};
use pitfall::source::SourceFile;

// The whole default rule set hand-written, the floor its evaluation is measured
// against (the target: within 3× of it). The path is spelled out because
// this file is the crate root, whose modules rustc looks for beside it, and a
// `benches/floor_default.rs` would be taken by cargo for a bench of its own.
#[path = "engine/floor_default.rs"]
mod floor_default;
use floor_default::floor_default;

const PLATFORMS: &[(&str, &str)] = &[
    ("Tmall", "5%"),
    ("JD", "8%"),
    ("Suning", "6%"),
    ("Yihaodian", "4%"),
    ("Pinduoduo", "3%"),
    ("Douyin", "5%"),
    ("Vipshop", "10%"),
];
const CATEGORIES: &[&str] = &[
    "apparel",
    "electronics",
    "food",
    "home_appliances",
    "beauty",
];

/// A valid profile of `products` × `platforms`, deterministic.
fn generate(products: usize, platforms: usize) -> String {
    let mut y = String::from(
        "version: 1\nbusiness:\n  name: Bench Co\n  kind: brand\n  goal: sales\n  currency: CNY\n  capital: 5000000\n  management: medium\n  team: {operations: 6, planning: 2, design: 2, customer_service: 4, content: 1}\n  monthly_costs: {labor: 120000, rent: 20000, utilities: 4000, other: 6000}\n  planning: {sales_plan: true, marketing_budget: true, targets: [gmv, profit]}\nproducts:\n",
    );
    for i in 0..products {
        // A business like the fixtures: most products healthy, one in seven with a
        // thin upstream margin, so that some advice fires but not on every product.
        let price = 59 + (i * 37) % 900;
        let cost = if i % 7 == 3 {
            price * 86 / 100
        } else {
            price * (38 + (i * 13) % 20) / 100
        };
        y.push_str(&format!(
            "  - {{sku: P{i:05}, name: Product {i}, category: {}, price: {price}.00, unit_cost: {cost}.50, logistics: {}.00}}\n",
            CATEGORIES[i % CATEGORIES.len()],
            6 + i % 9
        ));
    }
    y.push_str("platforms:\n");
    for (j, (name, commission)) in PLATFORMS.iter().take(platforms).enumerate() {
        y.push_str(&format!(
            "  - name: {name}\n    status: live\n    months_live: {}\n    commission: {commission}\n    fees: {{deposit: 50000, annual: 30000, decoration: 8000}}\n    budget: {}\n    staff: {}\n    monthly: {{gmv: {}, orders: {}, ad_spend: 30000, traffic: stable}}\n    tools: [through_train]\n",
            6 + j * 3,
            200000 + j * 50000,
            1 + j % 3,
            300000 - j * 30000,
            1500 - j * 100,
        ));
        if products <= 50 && j % 2 == 1 {
            let skus: Vec<String> = (0..products)
                .step_by(2)
                .map(|i| format!("P{i:05}"))
                .collect();
            y.push_str(&format!("    sells: [{}]\n", skus.join(", ")));
        }
    }
    y
}

/// Median time of `f` over `batches` batches of `iters` calls.
fn time<T>(batches: usize, iters: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut samples = Vec::with_capacity(batches);
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        samples.push(start.elapsed() / iters as u32);
    }
    samples.sort();
    samples[samples.len() / 2]
}

/// The median time of `b` and the median ratio of `b` to `a`, from batches of
/// each taken in turn: a slow or fast spell of the machine then weighs on both
/// sides of a ratio instead of on one (this machine's timings drift by ±10%).
fn time_against<A, B>(
    batches: usize,
    iters: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> (Duration, f64) {
    let mut times = Vec::with_capacity(batches);
    let mut ratios = Vec::with_capacity(batches);
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(a());
        }
        let ta = start.elapsed();
        let start = Instant::now();
        for _ in 0..iters {
            black_box(b());
        }
        let tb = start.elapsed();
        times.push(tb / iters as u32);
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
    }
    times.sort();
    ratios.sort_by(f64::total_cmp);
    (times[times.len() / 2], ratios[ratios.len() / 2])
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}

fn rules_from(dir: &Path) -> RuleSet {
    let checked =
        pitfall::check::check_dir(dir).unwrap_or_else(|_| panic!("rules in {}", dir.display()));
    checked.rule_set.expect("rule set checks")
}

fn params(rules: &RuleSet, p: &Profile) -> ParamsInForce {
    resolve(rules, p, &[]).unwrap_or_else(|_| panic!("params"))
}

/// The 8-rule subset of `benches/subset/subset.rules`, hand-written: the floor an
/// interpreter is measured against. Same definitions, same outputs (fired bindings).
fn floor(p: &Profile) -> Vec<(u8, u32, u32)> {
    let money = |r: &Record, slot: usize| match r.get(slot).map(|f| &f.value) {
        Some(FieldValue::Money(m)) => Some(m.0),
        _ => None,
    };
    let count = |r: &Record, slot: usize| match r.get(slot).map(|f| &f.value) {
        Some(FieldValue::Count(c)) => Some(rust_decimal::Decimal::from(*c)),
        _ => None,
    };
    let (price, cost, logistics, category) = (
        PRODUCT.slot("price"),
        PRODUCT.slot("unit_cost"),
        PRODUCT.slot("logistics"),
        PRODUCT.slot("category"),
    );
    let (status, commission, budget, staff, monthly, name) = (
        PLATFORM.slot("status"),
        PLATFORM.slot("commission"),
        PLATFORM.slot("budget"),
        PLATFORM.slot("staff"),
        PLATFORM.slot("monthly"),
        PLATFORM.slot("name"),
    );
    let (gmv, orders) = (MONTHLY.slot("gmv"), MONTHLY.slot("orders"));
    let hundred = rust_decimal::Decimal::ONE_HUNDRED;
    let live = |r: &Record| {
        matches!(
            r.get(status).map(|f| &f.value),
            Some(FieldValue::Enum("live"))
        )
    };
    fn monthly_of(r: &Record, monthly: usize) -> Option<&Record> {
        match r.get(monthly).map(|f| &f.value) {
            Some(FieldValue::Record(m)) => Some(m.as_ref()),
            _ => None,
        }
    }
    let mut fired = Vec::new();
    let costs = p.business.record("monthly_costs").unwrap();
    let overheads: rust_decimal::Decimal = ["labor", "rent", "utilities", "other"]
        .iter()
        .filter_map(|k| costs.money(k))
        .map(|m| m.0)
        .sum();
    let total_orders: rust_decimal::Decimal = p
        .platforms
        .iter()
        .filter(|r| live(r))
        .filter_map(|r| monthly_of(r, monthly).and_then(|m| count(m, orders)))
        .sum();
    let overhead = overheads.checked_div(total_orders);
    for (j, pl) in p.platforms.iter().enumerate() {
        let rate = match pl.get(commission).map(|f| &f.value) {
            Some(FieldValue::Percent(r)) => Some(r.0),
            _ => None,
        };
        if rate.is_none() {
            fired.push((5, 0, j as u32));
        }
        if count(pl, staff).is_some_and(|s| s < rust_decimal::Decimal::TWO) {
            fired.push((4, 0, j as u32));
        }
        let strengths: &[&str] = match pl.text("name") {
            Some("Tmall") => &["apparel", "cross_border"],
            Some("JD" | "Suning") => &["electronics", "home_appliances"],
            Some("Yihaodian") => &["food"],
            _ => &[],
        };
        let mut fits = false;
        for (i, pr) in p.products.iter().enumerate() {
            if !p.sells(j, i) {
                continue;
            }
            if let Some(c) = pr.get(category).and_then(|f| match &f.value {
                FieldValue::Text(t) => Some(t.as_str()),
                _ => None,
            }) && strengths.contains(&c)
            {
                fits = true;
            }
            if !live(pl) {
                continue;
            }
            let (Some(pp), Some(uc), Some(lg), Some(r), Some(oh)) = (
                money(pr, price),
                money(pr, cost),
                money(pr, logistics),
                rate,
                overhead,
            ) else {
                continue;
            };
            let com = pp * r / hundred;
            let net = pp - uc - com - lg - oh;
            if net / pp * hundred < rust_decimal::Decimal::TEN {
                fired.push((0, i as u32, j as u32));
            }
            if (pp - uc - com) / pp * hundred < rust_decimal::Decimal::from(25) {
                fired.push((2, i as u32, j as u32));
            }
        }
        if !fits {
            fired.push((3, 0, j as u32));
        }
        let _ = name;
    }
    for (i, pr) in p.products.iter().enumerate() {
        if let (Some(pp), Some(uc)) = (money(pr, price), money(pr, cost))
            && (pp - uc) / pp * hundred < rust_decimal::Decimal::from(15)
        {
            fired.push((1, i as u32, 0));
        }
    }
    // H9: top 20% of live platforms by return hold < 80% of the live budget.
    let mut ranked: Vec<(rust_decimal::Decimal, rust_decimal::Decimal)> = p
        .platforms
        .iter()
        .filter(|r| live(r))
        .filter_map(|r| {
            let b = money(r, budget)?;
            let g = monthly_of(r, monthly).and_then(|m| money(m, gmv))?;
            Some((rust_decimal::Decimal::from(12) * g / b, b))
        })
        .collect();
    ranked.sort_by_key(|x| std::cmp::Reverse(x.0));
    let take = ((ranked.len() as f64) * 0.2).ceil().max(1.0) as usize;
    let top: rust_decimal::Decimal = ranked.iter().take(take).map(|x| x.1).sum();
    let all: rust_decimal::Decimal = ranked.iter().map(|x| x.1).sum();
    if ranked.len() > 1 && top < all * rust_decimal::Decimal::from(80) / hundred {
        fired.push((6, 0, 0));
    }
    let planning = p.business.record("planning");
    let targets_gmv_only =
        planning.is_some_and(|pl| match pl.by_name("targets").map(|f| &f.value) {
            Some(FieldValue::EnumList(t)) => t.len() == 1 && t[0] == "gmv",
            _ => false,
        });
    if targets_gmv_only || planning.and_then(|pl| pl.bool("sales_plan")) == Some(false) {
        fired.push((7, 0, 0));
    }
    let _ = Money::ZERO;
    fired
}

/// A generated rule set of `n` rules shaped like the default ones.
fn generated_rules(n: usize) -> String {
    let mut s = String::from(
        "param floor: percent = 10% \"floor\"\nlet overhead: money = sum(business.monthly_costs) / sum(p.monthly.orders for p in platforms where p.status == live)\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "rule r{i} {{\n  title \"rule {i}\"\n  area profit\n  severity warning\n  source H{}\n  for product in products, platform in platforms where platform sells product\n  let net = product.price - product.unit_cost - product.price * platform.commission - overhead\n  when net / product.price < floor + {}%\n  advise \"{{product.name}} on {{platform.name}} keeps {{net}}\"\n  because \"reason {i}\"\n  action \"act {i}\"\n}}\n",
            1 + i % 19,
            i % 7
        ));
    }
    s
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let subset = rules_from(&root.join("benches/subset"));
    let default = pitfall::ruleset::load_builtin()
        .unwrap_or_else(|_| panic!("default rules"))
        .rules;
    let options = ReportOptions {
        fingerprint: "bench".into(),
        today: Date::parse("2026-11-26").unwrap(),
    };
    println!("pitfall benchmarks: median per run, single-threaded");
    println!(
        "{:<18} {:>10} {:>13} {:>13} {:>7} {:>13} {:>13} {:>7} {:>13} {:>9} {:>13} {:>9}",
        "profile",
        "load",
        "eval default",
        "floor default",
        "ratio",
        "eval subset",
        "floor subset",
        "ratio",
        "e2e default",
        "÷ load",
        "e2e subset",
        "÷ load"
    );
    // Lines printed after the table: what the end-to-end budget goes to.
    let mut notes = Vec::new();
    for (label, products, platforms, batches, iters) in [
        ("medium 15×3", 15, 3, 21, 400),
        ("large 5,000×7", 5000, 7, 7, 2),
    ] {
        let yaml = generate(products, platforms);
        // `PITFALL_BENCH_DUMP=DIR` writes the generated profiles, to audit them by hand.
        if let Some(dir) = std::env::var_os("PITFALL_BENCH_DUMP") {
            let path = Path::new(&dir).join(format!("bench-{products}x{platforms}.yaml"));
            std::fs::write(path, &yaml).unwrap();
        }
        let p = load(SourceFile::new("bench.yaml", yaml.clone()))
            .unwrap_or_else(|e| panic!("{}", pitfall::report::render_plain(&e)));
        let pd = params(&default, &p);
        let ps = params(&subset, &p);
        // The floor and the engine must agree before their times mean anything.
        let engine_fired: usize = evaluate(&subset, &p, &ps, false)
            .results
            .iter()
            .map(|r| r.fired.len())
            .sum();
        assert_eq!(
            engine_fired,
            floor(&p).len(),
            "floor and engine disagree on {label}"
        );
        let differ = floor_default::disagreements(
            &floor_default::fired_by_engine(&evaluate(&default, &p, &pd, false)),
            &floor_default(&p),
        );
        assert!(
            differ.is_empty(),
            "default floor and engine disagree on {label}: {}",
            differ.join(", ")
        );

        let t_load = time(batches, iters, || {
            load(SourceFile::new("bench.yaml", yaml.clone()))
        });
        // Each evaluation's ratio to its floor comes from batches of the two timed in
        // turn, as the end-to-end ratio below does: timed apart, a slow spell of the
        // machine during one of them moves the ratio by a whole unit.
        let (t_default, ratio_default) = time_against(
            batches,
            iters,
            || floor_default(&p).len(),
            || evaluate(&default, &p, &pd, false).results.len(),
        );
        let (t_subset, ratio_subset) = time_against(
            batches,
            iters,
            || floor(&p).len(),
            || evaluate(&subset, &p, &ps, false).results.len(),
        );
        let t_floor = time(batches, iters * 4, || floor(&p).len());
        let t_floor_default = time(batches, iters * 4, || floor_default(&p).len());
        // An audit as `pitfall audit --format json` runs it: load, params, evaluate,
        // explain, write the JSON (evidence included); timed against the load alone.
        let e2e = |rules: &RuleSet| {
            time_against(
                batches,
                iters,
                || load(SourceFile::new("bench.yaml", yaml.clone())),
                || {
                    let p = load(SourceFile::new("bench.yaml", yaml.clone()))
                        .unwrap_or_else(|_| panic!());
                    let pd = params(rules, &p);
                    let eval = evaluate(rules, &p, &pd, false);
                    let mut json = pitfall::render::json::Writer::new();
                    json.plan(&mut plan(&eval, &options));
                    json.finish().len()
                },
            )
        };
        let (t_e2e, e2e_ratio) = e2e(&default);
        let (t_e2e_subset, e2e_subset_ratio) = e2e(&subset);
        // The part of that audit no evaluator or explainer can save: writing the JSON
        // of a report already built (every message, value and step already a string),
        // timed against the load as the end-to-end audit is. The end-to-end target
        // (1.5× the load) leaves half the load for everything after it.
        let built = [pitfall::explain::report(
            &evaluate(&default, &p, &pd, false),
            &options,
        )];
        let json_len = pitfall::render::json::render(&built).len();
        let (t_write, write_ratio) = time_against(
            batches,
            iters,
            || load(SourceFile::new("bench.yaml", yaml.clone())),
            || pitfall::render::json::render(&built).len(),
        );
        notes.push(format!(
            "{label}: writing the default rules' JSON ({} KB, {} recommendations and {} replaced) from a report already built: {} ({:.2}× the load)",
            json_len.div_ceil(1000),
            built[0].recommendations.len(),
            built[0].suppressed.len(),
            fmt(t_write),
            write_ratio
        ));
        println!(
            "{:<18} {:>10} {:>13} {:>13} {:>6.1}× {:>13} {:>13} {:>6.1}× {:>13} {:>8.2}× {:>13} {:>8.2}×",
            label,
            fmt(t_load),
            fmt(t_default),
            fmt(t_floor_default),
            ratio_default,
            fmt(t_subset),
            fmt(t_floor),
            ratio_subset,
            fmt(t_e2e),
            e2e_ratio,
            fmt(t_e2e_subset),
            e2e_subset_ratio,
        );
    }
    for note in &notes {
        println!("{note}");
    }
    {
        // Parse + check is the time to the checked rule set. Freeing it is timed
        // apart: `pitfall check` exits without freeing it (see src/cli/check.rs),
        // and every other command keeps it until it exits.
        let n = 10_000usize;
        let text = generated_rules(n);
        let mut build = Vec::new();
        let mut free = Vec::new();
        for _ in 0..7 {
            let source = SourceFile::new("gen.rules", text.clone());
            let start = Instant::now();
            let checked = black_box(check_sources(vec![source]).unwrap_or_else(|_| panic!()));
            build.push(start.elapsed());
            assert!(checked.rule_set.is_some());
            let start = Instant::now();
            drop(checked);
            free.push(start.elapsed());
        }
        build.sort();
        free.sort();
        println!(
            "parse + check of a generated {n}-rule set ({} KB): {} (freeing it afterwards: {}, not included)",
            text.len() / 1024,
            fmt(build[build.len() / 2]),
            fmt(free[free.len() / 2])
        );
        // The same rules evaluated on the medium profile. The first evaluation also
        // plans what the rules share (arithmetic written alike, filters); that plan
        // was once quadratic in the number of rules, which only a set this large shows.
        let rules = check_sources(vec![SourceFile::new("gen.rules", text)])
            .unwrap_or_else(|_| panic!())
            .rule_set
            .expect("rule set checks");
        let p = load(SourceFile::new("bench.yaml", generate(15, 3))).unwrap_or_else(|_| panic!());
        let pr = params(&rules, &p);
        let start = Instant::now();
        let fired: usize = evaluate(&rules, &p, &pr, false)
            .results
            .iter()
            .map(|r| r.fired.len())
            .sum();
        let first = start.elapsed();
        assert!(fired > 0, "the generated rules fire on the medium profile");
        let later = time(5, 1, || evaluate(&rules, &p, &pr, false).results.len());
        println!(
            "evaluating it on the medium profile: {} the first time (planning what the rules share included), {} after",
            fmt(first),
            fmt(later)
        );
    }
}
