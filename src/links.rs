//! The link check over what a build writes. Markdown checks the links it rewrites
//! as it renders them, but only the rendered pages show every `href` and `src` a
//! visitor can follow: root-relative paths, absolute URLs under `base_url`, and
//! whatever the templates emit. Each page is read once as it is made; once every
//! file is known, each link is looked up among them, and a broken one is traced
//! back to the content file or template that wrote it, so the message points at
//! a line a person can fix.

use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use memchr::memmem;

use crate::diagnostic::Diagnostic;
use crate::output::{Contents, OutputFile};
use crate::theme::Theme;
use crate::urls::{has_scheme, percent_decode};

/// What the pages of one build link to and which files and ids they have.
pub struct LinkCheck {
    base_url: String,
    base_path: String,
    /// The address in `site.toml` when the pages were made for another (`serve`):
    /// links written with it are the site's too.
    published: Option<(String, String)>,
    /// The content files each page is made from, searched first for a broken
    /// link found on it.
    sources: PageSources,
    found: Mutex<Found>,
}

/// The content files (relative to the site's root) each page is made from, by
/// its output path, the page's own file first.
#[derive(Debug, Default)]
pub struct PageSources {
    files: Vec<PathBuf>,
    /// Each page's files, as a range of `order`: a large site has tens of
    /// thousands of pages, and this is held while they are made.
    pages: HashMap<String, (u32, u32)>,
    order: Vec<u32>,
}

impl PageSources {
    /// Counts a content file, for the pages made from it.
    pub fn file(&mut self, path: &Path) -> u32 {
        self.files.push(path.to_path_buf());
        (self.files.len() - 1) as u32
    }

    /// Notes the page at the output path `page` as made from `files`, its own first.
    pub fn page(&mut self, page: String, files: impl IntoIterator<Item = u32>) {
        let start = self.order.len() as u32;
        self.order.extend(files);
        self.pages
            .insert(page, (start, self.order.len() as u32 - start));
    }

    fn of(&self, page: &str) -> Option<&[u32]> {
        let &(start, len) = self.pages.get(page)?;
        self.order.get(start as usize..(start + len) as usize)
    }
}

/// The link check's maps: every link and id of every page is hashed into one,
/// and std's default hasher, made to resist chosen keys, was about 8% of the
/// check. A build hashes its own content.
type Fast = foldhash::fast::FixedState;

#[derive(Default)]
struct Found {
    files: HashSet<String, Fast>,
    /// The ids of each HTML page, by its output path.
    ids: HashMap<String, HashSet<String, Fast>, Fast>,
    /// Each distinct link target, with its place in `uses`.
    places: HashMap<Target, usize, Fast>,
    /// The first page and the text that named each target.
    uses: Vec<Use>,
    /// The place of every link whose target is the same from any page
    /// (root-relative or with a scheme), by its text; `None` for a link that
    /// leaves the site. Most links of a site are on many pages, and resolving
    /// each again would be most of a large site's link check.
    by_text: HashMap<String, Option<usize>, Fast>,
}

impl Found {
    /// Counts a link to the target at `place`, written as `raw` on `page`.
    /// Pages are made in parallel: the first page by path names a link, so
    /// the message is the same from one run to the next.
    fn used(&mut self, place: usize, page: OnPage, raw: &str) {
        let used = &mut self.uses[place];
        let first = *used.page > *page.path;
        let traced_first = page.traceable
            && match &used.traced {
                Traced::Unknown => true,
                Traced::First => first,
                Traced::Other(traced, _) => **traced > *page.path,
            };
        if first {
            let page = page.path.to_string();
            let raw = raw.to_string();
            if matches!(used.traced, Traced::First) && !traced_first {
                let (page, raw) = (
                    std::mem::replace(&mut used.page, page),
                    std::mem::replace(&mut used.raw, raw),
                );
                used.traced = Traced::Other(page, raw);
            } else {
                (used.page, used.raw) = (page, raw);
            }
        }
        if traced_first {
            used.traced = match first {
                true => Traced::First,
                false => Traced::Other(page.path.to_string(), raw.to_string()),
            };
        }
    }

    /// The place of `target`, first named on `page` as `raw`.
    fn place(&mut self, target: Target, page: OnPage, raw: &str) -> usize {
        match self.places.entry(target) {
            Entry::Occupied(o) => {
                let place = *o.get();
                self.used(place, page, raw);
                place
            }
            Entry::Vacant(v) => {
                let place = self.uses.len();
                self.uses.push(Use::new(page, raw));
                v.insert(place);
                place
            }
        }
    }
}

