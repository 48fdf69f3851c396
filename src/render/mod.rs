//! Rendering the model into files: tera templates from the theme (with the site's
//! overrides), one context per page, pages rendered in parallel, plus the files
//! that are not templates (sitemap, robots.txt, the code stylesheet, assets).
//! Rendering never reads content files; it only reads the `Site`.
//!
//! Every page and skill feed has a key, a hash of exactly what it is made from
//! ([`inputs`]). Rendering never looks at earlier output: it asks a [`Reuse`],
//! whoever keeps the earlier output (a build's record of its output folder,
//! `serve`'s pages in memory), whether it holds a file made from that key, and
//! makes only the files it does not.

mod inputs;
mod pages;
mod preview;
mod skills;
mod tags;
mod templates;
mod translate;
pub(crate) mod views;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::feed;
use crate::highlight;
use crate::keys::{Key, KeyHasher, hash, hash_value};
use crate::output::{Contents, OutputFile};
use crate::site::{Site, Skill};
use crate::sitemap;
use crate::structured;
use crate::theme::{Theme, ThemeFile};

use inputs::{Common, Keyed};
use pages::{Job, Make, Sources};
use skills::{Parts, PartsMemo, PartsStore};
pub use templates::Templates;
use views::Urls;

/// Where the code-highlighting stylesheet is written.
pub const SYNTAX_CSS: &str = "syntax.css";

/// Where rendered files go: each file is handed over as soon as it is made,
/// from several threads.
pub type Emit<'a> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 'a;

/// Whoever keeps an earlier render's files, asked before each page or feed is
/// made.
pub trait Reuse: Sync {
    /// Whether a file made from `key` is already held at `path`; when it is,
    /// the holder keeps it in the new output and the file is not made again.
    fn keep(&self, path: &str, key: Key) -> bool;
}

/// Keeps nothing: every file is made.
pub struct Fresh;

impl Reuse for Fresh {
    fn keep(&self, _: &str, _: Key) -> bool {
        false
    }
}

