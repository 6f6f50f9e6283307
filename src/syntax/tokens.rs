//! Readable names for grammar rules, so users never see a pest rule name.
//!
//! Every rule of `grammar/rules.pest` maps to what a consultant would call it
//! ("a name", "an expression", `` `}` ``). The match is exhaustive: adding a grammar rule
//! without naming it here fails to compile.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::source::{SourceFile, Span};
use crate::syntax::error::SyntaxError;
use crate::syntax::parse::Rule;

/// What a grammar rule is called in an error message, or `None` for rules that are
/// never worth naming (their parent is named instead).
fn rule_name(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of file",
        WHITESPACE | item | clause | operand | postfix | literal_atom | str_text | str_escape
        | ident_char | keyword | number_text => {
            return None;
        }
        // pest names `file` when nothing of a file could start at the position.
        file | param_decl | let_decl | table_decl | rule_decl => {
            "a declaration (`param`, `let`, `table` or `rule`)"
        }
        table_default => "`default`",
        table_row => "a table row (`\"key\" -> value`)",
        // The types are listed in the help line: the message stays one line.
        type_expr | list_type | base_type => "a type",
        title_clause | area_clause | severity_clause | escalate_clause | source_clause
        | tags_clause | for_clause | when_clause | advise_clause | because_clause
        | action_clause | conclude_clause | suppress_clause | clause_word => "a rule clause",
        where_part | kw_where => "`where`",
        binding => "a binding (`name in collection`)",
        top_source => "`top`",
        top_filter | top_key | collection | expr => "an expression",
        kw_not => "`not`",
        prefix => "`not` or `-`",
        field_acc => "`.field`",
        index_acc => "`[key]`",
        kw_or => "`or`",
        kw_and => "`and`",
        kw_in => "`in`",
        kw_sells => "`sells`",
        infix => "an operator",
        paren => "`(`",
        list | literal_list => "`[`",
        if_expr | kw_if => "`if`",
        aggregate | agg_name => "an aggregate (`sum(... for x in ...)`)",
        call => "a function call",
        name | ident | word => "a name",
        literal | neg_literal => "a value",
        percent_lit => "a percent",
        number_lit => "a number",
        bool_lit => "`true` or `false`",
        string | str_hole => "a string",
        kw_for => "`for`",
        kw_top => "`top`",
        kw_of => "`of`",
        kw_by => "`by`",
        kw_then => "`then`",
        kw_else => "`else`",
        kw_when => "`when`",
    })
}

/// Expected items that all mean "an expression could start here".
const EXPRESSION_STARTS: &[&str] = &[
    "a name",
    "a string",
    "a number",
    "a percent",
    "`true` or `false`",
    "an aggregate (`sum(... for x in ...)`)",
    "a function call",
    "`not`",
    "`if`",
    "`(`",
    "`[`",
    "`-`",
    "a value",
];

/// Expected items that all mean "an operator could continue the expression here".
const OPERATORS: &[&str] = &[
    "`==`",
    "`!=`",
    "`<=`",
    "`>=`",
    "`<`",
    "`>`",
    "`+`",
    "`-`",
    "`*`",
    "`/`",
    "`or`",
    "`and`",
    "`in`",
    "`sells`",
    "an operator",
    "`.field`",
    "`[key]`",
    "a function call",
];

/// Punctuation worth naming when pest reports it as expected.
const PUNCTUATION: &[&str] = &["}", "{", ")", "]", ",", ":", "->", "=", ">"];

