//! Writing new content files: a whole portfolio (`init`), a skill (`new`) and a
//! log entry (`log`). Logging must take seconds or it stops happening, so these
//! do the tedious parts (dates, slugs, front matter) and never overwrite a file.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::content::{Kind, Part, is_ignored};
use crate::diagnostic::{Diagnostic, did_you_mean, io_error};
use crate::slug::slugify;

const SITE_TOML: &str = include_str!("files/site.toml");
const HOME: &str = include_str!("files/_index.md");
const EXAMPLE_SKILL: &str = include_str!("files/skill.md");
const EXAMPLE_ENTRY: &str = include_str!("files/entry.md");

/// A continuous-integration service `init --ci` writes a publishing workflow for.
/// The same files are the recipes of `docs/deploy.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    Github,
    Gitlab,
}

impl Ci {
    pub const KEYS: [&'static str; 2] = ["github", "gitlab"];

    pub fn from_key(key: &str) -> Option<Ci> {
        match key {
            "github" => Some(Ci::Github),
            "gitlab" => Some(Ci::Gitlab),
            _ => None,
        }
    }

    /// Where the workflow goes in the portfolio, and its text.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            Ci::Github => (
                ".github/workflows/pages.yml",
                include_str!("files/ci/github.yml"),
            ),
            Ci::Gitlab => (".gitlab-ci.yml", include_str!("files/ci/gitlab.yml")),
        }
    }
}

/// A TOML string literal, quoted and escaped.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Creates `path` with `text`, failing rather than replacing an existing file.
fn create(path: &Path, text: &[u8]) -> Result<(), Diagnostic> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::error(format!(
                    "{} already exists; nothing was overwritten",
                    path.display()
                ))
                .hint("choose another name, or move the file away first")
            } else {
                io_error("create", path, &e)
            }
        })?;
    file.write_all(text)
        .map_err(|e| io_error("write", path, &e))
}

/// `init`: a portfolio that builds at once, with one example skill and entry.
/// Refuses a folder with anything in it unless `force`, and even then never
/// replaces a file.
pub fn init(
    dir: &Path,
    force: bool,
    theme_copy: bool,
    ci: Option<Ci>,
    today: Date,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let occupied = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| !is_ignored(&e.file_name().to_string_lossy()))
        })
        .unwrap_or(false);
    if occupied && !force {
        return Err(Diagnostic::error(format!(
            "{} is not empty; a new portfolio starts in an empty folder",
            dir.display()
        ))
        .hint("name a new folder (`skillfolio init my-portfolio`), or pass `--force` to add the files that are missing here without touching the others"));
    }
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.is_empty())
        .map_or_else(|| "My skill portfolio".to_string(), |n| title_case(&n));
    let title = quote(&name);
    let day = today.to_string();
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            dir.join("site.toml"),
            SITE_TOML.replace("{title}", &title).into_bytes(),
        ),
        (
            dir.join("content/_index.md"),
            HOME.replace("{title}", &title).into_bytes(),
        ),
        (
            dir.join("content/skills/bowline/index.md"),
            EXAMPLE_SKILL.replace("{today}", &day).into_bytes(),
        ),
        (
            dir.join(format!("content/skills/bowline/log/{day}-first-knots.md")),
            EXAMPLE_ENTRY.replace("{today}", &day).into_bytes(),
        ),
    ];
    if let Some((rel, text)) = ci.map(Ci::file) {
        files.push((dir.join(rel), text.as_bytes().to_vec()));
    }
    if theme_copy {
        for (rel, bytes) in crate::theme::default_theme_files() {
            files.push((dir.join("themes/default").join(rel), bytes.to_vec()));
        }
    }
    let mut created = Vec::new();
    for (path, text) in files {
        if path.exists() {
            continue;
        }
        create(&path, &text)?;
        created.push(path);
    }
    Ok(created)
}

