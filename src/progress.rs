//! The numbers that make progress visible: minutes, sessions and counts by kind,
//! streaks of days and weeks, and practice per day, week and month. They are
//! computed once per skill (and once for the whole site) while the model is built;
//! templates and charts only read them.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::content::{Kind, Part};

/// One log entry as the numbers see it.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub date: Date,
    pub minutes: u32,
    pub kind: Kind,
    pub part: Option<Part>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Totals {
    pub sessions: usize,
    pub minutes: u64,
    /// Minutes as hours with one decimal, as people say them ("12.5").
    pub hours: String,
    pub payoffs: usize,
    pub experiments: usize,
    pub setbacks: usize,
    pub milestones: usize,
    /// Templates get these as formatted dates from the view instead.
    #[serde(skip)]
    pub first: Option<Date>,
    #[serde(skip)]
    pub last: Option<Date>,
    /// Distinct calendar days with at least one session.
    pub days_practised: usize,
    pub days_since_last: Option<i64>,
    /// Consecutive days with practice, ending today or yesterday (else 0).
    pub current_streak: u32,
    pub longest_streak: u32,
    /// Consecutive Monday-to-Sunday weeks with practice, ending this week or last.
    pub current_week_streak: u32,
    pub longest_week_streak: u32,
    /// Sessions dated after today, left out of every number.
    pub future: usize,
}

/// Practice on one day, week or month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Amount {
    pub minutes: u64,
    pub sessions: usize,
}

/// A week or a month and the practice in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    /// The first day: a Monday for weeks, the 1st for months.
    pub start: Date,
    pub minutes: u64,
    pub sessions: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Progress {
    pub totals: Totals,
    /// Every day with practice, up to today.
    pub days: BTreeMap<Date, Amount>,
    /// Every week from the first practised one to this week, empty weeks included.
    pub weeks: Vec<Period>,
    /// Every month from the first practised one to this month.
    pub months: Vec<Period>,
    /// Which of the six parts some session worked on, in the order of `Part::ALL`.
    pub parts_practised: [bool; 6],
}

impl Progress {
    /// Sums `sessions`, leaving out any dated after `today`.
    pub fn of(sessions: impl IntoIterator<Item = Session>, today: Date) -> Progress {
        let mut p = Progress::default();
        let t = &mut p.totals;
        for s in sessions {
            if s.date > today {
                t.future += 1;
                continue;
            }
            t.sessions += 1;
            t.minutes += u64::from(s.minutes);
            match s.kind {
                Kind::Payoff => t.payoffs += 1,
                Kind::Experiment => t.experiments += 1,
                Kind::Setback => t.setbacks += 1,
                Kind::Milestone => t.milestones += 1,
                Kind::Practice => {}
            }
            if let Some(part) = s.part {
                p.parts_practised[part as usize] = true;
            }
            let day = p.days.entry(s.date).or_default();
            day.minutes += u64::from(s.minutes);
            day.sessions += 1;
        }
        t.hours = hours(t.minutes);
        t.first = p.days.keys().next().copied();
        t.last = p.days.keys().next_back().copied();
        t.days_practised = p.days.len();
        t.days_since_last = t.last.map(|last| day_number(today) - day_number(last));

        let days: Vec<i64> = p.days.keys().map(|d| day_number(*d)).collect();
        (t.current_streak, t.longest_streak) = streaks(&days, 1, day_number(today));
        let mut weeks: Vec<i64> = days.iter().map(|d| week_start(*d)).collect();
        weeks.dedup();
        (t.current_week_streak, t.longest_week_streak) =
            streaks(&weeks, 7, week_start(day_number(today)));

        if let Some(first) = t.first {
            let week = |d: Date| from_day_number(week_start(day_number(d)));
            let next_week = |d: Date| from_day_number(day_number(d) + 7);
            p.weeks = periods(&p.days, first, today, week, next_week);
            let next_month = |d: Date| d.last_of_month().tomorrow().unwrap_or(d);
            p.months = periods(&p.days, first, today, Date::first_of_month, next_month);
        }
        p
    }
}

