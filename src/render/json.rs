//! JSON output: the report as data, versioned (see docs/audit-json.md).
//!
//! An audit's JSON is written by hand ([`Out`]), field by field in the order of the
//! `Serialize` derives in `src/advice.rs`, in `serde_json`'s pretty layout. Going
//! through serde cost more than building the report itself: serde_json checks every
//! byte of every string against its escape table one at a time, and an audit of a
//! medium profile is 100 KB of evidence text. The derives stay the definition of the
//! schema: a test below holds this writer to `serde_json::to_string_pretty` of the
//! same reports, byte for byte, on every fixture and on strings that need escaping.

use std::fmt::Write as _;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::advice::{
    Entity, JSON_SCHEMA_VERSION, ParamUsed, Recommendation, Report, RuleLocation, Step,
};
use crate::explain::{AdviceOut, Head, Plan, Text, WhyNot, replay};

/// An object key as written before its value, `"key": `, made at compile time: one
/// copy of a fixed length instead of five pushes.
macro_rules! k {
    ($key:literal) => {
        concat!("\"", $key, "\": ")
    };
}

/// Reports as one JSON document: `{"schema_version": 1, "reports": [...]}`.
pub fn render(reports: &[Report]) -> String {
    let mut w = Writer::new();
    for r in reports {
        w.report(r);
    }
    w.finish()
}

/// Writes audits as one JSON document, report by report. A [`Plan`] is written
/// straight from the explainer, each recommendation's evidence into the text as it
/// is made: no report of strings is built, copied and freed on the way.
pub struct Writer {
    o: Out,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    /// An empty document; each report makes room for itself.
    pub fn new() -> Self {
        let mut o = Out::with_capacity(1024);
        o.open('{');
        o.key(k!("schema_version"));
        o.uint(u64::from(JSON_SCHEMA_VERSION));
        o.key(k!("reports"));
        o.open('[');
        Writer { o }
    }

    /// A built report.
    pub fn report(&mut self, r: &Report) {
        self.reserve(r.recommendations.len() + r.suppressed.len() + r.waived.len());
        self.o.item();
        report(&mut self.o, r, |o| {
            o.key(k!("recommendations"));
            o.list(&r.recommendations, recommendation);
            o.key(k!("suppressed"));
            o.list(&r.suppressed, |o, s| {
                suppressed(o, &s.by, |o| recommendation(o, &s.recommendation));
            });
            o.key(k!("waived"));
            o.list(&r.waived, |o, w| {
                waived(o, &w.reason, w.until.as_deref(), |o| {
                    recommendation(o, &w.recommendation);
                });
            });
        });
    }

    /// A planned report, each recommendation explained as it is written. (Called
    /// once per report, so kept out of line: profiles then show it by name.)
    #[inline(never)]
    pub fn plan(&mut self, plan: &mut Plan<'_, '_>) {
        let Plan {
            head,
            recommendations,
            suppressed: withdrawn,
            waived: signed_off,
            explainer,
        } = plan;
        self.reserve(recommendations.len() + withdrawn.len() + signed_off.len());
        self.o.item();
        report(&mut self.o, head, |o| {
            o.key(k!("recommendations"));
            o.list(recommendations, |o, p| {
                explainer.write(p, &mut JsonAdvice(o))
            });
            o.key(k!("suppressed"));
            o.list(withdrawn, |o, (p, by)| {
                suppressed(o, by, |o| explainer.write(p, &mut JsonAdvice(o)));
            });
            o.key(k!("waived"));
            o.list(signed_off, |o, (p, reason, until)| {
                waived(o, reason, until.as_deref(), |o| {
                    explainer.write(p, &mut JsonAdvice(o));
                });
            });
        });
    }

    /// Room for a report of `advice` recommendations before it is written: growing
    /// the text as it goes copies it (a medium audit is 30–100 KB).
    fn reserve(&mut self, advice: usize) {
        self.o.buf.reserve(8 * 1024 + advice * 3 * 1024);
    }

    /// The document.
    pub fn finish(mut self) -> String {
        self.o.close(']');
        self.o.close('}');
        self.o.finish()
    }
}

/// A why-not account as JSON. Not on a hot path, so serde writes it.
pub fn render_why_not(why: &WhyNot) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        schema_version: u32,
        reports: &'a [WhyNot],
    }
    let doc = Document {
        schema_version: JSON_SCHEMA_VERSION,
        reports: std::slice::from_ref(why),
    };
    // Serialising plain structs of strings and numbers cannot fail; if it somehow
    // did, an empty object is a valid document and the tests would catch it.
    serde_json::to_string_pretty(&doc).map_or_else(|_| "{}\n".to_owned(), |s| s + "\n")
}

