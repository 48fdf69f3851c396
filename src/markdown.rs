//! Markdown to HTML: pulldown-cmark with the extensions writers expect, syntect for
//! code, stable heading ids, a summary, and links between content files rewritten to
//! the URLs those files are published at.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::content::{SourceFile, asset_candidates, join_normalized, shown};
use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighter;
use crate::html::escape;
use crate::images::{ImageInfo, picture_html};
use crate::link_lookups::{Deps, Lookups};
use crate::slug::slugify;
use crate::urls::{encode_path, has_scheme, percent_decode};

/// Where each content file and asset is published, for rewriting links between them.
pub struct Links {
    /// Path relative to `content/` -> path relative to the output root.
    pub targets: HashMap<PathBuf, String>,
    /// The path of `base_url`, so links stay right when the site lives in a folder.
    pub base_path: String,
    /// Processed images by output path, so an image in the text gets its widths.
    pub images: HashMap<String, Arc<ImageInfo>>,
    /// Every published asset's size by output path, for feed enclosures.
    pub lengths: HashMap<String, u64>,
    /// Images past the limits, by output path: why they were not processed.
    pub refused: HashMap<String, String>,
}

impl Links {
    /// A fingerprint of every link target: what a rendering that looked at all
    /// of them ([`Lookup::Every`](crate::link_lookups::Lookup)) depends on.
    pub fn fingerprint(&self) -> u64 {
        // Paths as bytes: sorting and hashing them component by component costs
        // a rebuild of a large site several milliseconds for nothing.
        let mut targets: Vec<(&[u8], &String)> = self
            .targets
            .iter()
            .map(|(p, t)| (p.as_os_str().as_encoded_bytes(), t))
            .collect();
        targets.sort_unstable();
        let mut h = crate::keys::KeyHasher::new();
        targets.hash(&mut h);
        self.base_path.hash(&mut h);
        crate::keys::hash_sorted(&self.images, &mut h);
        crate::keys::hash_sorted(&self.lengths, &mut h);
        crate::keys::hash_sorted(&self.refused, &mut h);
        h.finish()
    }
}

/// Rendered markdown kept between rebuilds by `serve`, so an edit re-renders only
/// the file that changed. An entry is reused only for the same text and folder,
/// while what it looked up of the link targets is unchanged, so the result is
/// what a fresh render would give.
#[derive(Default)]
pub struct Cache {
    files: Mutex<HashMap<PathBuf, CachedRender>>,
}

/// A file's rendering and what it was made from: the text (shared with the
/// content cache, so an unchanged file is recognised by pointer), the body's
/// range and the folder links are resolved from.
type CachedRender = (Arc<str>, Range<usize>, PathBuf, Arc<Rendered>);

/// What renders code, and the store renderings are kept in between builds.
#[derive(Clone, Copy)]
pub struct Tools<'a> {
    pub highlighter: &'a Highlighter,
    pub store: Option<&'a crate::markdown_store::Store>,
}

/// Renders the markdown of one build: its link targets, the highlighter and,
/// when serving, the cache.
pub struct Renderer<'a> {
    /// Private: every look-up goes through [`Renderer::lookups`], which notes
    /// it, or what is kept could miss what it depends on.
    links: Arc<Links>,
    /// [`Links::fingerprint`] of `links`, made once.
    links_fingerprint: u64,
    highlighter: &'a Highlighter,
    store: Option<&'a crate::markdown_store::Store>,
    cache: Option<&'a Cache>,
    /// The heading ids and fragment links of every file rendered in this build, by
    /// its path under `content/`: all the fragment check needs, and far smaller
    /// than the rendered files. In groups, so a skill kept from an earlier build
    /// brings its files' anchors along without copying them.
    done: Mutex<Vec<Arc<[Anchors]>>>,
}

/// A rendered file's path under `content/`, its heading ids and its fragment links.
pub type Anchors = (PathBuf, Vec<String>, Vec<Fragment>);

impl<'a> Renderer<'a> {
    /// `links_fingerprint` is [`Links::fingerprint`] of `links`, which a caller
    /// that keeps the links between builds keeps too.
    pub fn new(
        links: Arc<Links>,
        links_fingerprint: u64,
        tools: Tools<'a>,
        cache: Option<&'a Cache>,
    ) -> Self {
        Renderer {
            links,
            links_fingerprint,
            highlighter: tools.highlighter,
            store: tools.store,
            cache,
            done: Mutex::new(Vec::new()),
        }
    }

    /// Whether what `deps` looked up of the link targets is as it was.
    pub fn holds(&self, deps: &Deps) -> bool {
        deps.hold(&self.links, self.links_fingerprint)
    }

