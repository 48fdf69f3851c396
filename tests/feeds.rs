//! Feeds, link previews and structured data, read back by independent parsers:
//! every Atom feed through `feed-rs`, JSON through `serde_json`, so what a feed
//! reader or a chat app's link preview sees is what is checked.

mod common;

use std::fs;
use std::path::Path;

use common::{build, fixture, read, tree};

fn parse_atom(path: &Path) -> feed_rs::model::Feed {
    let bytes = fs::read(path).unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_atom_feed_has_the_required_elements() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let base = "https://example.org/portfolio/";
    let feeds = [
        ("atom.xml", base.to_string(), 3),
        (
            "skills/perfect-omelette/atom.xml",
            format!("{base}skills/perfect-omelette/"),
            2,
        ),
        (
            "skills/knife-work/atom.xml",
            format!("{base}skills/knife-work/"),
            1,
        ),
    ];
    for (path, alternate, count) in feeds {
        let feed = parse_atom(&public.join(path));
        assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{path}");
        assert_eq!(feed.id, format!("{base}{path}"));
        assert!(feed.title.as_ref().is_some_and(|t| !t.content.is_empty()));
        assert!(feed.updated.is_some(), "{path}: no updated");
        assert_eq!(feed.authors[0].name.as_deref(), Some("Test Author"));
        let link = |rel: &str| {
            feed.links
                .iter()
                .find(|l| l.rel.as_deref() == Some(rel))
                .map(|l| l.href.clone())
        };
        assert_eq!(link("self"), Some(format!("{base}{path}")));
        assert_eq!(link("alternate"), Some(alternate));
        assert!(
            feed.generator
                .as_ref()
                .is_some_and(|g| g.content == "skillfolio")
        );
        // Drafts never reach a feed.
        assert_eq!(feed.entries.len(), count, "{path}");
        for entry in &feed.entries {
            assert!(
                entry.id.starts_with("tag:example.org,2026-10-0"),
                "{}",
                entry.id
            );
            assert!(entry.published.is_some() && entry.updated.is_some());
            assert!(entry.links[0].href.starts_with(base));
            assert!(entry.content.as_ref().is_some_and(|c| c.body.is_some()));
        }
        // Newest first, and the feed is as new as its newest entry.
        assert_eq!(feed.updated, feed.entries[0].updated);
    }

    let feed = parse_atom(&public.join("atom.xml"));
    let fold = &feed.entries[0];
    assert_eq!(
        fold.id,
        "tag:example.org,2026-10-03:skills/perfect-omelette/2026-10-03-fold"
    );
    assert_eq!(
        fold.title.as_ref().unwrap().content,
        "First fold without tearing"
    );
    assert_eq!(
        fold.published.unwrap().to_rfc3339(),
        "2026-10-03T07:30:00+00:00"
    );
    let terms: Vec<&str> = fold.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["payoff", "cooking"]);
    // Links and images in the content work from a feed reader: all absolute.
    let body = fold.content.as_ref().unwrap().body.as_deref().unwrap();
    assert!(
        body.contains(
            r#"<a href="https://example.org/portfolio/skills/perfect-omelette/">the skill</a>"#
        ),
        "{body}"
    );
    assert!(body.contains(r#"<img src="https://example.org/portfolio/skills/perfect-omelette/pan.svg" alt="pan.svg">"#), "{body}");
    assert!(!body.contains("href=\"/") && !body.contains("src=\"/"));
}

#[test]
fn the_json_feed_and_portfolio_carry_the_same_entries() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let json: serde_json::Value = serde_json::from_str(&read(public.join("feed.json"))).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], "https://example.org/portfolio/feed.json");
    let ids: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let atom = parse_atom(&public.join("atom.xml"));
    let atom_ids: Vec<&str> = atom.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, atom_ids);

    let resume: serde_json::Value =
        serde_json::from_str(&read(public.join("portfolio.json"))).unwrap();
    let skills = resume["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 2);
    let omelette = skills
        .iter()
        .find(|s| s["name"] == "The perfect omelette")
        .unwrap();
    assert_eq!(omelette["level"], "Practising");
    assert_eq!(
        omelette["keywords"],
        serde_json::json!(["Cooking", "eggs", "Kitchen"])
    );
    assert_eq!(omelette["minutes"], 55);
}

#[test]
fn site_feed_can_carry_payoffs_only() {
    let site = fixture("site");
    let config = site.path().join("site.toml");
    let text = read(&config) + "\n[feed]\nentries = \"payoffs\"\nlimit = 5\n";
    fs::write(&config, text).unwrap();
    let public = build(site.path(), &[]);
    let feed = parse_atom(&public.join("atom.xml"));
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "First fold without tearing"
    );
}

