//! Builds fixture sites with the real `skillfolio` binary and checks what a user
//! relies on: which pages exist, their URLs under a base path, the six parts,
//! drafts, assets, links, highlighting, themes, safe output and error messages.

mod common;

use std::fs;
use std::path::Path;

use common::{build, fixture, read, run, stderr, tree};
use tempfile::TempDir;

#[test]
fn builds_every_page_of_the_portfolio() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let files: Vec<String> = tree(&public).into_keys().collect();
    insta::assert_snapshot!(files.join("\n"));
}

#[test]
fn every_url_carries_the_base_path() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let home = read(public.join("index.html"));
    assert!(home.contains(r#"<link rel="canonical" href="https://example.org/portfolio/">"#));
    assert!(home.contains(r#"<link rel="stylesheet" href="/portfolio/style.css">"#));
    assert!(home.contains(r#"href="/portfolio/skills/knife-work/""#));
    let entry = read(public.join("skills/perfect-omelette/2026-10-03-fold/index.html"));
    assert!(entry.contains(
        r#"<link rel="canonical" href="https://example.org/portfolio/skills/perfect-omelette/2026-10-03-fold/">"#
    ));
    // No root-relative link may skip the base path.
    for (path, bytes) in tree(&public) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            for attr in ["href=\"/", "src=\"/"] {
                for (i, _) in html.match_indices(attr) {
                    let rest = &html[i + attr.len()..];
                    assert!(
                        rest.starts_with("portfolio/"),
                        "{path}: {}",
                        &html[i..(i + 60).min(html.len())]
                    );
                }
            }
        }
    }
    let sitemap = read(public.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.org/portfolio/skills/perfect-omelette/</loc>"));
    assert!(!sitemap.contains("404"));
    assert!(
        read(public.join("robots.txt"))
            .contains("Sitemap: https://example.org/portfolio/sitemap.xml")
    );
}

#[test]
fn base_url_flag_replaces_the_configured_one() {
    let site = fixture("site");
    let public = build(site.path(), &["--base-url", "https://me.github.io/skills"]);
    let home = read(public.join("index.html"));
    assert!(
        home.contains(r#"href="https://me.github.io/skills/""#),
        "{home}"
    );
    assert!(home.contains(r#"href="/skills/skills/perfect-omelette/""#));
}

#[test]
fn the_six_parts_are_found_by_heading_and_alias() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let page = read(public.join("skills/perfect-omelette/index.html"));
    // Written under the aliases "Entry point", "Rub of reality", "Setup",
    // "Payoffs", "Practice" and "Experiments!".
    for (key, text) in [
        ("entry-trick", "Practise the roll with dried beans."),
        ("rub-pat-barrier", "Shaking the pan versus stirring"),
        ("background-support", "A 20 cm pan"),
        ("payoff", "Five in a row under ninety seconds."),
        ("repeatability", "One every Sunday."),
        ("experimental-possibilities", "Gruyère, herbs, four eggs."),
    ] {
        let start = page
            .find(&format!(r#"<section class="part written" id="part-{key}""#))
            .unwrap_or_else(|| panic!("part {key} not marked written"));
        let end = start + page[start..].find("</section>").unwrap();
        assert!(page[start..end].contains(text), "part {key} lacks its text");
    }
    assert!(page.contains("6 of 6 parts written"));
    // A heading that is not a part stays in the write-up.
    assert!(page.contains(r#"<h2 id="sources">Sources</h2>"#));

    let knife = read(public.join("skills/knife-work/index.html"));
    assert!(knife.contains("1 of 6 parts written"));
    assert_eq!(knife.matches(r#"class="part missing""#).count(), 5);
    assert!(knife.contains("Not yet written."));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    assert!(!public.join("skills/secret-skill").exists());
    assert!(
        !public
            .join("skills/perfect-omelette/2026-10-05-unfinished")
            .exists()
    );
    assert!(!read(public.join("index.html")).contains("A secret skill"));
    assert!(!read(public.join("sitemap.xml")).contains("secret-skill"));

    let public = build(site.path(), &["--drafts"]);
    assert!(public.join("skills/secret-skill/index.html").is_file());
    assert!(
        public
            .join("skills/perfect-omelette/2026-10-05-unfinished/index.html")
            .is_file()
    );
}

#[test]
fn assets_and_static_files_are_copied() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    assert_eq!(
        fs::read(public.join("skills/perfect-omelette/pan.svg")).unwrap(),
        fs::read(site.path().join("content/skills/perfect-omelette/pan.svg")).unwrap()
    );
    assert_eq!(
        fs::read(public.join("favicon.svg")).unwrap(),
        fs::read(site.path().join("static/favicon.svg")).unwrap()
    );
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(
        skill.contains(r#"<img src="/portfolio/skills/perfect-omelette/pan.svg" width="10" height="10" alt="the pan""#)
    );
    let entry = read(public.join("skills/perfect-omelette/2026-10-03-fold/index.html"));
    assert!(
        entry.contains(r#"<img src="/portfolio/skills/perfect-omelette/pan.svg" width="10" height="10" alt="pan.svg""#)
    );
    // A video site's link waits as a placeholder that loads nothing from the
    // site, named by its caption, until a click puts the player in its place.
    assert!(entry.contains(
        r#"<a class="video-load" href="https://www.youtube.com/watch?v=abc" data-embed="https://www.youtube-nocookie.com/embed/abc?autoplay=1" data-title="The fold on video">"#
    ));
    assert!(entry.contains("Play here from YouTube (www.youtube.com)"));
    assert!(!entry.contains("<iframe"));
}

#[test]
fn links_between_content_files_are_rewritten() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(
        skill.contains(r##"href="/portfolio/skills/perfect-omelette/2026-10-03-fold/#result""##)
    );
    // A folder name with a space and capitals becomes a slug.
    assert!(skill.contains(r#"<a href="/portfolio/skills/knife-work/">knife work</a>"#));
    let entry = read(public.join("skills/perfect-omelette/2026-10-01-first/index.html"));
    assert!(
        entry.contains(
            r#"<a href="/portfolio/skills/perfect-omelette/2026-10-03-fold/">the fold</a>"#
        )
    );
    let home = read(public.join("index.html"));
    assert!(home.contains(r#"<a href="/portfolio/skills/perfect-omelette/">the omelette</a>"#));
}

#[test]
fn code_is_highlighted_with_classes() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains(r#"<pre class="code" data-lang="rust"><code class="language-rust">"#));
    assert!(skill.contains(r#"<span class="hl-"#));
    assert!(
        !skill.contains("style=\"color"),
        "colours belong in the stylesheet"
    );
    let css = read(public.join("syntax.css"));
    assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
}

#[test]
fn templates_folder_overrides_the_theme_and_the_default_theme_is_built_in() {
    let site = fixture("site");
    assert!(!site.path().join("themes").exists());
    let public = build(site.path(), &[]);
    let about = read(public.join("about/index.html"));
    assert!(about.contains("page.html from the site's own templates/"));
    // Everything else comes from the default theme embedded in the binary.
    assert!(read(public.join("index.html")).contains(r##"<a class="skip-link" href="#main">"##));
    let embedded = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    assert_eq!(read(public.join("style.css")), read(embedded));
}

#[test]
fn entries_link_to_their_neighbours_and_carry_a_summary() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let first = read(public.join("skills/perfect-omelette/2026-10-01-first/index.html"));
    assert!(
        first.contains(
            r#"<a rel="next" href="/portfolio/skills/perfect-omelette/2026-10-03-fold/">"#
        )
    );
    assert!(!first.contains(r#"rel="prev""#));
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    // The timeline shows the summary up to `<!-- more -->`, not the rest.
    assert!(skill.contains("Beans in a cold pan."));
    assert!(!skill.contains("The rest of the note"));
    assert!(first.contains("The rest of the note"));
    // Totals leave drafts out: two published sessions, 55 minutes, one payoff.
    assert!(
        skill.contains("<dt>Sessions</dt><dd>2<small> / 4</small></dd>"),
        "{skill}"
    );
    assert!(skill.contains("<dt>Minutes</dt><dd>55<small> / 100</small></dd>"));
    assert!(skill.contains("<dt>Payoffs</dt><dd>1</dd>"));
}

/// Builds `root` twice from scratch, into two folders, and compares every byte,
/// the marker file included: nothing may depend on the time, the process, the
/// folder written to or the order threads finish in.
fn assert_builds_byte_identical(root: &Path) {
    let outputs = TempDir::new().unwrap();
    let mut trees = Vec::new();
    for name in ["a", "b"] {
        let output = outputs.path().join(name);
        let out = run(
            root,
            &["build", "--no-cache", "--output", output.to_str().unwrap()],
        );
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        trees.push(tree(&output));
    }
    let (a, b) = (&trees[0], &trees[1]);
    assert!(a.contains_key(".skillfolio-output"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in a {
        assert!(b[path] == *bytes, "{path} differs between builds");
    }
}

#[test]
fn the_same_input_builds_byte_identical_output() {
    assert_builds_byte_identical(fixture("site").path());
    assert_builds_byte_identical(fixture("stranger").path());
    // The demo portfolio at the top of the repository, read in place.
    assert_builds_byte_identical(Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let before = tree(&public);
    fs::write(
        site.path()
            .join("content/skills/perfect-omelette/log/2026-10-01-first.md"),
        "+++\ntitle = \"First try\"\ndate = 2026-10-01\nkind = \"payof\"\n+++\n",
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("content/skills/perfect-omelette/log/2026-10-01-first.md:4:8"));
    assert!(stderr(&out).contains("the previous output is untouched"));
    assert_eq!(tree(&public), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_an_output_folder_it_did_not_create() {
    let site = fixture("site");
    let content_before = tree(&site.path().join("content"));

    let out = run(site.path(), &["build", "--output", "content"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("refusing to build into content: it is inside the site's `content/` folder"),
        "{}",
        stderr(&out)
    );

    let out = run(site.path(), &["build", "--output", "."]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("refusing to build into .: it holds the site itself"),
        "{}",
        stderr(&out)
    );
    let out = run(site.path(), &["build", "--output", ".", "--force"]);
    assert!(!out.status.success(), "the site itself is never replaced");
    assert_eq!(tree(&site.path().join("content")), content_before);

    let foreign = site.path().join("notes");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let out = run(site.path(), &["build", "--output", "notes"]);
    assert!(!out.status.success());
    insta::assert_snapshot!("foreign_output", stderr(&out));
    assert_eq!(read(foreign.join("keep.txt")), "mine");

    let out = run(site.path(), &["build", "--output", "notes", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!foreign.join("keep.txt").exists());
    assert!(foreign.join("index.html").is_file());
    // Now the folder is skillfolio's own, and rebuilding needs no --force.
    let out = run(site.path(), &["build", "--output", "notes"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Each broken fixture fails with a message naming file:line:column and a hint.
#[test]
fn bad_input_is_reported_with_its_location() {
    let cases = [
        ("malformed-toml", "content/skills/omelette/index.md:2:18"),
        ("missing-key", "content/skills/omelette/index.md:1:1"),
        ("unknown-key", "content/skills/omelette/index.md:4:1"),
        (
            "bad-date",
            "content/skills/omelette/log/2026-02-30-fold.md:3:8",
        ),
        ("unknown-status", "content/skills/omelette/index.md:4:10"),
        (
            "unknown-kind",
            "content/skills/omelette/log/2026-10-02-fold.md:4:8",
        ),
        (
            "unknown-part",
            "content/skills/omelette/log/2026-10-02-fold.md:4:8",
        ),
        (
            "duplicate-skill",
            "content/skills/perfect_omelette/index.md:1:1",
        ),
        (
            "duplicate-entry",
            "content/skills/omelette/log/2026-10-02-first_fold.md:1:1",
        ),
        ("unknown-related", "content/skills/omelette/index.md:4:12"),
        ("unclosed", "content/skills/omelette/index.md:1:1"),
        (
            "missing-evidence",
            "content/skills/omelette/log/2026-10-02-fold.md:5:21",
        ),
        (
            "many-errors",
            "content/skills/juggling/log/2026-10-02-drops.md:5:8",
        ),
        ("bad-config", "site.toml:2:12"),
        ("bad-images", "site.toml:6:10"),
        ("template-error", "templates/skill.html:4:1"),
    ];
    for (name, location) in cases {
        let site = fixture(&format!("invalid/{name}"));
        let out = run(site.path(), &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&format!("--> {location}\n")), "{name}: {err}");
        assert!(err.contains("= hint: "), "{name}: {err}");
        assert!(!site.path().join("public").exists(), "{name} wrote output");
        insta::assert_snapshot!(name, err);
    }
}

/// Every inline chart, parsed as XML: it must be well-formed and titled.
fn charts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = start + rest[start..].find("</svg>").unwrap() + "</svg>".len();
        let svg = &rest[start..end];
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let title = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_else(|| panic!("chart without a title: {svg}"));
        out.push(title.to_string());
        rest = &rest[end..];
    }
    out
}

#[test]
fn progress_numbers_and_charts_are_on_the_pages() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    // today = 2026-10-10; the omelette has sessions on 1 and 3 October (30 and 25
    // minutes, the second a payoff) and a draft on the 5th, which never counts.
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    for number in [
        "<dt>Current streak</dt><dd>0<small> days</small></dd>",
        "<dt>Longest streak</dt><dd>1<small> day</small></dd>",
        "<dt>Weeks in a row</dt><dd>1<small> (best 1)</small></dd>",
        "(7 days ago)",
        "2 days of practice, 0.9 hours in all",
    ] {
        assert!(skill.contains(number), "missing {number:?}");
    }
    assert!(skill.contains("52% of target:"), "the mean of 55% and 50%");
    assert!(skill.contains("<tr><th scope=\"row\"><time datetime=\"2026-10\">October 2026</time></th><td>2</td><td>55</td><td>55</td></tr>"));
    let titles = charts(&skill);
    assert_eq!(
        titles,
        [
            "52% of target",
            "6 of 6 parts written: Entry trick written and practised; Rub-pat barrier written; Background support written; Payoff written and practised; Repeatability written; Experimental possibilities written",
            "Minutes practised over time: The perfect omelette",
            "Practice calendar: The perfect omelette",
        ]
    );
    assert!(skill.contains(r#"<title>3 October 2026: 25 minutes, 1 session</title>"#));
    assert!(skill.contains(r#"<circle class="chart-payoff""#));

    // Site-wide: 1, 2 and 3 October with practice (the knife on the 2nd).
    let home = read(public.join("index.html"));
    assert!(home.contains("<dt>Sessions</dt><dd>3</dd>"));
    assert!(home.contains("<dt>Hours</dt><dd>1.2</dd>"));
    assert!(home.contains("<dt>Current streak</dt><dd>0<small> days</small></dd>"));
    assert!(home.contains("Longest streak 3 days."));
    assert!(home.contains("0 mastered, 1 practising, 1 learning."));
    assert!(charts(&home).contains(&"Practice calendar: all skills".to_string()));
    // No page needs a script to show a number or a chart: the only script
    // elements are structured data and, on a page with a video to play in
    // place, the one that swaps its placeholder for the player on a click.
    for (path, bytes) in tree(&public) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            let scripts = html.matches("<script").count();
            let data = html
                .matches(r#"<script type="application/ld+json">"#)
                .count();
            let player = usize::from(html.contains("data-embed="));
            assert_eq!(scripts, data + player, "{path}");
        }
    }
}

#[test]
fn entries_after_today_are_published_but_not_counted() {
    let site = fixture("site");
    fs::write(
        site.path()
            .join("content/skills/perfect-omelette/log/2026-10-12-ahead.md"),
        "+++\ntitle = \"Written ahead\"\ndate = 2026-10-12\nminutes = 40\n+++\n\nPlanned.\n",
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "warning: content/skills/perfect-omelette/log/2026-10-12-ahead.md is dated 2026-10-12, after today (2026-10-10); it is left out of every number"
    ));
    let public = site.path().join("public");
    assert!(
        public
            .join("skills/perfect-omelette/2026-10-12-ahead/index.html")
            .is_file()
    );
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(skill.contains("<dt>Minutes</dt><dd>55<small> / 100</small></dd>"));
}

#[test]
fn review_cases_drafts_assets_theme_names_and_unsluggable_fields() {
    // A draft skill's photo is as unpublished as its write-up.
    let site = fixture("site");
    let root = site.path();
    fs::write(
        root.join("content/skills/secret-skill/photo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let public = build(root, &[]);
    assert!(!public.join("skills/secret-skill").exists());
    let public = build(root, &["--drafts"]);
    assert!(public.join("skills/secret-skill/photo.svg").is_file());

    // A field with no letters a URL can use gets no page, and a warning; letters
    // of other scripts are transliterated, so only symbols are left out.
    let index = root.join("content/skills/Knife Work/index.md");
    fs::write(
        &index,
        read(&index).replace("field = \"Cooking\"", "field = \"—\""),
    )
    .unwrap();
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: the field `—` has no letters or digits a URL can use, so it gets no page"
        ),
        "{}",
        stderr(&out)
    );
    let fields = read(root.join("public/fields/index.html"));
    let main = &fields[fields.find("<main").unwrap()..fields.find("</main>").unwrap()];
    assert!(!main.contains("fields//") && !main.contains("—"), "{main}");

    // A theme is named by one folder under themes/.
    let config = root.join("site.toml");
    fs::write(
        &config,
        format!("theme = \"../elsewhere\"\n{}", read(&config)),
    )
    .unwrap();
    let out = run(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: `theme = \"../elsewhere\"` is not a theme name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_generated_page_replaces_a_static_file_of_the_same_name() {
    let site = fixture("site");
    let root = site.path();
    fs::create_dir_all(root.join("static/payoffs")).unwrap();
    fs::write(root.join("static/404.html"), "static not-found page").unwrap();
    fs::write(root.join("static/payoffs/index.html"), "static payoffs").unwrap();
    fs::write(root.join("static/plain.html"), "a static page of its own").unwrap();
    let public = build(root, &[]);
    assert!(read(public.join("404.html")).contains("Page not found"));
    assert!(read(public.join("payoffs/index.html")).contains("<html"));
    assert_eq!(read(public.join("plain.html")), "a static page of its own");
}

#[test]
fn a_tag_only_entries_use_is_spelled_as_its_newest_entry_spells_it() {
    let site = fixture("site");
    let root = site.path();
    let entry = |rel: &str, date: &str, tag: &str| {
        fs::write(
            root.join(rel),
            format!("+++\ntitle = \"Prep\"\ndate = {date}\nminutes = 10\ntags = [\"{tag}\"]\n+++\n\nPrep.\n"),
        )
        .unwrap()
    };
    // The newest entry is in the skill that comes last by slug, which also
    // spells the tag another way in an older entry.
    entry(
        "content/skills/Knife Work/log/2026-09-01-prep.md",
        "2026-09-01",
        "mise en place",
    );
    entry(
        "content/skills/perfect-omelette/log/2026-09-02-prep.md",
        "2026-09-02",
        "MISE EN PLACE",
    );
    entry(
        "content/skills/perfect-omelette/log/2026-10-04-prep.md",
        "2026-10-04",
        "Mise En Place",
    );
    let public = build(root, &[]);
    let page = read(public.join("tags/mise-en-place/index.html"));
    assert!(page.contains("<title>Mise En Place · "), "{page}");
    let tags = read(public.join("tags/index.html"));
    assert!(tags.contains("Mise En Place"), "{tags}");
}

#[test]
fn the_tags_index_counts_only_what_a_tag_has_in_plain_english() {
    let site = fixture("site");
    let root = site.path();
    for (file, date, tags) in [
        ("2026-09-03-eggs.md", "2026-09-03", r#"["eggs", "pans"]"#),
        ("2026-09-04-pans.md", "2026-09-04", r#"["pans"]"#),
    ] {
        fs::write(
            root.join("content/skills/perfect-omelette/log").join(file),
            format!(
                "+++\ntitle = \"Pans\"\ndate = {date}\nminutes = 10\ntags = {tags}\n+++\n\nPans.\n"
            ),
        )
        .unwrap();
    }
    let public = build(root, &[]);
    let index = read(public.join("tags/index.html"));
    let count = |tag: &str| {
        let link = format!("/tags/{tag}/\">");
        let at = index
            .find(&link)
            .unwrap_or_else(|| panic!("no {tag} in {index}"));
        let rest = &index[at..];
        let start = rest.find("<span class=\"count\">").unwrap() + "<span class=\"count\">".len();
        rest[start..start + rest[start..].find("</span>").unwrap()].to_string()
    };
    assert_eq!(count("beans"), "1 entry");
    assert_eq!(count("pans"), "2 entries");
    assert_eq!(count("kitchen"), "1 skill");
    assert_eq!(count("eggs"), "1 skill and 1 entry");
    assert!(!index.contains(">0 ") && !index.contains(" 0 "), "{index}");
}

#[test]
fn warnings_point_at_the_key_not_at_an_earlier_word() {
    let site = fixture("site");
    let root = site.path();
    // The summary says "field" on line 3; the key is on line 4.
    let index = root.join("content/skills/Knife Work/index.md");
    fs::write(
        &index,
        read(&index)
            .replace("\"Dicing an onion.\"", "\"A field guide to dicing.\"")
            .replace("field = \"Cooking\"", "field = \"—\""),
    )
    .unwrap();
    // A comment says "title" on line 2; the key is on line 3.
    let log = root.join("content/skills/perfect-omelette/log");
    fs::write(
        log.join("2026-10-01-second.md"),
        "+++\n# Same title as the first, on purpose.\ntitle = \"First try\"\ndate = 2026-10-01\n+++\n\nAgain.\n",
    )
    .unwrap();
    let out = run(root, &["build"]);
    let err = stderr(&out);
    assert!(
        err.contains("no page\n --> content/skills/Knife Work/index.md:4:1\n"),
        "{err}"
    );
    let out = run(root, &["check"]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "2026-10-01-second.md\n --> content/skills/perfect-omelette/log/2026-10-01-second.md:3:1\n"
        ),
        "{err}"
    );
}

/// A session logged near midnight belongs to the day of the site's time zone:
/// 23:30 in Chicago is already the next morning in Istanbul.
#[test]
fn the_time_zone_decides_which_day_a_late_session_is_on() {
    let day_shown = |timezone: &str| {
        let site = fixture("site");
        let config = site.path().join("site.toml");
        fs::write(
            &config,
            format!("timezone = \"{timezone}\"\n{}", read(&config)),
        )
        .unwrap();
        let entry = site
            .path()
            .join("content/skills/perfect-omelette/log/2026-10-03-fold.md");
        let text = read(&entry);
        let dated: String = text
            .lines()
            .map(|l| match l.starts_with("date = ") {
                true => "date = 2026-10-03T23:30:00-05:00\n".to_string(),
                false => format!("{l}\n"),
            })
            .collect();
        assert_ne!(dated, text);
        fs::write(&entry, dated).unwrap();
        let public = build(site.path(), &[]);
        let page = read(public.join("skills/perfect-omelette/2026-10-03-fold/index.html"));
        let shown = |d: &str| page.contains(&format!(">{d}</time>"));
        match (shown("3 October 2026"), shown("4 October 2026")) {
            (true, false) => 3,
            (false, true) => 4,
            other => panic!("{timezone}: {other:?}"),
        }
    };
    assert_eq!(day_shown("America/Chicago"), 3);
    assert_eq!(day_shown("Europe/Istanbul"), 4);
}

#[test]
fn an_unknown_time_zone_is_named_with_the_nearest_one() {
    let site = fixture("site");
    let config = site.path().join("site.toml");
    fs::write(
        &config,
        format!("timezone = \"Europe/Istambul\"\n{}", read(&config)),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: `timezone = \"Europe/Istambul\"` is not a time zone\n --> site.toml:1:12"
        ),
        "{err}"
    );
    assert!(
        err.contains("did you mean `timezone = \"Europe/Istanbul\"`?"),
        "{err}"
    );
}
