//! Connections, taken from the listening socket here rather than inside
//! tiny_http, because this is where a server that may face a network has to be
//! bounded. tiny_http 0.12 reads a request head line by line into memory with no
//! limit, sets no timeout on its sockets, keeps a thread for every connection for
//! as long as the client holds it open, cannot be handed a connection it did not
//! accept, and leaves a request line naming another HTTP version unanswered. So
//! this module accepts and counts connections, turns away those past the cap with
//! a 503, reads each request head within a size limit and a deadline, and answers
//! what it cannot read with the fitting status; tiny_http's `Response` still
//! writes every answer.

use std::io::{self, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tiny_http::{HTTPVersion, Header, Response, ResponseBox};

/// The bounds every connection is held to. `serve` uses [`Limits::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest request line (method, target and version), in bytes.
    pub request_line: usize,
    /// The largest request head (request line and headers), in bytes.
    pub head: usize,
    /// How long a request head may take to arrive in full, counted from the
    /// connection's opening or from the end of the previous response.
    pub timeout: Duration,
    /// How many connections may be open at once.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            request_line: 8 * 1024,
            head: 64 * 1024,
            timeout: Duration::from_secs(5),
            connections: 256,
        }
    }
}

/// A client that stops reading for this long is gone: its connection closes
/// instead of holding a thread on a full socket.
const WRITE_STALL: Duration = Duration::from_secs(30);

/// How long, and how many bytes, a refused request is read on after its answer,
/// so the answer reaches the client before the connection closes (closing a
/// socket with unread bytes resets it, and the reset can overtake the answer).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1024 * 1024;

/// A request head, read and checked.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    minor: u8,
    headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn keep_alive(&self) -> bool {
        let tokens = self.header("Connection").unwrap_or("").to_ascii_lowercase();
        let has = |token: &str| tokens.split(',').any(|t| t.trim() == token);
        !has("close") && (self.minor == 1 || has("keep-alive"))
    }

    /// Whether a body follows the head. No request served here has one, so
    /// its connection is closed after the answer rather than read past it.
    fn has_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self
                .header("Content-Length")
                .is_some_and(|l| l.trim() != "0")
    }
}

/// What the site answers a request with.
pub enum Reply {
    Response(ResponseBox),
    /// The connection, handed over for as long as the closure runs (the
    /// live-reload event stream). It still counts against the cap.
    Stream(Box<dyn FnOnce(TcpStream) + Send>),
}

pub type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The client closed the connection, or said nothing until the deadline,
    /// before a request began: there is nobody to answer.
    Gone,
    /// A request began but its head did not arrive in time.
    TimedOut,
    LineTooLong,
    HeadTooLarge,
    /// A request line naming an HTTP version other than 1.0 and 1.1.
    Version,
    Malformed(&'static str),
}

impl HeadError {
    /// The status and text to answer with, if any.
    fn answer(&self, limits: &Limits) -> Option<(u16, String)> {
        Some(match self {
            HeadError::Gone => return None,
            HeadError::TimedOut => (408, "The request did not arrive in time.\n".into()),
            HeadError::LineTooLong => (
                414,
                format!(
                    "The request line is longer than {} bytes.\n",
                    limits.request_line
                ),
            ),
            HeadError::HeadTooLarge => (
                431,
                format!("The request headers exceed {} bytes.\n", limits.head),
            ),
            HeadError::Version => (505, "This server speaks HTTP/1.0 and HTTP/1.1.\n".into()),
            HeadError::Malformed(why) => (400, format!("Bad request: {why}.\n")),
        })
    }
}

/// Accepts connections until the listener fails, each on a thread of its own
/// while there are fewer than `limits.connections`, and answers the rest with
/// 503 at once.
pub fn run(listener: TcpListener, limits: Limits, handler: Arc<Handler>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was
                // taken: wait a moment rather than spin.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        // Only this thread adds, so a count read here can only have gone down.
        if open.load(Ordering::Acquire) >= limits.connections {
            turn_away(stream);
            continue;
        }
        open.fetch_add(1, Ordering::AcqRel);
        let slot = Slot(Arc::clone(&open));
        let handler = Arc::clone(&handler);
        let spawned = std::thread::Builder::new()
            .name("serve-connection".into())
            .spawn(move || {
                let _slot = slot;
                connection(stream, &limits, &*handler);
            });
        if spawned.is_err() {
            // The closure, slot and stream with it, is dropped: the count
            // goes back down and the client sees the connection close.
            continue;
        }
    }
}

/// One open connection in the count; dropping it frees its place.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection past the cap without a thread: the few bytes of the
/// answer fit the socket's buffer, so nothing here waits on the client.
fn turn_away(stream: TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    // What the client has sent already is read, so closing does not reset the
    // connection under the answer.
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        match (&stream).read(&mut sink) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
    let response = Response::from_string("The server is busy; try again in a moment.\n")
        .with_status_code(503)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Retry-After", "1"))
        .with_header(header("Connection", "close"));
    let mut bytes = Vec::new();
    if response
        .raw_print(&mut bytes, HTTPVersion(1, 1), &[], false, None)
        .is_ok()
    {
        let _ = (&stream).write_all(&bytes);
    }
    let _ = stream.shutdown(Shutdown::Write);
}

