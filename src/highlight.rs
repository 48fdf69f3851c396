//! Code highlighting with syntect. Code is marked up with CSS classes, not inline
//! colours, so one stylesheet (written per build from the chosen light and dark
//! themes) colours every block and follows the reader's colour scheme. The
//! grammars are syntect's defaults plus the ones a portfolio of practical skills
//! keeps needing and syntect lacks (TOML, TypeScript, Dockerfile and more), as
//! curated by bat and built into the binary as a ready dump, so no grammar file is
//! read or compiled at run time. A block is looked up in the code cache first;
//! a new one is highlighted line by line, and a line met before in the same
//! grammar state is not parsed again (`highlight_lines`).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::SyntaxReference;

use crate::highlight_cache::HighlightCache;
use crate::highlight_lines::LineMemo;
use crate::html::escape;

/// The themes syntect ships; the first two are the default light and dark ones.
pub const THEMES: [&str; 7] = [
    "InspiredGitHub",
    "base16-ocean.dark",
    "base16-ocean.light",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "Solarized (light)",
    "Solarized (dark)",
];

const CLOSE: &str = "</code></pre>\n";

/// How long one code block may take to highlight before it is published plain:
/// far more than any real block needs (the slowest grammars take milliseconds
/// for hundreds of lines), and short enough that a grammar gone wrong costs a
/// build or a save only this once.
pub const BUDGET: Duration = Duration::from_secs(2);

/// Marks a code-cache entry as a block shown plain, around the reason why:
/// escaped code never holds this character.
const PLAIN: char = '\u{0}';

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loaded once per run (it takes milliseconds) and shared by every page.
pub struct Highlighter {
    cache: HighlightCache,
    /// The grammars, with every line highlighted so far.
    lines: LineMemo,
    /// The grammar each fence language names, by its place among the grammars:
    /// syntect looks a name up by going through every grammar's extensions,
    /// and a portfolio names the same few languages block after block.
    by_token: Mutex<HashMap<Box<str>, Option<usize>, foldhash::fast::FixedState>>,
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter::with_cache(HighlightCache::default())
    }
}

impl Highlighter {
    pub fn with_cache(cache: HighlightCache) -> Self {
        Highlighter {
            cache,
            lines: LineMemo::new(two_face::syntax::extra_newlines(), CLASS_STYLE),
            by_token: Mutex::default(),
        }
    }

    /// Called between `serve`'s rebuilds: see [`LineMemo::forget_if_full`].
    pub fn forget_lines_if_full(&mut self) {
        self.lines.forget_if_full();
    }

    /// A fence language that names each grammar built in, in a stable order.
    pub fn languages(&self) -> Vec<String> {
        (self.lines.syntaxes().syntaxes().iter())
            .filter_map(|s| s.file_extensions.first().cloned())
            .collect()
    }

    /// Keeps the highlighted blocks of this run for the next one, and the
    /// others too when `keep_unused` (some code was not highlighted at all).
    pub fn save_cache(&self, keep_unused: bool) {
        self.cache.save(keep_unused);
    }

