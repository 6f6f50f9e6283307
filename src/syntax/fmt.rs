//! The formatter (`pitfall fmt`): one canonical layout for rule files, every comment kept.
//!
//! The layout is meant to read like a checklist:
//! - exactly one blank line between declarations;
//! - `param name: type = value`, its description on the next line indented two spaces;
//! - table rows and rule clauses indented two spaces; table keys padded so the `->`
//!   arrows of one table line up; metadata keywords (`title`, `area`, `severity`,
//!   `escalate`, `source`, `tags`) padded to one column, message keywords (`advise`,
//!   `because`, `action`) to another;
//! - inside a rule, a blank line wherever the clause group changes (metadata; `for`,
//!   `let`, `when`; messages; `conclude`, `suppress`). Clauses are never reordered;
//! - expressions with canonical spacing and only the parentheses the author wrote;
//! - a `let`, `when` or `escalate` line wider than [`MAX_WIDTH`] breaks after the
//!   operators of its loosest chain: after every `and`/`or` (one condition per line),
//!   or after `+ - * /` and comparisons where the line is full. Continuation lines
//!   are indented four more spaces; an operand that still does not fit breaks the
//!   same way four spaces deeper.
//!
//! Comments are placed by position. A comment with code before it on its line trails
//! the formatted line of that code; a comment on its own line leads the next line
//! (keeping at most one blank line above it); a comment inside a line's code (in a
//! multi-line expression) moves above that line; comments at the end of a body or
//! file stay there. Every decision depends only on the tree and on the comments'
//! positions relative to it, which is what makes `format(format(x)) == format(x)`.

use crate::source::SourceFile;
use crate::syntax::SyntaxError;
use crate::syntax::ast::{
    BinOp, Binding, Clause, Comment, Expr, File, Item, Let, Node, Source, Template, TemplatePart,
    TypeExpr, UnOp,
};
use crate::syntax::parse::parse_file;

/// Lines wider than this many columns are broken where the layout allows.
pub const MAX_WIDTH: usize = 100;

/// Indentation of rule clauses, table rows and parameter descriptions.
const INDENT: usize = 2;
/// Extra indentation of the continuation lines of a broken expression.
const CONTINUATION: usize = 4;
/// Metadata keywords are padded to the longest (`severity `, `escalate `).
const META_WIDTH: usize = "severity ".len();
/// Message keywords are padded to the longest (`because `).
const MESSAGE_WIDTH: usize = "because ".len();

/// Parses `source` and formats it; the syntax errors when it does not parse.
pub fn format_source(source: &SourceFile) -> Result<String, Vec<SyntaxError>> {
    let file = parse_file(source)?;
    Ok(format_file(source, &file))
}

/// Formats a parsed file. `source` must be the text `file` was parsed from: comment
/// placement and preserved blank lines are read from it.
pub fn format_file(source: &SourceFile, file: &File) -> String {
    let mut lines = Vec::new();
    for (i, item) in file.items.iter().enumerate() {
        layout_item(&mut lines, item, i > 0);
    }
    emit(source.text(), &lines, &file.comments)
}

// ============================================================================
// Lines: the formatted text before comments are woven in
// ============================================================================

/// What a line does to the blank lines around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A declaration header, clause, row or description.
    Plain,
    /// Ends with `{`: nothing blank may follow it.
    Opener,
    /// A lone `}`: nothing blank may precede it.
    Closer,
}

/// One formatted line (or several, for a broken expression) with the source range
/// of its code, which is what comments are placed against.
struct Line {
    /// The text without the first line's indentation; continuation lines carry theirs.
    text: String,
    /// Indentation of the first line.
    indent: usize,
    /// Indentation of the comments placed above this line.
    comment_indent: usize,
    /// Start of the line's first token in the source.
    lo: usize,
    /// End of the line's last token in the source.
    hi: usize,
    /// The layout asks for a blank line before this line (new declaration, new group).
    blank_before: bool,
    kind: Kind,
}

