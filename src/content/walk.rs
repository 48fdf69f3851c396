//! Walking the site folder: deciding what each file is (skill, log entry, page, home
//! intro, asset, static file), reading them in parallel, and checking what only the
//! whole set can tell, such as two skills that would share a URL.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Asset, Content, EntrySource, SkillSource, SourceFile, page, skill};
use crate::diagnostic::{Diagnostic, io_error};
use crate::slug::slugify;

/// A file to parse: its path, its path under `content/` and what it is.
type Job = (PathBuf, PathBuf, Role);

/// A walk's jobs after the changes the watcher reported.
enum Patch {
    /// As they were: the walk stands.
    Same,
    Jobs(Vec<Job>),
}

#[derive(Clone)]
enum Role {
    Home,
    Page,
    Skill { dir: PathBuf },
    Entry { dir: PathBuf },
}

#[derive(Clone)]
enum Parsed {
    Home(super::HomeSource),
    Page(super::PageSource),
    Skill(Box<SkillSource>),
    Entry(PathBuf, Box<EntrySource>),
    Failed,
}

/// Files that editors, merge tools and operating systems leave beside real content
/// (lock files such as `.#index.md` start with a dot). They are never published:
/// a backup holds whatever the page said before, drafts and private notes included.
/// JetBrains editors save through `index.md___jb_tmp___` and keep the old text in
/// `index.md___jb_old___` for an instant.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".orig")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with("___jb_bak___")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "Thumbs.db"
}

/// Parsed files kept by `serve` between loads: a file whose size and modification
/// time are unchanged is not read or parsed again.
#[derive(Default)]
pub struct Cache {
    files: Mutex<HashMap<PathBuf, CachedFile>>,
    /// The paths (files or folders) changed since the last load, when a file
    /// watcher says so: every other cached file is reused without even a look at
    /// its size and time, which on a large site is most of a rebuild's reading.
    changed: Mutex<Option<Vec<PathBuf>>>,
    /// The last walk of `content/`, reused while only known files change.
    walk: Mutex<Option<Arc<Walk>>>,
    /// How many walks this cache has made: each walk's number tells loads apart
    /// that found different files.
    walks: std::sync::atomic::AtomicU64,
    /// The skills of the last load that read without a problem, by folder: while
    /// no file of a skill changed, the very same skill is handed on, and
    /// everything later made from it can be reused by identity.
    skills: Mutex<HashMap<PathBuf, Arc<SkillSource>>>,
}

