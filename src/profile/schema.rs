//! The profile's schema as data: every record, field, kind and default of PROFILE.md.
//!
//! One table serves four readers: the YAML loader (keys, kinds, required fields),
//! `pitfall schema` (JSON Schema for editors), the rule checker (field paths and
//! their types) and the evaluator (a field is a slot index, not a string key).
//! Changing the profile format means changing this file, and all four follow.

/// The kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Exact decimal amount in the profile's currency; never negative in a profile.
    Money,
    /// A percentage written with `%`, between 0% and 100%.
    Percent,
    /// A whole number, not negative.
    Count,
    /// `true` or `false`.
    Bool,
    /// Free text (UTF-8).
    Text,
    /// One word from a fixed list.
    Enum(&'static [&'static str]),
    /// A list of free-text words (tools, SKUs, categories).
    TextList,
    /// A list of words from a fixed list.
    EnumList(&'static [&'static str]),
    /// A nested record.
    Record(&'static RecordSchema),
    /// A calendar date `YYYY-MM-DD`.
    Date,
}

/// What a field is when the profile omits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absent {
    /// The profile must give it; omitting it is an input error.
    Required,
    /// Unknown: a rule that needs it cannot assess and asks for it.
    Unknown,
    /// The contract gives it a value (stated in the field's doc), e.g. "omitted = 0 people".
    Default(DefaultValue),
}

/// A default stated by the profile contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// Zero of the field's kind (money or count).
    Zero,
    /// `false`.
    False,
}

/// One field of a record.
#[derive(Debug)]
pub struct FieldSchema {
    /// The YAML key and the name rules use (`unit_cost`).
    pub name: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// What an omitted field means.
    pub absent: Absent,
    /// One line for editors and `pitfall schema`.
    pub doc: &'static str,
}

/// A record: a YAML mapping with a fixed set of keys.
#[derive(Debug)]
pub struct RecordSchema {
    /// The name rules and messages use (`product`, `platform.monthly`).
    pub name: &'static str,
    /// Its fields, in the order of PROFILE.md; a field's index is its slot.
    pub fields: &'static [FieldSchema],
}

/// Records are statics: two are the same record exactly when they are the same static.
impl PartialEq for RecordSchema {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Hashed as compared: by which static it is.
impl std::hash::Hash for RecordSchema {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(self, state);
    }
}

impl Eq for RecordSchema {}

impl RecordSchema {
    /// The slot and schema of the field called `name`.
    pub fn field(&self, name: &str) -> Option<(usize, &'static FieldSchema)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }

    /// The slot of a field this crate knows to exist (for code that reads fixed fields).
    pub fn slot(&self, name: &str) -> usize {
        // INVARIANT: only called with names from this file; a typo is caught by the
        // `every_slot_lookup_in_the_crate_resolves` test below.
        self.field(name).map_or(usize::MAX, |(i, _)| i)
    }

    /// Field names, for "did you mean" suggestions.
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }
}

const fn field(
    name: &'static str,
    kind: FieldKind,
    absent: Absent,
    doc: &'static str,
) -> FieldSchema {
    FieldSchema {
        name,
        kind,
        absent,
        doc,
    }
}

use Absent::{Default as Defaults, Required, Unknown};
use DefaultValue::{False, Zero};
use FieldKind::*;

/// `business.kind`.
pub const BUSINESS_KINDS: &[&str] = &["brand", "distributor"];
/// `business.goal`.
pub const GOALS: &[&str] = &["sales", "brand_display", "undecided"];
/// `business.management`.
pub const MATURITY: &[&str] = &["low", "medium", "high"];
/// `business.planning.targets`.
pub const TARGETS: &[&str] = &["gmv", "profit", "traffic", "conversion", "repeat_rate"];
/// `platform.status`.
pub const STATUSES: &[&str] = &["planned", "onboarding", "live", "exiting"];
/// `platform.monthly.traffic`.
pub const TRAFFIC: &[&str] = &["growing", "stable", "declining", "none"];