    /// What `parts` looked up, together, answered by this build's targets.
    pub fn merged<'d>(&self, parts: impl IntoIterator<Item = &'d Deps>) -> Deps {
        Deps::merged(parts, &self.links, self.links_fingerprint)
    }

    /// This build's link targets, for a look-up outside the markdown.
    pub fn lookups(&self) -> Lookups<'_> {
        Lookups::new(&self.links, self.links_fingerprint)
    }

    /// Frees what this renderer gathered (a path and the ids of every file it
    /// rendered) without waiting for it.
    pub fn release(self) {
        let done = self.done.into_inner().unwrap_or_else(|e| e.into_inner());
        crate::drop_in_background((self.links, done));
    }

    /// Warnings for links to `#fragments` that no heading of the target has.
    /// `extra_ids` names ids a file's page has besides its headings.
    pub fn broken_fragments(&self, extra_ids: impl Fn(&Path) -> Vec<String>) -> Vec<Diagnostic> {
        let done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        // Only the files some fragment link points into: usually a handful.
        let wanted: HashSet<&Path> = done
            .iter()
            .flat_map(|group| group.iter())
            .flat_map(|(path, _, fragments)| {
                fragments
                    .iter()
                    .map(move |f| f.target.as_deref().unwrap_or(path))
            })
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let ids: HashMap<&Path, Vec<&str>> = done
            .iter()
            .flat_map(|group| group.iter())
            .filter(|(path, _, _)| wanted.contains(path.as_path()))
            .map(|(path, ids, _)| (path.as_path(), ids.iter().map(String::as_str).collect()))
            .collect();
        let mut warnings = Vec::new();
        for (path, _, fragments) in done.iter().flat_map(|group| group.iter()) {
            for f in fragments {
                let target = f.target.as_deref().unwrap_or(path);
                let Some(known) = ids.get(target) else {
                    continue; // an asset, or a page without rendered markdown
                };
                let extra = extra_ids(target);
                if !known.contains(&f.id.as_str()) && !extra.contains(&f.id) {
                    let mut warning = f.warning.clone();
                    let ids = known
                        .iter()
                        .copied()
                        .chain(extra.iter().map(String::as_str));
                    if let Some(id) = crate::diagnostic::did_you_mean(&f.id, ids) {
                        warning.hint = Some(format!("did you mean `#{id}`?"));
                    }
                    warnings.push(warning);
                }
            }
        }
        warnings
    }

    /// Renders the `body` range of `file`, whose folder relative to `content/` is `dir`.
    pub fn render(&self, file: &SourceFile, body: &Range<usize>, dir: &Path) -> Arc<Rendered> {
        let (rendered, anchors) = self.render_untracked(file, body, dir);
        self.track(Arc::new([anchors]));
        rendered
    }

    /// [`Renderer::render`], handing back the file's anchors instead of keeping
    /// them: the caller passes them to [`Renderer::track`], now or in a later build.
    pub fn render_untracked(
        &self,
        file: &SourceFile,
        body: &Range<usize>,
        dir: &Path,
    ) -> (Arc<Rendered>, Anchors) {
        let rendered = self.render_cached(file, body, dir);
        let name = file.path.file_name().map(PathBuf::from).unwrap_or_default();
        let anchors = (
            dir.join(name),
            rendered.ids.clone(),
            rendered.fragments.clone(),
        );
        (rendered, anchors)
    }

    /// Counts these files' anchors in this build's fragment check.
    pub fn track(&self, anchors: Arc<[Anchors]>) {
        if let Ok(mut done) = self.done.lock() {
            done.push(anchors);
        }
    }

    fn render_cached(&self, file: &SourceFile, body: &Range<usize>, dir: &Path) -> Arc<Rendered> {
        let Some(cache) = self.cache else {
            return Arc::new(self.render_stored(file, body, dir));
        };
        let hit = cache.files.lock().ok().and_then(|files| {
            files
                .get(&file.path)
                .filter(|(text, range, folder, r)| {
                    (Arc::ptr_eq(text, &file.text) || **text == *file.text)
                        && range == body
                        && folder == dir
                        && self.holds(&r.deps)
                })
                .map(|(_, _, _, r)| Arc::clone(r))
        });
        if let Some(r) = hit {
            return r;
        }
        let rendered = Arc::new(self.render_stored(file, body, dir));
        if let Ok(mut files) = cache.files.lock() {
            let entry = (
                Arc::clone(&file.text),
                body.clone(),
                dir.to_path_buf(),
                Arc::clone(&rendered),
            );
            files.insert(file.path.clone(), entry);
        }
        rendered
    }

    /// The rendering the store holds, else a new one, which the store keeps.
    fn render_stored(&self, file: &SourceFile, body: &Range<usize>, dir: &Path) -> Rendered {
        let lookups = self.lookups();
        let Some(store) = self.store else {
            return render(file, body, dir, lookups, self.highlighter);
        };
        let key = crate::markdown_store::Store::key(file, body, dir);
        if let Some(kept) = store.get(key, |deps| self.holds(deps)) {
            return kept;
        }
        let rendered = render(file, body, dir, lookups, self.highlighter);
        store.put(key, &rendered);
        rendered
    }
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// A second-level heading at the top of the document, which starts a section.
    pub starts_section: bool,
}

