//! Every way a profile can be wrong, as diagnostics with a stable code, a label and a help line.
//!
//! Messages follow one style: lowercase, no final period, the user's input in backticks,
//! the YAML path of the value (`platforms[1].commission`), no Rust type names. What to
//! do about it goes into `help`, with the right form written out.

use std::fmt;

use miette::Diagnostic;
use thiserror::Error;

use crate::source::{SourceFile, Span};

/// One mistake in a profile.
#[derive(Debug, Error, Diagnostic)]
pub enum ProfileError {
    /// The file could not be read (missing, a directory, no permission).
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(profile::io))]
    Io {
        /// The path as the user gave it.
        path: String,
        /// What the operating system said, in words.
        reason: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// A file `pitfall init` cannot write (it exists, its folder does not, no
    /// permission).
    #[error("cannot write `{path}`: {reason}")]
    #[diagnostic(code(profile::write))]
    CannotWrite {
        /// The path as the user gave it.
        path: String,
        /// What the operating system said, in words.
        reason: String,
        /// What to do.
        #[help]
        help: String,
    },

    /// The file is over [`crate::profile::MAX_BYTES`].
    #[error("`{path}` is {size} bytes, over the {limit}-byte limit for a profile")]
    #[diagnostic(
        code(profile::too_large),
        help(
            "a profile is a few kilobytes of hand-written YAML; check that this is the right file"
        )
    )]
    TooLarge {
        /// The path as the user gave it.
        path: String,
        /// Its size in bytes.
        size: u64,
        /// The cap.
        limit: usize,
    },

    /// Bytes that are not UTF-8.
    #[error("the profile is not valid UTF-8 at byte {offset}")]
    #[diagnostic(
        code(profile::not_utf8),
        help(
            "save the file as UTF-8; editors set to GBK or GB2312 for Chinese text write other bytes"
        )
    )]
    NotUtf8 {
        /// The file, with invalid bytes shown as `�`.
        #[source_code]
        src: SourceFile,
        /// The first invalid byte.
        #[label("not UTF-8")]
        span: Span,
        /// Its byte offset.
        offset: usize,
    },

    /// The YAML parser refused the text.
    #[error("invalid YAML: {message}")]
    #[diagnostic(code(profile::yaml_syntax))]
    YamlSyntax {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// Where the parser stopped.
        #[label("{label}")]
        span: Span,
        /// Label text.
        label: String,
        /// An unclosed bracket that likely caused it.
        #[label("opened here")]
        opened: Option<Span>,
        /// The parser's message.
        message: String,
        /// A hint for the likely cause.
        #[help]
        help: String,
    },

    /// `&anchor` or `*alias`.
    #[error("anchors and aliases are not supported in a profile")]
    #[diagnostic(
        code(profile::alias),
        help(
            "write the value out in full where it is needed; `&name` and `*name` are refused because a few lines of them can expand into gigabytes"
        )
    )]
    Alias {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The anchor or alias.
        #[label("anchor or alias")]
        span: Span,
    },

    /// A `!tag`.
    #[error("tag `{tag}` is not supported in a profile")]
    #[diagnostic(
        code(profile::tag),
        help("remove the tag; put the value in quotes if it must be read as text")
    )]
    Tag {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The tagged node.
        #[label("tagged value")]
        span: Span,
        /// The tag as written.
        tag: String,
    },

    /// Nesting beyond [`crate::profile::MAX_DEPTH`].
    #[error("the YAML nests deeper than {limit} levels")]
    #[diagnostic(
        code(profile::too_deep),
        help("a profile nests at most four levels; check for unclosed `[` or `{{`")
    )]
    TooDeep {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The first collection past the limit.
        #[label("too deep")]
        span: Span,
        /// The cap.
        limit: usize,
    },

    /// A `---` starting a second document.
    #[error("a profile is one YAML document, and this file holds more")]
    #[diagnostic(
        code(profile::multiple_documents),
        help(
            "remove this `---` line and what follows, or move the second profile to its own file"
        )
    )]
    MultipleDocuments {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The second document's start.
        #[label("second document")]
        span: Span,
    },

    /// A list or mapping used as a mapping key.
    #[error("a mapping key must be a plain word")]
    #[diagnostic(
        code(profile::complex_key),
        help("write keys as `name: value`; a list or mapping cannot be a key")
    )]
    ComplexKey {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The key.
        #[label("not a word")]
        span: Span,
    },

    /// The document is a scalar or a list instead of a mapping of keys.
    #[error("the profile must be a mapping of keys like `version:` and `business:`, found {found}")]
    #[diagnostic(
        code(profile::not_a_mapping),
        help("start from `pitfall init PROFILE.yaml`, which writes a commented starter profile")
    )]
    NotAMapping {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The document.
        #[label("not a mapping")]
        span: Span,
        /// What it is instead.
        found: String,
    },

    /// Nothing but comments and blank lines.
    #[error("the profile is empty")]
    #[diagnostic(
        code(profile::empty),
        help("start from `pitfall init PROFILE.yaml`, which writes a commented starter profile")
    )]
    Empty {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// Its start.
        #[label("nothing here")]
        span: Span,
    },

    /// The same key twice in one mapping.
    #[error("duplicate key `{key}`")]
    #[diagnostic(
        code(profile::duplicate_key),
        help("keep one of them; YAML tools disagree on which one wins")
    )]
    DuplicateKey {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The key.
        key: String,
        // `second` comes first: the first label decides where the error sorts, and the
        // repeat is the mistake.
        /// Its second use.
        #[label("again here")]
        second: Span,
        /// Its first use.
        #[label("first here")]
        first: Span,
    },

    /// A key the schema does not have.
    #[error("unknown key `{key}` {at}")]
    #[diagnostic(code(profile::unknown_key))]
    UnknownKey {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The key.
        key: String,
        /// "at `products[1]`" or "at the top level".
        at: String,
        /// The key's token.
        #[label("unknown key")]
        span: Span,
        /// Did you mean, or the keys that exist.
        #[help]
        help: String,
    },

    /// A required key that is not there.
    #[error("missing key `{key}` {at}")]
    #[diagnostic(code(profile::missing_key))]
    MissingKey {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The missing key.
        key: String,
        /// "at `products[1]`" or "at the top level".
        at: String,
        /// The record's head (its key, or its first key for a list item).
        #[label("{label}")]
        span: Span,
        /// Label text.
        label: String,
        /// The key to add, with an example value.
        #[help]
        help: String,
    },

    /// A value of the wrong kind (text where money is expected, a scalar for a record).
    #[error("`{path}` must be {expected}")]
    #[diagnostic(code(profile::wrong_kind))]
    WrongKind {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// "an amount of money", "a list of words", ...
        expected: String,
        /// The value.
        #[label("found {found}")]
        span: Span,
        /// What was written instead.
        found: String,
        /// The right form.
        #[help]
        help: String,
    },

    /// A key with no value (`commission:` and nothing after it).
    #[error("`{path}` has no value")]
    #[diagnostic(code(profile::empty_value))]
    EmptyValue {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The key.
        #[label("no value")]
        span: Span,
        /// What to write.
        #[help]
        help: String,
    },

    /// Money below zero.
    #[error("`{path}` is negative: `{text}`")]
    #[diagnostic(
        code(profile::negative_money),
        help(
            "amounts in a profile are never negative: write the amount without `-` (a loss shows up in the audit, not in the profile)"
        )
    )]
    NegativeMoney {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("negative amount")]
        span: Span,
    },

    /// A count below zero.
    #[error("`{path}` is negative: `{text}`")]
    #[diagnostic(
        code(profile::negative_count),
        help("counts of people, orders and months are never negative: write `0` or more")
    )]
    NegativeCount {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("negative count")]
        span: Span,
    },

    /// A count with a fraction.
    #[error("`{path}` must be a whole number, found `{text}`")]
    #[diagnostic(
        code(profile::not_whole),
        help("counts are whole people, orders or months: round to a whole number, e.g. `2`")
    )]
    NotWhole {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("not a whole number")]
        span: Span,
    },

    /// A percent field written as a bare number.
    #[error("`{path}` must be a percent written with `%`, found `{text}`")]
    #[diagnostic(code(profile::percent_without_sign))]
    PercentWithoutSign {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("no `%`")]
        span: Span,
        /// "write `5%` instead of `0.05`".
        #[help]
        help: String,
    },

    /// A percent below 0% or above 100%.
    #[error("`{path}` is `{text}`, outside 0% to 100%")]
    #[diagnostic(
        code(profile::percent_out_of_range),
        help("write a share between `0%` and `100%`, e.g. `5%`")
    )]
    PercentOutOfRange {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("out of range")]
        span: Span,
    },

    /// An enum field with a word not in its list.
    #[error("`{path}` is `{word}`, which is not one of its words")]
    #[diagnostic(code(profile::unknown_word))]
    UnknownWord {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The word as written.
        word: String,
        /// The word.
        #[label("unknown word")]
        span: Span,
        /// Did you mean, and the allowed words.
        #[help]
        help: String,
    },

    /// `products:` missing its entries.
    #[error("`products` lists no product")]
    #[diagnostic(
        code(profile::no_products),
        help(
            "add at least one product with `sku`, `name`, `category`, `price` and `unit_cost`; `pitfall init` shows one"
        )
    )]
    NoProducts {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The `products` value.
        #[label("empty")]
        span: Span,
    },

    /// Two products with the same SKU (ignoring case).
    #[error("duplicate sku `{sku}` at `{path}`")]
    #[diagnostic(
        code(profile::duplicate_sku),
        help("give each product its own `sku`; SKUs are compared ignoring case")
    )]
    DuplicateSku {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The second SKU as written.
        sku: String,
        /// The second product's path.
        path: String,
        /// Second product's SKU (first field: errors sort by their first label).
        #[label("used again here")]
        second: Span,
        /// First product's SKU.
        #[label("first used here")]
        first: Span,
    },

    /// Two platforms with the same name (ignoring case).
    #[error("duplicate platform `{name}` at `{path}`")]
    #[diagnostic(
        code(profile::duplicate_platform),
        help(
            "list each platform once, comparing names ignoring case; several stores on one platform are one entry with their totals"
        )
    )]
    DuplicatePlatform {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The second name as written.
        name: String,
        /// The second platform's path.
        path: String,
        /// Second platform's name (first field: errors sort by their first label).
        #[label("listed again here")]
        second: Span,
        /// First platform's name.
        #[label("first listed here")]
        first: Span,
    },

    /// A `sells` entry naming no product.
    #[error("`{path}` names `{sku}`, which is no product's sku")]
    #[diagnostic(code(profile::unknown_sku))]
    UnknownSku {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path of the list entry.
        path: String,
        /// The SKU as written.
        sku: String,
        /// The entry.
        #[label("no such product")]
        span: Span,
        /// Did you mean, or the SKUs.
        #[help]
        help: String,
    },

    /// A waiver `entity` naming no product or platform.
    #[error("`{path}` names `{entity}`, which is neither a product sku nor a platform")]
    #[diagnostic(code(profile::unknown_entity))]
    UnknownEntity {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The entity as written.
        entity: String,
        /// The value.
        #[label("nothing by this name")]
        span: Span,
        /// Did you mean, or what it may name.
        #[help]
        help: String,
    },

    /// A live or exiting platform without `monthly`.
    #[error("missing key `monthly` at `{path}`, required on a `{status}` platform")]
    #[diagnostic(
        code(profile::monthly_missing),
        help(
            "add the platform's monthly results, e.g. `monthly: {{gmv: 60000, orders: 150}}`; if it is not selling yet, set `status: planned` or `onboarding`"
        )
    )]
    MonthlyMissing {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The platform's path.
        path: String,
        /// Its status.
        status: String,
        /// The status value.
        #[label("{status} platforms report monthly results")]
        span: Span,
    },

    /// `months_live` on a platform that is not live yet.
    #[error("`{path}.months_live` is set on a `{status}` platform")]
    #[diagnostic(
        code(profile::months_live_not_live),
        help("remove `months_live`, or set `status: live` if the platform is already selling")
    )]
    MonthsLiveNotLive {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The platform's path.
        path: String,
        /// Its status.
        status: String,
        /// The `months_live` value.
        #[label("months live")]
        span: Span,
        /// The status value.
        #[label("not live yet")]
        status_span: Span,
    },

    /// `capital: 0` with platforms listed.
    #[error("`business.capital` is 0 but {listed}")]
    #[diagnostic(
        code(profile::zero_capital),
        help(
            "enter the money available for e-commerce this year; if it is truly unknown, ask the client before auditing"
        )
    )]
    ZeroCapital {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The capital value.
        #[label("no capital")]
        span: Span,
        /// "2 platforms are listed".
        listed: String,
    },

    /// A date that is not `YYYY-MM-DD` or not on the calendar.
    #[error("`{path}` must be a date `YYYY-MM-DD`, found `{text}`")]
    #[diagnostic(
        code(profile::bad_date),
        help("write a calendar day as year-month-day with leading zeros, e.g. `2027-06-30`")
    )]
    BadDate {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("not a date")]
        span: Span,
    },

    /// A waiver with no `reason`, or an empty one.
    #[error("the waiver at `{path}` has no reason")]
    #[diagnostic(
        code(profile::waiver_without_reason),
        help(
            "add `reason:` saying why this advice does not apply to this client; the next consultant reads it"
        )
    )]
    WaiverWithoutReason {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The waiver's path.
        path: String,
        /// The waiver's head.
        #[label("waiver without a reason")]
        span: Span,
    },

    /// `version` is not 1.
    #[error("unsupported profile version `{text}`")]
    #[diagnostic(
        code(profile::unsupported_version),
        help("this pitfall reads profile version 1: write `version: 1`")
    )]
    UnsupportedVersion {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The value as written.
        text: String,
        /// The value.
        #[label("unsupported")]
        span: Span,
    },

    /// `business.currency` is not three uppercase letters.
    #[error("`business.currency` must be a 3-letter ISO 4217 code, found `{text}`")]
    #[diagnostic(code(profile::bad_currency))]
    BadCurrency {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The value as written.
        text: String,
        /// The value.
        #[label("not a currency code")]
        span: Span,
        /// The code to write.
        #[help]
        help: String,
    },

    /// A `params` key the rule set does not declare.
    #[error("unknown parameter `{name}` in `params`")]
    #[diagnostic(code(profile::unknown_param))]
    UnknownParam {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The name as written.
        name: String,
        /// The key.
        #[label("not declared by the rule set")]
        span: Span,
        /// Did you mean, or the declared names.
        #[help]
        help: String,
    },

    /// A `params` value of the wrong kind for its declaration.
    #[error("`params.{name}` must be {expected}, found `{text}`")]
    #[diagnostic(code(profile::param_kind))]
    ParamKind {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The parameter.
        name: String,
        /// "a percent written with `%`", ...
        expected: String,
        /// The value as written.
        text: String,
        /// The value.
        #[label("wrong kind")]
        span: Span,
        /// The right form.
        #[help]
        help: String,
    },

    /// A waiver naming a rule the rule set does not have.
    #[error("`{path}` names `{rule}`, which is not a rule of the rule set")]
    #[diagnostic(code(profile::unknown_rule))]
    UnknownRule {
        /// The file.
        #[source_code]
        src: SourceFile,
        /// The YAML path.
        path: String,
        /// The rule id as written.
        rule: String,
        /// The value.
        #[label("no such rule")]
        span: Span,
        /// Did you mean.
        #[help]
        help: String,
    },
}

