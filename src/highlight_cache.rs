//! A cache of highlighted code blocks kept on disk between builds, so a code block
//! that did not change is never highlighted twice. Highlighting is the most
//! expensive part of a build; the cache turns it into a lookup. Entries are keyed
//! by the code, its language and the highlighter's version, and entries no build
//! used are dropped when the cache is saved.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

const MAGIC: &[u8] = b"SKILLFOLIO-HIGHLIGHT-CACHE 1\n";

#[derive(Default)]
pub struct HighlightCache {
    path: Option<PathBuf>,
    /// Read from `path` when first needed: a build whose rendered markdown
    /// all comes from the markdown store never reads it.
    blocks: OnceLock<RwLock<HashMap<u64, Arc<str>>>>,
    used: Mutex<HashSet<u64>>,
    added: Mutex<bool>,
}

impl HighlightCache {
    /// Opens the cache file at `path`; a missing or unreadable file is an empty cache.
    pub fn open(path: &Path) -> HighlightCache {
        let cache = HighlightCache::open_lazily(path);
        cache.blocks();
        cache
    }

    /// [`HighlightCache::open`], reading the file only when a block is first
    /// looked up.
    pub fn open_lazily(path: &Path) -> HighlightCache {
        HighlightCache {
            path: Some(path.to_path_buf()),
            ..HighlightCache::default()
        }
    }

    fn blocks(&self) -> &RwLock<HashMap<u64, Arc<str>>> {
        self.blocks.get_or_init(|| {
            let blocks = (self.path.as_ref())
                .and_then(|path| std::fs::read(path).ok())
                .and_then(|b| decode(&b))
                .unwrap_or_default();
            RwLock::new(blocks)
        })
    }

    pub fn key(code: &str, lang: &str) -> u64 {
        crate::keys::hash(&(lang, code))
    }

    pub fn get(&self, key: u64) -> Option<Arc<str>> {
        self.path.as_ref()?;
        let found = self.blocks().read().ok()?.get(&key).cloned()?;
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
        Some(found)
    }

    /// Keeps a highlighted block; a cache without a file keeps nothing.
    pub fn insert(&self, key: u64, html: &str) {
        if self.path.is_none() {
            return;
        }
        // Copied before the lock is taken: other threads look blocks up meanwhile.
        let html: Arc<str> = html.into();
        if let Ok(mut blocks) = self.blocks().write() {
            blocks.insert(key, html);
        }
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
        if let Ok(mut added) = self.added.lock() {
            *added = true;
        }
    }

    /// Writes the blocks used by this build back to the cache file, if anything
    /// changed, and forgets the others (unless `keep_unused`: a build that took
    /// rendered files from the markdown store used none of their blocks), so a
    /// long `serve` session does not keep every block it ever saw. A cache that
    /// cannot be written only costs speed, so errors are ignored.
    pub fn save(&self, keep_unused: bool) {
        let Some(path) = &self.path else { return };
        // Never read, so nothing was looked up or added.
        let Some(blocks) = self.blocks.get() else {
            return;
        };
        let (Ok(mut blocks), Ok(mut used), Ok(mut added)) =
            (blocks.write(), self.used.lock(), self.added.lock())
        else {
            return;
        };
        let unchanged = !*added && (keep_unused || used.len() == blocks.len());
        if !keep_unused {
            blocks.retain(|key, _| used.contains(key));
        }
        used.clear();
        if unchanged {
            return;
        }
        *added = false;
        let mut keys: Vec<&u64> = blocks.keys().collect();
        keys.sort();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Streamed to the file: a large site's cache is tens of megabytes, which
        // would otherwise be held twice while a build is at its peak; written in
        // large pieces, as thousands of small writes cost the system more.
        let tmp = path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            let file = std::fs::File::create(&tmp)?;
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            out.write_all(MAGIC)?;
            for key in keys {
                if let Some(html) = blocks.get(key) {
                    out.write_all(&key.to_le_bytes())?;
                    out.write_all(&(html.len() as u32).to_le_bytes())?;
                    out.write_all(html.as_bytes())?;
                }
            }
            out.flush()
        };
        // On a full disk the partial file is tens of megabytes that would keep
        // the disk full for the next build: it goes, whatever failed.
        if write().and_then(|()| std::fs::rename(&tmp, path)).is_err() {
            let _ = std::fs::remove_file(&tmp);
            // Only goes when empty: the folder this save may have made.
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

fn decode(bytes: &[u8]) -> Option<HashMap<u64, Arc<str>>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut blocks = HashMap::new();
    while !rest.is_empty() {
        let key = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
        let len = u32::from_le_bytes(rest.get(8..12)?.try_into().ok()?) as usize;
        let html = std::str::from_utf8(rest.get(12..12 + len)?).ok()?;
        blocks.insert(key, Arc::from(html));
        rest = &rest[12 + len..];
    }
    Some(blocks)
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
    fn a_damaged_file_is_an_empty_cache() {
        assert!(decode(b"nonsense").is_none());
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[1, 2, 3]);
        assert!(decode(&bytes).is_none());
    }
}
