//! Money and percent: exact decimals with checked arithmetic and unit-aware formatting.
//!
//! Every amount is a [`rust_decimal::Decimal`] built from the text the user wrote, never
//! through a binary float, so `399.10` stays `399.10`. Arithmetic returns `None` on
//! overflow or division by zero; callers turn that into a recorded outcome, not a panic.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in the profile's one currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

/// A percentage, stored as the number written before the `%` (`4.5%` is `4.5`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(pub Decimal);

/// Why a piece of text is not a decimal amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecimalError {
    /// Not of the form `123`, `123.45`, `-1.5`.
    NotADecimal,
    /// More digits than an exact 96-bit decimal holds.
    TooLarge,
}

/// Parses a plain decimal literal: optional `-`, digits, optional `.digits`.
///
/// Exponents, thousands separators, `inf` and `nan` are refused: a consultant
/// writes amounts the way they appear on an invoice, and anything else is a typo.
pub fn parse_decimal(text: &str) -> Result<Decimal, DecimalError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(DecimalError::NotADecimal);
    }
    Decimal::from_str_exact(text).map_err(|_| DecimalError::TooLarge)
}

impl Money {
    /// Zero in the profile's currency.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// The share `rate` of this amount (`¥399.00 × 5% = ¥19.95`).
    pub fn checked_mul_percent(self, rate: Percent) -> Option<Money> {
        self.0
            .checked_mul(rate.0)?
            .checked_div(Decimal::ONE_HUNDRED)
            .map(Money)
    }

    /// This amount scaled by a plain number.
    pub fn checked_mul_number(self, n: Decimal) -> Option<Money> {
        self.0.checked_mul(n).map(Money)
    }

    /// This amount split `n` ways (money ÷ count), or `None` when `n` is zero.
    pub fn checked_div_number(self, n: Decimal) -> Option<Money> {
        self.0.checked_div(n).map(Money)
    }

    /// What share of `whole` this amount is (money ÷ money → percent), `None` when `whole` is zero.
    pub fn checked_ratio(self, whole: Money) -> Option<Percent> {
        self.0
            .checked_div(whole.0)?
            .checked_mul(Decimal::ONE_HUNDRED)
            .map(Percent)
    }

    /// The amount formatted for `currency` (an ISO 4217 code): `¥1,280.50`.
    pub fn display(self, currency: &str) -> MoneyDisplay<'_> {
        MoneyDisplay {
            money: self,
            currency,
        }
    }
}

impl Percent {
    /// `self` as a fraction (`5%` → `0.05`), or `None` on overflow.
    pub fn as_fraction(self) -> Option<Decimal> {
        self.0.checked_div(Decimal::ONE_HUNDRED)
    }

    /// Parses `5%`, `4.5%` (the `%` is required).
    pub fn parse(text: &str) -> Result<Percent, DecimalError> {
        let number = text
            .trim()
            .strip_suffix('%')
            .ok_or(DecimalError::NotADecimal)?;
        parse_decimal(number.trim_end()).map(Percent)
    }
}

impl FromStr for Money {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal(s).map(Money)
    }
}

/// Formats a [`Money`] with its currency symbol, thousands separators and two decimals.
pub struct MoneyDisplay<'a> {
    money: Money,
    currency: &'a str,
}

/// The symbol shown before an amount; unknown codes are written out (`EUR 12.00`).
fn currency_prefix(code: &str) -> String {
    match code {
        "CNY" | "JPY" => "¥".to_owned(),
        "USD" | "HKD" | "SGD" | "AUD" | "CAD" | "TWD" => "$".to_owned(),
        "EUR" => "€".to_owned(),
        "GBP" => "£".to_owned(),
        other => format!("{other} "),
    }
}

impl fmt::Display for MoneyDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_money(f, self.money, self.currency)
    }
}

impl Money {
    /// [`Money::display`] appended to `out`, without the formatting machinery: an
    /// explained audit writes several hundred amounts.
    pub fn write_to(self, out: &mut String, currency: &str) {
        // Writing to a `String` cannot fail.
        let _ = write_money(out, self, currency);
    }
}

/// `-¥1,280.50`: sign, currency, grouped units, two decimals (half away from zero).
fn write_money<W: fmt::Write>(w: &mut W, money: Money, currency: &str) -> fmt::Result {
    // Fast path, for every amount below 2^64 cents: write the integer cents
    // directly. Going through the decimal's own text, a split and a regrouped copy
    // cost several allocations per amount.
    if let Some((negative, cents)) = hundredths(money.0, Midpoint::AwayFromZero)
        && let Ok(cents) = u64::try_from(cents)
    {
        if negative && cents != 0 {
            w.write_str("-")?;
        }
        write_currency_prefix(w, currency)?;
        write_grouped(w, cents / 100)?;
        w.write_char('.')?;
        return write_two_digits(w, (cents % 100) as u8);
    }
    let rounded = money
        .0
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let text = format!("{:.2}", rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    write!(
        w,
        "{sign}{}{}.{frac}",
        currency_prefix(currency),
        group_thousands(int)
    )
}

/// How a value exactly half-way between two hundredths is rounded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Midpoint {
    /// `0.005` → `0.01`: money and percents, as a client would round them.
    AwayFromZero,
    /// `0.005` → `0.00`, `0.015` → `0.02`: `Decimal::round_dp`'s rule, for counts.
    ToEven,
}