/// A report's fields in schema order; `advice` writes its three advice lists.
fn report(o: &mut Out, r: &Report, advice: impl FnOnce(&mut Out)) {
    o.open('{');
    o.key(k!("schema_version"));
    o.uint(u64::from(r.schema_version));
    o.field(k!("profile"), &r.profile);
    o.field(k!("business"), &r.business);
    o.field(k!("currency"), &r.currency);
    o.field(k!("rules_fingerprint"), &r.rules_fingerprint);
    o.key(k!("counts"));
    o.open('{');
    for (k, n) in [
        (k!("error"), r.counts.error),
        (k!("warning"), r.counts.warning),
        (k!("info"), r.counts.info),
        (k!("not_assessed"), r.counts.not_assessed),
    ] {
        o.key(k);
        o.uint(n as u64);
    }
    o.close('}');
    advice(o);
    o.key(k!("expired_waivers"));
    o.list(&r.expired_waivers, |o, s| o.str(s));
    o.key(k!("not_assessed"));
    o.list(&r.not_assessed, |o, n| {
        o.open('{');
        o.field(k!("rule"), &n.rule);
        o.field(k!("title"), &n.title);
        o.key(k!("entity"));
        entity(o, &n.entity);
        o.field(k!("reason"), &n.reason);
        o.close('}');
    });
    o.key(k!("data_to_collect"));
    o.list(&r.data_to_collect, |o, g| {
        o.open('{');
        o.field(k!("entity"), &g.entity);
        o.field(k!("fact"), &g.fact);
        o.key(k!("rules"));
        o.list(&g.rules, |o, s| o.str(s));
        o.close('}');
    });
    o.key(k!("params"));
    o.list(&r.params, param);
    o.close('}');
}

/// A withdrawn recommendation, written by `rec`, and the rule that withdrew it.
fn suppressed(o: &mut Out, by: &str, rec: impl FnOnce(&mut Out)) {
    o.open('{');
    o.key(k!("recommendation"));
    rec(o);
    o.field(k!("by"), by);
    o.close('}');
}

/// A waived recommendation, written by `rec`, and its waiver.
fn waived(o: &mut Out, reason: &str, until: Option<&str>, rec: impl FnOnce(&mut Out)) {
    o.open('{');
    o.key(k!("recommendation"));
    rec(o);
    o.field(k!("reason"), reason);
    if let Some(until) = until {
        o.field(k!("until"), until);
    }
    o.close('}');
}

fn recommendation(o: &mut Out, r: &Recommendation) {
    replay(r, &mut JsonAdvice(o));
}

/// A recommendation as JSON, written as the explainer (or [`replay`]) sends it.
struct JsonAdvice<'o>(&'o mut Out);

impl AdviceOut for JsonAdvice<'_> {
    fn begin(&mut self, h: Head<'_>) {
        let o = &mut *self.0;
        o.open('{');
        o.field(k!("rule"), h.rule);
        o.field(k!("title"), h.title);
        o.field(k!("severity"), h.severity.as_str());
        o.field(k!("area"), h.area);
        o.field(k!("heuristic"), h.heuristic);
        o.key(k!("entity"));
        entity(o, h.entity);
    }

    fn message(&mut self, text: Text<'_, impl FnOnce(&mut String)>) {
        self.0.key(k!("message"));
        self.0.text(text);
    }

    fn rationale(&mut self, text: Text<'_, impl FnOnce(&mut String)>) {
        self.0.key(k!("rationale"));
        self.0.text(text);
    }

    fn actions_begin(&mut self) {
        self.0.key(k!("actions"));
        self.0.open('[');
    }

    fn action(&mut self, write: impl FnOnce(&mut String)) {
        self.0.item();
        self.0.str_with(write);
    }

    fn actions_end(&mut self) {
        self.0.close(']');
    }

    fn evidence_begin(&mut self) {
        self.0.key(k!("evidence"));
        self.0.open('{');
        self.0.key(k!("bindings"));
        self.0.open('[');
    }

    fn bound(&mut self, name: &Arc<str>, value: &Arc<str>) {
        let o = &mut *self.0;
        o.item();
        o.open('{');
        o.field(k!("name"), name);
        o.field(k!("value"), value);
        o.close('}');
    }

    fn steps_begin(&mut self) {
        self.0.close(']');
        self.0.key(k!("steps"));
        self.0.open('[');
    }

    fn step(
        &mut self,
        name: &Arc<str>,
        formula: &Arc<str>,
        values: impl FnOnce(&mut String),
        result: Text<'_, impl FnOnce(&mut String)>,
        exact: Option<Decimal>,
    ) {
        let o = &mut *self.0;
        o.item();
        o.open('{');
        o.field(k!("name"), name);
        o.field(k!("formula"), formula);
        o.key(k!("values"));
        o.str_with(values);
        o.key(k!("result"));
        o.text(result);
        if let Some(d) = exact {
            o.key(k!("exact"));
            o.str_with(|out| crate::money::write_exact(out, d));
        }
        o.close('}');
    }

    fn shared_step(&mut self, s: &Step) {
        self.0.item();
        step(self.0, s);
    }

    fn evidence_end(&mut self, params: &Arc<[ParamUsed]>) {
        self.0.close(']');
        self.0.key(k!("params"));
        self.0.list(params, param);
        self.0.close('}');
    }

    fn end(&mut self, location: &RuleLocation) {
        let o = &mut *self.0;
        o.key(k!("location"));
        o.open('{');
        o.field(k!("file"), &location.file);
        o.key(k!("line"));
        o.uint(location.line as u64);
        o.close('}');
        o.close('}');
    }
}

