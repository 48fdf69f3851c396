//! Watching the site's sources. Editors save in many ways (write a temporary file
//! and rename it, keep swap files, fire several events for one save), so events
//! are debounced into bursts, editor leftovers are ignored, and each burst that
//! touches a real source causes exactly one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::RecommendedWatcher;
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_ignored;
use crate::diagnostic::Diagnostic;

/// How old a file's events must be before they are let through: an editor's
/// save (write a temporary file, rename it over the original) takes well under a
/// millisecond, a writer's next save seconds. Every millisecond here is one the
/// writer waits for the page, so the window is short; a save spread over more
/// than this costs a second rebuild, and the last one reads the finished file.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often waiting events are looked at: they wait at most this long past
/// the window.
const TICK: Duration = Duration::from_millis(4);

/// The folders whose changes rebuild the site; `site.toml` beside them too.
pub const SOURCES: [&str; 4] = ["content", "templates", "themes", "static"];

/// Watches a site's sources from the moment it is made, so no change between
/// starting the server and waiting for changes is missed.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: mpsc::Receiver<DebounceEventResult>,
    watched: Vec<&'static str>,
}

impl Watcher {
    pub fn new(root: &Path) -> Result<Watcher, Diagnostic> {
        let (tx, events) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), tx)
            .map_err(|e| Diagnostic::error(format!("could not watch the site for changes: {e}")))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Diagnostic::error(format!("could not watch {}: {e}", root.display())))?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
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
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.watched.push(dir);
            }
        }
    }

    /// Calls `on_change` with the changed source paths (absolute) after each burst
    /// of changes, until the watcher stops.
    pub fn run(mut self, mut on_change: impl FnMut(Vec<PathBuf>)) {
        let mut lost = false;
        while let Ok(result) = self.events.recv() {
            let events = match result {
                Ok(events) => events,
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: file watching: {e}");
                    }
                    lost = true;
                    continue;
                }
            };
            // Reading files (as every rebuild does) is not a change.
            // Events the system dropped (a queue overflow) could be anywhere.
            let content = self.root.join("content");
            let mut changed: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| is_change(&e.event.kind))
                .flat_map(|e| match e.event.need_rescan() {
                    true => vec![content.clone()],
                    false => e.event.paths.clone(),
                })
                .filter(|p| is_source(&self.root, p))
                .collect();
            // After an error, what changed meanwhile is unknown.
            if !changed.is_empty() && std::mem::take(&mut lost) {
                changed.push(content);
            }
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
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
