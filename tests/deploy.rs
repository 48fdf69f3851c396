//! The publishing recipes of `docs/deploy.md` are files people copy as they
//! are, so each is parsed as what it is (YAML, TOML, shell), and the
//! skillfolio commands it runs are run on a copy of the demo portfolio with the
//! addresses the hosts would give. `init --ci` writes the same files.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{BIN, copy_dir, read, stderr};
use yaml_rust2::{Yaml, YamlLoader};

/// Each `File: `NAME`` in the document with the fenced block under it.
fn recipes() -> Vec<(String, String, String)> {
    let doc = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy.md"));
    let mut found = Vec::new();
    for part in doc.split("\nFile: `").skip(1) {
        let name = part[..part.find('`').unwrap()].to_string();
        let fence = part.find("\n```").expect("a fenced block after File:");
        let after = &part[fence + 4..];
        let lang_end = after.find('\n').unwrap();
        let lang = after[..lang_end].to_string();
        let body = &after[lang_end + 1..];
        let body = body[..body.find("```").expect("a closing fence")].to_string();
        found.push((name, lang, body));
    }
    found
}

fn yaml_strings(value: &Yaml, out: &mut Vec<String>) {
    match value {
        Yaml::String(s) => out.push(s.clone()),
        Yaml::Array(items) => items.iter().for_each(|i| yaml_strings(i, out)),
        Yaml::Hash(map) => map.iter().for_each(|(k, v)| {
            yaml_strings(k, out);
            yaml_strings(v, out);
        }),
        _ => {}
    }
}

fn toml_strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|i| toml_strings(i, out)),
        toml::Value::Table(t) => t.values().for_each(|v| toml_strings(v, out)),
        _ => {}
    }
}

/// The skillfolio commands a recipe runs, each as a shell command line.
fn commands(name: &str, lang: &str, body: &str) -> Vec<String> {
    let mut strings = Vec::new();
    match lang {
        "yaml" => {
            let docs = YamlLoader::load_from_str(body)
                .unwrap_or_else(|e| panic!("{name} is not YAML: {e}"));
            assert!(!docs.is_empty(), "{name} is empty");
            docs.iter().for_each(|d| yaml_strings(d, &mut strings));
        }
        "toml" => {
            let value: toml::Value =
                toml::from_str(body).unwrap_or_else(|e| panic!("{name} is not TOML: {e}"));
            toml_strings(&value, &mut strings);
        }
        "sh" => {
            assert!(body.starts_with("#!/bin/sh\n"), "{name}");
            let out = Command::new("sh")
                .args(["-n", "-c", body])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name} is not valid sh: {}",
                stderr(&out)
            );
            strings.push(body.to_string());
        }
        other => panic!("{name}: a recipe in `{other}`"),
    }
    strings
        .iter()
        .flat_map(|s| {
            s.lines()
                .flat_map(|l| l.split("&&"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|c| c.trim().trim_end_matches('\\').trim().to_string())
        .filter(|c| c.starts_with("skillfolio ") || c.starts_with("$tools/bin/skillfolio "))
        .map(|c| c.replace("$tools/bin/skillfolio", "skillfolio"))
        // GitHub's expressions, as the Pages action fills them in.
        .map(|c| {
            c.replace(
                "${{ steps.pages.outputs.base_url }}",
                "https://someone.github.io/portfolio",
            )
        })
        .collect()
}

/// A copy of the demo portfolio and a folder holding `skillfolio` for PATH.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::TempDir::new().unwrap();
    let site = dir.path().join("site");
    for part in ["content", "themes", "static"] {
        if root.join(part).is_dir() {
            copy_dir(&root.join(part), &site.join(part));
        }
    }
    fs::copy(root.join("site.toml"), site.join("site.toml")).unwrap();
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("skillfolio")).unwrap();
    (dir, site)
}

#[test]
fn every_recipe_parses_and_its_commands_build_the_demo() {
    let recipes = recipes();
    let names: Vec<&str> = recipes.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            ".github/workflows/pages.yml",
            ".gitlab-ci.yml",
            ".woodpecker/pages.yml",
            "netlify.toml",
            ".github/workflows/cloudflare.yml",
            "deploy.sh",
        ]
    );
    let (dir, site) = demo();
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (name, lang, body) in &recipes {
        let commands = commands(name, lang, body);
        assert!(
            commands.iter().any(|c| c.starts_with("skillfolio build")),
            "{name} runs no build: {commands:?}"
        );
        for command in &commands {
            let _ = fs::remove_dir_all(site.join("public"));
            let out = Command::new("sh")
                .args(["-c", command])
                .current_dir(&site)
                .env("PATH", &path)
                .env("CI_PAGES_URL", "https://someone.gitlab.io/portfolio")
                .env("URL", "https://portfolio.netlify.app")
                .env_remove("DEPLOY_PRIME_URL")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: `{command}` failed:\n{}",
                stderr(&out)
            );
            if command.starts_with("skillfolio build") {
                let home = read(site.join("public/index.html"));
                let expected = match name.as_str() {
                    ".github/workflows/pages.yml" => "https://someone.github.io/portfolio/",
                    ".gitlab-ci.yml" => "https://someone.gitlab.io/portfolio/",
                    "netlify.toml" => "https://portfolio.netlify.app/",
                    _ => "https://example.org/",
                };
                assert!(
                    home.contains(&format!("<link rel=\"canonical\" href=\"{expected}\">")),
                    "{name}: the site is not built for {expected}"
                );
            }
        }
    }
}

#[test]
fn init_with_ci_writes_the_recipe_of_the_docs() {
    let recipes = recipes();
    for (service, file) in [
        ("github", ".github/workflows/pages.yml"),
        ("gitlab", ".gitlab-ci.yml"),
    ] {
        let dir = tempfile::TempDir::new().unwrap();
        let out = Command::new(BIN)
            .args(["init", "--ci", service])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let written = read(dir.path().join(file));
        let documented = &recipes.iter().find(|(n, _, _)| n == file).unwrap().2;
        assert_eq!(
            &written, documented,
            "init --ci {service} and docs/deploy.md differ"
        );
    }
    let out = Command::new(BIN)
        .args(["init", "--ci", "bitbucket", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("invalid value 'bitbucket' for '--ci <CI>'"),
        "{}",
        stderr(&out)
    );
}
