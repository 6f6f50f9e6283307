//! The default rule set (`rules/`, 23 rules) hand-written: the floor the engine's
//! evaluation of it is measured against. Same definitions and the same exact decimal
//! arithmetic, step for step, so the same bindings fire; what makes it a floor is
//! what an interpreter cannot do: every product × platform quantity is computed
//! once and shared by the six rules that read it (H1, H6 twice, H8, H11, H19),
//! per-product and per-platform values are read once, and nothing is allocated
//! per binding.
//!
//! Unknowns follow the language: a missing fact, a division by zero or an overflow
//! makes a value `None`, and a binding whose condition is not decided "cannot
//! assess", which is not a firing; `a and b` is false when either is false, `a or
//! b` true when either is true. Escalations and `suppress` do not change what fires,
//! so they are not here.

use rust_decimal::Decimal;

use pitfall::eval::{Evaluation, Value};
use pitfall::profile::schema::{
    BUSINESS, MONTHLY, MONTHLY_COSTS, PLANNING, PLATFORM, PRODUCT, PROMOTION, TEAM,
};
use pitfall::profile::{FieldValue, Profile, Record};

macro_rules! default_rules {
    ($($rule:ident $id:literal,)*) => {
        /// A rule of the default set; its discriminant is its index in [`RULES`].
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum Rule {
            $($rule,)*
        }

        /// The default rules' ids, in the order of their files.
        pub const RULES: &[&str] = &[$($id,)*];
    };
}

default_rules! {
    PlatformCategoryMismatch "platform_category_mismatch",
    EveryPlatformAtOnce "every_platform_at_once",
    UnderstaffedPlatform "understaffed_platform",
    UnderstaffedTeam "understaffed_team",
    SpreadTooThin "spread_too_thin",
    CommissionUnconfirmed "commission_unconfirmed",
    ThinNetMargin "thin_net_margin",
    NegativeNetMargin "negative_net_margin",
    PromoItemInvestment "promo_item_investment",
    ThinUpstreamMargin "thin_upstream_margin",
    NoPriceRoom "no_price_room",
    BudgetNotOnBestReturns "budget_not_on_best_returns",
    UnknownCosts "unknown_costs",
    MarketingCostsUnbudgeted "marketing_costs_unbudgeted",
    PlatformNotPayingBack "platform_not_paying_back",
    GoalUndecided "goal_undecided",
    NextPlatformTooEarly "next_platform_too_early",
    OnboardingSeveralAtOnce "onboarding_several_at_once",
    MultiPlatformServiceGap "multi_platform_service_gap",
    ForeignPlatformTools "foreign_platform_tools",
    SlotsWithoutGroundwork "slots_without_groundwork",
    SlotsBeforeData "slots_before_data",
    GmvOnlyTargets "gmv_only_targets",
}

// The params' defaults (the bench profiles set no `params:`), in the params' units:
// a percent is the number before its `%`.
const MIN_STAFF: u64 = 2;
const CAPITAL_PER_PLATFORM: i64 = 200_000;
const MARGIN_FLOOR: i64 = 10;
const UPSTREAM_FLOOR: i64 = 15;
const PRICE_ROOM: i64 = 25;
const PARETO_TOP: i64 = 20;
const PARETO_SHARE: i64 = 80;
const PAYBACK_MONTHS: u64 = 6;
const DATA_FLOOR: u64 = 6;

/// `platform_strengths` of rules/tables.rules (no default: a missing row is unknown).
const STRENGTHS: &[(&str, &[&str])] = &[
    ("Tmall", &["apparel", "cross_border"]),
    ("Taobao", &["apparel", "cross_border"]),
    ("JD", &["electronics", "home_appliances"]),
    ("Suning", &["electronics", "home_appliances"]),
    ("Yihaodian", &["food"]),
    ("Pinduoduo", &["daily_goods", "produce", "food"]),
    ("Douyin", &["apparel", "beauty"]),
    ("Kuaishou", &["apparel", "food", "daily_goods"]),
    ("Xiaohongshu", &["beauty", "lifestyle"]),
    ("Kaola", &["cross_border", "beauty"]),
    ("Vipshop", &["apparel"]),
];

