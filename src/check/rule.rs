//! Checking one rule: its clauses, bindings, lets, condition and messages.

use super::error::did_you_mean;
use super::expr::Scope;
use super::ir::{self, AREAS, FileId, Loc, Severity, Template, TemplatePart};
use super::types::Type;
use super::{CheckCode, CheckError, Checker, Global, Owner};
use crate::source::Span;
use crate::syntax::ast::{self, Clause};
use crate::text::join_and;

/// Clauses a rule must have, with what each is for (shown in the help line).
const REQUIRED: &[(&str, &str)] = &[
    (
        "title",
        "a one-line title, e.g. `title \"Net margin per order is under the floor\"`",
    ),
    (
        "area",
        "the area of advice: platform_entry, profit, resources or operations",
    ),
    ("severity", "info, warning or error"),
    ("source", "the heuristic it comes from, e.g. `source H6`"),
    ("when", "the condition under which the rule fires"),
    ("advise", "the message a consultant reads"),
    ("because", "why it matters, in a sentence"),
    ("action", "at least one concrete thing to do"),
];

fn clause_name(c: &Clause) -> &'static str {
    match c {
        Clause::Title(_) => "title",
        Clause::Area(_) => "area",
        Clause::Severity(_) => "severity",
        Clause::Escalate { .. } => "escalate",
        Clause::Source(_) => "source",
        Clause::Tags(_) => "tags",
        Clause::For { .. } => "for",
        Clause::Let(_) => "let",
        Clause::When(_) => "when",
        Clause::Advise(_) => "advise",
        Clause::Because(_) => "because",
        Clause::Action(_) => "action",
        Clause::Conclude(_) => "conclude",
        Clause::Suppress(_) => "suppress",
    }
}

/// Clauses that may appear at most once.
fn is_single(name: &str) -> bool {
    !matches!(
        name,
        "escalate" | "let" | "action" | "conclude" | "suppress"
    )
}

