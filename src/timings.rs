//! Phase timings for benchmarks: with `SKILLFOLIO_TIMINGS=1` in the environment, each
//! phase of a build prints how long it took, the processor time it used (on every
//! core together, so a phase that keeps both cores busy shows twice its wall time)
//! and the peak memory so far, to standard error. Off by default, and never part of
//! the output.

use std::time::Instant;

pub struct Timer {
    last: std::cell::Cell<Instant>,
    last_cpu: std::cell::Cell<f64>,
    enabled: bool,
}

impl Timer {
    pub fn start() -> Timer {
        let enabled = std::env::var_os("SKILLFOLIO_TIMINGS").is_some_and(|v| v != "0");
        Timer {
            last: std::cell::Cell::new(Instant::now()),
            last_cpu: std::cell::Cell::new(if enabled { cpu_ms() } else { 0.0 }),
            enabled,
        }
    }

    /// Prints the time since the previous lap (or the start) under `phase`.
    pub fn lap(&self, phase: &str) {
        if self.enabled {
            let now = Instant::now();
            let cpu = cpu_ms();
            eprintln!(
                "timing: {phase:<22} {:>7.1} ms   cpu {:>7.1} ms   peak memory so far {} MiB",
                (now - self.last.get()).as_secs_f64() * 1000.0,
                cpu - self.last_cpu.get(),
                peak_mib()
            );
            self.last.set(now);
            self.last_cpu.set(cpu);
        }
    }
}

/// The processor time the process has used so far, user and system, on every
/// thread, in milliseconds. The kernel keeps it to the nanosecond; the process's
/// `stat` file would give it only in steps of 10 ms, as long as a small site's
/// phases.
#[cfg(target_os = "linux")]
fn cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill in.
    match unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } {
        0 => t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6,
        _ => 0.0,
    }
}

#[cfg(not(target_os = "linux"))]
fn cpu_ms() -> f64 {
    0.0
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
