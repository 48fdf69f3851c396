//! Front matter splitting and reading, on any text: it may fail, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillfolio::content::SourceFile;
use skillfolio::content::frontmatter::{Fields, parse_date, split};

fuzz_target!(|data: &[u8]| {
    let file = SourceFile {
        path: "content/fuzz.md".into(),
        text: String::from_utf8_lossy(data).into(),
    };
    let Ok(parts) = split(&file) else { return };
    let mut errors = Vec::new();
    if let Some(mut f) = Fields::parse(&file, parts.toml, &mut errors) {
        let _ = f.required_string("title");
        let _ = f.date("date");
        let _ = f.uint("minutes");
        let _ = f.strings("tags");
        let _ = f.choice("kind", &["practice", "payoff"]);
        let _ = f.bool("draft");
        if let Some(mut t) = f.table("target") {
            let _ = t.uint("minutes");
            t.finish("`target`");
        }
        f.finish("fuzz");
    }
    for e in &errors {
        let _ = e.to_string();
    }
    let _ = parse_date(&file.text);
});
