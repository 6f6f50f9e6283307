//! Text → syntax tree. The only module that touches pest pairs.
//!
//! Parsing is in two steps: pest checks the text against `grammar/fast.pest`, then
//! [`Lower`] turns the pairs into the typed tree of `syntax::ast`, with a span on every
//! node. When the text does not parse, the reference grammar `grammar/rules.pest`
//! (same language) is run to say what was expected: its rules are the ones
//! diagnostics are worded from. Limits are enforced before pest runs (file size,
//! bracket depth) and while lowering (expression depth), so no input can exhaust the
//! stack.

use compact_str::CompactString;
use pest::Parser as _;
use pest::iterators::{Pair, Pairs};

use crate::source::{SourceFile, Span};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::tokens;

/// pest's generated code for the reference grammar: the parser and its `Rule` enum
/// (one variant per grammar rule). Run only to word a syntax error.
#[allow(missing_docs)]
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/rules.pest"]
    pub struct RulesParser;
}

/// pest's generated code for the grammar every parse runs first (see the head of
/// `grammar/fast.pest` for how it differs from the reference).
#[allow(missing_docs)]
pub mod fast {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/fast.pest"]
    pub struct FastParser;
}

use fast::{FastParser, Rule as R};
pub use grammar::{Rule, RulesParser};

/// The largest rule file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// The deepest nesting of `(`, `[` and `{` accepted.
pub const MAX_BRACKET_DEPTH: usize = 64;
/// The deepest expression tree accepted (operators chained without brackets count too).
pub const MAX_EXPR_DEPTH: usize = 256;

/// Parses one rule file. Returns every syntax error found: pest stops at the first
/// error in the text, but errors found while lowering (bad operators, holes in plain
/// strings) are all collected.
pub fn parse_file(source: &SourceFile) -> Result<File, Vec<SyntaxError>> {
    let text = source.text();
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![SyntaxError::TooLarge {
            src: source.clone(),
            span: Span::point(0).into(),
            size: text.len(),
            max: MAX_FILE_BYTES,
        }]);
    }
    let comments = scan_comments(source)?;
    let mut lower = Lower {
        source,
        comments: &comments,
        errors: Vec::new(),
        toks: Vec::new(),
        base: 0,
    };
    let mut items = Vec::new();
    let read = read_declarations(text, |base, pair| {
        lower.base = base;
        if let Some(item) = lower.item(pair) {
            items.push(item);
        }
    });
    if let Err(at) = read {
        return Err(vec![syntax_error(source, Rule::file, at)]);
    }
    let errors = lower.errors;
    if errors.is_empty() {
        Ok(File { items, comments })
    } else {
        Err(errors)
    }
}

/// The file's comments, or the error for brackets nested deeper than
/// [`MAX_BRACKET_DEPTH`] (checked before pest sees the text).
fn scan_comments(source: &SourceFile) -> Result<Vec<Comment>, Vec<SyntaxError>> {
    scan(source.text()).map_err(|span| {
        vec![SyntaxError::TooDeep {
            src: source.clone(),
            span: span.into(),
            max: MAX_BRACKET_DEPTH,
        }]
    })
}

/// Parses a single expression (for tests and tools that evaluate one-off expressions).
pub fn parse_expr(source: &SourceFile) -> Result<Node<Expr>, Vec<SyntaxError>> {
    let text = source.text();
    let comments = scan_comments(source)?;
    let mut pairs = match FastParser::parse(R::expr, text) {
        Ok(pairs) => pairs,
        Err(fast) => return Err(vec![syntax_error(source, Rule::expr, error_pos(&fast))]),
    };
    if let Some(end) = pairs.peek().map(|p| p.as_span().end())
        && text[end..].trim() != ""
    {
        return Err(vec![SyntaxError::Unexpected {
            src: source.clone(),
            span: Span::new(end, text.len()).into(),
            found: tokens::describe_found(text, end),
            expected: "the end of the expression".to_owned(),
            help: None,
        }]);
    }
    let mut lower = Lower {
        source,
        comments: &comments,
        errors: Vec::new(),
        toks: Vec::new(),
        base: 0,
    };
    let expr = pairs.next().and_then(|p| lower.expr(p));
    match expr {
        Some(e) if lower.errors.is_empty() => Ok(e),
        _ => Err(lower.errors),
    }
}

