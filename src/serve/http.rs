//! Answering one HTTP request from the in-memory build. Paths are looked up in
//! the build's own list of files, never joined onto a folder, so no spelling of
//! `..` can reach a file outside the site; odd spellings are refused outright.

use std::io::{Cursor, Read, Seek, SeekFrom};

use tiny_http::{Header, Response, ResponseBox, StatusCode};

use super::conn::{Reply, Request, header};
use super::{Body, State, reload};

pub fn handle(request: &Request, state: &State) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response = text(405, "Only GET and HEAD are allowed here.\n")
            .with_header(header("Allow", "GET, HEAD"));
        return Reply::Response(response.boxed());
    }
    let url = request.target.as_str();
    let (path, query) = match url.split_once(['?', '#']) {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    if path == reload::EVENTS_PATH {
        return Reply::Stream(reload::subscribe(state));
    }
    let Some(path) = clean_path(path) else {
        return Reply::Response(text(400, "Bad request path.\n").boxed());
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
        return Reply::Response(response.boxed());
    }
    let html = |name: &str| crate::media::type_of(name) == "text/html";
    let (status, name, body) = match snapshot.open(&target) {
        // Pages carry the live-reload script, so their bytes are the page's
        // with it; ranges below count in those.
        Some(_) if html(&target) => match snapshot.bytes(&target) {
            Some(page) => (200, target, Body::memory(reload::inject(page))),
            None => (404, target, Body::memory(b"Not found.\n".to_vec())),
        },
        Some(body) => (200, target, body),
        None => match snapshot.bytes("404.html") {
            Some(page) => (
                404,
                "404.html".to_string(),
                Body::memory(reload::inject(page)),
            ),
            // No good build yet: a page that shows why, and reloads once fixed.
            None => match state.error() {
                Some(_) => (
                    503,
                    "error.html".to_string(),
                    Body::memory(reload::inject(reload::BROKEN_PAGE.as_bytes().to_vec())),
                ),
                None => (
                    404,
                    "404.txt".to_string(),
                    Body::memory(b"Not found.\n".to_vec()),
                ),
            },
        },
    };
    let mut headers = vec![
        header("Content-Type", &crate::media::content_type(&name)),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ];
    if status != 200 {
        return Reply::Response(respond(status, headers, body.reader, body.len));
    }
    headers.push(header("Accept-Ranges", "bytes"));
    // If-Range names a version to resume; this server gives files no
    // validators, so no version can match and the whole file is sent.
    let asked = request
        .header("Range")
        .filter(|_| request.header("If-Range").is_none());
    let response = match byte_range(asked, body.len) {
        Ranged::Whole => respond(200, headers, body.reader, body.len),
        Ranged::Part(first, last) => {
            let mut reader = body.reader;
            if reader.seek(SeekFrom::Start(first)).is_err() {
                return Reply::Response(text(500, "Could not read the file.\n").boxed());
            }
            let len = last - first + 1;
            let range = format!("bytes {first}-{last}/{}", body.len);
            headers.push(header("Content-Range", &range));
            respond(206, headers, Box::new(reader.take(len)), len)
        }
        Ranged::Unsatisfiable => {
            let range = format!("bytes */{}", body.len);
            let message = "The range asked for is outside the file.\n";
            text(416, message)
                .with_header(header("Content-Range", &range))
                .with_header(header("Accept-Ranges", "bytes"))
                .boxed()
        }
    };
    Reply::Response(response)
}

fn respond(status: u16, headers: Vec<Header>, body: Box<dyn Read + Send>, len: u64) -> ResponseBox {
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    Response::new(StatusCode(status), headers, body, Some(len), None)
}

fn text(status: u16, body: &str) -> Response<Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// What a `Range` header asks of a file of a given length.
#[derive(Debug, PartialEq, Eq)]
pub enum Ranged {
    Whole,
    /// The first and last byte, both included.
    Part(u64, u64),
    Unsatisfiable,
}

/// Reads a `Range` header (RFC 9110, 14.1.2). One range is answered as asked;
/// several are answered with the whole file, which the RFC allows and which
/// spares a multipart body; a header that is not a byte range is ignored.
pub fn byte_range(header: Option<&str>, len: u64) -> Ranged {
    let Some((unit, spec)) = header.and_then(|h| h.trim().split_once('=')) else {
        return Ranged::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // A number past u64 is past any file's end.
    let number = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
    let (first, last) = (first.trim(), last.trim());
    match (digits(first), digits(last)) {
        (false, true) if first.is_empty() => match number(last) {
            0 => Ranged::Unsatisfiable,
            _ if len == 0 => Ranged::Unsatisfiable,
            n => Ranged::Part(len - n.min(len), len - 1),
        },
        (true, false) if last.is_empty() => match number(first) {
            a if a >= len => Ranged::Unsatisfiable,
            a => Ranged::Part(a, len - 1),
        },
        (true, true) => match (number(first), number(last)) {
            (a, b) if b < a => Ranged::Whole,
            (a, _) if a >= len => Ranged::Unsatisfiable,
            (a, b) => Ranged::Part(a, b.min(len - 1)),
        },
        _ => Ranged::Whole,
    }
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
    fn byte_ranges_as_rfc_9110_reads_them() {
        use Ranged::*;
        let cases: &[(Option<&str>, u64, Ranged)] = &[
            (None, 10, Whole),
            (Some("bytes=0-3"), 10, Part(0, 3)),
            (Some("bytes=4-"), 10, Part(4, 9)),
            (Some("bytes=-3"), 10, Part(7, 9)),
            (Some("bytes=-30"), 10, Part(0, 9)),
            (Some("bytes=5-500"), 10, Part(5, 9)),
            (Some("Bytes = 9-9"), 10, Part(9, 9)),
            (Some("bytes=0-99999999999999999999999"), 10, Part(0, 9)),
            (Some("bytes=10-"), 10, Unsatisfiable),
            (Some("bytes=10-20"), 10, Unsatisfiable),
            (Some("bytes=99999999999999999999999-"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-"), 0, Unsatisfiable),
            (Some("bytes=-5"), 0, Unsatisfiable),
            (Some("bytes=0-1,4-5"), 10, Whole),
            (Some("bytes=5-2"), 10, Whole),
            (Some("bytes=a-b"), 10, Whole),
            (Some("bytes=-"), 10, Whole),
            (Some("lines=0-1"), 10, Whole),
            (Some("bytes 0-1"), 10, Whole),
        ];
        for (header, len, expected) in cases {
            assert_eq!(&byte_range(*header, *len), expected, "{header:?} of {len}");
        }
    }
}