impl ProfileError {
    /// A file over the size cap.
    pub fn too_large(path: &str, size: u64) -> ProfileError {
        ProfileError::TooLarge {
            path: path.to_owned(),
            size,
            limit: crate::profile::MAX_BYTES,
        }
    }

    /// A file that cannot be written, with advice for the usual causes.
    pub fn write(path: &str, err: &std::io::Error) -> ProfileError {
        use std::io::ErrorKind;
        let (reason, help) = match err.kind() {
            ErrorKind::AlreadyExists => (
                "the file already exists".to_owned(),
                "pass `--force` to overwrite it, or choose another name",
            ),
            ErrorKind::NotFound => (
                "its folder does not exist".to_owned(),
                "create the folder first, or choose another path",
            ),
            ErrorKind::PermissionDenied => (
                "permission denied".to_owned(),
                "check that you may write there",
            ),
            ErrorKind::IsADirectory => (
                "it is a directory".to_owned(),
                "name a file, e.g. `client.yaml`",
            ),
            _ => (
                err.to_string().to_lowercase(),
                "check that the path names a file you may write",
            ),
        };
        ProfileError::CannotWrite {
            path: path.to_owned(),
            reason,
            help: help.to_owned(),
        }
    }

    /// A file that cannot be read, with advice for the usual causes.
    pub fn io(path: &str, err: &std::io::Error) -> ProfileError {
        use std::io::ErrorKind;
        let (reason, help) = match err.kind() {
            ErrorKind::NotFound => (
                "no such file".to_owned(),
                "check the path; profiles usually end in `.yaml`",
            ),
            ErrorKind::PermissionDenied => (
                "permission denied".to_owned(),
                "check that you may read the file",
            ),
            ErrorKind::IsADirectory => (
                "it is a directory".to_owned(),
                "name the profile files, e.g. `fixtures/*.yaml`",
            ),
            _ => (
                err.to_string().to_lowercase(),
                "check that the path names a readable profile file",
            ),
        };
        ProfileError::Io {
            path: path.to_owned(),
            reason,
            help: help.to_owned(),
        }
    }

