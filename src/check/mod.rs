//! The checker: syntax trees of a rule set → a typed, resolved [`ir::RuleSet`].
//!
//! It runs before any profile is read, like a compiler: names, fields (against the
//! profile schema), types and units, templates, required clauses, cycles between
//! facts and lets, and lints. Every problem is collected; a rule set with errors
//! yields no `RuleSet`.

pub mod error;
mod expr;
mod graph;
pub mod ir;
mod rule;
pub mod types;
pub mod walk;

use crate::fasthash::{FastMap, FastSet};
use std::path::Path;

use crate::source::{SourceFile, Span};
use crate::syntax::{self, SyntaxError, ast};
pub use error::{CheckCode, CheckError};
use ir::{FileId, LetId, Lit, Loc, ParamDecl, RuleSet, TableDecl};
use types::Type;

/// Everything `check` found: the rule set when there was no error, and every
/// diagnostic (errors and warnings) in file order.
#[derive(Debug)]
pub struct Checked {
    /// The rule set, unless an error was found.
    pub rule_set: Option<RuleSet>,
    /// Errors and warnings.
    pub diagnostics: Vec<CheckError>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.code.is_warning())
    }
}

/// A problem with a rule set: it could not be read, parsed or checked.
#[derive(Debug)]
pub enum RuleSetProblem {
    /// Syntax errors, per file.
    Syntax(Vec<SyntaxError>),
    /// Check errors and warnings.
    Check(Vec<CheckError>),
}

/// Reads every `.rules` file of `dir` (sorted by name, not recursive), parses and
/// checks them. Syntax errors of all files are reported together; checking runs
/// only when every file parsed.
pub fn check_dir(dir: &Path) -> Result<Checked, RuleSetProblem> {
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rules"))
            .collect(),
        Err(e) => {
            return Err(io_problem(
                dir,
                format!("cannot read rule folder `{}`: {e}", dir.display()),
                "pass a folder that holds `.rules` files with `--rules DIR`",
            ));
        }
    };
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).map_err(|e| {
            io_problem(
                &path,
                format!("cannot read rule file `{}`: {e}", path.display()),
                "check that the file exists and may be read",
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            io_problem(
                &path,
                format!(
                    "rule file `{}` is not UTF-8 (invalid byte at offset {})",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ),
                "save the file as UTF-8",
            )
        })?;
        sources.push(SourceFile::new(path.display().to_string(), text));
    }
    if sources.is_empty() {
        return Err(io_problem(
            dir,
            format!("no `.rules` file in `{}`", dir.display()),
            "a rule set is a folder of `.rules` files",
        ));
    }
    check_sources(sources)
}

/// A rule folder or file that cannot be read, as a diagnostic about that path.
fn io_problem(path: &Path, message: String, help: &str) -> RuleSetProblem {
    RuleSetProblem::Check(vec![io_error(path, message, help)])
}

/// A rule file or folder that cannot be read or written (`rules::io`), as a
/// diagnostic about that path.
pub fn io_error(path: &Path, message: String, help: &str) -> CheckError {
    let src = SourceFile::new(path.display().to_string(), "");
    CheckError::new(CheckCode::Io, &src, Span::point(0), message, "here").help(help)
}

/// Parses and checks rule files given as text.
pub fn check_sources(sources: Vec<SourceFile>) -> Result<Checked, RuleSetProblem> {
    let mut files = Vec::with_capacity(sources.len());
    let mut syntax_errors = Vec::new();
    for source in &sources {
        match syntax::parse_file(source) {
            Ok(file) => files.push(file),
            Err(errors) => syntax_errors.extend(errors),
        }
    }
    if !syntax_errors.is_empty() {
        return Err(RuleSetProblem::Syntax(syntax_errors));
    }
    Ok(check(sources, files))
}

