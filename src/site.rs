//! The model of the whole site, built once from what was loaded: every page's URL,
//! rendered markdown, the six parts of each write-up, taxonomies, related skills and
//! the numbers. Rendering reads only this; nothing here reads files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::{
    Asset, Content, DateValue, EntrySource, Kind, Part, SkillSource, Status, Target,
};
use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighter;
use crate::images::{ImageView, Images};
use crate::keys::{KeyHasher, hash};
use crate::markdown::{self, Links, Rendered};
use crate::model_cache;
use crate::progress::{Progress, Session};
use crate::slug::slugify;

/// What changes the model besides the content itself.
#[derive(Debug, Clone, Copy)]
pub struct ModelOptions {
    pub drafts: bool,
    pub today: Date,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct Evidence {
    /// Site-relative URL for local files, the URL as written for external ones.
    pub url: String,
    pub kind: &'static str,
    pub external: bool,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// For links, the host name shown on the card.
    pub host: Option<String>,
    /// For video links: YouTube, Vimeo or PeerTube. The card links out and loads
    /// nothing from the video's site until the visitor clicks.
    pub provider: Option<&'static str>,
    /// For local images: size and widths.
    pub image: Option<ImageView>,
    /// For local files: the media type and size, for feed enclosures.
    pub mime: Option<&'static str>,
    pub length: Option<u64>,
    /// For local files, the file's name and its size for people ("1.4 MB").
    pub file_name: Option<String>,
    pub size: Option<String>,
    /// Always present: the alt text, else the caption, else the file or host name,
    /// so no image or link is left without an accessible name.
    pub label: String,
}

#[derive(Debug, Clone, Hash)]
pub struct Entry {
    pub slug: String,
    pub source: PathBuf,
    pub title: String,
    pub date: DateValue,
    pub minutes: u32,
    pub kind: Kind,
    pub part: Option<Part>,
    pub evidence: Vec<Evidence>,
    pub tags: Vec<Taxon>,
    pub draft: bool,
    pub html: String,
    pub summary: String,
    pub summary_text: String,
    /// Relative to the output root, e.g. `skills/omelette/2026-10-03-fold/`.
    pub path: String,
}

impl Entry {
    pub fn session(&self) -> Session {
        Session {
            date: self.date.date,
            minutes: self.minutes,
            kind: self.kind,
            part: self.part,
        }
    }
}

/// A field or tag: its name as written and its slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Taxon {
    pub name: String,
    pub slug: String,
}

/// Its hash is the key of everything made of it alone (see [`crate::keys`]).
#[derive(Debug, Clone, Hash)]
pub struct Skill {
    pub slug: String,
    pub source: PathBuf,
    pub title: String,
    pub summary: Option<String>,
    pub field: Option<Taxon>,
    pub tags: Vec<Taxon>,
    pub started: Date,
    pub status: Status,
    pub target: Target,
    pub draft: bool,
    /// Related skills both ways, by index into `Site::skills`, sorted by title.
    pub related: Vec<usize>,
    pub path: String,
    /// The write-up before its first second-level heading.
    pub intro: String,
    /// Each part's HTML, in the order of `Part::ALL`; `None` when not written.
    pub parts: [Option<String>; 6],
    /// The heading id of each written part (`entry-point` for "## Entry point"),
    /// so links to it keep working; the part's key when it is not written.
    pub part_ids: [String; 6],
    /// Second-level sections that are not one of the six parts, headings included.
    pub other: String,
    /// Oldest first.
    pub entries: Vec<Entry>,
    /// The tags of the entries, gathered for the tag pages.
    pub entry_tags: EntryTags,
    pub progress: Progress,
    /// A hash of every source file of the skill (write-up and entries). With the
    /// site's configuration and link targets, it decides everything shown of the
    /// skill, so `serve` can tell which pages an edit can have changed.
    pub fingerprint: u64,
}

