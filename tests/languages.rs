//! The demo portfolio built in each language skillfolio ships: the theme's
//! words, month names and numbers are the language's on every kind of page,
//! and a site's own strings and languages are read, checked and reported.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{copy_dir, read, run, stderr};
use walkdir::WalkDir;

const LANGUAGES: [&str; 6] = ["de", "es", "fr", "ja", "pt", "tr"];

/// A copy of the demo portfolio in `language`.
fn demo_in(language: &str) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::TempDir::new().unwrap();
    for part in ["content", "static"] {
        if root.join(part).is_dir() {
            copy_dir(&root.join(part), &dir.path().join(part));
        }
    }
    let config = read(root.join("site.toml"));
    let config = set_language(&config, language);
    fs::write(dir.path().join("site.toml"), config).unwrap();
    dir
}

fn set_language(config: &str, language: &str) -> String {
    let line = format!("language = \"{language}\"");
    if config.lines().any(|l| l.starts_with("language")) {
        (config.lines())
            .map(|l| {
                if l.starts_with("language") {
                    line.as_str()
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        format!("{line}\n{config}")
    }
}

fn build(root: &Path) -> std::path::PathBuf {
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    root.join("public")
}

/// What a reader sees or hears of a page: its text, and the words of `alt`,
/// `aria-label` and `title` attributes (charts' text alternatives included).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push('\n');
        let tag_end = rest[open..].find('>').map_or(rest.len(), |e| open + e + 1);
        let tag = &rest[open..tag_end];
        for name in ["alt", "aria-label", "title"] {
            let needle = format!(" {name}=\"");
            if let Some(start) = tag.find(&needle) {
                let value = &tag[start + needle.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(0)]);
                out.push('\n');
            }
        }
        rest = &rest[tag_end..];
        for skipped in ["script", "style"] {
            if tag.starts_with(&format!("<{skipped}")) {
                let close = format!("</{skipped}>");
                rest = rest.find(&close).map_or("", |e| &rest[e..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

fn table(code: &str) -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/i18n/{code}.toml"));
    read(path).parse().unwrap()
}

/// The texts of a string: itself, or each of its plural forms.
fn forms(value: &toml::Value) -> Vec<String> {
    match value {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Table(t) => t
            .values()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        toml::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The words of English strings that a page in `code` must not show: the
/// text between the `{names}` of each string, unless the language uses it too.
fn english_words(code: &str) -> BTreeSet<String> {
    let (en, other) = (table("en"), table(code));
    // A word the language keeps (`JSON Feed`, `CV`) is its own word too.
    let theirs: String = other
        .values()
        .flat_map(forms)
        .collect::<Vec<_>>()
        .join("\n");
    let mut words = BTreeSet::new();
    for value in en.values() {
        for form in forms(value) {
            for piece in form.split(['{', '}']).step_by(2) {
                let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
                let letters = piece.chars().filter(|c| c.is_alphabetic()).count();
                if letters >= 4 && !theirs.contains(piece) {
                    words.insert(piece.to_string());
                }
            }
        }
    }
    words
}

/// Everything the author wrote, in English whatever the site's language.
fn authored_text(root: &Path) -> String {
    let mut text = read(root.join("site.toml"));
    for entry in WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            text.push_str(&read(entry.path()));
        }
    }
    text
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The pages a visitor meets first: home, a skill, an entry, payoffs, tags.
fn pages(public: &Path) -> Vec<(String, String)> {
    let entry = WalkDir::new(public.join("skills/perfect-omelette"))
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .filter(|p| p.is_dir())
        .min()
        .expect("an entry of the omelette");
    [
        public.join("index.html"),
        public.join("skills/perfect-omelette/index.html"),
        entry.join("index.html"),
        public.join("payoffs/index.html"),
        public.join("tags/index.html"),
        public.join("skills/index.html"),
        public.join("cv/index.html"),
    ]
    .into_iter()
    .map(|p| {
        (
            p.strip_prefix(public).unwrap().display().to_string(),
            read(p),
        )
    })
    .collect()
}

#[test]
fn each_language_leaves_no_english_theme_text_on_the_pages_people_see() {
    for code in LANGUAGES {
        assert_no_english_left(code, "default");
    }
}

#[test]
fn the_paper_theme_speaks_the_language_too() {
    for code in ["ja", "tr"] {
        assert_no_english_left(code, "paper");
    }
}

fn assert_no_english_left(code: &str, theme: &str) {
    {
        let site = demo_in(code);
        let config = read(site.path().join("site.toml"));
        let config = (config.lines())
            .map(|l| {
                if l.starts_with("theme") {
                    format!("theme = \"{theme}\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(site.path().join("site.toml"), config).unwrap();
        let public = build(site.path());
        let authored = authored_text(site.path());
        let words: Vec<String> = english_words(code)
            .into_iter()
            .filter(|w| !contains_word(&authored, w))
            .collect();
        assert!(
            words.len() > 100,
            "{code}: only {} words to look for",
            words.len()
        );
        let months = table(code)["months"].clone();
        let december = forms(&months)[11].clone();
        for (page, html) in pages(&public) {
            assert!(
                html.contains(&format!("<html lang=\"{code}\">")),
                "{code}: {page} does not say its language"
            );
            let text = visible_text(&html);
            let left: Vec<&String> = words.iter().filter(|w| contains_word(&text, w)).collect();
            assert!(
                left.is_empty(),
                "{code}: {page} still shows English: {left:?}"
            );
            for month in forms(&table("en")["months"]) {
                assert!(
                    !contains_word(&text, &month) || contains_word(&authored, &month),
                    "{code}: {page} names the month {month} in English"
                );
            }
            if page == "index.html" {
                assert!(
                    text.contains(&december),
                    "{code}: the home page has no {december}"
                );
            }
        }
    }
}

#[test]
fn dates_and_numbers_are_written_as_the_language_writes_them() {
    let site = demo_in("de");
    let public = build(site.path());
    let home = visible_text(&read(public.join("index.html")));
    // The demo's hours have a decimal, which German writes with a comma.
    let hours = home
        .lines()
        .skip_while(|l| *l != "Stunden")
        .nth(2)
        .unwrap_or_default();
    assert!(
        hours.contains(',') && !hours.contains('.'),
        "hours written as `{hours}`"
    );
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains(">1. Juni 2026</time>"), "German dates");

    let site = demo_in("ja");
    let public = build(site.path());
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains(">2026年6月1日</time>"), "Japanese dates");
    // Japanese puts no space after `。` or `：`; the theme's joins follow it.
    for page in [
        "skills/perfect-omelette/index.html",
        "index.html",
        "cv/index.html",
    ] {
        let text = visible_text(&read(public.join(page)));
        for line in text.lines() {
            assert!(
                !line.contains("。 ") && !line.contains("： "),
                "{page}: {line}"
            );
        }
    }
    let site = demo_in("tr");
    let public = build(site.path());
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains(">1 Haziran 2026</time>"), "Turkish dates");
}

#[test]
fn a_site_changes_a_string_in_site_toml_or_its_own_file() {
    let site = demo_in("fr");
    let config = read(site.path().join("site.toml"));
    fs::write(
        site.path().join("site.toml"),
        format!("{config}\n[strings]\nprogress = \"Où j’en suis\"\n"),
    )
    .unwrap();
    fs::create_dir_all(site.path().join("i18n")).unwrap();
    fs::write(
        site.path().join("i18n/fr.toml"),
        "label_sessions = \"Séances d’entraînement\"\nday_count = { one = \"{n} journée\", other = \"{n} journées\" }\n",
    )
    .unwrap();
    let public = build(site.path());
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains(">Où j’en suis</h2>"));
    assert!(skill.contains("<dt>Séances d’entraînement</dt>"));
    assert!(visible_text(&skill).contains("journées"));
}

#[test]
fn a_language_of_the_sites_own_falls_back_to_english_with_a_warning() {
    let site = demo_in("nl");
    fs::create_dir_all(site.path().join("i18n")).unwrap();
    fs::write(
        site.path().join("i18n/nl.toml"),
        "progress = \"Voortgang\"\nday_count = { one = \"{n} dag\", other = \"{n} dagen\" }\n",
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no text in `nl` for") && err.contains("they are shown in English"),
        "{err}"
    );
    assert!(err.contains("i18n/nl.toml"), "{err}");
    let skill = read(
        site.path()
            .join("public/skills/perfect-omelette/index.html"),
    );
    assert!(skill.contains("<html lang=\"nl\">"));
    assert!(skill.contains(">Voortgang</h2>"));
    assert!(
        skill.contains("<dt>Sessions</dt>"),
        "English fills the rest"
    );
}

#[test]
fn an_unknown_language_is_an_error_at_the_line_that_names_it() {
    let site = demo_in("xx");
    let out = run(site.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("skillfolio has no text in `xx`"), "{err}");
    assert!(err.contains("site.toml:7:12"), "{err}");
    assert!(err.contains("de, en, es, fr, ja, pt, tr"), "{err}");
    assert!(err.contains("i18n/xx.toml"), "{err}");
}

#[test]
fn a_mistake_in_a_sites_strings_is_reported_where_it_is_written() {
    let site = demo_in("de");
    fs::create_dir_all(site.path().join("i18n")).unwrap();
    fs::write(
        site.path().join("i18n/de.toml"),
        "progres = \"Stand\"\nday_count = { one = \"{n} Tag\" }\nmonths = [\"Jan\"]\n",
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("i18n/de.toml:2:13"), "{err}");
    assert!(err.contains("with `other` among them"), "{err}");
    assert!(err.contains("i18n/de.toml:3:10"), "{err}");
    assert!(err.contains("`months` needs 12 names, found 1"), "{err}");
    // A near miss of a known key is a warning with the key it meant.
    assert!(err.contains("the theme has no string `progres`"), "{err}");
    assert!(err.contains("did you mean `progress`?"), "{err}");
}

/// A write-up in Turkish titles its six parts in Turkish (or in the site's own
/// words for them): the build recognises them as the parts, and `check` asks
/// for none of them.
#[test]
fn part_headings_in_the_sites_language_are_the_parts() {
    let site = demo_in("tr");
    let write_up = site.path().join("content/skills/perfect-omelette/index.md");
    let english = read(&write_up);
    let turkish = english
        .replace("## Entry trick", "## Giriş püf noktası")
        .replace("## Rub-pat barrier", "## OVMA-VURMA ENGELİ")
        .replace("## Background support", "## Arka plan desteği:")
        .replace("## Payoff", "## Kazanım")
        .replace("## Repeatability", "## Tekrarlanabilirlik")
        .replace("## Experimental possibilities", "## Denemeler");
    assert_ne!(english, turkish);
    fs::write(&write_up, turkish).unwrap();
    let config = read(site.path().join("site.toml"));
    fs::write(
        site.path().join("site.toml"),
        format!("{config}\n[strings]\npart_experimental_possibilities = \"Denemeler\"\n"),
    )
    .unwrap();

    let public = build(site.path());
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(
        skill.contains("6 bölümden 6 tanesi yazıldı"),
        "{}",
        visible_text(&skill)
    );
    let checked = run(site.path(), &["check"]);
    let said = stderr(&checked);
    assert!(!said.contains("perfect-omelette/index.md"), "{said}");

    // In English the Turkish headings are sections of their own.
    fs::write(
        site.path().join("site.toml"),
        set_language(&read(site.path().join("site.toml")), "en"),
    )
    .unwrap();
    let public = build(site.path());
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(!skill.contains("6 of 6 parts written"));
    let checked = run(site.path(), &["check"]);
    assert!(
        stderr(&checked).contains("perfect-omelette/index.md"),
        "{}",
        stderr(&checked)
    );
}