/// Alibaba's tools, offered alike on Tmall and Taobao (one row each in the table).
const ALIBABA_TOOLS: &[&str] = &[
    "through_train",
    "diamond_booth",
    "live_stream",
    "super_recommend",
    "yinli_mofang",
    "wanxiangtai",
    "taobaoke",
];

/// `platform_tools` of rules/tables.rules (no default).
const TOOLS: &[(&str, &[&str])] = &[
    ("Tmall", ALIBABA_TOOLS),
    ("Taobao", ALIBABA_TOOLS),
    (
        "JD",
        &[
            "jingdong_kuaiche",
            "jingdong_zhitou",
            "jingdong_haitou",
            "jingtiao",
        ],
    ),
    (
        "Pinduoduo",
        &["duoduo_search", "duoduo_scene", "duoduo_jinbao"],
    ),
    ("Douyin", &["qianchuan", "dou_plus", "live_stream"]),
    ("Kuaishou", &["cili_jinniu", "live_stream"]),
    ("Xiaohongshu", &["juguang", "pugongying"]),
];

/// A table row; keys match without regard to ASCII case, as the engine's do.
fn row(
    table: &'static [(&str, &'static [&'static str])],
    key: &str,
) -> Option<&'static [&'static str]> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| *v)
}

/// Whether `list` holds `word` (texts compare without regard to ASCII case).
fn holds(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn value(r: &Record, slot: usize) -> Option<&FieldValue> {
    r.get(slot).map(|f| &f.value)
}

/// A money, percent or count field as the decimal the rules compute with.
fn num(r: &Record, slot: usize) -> Option<Decimal> {
    match value(r, slot)? {
        FieldValue::Money(m) => Some(m.0),
        FieldValue::Percent(p) => Some(p.0),
        FieldValue::Count(c) => Some(Decimal::from(*c)),
        _ => None,
    }
}

fn count(r: &Record, slot: usize) -> Option<u64> {
    match value(r, slot)? {
        FieldValue::Count(c) => Some(*c),
        _ => None,
    }
}

fn flag(r: &Record, slot: usize) -> Option<bool> {
    match value(r, slot)? {
        FieldValue::Bool(b) => Some(*b),
        _ => None,
    }
}

fn word(r: &Record, slot: usize) -> Option<&str> {
    match value(r, slot)? {
        FieldValue::Enum(w) => Some(w),
        FieldValue::Text(t) => Some(t),
        _ => None,
    }
}

fn record(r: &Record, slot: usize) -> Option<&Record> {
    match value(r, slot)? {
        FieldValue::Record(r) => Some(r),
        _ => None,
    }
}

/// `sum(record)`: every numeric field; a field the profile leaves unknown makes the
/// sum unknown.
fn sum_record(r: &Record) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    for slot in 0..r.schema.fields.len() {
        match value(r, slot)? {
            FieldValue::Money(m) => total = total.checked_add(m.0)?,
            FieldValue::Percent(p) => total = total.checked_add(p.0)?,
            FieldValue::Count(c) => total = total.checked_add(Decimal::from(*c))?,
            FieldValue::Date(_) => return None,
            _ => {}
        }
    }
    Some(total)
}

/// money × percent: the product, its point moved two places (as the engine does;
/// the value is the product ÷ 100).
fn mul_percent(x: Decimal, y: Decimal) -> Option<Decimal> {
    let v = x.checked_mul(y)?;
    if v.scale() <= 26 {
        Decimal::try_from_i128_with_scale(v.mantissa(), v.scale() + 2).ok()
    } else {
        v.checked_div(Decimal::ONE_HUNDRED)
    }
}

/// money ÷ money as a percent: the quotient times 100 (unknown when `y` is zero).
fn div_to_percent(x: Decimal, y: Decimal) -> Option<Decimal> {
    x.checked_div(y)?.checked_mul(Decimal::ONE_HUNDRED)
}

