//! Everything made of one skill: its parts (template value, its entries'
//! values, its share of the sitemap), made once per render and shared by every
//! page that shows the skill, and the inputs and contexts of its own page, its
//! entries' pages and its feed. Each is made from a [`Keyed`] skill and the
//! [`Common`] values only, so its key covers all it reads.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use super::inputs::{Common, Feed, Keyed};
use super::preview::Preview;
use super::views::{entry_view, skill_view, value};
use crate::feed;
use crate::keys::{Key, hash};
use crate::site::Skill;
use crate::sitemap;
use crate::structured;

/// What is made of one skill for every page that shows it, with the key of
/// each value: a hash of the value itself, so a list that shows the skill or
/// one of its entries changes only when what it shows does.
pub struct SkillParts {
    pub value: Value,
    pub value_key: Key,
    pub entries: Vec<Value>,
    pub entry_keys: Vec<Key>,
    /// The sitemap's `<url>` elements for the skill's page and its entries'.
    pub sitemap: String,
}

impl SkillParts {
    /// The key of all the parts: what a page made from them depends on.
    fn key(&self) -> Key {
        hash(&(self.value_key, &self.entry_keys, &self.sitemap))
    }
}

/// Parts made by earlier renders, by the key of what they were made from;
/// `serve` keeps them while the skill and the shared values are unchanged.
pub type PartsMemo = HashMap<Key, (Key, Arc<SkillParts>)>;

/// What a skill's parts are made from.
#[derive(Hash)]
struct PartsInputs<'a> {
    common: &'a Common<'a>,
    skill: Keyed<'a, Skill>,
}

/// Every skill's parts, by the key of their inputs, with their own key; taken
/// from `memo` where they are there.
pub(super) fn skill_parts(
    common: &Common,
    skills: &[Keyed<Skill>],
    memo: &PartsMemo,
) -> Vec<(Key, (Key, Arc<SkillParts>))> {
    skills
        .par_iter()
        .map(|&skill| {
            let inputs = PartsInputs { common, skill };
            let key = hash(&inputs);
            let parts = match memo.get(&key) {
                Some((own, p)) => (*own, Arc::clone(p)),
                None => {
                    let parts = make_parts(&inputs);
                    (parts.key(), Arc::new(parts))
                }
            };
            (key, parts)
        })
        .collect()
}

fn make_parts(inputs: &PartsInputs) -> SkillParts {
    let (skill, urls) = (inputs.skill.item, &inputs.common.urls);
    let mut pages = vec![sitemap::Url {
        loc: urls.permalink(&skill.path),
        lastmod: skill_lastmod(skill),
    }];
    pages.extend(skill.entries.iter().map(|e| sitemap::Url {
        loc: urls.permalink(&e.path),
        lastmod: Some(e.date.date),
    }));
    let value = value(&skill_view(
        skill,
        urls,
        inputs.common.today,
        inputs.common.lang,
    ));
    let entries: Vec<Value> = (skill.entries.iter())
        .map(|e| super::views::value(&entry_view(e, skill, urls, inputs.common.lang)))
        .collect();
    SkillParts {
        value_key: walk(&value),
        entry_keys: entries.iter().map(walk).collect(),
        value,
        entries,
        sitemap: sitemap::url_elements(&pages),
    }
}

fn walk(value: &Value) -> Key {
    use std::hash::Hasher;
    let mut h = crate::keys::KeyHasher::new();
    crate::keys::hash_value(value, &mut h);
    h.finish()
}

/// A skill page changes with its latest practice, or its start before any.
pub fn skill_lastmod(skill: &Skill) -> Option<jiff::civil::Date> {
    skill.progress.totals.last.or(Some(skill.started))
}

/// What a skill's page is made from.
#[derive(Hash)]
pub(super) struct SkillPage<'a> {
    pub common: &'a Common<'a>,
    pub skill: Keyed<'a, Skill>,
    pub parts: Keyed<'a, SkillParts>,
    pub related: Vec<Keyed<'a, SkillParts>>,
}

impl SkillPage<'_> {
    pub fn context(&self) -> Context {
        let (skill, common) = (self.skill.item, self.common);
        let urls = &common.urls;
        let description = skill.summary.as_deref().unwrap_or(&skill.title);
        let mut c = common.context(&skill.title, description, &skill.path);
        c.insert_value("skill", self.parts.value.clone());
        let skill_feed = Feed {
            title: common.lang.text("feed_skill", &[("title", &skill.title)]),
            url: urls.permalink(&format!("{}atom.xml", skill.path)),
        };
        c.insert("feeds", &[&common.site_feed, &skill_feed]);
        c.insert("og_type", "article");
        if let Some(preview) = Preview::skill(common.config, skill, urls, common.lang) {
            Preview::insert(Some(&preview), &mut c);
        }
        c.insert(
            "json_ld",
            &structured::script_json(&structured::skill(common.config, skill, urls)),
        );
        let newest_first: Vec<Value> = self.parts.entries.iter().rev().cloned().collect();
        c.insert_value("entries", Value::from(newest_first));
        let related: Vec<Value> = self.related.iter().map(|r| r.value.clone()).collect();
        c.insert_value("related", Value::from(related));
        c.into_context()
    }
}

/// What an entry's page is made from: the entry, its skill and its
/// neighbours, all in the skill and its parts.
#[derive(Hash)]
pub(super) struct EntryPage<'a> {
    pub common: &'a Common<'a>,
    pub skill: Keyed<'a, Skill>,
    pub parts: Keyed<'a, SkillParts>,
    pub entry: usize,
}

impl EntryPage<'_> {
    pub fn context(&self) -> Context {
        let (skill, common, e) = (self.skill.item, self.common, self.entry);
        let item = &skill.entries[e];
        let urls = &common.urls;
        let description = truncate(&item.summary_text, 160);
        let mut c = common.context(&item.title, &description, &item.path);
        let mut full = self.parts.entries[e].as_map().cloned().unwrap_or_default();
        full.insert("html".into(), Value::from(item.html.as_str()));
        c.insert_value("entry", Value::from(full));
        c.insert_value("skill", self.parts.value.clone());
        c.insert("og_type", "article");
        if let Some(preview) =
            Preview::entry(common.config, skill, item, common.today, urls, common.lang)
        {
            Preview::insert(Some(&preview), &mut c);
        }
        c.insert(
            "json_ld",
            &structured::script_json(&structured::entry(common.config, skill, item, urls)),
        );
        let neighbour =
            |i: Option<usize>| i.map_or_else(Value::none, |i| self.parts.entries[i].clone());
        c.insert_value("previous", neighbour(e.checked_sub(1)));
        c.insert_value(
            "next",
            neighbour((e + 1 < skill.entries.len()).then_some(e + 1)),
        );
        c.into_context()
    }
}

/// What a skill's `atom.xml` is made from. A feed without entries is dated by
/// the earliest start of any skill, so that date is an input too.
#[derive(Hash)]
pub(super) struct SkillFeed<'a> {
    pub common: &'a Common<'a>,
    pub skill: Keyed<'a, Skill>,
    pub earliest_start: Option<jiff::civil::Date>,
}

impl SkillFeed<'_> {
    pub fn xml(&self) -> String {
        let (skill, common) = (self.skill.item, self.common);
        let path = format!("{}atom.xml", skill.path);
        feed::atom(
            common.config,
            &feed::FeedSpec {
                title: format!("{} · {}", skill.title, common.config.title),
                lang: common.lang,
                path: &path,
                page: &skill.path,
                entries: feed::skill_entries(common.config, common.today, skill),
                earliest_start: self.earliest_start,
            },
        )
    }
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
