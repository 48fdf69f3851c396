//! What templates see: the model turned into plain, serialisable views with every
//! URL, label and date already formatted, so templates stay simple and a theme
//! author never has to rebuild a URL or pick a date format. Each skill and entry is
//! converted to a template value once and shared by every page that lists it.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::civil::Date;
use serde::Serialize;
use tera::Value;

use crate::charts;
use crate::content::{Part, Status};
use crate::i18n::Language;
use crate::lock;
use crate::progress::{Period, Progress, Totals};
use crate::site::{Entry, Evidence, Site, Skill, Taxon};
pub use crate::urls::Urls;

#[derive(Serialize)]
pub struct DateView {
    /// `2026-10-03`, for `<time datetime>` and machines.
    pub iso: String,
    /// `3 October 2026`.
    pub display: String,
    /// `3 Oct`.
    pub short: String,
}

impl DateView {
    pub fn of(date: Date, lang: &Language) -> DateView {
        DateView {
            iso: date.to_string(),
            display: lang.date(date),
            short: lang.date_short(date),
        }
    }
}

#[derive(Serialize)]
pub struct TaxonView {
    pub name: String,
    pub slug: String,
    pub url: String,
}

impl TaxonView {
    pub fn of(taxon: &Taxon, section: &str, urls: &Urls) -> TaxonView {
        TaxonView {
            name: taxon.name.clone(),
            slug: taxon.slug.clone(),
            url: urls.path(&format!("{section}/{}/", taxon.slug)),
        }
    }
}

#[derive(Serialize)]
pub struct PartView {
    pub key: &'static str,
    /// The id of the part's heading on the skill page.
    pub id: String,
    pub heading: String,
    /// What belongs in the part, for showing where it is not yet written.
    pub prompt: String,
    pub written: bool,
    /// Whether any log entry names this part.
    pub practised: bool,
    pub html: Option<String>,
}

#[derive(Serialize)]
pub struct TotalsView<'a> {
    #[serde(flatten)]
    pub totals: &'a Totals,
    pub first: Option<DateView>,
    pub last: Option<DateView>,
}

impl<'a> TotalsView<'a> {
    pub fn of(totals: &'a Totals, lang: &Language) -> Self {
        TotalsView {
            totals,
            first: totals.first.map(|d| DateView::of(d, lang)),
            last: totals.last.map(|d| DateView::of(d, lang)),
        }
    }
}

/// A month of practice, for the text alternative of the charts.
#[derive(Serialize)]
pub struct MonthView {
    /// `October 2026`.
    pub label: String,
    /// `2026-10`.
    pub iso: String,
    pub minutes: u64,
    pub sessions: usize,
    /// Minutes up to the end of this month, counting from the first shown.
    pub cumulative: u64,
}

fn months(periods: &[Period], base: u64, lang: &Language) -> Vec<MonthView> {
    let mut cumulative = base;
    periods
        .iter()
        .map(|m| {
            cumulative += m.minutes;
            MonthView {
                label: lang.month_year(m.start),
                iso: m.start.strftime("%Y-%m").to_string(),
                minutes: m.minutes,
                sessions: m.sessions,
                cumulative,
            }
        })
        .collect()
}

/// Template values that many skills and entries hold alike, made once per
/// render and shared, since a tera map is reference-counted: dates, weeks
/// without practice and tags. A skill's `weeks` runs from its first practised
/// week to this one, so a large portfolio's skills have tens of thousands of
/// weeks between them, on the same few hundred Mondays and most without
/// practice; its entries name a few hundred dates and a few dozen tags.
/// Made one by one, these were a quarter of the template values' memory.
#[derive(Default)]
pub struct SharedValues {
    dates: Mutex<HashMap<Date, Value>>,
    empty_weeks: Mutex<HashMap<Date, Value>>,
    /// By name and slug: two spellings of a tag share its page.
    tags: Mutex<HashMap<Taxon, Value>>,
}

impl SharedValues {
    /// A [`DateView`].
    pub fn date(&self, date: Date, lang: &Language) -> Value {
        let mut made = lock(&self.dates);
        (made.entry(date))
            .or_insert_with(|| value(&DateView::of(date, lang)))
            .clone()
    }

