//! Draws a card without going through SVG: its rectangles straight into an
//! image of palette indices, its text as glyphs shaped with harfrust (as usvg
//! shapes them) and rasterised once per glyph, size and quarter-pixel offset,
//! then stamped wherever that glyph comes back. A card is a few flat colours
//! and text on one background, so every pixel is the background, a flat
//! colour or a text colour at one of [`LEVELS`] coverages, and the PNG is a
//! palette image a third the size of RGB to compress.
//!
//! Drawing this way costs a fraction of parsing and rendering the card's SVG,
//! which is written from the same drawing only for usvg: for the text this
//! module leaves to it, and as the reference a test holds these pixels to.
//! Characters Inter lacks (CJK, other scripts) are shaped and drawn with the
//! machine's font that the SVG path would choose, replacing glyphs as usvg
//! does; text no outline font draws (colour emoji, or characters no font has)
//! is left to the SVG path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use harfrust::{ShapeOptions, ShapePlan, ShapePlanKey, Shaper, ShaperData, UnicodeBuffer};
use resvg::tiny_skia::{FillRule, Mask, PathBuilder, Transform};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::prelude::{FontRef, LocationRef, MetadataProvider, Size};

use super::fonts::{BOLD, Fonts, REGULAR};
use super::{HEIGHT, WIDTH};

/// Coverage steps of text: 32 are as smooth as 256 to the eye at the cards'
/// sizes, and keep every colour of a card within one palette.
pub const LEVELS: u8 = 32;
/// Quarter-pixel glyph positions.
const PHASES: f32 = 4.0;

/// A colour of the card, `[r, g, b]`.
pub type Rgb = [u8; 3];

/// What to draw, in order; rectangles on whole pixels.
#[derive(Debug)]
pub enum Op {
    Rect {
        rect: [f32; 4],
        colour: Rgb,
    },
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        line: String,
    },
}

/// Hashed as the numbers it draws with, exactly: it names the card it draws.
impl std::hash::Hash for Op {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            Op::Rect { rect, colour } => {
                0u8.hash(h);
                rect.map(f32::to_bits).hash(h);
                colour.hash(h);
            }
            Op::Text {
                x,
                baseline,
                size,
                bold,
                colour,
                line,
            } => {
                1u8.hash(h);
                [x, baseline, size].map(|v| v.to_bits()).hash(h);
                (bold, colour, line).hash(h);
            }
        }
    }
}

/// Rasterised glyphs, kept for every card of a build (and of the next, under
/// `serve`): a portfolio's cards share most of their glyphs.
#[derive(Default)]
pub struct Glyphs {
    /// `None` for a glyph that draws nothing (a space): every card has a
    /// dozen, and finding that out reads the face's outlines again.
    masks: Mutex<HashMap<GlyphKey, Option<Arc<GlyphMask>>>>,
    /// The machine's faces used so far, by their number among its faces.
    fallbacks: Mutex<HashMap<usize, Arc<Fallback>>>,
    /// The shaping plans made so far, by [`LineFace::id`]: making one costs a
    /// quarter of shaping a card's line, and a build shapes thousands with a
    /// handful of plans.
    plans: Mutex<HashMap<u32, Vec<Arc<ShapePlan>>>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    /// [`LineFace::id`] of the glyph's face.
    face: u32,
    glyph: u32,
    size: u32,
    phase: (u8, u8),
}

struct GlyphMask {
    /// Offset of the mask's top left from the glyph's whole-pixel origin.
    left: i32,
    top: i32,
    width: usize,
    height: usize,
    /// Each pixel's coverage as one of [`LEVELS`] steps, 0 for none.
    steps: Vec<u8>,
}

struct Face {
    data: &'static [u8],
    shaper: ShaperData,
}

/// One of the machine's faces, for characters Inter lacks.
struct Fallback {
    data: Arc<Vec<u8>>,
    index: u32,
    shaper: ShaperData,
}

/// A face a line is shaped and drawn with.
#[derive(Clone)]
enum LineFace {
    /// Inter, bold or not.
    Inter(bool),
    /// The machine's face with this number.
    Machine(usize, Arc<Fallback>),
}

impl LineFace {
    /// Names the face in glyph keys: Inter regular 0, bold 1, machine faces after.
    fn id(&self) -> u32 {
        match self {
            LineFace::Inter(bold) => u32::from(*bold),
            LineFace::Machine(number, _) => *number as u32 + 2,
        }
    }

