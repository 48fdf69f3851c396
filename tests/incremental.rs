//! `build` skips the pages its record says are current, and `serve` keeps parsed
//! files, skills and rendered pages from one rebuild to the next. Each shortcut is
//! right only if no edit can leave a page as it was before the edit, and the
//! hand-written tests can only try the edits someone thought of. This property
//! test makes random sequences of edits to a copy of a fixture site (entries,
//! skills, tags, drafts, related skills, templates, themes, static files, images,
//! pages, site.toml) and after every step checks that both shortcuts give exactly
//! what a run from scratch gives: a cached `build` the files of a `--no-cache`
//! one, byte for byte and marker included, and `serve`'s rebuilt site the files of
//! a fresh render. `SKILLFOLIO_PROPTEST_CASES` sets how many sequences each site
//! gets.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use tempfile::TempDir;
use walkdir::WalkDir;

use common::{run, stderr, tree};

/// Output path -> bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// `serve`'s kind of address; nothing listens there, it only has to be one.
const BASE_URL: &str = "http://127.0.0.1:1/";

/// A fixture and the dates its new entries may have: on or before its `today`,
/// so no entry is left out of the numbers as a future one.
struct Fixture {
    name: &'static str,
    month: &'static str,
    days: u8,
}

const SITE: Fixture = Fixture {
    name: "site",
    month: "2026-10",
    days: 9,
};

const STRANGER: Fixture = Fixture {
    name: "stranger",
    month: "2026-11",
    days: 28,
};

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn reused_outputs_equal_fresh_ones_after_every_edit_of_the_fixture_site(
        cards in cards(),
        edits in edit_sequences(10),
    ) {
        run_case(&SITE, cards, &edits)?;
    }
}

proptest! {
    #![proptest_config(config(8))]

    /// A site written by someone else: CRLF files, a BOM, photos, odd folder names.
    #[test]
    fn reused_outputs_equal_fresh_ones_after_every_edit_of_a_strangers_site(
        cards in cards(),
        edits in edit_sequences(6),
    ) {
        run_case(&STRANGER, cards, &edits)?;
    }
}

