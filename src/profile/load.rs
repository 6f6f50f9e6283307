//! Loading a profile: YAML tree → schema-checked [`Profile`], every mistake collected.
//!
//! One generic walk ([`Loader::record`]) validates any record against its static
//! [`RecordSchema`]: unknown keys, required keys, value kinds, contract defaults. The
//! checks that span records (duplicate SKUs, `sells`, `monthly` on live platforms, ...)
//! run afterwards on the partly built records, so a file with a typo in one product
//! still gets its other mistakes reported in the same run.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::money::{DecimalError, Money, Percent, parse_decimal};
use crate::profile::error::{ProfileError, ProfileErrors, at, closest, did_you_mean};
use crate::profile::model::{
    Date, Field, FieldValue, Origin, ParamSetting, Profile, Record, Waiver, Word,
};
use crate::profile::schema::{
    Absent, BUSINESS, CURRENT_VERSION, DefaultValue, FieldKind, FieldSchema, PLATFORM, PRODUCT,
    RecordSchema, TOP_LEVEL_KEYS, WAIVER,
};
use crate::profile::yaml::{self, Node, NodeKind};
use crate::source::{SourceFile, Span};

/// Loads a profile from text already in memory.
pub fn load(source: SourceFile) -> Result<Profile, ProfileErrors> {
    let name = source.name().to_owned();
    let doc = yaml::parse(&source).map_err(|e| ProfileErrors::one(&name, e))?;
    let mut loader = Loader {
        src: source,
        errors: doc.problems,
        written: HashSet::new(),
    };
    let profile = loader.profile(&doc.root);
    let mut errors = loader.errors;
    match profile {
        Some(profile) if errors.is_empty() => Ok(profile),
        _ => {
            // File order reads best: the consultant fixes the file top to bottom.
            errors.sort_by_key(ProfileError::offset);
            Err(ProfileErrors { file: name, errors })
        }
    }
}

/// Loads a profile from raw file bytes, refusing oversized input and invalid UTF-8.
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> Result<Profile, ProfileErrors> {
    let source = yaml::decode(name, bytes).map_err(|e| ProfileErrors::one(name, e))?;
    load(source)
}

/// Reads and loads the profile at `path`; the path is shown as given in diagnostics.
pub fn load_path(path: &Path) -> Result<Profile, ProfileErrors> {
    let name = path.display().to_string();
    let fail = |e: ProfileError| ProfileErrors::one(&name, e);
    let meta = std::fs::metadata(path).map_err(|e| fail(ProfileError::io(&name, &e)))?;
    if meta.is_dir() {
        let err = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(fail(ProfileError::io(&name, &err)));
    }
    if meta.len() > yaml::MAX_BYTES as u64 {
        return Err(fail(ProfileError::too_large(&name, meta.len())));
    }
    // Read at most one byte past the cap: the metadata of a pipe or a device such as
    // /dev/zero says nothing about how much it will deliver.
    let file = std::fs::File::open(path).map_err(|e| fail(ProfileError::io(&name, &e)))?;
    let mut bytes = Vec::new();
    file.take(yaml::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(ProfileError::io(&name, &e)))?;
    load_bytes(&name, bytes)
}

/// `parent.key`, or `key` at the top level.
fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A value of `kind` as a consultant would write it, for help lines.
fn example(kind: FieldKind) -> String {
    match kind {
        FieldKind::Money => "399.00".to_owned(),
        FieldKind::Percent => "5%".to_owned(),
        FieldKind::Count => "2".to_owned(),
        FieldKind::Bool => "true".to_owned(),
        FieldKind::Text => "...".to_owned(),
        FieldKind::Enum(words) => words.first().copied().unwrap_or("...").to_owned(),
        FieldKind::TextList => "[...]".to_owned(),
        FieldKind::EnumList(words) => format!("[{}]", words.first().copied().unwrap_or("...")),
        FieldKind::Record(_) => "{...}".to_owned(),
        FieldKind::Date => "2027-06-30".to_owned(),
    }
}

