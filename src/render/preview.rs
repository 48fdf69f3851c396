//! The image a shared link shows. Chat apps and social sites read `og:image`
//! and `twitter:image`, and most show nothing for SVG or for an image whose size
//! they must fetch to learn, so every page names a JPEG, PNG or WebP with its
//! size and a text alternative: a photo of the author's where there is one, else
//! a preview card drawn by the build, else the site's `image`.

use serde::Serialize;

use super::inputs::PageContext;
use super::skills::EntrySource;
use crate::config::Config;
use crate::feed;
use crate::i18n::Language;
use crate::site::{Entry, Evidence, Site, Skill};
use crate::urls::Urls;

#[derive(Debug, Clone, Hash, Serialize)]
pub struct Preview {
    /// Absolute: previews are read by other sites.
    pub url: String,
    /// Known for photos and cards; not for a site's `image` given as a URL.
    pub size: Option<(u32, u32)>,
    pub mime: Option<&'static str>,
    pub alt: String,
}

impl Preview {
    /// A photo of the author's, if it is in a format previews show.
    pub fn photo(evidence: &Evidence, urls: &Urls) -> Option<Preview> {
        let shared = evidence.share.as_ref()?;
        Some(Preview {
            url: feed::absolute(urls, &shared.src),
            size: Some((shared.width, shared.height)),
            mime: Some(shared.mime),
            alt: evidence.label.clone(),
        })
    }

    /// A card drawn by the build, at `path` in the output.
    pub fn card(path: &str, alt: String, urls: &Urls) -> Preview {
        Preview {
            url: urls.permalink(path),
            size: Some((crate::cards::WIDTH, crate::cards::HEIGHT)),
            mime: Some("image/png"),
            alt,
        }
    }

    /// The site's `image`, for pages with no image of their own.
    pub fn configured(config: &Config, urls: &Urls) -> Option<Preview> {
        let image = config.image.as_deref()?;
        let url = if image.contains("://") {
            image.to_string()
        } else {
            urls.permalink(image.trim_start_matches('/'))
        };
        let mime = crate::media::type_of(image);
        Some(Preview {
            url,
            size: None,
            mime: mime.starts_with("image/").then_some(mime),
            alt: config.title.clone(),
        })
    }

    /// The site's card, for the pages about the whole site (home, lists,
    /// taxonomies) when the site names no `image`. Its text alternative
    /// gives the site's figures, so only pages keyed by what they show use it.
    pub fn site_card(site: &Site, urls: &Urls) -> Option<Preview> {
        let config = &site.config;
        (config.social_cards && config.image.is_none()).then(|| {
            Preview::card(
                crate::cards::site_path(),
                crate::cards::site_alt(site),
                urls,
            )
        })
    }

    /// A skill's page: its cover, else its card, else its newest photo.
    pub fn skill(config: &Config, skill: &Skill, urls: &Urls, lang: &Language) -> Option<Preview> {
        if let Some(cover) = skill.cover.as_ref().and_then(|c| Preview::photo(c, urls)) {
            return Some(cover);
        }
        if config.social_cards {
            let alt = crate::cards::skill_alt(skill, lang);
            return Some(Preview::card(
                &crate::cards::skill_path(&skill.slug),
                alt,
                urls,
            ));
        }
        (skill.entries.iter().rev()).find_map(|e| first_photo(e, urls))
    }

    /// An entry's page: its first photo, else its card (a payoff's own, else
    /// its skill's).
    pub fn entry(
        config: &Config,
        source: &EntrySource,
        urls: &Urls,
        lang: &Language,
    ) -> Option<Preview> {
        let entry = source.entry;
        if let Some(photo) = first_photo(entry, urls) {
            return Some(photo);
        }
        if !config.social_cards {
            return None;
        }
        let (path, alt) = crate::cards::entry_card(
            source.skill_slug,
            &source.skill_card,
            entry,
            source.minutes_by_then,
            lang,
        );
        Some(Preview::card(&path, alt, urls))
    }

    /// Sets the template values of the preview: `image` (its URL, as before),
    /// `image_width`, `image_height`, `image_type` and `image_alt`.
    pub fn insert(preview: Option<&Preview>, c: &mut PageContext) {
        c.insert("image", &preview.map(|p| &p.url));
        c.insert("image_width", &preview.and_then(|p| p.size).map(|s| s.0));
        c.insert("image_height", &preview.and_then(|p| p.size).map(|s| s.1));
        c.insert("image_type", &preview.and_then(|p| p.mime));
        c.insert("image_alt", &preview.map(|p| &p.alt));
    }
}

fn first_photo(entry: &Entry, urls: &Urls) -> Option<Preview> {
    (entry.evidence.iter()).find_map(|e| Preview::photo(e, urls))
}
