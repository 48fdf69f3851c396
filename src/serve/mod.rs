//! `serve`: the preview a writer keeps open while logging practice. The site is
//! built in memory (the `build` output folder is never touched) with `base_url`
//! set to the local address, served over HTTP, and rebuilt when a source file
//! changes; open pages reload themselves. A broken edit keeps the last good site
//! served, shows the error over the page, and heals when the file is fixed.

mod conn;
mod http;
mod reload;
mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Instant;

use crate::Caches;
use crate::LoadOptions;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::keys::Key;
use crate::output::{Contents, OutputFile};
use crate::render::{Renderer, Reuse};

pub use conn::Limits;
pub use reload::Event;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub interface: IpAddr,
    pub port: u16,
    /// How many following ports to try when `port` is taken.
    pub port_attempts: u16,
    /// The bounds on connections and request heads.
    pub limits: Limits,
}

/// A file's bytes as served: its length, and a reader that can start anywhere
/// in it, so a range of a large video is read from disk, not all of it.
pub struct Body {
    reader: Box<dyn ReadSeek>,
    len: u64,
}

trait ReadSeek: std::io::Read + std::io::Seek + Send {}
impl<T: std::io::Read + std::io::Seek + Send> ReadSeek for T {}

impl Body {
    fn memory(bytes: Vec<u8>) -> Body {
        Body {
            len: bytes.len() as u64,
            reader: Box::new(std::io::Cursor::new(bytes)),
        }
    }
}

/// One successful build, as served: output path -> contents, and the key of
/// each page and feed, which the next build may keep (see [`Reusing`]).
#[derive(Default)]
pub struct Snapshot {
    files: Files,
}

/// Every file of a snapshot by its path. A rebuild looks each one up and
/// makes the map anew, ten thousand paths on a large site, so they are hashed
/// with a fast hash rather than one that resists chosen keys: the paths are
/// the site's own.
/// A file a rebuild keeps is shared with the snapshot before, path and all.
type Files = HashMap<Arc<str>, Arc<Served>, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// A file of a snapshot: its path and what is served.
type File = (Arc<str>, Arc<Served>);

#[derive(Clone)]
struct Served {
    contents: Contents,
    key: Option<Key>,
    /// A page's links and ids, read by the first link check that needs them
    /// and shared with every later snapshot that keeps the page: a save's
    /// check reads only the pages that save made.
    scanned: Arc<OnceLock<crate::links::Scanned>>,
}

impl Snapshot {
    fn new(made: Vec<OutputFile>, kept: Vec<File>) -> Snapshot {
        let mut files =
            Files::with_capacity_and_hasher(made.len() + kept.len(), Default::default());
        files.extend(made.into_iter().map(|f| {
            let served = Served {
                contents: f.contents,
                key: f.key,
                scanned: Arc::default(),
            };
            (Arc::from(f.path), Arc::new(served))
        }));
        files.extend(kept);
        Snapshot { files }
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file's path, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.files.keys().map(|p| p.to_string()).collect();
        paths.sort();
        paths
    }

    pub fn get(&self, path: &str) -> Option<&Contents> {
        self.files.get(path).map(|f| &f.contents)
    }

    /// Every link of the served pages that leads nowhere, as `build` reports them;
    /// `None` when a newer build replaced this one before the check was done.
    pub fn broken_links(
        &self,
        job: &LinkJob,
        sources: crate::links::PageSources,
    ) -> Option<Vec<Diagnostic>> {
        let mut links =
            crate::links::LinkCheck::new(&job.base_url, &job.base_path).written_by(sources);
        if let Some((url, path)) = &job.published {
            links = links.published_at(url, path);
        }
        // A large site's check takes most of a second of processor time. It
        // runs on one thread, outside the pool the next build renders with,
        // and one that a newer save made pointless stops rather than slow that
        // save's build down.
        for (path, served) in &self.files {
            if job.superseded() {
                return None;
            }
            match &served.contents {
                Contents::Bytes(bytes) if crate::links::is_page(path) => {
                    let page = served.scanned.get_or_init(|| crate::links::scan(bytes));
                    links.add_page(path, &page.links, page.ids.iter().map(String::as_str));
                }
                _ => links.add(path, None),
            }
        }
        (!job.superseded()).then(|| links.finish(&job.theme, &job.root))
    }

    /// Reads a file's bytes, from memory or from the source it is copied from.
    pub fn bytes(&self, path: &str) -> Option<Vec<u8>> {
        match self.get(path)? {
            Contents::Bytes(b) => Some(b.to_vec()),
            Contents::Embedded(b) => Some(b.to_vec()),
            Contents::Copy(source) | Contents::Cached(source) => std::fs::read(source).ok(),
        }
    }

