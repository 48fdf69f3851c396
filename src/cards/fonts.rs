//! The cards' fonts and how wide their text is. Inter, shipped in the binary,
//! draws everything it has glyphs for; a character it lacks (CJK, emoji, most
//! scripts other than Latin, Greek and Cyrillic) is drawn with a font of the
//! machine, so a card with such text looks best where Noto Sans CJK (Debian:
//! `fonts-noto-cjk`) and an emoji font resvg can draw are installed, and depends
//! on the fonts installed where it was built.
//!
//! Colour emoji come from a COLR font (Noto Color Emoji in its COLRv1 build,
//! Twemoji) or, in black and white, from an outline font (Noto Emoji, Symbola):
//! fonts whose emoji are bitmaps only are left out, as resvg is built here
//! without raster images and would draw nothing of them.
//!
//! The machine's font folders are read once, and only when a card first needs a
//! character Inter lacks. The fallback for a character is chosen by a fixed
//! rule (colour fonts first for emoji, then the nearest weight, then the path),
//! never by the order faces were loaded in, so a card comes out the same from
//! build to build. Widths are the fonts' own advance widths; a character no font
//! has is drawn as Inter's missing-glyph box and counted as that box or one em,
//! whichever is wider.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use resvg::usvg;
use resvg::usvg::fontdb;
use skrifa::charmap::Charmap;
use skrifa::metrics::GlyphMetrics;
use skrifa::prelude::{FontRef, GlyphId, LocationRef, MetadataProvider, Size, Tag};

pub(super) const REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
pub(super) const BOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-Bold.otf");

/// The fonts a card is drawn and measured with.
pub struct Fonts {
    /// Where to look for fallback fonts; none leaves Inter alone.
    dirs: Vec<PathBuf>,
    system: OnceLock<Vec<SystemFace>>,
    /// Font files read so far, shared with every drawing that uses them.
    files: Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>,
    /// The fallback of a character in regular (false) and bold (true) text.
    chosen: Mutex<HashMap<(char, bool), Option<Fallback>>>,
    options: OnceLock<usvg::Options<'static>>,
}

#[derive(Clone, Copy)]
struct Fallback {
    /// Index into `Fonts::system`.
    face: usize,
    /// Advance width in ems.
    advance: f32,
}

/// A face among the machine's fonts and the characters it maps.
struct SystemFace {
    path: PathBuf,
    index: u32,
    weight: f32,
    colour: bool,
    /// The file's length, which changes when the font is updated.
    size: usize,
    /// Sorted, inclusive ranges of code points.
    coverage: Vec<(u32, u32)>,
}

impl SystemFace {
    fn covers(&self, c: char) -> bool {
        let c = u32::from(c);
        let i = self.coverage.partition_point(|&(_, end)| end < c);
        self.coverage.get(i).is_some_and(|&(start, _)| start <= c)
    }
}

/// A face of Inter, parsed once: measuring looks up every character of every card.
struct Face {
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    upem: f32,
    /// Whether the face has each ASCII character, and its advance: most
    /// characters of most cards, looked up without searching the font's tables.
    ascii: [(bool, Option<f32>); 128],
}

impl Face {
    fn new(data: &'static [u8]) -> Face {
        let font = FontRef::new(data).expect("the embedded Inter parses");
        let mut face = Face {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem: upem(&font),
            ascii: [(false, None); 128],
        };
        for c in 0..128u8 {
            let c = char::from(c);
            face.ascii[c as usize] = (face.charmap.map(c).is_some(), face.look_up(c));
        }
        face
    }

    fn has(&self, c: char) -> bool {
        match self.ascii.get(c as usize) {
            Some(&(has, _)) => has,
            None => self.charmap.map(c).is_some(),
        }
    }

    fn advance(&self, c: char) -> Option<f32> {
        match self.ascii.get(c as usize) {
            Some(&(_, advance)) => advance,
            None => self.look_up(c),
        }
    }

    fn look_up(&self, c: char) -> Option<f32> {
        Some(self.metrics.advance_width(self.charmap.map(c)?)? / self.upem)
    }

    /// The width of the box drawn for a character no font has.
    fn missing(&self) -> f32 {
        self.metrics.advance_width(GlyphId::new(0)).unwrap_or(0.0) / self.upem
    }
}

struct Inter {
    regular: Face,
    bold: Face,
}

fn inter() -> &'static Inter {
    static INTER: OnceLock<Inter> = OnceLock::new();
    INTER.get_or_init(|| Inter {
        regular: Face::new(REGULAR),
        bold: Face::new(BOLD),
    })
}

/// Advance width of `c` in ems in `font`, when the font maps it.
fn advance(font: &FontRef, c: char) -> Option<f32> {
    let glyph = font.charmap().map(c)?;
    let width = font
        .glyph_metrics(Size::unscaled(), LocationRef::default())
        .advance_width(glyph)?;
    Some(width / upem(font))
}

fn upem(font: &FontRef) -> f32 {
    let units = font
        .metrics(Size::unscaled(), LocationRef::default())
        .units_per_em;
    f32::from(units).max(1.0)
}

