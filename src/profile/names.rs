//! Checking a profile's `params` and `waivers` against the names a rule set declares.
//!
//! A profile is loaded without knowing the rule set, so a parameter override or a waiver
//! can only be checked once the rule set is known. The rule set hands over its names as a
//! [`RuleSetNames`]; this module reports what the profile names that the rule set lacks.

use rust_decimal::Decimal;

use crate::money::{Percent, parse_decimal};
use crate::profile::error::{ProfileError, did_you_mean};
use crate::profile::load::percent_fix;
use crate::profile::model::Profile;

/// The kind of value a rule-set parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// An amount: `200000`.
    Money,
    /// A percent with `%`: `12%`.
    Percent,
    /// A whole number, not negative: `6`.
    Count,
    /// Any decimal number: `1.5`.
    Number,
    /// `true` or `false`.
    Bool,
    /// Free text.
    Text,
}

impl ParamKind {
    /// "a percent written with `%`", for messages.
    pub fn expected(self) -> &'static str {
        match self {
            ParamKind::Money => "an amount of money",
            ParamKind::Percent => "a percent written with `%`",
            ParamKind::Count => "a whole number",
            ParamKind::Number => "a number",
            ParamKind::Bool => "`true` or `false`",
            ParamKind::Text => "text",
        }
    }

    /// What a value of this kind must be, for a message about `text`: a percent out
    /// of range is told the range, not the `%` it already carries.
    pub fn expected_of(self, text: &str) -> &'static str {
        match self {
            ParamKind::Percent if Percent::parse(text).is_ok() => {
                "a percent between `0%` and `100%`"
            }
            _ => self.expected(),
        }
    }

    /// `None` when `text` is a valid value of this kind, else the help line.
    pub fn problem(self, text: &str) -> Option<String> {
        let decimal = parse_decimal(text);
        match self {
            ParamKind::Text => None,
            ParamKind::Bool => {
                (!matches!(text, "true" | "false")).then(|| "write `true` or `false`".to_owned())
            }
            ParamKind::Number => decimal
                .is_err()
                .then(|| "write a plain number such as `1.5`".to_owned()),
            ParamKind::Money => match decimal {
                Ok(d) if !d.is_sign_negative() || d.is_zero() => None,
                Ok(_) => {
                    Some("amounts are never negative: write the amount without `-`".to_owned())
                }
                Err(_) => Some("write a plain amount such as `200000`".to_owned()),
            },
            ParamKind::Count => match decimal {
                Ok(d) if (!d.is_sign_negative() || d.is_zero()) && d.fract().is_zero() => None,
                _ => Some("write a whole number such as `6`".to_owned()),
            },
            ParamKind::Percent => match Percent::parse(text) {
                Ok(p) if p.0 >= Decimal::ZERO && p.0 <= Decimal::ONE_HUNDRED => None,
                Ok(_) => Some("write a share between `0%` and `100%`".to_owned()),
                Err(_) => Some(match decimal {
                    Ok(d) => percent_fix(text, d),
                    Err(_) => "write a percent such as `12%`".to_owned(),
                }),
            },
        }
    }
}

/// The names a rule set declares: its parameters (with kinds) and its rule ids.
#[derive(Clone, Debug, Default)]
pub struct RuleSetNames {
    /// Parameter names and the kind of value each takes.
    pub params: Vec<(String, ParamKind)>,
    /// Rule ids.
    pub rules: Vec<String>,
}

/// Reports `params` keys the rule set does not declare, values of the wrong kind, and
/// waivers naming rules the rule set does not have; empty when all is well.
pub fn check_against(profile: &Profile, names: &RuleSetNames) -> Vec<ProfileError> {
    let src = &profile.source;
    let mut errors = Vec::new();
    for param in &profile.params {
        let Some((_, kind)) = names.params.iter().find(|(n, _)| *n == param.name) else {
            errors.push(ProfileError::UnknownParam {
                src: src.clone(),
                name: param.name.clone(),
                span: param.name_span,
                help: did_you_mean(
                    &param.name,
                    "the rule set declares",
                    names.params.iter().map(|(n, _)| n.as_str()),
                ),
            });
            continue;
        };
        if let Some(help) = kind.problem(&param.text) {
            errors.push(ProfileError::ParamKind {
                src: src.clone(),
                name: param.name.clone(),
                expected: kind.expected_of(&param.text).to_owned(),
                text: param.text.clone(),
                span: param.value_span,
                help,
            });
        }
    }
    for (i, waiver) in profile.waivers.iter().enumerate() {
        if !names.rules.contains(&waiver.rule.text) {
            errors.push(ProfileError::UnknownRule {
                src: src.clone(),
                path: format!("waivers[{i}].rule"),
                rule: waiver.rule.text.clone(),
                span: waiver.rule.span,
                help: did_you_mean(
                    &waiver.rule.text,
                    "the rule set's rules are",
                    names.rules.iter().map(String::as_str),
                ),
            });
        }
    }
    errors.sort_by_key(ProfileError::offset);
    errors
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::profile::load;
    use crate::source::SourceFile;

    const BASE: &str = "version: 1\nbusiness:\n  name: A\n  kind: brand\n  currency: CNY\n  capital: 100\n  team: {operations: 1}\nproducts:\n  - {sku: A, name: A, category: apparel, price: 10, unit_cost: 5}\n";

    fn codes(extra: &str) -> Vec<String> {
        let names = RuleSetNames {
            params: vec![
                ("margin_floor".into(), ParamKind::Percent),
                ("min_staff".into(), ParamKind::Count),
                ("capital_per_platform".into(), ParamKind::Money),
                ("strict".into(), ParamKind::Bool),
            ],
            rules: vec!["thin_net_margin".into()],
        };
        let profile = load(SourceFile::new("t.yaml", format!("{BASE}{extra}"))).unwrap();
        check_against(&profile, &names)
            .iter()
            .map(ProfileError::code_str)
            .collect()
    }

    #[test]
    fn declared_params_of_the_right_kind_pass() {
        let ok = "params:\n  margin_floor: 12%\n  min_staff: 2\n  capital_per_platform: \"200000.00\"\n  strict: true\nwaivers:\n  - {rule: thin_net_margin, reason: r}\n";
        assert!(codes(ok).is_empty());
    }

    #[test]
    fn unknown_names_and_wrong_kinds_are_reported() {
        let bad = "params:\n  margin_flor: 12%\n  min_staff: 2.5\n  margin_floor: 0.12\nwaivers:\n  - {rule: thin_net_margn, reason: r}\n";
        assert_eq!(
            codes(bad),
            [
                "profile::unknown_param",
                "profile::param_kind",
                "profile::param_kind",
                "profile::unknown_rule"
            ]
        );
    }
}
