//! Evidence as visitors and feed readers get it: photos resized into widths with
//! WebP twins, turned upright and stripped of their EXIF data (GPS position
//! included); a local video as a player; links to video sites as cards that load
//! nothing from elsewhere; enclosures in the feeds; preview cards; and a cache
//! that keeps unchanged images from being processed twice.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, read, run, stderr};
use image::{ImageDecoder, ImageReader, Rgb, RgbImage};

/// A recognisable camera make, to look for in the published bytes.
const MAKE: &[u8] = b"SkillfolioCam";
const VIDEO: &[u8] = b"\x1a\x45\xdf\xa3 a small stand-in video";

/// EXIF data as a phone writes it: orientation 6 (turn 90 degrees clockwise to
/// show), the camera's make and a GPS position. Big-endian TIFF.
fn exif() -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&value);
    }
    let (ifd0, gps, lat, lon, make) = (8u32, 50u32, 104u32, 128u32, 152u32);
    let mut t = b"MM\x00\x2a".to_vec();
    t.extend_from_slice(&ifd0.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes());
    entry(&mut t, 0x010F, 2, MAKE.len() as u32 + 1, make.to_be_bytes());
    entry(&mut t, 0x0112, 3, 1, [0, 6, 0, 0]);
    entry(&mut t, 0x8825, 4, 1, gps.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len() as u32, gps);
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, lat.to_be_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, 5, 3, lon.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len() as u32, lat);
    for (num, den) in [(51, 1), (30, 1), (2650, 100), (0, 1), (7, 1), (3960, 100)] {
        t.extend_from_slice(&(num as u32).to_be_bytes());
        t.extend_from_slice(&(den as u32).to_be_bytes());
    }
    assert_eq!(t.len() as u32, make);
    t.extend_from_slice(MAKE);
    t.push(0);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    app1
}

/// A 2400x1600 JPEG, stored sideways as a phone does, whose top-left corner is
/// red: shown upright (1600x2400), the red corner is at the top right.
fn phone_photo() -> Vec<u8> {
    let img = RgbImage::from_fn(2400, 1600, |x, y| {
        if x < 600 && y < 400 {
            Rgb([220, 30, 30])
        } else {
            Rgb([30, 60, (x % 200) as u8 + 40])
        }
    });
    let mut jpeg = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut jpeg, 90,
    ))
    .unwrap();
    let app1 = exif();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&(app1.len() as u16 + 2).to_be_bytes());
    segment.extend_from_slice(&app1);
    jpeg.splice(2..2, segment);
    jpeg
}

fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, _| Rgb([shade, (x % 256) as u8, 90]));
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
        .unwrap();
    out
}

fn evidence_site() -> tempfile::TempDir {
    let site = fixture("images");
    let dir = site.path().join("content/skills/juggling");
    fs::write(dir.join("photo.jpg"), phone_photo()).unwrap();
    fs::write(dir.join("diagram.png"), png(800, 400, 10)).unwrap();
    fs::write(dir.join("clip.webm"), VIDEO).unwrap();
    site
}

/// JPEG segments before the picture data, by marker.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF && bytes[i + 1] != 0xDA {
        markers.push(bytes[i + 1]);
        i += 2 + u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
    }
    markers
}

