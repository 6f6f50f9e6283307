//! Rendering diagnostics the same way everywhere: terminal, pipes and snapshots.
//!
//! Every stage returns typed errors that implement [`miette::Diagnostic`]; this module
//! turns them into text. Tests use [`render_plain`] so snapshots read like the terminal
//! output a consultant sees, minus colour.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// Whether output to stderr/stdout should carry colour: a terminal, and no `NO_COLOR`.
pub fn color_enabled(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Renders one diagnostic with its source snippet, labels and help.
pub fn render(diagnostic: &dyn Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    // Rendering into a String cannot fail for I/O reasons; a formatter error here
    // would only come from a broken Display impl, and then the plain message is the
    // best we can still show.
    if handler.render_report(&mut out, diagnostic).is_err() {
        out = diagnostic.to_string();
    }
    out
}

/// Renders without colour, for snapshots and pipes.
pub fn render_plain(diagnostic: &dyn Diagnostic) -> String {
    render(diagnostic, false)
}

/// Renders many diagnostics separated by a blank line.
pub fn render_all<'a>(
    diagnostics: impl IntoIterator<Item = &'a (dyn Diagnostic + 'a)>,
    color: bool,
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render(d, color));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
