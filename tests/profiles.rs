//! Loading profiles: every scenario fixture, exact money, hostile input, the JSON Schema
//! and the starter profile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use pitfall::profile::json_schema::json_schema;
use pitfall::profile::schema::{self, FieldKind, RecordSchema};
use pitfall::profile::{self, FieldValue, ProfileErrors, STARTER_PROFILE};
use pitfall::report::render_plain;
use pitfall::source::SourceFile;

#[test]
fn every_scenario_fixture_loads() {
    let files = common::yaml_files("fixtures");
    assert!(
        files.len() >= 7,
        "expected the scenario fixtures, found {files:?}"
    );
    for file in files {
        if let Err(errors) = common::validate(&file) {
            panic!("{}", render_plain(&errors));
        }
    }
}

fn load(text: &str) -> Result<profile::Profile, ProfileErrors> {
    profile::load(SourceFile::new("t.yaml", text))
}

const MINIMAL: &str = "version: 1\nbusiness:\n  name: A\n  kind: brand\n  currency: CNY\n  capital: 100\n  team: {operations: 1}\nproducts:\n  - sku: A\n    name: Down jacket\n    category: apparel\n    price: PRICE\n    unit_cost: 5\n";

#[test]
fn money_keeps_the_exact_decimal_written() {
    for (written, exact) in [
        ("399.10", "399.10"),
        ("12345678901234567.89", "12345678901234567.89"),
        ("\"399.00\"", "399.00"),
        ("'0.1'", "0.1"),
        ("1200000", "1200000"),
    ] {
        let profile = load(&MINIMAL.replace("PRICE", written)).unwrap();
        let price = profile.products[0].money("price").unwrap();
        assert_eq!(price.0.to_string(), exact, "{written}");
    }
}

#[test]
fn values_of_the_wrong_form_are_refused_with_their_code() {
    for (price, code) in [
        ("1e3", "profile::wrong_kind"),
        ("0x10", "profile::wrong_kind"),
        (".inf", "profile::wrong_kind"),
        ("-1", "profile::negative_money"),
        ("[1]", "profile::wrong_kind"),
        ("", "profile::empty_value"),
        ("\"\"", "profile::empty_value"),
        ("99999999999999999999999999999999", "profile::wrong_kind"),
    ] {
        let err = load(&MINIMAL.replace("PRICE", price)).unwrap_err();
        assert_eq!(err.codes(), [code], "price: {price}");
    }
}

#[test]
fn defaults_and_unknowns_follow_the_contract() {
    let profile = load(&MINIMAL.replace("PRICE", "10")).unwrap();
    let team = profile.business.record("team").unwrap();
    assert_eq!(team.count("design"), Some(0), "omitted staff = 0");
    assert_eq!(profile.products[0].bool("promo_item"), Some(false));
    assert_eq!(
        profile.products[0].money("logistics"),
        None,
        "unknown stays unknown"
    );
    assert!(profile.platforms.is_empty());
}

#[test]
fn sells_is_resolved_case_insensitively_and_defaults_to_everything() {
    let text = MINIMAL.replace("PRICE", "10")
        + "  - {sku: B, name: b, category: c, price: 1, unit_cost: 1}\nplatforms:\n  - {name: JD, status: planned, budget: 1, staff: 1, sells: [b]}\n  - {name: Tmall, status: planned, budget: 1, staff: 1}\n";
    let profile = load(&text).unwrap();
    assert_eq!(profile.sells, vec![vec![false, true], vec![true, true]]);
    assert!(profile.sells(1, 0));
    assert!(!profile.sells(0, 0));
}

#[test]
fn all_errors_of_a_file_are_reported_in_file_order() {
    let text = MINIMAL
        .replace("PRICE", "-10")
        .replace("kind: brand", "kind: brnad")
        + "platforms:\n  - {name: JD, status: live, budget: 1, staff: 0.5, commission: 0.08}\n";
    let err = load(&text).unwrap_err();
    assert_eq!(
        err.codes(),
        [
            "profile::unknown_word",
            "profile::negative_money",
            "profile::monthly_missing",
            "profile::not_whole",
            "profile::percent_without_sign",
        ]
    );
}