impl Line {
    fn plain(text: String, indent: usize, lo: usize, hi: usize, blank_before: bool) -> Self {
        Line {
            text,
            indent,
            comment_indent: indent,
            lo,
            hi,
            blank_before,
            kind: Kind::Plain,
        }
    }
}

fn layout_item(lines: &mut Vec<Line>, item: &Item, blank: bool) {
    match item {
        Item::Param(p) => {
            let k = &p.kind;
            let mut t = format!("param {}: ", k.name.kind);
            write_type(&mut t, &k.ty.kind);
            t.push_str(" = ");
            write_expr(&mut t, &k.default.kind);
            lines.push(Line::plain(t, 0, p.span.start, k.default.span.end, blank));
            if let Some(doc) = &k.doc {
                let mut t = String::new();
                write_plain_string(&mut t, &doc.kind);
                lines.push(Line::plain(t, INDENT, doc.span.start, doc.span.end, false));
            }
        }
        Item::Let(l) => {
            let t = let_text(&l.kind, 0);
            lines.push(Line::plain(
                t,
                0,
                l.span.start,
                expr_end(&l.kind.value),
                blank,
            ));
        }
        Item::Table(t) => {
            let k = &t.kind;
            let mut h = format!("table {}: ", k.name.kind);
            write_type(&mut h, &k.key_ty.kind);
            h.push_str(" -> ");
            write_type(&mut h, &k.value_ty.kind);
            let mut hi = k.value_ty.span.end;
            if let Some(d) = &k.default {
                h.push_str(" default ");
                write_expr(&mut h, &d.kind);
                hi = d.span.end;
            }
            h.push_str(" {");
            lines.push(opener(h, t.span.start, hi, blank));
            let keys: Vec<String> = k.rows.iter().map(|r| expr_text(&r.kind.key)).collect();
            let width = keys.iter().map(|s| display_width(s)).max().unwrap_or(0);
            for (row, key) in k.rows.iter().zip(keys) {
                let pad = width.saturating_sub(display_width(&key));
                let mut text = key;
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(" -> ");
                write_expr(&mut text, &row.kind.value.kind);
                lines.push(Line::plain(
                    text,
                    INDENT,
                    row.span.start,
                    row.span.end,
                    false,
                ));
            }
            lines.push(closer(t.span.end));
        }
        Item::Rule(r) => {
            let k = &r.kind;
            let h = format!("rule {} {{", k.id.kind);
            lines.push(opener(h, r.span.start, k.id.span.end, blank));
            let mut prev_group = None;
            for c in &k.clauses {
                let g = group(&c.kind);
                let blank = prev_group.is_some_and(|p| p != g);
                prev_group = Some(g);
                let text = clause_text(&c.kind);
                let hi = clause_end(c);
                lines.push(Line::plain(text, INDENT, c.span.start, hi, blank));
            }
            lines.push(closer(r.span.end));
        }
    }
}

fn opener(text: String, lo: usize, hi: usize, blank_before: bool) -> Line {
    Line {
        kind: Kind::Opener,
        ..Line::plain(text, 0, lo, hi, blank_before)
    }
}

/// The `}` that ends a declaration whose span ends at `end`.
fn closer(end: usize) -> Line {
    Line {
        text: "}".to_owned(),
        indent: 0,
        // Comments before the `}` belong to the body.
        comment_indent: INDENT,
        lo: end.saturating_sub(1),
        hi: end,
        blank_before: false,
        kind: Kind::Closer,
    }
}