fn entity(o: &mut Out, e: &Entity) {
    o.open('{');
    if let Some(p) = &e.product {
        o.key(k!("product"));
        o.open('{');
        o.field(k!("sku"), &p.sku);
        o.field(k!("name"), &p.name);
        o.close('}');
    }
    if let Some(p) = &e.platform {
        o.field(k!("platform"), p);
    }
    o.close('}');
}

fn step(o: &mut Out, s: &Step) {
    o.open('{');
    o.field(k!("name"), &s.name);
    o.field(k!("formula"), &s.formula);
    o.field(k!("values"), &s.values);
    o.field(k!("result"), &s.result);
    if let Some(exact) = &s.exact {
        o.field(k!("exact"), exact);
    }
    o.close('}');
}

fn param(o: &mut Out, p: &ParamUsed) {
    o.open('{');
    o.field(k!("name"), &p.name);
    o.field(k!("value"), &p.value);
    o.field(k!("source"), &p.source);
    o.close('}');
}

/// A JSON text in `serde_json`'s pretty layout: two-space indent, `"key": value`,
/// and `[]` / `{}` for empty containers.
struct Out {
    buf: String,
    /// Nesting depth.
    level: usize,
    /// Whether the innermost open container has an element yet.
    has_value: bool,
}

impl Out {
    fn with_capacity(n: usize) -> Self {
        Out {
            buf: String::with_capacity(n),
            level: 0,
            has_value: false,
        }
    }

    fn finish(mut self) -> String {
        self.buf.push('\n');
        self.buf
    }

    /// A line break and the current indent, after a comma unless first in its
    /// container: one copy out of a comma, a newline and enough spaces for any
    /// depth an audit reaches.
    fn line(&mut self) {
        const BREAK: &str = ",\n                                                ";
        let start = usize::from(!self.has_value);
        let end = 2 + 2 * self.level;
        match BREAK.get(start..end) {
            Some(text) => self.buf.push_str(text),
            None => {
                self.buf.push_str(BREAK.get(start..2).unwrap_or_default());
                self.buf.extend(std::iter::repeat_n(' ', 2 * self.level));
            }
        }
    }

    fn open(&mut self, bracket: char) {
        self.buf.push(bracket);
        self.level += 1;
        self.has_value = false;
    }

    fn close(&mut self, bracket: char) {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            // The line break before a closing bracket has no comma.
            self.has_value = false;
            self.line();
        }
        self.buf.push(bracket);
        self.has_value = true;
    }

    /// An object key from [`k!`] (plain ASCII, never escaped), ready for its value.
    fn key(&mut self, quoted: &'static str) {
        self.line();
        self.buf.push_str(quoted);
    }

    /// `"k": "s"`, the key from [`k!`].
    fn field(&mut self, k: &'static str, s: &str) {
        self.key(k);
        self.str(s);
    }

    /// Ready for the next array element.
    fn item(&mut self) {
        self.line();
    }

    fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Out, &T)) {
        self.open('[');
        for item in items {
            self.item();
            write(self, item);
        }
        self.close(']');
    }

    fn uint(&mut self, n: u64) {
        // Writing to a `String` cannot fail.
        let _ = write!(self.buf, "{n}");
        self.has_value = true;
    }

    /// A text field's value: shared text, or text written in place.
    fn text(&mut self, text: Text<'_, impl FnOnce(&mut String)>) {
        match text {
            Text::Shared(s) => self.str(s),
            Text::Write(write) => self.str_with(write),
        }
    }

    /// A string written by `write` straight into the text, then escaped there if
    /// it needs it (rarely: evidence is numbers, names and operators).
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        self.buf.push('"');
        let start = self.buf.len();
        write(&mut self.buf);
        if needs_escape(self.buf.as_bytes().get(start..).unwrap_or_default()) {
            let raw = self.buf.split_off(start);
            self.buf.pop();
            self.str(&raw);
        } else {
            self.buf.push('"');
        }
        self.has_value = true;
    }

    fn str(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            // Rare (quotes, backslashes, control characters): serde_json's escaping.
            match serde_json::to_string(s) {
                Ok(quoted) => self.buf.push_str(&quoted),
                Err(_) => self.buf.push_str("\"\""),
            }
        } else {
            self.buf.reserve(s.len() + 2);
            self.buf.push('"');
            self.buf.push_str(s);
            self.buf.push('"');
        }
        self.has_value = true;
    }
}

