//! Criterion benchmarks of the hot paths of a build: reading front matter,
//! highlighting code never seen before, rendering markdown whose code was seen
//! before, rendering the demo site, and writing a skill's Atom feed. Run with
//! `cargo bench --bench hot_paths`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use skillfolio::content::SourceFile;
use skillfolio::content::frontmatter::{Fields, split};
use skillfolio::highlight::Highlighter;
use skillfolio::highlight_lines::LineMemo;
use skillfolio::link_lookups::Lookups;
use skillfolio::markdown::{Links, render};
use skillfolio::{LoadOptions, feed};
use syntect::html::ClassStyle;

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn entry() -> SourceFile {
    let path = demo().join("content/skills/stripe-webhook/log/2026-10-04-every-event-twice.md");
    SourceFile {
        text: std::fs::read_to_string(&path).unwrap().into(),
        path,
    }
}

fn benches(c: &mut Criterion) {
    let file = entry();
    c.bench_function("front matter", |b| {
        b.iter(|| {
            let s = split(&file).unwrap();
            let mut errors = Vec::new();
            let mut f = Fields::parse(&file, s.toml, &mut errors).unwrap();
            let title = f.required_string("title");
            std::hint::black_box(title)
        })
    });

    let skill = demo().join("content/skills/stripe-webhook/index.md");
    let skill = SourceFile {
        text: std::fs::read_to_string(&skill).unwrap().into(),
        path: skill,
    };
    let body = split(&skill).unwrap().body;
    let highlighter = Highlighter::default();
    let links = Links {
        targets: Default::default(),
        base_path: "/".to_string(),
        images: Default::default(),
        lengths: Default::default(),
        refused: Default::default(),
    };
    // A memo emptied before each run: only lines repeated within the block are
    // looked up, as for a block unlike any before it.
    let code = include_str!("fixtures/practice.rs");
    let mut memo = LineMemo::new(
        two_face::syntax::extra_newlines(),
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    let rust = memo
        .syntaxes()
        .find_syntax_by_token("rust")
        .unwrap()
        .clone();
    c.bench_function("highlighting new code", |b| {
        b.iter_custom(|runs| {
            let mut took = Duration::ZERO;
            for _ in 0..runs {
                memo.forget();
                let started = Instant::now();
                let _ = std::hint::black_box(memo.highlight(
                    code,
                    &rust,
                    std::time::Instant::now() + skillfolio::highlight::BUDGET,
                ));
                took += started.elapsed();
            }
            took
        })
    });
    // Its code blocks are looked up from the first run on, as a rebuild finds them.
    c.bench_function("markdown, code seen before", |b| {
        b.iter(|| {
            std::hint::black_box(render(
                &skill,
                &body,
                Path::new("skills/stripe-webhook"),
                Lookups::new(&links, 0),
                &highlighter,
            ))
        })
    });

    let loaded = skillfolio::load(&LoadOptions {
        root: demo(),
        ..LoadOptions::default()
    })
    .unwrap();
    c.bench_function("whole demo site render", |b| {
        b.iter(|| std::hint::black_box(skillfolio::render(&loaded).unwrap().len()))
    });
    let site = &loaded.site;
    let i = site
        .skills
        .iter()
        .position(|s| s.slug == "perfect-omelette")
        .unwrap();
    c.bench_function("skill feed", |b| {
        b.iter(|| {
            let spec = feed::FeedSpec {
                title: "feed".to_string(),
                path: "skills/perfect-omelette/atom.xml",
                page: "skills/perfect-omelette/",
                entries: feed::skill_entries(&site.config, site.today, &site.skills[i]),
                earliest_start: None,
                lang: &site.profile.language,
            };
            std::hint::black_box(feed::atom(&site.config, &spec))
        })
    });
    // Every preview card of the demo, drawn and encoded as a build does (the
    // glyphs rasterised once, as in a build); divide by the count for one card.
    let cards = skillfolio::cards::CardMaker::new(None);
    let fresh = skillfolio::cards::Inputs {
        common: 0,
        faces: &[],
        keep: &|_, _| false,
    };
    let count = std::sync::atomic::AtomicUsize::new(0);
    cards
        .render(site, &fresh, &|_| {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    let name = format!("preview cards, all {} of the demo", count.into_inner());
    c.bench_function(&name, |b| {
        b.iter(|| {
            cards
                .render(site, &fresh, &|file| {
                    std::hint::black_box(file);
                    Ok(())
                })
                .unwrap()
        })
    });
}

criterion_group!(hot_paths, benches);
criterion_main!(hot_paths);
