//! Rendered markdown kept on disk between builds, so a rebuild renders only the
//! files that changed. Rendering every entry again, code from the highlight
//! cache included, was most of what a rebuild of an unchanged large site cost.
//!
//! An entry is the rendering of one file's body, keyed by what rendering reads:
//! the file's path and whole text (its warnings point into it), the body's range
//! and the folder links resolve from, and the program's version through every
//! key. Links to other files depend on the whole site's link targets, so the
//! store is valid for one [`crate::markdown::Links::fingerprint`] only: adding
//! or renaming a file renders everything again, as it did before the store.
//!
//! The file is read entry by entry where it lies, never whole: a large site's
//! store is tens of megabytes, which would otherwise sit in memory beside the
//! model. Entries rendered now are written to a new file as they are made;
//! saving adds the entries this build took from the old one and an index, and
//! replaces the old file in one rename. A build that changed nothing writes
//! nothing.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::binary::{Reader, Writer};
use crate::content::SourceFile;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::keys::{Key, KeyHasher};
use crate::markdown::{Fragment, Heading, Rendered, Section};

const MAGIC: &[u8] = b"SKILLFOLIO-MARKDOWN-STORE 1\n";

/// What follows the entries: the index's length, the link targets' fingerprint
/// and the magic.
const TRAILER: usize = 16 + MAGIC.len();

/// One index entry: key, offset, length.
const INDEX_ENTRY: usize = 20;

pub struct Store {
    path: PathBuf,
    old: Option<Old>,
    /// Only read (`serve`, whose renderings stay in memory).
    read_only: bool,
    /// The keys taken from the old file.
    used: Mutex<Vec<Key>>,
    new: Mutex<New>,
    hits: AtomicUsize,
}

/// The store as the last build left it.
struct Old {
    file: File,
    fingerprint: u64,
    index: HashMap<Key, (u64, u32)>,
}

/// The file this build writes, and where each of its entries is.
struct New {
    temp: PathBuf,
    out: Option<BufWriter<File>>,
    len: u64,
    index: Vec<(Key, u64, u32)>,
}

impl Store {
    /// Opens the store at `path`; a missing or damaged file is an empty store.
    pub fn open(path: &Path) -> Store {
        remove_leftovers(path);
        Store::opened(path, false)
    }

    /// [`Store::open`] for reading only: `put` keeps nothing and the store is
    /// never saved, so the file is only ever written by builds.
    pub fn open_read_only(path: &Path) -> Store {
        Store::opened(path, true)
    }

    fn opened(path: &Path, read_only: bool) -> Store {
        Store {
            path: path.to_path_buf(),
            old: File::open(path).ok().and_then(read_index),
            read_only,
            used: Mutex::default(),
            new: Mutex::new(New {
                temp: path.with_extension(format!("{}.tmp", std::process::id())),
                out: None,
                len: 0,
                index: Vec::new(),
            }),
            hits: AtomicUsize::new(0),
        }
    }

    /// Whether the store holds no rendering at all.
    pub fn is_empty(&self) -> bool {
        self.old.as_ref().is_none_or(|o| o.index.is_empty())
    }

    /// The key of rendering the `body` of `file`, whose folder is `dir`.
    pub fn key(file: &SourceFile, body: &Range<usize>, dir: &Path) -> Key {
        let mut h = KeyHasher::new();
        file.path.as_os_str().as_encoded_bytes().hash(&mut h);
        file.text.hash(&mut h);
        (body.start, body.end).hash(&mut h);
        dir.as_os_str().as_encoded_bytes().hash(&mut h);
        h.finish()
    }