/// Turns a pest error into a diagnostic with readable expectations and a hint.
/// `first` names the grammar rules expected; `detailed` (a re-run with pest's
/// error detail on) adds the literal punctuation expected.
pub(crate) fn from_pest(
    source: &SourceFile,
    first: &Error<Rule>,
    detailed: Option<&Error<Rule>>,
) -> SyntaxError {
    let text = source.text();
    let first_pos = match first.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // pest's plain error stops at the furthest *rule* it tried; literal tokens such as
    // `:` or `->` are only tracked in the detailed re-run. Where that got further, its
    // position and the rules it was inside are the truer account.
    let attempts = detailed.and_then(Error::parse_attempts);
    // A lookahead that matched a whole word (the keyword check of a name) moves the
    // furthest position to the word's end without anything being wrong there.
    let word_end = token_span(text, first_pos).end;
    let further = attempts.as_ref().filter(|a| a.max_position > word_end);
    let pos = further.map_or(first_pos, |a| a.max_position);
    let mut rules: Vec<String> = Vec::new();
    let mut add_rule = |rule: Rule| {
        if let Some(name) = rule_name(rule)
            && !rules.iter().any(|r| r == name)
        {
            rules.push(name.to_owned());
        }
    };
    match further {
        Some(a) => {
            // Literal tokens are named from `expected_tokens` below; the rules
            // that enclose them would only repeat "a declaration".
            for stack in a.call_stacks() {
                if let Some(rule) = stack.deepest.get_rule()
                    && !matches!(
                        rule,
                        Rule::file
                            | Rule::param_decl
                            | Rule::let_decl
                            | Rule::table_decl
                            | Rule::rule_decl
                            | Rule::table_row
                    )
                {
                    add_rule(*rule);
                }
            }
        }
        None => {
            for error in std::iter::once(first).chain(detailed) {
                if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
                    for rule in positives {
                        add_rule(*rule);
                    }
                }
            }
        }
    }
    let operator_expected = rules.iter().any(|r| OPERATORS.contains(&r.as_str()));
    let mut expected: Vec<String> = Vec::new();
    if let Some(attempts) = &attempts {
        for token in attempts.expected_tokens() {
            let t = token.to_string();
            // `=` shows up as an expected token only because the grammar parses it
            // as a mistaken operator; name it only where it truly belongs.
            if PUNCTUATION.contains(&t.as_str()) && !(t == "=" && operator_expected) {
                push_unique(&mut expected, format!("`{t}`"));
            }
        }
    }
    // Fold the many ways an expression can start, or continue, into one word each:
    // after an operand, "an operator" is what the user needs to hear.
    let starts = rules
        .iter()
        .filter(|r| EXPRESSION_STARTS.contains(&r.as_str()))
        .count();
    let expression = rules.iter().any(|r| r == "an expression") || starts >= 2;
    let clause = rules.iter().any(|r| r == "a rule clause");
    for r in rules {
        let folded = (expression && EXPRESSION_STARTS.contains(&r.as_str()))
            || OPERATORS.contains(&r.as_str())
            || r == "an expression"
            // Inside a rule, `for`, `when` and `let` are clauses like the others.
            || (clause && (r == "`for`" || r == "`when`" || r.starts_with("a declaration")));
        if !folded {
            push_unique(&mut expected, r);
        }
    }
    if operator_expected {
        expected.retain(|e| e != "`>`");
        push_unique(&mut expected, "an operator".to_owned());
    } else if expression {
        push_unique(&mut expected, "an expression".to_owned());
    }
    if expected.is_empty() {
        expected.push("something else".to_owned());
    }
    let found = describe_found(text, pos);
    // `<>` never reaches the grammar's mistaken-operator rule: `<` parses as an
    // operator first, and the parse fails on the `>`.
    if text.get(pos..).is_some_and(|r| r.starts_with('>'))
        && text.get(..pos).is_some_and(|b| b.ends_with('<'))
    {
        let (instead, why) = bad_operator_hint("<>");
        return SyntaxError::BadOperator {
            src: source.clone(),
            span: Span::new(pos - 1, pos + 1).into(),
            written: "<>".to_owned(),
            instead: instead.to_owned(),
            why: why.to_owned(),
        };
    }
    if let Some(e) = unclosed(source, pos, &found, &expected) {
        return e;
    }
    let help = hint(text, pos, &expected);
    SyntaxError::Unexpected {
        src: source.clone(),
        span: token_span(text, pos).into(),
        found,
        expected: crate::text::join_list(&expected, "or"),
        help,
    }
}

/// A bracket, quote or template hole still open where reading stopped.
#[derive(Clone, Copy, Debug)]
struct Open {
    ch: char,
    at: usize,
    /// A `{` inside a message string.
    hole: bool,
}