/// Whether JSON needs any byte of `s` escaped: a quote, a backslash or a control
/// character. Eight bytes at a time, as one 64-bit word: every string of an audit
/// passes through here, and a byte-at-a-time check (or a padded vector one, which
/// the compiler did not vectorise) was a fifth of the time of writing the JSON.
fn needs_escape(s: &[u8]) -> bool {
    let mut words = s.chunks_exact(8);
    let special = words.by_ref().any(|w| {
        w.try_into()
            .is_ok_and(|w| word_needs_escape(u64::from_le_bytes(w)))
    });
    special
        || words
            .remainder()
            .iter()
            .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Whether any byte of `x` is below 0x20, a quote or a backslash. The classic
/// bit tricks: `x - 0x20…20` borrows into a byte's top bit only where that byte is
/// below 0x20 (or where a lower byte already borrowed, which is below 0x20 itself);
/// a byte equal to `c` is a zero byte of `x ^ c…c`. Bytes from 0x80 up (UTF-8
/// sequences) have their top bit set in `x`, so `& !x` rules them out.
fn word_needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let quote = has_zero(x ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(x ^ (ONES * u64::from(b'\\')));
    (control | quote | backslash) & TOP != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_check_matches_serde_json() {
        for s in [
            "",
            "plain",
            "¥128.80 − ¥1",
            "a\"b",
            "back\\slash",
            "tab\there",
            "\u{1f}",
            "\u{7f}é",
        ] {
            let ours = !needs_escape(s.as_bytes());
            let theirs = serde_json::to_string(s).unwrap_or_default() == format!("\"{s}\"");
            assert_eq!(ours, theirs, "{s:?}");
        }
    }

    #[test]
    fn text_written_in_place_is_escaped_like_serde_json() {
        let nasty = "a \"quoted\" back\\slash, tab\t, newline\n, unit\u{1f}, ¥1 − 2";
        for s in ["", "plain ¥1,234.50", nasty] {
            let mut o = Out::with_capacity(0);
            o.open('[');
            o.item();
            o.str_with(|out| out.push_str(s));
            o.item();
            o.str(s);
            o.close(']');
            let expected = serde_json::to_string_pretty(&[s, s]).unwrap_or_default() + "\n";
            assert_eq!(o.finish(), expected, "{s:?}");
        }
    }

    #[test]
    fn escape_check_judges_every_byte_at_every_position_as_serde_json_does() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..0x80u8 {
                    let mut bytes = vec![b'a'; len];
                    if let Some(x) = bytes.get_mut(at) {
                        *x = b;
                    }
                    let s = String::from_utf8(bytes).unwrap_or_default();
                    let serde = serde_json::to_string(&s).unwrap_or_default();
                    assert_eq!(
                        needs_escape(s.as_bytes()),
                        serde != format!("\"{s}\""),
                        "{s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn escape_check_sees_every_position_of_the_words_and_the_tail() {
        for len in [1, 15, 16, 17, 31, 32, 33, 47] {
            let plain = "é".repeat(len / 2) + &"a".repeat(len % 2);
            assert!(!needs_escape(plain.as_bytes()), "{plain:?}");
            for at in 0..plain.len() {
                for special in [b'"', b'\\', b'\n', 0x1f] {
                    let mut bytes = "a".repeat(plain.len()).into_bytes();
                    if let Some(b) = bytes.get_mut(at) {
                        *b = special;
                    }
                    assert!(needs_escape(&bytes), "{len} {at} {special}");
                }
            }
        }
    }
}
