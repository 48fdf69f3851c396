//! Writing the built site. The new output is written into a staging folder beside
//! the target and swapped in with renames only once every file is written, so a
//! failed or interrupted build leaves the previous site exactly as it was. A
//! marker file tells a folder skillfolio made from one it must not delete.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, io_error};

/// The file that marks a folder as skillfolio's own output.
pub const MARKER: &str = ".skillfolio-output";
const MARKER_TEXT: &str =
    "This folder is built by skillfolio; a build replaces everything in it.\n";

/// One file of the built site, relative to the output root with `/` separators.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
    /// What the file was made from, for files a later build may keep as they
    /// are (see [`crate::render::Reuse`]).
    pub key: Option<crate::keys::Key>,
}

#[derive(Debug, Clone)]
pub enum Contents {
    /// Shared, so `serve` can keep a page from one build to the next without a copy.
    Bytes(Arc<[u8]>),
    /// A file copied as it is: an asset or a static file.
    Copy(PathBuf),
    /// A file of skillfolio's own cache that is only ever replaced (written
    /// under another name, then renamed), never rewritten: the output shares it
    /// (a hard link) where it can, instead of holding a copy of its bytes.
    Cached(PathBuf),
    /// A file of the theme embedded in the binary.
    Embedded(&'static [u8]),
}

/// Refuses an output folder the build must not replace: the site's own sources,
/// always, and any other non-empty folder skillfolio did not create, unless `force`.
pub fn check_target(output: &Path, root: &Path, force: bool) -> Result<(), Diagnostic> {
    let shown = output.display();
    let target = absolute(output);
    let root = absolute(root);
    if root.starts_with(&target) {
        return Err(Diagnostic::error(format!(
            "refusing to build into {shown}: it holds the site itself, and a build replaces everything in its output folder"
        ))
        .hint("choose a folder of its own, such as `--output public` (even `--force` does not allow this)"));
    }
    for source in ["content", "static", "templates", "themes"] {
        if target.starts_with(root.join(source)) {
            return Err(Diagnostic::error(format!(
                "refusing to build into {shown}: it is inside the site's `{source}/` folder, which the build reads"
            ))
            .hint("choose a folder outside the sources, such as `--output public` (even `--force` does not allow this)"));
        }
    }
    match fs::symlink_metadata(&target) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(Diagnostic::error(format!(
            "refusing to build into {shown}: it is a file, not a folder"
        ))
        .hint("remove it or choose another `--output`")),
        Ok(_) => {
            let made_by_us = target.join(MARKER).is_file();
            let empty = fs::read_dir(&target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if made_by_us || empty || force {
                Ok(())
            } else {
                Err(Diagnostic::error(format!(
                    "refusing to build into {shown}: the folder was not created by skillfolio, and a build replaces everything in it"
                ))
                .hint(format!(
                    "choose an empty or new folder, or pass `--force` to replace {shown} and all it holds"
                )))
            }
        }
    }
}

/// A new output being written beside the old one. Files can be put from many
/// threads; a file whose bytes equal the previous output's is hard-linked from it
/// instead of written again, so rebuilding an unchanged site writes almost nothing.
/// Only `commit` makes the new output visible, in one rename.
pub struct Staging {
    target: PathBuf,
    shown: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// The previous output, when it is skillfolio's own and can be reused.
    previous: Option<PathBuf>,
    force: bool,
    /// Files whose bytes equal the previous output's, linked in only if something
    /// else changed: a build that changes nothing leaves the output untouched.
    same: Mutex<Vec<PathBuf>>,
    changed: AtomicBool,
    /// How many files the previous output holds, when a record of the last build
    /// says so; otherwise they are counted.
    previous_files: Option<usize>,
    /// The build's id, written into the marker so a record of this build can
    /// tell it describes the output in place: a digest of every file's path and
    /// bytes, summed so files can be put in any order from any thread. Equal
    /// content gives an equal id, and so a byte-identical output.
    id: AtomicU64,
    /// Held for the whole build: two builds into one folder would trample each other.
    _lock: fs::File,
}

impl Staging {
    pub fn begin(output: &Path, force: bool) -> Result<Staging, Diagnostic> {
        let target = absolute(output);
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = folder_name(output);
        fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, &e))?;
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = fs::File::create(&lock_path).map_err(|e| io_error("create", &lock_path, &e))?;
        if lock.try_lock().is_err() {
            return Err(Diagnostic::error(format!(
                "another skillfolio build is writing {} right now",
                output.display()
            ))
            .hint("wait for it to finish, then build again"));
        }
        // With the lock held, staging folders of other builds are leftovers of a
        // build that was killed. One killed between its two renames left the
        // previous output aside: put it back first.
        restore_previous(&parent, &name, &target);
        remove_leftovers(&parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, &e))?;
        let previous = target.join(MARKER).is_file().then(|| target.clone());
        Ok(Staging {
            target,
            shown: output.to_path_buf(),
            dir,
            old,
            previous,
            force,
            same: Mutex::new(Vec::new()),
            changed: AtomicBool::new(false),
            previous_files: None,
            id: AtomicU64::new(0),
            _lock: lock,
        })
    }

    /// Trusts `files` as the previous output's file count (marker included)
    /// instead of counting them.
    pub fn previous_files(mut self, files: Option<usize>) -> Staging {
        self.previous_files = files;
        self
    }

    /// Adds one file to the build's id, whichever way its bytes arrive (made now,
    /// copied from a cache or kept from the previous output).
    fn count(&self, path: &str, digest: u64) {
        self.id
            .fetch_add(crate::keys::hash(&(path, digest)), AtomicOrdering::Relaxed);
    }

    fn digest(file: &OutputFile) -> u64 {
        match &file.contents {
            Contents::Bytes(bytes) => digest(&file.path, bytes),
            Contents::Embedded(bytes) => digest(&file.path, bytes),
            Contents::Copy(source) | Contents::Cached(source) if by_length(&file.path) => {
                fs::metadata(source).map_or(0, |m| m.len())
            }
            Contents::Copy(source) | Contents::Cached(source) => {
                fs::read(source).map_or(0, |b| digest(&file.path, &b))
            }
        }
    }

    /// Keeps the previous output's file at `path`, whose bytes have the digest
    /// `digest`, in the new output: a build keeps what its record shows to be
    /// current (see [`crate::page_record`]).
    pub fn keep(&self, path: &str, digest: u64) -> Result<(), Diagnostic> {
        let rel = safe_relative(path)?;
        if self.previous.is_none() {
            return Err(Diagnostic::error(format!(
                "`{path}` was to be kept from the previous output, which is gone"
            ))
            .hint("build again, or with `--no-cache`"));
        }
        self.count(path, digest);
        self.same
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel);
        Ok(())
    }

    /// Writes one file into the staging folder. Returns what the output will
    /// hold at `file.path`: its digest (as counted in the build's id), length
    /// and modification time.
    pub fn put(&self, file: &OutputFile) -> Result<Written, Diagnostic> {
        let rel = safe_relative(&file.path)?;
        let digest = Staging::digest(file);
        self.count(&file.path, digest);
        if let Some(previous) = &self.previous
            && let Some(meta) = unchanged(&previous.join(&rel), &file.contents)
        {
            self.same
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel);
            return Ok(Written::of(digest, &meta));
        }
        self.changed.store(true, AtomicOrdering::Relaxed);
        let path = self.dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
        }
        // A file written here is measured through its handle, with no second
        // look-up of its path.
        let write = |bytes: &[u8]| {
            let mut out = fs::File::create(&path)?;
            std::io::Write::write_all(&mut out, bytes)?;
            out.metadata()
        };
        let linked = |made: std::io::Result<()>| made.and_then(|()| fs::metadata(&path));
        let result = match &file.contents {
            Contents::Bytes(bytes) => write(bytes),
            Contents::Embedded(bytes) => write(bytes),
            Contents::Copy(source) => linked(fs::copy(source, &path).map(|_| ())),
            Contents::Cached(source) => linked(
                fs::hard_link(source, &path).or_else(|_| fs::copy(source, &path).map(|_| ())),
            ),
        };
        let meta = result.map_err(|e| match &file.contents {
            Contents::Copy(source) | Contents::Cached(source) => io_error("copy", source, &e),
            _ => io_error("write", &path, &e),
        })?;
        Ok(Written::of(digest, &meta))
    }

    /// Drops everything written so far; the previous output is untouched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Swaps the new output in for the old, which is then removed; when every file
    /// is the same as before, the old output simply stays. Returns the id of the
    /// build whose output is now in place.
    pub fn commit(self) -> Result<u64, Diagnostic> {
        let timer = crate::timings::Timer::start();
        let same = std::mem::take(&mut *self.same.lock().unwrap_or_else(|e| e.into_inner()));
        let id = self.id.load(AtomicOrdering::Relaxed);
        if let Some(previous) = &self.previous {
            let files = self.previous_files.unwrap_or_else(|| file_count(previous));
            if !self.changed.load(AtomicOrdering::Relaxed)
                && files == same.len() + 1
                && build_id(previous) == Some(id)
            {
                let _ = fs::remove_dir_all(&self.dir);
                timer.lap("nothing changed");
                return Ok(id);
            }
            let linked = same.par_iter().try_for_each(|rel| {
                let path = self.dir.join(rel);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| io_error("create", parent, &e))?;
                }
                fs::hard_link(previous.join(rel), &path)
                    .or_else(|_| copy_keeping_time(&previous.join(rel), &path))
                    .map_err(|e| io_error("write", &path, &e))
            });
            if let Err(d) = linked {
                let _ = fs::remove_dir_all(&self.dir);
                return Err(d);
            }
            timer.lap("link unchanged files");
        }
        let marker = self.dir.join(MARKER);
        let text = format!("{MARKER_TEXT}build {id:016x}\n");
        if let Err(e) = fs::write(&marker, text) {
            let _ = fs::remove_dir_all(&self.dir);
            return Err(io_error("write", &marker, &e));
        }
        // Renames reach the disk in any order with the data they name: without
        // this, a power cut after the swap could leave empty or torn pages in
        // place of the site that was there.
        if let Err(e) = sync_tree(&self.dir) {
            let _ = fs::remove_dir_all(&self.dir);
            return Err(io_error("flush to disk", &self.shown, &e));
        }
        timer.lap("flush to disk");
        let target = &self.target;
        let had_output = target.exists();
        if had_output {
            // Checked again right before the swap: the folder may have changed meanwhile.
            if !self.force && !target.join(MARKER).is_file() && !is_empty_dir(target) {
                let _ = fs::remove_dir_all(&self.dir);
                return Err(Diagnostic::error(format!(
                    "refusing to replace {}: it was not created by skillfolio",
                    self.shown.display()
                ))
                .hint("pass `--force` to replace it"));
            }
            if let Err(e) = fs::rename(target, &self.old) {
                let _ = fs::remove_dir_all(&self.dir);
                return Err(io_error("move aside the previous output", &self.shown, &e));
            }
        }
        if let Err(e) = fs::rename(&self.dir, target) {
            if had_output {
                let _ = fs::rename(&self.old, target);
            }
            let _ = fs::remove_dir_all(&self.dir);
            return Err(io_error(
                "move the new output into place at",
                &self.shown,
                &e,
            ));
        }
        if let Some(parent) = target.parent() {
            let _ = sync_dir(parent);
        }
        timer.lap("swap");
        if had_output {
            let _ = fs::remove_dir_all(&self.old);
        }
        timer.lap("remove old output");
        Ok(id)
    }
}

