//! The portfolio for machines: schema.org JSON-LD for the home, skill and entry
//! pages, and `/portfolio.json`, a JSON Resume document whose `skills` list the
//! portfolio's skills. JSON-LD sits inside a `<script>` element, so it is escaped
//! until no text can end that element early.

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Config;
use crate::feed::{absolute, entry_time};
use crate::i18n::Language;
use crate::site::{Entry, EntryRef, Site, Skill};
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
/// `skill_title` and `skill_path` name the skill it is part of.
pub fn entry<'a>(
    config: &'a Config,
    (skill_title, skill_path): (&'a str, &str),
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
            name: skill_title,
            url: urls.permalink(skill_path),
        },
        keywords: entry.tags.iter().map(|t| t.name.as_str()).collect(),
        time_required: format!("PT{}M", entry.minutes),
        url: urls.permalink(&entry.path),
    }
}

/// What `portfolio.json` and `resume.json` show of one skill. Its hash is
/// kept with the skill's other parts, so the documents are keyed without
/// being made.
#[derive(Hash)]
pub struct SkillDocs<'a> {
    portfolio: PortfolioSkill<'a>,
    resume: ResumeSkill<'a>,
    /// The skill's payoffs, by the index of their entry.
    projects: Vec<(usize, Project<'a>)>,
}

impl<'a> SkillDocs<'a> {
    pub fn of(skill: &'a Skill, urls: &Urls, lang: &Language) -> Self {
        let s = skill;
        let totals = &s.progress.totals;
        let keywords = || {
            (s.field.iter().map(|f| f.name.as_str()))
                .chain(s.tags.iter().map(|t| t.name.as_str()))
                .collect::<Vec<&str>>()
        };
        let portfolio = PortfolioSkill {
            field: s.field.as_ref().map(|f| f.name.as_str()),
            keywords: keywords(),
            last_practised: totals.last.map(|d| d.to_string()),
            level: status_level(s),
            minutes: totals.minutes,
            name: &s.title,
            payoffs: totals.payoffs,
            sessions: totals.sessions,
            started: s.started.to_string(),
            status: s.status.key(),
            summary: s.summary.as_deref(),
            url: urls.permalink(&s.path),
        };
        let resume = ResumeSkill {
            keywords: keywords(),
            level: lang.text(&format!("status_{}", s.status.key()), &[]),
            name: &s.title,
        };
        let projects = (s.entries.iter().enumerate())
            .filter(|(_, e)| e.kind == crate::content::Kind::Payoff)
            .map(|(i, e)| {
                let day = e.date.date.to_string();
                let project = Project {
                    description: &e.summary_text,
                    end_date: day.clone(),
                    keywords: std::iter::once(s.title.as_str())
                        .chain(e.tags.iter().map(|t| t.name.as_str()))
                        .collect(),
                    name: &e.title,
                    start_date: day,
                    url: urls.permalink(&e.path),
                };
                (i, project)
            })
            .collect();
        SkillDocs {
            portfolio,
            resume,
            projects,
        }
    }

    fn project(&self, entry: usize) -> Option<&Project<'a>> {
        let at = (self.projects).binary_search_by_key(&entry, |(i, _)| *i);
        at.ok().map(|at| &self.projects[at].1)
    }
}

/// `portfolio.json` and `resume.json`: the configuration and language, what
/// they show of each skill, and the timeline and latest practice the model
/// derives from the skills.
pub struct Documents<'a> {
    pub config: &'a Config,
    pub urls: &'a Urls<'a>,
    pub skills: Vec<SkillDocs<'a>>,
    /// Indices into `skills` and their entries, newest first.
    pub timeline: &'a [EntryRef],
    pub last: Option<jiff::civil::Date>,
}

impl Documents<'_> {
    /// `/portfolio.json`: a JSON Resume document (https://jsonresume.org/schema)
    /// whose `skills` section is the portfolio.
    pub fn portfolio(&self) -> String {
        let (config, urls) = (self.config, self.urls);
        let a = &config.author;
        let doc = json!({
            "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
            "basics": {
                "name": a.name,
                "email": a.email,
                "url": a.url.clone().unwrap_or_else(|| urls.permalink("")),
                "summary": config.description,
            },
            "skills": self.skills.iter().map(|s| &s.portfolio).collect::<Vec<_>>(),
            "meta": {
                "canonical": urls.permalink("portfolio.json"),
                "version": "v1.0.0",
                "lastModified": self.last.map(|d| d.to_string()),
            },
        });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    /// `/resume.json`: the portfolio as a JSON Resume document
    /// (https://jsonresume.org/schema), for the tools that read one: the author
    /// in `basics`, each published skill in `skills` with its status as the
    /// level, and each payoff in `projects`, dated and linked to its page.
    pub fn resume(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.resume_value()).unwrap_or_default();
        text.push('\n');
        text
    }

    fn resume_value(&self) -> Resume<'_> {
        let urls = self.urls;
        let a = &self.config.author;
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
        if !self.config.description.is_empty() {
            basics.insert("summary".into(), json!(self.config.description));
        }
        // Profiles are pages elsewhere; a mail address is `email`'s to give.
        let profiles: Vec<Value> = (a.social.iter())
            .filter(|l| l.url.starts_with("https://") || l.url.starts_with("http://"))
            .map(|l| json!({ "network": l.name, "url": l.url }))
            .collect();
        if !profiles.is_empty() {
            basics.insert("profiles".into(), json!(profiles));
        }
        let projects = (self.timeline.iter())
            .filter_map(|&(s, e)| self.skills[s].project(e))
            .collect();
        let mut meta = serde_json::Map::new();
        meta.insert("canonical".into(), json!(urls.permalink("resume.json")));
        meta.insert("version".into(), json!("v1.0.0"));
        if let Some(last) = self.last {
            meta.insert("lastModified".into(), json!(format!("{last}T00:00:00")));
        }
        Resume {
            schema: "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
            basics,
            meta,
            projects,
            skills: self.skills.iter().map(|s| &s.resume).collect(),
        }
    }
}

/// A skill in `portfolio.json`, its fields in the order of their names as the
/// document's other objects are written.
#[derive(Serialize, Hash)]
struct PortfolioSkill<'a> {
    field: Option<&'a str>,
    keywords: Vec<&'a str>,
    #[serde(rename = "lastPractised")]
    last_practised: Option<String>,
    level: &'static str,
    minutes: u64,
    name: &'a str,
    payoffs: usize,
    sessions: usize,
    started: String,
    status: &'static str,
    summary: Option<&'a str>,
    url: String,
}

/// `resume.json`, its keys in the order the maps of its first version wrote
/// them. Borrowed, not built as `Value`s: a large site's payoffs run to
/// thousands.
#[derive(Serialize)]
struct Resume<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    basics: serde_json::Map<String, Value>,
    meta: serde_json::Map<String, Value>,
    projects: Vec<&'a Project<'a>>,
    skills: Vec<&'a ResumeSkill<'a>>,
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