/// What a walk of `content/` found: the files to parse and what each one is, the
/// assets, the skills' slugs, and problems met on the way.
#[derive(Default)]
struct Walk {
    /// Which walk of its cache this is (0 without a cache).
    number: u64,
    jobs: Vec<Job>,
    assets: Vec<(PathBuf, Asset)>,
    skill_slugs: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Cache {
    /// Tells the next load that only `paths` (and what is below them) changed
    /// since the previous load. Paths add up until a load reads the content: a
    /// rebuild that fails earlier (a broken `site.toml`) must not lose them.
    pub fn only_changed(&self, paths: &[PathBuf]) {
        let mut changed = self.changed.lock().unwrap_or_else(|e| e.into_inner());
        changed
            .get_or_insert_with(Vec::new)
            .extend_from_slice(paths);
    }
}

/// A file as it was when parsed: its size and modification time, and the result.
type CachedFile = (Stamp, Parsed, Vec<Diagnostic>);

type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// Reads the whole site folder, drafts included (the model decides what is
/// published). Problems come back as diagnostics beside whatever could be read,
/// so one run reports every broken file at once.
pub fn load(root: &Path) -> (Content, Vec<Diagnostic>) {
    load_cached(root, None)
}

/// [`load`], reusing what `cache` holds for files that did not change.
pub fn load_cached(root: &Path, cache: Option<&Cache>) -> (Content, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut content = Content::default();
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("this folder has no `content/` folder")
                .in_file(root)
                .hint("run the command from your portfolio's folder, pass `--root DIR`, or start one with `skillfolio init`"),
        );
        return (content, diagnostics);
    }

    let reuse = Reuse::new(cache, content_dir);
    let walk = reuse.walk(root);
    diagnostics.extend(walk.diagnostics.iter().cloned());
    content.assets = walk.assets.clone();
    content.skill_slugs = walk.skill_slugs.clone();

    let mut read = Read {
        unchanged: reuse.unchanged_skills(),
        ..Read::default()
    };
    let to_read: Vec<&Job> = (walk.jobs.iter())
        .filter(|(_, _, role)| match role {
            Role::Skill { dir } | Role::Entry { dir } => !read.unchanged.contains_key(dir),
            Role::Home | Role::Page => true,
        })
        .collect();
    let parsed: Vec<(Parsed, Vec<Diagnostic>)> = to_read
        .par_iter()
        .map(|(path, rel, role)| reuse.parse(path, rel, role))
        .collect();
    for ((parsed, errors), (_, _, role)) in parsed.into_iter().zip(to_read) {
        read.add(parsed, errors, role, &mut content, &mut diagnostics);
    }
    read.gather_skills(&walk, &mut content, &mut diagnostics);
    for (dir, entries) in &read.entries_by_dir {
        orphan_entries(root, dir, entries, &mut diagnostics);
    }

    reuse.keep_skills(&content, &read.troubled);
    // Only a load that read every file it found can stand for that set of files.
    let read_all = !diagnostics.iter().any(Diagnostic::is_error);
    content.walk = (cache.is_some() && read_all).then_some(walk.number);

    content.skills.sort_by(|a, b| a.slug.cmp(&b.slug));
    content.pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    content.assets.sort();
    content.static_files = static_files(root, &mut diagnostics);
    (content, diagnostics)
}

/// What a load takes from the cache and gives back to it: the walk, the skills
/// none of whose files changed, and each file's parse.
struct Reuse<'a> {
    cache: Option<&'a Cache>,
    /// The paths changed since the last load, when a watcher said so.
    changed: Option<Vec<PathBuf>>,
    content_dir: PathBuf,
}

impl<'a> Reuse<'a> {
    fn new(cache: Option<&'a Cache>, content_dir: PathBuf) -> Self {
        let changed =
            cache.and_then(|c| c.changed.lock().unwrap_or_else(|e| e.into_inner()).take());
        Reuse {
            cache,
            changed,
            content_dir,
        }
    }

