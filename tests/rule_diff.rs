//! `pitfall diff` end to end: snapshots of a threshold and a table-row change over the
//! fixtures, the issue's "done when" (margin_floor 10% → 12% lists exactly the profiles
//! with a margin in [10%, 12%), checked against plain `Decimal` arithmetic), git
//! revisions, and params one side does not declare.
//!
//! The changed rule sets are made here from `rules/` by text replacement, so the
//! repository holds no second copy of the rule files to drift.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pitfall::profile::{self, Profile, Record};
use rust_decimal::Decimal;

fn pitfall_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pitfall"));
    cmd.args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn pitfall(args: &[&str]) -> Output {
    pitfall_env(args, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of `rules/*.rules` in a fresh temp folder, with `(file, from, to)` edits.
fn rules_copy(name: &str, edits: &[(&str, &str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(common::root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rules") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    for (file, from, to) in edits {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in {file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    dir
}

const MARGIN_12: (&str, &str, &str) = (
    "profit.rules",
    "param margin_floor: percent = 10%",
    "param margin_floor: percent = 12%",
);

/// JD's shoppers now come for apparel too: one changed table row.
const JD_APPAREL: (&str, &str, &str) = (
    "tables.rules",
    r#""JD"          -> ["electronics", "home_appliances"]"#,
    r#""JD"          -> ["electronics", "home_appliances", "apparel"]"#,
);

/// The output with machine-specific parts replaced: the temp folder and fingerprints
/// (which change with every edit of `rules/`, and are not what these snapshots are for).
fn redact(out: &str, new_dir: &Path) -> String {
    let base = pitfall::ruleset::load_dir(&common::root().join("rules")).unwrap();
    let new = pitfall::ruleset::load_dir(new_dir).unwrap();
    let short = |f: &str| f.chars().take("sha256:".len() + 12).collect::<String>();
    out.replace(&base.fingerprint, "sha256:<base>")
        .replace(&new.fingerprint, "sha256:<new>")
        .replace(&short(&base.fingerprint), "sha256:<base>")
        .replace(&short(&new.fingerprint), "sha256:<new>")
        .replace(&new_dir.display().to_string(), "<new rules>")
}

#[test]
fn diff_of_a_threshold_and_a_table_row_over_the_fixtures() {
    let new = rules_copy("snapshots", &[MARGIN_12, JD_APPAREL]);
    let new_arg = new.display().to_string();
    for format in ["human", "json", "markdown"] {
        let out = pitfall(&[
            "diff",
            "--base",
            "rules",
            "--rules",
            &new_arg,
            "fixtures/",
            "--today",
            "2026-11-26",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        insta::assert_snapshot!(
            format!("diff_margin_and_jd_row_{format}"),
            redact(&text(&out.stdout), &new)
        );
    }
}

#[test]
fn no_change_exits_zero() {
    let same = rules_copy("same", &[]);
    let out = pitfall(&[
        "diff",
        "--base",
        "rules",
        "--rules",
        &same.display().to_string(),
        "fixtures/",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("0 changed"));
}

// ---- the issue's "done when", computed independently --------------------------------

fn money(r: &Record, k: &str) -> Option<Decimal> {
    r.money(k).map(|m| m.0)
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
        .filter(|r| r.text("status") == Some("live"))
        .filter_map(|r| r.record("monthly").and_then(|m| m.count("orders")))
        .map(Decimal::from)
        .sum();
    total.checked_div(orders)
}

/// A binding's (SKU, platform, net per order, rate in percent).
type Margin = (String, String, Decimal, Decimal);

/// Per profile, the (SKU, platform, net, rate %) of every thin_net_margin binding whose
/// rate lies in [10%, 12%): the binding is product × platform where the platform sells
/// the product and is live, onboarding or planned (rules/profit.rules); net = price −
/// unit cost − price × commission − logistics − overhead per order.
fn margins_between_10_and_12() -> Vec<(String, Vec<Margin>)> {
    let hundred = Decimal::ONE_HUNDRED;
    let mut out = Vec::new();
    for rel in common::valid_fixtures() {
        let bytes = std::fs::read(common::root().join(&rel)).unwrap();
        let p = profile::load_bytes(&rel.display().to_string(), bytes).unwrap();
        // A profile that sets its own floor keeps it on both sides.
        if p.params.iter().any(|s| s.name == "margin_floor") {
            continue;
        }
        assert!(
            p.waivers.iter().all(|w| w.rule.text != "thin_net_margin"),
            "{}: a waived thin_net_margin would hide the change; extend this test",
            rel.display()
        );
        let Some(oh) = overhead(&p) else { continue };
        let mut hits = Vec::new();
        for (pi, platform) in p.platforms.iter().enumerate() {
            if !matches!(
                platform.text("status"),
                Some("live" | "onboarding" | "planned")
            ) {
                continue;
            }
            let Some(rate) = platform.percent("commission").map(|c| c.0) else {
                continue;
            };
            for (qi, product) in p.products.iter().enumerate() {
                if !p.sells(pi, qi) {
                    continue;
                }
                let price = money(product, "price").unwrap();
                let cost = money(product, "unit_cost").unwrap();
                let logistics = money(product, "logistics").unwrap_or_default();
                let net = price - cost - price * rate / hundred - logistics - oh;
                let pct = net / price * hundred;
                if pct >= Decimal::TEN && pct < Decimal::from(12) {
                    hits.push((
                        product.text("sku").unwrap().to_owned(),
                        platform.text("name").unwrap().to_owned(),
                        net,
                        pct,
                    ));
                }
            }
        }
        if !hits.is_empty() {
            out.push((rel.display().to_string(), hits));
        }
    }
    out
}

#[test]
fn raising_margin_floor_to_12_percent_lists_exactly_the_margins_between_10_and_12() {
    let new = rules_copy("done-when", &[MARGIN_12]);
    let out = pitfall(&[
        "diff",
        "--base",
        "rules",
        "--rules",
        &new.display().to_string(),
        "fixtures/",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = margins_between_10_and_12();
    assert!(
        !expected.is_empty(),
        "no fixture has a margin in [10%, 12%)"
    );

    let changed: Vec<&serde_json::Value> = v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["changed"] == true)
        .collect();
    let got: BTreeSet<&str> = changed
        .iter()
        .map(|p| p["profile"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(got, want);
    assert_eq!(v["summary"]["changed"], want.len());

    let close = |json: &serde_json::Value, d: Decimal| {
        let x: Decimal = json.as_str().unwrap().parse().unwrap();
        (x - d).abs() < Decimal::new(1, 9)
    };
    for (profile, hits) in &expected {
        let d = changed.iter().find(|p| p["profile"] == *profile).unwrap();
        assert!(d["removed"].as_array().unwrap().is_empty(), "{profile}");
        assert!(d["modified"].as_array().unwrap().is_empty(), "{profile}");
        let added = d["added"].as_array().unwrap();
        assert_eq!(added.len(), hits.len(), "{profile}");
        for (sku, platform, net, rate) in hits {
            let a = added
                .iter()
                .find(|a| {
                    a["entity"]["product"]["sku"] == *sku && a["entity"]["platform"] == *platform
                })
                .unwrap_or_else(|| panic!("{profile}: no advice for {sku} on {platform}"));
            assert_eq!(a["rule"], "thin_net_margin");
            assert_eq!(a["severity"], "warning");
            let num = |name: &str| {
                a["numbers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|n| n["name"] == name)
                    .unwrap_or_else(|| panic!("{profile}: no `{name}`"))
                    .clone()
            };
            assert!(close(&num("net")["exact"], *net), "{profile}: net");
            assert!(close(&num("rate")["exact"], *rate), "{profile}: rate");
            assert!(
                a["message"]
                    .as_str()
                    .unwrap()
                    .contains("under the 12% floor")
            );
        }
    }

    // The human output names them with their numbers, and nothing else as changed.
    let out = pitfall(&[
        "diff",
        "--base",
        "rules",
        "--rules",
        &new.display().to_string(),
        "fixtures/",
    ]);
    let human = text(&out.stdout);
    let listed = human.split("\nSame advice").next().unwrap();
    for (profile, _) in &expected {
        assert!(listed.contains(&format!("\n{profile} — ")), "{human}");
    }
    assert_eq!(
        listed.matches("\nfixtures/").count(),
        expected.len(),
        "{human}"
    );
    assert!(listed.contains("numbers: overhead_per_order"), "{human}");
}

// ---- git revisions --------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=pitfall",
            "-c",
            "user.email=pitfall@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

#[test]
fn base_can_be_a_git_revision_of_the_rule_folder() {
    let repo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-git-repo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    let rules = rules_copy("git-source", &[]);
    std::fs::rename(&rules, repo.join("rules")).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "rules"]);
    let profit = repo.join("rules/profit.rules");
    let t = std::fs::read_to_string(&profit).unwrap();
    std::fs::write(&profit, t.replace(MARGIN_12.1, MARGIN_12.2)).unwrap();

    let rules_arg = repo.join("rules").display().to_string();
    let out = pitfall(&[
        "diff",
        "--base",
        "HEAD",
        "--rules",
        &rules_arg,
        "fixtures/thresholds/net-margin-10.00.yaml",
        "fixtures/thresholds/net-margin-9.99.yaml",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with(&format!("Rule change: {rules_arg}/ at HEAD (sha256:")),
        "{stdout}"
    );
    assert!(
        stdout.contains("params: margin_floor 10% → 12%"),
        "{stdout}"
    );
    assert!(stdout.contains("+ warning  thin_net_margin"), "{stdout}");
    assert!(
        stdout.contains("2 profiles: 1 changed, 1 restate a changed param only, 0 unchanged"),
        "{stdout}"
    );

    // A revision that does not exist, a folder outside any repository, no git at all.
    let out = pitfall(&[
        "diff",
        "--base",
        "no-such-revision",
        "--rules",
        &rules_arg,
        "fixtures/thresholds/",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("diff::bad_revision"), "{stderr}");
    assert!(
        stderr.contains("`no-such-revision` is neither a folder nor a git revision"),
        "{stderr}"
    );

    let out = pitfall_env(
        &[
            "diff",
            "--base",
            "HEAD",
            "--rules",
            &rules_arg,
            "fixtures/thresholds/",
        ],
        &[("PATH", "")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("diff::git_missing"),
        "{}",
        text(&out.stderr)
    );

    let outside = rules_copy("not-a-repo", &[]);
    let out = pitfall_env(
        &[
            "diff",
            "--base",
            "HEAD",
            "--rules",
            &outside.display().to_string(),
            "fixtures/thresholds/",
        ],
        // Stop git from finding the crate's own repository above the temp folder.
        &[(
            "GIT_CEILING_DIRECTORIES",
            Path::new(env!("CARGO_TARGET_TMPDIR")).to_str().unwrap(),
        )],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("diff::not_a_repository"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_param_only_one_side_declares_is_reported_not_fatal() {
    // The new rule set renames margin_floor; brand-display-flagship sets margin_floor: 8%.
    let renamed = rules_copy(
        "renamed-param",
        &[("profit.rules", "margin_floor", "net_margin_floor")],
    );
    let out = pitfall(&[
        "diff",
        "--base",
        "rules",
        "--rules",
        &renamed.display().to_string(),
        "fixtures/brand-display-flagship.yaml",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(
            "params: margin_floor 10% → (not declared), net_margin_floor (not declared) → 10%"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("note: the profile sets `params.margin_floor: 8%`, but the new rule set does not declare it: the new audit ran without it"), "{stdout}");
    // Without its 8% floor, the cleansing balm's 9.5% margin is now under the default.
    assert!(stdout.contains("+ warning  thin_net_margin"), "{stdout}");
}

#[test]
fn bad_input_is_exit_two() {
    let out = pitfall(&["diff", "--base", "rules", "no/such/profile.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("test::no_such_path"));
    let out = pitfall(&[
        "diff",
        "--base",
        "rules",
        "fixtures/invalid/negative-money.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("profile::negative_money"));
    assert!(text(&out.stdout).contains("1 could not be compared"));
}