/// The tags a skill's entries use, each spelling once, and which entry uses
/// which: the tag pages are made from these small lists instead of from every
/// entry.
#[derive(Debug, Clone, Default, Hash)]
pub struct EntryTags {
    pub names: Vec<Taxon>,
    /// (entry index, index into `names`), in entry order.
    pub uses: Vec<(u32, u32)>,
}

impl EntryTags {
    fn of(entries: &[Entry]) -> EntryTags {
        let mut tags = EntryTags::default();
        for (e, entry) in entries.iter().enumerate() {
            for t in &entry.tags {
                let at = match tags.names.iter().position(|n| n == t) {
                    Some(at) => at,
                    None => {
                        tags.names.push(t.clone());
                        tags.names.len() - 1
                    }
                };
                tags.uses.push((e as u32, at as u32));
            }
        }
        tags
    }
}

impl Skill {
    pub fn anatomy_complete(&self) -> bool {
        self.parts.iter().all(Option::is_some)
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub description: Option<String>,
    pub html: String,
    pub path: String,
    pub source: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct Home {
    pub title: Option<String>,
    pub description: Option<String>,
    pub html: String,
}

/// An entry by position: `(skill index, entry index)`.
pub type EntryRef = (usize, usize);

#[derive(Debug, Clone)]
pub struct TaxonPage {
    pub taxon: Taxon,
    pub skills: Vec<usize>,
    /// Newest first.
    pub entries: Vec<EntryRef>,
}

pub struct Site {
    pub config: Config,
    pub today: Date,
    pub home: Home,
    /// Shared, so `serve` can keep an unchanged skill from one model to the next.
    pub skills: Vec<Arc<Skill>>,
    pub pages: Vec<Page>,
    pub fields: Vec<TaxonPage>,
    pub tags: Vec<TaxonPage>,
    /// Every published entry, newest first.
    pub timeline: Vec<EntryRef>,
    pub progress: Progress,
    pub assets: Vec<Asset>,
    /// Resized and stripped images; their files replace the plain copies.
    pub images: Images,
    /// Changes whenever a file is added, removed or renamed anywhere in the site.
    pub links_fingerprint: u64,
}

/// Output paths the generator itself uses at the top level; pages may not take them.
const RESERVED: [&str; 10] = [
    "skills",
    "cards",
    "payoffs",
    "fields",
    "tags",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "feed.json",
];

impl Site {
    pub fn entry(&self, (s, e): EntryRef) -> &Entry {
        &self.skills[s].entries[e]
    }

    /// Builds the model. Problems that need the whole site to see (a `related` slug
    /// that does not exist, missing evidence) are errors; broken links are warnings.
    pub fn new(
        config: Config,
        mut content: Content,
        options: ModelOptions,
        highlighter: &Highlighter,
        cache: Option<&model_cache::Cache>,
        images: Images,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let all_slugs: HashSet<String> = content.skill_slugs.iter().cloned().collect();
        if !options.drafts {
            let draft_dirs = draft_dirs(&content);
            content
                .assets
                .retain(|(rel, _)| !draft_dirs.iter().any(|d| rel.starts_with(d)));
            content.skills.retain(|s| !s.draft);
            // Draft entries are left out as each skill is built, so the skill's
            // sources stay the shared value `serve` recognises.
            content.pages.retain(|p| !p.draft);
        }
        let published: HashMap<&str, usize> = content
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug.as_str(), i))
            .collect();

        let make_links = || link_targets(&config, &content, &images, options.drafts);
        let (links, links_fingerprint) = match (cache, content.walk) {
            (Some(cache), Some(walk)) => cache.links(
                links_key(walk, &config, &content, &images, options),
                make_links,
            ),
            _ => {
                let links = make_links();
                let fingerprint = links.fingerprint();
                (Arc::new(links), fingerprint)
            }
        };
        let md = markdown::Renderer::new(
            links,
            links_fingerprint,
            highlighter,
            cache.map(|c| &c.markdown),
        );

        let key = hash(&(links_fingerprint, options.today, options.drafts));
        let kept = cache
            .map(model_cache::Cache::take_skills)
            .unwrap_or_default();
        let built: Vec<model_cache::Kept> = content
            .skills
            .par_iter()
            .map(|source| match kept.get(&source.slug) {
                Some(k) if k.key == key && Arc::ptr_eq(&k.source, source) => k.clone(),
                _ => {
                    let (skill, warnings, anchors) = build_skill(source, &md, options);
                    model_cache::Kept {
                        source: Arc::clone(source),
                        key,
                        skill: Arc::new(skill),
                        warnings,
                        anchors: anchors.into(),
                    }
                }
            })
            .collect();
        crate::drop_in_background(kept);
        let mut skills = Vec::with_capacity(built.len());
        for k in &built {
            md.track(Arc::clone(&k.anchors));
            diagnostics.extend(k.warnings.iter().cloned());
            skills.push(Arc::clone(&k.skill));
        }

        // Related skills, both directions.
        let mut related: Vec<Vec<usize>> = vec![Vec::new(); skills.len()];
        for (i, source) in content.skills.iter().enumerate() {
            for r in &source.related {
                match published.get(r.value.as_str()) {
                    Some(&j) if j != i => {
                        related[i].push(j);
                        related[j].push(i);
                    }
                    Some(_) => diagnostics.push(
                        Diagnostic::error(format!("skill `{}` lists itself as related", r.value))
                            .at(
                                &source.file.path,
                                &source.file.text,
                                r.span.start,
                                r.span.len(),
                            )
                            .hint("`related` names other skills"),
                    ),
                    None if all_slugs.contains(&r.value) => {}
                    None => {
                        let hint = match crate::diagnostic::did_you_mean(&r.value, all_slugs.iter().map(String::as_str)) {
                            Some(near) => format!("did you mean `{near}`? `related` takes skill slugs (folder names under content/skills/)"),
                            None => "`related` takes skill slugs: the folder names under content/skills/".to_string(),
                        };
                        diagnostics.push(
                            Diagnostic::error(format!(
                                "related skill `{}` does not exist",
                                r.value
                            ))
                            .at(
                                &source.file.path,
                                &source.file.text,
                                r.span.start,
                                r.span.len(),
                            )
                            .hint(hint),
                        );
                    }
                }
            }
        }
        let titles: Vec<String> = skills.iter().map(|s| s.title.to_lowercase()).collect();
        for (skill, mut rel) in skills.iter_mut().zip(related) {
            rel.sort_unstable();
            rel.dedup();
            rel.sort_by(|a, b| titles[*a].cmp(&titles[*b]));
            // A kept skill usually has the same related skills as last time.
            if skill.related != rel {
                Arc::make_mut(skill).related = rel;
            }
        }
        if let Some(cache) = cache {
            let keep = built
                .into_iter()
                .zip(&skills)
                .filter(|(k, _)| !k.warnings.iter().any(Diagnostic::is_error))
                .map(|(k, skill)| {
                    let kept = model_cache::Kept {
                        skill: Arc::clone(skill),
                        ..k
                    };
                    (skill.slug.clone(), kept)
                })
                .collect();
            cache.keep_skills(keep);
        }

        let pages: Vec<Page> = content
            .pages
            .par_iter()
            .map(|p| {
                let dir = p.rel.parent().unwrap_or(Path::new(""));
                let r = md.render(&p.file, &p.body, dir);
                let page = Page {
                    title: p.title.clone(),
                    description: p.description.clone(),
                    html: r.html(),
                    path: page_path(&p.rel),
                    source: p.file.path.clone(),
                };
                (page, r.warnings.clone())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(p, w)| {
                diagnostics.extend(w);
                p
            })
            .collect();

        let home = match &content.home.file {
            Some(file) => {
                let r = md.render(file, &content.home.body, Path::new(""));
                diagnostics.extend(r.warnings.iter().cloned());
                Home {
                    title: content.home.title.clone(),
                    description: content.home.description.clone(),
                    html: r.html(),
                }
            }
            None => Home::default(),
        };

        let timeline = timeline(&skills);
        // Drafts shown with --drafts never count: the numbers are what is published.
        let progress = Progress::of(
            skills
                .iter()
                .flat_map(|s| s.entries.iter())
                .filter(|e| !e.draft)
                .map(Entry::session),
            options.today,
        );
        let fields = taxonomy(
            &skills,
            &titles,
            &timeline,
            |s| s.field.as_slice(),
            |_| (&[], &[]),
        );
        let tags = taxonomy(
            &skills,
            &titles,
            &timeline,
            |s| &s.tags,
            |s| (&s.entry_tags.names, &s.entry_tags.uses),
        );

        let mut assets: Vec<Asset> = content.assets.into_iter().map(|(_, a)| a).collect();
        assets.extend(content.static_files);

        check_page_paths(&pages, &mut diagnostics);
        // A skill's page has a block per part, `#part-<key>`, written or not.
        let part_ids: Vec<String> = Part::ALL
            .iter()
            .map(|p| format!("part-{}", p.key()))
            .collect();
        diagnostics.extend(md.broken_fragments(|path| {
            let is_skill = path.starts_with("skills")
                && path.ends_with("index.md")
                && path.components().count() == 3;
            if is_skill {
                part_ids.clone()
            } else {
                Vec::new()
            }
        }));
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        let site = Site {
            config,
            today: options.today,
            home,
            skills,
            pages,
            fields,
            tags,
            timeline,
            progress,
            assets,
            images,
            links_fingerprint,
        };
        crate::drop_in_background((content.skills, content.pages, content.home));
        md.release();
        (if failed { None } else { Some(site) }, diagnostics)
    }
}

/// Every published entry, newest first; entries of one moment by skill, then
/// by slug, from the last.
fn timeline(skills: &[Arc<Skill>]) -> Vec<EntryRef> {
    // Sorted by small keys gathered skill by skill: a sort that looks into the
    // entries themselves jumps all over a large model. Skills are in slug order
    // and each skill's entries in (date, slug) order, so indices stand for slugs.
    let mut keys: Vec<(DateValue, u32, u32)> = skills
        .iter()
        .enumerate()
        .flat_map(|(s, skill)| {
            skill
                .entries
                .iter()
                .enumerate()
                .map(move |(e, entry)| (entry.date, s as u32, e as u32))
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        let key = |k: &(DateValue, u32, u32)| {
            (
                std::cmp::Reverse((k.0.date, k.0.instant)),
                k.1,
                std::cmp::Reverse(k.2),
            )
        };
        key(a).cmp(&key(b))
    });
    keys.into_iter()
        .map(|(_, s, e)| (s as usize, e as usize))
        .collect()
}

/// The pages of a taxonomy: a skill's own taxa come from `of_skill`; its
/// entries' from `of_entries`, as the skill's [`EntryTags`]. Skills on a page
/// are in the order of `titles` (lowercased, by skill).
fn taxonomy<'a>(
    skills: &'a [Arc<Skill>],
    titles: &[String],
    timeline: &[EntryRef],
    of_skill: impl Fn(&'a Skill) -> &'a [Taxon],
    of_entries: impl Fn(&'a Skill) -> (&'a [Taxon], &'a [(u32, u32)]),
) -> Vec<TaxonPage> {
    // Pages by slug through a hash index.
    fn page<'a>(
        index: &mut HashMap<&'a str, usize>,
        pages: &mut Vec<TaxonPage>,
        t: &'a Taxon,
    ) -> usize {
        *index.entry(t.slug.as_str()).or_insert_with(|| {
            pages.push(TaxonPage {
                taxon: t.clone(),
                skills: Vec::new(),
                entries: Vec::new(),
            });
            pages.len() - 1
        })
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut pages: Vec<TaxonPage> = Vec::new();
    for (i, skill) in skills.iter().enumerate() {
        for t in of_skill(skill) {
            let p = page(&mut index, &mut pages, t);
            pages[p].skills.push(i);
        }
    }
    // Pages from here on are named by entries only.
    let named_by_skills = pages.len();
    // Entries are gathered from each skill's compact list and then put in
    // timeline order: reading every entry's tags costs a large log more than
    // the rest of the model.
    let mut position: Vec<Vec<u32>> = skills.iter().map(|s| vec![0; s.entries.len()]).collect();
    for (i, r) in timeline.iter().enumerate() {
        position[r.0][r.1] = i as u32;
    }
    let mut found: Vec<Vec<(u32, EntryRef)>> = Vec::new();
    for (s, skill) in skills.iter().enumerate() {
        let (names, uses) = of_entries(skill);
        let to_page: Vec<usize> = names
            .iter()
            .map(|t| page(&mut index, &mut pages, t))
            .collect();
        for &(e, t) in uses {
            let p = to_page[t as usize];
            if found.len() <= p {
                found.resize_with(p + 1, Vec::new);
            }
            found[p].push((position[s][e as usize], (s, e as usize)));
        }
    }
    for (p, (page, mut entries)) in pages.iter_mut().zip(found).enumerate() {
        entries.sort_unstable_by_key(|(at, _)| *at);
        page.entries = entries.into_iter().map(|(_, r)| r).collect();
        // Spelled as the newest entry spells it, when no skill names the taxon.
        if p >= named_by_skills
            && let Some(&(s, e)) = page.entries.first()
        {
            let (names, uses) = of_entries(&skills[s]);
            let spelling = uses
                .iter()
                .filter(|(used_by, _)| *used_by as usize == e)
                .map(|&(_, t)| &names[t as usize])
                .find(|t| t.slug == page.taxon.slug);
            if let Some(t) = spelling {
                page.taxon.name.clone_from(&t.name);
            }
        }
    }
    pages.sort_by(|a, b| a.taxon.slug.cmp(&b.taxon.slug));
    for p in &mut pages {
        p.skills.dedup();
        p.skills.sort_by(|a, b| titles[*a].cmp(&titles[*b]));
    }
    pages
}

fn taxa(names: &[String]) -> Vec<Taxon> {
    let mut out: Vec<Taxon> = names
        .iter()
        .map(|n| Taxon {
            name: n.trim().to_string(),
            slug: slugify(n),
        })
        .filter(|t| !t.slug.is_empty())
        .collect();
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    out.dedup_by(|a, b| a.slug == b.slug);
    out
}

/// `about.md` -> `about/`, `notes/index.md` -> `notes/`, each segment a slug.
fn page_path(rel: &Path) -> String {
    let mut segments: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| slugify(&c.as_os_str().to_string_lossy()))
        .filter(|s| !s.is_empty())
        .collect();
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != "index" && stem != "_index" {
        segments.push(slugify(&stem));
    }
    segments.iter().map(|s| format!("{s}/")).collect()
}

fn check_page_paths(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for p in pages {
        let top = p.path.split('/').next().unwrap_or("");
        if p.path.is_empty() || RESERVED.contains(&top) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the page would be published at /{}, which skillfolio uses itself",
                    p.path
                ))
                .in_file(&p.source)
                .hint(format!(
                    "rename it; these names are taken: {}",
                    RESERVED.join(", ")
                )),
            );
        } else if let Some(first) = seen.insert(&p.path, &p.source) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "two pages would be published at /{}: {} and {}",
                    p.path,
                    first.display(),
                    p.source.display()
                ))
                .in_file(&p.source)
                .hint("rename one of them"),
            );
        }
    }
}

