//! Derives the version every cache on disk is keyed with. Cached code blocks,
//! images, cards and recorded pages are only valid for the program that made
//! them, so the version is a digest of everything that shapes that program: the
//! exact dependency versions (`Cargo.lock`), the manifest, the vendored crates,
//! skillfolio's own sources and the compiler. A `cargo update`, an edit or a new
//! toolchain gives a new version, and every cache starts afresh.

use std::path::Path;

fn main() {
    let mut digest = xxhash_rust::xxh3::Xxh3::new();
    let mut add = |name: &str, bytes: &[u8]| {
        digest.update(name.as_bytes());
        digest.update(&(bytes.len() as u64).to_le_bytes());
        digest.update(bytes);
    };
    for file in ["Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={file}");
        add(file, &std::fs::read(file).unwrap_or_default());
    }
    for dir in ["src", "vendor"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        walk(Path::new(dir), &mut files);
        files.sort();
        for file in files {
            add(&file, &std::fs::read(&file).unwrap_or_default());
        }
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let compiler = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    add("rustc", &compiler);
    println!(
        "cargo:rustc-env=SKILLFOLIO_CACHE_VERSION={} {:032x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        digest.digest128()
    );
}

fn walk(dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
}