    /// `{ start, minutes, sessions }` for each week, `start` a [`DateView`]:
    /// what a list of week views would serialise to.
    pub fn weeks(&self, periods: &[Period], lang: &Language) -> Value {
        let weeks: Vec<Value> = (periods.iter())
            .map(|w| match (w.minutes, w.sessions) {
                (0, 0) => (lock(&self.empty_weeks).entry(w.start))
                    .or_insert_with(|| week(self.date(w.start, lang), 0, 0))
                    .clone(),
                (minutes, sessions) => week(self.date(w.start, lang), minutes, sessions),
            })
            .collect();
        Value::from(weeks)
    }

    /// A [`TaxonView`] of a tag.
    fn tag(&self, taxon: &Taxon, urls: &Urls) -> Value {
        let mut made = lock(&self.tags);
        if let Some(made) = made.get(taxon) {
            return made.clone();
        }
        let view = value(&TaxonView::of(taxon, "tags", urls));
        made.insert(taxon.clone(), view.clone());
        view
    }
}

/// Puts `value` under `key` right after `after`, where a field of a view
/// would have put it (at the end when there is no `after`).
pub fn insert_after(map: &mut tera::Map, after: &str, key: &'static str, value: Value) {
    let at = (map.keys())
        .position(|k| k.as_str() == Some(after))
        .map_or(map.len(), |i| i + 1);
    map.shift_insert(at, key.into(), value);
}

fn week(start: Value, minutes: u64, sessions: usize) -> Value {
    let mut map = tera::Map::with_capacity(3);
    map.insert("start".into(), start);
    map.insert("minutes".into(), minutes.into());
    map.insert("sessions".into(), sessions.into());
    Value::from(map)
}

/// SVG markup, ready to be placed in a page with the `safe` filter.
#[derive(Serialize)]
pub struct ChartsView {
    pub heatmap: String,
    pub cumulative: Option<String>,
    pub ring: Option<String>,
    pub anatomy: Option<String>,
}

#[derive(Serialize)]
pub struct TargetView {
    pub minutes: Option<u32>,
    pub sessions: Option<u32>,
    /// Share of each target reached, capped at 100.
    pub minutes_percent: Option<u64>,
    pub sessions_percent: Option<u64>,
    /// The mean of the targets set, capped at 100; `None` without a target.
    pub percent: Option<u64>,
}

#[derive(Serialize)]
pub struct SkillView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub field: Option<TaxonView>,
    pub tags: Vec<TaxonView>,
    pub status: &'static str,
    pub status_label: String,
    pub started: DateView,
    pub draft: bool,
    pub totals: TotalsView<'a>,
    pub target: TargetView,
    /// Practice per month, from the first practised month to this one. The
    /// weeks follow it in the skill's value, made by [`SharedValues::weeks`].
    pub months: Vec<MonthView>,
    pub charts: ChartsView,
    pub parts: Vec<PartView>,
    pub parts_practised: usize,
    pub parts_written: usize,
    pub anatomy_complete: bool,
    pub missing_parts: Vec<String>,
    /// The write-up before its first part, and the free sections after.
    pub intro: &'a str,
    pub other: &'a str,
}