/// The magnitude of `d` in hundredths, rounded by `midpoint`, and whether `d` is
/// negative; `None` only if it does not fit in a `u128` (it always does: a
/// decimal's mantissa has 96 bits).
///
/// Integer arithmetic on the mantissa: rust_decimal's own rounding of a computed
/// value (scale 28 after a division) was the costliest step of writing evidence.
fn hundredths(d: Decimal, midpoint: Midpoint) -> Option<(bool, u128)> {
    let mantissa = d.mantissa().unsigned_abs();
    let scale = d.scale();
    let value = if scale <= 2 {
        mantissa.checked_mul(10u128.checked_pow(2 - scale)?)?
    } else {
        let unit = 10u128.checked_pow(scale - 2)?;
        let (whole, rest) = (mantissa.checked_div(unit)?, mantissa.checked_rem(unit)?);
        let twice = rest.checked_mul(2)?;
        let up = twice > unit
            || (twice == unit && (midpoint == Midpoint::AwayFromZero || whole % 2 == 1));
        whole.checked_add(u128::from(up))?
    };
    Some((d.is_sign_negative(), value))
}

/// `n` (below 100) as two digits.
fn write_two_digits<W: fmt::Write>(w: &mut W, n: u8) -> fmt::Result {
    w.write_char(char::from(b'0' + n / 10 % 10))?;
    w.write_char(char::from(b'0' + n % 10))
}

/// Writes [`currency_prefix`] without building it.
fn write_currency_prefix<W: fmt::Write>(f: &mut W, code: &str) -> fmt::Result {
    match code {
        "CNY" | "JPY" => f.write_str("¥"),
        "USD" | "HKD" | "SGD" | "AUD" | "CAD" | "TWD" => f.write_str("$"),
        "EUR" => f.write_str("€"),
        "GBP" => f.write_str("£"),
        other => write!(f, "{other} "),
    }
}

/// Writes `n` with thousands separators, as [`group_thousands`] does.
fn write_grouped<W: fmt::Write>(w: &mut W, n: u64) -> fmt::Result {
    write_int(w, n, true)
}

/// `n` in decimal digits, with thousands separators when `grouped`, without the
/// formatting machinery.
fn write_int<W: fmt::Write>(w: &mut W, n: u64, grouped: bool) -> fmt::Result {
    // u64::MAX has 20 digits and 6 separators.
    let mut buf = [0u8; 27];
    let mut at = buf.len();
    let mut rest = n;
    let mut digits = 0;
    loop {
        if grouped && digits > 0 && digits % 3 == 0 {
            at -= 1;
            if let Some(b) = buf.get_mut(at) {
                *b = b',';
            }
        }
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'0' + (rest % 10) as u8;
        }
        digits += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // ASCII digits and commas: one char each.
    for &b in buf.get(at..).unwrap_or_default() {
        w.write_char(char::from(b))?;
    }
    Ok(())
}

/// A count or plain number appended to `out`: at most two decimals (rounded as
/// `Decimal::round_dp` does), trailing zeros dropped, thousands grouped (`4,000`,
/// `2.5`).
pub fn write_number(out: &mut String, d: Decimal) {
    let Some((negative, value)) = hundredths(d, Midpoint::ToEven) else {
        out.push_str(&d.round_dp(2).normalize().to_string());
        return;
    };
    if negative && value != 0 {
        out.push('-');
    }
    let whole = value / 100;
    match u64::try_from(whole) {
        // Writing to a `String` cannot fail.
        Ok(int) => {
            let _ = write_grouped(out, int);
        }
        // Beyond 2^64: the decimal's own text, grouped.
        Err(_) => out.push_str(&group_thousands(&whole.to_string())),
    }
    let _ = write_fraction(out, (value % 100) as u8);
}

