//! The cards' layout held against what usvg draws: no text over text or over the
//! calendar, everything on the canvas, whichever fonts the machine has.

use super::*;
use crate::progress::Session;

const OMELETTE: &str = "The perfect French omelette";
const LONG: &str = "How I finally learned to fold a soft, rolled, unbrowned French omelette in ninety seconds flat, without tearing it once";
const CJK: &str = "「完璧なフレンチオムレツを九十秒で焼く方法とその練習記録のすべて」";
const EMOJI: &str = "🍳 Omelette 🍳🔥 in 90 s 🥚🥚🥚 👩🏽\u{200D}🍳 ❤\u{FE0F}\u{200D}🔥 🇫🇷 and a very long tail of words";
const DEMO: [&str; 8] = [
    "Small skills, practised in public",
    "Thirty-second gesture drawings",
    "A Stripe webhook that is actually correct",
    "A paper crane in under three minutes",
    "The disk filled up, and nobody noticed for four nights",
    "Restore drill: 14 GB back in 3 minutes 10 seconds",
    "Proportions creeping back (unfinished)",
    "Payoff · A nightly backup script in 60 lines",
];
const MARGIN: f32 = 24.0;
/// How far ink may reach past the advance widths (overhangs, kerning).
const SLACK: f32 = 4.0;

fn progress() -> Progress {
    let today = Date::constant(2026, 11, 20);
    Progress::of(
        (0..140).step_by(3).map(|d| Session {
            date: from_day_number(day_number(today) - d),
            minutes: (d as u32 * 7) % 90,
            kind: Kind::Practice,
            part: None,
        }),
        today,
    )
}

fn content<'a>(
    top: &'a str,
    kicker: &'a str,
    title: &'a str,
    stats: &'a [String],
    p: &'a Progress,
) -> Content<'a> {
    Content {
        top,
        kicker,
        title,
        stats,
        progress: p,
        until: Date::constant(2026, 11, 20),
    }
}

/// Ink boxes of the text and of everything else usvg laid out.
fn drawn(svg: &str, fonts: &'static Fonts) -> (Vec<Rect>, Vec<Rect>) {
    // Boxes are worked out from each leaf's own box and its groups' transforms:
    // usvg leaves the absolute box of a bitmap glyph (colour emoji) at the origin.
    fn leaves(nodes: &[usvg::Node], ts: usvg::Transform, out: &mut Vec<Rect>) {
        for node in nodes {
            let local = match node {
                usvg::Node::Group(g) => {
                    leaves(g.children(), ts.pre_concat(g.transform()), out);
                    continue;
                }
                usvg::Node::Text(t) => {
                    let flat = t.flattened();
                    leaves(flat.children(), ts.pre_concat(flat.transform()), out);
                    continue;
                }
                usvg::Node::Path(p) => p.bounding_box(),
                usvg::Node::Image(i) => i.bounding_box(),
            };
            let r = local.transform(ts).expect("a box stays a box");
            out.push(Rect([r.left(), r.top(), r.right(), r.bottom()]));
        }
    }
    let tree = usvg::Tree::from_str(svg, fonts.options()).expect("the card's SVG parses");
    let (mut text, mut shapes) = (Vec::new(), Vec::new());
    for node in tree.root().children() {
        let one = std::slice::from_ref(node);
        if let usvg::Node::Text(_) = node {
            let mut glyphs = Vec::new();
            leaves(one, usvg::Transform::default(), &mut glyphs);
            // One box for the line, the union of its glyphs.
            if let Some(first) = glyphs.first() {
                let union = glyphs.iter().fold(first.0, |[l, t, r, b], g| {
                    [l.min(g.0[0]), t.min(g.0[1]), r.max(g.0[2]), b.max(g.0[3])]
                });
                text.push(Rect(union));
            }
        } else {
            leaves(one, usvg::Transform::default(), &mut shapes);
        }
    }
    (text, shapes)
}

fn meet(a: &Rect, b: &Rect) -> bool {
    let ([al, at, ar, ab], [bl, bt, br, bb]) = (a.0, b.0);
    al < br && bl < ar && at < bb && bt < ab
}

fn inside(inner: &Rect, outer: &Rect, slack: f32) -> bool {
    let ([il, it, ir, ib], [ol, ot, or, ob]) = (inner.0, outer.0);
    il >= ol - slack && it >= ot - slack && ir <= or + slack && ib <= ob + slack
}