    /// The grammar `lang` names, as syntect finds it by its token.
    fn syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let all = self.lines.syntaxes().syntaxes();
        let mut known = self.by_token.lock().unwrap_or_else(|e| e.into_inner());
        let place = match known.get(lang) {
            Some(place) => *place,
            None => {
                let found = self.lines.syntaxes().find_syntax_by_token(lang);
                let place = found.and_then(|f| all.iter().position(|s| std::ptr::eq(s, f)));
                known.insert(lang.into(), place);
                place
            }
        };
        place.map(|i| &all[i])
    }

    /// A `<pre>` block for `code`; a language syntect does not know is shown plain.
    /// The second value says why a known language was not highlighted: its
    /// grammar failed, or took longer than [`BUDGET`]. Such a block is remembered
    /// as plain, so it costs its time once, not on every rebuild.
    pub fn block(&self, code: &str, lang: &str) -> (String, Option<String>) {
        let lang = lang.split([',', ' ']).next().unwrap_or("").trim();
        let syntax = (!lang.is_empty()).then(|| self.syntax(lang)).flatten();
        let cached;
        let mut problem = None;
        let body: std::borrow::Cow<str> = match syntax {
            Some(syntax) => {
                let key = HighlightCache::key(code, &syntax.name);
                match self.cache.get(key) {
                    Some(found) => {
                        cached = found;
                        match cached.strip_prefix(PLAIN) {
                            Some(rest) => {
                                let (why, plain) = rest.split_once(PLAIN).unwrap_or(("", rest));
                                problem = Some(why.to_string());
                                plain.into()
                            }
                            None => (&*cached).into(),
                        }
                    }
                    None => match self.lines.highlight(code, syntax, Instant::now() + BUDGET) {
                        Ok(body) => {
                            self.cache.insert(key, &body);
                            body.into()
                        }
                        Err(why) => {
                            let plain = escape(code);
                            self.cache
                                .insert(key, &format!("{PLAIN}{why}{PLAIN}{plain}"));
                            problem = Some(why);
                            plain.into()
                        }
                    },
                }
            }
            None => escape(code).into(),
        };
        let lang = escape(lang);
        let mut open = String::from("<pre class=\"code\"");
        if lang.is_empty() {
            open.push_str("><code>");
        } else {
            let _ = write!(
                open,
                " data-lang=\"{lang}\"><code class=\"language-{lang}\">"
            );
        }
        // Made at its final size: highlighted code is many times longer than the
        // code, and the block is handed on as a boxed string, which would otherwise
        // be copied again to shed its spare room.
        let mut html = String::with_capacity(open.len() + body.len() + CLOSE.len());
        html.push_str(&open);
        html.push_str(&body);
        html.push_str(CLOSE);
        (html, problem)
    }
}

/// The stylesheet for highlighted code. Each theme's rules sit inside a query for
/// its own colour scheme: a rule the dark theme lacks must not fall through from
/// the light one, where its colour was chosen for a white background. The code
/// block itself takes each theme's background and text colour, and every token
/// colour too faint on that background is moved to [`MIN_CONTRAST`].
pub fn stylesheet(light: &str, dark: &str) -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        let Some(theme) = themes.themes.get(name) else {
            return String::new();
        };
        let theme = readable(theme);
        let mut css = String::new();
        if let (Some(fg), Some(bg)) = (theme.settings.foreground, theme.settings.background) {
            // syntect names the block `.hl-code`, a class no block carries; the
            // pages' blocks are `pre.code`.
            let _ = writeln!(
                css,
                "pre.code {{\n color: {};\n background-color: {};\n}}",
                hex(fg),
                hex(bg)
            );
        }
        css.push_str(&css_for_theme_with_class_style(&theme, CLASS_STYLE).unwrap_or_default());
        css.lines().map(|l| format!("  {l}\n")).collect::<String>()
    };
    format!(
        "/* Code highlighting: {light} (light) and {dark} (dark), chosen in site.toml. */\n\
         @media not all and (prefers-color-scheme: dark) {{\n{}}}\n\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        css(light),
        css(dark)
    )
}

/// WCAG's contrast for normal text (AA): several shipped themes colour comments
/// or parameters well below it.
pub const MIN_CONTRAST: f64 = 4.5;