    /// The walk of `content/`: the last one while only known files changed,
    /// the last one patched while only log entries came or went, else a new one.
    fn walk(&self, root: &Path) -> Arc<Walk> {
        let cache = self.cache;
        let last = cache.and_then(|c| c.walk.lock().unwrap_or_else(|e| e.into_inner()).clone());
        let patched = match last.map(|w| (self.patched(&w), w)) {
            Some((Some(Patch::Same), last)) => return last,
            Some((Some(Patch::Jobs(jobs)), last)) => Some(Walk {
                number: 0,
                jobs,
                assets: last.assets.clone(),
                skill_slugs: last.skill_slugs.clone(),
                diagnostics: last.diagnostics.clone(),
            }),
            _ => None,
        };
        let mut walk = patched.unwrap_or_else(|| walk_content(root, &self.content_dir));
        if let Some(cache) = cache {
            walk.number = 1 + cache
                .walks
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let walk = Arc::new(walk);
        if let Some(cache) = cache {
            *cache.walk.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&walk));
        }
        walk
    }

    /// How the last walk's jobs change with what the watcher reported, when
    /// only log entries came or went: on a large site a new walk costs a new
    /// entry tens of milliseconds. Edits to known files leave them as they
    /// were, and so do an editor's temporary files that came and went. `None`
    /// for anything else (a new skill, asset or page, a folder, an unreported
    /// change), which a new walk finds. Links are not followed by the walk,
    /// so they are looked at, not through.
    fn patched(&self, last: &Walk) -> Option<Patch> {
        let changed = self.changed.as_ref()?;
        let mut patched: Option<Vec<Job>> = None;
        for path in changed.iter().filter(|p| p.starts_with(&self.content_dir)) {
            let jobs = patched.as_ref().unwrap_or(&last.jobs);
            let known = jobs.iter().position(|(j, _, _)| j == path);
            match (known, fs::symlink_metadata(path)) {
                // Edited in place.
                (Some(_), Ok(meta)) if meta.is_file() => {}
                (Some(i), Err(_)) if matches!(jobs[i].2, Role::Entry { .. }) => {
                    patched.get_or_insert_with(|| last.jobs.clone()).remove(i);
                }
                // Came and went, with nothing known below it.
                (None, Err(_)) => {
                    let below = |p: &Path| p.starts_with(path);
                    if jobs.iter().any(|(j, _, _)| below(j))
                        || last.assets.iter().any(|(_, a)| below(&a.source))
                    {
                        return None;
                    }
                }
                (None, Ok(meta)) if meta.is_file() => {
                    let jobs = patched.get_or_insert_with(|| last.jobs.clone());
                    self.add_entry(jobs, path)?;
                }
                _ => return None,
            }
        }
        Some(patched.map_or(Patch::Same, Patch::Jobs))
    }

    /// Puts the new file at `path` among `jobs` where a walk would find it,
    /// if it is a log entry of a known skill: log entries are the only jobs
    /// of their folder, in the order of their names.
    fn add_entry(&self, jobs: &mut Vec<Job>, path: &Path) -> Option<()> {
        let rel = path.strip_prefix(&self.content_dir).ok()?.to_path_buf();
        let parts: Vec<&std::ffi::OsStr> = rel.iter().collect();
        let [skills, dir, log, name] = parts.as_slice() else {
            return None;
        };
        let published = *skills == "skills"
            && *log == "log"
            && rel.extension().is_some_and(|e| e == "md")
            && !is_ignored(&name.to_string_lossy());
        // A walk does not go through a linked folder.
        let log_dir = path.parent()?;
        if !published || !fs::symlink_metadata(log_dir).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let dir = Path::new(skills).join(dir);
        let is_skill = |role: &Role| matches!(role, Role::Skill { dir: d } if *d == dir);
        let of_folder = |j: &Path| j.parent() == Some(log_dir);
        // The skill's `index.md` comes right before them: nothing else in a
        // skill's folder is a job.
        let start = 1 + jobs.iter().position(|(_, _, role)| is_skill(role))?;
        let end = start
            + (jobs[start..].iter())
                .take_while(|(j, _, _)| of_folder(j))
                .count();
        let at = (start..end)
            .find(|&i| jobs[i].0.file_name() > Some(*name))
            .unwrap_or(end);
        jobs.insert(at, (path.to_path_buf(), rel.clone(), Role::Entry { dir }));
        Some(())
    }

    /// Skills none of whose files or folders changed. A new walk changes
    /// nothing for them: a skill is read from its own folder alone (its
    /// entries, and its assets, which its entries' addresses must not take),
    /// and whatever changed in that folder was reported.
    fn unchanged_skills(&self) -> HashMap<PathBuf, Arc<SkillSource>> {
        match (self.cache, &self.changed) {
            (Some(cache), Some(changed)) => {
                let mut skills =
                    std::mem::take(&mut *cache.skills.lock().unwrap_or_else(|e| e.into_inner()));
                skills.retain(|dir, _| {
                    let dir = self.content_dir.join(dir);
                    !changed
                        .iter()
                        .any(|c| c.starts_with(&dir) || dir.starts_with(c))
                });
                skills
            }
            _ => HashMap::new(),
        }
    }

    /// The file at `path` parsed, or its parse from the cache when the file is
    /// known not to have changed.
    fn parse(&self, path: &PathBuf, rel: &Path, role: &Role) -> (Parsed, Vec<Diagnostic>) {
        // The cached parse, if `current` accepts the stamp it was made at.
        let cached = |current: &dyn Fn(&Stamp) -> bool| {
            let files = self.cache?.files.lock().unwrap_or_else(|e| e.into_inner());
            let (s, parsed, errors) = files.get(path)?;
            current(s).then(|| (parsed.clone(), errors.clone()))
        };
        let unreported = self
            .changed
            .as_ref()
            .is_some_and(|changed| !changed.iter().any(|c| path.starts_with(c)));
        if unreported && let Some(hit) = cached(&|_| true) {
            return hit;
        }
        let stamp = self.cache.and(stamp(path));
        if let Some(hit) = cached(&|s| Some(*s) == stamp) {
            return hit;
        }
        let (parsed, errors) = parse(path, rel, role);
        if let (Some(cache), Some(stamp)) = (self.cache, stamp) {
            let mut files = cache.files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(path.clone(), (stamp, parsed.clone(), errors.clone()));
        }
        (parsed, errors)
    }

    /// Hands the skills read without a problem to the next load.
    fn keep_skills(&self, content: &Content, troubled: &HashSet<PathBuf>) {
        if let Some(cache) = self.cache {
            let clean = content
                .skills
                .iter()
                .filter(|s| !troubled.contains(&s.dir))
                .map(|s| (s.dir.clone(), Arc::clone(s)))
                .collect();
            *cache.skills.lock().unwrap_or_else(|e| e.into_inner()) = clean;
        }
    }
}

