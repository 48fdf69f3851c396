//! The indexes across skills: the timeline of every entry, and the field and tag
//! pages, which list their entries in timeline order. They are made from the
//! finished skills, so a skill kept from the last build costs nothing here.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EntryRef, Skill, Taxon, TaxonPage};
use crate::content::DateValue;
use crate::slug::slugify;

/// Every published entry, newest first; entries of one moment by skill, then
/// by slug, from the last.
pub(super) fn timeline(skills: &[Arc<Skill>]) -> Vec<EntryRef> {
    // Sorted by small keys gathered skill by skill: a sort that looks into the
    // entries themselves jumps all over a large model. Skills are in slug order
    // and each skill's entries in (date, slug) order, so indices stand for slugs.
    let mut keys: Vec<(DateValue, u32, u32)> = skills
        .iter()
        .enumerate()
        .flat_map(|(s, skill)| {
            skill
                .entries
                .iter()
                .enumerate()
                .map(move |(e, entry)| (entry.date, s as u32, e as u32))
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        let key = |k: &(DateValue, u32, u32)| {
            (
                std::cmp::Reverse((k.0.date, k.0.instant)),
                k.1,
                std::cmp::Reverse(k.2),
            )
        };
        key(a).cmp(&key(b))
    });
    keys.into_iter()
        .map(|(_, s, e)| (s as usize, e as usize))
        .collect()
}

/// The pages of a taxonomy: a skill's own taxa come from `of_skill`; its
/// entries' from `of_entries`, as the skill's [`EntryTags`]. Skills on a page
/// are in the order of `titles` (lowercased, by skill).
pub(super) fn taxonomy<'a>(
    skills: &'a [Arc<Skill>],
    titles: &[String],
    timeline: &[EntryRef],
    of_skill: impl Fn(&'a Skill) -> &'a [Taxon],
    of_entries: impl Fn(&'a Skill) -> (&'a [Taxon], &'a [(u32, u32)]),
) -> Vec<TaxonPage> {
    // Pages by slug through a hash index.
    fn page<'a>(
        index: &mut HashMap<&'a str, usize>,
        pages: &mut Vec<TaxonPage>,
        t: &'a Taxon,
    ) -> usize {
        *index.entry(t.slug.as_str()).or_insert_with(|| {
            pages.push(TaxonPage {
                taxon: t.clone(),
                skills: Vec::new(),
                entries: Vec::new(),
            });
            pages.len() - 1
        })
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut pages: Vec<TaxonPage> = Vec::new();
    for (i, skill) in skills.iter().enumerate() {
        for t in of_skill(skill) {
            let p = page(&mut index, &mut pages, t);
            pages[p].skills.push(i);
        }
    }
    // Pages from here on are named by entries only.
    let named_by_skills = pages.len();
    // Entries are gathered from each skill's compact list and then put in
    // timeline order: reading every entry's tags costs a large log more than
    // the rest of the model.
    let mut position: Vec<Vec<u32>> = skills.iter().map(|s| vec![0; s.entries.len()]).collect();
    for (i, r) in timeline.iter().enumerate() {
        position[r.0][r.1] = i as u32;
    }
    let mut found: Vec<Vec<(u32, EntryRef)>> = Vec::new();
    for (s, skill) in skills.iter().enumerate() {
        let (names, uses) = of_entries(skill);
        let to_page: Vec<usize> = names
            .iter()
            .map(|t| page(&mut index, &mut pages, t))
            .collect();
        for &(e, t) in uses {
            let p = to_page[t as usize];
            if found.len() <= p {
                found.resize_with(p + 1, Vec::new);
            }
            found[p].push((position[s][e as usize], (s, e as usize)));
        }
    }
    for (p, (page, mut entries)) in pages.iter_mut().zip(found).enumerate() {
        entries.sort_unstable_by_key(|(at, _)| *at);
        page.entries = entries.into_iter().map(|(_, r)| r).collect();
        // Spelled as the newest entry spells it, when no skill names the taxon.
        if p >= named_by_skills
            && let Some(&(s, e)) = page.entries.first()
        {
            let (names, uses) = of_entries(&skills[s]);
            let spelling = uses
                .iter()
                .filter(|(used_by, _)| *used_by as usize == e)
                .map(|&(_, t)| &names[t as usize])
                .find(|t| t.slug == page.taxon.slug);
            if let Some(t) = spelling {
                page.taxon.name.clone_from(&t.name);
            }
        }
    }
    pages.sort_by(|a, b| a.taxon.slug.cmp(&b.taxon.slug));
    for p in &mut pages {
        p.skills.dedup();
        p.skills.sort_by(|a, b| titles[*a].cmp(&titles[*b]));
    }
    pages
}

/// Names as written to taxa, sorted by slug, one per slug; a name without a
/// slug is left out.
pub(super) fn taxa(names: &[String]) -> Vec<Taxon> {
    let mut out: Vec<Taxon> = names
        .iter()
        .map(|n| Taxon {
            name: n.trim().to_string(),
            slug: slugify(n),
        })
        .filter(|t| !t.slug.is_empty())
        .collect();
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    out.dedup_by(|a, b| a.slug == b.slug);
    out
}
