//! Dates and numbers as a language writes them, from the names and patterns of
//! its table, and the filling of `{name}`s in its strings. A view is made for
//! every entry of every build, so the patterns are taken out of the table once.

use jiff::civil::Date;

#[cfg(test)]
use super::table::Message;
use super::table::{Table, Value};

pub struct Formats {
    months: Vec<String>,
    months_short: Vec<String>,
    weekdays_short: Vec<String>,
    date: DatePattern,
    date_short: DatePattern,
    month_year: DatePattern,
    decimal: String,
    group: String,
    group_from: usize,
    list_separator: String,
}

impl Formats {
    pub fn of(table: &Table) -> Result<Formats, String> {
        let list = |key: &str, len: usize| match table.get(key) {
            Some(Value::List(names)) if names.len() == len => Ok(names.clone()),
            _ => Err(format!("`{key}` must be a list of {len} names")),
        };
        let text = |key: &str| match table.get(key) {
            Some(Value::Message(m)) => Ok(m.other().to_string()),
            _ => Err(format!("`{key}` must be text")),
        };
        Ok(Formats {
            months: list("months", 12)?,
            months_short: list("months_short", 12)?,
            weekdays_short: list("weekdays_short", 7)?,
            date: DatePattern::of(&text("date")?),
            date_short: DatePattern::of(&text("date_short")?),
            month_year: DatePattern::of(&text("month_year")?),
            decimal: text("decimal")?,
            group: text("group")?,
            group_from: match table.get("group_from") {
                Some(Value::Int(n)) => *n as usize,
                _ => return Err("`group_from` must be a whole number".to_string()),
            },
            list_separator: text("list_separator")?,
        })
    }

    fn fill_date(&self, pattern: &DatePattern, date: Date) -> String {
        use std::fmt::Write;
        let month = (date.month() - 1) as usize;
        let mut out = String::with_capacity(pattern.len + 16);
        for piece in &pattern.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Day => _ = write!(out, "{}", date.day()),
                Piece::Month => out.push_str(&self.months[month]),
                Piece::MonthShort => out.push_str(&self.months_short[month]),
                Piece::Year => _ = write!(out, "{:04}", date.year()),
            }
        }
        out
    }

    pub fn date(&self, date: Date) -> String {
        self.fill_date(&self.date, date)
    }

    pub fn date_short(&self, date: Date) -> String {
        self.fill_date(&self.date_short, date)
    }

    pub fn month_year(&self, date: Date) -> String {
        self.fill_date(&self.month_year, date)
    }

    pub fn month_short(&self, month: i8) -> &str {
        &self.months_short[(month.clamp(1, 12) - 1) as usize]
    }

    pub fn weekday_short(&self, day: usize) -> &str {
        &self.weekdays_short[day % 7]
    }

    pub fn list_separator(&self) -> &str {
        &self.list_separator
    }

    /// `1234.5` as `1,234.5`, `1.234,5` or `1 234,5`. Anything that is not a
    /// plain number is returned as it is.
    pub fn number(&self, plain: &str) -> String {
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain),
        };
        let (whole, fraction) = match rest.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (rest, None),
        };
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(whole) || fraction.is_some_and(|f| !digits_only(f)) {
            return plain.to_string();
        }
        let mut out = String::with_capacity(plain.len() + 4);
        out.push_str(sign);
        if whole.len() >= self.group_from.max(4) {
            for (i, digit) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    out.push_str(&self.group);
                }
                out.push(digit);
            }
        } else {
            out.push_str(whole);
        }
        if let Some(f) = fraction {
            out.push_str(&self.decimal);
            out.push_str(f);
        }
        out
    }

    /// A number in plain form (`35.6`), or as [`Formats::number`] writes it
    /// (`35,6`) made plain.
    pub fn plain(&self, written: &str) -> Option<String> {
        if written.parse::<f64>().is_ok() {
            return Some(written.to_string());
        }
        let plain = written
            .trim()
            .replace(&self.group, "")
            .replace(&self.decimal, ".");
        plain.parse::<f64>().ok().map(|_| plain)
    }
}

/// A date pattern (`{day} {month} {year}`) split once into its text and the
/// parts of a date: a date is written for every entry and every week of every
/// skill, and filling the pattern afresh each time was most of what that cost.
struct DatePattern {
    pieces: Vec<Piece>,
    len: usize,
}