/// The page a link is on, and whether the files it is made from are known.
#[derive(Clone, Copy)]
struct OnPage<'a> {
    path: &'a str,
    traceable: bool,
}

/// A link's output path (before `index.html` is added) and its fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Target {
    path: String,
    /// Another reading of a root-relative path, under the published path when
    /// the pages were made for another (`serve`): the link works if either does.
    alternative: Option<String>,
    fragment: String,
    /// A root-relative link outside the site's path: broken wherever it leads.
    outside: bool,
}

#[derive(Debug, Clone)]
struct Use {
    page: String,
    raw: String,
    /// The first page by path whose files are known: where the link is
    /// looked for first when it is broken. A link first seen on a list of
    /// entries is also on its entry's page.
    traced: Traced,
}

#[derive(Debug, Clone)]
enum Traced {
    /// No page whose files are known has the link.
    Unknown,
    /// The first page is that page.
    First,
    /// That page, and the link's text there.
    Other(String, String),
}

impl Use {
    fn new(page: OnPage, raw: &str) -> Use {
        Use {
            page: page.path.to_string(),
            raw: raw.to_string(),
            traced: match page.traceable {
                true => Traced::First,
                false => Traced::Unknown,
            },
        }
    }

    /// The page the link is looked for on, and its text there.
    fn traced(&self) -> Option<(&str, &str)> {
        match &self.traced {
            Traced::Unknown => None,
            Traced::First => Some((&self.page, &self.raw)),
            Traced::Other(page, raw) => Some((page, raw)),
        }
    }
}

impl LinkCheck {
    pub fn new(base_url: &str, base_path: &str) -> LinkCheck {
        LinkCheck {
            base_url: base_url.to_string(),
            base_path: base_path.to_string(),
            published: None,
            sources: PageSources::default(),
            found: Mutex::new(Found::default()),
        }
    }

    /// Counts links to `base_url` (with its path `base_path`) as the site's own.
    pub fn published_at(mut self, base_url: &str, base_path: &str) -> LinkCheck {
        if base_url != self.base_url {
            self.published = Some((base_url.to_string(), base_path.to_string()));
        }
        self
    }

    /// Looks for a broken link first in the files its page is made from: on a
    /// large site, that spares reading every content file to trace it.
    pub fn written_by(mut self, sources: PageSources) -> LinkCheck {
        self.sources = sources;
        self
    }

    /// Notes a file the build writes; `html` is its text when it is a page.
    pub fn add(&self, path: &str, html: Option<&[u8]>) {
        match html.filter(|_| is_page(path)) {
            Some(html) => {
                let page = scan(html);
                self.add_page(path, &page.links, page.ids);
            }
            None => {
                self.lock().files.insert(path.to_string());
            }
        }
    }

    /// Notes a page whose `links` and `ids` are known: read by [`scan`] now,
    /// or kept from the build that made the same page.
    pub fn add_page<S: AsRef<str>>(
        &self,
        path: &str,
        links: &[S],
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) {
        // Links relative to the page are resolved before the lock is taken;
        // the others, once for the whole site, under it.
        let relative: Vec<Option<Target>> = (links.iter())
            .map(|raw| {
                let raw = raw.as_ref();
                (!same_everywhere(raw))
                    .then(|| self.target(path, raw))
                    .flatten()
            })
            .collect();
        let ids = ids.into_iter().map(Into::into).collect();
        let page = OnPage {
            path,
            traceable: self.sources.pages.contains_key(path),
        };
        let mut found = self.lock();
        found.files.insert(path.to_string());
        found.ids.insert(path.to_string(), ids);
        for (raw, target) in links.iter().zip(relative) {
            let raw = raw.as_ref();
            if let Some(target) = target {
                found.place(target, page, raw);
                continue;
            }
            if !same_everywhere(raw) {
                continue;
            }
            match found.by_text.get(raw).copied() {
                Some(Some(place)) => found.used(place, page, raw),
                Some(None) => {}
                None => {
                    let place = self
                        .target(path, raw)
                        .map(|target| found.place(target, page, raw));
                    found.by_text.insert(raw.to_string(), place);
                }
            }
        }
    }