/// Checks parsed files (`files[i]` parsed from `sources[i]`). The files are consumed:
/// each rule's syntax tree is freed as soon as its checked form is built.
pub fn check(sources: Vec<SourceFile>, files: Vec<ast::File>) -> Checked {
    let mut checker = Checker::new(sources);
    checker.declare(&files);
    checker.check_params(&files);
    checker.check_tables(&files);
    checker.check_lets(&files);
    checker.check_rules(files);
    checker.finish()
}

/// A global name and what it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Global {
    Param(usize),
    Let(usize),
    Table(usize),
    Fact(usize),
}

/// The state of a global let's type while checking (lets are typed on first use, so
/// they may be declared in any order and in any file).
#[derive(Clone, Debug)]
enum LetState {
    Pending,
    InProgress,
    Done(Type),
}

/// Who is reading a global: dependency edges for cycles and the unused lints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Owner {
    Let(LetId),
    Rule(usize),
}

/// The checker's state across all files.
struct Checker {
    sources: Vec<SourceFile>,
    errors: Vec<CheckError>,
    globals: FastMap<String, (Global, Loc)>,
    params: Vec<ParamDecl>,
    tables: Vec<TableDecl>,
    /// Global lets: name, declaration (file, index in file items), state, checked IR.
    lets: Vec<LetSlot>,
    facts: Vec<(String, usize)>,
    /// Edges: owner → lets and facts it reads.
    deps: FastMap<Owner, Vec<Global>>,
    /// Globals read by anything (for unused lints).
    used: FastSet<Global>,
    /// Rules by declaration index; `None` where a rule had errors.
    rules: Vec<Option<ir::RuleDecl>>,
    /// Rule ids, for suppress checks and duplicates: id → (rule index in `rules`, loc).
    rule_ids: FastMap<String, Loc>,
    /// Global lets being typed, outermost first: a cycle among lets is named from it.
    let_stack: Vec<LetId>,
}

struct LetSlot {
    name: String,
    loc: Loc,
    file: FileId,
    item: usize,
    state: LetState,
    expr: Option<ir::Expr>,
    frame_size: usize,
}

impl Checker {
    fn new(sources: Vec<SourceFile>) -> Self {
        Checker {
            sources,
            errors: Vec::new(),
            globals: FastMap::default(),
            params: Vec::new(),
            tables: Vec::new(),
            lets: Vec::new(),
            facts: Vec::new(),
            deps: FastMap::default(),
            used: FastSet::default(),
            rules: Vec::new(),
            rule_ids: FastMap::default(),
            let_stack: Vec::new(),
        }
    }

    fn src(&self, file: FileId) -> &SourceFile {
        // INVARIANT: FileIds are indices of `sources`, made in `declare`.
        &self.sources[file]
    }

    fn error(&mut self, e: CheckError) {
        self.errors.push(e);
    }

    /// Names reserved for the profile's collections.
    fn is_builtin_name(name: &str) -> bool {
        matches!(name, "products" | "platforms" | "business")
    }

