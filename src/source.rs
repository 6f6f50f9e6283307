//! Source text and byte spans, shared by rule files and YAML profiles.
//!
//! One [`SourceFile`] type implements miette's `SourceCode`, so every stage can
//! attach the file it read to a diagnostic without copying the text.

use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SpanContents};

/// A byte range `start..end` into one [`SourceFile`].
///
/// Spans are byte offsets (not characters) so that slicing the text is cheap;
/// line and column are computed only when a diagnostic is rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`, for "something is missing here".
    pub const fn point(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.len())
    }
}

/// A named source text (a rule file or a profile), cheap to clone.
#[derive(Clone)]
pub struct SourceFile {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    text: String,
    /// Byte offset of each line's first byte, built on the first `line_col`: a
    /// report names the line of every rule that fired, and counting newlines from
    /// the top of the file each time was a tenth of the cost of a report.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Wraps `text` read from `name` (a path as the user wrote it, or a label).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            inner: Arc::new(Inner {
                name: name.into(),
                text: text.into(),
                line_starts: OnceLock::new(),
            }),
        }
    }

    /// The name shown in diagnostics.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The text under `span`, or "" when the span does not fall on the text.
    pub fn slice(&self, span: Span) -> &str {
        self.inner.text.get(span.start..span.end).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &self.inner.text;
        let offset = offset.min(text.len());
        let starts = self.inner.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(line_breaks(text.as_bytes()))
                .collect()
        });
        // The last line starting at or before `offset` (`starts[0]` is 0).
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let col = text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, col)
    }
}

/// The offset after each newline of `bytes`.
fn line_breaks(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.inner.name)
            .field("len", &self.inner.text.len())
            .finish()
    }
}

/// Lines longer than this are shown as a window around the span in diagnostics:
/// generated files can put megabytes on one line, and a report must stay readable.
const MAX_SNIPPET_BYTES: usize = 400;

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.inner.text.as_str();
        let contents = text.read_span(span, context_lines_before, context_lines_after)?;
        if contents.data().len() <= MAX_SNIPPET_BYTES * 4 {
            return Ok(Box::new(MietteSpanContents::new_named(
                self.inner.name.clone(),
                contents.data(),
                *contents.span(),
                contents.line(),
                contents.column(),
                contents.line_count(),
            )));
        }
        // A window of the span's own line, cut on character boundaries.
        let start = span.offset().min(text.len());
        let end = (start + span.len()).min(text.len());
        let line_start = text
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = text
            .get(end..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| end + i);
        let mut from = start.saturating_sub(MAX_SNIPPET_BYTES / 2).max(line_start);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (end + MAX_SNIPPET_BYTES / 2).min(line_end).max(end);
        if to > end + MAX_SNIPPET_BYTES {
            to = end + MAX_SNIPPET_BYTES;
        }
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let (line, col) = self.line_col(from);
        Ok(Box::new(MietteSpanContents::new_named(
            self.inner.name.clone(),
            text.get(from..to).unwrap_or("").as_bytes(),
            miette::SourceSpan::new(from.into(), to - from),
            line - 1,
            col - 1,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("t", "a: 1\nname: 羽绒服 x\n");
        let x = file.text().find('x').unwrap_or(0);
        assert_eq!(file.line_col(x), (2, 11));
        assert_eq!(file.line_col(0), (1, 1));
    }

    /// The line index agrees with counting newlines, at every offset: on a line
    /// break, just after one, past the end, and on blank lines.
    #[test]
    fn line_col_agrees_with_counting() {
        let text = "\nab\n\n羽c\nlast";
        let file = SourceFile::new("t", text);
        for offset in 0..=text.len() + 2 {
            if !text.is_char_boundary(offset.min(text.len())) {
                continue;
            }
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let col = before[start..].chars().count() + 1;
            assert_eq!(file.line_col(offset), (line, col), "offset {offset}");
        }
    }
}
