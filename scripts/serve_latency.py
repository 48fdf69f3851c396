#!/usr/bin/env python3
"""Time from saving a log entry to `serve` answering with the rebuilt page.

Starts `skillfolio serve` on a site, then edits one log entry several times (the
way an editor saves: write a temporary file, rename it over the original) and
polls the entry's page until the new text is served. Prints each latency and the
median. The entry is restored afterwards.

    scripts/serve_latency.py [--site DIR] [--runs 7] [--binary target/release/skillfolio]
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
import urllib.request


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default=".")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary", default="target/release/skillfolio")
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between one save being served and the next save (default 0.3)")
    args = parser.parse_args()

    entries = sorted(glob.glob(os.path.join(args.site, "content/skills/*/log/*.md")))
    if not entries:
        sys.exit(f"no log entries under {args.site}/content/skills/*/log/")
    entry = entries[len(entries) // 2]
    skill = entry.split(os.sep)[-3].lower()
    slug = os.path.basename(entry)[:-3].lower()
    original = open(entry, encoding="utf-8").read()

    # Every rebuild prints its warnings again (the bench corpora have a hundred):
    # into a pipe they would wait on whoever reads it, so they go to a file.
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [args.binary, "--root", args.site, "serve", "--port", "0"],
        stderr=log, stdout=subprocess.DEVNULL, text=True,
    )
    base = None
    for _ in range(6000):
        log.seek(0)
        m = re.search(r"Serving the portfolio at (http://\S+/)", log.read())
        if m:
            base = m.group(1)
            break
        if server.poll() is not None:
            break
        time.sleep(0.01)
    if base is None:
        sys.exit("serve did not start")
    url = f"{base}skills/{skill}/{slug}/"
    latencies = []
    try:
        for run in range(args.runs):
            marker = f"latency-marker-{run}-{time.time_ns()}"
            tmp = entry + ".tmp~"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(original + f"\n{marker}\n")
            start = time.perf_counter()
            os.replace(tmp, entry)
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
            time.sleep(args.pause)
    finally:
        with open(entry, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()
    print(f"save to served page: median {statistics.median(latencies):.0f} ms over {len(latencies)} saves ({len(entries)} entries)")


if __name__ == "__main__":
    main()