/// What the product × platform rules read of a product, read once.
struct Product<'p> {
    price: Option<Decimal>,
    /// `price - unit_cost`, the start of every margin.
    gross: Option<Decimal>,
    logistics: Option<Decimal>,
    promo: Option<bool>,
    category: Option<&'p str>,
}

/// The default rule set's fired bindings as (rule index in [`RULES`], product,
/// platform). A rule over two platforms (`next_platform_too_early`) puts `base` in
/// the product's place; `foreign_platform_tools` puts the tool's position in the
/// platform's `tools` there.
pub fn floor_default(p: &Profile) -> Vec<(u8, u32, u32)> {
    assert!(
        p.params.is_empty(),
        "the default floor has the params' defaults written in; the profile overrides some"
    );
    let mut fired = Vec::new();
    let mut fire = |rule: Rule, a: usize, b: usize| fired.push((rule as u8, a as u32, b as u32));
    let hundred = Decimal::ONE_HUNDRED;
    let twelve = Decimal::from(12);
    let (margin_floor, upstream_floor, price_room) = (
        Decimal::from(MARGIN_FLOOR),
        Decimal::from(UPSTREAM_FLOOR),
        Decimal::from(PRICE_ROOM),
    );

    let biz = &p.business;
    let team = record(biz, BUSINESS.slot("team"));
    let team_total = team.and_then(sum_record);
    let costs = record(biz, BUSINESS.slot("monthly_costs"));
    let planning = record(biz, BUSINESS.slot("planning"));

    let (status, months_live, commission, fees, budget, staff, monthly, promotion, tools, name) = (
        PLATFORM.slot("status"),
        PLATFORM.slot("months_live"),
        PLATFORM.slot("commission"),
        PLATFORM.slot("fees"),
        PLATFORM.slot("budget"),
        PLATFORM.slot("staff"),
        PLATFORM.slot("monthly"),
        PLATFORM.slot("promotion"),
        PLATFORM.slot("tools"),
        PLATFORM.slot("name"),
    );
    let (gmv, orders, ad_spend, traffic) = (
        MONTHLY.slot("gmv"),
        MONTHLY.slot("orders"),
        MONTHLY.slot("ad_spend"),
        MONTHLY.slot("traffic"),
    );
    let statuses: Vec<&str> = p
        .platforms
        .iter()
        .map(|r| word(r, status).unwrap_or(""))
        .collect();
    let open = |s: &str| matches!(s, "live" | "onboarding" | "planned");
    let open_count = statuses.iter().filter(|s| open(s)).count();
    let live_count = statuses.iter().filter(|s| **s == "live").count();

    // overhead_per_order: monthly costs over the orders of the live platforms.
    let overhead = {
        let mut total = Some(Decimal::ZERO);
        for (r, s) in p.platforms.iter().zip(&statuses) {
            if *s == "live" {
                let o = record(r, monthly).and_then(|m| num(m, orders));
                total = total.zip(o).and_then(|(t, o)| t.checked_add(o));
            }
        }
        costs
            .and_then(sum_record)
            .zip(total)
            .and_then(|(c, o)| c.checked_div(o))
    };

    // Per product: H7, and what the product × platform rules read.
    let (price, unit_cost, logistics, promo_item, category) = (
        PRODUCT.slot("price"),
        PRODUCT.slot("unit_cost"),
        PRODUCT.slot("logistics"),
        PRODUCT.slot("promo_item"),
        PRODUCT.slot("category"),
    );
    let mut products = Vec::with_capacity(p.products.len());
    for (i, r) in p.products.iter().enumerate() {
        let price = num(r, price);
        let gross = price
            .zip(num(r, unit_cost))
            .and_then(|(pp, uc)| pp.checked_sub(uc));
        if let Some(up) = gross.zip(price).and_then(|(g, pp)| div_to_percent(g, pp))
            && up < upstream_floor
        {
            fire(Rule::ThinUpstreamMargin, i, 0);
        }
        products.push(Product {
            price,
            gross,
            logistics: num(r, logistics),
            promo: flag(r, promo_item),
            category: word(r, category),
        });
    }

    let mut misfit = false;
    for (j, pl) in p.platforms.iter().enumerate() {
        let s = statuses[j];
        if !open(s) {
            continue;
        }
        let pname = word(pl, name).unwrap_or("");
        let rate = num(pl, commission);
        if rate.is_none() {
            fire(Rule::CommissionUnconfirmed, 0, j);
        }
        if count(pl, staff).is_some_and(|n| n < MIN_STAFF) {
            fire(Rule::UnderstaffedPlatform, 0, j);
        }
        // H15: each listed tool the platform's own list does not hold.
        if let Some(FieldValue::TextList(listed)) = value(pl, tools)
            && let Some(own) = row(TOOLS, pname)
        {
            for (k, t) in listed.iter().enumerate() {
                if !holds(own, &t.text) {
                    fire(Rule::ForeignPlatformTools, k, j);
                }
            }
        }
        let live = s == "live";
        if live || s == "onboarding" {
            let ad_known = record(pl, monthly).is_some_and(|m| value(m, ad_spend).is_some());
            if value(pl, fees).is_none() || rate.is_none() || !ad_known {
                fire(Rule::UnknownCosts, 0, j);
            }
            if let Some(pr) = record(pl, promotion)
                && flag(pr, PROMOTION.slot("wants_slots")) == Some(true)
            {
                // Unknown unless all four readiness items are known.
                let lacks = [
                    flag(pr, PROMOTION.slot("category_manager")).map(|b| !b),
                    count(pr, PROMOTION.slot("plans_reported")).map(|n| n == 0),
                    count(pr, PROMOTION.slot("campaigns_joined")).map(|n| n == 0),
                    flag(pr, PROMOTION.slot("price_advantage")).map(|b| !b),
                ];
                if lacks.iter().all(Option::is_some) && lacks.contains(&Some(true)) {
                    fire(Rule::SlotsWithoutGroundwork, 0, j);
                }
                if count(pr, PROMOTION.slot("data_months")).is_some_and(|n| n < DATA_FLOOR) {
                    fire(Rule::SlotsBeforeData, 0, j);
                }
            }
        }
        if s == "planned" || s == "onboarding" {
            for (k, base) in p.platforms.iter().enumerate() {
                if statuses[k] != "live" {
                    continue;
                }
                let m = record(base, monthly);
                let unsettled = m
                    .and_then(|m| word(m, traffic))
                    .is_some_and(|t| t == "declining" || t == "none")
                    || count(base, months_live).is_some_and(|n| n < PAYBACK_MONTHS);
                if unsettled {
                    fire(Rule::NextPlatformTooEarly, k, j);
                }
            }
        }

        // The products it sells: H1's categories, and each order's margins (H6, H8,
        // H19), their rates averaged for H11 on a live platform.
        let strengths = row(STRENGTHS, pname);
        let (mut sold, mut fits, mut category_unknown) = (false, false, false);
        let (mut rates, mut n_rates, mut rates_known) = (Decimal::ZERO, 0u64, true);
        let sells = p.sells.get(j).map_or(&[][..], Vec::as_slice);
        for ((i, pr), _) in products.iter().enumerate().zip(sells).filter(|(_, s)| **s) {
            sold = true;
            match (pr.category, strengths) {
                (Some(c), Some(st)) if !fits => fits = holds(st, c),
                (None, _) => category_unknown = true,
                _ => {}
            }
            let after_commission = pr
                .price
                .zip(rate)
                .and_then(|(pp, r)| mul_percent(pp, r))
                .zip(pr.gross)
                .and_then(|(c, g)| g.checked_sub(c));
            let Some((ac, pp)) = after_commission.zip(pr.price) else {
                rates_known = false;
                continue;
            };
            if div_to_percent(ac, pp).is_some_and(|room| room < price_room) {
                fire(Rule::NoPriceRoom, i, j);
            }
            let Some(net) = pr
                .logistics
                .zip(overhead)
                .and_then(|(lg, oh)| ac.checked_sub(lg)?.checked_sub(oh))
            else {
                rates_known = false;
                continue;
            };
            if net < Decimal::ZERO {
                match pr.promo {
                    Some(false) => fire(Rule::NegativeNetMargin, i, j),
                    Some(true) => fire(Rule::PromoItemInvestment, i, j),
                    None => {}
                }
            }
            match div_to_percent(net, pp) {
                Some(r) => {
                    if r < margin_floor {
                        fire(Rule::ThinNetMargin, i, j);
                    }
                    if live && rates_known {
                        n_rates += 1;
                        match rates.checked_add(r) {
                            Some(sum) => rates = sum,
                            None => rates_known = false,
                        }
                    }
                }
                None => rates_known = false,
            }
        }
        if sold && !fits && !category_unknown && strengths.is_some() {
            misfit = true;
            fire(Rule::PlatformCategoryMismatch, 0, j);
        }

        // H11: a year of contribution against the fees and the platform's share of labor.
        if live && count(pl, months_live).is_some_and(|n| n >= PAYBACK_MONTHS) {
            let m = record(pl, monthly);
            let net_rate = (rates_known && n_rates > 0)
                .then(|| rates.checked_div(Decimal::from(n_rates)))
                .flatten();
            let yearly_contribution = m
                .and_then(|m| num(m, gmv))
                .zip(net_rate)
                .and_then(|(g, r)| mul_percent(g, r))
                .zip(m.and_then(|m| num(m, ad_spend)))
                .and_then(|(c, ad)| c.checked_sub(ad))
                .and_then(|mc| twelve.checked_mul(mc));
            let staff_share = costs
                .and_then(|c| num(c, MONTHLY_COSTS.slot("labor")))
                .and_then(|l| twelve.checked_mul(l))
                .zip(num(pl, staff))
                .and_then(|(l, n)| l.checked_mul(n))
                .zip(team_total)
                .and_then(|(x, t)| x.checked_div(t));
            let yearly_fixed = record(pl, fees)
                .and_then(sum_record)
                .zip(staff_share)
                .and_then(|(f, s)| f.checked_add(s));
            if let Some((c, f)) = yearly_contribution.zip(yearly_fixed)
                && c < f
            {
                fire(Rule::PlatformNotPayingBack, 0, j);
            }
        }
    }

    // H2: three or more platforms (exiting ones count), one of them a misfit.
    if p.platforms.len() >= 3 && misfit {
        fire(Rule::EveryPlatformAtOnce, 0, 0);
    }
    // H3: the whole team against min_staff per open platform.
    if team_total.is_some_and(|t| t < Decimal::from(MIN_STAFF * open_count as u64)) {
        fire(Rule::UnderstaffedTeam, 0, 0);
    }
    // H4.
    if open_count > 1 {
        let low = word(biz, BUSINESS.slot("management")).map(|m| m == "low");
        let thin = num(biz, BUSINESS.slot("capital"))
            .and_then(|c| c.checked_div(Decimal::from(open_count as u64)))
            .map(|per| per < Decimal::from(CAPITAL_PER_PLATFORM));
        if low == Some(true) || thin == Some(true) {
            fire(Rule::SpreadTooThin, 0, 0);
        }
    }
    // H9: the best-returning pareto_top of the live platforms (ties in profile order)
    // against pareto_share of the live budget. Any live platform without a return
    // makes the ranking unknown.
    if live_count >= 2 {
        let mut ranked: Option<Vec<(Decimal, Decimal)>> = Some(Vec::with_capacity(live_count));
        for (r, s) in p.platforms.iter().zip(&statuses) {
            if *s != "live" {
                continue;
            }
            let bud = num(r, budget);
            let key = record(r, monthly)
                .and_then(|m| num(m, gmv))
                .and_then(|g| twelve.checked_mul(g))
                .zip(bud)
                .and_then(|(g, bd)| div_to_percent(g, bd));
            ranked = ranked.zip(key.zip(bud)).map(|(mut v, kb)| {
                v.push(kb);
                v
            });
        }
        if let Some(mut ranked) = ranked {
            let live_budget = ranked
                .iter()
                .try_fold(Decimal::ZERO, |t, (_, bd)| t.checked_add(*bd));
            // Stable: equal returns keep profile order.
            ranked.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
            let k =
                (Decimal::from(ranked.len() as u64) * Decimal::from(PARETO_TOP) / hundred).ceil();
            let take = (usize::try_from(k.mantissa()).unwrap_or(0) / 10usize.pow(k.scale())).max(1);
            let best = ranked
                .iter()
                .take(take)
                .try_fold(Decimal::ZERO, |t, (_, bd)| t.checked_add(*bd));
            if let Some(share) = best
                .zip(live_budget)
                .and_then(|(x, y)| div_to_percent(x, y))
                && share < Decimal::from(PARETO_SHARE)
            {
                fire(Rule::BudgetNotOnBestReturns, 0, 0);
            }
        }
    }
    // H10, H12, H13, H14, H18: the business's own facts.
    let plan = |f: &str| planning.and_then(|pl| flag(pl, PLANNING.slot(f)));
    if plan("marketing_budget") == Some(false) {
        fire(Rule::MarketingCostsUnbudgeted, 0, 0);
    }
    if word(biz, BUSINESS.slot("goal")) == Some("undecided") {
        fire(Rule::GoalUndecided, 0, 0);
    }
    if statuses.iter().filter(|s| **s == "onboarding").count() >= 2 {
        fire(Rule::OnboardingSeveralAtOnce, 0, 0);
    }
    if live_count >= 2
        && let Some(t) = team
    {
        let no_content = count(t, TEAM.slot("content")).map(|n| n == 0);
        let few_service = count(t, TEAM.slot("customer_service")).map(|n| n < live_count as u64);
        if no_content == Some(true) || few_service == Some(true) {
            fire(Rule::MultiPlatformServiceGap, 0, 0);
        }
    }
    let gmv_only = match planning.and_then(|pl| value(pl, PLANNING.slot("targets"))) {
        Some(FieldValue::EnumList(t)) => Some(t.iter().all(|w| *w == "gmv")),
        _ => None,
    };
    if gmv_only == Some(true) || plan("sales_plan") == Some(false) {
        fire(Rule::GmvOnlyTargets, 0, 0);
    }
    fired
}

