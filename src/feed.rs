//! Feeds for followers: Atom 1.0 (RFC 4287), written with `atom_syndication`, for
//! the whole portfolio and for each skill, and a JSON Feed 1.1 with the same
//! entries. Every time in a feed comes from the content, never from the clock, so
//! rebuilding unchanged content gives the same bytes.
//!
//! An entry's id is a `tag:` URI (RFC 4151) made of the site's host, the entry's
//! date and its path: `tag:example.org,2026-10-03:skills/omelette/2026-10-03-fold`.
//! It stays the same when the site moves to another folder of the same host, and
//! when the entry is edited; renaming the entry's file or skill folder changes it,
//! as it changes the URL.

use atom_syndication::{
    Category, Content, Entry as AtomEntry, Feed, FixedDateTime, Generator, Link, Person, Text,
    WriteConfig,
};
use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::content::Kind;
use crate::html::escape;
use crate::i18n::Language;
use crate::site::{Entry, Site, Skill};
use crate::urls::Urls;

/// One feed: which entries (newest first), its title and where it lives.
pub struct FeedSpec<'a> {
    pub title: String,
    /// The feed's own path, e.g. `atom.xml` or `skills/omelette/atom.xml`.
    pub path: &'a str,
    /// The page the feed belongs to, e.g. `` (home) or `skills/omelette/`.
    pub page: &'a str,
    pub entries: Vec<(&'a Skill, &'a Entry)>,
    /// What dates a feed without entries: the earliest start of the site's skills.
    pub earliest_start: Option<Date>,
    /// Names the kinds of entry, as categories' labels.
    pub lang: &'a Language,
}

/// The entries the site-wide feeds carry: newest first, published (no drafts, none
/// dated after today), payoffs only if `site.toml` says so, at most `limit`.
pub fn site_entries(site: &Site) -> Vec<(&Skill, &Entry)> {
    site.timeline
        .iter()
        .map(|r| (&*site.skills[r.0], site.entry(*r)))
        .filter(|(_, e)| include(site.today, e))
        .filter(|(_, e)| !site.config.feed.payoffs_only || e.kind == Kind::Payoff)
        .take(site.config.feed.limit)
        .collect()
}

/// A skill's feed: its latest published entries, newest first, as many as the
/// site feed carries (a reader only needs what is new).
pub fn skill_entries<'a>(
    config: &Config,
    today: Date,
    skill: &'a Skill,
) -> Vec<(&'a Skill, &'a Entry)> {
    (skill.entries.iter().rev())
        .filter(|e| include(today, e))
        .map(|e| (skill, e))
        .take(config.feed.limit)
        .collect()
}

fn include(today: Date, entry: &Entry) -> bool {
    !entry.draft && entry.date.date <= today
}

/// The stable id of an entry, see the module documentation.
pub fn entry_id(urls: &Urls, entry: &Entry) -> String {
    format!(
        "tag:{},{}:{}",
        urls.host(),
        entry.date.date,
        entry.path.trim_end_matches('/')
    )
}

/// When the entry happened: its RFC 3339 time if one was written, else midnight UTC
/// of its date.
pub fn entry_time(entry: &Entry) -> String {
    match entry.date.instant {
        Some(t) => t.to_string(),
        None => format!("{}T00:00:00Z", entry.date.date),
    }
}

fn fixed(time: &str) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(time).unwrap_or_default()
}

/// The feed's `updated`: its newest entry's time, or the earliest `started` of the
/// site's skills when it has no entries yet.
fn updated(spec: &FeedSpec) -> String {
    match spec.entries.first() {
        Some((_, e)) => entry_time(e),
        None => {
            let started = spec.earliest_start;
            format!(
                "{}T00:00:00Z",
                started.map_or_else(|| "1970-01-01".to_string(), |d| d.to_string())
            )
        }
    }
}

/// The entry's note followed by its evidence, with every URL absolute.
pub fn entry_html(urls: &Urls, entry: &Entry) -> String {
    let permalink = urls.permalink(&entry.path);
    let mut html = urls.absolutize(&entry.html, &permalink);
    if !entry.evidence.is_empty() {
        html.push_str("<ul>");
        for e in &entry.evidence {
            let url = absolute(urls, &e.url);
            let label = escape(&e.label);
            if e.kind == "image" {
                html.push_str(&format!(
                    "<li><img src=\"{}\" alt=\"{label}\"></li>",
                    escape(&url)
                ));
            } else {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{label}</a></li>",
                    escape(&url)
                ));
            }
        }
        html.push_str("</ul>");
    }
    html
}

/// A root-relative URL made absolute; absolute ones are kept.
pub fn absolute(urls: &Urls, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{}{url}", urls.origin())
    } else {
        url.to_string()
    }
}

fn author(config: &Config) -> Person {
    let a = &config.author;
    Person {
        name: if a.name.trim().is_empty() {
            config.title.clone()
        } else {
            a.name.clone()
        },
        email: a.email.clone(),
        uri: a.url.clone(),
        ..Person::default()
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..Link::default()
    }
}