/// Every file of the site, sorted by path.
pub fn render_site(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostics> {
    let files = std::sync::Mutex::new(Vec::new());
    Renderer::new(theme)?.render(site, theme, &Fresh, &|file| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The compiled templates, and each skill's parts from the last render: `serve`
/// keeps one across rebuilds.
pub struct Renderer {
    templates: Templates,
    /// The key of every template's source: any page may include any template.
    templates_key: Key,
    /// The keys of the last render's skills, by address. Each entry holds its
    /// skill, so no other skill can take that address while it is here; `serve`
    /// hands an unchanged skill on as the same shared value.
    skill_keys: HashMap<usize, (Arc<Skill>, Key)>,
    parts: PartsMemo,
    /// Where a build keeps the parts' keys for the next one.
    parts_store: Option<PartsStore>,
    syntax_css: SyntaxCss,
    cards: crate::cards::CardMaker,
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
            templates_key: templates_key(theme),
            skill_keys: HashMap::new(),
            parts: PartsMemo::new(),
            parts_store: None,
            syntax_css: SyntaxCss::default(),
            cards: crate::cards::CardMaker::new(None),
        })
    }

    /// Keeps drawn preview cards in the cache folder `dir` between runs.
    pub fn cache_cards_in(mut self, dir: &std::path::Path) -> Renderer {
        self.cards = crate::cards::CardMaker::new(Some(dir));
        self
    }

    /// Starts from the skills' parts a build kept in the cache folder `dir`,
    /// and keeps this build's there after it succeeds ([`Renderer::save_caches`]).
    /// `serve` has no use for them: its site's addresses are not the build's.
    pub fn keep_parts_in(mut self, dir: &std::path::Path) -> Renderer {
        let (store, parts) = PartsStore::open(dir);
        self.parts = parts;
        self.parts_store = Some(store);
        self
    }

    /// Names the preview cards without drawing them: for `check`, which only
    /// needs to know what a build would write.
    pub fn without_card_pixels(mut self) -> Renderer {
        self.cards = crate::cards::CardMaker::paths_only();
        self
    }

    /// Removes the cards the last render stored in the cache, for a build that
    /// failed and must leave nothing behind.
    pub fn take_back_cards(&self) {
        self.cards.take_back();
    }

    /// After a render that succeeded: drops cached cards it did not use, and
    /// keeps its skills' parts for the next run.
    pub fn save_caches(&self) {
        self.cards.prune();
        if let Some(store) = &self.parts_store {
            store.save(&self.parts);
        }
    }

    /// Whether this renderer's templates are still those of `theme`.
    pub fn fits(&self, theme: &Theme) -> bool {
        self.templates_key == templates_key(theme)
    }

    /// Each skill with its key: the hash of the whole skill, or the key it had
    /// in the last render when it is the very same shared value.
    fn key_skills<'s>(&mut self, site: &'s Site) -> Vec<Keyed<&'s Skill>> {
        let known = std::mem::take(&mut self.skill_keys);
        self.skill_keys = (site.skills.par_iter())
            .map(|s| {
                let address = Arc::as_ptr(s) as usize;
                let key = match known.get(&address) {
                    Some((kept, key)) if Arc::ptr_eq(kept, s) => *key,
                    _ => hash(&**s),
                };
                (address, (Arc::clone(s), key))
            })
            .collect();
        (site.skills.iter())
            .map(|s| Keyed {
                key: self.skill_keys[&(Arc::as_ptr(s) as usize)].1,
                item: &**s,
            })
            .collect()
    }

    /// Renders every file of the site that `reuse` does not keep and hands each
    /// to `emit` as soon as it is ready, so a build writes pages while others
    /// render and never holds the whole site in memory.
    pub fn render(
        &mut self,
        site: &Site,
        theme: &Theme,
        reuse: &dyn Reuse,
        emit: &Emit,
    ) -> Result<(), Diagnostics> {
        let timer = crate::timings::Timer::start();
        let common = Common::new(&site.config, &site.profile.language, site.today);
        let skills = self.key_skills(site);
        let made = skills::skill_parts(&common, &skills, &self.parts);
        let parts: Vec<Parts> = (made.iter().zip(&skills))
            .map(|((_, (key, p)), skill)| Parts::new(*key, p, &common, *skill))
            .collect();
        let site_value = pages::site_value(site);
        // What every template sees besides its page's context.
        let shared = {
            let mut h = KeyHasher::new();
            self.templates_key.hash(&mut h);
            hash_value(&site_value, &mut h);
            h.finish()
        };
        let sources = Sources {
            site,
            common: &common,
            site_card: preview::Preview::site_card(site, &common.urls),
            skills: &skills,
            parts: &parts,
        };
        let jobs = pages::jobs(&sources);
        timer.lap("contexts");
        self.templates.set_global("site", site_value);
        self.templates.speak(&site.profile.language);
        let templates = &self.templates;
        // The cards are drawn while the pages render, so neither thread waits
        // for the other at the end.
        let cards = &self.cards;
        let card_keys: Vec<&[Key]> = parts.iter().map(Parts::card_keys).collect();
        let keep = |path: &str, key: Key| reuse.keep(path, key);
        let card_inputs = crate::cards::Inputs {
            common: hash(&common),
            faces: &card_keys,
            keep: &keep,
        };
        // Small pieces, so that no thread is left rendering a run of long list
        // pages alone while the other waits: rayon cannot split a piece it has
        // begun.
        let pages = || {
            jobs.par_iter()
                .with_max_len(4)
                .filter_map(|job| {
                    let path = job.output_path();
                    let key = job.key(shared);
                    if reuse.keep(&path, key) {
                        return None;
                    }
                    let made = match &job.make {
                        Make::Page { template, context } => {
                            templates.render_page(template, &context.to_context())
                        }
                        Make::Skill(page) => templates.render_page("skill.html", &page.context()),
                        Make::Entry(page) => templates.render_page("entry.html", &page.context()),
                        Make::Feed(feed) => Ok(feed.xml().into_bytes()),
                    };
                    let file = made.map(|bytes| OutputFile {
                        path,
                        contents: Contents::Bytes(bytes.into()),
                        key: Some(key),
                    });
                    file.and_then(emit).err()
                })
                .collect::<Vec<Diagnostic>>()
        };
        // The site's feeds and sitemap each go over the whole site on one
        // thread: made beside the pages, they finish in their shadow instead
        // of after them. So does the code's stylesheet, which reads every
        // theme syntect has, on one thread, for a millisecond.
        let syntax_css = &mut self.syntax_css;
        let others = || {
            let syntax_css = syntax_css.of(&site.config);
            other_files(&sources, theme, &jobs, reuse, syntax_css)
                .into_par_iter()
                .try_for_each(emit)
        };
        let ((errors, drawn), others) = rayon::join(
            || rayon::join(pages, || cards.render(site, &card_inputs, emit)),
            others,
        );
        timer.lap("pages, preview cards, feeds");
        if !errors.is_empty() {
            let mut errors = collect(errors);
            errors.sort();
            return Err(errors);
        }
        // The jobs and parts borrow what is kept for the next render.
        drop((jobs, sources));
        drop(parts);
        self.parts = made.into_iter().collect();
        others.map_err(Diagnostics::from)?;
        drawn.map_err(Diagnostics::from)
    }
}

