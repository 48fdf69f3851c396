//! Preview cards for shared links: a 1200x630 PNG for the site, each skill and
//! each payoff, laid out here and drawn by `raster` (or by resvg, from the
//! layout's SVG, for text only resvg draws) with the Inter font shipped in the
//! binary and the machine's fonts behind it for what Inter lacks (see
//! `fonts`). Pages without a photo of their own use a card as `og:image`.
//! Cards are cached by what they draw, and a card the build's record keeps by
//! its key is neither laid out nor drawn: the cache's index names the file
//! each key was drawn into, so the cache keeps it too.
//!
//! The layout gives every piece a region of its own, so nothing can be drawn
//! over anything else: the site name and a kicker line top left beside a
//! 20-week practice calendar, the title below them across the whole width, and a
//! row of figures at the bottom. Text is measured with the fonts' advance widths;
//! a title wraps, shrinks, and at the smallest size is cut with an ellipsis to
//! stay within three lines.

mod deflate;
mod fonts;
mod raster;
mod text;

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use rayon::prelude::*;
use resvg::{tiny_skia, usvg};

use crate::charts::level;
use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::html::escape;
use crate::i18n::Language;
use crate::keys::Key;
use crate::output::{Contents, OutputFile};
use crate::progress::{Progress, day_number, from_day_number, hours, week_start};
use crate::site::{Entry, Site, Skill, Taxon};

use fonts::Fonts;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Where the site's own card is published: the home page's image, and that of
/// any page without one of its own.
pub fn site_path() -> &'static str {
    "cards/site.png"
}

/// Where the card of the skill named `slug` is published, relative to the
/// output root.
pub fn skill_path(slug: &str) -> String {
    format!("cards/{slug}.png")
}

/// Where a payoff's card is published, by its skill's slug.
pub fn entry_path(skill_slug: &str, entry: &Entry) -> String {
    format!("cards/{skill_slug}/{}.png", entry.slug)
}

/// Whether an entry gets a card of its own: payoffs that have happened.
pub fn has_own_card(entry: &Entry, today: Date) -> bool {
    entry.kind == Kind::Payoff && entry.date.date <= today
}

/// What the site's card shows, for `og:image:alt`.
pub fn site_alt(site: &Site) -> String {
    let lang = &*site.profile.language;
    let totals = &site.progress.totals;
    let by = match site.config.author.name.trim() {
        "" => String::new(),
        name => lang.text("card_by", &[("name", name)]),
    };
    lang.text(
        "card_site_alt",
        &[
            ("title", site.config.title.trim()),
            ("by", &by),
            ("skills", &lang.count("skill_count", site.skills.len(), &[])),
            ("hours", &lang.count("hour_count", &totals.hours, &[])),
            ("payoffs", &lang.count("payoff_count", totals.payoffs, &[])),
        ],
    )
}

/// What a skill's card shows of it besides the site's name, language and
/// date; its text alternative tells the same.
#[derive(Hash, Clone, Copy)]
pub struct SkillFace<'a> {
    pub title: &'a str,
    pub field: Option<&'a Taxon>,
    pub progress: &'a Progress,
}

impl<'a> SkillFace<'a> {
    pub fn of(skill: &'a Skill) -> Self {
        SkillFace {
            title: &skill.title,
            field: skill.field.as_ref(),
            progress: &skill.progress,
        }
    }

    /// The card's text alternative, for `og:image:alt`.
    pub fn alt(&self, lang: &Language) -> String {
        let totals = &self.progress.totals;
        let field = (self.field).map_or(String::new(), |f| {
            lang.text("card_field", &[("name", &f.name)])
        });
        lang.text(
            "card_skill_alt",
            &[
                ("title", self.title.trim()),
                ("field", &field),
                ("hours", &lang.count("hour_count", &totals.hours, &[])),
                (
                    "sessions",
                    &lang.count("session_count", totals.sessions, &[]),
                ),
            ],
        )
    }
}

/// What a skill's card shows, for `og:image:alt`.
pub fn skill_alt(skill: &Skill, lang: &Language) -> String {
    SkillFace::of(skill).alt(lang)
}

