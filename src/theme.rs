//! Finding a theme: its templates and static files, from `themes/<name>/` on disk or,
//! for the themes that ship with skillfolio, from the copy embedded in the binary so
//! a portfolio needs no theme folder at all. Templates in the site's own
//! `templates/` override the theme's of the same name. A theme's `theme.toml` may
//! name its background colours, against which the site's accent is checked.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::colour::{Accent, MIN_CONTRAST, Rgb};
use crate::config::Config;
use crate::content::frontmatter::Fields;
use crate::content::{Asset, SourceFile};
use crate::diagnostic::{Diagnostic, io_error};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The themes in the binary, by name, `default` first.
static BUILT_IN: [(&str, &Dir<'static>); 2] = [
    ("default", &DEFAULT_THEME),
    ("paper", &include_dir!("$CARGO_MANIFEST_DIR/themes/paper")),
];

/// The backgrounds assumed of a theme whose `theme.toml` does not name its own.
const WHITE: Rgb = Rgb([255, 255, 255]);
const NEAR_BLACK: Rgb = Rgb([18, 18, 18]);

/// Templates skillfolio gives every theme: what each theme would otherwise
/// write the same way (see each file).
const PARTIALS: [(&str, &str); 2] = [
    (
        "skillfolio/share.html",
        include_str!("theme_partials/share.html"),
    ),
    (
        "skillfolio/player.html",
        include_str!("theme_partials/player.html"),
    ),
];

/// A template's text and the file it came from, for error messages.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// A static file of the theme: on disk, or embedded.
#[derive(Debug, Clone)]
pub enum ThemeFile {
    Disk(Asset),
    Embedded {
        output: String,
        bytes: &'static [u8],
    },
}

impl ThemeFile {
    pub fn output(&self) -> &str {
        match self {
            ThemeFile::Disk(a) => &a.output,
            ThemeFile::Embedded { output, .. } => output,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub name: String,
    pub templates: Vec<TemplateSource>,
    pub static_files: Vec<ThemeFile>,
    /// The page background of the light and the dark scheme, from `theme.toml`.
    pub background: Option<Rgb>,
    pub background_dark: Option<Rgb>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        // A theme is a folder of `themes/`, named by one plain path segment.
        let plain = !name.is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
            && Path::new(name).components().count() == 1;
        if !plain {
            return Err(vec![
                at_theme_key(
                    root,
                    Diagnostic::error(format!("`theme = \"{name}\"` is not a theme name")),
                )
                .hint("name a folder directly under themes/, e.g. `theme = \"paper\"`, or use \"default\""),
            ]);
        }
        let dir = root.join("themes").join(name);
        let mut theme = if dir.is_dir() {
            from_disk(root, &dir)?
        } else if let Some((_, files)) = BUILT_IN.iter().find(|(n, _)| *n == name) {
            embedded(name, files)?
        } else {
            return Err(vec![unknown_theme(root, name)]);
        };
        theme.name = name.to_string();
        // Partials every theme may include, which a theme or site can replace.
        for (name, text) in PARTIALS {
            if !theme.templates.iter().any(|t| t.name == name) {
                theme.templates.push(TemplateSource {
                    name: name.to_string(),
                    path: PathBuf::from(format!("(built in) {name}")),
                    text: text.trim_end().to_string(),
                });
            }
        }
        let overrides = root.join("templates");
        if overrides.is_dir() {
            for t in read_templates(root, &overrides)? {
                theme.templates.retain(|existing| existing.name != t.name);
                theme.templates.push(t);
            }
        }
        theme.templates.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(theme)
    }

    /// The site's accent over this theme's backgrounds, with a warning for each
    /// shade chosen in `site.toml` that text in it would be hard to read on.
    pub fn accent(&self, config: &Config) -> (Option<Accent>, Vec<Diagnostic>) {
        let Some(light) = config.accent else {
            return (None, Vec::new());
        };
        let background = self.background.unwrap_or(WHITE);
        let background_dark = self.background_dark.unwrap_or(NEAR_BLACK);
        let accent = Accent::new(light, config.accent_dark, background, background_dark);
        let mut warnings = Vec::new();
        let mut check = |key: &str, colour: Rgb, background: Rgb, scheme: &str| {
            let ratio = colour.contrast(background);
            if ratio < MIN_CONTRAST {
                let d = Diagnostic::warning(format!(
                    "`{key}` {} has a contrast of {ratio:.1}:1 against the {scheme} background {} of the {} theme: links in it are hard to read",
                    colour.hex(),
                    background.hex(),
                    self.name,
                ))
                .hint(format!(
                    "text needs at least {MIN_CONTRAST}:1; `{key} = \"{}\"` is the nearest shade of it that reads",
                    colour.readable_on(background).hex()
                ));
                warnings.push(config.at_value(&[key], d));
            }
        };
        check("accent", light, background, "light");
        if let Some(dark) = config.accent_dark {
            check("accent_dark", dark, background_dark, "dark");
        }
        (Some(accent), warnings)
    }
}

/// Reads the background colours of `theme.toml`. Its other keys (name,
/// description, licence, ...) describe the theme to people and are left alone.
fn read_colours(theme: &mut Theme, file: &SourceFile) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if let Some(mut f) = Fields::parse_document(file, &mut errors) {
        theme.background = crate::config::colour(&mut f, "background");
        theme.background_dark = crate::config::colour(&mut f, "background_dark");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A theme name that is neither built in nor a folder of `themes/`: the nearest
/// name and every theme there is, at the `theme` line of `site.toml`.
fn unknown_theme(root: &Path, name: &str) -> Diagnostic {
    let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    let mut on_disk = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("themes")) {
        on_disk = entries
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !crate::content::is_ignored(n))
            .collect();
        on_disk.sort();
        names.extend(
            on_disk
                .iter()
                .filter(|n| !names.contains(n))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    // A folder takes the place of the built-in theme of its name, so it is the
    // one named.
    let list = names
        .iter()
        .map(|n| {
            if on_disk.contains(n) {
                format!("`{n}` (themes/{n}/)")
            } else {
                format!("`{n}` (built in)")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let near = names
        .iter()
        .map(|n| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &n.to_lowercase()),
                n,
            )
        })
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n);
    let hint = match near {
        Some(n) => format!("did you mean `theme = \"{n}\"`? The themes are {list}"),
        None => format!(
            "the themes are {list}; a theme of your own goes in its own folder under themes/"
        ),
    };
    at_theme_key(
        root,
        Diagnostic::error(format!(
            "unknown theme `{name}`: it is not built in and there is no folder themes/{name}/"
        )),
    )
    .hint(hint)
}

/// Points a diagnostic at the `theme` value in `site.toml`, or names the file when
/// it cannot be read again.
fn at_theme_key(root: &Path, d: Diagnostic) -> Diagnostic {
    let display = Path::new("site.toml");
    let Ok(text) = std::fs::read_to_string(root.join(display)) else {
        return d.in_file(display);
    };
    let file = crate::content::SourceFile {
        path: display.to_path_buf(),
        text: text.into(),
    };
    match crate::config::value_span(&file, "theme") {
        Some(span) => d.at(display, &file.text, span.start, span.len()),
        None => d.in_file(display),
    }
}

/// Every file of the built-in default theme with its path inside the theme, for
/// `init --theme-copy`.
pub fn default_theme_files() -> Vec<(PathBuf, &'static [u8])> {
    let mut files = Vec::new();
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(dir) = stack.pop() {
        stack.extend(dir.dirs());
        files.extend(dir.files().map(|f| (f.path().to_path_buf(), f.contents())));
    }
    files.sort();
    files
}

fn embedded(name: &str, files: &'static Dir<'static>) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let shown = PathBuf::from(format!("themes/{name} (built in)"));
    let mut stack = vec![files];
    while let Some(dir) = stack.pop() {
        stack.extend(dir.dirs());
        for file in dir.files() {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                theme.templates.push(TemplateSource {
                    name: name.to_string(),
                    path: shown.join(&path),
                    text: String::from_utf8_lossy(file.contents()).into_owned(),
                });
            } else if let Some(output) = path.strip_prefix("static/") {
                theme.static_files.push(ThemeFile::Embedded {
                    output: output.to_string(),
                    bytes: file.contents(),
                });
            }
        }
    }
    if let Some(file) = files.get_file("theme.toml") {
        let source = SourceFile {
            path: shown.join("theme.toml"),
            text: String::from_utf8_lossy(file.contents()).into(),
        };
        read_colours(&mut theme, &source)?;
    }
    Ok(theme)
}

