//! What a shared link shows. Every page of the demo and of a stranger's site
//! names a preview image that exists in the output, is a JPEG, PNG or WebP (what
//! chat apps and social sites show) of the size the page declares, and has a
//! text alternative; and a page with a video link asks nothing of the video's
//! site until the visitor clicks.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fixture, read, run, stderr};
use walkdir::WalkDir;

/// The `<meta>` tags of a page, by `property` or `name`, as written.
fn metas(html: &str) -> BTreeMap<String, Vec<String>> {
    let head = &html[..html.find("</head>").expect("a head")];
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tag in head.split("<meta ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        let key = attribute(tag, "property").or_else(|| attribute(tag, "name"));
        if let (Some(key), Some(content)) = (key, attribute(tag, "content")) {
            found.entry(key).or_default().push(content);
        }
    }
    found
}

/// An attribute's value in the inside of a tag, with the entities the
/// templates write turned back into text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {tag}");
    let needle = format!(" {name}=\"");
    let from = tag.find(&needle)? + needle.len();
    let value = &tag[from..from + tag[from..].find('"')?];
    Some(skillfolio::html::unescape(value))
}

fn one<'a>(metas: &'a BTreeMap<String, Vec<String>>, key: &str, page: &str) -> &'a str {
    match metas.get(key).map(Vec::as_slice) {
        Some([value]) => value,
        other => panic!("{page}: expected one `{key}` meta tag, found {other:?}"),
    }
}