/// Finds the first bracket that opens deeper than [`MAX_BRACKET_DEPTH`], skipping
/// strings and comments. Runs before pest so that deep nesting cannot reach the
/// recursive descent at all.
fn scan(text: &str) -> Result<Vec<Comment>, Span> {
    /// Where the scan is: inside a string, or inside a `{...}` hole of a string
    /// (which is code again, with its own strings). Top-level code is an empty stack.
    #[derive(PartialEq)]
    enum Ctx {
        Str,
        Hole,
    }
    // Nesting the parser recurses on: brackets, holes, and `if` expressions (an `if`
    // is open until its `else`), which nest without any bracket.
    let mut depth = 0usize;
    let mut stack: Vec<Ctx> = Vec::new();
    let mut comments = Vec::new();
    let mut comment_start: Option<usize> = None;
    let mut prev_ident = false;
    let bytes = text.as_bytes();
    let deeper = |depth: &mut usize, at: usize, len: usize| {
        *depth += 1;
        if *depth > MAX_BRACKET_DEPTH {
            Err(Span::new(at, at + len))
        } else {
            Ok(())
        }
    };
    // Byte by byte: every character that matters here is ASCII, and a UTF-8
    // continuation byte never looks like one. Only a non-ASCII character's first byte
    // is decoded, to know whether it continues a word.
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(start) = comment_start {
            // Jump to the line break: comments can be long and nothing in them counts.
            match bytes[i..].iter().position(|&c| c == b'\n') {
                Some(off) => {
                    comments.push(comment_at(text, start, i + off));
                    comment_start = None;
                    i += off + 1;
                    continue;
                }
                None => break,
            }
        }
        if stack.last() == Some(&Ctx::Str) && !matches!(b, b'\\' | b'"' | b'\n' | b'{' | b'}') {
            // Only these bytes count inside a string: jump to the next one. (Each is
            // not part of a word, so `prev_ident` is false once it is read.)
            match bytes[i..]
                .iter()
                .position(|c| matches!(c, b'\\' | b'"' | b'\n' | b'{' | b'}'))
            {
                Some(off) => {
                    i += off;
                    continue;
                }
                None => break,
            }
        }
        if matches!(b, b' ' | b'\n') && stack.last() != Some(&Ctx::Str) {
            // Blanks between tokens, the most frequent bytes of code: a run of them
            // ends any word and counts for nothing else.
            prev_ident = false;
            i += 1;
            while let Some(b' ' | b'\n') = bytes.get(i) {
                i += 1;
            }
            continue;
        }
        let ident = if b.is_ascii() {
            b.is_ascii_alphanumeric() || b == b'_'
        } else if b >= 0xC0 {
            text.get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_alphanumeric)
        } else {
            // A continuation byte: the character was judged at its first byte.
            i += 1;
            continue;
        };
        let word_start = ident && !prev_ident;
        prev_ident = ident;
        if stack.last() == Some(&Ctx::Str) {
            match b {
                b'\\' => {
                    // The escaped character is skipped whole, like the `char` it is.
                    i += 1;
                    i += text
                        .get(i..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8);
                    continue;
                }
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'{' | b'}' if bytes.get(i + 1) == Some(&b) => {
                    i += 2;
                    continue;
                }
                b'{' => {
                    stack.push(Ctx::Hole);
                    deeper(&mut depth, i, 1)?;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // Code: top level or inside a hole.
        // Only `if` and `else` matter: a first-letter test spares the comparison.
        if word_start && (b == b'i' || b == b'e') {
            let word_at = |w: &[u8]| {
                bytes.get(i..i + w.len()) == Some(w)
                    && bytes
                        .get(i + w.len())
                        .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            };
            if word_at(b"if") {
                deeper(&mut depth, i, 2)?;
            } else if word_at(b"else") {
                depth = depth.saturating_sub(1);
            }
        }
        if ident && b.is_ascii() {
            // The rest of an ASCII word cannot matter: jump over it.
            i += 1;
            while let Some(&c) = bytes.get(i) {
                if !WORD_BYTE[usize::from(c)] {
                    break;
                }
                i += 1;
            }
            continue;
        }
        match b {
            b'#' => comment_start = Some(i),
            b'"' => stack.push(Ctx::Str),
            b'(' | b'[' | b'{' => deeper(&mut depth, i, 1)?,
            b'}' if stack.last() == Some(&Ctx::Hole) => {
                stack.pop();
                depth = depth.saturating_sub(1);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if let Some(start) = comment_start {
        comments.push(comment_at(text, start, text.len()));
    }
    Ok(comments)
}

/// The bytes of ASCII words (letters, digits, `_`), as a table: the scan tests
/// every byte of every word, and one load is cheaper than three range tests.
const WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// The comment from `#` at `start` to the line end at `end`.
fn comment_at(text: &str, start: usize, end: usize) -> Comment {
    Comment {
        text: text.get(start + 1..end).unwrap_or("").to_owned(),
        span: Span::new(start, end),
    }
}

/// Reads a file with the fast grammar a batch of declarations at a time (up to 16,
/// see `declaration` in grammar/fast.pest), giving `each` the offset the batch's
/// text starts at and each declaration's pair (whose spans are relative to that
/// offset). This reads what the grammar's `file` rule reads, but pest's token
/// queue only ever holds one batch: for a whole file it was the largest allocation
/// of the parse (tens of megabytes for ten thousand rules, page-faulted afresh on
/// every run). Batches rather than single declarations, because each call of pest
/// sets up its own parser state and line index. On failure, returns where the fast
/// grammar stopped.
fn read_declarations<'t>(
    text: &'t str,
    mut each: impl FnMut(usize, Pair<'t, R>),
) -> Result<(), usize> {
    let head = FastParser::parse(R::head, text).map_err(|e| error_pos(&e))?;
    let mut at = head.peek().map_or(0, |p| p.as_span().end());
    while let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
        let mut pairs = FastParser::parse(R::declaration, rest).map_err(|e| at + error_pos(&e))?;
        let Some(declaration) = pairs.next() else {
            return Err(at);
        };
        let end = declaration.as_span().end();
        if end == 0 {
            // A declaration starts with its keyword, so this cannot happen; without
            // progress, though, the loop would not end.
            return Err(at);
        }
        for pair in declaration.into_inner() {
            each(at, pair);
        }
        at += end;
    }
    Ok(())
}

/// Whether the fast grammar reads `text` as a rule file, the way every parse does
/// (for tests holding it to the reference grammar's language).
#[doc(hidden)]
pub fn fast_grammar_accepts(text: &str) -> bool {
    read_declarations(text, |_, _| {}).is_ok()
}

/// Where a pest error says reading stopped.
fn error_pos<T: pest::RuleType>(e: &pest::error::Error<T>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// Builds the diagnostic for text the fast grammar rejected (reading stopped at
/// `pos`), from the reference grammar's account of it: a plain run names the rules
/// expected, a run with pest's detailed error tracking (too costly for every
/// parse) the punctuation.
fn syntax_error(source: &SourceFile, rule: Rule, pos: usize) -> SyntaxError {
    let first = match RulesParser::parse(rule, source.text()) {
        Err(first) => first,
        // The grammars accept the same language (tests/grammars.rs holds them to
        // it), so this is a bug in one of them; still say where reading stopped.
        Ok(_) => {
            return SyntaxError::Unexpected {
                src: source.clone(),
                span: Span::point(pos).into(),
                found: tokens::describe_found(source.text(), pos),
                expected: "something else".to_owned(),
                help: None,
            };
        }
    };
    pest::set_error_detail(true);
    let detailed = RulesParser::parse(rule, source.text()).err();
    pest::set_error_detail(false);
    tokens::from_pest(source, &first, detailed.as_ref())
}

/// The pair's children (trivia, comments included, never produce pairs).
fn children(pair: Pair<'_, R>) -> Pairs<'_, R> {
    pair.into_inner()
}

/// Lowers pest pairs to the AST, collecting errors.
struct Lower<'s> {
    source: &'s SourceFile,
    /// The file's comments from [`scan`], in order: trailing trivia is trimmed
    /// from spans with them.
    comments: &'s [Comment],
    errors: Vec<SyntaxError>,
    /// The tokens of the expressions being lowered (see [`Lower::pratt_pairs`]).
    toks: Vec<Tok<'s>>,
    /// Where the text pest read starts in the file: pair spans are relative to it
    /// (see [`read_declarations`]).
    base: usize,
}

/// An expression being built, with its depth so far.
type Built = Option<(Node<Expr>, usize)>;

impl<'s> Lower<'s> {
    /// The pair's span without trailing whitespace and comments. pest lets a rule's
    /// span run over the trivia after its last token when the rule ends in a
    /// repetition or an option that was tried and failed; a label must not underline
    /// the next comment.
    fn span_of(&self, pair: &Pair<'s, R>) -> Span {
        let s = pair.as_span();
        let (start, end) = (self.base + s.start(), self.base + s.end());
        Span::new(start, self.trimmed_end(start, end))
    }

    fn trimmed_end(&self, start: usize, mut end: usize) -> usize {
        let bytes = self.source.text().as_bytes();
        // Fast path, almost always taken: trailing trivia ends in whitespace (the
        // skip after a comment takes its line break too), except for a comment
        // closing the file.
        if end < bytes.len() && end > 0 && !bytes[end - 1].is_ascii_whitespace() {
            return end;
        }
        // Trivia is whitespace and comments; the scan knows where every comment
        // is, so trimming reads backwards from the end instead of walking the
        // pair's children.
        loop {
            while end > start && matches!(bytes.get(end - 1), Some(b' ' | b'\t'..=b'\r')) {
                end -= 1;
            }
            match self.comments.binary_search_by_key(&end, |c| c.span.end) {
                Ok(i) if self.comments[i].span.start >= start => {
                    end = self.comments[i].span.start;
                }
                _ => return end,
            }
        }
    }

    fn item(&mut self, pair: Pair<'s, R>) -> Option<Item> {
        let span = self.span_of(&pair);
        match pair.as_rule() {
            R::param_decl => self.param(pair).map(|p| Item::Param(Node::new(p, span))),
            R::let_decl => self.let_decl(pair).map(|l| Item::Let(Node::new(l, span))),
            R::table_decl => self.table(pair).map(|t| Item::Table(Node::new(t, span))),
            R::rule_decl => self.rule(pair).map(|r| Item::Rule(Node::new(r, span))),
            _ => None,
        }
    }

    fn ident(&self, pair: Pair<'s, R>) -> Ident {
        Node::new(CompactString::from(pair.as_str()), self.span_of(&pair))
    }

    fn param(&mut self, pair: Pair<'s, R>) -> Option<Param> {
        let mut it = children(pair);
        let name = self.ident(it.next()?);
        let ty = self.type_expr(it.next()?)?;
        let default = self.literal(it.next()?)?;
        let doc = match it.next() {
            Some(p) => Some(self.plain_string(p, "a parameter's description")?),
            None => None,
        };
        Some(Param {
            name,
            ty,
            default,
            doc,
        })
    }

    fn let_decl(&mut self, pair: Pair<'s, R>) -> Option<Let> {
        self.let_decl_from(children(pair))
    }

    fn table(&mut self, pair: Pair<'s, R>) -> Option<Table> {
        let mut it = children(pair);
        let name = self.ident(it.next()?);
        let key_ty = self.type_expr(it.next()?)?;
        let value_ty = self.type_expr(it.next()?)?;
        let mut default = None;
        let mut rows = Vec::new();
        for p in it {
            match p.as_rule() {
                R::table_default => {
                    default = children(p).next().and_then(|l| self.literal(l));
                }
                R::table_row => {
                    let span = self.span_of(&p);
                    let mut r = children(p);
                    let key = r.next().and_then(|l| self.literal(l));
                    let value = r.next().and_then(|l| self.literal(l));
                    if let (Some(key), Some(value)) = (key, value) {
                        rows.push(Node::new(TableRow { key, value }, span));
                    }
                }
                _ => {}
            }
        }
        Some(Table {
            name,
            key_ty,
            value_ty,
            default,
            rows,
        })
    }

    fn type_expr(&mut self, pair: Pair<'s, R>) -> Option<Node<TypeExpr>> {
        let span = self.span_of(&pair);
        let inner = children(pair).next()?;
        let kind = match inner.as_rule() {
            R::list_type => {
                let elem = self.type_expr(children(inner).next()?)?;
                TypeExpr::List(Box::new(elem))
            }
            _ => match inner.as_str() {
                "money" => TypeExpr::Money,
                "percent" => TypeExpr::Percent,
                "number" => TypeExpr::Number,
                "count" => TypeExpr::Count,
                "text" => TypeExpr::Text,
                _ => TypeExpr::Bool,
            },
        };
        Some(Node::new(kind, span))
    }

    fn rule(&mut self, pair: Pair<'s, R>) -> Option<Rule_> {
        let mut it = children(pair);
        let id = self.ident(it.next()?);
        let mut clauses = Vec::with_capacity(it.len());
        for p in it {
            if let Some(c) = self.clause(p) {
                clauses.push(c);
            }
        }
        Some(Rule_ { id, clauses })
    }

    fn clause(&mut self, pair: Pair<'s, R>) -> Option<Node<Clause>> {
        let span = self.span_of(&pair);
        let rule = pair.as_rule();
        let mut it = children(pair);
        let clause = match rule {
            R::title_clause => Clause::Title(self.plain_string(it.next()?, "a title")?),
            R::area_clause => Clause::Area(self.ident(it.next()?)),
            R::severity_clause => Clause::Severity(self.ident(it.next()?)),
            R::escalate_clause => {
                let level = self.ident(it.next()?);
                let when = Box::new(self.expr(it.next()?)?);
                Clause::Escalate { level, when }
            }
            R::source_clause => Clause::Source(self.ident(it.next()?)),
            R::tags_clause => Clause::Tags(it.map(|p| self.ident(p)).collect()),
            R::for_clause => {
                let mut bindings = Vec::new();
                let mut filter = None;
                for p in it {
                    match p.as_rule() {
                        R::binding => bindings.push(self.binding(p)?),
                        R::where_part => {
                            filter = Some(Box::new(self.pratt_pairs(children(p))?.0));
                        }
                        _ => {}
                    }
                }
                Clause::For { bindings, filter }
            }
            R::let_decl => {
                let l = self.let_decl_from(it)?;
                Clause::Let(Box::new(Node::new(l, span)))
            }
            R::when_clause => Clause::When(Box::new(self.pratt_pairs(it)?.0)),
            R::advise_clause => Clause::Advise(self.template(it.next()?)?),
            R::because_clause => Clause::Because(self.template(it.next()?)?),
            R::action_clause => Clause::Action(self.template(it.next()?)?),
            R::conclude_clause => Clause::Conclude(self.ident(it.next()?)),
            R::suppress_clause => Clause::Suppress(self.ident(it.next()?)),
            _ => return None,
        };
        Some(Node::new(clause, span))
    }

    /// A `let` from its children: the name, the type if written, then the value's
    /// tokens.
    fn let_decl_from(&mut self, mut it: Pairs<'s, R>) -> Option<Let> {
        let name = self.ident(it.next()?);
        let ty = match it.peek().map(|p| p.as_rule()) {
            Some(R::type_expr) => Some(self.type_expr(it.next()?)?),
            _ => None,
        };
        let value = self.pratt_pairs(it)?.0;
        Some(Let { name, ty, value })
    }

    fn binding(&mut self, pair: Pair<'s, R>) -> Option<Node<Binding>> {
        let span = self.span_of(&pair);
        let mut it = children(pair);
        let var = self.ident(it.next()?);
        let src = it.peek()?;
        let (source, src_span) = match src.as_rule() {
            R::top_source => {
                let src_span = self.span_of(&src);
                let mut n = None;
                let mut collection = None;
                let mut filter = None;
                let mut key = None;
                for p in children(src) {
                    match p.as_rule() {
                        R::collection => collection = Some(self.collection(p)?),
                        R::top_filter => filter = Some(Box::new(self.expr(children(p).next()?)?)),
                        R::top_key => key = Some(self.expr(children(p).next()?)?),
                        _ if n.is_none() => n = Some(self.operand_expr(p)?),
                        _ => {}
                    }
                }
                let top = Source::Top {
                    n: Box::new(n?),
                    collection: Box::new(collection?),
                    filter,
                    key: Box::new(key?),
                };
                (top, src_span)
            }
            // A plain collection's tokens are the rest of the binding's children.
            _ => {
                let src_span = Span::new(self.base + src.as_span().start(), span.end);
                let (e, _) = self.pratt_pairs(it)?;
                (Source::Collection(Box::new(e)), src_span)
            }
        };
        Some(Node::new(
            Binding {
                var,
                source: Node::new(source, src_span),
            },
            span,
        ))
    }

    /// A collection: an operand with optional `.field` / `[key]` postfixes.
    fn collection(&mut self, pair: Pair<'s, R>) -> Option<Node<Expr>> {
        self.pratt_pairs(children(pair)).map(|(e, _)| e)
    }

    /// A single operand (the `n` of `top n of ...`).
    fn operand_expr(&mut self, pair: Pair<'s, R>) -> Option<Node<Expr>> {
        self.primary(pair).map(|(e, _)| e)
    }

    fn expr(&mut self, pair: Pair<'s, R>) -> Option<Node<Expr>> {
        self.pratt_pairs(children(pair)).map(|(e, _)| e)
    }

    /// An expression from its flat token pairs (prefixes, operands with postfixes,
    /// infix operators), by precedence climbing.
    fn pratt_pairs(&mut self, pairs: Pairs<'s, R>) -> Built {
        // The tokens go on the end of one list shared by every expression of the file
        // (an operand's inner expressions are done with theirs before the next token
        // is pushed), so lowering an expression allocates nothing for its tokens.
        // Most expressions are one operand with its postfixes (`products`,
        // `{product.name}`): they never reach the list.
        let base = self.toks.len();
        let mut operand: Option<Built> = None;
        for pair in pairs {
            let rule = pair.as_rule();
            if let R::field_acc | R::index_acc = rule {
                let lhs = operand.take().flatten();
                operand = Some(self.postfix(lhs, pair));
                continue;
            }
            if let Some(built) = operand.take() {
                self.toks.push(Tok::Operand(built));
            }
            match rule {
                R::prefix => self.toks.push(Tok::Prefix(pair)),
                R::infix => self.toks.push(Tok::Infix(pair)),
                _ => operand = Some(self.primary(pair)),
            }
        }
        if self.toks.len() == base {
            return operand.flatten();
        }
        if let Some(built) = operand {
            self.toks.push(Tok::Operand(built));
        }
        let mut at = base;
        let built = self.climb(&mut at, 0, 0);
        self.toks.truncate(base);
        built
    }

    /// The token at `at` of the shared list, moved out; `at` moves past it.
    fn take(&mut self, at: &mut usize) -> Option<Tok<'s>> {
        let tok = std::mem::replace(self.toks.get_mut(*at)?, Tok::Taken);
        *at += 1;
        Some(tok)
    }

    /// Precedence climbing over `toks`: parses operators binding at least `min`.
    /// `nest` counts prefix recursion, bounded like any other nesting.
    fn climb(&mut self, at: &mut usize, min: u8, nest: usize) -> Built {
        let mut lhs = match self.take(at)? {
            Tok::Prefix(op) => {
                if nest > MAX_EXPR_DEPTH {
                    let span = self.span_of(&op);
                    return self.deep(Node::new(Expr::Bool(false), span), nest);
                }
                // `not` takes a whole comparison; `-` only a product's factor.
                let not = op.as_str().starts_with('n');
                let rhs = self.climb(at, if not { PREC_NOT } else { PREC_NEG }, nest + 1);
                self.prefix(op, not, rhs)
            }
            Tok::Operand(built) => built,
            // The grammar never starts an expression with an infix operator.
            Tok::Infix(_) | Tok::Taken => return None,
        };
        while let Some(Tok::Infix(op)) = self.toks.get(*at) {
            let prec = infix_prec(op.as_str());
            if prec < min {
                break;
            }
            let Some(Tok::Infix(op)) = self.take(at) else {
                break;
            };
            // Left associative: the right side binds strictly tighter.
            let rhs = self.climb(at, prec + 1, nest);
            lhs = self.infix(lhs, op, rhs);
        }
        lhs
    }

    /// Checks the depth limit; past it, records an error and drops the tree while
    /// it is still shallow enough to drop without deep recursion.
    fn deep(&mut self, node: Node<Expr>, depth: usize) -> Built {
        if depth > MAX_EXPR_DEPTH {
            let first = self
                .errors
                .iter()
                .any(|e| matches!(e, SyntaxError::TooDeep { .. }));
            if !first {
                self.errors.push(SyntaxError::TooDeep {
                    src: self.source.clone(),
                    span: node.span.into(),
                    max: MAX_EXPR_DEPTH,
                });
            }
            return None;
        }
        Some((node, depth))
    }

    fn prefix(&mut self, op: Pair<'s, R>, not: bool, rhs: Built) -> Built {
        let (rhs, depth) = rhs?;
        let op_span = self.span_of(&op);
        let un = if not { UnOp::Not } else { UnOp::Neg };
        let span = op_span.to(rhs.span);
        let node = Node::new(
            Expr::Unary {
                op: Node::new(un, op_span),
                operand: Box::new(rhs),
            },
            span,
        );
        self.deep(node, depth + 1)
    }

    fn postfix(&mut self, lhs: Built, op: Pair<'s, R>) -> Built {
        let (lhs, depth) = lhs?;
        let op_span = self.span_of(&op);
        let span = lhs.span.to(op_span);
        let (kind, d) = if op.as_rule() == R::field_acc {
            // The pair is the field's name.
            let field = self.ident(op);
            (
                Expr::Field {
                    base: Box::new(lhs),
                    field,
                },
                depth + 1,
            )
        } else {
            let key = self.expr(children(op).next()?)?;
            (
                Expr::Index {
                    base: Box::new(lhs),
                    key: Box::new(key),
                },
                depth + 1,
            )
        };
        self.deep(Node::new(kind, span), d)
    }

    fn infix(&mut self, lhs: Built, op: Pair<'s, R>, rhs: Built) -> Built {
        let op_span = self.span_of(&op);
        let bin = match op.as_str() {
            "or" => BinOp::Or,
            "and" => BinOp::And,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
            "in" => BinOp::In,
            "sells" => BinOp::Sells,
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            _ => {
                let written = op.as_str();
                let (instead, why) = tokens::bad_operator_hint(written);
                self.errors.push(SyntaxError::BadOperator {
                    src: self.source.clone(),
                    span: op_span.into(),
                    written: written.to_owned(),
                    instead: instead.to_owned(),
                    why: why.to_owned(),
                });
                return None;
            }
        };
        let (lhs, dl) = lhs?;
        let (rhs, dr) = rhs?;
        let span = lhs.span.to(rhs.span);
        let node = Node::new(
            Expr::Binary {
                op: Node::new(bin, op_span),
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span,
        );
        self.deep(node, dl.max(dr) + 1)
    }

    fn primary(&mut self, pair: Pair<'s, R>) -> Built {
        let span = self.span_of(&pair);
        let kind = match pair.as_rule() {
            R::number_lit => Expr::Number(number_text(&pair)),
            R::percent_lit => Expr::Percent(number_text(&pair)),
            R::bool_lit => Expr::Bool(pair.as_str() == "true"),
            R::string => {
                if let Some(text) = simple_text(&pair) {
                    return Some((Node::new(Expr::Text(text), span), 1));
                }
                let t = self.template(pair)?;
                return match plain(t.kind) {
                    Ok(text) => Some((Node::new(Expr::Text(text), span), 1)),
                    Err(hole) => {
                        self.hole_in_plain(hole, "a string used as a value");
                        None
                    }
                };
            }
            R::name => {
                // The word is not a pair (see `name` in the grammar): it runs up to
                // the trivia or `(` that a call starts with.
                let text = pair.as_str();
                let Some(call) = children(pair).next() else {
                    return Some((Node::new(Expr::Name(CompactString::from(text)), span), 1));
                };
                let word = text
                    .find(|c: char| matches!(c, '(' | '#' | ' ' | '\t'..='\r'))
                    .map_or(text, |end| &text[..end]);
                let name = Node::new(
                    CompactString::from(word),
                    Span::new(span.start, span.start + word.len()),
                );
                let mut args = Vec::new();
                let mut depth = 0;
                for p in children(call) {
                    let (e, d) = self.pratt_pairs(children(p))?;
                    depth = depth.max(d);
                    args.push(e);
                }
                return self.deep(Node::new(Expr::Call { name, args }, span), depth + 1);
            }
            R::paren => {
                let (inner, depth) = self.pratt_pairs(children(children(pair).next()?))?;
                return self.deep(Node::new(Expr::Paren(Box::new(inner)), span), depth + 1);
            }
            R::list => {
                let mut items = Vec::new();
                let mut depth = 0;
                for p in children(pair) {
                    let (e, d) = self.pratt_pairs(children(p))?;
                    depth = depth.max(d);
                    items.push(e);
                }
                return self.deep(Node::new(Expr::List(items), span), depth + 1);
            }
            R::if_expr => {
                let mut parts = children(pair).filter(|p| p.as_rule() == R::expr);
                let (cond, d1) = self.pratt_pairs(children(parts.next()?))?;
                let (then, d2) = self.pratt_pairs(children(parts.next()?))?;
                let (otherwise, d3) = self.pratt_pairs(children(parts.next()?))?;
                let node = Node::new(
                    Expr::If {
                        cond: Box::new(cond),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    span,
                );
                return self.deep(node, d1.max(d2).max(d3) + 1);
            }
            R::aggregate => {
                let mut it = children(pair);
                let name = it.next()?;
                let kind = match name.as_str() {
                    "any" => AggKind::Any,
                    "all" => AggKind::All,
                    "count" => AggKind::Count,
                    "sum" => AggKind::Sum,
                    "min" => AggKind::Min,
                    "max" => AggKind::Max,
                    "avg" => AggKind::Avg,
                    _ => AggKind::List,
                };
                let kind = Node::new(kind, self.span_of(&name));
                let (body, d1) = self.pratt_pairs(children(it.next()?))?;
                let binding = self.binding(it.next()?)?;
                let mut filter = None;
                let mut d2 = 0;
                for p in it {
                    if p.as_rule() == R::expr {
                        let (f, d) = self.pratt_pairs(children(p))?;
                        d2 = d;
                        filter = Some(Box::new(f));
                    }
                }
                let node = Node::new(
                    Expr::Aggregate {
                        kind,
                        body: Box::new(body),
                        binding: Box::new(binding),
                        filter,
                    },
                    span,
                );
                return self.deep(node, d1.max(d2) + 1);
            }
            R::collection => return self.pratt_pairs(children(pair)),
            _ => return None,
        };
        Some((Node::new(kind, span), 1))
    }

    /// A literal in a declaration (param default, table row): numbers, percents,
    /// strings, bools, negative numbers and lists of these.
    fn literal(&mut self, pair: Pair<'s, R>) -> Option<Node<Expr>> {
        let span = self.span_of(&pair);
        let inner = children(pair).next()?;
        match inner.as_rule() {
            R::neg_literal => {
                let num = children(inner).next()?;
                let num_span = self.span_of(&num);
                let operand = Node::new(Expr::Number(number_text(&num)), num_span);
                Some(Node::new(
                    Expr::Unary {
                        op: Node::new(UnOp::Neg, Span::new(span.start, span.start + 1)),
                        operand: Box::new(operand),
                    },
                    span,
                ))
            }
            R::literal_list => {
                let mut items = Vec::new();
                for p in children(inner) {
                    items.push(self.literal(p)?);
                }
                Some(Node::new(Expr::List(items), span))
            }
            _ => self.primary(inner).map(|(e, _)| e),
        }
    }

    fn template(&mut self, pair: Pair<'s, R>) -> Option<Node<Template>> {
        let span = self.span_of(&pair);
        let pieces = children(pair);
        let mut parts: Vec<TemplatePart> = Vec::with_capacity(pieces.len());
        let push_text = |parts: &mut Vec<TemplatePart>, s: &str| {
            if let Some(TemplatePart::Text(t)) = parts.last_mut() {
                t.push_str(s);
            } else {
                parts.push(TemplatePart::Text(s.to_owned()));
            }
        };
        let mut ok = true;
        for p in pieces {
            match p.as_rule() {
                R::str_text => push_text(&mut parts, p.as_str()),
                R::str_escape => {
                    let decoded = match p.as_str() {
                        "\\n" => "\n",
                        "\\t" => "\t",
                        "\\\"" => "\"",
                        "\\\\" => "\\",
                        "\\{" | "{{" => "{",
                        _ => "}",
                    };
                    push_text(&mut parts, decoded);
                }
                // The hole's children are the expression's tokens.
                R::str_hole => match self.pratt_pairs(children(p)) {
                    Some((e, _)) => parts.push(TemplatePart::Hole(e)),
                    None => ok = false,
                },
                _ => {}
            }
        }
        ok.then(|| Node::new(Template { parts }, span))
    }

    /// A string where interpolation makes no sense (titles, descriptions).
    fn plain_string(&mut self, pair: Pair<'s, R>, what: &str) -> Option<Str> {
        if let Some(text) = simple_text(&pair) {
            return Some(Node::new(text, self.span_of(&pair)));
        }
        let t = self.template(pair)?;
        let span = t.span;
        match plain(t.kind) {
            Ok(text) => Some(Node::new(text, span)),
            Err(hole) => {
                self.hole_in_plain(hole, what);
                None
            }
        }
    }

    fn hole_in_plain(&mut self, hole: Span, what: &str) {
        self.errors.push(SyntaxError::HoleInPlainString {
            src: self.source.clone(),
            span: hole.into(),
            what: what.to_owned(),
        });
    }
}

/// A token of an expression, before precedence is applied.
enum Tok<'i> {
    /// `not` or `-`.
    Prefix(Pair<'i, R>),
    /// An operand with its postfixes already applied.
    Operand(Built),
    /// A binary operator.
    Infix(Pair<'i, R>),
    /// A token already moved out of the list.
    Taken,
}

/// Binding strength of `not` (looser than comparisons) and unary `-` (tighter
/// than `*`).
const PREC_NOT: u8 = 3;
const PREC_NEG: u8 = 7;

/// Binding strength of a binary operator, loosest first: or; and; comparisons, `in`,
/// `sells`; `+ -`; `* /`. Mistaken operators sit with the one they stand for.
fn infix_prec(op: &str) -> u8 {
    match op {
        "or" | "||" => 1,
        "and" | "&&" => 2,
        "+" | "-" => 5,
        "*" | "/" | "×" | "÷" => 6,
        _ => 4,
    }
}

/// `Rule_` because `Rule` is pest's generated enum in this module.
type Rule_ = crate::syntax::ast::Rule;

/// The text of a template with no holes, or the span of its first hole.
fn plain(mut t: Template) -> Result<String, Span> {
    // Usually one piece of text: moved out, not copied.
    if let [TemplatePart::Text(_)] = t.parts.as_slice()
        && let Some(TemplatePart::Text(s)) = t.parts.pop()
    {
        return Ok(s);
    }
    let mut out = String::new();
    for part in t.parts {
        match part {
            TemplatePart::Text(s) => out.push_str(&s),
            TemplatePart::Hole(e) => return Err(e.span),
        }
    }
    Ok(out)
}

/// The text of a string that is one run of plain text (or empty), the usual case,
/// without building a template first.
fn simple_text(pair: &Pair<'_, R>) -> Option<String> {
    let mut pieces = pair.clone().into_inner();
    match (pieces.next(), pieces.next()) {
        (None, _) => Some(String::new()),
        (Some(p), None) if p.as_rule() == R::str_text => Some(p.as_str().to_owned()),
        _ => None,
    }
}

/// The digits of a number or percent literal, without `%`.
fn number_text(pair: &Pair<'_, R>) -> CompactString {
    CompactString::from(pair.as_str().trim_end_matches('%'))
}
