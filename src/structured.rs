//! The portfolio for machines: schema.org JSON-LD for the home, skill and entry
//! pages, and `/portfolio.json`, a JSON Resume document whose `skills` list the
//! portfolio's skills. JSON-LD sits inside a `<script>` element, so it is escaped
//! until no text can end that element early.

use serde_json::{Value, json};

use crate::feed::{absolute, entry_time};
use crate::site::{Entry, Site, Skill};
use crate::urls::Urls;

/// JSON safe to place between `<script type="application/ld+json">` tags: `<`, `>`
/// and `&` become `\u` escapes, which JSON readers turn back into the characters.
pub fn script_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
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

fn person(site: &Site, urls: &Urls) -> Value {
    let a = &site.config.author;
    let mut p = json!({
        "@type": "Person",
        "name": if a.name.is_empty() { &site.config.title } else { &a.name },
        "url": a.url.clone().unwrap_or_else(|| urls.permalink("")),
    });
    if let Some(email) = &a.email {
        p["email"] = json!(email);
    }
    p
}

/// The home page: the person and the skills they know about.
pub fn home(site: &Site, urls: &Urls) -> Value {
    let mut p = person(site, urls);
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
pub fn skill(site: &Site, skill: &Skill, urls: &Urls) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": skill.title,
        "url": urls.permalink(&skill.path),
        "author": person(site, urls),
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

/// An entry's page: a blog posting, part of its skill's write-up.
pub fn entry(site: &Site, skill: &Skill, entry: &Entry, urls: &Urls) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": entry.title,
        "url": urls.permalink(&entry.path),
        "datePublished": entry_time(entry),
        "author": person(site, urls),
        "isPartOf": { "@type": "CreativeWork", "name": skill.title, "url": urls.permalink(&skill.path) },
        "keywords": entry.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "timeRequired": format!("PT{}M", entry.minutes),
    });
    if !entry.summary_text.is_empty() {
        v["description"] = json!(entry.summary_text);
    }
    if let Some(image) = entry.evidence.iter().find(|e| e.kind == "image") {
        v["image"] = json!(absolute(urls, &image.url));
    }
    v
}

/// `/portfolio.json`: a JSON Resume document (https://jsonresume.org/schema) whose
/// `skills` section is the portfolio.
pub fn portfolio(site: &Site, urls: &Urls) -> String {
    let a = &site.config.author;
    let level = |s: &Skill| match s.status.key() {
        "mastered" => "Mastered",
        "practising" => "Practising",
        "paused" => "Paused",
        _ => "Learning",
    };
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