/// Runs of consecutive points `step` apart, in sorted distinct `points`: the run
/// that ends at `anchor` or one step before it, and the longest run.
fn streaks(points: &[i64], step: i64, anchor: i64) -> (u32, u32) {
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<i64> = None;
    for &p in points {
        run = match previous {
            Some(q) if p - q == step => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(p);
    }
    let current = match previous {
        Some(last) if anchor - last <= step && anchor >= last => run,
        _ => 0,
    };
    (current, longest)
}

/// Sums practice into consecutive periods from the one holding `first` to the one
/// holding `today`; `start_of` maps a day to its period's first day and `next`
/// a period's first day to the next one's.
fn periods(
    days: &BTreeMap<Date, Amount>,
    first: Date,
    today: Date,
    start_of: impl Fn(Date) -> Date,
    next: impl Fn(Date) -> Date,
) -> Vec<Period> {
    let mut sums: BTreeMap<Date, Amount> = BTreeMap::new();
    for (day, amount) in days {
        let s = sums.entry(start_of(*day)).or_default();
        s.minutes += amount.minutes;
        s.sessions += amount.sessions;
    }
    let mut out = Vec::new();
    let last = start_of(today);
    let mut start = start_of(first);
    while start <= last {
        let a = sums.get(&start).copied().unwrap_or_default();
        out.push(Period {
            start,
            minutes: a.minutes,
            sessions: a.sessions,
        });
        let following = next(start);
        if following <= start {
            break;
        }
        start = following;
    }
    out
}

const EPOCH: Date = Date::constant(1970, 1, 1);

/// Days since 1970-01-01, so differences between dates are plain subtraction.
pub fn day_number(d: Date) -> i64 {
    i64::from(EPOCH.until(d).map_or(0, |s| s.get_days()))
}

pub fn from_day_number(n: i64) -> Date {
    EPOCH
        .checked_add(jiff::Span::new().days(n))
        .unwrap_or(EPOCH)
}

/// The Monday that starts the week of day `n` (1970-01-01 was a Thursday).
pub fn week_start(n: i64) -> i64 {
    n - (n + 3).rem_euclid(7)
}

/// Minutes as hours with one decimal, the way people say them ("12.5").
pub fn hours(minutes: u64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn s(d: Date, minutes: u32) -> Session {
        Session {
            date: d,
            minutes,
            kind: Kind::Practice,
            part: None,
        }
    }

    fn on(days: &[(i16, i8, i8)], today: Date) -> Progress {
        Progress::of(days.iter().map(|&(y, m, d)| s(date(y, m, d), 10)), today)
    }

    #[test]
    fn totals_count_kinds_and_leave_out_the_future() {
        let today = date(2026, 11, 21);
        let k = |d, minutes, kind| Session {
            date: d,
            minutes,
            kind,
            part: Some(Part::Payoff),
        };
        let p = Progress::of(
            [
                k(date(2026, 10, 1), 30, Kind::Practice),
                k(date(2026, 10, 5), 45, Kind::Payoff),
                k(date(2026, 11, 21), 15, Kind::Setback),
                k(date(2026, 11, 22), 99, Kind::Payoff),
            ],
            today,
        );
        let t = &p.totals;
        assert_eq!(
            (t.sessions, t.minutes, t.payoffs, t.setbacks),
            (3, 90, 1, 1)
        );
        assert_eq!(t.future, 1);
        assert_eq!(t.first, Some(date(2026, 10, 1)));
        assert_eq!(t.last, Some(today));
        assert_eq!(t.days_since_last, Some(0));
        assert_eq!(t.hours, "1.5");
        assert!(p.parts_practised[Part::Payoff as usize]);
        assert!(!p.parts_practised[Part::EntryTrick as usize]);
    }

    #[test]
    fn streaks_cross_month_and_year_boundaries_and_the_leap_day() {
        let p = on(
            &[(2027, 12, 30), (2027, 12, 31), (2028, 1, 1), (2028, 1, 2)],
            date(2028, 1, 2),
        );
        assert_eq!((p.totals.current_streak, p.totals.longest_streak), (4, 4));
        let p = on(
            &[(2028, 2, 28), (2028, 2, 29), (2028, 3, 1)],
            date(2028, 3, 1),
        );
        assert_eq!(p.totals.current_streak, 3);
        // 2026 has no 29 February: the 28th and 1 March are consecutive.
        let p = on(&[(2026, 2, 28), (2026, 3, 1)], date(2026, 3, 1));
        assert_eq!(p.totals.current_streak, 2);
    }

    #[test]
    fn several_sessions_on_one_day_count_once_for_streaks() {
        let p = on(
            &[(2026, 10, 1), (2026, 10, 1), (2026, 10, 1), (2026, 10, 2)],
            date(2026, 10, 2),
        );
        assert_eq!(p.totals.sessions, 4);
        assert_eq!(p.totals.days_practised, 2);
        assert_eq!(p.totals.longest_streak, 2);
        assert_eq!(p.days[&date(2026, 10, 1)].minutes, 30);
    }

    #[test]
    fn the_current_streak_ends_today_or_yesterday() {
        let days = [(2026, 10, 1), (2026, 10, 2), (2026, 10, 3)];
        assert_eq!(on(&days, date(2026, 10, 3)).totals.current_streak, 3);
        assert_eq!(on(&days, date(2026, 10, 4)).totals.current_streak, 3);
        assert_eq!(on(&days, date(2026, 10, 5)).totals.current_streak, 0);
        assert_eq!(on(&days, date(2026, 10, 5)).totals.longest_streak, 3);
        assert_eq!(on(&days, date(2026, 10, 5)).totals.days_since_last, Some(2));
    }

    #[test]
    fn a_gap_breaks_the_streak_and_the_longest_run_wins() {
        let p = on(
            &[
                (2026, 9, 1),
                (2026, 9, 2),
                (2026, 9, 3),
                (2026, 9, 4),
                (2026, 9, 10),
                (2026, 9, 11),
            ],
            date(2026, 9, 11),
        );
        assert_eq!((p.totals.current_streak, p.totals.longest_streak), (2, 4));
    }

    #[test]
    fn week_streaks_count_monday_to_sunday_weeks() {
        // Sunday 4 October, Monday 5 October (a new week), Sunday 18 October (the
        // week after): three weeks in a row.
        let p = on(
            &[(2026, 10, 4), (2026, 10, 5), (2026, 10, 18)],
            date(2026, 10, 20),
        );
        assert_eq!(p.totals.longest_week_streak, 3);
        // Today is in the week after the last practised one: the streak still counts.
        assert_eq!(p.totals.current_week_streak, 3);
        let p = on(&[(2026, 10, 4), (2026, 10, 18)], date(2026, 11, 2));
        assert_eq!(
            (p.totals.current_week_streak, p.totals.longest_week_streak),
            (0, 1)
        );
    }

    #[test]
    fn weeks_and_months_include_empty_periods() {
        let p = Progress::of(
            [s(date(2026, 11, 30), 20), s(date(2027, 1, 3), 40)],
            date(2027, 1, 5),
        );
        let months: Vec<_> = p
            .months
            .iter()
            .map(|m| (m.start.to_string(), m.minutes))
            .collect();
        assert_eq!(
            months,
            [
                ("2026-11-01".to_string(), 20),
                ("2026-12-01".to_string(), 0),
                ("2027-01-01".to_string(), 40)
            ]
        );
        assert_eq!(p.weeks.first().unwrap().start, date(2026, 11, 30));
        assert_eq!(
            p.weeks.last().unwrap().start,
            date(2027, 1, 5).saturating_sub(jiff::Span::new().days(1))
        );
        assert_eq!(p.weeks.len(), 6);
        assert_eq!(p.weeks.iter().map(|w| w.minutes).sum::<u64>(), 60);
        // Sunday 3 January belongs to the week that began on Monday 28 December.
        assert_eq!(p.weeks[4].start, date(2026, 12, 28));
        assert_eq!(p.weeks[4].minutes, 40);
    }

    #[test]
    fn no_sessions_means_no_numbers() {
        let p = Progress::of([], date(2026, 1, 1));
        assert_eq!(p.totals.first, None);
        assert_eq!(p.totals.days_since_last, None);
        assert_eq!(p.totals.current_streak, 0);
        assert!(p.weeks.is_empty() && p.months.is_empty());
    }

    #[test]
    fn hours_round_to_a_tenth() {
        assert_eq!(hours(0), "0");
        assert_eq!(hours(60), "1");
        assert_eq!(hours(100), "1.7");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn streaks_are_bounded_by_the_days(offsets in proptest::collection::vec(0i64..400, 0..60), today_offset in 0i64..420) {
                let start = date(2027, 6, 1);
                let day = |o: i64| start.checked_add(jiff::Span::new().days(o)).unwrap();
                let today = day(today_offset);
                let p = Progress::of(offsets.iter().map(|o| s(day(*o), 5)), today);
                let t = &p.totals;
                prop_assert!(t.longest_streak >= t.current_streak);
                prop_assert!(t.longest_streak as usize <= t.days_practised);
                prop_assert!(t.longest_week_streak >= t.current_week_streak);
                prop_assert!(t.longest_week_streak as usize <= t.days_practised);
                prop_assert_eq!(t.sessions + t.future, offsets.len());
                prop_assert_eq!(p.weeks.iter().map(|w| w.minutes).sum::<u64>(), t.minutes);
                prop_assert_eq!(p.months.iter().map(|m| m.sessions).sum::<usize>(), t.sessions);
                if t.days_practised > 0 {
                    prop_assert!(t.longest_streak >= 1);
                }
            }
        }
    }
}
