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

use serde::Serialize;

use crate::advice::{
    Entity, Evidence, JSON_SCHEMA_VERSION, ParamUsed, Recommendation, Report, Step,
};
use crate::explain::WhyNot;

/// An object key as written before its value, `"key": `, made at compile time: one
/// copy of a fixed length instead of five pushes.
macro_rules! k {
    ($key:literal) => {
        concat!("\"", $key, "\": ")
    };
}

/// Reports as one JSON document: `{"schema_version": 1, "reports": [...]}`.
pub fn render(reports: &[Report]) -> String {
    let mut o = Out::with_capacity(16 * 1024 + reports.len() * 64 * 1024);
    o.open('{');
    o.key(k!("schema_version"));
    o.uint(u64::from(JSON_SCHEMA_VERSION));
    o.key(k!("reports"));
    o.open('[');
    for r in reports {
        o.item();
        report(&mut o, r);
    }
    o.close(']');
    o.close('}');
    o.finish()
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

fn report(o: &mut Out, r: &Report) {
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
    o.key(k!("recommendations"));
    o.list(&r.recommendations, recommendation);
    o.key(k!("suppressed"));
    o.list(&r.suppressed, |o, s| {
        o.open('{');
        o.key(k!("recommendation"));
        recommendation(o, &s.recommendation);
        o.field(k!("by"), &s.by);
        o.close('}');
    });
    o.key(k!("waived"));
    o.list(&r.waived, |o, w| {
        o.open('{');
        o.key(k!("recommendation"));
        recommendation(o, &w.recommendation);
        o.field(k!("reason"), &w.reason);
        if let Some(until) = &w.until {
            o.field(k!("until"), until);
        }
        o.close('}');
    });
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

fn recommendation(o: &mut Out, r: &Recommendation) {
    o.open('{');
    o.field(k!("rule"), &r.rule);
    o.field(k!("title"), &r.title);
    o.field(k!("severity"), r.severity.as_str());
    o.field(k!("area"), &r.area);
    o.field(k!("heuristic"), &r.heuristic);
    o.key(k!("entity"));
    entity(o, &r.entity);
    o.field(k!("message"), &r.message);
    o.field(k!("rationale"), &r.rationale);
    o.key(k!("actions"));
    o.list(&r.actions, |o, s| o.str(s));
    o.key(k!("evidence"));
    evidence(o, &r.evidence);
    o.key(k!("location"));
    o.open('{');
    o.field(k!("file"), &r.location.file);
    o.key(k!("line"));
    o.uint(r.location.line as u64);
    o.close('}');
    o.close('}');
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

fn evidence(o: &mut Out, e: &Evidence) {
    o.open('{');
    o.key(k!("bindings"));
    o.list(&e.bindings, |o, b| {
        o.open('{');
        o.field(k!("name"), &b.name);
        o.field(k!("value"), &b.value);
        o.close('}');
    });
    o.key(k!("steps"));
    o.list(&e.steps, step);
    o.key(k!("params"));
    o.list(&e.params, param);
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
/// character. Sixteen bytes at a time, the last ones padded with spaces, so that
/// every check compiles to vector instructions: most strings in an audit are
/// short, and a byte-at-a-time tail cost more than the rest.
fn needs_escape(s: &[u8]) -> bool {
    fn any_special(chunk: &[u8; 16]) -> bool {
        chunk.iter().fold(false, |any, &b| {
            any | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    }
    let chunks = s.chunks_exact(16);
    let rest = chunks.remainder();
    let mut tail = [b' '; 16];
    if let Some(t) = tail.get_mut(..rest.len()) {
        t.copy_from_slice(rest);
    }
    chunks.fold(any_special(&tail), |any, c| {
        any | c.try_into().is_ok_and(|c: &[u8; 16]| any_special(c))
    })
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
    fn escape_check_sees_every_position_of_the_chunks_and_the_tail() {
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
