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
    // Fast path, for every amount below 2^64 cents: the integer cents, as text
    // built in a stack buffer. Going through the decimal's own text, a split and a
    // regrouped copy cost several allocations per amount.
    if let Some(cents) = hundredths_u64(money.0, Midpoint::AwayFromZero) {
        let mut text = Text::new();
        text.prepend_two_digits(cents % 100);
        text.prepend(b'.');
        text.prepend_grouped(cents / 100);
        if money.0.is_sign_negative() && cents != 0 {
            w.write_char('-')?;
        }
        write_currency_prefix(w, currency)?;
        return text.write(w);
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

/// `[10^0, 10^1, ...]`, `$n` powers of ten of type `$t`, made at compile time.
macro_rules! powers_of_ten {
    ($t:ty, $n:literal) => {{
        let mut table: [$t; $n] = [1; $n];
        let mut k = 1;
        while k < $n {
            table[k] = table[k - 1] * 10;
            k += 1;
        }
        table
    }};
}

/// `10^k` for `k` up to 28, the largest scale of a decimal: a table look-up costs
/// less than `checked_pow`'s loop.
const POW10: [u128; 29] = powers_of_ten!(u128, 29);

/// The magnitude of `d` in hundredths, rounded by `midpoint`, when it fits in 64
/// bits (below 2^64 cents: every amount a business has).
///
/// Amounts as written (scale 2) and most products have a mantissa below 2^64,
/// taken straight from the decimal's parts and rounded in 64-bit arithmetic;
/// quotients (scale 27 or 28, a 96-bit mantissa) take [`hundredths`].
fn hundredths_u64(d: Decimal, midpoint: Midpoint) -> Option<u64> {
    let parts = d.unpack();
    if parts.hi != 0 {
        return u64::try_from(hundredths(d, midpoint)?.1).ok();
    }
    let m = (u64::from(parts.mid) << 32) | u64::from(parts.lo);
    match parts.scale {
        0 => m.checked_mul(100),
        1 => m.checked_mul(10),
        2 => Some(m),
        scale => {
            let Some(&unit) = POW10_U64.get(scale as usize - 2) else {
                // Scale above 21: the unit is beyond 64 bits.
                return u64::try_from(hundredths(d, midpoint)?.1).ok();
            };
            let (whole, rest) = (m.checked_div(unit)?, m.checked_rem(unit)?);
            // `rest < unit`: comparing it with what is left of the unit says
            // whether it is more than half of it, without overflow.
            let other = unit - rest;
            let up = rest > other
                || (rest == other && (midpoint == Midpoint::AwayFromZero || whole % 2 == 1));
            whole.checked_add(u64::from(up))
        }
    }
}

/// `10^k` for `k` up to 19, the powers of ten a `u64` holds.
const POW10_U64: [u64; 20] = powers_of_ten!(u64, 20);

/// The magnitude of `d` in hundredths, rounded by `midpoint`, and whether `d` is
/// negative; `None` only if it does not fit in a `u128` (it always does: a
/// decimal's mantissa has 96 bits).
///
/// Integer arithmetic on the mantissa: rust_decimal's own rounding of a computed
/// value (scale 28 after a division) was the costliest step of writing evidence.
fn hundredths(d: Decimal, midpoint: Midpoint) -> Option<(bool, u128)> {
    let negative = d.is_sign_negative();
    let mantissa = d.mantissa().unsigned_abs();
    let scale = d.scale();
    let value = if scale <= 2 {
        mantissa.checked_mul(*POW10.get(usize::try_from(2 - scale).ok()?)?)?
    } else {
        let unit = *POW10.get(usize::try_from(scale - 2).ok()?)?;
        let (whole, rest) = (mantissa.checked_div(unit)?, mantissa.checked_rem(unit)?);
        round_up(whole, rest.checked_mul(2)?, unit, midpoint)?
    };
    Some((negative, value))
}

/// `whole`, plus one when the remainder (given doubled, `twice`) rounds it up
/// against `unit`.
fn round_up(whole: u128, twice: u128, unit: u128, midpoint: Midpoint) -> Option<u128> {
    let up =
        twice > unit || (twice == unit && (midpoint == Midpoint::AwayFromZero || whole % 2 == 1));
    whole.checked_add(u128::from(up))
}

/// `"00"`, `"01"`, … `"99"`: two digits per division by 100 halve the divisions
/// of writing a number.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// A number's ASCII text, built from its last character to its first in a stack
/// buffer: digits come least significant first.
struct Text {
    /// Room for the longest text written: an exact value below one with 28
    /// decimals and a sign (`-0.0000000000000000000000000001`, 31 bytes) or 29
    /// digits, a point and a sign.
    bytes: [u8; 48],
    /// The text is `bytes[start..end]`.
    start: usize,
    end: usize,
}

impl Text {
    fn new() -> Self {
        Text {
            bytes: [0; 48],
            start: 48,
            end: 48,
        }
    }

    /// Puts `b` before the text. Every writer stays well inside the buffer; were
    /// one not to, the first byte would be overwritten, not a panic raised.
    fn prepend(&mut self, b: u8) {
        self.start = self.start.saturating_sub(1);
        if let Some(slot) = self.bytes.get_mut(self.start) {
            *slot = b;
        }
    }

    /// Puts the ASCII `s` before the text.
    fn prepend_ascii(&mut self, s: &[u8]) {
        for &b in s.iter().rev() {
            self.prepend(b);
        }
    }

    /// Puts `n % 100` as two digits before the text.
    fn prepend_two_digits(&mut self, n: u64) {
        let at = (n % 100) as usize * 2;
        self.prepend(PAIRS.get(at + 1).copied().unwrap_or(b'0'));
        self.prepend(PAIRS.get(at).copied().unwrap_or(b'0'));
    }

    /// Puts `n` in decimal digits before the text (`0` for zero).
    fn prepend_int(&mut self, mut n: u64) {
        while n >= 100 {
            self.prepend_two_digits(n);
            n /= 100;
        }
        if n >= 10 {
            self.prepend_two_digits(n);
        } else {
            self.prepend(b'0' + n as u8);
        }
    }

    /// Puts `n` before the text, padded with zeros to `width` digits.
    fn prepend_padded(&mut self, n: u64, width: usize) {
        let end = self.start;
        self.prepend_int(n);
        while end - self.start < width {
            self.prepend(b'0');
        }
    }

    /// Puts `n` with thousands separators before the text (`1,234,567`).
    fn prepend_grouped(&mut self, mut n: u64) {
        while n >= 1000 {
            let group = n % 1000;
            n /= 1000;
            self.prepend_two_digits(group);
            self.prepend(b'0' + (group / 100) as u8);
            self.prepend(b',');
        }
        self.prepend_int(n);
    }

    /// The last byte of the text.
    fn last(&self) -> Option<u8> {
        self.as_bytes().last().copied()
    }

    /// Drops the last byte of the text.
    fn pop(&mut self) {
        self.end = self.end.saturating_sub(1).max(self.start);
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(self.start..self.end).unwrap_or_default()
    }

    /// Writes the text, one `write_char` a byte (a `push` for a `String`). One
    /// `write_str` would need the bytes as a `str`, and `str::from_utf8`'s check
    /// costs more than the pushes of the few characters of a number.
    fn write<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        for &b in self.as_bytes() {
            // Only ASCII is put in, so the mask changes nothing; it tells the
            // compiler that each character is one byte, and `String::push` then
            // skips its multi-byte encoding.
            w.write_char(char::from(b & 0x7F))?;
        }
        Ok(())
    }

    /// Appends the text to `out`: a long text (an exact quotient has 29 digits)
    /// in one copy, since `str::from_utf8`'s fixed cost is then below that of a
    /// push a byte; a short one a byte at a time, as [`Text::write`].
    fn push_to(&self, out: &mut String) {
        let bytes = self.as_bytes();
        if bytes.len() >= 16
            && let Ok(text) = std::str::from_utf8(bytes)
        {
            out.push_str(text);
        } else {
            // Writing to a `String` cannot fail.
            let _ = self.write(out);
        }
    }
}