fn connection(stream: TcpStream, limits: &Limits, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_STALL));
    // Bytes read past one request head: the start of the next.
    let mut pending = Vec::new();
    loop {
        let mut source = Deadline {
            stream: &stream,
            at: Instant::now() + limits.timeout,
        };
        let request = match read_head(&mut source, &mut pending, limits) {
            Ok(request) => request,
            Err(error) => {
                if let Some((status, text)) = error.answer(limits) {
                    let response = Response::from_string(text)
                        .with_status_code(status)
                        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
                        .boxed();
                    let _ = send(&stream, response, 1, false, false);
                    linger_close(&stream);
                }
                return;
            }
        };
        let keep_alive = request.keep_alive() && !request.has_body();
        match handler(&request) {
            Reply::Response(response) => {
                let head_only = request.method == "HEAD";
                if send(&stream, response, request.minor, keep_alive, head_only).is_err() {
                    return;
                }
                if !keep_alive {
                    if request.has_body() {
                        linger_close(&stream);
                    } else {
                        let _ = stream.shutdown(Shutdown::Both);
                    }
                    return;
                }
            }
            Reply::Stream(run) => {
                let _ = stream.set_read_timeout(None);
                run(stream);
                return;
            }
        }
    }
}

fn send(
    stream: &TcpStream,
    mut response: ResponseBox,
    minor: u8,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    if !keep_alive {
        response.add_header(header("Connection", "close"));
    } else if minor == 0 {
        // An HTTP/1.0 client that asked to keep the connection waits for its
        // close unless told it is kept.
        response.add_header(header("Connection", "keep-alive"));
    }
    // Every body's length is known: it is sent with Content-Length rather
    // than chunked, which media players need to seek.
    let response = response.with_chunked_threshold(usize::MAX);
    let mut writer = BufWriter::with_capacity(16 * 1024, stream);
    response.raw_print(&mut writer, HTTPVersion(1, minor), &[], head_only, None)?;
    writer.flush()
}

/// Closes after a refused request: no more is written, and what the client is
/// still sending is read and dropped for a bounded while.
fn linger_close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut sink = [0u8; 8192];
    let mut read = 0;
    let mut source = Deadline { stream, at: until };
    while read < LINGER_BYTES {
        match source.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
}

pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid header"))
}

/// A socket read against one deadline for the whole request head, so a client
/// sending a byte now and then cannot stretch it.
struct Deadline<'a> {
    stream: &'a TcpStream,
    at: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// Reads one request head from `source`, starting with the `pending` bytes
/// already read, and leaves in `pending` whatever follows it. Never holds more
/// than `limits.head` bytes and one read's worth besides.
pub fn read_head(
    source: &mut impl Read,
    pending: &mut Vec<u8>,
    limits: &Limits,
) -> Result<Request, HeadError> {
    let mut chunk = [0u8; 8192];
    loop {
        // Empty lines before a request line are ignored (RFC 9112, 2.2).
        let blank = pending.iter().take_while(|b| matches!(b, b'\r' | b'\n'));
        let blank = blank.count();
        pending.drain(..blank);
        if let Some(end) = head_end(pending) {
            if end > limits.head {
                return Err(HeadError::HeadTooLarge);
            }
            let head: Vec<u8> = pending.drain(..end).collect();
            return parse_head(&head, limits);
        }
        let line = pending.iter().position(|&b| b == b'\n');
        if line.unwrap_or(pending.len()) > limits.request_line + 1 {
            return Err(HeadError::LineTooLong);
        }
        if pending.len() > limits.head {
            return Err(HeadError::HeadTooLarge);
        }
        let silent = pending.is_empty();
        match source.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                return Err(if silent {
                    HeadError::Gone
                } else {
                    HeadError::TimedOut
                });
            }
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

/// Where the head ends: just past its first empty line (CRLF or bare LF).
fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == b'\n') {
        let next = from + at + 1;
        match bytes.get(next..) {
            Some([b'\n', ..]) => return Some(next + 1),
            Some([b'\r', b'\n', ..]) => return Some(next + 2),
            _ => from = next,
        }
    }
    None
}

