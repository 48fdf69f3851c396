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
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::Caches;
use crate::LoadOptions;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::Contents;
use crate::render::{PageGroup, RenderedSite, Renderer};

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

/// One successful build, as served: output path -> contents.
#[derive(Default)]
pub struct Snapshot {
    files: HashMap<String, Contents>,
    /// Each skill's entry pages, by the skill's folder: shared with the
    /// previous snapshot for every skill that did not change.
    entry_pages: HashMap<String, Arc<PageGroup>>,
}

impl Snapshot {
    fn new(rendered: RenderedSite) -> Snapshot {
        let mut snapshot = Snapshot {
            files: (rendered.files.into_iter())
                .map(|f| (f.path, f.contents))
                .collect(),
            entry_pages: (rendered.entry_pages.into_iter())
                .map(|g| (g.dir.clone(), g))
                .collect(),
        };
        // A static file named like an entry page is replaced by the page, as in
        // a build.
        let hidden: Vec<String> = (snapshot.files.keys())
            .filter(|path| {
                let group = snapshot.group(path);
                group.is_some_and(|g| g.pages.contains_key(path.as_str()))
            })
            .cloned()
            .collect();
        for path in hidden {
            snapshot.files.remove(&path);
        }
        snapshot
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.files.len()
            + self
                .entry_pages
                .values()
                .map(|g| g.pages.len())
                .sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every file's path, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = (self.files.keys())
            .chain(self.entry_pages.values().flat_map(|g| g.pages.keys()))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The entry pages of the skill `path` is in, if it is in one.
    fn group(&self, path: &str) -> Option<&PageGroup> {
        let rest = path.strip_prefix("skills/")?;
        let dir = &path[..path.len() - rest.len() + rest.find('/')? + 1];
        self.entry_pages.get(dir).map(|g| g.as_ref())
    }

    pub fn get(&self, path: &str) -> Option<&Contents> {
        // A generated page wins over a file of the same name.
        match self.group(path).and_then(|g| g.pages.get(path)) {
            Some(page) => Some(page),
            None => self.files.get(path),
        }
    }

    /// Every link of the served pages that leads nowhere, as `build` reports them.
    pub fn broken_links(&self, job: &LinkJob) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let mut links = crate::links::LinkCheck::new(&job.base_url, &job.base_path);
        if let Some((url, path)) = &job.published {
            links = links.published_at(url, path);
        }
        let files: Vec<(&String, &Contents)> = (self.files.iter())
            .chain(self.entry_pages.values().flat_map(|g| g.pages.iter()))
            .collect();
        files
            .par_iter()
            .for_each(|(path, contents)| match contents {
                Contents::Bytes(bytes) => links.add(path, Some(bytes)),
                _ => links.add(path, None),
            });
        links.finish(&job.theme, &job.root)
    }

    /// Reads a file's bytes, from memory or from the source it is copied from.
    pub fn bytes(&self, path: &str) -> Option<Vec<u8>> {
        match self.get(path)? {
            Contents::Bytes(b) => Some(b.to_vec()),
            Contents::Embedded(b) => Some(b.to_vec()),
            Contents::Copy(source) => std::fs::read(source).ok(),
            Contents::Kept => None,
        }
    }

    /// Opens a file for reading, from memory or from the source it is copied from.
    pub fn open(&self, path: &str) -> Option<Body> {
        use std::io::Cursor;
        let (reader, len): (Box<dyn ReadSeek>, u64) = match self.get(path)? {
            Contents::Bytes(b) => (Box::new(Cursor::new(Arc::clone(b))), b.len() as u64),
            Contents::Embedded(b) => (Box::new(Cursor::new(*b)), b.len() as u64),
            Contents::Copy(source) => {
                let file = std::fs::File::open(source).ok()?;
                let len = file.metadata().ok()?.len();
                (Box::new(file), len)
            }
            Contents::Kept => return None,
        };
        Some(Body { reader, len })
    }

    /// Which kind of reload a change from `old` to `self` needs: none, stylesheets
    /// only, or the whole page. Copied files count as changed when their source
    /// is among `changed`.
    fn change_from(&self, old: &Snapshot, changed: &[PathBuf]) -> Option<Event> {
        // Entry pages are HTML: any change to them reloads the page.
        let group_differs =
            |dir: &String| match (self.entry_pages.get(dir), old.entry_pages.get(dir)) {
                (Some(a), Some(b)) => {
                    !Arc::ptr_eq(a, b)
                        && (a.pages.len() != b.pages.len()
                            || (a.pages.iter()).any(|(path, page)| {
                                differs(Some(page), b.pages.get(path), changed)
                            }))
                }
                _ => true,
            };
        if (self.entry_pages.keys().chain(old.entry_pages.keys())).any(group_differs) {
            return Some(Event::Reload);
        }
        let mut paths = self
            .files
            .keys()
            .chain(old.files.keys())
            .filter(|p| differs(self.files.get(*p), old.files.get(*p), changed));
        let first = paths.next()?;
        let all_css = std::iter::once(first)
            .chain(paths)
            .all(|p| p.ends_with(".css"));
        Some(if all_css { Event::Css } else { Event::Reload })
    }
}

