//! URLs of published paths. Every page, feed and sitemap builds its links here,
//! so a `base_url` with a path (`https://someone.github.io/portfolio/`) is honoured
//! in one place and nowhere forgotten.

use std::fmt::Write;

use crate::config::Config;

/// `text` with each `%XX` decoded; a `%` not followed by two hex digits stays.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes what may not stand in a URL path, keeping `/`.
pub fn encode_path(path: &str) -> String {
    // Most paths are slugs that need nothing: a build makes a URL for every
    // link to every entry, so those are copied whole.
    let Some(first) = path.bytes().position(|b| !PATH_SAFE[usize::from(b)]) else {
        return path.to_string();
    };
    let mut out = String::with_capacity(path.len() + 8);
    out.push_str(&path[..first]);
    for b in path[first..].bytes() {
        if PATH_SAFE[usize::from(b)] {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The bytes a URL path may hold as they are.
const PATH_SAFE: [bool; 256] = {
    let mut safe = [false; 256];
    let mut b = 0;
    while b < 256 {
        safe[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let marks = b"-._~/!$&'()*+,;=:@";
    let mut i = 0;
    while i < marks.len() {
        safe[marks[i] as usize] = true;
        i += 1;
    }
    safe
};

/// True for `https:`, `mailto:` and the like: a scheme before any `/`.
pub(crate) fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// A link written in `site.toml` (a menu entry, the footer), as pages link to it:
/// a full `http(s):` or `mailto:` address as written, an in-page `#fragment` as
/// written, and anything else as a path of the site, under `base_path` (the link
/// is on every page, so it cannot be relative to one). `Err` says what is wrong.
pub fn site_link(url: &str, base_path: &str) -> Result<String, &'static str> {
    let url = url.trim();
    if url.is_empty() {
        return Err("is empty");
    }
    if url.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>')) {
        return Err("must not contain spaces, quotes or angle brackets");
    }
    if url.starts_with("//") {
        return Err("must name its scheme: write https:// in front");
    }
    if has_scheme(url) {
        return if is_web_or_mail(url) {
            Ok(url.to_string())
        } else {
            Err("must start with https://, http:// or mailto:, or be a path of the site")
        };
    }
    if url.starts_with('#') {
        return Ok(url.to_string());
    }
    Ok(format!("{base_path}{}", url.trim_start_matches('/')))
}

/// True for `http:`, `https:` and `mailto:` addresses, whatever their case.
pub fn is_web_or_mail(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s) && url.len() > s.len())
}

/// The attributes whose URLs [`Urls::absolutize`] rewrites, as ready searches.
static ATTRIBUTES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
    std::sync::LazyLock::new(|| {
        [
            memchr::memmem::Finder::new(b"href=\""),
            memchr::memmem::Finder::new(b"src=\""),
        ]
    });

/// Turns site-relative output paths into URLs.
pub struct Urls<'a> {
    config: &'a Config,
}

impl<'a> Urls<'a> {
    pub fn new(config: &'a Config) -> Self {
        Urls { config }
    }

