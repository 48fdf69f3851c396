//! What each page's template sees: the context every page starts from, a skill's
//! and an entry's page context (made only when the page is rendered), and the jobs
//! that name every page of the site with its template, its context and what a
//! later build needs to tell whether it changed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Context, Value};

use crate::charts;
use crate::content::{Kind, Status};
use crate::feed;
use crate::keys::hash;
use crate::site::{EntryRef, Site, Skill, TaxonPage};
use crate::structured;

use super::skills::{CachedSkill, skill_lastmod};
use super::views::{self, TaxonView, Urls, value};
use super::{Job, JobContext};

/// How many entries the home page lists as recent, and payoffs it shows.
const HOME_RECENT: usize = 8;
const HOME_PAYOFFS: usize = 6;

/// What every page's context starts from: the site feed, a canonical URL and
/// link-preview defaults; pages with more to say (skills, entries) replace them.
pub(super) struct PageBase<'a> {
    urls: Urls<'a>,
    site_feed: Feed,
    default_image: Option<String>,
}

impl<'a> PageBase<'a> {
    pub(super) fn new(site: &'a Site) -> PageBase<'a> {
        let urls = Urls::new(&site.config);
        let site_feed = Feed {
            title: "All practice".to_string(),
            url: urls.permalink("atom.xml"),
        };
        let default_image = site.config.image.as_deref().map(|i| {
            if i.contains("://") {
                i.to_string()
            } else {
                urls.permalink(i.trim_start_matches('/'))
            }
        });
        PageBase {
            urls,
            site_feed,
            default_image,
        }
    }

    fn context(&self, title: &str, description: &str, rel: &str) -> Context {
        let mut c = Context::new();
        c.insert("page_title", title);
        c.insert("page_description", description);
        c.insert("current_path", &self.urls.path(rel));
        c.insert("current_url", &self.urls.permalink(rel));
        c.insert("feeds", &[&self.site_feed]);
        c.insert("og_type", "website");
        c.insert("image", &self.default_image);
        c.insert_value("json_ld", Value::none());
        c
    }
}

/// An entry's page context: the entry with its whole note, its skill and its
/// neighbours.
pub(super) fn entry_context(
    site: &Site,
    skills: &[Arc<CachedSkill>],
    base: &PageBase,
    (s, e): EntryRef,
) -> Context {
    let skill = &site.skills[s];
    let item = &skill.entries[e];
    let urls = &base.urls;
    let description = truncate(&item.summary_text, 160);
    let mut c = base.context(&item.title, &description, &item.path);
    let card = &skills[s].entries[e];
    let mut full = card.as_map().cloned().unwrap_or_default();
    full.insert("html".into(), Value::from(item.html.as_str()));
    c.insert_value("entry", Value::from(full));
    c.insert_value("skill", skills[s].value.clone());
    c.insert("og_type", "article");
    if let Some(url) = first_image(item) {
        c.insert("image", &feed::absolute(urls, url));
    } else if site.config.social_cards {
        let card = crate::cards::entry_card(skill, item, site.today);
        c.insert("image", &urls.permalink(&card));
    }
    c.insert(
        "json_ld",
        &structured::script_json(&structured::entry(site, skill, item, urls)),
    );
    let neighbour = |i: Option<usize>| i.map_or_else(Value::none, |i| skills[s].entries[i].clone());
    c.insert_value("previous", neighbour(e.checked_sub(1)));
    c.insert_value(
        "next",
        neighbour((e + 1 < skill.entries.len()).then_some(e + 1)),
    );
    c
}

/// The `site` value every page's template sees.
pub(super) fn site_value(site: &Site) -> Value {
    let urls = Urls::new(&site.config);
    let has_about = site.pages.iter().any(|p| p.path == "about/");
    value(&views::site_view(site, &urls, has_about))
}

/// What every entry page of a skill is made from besides what all pages share.
pub(super) fn entry_print(skill: &Skill) -> u64 {
    hash(&(skill.fingerprint, "entry"))
}

/// The context of a skill's page.
pub(super) fn skill_context(
    site: &Site,
    skills: &[Arc<CachedSkill>],
    page: &PageBase,
    s: usize,
) -> Context {
    let skill = &site.skills[s];
    let urls = &page.urls;
    let description = skill.summary.as_deref().unwrap_or(&skill.title);
    let mut c = page.context(&skill.title, description, &skill.path);
    c.insert_value("skill", skills[s].value.clone());
    let skill_feed = Feed {
        title: format!("{} only", skill.title),
        url: urls.permalink(&format!("{}atom.xml", skill.path)),
    };
    c.insert("feeds", &[&page.site_feed, &skill_feed]);
    c.insert("og_type", "article");
    let newest_image = skill.entries.iter().rev().find_map(first_image);
    if let Some(url) = newest_image {
        c.insert("image", &feed::absolute(urls, url));
    } else if site.config.social_cards {
        c.insert("image", &urls.permalink(&crate::cards::skill_path(skill)));
    }
    c.insert(
        "json_ld",
        &structured::script_json(&structured::skill(site, skill, urls)),
    );
    let newest_first: Vec<Value> = skills[s].entries.iter().rev().cloned().collect();
    c.insert_value("entries", Value::from(newest_first));
    let related: Vec<Value> = skill
        .related
        .iter()
        .map(|&r| skills[r].value.clone())
        .collect();
    c.insert_value("related", Value::from(related));
    c
}

/// Every page's job. `kept_entries(s)` tells whether skill `s`'s entry pages
/// are kept from an earlier render, and so need no jobs.
pub(super) fn jobs<'a>(
    site: &'a Site,
    skills: &[Arc<CachedSkill>],
    page: &PageBase,
    kept_entries: &dyn Fn(usize) -> bool,
) -> Vec<Job<'a>> {
    let urls = Urls::new(&site.config);
    let portfolio_value = value(&views::portfolio_view(site));
    let skill_values: Vec<Value> = skills.iter().map(|c| c.value.clone()).collect();
    let entry_values: Vec<&Vec<Value>> = skills.iter().map(|c| &c.entries).collect();
    let entry = |r: &EntryRef| entry_values[r.0][r.1].clone();
    let entries = |refs: &[EntryRef]| Value::from(refs.iter().map(entry).collect::<Vec<_>>());
    let skills_of = |ids: &[usize]| {
        Value::from(
            ids.iter()
                .map(|&i| skill_values[i].clone())
                .collect::<Vec<_>>(),
        )
    };
    let newest = |refs: &[EntryRef]| refs.first().map(|r| site.entry(*r).date.date);
    let base = |title: &str, description: &str, rel: &str| page.context(title, description, rel);
    let mut jobs = Vec::new();

    // Home: skills by most recent practice, latest payoffs and entries.
    let payoffs: Vec<EntryRef> = site
        .timeline
        .iter()
        .copied()
        .filter(|r| site.entry(*r).kind == Kind::Payoff)
        .collect();
    let mut by_activity: Vec<usize> = (0..site.skills.len()).collect();
    by_activity.sort_by(|a, b| {
        let last = |i: usize| site.skills[i].progress.totals.last;
        last(*b)
            .cmp(&last(*a))
            .then_with(|| site.skills[*a].title.cmp(&site.skills[*b].title))
    });
    let home_title = site.home.title.as_deref().unwrap_or(&site.config.title);
    let home_description = site
        .home
        .description
        .as_deref()
        .unwrap_or(&site.config.description);
    let mut c = base(home_title, home_description, "");
    c.insert("intro", &site.home.html);
    c.insert_value("portfolio", portfolio_value.clone());
    c.insert("og_type", "profile");
    c.insert(
        "json_ld",
        &structured::script_json(&structured::home(site, &urls)),
    );
    c.insert_value("skills", skills_of(&by_activity));
    c.insert_value(
        "payoffs",
        entries(&payoffs[..payoffs.len().min(HOME_PAYOFFS)]),
    );
    c.insert_value(
        "recent",
        entries(&site.timeline[..site.timeline.len().min(HOME_RECENT)]),
    );
    jobs.push(Job {
        path: Cow::Borrowed(""),
        template: "index.html",
        context: JobContext::Built(c),
        lastmod: newest(&site.timeline),
        in_sitemap: true,
        fingerprint: None,
        list_key: None,
    });

    // The skills index, also grouped by field.
    let mut by_title: Vec<usize> = (0..site.skills.len()).collect();
    by_title.sort_by_key(|&i| site.skills[i].title.to_lowercase());
    let mut groups: BTreeMap<String, (Option<TaxonView>, Vec<usize>)> = BTreeMap::new();
    for &i in &by_title {
        let skill = &site.skills[i];
        let key = skill
            .field
            .as_ref()
            .map_or_else(|| "\u{10ffff}".to_string(), |f| f.name.to_lowercase());
        groups
            .entry(key)
            .or_insert_with(|| {
                (
                    skill
                        .field
                        .as_ref()
                        .map(|f| TaxonView::of(f, "fields", &urls)),
                    Vec::new(),
                )
            })
            .1
            .push(i);
    }
    let groups: Vec<Value> = groups
        .into_values()
        .map(|(field, ids)| {
            let mut m = tera::Map::new();
            m.insert("field".into(), value(&field));
            m.insert("skills".into(), skills_of(&ids));
            Value::from(m)
        })
        .collect();
    let mut c = base(
        "Skills",
        "Every skill in this portfolio, with its status and progress.",
        "skills/",
    );
    c.insert_value("skills", skills_of(&by_title));
    c.insert_value("portfolio", portfolio_value);
    c.insert_value("groups", Value::from(groups));
    c.insert_value("recent", skills_of(&by_activity));
    let statuses: Vec<Value> = [
        (Status::Mastered, "Mastered"),
        (Status::Practising, "Practising"),
        (Status::Learning, "Learning"),
        (Status::Paused, "Paused"),
    ]
    .into_iter()
    .map(|(status, label)| {
        let ids: Vec<usize> = by_title
            .iter()
            .copied()
            .filter(|&i| site.skills[i].status == status)
            .collect();
        let mut m = tera::Map::new();
        m.insert("label".into(), Value::from(label));
        m.insert("key".into(), Value::from(status.key()));
        m.insert("skills".into(), skills_of(&ids));
        Value::from(m)
    })
    .collect();
    c.insert_value("statuses", Value::from(statuses));
    c.insert("synergy", &synergy_chart(site, &by_title, &urls));
    jobs.push(Job {
        path: Cow::Borrowed("skills/"),
        template: "skills.html",
        context: JobContext::Built(c),
        lastmod: newest(&site.timeline),
        in_sitemap: true,
        fingerprint: None,
        list_key: None,
    });

    // Each skill and each of its entries.
    for (s, skill) in site.skills.iter().enumerate() {
        let related_prints: Vec<u64> = skill
            .related
            .iter()
            .map(|&r| site.skills[r].fingerprint)
            .collect();
        jobs.push(Job {
            path: Cow::Borrowed(&skill.path),
            template: "skill.html",
            context: JobContext::Skill(s),
            lastmod: skill_lastmod(skill),
            in_sitemap: true,
            fingerprint: Some(hash(&(skill.fingerprint, &related_prints))),
            list_key: None,
        });
        if kept_entries(s) {
            continue;
        }
        let entry_print = entry_print(skill);
        for (e, item) in skill.entries.iter().enumerate() {
            jobs.push(Job {
                path: Cow::Borrowed(&item.path),
                template: "entry.html",
                context: JobContext::Entry((s, e)),
                lastmod: Some(item.date.date),
                in_sitemap: true,
                fingerprint: Some(entry_print),
                list_key: None,
            });
        }
    }

    // Payoffs across every skill.
    let mut c = base(
        "Payoffs",
        "Every payoff: the demonstrable results of practice, newest first.",
        "payoffs/",
    );
    c.insert_value("payoffs", entries(&payoffs));
    let all: Vec<usize> = (0..site.skills.len()).collect();
    jobs.push(Job {
        path: Cow::Borrowed("payoffs/"),
        template: "payoffs.html",
        context: JobContext::Built(c),
        lastmod: newest(&payoffs),
        in_sitemap: true,
        fingerprint: None,
        list_key: Some(hash(&("payoffs", skill_prints(site, &all)))),
    });

    // Fields and tags: an index page each, and a page per field or tag.
    for (section, singular, plural, taxa) in [
        ("fields", "field", "Fields", &site.fields),
        ("tags", "tag", "Tags", &site.tags),
    ] {
        let list: Vec<Value> = taxa
            .iter()
            .map(|t| taxon_value(t, section, &urls))
            .collect();
        let description = format!("Skills and practice by {singular}.");
        let mut c = base(plural, &description, &format!("{section}/"));
        c.insert("kind", singular);
        c.insert_value("taxa", Value::from(list));
        jobs.push(Job {
            path: Cow::Owned(format!("{section}/")),
            template: "taxonomy_list.html",
            context: JobContext::Built(c),
            lastmod: None,
            in_sitemap: true,
            fingerprint: None,
            list_key: None,
        });
        for t in taxa {
            let rel = format!("{section}/{}/", t.taxon.slug);
            let title = t.taxon.name.clone();
            let description = format!("Skills and practice under the {singular} “{title}”.");
            let mut c = base(&title, &description, &rel);
            c.insert("kind", singular);
            c.insert_value("taxon", taxon_value(t, section, &urls));
            c.insert_value("skills", skills_of(&t.skills));
            c.insert_value("entries", entries(&t.entries));
            // The page shows its skills and entries, and nothing of other skills.
            let mut shown: Vec<usize> = t
                .skills
                .iter()
                .chain(t.entries.iter().map(|r| &r.0))
                .copied()
                .collect();
            shown.sort_unstable();
            shown.dedup();
            let key = hash(&(section, &t.taxon.name, skill_prints(site, &shown)));
            jobs.push(Job {
                path: Cow::Owned(rel),
                template: "taxonomy.html",
                context: JobContext::Built(c),
                lastmod: newest(&t.entries),
                in_sitemap: true,
                fingerprint: None,
                list_key: Some(key),
            });
        }
    }

    for page in &site.pages {
        let description = page.description.as_deref().unwrap_or(&page.title);
        let mut c = base(&page.title, description, &page.path);
        let mut m = tera::Map::new();
        m.insert("title".into(), Value::from(page.title.as_str()));
        m.insert(
            "description".into(),
            page.description
                .as_deref()
                .map_or_else(Value::none, Value::from),
        );
        m.insert("html".into(), Value::from(page.html.as_str()));
        m.insert("url".into(), Value::from(urls.path(&page.path)));
        c.insert_value("page", Value::from(m));
        jobs.push(Job {
            path: Cow::Borrowed(&page.path),
            template: "page.html",
            context: JobContext::Built(c),
            lastmod: None,
            in_sitemap: true,
            fingerprint: None,
            list_key: None,
        });
    }

    let c = base(
        "Page not found",
        "There is no page at this address.",
        "404.html",
    );
    jobs.push(Job {
        path: Cow::Borrowed("404.html"),
        template: "404.html",
        context: JobContext::Built(c),
        lastmod: None,
        in_sitemap: false,
        fingerprint: None,
        list_key: None,
    });
    jobs
}

