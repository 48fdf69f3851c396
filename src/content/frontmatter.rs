//! Front matter: splitting the `+++` block from the body and reading its keys with
//! their positions, so every mistake (a typo in a key, a date that does not exist,
//! a status nobody knows) is reported at its exact line and column, all at once.

use std::cell::RefCell;
use std::ops::Range;

use jiff::civil::Date;
use toml::de::{DeTable, DeValue};

use crate::content::SourceFile;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Where the front matter and the body sit within a file's text.
#[derive(Debug, Clone)]
pub struct Split {
    /// The TOML between the fences, as a byte range of the file text.
    pub toml: Option<Range<usize>>,
    /// Everything after the closing fence.
    pub body: Range<usize>,
}

/// Finds the `+++` fences. A file without an opening fence has no front matter; an
/// opening fence that is never closed is an error, since guessing would swallow the
/// whole body into TOML.
pub fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &file.text;
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some((first, first_end)) = lines.next() else {
        return Ok(Split {
            toml: None,
            body: start..text.len(),
        });
    };
    if let Some((fence, block)) = super::yaml::find(text, start) {
        return Err(yaml_front_matter(file, fence, block));
    }
    if text[first.clone()].trim_end() != "+++" {
        return Ok(Split {
            toml: None,
            body: start..text.len(),
        });
    }
    let toml_start = first_end;
    for (line, line_end) in lines {
        if text[line.clone()].trim_end() == "+++" {
            return Ok(Split {
                toml: Some(toml_start..line.start),
                body: line_end..text.len(),
            });
        }
    }
    Err(Diagnostic::error("front matter is never closed")
        .at(&file.path, text, first.start, 3)
        .hint("add a line containing only `+++` after the last front matter key"))
}

/// Front matter in YAML: named at its opening `---`, with the first keys as TOML.
fn yaml_front_matter(file: &SourceFile, fence: Range<usize>, block: &str) -> Diagnostic {
    let keys = super::yaml::to_toml(block);
    let example = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::error(
        "front matter is YAML (between `---` lines); skillfolio reads TOML between `+++` lines",
    )
    .at(&file.path, &file.text, fence.start, fence.len())
    .hint(format!(
        "replace both `---` lines with `+++` and write each key as `key = value`: {example}"
    ))
}

/// Yields each line's range without its line ending, and where the next line starts;
/// `\r\n`, `\n` and a lone `\r` all end a line.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = (Range<usize>, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let start = self.pos;
        let (len, skip) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        self.pos = start + len + skip;
        Some((start..start + len, self.pos))
    }
}

/// A date as written: the calendar day it names, and the exact instant when a full
/// RFC 3339 datetime was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateValue {
    pub date: Date,
    pub instant: Option<jiff::Timestamp>,
}

/// Reads typed values out of a front matter table, recording every problem instead of
/// stopping at the first, and remembers which keys were asked for so that anything
/// left over can be reported as unknown with the nearest known key.
pub struct Fields<'a> {
    file: &'a SourceFile,
    offset: usize,
    opening: usize,
    table: DeTable<'a>,
    errors: &'a mut Vec<Diagnostic>,
    /// Every key asked for, in the order first asked: the keys the table
    /// accepts, so the reader's calls are the one list of them. A cell, since
    /// looking a key up only reads the table.
    asked: RefCell<Vec<String>>,
}

impl<'a> Fields<'a> {
    /// Parses `range` of the file as TOML. An absent front matter reads as an empty
    /// table, so required keys are still reported as missing.
    pub fn parse(
        file: &'a SourceFile,
        range: Option<Range<usize>>,
        errors: &'a mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let opening = file.text.find("+++").unwrap_or(0);
        Fields::parse_at(file, range, opening, false, errors)
    }

    /// Parses a whole file that is TOML (`site.toml`), whose errors name the file
    /// rather than a front matter it does not have.
    pub fn parse_document(
        file: &'a SourceFile,
        errors: &'a mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        Fields::parse_at(file, Some(0..file.text.len()), 0, true, errors)
    }

