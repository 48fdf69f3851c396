//! The jobs that name every page and skill feed of the site: where it goes,
//! how it is made and its key. Pages made from a context alone (the home page,
//! lists, taxonomies) are keyed by that context; a skill's page, its entries'
//! pages and its feed by their inputs ([`super::skills`]), whose contexts are
//! only made when the page is.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use tera::Value;

use super::inputs::{Common, Keyed, KeyedValue, PageContext};
use super::skills::{
    EntryPage, EntryParts, EntrySource, Parts, SkillFeed, SkillPage, skill_lastmod,
};
use super::views::{self, TaxonView, value};
use crate::charts;
use crate::content::{Kind, Status};
use crate::i18n::Language;
use crate::keys::{Key, hash};
use crate::site::{EntryRef, Site, Skill, TaxonPage};
use crate::structured;

/// How many entries the home page lists as recent, and payoffs it shows.
const HOME_RECENT: usize = 8;
const HOME_PAYOFFS: usize = 6;

/// One file to make: where it goes and how.
pub(super) struct Job<'a> {
    /// The page's folder relative to the output root (`skills/omelette/`), or a
    /// file name for files that are not folders (`404.html`, a feed). Borrowed
    /// from the model where it can be: a large site has tens of thousands.
    pub path: Cow<'a, str>,
    pub make: Make<'a>,
    pub lastmod: Option<jiff::civil::Date>,
    pub in_sitemap: bool,
}

/// A job's key: where the file goes and everything it is made from.
impl Hash for Job<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.path.hash(h);
        self.make.hash(h);
    }
}

/// How a file is made; hashing it hashes everything the file is made from.
#[derive(Hash)]
pub(super) enum Make<'a> {
    Page {
        template: &'static str,
        context: PageContext<'a>,
    },
    Skill(SkillPage<'a>),
    Entry(EntryPage<'a>),
    Feed(SkillFeed<'a>),
}

impl<'a> Job<'a> {
    pub fn output_path(&self) -> String {
        if self.path.ends_with(".html") || self.path.ends_with(".xml") {
            self.path.to_string()
        } else {
            format!("{}index.html", self.path)
        }
    }

    /// The key of the file: where it goes and what it is made from, and for a
    /// page, `shared`, the key of what every template sees besides its context.
    /// A feed is no template's, so the `site` value does not touch it.
    pub fn key(&self, shared: Key) -> Key {
        match self.make {
            Make::Feed(_) => hash(self),
            _ => hash(&(shared, self)),
        }
    }

    /// Whether the job is a page of one skill or its entries, whose sitemap
    /// entries come from the skill's parts.
    pub fn of_one_skill(&self) -> bool {
        matches!(self.make, Make::Skill(_) | Make::Entry(_))
    }

    fn page(
        path: impl Into<Cow<'a, str>>,
        template: &'static str,
        context: PageContext<'a>,
    ) -> Self {
        Job {
            path: path.into(),
            make: Make::Page { template, context },
            lastmod: None,
            in_sitemap: true,
        }
    }
}

/// What the jobs are made from: the model, the shared values, and each skill
/// and its parts with their keys.
pub(super) struct Sources<'a> {
    pub site: &'a Site,
    pub common: &'a Common<'a>,
    pub skills: &'a [Keyed<&'a Skill>],
    pub parts: &'a [Parts<'a>],
    /// The preview of pages about the whole site.
    pub site_card: Option<super::preview::Preview>,
}

impl<'a> Sources<'a> {
    /// The context of a page about the whole site: [`Common::context`] with
    /// the site's card as its preview where there is one.
    fn context(&self, title: &str, description: &str, rel: &str) -> PageContext<'a> {
        let mut c = self.common.context(title, description, rel);
        if let Some(card) = &self.site_card {
            super::preview::Preview::insert(Some(card), &mut c);
        }
        c
    }
}