/// "my-portfolio" -> "My portfolio", for a first title.
fn title_case(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `new`: a skill's write-up with its front matter and the six part headings.
pub fn new_skill(
    root: &Path,
    title: &str,
    field: Option<&str>,
    tags: &[String],
    today: Date,
    language: &crate::i18n::Language,
) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(format!("`{title}` has no letters or digits to make a slug from"))
            .hint("give the skill a name with letters or digits, e.g. `skillfolio new \"Perfect omelette\"`"));
    }
    let dir = root.join("content/skills").join(&slug);
    if dir.exists() {
        return Err(Diagnostic::error(format!(
            "the skill `{slug}` already exists at {}",
            dir.display()
        ))
        .hint(format!(
            "log practice with `skillfolio log {slug} \"...\"`, or choose another name"
        )));
    }
    let mut text = String::from("+++\n");
    text.push_str(&format!("title = {}\n", quote(title)));
    text.push_str("summary = \"\"\n");
    if let Some(field) = field {
        text.push_str(&format!("field = {}\n", quote(field)));
    }
    let tags: Vec<String> = tags.iter().map(|t| quote(t.trim())).collect();
    text.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    text.push_str(&format!(
        "started = {today}\nstatus = \"learning\"\n+++\n\n"
    ));
    // In the site's language, whose part names the build takes for the parts.
    text.push_str(&language.text("new_skill_intro", &[]));
    text.push('\n');
    for part in Part::ALL {
        // The prompt is a comment: a part counts as written once it has text.
        text.push_str(&format!(
            "\n## {}\n\n<!-- {} -->\n",
            part.heading_in(language),
            part.prompt_in(language)
        ));
    }
    let path = dir.join("index.md");
    create(&path, text.as_bytes())?;
    Ok(path)
}

/// A date given on the command line. Only YYYY-MM-DD is read, since `04/12/2026`
/// is 4 December in one country and 12 April in another; anything else is an
/// error offering the valid readings of its numbers.
pub fn read_date(text: &str) -> Result<Date, Diagnostic> {
    let text = text.trim();
    let iso = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if iso && let Ok(date) = text.parse::<Date>() {
        return Ok(date);
    }
    let readings: Vec<String> = readings(text)
        .iter()
        .map(|d| {
            // The command line speaks English, whatever the site's language.
            format!("{d} ({})", d.strftime("%-d %B"))
        })
        .collect();
    let hint = match readings.as_slice() {
        [] => "write the day as YYYY-MM-DD, e.g. `--date 2026-10-03`".to_string(),
        [one] => format!("did you mean {one}?"),
        many => format!("did you mean {}?", many.join(" or ")),
    };
    Err(Diagnostic::error(format!(
        "`{text}` is not a date: dates are written YYYY-MM-DD"
    ))
    .hint(hint))
}

/// The real dates three numbers can name: with the year first, as year, month
/// and day, then with month and day swapped; with the year last, day first
/// (most of the world) and then month first.
fn readings(text: &str) -> Vec<Date> {
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect();
    let [a, b, c] = numbers.as_slice() else {
        return Vec::new();
    };
    let n = |s: &str| s.parse::<i16>().ok();
    let (Some(x), Some(y), Some(z)) = (n(a), n(b), n(c)) else {
        return Vec::new();
    };
    let orders = if a.len() == 4 {
        [(x, y, z), (x, z, y)]
    } else if c.len() == 4 {
        [(z, y, x), (z, x, y)]
    } else {
        return Vec::new();
    };
    let mut out: Vec<Date> = Vec::new();
    for (year, month, day) in orders {
        let Ok(month) = i8::try_from(month) else {
            continue;
        };
        let Ok(day) = i8::try_from(day) else {
            continue;
        };
        if let Ok(date) = Date::new(year, month, day)
            && !out.contains(&date)
            && date.to_string() != text
        {
            out.push(date);
        }
    }
    out
}

/// What `log` writes besides the skill and title.
#[derive(Debug, Default)]
pub struct LogEntry {
    pub minutes: Option<u32>,
    pub kind: Option<Kind>,
    pub part: Option<Part>,
    pub date: Option<Date>,
    /// The session's start and the offset it was written with, when known:
    /// written (RFC 3339) in place of the day, so the site's `timezone`
    /// decides the day it is on.
    pub start: Option<(jiff::Timestamp, jiff::tz::Offset)>,
    pub evidence: Vec<LogEvidence>,
    pub tags: Vec<String>,
    /// For an imported session: the id of the row it came from, so importing
    /// the same file again adds nothing.
    pub imported: Option<String>,
    pub body: Option<String>,
}

/// A piece of evidence `log` names: a file or URL, with what the author says of it.
#[derive(Debug, Default, Clone)]
pub struct LogEvidence {
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// `log`: a dated entry file for a skill. A second entry of the same name on the
/// same day gets a numbered slug. Local evidence files from outside the skill are
/// copied beside its index.md; the entry refers to each file by the shortest name
/// that resolves to it from the log.
pub fn log_entry(
    root: &Path,
    skill: &str,
    title: &str,
    entry: &LogEntry,
    today: Date,
) -> Result<PathBuf, Diagnostic> {
    let dir = find_skill(&root.join("content/skills"), skill)?;
    let draft = entry_draft(&dir, title, entry, today)?;
    let path = draft.free_path(&HashSet::new());
    create(&path, draft.text.as_bytes())?;
    Ok(path)
}

/// A log entry's text and where it goes, before it is written.
#[derive(Debug, Clone)]
pub struct EntryDraft {
    pub log_dir: PathBuf,
    /// `<date>-<title slug>`: the file name, before any number.
    pub stem: String,
    pub text: String,
}

impl EntryDraft {
    /// The first name free on disk and not in `taken`: `<stem>.md`, then
    /// `<stem>-2.md` and on, so entries of the same name on one day stay apart.
    pub fn free_path(&self, taken: &HashSet<PathBuf>) -> PathBuf {
        (1..)
            .map(|n| match n {
                1 => self.log_dir.join(format!("{}.md", self.stem)),
                n => self.log_dir.join(format!("{}-{n}.md", self.stem)),
            })
            .find(|p| !p.exists() && !taken.contains(p))
            .expect("some numbered name is free")
    }

