//! Small text helpers shared by every stage that writes prose for a reader.

/// "a, b and c" (`conj` = "and") or "a, b or c"; "" for no item.
pub fn join_list(items: &[String], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conj} {last}", init.join(", ")),
    }
}

/// "a, b and c"; "" for no item.
pub fn join_and(items: &[String]) -> String {
    join_list(items, "and")
}

/// Source text on one line: every run of whitespace (line breaks included) is one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_prose() {
        let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(join_and(&v(&[])), "");
        assert_eq!(join_and(&v(&["a"])), "a");
        assert_eq!(join_and(&v(&["a", "b", "c"])), "a, b and c");
        assert_eq!(join_list(&v(&["a", "b"]), "or"), "a or b");
        assert_eq!(one_line("a +\n    b"), "a + b");
    }
}
