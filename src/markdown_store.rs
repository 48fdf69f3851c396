//! Rendered markdown kept on disk between builds, so a rebuild renders only the
//! files that changed. Rendering every entry again, code from the highlight
//! cache included, was most of what a rebuild of an unchanged large site cost.
//!
//! An entry is the rendering of one file's body, keyed by what rendering reads:
//! the file's path and whole text (its warnings point into it), the body's range
//! and the folder links resolve from, and the program's version through every
//! key. What it looked up of the link targets is stored with it
//! ([`crate::link_lookups::Deps`]), and a rendering is taken only while those
//! look-ups give the same answers: adding a file renders again only the files
//! whose links lead to it.
//!
//! The file is read entry by entry where it lies, never whole: a large site's
//! store is tens of megabytes, which would otherwise sit in memory beside the
//! model. Entries rendered now are written to a new file as they are made;
//! saving adds the entries this build took from the old one and an index, and
//! replaces the old file in one rename. A build that changed nothing writes
//! nothing.

use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::binary::{Reader, Writer};
use crate::content::SourceFile;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::keyed_file::KeyedFile;
use crate::keys::{Key, KeyHasher};
use crate::link_lookups::Deps;
use crate::markdown::{Fragment, Heading, Rendered, Section};

const MAGIC: &[u8] = b"SKILLFOLIO-MARKDOWN-STORE 2\n";

/// The tag every store is saved with: each entry says itself what it holds for.
const TAG: u64 = 0;

pub struct Store(KeyedFile);

impl Store {
    /// Opens the store at `path`; a missing or damaged file is an empty store.
    pub fn open(path: &Path) -> Store {
        Store(KeyedFile::open(path, MAGIC))
    }

    /// [`Store::open`] for reading only: `put` keeps nothing and the store is
    /// never saved, so the file is only ever written by builds.
    pub fn open_read_only(path: &Path) -> Store {
        Store(KeyedFile::open_read_only(path, MAGIC))
    }

    /// Whether the store holds no rendering at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key of rendering the `body` of `file`, whose folder is `dir`.
    pub fn key(file: &SourceFile, body: &Range<usize>, dir: &Path) -> Key {
        let mut h = KeyHasher::new();
        file.path.as_os_str().as_encoded_bytes().hash(&mut h);
        file.text.hash(&mut h);
        (body.start, body.end).hash(&mut h);
        dir.as_os_str().as_encoded_bytes().hash(&mut h);
        h.finish()
    }

    /// The rendering stored under `key`, if what it looked up of the link
    /// targets still `holds`.
    pub fn get(&self, key: Key, holds: impl FnOnce(&Deps) -> bool) -> Option<Rendered> {
        (self.0).get_with(key, TAG, |bytes| decode(&bytes).filter(|r| holds(&r.deps)))
    }

    /// How many renderings this build took from the store.
    pub fn hits(&self) -> usize {
        self.0.hits()
    }

    /// Keeps `rendered` under `key`. A store that cannot be written only costs
    /// speed.
    pub fn put(&self, key: Key, rendered: &Rendered) {
        self.0.put(key, &encode(rendered));
    }

    /// Writes the store of this build: what it rendered and what it took
    /// from the old store. Entries no file of this build had, or whose links
    /// now lead elsewhere, are dropped. Nothing is written when every entry
    /// came from the old store and all of them were used.
    pub fn save(self) {
        self.0.save(TAG, false);
    }
}

fn encode(r: &Rendered) -> Vec<u8> {
    let len = (r.sections.iter())
        .map(|s| s.heading_html.len() + s.body.len())
        .sum::<usize>()
        + r.summary.len()
        + r.summary_text.len();
    let mut out = Writer(Vec::with_capacity(len + 256));
    out.count(r.sections.len());
    for s in &r.sections {
        match &s.heading {
            Some(h) => {
                out.byte(1);
                out.byte(h.level);
                out.str(&h.id);
                out.str(&h.text);
                out.byte(u8::from(h.starts_section));
            }
            None => out.byte(0),
        }
        out.str(&s.heading_html);
        out.str(&s.body);
    }
    out.str(&r.summary);
    out.str(&r.summary_text);
    out.count(r.warnings.len());
    for w in &r.warnings {
        put_diagnostic(&mut out, w);
    }
    out.count(r.ids.len());
    for id in &r.ids {
        out.str(id);
    }
    out.count(r.fragments.len());
    for f in &r.fragments {
        match &f.target {
            Some(target) => {
                out.byte(1);
                out.str(&target.to_string_lossy());
            }
            None => out.byte(0),
        }
        out.str(&f.id);
        put_diagnostic(&mut out, &f.warning);
    }
    r.deps.write(&mut out);
    out.0
}

