#!/usr/bin/env python3
"""Time from saving a log entry to `serve` answering with the rebuilt page.

Starts `skillfolio serve` on a site, then edits one log entry several times (the
way an editor saves: write a temporary file, rename it over the original) and
polls the entry's page until the new text is served. Prints each latency and the
median. The entry is restored afterwards.

With `--new`, each save writes a new entry beside it instead (a copy under a
new name), which changes the site's link targets and its lists; the new entry
is removed again before the next one.

    scripts/serve_latency.py [--site DIR] [--runs 7] [--new] [--binary target/release/skillfolio]
"""

import argparse
import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default=".")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary", default="target/release/skillfolio")
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between one save being served and the next save (default 0.3)")
    parser.add_argument("--new", action="store_true",
                        help="save a new entry each time instead of editing an existing one")
    args = parser.parse_args()

    entries = sorted(glob.glob(os.path.join(args.site, "content/skills/*/log/*.md")))
    if not entries:
        sys.exit(f"no log entries under {args.site}/content/skills/*/log/")
    entry = entries[len(entries) // 2]
    skill = entry.split(os.sep)[-3].lower()
    slug = os.path.basename(entry)[:-3].lower()
    original = open(entry, encoding="utf-8").read()

    # Every rebuild prints its warnings again (the bench corpora have a hundred):
    # into a pipe they would wait on whoever reads it, so they go to a file. The
    # server appends to it and this script reads it through a file of its own:
    # sharing one file offset, a seek here moved where the server wrote next,
    # and its later warnings could overwrite the line announcing the address.
    fd, log_path = tempfile.mkstemp(prefix="serve-latency-", suffix=".log")
    os.close(fd)
    with open(log_path, "a", encoding="utf-8") as log:
        server = subprocess.Popen(
            [args.binary, "--root", args.site, "serve", "--port", "0"],
            stderr=log, stdout=subprocess.DEVNULL, text=True,
        )
    try:
        base = wait_started(server, log_path)
    finally:
        os.remove(log_path)
    latencies = []
    created = None
    try:
        for run in range(args.runs):
            marker = f"latency-marker-{run}-{time.time_ns()}"
            target, url = entry, f"{base}skills/{skill}/{slug}/"
            if args.new:
                name = f"{slug}-latency-probe-{run}"
                target = os.path.join(os.path.dirname(entry), name + ".md")
                url = f"{base}skills/{skill}/{name}/"
                created = target
            tmp = target + ".tmp~"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(original + f"\n{marker}\n")
            start = time.perf_counter()
            os.replace(tmp, target)
            while True:
                try:
                    body = urllib.request.urlopen(url).read().decode()
                except OSError as e:
                    # A connection refused or reset while polling is retried;
                    # the save is timed until the page shows it.
                    if time.perf_counter() - start > 30:
                        sys.exit(f"{url}: {e}")
                    body = ""
                if marker in body:
                    break
                time.sleep(0.002)
            latencies.append((time.perf_counter() - start) * 1000)
            print(f"run {run + 1}: {latencies[-1]:.0f} ms")
            if created:
                os.remove(created)
                created = None
                wait_gone(url)
            time.sleep(args.pause)
    finally:
        if created:
            os.remove(created)
        with open(entry, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()
    print(f"save to served page: median {statistics.median(latencies):.0f} ms over {len(latencies)} saves ({len(entries)} entries)")


def wait_started(server, log_path):
    """The address the server announces, once it is serving; exits if it stops first."""
    said = ""
    for _ in range(6000):
        with open(log_path, encoding="utf-8", errors="replace") as f:
            said = f.read()
        m = re.search(r"Serving the portfolio at (http://\S+/)", said)
        if m:
            return m.group(1)
        if server.poll() is not None:
            break
        time.sleep(0.01)
    server.terminate()
    server.wait()
    # Its first error, or the last it said, on the one line the bench shows.
    lines = [line for line in said.splitlines() if line.strip()]
    why = next((line for line in lines if line.startswith("error")), lines[-1] if lines else "")
    sys.exit(f"serve did not start (exit {server.returncode}): {why}")


def wait_gone(url):
    """Waits until the rebuild after a removal no longer serves `url`."""
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        try:
            urllib.request.urlopen(url).read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return
        except OSError:
            pass
        time.sleep(0.01)
    sys.exit(f"{url} was still served 30 s after its entry was removed")


if __name__ == "__main__":
    main()
