//! Loading and rendering a whole site made from the input: the bytes are split into
//! files (a line `=== path` starts each one) written under a fresh site folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillfolio::LoadOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::TempDir::new() else { return };
    let root = dir.path();
    let text = String::from_utf8_lossy(data);
    let _ = std::fs::write(root.join("site.toml"), "title = \"Fuzz\"\nbase_url = \"https://example.org/p/\"\ntoday = 2026-06-01\n");
    for chunk in text.split("=== ").skip(1).take(12) {
        let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        // Names map into content/ only: this is about content, not the file system.
        let name: String = name.chars().filter(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '.' | '_')).collect();
        if name.contains("..") || name.starts_with('/') || name.is_empty() {
            continue;
        }
        let path = root.join("content").join(&name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, body);
    }
    let options = LoadOptions {
        root: root.to_path_buf(),
        ..LoadOptions::default()
    };
    match skillfolio::load(&options) {
        Ok(loaded) => {
            let _ = skillfolio::render(&loaded);
        }
        Err(errors) => {
            let _ = errors.to_string();
        }
    }
});