/// Whether a case starts with preview cards. Drawing them is most of the time
/// of a build from scratch, so most cases start without, for more steps in the
/// same time; a step may still turn them on or off.
fn cards() -> impl Strategy<Value = bool> {
    proptest::bool::weighted(0.25)
}

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("SKILLFOLIO_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        // A failure is reported with its edits; a file of seeds in the source
        // tree would only be left behind.
        failure_persistence: None,
        // Each try builds the site several times over: a few dozen are enough to
        // drop the edits a failure does not need.
        max_shrink_iters: 24,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

/// The library's in-memory renders, together so a change of their API is made in
/// one place: `serve`'s builder, kept across a case's steps so each rebuild reuses
/// the last one, and a render from scratch with the same base URL.
mod in_memory {
    use super::{BASE_URL, Files};
    use skillfolio::output::Contents;
    use std::path::{Path, PathBuf};

    pub struct Served(skillfolio::serve::Builder);

    impl Served {
        pub fn new(root: &Path) -> Served {
            Served(skillfolio::serve::Builder::new(root, false, BASE_URL))
        }

        /// Rebuilds, told that only `changed` changed (`None`: a first build).
        pub fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Result<Files, String> {
            if let Some(changed) = changed {
                self.0.only_changed(changed);
            }
            let (snapshot, _, _) = self.0.build().map_err(|d| d.to_string())?;
            snapshot
                .paths()
                .into_iter()
                .map(|path| match snapshot.bytes(&path) {
                    Some(bytes) => Ok((path, bytes)),
                    None => Err(format!("serve lists {path} but has no bytes for it")),
                })
                .collect()
        }
    }

    pub fn fresh(root: &Path) -> Result<Files, String> {
        let loaded = skillfolio::load(&skillfolio::LoadOptions {
            root: root.to_path_buf(),
            base_url: Some(BASE_URL.into()),
            drafts: false,
            cache_dir: None,
            skip_images: false,
        })
        .map_err(|d| d.to_string())?;
        let mut files = Files::new();
        for file in skillfolio::render(&loaded).map_err(|d| d.to_string())? {
            let bytes = match file.contents {
                Contents::Bytes(b) => b.to_vec(),
                Contents::Embedded(b) => b.to_vec(),
                Contents::Copy(source) | Contents::Cached(source) => {
                    std::fs::read(&source).map_err(|e| format!("{}: {e}", source.display()))?
                }
            };
            if files.insert(file.path.clone(), bytes).is_some() {
                return Err(format!("a fresh render made {} twice", file.path));
            }
        }
        Ok(files)
    }
}

/// One edit, with its targets named by position among what exists when it is
/// made: any sequence is valid whatever the edits before it did, and shrinking
/// can drop edits freely.
#[derive(Debug, Clone)]
enum Edit {
    AddEntry {
        skill: Index,
        day: u8,
        minutes: u16,
        kind: u8,
        word: u8,
        tag: Option<u8>,
    },
    EntryNote {
        entry: Index,
        how: NoteChange,
        word: u8,
    },
    ChangeEntry {
        entry: Index,
        what: EntryChange,
        value: u8,
    },
    DeleteEntry {
        entry: Index,
    },
    RenameEntry {
        entry: Index,
        word: u8,
    },
    MoveEntry {
        entry: Index,
        to: Index,
    },
    AddSkill {
        word: u8,
        field: Option<u8>,
        related: Option<Index>,
        with_entry: bool,
    },
    ChangeSkill {
        skill: Index,
        what: SkillChange,
        word: u8,
    },
    DeleteSkill {
        skill: Index,
    },
    RenameSkill {
        skill: Index,
        word: u8,
    },
    Tags {
        on_skill: bool,
        target: Index,
        tags: Vec<u8>,
    },
    /// Hides or shows a skill or an entry, most often one that others link to:
    /// the files stay, and only the links to it show the change.
    Draft {
        linked: bool,
        target: Index,
    },
    Related {
        from: Index,
        to: Index,
        on: bool,
    },
    Template {
        which: Index,
        remove: bool,
        word: u8,
    },
    Static {
        which: Index,
        delete: bool,
        word: u8,
    },
    Theme {
        change: ThemeChange,
        word: u8,
    },
    AddImage {
        entry: Index,
        size: (u16, u16),
        shade: u8,
        as_evidence: bool,
    },
    ReplaceImage {
        image: Index,
        size: (u16, u16),
        shade: u8,
    },
    Page {
        page: Index,
        change: PageChange,
        word: u8,
    },
    SiteToml {
        what: ConfigChange,
        word: u8,
    },
}

#[derive(Debug, Clone, Copy)]
enum NoteChange {
    Append,
    Replace,
    /// A fenced code block, which is highlighted (and cached).
    Code,
    /// A link to a skill's write-up or an entry.
    Link(Index),
}

#[derive(Debug, Clone, Copy)]
enum EntryChange {
    Title,
    Date,
    Minutes,
    Kind,
}

#[derive(Debug, Clone, Copy)]
enum SkillChange {
    Title,
    Summary,
    Field,
    Status,
    /// A section with a heading, so a new anchor too.
    Body,
    /// The start date: the earliest start dates the feed of a skill without
    /// entries, whichever skill it is.
    Started,
}

#[derive(Debug, Clone, Copy)]
enum ThemeChange {
    /// The repository's `paper` theme, copied into the site's `themes/`.
    Paper,
    Default,
    /// A template or static file of the site's copy of `paper`.
    EditPaper(Index),
}

#[derive(Debug, Clone, Copy)]
enum PageChange {
    Add,
    Edit,
    Delete,
}

#[derive(Debug, Clone, Copy)]
enum ConfigChange {
    Title,
    Description,
    Author,
    SocialCards,
    Today,
    BaseUrl,
}

fn edit_sequences(most: usize) -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..=most)
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    let word = any::<u8>;
    let size = (8u16..640, 4u16..48);
    // Heavier: edits that change pages other than the edited file's own (what
    // other pages show of a skill, templates, site.toml), where reuse has to
    // look beyond the file that changed.
    prop_oneof![
        3 => (i(), any::<u8>(), 5u16..120, 0u8..5, word(), proptest::option::of(any::<u8>()))
            .prop_map(|(skill, day, minutes, kind, word, tag)| Edit::AddEntry {
                skill, day, minutes, kind, word, tag,
            }),
        3 => (i(), note_change(), word())
            .prop_map(|(entry, how, word)| Edit::EntryNote { entry, how, word }),
        3 => (i(), entry_change(), any::<u8>())
            .prop_map(|(entry, what, value)| Edit::ChangeEntry { entry, what, value }),
        2 => i().prop_map(|entry| Edit::DeleteEntry { entry }),
        1 => (i(), word()).prop_map(|(entry, word)| Edit::RenameEntry { entry, word }),
        1 => (i(), i()).prop_map(|(entry, to)| Edit::MoveEntry { entry, to }),
        2 => (word(), proptest::option::of(any::<u8>()), proptest::option::of(i()), any::<bool>())
            .prop_map(|(word, field, related, with_entry)| Edit::AddSkill {
                word, field, related, with_entry,
            }),
        5 => (i(), skill_change(), word())
            .prop_map(|(skill, what, word)| Edit::ChangeSkill { skill, what, word }),
        1 => i().prop_map(|skill| Edit::DeleteSkill { skill }),
        1 => (i(), word()).prop_map(|(skill, word)| Edit::RenameSkill { skill, word }),
        2 => (any::<bool>(), i(), proptest::collection::vec(any::<u8>(), 0..3))
            .prop_map(|(on_skill, target, tags)| Edit::Tags { on_skill, target, tags }),
        2 => (i(), i(), any::<bool>()).prop_map(|(from, to, on)| Edit::Related { from, to, on }),
        2 => (proptest::bool::weighted(0.7), i())
            .prop_map(|(linked, target)| Edit::Draft { linked, target }),
        4 => (i(), proptest::bool::weighted(0.3), word())
            .prop_map(|(which, remove, word)| Edit::Template { which, remove, word }),
        2 => (i(), proptest::bool::weighted(0.3), word())
            .prop_map(|(which, delete, word)| Edit::Static { which, delete, word }),
        1 => (theme_change(), word()).prop_map(|(change, word)| Edit::Theme { change, word }),
        2 => (i(), size.clone(), any::<u8>(), any::<bool>())
            .prop_map(|(entry, size, shade, as_evidence)| Edit::AddImage {
                entry, size, shade, as_evidence,
            }),
        2 => (i(), size, any::<u8>())
            .prop_map(|(image, size, shade)| Edit::ReplaceImage { image, size, shade }),
        1 => (i(), page_change(), word()).prop_map(|(page, change, word)| Edit::Page { page, change, word }),
        3 => (config_change(), word()).prop_map(|(what, word)| Edit::SiteToml { what, word }),
    ]
}

fn note_change() -> impl Strategy<Value = NoteChange> {
    prop_oneof![
        Just(NoteChange::Append),
        Just(NoteChange::Replace),
        Just(NoteChange::Code),
        any::<Index>().prop_map(NoteChange::Link),
    ]
}

fn entry_change() -> impl Strategy<Value = EntryChange> {
    prop_oneof![
        Just(EntryChange::Title),
        Just(EntryChange::Date),
        Just(EntryChange::Minutes),
        Just(EntryChange::Kind),
    ]
}

/// Mostly what other pages show of a skill: its title, summary and status.
fn skill_change() -> impl Strategy<Value = SkillChange> {
    prop_oneof![
        2 => Just(SkillChange::Title),
        2 => Just(SkillChange::Summary),
        1 => Just(SkillChange::Field),
        2 => Just(SkillChange::Status),
        1 => Just(SkillChange::Body),
        1 => Just(SkillChange::Started),
    ]
}

fn theme_change() -> impl Strategy<Value = ThemeChange> {
    prop_oneof![
        Just(ThemeChange::Paper),
        Just(ThemeChange::Default),
        any::<Index>().prop_map(ThemeChange::EditPaper),
    ]
}

fn page_change() -> impl Strategy<Value = PageChange> {
    prop_oneof![
        Just(PageChange::Add),
        Just(PageChange::Edit),
        Just(PageChange::Delete)
    ]
}

fn config_change() -> impl Strategy<Value = ConfigChange> {
    prop_oneof![
        Just(ConfigChange::Title),
        Just(ConfigChange::Description),
        Just(ConfigChange::Author),
        Just(ConfigChange::SocialCards),
        Just(ConfigChange::Today),
        Just(ConfigChange::BaseUrl),
    ]
}

