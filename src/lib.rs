//! skillfolio turns a folder of skill write-ups and practice logs into a static
//! portfolio site. The library is the whole pipeline, run in one direction:
//! files are loaded ([`content`]), turned into an immutable model ([`site`]),
//! rendered to pages ([`render`]) and written out ([`output`]). The binary only
//! parses arguments and prints what comes back.

pub mod binary;
pub mod cards;
pub mod charts;
pub mod check;
pub mod colour;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod feed;
pub mod highlight;
pub mod highlight_cache;
pub mod highlight_lines;
pub mod html;
pub mod i18n;
pub mod images;
pub mod import;
pub mod keyed_file;
pub mod keys;
pub mod link_lookups;
pub mod links;
pub mod markdown;
pub mod markdown_store;
pub mod media;
pub mod output;
pub mod page_record;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod structured;
pub mod theme;
pub mod timings;
pub mod urls;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::highlight_cache::HighlightCache;
use crate::output::{Contents, OutputFile};
use crate::site::{ModelOptions, Site};
use crate::theme::Theme;

/// What a run reads and how: shared by `build`, `serve` and `check`.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from `site.toml`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Where highlighted code is cached between runs; `None` highlights everything.
    pub cache_dir: Option<PathBuf>,
    /// Leave images unprocessed (no widths, no sizes), for `check`, which writes
    /// nothing and should not spend seconds on photos.
    pub skip_images: bool,
}

/// A loaded site and the warnings found on the way (errors stop the load).
pub struct Loaded {
    pub site: Site,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
    /// The code cache being written while the site renders.
    _saving: Saving,
}

/// Work on a thread of its own that must end before the process does: dropping
/// this waits for it.
struct Saving(Option<std::thread::JoinHandle<()>>);

impl Drop for Saving {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}

/// Reads the site folder into the model. Every problem found is reported, not just
/// the first: configuration, every content file, and what only the whole site shows.
pub fn load(options: &LoadOptions) -> Result<Loaded, Diagnostics> {
    load_cached(options, None)
}

/// What `serve` keeps from one load to the next: the highlighter (with its cache)
/// and the rendered markdown of files that did not change; the markdown store
/// of the last build, for renderings it has not made yet.
pub struct Caches {
    pub highlighter: Highlighter,
    pub store: Option<markdown_store::Store>,
    pub model: site::kept::Cache,
    pub content: content::Cache,
    pub images: images::Processor,
}

impl Caches {
    pub fn new(cache_dir: Option<&Path>) -> Caches {
        let (highlighter, store) = code_caches(cache_dir, true);
        Caches {
            highlighter,
            store,
            model: site::kept::Cache::default(),
            content: content::Cache::default(),
            images: images::Processor::new(cache_dir),
        }
    }
}

/// The highlighter and the markdown store of the cache folder `cache_dir`
/// (`read_only` for `serve`, whose renderings and blocks stay in memory). Both
/// are read entry by entry as they are asked for: only their indexes are read
/// here.
fn code_caches(
    cache_dir: Option<&Path>,
    read_only: bool,
) -> (Highlighter, Option<markdown_store::Store>) {
    let Some(dir) = cache_dir else {
        return (Highlighter::default(), None);
    };
    let path = dir.join("markdown.bin");
    let store = match read_only {
        true => markdown_store::Store::open_read_only(&path),
        false => markdown_store::Store::open(&path),
    };
    let path = dir.join("highlight.bin");
    let code = match read_only {
        true => HighlightCache::open_read_only(&path),
        false => HighlightCache::open(&path),
    };
    (Highlighter::with_cache(code), Some(store))
}