/// The brackets, quotes and template holes open at `pos`, innermost last; strings
/// and comments are skipped the way the grammar reads them.
fn open_at(text: &str, pos: usize) -> Vec<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let mut chars = text.get(..pos).unwrap_or("").char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let in_string = stack.last().is_some_and(|o| o.ch == '"');
        let next = chars.peek().map(|(_, n)| *n);
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '{' | '}' if next == Some(c) => {
                    chars.next();
                }
                '{' => stack.push(Open {
                    ch: c,
                    at: i,
                    hole: true,
                }),
                '"' | '\n' => {
                    stack.pop();
                }
                _ => {}
            }
            continue;
        }
        match c {
            '#' => while chars.next_if(|(_, n)| *n != '\n').is_some() {},
            '"' | '(' | '[' | '{' => stack.push(Open {
                ch: c,
                at: i,
                hole: false,
            }),
            ')' | ']' | '}' if stack.last().is_some_and(|o| closer(o.ch) == c) => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        _ => '"',
    }
}

/// When reading stopped because a bracket or string was left open, a diagnostic
/// that points at the opener: the place pest stopped may be lines later.
fn unclosed(
    source: &SourceFile,
    pos: usize,
    found: &str,
    expected: &[String],
) -> Option<SyntaxError> {
    let text = source.text();
    let top = *open_at(text, pos).last()?;
    let close = closer(top.ch);
    let at_end = found == "end of file";
    let expects_close = expected.iter().any(|e| *e == format!("`{close}`"));
    let later_line = text.get(top.at..pos).is_some_and(|s| s.contains('\n'));
    let token = token_span(text, pos);
    let word = text.get(token.start..token.end).unwrap_or("");
    let next_clause = is_clause_word(word) || matches!(word, "let" | "param" | "table" | "rule");
    let help = match top.ch {
        // A string runs to the end of its line at most.
        '"' if at_end || found == "a line break" => {
            "end the string with `\"` on the same line; write `\\n` for a line break in a message"
        }
        '"' => return None,
        '{' if top.hole && expects_close => {
            "end the value with `}`, or write `{{` for a literal brace"
        }
        _ if !expects_close || !(at_end || (later_line && next_clause)) => return None,
        '{' => "every `rule` and `table` ends with `}`: add it after the last clause or row",
        '(' => "add `)` where the bracketed expression ends",
        _ => "add `]` after the last item of the list",
    };
    Some(SyntaxError::Unclosed {
        src: source.clone(),
        span: Span::new(top.at, top.at + top.ch.len_utf8()).into(),
        stopped: (!at_end).then(|| token.into()),
        open: top.ch,
        close,
        found: found.to_owned(),
        help: Some(help.to_owned()),
    })
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// The span of the token starting at `pos` (to the end of a word, or one character).
fn token_span(text: &str, pos: usize) -> Span {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return Span::point(pos);
    };
    if first.is_alphanumeric() || first == '_' {
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        Span::new(pos, pos + len)
    } else {
        Span::new(pos, pos + first.len_utf8())
    }
}

/// How to name what stands at `pos`: `` `word` ``, `end of file`, `a line break`.
pub(crate) fn describe_found(text: &str, pos: usize) -> String {
    let span = token_span(text, pos);
    let token = text.get(span.start..span.end).unwrap_or("");
    match token {
        "" => "end of file".to_owned(),
        "\n" | "\r" => "a line break".to_owned(),
        t => format!("`{t}`"),
    }
}

