//! The keys of everything skillfolio reuses, in memory or on disk. A key is a
//! stable hash (xxh3) of the value a cached thing is made from, seeded with the
//! program's cache version, so the same inputs give the same key in every run of
//! one build of the program, and a key made by another build never matches.
//! `std`'s default hasher promises neither, which is why nothing uses it for keys.

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::Xxh3;

/// A digest of the exact dependencies, sources and compiler this program was
/// built from (see `build.rs`): caches made by any other build are not trusted.
pub const VERSION: &str = env!("SKILLFOLIO_CACHE_VERSION");

/// A key: what a cached thing was made from, hashed.
pub type Key = u64;

/// Hashes whatever is written to it with xxh3, seeded with [`VERSION`].
pub struct KeyHasher(Xxh3);

impl KeyHasher {
    pub fn new() -> KeyHasher {
        let mut h = Xxh3::new();
        h.update(VERSION.as_bytes());
        KeyHasher(h)
    }
}

impl Default for KeyHasher {
    fn default() -> KeyHasher {
        KeyHasher::new()
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// The key of `value`.
pub fn hash<T: Hash + ?Sized>(value: &T) -> Key {
    let mut h = KeyHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The digest of a file's bytes, to tell whether a file on disk is still the
/// one a build wrote.
pub fn digest(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_same_in_every_run() {
        // The stable part: xxh3 of the bytes, whatever the process.
        assert_eq!(digest(b"omelette"), xxhash_rust::xxh3::xxh3_64(b"omelette"));
        assert_eq!(hash(&("omelette", 3u32)), hash(&("omelette", 3u32)));
        assert_ne!(hash(&("omelette", 3u32)), hash(&("omelette", 4u32)));
        assert!(VERSION.starts_with(env!("CARGO_PKG_VERSION")));
    }
}