    fn data(&self) -> &[u8] {
        match self {
            LineFace::Inter(bold) => faces()[usize::from(*bold)].data,
            LineFace::Machine(_, face) => &face.data,
        }
    }

    fn index(&self) -> u32 {
        match self {
            LineFace::Inter(_) => 0,
            LineFace::Machine(_, face) => face.index,
        }
    }

    fn shaper(&self) -> &ShaperData {
        match self {
            LineFace::Inter(bold) => &faces()[usize::from(*bold)].shaper,
            LineFace::Machine(_, face) => &face.shaper,
        }
    }

    fn font(&self) -> Option<FontRef<'_>> {
        FontRef::from_index(self.data(), self.index()).ok()
    }
}

/// A line of text shaped, with the faces its glyphs come from.
struct Line {
    faces: Vec<LineFace>,
    placed: Vec<Placed>,
}

/// A glyph as shaping placed it, in its face's units.
#[derive(Clone, Copy)]
struct Placed {
    /// Which of the line's faces draws it.
    face: usize,
    glyph: u32,
    cluster: u32,
    advance: i32,
    offset: (i32, i32),
}

fn faces() -> &'static [Face; 2] {
    static FACES: OnceLock<[Face; 2]> = OnceLock::new();
    FACES.get_or_init(|| {
        [REGULAR, BOLD].map(|data| {
            let font = FontRef::new(data).expect("the embedded Inter parses");
            Face {
                data,
                shaper: ShaperData::new(&font),
            }
        })
    })
}

/// An image of palette indices and its palette.
struct Canvas {
    pixels: Vec<u8>,
    palette: Vec<Rgb>,
    /// The first palette index of each text colour's coverage steps.
    inks: Vec<(Rgb, u8)>,
    background: Rgb,
}

/// What the cards of one build share as they are drawn.
#[derive(Default)]
pub struct Shared {
    glyphs: Glyphs,
    canvases: Canvases,
}

impl Shared {
    /// Frees the spare pixels, one card's per thread that drew, once a
    /// build's cards are drawn: `serve` keeps the glyphs from one rebuild to
    /// the next, and most rebuilds draw no card.
    pub fn free_canvases(&self) {
        if let Ok(mut spare) = self.canvases.spare.lock() {
            *spare = Vec::new();
        }
    }
}

/// The pixels of cards already encoded, for the cards drawn after them. A
/// card's pixels are 750 KB: allocated afresh for each of thousands of cards,
/// they are pages the system must map and zero each time (with some
/// allocators, every time), where a buffer used before is already in the
/// cache.
#[derive(Default)]
struct Canvases {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Canvases {
    fn take(&self) -> Vec<u8> {
        let spare = self.spare.lock().ok().and_then(|mut s| s.pop());
        match spare {
            Some(mut pixels) => {
                pixels.fill(0);
                pixels
            }
            None => vec![0; (WIDTH * HEIGHT) as usize],
        }
    }

    fn give_back(&self, pixels: Vec<u8>) {
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(pixels);
        }
    }
}

impl Canvas {
    fn new(background: Rgb, pixels: Vec<u8>) -> Canvas {
        Canvas {
            pixels,
            palette: vec![background],
            inks: Vec::new(),
            background,
        }
    }

    fn flat(&mut self, colour: Rgb) -> Option<u8> {
        if let Some(i) = self.palette.iter().position(|c| *c == colour) {
            return u8::try_from(i).ok();
        }
        self.palette.push(colour);
        u8::try_from(self.palette.len() - 1).ok()
    }

    /// The palette index of coverage step 1 of `colour`; step `s` is `base + s - 1`.
    fn ink(&mut self, colour: Rgb) -> Option<u8> {
        if let Some((_, base)) = self.inks.iter().find(|(c, _)| *c == colour) {
            return Some(*base);
        }
        let base = u8::try_from(self.palette.len()).ok()?;
        if self.palette.len() + usize::from(LEVELS) - 1 > 256 {
            return None;
        }
        for step in 1..LEVELS {
            let t = f32::from(step) / f32::from(LEVELS - 1);
            let mix = |i: usize| {
                let (b, c) = (f32::from(self.background[i]), f32::from(colour[i]));
                (b + (c - b) * t).round() as u8
            };
            self.palette.push([mix(0), mix(1), mix(2)]);
        }
        self.inks.push((colour, base));
        Some(base)
    }

