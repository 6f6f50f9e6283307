//! The other renderings, on chosen fixtures: `--explain`, Markdown for clients,
//! `why-not`, and the CLI's exit codes and determinism.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::pitfall;
use pitfall::render;

fn human_explain(rel: &str) -> String {
    let rules = common::default_rules();
    let report = common::audit(&rules, Path::new(rel));
    render::human::render(
        &report,
        render::human::Options {
            color: false,
            explain: true,
        },
    )
}

#[test]
fn explain_shows_the_numbers_behind_each_recommendation() {
    insta::assert_snapshot!(
        "explain_distributor",
        human_explain("fixtures/distributor-thin-upstream-margin.yaml")
    );
    insta::assert_snapshot!(
        "explain_apparel",
        human_explain("fixtures/apparel-brand-on-jd-and-suning.yaml")
    );
}

#[test]
fn markdown_reports_read_as_client_documents() {
    let rules = common::default_rules();
    for (name, rel) in [
        (
            "markdown_apparel",
            "fixtures/apparel-brand-on-jd-and-suning.yaml",
        ),
        (
            "markdown_commission_unconfirmed",
            "fixtures/commission-unconfirmed.yaml",
        ),
        ("markdown_promo_item", "fixtures/promo-item-below-cost.yaml"),
        (
            "markdown_well_run",
            "fixtures/well-run-single-platform.yaml",
        ),
    ] {
        let report = common::audit(&rules, Path::new(rel));
        insta::assert_snapshot!(name, render::markdown::render(&report));
    }
}

