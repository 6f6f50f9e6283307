//! YAML text → a small tree of spanned nodes; the only module that touches a YAML library.
//!
//! Why not `serde_yaml` (or its successor `yaml_serde`): deserialising into structs gives
//! no position for each value and stops at the first error, while a profile must report
//! every mistake with the line of the offending token. `saphyr-parser` gives a stream of
//! events with a marker on each; this module folds them into [`Node`]s with byte spans and
//! the loader validates the tree against the schema table.
//!
//! Profiles are hand-written and need none of YAML's riskier features, so this module
//! refuses them outright: anchors and aliases (no alias bomb, exponential or quadratic,
//! can expand because nothing is ever expanded), tags, several documents, nesting beyond
//! [`MAX_DEPTH`], files over [`MAX_BYTES`], bytes that are not UTF-8.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::profile::error::ProfileError;
use crate::source::{SourceFile, Span};

/// Largest profile accepted, in bytes; checked before parsing.
///
/// A real profile is a few kilobytes; the cap keeps a wrong file (a log, a dump) from
/// costing seconds and memory before it is refused.
pub const MAX_BYTES: usize = 1 << 20;

/// Deepest nesting of lists and mappings accepted; a profile needs four levels.
pub const MAX_DEPTH: usize = 64;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Unquoted: `399.00`, `live`, `~`, or nothing at all.
    Plain,
    /// `'...'` or `"..."`: always text in YAML, though money may be quoted.
    Quoted,
    /// `|` or `>` blocks: multi-line text.
    Block,
}

/// One YAML node with the byte span it covers.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    /// For a scalar: the token as written (quotes included). For a collection: from its
    /// first token to the end of its last entry, so a label never spills onto the next key.
    pub span: Span,
}