    fn rect(&mut self, [left, top, right, bottom]: [f32; 4], index: u8) -> Option<()> {
        let whole = |v: f32| (v.fract() == 0.0).then_some(v as i64);
        let (l, t, r, b) = (whole(left)?, whole(top)?, whole(right)?, whole(bottom)?);
        let clamp = |v: i64, max: u32| v.clamp(0, i64::from(max)) as usize;
        let (l, r) = (clamp(l, WIDTH), clamp(r, WIDTH));
        for y in clamp(t, HEIGHT)..clamp(b, HEIGHT) {
            let row = y * WIDTH as usize;
            self.pixels[row + l..row + r].fill(index);
        }
        Some(())
    }

    /// Stamps a glyph's coverage in the ink whose steps start at `base`. Where
    /// glyphs of one line overlap, the stronger coverage stays.
    fn stamp(&mut self, mask: &GlyphMask, x: i32, y: i32, base: u8) {
        let (left, top) = (x + mask.left, y + mask.top);
        // The part of the mask on the card.
        let clip = |at: i32, len: usize, max: u32| {
            let from = (-at).clamp(0, len as i32) as usize;
            let to = (i64::from(max) - i64::from(at)).clamp(0, len as i64) as usize;
            from..to.max(from)
        };
        let cols = clip(left, mask.width, WIDTH);
        for row in clip(top, mask.height, HEIGHT) {
            let steps = &mask.steps[row * mask.width..][cols.clone()];
            let start =
                (top + row as i32) as usize * WIDTH as usize + (left + cols.start as i32) as usize;
            let pixels = &mut self.pixels[start..start + steps.len()];
            // Without branches, so the compiler works on many pixels at once:
            // a glyph's edges would make every branch a guess.
            for (pixel, &step) in pixels.iter_mut().zip(steps) {
                let index = base.wrapping_add(step).wrapping_sub(1);
                let now = *pixel;
                let stronger = (now == 0) | ((now >= base) & (now < index));
                *pixel = if (step != 0) & stronger { index } else { now };
            }
        }
    }
}

/// The card as a PNG, or `None` when it needs what only the SVG path draws.
pub fn draw(ops: &[Op], background: Rgb, shared: &Shared, fonts: &Fonts) -> Option<Vec<u8>> {
    let mut canvas = Canvas::new(background, shared.canvases.take());
    let png = paint(&mut canvas, ops, &shared.glyphs, fonts)
        .and_then(|()| super::palette_png(&canvas.pixels, WIDTH, &canvas.palette.concat()));
    shared.canvases.give_back(canvas.pixels);
    png
}

fn paint(canvas: &mut Canvas, ops: &[Op], glyphs: &Glyphs, fonts: &Fonts) -> Option<()> {
    for op in ops {
        match op {
            Op::Rect { rect, colour } => {
                let index = canvas.flat(*colour)?;
                canvas.rect(*rect, index)?;
            }
            Op::Text {
                x,
                baseline,
                size,
                bold,
                colour,
                line,
            } => {
                let base = canvas.ink(*colour)?;
                let at = (*x, *baseline);
                let line = shape(glyphs, fonts, *bold, line)?;
                text(canvas, glyphs, &line, at, *size, base)?;
            }
        }
    }
    Some(())
}

/// A line shaped as usvg shapes it: with Inter, then, while a glyph is
/// missing, again with the machine's face for the first missing character,
/// which takes the whole line when it has every character of it, or else
/// fills in the glyphs still missing. `None` when a glyph stays missing.
fn shape(glyphs: &Glyphs, fonts: &Fonts, bold: bool, text: &str) -> Option<Line> {
    let mut line = Line {
        faces: vec![LineFace::Inter(bold)],
        placed: Vec::new(),
    };
    line.placed = shape_with(glyphs, &line.faces[0], 0, text)?;
    while let Some(missing) = line.placed.iter().find(|g| g.glyph == 0) {
        let c = text.get(missing.cluster as usize..)?.chars().next()?;
        let face = glyphs.fallback(fonts, c, bold)?;
        // usvg tries each face once and leaves what is still missing as boxes.
        if line.faces.iter().any(|f| f.id() == face.id()) {
            return None;
        }
        let again = shape_with(glyphs, &face, line.faces.len(), text)?;
        line.faces.push(face);
        if again.iter().all(|g| g.glyph != 0) {
            line.placed = again;
            break;
        }
        if again.len() != line.placed.len() {
            return None;
        }
        for (now, other) in line.placed.iter_mut().zip(again) {
            if now.glyph == 0 && other.glyph != 0 {
                *now = other;
            }
        }
    }
    Some(line)
}