/// The exact decimal, as `Decimal::normalize().to_string()` writes it (`128.8`,
/// `-0.974285714285714285714285714`, `0`), without allocating: evidence gives the
/// exact value of every computed figure, for tools that recompute them.
pub fn write_exact(out: &mut String, d: Decimal) {
    // The mantissa's digits, least significant first. A 96-bit mantissa has at
    // most 29; it is split at 10^19 so that the digits come from 64-bit
    // divisions, several times cheaper than 128-bit ones.
    const SPLIT: u128 = 10_000_000_000_000_000_000;
    let mantissa = d.mantissa().unsigned_abs();
    let (high, low) = ((mantissa / SPLIT) as u64, (mantissa % SPLIT) as u64);
    let mut digits = [0u8; 40];
    let mut len = 0;
    let mut put = |mut n: u64, at_least: usize| {
        while n > 0 || len < at_least {
            if let Some(b) = digits.get_mut(len) {
                *b = b'0' + (n % 10) as u8;
            }
            n /= 10;
            len += 1;
        }
    };
    // The low part is padded to 19 digits when a high part follows it.
    put(low, if high > 0 { 19 } else { 0 });
    put(high, 0);
    // Trailing zeros of the fraction are not written (`normalize`).
    let scale = d.scale() as usize;
    let mut skip = 0;
    while skip < scale && skip < len && digits.get(skip) == Some(&b'0') {
        skip += 1;
    }
    let scale = scale - skip;
    let digits = digits.get(skip..len.max(skip)).unwrap_or_default();
    if digits.is_empty() {
        out.push('0');
        return;
    }
    if d.is_sign_negative() {
        out.push('-');
    }
    // Most significant first, with a point `scale` digits from the end and a
    // leading "0." (and zeros) when the value is below one.
    if digits.len() <= scale {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
    }
    for (i, &b) in digits.iter().enumerate().rev() {
        out.push(char::from(b));
        if i == scale && i > 0 && digits.len() > scale {
            out.push('.');
        }
    }
}

