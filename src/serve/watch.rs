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

/// How long the sources must stay quiet after a save that is over: one file
/// left whole (renamed into place, closed after writing, removed) and any
/// temporary files made for it gone again (see [`Burst::saved`]). The page
/// need not wait out [`DEBOUNCE`] then. A short wait is still kept for an
/// editor that tidies up at once or saves a second file straight after; a
/// change to several files, such as a checkout, keeps the full window.
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
    /// What the burst's events did to each source path it touched, until
    /// they are more than a save touches.
    touched: Vec<Touched>,
    /// The burst touched more paths than a save does, or lost track of them.
    bulk: bool,
    started: Option<Instant>,
    quiet_from: Option<Instant>,
}

/// One path's story in a burst.
struct Touched {
    path: PathBuf,
    /// It came into being in this burst (created, or renamed to this name).
    appeared: bool,
    /// Its last event took it away (renamed from this name, or removed).
    gone: bool,
    /// Its last event left it finished: renamed into place, closed after
    /// writing, or removed.
    whole: bool,
}

/// What one event did to one path.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Created,
    Written,
    MovedAway,
    MovedIn,
    Closed,
    Removed,
}

/// The most paths a burst may touch and still be taken for a save: an
/// editor's save touches the file and a temporary file or two.
const SAVE_PATHS: usize = 8;

impl Burst {
    /// When the burst ends if nothing else comes; `None` before it starts.
    fn deadline(&self) -> Option<Instant> {
        Some(self.quiet_from?.min(self.started? + LONGEST))
    }

    fn take(&mut self, root: &Path, event: Event, now: Instant) {
        let before = self.changed.len();
        // Whether a file the burst changed was closed after writing.
        let mut closed = false;
        if event.need_rescan() {
            // Events the system dropped (a queue overflow) could be anywhere.
            self.changed.push(root.join("content"));
            self.bulk = true;
        } else {
            let count = event.paths.len();
            for (i, path) in event.paths.into_iter().enumerate() {
                let Some(step) = step(&event.kind, i, count).filter(|_| is_source(root, &path))
                else {
                    continue;
                };
                let noted = self.note(&path, step);
                // A file closed after writing is not a change of its own.
                if step == Step::Closed {
                    closed |= noted;
                } else {
                    self.changed.push(path);
                }
            }
        }
        let saved = self.saved();
        // Reading a file (as every rebuild does) is not a change, and neither is
        // closing one, unless that ends a save: neither starts nor prolongs a
        // burst.
        if self.changed.len() == before && !(closed && saved) {
            return;
        }
        self.started.get_or_insert(now);
        self.quiet_from = Some(now + if saved { SETTLE } else { DEBOUNCE });
    }

    /// Records what `step` did to `path`; false when it is not followed.
    fn note(&mut self, path: &Path, step: Step) -> bool {
        // A checkout's thousands of files are not looked through one by one.
        if self.bulk {
            return false;
        }
        let at = match self.touched.iter().position(|t| t.path == path) {
            Some(at) => at,
            // A file the burst did not change was only opened for writing.
            None if step == Step::Closed => return false,
            None => {
                self.touched.push(Touched {
                    path: path.to_path_buf(),
                    appeared: matches!(step, Step::Created | Step::MovedIn),
                    gone: false,
                    whole: false,
                });
                self.bulk |= self.touched.len() > SAVE_PATHS;
                self.touched.len() - 1
            }
        };
        let t = &mut self.touched[at];
        match step {
            Step::Created | Step::Written => (t.gone, t.whole) = (false, false),
            Step::MovedAway => (t.gone, t.whole) = (true, false),
            Step::MovedIn => (t.gone, t.whole) = (false, true),
            Step::Closed => t.whole = !t.gone,
            Step::Removed => (t.gone, t.whole) = (true, true),
        }
        true
    }

    /// Whether the burst is a save that is over: of the paths it touched, at
    /// most one is still there or was there before, and its last event left
    /// it whole. The others were an editor's temporary files, made and gone
    /// again (`sed -i`'s, a Qt editor's, vim's test file `4913`).
    fn saved(&self) -> bool {
        let mut kept = (self.touched.iter()).filter(|t| !(t.appeared && t.gone));
        !self.bulk
            && !self.touched.is_empty()
            && kept.next().is_none_or(|t| t.whole)
            && kept.next().is_none()
    }
}

