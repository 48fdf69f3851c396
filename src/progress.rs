//! The numbers that make progress visible: minutes, sessions and counts by kind,
//! computed once from a skill's log and summed for the whole site.

use jiff::civil::Date;
use serde::Serialize;

use crate::content::Kind;

/// One log entry as the numbers see it.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub date: Date,
    pub minutes: u32,
    pub kind: Kind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub sessions: usize,
    pub minutes: u64,
    pub hours: String,
    pub payoffs: usize,
    pub experiments: usize,
    pub setbacks: usize,
    pub milestones: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

impl Totals {
    /// Sums `sessions`, leaving out any dated after `today`.
    pub fn of(sessions: impl IntoIterator<Item = Session>, today: Date) -> Totals {
        let mut t = Totals::default();
        for s in sessions.into_iter().filter(|s| s.date <= today) {
            t.sessions += 1;
            t.minutes += u64::from(s.minutes);
            match s.kind {
                Kind::Payoff => t.payoffs += 1,
                Kind::Experiment => t.experiments += 1,
                Kind::Setback => t.setbacks += 1,
                Kind::Milestone => t.milestones += 1,
                Kind::Practice => {}
            }
            t.first = Some(t.first.map_or(s.date, |f| f.min(s.date)));
            t.last = Some(t.last.map_or(s.date, |l| l.max(s.date)));
        }
        t.hours = hours(t.minutes);
        t
    }
}

/// Minutes as hours with one decimal, the way people say them ("12.5").
pub fn hours(minutes: u64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn totals_count_kinds_and_leave_out_the_future() {
        let today = date(2026, 11, 21);
        let s = |d, minutes, kind| Session {
            date: d,
            minutes,
            kind,
        };
        let t = Totals::of(
            [
                s(date(2026, 10, 1), 30, Kind::Practice),
                s(date(2026, 10, 5), 45, Kind::Payoff),
                s(date(2026, 11, 21), 15, Kind::Setback),
                s(date(2026, 11, 22), 99, Kind::Payoff),
            ],
            today,
        );
        assert_eq!(
            (t.sessions, t.minutes, t.payoffs, t.setbacks),
            (3, 90, 1, 1)
        );
        assert_eq!(t.first, Some(date(2026, 10, 1)));
        assert_eq!(t.last, Some(today));
        assert_eq!(t.hours, "1.5");
    }

    #[test]
    fn hours_round_to_a_tenth() {
        assert_eq!(hours(0), "0");
        assert_eq!(hours(60), "1");
        assert_eq!(hours(100), "1.7");
    }
}
