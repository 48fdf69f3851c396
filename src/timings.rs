//! Phase timings for benchmarks: with `SKILLFOLIO_TIMINGS=1` in the environment, each
//! phase of a build prints how long it took, and the peak memory so far, to standard
//! error. Off by default, and
//! never part of the output.

use std::time::Instant;

pub struct Timer {
    last: std::cell::Cell<Instant>,
    enabled: bool,
}

impl Timer {
    pub fn start() -> Timer {
        Timer {
            last: std::cell::Cell::new(Instant::now()),
            enabled: std::env::var_os("SKILLFOLIO_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    /// Prints the time since the previous lap (or the start) under `phase`.
    pub fn lap(&self, phase: &str) {
        if self.enabled {
            let now = Instant::now();
            eprintln!(
                "timing: {phase:<20} {:>7.1} ms   peak memory so far {} MiB",
                (now - self.last.get()).as_secs_f64() * 1000.0,
                peak_mib()
            );
            self.last.set(now);
        }
    }
}

/// The process's peak resident memory so far, where the system tells (Linux).
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}
