//! The default rule set: complete documentation, every heuristic encoded, every rule
//! proven by fixtures on both sides, scenario advice as the article would give it, and
//! the numbers checked against plain `Decimal` arithmetic done here, not by the engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pitfall::check::ir::{RuleSet, Severity, TemplatePart};
use pitfall::eval::evaluate;
use pitfall::eval::params::resolve;
use pitfall::explain::why_not;
use pitfall::profile::{self, Profile, Record};
use rust_decimal::Decimal;

fn load(rel: &Path) -> Profile {
    let text = std::fs::read(common::root().join(rel)).unwrap();
    profile::load_bytes(&rel.display().to_string(), text).unwrap()
}

fn template_text(t: &pitfall::check::ir::Template) -> String {
    t.parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(s) => s.clone(),
            TemplatePart::Value(_) => "{}".to_owned(),
        })
        .collect()
}

#[test]
fn the_default_rule_set_checks_without_warnings() {
    let rules = common::default_rules();
    let warnings: Vec<String> = rules
        .warnings
        .iter()
        .map(|w| pitfall::report::render_plain(w))
        .collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
}

#[test]
fn every_rule_is_documented() {
    let rules = common::default_rules();
    for r in &rules.rules.rules {
        assert!(!r.title.trim().is_empty(), "{} has no title", r.id);
        assert!(r.source.starts_with('H'), "{} has no heuristic", r.id);
        assert!(!r.area.is_empty(), "{} has no area", r.id);
        let why = template_text(&r.because);
        assert!(
            why.split_whitespace().count() >= 8,
            "{}: the rationale is too thin",
            r.id
        );
        assert!(!r.actions.is_empty(), "{} has no action", r.id);
        for a in &r.actions {
            assert!(
                template_text(a).split_whitespace().count() >= 4,
                "{}: an empty action",
                r.id
            );
        }
        // A situation, not a verb: ids like `check_margin` say nothing.
        assert!(
            !r.id.starts_with("check_") && !r.id.starts_with("rule_"),
            "{} is not named after the situation it detects",
            r.id
        );
    }
}

#[test]
fn every_heuristic_is_encoded() {
    let rules = common::default_rules();
    let sources: BTreeSet<&str> = rules
        .rules
        .rules
        .iter()
        .map(|r| r.source.as_str())
        .collect();
    for h in 1..=19 {
        assert!(
            sources.contains(format!("H{h}").as_str()),
            "H{h} has no rule"
        );
    }
}

/// Per rule: fixtures where it fired and fixtures where it passed.
fn coverage(rules: &RuleSet) -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let mut cov: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = rules
        .rules
        .iter()
        .map(|r| (r.id.clone(), Default::default()))
        .collect();
    for rel in common::valid_fixtures() {
        let p = load(&rel);
        let params = resolve(rules, &p, &[]).unwrap_or_else(|_| panic!("{}", rel.display()));
        let eval = evaluate(rules, &p, &params, false);
        for r in &eval.results {
            let entry = cov.get_mut(&r.rule.id).unwrap();
            if !r.fired.is_empty() {
                entry.0.insert(rel.display().to_string());
            }
            if r.passes > 0 {
                entry.1.insert(rel.display().to_string());
            }
        }
    }
    cov
}

#[test]
fn every_rule_fires_somewhere_and_passes_somewhere() {
    let rules = common::default_rules();
    let cov = coverage(&rules.rules);
    let never_fires: Vec<_> = cov
        .iter()
        .filter(|(_, (f, _))| f.is_empty())
        .map(|(id, _)| id)
        .collect();
    let never_passes: Vec<_> = cov
        .iter()
        .filter(|(_, (_, p))| p.is_empty())
        .map(|(id, _)| id)
        .collect();
    assert!(
        never_fires.is_empty(),
        "rules that never fire: {never_fires:?}"
    );
    assert!(
        never_passes.is_empty(),
        "rules that never pass: {never_passes:?}"
    );
}

/// Which rules fire for a fixture, by id.
fn fired(rel: &str) -> BTreeMap<String, Vec<(Severity, String)>> {
    let rules = common::default_rules();
    let report = common::audit(&rules, Path::new(rel));
    let mut out: BTreeMap<String, Vec<(Severity, String)>> = BTreeMap::new();
    for r in report.recommendations {
        out.entry(r.rule.to_string())
            .or_default()
            .push((r.severity, r.entity.label()));
    }
    out
}

#[test]
fn the_well_run_store_gets_no_warning_or_error() {
    let rules = common::default_rules();
    let report = common::audit(&rules, Path::new("fixtures/well-run-single-platform.yaml"));
    let serious: Vec<_> = report
        .recommendations
        .iter()
        .filter(|r| r.severity >= Severity::Warning)
        .map(|r| &r.rule)
        .collect();
    assert!(serious.is_empty(), "{serious:?}");
    assert!(report.not_assessed.is_empty());
}

