//! `site.toml`: the site's identity (title, author, base URL) and the few choices a
//! portfolio makes (theme, highlighting, feed size, a fixed "today"), including
//! what makes a theme one's own without copying it: an accent colour, an avatar,
//! profile links, menu entries and a footer line.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use crate::colour::Rgb;
use crate::content::SourceFile;
use crate::content::frontmatter::{Fields, as_uint};
use crate::diagnostic::Diagnostic;
use crate::highlight::THEMES;
use toml::de::DeValue;

#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub name: String,
    /// What the author does, in a phrase (`Cook and web developer`), for the
    /// CV and `resume.json`'s `basics.label`.
    pub label: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    /// A picture of the author, as written: a path in `static/` or `content/`,
    /// found and measured once the site's files are read.
    pub avatar: Option<String>,
    /// Profiles elsewhere, which pages link to with `rel="me"`.
    pub social: Vec<Link>,
}

/// A named link of `site.toml`: a profile or a menu entry. The URL is as written;
/// pages resolve it with [`crate::urls::site_link`], which accepted it.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// Which log entries the site-wide feed carries.
#[derive(Debug, Clone, Serialize)]
pub struct FeedConfig {
    pub limit: usize,
    pub payoffs_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    pub language: String,
    pub author: Author,
    pub theme: String,
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
    #[serde(skip)]
    pub today: Option<Date>,
    /// The IANA time zone (`Europe/Istanbul`) that decides what day it is and
    /// which day a session's time falls on; the machine's own when unset.
    pub timezone: Option<String>,
    #[serde(skip)]
    pub output_dir: PathBuf,
    /// The default preview image for shared links: a path in the built site
    /// (`images/card.png`, usually from `static/`) or a full URL.
    pub image: Option<String>,
    pub feed: FeedConfig,
    pub images: crate::images::Settings,
    /// Whether each skill and payoff gets a rendered preview card for shared links.
    pub social_cards: bool,
    /// The theme's accent, and its shade for the dark scheme when chosen too.
    pub accent: Option<Rgb>,
    pub accent_dark: Option<Rgb>,
    /// Entries added after the built-in ones of the main menu.
    pub menu: Vec<Link>,
    /// One line of markdown for the footer.
    pub footer: Option<String>,
    /// `site.toml` again when it has a `[strings]` table, which [`crate::i18n`]
    /// reads over the language's own strings.
    #[serde(skip)]
    pub strings: Option<SourceFile>,
    /// The file itself, so that problems found once the rest of the site is read
    /// (an avatar that is not there) can point at the line.
    #[serde(skip)]
    pub source: Option<SourceFile>,
}

/// Every top-level key site.toml accepts, in the order `init` writes them and
/// [`Config::parse`] reads them (a test holds the two together).
pub const KEYS: [&str; 21] = [
    "title",
    "description",
    "base_url",
    "language",
    "author",
    "theme",
    "accent",
    "accent_dark",
    "highlight_theme",
    "highlight_theme_dark",
    "today",
    "timezone",
    "output_dir",
    "feed",
    "image",
    "images",
    "keep_image_metadata",
    "social_cards",
    "menu",
    "footer",
    "strings",
];

/// The keys each table of site.toml accepts, as [`KEYS`] for the tables.
pub const TABLE_KEYS: [(&str, &[&str]); 3] = [
    (
        "author",
        &["name", "label", "email", "url", "avatar", "social"],
    ),
    ("feed", &["limit", "entries"]),
    ("images", &["widths", "quality", "max_pixels", "max_bytes"]),
];

