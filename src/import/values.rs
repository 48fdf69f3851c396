//! Reading the values of an export: days written the ways trackers and
//! spreadsheets write them, and durations as clock times, minutes or hours,
//! rounded to whole minutes.

use jiff::civil::Date;

/// How a day written with slashes is read: `04/10/2026` is 4 October day
/// first, 10 April month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// The three numbers of a day written with slashes, if `text` is one.
fn slashed(text: &str) -> Option<(u32, u32, i16)> {
    let day = text.split([' ', 'T']).next()?;
    let mut parts = day.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// The order the slashed days of a file can only be read in: `Some` when a
/// day past the 12th settles it. Several days that settle it both ways leave
/// it `None`, as do days that never do.
pub fn settled_order<'a>(days: impl Iterator<Item = &'a str>) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (false, false);
    for (a, b, _) in days.filter_map(slashed) {
        day_first |= a > 12;
        month_first |= b > 12;
    }
    match (day_first, month_first) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// Whether `text` is a slashed day that reads as two different days.
pub fn ambiguous(text: &str) -> bool {
    slashed(text).is_some_and(|(a, b, _)| a != b && a <= 12 && b <= 12)
}

/// The day of `text`: `2026-10-03`, `2026/10/03`, `03.10.2026`, a slashed day
/// in `order`, or the day of a date and time as written, in its own zone
/// (`2026-10-03T23:30:00-05:00` is the 3rd, wherever the import runs).
pub fn day(text: &str, order: Option<DateOrder>) -> Result<Date, String> {
    let text = text.trim();
    let iso = text.get(..10).filter(|d| {
        d.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-' || b == b'/',
            _ => b.is_ascii_digit(),
        })
    });
    if let Some(d) = iso {
        return d
            .replace('/', "-")
            .parse::<Date>()
            .map_err(|e| format!("`{text}` is not a day: {e}"));
    }
    let dotted = text.split(' ').next().and_then(|d| {
        let mut parts = d.split('.');
        let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
        (y.len() == 4).then_some(())?;
        Some((
            a.parse::<i8>().ok()?,
            b.parse::<i8>().ok()?,
            y.parse::<i16>().ok()?,
        ))
    });
    if let Some((d, m, y)) = dotted {
        return Date::new(y, m, d).map_err(|e| format!("`{text}` is not a day: {e}"));
    }
    if let Some((a, b, y)) = slashed(text) {
        let (d, m) = match order {
            Some(DateOrder::MonthFirst) => (b, a),
            Some(DateOrder::DayFirst) => (a, b),
            None if a > 12 => (a, b),
            None if b > 12 || a == b => (b, a),
            None => {
                return Err(format!(
                    "`{text}` could be the {a}th of month {b} or the {b}th of month {a}"
                ));
            }
        };
        return Date::new(y, m as i8, d as i8).map_err(|e| format!("`{text}` is not a day: {e}"));
    }
    Err(format!("`{text}` is not a day this import can read"))
}

/// The instant of a date and time written with its offset
/// (`2026-10-03T23:30:00-05:00`), and that offset; `None` for anything else.
pub fn instant(text: &str) -> Option<(jiff::Timestamp, jiff::tz::Offset)> {
    let text = text.trim();
    let at: jiff::Timestamp = text.parse().ok()?;
    // The same digits read as a wall time: how far they are from the instant
    // is the offset they were written in.
    let wall: jiff::civil::DateTime = text.parse().ok()?;
    let as_utc = wall.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    let seconds = as_utc.as_second() - at.as_second();
    let offset = jiff::tz::Offset::from_seconds(i32::try_from(seconds).ok()?).ok()?;
    Some((at, offset))
}

/// Seconds from a clock duration: `1:30:00`, `01:30` (hours and minutes),
/// `0:45:30`.
pub fn clock(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(format!("the duration `{text}` is negative"));
    }
    let parts: Vec<&str> = text.split(':').collect();
    let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
    match (numbers.as_deref(), parts.len()) {
        (Some([h, m, s]), 3) if *m < 60 && *s < 60 => Ok(h * 3600 + m * 60 + s),
        (Some([h, m]), 2) if *m < 60 => Ok(h * 3600 + m * 60),
        _ => Err(format!(
            "`{text}` is not a duration: write it as hours:minutes:seconds, e.g. `1:30:00`"
        )),
    }
}