/// What a payoff's own card shows, for `og:image:alt`: `minutes_by_then` is
/// the skill's practice up to the payoff's day.
pub fn payoff_alt(
    skill_title: &str,
    entry: &Entry,
    minutes_by_then: u64,
    lang: &Language,
) -> String {
    lang.text(
        "card_entry_alt",
        &[
            ("title", entry.title.trim()),
            ("skill", skill_title.trim()),
            ("date", &lang.date(entry.date.date)),
            (
                "hours",
                &lang.count("hour_count", hours(minutes_by_then), &[]),
            ),
        ],
    )
}

/// The card an entry's page shares, its path and its text alternative: the
/// payoff's own when it has one (`minutes_by_then` is then known), else its
/// skill's.
pub fn entry_card(
    skill_slug: &str,
    skill: &SkillFace,
    entry: &Entry,
    minutes_by_then: Option<u64>,
    lang: &Language,
) -> (String, String) {
    match minutes_by_then {
        Some(minutes) => (
            entry_path(skill_slug, entry),
            payoff_alt(skill.title, entry, minutes, lang),
        ),
        None => (skill_path(skill_slug), skill.alt(lang)),
    }
}

/// Minutes practised on a skill up to the day of each of its entries that has
/// a card of its own, which the card and its text alternative tell; `None`
/// for the other entries. One pass over the entries, whatever their number.
pub fn minutes_by_then(skill: &Skill, today: Date) -> Vec<Option<u64>> {
    // A running sum by day: every entry of a payoff's day counts by then,
    // including those sorted after it.
    let mut by_day: Vec<(Date, u64)> = (skill.entries.iter())
        .map(|e| (e.date.date, u64::from(e.minutes)))
        .collect();
    by_day.sort_unstable_by_key(|(day, _)| *day);
    let mut total = 0;
    for (_, minutes) in &mut by_day {
        total += *minutes;
        *minutes = total;
    }
    let until = |day: Date| match by_day.partition_point(|(d, _)| *d <= day) {
        0 => 0,
        n => by_day[n - 1].1,
    };
    (skill.entries.iter())
        .map(|e| has_own_card(e, today).then(|| until(e.date.date)))
        .collect()
}

/// What a payoff's own card shows besides the site's name, language and date.
#[derive(Hash)]
pub struct PayoffFace<'a> {
    pub skill_title: &'a str,
    pub title: &'a str,
    pub date: Date,
    pub minutes: u32,
    pub minutes_by_then: u64,
    /// Shown up to `date`.
    pub progress: &'a Progress,
}

/// What a skill's or a payoff's card shows. The hash of a face keys its card,
/// so a card is laid out again only when what it shows changed.
#[derive(Hash)]
pub enum Face<'a> {
    Skill(SkillFace<'a>),
    Payoff(PayoffFace<'a>),
}

/// The faces of a skill's cards: its own, then each payoff's that has a
/// card, with the index of the payoff's entry. `by_then` is the skill's
/// [`minutes_by_then`].
pub fn faces<'a>(skill: &'a Skill, by_then: &[Option<u64>]) -> Vec<(Option<usize>, Face<'a>)> {
    let payoffs = (skill.entries.iter().zip(by_then).enumerate()).filter_map(
        |(e, (entry, minutes_by_then))| {
            let face = PayoffFace {
                skill_title: &skill.title,
                title: &entry.title,
                date: entry.date.date,
                minutes: entry.minutes,
                minutes_by_then: (*minutes_by_then)?,
                progress: &skill.progress,
            };
            Some((Some(e), Face::Payoff(face)))
        },
    );
    std::iter::once((None, Face::Skill(SkillFace::of(skill))))
        .chain(payoffs)
        .collect()
}

/// The cache's file of each card key.
#[derive(Default)]
struct Names {
    /// As the cache's index has them, from the last build that kept the cache.
    last: HashMap<Key, String>,
    /// As this build uses them.
    now: HashMap<Key, String>,
}

/// The file in the cards' cache folder that names the card of each key.
const INDEX: &str = "index";

