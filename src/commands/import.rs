//! `skillfolio import FILE`: sessions from a time tracker's export or a
//! spreadsheet become log entries; `--dry-run` shows them first.

use std::path::{Path, PathBuf};

use skillfolio::import::{self, DateOrder, Options};

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// A CSV export (Toggl Track, Clockify, a spreadsheet) or a JSON lines file.
    file: PathBuf,
    /// Import every row into this skill, whatever its project column says.
    #[arg(long, short)]
    skill: Option<String>,
    /// Show the entries the import would write, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Name a column the import does not know by name: "Column=field", where the
    /// field is date, time, start, minutes, hours, duration, title, notes, kind,
    /// part, tags or skill. Repeatable.
    #[arg(long, value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Read days written like 04/10/2026 as day first (4 October).
    #[arg(long, conflicts_with = "month_first")]
    day_first: bool,
    /// Read days written like 04/10/2026 as month first (10 April).
    #[arg(long)]
    month_first: bool,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let options = Options {
        skill: args.skill,
        map: args.map,
        order: match (args.day_first, args.month_first) {
            (true, _) => Some(DateOrder::DayFirst),
            (_, true) => Some(DateOrder::MonthFirst),
            _ => None,
        },
    };
    let plan = match import::plan(root, &args.file, &options) {
        Ok(plan) => plan,
        Err(errors) => {
            let mut report = Report::default();
            let n = errors.len();
            report.diagnostics.extend(errors);
            report.closing.push(format!(
                "Nothing was imported: {n} problem{} in {}.",
                if n == 1 { "" } else { "s" },
                args.file.display()
            ));
            return Err(report);
        }
    };
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut report = Report::default();
    let already = match plan.already {
        0 => String::new(),
        1 => "; 1 row was imported before".to_string(),
        n => format!("; {n} rows were imported before"),
    };
    let count = |n: usize| format!("{n} entr{}", if n == 1 { "y" } else { "ies" });
    if args.dry_run {
        for e in &plan.entries {
            println!(
                "{}  ({}, {} min, {})",
                shown(&e.path),
                e.date,
                e.minutes,
                e.title
            );
        }
        report.closing.push(format!(
            "Dry run: {} would be written{already}. Nothing was written.",
            count(plan.entries.len())
        ));
        return Ok(report);
    }
    if let Err(d) = import::write(&plan) {
        report.diagnostics.push(d);
        return Err(report);
    }
    for e in &plan.entries {
        println!("{}", shown(&e.path));
    }
    report
        .closing
        .push(format!("Imported {}{already}.", count(plan.entries.len())));
    Ok(report)
}
