//! `pitfall test` end to end, and the waivers it relies on: the repository's own cases
//! pass; broken expectations, goldens and expectation files fail the way a consultant
//! can read; `--accept` writes only what it may.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pitfall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn pitfall(args: &[&str]) -> Output {
    run_in(&common::root(), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder under the target's temp dir, with copies of some fixtures and their
/// expectation/golden files, named by the fixture's file name.
fn scratch(name: &str, fixtures: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("golden-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    for f in fixtures {
        let src = common::root().join(f);
        let stem = src.file_stem().unwrap().to_str().unwrap().to_owned();
        for suffix in [".yaml", ".expect.yaml", ".advice.md"] {
            let from = src.with_file_name(format!("{stem}{suffix}"));
            if from.exists() {
                std::fs::copy(&from, dir.join("cases").join(format!("{stem}{suffix}"))).unwrap();
            }
        }
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_repository_fixtures_pass_their_own_golden_tests() {
    // As the "done when" says it: no date given, so expiry follows the clock;
    // the waivers fixture pins its own date.
    let out = pitfall(&["test", "fixtures/"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let n = common::valid_fixtures().len();
    assert!(
        stdout.contains(&format!("\n{n} cases: {n} passed\n")),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("skip    fixtures/invalid/"), "{stdout}");
    assert!(
        stdout.contains("rules that fire in no case: none"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rules that pass in no case: none"),
        "{stdout}"
    );
    // Every valid fixture has curated expectations, and none is left unchecked.
    for f in common::valid_fixtures() {
        let e = pitfall::golden::run::sibling(&common::root().join(&f), ".expect.yaml");
        assert!(e.is_file(), "{} has no expectation file", f.display());
    }
    assert!(!stdout.contains("none    "), "{stdout}");
    // The default path is `fixtures/`.
    let out = pitfall(&["test", "--today", "2026-11-26"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_broken_expectation_fails_with_expected_against_actual() {
    let dir = scratch(
        "broken",
        &[
            "fixtures/apparel-brand-on-jd-and-suning.yaml",
            "fixtures/thresholds/net-margin-9.99.yaml",
            "fixtures/commission-unconfirmed.yaml",
        ],
    );
    let apparel = dir.join("cases/apparel-brand-on-jd-and-suning.expect.yaml");
    // Wrong entity, wrong severity, a rule that does fire asserted to pass.
    edit(
        &apparel,
        "{rule: platform_category_mismatch, entity: JD, severity: warning}",
        "{rule: platform_category_mismatch, entity: Tmall, severity: warning}",
    );
    edit(
        &apparel,
        "{rule: platform_not_paying_back, entity: JD, severity: warning}",
        "{rule: platform_not_paying_back, entity: JD, severity: error}",
    );
    edit(
        &apparel,
        "passes:\n",
        "passes:\n  - every_platform_at_once\n",
    );
    let margin = dir.join("cases/net-margin-9.99.expect.yaml");
    edit(&margin, "fires:\n", "waived: [thin_net_margin]\nfires:\n");
    let unconfirmed = dir.join("cases/commission-unconfirmed.expect.yaml");
    edit(
        &unconfirmed,
        "cannot_assess:\n",
        "cannot_assess:\n  - {rule: commission_unconfirmed, entity: Suning}\n",
    );
    let before = std::fs::read_to_string(&apparel).unwrap();
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    insta::assert_snapshot!("broken_expectation_human", stdout);
    // Nothing is rewritten without --accept, and an expectation file never is.
    assert_eq!(std::fs::read_to_string(&apparel).unwrap(), before);
    let out = run_in(
        &dir,
        &["test", "cases", "--today", "2026-11-26", "--accept"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&apparel).unwrap(), before);

    let out = run_in(
        &dir,
        &[
            "test",
            "cases",
            "--today",
            "2026-11-26",
            "--format",
            "junit",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    // The fingerprint changes with every edit of a rule file; the snapshot is about
    // the XML around it.
    let xml = text(&out.stdout).replace(&common::default_rules().fingerprint, "sha256:…");
    insta::assert_snapshot!("broken_expectation_junit", xml);
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert_eq!(xml.matches("<failure ").count(), 3);

    let out = run_in(
        &dir,
        &["test", "cases", "--today", "2026-11-26", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["failed"], 3);
    let first = &v["cases"][0];
    assert_eq!(first["status"], "failed");
    let failed: Vec<&serde_json::Value> = first["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["passed"] == false)
        .collect();
    assert_eq!(failed.len(), 3);
    assert_eq!(failed[0]["kind"], "fires");
    assert_eq!(failed[0]["entity"], "Tmall");
}

#[test]
fn a_golden_mismatch_shows_a_line_diff_and_accept_rewrites_it() {
    let dir = scratch("golden", &["fixtures/well-run-single-platform.yaml"]);
    let golden = dir.join("cases/well-run-single-platform.advice.md");
    edit(&golden, "No problem found", "Nothing wrong found");
    let out = run_in(&dir, &["test", "cases"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    insta::assert_snapshot!("golden_mismatch_human", stdout);
    let out = run_in(&dir, &["test", "cases", "--accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("rewrote cases/well-run-single-platform.advice.md"));
    assert!(
        std::fs::read_to_string(&golden)
            .unwrap()
            .contains("No problem found")
    );
    let out = run_in(&dir, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(0));
}

/// `replaced` asserts that broader advice took a rule's place, and by which rule: the
/// promo fixture's thin-margin warning on the scarf gives way to the activity
/// investment (H19), not to the loss-per-order error.
#[test]
fn a_replaced_assertion_checks_which_rule_replaced_the_advice() {
    let dir = scratch("replaced", &["fixtures/promo-item-below-cost.yaml"]);
    let promo = dir.join("cases/promo-item-below-cost.expect.yaml");
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    edit(
        &promo,
        "by: promo_item_investment}",
        "by: negative_net_margin}\n  - {rule: thin_net_margin, product: ND-YRF-01}",
    );
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "replaced thin_net_margin for ND-WJ-03 by negative_net_margin: it was replaced by another rule: 羊绒围巾（活动款） (ND-WJ-03) on Tmall (by `promo_item_investment`)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("replaced thin_net_margin for ND-YRF-01: it was not replaced: passed for"),
        "{stdout}"
    );
    // `by` belongs to `replaced` only, and names a rule of the rule set.
    edit(
        &promo,
        "  - {rule: thin_net_margin, product: ND-YRF-01}",
        "  - {rule: thin_net_margin, by: promo_item_investmnt}\ncannot_assess: [{rule: thin_upstream_margin, by: x}]",
    );
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("did you mean `promo_item_investment`?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the replacing rule can only be named under `replaced`"),
        "{stdout}"
    );
}

#[test]
fn accept_writes_missing_expectation_files_only() {
    let dir = scratch(
        "accept",
        &[
            "fixtures/promo-item-below-cost.yaml",
            "fixtures/thresholds/net-margin-9.99.yaml",
        ],
    );
    let promo = dir.join("cases/promo-item-below-cost.expect.yaml");
    std::fs::remove_file(&promo).unwrap();
    let curated = dir.join("cases/net-margin-9.99.expect.yaml");
    let kept = std::fs::read_to_string(&curated).unwrap();
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("none    cases/promo-item-below-cost.yaml"));
    assert!(!promo.exists(), "written without --accept");
    let out = run_in(
        &dir,
        &["test", "cases", "--today", "2026-11-26", "--accept"],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("wrote cases/promo-item-below-cost.expect.yaml"),
        "{stdout}"
    );
    assert!(stdout.contains("1 expectation file written"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&curated).unwrap(), kept);
    insta::assert_snapshot!(
        "accept_generated_expectations",
        std::fs::read_to_string(&promo).unwrap()
    );
    // What --accept wrote passes as it stands.
    let out = run_in(&dir, &["test", "cases", "--today", "2026-11-26"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_bad_expectation_file_is_invalid_input_with_every_mistake() {
    let dir = scratch(
        "bad-expect",
        &["fixtures/apparel-brand-on-jd-and-suning.yaml"],
    );
    std::fs::write(
        dir.join("cases/apparel-brand-on-jd-and-suning.expect.yaml"),
        "fires:\n  - {rule: platform_category_mismatsh, entity: JD, severity: warn}\n  - {rule: thin_net_margin, entity: Suningg}\npass: [thin_net_margin]\nparams: {margin_flor: 12%, price_room: 0.25}\n",
    )
    .unwrap();
    let out = run_in(&dir, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    insta::assert_snapshot!("bad_expectation_file", stdout);
    for code in [
        "expect::unknown_rule",
        "expect::bad_severity",
        "expect::unknown_entity",
        "expect::unknown_key",
        "expect::unknown_param",
        "expect::param_kind",
    ] {
        assert!(stdout.contains(code), "{code}: {stdout}");
    }
    // Names are checked against the rule set and the profile.
    std::fs::write(
        dir.join("cases/apparel-brand-on-jd-and-suning.expect.yaml"),
        "fires:\n  - {rule: platform_category_mismatsh, entity: Suningg}\nparams: {margin_flor: 12%, price_room: 0.25}\n",
    )
    .unwrap();
    let out = run_in(&dir, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    for code in [
        "expect::unknown_rule",
        "expect::unknown_entity",
        "expect::unknown_param",
        "expect::param_kind",
    ] {
        assert!(stdout.contains(code), "{code}: {stdout}");
    }
    assert!(
        stdout.contains("did you mean `platform_category_mismatch`?"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `Suning`?"), "{stdout}");
    // JSON on stdout stays JSON; the diagnostics go to stderr.
    let out = run_in(&dir, &["test", "cases", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(text(&out.stderr).contains("expect::unknown_rule"));
}

#[test]
fn bad_paths_are_invalid_input() {
    let out = pitfall(&["test", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("test::no_such_path"));
    // A folder with no profile would pass with no case run: a wrong path, most likely.
    let empty = std::env::temp_dir().join(format!("pitfall-empty-{}", std::process::id()));
    std::fs::create_dir_all(empty.join("invalid")).unwrap();
    std::fs::write(empty.join("invalid").join("broken.yaml"), "x").unwrap();
    let out = pitfall(&["test", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("test::no_profiles"), "{err}");
    assert!(err.contains("folders named `invalid`"), "{err}");
    std::fs::remove_dir_all(&empty).unwrap();
    let out = pitfall(&["test", "fixtures/thresholds/net-margin-9.99.expect.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("name the profile `fixtures/thresholds/net-margin-9.99.yaml`")
    );
    // A profile that does not load is a failed case, with its diagnostic.
    let out = pitfall(&["test", "fixtures/invalid/negative-money.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("BROKEN  fixtures/invalid/negative-money.yaml"),
        "{stdout}"
    );
    assert!(stdout.contains("profile::negative_money"), "{stdout}");
}

#[test]
fn a_params_override_in_an_expectation_reruns_the_case_with_it() {
    let dir = scratch("params", &["fixtures/brand-display-flagship.yaml"]);
    // The header: with the rule set's defaults, H11 on Tmall and H6 on the cleansing balm.
    std::fs::write(
        dir.join("cases/brand-display-flagship.expect.yaml"),
        "params: {payback_months: 6, margin_floor: 10%}\nfires:\n  - {rule: platform_not_paying_back, entity: Tmall, severity: warning}\n  - {rule: thin_net_margin, platform: Tmall, severity: warning}\n",
    )
    .unwrap();
    let out = run_in(&dir, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn waivers_show_in_every_format_and_expired_ones_do_not_waive() {
    let file = "fixtures/waivers-signed-off.yaml";
    let human = text(&pitfall(&["audit", file, "--today", "2026-11-26"]).stdout);
    let waived = human.split("\nWAIVED\n").nth(1).unwrap();
    assert!(
        waived.contains("platform_category_mismatch for JD (until 2027-12-31): JD store kept open")
    );
    assert!(waived.contains("multi_platform_service_gap: Customer service is outsourced"));
    assert!(human.contains("EXPIRED WAIVERS (no longer applied)\n  - waiver of `platform_not_paying_back` for `suning` expired on 2026-06-30"));
    let main = human.split("\nWAIVED\n").next().unwrap();
    assert!(main.contains("A live platform does not pay back its fixed costs — Suning"));
    assert!(!main.contains("— JD [platform_category_mismatch"));

    let json = pitfall(&["audit", file, "--today", "2026-11-26", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let r = &v["reports"][0];
    assert_eq!(r["waived"].as_array().unwrap().len(), 2);
    assert_eq!(
        r["waived"][0]["recommendation"]["rule"],
        "platform_category_mismatch"
    );
    assert_eq!(r["waived"][0]["until"], "2027-12-31");
    assert!(
        r["waived"][1]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Customer service")
    );
    assert_eq!(r["expired_waivers"].as_array().unwrap().len(), 1);
    assert!(r["recommendations"].as_array().unwrap().iter().all(|x| {
        !(x["rule"] == "platform_category_mismatch" && x["entity"]["platform"] == "JD")
    }));

    let md = text(
        &pitfall(&[
            "audit",
            file,
            "--today",
            "2026-11-26",
            "--format",
            "markdown",
        ])
        .stdout,
    );
    assert!(md.contains("## Advice set aside by agreement\n\n- The platform's shoppers do not come for the categories sold there — JD (until 2027-12-31): JD store kept open"));
    assert!(md.contains("## Agreements that have expired"));

    // Before its date, the Suning waiver still waives.
    let early = text(&pitfall(&["audit", file, "--today", "2026-06-30"]).stdout);
    assert!(
        early.contains("platform_not_paying_back for Suning (until 2026-06-30)"),
        "{early}"
    );
    assert!(!early.contains("EXPIRED"));
}

#[test]
fn a_waiver_naming_an_unknown_rule_is_an_input_error_with_did_you_mean() {
    let out = pitfall(&["audit", "fixtures/invalid/waiver-unknown-rule.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("profile::unknown_rule"), "{stderr}");
    assert!(
        stderr.contains("did you mean `thin_upstream_margin`?"),
        "{stderr}"
    );
}

#[test]
fn validate_and_audit_pass_over_expectation_files_in_a_shell_glob() {
    let mut args = vec!["validate".to_owned()];
    args.extend(
        std::fs::read_dir(common::root().join("fixtures"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| {
                p.strip_prefix(common::root())
                    .unwrap()
                    .display()
                    .to_string()
            }),
    );
    let out = pitfall(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .contains("expectation files of `pitfall test` (*.expect.yaml): not profiles")
    );
}
