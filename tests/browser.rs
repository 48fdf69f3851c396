//! Live reload in a real browser: headless Chromium, driven over WebDriver by
//! chromedriver, opens a page served by `serve`; the test edits the content file
//! behind it and watches the open page reload with the new text, show a broken
//! edit as an overlay, and recover. Where Chromium or chromedriver is missing the
//! test says so and skips, except under CI, where that is a failure.

mod common;

use std::fs;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::fixture;
use common::http::{Server, request};
use serde_json::{Value, json};

const ENTRY: &str = "content/skills/perfect-omelette/log/2026-10-01-first.md";

struct Driver {
    child: Child,
    addr: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start(chromium: &str, chromedriver: &str) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::TempDir::new().unwrap();
        let capabilities = json!({
            "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    // Nothing leaves the machine: every other host fails to resolve.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }}}
        });
        let mut driver = Driver {
            child,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let created = driver.call("POST", "/session", Some(capabilities));
        driver.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let response = request(&self.addr, method, path, body.as_deref());
        let value: Value = serde_json::from_slice(&response.body).unwrap_or_else(|_| {
            panic!(
                "chromedriver answered {}: {}",
                response.status,
                response.text()
            )
        });
        value["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({ "url": url })),
        );
    }

    fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Evaluates `script` until it returns true.
    fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.eval(script) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(
                &self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<String> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}

/// Chromium and chromedriver, or `None` with the reason printed where they are
/// missing; under CI a missing browser fails the test.
fn browser() -> Option<(String, String)> {
    let tools = (
        find("chromium").or_else(|| find("chromium-browser")),
        find("chromedriver"),
    );
    let (Some(chromium), Some(chromedriver)) = tools else {
        let reason = "skipping the browser test: chromium and chromedriver are not both installed (apt-get install chromium chromium-driver)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{reason}, and under CI this test must run"
        );
        eprintln!("{reason}");
        return None;
    };
    Some((chromium, chromedriver))
}

#[test]
fn an_open_page_reloads_after_an_edit_and_shows_a_broken_one() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let site = fixture("site");
    let server = Server::start(site.path());
    let driver = Driver::start(&chromium, &chromedriver);
    let url = format!(
        "http://{}/skills/perfect-omelette/2026-10-01-first/",
        server.addr
    );
    driver.open(&url);
    driver.wait_until(
        "the page is shown",
        "return document.body.innerText.includes('Beans in a cold pan.')",
    );
    // Marks this copy of the page: a reload replaces the window's state.
    driver.eval("window.beforeReload = true; return true");

    let path = site.path().join(ENTRY);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("Beans in a cold pan.", "Lentils in a cold pan."),
    )
    .unwrap();
    driver.wait_until(
        "the page reloads with the edit",
        "return window.beforeReload === undefined && document.body.innerText.includes('Lentils in a cold pan.')",
    );

    fs::write(
        &path,
        text.replace("kind = \"practice\"", "kind = \"practis\""),
    )
    .unwrap();
    driver.wait_until(
        "the error is shown over the page",
        "const o = document.getElementById('skillfolio-error'); return o !== null && o.textContent.includes('unknown kind `practis`')",
    );
    assert_eq!(
        driver.eval("return document.body.innerText.includes('Lentils in a cold pan.')"),
        Value::Bool(true),
        "the last good page stays under the overlay"
    );

    fs::write(
        &path,
        text.replace("Beans in a cold pan.", "Chickpeas in a cold pan."),
    )
    .unwrap();
    driver.wait_until(
        "the fixed page replaces the overlay",
        "return document.getElementById('skillfolio-error') === null && document.body.innerText.includes('Chickpeas in a cold pan.')",
    );

    // A stylesheet change swaps the stylesheets in place, without a reload.
    driver.eval("window.beforeCss = true; return true");
    fs::write(
        site.path().join("static/style.css"),
        "body { background: rgb(1, 2, 3); }\n",
    )
    .unwrap();
    driver.wait_until(
        "the new stylesheet applies without a reload",
        "return window.beforeCss === true && getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
    );
}

#[test]
fn a_video_link_becomes_a_player_only_when_clicked() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let site = fixture("stranger");
    let server = Server::start(site.path());
    let driver = Driver::start(&chromium, &chromedriver);
    let page = "skills/sourdough-loaf/2026-11-21-shaping-for-the-camera/";
    let listed = request(&server.addr, "GET", "/", None).text();
    // `serve` publishes at the root or under the base path; follow its links.
    let prefix = if listed.contains("href=\"/skills/skills/") {
        "/skills/"
    } else {
        "/"
    };
    driver.open(&format!("http://{}{prefix}{page}", server.addr));
    driver.wait_until(
        "the page is shown",
        "return document.readyState === 'complete' && document.querySelector('a[data-embed]') !== null",
    );
    // Scrolled into view so lazy images load: still nothing from elsewhere.
    driver.eval("document.querySelector('a[data-embed]').scrollIntoView(); return true");
    std::thread::sleep(Duration::from_millis(300));
    let elsewhere = driver.eval(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin))",
    );
    assert_eq!(
        elsewhere,
        json!([]),
        "requests to other sites before a click"
    );
    assert_eq!(
        driver.eval("return document.querySelectorAll('iframe').length"),
        json!(0)
    );

    driver.eval("document.querySelector('a[data-embed]').click(); return true");
    driver.wait_until(
        "the player replaces the link",
        "const f = document.querySelector('iframe'); return f !== null && f.src === 'https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1&start=42' && f.title.startsWith('Pre-shape, bench rest')",
    );
    // The page did not navigate away: the click was taken by the player.
    assert_eq!(
        driver.eval("return location.pathname.endsWith('/2026-11-21-shaping-for-the-camera/')"),
        json!(true)
    );
}
