//! Rendering the model into files: tera templates from the theme (with the site's
//! overrides), one context per page, pages rendered in parallel, plus the files
//! that are not templates (sitemap, robots.txt, the code stylesheet, assets).
//! Rendering never reads content files; it only reads the `Site`.

mod pages;
mod skills;
mod tags;
mod templates;
pub(crate) mod views;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::feed;
use crate::highlight;
use crate::keys::hash;
use crate::output::{Contents, OutputFile};
use crate::page_record::PageRecord;
use crate::site::{EntryRef, Site};
use crate::sitemap;
use crate::structured;
use crate::theme::{Theme, ThemeFile};

use pages::{PageBase, entry_context, entry_print, jobs, site_value, skill_context};
use skills::{CachedSkill, SkillCache, SkillFeed, skill_parts};
pub use templates::Templates;
use views::Urls;
pub use views::kind_label;

/// Where the code-highlighting stylesheet is written.
pub const SYNTAX_CSS: &str = "syntax.css";

/// One page to render: where it goes, with which template and context.
struct Job<'a> {
    /// The page's folder relative to the output root (`skills/omelette/`), or a
    /// file name for pages that are not folders (`404.html`). Borrowed from the
    /// model where it can be: a large site has tens of thousands of pages.
    path: Cow<'a, str>,
    template: &'static str,
    /// Built up front, except a skill's or an entry's page's, which is made when
    /// it is rendered (and not at all when `serve` can reuse the page).
    context: JobContext,
    lastmod: Option<jiff::civil::Date>,
    in_sitemap: bool,
    /// For pages that show one skill and its entries: a hash of everything their
    /// context is made from besides the shared `site` value, so a later render can
    /// tell the page is unchanged without comparing whole contexts.
    fingerprint: Option<u64>,
    /// For lists of entries: a hash of the fingerprints of the skills they show.
    /// A build's page record knows such a page by it (and other pages by their
    /// fingerprint); `serve` compares these lists' contexts instead, which also
    /// spots an edit that leaves the list as it was.
    list_key: Option<u64>,
}