/// Where the clause's last token ends. Not `c.span.end`: pest ends the span of a
/// rule whose last element is a repetition or an option after the whitespace and
/// comments it skipped looking for one more, so a `when` clause's span covers the
/// comment trailing it.
fn clause_end(c: &Node<Clause>) -> usize {
    match &c.kind {
        Clause::Title(s) => s.span.end,
        Clause::Area(id)
        | Clause::Severity(id)
        | Clause::Source(id)
        | Clause::Conclude(id)
        | Clause::Suppress(id) => id.span.end,
        Clause::Escalate { when: e, .. } | Clause::When(e) => expr_end(e),
        Clause::Let(l) => expr_end(&l.kind.value),
        Clause::Advise(t) | Clause::Because(t) | Clause::Action(t) => t.span.end,
        Clause::For { bindings, filter } => match (filter, bindings.last()) {
            (Some(f), _) => expr_end(f),
            (None, Some(b)) => match &b.kind.source.kind {
                Source::Collection(e) => expr_end(e),
                Source::Top { key, .. } => expr_end(key),
            },
            (None, None) => c.span.end,
        },
        // Ends with `]`, which pest does not skip past.
        Clause::Tags(_) => c.span.end,
    }
}

/// Where the expression's last token ends. An `if` node's span, like a clause's,
/// runs on over the trivia after its `else` branch, so follow the rightmost operand
/// down to a node whose span ends on a token.
fn expr_end(e: &Node<Expr>) -> usize {
    let mut e = e;
    loop {
        match &e.kind {
            Expr::If {
                otherwise: next, ..
            }
            | Expr::Binary { rhs: next, .. }
            | Expr::Unary { operand: next, .. } => e = next,
            _ => return e.span.end,
        }
    }
}

/// Clause groups; a blank line separates consecutive clauses of different groups.
fn group(c: &Clause) -> u8 {
    match c {
        Clause::Title(_)
        | Clause::Area(_)
        | Clause::Severity(_)
        | Clause::Escalate { .. }
        | Clause::Source(_)
        | Clause::Tags(_) => 0,
        Clause::For { .. } | Clause::Let(_) | Clause::When(_) => 1,
        Clause::Advise(_) | Clause::Because(_) | Clause::Action(_) => 2,
        Clause::Conclude(_) | Clause::Suppress(_) => 3,
    }
}

fn clause_text(c: &Clause) -> String {
    let meta = |kw: &str| format!("{kw:<META_WIDTH$}");
    let message = |kw: &str, t: &Node<Template>| {
        let mut s = format!("{kw:<MESSAGE_WIDTH$}");
        write_template(&mut s, &t.kind);
        s
    };
    match c {
        Clause::Title(s) => {
            let mut t = meta("title");
            write_plain_string(&mut t, &s.kind);
            t
        }
        Clause::Area(id) => meta("area") + &id.kind,
        Clause::Severity(id) => meta("severity") + &id.kind,
        Clause::Escalate { level, when } => {
            let prefix = format!("{}{} when ", meta("escalate"), level.kind);
            breakable(prefix, when, INDENT)
        }
        Clause::Source(id) => meta("source") + &id.kind,
        Clause::Tags(tags) => {
            let mut t = meta("tags");
            t.push('[');
            for (i, tag) in tags.iter().enumerate() {
                if i > 0 {
                    t.push_str(", ");
                }
                t.push_str(&tag.kind);
            }
            t.push(']');
            t
        }
        Clause::For { bindings, filter } => {
            let mut t = "for ".to_owned();
            for (i, b) in bindings.iter().enumerate() {
                if i > 0 {
                    t.push_str(", ");
                }
                write_binding(&mut t, &b.kind);
            }
            if let Some(f) = filter {
                t.push_str(" where ");
                write_expr(&mut t, &f.kind);
            }
            t
        }
        Clause::Let(l) => let_text(&l.kind, INDENT),
        Clause::When(e) => breakable("when ".to_owned(), e, INDENT),
        Clause::Advise(t) => message("advise", t),
        Clause::Because(t) => message("because", t),
        Clause::Action(t) => message("action", t),
        Clause::Conclude(id) => format!("conclude {}", id.kind),
        Clause::Suppress(id) => format!("suppress {}", id.kind),
    }
}

