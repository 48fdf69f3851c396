//! The words a site is written in. Every label, heading, chart text and date the
//! theme shows comes from a table of the site's language, so a portfolio reads as
//! its author writes, not in English with their content inside. Seven tables are
//! built in (`en`, `de`, `es`, `fr`, `ja`, `pt`, `tr`); a site can change any of
//! their strings in `site.toml`'s `[strings]` or in `i18n/<language>.toml`, and
//! can bring a language of its own the same way, English filling what it lacks.
//!
//! Plural forms follow CLDR's rules through `intl_pluralrules`, which knows every
//! language's rules in a few kilobytes; month names and number separators are
//! part of each table, where a site can also change them.

mod format;
mod table;

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::OnceLock;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use jiff::civil::Date;
use unic_langid::LanguageIdentifier;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::keys::Key;
pub use table::Message;
use table::{Table, Value};

/// The built-in tables, by primary language subtag.
const BUILT_IN: [(&str, &str); 7] = [
    ("de", include_str!("de.toml")),
    ("en", include_str!("en.toml")),
    ("es", include_str!("es.toml")),
    ("fr", include_str!("fr.toml")),
    ("ja", include_str!("ja.toml")),
    ("pt", include_str!("pt.toml")),
    ("tr", include_str!("tr.toml")),
];

/// The languages with a built-in table.
pub fn built_in() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(code, _)| *code)
}

/// A site's language: its strings, dates and numbers, and its plural rules.
pub struct Language {
    /// The tag as `site.toml` writes it (`pt-BR`), for `lang` attributes.
    tag: String,
    table: Table,
    formats: format::Formats,
    rules: PluralRules,
    key: Key,
}

impl std::fmt::Debug for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Language({})", self.tag)
    }
}

impl Hash for Language {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.key.hash(h);
    }
}

impl Language {
    /// English as built in, for tests and tools that build no site.
    pub fn english() -> Language {
        Language::of("en", built_in_table("en")).expect("the English table is complete")
    }

    /// A built-in language with no changes from a site.
    pub fn built_in(code: &str) -> Option<Language> {
        BUILT_IN.iter().any(|(c, _)| *c == code).then(|| {
            Language::of(code, built_in_table(code)).expect("built-in tables are complete")
        })
    }

    /// The language `site.toml` names, with the site's own strings over the
    /// built-in ones. Warnings (a key filled in English) come back beside it.
    pub fn load(
        root: &Path,
        config: &Config,
    ) -> Result<(Language, Vec<Diagnostic>), Vec<Diagnostic>> {
        let tag = config.language.trim().to_string();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let langid: Option<LanguageIdentifier> = tag.parse().ok();
        let Some(langid) = langid else {
            return Err(vec![config.at_value(
                &["language"],
                Diagnostic::error(format!("`language = \"{tag}\"` is not a language tag")).hint(
                    format!(
                        "write a tag such as `language = \"en\"` or `\"pt-BR\"`; built in: {}",
                        built_in().collect::<Vec<_>>().join(", ")
                    ),
                ),
            )]);
        };
        let primary = langid.language.as_str().to_string();
        let english = built_in_table("en");
        let base = BUILT_IN
            .iter()
            .find(|(c, _)| *c == primary)
            .map(|(c, _)| built_in_table(c));

        // The site's own file: `i18n/pt-BR.toml`, else `i18n/pt.toml`.
        let file = [tag.as_str(), primary.as_str()]
            .iter()
            .map(|name| root.join("i18n").join(format!("{name}.toml")))
            .find(|p| p.is_file());
        let own = match &file {
            Some(path) => table::read_file(root, path, &english, &mut errors, &mut warnings),
            None => None,
        };
        let in_config = config
            .strings
            .as_ref()
            .and_then(|s| table::read_config(s, &english, &mut errors, &mut warnings));
        if !errors.is_empty() {
            errors.extend(warnings);
            return Err(errors);
        }
        let mut table = match base {
            Some(t) => t,
            None if own.is_some() || in_config.is_some() => {
                let theirs = own.iter().chain(in_config.iter());
                let missing: Vec<&str> = english
                    .keys()
                    .filter(|k| !theirs.clone().any(|t| t.has(k)))
                    .collect();
                if !missing.is_empty() {
                    let shown: Vec<String> =
                        missing.iter().take(8).map(|k| format!("`{k}`")).collect();
                    let more = if missing.len() > 8 {
                        format!(" and {} more", missing.len() - 8)
                    } else {
                        String::new()
                    };
                    let mut d = Diagnostic::warning(format!(
                        "no text in `{tag}` for {} of the theme's strings; they are shown in English",
                        missing.len()
                    ))
                    .hint(format!("add {}{more}", shown.join(", ")));
                    if let Some(path) = &file {
                        d = d.in_file(path.strip_prefix(root).unwrap_or(path));
                    }
                    warnings.push(d);
                }
                english.clone()
            }
            None => {
                let available = built_in().collect::<Vec<_>>().join(", ");
                return Err(vec![config.at_value(
                    &["language"],
                    Diagnostic::error(format!("skillfolio has no text in `{tag}`"))
                        .hint(format!(
                            "choose one of {available}, or write the theme's strings in i18n/{primary}.toml (English fills any it lacks)"
                        )),
                )]);
            }
        };
        // English under everything, so a key a table lacks still has text.
        table.fill_from(&english);
        for over in own.into_iter().chain(in_config) {
            table.apply(over);
        }
        let mut language = Language::of_langid(&tag, langid, table)
            .map_err(|e| vec![config.at_value(&["language"], Diagnostic::error(e))])?;
        language.tag = tag;
        Ok((language, warnings))
    }