/// A block of the document that starts at a second-level heading (or the start).
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: Option<Heading>,
    /// The heading element itself, empty for the first section.
    pub heading_html: String,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub sections: Vec<Section>,
    pub summary: String,
    pub summary_text: String,
    pub warnings: Vec<Diagnostic>,
    /// The id of every heading.
    pub ids: Vec<String>,
    /// Links to a `#fragment`, checked once every file is rendered.
    pub fragments: Vec<Fragment>,
    /// What the rendering looked up of the link targets.
    pub deps: Deps,
}

/// A link to a fragment of a content file (`None`: of the same file), with the
/// warning to give if the file has no such id.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub target: Option<PathBuf>,
    pub id: String,
    pub warning: Diagnostic,
}

impl Rendered {
    pub fn html(&self) -> String {
        let len = (self.sections.iter())
            .map(|s| s.heading_html.len() + s.body.len())
            .sum();
        let mut html = String::with_capacity(len);
        for s in &self.sections {
            html.push_str(&s.heading_html);
            html.push_str(&s.body);
        }
        html
    }
}

const MORE: &str = "<!-- more -->";

/// Renders the `body` range of `file`, whose folder relative to `content/` is
/// `dir`, looking up link targets in `links`.
pub fn render(
    file: &SourceFile,
    body: &Range<usize>,
    dir: &Path,
    links: Lookups,
    highlighter: &Highlighter,
) -> Rendered {
    let source = &file.text[body.clone()];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut state = State {
        file,
        offset: body.start,
        dir,
        links: &links,
        highlighter,
        has_more: source.contains(MORE),
        warnings: Vec::new(),
        fragments: Vec::new(),
        events: Vec::new(),
        marks: Vec::new(),
        headings: Vec::new(),
        ids: HashMap::new(),
        heading: None,
        code: None,
        depth: 0,
        summary_done: false,
        summary_text: String::new(),
        image: None,
    };
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        state.event(event, range);
    }
    let mut rendered = state.finish(source.len() * 3 / 2);
    rendered.deps = links.deps();
    rendered
}