    /// Notes a file as the build hands it over.
    pub fn add_file(&self, file: &OutputFile) {
        match &file.contents {
            Contents::Bytes(bytes) => self.add(&file.path, Some(bytes)),
            _ => self.add(&file.path, None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Found> {
        self.found.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The site's address and path, then those it is published at.
    fn bases(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.base_url.as_str(), self.base_path.as_str()))
            .chain((self.published.iter()).map(|(url, path)| (url.as_str(), path.as_str())))
    }

    /// Where `raw`, written on the page at `page`, leads inside the site; `None`
    /// for links elsewhere (other hosts, `mailto:`, `data:`).
    fn target(&self, page: &str, raw: &str) -> Option<Target> {
        let raw = raw.trim();
        let (rest, fragment) = match raw.split_once('#') {
            Some((rest, fragment)) => (rest, fragment),
            None => (raw, ""),
        };
        let rest = rest.split('?').next().unwrap_or(rest);
        let mut outside = false;
        let mut alternative = None;
        let path = if rest.is_empty() {
            page.to_string()
        } else if let Some(under) = self.bases().find_map(|(url, _)| rest.strip_prefix(url)) {
            under.to_string()
        } else if rest.starts_with("//") || has_scheme(rest) {
            return None;
        } else if let Some(absolute) = rest.strip_prefix('/') {
            let mut readings = self.bases().filter_map(|(_, path)| rest.strip_prefix(path));
            let first = readings.next();
            alternative = readings.next().map(percent_decode);
            match first {
                Some(under) => under.to_string(),
                None => {
                    outside = true;
                    absolute.to_string()
                }
            }
        } else {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            join(dir, rest)?
        };
        Some(Target {
            path: percent_decode(&path),
            alternative,
            fragment: percent_decode(fragment),
            outside,
        })
    }

    /// Every broken link, located where it was written when that can be found:
    /// links that markdown already checked (relative ones in content) are left to
    /// it. `theme` gives the templates; content files are read from `root` only
    /// when some link needs tracing.
    pub fn finish(self, theme: &Theme, root: &Path) -> Vec<Diagnostic> {
        let LinkCheck {
            base_url,
            base_path,
            sources,
            found,
            ..
        } = self;
        let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
        let out = found.report(theme, root, &base_url, &base_path, &sources);
        // A large site's links and ids take tens of milliseconds to free.
        crate::drop_in_background(found);
        out
    }
}

impl Found {
    /// [`LinkCheck::finish`] for what was found.
    fn report(
        &self,
        theme: &Theme,
        root: &Path,
        base_url: &str,
        base_path: &str,
        sources: &PageSources,
    ) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let found = self;
        let mut broken: Vec<(&Target, &Use, Problem)> = found
            .places
            .par_iter()
            .filter_map(|(target, &place)| {
                Some((target, &found.uses[place], found.problem(target)?))
            })
            .collect();
        if broken.is_empty() {
            return Vec::new();
        }
        broken.sort_by(|a, b| (&a.1.page, &a.1.raw).cmp(&(&b.1.page, &b.1.raw)));
        // A relative link written otherwise on the traced page may be another
        // link to the same target, from a template: it is looked for as the
        // first page has it.
        let wanted: Vec<(&str, Option<(&str, &str)>)> = (broken.iter())
            .map(|(_, used, _)| {
                let relative = !same_everywhere(&used.raw);
                let traced = (used.traced()).filter(|(_, raw)| !relative || *raw == used.raw);
                (used.raw.as_str(), traced)
            })
            .collect();
        let (content, written_at) = located(root, &wanted, sources);
        let mut templates: Vec<(PathBuf, &str)> = (theme.templates.iter())
            .map(|t| (t.path.clone(), t.text.as_str()))
            .collect();
        // Menu entries and the footer line are links every page has, written
        // in site.toml.
        let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
        templates.push((PathBuf::from("site.toml"), &config));
        let folders = Folders {
            files: &found.files,
            pages: OnceCell::new(),
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for ((target, used, problem), at) in broken.into_iter().zip(written_at) {
            let relative = !same_everywhere(&used.raw);
            let in_content =
                at.map(|(file, at, len)| (&content[file].0, content[file].1.as_str(), at, len));
            let written = if relative {
                // Markdown reported relative links of content files as it rendered them.
                if in_content.is_some() {
                    continue;
                }
                None
            } else {
                in_content.map(|(p, t, at, len)| (p.clone(), t, at, len))
            };
            let written = written.or_else(|| {
                in_templates(&templates, &used.raw, base_url, base_path)
                    .map(|(p, t, at, len)| (p.clone(), t, at, len))
            });
            if written.is_none() && matches!(problem, Problem::NoId(_)) {
                // A rewritten `.md` link: its fragment was checked with the markdown.
                continue;
            }
            let message = problem.message(&used.raw, &used.page, base_path);
            let mut d = Diagnostic::broken_link(message);
            if let Some((path, text, at, len)) = &written {
                if !seen.insert((path.clone(), *at)) {
                    continue;
                }
                d = d.at(path, text, *at, *len);
            }
            out.push(d.hint(problem.hint(found, &folders, target, base_path)));
        }
        out
    }
}

/// Where a template writes `raw`: the text itself, or the part after the
/// site's address, which a template writes after `{{ base_url }}`.
fn in_templates<'t>(
    templates: &'t [(PathBuf, &'t str)],
    raw: &str,
    base_url: &str,
    base_path: &str,
) -> Option<(&'t PathBuf, &'t str, usize, usize)> {
    let tail = raw
        .strip_prefix(base_url)
        .or_else(|| raw.strip_prefix(base_path))
        .filter(|t| t.len() > 1);
    let wanted: Vec<&str> = std::iter::once(raw).chain(tail).collect();
    // A site's own templates and site.toml come first: they are the likelier
    // to be new.
    let mut order: Vec<&(PathBuf, &str)> = templates.iter().collect();
    order.sort_by_key(|(path, _)| {
        !(path.starts_with("templates") || path == Path::new("site.toml"))
    });
    for text in wanted {
        for (path, source) in &order {
            if let Some(at) = memmem::find(source.as_bytes(), text.as_bytes()) {
                return Some((path, source, at, text.len()));
            }
        }
    }
    None
}