/// `text` shaped with one face, its glyphs marked as the line's face `slot`.
fn shape_with(glyphs: &Glyphs, face: &LineFace, slot: usize, text: &str) -> Option<Vec<Placed>> {
    let font = face.font()?;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaper = face.shaper().shaper(&font).build();
    let plan = glyphs.plan(face.id(), &shaper, &buffer)?;
    let shaped = shaper.shape(buffer, ShapeOptions::new().plan(Some(&plan)));
    let placed = (shaped.glyph_infos().iter())
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| Placed {
            face: slot,
            glyph: info.glyph_id,
            cluster: info.cluster,
            advance: pos.x_advance,
            offset: (pos.x_offset, pos.y_offset),
        })
        .collect();
    Some(placed)
}

fn text(
    canvas: &mut Canvas,
    glyphs: &Glyphs,
    line: &Line,
    (x, baseline): (f32, f32),
    size: f32,
    base: u8,
) -> Option<()> {
    // Each glyph is scaled by its own face's units, as usvg places them.
    let scales = (line.faces.iter())
        .map(|face| {
            let upem = (face.font()?)
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em;
            Some(size / f32::from(upem.max(1)))
        })
        .collect::<Option<Vec<f32>>>()?;
    let mut pen_x = x;
    for glyph in &line.placed {
        let (face, scale) = (&line.faces[glyph.face], scales[glyph.face]);
        let gx = pen_x + glyph.offset.0 as f32 * scale;
        let gy = baseline - glyph.offset.1 as f32 * scale;
        let (ix, fx) = split(gx);
        let (iy, fy) = split(gy);
        let key = GlyphKey {
            face: face.id(),
            glyph: glyph.glyph,
            size: size.to_bits(),
            phase: (fx, fy),
        };
        if let Some(mask) = glyphs.mask(key, face)? {
            canvas.stamp(&mask, ix, iy, base);
        }
        pen_x += glyph.advance as f32 * scale;
    }
    Some(())
}

/// A position as whole pixels and quarter pixels.
fn split(v: f32) -> (i32, u8) {
    let quarters = (v * PHASES).round() as i32;
    (
        quarters.div_euclid(PHASES as i32),
        quarters.rem_euclid(PHASES as i32) as u8,
    )
}

impl Glyphs {
    /// The glyph's mask; `Some(None)` for a glyph that draws nothing (a space).
    fn mask(&self, key: GlyphKey, face: &LineFace) -> Option<Option<Arc<GlyphMask>>> {
        if let Some(m) = self.masks.lock().ok()?.get(&key) {
            return Some(m.clone());
        }
        let mask = rasterise(key, face).map(Arc::new);
        self.masks.lock().ok()?.insert(key, mask.clone());
        Some(mask)
    }

    /// The plan for shaping `buffer` with `shaper`, of the face numbered
    /// `face` ([`LineFace::id`]), made the first time a buffer of its
    /// direction, script and language comes.
    fn plan(&self, face: u32, shaper: &Shaper, buffer: &UnicodeBuffer) -> Option<Arc<ShapePlan>> {
        let (direction, language) = (buffer.direction(), buffer.language());
        // Text of no script (digits and marks) leaves the buffer's unset, which
        // the buffer reports as unknown; guessing never sets it to unknown.
        let script = Some(buffer.script()).filter(|s| *s != harfrust::script::UNKNOWN);
        let wanted = ShapePlanKey::new(script, direction).language(language.as_ref());
        let mut plans = self.plans.lock().ok()?;
        let known = plans.entry(face).or_default();
        if let Some(plan) = known.iter().find(|p| wanted.matches(p)) {
            return Some(Arc::clone(plan));
        }
        let plan = Arc::new(ShapePlan::new(
            shaper,
            direction,
            script,
            language.as_ref(),
            &[],
        ));
        known.push(Arc::clone(&plan));
        Some(plan)
    }

    /// The machine's face for `c`, read and made ready to shape once per build.
    fn fallback(&self, fonts: &Fonts, c: char, bold: bool) -> Option<LineFace> {
        let (number, data, index) = fonts.outline_fallback(c, bold)?;
        let mut known = self.fallbacks.lock().ok()?;
        if let Some(face) = known.get(&number) {
            return Some(LineFace::Machine(number, Arc::clone(face)));
        }
        let shaper = ShaperData::new(&FontRef::from_index(&data, index).ok()?);
        let face = Arc::new(Fallback {
            data,
            index,
            shaper,
        });
        known.insert(number, Arc::clone(&face));
        Some(LineFace::Machine(number, face))
    }
}