/// One file's rendering as its events go by: the events to write, and what is
/// gathered on the way (headings, links to check, the summary's text).
struct State<'a, 'e> {
    file: &'a SourceFile,
    /// Where the body starts in the file, for locating problems.
    offset: usize,
    dir: &'a Path,
    links: &'a Lookups<'a>,
    highlighter: &'a Highlighter,
    /// Whether the summary ends at `<!-- more -->` rather than the first paragraph.
    has_more: bool,
    warnings: Vec<Diagnostic>,
    fragments: Vec<Fragment>,
    events: Vec<Event<'e>>,
    /// Where sections and the summary end, as positions in `events`, in order.
    marks: Vec<(usize, Mark)>,
    headings: Vec<Heading>,
    ids: HashMap<String, usize>,
    /// The heading being read: its level, its given id and its inner events.
    heading: Option<(HeadingLevel, Option<String>, Vec<Event<'e>>)>,
    /// The code block being read: its language and its text.
    code: Option<(String, String)>,
    depth: usize,
    summary_done: bool,
    summary_text: String,
    /// An image with resized copies: its alt text is gathered, then it is written
    /// as one `<picture>`.
    image: Option<(crate::images::ImageView, String, String)>,
}

impl<'e> State<'_, 'e> {
    /// Takes in the next event of the parser, found at `range` of the body.
    fn event(&mut self, event: Event<'e>, range: Range<usize>) {
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        if !self.summary_done {
            if let Event::Text(t) | Event::Code(t) = &event {
                self.summary_text.push_str(t);
            } else if matches!(
                event,
                Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)
            ) {
                self.summary_text.push(' ');
            }
        }
        if self.code.is_some() {
            self.code_event(event, range);
            return;
        }
        let Some(event) = self.image_event(event, &range) else {
            return;
        };
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: self.rewrite(dest_url, self.offset + range.start),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: self.rewrite(dest_url, self.offset + range.start),
                title,
                id,
            }),
            other => other,
        };
        if self.heading.is_some() {
            self.heading_event(event);
            return;
        }
        self.block_event(event);
    }

    /// An event inside a code block: its text is gathered, and at its end the
    /// block is highlighted as a whole.
    fn code_event(&mut self, event: Event<'e>, range: Range<usize>) {
        match event {
            Event::Text(t) => {
                if let Some((_, text)) = &mut self.code {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, text) = self.code.take().unwrap_or_default();
                let (html, problem) = self.highlighter.block(&text, &lang);
                if let Some(why) = problem {
                    self.warnings.push(
                        Diagnostic::warning(format!("this `{lang}` block is published without highlighting: {why}"))
                            .at(&self.file.path, &self.file.text, self.offset + range.start, 3)
                            .hint("the code is shown as plain text and nothing else changes; if the language is right, the snippet is worth reporting with the grammar's name"),
                    );
                }
                self.events.push(Event::Html(html.into()));
            }
            _ => {}
        }
    }

    /// Turns an image with resized copies into one `<picture>`, gathering its
    /// alt text; `None` for the events it takes.
    fn image_event(&mut self, event: Event<'e>, range: &Range<usize>) -> Option<Event<'e>> {
        // Resolved once here, since the match below takes the event apart.
        let processed = match (&self.image, &event) {
            (None, Event::Start(Tag::Image { dest_url, .. })) => {
                let at = (self.offset + range.start, range.len());
                let published = published_image(dest_url, self.dir, self.links);
                if let Some(why) = published.and_then(|p| self.links.refused(p)) {
                    self.warnings.push(too_large(dest_url, why).at(
                        &self.file.path,
                        &self.file.text,
                        at.0,
                        at.1,
                    ));
                }
                if let Some(mime) = published.and_then(|p| crate::media::unshown_image(p)) {
                    self.warnings.push(unshown(dest_url, mime, false).at(
                        &self.file.path,
                        &self.file.text,
                        at.0,
                        at.1,
                    ));
                }
                published.and_then(|p| self.links.image(p))
            }
            _ => None,
        };
        match (&mut self.image, event) {
            (Some((_, alt, _)), Event::Text(t) | Event::Code(t)) => {
                alt.push_str(&t);
                None
            }
            (Some(_), Event::End(TagEnd::Image)) => {
                let (view, alt, title) = self.image.take().unwrap_or_default();
                Some(Event::Html(picture_html(&view, &alt, Some(&title)).into()))
            }
            (Some(_), _) => None,
            (None, Event::Start(Tag::Image { title, .. })) if processed.is_some() => {
                if let Some(info) = processed {
                    let base_path = self.links.base_path();
                    let view = info.view(|p| format!("{base_path}{}", encode_path(p)));
                    self.image = Some((view, String::new(), title.to_string()));
                }
                None
            }
            (None, event) => Some(event),
        }
    }

    /// An event inside a heading: kept until the heading ends, when its id is
    /// known and the heading is written.
    fn heading_event(&mut self, event: Event<'e>) {
        let Event::End(TagEnd::Heading(level)) = event else {
            if let Some((_, _, buffered)) = &mut self.heading {
                buffered.push(event);
            }
            return;
        };
        let (_, given_id, inner) = self.heading.take().unwrap_or((level, None, Vec::new()));
        let text = plain_text(&inner);
        let id = given_id.unwrap_or_else(|| unique_id(&text, &mut self.ids));
        let n = level as u8;
        // Only a second-level heading of the document itself starts a
        // section; one inside a quote or a list stays where it is.
        let starts_section = n == 2 && self.depth == 0;
        if starts_section {
            self.marks.push((self.events.len(), Mark::Section));
        }
        (self.events).push(Event::Html(format!("<h{n} id=\"{}\">", escape(&id)).into()));
        self.events.extend(inner);
        self.events.push(Event::Html(format!("</h{n}>\n").into()));
        if starts_section {
            self.marks.push((self.events.len(), Mark::Section));
        }
        self.headings.push(Heading {
            level: n,
            id,
            text,
            starts_section,
        });
    }

    /// Any other event: the start of a heading or a code block, a task's
    /// checkbox, the end of the summary, or an event written as it is.
    fn block_event(&mut self, event: Event<'e>) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading = Some((level, id.map(|i| i.to_string()), Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(l) => l.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            // A task's checkbox is only a picture of done or not, so it says which.
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                self.events.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            Event::Html(h) if !self.summary_done && h.trim() == MORE => {
                self.summary_done = true;
                self.marks.push((self.events.len(), Mark::Summary));
            }
            Event::End(TagEnd::Paragraph)
                if !self.summary_done && !self.has_more && self.depth == 0 =>
            {
                self.summary_done = true;
                self.events.push(Event::End(TagEnd::Paragraph));
                self.marks.push((self.events.len(), Mark::Summary));
            }
            other => self.events.push(other),
        }
    }

    /// Writes the events out as HTML, `capacity` bytes or so, split into
    /// sections, with the summary.
    fn finish(self, capacity: usize) -> Rendered {
        let (html, offsets) = write_html(self.events, &self.marks, capacity);
        let at = |kind: Mark| {
            (self.marks.iter().zip(&offsets))
                .filter(move |((_, k), _)| *k == kind)
                .map(|(_, &offset)| offset)
        };
        let summary = match at(Mark::Summary).next() {
            Some(end) => html[..end].to_string(),
            None => html.clone(),
        };
        // Section marks come in pairs: before a heading and after it.
        let bounds: Vec<usize> = at(Mark::Section).collect();
        let first_end = bounds.first().copied().unwrap_or(html.len());
        let mut sections = vec![Section {
            heading: None,
            heading_html: String::new(),
            body: html[..first_end].to_string(),
        }];
        let mut h2s = self.headings.iter().filter(|h| h.starts_section);
        for (i, heading) in bounds.chunks_exact(2).enumerate() {
            let next = bounds.get(2 * i + 2).copied().unwrap_or(html.len());
            sections.push(Section {
                heading: h2s.next().cloned(),
                heading_html: html[heading[0]..heading[1]].to_string(),
                body: html[heading[1]..next].to_string(),
            });
        }
        Rendered {
            ids: self.headings.into_iter().map(|h| h.id).collect(),
            sections,
            summary,
            summary_text: collapse_whitespace(&self.summary_text),
            warnings: self.warnings,
            fragments: self.fragments,
            deps: Deps::default(),
        }
    }

    /// A link's destination rewritten to the URL its file is published at,
    /// noting a link that leads nowhere and any `#fragment` to check later.
    /// `offset` is where the link is in the file.
    fn rewrite(&mut self, dest: CowStr<'e>, offset: usize) -> CowStr<'e> {
        let (file, dir, links) = (self.file, self.dir, self.links);
        let fragment = |target: Option<PathBuf>, id: &str| {
            Fragment {
            warning: Diagnostic::broken_link(format!("link to `{dest}` leads to a part of the page that does not exist: no heading has the id `{id}`"))
                .at(&file.path, &file.text, offset, 1)
                .hint("heading ids are the heading's text in lowercase with hyphens, e.g. `## Entry trick` is `#entry-trick`"),
            target,
            id: id.to_string(),
        }
        };
        if let Some(id) = dest
            .strip_prefix('#')
            .filter(|id| !id.is_empty() && *id != "top")
        {
            self.fragments.push(fragment(None, &percent_decode(id)));
        }
        match resolve(&dest, dir, links) {
            Resolved::Keep => dest,
            Resolved::Url(url, target) => {
                if let Some((_, id)) = dest.split_once('#').filter(|(_, id)| !id.is_empty()) {
                    self.fragments
                        .push(fragment(Some(target), &percent_decode(id)));
                }
                url.into()
            }
            Resolved::Missing(path) => {
                self.warnings.push(
                    Diagnostic::broken_link(format!("link to `{dest}` leads nowhere: {path}"))
                        .at(&file.path, &file.text, offset, 1)
                        .hint(match nearest_file(&dest, dir, links) {
                            Some(near) => format!("did you mean `{near}`? Links between content files are relative to the file they are in"),
                            None => "links between content files are relative to the file they are in, e.g. `../other-skill/index.md` or `log/2026-10-03-first-fold.md`".to_string(),
                        }),
                );
                dest
            }
        }
    }
}

