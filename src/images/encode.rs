//! The pixel work on one image: decode, turn it upright, resize, encode. Kept apart
//! from caching and naming so it can be tested on bytes alone.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;

use super::{Format, Settings};

/// What processing one image gives: its upright size, the file to publish in
/// place of the original (`None`: publish the original as it is), and each width
/// in the image's own format and in WebP, narrowest first.
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub original: Option<Vec<u8>>,
    pub sizes: Vec<Size>,
}

pub struct Size {
    pub width: u32,
    pub height: u32,
    /// `None` for the full width: the published original serves it.
    pub same_format: Option<Vec<u8>>,
    /// `None` when the image is a WebP already.
    pub webp: Option<Vec<u8>>,
}

/// The quality the original is re-encoded at when it has to be turned upright:
/// it stands in for the photo as taken, so it is kept high.
const ORIGINAL_QUALITY: u8 = 92;

/// Why an image could not be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is damaged or not what its name says.
    Unreadable(String),
    /// Its header declares more than the limits allow: it was never decoded.
    TooLarge(String),
}

impl From<String> for Problem {
    fn from(reason: String) -> Problem {
        Problem::Unreadable(reason)
    }
}

pub fn encode(bytes: &[u8], format: Format, settings: &Settings) -> Result<Encoded, Problem> {
    let reader = || ImageReader::with_format(Cursor::new(bytes), format.image_format());
    // Only the header is read here: a file of a few kilobytes may declare
    // billions of pixels, and the decoder would try to allocate them.
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| Problem::Unreadable(e.to_string()))?;
    check_size(width, height, settings)?;
    let mut decoder = reader()
        .into_decoder()
        .map_err(|e| Problem::Unreadable(e.to_string()))?;
    let decoded = decoder.total_bytes();
    if decoded > settings.max_bytes {
        return Err(Problem::TooLarge(format!(
            "it is {width}x{height} pixels, {} once decoded, more than `max_bytes` ({}) allows",
            mebibytes(decoded),
            mebibytes(settings.max_bytes)
        )));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(settings.max_bytes);
    decoder
        .set_limits(limits)
        .map_err(|e| Problem::TooLarge(e.to_string()))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(e) => Problem::TooLarge(e.to_string()),
        e => Problem::Unreadable(e.to_string()),
    })?;
    super::upright::upright(&mut img, orientation);
    let (width, height) = (img.width(), img.height());

    // An original encoded again is encoded beside the widths below.
    let original = if settings.keep_metadata {
        Original::AsIs
    } else if orientation == Orientation::NoTransforms {
        match super::strip::strip(bytes, format) {
            Some(stripped) if stripped.len() == bytes.len() => Original::AsIs,
            Some(stripped) => Original::Stripped(stripped),
            None => Original::Encode,
        }
    } else {
        // The orientation lives in the metadata being removed, so the pixels
        // themselves have to be turned.
        Original::Encode
    };

    let mut widths: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|&w| w > 0 && w < width)
        .collect();
    widths.sort_unstable();
    widths.dedup();
    let largest = settings.widths.iter().copied().max().unwrap_or(0);
    let webp = format != Format::WebP;
    // Each width is made from the next larger one: cheaper than always starting
    // from the full photo, and as sharp at these ratios.
    let mut shrunk: Vec<DynamicImage> = Vec::new();
    for &w in widths.iter().rev() {
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        let next = resize(shrunk.last().unwrap_or(&img), w, h);
        shrunk.push(next);
    }
    // Encoding is most of the work left, and each file is encoded on its own:
    // in parallel, one new photo (the one just added while previewing) takes
    // both cores instead of one.
    let encode_size = |img: &DynamicImage, same_format: bool| -> Result<Size, Problem> {
        let (jpeg, webp) = rayon::join(
            || {
                same_format
                    .then(|| encode_as(img, format, settings.quality))
                    .transpose()
            },
            || webp.then(|| encode_webp(img, settings.quality)).transpose(),
        );
        Ok(Size {
            width: img.width(),
            height: img.height(),
            same_format: jpeg?,
            webp: webp?,
        })
    };
    let (original, sizes) = rayon::join(
        || match original {
            Original::AsIs => Ok(None),
            Original::Stripped(bytes) => Ok(Some(bytes)),
            Original::Encode => encode_as(&img, format, ORIGINAL_QUALITY).map(Some),
        },
        || {
            let full = (width <= largest).then(|| encode_size(&img, false));
            let widths = shrunk.par_iter().map(|img| encode_size(img, true));
            full.into_par_iter()
                .chain(widths)
                .collect::<Result<Vec<Size>, Problem>>()
        },
    );
    let (original, mut sizes) = (original?, sizes?);
    sizes.sort_by_key(|s| s.width);
    Ok(Encoded {
        width,
        height,
        original,
        sizes,
    })
}