/// Every page's and skill feed's job.
pub(super) fn jobs<'a>(s: &Sources<'a>) -> Vec<Job<'a>> {
    let site = s.site;
    let payoffs: Vec<EntryRef> = (site.timeline.iter().copied())
        .filter(|r| site.entry(*r).kind == Kind::Payoff)
        .collect();
    let mut by_activity: Vec<usize> = (0..site.skills.len()).collect();
    by_activity.sort_by(|a, b| {
        let last = |i: usize| site.skills[i].progress.totals.last;
        last(*b)
            .cmp(&last(*a))
            .then_with(|| site.skills[*a].title.cmp(&site.skills[*b].title))
    });
    // A large site's skill jobs are most of them; the list pages are made
    // beside them.
    let (of_skills, after) = rayon::join(
        || {
            let mut jobs = Vec::new();
            skill_jobs(s, &mut jobs);
            jobs
        },
        || {
            let lang = s.common.lang;
            let mut c = s.context(
                &lang.text("title_payoffs", &[]),
                &lang.text("description_payoffs", &[]),
                "payoffs/",
            );
            c.insert_keyed("payoffs", entries(s, &payoffs));
            let mut jobs = vec![Job {
                lastmod: newest(site, &payoffs),
                ..Job::page("payoffs/", "payoffs.html", c)
            }];
            jobs.extend(cv(s, &payoffs));
            taxonomy_jobs(s, &mut jobs);
            for page in &site.pages {
                jobs.push(page_job(s, page));
            }
            let c = s.context(
                &lang.text("title_not_found", &[]),
                &lang.text("description_not_found", &[]),
                "404.html",
            );
            jobs.push(Job {
                in_sitemap: false,
                ..Job::page("404.html", "404.html", c)
            });
            jobs
        },
    );
    let mut jobs = Vec::with_capacity(2 + of_skills.len() + after.len());
    jobs.push(home(s, &payoffs, &by_activity));
    jobs.push(skills_index(s, &by_activity));
    jobs.extend(of_skills);
    jobs.extend(after);
    jobs
}

/// The `site` value every page's template sees.
pub(super) fn site_value(site: &Site) -> Value {
    let has_about = site.pages.iter().any(|p| p.path == "about/");
    value(&views::site_view(
        site,
        &views::Urls::new(&site.config),
        has_about,
    ))
}

/// The values of the skills `ids`, keyed by the keys of those values and made
/// only for a page that is rendered.
fn skill_values<'a>(s: &Sources<'a>, ids: &[usize]) -> KeyedValue<'a> {
    let keys: Vec<Key> = ids.iter().map(|&i| s.parts[i].value_key()).collect();
    let (parts, ids) = (s.parts, ids.to_vec());
    KeyedValue::later(hash(&keys), move || {
        Value::from(
            ids.iter()
                .map(|&i| parts[i].value().clone())
                .collect::<Vec<_>>(),
        )
    })
}

/// The values of the entries `refs`, keyed by the keys of those values and
/// made only for a page that is rendered.
fn entries<'a>(s: &Sources<'a>, refs: &[EntryRef]) -> KeyedValue<'a> {
    let keys: Vec<Key> = (refs.iter())
        .map(|&(skill, e)| s.parts[skill].entry_keys()[e])
        .collect();
    let (parts, refs) = (s.parts, refs.to_vec());
    KeyedValue::later(hash(&keys), move || {
        Value::from(
            refs.iter()
                .map(|&(skill, e)| parts[skill].entries()[e].clone())
                .collect::<Vec<_>>(),
        )
    })
}

fn newest(site: &Site, refs: &[EntryRef]) -> Option<jiff::civil::Date> {
    refs.first().map(|r| site.entry(*r).date.date)
}

/// Home: skills by most recent practice, latest payoffs and entries.
fn home<'a>(s: &Sources<'a>, payoffs: &[EntryRef], by_activity: &[usize]) -> Job<'a> {
    let site = s.site;
    let title = site.home.title.as_deref().unwrap_or(&site.config.title);
    let description = (site.home.description.as_deref()).unwrap_or(&site.config.description);
    let mut c = s.context(title, description, "");
    c.insert("intro", &site.home.html);
    c.insert_value("portfolio", value(&views::portfolio_view(site)));
    c.insert("og_type", "profile");
    c.insert(
        "json_ld",
        &structured::script_json(&structured::home(site, &s.common.urls)),
    );
    c.insert_keyed("skills", skill_values(s, by_activity));
    c.insert_keyed(
        "payoffs",
        entries(s, &payoffs[..payoffs.len().min(HOME_PAYOFFS)]),
    );
    let recent = &site.timeline[..site.timeline.len().min(HOME_RECENT)];
    c.insert_keyed("recent", entries(s, recent));
    Job {
        lastmod: newest(site, &site.timeline),
        ..Job::page("", "index.html", c)
    }
}