/// [`load`], reusing what an earlier load with the same `caches` made from files
/// that did not change.
pub fn load_cached(options: &LoadOptions, caches: Option<&Caches>) -> Result<Loaded, Diagnostics> {
    let root = &options.root;
    let mut config = Config::load(root).map_err(collect)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(Diagnostics::from)?;
    }
    let theme = Theme::load(root, &config.theme).map_err(collect)?;
    let (language, language_warnings) = i18n::Language::load(root, &config).map_err(collect)?;
    let (accent, accent_warnings) = theme.accent(&config);
    let timer = timings::Timer::start();
    // Opening the code caches needs no content, so it happens while the
    // content is read. `serve` keeps its renderings in memory instead of in
    // the store.
    let ((content, mut diagnostics), (own, store)) = rayon::join(
        || content::load_cached(root, caches.map(|c| &c.content)),
        || {
            caches
                .is_none()
                .then(|| code_caches(options.cache_dir.as_deref(), false))
                .map_or((None, None), |(h, store)| (Some(h), store))
        },
    );
    timer.lap("read content and code cache");
    let load_failed = diagnostics.iter().any(Diagnostic::is_error);
    let today = config_today(&config);
    let model_options = ModelOptions {
        drafts: options.drafts,
        today,
        timezone: config.time_zone(),
        language: std::sync::Arc::new(language),
    };
    let highlighter = match (caches, &own) {
        (Some(c), _) => &c.highlighter,
        (None, Some(h)) => h,
        (None, None) => unreachable!("a load without caches makes its own highlighter"),
    };
    let own_processor;
    let processor = match caches {
        Some(c) => &c.images,
        None => {
            own_processor = images::Processor::new(options.cache_dir.as_deref());
            &own_processor
        }
    };
    let (images, image_warnings) = if options.skip_images {
        (images::Images::default(), Vec::new())
    } else {
        processor.process(
            &site::published_assets(&content, options.drafts),
            &config.images,
            root,
        )
    };
    if caches.is_none() && !options.skip_images {
        processor.prune();
    }
    diagnostics.extend(image_warnings);
    diagnostics.extend(accent_warnings);
    diagnostics.extend(language_warnings);
    timer.lap("images");
    let avatar = site::profile::avatar(&config, &content, &images).unwrap_or_else(|d| {
        diagnostics.push(d);
        None
    });
    let profile = site::profile::Profile {
        accent,
        avatar,
        language: std::sync::Arc::clone(&model_options.language),
    };
    let model = caches.map(|c| &c.model);
    let tools = markdown::Tools {
        highlighter,
        store: store.as_ref().or(caches.and_then(|c| c.store.as_ref())),
    };
    let (site, model_diagnostics) = Site::new(
        config,
        content,
        model_options,
        tools,
        model,
        images,
        profile,
    );
    timer.lap("model and markdown");
    // `serve` renders only changed files and so uses only some blocks: its cache
    // stays in memory, and only a whole build writes (and prunes) the file, while
    // the pages render. Files whose rendering came from the store used no block,
    // so then no block is pruned. A failed build keeps no renderings: it writes
    // nothing beside the site.
    let failed = load_failed
        || diagnostics.iter().any(Diagnostic::is_error)
        || model_diagnostics.iter().any(Diagnostic::is_error);
    let keep_store = site.is_some() && !failed;
    let from_store = store.as_ref().is_some_and(|s| s.hits() > 0);
    let saving = Saving(own.map(|h| {
        std::thread::spawn(move || {
            h.save_cache(from_store);
            // The grammars are freed before the store is copied.
            drop(h);
            if let Some(store) = store.filter(|_| keep_store) {
                store.save();
            }
        })
    }));
    // Once a file failed to load, links to it look broken too; only the model's
    // errors are worth adding then.
    diagnostics.extend(
        model_diagnostics
            .into_iter()
            .filter(|d| !load_failed || d.is_error()),
    );
    let mut all = collect(diagnostics);
    all.sort();
    match site {
        Some(site) if !all.has_errors() => Ok(Loaded {
            site,
            theme,
            warnings: all.into_iter().collect(),
            _saving: saving,
        }),
        _ => Err(all),
    }
}

/// Renders every page of a loaded site, in memory.
pub fn render(loaded: &Loaded) -> Result<Vec<OutputFile>, Diagnostics> {
    render::render_site(&loaded.site, &loaded.theme)
}

