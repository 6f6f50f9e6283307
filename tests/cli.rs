//! The `pitfall` binary end to end: exit codes, stdout, stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use pitfall::report::render_plain;

use common::pitfall;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn validate_accepts_every_scenario_fixture() {
    let files: Vec<String> = common::yaml_files("fixtures")
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = pitfall(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for file in &files {
        assert!(stdout.contains(&format!("ok  {file}\n")), "{stdout}");
    }
    assert!(text(&out.stderr).ends_with(&format!("{} profiles valid\n", files.len())));
}

#[test]
fn validate_rejects_each_invalid_fixture_with_exactly_its_snapshot_diagnostics() {
    let files = common::yaml_files("fixtures/invalid");
    assert!(files.len() >= 24);
    for file in files {
        let name = file.display().to_string();
        let out = pitfall(&["validate", &name]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}");
        // The binary prints what the snapshot test renders: same diagnostics, same names.
        let expected = render_plain(&common::validate(&file).unwrap_err());
        assert!(
            stderr.starts_with(&expected),
            "{name}:\n{stderr}\n---\n{expected}"
        );
        assert!(stderr.contains("1 of 1 profile invalid, "), "{name}");
    }
}

#[test]
fn validate_reports_every_file_and_a_summary() {
    let out = pitfall(&[
        "validate",
        "fixtures/well-run-single-platform.yaml",
        "fixtures/invalid/percent-without-sign.yaml",
        "fixtures/invalid/no-such-file.yaml",
        "fixtures",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stdout),
        "ok  fixtures/well-run-single-platform.yaml\n"
    );
    let stderr = text(&out.stderr);
    for needle in [
        "profile::percent_without_sign",
        "cannot read `fixtures/invalid/no-such-file.yaml`: no such file",
        "cannot read `fixtures`: it is a directory",
        "3 of 4 profiles invalid, 3 errors in all",
    ] {
        assert!(stderr.contains(needle), "{needle}\n{stderr}");
    }
}

#[test]
fn validate_survives_hostile_files() {
    let dir = std::env::temp_dir().join(format!("pitfall-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, Vec<u8>); 4] = [
        ("big.yaml", vec![b'a'; 2 * 1024 * 1024]),
        ("deep.yaml", b"[".repeat(10_000)),
        ("binary.yaml", (0..=255u8).cycle().take(10_000).collect()),
        (
            "bomb.yaml",
            format!(
                "a: &x [{}]\nb: [{}]\n",
                vec!["x"; 5000].join(","),
                vec!["*x"; 5000].join(",")
            )
            .into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let start = std::time::Instant::now();
        let out = pitfall(&["validate", path.to_str().unwrap()]);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{name}"
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
        assert!(!out.stderr.is_empty());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn init_writes_a_profile_that_validates_and_refuses_to_overwrite() {
    let out = pitfall(&["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), pitfall::profile::STARTER_PROFILE);

    let dir = std::env::temp_dir().join(format!("pitfall-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("client.yaml");
    let file_s = file.to_str().unwrap();
    assert_eq!(pitfall(&["init", file_s]).status.code(), Some(0));
    let validated = pitfall(&["validate", file_s]);
    assert_eq!(
        validated.status.code(),
        Some(0),
        "{}",
        text(&validated.stderr)
    );

    std::fs::write(&file, "mine").unwrap();
    let again = pitfall(&["init", file_s]);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(err.contains("profile::write"), "{err}");
    assert!(err.contains("the file already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    // A folder, or a path whose folder is missing, is said as such, not as a read.
    let dir_s = dir.to_str().unwrap();
    let missing = dir.join("missing").join("client.yaml");
    for (path, reason) in [
        (dir_s, "it is a directory"),
        (missing.to_str().unwrap(), "its folder does not exist"),
    ] {
        let out = pitfall(&["init", path]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("cannot write `{path}`: {reason}")),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "mine",
        "not overwritten"
    );
    assert_eq!(pitfall(&["init", "--force", file_s]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        pitfall::profile::STARTER_PROFILE
    );
    std::fs::remove_dir_all(Path::new(&dir)).unwrap();
}

#[test]
fn schema_prints_json_schema() {
    let out = pitfall(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value, pitfall::profile::json_schema::json_schema());
}

#[test]
fn every_command_has_help_with_an_example() {
    for args in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["init", "--help"],
        vec!["schema", "--help"],
    ] {
        let out = pitfall(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("Examples:\n  pitfall "),
            "{args:?}: {stdout}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(pitfall(&[]).status.code(), Some(2));
    assert_eq!(pitfall(&["validate"]).status.code(), Some(2));
    assert_eq!(pitfall(&["frobnicate"]).status.code(), Some(2));
}

/// The sketch of LANGUAGE.md, in this language's syntax (`rules/sketch.rules.example`),
/// checks clean: exit 0 (its one warning, an unused param, is the sketch's own).
#[test]
fn the_language_sketch_checks() {
    let dir = std::env::temp_dir().join(format!("pitfall-sketch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::root().join("rules/sketch.rules.example"),
        dir.join("sketch.rules"),
    )
    .unwrap();
    let out = pitfall(&["check", "--rules", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("ok: 1 rules"),
        "{}",
        text(&out.stderr)
    );
}