fn templates_key(theme: &Theme) -> Key {
    let sources: Vec<(&str, &str)> = (theme.templates.iter())
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    hash(&sources)
}

/// Every file of the site that is not a page or a skill's feed: theme and site
/// static files, assets, the code stylesheet, the site's feeds, sitemap and
/// robots.txt.
fn other_files(
    sources: &Sources,
    theme: &Theme,
    jobs: &[Job],
    reuse: &dyn Reuse,
    syntax_css: String,
) -> Vec<OutputFile> {
    let site = sources.site;
    let mut files: BTreeMap<String, Contents> = BTreeMap::new();
    let mut keys: HashMap<&str, Key> = HashMap::new();
    // Lowest priority first: a site's own static file replaces the theme's, and
    // generated pages replace anything of the same name.
    for file in &theme.static_files {
        let contents = match file {
            ThemeFile::Disk(asset) => Contents::Copy(asset.source.clone()),
            ThemeFile::Embedded { bytes, .. } => Contents::Embedded(bytes),
        };
        files.insert(file.output().to_string(), contents);
    }
    files.insert(SYNTAX_CSS.to_string(), bytes(syntax_css));
    for asset in &site.assets {
        files.insert(asset.output.clone(), Contents::Copy(asset.source.clone()));
    }
    // Processed images: stripped originals in place of the copies, and their widths.
    for (path, contents) in &site.images.files {
        files.insert(path.clone(), contents.clone());
    }
    // Only a file named like a page or a feed can clash with one, and there are
    // seldom any.
    let clashing = |path: &String| path.ends_with(".html") || path.ends_with(".xml");
    if files.keys().any(clashing) {
        for job in jobs {
            files.remove(&job.output_path());
        }
    }
    // Each of these goes over the whole site; `serve` makes them again after
    // every save, so they are made side by side.
    let (sitemap, feeds) = rayon::join(
        || sitemap_xml(site, jobs, sources.parts),
        || feeds(sources, reuse),
    );
    files.insert("sitemap.xml".to_string(), bytes(sitemap));
    for (path, made, key) in feeds {
        match made {
            Some(text) => files.insert(path.to_string(), bytes(text)),
            // Kept by `reuse` as it is: nothing else goes there.
            None => files.remove(path),
        };
        if let Some(key) = key {
            keys.insert(path, key);
        }
    }
    let urls = Urls::new(&site.config);
    let robots = sitemap::robots(&urls.permalink("sitemap.xml"));
    files.insert("robots.txt".to_string(), bytes(robots));
    files
        .into_iter()
        .map(|(path, contents)| OutputFile {
            key: keys.get(path.as_str()).copied(),
            path,
            contents,
        })
        .collect()
}

/// The sitemap: the pages before the skills', each skill's part (its page and
/// its entries'), then the pages after.
fn sitemap_xml(site: &Site, jobs: &[Job], parts: &[Parts]) -> String {
    let urls = Urls::new(&site.config);
    let url = |j: &Job| sitemap::Url {
        loc: urls.permalink(&j.path),
        lastmod: j.lastmod,
    };
    let listed = |j: &&Job| j.in_sitemap && !j.of_one_skill();
    let first_skill = (jobs.iter())
        .position(Job::of_one_skill)
        .unwrap_or(jobs.len());
    let before: Vec<sitemap::Url> = jobs[..first_skill].iter().filter(listed).map(url).collect();
    let after: Vec<sitemap::Url> = jobs[first_skill..].iter().filter(listed).map(url).collect();
    let (before, after) = (
        sitemap::url_elements(&before),
        sitemap::url_elements(&after),
    );
    let mut all = vec![before.as_str()];
    all.extend(parts.iter().map(Parts::sitemap));
    all.push(&after);
    sitemap::sitemap(&all)
}

