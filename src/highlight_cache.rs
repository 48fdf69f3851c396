//! A cache of highlighted code blocks kept on disk between builds, so a code block
//! that did not change is never highlighted twice. Highlighting is the most
//! expensive part of a build; the cache turns it into a lookup. Entries are keyed
//! by the code, its language and the highlighter's version, and entries no build
//! used are dropped when the cache is saved.
//!
//! A large site's blocks are tens of megabytes, so the file is a
//! [`KeyedFile`]: blocks are read where they lie when looked up, and a build
//! writes the blocks it highlights to its own file as it goes instead of
//! holding them until the end. A block met twice in one build is highlighted
//! twice, from the lines the highlighter remembers.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use crate::keyed_file::KeyedFile;

const MAGIC: &[u8] = b"SKILLFOLIO-HIGHLIGHT-CACHE 2\n";

#[derive(Default)]
pub struct HighlightCache {
    file: Option<KeyedFile>,
    /// What `serve` highlighted: it never writes the file, so it keeps its
    /// blocks in memory from one rebuild to the next.
    kept: Option<RwLock<HashMap<u64, Arc<str>>>>,
}

impl HighlightCache {
    /// Opens the cache file at `path` for a build, which saves it; a missing
    /// or unreadable file is an empty cache.
    pub fn open(path: &Path) -> HighlightCache {
        HighlightCache {
            file: Some(KeyedFile::open(path, MAGIC)),
            kept: None,
        }
    }

    /// Opens the cache file at `path` for reading only (`serve`).
    pub fn open_read_only(path: &Path) -> HighlightCache {
        HighlightCache {
            file: Some(KeyedFile::open_read_only(path, MAGIC)),
            kept: Some(RwLock::default()),
        }
    }

    pub fn key(code: &str, lang: &str) -> u64 {
        crate::keys::hash(&(lang, code))
    }

    pub fn get(&self, key: u64) -> Option<Arc<str>> {
        if let Some(found) = (self.kept.as_ref()).and_then(|k| k.read().ok()?.get(&key).cloned()) {
            return Some(found);
        }
        let bytes = self.file.as_ref()?.get(key, 0)?;
        String::from_utf8(bytes).ok().map(Arc::from)
    }

    /// Keeps a highlighted block; a cache without a file keeps nothing.
    pub fn insert(&self, key: u64, html: &str) {
        match (&self.kept, &self.file) {
            (Some(kept), _) => {
                let html: Arc<str> = html.into();
                if let Ok(mut kept) = kept.write() {
                    kept.insert(key, html);
                }
            }
            (None, Some(file)) => file.put(key, html.as_bytes()),
            (None, None) => {}
        }
    }

    /// Writes the blocks used by this build back to the cache file, if anything
    /// changed, and forgets the others (unless `keep_unused`: a build that took
    /// rendered files from the markdown store used none of their blocks). A
    /// cache that cannot be written only costs speed.
    pub fn save(&self, keep_unused: bool) {
        if let Some(file) = &self.file {
            file.save(0, keep_unused);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_survive_a_round_trip_and_unused_ones_are_dropped() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("cache/highlight.bin");
        let cache = HighlightCache::open(&path);
        let (a, b) = (
            HighlightCache::key("fn a() {}", "rust"),
            HighlightCache::key("a = 1", "toml"),
        );
        cache.insert(a, "<span>a</span>");
        cache.insert(b, "<span>b</span>");
        cache.save(false);
        let cache = HighlightCache::open(&path);
        assert_eq!(cache.get(a).as_deref(), Some("<span>a</span>"));
        cache.save(false);
        let cache = HighlightCache::open(&path);
        assert!(cache.get(b).is_none(), "b was not used by the last build");
        assert_ne!(a, HighlightCache::key("fn a() {}", "python"));
    }

    #[test]
    fn serve_keeps_what_it_highlights_in_memory_and_writes_nothing() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("highlight.bin");
        let cache = HighlightCache::open_read_only(&path);
        cache.insert(1, "<span>a</span>");
        assert_eq!(cache.get(1).as_deref(), Some("<span>a</span>"));
        cache.save(false);
        assert!(!path.exists());
    }
}