/// Every link of a loaded site that leads nowhere: the pages are rendered in
/// memory (preview cards named, not drawn) and each link looked up among the
/// files a build would write.
pub fn check_links(loaded: &Loaded, root: &Path) -> Result<Vec<Diagnostic>, Diagnostics> {
    let config = &loaded.site.config;
    let links = links::LinkCheck::new(&config.base_url, &config.base_path)
        .written_by(loaded.site.page_sources());
    render::Renderer::new(&loaded.theme)?
        .without_card_pixels()
        .render(&loaded.site, &loaded.theme, &render::Fresh, &|file| {
            links.add_file(&file);
            Ok(())
        })?;
    Ok(links.finish(&loaded.theme, root))
}

/// What `build` was asked to do beyond loading.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    /// Where to write, relative to the current folder; `output_dir` of `site.toml`
    /// (relative to the site root) when not given.
    pub output: Option<PathBuf>,
    pub force: bool,
    /// Highlight every code block afresh instead of using the cache beside the output.
    pub no_cache: bool,
}

/// What a successful build reports.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub images: images::Stats,
    pub warnings: Vec<Diagnostic>,
}

/// Loads, renders and writes the site. Nothing is written unless every step
/// succeeded, and then the new output replaces the old in one swap.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let config = Config::load(&options.load.root).map_err(collect)?;
    let output = match &options.output {
        Some(dir) => dir.clone(),
        None => options.load.root.join(&config.output_dir),
    };
    output::recover(&output);
    // Checked before loading, which writes caches beside the output: a refused
    // build writes nothing anywhere.
    output::check_target(&output, &options.load.root, options.force).map_err(Diagnostics::from)?;
    let mut load_options = options.load.clone();
    if !options.no_cache {
        load_options.cache_dir = Some(cache_dir(&output));
    }
    // The templates need only the theme: they are parsed while the content
    // loads rather than after it, while both cores would wait.
    let (loaded, renderer) = rayon::join(
        || load(&load_options),
        || {
            let theme = Theme::load(&load_options.root, &config.theme).ok()?;
            Some(render::Renderer::new(&theme))
        },
    );
    let loaded = loaded?;
    let timer = timings::Timer::start();
    // Pages are written as they are rendered, into a staging folder that only
    // replaces the output once everything succeeded.
    let mut renderer = match renderer {
        Some(renderer) => renderer?,
        None => render::Renderer::new(&loaded.theme)?,
    };
    if let Some(dir) = &load_options.cache_dir {
        renderer = renderer.cache_cards_in(dir).keep_parts_in(dir);
    }
    let staging = output::Staging::begin(&output, options.force).map_err(Diagnostics::from)?;
    // Taken after the lock: no other build can change the output it describes.
    let record = load_options
        .cache_dir
        .as_deref()
        .map(|dir| page_record::PageRecord::open(&record_path(dir, &output), &output));
    let staging = staging.previous_files(record.as_ref().and_then(|r| r.previous_files()));
    let config = &loaded.site.config;
    let writer = Writer {
        record: record.as_ref(),
        staging: &staging,
        links: links::LinkCheck::new(&config.base_url, &config.base_path)
            .written_by(loaded.site.page_sources()),
        pages: AtomicUsize::new(0),
        files: AtomicUsize::new(0),
    };
    let result = renderer.render(&loaded.site, &loaded.theme, &writer, &|file| {
        writer.put(file)
    });
    timer.lap("render and write");
    if let Err(errors) = result {
        staging.abort();
        renderer.take_back_cards();
        return Err(errors);
    }
    let Writer {
        links,
        pages,
        files,
        ..
    } = writer;
    let Loaded {
        site,
        theme,
        mut warnings,
        ..
    } = loaded;
    let images = site.images.stats;
    // Freed while the links are checked, which needs none of it.
    drop_in_background(site);
    warnings.extend(links.finish(&theme, &options.load.root));
    timer.lap("link check");
    let id = staging.commit().map_err(Diagnostics::from)?;
    if let Some(record) = record {
        // The marker file is in the output too.
        record.save(id, files.load(Ordering::Relaxed) + 1);
    }
    renderer.save_caches();
    // It holds the skills and their template values, which are freed like the
    // model's rest.
    drop_in_background(renderer);
    Ok(BuildReport {
        output,
        pages: pages.into_inner(),
        // The marker file is written too.
        files: files.into_inner() + 1,
        images,
        warnings,
    })
}