#[test]
fn percent_and_counts() {
    let with = |commission: &str| {
        load(
            &(MINIMAL.replace("PRICE", "10")
                + &format!(
                    "platforms:\n  - {{name: JD, status: planned, budget: 1, staff: 1, commission: {commission}}}\n"
                )),
        )
    };
    let p = with("\"4.5%\"").unwrap();
    assert_eq!(
        p.platforms[0].percent("commission").unwrap().0.to_string(),
        "4.5"
    );
    assert!(with("0%").is_ok());
    assert!(with("100%").is_ok());
    for (bad, code) in [
        ("0.05", "profile::percent_without_sign"),
        ("5", "profile::percent_without_sign"),
        ("-1%", "profile::percent_out_of_range"),
        ("100.01%", "profile::percent_out_of_range"),
        ("five%", "profile::wrong_kind"),
    ] {
        assert_eq!(with(bad).unwrap_err().codes(), [code], "{bad}");
    }
}

/// Runs `f` and fails if it takes a second or more.
fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{what} took {:?}",
        start.elapsed()
    );
    out
}

fn hostile(what: &str, bytes: Vec<u8>) -> Vec<String> {
    let err = quickly(what, || profile::load_bytes("hostile.yaml", bytes)).unwrap_err();
    // Rendering must not panic either, whatever the text.
    let rendered = quickly(what, || render_plain(&err));
    assert!(!rendered.is_empty());
    err.codes()
}

#[test]
fn hostile_file_over_the_size_cap() {
    let mut big = b"version: 1\n".to_vec();
    big.resize(2 * 1024 * 1024, b'#');
    assert_eq!(hostile("2 MB", big), ["profile::too_large"]);
}

#[test]
fn hostile_ten_megabyte_single_line() {
    let line = "a".repeat(10 * 1024 * 1024).into_bytes();
    assert_eq!(hostile("10 MB line", line.clone()), ["profile::too_large"]);
    // Given as text directly, the cap is checked before parsing too.
    let text = String::from_utf8(line).unwrap();
    let err = quickly("10 MB text", || profile::load(SourceFile::new("x", text))).unwrap_err();
    assert_eq!(err.codes(), ["profile::too_large"]);
}