    /// First pass: every global name (params, lets, tables, facts) and rule id, so
    /// that uses may come before declarations and duplicates are found.
    fn declare(&mut self, files: &[ast::File]) {
        for (file, ast) in files.iter().enumerate() {
            for (index, item) in ast.items.iter().enumerate() {
                match item {
                    ast::Item::Param(p) => {
                        let id = self.params.len();
                        let loc = Loc { file, span: p.span };
                        // Placeholder until `check_params` types the default.
                        self.params.push(ParamDecl {
                            name: p.kind.name.kind.to_string(),
                            ty: Type::Error,
                            default: Lit::Bool(false),
                            doc: p.kind.doc.as_ref().map(|d| d.kind.clone()),
                            loc,
                        });
                        self.define(&p.kind.name, Global::Param(id), file);
                    }
                    ast::Item::Let(l) => {
                        let id = self.lets.len();
                        self.lets.push(LetSlot {
                            name: l.kind.name.kind.to_string(),
                            loc: Loc { file, span: l.span },
                            file,
                            item: index,
                            state: LetState::Pending,
                            expr: None,
                            frame_size: 0,
                        });
                        self.define(&l.kind.name, Global::Let(id), file);
                    }
                    ast::Item::Table(t) => {
                        let id = self.tables.len();
                        self.tables.push(TableDecl {
                            name: t.kind.name.kind.to_string(),
                            value_ty: Type::Error,
                            rows: Vec::new(),
                            default: None,
                            loc: Loc { file, span: t.span },
                        });
                        self.define(&t.kind.name, Global::Table(id), file);
                    }
                    ast::Item::Rule(r) => {
                        let id = &r.kind.id;
                        let loc = Loc {
                            file,
                            span: id.span,
                        };
                        if let Some(prev) = self.rule_ids.get(id.kind.as_str()).copied() {
                            let e = self.duplicate("rule", id, file, prev);
                            self.error(e);
                        } else {
                            self.rule_ids.insert(id.kind.to_string(), loc);
                        }
                        for clause in &r.kind.clauses {
                            if let ast::Clause::Conclude(fact) = &clause.kind {
                                let fid = self.facts.len();
                                self.facts.push((fact.kind.to_string(), usize::MAX));
                                self.define(fact, Global::Fact(fid), file);
                            }
                        }
                    }
                }
            }
        }
    }

    fn define(&mut self, name: &ast::Ident, global: Global, file: FileId) {
        let loc = Loc {
            file,
            span: name.span,
        };
        if Self::is_builtin_name(&name.kind) {
            let e = CheckError::new(
                CheckCode::Duplicate,
                self.src(file),
                name.span,
                format!(
                    "`{}` is the profile's own name and cannot be declared",
                    name.kind
                ),
                "already means the profile's data",
            )
            .help("choose another name");
            self.error(e);
            return;
        }
        if let Some((_, prev)) = self.globals.get(name.kind.as_str()).copied() {
            let what = match global {
                Global::Param(_) => "param",
                Global::Let(_) => "let",
                Global::Table(_) => "table",
                Global::Fact(_) => "fact",
            };
            let e = self.duplicate(what, name, file, prev);
            self.error(e);
            return;
        }
        self.globals.insert(name.kind.to_string(), (global, loc));
    }

    fn duplicate(&self, what: &str, name: &ast::Ident, file: FileId, prev: Loc) -> CheckError {
        let mut e = CheckError::new(
            CheckCode::Duplicate,
            self.src(file),
            name.span,
            format!("`{}` is declared twice", name.kind),
            format!("second {what} named `{}`", name.kind),
        );
        if prev.file == file {
            e = e.also(prev.span, "first declared here");
            e.help("rename one of them; names are shared by every file of the rule set")
        } else {
            let (line, _) = self.src(prev.file).line_col(prev.span.start);
            e.help(format!(
                "it is first declared in `{}` at line {line}; names are shared by every file of the rule set",
                self.src(prev.file).name()
            ))
        }
    }

    fn check_params(&mut self, files: &[ast::File]) {
        let mut id = 0;
        for (file, ast) in files.iter().enumerate() {
            for item in &ast.items {
                let ast::Item::Param(p) = item else { continue };
                let ty = self.type_expr(&p.kind.ty, file, false);
                let default = self.literal(&p.kind.default, &ty, file);
                if default.is_some() {
                    self.default_in_range(p, &ty, file);
                }
                if p.kind.doc.is_none() {
                    let e = CheckError::new(
                        CheckCode::UndocumentedParam,
                        self.src(file),
                        p.kind.name.span,
                        format!("param `{}` has no description", p.kind.name.kind),
                        "add a description after the default",
                    )
                    .help("consultants tuning this param per client read the description in `pitfall rule`");
                    self.error(e);
                }
                if let Some(slot) = self.params.get_mut(id) {
                    slot.ty = ty;
                    slot.default = default.unwrap_or(Lit::Bool(false));
                }
                id += 1;
            }
        }
    }