fn parse_head(head: &[u8], limits: &Limits) -> Result<Request, HeadError> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let line = lines.next().unwrap_or_default();
    if line.len() > limits.request_line {
        return Err(HeadError::LineTooLong);
    }
    if line.iter().any(|&b| !(b' '..=b'~').contains(&b)) {
        return Err(HeadError::Malformed(
            "the request line is not printable ASCII",
        ));
    }
    let line = String::from_utf8_lossy(line);
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(HeadError::Malformed(
            "the request line is not `METHOD target HTTP/1.1`",
        ));
    };
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        _ if is_http_version(version) => return Err(HeadError::Version),
        _ => return Err(HeadError::Malformed("no HTTP version")),
    };
    if method.is_empty() || !method.bytes().all(is_token) {
        return Err(HeadError::Malformed("the method is not a token"));
    }
    if target.is_empty() {
        return Err(HeadError::Malformed("no request target"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(HeadError::Malformed("a header is folded over lines"));
        }
        let colon = line.iter().position(|&b| b == b':');
        let Some((name, value)) = colon.map(|at| (&line[..at], &line[at + 1..])) else {
            return Err(HeadError::Malformed("a header line has no colon"));
        };
        if name.is_empty() || !name.iter().copied().all(is_token) {
            return Err(HeadError::Malformed("a header name is not a token"));
        }
        if value.iter().any(|&b| (b < b' ' && b != b'\t') || b == 0x7f) {
            return Err(HeadError::Malformed("a header value holds a control byte"));
        }
        headers.push((
            String::from_utf8_lossy(name).into_owned(),
            String::from_utf8_lossy(value).trim().to_string(),
        ));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        minor,
        headers,
    })
}

/// `HTTP/` and a version number: one this server does not speak, rather than
/// a garbled line.
fn is_http_version(text: &str) -> bool {
    let Some(number) = text.strip_prefix("HTTP/") else {
        return false;
    };
    let (major, minor) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Request, HeadError> {
        read_head(&mut &bytes[..], &mut Vec::new(), &Limits::default())
    }

    #[test]
    fn a_plain_head_is_read_and_what_follows_is_kept() {
        let mut pending = Vec::new();
        let raw = b"\r\nGET /a%20b/?x=1 HTTP/1.1\r\nHost: x\r\nRange:  bytes=0-1 \r\n\r\nGET / HTTP/1.0\n\n";
        let request = read_head(&mut &raw[..], &mut pending, &Limits::default()).unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/a%20b/?x=1");
        assert_eq!(request.header("range"), Some("bytes=0-1"));
        assert!(request.keep_alive());
        assert_eq!(pending, b"GET / HTTP/1.0\n\n");
        let next = read_head(&mut &b""[..], &mut pending, &Limits::default()).unwrap();
        assert!(!next.keep_alive(), "HTTP/1.0 closes unless asked not to");
    }

    #[test]
    fn other_versions_are_505_and_garbage_is_400() {
        for line in ["HTTP/2.0", "HTTP/3", "HTTP/0.9", "HTTP/1.2", "HTTP/10.1"] {
            let raw = format!("GET / {line}\r\n\r\n");
            assert_eq!(
                read(raw.as_bytes()).unwrap_err(),
                HeadError::Version,
                "{line}"
            );
        }
        for raw in [
            "GET /\r\n\r\n",
            "GET / http/1.1\r\n\r\n",
            "GET / HTTP/x\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET /\u{e9} HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(read(raw.as_bytes()), Err(HeadError::Malformed(_))),
                "{raw:?}"
            );
        }
    }

    /// A source that never ends, counting what is taken from it.
    struct Endless<'a>(&'a [u8], usize);

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn long_lines_and_heads_are_refused_without_reading_on() {
        let limits = Limits::default();
        let mut source = Endless(&[b'a'; 4096], 0);
        let error = read_head(&mut source, &mut Vec::new(), &limits).unwrap_err();
        assert_eq!(error, HeadError::LineTooLong);
        assert!(source.1 < limits.request_line + 16 * 1024, "{}", source.1);

        let header = b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        let mut pending = b"GET / HTTP/1.1\r\n".to_vec();
        let mut source = Endless(header, 0);
        let error = read_head(&mut source, &mut pending, &limits).unwrap_err();
        assert_eq!(error, HeadError::HeadTooLarge);
        assert!(pending.len() < limits.head + 16 * 1024);
    }

    #[test]
    fn silence_and_a_half_sent_head_are_told_apart() {
        struct Stalled<'a>(&'a [u8]);
        impl Read for Stalled<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let limits = Limits::default();
        let silent = read_head(&mut Stalled(b""), &mut Vec::new(), &limits);
        assert_eq!(silent.unwrap_err(), HeadError::Gone);
        let half = read_head(
            &mut Stalled(b"GET / HTTP/1.1\r\nHo"),
            &mut Vec::new(),
            &limits,
        );
        assert_eq!(half.unwrap_err(), HeadError::TimedOut);
    }

    #[test]
    fn a_request_with_a_body_ends_its_connection() {
        let post = read(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        assert!(post.has_body());
        let get = read(b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert!(!get.has_body());
        let close = read(b"GET / HTTP/1.1\r\nConnection: Keep-Alive, close\r\n\r\n").unwrap();
        assert!(!close.keep_alive());
    }
}