/// What a field of `kind` must be, for "`x` must be ..." messages.
fn expected(kind: FieldKind) -> String {
    match kind {
        FieldKind::Money => "an amount of money".to_owned(),
        FieldKind::Percent => "a percent".to_owned(),
        FieldKind::Count => "a whole number".to_owned(),
        FieldKind::Bool => "`true` or `false`".to_owned(),
        FieldKind::Text => "text".to_owned(),
        FieldKind::Enum(_) => "one word".to_owned(),
        FieldKind::TextList => "a list".to_owned(),
        FieldKind::EnumList(_) => "a list of words".to_owned(),
        FieldKind::Record(_) => "a mapping of keys".to_owned(),
        FieldKind::Date => "a date `YYYY-MM-DD`".to_owned(),
    }
}

/// `` `a`, `b`, `c` `` for help lines.
fn backticked(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The help line for a percent written without `%`: the number the user meant, with `%`.
///
/// A fraction (`0.05`) is read as a share and multiplied by 100; a larger number (`5`)
/// is read as already in percent.
pub(crate) fn percent_fix(text: &str, value: Decimal) -> String {
    let fraction = value > Decimal::ZERO && value < Decimal::ONE;
    let fixed = if fraction {
        value
            .checked_mul(Decimal::ONE_HUNDRED)
            .map_or_else(|| format!("{text}%"), |p| format!("{}%", p.normalize()))
    } else {
        format!("{text}%")
    };
    format!("write `{fixed}` instead of `{text}`; percents carry their `%` sign")
}

/// The help line for text that is not a plain amount.
fn money_help(text: &str) -> String {
    let without_commas: String = text.chars().filter(|c| *c != ',').collect();
    let without_sign = text
        .trim_start_matches(['¥', '$', '€', '£', '￥'])
        .trim_end_matches('元')
        .trim();
    if text.contains(',') && parse_decimal(&without_commas).is_ok() {
        format!("write `{without_commas}` without thousands separators")
    } else if without_sign != text && parse_decimal(without_sign).is_ok() {
        format!(
            "write `{without_sign}` without a currency sign; `business.currency` gives the currency"
        )
    } else if text.ends_with('%') {
        "this is an amount of money, not a percent: write e.g. `399.00`".to_owned()
    } else {
        "write a plain amount such as `399.00` or `1200000` (no exponent, no separators)".to_owned()
    }
}

/// Collects every error of one file while building its profile.
struct Loader {
    src: SourceFile,
    errors: Vec<ProfileError>,
    /// Paths of every key written, valid or not, so a cross-field check does not call
    /// a key missing when it is present with a bad value (already reported).
    written: HashSet<String>,
}

impl Loader {
    fn push(&mut self, error: ProfileError) {
        self.errors.push(error);
    }

    /// The whole profile; `None` only when the root is not a mapping.
    fn profile(&mut self, root: &Node) -> Option<Profile> {
        let NodeKind::Map(entries) = &root.kind else {
            self.push(ProfileError::NotAMapping {
                src: self.src.clone(),
                span: root.span,
                found: root.describe(),
            });
            return None;
        };
        let head = entries.first().map_or(root.span, |(k, _)| k.span);
        let mut version = None;
        let mut business = None;
        let mut products = None;
        let mut platforms = Vec::new();
        let mut params = Vec::new();
        let mut waivers = Vec::new();
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            match name {
                "version" => version = self.version(value, key.span),
                "business" => business = self.record(&BUSINESS, value, "business", key.span),
                "products" => products = self.products(value, key.span),
                "platforms" => platforms = self.list_of(&PLATFORM, value, "platforms", key.span),
                "params" => params = self.params(value),
                "waivers" => {
                    let records = self.list_of(&WAIVER, value, "waivers", key.span);
                    waivers = records.iter().filter_map(waiver).collect();
                }
                _ => self.push(ProfileError::UnknownKey {
                    src: self.src.clone(),
                    key: name.to_owned(),
                    at: at(""),
                    span: key.span,
                    help: did_you_mean(
                        name,
                        "the top-level keys are",
                        TOP_LEVEL_KEYS.iter().copied(),
                    ),
                }),
            }
        }
        let meant: Vec<&str> = entries
            .iter()
            .filter_map(|(k, _)| k.scalar())
            .filter(|k| !TOP_LEVEL_KEYS.contains(k))
            .filter_map(|k| closest(k, TOP_LEVEL_KEYS.iter().copied()))
            .collect();
        let present =
            |k: &str| meant.contains(&k) || entries.iter().any(|(key, _)| key.scalar() == Some(k));
        for (key, example) in [
            ("version", "`version: 1`"),
            (
                "business",
                "`business:` with `name`, `kind`, `currency`, `capital` and `team`",
            ),
            ("products", "`products:` with at least one product"),
        ] {
            if !present(key) {
                self.push(ProfileError::MissingKey {
                    src: self.src.clone(),
                    key: key.to_owned(),
                    at: at(""),
                    span: head,
                    label: format!("the profile needs `{key}`"),
                    help: format!("add {example}; `pitfall init` writes a complete starter"),
                });
            }
        }
        let products = products.unwrap_or_default();
        if let Some(business) = &business {
            self.check_business(business, platforms.len());
        }
        self.check_unique(&products, "products", "sku");
        self.check_unique(&platforms, "platforms", "name");
        let sells = self.check_platforms(&platforms, &products);
        self.check_waiver_entities(&waivers, &products, &platforms);
        Some(Profile {
            source: self.src.clone(),
            version: version?,
            business: business?,
            products,
            platforms,
            sells,
            params,
            waivers,
        })
    }

    fn version(&mut self, node: &Node, key_span: Span) -> Option<u64> {
        if node.is_null() {
            self.empty_value("version", key_span, "write `version: 1`");
            return None;
        }
        let text = node.scalar().unwrap_or_default();
        if text.trim() == CURRENT_VERSION.to_string() {
            return Some(CURRENT_VERSION);
        }
        self.push(ProfileError::UnsupportedVersion {
            src: self.src.clone(),
            text: text.to_owned(),
            span: node.span,
        });
        None
    }

    fn products(&mut self, node: &Node, key_span: Span) -> Option<Vec<Record>> {
        if matches!(&node.kind, NodeKind::Seq(items) if items.is_empty()) || node.is_null() {
            self.push(ProfileError::NoProducts {
                src: self.src.clone(),
                span: if node.span.is_empty() {
                    key_span
                } else {
                    node.span
                },
            });
            return None;
        }
        Some(self.list_of(&PRODUCT, node, "products", key_span))
    }

    /// A list of records; items that are not mappings are reported and skipped.
    fn list_of(
        &mut self,
        schema: &'static RecordSchema,
        node: &Node,
        path: &str,
        key_span: Span,
    ) -> Vec<Record> {
        let NodeKind::Seq(items) = &node.kind else {
            if node.is_null() {
                self.empty_value(
                    path,
                    key_span,
                    "write a list of `- ` items, or remove the key",
                );
            } else {
                self.push(ProfileError::WrongKind {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    expected: format!("a list of {} entries", schema.name),
                    span: node.span,
                    found: node.describe(),
                    help: format!(
                        "write each {} as an item starting with `- ` under `{path}:`",
                        schema.name
                    ),
                });
            }
            return Vec::new();
        };
        let mut records = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let head = match &item.kind {
                NodeKind::Map(entries) => entries.first().map_or(item.span, |(k, _)| k.span),
                _ => item.span,
            };
            if let Some(record) = self.record(schema, item, &item_path, head) {
                records.push(record);
            }
        }
        records
    }

    /// Validates any record against its schema. `head` is what a missing-key error
    /// points at: the record's key, or its first key for a list item.
    fn record(
        &mut self,
        schema: &'static RecordSchema,
        node: &Node,
        path: &str,
        head: Span,
    ) -> Option<Record> {
        let NodeKind::Map(entries) = &node.kind else {
            if node.is_null() {
                self.empty_value(
                    path,
                    head,
                    "write its keys indented below it, or remove the key",
                );
            } else {
                let keys: Vec<&str> = schema.field_names().take(3).collect();
                self.push(ProfileError::WrongKind {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    expected: "a mapping of keys".to_owned(),
                    span: node.span,
                    found: node.describe(),
                    help: format!(
                        "write its keys indented below it, such as {}",
                        backticked(&keys)
                    ),
                });
            }
            return None;
        };
        let mut record = Record::empty(schema, node.span);
        // Fields an unknown key probably meant: the "did you mean" on the typo says
        // all there is to say, so they are not also reported as missing.
        let mut meant: Vec<&'static str> = Vec::new();
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            let Some((slot, field)) = schema.field(name) else {
                meant.extend(closest(name, schema.fields.iter().map(|f| f.name)));
                let help = did_you_mean(
                    name,
                    &format!("the keys of `{}` are", path),
                    schema.fields.iter().map(|f| f.name),
                );
                self.push(ProfileError::UnknownKey {
                    src: self.src.clone(),
                    key: name.to_owned(),
                    at: at(path),
                    span: key.span,
                    help,
                });
                continue;
            };
            let field_path = child(path, name);
            self.written.insert(field_path.clone());
            if let Some(v) = self.value(field, value, &field_path, key.span) {
                record.slots[slot] = Some(Field {
                    value: v,
                    origin: Origin::Written(value.span),
                });
            }
        }
        for (slot, field) in schema.fields.iter().enumerate() {
            if entries.iter().any(|(k, _)| k.scalar() == Some(field.name))
                || meant.contains(&field.name)
            {
                continue;
            }
            match field.absent {
                Absent::Unknown => {}
                Absent::Default(default) => {
                    record.slots[slot] = default_value(field.kind, default).map(|value| Field {
                        value,
                        origin: Origin::Defaulted,
                    });
                }
                Absent::Required if std::ptr::eq(schema, &WAIVER) && field.name == "reason" => {
                    self.push(ProfileError::WaiverWithoutReason {
                        src: self.src.clone(),
                        path: path.to_owned(),
                        span: head,
                    });
                }
                Absent::Required => {
                    let help = match field.kind {
                        FieldKind::Record(_) => format!(
                            "add `{}:` with its keys indented below it ({})",
                            field.name, field.doc
                        ),
                        kind => format!("add `{}: {}` ({})", field.name, example(kind), field.doc),
                    };
                    self.push(ProfileError::MissingKey {
                        src: self.src.clone(),
                        key: field.name.to_owned(),
                        at: at(path),
                        span: head,
                        label: format!("needs `{}`", field.name),
                        help,
                    });
                }
            }
        }
        Some(record)
    }

    fn value(
        &mut self,
        field: &'static FieldSchema,
        node: &Node,
        path: &str,
        key_span: Span,
    ) -> Option<FieldValue> {
        match field.kind {
            FieldKind::Record(schema) => self
                .record(schema, node, path, key_span)
                .map(|r| FieldValue::Record(Box::new(r))),
            FieldKind::TextList => self
                .words(node, path, key_span, field.kind)
                .map(FieldValue::TextList),
            FieldKind::EnumList(choices) => {
                let words = self.words(node, path, key_span, field.kind)?;
                let mut out = Vec::with_capacity(words.len());
                let mut ok = true;
                for (i, word) in words.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    match self.enum_word(&word.text, word.span, &item_path, choices) {
                        Some(w) => out.push(w),
                        None => ok = false,
                    }
                }
                ok.then_some(FieldValue::EnumList(out))
            }
            kind => {
                let required = field.absent == Absent::Required;
                let text = self.scalar_at(node, path, kind, required, key_span)?.trim();
                let text = text.to_owned();
                self.scalar_value(kind, &text, node.span, path)
            }
        }
    }

    /// A scalar field's value from its text.
    fn scalar_value(
        &mut self,
        kind: FieldKind,
        text: &str,
        span: Span,
        path: &str,
    ) -> Option<FieldValue> {
        match kind {
            FieldKind::Money => self.money(text, span, path).map(FieldValue::Money),
            FieldKind::Percent => self.percent(text, span, path).map(FieldValue::Percent),
            FieldKind::Count => self.count(text, span, path).map(FieldValue::Count),
            FieldKind::Bool => self.boolean(text, span, path).map(FieldValue::Bool),
            FieldKind::Text => Some(FieldValue::Text(text.to_owned())),
            FieldKind::Enum(choices) => self
                .enum_word(text, span, path, choices)
                .map(FieldValue::Enum),
            FieldKind::Date => match Date::parse(text) {
                Some(d) => Some(FieldValue::Date(d)),
                None => {
                    self.push(ProfileError::BadDate {
                        src: self.src.clone(),
                        path: path.to_owned(),
                        text: text.to_owned(),
                        span,
                    });
                    None
                }
            },
            FieldKind::TextList | FieldKind::EnumList(_) | FieldKind::Record(_) => None,
        }
    }

    /// The text of a scalar node, reporting lists, mappings and empty values.
    fn scalar<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        kind: FieldKind,
        required: bool,
    ) -> Option<&'n str> {
        self.scalar_at(node, path, kind, required, node.span)
    }

    fn scalar_at<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        kind: FieldKind,
        required: bool,
        key_span: Span,
    ) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() && !text.trim().is_empty() => {
                Some(text)
            }
            NodeKind::Scalar { .. } => {
                let key = path.rsplit('.').next().unwrap_or(path);
                let help = if required {
                    format!("`{key}` is required: write e.g. `{key}: {}`", example(kind))
                } else {
                    format!(
                        "write e.g. `{key}: {}`, or remove the key if the value is not known",
                        example(kind)
                    )
                };
                let span = if node.span.is_empty() {
                    key_span
                } else {
                    node.span
                };
                self.empty_value(path, span, &help);
                None
            }
            NodeKind::Seq(_) | NodeKind::Map(_) => {
                self.push(ProfileError::WrongKind {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    expected: expected(kind),
                    span: node.span,
                    found: node.describe(),
                    help: format!("write a single value, e.g. `{}`", example(kind)),
                });
                None
            }
        }
    }

    fn empty_value(&mut self, path: &str, span: Span, help: &str) {
        self.push(ProfileError::EmptyValue {
            src: self.src.clone(),
            path: path.to_owned(),
            span,
            help: help.to_owned(),
        });
    }

    fn wrong_kind(&mut self, kind: FieldKind, text: &str, span: Span, path: &str, help: String) {
        self.push(ProfileError::WrongKind {
            src: self.src.clone(),
            path: path.to_owned(),
            expected: expected(kind),
            span,
            found: format!("`{text}`"),
            help,
        });
    }

    fn money(&mut self, text: &str, span: Span, path: &str) -> Option<Money> {
        match parse_decimal(text) {
            Ok(d) if d.is_sign_negative() && !d.is_zero() => {
                self.push(ProfileError::NegativeMoney {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    text: text.to_owned(),
                    span,
                });
                None
            }
            Ok(d) => Some(Money(d)),
            Err(DecimalError::TooLarge) => {
                let help = "the amount has more digits than pitfall keeps exactly (28)".to_owned();
                self.wrong_kind(FieldKind::Money, text, span, path, help);
                None
            }
            Err(DecimalError::NotADecimal) => {
                self.wrong_kind(FieldKind::Money, text, span, path, money_help(text));
                None
            }
        }
    }

    fn percent(&mut self, text: &str, span: Span, path: &str) -> Option<Percent> {
        if let Some(number) = text.strip_suffix('%') {
            return match parse_decimal(number.trim_end()) {
                Ok(d) if d.is_sign_negative() && !d.is_zero() || d > Decimal::ONE_HUNDRED => {
                    self.push(ProfileError::PercentOutOfRange {
                        src: self.src.clone(),
                        path: path.to_owned(),
                        text: text.to_owned(),
                        span,
                    });
                    None
                }
                Ok(d) => Some(Percent(d)),
                Err(_) => {
                    let help = "write a percent such as `5%` or `4.5%`".to_owned();
                    self.wrong_kind(FieldKind::Percent, text, span, path, help);
                    None
                }
            };
        }
        match parse_decimal(text) {
            Ok(d) => self.push(ProfileError::PercentWithoutSign {
                src: self.src.clone(),
                path: path.to_owned(),
                text: text.to_owned(),
                span,
                help: percent_fix(text, d),
            }),
            Err(_) => {
                let help = "write a percent such as `5%` or `4.5%`".to_owned();
                self.wrong_kind(FieldKind::Percent, text, span, path, help);
            }
        }
        None
    }

    fn count(&mut self, text: &str, span: Span, path: &str) -> Option<u64> {
        match parse_decimal(text) {
            Ok(d) if d.is_sign_negative() && !d.is_zero() => {
                self.push(ProfileError::NegativeCount {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    text: text.to_owned(),
                    span,
                });
                None
            }
            Ok(d) if !d.fract().is_zero() => {
                self.push(ProfileError::NotWhole {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    text: text.to_owned(),
                    span,
                });
                None
            }
            Ok(d) => {
                let n = d.to_u64();
                if n.is_none() {
                    let help = "write a smaller whole number".to_owned();
                    self.wrong_kind(FieldKind::Count, text, span, path, help);
                }
                n
            }
            Err(_) => {
                let help = "write a whole number such as `2`".to_owned();
                self.wrong_kind(FieldKind::Count, text, span, path, help);
                None
            }
        }
    }

    fn boolean(&mut self, text: &str, span: Span, path: &str) -> Option<bool> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                let lower = text.to_lowercase();
                let help = match lower.as_str() {
                    "yes" | "y" | "on" | "true" | "是" => {
                        "write `true`; yes/no answers are written `true` or `false`".to_owned()
                    }
                    "no" | "n" | "off" | "false" | "否" => {
                        "write `false`; yes/no answers are written `true` or `false`".to_owned()
                    }
                    _ => "write `true` or `false`".to_owned(),
                };
                self.wrong_kind(FieldKind::Bool, text, span, path, help);
                None
            }
        }
    }

    fn enum_word(
        &mut self,
        word: &str,
        span: Span,
        path: &str,
        choices: &'static [&'static str],
    ) -> Option<&'static str> {
        if let Some(w) = choices.iter().find(|c| **c == word) {
            return Some(w);
        }
        let list = backticked(choices);
        let help = match closest(word, choices.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? the words are {list}"),
            None => format!("write one of {list}"),
        };
        self.push(ProfileError::UnknownWord {
            src: self.src.clone(),
            path: path.to_owned(),
            word: word.to_owned(),
            span,
            help,
        });
        None
    }

    /// A list of scalar words (tools, SKUs, targets).
    fn words(
        &mut self,
        node: &Node,
        path: &str,
        key_span: Span,
        kind: FieldKind,
    ) -> Option<Vec<Word>> {
        let NodeKind::Seq(items) = &node.kind else {
            if node.is_null() {
                let key = path.rsplit('.').next().unwrap_or(path);
                let help = format!("write e.g. `{key}: {}`, or remove the key", example(kind));
                self.empty_value(
                    path,
                    if node.span.is_empty() {
                        key_span
                    } else {
                        node.span
                    },
                    &help,
                );
            } else {
                let help = match node.scalar() {
                    Some(text) => format!("write a list in brackets, e.g. `[{}]`", text.trim()),
                    None => format!("write a list in brackets, e.g. `{}`", example(kind)),
                };
                self.push(ProfileError::WrongKind {
                    src: self.src.clone(),
                    path: path.to_owned(),
                    expected: expected(kind),
                    span: node.span,
                    found: node.describe(),
                    help,
                });
            }
            return None;
        };
        let mut words = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match self.scalar(item, &item_path, FieldKind::Text, true) {
                Some(text) => words.push(Word {
                    text: text.trim().to_owned(),
                    span: item.span,
                }),
                None => ok = false,
            }
        }
        ok.then_some(words)
    }

    /// `params:`: name → value kept as written, typed later against the rule set.
    fn params(&mut self, node: &Node) -> Vec<ParamSetting> {
        let NodeKind::Map(entries) = &node.kind else {
            if !node.is_null() {
                self.push(ProfileError::WrongKind {
                    src: self.src.clone(),
                    path: "params".to_owned(),
                    expected: "a mapping of parameter names to values".to_owned(),
                    span: node.span,
                    found: node.describe(),
                    help:
                        "write one `name: value` per line below `params:`, e.g. `margin_floor: 12%`"
                            .to_owned(),
                });
            }
            return Vec::new();
        };
        let mut params = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default().to_owned();
            let path = format!("params.{name}");
            if let Some(text) = self.scalar_at(value, &path, FieldKind::Text, true, key.span) {
                params.push(ParamSetting {
                    text: text.trim().to_owned(),
                    name,
                    name_span: key.span,
                    value_span: value.span,
                });
            }
        }
        params
    }

    fn check_business(&mut self, business: &Record, platforms: usize) {
        if let Some(Field {
            value: FieldValue::Text(code),
            origin: Origin::Written(span),
        }) = business.by_name("currency")
        {
            // `RMB` looks like a code and is the commonest mistake: it is the currency's
            // name; the ISO 4217 code is `CNY`.
            let valid =
                code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) && code != "RMB";
            if !valid {
                let upper = code.to_uppercase();
                let help = match upper.as_str() {
                    "RMB" | "YUAN" | "¥" | "￥" | "元" | "人民币" => {
                        "the ISO 4217 code for the renminbi is `CNY`: write `currency: CNY`"
                            .to_owned()
                    }
                    _ if upper.len() == 3 && upper.bytes().all(|b| b.is_ascii_uppercase()) => {
                        format!("write the code in capitals: `currency: {upper}`")
                    }
                    _ => "write an ISO 4217 code such as `CNY`, `USD` or `EUR`".to_owned(),
                };
                self.push(ProfileError::BadCurrency {
                    src: self.src.clone(),
                    text: code.clone(),
                    span: *span,
                    help,
                });
            }
        }
        if let Some(Field {
            value: FieldValue::Money(capital),
            origin: Origin::Written(span),
        }) = business.by_name("capital")
        {
            if capital.0.is_zero() && platforms > 0 {
                let listed = if platforms == 1 {
                    "1 platform is listed".to_owned()
                } else {
                    format!("{platforms} platforms are listed")
                };
                self.push(ProfileError::ZeroCapital {
                    src: self.src.clone(),
                    span: *span,
                    listed,
                });
            }
        }
    }

    /// Duplicate SKUs or platform names, compared ignoring case; both places labelled.
    fn check_unique(&mut self, records: &[Record], list: &str, key: &str) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for (i, record) in records.iter().enumerate() {
            let Some((text, span)) = written_text(record, key) else {
                continue;
            };
            match seen.get(&text.to_lowercase()) {
                Some(&first) => {
                    let path = format!("{list}[{i}]");
                    self.push(if key == "sku" {
                        ProfileError::DuplicateSku {
                            src: self.src.clone(),
                            sku: text.to_owned(),
                            path,
                            first,
                            second: span,
                        }
                    } else {
                        ProfileError::DuplicatePlatform {
                            src: self.src.clone(),
                            name: text.to_owned(),
                            path,
                            first,
                            second: span,
                        }
                    });
                }
                None => {
                    seen.insert(text.to_lowercase(), span);
                }
            }
        }
    }

    /// Status-dependent keys and `sells`; returns the sells matrix.
    fn check_platforms(&mut self, platforms: &[Record], products: &[Record]) -> Vec<Vec<bool>> {
        let skus: Vec<Option<String>> = products
            .iter()
            .map(|p| p.text("sku").map(str::to_lowercase))
            .collect();
        let mut matrix = Vec::with_capacity(platforms.len());
        for (i, platform) in platforms.iter().enumerate() {
            let path = format!("platforms[{i}]");
            if let Some(Field {
                value: FieldValue::Enum(status),
                origin: Origin::Written(status_span),
            }) = platform.by_name("status")
            {
                let live = matches!(*status, "live" | "exiting");
                if live && !self.written.contains(&format!("{path}.monthly")) {
                    self.push(ProfileError::MonthlyMissing {
                        src: self.src.clone(),
                        path: path.clone(),
                        status: (*status).to_owned(),
                        span: *status_span,
                    });
                }
                let months_live = match platform.by_name("months_live") {
                    Some(Field {
                        origin: Origin::Written(span),
                        ..
                    }) if !live => Some(*span),
                    _ => None,
                };
                if let Some(span) = months_live {
                    self.push(ProfileError::MonthsLiveNotLive {
                        src: self.src.clone(),
                        path: path.clone(),
                        status: (*status).to_owned(),
                        span,
                        status_span: *status_span,
                    });
                }
            }
            let mut row = vec![true; products.len()];
            if let Some(Field {
                value: FieldValue::TextList(sells),
                ..
            }) = platform.by_name("sells")
            {
                row = vec![false; products.len()];
                for (j, word) in sells.iter().enumerate() {
                    let lower = word.text.to_lowercase();
                    match skus
                        .iter()
                        .position(|s| s.as_deref() == Some(lower.as_str()))
                    {
                        Some(p) => row[p] = true,
                        None => {
                            let known: Vec<&str> =
                                products.iter().filter_map(|p| p.text("sku")).collect();
                            self.push(ProfileError::UnknownSku {
                                src: self.src.clone(),
                                path: format!("{path}.sells[{j}]"),
                                sku: word.text.clone(),
                                span: word.span,
                                help: did_you_mean(
                                    &word.text,
                                    "the products' SKUs are",
                                    known.iter().copied(),
                                ),
                            });
                        }
                    }
                }
            }
            matrix.push(row);
        }
        matrix
    }

    fn check_waiver_entities(
        &mut self,
        waivers: &[Waiver],
        products: &[Record],
        platforms: &[Record],
    ) {
        let names: Vec<&str> = products
            .iter()
            .filter_map(|p| p.text("sku"))
            .chain(platforms.iter().filter_map(|p| p.text("name")))
            .collect();
        for (i, waiver) in waivers.iter().enumerate() {
            let Some(entity) = &waiver.entity else {
                continue;
            };
            let lower = entity.text.to_lowercase();
            if !names.iter().any(|n| n.to_lowercase() == lower) {
                self.push(ProfileError::UnknownEntity {
                    src: self.src.clone(),
                    path: format!("waivers[{i}].entity"),
                    entity: entity.text.clone(),
                    span: entity.span,
                    help: did_you_mean(
                        &entity.text,
                        "it may name a product's `sku` or a platform's `name`:",
                        names.iter().copied(),
                    ),
                });
            }
        }
    }
}

