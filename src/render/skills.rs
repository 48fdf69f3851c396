//! Everything made of one skill: its parts (template value, its entries'
//! values, its share of the sitemap), made once per render and shared by every
//! page that shows the skill, and the inputs and contexts of its own page, its
//! entries' pages and its feed. Each is made from a [`Keyed`] skill and the
//! [`Common`] values only, so its key covers all it reads.
//!
//! The parts' keys outlive their values: a build keeps them in the cache
//! folder ([`store`]), and a later build whose skill and shared values are the
//! same keys every page that shows the skill without making its values, which
//! are then made only for a page that is rendered.

mod store;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, Value};

use super::inputs::{Common, Feed, Keyed};
use super::preview::Preview;
use super::views::{entry_value, insert_after, skill_ref, skill_view, value};
use crate::cards::SkillFace;
use crate::feed;
use crate::keys::{Key, hash};
use crate::site::{Entry, Skill};
use crate::sitemap;
use crate::structured;

pub use store::PartsStore;

/// What is made of one skill for every page that shows it, with the key of
/// each value: a hash of the value itself, so a list that shows the skill or
/// one of its entries changes only when what it shows does.
pub struct SkillParts {
    pub value_key: Key,
    pub entry_keys: Vec<Key>,
    /// The key of each entry's [`EntrySource`].
    pub source_keys: Vec<Key>,
    /// The key of what `portfolio.json` and `resume.json` show of the skill.
    pub documents_key: Key,
    /// The key of each of its cards' faces ([`crate::cards::faces`]).
    pub card_keys: Vec<Key>,
    /// The sitemap's `<url>` elements for the skill's page and its entries'.
    pub sitemap: String,
    /// The values, once made: parts whose keys were kept from an earlier
    /// build have none until a page that shows them is rendered.
    values: OnceLock<Values>,
}

/// The template values of a skill and of each of its entries.
struct Values {
    skill: Value,
    entries: Vec<Value>,
}

impl SkillParts {
    /// The key of all the parts: what a page made from them depends on.
    fn key(&self) -> Key {
        hash(&(
            self.value_key,
            &self.entry_keys,
            &self.source_keys,
            self.documents_key,
            &self.card_keys,
            &self.sitemap,
        ))
    }
}

/// Parts made by earlier renders, by the key of what they were made from;
/// `serve` keeps them while the skill and the shared values are unchanged.
pub type PartsMemo = HashMap<Key, (Key, Arc<SkillParts>)>;

/// What a skill's parts are made from.
#[derive(Hash, Clone, Copy)]
struct PartsInputs<'a> {
    common: &'a Common<'a>,
    skill: Keyed<&'a Skill>,
}

/// A skill's parts as a page sees them: hashed by their key, with their
/// values made from the skill the first time a page asks for them.
#[derive(Clone, Copy)]
pub(super) struct Parts<'a> {
    pub key: Key,
    made: &'a SkillParts,
    inputs: PartsInputs<'a>,
}

impl std::hash::Hash for Parts<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.key.hash(h);
    }
}

impl<'a> Parts<'a> {
    pub fn new(
        key: Key,
        made: &'a SkillParts,
        common: &'a Common<'a>,
        skill: Keyed<&'a Skill>,
    ) -> Self {
        Parts {
            key,
            made,
            inputs: PartsInputs { common, skill },
        }
    }

    pub fn value_key(&self) -> Key {
        self.made.value_key
    }

    pub fn entry_keys(&self) -> &'a [Key] {
        &self.made.entry_keys
    }

    pub fn sitemap(&self) -> &'a str {
        &self.made.sitemap
    }

    pub fn documents_key(&self) -> Key {
        self.made.documents_key
    }

    pub fn card_keys(&self) -> &'a [Key] {
        &self.made.card_keys
    }

    /// The skill's template value.
    pub fn value(&self) -> &'a Value {
        &self.values().skill
    }

    /// Its entries' template values, oldest first.
    pub fn entries(&self) -> &'a [Value] {
        &self.values().entries
    }

    fn values(&self) -> &'a Values {
        let made: &'a SkillParts = self.made;
        made.values.get_or_init(|| make_values(&self.inputs))
    }
}

/// Every skill's parts, by the key of their inputs, with their own key; taken
/// from `memo` where they are there.
pub(super) fn skill_parts(
    common: &Common,
    skills: &[Keyed<&Skill>],
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
    let values = make_values(inputs);
    let by_then = crate::cards::minutes_by_then(skill, inputs.common.today);
    let source_keys = (EntrySource::all(skill, &by_then))
        .map(|source| hash(&source))
        .collect();
    SkillParts {
        value_key: walk(&values.skill),
        entry_keys: values.entries.iter().map(walk).collect(),
        source_keys,
        documents_key: hash(&structured::SkillDocs::of(skill, urls, inputs.common.lang)),
        card_keys: (crate::cards::faces(skill, &by_then).iter())
            .map(|(_, face)| hash(face))
            .collect(),
        sitemap: sitemap::url_elements(&pages),
        values: OnceLock::from(values),
    }
}