/// What the engine fired, in [`floor_default`]'s shape.
pub fn fired_by_engine(eval: &Evaluation<'_>) -> Vec<(u8, u32, u32)> {
    let tools = PLATFORM.slot("tools");
    let mut out = Vec::new();
    for r in &eval.results {
        let Some(n) = RULES.iter().position(|id| *id == r.rule.id) else {
            panic!("rule `{}` has no hand-written floor", r.rule.id);
        };
        for f in &r.fired {
            let (mut a, mut b) = (0u32, None);
            for v in &f.binding.values {
                match v {
                    Value::Product(i) => a = *i,
                    Value::Platform(j) if b.is_none() => b = Some(*j),
                    Value::Platform(k) => a = *k,
                    Value::Text(t) => {
                        // A tool: its position in the platform's own list.
                        let listed = b.and_then(|j| eval.profile.platforms.get(j as usize));
                        if let Some(FieldValue::TextList(words)) =
                            listed.and_then(|pl| value(pl, tools))
                        {
                            let at = words.iter().position(|w| std::ptr::eq(w.text.as_str(), *t));
                            a = at.unwrap_or(u32::MAX as usize) as u32;
                        }
                    }
                    _ => {}
                }
            }
            out.push((n as u8, a, b.unwrap_or(0)));
        }
    }
    out
}

/// The rules on which the engine and the floor fire different bindings, with each
/// side's count.
pub fn disagreements(engine: &[(u8, u32, u32)], floor: &[(u8, u32, u32)]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, id) in RULES.iter().enumerate() {
        let of = |fired: &[(u8, u32, u32)]| {
            let mut v: Vec<_> = fired
                .iter()
                .filter(|f| f.0 as usize == n)
                .copied()
                .collect();
            v.sort_unstable();
            v
        };
        let (e, f) = (of(engine), of(floor));
        if e != f {
            out.push(format!("{id} (engine {}, floor {})", e.len(), f.len()));
        }
    }
    out
}
