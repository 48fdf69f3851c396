//! `check` is the gate before publishing: each kind of link that leads nowhere
//! is an error there (exit 1), named at the line that wrote it, while `build`
//! reports the same link as a warning and still publishes.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, run, stderr};

/// Appends `text` to the file at `rel` in the site at `root`.
fn append(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let mut old = fs::read_to_string(&path).unwrap_or_default();
    old.push_str(text);
    fs::write(path, old).unwrap();
}

/// One broken link of each kind, as a writer or a theme would write it.
const CASES: &[(&str, &str, &str)] = &[
    (
        "relative-md",
        "content/about.md",
        "\nMy first skill: [omelette](skills/omlette/index.md).\n",
    ),
    (
        "fragment-other-page",
        "content/about.md",
        "\nHow I started: [the trick](skills/omelette/index.md#entry-trik).\n",
    ),
    (
        "fragment-same-page",
        "content/skills/omelette/index.md",
        "\nBack to [the barrier](#rub-pat-barier).\n",
    ),
    (
        "root-relative",
        "content/skills/omelette/log/2026-10-02-fold.md",
        "\nMore [about me](/folio/abuot/).\n",
    ),
    (
        "outside-base-path",
        "content/skills/omelette/log/2026-10-02-fold.md",
        "\nMore [about me](/about/).\n",
    ),
    (
        "under-base-url",
        "content/_index.md",
        "\nEvery win is on the [payoffs page](https://example.org/folio/payofs/).\n",
    ),
    (
        "root-relative-fragment",
        "content/_index.md",
        "\nWhy I do it: [why](/folio/about/#wy).\n",
    ),
];

#[test]
fn each_kind_of_broken_link_fails_check_at_its_line_and_only_warns_in_build() {
    for (name, file, text) in CASES {
        let site = fixture("links");
        let clean = run(site.path(), &["check"]);
        assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
        append(site.path(), file, text);

        let out = run(site.path(), &["check"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&format!("--> {file}:")), "{name}: {err}");
        assert!(err.ends_with("1 error, 0 warnings\n"), "{name}: {err}");
        insta::assert_snapshot!(format!("link-{name}"), err);

        let build = run(site.path(), &["build"]);
        let warned = stderr(&build);
        assert!(build.status.success(), "{name}: {warned}");
        let first_line = err
            .lines()
            .next()
            .unwrap()
            .replacen("error:", "warning:", 1);
        assert!(warned.contains(&first_line), "{name}: {warned}");
        assert!(site.path().join("public/index.html").is_file());
    }
}

#[test]
fn a_site_template_linking_to_a_page_that_is_not_built_is_named_by_file_and_line() {
    let site = fixture("links");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html");
    let base = fs::read_to_string(theme).unwrap();
    // A menu entry for a page the site does not have, beside the skip link.
    let skip = r##"<a class="skip-link" href="#main">"##;
    assert!(base.contains(skip), "the default theme's base.html changed");
    let line = base[..base.find(skip).unwrap()].lines().count() + 1;
    let edited = base.replacen(
        skip,
        &format!(r#"<a href="{{{{ site.base_path }}}}contact/">Contact</a> {skip}"#),
        1,
    );
    fs::write(site.path().join("templates/base.html"), edited).unwrap();

    let out = run(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("--> templates/base.html:{line}:")),
        "{err}"
    );
    insta::assert_snapshot!("link-template-override", err);
}

#[test]
fn deny_warnings_still_fails_on_warnings_and_a_clean_site_passes() {
    let site = fixture("links");
    let out = run(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(
        site.path()
            .join("content/skills/omelette/log/2026-10-03-empty.md"),
        "+++\ntitle = \"Nothing written\"\ndate = 2026-10-03\n+++\n",
    )
    .unwrap();
    let out = run(site.path(), &["check", "--deny-warnings"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("has no notes"), "{err}");
}