/// Reads back what [`encode`] wrote; `None` for anything else.
fn decode(bytes: &[u8]) -> Option<Rendered> {
    let mut r = Reader(bytes);
    let mut rendered = Rendered::default();
    for _ in 0..r.count()? {
        let heading = match r.byte()? {
            0 => None,
            1 => Some(Heading {
                level: r.byte()?,
                id: r.string()?,
                text: r.string()?,
                starts_section: r.byte()? == 1,
            }),
            _ => return None,
        };
        rendered.sections.push(Section {
            heading,
            heading_html: r.string()?,
            body: r.string()?,
        });
    }
    rendered.summary = r.string()?;
    rendered.summary_text = r.string()?;
    for _ in 0..r.count()? {
        rendered.warnings.push(read_diagnostic(&mut r)?);
    }
    for _ in 0..r.count()? {
        rendered.ids.push(r.string()?);
    }
    for _ in 0..r.count()? {
        let target = match r.byte()? {
            0 => None,
            1 => Some(PathBuf::from(r.string()?)),
            _ => return None,
        };
        rendered.fragments.push(Fragment {
            target,
            id: r.string()?,
            warning: read_diagnostic(&mut r)?,
        });
    }
    rendered.deps = Deps::read(&mut r)?;
    r.is_empty().then_some(rendered)
}

fn put_diagnostic(out: &mut Writer, d: &Diagnostic) {
    out.byte(match d.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
    });
    out.str(&d.message);
    match &d.location {
        Some(l) => {
            out.byte(1);
            out.str(&l.file.to_string_lossy());
            out.count(l.line);
            out.count(l.column);
            out.str(&l.source_line);
            out.count(l.width);
        }
        None => out.byte(0),
    }
    out.option(d.hint.as_deref());
    out.byte(u8::from(d.broken_link));
}

fn read_diagnostic(r: &mut Reader) -> Option<Diagnostic> {
    let severity = match r.byte()? {
        0 => Severity::Error,
        1 => Severity::Warning,
        _ => return None,
    };
    let message = r.string()?;
    let location = match r.byte()? {
        0 => None,
        1 => Some(Box::new(Location {
            file: PathBuf::from(r.string()?),
            line: r.count()?,
            column: r.count()?,
            source_line: r.string()?,
            width: r.count()?,
        })),
        _ => return None,
    };
    Some(Diagnostic {
        severity,
        message,
        location,
        hint: r.option()?,
        broken_link: r.byte()? == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> Rendered {
        let warning = Diagnostic::broken_link("link to `x.md` leads nowhere")
            .at(Path::new("content/a.md"), "one\ntwo [x](x.md)\n", 8, 9)
            .hint("check the name");
        Rendered {
            sections: vec![
                Section {
                    heading: None,
                    heading_html: String::new(),
                    body: "<p>one</p>".into(),
                },
                Section {
                    heading: Some(Heading {
                        level: 2,
                        id: "entry-trick".into(),
                        text: "Entry trick".into(),
                        starts_section: true,
                    }),
                    heading_html: "<h2 id=\"entry-trick\">Entry trick</h2>".into(),
                    body: "<p>two ☕</p>".into(),
                },
            ],
            summary: "<p>one</p>".into(),
            summary_text: "one".into(),
            warnings: vec![warning.clone(), Diagnostic::error("whole file")],
            ids: vec!["entry-trick".into()],
            fragments: vec![Fragment {
                target: Some(PathBuf::from("skills/b/index.md")),
                id: "payoff".into(),
                warning,
            }],
            deps: looked_up(),
        }
    }

    /// What a rendering with a link to `b` and a photo looked up.
    fn looked_up() -> Deps {
        let links = crate::markdown::Links {
            targets: [("skills/b/index.md".into(), "skills/b/".to_string())].into(),
            base_path: "/".into(),
            images: Default::default(),
            lengths: Default::default(),
            refused: Default::default(),
        };
        let lookups = crate::link_lookups::Lookups::new(&links, 5);
        lookups.target(Path::new("skills/b/index.md"));
        lookups.image("skills/b/photo.jpg");
        let _ = lookups.every_target().count();
        lookups.deps()
    }

    fn same(a: &Rendered, b: &Rendered) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn a_rendering_reads_back_as_it_was() {
        let r = rendered();
        assert!(same(&decode(&encode(&r)).unwrap(), &r));
        let bytes = encode(&r);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
    }

    #[test]
    fn a_store_keeps_a_rendering_while_its_look_ups_hold() {
        let dir = tempfile::tempdir().unwrap();
        // The folder is made as the first rendering is kept.
        let path = dir.path().join("cache/markdown.bin");
        let r = rendered();
        let looked_up = r.deps.clone();
        let holds = |d: &Deps| *d == looked_up;
        let store = Store::open(&path);
        assert!(store.get(1, holds).is_none());
        store.put(1, &r);
        store.put(2, &Rendered::default());
        store.put(3, &r);
        store.save();
        let store = Store::open(&path);
        assert!(same(&store.get(1, holds).unwrap(), &r));
        assert!(store.get(4, holds).is_none(), "another key");
        assert!(
            store.get(3, |_| false).is_none(),
            "its links lead elsewhere now"
        );
        assert_eq!(
            store.hits(),
            1,
            "a rendering that no longer holds is no hit"
        );
        // Saved with only what this build used: entry 2 goes, and so does 3,
        // which no longer held.
        store.save();
        let store = Store::open(&path);
        assert!(store.get(2, holds).is_none());
        assert!(store.get(3, holds).is_none());
        assert!(same(&store.get(1, holds).unwrap(), &r));
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        store.save();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written,
            "a build that used every entry and rendered nothing writes nothing"
        );
        let files = std::fs::read_dir(dir.path().join("cache")).unwrap().count();
        assert_eq!(files, 1, "no temporary file is left");
    }
}