    /// A default must be a value the profile's `params:` and `--param` accept (a
    /// percent between 0% and 100%, an amount that is not negative, a whole count):
    /// the same judgement, so a consultant can always set back what the rule set
    /// ships with, and evaluation never meets a default no override could give.
    fn default_in_range(&mut self, p: &ast::Node<ast::Param>, ty: &Type, file: FileId) {
        let span = p.kind.default.span;
        let text = self.src(file).slice(span).to_owned();
        let kind = crate::eval::params::kind_of(ty);
        if let Some(help) = kind.problem(&text) {
            let e = CheckError::new(
                CheckCode::ParamDefault,
                self.src(file),
                span,
                format!(
                    "the default of param `{}` is not a value a profile or `--param` could give",
                    p.kind.name.kind
                ),
                format!("expected {}", kind.expected_of(&text)),
            )
            .help(help);
            self.error(e);
        }
    }

    fn check_tables(&mut self, files: &[ast::File]) {
        let mut id = 0;
        for (file, ast) in files.iter().enumerate() {
            for item in &ast.items {
                let ast::Item::Table(t) = item else { continue };
                let key_ty = self.type_expr(&t.kind.key_ty, file, false);
                if !matches!(key_ty, Type::Text | Type::Error) {
                    let e = CheckError::new(
                        CheckCode::TableKey,
                        self.src(file),
                        t.kind.key_ty.span,
                        format!("table keys must be text, not {key_ty}"),
                        "key type",
                    )
                    .help(
                        "tables look up platform names, categories and other words: write `text`",
                    );
                    self.error(e);
                }
                let value_ty = self.type_expr(&t.kind.value_ty, file, true);
                let mut rows = Vec::new();
                let mut seen: FastMap<String, Span> = FastMap::default();
                for row in &t.kind.rows {
                    let key = self.literal(&row.kind.key, &Type::Text, file);
                    let value = self.literal(&row.kind.value, &value_ty, file);
                    if let (Some(Lit::Text(k)), Some(v)) = (key, value) {
                        let folded = k.to_ascii_lowercase();
                        if let Some(prev) = seen.get(&folded) {
                            let e = CheckError::new(
                                CheckCode::TableKey,
                                self.src(file),
                                row.kind.key.span,
                                format!("key `{k}` appears twice in table `{}`", t.kind.name.kind),
                                "second row",
                            )
                            .also(*prev, "first row")
                            .help("keys match without regard to case; merge the two rows");
                            self.error(e);
                        } else {
                            seen.insert(folded, row.kind.key.span);
                            rows.push((k, v));
                        }
                    }
                }
                let default = t
                    .kind
                    .default
                    .as_ref()
                    .and_then(|d| self.literal(d, &value_ty, file));
                if let Some(slot) = self.tables.get_mut(id) {
                    slot.value_ty = value_ty;
                    slot.rows = rows;
                    slot.default = default;
                }
                id += 1;
            }
        }
    }

    fn check_lets(&mut self, files: &[ast::File]) {
        for id in 0..self.lets.len() {
            self.let_type(id, files, None);
        }
    }