/// A text field written in the file, with its span.
fn written_text<'r>(record: &'r Record, name: &str) -> Option<(&'r str, Span)> {
    match record.by_name(name)? {
        Field {
            value: FieldValue::Text(text),
            origin: Origin::Written(span),
        } => Some((text, *span)),
        _ => None,
    }
}

/// The value the contract gives an omitted field.
fn default_value(kind: FieldKind, default: DefaultValue) -> Option<FieldValue> {
    match (default, kind) {
        (DefaultValue::Zero, FieldKind::Money) => Some(FieldValue::Money(Money::ZERO)),
        (DefaultValue::Zero, FieldKind::Count) => Some(FieldValue::Count(0)),
        (DefaultValue::Zero, FieldKind::Percent) => Some(FieldValue::Percent(Percent::default())),
        (DefaultValue::False, FieldKind::Bool) => Some(FieldValue::Bool(false)),
        // INVARIANT: the schema pairs Zero with numbers and False with bools; the
        // `defaults_fit_their_kinds` test checks every field.
        _ => None,
    }
}

/// A waiver record as a [`Waiver`], when its required fields are valid.
fn waiver(record: &Record) -> Option<Waiver> {
    let word = |name: &str| {
        written_text(record, name).map(|(text, span)| Word {
            text: text.to_owned(),
            span,
        })
    };
    let until = match record.by_name("until") {
        Some(Field {
            value: FieldValue::Date(d),
            ..
        }) => Some(*d),
        _ => None,
    };
    let reason = record.text("reason")?.to_owned();
    Some(Waiver {
        rule: word("rule")?,
        entity: word("entity"),
        reason,
        until,
        span: record.span,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::profile::schema;

    #[test]
    fn defaults_fit_their_kinds() {
        for record in [
            &schema::BUSINESS,
            &schema::TEAM,
            &schema::MONTHLY_COSTS,
            &schema::PLANNING,
            &schema::PRODUCT,
            &schema::PLATFORM,
            &schema::FEES,
            &schema::MONTHLY,
            &schema::PROMOTION,
            &schema::WAIVER,
        ] {
            for field in record.fields {
                if let Absent::Default(d) = field.absent {
                    assert!(
                        default_value(field.kind, d).is_some(),
                        "{}.{}",
                        record.name,
                        field.name
                    );
                }
            }
        }
    }

    #[test]
    fn percent_fix_reads_fractions_as_shares() {
        assert!(
            percent_fix("0.05", Decimal::new(5, 2)).starts_with("write `5%` instead of `0.05`")
        );
        assert!(percent_fix("5", Decimal::from(5)).starts_with("write `5%` instead of `5`"));
        assert!(percent_fix("0.125", Decimal::new(125, 3)).starts_with("write `12.5%`"));
    }
}
