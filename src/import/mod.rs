//! `import`: sessions kept elsewhere (a time tracker's CSV export, a spreadsheet,
//! JSON lines) become log entries, one per row, written as `log` writes them.
//! An import is all or nothing: every row is read and checked before the first
//! file is written, and a failed write removes what was written. Each entry
//! records an id made from its row's values, so importing the same file again,
//! or a later export with more rows, adds only rows not imported before.

mod columns;
mod table;
mod values;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

pub use columns::FIELDS;
use columns::{Columns, Field};
use table::Row;
pub use values::DateOrder;

use crate::content::{Kind, Part};
use crate::diagnostic::{Diagnostic, did_you_mean, io_error};
use crate::scaffold::{EntryDraft, LogEntry, entry_draft};
use crate::slug::slugify;

/// What the command line says besides the file.
#[derive(Debug, Default)]
pub struct Options {
    /// Every row is of this skill; otherwise the project column names it.
    pub skill: Option<String>,
    /// `Column=field` items naming columns the import does not know by name.
    pub map: Vec<String>,
    /// How to read `04/10/2026` when the file does not settle it.
    pub order: Option<DateOrder>,
}

/// The entries an import would write, and how many rows were imported before.
#[derive(Debug)]
pub struct Plan {
    pub entries: Vec<Planned>,
    pub already: usize,
}

#[derive(Debug)]
pub struct Planned {
    pub path: PathBuf,
    pub draft: EntryDraft,
    pub date: Date,
    pub minutes: u32,
    pub title: String,
}