impl Checker {
    pub(super) fn rule(
        &mut self,
        rule: &mut ast::Node<ast::Rule>,
        file: FileId,
        index: usize,
        files: &[ast::File],
    ) -> Option<ir::RuleDecl> {
        // The tree is the checker's to consume (see `check_rules`): titles and
        // message text are moved into the checked rule, not copied.
        let rule_span = rule.span;
        let ast::Rule { id, clauses } = &mut rule.kind;
        let id = &*id;
        let src = self.src(file).clone();

        // Required and single clauses.
        let mut seen: Vec<(&str, Span)> = Vec::with_capacity(clauses.len());
        for c in clauses.iter() {
            let name = clause_name(&c.kind);
            if is_single(name)
                && let Some((_, first)) = seen.iter().find(|(n, _)| *n == name)
            {
                let e = CheckError::new(
                    CheckCode::DuplicateClause,
                    &src,
                    c.span,
                    format!("rule `{}` has two `{name}` clauses", id.kind),
                    "second one",
                )
                .also(*first, "first one")
                .help(format!(
                    "a rule has one `{name}`; remove or merge one of them"
                ));
                self.error(e);
            }
            seen.push((name, c.span));
        }
        let missing: Vec<&(&str, &str)> = REQUIRED
            .iter()
            .filter(|(name, _)| !seen.iter().any(|(n, _)| n == name))
            .collect();
        let mut complete = missing.is_empty();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|(n, _)| format!("`{n}`")).collect();
            let help: Vec<String> = missing
                .iter()
                .map(|(n, what)| format!("`{n}`: {what}"))
                .collect();
            let e = CheckError::new(
                CheckCode::MissingClause,
                &src,
                id.span,
                format!("rule `{}` lacks {}", id.kind, join_and(&names)),
                "incomplete rule",
            )
            .help(format!("add {}", help.join("; ")));
            self.error(e);
        }

        let mut scope = Scope::new(file, Owner::Rule(index));
        let mut title = String::new();
        let mut area = "";
        let mut severity = Severity::Info;
        let mut source = String::new();
        let mut tags = Vec::new();
        let mut concludes = Vec::new();
        let mut suppresses = Vec::new();

        // Metadata.
        for c in clauses.iter_mut() {
            match &mut c.kind {
                Clause::Title(t) => title = std::mem::take(&mut t.kind),
                Clause::Area(a) => match AREAS.iter().find(|w| **w == a.kind) {
                    Some(w) => area = w,
                    None => {
                        let e = CheckError::new(
                            CheckCode::UnknownArea,
                            &src,
                            a.span,
                            format!("unknown area `{}`", a.kind),
                            "not an area",
                        )
                        .help(
                            did_you_mean(&a.kind, AREAS.iter().copied())
                                .unwrap_or_else(|| format!("the areas are: {}", AREAS.join(", "))),
                        );
                        self.error(e);
                    }
                },
                Clause::Severity(s) => match self.severity(s, file) {
                    Some(level) => severity = level,
                    None => complete = false,
                },
                Clause::Source(s) => {
                    if is_heuristic_id(&s.kind) {
                        source = s.kind.to_string();
                    } else {
                        let e = CheckError::new(
                            CheckCode::BadSource,
                            &src,
                            s.span,
                            format!("`{}` is not a heuristic id", s.kind),
                            "expected an id like `H6`",
                        )
                        .help("cite the heuristic the rule encodes: capital letters then a number, e.g. `H6`");
                        self.error(e);
                    }
                }
                Clause::Tags(ts) => tags = ts.iter().map(|t| t.kind.to_string()).collect(),
                Clause::Conclude(fact) => {
                    if let Some((Global::Fact(fid), _)) =
                        self.globals.get(fact.kind.as_str()).copied()
                    {
                        if let Some(f) = self.facts.get_mut(fid) {
                            f.1 = index;
                        }
                        concludes.push(fid);
                    }
                }
                Clause::Suppress(other) => {
                    if other.kind == id.kind {
                        let e = CheckError::new(
                            CheckCode::UnknownRule,
                            &src,
                            other.span,
                            format!("rule `{}` suppresses itself", id.kind),
                            "this rule",
                        )
                        .help(
                            "`suppress` names another rule whose narrower advice this one replaces",
                        );
                        self.error(e);
                    } else if self.rule_ids.contains_key(other.kind.as_str()) {
                        suppresses.push(other.kind.to_string());
                    } else {
                        let ids: Vec<String> = self.rule_ids.keys().cloned().collect();
                        let e = CheckError::new(
                            CheckCode::UnknownRule,
                            &src,
                            other.span,
                            format!("`suppress` names unknown rule `{}`", other.kind),
                            "no such rule",
                        )
                        .maybe_help(did_you_mean(&other.kind, ids.iter().map(String::as_str)));
                        self.error(e);
                    }
                }
                _ => {}
            }
        }

        // Bindings first, wherever the `for` is written: they scope the whole rule.
        let mut bindings = Vec::new();
        let mut filter = None;
        for c in clauses.iter() {
            if let Clause::For {
                bindings: bs,
                filter: f,
            } = &c.kind
            {
                for b in bs {
                    if let Some(prev) = bindings
                        .iter()
                        .find(|x: &&ir::BindingDecl| x.name == b.kind.var.kind)
                    {
                        let e = CheckError::new(
                            CheckCode::Duplicate,
                            &src,
                            b.kind.var.span,
                            format!("`{}` is bound twice in rule `{}`", prev.name, id.kind),
                            "second binding",
                        )
                        .help("give each binding its own name");
                        self.error(e);
                    }
                    let (source, ty, slot) =
                        self.source(&b.kind.var, &b.kind.source, &mut scope, files);
                    bindings.push(ir::BindingDecl {
                        name: b.kind.var.kind.to_string(),
                        slot,
                        source,
                        ty,
                    });
                }
                if let Some(f) = f {
                    let f = self.expr(f, &mut scope, files, Some(&Type::Bool));
                    self.expect_type(&f, &Type::Bool, file, "a `where` filter");
                    filter = Some(f);
                }
            }
        }

        // Local lets, in order: each may read the bindings and earlier lets.
        let mut lets = Vec::new();
        for c in clauses.iter() {
            if let Clause::Let(l) = &c.kind {
                let name = &l.kind.name;
                if bindings.iter().any(|b| b.name == name.kind)
                    || lets.iter().any(|x: &ir::LocalLet| x.name == name.kind)
                {
                    let e = CheckError::new(
                        CheckCode::Duplicate,
                        &src,
                        name.span,
                        format!("`{}` is already defined in rule `{}`", name.kind, id.kind),
                        "defined again",
                    )
                    .help("give the let its own name");
                    self.error(e);
                }
                let value = self.expr(&l.kind.value, &mut scope, files, None);
                if let Some(want) = &l.kind.ty {
                    let want = self.type_expr(want, file, true);
                    self.expect_type(&value, &want, file, "this let's declared type");
                }
                let slot = scope.push(&name.kind, value.ty.clone());
                lets.push(ir::LocalLet {
                    name: name.kind.to_string(),
                    slot,
                    expr: value,
                    span: name.span,
                });
            }
        }

        // The condition, and the constant-condition lint around it.
        let mut when = None;
        let mut when_span = id.span;
        for c in clauses.iter() {
            if let Clause::When(cond) = &c.kind {
                scope.reads_data = false;
                let w = self.expr(cond, &mut scope, files, Some(&Type::Bool));
                self.expect_type(&w, &Type::Bool, file, "`when`");
                if !scope.reads_data && !w.ty.is_error() {
                    let e = CheckError::new(
                        CheckCode::ConstantCondition,
                        &src,
                        cond.span,
                        format!("the condition of rule `{}` does not depend on the profile", id.kind),
                        "always the same",
                    )
                    .help("a constant condition fires for every client or for none; read a field, a param or a fact");
                    self.error(e);
                }
                when_span = cond.span;
                when = Some(w);
            }
        }

        let mut escalations = Vec::new();
        for c in clauses.iter() {
            if let Clause::Escalate { level, when } = &c.kind {
                let cond = self.expr(when, &mut scope, files, Some(&Type::Bool));
                self.expect_type(&cond, &Type::Bool, file, "`escalate ... when`");
                if let Some(level) = self.severity(level, file) {
                    escalations.push((level, cond));
                }
            }
        }

        let mut advise = None;
        let mut because = None;
        let mut actions = Vec::new();
        for c in clauses.iter_mut() {
            match &mut c.kind {
                Clause::Advise(t) => advise = Some(self.template(t, &mut scope, files)),
                Clause::Because(t) => because = Some(self.template(t, &mut scope, files)),
                Clause::Action(t) => actions.push(self.template(t, &mut scope, files)),
                _ => {}
            }
        }

        // Local lets nobody reads.
        for l in &lets {
            if !scope.is_used(l.slot) {
                let e = CheckError::new(
                    CheckCode::UnusedLet,
                    &src,
                    l.span,
                    format!("let `{}` is never read in rule `{}`", l.name, id.kind),
                    "declared here",
                )
                .help("remove it, or use it in the condition or a message");
                self.error(e);
            }
        }

        if !complete {
            return None;
        }
        Some(ir::RuleDecl {
            id: id.kind.to_string(),
            title,
            area,
            severity,
            escalations,
            source,
            tags,
            bindings,
            filter,
            lets,
            when: when?,
            advise: advise?,
            because: because?,
            actions,
            concludes,
            suppresses,
            frame_size: scope.frame_size,
            loc: Loc {
                file,
                span: rule_span,
            },
            when_span,
            explained: std::sync::OnceLock::new(),
        })
    }

    fn severity(&mut self, s: &ast::Ident, file: FileId) -> Option<Severity> {
        let level = Severity::parse(&s.kind);
        if level.is_none() {
            let e = CheckError::new(
                CheckCode::UnknownSeverity,
                self.src(file),
                s.span,
                format!("unknown severity `{}`", s.kind),
                "not a severity",
            )
            .help(
                did_you_mean(&s.kind, Severity::WORDS.iter().copied())
                    .unwrap_or_else(|| "the severities are: info, warning, error".to_owned()),
            );
            self.error(e);
        }
        level
    }

    fn template(
        &mut self,
        t: &mut ast::Node<ast::Template>,
        scope: &mut Scope,
        files: &[ast::File],
    ) -> Template {
        let mut parts = Vec::with_capacity(t.kind.parts.len());
        for p in &mut t.kind.parts {
            match p {
                ast::TemplatePart::Text(s) => parts.push(TemplatePart::Text(std::mem::take(s))),
                ast::TemplatePart::Hole(e) => {
                    let x = self.expr(e, scope, files, None);
                    if matches!(x.ty, Type::Record(_) | Type::Table) {
                        let err = CheckError::new(
                            CheckCode::TypeMismatch,
                            self.src(scope.file),
                            x.span,
                            format!("a message cannot show {} as a whole", x.ty),
                            "pick one of its fields",
                        )
                        .help("write the field to show, e.g. `{platform.monthly.gmv}`");
                        self.error(err);
                    }
                    parts.push(TemplatePart::Value(x));
                }
            }
        }
        Template {
            parts,
            span: t.span,
        }
    }
}

/// `H6`, `H19`, `AB12`: capital letters then digits.
fn is_heuristic_id(s: &str) -> bool {
    let letters = s.chars().take_while(char::is_ascii_uppercase).count();
    let digits = s
        .chars()
        .skip(letters)
        .take_while(char::is_ascii_digit)
        .count();
    letters > 0 && digits > 0 && letters + digits == s.chars().count()
}