impl Fonts {
    /// Inter with the machine's fonts behind it: what builds use.
    pub fn system() -> &'static Fonts {
        static SYSTEM: OnceLock<Fonts> = OnceLock::new();
        SYSTEM.get_or_init(|| Fonts::new(system_dirs()))
    }

    /// Inter alone, as on a machine with no other fonts.
    #[cfg(test)]
    pub fn inter_only() -> &'static Fonts {
        static ALONE: OnceLock<Fonts> = OnceLock::new();
        ALONE.get_or_init(|| Fonts::new(Vec::new()))
    }

    fn new(dirs: Vec<PathBuf>) -> Fonts {
        Fonts {
            dirs,
            system: OnceLock::new(),
            files: Mutex::default(),
            chosen: Mutex::default(),
            options: OnceLock::new(),
        }
    }

    /// Width of one cluster of characters (see `text::clusters`) in ems.
    #[cfg(test)]
    pub fn width(&self, cluster: &str, bold: bool) -> f32 {
        self.measure("", bold)(cluster)
    }

    /// `text` without the characters no font can draw, which would be drawn
    /// as boxes; unless that leaves nothing, when boxes say more than a blank.
    pub fn drawable(&self, text: &str, bold: bool) -> String {
        let inter = inter();
        let face = if bold { &inter.bold } else { &inter.regular };
        let kept: String = text
            .chars()
            .filter(|&c| face.has(c) || self.fallback(c, bold).is_some())
            .collect();
        if kept.trim().is_empty() && !text.trim().is_empty() {
            text.to_string()
        } else {
            kept
        }
    }

    /// Measures the clusters of `text` in ems. When a line has a character
    /// Inter lacks and the fallback for it has every other character of the
    /// line too, usvg draws the whole line with the fallback, so a character
    /// Inter has counts as the widest of Inter and the fallbacks `text` uses.
    pub fn measure<'a>(&'a self, text: &str, bold: bool) -> impl Fn(&str) -> f32 + 'a {
        let inter = inter();
        let face = if bold { &inter.bold } else { &inter.regular };
        let used = self.used(text, bold);
        move |cluster: &str| {
            cluster
                .chars()
                .map(|c| self.char_width(face, c, bold, &used))
                .sum()
        }
    }

    /// The fallback faces `text` is drawn with, in order.
    fn used(&self, text: &str, bold: bool) -> Vec<usize> {
        let inter = inter();
        let face = if bold { &inter.bold } else { &inter.regular };
        let mut used: Vec<usize> = text
            .chars()
            .filter(|&c| !face.has(c))
            .filter_map(|c| self.fallback(c, bold))
            .map(|f| f.face)
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// Names the fallback faces `text` is drawn with, for the card's cache key:
    /// the same SVG drawn after fonts were installed or updated is a new card.
    pub fn fallbacks(&self, text: &str, bold: bool) -> Vec<String> {
        // Looking for the faces is what reads the machine's fonts the first time.
        let used = self.used(text, bold);
        let system = self.system.get().map_or(&[][..], Vec::as_slice);
        (used.into_iter())
            .filter_map(|i| system.get(i))
            .map(|f| format!("{}#{}:{}", f.path.display(), f.index, f.size))
            .collect()
    }

    fn char_width(&self, face: &Face, c: char, bold: bool, used: &[usize]) -> f32 {
        if let Some(width) = face.advance(c) {
            let system = self.system.get().map_or(&[][..], Vec::as_slice);
            return used
                .iter()
                .filter_map(|&i| {
                    let data = self.file(&system.get(i)?.path)?;
                    advance(&FontRef::from_index(&data, system[i].index).ok()?, c)
                })
                .fold(width, f32::max);
        }
        // No font has it: usvg draws Inter's missing-glyph box.
        self.fallback(c, bold)
            .map_or_else(|| face.missing().max(1.0), |f| f.advance)
    }

    /// The face of the machine that draws `c` when Inter cannot.
    fn fallback(&self, c: char, bold: bool) -> Option<Fallback> {
        let mut chosen = self.chosen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = chosen.get(&(c, bold)) {
            return *known;
        }
        let system = self.system.get_or_init(|| scan(&self.dirs));
        let wanted = if bold { 700.0 } else { 400.0 };
        let emoji = is_emoji(c);
        let best = system
            .iter()
            .enumerate()
            .filter(|(_, f)| f.covers(c))
            // Faces are sorted by path and index, so ties go to the first.
            .min_by(|(_, a), (_, b)| {
                let key = |f: &SystemFace| (emoji && !f.colour, (f.weight - wanted).abs());
                let (ka, kb) = (key(a), key(b));
                ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
            })
            .map(|(i, _)| i);
        let fallback = best.and_then(|face| {
            let data = self.file(&system[face].path)?;
            let font = FontRef::from_index(&data, system[face].index).ok()?;
            Some(Fallback {
                face,
                advance: advance(&font, c)?,
            })
        });
        chosen.insert((c, bold), fallback);
        fallback
    }

    /// The machine's face that draws `c` when Inter cannot, for drawing from
    /// outlines: its number among the machine's faces, its file and its index in
    /// the file. `None` when no face has `c`, or the one chosen draws in colour,
    /// which only the SVG path does.
    pub(super) fn outline_fallback(
        &self,
        c: char,
        bold: bool,
    ) -> Option<(usize, Arc<Vec<u8>>, u32)> {
        let chosen = self.fallback(c, bold)?;
        let face = self.system.get()?.get(chosen.face)?;
        if face.colour {
            return None;
        }
        Some((chosen.face, self.file(&face.path)?, face.index))
    }

    fn file(&self, path: &Path) -> Option<Arc<Vec<u8>>> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(data) = files.get(path) {
            return Some(data.clone());
        }
        let data = Arc::new(std::fs::read(path).ok()?);
        files.insert(path.to_path_buf(), data.clone());
        Some(data)
    }

    /// Options for drawing a card: Inter by default, the chosen fallback faces
    /// loaded into a drawing's own font database as its text needs them.
    pub fn options(&'static self) -> &'static usvg::Options<'static> {
        self.options.get_or_init(|| {
            let mut db = fontdb::Database::new();
            for data in [REGULAR, BOLD] {
                db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            }
            let select_fallback: usvg::FallbackSelectionFn<'static> =
                Box::new(move |c, used, db| self.select(c, used, db));
            usvg::Options {
                font_family: "Inter".to_string(),
                fontdb: Arc::new(db),
                font_resolver: usvg::FontResolver {
                    select_font: usvg::FontResolver::default_font_selector(),
                    select_fallback,
                },
                ..usvg::Options::default()
            }
        })
    }

    fn select(
        &self,
        c: char,
        used: &[fontdb::ID],
        db: &mut Arc<fontdb::Database>,
    ) -> Option<fontdb::ID> {
        let bold = db.face(*used.first()?)?.weight.0 >= 600;
        let fallback = self.fallback(c, bold)?;
        let face = &self.system.get()?[fallback.face];
        let data = self.file(&face.path)?;
        let same = |info: &fontdb::FaceInfo| {
            info.index == face.index
                && matches!(&info.source, fontdb::Source::Binary(b)
                    if (**b).as_ref().as_ptr() == data.as_ptr())
        };
        let found = db.faces().find(|info| same(info)).map(|info| info.id);
        let id = match found {
            Some(id) => id,
            None => {
                let ids = Arc::make_mut(db).load_font_source(fontdb::Source::Binary(data.clone()));
                ids.into_iter().find(|id| db.face(*id).is_some_and(same))?
            }
        };
        (!used.contains(&id)).then_some(id)
    }
}