/// Builds a fresh copy of the fixture, then makes each edit and compares after
/// every step, the first build included.
fn run_case(fixture: &Fixture, cards: bool, edits: &[Edit]) -> Result<(), TestCaseError> {
    let site = common::fixture(fixture.name);
    let root = site.path();
    let mut steps = vec!["(the fixture as it is)".to_string()];
    if !cards {
        let config = root.join("site.toml");
        let text = fs::read_to_string(&config).unwrap();
        fs::write(&config, set_top_level(&text, "social_cards", Some("false"))).unwrap();
        steps[0] = "(the fixture, with `social_cards = false` in site.toml)".to_string();
    }
    // A skill with nothing logged yet: its feed is dated by the earliest start
    // of any skill, so a start moved anywhere changes it.
    let waiting = root.join("content/skills/not-yet-begun");
    fs::create_dir_all(&waiting).unwrap();
    fs::write(
        waiting.join("index.md"),
        format!(
            "+++\ntitle = \"Not yet begun\"\nstarted = {}-01\n+++\n\nSoon.\n",
            fixture.month
        ),
    )
    .unwrap();
    steps[0].push_str(", and a skill with no entries yet");
    let elsewhere = TempDir::new().unwrap();
    let mut served = in_memory::Served::new(root);
    let mut editor = Editor::new(root, fixture);
    let failed = |steps: &[String], problem: String| {
        let list: Vec<String> = (steps.iter().enumerate())
            .map(|(n, s)| format!("  {n}. {s}"))
            .collect();
        TestCaseError::fail(format!(
            "in a copy of tests/fixtures/{}, after these steps:\n{}\n{problem}",
            fixture.name,
            list.join("\n")
        ))
    };
    let fresh_output = elsewhere.path().join("public");
    check(root, &fresh_output, &mut served, None).map_err(|p| failed(&steps, p))?;
    for edit in edits {
        steps.push(editor.apply(edit));
        let changed = std::mem::take(&mut editor.changed);
        check(root, &fresh_output, &mut served, Some(&changed)).map_err(|p| failed(&steps, p))?;
    }
    Ok(())
}

/// The two comparisons of one step: a cached `build` against a `--no-cache` one
/// into a folder of its own, and `serve`'s rebuild against a fresh render.
fn check(
    root: &Path,
    fresh_output: &Path,
    served: &mut in_memory::Served,
    changed: Option<&[PathBuf]>,
) -> Result<(), String> {
    let out = run(root, &["build"]);
    if !out.status.success() {
        return Err(format!("`build` failed:\n{}", stderr(&out)));
    }
    if fresh_output.exists() {
        fs::remove_dir_all(fresh_output).unwrap();
    }
    let output = fresh_output.to_str().unwrap();
    let out = run(root, &["build", "--no-cache", "--output", output]);
    if !out.status.success() {
        return Err(format!("`build --no-cache` failed:\n{}", stderr(&out)));
    }
    let built = compare(
        ("`build`", &tree(&root.join("public"))),
        ("`build --no-cache`", &tree(fresh_output)),
    );
    // Both are reported: which of the two reuses went wrong tells where to look.
    let rebuilt = served
        .rebuild(changed)
        .map_err(|e| format!("serve's rebuild failed:\n{e}"));
    let fresh = in_memory::fresh(root).map_err(|e| format!("a fresh render failed:\n{e}"));
    let served = rebuilt
        .and_then(|rebuilt| compare(("serve's rebuild", &rebuilt), ("a fresh render", &fresh?)));
    match (built, served) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(a), Err(b)) => Err(format!("{a}\n{b}")),
    }
}

fn compare((a_name, a): (&str, &Files), (b_name, b): (&str, &Files)) -> Result<(), String> {
    let only_a: Vec<&String> = a.keys().filter(|p| !b.contains_key(*p)).collect();
    let only_b: Vec<&String> = b.keys().filter(|p| !a.contains_key(*p)).collect();
    let different: Vec<&String> = (a.iter())
        .filter(|(p, bytes)| b.get(*p).is_some_and(|other| other != *bytes))
        .map(|(p, _)| p)
        .collect();
    if only_a.is_empty() && only_b.is_empty() && different.is_empty() {
        return Ok(());
    }
    let mut report = format!("{a_name} and {b_name} differ:\n");
    for (what, paths) in [
        (format!("only from {a_name}"), &only_a),
        (format!("only from {b_name}"), &only_b),
        ("with other bytes".to_string(), &different),
    ] {
        if !paths.is_empty() {
            let paths: Vec<&str> = paths.iter().map(|p| p.as_str()).collect();
            report.push_str(&format!("  {what}: {}\n", paths.join(", ")));
        }
    }
    // The marker differs whenever anything does: a page tells more.
    let shown = (different.iter())
        .find(|p| p.as_str() != ".skillfolio-output")
        .or(different.first());
    if let Some(path) = shown {
        report.push_str(&first_difference(
            path,
            (a_name, &a[*path]),
            (b_name, &b[*path]),
        ));
    }
    Err(report)
}

/// Where two versions of a file part, with a little of each around it.
fn first_difference(path: &str, (a_name, a): (&str, &[u8]), (b_name, b): (&str, &[u8])) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let (Ok(a_text), Ok(b_text)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return format!(
            "{path}: {} bytes against {} bytes, first different at byte {at}\n",
            a.len(),
            b.len()
        );
    };
    let line = a[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    let excerpt = |text: &str| {
        let mut start = at.saturating_sub(80);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 160).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text[start..end].replace('\n', "\\n")
    };
    format!(
        "{path}, line {line}:\n  {a_name}: …{}…\n  {b_name}: …{}…\n",
        excerpt(a_text),
        excerpt(b_text)
    )
}