    fn of(tag: &str, table: Table) -> Result<Language, String> {
        let langid: LanguageIdentifier = tag
            .parse()
            .map_err(|_| format!("`{tag}` is not a language tag"))?;
        Language::of_langid(tag, langid, table)
    }

    fn of_langid(tag: &str, langid: LanguageIdentifier, table: Table) -> Result<Language, String> {
        // A language CLDR has no rules for counts as English does.
        let rules = PluralRules::create(langid, PluralRuleType::CARDINAL)
            .or_else(|_| {
                PluralRules::create(
                    "en".parse::<LanguageIdentifier>().expect("a tag"),
                    PluralRuleType::CARDINAL,
                )
            })
            .map_err(|e| format!("no plural rules for `{tag}`: {e}"))?;
        let formats = format::Formats::of(&table)?;
        let key = crate::keys::hash(&(tag, &table));
        Ok(Language {
            tag: tag.to_string(),
            table,
            formats,
            rules,
            key,
        })
    }

    /// The tag the site gave, for `<html lang>` and feeds.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Whether the table has text for `key`.
    pub fn has(&self, key: &str) -> bool {
        self.table.has(key)
    }

    /// The text of `key` with `{name}`s filled from `args`.
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        match self.table.get(key) {
            Some(Value::Message(m)) => format::fill(m.other(), args, None),
            _ => key.to_string(),
        }
    }

    /// The form of `key` for the number `n` (written plainly: `3`, `12.5`),
    /// with `{n}` as this language writes the number.
    pub fn count(&self, key: &str, n: impl std::fmt::Display, args: &[(&str, &str)]) -> String {
        let n = n.to_string();
        match self.table.get(key) {
            Some(Value::Message(m)) => {
                let form = m.form(self.category(&n));
                format::fill(form, args, Some(&self.number(&n)))
            }
            _ => key.to_string(),
        }
    }

    /// A message by key, for template functions that fill it themselves.
    pub fn message(&self, key: &str) -> Option<&Message> {
        match self.table.get(key) {
            Some(Value::Message(m)) => Some(m),
            _ => None,
        }
    }

    /// The plural category of a number written plainly.
    pub fn category(&self, n: &str) -> PluralCategory {
        self.rules.select(n).unwrap_or(PluralCategory::OTHER)
    }

    /// A number written plainly (`1234.5`) as this language writes it (`1.234,5`).
    pub fn number(&self, n: &str) -> String {
        self.formats.number(n)
    }

    /// A number as this language writes it, back in plain form; `None` when it
    /// is not a number at all.
    pub fn plain_number(&self, written: &str) -> Option<String> {
        self.formats.plain(written)
    }

    /// `4 December 2026`.
    pub fn date(&self, date: Date) -> String {
        self.formats.date(date)
    }

    /// `4 Dec`.
    pub fn date_short(&self, date: Date) -> String {
        self.formats.date_short(date)
    }

    /// `December 2026`.
    pub fn month_year(&self, date: Date) -> String {
        self.formats.month_year(date)
    }

    /// `Dec`, for chart labels.
    pub fn month_short(&self, month: i8) -> &str {
        self.formats.month_short(month)
    }

    /// `Mon` for 0 to `Sun` for 6.
    pub fn weekday_short(&self, day: usize) -> &str {
        self.formats.weekday_short(day)
    }

    /// Items joined as a list in running text.
    pub fn list(&self, items: &[String]) -> String {
        items.join(self.formats.list_separator())
    }

    /// Every key, for tests that compare languages.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.table.keys()
    }
}

/// A built-in table, read once per process: every load and every renderer
/// starts from one, and `serve` loads the language again on every save.
fn built_in_table(code: &str) -> Table {
    static READ: [OnceLock<Table>; BUILT_IN.len()] = [const { OnceLock::new() }; BUILT_IN.len()];
    let at = BUILT_IN
        .iter()
        .position(|(c, _)| *c == code)
        .expect("a built-in language");
    READ[at]
        .get_or_init(|| table::read_built_in(code, BUILT_IN[at].1))
        .clone()
}

#[cfg(test)]
mod tests;
