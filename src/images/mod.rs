//! Published images. Every photo in the content is resized into a few widths, in
//! its own format and in WebP, so pages can offer `srcset` and no page jumps while
//! it loads; and every published copy is stripped of its metadata (the phone's GPS
//! position, the camera's serial, timestamps) unless the site opts out. The work is
//! cached on disk by content hash and settings, so an unchanged image is never
//! processed twice, and cache entries no build used are removed.

mod encode;
mod strip;
mod upright;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::Asset;
use crate::diagnostic::Diagnostic;
use crate::output::Contents;

/// How images are processed, from `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Settings {
    /// The widths made of each image, never wider than the image itself.
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1 to 100.
    pub quality: u8,
    /// Publish originals as they are, metadata included.
    pub keep_metadata: bool,
    /// The most pixels an image may declare: past it, it is never decoded.
    pub max_pixels: u64,
    /// The most bytes decoding one image may take.
    pub max_bytes: u64,
}

/// 64 MP: the 48 and 50 MP modes of phones' cameras fit; their 108 and 200 MP
/// modes do not, and need a larger limit on purpose.
pub const MAX_PIXELS: u64 = 64_000_000;
/// 512 MiB: a 64 MP photo with an alpha channel decodes to 256 MiB.
pub const MAX_BYTES: u64 = 512 << 20;

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            widths: vec![480, 960, 1600],
            quality: 82,
            keep_metadata: false,
            max_pixels: MAX_PIXELS,
            max_bytes: MAX_BYTES,
        }
    }
}

/// The raster formats that are resized and stripped. GIFs (often animated) and
/// SVGs are published as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    pub fn of(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::WebP),
            _ => None,
        }
    }

    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::WebP => image::ImageFormat::WebP,
        }
    }
}

/// One published width of an image: its file in the image's own format and its
/// WebP twin, as paths relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub path: String,
    pub webp: Option<String>,
}

/// What pages need to show an image: its upright size and its widths.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageInfo {
    /// Relative to the output root: where the original is published.
    pub path: String,
    pub width: u32,
    pub height: u32,
    /// Narrowest first; empty for images that are not resized (SVG, GIF).
    pub variants: Vec<Variant>,
    /// The size in bytes of the published original, for feed enclosures.
    pub length: u64,
}

/// An image as a template shows it: URLs under the site's base path.
#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct ImageView {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub srcset: Option<String>,
    pub webp_srcset: Option<String>,
}

/// The copy of a photo that link previews show: the widest resized copy (all
/// the preview needs, and a fraction of the original's bytes), else the
/// original. Only formats every preview reader takes have one.
#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct SharedImage {
    /// Site-relative, like the other URLs of an [`ImageView`].
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

/// `sizes` for an image in the text of a page: as wide as the column of prose.
pub const PROSE_SIZES: &str = "(min-width: 46rem) 42rem, 100vw";

impl ImageInfo {
    /// `url` makes a site-relative URL of an output path.
    pub fn view(&self, url: impl Fn(&str) -> String) -> ImageView {
        let srcset = |pick: &dyn Fn(&Variant) -> Option<&str>| -> Option<String> {
            let list: Vec<String> = self
                .variants
                .iter()
                .filter_map(|v| pick(v).map(|p| format!("{} {}w", url(p), v.width)))
                .collect();
            (!list.is_empty()).then(|| list.join(", "))
        };
        // The fallback for browsers without srcset: a middle width, not the
        // full-size original.
        let fallback = self
            .variants
            .iter()
            .rev()
            .find(|v| v.width <= 960)
            .or(self.variants.first())
            .map_or(self.path.as_str(), |v| v.path.as_str());
        ImageView {
            src: url(fallback),
            width: self.width,
            height: self.height,
            srcset: srcset(&|v| Some(v.path.as_str())),
            webp_srcset: srcset(&|v| v.webp.as_deref()),
        }
    }
}

impl ImageInfo {
    /// The copy link previews show, when the format is one they all read.
    pub fn shared(&self, url: impl Fn(&str) -> String) -> Option<SharedImage> {
        let mime = crate::media::type_of(&self.path);
        if !matches!(mime, "image/jpeg" | "image/png" | "image/webp") {
            return None;
        }
        let (path, width, height) = self
            .variants
            .last()
            .map_or((self.path.as_str(), self.width, self.height), |v| {
                (v.path.as_str(), v.width, v.height)
            });
        Some(SharedImage {
            src: url(path),
            width,
            height,
            mime,
        })
    }
}

