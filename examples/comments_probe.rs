#![allow(missing_docs, clippy::unwrap_used)]
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let src = pitfall::source::SourceFile::new(path, text);
    match pitfall::syntax::parse_file(&src) {
        Ok(f) => {
            for c in f.comments {
                println!("{:?} {:?}", c.span, c.text);
            }
        }
        Err(e) => println!("{} errors", e.len()),
    }
}