/// Draws cards, keeping them in `<cache>/cards/` when there is a cache folder.
pub struct CardMaker {
    dir: Option<PathBuf>,
    shared: raster::Shared,
    used: Mutex<HashSet<String>>,
    names: Mutex<Names>,
    /// Cards this maker added to the cache folder, which a failed build takes
    /// back: cards are drawn while the pages render, so a build can fail after
    /// some were stored.
    added: Mutex<Vec<PathBuf>>,
    /// Name the cards without drawing them, for `check`, which writes nothing
    /// and only needs to know which files a build would write.
    paths_only: bool,
}

impl CardMaker {
    pub fn new(cache_dir: Option<&Path>) -> CardMaker {
        CardMaker {
            dir: cache_dir.map(|d| d.join("cards")),
            shared: raster::Shared::default(),
            used: Mutex::default(),
            names: Mutex::default(),
            added: Mutex::default(),
            paths_only: false,
        }
    }

    /// A maker that names every card and draws none (see `paths_only`).
    pub fn paths_only() -> CardMaker {
        CardMaker {
            paths_only: true,
            ..CardMaker::new(None)
        }
    }

    /// Every card of the site: its own, one per skill and one per published
    /// payoff. Cards are handed to `emit` as they are drawn, so they are never
    /// all in memory at once.
    ///
    /// A skill's and a payoff's card are keyed by what they are made from:
    /// `inputs.common` (the configuration, language and date) and the key of
    /// its [`Face`]. A card `keep` says is already held is neither laid out
    /// nor drawn.
    pub fn render(
        &self,
        site: &Site,
        inputs: &Inputs,
        emit: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
    ) -> Result<(), Diagnostic> {
        if let Ok(mut added) = self.added.lock() {
            added.clear();
        }
        if let Ok(mut names) = self.names.lock()
            && !names.now.is_empty()
        {
            names.last = std::mem::take(&mut names.now);
        }
        if !site.config.social_cards {
            return Ok(());
        }
        let key = |parts: &dyn Fn(&mut crate::keys::KeyHasher)| {
            use std::hash::{Hash, Hasher};
            let mut h = crate::keys::KeyHasher::new();
            (DRAWING, inputs.common).hash(&mut h);
            parts(&mut h);
            h.finish()
        };
        let mut cards: Vec<(String, Option<Key>, Card)> =
            vec![(site_path().to_string(), None, Card::Site)];
        for (i, skill) in site.skills.iter().enumerate() {
            let faces = faces(skill, &minutes_by_then(skill, site.today));
            // Keys made from other faces than these key nothing.
            let keys = (inputs.faces.get(i)).filter(|keys| keys.len() == faces.len());
            for (j, (entry, face)) in faces.into_iter().enumerate() {
                let path = match entry {
                    None => skill_path(&skill.slug),
                    Some(e) => entry_path(&skill.slug, &skill.entries[e]),
                };
                let key = keys.map(|keys| key(&|h| std::hash::Hash::hash(&keys[j], h)));
                cards.push((path, key, Card::Face(face)));
            }
        }
        let mut kept = Vec::new();
        cards.retain(|(path, key, _)| {
            let keep = key.is_some_and(|k| (inputs.keep)(path, k));
            kept.extend(key.filter(|_| keep));
            !keep
        });
        self.keep_names(&kept);
        if self.paths_only {
            return cards.into_iter().try_for_each(|(path, _, _)| {
                emit(OutputFile {
                    path,
                    contents: Contents::Bytes(Arc::from(&[][..])),
                    key: None,
                })
            });
        }
        let fonts = Fonts::system();
        let drawn = cards.into_par_iter().try_for_each(|(path, key, card)| {
            let layout = card.layout(site, fonts);
            let contents = self.card(&layout, key, fonts).map_err(|e| {
                Diagnostic::error(format!("could not draw the preview card {path}: {e}")).hint(
                    "set `social_cards = false` in site.toml to build without cards, and report this",
                )
            })?;
            emit(OutputFile {
                path,
                contents,
                key,
            })
        });
        self.shared.free_canvases();
        drawn
    }