/// `img` at `width` x `height`, with the Catmull-Rom filter. The SIMD resizer
/// takes a 12 MP photo to 1600 pixels wide in a fraction of the time the
/// `image` crate's does, without its buffer of floats (four times the
/// image's size). A pixel type it does not know is left to the latter.
fn resize(img: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let mut resized = DynamicImage::new(width, height, img.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    match Resizer::new().resize(img, &mut resized, &options) {
        Ok(()) => resized,
        Err(_) => img.resize_exact(width, height, image::imageops::FilterType::CatmullRom),
    }
}

/// Refuses an image whose declared size is past `max_pixels`, before any pixel
/// is decoded.
pub fn check_size(width: u32, height: u32, settings: &Settings) -> Result<(), Problem> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > settings.max_pixels {
        return Err(Problem::TooLarge(format!(
            "it is {width}x{height} pixels ({}), more than `max_pixels` ({}) allows",
            megapixels(pixels),
            megapixels(settings.max_pixels)
        )));
    }
    Ok(())
}

fn megapixels(pixels: u64) -> String {
    let mp = pixels as f64 / 1e6;
    if mp >= 10.0 || mp.fract() == 0.0 {
        format!("{mp:.0} MP")
    } else {
        format!("{mp:.1} MP")
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{} MiB", bytes.div_ceil(1 << 20))
}

fn encode_as(img: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            // Below quality 90 the colour is sampled at half the resolution
            // each way (4:2:0), as libjpeg does by default.
            let encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
            let (width, height) = (img.width(), img.height());
            let too_large = |_| format!("{width}x{height} pixels is too large for a JPEG");
            let (w, h) = (
                u16::try_from(width).map_err(too_large)?,
                u16::try_from(height).map_err(too_large)?,
            );
            let encoded = match img {
                DynamicImage::ImageRgb8(rgb) => {
                    encoder.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
                }
                DynamicImage::ImageLuma8(luma) => {
                    encoder.encode(luma, w, h, jpeg_encoder::ColorType::Luma)
                }
                other => encoder.encode(&other.to_rgb8(), w, h, jpeg_encoder::ColorType::Rgb),
            };
            encoded.map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let encoder = image::codecs::png::PngEncoder::new(&mut out);
            img.write_with_encoder(encoder).map_err(|e| e.to_string())?;
        }
        Format::WebP => return encode_webp(img, quality),
    }
    Ok(out)
}

/// What the published original is made from.
enum Original {
    /// The uploaded file, unchanged: it holds no metadata to remove, or the
    /// site keeps metadata.
    AsIs,
    /// The uploaded file's bytes without their metadata.
    Stripped(Vec<u8>),
    /// The decoded pixels, encoded again: turned upright, or in a format the
    /// metadata cannot be cut out of.
    Encode,
}

fn encode_webp(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let quality = f32::from(quality.clamp(1, 100));
    let (width, height) = (img.width(), img.height());
    // A photo is RGB already, and is encoded without a copy of its pixels.
    let memory = match img {
        DynamicImage::ImageRgb8(rgb) => {
            webp::Encoder::from_rgb(rgb, width, height).encode_simple(false, quality)
        }
        DynamicImage::ImageRgba8(rgba) => {
            webp::Encoder::from_rgba(rgba, width, height).encode_simple(false, quality)
        }
        _ if img.color().has_alpha() => {
            let rgba = img.to_rgba8();
            webp::Encoder::from_rgba(&rgba, width, height).encode_simple(false, quality)
        }
        _ => {
            let rgb = img.to_rgb8();
            webp::Encoder::from_rgb(&rgb, width, height).encode_simple(false, quality)
        }
    };
    memory
        .map(|m| m.to_vec())
        .map_err(|e| format!("WebP encoding failed: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phones_50_mp_photo_is_taken_and_its_200_mp_one_refused_by_default() {
        let settings = Settings::default();
        assert_eq!(check_size(8064, 6048, &settings), Ok(()));
        assert_eq!(check_size(8160, 6144, &settings), Ok(()));
        assert_eq!(
            check_size(16320, 12240, &settings),
            Err(Problem::TooLarge(
                "it is 16320x12240 pixels (200 MP), more than `max_pixels` (64 MP) allows".into()
            ))
        );
    }
}