    /// Opens a file for reading, from memory or from the source it is copied from.
    pub fn open(&self, path: &str) -> Option<Body> {
        use std::io::Cursor;
        let (reader, len): (Box<dyn ReadSeek>, u64) = match self.get(path)? {
            Contents::Bytes(b) => (Box::new(Cursor::new(Arc::clone(b))), b.len() as u64),
            Contents::Embedded(b) => (Box::new(Cursor::new(*b)), b.len() as u64),
            Contents::Copy(source) | Contents::Cached(source) => {
                let file = std::fs::File::open(source).ok()?;
                let len = file.metadata().ok()?.len();
                (Box::new(file), len)
            }
        };
        Some(Body { reader, len })
    }

    /// Which kind of reload a change from `old` to `self` needs: none, stylesheets
    /// only, or the whole page. Copied files count as changed when their source
    /// is among `changed`.
    fn change_from(&self, old: &Snapshot, changed: &[PathBuf]) -> Option<Event> {
        let mut paths = (self.files.keys())
            .chain(old.files.keys())
            .filter(|p| differs(self.get(p), old.get(p), changed));
        let first = paths.next()?;
        let all_css = std::iter::once(first)
            .chain(paths)
            .all(|p| p.ends_with(".css"));
        Some(if all_css { Event::Css } else { Event::Reload })
    }
}

/// The last build's pages and feeds, offered to the next: a file made from the
/// same key is taken over as it is, without being rendered.
struct Reusing<'a> {
    last: Option<&'a Snapshot>,
    kept: Kept,
}

/// The files a render keeps, gathered per thread: a large site keeps ten
/// thousand, and one list behind one lock had the render's threads queue for it.
struct Kept(Vec<Mutex<Vec<File>>>);

impl Kept {
    fn new() -> Kept {
        Kept(
            (0..=rayon::current_num_threads())
                .map(|_| Mutex::default())
                .collect(),
        )
    }

    fn push(&self, path: &Arc<str>, served: &Arc<Served>) {
        let shard = rayon::current_thread_index().map_or(0, |i| (i + 1) % self.0.len());
        let mut kept = self.0[shard].lock().unwrap_or_else(|e| e.into_inner());
        kept.push((Arc::clone(path), Arc::clone(served)));
    }

    fn into_inner(self) -> Vec<File> {
        let mut shards = self
            .0
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()));
        let mut all = shards.next().unwrap_or_default();
        for shard in shards {
            all.extend(shard);
        }
        all
    }
}

impl Reuse for Reusing<'_> {
    fn keep(&self, path: &str, key: Key) -> bool {
        let last = self.last.and_then(|s| s.files.get_key_value(path));
        let Some((path, served)) = last.filter(|(_, f)| f.key == Some(key)) else {
            return false;
        };
        self.kept.push(path, served);
        true
    }
}

/// Whether a file's contents in two snapshots differ. A copied file whose source
/// is among the `changed` paths differs even under the same name.
fn differs(new: Option<&Contents>, old: Option<&Contents>, changed: &[PathBuf]) -> bool {
    match (new, old) {
        (Some(Contents::Bytes(a)), Some(Contents::Bytes(b))) => !Arc::ptr_eq(a, b) && a != b,
        (Some(Contents::Embedded(a)), Some(Contents::Embedded(b))) => a != b,
        (Some(Contents::Copy(a)), Some(Contents::Copy(b)))
        | (Some(Contents::Cached(a)), Some(Contents::Cached(b))) => a != b || changed.contains(a),
        _ => true,
    }
}

/// What the server threads share: the last good build, the current error, and
/// the browsers waiting for news.
pub struct State {
    site: RwLock<Arc<Snapshot>>,
    error: RwLock<Option<String>>,
    hub: reload::Hub,
}

impl State {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.site.read().map(|s| Arc::clone(&s)).unwrap_or_default()
    }

    pub fn error(&self) -> Option<String> {
        self.error.read().ok().and_then(|e| e.clone())
    }
}

/// Builds the site in memory for the local base URL, keeping what can be reused
/// from one build to the next: rendered markdown of unchanged files, and pages
/// whose template inputs did not change.
pub struct Builder {
    options: LoadOptions,
    caches: Caches,
    renderer: Option<Renderer>,
    /// The last successful build, whose pages the next may keep.
    last: Option<Arc<Snapshot>>,
    /// Counts the builds started, so a link check knows when it is outdated.
    builds: Arc<AtomicU64>,
}

