//! The engine's behaviour on small rule sets written for each case: the three
//! outcomes, three-valued logic, params and their sources, ranking, facts, suppression,
//! arithmetic failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pitfall::advice::{Recommendation, Step};
use pitfall::check::check_sources;
use pitfall::check::ir::{RuleSet, Severity};
use pitfall::eval::params::{ParamProblems, resolve};
use pitfall::eval::{CliParam, ParamSource, Unknown, evaluate};
use pitfall::explain::{ReportOptions, report, why_not};
use pitfall::profile::{Date, Profile, load};
use pitfall::source::SourceFile;

fn rules(text: &str) -> RuleSet {
    let checked = match check_sources(vec![SourceFile::new("test.rules", text)]) {
        Ok(c) => c,
        Err(e) => panic!("syntax: {e:?}"),
    };
    for d in &checked.diagnostics {
        eprintln!("{}", pitfall::report::render_plain(d));
    }
    checked.rule_set.expect("rules check")
}

fn profile(yaml: &str) -> Profile {
    match load(SourceFile::new("test.yaml", yaml)) {
        Ok(p) => p,
        Err(e) => panic!("{}", pitfall::report::render_plain(&e)),
    }
}

/// A two-product, two-platform profile; `extra` lines are appended to JD's entry.
fn shop(jd_commission: Option<&str>) -> String {
    let commission = jd_commission.map_or(String::new(), |c| format!("    commission: {c}\n"));
    format!(
        "version: 1
business:
  name: Test Shop
  kind: brand
  currency: CNY
  capital: 500000
  team: {{operations: 2, customer_service: 1}}
  monthly_costs: {{labor: 30000, rent: 10000}}
products:
  - {{sku: A, name: Jacket, category: apparel, price: 399.00, unit_cost: 210.00, logistics: 12.00}}
  - {{sku: B, name: Scarf, category: apparel, price: 100.00, unit_cost: 95.00, logistics: 8.00}}
platforms:
  - name: Tmall
    status: live
    months_live: 14
    commission: 5%
    budget: 300000
    staff: 2
    monthly: {{gmv: 320000, orders: 800, ad_spend: 40000, traffic: stable}}
  - name: JD
    status: live
    months_live: 7
{commission}    budget: 100000
    staff: 1
    monthly: {{gmv: 30000, orders: 200, ad_spend: 5000, traffic: declining}}
    sells: [A]
"
    )
}

const MARGIN: &str = r#"
param margin_floor: percent = 10% "floor"
let overhead: money = sum(business.monthly_costs) / sum(p.monthly.orders for p in platforms where p.status == live)
rule thin {
  title "thin"
  area profit
  severity warning
  escalate error when net < 0
  source H6
  for product in products, platform in platforms where platform sells product
  let net = product.price - product.unit_cost - product.price * platform.commission - product.logistics - overhead
  when net / product.price < margin_floor
  advise "{product.name} on {platform.name} keeps {net} ({net / product.price})"
  because "b"
  action "a"
}
"#;

/// The recommendation's first evidence line that `pick` accepts.
fn step(rec: &Recommendation, pick: impl Fn(&Step) -> bool) -> &Step {
    rec.evidence
        .steps
        .iter()
        .find(|s| pick(s))
        .expect("evidence line")
}

fn params_default(rs: &RuleSet, p: &Profile) -> pitfall::eval::ParamsInForce {
    match resolve(rs, p, &[]) {
        Ok(x) => x,
        Err(_) => panic!("params"),
    }
}

#[test]
fn fires_passes_and_cannot_assess() {
    let rs = rules(MARGIN);
    let p = profile(&shop(None));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, true);
    let r = &eval.results[0];
    // Overhead = 40,000 ÷ 1,000 orders = 40.00.
    // Jacket on Tmall: 399 − 210 − 19.95 − 12 − 40 = 117.05 → 29.3%: passes.
    // Scarf on Tmall: 100 − 95 − 5 − 8 − 40 = −48 → fires, escalated to error.
    // Jacket on JD: commission not given → cannot assess. Scarf is not sold on JD.
    assert_eq!(r.passes, 1);
    assert_eq!(r.fired.len(), 1);
    assert_eq!(r.fired[0].severity, Severity::Error);
    assert_eq!(r.unknown.len(), 1);
    match &r.unknown[0].1 {
        Unknown::Missing(m) => assert_eq!(m.path, "commission"),
        other => panic!("{other:?}"),
    }
    let rep = report(
        &eval,
        &ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2026-11-26").unwrap(),
        },
    );
    assert_eq!(rep.recommendations.len(), 1);
    assert_eq!(
        rep.recommendations[0].message,
        "Scarf on Tmall keeps -¥48.00 (-48%)"
    );
    assert_eq!(rep.data_to_collect.len(), 1);
    assert_eq!(rep.data_to_collect[0].entity, "platform JD");
    assert_eq!(rep.data_to_collect[0].fact, "commission");
    let net = step(&rep.recommendations[0], |s| &*s.name == "net");
    assert_eq!(
        &*net.values,
        "¥100.00 − ¥95.00 − ¥100.00 × 5% − ¥8.00 − ¥40.00"
    );
    assert_eq!(&*net.result, "-¥48.00");
}

