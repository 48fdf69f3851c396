//! What is made of each skill once per build and shared by its pages: its template
//! value, its entries' values, its feed and its part of the sitemap. `serve` keeps
//! these from one rebuild to the next while the skill is unchanged; a build writes
//! each skill's feed as soon as it is made.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use super::views::{Urls, entry_view, skill_view, value};
use crate::diagnostic::Diagnostic;
use crate::feed;
use crate::keys::hash;
use crate::output::{Contents, OutputFile};
use crate::page_record::PageRecord;
use crate::site::{Site, Skill};
use crate::sitemap;

/// What is made of one skill for every build: its template value, its entries'
/// values and its feed. Valid while the skill's fingerprint and the site's
/// configuration and date are the same.
pub struct CachedSkill {
    pub key: u64,
    pub value: Value,
    pub entries: Vec<Value>,
    pub feed: SkillFeed,
    /// The sitemap's `<url>` elements for the skill's page and its entries'.
    pub sitemap: String,
}

pub type SkillCache = HashMap<String, Arc<CachedSkill>>;

/// A skill's `atom.xml`.
pub enum SkillFeed {
    /// Made, and to be written with the other files.
    Made(Arc<[u8]>),
    /// The previous output's feed is current (see [`PageRecord`]).
    Kept,
    /// Already handed out: a build that keeps nothing writes each feed as soon as
    /// it is made, instead of holding every feed while the pages render.
    Written,
}

/// The template values and feed of every skill, reusing those of `cached` whose
/// skill is unchanged. `site_key` stands for what every skill's parts depend on
/// besides the skill itself: the configuration and the date. With `write`, each
/// new feed is handed to it at once rather than kept (see [`SkillFeed::Written`]).
pub fn skill_parts(
    site: &Site,
    cached: &SkillCache,
    write: Option<&(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync)>,
    site_key: u64,
    record: Option<&PageRecord>,
) -> Result<Vec<Arc<CachedSkill>>, Diagnostic> {
    let urls = Urls::new(&site.config);
    site.skills
        .par_iter()
        .enumerate()
        .map(|(i, skill)| {
            let key = hash(&(skill.fingerprint, site_key));
            if let Some(c) = cached.get(&skill.slug).filter(|c| c.key == key) {
                return Ok(Arc::clone(c));
            }
            let path = format!("{}atom.xml", skill.path);
            let inputs = record.map(|r| hash(&(r.version(), key)));
            let feed = match record.zip(inputs) {
                Some((r, inputs)) if r.reuse(&path, inputs) => SkillFeed::Kept,
                _ => {
                    let feed = feed::atom(
                        site,
                        &feed::FeedSpec {
                            title: format!("{} · {}", skill.title, site.config.title),
                            path: &path,
                            page: &skill.path,
                            entries: feed::skill_entries(site, i),
                        },
                    );
                    if let Some((r, inputs)) = record.zip(inputs) {
                        r.note(&path, inputs, feed.as_bytes());
                    }
                    match write {
                        Some(write) => {
                            write(OutputFile {
                                path,
                                contents: Contents::Bytes(feed.into_bytes().into()),
                            })?;
                            SkillFeed::Written
                        }
                        None => SkillFeed::Made(feed.into_bytes().into()),
                    }
                }
            };
            Ok(Arc::new(CachedSkill {
                key,
                value: value(&skill_view(skill, &urls, site.today)),
                entries: skill
                    .entries
                    .iter()
                    .map(|e| value(&entry_view(e, skill, &urls)))
                    .collect(),
                feed,
                sitemap: skill_sitemap(skill, &urls),
            }))
        })
        .collect()
}

/// The sitemap's part for a skill: its page, then its entries' pages.
fn skill_sitemap(skill: &Skill, urls: &Urls) -> String {
    let mut pages = vec![sitemap::Url {
        loc: urls.permalink(&skill.path),
        lastmod: skill_lastmod(skill),
    }];
    pages.extend(skill.entries.iter().map(|e| sitemap::Url {
        loc: urls.permalink(&e.path),
        lastmod: Some(e.date.date),
    }));
    sitemap::url_elements(&pages)
}

/// A skill page changes with its latest practice, or its start before any.
pub fn skill_lastmod(skill: &Skill) -> Option<jiff::civil::Date> {
    skill.progress.totals.last.or(Some(skill.started))
}