/// The skills index, also grouped by field and by status.
fn skills_index<'a>(s: &Sources<'a>, by_activity: &[usize]) -> Job<'a> {
    let site = s.site;
    let urls = &s.common.urls;
    let mut by_title: Vec<usize> = (0..site.skills.len()).collect();
    by_title.sort_by_key(|&i| site.skills[i].title.to_lowercase());
    let groups = field_groups(s, &by_title);
    let lang = s.common.lang;
    let mut c = s.context(
        &lang.text("title_skills", &[]),
        &lang.text("description_skills", &[]),
        "skills/",
    );
    c.insert_keyed("skills", skill_values(s, &by_title));
    c.insert_value("portfolio", value(&views::portfolio_view(site)));
    c.insert_keyed("groups", groups);
    c.insert_keyed("recent", skill_values(s, by_activity));
    let statuses: Vec<KeyedValue> = [
        Status::Mastered,
        Status::Practising,
        Status::Learning,
        Status::Paused,
    ]
    .into_iter()
    .map(|status| {
        let label = views::status_label(status.key(), lang);
        let ids: Vec<usize> = (by_title.iter().copied())
            .filter(|&i| site.skills[i].status == status)
            .collect();
        KeyedValue::map(vec![
            ("label", KeyedValue::walk(Value::from(label.as_str()))),
            ("key", KeyedValue::walk(Value::from(status.key()))),
            ("skills", skill_values(s, &ids)),
        ])
    })
    .collect();
    c.insert_keyed("statuses", KeyedValue::list(statuses));
    c.insert("synergy", &synergy_chart(site, &by_title, urls, lang));
    Job {
        lastmod: newest(site, &site.timeline),
        ..Job::page("skills/", "skills.html", c)
    }
}

/// The skills `ids` grouped by field, fields by name, skills without one last.
fn field_groups<'a>(s: &Sources<'a>, ids: &[usize]) -> KeyedValue<'a> {
    let urls = &s.common.urls;
    let mut groups: BTreeMap<String, (Option<TaxonView>, Vec<usize>)> = BTreeMap::new();
    for &i in ids {
        let field = s.site.skills[i].field.as_ref();
        let key = field.map_or_else(|| "\u{10ffff}".to_string(), |f| f.name.to_lowercase());
        (groups.entry(key))
            .or_insert_with(|| (field.map(|f| TaxonView::of(f, "fields", urls)), Vec::new()))
            .1
            .push(i);
    }
    let groups: Vec<KeyedValue> = groups
        .into_values()
        .map(|(field, ids)| {
            KeyedValue::map(vec![
                ("field", KeyedValue::walk(value(&field))),
                ("skills", skill_values(s, &ids)),
            ])
        })
        .collect();
    KeyedValue::list(groups)
}

/// The CV: the author, the skills by field with their figures, and every
/// payoff, to print or to send. A page of the site's own at `cv/` replaces it.
fn cv<'a>(s: &Sources<'a>, payoffs: &[EntryRef]) -> Option<Job<'a>> {
    let site = s.site;
    if site.pages.iter().any(|p| p.path == "cv/") {
        return None;
    }
    let mut by_title: Vec<usize> = (0..site.skills.len()).collect();
    by_title.sort_by_key(|&i| site.skills[i].title.to_lowercase());
    let who = Some(site.config.author.name.as_str()).filter(|n| !n.trim().is_empty());
    let lang = s.common.lang;
    let description = match who {
        Some(name) => lang.text("description_home_by", &[("name", name)]),
        None => lang.text("description_home", &[]),
    };
    let mut c = s.context(&lang.text("title_cv", &[]), &description, "cv/");
    c.insert_keyed("groups", field_groups(s, &by_title));
    c.insert_keyed("payoffs", entries(s, payoffs));
    c.insert_value("portfolio", value(&views::portfolio_view(site)));
    Some(Job {
        lastmod: newest(site, &site.timeline),
        ..Job::page("cv/", "cv.html", c)
    })
}