pub fn skill_view<'a>(
    skill: &'a Skill,
    urls: &Urls,
    today: jiff::civil::Date,
    lang: &Language,
) -> SkillView<'a> {
    let progress = &skill.progress;
    let practised = |part: Part| progress.parts_practised[part as usize];
    let parts: Vec<PartView> = Part::ALL
        .iter()
        .map(|&p| PartView {
            key: p.key(),
            id: skill.part_ids[p as usize].clone(),
            heading: p.heading_in(lang),
            prompt: p.prompt_in(lang),
            written: skill.parts[p as usize].is_some(),
            practised: practised(p),
            html: skill.parts[p as usize].clone(),
        })
        .collect();
    let percent = |done: u64, goal: Option<u32>| {
        goal.filter(|g| *g > 0)
            .map(|g| (done * 100 / u64::from(g)).min(100))
    };
    let totals = &progress.totals;
    let minutes_percent = percent(totals.minutes, skill.target.minutes);
    let sessions_percent = percent(totals.sessions as u64, skill.target.sessions);
    let set: Vec<u64> = [minutes_percent, sessions_percent]
        .into_iter()
        .flatten()
        .collect();
    let overall = (!set.is_empty()).then(|| set.iter().sum::<u64>() / set.len() as u64);
    let written = Part::ALL.map(|p| skill.parts[p as usize].is_some());
    let id = |chart: &str| format!("{chart}-{}", skill.slug);
    let sessions: Vec<_> = skill
        .entries
        .iter()
        .filter(|e| !e.draft)
        .map(|e| e.session())
        .collect();
    let charts = ChartsView {
        heatmap: charts::heatmap(&id("heatmap"), &skill.title, progress, today, lang),
        cumulative: (!sessions.is_empty()).then(|| {
            charts::cumulative(
                &id("cumulative"),
                &skill.title,
                &sessions,
                skill.started,
                today,
                skill.target.minutes,
                lang,
            )
        }),
        ring: overall.map(|pc| {
            let description = target_description(totals, &skill.target, lang);
            charts::ring(&id("ring"), pc, &description, lang)
        }),
        anatomy: Some(charts::anatomy(
            &id("anatomy"),
            written,
            progress.parts_practised,
            lang,
        )),
    };
    SkillView {
        slug: &skill.slug,
        title: &skill.title,
        summary: skill.summary.as_deref(),
        url: urls.path(&skill.path),
        permalink: urls.permalink(&skill.path),
        field: skill
            .field
            .as_ref()
            .map(|f| TaxonView::of(f, "fields", urls)),
        tags: skill
            .tags
            .iter()
            .map(|t| TaxonView::of(t, "tags", urls))
            .collect(),
        status: skill.status.key(),
        status_label: status_label(skill.status.key(), lang),
        started: DateView::of(skill.started, lang),
        draft: skill.draft,
        totals: TotalsView::of(totals, lang),
        months: months(&progress.months, 0, lang),
        charts,
        parts_practised: progress.parts_practised.iter().filter(|p| **p).count(),
        target: TargetView {
            minutes: skill.target.minutes,
            sessions: skill.target.sessions,
            minutes_percent,
            sessions_percent,
            percent: overall,
        },
        parts_written: parts.iter().filter(|p| p.written).count(),
        anatomy_complete: skill.anatomy_complete(),
        missing_parts: parts
            .iter()
            .filter(|p| !p.written)
            .map(|p| p.heading.clone())
            .collect(),
        parts,
        intro: &skill.intro,
        other: &skill.other,
    }
}

fn target_description(totals: &Totals, target: &crate::content::Target, lang: &Language) -> String {
    let mut parts = Vec::new();
    let of = |key: &str, done: String, goal: u32| {
        let target = lang.number(&goal.to_string());
        lang.text(key, &[("done", &lang.number(&done)), ("target", &target)])
    };
    if let Some(m) = target.minutes {
        parts.push(of("target_minutes", totals.minutes.to_string(), m));
    }
    if let Some(s) = target.sessions {
        parts.push(of("target_sessions", totals.sessions.to_string(), s));
    }
    lang.list(&parts)
}

/// A status as the site's language names it.
pub fn status_label(key: &str, lang: &Language) -> String {
    lang.text(&format!("status_{key}"), &[])
}

#[derive(Serialize)]
pub struct PartRef {
    pub key: &'static str,
    pub heading: String,
}

#[derive(Serialize)]
pub struct SkillRef<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// An entry as templates see it, but for its `date`, `tags` and `skill`,
/// which [`entry_value`] puts in their places from values shared between
/// entries.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    /// The full RFC 3339 time when one was written, else the date.
    pub datetime: String,
    pub minutes: u32,
    pub kind: &'static str,
    pub kind_label: String,
    pub part: Option<PartRef>,
    pub evidence: &'a [Evidence],
    /// How many pieces of evidence are photos, shown large on the entry's page.
    pub photo_count: usize,
    /// How many are shown as links (neither photos, nor videos played in place).
    pub link_count: usize,
    /// Whether a video link is played in place, which takes a small script.
    pub has_player: bool,
    /// The evidence a gallery shows for the entry: its first image, else its
    /// first piece of evidence.
    pub cover: Option<&'a Evidence>,
    pub draft: bool,
    pub summary: &'a str,
    pub summary_text: &'a str,
}