/// Flushes every file and folder under `dir` to the disk. On Linux that is one
/// `syncfs` of the file system holding `dir`: the kernel writes the staged files
/// out together, where a flush per file makes the disk commit its journal once
/// per file (3 s for the 12,580 files of the large benchmark, against a fraction
/// of that).
#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let folder = fs::File::open(dir)?;
    // SAFETY: `syncfs` only reads the descriptor, which `folder` keeps open for
    // the length of the call.
    if unsafe { libc::syncfs(folder.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Flushes every file and folder under `dir` to the disk, files in parallel.
/// Files linked from the previous output are flushed already and cost little.
#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files
        .par_iter()
        .try_for_each(|path| fs::File::open(path)?.sync_all())?;
    dirs.par_iter().try_for_each(|path| sync_dir(path))
}

/// Flushes a folder's entries (names made or renamed in it). Systems that cannot
/// open a folder as a file order renames on their own.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        fs::File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

/// The output folder's own name, which names what belongs to it beside it: its
/// lock, staging folder and page record.
pub fn folder_name(output: &Path) -> String {
    absolute(output)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string())
}

/// The id of the build that wrote the output folder `output`, from its marker.
pub fn build_id(output: &Path) -> Option<u64> {
    let text = fs::read_to_string(output.join(MARKER)).ok()?;
    let id = text.lines().find_map(|l| l.strip_prefix("build "))?;
    u64::from_str_radix(id.trim(), 16).ok()
}

