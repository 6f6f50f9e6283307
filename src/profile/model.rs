//! The loaded profile: schema-shaped records whose fields are slots, not string keys.
//!
//! A [`Record`] holds one optional [`Field`] per field of its [`RecordSchema`], at the
//! field's index. The evaluator reads `record.get(slot)` with slots resolved when the
//! rules were checked, so evaluation never looks a name up.

use std::fmt;

use crate::money::{Money, Percent};
use crate::profile::schema::{self, RecordSchema};
use crate::source::{SourceFile, Span};

/// A calendar date `YYYY-MM-DD` (waiver expiry, audit date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2027.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31, valid for the month.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day against the month (leap years included).
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let num = |s: &str| -> Option<u16> {
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let year = num(text.get(0..4)?)?;
        let month = u8::try_from(num(text.get(5..7)?)?).ok()?;
        let day = u8::try_from(num(text.get(8..10)?)?).ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A word of a text list, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word.
    pub text: String,
    /// Where it stands in the profile.
    pub span: Span,
}

/// A field's value, of the kind its schema declares.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// `FieldKind::Money`.
    Money(Money),
    /// `FieldKind::Percent`.
    Percent(Percent),
    /// `FieldKind::Count`.
    Count(u64),
    /// `FieldKind::Bool`.
    Bool(bool),
    /// `FieldKind::Text`.
    Text(String),
    /// `FieldKind::Enum`: the schema's own word, so comparisons need no allocation.
    Enum(&'static str),
    /// `FieldKind::TextList`.
    TextList(Vec<Word>),
    /// `FieldKind::EnumList`.
    EnumList(Vec<&'static str>),
    /// `FieldKind::Record`.
    Record(Box<Record>),
    /// `FieldKind::Date`.
    Date(Date),
}

/// Where a field's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Written in the profile at this span (the value, not the key).
    Written(Span),
    /// Omitted, and the contract's stated default applies.
    Defaulted,
}

/// One present field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The value.
    pub value: FieldValue,
    /// Written or defaulted.
    pub origin: Origin,
}

/// A YAML mapping shaped by its schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Which record this is.
    pub schema: &'static RecordSchema,
    /// The whole mapping in the profile.
    pub span: Span,
    /// One entry per schema field, `None` when the profile leaves it unknown.
    // INVARIANT: slots.len() == schema.fields.len(), and each present value has the
    // kind its schema field declares; the loader is the only constructor.
    pub slots: Vec<Option<Field>>,
}

impl Record {
    /// An empty record of `schema` (every field unknown).
    pub fn empty(schema: &'static RecordSchema, span: Span) -> Record {
        Record {
            schema,
            span,
            slots: vec![None; schema.fields.len()],
        }
    }

    /// The field at `slot`, if the profile gives it.
    pub fn get(&self, slot: usize) -> Option<&Field> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// The field called `name`, if the profile gives it.
    pub fn by_name(&self, name: &str) -> Option<&Field> {
        self.get(self.schema.field(name)?.0)
    }

    /// A money field by name.
    pub fn money(&self, name: &str) -> Option<Money> {
        match self.by_name(name)?.value {
            FieldValue::Money(m) => Some(m),
            _ => None,
        }
    }

    /// A percent field by name.
    pub fn percent(&self, name: &str) -> Option<Percent> {
        match self.by_name(name)?.value {
            FieldValue::Percent(p) => Some(p),
            _ => None,
        }
    }

    /// A count field by name.
    pub fn count(&self, name: &str) -> Option<u64> {
        match self.by_name(name)?.value {
            FieldValue::Count(c) => Some(c),
            _ => None,
        }
    }

    /// A bool field by name.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.by_name(name)?.value {
            FieldValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A text or enum field by name.
    pub fn text(&self, name: &str) -> Option<&str> {
        match &self.by_name(name)?.value {
            FieldValue::Text(t) => Some(t),
            FieldValue::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// A nested record by name.
    pub fn record(&self, name: &str) -> Option<&Record> {
        match &self.by_name(name)?.value {
            FieldValue::Record(r) => Some(r),
            _ => None,
        }
    }
}

/// A `params:` entry: a per-client override, typed later against the rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSetting {
    /// The parameter's name.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The value as written (`12%`, `200000`, `true`).
    pub text: String,
    /// Where the value is written.
    pub value_span: Span,
}

/// A `waivers:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The waived rule's id.
    pub rule: Word,
    /// The product SKU or platform name it is limited to.
    pub entity: Option<Word>,
    /// Why the advice does not apply (required).
    pub reason: String,
    /// Expiry: from this date on the waiver no longer waives.
    pub until: Option<Date>,
    /// The whole entry.
    pub span: Span,
}

/// A loaded, valid profile.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The file it was read from, for diagnostics that point into it later.
    pub source: SourceFile,
    /// Format version (1).
    pub version: u64,
    /// `business:`, a [`schema::BUSINESS`] record.
    pub business: Record,
    /// `products:`, [`schema::PRODUCT`] records.
    pub products: Vec<Record>,
    /// `platforms:`, [`schema::PLATFORM`] records.
    pub platforms: Vec<Record>,
    /// `sells[platform][product]`: whether the platform sells the product.
    // INVARIANT: one row per platform, each row one entry per product; built by the
    // loader from `sells:` (omitted = every product) after every SKU was checked.
    pub sells: Vec<Vec<bool>>,
    /// `params:` overrides, in file order.
    pub params: Vec<ParamSetting>,
    /// `waivers:`, in file order.
    pub waivers: Vec<Waiver>,
}

impl Profile {
    /// Whether platform `platform` sells product `product` (both indices).
    pub fn sells(&self, platform: usize, product: usize) -> bool {
        self.sells
            .get(platform)
            .and_then(|row| row.get(product))
            .copied()
            .unwrap_or(false)
    }

    /// The profile's currency code (`CNY`).
    pub fn currency(&self) -> &str {
        self.business.text("currency").unwrap_or("CNY")
    }

    /// The business name.
    pub fn name(&self) -> &str {
        self.business.text("name").unwrap_or("")
    }

    /// The schema of the records in `products`.
    pub fn product_schema() -> &'static RecordSchema {
        &schema::PRODUCT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(
            Date::parse("2027-06-30").map(|d| d.to_string()),
            Some("2027-06-30".into())
        );
        assert!(Date::parse("2028-02-29").is_some());
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-6-30",
            "30/06/2027",
            "2027-06-31",
            "２０２７-06-30",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
