//! JSON output: the report as data, versioned (see docs/audit-json.md).

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::advice::{JSON_SCHEMA_VERSION, Report};
use crate::explain::WhyNot;

#[derive(Serialize)]
struct Document<'a, T: Serialize> {
    schema_version: u32,
    reports: &'a [T],
}

/// Reports as one JSON document: `{"schema_version": 1, "reports": [...]}`.
pub fn render(reports: &[Report]) -> String {
    to_json(&Document {
        schema_version: JSON_SCHEMA_VERSION,
        reports,
    })
}

/// A why-not account as JSON.
pub fn render_why_not(why: &WhyNot) -> String {
    to_json(&Document {
        schema_version: JSON_SCHEMA_VERSION,
        reports: std::slice::from_ref(why),
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Pretty::default());
    // Serialising plain structs of strings and numbers cannot fail; if it somehow
    // did, an empty object is a valid document and the tests would catch it.
    if value.serialize(&mut ser).is_err() {
        return "{}\n".to_owned();
    }
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_else(|_| "{}\n".to_owned())
}

/// The output of `serde_json`'s `PrettyFormatter` (two-space indent), byte for byte,
/// but each line break and its indentation written in one call: the stock
/// formatter writes the indent one level at a time, and those small copies were
/// most of the memmove time of an audit's JSON (perf, 15×3 bench profile).
struct Pretty {
    /// Nesting depth.
    level: usize,
    /// Whether the innermost array or object has an element.
    has_value: bool,
    /// `,\n` then spaces, at least as many as the deepest level reached needs.
    line: Vec<u8>,
}

impl Default for Pretty {
    fn default() -> Self {
        let mut line = b",\n".to_vec();
        line.resize(2 + 2 * 16, b' ');
        Pretty {
            level: 0,
            has_value: false,
            line,
        }
    }
}

impl Pretty {
    /// A line break (after a comma when `comma`) and the current indent.
    fn break_line<W: ?Sized + io::Write>(&mut self, w: &mut W, comma: bool) -> io::Result<()> {
        let end = 2 + 2 * self.level;
        if self.line.len() < end {
            self.line.resize(end, b' ');
        }
        let start = usize::from(!comma);
        w.write_all(self.line.get(start..end).unwrap_or_default())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.break_line(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.break_line(w, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.break_line(w, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte for byte what `serde_json::to_string_pretty` writes, empty and deeply
    /// nested containers included.
    #[test]
    fn pretty_matches_serde_json() {
        let mut deep = serde_json::json!({"leaf": [1, {"x": []}]});
        for i in 0..40 {
            deep = serde_json::json!({ "level": i, "inner": [deep, [], {}], "s": "a\"b\n" });
        }
        for value in [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"a": [], "b": {}, "c": [[], [{}]], "d": "é"}),
            deep,
        ] {
            let expected = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
            assert_eq!(to_json(&value), expected);
        }
    }
}