/// The digest of the output file at `path` holding `bytes`, the same in every run
/// of the program: the bytes themselves, or for photos, videos and other media
/// only their length. Media are the largest files by far and are copied, not
/// made, so reading them again would cost more than the build's id is worth; the
/// record the id guards covers pages and feeds, which are always read.
pub fn digest(path: &str, bytes: &[u8]) -> u64 {
    if by_length(path) {
        return bytes.len() as u64;
    }
    crate::keys::digest(bytes)
}

/// Whether the output file at `path` is a medium whose digest is its length.
fn by_length(path: &str) -> bool {
    const MEDIA: [&str; 16] = [
        "jpg", "jpeg", "png", "webp", "gif", "avif", "ico", "mp4", "webm", "mov", "mp3", "ogg",
        "pdf", "woff", "woff2", "zip",
    ];
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    MEDIA.iter().any(|m| extension.eq_ignore_ascii_case(m))
}

/// Puts back an output that a build killed between its two renames left aside,
/// unless another build is running: even a build that then fails finds the
/// previous output where it belongs.
pub fn recover(output: &Path) {
    let target = absolute(output);
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(lock) = fs::File::open(parent.join(format!(".{name}.lock"))) else {
        return;
    };
    if lock.try_lock().is_ok() {
        restore_previous(parent, &name, &target);
    }
}