/// Writes [`currency_prefix`] without building it; a symbol as one `char`, which
/// for a `String` is a push rather than a copy.
fn write_currency_prefix<W: fmt::Write>(f: &mut W, code: &str) -> fmt::Result {
    match code {
        "CNY" | "JPY" => f.write_char('¥'),
        "USD" | "HKD" | "SGD" | "AUD" | "CAD" | "TWD" => f.write_char('$'),
        "EUR" => f.write_char('€'),
        "GBP" => f.write_char('£'),
        other => {
            f.write_str(other)?;
            f.write_char(' ')
        }
    }
}

/// A count or plain number appended to `out`: at most two decimals (rounded as
/// `Decimal::round_dp` does), trailing zeros dropped, thousands grouped (`4,000`,
/// `2.5`).
pub fn write_number(out: &mut String, d: Decimal) {
    if let Some(value) = hundredths_u64(d, Midpoint::ToEven) {
        let mut text = Text::new();
        text.prepend_fraction(value % 100);
        text.prepend_grouped(value / 100);
        if d.is_sign_negative() && value != 0 {
            text.prepend(b'-');
        }
        // Writing to a `String` cannot fail.
        let _ = text.write(out);
        return;
    }
    // Beyond 2^64 hundredths: the decimal's own text, grouped.
    let Some((negative, value)) = hundredths(d, Midpoint::ToEven) else {
        out.push_str(&d.round_dp(2).normalize().to_string());
        return;
    };
    if negative && value != 0 {
        out.push('-');
    }
    out.push_str(&group_thousands(&(value / 100).to_string()));
    let mut text = Text::new();
    text.prepend_fraction((value % 100) as u64);
    let _ = text.write(out);
}