fn decoded(path: &Path) -> image::DynamicImage {
    image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn has_exif(path: &Path) -> bool {
    let mut decoder = ImageReader::open(path)
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    decoder.exif_metadata().unwrap().is_some()
}

#[test]
fn photos_are_resized_upright_and_stripped_of_exif() {
    let site = evidence_site();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let skill = public.join("skills/juggling");

    // The published original: upright, every byte of EXIF gone.
    let original = fs::read(skill.join("photo.jpg")).unwrap();
    assert!(
        !jpeg_markers(&original).contains(&0xE1),
        "an APP1 segment is left"
    );
    for secret in [MAKE, b"Exif".as_slice(), b"MM\x00\x2a".as_slice()] {
        assert!(
            !original.windows(secret.len()).any(|w| w == secret),
            "{:?} is still in the photo",
            String::from_utf8_lossy(secret)
        );
    }
    let img = decoded(&skill.join("photo.jpg")).to_rgb8();
    assert_eq!(img.dimensions(), (1600, 2400));
    let red = |p: &Rgb<u8>| p[0] > 150 && p[1] < 90;
    assert!(red(img.get_pixel(1500, 100)), "top right is the red corner");
    assert!(!red(img.get_pixel(100, 100)), "top left is not");

    // Every width, in JPEG and WebP, upright and without EXIF.
    for (name, w, h) in [
        ("photo.480w.jpg", 480, 720),
        ("photo.960w.jpg", 960, 1440),
        ("photo.480w.webp", 480, 720),
        ("photo.960w.webp", 960, 1440),
        ("photo.1600w.webp", 1600, 2400),
    ] {
        let path = skill.join(name);
        let img = decoded(&path).to_rgb8();
        assert_eq!((img.width(), img.height()), (w, h), "{name}");
        // Resized, not cropped or turned: the red corner is where it was.
        assert!(red(img.get_pixel(w * 7 / 8, h / 10)), "{name}: top right");
        assert!(!red(img.get_pixel(w / 8, h / 10)), "{name}: top left");
        assert!(!red(img.get_pixel(w * 7 / 8, h * 9 / 10)), "{name}: bottom");
        assert!(!has_exif(&path), "{name} has EXIF");
        let bytes = fs::read(&path).unwrap();
        assert!(!bytes.windows(MAKE.len()).any(|w| w == MAKE), "{name}");
    }
    assert!(
        !skill.join("photo.1600w.jpg").exists(),
        "the original serves 1600w"
    );
    assert!(!skill.join("photo.2400w.jpg").exists(), "never upscaled");

    let page = read(skill.join("2026-10-01-first-run/index.html"));
    let base = "/skills/juggling/";
    assert!(
        page.contains(&format!(
            r#"<source type="image/webp" srcset="{base}photo.480w.webp 480w, {base}photo.960w.webp 960w, {base}photo.1600w.webp 1600w""#
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<img src="{base}photo.960w.jpg" srcset="{base}photo.480w.jpg 480w, {base}photo.960w.jpg 960w, {base}photo.jpg 1600w" sizes="#
    )));
    assert!(page.contains(
        r#"width="1600" height="2400" alt="Three balls in the air above two hands" loading="lazy" decoding="async">"#
    ));
    // The PNG is narrower than the widest width: it keeps its own size on top.
    assert!(page.contains(&format!(
        r#"srcset="{base}diagram.480w.png 480w, {base}diagram.png 800w""#
    )));
    assert!(page.contains(r#"width="800" height="400" alt="The cascade&#39;s figure-eight path""#));
    let diagram = decoded(&skill.join("diagram.480w.png"));
    assert_eq!((diagram.width(), diagram.height()), (480, 240));

    // An image in the write-up's text gets the same treatment.
    let skill_page = read(skill.join("index.html"));
    assert!(
        skill_page.contains(&format!(
            r#"<picture><source type="image/webp" srcset="{base}diagram.480w.webp 480w, {base}diagram.800w.webp 800w""#
        )),
        "{skill_page}"
    );
    assert!(skill_page.contains(
        r#"width="800" height="400" alt="The diagram, in the text" title="Throw heights" loading="lazy""#
    ));

    // The video plays here; the video sites and the other page are links, and no
    // page asks another site for anything.
    assert!(page.contains(&format!(
        r#"<video controls preload="none" aria-label="Twenty seconds of the run"><source src="{base}clip.webm" type="video/webm">"#
    )));
    assert!(page.contains("Play here from YouTube (www.youtube.com)"));
    assert!(page.contains(
        r#"data-embed="https://video.example.net/videos/embed/9f8e7d6c?autoplay=1&amp;warningTitle=0""#
    ));
    assert!(!page.contains("<iframe"));
    assert!(page.contains(r#"<a class="link-card" href="https://example.com/juggling/notes">"#));
    for file in common::tree(&public)
        .keys()
        .filter(|p| p.ends_with(".html"))
    {
        let html = read(public.join(file));
        assert!(!html.contains("<iframe"), "{file} embeds a frame");
        for attr in [" src=\"http", " srcset=\"http", " poster=\"http"] {
            assert!(!html.contains(attr), "{file} loads from elsewhere: {attr}");
        }
    }
}

#[test]
fn feeds_carry_evidence_as_enclosures_and_attachments() {
    let site = evidence_site();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    let photo_len = fs::metadata(public.join("skills/juggling/photo.jpg"))
        .unwrap()
        .len();

    let feed = feed_rs::parser::parse(&fs::read(public.join("atom.xml")).unwrap()[..]).unwrap();
    let entry = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "A hundred catches")
        .unwrap();
    let enclosures: Vec<(&str, Option<&str>, Option<u64>)> = entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
        .map(|l| (l.href.as_str(), l.media_type.as_deref(), l.length))
        .collect();
    assert_eq!(
        enclosures,
        [
            (
                "https://example.org/skills/juggling/photo.jpg",
                Some("image/jpeg"),
                Some(photo_len)
            ),
            (
                "https://example.org/skills/juggling/diagram.png",
                Some("image/png"),
                Some(
                    fs::metadata(public.join("skills/juggling/diagram.png"))
                        .unwrap()
                        .len()
                )
            ),
            (
                "https://example.org/skills/juggling/clip.webm",
                Some("video/webm"),
                Some(VIDEO.len() as u64)
            ),
        ]
    );
    let related = entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("related"))
        .count();
    assert_eq!(related, 3, "the three pages elsewhere");

    let json: serde_json::Value = serde_json::from_str(&read(public.join("feed.json"))).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "A hundred catches")
        .unwrap();
    let attachments = item["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 3);
    assert_eq!(
        attachments[0]["url"],
        "https://example.org/skills/juggling/photo.jpg"
    );
    assert_eq!(attachments[0]["mime_type"], "image/jpeg");
    assert_eq!(attachments[0]["size_in_bytes"], photo_len);
    assert_eq!(attachments[2]["mime_type"], "video/webm");
}

#[test]
fn unchanged_images_are_never_processed_twice() {
    let site = evidence_site();
    let cache = site.path().join(".skillfolio-cache/images");
    let out = run(site.path(), &["build"]);
    assert!(
        stderr(&out).contains("Images: 2 processed, 0 from the cache"),
        "{}",
        stderr(&out)
    );
    let entries = || {
        let mut names: Vec<String> = fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let first = entries();
    assert_eq!(first.len(), 2);
    let before = fs::read(site.path().join("public/skills/juggling/photo.480w.webp")).unwrap();

    let out = run(site.path(), &["build"]);
    assert!(
        stderr(&out).contains("Images: 0 processed, 2 from the cache"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read(site.path().join("public/skills/juggling/photo.480w.webp")).unwrap(),
        before
    );

    // A changed image is processed again, alone, and its old entry is dropped.
    let diagram = site.path().join("content/skills/juggling/diagram.png");
    fs::write(&diagram, png(800, 400, 200)).unwrap();
    let out = run(site.path(), &["build"]);
    assert!(
        stderr(&out).contains("Images: 1 processed, 1 from the cache"),
        "{}",
        stderr(&out)
    );
    let after = entries();
    assert_eq!(after.len(), 2);
    assert_eq!(first.iter().filter(|e| after.contains(e)).count(), 1);

    // A cache entry with a file gone is made again rather than trusted.
    let entry = cache.join(&after[0]);
    let removed = fs::read_dir(&entry)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    fs::remove_file(&removed).unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Images: 1 processed, 1 from the cache"),
        "{}",
        stderr(&out)
    );
    assert!(removed.is_file());

    // Without the cache, everything is processed, to the same bytes.
    let out = run(site.path(), &["build", "--no-cache"]);
    assert!(
        stderr(&out).contains("Images: 2 processed, 0 from the cache"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read(site.path().join("public/skills/juggling/photo.480w.webp")).unwrap(),
        before
    );
}

#[test]
fn metadata_is_kept_only_when_the_site_asks() {
    let site = evidence_site();
    let toml = site.path().join("site.toml");
    fs::write(
        &toml,
        format!("keep_image_metadata = true\n{}", read(&toml)),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let skill = site.path().join("public/skills/juggling");
    assert_eq!(fs::read(skill.join("photo.jpg")).unwrap(), phone_photo());
    // The resized copies are still upright and carry nothing.
    assert!(!has_exif(&skill.join("photo.480w.jpg")));
    assert_eq!(decoded(&skill.join("photo.480w.jpg")).height(), 720);
}

#[test]
fn preview_cards_are_drawn_for_the_site_skills_and_payoffs() {
    let site = evidence_site();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    for card in [
        "cards/site.png",
        "cards/juggling.png",
        "cards/knots.png",
        "cards/juggling/2026-10-01-first-run.png",
        "cards/knots/2026-10-02-one-hand.png",
    ] {
        let img = decoded(&public.join(card));
        assert_eq!((img.width(), img.height()), (1200, 630), "{card}");
    }
    let og = |page: &str| {
        let html = read(public.join(page));
        let start = html.find(r#"<meta property="og:image" content=""#).unwrap() + 35;
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    // No photo of their own: the card.
    assert_eq!(
        og("skills/knots/index.html"),
        "https://example.org/cards/knots.png"
    );
    assert_eq!(
        og("skills/knots/2026-10-02-one-hand/index.html"),
        "https://example.org/cards/knots/2026-10-02-one-hand.png"
    );
    // A photo of their own: the photo.
    assert_eq!(
        og("skills/juggling/2026-10-01-first-run/index.html"),
        "https://example.org/skills/juggling/photo.jpg"
    );

    let toml = site.path().join("site.toml");
    fs::write(&toml, format!("social_cards = false\n{}", read(&toml))).unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!public.join("cards").exists());
}

/// The demo portfolio's model, without its images.
fn demo_model() -> skillfolio::Loaded {
    skillfolio::load(&skillfolio::LoadOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        skip_images: true,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn a_payoff_card_counts_all_practice_up_to_its_day_including_that_day() {
    let loaded = demo_model();
    let site = &loaded.site;
    let omelette = site.skills.iter().find(|s| s.slug == "perfect-omelette");
    let mut skill: skillfolio::site::Skill = (**omelette.unwrap()).clone();
    let payoff = (skill.entries.iter())
        .position(|e| skillfolio::cards::has_own_card(e, site.today))
        .unwrap();
    // A session later on the payoff's day counts by then too.
    let day = skill.entries[payoff].date.date;
    skill.entries[payoff + 1].date.date = day;
    skill.entries[payoff + 1].minutes = 1234;
    let by_then = skillfolio::cards::minutes_by_then(&skill, site.today);
    assert_eq!(by_then.len(), skill.entries.len());
    for (e, entry) in skill.entries.iter().enumerate() {
        let expected = skillfolio::cards::has_own_card(entry, site.today).then(|| {
            (skill.entries.iter())
                .filter(|other| other.date.date <= entry.date.date)
                .map(|other| u64::from(other.minutes))
                .sum::<u64>()
        });
        assert_eq!(by_then[e], expected, "{}", entry.slug);
    }
    assert!(by_then[payoff].unwrap() >= 1234);
    assert!(by_then.iter().filter(|m| m.is_some()).count() > 1);
}

#[test]
fn every_card_has_alt_text_saying_what_it_shows() {
    let loaded = demo_model();
    let site = &loaded.site;
    let omelette = site
        .skills
        .iter()
        .find(|s| s.slug == "perfect-omelette")
        .unwrap();
    let totals = &omelette.progress.totals;
    let skill_alt = skillfolio::cards::skill_alt(omelette, &site.profile.language);
    assert_eq!(
        skill_alt,
        format!(
            "Preview card: The perfect French omelette, Cooking — {} hours over {} sessions, \
             with a calendar of the last 20 weeks of practice",
            totals.hours, totals.sessions
        )
    );
    let own_card = |e: &&skillfolio::site::Entry| skillfolio::cards::has_own_card(e, site.today);
    // The alternative an entry's page gives its card, as `Preview::entry` asks for it.
    let by_then = skillfolio::cards::minutes_by_then(omelette, site.today);
    let entry_alt = |e: usize| {
        let face = skillfolio::cards::SkillFace::of(omelette);
        let entry = &omelette.entries[e];
        let lang = &site.profile.language;
        (skillfolio::cards::entry_card(&omelette.slug, &face, entry, by_then[e], lang)).1
    };
    let payoff = omelette.entries.iter().position(|e| own_card(&e)).unwrap();
    let alt = entry_alt(payoff);
    let payoff = &omelette.entries[payoff];
    assert!(
        alt.starts_with(&format!(
            "Preview card: {}, a payoff of The perfect French omelette on ",
            payoff.title
        )),
        "{alt}"
    );
    assert!(alt.contains("hours practised by then"), "{alt}");
    // An entry without a card of its own shares its skill's.
    let session = omelette.entries.iter().position(|e| !own_card(&e)).unwrap();
    assert_eq!(entry_alt(session), skill_alt);
    let alt = skillfolio::cards::site_alt(site);
    assert!(
        alt.starts_with(&format!(
            "Preview card: {} by {}, a skill portfolio — {} skills, ",
            site.config.title,
            site.config.author.name,
            site.skills.len()
        )),
        "{alt}"
    );
    assert!(!alt.contains('<') && !alt.contains('\n'), "{alt}");
}

#[test]
fn the_payoffs_page_is_a_gallery_newest_first() {
    let site = evidence_site();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(site.path().join("public/payoffs/index.html"));
    let knots =
        html.find(r#"<a class="tile-link u-url" href="/skills/knots/2026-10-02-one-hand/">"#);
    let juggling =
        html.find(r#"<a class="tile-link u-url" href="/skills/juggling/2026-10-01-first-run/">"#);
    assert!(knots.unwrap() < juggling.unwrap(), "{html}");
    // The photo is the juggling tile's picture, at a tile's width.
    let tile = &html[juggling.unwrap()..];
    assert!(tile.contains("photo.480w.webp 480w"));
    assert!(tile.contains(r#"width="1600" height="2400""#));
}

#[test]
fn an_image_that_cannot_be_read_is_a_warning_not_a_failure() {
    let site = evidence_site();
    let photo = site.path().join("content/skills/juggling/photo.jpg");
    fs::write(&photo, b"not a jpeg at all").unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: could not read the image: Format error decoding Jpeg"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--> content/skills/juggling/photo.jpg"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read(site.path().join("public/skills/juggling/photo.jpg")).unwrap(),
        b"not a jpeg at all"
    );
}

/// A PNG of a few dozen bytes whose header declares `width` x `height` pixels: a
/// 1x1 image with its IHDR patched and its checksum made again.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut bytes = png(1, 1, 0);
    // Signature (8), length (4), then "IHDR" and its 13 bytes, then the CRC.
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// Every entry under `dir`, folders included, so an empty folder left behind shows.
fn listing(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            e.path().strip_prefix(dir).unwrap().display().to_string()
        })
        .collect()
}

#[test]
fn a_photo_declaring_billions_of_pixels_is_an_error_where_it_is_named() {
    let site = fixture("images");
    let dir = site.path().join("content/skills/juggling");
    let huge = png_declaring(30_000, 30_000);
    assert!(huge.len() < 100, "the file itself is small");
    assert_eq!(
        ImageReader::new(std::io::Cursor::new(&huge))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap(),
        (30_000, 30_000)
    );
    fs::write(dir.join("diagram.png"), &huge).unwrap();
    fs::write(
        dir.join("log/2026-10-01-first-run.md"),
        "+++\ntitle = \"A hundred catches\"\ndate = 2026-10-01\nkind = \"payoff\"\nevidence = [\n  { src = \"../diagram.png\", alt = \"The path\" },\n]\n+++\n\nFilmed.\n",
    )
    .unwrap();
    let before = listing(site.path());
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Both places that show the image say why, at their line.
    insta::assert_snapshot!("image_past_the_limits", stderr(&out));
    assert_eq!(
        listing(site.path()),
        before,
        "a failed build writes nothing"
    );

    // The limit is the site's to raise; then the header's claim is still not
    // trusted blindly: the decoder's allocation limit holds.
    let config = site.path().join("site.toml");
    let text = read(&config);
    fs::write(
        &config,
        format!("{text}\n[images]\nmax_pixels = 1_000_000_000\n"),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "30000x30000 pixels, 2575 MiB once decoded, more than `max_bytes` (512 MiB) allows"
        ),
        "{err}"
    );
}

#[test]
fn the_image_limits_are_the_sites_to_set() {
    let site = evidence_site();
    let config = site.path().join("site.toml");
    let text = read(&config);
    // The 2400x1600 photo is 3.84 MP.
    fs::write(
        &config,
        format!("{text}\n[images]\nmax_pixels = 3_000_000\n"),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: the image `../photo.jpg` is too large to publish: it is 2400x1600 pixels (3.8 MP), more than `max_pixels` (3 MP) allows"),
        "{err}"
    );
    assert!(
        err.contains("--> content/skills/juggling/log/2026-10-01-first-run.md:7:11"),
        "{err}"
    );
    fs::write(
        &config,
        format!("{text}\n[images]\nmax_pixels = 4_000_000\n"),
    )
    .unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::write(&config, format!("{text}\n[images]\nmax_pixels = 12\n")).unwrap();
    let out = run(site.path(), &["build"]);
    assert!(
        stderr(&out).contains("`max_pixels` must be at least 1000000"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_phones_heic_photo_is_a_warning_and_evidence_offers_it_as_a_download() {
    let site = common::fixture("stranger");
    let log = site.path().join("content/skills/Sourdough-Loaf/log");
    // The start of a HEIC file: what the build goes by is its name.
    fs::write(
        log.join("IMG_0042.HEIC"),
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    )
    .unwrap();
    let entry = log.join("2026-09-24.md");
    let text = read(&entry).replacen(
        "\n+++\n",
        "\nevidence = [\"IMG_0042.HEIC\"]\n+++\n\n![The loaf, from the phone](IMG_0042.HEIC)\n",
        1,
    );
    fs::write(&entry, text).unwrap();
    let out = run(site.path(), &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: `IMG_0042.HEIC` is a HEIC photo, which only Safari shows (image/heic): \
             the page offers it as a download instead\n \
             --> content/skills/Sourdough-Loaf/log/2026-09-24.md:"
        ),
        "{err}"
    );
    assert!(
        err.contains("other browsers show a broken picture in its place"),
        "{err}"
    );
    assert!(
        err.contains("Settings > Camera > Formats > Most Compatible"),
        "{err}"
    );
    let page = read(
        site.path()
            .join("public/skills/sourdough-loaf/2026-09-24/index.html"),
    );
    let href = "/skills/skills/sourdough-loaf/log/IMG_0042.HEIC";
    assert!(
        page.contains(&format!(r#"<a class="link-card" href="{href}">"#)),
        "{page}"
    );
    assert_eq!(
        page.matches(&format!(r#"<img src="{href}""#)).count(),
        1,
        "{page}"
    );
}