#[test]
fn hostile_size_cap_is_checked_on_the_file_before_reading() {
    let dir = std::env::temp_dir().join(format!("pitfall-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.yaml");
    std::fs::write(&path, vec![b' '; 3 * 1024 * 1024]).unwrap();
    let err = quickly("big file", || profile::load_path(&path)).unwrap_err();
    assert_eq!(err.codes(), ["profile::too_large"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostile_invalid_utf8_reports_the_byte_offset() {
    let bytes = b"version: 1\nbusiness:\n  name: \xff\xfe\n".to_vec();
    let err = profile::load_bytes("x.yaml", bytes).unwrap_err();
    assert_eq!(err.codes(), ["profile::not_utf8"]);
    assert!(
        err.errors[0].to_string().contains("at byte 29"),
        "{}",
        err.errors[0]
    );
}

#[test]
fn hostile_deep_nesting() {
    let deep = "[".repeat(10_000).into_bytes();
    assert_eq!(hostile("deep flow", deep), ["profile::too_deep"]);
    let deep_closed = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes();
    assert_eq!(hostile("deep closed", deep_closed), ["profile::too_deep"]);
    let block: String = (0..200)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    assert_eq!(
        hostile("deep block", block.into_bytes()),
        ["profile::too_deep"]
    );
}

#[test]
fn hostile_exponential_alias_bomb() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    assert_eq!(
        hostile("billion laughs", text.into_bytes()),
        ["profile::alias"]
    );
}

#[test]
fn hostile_quadratic_alias_bomb() {
    let list = vec!["x"; 10_000].join(", ");
    let refs = vec!["*x"; 5_000].join(", ");
    let text = format!("a: &x [{list}]\nb: [{refs}]\n");
    assert_eq!(hostile("quadratic", text.into_bytes()), ["profile::alias"]);
}

#[test]
fn hostile_tab_indentation() {
    let text = b"version: 1\nbusiness:\n\tname: A\n".to_vec();
    assert_eq!(hostile("tabs", text), ["profile::yaml_syntax"]);
}

#[test]
fn hostile_empty_and_wrong_shapes() {
    assert_eq!(hostile("empty", Vec::new()), ["profile::empty"]);
    assert_eq!(hostile("spaces", b"   \n\n".to_vec()), ["profile::empty"]);
    assert_eq!(
        hostile("scalar", b"hello\n".to_vec()),
        ["profile::not_a_mapping"]
    );
    assert_eq!(
        hostile("list", b"- a\n- b\n".to_vec()),
        ["profile::not_a_mapping"]
    );
    assert_eq!(hostile("null", b"~\n".to_vec()), ["profile::not_a_mapping"]);
}

#[test]
fn hostile_binary_garbage() {
    // A fixed pseudo-random byte stream, plus the same bytes made valid UTF-8, so both
    // the decoder and the YAML parser see garbage.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    assert_eq!(hostile("binary", bytes.clone()), ["profile::not_utf8"]);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let codes = hostile("garbage text", text.into_bytes());
    assert_eq!(codes.len(), 1, "{codes:?}");
}

#[test]
fn hostile_yaml_snippets_never_panic() {
    for text in [
        "? [a]\n: b\n",
        "a: !<tag:yaml.org,2002:str> x\n",
        "a: |\n  x\n b: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 'unterminated\n",
        "{a: 1, a: 2}\n",
        "a:\n- b\n  - c\n",
        "\u{feff}version: 1\n",
        "a: \"\\uD800\"\n",
        "[a, b]: c\n",
        "a: b: c\n",
        ": x\n",
        "...\n",
        "--- |\n  text\n",
    ] {
        let result = quickly(text, || load(text));
        if let Err(err) = result {
            quickly(text, || render_plain(&err));
        }
    }
}

fn all_records() -> Vec<&'static RecordSchema> {
    let mut out = Vec::new();
    let mut todo = vec![
        &schema::BUSINESS,
        &schema::PRODUCT,
        &schema::PLATFORM,
        &schema::WAIVER,
    ];
    while let Some(record) = todo.pop() {
        out.push(record);
        for field in record.fields {
            if let FieldKind::Record(inner) = field.kind {
                todo.push(inner);
            }
        }
    }
    out
}

#[test]
fn json_schema_mentions_every_field_and_is_closed() {
    let schema = json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let text = schema.to_string();
    for record in all_records() {
        for field in record.fields {
            assert!(
                text.contains(&format!("\"{}\":", field.name)),
                "{}.{}",
                record.name,
                field.name
            );
            assert!(
                text.contains(field.doc),
                "doc of {}.{}",
                record.name,
                field.name
            );
        }
    }
    for key in schema::TOP_LEVEL_KEYS {
        assert!(schema["properties"].get(key).is_some(), "{key}");
    }
    let commission = &schema["properties"]["platforms"]["items"]["properties"]["commission"];
    assert!(commission["pattern"].as_str().unwrap().contains('%'));
    let product = &schema["properties"]["products"]["items"];
    assert_eq!(product["additionalProperties"], false);
    assert_eq!(
        product["required"],
        serde_json::json!(["sku", "name", "category", "price", "unit_cost"])
    );
    assert_eq!(
        schema["properties"]["platforms"]["items"]["properties"]["status"]["enum"],
        serde_json::json!(schema::STATUSES)
    );
}

#[test]
fn starter_profile_loads_and_passes_the_rule_set_names() {
    let profile = profile::load(SourceFile::new("starter.yaml", STARTER_PROFILE)).unwrap();
    assert!(profile::check_against(&profile, &common::rule_names()).is_empty());
    // With its commented examples switched on, it still validates.
    let uncommented = STARTER_PROFILE
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| {
                    r.starts_with("params") || r.starts_with("waivers") || r.starts_with(' ')
                })
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let profile = profile::load(SourceFile::new("starter.yaml", uncommented)).unwrap();
    assert_eq!(profile.params.len(), 1);
    assert_eq!(profile.waivers.len(), 1);
    assert!(profile::check_against(&profile, &common::rule_names()).is_empty());
    assert!(matches!(
        profile.products[0].by_name("price").map(|f| &f.value),
        Some(FieldValue::Money(_))
    ));
}