    /// The rendering stored under `key` for the link targets `fingerprint`.
    pub fn get(&self, key: Key, fingerprint: u64) -> Option<Rendered> {
        let old = self.old.as_ref().filter(|o| o.fingerprint == fingerprint)?;
        let &(offset, len) = old.index.get(&key)?;
        let mut bytes = vec![0; len as usize];
        read_at(&old.file, &mut bytes, offset).ok()?;
        let rendered = decode(&bytes)?;
        // Only a store that is saved needs to know what it gave.
        if !self.read_only {
            self.used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(key);
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(rendered)
    }

    /// How many renderings this build took from the store.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Keeps `rendered` under `key`. A store that cannot be written only costs
    /// speed.
    pub fn put(&self, key: Key, rendered: &Rendered) {
        if self.read_only {
            return;
        }
        let bytes = encode(rendered);
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        if new.out.is_none() {
            if let Some(dir) = new.temp.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let Ok(file) = File::create(&new.temp) else {
                return;
            };
            new.out = Some(BufWriter::with_capacity(1 << 20, file));
        }
        let written = new.out.as_mut().map(|out| out.write_all(&bytes));
        if matches!(written, Some(Ok(()))) {
            let offset = new.len;
            new.len += bytes.len() as u64;
            new.index.push((key, offset, bytes.len() as u32));
        } else {
            // A short write leaves the file unusable: nothing more goes in.
            new.out = None;
            new.index.clear();
            let _ = std::fs::remove_file(&new.temp);
        }
    }

    /// Writes the store of this build, made for the link targets
    /// `fingerprint`: what it rendered and what it took from the old store.
    /// Entries no file of this build had are dropped. Nothing is written when
    /// every entry came from the old store and all of them were used.
    pub fn save(self, fingerprint: u64) {
        let Store {
            path,
            old,
            used,
            new,
            ..
        } = self;
        let mut used = used.into_inner().unwrap_or_else(|e| e.into_inner());
        used.sort_unstable();
        used.dedup();
        let mut new = new.into_inner().unwrap_or_else(|e| e.into_inner());
        let unchanged = new.index.is_empty()
            && old
                .as_ref()
                .is_some_and(|o| o.fingerprint == fingerprint && o.index.len() == used.len());
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
            if let Some(old) = &old {
                let mut bytes = Vec::new();
                for key in used {
                    let Some(&(offset, len)) = old.index.get(&key) else {
                        continue;
                    };
                    bytes.resize(len as usize, 0);
                    read_at(&old.file, &mut bytes, offset)?;
                    out.write_all(&bytes)?;
                    new.index.push((key, new.len, len));
                    new.len += u64::from(len);
                }
            }
            for (key, offset, len) in &new.index {
                out.write_all(&key.to_le_bytes())?;
                out.write_all(&offset.to_le_bytes())?;
                out.write_all(&len.to_le_bytes())?;
            }
            out.write_all(&(new.index.len() as u64).to_le_bytes())?;
            out.write_all(&fingerprint.to_le_bytes())?;
            out.write_all(MAGIC)?;
            out.flush()?;
            std::fs::rename(&new.temp, &path)
        })();
        if written.is_err() {
            // A partial store would only hold on to space.
            let _ = std::fs::remove_file(&new.temp);
        }
    }
}

