//! Escaping text for HTML, shared by everything that writes markup by hand:
//! headings and pictures in rendered markdown, highlighted code, charts, cards
//! and feeds. One function, so no writer escapes differently from another.

/// `text` with `&`, `<`, `>` and `"` escaped, safe in element content
/// and in double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}