impl Config {
    /// Reads `site.toml` from the site root, reporting every problem in it at once.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("site.toml");
        let display = PathBuf::from("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(format!("could not read site.toml: {e}"))
                    .in_file(&display)
                    .hint("every portfolio has a site.toml at its root; `skillfolio init` writes one, or pass `--root DIR`"),
            ]
        })?;
        let file = SourceFile {
            path: display,
            text: text.into(),
        };
        Config::parse(&file)
    }

    pub fn parse(file: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let Some(mut f) = Fields::parse_document(file, &mut errors) else {
            return Err(errors);
        };
        let title = f.required_string("title");
        let description = f.string("description").unwrap_or_default();
        let base_url = base_url(&mut f);
        let language = f.string("language").unwrap_or_else(|| "en".to_string());
        let author = author(&mut f);
        let theme = f.string("theme").unwrap_or_else(|| "default".to_string());
        let accent = colour(&mut f, "accent");
        let accent_dark = colour(&mut f, "accent_dark");
        let highlight_theme = f
            .choice_exact("highlight_theme", &THEMES)
            .unwrap_or(THEMES[0])
            .to_string();
        let highlight_theme_dark = f
            .choice_exact("highlight_theme_dark", &THEMES)
            .unwrap_or(THEMES[1])
            .to_string();
        let today = if f.has("today") {
            f.date("today").map(|d| d.date)
        } else {
            None
        };
        let timezone = timezone(&mut f);
        let output_dir = PathBuf::from(
            f.string("output_dir")
                .unwrap_or_else(|| "public".to_string()),
        );
        let feed = feed(&mut f);
        let image = f.string("image").filter(|s| !s.trim().is_empty());
        let mut images = images(&mut f);
        images.keep_metadata = f.bool("keep_image_metadata").unwrap_or(false);
        let social_cards = f.bool("social_cards").unwrap_or(true);
        let menu = f.tables(
            "menu",
            "`[[menu]]` of site.toml",
            "[{ name = \"CV\", url = \"cv/\" }]",
            |t| {
                let name = t.required_string("name");
                let url = link_url(t, false);
                Some(Link {
                    name: name?,
                    url: url?,
                })
            },
        );
        let footer = footer(&mut f);
        // Read by the language, which checks them against its own strings.
        let strings = f.has("strings").then(|| file.clone());
        f.finish("site.toml");
        if !errors.is_empty() {
            return Err(errors);
        }
        let base_url = base_url.expect("reported above when missing");
        Ok(Config {
            title: title.expect("reported above when missing"),
            description,
            base_path: base_path(&base_url),
            base_url,
            language,
            author,
            theme,
            highlight_theme,
            highlight_theme_dark,
            today,
            timezone,
            output_dir,
            image,
            feed,
            images,
            social_cards,
            accent,
            accent_dark,
            menu,
            footer,
            strings,
            source: Some(file.clone()),
        })
    }

    /// Points `d` at the value of `keys` (`["author", "avatar"]`) in site.toml,
    /// for problems found after the file was read.
    pub fn at_value(&self, keys: &[&str], d: Diagnostic) -> Diagnostic {
        let Some(file) = &self.source else {
            return d;
        };
        match nested_span(&file.text, keys) {
            Some(span) => d.at(&file.path, &file.text, span.start, span.len()),
            None => d.in_file(&file.path),
        }
    }

    /// Replaces the base URL, as `--base-url` and `serve` do.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        let url = normalize_base_url(url).map_err(|reason| {
            Diagnostic::error(format!("--base-url {reason}")).hint(
                "pass a full address such as `--base-url https://someone.github.io/portfolio/`",
            )
        })?;
        self.base_path = base_path(&url);
        self.base_url = url;
        Ok(())
    }
}

/// The `base_url`, made to end with `/`; `None` after an error.
fn base_url(f: &mut Fields) -> Option<String> {
    match f.raw("base_url") {
        None => {
            f.missing("base_url", "\"https://example.org/\"");
            None
        }
        Some((span, _)) => f.string("base_url").and_then(|url| match normalize_base_url(&url) {
            Ok(u) => Some(u),
            Err(reason) => {
                f.push_error(span, &format!("`base_url` {reason}"), "write the address the site will be published at, e.g. `base_url = \"https://someone.github.io/portfolio/\"`");
                None
            }
        }),
    }
}

