//! The portfolio for machines: schema.org JSON-LD for the home, skill and entry
//! pages, and `/portfolio.json`, a JSON Resume document whose `skills` list the
//! portfolio's skills. JSON-LD sits inside a `<script>` element, so it is escaped
//! until no text can end that element early.

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Config;
use crate::feed::{absolute, entry_time};
use crate::site::{Entry, Site, Skill};
use crate::urls::Urls;

/// JSON safe to place between `<script type="application/ld+json">` tags: `<`, `>`
/// and `&` become `\u` escapes, which JSON readers turn back into the characters.
pub fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let unsafe_char = |c: char| matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
    if !text.contains(unsafe_char) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// Every entry page has JSON-LD, so its records are typed and written straight to
// text instead of built as maps first. Their fields are declared in the order of
// their names, the order `json!` objects come out in, so both kinds read alike.

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Work<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

fn person_of<'a>(config: &'a Config, urls: &Urls) -> Person<'a> {
    let a = &config.author;
    Person {
        kind: "Person",
        email: a.email.as_deref(),
        name: if a.name.is_empty() {
            &config.title
        } else {
            &a.name
        },
        url: a.url.clone().unwrap_or_else(|| urls.permalink("")),
    }
}

fn person(config: &Config, urls: &Urls) -> Value {
    serde_json::to_value(person_of(config, urls)).unwrap_or_default()
}

/// The home page: the person and the skills they know about.
pub fn home(site: &Site, urls: &Urls) -> Value {
    let mut p = person(&site.config, urls);
    p["@context"] = json!("https://schema.org");
    p["knowsAbout"] = site
        .skills
        .iter()
        .map(|s| {
            json!({
                "@type": "DefinedTerm",
                "name": s.title,
                "url": urls.permalink(&s.path),
            })
        })
        .collect();
    p["mainEntityOfPage"] = json!({
        "@type": "ProfilePage",
        "name": site.config.title,
        "url": urls.permalink(""),
    });
    p
}

/// A skill's page: the write-up as a creative work about the skill.
pub fn skill(config: &Config, skill: &Skill, urls: &Urls) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": skill.title,
        "url": urls.permalink(&skill.path),
        "author": person(config, urls),
        "dateCreated": skill.started.to_string(),
        "about": { "@type": "DefinedTerm", "name": skill.title },
        "keywords": skill.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
    });
    if let Some(summary) = &skill.summary {
        v["description"] = json!(summary);
    }
    if let Some(field) = &skill.field {
        v["genre"] = json!(field.name);
    }
    if let Some(last) = skill.progress.totals.last {
        v["dateModified"] = json!(last.to_string());
    }
    v
}

/// The JSON-LD of an entry's page.
#[derive(Serialize)]
pub struct EntryPosting<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Person<'a>,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(rename = "isPartOf")]
    is_part_of: Work<'a>,
    keywords: Vec<&'a str>,
    #[serde(rename = "timeRequired")]
    time_required: String,
    url: String,
}

/// An entry's page: a blog posting, part of its skill's write-up.
pub fn entry<'a>(
    config: &'a Config,
    skill: &'a Skill,
    entry: &'a Entry,
    urls: &Urls,
) -> EntryPosting<'a> {
    EntryPosting {
        context: "https://schema.org",
        kind: "BlogPosting",
        author: person_of(config, urls),
        date_published: entry_time(entry),
        description: (!entry.summary_text.is_empty()).then_some(entry.summary_text.as_str()),
        headline: &entry.title,
        image: (entry.evidence.iter())
            .find(|e| e.kind == "image")
            .map(|image| absolute(urls, &image.url)),
        is_part_of: Work {
            kind: "CreativeWork",
            name: &skill.title,
            url: urls.permalink(&skill.path),
        },
        keywords: entry.tags.iter().map(|t| t.name.as_str()).collect(),
        time_required: format!("PT{}M", entry.minutes),
        url: urls.permalink(&entry.path),
    }
}

/// `/portfolio.json`: a JSON Resume document (https://jsonresume.org/schema) whose
/// `skills` section is the portfolio.
pub fn portfolio(site: &Site, urls: &Urls) -> String {
    let a = &site.config.author;
    let level = status_level;
    let doc = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": {
            "name": a.name,
            "email": a.email,
            "url": a.url.clone().unwrap_or_else(|| urls.permalink("")),
            "summary": site.config.description,
        },
        "skills": site.skills.iter().map(|s| {
            let mut keywords: Vec<&str> = Vec::new();
            if let Some(f) = &s.field { keywords.push(&f.name); }
            keywords.extend(s.tags.iter().map(|t| t.name.as_str()));
            json!({
                "name": s.title,
                "level": level(s),
                "keywords": keywords,
                "url": urls.permalink(&s.path),
                "summary": s.summary,
                "field": s.field.as_ref().map(|f| f.name.as_str()),
                "status": s.status.key(),
                "sessions": s.progress.totals.sessions,
                "minutes": s.progress.totals.minutes,
                "payoffs": s.progress.totals.payoffs,
                "started": s.started.to_string(),
                "lastPractised": s.progress.totals.last.map(|d| d.to_string()),
            })
        }).collect::<Vec<_>>(),
        "meta": {
            "canonical": urls.permalink("portfolio.json"),
            "version": "v1.0.0",
            "lastModified": site.progress.totals.last.map(|d| d.to_string()),
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// `/resume.json`: the portfolio as a JSON Resume document
/// (https://jsonresume.org/schema), for the tools that read one: the author
/// in `basics`, each published skill in `skills` with its status as the level,
/// and each payoff in `projects`, dated and linked to its page.
/// `resume.json` before it is written out. Everything the file shows is in
/// it, so its hash is the file's key: on a large site the file is megabytes
/// long, and a save that changes no payoff need not write it again.
pub struct ResumeDoc<'a>(Resume<'a>);