/// Reads and parses the file at `path`, `rel` under `content/`, as `role` says.
fn parse(path: &Path, rel: &Path, role: &Role) -> (Parsed, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let display = Path::new("content").join(rel);
    let parsed = match read_text(path, &display) {
        Err(d) => {
            errors.push(d);
            Parsed::Failed
        }
        Ok(file) => match role {
            Role::Home => page::parse_home(file, &mut errors).map(Parsed::Home),
            Role::Page => page::parse_page(file, rel.to_path_buf(), &mut errors).map(Parsed::Page),
            Role::Skill { dir } => skill::parse_skill(file, dir.clone(), &mut errors)
                .map(|s| Parsed::Skill(Box::new(s))),
            Role::Entry { dir } => skill::parse_entry(file, rel, &mut errors)
                .map(|e| Parsed::Entry(dir.clone(), Box::new(e))),
        }
        .unwrap_or(Parsed::Failed),
    };
    (parsed, errors)
}

/// The skills and entries of a load as they are read, before each entry joins
/// its skill.
#[derive(Default)]
struct Read {
    /// Skills taken whole from the last load.
    unchanged: HashMap<PathBuf, Arc<SkillSource>>,
    /// Skills read now, by folder.
    fresh: HashMap<PathBuf, SkillSource>,
    entries_by_dir: HashMap<PathBuf, Vec<EntrySource>>,
    /// Skills with a problem in one of their files are read again by every load,
    /// so the problem is reported every time.
    troubled: HashSet<PathBuf>,
}

impl Read {
    fn add(
        &mut self,
        parsed: Parsed,
        errors: Vec<Diagnostic>,
        role: &Role,
        content: &mut Content,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if !errors.is_empty()
            && let Role::Skill { dir } | Role::Entry { dir } = role
        {
            self.troubled.insert(dir.clone());
        }
        diagnostics.extend(errors);
        match parsed {
            Parsed::Home(h) => content.home = h,
            Parsed::Page(p) => content.pages.push(p),
            Parsed::Skill(s) => {
                self.fresh.insert(s.dir.clone(), *s);
            }
            Parsed::Entry(dir, e) => self.entries_by_dir.entry(dir).or_default().push(*e),
            Parsed::Failed => {}
        }
    }

