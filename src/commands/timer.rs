//! The stopwatch of `log --timer`: it counts while the session goes on and
//! stops on Enter or Ctrl-C. A session stopped within its first minute was
//! most likely started by mistake, so it is written only if the user says so.

use std::io::{BufRead, IsTerminal};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What ends the wait: a line typed (Enter), Ctrl-C, or standard input closed.
enum Signal {
    Line(String),
    Interrupt,
    Closed,
}

/// How the timer ended.
pub enum Stopped {
    /// Whole minutes to write, to the nearest.
    Minutes(u32),
    /// Stopped within the first minute and not confirmed: write nothing.
    Discarded(Duration),
}

/// Runs the stopwatch. `head_start` is added to the time measured, as if it
/// had been started that much earlier (tests use it to stand for a session).
pub fn run(head_start: Duration) -> Stopped {
    let (tx, rx) = mpsc::channel();
    let lines = tx.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if lines.send(Signal::Line(line)).is_err() {
                return;
            }
        }
        let _ = lines.send(Signal::Closed);
    });
    // Only one handler per process; were one set already, Ctrl-C would still
    // stop the process, which loses only this session.
    let _ = ctrlc::set_handler(move || {
        let _ = tx.send(Signal::Interrupt);
    });
    let live = std::io::stderr().is_terminal();
    eprintln!("Timing the session. Press Enter (or Ctrl-C) to stop.");
    let start = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(_) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) if live => {
                eprint!("\r  {} ", clock(start.elapsed() + head_start));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
    let elapsed = start.elapsed() + head_start;
    if live {
        eprintln!();
    }
    let minutes = u32::try_from((elapsed.as_secs() + 30) / 60).unwrap_or(u32::MAX);
    if elapsed >= Duration::from_secs(60) {
        eprintln!("Stopped after {}.", clock(elapsed));
        return Stopped::Minutes(minutes);
    }
    eprint!(
        "Stopped after {}. Write an entry of {minutes} minute{} all the same? [y/N] ",
        clock(elapsed),
        if minutes == 1 { "" } else { "s" }
    );
    match rx.recv() {
        Ok(Signal::Line(answer)) if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") => {
            Stopped::Minutes(minutes)
        }
        _ => {
            eprintln!();
            Stopped::Discarded(elapsed)
        }
    }
}

/// `1:05:09` or `5:09`.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}