const WORDS: [&str; 16] = [
    "amber", "basil", "cobalt", "dune", "ember", "fjord", "garnet", "harbor", "indigo", "juniper",
    "kelp", "lumen", "mistral", "nectar", "opal", "quartz",
];
/// Some of them are already the fixtures' tags, so tag pages are shared and not
/// only made and dropped.
const TAGS: [&str; 6] = ["eggs", "Kitchen", "beans", "bike", "drills", "focus"];
const FIELDS: [&str; 4] = ["Cooking", "Code", "Outdoors", "Kitchen"];
const KINDS: [&str; 5] = ["practice", "payoff", "experiment", "setback", "milestone"];
const STATUSES: [&str; 4] = ["learning", "practising", "mastered", "paused"];
/// Templates a site may override: those of these its theme has, partials
/// included.
const TEMPLATES: [&str; 11] = [
    "page.html",
    "skill.html",
    "entry.html",
    "index.html",
    "skills.html",
    "taxonomy.html",
    "base.html",
    "partials/skill_card.html",
    "partials/entry_item.html",
    "partials/evidence.html",
    "entries.html",
];
/// Static files: some named like files of the theme, or like pages of the
/// fixture site, which a static file gives way to.
const STATIC: [&str; 7] = [
    "favicon.svg",
    "style.css",
    "notes.txt",
    "docs/colophon.txt",
    "about/index.html",
    "skills/knife-work/2026-10-02-baseline/index.html",
    "404.html",
];

/// Makes edits to the site at `root` and notes every path it touches, as a file
/// watcher would report them to `serve`.
struct Editor<'a> {
    root: &'a Path,
    fixture: &'a Fixture,
    words: usize,
    changed: Vec<PathBuf>,
}

