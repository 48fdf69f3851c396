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
//! is the recorded one and the output's file still has the recorded length and
//! modification time, as `make` and git judge a file: a file saved by hand is
//! made again, whatever its length, and the pages kept are not read at all. As
//! in git, a file modified no earlier than the record was saved could have been
//! changed again within the same tick of the clock, so its bytes are checked.
//! Each page's links and ids are recorded with it, so the link check of a build
//! that keeps a page needs none of its bytes.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::binary::{Reader, Writer};
use crate::keys::Key;
use crate::links::Scanned;
use crate::output::Written;

const MAGIC: &[u8] = b"SKILLFOLIO-PAGE-RECORD 3\n";

/// What one output file was made from, and what the output holds for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    key: Key,
    written: Written,
}

/// A file of the recorded build, with its page's links and ids as places in
/// the record's strings.
struct Recorded {
    stamp: Stamp,
    links: Box<[u32]>,
    ids: Box<[u32]>,
}

/// A file of this build: kept with what the record says of it, or made now
/// with its links and ids as places in [`PageRecord::made`].
enum Next {
    Kept(Stamp),
    Made(Stamp, Box<[u32]>, Box<[u32]>),
}

impl Next {
    fn stamp(&self) -> Stamp {
        match self {
            Next::Kept(stamp) | Next::Made(stamp, _, _) => *stamp,
        }
    }
}

/// A page kept from the previous output: its digest, and its links and ids for
/// the link check.
pub struct Kept<'r> {
    pub digest: u64,
    pub links: Vec<&'r str>,
    pub ids: Vec<&'r str>,
}

pub struct PageRecord {
    file: PathBuf,
    output: PathBuf,
    /// The id of the build that wrote the output now in place, when the record
    /// describes it.
    build: Option<u64>,
    previous: HashMap<String, Recorded>,
    /// Every link and id of the recorded pages, once each.
    strings: Strings,
    /// How many files the recorded build's output holds, its marker included.
    previous_files: Option<usize>,
    /// When the record was written (nanoseconds since 1970): a file modified
    /// as late as that may have been changed again within the same tick of
    /// the file system's clock, so its bytes are checked instead.
    saved: u64,
    next: Mutex<HashMap<String, Next>>,
    /// The links and ids of the pages made by this build, once each: most
    /// links are on many pages, and a large site's would otherwise take tens
    /// of megabytes until the record is saved.
    made: Mutex<Interner>,
}

impl PageRecord {
    /// Reads the record at `file` for the output folder `output`. A missing,
    /// damaged or outdated record is an empty one: every page is rendered.
    pub fn open(file: &Path, output: &Path) -> PageRecord {
        let current = crate::output::build_id(output);
        let decoded = fs::read(file)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .filter(|d| Some(d.id) == current);
        let saved = fs::metadata(file).map_or(0, |m| crate::output::modified(&m));
        let (build, files, previous, strings) = match decoded {
            Some(d) => (Some(d.id), Some(d.files), d.pages, d.strings),
            None => (None, None, HashMap::new(), Strings::default()),
        };
        PageRecord {
            file: file.to_path_buf(),
            output: output.to_path_buf(),
            build,
            previous,
            strings,
            previous_files: files,
            saved,
            next: Mutex::new(HashMap::new()),
            made: Mutex::new(Interner::default()),
        }
    }

    /// How many files the output folder held after the recorded build.
    pub fn previous_files(&self) -> Option<usize> {
        self.previous_files
    }