/// An unknown rule id is a diagnostic like any bad input: code, the argument marked,
/// the closest id suggested, exit 2.
#[test]
fn why_not_with_an_unknown_rule_suggests_the_closest() {
    let out = pitfall(&[
        "why-not",
        "fixtures/well-run-single-platform.yaml",
        "negative_net_margn",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cli::unknown_rule"), "{err}");
    assert!(err.contains("no rule `negative_net_margn`"), "{err}");
    assert!(err.contains("did you mean `negative_net_margin`?"), "{err}");
}

#[test]
fn why_not_explains_each_binding() {
    let out = pitfall(&[
        "why-not",
        "fixtures/well-run-single-platform.yaml",
        "thin_net_margin",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(
        "why_not_well_run_thin_margin",
        String::from_utf8(out.stdout).unwrap()
    );
    let out = pitfall(&[
        "why-not",
        "fixtures/commission-unconfirmed.yaml",
        "no_price_room",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(
        "why_not_commission_unconfirmed",
        String::from_utf8(out.stdout).unwrap()
    );
    let out = pitfall(&[
        "why-not",
        "fixtures/well-run-single-platform.yaml",
        "thin_net_margn",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("did you mean `thin_net_margin`?")
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let distributor = "fixtures/distributor-thin-upstream-margin.yaml";
    let well_run = "fixtures/well-run-single-platform.yaml";
    // Errors fire for the distributor: exit 1 at the default threshold.
    assert_eq!(
        pitfall(&["audit", distributor, "--today", "2026-11-26"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        pitfall(&["audit", well_run, "--today", "2026-11-26"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        pitfall(&[
            "audit",
            well_run,
            "--fail-on",
            "info",
            "--today",
            "2026-11-26"
        ])
        .status
        .code(),
        Some(0)
    );
    let gmv = "fixtures/gmv-only-target-no-plan.yaml";
    assert_eq!(
        pitfall(&["audit", gmv, "--today", "2026-11-26"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        pitfall(&[
            "audit",
            gmv,
            "--fail-on",
            "warning",
            "--today",
            "2026-11-26"
        ])
        .status
        .code(),
        Some(1)
    );
    // Bad input: exit 2, never a panic.
    assert_eq!(
        pitfall(&["audit", "fixtures/invalid/percent-without-sign.yaml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        pitfall(&["audit", well_run, "--param", "margin_floor=0.1"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        pitfall(&["audit", well_run, "--param", "nope=1"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        pitfall(&["audit", well_run, "--rules", "no-such-dir"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_command_line_param_changes_the_advice_and_is_reported() {
    let out = pitfall(&[
        "audit",
        "fixtures/well-run-single-platform.yaml",
        "--param",
        "margin_floor=30%",
        "--explain",
        "--today",
        "2026-11-26",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("thin_net_margin"), "{text}");
    assert!(text.contains("margin_floor = 30% (command line)"), "{text}");
}

#[test]
fn output_is_byte_identical_across_runs_in_every_format() {
    let all: Vec<String> = common::valid_fixtures()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    for format in ["human", "json", "markdown"] {
        let mut args = vec!["audit", "--format", format, "--today", "2026-11-26"];
        args.extend(all.iter().map(String::as_str));
        let a = pitfall(&args);
        let b = pitfall(&args);
        assert_eq!(a.stdout, b.stdout, "{format}");
        assert!(!a.stdout.is_empty());
    }
}

#[test]
fn json_is_valid_and_versioned() {
    let out = pitfall(&[
        "audit",
        "--format",
        "json",
        "fixtures/commission-unconfirmed.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    let report = &v["reports"][0];
    assert!(
        report["rules_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert_eq!(report["data_to_collect"][0]["fact"], "commission");
}

/// The audit's JSON is written by hand for speed (src/render/json.rs); the serde
/// derives on the report types define the schema. The two must agree byte for byte:
/// on every fixture, together in one document, and on text that needs escaping.
#[test]
fn json_writer_matches_serde_json() {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        schema_version: u32,
        reports: &'a [pitfall::advice::Report],
    }
    let serde_json = |reports: &[pitfall::advice::Report]| {
        serde_json::to_string_pretty(&Document {
            schema_version: pitfall::advice::JSON_SCHEMA_VERSION,
            reports,
        })
        .unwrap()
            + "\n"
    };
    let rules = common::default_rules();
    let mut reports: Vec<_> = common::valid_fixtures()
        .iter()
        .map(|rel| common::audit(&rules, rel))
        .collect();
    for r in &reports {
        let one = std::slice::from_ref(r);
        assert_eq!(render::json::render(one), serde_json(one), "{}", r.profile);
    }
    assert_eq!(render::json::render(&[]), serde_json(&[]));

    // `pitfall audit --format json` writes each report straight from the explainer:
    // the same bytes, one profile and several to a document.
    let fixtures = common::valid_fixtures();
    for (rel, r) in fixtures.iter().zip(&reports) {
        let one = std::slice::from_ref(r);
        let streamed = common::audit_json(&rules, std::slice::from_ref(rel));
        assert_eq!(streamed, serde_json(one), "{}", r.profile);
    }
    assert_eq!(common::audit_json(&rules, &fixtures), serde_json(&reports));
    assert_eq!(common::audit_json(&rules, &[]), serde_json(&[]));

    // Every kind of string escape, in every kind of field, and the optional fields
    // both present and absent.
    let nasty =
        "a \"quoted\" back\\slash, tab\t, newline\n, bell\u{7}, unit\u{1f}, del\u{7f}, ¥1 − 2";
    let mut r = reports
        .iter()
        .find(|r| !r.recommendations.is_empty())
        .cloned()
        .unwrap();
    r.business = nasty.to_owned();
    r.expired_waivers.push(nasty.to_owned());
    let mut rec = r.recommendations[0].clone();
    rec.message = nasty.to_owned();
    rec.actions.push(nasty.to_owned());
    rec.entity = pitfall::advice::Entity::default();
    rec.evidence.steps[0].exact = None;
    rec.evidence.steps[0].formula = nasty.into();
    r.waived.push(pitfall::advice::Waived {
        recommendation: rec.clone(),
        reason: nasty.to_owned(),
        until: Some("2027-01-01".to_owned()),
    });
    r.waived.push(pitfall::advice::Waived {
        recommendation: rec,
        reason: String::new(),
        until: None,
    });
    reports.push(r);
    assert_eq!(render::json::render(&reports), serde_json(&reports));
}
