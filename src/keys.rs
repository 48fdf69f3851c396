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

/// Feeds a map to `h` in the order of its keys: a `HashMap`'s own order is
/// not the same from one run to the next.
pub fn hash_sorted<K: Ord + Hash, V: Hash, H: Hasher>(
    map: &std::collections::HashMap<K, V>,
    h: &mut H,
) {
    let mut pairs: Vec<(&K, &V)> = map.iter().collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    pairs.hash(h);
}

/// The key of a value by its serialized form: for values made of many parts,
/// such as the configuration, so no part can be left out of the key.
pub fn hash_serialized<T: serde::Serialize + ?Sized>(value: &T) -> Key {
    let mut h = KeyHasher::new();
    // Writing into a hasher cannot fail; a value that cannot be serialized
    // at all hashes as far as it got, which is still the same every time.
    let _ = serde_json::to_writer(&mut h, value);
    h.finish()
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Feeds a template value to `h`: every string, number and key, and whether a
/// string is marked safe, which decides how a template prints it.
pub fn hash_value(value: &tera::Value, h: &mut KeyHasher) {
    use tera::value::ValueKind;
    let kind = value.kind();
    kind.hash(h);
    match kind {
        ValueKind::Bool => value.as_bool().hash(h),
        ValueKind::U64 | ValueKind::U128 => value.as_u128().hash(h),
        ValueKind::I64 | ValueKind::I128 => value.as_i128().hash(h),
        ValueKind::F64 => value.as_f64().map(f64::to_bits).hash(h),
        ValueKind::String => {
            value.as_str().hash(h);
            value.is_safe().hash(h);
        }
        ValueKind::Bytes => value.as_bytes().hash(h),
        ValueKind::Array => {
            let items = value.as_array().unwrap_or_default();
            items.len().hash(h);
            for item in items {
                hash_value(item, h);
            }
        }
        ValueKind::Map => {
            let Some(map) = value.as_map() else { return };
            map.len().hash(h);
            for (key, item) in map {
                key.hash(h);
                hash_value(item, h);
            }
        }
        _ => {}
    }
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

    #[test]
    fn template_values_differ_by_content_and_by_safety() {
        let key = |v: &tera::Value| {
            let mut h = KeyHasher::new();
            hash_value(v, &mut h);
            h.finish()
        };
        let text = tera::Value::from("<b>fold</b>");
        assert_eq!(key(&text), key(&tera::Value::from("<b>fold</b>")));
        assert_ne!(key(&text), key(&text.clone().mark_safe()));
        let map = |v: &str| {
            tera::Value::from_serializable(
                &[("title", v)]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>(),
            )
        };
        assert_ne!(key(&map("Omelette")), key(&map("Crane")));
        // A list of two strings is not their concatenation.
        let list = tera::Value::from_serializable(&["ab", "c"]);
        assert_ne!(
            key(&list),
            key(&tera::Value::from_serializable(&["a", "bc"]))
        );
    }
}
