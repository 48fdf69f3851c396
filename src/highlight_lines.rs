//! Highlighting line by line, remembering each line a run has already parsed. A
//! portfolio's code repeats itself: the same imports, struct and helpers come back
//! entry after entry with one value changed, and parsing a line against a grammar
//! is the costly part of highlighting. A line parsed from the same grammar state
//! always gives the same spans and leaves the same state behind, so a line met
//! again in that state is looked up instead of parsed. The output is the same as
//! syntect's `ClassedHTMLGenerator` gives, byte for byte (tested below).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::lock;

/// Past this many bytes kept, new lines are parsed but no longer kept until
/// `serve`, which keeps one memo for its whole session, starts it afresh.
const LIMIT: usize = 32 << 20;

const SHARDS: usize = 16;

/// Hashes lines and scopes, and the memo's tables by those hashes: most lines
/// are parsed once, so the memo's cost is mostly hashing, and no key comes from
/// anyone but the portfolio's own author.
type Fast = foldhash::fast::FixedState;

/// Where a grammar stands when a line starts: what the parser expects next and
/// which scopes are open.
#[derive(Clone, PartialEq, Eq)]
struct State {
    parse: KeptParse,
    scopes: ScopeStack,
}

/// A parse state as the memo keeps it: shared by the threads of a run.
#[derive(Clone, PartialEq, Eq)]
struct KeptParse(ParseState);

// SAFETY: `ParseState` is not `Send` only because, for a grammar whose end pattern
// refers to an earlier capture (a heredoc's delimiter), it may keep that capture's
// onig `Region`, which holds raw pointers to arrays the region allocates with
// malloc and frees itself. Nothing ties those arrays to the thread that made them.
// Besides, no state kept here holds a capture (see `LineMemo::number`), and the
// states are only ever reached under their lock. syntect is pinned to the
// vendored copy these details were read from (Cargo.toml).
unsafe impl Send for KeptParse {}

// Everything else the memo holds is `Send` on its own; should that change, this
// fails to compile rather than being covered by the promise above.
const _: () = {
    const fn send<T: Send>() {}
    send::<ScopeStack>();
    send::<HashMap<u64, Vec<u32>, Fast>>();
    send::<Seen>();
};

/// Each grammar state met so far, once, by number: a run meets a few hundred
/// states and tens of thousands of lines, so lines refer to states by number.
#[derive(Default)]
struct States {
    all: Vec<State>,
    /// Numbers by a hash of the state's open scopes, checked with `==`.
    by_scopes: HashMap<u64, Vec<u32>, Fast>,
}

/// A line parsed from state `before`: its spans, how many of them it leaves open,
/// and the state it leaves behind.
struct Seen {
    line: Box<str>,
    before: u32,
    spans: Arc<str>,
    opened: isize,
    after: u32,
}

/// The lines highlighted so far with one grammar set and one class style, shared
/// by every thread of a run.
pub struct LineMemo {
    syntaxes: SyntaxSet,
    style: ClassStyle,
    hasher: Fast,
    states: Mutex<States>,
    lines: [Mutex<HashMap<u64, Vec<Seen>, Fast>>; SHARDS],
    kept: AtomicUsize,
}

impl LineMemo {
    pub fn new(syntaxes: SyntaxSet, style: ClassStyle) -> LineMemo {
        LineMemo {
            syntaxes,
            style,
            hasher: Fast::default(),
            states: Mutex::default(),
            lines: Default::default(),
            kept: AtomicUsize::new(0),
        }
    }

    /// The grammars the memo highlights with.
    pub fn syntaxes(&self) -> &SyntaxSet {
        &self.syntaxes
    }

    /// Starts afresh once the memo is full, so a long `serve` session keeps
    /// remembering the code being written now.
    pub fn forget_if_full(&mut self) {
        if *self.kept.get_mut() >= LIMIT {
            self.forget();
        }
    }

    /// Forgets every line and state, keeping the grammars (and the patterns
    /// they have compiled).
    pub fn forget(&mut self) {
        *self.states.get_mut().unwrap_or_else(|e| e.into_inner()) = States::default();
        for shard in &mut self.lines {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        }
        *self.kept.get_mut() = 0;
    }