    /// Puts each skill, with its entries, into `content`, in the walk's order,
    /// which decides which of two skills with one slug stays.
    fn gather_skills(
        &mut self,
        walk: &Walk,
        content: &mut Content,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut slugs: HashMap<String, PathBuf> = HashMap::new();
        for (_, _, role) in &walk.jobs {
            let Role::Skill { dir } = role else {
                continue;
            };
            let kept = self.unchanged.remove(dir);
            let read = self.fresh.remove(dir);
            let Some(source) = kept.as_deref().or(read.as_ref()) else {
                continue;
            };
            if let Some(first) = slugs.get(&source.slug) {
                diagnostics.push(duplicate_skill(&source.slug, first, &source.file));
                self.troubled.insert(dir.clone());
                self.entries_by_dir.remove(dir);
                continue;
            }
            slugs.insert(source.slug.clone(), source.file.path.clone());
            let skill = match (kept, read) {
                (Some(skill), _) => skill,
                (None, Some(mut skill)) => {
                    skill.entries = self.entries_by_dir.remove(dir).unwrap_or_default();
                    // One folder's files: their paths compare as their names, and bytes
                    // compare far faster than path components.
                    skill
                        .entries
                        .sort_by(|a, b| a.file.path.as_os_str().cmp(b.file.path.as_os_str()));
                    let before = diagnostics.len();
                    check_entry_slugs(&mut skill, &content.assets, diagnostics);
                    if diagnostics.len() > before {
                        self.troubled.insert(dir.clone());
                    }
                    Arc::new(skill)
                }
                (None, None) => continue,
            };
            content.skills.push(skill);
        }
    }
}

/// An error for entries in `content/<dir>/log` when the skill has no write-up.
fn orphan_entries(
    root: &Path,
    dir: &Path,
    entries: &[EntrySource],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let index = Path::new("content").join(dir).join("index.md");
    if !root.join(&index).exists() {
        let first = &entries[0].file.path;
        diagnostics.push(
            Diagnostic::error(format!(
                "log entries found for a skill without a write-up: {} has no index.md",
                Path::new("content").join(dir).display()
            ))
            .in_file(first)
            .hint("create index.md in the skill's folder with at least `title` and `started`"),
        );
    }
}

/// The files of `static/`, copied as they are.
fn static_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Asset> {
    let static_dir = root.join("static");
    let mut files = Vec::new();
    if static_dir.is_dir() {
        for (path, rel) in walk_files(&static_dir, root, diagnostics) {
            let output = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push(Asset {
                len: file_len(&path),
                source: path,
                output,
            });
        }
        files.sort();
    }
    files
}

/// Lists `content/` and tells what each file is.
fn walk_content(root: &Path, content_dir: &Path) -> Walk {
    let mut walk = Walk::default();
    let diagnostics = &mut walk.diagnostics;
    for (path, rel) in walk_files(content_dir, root, diagnostics) {
        let rel_str: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let is_md = rel.extension().is_some_and(|e| e == "md");
        let role = match rel_str.as_slice() {
            [name] if name == "_index.md" => Some(Role::Home),
            [skills, name] if skills == "skills" => {
                if is_md {
                    diagnostics.push(
                        Diagnostic::error(
                            "a skill must be a folder with an `index.md`, not a single file",
                        )
                        .in_file(&root.join("content").join(&rel))
                        .hint(format!(
                            "move it to content/skills/{}/index.md",
                            name.trim_end_matches(".md")
                        )),
                    );
                }
                None
            }
            [skills, dir, index] if skills == "skills" && index == "index.md" => {
                Some(Role::Skill {
                    dir: PathBuf::from("skills").join(dir),
                })
            }
            [skills, dir, log, _] if skills == "skills" && log == "log" && is_md => {
                Some(Role::Entry {
                    dir: PathBuf::from("skills").join(dir),
                })
            }
            // Inside a skill folder only index.md and log/*.md are pages. Any other
            // markdown file there is a source (notes, ideas, a draft) and is never
            // published, neither as a page nor copied raw.
            [skills, _, ..] if skills == "skills" && is_md => {
                if !is_draft(&path) {
                    diagnostics.push(unpublished_markdown(&Path::new("content").join(&rel)));
                }
                continue;
            }
            [skills, _, ..] if skills == "skills" => None,
            _ if is_md => Some(Role::Page),
            _ => None,
        };
        if let Some(Role::Skill { dir }) = &role {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            walk.skill_slugs.push(slugify(&name));
        }
        match role {
            Some(role) => walk.jobs.push((path, rel, role)),
            None => {
                let output = asset_output(&rel_str);
                walk.assets.push((
                    rel,
                    Asset {
                        len: file_len(&path),
                        source: path,
                        output,
                    },
                ));
            }
        }
    }
    walk
}