/// `business.team`: e-commerce staff company-wide.
pub static TEAM: RecordSchema = RecordSchema {
    name: "business.team",
    fields: &[
        field(
            "operations",
            Count,
            Defaults(Zero),
            "operations staff (omitted = 0)",
        ),
        field(
            "planning",
            Count,
            Defaults(Zero),
            "planning staff (omitted = 0)",
        ),
        field(
            "design",
            Count,
            Defaults(Zero),
            "design staff (omitted = 0)",
        ),
        field(
            "customer_service",
            Count,
            Defaults(Zero),
            "customer service staff (omitted = 0)",
        ),
        field(
            "content",
            Count,
            Defaults(Zero),
            "content staff (omitted = 0)",
        ),
    ],
};

/// `business.monthly_costs`: overheads every order must carry.
pub static MONTHLY_COSTS: RecordSchema = RecordSchema {
    name: "business.monthly_costs",
    fields: &[
        field(
            "labor",
            Money,
            Defaults(Zero),
            "monthly labor cost (omitted = 0)",
        ),
        field("rent", Money, Defaults(Zero), "monthly rent (omitted = 0)"),
        field(
            "utilities",
            Money,
            Defaults(Zero),
            "monthly utilities (omitted = 0)",
        ),
        field(
            "other",
            Money,
            Defaults(Zero),
            "other monthly overheads (omitted = 0)",
        ),
    ],
};

/// `business.planning`.
pub static PLANNING: RecordSchema = RecordSchema {
    name: "business.planning",
    fields: &[
        field("sales_plan", Bool, Unknown, "a written sales plan exists"),
        field(
            "marketing_budget",
            Bool,
            Unknown,
            "marketing costs are budgeted and known",
        ),
        field(
            "targets",
            EnumList(TARGETS),
            Unknown,
            "what the business measures itself by",
        ),
    ],
};

/// `business`.
pub static BUSINESS: RecordSchema = RecordSchema {
    name: "business",
    fields: &[
        field("name", Text, Required, "the client's business name"),
        field(
            "kind",
            Enum(BUSINESS_KINDS),
            Required,
            "brand or distributor",
        ),
        field(
            "goal",
            Enum(GOALS),
            Unknown,
            "what e-commerce is for: sales, brand display, or undecided",
        ),
        field(
            "currency",
            Text,
            Required,
            "ISO 4217 code of every amount in the profile, e.g. CNY",
        ),
        field(
            "capital",
            Money,
            Required,
            "money available for e-commerce this year",
        ),
        field(
            "management",
            Enum(MATURITY),
            Unknown,
            "maturity of management",
        ),
        field(
            "team",
            Record(&TEAM),
            Required,
            "e-commerce staff, company-wide",
        ),
        field(
            "monthly_costs",
            Record(&MONTHLY_COSTS),
            Unknown,
            "overheads that every order must carry",
        ),
        field("planning", Record(&PLANNING), Unknown, "plans and targets"),
    ],
};

/// `products[]`.
pub static PRODUCT: RecordSchema = RecordSchema {
    name: "product",
    fields: &[
        field(
            "sku",
            Text,
            Required,
            "stock-keeping unit, unique in the profile",
        ),
        field("name", Text, Required, "product name"),
        field(
            "category",
            Text,
            Required,
            "category, matched against the rule set's platform table",
        ),
        field(
            "segment",
            Text,
            Unknown,
            "the customer base the product is for",
        ),
        field("price", Money, Required, "average selling price"),
        field(
            "unit_cost",
            Money,
            Required,
            "what the upstream channel charges per unit",
        ),
        field("logistics", Money, Unknown, "logistics cost per order"),
        field("monthly_units", Count, Unknown, "units sold per month"),
        field(
            "promo_item",
            Bool,
            Defaults(False),
            "sold below cost on purpose for platform activities (omitted = false)",
        ),
    ],
};

/// `platforms[].fees`: fixed platform costs per year.
pub static FEES: RecordSchema = RecordSchema {
    name: "platform.fees",
    fields: &[
        field(
            "deposit",
            Money,
            Defaults(Zero),
            "deposit per year (omitted = 0)",
        ),
        field(
            "annual",
            Money,
            Defaults(Zero),
            "annual platform fee (omitted = 0)",
        ),
        field(
            "decoration",
            Money,
            Defaults(Zero),
            "store decoration per year (omitted = 0)",
        ),
    ],
};

