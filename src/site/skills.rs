//! Builds each skill of the model from its sources: the write-up split into its
//! parts, the entries with their evidence, and the related skills, which only the
//! whole set of skills can resolve. A skill unchanged since the last build is
//! taken from the model cache instead.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::evidence::evidence;
use super::kept;
use super::taxonomies::taxa;
use super::{Entry, EntryTags, ModelOptions, Skill, Taxon};
use crate::content::{DateValue, EntrySource, Part, SkillSource};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::keys::{KeyHasher, hash};
use crate::link_lookups::Deps;
use crate::markdown::{self, Rendered};
use crate::progress::Progress;
use crate::slug::slugify;

/// Every published skill, in the order of `sources`, each either kept from the
/// last build or built again.
pub(super) fn build_all(
    sources: &[Arc<SkillSource>],
    md: &markdown::Renderer,
    options: &ModelOptions,
    cache: Option<&kept::Cache>,
) -> Vec<kept::Kept> {
    // `build_skill`'s arguments besides the source, which is recognised as the
    // very same shared value, and the link targets, which are looked up again.
    let key = hash(options);
    let kept = cache.map(kept::Cache::take_skills).unwrap_or_default();
    let built = sources
        .par_iter()
        .map(|source| match kept.get(&source.slug) {
            Some(k) if k.key == key && Arc::ptr_eq(&k.source, source) && md.holds(&k.deps) => {
                k.clone()
            }
            _ => {
                let (skill, warnings, anchors, deps) = build_skill(source, md, options);
                kept::Kept {
                    source: Arc::clone(source),
                    key,
                    skill: Arc::new(skill),
                    warnings,
                    anchors: anchors.into(),
                    deps,
                }
            }
        })
        .collect();
    crate::drop_in_background(kept);
    built
}

/// Hands the skills built without errors to the cache for the next build, with
/// their related skills as resolved now.
pub(super) fn keep(cache: &kept::Cache, built: Vec<kept::Kept>, skills: &[Arc<Skill>]) {
    let keep = built
        .into_iter()
        .zip(skills)
        .filter(|(k, _)| !k.warnings.iter().any(Diagnostic::is_error))
        .map(|(k, skill)| {
            let kept = kept::Kept {
                skill: Arc::clone(skill),
                ..k
            };
            (skill.slug.clone(), kept)
        })
        .collect();
    cache.keep_skills(keep);
}

