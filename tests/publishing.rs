//! What a portfolio publishes, on a site written by someone else: its own folder
//! names and habits, a draft note and an ideas list beside a write-up, editor
//! backups and lock files. Only rendered pages and assets may reach the output or
//! the preview server; the sources never do, and `check` says what it left out.

mod common;

use std::path::Path;

use common::http::Server;
use common::{build, fixture, read, run, stderr, tree};

/// Sources in the stranger fixture that must never be published, by their file name.
const SOURCES: [&str; 6] = [
    "notes.md",
    "index.md.bak",
    "ideas.md",
    "index.md~",
    ".#index.md",
    "index.md___jb_old___",
];

#[test]
fn sources_backups_and_drafts_are_never_in_the_output() {
    let site = fixture("stranger");
    for source in [
        "content/skills/Sourdough-Loaf/notes.md",
        "content/skills/Sourdough-Loaf/index.md.bak",
        "content/skills/bike tube repair/ideas.md",
        "content/skills/bike tube repair/index.md~",
        "content/skills/bike tube repair/.#index.md",
    ] {
        assert!(
            site.path().join(source).is_file(),
            "the fixture lost {source}"
        );
    }
    // What a JetBrains editor leaves when it stops halfway through a save:
    // the page's old text, beside the page.
    std::fs::write(
        site.path()
            .join("content/skills/Sourdough-Loaf/index.md___jb_old___"),
        "+++\ntitle = \"Sourdough\"\n+++\nNOT for the site: the old draft.\n",
    )
    .unwrap();
    let public = build(site.path(), &[]);
    let files = tree(&public);
    let leaked: Vec<&String> = files
        .keys()
        .filter(|path| {
            let name = path.rsplit('/').next().unwrap_or(path);
            SOURCES.contains(&name)
                || name.ends_with(".md")
                || name.ends_with(".bak")
                || name.ends_with('~')
                || name.starts_with(".#")
        })
        .collect();
    assert!(leaked.is_empty(), "published sources: {leaked:?}");
    // The private note's words are nowhere, not even inside a page.
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("NOT for the site") && !text.contains("tubeless"),
            "{path} holds a private note"
        );
    }
    // Real assets still are.
    assert!(files.contains_key("skills/sourdough-loaf/crumb-shot.jpg"));
    assert!(files.contains_key("skills/sourdough-loaf/starter-schedule.txt"));
}

#[test]
fn the_preview_server_does_not_serve_sources_either() {
    let site = fixture("stranger");
    let server = Server::start(site.path());
    // `serve` publishes at the root of its own address: the `/skills/` path of
    // base_url is dropped, so both spellings are tried.
    for prefix in ["", "/skills"] {
        for path in [
            "/skills/sourdough-loaf/notes.md",
            "/skills/sourdough-loaf/index.md.bak",
            "/skills/bike-tube-repair/ideas.md",
            "/skills/bike-tube-repair/index.md~",
            "/skills/bike-tube-repair/.%23index.md",
        ] {
            let url = format!("{prefix}{path}");
            let response = server.get(&url);
            assert_eq!(response.status, 404, "{url}");
        }
    }
    let photo = server.get("/skills/sourdough-loaf/crumb-shot.jpg");
    assert_eq!(photo.status, 200);
    assert_eq!(photo.header("Content-Type"), Some("image/jpeg"));
}

#[test]
fn check_names_a_markdown_file_it_does_not_publish() {
    let site = fixture("stranger");
    let out = run(site.path(), &["check"]);
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(
            "content/skills/bike tube repair/ideas.md is not published: inside a skill's folder only index.md and log/*.md are pages"
        ),
        "{text}"
    );
    assert!(
        text.contains("move it into the skill's log/ folder"),
        "{text}"
    );
    // A note marked as a draft is private on purpose: nothing to warn about.
    assert!(!text.contains("notes.md"), "{text}");
    // The build says the same.
    let out = run(site.path(), &["build"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("ideas.md is not published"));
}

#[test]
fn a_draft_skill_publishes_none_of_its_files_unless_asked() {
    let site = fixture("stranger");
    let index = site.path().join("content/skills/Sourdough-Loaf/index.md");
    // The fixture has Windows line ends: the first line is `+++\r`.
    let text = read(&index).replacen("+++", "+++\ndraft = true", 1);
    std::fs::write(&index, text).unwrap();
    let files = tree(&build(site.path(), &[]));
    let leaked: Vec<&String> = files
        .keys()
        .filter(|p| p.contains("sourdough-loaf"))
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    let files = tree(&build(site.path(), &["--drafts"]));
    assert!(files.contains_key("skills/sourdough-loaf/crumb-shot.jpg"));
    assert!(!files.keys().any(|p| p.ends_with(".md")));
}

/// A stranger's portfolio builds cleanly and its payoffs show their photos.
#[test]
fn the_stranger_portfolio_checks_clean_and_shows_its_payoff_photos() {
    let site = fixture("stranger");
    let out = run(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 errors"), "{}", stderr(&out));

    let public = build(site.path(), &[]);
    let payoffs = read(public.join("payoffs/index.html"));
    for (entry, photo) in [
        (
            "skills/sourdough-loaf/2026-10-05-bake-4",
            "skills/sourdough-loaf/crumb-shot.jpg",
        ),
        (
            "skills/js-debounce/2026-09-01-search-box",
            "skills/js-debounce/search-box-requests.png",
        ),
        (
            "skills/bike-tube-repair/2026-10-26-roadside",
            "skills/bike-tube-repair/log/tube-patch.jpg",
        ),
    ] {
        assert!(public.join(photo).is_file(), "{photo} is not published");
        let src = format!("<img src=\"/skills/{photo}\"");
        let page = read(public.join(entry).join("index.html"));
        assert!(page.contains(&src), "{entry} does not show {photo}");
        assert!(payoffs.contains(&src), "/payoffs/ does not show {photo}");
    }
    assert!(Path::new(&public.join("skills/sourdough-loaf/index.html")).is_file());
}
