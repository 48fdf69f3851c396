//! What `serve` keeps of the model from one rebuild to the next. On a large
//! portfolio most of a rebuild's model is thousands of entries that did not
//! change; a skill whose sources are the very same (the content cache hands the
//! same shared value on) is taken over whole, with the warnings and anchors its
//! first build found, so only the skill that was edited is built again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Skill;
use crate::content::SkillSource;
use crate::diagnostic::Diagnostic;
use crate::link_lookups::Deps;
use crate::markdown::{self, Anchors, Links};

#[derive(Default)]
pub struct Cache {
    pub markdown: markdown::Cache,
    /// By slug.
    skills: Mutex<HashMap<String, Kept>>,
    /// The link targets of the last build, with what they were made from and
    /// their fingerprint.
    links: Mutex<Option<(u64, Arc<Links>, u64)>>,
}

/// A skill as built, and what it was built from.
#[derive(Clone)]
pub struct Kept {
    pub source: Arc<SkillSource>,
    /// The key of everything besides the source and the link targets a skill
    /// is built from: the model's options (see [`super::skills`]).
    pub key: u64,
    pub skill: Arc<Skill>,
    /// Warnings only: a skill with an error is built again every time.
    pub warnings: Vec<Diagnostic>,
    pub anchors: Arc<[Anchors]>,
    /// What building it looked up of the link targets: the skill is kept
    /// while the answers are the same.
    pub deps: Deps,
}

impl Cache {
    /// The skills kept by the last build, for this one to take from.
    pub fn take_skills(&self) -> HashMap<String, Kept> {
        std::mem::take(&mut *self.skills.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn keep_skills(&self, skills: HashMap<String, Kept>) {
        *self.skills.lock().unwrap_or_else(|e| e.into_inner()) = skills;
    }

    /// The link targets for `key`, made by `make` unless the last build's were
    /// made from the same; with their fingerprint.
    pub fn links(&self, key: u64, make: impl FnOnce() -> Links) -> (Arc<Links>, u64) {
        let mut last = self.links.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, links, fingerprint)) = last.as_ref()
            && *k == key
        {
            return (Arc::clone(links), *fingerprint);
        }
        let links = Arc::new(make());
        let fingerprint = links.fingerprint();
        // Freeing the last targets, one path at a time, is left to another
        // thread: the rebuild waits for nothing it does not use.
        if let Some(old) = last.replace((key, Arc::clone(&links), fingerprint)) {
            crate::drop_in_background(old);
        }
        (links, fingerprint)
    }
}