    /// Root-relative, including the base path: `/portfolio/skills/omelette/`.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{}", self.config.base_path, encode_path(rel))
    }

    /// Absolute: `https://someone.github.io/portfolio/skills/omelette/`.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.config.base_url, encode_path(rel))
    }

    /// The scheme and host of `base_url`: `https://someone.github.io`.
    pub fn origin(&self) -> &str {
        let url = &self.config.base_url;
        let path_len = self.config.base_path.len();
        &url[..url.len() - path_len]
    }

    /// The host name of `base_url`, for `tag:` URIs.
    pub fn host(&self) -> &str {
        let origin = self.origin();
        origin.split_once("://").map_or(origin, |(_, h)| h)
    }

    /// Makes every link and image in rendered HTML absolute, for places that are read
    /// away from the site (feed readers): root-relative URLs get the origin, and
    /// in-page `#fragment` links get `page` in front.
    pub fn absolutize(&self, html: &str, page: &str) -> String {
        let origin = self.origin();
        let mut out = String::with_capacity(html.len() + 256);
        // Highlighted code is most of a page and full of `s` and `h`, so the two
        // attribute names are searched for whole.
        let finders = &*ATTRIBUTES;
        let find = |i: usize, from: usize| {
            finders[i]
                .find(&html.as_bytes()[from..])
                .map(|at| from + at)
        };
        // The next place of each name, each searched for again only once passed.
        let mut next = [find(0, 0), find(1, 0)];
        let mut done = 0;
        while let Some((at, i)) = (0..2).filter_map(|i| Some((next[i]?, i))).min() {
            let value = at + finders[i].needle().len();
            out.push_str(&html[done..value]);
            let rest = &html[value..];
            if rest.starts_with('/') && !rest.starts_with("//") {
                out.push_str(origin);
            } else if rest.starts_with('#') {
                out.push_str(page);
            }
            done = value;
            next[i] = find(i, value);
        }
        let rest = &html[done..];
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;

    fn config(base: &str) -> Config {
        Config::parse(&SourceFile {
            path: "site.toml".into(),
            text: format!("title = \"t\"\nbase_url = \"{base}\"\n").into(),
        })
        .unwrap()
    }

    #[test]
    fn urls_keep_the_base_path() {
        let c = config("https://someone.github.io/portfolio/");
        let u = Urls::new(&c);
        assert_eq!(u.path("skills/a b/"), "/portfolio/skills/a%20b/");
        assert_eq!(
            u.permalink("atom.xml"),
            "https://someone.github.io/portfolio/atom.xml"
        );
        assert_eq!(u.origin(), "https://someone.github.io");
        assert_eq!(u.host(), "someone.github.io");
    }

    #[test]
    fn paths_are_percent_encoded_only_where_they_must_be() {
        for (path, url) in [
            (
                "skills/knife-skills/2026-10-03-fold/",
                "skills/knife-skills/2026-10-03-fold/",
            ),
            ("a~b_c.d/x:y@z!$&'()*+,;=", "a~b_c.d/x:y@z!$&'()*+,;="),
            ("skills/café crème/", "skills/caf%C3%A9%20cr%C3%A8me/"),
            ("日本/?#%", "%E6%97%A5%E6%9C%AC/%3F%23%25"),
            ("", ""),
        ] {
            assert_eq!(encode_path(path), url, "{path}");
        }
    }

    #[test]
    fn relative_links_become_absolute() {
        let c = config("https://example.org/p/");
        let u = Urls::new(&c);
        let html = r##"<a href="/p/skills/x/">x</a> <img src="/p/a.svg" alt="s"> <a href="#fn1">1</a> <a href="https://other.org/">o</a> <a href="//cdn.org/">c</a> has="/no""##;
        assert_eq!(
            u.absolutize(html, "https://example.org/p/e/"),
            r##"<a href="https://example.org/p/skills/x/">x</a> <img src="https://example.org/p/a.svg" alt="s"> <a href="https://example.org/p/e/#fn1">1</a> <a href="https://other.org/">o</a> <a href="//cdn.org/">c</a> has="/no""##
        );
    }

    #[test]
    fn site_links_are_kept_or_put_under_the_base_path() {
        let base = "/portfolio/";
        assert_eq!(site_link("/cv/", base).unwrap(), "/portfolio/cv/");
        assert_eq!(site_link("tags/", base).unwrap(), "/portfolio/tags/");
        assert_eq!(site_link("#top", base).unwrap(), "#top");
        for kept in [
            "https://github.com/",
            "HTTP://a.org",
            "mailto:me@example.org",
        ] {
            assert_eq!(site_link(kept, base).unwrap(), kept);
        }
        assert_eq!(
            site_link("javascript:alert(1)", base).unwrap_err(),
            "must start with https://, http:// or mailto:, or be a path of the site"
        );
        assert!(site_link("https://", base).is_err());
        assert!(site_link("//cdn.org/", base).is_err());
        assert!(site_link("a b", base).is_err());
    }
}