    fn parse_at(
        file: &'a SourceFile,
        range: Option<Range<usize>>,
        opening: usize,
        document: bool,
        errors: &'a mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let Some(range) = range else {
            return Some(Fields {
                file,
                offset: 0,
                opening,
                table: DeTable::default(),
                errors,
                asked: RefCell::default(),
            });
        };
        let src = &file.text[range.clone()];
        match DeTable::parse(src) {
            Ok(table) => Some(Fields {
                file,
                offset: range.start,
                opening,
                table: table.into_inner(),
                errors,
                asked: RefCell::default(),
            }),
            Err(err) => {
                let span = err.span().unwrap_or(0..1);
                let message = err.message().trim().trim_end_matches('.').to_string();
                // TOML checks dates itself, so a 30 February is caught here.
                let (message, hint) = if message.starts_with("invalid date") {
                    (
                        message.clone(),
                        "write a real calendar date as YYYY-MM-DD, e.g. `date = 2026-10-03`",
                    )
                } else if document {
                    let name = file.path.display();
                    (
                        format!("invalid TOML in {name}: {message}"),
                        "write each setting as `key = value`: `title = \"text\"`, `today = 2026-10-03`, `[author]` on a line of its own before its keys",
                    )
                } else {
                    (
                        format!("invalid TOML in front matter: {message}"),
                        "front matter is TOML: `key = \"text\"`, `date = 2026-10-03`, `tags = [\"a\", \"b\"]`",
                    )
                };
                errors.push(
                    Diagnostic::error(message)
                        .at(&file.path, &file.text, range.start + span.start, span.len())
                        .hint(hint),
                );
                None
            }
        }
    }

    fn error_at(&mut self, span: &Range<usize>, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(message).at(
            &self.file.path,
            &self.file.text,
            self.offset + span.start,
            span.len(),
        );
        if let Some(h) = hint {
            d = d.hint(h);
        }
        self.errors.push(d);
    }

    /// Notes `key` as one the table accepts.
    fn ask(&self, key: &str) {
        let mut asked = self.asked.borrow_mut();
        if !asked.iter().any(|k| k == key) {
            asked.push(key.to_string());
        }
    }

    /// The keys asked for so far, in the order first asked.
    pub fn asked(&self) -> Vec<String> {
        self.asked.borrow().clone()
    }

    fn get(&self, key: &str) -> Option<(Range<usize>, &DeValue<'a>)> {
        self.ask(key);
        self.table.get(key).map(|v| (v.span(), v.get_ref()))
    }

    fn wrong_type(
        &mut self,
        key: &str,
        span: Range<usize>,
        found: &str,
        expected: &str,
        example: &str,
    ) {
        self.error_at(
            &span,
            format!("`{key}` must be {expected}, found {found}"),
            Some(format!("write it like `{key} = {example}`")),
        );
    }

    pub fn missing(&mut self, key: &str, example: &str) {
        self.ask(key);
        let d = Diagnostic::error(format!("missing required key `{key}`"))
            .at(&self.file.path, &self.file.text, self.opening, 3)
            .hint(format!("add `{key} = {example}`"));
        self.errors.push(d);
    }

    pub fn has(&self, key: &str) -> bool {
        self.ask(key);
        self.table.contains_key(key)
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        let (span, value) = self.get(key)?;
        match value {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "text in quotes", "\"...\"");
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &str) -> Option<String> {
        if !self.has(key) {
            self.missing(key, "\"...\"");
            return None;
        }
        let s = self.string(key)?;
        if s.trim().is_empty() {
            let (span, _) = self.get(key)?;
            self.error_at(
                &span,
                format!("`{key}` is empty"),
                Some(format!("give the `{key}` some text")),
            );
            return None;
        }
        Some(s)
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        let (span, value) = self.get(key)?;
        match value {
            DeValue::Boolean(b) => Some(*b),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "true or false", "true");
                None
            }
        }
    }

    pub fn uint(&mut self, key: &str) -> Option<u32> {
        let (span, value) = self.get(key)?;
        if let Some(n) = uint_value(value) {
            return Some(n);
        }
        if let Some(i) = value.as_integer()
            && let Some(digits) = i.as_str().strip_prefix('-')
        {
            let digits = digits.to_string();
            self.error_at(
                &span,
                format!("`{key}` must be zero or more, found -{digits}"),
                Some(format!("write a count of zero or more: `{key} = {digits}`")),
            );
            return None;
        }
        let found = value.type_str();
        self.wrong_type(key, span, found, "a whole number of zero or more", "25");
        None
    }

    /// A list of strings. A single string is an error, with the list it was
    /// probably meant as: `"kitchen, eggs"` is two tags, not one with a comma.
    pub fn strings(&mut self, key: &str) -> Vec<(String, Range<usize>)> {
        let Some((span, value)) = self.get(key) else {
            return Vec::new();
        };
        let offset = self.offset;
        match value {
            DeValue::String(s) => {
                let text = s.to_string();
                self.text_for_list(key, span, &text);
                Vec::new()
            }
            DeValue::Array(items) => {
                let mut out = Vec::new();
                let mut bad = None;
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => {
                            let sp = item.span();
                            out.push((s.to_string(), offset + sp.start..offset + sp.end));
                        }
                        other => bad = Some((item.span(), other.type_str())),
                    }
                }
                if let Some((sp, found)) = bad {
                    self.wrong_type(key, sp, found, "a list of texts", "[\"a\", \"b\"]");
                }
                out
            }
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "a list of texts", "[\"a\", \"b\"]");
                Vec::new()
            }
        }
    }

    /// Reports one text written where a list is wanted, with the list form.
    fn text_for_list(&mut self, key: &str, span: Range<usize>, text: &str) {
        let items: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| toml::Value::String(t.to_string()).to_string())
            .collect();
        self.error_at(
            &span,
            format!("`{key}` must be a list in square brackets, found a single text"),
            Some(format!("write `{key} = [{}]`", items.join(", "))),
        );
    }

    /// One of a fixed set of words; a near miss gets a suggestion.
    pub fn choice(&mut self, key: &str, options: &[&'static str]) -> Option<&'static str> {
        let (span, value) = self.get(key)?;
        let Some(s) = value.as_str() else {
            let found = value.type_str();
            self.wrong_type(
                key,
                span,
                found,
                "text in quotes",
                &format!("\"{}\"", options[0]),
            );
            return None;
        };
        let normalized = s.trim().to_lowercase();
        if let Some(found) = options.iter().find(|o| **o == normalized) {
            return Some(found);
        }
        let given = s.to_string();
        self.unknown_choice(span, key, &given, &normalized, options);
        None
    }

    /// Reports a value that is none of `options`, suggesting the nearest.
    fn unknown_choice(
        &mut self,
        span: Range<usize>,
        key: &str,
        given: &str,
        compared: &str,
        options: &[&str],
    ) {
        let list = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = match did_you_mean(compared, options.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? `{key}` is one of {list}"),
            None => format!("`{key}` is one of {list}"),
        };
        self.error_at(&span, format!("unknown {key} `{given}`"), Some(hint));
    }

    /// One of a fixed set of names compared exactly (theme names have capitals).
    pub fn choice_exact(&mut self, key: &str, options: &[&'static str]) -> Option<&'static str> {
        let (span, value) = self.get(key)?;
        let s = value.as_str().unwrap_or_default().to_string();
        if let Some(found) = options.iter().find(|o| **o == s) {
            return Some(found);
        }
        self.unknown_choice(span, key, &s, &s, options);
        None
    }

    /// A date, or an RFC 3339 datetime whose own calendar day is the date.
    pub fn date(&mut self, key: &str) -> Option<DateValue> {
        let (span, value) = self.get(key)?;
        let text = match value {
            DeValue::Datetime(dt) => dt.to_string(),
            DeValue::String(s) => s.to_string(),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "a date", "2026-10-03");
                return None;
            }
        };
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.error_at(
                    &span,
                    format!("`{key}` is not a valid date: {reason}"),
                    Some(format!(
                        "write a real calendar date as YYYY-MM-DD (`{key} = 2026-10-03`) or an RFC 3339 datetime (`{key} = 2026-10-03T07:30:00+01:00`)"
                    )),
                );
                None
            }
        }
    }

    /// A reader of `table`, which opens at `start` of this front matter, sharing
    /// this file's errors.
    fn nested<'b>(&'b mut self, start: usize, table: DeTable<'a>) -> Fields<'b> {
        Fields {
            file: self.file,
            offset: self.offset,
            opening: self.offset + start,
            table,
            errors: self.errors,
            asked: RefCell::default(),
        }
    }

    /// A nested table, read with its own field reader sharing this file's errors.
    pub fn table(&mut self, key: &str) -> Option<Fields<'_>> {
        let (span, value) = self.get(key)?;
        match value {
            DeValue::Table(t) => {
                let table = t.clone();
                Some(self.nested(span.start, table))
            }
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "a table", "{ ... }");
                None
            }
        }
    }

    /// A list of tables (`[[menu]]`, or `menu = [{ ... }]`): each item is read by
    /// `read` with a field reader of its own, and its unknown keys are reported
    /// as keys of `what`.
    pub fn tables<T>(
        &mut self,
        key: &str,
        what: &str,
        example: &str,
        mut read: impl FnMut(&mut Fields<'_>) -> Option<T>,
    ) -> Vec<T> {
        let Some((span, value)) = self.get(key) else {
            return Vec::new();
        };
        let items: Vec<(Range<usize>, DeValue<'a>)> = match value {
            DeValue::Array(items) => (items.iter())
                .map(|i| (i.span(), i.get_ref().clone()))
                .collect(),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, found, "a list of tables", example);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (span, item) in items {
            match item {
                DeValue::Table(table) => {
                    let mut fields = self.nested(span.start, table);
                    out.extend(read(&mut fields));
                    fields.finish(what);
                }
                other => {
                    let found = other.type_str();
                    self.wrong_type(key, span, found, "a list of tables", example);
                }
            }
        }
        out
    }

    /// The raw value of a key and its absolute span, for keys whose shape varies.
    pub fn raw(&self, key: &str) -> Option<(Range<usize>, &DeValue<'a>)> {
        self.get(key)
            .map(|(span, v)| (self.offset + span.start..self.offset + span.end, v))
    }

    /// Where `key` itself is written, as an absolute span of the file.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.ask(key);
        self.table
            .get_key_value(key)
            .map(|(k, _)| self.absolute(k.span()))
    }

    /// Turns a span relative to the front matter into one relative to the file.
    pub fn absolute(&self, span: Range<usize>) -> Range<usize> {
        self.offset + span.start..self.offset + span.end
    }

    /// Records a problem found by the caller at an absolute span of the file.
    pub fn push_error(&mut self, span: Range<usize>, message: &str, hint: &str) {
        let d = Diagnostic::error(message)
            .at(&self.file.path, &self.file.text, span.start, span.len())
            .hint(hint);
        self.errors.push(d);
    }

    /// Reports every key that was never asked for, suggesting the nearest one
    /// that was.
    pub fn finish(mut self, what: &str) {
        let known = self.asked.take();
        let unknown: Vec<(String, Range<usize>)> = self
            .table
            .iter()
            .filter(|(k, _)| !known.iter().any(|known| known == k.get_ref().as_ref()))
            .map(|(k, _)| (k.get_ref().to_string(), k.span()))
            .collect();
        for (key, span) in unknown {
            let list = known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match did_you_mean(&key, known.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("{what} accepts {list}"),
            };
            self.error_at(&span, format!("unknown key `{key}` in {what}"), Some(hint));
        }
    }
}