    /// Removes the cards this maker stored, for a build that failed.
    pub fn take_back(&self) {
        let added = std::mem::take(&mut *self.added.lock().unwrap_or_else(|e| e.into_inner()));
        for path in added {
            let _ = fs::remove_file(path);
        }
    }

    /// Removes cached cards no card of this build used, and writes the index
    /// of the cards it keyed.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) && name != INDEX {
                let _ = fs::remove_file(entry.path());
            }
        }
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let mut index: Vec<String> = (names.now.iter())
            .map(|(key, name)| format!("{key:016x} {name}\n"))
            .collect();
        index.sort_unstable();
        if !used.is_empty() || dir.join(INDEX).exists() {
            let _ = fs::write(dir.join(INDEX), index.concat());
        }
    }

    /// Marks the cached files of the cards kept by `keys` as used.
    fn keep_names(&self, keys: &[Key]) {
        if self.dir.is_none() {
            return;
        }
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.last.is_empty() {
            names.last = self.read_index();
        }
        let Names { last, now } = &mut *names;
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if let Some(name) = last.get(key) {
                used.insert(name.clone());
                now.insert(*key, name.clone());
            }
        }
    }

    fn read_index(&self) -> HashMap<Key, String> {
        let Some(dir) = &self.dir else {
            return HashMap::new();
        };
        let text = fs::read_to_string(dir.join(INDEX)).unwrap_or_default();
        (text.lines())
            .filter_map(|line| {
                let (key, name) = line.split_once(' ')?;
                Some((Key::from_str_radix(key, 16).ok()?, name.to_string()))
            })
            .collect()
    }

    fn card(
        &self,
        layout: &Layout,
        key: Option<Key>,
        fonts: &'static Fonts,
    ) -> Result<Contents, String> {
        // Named by what it shows and by how it was drawn.
        let name = layout.name();
        if let Some(dir) = &self.dir {
            if let Ok(mut used) = self.used.lock() {
                used.insert(name.clone());
            }
            if let (Some(key), Ok(mut names)) = (key, self.names.lock()) {
                names.now.insert(key, name.clone());
            }
            let path = dir.join(&name);
            if path.is_file() {
                return Ok(Contents::Cached(path));
            }
            let png = self.draw(layout, fonts)?;
            // Written under a temporary name, so a card is either whole or absent.
            let temp = dir.join(format!("{name}.{}.tmp", std::process::id()));
            let stored = fs::create_dir_all(dir)
                .and_then(|()| fs::write(&temp, &png))
                .and_then(|()| fs::rename(&temp, &path));
            return Ok(match stored {
                Ok(()) => {
                    if let Ok(mut added) = self.added.lock() {
                        added.push(path.clone());
                    }
                    Contents::Cached(path)
                }
                Err(_) => {
                    // A full disk must not keep the piece that was written.
                    let _ = fs::remove_file(&temp);
                    Contents::Bytes(png.into())
                }
            });
        }
        Ok(Contents::Bytes(self.draw(layout, fonts)?.into()))
    }

    /// The card's pixels: drawn directly, or from its SVG when its text needs
    /// the machine's fonts.
    fn draw(&self, layout: &Layout, fonts: &'static Fonts) -> Result<Vec<u8>, String> {
        match raster::draw(&layout.ops, BACKGROUND, &self.shared, fonts) {
            Some(png) => Ok(png),
            None => draw(&layout.svg(), fonts),
        }
    }
}

/// What a render's cards are made from besides the site: see [`CardMaker::render`].
pub struct Inputs<'a> {
    /// The key of the configuration, the language and the date.
    pub common: Key,
    /// The keys of each skill's [`faces`], in the site's order.
    pub faces: &'a [&'a [Key]],
    /// Whether the file made from a key is already held at a path.
    pub keep: &'a (dyn Fn(&str, Key) -> bool + Sync),
}

/// Changes whenever the drawing of a card changes, as it names cached cards.
const DRAWING: u32 = 4;

fn draw(svg: &str, fonts: &'static Fonts) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, fonts.options()).map_err(|e| e.to_string())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("could not allocate the card")?;
    let [r, g, b] = BACKGROUND;
    pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 0xff));
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode_png(&pixmap)
}