#[test]
fn a_confirmed_commission_turns_cannot_assess_into_an_outcome() {
    let rs = rules(MARGIN);
    let p = profile(&shop(Some("8%")));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let r = &eval.results[0];
    assert!(r.unknown.is_empty());
    // Jacket on JD: 399 − 210 − 31.92 − 12 − 40 = 105.08 → 26.3%: passes.
    assert_eq!(r.passes, 2);
}

#[test]
fn false_and_unknown_is_false() {
    let rs = rules(
        r#"
rule r {
  title "t"
  area profit
  severity info
  source H5
  for platform in platforms
  when platform.name == "Tmall" and platform.commission > 1%
  advise "x" because "b" action "a"
}"#,
    );
    let p = profile(&shop(None));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let r = &eval.results[0];
    // JD's commission is unknown, but JD is not Tmall: the rule passes for JD.
    assert_eq!(r.fired.len(), 1);
    assert_eq!(r.passes, 1);
    assert!(r.unknown.is_empty());
}

#[test]
fn params_come_from_default_profile_and_command_line() {
    let rs = rules(MARGIN);
    let mut yaml = shop(Some("5%"));
    let p = profile(&yaml);
    let params = params_default(&rs, &p);
    assert_eq!(params.sources[0], ParamSource::Default);

    yaml.push_str("params:\n  margin_floor: 30%\n");
    let p = profile(&yaml);
    let params = params_default(&rs, &p);
    assert_eq!(params.sources[0], ParamSource::Profile);
    let eval = evaluate(&rs, &p, &params, false);
    // At 30% the jacket on JD (28.3% after 5%) now fires too.
    assert_eq!(eval.results[0].fired.len(), 3);

    let cli = [CliParam {
        text: "margin_floor=1%".into(),
    }];
    let params = resolve(&rs, &p, &cli).unwrap_or_else(|_| panic!("params"));
    assert_eq!(params.sources[0], ParamSource::CommandLine);
    let eval = evaluate(&rs, &p, &params, false);
    assert_eq!(
        eval.results[0].fired.len(),
        1,
        "only the loss-making scarf stays under 1%"
    );
}

#[test]
fn wrong_params_are_input_errors() {
    let rs = rules(MARGIN);
    let p = profile(&(shop(None) + "params:\n  margin_flor: 12%\n"));
    assert!(matches!(
        resolve(&rs, &p, &[]),
        Err(ParamProblems::Profile(_))
    ));
    let p = profile(&shop(None));
    for (bad, code, says) in [
        (
            "margin_floor=0.12",
            "params::kind",
            "takes a percent written with `%`",
        ),
        // It has its `%`: what is wrong is the range, and the message says so.
        (
            "margin_floor=150%",
            "params::kind",
            "takes a percent between `0%` and `100%`, given `150%`",
        ),
        ("nope=1", "params::unknown", "no param `nope`"),
        ("margin_floor", "params::malformed", "not of the form"),
    ] {
        let cli = [CliParam { text: bad.into() }];
        let Err(ParamProblems::CommandLine(errors)) = resolve(&rs, &p, &cli) else {
            panic!("{bad} is accepted")
        };
        // Each points into the argument itself, with its code and a help line.
        for e in &errors {
            let text = pitfall::report::render_plain(e);
            assert!(text.contains(code), "{bad}: {text}");
            assert!(text.contains(says), "{bad}: {text}");
            assert!(text.contains("╭─[--param:1:"), "{bad}: {text}");
            assert!(text.contains("help:"), "{bad}: {text}");
        }
    }
}