/// The fingerprints of the skills `ids`: all a page that shows only those skills
/// and their entries is made from, besides what every page shares.
fn skill_prints(site: &Site, ids: &[usize]) -> Vec<u64> {
    ids.iter().map(|&i| site.skills[i].fingerprint).collect()
}

/// A feed a page announces in its `<head>` and links to.
#[derive(serde::Serialize)]
struct Feed {
    title: String,
    url: String,
}

fn first_image(entry: &crate::site::Entry) -> Option<&str> {
    entry
        .evidence
        .iter()
        .find(|e| e.kind == "image")
        .map(|e| e.url.as_str())
}

/// The skills index's graph: skills grouped by field, related skills joined.
fn synergy_chart(site: &Site, order: &[usize], urls: &Urls) -> String {
    let url_of: Vec<String> = order
        .iter()
        .map(|&i| urls.path(&site.skills[i].path))
        .collect();
    let nodes: Vec<charts::Node> = order
        .iter()
        .zip(&url_of)
        .map(|(&i, url)| {
            let s = &site.skills[i];
            charts::Node {
                title: &s.title,
                url,
                group: s.field.as_ref().map_or("Other", |f| f.name.as_str()),
                status: s.status.key(),
            }
        })
        .collect();
    let position = |skill: usize| order.iter().position(|&i| i == skill);
    let mut edges = Vec::new();
    for (a, &i) in order.iter().enumerate() {
        for &j in &site.skills[i].related {
            if let Some(b) = position(j).filter(|&b| b > a) {
                edges.push((a, b));
            }
        }
    }
    charts::synergy("synergy", &nodes, &edges)
}

fn taxon_value(t: &TaxonPage, section: &str, urls: &Urls) -> Value {
    let view = TaxonView::of(&t.taxon, section, urls);
    let mut m = tera::Map::new();
    m.insert("name".into(), Value::from(view.name));
    m.insert("slug".into(), Value::from(view.slug));
    m.insert("url".into(), Value::from(view.url));
    m.insert("skill_count".into(), Value::from(t.skills.len()));
    m.insert("entry_count".into(), Value::from(t.entries.len()));
    Value::from(m)
}

/// Shortens text at a word boundary for descriptions and previews.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}