/// The hundredths `c` (below 100) as a fraction with trailing zeros dropped:
/// nothing, `.5` or `.25`.
fn write_fraction<W: fmt::Write>(w: &mut W, c: u8) -> fmt::Result {
    match (c / 10 % 10, c % 10) {
        (0, 0) => Ok(()),
        (tenths, 0) => {
            w.write_char('.')?;
            w.write_char(char::from(b'0' + tenths))
        }
        _ => {
            w.write_char('.')?;
            write_two_digits(w, c)
        }
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Percent {
    /// Two decimals at most, trailing zeros dropped: `32.3%`, `10%`, `9.99%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_percent(f, *self)
    }
}

impl Percent {
    /// The percent's text appended to `out`, without the formatting machinery.
    pub fn write_to(self, out: &mut String) {
        // Writing to a `String` cannot fail.
        let _ = write_percent(out, self);
    }
}

fn write_percent<W: fmt::Write>(w: &mut W, p: Percent) -> fmt::Result {
    // Two decimals at most, trailing zeros dropped, from the integer hundredths.
    let Some((negative, value)) = hundredths(p.0, Midpoint::AwayFromZero) else {
        let rounded =
            p.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        return write!(w, "{}%", rounded.normalize());
    };
    if negative && value != 0 {
        w.write_str("-")?;
    }
    match u64::try_from(value / 100) {
        Ok(whole) => write_int(w, whole, false)?,
        Err(_) => write!(w, "{}", value / 100)?,
    }
    write_fraction(w, (value % 100) as u8)?;
    w.write_char('%')
}

impl fmt::Display for Money {
    /// Plain amount with two decimals and no symbol, for evidence lines (`128.80`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        write!(f, "{rounded:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn tenth_plus_two_tenths_is_exactly_three_tenths() {
        assert_eq!(m("0.1").checked_add(m("0.2")), Some(m("0.3")));
        assert_eq!(
            m("0.1").checked_add(m("0.2")).map(|x| x.0.to_string()),
            Some("0.3".into())
        );
    }

    #[test]
    fn text_is_kept_exactly() {
        assert_eq!(m("399.10").0.to_string(), "399.10");
        assert_eq!(
            m("12345678901234567.89").0.to_string(),
            "12345678901234567.89"
        );
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "1e5", "1,000", "", ".5", "5.", "inf", "NaN", "0x10", "+5", "--1",
        ] {
            assert_eq!(parse_decimal(bad), Err(DecimalError::NotADecimal), "{bad}");
        }
        assert_eq!(
            parse_decimal("999999999999999999999999999999999"),
            Err(DecimalError::TooLarge)
        );
    }

    /// The direct writer gives the text the decimal's own formatting gives.
    #[test]
    fn fast_money_text_matches_the_general_path() {
        for text in [
            "0",
            "-0.00",
            "0.1",
            "-5",
            "999",
            "100000",
            "0.004",
            "0.005",
            "-0.004",
            "-0.005",
            "5",
            "12.3",
            "999.995",
            "-2.3450000",
            "0.0049999999999999999999999999",
            "1000",
            "-1234567.891",
            "12345678901234567.89",
            "18446744073709551.615",
            "184467440737095516.15",
            "79228162514264337593543950335",
        ] {
            let money = m(text);
            let rounded = money
                .0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
                "-"
            } else {
                ""
            };
            let general = format!("{:.2}", rounded.abs());
            let (int, frac) = general.split_once('.').unwrap_or((&general, "00"));
            for currency in ["CNY", "USD", "EUR", "GBP", "CHF"] {
                let expected = format!(
                    "{sign}{}{}.{frac}",
                    currency_prefix(currency),
                    group_thousands(int)
                );
                assert_eq!(money.display(currency).to_string(), expected, "{text}");
                let mut appended = String::from("x");
                money.write_to(&mut appended, currency);
                assert_eq!(appended, format!("x{expected}"), "{text}");
            }
        }
    }

    /// The direct percent writer gives the text of the decimal's own formatting.
    #[test]
    fn percent_text_matches_the_decimal_formatting() {
        for text in [
            "0",
            "-0.00",
            "10",
            "10.00",
            "32.30",
            "9.99",
            "9.995",
            "-9.995",
            "9.9850000",
            "0.004",
            "-0.004",
            "0.005",
            "12.345678901234567890123456789",
            "100",
            "-16.83777239709443099273607748",
            "79228162514264337593543950335",
        ] {
            let d = m(text).0;
            let expected = format!(
                "{}%",
                d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            );
            assert_eq!(Percent(d).to_string(), expected, "{text}");
            let mut out = String::new();
            Percent(d).write_to(&mut out);
            assert_eq!(out, expected, "{text}");
        }
    }

    /// The direct number writer gives the text of rounding, normalising and grouping.
    #[test]
    fn number_text_matches_the_decimal_formatting() {
        for text in [
            "0",
            "-0.00",
            "4000",
            "1234567",
            "2.50",
            "2.345",
            "2.355",
            "-2.345",
            "2.3450000",
            "0.015",
            "0.025",
            "-0.025",
            "0.0250000000000000000000000001",
            "0.004",
            "-0.004",
            "1.5",
            "-1234.5",
            "1234567.891",
            "3.333333333333333333333333333",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ] {
            let d = m(text).0;
            let plain = d.round_dp(2).normalize().to_string();
            let group = |int: &str| match int.strip_prefix('-') {
                Some(digits) => format!("-{}", group_thousands(digits)),
                None => group_thousands(int),
            };
            let expected = match plain.split_once('.') {
                Some((i, f)) => format!("{}.{f}", group(i)),
                None => group(&plain),
            };
            let mut out = String::new();
            write_number(&mut out, d);
            assert_eq!(out, expected, "{text}");
        }
    }

    /// The exact writer gives the normalised decimal's own text.
    #[test]
    fn exact_text_matches_the_normalised_decimal() {
        let mut cases: Vec<Decimal> = [
            "0",
            "-0.000",
            "128.80",
            "-0.974285714285714285714285714",
            "35.714285714285714285714285714",
            "0.5",
            "-7",
            "1000",
            "0.0000000000000000000000000001",
            "-0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.1000",
            "10000000000000000000",
            "10000000000000000005",
            "1.0000000000000000005",
            "-100000000000000000000.5",
        ]
        .iter()
        .map(|t| m(t).0)
        .collect();
        cases.push(Decimal::ONE / Decimal::from(3));
        cases.push(Decimal::from(-2) / Decimal::from(3));
        for d in cases {
            let mut out = String::from("x");
            write_exact(&mut out, d);
            assert_eq!(out, format!("x{}", d.normalize()), "{d:?}");
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money(Decimal::MAX);
        assert_eq!(max.checked_add(m("1")), None);
        assert_eq!(m("5").checked_ratio(Money::ZERO), None);
        assert_eq!(m("5").checked_div_number(Decimal::ZERO), None);
    }

    #[test]
    fn unit_algebra_values() {
        let price = m("399.00");
        assert_eq!(
            price.checked_mul_percent(Percent(Decimal::from(5))),
            Some(m("19.95"))
        );
        assert_eq!(
            m("128.80").checked_ratio(price).map(|p| p.to_string()),
            Some("32.28%".into())
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(m("128.8").display("CNY").to_string(), "¥128.80");
        assert_eq!(m("1200000").display("CNY").to_string(), "¥1,200,000.00");
        assert_eq!(m("-62.055").display("CNY").to_string(), "-¥62.06");
        assert_eq!(m("12").display("CHF").to_string(), "CHF 12.00");
        assert_eq!(Percent(Decimal::from(10)).to_string(), "10%");
        assert_eq!(
            Percent::parse("9.99%").map(|p| p.to_string()),
            Ok("9.99%".into())
        );
        assert_eq!(Percent::parse("5"), Err(DecimalError::NotADecimal));
    }
}
