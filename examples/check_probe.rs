#![allow(missing_docs)]
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    match pitfall::check::check_dir(std::path::Path::new(&path)) {
        Ok(c) => {
            for d in &c.diagnostics {
                eprintln!("{}", pitfall::report::render_plain(d));
            }
            println!(
                "rule set: {}",
                c.rule_set.as_ref().map_or("none".to_string(), |r| format!(
                    "{} rules, {} params",
                    r.rules.len(),
                    r.params.len()
                ))
            );
        }
        Err(pitfall::check::RuleSetProblem::Syntax(es)) => {
            for e in es {
                eprintln!("{}", pitfall::report::render_plain(&e));
            }
        }
        Err(pitfall::check::RuleSetProblem::Check(es)) => {
            for e in es {
                eprintln!("{}", pitfall::report::render_plain(&e));
            }
        }
    }
}