    /// The classed spans for `code` in `syntax` (one of this memo's grammars), or
    /// why there are none: the grammar failed on a line, or the block was still
    /// unfinished at `deadline`.
    pub fn highlight(
        &self,
        code: &str,
        syntax: &SyntaxReference,
        deadline: std::time::Instant,
    ) -> Result<String, String> {
        let start = State {
            parse: KeptParse(ParseState::new(syntax)),
            scopes: ScopeStack::new(),
        };
        let mut at = self.number(&start);
        // The state itself, kept while lines are being parsed: a run of
        // remembered lines only needs its number.
        let mut live = Some(start);
        // Highlighted code is several times longer than the code.
        let mut html = String::with_capacity(code.len() * 4);
        let mut open = 0;
        for (number, line) in LinesWithEndings::from(code).enumerate() {
            // Checked between lines: a grammar cannot be stopped inside one, but
            // the parser bounds the matches a single line may take.
            if std::time::Instant::now() > deadline {
                return Err(late(number));
            }
            if line.len() > LONGEST_LINE {
                return Err(format!(
                    "line {} of the block is {} characters long, and lines longer than {LONGEST_LINE} are not highlighted",
                    number + 1,
                    line.chars().count()
                ));
            }
            let key = at.map(|n| self.hasher.hash_one((n, line)));
            let found = key.and_then(|key| {
                self.shard(key)
                    .get(&key)?
                    .iter()
                    .find(|s| Some(s.before) == at && *s.line == *line)
                    .map(|s| (s.spans.clone(), s.opened, s.after))
            });
            let (spans, opened) = match found {
                Some((spans, opened, after)) => {
                    at = Some(after);
                    live = None;
                    (spans, opened)
                }
                None => {
                    // Only a numbered state is ever let go of.
                    let failed = |e: &dyn std::fmt::Display| {
                        format!(
                            "the {} grammar failed on line {} of the block: {e}",
                            syntax.name,
                            number + 1
                        )
                    };
                    let mut state = match (live.take(), at) {
                        (Some(state), _) => state,
                        (None, Some(at)) => lock(&self.states).all[at as usize].clone(),
                        (None, None) => return Err(failed(&"its state was lost")),
                    };
                    let parsed =
                        state
                            .parse
                            .0
                            .parse_line_until(line, &self.syntaxes, Some(deadline));
                    let ops = match parsed {
                        Ok(ops) => ops,
                        Err(syntect::parsing::ParsingError::Deadline) => return Err(late(number)),
                        Err(e) => return Err(failed(&e)),
                    };
                    let (spans, opened) =
                        line_tokens_to_classed_spans(line, &ops, self.style, &mut state.scopes)
                            .map_err(|e| failed(&e))?;
                    let spans: Arc<str> = spans.into();
                    let before = std::mem::replace(&mut at, self.number(&state));
                    live = Some(state);
                    if let (Some(key), Some(before), Some(after)) = (key, before, at)
                        && !self.full(line.len() + spans.len() + 64)
                    {
                        let seen = Seen {
                            line: line.into(),
                            before,
                            spans: spans.clone(),
                            opened,
                            after,
                        };
                        self.shard(key).entry(key).or_default().push(seen);
                    }
                    (spans, opened)
                }
            };
            html.push_str(&spans);
            open += opened;
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Ok(html)
    }

    /// The lines whose key is `key`, locked.
    fn shard(&self, key: u64) -> MutexGuard<'_, HashMap<u64, Vec<Seen>, Fast>> {
        lock(&self.lines[key as usize % SHARDS])
    }

    /// Whether the memo has no room left for `size` more bytes; takes them if it has.
    fn full(&self, size: usize) -> bool {
        self.kept.load(Ordering::Relaxed) >= LIMIT
            || self.kept.fetch_add(size, Ordering::Relaxed) >= LIMIT
    }