impl<'a> Editor<'a> {
    fn new(root: &'a Path, fixture: &'a Fixture) -> Editor<'a> {
        Editor {
            root,
            fixture,
            words: 0,
            changed: Vec::new(),
        }
    }

    /// Makes `edit` and says what it did, with the paths relative to the site.
    fn apply(&mut self, edit: &Edit) -> String {
        match edit {
            Edit::AddEntry {
                skill,
                day,
                minutes,
                kind,
                word,
                tag,
            } => {
                let Some(dir) = pick(&skill_dirs(self.root), skill) else {
                    return "no skill to log an entry in".into();
                };
                let word = self.word(*word);
                let date = self.date(*day);
                let kind = KINDS[*kind as usize % KINDS.len()];
                let tags = tag.map_or(String::new(), |t| {
                    format!("tags = [\"{}\"]\n", TAGS[t as usize % TAGS.len()])
                });
                let path = dir.join("log").join(format!("{date}-{word}.md"));
                self.write(
                    &path,
                    format!(
                        "+++\ntitle = \"Practice {word}\"\ndate = {date}\nminutes = {minutes}\nkind = \"{kind}\"\n{tags}+++\n\nWorked on {word} for {minutes} minutes.\n"
                    ),
                );
                format!("add the {kind} entry {}", self.shown(&path))
            }
            Edit::EntryNote { entry, how, word } => {
                let Some(path) = pick(&entries(self.root), entry) else {
                    return "no entry to change".into();
                };
                let word = self.word(*word);
                let (para, done) = match how {
                    NoteChange::Append | NoteChange::Replace => {
                        (format!("The note now says {word}."), "text")
                    }
                    NoteChange::Code => {
                        let lang = ["rust", "python", "js", "toml"][self.words % 4];
                        let code = format!("```{lang}\n{word} = \"{word}\"\n```");
                        (code, "code")
                    }
                    NoteChange::Link(to) => {
                        let skills = self.root.join("content/skills");
                        let targets: Vec<PathBuf> = (skill_dirs(self.root).into_iter())
                            .map(|d| d.join("index.md"))
                            .chain(entries(self.root))
                            .collect();
                        let to = pick(&targets, to).unwrap();
                        // From the entry's `log/` folder, up to `skills/`.
                        let rel = to.strip_prefix(&skills).unwrap().to_string_lossy();
                        (format!("See [{word}](<../../{rel}>)."), "a link")
                    }
                };
                self.edit_text(&path, |t| match how {
                    NoteChange::Replace => replace_body(t, &para),
                    _ => append(t, &para),
                });
                let verb = if matches!(how, NoteChange::Replace) {
                    "replace the note of"
                } else {
                    "add to the note of"
                };
                format!("{verb} {} ({done})", self.shown(&path))
            }
            Edit::ChangeEntry { entry, what, value } => {
                let Some(path) = pick(&entries(self.root), entry) else {
                    return "no entry to change".into();
                };
                let (key, new) = match what {
                    EntryChange::Title => {
                        ("title", Some(format!("\"Entry {}\"", self.word(*value))))
                    }
                    EntryChange::Date => ("date", Some(self.date(*value))),
                    EntryChange::Minutes => ("minutes", Some((5 + *value as u32).to_string())),
                    EntryChange::Kind => (
                        "kind",
                        Some(format!("\"{}\"", KINDS[*value as usize % KINDS.len()])),
                    ),
                };
                self.edit_text(&path, |t| set_key(t, key, new.as_deref()));
                format!("set {key} of {} to {new:?}", self.shown(&path))
            }
            Edit::DeleteEntry { entry } => {
                let Some(path) = pick(&entries(self.root), entry) else {
                    return "no entry to delete".into();
                };
                self.remove(&path);
                format!("delete {}", self.shown(&path))
            }
            Edit::RenameEntry { entry, word } => {
                let Some(path) = pick(&entries(self.root), entry) else {
                    return "no entry to rename".into();
                };
                let to = path.with_file_name(format!("renamed-{}.md", self.word(*word)));
                fs::rename(&path, &to).unwrap();
                self.changed.extend([path.clone(), to.clone()]);
                format!("rename {} to {}", self.shown(&path), self.shown(&to))
            }
            Edit::AddSkill {
                word,
                field,
                related,
                with_entry,
            } => {
                let related = related
                    .as_ref()
                    .and_then(|r| pick(&skill_dirs(self.root), r))
                    .map_or(String::new(), |d| format!("related = [\"{}\"]\n", slug(&d)));
                let word = self.word(*word);
                let field = field.map_or(String::new(), |f| {
                    format!("field = \"{}\"\n", FIELDS[f as usize % FIELDS.len()])
                });
                let month = self.fixture.month;
                let dir = self.root.join("content/skills").join(format!("New {word}"));
                self.write(
                    &dir.join("index.md"),
                    format!(
                        "+++\ntitle = \"Skill {word}\"\nsummary = \"Learning {word}.\"\n{field}started = {month}-01\nstatus = \"learning\"\n{related}+++\n\nWhy {word}.\n\n## Entry trick\n\nStart with {word}.\n"
                    ),
                );
                if *with_entry {
                    self.write(
                        &dir.join(format!("log/{month}-01-start-{word}.md")),
                        format!("+++\ntitle = \"Started {word}\"\ndate = {month}-01\nminutes = 20\n+++\n\nA first go at {word}.\n"),
                    );
                }
                format!("add the skill {}", self.shown(&dir))
            }
            Edit::ChangeSkill { skill, what, word } => {
                let Some(dir) = pick(&skill_dirs(self.root), skill) else {
                    return "no skill to change".into();
                };
                let word = self.word(*word);
                let w = self.words;
                let index = dir.join("index.md");
                let done = match what {
                    SkillChange::Title => {
                        let title = format!("\"Skill {word}\"");
                        self.edit_text(&index, |t| set_key(t, "title", Some(&title)));
                        format!("retitle it {title}")
                    }
                    SkillChange::Summary => {
                        let summary = format!("\"Now about {word}.\"");
                        self.edit_text(&index, |t| set_key(t, "summary", Some(&summary)));
                        format!("summarise it {summary}")
                    }
                    SkillChange::Field => {
                        // Sometimes none: the skill leaves every field page.
                        let field = (w % 5 != 4).then(|| format!("\"{}\"", FIELDS[w % 4]));
                        self.edit_text(&index, |t| set_key(t, "field", field.as_deref()));
                        format!("set its field to {field:?}")
                    }
                    SkillChange::Status => {
                        let status = format!("\"{}\"", STATUSES[w % 4]);
                        self.edit_text(&index, |t| set_key(t, "status", Some(&status)));
                        format!("set its status to {status}")
                    }
                    SkillChange::Started => {
                        // Earlier than any start of the fixtures, and than the
                        // last one this edit set, now and then.
                        let started = format!("20{}-{:02}-01", 25 - w % 3, 1 + w % 12);
                        self.edit_text(&index, |t| set_key(t, "started", Some(&started)));
                        format!("set its start to {started}")
                    }
                    SkillChange::Body => {
                        let para = format!("## On {word}\n\nMore about {word}.");
                        self.edit_text(&index, |t| append(t, &para));
                        "add a section to the write-up".to_string()
                    }
                };
                format!("{} of {}", done, self.shown(&index))
            }
            Edit::DeleteSkill { skill } => {
                let skills = skill_dirs(self.root);
                let Some(dir) = pick(&skills, skill) else {
                    return "no skill to delete".into();
                };
                // A `related` naming a skill that is gone is an error, and this
                // test is about sites that build.
                let gone = slug(&dir);
                for other in skills.iter().filter(|d| **d != dir) {
                    let index = other.join("index.md");
                    let related = related_of(&fs::read_to_string(&index).unwrap());
                    if related.contains(&gone) {
                        let kept: Vec<String> =
                            related.into_iter().filter(|r| *r != gone).collect();
                        self.edit_text(&index, |t| set_key(t, "related", list(&kept).as_deref()));
                    }
                }
                self.remove_tree(&dir);
                format!("delete the skill {}", self.shown(&dir))
            }
            Edit::RenameSkill { skill, word } => {
                let skills = skill_dirs(self.root);
                let Some(dir) = pick(&skills, skill) else {
                    return "no skill to rename".into();
                };
                let to = dir.with_file_name(format!("Moved {}", self.word(*word)));
                let (old, new) = (slug(&dir), slug(&to));
                for other in skills.iter().filter(|d| **d != dir) {
                    let index = other.join("index.md");
                    let related = related_of(&fs::read_to_string(&index).unwrap());
                    if related.contains(&old) {
                        let renamed: Vec<String> = (related.into_iter())
                            .map(|r| if r == old { new.clone() } else { r })
                            .collect();
                        self.edit_text(&index, |t| {
                            set_key(t, "related", list(&renamed).as_deref())
                        });
                    }
                }
                self.note_tree(&dir);
                fs::rename(&dir, &to).unwrap();
                self.note_tree(&to);
                format!(
                    "rename the skill {} to {}",
                    self.shown(&dir),
                    self.shown(&to)
                )
            }
            Edit::Tags {
                on_skill,
                target,
                tags,
            } => {
                let file = match on_skill {
                    true => pick(&skill_dirs(self.root), target).map(|d| d.join("index.md")),
                    false => pick(&entries(self.root), target),
                };
                let Some(file) = file else {
                    return "nothing to tag".into();
                };
                let mut names: Vec<String> = Vec::new();
                for &t in tags {
                    let tag = TAGS[t as usize % TAGS.len()].to_string();
                    if !names.contains(&tag) {
                        names.push(tag);
                    }
                }
                self.edit_text(&file, |t| set_key(t, "tags", list(&names).as_deref()));
                format!("tag {} with {names:?}", self.shown(&file))
            }
            Edit::Draft { linked, target } => {
                let all: Vec<PathBuf> = (skill_dirs(self.root).into_iter())
                    .map(|d| d.join("index.md"))
                    .chain(entries(self.root))
                    .collect();
                let linked_to = linked_to(self.root, &all);
                let among = if *linked && !linked_to.is_empty() {
                    &linked_to
                } else {
                    &all
                };
                let Some(file) = pick(among, target) else {
                    return "nothing to hide or show".into();
                };
                let text = fs::read_to_string(&file).unwrap();
                let draft = (get_key(&text, "draft").as_deref() != Some("true")).then_some("true");
                self.edit_text(&file, |t| set_key(t, "draft", draft));
                let verb = if draft.is_some() { "hide" } else { "show" };
                format!("{verb} {}", self.shown(&file))
            }
            Edit::Related { from, to, on } => {
                let skills = skill_dirs(self.root);
                if skills.len() < 2 {
                    return "no two skills to relate".into();
                }
                let from = from.index(skills.len());
                // Any other skill: a skill related to itself is an error.
                let to = (from + 1 + to.index(skills.len() - 1)) % skills.len();
                let (from, to) = (skills[from].clone(), skills[to].clone());
                let index = from.join("index.md");
                let mut related = related_of(&fs::read_to_string(&index).unwrap());
                let to = slug(&to);
                let done = match on {
                    true if !related.contains(&to) => {
                        related.push(to.clone());
                        format!("relate {} to {to}", self.shown(&index))
                    }
                    true => return format!("no change: {to} is related already"),
                    // Else the skill loses every related one it has.
                    false if related.contains(&to) => {
                        related.retain(|r| *r != to);
                        format!("unrelate {to} from {}", self.shown(&index))
                    }
                    false => {
                        related.clear();
                        format!("remove every related skill of {}", self.shown(&index))
                    }
                };
                self.edit_text(&index, |t| set_key(t, "related", list(&related).as_deref()));
                done
            }
            Edit::Template {
                which,
                remove,
                word,
            } => {
                let theme = self.theme_templates();
                let names: Vec<&str> = (TEMPLATES.iter().copied())
                    .filter(|n| theme.join(n).is_file())
                    .collect();
                let name = names[which.index(names.len())];
                let path = self.root.join("templates").join(name);
                if *remove && path.exists() {
                    self.remove(&path);
                    self.remove_empty_parents(&path, &self.root.join("templates"));
                    return format!("remove the override templates/{name}");
                }
                let word = self.word(*word);
                let text = fs::read_to_string(&path)
                    .or_else(|_| fs::read_to_string(theme.join(name)))
                    .unwrap();
                self.write(&path, mark_template(name, &text, &word));
                format!("override templates/{name}, marked {word}")
            }
            Edit::Static {
                which,
                delete,
                word,
            } => {
                let name = STATIC[which.index(STATIC.len())];
                let path = self.root.join("static").join(name);
                if *delete && path.exists() {
                    self.remove(&path);
                    self.remove_empty_parents(&path, &self.root.join("static"));
                    return format!("delete static/{name}");
                }
                let word = self.word(*word);
                let text = match name.rsplit_once('.').map(|(_, ext)| ext) {
                    Some("svg") => format!(
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\"><title>{word}</title><rect width=\"8\" height=\"8\"/></svg>\n"
                    ),
                    Some("css") => format!("body {{ --mark: \"{word}\"; }}\n"),
                    Some("html") => format!("<!DOCTYPE html>\n<p>{word}</p>\n"),
                    _ => format!("{word}\n"),
                };
                self.write(&path, text);
                format!("write static/{name} ({word})")
            }
            Edit::Theme { change, word } => {
                let paper = self.root.join("themes/paper");
                let (name, done) = match change {
                    ThemeChange::EditPaper(which) if paper.exists() => {
                        let files: Vec<PathBuf> = sorted(
                            (WalkDir::new(&paper).into_iter())
                                .map(|e| e.unwrap().into_path())
                                .filter(|p| {
                                    p.is_file() && p.extension().is_some_and(|e| e != "toml")
                                }),
                        );
                        let file = pick(&files, which).unwrap();
                        let word = self.word(*word);
                        let text = fs::read_to_string(&file).unwrap();
                        let name = file.file_name().unwrap().to_string_lossy().into_owned();
                        let changed = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => mark_template(&name, &text, &word),
                            Some("css") => format!("{text}\nbody {{ --mark: \"{word}\"; }}\n"),
                            _ => text.replace("</svg>", &format!("<title>{word}</title></svg>")),
                        };
                        self.write(&file, changed);
                        return format!("change the site's paper theme: {}", self.shown(&file));
                    }
                    ThemeChange::Default => ("default", "switch to the default theme"),
                    ThemeChange::Paper | ThemeChange::EditPaper(_) => {
                        if !paper.exists() {
                            let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/paper");
                            for entry in WalkDir::new(&repo).into_iter().map(Result::unwrap) {
                                if entry.file_type().is_file() {
                                    let to = paper.join(entry.path().strip_prefix(&repo).unwrap());
                                    self.write(&to, fs::read(entry.path()).unwrap());
                                }
                            }
                        }
                        ("paper", "switch to the paper theme")
                    }
                };
                // Overrides are made from one theme's templates and may need
                // what only that theme has.
                let overrides = self.root.join("templates");
                if overrides.exists() {
                    self.remove_tree(&overrides);
                }
                let value = format!("\"{name}\"");
                self.edit_text(&self.root.join("site.toml"), |t| {
                    set_top_level(t, "theme", Some(&value))
                });
                format!("{done}, without overrides")
            }
            Edit::MoveEntry { entry, to } => {
                // Evidence is looked for in the entry's own skill.
                let movable: Vec<PathBuf> = (entries(self.root).into_iter())
                    .filter(|e| get_key(&fs::read_to_string(e).unwrap(), "evidence").is_none())
                    .collect();
                let Some(entry) = pick(&movable, entry) else {
                    return "no entry to move".into();
                };
                let skill = entry.parent().unwrap().parent().unwrap();
                let others: Vec<PathBuf> = (skill_dirs(self.root).into_iter())
                    .filter(|d| d != skill)
                    .collect();
                let Some(other) = pick(&others, to) else {
                    return "no other skill to move an entry to".into();
                };
                let moved = other.join("log").join(entry.file_name().unwrap());
                if moved.exists() {
                    return format!("no change: {} exists", self.shown(&moved));
                }
                if !moved.parent().unwrap().exists() {
                    fs::create_dir(moved.parent().unwrap()).unwrap();
                    self.changed.push(moved.parent().unwrap().to_path_buf());
                }
                fs::rename(&entry, &moved).unwrap();
                self.changed.extend([entry.clone(), moved.clone()]);
                format!("move {} to {}", self.shown(&entry), self.shown(&moved))
            }
            Edit::AddImage {
                entry,
                size,
                shade,
                as_evidence,
            } => {
                let Some(entry) = pick(&entries(self.root), entry) else {
                    return "no entry to add a photo to".into();
                };
                let name = format!("photo-{}.png", self.word(*shade));
                let image = entry.with_file_name(&name);
                self.write(&image, picture(*size, *shade, image::ImageFormat::Png));
                let text = fs::read_to_string(&entry).unwrap();
                let how = if *as_evidence && get_key(&text, "evidence").is_none() {
                    let evidence = format!("[\"{name}\"]");
                    self.edit_text(&entry, |t| set_key(t, "evidence", Some(&evidence)));
                    "as its evidence"
                } else {
                    self.edit_text(&entry, |t| append(t, &format!("![A photo]({name})")));
                    "in its note"
                };
                format!(
                    "add the {}×{} photo {} to {} {how}",
                    size.0,
                    size.1,
                    self.shown(&image),
                    self.shown(&entry)
                )
            }
            Edit::ReplaceImage { image, size, shade } => {
                let Some(path) = pick(&images(self.root), image) else {
                    // None yet: the fixture's first photo, then.
                    let add = Edit::AddImage {
                        entry: *image,
                        size: *size,
                        shade: *shade,
                        as_evidence: false,
                    };
                    return self.apply(&add);
                };
                let format = image::ImageFormat::from_path(&path).unwrap();
                self.write(&path, picture(*size, *shade, format));
                format!(
                    "replace {} with a {}×{} one",
                    self.shown(&path),
                    size.0,
                    size.1
                )
            }
            Edit::Page { page, change, word } => {
                let word = self.word(*word);
                match change {
                    PageChange::Add => {
                        let path = self.root.join(format!("content/notes-{word}.md"));
                        self.write(
                            &path,
                            format!(
                                "+++\ntitle = \"Notes on {word}\"\n+++\n\nA page about {word}.\n"
                            ),
                        );
                        format!("add the page {}", self.shown(&path))
                    }
                    PageChange::Edit => {
                        let Some(path) = pick(&pages(self.root), page) else {
                            return "no page to change".into();
                        };
                        self.edit_text(&path, |t| append(t, &format!("Also {word}.")));
                        format!("add to the page {}", self.shown(&path))
                    }
                    PageChange::Delete => {
                        let Some(path) = pick(&pages(self.root), page) else {
                            return "no page to delete".into();
                        };
                        self.remove(&path);
                        format!("delete the page {}", self.shown(&path))
                    }
                }
            }
            Edit::SiteToml { what, word } => {
                let path = self.root.join("site.toml");
                let word = self.word(*word);
                let done = match what {
                    ConfigChange::Title => {
                        let title = format!("\"Portfolio {word}\"");
                        self.edit_text(&path, |t| set_top_level(t, "title", Some(&title)));
                        format!("title {title}")
                    }
                    ConfigChange::Description => {
                        let text = format!("\"All about {word}.\"");
                        self.edit_text(&path, |t| set_top_level(t, "description", Some(&text)));
                        format!("description {text}")
                    }
                    ConfigChange::Author => {
                        let name = format!("\"Author {word}\"");
                        self.edit_text(&path, |t| set_author_name(t, &name));
                        format!("author's name {name}")
                    }
                    ConfigChange::SocialCards => {
                        let text = fs::read_to_string(&path).unwrap();
                        let off = get_top_level(&text, "social_cards").as_deref() == Some("false");
                        let value = (!off).then_some("false");
                        self.edit_text(&path, |t| set_top_level(t, "social_cards", value));
                        format!("social cards {}", if off { "on" } else { "off" })
                    }
                    // Later only: an entry dated after today is left out of the
                    // numbers, with a warning, which is not what this is about.
                    ConfigChange::Today => {
                        let text = fs::read_to_string(&path).unwrap();
                        let today: jiff::civil::Date = get_top_level(&text, "today").unwrap()[..10]
                            .parse()
                            .unwrap();
                        let days = 1 + self.words as i64 % 40;
                        let later = today.checked_add(jiff::Span::new().days(days)).unwrap();
                        let value = later.to_string();
                        self.edit_text(&path, |t| set_top_level(t, "today", Some(&value)));
                        format!("today {value}")
                    }
                    // Only a build uses it: `serve` has an address of its own.
                    ConfigChange::BaseUrl => {
                        let url = format!("\"https://example.org/{word}/\"");
                        self.edit_text(&path, |t| set_top_level(t, "base_url", Some(&url)));
                        format!("base_url {url}")
                    }
                };
                format!("site.toml: {done}")
            }
        }
    }

    /// The templates folder of the theme site.toml names.
    fn theme_templates(&self) -> PathBuf {
        let config = fs::read_to_string(self.root.join("site.toml")).unwrap();
        match get_top_level(&config, "theme").as_deref() {
            Some("\"paper\"") => self.root.join("themes/paper/templates"),
            _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates"),
        }
    }

    /// A word no earlier edit of the case used, so every edit changes something.
    fn word(&mut self, n: u8) -> String {
        self.words += 1;
        format!("{}{}", WORDS[n as usize % WORDS.len()], self.words)
    }

    fn date(&self, day: u8) -> String {
        format!("{}-{:02}", self.fixture.month, 1 + day % self.fixture.days)
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Writes a file, creating its folders, and notes each created folder too.
    fn write(&mut self, path: &Path, bytes: impl AsRef<[u8]>) {
        let mut created = Vec::new();
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| !d.exists()) {
            created.push(d.to_path_buf());
            dir = d.parent();
        }
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
        self.changed.extend(created.into_iter().rev());
        self.changed.push(path.to_path_buf());
    }

    fn edit_text(&mut self, path: &Path, change: impl FnOnce(&str) -> String) {
        let text = fs::read_to_string(path).unwrap();
        self.write(path, change(&text));
    }

    fn remove(&mut self, path: &Path) {
        fs::remove_file(path).unwrap();
        self.changed.push(path.to_path_buf());
    }

    /// Removes a folder, noting it and every file that was in it.
    fn remove_tree(&mut self, dir: &Path) {
        self.note_tree(dir);
        fs::remove_dir_all(dir).unwrap();
    }

    fn note_tree(&mut self, dir: &Path) {
        for entry in WalkDir::new(dir).into_iter().map(Result::unwrap) {
            self.changed.push(entry.path().to_path_buf());
        }
    }

    /// Removes the folders a removal left empty, up to `top` itself.
    fn remove_empty_parents(&mut self, path: &Path, top: &Path) {
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(top)) {
            if fs::read_dir(d).unwrap().next().is_some() {
                break;
            }
            fs::remove_dir(d).unwrap();
            self.changed.push(d.to_path_buf());
            dir = d.parent();
        }
    }
}

