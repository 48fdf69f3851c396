//! Preview cards for shared links: a 1200x630 PNG per skill and per payoff, drawn
//! from an SVG layout (title, field, hours, streak and a small practice calendar)
//! with resvg and the Inter font shipped in the binary, so a card looks the same
//! wherever it is built. Pages without a photo of their own use their card as
//! `og:image`. Cards are cached by the SVG they come from.

use std::collections::HashSet;
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jiff::civil::Date;
use rayon::prelude::*;
use resvg::{tiny_skia, usvg};

use crate::charts::level;
use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::html::escape;
use crate::output::{Contents, OutputFile};
use crate::progress::{Progress, day_number, from_day_number, hours, week_start};
use crate::site::{Entry, Site, Skill};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const FONTS: [&[u8]; 2] = [
    include_bytes!("../assets/fonts/Inter-Regular.otf"),
    include_bytes!("../assets/fonts/Inter-Bold.otf"),
];

/// Where a skill's card is published, relative to the output root.
pub fn skill_path(skill: &Skill) -> String {
    format!("cards/{}.png", skill.slug)
}

/// Where a payoff's card is published.
pub fn entry_path(skill: &Skill, entry: &Entry) -> String {
    format!("cards/{}/{}.png", skill.slug, entry.slug)
}

/// Whether an entry gets a card of its own: payoffs that have happened.
pub fn has_own_card(entry: &Entry, today: Date) -> bool {
    entry.kind == Kind::Payoff && entry.date.date <= today
}

/// The card an entry's page shares: its own, else its skill's.
pub fn entry_card(skill: &Skill, entry: &Entry, today: Date) -> String {
    if has_own_card(entry, today) {
        entry_path(skill, entry)
    } else {
        skill_path(skill)
    }
}

/// Draws cards, keeping them in `<cache>/cards/` when there is a cache folder.
pub struct CardMaker {
    dir: Option<PathBuf>,
    options: OnceLock<usvg::Options<'static>>,
    used: Mutex<HashSet<String>>,
    /// Name the cards without drawing them, for `check`, which writes nothing
    /// and only needs to know which files a build would write.
    paths_only: bool,
}

impl CardMaker {
    pub fn new(cache_dir: Option<&Path>) -> CardMaker {
        CardMaker {
            dir: cache_dir.map(|d| d.join("cards")),
            options: OnceLock::new(),
            used: Mutex::default(),
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

    /// Every card of the site: one per skill and one per published payoff.
    /// Cards are handed to `emit` as they are drawn, so they are never all in
    /// memory at once.
    pub fn render(
        &self,
        site: &Site,
        emit: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
    ) -> Result<(), Diagnostic> {
        if !site.config.social_cards {
            return Ok(());
        }
        let mut layouts = Vec::new();
        for skill in &site.skills {
            layouts.push((skill_path(skill), skill_svg(site, skill)));
            for entry in &skill.entries {
                if has_own_card(entry, site.today) {
                    layouts.push((entry_path(skill, entry), payoff_svg(site, skill, entry)));
                }
            }
        }
        if self.paths_only {
            return layouts.into_iter().try_for_each(|(path, _)| {
                emit(OutputFile {
                    path,
                    contents: Contents::Bytes(Arc::from(&[][..])),
                    key: None,
                })
            });
        }
        layouts.into_par_iter().try_for_each(|(path, svg)| {
            let contents = self.card(&svg).map_err(|e| {
                Diagnostic::error(format!("could not draw the preview card {path}: {e}")).hint(
                    "set `social_cards = false` in site.toml to build without cards, and report this",
                )
            })?;
            emit(OutputFile {
                path,
                contents,
                key: None,
            })
        })
    }

    /// Removes cached cards no card of this build used.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    fn card(&self, svg: &str) -> Result<Contents, String> {
        let name = format!("{:016x}.png", crate::keys::hash(svg));
        if let Some(dir) = &self.dir {
            if let Ok(mut used) = self.used.lock() {
                used.insert(name.clone());
            }
            let path = dir.join(&name);
            if path.is_file() {
                return Ok(Contents::Copy(path));
            }
            let png = self.draw(svg)?;
            // Written under a temporary name, so a card is either whole or absent.
            let temp = dir.join(format!("{name}.{}.tmp", std::process::id()));
            let stored = fs::create_dir_all(dir)
                .and_then(|()| fs::write(&temp, &png))
                .and_then(|()| fs::rename(&temp, &path));
            return Ok(match stored {
                Ok(()) => Contents::Copy(path),
                Err(_) => {
                    // A full disk must not keep the piece that was written.
                    let _ = fs::remove_file(&temp);
                    Contents::Bytes(png.into())
                }
            });
        }
        Ok(Contents::Bytes(self.draw(svg)?.into()))
    }

    fn draw(&self, svg: &str) -> Result<Vec<u8>, String> {
        let options = self.options.get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            for font in FONTS {
                db.load_font_data(font.to_vec());
            }
            usvg::Options {
                font_family: "Inter".to_string(),
                fontdb: Arc::new(db),
                ..usvg::Options::default()
            }
        });
        let tree = usvg::Tree::from_str(svg, options).map_err(|e| e.to_string())?;
        let mut pixmap =
            tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("could not allocate the card")?;
        pixmap.fill(tiny_skia::Color::from_rgba8(0xfb, 0xfa, 0xf7, 0xff));
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        encode_png(&pixmap)
    }
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

