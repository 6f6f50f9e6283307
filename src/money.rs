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
        let rounded = self
            .money
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        // Fast path, for every amount below 2^64 cents: write the integer cents
        // directly. Going through the decimal's own text, a split and a regrouped
        // copy cost several allocations per amount, and a large audit writes a few
        // hundred thousand amounts.
        let mut cents = rounded.abs();
        cents.rescale(2);
        if cents.scale() == 2
            && let Ok(cents) = u64::try_from(cents.mantissa())
        {
            f.write_str(sign)?;
            write_currency_prefix(f, self.currency)?;
            write_grouped(f, cents / 100)?;
            return write!(f, ".{:02}", cents % 100);
        }
        let text = format!("{:.2}", rounded.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
        write!(
            f,
            "{sign}{}{}.{frac}",
            currency_prefix(self.currency),
            group_thousands(int)
        )
    }
}

/// Writes [`currency_prefix`] without building it.
fn write_currency_prefix(f: &mut fmt::Formatter<'_>, code: &str) -> fmt::Result {
    match code {
        "CNY" | "JPY" => f.write_str("¥"),
        "USD" | "HKD" | "SGD" | "AUD" | "CAD" | "TWD" => f.write_str("$"),
        "EUR" => f.write_str("€"),
        "GBP" => f.write_str("£"),
        other => write!(f, "{other} "),
    }
}

/// Writes `n` with thousands separators, as [`group_thousands`] does.
fn write_grouped(f: &mut fmt::Formatter<'_>, n: u64) -> fmt::Result {
    // u64::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    loop {
        if let Some(d) = digits.get_mut(len) {
            *d = b'0' + (rest % 10) as u8;
        }
        len += 1;
        rest /= 10;
        if rest == 0 || len == digits.len() {
            break;
        }
    }
    for i in (0..len).rev() {
        if let Some(d) = digits.get(i) {
            fmt::Write::write_char(f, char::from(*d))?;
        }
        if i > 0 && i % 3 == 0 {
            fmt::Write::write_char(f, ',')?;
        }
    }
    Ok(())
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
        let rounded = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        write!(f, "{rounded}%")
    }
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
            "0.004",
            "0.005",
            "-0.004",
            "-0.005",
            "5",
            "12.3",
            "999.995",
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
            }
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
