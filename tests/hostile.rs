//! Content written in every editor, encoding and mood: each case gives a correct
//! page or a clear error at the right place, never a panic or a hang, and loses
//! nothing.

mod common;

use std::fs;
use std::path::Path;

use common::{build, fixture, read, run, stderr};

const LOG: &str = "content/skills/perfect-omelette/log";

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

#[test]
fn invalid_utf8_is_named_with_its_byte_and_line() {
    let site = fixture("site");
    write(
        site.path(),
        &format!("{LOG}/2026-10-04-latin1.md"),
        b"+++\ntitle = \"Caf\xe9\"\ndate = 2026-10-04\n+++\n",
    );
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(
        "error: file is not valid UTF-8 (byte 16)\n --> content/skills/perfect-omelette/log/2026-10-04-latin1.md:2:13\n  |\n2 | title = \"Caf\n"
    ), "{}", stderr(&out));
}

#[test]
fn a_bom_and_crlf_line_endings_read_like_any_file() {
    let site = fixture("site");
    write(
        site.path(),
        &format!("{LOG}/2026-10-04-windows.md"),
        b"\xef\xbb\xbf+++\r\ntitle = \"Saved on Windows\"\r\ndate = 2026-10-04\r\nminutes = 5\r\n+++\r\n\r\nNotes with CRLF.\r\n",
    );
    let public = build(site.path(), &[]);
    let page = read(public.join("skills/perfect-omelette/2026-10-04-windows/index.html"));
    assert!(page.contains("<h1 class=\"p-name\">Saved on Windows</h1>"));
    assert!(page.contains("<p>Notes with CRLF.</p>"));
}

#[test]
fn a_lone_carriage_return_is_a_located_error() {
    let site = fixture("site");
    write(
        site.path(),
        &format!("{LOG}/2026-10-04-old-mac.md"),
        b"+++\rtitle = \"Old Mac\"\rdate = 2026-10-04\r+++\r\rBody.\r",
    );
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("--> content/skills/perfect-omelette/log/2026-10-04-old-mac.md:"),
        "{err}"
    );
    assert!(err.contains("error: invalid TOML in front matter"), "{err}");
}

#[test]
fn an_empty_file_is_missing_its_title_and_date() {
    let site = fixture("site");
    write(site.path(), &format!("{LOG}/2026-10-04-empty.md"), b"");
    let out = run(site.path(), &["build"]);
    let err = stderr(&out);
    assert!(err.contains("error: missing required key `title`\n --> content/skills/perfect-omelette/log/2026-10-04-empty.md:1:1"), "{err}");
    assert!(err.contains("error: missing required key `date`"), "{err}");
}

#[test]
fn deep_nesting_and_a_large_file_build_without_overflow_or_hang() {
    let site = fixture("site");
    let mut deep = String::from("+++\ntitle = \"Deep\"\ndate = 2026-10-04\n+++\n\n");
    deep.push_str(&"> ".repeat(10_000));
    deep.push_str("bottom of the quotes\n\n");
    for i in 0..10_000 {
        deep.push_str(&" ".repeat(i.min(200) * 2));
        deep.push_str("- item\n");
    }
    write(
        site.path(),
        &format!("{LOG}/2026-10-04-deep.md"),
        deep.as_bytes(),
    );
    let mut large = String::from("+++\ntitle = \"Large\"\ndate = 2026-10-05\n+++\n\n");
    let paragraph =
        "A long practice note with *emphasis*, a [link](2026-10-01-first.md) and `code`.\n\n";
    while large.len() < 50 * 1024 * 1024 {
        large.push_str(paragraph);
    }
    write(
        site.path(),
        &format!("{LOG}/2026-10-05-large.md"),
        large.as_bytes(),
    );
    let public = build(site.path(), &[]);
    assert!(
        read(public.join("skills/perfect-omelette/2026-10-04-deep/index.html"))
            .contains("bottom of the quotes")
    );
    let big =
        fs::metadata(public.join("skills/perfect-omelette/2026-10-05-large/index.html")).unwrap();
    assert!(big.len() > 50 * 1024 * 1024);
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_and_say_so() {
    let site = fixture("site");
    let root = site.path();
    let outside = tempfile::TempDir::new().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"Secret\"\n+++\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        root.join("content/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("content"), root.join("content/loop")).unwrap();
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: symbolic link skipped: links are not followed, so nothing outside the site is read\n  --> content/secret.md"), "{err}");
    assert!(err.contains("  --> content/loop"), "{err}");
    assert!(!root.join("public/secret").exists());
}