/// The card is opaque, so it is stored as RGB, with the fast deflate setting and
/// one filter: flat colours compress well either way, and the defaults take
/// several times as long.
fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::with_capacity(64 * 1024);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub)
        .write_image(&rgb, WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// A palette PNG of `pixels`, one palette index a byte in rows of `width`
/// (as many rows as they fill; `None` when the last is not whole), with
/// `palette` as its colours' bytes; its rows deflated as cards suit (see
/// `deflate`). Public for the floor benchmark, which encodes its cards as the
/// build does.
pub fn palette_png(pixels: &[u8], width: u32, palette: &[u8]) -> Option<Vec<u8>> {
    let row = usize::try_from(width).ok().filter(|&w| w > 0)?;
    if !pixels.len().is_multiple_of(row) {
        return None;
    }
    let height = u32::try_from(pixels.len() / row).ok()?;
    let mut out = Vec::with_capacity(40 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette.to_vec());
    let mut writer = encoder.write_header().ok()?;
    let data = deflate::zlib(pixels, row);
    writer.write_chunk(png::chunk::IDAT, &data).ok()?;
    writer.finish().ok()?;
    Some(out)
}

/// Which card to draw.
enum Card<'a> {
    Site,
    Face(Face<'a>),
}

impl Card<'_> {
    fn layout(&self, site: &Site, fonts: &Fonts) -> Layout {
        match *self {
            Card::Site => site_card(site, fonts),
            Card::Face(Face::Skill(ref face)) => skill_card(site, face, fonts),
            Card::Face(Face::Payoff(ref face)) => payoff_card(site, face, fonts),
        }
    }
}

/// `#rrggbb` as its three bytes.
fn rgb(hex: &str) -> raster::Rgb {
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    [byte(1), byte(3), byte(5)]
}

const BACKGROUND: raster::Rgb = [0xfb, 0xfa, 0xf7];
const TEXT: &str = "#1d1f21";
const MUTED: &str = "#5b6168";
const ACCENT: &str = "#9a3412";
const HEAT: [&str; 5] = ["#ece8df", "#f6cfae", "#eb9a63", "#c2571d", "#7c2d12"];

/// The regions of the card, in pixels.
const LEFT: f32 = 80.0;
const RIGHT: f32 = 1120.0;
const TOP: f32 = 64.0;
const ACCENT_BAR: f32 = 16.0;
const WEEKS: i64 = 20;
const CELL: f32 = 16.0;
const STEP: f32 = 20.0;
const HEAT_LEFT: f32 = RIGHT - WEEKS as f32 * STEP;
const HEAT_BOTTOM: f32 = TOP + 6.0 * STEP + CELL;
/// The site name and kicker end this far left of the calendar.
const GUTTER: f32 = 40.0;
const TITLE_TOP: f32 = HEAT_BOTTOM + 40.0;
const TITLE_SIZES: [f32; 4] = [72.0, 60.0, 52.0, 46.0];
const TITLE_LINES: usize = 3;
/// Baseline to baseline, in ems.
const LINE_PITCH: f32 = 1.25;
const STATS_SIZE: f32 = 30.0;
const STATS_BASELINE: f32 = 566.0;
/// How far above and below its baseline a line of text may draw, in ems: room
/// for accented capitals, descenders, CJK and colour emoji, which reach further
/// than Latin letters.
const ASCENT: f32 = 0.96;
const DESCENT: f32 = 0.28;
const TITLE_BOTTOM: f32 = STATS_BASELINE - ASCENT * STATS_SIZE - 24.0;

// Three lines at the largest size end above the figures, lines of text clear
// each other, and the title starts clear of the calendar.
const _: () = {
    let size = TITLE_SIZES[0];
    let lines = TITLE_LINES as f32 - 1.0;
    assert!(TITLE_TOP + (ASCENT + lines * LINE_PITCH + DESCENT) * size <= TITLE_BOTTOM);
    assert!(LINE_PITCH >= ASCENT + DESCENT);
    assert!(TITLE_TOP >= HEAT_BOTTOM + 8.0);
};

