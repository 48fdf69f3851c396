use once_cell::sync::OnceCell;
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use std::error::Error;

/// An abstraction for regex patterns.
///
/// * Allows swapping out the regex implementation because it's only in this module.
/// * Makes regexes serializable and deserializable using just the pattern string.
/// * Lazily compiles regexes on first use to improve initialization time.
#[derive(Debug)]
pub struct Regex {
    regex_str: String,
    regex: OnceCell<regex_impl::Regex>,
    /// Whether a thread has taken on compiling the pattern ahead of its first
    /// search (see [`Regex::compile_unless_taken`]).
    taken: std::sync::atomic::AtomicBool,
    /// The pattern's place in the parser's per-line table of searches, given
    /// on its first search (see [`Regex::slot`]).
    slot: std::sync::atomic::AtomicU32,
}

/// No place given yet.
const NO_SLOT: u32 = u32::MAX;

/// The next place to give a pattern: each pattern searched in this process
/// gets its own, so the parser's table grows with the patterns used.
static NEXT_SLOT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A region contains text positions for capture groups in a match result.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Region {
    region: regex_impl::Region,
}

impl Regex {
    /// Create a new regex from the pattern string.
    ///
    /// Note that the regex compilation happens on first use, which is why this method does not
    /// return a result.
    pub fn new(regex_str: String) -> Self {
        Self {
            regex_str,
            regex: OnceCell::new(),
            taken: std::sync::atomic::AtomicBool::new(false),
            slot: std::sync::atomic::AtomicU32::new(NO_SLOT),
        }
    }

    /// Compiles the pattern now, unless it is compiled or another thread has
    /// taken it on: threads that meet the same new patterns compile different
    /// ones instead of waiting for each other's. A pattern that does not
    /// compile is left to its first search, which reports it.
    pub fn compile_unless_taken(&self) {
        use std::sync::atomic::Ordering;
        if self.regex.get().is_none() && !self.taken.swap(true, Ordering::Relaxed) {
            let _ = self
                .regex
                .get_or_try_init(|| regex_impl::Regex::new(&self.regex_str));
        }
    }

    /// Check whether the pattern compiles as a valid regex or not.
    pub fn try_compile(regex_str: &str) -> Option<Box<dyn Error + Send + Sync + 'static>> {
        regex_impl::Regex::new(regex_str).err()
    }

    /// A number of this pattern's own, small and given once: the parser
    /// remembers what each pattern found on a line in a table by this
    /// number, which is cheaper than a map by the pattern's address.
    pub fn slot(&self) -> usize {
        use std::sync::atomic::Ordering;
        let slot = self.slot.load(Ordering::Relaxed);
        if slot != NO_SLOT {
            return slot as usize;
        }
        let new = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
        // Two threads may give it one at once; the first one given stays.
        match (self.slot).compare_exchange(NO_SLOT, new, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => new as usize,
            Err(given) => given as usize,
        }
    }

    /// Return the regex pattern.
    pub fn regex_str(&self) -> &str {
        &self.regex_str
    }

    /// Check if the regex matches the given text.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_match(text)
    }

    /// Search for the pattern in the given text from begin/end positions.
    ///
    /// If a region is passed, it is used for storing match group positions. The argument allows
    /// the [`Region`] to be reused between searches, which makes a significant performance
    /// difference.
    ///
    /// [`Region`]: struct.Region.html
    pub fn search(
        &self,
        text: &str,
        begin: usize,
        end: usize,
        region: Option<&mut Region>,
    ) -> bool {
        self.regex()
            .search(text, begin, end, region.map(|r| &mut r.region))
    }

    fn regex(&self) -> &regex_impl::Regex {
        self.regex.get_or_init(|| {
            regex_impl::Regex::new(&self.regex_str).expect("regex string should be pre-tested")
        })
    }
}

impl Clone for Regex {
    fn clone(&self) -> Self {
        Regex {
            regex_str: self.regex_str.clone(),
            regex: OnceCell::new(),
            taken: std::sync::atomic::AtomicBool::new(false),
            slot: std::sync::atomic::AtomicU32::new(NO_SLOT),
        }
    }
}

impl PartialEq for Regex {
    fn eq(&self, other: &Regex) -> bool {
        self.regex_str == other.regex_str
    }
}

impl Eq for Regex {}