/// What the link check of a served build needs besides its pages. It runs after
/// the new pages are served, so a save is shown as fast as without it.
pub struct LinkJob {
    base_url: String,
    base_path: String,
    theme: crate::theme::Theme,
    root: PathBuf,
    /// `base_url` and its path as `site.toml` has them.
    published: Option<(String, String)>,
    /// How many builds have started, and which of them this check is for.
    builds: Arc<AtomicU64>,
    build: u64,
    /// The files each page is made from, listed from the model on the thread
    /// that then frees it.
    sources: Option<std::thread::JoinHandle<crate::links::PageSources>>,
}

impl LinkJob {
    /// Checks `snapshot`'s links on a thread of its own and prints what it
    /// finds, unless a newer build started meanwhile: its own check will say.
    fn spawn(mut self, snapshot: Arc<Snapshot>) {
        std::thread::spawn(move || {
            let sources = self.sources.take().and_then(|s| s.join().ok());
            if let Some(broken) = snapshot.broken_links(&self, sources.unwrap_or_default())
                && !self.superseded()
            {
                report(&broken);
            }
        });
    }

    fn superseded(&self) -> bool {
        self.builds.load(Ordering::Relaxed) != self.build
    }
}

impl Builder {
    pub fn new(root: &std::path::Path, drafts: bool, base_url: &str) -> Builder {
        // The same highlight cache `build` keeps beside `public/`, so serving starts fast.
        let cache_dir = root.join(".skillfolio-cache");
        Builder {
            caches: Caches::new(Some(&cache_dir)),
            options: LoadOptions {
                root: root.to_path_buf(),
                base_url: Some(base_url.to_string()),
                drafts,
                cache_dir: Some(cache_dir),
                skip_images: false,
            },
            renderer: None,
            last: None,
            builds: Arc::default(),
        }
    }

    /// Tells the next build that only `paths` changed since the last one.
    pub fn only_changed(&self, paths: &[PathBuf]) {
        self.caches.content.only_changed(paths);
    }

    pub fn build(&mut self) -> Result<(Arc<Snapshot>, Vec<Diagnostic>, LinkJob), Diagnostics> {
        let build = self.builds.fetch_add(1, Ordering::Relaxed) + 1;
        self.caches.highlighter.forget_lines_if_full();
        let loaded = crate::load_cached(&self.options, Some(&self.caches))?;
        let renderer = match self.renderer.take() {
            Some(r) if r.fits(&loaded.theme) => r,
            _ => {
                let renderer = Renderer::new(&loaded.theme)?;
                match &self.options.cache_dir {
                    Some(dir) => renderer.cache_cards_in(dir),
                    None => renderer,
                }
            }
        };
        let renderer = self.renderer.insert(renderer);
        let timer = crate::timings::Timer::start();
        let reusing = Reusing {
            last: self.last.as_deref(),
            kept: Kept::new(),
        };
        let made = Mutex::new(Vec::new());
        renderer.render(&loaded.site, &loaded.theme, &reusing, &|file| {
            made.lock().unwrap_or_else(|e| e.into_inner()).push(file);
            Ok(())
        })?;
        timer.lap("render");
        let mut job = LinkJob {
            base_url: loaded.site.config.base_url.clone(),
            base_path: loaded.site.config.base_path.clone(),
            theme: loaded.theme.clone(),
            root: self.options.root.clone(),
            published: crate::config::Config::load(&self.options.root)
                .ok()
                .map(|c| (c.base_url, c.base_path)),
            builds: Arc::clone(&self.builds),
            build,
            sources: None,
        };
        let warnings = loaded.warnings;
        let site = loaded.site;
        // The model is freed on this thread once its pages' files are listed.
        job.sources = Some(std::thread::spawn(move || site.page_sources()));
        let snapshot = Arc::new(Snapshot::new(
            made.into_inner().unwrap_or_else(|e| e.into_inner()),
            reusing.kept.into_inner(),
        ));
        self.last = Some(Arc::clone(&snapshot));
        timer.lap("snapshot");
        Ok((snapshot, warnings, job))
    }
}

/// Starts the server and blocks, rebuilding on every change, until the process is
/// stopped. `ready` is called once with the address being served.
pub fn serve(options: &ServeOptions, ready: impl FnOnce(&str)) -> Result<(), Diagnostic> {
    let (listener, addr) = bind(options)?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", addr.port());

    // Watching starts before the first build, so no edit made during it is missed.
    let watcher = watch::Watcher::new(&options.root)?;
    let started = Instant::now();
    let state = Arc::new(State {
        site: RwLock::new(Arc::new(Snapshot::default())),
        error: RwLock::new(None),
        hub: reload::Hub::default(),
    });
    let mut builder = Builder::new(&options.root, options.drafts, &base_url);
    match builder.build() {
        Ok((snapshot, warnings, links)) => {
            report(&warnings);
            eprintln!(
                "Built {} files in {} ms",
                snapshot.len(),
                started.elapsed().as_millis()
            );
            *state.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&snapshot);
            links.spawn(snapshot);
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("The site has errors; serving them until they are fixed.");
            *state.error.write().unwrap_or_else(|e| e.into_inner()) = Some(diagnostics.to_string());
        }
    }

    let handler: Arc<conn::Handler> = {
        let state = Arc::clone(&state);
        Arc::new(move |request: &conn::Request| http::handle(request, &state))
    };
    let limits = options.limits;
    std::thread::spawn(move || conn::run(listener, limits, handler));
    ready(&base_url);

    watcher.run(|changes| rebuild(&mut builder, &options.root, &state, &changes));
    Ok(())
}