/// A markdown file in a skill's folder that is neither `index.md` nor a log entry:
/// left out of the site, which is worth saying in case it was meant as a page.
fn unpublished_markdown(path: &Path) -> Diagnostic {
    let shown = path.to_string_lossy().replace('\\', "/");
    Diagnostic::warning(format!(
        "{shown} is not published: inside a skill's folder only index.md and log/*.md are pages"
    ))
    .in_file(path)
    .hint("to publish it, move it into the skill's log/ folder as an entry (with `title` and `date`) or to content/ as a page; to keep it private and silence this, give it front matter with `draft = true`")
}

/// Whether a markdown file's front matter says `draft = true`; a file without
/// readable front matter is not a draft.
fn is_draft(path: &Path) -> bool {
    let Ok(file) = read_text(path, path) else {
        return false;
    };
    let Some(toml) = super::frontmatter::split(&file).ok().and_then(|s| s.toml) else {
        return false;
    };
    toml::from_str::<toml::Table>(&file.text[toml])
        .ok()
        .and_then(|t| t.get("draft").and_then(toml::Value::as_bool))
        .unwrap_or(false)
}

/// A skill's assets go under the skill's slug, so a folder named "Perfect Omelette"
/// still serves its photo from `/skills/perfect-omelette/`.
fn asset_output(rel: &[String]) -> String {
    match rel {
        [skills, dir, rest @ ..] if skills == "skills" && !rest.is_empty() => {
            let mut parts = vec!["skills".to_string(), slugify(dir)];
            parts.extend(rest.iter().cloned());
            parts.join("/")
        }
        _ => rel.join("/"),
    }
}

/// Every regular file below `dir`, in a stable order, with its path relative to `dir`.
/// Symbolic links are not followed: a link could lead outside the site.
fn walk_files(
    dir: &Path,
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, PathBuf)> {
    let mut files = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_path_buf();
                files.push((e.path().to_path_buf(), rel));
            }
            Ok(e) if e.path_is_symlink() => {
                let shown = e.path().strip_prefix(root).unwrap_or(e.path());
                diagnostics.push(
                    Diagnostic::warning("symbolic link skipped: links are not followed, so nothing outside the site is read")
                        .in_file(shown)
                        .hint("copy the file into the site folder instead"),
                );
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                diagnostics.push(
                    Diagnostic::error(format!("could not read {}: {err}", path.display()))
                        .in_file(&path),
                );
            }
        }
    }
    files
}

/// Reads a file as UTF-8; anything else is named with the byte where it goes wrong.
pub fn read_text(path: &Path, display: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| io_error("read", display, &e))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile {
            path: display.to_path_buf(),
            text: text.into(),
        }),
        Err(e) => {
            // Point at the first bad byte, quoting the valid start of its line.
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line_end = bytes[offset..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| offset + i);
            let valid = String::from_utf8_lossy(&bytes[..line_end]);
            let shown = &valid[..valid.len().min(offset)];
            Err(
                Diagnostic::error(format!("file is not valid UTF-8 (byte {offset})"))
                    .at(display, shown, offset, 1)
                    .hint("save the file as UTF-8 in your editor (it may be in Latin-1 or Windows-1252)"),
            )
        }
    }
}

/// Two skills whose folder names make one slug: the first keeps it.
fn duplicate_skill(slug: &str, first: &Path, file: &SourceFile) -> Diagnostic {
    Diagnostic::error(format!(
        "two skills have the slug `{slug}`: {} and {}",
        first.display(),
        file.path.display()
    ))
    .at(&file.path, &file.text, 0, 3)
    .hint("slugs come from folder names, lowercased with punctuation turned into hyphens; rename one folder")
}

