//! Watching the site's sources. Editors save in many ways (write a temporary file
//! and rename it, keep swap files, fire several events for one save), so events
//! are debounced into bursts, editor leftovers are ignored, and each burst that
//! touches a real source causes exactly one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind, RenameMode};
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

/// How long the sources must stay quiet after a burst that changed one file
/// and left it whole (renamed into place, closed after writing, removed): the
/// save is over, so the page need not wait out [`DEBOUNCE`]. A short wait is
/// still kept for an editor that tidies up at once (removing its backup) or
/// saves a second file straight after; a bulk change such as a checkout
/// touches many files and keeps the full window.
const SETTLE: Duration = Duration::from_millis(2);

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
    /// quiet for as long as [`Burst::deadline`] says. Other events (a file
    /// opened, an editor's swap file) neither start nor prolong a burst. `None`
    /// once the watcher stops.
    fn burst(&self, lost: &mut bool) -> Option<Vec<PathBuf>> {
        let mut burst = Burst::default();
        loop {
            let event = match burst.deadline() {
                None => self.events.recv().ok()?,
                Some(deadline) => {
                    match self
                        .events
                        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => return Some(burst.changed),
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            match event {
                Ok(event) => burst.take(&self.root, event, Instant::now()),
                Err(e) => {
                    eprintln!("warning: file watching: {e}");
                    *lost = true;
                }
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

/// The changes of one burst so far, and when it may end.
#[derive(Default)]
struct Burst {
    changed: Vec<PathBuf>,
    started: Option<Instant>,
    quiet_from: Option<Instant>,
}

impl Burst {
    /// When the burst ends if nothing else comes; `None` before it starts.
    fn deadline(&self) -> Option<Instant> {
        Some(self.quiet_from?.min(self.started? + LONGEST))
    }

    fn take(&mut self, root: &Path, event: Event, now: Instant) {
        let whole = left_whole(&event.kind, &event.paths)
            .filter(|p| is_source(root, p))
            .map(Path::to_path_buf);
        let before = self.changed.len();
        if event.need_rescan() {
            // Events the system dropped (a queue overflow) could be anywhere.
            self.changed.push(root.join("content"));
        } else if is_change(&event.kind) {
            self.changed
                .extend(event.paths.into_iter().filter(|p| is_source(root, p)));
        }
        let finished =
            !self.changed.is_empty() && whole.is_some_and(|w| self.changed.iter().all(|p| *p == w));
        // Reading a file (as every rebuild does) is not a change, and neither is
        // closing one, unless that ends the save of the burst's one file.
        if self.changed.len() == before && !finished {
            return;
        }
        self.started.get_or_insert(now);
        self.quiet_from = Some(now + if finished { SETTLE } else { DEBOUNCE });
    }
}

/// The path an event leaves whole, if it is the last step of a save: the
/// new name of a rename, a file closed after writing, a removal.
fn left_whole<'a>(kind: &EventKind, paths: &'a [PathBuf]) -> Option<&'a Path> {
    match kind {
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        | EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Remove(_) => paths.last().map(PathBuf::as_path),
        _ => None,
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
        assert!(!is_source(
            root,
            Path::new("/site/content/skills/a/index.md___jb_tmp___")
        ));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/target/debug/x")));
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(PathBuf::from(p)))
    }

    const ENTRY: &str = "/site/content/skills/a/log/day.md";
    const TEMP: &str = "/site/content/skills/a/log/day.md.tmp~";
    const WRITTEN: EventKind = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
    const CLOSED: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));

    /// Feeds events one millisecond apart: how long after the last the burst
    /// ends.
    fn after(events: &[Event]) -> Option<Duration> {
        let mut burst = Burst::default();
        let t0 = Instant::now();
        let mut last = t0;
        for (i, e) in events.iter().enumerate() {
            last = t0 + Duration::from_millis(i as u64);
            burst.take(Path::new("/site"), e.clone(), last);
        }
        burst.deadline().map(|d| d - last)
    }

    #[test]
    fn a_file_renamed_into_place_ends_its_burst_soon() {
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let wait = after(&[
            event(EventKind::Create(notify::event::CreateKind::File), &[TEMP]),
            event(WRITTEN, &[TEMP]),
            event(CLOSED, &[TEMP]),
            event(to, &[ENTRY]),
            event(both, &[TEMP, ENTRY]),
        ]);
        assert_eq!(wait, Some(SETTLE));
    }

    #[test]
    fn a_jetbrains_safe_write_ends_its_burst_soon() {
        // The new text is written to a file of its own, the original renamed
        // out of the way, the new file renamed into its place, the old removed.
        let tmp = "/site/content/skills/a/log/day.md___jb_tmp___";
        let old = "/site/content/skills/a/log/day.md___jb_old___";
        let name = |mode| EventKind::Modify(ModifyKind::Name(mode));
        let removed = EventKind::Remove(notify::event::RemoveKind::File);
        let wait = after(&[
            event(EventKind::Create(notify::event::CreateKind::File), &[tmp]),
            event(WRITTEN, &[tmp]),
            event(CLOSED, &[tmp]),
            event(name(RenameMode::From), &[ENTRY]),
            event(name(RenameMode::To), &[old]),
            event(name(RenameMode::Both), &[ENTRY, old]),
            event(name(RenameMode::From), &[tmp]),
            event(name(RenameMode::To), &[ENTRY]),
            event(name(RenameMode::Both), &[tmp, ENTRY]),
            event(removed, &[old]),
        ]);
        // The removal of the old copy came 1 ms after the save ended.
        assert_eq!(wait, Some(SETTLE - Duration::from_millis(1)));
    }

    #[test]
    fn a_file_written_in_place_waits_until_it_is_closed() {
        assert_eq!(after(&[event(WRITTEN, &[ENTRY])]), Some(DEBOUNCE));
        let wait = after(&[event(WRITTEN, &[ENTRY]), event(CLOSED, &[ENTRY])]);
        assert_eq!(wait, Some(SETTLE));
        // Removing a file leaves nothing half-written either.
        let removed = EventKind::Remove(notify::event::RemoveKind::File);
        assert_eq!(after(&[event(removed, &[ENTRY])]), Some(SETTLE));
    }

    #[test]
    fn closing_a_file_neither_starts_a_burst_nor_ends_another_files_early() {
        assert_eq!(after(&[event(CLOSED, &[ENTRY])]), None);
        let other = "/site/content/skills/a/index.md";
        let wait = after(&[
            event(WRITTEN, &[other]),
            event(WRITTEN, &[ENTRY]),
            event(CLOSED, &[other]),
            event(CLOSED, &[ENTRY]),
        ]);
        assert_eq!(wait, Some(DEBOUNCE - Duration::from_millis(2)));
        // An editor's leftover closed does not end a save either.
        let wait = after(&[event(WRITTEN, &[ENTRY]), event(CLOSED, &[TEMP])]);
        assert_eq!(wait, Some(DEBOUNCE - Duration::from_millis(1)));
    }

    #[test]
    fn a_source_moved_away_keeps_the_full_window() {
        // vim renames the file to its backup before writing the new one.
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let backup = "/site/content/skills/a/log/day.md~";
        let wait = after(&[event(both, &[ENTRY, backup])]);
        assert_eq!(wait, Some(DEBOUNCE));
    }

    #[test]
    fn a_burst_that_keeps_coming_still_ends_after_the_longest_wait() {
        let mut events = Vec::new();
        for _ in 0..LONGEST.as_millis() {
            events.push(event(WRITTEN, &[ENTRY]));
        }
        // The first event came LONGEST - 1 ms before the last.
        assert_eq!(after(&events), Some(Duration::from_millis(1)));
    }
}