#[test]
fn pages_announce_feeds_and_preview_well() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let home = read(public.join("index.html"));
    assert!(home.contains(r#"<link rel="alternate" type="application/atom+xml" title="All practice" href="https://example.org/portfolio/atom.xml">"#));
    let skill = read(public.join("skills/perfect-omelette/index.html"));
    assert!(
        skill.contains(r#"href="https://example.org/portfolio/skills/perfect-omelette/atom.xml">"#)
    );
    assert!(skill.contains("Follow this skill’s log</a>"));
    let entry = read(public.join("skills/perfect-omelette/2026-10-03-fold/index.html"));
    for meta in [
        r#"<meta property="og:title" content="First fold without tearing">"#,
        r#"<meta property="og:url" content="https://example.org/portfolio/skills/perfect-omelette/2026-10-03-fold/">"#,
        r#"<meta property="og:type" content="article">"#,
        // Its evidence is an SVG, which link previews do not show: its card instead.
        r#"<meta property="og:image" content="https://example.org/portfolio/cards/perfect-omelette/2026-10-03-fold.png">"#,
        r#"<meta property="og:image:width" content="1200">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
        r#"<meta name="description" content="It rolled. Back to the skill.">"#,
    ] {
        assert!(entry.contains(meta), "missing {meta}");
    }
    assert!(entry.contains(r#"class="entry-page h-entry"#));
    assert!(entry.contains(r#"class="prose e-content""#));
    let ld = json_ld(&home);
    assert_eq!(ld["@type"], "Person");
    assert_eq!(ld["knowsAbout"][0]["name"], "Knife work");
    assert_eq!(json_ld(&skill)["@type"], "CreativeWork");
    // An entry's JSON-LD whole, in the order of its names, as every other page's.
    assert!(entry.contains(concat!(
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"BlogPosting","#,
        r#""author":{"@type":"Person","name":"Test Author","url":"https://example.org/portfolio/"},"#,
        r#""datePublished":"2026-10-03T07:30:00Z","description":"It rolled. Back to the skill.","#,
        r#""headline":"First fold without tearing","#,
        r#""image":"https://example.org/portfolio/skills/perfect-omelette/pan.svg","#,
        r#""isPartOf":{"@type":"CreativeWork","name":"The perfect omelette","url":"https://example.org/portfolio/skills/perfect-omelette/"},"#,
        r#""keywords":[],"timeRequired":"PT25M","#,
        r#""url":"https://example.org/portfolio/skills/perfect-omelette/2026-10-03-fold/"}</script>"#
    )));
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("no JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Every absolute URL a crawler or feed reader sees is under `base_url`, path and all.
#[test]
fn sitemap_feeds_and_meta_use_absolute_urls_under_the_base_url() {
    let site = fixture("site");
    let public = build(site.path(), &[]);
    let base = "https://example.org/portfolio/";
    let sitemap = read(public.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    // Every page is listed, and nothing else.
    let mut pages: Vec<String> = tree(&public)
        .into_keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| format!("{base}{}", p.trim_end_matches("index.html")))
        .collect();
    pages.sort();
    let mut listed: Vec<String> = locs.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(listed, pages);

    for (path, bytes) in tree(&public) {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") {
            for attr in [
                r#"<link rel="canonical" href=""#,
                r#"property="og:url" content=""#,
                r#"property="og:image" content=""#,
            ] {
                for (i, _) in text.match_indices(attr) {
                    assert!(text[i + attr.len()..].starts_with(base), "{path}: {attr}");
                }
            }
        }
        if path.ends_with("atom.xml") {
            let feed = parse_atom(&public.join(&path));
            for link in feed
                .links
                .iter()
                .chain(feed.entries.iter().flat_map(|e| e.links.iter()))
                // Evidence elsewhere is linked where it lives.
                .filter(|l| l.rel.as_deref() != Some("related"))
            {
                assert!(link.href.starts_with(base), "{path}: {}", link.href);
            }
        }
    }
}

/// Text that tries to close a script, end a CDATA section or inject markup stays text
/// everywhere it appears.
#[test]
fn hostile_titles_and_bodies_are_escaped_everywhere() {
    let site = fixture("hostile");
    let public = build(site.path(), &[]);
    let title = r#"Entry </script><script>alert("x")</script> & ]]> <i>"#;

    let page = read(public.join("skills/tricky/2026-10-02-hostile/index.html"));
    assert!(page.contains("<h1 class=\"p-name\">Entry &lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt; &lt;i&gt;</h1>"));
    assert!(!page.contains("<script>alert"));
    let ld = json_ld(&page);
    assert_eq!(ld["headline"], title);
    let raw = &page[page.find("application/ld+json").unwrap()..];
    let raw = &raw[..raw.find("</script>").unwrap()];
    assert!(!raw[2..].contains('<'), "JSON-LD must not contain a raw <");

    let feed = parse_atom(&public.join("atom.xml"));
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Ampersands & <angles>"
    );
    assert_eq!(feed.authors[0].name.as_deref(), Some("Q & A <Author>"));
    assert_eq!(feed.entries[0].title.as_ref().unwrap().content, title);
    let skill_feed = parse_atom(&public.join("skills/tricky/atom.xml"));
    assert_eq!(skill_feed.entries[0].title.as_ref().unwrap().content, title);
    let xml = read(public.join("atom.xml"));
    roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");

    let json: serde_json::Value = serde_json::from_str(&read(public.join("feed.json"))).unwrap();
    assert_eq!(json["items"][0]["title"], title);
    assert_eq!(json["title"], "Ampersands & <angles>");

    let home = read(public.join("index.html"));
    assert_eq!(json_ld(&home)["name"], "Q & A <Author>");
    let sitemap = read(public.join("sitemap.xml"));
    roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    let resume: serde_json::Value =
        serde_json::from_str(&read(public.join("portfolio.json"))).unwrap();
    assert_eq!(
        resume["skills"][0]["name"],
        r#"Breaking </script> out & ]]> "quoted" <b>bold</b>"#
    );
}