/// Two entries of a skill whose file names make one slug, or an entry slug that
/// is also the name of one of the skill's files or folders: the first keeps it.
fn check_entry_slugs(
    skill: &mut SkillSource,
    assets: &[(PathBuf, Asset)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut reserved = vec!["atom.xml".to_string()];
    reserved.extend(content_asset_dirs(&skill.dir, assets));
    let slug = &skill.slug;
    skill.entries.retain(|e| {
        if let Some(first) = seen.get(&e.slug) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "two log entries of `{slug}` have the slug `{}`: {} and {}",
                    e.slug,
                    first.display(),
                    e.file.path.display()
                ))
                .at(&e.file.path, &e.file.text, 0, 3)
                .hint("slugs come from file names, lowercased with punctuation turned into hyphens; rename one file"),
            );
            return false;
        }
        if reserved.contains(&e.slug) {
            diagnostics.push(
                Diagnostic::error(format!("the log entry slug `{}` clashes with a file or folder of the skill", e.slug))
                    .at(&e.file.path, &e.file.text, 0, 3)
                    .hint("rename the entry's file"),
            );
            return false;
        }
        seen.insert(e.slug.clone(), e.file.path.clone());
        true
    });
}

/// Top-level names of a skill's assets (files and folders), which entry URLs must not reuse.
fn content_asset_dirs(skill_dir: &Path, assets: &[(PathBuf, Asset)]) -> Vec<String> {
    assets
        .iter()
        .filter_map(|(rel, _)| rel.strip_prefix(skill_dir).ok())
        .filter_map(|p| p.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|name| name != "log")
        .collect()
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(root: &Path, rel: &str) -> PathBuf {
        let path = root.join("content").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "+++\ntitle = \"x\"\n+++\n").unwrap();
        path
    }

    /// Each job's path under `content/`, in the walk's order.
    fn rels(jobs: &[Job]) -> Vec<PathBuf> {
        jobs.iter().map(|(_, rel, _)| rel.clone()).collect()
    }

    #[test]
    fn new_and_removed_entries_patch_the_walk_into_the_one_a_new_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let (root, content) = (dir.path(), dir.path().join("content"));
        for rel in [
            "_index.md",
            "about.md",
            "skills/knife-work/index.md",
            "skills/knife-work/photo.jpg",
            "skills/omelette/index.md",
            "skills/omelette/log/2026-10-01-first.md",
            "skills/omelette/log/2026-10-03-third.md",
        ] {
            file(root, rel);
        }
        let last = walk_content(root, &content);
        let cache = Cache::default();
        cache.only_changed(&[
            // Between two entries, before the first, into an empty log.
            file(root, "skills/omelette/log/2026-10-02-second.md"),
            file(root, "skills/omelette/log/2026-09-30-before.md"),
            file(root, "skills/knife-work/log/2026-10-05-grip.md"),
            // An editor's leftover that came and went.
            content.join("skills/omelette/log/.2026-10-02-second.md.swp"),
        ]);
        let removed = content.join("skills/omelette/log/2026-10-03-third.md");
        fs::remove_file(&removed).unwrap();
        cache.only_changed(&[removed]);
        let reuse = Reuse::new(Some(&cache), content.clone());
        let Some(Patch::Jobs(patched)) = reuse.patched(&last) else {
            panic!("only entries came and went");
        };
        assert_eq!(rels(&patched), rels(&walk_content(root, &content).jobs));

        // An edit, and a leftover that came and went, leave the walk as it is.
        let cache = Cache::default();
        cache.only_changed(&[
            content.join("about.md"),
            content.join("skills/omelette/log/2026-10-01-first.md~"),
        ]);
        let reuse = Reuse::new(Some(&cache), content.clone());
        assert!(matches!(reuse.patched(&last), Some(Patch::Same)));

        // Anything else takes a new walk: a new page, asset or skill, a
        // file deeper in a log folder, a removed skill.
        for new in [
            "news.md",
            "skills/omelette/pan.jpg",
            "skills/bread/index.md",
            "skills/omelette/log/old/2026-01-01-x.md",
        ] {
            let cache = Cache::default();
            cache.only_changed(&[file(root, new)]);
            let reuse = Reuse::new(Some(&cache), content.clone());
            assert!(reuse.patched(&last).is_none(), "{new}");
        }
        let cache = Cache::default();
        let gone = content.join("skills/knife-work/index.md");
        fs::remove_file(&gone).unwrap();
        cache.only_changed(&[gone]);
        assert!(Reuse::new(Some(&cache), content).patched(&last).is_none());
    }
}
