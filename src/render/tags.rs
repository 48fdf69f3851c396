//! Finding the block tag a template leaves open. tera notices a missing
//! `{% endif %}` only where the parse runs into something else (the enclosing
//! `{% endblock %}`, or the end of the file) and reports it there, far from the
//! mistake; this walks the template's tags so the error can point at the
//! `{% if %}` that was never closed instead.

use std::ops::Range;

/// Tags that open a body closed by `end<tag>`.
const OPENERS: [&str; 6] = ["block", "for", "if", "filter", "component", "set"];

/// A tag left open: where it is written, its name, and the tag met in its place
/// (`None` at the end of the file).
#[derive(Debug, PartialEq, Eq)]
pub struct Unclosed {
    pub span: Range<usize>,
    pub name: &'static str,
    pub met: Option<Range<usize>>,
}

/// The first block tag closed by the wrong end tag, or still open at the end.
pub fn unclosed(text: &str) -> Option<Unclosed> {
    let mut stack: Vec<(Range<usize>, &'static str)> = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find(['{']) {
        let start = pos + found;
        let rest = &text[start..];
        if rest.starts_with("{#") {
            // Comments may hold anything, tags included.
            pos = rest.find("#}").map_or(text.len(), |i| start + i + 2);
            continue;
        }
        if !rest.starts_with("{%") {
            pos = start + 1;
            continue;
        }
        let Some(len) = text[start..].find("%}") else {
            break;
        };
        let end = start + len + 2;
        let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        pos = end;
        if word == "raw" {
            // Nothing inside `raw` is a tag.
            pos = find_tag(text, end, "endraw").unwrap_or(text.len());
            continue;
        }
        // `{% set x = 1 %}` is a statement; only `{% set x %}` opens a body.
        let opens = OPENERS
            .iter()
            .find(|o| **o == word)
            .filter(|o| **o != "set" || !inner.contains('='));
        if let Some(name) = opens {
            stack.push((start..end, name));
        } else if let Some(closed) = word.strip_prefix("end") {
            match stack.pop() {
                Some((_, name)) if name == closed => {}
                Some((span, name)) => {
                    return Some(Unclosed {
                        span,
                        name,
                        met: Some(start..end),
                    });
                }
                None => return None,
            }
        }
    }
    stack.pop().map(|(span, name)| Unclosed {
        span,
        name,
        met: None,
    })
}

/// Where the tag `{% name ... %}` after `from` ends.
fn find_tag(text: &str, from: usize, name: &str) -> Option<usize> {
    let mut pos = from;
    while let Some(i) = text[pos..].find("{%") {
        let start = pos + i;
        let end = start + text[start..].find("%}")? + 2;
        let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == name {
            return Some(end);
        }
        pos = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_if_closed_by_endblock_is_found_at_the_if() {
        let text = "{% block content %}\n{% if a %}\nx\n{% endblock content %}\n";
        let u = unclosed(text).unwrap();
        assert_eq!(&text[u.span.clone()], "{% if a %}");
        assert_eq!(u.name, "if");
        assert_eq!(&text[u.met.unwrap()], "{% endblock content %}");
    }

    #[test]
    fn a_for_open_at_the_end_is_found() {
        let text = "{% for x in xs %}{{ x }}{%- if x -%}y{% endif %}";
        let u = unclosed(text).unwrap();
        assert_eq!(u.name, "for");
        assert_eq!(u.span.start, 0);
        assert_eq!(u.met, None);
    }

    #[test]
    fn balanced_templates_comments_raw_and_set_statements_are_fine() {
        let text = "{% set a = 1 %}{# {% if %} #}{% raw %}{% for %}{% endraw %}\
                    {% set b %}x{% endset %}{% if a %}{% else %}{% endif %}";
        assert_eq!(unclosed(text), None);
        assert_eq!(unclosed("{% endif %}{% if"), None);
    }
}