/// An entry's template value: its [`EntryView`] with `date` (a [`DateView`])
/// after `permalink`, `tags` ([`TaxonView`]s) after `cover`, and `skill` (the
/// value of a [`SkillRef`], the same for every entry of the skill) last.
pub fn entry_value(
    entry: &Entry,
    skill: &Value,
    urls: &Urls,
    lang: &Language,
    shared: &SharedValues,
) -> Value {
    let mut map = value(&entry_view(entry, urls, lang))
        .into_map()
        .unwrap_or_default();
    insert_after(
        &mut map,
        "permalink",
        "date",
        shared.date(entry.date.date, lang),
    );
    let tags: Vec<Value> = (entry.tags.iter()).map(|t| shared.tag(t, urls)).collect();
    insert_after(&mut map, "cover", "tags", Value::from(tags));
    map.insert("skill".into(), skill.clone());
    Value::from(map)
}

fn entry_view<'a>(entry: &'a Entry, urls: &Urls, lang: &Language) -> EntryView<'a> {
    EntryView {
        slug: &entry.slug,
        title: &entry.title,
        url: urls.path(&entry.path),
        permalink: urls.permalink(&entry.path),
        datetime: entry
            .date
            .instant
            .map_or_else(|| entry.date.date.to_string(), |t| t.to_string()),
        minutes: entry.minutes,
        kind: entry.kind.key(),
        kind_label: lang.text(&format!("kind_{}", entry.kind.key()), &[]),
        part: entry.part.map(|p| PartRef {
            key: p.key(),
            heading: p.heading_in(lang),
        }),
        evidence: &entry.evidence,
        photo_count: entry.evidence.iter().filter(|e| e.kind == "image").count(),
        link_count: (entry.evidence.iter())
            .filter(|e| !matches!(e.kind, "image" | "video") && e.embed.is_none())
            .count(),
        has_player: entry.evidence.iter().any(|e| e.embed.is_some()),
        cover: entry
            .evidence
            .iter()
            .find(|e| e.image.is_some())
            .or(entry.evidence.first()),
        draft: entry.draft,
        summary: &entry.summary,
        summary_text: &entry.summary_text,
    }
}

/// The value every entry of `skill` refers to it by.
pub fn skill_ref(skill: &Skill, urls: &Urls) -> Value {
    value(&SkillRef {
        slug: &skill.slug,
        title: &skill.title,
        url: urls.path(&skill.path),
    })
}

#[derive(Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
}

/// `[author]` as templates see it: the avatar found and measured, ready to show.
#[derive(Serialize)]
pub struct AuthorView<'a> {
    pub name: &'a str,
    pub label: Option<&'a str>,
    pub email: Option<&'a str>,
    pub url: Option<&'a str>,
    pub avatar: Option<AvatarView>,
    /// Each `{ name, url }`, for links with `rel="me"`.
    pub social: &'a [crate::config::Link],
}

#[derive(Serialize)]
pub struct AvatarView {
    pub src: String,
    /// The size to show it at, in CSS pixels.
    pub width: u32,
    pub height: u32,
}

/// The site's identity, the same on every page. Numbers that change with every
/// session are in [`PortfolioView`], given only to the pages that show them, so a
/// new session does not make every page of the site change.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub author: AuthorView<'a>,
    pub today: DateView,
    pub skill_count: usize,
    pub nav: Vec<NavItem>,
    /// The accent's shades, `#rrggbb` each, when `site.toml` sets one.
    pub accent: Option<&'a crate::colour::Accent>,
    /// The footer line of `site.toml` as HTML.
    pub footer: Option<String>,
    /// The stylesheet for highlighted code.
    pub syntax_css: String,
}