/// What an event did to its `i`th of `count` paths; `None` for what changes
/// nothing (a file opened or read).
fn step(kind: &EventKind, i: usize, count: usize) -> Option<Step> {
    Some(match kind {
        EventKind::Create(_) => Step::Created,
        EventKind::Remove(_) => Step::Removed,
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => Step::MovedAway,
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Step::MovedIn,
        // The old name, then the new.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) if count == 2 => match i {
            0 => Step::MovedAway,
            _ => Step::MovedIn,
        },
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Step::Closed,
        kind if !is_change(kind) => return None,
        _ => Step::Written,
    })
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
    const CREATED: EventKind = EventKind::Create(notify::event::CreateKind::File);
    const REMOVED: EventKind = EventKind::Remove(notify::event::RemoveKind::File);
    const MOVED_FROM: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::From));
    const MOVED_TO: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::To));
    const RENAMED: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::Both));

    /// A file made, written and closed, as inotify reports it.
    fn written(path: &str) -> [Event; 3] {
        [
            event(CREATED, &[path]),
            event(WRITTEN, &[path]),
            event(CLOSED, &[path]),
        ]
    }

    /// A rename, as inotify reports it: each name, then both.
    fn renamed(from: &str, to: &str) -> [Event; 3] {
        [
            event(MOVED_FROM, &[from]),
            event(MOVED_TO, &[to]),
            event(RENAMED, &[from, to]),
        ]
    }

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
        // The pair alone, without the old name's own event, ends a save too.
        let rename = [event(MOVED_TO, &[ENTRY]), event(RENAMED, &[TEMP, ENTRY])];
        let wait = after(&[&written(TEMP)[..], &rename].concat());
        assert_eq!(wait, Some(SETTLE));
    }

    #[test]
    fn a_jetbrains_safe_write_ends_its_burst_soon() {
        // The new text is written to a file of its own, the original renamed
        // out of the way, the new file renamed into its place, the old removed.
        let tmp = "/site/content/skills/a/log/day.md___jb_tmp___";
        let old = "/site/content/skills/a/log/day.md___jb_old___";
        let wait = after(
            &[
                &written(tmp)[..],
                &renamed(ENTRY, old),
                &renamed(tmp, ENTRY),
                &[event(REMOVED, &[old])],
            ]
            .concat(),
        );
        // The removal of the old copy came 1 ms after the save ended.
        assert_eq!(wait, Some(SETTLE - Duration::from_millis(1)));
    }

    #[test]
    fn a_save_through_a_temporary_file_of_any_name_ends_its_burst_soon() {
        // `sed -i` and Qt's editors write a file of their own beside the
        // original and rename it into place; vim first makes and removes a
        // file `4913` to learn whether it may.
        let made = "/site/content/skills/a/log/sedX1a2b3";
        let probe = "/site/content/skills/a/log/4913";
        let wait = after(
            &[
                &[
                    event(CREATED, &[probe]),
                    event(CLOSED, &[probe]),
                    event(REMOVED, &[probe]),
                ][..],
                &written(made),
                &renamed(made, ENTRY),
            ]
            .concat(),
        );
        assert_eq!(wait, Some(SETTLE));
        // A new file, written and closed, is a save too.
        assert_eq!(after(&written(ENTRY)), Some(SETTLE));
    }

    #[test]
    fn a_temporary_file_gone_does_not_end_a_save_still_being_written() {
        let probe = "/site/content/skills/a/log/4913";
        let wait = after(&[
            event(WRITTEN, &[ENTRY]),
            event(CREATED, &[probe]),
            event(REMOVED, &[probe]),
        ]);
        assert_eq!(wait, Some(DEBOUNCE));
    }

    #[test]
    fn a_new_folder_or_many_files_keep_the_full_window() {
        let folder = "/site/content/skills/b";
        let page = "/site/content/skills/b/index.md";
        let folder = event(
            EventKind::Create(notify::event::CreateKind::Folder),
            &[folder],
        );
        let wait = after(&[&[folder][..], &written(page)].concat());
        assert_eq!(wait, Some(DEBOUNCE - Duration::from_millis(1)));
        // Temporary files enough for a bulk change, made and gone, before a
        // file renamed into place.
        let mut events = Vec::new();
        let temps: Vec<String> = (0..SAVE_PATHS)
            .map(|i| format!("/site/content/skills/a/t{i}"))
            .collect();
        for temp in &temps {
            events.push(event(CREATED, &[temp]));
            events.push(event(REMOVED, &[temp]));
        }
        events.push(event(MOVED_TO, &[ENTRY]));
        assert_eq!(after(&events), Some(DEBOUNCE));
    }

    #[test]
    fn a_file_written_in_place_waits_until_it_is_closed() {
        assert_eq!(after(&[event(WRITTEN, &[ENTRY])]), Some(DEBOUNCE));
        let wait = after(&[event(WRITTEN, &[ENTRY]), event(CLOSED, &[ENTRY])]);
        assert_eq!(wait, Some(SETTLE));
        // Removing a file leaves nothing half-written either.
        assert_eq!(after(&[event(REMOVED, &[ENTRY])]), Some(SETTLE));
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
        let backup = "/site/content/skills/a/log/day.md~";
        let wait = after(&[event(RENAMED, &[ENTRY, backup])]);
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
