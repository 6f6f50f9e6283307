//! The rule language's types and its unit algebra.
//!
//! Money, percent, number and count are all exact decimals at run time; their
//! difference lives here, checked before any rule runs: `money + percent` is an
//! error that points at the `+`, `money / money` is a percent.

use std::fmt;

use crate::profile::schema::RecordSchema;
use crate::syntax::ast::BinOp;

/// What an expression is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// An amount in the profile's currency.
    Money,
    /// A percentage (`10%`).
    Percent,
    /// A unitless number (ratios, multipliers).
    Number,
    /// A whole number of things (orders, people, months).
    Count,
    /// `true` / `false`.
    Bool,
    /// Text.
    Text,
    /// One word of a fixed list (a profile enum such as `platform.status`).
    Enum(&'static [&'static str]),
    /// A list of values of one type.
    List(Box<Type>),
    /// A product of the profile.
    Product,
    /// A platform of the profile.
    Platform,
    /// A record of the profile (`business`, `platform.monthly`).
    Record(&'static RecordSchema),
    /// A lookup table (only valid as `table[key]`).
    Table,
    /// The type of an expression that already had an error: never reported again.
    Error,
}

impl Type {
    /// Money, percent, number or count.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Money | Type::Percent | Type::Number | Type::Count
        )
    }

    /// Number or count: unitless.
    pub fn is_unitless(&self) -> bool {
        matches!(self, Type::Number | Type::Count)
    }

    /// True for the error type, which unifies with anything to avoid cascades.
    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    /// Whether a value of type `self` may be used where `want` is expected.
    /// A count is a number; an enum word compares with text.
    pub fn fits(&self, want: &Type) -> bool {
        match (self, want) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::Count, Type::Number) => true,
            (Type::Enum(_), Type::Text) => true,
            (Type::List(a), Type::List(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Money => f.write_str("money"),
            Type::Percent => f.write_str("percent"),
            Type::Number => f.write_str("number"),
            Type::Count => f.write_str("count"),
            Type::Bool => f.write_str("bool"),
            Type::Text => f.write_str("text"),
            Type::Enum(words) => write!(f, "one of {}", words.join(", ")),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Product => f.write_str("product"),
            Type::Platform => f.write_str("platform"),
            Type::Record(r) => write!(f, "record `{}`", r.name),
            Type::Table => f.write_str("table"),
            Type::Error => f.write_str("unknown"),
        }
    }
}

/// An arithmetic operation with its unit rule resolved at check time, so the
/// evaluator never inspects types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    /// Same-unit addition (money, percent, number, count).
    Add,
    /// Same-unit subtraction.
    Sub,
    /// Plain product (number × number, money × number, percent × number, ...).
    Mul,
    /// money × percent, percent × money, percent × percent: the percent is divided by 100.
    MulPercent,
    /// Plain quotient (number ÷ number, money ÷ number, percent ÷ number, percent ÷ percent).
    Div,
    /// money ÷ money → percent: the quotient times 100.
    DivToPercent,
    /// money ÷ percent → money: divided by the fraction (× 100 ÷ p).
    DivByPercent,
}

/// The result type of `lhs op rhs` for arithmetic, or `None` when the units do not
/// combine. `lit_*` says whether an operand is a bare number literal: `price > 100`
/// reads naturally, so a literal takes the unit of money beside it (never of percent:
/// `rate < 0.1` is the classic mistake this language exists to catch).
pub fn arith(op: BinOp, lhs: &Type, rhs: &Type) -> Option<(Arith, Type)> {
    use Type::*;
    let r = match (op, lhs, rhs) {
        (BinOp::Add | BinOp::Sub, Count, Count) => {
            // Subtraction of counts may go below zero: the result is a number.
            let t = if op == BinOp::Add { Count } else { Number };
            (arith_add_sub(op), t)
        }
        (BinOp::Add | BinOp::Sub, a, b) if a.is_unitless() && b.is_unitless() => {
            (arith_add_sub(op), Number)
        }
        (BinOp::Add | BinOp::Sub, Money, Money) => (arith_add_sub(op), Money),
        (BinOp::Add | BinOp::Sub, Percent, Percent) => (arith_add_sub(op), Percent),

        (BinOp::Mul, Count, Count) => (Arith::Mul, Count),
        (BinOp::Mul, a, b) if a.is_unitless() && b.is_unitless() => (Arith::Mul, Number),
        (BinOp::Mul, Money, b) | (BinOp::Mul, b, Money) if b.is_unitless() => (Arith::Mul, Money),
        (BinOp::Mul, Percent, b) | (BinOp::Mul, b, Percent) if b.is_unitless() => {
            (Arith::Mul, Percent)
        }
        (BinOp::Mul, Money, Percent) | (BinOp::Mul, Percent, Money) => (Arith::MulPercent, Money),
        (BinOp::Mul, Percent, Percent) => (Arith::MulPercent, Percent),

        (BinOp::Div, a, b) if a.is_unitless() && b.is_unitless() => (Arith::Div, Number),
        (BinOp::Div, Money, b) if b.is_unitless() => (Arith::Div, Money),
        (BinOp::Div, Percent, b) if b.is_unitless() => (Arith::Div, Percent),
        (BinOp::Div, Money, Money) => (Arith::DivToPercent, Percent),
        (BinOp::Div, Money, Percent) => (Arith::DivByPercent, Money),
        (BinOp::Div, Percent, Percent) => (Arith::Div, Number),
        _ => return None,
    };
    Some(r)
}

fn arith_add_sub(op: BinOp) -> Arith {
    if op == BinOp::Add {
        Arith::Add
    } else {
        Arith::Sub
    }
}

/// Whether two types can be compared with `<`, `==`, ...
pub fn comparable(op: BinOp, lhs: &Type, rhs: &Type) -> bool {
    let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
    match (lhs, rhs) {
        (Type::Error, _) | (_, Type::Error) => true,
        (a, b) if a.is_unitless() && b.is_unitless() => true,
        (Type::Money, Type::Money) | (Type::Percent, Type::Percent) => true,
        (Type::Text | Type::Enum(_), Type::Text | Type::Enum(_)) => true,
        (Type::Bool, Type::Bool)
        | (Type::Product, Type::Product)
        | (Type::Platform, Type::Platform) => !ordered,
        // Lists compare as sets: `targets == [gmv]` means "exactly gmv".
        (Type::List(a), Type::List(b)) => !ordered && (a.fits(b) || b.fits(a)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_algebra_of_the_language_spec() {
        use Type::*;
        assert_eq!(arith(BinOp::Add, &Money, &Money).map(|r| r.1), Some(Money));
        assert_eq!(
            arith(BinOp::Mul, &Money, &Percent).map(|r| r.1),
            Some(Money)
        );
        assert_eq!(
            arith(BinOp::Div, &Money, &Money).map(|r| r.1),
            Some(Percent)
        );
        assert_eq!(arith(BinOp::Div, &Money, &Count).map(|r| r.1), Some(Money));
        assert_eq!(arith(BinOp::Add, &Money, &Percent), None);
        assert!(!comparable(BinOp::Lt, &Money, &Percent));
        assert!(comparable(BinOp::Lt, &Count, &Number));
    }
}
