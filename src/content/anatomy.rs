//! The six parts of a micromastery, and how a write-up's second-level headings are
//! recognised as them. People write headings their own way, so matching ignores
//! case and punctuation and accepts the aliases of the design.

use serde::Serialize;

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
        let normalized: String = heading
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Part::ALL
            .into_iter()
            .find(|p| p.names().contains(&normalized.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::Part;

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
