//! The media type of a published file, for the build (evidence kinds, feed
//! enclosures, JSON Feed attachments, `check`'s image lint) and for `serve`'s
//! `Content-Type` alike, so a file is announced the same way wherever it goes.
//! The table is `mime_guess`'s (the shared-mime-info and Apache lists); the few
//! names below override it where it still gives a type the registrations have
//! since replaced.

/// The media type of `path`, by its file name; `application/octet-stream` when
/// the extension says nothing.
pub fn type_of(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    // The build names every Atom feed `atom.xml`; a feed reader and a browser
    // tell a feed from other XML by this type.
    if name.eq_ignore_ascii_case("atom.xml") {
        return "application/atom+xml";
    }
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        // RFC 7303: text/xml is kept only for old clients.
        "xml" => "application/xml",
        // RFC 8081 registered the font/ types.
        "woff" => "font/woff",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        // RFC 9239: JavaScript is text/javascript, modules included.
        "js" | "mjs" => "text/javascript",
        _ => mime_guess::from_ext(ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

/// The image types every current browser shows in an `<img>`.
const SHOWN_IMAGES: [&str; 9] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/svg+xml",
    "image/bmp",
    "image/x-icon",
    "image/vnd.microsoft.icon",
];

/// The media type of an image at `path` that browsers do not show, or only
/// Safari does: a phone's HEIC, a TIFF, a camera's raw file. On a page it
/// would be a broken picture, so it is offered as a download.
pub fn unshown_image(path: &str) -> Option<&'static str> {
    let mime = type_of(path);
    (mime.starts_with("image/") && !SHOWN_IMAGES.contains(&mime)).then_some(mime)
}

/// What a published file shows as, by its media type: `image`, `video`, or
/// `file` for anything else, which is offered as a download.
pub fn kind_of(path: &str) -> &'static str {
    let mime = type_of(path);
    if mime.starts_with("image/") && unshown_image(path).is_none() {
        "image"
    } else if mime.starts_with("video/") {
        "video"
    } else {
        "file"
    }
}

/// The `Content-Type` header for `path`: its media type, with the charset for
/// the textual types whose bytes the build writes as UTF-8. JSON takes no
/// charset parameter (RFC 8259: it is always UTF-8).
pub fn content_type(path: &str) -> String {
    let media = type_of(path);
    let textual =
        media.starts_with("text/") || media == "application/xml" || media.ends_with("+xml");
    // SVG declares its own encoding and is usually an image, not a document.
    if textual && media != "image/svg+xml" {
        format!("{media}; charset=utf-8")
    } else {
        media.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_browsers_cannot_show_are_files() {
        for path in [
            "IMG_0042.HEIC",
            "IMG_0043.heif",
            "scan.tiff",
            "raw/DSC_0001.dng",
        ] {
            assert!(unshown_image(path).is_some(), "{path}");
            assert_eq!(kind_of(path), "file", "{path}");
        }
        for path in ["photo.JPG", "a.png", "b.webp", "c.avif", "d.gif", "pan.svg"] {
            assert_eq!(unshown_image(path), None, "{path}");
            assert_eq!(kind_of(path), "image", "{path}");
        }
    }

    #[test]
    fn the_types_a_portfolio_publishes() {
        for (path, media) in [
            ("evidence/fold.mp4", "video/mp4"),
            ("fold.WEBM", "video/webm"),
            ("pan.svg", "image/svg+xml"),
            ("a/b.webp", "image/webp"),
            ("c.avif", "image/avif"),
            ("photo.JPG", "image/jpeg"),
            ("skills/omelette/atom.xml", "application/atom+xml"),
            ("atom.xml", "application/atom+xml"),
            ("sitemap.xml", "application/xml"),
            ("feed.json", "application/json"),
            ("robots.txt", "text/plain"),
            ("timings.pdf", "application/pdf"),
            ("fonts/inter.woff2", "font/woff2"),
            ("fonts/inter.woff", "font/woff"),
            ("index.html", "text/html"),
            ("style.css", "text/css"),
            ("app.mjs", "text/javascript"),
            ("notes", "application/octet-stream"),
            ("archive.unknownext", "application/octet-stream"),
        ] {
            assert_eq!(type_of(path), media, "{path}");
        }
    }

    #[test]
    fn text_is_announced_as_utf8_and_binary_is_not() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("feed.json"), "application/json");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("fold.mp4"), "video/mp4");
    }
}