/// The related skills of each skill, both directions, by index into `sources`.
/// A slug in `all_slugs` that is not published (a draft, or a skill whose front
/// matter failed) is passed over quietly; an unknown one is an error.
pub(super) fn related(
    sources: &[Arc<SkillSource>],
    all_slugs: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Vec<usize>> {
    let published: HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let mut related: Vec<Vec<usize>> = vec![Vec::new(); sources.len()];
    for (i, source) in sources.iter().enumerate() {
        for r in &source.related {
            let at = |d: Diagnostic| {
                d.at(
                    &source.file.path,
                    &source.file.text,
                    r.span.start,
                    r.span.len(),
                )
            };
            match published.get(r.value.as_str()) {
                Some(&j) if j != i => {
                    related[i].push(j);
                    related[j].push(i);
                }
                Some(_) => diagnostics.push(
                    at(Diagnostic::error(format!(
                        "skill `{}` lists itself as related",
                        r.value
                    )))
                    .hint("`related` names other skills"),
                ),
                None if all_slugs.contains(&r.value) => {}
                None => {
                    let hint = match crate::diagnostic::did_you_mean(
                        &r.value,
                        all_slugs.iter().map(String::as_str),
                    ) {
                        Some(near) => format!(
                            "did you mean `{near}`? `related` takes skill slugs (folder names under content/skills/)"
                        ),
                        None => {
                            "`related` takes skill slugs: the folder names under content/skills/"
                                .to_string()
                        }
                    };
                    diagnostics.push(
                        at(Diagnostic::error(format!(
                            "related skill `{}` does not exist",
                            r.value
                        )))
                        .hint(hint),
                    );
                }
            }
        }
    }
    related
}

/// Gives each skill its related skills, once each and sorted by `titles`
/// (lowercased, by skill).
pub(super) fn set_related(skills: &mut [Arc<Skill>], related: Vec<Vec<usize>>, titles: &[String]) {
    for (skill, mut rel) in skills.iter_mut().zip(related) {
        rel.sort_unstable();
        rel.dedup();
        rel.sort_by(|a, b| titles[*a].cmp(&titles[*b]));
        // A kept skill usually has the same related skills as last time.
        if skill.related != rel {
            Arc::make_mut(skill).related = rel;
        }
    }
}

/// A skill, its problems, the anchors of its files and what it looked up of
/// the link targets.
fn build_skill(
    source: &SkillSource,
    md: &markdown::Renderer,
    options: &ModelOptions,
) -> (Skill, Vec<Diagnostic>, Vec<markdown::Anchors>, Deps) {
    let today = options.today;
    let mut diagnostics = Vec::new();
    let path = format!("skills/{}/", source.slug);
    let (r, anchors) = md.render_untracked(&source.file, &source.body, &source.dir);
    let mut all_anchors = vec![anchors];
    diagnostics.extend(r.warnings.iter().cloned());
    diagnostics.extend(crate::content::anatomy::misspelt_headings(
        &source.file,
        source.body.clone(),
        &options.language,
    ));
    let (intro, parts, part_ids, other) = anatomy(&r, &options.language);

    let log_dir = source.dir.join("log");
    let built: Vec<(Entry, Vec<Diagnostic>, markdown::Anchors, [Deps; 2])> = source
        .entries
        .par_iter()
        .filter(|e| options.drafts || !e.draft)
        .map(|e| build_entry(e, &log_dir, &path, md, options))
        .collect();
    let mut entries = Vec::with_capacity(built.len());
    let mut deps = Vec::with_capacity(2 * built.len() + 2);
    for (entry, d, anchors, looked_up) in built {
        diagnostics.extend(d);
        entries.push(entry);
        all_anchors.push(anchors);
        deps.extend(looked_up);
    }
    entries.sort_by(|a, b| {
        (a.date.date, a.date.instant, &a.slug).cmp(&(b.date.date, b.date.instant, &b.slug))
    });
    // Drafts shown with --drafts never count: the numbers are what is published.
    let progress = Progress::of(
        entries.iter().filter(|e| !e.draft).map(Entry::session),
        today,
    );
    let skill = Skill {
        slug: source.slug.clone(),
        source: source.file.path.clone(),
        title: source.title.clone(),
        summary: source.summary.clone(),
        field: field(source, &mut diagnostics),
        tags: taxa(&source.tags),
        started: source.started,
        status: source.status,
        target: source.target,
        draft: source.draft,
        cover: source.cover.as_ref().and_then(|c| {
            let lang = &options.language;
            let lookups = md.lookups();
            let cover = super::evidence::cover(
                c,
                &source.file,
                &source.dir,
                &lookups,
                lang,
                &mut diagnostics,
            );
            deps.push(lookups.deps());
            cover
        }),
        related: Vec::new(),
        path,
        intro,
        parts,
        part_ids,
        other,
        entry_tags: EntryTags::of(&entries),
        entries,
        progress,
        fingerprint: fingerprint(source),
    };
    deps.push(r.deps.clone());
    let deps = md.merged(&deps);
    (skill, diagnostics, all_anchors, deps)
}

/// The skill's field, if it makes a page address: a name with no ASCII letters or
/// digits has no slug, so it is left out with a warning rather than published at a
/// URL that another page already has.
fn field(source: &SkillSource, diagnostics: &mut Vec<Diagnostic>) -> Option<Taxon> {
    let name = source.field.as_ref()?;
    let slug = slugify(name);
    if slug.is_empty() {
        diagnostics.push(
            Diagnostic::warning(format!(
                "the field `{name}` has no letters or digits a URL can use, so it gets no page"
            ))
            .at(
                &source.file.path,
                &source.file.text,
                source.field_span.start,
                source.field_span.len(),
            )
            .hint("add a Latin spelling, e.g. `field = \"Cooking\"`"),
        );
        return None;
    }
    Some(Taxon {
        name: name.trim().to_string(),
        slug,
    })
}

fn fingerprint(source: &SkillSource) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = KeyHasher::new();
    source.file.path.hash(&mut h);
    source.file.text.hash(&mut h);
    for e in &source.entries {
        e.file.path.hash(&mut h);
        e.file.text.hash(&mut h);
    }
    h.finish()
}