    /// The stable code, e.g. `profile::unknown_key`.
    pub fn code_str(&self) -> String {
        self.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// Where the error points (its first label), for sorting a file's errors by position.
    pub fn offset(&self) -> usize {
        self.labels()
            .and_then(|mut labels| labels.next())
            .map_or(0, |l| l.offset())
    }
}

/// All errors of one profile file, reported together.
#[derive(Debug, Diagnostic)]
#[diagnostic(code(profile::invalid))]
pub struct ProfileErrors {
    /// The file's name as the user gave it.
    pub file: String,
    /// Its errors, in file order.
    #[related]
    pub errors: Vec<ProfileError>,
}

impl ProfileErrors {
    /// One error for `file`.
    pub fn one(file: &str, error: ProfileError) -> ProfileErrors {
        ProfileErrors {
            file: file.to_owned(),
            errors: vec![error],
        }
    }

    /// The errors' codes, in order; handy in tests.
    pub fn codes(&self) -> Vec<String> {
        self.errors.iter().map(ProfileError::code_str).collect()
    }
}

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [ProfileError::Io { .. }] = self.errors.as_slice() {
            return write!(f, "`{}` could not be checked", self.file);
        }
        let n = self.errors.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(
            f,
            "`{}` is not a valid profile: {n} error{plural}",
            self.file
        )
    }
}

impl std::error::Error for ProfileErrors {}

/// "at `products[1]`", or "at the top level" for the root.
pub(crate) fn at(path: &str) -> String {
    if path.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("at `{path}`")
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or a list of what exists.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    what: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    match closest(word, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let all: Vec<String> = candidates
                .into_iter()
                .take(30)
                .map(|c| format!("`{c}`"))
                .collect();
            if all.is_empty() {
                format!("there are no {what} to name here")
            } else {
                format!("{what}: {}", all.join(", "))
            }
        }
    }
}