/// What a node is.
#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A scalar's value after YAML unquoting and folding.
    Scalar { text: String, style: Style },
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, entries in file order, each key a scalar; duplicate keys already removed.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar text, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for a plain scalar YAML reads as null: nothing, `~` or `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, style: Style::Plain }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A few words naming what the user wrote, for "found ..." messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "no value".to_owned(),
            NodeKind::Scalar { text, .. } => {
                let short: String = text.chars().take(40).collect();
                let dots = if short.len() < text.len() { "…" } else { "" };
                format!("`{short}{dots}`")
            }
            NodeKind::Seq(_) => "a list".to_owned(),
            NodeKind::Map(_) => "a mapping".to_owned(),
        }
    }
}

/// The parsed document plus the problems that did not stop parsing (duplicate keys).
pub(crate) struct Document {
    pub root: Node,
    pub problems: Vec<ProfileError>,
}

/// Decodes file bytes, refusing oversized input and invalid UTF-8 (with the byte offset).
pub(crate) fn decode(name: &str, bytes: Vec<u8>) -> Result<SourceFile, ProfileError> {
    if bytes.len() > MAX_BYTES {
        return Err(ProfileError::too_large(name, bytes.len() as u64));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            // Everything before `offset` is valid, so it keeps its byte positions in the
            // lossy text, and the first replacement character sits exactly at `offset`.
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let end = lossy[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            Err(ProfileError::NotUtf8 {
                src: SourceFile::new(name, lossy),
                span: Span::new(offset, end),
                offset,
            })
        }
    }
}

/// Parses one YAML document into a [`Node`] tree.
///
/// A fatal problem (syntax, alias, tag, depth, size, a second document, an empty file)
/// returns that one error: nothing after it can be trusted to mean what the user meant.
pub(crate) fn parse(source: &SourceFile) -> Result<Document, ProfileError> {
    let text = source.text();
    if text.len() > MAX_BYTES {
        return Err(ProfileError::too_large(source.name(), text.len() as u64));
    }
    Builder::new(source).run()
}

/// Converts the parser's character indices to byte offsets.
///
/// saphyr marks positions in characters; spans are bytes. Profiles with Chinese names
/// are normal, so the conversion must be right and cheap: one checkpoint every
/// [`Self::STRIDE`] characters, then a short walk.
struct CharToByte<'a> {
    text: &'a str,
    ascii: bool,
    checkpoints: Vec<usize>,
}

impl<'a> CharToByte<'a> {
    const STRIDE: usize = 64;

    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(i, _)| i)
                .collect()
        };
        CharToByte {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let len = self.text.len();
        if self.ascii {
            return char_index.min(len);
        }
        let Some(&start) = self.checkpoints.get(char_index / Self::STRIDE) else {
            return len;
        };
        self.text
            .get(start..)
            .and_then(|rest| rest.char_indices().nth(char_index % Self::STRIDE))
            .map_or(len, |(i, _)| start + i)
    }

    fn span(&self, span: &saphyr_parser::Span) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// A collection being built.
enum Frame {
    Seq {
        start: Span,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    source: &'a SourceFile,
    offsets: CharToByte<'a>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    problems: Vec<ProfileError>,
}

impl<'a> Builder<'a> {
    fn new(source: &'a SourceFile) -> Self {
        Builder {
            source,
            offsets: CharToByte::new(source.text()),
            stack: Vec::new(),
            root: None,
            documents: 0,
            problems: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Document, ProfileError> {
        let mut parser = Parser::new_from_str(self.source.text());
        while let Some(next) = parser.next_event() {
            let (event, marks) = next.map_err(|e| self.syntax_error(&e))?;
            let span = self.offsets.span(&marks);
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(ProfileError::MultipleDocuments {
                            src: self.source.clone(),
                            span: self.line_at(span.start),
                        });
                    }
                }
                Event::Alias(_) => return Err(self.alias(span)),
                Event::Scalar(text, style, anchor, tag) => {
                    self.refuse_extras(anchor, tag.as_deref(), span)?;
                    let style = match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                        ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                    };
                    let node = Node {
                        kind: NodeKind::Scalar {
                            text: text.into_owned(),
                            style,
                        },
                        span,
                    };
                    self.push_node(node)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    self.refuse_extras(anchor, tag.as_deref(), span)?;
                    self.open(
                        Frame::Seq {
                            start: span,
                            items: Vec::new(),
                        },
                        span,
                    )?;
                }
                Event::MappingStart(anchor, tag) => {
                    self.refuse_extras(anchor, tag.as_deref(), span)?;
                    self.open(
                        Frame::Map {
                            start: span,
                            entries: Vec::new(),
                            key: None,
                        },
                        span,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let node = match self.stack.pop() {
                        Some(Frame::Seq { start, items }) => {
                            let span = collection_span(start, items.last(), span);
                            Node {
                                kind: NodeKind::Seq(items),
                                span,
                            }
                        }
                        Some(Frame::Map { start, entries, .. }) => {
                            let span = collection_span(start, entries.last().map(|(_, v)| v), span);
                            let entries = self.without_duplicates(entries);
                            Node {
                                kind: NodeKind::Map(entries),
                                span,
                            }
                        }
                        // The parser balances start and end events; an unmatched end
                        // would be its bug, and the honest answer is a syntax error.
                        None => return Err(self.syntax_at(span, "unbalanced end of collection")),
                    };
                    self.push_node(node)?;
                }
            }
        }
        match self.root {
            Some(root) => Ok(Document {
                root,
                problems: self.problems,
            }),
            None => Err(ProfileError::Empty {
                src: self.source.clone(),
                span: Span::point(0),
            }),
        }
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), ProfileError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ProfileError::TooDeep {
                src: self.source.clone(),
                span: Span::new(span.start, span.start.saturating_add(1)),
                limit: MAX_DEPTH,
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push_node(&mut self, node: Node) -> Result<(), ProfileError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map { entries, key, .. }) => {
                match key.take() {
                    Some(k) => entries.push((k, node)),
                    None if node.scalar().is_some() => *key = Some(node),
                    None => {
                        return Err(ProfileError::ComplexKey {
                            src: self.source.clone(),
                            span: Span::new(node.span.start, node.span.start.saturating_add(1)),
                        });
                    }
                }
                Ok(())
            }
        }
    }

    /// Keeps the first of each key, recording the others as problems.
    fn without_duplicates(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let mut kept: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            match kept.iter().find(|(k, _)| k.scalar() == Some(name)) {
                Some((first, _)) => self.problems.push(ProfileError::DuplicateKey {
                    src: self.source.clone(),
                    key: name.to_owned(),
                    first: first.span,
                    second: key.span,
                }),
                None => kept.push((key, value)),
            }
        }
        kept
    }

    fn refuse_extras(
        &self,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        span: Span,
    ) -> Result<(), ProfileError> {
        if anchor != 0 {
            // The event's span starts after the anchor; find the `&` before it.
            let text = self.source.text();
            let start = text
                .get(..span.start)
                .and_then(|before| before.rfind('&'))
                .unwrap_or(span.start);
            let end = text
                .get(start..)
                .and_then(|rest| rest.find(|c: char| c.is_whitespace()))
                .map_or(span.end, |n| start + n);
            return Err(self.alias(Span::new(start, end.max(start + 1))));
        }
        if let Some(tag) = tag {
            // Show the tag as written (`!!float`), not as resolved by the parser.
            let written = self
                .source
                .slice(span)
                .split_whitespace()
                .next()
                .filter(|t| t.starts_with('!'))
                .map_or_else(|| format!("{}{}", tag.handle, tag.suffix), str::to_owned);
            return Err(ProfileError::Tag {
                src: self.source.clone(),
                span,
                tag: written,
            });
        }
        Ok(())
    }

    fn alias(&self, span: Span) -> ProfileError {
        ProfileError::Alias {
            src: self.source.clone(),
            span,
        }
    }

    /// The rest of the line starting at `offset`, to label a `---` marker.
    fn line_at(&self, offset: usize) -> Span {
        let text = self.source.text();
        let end = text
            .get(offset..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |n| offset + n);
        Span::new(offset, end.max(offset))
    }

    fn syntax_error(&self, err: &ScanError) -> ProfileError {
        let at = self.offsets.byte(err.marker().index());
        if err.info() == "recursion limit exceeded" {
            return ProfileError::TooDeep {
                src: self.source.clone(),
                span: Span::new(at, at.saturating_add(1).min(self.source.text().len())),
                limit: MAX_DEPTH,
            };
        }
        let info = err.info();
        let text = self.source.text();
        if info.contains("tab") {
            // saphyr marks the start of the token it was scanning; the tab itself is
            // what the consultant must find, often on the next line.
            if let Some(tab) = text.get(at..).and_then(|rest| rest.find('\t')) {
                let mut error = self.syntax_at(Span::point(at + tab), info);
                if let ProfileError::YamlSyntax { label, .. } = &mut error {
                    "tab".clone_into(label);
                }
                return error;
            }
        }
        let mut error = self.syntax_at(Span::point(at), info);
        if let Some(open) = unclosed_bracket(text.get(..at).unwrap_or("")) {
            let (line, _) = self.source.line_col(open);
            let (bracket, close) = if text.get(open..).is_some_and(|r| r.starts_with('[')) {
                ("[", "]")
            } else {
                ("{", "}")
            };
            if let ProfileError::YamlSyntax { help, opened, .. } = &mut error {
                *help = format!(
                    "the `{bracket}` on line {line} is never closed: add `{close}` at the end of its list"
                );
                *opened = Some(Span::new(open, open + 1));
            }
        }
        error
    }

    fn syntax_at(&self, span: Span, info: &str) -> ProfileError {
        let text = self.source.text();
        // Point at one character so the label is visible, unless at the very end.
        let end = text
            .get(span.start..)
            .and_then(|rest| rest.chars().next())
            .map_or(span.start, |c| span.start + c.len_utf8());
        let span = Span::new(span.start, end.max(span.end));
        let line = {
            let start = text
                .get(..span.start)
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |i| i + 1);
            let stop = text
                .get(span.start..)
                .and_then(|r| r.find('\n'))
                .map_or(text.len(), |n| span.start + n);
            text.get(start..stop).unwrap_or("")
        };
        ProfileError::YamlSyntax {
            src: self.source.clone(),
            span,
            label: "here".to_owned(),
            opened: None,
            message: info.trim_end_matches('.').to_owned(),
            help: syntax_help(info, line),
        }
    }
}

/// The span of a collection: flow collections (`[..]`, `{..}`) end at their closing
/// bracket; block collections end with their last entry, not at the next key.
fn collection_span(start: Span, last: Option<&Node>, end: Span) -> Span {
    let flow = !start.is_empty();
    let stop = if flow {
        end.end
    } else {
        last.map_or(start.end, |n| n.span.end)
    };
    Span::new(start.start, stop.max(start.start))
}

/// The offset of the last `[` or `{` in `text` that is still open at its end, if any.
///
/// A rough scan (quotes and comments skipped) that only chooses a help line; when an
/// unclosed bracket exists, the parser's own error position is usually lines later.
fn unclosed_bracket(text: &str) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = '\n';
    for (i, c) in text.char_indices() {
        match (quote, c) {
            _ if comment => comment = c != '\n',
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') if matches!(prev, ' ' | '[' | '{' | ',' | ':' | '\n') => {
                quote = Some(c);
            }
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '[' | '{') => open.push(i),
            (None, ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
        prev = c;
    }
    open.last().copied()
}

/// A hint for the commonest hand-editing mistakes behind a parser message.
fn syntax_help(info: &str, line: &str) -> String {
    if info.contains("tab") || line.trim_start_matches(' ').starts_with('\t') {
        "indent with spaces, not tabs; YAML does not allow tabs for indentation".to_owned()
    } else if info.contains("mapping values are not allowed") {
        "a value that contains `: ` must be quoted, e.g. `name: \"Shop: Outlet\"`; otherwise check the indentation".to_owned()
    } else if info.contains("did not find expected") || info.contains("unclosed") {
        "check for an unclosed quote, `[` or `{` on this line or the one above".to_owned()
    } else {
        "check the indentation and quoting on this line and the one above; every key is `key: value` with spaces for indentation".to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn tree(text: &str) -> (SourceFile, Node) {
        let file = SourceFile::new("t.yaml", text);
        let doc = parse(&file).unwrap();
        (file, doc.root)
    }

    #[test]
    fn spans_are_bytes_even_after_chinese_text() {
        let (file, root) = tree("# 羽绒服 comment\nname: 羽绒服\nsku: 'DJ-01'\nlist: [a, b]\n");
        let NodeKind::Map(entries) = &root.kind else {
            panic!("not a map")
        };
        let slices: Vec<_> = entries
            .iter()
            .flat_map(|(k, v)| [file.slice(k.span), file.slice(v.span)])
            .collect();
        assert_eq!(
            slices,
            ["name", "羽绒服", "sku", "'DJ-01'", "list", "[a, b]"]
        );
    }

    #[test]
    fn char_to_byte_walks_past_checkpoints() {
        let text: String = "羽a".repeat(100);
        let offsets = CharToByte::new(&text);
        for (n, (i, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(n), i);
        }
        assert_eq!(offsets.byte(200), text.len());
        assert_eq!(offsets.byte(10_000), text.len());
    }

    #[test]
    fn block_collections_end_with_their_last_entry() {
        let (file, root) = tree("a:\n  b: 1\n  c: [2]\nd: 3\n");
        let NodeKind::Map(entries) = &root.kind else {
            panic!("not a map")
        };
        assert_eq!(file.slice(entries[0].1.span), "b: 1\n  c: [2]");
    }

    #[test]
    fn refuses_anchors_aliases_tags_and_second_documents() {
        for (text, code) in [
            ("a: &x 1\nb: *x\n", "profile::alias"),
            ("a: *x\n", "profile::yaml_syntax"),
            ("a: !!str 1\n", "profile::tag"),
            ("a: 1\n---\nb: 2\n", "profile::multiple_documents"),
            ("", "profile::empty"),
            ("# only a comment\n", "profile::empty"),
        ] {
            let file = SourceFile::new("t.yaml", text);
            let err = parse(&file).err().unwrap();
            let got = miette::Diagnostic::code(&err).unwrap().to_string();
            assert_eq!(got, code, "{text:?}");
        }
    }

    #[test]
    fn duplicate_keys_keep_the_first_and_are_reported() {
        let file = SourceFile::new("t.yaml", "a: 1\nb: 2\na: 3\n");
        let doc = parse(&file).unwrap();
        assert_eq!(doc.problems.len(), 1);
        let NodeKind::Map(entries) = &doc.root.kind else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].1.scalar(), Some("1"));
    }
}