/// `theme` with every foreground that falls short of [`MIN_CONTRAST`] on its
/// background (the token's own, else the theme's) made darker or lighter, hue
/// and saturation kept, just far enough to reach it.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let Some(bg) = theme.settings.background else {
        return theme;
    };
    if let Some(fg) = &mut theme.settings.foreground {
        *fg = with_contrast(*fg, bg);
    }
    for item in &mut theme.scopes {
        let back = item.style.background.unwrap_or(bg);
        if let Some(fg) = &mut item.style.foreground {
            *fg = with_contrast(*fg, back);
        }
    }
    theme
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// WCAG 2 relative luminance of an sRGB colour (alpha ignored, as syntect's CSS
/// ignores it).
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG 2 contrast ratio, from 1 to 21.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` moved in HSL lightness, away from `bg`, until it has [`MIN_CONTRAST`]
/// on it; unchanged when it already has. The steps are small so the colour
/// stays as close to the theme's as it can.
fn with_contrast(fg: Color, bg: Color) -> Color {
    if contrast(fg, bg) >= MIN_CONTRAST {
        return fg;
    }
    let black = Color {
        r: 0,
        g: 0,
        b: 0,
        a: fg.a,
    };
    let white = Color {
        r: 255,
        g: 255,
        b: 255,
        a: fg.a,
    };
    let step = if contrast(black, bg) >= contrast(white, bg) {
        -0.005
    } else {
        0.005
    };
    let (h, s, mut l) = to_hsl(fg);
    loop {
        l = (l + step).clamp(0.0, 1.0);
        let c = from_hsl(h, s, l, fg.a);
        if contrast(c, bg) >= MIN_CONTRAST || l <= 0.0 || l >= 1.0 {
            return c;
        }
    }
}

fn to_hsl(c: Color) -> (f64, f64, f64) {
    let [r, g, b] = [c.r, c.g, c.b].map(|v| f64::from(v) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d == 0.0 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs());
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * 60.0, s, l)
}

fn from_hsl(h: f64, s: f64, l: f64, a: u8) -> Color {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0).rem_euclid(2.0) - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Color {
        r: byte(r),
        g: byte(g),
        b: byte(b),
        a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammars_missing_from_syntects_defaults_are_built_in() {
        let highlighter = Highlighter::default();
        for (lang, code) in [
            ("toml", "[server]\nport = 8080\n"),
            ("typescript", "const n: number = 1;\n"),
            ("ts", "let s: string = \"a\";\n"),
            ("dockerfile", "FROM debian:stable\nRUN true\n"),
            ("rust", "fn main() {}\n"),
        ] {
            let (html, problem) = highlighter.block(code, lang);
            assert_eq!(problem, None);
            assert!(
                html.contains("<span class=\"hl-"),
                "{lang} was not highlighted: {html}"
            );
        }
        let (plain, problem) = highlighter.block("<b>", "no-such-language");
        assert_eq!(problem, None, "an unknown language is not a problem");
        assert!(!plain.contains("hl-"));
        assert!(plain.contains("&lt;b&gt;"));
    }

    /// The grammar a fence names is remembered by the name as written: each
    /// name keeps its own grammar however the blocks take turns, and a name no
    /// grammar has stays plain after being asked for again.
    #[test]
    fn each_fence_language_keeps_its_own_grammar_when_blocks_take_turns() {
        let code = "# a = [1, 2]\n";
        let fresh = |lang: &str| Highlighter::default().block(code, lang).0;
        let highlighter = Highlighter::default();
        let langs = ["python", "toml", "py", "no-such-language", "python", "sh"];
        let seen: Vec<String> = langs.iter().map(|l| highlighter.block(code, l).0).collect();
        for (lang, html) in langs.iter().zip(&seen) {
            assert_eq!(*html, fresh(lang), "{lang}");
        }
        assert!(seen[0].contains("hl-python") && seen[1].contains("hl-toml"));
        assert!(!seen[3].contains("hl-"));
    }

    #[test]
    fn a_block_remembered_as_plain_is_shown_plain_with_its_reason_and_not_highlighted_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("highlight.bin");
        let cache = HighlightCache::open(&path);
        let code = "let a = 1;\n";
        let key = HighlightCache::key(code, "Rust");
        cache.insert(
            key,
            &format!("{PLAIN}it took too long{PLAIN}{}", escape(code)),
        );
        cache.save(false);
        let highlighter = Highlighter::with_cache(HighlightCache::open(&path));
        let (html, problem) = highlighter.block(code, "rust");
        assert_eq!(problem.as_deref(), Some("it took too long"));
        assert!(!html.contains("hl-"), "{html}");
        assert!(html.contains("let a = 1;"), "{html}");
    }

    #[test]
    fn a_faint_colour_keeps_its_hue_and_reaches_the_contrast_and_a_clear_one_is_kept() {
        let rgb = |r, g, b| Color { r, g, b, a: 0xff };
        let white = rgb(0xff, 0xff, 0xff);
        let dark = rgb(0x2b, 0x30, 0x3b);
        // A grey comment on white, a purple function name on a dark blue.
        for (fg, bg) in [
            (rgb(0x96, 0x98, 0x96), white),
            (rgb(0x79, 0x5d, 0xa3), dark),
        ] {
            assert!(contrast(fg, bg) < MIN_CONTRAST);
            let moved = with_contrast(fg, bg);
            assert!(contrast(moved, bg) >= MIN_CONTRAST, "{}", hex(moved));
            // Only just: one step back would fall short.
            assert!(contrast(moved, bg) < MIN_CONTRAST + 0.3, "{}", hex(moved));
            let (h, s, _) = to_hsl(fg);
            let (h2, s2, _) = to_hsl(moved);
            assert!(
                (h - h2).abs() < 4.0 && (s - s2).abs() < 0.08,
                "{} -> {}",
                hex(fg),
                hex(moved)
            );
        }
        let clear = rgb(0x18, 0x36, 0x91);
        assert_eq!(hex(with_contrast(clear, white)), "#183691");
    }

    #[test]
    fn javascript_that_used_to_loop_forever_is_highlighted() {
        let highlighter = Highlighter::default();
        for code in ["x /*\n", "a /* b */ c\n", "class A { #p = 1; /* c */ }\n"] {
            let (html, problem) = highlighter.block(code, "javascript");
            assert_eq!(problem, None, "{code}");
            assert!(html.contains("hl-comment"), "{code}: {html}");
        }
    }

    /// Grammars are full of classes such as `[\w$]` and `[^\s\w]`, which the
    /// vendored Oniguruma builds in one pass (vendor/onig_sys/PATCHES.md). Each
    /// matches exactly the characters that one of its parts, as a class of its
    /// own, matches, in every script.
    #[test]
    fn classes_of_several_properties_match_what_their_parts_match() {
        use syntect::parsing::Regex;
        let cases = [
            (r"[\s\w]", r"(?:[\s]|[\w])"),
            (r"[\w\s]", r"(?:[\w]|[\s])"),
            (r"[\W\d]", r"(?:[\W]|[\d])"),
            (r"[^\s\w]", r"(?![\s])(?![\w])(?:.|\n)"),
            (
                r"[\p{Greek}\p{Latin}\d]",
                r"(?:[\p{Greek}]|[\p{Latin}]|[\d])",
            ),
            (
                r"[\x{3000}-\x{30ff}\p{Han}\S]",
                r"(?:[\x{3000}-\x{30ff}]|[\p{Han}]|[\S])",
            ),
            (r"[[:alpha:]_\d]", r"(?:[[:alpha:]]|_|[\d])"),
        ];
        let characters: Vec<char> = (0..0x3100)
            .chain((0x3100..0x11_0000).step_by(7))
            .filter_map(char::from_u32)
            .collect();
        for (class, parts) in cases {
            let (class_re, parts_re) = (
                Regex::new(format!(r"\A{class}\z")),
                Regex::new(format!(r"\A{parts}\z")),
            );
            for &c in &characters {
                let text = c.to_string();
                assert_eq!(
                    class_re.is_match(&text),
                    parts_re.is_match(&text),
                    "{class} against U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    /// A search tries to match at one position after another. The vendored
    /// Oniguruma starts each try's backtracking stack afresh on the machine's
    /// stack, and keeps it for the next try only once it has grown onto the
    /// heap (vendor/onig_sys/PATCHES.md). Tries that fail shallow and deep,
    /// before and after the stack grows, leave the match and its groups where
    /// they are.
    #[test]
    fn searches_that_backtrack_at_many_positions_find_the_leftmost_match() {
        use syntect::parsing::{Regex, Region};
        let re = Regex::new(r"((?:a|b)+)(c)".to_string());
        let long = "ab".repeat(400);
        let text = format!("ab x {long} x abab x babab{long}ba+ bbac!");
        let mut region = Region::new();
        assert!(re.search(&text, 0, text.len(), Some(&mut region)));
        let start = text.find("bbac").unwrap();
        assert_eq!(region.pos(0), Some((start, start + 4)));
        assert_eq!(region.pos(1), Some((start, start + 3)));
        assert_eq!(region.pos(2), Some((start + 3, start + 4)));
        // The same expression again, on a text whose long run is the match.
        let text = format!("abx{long}c");
        assert!(re.search(&text, 0, text.len(), Some(&mut region)));
        assert_eq!(region.pos(1), Some((3, 3 + long.len())));
    }

    /// Grammars' patterns are compiled on whichever thread first needs them,
    /// and UTF-8 patterns compile on several threads at once
    /// (vendor/onig/PATCHES.md); threads that share the grammars compile a
    /// new context's patterns between them (vendor/syntect/PATCHES.md).
    /// Threads that each load the grammars afresh, and so compile every
    /// pattern of twelve languages at the same time, and threads that share
    /// one copy of them, highlight as one thread does alone.
    #[test]
    fn code_highlighted_on_several_threads_at_once_is_highlighted_as_on_one() {
        use syntect::html::{ClassStyle, ClassedHTMLGenerator};
        let blocks = [
            (
                "python",
                "def f(xs):\n    return [x for x in xs if x > 1]  # kept\n",
            ),
            (
                "rust",
                "fn main() { let v: Vec<u8> = vec![1]; println!(\"{v:?}\"); }\n",
            ),
            (
                "js",
                "const f = async (a) => await g(`t${a}`) && /re+/g.test(a);\n",
            ),
            (
                "bash",
                "for f in *.md; do echo \"$f\" | sed 's/a/b/'; done\n",
            ),
            ("toml", "[package]\nname = \"x\" # c\n"),
            ("json", "{\"a\": [1, true, null, \"s\"]}\n"),
            ("c", "int main(void) { printf(\"%d\\n\", 1); return 0; }\n"),
            (
                "go",
                "package main\nfunc main() { fmt.Println(\"héllo\") }\n",
            ),
            ("ruby", "def f(x) = x.map { |y| y * 2 }\n"),
            (
                "html",
                "<div class=\"a\"><script>var x = 1;</script></div>\n",
            ),
            ("css", "a:hover { color: #fff; margin: 0 auto; }\n"),
            ("yaml", "a: 1\nb: [x, \"ünï\"]\n"),
        ];
        let highlight_with = |syntaxes: &syntect::parsing::SyntaxSet, order: usize| {
            (0..blocks.len())
                .map(|i| {
                    let (lang, code) = blocks[(i + order * 5) % blocks.len()];
                    let syntax = syntaxes.find_syntax_by_token(lang).expect(lang);
                    let mut lines = ClassedHTMLGenerator::new_with_class_style(
                        syntax,
                        syntaxes,
                        ClassStyle::SpacedPrefixed { prefix: "hl-" },
                    );
                    for line in code.split_inclusive('\n') {
                        lines
                            .parse_html_for_line_which_includes_newline(line)
                            .expect(lang);
                    }
                    (lang, lines.finalize())
                })
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let highlight = |order: usize| highlight_with(&two_face::syntax::extra_newlines(), order);
        let alone = highlight(0);
        let shared = two_face::syntax::extra_newlines();
        let together: Vec<_> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8)
                .map(|n| {
                    let shared = &shared;
                    scope.spawn(move || match n % 2 {
                        0 => highlight(n),
                        _ => highlight_with(shared, n),
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(alone.values().all(|html| html.contains("hl-")));
        for html in together {
            assert_eq!(html, alone);
        }
    }

    /// Each thread keeps the classes of the scopes it has written, by scope
    /// and prefix (vendor/syntect's html.rs): a second prefix on the same
    /// thread is spelt with its own classes, not the first one's.
    #[test]
    fn the_classes_of_a_scope_are_spelt_with_the_prefix_asked_for() {
        use syntect::html::{ClassStyle, ClassedHTMLGenerator};
        let syntaxes = two_face::syntax::extra_newlines();
        let rust = syntaxes
            .find_syntax_by_token("rust")
            .expect("a Rust grammar");
        let html = |style: ClassStyle| {
            let mut lines = ClassedHTMLGenerator::new_with_class_style(rust, &syntaxes, style);
            lines
                .parse_html_for_line_which_includes_newline("fn main() {}\n")
                .expect("one line of Rust");
            lines.finalize()
        };
        let first = html(ClassStyle::SpacedPrefixed { prefix: "hl-" });
        let second = html(ClassStyle::SpacedPrefixed { prefix: "code-" });
        let plain = html(ClassStyle::Spaced);
        assert!(first.contains(r#"class="hl-source hl-rust""#), "{first}");
        assert!(
            second.contains(r#"class="code-source code-rust""#),
            "{second}"
        );
        assert!(plain.contains(r#"class="source rust""#), "{plain}");
        assert_eq!(first.replace("hl-", ""), plain);
        assert_eq!(second.replace("code-", ""), plain);
    }
}
