#!/usr/bin/env python3
"""Build-speed benchmark: skillfolio against the floor and, when installed, Hugo.

Generates the benchmark portfolios with bench/gen_corpus.py, then for each size
builds them several times, alternating tools, and prints the median wall time, CPU
time and peak memory (from /usr/bin/time), the ratio to Hugo, and the distance to
the floor (benches/floor.rs). Preview cards are turned off for the comparison, since
neither Hugo nor the floor draws any, and measured on their own. Also times serve:
saving one entry to the page being served. Nothing here is a test; the figures go
into docs/performance.md.

    scripts/bench.py [--sizes small,medium,large] [--runs 5] [--work /tmp/skillfolio-bench]
    scripts/bench.py --quiet-disk [--sizes large] [--runs 3]

With --quiet-disk only cold builds are timed (skillfolio, the floor and Hugo), each
into a folder of its own, and nothing is removed until every run is done: the
figures of a disk that has not just freed a large output. Start it when nothing
large was removed in the last five minutes; it needs room for every run's output
of every size at once.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"small": (20, 10), "medium": (100, 20), "large": (200, 50), "xl": (800, 50)}
BIN = os.path.join(HERE, "target/release/skillfolio")


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak MiB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M"] + cmd, cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    wall, user, system, kib = float(line[1]), float(line[2]), float(line[3]), int(line[4])
    return wall, user + system, kib / 1024


def warm(*paths):
    """Reads every file under `paths` (and the programs) so the next timed run finds
    them in the page cache. This machine's cache gives up a third of a corpus within
    a minute; without this, whichever tool runs first would wait on the disk for
    the others too."""
    for path in paths + (BIN, shutil.which("hugo") or BIN):
        files = [path] if os.path.isfile(path) else (
            os.path.join(d, f) for d, _, names in os.walk(path) for f in names)
        for f in files:
            try:
                with open(f, "rb") as fh:
                    while fh.read(1 << 20):
                        pass
            except OSError:
                pass


def median(rows):
    return tuple(statistics.median(col) for col in zip(*rows))


def row(size, tool, runs, note=""):
    """Prints the medians of `runs` (wall, CPU, peak) as one line of the table."""
    wall, cpu, peak = median(runs)
    print(f"{size:8} {tool:22} {wall:7.2f} {cpu:7.2f} {peak:9.0f}  {note}".rstrip())


def cold_note(cold, floors, line_floors, peer):
    """The cold build against both floors and, when it ran, Hugo."""
    c, floor_s, lines_s = median(cold)[0], statistics.median(floors), statistics.median(line_floors)
    note = f"{c / floor_s:.2f}x the floor ({floor_s:.2f} s), {c / lines_s:.2f}x with --lines ({lines_s:.2f} s)"
    if peer:
        p = median(peer)[0]
        note += f"; Hugo {p:.2f} s, {p / c:.1f}x slower"
    return note


def set_cards(site, on):
    """Preview cards on or off: off matches the work Hugo and the floor do."""
    path = os.path.join(site, "site.toml")
    with open(path) as f:
        lines = [l for l in f.read().splitlines(True) if not l.startswith("social_cards")]
    with open(path, "w") as f:
        f.write(f"social_cards = {'true' if on else 'false'}\n" + "".join(lines))


def clear(*dirs):
    """Removes `dirs` and waits for the disk to settle: freeing a large folder keeps
    the disk busy for a while after, which would slow whatever is timed next."""
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
    os.sync()
    time.sleep(1)


def run_floor(site, out, keep=False, beside=None, lines=False):
    """Seconds the floor benchmark takes for `site`, writing as much as `out` holds
    (beside `out`, or beside `beside`); with `lines`, remembering highlighted lines
    as the build does."""
    floor = subprocess.run(["cargo", "bench", "--quiet", "--bench", "floor", "--", site, out]
                           + (["--keep"] if keep else []) + (["--lines"] if lines else [])
                           + (["--beside", beside] if beside else []), cwd=HERE,
                           capture_output=True, text=True).stdout.strip()
    return float(floor.split(" in ")[-1].split()[0]) if " in " in floor else float("nan")


def quiet_disk(args, hugo):
    """Cold builds of skillfolio, the floor and Hugo in turn, each into a new folder,
    with no removal between timed runs; everything is removed at the end."""
    print(f"{'corpus':8} {'tool (quiet disk)':22} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}  notes")
    done = []
    for size in args.sizes.split(","):
        site = os.path.join(args.work, size)
        hugo_site = site + "-hugo"
        set_cards(site, False)
        runs = os.path.join(args.work, f"{size}-quiet")
        if os.path.exists(runs):
            sys.exit(f"remove {runs} (left by an interrupted run), then wait five minutes")
        os.makedirs(runs)
        cold, peer, floors, line_floors = [], [], [], []
        # What the floor writes as much of: an untimed build's output.
        reference = os.path.join(runs, "reference", "out")
        os.makedirs(os.path.dirname(reference))
        timed([BIN, "--root", site, "build", "--no-cache", "--output", reference])
        for i in range(args.runs):
            # A folder per run, so each build also starts without a code cache.
            out = os.path.join(runs, str(i), "out")
            os.makedirs(os.path.dirname(out))
            # The first writer in a round reads the file system's records of free
            # space from the disk, and the next ones find them cached: the build
            # and the two floors take turns at going first (a --runs that three
            # divides is fairest). The floors write where the round's build does.
            tools = [(None, cold), (False, floors), (True, line_floors)]
            for lines, times in tools[i % 3:] + tools[:i % 3]:
                warm(site)
                if lines is None:
                    times.append(timed([BIN, "--root", site, "build", "--output", out]))
                else:
                    times.append(run_floor(site, reference, keep=True, beside=out, lines=lines))
            if hugo:
                warm(hugo_site)
                peer.append(timed([hugo, "--quiet", "--source", hugo_site,
                                   "--destination", os.path.join(runs, str(i), "hugo")]))
        row(size, "skillfolio cold", cold, cold_note(cold, floors, line_floors, peer))
        if peer:
            row(size, "hugo", peer)
        # Removed only once every size is measured, so none is measured just
        # after a removal.
        done.append(runs)
    clear(*done)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--runs", type=int, help="rounds per size (default 5; 3 with --quiet-disk)")
    ap.add_argument("--work", default="/tmp/skillfolio-bench")
    ap.add_argument("--quiet-disk", action="store_true", help="cold builds only, no removal between runs")
    args = ap.parse_args()
    if args.runs is None:
        args.runs = 3 if args.quiet_disk else 5
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    hugo = shutil.which("hugo")
    os.makedirs(args.work, exist_ok=True)
    if args.quiet_disk:
        missing = [s for s in args.sizes.split(",") if not os.path.isdir(os.path.join(args.work, s))]
        if missing:
            sys.exit(f"generate the corpora first (a run without --quiet-disk): {', '.join(missing)}")
        quiet_disk(args, hugo)
        return
    print(f"{'corpus':8} {'tool':22} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}  notes")
    for size in args.sizes.split(","):
        skills, entries = SIZES[size]
        site = os.path.join(args.work, size)
        if not os.path.isdir(site):
            subprocess.run([sys.executable, os.path.join(HERE, "bench/gen_corpus.py"), "--skills", str(skills),
                            "--entries", str(entries), "--out", site, "--format", "skillfolio"], check=True,
                           stdout=subprocess.DEVNULL)
        hugo_site = site + "-hugo"
        if hugo and not os.path.isdir(hugo_site):
            subprocess.run([sys.executable, os.path.join(HERE, "bench/gen_corpus.py"), "--skills", str(skills),
                            "--entries", str(entries), "--out", hugo_site, "--format", "hugo"], check=True,
                           stdout=subprocess.DEVNULL)
        out = os.path.join(args.work, f"{size}-out")
        cache = os.path.join(args.work, ".skillfolio-cache")
        cold, warm_runs, peer, cards, floors, line_floors = [], [], [], [], [], []
        for _ in range(args.runs):
            set_cards(site, True)
            clear(out, cache)
            warm(site)
            cards.append(timed([BIN, "--root", site, "build", "--output", out]))
            set_cards(site, False)
            clear(out, cache)
            warm(site)
            cold.append(timed([BIN, "--root", site, "build", "--output", out]))
            warm(site, cache)
            warm_runs.append(timed([BIN, "--root", site, "build", "--output", out]))
            # The floor in the same round, so both see the same disk, and after a
            # removal of the same size as the cold build's: on a disk that discards
            # freed blocks, writing just after a large removal is several times slower.
            junk = out + ".junk"
            for lines, times in ((False, floors), (True, line_floors)):
                shutil.copytree(out, junk)
                clear(junk)
                warm(site)
                times.append(run_floor(site, out, lines=lines))
            if hugo:
                clear(os.path.join(hugo_site, "public"))
                warm(hugo_site)
                peer.append(timed([hugo, "--quiet", "--source", hugo_site]))
        row(size, "skillfolio cold", cold, cold_note(cold, floors, line_floors, peer))
        row(size, "skillfolio warm", warm_runs, "cache present, content unchanged")
        row(size, "skillfolio cold, cards", cards, "the default: a preview card per skill and payoff too")
        if peer:
            row(size, "hugo", peer)
    for size in args.sizes.split(","):
        site = os.path.join(args.work, size)
        latency = subprocess.run([sys.executable, os.path.join(HERE, "scripts/serve_latency.py"), "--site", site,
                                  "--binary", BIN, "--runs", "7"], capture_output=True, text=True).stdout
        print(f"{size:8} serve: {latency.strip().splitlines()[-1]}")
    latency = subprocess.run([sys.executable, os.path.join(HERE, "scripts/serve_latency.py"), "--site", HERE,
                              "--binary", BIN, "--runs", "7"], capture_output=True, text=True).stdout
    print(f"{'demo':8} serve: {latency.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
