//! Where every content file and asset is published, which the markdown renderer
//! needs to rewrite links, and the check of `#fragment` links, which needs every
//! file rendered first. `serve` keeps the link targets while no file is added,
//! removed or renamed, so they have a key of their own.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::ModelOptions;
use super::kept;
use super::pages::page_path;
use crate::config::Config;
use crate::content::{Content, Part};
use crate::diagnostic::Diagnostic;
use crate::images::Images;
use crate::keys::KeyHasher;
use crate::markdown::{self, Links};

/// The link targets and their fingerprint, from the cache when the files and
/// what else decides them are unchanged.
pub(super) fn targets(
    cache: Option<&kept::Cache>,
    config: &Config,
    content: &Content,
    images: &Images,
    options: &ModelOptions,
) -> (Arc<Links>, u64) {
    let make_links = || link_targets(config, content, images, options.drafts);
    match (cache, content.walk) {
        (Some(cache), Some(walk)) => cache.links(
            links_key(walk, config, content, images, options),
            make_links,
        ),
        _ => {
            let links = make_links();
            let fingerprint = links.fingerprint();
            (Arc::new(links), fingerprint)
        }
    }
}

/// Fragment links into headings that do not exist, over every file `md` rendered.
pub(super) fn broken_fragments(md: &markdown::Renderer) -> Vec<Diagnostic> {
    // A skill's page has a block per part, `#part-<key>`, written or not.
    let part_ids: Vec<String> = Part::ALL
        .iter()
        .map(|p| format!("part-{}", p.key()))
        .collect();
    md.broken_fragments(|path| {
        let is_skill = path.starts_with("skills")
            && path.ends_with("index.md")
            && path.components().count() == 3;
        if is_skill {
            part_ids.clone()
        } else {
            Vec::new()
        }
    })
}

/// Where every content file and asset is published, for link rewriting.
fn link_targets(config: &Config, content: &Content, images: &Images, drafts: bool) -> Links {
    // Sized up front: growing rehashes every path so far, several times over
    // on a large site, and `serve` makes these again after each new file.
    let entries: usize = content.skills.iter().map(|s| s.entries.len() + 1).sum();
    let mut targets =
        HashMap::with_capacity(1 + entries + content.pages.len() + content.assets.len());
    targets.insert(PathBuf::from("_index.md"), String::new());
    for skill in &content.skills {
        targets.insert(
            skill.dir.join("index.md"),
            format!("skills/{}/", skill.slug),
        );
        let log = skill.dir.join("log");
        for e in skill.entries.iter().filter(|e| drafts || !e.draft) {
            let name = e.file.path.file_name().unwrap_or_default();
            targets.insert(log.join(name), format!("skills/{}/{}/", skill.slug, e.slug));
        }
    }
    for p in &content.pages {
        targets.insert(p.rel.clone(), page_path(&p.rel));
    }
    let mut lengths = HashMap::new();
    for (rel, asset) in &content.assets {
        targets.insert(rel.clone(), asset.output.clone());
        lengths.insert(asset.output.clone(), asset.len);
    }
    for info in images.info.values() {
        lengths.insert(info.path.clone(), info.length);
    }
    Links {
        targets,
        base_path: config.base_path.clone(),
        images: images.info.clone(),
        lengths,
        refused: images.refused.clone(),
    }
}

/// What decides the link targets besides the files found by walk number `walk`:
/// which of them are drafts, the base URL and the processed images.
fn links_key(
    walk: u64,
    config: &Config,
    content: &Content,
    images: &Images,
    options: &ModelOptions,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = KeyHasher::new();
    (walk, &config.base_path, options.drafts).hash(&mut h);
    for skill in &content.skills {
        skill.dir.hash(&mut h);
        for e in &skill.entries {
            e.draft.hash(&mut h);
        }
    }
    for p in &content.pages {
        p.rel.hash(&mut h);
    }
    crate::keys::hash_sorted(&images.info, &mut h);
    crate::keys::hash_sorted(&images.refused, &mut h);
    h.finish()
}