fn pick(items: &[PathBuf], index: &Index) -> Option<PathBuf> {
    (!items.is_empty()).then(|| items[index.index(items.len())].clone())
}

fn sorted(paths: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = paths.collect();
    paths.sort();
    paths
}

/// Files editors leave beside content, which the site ignores.
fn hidden(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

fn children(dir: &Path) -> impl Iterator<Item = PathBuf> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| !hidden(p))
}

fn skill_dirs(root: &Path) -> Vec<PathBuf> {
    sorted(children(&root.join("content/skills")).filter(|d| d.join("index.md").is_file()))
}

fn entries(root: &Path) -> Vec<PathBuf> {
    sorted(
        skill_dirs(root)
            .into_iter()
            .flat_map(|d| children(&d.join("log")).collect::<Vec<_>>())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    )
}

/// The pages beside the skills, the home page's `_index.md` among them.
fn pages(root: &Path) -> Vec<PathBuf> {
    sorted(children(&root.join("content")).filter(|p| p.extension().is_some_and(|e| e == "md")))
}

fn images(root: &Path) -> Vec<PathBuf> {
    let raster = |p: &Path| {
        p.extension()
            .map(|e| e.to_ascii_lowercase())
            .is_some_and(|e| e == "png" || e == "jpg" || e == "jpeg")
    };
    sorted(
        WalkDir::new(root.join("content"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| raster(p) && !hidden(p)),
    )
}

/// The skills' `index.md` and entries among `files` that another markdown file
/// names, as a link to it does.
fn linked_to(root: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    let texts: Vec<(PathBuf, String)> = (WalkDir::new(root.join("content")).into_iter())
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !hidden(p))
        .map(|p| (p.clone(), fs::read_to_string(&p).unwrap()))
        .collect();
    let name = |file: &Path| {
        let parent = file.parent().unwrap();
        match file.file_name().unwrap().to_string_lossy().as_ref() {
            "index.md" => format!("{}/index.md", parent.file_name().unwrap().to_string_lossy()),
            name => name.to_string(),
        }
    };
    (files.iter())
        .filter(|file| {
            let name = name(file);
            let encoded = name.replace(' ', "%20");
            (texts.iter()).any(|(p, t)| p != *file && (t.contains(&name) || t.contains(&encoded)))
        })
        .cloned()
        .collect()
}