/// `platforms[].monthly`: results of a live or exiting platform.
pub static MONTHLY: RecordSchema = RecordSchema {
    name: "platform.monthly",
    fields: &[
        field("gmv", Money, Required, "gross merchandise value per month"),
        field("orders", Count, Required, "orders per month"),
        field("ad_spend", Money, Unknown, "advertising spend per month"),
        field("traffic", Enum(TRAFFIC), Unknown, "traffic trend"),
    ],
};

/// `platforms[].promotion`: readiness for the platform's activity slots.
pub static PROMOTION: RecordSchema = RecordSchema {
    name: "platform.promotion",
    fields: &[
        field(
            "wants_slots",
            Bool,
            Required,
            "the client wants the platform's activity slots",
        ),
        field(
            "category_manager",
            Bool,
            Unknown,
            "a working relationship with the platform's category operations",
        ),
        field(
            "plans_reported",
            Count,
            Unknown,
            "activity plans reported to the platform last quarter",
        ),
        field(
            "campaigns_joined",
            Count,
            Unknown,
            "platform campaigns joined last quarter",
        ),
        field(
            "price_advantage",
            Bool,
            Unknown,
            "the product has a price advantage on the platform",
        ),
        field(
            "data_months",
            Count,
            Unknown,
            "months of operating data accumulated",
        ),
    ],
};

/// `platforms[]`.
pub static PLATFORM: RecordSchema = RecordSchema {
    name: "platform",
    fields: &[
        field(
            "name",
            Text,
            Required,
            "platform name, unique in the profile (Tmall, JD, ...)",
        ),
        field(
            "status",
            Enum(STATUSES),
            Required,
            "planned, onboarding, live or exiting",
        ),
        field(
            "months_live",
            Count,
            Unknown,
            "months since going live (live and exiting platforms only)",
        ),
        field(
            "commission",
            Percent,
            Unknown,
            "per-order deduction; omitted = not yet confirmed",
        ),
        field(
            "fees",
            Record(&FEES),
            Unknown,
            "fixed platform costs per year",
        ),
        field("budget", Money, Required, "capital allocated per year"),
        field("staff", Count, Required, "people working this platform"),
        field(
            "monthly",
            Record(&MONTHLY),
            Unknown,
            "monthly results; required for live and exiting platforms",
        ),
        field(
            "promotion",
            Record(&PROMOTION),
            Unknown,
            "readiness for the platform's activity slots",
        ),
        field(
            "tools",
            TextList,
            Unknown,
            "marketing tools used on the platform",
        ),
        field(
            "sells",
            TextList,
            Unknown,
            "SKUs listed here; omitted = all products",
        ),
    ],
};

/// `waivers[]`: advice the consultant has accepted for this client.
pub static WAIVER: RecordSchema = RecordSchema {
    name: "waiver",
    fields: &[
        field(
            "rule",
            Text,
            Required,
            "id of the rule whose advice is waived",
        ),
        field(
            "entity",
            Text,
            Unknown,
            "waive it for this product (SKU) or platform only",
        ),
        field("reason", Text, Required, "why the advice does not apply"),
        field("until", Date, Unknown, "expiry date, YYYY-MM-DD"),
    ],
};

/// The top-level keys of a profile, in order.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "version",
    "business",
    "products",
    "platforms",
    "params",
    "waivers",
];

/// The only profile format version so far.
pub const CURRENT_VERSION: u64 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_lookup_in_the_crate_resolves() {
        for (record, name) in [
            (&PRODUCT, "price"),
            (&PLATFORM, "sells"),
            (&PLATFORM, "status"),
            (&BUSINESS, "monthly_costs"),
        ] {
            assert_ne!(record.slot(name), usize::MAX, "{}.{name}", record.name);
        }
    }

    #[test]
    fn field_names_are_unique_and_snake_case() {
        for record in [
            &BUSINESS,
            &TEAM,
            &MONTHLY_COSTS,
            &PLANNING,
            &PRODUCT,
            &PLATFORM,
            &FEES,
            &MONTHLY,
            &PROMOTION,
            &WAIVER,
        ] {
            let mut names: Vec<_> = record.field_names().collect();
            assert!(
                names
                    .iter()
                    .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            );
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), record.fields.len(), "{}", record.name);
        }
    }
}
