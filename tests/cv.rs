//! The portfolio as a CV: `/resume.json` validates against the JSON Resume
//! schema (vendored from `@jsonresume/schema` 1.3.1, MIT, in
//! `tests/fixtures/jsonresume/`), holds every skill and payoff the site shows
//! with absolute links, and `/cv/` lists the same for people and printers.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, read, run, stderr};
use serde_json::Value;
use walkdir::WalkDir;

fn schema() -> jsonschema::Validator {
    let text = read(common::fixtures().join("jsonresume/schema.json"));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not a valid JSON Resume: {errors:#?}"
    );
}

/// Every string under `value` that looks like a URL.
fn urls(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains("://") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| urls(i, out)),
        // The schema's own address and the author's profiles elsewhere are
        // not pages of the site.
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| *k != "$schema" && *k != "profiles")
            .for_each(|(_, v)| urls(v, out)),
        _ => {}
    }
}

/// `root` built into a folder of its own, and that folder's `p`.
fn built(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::TempDir::new().unwrap();
    let public = out.path().join("p");
    let built = run(root, &["build", "--output", public.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    (out, public)
}

fn check_site(root: &Path, base_url: &str) {
    let out = tempfile::TempDir::new().unwrap();
    let public = out.path().join("public");
    let built = run(root, &["build", "--output", public.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    let doc: Value = serde_json::from_str(&read(public.join("resume.json"))).unwrap();
    let validator = schema();
    assert_valid(&validator, &doc, "resume.json");

    // One skill per published skill page, one project per payoff on /payoffs/.
    let skill_pages = WalkDir::new(public.join("skills"))
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() == "index.html")
        .count();
    assert_eq!(doc["skills"].as_array().unwrap().len(), skill_pages);
    let payoffs = read(public.join("payoffs/index.html"));
    let tiles = payoffs.matches("h-entry\"").count();
    assert!(tiles > 0);
    assert_eq!(doc["projects"].as_array().unwrap().len(), tiles);

    let mut found = Vec::new();
    urls(&doc, &mut found);
    assert!(found.len() > tiles, "{found:?}");
    for url in &found {
        assert!(url.starts_with(base_url), "{url} is not under {base_url}");
    }
    for project in doc["projects"].as_array().unwrap() {
        let url = project["url"].as_str().unwrap();
        let page = public
            .join(url.strip_prefix(base_url).unwrap())
            .join("index.html");
        assert!(page.is_file(), "{url} is no page of the site");
    }

    // The CV page names every skill and payoff, and the printer sees only it.
    let cv = read(public.join("cv/index.html"));
    let text = skillfolio::html::unescape(&cv);
    for item in doc["skills"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["projects"].as_array().unwrap())
    {
        let name = item["name"].as_str().unwrap();
        assert!(text.contains(name), "the CV lacks {name}");
    }
    for project in doc["projects"].as_array().unwrap() {
        assert!(cv.contains(&format!(
            "<a href=\"{}\">",
            project["url"].as_str().unwrap()
        )));
    }
    assert!(cv.contains("resume.json"));
}

#[test]
fn resume_json_is_a_valid_json_resume_of_the_demo() {
    check_site(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "https://example.org/",
    );
}

#[test]
fn resume_json_is_a_valid_json_resume_of_a_strangers_site() {
    let site = fixture("stranger");
    check_site(site.path(), "https://someone.codeberg.page/skills/");
    let (_out, public) = built(site.path());
    let doc: Value = serde_json::from_str(&read(public.join("resume.json"))).unwrap();
    assert_eq!(doc["basics"]["name"], "Your Name");
    assert_eq!(doc["basics"]["email"], "you@example.org");
    let sourdough = doc["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Pâine cu maia (sourdough, properly)")
        .expect("the sourdough skill");
    assert_eq!(sourdough["level"], "Practising");
    assert_eq!(
        sourdough["keywords"],
        serde_json::json!(["Kitchen", "Bread", "fermentation", "wild yeast"])
    );
}

#[test]
fn the_schema_check_itself_rejects_what_is_not_a_resume() {
    let validator = schema();
    let bad = serde_json::json!({
        "basics": { "name": "A", "email": "not an address", "url": "no scheme" },
        "projects": [{ "name": "x", "startDate": "3 October 2026" }],
    });
    assert_eq!(validator.iter_errors(&bad).count(), 3);
}

#[test]
fn a_cv_page_of_the_sites_own_replaces_the_generated_one() {
    let site = fixture("stranger");
    fs::write(
        site.path().join("content/cv.md"),
        "+++\ntitle = \"Curriculum vitae\"\n+++\n\nMy own words.\n",
    )
    .unwrap();
    let public = common::build(site.path(), &[]);
    let cv = read(public.join("cv/index.html"));
    assert!(cv.contains("My own words."));
    assert!(!cv.contains("h-resume"));
}

#[test]
fn the_cv_and_resume_json_speak_the_sites_language() {
    let site = fixture("stranger");
    let config = read(site.path().join("site.toml"))
        .replace("language = \"en-GB\"", "language = \"tr\"")
        .replace(
            "name = \"Your Name\"",
            "name = \"Your Name\"\nlabel = \"Fırıncı ve yazılımcı\"",
        );
    fs::write(site.path().join("site.toml"), config).unwrap();
    check_site(site.path(), "https://someone.codeberg.page/skills/");
    let (_out, public) = built(site.path());
    let doc: Value = serde_json::from_str(&read(public.join("resume.json"))).unwrap();
    assert_eq!(doc["basics"]["label"], "Fırıncı ve yazılımcı");
    let levels: Vec<&str> = (doc["skills"].as_array().unwrap().iter())
        .map(|s| s["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"Çalışılıyor"), "{levels:?}");
    let cv = read(public.join("cv/index.html"));
    assert!(cv.contains("<html lang=\"tr\">"));
    assert!(cv.contains(">Fırıncı ve yazılımcı</p>"));
    assert!(!cv.contains(">Skill</th>"), "the CV's headings are Turkish");
}
