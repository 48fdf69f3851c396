//! The evidence of an entry as shown on its card: a local file resolved to its
//! published URL, with its media type and size, or a link elsewhere, with its
//! host and, for videos, the site it is on. Evidence that cannot be found is an
//! error here, because only the link targets know what is published.

use std::path::Path;

use super::Evidence;
use crate::content::{EntrySource, EvidenceSource, Located, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::link_lookups::Lookups;
use crate::markdown;
use crate::urls::encode_path;

/// The evidence of entry `e`, whose file is in `log_dir`.
pub(super) fn evidence(
    e: &EntrySource,
    log_dir: &Path,
    links: &Lookups,
    lang: &Language,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Evidence> {
    let place = Place {
        file: &e.file,
        dir: log_dir,
        links,
        lang,
    };
    (e.evidence.iter())
        .filter_map(|item| place.resolve(item, diagnostics))
        .collect()
}

/// A skill's `cover`: a photo in a format every link preview shows.
pub(super) fn cover(
    item: &EvidenceSource,
    file: &SourceFile,
    dir: &Path,
    links: &Lookups,
    lang: &Language,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Evidence> {
    let place = Place {
        file,
        dir,
        links,
        lang,
    };
    let cover = place.resolve(item, diagnostics)?;
    // Judged by the file's type: `check` reads no image, so it has no sizes.
    if !previewable(&cover) {
        let why = if cover.external {
            "a link elsewhere"
        } else {
            "not a JPEG, PNG or WebP photo"
        };
        diagnostics.push(
            Diagnostic::error(format!("the cover `{}` is {why}", item.src.value.trim()))
                .at(&file.path, &file.text, item.src.span.start, item.src.span.len())
                .hint("a cover is a photo beside index.md, e.g. `cover = \"finished.jpg\"`: link previews show only JPEG, PNG and WebP"),
        );
        return None;
    }
    Some(cover)
}

/// Whether link previews and posters can show the file: a local JPEG, PNG or WebP.
fn previewable(e: &Evidence) -> bool {
    !e.external && matches!(e.mime, Some("image/jpeg" | "image/png" | "image/webp"))
}

/// Where evidence is named: the file, its folder and what the build publishes.
struct Place<'a> {
    file: &'a SourceFile,
    dir: &'a Path,
    links: &'a Lookups<'a>,
    /// Names a video nobody named: "Video on YouTube".
    lang: &'a Language,
}

impl Place<'_> {
    fn resolve(
        &self,
        item: &EvidenceSource,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Evidence> {
        let src = item.src.value.trim();
        let mut evidence = if src.starts_with("http://") || src.starts_with("https://") {
            external(item, src, self.lang)
        } else {
            self.local(item, &item.src, diagnostics)?
        };
        if let Some(poster) = &item.poster {
            match self.local(item, poster, diagnostics) {
                // Not found: already reported.
                None => {}
                Some(p) if previewable(&p) => evidence.poster = p.image,
                Some(_) => diagnostics.push(
                    Diagnostic::error(format!(
                        "the poster `{}` is not a JPEG, PNG or WebP image",
                        poster.value
                    ))
                    .at(&self.file.path, &self.file.text, poster.span.start, poster.span.len())
                    .hint("a poster is a still photo shown until the video plays, e.g. `poster = \"first-frame.jpg\"`"),
                ),
            }
        }
        Some(evidence)
    }

    /// A file of the site named by `name` (the item's `src` or its `poster`).
    fn local(
        &self,
        item: &EvidenceSource,
        name: &Located<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Evidence> {
        let (file, links) = (self.file, self.links);
        let src = name.value.trim();
        let places = crate::content::asset_candidates(self.dir, src);
        let resolved = places
            .iter()
            .find_map(|p| links.target(p).filter(|t| !t.ends_with('/')));
        let url = |target: &str| format!("{}{}", links.base_path(), encode_path(target));
        if let Some(why) = resolved.and_then(|t| links.refused(t)) {
            diagnostics.push(markdown::too_large(src, why).at(
                &file.path,
                &file.text,
                name.span.start,
                name.span.len(),
            ));
        }
        let Some(target) = resolved else {
            // The skill's folder, tried last, is where a skill keeps its photos.
            let hint = match places.last() {
                Some(first) => format!(
                    "add the file at {}, or correct the path: a name is looked for beside the entry's file, then beside the skill's index.md; a full https:// URL works too",
                    crate::content::shown(first)
                ),
                None => {
                    "a path names a file inside the skill's folder; a full https:// URL works too"
                        .to_string()
                }
            };
            diagnostics.push(
                Diagnostic::error(format!(
                    "evidence `{src}` not found: {}",
                    markdown::nowhere(&places)
                ))
                .at(&file.path, &file.text, name.span.start, name.span.len())
                .hint(hint),
            );
            return None;
        };
        if let Some(mime) = crate::media::unshown_image(target) {
            diagnostics.push(markdown::unshown(src, mime, true).at(
                &file.path,
                &file.text,
                name.span.start,
                name.span.len(),
            ));
        }
        let info = links.image(target);
        let length = links.length(target);
        Some(Evidence {
            url: url(target),
            kind: crate::media::kind_of(target),
            external: false,
            label: evidence_label(item, target.rsplit('/').next().unwrap_or(target)),
            alt: item.alt.clone(),
            caption: item.caption.clone(),
            host: None,
            provider: None,
            embed: None,
            poster: None,
            image: info.map(|i| i.view(url)),
            share: info.and_then(|i| i.shared(url)),
            mime: Some(crate::media::type_of(target)),
            length,
            file_name: target.rsplit('/').next().map(str::to_string),
            size: length.map(human_size),
        })
    }
}

/// Evidence on another site, shown as a link to it.
fn external(item: &EvidenceSource, src: &str, lang: &Language) -> Evidence {
    let rest = src.split("://").nth(1).unwrap_or("");
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .map(|h| h.rsplit('@').next().unwrap_or(h).to_string());
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let provider = host.as_deref().and_then(|h| video_provider(h, path));
    // An image elsewhere is shown as a link too: embedding it would make
    // every visitor's browser ask a third party for it.
    let kind = if provider.is_some() {
        "video_link"
    } else {
        "link"
    };
    Evidence {
        url: src.to_string(),
        kind,
        external: true,
        // A video nobody named is at least named for what it is.
        label: match provider {
            Some(p) => evidence_label(item, &lang.text("video_on", &[("provider", p)])),
            None => evidence_label(item, host.as_deref().unwrap_or(src)),
        },
        alt: item.alt.clone(),
        caption: item.caption.clone(),
        embed: provider.and_then(|p| embed_url(p, host.as_deref()?, path)),
        host,
        provider,
        poster: None,
        image: None,
        share: None,
        mime: None,
        length: None,
        file_name: None,
        size: None,
    }
}

/// A size in bytes as people read it: `812 bytes`, `14 kB`, `1.4 MB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.5 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// The address of a video's player, on the site's privacy-minded host where it
/// has one: YouTube's that sets no cookie, Vimeo's with "do not track". A page
/// loads it only once the visitor asks to play.
fn embed_url(provider: &str, host: &str, path: &str) -> Option<String> {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let route = route.split('#').next().unwrap_or(route);
    let param = |name: &str| {
        query
            .split(['&', '#'])
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let segment = |prefix: &str| {
        route
            .strip_prefix(prefix)
            .map(|rest| rest.split('/').next().unwrap_or(""))
            .filter(|id| is_video_id(id))
    };
    match provider {
        "YouTube" => {
            let id = if host.ends_with("youtu.be") {
                segment("/")
            } else {
                param("v")
                    .filter(|id| is_video_id(id))
                    .or_else(|| segment("/shorts/"))
                    .or_else(|| segment("/embed/"))
                    .or_else(|| segment("/live/"))
            }?;
            let start = param("t")
                .or_else(|| param("start"))
                .and_then(seconds)
                .map_or(String::new(), |s| format!("&start={s}"));
            Some(format!(
                "https://www.youtube-nocookie.com/embed/{id}?autoplay=1{start}"
            ))
        }
        "Vimeo" => {
            let id = route
                .trim_start_matches("/video/")
                .trim_start_matches('/')
                .split('/')
                .find(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))?;
            Some(format!(
                "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1"
            ))
        }
        "PeerTube" => {
            let id = segment("/w/")
                .or_else(|| segment("/videos/watch/"))
                .or_else(|| segment("/videos/embed/"))?;
            Some(format!(
                "https://{host}/videos/embed/{id}?autoplay=1&warningTitle=0"
            ))
        }
        _ => None,
    }
}

/// A video id as the sites write them: letters, digits, `-` and `_`, so
/// nothing from the URL can break out of the player's address.
fn is_video_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A start time as YouTube writes it: `90`, `90s` or `1m30s`.
fn seconds(t: &str) -> Option<u32> {
    if let Ok(s) = t.parse() {
        return Some(s);
    }
    let mut total = 0u32;
    let mut number = 0u32;
    for c in t.chars() {
        match c {
            '0'..='9' => number = number.checked_mul(10)?.checked_add(c.to_digit(10)?)?,
            'h' => total = total.checked_add(number.checked_mul(3600)?)?,
            'm' => total = total.checked_add(number.checked_mul(60)?)?,
            's' => total = total.checked_add(number)?,
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            number = 0;
        }
    }
    Some(total)
}

/// Which video site a URL is on, from its host and path. PeerTube runs on many
/// hosts, so it is known by its URL shapes.
fn video_provider(host: &str, path: &str) -> Option<&'static str> {
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(host);
    match host {
        "youtube.com" | "youtu.be" | "youtube-nocookie.com" | "music.youtube.com" => {
            Some("YouTube")
        }
        "vimeo.com" | "player.vimeo.com" => Some("Vimeo"),
        _ if path.starts_with("/w/")
            || path.starts_with("/videos/watch/")
            || path.starts_with("/videos/embed/") =>
        {
            Some("PeerTube")
        }
        _ => None,
    }
}

fn evidence_label(item: &EvidenceSource, fallback: &str) -> String {
    item.alt
        .as_deref()
        .or(item.caption.as_deref())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(fallback)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embed(url: &str) -> Option<String> {
        let rest = url.split("://").nth(1).unwrap();
        let host = rest.split(['/', '?']).next().unwrap();
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        embed_url(video_provider(host, path)?, host, path)
    }

    #[test]
    fn video_links_play_from_the_hosts_that_track_least() {
        let yt = |start: &str| {
            format!("https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1{start}")
        };
        assert_eq!(
            embed("https://www.youtube.com/watch?v=M7lc1UVf-VE"),
            Some(yt(""))
        );
        assert_eq!(
            embed("https://youtube.com/watch?list=x&v=M7lc1UVf-VE&t=1m30s"),
            Some(yt("&start=90"))
        );
        assert_eq!(
            embed("https://youtu.be/M7lc1UVf-VE?t=42"),
            Some(yt("&start=42"))
        );
        assert_eq!(
            embed("https://m.youtube.com/shorts/M7lc1UVf-VE"),
            Some(yt(""))
        );
        assert_eq!(
            embed("https://www.youtube.com/live/M7lc1UVf-VE?si=abc"),
            Some(yt(""))
        );
        assert_eq!(
            embed("https://vimeo.com/76979871"),
            Some("https://player.vimeo.com/video/76979871?dnt=1&autoplay=1".to_string())
        );
        assert_eq!(
            embed("https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"),
            Some("https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d?autoplay=1&warningTitle=0".to_string())
        );
        // A channel page or an id that could break out of the address: a plain link.
        assert_eq!(embed("https://www.youtube.com/@somechannel"), None);
        assert_eq!(
            embed("https://www.youtube.com/watch?v=x\"onload=alert(1)"),
            None
        );
        assert_eq!(embed("https://vimeo.com/channels/staffpicks"), None);
    }
}