/// Whether a file's contents in two snapshots differ. A copied file whose source
/// is among the `changed` paths differs even under the same name.
fn differs(new: Option<&Contents>, old: Option<&Contents>, changed: &[PathBuf]) -> bool {
    match (new, old) {
        (Some(Contents::Bytes(a)), Some(Contents::Bytes(b))) => !Arc::ptr_eq(a, b) && a != b,
        (Some(Contents::Embedded(a)), Some(Contents::Embedded(b))) => a != b,
        (Some(Contents::Copy(a)), Some(Contents::Copy(b))) => a != b || changed.contains(a),
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
}

impl LinkJob {
    /// Checks `snapshot`'s links on a thread of its own and prints what it finds.
    fn spawn(self, snapshot: Arc<Snapshot>) {
        std::thread::spawn(move || report(&snapshot.broken_links(&self)));
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
        }
    }

    /// Tells the next build that only `paths` changed since the last one.
    pub fn only_changed(&self, paths: &[PathBuf]) {
        self.caches.content.only_changed(paths);
    }

    pub fn build(&mut self) -> Result<(Snapshot, Vec<Diagnostic>, LinkJob), Diagnostics> {
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
        let files = renderer.render(&loaded.site, &loaded.theme)?;
        timer.lap("render");
        let job = LinkJob {
            base_url: loaded.site.config.base_url.clone(),
            base_path: loaded.site.config.base_path.clone(),
            theme: loaded.theme.clone(),
            root: self.options.root.clone(),
            published: crate::config::Config::load(&self.options.root)
                .ok()
                .map(|c| (c.base_url, c.base_path)),
        };
        let warnings = loaded.warnings;
        crate::drop_in_background(loaded.site);
        let snapshot = Snapshot::new(files);
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
            let snapshot = Arc::new(snapshot);
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
            report(&warnings);
            let old = state.snapshot();
            let event = snapshot.change_from(&old, changes);
            let snapshot = Arc::new(snapshot);
            *state.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&snapshot);
            links.spawn(snapshot);
            let was_broken = state
                .error
                .write()
                .map(|mut e| e.take().is_some())
                .unwrap_or(false);
            eprintln!("Rebuilt in {} ms ({what})", started.elapsed().as_millis());
            match (event, was_broken) {
                (_, true) | (Some(Event::Reload), _) => state.hub.send(&Event::Reload),
                (Some(event), false) => state.hub.send(&event),
                (None, false) => {}
            }
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
    use crate::output::OutputFile;

    fn bytes(text: &str) -> Contents {
        Contents::Bytes(text.as_bytes().into())
    }

    fn snapshot(entry: &str) -> Snapshot {
        let group = PageGroup {
            dir: "skills/omelette/".into(),
            pages: HashMap::from([("skills/omelette/fold/index.html".into(), bytes(entry))]),
        };
        let file = |path: &str, text: &str| OutputFile {
            path: path.into(),
            contents: bytes(text),
        };
        Snapshot::new(RenderedSite {
            files: vec![
                file("skills/omelette/fold/index.html", "a static file"),
                file("skills/omelette/atom.xml", "feed"),
                file("index.html", "home"),
            ],
            entry_pages: vec![Arc::new(group)],
        })
    }

    #[test]
    fn entry_pages_are_found_in_their_skill_and_win_over_files() {
        let site = snapshot("fold");
        assert_eq!(
            site.bytes("skills/omelette/fold/index.html").unwrap(),
            b"fold"
        );
        assert_eq!(site.bytes("skills/omelette/atom.xml").unwrap(), b"feed");
        assert_eq!(site.bytes("index.html").unwrap(), b"home");
        assert!(site.get("skills/omelette/other/index.html").is_none());
        assert!(site.get("skills/omelette").is_none());
        assert_eq!(site.len(), 3, "the static file is replaced by the page");
    }

    #[test]
    fn a_changed_entry_page_reloads_and_an_equal_one_does_not() {
        let old = snapshot("fold");
        assert!(snapshot("fold").change_from(&old, &[]).is_none());
        assert!(matches!(
            snapshot("the fold, rewritten").change_from(&old, &[]),
            Some(Event::Reload)
        ));
    }
}
