//! Charts as static SVG, made at build time so every page reads without
//! JavaScript: a calendar heatmap, a cumulative-minutes chart, a progress ring and
//! the six-part anatomy indicator. Each chart names itself with `<title>` and
//! `<desc>`, and takes its colours from CSS classes, so a theme styles it for light
//! and dark schemes. The same numbers are printed as text by the templates.

use std::fmt::Write;

use jiff::civil::Date;

use crate::content::{Kind, Part};
use crate::html::escape;
use crate::i18n::Language;
use crate::progress::{Progress, Session, day_number, from_day_number, week_start};

const CELL: i64 = 11;
const GAP: i64 = 2;
const STEP: i64 = CELL + GAP;
const WEEKS: i64 = 53;

/// The level of a day in the heatmap, by minutes practised.
pub fn level(minutes: u64) -> u8 {
    match minutes {
        0 => 0,
        1..=15 => 1,
        16..=30 => 2,
        31..=60 => 3,
        _ => 4,
    }
}

/// The strings saying what each heatmap level means, for the legend.
pub const LEVELS: [&str; 5] = ["level_none", "level_1", "level_2", "level_3", "level_4"];

/// A 53-week calendar ending with the week of `today`: one column per week
/// (Monday at the top), one square per day, shaded by minutes practised.
pub fn heatmap(
    id: &str,
    subject: &str,
    progress: &Progress,
    today: Date,
    lang: &Language,
) -> String {
    let today_n = day_number(today);
    let first_monday = week_start(today_n) - (WEEKS - 1) * 7;
    // Room for the day names and the legend's words when a theme draws the
    // labels larger on small screens.
    let left = 36;
    let top = 18;
    let width = left + WEEKS * STEP;
    let height = top + 7 * STEP + 26;
    let days_practised = progress
        .days
        .range(from_day_number(first_monday)..=today)
        .count();
    let minutes: u64 = progress
        .days
        .range(from_day_number(first_monday)..=today)
        .map(|(_, a)| a.minutes)
        .sum();
    let mut svg = String::with_capacity(16 * 1024);
    let _ = write!(
        svg,
        r#"<svg class="chart heatmap" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&lang.text("chart_calendar_title", &[("subject", subject)])),
        escape(&lang.text(
            "chart_calendar_desc",
            &[
                ("date", &lang.date(today)),
                ("days", &lang.count("day_count", days_practised, &[])),
                ("minutes", &lang.count("minute_count", minutes, &[])),
            ]
        )),
    );
    for row in [0, 2, 4] {
        let name = escape(lang.weekday_short(row as usize));
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{}">{name}</text>"#,
            top + row * STEP + CELL - 1
        );
    }
    let mut last_label_col = -4;
    for col in 0..WEEKS {
        let monday = first_monday + col * 7;
        for row in 0..7 {
            let n = monday + row;
            if n > today_n {
                break;
            }
            let date = from_day_number(n);
            if date.day() == 1 && col - last_label_col >= 3 && col < WEEKS - 1 {
                let _ = write!(
                    svg,
                    r#"<text class="chart-label" x="{}" y="11">{}</text>"#,
                    left + col * STEP,
                    escape(lang.month_short(date.month()))
                );
                last_label_col = col;
            }
            let amount = progress.days.get(&date);
            let minutes = amount.map_or(0, |a| a.minutes);
            let _ = write!(
                svg,
                r#"<rect class="hm-{}" x="{}" y="{}" width="{CELL}" height="{CELL}" rx="2">"#,
                level(minutes),
                left + col * STEP,
                top + row * STEP,
            );
            if let Some(a) = amount {
                let _ = write!(
                    svg,
                    "<title>{}</title>",
                    escape(&lang.text(
                        "chart_day",
                        &[
                            ("date", &lang.date(date)),
                            ("minutes", &lang.count("minute_count", a.minutes, &[])),
                            ("sessions", &lang.count("session_count", a.sessions, &[])),
                        ]
                    ))
                );
            }
            svg.push_str("</rect>");
        }
    }
    // The legend, bottom right: Less, five squares, More.
    let legend_y = top + 7 * STEP + 10;
    let legend_x = width - 5 * STEP - 40;
    let _ = write!(
        svg,
        r#"<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
        legend_x - 4,
        legend_y + CELL - 1,
        escape(&lang.text("chart_less", &[]))
    );
    for (i, meaning) in LEVELS.iter().enumerate() {
        let meaning = escape(&lang.text(meaning, &[]));
        let _ = write!(
            svg,
            r#"<rect class="hm-{i}" x="{}" y="{legend_y}" width="{CELL}" height="{CELL}" rx="2"><title>{meaning}</title></rect>"#,
            legend_x + i as i64 * STEP
        );
    }
    let _ = write!(
        svg,
        r#"<text class="chart-label" x="{}" y="{}">{}</text></svg>"#,
        legend_x + 5 * STEP + 2,
        legend_y + CELL - 1,
        escape(&lang.text("chart_more", &[]))
    );
    svg
}