/// Emoji that are drawn as pictures by default, wanting a colour font.
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Where fonts are installed, as fontconfig's defaults and the other systems have it.
fn system_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        dirs.extend(["/System/Library/Fonts", "/Library/Fonts"].map(PathBuf::from));
        dirs.extend(home.map(|h| h.join("Library/Fonts")));
    } else if cfg!(windows) {
        let root = std::env::var_os("SYSTEMROOT").map_or("C:\\Windows".into(), PathBuf::from);
        dirs.push(root.join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join("Microsoft\\Windows\\Fonts"));
        }
    } else {
        dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
        dirs.extend(data.map(|d| d.join("fonts")));
        dirs.extend(home.map(|h| h.join(".fonts")));
    }
    dirs
}

/// Every face in `dirs` with what it covers, in the order of their paths.
fn scan(dirs: &[PathBuf]) -> Vec<SystemFace> {
    let mut paths: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(d).follow_links(true))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str())
            })
        })
        .collect();
    paths.sort();
    paths.dedup();
    let mut faces = Vec::new();
    for path in paths {
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        let Ok(file) = skrifa::raw::FileRef::new(&data) else {
            continue;
        };
        for (index, font) in (0..).zip(file.fonts()) {
            let Ok(font) = font else { continue };
            let mut coverage: Vec<(u32, u32)> = Vec::new();
            for (c, _) in font.charmap().mappings() {
                match coverage.last_mut() {
                    Some((_, end)) if *end + 1 == c => *end = c,
                    _ => coverage.push((c, c)),
                }
            }
            coverage.sort_unstable();
            let has = |tag: &[u8; 4]| font.table_data(Tag::new(tag)).is_some();
            // resvg is built without raster images, so it draws nothing of a
            // font whose glyphs are pictures only (Noto Color Emoji as Debian
            // ships it): such a face is no fallback.
            if (has(b"CBDT") || has(b"sbix")) && !has(b"COLR") && !has(b"glyf") && !has(b"CFF ") {
                continue;
            }
            let colour = has(b"COLR");
            faces.push(SystemFace {
                path: path.clone(),
                index,
                weight: font.attributes().weight.value(),
                colour,
                size: data.len(),
                coverage,
            });
        }
    }
    faces
}
