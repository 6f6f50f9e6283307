//! Typing expressions: resolve every name, field and operator, check units.

use super::error::did_you_mean;
use super::ir::{Builtin, Cmp, Expr, ExprKind, FileId, Lit, SourceIr};
use super::types::{self, Type};
use super::{CheckCode, CheckError, Checker, Global, Owner, percent_help};
use crate::profile::schema::{self, FieldKind};
use crate::source::Span;
use crate::syntax::ast::{self, AggKind, BinOp, UnOp};

/// A name bound in a rule: a binding variable, a local let, an aggregate variable.
#[derive(Debug)]
struct Local {
    /// Short names, kept inline: a scope is built for every rule.
    name: compact_str::CompactString,
    slot: usize,
    ty: Type,
}

/// Names in scope while checking one expression's owner (a rule or a global let).
#[derive(Debug)]
pub(super) struct Scope {
    pub file: FileId,
    pub owner: Owner,
    locals: Vec<Local>,
    next_slot: usize,
    /// Slots needed by the largest frame seen.
    pub frame_size: usize,
    /// Local slots read so far (for the unused-let lint): a bit per slot for the
    /// first 64 (frames are small; a set would cost an allocation and a hash per
    /// rule), a list for any beyond.
    used_low: u64,
    used_high: Vec<usize>,
    /// Whether anything read depends on the profile or params (for the
    /// constant-condition lint); reset by the caller around the condition.
    pub reads_data: bool,
}

impl Scope {
    pub fn new(file: FileId, owner: Owner) -> Self {
        Scope {
            file,
            owner,
            locals: Vec::new(),
            next_slot: 0,
            frame_size: 0,
            used_low: 0,
            used_high: Vec::new(),
            reads_data: false,
        }
    }

    /// Binds `name` to a new slot and returns it.
    pub fn push(&mut self, name: &str, ty: Type) -> usize {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.frame_size = self.frame_size.max(self.next_slot);
        self.locals.push(Local {
            name: name.into(),
            slot,
            ty,
        });
        slot
    }

    /// Records that `slot` is read.
    fn mark_used(&mut self, slot: usize) {
        match u32::try_from(slot).ok().and_then(|s| 1u64.checked_shl(s)) {
            Some(bit) => self.used_low |= bit,
            None => self.used_high.push(slot),
        }
    }

    /// Whether `slot` has been read.
    pub fn is_used(&self, slot: usize) -> bool {
        match u32::try_from(slot).ok().and_then(|s| 1u64.checked_shl(s)) {
            Some(bit) => self.used_low & bit != 0,
            None => self.used_high.contains(&slot),
        }
    }

    /// Unbinds the most recent name (slots are reused after an aggregate ends).
    pub fn pop(&mut self) {
        if self.locals.pop().is_some() {
            self.next_slot -= 1;
        }
    }

    fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().map(|l| l.name.as_str())
    }
}

fn mk(kind: ExprKind, ty: Type, span: Span) -> Expr {
    Expr { kind, ty, span }
}

fn error_expr(span: Span) -> Expr {
    mk(ExprKind::Lit(Lit::Bool(false)), Type::Error, span)
}

/// Whether `e` is a bare number literal (possibly negated or parenthesised), which
/// takes the unit of the money beside it.
fn is_number_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(Lit::Num(_)) => e.ty == Type::Number,
        ExprKind::Neg(inner) | ExprKind::Paren(inner) => is_number_literal(inner),
        _ => false,
    }
}

/// Gives a number literal the type `ty` (money).
fn retype_literal(e: &mut Expr, ty: &Type) {
    e.ty = ty.clone();
    if let ExprKind::Neg(inner) | ExprKind::Paren(inner) = &mut e.kind {
        retype_literal(inner, ty);
    }
}

/// The language type of a profile field.
pub(super) fn field_type(kind: FieldKind) -> Type {
    match kind {
        FieldKind::Money => Type::Money,
        FieldKind::Percent => Type::Percent,
        FieldKind::Count => Type::Count,
        FieldKind::Bool => Type::Bool,
        FieldKind::Text | FieldKind::Date => Type::Text,
        FieldKind::Enum(words) => Type::Enum(words),
        FieldKind::TextList => Type::List(Box::new(Type::Text)),
        FieldKind::EnumList(words) => Type::List(Box::new(Type::Enum(words))),
        FieldKind::Record(r) => Type::Record(r),
    }
}

impl Checker {
    fn src_of(&self, scope: &Scope) -> crate::source::SourceFile {
        self.src(scope.file).clone()
    }

