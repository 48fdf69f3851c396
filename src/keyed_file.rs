//! A file of byte strings by key, kept between builds: the rendered markdown
//! and the highlighted code are each one. Large sites make tens of megabytes
//! of both, so neither is ever held in memory whole: the old file is read entry
//! by entry where it lies, and what a build makes is written to a file of its
//! own as it is made. Saving adds the entries the build took from the old file
//! (or all of them) and an index, and replaces the old file in one rename; a
//! build that changed nothing writes nothing.
//!
//! The file is entries, then an index (key, offset, length each), the entry
//! count, a tag saying what the entries are valid for, and the magic.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::binary::Reader;
use crate::keys::Key;

/// One index entry: key, offset, length.
const INDEX_ENTRY: usize = 20;

pub struct KeyedFile {
    path: PathBuf,
    magic: &'static [u8],
    old: Option<Old>,
    /// Only read (`serve`): nothing is put and the file is never saved.
    read_only: bool,
    /// The keys taken from the old file.
    used: Mutex<Vec<Key>>,
    new: Mutex<New>,
    hits: AtomicUsize,
}

/// The file as the last build left it.
struct Old {
    file: File,
    tag: u64,
    index: HashMap<Key, (u64, u32)>,
}

/// The file this build writes, and where each of its entries is.
struct New {
    temp: PathBuf,
    out: Option<BufWriter<File>>,
    len: u64,
    index: HashMap<Key, (u64, u32)>,
}

impl KeyedFile {
    /// Opens the file at `path`, whose format is named by `magic`; a missing
    /// or damaged file holds nothing. What killed builds left is removed.
    pub fn open(path: &Path, magic: &'static [u8]) -> KeyedFile {
        remove_leftovers(path);
        KeyedFile::opened(path, magic, false)
    }

    /// [`KeyedFile::open`] for reading only: the file is only ever written by
    /// builds.
    pub fn open_read_only(path: &Path, magic: &'static [u8]) -> KeyedFile {
        KeyedFile::opened(path, magic, true)
    }

    fn opened(path: &Path, magic: &'static [u8], read_only: bool) -> KeyedFile {
        KeyedFile {
            path: path.to_path_buf(),
            magic,
            old: File::open(path).ok().and_then(|f| read_index(f, magic)),
            read_only,
            used: Mutex::default(),
            new: Mutex::new(New {
                temp: path.with_extension(format!("{}.tmp", std::process::id())),
                out: None,
                len: 0,
                index: HashMap::new(),
            }),
            hits: AtomicUsize::new(0),
        }
    }

    /// Whether the old file holds no entry at all.
    pub fn is_empty(&self) -> bool {
        self.old.as_ref().is_none_or(|o| o.index.is_empty())
    }

    /// The bytes the old file holds under `key`, when it was saved with `tag`.
    pub fn get(&self, key: Key, tag: u64) -> Option<Vec<u8>> {
        self.get_with(key, tag, Some)
    }