/// Builds `root` into a fresh folder, checks the preview of every page, and
/// returns the folder.
fn assert_every_page_shares_a_raster_preview(root: &Path) -> tempfile::TempDir {
    let out = tempfile::TempDir::new().unwrap();
    let public = out.path().join("public");
    let built = run(root, &["build", "--output", public.to_str().unwrap()]);
    assert!(built.status.success(), "build failed:\n{}", stderr(&built));
    let config = read(root.join("site.toml"));
    let base_url = config
        .lines()
        .find_map(|l| l.strip_prefix("base_url = \""))
        .and_then(|l| l.split('"').next())
        .expect("base_url in site.toml");

    let pages: Vec<PathBuf> = WalkDir::new(&public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    assert!(pages.len() > 20, "only {} pages", pages.len());
    let mut checked_images = BTreeMap::new();
    for page in &pages {
        let name = page.strip_prefix(&public).unwrap().display().to_string();
        let metas = metas(&read(page));
        assert_eq!(
            one(&metas, "twitter:card", &name),
            "summary_large_image",
            "{name}"
        );
        let image = one(&metas, "og:image", &name);
        assert_eq!(one(&metas, "twitter:image", &name), image, "{name}");
        let alt = one(&metas, "og:image:alt", &name);
        assert!(alt.trim().len() > 10, "{name}: og:image:alt is {alt:?}");
        assert_eq!(one(&metas, "twitter:image:alt", &name), alt, "{name}");
        let declared: (u32, u32) = (
            one(&metas, "og:image:width", &name).parse().unwrap(),
            one(&metas, "og:image:height", &name).parse().unwrap(),
        );
        let rel = image
            .strip_prefix(base_url)
            .unwrap_or_else(|| panic!("{name}: og:image {image} is not under {base_url}"));
        let file = public.join(percent_decoded(rel));
        let (format, size) = checked_images.entry(file.clone()).or_insert_with(|| {
            let reader = image::ImageReader::open(&file)
                .unwrap_or_else(|e| panic!("{name}: og:image {image} is not in the output: {e}"))
                .with_guessed_format()
                .unwrap();
            let format = reader.format();
            (format, reader.into_dimensions().unwrap())
        });
        assert!(
            matches!(
                format,
                Some(image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::WebP)
            ),
            "{name}: og:image {image} is {format:?}, which link previews do not show"
        );
        assert_eq!(
            *size, declared,
            "{name}: og:image {image} is not the declared size"
        );
        let mime = one(&metas, "og:image:type", &name);
        assert_eq!(
            Some(mime),
            format.map(|f| f.to_mime_type()),
            "{name}: og:image:type"
        );
    }
    out
}

fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| u8::from_str_radix(&path[i + 1..i + 3], 16).ok())
            .flatten();
        if let Some(b) = escaped {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_page_of_the_demo_shares_a_raster_preview_of_its_declared_size() {
    assert_every_page_shares_a_raster_preview(Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn every_page_of_a_strangers_site_shares_a_raster_preview_of_its_declared_size() {
    let site = fixture("stranger");
    let out = assert_every_page_shares_a_raster_preview(site.path());
    // The skill names a cover and a payoff has photos: those are what is shared.
    let public = out.path().join("public");
    let skill = metas(&read(public.join("skills/sourdough-loaf/index.html")));
    assert_eq!(
        one(&skill, "og:image", "skill"),
        "https://someone.codeberg.page/skills/skills/sourdough-loaf/crumb-shot.jpg"
    );
    assert_eq!(
        one(&skill, "og:image:alt", "skill"),
        "Bake #4 cut open: glossy, open crumb under a dark crust"
    );
}

const VIDEO_PAGE: &str = "skills/sourdough-loaf/2026-11-21-shaping-for-the-camera/index.html";

/// Every URL the page would have the browser fetch by itself: `src`, `srcset`,
/// `poster` and `data` of any element, and stylesheets and icons.
fn fetched_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let element = tag.split_whitespace().next().unwrap_or("");
        if element == "a" {
            continue;
        }
        for name in ["src", "poster", "data"] {
            urls.extend(attribute(tag, name));
        }
        if let Some(set) = attribute(tag, "srcset") {
            urls.extend(
                set.split(',')
                    .filter_map(|s| s.split_whitespace().next().map(str::to_string)),
            );
        }
        if element == "link"
            && attribute(tag, "rel").is_some_and(|r| {
                r.split(' ')
                    .any(|r| matches!(r, "stylesheet" | "icon" | "preload" | "modulepreload"))
            })
        {
            urls.extend(attribute(tag, "href"));
        }
    }
    urls
}

#[test]
fn a_video_payoff_asks_nothing_of_the_video_site_until_a_click() {
    let site = fixture("stranger");
    let public = common::build(site.path(), &[]);
    let html = read(public.join(VIDEO_PAGE));
    assert!(
        !html.contains("<iframe"),
        "an iframe loads before any click"
    );
    let fetched = fetched_urls(&html);
    assert!(fetched.len() > 4, "{fetched:?}");
    for url in &fetched {
        assert!(
            url.starts_with('/') && !url.starts_with("//"),
            "the page fetches {url} from another site before any click"
        );
    }
    // The player waits on the page, from the host that sets no cookie, at the
    // time the link gave; without a script, the link opens the video's own page.
    assert!(html.contains(
        r#"<a class="video-load" href="https://youtu.be/M7lc1UVf-VE?t=42" data-embed="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1&amp;start=42""#
    ), "{html}");
    // The author's caption names it; the poster is the author's photo.
    assert!(html.contains("<span class=\"link-title\">Pre-shape, bench rest, final shape"));
    assert!(html.contains(r#"<img src="/skills/skills/sourdough-loaf/log/rye-crumb.jpg""#));
    // A link with nothing said of it is named for what it is, not for its host.
    assert!(html.contains("<span class=\"link-title\">Video on YouTube</span>"));
}

#[test]
fn payoff_photos_are_shown_at_the_width_of_the_text_and_open_at_full_size() {
    let site = fixture("stranger");
    let public = common::build(site.path(), &[]);
    let html = read(public.join(VIDEO_PAGE));
    let photos = &html[html
        .find("<div class=\"photos several\">")
        .expect("a gallery")..];
    let photos = &photos[..photos.find("</div>").unwrap()];
    assert_eq!(photos.matches("<figure>").count(), 2, "{photos}");
    assert!(photos.contains(
        r#"<a href="/skills/skills/sourdough-loaf/crumb-shot.jpg" class="full-size"><picture>"#
    ));
    assert!(photos.contains("<figcaption>The loaf from the video, next morning.</figcaption>"));
    assert!(
        photos.contains("alt=\"The crumb of the filmed loaf: open, glossy holes, dark crust\"")
    );
    // A single photo takes the whole width of the text.
    let single = read(public.join("skills/bike-tube-repair/2026-10-26-roadside/index.html"));
    assert!(single.contains("<div class=\"photos\">"));
    assert!(single.contains("sizes=\"(min-width: 46rem) 42rem, 100vw\""));
}

#[test]
fn a_cover_that_link_previews_cannot_show_is_an_error_at_its_line() {
    let site = fixture("stranger");
    let index = site.path().join("content/skills/Sourdough-Loaf/index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        text.replace(
            "cover = { src = \"crumb-shot.jpg\"",
            "cover = { src = \"starter-schedule.txt\"",
        ),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("error: the cover `starter-schedule.txt` is not a JPEG, PNG or WebP photo"),
        "{err}"
    );
    assert!(
        err.contains("content/skills/Sourdough-Loaf/index.md:8:"),
        "{err}"
    );
    assert!(
        err.contains("link previews show only JPEG, PNG and WebP"),
        "{err}"
    );
}

#[test]
fn an_evidence_table_names_the_keys_it_takes() {
    let site = fixture("stranger");
    let entry = site
        .path()
        .join("content/skills/Sourdough-Loaf/log/2026-11-21-shaping-for-the-camera.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("poster = ", "thumbnail = ")).unwrap();
    let out = run(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(
        err.contains("error: an evidence table has no key `thumbnail`"),
        "{err}"
    );
    assert!(
        err.contains("2026-11-21-shaping-for-the-camera.md:9:"),
        "{err}"
    );
    assert!(err.contains("for a video, `poster`"), "{err}");
}

/// The files of a folder with the given extension, by (device, inode).
#[cfg(unix)]
fn files_by_inode(dir: &Path, ext: &str) -> BTreeMap<(u64, u64), PathBuf> {
    use std::os::unix::fs::MetadataExt;
    (WalkDir::new(dir).into_iter().flatten())
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .map(|e| {
            let meta = e.metadata().unwrap();
            ((meta.dev(), meta.ino()), e.path().to_path_buf())
        })
        .collect()
}

/// Cards are drawn into the cache beside the output, and the output shares
/// those files (hard links) rather than holding a second copy of each. A
/// card whose face changed is a new file, so no card file is ever rewritten
/// under an output that shares it.
#[cfg(unix)]
#[test]
fn the_outputs_cards_are_the_cached_files_and_a_changed_card_is_a_new_one() {
    let site = fixture("stranger");
    let out = common::build(site.path(), &[]);
    let cache = site.path().join(".skillfolio-cache/cards");
    let cards = files_by_inode(&out.join("cards"), "png");
    let cached = files_by_inode(&cache, "png");
    assert!(cards.len() > 3, "{cards:?}");
    for (inode, card) in &cards {
        assert!(cached.contains_key(inode), "{} is a copy", card.display());
    }
    let skill = site.path().join("content/skills/JS_Debounce/index.md");
    let card = out.join("cards/js-debounce.png");
    let before = std::fs::read(&card).unwrap();
    let text = read(&skill).replace("debounce(), from memory", "debounce(), from scratch");
    std::fs::write(&skill, text).unwrap();
    let out = common::build(site.path(), &[]);
    let after = std::fs::read(&card).unwrap();
    assert_ne!(before, after, "the card shows the new title");
    let cached_now = files_by_inode(&cache, "png");
    let inode = (files_by_inode(&out.join("cards"), "png").into_iter())
        .find(|(_, path)| *path == card)
        .map(|(inode, _)| inode)
        .unwrap();
    assert!(
        cached_now.contains_key(&inode),
        "the new card is shared too"
    );
    assert!(!cached.contains_key(&inode), "the new card is a new file");
    // The old card's file was the cache's, and it was left as it was.
    let old = cached
        .values()
        .filter(|p| p.exists())
        .map(|p| std::fs::read(p).unwrap());
    assert!(!old.into_iter().any(|bytes| bytes == after));
}
