//! The authoring commands as a writer uses them, in a fresh folder: `init`, `new`,
//! `log` and `check`. Nothing they do may ever replace a file.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{BIN, fixture, read, run, stderr, tree};
use tempfile::TempDir;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn init_makes_a_portfolio_that_builds_and_refuses_to_overwrite() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("my-portfolio");
    let out = run(dir.path(), &["init", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("content/skills/bowline/index.md"));
    let config = read(root.join("site.toml"));
    assert!(config.contains("title = \"My portfolio\""), "{config}");
    assert!(config.contains("# Where the site will be published."));

    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let skill = read(root.join("public/skills/bowline/index.html"));
    assert!(skill.contains("6 of 6 parts written"));

    // A folder with something in it is refused; --force only adds what is missing.
    fs::write(
        root.join("site.toml"),
        "title = \"Mine\"\nbase_url = \"https://me.example/\"\n",
    )
    .unwrap();
    fs::remove_file(root.join("content/_index.md")).unwrap();
    let out = run(dir.path(), &["init", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not empty; a new portfolio starts in an empty folder"));
    let out = run(dir.path(), &["init", root.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read(root.join("site.toml")),
        "title = \"Mine\"\nbase_url = \"https://me.example/\"\n"
    );
    assert!(root.join("content/_index.md").is_file());
}

#[test]
fn init_can_copy_the_default_theme() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["init", ".", "--theme-copy"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    assert_eq!(tree(&dir.path().join("themes/default")), tree(&theme));
    let out = run(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn new_then_log_twice_on_one_day_gives_two_entries_on_the_page() {
    let site = fixture("site");
    let root = site.path();
    let out = run(
        root,
        &[
            "new",
            "Crème brûlée",
            "--field",
            "Cooking",
            "--tags",
            "dessert,custard",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    assert!(
        path.ends_with("content/skills/creme-brulee/index.md"),
        "{path}"
    );
    let text = read(&path);
    // `today` comes from site.toml.
    for line in [
        "title = \"Crème brûlée\"",
        "field = \"Cooking\"",
        "tags = [\"dessert\", \"custard\"]",
        "started = 2026-10-10",
        "## Rub-pat barrier",
        "<!-- The demonstrable result",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let again = run(root, &["new", "Creme Brulee"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("the skill `creme-brulee` already exists"));
    assert_eq!(read(&path), text, "nothing overwritten");

    let first = run(
        root,
        &[
            "log",
            "creme-brulee",
            "First torch",
            "--minutes",
            "20",
            "--kind",
            "experiment",
            "--part",
            "entry-trick",
            "--message",
            "Sugar melted unevenly.",
        ],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let first_path = stdout(&first).trim().to_string();
    assert!(first_path.ends_with("content/skills/creme-brulee/log/2026-10-10-first-torch.md"));
    let second = run(
        root,
        &["log", "creme-brulee", "First torch", "--minutes", "15"],
    );
    let second_path = stdout(&second).trim().to_string();
    assert!(
        second_path.ends_with("content/skills/creme-brulee/log/2026-10-10-first-torch-2.md"),
        "{second_path}"
    );
    let entry = read(&first_path);
    assert_eq!(
        entry,
        "+++\ntitle = \"First torch\"\ndate = 2026-10-10\nminutes = 20\nkind = \"experiment\"\npart = \"entry-trick\"\n+++\n\nSugar melted unevenly.\n"
    );

    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(root.join("public/skills/creme-brulee/index.html"));
    assert!(page.contains("/skills/creme-brulee/2026-10-10-first-torch/"));
    assert!(page.contains("/skills/creme-brulee/2026-10-10-first-torch-2/"));
    assert!(page.contains("<dt>Minutes</dt><dd>35</dd>"));
    // The prompts alone do not count as written parts.
    assert!(page.contains("0 of 6 parts written"));
}

#[test]
fn log_reads_notes_from_a_pipe_and_copies_evidence_without_overwriting() {
    let site = fixture("site");
    let root = site.path();
    let photo = root.join("photo.svg");
    fs::write(&photo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args([
            "log",
            "perfect-omelette",
            "Piped",
            "--date",
            "2026-10-09",
            "--evidence",
        ])
        .arg(&photo)
        .args(["--evidence", "https://example.org/video"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Notes from a script.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let entry = read(stdout(&out).trim());
    assert!(entry.contains("date = 2026-10-09\n"));
    assert!(
        entry.contains("evidence = [\"photo.svg\", \"https://example.org/video\"]"),
        "{entry}"
    );
    assert!(entry.ends_with("+++\n\nNotes from a script.\n"));
    assert_eq!(
        read(root.join("content/skills/perfect-omelette/photo.svg")),
        read(&photo)
    );

    // A different file of the same name gets a new name; the first copy stays.
    fs::write(
        &photo,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>",
    )
    .unwrap();
    let out = run(
        root,
        &[
            "log",
            "perfect-omelette",
            "Another",
            "--evidence",
            photo.to_str().unwrap(),
            "--message",
            "x",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(stdout(&out).trim()).contains("evidence = [\"photo-2.svg\"]"));
    assert_eq!(
        read(root.join("content/skills/perfect-omelette/photo.svg")),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Runs `log` on the fixture's omelette with one `--evidence` and returns the
/// entry's text and the published page of the entry.
fn log_with_evidence(root: &Path, title: &str, evidence: &str) -> (String, String) {
    let out = run(
        root,
        &[
            "log",
            "perfect-omelette",
            title,
            "--date",
            "2026-10-09",
            "--evidence",
            evidence,
            "--message",
            "x",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let entry = read(stdout(&out).trim());
    let slug = Path::new(stdout(&out).trim())
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(
        root.join("public/skills/perfect-omelette")
            .join(slug)
            .join("index.html"),
    );
    (entry, page)
}

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>";

#[test]
fn log_evidence_names_files_the_way_the_log_finds_them() {
    let site = fixture("site");
    let root = site.path();
    let skill = root.join("content/skills/perfect-omelette");
    let shown = |name: &str| format!("src=\"/portfolio/skills/perfect-omelette/{name}\"");

    // A file from outside is copied beside index.md and named plainly.
    fs::write(root.join("outside.svg"), SVG).unwrap();
    let (entry, page) = log_with_evidence(root, "Outside", "outside.svg");
    assert!(entry.contains("evidence = [\"outside.svg\"]"), "{entry}");
    assert_eq!(read(skill.join("outside.svg")), SVG);
    assert!(page.contains(&shown("outside.svg")), "{page}");

    // ... unless a file of that name is in log/, which the plain name would find.
    fs::write(root.join("shadow.svg"), SVG).unwrap();
    fs::write(
        skill.join("log/shadow.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let (entry, page) = log_with_evidence(root, "Shadowed", "shadow.svg");
    assert!(entry.contains("evidence = [\"../shadow.svg\"]"), "{entry}");
    assert_eq!(read(skill.join("shadow.svg")), SVG);
    assert!(page.contains(&shown("shadow.svg")), "{page}");

    // A file already beside index.md is not copied again: its plain name.
    let (entry, page) =
        log_with_evidence(root, "Beside", "content/skills/perfect-omelette/pan.svg");
    assert!(entry.contains("evidence = [\"pan.svg\"]"), "{entry}");
    assert!(!skill.join("pan-2.svg").exists());
    assert!(page.contains(&shown("pan.svg")), "{page}");

    // A file in log/ keeps its place and goes by its name there.
    fs::write(skill.join("log/fold.svg"), SVG).unwrap();
    let (entry, page) = log_with_evidence(
        root,
        "In the log",
        "content/skills/perfect-omelette/log/fold.svg",
    );
    assert!(entry.contains("evidence = [\"fold.svg\"]"), "{entry}");
    assert!(!skill.join("fold.svg").exists());
    assert!(page.contains(&shown("log/fold.svg")), "{page}");

    // A bare name that is no file here is the skill's own: in log/ first, then
    // beside index.md.
    let (entry, page) = log_with_evidence(root, "Bare in log", "fold.svg");
    assert!(entry.contains("evidence = [\"fold.svg\"]"), "{entry}");
    assert!(page.contains(&shown("log/fold.svg")), "{page}");
    let (entry, page) = log_with_evidence(root, "Bare beside", "pan.svg");
    assert!(entry.contains("evidence = [\"pan.svg\"]"), "{entry}");
    assert!(page.contains(&shown("pan.svg")), "{page}");
    assert!(!root.join("pan.svg").exists() && !skill.join("log/pan.svg").exists());

    // A name found nowhere is refused, and no entry is written.
    let entries = fs::read_dir(skill.join("log")).unwrap().count();
    let out = run(
        root,
        &[
            "log",
            "perfect-omelette",
            "Lost",
            "--evidence",
            "nowhere.svg",
            "--message",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the evidence file nowhere.svg does not exist"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_dir(skill.join("log")).unwrap().count(), entries);
}

#[test]
fn an_unknown_skill_gets_a_suggestion() {
    let site = fixture("site");
    let out = run(
        site.path(),
        &["log", "perfect-omlette", "Fold", "--message", "x"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: there is no skill `perfect-omlette`\n  = hint: did you mean `perfect-omelette`? Nearest skills: `perfect-omelette`\n\n"
    );
    assert!(!site.path().join("content/skills/perfect-omlette").exists());
}

#[test]
fn check_reports_each_problem_at_its_line_and_sets_the_exit_code() {
    let site = fixture("check");
    let out = run(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "errors fail the check");
    insta::assert_snapshot!("check_findings", stderr(&out));
    assert!(!site.path().join("public").exists(), "check writes nothing");

    // Only warnings left: success, unless warnings are denied. Links that lead
    // nowhere are errors in check, so they go too.
    fs::write(site.path().join("content/skills/omelette/fold.jpg"), "jpeg").unwrap();
    let index = site.path().join("content/skills/omelette/index.md");
    let fixed = read(&index)
        .replace("related = [\"knive\"]\n", "")
        .replace(" and [a page that is gone](../gone/index.md)", "")
        .replace("(#payoff-that-is-not-there)", "(#payoff)");
    fs::write(&index, fixed).unwrap();
    let out = run(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("0 errors, 5 warnings\n"),
        "{}",
        stderr(&out)
    );
    let out = run(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn completions_and_man_page_come_from_the_command_line() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["completions", "bash"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("skillfolio") && stdout(&out).contains("--deny-warnings"));
    let out = run(dir.path(), &["man"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("skillfolio"));
}

/// The fenced block of `lang` that follows `after` in the README.
fn readme_block(after: &str, lang: &str) -> String {
    let readme = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let start = readme
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in README.md"));
    let fence = format!("```{lang}\n");
    let open = start + readme[start..].find(&fence).unwrap() + fence.len();
    let close = open + readme[open..].find("```").unwrap();
    readme[open..close].to_string()
}

#[test]
fn the_readme_site_toml_builds_as_written() {
    let site = fixture("site");
    let sample = readme_block("`site.toml`:\n", "toml");
    assert!(sample.contains("social_cards"), "{sample}");
    fs::write(site.path().join("site.toml"), &sample).unwrap();
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("site.toml"), "{}", stderr(&out));
    let home = read(site.path().join("public/index.html"));
    assert!(home.contains("Small skills, practised in public"));
}

#[test]
fn init_site_toml_explains_every_key_site_toml_accepts() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["init", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = read(dir.path().join("site.toml"));
    let lines: Vec<&str> = text.lines().collect();
    // A key is written (or commented out) at the start of a line, with a comment
    // line just above it or above its group.
    let written = |key: &str, from: usize, to: usize| {
        (from..to).find(|&i| {
            let line = lines[i].trim_start_matches("# ");
            line.starts_with(&format!("{key} = "))
        })
    };
    let table_start = |name: &str| lines.iter().position(|l| *l == format!("[{name}]"));
    let first_table = lines.iter().position(|l| l.starts_with('[')).unwrap();
    for key in skillfolio::config::KEYS {
        if let Some(start) = table_start(key) {
            assert!(lines[start - 1].starts_with("# "), "[{key}] has no comment");
            continue;
        }
        let i = written(key, 0, first_table)
            .unwrap_or_else(|| panic!("init's site.toml lacks `{key}` before its tables:\n{text}"));
        assert!(
            lines[..i]
                .iter()
                .rev()
                .take_while(|l| !l.is_empty())
                .any(|l| l.starts_with("# ")),
            "`{key}` has no comment"
        );
    }
    for (table, keys) in skillfolio::config::TABLE_KEYS {
        let start =
            table_start(table).unwrap_or_else(|| panic!("init's site.toml has no [{table}]"));
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].starts_with('['))
            .unwrap_or(lines.len());
        for key in keys {
            assert!(
                written(key, start, end).is_some(),
                "[{table}] lacks `{key}`:\n{text}"
            );
        }
    }
    // Every key shown, uncommented, builds.
    let uncommented: String = lines
        .iter()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") && !rest.starts_with("title") => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
        // A preview image and an avatar need a file, which a new portfolio does
        // not have.
        .replace("image = \"card.png\"\n", "")
        .replace("avatar = \"avatar.jpg\"\n", "");
    fs::write(dir.path().join("site.toml"), uncommented).unwrap();
    let out = run(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn init_and_the_readme_give_the_same_next_step() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["init", "my-portfolio"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    let steps = readme_block("## Your own portfolio in 60 seconds", "sh");
    let after_init: Vec<&str> = steps
        .lines()
        .skip_while(|l| !l.starts_with("skillfolio init"))
        .skip(1)
        .collect();
    assert!(steps.contains("skillfolio init my-portfolio && cd my-portfolio"));
    assert!(said.contains("    cd my-portfolio\n"), "{said}");
    assert!(after_init[0].starts_with("skillfolio new \""), "{steps}");
    assert!(
        said.contains("    skillfolio new \"Skill name\"\n"),
        "{said}"
    );
    assert!(
        after_init
            .last()
            .unwrap()
            .starts_with("skillfolio serve --open")
    );
    assert!(said.contains("    skillfolio serve --open\n"), "{said}");
}

#[test]
fn log_gives_evidence_the_alt_text_and_caption_it_is_given() {
    let site = fixture("site");
    let root = site.path();
    fs::write(root.join("fold.svg"), SVG).unwrap();
    let out = run(
        root,
        &[
            "log",
            "perfect-omelette",
            "Described",
            "--date",
            "2026-10-09",
            "--evidence",
            "fold.svg",
            "--alt",
            "The omelette folded in three, seam down",
            "--caption",
            "Third try: no \"browning\" at all",
            "--evidence",
            "https://example.org/video",
            "--message",
            "x",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let entry = read(stdout(&out).trim());
    assert!(
        entry.contains(
            r#"evidence = [{ src = "fold.svg", alt = "The omelette folded in three, seam down", caption = 'Third try: no "browning" at all' }, "https://example.org/video"]"#
        ),
        "{entry}"
    );
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(root.join("public/skills/perfect-omelette/2026-10-09-described/index.html"));
    assert!(
        page.contains("alt=\"The omelette folded in three, seam down\""),
        "{page}"
    );
    assert!(
        page.contains("<figcaption>Third try: no &quot;browning&quot; at all</figcaption>"),
        "{page}"
    );

    // More descriptions than evidence: nothing is written.
    let out = run(
        root,
        &[
            "log",
            "perfect-omelette",
            "Too many",
            "--evidence",
            "fold.svg",
            "--alt",
            "a",
            "--alt",
            "b",
            "--message",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("error: 2 `--alt` given for 1 `--evidence`"),
        "{}",
        stderr(&out)
    );
    assert!(
        !root
            .join("content/skills/perfect-omelette/log")
            .read_dir()
            .unwrap()
            .any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("too-many"))
    );
}

/// Runs `log --timer` on the fixture's omelette as if it had been started
/// `seconds` ago, with `keys` typed on standard input.
fn timed(root: &Path, seconds: u64, keys: &str) -> std::process::Output {
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args([
            "log",
            "perfect-omelette",
            "Timed",
            "--date",
            "2026-10-09",
            "--timer",
        ])
        .args([
            "--timer-head-start",
            &seconds.to_string(),
            "--message",
            "By the clock.",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(keys.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_timer_writes_the_minutes_it_measured_and_asks_about_a_short_session() {
    let site = fixture("site");
    let root = site.path();
    let entry = root.join("content/skills/perfect-omelette/log/2026-10-09-timed.md");

    // Enter after 24 min 31 s: 25 minutes, to the nearest.
    let out = timed(root, 24 * 60 + 31, "\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Stopped after 24:31."),
        "{}",
        stderr(&out)
    );
    let text = read(&entry);
    assert!(text.contains("minutes = 25\n"), "{text}");
    assert!(text.ends_with("+++\n\nBy the clock.\n"), "{text}");
    fs::remove_file(&entry).unwrap();

    // Stopped within the first minute: nothing unless confirmed.
    let out = timed(root, 20, "\nn\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Write an entry of 0 minutes all the same? [y/N]"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Stopped after 0:20: nothing was written."),
        "{}",
        stderr(&out)
    );
    assert!(!entry.exists());
    let out = timed(root, 45, "\ny\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&entry).contains("minutes = 1\n"));

    // A mistyped skill is found before the timer starts, not after the session.
    let out = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(["log", "perfect-omelete", "Timed", "--timer"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("error: there is no skill `perfect-omelete`"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("Timing the session"),
        "{}",
        stderr(&out)
    );
}

/// On a site in another language `new` writes the six headings and their
/// prompts in it, and the build takes those headings for the parts.
#[test]
fn new_writes_the_parts_in_the_sites_language() {
    let site = fixture("site");
    let root = site.path();
    let config = read(root.join("site.toml"));
    assert!(config.contains("language = \"en\""));
    fs::write(
        root.join("site.toml"),
        config.replace("language = \"en\"", "language = \"tr\""),
    )
    .unwrap();
    let out = run(root, &["new", "Çay demlemek"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let text = read(&path);
    for line in [
        "Becerinin ne olduğu ve iyi yapıldığında neye benzediği.",
        "## Giriş püf noktası",
        "<!-- Beceriyi yaklaşılabilir kılan",
        "## Deneme olanakları",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("## Entry trick"), "{text}");

    // Written under those headings, every part counts.
    let written = text.replace("<!-- ", "Yazıldı. <!-- ");
    fs::write(&path, written).unwrap();
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(root.join("public/skills/cay-demlemek/index.html"));
    assert!(page.contains("6 bölümden 6 tanesi yazıldı"), "{page}");
}