    /// The number of `state`, given it if it is new. A state holding a capture
    /// (the delimiter of a heredoc) gets none: syntect compares captures by their
    /// address, so such a state never equals another, not even its own copy, and
    /// could never be found.
    fn number(&self, state: &State) -> Option<u32> {
        // Parse states cannot be hashed; their open scopes can, and tell most
        // states apart.
        let key = self.hasher.hash_one(state.scopes.as_slice());
        let find = |states: &States| {
            let same = states.by_scopes.get(&key)?;
            same.iter()
                .copied()
                .find(|&n| states.all[n as usize] == *state)
        };
        if let Some(n) = find(&lock(&self.states)) {
            return Some(n);
        }
        let copy = state.clone();
        let size = 256 + 64 * state.scopes.len();
        if copy != *state || self.full(size) {
            return None;
        }
        let mut states = lock(&self.states);
        // Another thread may have numbered it meanwhile.
        if let Some(n) = find(&states) {
            return Some(n);
        }
        let n = u32::try_from(states.all.len()).ok()?;
        states.all.push(copy);
        states.by_scopes.entry(key).or_default().push(n);
        Some(n)
    }
}

/// The longest line highlighted. Grammars search a line from each token on, so
/// a line's time grows with its square: a 64 KiB line of minified code or base64
/// takes seconds, in one regex search that nothing can interrupt.
pub const LONGEST_LINE: usize = 10_000;

/// Why a block past its deadline is shown plain; `number` counts from 0.
fn late(number: usize) -> String {
    format!(
        "highlighting it took too long (stopped at line {} of the block)",
        number + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

    /// A deadline no test block comes near.
    fn far() -> std::time::Instant {
        std::time::Instant::now() + std::time::Duration::from_secs(600)
    }

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
        let mut memo = LineMemo::new(syntaxes.clone(), STYLE);
        let pass = |memo: &LineMemo, blocks: &mut dyn Iterator<Item = &(&str, &str)>| {
            for (lang, code) in blocks {
                let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
                let html = memo.highlight(code, syntax, far()).unwrap();
                assert_eq!(html, syntect(code, lang, &syntaxes), "{lang}: {code}");
            }
        };
        pass(&memo, &mut BLOCKS.iter());
        let kept = memo.kept.load(Ordering::Relaxed);
        assert!(kept > 0);
        // The second pass, in another order, finds every line it can remember.
        pass(&memo, &mut BLOCKS.iter().rev());
        assert_eq!(memo.kept.load(Ordering::Relaxed), kept);
        // Forgotten, the memo learns the same lines again, and gives the same spans.
        memo.forget();
        assert_eq!(memo.kept.load(Ordering::Relaxed), 0);
        pass(&memo, &mut BLOCKS.iter());
        assert_eq!(memo.kept.load(Ordering::Relaxed), kept);
    }

    #[test]
    fn threads_share_what_they_remember() {
        let syntaxes = two_face::syntax::extra_newlines();
        let memo = LineMemo::new(syntaxes.clone(), STYLE);
        std::thread::scope(|scope| {
            for turn in 0..4 {
                let (memo, syntaxes) = (&memo, &syntaxes);
                scope.spawn(move || {
                    for i in 0..BLOCKS.len() {
                        let (lang, code) = BLOCKS[(i + turn) % BLOCKS.len()];
                        let syntax = syntaxes.find_syntax_by_token(lang).unwrap();
                        let html = memo.highlight(code, syntax, far()).unwrap();
                        assert_eq!(html, syntect(code, lang, syntaxes), "{lang}: {code}");
                    }
                });
            }
        });
        assert!(memo.kept.load(Ordering::Relaxed) > 0);
    }

    #[test]
    fn a_block_past_its_deadline_stops_with_the_line_it_reached() {
        let memo = LineMemo::new(two_face::syntax::extra_newlines(), STYLE);
        let rust = memo
            .syntaxes()
            .find_syntax_by_token("rust")
            .unwrap()
            .clone();
        let past = std::time::Instant::now() - std::time::Duration::from_secs(1);
        let err = memo.highlight("fn main() {}\n", &rust, past).unwrap_err();
        assert_eq!(
            err,
            "highlighting it took too long (stopped at line 1 of the block)"
        );
        assert!(memo.highlight("fn main() {}\n", &rust, far()).is_ok());
    }
}
