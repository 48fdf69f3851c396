//! The site's accent colour: reading `#rgb`/`#rrggbb`, the WCAG contrast ratio
//! that decides whether links in it can be read, and the shades made from it (a
//! lighter one for dark mode, a tint for fills) so that one value in `site.toml`
//! is enough for both colour schemes.

use serde::{Serialize, Serializer};

/// What WCAG 2 asks of normal-sized text against its background.
pub const MIN_CONTRAST: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Reads `#rgb` or `#rrggbb`, either case.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
        match hex.len() {
            3 => Some(Rgb([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            6 => {
                let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                Some(Rgb([pair(0)?, pair(2)?, pair(4)?]))
            }
            _ => None,
        }
    }

    /// `#rrggbb`, lowercase.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Relative luminance as WCAG 2 defines it.
    fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// The WCAG contrast ratio of the two colours, from 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// `amount` (0 to 1) of the way from this colour to `other`.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let channel = |a: u8, b: u8| {
            (f64::from(a) + (f64::from(b) - f64::from(a)) * amount)
                .round()
                .clamp(0.0, 255.0) as u8
        };
        let ([r1, g1, b1], [r2, g2, b2]) = (self.0, other.0);
        Rgb([channel(r1, r2), channel(g1, g2), channel(b1, b2)])
    }

    /// The nearest shade of this colour, towards black or white (whichever is
    /// further from `background`), that reads against `background`; the colour
    /// itself when it already does. Keeping the hue keeps the site's character.
    pub fn readable_on(self, background: Rgb) -> Rgb {
        if self.contrast(background) >= MIN_CONTRAST {
            return self;
        }
        let towards = if background.luminance() > 0.18 {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        };
        (1..=20)
            .map(|step| self.mix(towards, f64::from(step) / 20.0))
            .find(|c| c.contrast(background) >= MIN_CONTRAST)
            .unwrap_or(towards)
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

/// The accent as templates use it, every value a `#rrggbb` colour.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Accent {
    /// For links and marks on the light background.
    pub light: Rgb,
    /// For the dark scheme: `accent_dark`, or the accent lightened until it reads.
    pub dark: Rgb,
    /// The accent faintly over each background, for fills behind text.
    pub light_tint: Rgb,
    pub dark_tint: Rgb,
}

impl Accent {
    /// The accent's shades over a theme's two backgrounds.
    pub fn new(light: Rgb, dark: Option<Rgb>, background: Rgb, background_dark: Rgb) -> Accent {
        // Worked out against a tinted background, so the shade also reads on
        // the fills made of it (a payoff's badge), not only on the page.
        let dark = dark.unwrap_or_else(|| light.readable_on(background_dark.mix(light, DARK_TINT)));
        Accent {
            light,
            dark,
            light_tint: tint(background, light, LIGHT_TINT),
            dark_tint: tint(background_dark, dark, DARK_TINT),
        }
    }
}

/// How much of the accent a tint holds at most, over each background.
const LIGHT_TINT: f64 = 0.12;
const DARK_TINT: f64 = 0.18;

/// `background` with as much of `colour` as `most` allows while text in
/// `colour` still reads on it.
fn tint(background: Rgb, colour: Rgb, most: f64) -> Rgb {
    (0..=100)
        .rev()
        .map(|percent| background.mix(colour, most * f64::from(percent) / 100.0))
        .find(|t| colour.contrast(*t) >= MIN_CONTRAST)
        .unwrap_or(background)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_lengths_and_nothing_else() {
        assert_eq!(Rgb::parse("#9a3412"), Some(Rgb([0x9a, 0x34, 0x12])));
        assert_eq!(Rgb::parse("#FA0"), Some(Rgb([0xff, 0xaa, 0x00])));
        assert_eq!(Rgb::parse("#fa0").unwrap().hex(), "#ffaa00");
        for bad in ["9a3412", "#9a341", "#9a34120", "#ggg", "red", "#", "#é12"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_matches_the_wcag_figures() {
        let white = Rgb([255, 255, 255]);
        let black = Rgb([0, 0, 0]);
        assert!((white.contrast(black) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey that passes on white, at 4.54:1.
        let grey = Rgb::parse("#767676").unwrap();
        assert!((grey.contrast(white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn an_unreadable_accent_is_shaded_until_it_reads() {
        let paper = Rgb::parse("#fbfaf7").unwrap();
        let night = Rgb::parse("#15171a").unwrap();
        let rust = Rgb::parse("#9a3412").unwrap();
        assert_eq!(rust.readable_on(paper), rust);
        let lighter = rust.readable_on(night);
        assert!(lighter.contrast(night) >= MIN_CONTRAST);
        assert!(lighter.0.iter().zip(rust.0).all(|(l, r)| *l >= r));
        let yellow = Rgb::parse("#facc15").unwrap();
        let darker = yellow.readable_on(paper);
        assert!(darker.contrast(paper) >= MIN_CONTRAST);
        assert!(darker.0.iter().zip(yellow.0).all(|(d, y)| *d <= y));
    }

    #[test]
    fn the_accent_reads_on_its_own_tints() {
        let paper = Rgb::parse("#fbfaf7").unwrap();
        let night = Rgb::parse("#15171a").unwrap();
        for hex in ["#9a3412", "#a8430f", "#1d4ed8", "#166534", "#6d28d9"] {
            let a = Accent::new(Rgb::parse(hex).unwrap(), None, paper, night);
            assert!(a.dark.contrast(night) >= MIN_CONTRAST, "{hex}");
            assert!(a.dark.contrast(a.dark_tint) >= MIN_CONTRAST, "{hex}");
            assert!(a.light.contrast(a.light_tint) >= MIN_CONTRAST, "{hex}");
            assert_ne!(a.dark_tint, night, "{hex}: the tint is still visible");
        }
    }

    #[test]
    fn the_dark_shade_is_the_one_given_when_given() {
        let given = Rgb::parse("#123456").unwrap();
        let a = Accent::new(
            Rgb::parse("#9a3412").unwrap(),
            Some(given),
            Rgb([255, 255, 255]),
            Rgb([0, 0, 0]),
        );
        assert_eq!(a.dark, given);
    }
}
