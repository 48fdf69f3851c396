//! `serve` as a writer uses it: a copy of a fixture served on a free port, edited
//! while it runs. The served site must follow every edit, survive a broken one,
//! refuse paths outside the site, and end up equal to a fresh full build.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::http::{Server, request, request_with};
use common::{fixture, read, run, stderr, tree};

const ENTRY: &str = "content/skills/perfect-omelette/log/2026-10-01-first.md";
const ENTRY_URL: &str = "/skills/perfect-omelette/2026-10-01-first/";

fn edit(root: &Path, rel: &str, change: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap_or_default();
    // Write to a temporary file and rename it over the original, as many editors do.
    let tmp = path.with_extension("md.tmp~");
    fs::write(&tmp, change(text)).unwrap();
    fs::rename(&tmp, &path).unwrap();
}

#[test]
fn serves_pages_with_the_right_types_and_statuses() {
    let site = fixture("site");
    let server = Server::start(site.path());
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    // Links point at the local server, not at base_url.
    assert!(
        home.text()
            .contains(&format!("href=\"http://{}/atom.xml\"", server.addr))
    );
    assert!(home.text().contains("href=\"/skills/perfect-omelette/\""));
    // The live-reload script is there when serving.
    assert!(home.text().contains("/__skillfolio/events"));

    for (path, mime) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/skills/perfect-omelette/pan.svg", "image/svg+xml"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/json"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(
            (r.status, r.header("Content-Type")),
            (200, Some(mime)),
            "{path}"
        );
    }

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));

    let redirect = server.get("/skills/perfect-omelette?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("Location"),
        Some("/skills/perfect-omelette/?x=1")
    );

    let head = request(&server.addr, "HEAD", "/style.css", None);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length = server.get("/style.css").body.len().to_string();
    assert_eq!(head.header("Content-Length"), Some(length.as_str()));
    for method in ["POST", "PUT", "DELETE"] {
        let r = request(&server.addr, method, "/", Some("{}"));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
    assert_eq!(
        server.get("/").text(),
        home.text(),
        "nothing changed the site"
    );
    // The build output folder is never written by serve.
    assert!(!site.path().join("public").exists());
}

#[test]
fn no_path_reaches_outside_the_site() {
    let site = fixture("site");
    // A file beside the site that must never be served.
    let secret = site.path().join("content/../site.toml");
    let secret_text = read(&secret);
    let server = Server::start(site.path());
    for target in [
        "/../site.toml",
        "/..%2fsite.toml",
        "/%2e%2e/site.toml",
        "/%2e%2e%2fsite.toml",
        "/skills/..%2f..%2fsite.toml",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
        "//etc/passwd",
        "/../../../../etc/passwd",
        "/%252e%252e/site.toml",
        "/site.toml",
        "/content/_index.md",
        "/index.html%00.txt",
        "/%c0%ae%c0%ae/site.toml",
        "/%zz",
    ] {
        let r = server.get(target);
        assert!(matches!(r.status, 400 | 404), "{target}: {}", r.status);
        let text = r.text();
        assert!(
            !text.contains(&secret_text) && !text.contains("root:x:0:0"),
            "{target} leaked"
        );
    }
}

#[test]
fn edits_are_served_and_a_broken_edit_keeps_the_last_good_site() {
    let site = fixture("site");
    let server = Server::start(site.path());
    assert!(
        server
            .get(ENTRY_URL)
            .text()
            .contains("Beans in a cold pan.")
    );

    edit(site.path(), ENTRY, |t| {
        t.replace("Beans in a cold pan.", "Lentils in a cold pan.")
    });
    server.wait_for(ENTRY_URL, |r| r.text().contains("Lentils in a cold pan."));
    server.wait_for_log("Rebuilt in", 1);
    assert!(
        server.log().contains(&format!("({ENTRY} changed)")),
        "{}",
        server.log()
    );

    // A broken edit: the terminal shows the diagnostic, the page stays served.
    edit(site.path(), ENTRY, |t| {
        t.replace("kind = \"practice\"", "kind = \"practis\"")
    });
    server.wait_for_log("Rebuild failed", 1);
    let log = server.log();
    assert!(log.contains("error: unknown kind `practis`"));
    assert!(log.contains(&format!("--> {ENTRY}:5:8")));
    let page = server.get(ENTRY_URL);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Lentils in a cold pan."));

    // A browser connecting now is told at once, to show it over the page.
    let events = events_until(&server, "data: error: unknown kind");
    assert!(events.starts_with("event: failed\n"), "{events}");

    // Fixing the file recovers without a restart.
    edit(site.path(), ENTRY, |t| {
        t.replace("kind = \"practis\"", "kind = \"practice\"")
            .replace("Lentils", "Chickpeas")
    });
    server.wait_for(ENTRY_URL, |r| r.text().contains("Chickpeas in a cold pan."));
    assert!(events_until(&server, "event: ok").starts_with("event: ok"));
}