enum Piece {
    Text(String),
    Day,
    Month,
    MonthShort,
    Year,
}

impl DatePattern {
    /// The pieces [`fill`] would write: any other `{name}` stays as written.
    fn of(pattern: &str) -> DatePattern {
        let pieces = (split(pattern))
            .map(|bit| match bit {
                Bit::Name("day", _) => Piece::Day,
                Bit::Name("month", _) => Piece::Month,
                Bit::Name("month_short", _) => Piece::MonthShort,
                Bit::Name("year", _) => Piece::Year,
                Bit::Text(text) | Bit::Name(_, text) => Piece::Text(text.to_string()),
            })
            .collect();
        DatePattern {
            pieces,
            len: pattern.len(),
        }
    }
}

/// A part of a pattern: text as it is, or a `{name}` with the name and the
/// text as written.
enum Bit<'a> {
    Text(&'a str),
    Name(&'a str, &'a str),
}

/// The text and names of `pattern`, in order; an unclosed `{` is text.
fn split(pattern: &str) -> impl Iterator<Item = Bit<'_>> {
    let mut rest = pattern;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some((open, close)) = rest
            .find('{')
            .and_then(|open| Some((open, open + 1 + rest[open + 1..].find('}')?)))
        else {
            return Some(Bit::Text(std::mem::take(&mut rest)));
        };
        if open > 0 {
            let text = &rest[..open];
            rest = &rest[open..];
            return Some(Bit::Text(text));
        }
        let (written, after) = rest.split_at(close + 1);
        rest = after;
        Some(Bit::Name(&written[1..close], written))
    })
}

/// `pattern` with each `{name}` replaced by its value in `args`, and `{n}` by
/// `n`. A name with no value is left as written, so a mistake shows on the page.
pub fn fill(pattern: &str, args: &[(&str, &str)], n: Option<&str>) -> String {
    if !pattern.contains('{') {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    for bit in split(pattern) {
        match bit {
            Bit::Text(text) => out.push_str(text),
            Bit::Name(name, written) => {
                let given = || args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
                let value = match name {
                    "n" => n.or_else(given),
                    _ => given(),
                };
                out.push_str(value.unwrap_or(written));
            }
        }
    }
    out
}

/// The placeholders of a message, for tests that hold translations to English.
#[cfg(test)]
pub fn placeholders(message: &Message) -> Vec<String> {
    let texts: Vec<&str> = match message {
        Message::Text(t) => vec![t.as_str()],
        Message::Plural(forms) => forms.iter().map(|(_, t)| t.as_str()).collect(),
    };
    let mut names: Vec<String> = texts
        .iter()
        .flat_map(|t| {
            t.split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern split once writes what filling it afresh writes, whatever
    /// else it holds: other names, `{n}`, stray and unclosed braces.
    #[test]
    fn a_date_pattern_writes_what_filling_it_writes() {
        let names = |prefix: &str| (1..=12).map(|m| format!("{prefix}{m}")).collect::<Vec<_>>();
        let formats = Formats {
            months: names("month-"),
            months_short: names("m"),
            weekdays_short: Vec::new(),
            date: DatePattern::of(""),
            date_short: DatePattern::of(""),
            month_year: DatePattern::of(""),
            decimal: ".".into(),
            group: ",".into(),
            group_from: 4,
            list_separator: ", ".into(),
        };
        let patterns = [
            "{day} {month} {year}",
            "{month_short} {day}, {year}",
            "{year}年{month}{day}日",
            "{day}.{n}.{year} {weird}",
            "{{day}} }{month_short}{",
            "{day} {month",
            "",
            "no names",
        ];
        for pattern in patterns {
            for d in [
                jiff::civil::date(2026, 12, 4),
                jiff::civil::date(987, 1, 31),
                jiff::civil::date(2024, 2, 29),
            ] {
                let month = (d.month() - 1) as usize;
                let filled = fill(
                    pattern,
                    &[
                        ("day", &d.day().to_string()),
                        ("month", &formats.months[month]),
                        ("month_short", &formats.months_short[month]),
                        ("year", &format!("{:04}", d.year())),
                    ],
                    None,
                );
                let split = formats.fill_date(&DatePattern::of(pattern), d);
                assert_eq!(split, filled, "{pattern} on {d}");
            }
        }
    }
}