/// The folders of draft skills: their photos are as unpublished as their write-ups.
fn draft_dirs(content: &Content) -> Vec<PathBuf> {
    content
        .skills
        .iter()
        .filter(|s| s.draft)
        .map(|s| s.dir.clone())
        .collect()
}

/// The co-located assets a build publishes, for image processing ahead of the model.
pub fn published_assets(content: &Content, drafts: bool) -> Vec<&Asset> {
    let draft_dirs = if drafts {
        Vec::new()
    } else {
        draft_dirs(content)
    };
    content
        .assets
        .iter()
        .filter(|(rel, _)| !draft_dirs.iter().any(|d| rel.starts_with(d)))
        .map(|(_, a)| a)
        .collect()
}

/// Where every content file and asset is published, for link rewriting.
fn link_targets(config: &Config, content: &Content, images: &Images, drafts: bool) -> Links {
    let mut targets = HashMap::new();
    targets.insert(PathBuf::from("_index.md"), String::new());
    for skill in &content.skills {
        targets.insert(
            skill.dir.join("index.md"),
            format!("skills/{}/", skill.slug),
        );
        for e in skill.entries.iter().filter(|e| drafts || !e.draft) {
            let name = e
                .file
                .path
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_default();
            targets.insert(
                skill.dir.join("log").join(name),
                format!("skills/{}/{}/", skill.slug, e.slug),
            );
        }
    }
    for p in &content.pages {
        targets.insert(p.rel.clone(), page_path(&p.rel));
    }
    let mut lengths = HashMap::new();
    for (rel, asset) in &content.assets {
        targets.insert(rel.clone(), asset.output.clone());
        lengths.insert(asset.output.clone(), asset.len);
    }
    for info in images.info.values() {
        lengths.insert(info.path.clone(), info.length);
    }
    Links {
        targets,
        base_path: config.base_path.clone(),
        images: images.info.clone(),
        lengths,
        refused: images.refused.clone(),
    }
}