/// Minutes practised over time, as a rising step line from `start` to `today`,
/// with payoffs marked and the target, if any, as a dashed line.
pub fn cumulative(
    id: &str,
    subject: &str,
    sessions: &[Session],
    start: Date,
    today: Date,
    target_minutes: Option<u32>,
    lang: &Language,
) -> String {
    let (width, height) = (640.0, 240.0);
    // The left margin holds a four-digit minute count in labels drawn larger
    // on small screens.
    let (left, right, top, bottom) = (64.0, 16.0, 16.0, 30.0);
    let mut sessions: Vec<&Session> = sessions.iter().filter(|s| s.date <= today).collect();
    sessions.sort_by_key(|s| s.date);
    let total: u64 = sessions.iter().map(|s| u64::from(s.minutes)).sum();
    let goal = u64::from(target_minutes.unwrap_or(0));
    let y_max = nice_ceiling(total.max(goal).max(10));
    let start_n = day_number(start.min(sessions.first().map_or(start, |s| s.date)));
    let span = (day_number(today) - start_n).max(1) as f64;
    let x = |d: Date| left + (day_number(d) - start_n) as f64 / span * (width - left - right);
    let y = |m: u64| height - bottom - m as f64 / y_max as f64 * (height - top - bottom);

    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r#"<svg class="chart cumulative" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&lang.text("chart_cumulative_title", &[("subject", subject)])),
        escape(&lang.text(
            if goal > 0 {
                "chart_cumulative_desc_target"
            } else {
                "chart_cumulative_desc"
            },
            &[
                ("from", &lang.date(from_day_number(start_n))),
                ("to", &lang.date(today)),
                ("minutes", &lang.count("minute_count", total, &[])),
                ("target", &lang.number(&goal.to_string())),
            ]
        )),
    );
    for i in 0..=4 {
        let m = y_max * i / 4;
        let _ = write!(
            svg,
            r#"<line class="chart-grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="chart-label" x="{}" y="{:.1}" text-anchor="end">{m}</text>"#,
            width - right,
            left - 6.0,
            y(m) + 4.0,
            y = y(m),
        );
    }
    let _ = write!(
        svg,
        r#"<text class="chart-label" x="{left}" y="{}">{}</text><text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
        height - 8.0,
        escape(&lang.date(from_day_number(start_n))),
        width - right,
        height - 8.0,
        escape(&lang.date(today)),
    );
    if goal > 0 {
        // The label goes on the side of the target line the step line is not on
        // at the right end, where it is written, so the two never cross.
        let (label_y, baseline) = if total >= goal {
            (y(goal) + 5.0, r#" dominant-baseline="hanging""#)
        } else {
            (y(goal) - 5.0, "")
        };
        let _ = write!(
            svg,
            r#"<line class="chart-target" x1="{left}" x2="{}" y1="{gy:.1}" y2="{gy:.1}"/><text class="chart-label" x="{}" y="{label_y:.1}" text-anchor="end"{baseline}>{}</text>"#,
            width - right,
            width - right - 4.0,
            escape(&lang.text("chart_target", &[("n", &lang.number(&goal.to_string()))])),
            gy = y(goal),
        );
    }
    // The step line: flat between sessions, rising on each session's day.
    let mut path = format!("M{left:.1} {:.1}", y(0));
    let mut cum = 0;
    let mut marks = String::new();
    for s in &sessions {
        let sx = x(s.date);
        let _ = write!(path, " H{sx:.1}");
        cum += u64::from(s.minutes);
        let _ = write!(path, " V{:.1}", y(cum));
        if s.kind == Kind::Payoff {
            let _ = write!(
                marks,
                r#"<circle class="chart-payoff" cx="{sx:.1}" cy="{:.1}" r="4"><title>{}</title></circle>"#,
                y(cum),
                escape(&lang.text(
                    "chart_payoff_mark",
                    &[
                        ("date", &lang.date(s.date)),
                        ("minutes", &lang.count("minute_count", cum, &[])),
                    ]
                ))
            );
        }
    }
    let _ = write!(path, " H{:.1}", width - right);
    let area = format!("{path} V{:.1} H{left:.1} Z", y(0));
    let _ = write!(
        svg,
        r#"<path class="chart-area" d="{area}"/><path class="chart-line" d="{path}"/>{marks}</svg>"#
    );
    svg
}

