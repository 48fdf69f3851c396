#!/usr/bin/env python3
"""Gives a generated benchmark corpus real, never-repeated code blocks.

The shared corpus generator (../shared/bench/gen_corpus.py) draws every fenced code
block from six small templates, so the same lines come back again and again and a
build that remembers highlighted lines finds most of them already done. A real
portfolio quotes different code in each write-up. This rewrites, in place, every
fenced code block of every .md file under SITE: the fence and its language stay,
the line count stays (clamped to 5..40), and the body becomes consecutive lines of
real source found on this machine, no two blocks alike:

    rust                    *.rs under ~/.cargo/registry/src
    toml                    the crates' Cargo.toml files
    python                  the running interpreter's standard library
    bash, sh, shell, zsh    /bin/sh and /bin/bash scripts in /usr/bin, /usr/sbin, /etc
                            (and /usr/share when those are too few)
    javascript, js          *.js under /usr/share/nodejs, /usr/lib/node_modules and
                            any node_modules under /usr
    json                    the larger *.json files of those node folders and crates
    anything else           any of the above, the fence keeping its language

Choices are seeded: each block's draw depends only on the seed, the block's place
in its file and the file's path with the layout's own parts taken out
(content/skills/, log/, index.md against _index.md), and files are handled in the
order of that path. So the skillfolio, zola and hugo layouts of one corpus, given
the same seed, get identical code, and peers still build the same text.

The code is read from this machine's files, so another machine, or this one later
(after crates were added to ~/.cargo, say), gives other code for the same seed: a
rewrite leaves the seed and a fingerprint of the code in SITE/realcode.json, and
--check prints the fingerprint of what the files hold, to compare the layouts.

    scripts/realcode.py SITE [--seed 1]
    scripts/realcode.py SITE --check     # how many blocks share their text (want 0)
"""

import argparse
import glob
import hashlib
import json
import os
import re
import sys
import sysconfig
import random
import time
from collections import Counter

MIN_LINES, MAX_LINES = 5, 40
# Longer lines are minified or generated text, which nobody quotes in a write-up.
MAX_LINE_CHARS = 160
# Control characters (form feeds are common in the standard library) are not
# allowed in the XML feeds the entries also go into.
BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
# Walking and sampling a few thousand files per language is plenty for ~3,000
# blocks and keeps the start-up short.
POOL_CAP = 3000
MAX_FILE_BYTES = 200 * 1024
# Written at the corpus's root by a rewrite: the seed and the code's fingerprint.
RECORD = "realcode.json"

ALIASES = {
    "rust": "rust", "rs": "rust",
    "python": "python", "py": "python", "python3": "python",
    "bash": "bash", "sh": "bash", "shell": "bash", "zsh": "bash",
    "javascript": "javascript", "js": "javascript", "mjs": "javascript", "cjs": "javascript",
    "json": "json", "jsonc": "json",
    "toml": "toml",
}

HOME = os.path.expanduser("~")
CARGO_SRC = os.path.join(HOME, ".cargo", "registry", "src")
NODE_ROOTS = ["/usr/share/nodejs", "/usr/lib/node_modules"]


# --------------------------------------------------------------------------
# Candidate files
# --------------------------------------------------------------------------

def walk(root, keep, prune=()):
    """Paths under `root` whose name `keep` accepts, skipping folders named in `prune`."""
    out = []
    for d, dirs, names in os.walk(root, onerror=lambda e: None):
        dirs[:] = [x for x in dirs if x not in prune]
        out.extend(os.path.join(d, n) for n in names if keep(n))
    return out


def sized(paths, lo=1, hi=MAX_FILE_BYTES):
    """The regular files of `paths` between lo and hi bytes."""
    out = []
    for p in paths:
        try:
            if os.path.isfile(p) and lo <= os.path.getsize(p) <= hi:
                out.append(p)
        except OSError:
            pass
    return out