/// What decides the link targets besides the files found by walk number `walk`:
/// which of them are drafts, the base URL and the processed images.
fn links_key(
    walk: u64,
    config: &Config,
    content: &Content,
    images: &Images,
    options: ModelOptions,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = KeyHasher::new();
    (walk, &config.base_path, options.drafts).hash(&mut h);
    for skill in &content.skills {
        skill.dir.hash(&mut h);
        for e in &skill.entries {
            e.draft.hash(&mut h);
        }
    }
    for p in &content.pages {
        p.rel.hash(&mut h);
    }
    let mut info: Vec<_> = images.info.values().collect();
    info.sort_by(|a, b| a.path.cmp(&b.path));
    info.hash(&mut h);
    let mut refused: Vec<_> = images.refused.iter().collect();
    refused.sort();
    refused.hash(&mut h);
    h.finish()
}

fn build_skill(
    source: &SkillSource,
    md: &markdown::Renderer,
    options: ModelOptions,
) -> (Skill, Vec<Diagnostic>, Vec<markdown::Anchors>) {
    let today = options.today;
    let mut diagnostics = Vec::new();
    let path = format!("skills/{}/", source.slug);
    let (r, anchors) = md.render_untracked(&source.file, &source.body, &source.dir);
    let mut all_anchors = vec![anchors];
    diagnostics.extend(r.warnings.iter().cloned());
    diagnostics.extend(crate::content::anatomy::misspelt_headings(
        &source.file,
        source.body.clone(),
    ));
    let (intro, parts, part_ids, other) = anatomy(&r);

    let log_dir = source.dir.join("log");
    let built: Vec<(Entry, Vec<Diagnostic>, markdown::Anchors)> = source
        .entries
        .par_iter()
        .filter(|e| options.drafts || !e.draft)
        .map(|e| build_entry(e, &log_dir, &path, md, today))
        .collect();
    let mut entries = Vec::with_capacity(built.len());
    for (entry, d, anchors) in built {
        diagnostics.extend(d);
        entries.push(entry);
        all_anchors.push(anchors);
    }
    entries.sort_by(|a, b| {
        (a.date.date, a.date.instant, &a.slug).cmp(&(b.date.date, b.date.instant, &b.slug))
    });
    // Drafts shown with --drafts never count: the numbers are what is published.
    let progress = Progress::of(
        entries.iter().filter(|e| !e.draft).map(Entry::session),
        today,
    );
    let skill = Skill {
        slug: source.slug.clone(),
        source: source.file.path.clone(),
        title: source.title.clone(),
        summary: source.summary.clone(),
        field: field(source, &mut diagnostics),
        tags: taxa(&source.tags),
        started: source.started,
        status: source.status,
        target: source.target,
        draft: source.draft,
        related: Vec::new(),
        path,
        intro,
        parts,
        part_ids,
        other,
        entry_tags: EntryTags::of(&entries),
        entries,
        progress,
        fingerprint: fingerprint(source),
    };
    (skill, diagnostics, all_anchors)
}