/// The smallest round number (1, 2 or 5 times a power of ten, times 4 for the
/// gridlines) at or above `n`.
fn nice_ceiling(n: u64) -> u64 {
    let mut unit = 1;
    loop {
        for m in [1, 2, 5] {
            if m * unit * 4 >= n {
                return m * unit * 4;
            }
        }
        unit *= 10;
    }
}

/// A ring filled to `percent` of the way round, the number in the middle.
pub fn ring(id: &str, percent: u64, description: &str, lang: &Language) -> String {
    let r = 42.0_f64;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let filled = circumference * percent.min(100) as f64 / 100.0;
    format!(
        r#"<svg class="chart ring" viewBox="0 0 100 100" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc><circle class="ring-track" cx="50" cy="50" r="{r}"/><circle class="ring-fill" cx="50" cy="50" r="{r}" stroke-dasharray="{filled:.2} {circumference:.2}" transform="rotate(-90 50 50)"/><text class="ring-text" x="50" y="57" text-anchor="middle">{percent}%</text></svg>"#,
        escape(&lang.text("chart_ring_title", &[("n", &percent.to_string())])),
        escape(description)
    )
}

/// Six circles, one per part: filled when the write-up documents the part, with a
/// ring around it when a log entry worked on it.
pub fn anatomy(id: &str, written: [bool; 6], practised: [bool; 6], lang: &Language) -> String {
    let count = written.iter().filter(|w| **w).count();
    let parts: Vec<String> = Part::ALL
        .iter()
        .map(|p| {
            let i = *p as usize;
            let state = match (written[i], practised[i]) {
                (true, true) => "part_written_practised",
                (true, false) => "part_written",
                (false, true) => "part_practised",
                (false, false) => "part_unwritten",
            };
            lang.text(
                "chart_part_state",
                &[
                    ("part", &p.heading_in(lang)),
                    ("state", &lang.text(state, &[])),
                ],
            )
        })
        .collect();
    let mut svg = format!(
        r#"<svg class="chart anatomy-chart" viewBox="0 0 168 30" role="img" aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title>"#,
        escape(&lang.text(
            "chart_parts_title",
            &[
                ("written", &lang.count("parts_written", count, &[])),
                ("parts", &parts.join("; ")),
            ]
        ))
    );
    for p in Part::ALL {
        let i = p as usize;
        let cx = 15 + i * 27;
        let class = if written[i] {
            "part-written"
        } else {
            "part-missing"
        };
        if practised[i] {
            let _ = write!(
                svg,
                r#"<circle class="part-practised" cx="{cx}" cy="15" r="13"/>"#
            );
        }
        let _ = write!(
            svg,
            r#"<circle class="{class}" cx="{cx}" cy="15" r="9"><title>{}</title></circle><text class="part-digit" x="{cx}" y="19" text-anchor="middle">{}</text>"#,
            escape(&p.heading_in(lang)),
            i + 1
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A skill as a node of the synergy graph.
pub struct Node<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub group: &'a str,
    pub status: &'a str,
}

/// Skills as nodes in one column per field, related skills joined by curves.
/// `edges` index into `nodes`; each pair appears once.
pub fn synergy(id: &str, nodes: &[Node], edges: &[(usize, usize)], lang: &Language) -> String {
    let mut groups: Vec<&str> = nodes.iter().map(|n| n.group).collect();
    groups.sort_unstable();
    groups.dedup();
    let (col_w, row_h, top) = (190, 54, 34);
    let mut place = vec![(0, 0); nodes.len()];
    let mut rows = vec![0; groups.len()];
    for (i, n) in nodes.iter().enumerate() {
        let col = groups.iter().position(|g| *g == n.group).unwrap_or(0);
        place[i] = (col * col_w + col_w / 2, top + rows[col] * row_h + 18);
        rows[col] += 1;
    }
    let width = (groups.len() * col_w).max(col_w);
    let height = top + rows.iter().max().copied().unwrap_or(1) * row_h + 8;
    let description = if edges.is_empty() {
        lang.text("chart_no_related", &[])
    } else {
        let pairs: Vec<String> = (edges.iter())
            .map(|(a, b)| {
                let pair = [("first", nodes[*a].title), ("second", nodes[*b].title)];
                lang.text("chart_pair", &pair)
            })
            .collect();
        lang.text("chart_related", &[("pairs", &pairs.join("; "))])
    };
    let mut svg = format!(
        r#"<svg class="chart synergy" viewBox="0 0 {width} {height}" role="group" aria-labelledby="{id}-title" aria-describedby="{id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&lang.text("chart_synergy_title", &[])),
        escape(&description)
    );
    for (col, g) in groups.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text class="chart-label synergy-field" x="{}" y="14" text-anchor="middle">{}</text>"#,
            col * col_w + col_w / 2,
            escape(g)
        );
    }
    for (a, b) in edges {
        let ((x1, y1), (x2, y2)) = (place[*a], place[*b]);
        let bend = if x1 == x2 { 60 } else { 0 };
        let _ = write!(
            svg,
            r#"<path class="synergy-edge" d="M{x1} {y1} C{} {y1} {} {y2} {x2} {y2}"/>"#,
            (x1 + x2) / 2 + bend,
            (x1 + x2) / 2 + bend,
        );
    }
    for (n, (x, y)) in nodes.iter().zip(&place) {
        let label: String = if n.title.chars().count() > 24 {
            format!(
                "{}…",
                n.title.chars().take(23).collect::<String>().trim_end()
            )
        } else {
            n.title.to_string()
        };
        let _ = write!(
            svg,
            r#"<a href="{}"><circle class="synergy-node status-{}" cx="{x}" cy="{y}" r="7"/><text class="synergy-label" x="{x}" y="{}" text-anchor="middle">{}</text></a>"#,
            escape(n.url),
            escape(n.status),
            y + 21,
            escape(&label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn levels_follow_minutes() {
        assert_eq!(
            [0, 1, 15, 16, 30, 31, 60, 61].map(level),
            [0, 1, 1, 2, 2, 3, 3, 4]
        );
    }

    #[test]
    fn the_heatmap_covers_53_weeks_up_to_today() {
        let today = date(2026, 11, 23);
        let p = Progress::of(
            [Session {
                date: date(2026, 11, 20),
                minutes: 45,
                kind: Kind::Practice,
                part: None,
            }],
            today,
        );
        let svg = heatmap("h", "all skills", &p, today, &Language::english());
        // 52 full weeks plus Monday 23 November, plus five legend squares.
        assert_eq!(svg.matches("<rect").count(), 52 * 7 + 1 + 5);
        assert!(svg.contains("<title>20 November 2026: 45 minutes, 1 session</title>"));
        let svg = heatmap(
            "h",
            "tüm beceriler",
            &p,
            today,
            &Language::built_in("tr").unwrap(),
        );
        assert!(svg.contains(">Pzt</text>"), "Turkish day names");
        assert!(svg.contains(r#"class="hm-3""#));
    }

    #[test]
    fn round_axis_maxima() {
        assert_eq!(nice_ceiling(10), 20);
        assert_eq!(nice_ceiling(650), 800);
        assert_eq!(nice_ceiling(600), 800);
        assert_eq!(nice_ceiling(81), 200);
    }
}
