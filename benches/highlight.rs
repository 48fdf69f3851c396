//! Highlighting alone, on one thread: every fenced code block of a site's
//! markdown, highlighted as the build does (`skillfolio::highlight_lines`), with
//! the memo emptied before each run. A build spends most of its highlighting
//! time in the grammars' parser, and on a corpus of code that does not repeat
//! this isolates it from the rest of the build and from the second core.
//!
//!     cargo bench --bench highlight -- SITE_DIR [RUNS]
//!
//! Prints each run's seconds and the bytes of HTML made, which stay the same
//! from one version of the parser to the next when its output does. The first
//! run also compiles each grammar's patterns as they are first used (a build
//! pays that once); the runs after it reuse them, so the difference is what
//! compiling costs.

use std::time::{Duration, Instant};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use skillfolio::highlight_lines::LineMemo;
use syntect::html::ClassStyle;
use walkdir::WalkDir;

/// Every fenced block under `dir` with a language, as (language, code).
fn blocks(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    for file in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if file.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(file.path()) else {
            continue;
        };
        let mut code: Option<(String, String)> = None;
        for event in Parser::new_ext(&text, Options::all()) {
            match (&mut code, event) {
                (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) => {
                    code = Some((lang.to_string(), String::new()));
                }
                (Some((_, body)), Event::Text(t)) => body.push_str(&t),
                (Some(_), Event::End(TagEnd::CodeBlock)) => blocks.extend(code.take()),
                _ => {}
            }
        }
    }
    blocks
}

fn main() {
    // `cargo bench` passes `--bench` to every target; only the site is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(site) = args.first() else {
        eprintln!("usage: cargo bench --bench highlight -- SITE_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let blocks = blocks(std::path::Path::new(site));
    let lines: usize = blocks.iter().map(|(_, code)| code.lines().count()).sum();
    println!("{} blocks, {lines} lines", blocks.len());
    let mut memo = LineMemo::new(
        two_face::syntax::extra_newlines(),
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    // Seconds and lines per grammar, of the last run.
    let mut by_grammar = std::collections::BTreeMap::<String, (f64, usize)>::new();
    for run in 0..runs {
        memo.forget();
        by_grammar.clear();
        let started = Instant::now();
        let mut bytes = 0;
        for (lang, code) in &blocks {
            let Some(syntax) = memo.syntaxes().find_syntax_by_token(lang) else {
                continue;
            };
            let name = syntax.name.clone();
            let block_started = Instant::now();
            let deadline = block_started + Duration::from_secs(60);
            bytes += memo
                .highlight(code, syntax, deadline)
                .map_or(0, |h| h.len());
            let spent = by_grammar.entry(name).or_default();
            spent.0 += block_started.elapsed().as_secs_f64();
            spent.1 += code.lines().count();
        }
        let compiling = if run == 0 {
            ", compiling the patterns"
        } else {
            ""
        };
        println!(
            "{:.3} s, {bytes} bytes of HTML{compiling}",
            started.elapsed().as_secs_f64()
        );
    }
    let mut grammars: Vec<_> = by_grammar.into_iter().collect();
    grammars.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    for (name, (seconds, lines)) in grammars {
        println!(
            "  {name}: {seconds:.3} s, {lines} lines, {:.1} µs a line",
            seconds * 1e6 / lines.max(1) as f64
        );
    }
}