/// The skill's field, if it makes a page address: a name with no ASCII letters or
/// digits has no slug, so it is left out with a warning rather than published at a
/// URL that another page already has.
fn field(source: &SkillSource, diagnostics: &mut Vec<Diagnostic>) -> Option<Taxon> {
    let name = source.field.as_ref()?;
    let slug = slugify(name);
    if slug.is_empty() {
        let offset = source.file.text.find("field").unwrap_or(0);
        diagnostics.push(
            Diagnostic::warning(format!(
                "the field `{name}` has no letters or digits a URL can use, so it gets no page"
            ))
            .at(&source.file.path, &source.file.text, offset, 5)
            .hint("add a Latin spelling, e.g. `field = \"Cooking\"`"),
        );
        return None;
    }
    Some(Taxon {
        name: name.trim().to_string(),
        slug,
    })
}

fn fingerprint(source: &SkillSource) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = KeyHasher::new();
    source.file.path.hash(&mut h);
    source.file.text.hash(&mut h);
    for e in &source.entries {
        e.file.path.hash(&mut h);
        e.file.text.hash(&mut h);
    }
    h.finish()
}

/// Splits a rendered write-up into its intro, its six parts and everything else.
/// A part written twice keeps both sections, in order.
fn anatomy(r: &Rendered) -> (String, [Option<String>; 6], [String; 6], String) {
    let mut parts: [Option<String>; 6] = Default::default();
    let mut ids: [String; 6] = Part::ALL.map(|p| p.key().to_string());
    let mut other = String::new();
    let mut intro = String::new();
    for section in &r.sections {
        match &section.heading {
            None => intro.push_str(&section.body),
            Some(h) => match Part::from_heading(&h.text) {
                // A heading with nothing but a prompt comment under it is not written yet.
                Some(part) if !has_text(&section.body) => {
                    ids[part as usize] = h.id.clone();
                }
                Some(part) => {
                    let text = parts[part as usize].get_or_insert_with(|| {
                        ids[part as usize] = h.id.clone();
                        String::new()
                    });
                    text.push_str(&section.body);
                }
                None => {
                    other.push_str(&section.heading_html);
                    other.push_str(&section.body);
                }
            },
        }
    }
    (intro, parts, ids, other)
}