/// The `[author]` table.
fn author(f: &mut Fields) -> Author {
    match f.table("author") {
        Some(mut a) => {
            let name = a.string("name");
            let label = a.string("label").filter(|l| !l.trim().is_empty());
            let email = a.string("email");
            let url = a.string("url");
            let avatar = avatar(&mut a);
            let social = a.tables(
                "social",
                "`[[author.social]]` of site.toml",
                "[{ name = \"GitHub\", url = \"https://github.com/you\" }]",
                |t| {
                    let name = t.required_string("name");
                    let url = link_url(t, true);
                    Some(Link {
                        name: name?,
                        url: url?,
                    })
                },
            );
            a.finish("`[author]` of site.toml");
            Author {
                name: name.unwrap_or_default(),
                label,
                email,
                url,
                avatar,
                social,
            }
        }
        None => Author {
            name: String::new(),
            label: None,
            email: None,
            url: None,
            avatar: None,
            social: Vec::new(),
        },
    }
}

/// The kinds of picture an avatar may be: those whose size can be read.
pub const AVATAR_TYPES: [&str; 5] = ["jpg", "jpeg", "png", "webp", "svg"];

/// `avatar` of `[author]`: a path of an image; that the file is there is seen later.
fn avatar(a: &mut Fields) -> Option<String> {
    let span = a.raw("avatar").map(|(span, _)| span)?;
    let path = a.string("avatar")?;
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if path.trim().is_empty() || path.contains("://") {
        a.push_error(
            span,
            "`avatar` must name a picture in static/ or content/",
            "write its path there, e.g. `avatar = \"avatar.jpg\"` for static/avatar.jpg",
        );
        return None;
    }
    if !ext.is_some_and(|e| AVATAR_TYPES.contains(&e.as_str())) {
        a.push_error(
            span,
            &format!("`avatar = \"{path}\"` is not a picture"),
            &format!("name an image file: {}", AVATAR_TYPES.join(", ")),
        );
        return None;
    }
    Some(path.trim().to_string())
}

/// `timezone`: a name of the IANA time zone database, or an error naming
/// the nearest ones.
fn timezone(f: &mut Fields) -> Option<String> {
    let span = f.raw("timezone").map(|(span, _)| span)?;
    let name = f.string("timezone")?;
    let db = jiff::tz::db();
    if db.get(name.trim()).is_ok() {
        return Some(name.trim().to_string());
    }
    let wanted = name.trim().to_lowercase().replace(' ', "_");
    let mut near: Vec<(f64, String)> = db
        .available()
        .map(|n| n.to_string())
        .map(|n| (strsim::jaro_winkler(&wanted, &n.to_lowercase()), n))
        .filter(|(score, _)| *score > 0.85)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let hint = match near.first() {
        Some((_, best)) => format!("did you mean `timezone = \"{best}\"`? A time zone is named as in the IANA database, Area/City"),
        None => "name it as in the IANA database, Area/City: `timezone = \"Europe/Istanbul\"`, `\"America/New_York\"`, `\"Asia/Tokyo\"`, or `\"UTC\"`".to_string(),
    };
    f.push_error(
        span,
        &format!("`timezone = \"{name}\"` is not a time zone"),
        &hint,
    );
    None
}

impl Config {
    /// The time zone that decides what day it is, when `timezone` names one.
    pub fn time_zone(&self) -> Option<jiff::tz::TimeZone> {
        self.timezone
            .as_deref()
            .and_then(|n| jiff::tz::TimeZone::get(n).ok())
    }
}

/// A colour key, `#rgb` or `#rrggbb`.
pub(crate) fn colour(f: &mut Fields, key: &str) -> Option<Rgb> {
    let span = f.raw(key).map(|(span, _)| span)?;
    let text = f.string(key)?;
    let parsed = Rgb::parse(text.trim());
    if parsed.is_none() {
        f.push_error(
            span,
            &format!("`{key}` must be a colour written #rgb or #rrggbb, found `{text}`"),
            &format!(
                "write it like `{key} = \"#9a3412\"`; colour names and rgb() are not read, as the other shades are worked out from the digits"
            ),
        );
    }
    parsed
}