/// Puts back an output a killed build had moved aside and not yet replaced.
fn restore_previous(parent: &Path, name: &str, target: &Path) {
    if target.exists() {
        return;
    }
    let old = format!(".{name}.old-");
    let aside = fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(&old));
    if let Some(entry) = aside {
        let _ = fs::rename(entry.path(), target);
    }
}

/// Removes the staging and swap folders that killed builds left beside the output.
fn remove_leftovers(parent: &Path, name: &str) {
    let staging = format!(".{name}.staging-");
    let old = format!(".{name}.old-");
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&staging) || file_name.starts_with(&old) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// How many files are under `dir`, the marker included.
fn file_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count()
}

/// Copies `from` to `to` with its modification time, which the build's record
/// checks a kept file by, where the system cannot link the two.
fn copy_keeping_time(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::copy(from, to)?;
    let time = fs::metadata(from)?.modified()?;
    fs::File::options().write(true).open(to)?.set_modified(time)
}

/// The previous output's file `old`, when it already holds `contents`: the
/// same bytes, or for a copied file, the same size and no older than its source.
fn unchanged(old: &Path, contents: &Contents) -> Option<fs::Metadata> {
    let meta = fs::metadata(old).ok()?;
    let same = match contents {
        Contents::Bytes(bytes) => {
            meta.len() == bytes.len() as u64 && fs::read(old).is_ok_and(|b| b[..] == bytes[..])
        }
        Contents::Embedded(bytes) => {
            meta.len() == bytes.len() as u64 && fs::read(old).is_ok_and(|b| b[..] == bytes[..])
        }
        Contents::Copy(source) | Contents::Cached(source) => {
            fs::metadata(source).is_ok_and(|src| {
                src.len() == meta.len()
                    && matches!((src.modified(), meta.modified()), (Ok(s), Ok(o)) if o >= s)
            })
        }
    };
    same.then_some(meta)
}

/// What a file of the output holds, as a build's record keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// As [`digest`] makes it.
    pub digest: u64,
    pub len: u64,
    /// When it was last modified, in nanoseconds since 1970 (0 when the system
    /// cannot tell).
    pub modified: u64,
}

impl Written {
    fn of(digest: u64, meta: &fs::Metadata) -> Written {
        Written {
            digest,
            len: meta.len(),
            modified: modified(meta),
        }
    }
}

/// A file's modification time in nanoseconds since 1970; 0 when unknown.
pub fn modified(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// An output path as a relative path that cannot leave the output folder, whatever
/// a slug or file name said.
pub fn safe_relative(path: &str) -> Result<PathBuf, Diagnostic> {
    let rel = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\\')
        && rel.components().all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(rel.to_path_buf())
    } else {
        Err(Diagnostic::error(format!(
            "refusing to write `{path}`: it would land outside the output folder"
        ))
        .hint("rename the file or folder it comes from"))
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// An absolute, lexically clean path; the existing part is resolved through
/// symbolic links so two spellings of one folder compare equal.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
    let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_cannot_climb_out() {
        assert!(safe_relative("skills/omelette/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\..\\b", "./a"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }
}