#[test]
fn odd_file_names_become_safe_slugs() {
    let site = fixture("site");
    let root = site.path();
    write(
        root,
        "content/skills/Crème Brûlée: Torch?/index.md",
        b"+++\ntitle = \"Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9e\"\nstarted = 2026-10-01\n+++\n",
    );
    write(
        root,
        "content/skills/Crème Brûlée: Torch?/log/2026-10-02 First  Try!.md",
        b"+++\ntitle = \"First\"\ndate = 2026-10-02\n+++\n",
    );
    let public = build(root, &[]);
    assert!(
        public
            .join("skills/creme-brulee-torch/2026-10-02-first-try/index.html")
            .is_file()
    );
}

#[test]
fn paths_that_climb_out_of_the_site_lead_nowhere() {
    let site = fixture("site");
    let root = site.path();
    write(
        root,
        &format!("{LOG}/2026-10-04-climb.md"),
        b"+++\ntitle = \"Climb\"\ndate = 2026-10-04\nevidence = [\"../../../../../../etc/passwd\"]\n+++\n\n[up](../../../../../../etc/passwd)\n",
    );
    let out = run(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: evidence `../../../../../../etc/passwd` not found"),
        "{err}"
    );
    assert!(err.contains("warning: link to `../../../../../../etc/passwd` leads nowhere: ../../../../../../etc/passwd is outside the content folder"), "{err}");
    assert!(!root.join("public").exists());
}

#[test]
fn a_markdown_file_beside_a_skill_is_neither_a_page_nor_published() {
    let site = fixture("site");
    let root = site.path();
    write(
        root,
        "content/skills/perfect-omelette/shopping-list.md",
        b"Eggs, butter, chives.\n",
    );
    write(
        root,
        "content/skills/perfect-omelette/log/notes/old.md",
        b"not an entry\n",
    );
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for source in [
        "content/skills/perfect-omelette/shopping-list.md",
        "content/skills/perfect-omelette/log/notes/old.md",
    ] {
        assert!(err.contains(&format!("{source} is not published")), "{err}");
    }
    let public = root.join("public");
    assert!(
        !public
            .join("skills/perfect-omelette/shopping-list.md")
            .exists()
    );
    assert!(
        !public
            .join("skills/perfect-omelette/shopping-list")
            .exists()
    );
    assert!(!public.join("skills/perfect-omelette/log/notes").exists());
}

#[test]
fn control_characters_in_content_reach_the_terminal_escaped() {
    let site = fixture("site");
    let file = format!("{LOG}/2026-10-04-colour.md");
    let no_control = |err: &str| {
        assert!(
            !err.chars().any(|c| c.is_control() && c != '\n'),
            "a control character reached the terminal: {err:?}"
        );
    };
    write(
        site.path(),
        &file,
        b"+++\ntitle = \"Colour\"\ndate = 2026-10-04\nkind = \"\x1b[31mpayoff\x1b]0;owned\x07\"\n+++\n",
    );
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    no_control(&err);
    assert!(
        err.contains("4 | kind = \"\\u{1b}[31mpayoff\\u{1b}]0;owned\\u{7}\""),
        "{err}"
    );

    // A TOML error just past an escape: the caret is under the `[` it names.
    write(
        site.path(),
        &file,
        b"+++\ntitle = \"Colour\"\ndate = 2026-10-04\n\x1b[2Jmood = \"x\"\n+++\n",
    );
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    no_control(&err);
    assert!(
        err.contains("4 | \\u{1b}[2Jmood = \"x\"\n  |       ^\n"),
        "{err}"
    );
}