fn uint_value(value: &DeValue<'_>) -> Option<u32> {
    let i = value.as_integer()?;
    u32::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
}

/// Reads an unsigned integer out of a raw value (used for nested shapes).
pub fn as_uint(value: &DeValue<'_>) -> Option<u32> {
    uint_value(value)
}

pub fn parse_date(text: &str) -> Result<DateValue, String> {
    let text = text.trim();
    if text.len() <= 10 {
        return text
            .parse::<Date>()
            .map(|date| DateValue {
                date,
                instant: None,
            })
            .map_err(|e| short_reason(&e.to_string()));
    }
    if let Ok(zoned) = text.parse::<jiff::Timestamp>() {
        // The entry's day is the calendar date as written, not the UTC date.
        let date = text[..10]
            .parse::<Date>()
            .map_err(|e| short_reason(&e.to_string()))?;
        return Ok(DateValue {
            date,
            instant: Some(zoned),
        });
    }
    match text.parse::<jiff::civil::DateTime>() {
        Ok(dt) => Ok(DateValue {
            date: dt.date(),
            instant: dt
                .to_zoned(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp()),
        }),
        Err(e) => Err(short_reason(&e.to_string())),
    }
}

/// jiff's messages nest the cause after colons; the last part is what a person needs.
fn short_reason(message: &str) -> String {
    message.rsplit(": ").next().unwrap_or(message).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("x.md"),
            text: text.into(),
        }
    }

    #[test]
    fn splits_front_matter_with_crlf_and_bom() {
        let f = file("\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody\r\n");
        let s = split(&f).unwrap();
        assert_eq!(&f.text[s.toml.unwrap()], "title = \"a\"\r\n");
        assert_eq!(&f.text[s.body], "body\r\n");
    }

    #[test]
    fn a_file_without_fences_is_all_body() {
        let f = file("just text\n");
        let s = split(&f).unwrap();
        assert!(s.toml.is_none());
        assert_eq!(&f.text[s.body], "just text\n");
    }

    #[test]
    fn an_unclosed_fence_is_an_error_on_line_one() {
        let f = file("+++\ntitle = \"a\"\nbody\n");
        let d = split(&f).unwrap_err();
        assert_eq!(d.message, "front matter is never closed");
        assert_eq!(d.location.unwrap().line, 1);
    }

    #[test]
    fn dates_and_datetimes() {
        assert_eq!(
            parse_date("2026-10-03").unwrap().date.to_string(),
            "2026-10-03"
        );
        let dt = parse_date("2026-10-03T23:30:00-05:00").unwrap();
        assert_eq!(dt.date.to_string(), "2026-10-03");
        assert_eq!(dt.instant.unwrap().to_string(), "2026-10-04T04:30:00Z");
        assert!(parse_date("2026-02-30").is_err());
    }
}
