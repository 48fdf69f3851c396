#!/usr/bin/env bash
# Builds the demo portfolio, serves it on 127.0.0.1 and takes the screenshots in
# docs/screenshots/ with headless Chromium (apt-get install chromium) driven by
# playwright-core, installed once into a cache folder outside the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PLAYWRIGHT_PREFIX:-$HOME/.cache/skillfolio-screenshots}
if [ ! -d "$prefix/node_modules/playwright-core" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error playwright-core@1.65.1
fi
cd "$here"
cargo build --release --quiet
work=$(mktemp -d)
./target/release/skillfolio build --output "$work/public" --base-url http://127.0.0.1/
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/public" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
sleep 0.5
mkdir -p docs/screenshots
PLAYWRIGHT_PREFIX="$prefix" node scripts/screenshots.mjs "http://127.0.0.1:$port/" docs/screenshots
