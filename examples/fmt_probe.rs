//! Prints a rule file as `pitfall fmt` will write it: `cargo run --example fmt_probe FILE`.
#![allow(missing_docs)]
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let src = pitfall::source::SourceFile::new(path, text);
    match pitfall::syntax::format_source(&src) {
        Ok(f) => print!("{f}"),
        Err(es) => {
            for e in es {
                eprintln!("{}", pitfall::report::render_plain(&e));
            }
        }
    }
}