/// Reads the event stream from its start until `needle` appears.
fn events_until(server: &Server, needle: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /__skillfolio/events HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains(needle) {
        let n = stream.read(&mut buf).expect("event stream stalled");
        assert!(n > 0, "event stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    seen.split_once("\r\n\r\n")
        .map_or(seen.clone(), |(_, body)| body.to_string())
}

#[test]
fn after_a_sequence_of_edits_the_served_site_equals_a_full_build() {
    let site = fixture("site");
    let root = site.path();
    let server = Server::start(root);
    let mut rebuilds = 0;
    let mut step = |server: &Server, apply: &dyn Fn()| {
        apply();
        rebuilds += 1;
        server.wait_for_log("Rebuilt in", rebuilds);
    };
    // Add an entry.
    step(&server, &|| {
        fs::write(
            root.join("content/skills/perfect-omelette/log/2026-10-06-added.md"),
            "+++\ntitle = \"Added while serving\"\ndate = 2026-10-06\nminutes = 12\nkind = \"experiment\"\n+++\n\nNew.\n",
        )
        .unwrap()
    });
    assert_eq!(
        server
            .get("/skills/perfect-omelette/2026-10-06-added/")
            .status,
        200,
        "a new entry is served by the rebuild its creation causes"
    );
    // Change one.
    step(&server, &|| {
        edit(root, ENTRY, |t| t.replace("minutes = 30", "minutes = 45"))
    });
    // Delete one.
    step(&server, &|| {
        fs::remove_file(root.join("content/skills/Knife Work/log/2026-10-02-baseline.md")).unwrap()
    });
    // Change an asset: its size is in the feeds.
    step(&server, &|| {
        edit(root, "content/skills/perfect-omelette/pan.svg", |t| {
            t.replace("</svg>", "<title>A pan</title></svg>")
        })
    });
    // Change a template.
    step(&server, &|| {
        edit(root, "templates/page.html", |t| {
            t.replace(
                "<article class=\"override\">",
                "<article class=\"override changed\">",
            )
        })
    });
    // Change a static stylesheet.
    step(&server, &|| {
        fs::write(root.join("static/extra.css"), "body { margin: 0 }\n").unwrap()
    });

    let fresh = assert_served_equals_a_full_build(&server, root);
    assert!(fresh.iter().any(|p| p == "extra.css"));
    assert!(
        fresh
            .iter()
            .any(|p| p == "skills/perfect-omelette/2026-10-06-added/index.html")
    );
    assert_eq!(
        server.get("/skills/knife-work/2026-10-02-baseline/").status,
        404
    );
}

#[test]
fn a_server_started_after_a_build_serves_what_a_full_build_makes() {
    let site = fixture("site");
    let root = site.path();
    // Built for the root of a host, as the server serves the site: the
    // renderings the build stored are the server's too.
    let out = run(root, &["build", "--base-url", "https://example.org/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join(".skillfolio-cache/markdown.bin").is_file());
    let server = Server::start(root);
    assert_served_equals_a_full_build(&server, root);
    edit(root, ENTRY, |t| t.replace("minutes = 30", "minutes = 45"));
    server.wait_for_log("Rebuilt in", 1);
    assert_served_equals_a_full_build(&server, root);
}

/// Builds the site afresh for the server's address and checks the server serves
/// exactly those files; returns their paths.
fn assert_served_equals_a_full_build(server: &Server, root: &Path) -> Vec<String> {
    let base = format!("http://{}/", server.addr);
    let out = run(root, &["build", "--base-url", &base, "--output", "fresh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fresh = tree(&root.join("fresh"));
    for (path, bytes) in &fresh {
        if path == ".skillfolio-output" {
            continue;
        }
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let html = path.ends_with(".html");
        // Waiting, not just fetching: the last rebuild may still be finishing.
        server.wait_for(&url, |served| {
            let body = if html {
                strip_reload_script(&served.text()).into_bytes()
            } else {
                served.body.clone()
            };
            served.status == 200 && body == *bytes
        });
    }
    fs::remove_dir_all(root.join("fresh")).unwrap();
    fresh.into_keys().collect()
}

fn strip_reload_script(html: &str) -> String {
    let start = html.find("<script>\n(() => {").expect("reload script");
    let end = start + html[start..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn an_editors_save_burst_rebuilds_once_and_folder_moves_do_not_crash() {
    let site = fixture("site");
    let root = site.path();
    let server = Server::start(root);
    let log_dir = root.join("content/skills/perfect-omelette/log");
    // What a vim-style save leaves behind: a swap file, a backup, a temp file
    // renamed over the original.
    fs::write(log_dir.join(".2026-10-01-first.md.swp"), "swap").unwrap();
    fs::write(log_dir.join("2026-10-01-first.md~"), "backup").unwrap();
    edit(root, ENTRY, |t| t.replace("Beans", "Peas"));
    fs::remove_file(log_dir.join(".2026-10-01-first.md.swp")).unwrap();
    server.wait_for(ENTRY_URL, |r| r.text().contains("Peas in a cold pan."));
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(
        server.log().matches("Rebuilt in").count(),
        1,
        "{}",
        server.log()
    );

    // A whole skill folder renamed, then removed.
    fs::rename(
        root.join("content/skills/perfect-omelette"),
        root.join("content/skills/french-omelette"),
    )
    .unwrap();
    server.wait_for("/skills/french-omelette/", |r| r.status == 200);
    assert_eq!(server.get("/skills/perfect-omelette/").status, 404);
    fs::remove_dir_all(root.join("content/skills/french-omelette")).unwrap();
    server.wait_for("/skills/", |r| !r.text().contains("french-omelette"));
    assert_eq!(server.get("/skills/knife-work/").status, 200);
}

#[test]
fn idle_and_half_sent_requests_do_not_stall_other_clients() {
    use std::io::Write;
    let site = fixture("site");
    let server = Server::start(site.path());
    // Clients that connect and say nothing, or stop halfway through a request.
    let mut idle: Vec<std::net::TcpStream> = (0..50)
        .map(|_| std::net::TcpStream::connect(&server.addr).unwrap())
        .collect();
    for stream in idle.iter_mut().take(25) {
        stream
            .write_all(b"GET /skills/ HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
    }
    // Meanwhile 200 clients at once are all served.
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/"
                } else {
                    "/skills/perfect-omelette/"
                };
                request(&addr, "GET", path, None).status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    drop(idle);
    // And after 2,000 more requests the server still answers.
    for _ in 0..2000 {
        assert_eq!(request(&server.addr, "GET", "/style.css", None).status, 200);
    }
}

#[test]
fn rapid_saves_and_a_broken_site_toml_end_in_the_same_site_as_a_full_build() {
    let site = fixture("site");
    let root = site.path();
    let server = Server::start(root);
    for i in 0..100 {
        edit(root, ENTRY, |t| {
            let minutes = t
                .lines()
                .find(|l| l.starts_with("minutes = "))
                .unwrap_or("minutes = 30")
                .to_string();
            t.replace(&minutes, &format!("minutes = {}", 30 + i))
        });
    }
    server.wait_for(ENTRY_URL, |r| r.text().contains("129 min"));
    let config = read(root.join("site.toml"));
    fs::write(root.join("site.toml"), "titel = \"typo\"\n").unwrap();
    server.wait_for_log("Rebuild failed", 1);
    assert!(
        server
            .log()
            .contains("error: unknown key `titel` in site.toml"),
        "{}",
        server.log()
    );
    assert_eq!(
        server.get("/").status,
        200,
        "the last good site is still served"
    );
    // Edits made while the site cannot load still count once it loads again.
    edit(root, ENTRY, |t| {
        t + "\nWritten while site.toml was broken.\n"
    });
    server.wait_for_log("Rebuild failed", 2);
    fs::write(root.join("site.toml"), config).unwrap();
    server.wait_for(ENTRY_URL, |r| {
        r.text().contains("Written while site.toml was broken.")
    });
    assert_served_equals_a_full_build(&server, root);
}

/// Asserts that, between two [`usage`] readings, the server did not keep more
/// open files or threads than a little slack allows.
#[cfg(target_os = "linux")]
fn assert_nothing_left_open(before: (usize, usize, usize), after: (usize, usize, usize)) {
    assert!(
        after.0 <= before.0 + 2,
        "open files grew: {before:?} -> {after:?}"
    );
    assert!(
        after.1 <= before.1 + 2,
        "threads grew: {before:?} -> {after:?}"
    );
}

/// What a process holds, from /proc: open files, threads and resident KiB.
#[cfg(target_os = "linux")]
fn usage(pid: u32) -> (usize, usize, usize) {
    let fds = fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0);
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (fds, field("Threads:"), field("VmRSS:"))
}

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_requests_leak_no_files_threads_or_memory() {
    let site = fixture("site");
    let server = Server::start(site.path());
    let pages = [
        "/",
        "/skills/",
        "/style.css",
        "/no/such/page/",
        "/skills/perfect-omelette/",
    ];
    for i in 0..1000 {
        request(&server.addr, "GET", pages[i % pages.len()], None);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = usage(server.pid());
    for i in 0..10_000 {
        let r = request(&server.addr, "GET", pages[i % pages.len()], None);
        assert!(matches!(r.status, 200 | 404));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after = usage(server.pid());
    assert_nothing_left_open(before, after);
    assert!(
        after.2 <= before.2 + 8 * 1024,
        "memory grew: {before:?} -> {after:?}"
    );
}

#[test]
fn a_site_broken_from_the_start_explains_itself_and_recovers() {
    let site = fixture("site");
    let root = site.path();
    let config = read(root.join("site.toml"));
    fs::write(root.join("site.toml"), "titel = \"typo\"\n").unwrap();
    let server = Server::start(root);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(page.text().contains("The site does not build yet"));
    assert!(
        page.text().contains("/__skillfolio/events"),
        "it reloads itself once fixed"
    );
    fs::write(root.join("site.toml"), config).unwrap();
    server.wait_for("/", |r| {
        r.status == 200 && r.text().contains("Practising in public")
    });
}

/// A rebuild takes unchanged skills over from the last one, with the links they
/// make: a link from such a skill into one that was edited is still checked
/// against the edited text, and an entry turned into a draft leaves the site.
#[test]
fn skills_kept_between_rebuilds_still_see_the_edits_of_others() {
    let site = fixture("site");
    let root = site.path();
    let fold = "content/skills/perfect-omelette/log/2026-10-03-fold.md";
    edit(root, fold, |t| t + "\n## Result\n\nIt held.\n");
    edit(
        root,
        "content/skills/Knife Work/log/2026-10-02-baseline.md",
        |t| {
            t + "\nThe [fold's result](../../perfect-omelette/log/2026-10-03-fold.md#result) needs a good cut.\n"
        },
    );
    let server = Server::start(root);
    let warning = "link to `../../perfect-omelette/log/2026-10-03-fold.md#result` leads to a part of the page that does not exist";
    assert!(!server.log().contains(warning), "{}", server.log());

    edit(root, fold, |t| t.replace("## Result", "## Outcome"));
    server.wait_for_log("Rebuilt in", 1);
    let log = server.log();
    assert!(log.contains(warning), "{log}");
    assert!(
        log.contains("content/skills/Knife Work/log/2026-10-02-baseline.md"),
        "the warning points at the unchanged skill's entry: {log}"
    );

    edit(root, fold, |t| {
        t.replace("kind = \"payoff\"", "kind = \"payoff\"\ndraft = true")
    });
    server.wait_for_log("Rebuilt in", 2);
    assert_eq!(
        server
            .get("/skills/perfect-omelette/2026-10-03-fold/")
            .status,
        404
    );
    assert_served_equals_a_full_build(&server, root);
}

/// A file of `len` bytes that no two ranges of share a pattern by chance.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn range_requests_get_exactly_the_bytes_asked_for() {
    let site = fixture("site");
    let clip = noise(300_000);
    fs::write(site.path().join("static/clip.mp4"), &clip).unwrap();
    let server = Server::start(site.path());
    let len = clip.len();
    let ranged = |method: &str, target: &str, range: &str| {
        request_with(&server.addr, method, target, &[("Range", range)], None)
    };

    let whole = server.get("/clip.mp4");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(whole.header("Content-Type"), Some("video/mp4"));
    assert_eq!(
        whole.header("Content-Length"),
        Some(len.to_string().as_str())
    );
    assert!(whole.body == clip);

    for (range, first, last) in [
        ("bytes=100-199", 100, 199),
        ("bytes=299990-", 299_990, len - 1),
        ("bytes=-10", len - 10, len - 1),
        ("bytes=0-0", 0, 0),
        ("bytes=250000-999999", 250_000, len - 1),
    ] {
        let part = ranged("GET", "/clip.mp4", range);
        assert_eq!(part.status, 206, "{range}");
        let content_range = format!("bytes {first}-{last}/{len}");
        assert_eq!(part.header("Content-Range"), Some(content_range.as_str()));
        let count = (last - first + 1).to_string();
        assert_eq!(part.header("Content-Length"), Some(count.as_str()));
        assert!(part.body == clip[first..=last], "{range}: wrong bytes");
        // HEAD says the same and sends nothing.
        let head = ranged("HEAD", "/clip.mp4", range);
        assert_eq!(head.status, 206, "HEAD {range}");
        assert_eq!(head.header("Content-Range"), Some(content_range.as_str()));
        assert_eq!(head.header("Content-Length"), Some(count.as_str()));
        assert!(head.body.is_empty());
    }

    for range in [format!("bytes={len}-"), "bytes=-0".to_string()] {
        let refused = ranged("GET", "/clip.mp4", &range);
        assert_eq!(refused.status, 416, "{range}");
        let all = format!("bytes */{len}");
        assert_eq!(refused.header("Content-Range"), Some(all.as_str()));
    }

    // Several ranges are answered with the whole file; so is a range that is
    // not one.
    for range in ["bytes=0-1,5-6", "bytes=9-2", "pages=1-2"] {
        let full = ranged("GET", "/clip.mp4", range);
        assert_eq!(full.status, 200, "{range}");
        assert!(full.body == clip);
    }

    // A page in memory, its live-reload script included, is cut the same way.
    let page = server.get("/skills/").body;
    let tail = ranged("GET", "/skills/", "bytes=-20");
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, page[page.len() - 20..]);
}

/// Reads what the server sends until it closes the connection or `limit`
/// passes; returns the bytes and whether it closed.
fn read_until_closed(stream: &mut std::net::TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    use std::io::Read;
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (seen, false);
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return (seen, true),
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (seen, true),
            Err(_) => return (seen, false),
        }
    }
}

fn status_of(raw: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(raw);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

const TIMEOUT: Duration = Duration::from_secs(5);

#[test]
fn a_half_sent_request_is_closed_within_its_timeout() {
    use std::io::Write;
    use std::net::TcpStream;
    let site = fixture("site");
    let server = Server::start(site.path());
    #[cfg(target_os = "linux")]
    let before = usage(server.pid());

    let started = Instant::now();
    let mut half: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    for stream in &mut half {
        stream
            .write_all(b"GET /skills/ HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
    }
    // One more sends a byte a second, which must not stretch its time.
    let mut trickle = TcpStream::connect(&server.addr).unwrap();
    trickle.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut trickle_reader = trickle.try_clone().unwrap();
    let trickling = std::thread::spawn(move || {
        for _ in 0..20 {
            std::thread::sleep(Duration::from_secs(1));
            if trickle.write_all(b"X").is_err() {
                break;
            }
        }
    });

    let limit = TIMEOUT + Duration::from_secs(3);
    for stream in half.iter_mut().chain([&mut trickle_reader]) {
        let left = limit.saturating_sub(started.elapsed());
        let (answer, closed) = read_until_closed(stream, left);
        assert!(closed, "still open after {:?}", started.elapsed());
        assert_eq!(status_of(&answer), 408);
    }
    assert!(started.elapsed() < limit);
    drop(half);
    trickling.join().unwrap();

    #[cfg(target_os = "linux")]
    {
        std::thread::sleep(Duration::from_millis(300));
        assert_nothing_left_open(before, usage(server.pid()));
    }
    assert_eq!(server.get("/skills/").status, 200);
}

#[test]
fn past_its_connection_cap_it_answers_503_and_serves_again_after() {
    use std::net::TcpStream;
    let site = fixture("site");
    let cap = 16;
    let server = Server::start_with(site.path(), &["--max-connections", &cap.to_string()]);
    // Idle clients just under the cap: others are still served.
    let mut idle: Vec<TcpStream> = (0..cap - 1)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    assert_eq!(server.get("/").status, 200);
    // Ten past it.
    idle.extend((0..11).map(|_| TcpStream::connect(&server.addr).unwrap()));
    let mut busy = 0;
    for stream in idle.iter_mut().skip(cap - 1) {
        let (answer, closed) = read_until_closed(stream, Duration::from_secs(2));
        if status_of(&answer) == 503 {
            assert!(closed, "a 503 closes its connection");
            let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
            assert!(text.contains("\r\nretry-after: 1\r\n"), "{text}");
            busy += 1;
        }
    }
    assert!(
        busy >= 10,
        "only {busy} of 11 past the cap were answered 503"
    );
    drop(idle);
    server.wait_for("/skills/", |r| r.status == 200);
}

#[cfg(target_os = "linux")]
#[test]
fn an_oversized_header_is_refused_without_being_read_into_memory() {
    use std::io::Write;
    use std::net::TcpStream;
    let site = fixture("site");
    let server = Server::start(site.path());
    for _ in 0..20 {
        server.get("/");
    }
    let before = usage(server.pid());

    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sent = std::thread::spawn(move || {
        let mut sent = 0usize;
        let chunk = vec![b'a'; 64 * 1024];
        let _ = writer.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
        // Up to 200 MB, until the server closes the connection.
        while sent < 200 * 1024 * 1024 && writer.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        sent
    });
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(20));
    assert_eq!(
        status_of(&answer),
        431,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let sent = sent.join().unwrap();
    let after = usage(server.pid());
    assert!(
        after.2 <= before.2 + 8 * 1024,
        "memory grew by {} KiB after {sent} bytes of header",
        after.2 - before.2
    );

    // A request line past its limit is refused the same way.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let target = "a".repeat(100_000);
    let _ = stream.write_all(format!("GET /{target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10));
    assert_eq!(status_of(&answer), 414);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn other_http_versions_get_505_and_garbled_request_lines_400() {
    use std::io::Write;
    let site = fixture("site");
    let server = Server::start(site.path());
    for (head, status) in [
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        ("GET / HTTP/3\r\nHost: x\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\n\r\n", 505),
        ("GET / SPDY/3\r\n\r\n", 400),
        ("hello\r\n\r\n", 400),
        ("GET / HTTP/1.1 extra\r\n\r\n", 400),
    ] {
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5));
        assert_eq!(status_of(&answer), status, "{head:?}");
        assert!(closed, "{head:?} left the connection open");
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_change_of_language_or_of_a_word_reaches_every_served_page() {
    let site = fixture("site");
    let server = Server::start(site.path());
    let skill = "/skills/perfect-omelette/";
    assert!(server.get(skill).text().contains(">Progress</h2>"));

    edit(site.path(), "site.toml", |t| {
        t.replace("language = \"en\"", "language = \"de\"")
    });
    server.wait_for(skill, |r| r.text().contains(">Fortschritt</h2>"));
    assert!(server.get(ENTRY_URL).text().contains("<html lang=\"de\">"));

    // A site's own word, in a file of its own, added while serving.
    fs::create_dir_all(site.path().join("i18n")).unwrap();
    fs::write(
        site.path().join("i18n/de.toml"),
        "progress = \"Stand der Dinge\"\n",
    )
    .unwrap();
    server.wait_for(skill, |r| r.text().contains(">Stand der Dinge</h2>"));
}

/// Links are checked after each build is served, as `build` checks them; a
/// check that a newer save made pointless gives way, and the last save's check
/// still reports.
#[test]
fn a_broken_link_saved_is_reported_after_the_page_is_served() {
    let site = fixture("site");
    let server = Server::start(site.path());
    edit(site.path(), ENTRY, |t| {
        t + "\nSee [the plan](/no-such-plan/).\n"
    });
    server.wait_for(ENTRY_URL, |r| r.text().contains("the plan"));
    server.wait_for_log("link to `/no-such-plan/` leads nowhere", 1);
    assert!(
        server.log().contains(&format!("--> {ENTRY}:")),
        "{}",
        server.log()
    );

    let mut last = "/no-such-plan/".to_string();
    for n in 1..=4 {
        let next = format!("/no-such-plan{n}/");
        edit(site.path(), ENTRY, |t| t.replace(&last, &next));
        last = next;
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    server.wait_for(ENTRY_URL, |r| r.text().contains("/no-such-plan4/"));
    server.wait_for_log("link to `/no-such-plan4/` leads nowhere", 1);

    // A save elsewhere keeps the page, and its links are checked again.
    edit(
        site.path(),
        "content/skills/Knife Work/log/2026-10-02-baseline.md",
        |t| t + "\nA second onion.\n",
    );
    server.wait_for_log("link to `/no-such-plan4/` leads nowhere", 2);
}
