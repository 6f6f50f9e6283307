//! Human output for the terminal: a headline per profile, advice grouped by area,
//! most severe first; colour only on a terminal without `NO_COLOR`.

use std::fmt::Write as _;

use owo_colors::OwoColorize;

use super::{by_area, plural};
use crate::advice::{Evidence, Recommendation, Report};
use crate::check::ir::Severity;
use crate::explain::WhyNot;

/// Rendering choices.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Colour (a terminal, no `NO_COLOR`).
    pub color: bool,
    /// Show the evidence under each recommendation.
    pub explain: bool,
}

struct Paint {
    color: bool,
}

impl Paint {
    fn severity(&self, s: Severity) -> String {
        let word = format!("{:<7}", s.as_str());
        if !self.color {
            return word;
        }
        match s {
            Severity::Error => word.red().bold().to_string(),
            Severity::Warning => word.yellow().bold().to_string(),
            Severity::Info => word.blue().to_string(),
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_owned()
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_owned()
        }
    }
}

fn headline(r: &Report) -> String {
    let c = r.counts;
    let mut parts = vec![
        plural(c.error, "error", "errors"),
        plural(c.warning, "warning", "warnings"),
        plural(c.info, "info", "infos"),
    ];
    if c.not_assessed > 0 {
        parts.push(format!("{} not assessed", c.not_assessed));
    }
    parts.join(" · ")
}

/// Renders one profile's report.
pub fn render(r: &Report, opts: Options) -> String {
    let p = Paint { color: opts.color };
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", p.bold(&r.business), r.profile);
    let _ = writeln!(out, "{}", headline(r));
    if r.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "\nNo advice: every rule that could be assessed passes."
        );
    }
    for (heading, recs) in by_area(&r.recommendations) {
        let _ = writeln!(out, "\n{}", p.bold(&heading.to_uppercase()));
        for rec in recs {
            recommendation(&mut out, rec, &p, opts.explain);
        }
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("REPLACED BY BROADER ADVICE"));
        for s in &r.suppressed {
            let _ = writeln!(
                out,
                "  - {}{}: replaced by {}",
                s.recommendation.rule,
                entity_suffix(&s.recommendation),
                s.by
            );
        }
    }
    if !r.waived.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("WAIVED"));
        for w in &r.waived {
            let until = w
                .until
                .as_ref()
                .map_or(String::new(), |u| format!(" (until {u})"));
            let _ = writeln!(
                out,
                "  - {}{}{until}: {}",
                w.recommendation.rule,
                entity_suffix(&w.recommendation),
                w.reason
            );
        }
    }
    if !r.expired_waivers.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("EXPIRED WAIVERS (no longer applied)"));
        for e in &r.expired_waivers {
            let _ = writeln!(out, "  - {e}");
        }
    }
    if !r.not_assessed.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("NOT ASSESSED"));
        for n in &r.not_assessed {
            let who = n.entity.label();
            let who = if who.is_empty() {
                String::new()
            } else {
                format!(" for {who}")
            };
            let _ = writeln!(out, "  - {}{who}: {}", n.rule, n.reason);
        }
    }
    if !r.data_to_collect.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("DATA TO COLLECT"));
        for g in &r.data_to_collect {
            let _ = writeln!(
                out,
                "  - {}: `{}` (needed by {})",
                g.entity,
                g.fact,
                g.rules.join(", ")
            );
        }
    }
    if opts.explain {
        let _ = writeln!(out, "\n{}", p.bold("PARAMETERS IN FORCE"));
        for param in &r.params {
            let _ = writeln!(out, "  {} = {} ({})", param.name, param.value, param.source);
        }
        let _ = writeln!(
            out,
            "\n{}",
            p.dim(&format!("rules fingerprint {}", r.rules_fingerprint))
        );
    }
    out
}

fn entity_suffix(r: &Recommendation) -> String {
    let label = r.entity.label();
    if label.is_empty() {
        String::new()
    } else {
        format!(" for {label}")
    }
}

fn recommendation(out: &mut String, r: &Recommendation, p: &Paint, explain: bool) {
    let about = r.entity.label();
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(" — {about}")
    };
    let _ = writeln!(
        out,
        "  {} {}{about} {}",
        p.severity(r.severity),
        p.bold(&r.title),
        p.dim(&format!("[{} · {}]", r.rule, r.heuristic))
    );
    let _ = writeln!(out, "          {}", r.message);
    let _ = writeln!(out, "          {} {}", p.dim("why:"), r.rationale);
    for (i, a) in r.actions.iter().enumerate() {
        let lead = if i == 0 { "do: " } else { "    " };
        let _ = writeln!(out, "          {} - {a}", p.dim(lead));
    }
    if explain {
        evidence(
            out,
            &r.evidence,
            p,
            &format!("{}:{}", r.location.file, r.location.line),
        );
    }
}

fn evidence(out: &mut String, e: &Evidence, p: &Paint, location: &str) {
    let head = if location.is_empty() {
        "evidence:".to_owned()
    } else {
        format!("evidence ({location}):")
    };
    let _ = writeln!(out, "          {}", p.dim(&head));
    let mut lines = Vec::new();
    super::evidence_lines(e, &mut lines);
    for line in lines {
        let _ = writeln!(out, "            {line}");
    }
}

/// Renders a why-not account.
pub fn render_why_not(w: &WhyNot, color: bool) -> String {
    let p = Paint { color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.bold(&format!("why (not) {}", w.rule)));
    if w.bindings.is_empty() {
        let _ = writeln!(
            out,
            "  the rule has no binding for this profile (nothing to range over)"
        );
    }
    for b in &w.bindings {
        let who = b.entity.label();
        let who = if who.is_empty() {
            "the business".to_owned()
        } else {
            who
        };
        let _ = writeln!(out, "\n  {}: {}", p.bold(&who), b.outcome);
        for reason in &b.because {
            let _ = writeln!(out, "    {reason}");
        }
        evidence(&mut out, &b.evidence, &p, "");
    }
    out
}
