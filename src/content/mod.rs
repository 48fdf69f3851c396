//! Reading the content folder into plain data: every skill, log entry, page and
//! asset with its front matter checked. Loading never renders; it only reads and
//! validates, so the model can be built from it without touching the disk again.

pub mod anatomy;
pub mod frontmatter;
mod page;
mod skill;
mod walk;
mod yaml;

use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

pub use anatomy::Part;
pub use frontmatter::DateValue;
pub use walk::{Cache, is_ignored, load, load_cached};

/// A file's text and the path it is reported under (relative to the site root).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Shared: `serve` keeps every file between rebuilds and hands the same text
    /// to each new model instead of copying it.
    pub text: std::sync::Arc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Learning,
    Practising,
    Mastered,
    Paused,
}

impl Status {
    pub const KEYS: [&'static str; 4] = ["learning", "practising", "mastered", "paused"];
    pub fn from_key(key: &str) -> Option<Status> {
        Some(match key {
            "learning" => Status::Learning,
            "practising" => Status::Practising,
            "mastered" => Status::Mastered,
            "paused" => Status::Paused,
            _ => return None,
        })
    }
    pub fn key(self) -> &'static str {
        Status::KEYS[self as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Practice,
    Payoff,
    Experiment,
    Setback,
    Milestone,
}

impl Kind {
    pub const KEYS: [&'static str; 5] =
        ["practice", "payoff", "experiment", "setback", "milestone"];

    pub fn from_key(key: &str) -> Option<Kind> {
        Some(match key {
            "practice" => Kind::Practice,
            "payoff" => Kind::Payoff,
            "experiment" => Kind::Experiment,
            "setback" => Kind::Setback,
            "milestone" => Kind::Milestone,
            _ => return None,
        })
    }
    pub fn key(self) -> &'static str {
        Kind::KEYS[self as usize]
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Target {
    pub minutes: Option<u32>,
    pub sessions: Option<u32>,
}

/// A value from front matter together with where it was written, for later checks
/// (a `related` slug, an evidence path) that can only be made once everything is read.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct EvidenceSource {
    pub src: Located<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// For a video: the image shown until the visitor plays it.
    pub poster: Option<Located<String>>,
}

#[derive(Debug, Clone)]
pub struct SkillSource {
    pub slug: String,
    /// The skill's folder, relative to `content/`, as named on disk.
    pub dir: PathBuf,
    pub file: SourceFile,
    pub body: Range<usize>,
    pub title: String,
    pub summary: Option<String>,
    pub field: Option<String>,
    /// Where the `field` key is written, for pointing at it.
    pub field_span: Range<usize>,
    pub tags: Vec<String>,
    pub started: Date,
    pub status: Status,
    pub target: Target,
    pub related: Vec<Located<String>>,
    pub draft: bool,
    /// The photo a shared link to the skill shows.
    pub cover: Option<EvidenceSource>,
    pub entries: Vec<EntrySource>,
}

#[derive(Debug, Clone)]
pub struct EntrySource {
    pub slug: String,
    pub file: SourceFile,
    pub body: Range<usize>,
    pub title: String,
    /// Where the `title` key is written, for pointing at it.
    pub title_span: Range<usize>,
    pub date: DateValue,
    /// Where the date is written, for pointing at it.
    pub date_span: Range<usize>,
    pub minutes: u32,
    pub kind: Kind,
    pub part: Option<Part>,
    pub evidence: Vec<EvidenceSource>,
    pub tags: Vec<String>,
    pub draft: bool,
}

#[derive(Debug, Clone)]
pub struct PageSource {
    /// Relative to `content/`, e.g. `about.md` or `notes/gear.md`.
    pub rel: PathBuf,
    pub file: SourceFile,
    pub body: Range<usize>,
    pub title: String,
    pub description: Option<String>,
    pub draft: bool,
}

#[derive(Debug, Clone, Default)]
pub struct HomeSource {
    pub file: Option<SourceFile>,
    pub body: Range<usize>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A file copied as-is: co-located content assets and everything under `static/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    pub source: PathBuf,
    /// Where it goes, relative to the output root, `/`-separated.
    pub output: String,
    /// Its size in bytes when read, for feed enclosures.
    pub len: u64,
}

/// Everything read from the site folder.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub home: HomeSource,
    /// Shared, so `serve` can hand an unchanged skill to the next model as is.
    pub skills: Vec<std::sync::Arc<SkillSource>>,
    pub pages: Vec<PageSource>,
    /// Co-located assets, keyed by their path relative to `content/`.
    pub assets: Vec<(PathBuf, Asset)>,
    pub static_files: Vec<Asset>,
    /// The slug of every skill folder with an `index.md`, including those whose
    /// front matter failed, so a `related` link to a broken skill is not reported
    /// as a second, misleading error.
    pub skill_slugs: Vec<String>,
    /// When `serve` read every file without an error: the number of the walk of
    /// `content/` that found them. Loads with the same number have the same
    /// files, so what depends only on which files exist can be reused.
    pub walk: Option<u64>,
}

/// Joins a relative path onto a folder without touching the disk, resolving `.` and
/// `..`; `None` when the result would climb above the folder's root.
pub fn join_normalized(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for piece in rel.split(['/', '\\']) {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p.to_string()),
        }
    }
    Some(parts.iter().collect())
}

/// The places a relative path written in a file of the content folder `dir` may
/// name, in the order they are tried: beside the file, then, for a file below a
/// skill's folder (its `log/`), in the skill's folder. A skill is one bundle, so a
/// log entry may name the photo beside `index.md` as plainly as `index.md` does.
pub fn asset_candidates(dir: &Path, rel: &str) -> Vec<PathBuf> {
    let mut places: Vec<PathBuf> = join_normalized(dir, rel).into_iter().collect();
    if let Some(bundle) = skill_bundle(dir)
        && bundle != dir
        && let Some(path) = join_normalized(&bundle, rel)
        && path.starts_with(&bundle)
        && !places.contains(&path)
    {
        places.push(path);
    }
    places
}

/// The folder of the skill that `dir` is in or below (`skills/<name>/log` ->
/// `skills/<name>`), if any.
fn skill_bundle(dir: &Path) -> Option<PathBuf> {
    let mut parts = dir.components();
    let skills = parts.next()?;
    let name = parts.next()?;
    (skills.as_os_str() == "skills").then(|| Path::new("skills").join(name.as_os_str()))
}

/// `content/<path>`, `/`-separated, as messages name a place in the content folder.
pub fn shown(path: &Path) -> String {
    format!("content/{}", path.to_string_lossy().replace('\\', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_entry_finds_assets_beside_the_file_then_beside_index_md() {
        let log = Path::new("skills/Omelette/log");
        assert_eq!(
            asset_candidates(log, "fold.jpg"),
            vec![
                PathBuf::from("skills/Omelette/log/fold.jpg"),
                PathBuf::from("skills/Omelette/fold.jpg")
            ]
        );
        // `../fold.jpg` already names the skill's folder: tried once.
        assert_eq!(
            asset_candidates(log, "../fold.jpg"),
            vec![PathBuf::from("skills/Omelette/fold.jpg")]
        );
        // index.md and plain pages have only their own folder.
        assert_eq!(
            asset_candidates(Path::new("skills/Omelette"), "fold.jpg"),
            vec![PathBuf::from("skills/Omelette/fold.jpg")]
        );
        assert_eq!(
            asset_candidates(Path::new("notes"), "a.png"),
            vec![PathBuf::from("notes/a.png")]
        );
        assert!(asset_candidates(Path::new(""), "../../x").is_empty());
    }
}
