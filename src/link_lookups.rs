//! What a rendering looked up in the site's link targets, so it can be kept for
//! as long as those answers stay the same. Kept only while the whole set of
//! targets was unchanged, every rendering was made again whenever a file was
//! added, removed or renamed anywhere: on a large portfolio, one new log entry
//! rendered ten thousand others that never link to it.
//!
//! The renderer and the evidence of an entry ask their questions through
//! [`Lookups`], which notes each one; the answers are hashed with the
//! questions' list ([`Deps`]). Asking the same questions of the next build's
//! targets and comparing the hash says whether the rendering still holds.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::binary::{Reader, Writer};
use crate::images::ImageInfo;
use crate::keys::KeyHasher;
use crate::markdown::Links;
use crate::urls::encode_path;

/// One question asked of the link targets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lookup {
    /// Where a path under `content/` is published, if it is.
    Target(PathBuf),
    /// The resized copies of the image published at an output path.
    Image(String),
    /// Why the image at an output path was refused, if it was.
    Refused(String),
    /// The size of the file published at an output path.
    Length(String),
    /// Every target at once: a link that leads nowhere is told the nearest.
    Every,
}

/// The questions a rendering asked, and a hash of the answers it got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
    lookups: Vec<Lookup>,
    answers: u64,
}

/// The link targets as one rendering sees them: every look-up is noted.
/// `every` is [`Links::fingerprint`], the answer to [`Lookup::Every`].
pub struct Lookups<'a> {
    links: &'a Links,
    every: u64,
    seen: RefCell<Vec<Lookup>>,
}

impl<'a> Lookups<'a> {
    pub fn new(links: &'a Links, every: u64) -> Self {
        Lookups {
            links,
            every,
            seen: RefCell::default(),
        }
    }

    fn note(&self, lookup: Lookup) {
        self.seen.borrow_mut().push(lookup);
    }

    /// The path of `base_url`, which every link is written under (and every
    /// rendering depends on, so it is in every hash of answers).
    pub fn base_path(&self) -> &'a str {
        &self.links.base_path
    }

    /// Where `content_path` is published, relative to the output root.
    pub fn target(&self, content_path: &Path) -> Option<&'a String> {
        self.note(Lookup::Target(content_path.to_path_buf()));
        self.links.targets.get(content_path)
    }

    pub fn image(&self, output: &str) -> Option<&'a Arc<ImageInfo>> {
        self.note(Lookup::Image(output.to_string()));
        self.links.images.get(output)
    }

    pub fn refused(&self, output: &str) -> Option<&'a String> {
        self.note(Lookup::Refused(output.to_string()));
        self.links.refused.get(output)
    }

    pub fn length(&self, output: &str) -> Option<u64> {
        self.note(Lookup::Length(output.to_string()));
        self.links.lengths.get(output).copied()
    }

    /// Every published path under `content/`.
    pub fn every_target(&self) -> impl Iterator<Item = &'a PathBuf> {
        self.note(Lookup::Every);
        self.links.targets.keys()
    }

    /// The site-relative URL for a content path, if the path is published: a
    /// folder is published as its `index.md` (or `_index.md`).
    pub fn url_of(&self, content_path: &Path) -> Option<String> {
        let target = self
            .target(content_path)
            .or_else(|| self.target(&content_path.join("index.md")))
            .or_else(|| self.target(&content_path.join("_index.md")))?;
        Some(format!("{}{}", self.base_path(), encode_path(target)))
    }

    /// The content file a resolved link leads to: a folder means its `index.md`.
    pub fn target_file(&self, content_path: &Path) -> PathBuf {
        if self.target(content_path).is_some() {
            content_path.to_path_buf()
        } else if self.target(&content_path.join("index.md")).is_some() {
            content_path.join("index.md")
        } else {
            content_path.join("_index.md")
        }
    }

    /// What was looked up, with the answers' hash.
    pub fn deps(self) -> Deps {
        let mut lookups = self.seen.into_inner();
        lookups.sort_unstable();
        lookups.dedup();
        let answers = answers(&lookups, self.links, self.every);
        Deps { lookups, answers }
    }
}

impl Deps {
    /// Whether the same questions get the same answers from `links`, whose
    /// fingerprint is `every`.
    pub fn hold(&self, links: &Links, every: u64) -> bool {
        answers(&self.lookups, links, every) == self.answers
    }