/// `<picture>` markup for an image in rendered markdown.
pub fn picture_html(view: &ImageView, alt: &str, title: Option<&str>) -> String {
    use crate::html::escape;
    let mut html = String::new();
    if let Some(webp) = &view.webp_srcset {
        html.push_str(&format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{PROSE_SIZES}\">",
            escape(webp)
        ));
    }
    html.push_str(&format!("<img src=\"{}\"", escape(&view.src)));
    if let Some(srcset) = &view.srcset {
        html.push_str(&format!(
            " srcset=\"{}\" sizes=\"{PROSE_SIZES}\"",
            escape(srcset)
        ));
    }
    html.push_str(&format!(
        " width=\"{}\" height=\"{}\" alt=\"{}\"",
        view.width,
        view.height,
        escape(alt)
    ));
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        html.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\">");
    if view.webp_srcset.is_some() {
        html.push_str("</picture>");
    }
    html
}

/// Every processed image of a build: what pages show and the files to publish.
#[derive(Default)]
pub struct Images {
    /// By the original's output path.
    pub info: HashMap<String, Arc<ImageInfo>>,
    /// Output path -> contents, originals included; they replace the plain copy.
    pub files: Vec<(String, Contents)>,
    /// Images past the limits, by the original's output path: why. Each page
    /// that shows one is an error at the line that names it.
    pub refused: HashMap<String, String>,
    pub stats: Stats,
}

/// How much work a build did on images: shown after a build, and how a test sees
/// that the cache works.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub processed: usize,
    pub cached: usize,
}

/// One image's result, kept in memory between `serve` rebuilds.
struct Processed {
    info: Arc<ImageInfo>,
    /// Past the limits: why. Nothing is published in its place but the file
    /// as it is.
    refused: Option<String>,
    files: Vec<(String, Contents)>,
    /// The cache folder entry it came from, to keep it when pruning.
    key: String,
}

/// Processes images, with a cache folder or (without one) in memory only.
pub struct Processor {
    dir: Option<PathBuf>,
    /// By source file: its size and time when processed, and a hash of the
    /// settings, so `serve` does not even re-read an unchanged image.
    memo: Mutex<HashMap<PathBuf, (Stamp, Arc<Processed>)>>,
    used: Mutex<HashSet<String>>,
}

/// A cache entry's description, written last so a half-written entry is ignored.
#[derive(Serialize, Deserialize)]
struct Manifest {
    width: u32,
    height: u32,
    /// The original was replaced by `original.<ext>`.
    original: bool,
    /// Widths with their height and whether a file in the image's own format
    /// was made (the full width uses the original).
    sizes: Vec<(u32, u32, bool)>,
    webp: bool,
}

impl Processor {
    /// `cache_dir` is the build's cache folder; images go in its `images/`.
    pub fn new(cache_dir: Option<&Path>) -> Processor {
        Processor {
            dir: cache_dir.map(|d| d.join("images")),
            memo: Mutex::default(),
            used: Mutex::default(),
        }
    }

    /// Processes every image among `assets`, in parallel. An image that cannot be
    /// read is published as it is, with a warning.
    /// `root` is the site folder, for naming files in warnings.
    pub fn process(
        &self,
        assets: &[&Asset],
        settings: &Settings,
        root: &Path,
    ) -> (Images, Vec<Diagnostic>) {
        let processed = AtomicUsize::new(0);
        let cached = AtomicUsize::new(0);
        let results: Vec<Result<Arc<Processed>, Diagnostic>> = assets
            .par_iter()
            .filter_map(|asset| {
                let format = Format::of(&asset.output);
                let svg = asset.output.to_ascii_lowercase().ends_with(".svg");
                (format.is_some() || svg)
                    .then(|| self.one(asset, format, settings, (&processed, &cached)))
                    .map(|r| r.map_err(|d| d.in_file(&shown(&asset.source, root))))
            })
            .collect();
        let mut images = Images::default();
        let mut warnings = Vec::new();
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        for result in results {
            match result {
                Ok(p) if p.refused.is_some() => {
                    let why = p.refused.clone().unwrap_or_default();
                    images.refused.insert(p.info.path.clone(), why);
                }
                Ok(p) => {
                    used.insert(p.key.clone());
                    images.files.extend(p.files.iter().cloned());
                    images.info.insert(p.info.path.clone(), Arc::clone(&p.info));
                }
                Err(warning) => warnings.push(warning),
            }
        }
        images.stats = Stats {
            processed: processed.into_inner(),
            cached: cached.into_inner(),
        };
        (images, warnings)
    }

    /// Removes cache entries that no image of this run used.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }

    fn one(
        &self,
        asset: &Asset,
        format: Option<Format>,
        settings: &Settings,
        (processed, cached): (&AtomicUsize, &AtomicUsize),
    ) -> Result<Arc<Processed>, Diagnostic> {
        let meta = fs::metadata(&asset.source).ok();
        let stamp = Stamp {
            len: meta.as_ref().map_or(0, fs::Metadata::len),
            modified: meta.and_then(|m| m.modified().ok()),
            settings: crate::keys::hash(settings),
        };
        if let Some(p) = self.memo_get(&asset.source, &stamp) {
            cached.fetch_add(1, Ordering::Relaxed);
            return Ok(p);
        }
        let bytes = fs::read(&asset.source)
            .map_err(|e| crate::diagnostic::io_error("read the image", &asset.source, &e))?;
        let result = match format {
            Some(format) => self.raster(asset, &bytes, format, settings, (processed, cached)),
            None => svg(asset, &bytes),
        };
        let p = Arc::new(match result {
            Ok(p) => p,
            Err(encode::Problem::TooLarge(why)) => refused(asset, why),
            Err(encode::Problem::Unreadable(reason)) => {
                return Err(Diagnostic::warning(format!(
                    "could not read the image: {reason}; it is published as it is, without resized copies"
                ))
                .hint("open it in an image editor and export it again as JPEG, PNG or WebP"));
            }
        });
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(asset.source.clone(), (stamp, Arc::clone(&p)));
        }
        Ok(p)
    }

    fn memo_get(&self, source: &Path, stamp: &Stamp) -> Option<Arc<Processed>> {
        let memo = self.memo.lock().ok()?;
        memo.get(source)
            .filter(|(s, _)| s == stamp)
            .map(|(_, p)| Arc::clone(p))
    }

    fn raster(
        &self,
        asset: &Asset,
        bytes: &[u8],
        format: Format,
        settings: &Settings,
        (processed, cached): (&AtomicUsize, &AtomicUsize),
    ) -> Result<Processed, encode::Problem> {
        let key = key(bytes, format, settings);
        let names = Names::new(&asset.output);
        if let Some(dir) = &self.dir {
            let entry = dir.join(&key);
            let manifest = fs::read(entry.join("manifest.json"))
                .ok()
                .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok());
            if let Some(manifest) = manifest {
                let p = from_manifest(asset, &names, &entry, &manifest, key.clone(), bytes.len());
                // An entry someone emptied by hand is made again, not trusted.
                let whole = p.files.iter().all(|(_, c)| match c {
                    Contents::Copy(path) => path.is_file(),
                    _ => true,
                });
                if whole {
                    cached.fetch_add(1, Ordering::Relaxed);
                    return Ok(p);
                }
            }
        }
        let encoded = encode::encode(bytes, format, settings)?;
        processed.fetch_add(1, Ordering::Relaxed);
        let manifest = Manifest {
            width: encoded.width,
            height: encoded.height,
            original: encoded.original.is_some(),
            sizes: encoded
                .sizes
                .iter()
                .map(|s| (s.width, s.height, s.same_format.is_some()))
                .collect(),
            webp: format != Format::WebP,
        };
        let mut made = encoded_files(&names, encoded);
        match &self.dir {
            Some(dir) => {
                let entry = dir.join(&key);
                store(&entry, &made, &manifest).map_err(|e| {
                    format!("could not write to the cache at {}: {e}", entry.display())
                })?;
                Ok(from_manifest(
                    asset,
                    &names,
                    &entry,
                    &manifest,
                    key,
                    bytes.len(),
                ))
            }
            None => Ok(assemble(
                asset,
                &names,
                &manifest,
                key,
                bytes.len(),
                |name| {
                    let bytes = made.remove(name).unwrap_or_default();
                    Contents::Bytes(bytes.into())
                },
            )),
        }
    }
}

#[derive(PartialEq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    settings: u64,
}

/// The cache entry's name: the image's bytes and everything that shapes the output.
fn key(bytes: &[u8], format: Format, settings: &Settings) -> String {
    format!("{:016x}", crate::keys::hash(&(settings, format, bytes)))
}

