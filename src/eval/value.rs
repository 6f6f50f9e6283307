//! Run-time values and the reasons a value can be unknown.
//!
//! Money, percent, number and count are all one `Num(Decimal)` here: the checker
//! already proved every operation's units, so the evaluator carries none.

use std::rc::Rc;

use rust_decimal::Decimal;

use crate::check::ir::Lit;
use crate::profile::{Record, Word};
use crate::source::Span;

/// Which entity of the profile a value or a missing fact belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityRef {
    /// The business itself.
    Business,
    /// `products[i]`.
    Product(u32),
    /// `platforms[i]`.
    Platform(u32),
}

/// A value during evaluation; `'a` borrows from the profile and the rule set.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    /// Money, percent (in percent units), number or count.
    Num(Decimal),
    /// A truth value.
    Bool(bool),
    /// Text from the profile or the rules.
    Text(&'a str),
    /// A profile enum word.
    Word(&'static str),
    /// A product, by index.
    Product(u32),
    /// A platform, by index.
    Platform(u32),
    /// A record, with the entity it hangs from (for naming missing facts).
    Record(&'a Record, EntityRef),
    /// A list.
    List(List<'a>),
}

/// A list value. Lists from the profile and the rules are borrowed; only lists a
/// rule computes (`list(...)`, `intersect`) are built, and shared by `Rc`.
#[derive(Clone, Debug)]
pub enum List<'a> {
    /// A profile text list (`platform.tools`).
    Words(&'a [Word]),
    /// A profile enum list (`business.planning.targets`).
    Enums(&'a [&'static str]),
    /// A literal list from the rules (a table row, a param default).
    Lits(&'a [Lit]),
    /// Every product.
    Products(u32),
    /// Every platform.
    Platforms(u32),
    /// Computed during evaluation.
    Built(Rc<Vec<Value<'a>>>),
}

impl<'a> List<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Words(w) => w.len(),
            List::Enums(e) => e.len(),
            List::Lits(l) => l.len(),
            List::Products(n) | List::Platforms(n) => *n as usize,
            List::Built(v) => v.len(),
        }
    }

    /// Whether the list has no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i`.
    pub fn get(&self, i: usize) -> Option<Value<'a>> {
        match self {
            List::Words(w) => w.get(i).map(|w| Value::Text(w.text.as_str())),
            List::Enums(e) => e.get(i).map(|w| Value::Word(w)),
            List::Lits(l) => l.get(i).map(lit_value),
            List::Products(n) => (i < *n as usize).then_some(Value::Product(i as u32)),
            List::Platforms(n) => (i < *n as usize).then_some(Value::Platform(i as u32)),
            List::Built(v) => v.get(i).cloned(),
        }
    }

    /// Whether some element is the `same` as `v`. Literal lists (`status in [live,
    /// onboarding]`) are compared in place, without making a value of each literal.
    pub fn contains(&self, v: &Value<'_>) -> bool {
        match self {
            List::Lits(lits) => lits.iter().any(|l| match (l, v) {
                (Lit::Word(w), Value::Word(x)) => same_word(w, x),
                (Lit::Text(w), Value::Word(x)) => w.eq_ignore_ascii_case(x),
                (Lit::Word(w), Value::Text(x)) => w.eq_ignore_ascii_case(x),
                (Lit::Text(w), Value::Text(x)) => same_text(w, x),
                _ => lit_value(l).same(v),
            }),
            _ => self.iter().any(|item| item.same(v)),
        }
    }

    /// The elements, in order.
    pub fn iter(&self) -> impl Iterator<Item = Value<'a>> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

/// A literal of the rules as a value.
pub fn lit_value(lit: &Lit) -> Value<'_> {
    match lit {
        Lit::Num(d) => Value::Num(*d),
        Lit::Text(s) => Value::Text(s.as_str()),
        Lit::Word(w) => Value::Word(w),
        Lit::Bool(b) => Value::Bool(*b),
        Lit::List(items) => Value::List(List::Lits(items)),
    }
}

impl Value<'_> {
    /// Equality across representations: a profile word equals the same text in a rule.
    pub fn same(&self, other: &Value<'_>) -> bool {
        match (self, other) {
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Product(a), Value::Product(b)) | (Value::Platform(a), Value::Platform(b)) => {
                a == b
            }
            (Value::Word(a), Value::Word(b)) => same_word(a, b),
            (Value::Text(a), Value::Text(b)) => same_text(a, b),
            // Lists are equal as sets: each element of one is in the other.
            (Value::List(a), Value::List(b)) => {
                a.iter().all(|x| b.iter().any(|y| x.same(&y)))
                    && b.iter().all(|y| a.iter().any(|x| x.same(&y)))
            }
            (a, b) => match (a.as_text(), b.as_text()) {
                // Categories, tools and platform names compare without regard to ASCII
                // case, as the profile's own names do.
                (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                _ => false,
            },
        }
    }

    /// The text of a text or word value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            Value::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// Two enum words are the same word. Profile and rule words are both the schema's own
/// `&'static str`, so the address usually decides; the text comparison is the rule.
#[inline]
fn same_word(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || same_text(a, b)
}

/// Texts compare without regard to ASCII case; most that are the same are written
/// the same, and a byte comparison decides those faster than a case-folding one.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a == b || a.eq_ignore_ascii_case(b))
}

/// A fact the profile does not give.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MissingFact {
    /// Whose fact.
    pub entity: EntityRef,
    /// The field's path from the entity (`commission`, `monthly.ad_spend`).
    pub path: String,
}

/// Why an expression has no value for this binding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unknown {
    /// The profile does not give a fact the condition needs.
    Missing(MissingFact),
    /// A lookup table has no row for the key (and no default).
    NotInTable {
        /// The table.
        table: String,
        /// The key looked up.
        key: String,
    },
    /// Division by zero.
    DivisionByZero {
        /// The division, in the rule file.
        span: Span,
        /// Its source text.
        expr: String,
    },
    /// A result too large for an exact decimal.
    Overflow {
        /// The operation, in the rule file.
        span: Span,
        /// Its source text.
        expr: String,
    },
    /// `min`, `max` or `avg` of nothing.
    Empty {
        /// The aggregate, in the rule file.
        span: Span,
        /// Its source text.
        expr: String,
    },
}

/// The result of evaluating an expression.
///
/// The unknown is boxed: it is rare, but as large as two `String`s, and every `Ok`
/// on the hot path would otherwise be moved at its size. Boxed, an `Eval` is no
/// larger than a `Value` (the test below keeps it so).
pub type Eval<'a> = Result<Value<'a>, Box<Unknown>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_is_no_larger_than_a_value() {
        assert_eq!(
            std::mem::size_of::<Eval<'_>>(),
            std::mem::size_of::<Value<'_>>()
        );
    }
}