    fn read_global(&mut self, scope: &mut Scope, g: Global) {
        self.used.insert(g);
        scope.reads_data = true;
        // A handful of globals per owner: a list without repeats beats a set.
        let deps = self.deps.entry(scope.owner).or_default();
        if !deps.contains(&g) {
            deps.push(g);
        }
    }

    /// Types `e`. `want` is the type the context expects, used only to resolve bare
    /// enum words (`status == live`) and number literals; mismatches are reported by
    /// the caller.
    pub(super) fn expr(
        &mut self,
        e: &ast::Node<ast::Expr>,
        scope: &mut Scope,
        files: &[ast::File],
        want: Option<&Type>,
    ) -> Expr {
        use ast::Expr as E;
        let span = e.span;
        match &e.kind {
            E::Number(n) => match super::decimal(n) {
                Some(d) => mk(ExprKind::Lit(Lit::Num(d)), Type::Number, span),
                None => {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        span,
                        format!("`{n}` is too large a number"),
                        "here",
                    );
                    self.error(err);
                    error_expr(span)
                }
            },
            E::Percent(n) => match super::decimal(n) {
                Some(d) => mk(ExprKind::Lit(Lit::Num(d)), Type::Percent, span),
                None => error_expr(span),
            },
            E::Text(s) => mk(ExprKind::Lit(Lit::Text(s.clone())), Type::Text, span),
            E::Bool(b) => mk(ExprKind::Lit(Lit::Bool(*b)), Type::Bool, span),
            E::List(items) => self.list_literal(items, span, scope, files, want),
            E::Name(name) => self.name(name, span, scope, files, want),
            E::Field { base, field } => self.field(base, field, span, scope, files),
            E::Index { base, key } => self.index(base, key, span, scope, files),
            E::Unary { op, operand } => self.unary(op, operand, span, scope, files),
            E::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs, span, scope, files),
            E::Aggregate {
                kind,
                body,
                binding,
                filter,
            } => self.aggregate(kind, body, binding, filter.as_deref(), span, scope, files),
            E::Call { name, args } => self.call(name, args, span, scope, files),
            E::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond, scope, files, Some(&Type::Bool));
                self.expect_type(&c, &Type::Bool, scope.file, "the condition of `if`");
                let mut a = self.expr(then, scope, files, want);
                let mut b = self.expr(otherwise, scope, files, Some(&a.ty).or(want));
                // `if x then price else 0`: the literal branch takes money's unit.
                if a.ty == Type::Money && is_number_literal(&b) {
                    retype_literal(&mut b, &Type::Money);
                } else if b.ty == Type::Money && is_number_literal(&a) {
                    retype_literal(&mut a, &Type::Money);
                }
                let ty = if a.ty.fits(&b.ty) {
                    b.ty.clone()
                } else if b.ty.fits(&a.ty) {
                    a.ty.clone()
                } else {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        b.span,
                        format!(
                            "the branches of `if` differ: {} after `then`, {} after `else`",
                            a.ty, b.ty
                        ),
                        format!("this is {}", b.ty),
                    )
                    .also(a.span, format!("this is {}", a.ty))
                    .help("both branches must give the same kind of value");
                    self.error(err);
                    Type::Error
                };
                mk(
                    ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    ty,
                    span,
                )
            }
            E::Paren(inner) => {
                let i = self.expr(inner, scope, files, want);
                let ty = i.ty.clone();
                mk(ExprKind::Paren(Box::new(i)), ty, span)
            }
        }
    }

    fn list_literal(
        &mut self,
        items: &[ast::Node<ast::Expr>],
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
        want: Option<&Type>,
    ) -> Expr {
        let elem_want = match want {
            Some(Type::List(t)) => Some((**t).clone()),
            _ => None,
        };
        let mut out: Vec<Expr> = Vec::with_capacity(items.len());
        let mut elem: Option<Type> = elem_want.clone();
        for item in items {
            let x = self.expr(item, scope, files, elem.as_ref());
            match &elem {
                Some(t) if !x.ty.fits(t) && !t.fits(&x.ty) => {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        x.span,
                        format!("list elements differ: expected {t}, found {}", x.ty),
                        format!("this is {}", x.ty),
                    )
                    .help("a list holds values of one type");
                    self.error(err);
                }
                None => elem = Some(x.ty.clone()),
                _ => {}
            }
            out.push(x);
        }
        let elem = elem.unwrap_or(Type::Text);
        // A list of constants is itself a constant: the evaluator then borrows it
        // instead of building it for every binding.
        if out.iter().all(|x| matches!(x.kind, ExprKind::Lit(_))) {
            let lits = out
                .into_iter()
                .filter_map(|x| match x.kind {
                    ExprKind::Lit(l) => Some(l),
                    _ => None,
                })
                .collect();
            return mk(
                ExprKind::Lit(Lit::List(lits)),
                Type::List(Box::new(elem)),
                span,
            );
        }
        mk(ExprKind::List(out), Type::List(Box::new(elem)), span)
    }

    fn name(
        &mut self,
        name: &str,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
        want: Option<&Type>,
    ) -> Expr {
        if let Some(local) = scope.lookup(name) {
            let (slot, ty) = (local.slot, local.ty.clone());
            scope.mark_used(slot);
            scope.reads_data = true;
            return mk(ExprKind::Local(slot), ty, span);
        }
        // A bare word where an enum is expected: `status == live`.
        let enum_words = match want {
            Some(Type::Enum(words)) => Some(*words),
            Some(Type::List(inner)) => match **inner {
                Type::Enum(words) => Some(words),
                _ => None,
            },
            _ => None,
        };
        if let Some(words) = enum_words
            && let Some(word) = words.iter().find(|w| **w == name)
        {
            return mk(ExprKind::Lit(Lit::Word(word)), Type::Enum(words), span);
        }
        match name {
            "products" => {
                scope.reads_data = true;
                return mk(
                    ExprKind::Products,
                    Type::List(Box::new(Type::Product)),
                    span,
                );
            }
            "platforms" => {
                scope.reads_data = true;
                return mk(
                    ExprKind::Platforms,
                    Type::List(Box::new(Type::Platform)),
                    span,
                );
            }
            "business" => {
                scope.reads_data = true;
                return mk(ExprKind::Business, Type::Record(&schema::BUSINESS), span);
            }
            _ => {}
        }
        match self.globals.get(name).map(|(g, _)| *g) {
            Some(g @ Global::Param(id)) => {
                self.read_global(scope, g);
                let ty = self.params.get(id).map_or(Type::Error, |p| p.ty.clone());
                mk(ExprKind::Param(id), ty, span)
            }
            Some(g @ Global::Let(id)) => {
                self.read_global(scope, g);
                let ty = self.let_type(id, files, Some((scope.file, span)));
                mk(ExprKind::Let(id), ty, span)
            }
            Some(g @ Global::Fact(id)) => {
                self.read_global(scope, g);
                mk(ExprKind::Fact(id), Type::Bool, span)
            }
            Some(g @ Global::Table(_)) => {
                self.read_global(scope, g);
                let err = CheckError::new(
                    CheckCode::TypeMismatch,
                    &self.src_of(scope),
                    span,
                    format!("table `{name}` is used without a key"),
                    "a table",
                )
                .help(format!("look a value up with `{name}[key]`"));
                self.error(err);
                error_expr(span)
            }
            None => {
                let err = if let Some(words) = enum_words {
                    CheckError::new(
                        CheckCode::UnknownWord,
                        &self.src_of(scope),
                        span,
                        format!("`{name}` is not one of the words this value can take"),
                        "unknown word",
                    )
                    .help(
                        did_you_mean(name, words.iter().copied())
                            .unwrap_or_else(|| format!("the words are: {}", words.join(", "))),
                    )
                } else {
                    let candidates: Vec<String> = scope
                        .names()
                        .map(str::to_owned)
                        .chain(self.globals.keys().cloned())
                        .chain(["products", "platforms", "business"].map(String::from))
                        .collect();
                    CheckError::new(
                        CheckCode::UnknownName,
                        &self.src_of(scope),
                        span,
                        format!("unknown name `{name}`"),
                        "not declared",
                    )
                    .help(
                        did_you_mean(name, candidates.iter().map(String::as_str)).unwrap_or_else(
                            || {
                                "declare it with `let` or `param`, or bind it with `for ... in ...`"
                                    .to_owned()
                            },
                        ),
                    )
                };
                self.error(err);
                error_expr(span)
            }
        }
    }

    /// Whether a bare name means something without context.
    fn resolves(&self, name: &str, scope: &Scope) -> bool {
        scope.lookup(name).is_some()
            || self.globals.contains_key(name)
            || matches!(name, "products" | "platforms" | "business")
    }

    fn field(
        &mut self,
        base: &ast::Node<ast::Expr>,
        field: &ast::Ident,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        let b = self.expr(base, scope, files, None);
        let record = match &b.ty {
            Type::Product => &schema::PRODUCT,
            Type::Platform => &schema::PLATFORM,
            Type::Record(r) => *r,
            Type::Error => return error_expr(span),
            other => {
                let err = CheckError::new(
                    CheckCode::NotARecord,
                    &self.src_of(scope),
                    field.span,
                    format!("`{}` is read from {other}, which has no fields", field.kind),
                    "no such field",
                )
                .also(b.span, format!("this is {other}"))
                .help("fields are read from products, platforms, `business` and their records");
                self.error(err);
                return error_expr(span);
            }
        };
        match record.field(&field.kind) {
            Some((slot, f)) => {
                let ty = field_type(f.kind);
                mk(
                    ExprKind::Field {
                        base: Box::new(b),
                        record,
                        slot,
                    },
                    ty,
                    span,
                )
            }
            None => {
                let err = CheckError::new(
                    CheckCode::UnknownField,
                    &self.src_of(scope),
                    field.span,
                    format!("unknown field `{}` on {}", field.kind, record.name),
                    "no such field",
                )
                .help(
                    did_you_mean(&field.kind, record.field_names()).unwrap_or_else(|| {
                        format!(
                            "{} has: {}",
                            record.name,
                            record.field_names().collect::<Vec<_>>().join(", ")
                        )
                    }),
                );
                self.error(err);
                error_expr(span)
            }
        }
    }

    fn index(
        &mut self,
        base: &ast::Node<ast::Expr>,
        key: &ast::Node<ast::Expr>,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        let table = match &base.kind {
            ast::Expr::Name(n) => match self.globals.get(n.as_str()).map(|(g, _)| *g) {
                Some(g @ Global::Table(id)) => {
                    self.read_global(scope, g);
                    Some(id)
                }
                _ => None,
            },
            _ => None,
        };
        let k = self.expr(key, scope, files, None);
        let Some(id) = table else {
            let tables: Vec<String> = self.tables.iter().map(|t| t.name.clone()).collect();
            let name = match &base.kind {
                ast::Expr::Name(n) => n.to_string(),
                _ => String::new(),
            };
            let err = CheckError::new(
                CheckCode::UnknownName,
                &self.src_of(scope),
                base.span,
                format!("`[...]` looks up a table, and `{name}` is not a table"),
                "not a table",
            )
            .help(
                did_you_mean(&name, tables.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the tables are: {}", tables.join(", "))),
            );
            self.error(err);
            return error_expr(span);
        };
        self.expect_type(&k, &Type::Text, scope.file, "a table key");
        let ty = self
            .tables
            .get(id)
            .map_or(Type::Error, |t| t.value_ty.clone());
        mk(ExprKind::Index(id, Box::new(k)), ty, span)
    }

    fn unary(
        &mut self,
        op: &ast::Node<UnOp>,
        operand: &ast::Node<ast::Expr>,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        let x = self.expr(operand, scope, files, None);
        match op.kind {
            UnOp::Not => {
                self.expect_type(&x, &Type::Bool, scope.file, "`not`");
                mk(ExprKind::Not(Box::new(x)), Type::Bool, span)
            }
            UnOp::Neg => {
                if !x.ty.is_numeric() && !x.ty.is_error() {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        op.span,
                        format!("cannot negate {}", x.ty),
                        "minus sign",
                    )
                    .also(x.span, format!("this is {}", x.ty));
                    self.error(err);
                }
                // Negating a count may go below zero: it is a number.
                let ty = if x.ty == Type::Count {
                    Type::Number
                } else {
                    x.ty.clone()
                };
                mk(ExprKind::Neg(Box::new(x)), ty, span)
            }
        }
    }

    fn binary(
        &mut self,
        op: &ast::Node<BinOp>,
        lhs: &ast::Node<ast::Expr>,
        rhs: &ast::Node<ast::Expr>,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        match op.kind {
            BinOp::And | BinOp::Or => {
                let a = self.expr(lhs, scope, files, Some(&Type::Bool));
                let b = self.expr(rhs, scope, files, Some(&Type::Bool));
                let what = format!("`{}`", op.kind.as_str());
                self.expect_type(&a, &Type::Bool, scope.file, &what);
                self.expect_type(&b, &Type::Bool, scope.file, &what);
                let kind = if op.kind == BinOp::And {
                    ExprKind::And(Box::new(a), Box::new(b))
                } else {
                    ExprKind::Or(Box::new(a), Box::new(b))
                };
                mk(kind, Type::Bool, span)
            }
            BinOp::In => {
                // Whichever side is known gives the other its meaning: `status in
                // [live, exiting]` types the left first, `gmv in targets` the right.
                let word_first =
                    matches!(&lhs.kind, ast::Expr::Name(n) if !self.resolves(n, scope));
                let (x, list) = if word_first {
                    let list = self.expr(rhs, scope, files, None);
                    let elem = match &list.ty {
                        Type::List(t) => Some((**t).clone()),
                        _ => None,
                    };
                    (self.expr(lhs, scope, files, elem.as_ref()), list)
                } else {
                    let x = self.expr(lhs, scope, files, None);
                    let want = Type::List(Box::new(x.ty.clone()));
                    let list = self.expr(rhs, scope, files, Some(&want));
                    (x, list)
                };
                let elem = match &list.ty {
                    Type::List(t) => Some((**t).clone()),
                    Type::Error => None,
                    other => {
                        let err = CheckError::new(
                            CheckCode::TypeMismatch,
                            &self.src_of(scope),
                            list.span,
                            format!("`in` needs a list on its right, found {other}"),
                            format!("this is {other}"),
                        )
                        .help("compare single values with `==`");
                        self.error(err);
                        None
                    }
                };
                if let Some(t) = &elem
                    && !x.ty.fits(t)
                    && !t.fits(&x.ty)
                {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        op.span,
                        format!("cannot look for {} in a list of {t}", x.ty),
                        "here",
                    )
                    .also(x.span, format!("this is {}", x.ty));
                    self.error(err);
                }
                mk(ExprKind::In(Box::new(x), Box::new(list)), Type::Bool, span)
            }
            BinOp::Sells => {
                let p = self.expr(lhs, scope, files, None);
                let q = self.expr(rhs, scope, files, None);
                // `product sells platform`: one mistake, so one error that says how
                // to turn it round (not one per side).
                if p.ty == Type::Product && q.ty == Type::Platform {
                    let src = self.src_of(scope);
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &src,
                        op.span,
                        "the sides of `sells` are swapped: a platform sells a product",
                        "platform and product swapped",
                    )
                    .also(p.span, "this is a product")
                    .also(q.span, "this is a platform")
                    .help(format!(
                        "write `{} sells {}`",
                        src.slice(q.span),
                        src.slice(p.span)
                    ));
                    self.error(err);
                    return mk(ExprKind::Sells(Box::new(p), Box::new(q)), Type::Bool, span);
                }
                for (x, want) in [(&p, Type::Platform), (&q, Type::Product)] {
                    if !x.ty.fits(&want) {
                        let err = CheckError::new(
                            CheckCode::TypeMismatch,
                            &self.src_of(scope),
                            x.span,
                            format!("`sells` reads `platform sells product`; this is {}", x.ty),
                            format!("expected a {want}"),
                        );
                        self.error(err);
                    }
                }
                mk(ExprKind::Sells(Box::new(p), Box::new(q)), Type::Bool, span)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                // `live == status`: a bare word on the left is typed after the right
                // side, whose enum gives the word its meaning.
                let word_first =
                    matches!(&lhs.kind, ast::Expr::Name(n) if !self.resolves(n, scope));
                let (mut a, mut b) = if word_first {
                    let b = self.expr(rhs, scope, files, None);
                    let a = self.expr(lhs, scope, files, Some(&b.ty));
                    (a, b)
                } else {
                    let a = self.expr(lhs, scope, files, None);
                    let b = self.expr(rhs, scope, files, Some(&a.ty));
                    (a, b)
                };
                self.unify_literals(&mut a, &mut b, op, scope);
                let cmp = match op.kind {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                if !types::comparable(op.kind, &a.ty, &b.ty) {
                    self.unit_error(op, &a, &b, scope, "compare");
                }
                mk(
                    ExprKind::Compare(cmp, Box::new(a), Box::new(b)),
                    Type::Bool,
                    span,
                )
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let mut a = self.expr(lhs, scope, files, None);
                let mut b = self.expr(rhs, scope, files, None);
                if matches!(op.kind, BinOp::Add | BinOp::Sub) {
                    self.unify_literals(&mut a, &mut b, op, scope);
                }
                if a.ty.is_error() || b.ty.is_error() {
                    return mk(ExprKind::Paren(Box::new(a)), Type::Error, span);
                }
                match types::arith(op.kind, &a.ty, &b.ty) {
                    Some((arith, ty)) => {
                        mk(ExprKind::Arith(arith, Box::new(a), Box::new(b)), ty, span)
                    }
                    None => {
                        let verb = match op.kind {
                            BinOp::Add => "add",
                            BinOp::Sub => "subtract",
                            BinOp::Mul => "multiply",
                            _ => "divide",
                        };
                        self.unit_error(op, &a, &b, scope, verb);
                        error_expr(span)
                    }
                }
            }
        }
    }

    /// A number literal beside money becomes money (`price > 100`); beside a percent
    /// it is the classic fraction-for-percent mistake, reported with the fix.
    fn unify_literals(&mut self, a: &mut Expr, b: &mut Expr, op: &ast::Node<BinOp>, scope: &Scope) {
        self.unify_one(a, b, op, scope);
        self.unify_one(b, a, op, scope);
    }

    fn unify_one(&mut self, lit: &mut Expr, other: &Expr, op: &ast::Node<BinOp>, scope: &Scope) {
        if !is_number_literal(lit) {
            return;
        }
        match other.ty {
            Type::Money => retype_literal(lit, &Type::Money),
            Type::Percent => {
                let text = self.src(scope.file).slice(lit.span).to_owned();
                let err = CheckError::new(
                    CheckCode::PercentLiteral,
                    self.src(scope.file),
                    lit.span,
                    format!(
                        "`{text}` is a plain number, used with `{}` on a percent",
                        op.kind.as_str()
                    ),
                    "write it with `%`",
                )
                .also(other.span, "this is a percent")
                .help(percent_help(text.trim_start_matches('-')));
                self.error(err);
                lit.ty = Type::Error;
            }
            _ => {}
        }
    }

    fn unit_error(&mut self, op: &ast::Node<BinOp>, a: &Expr, b: &Expr, scope: &Scope, verb: &str) {
        if a.ty.is_error() || b.ty.is_error() {
            return;
        }
        let units = a.ty.is_numeric() && b.ty.is_numeric();
        let code = if units {
            CheckCode::UnitMismatch
        } else {
            CheckCode::TypeMismatch
        };
        let help = match (op.kind, &a.ty, &b.ty) {
            (BinOp::Add | BinOp::Sub, Type::Money, Type::Percent) => {
                "to take a share of money, multiply: `price * rate`".to_owned()
            }
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Type::Money, Type::Percent)
            | (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Type::Percent, Type::Money) => {
                "to compare a margin with a percent floor, divide by the price first: `net / price < floor`"
                    .to_owned()
            }
            _ if units => {
                "money ± money, money × percent, money ÷ money (a percent) and money ÷ count combine; other mixes need a conversion"
                    .to_owned()
            }
            _ => format!("both sides must be of one kind to {verb} them"),
        };
        let err = CheckError::new(
            code,
            self.src(scope.file),
            op.span,
            format!("cannot {verb} {} and {}", a.ty, b.ty),
            format!("{} {} {}", a.ty, op.kind.as_str(), b.ty),
        )
        .also(a.span, format!("{}", a.ty))
        .also(b.span, format!("{}", b.ty))
        .help(help);
        self.error(err);
    }

    /// A binding's source: a collection or `top n of ...`. Pushes the variable.
    pub(super) fn source(
        &mut self,
        var: &ast::Ident,
        source: &ast::Node<ast::Source>,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> (SourceIr, Type, usize) {
        match &source.kind {
            ast::Source::Collection(coll) => {
                let (ir, elem) = self.collection(coll, scope, files);
                let slot = scope.push(&var.kind, elem.clone());
                (ir, elem, slot)
            }
            ast::Source::Top {
                n,
                collection,
                filter,
                key,
            } => {
                let count = self.expr(n, scope, files, None);
                let share = match count.ty {
                    Type::Percent => true,
                    Type::Count | Type::Number | Type::Error => false,
                    ref other => {
                        let err = CheckError::new(
                            CheckCode::TypeMismatch,
                            &self.src_of(scope),
                            count.span,
                            format!("`top` takes a count or a percent, found {other}"),
                            "how many",
                        )
                        .help("write `top 3 of ...` or `top 20% of ...`");
                        self.error(err);
                        false
                    }
                };
                let (coll, elem) = self.collection(collection, scope, files);
                let slot = scope.push(&var.kind, elem.clone());
                let filter = filter.as_ref().map(|f| {
                    let f = self.expr(f, scope, files, Some(&Type::Bool));
                    self.expect_type(&f, &Type::Bool, scope.file, "a `where` filter");
                    Box::new(f)
                });
                let key = self.expr(key, scope, files, None);
                if !key.ty.is_numeric() && !key.ty.is_error() {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        key.span,
                        format!("`by` ranks by a number, money or percent, found {}", key.ty),
                        format!("this is {}", key.ty),
                    );
                    self.error(err);
                }
                let ir = SourceIr::Top {
                    n: Box::new(count),
                    share,
                    collection: Box::new(coll),
                    filter,
                    key: Box::new(key),
                    slot,
                };
                (ir, elem, slot)
            }
        }
    }

    fn collection(
        &mut self,
        coll: &ast::Node<ast::Expr>,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> (SourceIr, Type) {
        let c = self.expr(coll, scope, files, None);
        match (&c.kind, &c.ty) {
            (ExprKind::Products, _) => (SourceIr::Products, Type::Product),
            (ExprKind::Platforms, _) => (SourceIr::Platforms, Type::Platform),
            (_, Type::List(elem)) => {
                let elem = (**elem).clone();
                (SourceIr::List(Box::new(c)), elem)
            }
            (_, Type::Error) => (SourceIr::List(Box::new(c)), Type::Error),
            (_, other) => {
                let err = CheckError::new(
                    CheckCode::NotACollection,
                    &self.src_of(scope),
                    c.span,
                    format!("cannot range over {other}"),
                    format!("this is {other}"),
                )
                .help("bindings range over `products`, `platforms` or a list");
                self.error(err);
                (SourceIr::List(Box::new(c)), Type::Error)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        kind: &ast::Node<AggKind>,
        body: &ast::Node<ast::Expr>,
        binding: &ast::Node<ast::Binding>,
        filter: Option<&ast::Node<ast::Expr>>,
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        let (source, _, slot) = self.source(&binding.kind.var, &binding.kind.source, scope, files);
        let filter = filter.map(|f| {
            let f = self.expr(f, scope, files, Some(&Type::Bool));
            self.expect_type(&f, &Type::Bool, scope.file, "a `where` filter");
            Box::new(f)
        });
        let b = self.expr(body, scope, files, None);
        scope.pop();
        let name = kind.kind.as_str();
        let ty = match kind.kind {
            AggKind::Any | AggKind::All => {
                self.expect_type(&b, &Type::Bool, scope.file, &format!("`{name}`"));
                Type::Bool
            }
            AggKind::Count => Type::Count,
            AggKind::Sum | AggKind::Min | AggKind::Max | AggKind::Avg => {
                if !b.ty.is_numeric() && !b.ty.is_error() {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        b.span,
                        format!(
                            "`{name}` needs money, a percent or a number, found {}",
                            b.ty
                        ),
                        format!("this is {}", b.ty),
                    );
                    self.error(err);
                    Type::Error
                } else if kind.kind == AggKind::Avg && b.ty == Type::Count {
                    Type::Number
                } else {
                    b.ty.clone()
                }
            }
            AggKind::List => match &b.ty {
                Type::Record(_) | Type::Table => {
                    let err = CheckError::new(
                        CheckCode::TypeMismatch,
                        &self.src_of(scope),
                        b.span,
                        format!("`list` collects single values, found {}", b.ty),
                        "here",
                    );
                    self.error(err);
                    Type::Error
                }
                t => Type::List(Box::new(t.clone())),
            },
        };
        mk(
            ExprKind::Aggregate {
                kind: kind.kind,
                slot,
                source: Box::new(source),
                filter,
                body: Box::new(b),
            },
            ty,
            span,
        )
    }

    fn call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Node<ast::Expr>],
        span: Span,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Expr {
        let Some(builtin) = Builtin::ALL
            .iter()
            .find(|(n, _)| *n == name.kind)
            .map(|(_, b)| *b)
        else {
            let agg = matches!(name.kind.as_str(), "any" | "all" | "avg" | "list");
            let help = if agg {
                format!(
                    "write the value, then what it ranges over: `{0}(p.budget for p in platforms)`",
                    name.kind
                )
            } else {
                did_you_mean(&name.kind, Builtin::ALL.iter().map(|(n, _)| *n)).unwrap_or_else(
                    || {
                        format!(
                            "the functions are: {}",
                            Builtin::ALL
                                .iter()
                                .map(|(n, _)| *n)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                )
            };
            // `avg(xs)`: a known aggregate written like a function is not "unknown".
            let (code, message, label) = if agg {
                (
                    CheckCode::WrongArguments,
                    format!(
                        "`{}` ranges over a collection and needs `for ... in ...`",
                        name.kind
                    ),
                    "written like a function",
                )
            } else {
                (
                    CheckCode::UnknownFunction,
                    format!("unknown function `{}`", name.kind),
                    "not a function of the rule language",
                )
            };
            let err =
                CheckError::new(code, &self.src_of(scope), name.span, message, label).help(help);
            self.error(err);
            return error_expr(span);
        };
        let mut xs: Vec<Expr> = args
            .iter()
            .map(|a| self.expr(a, scope, files, None))
            .collect();
        let fname = builtin.as_str();
        let arity = |want: &str| {
            CheckError::new(
                CheckCode::WrongArguments,
                self.src(scope.file),
                span,
                format!("`{fname}` takes {want}, given {}", args.len()),
                "here",
            )
        };
        let ty = match builtin {
            Builtin::Known => {
                if xs.len() != 1 {
                    let e = arity("one value");
                    self.error(e);
                }
                Type::Bool
            }
            Builtin::SumOf => match xs.as_slice() {
                [x] => match &x.ty {
                    Type::Record(r) => {
                        let kinds: Vec<_> = r.fields.iter().map(|f| field_type(f.kind)).collect();
                        if kinds.iter().all(|k| *k == Type::Money) {
                            Type::Money
                        } else if kinds.iter().all(|k| *k == Type::Count) {
                            Type::Count
                        } else {
                            let err = CheckError::new(
                                CheckCode::WrongArguments,
                                &self.src_of(scope),
                                x.span,
                                format!("`sum` of record `{}` mixes kinds of fields", r.name),
                                "here",
                            )
                            .help("sum records whose fields are all money or all counts");
                            self.error(err);
                            Type::Error
                        }
                    }
                    Type::List(t) if t.is_numeric() => (**t).clone(),
                    Type::Error => Type::Error,
                    other => {
                        let err = CheckError::new(
                            CheckCode::WrongArguments,
                            &self.src_of(scope),
                            x.span,
                            format!("`sum` adds up a record or a list of numbers, not {other}"),
                            "here",
                        )
                        .help(
                            "to add up values over a collection write `sum(x.field for x in xs)`",
                        );
                        self.error(err);
                        Type::Error
                    }
                },
                _ => {
                    let e = arity("one record or list");
                    self.error(e);
                    Type::Error
                }
            },
            Builtin::CountOf => match xs.as_slice() {
                [x] if matches!(x.ty, Type::List(_) | Type::Error) => Type::Count,
                [x] => {
                    let err = CheckError::new(
                        CheckCode::WrongArguments,
                        &self.src_of(scope),
                        x.span,
                        format!("`count` counts a list, not {}", x.ty),
                        "here",
                    );
                    self.error(err);
                    Type::Error
                }
                _ => {
                    let e = arity("one list");
                    self.error(e);
                    Type::Error
                }
            },
            Builtin::Min | Builtin::Max => {
                if xs.len() < 2 {
                    let e = arity("two or more values");
                    self.error(e);
                    Type::Error
                } else {
                    // Number literals beside money take its unit, as in comparisons.
                    if xs.iter().any(|x| x.ty == Type::Money) {
                        for x in xs.iter_mut().filter(|x| is_number_literal(x)) {
                            retype_literal(x, &Type::Money);
                        }
                    }
                    let first = xs.first().map_or(Type::Error, |x| x.ty.clone());
                    let same = xs.iter().all(|x| x.ty.fits(&first) || first.fits(&x.ty));
                    if !first.is_numeric() && !first.is_error() || !same {
                        let err = CheckError::new(
                            CheckCode::WrongArguments,
                            &self.src_of(scope),
                            span,
                            format!("`{fname}` compares values of one numeric kind"),
                            "here",
                        )
                        .help("give it money, percents or numbers, all of one kind");
                        self.error(err);
                        Type::Error
                    } else {
                        first
                    }
                }
            }
            Builtin::Abs => match xs.as_slice() {
                [x] if x.ty.is_numeric() || x.ty.is_error() => x.ty.clone(),
                _ => {
                    let e = arity("one number");
                    self.error(e);
                    Type::Error
                }
            },
            Builtin::Overlaps | Builtin::Intersect | Builtin::Without => match xs.as_slice() {
                [a, b] => {
                    let ok = |t: &Type| matches!(t, Type::List(_) | Type::Error);
                    let elems_fit = match (&a.ty, &b.ty) {
                        (Type::List(x), Type::List(y)) => x.fits(y) || y.fits(x),
                        _ => true,
                    };
                    if !ok(&a.ty) || !ok(&b.ty) || !elems_fit {
                        let err = CheckError::new(
                            CheckCode::WrongArguments,
                            &self.src_of(scope),
                            span,
                            format!(
                                "`{fname}` takes two lists of the same kind, given {} and {}",
                                a.ty, b.ty
                            ),
                            "here",
                        );
                        self.error(err);
                        Type::Error
                    } else if builtin == Builtin::Overlaps {
                        Type::Bool
                    } else {
                        a.ty.clone()
                    }
                }
                _ => {
                    let e = arity("two lists");
                    self.error(e);
                    Type::Error
                }
            },
        };
        mk(ExprKind::Call(builtin, xs), ty, span)
    }
}
