//! Highlighting always ends: a grammar that goes round in circles is stopped at
//! the cause (the parser's loop guard), any block is bounded by a deadline, and
//! real source files of every language a portfolio quotes highlight without
//! reaching it. And what it produces can be read: in either colour scheme,
//! every token colour of the code stylesheet stands out from the block it is
//! drawn on. The regular expression engine's shortcuts (`vendor/onig_sys`)
//! find what its patterns say.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{BIN, build, fixture, read};
use skillfolio::highlight::{BUDGET, Highlighter, THEMES, stylesheet};

/// Runs `work` on a thread of its own and fails the test if it is not done in
/// `limit`: a regression here loops forever, and a test that hangs says less
/// than one that fails.
fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    match receive.recv_timeout(limit) {
        Ok(done) => done,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still running after {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("failed (see above)"),
    }
}

/// The parser's operations for `line`, the first line of a block in the one
/// grammar `grammar` defines; a parser that loops fails the test.
fn parse_line(
    grammar: &str,
    line: &'static str,
) -> Result<Vec<(usize, syntect::parsing::ScopeStackOp)>, syntect::parsing::ParsingError> {
    use syntect::parsing::{ParseState, SyntaxDefinition, SyntaxSetBuilder};
    let definition = SyntaxDefinition::load_from_str(grammar, true, None).unwrap();
    let mut builder = SyntaxSetBuilder::new();
    builder.add(definition);
    let set = builder.build();
    within(Duration::from_secs(10), move || {
        let mut state = ParseState::new(&set.syntaxes()[0]);
        state.parse_line(line, &set)
    })
}

#[test]
fn a_grammar_whose_lookahead_sets_lead_back_to_each_other_ends() {
    // `main` and `other` set each other without consuming anything, as two
    // contexts of the JavaScript grammar do after `x /*`.
    let grammar = r#"
name: Circle
scope: source.circle
contexts:
  main:
    - match: (?=x)
      set: other
    - match: \w
      scope: word.circle
  other:
    - match: (?=x)
      set: main
"#;
    let ops = parse_line(grammar, "xx y\n");
    assert!(!ops.unwrap().is_empty(), "the line was parsed");
}