    /// The type of global let `id`, checking it on first use. A let met again while
    /// its own value is being checked is a cycle.
    fn let_type(
        &mut self,
        id: LetId,
        files: &[ast::File],
        used_at: Option<(FileId, Span)>,
    ) -> Type {
        let state = self.lets.get(id).map(|l| l.state.clone());
        match state {
            Some(LetState::Done(t)) => t,
            Some(LetState::InProgress) => {
                let (name, loc) = match self.lets.get(id) {
                    Some(l) => (l.name.clone(), l.loc),
                    None => return Type::Error,
                };
                let (file, span) = used_at.unwrap_or((loc.file, loc.span));
                let circle: Vec<String> = self
                    .let_stack
                    .iter()
                    .skip_while(|l| **l != id)
                    .filter_map(|l| self.lets.get(*l).map(|x| format!("`{}`", x.name)))
                    .collect();
                let message = if circle.len() > 1 {
                    format!(
                        "lets depend on each other in a circle: {} → `{name}`",
                        circle.join(" → ")
                    )
                } else {
                    format!("let `{name}` depends on itself")
                };
                let e = CheckError::new(
                    CheckCode::Cycle,
                    self.src(file),
                    span,
                    message,
                    format!("`{name}` is read here while its own value is being computed"),
                )
                .help("a let cannot be computed from itself, directly or through other lets");
                self.error(e);
                Type::Error
            }
            Some(LetState::Pending) => {
                let (file, item) = match self.lets.get_mut(id) {
                    Some(l) => {
                        l.state = LetState::InProgress;
                        (l.file, l.item)
                    }
                    None => return Type::Error,
                };
                let Some(ast::Item::Let(decl)) = files.get(file).and_then(|f| f.items.get(item))
                else {
                    return Type::Error;
                };
                let mut scope = expr::Scope::new(file, Owner::Let(id));
                self.let_stack.push(id);
                let value = self.expr(&decl.kind.value, &mut scope, files, None);
                self.let_stack.pop();
                let ty = match &decl.kind.ty {
                    Some(want) => {
                        let want = self.type_expr(want, file, true);
                        self.expect_type(&value, &want, file, "this let's declared type");
                        want
                    }
                    None => value.ty.clone(),
                };
                if let Some(l) = self.lets.get_mut(id) {
                    l.state = LetState::Done(ty.clone());
                    l.expr = Some(value);
                    l.frame_size = scope.frame_size;
                }
                ty
            }
            None => Type::Error,
        }
    }

    /// A type as written. `lists` says whether `list<...>` is allowed here.
    fn type_expr(&mut self, t: &ast::Node<ast::TypeExpr>, file: FileId, lists: bool) -> Type {
        match &t.kind {
            ast::TypeExpr::Money => Type::Money,
            ast::TypeExpr::Percent => Type::Percent,
            ast::TypeExpr::Number => Type::Number,
            ast::TypeExpr::Count => Type::Count,
            ast::TypeExpr::Text => Type::Text,
            ast::TypeExpr::Bool => Type::Bool,
            ast::TypeExpr::List(inner) => {
                if !lists {
                    let e = CheckError::new(
                        CheckCode::TypeMismatch,
                        self.src(file),
                        t.span,
                        "a list type is not allowed here",
                        "list type",
                    )
                    .help("params and table keys hold single values");
                    self.error(e);
                    return Type::Error;
                }
                Type::List(Box::new(self.type_expr(inner, file, false)))
            }
        }
    }