/// Whether rendered HTML has anything but white space and comments.
fn has_text(html: &str) -> bool {
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        if !rest[..start].trim().is_empty() {
            return true;
        }
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    !rest.trim().is_empty()
}

fn evidence_kind(path: &str) -> &'static str {
    let mime = crate::media::type_of(path);
    if mime.starts_with("image/") {
        "image"
    } else if mime.starts_with("video/") {
        "video"
    } else {
        "file"
    }
}

/// A size in bytes as people read it: `812 bytes`, `14 kB`, `1.4 MB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.5 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// Which video site a URL is on, from its host and path. PeerTube runs on many
/// hosts, so it is known by its URL shapes.
fn video_provider(host: &str, path: &str) -> Option<&'static str> {
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(host);
    match host {
        "youtube.com" | "youtu.be" | "youtube-nocookie.com" | "music.youtube.com" => {
            Some("YouTube")
        }
        "vimeo.com" | "player.vimeo.com" => Some("Vimeo"),
        _ if path.starts_with("/w/")
            || path.starts_with("/videos/watch/")
            || path.starts_with("/videos/embed/") =>
        {
            Some("PeerTube")
        }
        _ => None,
    }
}

fn evidence_label(item: &crate::content::EvidenceSource, fallback: &str) -> String {
    item.alt
        .as_deref()
        .or(item.caption.as_deref())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(fallback)
        .to_string()
}