impl Serialize for Regex {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
    {
        serializer.serialize_str(&self.regex_str)
    }
}

impl<'de> Deserialize<'de> for Regex {
    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: Deserializer<'de>,
    {
        let regex_str = String::deserialize(deserializer)?;
        Ok(Regex::new(regex_str))
    }
}

impl Region {
    pub fn new() -> Self {
        Self {
            region: regex_impl::new_region(),
        }
    }

    /// Get the start/end positions of the capture group with given index.
    ///
    /// If there is no match for that group or the index does not correspond to a group, `None` is
    /// returned. The index 0 returns the whole match.
    pub fn pos(&self, index: usize) -> Option<(usize, usize)> {
        self.region.pos(index)
    }
}

impl Default for Region {
    fn default() -> Self {
        Self::new()
    }
}

/// Fewer words than this are left as they are: the list is long enough to be
/// worth a guard per letter.
const LONG_LIST: usize = 64;

/// A pattern that opens with a long list of plain words in a group of its own,
/// after at most a word boundary: `(?xi: abort | abs | acons | … )` (Lisp's
/// list of functions has about 750), or PHP's and Perl's `\b(?xi: … )`,
/// rewritten so that each word is tried only where the text begins with its
/// first letter. Oniguruma tries every word of a list at every position of the
/// line, so such a pattern cost about 270 µs a search, ten times a whole line of
/// most grammars. The rewrite finds the same matches: the words are grouped by
/// their first letter, keeping their order within a group, and each group is
/// guarded by a look-ahead for that letter. At any position, only the words of
/// one group can match: the text there begins with their letter, or, ignoring
/// case, with a character outside ASCII that folds to it or to a pair of
/// letters that starts with it (`ſ`, `K`, `ß`, `ﬁ`), which every guard lets
/// through. So the first word that matches, and what follows it, are the same
/// as in the list's own order. A word that does not begin with a letter or a
/// digit, or holds anything but [`is_literal`] allows, or flags other than `x`
/// and `i`, leave the pattern as it is.
pub fn by_first_letter(pattern: &str) -> Option<String> {
    // A word boundary before the list is kept before it.
    let (boundary, rest) = match pattern.strip_prefix("\\b") {
        Some(rest) => ("\\b", rest),
        None => ("", pattern),
    };
    let rest = rest.strip_prefix("(?")?;
    let (flags, rest) = rest.split_once(':')?;
    if !flags.contains('x') || !flags.chars().all(|c| c == 'x' || c == 'i') {
        return None;
    }
    let (list, after) = rest.split_once(')')?;
    let mut words = Vec::new();
    for word in list.split('|') {
        // Spaces and line breaks between the words mean nothing under `x`.
        let word = word.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
        if !word.starts_with(|c: char| c.is_ascii_alphanumeric()) || !is_literal(word) {
            return None;
        }
        words.push(word);
    }
    if words.len() < LONG_LIST {
        return None;
    }
    let ignore_case = flags.contains('i');
    let letter = |word: &str| match ignore_case {
        true => word.as_bytes()[0].to_ascii_lowercase(),
        false => word.as_bytes()[0],
    };
    let mut groups: Vec<(u8, Vec<&str>)> = Vec::new();
    for word in words {
        let first = letter(word);
        match groups.iter_mut().find(|(l, _)| *l == first) {
            Some((_, group)) => group.push(word),
            None => groups.push((first, vec![word])),
        }
    }
    let mut out = format!("{boundary}(?{flags}:");
    for (i, (first, group)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        let first = char::from(*first);
        match ignore_case {
            // The class is read with case, or its negation would leave out the
            // characters that fold into ASCII.
            true => out.push_str(&format!("(?={first}|(?-i:[^\\x00-\\x7F]))(?:")),
            false => out.push_str(&format!("(?={first})(?:")),
        }
        out.push_str(&group.join("|"));
        out.push(')');
    }
    out.push(')');
    out.push_str(after);
    Some(out)
}

/// Whether `word` is only characters that stand for themselves: letters, digits,
/// `-_/<=>`, and `*+?.` escaped.
fn is_literal(word: &str) -> bool {
    let mut bytes = word.bytes();
    while let Some(b) = bytes.next() {
        let plain = match b {
            b'\\' => matches!(bytes.next(), Some(b'*' | b'+' | b'?' | b'.')),
            b => b.is_ascii_alphanumeric() || b"-_/<=>".contains(&b),
        };
        if !plain {
            return false;
        }
    }
    true
}

