//! An export read as a table: its column names and its rows, each with the line
//! it starts on and where each value is in the file, so a bad value is reported
//! at its place. CSV (comma, semicolon or tab separated, as spreadsheets and
//! time trackers write it) and JSON lines read the same way.

use std::path::Path;

use crate::diagnostic::Diagnostic;

pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

pub struct Row {
    /// Each value with its byte offset in the file (the row's start when the
    /// value cannot be found in the text, e.g. one JSON had to unescape).
    pub values: Vec<(String, usize)>,
}

impl Row {
    pub fn get(&self, column: usize) -> Option<(&str, usize)> {
        self.values.get(column).map(|(v, at)| (v.trim(), *at))
    }
}

/// Reads `text`, the contents of `path`: JSON lines for `.jsonl`/`.ndjson`,
/// CSV otherwise.
pub fn read(path: &Path, text: &str) -> Result<Table, Diagnostic> {
    let json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "jsonl" | "ndjson"));
    if json {
        json_lines(path, text)
    } else {
        csv(path, text)
    }
}

/// The separator the header line uses most: comma, semicolon or tab.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&s| header.bytes().filter(|&b| b == s).count())
        .unwrap_or(b',')
}

fn csv(path: &Path, text: &str) -> Result<Table, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let broken = |e: csv::Error| {
        let offset = e.position().map_or(0, |p| p.byte() as usize);
        Diagnostic::error(format!("this is not CSV that can be read: {e}"))
            .at(path, text, offset.min(text.len()), 1)
            .hint("export the file again as CSV; a value with a comma, quote or line break in it must be in double quotes")
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(broken)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(broken)?;
        let Some(position) = record.position() else {
            continue;
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let start = position.byte() as usize;
        let raw = &text[start.min(text.len())..];
        let mut from = 0;
        let values = record
            .iter()
            .map(|value| {
                let at = match raw[from..].find(value) {
                    Some(i) if !value.is_empty() => {
                        from += i + value.len();
                        start + from - value.len()
                    }
                    _ => start,
                };
                (value.to_string(), at)
            })
            .collect();
        rows.push(Row { values });
    }
    Ok(Table { headers, rows })
}

fn json_lines(path: &Path, text: &str) -> Result<Table, Diagnostic> {
    let mut headers: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim().is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .map_err(|e| {
                Diagnostic::error(format!("this line is not a JSON object: {e}"))
                    .at(path, text, start, line.trim_end().len().max(1))
                    .hint("each line of a JSON lines file is one object, e.g. {\"date\": \"2026-10-03\", \"minutes\": 30, \"title\": \"...\"}")
            })?;
        for key in object.keys() {
            if !headers.iter().any(|h| h == key) {
                headers.push(key.clone());
            }
        }
        objects.push((start, line, object));
    }
    let rows = objects
        .into_iter()
        .map(|(start, line, object)| {
            let values = headers
                .iter()
                .map(|h| {
                    let value = match object.get(h) {
                        None | Some(serde_json::Value::Null) => String::new(),
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Array(items)) => items
                            .iter()
                            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(", "),
                        Some(other) => other.to_string(),
                    };
                    let at = line
                        .find(&value)
                        .filter(|_| !value.is_empty())
                        .map_or(start, |i| start + i);
                    (value, at)
                })
                .collect();
            Row { values }
        })
        .collect();
    Ok(Table { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_keep_their_commas_and_know_their_place() {
        let text = "Date,Minutes,Title\n2026-10-03,30,\"Fold, then roll\"\n\n2026-10-04,25,Plain\n";
        let table = read(Path::new("a.csv"), text).unwrap();
        assert_eq!(table.headers, ["Date", "Minutes", "Title"]);
        assert_eq!(table.rows.len(), 2);
        let row = &table.rows[0];
        assert_eq!(row.get(2).unwrap().0, "Fold, then roll");
        let at = row.get(2).unwrap().1;
        assert_eq!(&text[at..at + 4], "Fold");
        assert_eq!(
            table.rows[1].get(0).unwrap(),
            ("2026-10-04", text.find("2026-10-04").unwrap())
        );
    }

    #[test]
    fn semicolons_and_json_lines_read_alike() {
        let table = read(Path::new("a.csv"), "date;minutes\n2026-10-03;30\n").unwrap();
        assert_eq!(table.rows[0].get(1).unwrap().0, "30");
        let table = read(
            Path::new("a.jsonl"),
            "{\"date\": \"2026-10-03\", \"minutes\": 30}\n{\"date\": \"2026-10-04\", \"tags\": [\"a\", \"b\"]}\n",
        )
        .unwrap();
        assert_eq!(table.headers, ["date", "minutes", "tags"]);
        assert_eq!(table.rows[1].get(2).unwrap().0, "a, b");
        assert_eq!(table.rows[1].get(1).unwrap().0, "");
    }
}