fn build_entry(
    e: &EntrySource,
    log_dir: &Path,
    skill_path: &str,
    md: &markdown::Renderer,
    today: Date,
) -> (Entry, Vec<Diagnostic>, markdown::Anchors) {
    let links = &md.links;
    let mut diagnostics = Vec::new();
    let (r, anchors) = md.render_untracked(&e.file, &e.body, log_dir);
    diagnostics.extend(r.warnings.iter().cloned());
    if e.date.date > today {
        diagnostics.push(
            Diagnostic::warning(format!(
                "{} is dated {}, after today ({today}); it is left out of every number",
                e.file.path.display(),
                e.date.date,
            ))
            .at(
                &e.file.path,
                &e.file.text,
                e.date_span.start,
                e.date_span.len(),
            )
            .hint("check the date, or set `today` in site.toml"),
        );
    }
    let mut evidence = Vec::new();
    for item in &e.evidence {
        let src = item.src.value.trim();
        if src.starts_with("http://") || src.starts_with("https://") {
            let rest = src.split("://").nth(1).unwrap_or("");
            let host = rest
                .split(['/', '?', '#'])
                .next()
                .map(|h| h.rsplit('@').next().unwrap_or(h).to_string());
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            let provider = host.as_deref().and_then(|h| video_provider(h, path));
            // An image elsewhere is shown as a link too: embedding it would make
            // every visitor's browser ask a third party for it.
            let kind = if provider.is_some() {
                "video_link"
            } else {
                "link"
            };
            evidence.push(Evidence {
                url: src.to_string(),
                kind,
                external: true,
                label: evidence_label(item, host.as_deref().unwrap_or(src)),
                alt: item.alt.clone(),
                caption: item.caption.clone(),
                host,
                provider,
                image: None,
                mime: None,
                length: None,
                file_name: None,
                size: None,
            });
            continue;
        }
        let places = crate::content::asset_candidates(log_dir, src);
        let resolved = places
            .iter()
            .find_map(|p| links.targets.get(p).filter(|t| !t.ends_with('/')));
        let url = |target: &str| format!("{}{}", links.base_path, markdown::encode_path(target));
        if let Some(why) = resolved.and_then(|t| links.refused.get(t.as_str())) {
            diagnostics.push(markdown::too_large(src, why).at(
                &e.file.path,
                &e.file.text,
                item.src.span.start,
                item.src.span.len(),
            ));
        }
        match resolved {
            Some(target) => evidence.push(Evidence {
                url: url(target),
                kind: evidence_kind(target),
                external: false,
                label: evidence_label(item, target.rsplit('/').next().unwrap_or(target)),
                alt: item.alt.clone(),
                caption: item.caption.clone(),
                host: None,
                provider: None,
                image: links.images.get(target.as_str()).map(|i| i.view(url)),
                mime: Some(crate::media::type_of(target)),
                length: links.lengths.get(target.as_str()).copied(),
                file_name: target.rsplit('/').next().map(str::to_string),
                size: links.lengths.get(target.as_str()).map(|&n| human_size(n)),
            }),
            None => {
                // The skill's folder, tried last, is where a skill keeps its photos.
                let hint = match places.last() {
                    Some(first) => format!(
                        "add the file at {}, or correct the path: a name is looked for beside the entry's file, then beside the skill's index.md; a full https:// URL works too",
                        crate::content::shown(first)
                    ),
                    None => "a path names a file inside the skill's folder; a full https:// URL works too".to_string(),
                };
                diagnostics.push(
                    Diagnostic::error(format!(
                        "evidence `{src}` not found: {}",
                        markdown::nowhere(&places)
                    ))
                    .at(
                        &e.file.path,
                        &e.file.text,
                        item.src.span.start,
                        item.src.span.len(),
                    )
                    .hint(hint),
                );
            }
        }
    }
    let entry = Entry {
        slug: e.slug.clone(),
        source: e.file.path.clone(),
        title: e.title.clone(),
        date: e.date,
        minutes: e.minutes,
        kind: e.kind,
        part: e.part,
        evidence,
        tags: taxa(&e.tags),
        draft: e.draft,
        html: r.html(),
        summary: r.summary.clone(),
        summary_text: r.summary_text.clone(),
        path: format!("{skill_path}{}/", e.slug),
    };
    (entry, diagnostics, anchors)
}
