#!/usr/bin/env bash
# The peak memory of a build whose only photo declares 30000x30000 pixels in a
# file of a few dozen bytes: the build must refuse it from its header, never
# allocate what the header claims. Prints the figure; fails past 300 MiB.
# Usage: scripts/image_memory.sh [path/to/skillfolio]
set -euo pipefail
bin=${1:-target/release/skillfolio}
limit_kib=$((300 * 1024))
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
mkdir -p "$site/content/skills/juggling/log"
cat > "$site/site.toml" <<'TOML'
title = "Memory probe"
base_url = "https://example.org/"
today = 2026-10-10
[author]
name = "Probe"
TOML
printf '+++\ntitle = "Juggling"\nstarted = 2026-09-01\n+++\n\nText.\n' \
  > "$site/content/skills/juggling/index.md"
printf '+++\ntitle = "Run"\ndate = 2026-10-01\nevidence = ["../huge.png"]\n+++\n\nRun.\n' \
  > "$site/content/skills/juggling/log/2026-10-01-run.md"
python3 - "$site/content/skills/juggling/huge.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
# 8-bit RGB: 2.7 GB once decoded. One row of data is enough to look real.
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
idat = zlib.compress(b"\0" + b"\0" * 3 * 30000, 9)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
set +e
/usr/bin/time -v "$bin" --root "$site" build 2> "$site/time.txt" >/dev/null
status=$?
set -e
peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$site/time.txt")
grep -q "too large to publish" "$site/time.txt" || { cat "$site/time.txt"; echo "no located error"; exit 1; }
echo "exit status $status, peak memory $((peak / 1024)) MiB ($peak KiB); limit $((limit_kib / 1024)) MiB"
[ "$status" -eq 1 ] || { echo "expected exit 1"; exit 1; }
[ "$peak" -lt "$limit_kib" ] || { echo "over the limit"; exit 1; }