/// Each skill's page, feed and entries' pages.
fn skill_jobs<'a>(s: &Sources<'a>, jobs: &mut Vec<Job<'a>>) {
    let earliest_start = s.site.skills.iter().map(|k| k.started).min();
    for (i, (&skill, &parts)) in s.skills.iter().zip(s.parts).enumerate() {
        let related = (s.site.skills[i].related.iter())
            .map(|&r| s.parts[r])
            .collect();
        jobs.push(Job {
            path: Cow::Borrowed(&skill.item.path),
            make: Make::Skill(SkillPage {
                common: s.common,
                skill,
                parts,
                related,
            }),
            lastmod: skill_lastmod(skill.item),
            in_sitemap: true,
        });
        jobs.push(Job {
            path: Cow::Owned(format!("{}atom.xml", skill.item.path)),
            make: Make::Feed(SkillFeed {
                common: s.common,
                skill,
                earliest_start,
            }),
            lastmod: None,
            in_sitemap: false,
        });
        let by_then = crate::cards::minutes_by_then(skill.item, s.common.today);
        let sources = EntrySource::all(skill.item, &by_then);
        for (entry, source) in sources.enumerate() {
            let item = source.entry;
            jobs.push(Job {
                path: Cow::Borrowed(&item.path),
                make: Make::Entry(EntryPage {
                    common: s.common,
                    source,
                    parts: EntryParts::new(parts, entry),
                }),
                lastmod: Some(item.date.date),
                in_sitemap: true,
            });
        }
    }
}

/// Fields and tags: an index page each, and a page per field or tag.
fn taxonomy_jobs<'a>(s: &Sources<'a>, jobs: &mut Vec<Job<'a>>) {
    let site = s.site;
    let urls = &s.common.urls;
    let lang = s.common.lang;
    for (section, singular, taxa) in [
        ("fields", "field", &site.fields),
        ("tags", "tag", &site.tags),
    ] {
        let list: Vec<Value> = (taxa.iter())
            .map(|t| taxon_value(t, section, urls))
            .collect();
        let description = lang.text(&format!("description_{section}"), &[]);
        let title = lang.text(&format!("title_{section}"), &[]);
        let mut c = s.context(&title, &description, &format!("{section}/"));
        c.insert("kind", singular);
        c.insert_value("taxa", Value::from(list));
        jobs.push(Job {
            lastmod: None,
            ..Job::page(format!("{section}/"), "taxonomy_list.html", c)
        });
        for t in taxa {
            let rel = format!("{section}/{}/", t.taxon.slug);
            let title = &t.taxon.name;
            let description = lang.text(&format!("description_{singular}"), &[("name", title)]);
            let mut c = s.context(title, &description, &rel);
            c.insert("kind", singular);
            c.insert_value("taxon", taxon_value(t, section, urls));
            c.insert_keyed("skills", skill_values(s, &t.skills));
            c.insert_keyed("entries", entries(s, &t.entries));
            jobs.push(Job {
                lastmod: newest(site, &t.entries),
                ..Job::page(rel, "taxonomy.html", c)
            });
        }
    }
}

fn page_job<'a>(s: &Sources<'a>, page: &'a crate::site::Page) -> Job<'a> {
    let description = page.description.as_deref().unwrap_or(&page.title);
    let mut c = s.context(&page.title, description, &page.path);
    let mut m = tera::Map::new();
    m.insert("title".into(), Value::from(page.title.as_str()));
    m.insert(
        "description".into(),
        (page.description.as_deref()).map_or_else(Value::none, Value::from),
    );
    m.insert("html".into(), Value::from(page.html.as_str()));
    m.insert("url".into(), Value::from(s.common.urls.path(&page.path)));
    c.insert_value("page", Value::from(m));
    Job {
        path: Cow::Borrowed(&page.path),
        ..Job::page("", "page.html", c)
    }
}

/// The skills index's graph: skills grouped by field, related skills joined.
fn synergy_chart(site: &Site, order: &[usize], urls: &views::Urls, lang: &Language) -> String {
    let other = lang.text("other_skills", &[]);
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
                group: s.field.as_ref().map_or(other.as_str(), |f| f.name.as_str()),
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
    charts::synergy("synergy", &nodes, &edges, lang)
}

fn taxon_value(t: &TaxonPage, section: &str, urls: &views::Urls) -> Value {
    let view = TaxonView::of(&t.taxon, section, urls);
    let mut m = tera::Map::new();
    m.insert("name".into(), Value::from(view.name));
    m.insert("slug".into(), Value::from(view.slug));
    m.insert("url".into(), Value::from(view.url));
    m.insert("skill_count".into(), Value::from(t.skills.len()));
    m.insert("entry_count".into(), Value::from(t.entries.len()));
    Value::from(m)
}
