//! Watching the site's sources. Editors save in many ways (write a temporary file
//! and rename it, keep swap files, fire several events for one save), so events
//! are debounced into bursts, editor leftovers are ignored, and each burst that
//! touches a real source causes exactly one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::content::is_ignored;
use crate::diagnostic::Diagnostic;

/// How long the sources must stay quiet before a burst of changes is let
/// through: an editor's save (write a temporary file, rename it over the
/// original) takes well under a millisecond, a writer's next save seconds. Every
/// millisecond here is one the writer waits for the page, so the window is short;
/// a save spread over more than this costs a second rebuild, and the last one
/// reads the finished file.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// The longest a burst is held back while events keep coming (a folder being
/// copied in), so the writer still sees progress.
const LONGEST: Duration = Duration::from_millis(300);

/// The folders whose changes rebuild the site; `site.toml` beside them too.
pub const SOURCES: [&str; 5] = ["content", "templates", "themes", "static", "i18n"];

/// Watches a site's sources from the moment it is made, so no change between
/// starting the server and waiting for changes is missed. Between bursts it
/// sleeps on the event channel: an idle server takes no processor time.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<Event>>,
    watched: Vec<&'static str>,
}

impl Watcher {
    pub fn new(root: &Path) -> Result<Watcher, Diagnostic> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| Diagnostic::error(format!("could not watch the site for changes: {e}")))?;
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Diagnostic::error(format!("could not watch {}: {e}", root.display())))?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            watcher,
            events,
            watched: Vec::new(),
        };
        watcher.watch_new_sources();
        Ok(watcher)
    }

    /// Source folders created after start (a first `templates/`, or one deleted
    /// and made again, as a branch switch does) are watched too.
    fn watch_new_sources(&mut self) {
        let root = self.root.clone();
        self.watched.retain(|dir| root.join(dir).is_dir());
        for dir in SOURCES {
            let path = self.root.join(dir);
            if !self.watched.contains(&dir)
                && path.is_dir()
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(dir);
            }
        }
    }

    /// The source paths changed in the next burst: it waits for a change to a
    /// source, then takes every change that follows until the sources have been
    /// quiet for [`DEBOUNCE`] ([`LONGEST`] at most). Other events (a file opened,
    /// an editor's swap file) neither start nor prolong a burst. `None` once the
    /// watcher stops.
    fn burst(&self, lost: &mut bool) -> Option<Vec<PathBuf>> {
        let mut changed = Vec::new();
        let mut started: Option<Instant> = None;
        let mut quiet_from = Instant::now();
        loop {
            let event = match started {
                None => self.events.recv().ok()?,
                Some(start) => {
                    let wait = quiet_from
                        .min(start + LONGEST)
                        .saturating_duration_since(Instant::now());
                    match self.events.recv_timeout(wait) {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => return Some(changed),
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            let before = changed.len();
            match event {
                // Reading files (as every rebuild does) is not a change.
                Ok(event) if !is_change(&event.kind) => {}
                // Events the system dropped (a queue overflow) could be anywhere.
                Ok(event) if event.need_rescan() => changed.push(self.root.join("content")),
                Ok(event) => {
                    changed.extend(event.paths.into_iter().filter(|p| is_source(&self.root, p)))
                }
                Err(e) => {
                    eprintln!("warning: file watching: {e}");
                    *lost = true;
                }
            }
            if changed.len() > before {
                started.get_or_insert_with(Instant::now);
                quiet_from = Instant::now() + DEBOUNCE;
            }
        }
    }

    /// Calls `on_change` with the changed source paths (absolute) after each burst
    /// of changes, until the watcher stops.
    pub fn run(mut self, mut on_change: impl FnMut(Vec<PathBuf>)) {
        let mut lost = false;
        while let Some(mut changed) = self.burst(&mut lost) {
            // After an error, what changed meanwhile is unknown.
            if std::mem::take(&mut lost) {
                changed.push(self.root.join("content"));
            }
            changed.sort();
            changed.dedup();
            self.watch_new_sources();
            on_change(changed);
        }
    }
}

fn is_change(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Whether a changed path is one of the site's sources and not an editor's leftover.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(top) = parts.next() else {
        return false;
    };
    let top_ok =
        SOURCES.contains(&top.as_ref()) || (top == "site.toml" && rel.components().count() == 1);
    top_ok
        && !rel
            .components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        assert!(is_source(
            root,
            Path::new("/site/content/skills/a/index.md")
        ));
        assert!(is_source(root, Path::new("/site/site.toml")));
        assert!(is_source(root, Path::new("/site/static")));
        assert!(!is_source(
            root,
            Path::new("/site/content/skills/a/.index.md.swp")
        ));
        assert!(!is_source(
            root,
            Path::new("/site/content/skills/a/index.md~")
        ));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/target/debug/x")));
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }
}