impl<'a> ResumeDoc<'a> {
    pub fn of(site: &'a Site, urls: &Urls) -> Self {
        ResumeDoc(resume_of(site, urls))
    }

    pub fn key(&self) -> crate::keys::Key {
        let d = &self.0;
        // The two maps are a few short values; the rest is hashed as it is.
        let maps = (d.basics.iter().chain(&d.meta))
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>();
        crate::keys::hash(&(d.schema, maps, &d.projects, &d.skills))
    }

    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.0).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn resume_of<'a>(site: &'a Site, urls: &Urls) -> Resume<'a> {
    let lang = &*site.profile.language;
    let a = &site.config.author;
    let mut basics = serde_json::Map::new();
    basics.insert("name".into(), json!(a.name));
    if let Some(label) = &a.label {
        basics.insert("label".into(), json!(label));
    }
    if let Some(email) = &a.email {
        basics.insert("email".into(), json!(email));
    }
    let home = urls.permalink("");
    basics.insert(
        "url".into(),
        json!(
            a.url
                .as_deref()
                .filter(|u| u.starts_with("http"))
                .unwrap_or(&home)
        ),
    );
    if !site.config.description.is_empty() {
        basics.insert("summary".into(), json!(site.config.description));
    }
    // Profiles are pages elsewhere; a mail address is `email`'s to give.
    let profiles: Vec<Value> = (a.social.iter())
        .filter(|l| l.url.starts_with("https://") || l.url.starts_with("http://"))
        .map(|l| json!({ "network": l.name, "url": l.url }))
        .collect();
    if !profiles.is_empty() {
        basics.insert("profiles".into(), json!(profiles));
    }
    let skills: Vec<ResumeSkill> = (site.skills.iter())
        .map(|s| ResumeSkill {
            keywords: (s.field.iter().map(|f| f.name.as_str()))
                .chain(s.tags.iter().map(|t| t.name.as_str()))
                .collect(),
            level: lang.text(&format!("status_{}", s.status.key()), &[]),
            name: &s.title,
        })
        .collect();
    let projects: Vec<Project> = (site.timeline.iter())
        .map(|r| (&site.skills[r.0], site.entry(*r)))
        .filter(|(_, e)| e.kind == crate::content::Kind::Payoff)
        .map(|(skill, e)| {
            let day = e.date.date.to_string();
            Project {
                description: &e.summary_text,
                end_date: day.clone(),
                keywords: std::iter::once(skill.title.as_str())
                    .chain(e.tags.iter().map(|t| t.name.as_str()))
                    .collect(),
                name: &e.title,
                start_date: day,
                url: urls.permalink(&e.path),
            }
        })
        .collect();
    let mut meta = serde_json::Map::new();
    meta.insert("canonical".into(), json!(urls.permalink("resume.json")));
    meta.insert("version".into(), json!("v1.0.0"));
    if let Some(last) = site.progress.totals.last {
        meta.insert("lastModified".into(), json!(format!("{last}T00:00:00")));
    }
    Resume {
        schema: "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        basics,
        meta,
        projects,
        skills,
    }
}

/// `resume.json`, its keys in the order the maps of its first version wrote
/// them. Borrowed, not built as `Value`s: a large site's payoffs run to
/// thousands, and `serve` writes this file after every save.
#[derive(Serialize)]
struct Resume<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    basics: serde_json::Map<String, Value>,
    meta: serde_json::Map<String, Value>,
    projects: Vec<Project<'a>>,
    skills: Vec<ResumeSkill<'a>>,
}

#[derive(Serialize, Hash)]
struct Project<'a> {
    description: &'a str,
    #[serde(rename = "endDate")]
    end_date: String,
    keywords: Vec<&'a str>,
    name: &'a str,
    #[serde(rename = "startDate")]
    start_date: String,
    url: String,
}

#[derive(Serialize, Hash)]
struct ResumeSkill<'a> {
    keywords: Vec<&'a str>,
    level: String,
    name: &'a str,
}

/// A skill's status, as `portfolio.json`'s level reads: English, the same
/// for every site, as a format for machines.
fn status_level(s: &Skill) -> &'static str {
    match s.status.key() {
        "mastered" => "Mastered",
        "practising" => "Practising",
        "paused" => "Paused",
        _ => "Learning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let text = script_json(&v);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