fn bytes(text: String) -> Contents {
    Contents::Bytes(text.into_bytes().into())
}

/// The site's own feeds, portfolio.json and resume.json, each with its key
/// where it has one; each skill's feed is a job of its own. A file `reuse`
/// keeps is not made (`None`).
fn feeds(sources: &Sources, reuse: &dyn Reuse) -> Vec<(&'static str, Option<String>, Option<Key>)> {
    let site = sources.site;
    let site_entries = feed::site_entries(site);
    let atom = || {
        feed::atom(
            &site.config,
            &feed::FeedSpec {
                title: site.config.title.clone(),
                lang: &site.profile.language,
                path: "atom.xml",
                page: "",
                entries: site_entries.clone(),
                earliest_start: site.skills.iter().map(|s| s.started).min(),
            },
        )
    };
    let json_feed = || feed::json_feed(site, &site_entries);
    let feeds: [(&'static str, &(dyn Fn() -> String + Sync)); 2] =
        [("atom.xml", &atom), ("feed.json", &json_feed)];
    // The JSON documents show a few values of each skill, whose key the
    // skill's parts hold, and a large site's are megabytes long: `serve`
    // keeps them through a save that changes nothing they show.
    let documents = DocumentInputs {
        common: sources.common,
        skills: sources.parts.iter().map(Parts::documents_key).collect(),
        timeline: &site.timeline,
        last: site.progress.totals.last,
    };
    type Make = fn(&structured::Documents) -> String;
    let keyed: [(&'static str, Make); 2] = [
        ("portfolio.json", |d| d.portfolio()),
        ("resume.json", |d| d.resume()),
    ];
    let (mut files, keyed) = rayon::join(
        || {
            feeds
                .into_par_iter()
                .map(|(path, make)| (path, Some(make()), None))
                .collect::<Vec<_>>()
        },
        || {
            keyed
                .into_par_iter()
                .map(|(path, make)| {
                    let key = hash(&(path, &documents));
                    let made = (!reuse.keep(path, key)).then(|| make(&documents.made(site)));
                    (path, made, Some(key))
                })
                .collect::<Vec<_>>()
        },
    );
    files.extend(keyed);
    files
}

/// What `portfolio.json` and `resume.json` are made from: each skill by the
/// key of what they show of it.
#[derive(Hash)]
struct DocumentInputs<'a> {
    common: &'a Common<'a>,
    skills: Vec<Key>,
    timeline: &'a [crate::site::EntryRef],
    last: Option<jiff::civil::Date>,
}

impl<'a> DocumentInputs<'a> {
    /// The documents, with each skill's share made as its key was.
    fn made(&self, site: &'a Site) -> structured::Documents<'a> {
        let (urls, lang) = (&self.common.urls, self.common.lang);
        structured::Documents {
            config: self.common.config,
            urls,
            skills: (site.skills.iter())
                .map(|s| structured::SkillDocs::of(s, urls, lang))
                .collect(),
            timeline: self.timeline,
            last: self.last,
        }
    }
}

/// The code stylesheet, made once for the highlight themes it was made for:
/// it is a function of their names alone.
#[derive(Default)]
struct SyntaxCss(Option<((String, String), String)>);

impl SyntaxCss {
    fn of(&mut self, config: &crate::config::Config) -> String {
        let names = (
            config.highlight_theme.clone(),
            config.highlight_theme_dark.clone(),
        );
        match &self.0 {
            Some((of, css)) if *of == names => css.clone(),
            _ => {
                let css = highlight::stylesheet(&names.0, &names.1);
                self.0 = Some((names, css.clone()));
                css
            }
        }
    }
}

fn collect(list: Vec<Diagnostic>) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.extend(list);
    all
}
