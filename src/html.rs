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

/// The text of an attribute value as the templates and markdown write it:
/// the entities [`escape`] and tera's escaping make, turned back.
pub fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