    /// The output's file at `path` (relative to the output), when the recorded
    /// build made it from `key` and it still has the length and modification
    /// time that build gave it. A kept file is recorded again for the next build.
    pub fn keep(&self, path: &str, key: Key) -> Option<Kept<'_>> {
        let recorded = self.previous.get(path).filter(|r| r.stamp.key == key)?;
        let written = recorded.stamp.written;
        let file = self.output.join(path);
        let meta = fs::metadata(&file).ok()?;
        let modified = crate::output::modified(&meta);
        if meta.len() != written.len || modified != written.modified || modified == 0 {
            return None;
        }
        // The same test as git's for a "racily clean" file.
        if modified >= self.saved
            && fs::read(&file)
                .ok()
                .map(|b| crate::output::digest(path, &b))
                != Some(written.digest)
        {
            return None;
        }
        self.insert(path, Next::Kept(recorded.stamp));
        let strings = |places: &[u32]| places.iter().map(|&i| self.strings.get(i)).collect();
        Some(Kept {
            digest: written.digest,
            links: strings(&recorded.links),
            ids: strings(&recorded.ids),
        })
    }

    /// Records that the file at `path` was made from `key`, that the output
    /// holds `written` for it, and for a page, its links and ids.
    pub fn note(&self, path: &str, key: Key, written: Written, page: Option<&Scanned>) {
        let stamp = Stamp { key, written };
        let (links, ids) = match page {
            Some(page) => {
                let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
                let mut places = |all: &[String]| all.iter().map(|s| made.place(s)).collect();
                (places(&page.links), places(&page.ids))
            }
            None => Default::default(),
        };
        self.insert(path, Next::Made(stamp, links, ids));
    }

    fn insert(&self, path: &str, next: Next) {
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), next);
    }

    /// Writes what this build recorded, for the output now in place (build `id`,
    /// `files` files). A record that cannot be written only costs speed.
    pub fn save(self, id: u64, files: usize) {
        let next = self.next.into_inner().unwrap_or_else(|e| e.into_inner());
        // Equal stamps mean equal bytes, and so equal links.
        let same = self.build == Some(id)
            && self.previous_files == Some(files)
            && next.len() == self.previous.len()
            && (next.iter()).all(|(path, n)| {
                self.previous
                    .get(path)
                    .is_some_and(|r| r.stamp == n.stamp())
            });
        if same {
            return;
        }
        let made = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        let out = encode(id, files, &next, made, &self.previous, &self.strings);
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

/// The record's strings: one text, and where each string is in it.
#[derive(Default)]
struct Strings {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl Strings {
    fn get(&self, i: u32) -> &str {
        let (start, end) = self.spans[i as usize];
        &self.text[start as usize..end as usize]
    }
}

/// Gives each distinct string of the next record its place, once. Every link
/// and id of every page is looked up here, so with a fast hasher: the strings
/// are the build's own.
#[derive(Default)]
struct Interner {
    places: HashMap<Arc<str>, u32, foldhash::fast::FixedState>,
    order: Vec<Arc<str>>,
}

impl Interner {
    fn place(&mut self, s: &str) -> u32 {
        if let Some(&place) = self.places.get(s) {
            return place;
        }
        let place = self.order.len() as u32;
        let s: Arc<str> = Arc::from(s);
        self.order.push(Arc::clone(&s));
        self.places.insert(s, place);
        place
    }
}

/// The record of the files in `next`: the pages made now have their places
/// in `made` already, and those kept have theirs in the previous `strings`.
fn encode(
    id: u64,
    files: usize,
    next: &HashMap<String, Next>,
    mut made: Interner,
    previous: &HashMap<String, Recorded>,
    strings: &Strings,
) -> Vec<u8> {
    // Each of the previous strings a kept page has is placed once, not hashed
    // again for every page that has it.
    let mut moved = vec![u32::MAX; strings.spans.len()];
    let mut place_old = |i: u32| -> u32 {
        let slot = &mut moved[i as usize];
        if *slot == u32::MAX {
            *slot = made.place(strings.get(i));
        }
        *slot
    };
    let mut paths: Vec<(&String, &Next)> = next.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    let mut pages = Vec::new();
    for (path, n) in &paths {
        let (links, ids): (Vec<u32>, Vec<u32>) = match n {
            Next::Kept(_) => match previous.get(*path) {
                Some(r) => (
                    r.links.iter().map(|&i| place_old(i)).collect(),
                    r.ids.iter().map(|&i| place_old(i)).collect(),
                ),
                None => (Vec::new(), Vec::new()),
            },
            Next::Made(_, links, ids) => (links.to_vec(), ids.to_vec()),
        };
        pages.push((path, n.stamp(), links, ids));
    }
    let mut out = Writer(MAGIC.to_vec());
    out.u64(id);
    out.u64(files as u64);
    out.count(made.order.len());
    for s in &made.order {
        out.str(s);
    }
    for (path, stamp, links, ids) in pages {
        let w = stamp.written;
        for n in [stamp.key, w.len, w.digest, w.modified] {
            out.u64(n);
        }
        out.str(path);
        for places in [links, ids] {
            out.count(places.len());
            for p in places {
                out.u32(p);
            }
        }
    }
    out.0
}

/// A record as read back.
struct Decoded {
    id: u64,
    files: usize,
    pages: HashMap<String, Recorded>,
    strings: Strings,
}

/// Reads a record; `None` when any part of it is damaged.
fn decode(bytes: &[u8]) -> Option<Decoded> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let id = r.u64()?;
    let files = r.u64()? as usize;
    let count = r.u32()?;
    let mut strings = Strings::default();
    let mut text = Vec::new();
    for _ in 0..count {
        let start = text.len() as u32;
        text.extend_from_slice(r.bytes()?);
        strings.spans.push((start, text.len() as u32));
    }
    // Valid as a whole, each string is too: every one was written whole.
    strings.text = String::from_utf8(text).ok()?;
    let mut pages = HashMap::new();
    while !r.is_empty() {
        let key = r.u64()?;
        let len = r.u64()?;
        let digest = r.u64()?;
        let modified = r.u64()?;
        let path = r.string()?;
        let mut places = || -> Option<Box<[u32]>> {
            let n = r.count()?;
            let all = (0..n).map(|_| r.u32().filter(|&i| i < count));
            all.collect()
        };
        let links = places()?;
        let ids = places()?;
        let written = Written {
            digest,
            len,
            modified,
        };
        let stamp = Stamp { key, written };
        pages.insert(path, Recorded { stamp, links, ids });
    }
    Some(Decoded {
        id,
        files,
        pages,
        strings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_record_is_empty() {
        assert!(decode(b"nonsense").is_none());
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[0; 20]);
        bytes.extend_from_slice(&[1, 2, 3]);
        assert!(decode(&bytes).is_none());
    }

    #[test]
    fn a_record_reads_back_what_was_written_and_keeps_pages_by_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let path = "a/index.html";
        let html = "<a href=\"/b/\">b</a>";
        fs::create_dir_all(output.join("a")).unwrap();
        fs::write(output.join(path), html).unwrap();
        let meta = fs::metadata(output.join(path)).unwrap();
        let written = Written {
            digest: crate::output::digest(path, html.as_bytes()),
            len: meta.len(),
            modified: crate::output::modified(&meta),
        };
        let page = Scanned {
            links: vec!["/b/".into(), "/b/".into(), "#top".into()],
            ids: vec!["top".into()],
        };
        let record = PageRecord::open(&dir.path().join("pages.bin"), &output);
        record.note(path, 1, written, Some(&page));
        let next = record.next.into_inner().unwrap();
        let made = record.made.into_inner().unwrap();
        let bytes = encode(9, 2, &next, made, &HashMap::new(), &Strings::default());
        let reopen = |saved: u64| {
            let decoded = decode(&bytes).unwrap();
            assert_eq!((decoded.id, decoded.files), (9, 2));
            assert_eq!(decoded.strings.spans.len(), 3, "each string is stored once");
            PageRecord {
                file: dir.path().join("pages.bin"),
                output: output.clone(),
                build: Some(9),
                previous: decoded.pages,
                strings: decoded.strings,
                previous_files: Some(2),
                saved,
                next: Mutex::new(HashMap::new()),
                made: Mutex::new(Interner::default()),
            }
        };
        // Saved well after the page was written.
        let record = reopen(written.modified + 1);
        assert!(record.keep(path, 2).is_none(), "another key");
        let kept = record.keep(path, 1).unwrap();
        assert_eq!(kept.digest, written.digest);
        assert_eq!(kept.links, ["/b/", "/b/", "#top"]);
        assert_eq!(kept.ids, ["top"]);
        // The page written again within the tick the record was saved in:
        // same length, same time, other bytes.
        let racy = reopen(written.modified);
        assert!(racy.keep(path, 1).is_some(), "the same bytes are kept");
        fs::write(output.join(path), html.replace('b', "c")).unwrap();
        let file = fs::File::options()
            .write(true)
            .open(output.join(path))
            .unwrap();
        file.set_modified(meta.modified().unwrap()).unwrap();
        assert!(racy.keep(path, 1).is_none(), "other bytes are not");
        // Saved again by hand later, with the same length.
        let later = meta.modified().unwrap() + std::time::Duration::from_secs(1);
        file.set_modified(later).unwrap();
        assert!(record.keep(path, 1).is_none());
    }
}