/// A place in the rendered HTML that [`Rendered`] is cut at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Before or after the heading of a section.
    Section,
    /// The end of the summary.
    Summary,
}

/// Writes `events` as HTML of about `capacity` bytes, with the byte offset in it
/// of each of `marks`, a position in `events`.
fn write_html(
    events: Vec<Event<'_>>,
    marks: &[(usize, Mark)],
    capacity: usize,
) -> (String, Vec<usize>) {
    let html = RefCell::new(String::with_capacity(capacity));
    let mut offsets = Vec::with_capacity(marks.len());
    let marked = Marked {
        events: events.into_iter(),
        index: 0,
        marks,
        offsets: &mut offsets,
        html: &html,
        after_mark: false,
        held: None,
    };
    // Writing to a `String` cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(SharedHtml(&html), marked);
    (html.into_inner(), offsets)
}

/// The HTML being written, for the writer to append to and for [`Marked`] to
/// measure between events.
struct SharedHtml<'a>(&'a RefCell<String>);

impl std::fmt::Write for SharedHtml<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

/// The events on their way to the HTML writer, noting how much HTML is written
/// when each mark's position comes up. The writer writes each event before it
/// asks for the next, so that length is the mark's offset.
struct Marked<'a, 'e> {
    events: std::vec::IntoIter<Event<'e>>,
    /// The position of the next event.
    index: usize,
    marks: &'a [(usize, Mark)],
    offsets: &'a mut Vec<usize>,
    html: &'a RefCell<String>,
    /// Whether a mark was passed and no event has been written since.
    after_mark: bool,
    /// An event put off by a line break given before it.
    held: Option<Event<'e>>,
}