#[test]
fn division_by_zero_is_an_outcome_not_a_crash() {
    let rs = rules(
        r#"
rule r {
  title "t"
  area resources
  severity info
  source H9
  for platform in platforms
  when platform.monthly.gmv / (platform.budget - platform.budget) > 1%
  advise "x" because "b" action "a"
}"#,
    );
    let p = profile(&shop(None));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let r = &eval.results[0];
    assert_eq!(r.unknown.len(), 2);
    assert!(matches!(r.unknown[0].1, Unknown::DivisionByZero { .. }));
}

#[test]
fn an_unknown_quotes_its_expression_from_the_file_it_is_written_in() {
    // The rule is in the first file, the let it reads in the second; spans index
    // into their own file, so quoting the let's division from the rule's file (or
    // from whichever file happens to be long enough) would show unrelated text.
    let p = profile(&shop(None));
    let reasons = |when: &str| -> Vec<String> {
        let rule = format!(
            r#"
# A comment long enough that the let's span in the other file also slices this one,
# which is what made a wrong quotation look plausible instead of empty.
rule r {{
  title "t"
  area resources
  severity info
  source H9
  for platform in platforms
  when {when}
  advise "x" because "b" action "a"
}}"#
        );
        let checked = check_sources(vec![
            SourceFile::new("a_rule.rules", rule),
            SourceFile::new(
                "b_lets.rules",
                "let per_head: money = business.capital / count(p for p in platforms where p.status == exiting)\n",
            ),
        ])
        .unwrap_or_else(|_| panic!("syntax"));
        let rs = checked.rule_set.expect("rules check");
        let params = params_default(&rs, &p);
        let eval = evaluate(&rs, &p, &params, false);
        let options = ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2026-11-26").unwrap(),
        };
        report(&eval, &options)
            .not_assessed
            .into_iter()
            .map(|n| n.reason)
            .collect()
    };
    // The rule's own division is met first, and is quoted from the rule's file.
    let own = "`platform.budget / (platform.staff - platform.staff)` divides by zero";
    assert_eq!(
        reasons("platform.budget / (platform.staff - platform.staff) > per_head"),
        [own, own]
    );
    // Without it, the let's division is the one that fails, quoted from its file.
    let lets = "`business.capital / count(p for p in platforms where p.status == exiting)` divides by zero";
    assert_eq!(reasons("platform.budget > per_head"), [lets, lets]);
}

#[test]
fn a_top_share_too_large_to_compute_is_an_overflow_not_a_crash() {
    // The share is computed (count × share), so a share written as arithmetic can
    // overflow; params themselves are held to 0%–100% (see
    // `param_defaults_are_values_an_override_could_give`).
    let rule_with = |factor: &str| {
        rules(&format!(
            r#"
param share: percent = 100% "share"
rule r {{
  title "t"
  area resources
  severity info
  source H9
  when count(p for p in top (share * {factor}) of platforms by p.budget) > 0
  advise "x" because "b" action "a"
}}"#
        ))
    };
    let p = profile(&shop(None));
    // 100% times this is just under the largest decimal; two platforms times it
    // is too large.
    let rs = rule_with("792281625142643375935439503");
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let r = &eval.results[0];
    assert!(r.fired.is_empty());
    match r.unknown.first().map(|(_, u)| u) {
        Some(Unknown::Overflow { expr, .. }) => {
            assert_eq!(expr, "(share * 792281625142643375935439503)");
        }
        other => panic!("expected an overflow, got {other:?}"),
    }
    // Large but computable: every platform, as at 100%.
    for factor in ["10000", "1", "0.2"] {
        let rs = rule_with(factor);
        let params = params_default(&rs, &p);
        let eval = evaluate(&rs, &p, &params, false);
        assert_eq!(eval.results[0].fired.len(), 1, "{factor}");
        assert!(eval.results[0].unknown.is_empty(), "{factor}");
    }
}

#[test]
fn param_defaults_are_values_an_override_could_give() {
    for (default, ty) in [("150%", "percent"), ("-100", "money")] {
        let text = format!(
            "param p: {ty} = {default} \"p\"\nrule r {{\n  title \"t\"\n  area resources\n  severity info\n  source H9\n  when p == p\n  advise \"x\" because \"b\" action \"a\"\n}}\n"
        );
        let checked = check_sources(vec![SourceFile::new("d.rules", text)])
            .unwrap_or_else(|_| panic!("{default} parses"));
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "rules::param_default")
            .map(|d| pitfall::report::render_plain(d))
            .collect();
        assert_eq!(errors.len(), 1, "{ty} = {default}: {errors:?}");
        assert!(checked.rule_set.is_none(), "{ty} = {default} is an error");
        assert!(errors[0].contains("help:"), "{}", errors[0]);
    }
    // In range, the same rule set checks.
    let ok = "param p: percent = 100% \"p\"\nrule r {\n  title \"t\"\n  area resources\n  severity info\n  source H9\n  when p == p\n  advise \"x\" because \"b\" action \"a\"\n}\n";
    let checked = check_sources(vec![SourceFile::new("d.rules", ok)]).unwrap_or_else(|_| panic!());
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.code.as_str() != "rules::param_default")
    );
}