impl Drop for New {
    fn drop(&mut self) {
        // A store never saved (a failed build) leaves no temporary file behind,
        // nor the folder it may have made (which goes only when empty).
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
            if let Some(dir) = self.temp.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Removes what builds that were killed left of their stores: each build
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

/// The index of a store file, checked against the file's length.
fn read_index(file: File) -> Option<Old> {
    let len = file.metadata().ok()?.len();
    let trailer_at = len.checked_sub(TRAILER as u64)?;
    let mut trailer = [0; TRAILER];
    read_at(&file, &mut trailer, trailer_at).ok()?;
    if &trailer[16..] != MAGIC {
        return None;
    }
    let mut r = Reader(&trailer);
    let (count, fingerprint) = (r.u64()?, r.u64()?);
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
    Some(Old {
        file,
        fingerprint,
        index,
    })
}

fn encode(r: &Rendered) -> Vec<u8> {
    let len = (r.sections.iter())
        .map(|s| s.heading_html.len() + s.body.len())
        .sum::<usize>()
        + r.summary.len()
        + r.summary_text.len();
    let mut out = Writer(Vec::with_capacity(len + 256));
    out.count(r.sections.len());
    for s in &r.sections {
        match &s.heading {
            Some(h) => {
                out.byte(1);
                out.byte(h.level);
                out.str(&h.id);
                out.str(&h.text);
                out.byte(u8::from(h.starts_section));
            }
            None => out.byte(0),
        }
        out.str(&s.heading_html);
        out.str(&s.body);
    }
    out.str(&r.summary);
    out.str(&r.summary_text);
    out.count(r.warnings.len());
    for w in &r.warnings {
        put_diagnostic(&mut out, w);
    }
    out.count(r.ids.len());
    for id in &r.ids {
        out.str(id);
    }
    out.count(r.fragments.len());
    for f in &r.fragments {
        match &f.target {
            Some(target) => {
                out.byte(1);
                out.str(&target.to_string_lossy());
            }
            None => out.byte(0),
        }
        out.str(&f.id);
        put_diagnostic(&mut out, &f.warning);
    }
    out.0
}

/// Reads back what [`encode`] wrote; `None` for anything else.
fn decode(bytes: &[u8]) -> Option<Rendered> {
    let mut r = Reader(bytes);
    let mut rendered = Rendered::default();
    for _ in 0..r.count()? {
        let heading = match r.byte()? {
            0 => None,
            1 => Some(Heading {
                level: r.byte()?,
                id: r.string()?,
                text: r.string()?,
                starts_section: r.byte()? == 1,
            }),
            _ => return None,
        };
        rendered.sections.push(Section {
            heading,
            heading_html: r.string()?,
            body: r.string()?,
        });
    }
    rendered.summary = r.string()?;
    rendered.summary_text = r.string()?;
    for _ in 0..r.count()? {
        rendered.warnings.push(read_diagnostic(&mut r)?);
    }
    for _ in 0..r.count()? {
        rendered.ids.push(r.string()?);
    }
    for _ in 0..r.count()? {
        let target = match r.byte()? {
            0 => None,
            1 => Some(PathBuf::from(r.string()?)),
            _ => return None,
        };
        rendered.fragments.push(Fragment {
            target,
            id: r.string()?,
            warning: read_diagnostic(&mut r)?,
        });
    }
    r.is_empty().then_some(rendered)
}

fn put_diagnostic(out: &mut Writer, d: &Diagnostic) {
    out.byte(match d.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
    });
    out.str(&d.message);
    match &d.location {
        Some(l) => {
            out.byte(1);
            out.str(&l.file.to_string_lossy());
            out.count(l.line);
            out.count(l.column);
            out.str(&l.source_line);
            out.count(l.width);
        }
        None => out.byte(0),
    }
    out.option(d.hint.as_deref());
    out.byte(u8::from(d.broken_link));
}

fn read_diagnostic(r: &mut Reader) -> Option<Diagnostic> {
    let severity = match r.byte()? {
        0 => Severity::Error,
        1 => Severity::Warning,
        _ => return None,
    };
    let message = r.string()?;
    let location = match r.byte()? {
        0 => None,
        1 => Some(Box::new(Location {
            file: PathBuf::from(r.string()?),
            line: r.count()?,
            column: r.count()?,
            source_line: r.string()?,
            width: r.count()?,
        })),
        _ => return None,
    };
    Some(Diagnostic {
        severity,
        message,
        location,
        hint: r.option()?,
        broken_link: r.byte()? == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> Rendered {
        let warning = Diagnostic::broken_link("link to `x.md` leads nowhere")
            .at(Path::new("content/a.md"), "one\ntwo [x](x.md)\n", 8, 9)
            .hint("check the name");
        Rendered {
            sections: vec![
                Section {
                    heading: None,
                    heading_html: String::new(),
                    body: "<p>one</p>".into(),
                },
                Section {
                    heading: Some(Heading {
                        level: 2,
                        id: "entry-trick".into(),
                        text: "Entry trick".into(),
                        starts_section: true,
                    }),
                    heading_html: "<h2 id=\"entry-trick\">Entry trick</h2>".into(),
                    body: "<p>two ☕</p>".into(),
                },
            ],
            summary: "<p>one</p>".into(),
            summary_text: "one".into(),
            warnings: vec![warning.clone(), Diagnostic::error("whole file")],
            ids: vec!["entry-trick".into()],
            fragments: vec![Fragment {
                target: Some(PathBuf::from("skills/b/index.md")),
                id: "payoff".into(),
                warning,
            }],
        }
    }

    fn same(a: &Rendered, b: &Rendered) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn a_rendering_reads_back_as_it_was() {
        let r = rendered();
        assert!(same(&decode(&encode(&r)).unwrap(), &r));
        let bytes = encode(&r);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
    }

    #[test]
    fn a_store_keeps_renderings_for_one_set_of_link_targets() {
        let dir = tempfile::tempdir().unwrap();
        // The folder is made as the first rendering is kept.
        let path = dir.path().join("cache/markdown.bin");
        let r = rendered();
        let store = Store::open(&path);
        assert!(store.get(1, 7).is_none());
        store.put(1, &r);
        store.put(2, &Rendered::default());
        store.save(7);
        let store = Store::open(&path);
        assert!(same(&store.get(1, 7).unwrap(), &r));
        assert!(store.get(1, 8).is_none(), "other link targets");
        assert!(store.get(3, 7).is_none(), "another key");
        // Saved with only what this build used: entry 2 goes.
        store.save(7);
        let store = Store::open(&path);
        assert!(store.get(2, 7).is_none());
        assert!(same(&store.get(1, 7).unwrap(), &r));
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        store.save(7);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written,
            "a build that used every entry and rendered nothing writes nothing"
        );
        let files = std::fs::read_dir(dir.path().join("cache")).unwrap().count();
        assert_eq!(files, 1, "no temporary file is left");
    }

    #[test]
    fn what_a_killed_build_left_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("markdown.bin");
        // No process has the largest id there can be.
        let left = dir.path().join(format!("markdown.{}.tmp", u32::MAX));
        std::fs::write(&left, b"half a store").unwrap();
        let other = dir.path().join("highlight.tmp");
        std::fs::write(&other, b"not the store's").unwrap();
        Store::open(&path);
        assert_eq!(left.exists(), !cfg!(target_os = "linux"));
        assert!(other.exists());
    }

    #[test]
    fn a_damaged_store_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("markdown.bin");
        let store = Store::open(&path);
        store.put(1, &rendered());
        store.save(7);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).unwrap();
        assert!(Store::open(&path).get(1, 7).is_none());
        std::fs::write(&path, b"nonsense").unwrap();
        assert!(Store::open(&path).get(1, 7).is_none());
    }
}