/// Seconds from a number of `unit`s (60 for minutes, 3600 for hours), with a
/// decimal point or comma: `45`, `1.5`, `1,25`.
pub fn amount(text: &str, unit: f64) -> Result<u64, String> {
    let text = text.trim();
    let value: f64 = text
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if value < 0.0 {
        return Err(format!("the duration `{text}` is negative"));
    }
    if !value.is_finite() || value * unit > 1e9 {
        return Err(format!("`{text}` is not a duration"));
    }
    Ok((value * unit).round() as u64)
}

/// Whole minutes from seconds, to the nearest: 29 seconds are none, 30 one.
pub fn minutes(seconds: u64) -> u64 {
    (seconds + 30) / 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_the_ways_exports_write_them() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(day("2026-10-03", None), Ok(d(2026, 10, 3)));
        assert_eq!(day("2026/10/03", None), Ok(d(2026, 10, 3)));
        assert_eq!(day("03.10.2026", None), Ok(d(2026, 10, 3)));
        assert_eq!(day("2026-10-03T23:30:00-05:00", None), Ok(d(2026, 10, 3)));
        assert_eq!(day("2026-10-03 07:00", None), Ok(d(2026, 10, 3)));
        assert_eq!(
            day("10/03/2026", Some(DateOrder::MonthFirst)),
            Ok(d(2026, 10, 3))
        );
        assert_eq!(
            day("10/03/2026", Some(DateOrder::DayFirst)),
            Ok(d(2026, 3, 10))
        );
        assert_eq!(day("25/12/2026", None), Ok(d(2026, 12, 25)));
        assert!(day("10/03/2026", None).unwrap_err().contains("could be"));
        assert!(day("yesterday", None).is_err());
        assert!(day("2026-02-30", None).is_err());
    }

    #[test]
    fn a_file_settles_its_own_order_when_it_can() {
        let days = ["10/03/2026", "10/14/2026"];
        assert_eq!(settled_order(days.into_iter()), Some(DateOrder::MonthFirst));
        let days = ["10/03/2026", "14/10/2026"];
        assert_eq!(settled_order(days.into_iter()), Some(DateOrder::DayFirst));
        assert_eq!(settled_order(["10/03/2026"].into_iter()), None);
        assert!(ambiguous("10/03/2026") && !ambiguous("03/03/2026"));
    }

    #[test]
    fn a_time_keeps_the_offset_it_was_written_with() {
        let (at, offset) = instant("2026-10-03T23:30:00-05:00").unwrap();
        assert_eq!(
            at.display_with_offset(offset).to_string(),
            "2026-10-03T23:30:00-05:00"
        );
        assert_eq!(offset.seconds(), -5 * 3600);
        assert!(instant("2026-10-03").is_none());
        assert!(instant("2026-10-03 07:30").is_none());
    }

    #[test]
    fn durations_round_to_the_nearest_minute() {
        assert_eq!(clock("1:30:00").map(minutes), Ok(90));
        assert_eq!(clock("0:00:29").map(minutes), Ok(0));
        assert_eq!(clock("0:00:30").map(minutes), Ok(1));
        assert_eq!(clock("01:15").map(minutes), Ok(75));
        assert!(clock("-0:10:00").unwrap_err().contains("negative"));
        assert!(clock("ninety").is_err() && clock("1:75:00").is_err());
        assert_eq!(amount("1,5", 3600.0).map(minutes), Ok(90));
        assert_eq!(amount("45", 60.0).map(minutes), Ok(45));
        assert_eq!(amount("0.26", 3600.0).map(minutes), Ok(16));
        assert!(amount("-5", 60.0).unwrap_err().contains("negative"));
        assert!(amount("5 min", 60.0).is_err());
    }
}
