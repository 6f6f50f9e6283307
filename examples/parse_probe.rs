#![allow(missing_docs)]
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let src = pitfall::source::SourceFile::new(path, text);
    match pitfall::syntax::parse_file(&src) {
        Ok(f) => println!("{:#?}", f),
        Err(es) => {
            for e in es {
                eprintln!("{}", pitfall::report::render_plain(&e));
            }
        }
    }
}