    /// What `take` makes of the bytes the old file holds under `key`, when it
    /// was saved with `tag`. An entry `take` refuses counts as not there: it
    /// is neither a hit nor kept by [`KeyedFile::save`], so a new one can be
    /// put in its place.
    pub fn get_with<T>(
        &self,
        key: Key,
        tag: u64,
        take: impl FnOnce(Vec<u8>) -> Option<T>,
    ) -> Option<T> {
        let old = self.old.as_ref().filter(|o| o.tag == tag)?;
        let &(offset, len) = old.index.get(&key)?;
        let mut bytes = vec![0; len as usize];
        read_at(&old.file, &mut bytes, offset).ok()?;
        let taken = take(bytes)?;
        // Only a file that is saved needs to know what it gave.
        if !self.read_only {
            self.used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(key);
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(taken)
    }

    /// How many entries this build took from the old file.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Keeps `bytes` under `key`, unless something was kept under it already.
    /// A file that cannot be written only costs speed.
    pub fn put(&self, key: Key, bytes: &[u8]) {
        if self.read_only {
            return;
        }
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        if new.index.contains_key(&key) {
            return;
        }
        if new.out.is_none() {
            if let Some(dir) = new.temp.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let Ok(file) = File::create(&new.temp) else {
                return;
            };
            new.out = Some(BufWriter::with_capacity(1 << 20, file));
        }
        let written = new.out.as_mut().map(|out| out.write_all(bytes));
        if matches!(written, Some(Ok(()))) {
            let offset = new.len;
            new.len += bytes.len() as u64;
            new.index.insert(key, (offset, bytes.len() as u32));
        } else {
            // A short write leaves the file unusable: nothing more goes in.
            new.out = None;
            new.index.clear();
            let _ = std::fs::remove_file(&new.temp);
        }
    }

    /// Writes the file of this build, valid for `tag`: what it made and what
    /// it took from the old file, or every old entry when `keep_unused`. Other
    /// entries are dropped. Nothing is written when nothing was made and every
    /// old entry stays.
    pub fn save(&self, tag: u64, keep_unused: bool) {
        if self.read_only {
            return;
        }
        let mut used = std::mem::take(&mut *self.used.lock().unwrap_or_else(|e| e.into_inner()));
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.old.as_ref().filter(|o| o.tag == tag);
        if keep_unused {
            used = old
                .map(|o| o.index.keys().copied().collect())
                .unwrap_or_default();
        }
        used.sort_unstable();
        used.dedup();
        // With nothing made and nothing to drop, the file stays as it is (or
        // is not made at all).
        let unchanged = new.index.is_empty() && old.map_or(0, |o| o.index.len()) == used.len();
        if unchanged {
            return;
        }
        let written = (|| -> std::io::Result<()> {
            let mut out = match new.out.take() {
                Some(out) => out,
                None => {
                    if let Some(dir) = new.temp.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    BufWriter::with_capacity(1 << 20, File::create(&new.temp)?)
                }
            };
            if let Some(old) = old {
                let mut bytes = Vec::new();
                for key in used {
                    let Some(&(offset, len)) = old.index.get(&key) else {
                        continue;
                    };
                    if new.index.contains_key(&key) {
                        continue;
                    }
                    bytes.resize(len as usize, 0);
                    read_at(&old.file, &mut bytes, offset)?;
                    out.write_all(&bytes)?;
                    let at = new.len;
                    new.index.insert(key, (at, len));
                    new.len += u64::from(len);
                }
            }
            for (key, (offset, len)) in &new.index {
                out.write_all(&key.to_le_bytes())?;
                out.write_all(&offset.to_le_bytes())?;
                out.write_all(&len.to_le_bytes())?;
            }
            out.write_all(&(new.index.len() as u64).to_le_bytes())?;
            out.write_all(&tag.to_le_bytes())?;
            out.write_all(self.magic)?;
            out.flush()?;
            std::fs::rename(&new.temp, &self.path)
        })();
        if written.is_err() {
            // A partial file would only hold on to space.
            let _ = std::fs::remove_file(&new.temp);
        }
        new.index.clear();
        new.len = 0;
    }
}

impl Drop for New {
    fn drop(&mut self) {
        // A file never saved (a failed build) leaves no temporary file behind,
        // nor the folder it may have made (which goes only when empty).
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
            if let Some(dir) = self.temp.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Removes what builds that were killed left of their files: each build
/// writes its own temporary file, named by its process, so builds into other
/// output folders can share the cache folder.
fn remove_leftovers(path: &Path) {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
        return;
    };
    let prefix = format!("{}.", stem.to_string_lossy());
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = (name.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !running(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process `pid` is running; where that cannot be told, it is.
fn running(pid: u32) -> bool {
    !cfg!(target_os = "linux") || Path::new(&format!("/proc/{pid}")).exists()
}

/// Fills `buf` from `file` at `offset`, from any thread.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// The index of a file, checked against the file's length.
fn read_index(file: File, magic: &[u8]) -> Option<Old> {
    let trailer_len = 16 + magic.len();
    let len = file.metadata().ok()?.len();
    let trailer_at = len.checked_sub(trailer_len as u64)?;
    let mut trailer = vec![0; trailer_len];
    read_at(&file, &mut trailer, trailer_at).ok()?;
    if &trailer[16..] != magic {
        return None;
    }
    let mut r = Reader(&trailer);
    let (count, tag) = (r.u64()?, r.u64()?);
    let index_len = count.checked_mul(INDEX_ENTRY as u64)?;
    let index_at = trailer_at.checked_sub(index_len)?;
    let mut bytes = vec![0; usize::try_from(index_len).ok()?];
    read_at(&file, &mut bytes, index_at).ok()?;
    let mut index = HashMap::with_capacity(count as usize);
    let mut r = Reader(&bytes);
    while !r.is_empty() {
        let (key, offset, len) = (r.u64()?, r.u64()?, r.u32()?);
        if offset.checked_add(u64::from(len))? > index_at {
            return None;
        }
        index.insert(key, (offset, len));
    }
    Some(Old { file, tag, index })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8] = b"TEST 1\n";

    #[test]
    fn entries_are_kept_for_one_tag_and_unused_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        // The folder is made as the first entry is kept.
        let path = dir.path().join("cache/file.bin");
        let file = KeyedFile::open(&path, MAGIC);
        assert!(file.get(1, 7).is_none());
        file.put(1, b"one");
        file.put(2, b"two");
        file.put(2, b"again");
        file.save(7, false);
        // The first put under a key is the one kept, and only once.
        let file = KeyedFile::open(&path, MAGIC);
        assert_eq!(file.get(2, 7).unwrap(), b"two");
        assert_eq!(file.old.as_ref().unwrap().index.len(), 2);
        let file = KeyedFile::open(&path, MAGIC);
        assert_eq!(file.get(1, 7).unwrap(), b"one");
        assert!(file.get(1, 8).is_none(), "another tag");
        assert!(file.get(3, 7).is_none(), "another key");
        // Saved with only what this build used: entry 2 goes.
        file.save(7, false);
        let file = KeyedFile::open(&path, MAGIC);
        assert!(file.get(2, 7).is_none());
        assert_eq!(file.get(1, 7).unwrap(), b"one");
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        file.save(7, false);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written,
            "a build that used every entry and made nothing writes nothing"
        );
        let files = std::fs::read_dir(dir.path().join("cache")).unwrap().count();
        assert_eq!(files, 1, "no temporary file is left");
        // Read by another format, the file holds nothing.
        assert!(KeyedFile::open(&path, b"OTHER 1\n").is_empty());
    }

    #[test]
    fn unused_entries_stay_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.bin");
        let file = KeyedFile::open(&path, MAGIC);
        file.put(1, b"one");
        file.put(2, b"two");
        file.save(0, false);
        let file = KeyedFile::open(&path, MAGIC);
        file.put(3, b"three");
        file.save(0, true);
        let file = KeyedFile::open(&path, MAGIC);
        for (key, bytes) in [(1, &b"one"[..]), (2, b"two"), (3, b"three")] {
            assert_eq!(file.get(key, 0).unwrap(), bytes);
        }
    }

    #[test]
    fn a_read_only_file_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.bin");
        let file = KeyedFile::open_read_only(&path, MAGIC);
        file.put(1, b"one");
        file.save(0, false);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn what_a_killed_build_left_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("markdown.bin");
        // No process has the largest id there can be.
        let left = dir.path().join(format!("markdown.{}.tmp", u32::MAX));
        std::fs::write(&left, b"half a file").unwrap();
        let other = dir.path().join("highlight.tmp");
        std::fs::write(&other, b"not this file's").unwrap();
        KeyedFile::open(&path, MAGIC);
        assert_eq!(left.exists(), !cfg!(target_os = "linux"));
        assert!(other.exists());
    }

    #[test]
    fn a_damaged_file_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.bin");
        let file = KeyedFile::open(&path, MAGIC);
        file.put(1, b"one");
        file.save(7, false);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).unwrap();
        assert!(KeyedFile::open(&path, MAGIC).get(1, 7).is_none());
        std::fs::write(&path, b"nonsense").unwrap();
        assert!(KeyedFile::open(&path, MAGIC).get(1, 7).is_none());
    }
}
