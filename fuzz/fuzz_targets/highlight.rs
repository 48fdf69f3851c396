//! Any bytes as a code block of any grammar built in: highlighting must end
//! (within its deadline, `skillfolio::highlight::BUDGET`) and never panic. The
//! first byte picks the grammar. Run with `-timeout=10`, so a block that outlives
//! its deadline is reported as a hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use skillfolio::highlight::Highlighter;

fuzz_target!(|data: &[u8]| {
    static HIGHLIGHTER: OnceLock<(Highlighter, Vec<String>)> = OnceLock::new();
    let (highlighter, languages) = HIGHLIGHTER.get_or_init(|| {
        let highlighter = Highlighter::default();
        let languages = highlighter.languages();
        (highlighter, languages)
    });
    let Some((&pick, code)) = data.split_first() else {
        return;
    };
    let lang = &languages[pick as usize % languages.len()];
    let code = String::from_utf8_lossy(code);
    let (html, _) = highlighter.block(&code, lang);
    assert!(html.ends_with("</code></pre>\n"));
});