/// Reads `file` and works out every entry it gives, without writing anything.
pub fn plan(root: &Path, file: &Path, options: &Options) -> Result<Plan, Vec<Diagnostic>> {
    let bytes = fs::read(file).map_err(|e| vec![io_error("read", file, &e)])?;
    let text = String::from_utf8(bytes).map_err(|e| {
        vec![
            Diagnostic::error(format!(
                "{} is not UTF-8 text (byte {} is not)",
                file.display(),
                e.utf8_error().valid_up_to()
            ))
            .in_file(file)
            .hint("export the file again as UTF-8 CSV (spreadsheets offer it under \"CSV UTF-8\")"),
        ]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let table = table::read(file, text).map_err(|d| vec![d])?;
    let columns = Columns::find(&table.headers, &options.map)?;
    let skills = Skills::read(&root.join("content/skills"));
    let fixed_skill = match &options.skill {
        Some(name) => Some(skills.by_name(name).map_err(|d| vec![d])?),
        None => None,
    };
    if fixed_skill.is_none() && columns.get(Field::Skill).is_none() {
        return Err(vec![Diagnostic::error(
            "no column of the file names the skill, and no `--skill` was given",
        )
        .in_file(file)
        .hint("give `--skill SLUG` for a file of one skill, or name the column with `--map \"Column=skill\"`")]);
    }
    let order = options.order.or_else(|| {
        let days = table.rows.iter().filter_map(|r| {
            let column = columns.get(Field::Date).or(columns.get(Field::Start))?;
            r.get(column).map(|(v, _)| v)
        });
        values::settled_order(days)
    });
    let reader = RowReader {
        file,
        headers: &table.headers,
        text,
        columns: &columns,
        skills: &skills,
        fixed_skill,
        order,
    };
    let done = imported_ids(&root.join("content/skills"));
    let mut errors = Vec::new();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut taken = HashSet::new();
    let mut plan = Plan {
        entries: Vec::new(),
        already: 0,
    };
    for row in &table.rows {
        let session = match reader.session(row) {
            Ok(s) => s,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        // Identical rows are told apart by how many came before them.
        let n = seen.entry(session.id).or_default();
        *n += 1;
        let id = match *n {
            1 => format!("{:016x}", session.id),
            n => format!("{:016x}-{n}", session.id),
        };
        if done.contains(&id) {
            plan.already += 1;
            continue;
        }
        let entry = LogEntry {
            imported: Some(id),
            ..session.entry
        };
        let draft = match entry_draft(&session.dir, &session.title, &entry, session.date) {
            Ok(d) => d,
            Err(d) => {
                errors.push(reader.at_row(d, row));
                continue;
            }
        };
        let path = draft.free_path(&taken);
        taken.insert(path.clone());
        plan.entries.push(Planned {
            path,
            draft,
            date: session.date,
            minutes: session.minutes,
            title: session.title,
        });
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

/// Writes every planned entry, or none: a failure removes those written.
pub fn write(plan: &Plan) -> Result<(), Diagnostic> {
    let mut written: Vec<&Path> = Vec::new();
    for entry in &plan.entries {
        if let Err(d) = entry.draft.create(&entry.path) {
            for path in written {
                let _ = fs::remove_file(path);
            }
            return Err(d.hint("nothing of this import was kept; fix the problem and import again"));
        }
        written.push(&entry.path);
    }
    Ok(())
}

/// One row, read.
struct Session {
    dir: PathBuf,
    title: String,
    date: Date,
    minutes: u32,
    entry: LogEntry,
    /// From the row's values, so the same row in a later export has it too.
    id: u64,
}

struct RowReader<'a> {
    file: &'a Path,
    headers: &'a [String],
    text: &'a str,
    columns: &'a Columns,
    skills: &'a Skills,
    fixed_skill: Option<&'a Skill>,
    order: Option<DateOrder>,
}

impl RowReader<'_> {
    fn value<'r>(&self, row: &'r Row, field: Field) -> Option<(&'r str, usize)> {
        let column = self.columns.get(field)?;
        row.get(column).filter(|(v, _)| !v.is_empty())
    }

    /// An error about the value of `field` in `row`, pointing at it.
    fn bad(&self, row: &Row, field: Field, message: String, hint: &str) -> Diagnostic {
        let column = self.columns.get(field).unwrap_or(0);
        let (value, at) = row.get(column).unwrap_or(("", 0));
        let name = FIELDS
            .iter()
            .find(|(_, f)| *f == field)
            .map_or("", |(n, _)| n);
        let header = self.headers.get(column).map_or("", String::as_str);
        Diagnostic::error(format!("{message} (column `{header}`, the {name})"))
            .at(self.file, self.text, at, value.len().max(1))
            .hint(hint)
    }

    fn at_row(&self, d: Diagnostic, row: &Row) -> Diagnostic {
        let at = row.values.first().map_or(0, |(_, at)| *at);
        d.at(self.file, self.text, at, 1)
    }

    fn session(&self, row: &Row) -> Result<Session, Diagnostic> {
        let skill = match self.fixed_skill {
            Some(s) => s,
            None => {
                let (name, _) = self.value(row, Field::Skill).ok_or_else(|| {
                    self.bad(
                        row,
                        Field::Skill,
                        "this row names no skill".into(),
                        "give the row a project, or import it with `--skill SLUG`",
                    )
                })?;
                self.skills.by_name(name).map_err(|d| {
                    self.bad(
                        row,
                        Field::Skill,
                        d.message.replace("there is no skill", "no skill is called"),
                        d.hint.as_deref().unwrap_or(""),
                    )
                })?
            }
        };
        let date = self.date(row)?;
        let start = [Field::Date, Field::Start]
            .into_iter()
            .find_map(|f| self.value(row, f).and_then(|(v, _)| values::instant(v)));
        let seconds = self.seconds(row)?;
        let minutes = u32::try_from(values::minutes(seconds)).unwrap_or(u32::MAX);
        if minutes > 24 * 60 {
            return Err(self.bad(
                row,
                self.duration_field(),
                format!("{minutes} minutes is more than a day"),
                "a session lasts less than a day; check the duration's unit, or map the column to `minutes` or `hours`",
            ));
        }
        let kind = match self.value(row, Field::Kind) {
            None => Kind::Practice,
            Some((k, _)) => Kind::from_key(&k.to_lowercase()).ok_or_else(|| {
                self.bad(
                    row,
                    Field::Kind,
                    format!("`{k}` is not a kind of session"),
                    &format!("a kind is one of {}", Kind::KEYS.join(", ")),
                )
            })?,
        };
        let part = match self.value(row, Field::Part) {
            None => None,
            Some((p, _)) => Some(Part::from_key(&p.to_lowercase()).ok_or_else(|| {
                self.bad(
                    row,
                    Field::Part,
                    format!("`{p}` is not one of the six parts"),
                    &format!("a part is one of {}", Part::KEYS.join(", ")),
                )
            })?),
        };
        let text = |field| self.value(row, field).map_or("", |(v, _)| v);
        let title = match text(Field::Title) {
            "" => "Practice session".to_string(),
            t => t.to_string(),
        };
        let tags: Vec<String> = text(Field::Tags)
            .split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let notes = text(Field::Notes);
        let id = crate::keys::digest(
            format!(
                "{date}\u{1f}{}\u{1f}{seconds}\u{1f}{title}\u{1f}{notes}\u{1f}{}\u{1f}{}\u{1f}{kind:?}\u{1f}{part:?}",
                text(Field::Time),
                skill.slug,
                tags.join(","),
            )
            .as_bytes(),
        );
        Ok(Session {
            dir: skill.dir.clone(),
            title,
            date,
            minutes,
            entry: LogEntry {
                minutes: Some(minutes),
                kind: Some(kind),
                part,
                date: Some(date),
                start,
                tags,
                body: (!notes.is_empty()).then(|| notes.to_string()),
                ..LogEntry::default()
            },
            id,
        })
    }

    fn date(&self, row: &Row) -> Result<Date, Diagnostic> {
        let field = if self.value(row, Field::Date).is_some() {
            Field::Date
        } else {
            Field::Start
        };
        let (text, _) = self.value(row, field).ok_or_else(|| {
            self.bad(
                row,
                field,
                "this row has no date".into(),
                "every row needs the day of its session",
            )
        })?;
        values::day(text, self.order).map_err(|why| {
            let hint = if values::ambiguous(text) {
                "no day in the file is past the 12th, so its order cannot be told: pass `--day-first` or `--month-first`"
            } else {
                "write days as YYYY-MM-DD, e.g. 2026-10-03"
            };
            self.bad(row, field, why, hint)
        })
    }

    /// The field the duration is read from: minutes, a clock time, or hours.
    fn duration_field(&self) -> Field {
        [Field::Minutes, Field::Duration, Field::Hours]
            .into_iter()
            .find(|f| self.columns.get(*f).is_some())
            .unwrap_or(Field::Minutes)
    }

    fn seconds(&self, row: &Row) -> Result<u64, Diagnostic> {
        let field = [Field::Minutes, Field::Duration, Field::Hours]
            .into_iter()
            .find(|f| self.value(row, *f).is_some())
            .ok_or_else(|| {
                self.bad(
                    row,
                    self.duration_field(),
                    "this row has no duration".into(),
                    "every row needs how long the session took",
                )
            })?;
        let (text, _) = self.value(row, field).unwrap_or_default();
        let read = match field {
            Field::Minutes => values::amount(text, 60.0),
            Field::Hours => values::amount(text, 3600.0),
            _ => values::clock(text),
        };
        read.map_err(|why| {
            self.bad(row, field, why, "a duration is a number of minutes (`45`), of hours (`1.5`), or a clock time (`1:30:00`)")
        })
    }
}

/// The skills of the portfolio, by slug and by title.
struct Skills {
    list: Vec<Skill>,
}

struct Skill {
    slug: String,
    title: String,
    dir: PathBuf,
}

impl Skills {
    fn read(skills_dir: &Path) -> Skills {
        let list = crate::scaffold::skill_dirs(skills_dir)
            .into_iter()
            .map(|(slug, dir)| Skill {
                title: front_matter_string(&dir.join("index.md"), "title").unwrap_or_default(),
                slug,
                dir,
            })
            .collect();
        Skills { list }
    }

    /// The skill whose slug or title is `name`, however it is capitalised or
    /// punctuated.
    fn by_name(&self, name: &str) -> Result<&Skill, Diagnostic> {
        let wanted = slugify(name);
        if let Some(skill) = self
            .list
            .iter()
            .find(|s| s.slug == wanted || (!wanted.is_empty() && slugify(&s.title) == wanted))
        {
            return Ok(skill);
        }
        let names = self
            .list
            .iter()
            .flat_map(|s| [s.slug.as_str(), s.title.as_str()]);
        let hint = match did_you_mean(name, names) {
            Some(near) => {
                format!("did you mean `{near}`? A skill is named by its folder's name or its title")
            }
            None if self.list.is_empty() => {
                "there are no skills yet; start one with `skillfolio new \"Skill name\"`"
                    .to_string()
            }
            None => format!(
                "the skills are {}; start a new one with `skillfolio new`",
                self.list
                    .iter()
                    .map(|s| format!("`{}`", s.slug))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(Diagnostic::error(format!("there is no skill `{name}`")).hint(hint))
    }
}

/// The ids of every entry imported before, from the `imported` key of each
/// log entry's front matter.
fn imported_ids(skills_dir: &Path) -> HashSet<String> {
    walkdir::WalkDir::new(skills_dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| front_matter_string(e.path(), "imported"))
        .collect()
}

/// A string key of the TOML front matter of the file at `path`, read with the
/// loader's own splitting but none of its checks: an import only needs titles
/// and ids, and a file the loader would refuse is reported by `build`.
fn front_matter_string(path: &Path, key: &str) -> Option<String> {
    let file = crate::content::SourceFile {
        path: path.to_path_buf(),
        text: fs::read_to_string(path).ok()?.into(),
    };
    let toml = crate::content::frontmatter::split(&file).ok()?.toml?;
    let table: toml::Table = toml::from_str(&file.text[toml]).ok()?;
    table.get(key)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_strings_are_read_from_crlf_files_with_a_bom() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("a.md");
        let read = |text: &str, key: &str| {
            fs::write(&path, text).unwrap();
            front_matter_string(&path, key)
        };
        let text = "\u{feff}+++\r\ntitle = \"Pâine\"\r\nimported = \"00ab\"\r\n+++\r\nBody\r\n";
        assert_eq!(read(text, "title").as_deref(), Some("Pâine"));
        assert_eq!(read(text, "imported").as_deref(), Some("00ab"));
        assert_eq!(read("no front matter", "title"), None);
    }
}
