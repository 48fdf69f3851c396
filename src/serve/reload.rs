//! Live reload: every page `serve` sends carries a small script that listens on a
//! Server-Sent Events stream. After a rebuild the page reloads (keeping its scroll
//! position), or only swaps its stylesheets when nothing but CSS changed; when a
//! rebuild fails it shows the error over the page until the next good build. The
//! script exists only in `serve`; `build` output never has it.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use super::State;

pub const EVENTS_PATH: &str = "/__skillfolio/events";

/// What browsers are told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Reload,
    Css,
    /// The rebuild failed; the text is the diagnostics, as printed in the terminal.
    Failed(String),
}

impl Event {
    /// The event in the text/event-stream format.
    fn encode(&self) -> String {
        match self {
            Event::Reload => "event: reload\ndata: \n\n".to_string(),
            Event::Css => "event: css\ndata: \n\n".to_string(),
            Event::Failed(text) => {
                let mut out = String::from("event: failed\n");
                for line in text.lines() {
                    out.push_str("data: ");
                    out.push_str(line);
                    out.push('\n');
                }
                out.push('\n');
                out
            }
        }
    }
}

/// The browsers listening for events.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    pub fn send(&self, event: &Event) {
        let message = event.encode();
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }
}

/// Registers a browser for events and returns what holds its connection open as
/// the event stream, first telling it whether the site currently builds.
pub fn subscribe(state: &State) -> Box<dyn FnOnce(TcpStream) + Send> {
    let (tx, rx) = mpsc::channel::<String>();
    let first = match state.error() {
        Some(text) => Event::Failed(text).encode(),
        None => "event: ok\ndata: \n\n".to_string(),
    };
    let _ = tx.send(first);
    if let Ok(mut clients) = state.hub.clients.lock() {
        clients.push(tx);
    }
    Box::new(move |mut writer: TcpStream| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        if writer
            .write_all(head.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
        loop {
            // A comment every so often finds out when the browser has gone away.
            let message = match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => ": still here\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if writer
                .write_all(message.as_bytes())
                .and_then(|()| writer.flush())
                .is_err()
            {
                return;
            }
        }
    })
}

const SCRIPT: &str = r#"<script>
(() => {
  const key = "skillfolio-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    addEventListener("load", () => scrollTo(0, Number(saved)));
  }
  let overlay = null;
  const show = (text) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "skillfolio-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(17,17,17,.95);color:#fde68a;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "The last edit broke the build. This page is from the last good build; fix the file and it will update by itself.\n\n" + text;
  };
  const hide = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const events = new EventSource("/__skillfolio/events");
  events.addEventListener("reload", () => {
    sessionStorage.setItem(key, String(scrollY));
    location.reload();
  });
  events.addEventListener("css", () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("v", String(Date.now()));
      link.href = url.href;
    }
  });
  events.addEventListener("failed", (e) => show(e.data));
  events.addEventListener("ok", hide);
})();
</script>
"#;

/// What `serve` answers while the site has never built: the error arrives over
/// the event stream and shows as the overlay; a fixed build reloads the page.
pub const BROKEN_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>The site does not build yet</title>\n</head>\n<body>\n<p>The site does not build yet; the terminal running <code>skillfolio serve</code> says why. This page reloads by itself once it builds.</p>\n</body>\n</html>\n";

/// Adds the live-reload script to a page, before `</body>` (or at the end).
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, SCRIPT.bytes());
    html
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_events_carry_every_line() {
        let e = Event::Failed("error: bad\n --> a.md:1:1".to_string()).encode();
        assert_eq!(
            e,
            "event: failed\ndata: error: bad\ndata:  --> a.md:1:1\n\n"
        );
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let html = inject(b"<html><body><p>x</p></body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(html.ends_with("</script>\n</body></html>"));
        assert!(html.contains(EVENTS_PATH));
    }
}