    /// Writes the entry at `path`, never over an existing file.
    pub fn create(&self, path: &Path) -> Result<(), Diagnostic> {
        create(path, self.text.as_bytes())
    }
}

/// The entry `entry` of the skill in `dir`. Local evidence from outside the
/// skill is copied into it here.
pub fn entry_draft(
    dir: &Path,
    title: &str,
    entry: &LogEntry,
    today: Date,
) -> Result<EntryDraft, Diagnostic> {
    let date = entry.date.unwrap_or(today);
    let base = slugify(title);
    if base.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{title}` has no letters or digits to make a file name from"
        ))
        .hint("give the entry a title with letters or digits"));
    }
    let log_dir = dir.join("log");
    let mut evidence = Vec::new();
    for item in &entry.evidence {
        let src = if item.src.contains("://") {
            item.src.clone()
        } else {
            local_evidence(&item.src, dir)?
        };
        // A bare name while there is nothing to say of it; a table otherwise.
        let mut fields = vec![format!("src = {}", quote(&src))];
        for (key, value) in [("alt", &item.alt), ("caption", &item.caption)] {
            if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                fields.push(format!("{key} = {}", quote(value.trim())));
            }
        }
        evidence.push(if fields.len() == 1 {
            quote(&src)
        } else {
            format!("{{ {} }}", fields.join(", "))
        });
    }
    let mut text = String::from("+++\n");
    let when = match entry.start {
        Some((start, offset)) => start.display_with_offset(offset).to_string(),
        None => date.to_string(),
    };
    text.push_str(&format!("title = {}\ndate = {when}\n", quote(title)));
    text.push_str(&format!("minutes = {}\n", entry.minutes.unwrap_or(0)));
    text.push_str(&format!(
        "kind = \"{}\"\n",
        entry.kind.unwrap_or(Kind::Practice).key()
    ));
    if let Some(part) = entry.part {
        text.push_str(&format!("part = \"{}\"\n", part.key()));
    }
    if !evidence.is_empty() {
        text.push_str(&format!("evidence = [{}]\n", evidence.join(", ")));
    }
    if !entry.tags.is_empty() {
        let tags: Vec<String> = entry.tags.iter().map(|t| quote(t)).collect();
        text.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    }
    if let Some(id) = &entry.imported {
        text.push_str(&format!("imported = {}\n", quote(id)));
    }
    text.push_str("+++\n\n");
    if let Some(body) = entry.body.as_deref().filter(|b| !b.trim().is_empty()) {
        text.push_str(body.trim_end());
        text.push('\n');
    }
    Ok(EntryDraft {
        log_dir,
        stem: format!("{date}-{base}"),
        text,
    })
}

/// Every skill's folder under `skills_dir` (one with an `index.md`) with its
/// slug, by slug.
pub fn skill_dirs(skills_dir: &Path) -> Vec<(String, PathBuf)> {
    let mut slugs: Vec<(String, PathBuf)> = fs::read_dir(skills_dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().join("index.md").is_file())
                .map(|e| (slugify(&e.file_name().to_string_lossy()), e.path()))
                .collect()
        })
        .unwrap_or_default();
    slugs.sort();
    slugs
}

/// The folder of the skill named `name` (its slug, or a title that slugifies to
/// it), or an error listing the nearest skills.
pub fn find_skill(skills_dir: &Path, name: &str) -> Result<PathBuf, Diagnostic> {
    let wanted = slugify(name);
    let slugs = skill_dirs(skills_dir);
    if let Some((_, dir)) = slugs.iter().find(|(s, _)| *s == wanted) {
        return Ok(dir.clone());
    }
    let mut ranked: Vec<(f64, &str)> = slugs
        .iter()
        .map(|(s, _)| (strsim::jaro_winkler(&wanted, s), s.as_str()))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let near: Vec<String> = ranked
        .iter()
        .filter(|(score, _)| *score > 0.7)
        .take(3)
        .map(|(_, s)| format!("`{s}`"))
        .collect();
    let best = did_you_mean(&wanted, slugs.iter().map(|(s, _)| s.as_str()));
    let hint = match (best, near.is_empty()) {
        (Some(b), _) => format!("did you mean `{b}`? Nearest skills: {}", near.join(", ")),
        (None, false) => format!("nearest skills: {}", near.join(", ")),
        (None, true) if slugs.is_empty() => {
            "there are no skills yet; start one with `skillfolio new \"Skill name\"`".to_string()
        }
        (None, true) => format!(
            "the skills are: {}",
            slugs
                .iter()
                .map(|(s, _)| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Diagnostic::error(format!("there is no skill `{name}`")).hint(hint))
}

/// The name a log entry writes for the local evidence file `item`: a file
/// already in the skill's folder is named where it is, one from elsewhere is
/// copied beside index.md first. A name that is no file from the current folder
/// may be one of the skill's own files, in `log/` or beside index.md.
fn local_evidence(item: &str, skill_dir: &Path) -> Result<String, Diagnostic> {
    let source = Path::new(item);
    let inside = |path: &Path| {
        let skill = fs::canonicalize(skill_dir).ok()?;
        let file = fs::canonicalize(path).ok()?;
        file.strip_prefix(&skill).ok().map(Path::to_path_buf)
    };
    let rel = if source.is_file() {
        inside(source)
    } else if source.is_relative() && skill_dir.join("log").join(source).is_file() {
        Some(Path::new("log").join(source))
    } else if source.is_relative() && skill_dir.join(source).is_file() {
        Some(source.to_path_buf())
    } else {
        None
    };
    let rel = match rel {
        Some(rel) => rel,
        None if !source.is_file() => {
            return Err(Diagnostic::error(format!(
                "the evidence file {item} does not exist"
            ))
            .hint(format!(
                "give the path of a file on this computer (relative to the current folder), the name of a file in {} or its log/ folder, or a full https:// URL",
                skill_dir.display()
            )));
        }
        None => PathBuf::from(copy_evidence(source, skill_dir)?),
    };
    Ok(name_from_log(&rel, skill_dir))
}

/// How a log entry names the file at `rel` in the skill's folder: a path is
/// looked for beside the entry first, then beside index.md, so a file in `log/`
/// goes by its name there, and one beside index.md by its plain name unless a
/// file in `log/` would take that name.
fn name_from_log(rel: &Path, skill_dir: &Path) -> String {
    let slashed = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    match rel.strip_prefix("log") {
        Ok(in_log) => slashed(in_log),
        Err(_) if skill_dir.join("log").join(rel).exists() => format!("../{}", slashed(rel)),
        Err(_) => slashed(rel),
    }
}

/// Copies a local evidence file into the skill's folder and returns its name
/// there. A file of the same name and bytes is reused; a different one gets a
/// numbered name.
fn copy_evidence(source: &Path, skill_dir: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(source).map_err(|e| {
        io_error("read the evidence file", source, &e)
            .hint("give the path of a file on this computer, or a full https:// URL")
    })?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evidence".to_string());
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    for n in 1.. {
        let candidate = if n == 1 {
            name.clone()
        } else {
            format!("{stem}-{n}{ext}")
        };
        let target = skill_dir.join(&candidate);
        match fs::read(&target) {
            Ok(existing) if existing == bytes => return Ok(candidate),
            Ok(_) => continue,
            Err(_) => {
                create(&target, &bytes)?;
                return Ok(candidate);
            }
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::read_date;

    fn hint(text: &str) -> String {
        read_date(text).unwrap_err().hint.unwrap()
    }

    #[test]
    fn only_year_month_day_is_read() {
        assert_eq!(read_date("2026-10-03").unwrap().to_string(), "2026-10-03");
        let err = read_date("04/12/2026").unwrap_err();
        assert_eq!(
            err.message,
            "`04/12/2026` is not a date: dates are written YYYY-MM-DD"
        );
    }

    #[test]
    fn the_valid_readings_are_offered() {
        assert_eq!(
            hint("04/12/2026"),
            "did you mean 2026-12-04 (4 December) or 2026-04-12 (12 April)?"
        );
        assert_eq!(hint("2026-13-01"), "did you mean 2026-01-13 (13 January)?");
        assert_eq!(
            hint("13/25/2026"),
            "write the day as YYYY-MM-DD, e.g. `--date 2026-10-03`"
        );
        assert_eq!(
            hint("2026-02-30"),
            "write the day as YYYY-MM-DD, e.g. `--date 2026-10-03`"
        );
        assert_eq!(
            hint("yesterday"),
            "write the day as YYYY-MM-DD, e.g. `--date 2026-10-03`"
        );
    }
}
