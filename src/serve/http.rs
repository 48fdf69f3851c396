//! Answering one HTTP request from the in-memory build. Paths are looked up in
//! the build's own list of files, never joined onto a folder, so no spelling of
//! `..` can reach a file outside the site; odd spellings are refused outright.

use std::io::Cursor;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{State, reload};

pub fn handle(request: Request, state: &State) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = text(405, "Only GET and HEAD are allowed here.\n")
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let (path, query) = match url.split_once(['?', '#']) {
        Some((p, q)) => (p, Some(q)),
        None => (url.as_str(), None),
    };
    if path == reload::EVENTS_PATH {
        reload::subscribe(request, state);
        return;
    }
    let Some(path) = clean_path(path) else {
        let _ = request.respond(text(400, "Bad request path.\n"));
        return;
    };
    let snapshot = state.snapshot();
    let target = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if snapshot.get(&target).is_none() && snapshot.get(&format!("{path}/index.html")).is_some() {
        // A folder asked for without its slash: send the browser to the real URL,
        // so relative links on the page resolve.
        let location = match query {
            Some(q) => format!("/{path}/?{q}"),
            None => format!("/{path}/"),
        };
        let response = text(301, "Moved.\n").with_header(header("Location", &location));
        let _ = request.respond(response);
        return;
    }
    let (status, name, body) = match snapshot.bytes(&target) {
        Some(body) => (200, target, body),
        None => match snapshot.bytes("404.html") {
            Some(body) => (404, "404.html".to_string(), body),
            // No good build yet: a page that shows why, and reloads once fixed.
            None => match state.error() {
                Some(_) => (
                    503,
                    "error.html".to_string(),
                    reload::BROKEN_PAGE.as_bytes().to_vec(),
                ),
                None => (404, "404.txt".to_string(), b"Not found.\n".to_vec()),
            },
        },
    };
    let mime = mime_type(&name);
    let body = if mime.starts_with("text/html") {
        reload::inject(body)
    } else {
        body
    };
    let response = Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", mime),
            header("Cache-Control", "no-store"),
            header("X-Content-Type-Options", "nosniff"),
        ],
        Cursor::new(body.clone()),
        Some(body.len()),
        None,
    );
    let _ = request.respond(response);
}

fn text(status: u16, body: &str) -> Response<Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid header"))
}

/// The request path without its leading `/`, percent-decoded, or `None` when it
/// could mean anything but a plain file of the site: `..` or `.` segments,
/// backslashes, NUL, empty segments, invalid UTF-8, or not starting with `/`.
pub fn clean_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    let decoded = percent_decode(rest)?;
    let bad_segment = decoded.split('/').enumerate().any(|(i, s)| {
        s == ".." || s == "." || (s.is_empty() && i + 1 < decoded.split('/').count())
    });
    if bad_segment || decoded.contains(['\\', '\0']) || decoded.starts_with('/') {
        return None;
    }
    Some(decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime_type(path: &str) -> &'static str {
    if path.ends_with("atom.xml") {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_pass() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/skills/a%20b/").as_deref(), Some("skills/a b/"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2e%2e%2f%2e%2e/x",
            "/..%5c..%5cetc",
            "/a\\b",
            "//etc/passwd",
            "/a//b",
            "/x%00.html",
            "/%c0%ae%c0%ae/",
            "/%zz",
            "http://127.0.0.1/etc/passwd",
            "/./a",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn types_for_what_sites_hold() {
        assert_eq!(mime_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("x.SVG"), "image/svg+xml");
        assert_eq!(mime_type("sitemap.xml"), "application/xml");
        assert_eq!(
            mime_type("skills/a/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(mime_type("f.woff2"), "font/woff2");
    }
}
