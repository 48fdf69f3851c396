//! The evidence of an entry as shown on its card: a local file resolved to its
//! published URL, with its media type and size, or a link elsewhere, with its
//! host and, for videos, the site it is on. Evidence that cannot be found is an
//! error here, because only the link targets know what is published.

use std::path::Path;

use super::Evidence;
use crate::content::{EntrySource, EvidenceSource};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Links};
use crate::urls::encode_path;

/// The evidence of entry `e`, whose file is in `log_dir`.
pub(super) fn evidence(
    e: &EntrySource,
    log_dir: &Path,
    links: &Links,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for item in &e.evidence {
        let src = item.src.value.trim();
        if src.starts_with("http://") || src.starts_with("https://") {
            evidence.push(external(item, src));
            continue;
        }
        let places = crate::content::asset_candidates(log_dir, src);
        let resolved = places
            .iter()
            .find_map(|p| links.targets.get(p).filter(|t| !t.ends_with('/')));
        let url = |target: &str| format!("{}{}", links.base_path, encode_path(target));
        if let Some(why) = resolved.and_then(|t| links.refused.get(t.as_str())) {
            diagnostics.push(markdown::too_large(src, why).at(
                &e.file.path,
                &e.file.text,
                item.src.span.start,
                item.src.span.len(),
            ));
        }
        match resolved {
            Some(target) => evidence.push(Evidence {
                url: url(target),
                kind: crate::media::kind_of(target),
                external: false,
                label: evidence_label(item, target.rsplit('/').next().unwrap_or(target)),
                alt: item.alt.clone(),
                caption: item.caption.clone(),
                host: None,
                provider: None,
                image: links.images.get(target.as_str()).map(|i| i.view(url)),
                mime: Some(crate::media::type_of(target)),
                length: links.lengths.get(target.as_str()).copied(),
                file_name: target.rsplit('/').next().map(str::to_string),
                size: links.lengths.get(target.as_str()).map(|&n| human_size(n)),
            }),
            None => {
                // The skill's folder, tried last, is where a skill keeps its photos.
                let hint = match places.last() {
                    Some(first) => format!(
                        "add the file at {}, or correct the path: a name is looked for beside the entry's file, then beside the skill's index.md; a full https:// URL works too",
                        crate::content::shown(first)
                    ),
                    None => "a path names a file inside the skill's folder; a full https:// URL works too".to_string(),
                };
                diagnostics.push(
                    Diagnostic::error(format!(
                        "evidence `{src}` not found: {}",
                        markdown::nowhere(&places)
                    ))
                    .at(
                        &e.file.path,
                        &e.file.text,
                        item.src.span.start,
                        item.src.span.len(),
                    )
                    .hint(hint),
                );
            }
        }
    }
    evidence
}

/// Evidence on another site, shown as a link to it.
fn external(item: &EvidenceSource, src: &str) -> Evidence {
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
        label: evidence_label(item, host.as_deref().unwrap_or(src)),
        alt: item.alt.clone(),
        caption: item.caption.clone(),
        host,
        provider,
        image: None,
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
