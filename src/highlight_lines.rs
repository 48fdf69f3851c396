//! Highlighting line by line, remembering each line a run has already parsed. A
//! portfolio's code repeats itself: the same imports, struct and helpers come back
//! entry after entry with one value changed, and parsing a line against a grammar
//! is the costly part of highlighting. A line parsed from the same grammar state
//! always gives the same spans and leaves the same state behind, so a line met
//! again in that state is looked up instead of parsed. The output is the same as
//! syntect's `ClassedHTMLGenerator` gives, byte for byte (tested below).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Past this many bytes kept, new lines are parsed but no longer kept: `serve`
/// keeps one memo for its whole session.
const LIMIT: usize = 32 << 20;

const SHARDS: usize = 16;

/// Where a grammar stands when a line starts: what the parser expects next and
/// which scopes are open.
#[derive(Clone, PartialEq, Eq)]
struct State {
    parse: ParseState,
    scopes: ScopeStack,
}

struct Seen {
    line: Box<str>,
    before: State,
    spans: Arc<str>,
    opened: isize,
    after: State,
}

// SAFETY: `ParseState` is not `Send` only because, for a grammar whose end pattern
// refers to an earlier capture (a heredoc's delimiter), it keeps that capture's
// onig `Region`, which holds raw pointers to arrays the region allocates and frees
// itself. Nothing ties those arrays to the thread that made them, and a `Seen` is
// only ever reached under its shard's lock.
unsafe impl Send for Seen {}

/// The lines highlighted so far, shared by every thread of a run.
#[derive(Default)]
pub struct LineMemo {
    hasher: RandomState,
    shards: [Mutex<HashMap<u64, Vec<Seen>>>; SHARDS],
    kept: AtomicUsize,
}

impl LineMemo {
    /// The classed spans for `code`, or `None` if its grammar fails on it.
    pub fn highlight(
        &self,
        code: &str,
        syntax: &SyntaxReference,
        syntaxes: &SyntaxSet,
        style: ClassStyle,
    ) -> Option<String> {
        let mut state = State {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        // Highlighted code is several times longer than the code.
        let mut html = String::with_capacity(code.len() * 4);
        let mut open = 0;
        for line in LinesWithEndings::from(code) {
            let (spans, opened) = self.line(line, &mut state, syntaxes, style)?;
            html.push_str(&spans);
            open += opened;
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// The spans for `line` and how many of them it leaves open; moves `state`
    /// past the line.
    fn line(
        &self,
        line: &str,
        state: &mut State,
        syntaxes: &SyntaxSet,
        style: ClassStyle,
    ) -> Option<(Arc<str>, isize)> {
        let key = self.hasher.hash_one(line);
        let shard = &self.shards[key as usize % SHARDS];
        {
            let seen = shard.lock().ok()?;
            let found = seen
                .get(&key)
                .and_then(|all| all.iter().find(|s| *s.line == *line && s.before == *state));
            if let Some(found) = found {
                state.clone_from(&found.after);
                return Some((found.spans.clone(), found.opened));
            }
        }
        let before = state.clone();
        let ops = state.parse.parse_line(line, syntaxes).ok()?;
        let (spans, opened) =
            line_tokens_to_classed_spans(line, &ops, style, &mut state.scopes).ok()?;
        let spans: Arc<str> = spans.into();
        let size = line.len() + spans.len() + 256;
        if self.kept.fetch_add(size, Ordering::Relaxed) < LIMIT {
            let seen = Seen {
                line: line.into(),
                before,
                spans: spans.clone(),
                opened,
                after: state.clone(),
            };
            shard.lock().ok()?.entry(key).or_default().push(seen);
        }
        Some((spans, opened))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

    fn syntect(code: &str, lang: &str, syntaxes: &SyntaxSet) -> String {
        let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        generator.finalize()
    }

    /// Each block shares lines with another, met in a different grammar state:
    /// inside a comment, a string, or a heredoc whose end is another word.
    const BLOCKS: [(&str, &str); 8] = [
        ("rust", "let x = 1;\n/*\nlet x = 1;\n*/\nlet x = 1;\n"),
        ("rust", "/*\nlet x = 1;\n"),
        ("rust", "let s = r#\"\nlet x = 1;\n\"#;\nlet x = 1;\n"),
        ("python", "x = 1\n\"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
        ("bash", "cat <<EOF\nEND\necho hi\nEOF\necho hi\n"),
        ("bash", "cat <<END\nEOF\necho hi\nEND\necho hi\n"),
        ("toml", "[a]\nx = 1\ns = \"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
        ("json", "{\n  \"x\": 1\n}\n"),
    ];

    #[test]
    fn remembered_lines_give_what_syntect_gives() {
        let syntaxes = two_face::syntax::extra_newlines();
        let memo = LineMemo::default();
        // Twice over, so the second pass is all remembered lines.
        for (lang, code) in BLOCKS.iter().chain(BLOCKS.iter().rev()) {
            let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
            let html = memo.highlight(code, syntax, &syntaxes, STYLE).unwrap();
            assert_eq!(html, syntect(code, lang, &syntaxes), "{lang}: {code}");
        }
    }

    #[test]
    fn threads_share_what_they_remember() {
        let syntaxes = two_face::syntax::extra_newlines();
        let memo = LineMemo::default();
        std::thread::scope(|scope| {
            for turn in 0..4 {
                let (memo, syntaxes) = (&memo, &syntaxes);
                scope.spawn(move || {
                    for i in 0..BLOCKS.len() {
                        let (lang, code) = BLOCKS[(i + turn) % BLOCKS.len()];
                        let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
                        let html = memo.highlight(code, syntax, syntaxes, STYLE).unwrap();
                        assert_eq!(html, syntect(code, lang, syntaxes), "{lang}: {code}");
                    }
                });
            }
        });
        assert!(memo.kept.load(Ordering::Relaxed) > 0);
    }
}