/// The `url` of a profile or menu entry: a full http(s) or mailto address, and
/// for a menu entry also a path of the site.
fn link_url(t: &mut Fields, profile: bool) -> Option<String> {
    let span = t.raw("url").map(|(span, _)| span);
    let url = t.required_string("url")?;
    let problem = if profile && !crate::urls::is_web_or_mail(url.trim()) {
        Some("must start with https://, http:// or mailto:")
    } else {
        crate::urls::site_link(&url, "/").err()
    };
    match (problem, span) {
        (Some(why), Some(span)) => {
            let (what, hint) = if profile {
                (
                    "a profile",
                    "write the profile's full address, e.g. `url = \"https://github.com/you\"`",
                )
            } else {
                (
                    "a menu entry",
                    "write a path of the site (`url = \"cv/\"`) or a full address (`url = \"https://example.org/\"`)",
                )
            };
            t.push_error(span, &format!("the `url` of {what} {why}"), hint);
            None
        }
        _ => Some(url.trim().to_string()),
    }
}

/// `footer`: one line of markdown, checked here and rendered by each page's view.
fn footer(f: &mut Fields) -> Option<String> {
    let span = f.raw("footer").map(|(span, _)| span)?;
    let text = f.string("footer")?;
    match crate::markdown::inline_line(&text, "/") {
        Ok(_) if text.trim().is_empty() => None,
        Ok(_) => Some(text.trim().to_string()),
        Err(why) => {
            f.push_error(
                span,
                &format!("`footer` {why}"),
                "write one line of text; *emphasis*, `code` and [links](https://example.org/) are kept",
            );
            None
        }
    }
}

/// Where the value of `keys` (a key in nested tables) is written in TOML `text`.
fn nested_span(text: &str, keys: &[&str]) -> Option<std::ops::Range<usize>> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let (last, path) = keys.split_last()?;
    let mut current = table.get_ref();
    for key in path {
        match current.get(*key)?.get_ref() {
            DeValue::Table(t) => current = t,
            _ => return None,
        }
    }
    current.get(*last).map(|v| v.span())
}

/// The `[feed]` table.
fn feed(f: &mut Fields) -> FeedConfig {
    match f.table("feed") {
        Some(mut t) => {
            let limit = t.uint("limit").map_or(20, |n| n as usize);
            let payoffs_only = t.choice("entries", &["all", "payoffs"]) == Some("payoffs");
            t.finish("`[feed]` of site.toml");
            FeedConfig {
                limit,
                payoffs_only,
            }
        }
        None => FeedConfig {
            limit: 20,
            payoffs_only: false,
        },
    }
}

/// The `[images]` table; its defaults where it is absent.
fn images(f: &mut Fields) -> crate::images::Settings {
    let mut images = crate::images::Settings::default();
    if let Some(mut t) = f.table("images") {
        let widths = t.raw("widths").map(|(span, value)| {
            let list: Option<Vec<u32>> = match value {
                DeValue::Array(items) => items
                    .iter()
                    .map(|v| as_uint(v.get_ref()).filter(|w| (16..=8192).contains(w)))
                    .collect(),
                _ => None,
            };
            (span, list)
        });
        match widths {
            Some((_, Some(w))) if !w.is_empty() => images.widths = w,
            Some((span, _)) => t.push_error(
                span,
                "`widths` must be a list of pixel widths between 16 and 8192",
                "write `widths = [480, 960, 1600]`",
            ),
            None => {}
        }
        let span = t.raw("quality").map(|(span, _)| span);
        match (t.uint("quality"), span) {
            (Some(q @ 1..=100), _) => images.quality = q as u8,
            (Some(_), Some(span)) => t.push_error(
                span,
                "`quality` must be between 1 and 100",
                "82 keeps photos sharp at a fraction of the size; 90 and up is for close detail",
            ),
            _ => {}
        }
        // A u32 is the widest a key reads: up to 4,294 MP and 4 GiB, past what
        // one decoded image could sensibly take.
        for (key, at_least, value, hint) in [
            (
                "max_pixels",
                1_000_000,
                &mut images.max_pixels,
                "64_000_000 (64 MP) takes a phone's 48 and 50 MP photos",
            ),
            (
                "max_bytes",
                16 << 20,
                &mut images.max_bytes,
                "536_870_912 (512 MiB) decodes any 64 MP photo",
            ),
        ] {
            let span = t.raw(key).map(|(span, _)| span);
            match (t.uint(key), span) {
                (Some(n), _) if u64::from(n) >= at_least => *value = u64::from(n),
                (Some(_), Some(span)) => {
                    t.push_error(span, &format!("`{key}` must be at least {at_least}"), hint)
                }
                _ => {}
            }
        }
        t.finish("`[images]` of site.toml");
    }
    images
}

