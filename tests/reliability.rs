//! The output survives what goes wrong around a build: a build killed halfway, two
//! builds at once, and thread scheduling, which must not change a single byte.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, build, fixture, run, stderr, tree};

/// Makes the fixture slow to build: many entries, each with code to highlight.
fn add_entries(root: &Path, count: usize) {
    let log = root.join("content/skills/perfect-omelette/log");
    let code: String = (0..40)
        .map(|i| format!("fn step_{i}(x: u32) -> u32 {{ x * {i} + 1 }}\n"))
        .collect();
    for i in 0..count {
        let day = 1 + i % 9;
        fs::write(
            log.join(format!("2026-10-0{day}-bulk-{i}.md")),
            format!("+++\ntitle = \"Bulk {i}\"\ndate = 2026-10-0{day}\nminutes = 5\n+++\n\nNote {i}.\n\n```rust\n{code}```\n"),
        )
        .unwrap();
    }
}

fn staging_dirs(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.staging-") || n.starts_with(".public.old-"))
        .collect()
}

/// Starts a build and returns once it has begun writing its staging folder.
fn start_slow_build(root: &Path) -> std::process::Child {
    let child = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(["build", "--no-cache"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while staging_dirs(root).is_empty() {
        assert!(Instant::now() < deadline, "the build never started writing");
        std::thread::sleep(Duration::from_millis(1));
    }
    child
}

#[test]
fn a_build_killed_halfway_leaves_the_previous_output_intact() {
    let site = fixture("site");
    let root = site.path();
    let public = build(root, &[]);
    let before = tree(&public);
    add_entries(root, 1500);
    let mut child = start_slow_build(root);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert_eq!(tree(&public), before, "the previous output changed");
    // The next build clears what the killed one left and succeeds.
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(staging_dirs(root).is_empty(), "{:?}", staging_dirs(root));
    assert!(
        public
            .join("skills/perfect-omelette/2026-10-01-bulk-0/index.html")
            .is_file()
    );
}

/// A build holds a lock beside the output while it writes; the test holds the same
/// lock the same way, so the second build meets a first one that never finishes
/// early, however fast builds get.
#[test]
fn two_builds_into_one_folder_cannot_both_write() {
    let site = fixture("site");
    let root = site.path();
    let public = build(root, &[]);
    let before = tree(&public);
    let lock = fs::File::create(root.join(".public.lock")).unwrap();
    lock.try_lock().expect("no build is running yet");
    let second = run(root, &["build"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("error: another skillfolio build is writing"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        tree(&public),
        before,
        "the refused build changed the output"
    );
    assert!(staging_dirs(root).is_empty(), "{:?}", staging_dirs(root));
    drop(lock);
    let third = run(root, &["build"]);
    assert!(third.status.success(), "{}", stderr(&third));
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    let site = fixture("site");
    let root = site.path();
    add_entries(root, 60);
    let build_with = |threads: Option<&str>, out: &str| {
        let mut cmd = Command::new(BIN);
        cmd.arg("--root").arg(root).current_dir(root).args([
            "build",
            "--no-cache",
            "--output",
            out,
        ]);
        if let Some(n) = threads {
            cmd.env("RAYON_NUM_THREADS", n);
        }
        let result = cmd.output().unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        pages(&root.join(out))
    };
    let one = build_with(Some("1"), "one");
    let many = build_with(Some("8"), "many");
    let default = build_with(None, "default");
    assert_eq!(one.len(), many.len());
    for (path, bytes) in &one {
        assert!(
            many[path] == *bytes && default[path] == *bytes,
            "{path} depends on threads"
        );
    }
}

#[test]
fn an_output_left_aside_by_a_killed_build_is_put_back() {
    let site = fixture("site");
    let root = site.path();
    let public = build(root, &[]);
    let before = tree(&public);
    // A build killed between moving the old output aside and moving the new in.
    fs::rename(&public, root.join(".public.old-4242")).unwrap();
    let text = fs::read_to_string(root.join("content/about.md")).unwrap();
    fs::write(root.join("content/about.md"), "+++\ntitel = \"x\"\n+++\n").unwrap();
    let out = run(root, &["build"]);
    assert_eq!(out.status.code(), Some(1), "the content is broken");
    assert_eq!(
        tree(&public),
        before,
        "the previous output is back in place"
    );
    fs::write(root.join("content/about.md"), text).unwrap();
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(staging_dirs(root).is_empty());
}

/// Replaces `from` with `to` in the file at `path`.
fn replace_in(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

/// Every file of an output, its marker included: the marker names the build by
/// its content, so a rebuild that reuses recorded pages writes the same one as a
/// fresh build.
fn pages(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(dir)
}

#[test]
fn a_record_is_not_trusted_for_an_output_another_build_wrote() {
    let site = fixture("site");
    let root = site.path();
    let entry = root.join("content/skills/perfect-omelette/log/2026-10-03-fold.md");
    let page = "skills/perfect-omelette/2026-10-03-fold/index.html";
    let public = build(root, &[]);
    let recorded = common::read(public.join(page));
    // A build without the cache writes other words of the same length, and
    // records nothing; putting the words back must not keep its page.
    replace_in(&entry, "It rolled.", "It ROLLED.");
    let out = run(root, &["build", "--no-cache"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(common::read(public.join(page)).contains("It ROLLED."));
    replace_in(&entry, "It ROLLED.", "It rolled.");
    build(root, &[]);
    assert_eq!(common::read(public.join(page)), recorded);
}

#[test]
fn rebuilds_that_reuse_recorded_pages_equal_a_fresh_build() {
    let site = fixture("site");
    let root = site.path();
    // A skill with no entries yet: its feed is dated by the earliest skill's start.
    let empty = root.join("content/skills/empty");
    fs::create_dir_all(&empty).unwrap();
    fs::write(
        empty.join("index.md"),
        "+++\ntitle = \"Not yet begun\"\nstarted = 2026-10-05\n+++\n\nSoon.\n",
    )
    .unwrap();
    // An entry page that shows more of its skill than the theme's does.
    let theme_entry =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/entry.html");
    let entry_template = fs::read_to_string(theme_entry).unwrap().replace(
        "</article>",
        "<p class=\"skill-summary\">{{ skill.summary }}</p></article>",
    );
    fs::write(root.join("templates/entry.html"), entry_template).unwrap();
    // A link whose target is renamed below, in a file that does not change.
    let first = root.join("content/skills/perfect-omelette/log/2026-10-01-first.md");
    let text = fs::read_to_string(&first).unwrap();
    fs::write(
        &first,
        text + "\nAs sharp as [the baseline](<../../Knife Work/log/2026-10-02-baseline.md>).\n",
    )
    .unwrap();
    let public = build(root, &[]);
    assert!(
        root.join(".skillfolio-cache/pages-public.bin").is_file(),
        "the build records its pages beside the output"
    );
    assert!(
        root.join(".skillfolio-cache/markdown.bin").is_file(),
        "the build keeps its rendered markdown"
    );
    assert!(
        root.join(".skillfolio-cache/skill-parts.bin").is_file(),
        "the build keeps the keys of its skills' template values"
    );
    // Written while the pages render, and finished before the build exits.
    let code = fs::read(root.join(".skillfolio-cache/highlight.bin")).unwrap();
    assert!(
        String::from_utf8_lossy(&code).contains("println"),
        "the highlighted code of the build is cached"
    );
    let fresh = |name: &str| {
        let out = run(root, &["build", "--no-cache", "--output", name]);
        assert!(out.status.success(), "{}", stderr(&out));
        pages(&root.join(name))
    };
    let omelette = root.join("content/skills/perfect-omelette");
    let fold = "skills/perfect-omelette/2026-10-03-fold/index.html";
    let edits: [(&str, &dyn Fn()); 14] = [
        ("one entry's note", &|| {
            let path = omelette.join("log/2026-10-03-fold.md");
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, text + "\nThe second fold held too.\n").unwrap();
        }),
        // resume.json describes each payoff by its first lines.
        ("a payoff's first lines", &|| {
            replace_in(
                &omelette.join("log/2026-10-03-fold.md"),
                "It rolled.",
                "It rolled over.",
            );
        }),
        // Every entry page shows its skill's title.
        ("the title of an entry's neighbour", &|| {
            replace_in(
                &omelette.join("log/2026-10-03-fold.md"),
                "First fold without tearing",
                "First clean fold",
            );
        }),
        ("the summary of the entries' skill", &|| {
            replace_in(
                &omelette.join("index.md"),
                "Soft, rolled, unbrowned.",
                "Soft and rolled.",
            );
        }),
        ("the minutes of a session before a payoff", &|| {
            replace_in(&first, "minutes = 30", "minutes = 40");
        }),
        ("the skill's write-up", &|| {
            replace_in(
                &omelette.join("index.md"),
                "The perfect omelette",
                "The rolled omelette",
            );
        }),
        // Another skill's feed is dated by this start.
        ("the earliest start", &|| {
            replace_in(
                &omelette.join("index.md"),
                "started = 2026-10-01",
                "started = 2025-01-01",
            );
        }),
        // Every page shows the site's title.
        ("site.toml", &|| {
            replace_in(
                &root.join("site.toml"),
                "Fixture portfolio",
                "Renamed portfolio",
            );
        }),
        // Every skill's heatmap ends on the day of the build.
        ("the day of the build", &|| {
            replace_in(
                &root.join("site.toml"),
                "today = 2026-10-10",
                "today = 2026-10-24",
            );
        }),
        // Every link to a skill starts with the site's path.
        ("the site's address", &|| {
            replace_in(
                &root.join("site.toml"),
                "https://example.org/portfolio/",
                "https://example.org/folio/",
            );
        }),
        // A page of the output changed by hand is made again.
        ("a page of the output", &|| {
            fs::write(public.join(fold), "edited by hand").unwrap();
        }),
        // Even when the change keeps the file's length.
        ("a page of the output, its length kept", &|| {
            let page = fs::read_to_string(public.join(fold)).unwrap();
            let swapped = page.replacen("<html", "<HTML", 1);
            assert_eq!(swapped.len(), page.len());
            fs::write(public.join(fold), swapped).unwrap();
        }),
        // Where everything else a rendering is made from stays the same.
        ("a word of a note, its length kept", &|| {
            replace_in(&first, "in a cold pan", "in a warm pan");
        }),
        // The entry that links to it is rendered again, its text unchanged.
        ("a file another one links to, renamed", &|| {
            let log = root.join("content/skills/Knife Work/log");
            fs::rename(
                log.join("2026-10-02-baseline.md"),
                log.join("2026-10-02-onions.md"),
            )
            .unwrap();
        }),
    ];
    for (what, edit) in edits {
        edit();
        build(root, &[]);
        let (rebuilt, fresh) = (pages(&public), fresh("fresh"));
        let differing: Vec<&String> = rebuilt
            .keys()
            .chain(fresh.keys())
            .filter(|p| rebuilt.get(*p) != fresh.get(*p))
            .collect();
        assert!(
            differing.is_empty(),
            "after a change to {what}, these differ from a fresh build: {differing:?}"
        );
    }
    let page = common::read(public.join(fold));
    assert!(page.contains("The second fold held too.") && page.contains("The rolled omelette"));
    assert!(page.contains("Soft and rolled.") && page.contains("1.1 hours practised by then"));
    let first_page =
        common::read(public.join("skills/perfect-omelette/2026-10-01-first/index.html"));
    assert!(first_page.contains("First clean fold"), "{first_page}");
    assert!(page.contains("Renamed portfolio"));
    assert!(
        common::read(public.join("skills/empty/atom.xml")).contains("<updated>2025-01-01T00:00:00")
    );
}

#[test]
fn the_links_and_ids_of_kept_pages_are_checked_on_every_build() {
    let site = fixture("site");
    let root = site.path();
    let baseline = root.join("content/skills/Knife Work/log/2026-10-02-baseline.md");
    let text = fs::read_to_string(&baseline).unwrap();
    fs::write(
        &baseline,
        text + "\nSee [the old notes](/portfolio/nowhere/).\n\n## Deep dive\n\nMore.\n",
    )
    .unwrap();
    let broken = "link to `/portfolio/nowhere/` leads nowhere";
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(broken), "{}", stderr(&out));
    // Another skill's entry changes and links into the page, which is kept:
    // its broken link is still reported and its heading still found.
    let page = "/portfolio/skills/knife-work/2026-10-02-baseline/";
    replace_in(
        &root.join("content/skills/perfect-omelette/log/2026-10-03-fold.md"),
        "It rolled.",
        &format!("It rolled. [Knives]({page}#deep-dive), [again]({page}#deep-diev)."),
    );
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        fs::read_to_string(root.join("public/skills/knife-work/2026-10-02-baseline/index.html"))
            .unwrap()
            .contains("id=\"deep-dive\""),
        "the page has the heading"
    );
    assert!(err.contains(broken), "{err}");
    assert!(!err.contains(&format!("`{page}#deep-dive`")), "{err}");
    assert!(err.contains("did you mean `#deep-dive`?"), "{err}");
    assert!(
        err.contains(&format!(
            "link to `{page}#deep-diev` leads to a part of {page} that does not exist"
        )),
        "{err}"
    );
}

#[test]
fn code_of_renderings_taken_from_the_store_stays_in_the_code_cache() {
    let site = fixture("site");
    let root = site.path();
    build(root, &[]);
    let code = root.join(".skillfolio-cache/highlight.bin");
    let lossy = |path: &Path| String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
    assert!(lossy(&code).contains("println"));
    // A new block elsewhere: the code cache is read and written again while
    // the write-up with `println` comes from the store, its code untouched.
    let baseline = root.join("content/skills/Knife Work/log/2026-10-02-baseline.md");
    let text = fs::read_to_string(&baseline).unwrap();
    fs::write(&baseline, text + "\n```sh\necho onion\n```\n").unwrap();
    build(root, &[]);
    let cached = lossy(&code);
    assert!(cached.contains("onion"), "the new block is cached");
    assert!(
        cached.contains("println"),
        "the stored write-up's block is kept"
    );
}

/// The bytes of every PNG under `dir`.
fn pngs(dir: &Path) -> std::collections::BTreeSet<Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .map(|e| fs::read(e.path()).unwrap())
        .collect()
}

#[test]
fn cards_a_rebuild_keeps_stay_in_the_card_cache() {
    let site = fixture("site");
    let root = site.path();
    let public = build(root, &[]);
    let cache = root.join(".skillfolio-cache/cards");
    let cards = pngs(&public.join("cards"));
    assert!(cards.len() > 2, "the fixture has cards: {}", cards.len());
    assert_eq!(pngs(&cache), cards);
    // Every card is kept by its key now, and none is laid out again: the
    // cache has to know their files without them.
    build(root, &[]);
    assert_eq!(pngs(&cache), cards, "the cache lost cards the output kept");
    // A build into another folder takes them from the cache.
    let out = run(root, &["build", "--output", "other"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pngs(&root.join("other/cards")), cards);
}

/// Every entry under `dir` with its bytes (folders as empty), so a leftover
/// file, an emptied one or an empty folder shows.
fn listing(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (rel, bytes)
        })
        .collect()
}

/// A small filesystem of its own, unmounted when dropped.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    /// `None` where this process may not mount one (not root, or no tmpfs).
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::TempDir::new().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_build_that_fills_the_disk_leaves_nothing_behind() {
    let Some(disk) = SmallDisk::mount("2m") else {
        eprintln!("skipped: a 2 MiB tmpfs cannot be mounted here (needs root)");
        assert!(
            std::env::var("CI").is_err(),
            "CI runs as root and must run this test"
        );
        return;
    };
    let site = fixture("site");
    let output = disk.0.path().join("public");
    let output_arg = output.to_str().unwrap();
    let ok = run(site.path(), &["build", "--output", output_arg]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = listing(disk.0.path());
    assert!(
        before.contains_key(".skillfolio-cache"),
        "{:?}",
        before.keys()
    );

    // Pages full of highlighted code: the cache, the pages and the staging
    // folder cannot all fit.
    add_entries(site.path(), 300);
    let out = run(site.path(), &["build", "--output", output_arg]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("No space left on device"),
        "{}",
        stderr(&out)
    );
    let after = listing(disk.0.path());
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "files were left behind"
    );
    // The caches of highlighted code and rendered markdown may have been
    // brought up to date before the disk filled; everything else, the previous
    // output first, is as it was.
    let caches = [
        ".skillfolio-cache/highlight.bin",
        ".skillfolio-cache/markdown.bin",
    ];
    let changed: Vec<&String> = after
        .iter()
        .filter(|(name, bytes)| before.get(*name) != Some(*bytes))
        .map(|(name, _)| name)
        .filter(|name| !caches.contains(&name.as_str()))
        .collect();
    assert!(changed.is_empty(), "changed: {changed:?}");
}

#[test]
fn a_refused_build_writes_nothing_anywhere() {
    let outer = tempfile::TempDir::new().unwrap();
    let root = outer.path().join("site");
    common::copy_dir(&common::fixtures().join("site"), &root);
    let before = listing(outer.path());
    for output in ["/", ".", "content/public"] {
        let out = run(&root, &["build", "--output", output]);
        assert_eq!(out.status.code(), Some(1), "{output}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing to build into"),
            "{}",
            stderr(&out)
        );
        assert!(
            listing(outer.path()) == before,
            "{output}: something was written"
        );
    }
    assert!(!Path::new("/.skillfolio-cache").exists());
}