fn slug(skill_dir: &Path) -> String {
    skillfolio::slug::slugify(&skill_dir.file_name().unwrap().to_string_lossy())
}

/// A small picture in `format`; its size and shade make it differ from others.
fn picture((width, height): (u16, u16), shade: u8, format: image::ImageFormat) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width.into(), height.into(), |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y * 5 % 256) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    pixels.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// Adds `word` where the template shows it on its pages.
fn mark_template(name: &str, text: &str, word: &str) -> String {
    let mark = format!("<p class=\"mark\">{word}</p>");
    // base.html's own content block is always replaced by its pages'.
    let anchor = if name == "base.html" {
        "<body>"
    } else {
        "{% block content %}"
    };
    match text.find(anchor) {
        Some(at) => {
            let at = at + anchor.len();
            format!("{}{mark}{}", &text[..at], &text[at..])
        }
        None => format!("{mark}\n{text}"),
    }
}

/// `["a", "b"]`, or `None` for no items, which removes the key.
fn list(items: &[String]) -> Option<String> {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    (!items.is_empty()).then(|| format!("[{}]", quoted.join(", ")))
}

fn related_of(text: &str) -> Vec<String> {
    get_key(text, "related").map_or_else(Vec::new, |v| {
        v.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    })
}

fn is_key(line: &str, key: &str) -> bool {
    (line.trim_start().strip_prefix(key)).is_some_and(|rest| rest.trim_start().starts_with('='))
}

