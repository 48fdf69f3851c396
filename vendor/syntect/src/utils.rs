//! Private library utilities that are not exposed to clients since we don't
//! want to make semver guarantees about them

use std::path::Path;

use walkdir::WalkDir;

/// Hashes a few machine words with one multiplication each, for the HTML
/// writer's per-thread table, which is looked up per span: SipHash or FNV
/// would cost as much as what it saves.
/// A single word hashes as one multiplication.
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Private helper to walk a dir and also follow symbolic links.
pub fn walk_dir<P: AsRef<Path>>(folder: P) -> WalkDir {
    WalkDir::new(folder).follow_links(true)
}

#[cfg(all(test, feature = "parsing"))]
pub mod testdata {
    use std::sync::LazyLock;

    use crate::parsing::SyntaxSet;

    /// The [`SyntaxSet`] loaded from the `testdata/Packages` folder
    ///
    /// Shared here to avoid re-doing a particularly costly construction in various tests
    pub static PACKAGES_SYN_SET: LazyLock<SyntaxSet> =
        LazyLock::new(|| SyntaxSet::load_from_folder("testdata/Packages").unwrap());
}
