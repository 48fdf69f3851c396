//! The template side of [`crate::i18n`]: `t(key=…)` gives a string of the
//! site's language, in the plural form for `n` when given, with its other
//! `{names}` filled from the call; `num` writes a number as the language does.
//! Both are registered anew for every render, so a changed language (or a
//! string changed in `site.toml`) reaches every page `serve` re-renders.

use std::sync::Arc;

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use crate::i18n::Language;

pub fn register(tera: &mut Tera, language: &Arc<Language>) {
    let lang = Arc::clone(language);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> { translate(&lang, &kwargs) },
    );
    let lang = Arc::clone(language);
    tera.register_filter(
        "num",
        move |value: &Value, _: Kwargs, _: &State| -> String {
            match plain(&lang, value) {
                Some(n) => lang.number(&n),
                None => value.to_string(),
            }
        },
    );
}

fn translate(lang: &Language, kwargs: &Kwargs) -> TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    if !lang.has(key) {
        return Err(Error::message(format!(
            "the site's language has no string `{key}`; add `{key} = \"…\"` under [strings] in site.toml, or to i18n/{}.toml",
            lang.tag()
        )));
    }
    let mut n = None;
    let mut args: Vec<(String, String)> = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str() else { continue };
        match name {
            "key" => {}
            "n" => {
                n = Some(plain(lang, value).ok_or_else(|| {
                    Error::message(format!(
                        "`n` of `t(key=\"{key}\")` must be a number, found `{value}`"
                    ))
                })?)
            }
            _ => {
                let text = match value.as_number() {
                    Some(_) => lang.number(&value.to_string()),
                    None => value.to_string(),
                };
                args.push((name.to_string(), text));
            }
        }
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(match n {
        Some(n) => lang.count(key, n, &args),
        None => lang.text(key, &args),
    })
}

/// A number, or a string holding one as plain digits or as the language writes
/// it (`35,6`), in plain form.
fn plain(lang: &Language, value: &Value) -> Option<String> {
    if value.as_number().is_some() {
        return Some(value.to_string());
    }
    lang.plain_number(value.as_str()?)
}
