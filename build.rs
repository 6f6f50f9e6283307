//! Embeds the default rule set (`rules/*.rules`) in the binary, so `pitfall audit`
//! works from any folder. The list is generated so that adding a rule file needs no
//! code change.

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=rules");
    let manifest = std::env::var("CARGO_MANIFEST_DIR")?;
    let dir = Path::new(&manifest).join("rules");
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rules"))
        .collect();
    names.sort();
    let mut code = String::from(
        "/// The default rule set: (file name, text).\npub(crate) const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    (\"rules/{name}\", include_str!({:?})),",
            path.display().to_string()
        )?;
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR")?).join("builtin_rules.rs");
    std::fs::write(out, code)?;
    Ok(())
}
