//! The model of the whole site, built once from what was loaded: every page's URL,
//! rendered markdown, the six parts of each write-up, taxonomies, related skills and
//! the numbers. Rendering reads only this; nothing here reads files.

mod evidence;
pub mod kept;
mod links;
mod pages;
pub mod profile;
mod skills;
mod taxonomies;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::content::{Asset, Content, DateValue, Kind, Part, Status, Target};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::images::{ImageView, Images, SharedImage};
use crate::markdown;

use crate::progress::{Progress, Session};

/// What changes the model besides the content itself.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    pub drafts: bool,
    pub today: Date,
    /// Decides which day a session's time falls on; unset, the day written.
    pub timezone: Option<jiff::tz::TimeZone>,
    /// Names what the author left unnamed (a video link without a caption).
    pub language: Arc<Language>,
}

impl std::hash::Hash for ModelOptions {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.drafts.hash(h);
        self.today.hash(h);
        self.timezone.as_ref().map(|tz| tz.iana_name()).hash(h);
        self.language.hash(h);
    }
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
    /// For video links: the player's address, loaded only when the visitor
    /// clicks play.
    pub embed: Option<String>,
    /// For videos: the still shown until the visitor plays it.
    pub poster: Option<ImageView>,
    /// For local images: size and widths.
    pub image: Option<ImageView>,
    /// For local JPEG, PNG and WebP images: the copy a link preview shows.
    pub share: Option<SharedImage>,
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
    /// The photo a shared link to the skill shows, from `cover`.
    pub cover: Option<Evidence>,
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
    pub profile: profile::Profile,
}

impl Site {
    pub fn entry(&self, (s, e): EntryRef) -> &Entry {
        &self.skills[s].entries[e]
    }

    /// The content files each skill, entry and page is made from, by the
    /// output path of its page, for the link check to trace a broken link to.
    /// An entry's page also shows its skill's write-up; a skill's page, its
    /// entries.
    pub fn page_sources(&self) -> crate::links::PageSources {
        let page = |path: &str| format!("{path}index.html");
        let mut sources = crate::links::PageSources::default();
        for skill in &self.skills {
            let own = sources.file(&skill.source);
            let entries: Vec<u32> = skill
                .entries
                .iter()
                .map(|e| sources.file(&e.source))
                .collect();
            sources.page(
                page(&skill.path),
                std::iter::once(own).chain(entries.iter().copied()),
            );
            for (e, &file) in skill.entries.iter().zip(&entries) {
                sources.page(page(&e.path), [file, own]);
            }
        }
        for p in &self.pages {
            let own = sources.file(&p.source);
            sources.page(page(&p.path), [own]);
        }
        sources
    }

    /// Builds the model. Problems that need the whole site to see (a `related` slug
    /// that does not exist, missing evidence) are errors; broken links are warnings.
    pub fn new(
        config: Config,
        mut content: Content,
        options: ModelOptions,
        tools: markdown::Tools,
        cache: Option<&kept::Cache>,
        images: Images,
        profile: profile::Profile,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let all_slugs: HashSet<String> = content.skill_slugs.iter().cloned().collect();
        if !options.drafts {
            leave_out_drafts(&mut content);
        }
        let (links, links_fingerprint) =
            links::targets(cache, &config, &content, &images, &options);
        let md =
            markdown::Renderer::new(links, links_fingerprint, tools, cache.map(|c| &c.markdown));

        let built = skills::build_all(&content.skills, &md, &options, cache);
        let mut skills = Vec::with_capacity(built.len());
        for k in &built {
            md.track(Arc::clone(&k.anchors));
            diagnostics.extend(k.warnings.iter().cloned());
            skills.push(Arc::clone(&k.skill));
        }
        let related = skills::related(&content.skills, &all_slugs, &mut diagnostics);
        let titles: Vec<String> = skills.iter().map(|s| s.title.to_lowercase()).collect();
        skills::set_related(&mut skills, related, &titles);
        if let Some(cache) = cache {
            skills::keep(cache, built, &skills);
        }

        let pages = pages::render_pages(&content.pages, &md, &mut diagnostics);
        let home = pages::render_home(&content.home, &md, &mut diagnostics);

        // The site's numbers and its taxonomies each go over every entry,
        // and `serve` makes them again after every save: side by side.
        let ((timeline, (fields, tags)), progress) = rayon::join(
            || {
                let timeline = taxonomies::timeline(&skills);
                let taxa = rayon::join(
                    || {
                        taxonomies::taxonomy(
                            &skills,
                            &titles,
                            &timeline,
                            |s| s.field.as_slice(),
                            |_| (&[], &[]),
                        )
                    },
                    || {
                        taxonomies::taxonomy(
                            &skills,
                            &titles,
                            &timeline,
                            |s| &s.tags,
                            |s| (&s.entry_tags.names, &s.entry_tags.uses),
                        )
                    },
                );
                (timeline, taxa)
            },
            || {
                // Drafts shown with --drafts never count: the numbers are what is published.
                Progress::of(
                    skills
                        .iter()
                        .flat_map(|s| s.entries.iter())
                        .filter(|e| !e.draft)
                        .map(Entry::session),
                    options.today,
                )
            },
        );

        let mut assets: Vec<Asset> = content.assets.into_iter().map(|(_, a)| a).collect();
        assets.extend(content.static_files);

        pages::check_page_paths(&pages, &mut diagnostics);
        diagnostics.extend(links::broken_fragments(&md));
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
            profile,
        };
        crate::drop_in_background((content.skills, content.pages, content.home));
        md.release();
        (if failed { None } else { Some(site) }, diagnostics)
    }
}

/// Leaves out draft skills, their assets and draft pages. Draft entries are left
/// out as each skill is built, so the skill's sources stay the shared value
/// `serve` recognises.
fn leave_out_drafts(content: &mut Content) {
    let draft_dirs = draft_dirs(content);
    content
        .assets
        .retain(|(rel, _)| !draft_dirs.iter().any(|d| rel.starts_with(d)));
    content.skills.retain(|s| !s.draft);
    content.pages.retain(|p| !p.draft);
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