/// Everything wrong with a card's boxes: text meeting text or a shape, or
/// closer to the canvas edge than `MARGIN` (the accent bar is the edge).
fn overlaps(text: &[Rect], shapes: &[Rect]) -> Vec<String> {
    let canvas = Rect([
        ACCENT_BAR + MARGIN,
        MARGIN,
        WIDTH as f32 - MARGIN,
        HEIGHT as f32 - MARGIN,
    ]);
    let mut problems = Vec::new();
    for (i, t) in text.iter().enumerate() {
        if !inside(t, &canvas, 0.0) {
            problems.push(format!("text {t:?} leaves the canvas"));
        }
        for u in &text[i + 1..] {
            if meet(t, u) {
                problems.push(format!("text {t:?} meets text {u:?}"));
            }
        }
        for s in shapes {
            if meet(t, s) {
                problems.push(format!("text {t:?} meets shape {s:?}"));
            }
        }
    }
    problems
}

/// Checks a card both ways: the boxes the layout claims, and the ink usvg lays
/// out, which must also stay within the claimed boxes.
fn check(name: &str, layout: &Layout, fonts: &'static Fonts) {
    let svg = layout.svg();
    let claimed = overlaps(&layout.text, &layout.shapes);
    assert!(claimed.is_empty(), "{name}: {claimed:#?}\n{svg}");
    let (text, shapes) = drawn(&svg, fonts);
    assert!(!text.is_empty(), "{name}: no text was drawn");
    let ink = overlaps(&text, &shapes);
    assert!(ink.is_empty(), "{name}: {ink:#?}\n{svg}");
    for t in &text {
        assert!(
            layout.text.iter().any(|c| inside(t, c, SLACK)),
            "{name}: ink {t:?} is outside every claimed box {:?}\n{svg}",
            layout.text,
        );
    }
    assert_eq!(shapes.len(), layout.shapes.len(), "{name}");
}

/// With Inter alone and with whatever the machine has: a machine without CJK
/// or emoji fonts must get a card as tidy as one with them.
fn each_fonts() -> [&'static Fonts; 2] {
    [Fonts::inter_only(), Fonts::system()]
}

#[test]
fn no_text_meets_other_text_or_the_calendar() {
    let p = progress();
    let stats = [
        "10.5 hours".to_string(),
        "21 sessions".to_string(),
        "longest streak 12 days".to_string(),
    ];
    let mut titles = vec![OMELETTE, LONG, CJK, EMOJI];
    titles.extend(DEMO);
    for fonts in each_fonts() {
        for title in &titles {
            for (top, kicker) in [
                ("Small skills, practised in public", "Cooking"),
                (LONG, CJK),
                (EMOJI, LONG),
            ] {
                let layout = layout(&content(top, kicker, title, &stats, &p), fonts);
                check(title, &layout, fonts);
            }
        }
        let long_stats = [LONG.to_string(), CJK.to_string(), EMOJI.to_string()];
        let layout = layout(&content("", "", CJK, &long_stats, &p), fonts);
        check("long figures", &layout, fonts);
    }
}

#[test]
fn the_check_catches_the_omelette_title_under_the_calendar() {
    // The former layout: the title's first line at a fixed baseline of 250,
    // 72 px, wrapped by character count, running under the calendar.
    let mut old = Layout {
        ops: Vec::new(),
        fallbacks: None,
        text: Vec::new(),
        shapes: Vec::new(),
    };
    heatmap(&mut old, &progress(), Date::constant(2026, 11, 20));
    old.ops.push(raster::Op::Text {
        x: 80.0,
        baseline: 250.0,
        size: 72.0,
        bold: true,
        colour: rgb(TEXT),
        line: "The perfect French".to_string(),
    });
    let (text, shapes) = drawn(&old.svg(), Fonts::inter_only());
    let problems = overlaps(&text, &shapes);
    assert!(
        problems.iter().any(|p| p.contains("meets shape")),
        "{problems:#?}"
    );
}