fn let_text(l: &Let, indent: usize) -> String {
    let mut prefix = format!("let {}", l.name.kind);
    if let Some(ty) = &l.ty {
        prefix.push_str(": ");
        write_type(&mut prefix, &ty.kind);
    }
    prefix.push_str(" = ");
    breakable(prefix, &l.value, indent)
}

// ============================================================================
// Long lines
// ============================================================================

/// `prefix` then `e`, on one line when it fits in [`MAX_WIDTH`] at `indent`, else
/// broken after the operators of the expression's loosest chain. Only the tree
/// decides, so a broken line formats to itself.
fn breakable(prefix: String, e: &Node<Expr>, indent: usize) -> String {
    let col = indent + display_width(&prefix);
    let mut out = prefix;
    write_fitted(&mut out, e, "", col, indent + CONTINUATION);
    out
}

/// Appends `e` and then `suffix` to `out`, whose last line is `col` columns wide,
/// breaking after operators where the line would pass [`MAX_WIDTH`]. A chain of
/// `and`/`or` reads as a checklist: one condition per line. Other chains fill each
/// line. An operand that still does not fit is broken the same way, four columns
/// deeper, so its continuation lines cannot be mistaken for the next condition.
/// Returns the width of the last line.
fn write_fitted(out: &mut String, e: &Node<Expr>, suffix: &str, col: usize, cont: usize) -> usize {
    let mut flat = expr_text(e);
    flat.push_str(suffix);
    let width = display_width(&flat);
    let root = match &e.kind {
        Expr::Binary { op, .. } if col + width > MAX_WIDTH => op.kind,
        _ => {
            out.push_str(&flat);
            return col + width;
        }
    };
    let class = precedence(root);
    let one_per_line = class == 0;
    let mut operands = Vec::new();
    let mut ops = Vec::new();
    chain(e, class, &mut operands, &mut ops);
    let mut col = col;
    for (i, operand) in operands.iter().enumerate() {
        let seg_suffix = match ops.get(i) {
            Some(op) => format!(" {}", op.as_str()),
            None => suffix.to_owned(),
        };
        if i > 0 {
            let seg_width = display_width(&expr_text(operand)) + seg_suffix.len();
            if one_per_line || col + 1 + seg_width > MAX_WIDTH {
                out.push('\n');
                push_indent(out, cont);
                col = cont;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        col = write_fitted(out, operand, &seg_suffix, col, cont + CONTINUATION);
    }
    col
}

/// Operators grouped by how tightly they bind, for breaking lines: `and` and `or`
/// break together (an `and` inside an `or` is still a condition of the list).
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or | BinOp::And => 0,
        BinOp::Eq
        | BinOp::Ne
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::Sells => 1,
        BinOp::Add | BinOp::Sub => 2,
        BinOp::Mul | BinOp::Div => 3,
    }
}

/// The operands and operators of the chain of operators of precedence `class` at the
/// top of `e`, in text order (a parenthesised expression is one operand).
fn chain<'a>(
    e: &'a Node<Expr>,
    class: u8,
    operands: &mut Vec<&'a Node<Expr>>,
    ops: &mut Vec<BinOp>,
) {
    match &e.kind {
        Expr::Binary { op, lhs, rhs } if precedence(op.kind) == class => {
            chain(lhs, class, operands, ops);
            ops.push(op.kind);
            chain(rhs, class, operands, ops);
        }
        _ => operands.push(e),
    }
}

/// Columns `s` takes in a terminal: East Asian wide characters take two, so that
/// table arrows line up for keys written in Chinese.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// The main blocks of East Asian wide and fullwidth characters (a subset of Unicode's
/// East_Asian_Width=W/F, enough for CJK text; no dependency for one lookup).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x20000..=0x3FFFD)
}

// ============================================================================
// Expressions, types and strings
// ============================================================================

fn expr_text(e: &Node<Expr>) -> String {
    let mut s = String::new();
    write_expr(&mut s, &e.kind);
    s
}