enum Problem {
    Outside,
    NoPage,
    NoId(String),
}

impl Problem {
    fn message(&self, raw: &str, page: &str, base_path: &str) -> String {
        let shown = format!("{base_path}{}", page.trim_end_matches("index.html"));
        match self {
            Problem::Outside => {
                format!("link to `{raw}` leads outside the site (on the page {shown})")
            }
            Problem::NoPage => {
                format!(
                    "link to `{raw}` leads nowhere: the site has no such page or file (on the page {shown})"
                )
            }
            Problem::NoId(page) => format!(
                "link to `{raw}` leads to a part of {base_path}{} that does not exist (on the page {shown})",
                page.trim_end_matches("index.html")
            ),
        }
    }

    fn hint(&self, found: &Found, folders: &Folders, target: &Target, base_path: &str) -> String {
        match self {
            Problem::Outside => format!(
                "the site is published under `{base_path}`: write `{base_path}{}`, or link to the page's `.md` file",
                target.path
            ),
            Problem::NoPage => {
                // Pages in the same folder as the link's target: a slip in the
                // last name is the likely one, and a large site has thousands of
                // pages to compare with otherwise.
                let pages = folders.pages_in(folder_of(&target.path));
                match crate::diagnostic::did_you_mean(&target.path, pages.iter().copied()) {
                    Some(page) => format!("did you mean `{base_path}{page}`?"),
                    None if target.path.ends_with('/') => format!(
                        "no page is published at `{base_path}{}`: add one (content/{}.md), or link to a page by its `.md` file, relative to the file the link is in",
                        target.path,
                        target.path.trim_end_matches('/')
                    ),
                    None => "link to a page by its `.md` file, relative to the file the link is in; the build writes the URL".to_string(),
                }
            }
            Problem::NoId(page) => {
                let ids = found.ids.get(page.as_str()).into_iter().flatten();
                match crate::diagnostic::did_you_mean(&target.fragment, ids.map(String::as_str)) {
                    Some(id) => format!("did you mean `#{id}`?"),
                    None => "heading ids are the heading's text in lowercase with hyphens, e.g. `## Entry trick` is `#entry-trick`".to_string(),
                }
            }
        }
    }
}

/// The site's pages by folder, gathered once for the hints of all links to
/// missing pages: a large site with many such links would otherwise compare
/// every link with every file.
struct Folders<'f> {
    files: &'f HashSet<String, Fast>,
    pages: OnceCell<HashMap<&'f str, Vec<&'f str>>>,
}

impl<'f> Folders<'f> {
    /// The pages (paths ending in `/`) whose folder is `folder`.
    fn pages_in(&self, folder: &str) -> &[&'f str] {
        let by_folder = self.pages.get_or_init(|| {
            let mut by_folder: HashMap<&str, Vec<&str>> = HashMap::new();
            for page in self
                .files
                .iter()
                .filter_map(|f| f.strip_suffix("index.html"))
            {
                by_folder.entry(folder_of(page)).or_default().push(page);
            }
            by_folder
                .values_mut()
                .for_each(|pages| pages.sort_unstable());
            by_folder
        });
        by_folder.get(folder).map_or(&[], Vec::as_slice)
    }
}