/// The parser remembers, per line, where each pattern matched; a match that
/// does nothing (empty, with no stack change) is not remembered, so it cannot
/// pass for a match when the parser stays at that position.
#[test]
fn an_empty_match_is_not_remembered_as_a_match() {
    use syntect::parsing::ScopeStackOp;
    // At `a`, `x*` is searched again: its earlier match (`x`) is behind, and
    // now it matches nothing. The lookahead then pushes `inner`, which searches
    // `x*` again at the same position.
    let grammar = r#"
name: Stars
scope: source.stars
contexts:
  main:
    - include: stars
    - match: (?=a)
      push: inner
  stars:
    - match: x*
      scope: stars.x
  inner:
    - include: stars
    - match: a
      scope: letter.a
      pop: true
"#;
    let pushed = (parse_line(grammar, "xa\n").unwrap().into_iter())
        .filter_map(|(at, op)| match op {
            ScopeStackOp::Push(scope) => Some((at, scope.to_string())),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(
        pushed,
        [
            (0, "source.stars".to_string()),
            (0, "stars.x".to_string()),
            (1, "letter.a".to_string())
        ]
    );
}

/// A class with private fields and comments after code: real JavaScript that
/// once kept `build` busy forever.
const CLASS: &str = r#"class Counter {
  #count = 0; /* starts at zero */
  #step;
  static #instances = 0;

  constructor(step = 1) {
    this.#step = step; /* how far each tick goes */
    Counter.#instances++;
  }

  get value() { return this.#count; }

  tick() {
    this.#count += this.#step /* never negative */;
    return this;
  }

  #reset() { this.#count = 0 }

  static get instances() { return Counter.#instances /* shared */ }

  toJSON() {
    return { count: this.#count, step: this.#step }; // plain data
  }
}

const c = new Counter(2);
c.tick().tick(); /* 4 */
x /*
"#;

#[test]
fn javascript_that_once_hung_the_build_is_built_and_highlighted() {
    let site = fixture("links");
    let about = site.path().join("content/about.md");
    let text = format!("{}\n```javascript\n{CLASS}```\n", read(&about));
    std::fs::write(&about, text).unwrap();
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(site.path())
        .args(["build", "--no-cache"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the build was still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let page = read(site.path().join("public/about/index.html"));
    assert!(page.contains("hl-comment"), "the comments are highlighted");
    assert!(page.contains("starts at zero"), "{page}");
}

/// The vendored parser is changed for speed (`vendor/syntect/PATCHES.md`), and
/// must still say what syntect 5.3.0 as published says. `expected/` holds the
/// published parser's HTML for each file of `tests/fixtures/highlight`, with
/// the grammars the build uses; `SKILLFOLIO_BLESS=1` rewrites it, which is only
/// right with the published parser in `vendor/syntect`.
#[test]
fn the_parser_gives_the_published_parsers_html_in_every_language() {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::util::LinesWithEndings;
    let dir = common::fixtures().join("highlight");
    let syntaxes = two_face::syntax::extra_newlines();
    let bless = std::env::var("SKILLFOLIO_BLESS").is_ok_and(|v| v == "1");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        let syntax = syntaxes
            .find_syntax_by_extension(ext)
            .unwrap_or_else(|| panic!("no grammar for {}", path.display()));
        let code = read(&path);
        let mut html = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            &syntaxes,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(&code) {
            html.parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        let html = html.finalize();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = dir.join("expected").join(format!("{name}.html"));
        if bless {
            std::fs::write(&expected, &html).unwrap();
        }
        assert_eq!(html, read(&expected), "{name} ({})", syntax.name);
        // A file its grammar could not follow would pass as plain text.
        assert!(html.matches("<span").count() > 10, "{name}: {html}");
        checked.push(name);
    }
    assert_eq!(checked.len(), 13, "{checked:?}");
}

/// Files of each language a portfolio quotes, from what this machine has.
fn real_sources() -> Vec<(PathBuf, &'static str)> {
    let home = std::env::var("HOME").unwrap_or_default();
    let python = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let places: [(String, &[(&str, &str)]); 5] = [
        (python, &[("py", "python")]),
        (
            format!("{home}/.cargo/registry/src"),
            &[("rs", "rust"), ("toml", "toml"), ("json", "json")],
        ),
        (
            "/usr/lib/node_modules".into(),
            &[
                ("js", "javascript"),
                ("json", "json"),
                ("mjs", "javascript"),
            ],
        ),
        (
            "/usr/share/nodejs".into(),
            &[("js", "javascript"), ("json", "json")],
        ),
        ("/usr/bin".into(), &[("sh", "bash")]),
    ];
    let mut found = Vec::new();
    for (dir, kinds) in &places {
        if dir.is_empty() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            if let Some((_, lang)) = kinds.iter().find(|(e, _)| *e == ext)
                && entry.file_type().is_file()
            {
                found.push((path.to_path_buf(), *lang));
            }
        }
    }
    found
}

/// Every `step`-th file, so a bounded sample still reaches every language.
fn sample(files: Vec<(PathBuf, &'static str)>, size: usize) -> Vec<(PathBuf, &'static str)> {
    let mut by_lang: std::collections::BTreeMap<&str, Vec<PathBuf>> = Default::default();
    for (path, lang) in files {
        by_lang.entry(lang).or_default().push(path);
    }
    let per_lang = size.div_ceil(by_lang.len().max(1));
    let mut out = Vec::new();
    for (lang, paths) in by_lang {
        let step = (paths.len() / per_lang).max(1);
        out.extend(
            paths
                .into_iter()
                .step_by(step)
                .take(per_lang)
                .map(|p| (p, lang)),
        );
    }
    out
}

/// Highlights real files from this machine: a bounded sample by default (what
/// CI runs), every file with `SKILLFOLIO_SWEEP=all`, or `SKILLFOLIO_SWEEP=N`.
/// It fails when a grammar errs or a block runs past its deadline; blocks that
/// reach the deadline or hold an over-long line are counted and listed.
#[test]
fn real_source_files_highlight_within_the_deadline() {
    let all = real_sources();
    let wanted = std::env::var("SKILLFOLIO_SWEEP").unwrap_or_default();
    let files = match wanted.as_str() {
        "all" => all,
        n => sample(all, n.parse().unwrap_or(120)),
    };
    if files.is_empty() {
        let reason = "no source files found on this machine";
        assert!(std::env::var("CI").is_err(), "{reason}");
        eprintln!("skipped: {reason}");
        return;
    }
    let highlighter = Highlighter::default();
    let started = Instant::now();
    let (mut lines, mut bytes, mut slowest) = (0, 0, (Duration::ZERO, PathBuf::new()));
    let mut problems = Vec::new();
    let mut too_long = 0;
    let mut late = Vec::new();
    for (path, lang) in &files {
        let Ok(code) = std::fs::read_to_string(path) else {
            continue; // not UTF-8: a writer could not paste it either
        };
        // A quoted snippet is rarely longer than this; whole generated files are.
        let code: String = code.lines().take(2000).flat_map(|l| [l, "\n"]).collect();
        let begun = Instant::now();
        let (_, problem) = highlighter.block(&code, lang);
        let took = begun.elapsed();
        // A block may reach its deadline, but must stop there: one that runs on
        // past it is a grammar the bounds do not hold.
        if took > BUDGET + Duration::from_secs(1) {
            problems.push(format!(
                "{} ({lang}): still running {:.1} s after its deadline",
                path.display(),
                (took - BUDGET).as_secs_f64()
            ));
        }
        if took > slowest.0 {
            slowest = (took, path.clone());
        }
        lines += code.lines().count();
        bytes += code.len();
        match problem {
            // A documented limit, not a failure: minified code and data blobs.
            Some(why) if why.contains("are not highlighted") => too_long += 1,
            // The bound at work: the block is published plain, in its time.
            Some(why) if why.contains("took too long") => {
                late.push(format!("{} ({lang}): {why}", path.display()))
            }
            Some(why) => problems.push(format!("{} ({lang}): {why}", path.display())),
            None => {}
        }
    }
    eprintln!(
        "highlighted {} files ({too_long} plain for a line past the limit, {} for reaching the deadline), {lines} lines, {} KiB in {:.1} s; slowest {:.0} ms: {}",
        files.len(),
        late.len(),
        bytes / 1024,
        started.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1.display()
    );
    for file in &late {
        eprintln!("published plain: {file}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One rule of a stylesheet: the media query around it (if any), its selectors
/// and its declarations.
struct Rule {
    query: Option<String>,
    selectors: Vec<String>,
    declarations: Vec<(String, String)>,
}

/// Enough of CSS for the code stylesheet: comments, `@media` blocks and plain
/// rules.
fn rules(css: &str) -> Vec<Rule> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("unclosed comment");
        rest = &rest[start + end + 2..];
    }
    text.push_str(rest);
    let mut rules = Vec::new();
    let mut query = None;
    let mut rest = text.as_str();
    loop {
        let rest_trimmed = rest.trim_start();
        if let Some(after) = rest_trimmed.strip_prefix('}') {
            assert!(query.is_some(), "unbalanced }} in {css}");
            query = None;
            rest = after;
            continue;
        }
        let Some(open) = rest_trimmed.find('{') else {
            assert!(rest_trimmed.is_empty(), "trailing text: {rest_trimmed}");
            break;
        };
        let prelude = rest_trimmed[..open].trim();
        let after = &rest_trimmed[open + 1..];
        if let Some(q) = prelude.strip_prefix("@media") {
            assert!(query.is_none(), "nested @media");
            query = Some(q.trim().to_string());
            rest = after;
            continue;
        }
        let close = after.find('}').expect("unclosed rule");
        let declarations = after[..close]
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        rules.push(Rule {
            query: query.clone(),
            selectors: prelude.split(',').map(|s| s.trim().to_string()).collect(),
            declarations,
        });
        rest = &after[close + 1..];
    }
    rules
}

/// Whether a rule's media query matches a reader who prefers `dark` or not.
fn applies(query: &Option<String>, dark: bool) -> bool {
    match query.as_deref() {
        None => true,
        Some("(prefers-color-scheme: dark)") => dark,
        Some("not all and (prefers-color-scheme: dark)") => !dark,
        Some(other) => panic!("unexpected media query {other}"),
    }
}

fn rgb(hex: &str) -> [f64; 3] {
    let hex = hex
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("not a hex colour: {hex}"));
    assert_eq!(hex.len(), 6, "not #rrggbb: {hex}");
    [0, 2, 4].map(|i| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0)
}

/// WCAG 2.x contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |c: [f64; 3]| {
        let [r, g, b] = c.map(|v| {
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        });
        0.2126 * r + 0.7152 * g + 0.0722 * b
    };
    let (x, y) = (luminance(rgb(a)), luminance(rgb(b)));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn declaration<'a>(rule: &'a Rule, name: &str) -> Option<&'a str> {
    (rule.declarations.iter().rev())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every token colour below 4.5:1 against what it is drawn on, for a reader in
/// each scheme: the rules that scheme sees, on the background they give the
/// page's `pre.code` blocks (or a token's own background).
fn faint_colours(css: &str) -> Vec<String> {
    let rules = rules(css);
    let mut faint = Vec::new();
    for dark in [false, true] {
        let scheme = if dark { "dark" } else { "light" };
        let seen: Vec<&Rule> = rules.iter().filter(|r| applies(&r.query, dark)).collect();
        let background_of = |selector: &str| {
            (seen.iter().rev())
                .filter(|r| r.selectors.iter().any(|s| s == selector))
                .find_map(|r| declaration(r, "background-color"))
        };
        let block = match background_of("pre.code") {
            Some(block) => block,
            None => {
                faint.push(format!("{scheme}: no rule gives pre.code a background"));
                // Still judge the colours, on the background the theme meant.
                let Some(meant) = background_of(".hl-code") else {
                    continue;
                };
                meant
            }
        };
        for rule in &seen {
            let Some(colour) = declaration(rule, "color") else {
                continue;
            };
            let background = declaration(rule, "background-color").unwrap_or(block);
            let ratio = contrast(colour, background);
            if ratio < 4.5 {
                faint.push(format!(
                    "{scheme}: {} {colour} on {background} is {ratio:.2}:1",
                    rule.selectors.join(", ")
                ));
            }
        }
    }
    faint
}

#[test]
fn every_token_colour_is_readable_in_both_colour_schemes() {
    // The site's own stylesheet, with the default themes.
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let css = read(public.join("syntax.css"));
    assert!(css.contains(THEMES[0]) && css.contains(THEMES[1]), "{css}");
    let faint = faint_colours(&css);
    assert!(faint.is_empty(), "default themes:\n{}", faint.join("\n"));
    // And other pairs a site may choose.
    for (light, dark) in [
        ("Solarized (light)", "Solarized (dark)"),
        ("base16-ocean.light", "base16-eighties.dark"),
        ("InspiredGitHub", "base16-mocha.dark"),
    ] {
        let faint = faint_colours(&stylesheet(light, dark));
        assert!(faint.is_empty(), "{light} / {dark}:\n{}", faint.join("\n"));
    }
}

#[test]
fn the_themes_leave_the_code_background_to_the_code_stylesheet() {
    // The contrast above is measured on the block background syntax.css sets; a
    // theme that painted `pre` itself would put the tokens on another colour.
    for css in [
        "themes/default/static/style.css",
        "themes/paper/static/paper.css",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(css);
        for rule in rules(&read(&path)) {
            // `:not(pre) > code` is inline code, which no theme leaves to syntax.css.
            let paints_pre = rule.selectors.iter().any(|s| {
                s.replace(":not(pre)", "")
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .any(|word| word == "pre")
            });
            let background = (rule.declarations.iter()).find(|(k, _)| k.starts_with("background"));
            assert!(
                !(paints_pre && background.is_some()),
                "{css}: {} sets {background:?}",
                rule.selectors.join(", ")
            );
        }
    }
}

/// A long list of words opening a pattern (Lisp's list of functions has about
/// 750) is searched letter by letter, and finds what the list in its own order
/// finds: the same match, from every position, in either case, where a word is
/// a prefix of another before or after it, and where case folding lets one
/// character of the text stand for a letter or a pair of letters (`ſ` for `s`,
/// `ß` for `ss`, `ﬁ` for `fi`, `K` for `k`).
#[test]
fn a_long_list_of_words_finds_what_the_list_in_its_own_order_finds() {
    use syntect::parsing::{Regex, Region, by_first_letter};
    let mut words: Vec<String> = [
        "abs",
        "absolute",
        "Apply",
        "apply-hook",
        "setf",
        "set",
        "ss-open",
        "st-word",
        "fi-nd",
        "file",
        "flow",
        "k",
        "kelvin",
        "list\\*",
        "char<=",
        "char<",
        "string/=",
        "s",
        "i-var",
        "1-step",
        "zerop",
        "char-code",
        "char",
    ]
    .map(String::from)
    .to_vec();
    words.extend((0..60).map(|i| format!("{}{i}", char::from(b'a' + (i % 26) as u8))));
    let texts = [
        "(abs x) (absolute y) (ABSOLUTE z)",
        "xabs (apply-hook f) (apply f)",
        "(ſetf a 1) (ſet b) (SET c)",
        "(ßs-open) (ss-open) (ſt-word) (ﬆ-word)",
        "(ﬁ-nd) (ﬁle) (ﬂow) (FILE)",
        "(Kelvin) (K) (k7 x)",
        "(list* 1 2) (char<= a b) (char< a) (string/= s t)",
        "(İ-var) (i-var) (1-step) (zerop 0) (z25)",
        "été (naïve s) — (set",
        "(char-code c) (CHAR-CODE d) (char x)",
    ];
    let list = |separator: &str| words.join(separator);
    let patterns = [
        format!("(?xi:\n  {}\n)(?=[\\s()]|$)", list("\n| ")),
        format!("(?x: {} )\\b", list(" | ")),
        format!("\\b(?xi: {} )\\b", list(" | ")),
    ];
    for pattern in &patterns {
        assert!(
            by_first_letter(pattern).is_some(),
            "not rewritten: {pattern}"
        );
        let split = Regex::new(pattern.clone());
        // Opened by an empty group, the same pattern is left as it is.
        let whole = Regex::new(format!("(?:){pattern}"));
        for text in texts {
            for (start, _) in text.char_indices() {
                let (mut a, mut b) = (Region::new(), Region::new());
                let found = split.search(text, start, text.len(), Some(&mut a));
                assert_eq!(
                    found,
                    whole.search(text, start, text.len(), Some(&mut b)),
                    "{text:?} from {start}"
                );
                if found {
                    assert_eq!(a.pos(0), b.pos(0), "{text:?} from {start}");
                }
            }
        }
    }
}

/// A pattern that is a plain string is searched for as a string
/// (`vendor/onig_sys/PATCHES.md`: sixteen places at a time by its first and
/// last bytes); wherever the search starts and stops, it finds where the
/// string first starts, as `str::find` does, in texts whose letters keep
/// nearly matching, between characters of two, three and four bytes, at
/// either end and in lines shorter and longer than sixteen bytes. A word
/// boundary and a class of word characters, which now read an ASCII byte
/// without asking the encoding, are held to their definitions beside them.
#[test]
fn a_plain_string_is_found_where_it_first_starts() {
    // A search that goes wrong may also never end.
    within(Duration::from_secs(60), plain_strings_and_words);
}

fn plain_strings_and_words() {
    use syntect::parsing::{Regex, Region};
    let pieces = ["a", "b", "ab", "aab", "ü", "日", "🎉", " ", "\n"];
    // Deterministic texts of every length up to 70 from those pieces.
    let mut seed = 7u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut texts = vec![String::new()];
    for len in 1..=70 {
        for _ in 0..3 {
            let mut text = String::new();
            while text.len() < len {
                text.push_str(pieces[next(pieces.len())]);
            }
            texts.push(text);
        }
    }
    let mut needles: Vec<String> = ["a", "b", "ü", "日", "🎉", "ab", "ba", "bü", "a日b", "aab"]
        .map(String::from)
        .to_vec();
    for len in 3..=20 {
        let mut needle: String = (0..len)
            .map(|_| if next(3) == 0 { 'b' } else { 'a' })
            .collect();
        needles.push(needle.clone());
        needle.push('ü');
        needles.push(needle);
    }
    let mut searched = 0;
    for needle in &needles {
        let regex = Regex::new(needle.clone());
        for text in &texts {
            for (from, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let mut region = Region::new();
                let found = regex
                    .search(text, from, text.len(), Some(&mut region))
                    .then(|| region.pos(0).unwrap());
                let expected = text[from..]
                    .find(needle.as_str())
                    .map(|at| (from + at, from + at + needle.len()));
                assert_eq!(found, expected, "{needle:?} in {text:?} from {from}");
                searched += 1;
            }
        }
    }
    assert!(searched > 100_000, "{searched}");

    // Word characters and word boundaries, ASCII or not.
    let word = Regex::new(r"\b\w+\b".to_string());
    for text in [
        "naïve café",
        "日本語 text",
        "a_b1 ü",
        "🎉x🎉",
        "Привет, мир",
    ] {
        let mut from = 0;
        let mut words = Vec::new();
        let mut region = Region::new();
        while word.search(text, from, text.len(), Some(&mut region)) {
            let (start, end) = region.pos(0).unwrap();
            assert!(
                start >= from && end > start,
                "{text:?} from {from}: {start}..{end}"
            );
            words.push(&text[start..end]);
            from = end;
        }
        let expected: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words, expected, "{text:?}");
    }
}