def capped(paths):
    """Sorted, then evenly thinned to POOL_CAP: sorted so every run sees the same
    list, evenly so no one crate or package dominates."""
    paths = sorted(set(paths))
    step = -(-len(paths) // POOL_CAP) or 1
    return paths[::step]


def node_dirs():
    """The known node folders plus any node_modules under /usr (found without
    descending into them: their own files are walked later)."""
    found = [d for d in NODE_ROOTS if os.path.isdir(d)]
    for d, dirs, _ in os.walk("/usr", onerror=lambda e: None):
        if d in NODE_ROOTS:
            dirs[:] = []
            continue
        if "node_modules" in dirs:
            found.append(os.path.join(d, "node_modules"))
            dirs.remove("node_modules")
    return sorted(set(found))


def is_shell_script(path):
    """A readable text file that starts as a /bin/sh or /bin/bash script."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE_BYTES:
            return False
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith((b"#!/bin/sh", b"#!/bin/bash")) and b"\0" not in head


def rust_files():
    return capped(sized(walk(CARGO_SRC, lambda n: n.endswith(".rs")), lo=512))


def toml_files():
    return capped(sized(glob.glob(os.path.join(CARGO_SRC, "*", "*", "Cargo.toml"))))


def python_files():
    stdlib = sysconfig.get_paths()["stdlib"]
    return capped(sized(walk(stdlib, lambda n: n.endswith(".py"),
                             prune=("site-packages", "dist-packages", "__pycache__")), lo=512))


def bash_files():
    paths = []
    for root in ("/usr/bin", "/usr/sbin", "/etc"):
        paths += [p for p in walk(root, lambda n: True) if is_shell_script(p)]
    if len(paths) < 50:
        # Only scripts-looking names: reading the head of every file under
        # /usr/share would take longer than the rest of the run.
        paths += [p for p in walk("/usr/share", lambda n: n.endswith(".sh") or "." not in n,
                                  prune=("locale", "man", "doc", "icons", "fonts"))
                  if is_shell_script(p)]
    return capped(paths)


def javascript_files():
    paths = []
    for d in node_dirs():
        paths += walk(d, lambda n: n.endswith((".js", ".mjs", ".cjs")) and ".min." not in n)
    return capped(sized(paths, lo=512))


def json_files():
    paths = []
    for d in node_dirs() + [CARGO_SRC]:
        paths += walk(d, lambda n: n.endswith(".json"))
    # Small ones (.cargo_vcs_info.json, one-line manifests) cannot fill a block.
    big = sized(paths, lo=1024)
    return capped(big if len(big) >= 20 else sized(paths))


FINDERS = {"rust": rust_files, "toml": toml_files, "python": python_files,
           "bash": bash_files, "javascript": javascript_files, "json": json_files}


class Pools:
    """Candidate files per language, each list built on first use, and the lines
    of every file read so far."""

    def __init__(self):
        self.files = {}
        self.text = {}

    def of(self, kind):
        if kind not in self.files:
            self.files[kind] = FINDERS[kind]()
            if not self.files[kind]:
                sys.exit(f"realcode: no {kind} source files found on this machine")
        return self.files[kind]

    def lines(self, path):
        if path not in self.text:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    text = f.read()
                # Split on newlines only: str.splitlines also breaks at form feeds.
                self.text[path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            except (OSError, UnicodeDecodeError):
                self.text[path] = []
        return self.text[path]


# --------------------------------------------------------------------------
# Drawing snippets
# --------------------------------------------------------------------------

def usable(chunk):
    """False for a snippet that would break out of its fence, is all blank, or
    holds lines no write-up would quote."""
    if not chunk[0].strip() or not any(l.strip() for l in chunk):
        return False
    for l in chunk:
        if "```" in l or l.lstrip().startswith("~~~") or len(l) > MAX_LINE_CHARS or BAD_CHARS.search(l):
            return False
    return True


def draw(rng, pools, kind, n, used):
    """`n` consecutive lines of a file of language `kind` (any language for None)
    whose text no earlier block has; recorded in `used`."""
    for attempt in range(400):
        k = kind or rng.choice(sorted(FINDERS))
        files = pools.of(k)
        lines = pools.lines(rng.choice(files))
        # Short files are tried again; late on, a shorter block will do.
        want = n if attempt < 200 else min(n, max(MIN_LINES, len(lines)))
        if len(lines) < want:
            continue
        start = rng.randrange(len(lines) - want + 1)
        chunk = [l.rstrip() for l in lines[start:start + want]]
        while chunk and not chunk[-1]:
            chunk.pop()
        if len(chunk) < MIN_LINES or not usable(chunk):
            continue
        text = "\n".join(chunk)
        if text in used:
            continue
        used.add(text)
        return chunk
    sys.exit(f"realcode: could not find a fresh {kind or 'any'} snippet of {n} lines")


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")


def blocks(lines):
    """(open line index, close line index, indent, info string) of each closed
    fenced code block, in order (CommonMark's rules, enough for these files)."""
    out, i = [], 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            fence = m.group(2)
            close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{%d,}[ \t]*$" % len(fence))
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if j == len(lines):
                break  # unclosed: runs to the end of the file; left alone
            out.append((i, j, m.group(1), m.group(3).strip()))
            i = j + 1
        else:
            i += 1
    return out


def language(info):
    """The fence's language as a pool name, or None for any other."""
    word = re.split(r"[\s,{}]", info.lstrip("{."), maxsplit=1)[0].lower() if info else ""
    return ALIASES.get(word)


def layout_key(rel):
    """The same name for one entry in all three layouts: skillfolio keeps entries
    in content/skills/<skill>/log/<date>-<slug>.md and the write-up in index.md,
    zola and hugo in content/skills/<skill>/<date>-<slug>.md and _index.md."""
    parts = rel.replace(os.sep, "/").split("/")
    if parts[:2] == ["content", "skills"]:
        parts = parts[2:]
    if len(parts) == 3 and parts[1] == "log":
        parts = [parts[0], parts[2]]
    if parts[-1] == "index.md":
        parts[-1] = "_index.md"
    return "/".join(parts)


def markdown_files(site):
    """(layout key, path) of every .md file under `site`, in key order."""
    found = []
    for d, dirs, names in os.walk(site):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x not in ("public", "output")]
        for n in names:
            if n.endswith(".md"):
                path = os.path.join(d, n)
                found.append((layout_key(os.path.relpath(path, site)), path))
    keys = Counter(k for k, _ in found)
    clash = [k for k, c in keys.items() if c > 1]
    if clash:
        sys.exit(f"realcode: two files map to the same key, e.g. {clash[0]}")
    return sorted(found)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read().split("\n")


def add_to(digest, key, lines):
    """Feeds the file's code blocks (their key, place, fence info and text) to
    `digest`: equal digests mean the layouts quote the same code in the same entries."""
    for i, (s, e, _, info) in enumerate(blocks(lines)):
        digest.update(f"{key}\0{i}\0{info}\0".encode())
        digest.update("\n".join(lines[s + 1:e]).encode() + b"\0")


def rewrite(site, seed):
    pools, used, digest = Pools(), set(), hashlib.sha256()
    files = changed = rewritten = code_lines = 0
    for key, path in markdown_files(site):
        files += 1
        lines = read(path)
        found = blocks(lines)
        if not found:
            continue
        out, last = [], 0
        for i, (start, end, indent, info) in enumerate(found):
            n = min(MAX_LINES, max(MIN_LINES, end - start - 1))
            rng = random.Random(f"{seed}:{key}:{i}")
            chunk = draw(rng, pools, language(info), n, used)
            out += lines[last:start + 1] + [indent + l if l else l for l in chunk]
            last = end
            rewritten += 1
            code_lines += len(chunk)
        out += lines[last:]
        add_to(digest, key, out)
        if out != lines:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write("\n".join(out))
            changed += 1
    # Kept with the corpus, so whoever times it can tell that the copies for the
    # peers (made by another run, maybe after the machine's crates changed) hold
    # the same code: compare the fingerprints.
    with open(os.path.join(site, RECORD), "w", encoding="utf-8") as f:
        json.dump({"seed": seed, "blocks": rewritten, "code_lines": code_lines,
                   "fingerprint": digest.hexdigest()}, f, indent=1)
        f.write("\n")
    return files, changed, rewritten, len(used), code_lines, digest.hexdigest()


def check(site):
    """Counts of (blocks, blocks whose text another block also has, distinct
    blocks, code lines, distinct non-blank lines: what a memo of highlighted lines
    would have to do at least) and the fingerprint of the code."""
    texts, code_lines, seen, digest = [], 0, set(), hashlib.sha256()
    for key, path in markdown_files(site):
        lines = read(path)
        add_to(digest, key, lines)
        for s, e, _, _ in blocks(lines):
            texts.append("\n".join(lines[s + 1:e]))
            code_lines += e - s - 1
            seen.update(l for l in lines[s + 1:e] if l.strip())
    counts = Counter(texts)
    shared = sum(c for c in counts.values() if c > 1)
    return len(texts), shared, len(counts), code_lines, len(seen), digest.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", help="a corpus written by gen_corpus.py (any --format)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="only report blocks that share their text")
    args = ap.parse_args()
    if not os.path.isdir(args.site):
        sys.exit(f"realcode: {args.site} is not a folder")
    began = time.monotonic()
    if args.check:
        total, shared, distinct, lines, distinct_lines, fingerprint = check(args.site)
        print(f"{total} code blocks, {distinct} distinct, {shared} share their text with another; "
              f"{lines} code lines, {distinct_lines} distinct non-blank lines; fingerprint {fingerprint[:16]}")
        sys.exit(1 if shared else 0)
    files, changed, rewritten, distinct, lines, fingerprint = rewrite(args.site, args.seed)
    print(f"{changed} of {files} files changed, {rewritten} blocks rewritten, {distinct} distinct, "
          f"{lines} code lines; fingerprint {fingerprint[:16]} ({time.monotonic() - began:.1f} s)")


if __name__ == "__main__":
    main()