const TEXT: &str = "#1d1f21";
const MUTED: &str = "#5b6168";
const ACCENT: &str = "#9a3412";
const HEAT: [&str; 5] = ["#ece8df", "#f6cfae", "#eb9a63", "#c2571d", "#7c2d12"];

fn skill_svg(site: &Site, skill: &Skill) -> String {
    let totals = &skill.progress.totals;
    let kicker = skill
        .field
        .as_ref()
        .map_or("Skill".to_string(), |f| f.name.clone());
    let streak = if totals.current_streak > 0 {
        format!("{}-day streak", totals.current_streak)
    } else {
        format!("longest streak {} days", totals.longest_streak)
    };
    let stats = [
        format!("{} hours", totals.hours),
        format!(
            "{} session{}",
            totals.sessions,
            if totals.sessions == 1 { "" } else { "s" }
        ),
        streak,
    ];
    layout(
        &site.config.title,
        &kicker,
        &skill.title,
        &stats,
        &skill.progress,
        site.today,
    )
}

fn payoff_svg(site: &Site, skill: &Skill, entry: &Entry) -> String {
    let kicker = format!("Payoff · {}", skill.title);
    let mut stats = vec![entry.date.date.strftime("%-d %B %Y").to_string()];
    if entry.minutes > 0 {
        stats.push(format!("{} min", entry.minutes));
    }
    // Hours up to the payoff, as its calendar shows, not the skill's total today.
    let minutes: u64 = skill
        .entries
        .iter()
        .filter(|e| e.date.date <= entry.date.date)
        .map(|e| u64::from(e.minutes))
        .sum();
    stats.push(format!("{} hours practised by then", hours(minutes)));
    layout(
        &site.config.title,
        &kicker,
        &entry.title,
        &stats,
        &skill.progress,
        entry.date.date,
    )
}

/// The card: site name, a kicker line, the title over up to three lines, a row
/// of figures and the last 20 weeks of practice up to `until`.
fn layout(
    site_title: &str,
    kicker: &str,
    title: &str,
    stats: &[String],
    progress: &Progress,
    until: Date,
) -> String {
    let mut svg = String::with_capacity(8 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"><rect width="16" height="{HEIGHT}" fill="{ACCENT}"/>"#
    );
    let _ = write!(
        svg,
        r#"<text x="80" y="96" font-size="30" font-weight="700" fill="{MUTED}">{}</text>"#,
        escape(&clip(site_title, 34))
    );
    let _ = write!(
        svg,
        r#"<text x="80" y="168" font-size="32" font-weight="700" fill="{ACCENT}">{}</text>"#,
        escape(&clip(kicker, 34))
    );
    let lines = wrap(title, 26, 3);
    let size = if lines.len() > 2 { 60 } else { 72 };
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="80" y="{}" font-size="{size}" font-weight="700" fill="{TEXT}">{}</text>"#,
            250 + i * (size as usize + 12),
            escape(line)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="80" y="560" font-size="30" fill="{TEXT}">{}</text>"#,
        escape(&stats.join("  ·  "))
    );
    heatmap(&mut svg, progress, until);
    svg.push_str("</svg>");
    svg
}

/// A 20-week calendar in the top right corner, one square per day.
fn heatmap(svg: &mut String, progress: &Progress, until: Date) {
    const WEEKS: i64 = 20;
    const CELL: i64 = 16;
    const STEP: i64 = 20;
    let (left, top) = (1120 - WEEKS * STEP, 64);
    let last = day_number(until);
    let first = week_start(last) - (WEEKS - 1) * 7;
    for n in first..=last {
        let minutes = progress
            .days
            .get(&from_day_number(n))
            .map_or(0, |a| a.minutes);
        let (col, row) = ((n - first) / 7, (n - first) % 7);
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="{CELL}" height="{CELL}" fill="{}"/>"#,
            left + col * STEP,
            top + row * STEP,
            HEAT[usize::from(level(minutes))]
        );
    }
}

/// Breaks a title into at most `max_lines` lines of about `width` characters,
/// ending in an ellipsis when it does not fit.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        *last = format!("{}…", clip(last, width - 1).trim_end_matches('…'));
    }
    lines.iter().map(|l| clip(l, width + 6)).collect()
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_and_end_in_an_ellipsis() {
        assert_eq!(wrap("A perfect omelette", 26, 3), ["A perfect omelette"]);
        let lines = wrap(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
            20,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 26));
    }
}