/// Every file of the built site, sorted by path.
pub fn render_site(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostics> {
    let files = std::sync::Mutex::new(Vec::new());
    Renderer::new(theme)?.render_into(site, theme, false, None, &|file| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The compiled templates, and what they last rendered: `serve` keeps one across
/// rebuilds and re-renders only the pages whose template inputs changed. Equal
/// inputs give equal output, so the result is the same as a full render.
pub struct Renderer {
    templates: Templates,
    sources: Vec<(String, String)>,
    previous: Option<Previous>,
    /// Template values and feeds of each skill, by slug, kept with `keep`.
    skills: SkillCache,
    cards: crate::cards::CardMaker,
}

struct Previous {
    site: Value,
    links: u64,
    config: String,
    /// In the order of the jobs that made them, which the next render's jobs
    /// mostly share: a page is found by its position, by path only when that fails.
    pages: Vec<(String, Inputs, Arc<[u8]>)>,
    /// Each skill's entry pages, by skill slug, with the fingerprint they were
    /// made for (every entry page of a skill has the same).
    entry_pages: HashMap<String, (u64, Arc<PageGroup>)>,
}

/// The entry pages of one skill, by output path. `serve` keeps a skill's group
/// whole while the skill is unchanged, instead of handling thousands of pages
/// one by one on every rebuild.
#[derive(Default)]
pub struct PageGroup {
    /// The skill's folder in the output (`skills/omelette/`): every page of the
    /// group is below it.
    pub dir: String,
    pub pages: HashMap<String, Contents>,
}

/// What [`Renderer::render`] makes: the site's files, less the entry pages,
/// which come in a group per skill.
pub struct RenderedSite {
    pub files: Vec<OutputFile>,
    pub entry_pages: Vec<Arc<PageGroup>>,
}

enum JobContext {
    Built(Context),
    Skill(usize),
    Entry(EntryRef),
}

/// A rendered page: its output path and HTML.
type Page = (String, Arc<[u8]>);

/// What a page was rendered from, as far as reuse needs to know.
enum Inputs {
    Fingerprint(u64),
    Context(Context),
}

impl Inputs {
    fn of(job: &Job) -> Inputs {
        match job.fingerprint {
            Some(f) => Inputs::Fingerprint(f),
            None => Inputs::Context(job.built().cloned().unwrap_or_default()),
        }
    }

    fn matches(&self, job: &Job) -> bool {
        match (self, job.fingerprint) {
            (Inputs::Fingerprint(a), Some(b)) => *a == b,
            (Inputs::Context(c), None) => job.built() == Some(c),
            _ => false,
        }
    }
}

/// Compiles the theme's templates without rendering anything, for `check`: a
/// template that does not parse is found without building the site.
pub fn check_templates(theme: &Theme) -> Result<(), Diagnostics> {
    Templates::new(theme).map(drop).map_err(collect)
}

impl Renderer {
    pub fn new(theme: &Theme) -> Result<Renderer, Diagnostics> {
        Ok(Renderer {
            templates: Templates::new(theme).map_err(collect)?,
            sources: template_sources(theme),
            previous: None,
            skills: HashMap::new(),
            cards: crate::cards::CardMaker::new(None),
        })
    }

    /// Keeps drawn preview cards in the cache folder `dir` between runs.
    pub fn cache_cards_in(mut self, dir: &std::path::Path) -> Renderer {
        self.cards = crate::cards::CardMaker::new(Some(dir));
        self
    }

    /// Names the preview cards without drawing them: for `check`, which only
    /// needs to know what a build would write.
    pub fn without_card_pixels(mut self) -> Renderer {
        self.cards = crate::cards::CardMaker::paths_only();
        self
    }

    /// Drops cached cards this renderer's last render did not use.
    pub fn prune_cards(&self) {
        self.cards.prune();
    }

    /// Whether this renderer's templates are still those of `theme`.
    pub fn fits(&self, theme: &Theme) -> bool {
        self.sources == template_sources(theme)
    }

    /// The whole site in memory: the entry pages in a group per skill, every
    /// other file in no particular order. The pages are kept for reuse by the
    /// next call.
    pub fn render(&mut self, site: &Site, theme: &Theme) -> Result<RenderedSite, Diagnostics> {
        let files = std::sync::Mutex::new(Vec::new());
        self.render_into(site, theme, true, None, &|file| {
            files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
            Ok(())
        })?;
        let entry_pages = self.previous.as_ref().map_or_else(Vec::new, |p| {
            site.skills
                .iter()
                .filter_map(|s| p.entry_pages.get(&s.slug))
                .map(|(_, group)| Arc::clone(group))
                .collect()
        });
        Ok(RenderedSite {
            files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
            entry_pages,
        })
    }

    /// Renders every file of the site and hands each to `emit` as soon as it is
    /// ready, from several threads, so a build can write pages while others render
    /// and never holds the whole site in memory. With `keep`, the rendered pages
    /// are remembered so the next call can reuse those whose inputs did not change.
    pub fn render_into(
        &mut self,
        site: &Site,
        theme: &Theme,
        keep: bool,
        record: Option<&PageRecord>,
        emit: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
    ) -> Result<(), Diagnostics> {
        let timer = crate::timings::Timer::start();
        let config = format!("{:?}", site.config);
        let cached = std::mem::take(&mut self.skills);
        let skills = skill_parts(
            site,
            &cached,
            (!keep).then_some(emit),
            // A feed without entries is dated by the earliest skill's start.
            hash(&(
                &config,
                site.today,
                site.links_fingerprint,
                site.skills.iter().map(|s| s.started).min(),
            )),
            record,
        )
        .map_err(Diagnostics::from)?;
        let base = PageBase::new(site);
        let site_value = site_value(site);
        let previous = self.previous.take().filter(|p| {
            p.site == site_value && p.links == site.links_fingerprint && p.config == config
        });
        // A skill whose entry pages are all as last rendered keeps its group,
        // and its entries get no jobs.
        let kept_groups: Vec<Option<Arc<PageGroup>>> = site
            .skills
            .iter()
            .map(|skill| {
                let previous = previous.as_ref().filter(|_| keep)?;
                let (print, group) = previous.entry_pages.get(&skill.slug)?;
                (*print == entry_print(skill)).then(|| Arc::clone(group))
            })
            .collect();
        let jobs = jobs(site, &skills, &base, &|s| kept_groups[s].is_some());
        // What every page with a fingerprint depends on besides it, for pages
        // recorded by an earlier build: the templates, the shared `site` value and
        // all the fingerprint of a serving session leaves to its other checks.
        let shared = record.map(|r| {
            hash(&(
                r.version(),
                format!("{site_value:?}"),
                &config,
                site.today,
                site.links_fingerprint,
                &self.sources,
            ))
        });
        timer.lap("contexts, skill feeds");
        let reusable = previous.map(|p| p.pages).unwrap_or_default();
        self.templates.set_global("site", site_value.clone());
        let templates = &self.templates;
        let by_path = std::sync::OnceLock::new();
        let previous = |i: usize, path: &str| match reusable.get(i) {
            Some(p) if p.0 == path => Some(p),
            _ => by_path
                .get_or_init(|| {
                    (reusable.iter().enumerate())
                        .map(|(i, p)| (p.0.as_str(), i))
                        .collect::<HashMap<&str, usize>>()
                })
                .get(path)
                .map(|&i| &reusable[i]),
        };
        let rendered: Vec<Result<Option<Page>, Diagnostic>> = jobs
            .par_iter()
            .enumerate()
            .map(|(i, job)| {
                let path = job.output_path();
                let recorded = record.zip(shared).zip(job.fingerprint.or(job.list_key));
                let inputs = recorded.map(|((r, shared), f)| (r, hash(&(shared, f))));
                if let Some((r, inputs)) = inputs
                    && r.reuse(&path, inputs)
                {
                    emit(OutputFile {
                        path,
                        contents: Contents::Kept,
                    })?;
                    return Ok(None);
                }
                let html = match previous(i, &path) {
                    Some((_, inputs, html)) if inputs.matches(job) => Arc::clone(html),
                    _ => {
                        let made;
                        let context = match &job.context {
                            JobContext::Built(c) => c,
                            JobContext::Skill(s) => {
                                made = skill_context(site, &skills, &base, *s);
                                &made
                            }
                            JobContext::Entry(r) => {
                                made = entry_context(site, &skills, &base, *r);
                                &made
                            }
                        };
                        templates.render_page(job.template, context)?.into()
                    }
                };
                if let Some((r, inputs)) = inputs {
                    r.note(&path, inputs, &html);
                }
                // What is kept goes into groups or the next render's pages, and
                // is handed on by `render`.
                if keep {
                    return Ok(Some((path, html)));
                }
                emit(OutputFile {
                    path,
                    contents: Contents::Bytes(html),
                })?;
                Ok(None)
            })
            .collect();
        timer.lap("pages");
        crate::drop_in_background(reusable);
        let mut pages = Vec::new();
        // Pages come back only to be kept, so only then are there groups to fill.
        let mut groups: Vec<PageGroup> = Vec::new();
        if keep {
            groups.resize_with(site.skills.len(), PageGroup::default);
        }
        let mut errors = Diagnostics::default();
        for (job, r) in jobs.iter().zip(rendered) {
            match (r, &job.context) {
                (Ok(Some((path, html))), JobContext::Entry((s, _))) => {
                    groups[*s].pages.insert(path, Contents::Bytes(html));
                }
                (Ok(Some((path, html))), _) => {
                    emit(OutputFile {
                        path: path.clone(),
                        contents: Contents::Bytes(Arc::clone(&html)),
                    })?;
                    pages.push((path, Inputs::of(job), html));
                }
                (Ok(None), _) => {}
                (Err(d), _) => errors.push(d),
            }
        }
        if errors.has_errors() {
            errors.sort();
            return Err(errors);
        }
        if keep {
            let entry_pages = site
                .skills
                .iter()
                .zip(kept_groups)
                .zip(groups)
                .map(|((skill, kept), mut made)| {
                    let group = kept.unwrap_or_else(|| {
                        made.dir = skill.path.clone();
                        Arc::new(made)
                    });
                    (skill.slug.clone(), (entry_print(skill), group))
                })
                .collect();
            self.previous = Some(Previous {
                site: site_value,
                links: site.links_fingerprint,
                config,
                pages,
                entry_pages,
            });
        }
        let others = other_files(site, theme, &jobs, &skills);
        if keep {
            self.skills = site
                .skills
                .iter()
                .zip(skills)
                .map(|(s, c)| (s.slug.clone(), c))
                .collect();
        } else {
            crate::drop_in_background(skills);
        }
        // Entry pages' jobs hold little; the contexts of the others go elsewhere.
        crate::drop_in_background(
            jobs.into_iter()
                .filter_map(|j| match j.context {
                    JobContext::Built(c) => Some(c),
                    JobContext::Skill(_) | JobContext::Entry(_) => None,
                })
                .collect::<Vec<_>>(),
        );
        others
            .into_par_iter()
            .try_for_each(emit)
            .map_err(Diagnostics::from)?;
        timer.lap("feeds and sitemap");
        self.cards.render(site, emit).map_err(Diagnostics::from)?;
        timer.lap("preview cards");
        Ok(())
    }
}

impl Job<'_> {
    fn built(&self) -> Option<&Context> {
        match &self.context {
            JobContext::Built(c) => Some(c),
            JobContext::Skill(_) | JobContext::Entry(_) => None,
        }
    }

    fn output_path(&self) -> String {
        if self.path.ends_with(".html") {
            self.path.to_string()
        } else {
            format!("{}index.html", self.path)
        }
    }
}

fn template_sources(theme: &Theme) -> Vec<(String, String)> {
    theme
        .templates
        .iter()
        .map(|t| (t.name.clone(), t.text.clone()))
        .collect()
}

/// Every file of the site that is not a rendered page: theme and site static
/// files, assets, the code stylesheet, feeds, sitemap and robots.txt.
fn other_files(
    site: &Site,
    theme: &Theme,
    jobs: &[Job],
    skills: &[Arc<CachedSkill>],
) -> Vec<OutputFile> {
    let mut files: BTreeMap<String, Contents> = BTreeMap::new();
    // Lowest priority first: a site's own static file replaces the theme's, and
    // generated pages replace anything of the same name.
    for file in &theme.static_files {
        let contents = match file {
            ThemeFile::Disk(asset) => Contents::Copy(asset.source.clone()),
            ThemeFile::Embedded { bytes, .. } => Contents::Embedded(bytes),
        };
        files.insert(file.output().to_string(), contents);
    }
    let syntax = highlight::stylesheet(
        &site.config.highlight_theme,
        &site.config.highlight_theme_dark,
    );
    files.insert(SYNTAX_CSS.to_string(), bytes(syntax));
    for asset in &site.assets {
        files.insert(asset.output.clone(), Contents::Copy(asset.source.clone()));
    }
    // Processed images: stripped originals in place of the copies, and their widths.
    for (path, contents) in &site.images.files {
        files.insert(path.clone(), contents.clone());
    }
    // Only a file named like a page can clash with one, and there are seldom any.
    let clashing = |path: &String| path.ends_with(".html");
    if files.keys().any(clashing) {
        for job in jobs {
            files.remove(&job.output_path());
        }
    }
    let urls = Urls::new(&site.config);
    // Skill and entry pages (the ones with a fingerprint, all in a row) come
    // from each skill's kept part of the sitemap.
    let url = |j: &Job| sitemap::Url {
        loc: urls.permalink(&j.path),
        lastmod: j.lastmod,
    };
    let listed = |j: &&Job| j.in_sitemap && j.fingerprint.is_none();
    let first_skill = jobs
        .iter()
        .position(|j| j.fingerprint.is_some())
        .unwrap_or(jobs.len());
    let before: Vec<sitemap::Url> = jobs[..first_skill].iter().filter(listed).map(url).collect();
    let after: Vec<sitemap::Url> = jobs[first_skill..].iter().filter(listed).map(url).collect();
    let (before, after) = (
        sitemap::url_elements(&before),
        sitemap::url_elements(&after),
    );
    let mut parts = vec![before.as_str()];
    parts.extend(skills.iter().map(|c| c.sitemap.as_str()));
    parts.push(&after);
    files.insert("sitemap.xml".to_string(), bytes(sitemap::sitemap(&parts)));
    for (path, xml) in feeds(site) {
        files.insert(path, bytes(xml));
    }
    for (skill, parts) in site.skills.iter().zip(skills) {
        let path = format!("{}atom.xml", skill.path);
        match &parts.feed {
            SkillFeed::Made(feed) => files.insert(path, Contents::Bytes(Arc::clone(feed))),
            SkillFeed::Kept => files.insert(path, Contents::Kept),
            // Written already; a static file of the same name must not follow it.
            SkillFeed::Written => files.remove(&path),
        };
    }
    let robots = sitemap::robots(&urls.permalink("sitemap.xml"));
    files.insert("robots.txt".to_string(), bytes(robots));
    files
        .into_iter()
        .map(|(path, contents)| OutputFile { path, contents })
        .collect()
}

fn bytes(text: String) -> Contents {
    Contents::Bytes(text.into_bytes().into())
}

/// The site's own feeds and portfolio.json; each skill's feed is made with the
/// skill's other parts.
fn feeds(site: &Site) -> Vec<(String, String)> {
    let site_entries = feed::site_entries(site);
    vec![
        (
            "atom.xml".to_string(),
            feed::atom(
                site,
                &feed::FeedSpec {
                    title: site.config.title.clone(),
                    path: "atom.xml",
                    page: "",
                    entries: site_entries.clone(),
                },
            ),
        ),
        (
            "feed.json".to_string(),
            feed::json_feed(site, &site_entries),
        ),
        (
            "portfolio.json".to_string(),
            structured::portfolio(site, &Urls::new(&site.config)),
        ),
    ]
}

fn collect(list: Vec<Diagnostic>) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.extend(list);
    all
}
