//! Likely mistakes (YAML front matter, a text where a list belongs, a misspelt
//! part heading, a name with no slug, a broken template, a bad date, an unknown
//! theme) each get a located message saying what to write instead, never silence.
//! Each fixture under `tests/fixtures/mistakes/` holds one of them; `check` runs
//! on it and its whole report is kept as a snapshot.

mod common;

use common::{fixture, read, run, stderr, tree};

/// Runs `check` on the fixture and returns its report, after asserting the exit
/// code and that the report names `location` and says `says`.
fn check(name: &str, code: i32, location: &str, says: &str) -> String {
    let site = fixture(&format!("mistakes/{name}"));
    let out = run(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{name}: {err}");
    assert!(err.contains(&format!("--> {location}\n")), "{name}: {err}");
    assert!(err.contains(says), "{name}: {err}");
    err
}

#[test]
fn yaml_front_matter_is_shown_as_toml() {
    let err = check(
        "yaml-front-matter",
        1,
        "content/skills/omelette/index.md:1:1",
        "`title = \"Omelette\"`, `started = 2026-10-01`, `tags = [\"kitchen\", \"eggs\"]`, `draft = false`",
    );
    insta::assert_snapshot!("yaml-front-matter", err);
}

#[test]
fn a_text_where_a_list_belongs_gets_the_list_form() {
    let err = check(
        "text-for-list",
        1,
        "content/skills/omelette/index.md:4:8",
        "write `tags = [\"kitchen\", \"eggs\"]`",
    );
    assert!(err.contains("write `related = [\"knife\"]`"), "{err}");
    assert!(err.contains("write `evidence = [\"photo.jpg\"]`"), "{err}");
    insta::assert_snapshot!("text-for-list", err);
}

#[test]
fn a_misspelt_part_heading_is_a_warning_naming_the_part() {
    let err = check(
        "misspelt-heading",
        0,
        "content/skills/omelette/index.md:6:1",
        "the heading `## Entry trik` is none of the six parts; did you mean `## Entry trick`?",
    );
    assert!(err.contains("did you mean `## Rub-pat barrier`?"), "{err}");
    assert!(
        err.contains("did you mean `## Background support`?"),
        "{err}"
    );
    assert!(
        !err.contains("`## Notes`"),
        "free headings stay free: {err}"
    );
    insta::assert_snapshot!("misspelt-heading", err);
    let site = fixture("mistakes/misspelt-heading");
    let out = run(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    // `build` warns too, and still builds.
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("did you mean `## Entry trick`?"));
}

#[test]
fn a_heading_holding_only_its_prompt_is_not_yet_written() {
    let err = check(
        "prompt-only",
        0,
        "content/skills/omelette/index.md:8:1",
        "not yet written: Entry trick (its heading holds only the prompt), Payoff (its heading holds only the prompt)",
    );
    assert!(!err.contains("add a `## Entry trick` section"), "{err}");
    insta::assert_snapshot!("prompt-only", err);
    let site = fixture("mistakes/prompt-only");
    let out = run(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_name_without_letters_or_digits_is_an_error_and_other_scripts_transliterate() {
    let err = check(
        "empty-slug",
        1,
        "content/!!!.md:1:1",
        "the name `!!!.md` gives an empty slug",
    );
    assert!(
        err.contains("--> content/skills/@@@/index.md:1:1\n"),
        "{err}"
    );
    assert!(!err.contains("日本語"), "a Japanese name has a slug: {err}");
    insta::assert_snapshot!("empty-slug", err);
    let site = fixture("mistakes/empty-slug");
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the name `!!!.md` gives an empty slug"));
    // Without the nameless files, the Japanese page is published under its reading.
    std::fs::remove_file(site.path().join("content/!!!.md")).unwrap();
    std::fs::remove_dir_all(site.path().join("content/skills/@@@")).unwrap();
    common::build(site.path(), &[]);
    assert!(site.path().join("public/ri-ben-yu/index.html").is_file());
}

#[test]
fn site_toml_errors_name_site_toml() {
    let err = check(
        "site-toml-syntax",
        1,
        "site.toml:4:10",
        "error: invalid TOML in site.toml",
    );
    assert!(!err.contains("front matter"), "{err}");
    insta::assert_snapshot!("site-toml-syntax", err);
}

#[test]
fn an_unclosed_tag_is_reported_where_it_opens() {
    let err = check(
        "unclosed-if",
        1,
        "templates/skill.html:4:1",
        "`{% if skill.summary %}` is never closed",
    );
    assert!(
        err.contains("close it with `{% endif %}` before `{% endblock content %}`"),
        "{err}"
    );
    insta::assert_snapshot!("unclosed-if", err);
}

#[test]
fn a_bad_expression_is_reported_on_its_line() {
    let err = check(
        "bad-expression",
        1,
        "templates/skill.html:4:23",
        "template error while reading the theme's templates: Found `}}` but expected identifier",
    );
    insta::assert_snapshot!("bad-expression", err);
}

#[test]
fn negative_minutes_must_be_zero_or_more() {
    let err = check(
        "negative-minutes",
        1,
        "content/skills/omelette/log/2026-10-02-fold.md:4:11",
        "`minutes` must be zero or more, found -5",
    );
    insta::assert_snapshot!("negative-minutes", err);
}

#[test]
fn an_unknown_theme_gets_the_nearest_and_the_list() {
    let err = check(
        "unknown-theme",
        1,
        "site.toml:3:9",
        "did you mean `theme = \"paper\"`? The themes are `default` (built in), `paper` (themes/paper/)",
    );
    insta::assert_snapshot!("unknown-theme", err);
}

/// `log --date` in another shape than YYYY-MM-DD is refused with the readings
/// it could have meant, and writes nothing.
#[test]
fn log_dates_are_year_month_day() {
    let site = fixture("site");
    let before = tree(site.path());
    for (date, hint) in [
        (
            "04/12/2026",
            "did you mean 2026-12-04 (4 December) or 2026-04-12 (12 April)?",
        ),
        ("2026-13-01", "did you mean 2026-01-13 (13 January)?"),
    ] {
        let out = run(
            site.path(),
            &[
                "log",
                "perfect-omelette",
                "Fold",
                "--date",
                date,
                "--message",
                "x",
            ],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!(
                "error: `{date}` is not a date: dates are written YYYY-MM-DD"
            )),
            "{err}"
        );
        assert!(err.contains(&format!("= hint: {hint}")), "{err}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(tree(site.path()), before, "nothing may be written");
}

#[test]
fn a_log_date_after_today_warns_and_writes() {
    let site = fixture("site");
    let out = run(
        site.path(),
        &[
            "log",
            "perfect-omelette",
            "Plan",
            "--date",
            "2026-10-12",
            "--message",
            "x",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: 2026-10-12 is after today (2026-10-10)"),
        "{err}"
    );
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(read(&path).contains("date = 2026-10-12"));
}