#[test]
fn top_share_ranks_and_keeps_at_least_one() {
    let rs = rules(
        r#"
rule r {
  title "t"
  area resources
  severity info
  source H9
  when sum(p.budget for p in top 20% of platforms where p.status == live by 12 * p.monthly.gmv / p.budget) < 80% * sum(q.budget for q in platforms)
  advise "top: {list(p.name for p in top 20% of platforms by p.monthly.gmv)}" because "b" action "a"
}"#,
    );
    let p = profile(&shop(None));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    // Tmall returns 12.8×, JD 3.6×; the top 20% of two platforms is one: Tmall, with
    // ¥300,000 of ¥400,000 = 75% < 80%.
    assert_eq!(eval.results[0].fired.len(), 1);
    let rep = report(
        &eval,
        &ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2026-11-26").unwrap(),
        },
    );
    assert_eq!(rep.recommendations[0].message, "top: Tmall");
}

#[test]
fn facts_run_in_dependency_order_and_suppress_withdraws_narrow_advice() {
    let rs = rules(
        r#"
# Declared first, but reads a fact concluded below: runs second.
rule broad {
  title "broad"
  area profit
  severity error
  source H6
  for product in products
  when losing and product.price < product.unit_cost + 10
  advise "broad {product.name}" because "b" action "a"
  suppress narrow
}
rule narrow {
  title "narrow"
  area profit
  severity warning
  source H6
  for product in products
  when product.price - product.unit_cost < 50
  advise "narrow {product.name}" because "b" action "a"
  conclude losing
}"#,
    );
    assert_eq!(rs.rules[0].id, "narrow");
    let p = profile(&shop(None));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let rep = report(
        &eval,
        &ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2026-11-26").unwrap(),
        },
    );
    let ids: Vec<_> = rep.recommendations.iter().map(|r| &*r.rule).collect();
    assert_eq!(ids, ["broad"]);
    assert_eq!(rep.suppressed.len(), 1);
    assert_eq!(&*rep.suppressed[0].by, "broad");
    // The evidence shows the fact as the evaluation saw it: the advice fired
    // because `losing` held, so its line must not read false.
    let losing = step(&rep.recommendations[0], |s| &*s.formula == "losing");
    assert_eq!(&*losing.result, "true");
    let why = why_not(&eval, "broad").unwrap();
    assert!(
        why.bindings
            .iter()
            .all(|b| b.because.iter().all(|c| !c.starts_with("losing"))),
        "{:?}",
        why.bindings
    );
}

#[test]
fn why_not_names_the_false_part_of_the_condition() {
    let rs = rules(MARGIN);
    let p = profile(&shop(Some("5%")));
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, true);
    let why = why_not(&eval, "thin").unwrap();
    let jacket_tmall = why
        .bindings
        .iter()
        .find(|b| b.outcome == "passes" && b.entity.platform.as_deref() == Some("Tmall"))
        .unwrap();
    assert_eq!(
        jacket_tmall.because,
        ["net / product.price < margin_floor is false: ¥117.05 ÷ ¥399.00 = 29.34% < 10%"]
    );
}

#[test]
fn waivers_move_advice_and_expire() {
    let rs = rules(MARGIN);
    let yaml = shop(Some("5%"))
        + "waivers:\n  - rule: thin\n    entity: B\n    reason: gift line\n    until: 2027-01-31\n";
    let p = profile(&yaml);
    let params = params_default(&rs, &p);
    let eval = evaluate(&rs, &p, &params, false);
    let before = report(
        &eval,
        &ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2026-11-26").unwrap(),
        },
    );
    assert!(before.recommendations.is_empty());
    assert_eq!(before.waived.len(), 1);
    assert_eq!(before.waived[0].reason, "gift line");
    let after = report(
        &eval,
        &ReportOptions {
            fingerprint: "x".into(),
            today: Date::parse("2027-02-01").unwrap(),
        },
    );
    assert_eq!(after.recommendations.len(), 1);
    assert_eq!(after.expired_waivers.len(), 1);
}
