//! What `site.toml` adds to a theme that needs the rest of the site to work out:
//! the accent's shades over the theme's backgrounds, and the author's picture,
//! found among the site's files and measured so that pages give its size and do
//! not jump while it loads.

use std::path::Path;
use std::sync::Arc;

use crate::colour::Accent;
use crate::config::Config;
use crate::content::{Asset, Content, join_normalized};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::images::Images;

/// The accent, the avatar and the language, as the model keeps them.
#[derive(Debug, Clone)]
pub struct Profile {
    pub accent: Option<Accent>,
    pub avatar: Option<Avatar>,
    pub language: Arc<Language>,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            accent: None,
            avatar: None,
            language: Arc::new(Language::english()),
        }
    }
}

/// The author's picture: the published file to show and the size to show it at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Avatar {
    /// Relative to the output root.
    pub path: String,
    pub width: u32,
    pub height: u32,
}

/// The longer side an avatar is shown at, in CSS pixels: twice that in image
/// pixels is enough for a sharp picture on any screen.
pub const SHOWN: u32 = 96;

/// Finds `avatar` of `[author]`: in `static/` first, as every site-wide file is,
/// then in `content/`, where photos are resized like any other.
pub fn avatar(
    config: &Config,
    content: &Content,
    images: &Images,
) -> Result<Option<Avatar>, Diagnostic> {
    let Some(written) = &config.author.avatar else {
        return Ok(None);
    };
    let at = |d: Diagnostic| config.at_value(&["author", "avatar"], d);
    let rel = written.trim_start_matches('/');
    let Some(rel_path) = join_normalized(Path::new(""), rel) else {
        return Err(at(Diagnostic::error(format!(
            "`avatar = \"{written}\"` climbs out of the site's folders"
        ))
        .hint(
            "name a file inside static/ or content/, e.g. `avatar = \"avatar.jpg\"`",
        )));
    };
    let output = rel_path.to_string_lossy().replace('\\', "/");
    let found: Option<&Asset> = (content.static_files.iter())
        .find(|a| a.output == output)
        .or_else(|| {
            (content.assets.iter())
                .find(|(r, _)| *r == rel_path)
                .map(|(_, a)| a)
        });
    let Some(asset) = found else {
        return Err(at(Diagnostic::error(format!(
            "the avatar {output} is neither static/{output} nor content/{output}"
        ))
        .hint("put the picture in static/ (published as it is) or in content/ (resized like every photo there), or correct the path")));
    };
    if let Some(info) = images.info.get(&asset.output) {
        // A resized copy at least twice as wide as shown, not the original photo.
        let file = (info.variants.iter())
            .find(|v| v.width >= 2 * SHOWN)
            .map_or(info.path.as_str(), |v| v.path.as_str());
        let (width, height) = shown_size(info.width, info.height);
        return Ok(Some(Avatar {
            path: file.to_string(),
            width,
            height,
        }));
    }
    let size = measure(&asset.source).map_err(|why| {
        at(Diagnostic::error(format!(
            "could not read the size of the avatar {output}: {why}"
        ))
        .hint("save the picture again as a JPEG, PNG, WebP or SVG file"))
    })?;
    // A drawing is as sharp at any size, so a small one is shown as large as a photo.
    let vector = output.to_ascii_lowercase().ends_with(".svg");
    let (width, height) = if vector {
        scaled(size.0, size.1)
    } else {
        shown_size(size.0, size.1)
    };
    Ok(Some(Avatar {
        path: asset.output.clone(),
        width,
        height,
    }))
}

/// The picture's size scaled down so its longer side is [`SHOWN`].
fn shown_size(width: u32, height: u32) -> (u32, u32) {
    let longer = width.max(height).max(1);
    if longer <= SHOWN {
        return (width.max(1), height.max(1));
    }
    scaled(width, height)
}

/// The size scaled, up or down, so its longer side is [`SHOWN`].
fn scaled(width: u32, height: u32) -> (u32, u32) {
    let longer = width.max(height).max(1);
    let scale =
        |side: u32| ((u64::from(side) * u64::from(SHOWN)).div_ceil(u64::from(longer))) as u32;
    (scale(width).max(1), scale(height).max(1))
}

/// Width and height of a picture file, read from its header.
fn measure(path: &Path) -> Result<(u32, u32), String> {
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        return Ok(svg_size(&text).unwrap_or((SHOWN, SHOWN)));
    }
    image::image_dimensions(path).map_err(|e| e.to_string())
}

/// The size an SVG declares: its `width` and `height`, else its `viewBox`.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let number = |value: &str| -> Option<f64> {
        value
            .trim()
            .trim_end_matches("px")
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0 && n.is_finite())
    };
    let size = |w: f64, h: f64| Some((w.round().max(1.0) as u32, h.round().max(1.0) as u32));
    if let (Some(w), Some(h)) = (
        attribute(tag, "width").and_then(number),
        attribute(tag, "height").and_then(number),
    ) {
        return size(w, h);
    }
    let view_box: Vec<f64> = attribute(tag, "viewBox")?
        .split([' ', ','])
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match view_box[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => size(w, h),
        _ => None,
    }
}

/// The value of the attribute `name` in the start tag `tag`.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let before = tag[..at].chars().next_back();
        let rest = tag[at + name.len()..].trim_start();
        if before.is_some_and(char::is_whitespace)
            && let Some(rest) = rest.strip_prefix('=')
        {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &rest[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
        }
        from = at + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_declares_its_size_by_attributes_or_view_box() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" stroke-width="3" width="120px" height="80">"#;
        assert_eq!(svg_size(svg), Some((120, 80)));
        let svg = r#"<?xml version="1.0"?><svg viewBox="0 0 64 32"><circle/></svg>"#;
        assert_eq!(svg_size(svg), Some((64, 32)));
        assert_eq!(svg_size("<svg><g/></svg>"), None);
    }

    #[test]
    fn a_large_picture_is_shown_small_in_its_own_shape() {
        assert_eq!(shown_size(3000, 2000), (SHOWN, 64));
        assert_eq!(shown_size(48, 48), (48, 48));
        assert_eq!(shown_size(2000, 3000), (64, SHOWN));
        assert_eq!(scaled(64, 32), (SHOWN, 48));
    }
}