fn make_values(inputs: &PartsInputs) -> Values {
    let (skill, common) = (inputs.skill.item, inputs.common);
    let mut skill_value = (value(&skill_view(skill, &common.urls, common.today, common.lang)))
        .into_map()
        .unwrap_or_default();
    let weeks = (common.shared).weeks(&skill.progress.weeks, common.lang);
    insert_after(&mut skill_value, "months", "weeks", weeks);
    let skill_ref = skill_ref(skill, &common.urls);
    let entries: Vec<Value> = (skill.entries.iter())
        .map(|e| entry_value(e, &skill_ref, &common.urls, common.lang, &common.shared))
        .collect();
    Values {
        skill: Value::from(skill_value),
        entries,
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
    pub skill: Keyed<&'a Skill>,
    pub parts: Parts<'a>,
    pub related: Vec<Parts<'a>>,
}

impl SkillPage<'_> {
    pub fn context(&self) -> Context {
        let (skill, common) = (self.skill.item, self.common);
        let urls = &common.urls;
        let description = skill.summary.as_deref().unwrap_or(&skill.title);
        let mut c = common.context(&skill.title, description, &skill.path);
        c.insert_value("skill", self.parts.value().clone());
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
        let newest_first: Vec<Value> = self.parts.entries().iter().rev().cloned().collect();
        c.insert_value("entries", Value::from(newest_first));
        let related: Vec<Value> = self.related.iter().map(|r| r.value().clone()).collect();
        c.insert_value("related", Value::from(related));
        c.into_context()
    }
}

/// What an entry's page is made from: the shared values, its source, and of
/// its skill's parts the skill's value and the values of the entry and its
/// neighbours. Editing one entry renders its own page and its neighbours',
/// not every page of the skill: a page reads its skill only through these.
pub(super) struct EntryPage<'a> {
    pub common: &'a Common<'a>,
    pub source: EntrySource<'a>,
    pub parts: EntryParts<'a>,
}

/// Keyed by the shared values and the keys the parts hold of what the page
/// reads; its source is in those.
impl std::hash::Hash for EntryPage<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.common.hash(h);
        self.parts.hash(h);
    }
}

/// The parts an entry's page reads, and only those: the skill's value, the
/// values of the entry and its neighbours, and the key of its source.
#[derive(Clone, Copy)]
pub(super) struct EntryParts<'a> {
    parts: Parts<'a>,
    entry: usize,
}

impl std::hash::Hash for EntryParts<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let (e, keys) = (self.entry, self.parts.entry_keys());
        self.parts.made.source_keys[e].hash(h);
        self.parts.value_key().hash(h);
        (e.checked_sub(1).map(|i| keys[i]), keys[e], keys.get(e + 1)).hash(h);
    }
}

impl<'a> EntryParts<'a> {
    pub fn new(parts: Parts<'a>, entry: usize) -> Self {
        EntryParts { parts, entry }
    }

    fn skill(&self) -> &'a Value {
        self.parts.value()
    }

    fn entry(&self) -> Option<&'a Value> {
        self.parts.entries().get(self.entry)
    }

    fn previous(&self) -> Option<&'a Value> {
        let i = self.entry.checked_sub(1)?;
        self.parts.entries().get(i)
    }

    fn next(&self) -> Option<&'a Value> {
        self.parts.entries().get(self.entry + 1)
    }
}

/// What an entry's page shows of the entry and its skill besides the parts'
/// values. The parts hold its key, made with them from the skill.
#[derive(Hash)]
pub(super) struct EntrySource<'a> {
    pub entry: &'a Entry,
    pub skill_slug: &'a str,
    pub skill_path: &'a str,
    /// What the skill's card shows, which a page without a card of its own shares.
    pub skill_card: Keyed<SkillFace<'a>>,
    /// The practice up to the day of a payoff with a card of its own.
    pub minutes_by_then: Option<u64>,
}

impl<'a> EntrySource<'a> {
    /// The sources of all of a skill's entry pages, in the entries' order;
    /// `by_then` is the skill's [`crate::cards::minutes_by_then`].
    pub fn all(skill: &'a Skill, by_then: &[Option<u64>]) -> impl Iterator<Item = Self> {
        // The face holds the skill's whole record of practice: hashed once for
        // the skill rather than once for each of its entries' pages.
        let skill_card = Keyed::new(SkillFace::of(skill));
        (skill.entries.iter().zip(by_then)).map(move |(entry, &minutes_by_then)| EntrySource {
            entry,
            skill_slug: &skill.slug,
            skill_path: &skill.path,
            skill_card,
            minutes_by_then,
        })
    }
}

impl EntryPage<'_> {
    pub fn context(&self) -> Context {
        let (common, parts) = (self.common, &self.parts);
        let source = &self.source;
        let item = source.entry;
        let urls = &common.urls;
        let description = truncate(&item.summary_text, 160);
        let mut c = common.context(&item.title, &description, &item.path);
        let mut full = (parts.entry().and_then(Value::as_map))
            .cloned()
            .unwrap_or_default();
        full.insert("html".into(), Value::from(item.html.as_str()));
        c.insert_value("entry", Value::from(full));
        c.insert_value("skill", parts.skill().clone());
        c.insert("og_type", "article");
        if let Some(preview) = Preview::entry(common.config, source, urls, common.lang) {
            Preview::insert(Some(&preview), &mut c);
        }
        let skill = (source.skill_card.title, source.skill_path);
        c.insert(
            "json_ld",
            &structured::script_json(&structured::entry(common.config, skill, item, urls)),
        );
        let value = |v: Option<&Value>| v.map_or_else(Value::none, Value::clone);
        c.insert_value("previous", value(parts.previous()));
        c.insert_value("next", value(parts.next()));
        c.into_context()
    }
}

/// What a skill's `atom.xml` is made from. A feed without entries is dated by
/// the earliest start of any skill, so that date is an input too.
#[derive(Hash)]
pub(super) struct SkillFeed<'a> {
    pub common: &'a Common<'a>,
    pub skill: Keyed<&'a Skill>,
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
