#!/usr/bin/env python3
"""Recounts each skill's numbers from the log files and compares them with the
built skill pages: sessions, minutes, payoffs and the longest streak. An
independent check (plain Python, no skillfolio code) that the pages tell the truth.

    scripts/verify_numbers.py [--site .] [--public public] [--today YYYY-MM-DD]
"""
import argparse
import datetime as dt
import glob
import os
import re
import sys
import tomllib


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    parts = text.split("+++")
    return tomllib.loads(parts[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", default=".")
    ap.add_argument("--public", default="public")
    ap.add_argument("--today", default=dt.date.today().isoformat())
    args = ap.parse_args()
    today = dt.date.fromisoformat(args.today)
    failures = 0
    for index in sorted(glob.glob(os.path.join(args.site, "content/skills/*/index.md"))):
        skill_dir = os.path.dirname(index)
        slug = os.path.basename(skill_dir)
        if front_matter(index).get("draft"):
            continue
        sessions, minutes, payoffs, days = 0, 0, 0, set()
        for entry in glob.glob(os.path.join(skill_dir, "log/*.md")):
            fm = front_matter(entry)
            date = fm["date"]
            day = date if isinstance(date, dt.date) and not isinstance(date, dt.datetime) else dt.date.fromisoformat(str(date)[:10])
            if fm.get("draft") or day > today:
                continue
            sessions += 1
            minutes += fm.get("minutes", 0)
            payoffs += fm.get("kind") == "payoff"
            days.add(day)
        longest, run, prev = 0, 0, None
        for d in sorted(days):
            run = run + 1 if prev and (d - prev).days == 1 else 1
            longest, prev = max(longest, run), d
        page = open(os.path.join(args.public, "skills", slug, "index.html"), encoding="utf-8").read()
        shown = {
            name: int(m.group(1))
            for name in ["Sessions", "Minutes", "Payoffs", "Longest streak"]
            if (m := re.search(rf"<dt>{name}</dt><dd>(\d+)", page))
        }
        expected = {"Sessions": sessions, "Minutes": minutes, "Payoffs": payoffs, "Longest streak": longest}
        ok = shown == expected
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {slug}: {expected}" + ("" if ok else f" but the page shows {shown}"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
