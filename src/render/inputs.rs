//! What each reusable file is made from, as values that can be hashed: the key
//! of a page or feed is the hash of its inputs, and the function that makes the
//! page's context takes those inputs and nothing else. A new input has to be a
//! field of the inputs to be read at all, and so it is in the key; no list of
//! what a page depends on is kept anywhere by hand.
//!
//! Large model values take part by their key ([`Keyed`]): a skill's key is the
//! hash of the whole skill, a skill's parts' key the hash of what they were made
//! from, so hashing a page's inputs costs a few words, not the skill again.

use std::hash::{Hash, Hasher};
use std::ops::Deref;

use jiff::civil::Date;
use tera::{Context, Value};

use super::views::Urls;
use crate::config::Config;
use crate::i18n::Language;
use crate::keys::{Key, KeyHasher, hash_value};

/// A value with its key: hashing it hashes the key alone, which stands for the
/// whole value. The value is a reference to a large model value (a skill) or a
/// small one that refers to such values (a skill's card face).
#[derive(Clone, Copy)]
pub(super) struct Keyed<T> {
    pub key: Key,
    pub item: T,
}

impl<T: Hash> Keyed<T> {
    /// Keyed by hashing the whole value once, so that every page it takes
    /// part in hashes its key instead.
    pub fn new(item: T) -> Self {
        Keyed {
            key: crate::keys::hash(&item),
            item,
        }
    }
}

impl<T> Hash for Keyed<T> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.key.hash(h);
    }
}

impl<T> Deref for Keyed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.item
    }
}

/// What pages share besides the `site` value: the configuration, the language
/// and the date, and what is derived from them alone (URLs, the site feed, the
/// default preview image). Its key is the hash of those three.
pub(super) struct Common<'a> {
    key: Key,
    pub config: &'a Config,
    pub lang: &'a Language,
    pub today: Date,
    pub urls: Urls<'a>,
    pub site_feed: Feed,
    pub default_image: Option<super::preview::Preview>,
    /// Made from the language and the URLs alone, which the key holds.
    pub shared: super::views::SharedValues,
}

impl Hash for Common<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.key.hash(h);
    }
}

impl<'a> Common<'a> {
    pub fn new(config: &'a Config, lang: &'a Language, today: Date) -> Common<'a> {
        let urls = Urls::new(config);
        let site_feed = Feed {
            title: lang.text("feed_all", &[]),
            url: urls.permalink("atom.xml"),
        };
        let default_image = super::preview::Preview::configured(config, &urls);
        Common {
            key: crate::keys::hash(&(crate::keys::hash_serialized(config), lang, today)),
            config,
            lang,
            today,
            urls,
            site_feed,
            default_image,
            shared: Default::default(),
        }
    }

    /// The context every page starts from: a canonical URL and link-preview
    /// defaults, which pages with more to say (skills, entries) replace.
    pub fn context<'c>(&self, title: &str, description: &str, rel: &str) -> PageContext<'c> {
        let mut c = PageContext::default();
        c.insert("page_title", title);
        c.insert("page_description", description);
        c.insert("current_path", &self.urls.path(rel));
        c.insert("current_url", &self.urls.permalink(rel));
        c.insert("feeds", &[&self.site_feed]);
        c.insert("og_type", "website");
        super::preview::Preview::insert(self.default_image.as_ref(), &mut c);
        c.insert_value("json_ld", Value::none());
        c
    }
}

/// A feed a page announces in its `<head>` and links to.
#[derive(serde::Serialize)]
pub(super) struct Feed {
    pub title: String,
    pub url: String,
}

/// A template value and its key. Lists of skills and entries are made of the
/// skills' parts, whose keys are known, so their key is made of those keys:
/// a page listing a thousand entries is keyed without walking through them,
/// and its values are only made if the page is rendered.
pub(super) struct KeyedValue<'a>(Made<'a>);

enum Made<'a> {
    /// Keyed by walking through it when, and only if, it is hashed.
    Walk(Value),
    /// Made when a page that shows it is rendered.
    Later(Key, Box<dyn Fn() -> Value + Send + Sync + 'a>),
}

impl<'a> KeyedValue<'a> {
    /// A value keyed by walking through it.
    pub fn walk(value: Value) -> Self {
        KeyedValue(Made::Walk(value))
    }

    /// A value known by its key, made by `make` when it is needed.
    pub fn later(key: Key, make: impl Fn() -> Value + Send + Sync + 'a) -> Self {
        KeyedValue(Made::Later(key, Box::new(make)))
    }

    pub fn key(&self) -> Key {
        match &self.0 {
            Made::Walk(value) => {
                let mut h = KeyHasher::new();
                hash_value(value, &mut h);
                h.finish()
            }
            Made::Later(key, _) => *key,
        }
    }

    /// The value, made now if it was left for later.
    pub fn value(&self) -> Value {
        match &self.0 {
            Made::Walk(value) => value.clone(),
            Made::Later(_, make) => make(),
        }
    }

    fn into_value(self) -> Value {
        match self.0 {
            Made::Walk(value) => value,
            Made::Later(_, make) => make(),
        }
    }

    /// A list of keyed values.
    pub fn list(items: Vec<KeyedValue<'a>>) -> Self {
        let key = crate::keys::hash(&items.iter().map(KeyedValue::key).collect::<Vec<_>>());
        KeyedValue::later(key, move || {
            Value::from(items.iter().map(KeyedValue::value).collect::<Vec<_>>())
        })
    }

    /// A map of keyed values.
    pub fn map(items: Vec<(&'static str, KeyedValue<'a>)>) -> Self {
        let keys: Vec<(&str, Key)> = items.iter().map(|(name, i)| (*name, i.key())).collect();
        KeyedValue::later(crate::keys::hash(&keys), move || {
            let mut m = tera::Map::new();
            for (name, item) in &items {
                m.insert((*name).into(), item.value());
            }
            Value::from(m)
        })
    }
}

/// A template context that can be hashed: the pages made from a context alone
/// (lists, taxonomies, the home page) are keyed by the context itself.
#[derive(Default)]
pub(super) struct PageContext<'a> {
    values: Vec<(&'static str, KeyedValue<'a>)>,
}

impl<'a> PageContext<'a> {
    pub fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, Value::from_serializable(value));
    }

    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        self.insert_keyed(key, KeyedValue::walk(value));
    }

    pub fn insert_keyed(&mut self, key: &'static str, value: KeyedValue<'a>) {
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.values.push((key, value)),
        }
    }

    pub fn to_context(&self) -> Context {
        let mut c = Context::new();
        for (key, value) in &self.values {
            c.insert_value(*key, value.value());
        }
        c
    }

    pub fn into_context(self) -> Context {
        let mut c = Context::new();
        for (key, value) in self.values {
            c.insert_value(key, value.into_value());
        }
        c
    }
}

impl Hash for PageContext<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for (key, value) in &self.values {
            key.hash(h);
            value.key().hash(h);
        }
    }
}