#[test]
fn the_apparel_brand_hears_that_jd_does_not_fit_with_the_categories_named() {
    let rules = common::default_rules();
    let report = common::audit(
        &rules,
        Path::new("fixtures/apparel-brand-on-jd-and-suning.yaml"),
    );
    let jd = report
        .recommendations
        .iter()
        .find(|r| {
            &*r.rule == "platform_category_mismatch" && r.entity.platform.as_deref() == Some("JD")
        })
        .expect("platform fit advice for JD");
    assert_eq!(jd.severity, Severity::Warning);
    assert!(jd.message.contains("apparel"), "{}", jd.message);
    assert!(jd.message.contains("electronics"), "{}", jd.message);
    assert!(
        !report
            .recommendations
            .iter()
            .any(|r| &*r.rule == "platform_category_mismatch"
                && r.entity.platform.as_deref() == Some("Tmall")),
        "Tmall fits apparel"
    );
}

#[test]
fn scenarios_get_the_advice_the_article_gives() {
    let cases: &[(&str, &[&str])] = &[
        (
            "fixtures/apparel-brand-on-jd-and-suning.yaml",
            &[
                "platform_category_mismatch",
                "every_platform_at_once",
                "budget_not_on_best_returns",
            ],
        ),
        (
            "fixtures/distributor-thin-upstream-margin.yaml",
            &["thin_upstream_margin", "negative_net_margin"],
        ),
        (
            "fixtures/food-maker-entering-yihaodian.yaml",
            &["understaffed_team", "next_platform_too_early"],
        ),
        (
            "fixtures/brand-on-five-platforms-even-budget.yaml",
            &["budget_not_on_best_returns", "spread_too_thin"],
        ),
        (
            "fixtures/store-wants-slots-no-category-manager.yaml",
            &["slots_without_groundwork", "slots_before_data"],
        ),
        (
            "fixtures/gmv-only-target-no-plan.yaml",
            &["gmv_only_targets"],
        ),
        (
            "fixtures/goal-undecided-multi-platform.yaml",
            &["goal_undecided"],
        ),
        (
            "fixtures/taobao-playbook-on-jd.yaml",
            &["foreign_platform_tools"],
        ),
        (
            "fixtures/promo-item-below-cost.yaml",
            &["promo_item_investment"],
        ),
        (
            "fixtures/platform-not-paying-back.yaml",
            &["platform_not_paying_back"],
        ),
        (
            "fixtures/commission-unconfirmed.yaml",
            &["commission_unconfirmed"],
        ),
        (
            "fixtures/two-platforms-onboarding-at-once.yaml",
            &["onboarding_several_at_once"],
        ),
    ];
    for (fixture, expected) in cases {
        let got = fired(fixture);
        for id in *expected {
            assert!(
                got.contains_key(*id),
                "{fixture}: expected {id}, got {:?}",
                got.keys()
            );
        }
    }
    // A below-cost promotion item is an investment (info), never the loss error.
    let promo = fired("fixtures/promo-item-below-cost.yaml");
    assert!(!promo.contains_key("negative_net_margin"));
    // A platform being exited gets no advice to staff or fix it.
    let exiting = fired("fixtures/platform-being-exited.yaml");
    for list in exiting.values() {
        assert!(
            list.iter().all(|(_, who)| !who.contains("JD")),
            "{exiting:?}"
        );
    }
    assert_eq!(
        exiting["platform_category_mismatch"][0].0,
        Severity::Error,
        "planned: cheapest to stop now"
    );
}

#[test]
fn thresholds_split_exactly_at_their_value() {
    let pairs: &[(&str, &str, &str)] = &[
        ("thin_net_margin", "net-margin-9.99", "net-margin-10.00"),
        (
            "thin_upstream_margin",
            "upstream-margin-14.99",
            "upstream-margin-15.00",
        ),
        ("no_price_room", "price-room-24.99", "price-room-25.00"),
        (
            "understaffed_platform",
            "platform-staff-1",
            "platform-staff-2",
        ),
        ("understaffed_team", "team-staff-3", "team-staff-4"),
        (
            "spread_too_thin",
            "capital-per-platform-199999.99",
            "capital-per-platform-200000.00",
        ),
        (
            "budget_not_on_best_returns",
            "pareto-share-79.99",
            "pareto-share-80.00",
        ),
        (
            "budget_not_on_best_returns",
            "pareto-top-5-platforms",
            "pareto-top-6-platforms",
        ),
        (
            "platform_not_paying_back",
            "payback-months-6",
            "payback-months-5",
        ),
        (
            "platform_not_paying_back",
            "payback-contribution-short",
            "payback-contribution-even",
        ),
        (
            "next_platform_too_early",
            "next-platform-base-5-months",
            "next-platform-base-6-months",
        ),
        ("slots_before_data", "data-months-5", "data-months-6"),
        (
            "negative_net_margin",
            "net-margin-negative-0.01",
            "net-margin-0.00",
        ),
    ];
    for (rule, fires, passes) in pairs {
        let f = fired(&format!("fixtures/thresholds/{fires}.yaml"));
        let p = fired(&format!("fixtures/thresholds/{passes}.yaml"));
        assert!(
            f.contains_key(*rule),
            "{rule} should fire on {fires}: {:?}",
            f.keys()
        );
        assert!(
            !p.contains_key(*rule),
            "{rule} should pass on {passes}: {:?}",
            p.keys()
        );
    }
}