    /// A literal of type `want` (param defaults, table rows).
    fn literal(&mut self, e: &ast::Node<ast::Expr>, want: &Type, file: FileId) -> Option<Lit> {
        use ast::Expr as E;
        let bad = |this: &mut Self, found: &str, help: Option<String>| {
            let e = CheckError::new(
                CheckCode::TypeMismatch,
                this.src(file),
                e.span,
                format!("expected a {want} value, found {found}"),
                format!("expected {want}"),
            )
            .maybe_help(help.or_else(|| literal_example(want)));
            this.error(e);
            None
        };
        match (&e.kind, want) {
            (_, Type::Error) => None,
            (E::Number(n), Type::Money | Type::Number) => Some(Lit::Num(decimal(n)?)),
            (E::Number(n), Type::Count) => {
                let d = decimal(n)?;
                if d.fract().is_zero() {
                    Some(Lit::Num(d))
                } else {
                    bad(
                        self,
                        "a fraction",
                        Some("a count is a whole number".to_owned()),
                    )
                }
            }
            (E::Number(n), Type::Percent) => {
                let e = CheckError::new(
                    CheckCode::PercentLiteral,
                    self.src(file),
                    e.span,
                    format!("`{n}` is a plain number where a percent is expected"),
                    "write it with `%`",
                )
                .help(percent_help(n));
                self.error(e);
                None
            }
            (E::Percent(n), Type::Percent) => Some(Lit::Num(decimal(n)?)),
            (E::Unary { op, operand }, Type::Money | Type::Number | Type::Percent)
                if op.kind == ast::UnOp::Neg =>
            {
                match self.literal(operand, want, file)? {
                    Lit::Num(d) => Some(Lit::Num(-d)),
                    _ => None,
                }
            }
            (E::Text(s), Type::Text) => Some(Lit::Text(s.clone())),
            (E::Bool(b), Type::Bool) => Some(Lit::Bool(*b)),
            (E::List(items), Type::List(inner)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.literal(item, inner, file)?);
                }
                Some(Lit::List(out))
            }
            (E::Percent(_), _) => bad(self, "a percent", None),
            (E::Number(_), _) => bad(self, "a number", None),
            (E::Text(_), _) => bad(
                self,
                "text",
                matches!(want, Type::List(_))
                    .then(|| "write a list as `[\"a\", \"b\"]`".to_owned()),
            ),
            (E::Bool(_), _) => bad(self, "`true` or `false`", None),
            (E::List(_), _) => bad(self, "a list", None),
            _ => bad(
                self,
                "an expression",
                Some("declarations take literal values; compute values in a `let`".to_owned()),
            ),
        }
    }

    /// Checks every rule, consuming the files. By now every global let is typed
    /// (`check_lets`), so a rule's body never needs another declaration's syntax:
    /// each rule's tree is dropped once its checked form is built, and the memory it
    /// frees is reused for the next rule's. (Keeping every tree until the end held
    /// two copies of a large rule set at once; on ten thousand rules the page faults
    /// and cold frees of that second copy were a fifth of the check's time.)
    fn check_rules(&mut self, files: Vec<ast::File>) {
        for (file, ast) in files.into_iter().enumerate() {
            for item in ast.items {
                if let ast::Item::Rule(mut r) = item {
                    let index = self.rules.len();
                    let decl = self.rule(&mut r, file, index, &[]);
                    self.rules.push(decl);
                }
            }
        }
    }

    /// Expects `e` to fit `want`, reporting a mismatch.
    fn expect_type(&mut self, e: &ir::Expr, want: &Type, file: FileId, what: &str) {
        if !e.ty.fits(want) {
            let mut err = CheckError::new(
                CheckCode::TypeMismatch,
                self.src(file),
                e.span,
                format!("expected {want} for {what}, found {}", e.ty),
                format!("this is {}", e.ty),
            );
            if *want == Type::Percent && e.ty.is_unitless() {
                err = err.help("percents are written with `%`, e.g. `10%`");
            } else if *want == Type::Bool {
                err = err.help("a condition is true or false: compare the value, e.g. `net < 0`");
            }
            self.error(err);
        }
    }

    fn finish(mut self) -> Checked {
        self.lints();
        let order = graph::order(&mut self);
        let has_errors = self.errors.iter().any(|e| !e.code.is_warning());
        let mut diagnostics = std::mem::take(&mut self.errors);
        // Diagnostics in file order, then position: the order a reader scans the files.
        let names: Vec<String> = self.sources.iter().map(|s| s.name().to_owned()).collect();
        diagnostics.sort_by(|a, b| {
            let fa = names.iter().position(|n| n == a.src.name());
            let fb = names.iter().position(|n| n == b.src.name());
            (fa, a.span.start, a.code.is_warning()).cmp(&(fb, b.span.start, b.code.is_warning()))
        });
        if has_errors {
            return Checked {
                rule_set: None,
                diagnostics,
            };
        }
        let mut rules = self.rules;
        let rules: Vec<ir::RuleDecl> = order
            .into_iter()
            .filter_map(|i| rules.get_mut(i).and_then(Option::take))
            .collect();
        // Facts point at rules by their evaluation index.
        let facts = self
            .facts
            .iter()
            .enumerate()
            .map(|(id, (name, _))| ir::FactDecl {
                name: name.clone(),
                rule: rules
                    .iter()
                    .position(|r| r.concludes.contains(&id))
                    .unwrap_or(usize::MAX),
            })
            .collect();
        let lets = self
            .lets
            .into_iter()
            .map(|l| ir::LetDecl {
                name: l.name,
                expr: l.expr.unwrap_or(ir::Expr {
                    kind: ir::ExprKind::Lit(Lit::Bool(false)),
                    ty: Type::Error,
                    span: l.loc.span,
                }),
                frame_size: l.frame_size,
                loc: l.loc,
            })
            .collect();
        Checked {
            rule_set: Some(RuleSet {
                files: self.sources,
                params: self.params,
                lets,
                tables: self.tables,
                facts,
                rules,
                memo: std::sync::OnceLock::new(),
            }),
            diagnostics,
        }
    }

    /// Unused params and lets.
    fn lints(&mut self) {
        let params = self.params.iter().enumerate().map(|(id, p)| {
            let help = "remove it, or use it in a rule; profiles may still set it, to no effect";
            (
                Global::Param(id),
                &p.name,
                p.loc.file,
                CheckCode::UnusedParam,
                "param",
                help,
            )
        });
        let lets = self.lets.iter().enumerate().map(|(id, l)| {
            let help = "remove it, or use it in a rule";
            (
                Global::Let(id),
                &l.name,
                l.file,
                CheckCode::UnusedLet,
                "let",
                help,
            )
        });
        let mut unused = Vec::new();
        for (global, name, file, code, what, help) in params.chain(lets) {
            // A declaration whose name was taken (a duplicate) already has its error;
            // "never read" would point at the other declaration.
            let Some((owner, loc)) = self.globals.get(name) else {
                continue;
            };
            if *owner == global && !self.used.contains(&global) {
                unused.push(
                    CheckError::new(
                        code,
                        &self.sources[file],
                        loc.span,
                        format!("{what} `{name}` is never read"),
                        "declared here",
                    )
                    .help(help),
                );
            }
        }
        self.errors.extend(unused);
    }
}

