//! Front matter written in YAML between `---` lines, as Jekyll and Hugo sites have
//! it. skillfolio reads only TOML, and a site moved over would otherwise have its
//! keys silently shown as body text; this recognises the YAML block and writes the
//! first keys again as TOML, so the error can show what to type instead.

use std::ops::Range;

/// How many keys the hint shows: enough to make the pattern plain.
const SHOWN: usize = 4;

/// The lines of a `---` block at the top of `text`, when it holds at least one
/// `key: value` line (a bare `---` pair is also a markdown rule and stays body).
/// Returns the range of the opening fence and the block's text.
pub fn find(text: &str, start: usize) -> Option<(Range<usize>, &str)> {
    let rest = &text[start..];
    let first_end = rest.find('\n').unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "---" {
        return None;
    }
    let body_start = (first_end + 1).min(rest.len());
    let mut pos = body_start;
    for line in rest[body_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let block = &rest[body_start..pos];
            return block
                .lines()
                .any(|l| key_value(l).is_some())
                .then_some((start..start + 3, block));
        }
        pos += line.len();
    }
    None
}

/// A top-level `key: value` line (the value may be empty when a list follows).
fn key_value(line: &str) -> Option<(&str, &str)> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (key, value) = line.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !plain || !(value.is_empty() || value.starts_with([' ', '\t', '\r'])) {
        return None;
    }
    Some((key, value.trim()))
}

/// The first keys of a YAML block as TOML lines: `title: Omelette` becomes
/// `title = "Omelette"`, dates, numbers and booleans stay bare, and lists (inline
/// `[a, b]` or one `- item` per line) become `["a", "b"]`.
pub fn to_toml(block: &str) -> Vec<String> {
    let lines: Vec<&str> = block.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() && out.len() < SHOWN {
        let Some((key, value)) = key_value(lines[i]) else {
            i += 1;
            continue;
        };
        i += 1;
        let value = strip_comment(value);
        if value.is_empty() {
            // A block list: the indented `- item` lines that follow.
            let mut items = Vec::new();
            while let Some(item) = lines
                .get(i)
                .and_then(|l| l.trim_start().strip_prefix('-'))
                .filter(|_| lines[i].starts_with([' ', '\t', '-']))
            {
                items.push(scalar(strip_comment(item.trim()), true));
                i += 1;
            }
            if !items.is_empty() {
                out.push(format!("{key} = [{}]", items.join(", ")));
            }
            continue;
        }
        out.push(format!("{key} = {}", value_to_toml(value)));
    }
    out
}

fn value_to_toml(value: &str) -> String {
    match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => {
            let items: Vec<String> = inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| scalar(s, true))
                .collect();
            format!("[{}]", items.join(", "))
        }
        None => scalar(value, false),
    }
}

/// One YAML scalar as TOML. List items are always text (tags, evidence paths),
/// so only a key's own value may stay a bare number, date or boolean.
fn scalar(value: &str, text_only: bool) -> String {
    let unquoted = unquote(value);
    if let Some(text) = unquoted {
        return quote(text);
    }
    let bare = value == "true"
        || value == "false"
        || value.parse::<i64>().is_ok()
        || value.parse::<f64>().is_ok_and(f64::is_finite)
        || super::frontmatter::parse_date(value).is_ok();
    if bare && !text_only {
        value.to_string()
    } else {
        quote(value)
    }
}

fn unquote(value: &str) -> Option<&str> {
    ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
        .filter(|_| value.len() >= 2)
}

/// A `#` after a space starts a YAML comment, unless it is inside quotes.
fn strip_comment(value: &str) -> &str {
    if value.starts_with(['"', '\'']) {
        return value;
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end(),
        None if value.starts_with('#') => "",
        None => value,
    }
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_toml_with_bare_dates_numbers_and_booleans() {
        let block = "title: Omelette\ndate: 2026-10-03\nminutes: 25\ndraft: false\n";
        assert_eq!(
            to_toml(block),
            [
                "title = \"Omelette\"",
                "date = 2026-10-03",
                "minutes = 25",
                "draft = false"
            ]
        );
    }

    #[test]
    fn lists_inline_or_one_per_line_become_lists_of_texts() {
        assert_eq!(
            to_toml("tags: [kitchen, 'eggs', 2026]\n"),
            ["tags = [\"kitchen\", \"eggs\", \"2026\"]"]
        );
        assert_eq!(
            to_toml("evidence:\n  - fold.jpg\n  - \"pan.jpg\"\ntitle: \"A: b\"\n"),
            ["evidence = [\"fold.jpg\", \"pan.jpg\"]", "title = \"A: b\""]
        );
    }

    #[test]
    fn quotes_comments_and_the_number_of_keys_shown() {
        assert_eq!(
            to_toml("title: Say \"hi\" # greeting\n"),
            ["title = 'Say \"hi\"'"]
        );
        let many = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n";
        assert_eq!(to_toml(many).len(), SHOWN);
    }

    #[test]
    fn only_a_closed_block_with_keys_is_yaml() {
        assert!(find("---\ntitle: x\n---\nbody", 0).is_some());
        assert!(find("---\nJust a rule\n---\n", 0).is_none());
        assert!(find("---\ntitle: x\nno end", 0).is_none());
        assert!(find("+++\ntitle = 1\n+++\n", 0).is_none());
        assert!(find("---", 0).is_none());
    }
}