/// Writes `e` with canonical spacing. No parentheses are added: the tree came from
/// the parser, so the same tokens in the same order parse to the same tree, and the
/// author's parentheses are `Paren` nodes.
fn write_expr(out: &mut String, e: &Expr) {
    match e {
        Expr::Number(t) => out.push_str(t),
        Expr::Percent(t) => {
            out.push_str(t);
            out.push('%');
        }
        Expr::Text(s) => write_plain_string(out, s),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::List(items) => {
            out.push('[');
            write_list(out, items);
            out.push(']');
        }
        Expr::Name(n) => out.push_str(n),
        Expr::Field { base, field } => {
            write_expr(out, &base.kind);
            out.push('.');
            out.push_str(&field.kind);
        }
        Expr::Index { base, key } => {
            write_expr(out, &base.kind);
            out.push('[');
            write_expr(out, &key.kind);
            out.push(']');
        }
        Expr::Unary { op, operand } => {
            out.push_str(match op.kind {
                UnOp::Not => "not ",
                UnOp::Neg => "-",
            });
            write_expr(out, &operand.kind);
        }
        Expr::Binary { op, lhs, rhs } => {
            write_expr(out, &lhs.kind);
            out.push(' ');
            out.push_str(op.kind.as_str());
            out.push(' ');
            write_expr(out, &rhs.kind);
        }
        Expr::Aggregate {
            kind,
            body,
            binding,
            filter,
        } => {
            out.push_str(kind.kind.as_str());
            out.push('(');
            write_expr(out, &body.kind);
            out.push_str(" for ");
            write_binding(out, &binding.kind);
            if let Some(f) = filter {
                out.push_str(" where ");
                write_expr(out, &f.kind);
            }
            out.push(')');
        }
        Expr::If {
            cond,
            then,
            otherwise,
        } => {
            out.push_str("if ");
            write_expr(out, &cond.kind);
            out.push_str(" then ");
            write_expr(out, &then.kind);
            out.push_str(" else ");
            write_expr(out, &otherwise.kind);
        }
        Expr::Call { name, args } => {
            out.push_str(&name.kind);
            out.push('(');
            write_list(out, args);
            out.push(')');
        }
        Expr::Paren(inner) => {
            out.push('(');
            write_expr(out, &inner.kind);
            out.push(')');
        }
    }
}

fn write_list(out: &mut String, items: &[Node<Expr>]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, &item.kind);
    }
}

fn write_binding(out: &mut String, b: &Binding) {
    out.push_str(&b.var.kind);
    out.push_str(" in ");
    match &b.source.kind {
        Source::Collection(c) => write_expr(out, &c.kind),
        Source::Top {
            n,
            collection,
            filter,
            key,
        } => {
            out.push_str("top ");
            write_expr(out, &n.kind);
            out.push_str(" of ");
            write_expr(out, &collection.kind);
            if let Some(f) = filter {
                out.push_str(" where ");
                write_expr(out, &f.kind);
            }
            out.push_str(" by ");
            write_expr(out, &key.kind);
        }
    }
}

fn write_type(out: &mut String, t: &TypeExpr) {
    match t {
        TypeExpr::Money => out.push_str("money"),
        TypeExpr::Percent => out.push_str("percent"),
        TypeExpr::Number => out.push_str("number"),
        TypeExpr::Count => out.push_str("count"),
        TypeExpr::Text => out.push_str("text"),
        TypeExpr::Bool => out.push_str("bool"),
        TypeExpr::List(inner) => {
            out.push_str("list<");
            write_type(out, &inner.kind);
            out.push('>');
        }
    }
}

fn write_plain_string(out: &mut String, text: &str) {
    out.push('"');
    write_escaped(out, text);
    out.push('"');
}

fn write_template(out: &mut String, t: &Template) {
    out.push('"');
    for part in &t.parts {
        match part {
            TemplatePart::Text(s) => write_escaped(out, s),
            TemplatePart::Hole(e) => {
                out.push('{');
                write_expr(out, &e.kind);
                out.push('}');
            }
        }
    }
    out.push('"');
}