/// A hint for mistakes that are common enough to recognise.
fn hint(text: &str, pos: usize, expected: &[String]) -> Option<String> {
    let span = token_span(text, pos);
    let token = text.get(span.start..span.end).unwrap_or("");
    let expects = |s: &str| expected.iter().any(|e| e == s);
    let before = text.get(..pos).unwrap_or("");
    let after = text.get(span.end..).unwrap_or("");
    let line_start = before
        .rsplit('\n')
        .next()
        .is_some_and(|l| l.trim().is_empty());
    let hint = match token {
        "'" => "strings use double quotes: `\"...\"`".to_owned(),
        "," if before.ends_with(|c: char| c.is_ascii_digit())
            && after.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            "write numbers without thousands separators: `50000`".to_owned()
        }
        "¥" | "￥" | "$" | "€" | "£" => format!(
            "write money as a plain number, without `{token}`: the profile's `currency` says which currency it is"
        ),
        ";" => "no `;` is needed: a clause or declaration ends where the next one starts".to_owned(),
        "!" => "write `not` to negate a condition, and `!=` for \"not equal\"".to_owned(),
        "{" if expects("a name") && before.trim_end().ends_with("rule") => {
            "give the rule an id: `rule thin_net_margin { ... }`".to_owned()
        }
        "AND" | "OR" | "NOT" | "And" | "Or" | "Not" => {
            format!("operators are lowercase: write `{}`", token.to_lowercase())
        }
        "" if expects("`}`") => {
            "a `{` is not closed: every `rule` and `table` ends with `}`".to_owned()
        }
        "" => "the file ends in the middle of a declaration".to_owned(),
        "=" if expects("an expression") => {
            "`=` gives a value in `let` and `param`; compare with `==`".to_owned()
        }
        t if is_clause_word(t) && expects("a declaration (`param`, `let`, `table` or `rule`)") => {
            format!("`{t}` is a clause of a rule: put it inside `rule id {{ ... }}`")
        }
        t if is_reserved(t) && expects("a name") => {
            format!("`{t}` is a keyword of the language and cannot be used as a name")
        }
        "{" if expects("a rule clause") => {
            "a rule's clauses are written one after another, without braces".to_owned()
        }
        "%" => "a percent is written right after its number: `10%`".to_owned(),
        t if line_start
            && expects("a rule clause")
            && t.starts_with(|c: char| c.is_alphabetic())
            && !is_clause_word(t) =>
        {
            format!(
                "`{t}` is not a clause; a rule's clauses are `title`, `area`, `severity`, `source`, `tags`, `for`, `let`, `when`, `escalate`, `advise`, `because`, `action`, `conclude` and `suppress`"
            )
        }
        _ if expects("`->`") => {
            "a table maps keys to values with `->`: `text -> list<text>` in its header, `\"JD\" -> [...]` in a row"
                .to_owned()
        }
        _ if expects("`:`") && !expects("`=`") => {
            "write `:` between a name and its type: `margin_floor: percent`".to_owned()
        }
        t if expects("`=`") && t.starts_with(|c: char| c.is_alphabetic()) => {
            "write `=` before the value: `let net = product.price - product.unit_cost`".to_owned()
        }
        _ if expects("a type") => {
            "the types are `money`, `percent`, `number`, `count`, `text`, `bool` and `list<T>`"
                .to_owned()
        }
        _ => return None,
    };
    Some(hint)
}

fn is_clause_word(word: &str) -> bool {
    matches!(
        word,
        "title"
            | "area"
            | "severity"
            | "escalate"
            | "source"
            | "tags"
            | "for"
            | "when"
            | "advise"
            | "because"
            | "action"
            | "conclude"
            | "suppress"
    )
}

fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "in"
            | "sells"
            | "where"
            | "for"
            | "top"
            | "of"
            | "by"
            | "if"
            | "then"
            | "else"
            | "when"
            | "true"
            | "false"
    )
}

/// What to write instead of an operator from another language, and why.
pub(crate) fn bad_operator_hint(written: &str) -> (&'static str, &'static str) {
    match written {
        "&&" => ("and", "(the rule language spells its logic in words)"),
        "||" => ("or", "(the rule language spells its logic in words)"),
        "=" => (
            "==",
            "to compare; `=` only gives a value in `let` and `param`",
        ),
        "<>" | "≠" => ("!=", "for \"not equal\""),
        "≤" => ("<=", "(the rule language uses ASCII operators)"),
        "≥" => (">=", "(the rule language uses ASCII operators)"),
        "×" => ("*", "to multiply"),
        _ => ("/", "to divide"),
    }
}