/// The exact decimal, as `Decimal::normalize().to_string()` writes it (`128.8`,
/// `-0.974285714285714285714285714`, `0`), without allocating: evidence gives the
/// exact value of every computed figure, for tools that recompute them.
pub fn write_exact(out: &mut String, d: Decimal) {
    let mantissa = d.mantissa().unsigned_abs();
    if mantissa == 0 {
        out.push('0');
        return;
    }
    // The mantissa's digits. A 96-bit mantissa has at most 29; it is split at
    // 10^19 so that the digits come from 64-bit divisions, several times cheaper
    // than 128-bit ones (the split itself is one hardware division: the quotient
    // fits in 64 bits).
    const SPLIT: u128 = 10_000_000_000_000_000_000;
    let mut text = Text::new();
    match u64::try_from(mantissa) {
        Ok(m) => text.prepend_int(m),
        Err(_) => {
            // The low part is padded to 19 digits, the high part follows it.
            text.prepend_padded((mantissa % SPLIT) as u64, 19);
            text.prepend_int((mantissa / SPLIT) as u64);
        }
    }
    // Trailing zeros of the fraction are not written (`normalize`).
    let mut scale = d.scale() as usize;
    while scale > 0 && text.last() == Some(b'0') {
        text.pop();
        scale -= 1;
    }
    let len = text.end - text.start;
    if len > scale {
        // A point `scale` digits from the end: the integer digits move one place
        // left to make room for it.
        let point = text.end - scale;
        if scale > 0
            && let Some(to) = text.start.checked_sub(1)
            && let Some(slot) = point.checked_sub(1)
        {
            text.bytes.copy_within(text.start..point, to);
            text.start = to;
            if let Some(b) = text.bytes.get_mut(slot) {
                *b = b'.';
            }
        }
    } else {
        // Below one: a leading "0." and zeros.
        for _ in len..scale {
            text.prepend(b'0');
        }
        text.prepend_ascii(b"0.");
    }
    if d.is_sign_negative() {
        text.prepend(b'-');
    }
    text.push_to(out);
}

