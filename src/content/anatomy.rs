//! The six parts of a micromastery, and how a write-up's second-level headings are
//! recognised as them. People write headings their own way, so matching ignores
//! case and punctuation and accepts the aliases of the design.

use std::ops::Range;

use serde::Serialize;

use super::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    EntryTrick,
    RubPatBarrier,
    BackgroundSupport,
    Payoff,
    Repeatability,
    ExperimentalPossibilities,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::EntryTrick,
        Part::RubPatBarrier,
        Part::BackgroundSupport,
        Part::Payoff,
        Part::Repeatability,
        Part::ExperimentalPossibilities,
    ];

    pub const KEYS: [&'static str; 6] = [
        "entry-trick",
        "rub-pat-barrier",
        "background-support",
        "payoff",
        "repeatability",
        "experimental-possibilities",
    ];

    pub fn key(self) -> &'static str {
        Part::KEYS[self as usize]
    }

    pub fn from_key(key: &str) -> Option<Part> {
        Part::KEYS
            .iter()
            .position(|k| *k == key)
            .map(|i| Part::ALL[i])
    }

    pub fn heading(self) -> &'static str {
        match self {
            Part::EntryTrick => "Entry trick",
            Part::RubPatBarrier => "Rub-pat barrier",
            Part::BackgroundSupport => "Background support",
            Part::Payoff => "Payoff",
            Part::Repeatability => "Repeatability",
            Part::ExperimentalPossibilities => "Experimental possibilities",
        }
    }

    /// What belongs in the part, shown where a part is not yet written.
    pub fn prompt(self) -> &'static str {
        match self {
            Part::EntryTrick => "The insider's way in that makes the skill approachable.",
            Part::RubPatBarrier => {
                "The two sub-skills that fight each other, and how they were isolated."
            }
            Part::BackgroundSupport => {
                "Tools, time, place and community that make practice possible."
            }
            Part::Payoff => "The demonstrable result that makes it worth repeating.",
            Part::Repeatability => "How it is repeated without boredom.",
            Part::ExperimentalPossibilities => "The variations tried, and those still to try.",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Part::EntryTrick => &["entrytrick", "entrypoint"],
            Part::RubPatBarrier => &["rubpatbarrier", "rubofreality"],
            Part::BackgroundSupport => &["backgroundsupport", "support", "setup"],
            Part::Payoff => &["payoff", "payoffs"],
            Part::Repeatability => &["repeatability", "practice"],
            Part::ExperimentalPossibilities => &[
                "experimentalpossibilities",
                "experimentalpath",
                "experiments",
            ],
        }
    }

    /// Recognises a heading as one of the parts: "Rub/pat barrier", "ENTRY POINT:"
    /// and "Experiments" all match.
    pub fn from_heading(heading: &str) -> Option<Part> {
        let normalized = normalize(heading);
        Part::ALL
            .into_iter()
            .find(|p| p.names().contains(&normalized.as_str()))
    }

    /// The part's heading in `language`: its `part_entry_trick` (and so on).
    pub fn heading_in(self, language: &Language) -> String {
        language.text(&format!("part_{}", self.table_key()), &[])
    }

    /// What belongs in the part, in `language`.
    pub fn prompt_in(self, language: &Language) -> String {
        language.text(&format!("prompt_{}", self.table_key()), &[])
    }

    /// The part's key as the language tables write it: `entry_trick`.
    fn table_key(self) -> String {
        self.key().replace('-', "_")
    }

    /// [`Part::from_heading`], or else the part whose name in `language` the
    /// heading is (`part_entry_trick` of its table, or the site's own word for
    /// it), matched as leniently: a write-up in Turkish names its parts in
    /// Turkish.
    pub fn from_heading_in(heading: &str, language: &Language) -> Option<Part> {
        Part::from_heading(heading).or_else(|| {
            let normalized = normalize(heading);
            Part::ALL
                .into_iter()
                .find(|p| normalize(&p.heading_in(language)) == normalized)
        })
    }
}

/// A line of a write-up's body: where it starts in the file, its text, and the
/// text of the second-level heading it is, if it is one. Lines in fenced code
/// are never headings.
pub fn lines(text: &str, body: Range<usize>) -> Vec<(usize, &str, Option<&str>)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut offset = body.start;
    let Some(body_text) = text.get(body) else {
        return out;
    };
    for line in body_text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence)
            .then(|| trimmed.strip_prefix("## "))
            .flatten()
            .map(|h| h.trim().trim_end_matches('#').trim_end());
        out.push((start, line, heading));
    }
    out
}