#[cfg(feature = "regex-onig")]
mod regex_impl {
    pub use onig::Region;
    use onig::{RegexOptions, SearchOptions, Syntax};
    use std::error::Error;

    #[derive(Debug)]
    pub struct Regex {
        regex: onig::Regex,
    }

    pub fn new_region() -> Region {
        Region::with_capacity(8)
    }

    impl Regex {
        pub fn new(regex_str: &str) -> Result<Regex, Box<dyn Error + Send + Sync + 'static>> {
            let by_letter = super::by_first_letter(regex_str);
            let result = onig::Regex::with_options(
                by_letter.as_deref().unwrap_or(regex_str),
                RegexOptions::REGEX_OPTION_CAPTURE_GROUP,
                Syntax::default(),
            );
            match result {
                Ok(regex) => Ok(Regex { regex }),
                Err(error) => Err(Box::new(error)),
            }
        }

        pub fn is_match(&self, text: &str) -> bool {
            self.regex
                .match_with_options(text, 0, SearchOptions::SEARCH_OPTION_NONE, None)
                .is_some()
        }

        pub fn search(
            &self,
            text: &str,
            begin: usize,
            end: usize,
            region: Option<&mut Region>,
        ) -> bool {
            // An error during the search counts as no match. For example, in
            // case of catastrophic backtracking, onig should fail with a
            // "retry-limit-in-match over" error eventually. `search_str` (in
            // vendor/onig) searches without allocating match parameters.
            self.regex.search_str(text, begin, end, region).is_some()
        }
    }
}

// If both regex-fancy and regex-onig are requested, this condition makes regex-onig win.
#[cfg(all(feature = "regex-fancy", not(feature = "regex-onig")))]
mod regex_impl {
    use std::error::Error;

    #[derive(Debug)]
    pub struct Regex {
        regex: fancy_regex::Regex,
    }

    #[derive(Clone, Debug, Eq, PartialEq)]
    pub struct Region {
        positions: Vec<Option<(usize, usize)>>,
    }

    pub fn new_region() -> Region {
        Region {
            positions: Vec::with_capacity(8),
        }
    }

    impl Regex {
        pub fn new(regex_str: &str) -> Result<Regex, Box<dyn Error + Send + Sync + 'static>> {
            let result = fancy_regex::RegexBuilder::new(regex_str)
                .oniguruma_mode(true)
                .build();
            match result {
                Ok(regex) => Ok(Regex { regex }),
                Err(error) => Err(Box::new(error)),
            }
        }

        pub fn is_match(&self, text: &str) -> bool {
            // Errors are treated as non-matches
            self.regex.is_match(text).unwrap_or(false)
        }

        pub fn search(
            &self,
            text: &str,
            begin: usize,
            end: usize,
            region: Option<&mut Region>,
        ) -> bool {
            // If there's an error during search, treat it as non-matching.
            // For example, in case of catastrophic backtracking, fancy-regex should
            // fail with an error eventually.
            if let Ok(Some(captures)) = self.regex.captures_from_pos(&text[..end], begin) {
                if let Some(region) = region {
                    region.init_from_captures(&captures);
                }
                true
            } else {
                false
            }
        }
    }

    impl Region {
        fn init_from_captures(&mut self, captures: &fancy_regex::Captures) {
            self.positions.clear();
            for i in 0..captures.len() {
                let pos = captures.get(i).map(|m| (m.start(), m.end()));
                self.positions.push(pos);
            }
        }

        pub fn pos(&self, i: usize) -> Option<(usize, usize)> {
            if i < self.positions.len() {
                self.positions[i]
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_compiled_regex() {
        let regex = Regex::new(String::from(r"\w+"));

        assert!(regex.regex.get().is_none());
        assert!(regex.is_match("test"));
        assert!(regex.regex.get().is_some());
    }

    #[test]
    fn serde_as_string() {
        let pattern: Regex = serde_json::from_str("\"just a string\"").unwrap();
        assert_eq!(pattern.regex_str(), "just a string");
        let back_to_str = serde_json::to_string(&pattern).unwrap();
        assert_eq!(back_to_str, "\"just a string\"");
    }
}
