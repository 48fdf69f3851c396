//! `import` on a fresh portfolio: exports from Toggl Track and Clockify become
//! log entries whose totals show on the skill page; importing again adds only
//! what is new; a bad row stops the whole import at its line; `--dry-run`
//! writes nothing.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{BIN, read, run, stderr, tree};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A portfolio made by `init`, with a second skill made by `new`.
fn portfolio() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    let out = std::process::Command::new(BIN)
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(dir.path(), &["new", "Sourdough bread"]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

const TOGGL: &str = "\u{feff}User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount ()
Ana,ana@example.org,,Sourdough bread,,\"Shaping, then a cold retard\",No,2026-10-03,07:30:00,2026-10-03,08:15:00,00:45:00,\"bread, shaping\",
Ana,ana@example.org,,Sourdough bread,,Pâine cu maia — prima coacere,No,2026-10-03,18:00:00,2026-10-03,19:30:30,01:30:30,,
Ana,ana@example.org,,bowline,,Bowline one-handed,No,2026-10-04,21:10:00,2026-10-04,21:25:00,00:15:00,knots,
Ana,ana@example.org,,Sourdough bread,,Levain,No,2026-10-05,06:00:00,2026-10-05,06:00:20,00:00:20,,
";

const CLOCKIFY: &str = "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,End Date,End Time,Duration (h),Duration (decimal),Billable Rate (USD),Billable Amount (USD)
Sourdough bread,,Levain build,,Ana,,ana@example.org,,No,10/12/2026,08:00 AM,10/12/2026,08:20 AM,00:20:00,0.33,0.00,0.00
Sourdough bread,,\"Bake #2, darker crust\",,Ana,,ana@example.org,crust,No,10/13/2026,08:00 AM,10/13/2026,09:00 AM,01:00:00,1.00,0.00,0.00
Sourdough bread,,\"Bake #2, darker crust\",,Ana,,ana@example.org,crust,No,10/13/2026,08:00 AM,10/13/2026,09:00 AM,01:00:00,1.00,0.00,0.00
";

fn log_files(root: &Path, skill: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("content/skills").join(skill).join("log"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_toggl_export_becomes_entries_once_and_the_skill_page_counts_them() {
    let site = portfolio();
    let root = site.path();
    fs::write(root.join("toggl.csv"), TOGGL).unwrap();

    let out = run(root, &["import", "toggl.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Imported 4 entries."),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        log_files(root, "sourdough-bread"),
        [
            "2026-10-03-paine-cu-maia-prima-coacere.md",
            "2026-10-03-shaping-then-a-cold-retard.md",
            "2026-10-05-levain.md",
        ]
    );
    let shaping = read(
        root.join("content/skills/sourdough-bread/log/2026-10-03-shaping-then-a-cold-retard.md"),
    );
    assert!(shaping.starts_with("+++\ntitle = \"Shaping, then a cold retard\"\ndate = 2026-10-03\nminutes = 45\nkind = \"practice\"\ntags = [\"bread\", \"shaping\"]\nimported = \""), "{shaping}");
    // 1:30:30 rounds to the nearest minute: 91; 20 seconds round to none.
    let bake = read(
        root.join("content/skills/sourdough-bread/log/2026-10-03-paine-cu-maia-prima-coacere.md"),
    );
    assert!(
        bake.contains("title = \"Pâine cu maia — prima coacere\"\n"),
        "{bake}"
    );
    assert!(bake.contains("minutes = 91\n"), "{bake}");
    assert!(
        read(root.join("content/skills/sourdough-bread/log/2026-10-05-levain.md"))
            .contains("minutes = 0\n")
    );
    assert!(log_files(root, "bowline").contains(&"2026-10-04-bowline-one-handed.md".to_string()));

    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(root.join("public/skills/sourdough-bread/index.html"));
    assert!(page.contains("<dt>Minutes</dt><dd>136</dd>"), "{page}");
    assert!(page.contains("<dt>Sessions</dt><dd>3</dd>"), "{page}");

    // The same file again adds nothing.
    let before = tree(&root.join("content"));
    let out = run(root, &["import", "toggl.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Imported 0 entries; 4 rows were imported before."),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree(&root.join("content")), before);

    // A later export with one more row adds that row only.
    let later = format!(
        "{TOGGL}Ana,ana@example.org,,Sourdough bread,,Shaping,No,2026-10-10,07:00:00,2026-10-10,07:30:00,00:30:00,,\n"
    );
    fs::write(root.join("toggl-later.csv"), later).unwrap();
    let out = run(root, &["import", "toggl-later.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "content/skills/sourdough-bread/log/2026-10-10-shaping.md"
    );
    assert!(stderr(&out).contains("Imported 1 entry; 4 rows were imported before."));
}

#[test]
fn a_clockify_export_reads_its_own_dates_and_keeps_twin_rows_apart() {
    let site = portfolio();
    let root = site.path();
    fs::write(root.join("clockify.csv"), CLOCKIFY).unwrap();

    let out = run(root, &["import", "clockify.csv", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Dry run: 3 entries would be written. Nothing was written."),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("content/skills/sourdough-bread/log/2026-10-13-bake-2-darker-crust-2.md  (2026-10-13, 60 min, Bake #2, darker crust)"), "{}", stdout(&out));
    assert!(
        log_files(root, "sourdough-bread").is_empty(),
        "--dry-run wrote"
    );

    let out = run(root, &["import", "clockify.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // 10/13/2026 can only be month first, so 10/12/2026 is 12 October too.
    assert_eq!(
        log_files(root, "sourdough-bread"),
        [
            "2026-10-12-levain-build.md",
            "2026-10-13-bake-2-darker-crust-2.md",
            "2026-10-13-bake-2-darker-crust.md",
        ]
    );
    let out = run(root, &["import", "clockify.csv"]);
    assert!(stderr(&out).contains("Imported 0 entries; 3 rows were imported before."));
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(root.join("public/skills/sourdough-bread/index.html"));
    assert!(page.contains("<dt>Minutes</dt><dd>140</dd>"), "{page}");
}

#[test]
fn a_bad_row_stops_the_import_at_its_line_and_writes_nothing() {
    let site = portfolio();
    let root = site.path();
    let bad = "date,minutes,title,skill\n2026-10-03,30,Fine,sourdough-bread\n2026-10-04,ninety,Too long to type,sourdough-bread\n2026-10-05,20,Unknown,sourdogh\n";
    fs::write(root.join("plain.csv"), bad).unwrap();
    let before = tree(&root.join("content"));
    let out = run(root, &["import", "plain.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: `ninety` is not a number (column `minutes`, the minutes)\n --> plain.csv:3:12"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "error: no skill is called `sourdogh` (column `skill`, the skill)\n --> plain.csv:4:"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `sourdough-bread`?"), "{err}");
    assert!(
        err.contains("Nothing was imported: 2 problems in plain.csv."),
        "{err}"
    );
    assert_eq!(tree(&root.join("content")), before);
}

#[test]
fn json_lines_and_mapped_columns_import_with_a_fixed_skill() {
    let site = portfolio();
    let root = site.path();
    let lines = "{\"day\": \"2026-10-03T23:40:00-05:00\", \"spent\": 25, \"what\": \"Late knots\", \"tags\": [\"night\"]}\n{\"day\": \"2026-10-04\", \"spent\": 10.4, \"what\": \"Quick one\"}\n";
    fs::write(root.join("sessions.jsonl"), lines).unwrap();
    let out = run(
        root,
        &[
            "import",
            "sessions.jsonl",
            "--skill",
            "bowline",
            "--map",
            "spent=minutes",
            "--map",
            "what=title",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // A time with its zone keeps its own day: 23:40 in UTC-5 is the 3rd.
    let files = log_files(root, "bowline");
    assert!(
        files.contains(&"2026-10-03-late-knots.md".to_string())
            && files.contains(&"2026-10-04-quick-one.md".to_string()),
        "{files:?}"
    );
    let late = read(root.join("content/skills/bowline/log/2026-10-03-late-knots.md"));
    assert!(
        late.contains("minutes = 25\n") && late.contains("tags = [\"night\"]\n"),
        "{late}"
    );
    // The time is written with its offset, so a site's `timezone` can place it.
    assert!(
        late.contains("date = 2026-10-03T23:40:00-05:00\n"),
        "{late}"
    );

    // Without the map, the file names neither a duration nor a title it knows.
    let out = run(root, &["import", "sessions.jsonl", "--skill", "bowline"]);
    assert!(
        stderr(&out).contains("error: no column of the file gives a duration"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("`--map \"Column=minutes\"`"),
        "{}",
        stderr(&out)
    );
}