/// Where a build's files go: into the staging folder, through the link check,
/// and into the record of what each was made from. It keeps the previous
/// output's files that its record shows were made from the same key.
struct Writer<'a> {
    record: Option<&'a page_record::PageRecord>,
    staging: &'a output::Staging,
    links: links::LinkCheck,
    pages: AtomicUsize,
    files: AtomicUsize,
}

impl Writer<'_> {
    fn count(&self, path: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if links::is_page(path) {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.count(&file.path);
        let page = match &file.contents {
            Contents::Bytes(bytes) if links::is_page(&file.path) => Some(links::scan(bytes)),
            _ => None,
        };
        let written = self.staging.put(&file)?;
        if let (Some(record), Some(key)) = (self.record, file.key) {
            record.note(&file.path, key, written, page.as_ref());
        }
        match page {
            Some(page) => self.links.add_page(&file.path, &page.links, page.ids),
            None => self.links.add(&file.path, None),
        }
        Ok(())
    }
}

impl render::Reuse for Writer<'_> {
    fn keep(&self, path: &str, key: keys::Key) -> bool {
        let Some(kept) = self.record.and_then(|r| r.keep(path, key)) else {
            return false;
        };
        if self.staging.keep(path, kept.digest).is_err() {
            return false;
        }
        self.count(path);
        if links::is_page(path) {
            self.links.add_page(path, &kept.links, kept.ids);
        } else {
            self.links.add(path, None);
        }
        true
    }
}

/// Where the record of the pages built into `output` is kept: one per output
/// folder, since several can share a cache folder.
fn record_path(cache_dir: &Path, output: &Path) -> PathBuf {
    cache_dir.join(format!("pages-{}.bin", output::folder_name(output)))
}

/// The cache folder beside an output folder: `public` -> `.skillfolio-cache`.
pub fn cache_dir(output: &Path) -> PathBuf {
    let parent = std::path::absolute(output)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    parent.join(".skillfolio-cache")
}

/// The date new content is dated with: `today` from site.toml when it is set
/// (and readable), else the date where the command runs.
pub fn today(root: &Path) -> Date {
    match Config::load(root) {
        Ok(config) => config_today(&config),
        Err(_) => jiff::Zoned::now().date(),
    }
}

/// The language of the site at `root`, with its own words: English when its
/// configuration or strings cannot be read (a build says why).
pub fn language(root: &Path) -> i18n::Language {
    Config::load(root)
        .ok()
        .and_then(|config| i18n::Language::load(root, &config).ok())
        .map_or_else(i18n::Language::english, |(language, _)| language)
}

/// `today` from site.toml when set, else today's date in the site's
/// `timezone`, else where the build runs.
fn config_today(config: &Config) -> Date {
    config.today.unwrap_or_else(|| match config.time_zone() {
        Some(tz) => jiff::Timestamp::now().to_zoned(tz).date(),
        None => jiff::Zoned::now().date(),
    })
}

/// Frees `value` on a thread of its own. Freeing a large site's model and page
/// values takes tens of milliseconds that nothing needs to wait for; when the
/// process exits first, the system reclaims the memory at once.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// `mutex`'s guard, poisoned or not: for data that nothing leaves changed
/// half-way under the lock, so a thread that panicked holding it left it
/// sound.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn collect(diagnostics: Vec<Diagnostic>) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.extend(diagnostics);
    all
}