impl<'e> Iterator for Marked<'_, 'e> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(event) = self.held.take() {
            return Some(event);
        }
        while self
            .marks
            .get(self.offsets.len())
            .is_some_and(|(at, _)| *at == self.index)
        {
            self.offsets.push(self.html.borrow().len());
            self.after_mark = true;
        }
        let event = self.events.next()?;
        self.index += 1;
        if self.after_mark {
            match block_on_new_line(&event) {
                None => {}
                Some(false) => self.after_mark = false,
                Some(true) => {
                    self.after_mark = false;
                    // The writer leaves out the line break where the HTML ends a
                    // line, but a section's body and what follows the summary
                    // start on a line of their own.
                    let html = self.html.borrow();
                    if html.is_empty() || html.ends_with('\n') {
                        drop(html);
                        self.held = Some(event);
                        return Some(Event::Html("\n".into()));
                    }
                }
            }
        }
        Some(event)
    }
}

/// Whether the writer starts what `event` writes on a new line unless the HTML
/// ends a line already; `None` for an event that writes nothing.
fn block_on_new_line(event: &Event<'_>) -> Option<bool> {
    match event {
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
        Event::Html(h) | Event::InlineHtml(h) if h.is_empty() => None,
        Event::Start(
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::FootnoteDefinition(_),
        )
        | Event::Rule => Some(true),
        _ => Some(false),
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            text.push_str(t);
        }
    }
    text
}

fn unique_id(text: &str, ids: &mut HashMap<String, usize>) -> String {
    let mut base = slugify(text);
    if base.is_empty() {
        base = "section".to_string();
    }
    let count = ids.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}-{}", *count - 1)
    }
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The published file closest to a link that leads nowhere, written as the link
/// would have to be, relative to `dir`.
fn nearest_file(dest: &str, dir: &Path, links: &Lookups) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let wanted = join_normalized(dir, &percent_decode(path))?;
    let wanted = wanted.to_string_lossy().replace('\\', "/");
    let known: Vec<String> = (links.every_target())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let near = crate::diagnostic::did_you_mean(&wanted, known.iter().map(String::as_str))?;
    Some(relative_to(dir, Path::new(near)))
}

/// `target` as a path relative to the folder `dir`, both under `content/`.
fn relative_to(dir: &Path, target: &Path) -> String {
    let from: Vec<_> = dir.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Where the site file a markdown image leads to is published, if it leads
/// to one.
fn published_image<'l>(dest: &str, dir: &Path, links: &Lookups<'l>) -> Option<&'l String> {
    match resolve(dest, dir, links) {
        Resolved::Url(_, target) => links.target(&target),
        _ => None,
    }
}

/// The warning for a reference to an image browsers do not show (see
/// [`crate::media::unshown_image`]), to be located at the line that names it.
/// Evidence offers such a file as a download; an image in the text is a
/// broken picture.
pub fn unshown(src: &str, mime: &str, evidence: bool) -> Diagnostic {
    let what = match mime {
        "image/heic" | "image/heif" => "a HEIC photo, which only Safari shows",
        "image/tiff" => "a TIFF image, which only Safari shows",
        _ => "an image browsers do not show",
    };
    let shown = if evidence {
        "the page offers it as a download instead"
    } else {
        "other browsers show a broken picture in its place"
    };
    Diagnostic::warning(format!("`{src}` is {what} ({mime}): {shown}"))
    .hint("publish a JPEG copy and name that instead: photo apps export one, and an iPhone takes JPEGs with Settings > Camera > Formats > Most Compatible")
}

/// The error for a reference to an image past the limits, to be located at the
/// line that names it.
pub fn too_large(src: &str, why: &str) -> Diagnostic {
    Diagnostic::error(format!("the image `{src}` is too large to publish: {why}"))
        .hint("export it smaller (a few thousand pixels wide is plenty for a page), or raise `max_pixels` / `max_bytes` in [images] of site.toml")
}

pub enum Resolved {
    /// An external, absolute or in-page link, left as written.
    Keep,
    /// The URL, and the content file it leads to.
    Url(String, PathBuf),
    /// A relative link to something that is not published: where it was looked for.
    Missing(String),
}