/// Splits a rendered write-up into its intro, its six parts and everything else.
/// A part written twice keeps both sections, in order.
fn anatomy(
    r: &Rendered,
    language: &Language,
) -> (String, [Option<String>; 6], [String; 6], String) {
    let mut parts: [Option<String>; 6] = Default::default();
    let mut ids: [String; 6] = Part::ALL.map(|p| p.key().to_string());
    let mut other = String::new();
    let mut intro = String::new();
    for section in &r.sections {
        match &section.heading {
            None => intro.push_str(&section.body),
            Some(h) => match Part::from_heading_in(&h.text, language) {
                // A heading with nothing but a prompt comment under it is not written yet.
                Some(part) if !has_text(&section.body) => {
                    ids[part as usize] = h.id.clone();
                }
                Some(part) => {
                    let text = parts[part as usize].get_or_insert_with(|| {
                        ids[part as usize] = h.id.clone();
                        String::new()
                    });
                    text.push_str(&section.body);
                }
                None => {
                    other.push_str(&section.heading_html);
                    other.push_str(&section.body);
                }
            },
        }
    }
    (intro, parts, ids, other)
}

/// The day a session belongs to: the day of its time in the site's time zone
/// when both are known, else the day as written.
fn in_zone(date: DateValue, tz: Option<&jiff::tz::TimeZone>) -> DateValue {
    match (date.instant, tz) {
        (Some(instant), Some(tz)) => DateValue {
            date: instant.to_zoned(tz.clone()).date(),
            instant: Some(instant),
        },
        _ => date,
    }
}

/// Whether rendered HTML has anything but white space and comments.
fn has_text(html: &str) -> bool {
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        if !rest[..start].trim().is_empty() {
            return true;
        }
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    !rest.trim().is_empty()
}

fn build_entry(
    e: &EntrySource,
    log_dir: &Path,
    skill_path: &str,
    md: &markdown::Renderer,
    options: &ModelOptions,
) -> (Entry, Vec<Diagnostic>, markdown::Anchors, [Deps; 2]) {
    let today = options.today;
    let date = in_zone(e.date, options.timezone.as_ref());
    let mut diagnostics = Vec::new();
    let (r, anchors) = md.render_untracked(&e.file, &e.body, log_dir);
    diagnostics.extend(r.warnings.iter().cloned());
    if date.date > today {
        diagnostics.push(
            Diagnostic::warning(format!(
                "{} is dated {}, after today ({today}); it is left out of every number",
                e.file.path.display(),
                date.date,
            ))
            .at(
                &e.file.path,
                &e.file.text,
                e.date_span.start,
                e.date_span.len(),
            )
            .hint("check the date, or set `today` in site.toml"),
        );
    }
    let lookups = md.lookups();
    let evidence = evidence(e, log_dir, &lookups, &options.language, &mut diagnostics);
    let entry = Entry {
        slug: e.slug.clone(),
        source: e.file.path.clone(),
        title: e.title.clone(),
        date,
        minutes: e.minutes,
        kind: e.kind,
        part: e.part,
        evidence,
        tags: taxa(&e.tags),
        draft: e.draft,
        html: r.html(),
        summary: r.summary.clone(),
        summary_text: r.summary_text.clone(),
        path: format!("{skill_path}{}/", e.slug),
    };
    (
        entry,
        diagnostics,
        anchors,
        [r.deps.clone(), lookups.deps()],
    )
}
