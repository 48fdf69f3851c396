#!/usr/bin/env bash
# site-checks.sh THEME [LANGUAGE]: builds the demo portfolio with THEME (and, when
# given, in LANGUAGE) into a scratch folder and runs the third-party checks on it:
# the Nu Html Checker on every page, Atom feeds, internal links and fragments,
# axe-core in headless Chromium on eight kinds of page, and Lighthouse (all four
# scores at least 95) on the home page, a skill page and a payoff entry; Lighthouse
# only in the demo's own language, as the others change words, not structure.
# Used by .ci/run for each theme and some languages; needs ../shared/tools.
set -euo pipefail
theme=${1:?usage: site-checks.sh THEME [LANGUAGE]}
language=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
checks="$here/../shared/tools/run"
bin="$here/target/release/skillfolio"
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A copy of the demo with only the theme changed.
cp -r "$here/content" "$here/themes" "$work/"
[ -d "$here/static" ] && cp -r "$here/static" "$work/"
sed "s/^theme = .*/theme = \"$theme\"/" "$here/site.toml" > "$work/site.toml"
if [ -n "$language" ]; then
  sed -i "s/^language = .*/language = \"$language\"/" "$work/site.toml"
fi
"$bin" --root "$work" build
base_url=$(sed -n 's/^base_url *= *"\(.*\)"/\1/p' "$work/site.toml")

bash "$checks" check_html.sh "$work/public" | tail -n 3
bash "$checks" check_feed.py "$work/public/atom.xml" "$work"/public/skills/*/atom.xml
bash "$checks" check_links.py "$work/public" --base-url "$base_url"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/public" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done
b="http://127.0.0.1:$port"
skill="perfect-omelette"
entry=$(ls -d "$work/public/skills/$skill"/*/ | head -n 1 | xargs basename)
bash "$checks" a11y.mjs "$b/" "$b/skills/" "$b/skills/$skill/" "$b/skills/$skill/$entry/" "$b/fields/cooking/" "$b/404.html" \
  "$b/payoffs/" "$b/skills/nightly-backup-script/2026-10-25-restore-drill/"
if [ -n "$language" ]; then
  echo "site-checks: $theme in $language passed"
  exit 0
fi
n=0
for page in "" "skills/$skill/" "skills/three-ball-cascade/2026-09-12-garden-party/"; do
  n=$((n + 1))
  bash "$checks" lighthouse.sh "$b/$page" --min 95 --json "$work/lighthouse-$n.json"
done
echo "site-checks: $theme passed"
