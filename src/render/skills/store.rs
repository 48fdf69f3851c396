//! The skills' parts kept on disk between builds, without their values: for
//! each skill, the key of what its parts were made from, and the keys and
//! sitemap elements they had. A warm build finds every unchanged skill here and
//! keys the pages that show it without making a template value; it makes the
//! values only for the pages it renders. A file from another version of the
//! program matches nothing, since every key is seeded with the version.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{PartsMemo, SkillParts};
use crate::binary::{Reader, Writer};

const MAGIC: &[u8] = b"SKILLFOLIO-SKILL-PARTS 2\n";

/// Where a build's skill parts are kept, and what it found there.
pub struct PartsStore {
    file: PathBuf,
    /// The inputs keys read from the file, to tell whether a build's parts are
    /// the same and the file need not be written.
    read: Vec<u64>,
}

impl PartsStore {
    /// The store in the cache folder `dir`, and the parts it holds. A missing
    /// or damaged file holds none.
    pub fn open(dir: &Path) -> (PartsStore, PartsMemo) {
        let file = dir.join("skill-parts.bin");
        let memo = fs::read(&file)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        let mut read: Vec<u64> = memo.keys().copied().collect();
        read.sort_unstable();
        (PartsStore { file, read }, memo)
    }

    /// Keeps `memo`, the parts of the build that just succeeded, unless they
    /// are the ones read. A file that cannot be written only costs speed.
    pub fn save(&self, memo: &PartsMemo) {
        let mut keys: Vec<u64> = memo.keys().copied().collect();
        keys.sort_unstable();
        if keys == self.read {
            return;
        }
        if let Some(dir) = self.file.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let tmp = self.file.with_extension("tmp");
        if fs::write(&tmp, encode(memo))
            .and_then(|()| fs::rename(&tmp, &self.file))
            .is_err()
        {
            let _ = fs::remove_file(&tmp);
        }
    }
}

fn encode(memo: &PartsMemo) -> Vec<u8> {
    let mut w = Writer(MAGIC.to_vec());
    w.count(memo.len());
    for (inputs, (own, parts)) in memo {
        w.u64(*inputs);
        w.u64(*own);
        w.u64(parts.value_key);
        w.u64(parts.documents_key);
        w.count(parts.card_keys.len());
        for key in &parts.card_keys {
            w.u64(*key);
        }
        w.count(parts.entry_keys.len());
        for (value, source) in parts.entry_keys.iter().zip(&parts.source_keys) {
            w.u64(*value);
            w.u64(*source);
        }
        w.str(&parts.sitemap);
    }
    w.0
}

fn decode(bytes: &[u8]) -> Option<PartsMemo> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let count = r.count()?;
    let mut memo = PartsMemo::with_capacity(count.min(bytes.len() / 32));
    for _ in 0..count {
        let inputs = r.u64()?;
        let own = r.u64()?;
        let value_key = r.u64()?;
        let documents_key = r.u64()?;
        let cards = r.count()?;
        let card_keys = (0..cards).map(|_| r.u64()).collect::<Option<Vec<u64>>>()?;
        let entries = r.count()?;
        let (entry_keys, source_keys) = (0..entries)
            .map(|_| Some((r.u64()?, r.u64()?)))
            .collect::<Option<(Vec<u64>, Vec<u64>)>>()?;
        let sitemap = r.string()?;
        let parts = SkillParts {
            value_key,
            entry_keys,
            source_keys,
            documents_key,
            card_keys,
            sitemap,
            values: OnceLock::new(),
        };
        memo.insert(inputs, (own, Arc::new(parts)));
    }
    r.is_empty().then_some(memo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(value_key: u64, entry_keys: Vec<u64>, sitemap: &str) -> Arc<SkillParts> {
        Arc::new(SkillParts {
            value_key,
            source_keys: entry_keys.iter().map(|k| k + 100).collect(),
            documents_key: value_key + 1000,
            card_keys: vec![value_key + 2000],
            entry_keys,
            sitemap: sitemap.to_string(),
            values: OnceLock::new(),
        })
    }

    #[test]
    fn parts_read_back_as_they_were_saved_without_values() {
        let dir = tempfile::tempdir().unwrap();
        let mut memo = PartsMemo::new();
        memo.insert(1, (2, parts(3, vec![4, 5], "<url>a</url>")));
        memo.insert(6, (7, parts(8, vec![], "")));
        let (store, empty) = PartsStore::open(dir.path());
        assert!(empty.is_empty());
        store.save(&memo);
        let (_, read) = PartsStore::open(dir.path());
        assert_eq!(read.len(), 2);
        let (own, p) = &read[&1];
        assert_eq!(
            (*own, p.value_key, p.entry_keys.as_slice()),
            (2, 3, &[4, 5][..])
        );
        assert_eq!(
            (p.source_keys.as_slice(), p.documents_key),
            (&[104, 105][..], 1003)
        );
        assert_eq!(p.sitemap, "<url>a</url>");
        assert!(p.values.get().is_none());
        assert_eq!(read[&6].1.entry_keys, Vec::<u64>::new());
    }

    #[test]
    fn a_damaged_file_holds_no_parts() {
        let dir = tempfile::tempdir().unwrap();
        let mut memo = PartsMemo::new();
        memo.insert(1, (2, parts(3, vec![4, 5], "<url>a</url>")));
        PartsStore::open(dir.path()).0.save(&memo);
        let file = dir.path().join("skill-parts.bin");
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        assert!(PartsStore::open(dir.path()).1.is_empty());
    }

    #[test]
    fn the_same_parts_are_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut memo = PartsMemo::new();
        memo.insert(1, (2, parts(3, vec![4], "")));
        PartsStore::open(dir.path()).0.save(&memo);
        let file = dir.path().join("skill-parts.bin");
        let old = std::time::SystemTime::UNIX_EPOCH;
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let (store, read) = PartsStore::open(dir.path());
        store.save(&read);
        assert_eq!(fs::metadata(&file).unwrap().modified().unwrap(), old);
        memo.insert(9, (9, parts(9, vec![], "")));
        store.save(&memo);
        assert_ne!(fs::metadata(&file).unwrap().modified().unwrap(), old);
    }
}