/// Whether a line under a part's heading is still only what `skillfolio new`
/// wrote there: its prompt, as a comment or with the comment marks taken off.
pub fn is_prompt(part: Part, line: &str) -> bool {
    let bare = line
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_matches(['*', '_'])
        .trim();
    bare == part.prompt()
}

/// The part a heading that is none of them was probably meant to be: a near
/// spelling of a part's name or alias, or its start (`## Rub pat`). Headings
/// far from every name are free text and get `None`.
pub fn near_part(heading: &str) -> Option<Part> {
    if Part::from_heading(heading).is_some() {
        return None;
    }
    let normalized = normalize(heading);
    if normalized.len() < 4 {
        return None;
    }
    let mut best: Option<(f64, Part)> = None;
    for part in Part::ALL {
        for name in part.names() {
            let similar = strsim::normalized_damerau_levenshtein(&normalized, name);
            let start = normalized.len() >= 5 && name.starts_with(&normalized);
            let score = if start { similar.max(0.8) } else { similar };
            if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, part));
            }
        }
    }
    best.map(|(_, part)| part)
}

/// A heading as parts are matched: letters and digits only, in lower case.
/// Lowered first, so the dot that lowering `İ` adds (`i̇`) goes as well.
fn normalize(heading: &str) -> String {
    heading
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A warning for each second-level heading that is a near miss of a part's
/// name: as written, its section is free text and the part counts as missing.
/// A heading that names a part in the site's language is no miss.
pub fn misspelt_headings(
    file: &SourceFile,
    body: Range<usize>,
    language: &Language,
) -> Vec<Diagnostic> {
    lines(&file.text, body)
        .into_iter()
        .filter_map(|(start, line, heading)| {
            let heading = heading?;
            if Part::from_heading_in(heading, language).is_some() {
                return None;
            }
            let part = near_part(heading)?;
            let column = line.len() - line.trim_start().len();
            Some(
                Diagnostic::warning(format!(
                    "the heading `## {heading}` is none of the six parts; did you mean `## {}`?",
                    part.heading()
                ))
                .at(&file.path, &file.text, start + column, line.trim().len())
                .hint(format!(
                    "write `## {}`: as it is, the section is shown as free text and {} counts as not yet written",
                    part.heading(),
                    part.heading()
                )),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Part;
    use super::{is_prompt, near_part};

    #[test]
    fn near_misses_of_part_names_are_recognised() {
        assert_eq!(near_part("Entry trik"), Some(Part::EntryTrick));
        assert_eq!(near_part("Rub pat"), Some(Part::RubPatBarrier));
        assert_eq!(
            near_part("Backgound support"),
            Some(Part::BackgroundSupport)
        );
        assert_eq!(near_part("Repeatibility"), Some(Part::Repeatability));
        assert_eq!(
            near_part("Experimental possibilites"),
            Some(Part::ExperimentalPossibilities)
        );
    }

    #[test]
    fn free_headings_and_real_parts_are_not_near_misses() {
        for heading in [
            "Notes",
            "Practice log",
            "Payoff ideas",
            "Gear",
            "Why",
            "Entry trick",
            "Set-up",
        ] {
            assert_eq!(near_part(heading), None, "{heading}");
        }
    }

    #[test]
    fn the_prompt_of_new_is_recognised_with_or_without_its_comment() {
        let prompt = Part::Payoff.prompt();
        assert!(is_prompt(Part::Payoff, &format!("<!-- {prompt} -->")));
        assert!(is_prompt(Part::Payoff, prompt));
        assert!(!is_prompt(Part::Payoff, "Five in a row under 90 seconds."));
        assert!(!is_prompt(Part::EntryTrick, prompt));
    }

    #[test]
    fn headings_and_aliases_match_regardless_of_case_and_punctuation() {
        assert_eq!(Part::from_heading("Entry trick"), Some(Part::EntryTrick));
        assert_eq!(Part::from_heading("ENTRY POINT:"), Some(Part::EntryTrick));
        assert_eq!(
            Part::from_heading("Rub/pat barrier"),
            Some(Part::RubPatBarrier)
        );
        assert_eq!(
            Part::from_heading("Rub of reality"),
            Some(Part::RubPatBarrier)
        );
        assert_eq!(Part::from_heading("Set-up"), Some(Part::BackgroundSupport));
        assert_eq!(Part::from_heading("Payoffs!"), Some(Part::Payoff));
        assert_eq!(Part::from_heading("practice"), Some(Part::Repeatability));
        assert_eq!(
            Part::from_heading("Experimental path"),
            Some(Part::ExperimentalPossibilities)
        );
        assert_eq!(Part::from_heading("Notes"), None);
    }

    #[test]
    fn keys_round_trip() {
        for p in Part::ALL {
            assert_eq!(Part::from_key(p.key()), Some(p));
        }
    }
}