#[test]
fn titles_wrap_by_measured_width_and_shrink_to_fit() {
    let fonts = Fonts::inter_only();
    let p = progress();
    let stats = ["1 hour".to_string()];
    let short = layout(&content("S", "K", OMELETTE, &stats, &p), fonts);
    let svg = short.svg();
    assert!(svg.contains(r#"font-size="72""#), "{svg}");
    let long = layout(&content("S", "K", LONG, &stats, &p), fonts);
    let svg = long.svg();
    assert!(!svg.contains(r#"font-size="72""#), "{svg}");
    // Narrow letters fit more to a line than wide ones of the same count.
    let bold = |c: &str| fonts.width(c, true);
    let narrow = text::fit(&"il ".repeat(20), 600.0, 3, &[60.0], &bold);
    let wide = text::fit(&"WM ".repeat(20), 600.0, 3, &[60.0], &bold);
    assert!(narrow.lines.len() < wide.lines.len(), "{narrow:?} {wide:?}");
    let far_too_long = "word ".repeat(200);
    let cut = text::fit(
        &far_too_long,
        RIGHT - LEFT,
        TITLE_LINES,
        &TITLE_SIZES,
        &bold,
    );
    assert_eq!(cut.size, 46.0);
    assert_eq!(cut.lines.len(), 3);
    assert!(cut.lines[2].0.ends_with('…'), "{cut:?}");
    assert!(cut.lines.iter().all(|l| l.1 * 46.0 <= RIGHT - LEFT));
}

#[test]
fn inter_widths_are_its_own_and_missing_glyphs_count_their_box() {
    let fonts = Fonts::inter_only();
    let (w, i) = (fonts.width("W", true), fonts.width("i", true));
    assert!(w > 2.0 * i && w < 1.2 && i > 0.1, "W {w}, i {i}");
    assert!(fonts.width("W", true) > fonts.width("W", false));
    // Drawn as Inter's missing-glyph box, which is a little wider than an em.
    let missing = fonts.width("完", true);
    assert!((1.0..1.2).contains(&missing), "{missing}");
    // Each character of the sequence Inter lacks is such a box.
    assert!(fonts.width("👩🏽\u{200D}🍳", true) >= 3.0 * missing);
}

#[test]
fn the_same_card_is_laid_out_the_same_every_time() {
    let p = progress();
    let stats = ["1 hour".to_string()];
    for title in [OMELETTE, CJK, EMOJI] {
        let a = layout(&content("S", "K", title, &stats, &p), Fonts::system());
        let b = layout(&content("S", "K", title, &stats, &p), Fonts::system());
        assert_eq!((a.svg(), a.name()), (b.svg(), b.name()));
        assert_eq!(
            draw(&a.svg(), Fonts::system()),
            draw(&b.svg(), Fonts::system())
        );
    }
}

#[test]
fn the_fonts_a_card_falls_back_on_are_part_of_its_key() {
    let p = progress();
    let stats = ["1 hour".to_string()];
    let latin = layout(&content("S", "K", OMELETTE, &stats, &p), Fonts::system());
    assert_eq!(latin.fallbacks, None);
    let alone = layout(&content("S", "K", CJK, &stats, &p), Fonts::inter_only());
    assert_eq!(alone.fallbacks, None);
    let with = layout(&content("S", "K", CJK, &stats, &p), Fonts::system());
    let has_cjk = !Fonts::system().fallbacks(CJK, true).is_empty();
    assert_eq!(with.fallbacks.is_some(), has_cjk);
    // The same drawing with other fonts behind it is another card.
    let mut unmarked = layout(&content("S", "K", CJK, &stats, &p), Fonts::system());
    unmarked.fallbacks = None;
    assert_eq!(unmarked.name() != with.name(), has_cjk);
}

#[test]
fn characters_no_font_has_are_left_out_unless_nothing_would_be_left() {
    let fonts = Fonts::inter_only();
    assert_eq!(
        fonts.drawable("🍳 Omelette 🍳🔥 in 90 s", true),
        " Omelette  in 90 s"
    );
    assert_eq!(fonts.drawable("完璧", true), "完璧");
    assert_eq!(fonts.drawable("", true), "");
}

/// The pixels of a PNG, as RGB.
fn pixels(png: &[u8]) -> Vec<u8> {
    image::load_from_memory(png)
        .expect("a PNG")
        .to_rgb8()
        .into_raw()
}

/// Cards drawn directly look as their SVG drawn by resvg does: the same
/// pixels but for the last shade of a glyph's edge, and a palette image.
#[test]
fn drawn_cards_look_as_their_svg_does() {
    let stats = vec![
        "11.3 hours".to_string(),
        "22 sessions".to_string(),
        "4-day streak".to_string(),
    ];
    let shared = raster::Shared::default();
    let p = progress();
    let titles = DEMO
        .iter()
        .copied()
        .chain([OMELETTE, LONG, "Type, kerning: AVATAR Wav fi fl"]);
    for title in titles {
        let card = content(
            "Small skills, practised in public",
            "Cooking",
            title,
            &stats,
            &p,
        );
        assert_drawn_as_svg(&card, Fonts::inter_only(), &shared);
    }
}

/// Text Inter lacks is drawn with the face the SVG path would take for it,
/// whether that face draws the whole line (a title in Japanese) or only the
/// characters Inter lacks (a Latin title with a few of them).
#[test]
fn text_in_the_machines_fonts_is_drawn_as_its_svg_is() {
    let fonts = Fonts::system();
    if fonts.fallbacks(CJK, true).is_empty() || fonts.fallbacks("練習回数", false).is_empty() {
        // Without a face for these characters both paths leave them out.
        let reason = "no font on this machine has Japanese characters (fonts-noto-cjk has)";
        assert!(std::env::var("CI").is_err(), "{reason}");
        eprintln!("skipped: {reason}");
        return;
    }
    let stats = vec![
        "11.3時間".to_string(),
        "練習22回".to_string(),
        "4日連続".to_string(),
    ];
    let shared = raster::Shared::default();
    let p = progress();
    for (kicker, title) in [
        ("料理", CJK),
        ("料理", "完璧なオムレツ"),
        ("Cooking", "Omelette au 完璧 style, 90 s"),
    ] {
        let card = content("小さなスキルを公開で練習", kicker, title, &stats, &p);
        assert_drawn_as_svg(&card, fonts, &shared);
    }
}

fn assert_drawn_as_svg(content: &Content, fonts: &'static Fonts, shared: &raster::Shared) {
    let title = content.title;
    let card = layout(content, fonts);
    let direct = raster::draw(&card.ops, BACKGROUND, shared, fonts)
        .unwrap_or_else(|| panic!("{title}: drawn without SVG"));
    assert_eq!(&direct[..8], b"\x89PNG\r\n\x1a\n");
    let decoded = image::load_from_memory(&direct).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
    let (ours, theirs) = (pixels(&direct), pixels(&draw(&card.svg(), fonts).unwrap()));
    let diffs: Vec<u32> = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| u32::from(a.abs_diff(*b)))
        .collect();
    let mean = diffs.iter().sum::<u32>() as f64 / diffs.len() as f64;
    // Glyphs sit within a fraction of a pixel of resvg's, so their
    // edges differ by a shade or two; a glyph missing or out of place
    // leaves whole strokes different, which no 2x2 block of edge does.
    let grey = |px: &[u8], x: usize, y: usize| {
        let i = (y * WIDTH as usize + x) * 3;
        (u32::from(px[i]) + u32::from(px[i + 1]) + u32::from(px[i + 2])) / 3
    };
    let differs = |x: usize, y: usize| grey(&ours, x, y).abs_diff(grey(&theirs, x, y)) > 100;
    let strokes = (0..HEIGHT as usize - 1)
        .flat_map(|y| (0..WIDTH as usize - 1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            differs(x, y) && differs(x + 1, y) && differs(x, y + 1) && differs(x + 1, y + 1)
        })
        .count();
    let ink = |px: &[u8]| px.iter().map(|v| u64::from(255 - v)).sum::<u64>() as f64;
    let (a, b) = (ink(&ours), ink(&theirs));
    assert!(mean < 0.5, "{title}: mean difference {mean}");
    assert_eq!(strokes, 0, "{title}: whole strokes differ");
    assert!((a / b - 1.0).abs() < 0.01, "{title}: ink {a} against {b}");
    assert!(direct.len() < 60_000, "{title}: {} bytes", direct.len());
}

/// Text no outline face draws (here, on a machine with Inter alone) goes to
/// the SVG path, which draws what usvg draws for it: Inter's boxes, or colour
/// emoji.
#[test]
fn text_inter_lacks_is_left_to_the_svg_path() {
    let p = progress();
    let card = layout(
        &content("Small skills", "Cooking", CJK, &[], &p),
        Fonts::inter_only(),
    );
    assert!(
        raster::draw(
            &card.ops,
            BACKGROUND,
            &raster::Shared::default(),
            Fonts::inter_only()
        )
        .is_none()
    );
}

/// A palette PNG is as tall as its pixels fill whole rows, and pixels that
/// leave a row short make none rather than a broken file.
#[test]
fn a_palette_png_is_as_tall_as_its_rows() {
    let palette = [0, 0, 0, 255, 255, 255];
    let png = palette_png(&[0, 1, 1, 0, 0, 1], 2, &palette).expect("three whole rows");
    let decoded = image::load_from_memory(&png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (2, 3));
    assert_eq!(decoded.to_rgb8().get_pixel(1, 0).0, [255, 255, 255]);
    assert!(palette_png(&[0, 1, 1, 0, 0], 2, &palette).is_none());
    assert!(palette_png(&[0, 1], 0, &palette).is_none());
}