/// String text with the escapes the grammar reads back: `\"`, `\\`, `\n`, `\t`,
/// and doubled braces (the canonical spelling of a literal brace).
fn write_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            _ => out.push(c),
        }
    }
}

// ============================================================================
// Weaving comments into the lines
// ============================================================================

/// Places every comment against `lines` (see the module doc) and writes the text.
fn emit(text: &str, lines: &[Line], comments: &[Comment]) -> String {
    // leading[i]: comments written above line i; leading[lines.len()]: end of file.
    let mut leading: Vec<Vec<&Comment>> = (0..=lines.len()).map(|_| Vec::new()).collect();
    let mut trailing: Vec<Option<&Comment>> = vec![None; lines.len()];
    let mut sorted: Vec<&Comment> = comments.iter().collect();
    sorted.sort_by_key(|c| c.span.start);
    // INVARIANT: lines are in source order and their `lo..hi` ranges do not overlap,
    // so one forward pass finds, for each comment, the last line starting before it.
    let mut next = 0;
    for c in sorted {
        let at = c.span.start;
        while lines.get(next).is_some_and(|l| l.lo < at) {
            next += 1;
        }
        let before = next
            .checked_sub(1)
            .and_then(|i| lines.get(i).map(|l| (i, l)));
        match before {
            Some((i, l)) if at < l.hi => push_at(&mut leading, i, c),
            Some((i, l)) if !gap_has_newline(text, l.hi, at) && trailing[i].is_none() => {
                trailing[i] = Some(c);
            }
            _ => push_at(&mut leading, next, c),
        }
    }

    let mut out = String::with_capacity(text.len() + text.len() / 4);
    // True where no blank line may be written: start of file, just after a `{`.
    let mut fresh = true;
    let mut i = 0;
    loop {
        let line = lines.get(i);
        let above = leading.get(i).map_or(&[][..], Vec::as_slice);
        let comment_indent = line.map_or(0, |l| l.comment_indent);
        for (k, c) in above.iter().enumerate() {
            let structural = k == 0 && line.is_some_and(|l| l.blank_before);
            if !fresh && (structural || blank_line_before(text, c.span.start)) {
                out.push('\n');
            }
            push_indent(&mut out, comment_indent);
            push_comment(&mut out, c);
            out.push('\n');
            fresh = false;
        }
        let Some(line) = line else { break };
        let blank = if above.is_empty() {
            line.blank_before
        } else {
            line.kind != Kind::Closer && blank_line_before(text, line.lo)
        };
        if blank && !fresh {
            out.push('\n');
        }
        push_indent(&mut out, line.indent);
        out.push_str(&line.text);
        // An empty body closes on the opening line: `rule x {}`.
        let joined = line.kind == Kind::Opener
            && trailing[i].is_none()
            && lines.get(i + 1).is_some_and(|n| n.kind == Kind::Closer)
            && leading.get(i + 1).is_some_and(Vec::is_empty);
        if joined {
            out.push('}');
            i += 1;
        }
        if let Some(c) = trailing.get(i).copied().flatten() {
            out.push_str("  ");
            push_comment(&mut out, c);
        }
        out.push('\n');
        fresh = line.kind == Kind::Opener && !joined;
        i += 1;
    }
    out
}

fn push_at<'c>(leading: &mut [Vec<&'c Comment>], i: usize, c: &'c Comment) {
    if let Some(v) = leading.get_mut(i) {
        v.push(c);
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `#` and the comment's text; trailing blanks (and the `\r` of a CRLF file) dropped.
fn push_comment(out: &mut String, c: &Comment) {
    out.push('#');
    out.push_str(c.text.trim_end());
}

fn gap_has_newline(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to).is_none_or(|g| g.contains('\n'))
}

/// True when the whitespace just before `at` contains an empty line.
fn blank_line_before(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let newlines = before
        .chars()
        .rev()
        .take_while(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}'))
        .filter(|&c| c == '\n')
        .take(2)
        .count();
    newlines >= 2
}