/// What a card draws, and the box each of its pieces may draw in, which the
/// tests hold against what usvg lays out.
struct Layout {
    /// The drawing, which [`raster`] makes into pixels; its SVG is written
    /// from it only where usvg draws the card (see [`Layout::svg`]).
    ops: Vec<raster::Op>,
    /// Which of the machine's fonts draw its text, when Inter lacks some of it.
    fallbacks: Option<Key>,
    text: Vec<Rect>,
    shapes: Vec<Rect>,
}

/// Left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect([f32; 4]);

/// What goes on a card.
struct Content<'a> {
    /// The line above the kicker.
    top: &'a str,
    kicker: &'a str,
    title: &'a str,
    stats: &'a [String],
    progress: &'a Progress,
    until: Date,
}

fn skill_card(site: &Site, face: &SkillFace, fonts: &Fonts) -> Layout {
    let lang = &*site.profile.language;
    let totals = &face.progress.totals;
    let skill_word = lang.text("card_skill", &[]);
    let kicker = (face.field).map_or(skill_word.as_str(), |f| f.name.as_str());
    let streak = if totals.current_streak > 0 {
        lang.count("card_streak", totals.current_streak, &[])
    } else {
        lang.count("card_longest_streak", totals.longest_streak, &[])
    };
    let stats = [
        lang.count("hour_count", &totals.hours, &[]),
        lang.count("session_count", totals.sessions, &[]),
        streak,
    ];
    layout(
        &Content {
            top: &site.config.title,
            kicker,
            title: face.title,
            stats: &stats,
            progress: face.progress,
            until: site.today,
        },
        fonts,
    )
}

fn payoff_card(site: &Site, face: &PayoffFace, fonts: &Fonts) -> Layout {
    let PayoffFace {
        skill_title,
        title,
        date,
        minutes,
        minutes_by_then,
        progress,
    } = *face;
    let lang = &*site.profile.language;
    let kicker = lang.text("card_payoff", &[("skill", skill_title)]);
    let mut stats = vec![lang.date(date)];
    if minutes > 0 {
        stats.push(lang.count("minutes_short", minutes, &[]));
    }
    // Hours up to the payoff, as its calendar shows, not the skill's total today.
    stats.push(lang.count("card_hours_by_then", hours(minutes_by_then), &[]));
    layout(
        &Content {
            top: &site.config.title,
            kicker: &kicker,
            title,
            stats: &stats,
            progress,
            until: date,
        },
        fonts,
    )
}

fn site_card(site: &Site, fonts: &Fonts) -> Layout {
    let lang = &*site.profile.language;
    let totals = &site.progress.totals;
    let stats = [
        lang.count("skill_count", site.skills.len(), &[]),
        lang.count("hour_count", &totals.hours, &[]),
        lang.count("payoff_count", totals.payoffs, &[]),
    ];
    let top = lang.text("card_top", &[]);
    layout(
        &Content {
            top: &top,
            kicker: &site.config.author.name,
            title: &site.config.title,
            stats: &stats,
            progress: &site.progress,
            until: site.today,
        },
        fonts,
    )
}

