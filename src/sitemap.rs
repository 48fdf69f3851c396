//! `sitemap.xml` (the sitemaps.org protocol) and the `robots.txt` that points
//! search engines at it. Both are small enough to write directly; every URL is
//! escaped for XML, and `lastmod` comes from content dates, never the build time,
//! so an unchanged site rebuilds to the same bytes.

use std::fmt::Write;

use jiff::civil::Date;

/// One page of the sitemap.
pub struct Url {
    /// Absolute URL.
    pub loc: String,
    pub lastmod: Option<Date>,
}

/// The sitemap of the `<url>` elements in `parts`, in order (see [`url_elements`]).
pub fn sitemap(parts: &[&str]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for part in parts {
        xml.push_str(part);
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The `<url>` elements of `urls`: a part of a sitemap, which can be kept and
/// put together with others.
pub fn url_elements(urls: &[Url]) -> String {
    let mut xml = String::new();
    for url in urls {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape_xml(&url.loc));
        if let Some(date) = url.lastmod {
            let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
        }
        xml.push_str("  </url>\n");
    }
    xml
}

pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_escaped_and_dated() {
        let xml = sitemap(&[&url_elements(&[Url {
            loc: "https://example.org/a?b=1&c=<2>".into(),
            lastmod: Some(jiff::civil::date(2026, 10, 3)),
        }])]);
        assert!(
            xml.contains("<loc>https://example.org/a?b=1&amp;c=&lt;2&gt;</loc>"),
            "{xml}"
        );
        assert!(xml.contains("<lastmod>2026-10-03</lastmod>"), "{xml}");
    }
}