fn from_disk(root: &Path, dir: &Path) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let toml = dir.join("theme.toml");
    if toml.is_file() {
        let shown = toml.strip_prefix(root).unwrap_or(&toml).to_path_buf();
        let text =
            std::fs::read_to_string(&toml).map_err(|e| vec![io_error("read", &shown, &e)])?;
        read_colours(
            &mut theme,
            &SourceFile {
                path: shown,
                text: text.into(),
            },
        )?;
    }
    let templates = dir.join("templates");
    if templates.is_dir() {
        theme.templates = read_templates(root, &templates)?;
    }
    let statics = dir.join("static");
    for entry in WalkDir::new(&statics)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&statics).unwrap_or(entry.path());
            let output = rel.to_string_lossy().replace('\\', "/");
            theme.static_files.push(ThemeFile::Disk(Asset {
                source: entry.path().to_path_buf(),
                output,
                len: entry.metadata().map_or(0, |m| m.len()),
            }));
        }
    }
    Ok(theme)
}

fn read_templates(root: &Path, dir: &Path) -> Result<Vec<TemplateSource>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored(&name) {
            continue;
        }
        let display = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => out.push(TemplateSource {
                name: entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/"),
                path: display,
                text,
            }),
            Err(e) => errors.push(io_error("read", &display, &e)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