    /// The questions of all of `parts` together, answered by `links`: each
    /// part was made from these links, or was found to hold for them.
    pub fn merged<'d>(
        parts: impl IntoIterator<Item = &'d Deps>,
        links: &Links,
        every: u64,
    ) -> Deps {
        let mut lookups: Vec<Lookup> = parts
            .into_iter()
            .flat_map(|d| d.lookups.iter().cloned())
            .collect();
        lookups.sort_unstable();
        lookups.dedup();
        let answers = answers(&lookups, links, every);
        Deps { lookups, answers }
    }

    pub fn write(&self, out: &mut Writer) {
        out.count(self.lookups.len());
        for l in &self.lookups {
            match l {
                Lookup::Target(p) => {
                    out.byte(0);
                    out.str(&p.to_string_lossy());
                }
                Lookup::Image(o) => {
                    out.byte(1);
                    out.str(o);
                }
                Lookup::Refused(o) => {
                    out.byte(2);
                    out.str(o);
                }
                Lookup::Length(o) => {
                    out.byte(3);
                    out.str(o);
                }
                Lookup::Every => out.byte(4),
            }
        }
        out.u64(self.answers);
    }

    /// Reads back what [`Deps::write`] wrote.
    pub fn read(r: &mut Reader) -> Option<Deps> {
        let n = r.count()?;
        let mut lookups = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            lookups.push(match r.byte()? {
                0 => Lookup::Target(PathBuf::from(r.string()?)),
                1 => Lookup::Image(r.string()?),
                2 => Lookup::Refused(r.string()?),
                3 => Lookup::Length(r.string()?),
                4 => Lookup::Every,
                _ => return None,
            });
        }
        Some(Deps {
            lookups,
            answers: r.u64()?,
        })
    }
}

fn answers(lookups: &[Lookup], links: &Links, every: u64) -> u64 {
    let mut h = KeyHasher::new();
    links.base_path.hash(&mut h);
    for l in lookups {
        match l {
            Lookup::Target(p) => links.targets.get(p).hash(&mut h),
            Lookup::Image(o) => links.images.get(o).hash(&mut h),
            Lookup::Refused(o) => links.refused.get(o).hash(&mut h),
            Lookup::Length(o) => links.lengths.get(o).hash(&mut h),
            Lookup::Every => every.hash(&mut h),
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn links(targets: &[(&str, &str)]) -> Links {
        Links {
            targets: (targets.iter())
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
            base_path: "/".into(),
            images: HashMap::new(),
            lengths: HashMap::new(),
            refused: HashMap::new(),
        }
    }

    #[test]
    fn answers_hold_until_one_of_them_changes() {
        let before = links(&[("skills/a/index.md", "skills/a/"), ("x.md", "x/")]);
        let look = Lookups::new(&before, 1);
        assert_eq!(
            look.url_of(Path::new("skills/a")),
            Some("/skills/a/".into())
        );
        assert!(look.target(Path::new("missing.md")).is_none());
        let deps = look.deps();
        assert!(deps.hold(&before, 1));
        // Another file, and another fingerprint: nothing looked up changed.
        let mut more = links(&[("skills/a/index.md", "skills/a/"), ("y.md", "y/")]);
        assert!(deps.hold(&more, 2));
        // The missing file appears: the link it was looked up for now leads there.
        more.targets.insert("missing.md".into(), "missing/".into());
        assert!(!deps.hold(&more, 2));
        // A target found is published elsewhere.
        let moved = links(&[("skills/a/index.md", "skills/b/")]);
        assert!(!deps.hold(&moved, 1));
        // Every link is written under the base path.
        let mut based = links(&[("skills/a/index.md", "skills/a/")]);
        based.base_path = "/folder/".into();
        assert!(!deps.hold(&based, 1));
    }

    #[test]
    fn each_kind_of_question_is_answered_again() {
        let mut l = links(&[]);
        l.lengths.insert("a.pdf".into(), 10);
        l.refused.insert("big.jpg".into(), "too big".into());
        let look = Lookups::new(&l, 7);
        look.length("a.pdf");
        look.refused("big.jpg");
        look.image("photo.jpg");
        let deps = look.deps();
        assert!(deps.hold(&l, 7));
        let mut longer = links(&[]);
        longer.lengths.insert("a.pdf".into(), 11);
        longer.refused.insert("big.jpg".into(), "too big".into());
        assert!(!deps.hold(&longer, 7), "a file's size");
        let mut allowed = links(&[]);
        allowed.lengths.insert("a.pdf".into(), 10);
        assert!(!deps.hold(&allowed, 7), "an image no longer refused");
        // Only a look-up of every target depends on the fingerprint.
        assert!(deps.hold(&l, 8));
        let every = Lookups::new(&l, 7);
        let _ = every.every_target().count();
        let every = every.deps();
        assert!(every.hold(&l, 7));
        assert!(!every.hold(&l, 8));
    }

    #[test]
    fn deps_read_back_and_merge() {
        let l = links(&[("a.md", "a/")]);
        let one = Lookups::new(&l, 3);
        one.target(Path::new("a.md"));
        one.image("p.jpg");
        let one = one.deps();
        let two = Lookups::new(&l, 3);
        two.refused("r.jpg");
        two.length("f.pdf");
        let _ = two.every_target().count();
        two.target(Path::new("a.md"));
        let two = two.deps();
        for d in [&one, &two] {
            let mut out = Writer(Vec::new());
            d.write(&mut out);
            let mut r = Reader(&out.0);
            assert_eq!(Deps::read(&mut r).as_ref(), Some(d));
            assert!(r.is_empty());
        }
        let both = Deps::merged([&one, &two], &l, 3);
        assert_eq!(both.lookups.len(), 5, "a question asked twice is kept once");
        assert!(both.hold(&l, 3));
        assert!(!both.hold(&l, 4));
    }
}