/// The entry's evidence as links: each local file an enclosure with its type and
/// size, so feed readers can fetch it; a page elsewhere as a related link.
fn evidence_links(urls: &Urls, entry: &Entry) -> Vec<Link> {
    entry
        .evidence
        .iter()
        .map(|e| {
            if e.external {
                Link {
                    title: Some(e.label.clone()),
                    ..link(e.url.clone(), "related", None)
                }
            } else {
                Link {
                    title: Some(e.label.clone()),
                    length: e.length.map(|n| n.to_string()),
                    ..link(absolute(urls, &e.url), "enclosure", e.mime)
                }
            }
        })
        .collect()
}

fn category(term: &str, label: &str, scheme: Option<String>) -> Category {
    Category {
        term: term.to_string(),
        scheme,
        label: Some(label.to_string()),
    }
}

/// An Atom feed document.
pub fn atom(config: &Config, spec: &FeedSpec) -> String {
    let urls = Urls::new(config);
    let entries: Vec<AtomEntry> = spec
        .entries
        .iter()
        .map(|&(skill, e)| {
            let time = fixed(&entry_time(e));
            let label = spec.lang.text(&format!("kind_{}", e.kind.key()), &[]);
            let mut categories = vec![category(e.kind.key(), &label, None)];
            if let Some(f) = &skill.field {
                categories.push(category(&f.slug, &f.name, Some(urls.permalink("fields/"))));
            }
            for t in &e.tags {
                categories.push(category(&t.slug, &t.name, Some(urls.permalink("tags/"))));
            }
            AtomEntry {
                id: entry_id(&urls, e),
                title: Text::plain(e.title.clone()),
                updated: time,
                published: Some(time),
                links: std::iter::once(link(
                    urls.permalink(&e.path),
                    "alternate",
                    Some("text/html"),
                ))
                .chain(evidence_links(&urls, e))
                .collect(),
                categories,
                summary: (!e.summary_text.is_empty()).then(|| Text::plain(e.summary_text.clone())),
                content: Some(Content {
                    value: Some(entry_html(&urls, e)),
                    content_type: Some("html".to_string()),
                    ..Content::default()
                }),
                ..AtomEntry::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain(spec.title.clone()),
        id: urls.permalink(spec.path),
        updated: fixed(&updated(spec)),
        authors: vec![author(config)],
        links: vec![
            link(
                urls.permalink(spec.path),
                "self",
                Some("application/atom+xml"),
            ),
            link(urls.permalink(spec.page), "alternate", Some("text/html")),
        ],
        generator: Some(Generator {
            value: "skillfolio".to_string(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        subtitle: (!config.description.is_empty()).then(|| Text::plain(config.description.clone())),
        lang: Some(config.language.clone()),
        entries,
        ..Feed::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let bytes = feed
        .write_with_config(Vec::new(), config)
        .unwrap_or_default();
    let mut xml = String::from_utf8(bytes).unwrap_or_default();
    xml.push('\n');
    xml
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor>,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    content_html: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    summary: String,
    date_published: String,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment>,
}

#[derive(Serialize)]
struct JsonAttachment {
    url: String,
    mime_type: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    size_in_bytes: Option<u64>,
}

/// A JSON Feed 1.1 document with the same entries as the site's Atom feed.
pub fn json_feed(site: &Site, entries: &[(&Skill, &Entry)]) -> String {
    let urls = Urls::new(&site.config);
    let person = author(&site.config);
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &site.config.title,
        home_page_url: urls.permalink(""),
        feed_url: urls.permalink("feed.json"),
        description: &site.config.description,
        language: &site.config.language,
        authors: vec![JsonAuthor {
            name: person.name,
            url: person.uri,
        }],
        items: entries
            .iter()
            .map(|&(skill, e)| {
                let mut tags = vec![e.kind.key().to_string(), skill.title.clone()];
                tags.extend(skill.field.iter().map(|f| f.name.clone()));
                tags.extend(e.tags.iter().map(|t| t.name.clone()));
                JsonItem {
                    id: entry_id(&urls, e),
                    url: urls.permalink(&e.path),
                    title: e.title.clone(),
                    content_html: entry_html(&urls, e),
                    summary: e.summary_text.clone(),
                    date_published: entry_time(e),
                    tags,
                    image: e
                        .evidence
                        .iter()
                        .find(|v| v.kind == "image")
                        .map(|v| absolute(&urls, &v.url)),
                    attachments: e
                        .evidence
                        .iter()
                        .filter_map(|v| {
                            Some(JsonAttachment {
                                url: absolute(&urls, &v.url),
                                mime_type: v.mime?,
                                title: v.label.clone(),
                                size_in_bytes: v.length,
                            })
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&feed).unwrap_or_default();
    json.push('\n');
    json
}