/// The whole practice life in numbers, for the home page and the skills index.
#[derive(Serialize)]
pub struct PortfolioView<'a> {
    pub totals: TotalsView<'a>,
    /// How many skills have each status.
    pub by_status: StatusCounts,
    /// Practice per month across all skills, for the last twelve months.
    pub months: Vec<MonthView>,
    pub charts: ChartsView,
}

#[derive(Serialize, Default)]
pub struct StatusCounts {
    pub learning: usize,
    pub practising: usize,
    pub mastered: usize,
    pub paused: usize,
}

pub fn site_view<'a>(site: &'a Site, urls: &Urls, has_about: bool) -> SiteView<'a> {
    let config = &site.config;
    let lang = &*site.profile.language;
    let item = |key: &str, rel: &str| NavItem {
        title: lang.text(key, &[]),
        url: urls.path(rel),
    };
    let mut nav = vec![
        item("nav_home", ""),
        item("nav_skills", "skills/"),
        item("nav_payoffs", "payoffs/"),
        item("nav_fields", "fields/"),
    ];
    if has_about {
        nav.push(item("nav_about", "about/"));
    }
    nav.push(item("nav_feed", "atom.xml"));
    let base_path = &config.base_path;
    // Both were accepted when site.toml was read; the base path may have changed
    // since (`--base-url`, `serve`), so they are resolved here.
    nav.extend(config.menu.iter().filter_map(|link| {
        Some(NavItem {
            title: link.name.clone(),
            url: crate::urls::site_link(&link.url, base_path).ok()?,
        })
    }));
    let footer = (config.footer.as_deref())
        .and_then(|line| crate::markdown::inline_line(line, base_path).ok());
    let author = &config.author;
    let avatar = site.profile.avatar.as_ref().map(|a| AvatarView {
        src: urls.path(&a.path),
        width: a.width,
        height: a.height,
    });
    SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        language: lang.tag(),
        author: AuthorView {
            name: &author.name,
            label: author.label.as_deref(),
            email: author.email.as_deref(),
            url: author.url.as_deref(),
            avatar,
            social: &author.social,
        },
        today: DateView::of(site.today, lang),
        skill_count: site.skills.len(),
        nav,
        accent: site.profile.accent.as_ref(),
        footer,
        syntax_css: urls.path(super::SYNTAX_CSS),
    }
}

pub fn portfolio_view(site: &Site) -> PortfolioView<'_> {
    let mut by_status = StatusCounts::default();
    for skill in &site.skills {
        match skill.status {
            Status::Learning => by_status.learning += 1,
            Status::Practising => by_status.practising += 1,
            Status::Mastered => by_status.mastered += 1,
            Status::Paused => by_status.paused += 1,
        }
    }
    let progress: &Progress = &site.progress;
    let lang = &*site.profile.language;
    let shown = progress.months.len().saturating_sub(12);
    let before: u64 = progress.months[..shown].iter().map(|m| m.minutes).sum();
    PortfolioView {
        totals: TotalsView::of(&progress.totals, lang),
        by_status,
        months: months(&progress.months[shown..], before, lang),
        charts: ChartsView {
            heatmap: charts::heatmap(
                "heatmap-site",
                &lang.text("chart_all_skills", &[]),
                progress,
                site.today,
                lang,
            ),
            cumulative: None,
            ring: None,
            anatomy: None,
        },
    }
}

/// Converts a view into a template value once, to be shared by many pages.
pub fn value<T: Serialize>(view: &T) -> Value {
    Value::from_serializable(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_dates_read_as_strftime_writes_them() {
        let en = Language::english();
        let mut date = jiff::civil::date(999, 12, 31);
        assert_eq!(
            DateView::of(date, &en).display,
            date.strftime("%-d %B %Y").to_string()
        );
        date = jiff::civil::date(2026, 1, 1);
        for _ in 0..400 {
            let view = DateView::of(date, &en);
            assert_eq!(view.iso, date.strftime("%Y-%m-%d").to_string());
            assert_eq!(view.display, date.strftime("%-d %B %Y").to_string());
            assert_eq!(view.short, date.strftime("%-d %b").to_string());
            date = date.tomorrow().unwrap();
        }
    }
}