fn value_of(line: &str) -> String {
    line.split_once('=')
        .map_or("", |(_, v)| v)
        .trim()
        .to_string()
}

/// The lines of `text`, each with its line ending, and the one to write new lines
/// with: a file written with CRLF keeps them.
fn lines(text: &str) -> (Vec<String>, &'static str) {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if let Some(last) = lines.last_mut()
        && !last.ends_with('\n')
    {
        last.push_str(eol);
    }
    (lines, eol)
}

/// The line numbers of a markdown file's front matter fences.
fn fences(lines: &[String]) -> (usize, usize) {
    let fence = |l: &String| l.trim_start_matches('\u{feff}').trim_end() == "+++";
    let open = lines.iter().position(fence).expect("front matter");
    let close = open + 1 + lines[open + 1..].iter().position(fence).expect("its end");
    (open, close)
}

fn get_key(text: &str, key: &str) -> Option<String> {
    let (lines, _) = lines(text);
    let (open, close) = fences(&lines);
    (lines[open + 1..close].iter())
        .find(|l| is_key(l, key))
        .map(|l| value_of(l))
}

/// Sets `key` of a markdown file's front matter to the TOML `value`, or removes
/// it. Only for keys written on one line.
fn set_key(text: &str, key: &str, value: Option<&str>) -> String {
    let (mut lines, eol) = lines(text);
    let (open, close) = fences(&lines);
    set_line(&mut lines, open + 1..close, key, value, eol);
    lines.concat()
}

fn set_line(
    lines: &mut Vec<String>,
    range: std::ops::Range<usize>,
    key: &str,
    value: Option<&str>,
    eol: &str,
) {
    let line = value.map(|v| format!("{key} = {v}{eol}"));
    match (range.clone().find(|&i| is_key(&lines[i], key)), line) {
        (Some(i), Some(line)) => lines[i] = line,
        (Some(i), None) => {
            lines.remove(i);
        }
        (None, Some(line)) => lines.insert(range.end, line),
        (None, None) => {}
    }
}

/// site.toml's keys before its first table.
fn top_level(lines: &[String]) -> std::ops::Range<usize> {
    0..(lines.iter())
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len())
}

fn get_top_level(text: &str, key: &str) -> Option<String> {
    let (lines, _) = lines(text);
    (lines[top_level(&lines)].iter())
        .find(|l| is_key(l, key))
        .map(|l| value_of(l))
}

fn set_top_level(text: &str, key: &str, value: Option<&str>) -> String {
    let (mut lines, eol) = lines(text);
    let range = top_level(&lines);
    set_line(&mut lines, range, key, value, eol);
    lines.concat()
}

fn set_author_name(text: &str, name: &str) -> String {
    let (mut lines, eol) = lines(text);
    let start = 1
        + (lines.iter())
            .position(|l| l.trim() == "[author]")
            .expect("an [author] table");
    let end = start
        + (lines[start..].iter())
            .position(|l| l.trim_start().starts_with('['))
            .unwrap_or(lines.len() - start);
    set_line(&mut lines, start..end, "name", Some(name), eol);
    lines.concat()
}

fn append(text: &str, para: &str) -> String {
    let (lines, eol) = lines(text);
    format!("{}{eol}{para}{eol}", lines.concat())
}

fn replace_body(text: &str, para: &str) -> String {
    let (lines, eol) = lines(text);
    let (_, close) = fences(&lines);
    format!("{}{eol}{para}{eol}", lines[..=close].concat())
}