fn layout(content: &Content, fonts: &Fonts) -> Layout {
    let mut card = Layout {
        ops: Vec::with_capacity(160),
        fallbacks: None,
        text: Vec::new(),
        shapes: Vec::new(),
    };
    card.rect(Rect([0.0, 0.0, ACCENT_BAR, HEIGHT as f32]), ACCENT);
    let header = HEAT_LEFT - GUTTER - LEFT;
    let drawn = |t: &str| fonts.drawable(t, true);
    let (top, kicker, title) = (
        drawn(content.top),
        drawn(content.kicker),
        drawn(content.title),
    );
    let content = Content {
        top: &top,
        kicker: &kicker,
        title: &title,
        ..*content
    };
    let (top, width) = text::clip(content.top, header, 30.0, &fonts.measure(content.top, true));
    card.text(LEFT, 96.0, 30.0, true, MUTED, &top, width);
    let (kicker, width) = text::clip(
        content.kicker,
        header,
        32.0,
        &fonts.measure(content.kicker, true),
    );
    card.text(LEFT, 168.0, 32.0, true, ACCENT, &kicker, width);

    let title = text::fit(
        content.title,
        RIGHT - LEFT,
        TITLE_LINES,
        &TITLE_SIZES,
        &fonts.measure(content.title, true),
    );
    let size = title.size;
    for (i, (line, width)) in title.lines.iter().enumerate() {
        let baseline = TITLE_TOP + ASCENT * size + i as f32 * LINE_PITCH * size;
        card.text(LEFT, baseline, size, true, TEXT, line, *width);
    }
    let stats_text = content.stats.join("  ·  ");
    let (stats, width) = text::clip(
        &stats_text,
        RIGHT - LEFT,
        STATS_SIZE,
        &fonts.measure(&stats_text, false),
    );
    card.text(LEFT, STATS_BASELINE, STATS_SIZE, false, TEXT, &stats, width);
    heatmap(&mut card, content.progress, content.until);
    let mut fallbacks: Vec<String> = [content.top, content.kicker, content.title]
        .iter()
        .flat_map(|t| fonts.fallbacks(t, true))
        .chain(fonts.fallbacks(&stats_text, false))
        .collect();
    fallbacks.sort();
    fallbacks.dedup();
    if !fallbacks.is_empty() {
        card.fallbacks = Some(crate::keys::hash(&fallbacks));
    }
    card
}

impl Layout {
    /// The card's file in the cache: named by what it draws and how.
    fn name(&self) -> String {
        format!(
            "{:016x}.png",
            crate::keys::hash(&(DRAWING, &self.ops, self.fallbacks))
        )
    }

    /// The card as SVG, for usvg: written only for a card whose text needs
    /// what only usvg draws, and in tests.
    fn svg(&self) -> String {
        let hex = |[r, g, b]: raster::Rgb| format!("#{r:02x}{g:02x}{b:02x}");
        let mut svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">"#
        );
        for op in &self.ops {
            let _ = match op {
                raster::Op::Rect {
                    rect: [left, top, right, bottom],
                    colour,
                } => write!(
                    svg,
                    r#"<rect x="{left}" y="{top}" width="{}" height="{}" fill="{}"/>"#,
                    right - left,
                    bottom - top,
                    hex(*colour)
                ),
                raster::Op::Text {
                    x,
                    baseline,
                    size,
                    bold,
                    colour,
                    line,
                } => write!(
                    svg,
                    r#"<text x="{x}" y="{baseline}" font-size="{size}" font-weight="{}" fill="{}">{}</text>"#,
                    if *bold { 700 } else { 400 },
                    hex(*colour),
                    escape(line)
                ),
            };
        }
        svg.push_str("</svg>");
        svg
    }

    fn rect(&mut self, r: Rect, fill: &str) {
        self.ops.push(raster::Op::Rect {
            rect: r.0,
            colour: rgb(fill),
        });
        self.shapes.push(r);
    }

    /// A line of text `width` ems wide with its baseline at `baseline`.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        fill: &str,
        line: &str,
        width: f32,
    ) {
        if line.is_empty() {
            return;
        }
        self.ops.push(raster::Op::Text {
            x,
            baseline,
            size,
            bold,
            colour: rgb(fill),
            line: line.to_string(),
        });
        self.text.push(Rect([
            x,
            baseline - ASCENT * size,
            x + width * size,
            baseline + DESCENT * size,
        ]));
    }
}

/// A 20-week calendar in the top right corner, one square per day, the last
/// column the week of `until`.
fn heatmap(card: &mut Layout, progress: &Progress, until: Date) {
    let last = day_number(until);
    let first = week_start(last) - (WEEKS - 1) * 7;
    for n in first..=last {
        let minutes = progress
            .days
            .get(&from_day_number(n))
            .map_or(0, |a| a.minutes);
        let (col, row) = ((n - first) / 7, (n - first) % 7);
        let left = HEAT_LEFT + col as f32 * STEP;
        let top = TOP + row as f32 * STEP;
        card.rect(
            Rect([left, top, left + CELL, top + CELL]),
            HEAT[usize::from(level(minutes))],
        );
    }
}

#[cfg(test)]
mod tests;
