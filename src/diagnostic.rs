//! One diagnostic type for every problem skillfolio reports, so that a bad front
//! matter key, a broken template and an unsafe output folder all read the same way:
//! what is wrong, where (file:line:column, with the offending line), and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A located source: the text is kept so a diagnostic can quote the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column counted in characters.
    pub column: usize,
    pub source_line: String,
    /// How many characters to underline.
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Boxed so a `Result<_, Diagnostic>` stays small on the happy path.
    pub location: Option<Box<Location>>,
    pub hint: Option<String>,
    /// A link that leads nowhere: a warning where the site is still published
    /// (`build`, `serve`), an error where the site is judged (`check`).
    pub broken_link: bool,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
            broken_link: false,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// A warning about a link that leads nowhere; see [`Diagnostic::broken_link`].
    pub fn broken_link(message: impl Into<String>) -> Self {
        Diagnostic {
            broken_link: true,
            ..Diagnostic::warning(message)
        }
    }

    /// Points at `len` bytes starting at byte `offset` of `text`, the contents of `file`.
    pub fn at(mut self, file: &Path, text: &str, offset: usize, len: usize) -> Self {
        self.location = Some(Box::new(locate(file, text, offset, len)));
        self
    }

    /// Names a file without pointing into it (a missing file, a folder).
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Box::new(Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            source_line: String::new(),
            width: 0,
        }));
        self
    }

    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Turns a byte offset into a line and column; offsets past the end or inside a
/// character are clamped so a diagnostic can never panic on odd input.
pub fn locate(file: &Path, text: &str, offset: usize, len: usize) -> Location {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..line_start].matches('\n').count() + 1;
    let source_line = text[line_start..line_end].trim_end_matches('\r');
    let column = text[line_start..offset].chars().count() + 1;
    let end = (offset + len).min(line_end);
    let width = text
        .get(offset..end)
        .map_or(1, |s| s.chars().count())
        .max(1);
    Location {
        file: file.to_path_buf(),
        line,
        column,
        source_line: source_line.to_string(),
        width,
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", printable(&self.message, true))?;
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            let file = loc.file.to_string_lossy();
            let file = printable(&file, false);
            if loc.line == 0 {
                writeln!(f, "  --> {file}")?;
            } else {
                let number = loc.line.to_string();
                gutter = number.len();
                let pad = " ".repeat(gutter);
                writeln!(f, "{pad}--> {file}:{}:{}", loc.line, loc.column)?;
                writeln!(f, "{pad} |")?;
                writeln!(f, "{number} | {}", printable(&loc.source_line, false))?;
                let mut chars = loc.source_line.chars();
                let mut indent = String::new();
                for c in chars.by_ref().take(loc.column - 1) {
                    match c {
                        '\t' => indent.push('\t'),
                        c => indent.extend(std::iter::repeat_n(' ', shown_width(c))),
                    }
                }
                // Past the end of the line (a missing value) each caret is one column.
                let (mut width, mut counted) = (0, 0);
                for c in chars.take(loc.width) {
                    width += shown_width(c);
                    counted += 1;
                }
                width += loc.width - counted;
                writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(
                f,
                "{} = hint: {}",
                " ".repeat(gutter),
                printable(hint, true)
            )?;
        }
        Ok(())
    }
}

/// Text from the content as a terminal may show it: a control character (ESC,
/// the rest of C0 but tab, DEL, C1) could recolour, move or clear what the
/// reader sees, so it is written as its escape, `\u{1b}`. `lines` keeps line
/// breaks, which the messages themselves use.
pub fn printable(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| c == '\t' || (lines && c == '\n') || !c.is_control();
    if text.chars().all(keep) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out.into()
}

/// How many columns a character of a quoted line takes once made printable.
fn shown_width(c: char) -> usize {
    if c == '\t' || !c.is_control() {
        1
    } else {
        format!("\\u{{{:x}}}", c as u32).len()
    }
}

/// Every problem one run found, errors and warnings together, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl Diagnostics {
    /// Drops a finding reported twice in a row (two pages showing one broken link).
    pub fn dedup(&mut self) {
        self.0.dedup();
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file, then line and column, so a report reads as a list per file.
    pub fn sort_by_file(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.column))
            };
            (key(a), a.severity).cmp(&(key(b), b.severity))
        });
        self.0.dedup();
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Files are read in parallel; sorting makes the report the same on every run.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.column))
            };
            (a.severity, key(a)).cmp(&(b.severity, key(b)))
        });
        self.0.dedup();
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to a misspelt word, if any is close enough to be a
/// plausible typo rather than a different word altogether.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// An I/O failure, named with the path so the user knows which file to look at.
pub fn io_error(action: &str, path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("could not {action} {}: {err}", path.display())).in_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_caret_and_hint() {
        let text = "+++\ntitel = \"x\"\n+++\n";
        let d = Diagnostic::error("unknown key `titel`")
            .at(Path::new("a.md"), text, 4, 5)
            .hint("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "error: unknown key `titel`\n --> a.md:2:1\n  |\n2 | titel = \"x\"\n  | ^^^^^\n  = hint: did you mean `title`?\n"
        );
    }

    #[test]
    fn control_characters_are_escaped_and_the_caret_stays_under_its_text() {
        let text = "+++\ntitle = \"\x1b[31mred\x1b[0m\"\nmood = 1\u{9b}2\x7f\n+++\n";
        let offset = text.find("mood").unwrap();
        let d = Diagnostic::error("unknown key `\x1b]0;owned\x07mood`")
            .at(Path::new("a\x1b.md"), text, offset + 10, 1)
            .hint("not `\x1b[2J`");
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        let caret = format!("  | {}^", " ".repeat(14));
        assert_eq!(
            shown,
            format!(
                "error: unknown key `\\u{{1b}}]0;owned\\u{{7}}mood`\n --> a\\u{{1b}}.md:3:10\n  |\n3 | mood = 1\\u{{9b}}2\\u{{7f}}\n{caret}\n  = hint: not `\\u{{1b}}[2J`\n"
            )
        );
        // The escape itself is underlined whole.
        let d = Diagnostic::error("x").at(Path::new("a"), text, offset + 8, 1);
        let caret = format!("\n  | {}^^^^^^\n", " ".repeat(8));
        assert!(d.to_string().contains(&caret), "{d}");
        let d = Diagnostic::error("x").at(Path::new("a"), "a\tb\x1bc", 4, 1);
        let caret = format!("\n  |  \t{}^\n", " ".repeat(7));
        assert!(d.to_string().contains(&caret), "{d}");
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_do_not_panic() {
        let loc = locate(Path::new("a"), "é", 1, 3);
        assert_eq!((loc.line, loc.column), (1, 1));
        let loc = locate(Path::new("a"), "ab\n", 99, 1);
        assert_eq!(loc.line, 2);
    }

    #[test]
    fn suggests_only_close_words() {
        let keys = ["title", "summary", "started"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("Sumary", keys), Some("summary"));
        assert_eq!(did_you_mean("zebra", keys), None);
    }
}