// ---- The numbers, recomputed here with plain Decimal arithmetic -------------------

fn money(r: &Record, k: &str) -> Option<Decimal> {
    r.money(k).map(|m| m.0)
}

fn is_live(r: &Record) -> bool {
    r.text("status") == Some("live")
}

/// Overhead per order: monthly overheads ÷ monthly orders of all live platforms.
fn overhead(p: &Profile) -> Option<Decimal> {
    let costs = p.business.record("monthly_costs")?;
    let total: Decimal = ["labor", "rent", "utilities", "other"]
        .iter()
        .filter_map(|k| money(costs, k))
        .sum();
    let orders: Decimal = p
        .platforms
        .iter()
        .filter(|r| is_live(r))
        .filter_map(|r| r.record("monthly").and_then(|m| m.count("orders")))
        .map(Decimal::from)
        .sum();
    total.checked_div(orders)
}

fn exact(steps: &[pitfall::advice::Step], name: &str) -> Option<Decimal> {
    steps
        .iter()
        .find(|s| &*s.name == name)
        .and_then(|s| s.exact.as_ref())
        .map(|e| e.parse().unwrap())
}

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() < Decimal::new(1, 9)
}

#[test]
fn net_margin_overhead_upstream_and_return_match_plain_decimal_arithmetic() {
    let rules = common::default_rules();
    let mut checked = 0usize;
    for rel in common::valid_fixtures() {
        let p = load(&rel);
        let params = resolve(&rules.rules, &p, &[]).unwrap();
        let eval = evaluate(&rules.rules, &p, &params, true);
        let hundred = Decimal::ONE_HUNDRED;

        // Net margin per order and overhead per order, for every product × platform
        // binding of thin_net_margin that could be assessed.
        for b in why_not(&eval, "thin_net_margin").unwrap().bindings {
            if b.outcome == "cannot assess" {
                continue;
            }
            let product = p
                .products
                .iter()
                .find(|r| {
                    Some(r.text("sku").unwrap()) == b.entity.product.as_ref().map(|x| &*x.sku)
                })
                .unwrap();
            let platform = p
                .platforms
                .iter()
                .find(|r| r.text("name") == b.entity.platform.as_deref())
                .unwrap();
            let price = money(product, "price").unwrap();
            let cost = money(product, "unit_cost").unwrap();
            let logistics = money(product, "logistics").unwrap_or_default();
            let rate = platform.percent("commission").unwrap().0;
            let oh = overhead(&p).unwrap();
            let net = price - cost - price * rate / hundred - logistics - oh;
            assert!(
                close(exact(&b.evidence.steps, "overhead_per_order").unwrap(), oh),
                "{}: overhead",
                rel.display()
            );
            assert!(
                close(exact(&b.evidence.steps, "net").unwrap(), net),
                "{}: net of {:?}",
                rel.display(),
                b.entity
            );
            assert!(
                close(
                    exact(&b.evidence.steps, "rate").unwrap(),
                    net / price * hundred
                ),
                "{}: rate",
                rel.display()
            );
            checked += 1;
        }

        // Upstream margin for every product.
        for b in why_not(&eval, "thin_upstream_margin").unwrap().bindings {
            let product = p
                .products
                .iter()
                .find(|r| {
                    Some(r.text("sku").unwrap()) == b.entity.product.as_ref().map(|x| &*x.sku)
                })
                .unwrap();
            let price = money(product, "price").unwrap();
            let cost = money(product, "unit_cost").unwrap();
            let upstream = (price - cost) / price * hundred;
            assert!(
                close(exact(&b.evidence.steps, "upstream").unwrap(), upstream),
                "{}: upstream",
                rel.display()
            );
            checked += 1;
        }

        // Return on budget (12 × monthly GMV ÷ budget) of live platforms: the lowest and
        // highest that the H9 rule reports.
        let returns: Vec<Decimal> = p
            .platforms
            .iter()
            .filter(|r| is_live(r))
            .filter_map(|r| {
                Some(Decimal::from(12) * money(r.record("monthly")?, "gmv")? / money(r, "budget")?)
            })
            .collect();
        if returns.len() >= 2 {
            for b in why_not(&eval, "budget_not_on_best_returns")
                .unwrap()
                .bindings
            {
                let lowest = returns.iter().min().unwrap();
                let highest = returns.iter().max().unwrap();
                assert!(
                    close(exact(&b.evidence.steps, "lowest_return").unwrap(), *lowest),
                    "{}: lowest return",
                    rel.display()
                );
                assert!(
                    close(
                        exact(&b.evidence.steps, "highest_return").unwrap(),
                        *highest
                    ),
                    "{}: highest return",
                    rel.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "only {checked} figures checked");
}