/// How to write a literal of type `want`, for a declaration given the wrong kind.
fn literal_example(want: &Type) -> Option<String> {
    let example = match want {
        Type::Money => "write an amount as a plain number, e.g. `50000`",
        Type::Percent => "write a percent with `%`, e.g. `10%`",
        Type::Number => "write a number, e.g. `1.5`",
        Type::Count => "write a whole number, e.g. `2`",
        Type::Text => "write text in double quotes, e.g. `\"Tmall\"`",
        Type::Bool => "write `true` or `false`",
        Type::List(_) => "write a list in brackets, e.g. `[\"apparel\", \"food\"]`",
        _ => return None,
    };
    Some(example.to_owned())
}

/// Parses a literal's digits (underscores allowed as separators).
fn decimal(text: &str) -> Option<rust_decimal::Decimal> {
    // Most literals have no separator: no copy for them.
    if !text.contains('_') {
        return crate::money::parse_decimal(text).ok();
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    crate::money::parse_decimal(&clean).ok()
}

/// "write `10%`" for a number written where a percent belongs: `0.1` most likely
/// meant 10%, `10` meant 10%.
fn percent_help(n: &str) -> String {
    match decimal(n) {
        Some(d) if d < rust_decimal::Decimal::ONE && !d.is_zero() => {
            match d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED) {
                Some(pct) => format!(
                    "write `{}%` (a percent is written with `%`, not as a fraction)",
                    pct.normalize()
                ),
                None => format!("write `{n}%`"),
            }
        }
        _ => format!("write `{n}%`"),
    }
}
