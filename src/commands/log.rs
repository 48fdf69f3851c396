//! `skillfolio log SKILL "Title"`: a dated log entry, written in seconds.

use std::io::{IsTerminal, Read};
use std::path::Path;

use skillfolio::content::{Kind, Part};
use skillfolio::diagnostic::Diagnostic;
use skillfolio::scaffold::{LogEntry, LogEvidence};

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// The skill: its folder name under content/skills/.
    skill: String,
    /// What the session was, e.g. "First fold without tearing".
    title: String,
    /// Minutes practised.
    #[arg(long, short)]
    minutes: Option<u32>,
    /// Time the session now: a stopwatch runs until Enter or Ctrl-C, and the
    /// entry gets the minutes it measured. Notes then come from --message or --edit.
    #[arg(long, conflicts_with = "minutes")]
    timer: bool,
    /// Seconds the timer counts as already gone (for tests).
    #[arg(long, hide = true, requires = "timer", default_value_t = 0)]
    timer_head_start: u64,
    /// What kind of session it was.
    #[arg(long, short, value_parser = Kind::KEYS)]
    kind: Option<String>,
    /// Which of the six parts it worked on.
    #[arg(long, short, value_parser = Part::KEYS)]
    part: Option<String>,
    /// The day of the session (default: today), as YYYY-MM-DD.
    #[arg(long, short)]
    date: Option<String>,
    /// A photo, video or other file (copied beside the skill) or a URL. Repeatable.
    #[arg(long, short)]
    evidence: Vec<String>,
    /// What the evidence shows, for those who cannot see it. Repeatable: the
    /// first `--alt` describes the first `--evidence`, and so on.
    #[arg(long)]
    alt: Vec<String>,
    /// A caption shown under the evidence. Repeatable, in the order of `--evidence`.
    #[arg(long)]
    caption: Vec<String>,
    /// The notes. Without it, notes are read from standard input when it is not a
    /// terminal.
    #[arg(long, conflicts_with = "edit")]
    message: Option<String>,
    /// Open the new entry in $VISUAL or $EDITOR.
    #[arg(long)]
    edit: bool,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let today = skillfolio::today(root);
    let date = match args.date.as_deref().map(skillfolio::scaffold::read_date) {
        Some(Err(d)) => return Err(d.into()),
        Some(Ok(date)) => Some(date),
        None => None,
    };
    // Everything that can be wrong is found before the timer runs, not after a
    // session whose length would then be lost.
    let evidence = evidence(args.evidence, args.alt, args.caption)?;
    if args.timer {
        skillfolio::scaffold::find_skill(&root.join("content/skills"), &args.skill)?;
    }
    let minutes = if args.timer {
        match super::timer::run(std::time::Duration::from_secs(args.timer_head_start)) {
            super::timer::Stopped::Minutes(m) => Some(m),
            super::timer::Stopped::Discarded(after) => {
                let mut report = Report::default();
                report.closing.push(format!(
                    "Stopped after {}: nothing was written.",
                    super::timer::clock(after)
                ));
                return Ok(report);
            }
        }
    } else {
        args.minutes
    };
    let body = match args.message {
        Some(m) => Some(m),
        // With the timer, standard input is the stop key, not the notes.
        None if !args.edit && !args.timer && !std::io::stdin().is_terminal() => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .ok()
                .map(|_| text)
        }
        None => None,
    };
    let entry = LogEntry {
        minutes,
        kind: args.kind.as_deref().and_then(Kind::from_key),
        part: args.part.as_deref().and_then(Part::from_key),
        date,
        evidence,
        body,
        ..LogEntry::default()
    };
    let path = match skillfolio::scaffold::log_entry(root, &args.skill, &args.title, &entry, today)
    {
        Ok(path) => path,
        Err(d) => {
            let mut report = Report::from(d);
            if let (true, Some(m)) = (args.timer, minutes) {
                report.closing.push(format!(
                    "The session measured {m} minutes: log it with `--minutes {m}` once the problem is fixed."
                ));
            }
            return Err(report);
        }
    };
    let mut report = Report::default();
    if let Some(date) = date.filter(|d| *d > today) {
        // Written all the same: a session planned ahead is a fair thing to log.
        let d = Diagnostic::warning(format!(
            "{date} is after today ({today}): the entry counts in no number until that day"
        ))
        .hint("if the session was today, leave out `--date`; `today` in site.toml, when set, fixes what today is");
        report.diagnostics.push(d);
    }
    println!("{}", path.display());
    if args.edit {
        let editor = std::env::var("VISUAL")
            .or_else(|_| std::env::var("EDITOR"))
            .unwrap_or_else(|_| "vi".to_string());
        let mut words = editor.split_whitespace();
        let program = words.next().unwrap_or("vi");
        let status = std::process::Command::new(program)
            .args(words)
            .arg(&path)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            report.diagnostics.push(Diagnostic::error(format!(
                "could not run the editor `{editor}`; the entry is written at {}",
                path.display()
            )));
            return Err(report);
        }
    }
    Ok(report)
}

/// Pairs each `--alt` and `--caption` with the `--evidence` in the same place.
fn evidence(
    src: Vec<String>,
    alt: Vec<String>,
    caption: Vec<String>,
) -> Result<Vec<LogEvidence>, Diagnostic> {
    for (flag, n) in [("--alt", alt.len()), ("--caption", caption.len())] {
        if n > src.len() {
            return Err(Diagnostic::error(format!(
                "{n} `{flag}` given for {} `--evidence`",
                src.len()
            ))
            .hint(format!(
                "each `{flag}` goes with the `--evidence` in the same place: `--evidence photo.jpg {flag} \"...\"`"
            )));
        }
    }
    let (mut alt, mut caption) = (alt.into_iter(), caption.into_iter());
    Ok(src
        .into_iter()
        .map(|src| LogEvidence {
            src,
            alt: alt.next(),
            caption: caption.next(),
        })
        .collect())
}