/// The folder a page or file is in, ending in `/`: `a/b/` for `a/b/c/`.
fn folder_of(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rfind('/').map_or("", |i| &path[..=i])
}

impl Found {
    fn problem(&self, target: &Target) -> Option<Problem> {
        if target.outside {
            return Some(Problem::Outside);
        }
        let page = match (self.page(&target.path)?, &target.alternative) {
            (None, Some(other)) => self.page(other)?,
            (page, _) => page,
        };
        let Some(page) = page else {
            return Some(Problem::NoPage);
        };
        let fragment = target.fragment.as_str();
        if fragment.is_empty() || fragment == "top" || !page.ends_with(".html") {
            return None;
        }
        let ids = self.ids.get(page.as_str())?;
        (!ids.contains(fragment)).then_some(Problem::NoId(page))
    }

    /// The file a path is served from: `Some(None)` when there is none.
    fn page(&self, path: &str) -> Option<Option<String>> {
        let folder = path.is_empty() || path.ends_with('/');
        if !folder && self.files.contains(path) {
            return Some(Some(path.to_string()));
        }
        let index = if folder {
            format!("{path}index.html")
        } else {
            format!("{path}/index.html")
        };
        Some(self.files.contains(&index).then_some(index))
    }
}

/// Whether the output file at `path` is a page, whose links are checked.
pub fn is_page(path: &str) -> bool {
    path.ends_with(".html")
}

/// Whether `raw` leads to the same place from every page: a root-relative
/// link or one with a scheme (a page's own address included).
fn same_everywhere(raw: &str) -> bool {
    let raw = raw.trim();
    raw.starts_with('/') || has_scheme(raw)
}

/// The links and ids of one page, in the order they are written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scanned {
    pub links: Vec<String>,
    pub ids: Vec<String>,
}

/// Reads the `href`, `src` and `id` attributes of a page. Text and code are
/// escaped by then, so an attribute is only ever markup.
pub fn scan(html: &[u8]) -> Scanned {
    let mut scanned = Scanned::default();
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'=', &html[at..]) {
        let eq = at + i;
        at = eq + 1;
        let name_start = html[..eq]
            .iter()
            .rposition(|b| !b.is_ascii_alphanumeric() && *b != b'-')
            .map_or(0, |p| p + 1);
        let name = &html[name_start..eq];
        let is_link = name.eq_ignore_ascii_case(b"href") || name.eq_ignore_ascii_case(b"src");
        let is_id = name.eq_ignore_ascii_case(b"id");
        if !(is_link || is_id) || name_start == 0 || !html[name_start - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(&quote) = html.get(eq + 1).filter(|q| **q == b'"' || **q == b'\'') else {
            continue;
        };
        let Some(len) = memchr::memchr(quote, &html[eq + 2..]) else {
            break;
        };
        let value = crate::html::unescape(&String::from_utf8_lossy(&html[eq + 2..eq + 2 + len]));
        at = eq + 2 + len;
        if is_id {
            scanned.ids.push(value);
        } else {
            scanned.links.push(value);
        }
    }
    scanned
}

/// Where each of the `wanted` links is written, as (file, offset, length) into
/// the files returned beside. A link is given by its text on the first page it
/// is on and, when known, the first page whose own files are known with its
/// text there: it is looked for in that page's files, in order, and otherwise
/// in the first content file by path that holds it. Only links in none of
/// their page's files cost a search of every content file.
#[allow(clippy::type_complexity)]
fn located(
    root: &Path,
    wanted: &[(&str, Option<(&str, &str)>)],
    sources: &PageSources,
) -> (Vec<(PathBuf, String)>, Vec<Option<(usize, usize, usize)>>) {
    use rayon::prelude::*;
    let mut own: Vec<u32> = (wanted.iter())
        .filter_map(|(_, traced)| sources.of(traced.as_ref()?.0))
        .flatten()
        .copied()
        .collect();
    own.sort_unstable();
    own.dedup();
    let path = |file: u32| &sources.files[file as usize];
    let mut texts: Vec<String> = own
        .par_iter()
        .map(|&file| std::fs::read_to_string(root.join(path(file))).unwrap_or_default())
        .collect();
    let in_own = |(page, raw): (&str, &str)| {
        sources.of(page)?.iter().find_map(|file| {
            let file = own.binary_search(file).ok()?;
            let (_, at) = destinations(&texts[file]).find(|(dest, _)| *dest == raw)?;
            Some((file, at, raw.len()))
        })
    };
    let mut at: Vec<Option<(usize, usize, usize)>> = (wanted.iter())
        .map(|(_, traced)| traced.and_then(in_own))
        .collect();
    // Only the texts of the files that hold a link are kept for its message.
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut kept: HashMap<usize, usize> = HashMap::new();
    for (file, _, _) in at.iter_mut().flatten() {
        *file = *kept.entry(*file).or_insert_with(|| {
            files.push((path(own[*file]).clone(), std::mem::take(&mut texts[*file])));
            files.len() - 1
        });
    }
    let rest: Vec<&str> = (wanted.iter().zip(&at))
        .filter(|(_, at)| at.is_none())
        .map(|((raw, _), _)| *raw)
        .collect();
    if rest.is_empty() {
        return (files, at);
    }
    let (others, first) = written_in(root, &rest);
    let offset = files.len();
    files.extend(others);
    for ((raw, _), at) in wanted.iter().zip(at.iter_mut()) {
        if at.is_none() {
            *at = (first.get(*raw)).map(|&(file, here)| (offset + file, here, raw.len()));
        }
    }
    (files, at)
}