/// Collects a glyph's outline as a tiny-skia path, in pixels, y down.
struct Pen(PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, -y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, -y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, -cy0, x, -y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, -cy0, cx1, -cy1, x, -y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

fn rasterise(key: GlyphKey, face: &LineFace) -> Option<GlyphMask> {
    let font = face.font()?;
    let outline = font.outline_glyphs().get(key.glyph.into())?;
    // In font units, scaled as the path is filled: as resvg draws text.
    let mut pen = Pen(PathBuilder::new());
    outline
        .draw(
            DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
            &mut pen,
        )
        .ok()?;
    let path = pen.0.finish()?;
    let upem = font
        .metrics(Size::unscaled(), LocationRef::default())
        .units_per_em;
    let scale = f32::from_bits(key.size) / f32::from(upem.max(1));
    let (dx, dy) = (
        f32::from(key.phase.0) / PHASES,
        f32::from(key.phase.1) / PHASES,
    );
    let bounds = path.bounds();
    let left = (bounds.left() * scale + dx).floor() as i32 - 1;
    let top = (bounds.top() * scale + dy).floor() as i32 - 1;
    let width = ((bounds.right() * scale + dx).ceil() as i32 + 1 - left).max(1) as u32;
    let height = ((bounds.bottom() * scale + dy).ceil() as i32 + 1 - top).max(1) as u32;
    let mut mask = Mask::new(width, height)?;
    let to_mask = Transform::from_row(scale, 0.0, 0.0, scale, dx - left as f32, dy - top as f32);
    mask.fill_path(&path, FillRule::Winding, true, to_mask);
    Some(GlyphMask {
        left,
        top,
        width: width as usize,
        height: height as usize,
        steps: (mask.data().iter())
            .map(|&a| ((u16::from(a) * u16::from(LEVELS - 1) + 127) / 255) as u8)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan is made for the script it shapes: Greek after Latin gets its own,
    /// and every line comes out as it does with no plan made before it.
    #[test]
    fn each_script_is_shaped_with_a_plan_of_its_own() {
        let fonts = Fonts::inter_only();
        let glyphs = Glyphs::default();
        let lines = ["Revisiting kick", "Ελληνικά μαθήματα", "Wavy AVATAR, 12 fl"];
        for text in lines {
            let warm = shape(&glyphs, fonts, false, text).expect("Inter has these");
            let fresh = shape(&Glyphs::default(), fonts, false, text).expect("Inter has these");
            let glyph_ids = |line: &Line| {
                line.placed
                    .iter()
                    .map(|g| (g.glyph, g.advance))
                    .collect::<Vec<_>>()
            };
            assert_eq!(glyph_ids(&warm), glyph_ids(&fresh), "{text}");
        }
        let plans = glyphs.plans.lock().unwrap();
        let scripts: Vec<_> = plans[&LineFace::Inter(false).id()]
            .iter()
            .map(|p| p.script())
            .collect();
        assert_eq!(
            scripts,
            [Some(harfrust::script::LATIN), Some(harfrust::script::GREEK)]
        );
    }

    /// A card drawn on the pixels of the card before it comes out as it does
    /// on fresh ones: nothing of the first card is left in the second.
    #[test]
    fn a_card_on_reused_pixels_is_drawn_as_on_fresh_ones() {
        let fonts = Fonts::inter_only();
        let background = [0xfb, 0xfa, 0xf7];
        let first = [
            Op::Rect {
                rect: [0.0, 0.0, 600.0, 630.0],
                colour: [0x1f, 0x3a, 0x5f],
            },
            Op::Text {
                x: 48.0,
                baseline: 200.0,
                size: 64.0,
                bold: true,
                colour: [0xc0, 0x39, 0x2b],
                line: "Origami crane".to_string(),
            },
        ];
        let second = [Op::Text {
            x: 640.0,
            baseline: 420.0,
            size: 32.0,
            bold: false,
            colour: [0x22, 0x22, 0x22],
            line: "A perfect omelette".to_string(),
        }];
        let shared = Shared::default();
        draw(&first, background, &shared, fonts).expect("Inter has these");
        let reused = draw(&second, background, &shared, fonts).expect("Inter has these");
        assert_eq!(shared.canvases.spare.lock().unwrap().len(), 1);
        let fresh = draw(&second, background, &Shared::default(), fonts).expect("Inter has these");
        assert!(reused == fresh, "the second card shows some of the first");
        shared.free_canvases();
        assert!(shared.canvases.spare.lock().unwrap().is_empty());
    }
}
