//! Which column of an export holds what. Time trackers name their columns
//! their own way (Toggl Track: `Start date`, `Duration`; Clockify: `Start
//! Date`, `Duration (h)`, `Duration (decimal)`), a spreadsheet another; the
//! names known here cover those and the plain form, and `--map` names the rest.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, did_you_mean};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Date,
    Time,
    /// A date and time in one value, e.g. RFC 3339.
    Start,
    Minutes,
    Hours,
    /// `hh:mm:ss` or `h:mm`.
    Duration,
    Title,
    Notes,
    Kind,
    Part,
    Tags,
    Skill,
}

/// The names `--map` takes, each with its field.
pub const FIELDS: [(&str, Field); 12] = [
    ("date", Field::Date),
    ("time", Field::Time),
    ("start", Field::Start),
    ("minutes", Field::Minutes),
    ("hours", Field::Hours),
    ("duration", Field::Duration),
    ("title", Field::Title),
    ("notes", Field::Notes),
    ("kind", Field::Kind),
    ("part", Field::Part),
    ("tags", Field::Tags),
    ("skill", Field::Skill),
];

/// The field a column holds, known by its name.
fn known(header: &str) -> Option<Field> {
    let name = header.trim().to_lowercase();
    Some(match name.as_str() {
        "date" | "start date" | "day" => Field::Date,
        "time" | "start time" => Field::Time,
        "start" | "started" | "started at" | "start_time" | "timestamp" => Field::Start,
        "minutes" | "mins" | "duration (minutes)" | "duration (min)" => Field::Minutes,
        "hours" | "duration (decimal)" | "duration (hours)" => Field::Hours,
        "duration" | "duration (h)" => Field::Duration,
        "title" | "description" => Field::Title,
        "notes" | "note" => Field::Notes,
        "kind" => Field::Kind,
        "part" => Field::Part,
        "tags" | "tag" => Field::Tags,
        "skill" | "project" => Field::Skill,
        _ => return None,
    })
}

/// Where each field is: a column index by field.
#[derive(Debug, Default)]
pub struct Columns {
    by_field: HashMap<Field, usize>,
}

impl Columns {
    /// Finds the fields among `headers`; each `map` item (`Column=field`)
    /// names one more, or overrides a known name.
    pub fn find(headers: &[String], map: &[String]) -> Result<Columns, Vec<Diagnostic>> {
        let mut by_field = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(field) = known(h) {
                by_field.entry(field).or_insert(i);
            }
        }
        let mut errors = Vec::new();
        for item in map {
            match mapping(headers, item) {
                Ok((column, field)) => {
                    by_field.retain(|_, c| *c != column);
                    by_field.insert(field, column);
                }
                Err(d) => errors.push(d),
            }
        }
        let columns = Columns { by_field };
        if errors.is_empty() && !columns.has_date() {
            errors.push(missing(headers, "a date", "date"));
        }
        if errors.is_empty() && !columns.has_duration() {
            errors.push(missing(headers, "a duration", "minutes"));
        }
        if errors.is_empty() {
            Ok(columns)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, field: Field) -> Option<usize> {
        self.by_field.get(&field).copied()
    }

    fn has_date(&self) -> bool {
        self.get(Field::Date).is_some() || self.get(Field::Start).is_some()
    }

    fn has_duration(&self) -> bool {
        [Field::Minutes, Field::Duration, Field::Hours]
            .iter()
            .any(|f| self.get(*f).is_some())
    }
}

fn mapping(headers: &[String], item: &str) -> Result<(usize, Field), Diagnostic> {
    let Some((column, field)) = item.rsplit_once('=') else {
        return Err(Diagnostic::error(format!("`--map {item}` names no field"))
            .hint("write `--map \"Column name=field\"`, e.g. `--map \"Activity=title\"`"));
    };
    let field_names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
    let wanted = field.trim().to_lowercase();
    let Some(&(_, field)) = FIELDS.iter().find(|(n, _)| *n == wanted) else {
        let near = did_you_mean(&wanted, field_names.iter().copied())
            .map_or(String::new(), |n| format!("did you mean `{n}`? "));
        return Err(Diagnostic::error(format!(
            "`--map {item}`: there is no field `{}`",
            field.trim()
        ))
        .hint(format!("{near}the fields are {}", field_names.join(", "))));
    };
    let index = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case(column.trim()));
    match index {
        Some(i) => Ok((i, field)),
        None => {
            let near = did_you_mean(column.trim(), headers.iter().map(String::as_str))
                .map_or(String::new(), |n| format!("did you mean `{n}`? "));
            Err(Diagnostic::error(format!(
                "`--map {item}`: the file has no column `{}`",
                column.trim()
            ))
            .hint(format!("{near}its columns are {}", listed(headers))))
        }
    }
}

fn missing(headers: &[String], what: &str, example: &str) -> Diagnostic {
    Diagnostic::error(format!("no column of the file gives {what}")).hint(format!(
        "its columns are {}; name the one that does with `--map \"Column={example}\"`",
        listed(headers)
    ))
}

fn listed(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &str) -> Vec<String> {
        names.split(',').map(str::to_string).collect()
    }

    #[test]
    fn toggl_and_clockify_columns_are_known_by_name() {
        let toggl = headers(
            "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount ()",
        );
        let c = Columns::find(&toggl, &[]).unwrap();
        assert_eq!(c.get(Field::Skill), Some(3));
        assert_eq!(c.get(Field::Title), Some(5));
        assert_eq!(c.get(Field::Date), Some(7));
        assert_eq!(c.get(Field::Duration), Some(11));
        let clockify = headers(
            "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,End Date,End Time,Duration (h),Duration (decimal)",
        );
        let c = Columns::find(&clockify, &[]).unwrap();
        assert_eq!(c.get(Field::Duration), Some(13));
        assert_eq!(c.get(Field::Hours), Some(14));
        assert_eq!(c.get(Field::Tags), Some(7));
    }

    #[test]
    fn map_names_other_columns_and_explains_what_it_cannot() {
        let h = headers("Day,Activity,Time spent (min)");
        let c = Columns::find(
            &h,
            &["Activity=title".into(), "time spent (min)=minutes".into()],
        )
        .unwrap();
        assert_eq!(c.get(Field::Title), Some(1));
        assert_eq!(c.get(Field::Minutes), Some(2));
        let errors = Columns::find(&h, &["Activty=title".into()]).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`--map Activty=title`: the file has no column `Activty`"
        );
        let errors = Columns::find(&h, &["Activity=titel".into()]).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`--map Activity=titel`: there is no field `titel`"
        );
        let errors = Columns::find(&headers("Day,Activity"), &[]).unwrap_err();
        assert_eq!(errors[0].message, "no column of the file gives a duration");
    }
}
