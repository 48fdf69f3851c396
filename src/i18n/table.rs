//! A language's table read from TOML: the built-in ones, a site's
//! `i18n/<language>.toml` and the `[strings]` of its `site.toml`. A site's
//! tables are checked against English as they are read, so a misspelt key or a
//! plural table without `other` is reported where it is written.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use intl_pluralrules::PluralCategory;
use toml::de::{DeTable, DeValue};

use crate::content::SourceFile;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Text, or text in each of a language's plural forms.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Message {
    Text(String),
    /// `(category, text)` pairs; `other` is always among them.
    Plural(Vec<(String, String)>),
}

impl Message {
    /// The text for any number, or for none.
    pub fn other(&self) -> &str {
        match self {
            Message::Text(t) => t,
            Message::Plural(forms) => forms
                .iter()
                .find(|(c, _)| c == "other")
                .map_or("", |(_, t)| t),
        }
    }

    /// The form for a plural category, `other` when the table has no such form.
    pub fn form(&self, category: PluralCategory) -> &str {
        let name = category_name(category);
        match self {
            Message::Text(t) => t,
            Message::Plural(forms) => forms
                .iter()
                .find(|(c, _)| c == name)
                .map_or_else(|| self.other(), |(_, t)| t),
        }
    }
}

pub(super) fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Value {
    Message(Message),
    /// Month and weekday names.
    List(Vec<String>),
    Int(u32),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Message(_) => "text",
            Value::List(_) => "a list of names",
            Value::Int(_) => "a number",
        }
    }
}

#[derive(Debug, Clone, Default, Hash, PartialEq, Eq)]
pub struct Table(BTreeMap<String, Value>);

impl Table {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.keys().map(String::as_str)
    }

    /// Adds every key of `other` this table lacks.
    pub fn fill_from(&mut self, other: &Table) {
        for (k, v) in &other.0 {
            self.0.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    /// Puts every key of `over` in place of this table's.
    pub fn apply(&mut self, over: Table) {
        self.0.extend(over.0);
    }
}

/// A built-in table; tests prove each one reads without a problem.
pub fn read_built_in(code: &str, text: &str) -> Table {
    let table = DeTable::parse(text).unwrap_or_else(|e| panic!("src/i18n/{code}.toml: {e}"));
    let file = SourceFile {
        path: format!("src/i18n/{code}.toml").into(),
        text: text.into(),
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let read = read_table(&file, table.get_ref(), None, &mut errors, &mut warnings);
    assert!(errors.is_empty(), "{code}: {errors:?}");
    read
}

/// `i18n/<language>.toml` of a site.
pub fn read_file(
    root: &Path,
    path: &Path,
    english: &Table,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(crate::diagnostic::io_error("read", &shown, &e));
            return None;
        }
    };
    let file = SourceFile {
        path: shown,
        text: text.into(),
    };
    let parsed = match DeTable::parse(&file.text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..1);
            errors.push(
                Diagnostic::error(format!(
                    "invalid TOML in {}: {}",
                    file.path.display(),
                    e.message().trim().trim_end_matches('.')
                ))
                .at(&file.path, &file.text, span.start, span.len())
                .hint("write each string as `key = \"text\"`, and a plural as `key = { one = \"{n} day\", other = \"{n} days\" }`"),
            );
            return None;
        }
    };
    Some(read_table(
        &file,
        parsed.get_ref(),
        Some(english),
        errors,
        warnings,
    ))
}