/// A file's path as a message shows it: relative to the site folder.
fn shown(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The names of an image's files: in the output beside the original
/// (`photo.480w.jpg`), and in its cache entry (`480.jpg`).
struct Names {
    stem: String,
    ext: String,
}

impl Names {
    fn new(output: &str) -> Names {
        let (stem, ext) = output.rsplit_once('.').unwrap_or((output, ""));
        Names {
            stem: stem.to_string(),
            ext: ext.to_string(),
        }
    }

    fn output(&self, width: u32, webp: bool) -> String {
        let ext = if webp { "webp" } else { &self.ext };
        format!("{}.{width}w.{ext}", self.stem)
    }

    fn cached(&self, width: u32, webp: bool) -> String {
        let ext = if webp { "webp" } else { &self.ext };
        format!("{width}.{ext}")
    }

    fn original(&self) -> String {
        format!("{}.{}", self.stem, self.ext)
    }

    fn cached_original(&self) -> String {
        format!("original.{}", self.ext)
    }
}

/// The files processing made, by their names in a cache entry.
fn encoded_files(names: &Names, encoded: encode::Encoded) -> HashMap<String, Vec<u8>> {
    let mut files = HashMap::new();
    if let Some(original) = encoded.original {
        files.insert(names.cached_original(), original);
    }
    for size in encoded.sizes {
        if let Some(bytes) = size.same_format {
            files.insert(names.cached(size.width, false), bytes);
        }
        if let Some(bytes) = size.webp {
            files.insert(names.cached(size.width, true), bytes);
        }
    }
    files
}

fn store(
    entry: &Path,
    files: &HashMap<String, Vec<u8>>,
    manifest: &Manifest,
) -> std::io::Result<()> {
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(entry)?;
        for (name, bytes) in files {
            fs::write(entry.join(name), bytes)?;
        }
        let temp = entry.join("manifest.json.tmp");
        fs::write(
            &temp,
            serde_json::to_vec(manifest).map_err(std::io::Error::other)?,
        )?;
        fs::rename(temp, entry.join("manifest.json"))
    };
    // A half-written entry is never trusted, but on a full disk it would keep the
    // space the next build needs.
    write().inspect_err(|_| {
        let _ = fs::remove_dir_all(entry);
    })
}

fn variants(names: &Names, manifest: &Manifest) -> Vec<Variant> {
    manifest
        .sizes
        .iter()
        .map(|&(width, height, own)| Variant {
            width,
            height,
            path: if own {
                names.output(width, false)
            } else {
                names.original()
            },
            webp: manifest.webp.then(|| names.output(width, true)),
        })
        .collect()
}

/// An image's files from its cache entry.
fn from_manifest(
    asset: &Asset,
    names: &Names,
    entry: &Path,
    manifest: &Manifest,
    key: String,
    source_len: usize,
) -> Processed {
    assemble(asset, names, manifest, key, source_len, |name| {
        Contents::Copy(entry.join(name))
    })
}

/// What is published of a processed image, wherever its files are kept: `file`
/// gives a file's contents by its name in a cache entry.
fn assemble(
    asset: &Asset,
    names: &Names,
    manifest: &Manifest,
    key: String,
    source_len: usize,
    mut file: impl FnMut(&str) -> Contents,
) -> Processed {
    let original = if manifest.original {
        file(&names.cached_original())
    } else {
        Contents::Copy(asset.source.clone())
    };
    let length = match &original {
        Contents::Bytes(bytes) => bytes.len() as u64,
        Contents::Copy(path) if manifest.original => fs::metadata(path).map_or(0, |m| m.len()),
        _ => source_len as u64,
    };
    let mut files = vec![(asset.output.clone(), original)];
    for &(width, _, own) in &manifest.sizes {
        if own {
            files.push((
                names.output(width, false),
                file(&names.cached(width, false)),
            ));
        }
        if manifest.webp {
            files.push((names.output(width, true), file(&names.cached(width, true))));
        }
    }
    Processed {
        info: Arc::new(ImageInfo {
            path: asset.output.clone(),
            width: manifest.width,
            height: manifest.height,
            variants: variants(names, manifest),
            length,
        }),
        refused: None,
        files,
        key,
    }
}

/// An image past the limits: remembered as such, so `serve` does not read it again
/// until it changes.
fn refused(asset: &Asset, why: String) -> Processed {
    Processed {
        info: Arc::new(ImageInfo {
            path: asset.output.clone(),
            width: 0,
            height: 0,
            variants: Vec::new(),
            length: asset.len,
        }),
        refused: Some(why),
        files: Vec::new(),
        key: String::new(),
    }
}

/// An SVG is published as it is; only its size is read, for `width` and `height`.
fn svg(asset: &Asset, bytes: &[u8]) -> Result<Processed, encode::Problem> {
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|e| e.to_string())?;
    let size = tree.size();
    Ok(Processed {
        info: Arc::new(ImageInfo {
            path: asset.output.clone(),
            width: size.width().round().max(1.0) as u32,
            height: size.height().round().max(1.0) as u32,
            variants: Vec::new(),
            length: bytes.len() as u64,
        }),
        refused: None,
        files: vec![(asset.output.clone(), Contents::Copy(asset.source.clone()))],
        key: String::new(),
    })
}