/// Resolves a relative link written in a file of the content folder `dir`. A
/// link to a `.md` file is relative to that file alone; a link to anything else
/// (a photo, a PDF) written below a skill's folder falls back to the skill's
/// folder, where a skill keeps its assets.
pub fn resolve(dest: &str, dir: &Path, links: &Lookups) -> Resolved {
    if dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with('?')
        || has_scheme(dest)
    {
        return Resolved::Keep;
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let decoded = percent_decode(path);
    let is_md = decoded.to_ascii_lowercase().ends_with(".md");
    let places = if is_md {
        join_normalized(dir, &decoded).into_iter().collect()
    } else {
        asset_candidates(dir, &decoded)
    };
    if places.is_empty() {
        return Resolved::Missing(format!("{decoded} is outside the content folder"));
    }
    for place in &places {
        if let Some(mut url) = links.url_of(place) {
            url.push_str(fragment);
            return Resolved::Url(url, links.target_file(place));
        }
    }
    Resolved::Missing(nowhere(&places))
}

/// "content/a does not exist", or, when two places were tried, "neither ... nor ... exists".
pub fn nowhere(places: &[PathBuf]) -> String {
    match places {
        [one] => format!("{} does not exist", shown(one)),
        [first, second, ..] => format!("neither {} nor {} exists", shown(first), shown(second)),
        [] => "it is outside the content folder".to_string(),
    }
}

/// One line of markdown, such as the site's footer, as inline HTML: emphasis,
/// code and links. Raw HTML is shown as text, since the line is a setting and not
/// a page, and links go through [`crate::urls::site_link`] because the line is on
/// every page. `Err` says why the text is more than a line.
pub fn inline_line(text: &str, base_path: &str) -> Result<String, String> {
    if text.trim().contains('\n') {
        return Err("is more than one line".to_string());
    }
    let mut events = Vec::new();
    for event in Parser::new_ext(text.trim(), Options::ENABLE_STRIKETHROUGH) {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = crate::urls::site_link(&dest_url, base_path)
                    .map_err(|why| format!("has a link to `{dest_url}` that {why}"))?;
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })
            }
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => continue,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            )
            | Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak => event,
            Event::Start(Tag::Image { .. }) => {
                return Err("has an image, which a line of text cannot hold".to_string());
            }
            _ => {
                return Err(
                    "is not a line of text: it starts a heading, list, quote or block".to_string(),
                );
            }
        };
        events.push(event);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        let mut targets = HashMap::new();
        targets.insert(
            PathBuf::from("skills/omelette/index.md"),
            "skills/omelette/".to_string(),
        );
        targets.insert(
            PathBuf::from("skills/knife/index.md"),
            "skills/knife/".to_string(),
        );
        targets.insert(
            PathBuf::from("skills/omelette/log/2026-10-03-fold.md"),
            "skills/omelette/2026-10-03-fold/".to_string(),
        );
        targets.insert(
            PathBuf::from("skills/omelette/pan photo.jpg"),
            "skills/omelette/pan photo.jpg".to_string(),
        );
        Links {
            targets,
            base_path: "/portfolio/".to_string(),
            images: HashMap::new(),
            refused: HashMap::new(),
            lengths: HashMap::new(),
        }
    }

    fn render_str(text: &str, dir: &str) -> Rendered {
        let file = SourceFile {
            path: PathBuf::from("content/x.md"),
            text: text.into(),
        };
        render(
            &file,
            &(0..text.len()),
            Path::new(dir),
            Lookups::new(&links(), 0),
            &Highlighter::default(),
        )
    }

    #[test]
    fn a_rendering_holds_until_a_file_its_links_look_for_changes() {
        let r = render_str(
            "[k](../knife/index.md) ![p](pan%20photo.jpg)",
            "skills/omelette",
        );
        let mut l = links();
        assert!(r.deps.hold(&l, 0));
        // An entry the text does not link to: another fingerprint, same answers.
        l.targets.insert(
            "skills/omelette/log/new.md".into(),
            "skills/omelette/new/".into(),
        );
        assert!(r.deps.hold(&l, 1), "a new file the text does not name");
        let mut moved = links();
        moved
            .targets
            .insert("skills/knife/index.md".into(), "skills/knives/".into());
        assert!(
            !r.deps.hold(&moved, 0),
            "a linked file is published elsewhere"
        );
        let mut refused = links();
        refused
            .refused
            .insert("skills/omelette/pan photo.jpg".into(), "too big".into());
        assert!(!r.deps.hold(&refused, 0), "an image refused");
        // The size of an image in the text is not shown, so not looked up.
        let mut sized = links();
        sized
            .lengths
            .insert("skills/omelette/pan photo.jpg".into(), 1);
        assert!(r.deps.hold(&sized, 0));

        // A link that leads nowhere is told the nearest file, so any new file
        // could change its warning.
        let broken = render_str("[m](../missing/index.md)", "skills/omelette");
        assert!(broken.deps.hold(&links(), 0));
        assert!(!broken.deps.hold(&links(), 1), "another set of files");
        let mut found = links();
        found
            .targets
            .insert("skills/missing/index.md".into(), "skills/missing/".into());
        assert!(!broken.deps.hold(&found, 0), "the missing file appears");
    }

    #[test]
    fn rewrites_links_between_content_files_under_the_base_path() {
        let r = render_str(
            "[k](../knife/index.md#grip) [f](log/2026-10-03-fold.md) ![p](pan%20photo.jpg) [e](https://x.org/a.md) [s](#top)",
            "skills/omelette",
        );
        let html = r.html();
        assert!(
            html.contains("href=\"/portfolio/skills/knife/#grip\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"/portfolio/skills/omelette/2026-10-03-fold/\""),
            "{html}"
        );
        assert!(
            html.contains("src=\"/portfolio/skills/omelette/pan%20photo.jpg\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.org/a.md\""), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn a_broken_relative_link_is_a_located_warning() {
        let r = render_str("text\n\n[gone](../nope/index.md)\n", "skills/omelette");
        assert_eq!(r.warnings.len(), 1);
        let loc = r.warnings[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert!(
            r.warnings[0]
                .message
                .contains("content/skills/nope/index.md"),
            "{}",
            r.warnings[0].message
        );
    }

    #[test]
    fn a_heading_inside_a_quote_does_not_start_a_section() {
        let r = render_str("intro\n\n> ## Payoff\n> quoted\n\n## Payoff\n\nreal\n", "");
        assert_eq!(r.sections.len(), 2);
        assert!(
            r.sections[0].body.contains("<blockquote>")
                && r.sections[0].body.contains("</blockquote>")
        );
        assert!(r.sections[1].body.contains("real"));
    }

    #[test]
    fn heading_ids_are_unique_and_sections_split_at_h2() {
        let r = render_str("intro\n\n## Notes\n\na\n\n## Notes\n\n### Deep\n\nb\n", "");
        assert_eq!(r.sections.len(), 3);
        assert!(r.sections[0].body.contains("intro"));
        assert_eq!(r.sections[1].heading.as_ref().unwrap().id, "notes");
        assert_eq!(r.sections[2].heading.as_ref().unwrap().id, "notes-1");
        assert!(r.sections[2].body.contains("<h3 id=\"deep\">Deep</h3>"));
    }

    #[test]
    fn summary_is_the_first_paragraph_or_up_to_the_more_marker() {
        let r = render_str("First *para*.\n\nSecond.\n", "");
        assert_eq!(r.summary, "<p>First <em>para</em>.</p>\n");
        assert_eq!(r.summary_text, "First para.");
        let r = render_str("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n", "");
        assert!(r.summary.contains("Two.") && !r.summary.contains("Three."));
        assert!(r.html().contains("Three.") && !r.html().contains('\u{1}'));
    }

    #[test]
    fn control_characters_in_the_text_are_text() {
        // Sections and the summary are cut at positions, so no character of
        // the text can cut them anywhere else.
        let text = "Odd \u{1} mark and \0 nul.\n\nSecond \u{1}.\n\n## Payoff\n\nThird \u{1}\0.\n";
        let r = render_str(text, "");
        assert_eq!(r.summary, "<p>Odd \u{1} mark and \0 nul.</p>\n");
        assert_eq!(r.summary_text, "Odd \u{1} mark and \0 nul.");
        assert_eq!(r.sections.len(), 2);
        assert_eq!(
            r.sections[0].body,
            "<p>Odd \u{1} mark and \0 nul.</p>\n\n<p>Second \u{1}.</p>\n"
        );
        assert_eq!(
            r.sections[1].heading_html,
            "<h2 id=\"payoff\">Payoff</h2>\n"
        );
        assert_eq!(r.sections[1].body, "\n<p>Third \u{1}\0.</p>\n");
    }

    #[test]
    fn code_is_highlighted_with_classes_and_extensions_work() {
        let r = render_str(
            "```rust\nfn main() {}\n```\n\n| a |\n|---|\n| b |\n\n- [x] done\n\n~~old~~ \"quoted\"\n",
            "",
        );
        let html = r.html();
        assert!(
            html.contains("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"),
            "{html}"
        );
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("<table>") && html.contains("checkbox") && html.contains("<del>"));
        assert!(html.contains("“quoted”"), "{html}");
    }

    #[test]
    fn a_footer_line_is_inline_html_under_the_base_path() {
        let html = inline_line(
            "Made by *me* with [care](/about/) <b>not bold</b> · [mail](mailto:a@b.org)",
            "/p/",
        )
        .unwrap();
        assert_eq!(
            html,
            "Made by <em>me</em> with <a href=\"/p/about/\">care</a> &lt;b&gt;not bold&lt;/b&gt; · <a href=\"mailto:a@b.org\">mail</a>"
        );
        assert_eq!(
            inline_line("# Big", "/").unwrap_err(),
            "is not a line of text: it starts a heading, list, quote or block"
        );
        assert_eq!(
            inline_line("a\n\nb", "/").unwrap_err(),
            "is more than one line"
        );
        assert_eq!(
            inline_line("[x](javascript:alert(1))", "/").unwrap_err(),
            "has a link to `javascript:alert(1)` that must start with https://, http:// or mailto:, or be a path of the site"
        );
    }
}
