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
        entry.contains("evidence = [\"../photo.svg\", \"https://example.org/video\"]"),
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
    assert!(read(stdout(&out).trim()).contains("evidence = [\"../photo-2.svg\"]"));
    assert_eq!(
        read(root.join("content/skills/perfect-omelette/photo.svg")),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
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
