//! What the last build rendered, kept in the cache folder, so the next build can
//! skip the pages and feeds whose inputs did not change. A growing practice log is
//! rebuilt far more often than it changes, and rendering ten thousand unchanged
//! pages only to find their bytes equal would be most of a rebuild's time.
//!
//! The record is trusted only while the output folder still holds what the
//! recorded build wrote: the build's id, a digest of the files it wrote, is in the
//! output's marker file, and a record with another id (a `--no-cache` build of
//! other content, a folder replaced by hand) is ignored. Each recorded file keeps
//! the digest of its bytes, so a file kept from the previous output counts in the
//! id exactly as the same file made afresh would. A page is kept only when its key
//! is the recorded one and the output's file still has the recorded digest: a
//! file changed by hand is made again, whatever its length.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::keys::Key;

const MAGIC: &[u8] = b"SKILLFOLIO-PAGE-RECORD 2\n";

/// What one output file was made from, how long it is and the digest of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    key: Key,
    len: u64,
    digest: u64,
}

pub struct PageRecord {
    file: PathBuf,
    output: PathBuf,
    /// The id of the build that wrote the output now in place, when the record
    /// describes it.
    build: Option<u64>,
    previous: HashMap<String, Stamp>,
    /// How many files the recorded build's output holds, its marker included.
    previous_files: Option<usize>,
    next: Mutex<HashMap<String, Stamp>>,
}

impl PageRecord {
    /// Reads the record at `file` for the output folder `output`. A missing,
    /// damaged or outdated record is an empty one: every page is rendered.
    pub fn open(file: &Path, output: &Path) -> PageRecord {
        let current = crate::output::build_id(output);
        let (build, files, previous) = fs::read(file)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .filter(|(id, _, _)| Some(*id) == current)
            .map_or((None, None, HashMap::new()), |(id, files, pages)| {
                (Some(id), Some(files), pages)
            });
        PageRecord {
            file: file.to_path_buf(),
            output: output.to_path_buf(),
            build,
            previous,
            previous_files: files,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// How many files the output folder held after the recorded build.
    pub fn previous_files(&self) -> Option<usize> {
        self.previous_files
    }

    /// The bytes and digest of the output's file at `path` (relative to the
    /// output), when the recorded build made it from `key` and it still holds
    /// what that build wrote. A kept file is recorded again for the next build.
    pub fn keep(&self, path: &str, key: Key) -> Option<(Vec<u8>, u64)> {
        let stamp = self.previous.get(path).filter(|s| s.key == key)?;
        let bytes = fs::read(self.output.join(path)).ok()?;
        if bytes.len() as u64 != stamp.len || crate::output::digest(path, &bytes) != stamp.digest {
            return None;
        }
        self.insert(path, *stamp);
        Some((bytes, stamp.digest))
    }

    /// Records that the file at `path` was made from `key` and holds `len`
    /// bytes whose digest is `digest` (as [`crate::output::digest`] makes it).
    pub fn note(&self, path: &str, key: Key, len: usize, digest: u64) {
        self.insert(
            path,
            Stamp {
                key,
                len: len as u64,
                digest,
            },
        );
    }

    fn insert(&self, path: &str, stamp: Stamp) {
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), stamp);
    }

    /// Writes what this build recorded, for the output now in place (build `id`,
    /// `files` files). A record that cannot be written only costs speed.
    pub fn save(self, id: u64, files: usize) {
        let next = self.next.into_inner().unwrap_or_else(|e| e.into_inner());
        if self.build == Some(id) && self.previous_files == Some(files) && next == self.previous {
            return;
        }
        let mut paths: Vec<(&String, &Stamp)> = next.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(files as u64).to_le_bytes());
        for (path, stamp) in paths {
            out.extend_from_slice(&stamp.key.to_le_bytes());
            out.extend_from_slice(&stamp.len.to_le_bytes());
            out.extend_from_slice(&stamp.digest.to_le_bytes());
            out.extend_from_slice(&(path.len() as u32).to_le_bytes());
            out.extend_from_slice(path.as_bytes());
        }
        if let Some(dir) = self.file.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let tmp = self.file.with_extension("tmp");
        if fs::write(&tmp, &out)
            .and_then(|()| fs::rename(&tmp, &self.file))
            .is_err()
        {
            // Whatever part was written would only hold on to space.
            let _ = fs::remove_file(&tmp);
        }
    }
}

fn decode(bytes: &[u8]) -> Option<(u64, usize, HashMap<String, Stamp>)> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let id = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let files = u64::from_le_bytes(rest.get(8..16)?.try_into().ok()?) as usize;
    rest = &rest[16..];
    let mut pages = HashMap::new();
    while !rest.is_empty() {
        let key = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
        let len = u64::from_le_bytes(rest.get(8..16)?.try_into().ok()?);
        let digest = u64::from_le_bytes(rest.get(16..24)?.try_into().ok()?);
        let n = u32::from_le_bytes(rest.get(24..28)?.try_into().ok()?) as usize;
        let path = std::str::from_utf8(rest.get(28..28 + n)?).ok()?;
        pages.insert(path.to_string(), Stamp { key, len, digest });
        rest = &rest[28 + n..];
    }
    Some((id, files, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_record_is_empty() {
        assert!(decode(b"nonsense").is_none());
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[0; 16]);
        bytes.extend_from_slice(&[1, 2, 3]);
        assert!(decode(&bytes).is_none());
    }
}