impl Text {
    /// Puts the hundredths `c` (below 100) as a fraction with trailing zeros
    /// dropped before the text: nothing, `.5` or `.25`.
    fn prepend_fraction(&mut self, c: u64) {
        match (c / 10, c % 10) {
            (0, 0) => {}
            (tenths, 0) => {
                self.prepend(b'0' + tenths as u8);
                self.prepend(b'.');
            }
            _ => {
                self.prepend_two_digits(c);
                self.prepend(b'.');
            }
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
    if let Some(value) = hundredths_u64(p.0, Midpoint::AwayFromZero) {
        let mut text = Text::new();
        text.prepend(b'%');
        text.prepend_fraction(value % 100);
        text.prepend_int(value / 100);
        if p.0.is_sign_negative() && value != 0 {
            text.prepend(b'-');
        }
        return text.write(w);
    }
    let Some((negative, value)) = hundredths(p.0, Midpoint::AwayFromZero) else {
        let rounded =
            p.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        return write!(w, "{}%", rounded.normalize());
    };
    // Beyond 2^64 hundredths: the decimal's own digits for the units.
    if negative && value != 0 {
        w.write_char('-')?;
    }
    write!(w, "{}", value / 100)?;
    let mut text = Text::new();
    text.prepend(b'%');
    text.prepend_fraction((value % 100) as u64);
    text.write(w)
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

    /// Mantissas at the edges of the fast paths: midpoints, one either side of
    /// them, powers of ten, around 2^64 (where the 64-bit path hands over) and the
    /// largest 96-bit mantissa.
    fn edge_mantissas() -> Vec<i128> {
        let mut out = vec![
            0,
            1,
            4,
            5,
            6,
            9,
            10,
            15,
            25,
            45,
            99,
            100,
            995,
            1005,
            123_456_789,
        ];
        for k in [3, 9, 18, 19, 20, 26, 27, 28] {
            let p = 10i128.pow(k);
            out.extend([p - 1, p, p + 1, 5 * p / 10, 15 * p / 10, 25 * p / 10]);
        }
        let two64 = i128::from(u64::MAX) + 1;
        out.extend([
            two64 - 1,
            two64,
            two64 + 5,
            two64 * 100 + 50,
            (1i128 << 96) - 1,
        ]);
        out
    }

    /// Every writer gives rust_decimal's own text for every scale and sign.
    #[test]
    fn every_scale_and_sign_matches_the_decimal_formatting() {
        for mantissa in edge_mantissas() {
            for scale in 0..=28 {
                for sign in [1, -1] {
                    let Ok(d) = Decimal::try_from_i128_with_scale(sign * mantissa, scale) else {
                        continue;
                    };
                    let money_rounded =
                        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                    let minus = if money_rounded.is_sign_negative() && !money_rounded.is_zero() {
                        "-"
                    } else {
                        ""
                    };
                    let general = format!("{:.2}", money_rounded.abs());
                    let (int, frac) = general.split_once('.').unwrap_or((&general, "00"));
                    for currency in ["CNY", "EUR", "CHF"] {
                        let expected = format!(
                            "{minus}{}{}.{frac}",
                            currency_prefix(currency),
                            group_thousands(int)
                        );
                        let mut out = String::new();
                        Money(d).write_to(&mut out, currency);
                        assert_eq!(out, expected, "money {d:?}");
                        assert_eq!(Money(d).display(currency).to_string(), expected);
                    }

                    let percent = format!("{}%", money_rounded.normalize());
                    let mut out = String::new();
                    Percent(d).write_to(&mut out);
                    assert_eq!(out, percent, "percent {d:?}");
                    assert_eq!(Percent(d).to_string(), percent, "percent {d:?}");

                    let plain = d.round_dp(2).normalize().to_string();
                    let (int, frac) = match plain.split_once('.') {
                        Some((i, f)) => (i, format!(".{f}")),
                        None => (plain.as_str(), String::new()),
                    };
                    let number = match int.strip_prefix('-') {
                        Some(digits) => format!("-{}{frac}", group_thousands(digits)),
                        None => format!("{}{frac}", group_thousands(int)),
                    };
                    let mut out = String::new();
                    write_number(&mut out, d);
                    assert_eq!(out, number, "number {d:?}");

                    let mut out = String::new();
                    write_exact(&mut out, d);
                    assert_eq!(out, d.normalize().to_string(), "exact {d:?}");
                }
            }
        }
    }

    /// The 64-bit rounding agrees with the 128-bit one wherever both apply.
    #[test]
    fn hundredths_in_64_bits_match_the_general_rounding() {
        for mantissa in edge_mantissas() {
            for scale in 0..=28 {
                let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) else {
                    continue;
                };
                for midpoint in [Midpoint::AwayFromZero, Midpoint::ToEven] {
                    let general = hundredths(d, midpoint).and_then(|(_, v)| u64::try_from(v).ok());
                    assert_eq!(hundredths_u64(d, midpoint), general, "{d:?}");
                }
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