/// Where the value of a top-level key of `site.toml` is written, for problems
/// only found after the file was read (a theme that does not exist).
pub fn value_span(file: &SourceFile, key: &str) -> Option<std::ops::Range<usize>> {
    nested_span(&file.text, &[key])
}

fn normalize_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err("has no host name");
    }
    if url.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err("must not contain spaces, quotes, a query or a fragment");
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(&SourceFile {
            path: PathBuf::from("site.toml"),
            text: text.into(),
        })
    }

    /// The keys `init` writes are the keys the parser reads: an unknown key's
    /// hint lists what was read, in order.
    #[test]
    fn the_key_lists_are_the_keys_read() {
        let unknown = "zzzzzzzzzzzz = 1";
        let mut text = format!("title = \"t\"\nbase_url = \"https://example.org/\"\n{unknown}\n");
        for (table, _) in TABLE_KEYS {
            text.push_str(&format!("[{table}]\n{unknown}\n"));
        }
        let errors = parse(&text).expect_err("unknown keys are errors");
        let listed = |keys: &[&str]| {
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut hints: Vec<String> = errors.iter().filter_map(|d| d.hint.clone()).collect();
        let mut expected = vec![format!("site.toml accepts {}", listed(&KEYS))];
        for (table, keys) in TABLE_KEYS {
            expected.push(format!("`[{table}]` of site.toml accepts {}", listed(keys)));
        }
        expected.sort();
        hints.sort();
        assert_eq!(hints, expected);
    }

    #[test]
    fn base_url_with_a_path_keeps_it() {
        let c =
            parse("title = \"t\"\nbase_url = \"https://someone.github.io/portfolio\"\n").unwrap();
        assert_eq!(c.base_url, "https://someone.github.io/portfolio/");
        assert_eq!(c.base_path, "/portfolio/");
        assert_eq!(c.feed.limit, 20);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_all_reported() {
        let errors =
            parse("titel = \"t\"\nbase_url = \"example.org\"\nhighlight_theme = \"nope\"\n")
                .unwrap_err();
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages.contains(&"missing required key `title`"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"`base_url` must start with https:// or http://"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"unknown highlight_theme `nope`"),
            "{messages:?}"
        );
        let unknown = errors.iter().find(|e| e.message.contains("titel")).unwrap();
        assert_eq!(unknown.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(unknown.location.as_ref().unwrap().line, 1);
    }

    #[test]
    fn the_keys_that_make_a_theme_ones_own() {
        let c = parse(
            "title = \"t\"\nbase_url = \"https://example.org/\"\naccent = \"#9A3\"\nfooter = \" By *me* \"\n\
             [author]\navatar = \"me.jpg\"\n[[author.social]]\nname = \"Mastodon\"\nurl = \"https://mastodon.social/\"\n\
             [[menu]]\nname = \"CV\"\nurl = \"/cv/\"\n",
        )
        .unwrap();
        assert_eq!(c.accent.map(|a| a.hex()).as_deref(), Some("#99aa33"));
        assert_eq!(c.accent_dark, None);
        assert_eq!(c.footer.as_deref(), Some("By *me*"));
        assert_eq!(c.author.avatar.as_deref(), Some("me.jpg"));
        assert_eq!(c.author.social[0].name, "Mastodon");
        assert_eq!(c.menu[0].url, "/cv/");
    }

    #[test]
    fn an_avatar_that_is_not_a_picture_is_refused_where_written() {
        let errors = parse(
            "title = \"t\"\nbase_url = \"https://example.org/\"\n[author]\navatar = \"me.pdf\"\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].message, "`avatar = \"me.pdf\"` is not a picture");
        assert_eq!(
            errors[0].hint.as_deref(),
            Some("name an image file: jpg, jpeg, png, webp, svg")
        );
        let at = errors[0].location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (4, 10));
    }
}