/// For each link, the file (an index) and offset where it is first written.
type WrittenAt = HashMap<String, (usize, usize)>;

/// Where each of the `wanted` links is first written in the content files,
/// as (file, offset) into the files returned beside. Files are read in
/// parallel and only the text of the files named is kept: on a large site
/// whose broken links are written in thousands of files, holding every file
/// that mentions one took tens of megabytes at the build's peak.
fn written_in(root: &Path, wanted: &[&str]) -> (Vec<(PathBuf, String)>, WrittenAt) {
    use rayon::prelude::*;
    // An automaton too large to build only means every file is searched.
    let holds = aho_corasick::AhoCorasick::new(wanted).ok();
    let wanted: HashSet<&str> = wanted.iter().copied().collect();
    let mut paths: Vec<(PathBuf, PathBuf)> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| {
            let shown = e.path().strip_prefix(root).ok()?.to_path_buf();
            Some((shown, e.into_path()))
        })
        .collect();
    paths.sort();
    let found: Vec<(usize, Vec<(String, usize)>)> = paths
        .par_iter()
        .enumerate()
        .filter_map(|(n, (_, path))| {
            let text = std::fs::read_to_string(path).ok()?;
            if holds.as_ref().is_some_and(|h| !h.is_match(&text)) {
                return None;
            }
            let here: Vec<(String, usize)> = destinations(&text)
                .filter(|(dest, _)| wanted.contains(dest))
                .map(|(dest, at)| (dest.to_string(), at))
                .collect();
            (!here.is_empty()).then_some((n, here))
        })
        .collect();
    let mut first = WrittenAt::new();
    for (n, here) in found {
        for (dest, at) in here {
            first.entry(dest).or_insert((n, at));
        }
    }
    let mut named: Vec<usize> = first.values().map(|&(n, _)| n).collect();
    named.sort_unstable();
    named.dedup();
    let files: Vec<(PathBuf, String)> = (named.iter())
        .map(|&n| {
            let (shown, path) = &paths[n];
            (
                shown.clone(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect();
    for (file, _) in first.values_mut() {
        *file = named.binary_search(file).unwrap_or_default();
    }
    // A file saved again since it was searched may no longer hold the link
    // where it was.
    first.retain(|dest, &mut (file, at)| {
        files[file].1.get(at..at + dest.len()) == Some(dest.as_str())
    });
    (files, first)
}

/// Each link destination written in `text` with its offset: after `](`,
/// inside `<...>`, or after a reference definition's `]: `.
fn destinations(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'(', b'<', b':', bytes).filter_map(move |at| {
        let start = match bytes[at] {
            b'(' if at > 0 && bytes[at - 1] == b']' => at + 1,
            b'<' => at + 1,
            b':' if at > 0 && bytes[at - 1] == b']' && bytes.get(at + 1) == Some(&b' ') => at + 2,
            _ => return None,
        };
        let start = start + (text[start..].len() - text[start..].trim_start_matches(' ').len());
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
            .map_or(text.len(), |i| start + i);
        let dest = text[start..end].trim_start_matches('<');
        (!dest.is_empty()).then_some((dest, end - dest.len()))
    })
}

/// `dir` (ending in `/`) and a relative path, `.` and `..` resolved; `None` above
/// the root. A trailing slash is kept: it decides between a file and a folder.
fn join(dir: &str, rel: &str) -> Option<String> {
    let joined = crate::content::join_normalized(Path::new(dir), rel)?;
    let mut joined = joined.to_string_lossy().replace('\\', "/");
    let folder = rel.ends_with('/')
        || rel.ends_with("/.")
        || rel.ends_with("/..")
        || rel == "."
        || rel == "..";
    if folder && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::TemplateSource;

    /// The findings for `pages` (output path, HTML) and other `files`, with one
    /// site template whose text is `template`.
    fn check(pages: &[(&str, &str)], files: &[&str], template: &str) -> Vec<String> {
        let links = LinkCheck::new("https://example.org/folio/", "/folio/");
        for (path, html) in pages {
            links.add(path, Some(html.as_bytes()));
        }
        for f in files {
            links.add(f, None);
        }
        let theme = Theme {
            templates: vec![TemplateSource {
                name: "base.html".into(),
                path: "templates/base.html".into(),
                text: template.into(),
            }],
            ..Theme::default()
        };
        let mut out: Vec<String> = links
            .finish(&theme, Path::new("/nonexistent"))
            .iter()
            .map(|d| {
                let at = d.location.as_ref().map_or(String::new(), |l| {
                    format!("{}:{}:{} ", l.file.display(), l.line, l.column)
                });
                format!("{at}{} | {}", d.message, d.hint.clone().unwrap_or_default())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn links_of_every_kind_are_looked_up_among_the_written_files() {
        let home = r##"<a href="/folio/about/">a</a> <a href="https://example.org/folio/skills/#list">s</a>
            <img src="photo.jpg"> <a href="skills/">s</a> <a href="#top">t</a> <h2 id="intro">i</h2>
            <a href="#intro">i</a> <a href="https://elsewhere.example/x">e</a> <a href="mailto:a@b">m</a>
            <a href="skills/x%20y.txt">encoded</a> <a href="?page=2">query</a>"##;
        let skills = r#"<main id="list"></main><a href="../about">about, no slash</a>"#;
        let pages = [
            ("index.html", home),
            ("skills/index.html", skills),
            ("about/index.html", "<p>about</p>"),
        ];
        let files = ["photo.jpg", "skills/x y.txt"];
        assert_eq!(check(&pages, &files, ""), Vec::<String>::new());
    }

    #[test]
    fn a_broken_path_an_unknown_id_and_a_link_outside_the_base_path_are_reported() {
        let home = r##"<a href="/folio/abuot/">a</a> <a href="/folio/skills/#lsit">s</a>
            <a href="/about/">outside</a> <a href="#nowhere">n</a>"##;
        let template = "<nav>\n  <a href=\"{{ site.base_path }}skills/#lsit\">s</a> <a href=\"#nowhere\">n</a>\n</nav>";
        let pages = [
            ("index.html", home),
            ("skills/index.html", r#"<main id="list"></main>"#),
            ("about/index.html", "<p>about</p>"),
        ];
        assert_eq!(
            check(&pages, &[], template),
            [
                "link to `/about/` leads outside the site (on the page /folio/) | the site is published under `/folio/`: write `/folio/about/`, or link to the page's `.md` file",
                "link to `/folio/abuot/` leads nowhere: the site has no such page or file (on the page /folio/) | did you mean `/folio/about/`?",
                "templates/base.html:2:32 link to `/folio/skills/#lsit` leads to a part of /folio/skills/ that does not exist (on the page /folio/) | did you mean `#list`?",
                "templates/base.html:2:61 link to `#nowhere` leads to a part of /folio/ that does not exist (on the page /folio/) | heading ids are the heading's text in lowercase with hyphens, e.g. `## Entry trick` is `#entry-trick`",
            ]
        );
    }

    #[test]
    fn a_link_on_many_pages_is_named_by_the_first_page_whatever_the_order() {
        let page = r#"<a href="/folio/gone/">g</a> <a href="gone/">relative</a>"#;
        let expected = [
            "link to `/folio/gone/` leads nowhere: the site has no such page or file (on the page /folio/a/) | no page is published at `/folio/gone/`: add one (content/gone.md), or link to a page by its `.md` file, relative to the file the link is in",
            "link to `gone/` leads nowhere: the site has no such page or file (on the page /folio/a/) | no page is published at `/folio/a/gone/`: add one (content/a/gone.md), or link to a page by its `.md` file, relative to the file the link is in",
            "link to `gone/` leads nowhere: the site has no such page or file (on the page /folio/b/) | no page is published at `/folio/b/gone/`: add one (content/b/gone.md), or link to a page by its `.md` file, relative to the file the link is in",
        ];
        let forward = [("a/index.html", page), ("b/index.html", page)];
        let backward = [("b/index.html", page), ("a/index.html", page)];
        assert_eq!(check(&forward, &[], ""), expected);
        assert_eq!(check(&backward, &[], ""), expected);
    }

    /// A broken link first seen on a list of entries is traced to the file of
    /// the first entry page that shows it, not to whichever content file
    /// holding the same text comes first, and not by reading every file: a
    /// file that holds the link but no page is made from is not searched.
    #[test]
    fn a_broken_link_is_traced_to_the_files_of_its_first_page_that_has_any() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let gone = "https://example.org/folio/gone/";
        write(
            "content/a-first/index.md",
            &format!("Also [here]({gone}).\n"),
        );
        write("content/skills/x/index.md", "# X\n");
        write(
            "content/skills/x/log/2024-01-01-day.md",
            &format!("Line one.\n\nSee [it]({gone}) now.\n"),
        );
        let page = format!(r#"<a href="{gone}">it</a>"#);
        let check = |order: &[&str]| {
            let mut sources = PageSources::default();
            let skill = sources.file(Path::new("content/skills/x/index.md"));
            let entry = sources.file(Path::new("content/skills/x/log/2024-01-01-day.md"));
            sources.page("skills/x/day/index.html".into(), [entry, skill]);
            sources.page("skills/x/index.html".into(), [skill, entry]);
            let links = LinkCheck::new("https://example.org/folio/", "/folio/").written_by(sources);
            for path in order {
                links.add(path, Some(page.as_bytes()));
            }
            let found = links.finish(&Theme::default(), dir.path());
            (found.iter())
                .map(|d| {
                    let l = d.location.as_ref().unwrap();
                    format!("{}:{}:{} {}", l.file.display(), l.line, l.column, d.message)
                })
                .collect::<Vec<_>>()
        };
        let expected = [format!(
            "content/skills/x/log/2024-01-01-day.md:3:10 link to `{gone}` leads nowhere: the site has no such page or file (on the page /folio/)"
        )];
        assert_eq!(check(&["index.html", "skills/x/day/index.html"]), expected);
        assert_eq!(check(&["skills/x/day/index.html", "index.html"]), expected);
        // With no page whose files are known, every content file is searched.
        assert_eq!(
            check(&["index.html"]),
            [format!(
                "content/a-first/index.md:1:13 link to `{gone}` leads nowhere: the site has no such page or file (on the page /folio/)"
            )]
        );
    }

    /// A template's relative link and an entry's, to the same missing page:
    /// the entry's was reported as its markdown rendered, so the template's
    /// is reported where the template writes it, not taken for the entry's.
    #[test]
    fn a_templates_relative_link_is_not_traced_to_an_entrys_other_link() {
        let dir = tempfile::tempdir().unwrap();
        let entry = "content/skills/x/log/2024-01-01-day.md";
        std::fs::create_dir_all(dir.path().join("content/skills/x/log")).unwrap();
        std::fs::write(dir.path().join(entry), "See [it](../gone/).\n").unwrap();
        let mut sources = PageSources::default();
        let file = sources.file(Path::new(entry));
        sources.page("skills/x/day/index.html".into(), [file]);
        let links = LinkCheck::new("https://example.org/folio/", "/folio/").written_by(sources);
        links.add("index.html", Some(br#"<a href="skills/x/gone/">g</a>"#));
        links.add(
            "skills/x/day/index.html",
            Some(br#"<a href="../gone/">it</a>"#),
        );
        let theme = Theme {
            templates: vec![TemplateSource {
                name: "index.html".into(),
                path: "templates/index.html".into(),
                text: "<nav>\n<a href=\"skills/x/gone/\">g</a>\n</nav>".into(),
            }],
            ..Theme::default()
        };
        let found: Vec<String> = (links.finish(&theme, dir.path()).iter())
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                format!("{}:{}:{} {}", l.file.display(), l.line, l.column, d.message)
            })
            .collect();
        assert_eq!(
            found,
            [
                "templates/index.html:2:10 link to `skills/x/gone/` leads nowhere: the site has no such page or file (on the page /folio/)"
            ]
        );
    }

    #[test]
    fn attributes_are_read_only_from_markup() {
        let page =
            scan(br#"<p>href="x" id=&quot;y&quot;</p><a class="c" href='a&amp;b' data-id="z">"#);
        assert_eq!(page.links, ["a&b"]);
        assert!(page.ids.is_empty());
        let page = scan(
            br#"<A HREF="/x/" Id='top'><img
src="a.png" alt="b=c"><i class=x src=bare>x = y; id= "1"</i><p id="last">"#,
        );
        assert_eq!(page.links, ["/x/", "a.png"]);
        assert_eq!(page.ids, ["top", "last"]);
    }
}