/// The `[strings]` table of `site.toml`.
pub fn read_config(
    file: &SourceFile,
    english: &Table,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Table> {
    // site.toml was read once already, so it parses.
    let parsed = DeTable::parse(&file.text).ok()?;
    let strings = parsed.get_ref().get("strings")?;
    match strings.get_ref() {
        DeValue::Table(t) => Some(read_table(file, t, Some(english), errors, warnings)),
        _ => {
            let span = strings.span();
            errors.push(
                Diagnostic::error("`strings` must be a table")
                    .at(&file.path, &file.text, span.start, span.len())
                    .hint("write `[strings]` on a line of its own, and each string under it as `key = \"text\"`"),
            );
            None
        }
    }
}

/// Reads a table; with `english`, checks each key and value against it.
fn read_table(
    file: &SourceFile,
    table: &DeTable<'_>,
    english: Option<&Table>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Table {
    let mut out = BTreeMap::new();
    let at =
        |span: Range<usize>, d: Diagnostic| d.at(&file.path, &file.text, span.start, span.len());
    for (key, value) in table {
        let name = key.get_ref().to_string();
        let span = value.span();
        let read = match value.get_ref() {
            DeValue::String(s) => Ok(Value::Message(Message::Text(s.to_string()))),
            DeValue::Integer(i) => i
                .as_str()
                .parse::<u32>()
                .map(Value::Int)
                .map_err(|_| "a whole number".to_string()),
            DeValue::Array(items) => items
                .iter()
                .map(|i| i.get_ref().as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Value::List)
                .ok_or_else(|| "a list of names in quotes".to_string()),
            DeValue::Table(forms) => plural(forms).map(|f| Value::Message(Message::Plural(f))),
            other => Err(format!("text, found {}", other.type_str())),
        };
        let value = match read {
            Ok(v) => v,
            Err(expected) => {
                errors.push(at(
                    span,
                    Diagnostic::error(format!("the string `{name}` must be {expected}")),
                ).hint("write `key = \"text\"`, or a plural as `key = { one = \"{n} day\", other = \"{n} days\" }`"));
                continue;
            }
        };
        if let Some(english) = english {
            match english.get(&name) {
                Some(known) if known.kind() != value.kind() => {
                    errors.push(
                        at(
                            span,
                            Diagnostic::error(format!(
                                "`{name}` must be {}, as in English",
                                known.kind()
                            )),
                        )
                        .hint(english_example(&name, known)),
                    );
                    continue;
                }
                Some(Value::List(names)) => {
                    if let Value::List(theirs) = &value
                        && theirs.len() != names.len()
                    {
                        errors.push(
                            at(
                                span,
                                Diagnostic::error(format!(
                                    "`{name}` needs {} names, found {}",
                                    names.len(),
                                    theirs.len()
                                )),
                            )
                            .hint(english_example(&name, &Value::List(names.clone()))),
                        );
                        continue;
                    }
                }
                Some(_) => {}
                None => {
                    // A key of the site's own theme is welcome; one a letter away
                    // from a known key is most likely a typo.
                    if let Some(near) = did_you_mean(&name, english.keys()) {
                        let key_span = key.span();
                        warnings.push(
                            Diagnostic::warning(format!(
                                "the theme has no string `{name}`, so it is never shown"
                            ))
                            .at(&file.path, &file.text, key_span.start, key_span.len())
                            .hint(format!("did you mean `{near}`?")),
                        );
                    }
                }
            }
        }
        out.insert(name, value);
    }
    Table(out)
}

/// The forms of a plural table, in the order written.
fn plural(forms: &DeTable<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (category, text) in forms {
        let category = category.get_ref().to_string();
        if !CATEGORIES.contains(&category.as_str()) {
            return Err(format!(
                "a table of plural forms ({}), not `{category}`",
                CATEGORIES.join(", ")
            ));
        }
        let text = text
            .get_ref()
            .as_str()
            .ok_or_else(|| format!("a table of plural forms whose `{category}` is text"))?;
        out.push((category, text.to_string()));
    }
    if !out.iter().any(|(c, _)| c == "other") {
        return Err("a table of plural forms with `other` among them".to_string());
    }
    Ok(out)
}

fn english_example(key: &str, value: &Value) -> String {
    match value {
        Value::Message(m) => format!("English has `{key} = \"{}\"`", m.other()),
        Value::List(names) => format!("English has `{key} = [\"{}\", …]`", names[0]),
        Value::Int(i) => format!("English has `{key} = {i}`"),
    }
}
