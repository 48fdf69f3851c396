//! Writing the built site. The new output is written into a staging folder beside
//! the target and swapped in with renames only once every file is written, so a
//! failed or interrupted build leaves the previous site exactly as it was. A
//! marker file tells a folder skillfolio made from one it must not delete.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, io_error};

/// The file that marks a folder as skillfolio's own output.
pub const MARKER: &str = ".skillfolio-output";
const MARKER_TEXT: &str =
    "This folder is built by skillfolio; a build replaces everything in it.\n";

/// One file of the built site, relative to the output root with `/` separators.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    /// Shared, so `serve` can keep a page from one build to the next without a copy.
    Bytes(Arc<[u8]>),
    /// A file copied as it is: an asset or a static file.
    Copy(PathBuf),
    /// A file of the theme embedded in the binary.
    Embedded(&'static [u8]),
}

impl OutputFile {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.into_bytes().into()),
        }
    }
}

/// Refuses an output folder the build must not replace: the site's own sources,
/// always, and any other non-empty folder skillfolio did not create, unless `force`.
pub fn check_target(output: &Path, root: &Path, force: bool) -> Result<(), Diagnostic> {
    let shown = output.display();
    let target = absolute(output);
    let root = absolute(root);
    if root.starts_with(&target) {
        return Err(Diagnostic::error(format!(
            "refusing to build into {shown}: it holds the site itself, and a build replaces everything in its output folder"
        ))
        .hint("choose a folder of its own, such as `--output public` (even `--force` does not allow this)"));
    }
    for source in ["content", "static", "templates", "themes"] {
        if target.starts_with(root.join(source)) {
            return Err(Diagnostic::error(format!(
                "refusing to build into {shown}: it is inside the site's `{source}/` folder, which the build reads"
            ))
            .hint("choose a folder outside the sources, such as `--output public` (even `--force` does not allow this)"));
        }
    }
    match fs::symlink_metadata(&target) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(Diagnostic::error(format!(
            "refusing to build into {shown}: it is a file, not a folder"
        ))
        .hint("remove it or choose another `--output`")),
        Ok(_) => {
            let made_by_us = target.join(MARKER).is_file();
            let empty = fs::read_dir(&target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if made_by_us || empty || force {
                Ok(())
            } else {
                Err(Diagnostic::error(format!(
                    "refusing to build into {shown}: the folder was not created by skillfolio, and a build replaces everything in it"
                ))
                .hint(format!(
                    "choose an empty or new folder, or pass `--force` to replace {shown} and all it holds"
                )))
            }
        }
    }
}

/// Writes `files` into a staging folder and swaps it in for `output`.
pub fn write(output: &Path, files: &[OutputFile], force: bool) -> Result<(), Diagnostic> {
    let target = absolute(output);
    let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, &e))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);

    let timer = crate::timings::Timer::start();
    if let Err(d) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(d);
    }

    timer.lap("write staging");
    let had_output = target.exists();
    if had_output {
        // Checked again right before the swap: the folder may have changed meanwhile.
        if !force && !target.join(MARKER).is_file() && !is_empty_dir(&target) {
            let _ = fs::remove_dir_all(&staging);
            return Err(Diagnostic::error(format!(
                "refusing to replace {}: it was not created by skillfolio",
                output.display()
            ))
            .hint("pass `--force` to replace it"));
        }
        fs::rename(&target, &old).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            io_error("move aside the previous output", output, &e)
        })?;
    }
    if let Err(e) = fs::rename(&staging, &target) {
        if had_output {
            let _ = fs::rename(&old, &target);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(io_error("move the new output into place at", output, &e));
    }
    timer.lap("swap");
    if had_output {
        let _ = fs::remove_dir_all(&old);
    }
    timer.lap("remove old output");
    Ok(())
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    fs::create_dir_all(staging).map_err(|e| io_error("create", staging, &e))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for file in files {
        let rel = safe_relative(&file.path)?;
        if let Some(dir) = rel.parent() {
            dirs.push(dir.to_path_buf());
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        let path = staging.join(dir);
        fs::create_dir_all(&path).map_err(|e| io_error("create", &path, &e))?;
    }
    files.par_iter().try_for_each(|file| {
        let path = staging.join(safe_relative(&file.path)?);
        let result = match &file.contents {
            Contents::Bytes(bytes) => fs::write(&path, &bytes[..]),
            Contents::Embedded(bytes) => fs::write(&path, bytes),
            Contents::Copy(source) => fs::copy(source, &path).map(|_| ()),
        };
        result.map_err(|e| match &file.contents {
            Contents::Copy(source) => io_error("copy", source, &e),
            _ => io_error("write", &path, &e),
        })
    })?;
    let marker = staging.join(MARKER);
    fs::write(&marker, MARKER_TEXT).map_err(|e| io_error("write", &marker, &e))
}

/// An output path as a relative path that cannot leave the output folder, whatever
/// a slug or file name said.
pub fn safe_relative(path: &str) -> Result<PathBuf, Diagnostic> {
    let rel = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\\')
        && rel.components().all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(rel.to_path_buf())
    } else {
        Err(Diagnostic::error(format!(
            "refusing to write `{path}`: it would land outside the output folder"
        ))
        .hint("rename the file or folder it comes from"))
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// An absolute, lexically clean path; the existing part is resolved through
/// symbolic links so two spellings of one folder compare equal.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
    let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_cannot_climb_out() {
        assert!(safe_relative("skills/omelette/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\..\\b", "./a"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }
}