fn bind(options: &ServeOptions) -> Result<(TcpListener, SocketAddr), Diagnostic> {
    let mut last_error = String::new();
    for offset in 0..=options.port_attempts {
        let Some(port) = options.port.checked_add(offset) else {
            break;
        };
        let addr = SocketAddr::new(options.interface, port);
        match TcpListener::bind(addr) {
            Ok(listener) => {
                if offset > 0 {
                    eprintln!("Port {} is taken; using {port} instead.", options.port);
                }
                let bound = listener.local_addr().unwrap_or(addr);
                return Ok((listener, bound));
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(Diagnostic::error(format!(
        "could not listen on {}:{} or the {} ports after it: {last_error}",
        options.interface, options.port, options.port_attempts
    ))
    .hint("pick another port with `--port`"))
}

fn rebuild(builder: &mut Builder, root: &std::path::Path, state: &State, changes: &[PathBuf]) {
    let started = Instant::now();
    let what = describe(root, changes);
    builder.only_changed(changes);
    match builder.build() {
        Ok((snapshot, warnings, links)) => {
            // Served first; what the browsers are told and the terminal
            // shows comes after.
            let old = std::mem::replace(
                &mut *state.site.write().unwrap_or_else(|e| e.into_inner()),
                Arc::clone(&snapshot),
            );
            let was_broken = state
                .error
                .write()
                .map(|mut e| e.take().is_some())
                .unwrap_or(false);
            match (snapshot.change_from(&old, changes), was_broken) {
                (_, true) | (Some(Event::Reload), _) => state.hub.send(&Event::Reload),
                (Some(event), false) => state.hub.send(&event),
                (None, false) => {}
            }
            links.spawn(snapshot);
            report(&warnings);
            eprintln!("Rebuilt in {} ms ({what})", started.elapsed().as_millis());
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("Rebuild failed ({what}); still serving the last good build.");
            let text = diagnostics.to_string();
            *state.error.write().unwrap_or_else(|e| e.into_inner()) = Some(text.clone());
            state.hub.send(&Event::Failed(text));
        }
    }
}

/// `content/skills/omelette/index.md changed`, or a count for larger bursts.
fn describe(root: &std::path::Path, changes: &[PathBuf]) -> String {
    let shown: Vec<String> = changes
        .iter()
        .take(3)
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    match changes.len() {
        0 => "no files changed".to_string(),
        n if n <= 3 => format!("{} changed", shown.join(", ")),
        n => format!("{} and {} more changed", shown.join(", "), n - 3),
    }
}

fn report(warnings: &[Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str, key: Option<Key>) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.as_bytes().into()),
            key,
        }
    }

    fn snapshot(entry: &str) -> Snapshot {
        Snapshot::new(
            vec![
                file("skills/omelette/fold/index.html", entry, Some(1)),
                file("index.html", "home", None),
            ],
            Vec::new(),
        )
    }

    #[test]
    fn a_page_is_kept_only_for_the_key_it_was_made_from() {
        let last = snapshot("fold");
        let reusing = Reusing {
            last: Some(&last),
            kept: Kept::new(),
        };
        let page = "skills/omelette/fold/index.html";
        assert!(!reusing.keep(page, 2), "made from something else");
        assert!(!reusing.keep("index.html", 1), "made afresh every time");
        assert!(!reusing.keep("skills/omelette/other/index.html", 1));
        assert!(reusing.keep(page, 1));
        let next = Snapshot::new(Vec::new(), reusing.kept.into_inner());
        assert_eq!(next.bytes(page).unwrap(), b"fold");
        assert_eq!(next.paths(), [page]);
    }

    #[test]
    fn a_changed_page_reloads_and_an_equal_one_does_not() {
        let old = snapshot("fold");
        assert!(snapshot("fold").change_from(&old, &[]).is_none());
        assert!(matches!(
            snapshot("the fold, rewritten").change_from(&old, &[]),
            Some(Event::Reload)
        ));
    }
}
