#!/bin/sh
# Regenerates templates/node-express/files/package-lock.json.tmpl from the npm registry for
# the versions pinned in package.json.tmpl. Run from the stackpick repository root:
#   sh scripts/refresh-npm-lock.sh   (make locks)
# Needs go, and node >= 24.3 with npm first on PATH (`make locks` puts the Node.js of
# bin/tools there). Bump a dependency by editing package.json.tmpl first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
conv=$here/npm-lock-template.mjs
out=templates/node-express/files/package-lock.json.tmpl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/stackpick" ./cmd/stackpick
# With "resolved" URLs, npm ci fetches each tarball straight from the cache or the registry:
# without them it asks the registry for every package's metadata first (npm ci of the
# skeleton: 1.9 s against 3.8 s with a warm cache). npm swaps registry.npmjs.org for the
# registry a user configured (replace-registry-host), so the URLs suit mirrors too.
npmflags="--package-lock-only --ignore-scripts --no-audit --no-fund --omit-lockfile-registry-resolved=false"
# 1. The full dependency tree (with ws and @types/ws), resolved afresh.
"$tmp/stackpick" new "$tmp/ws" --yes --stack node --set name=stackpick-lock-name --set features=websocket >/dev/null
rm -f "$tmp/ws/package-lock.json"
(cd "$tmp/ws" && npm install $npmflags >/dev/null)
# 2. The same tree without them: npm prunes them from a copy of the first lockfile.
"$tmp/stackpick" new "$tmp/plain" --yes --stack node --set name=stackpick-lock-name --set features= >/dev/null
cp "$tmp/ws/package-lock.json" "$tmp/plain/package-lock.json"
(cd "$tmp/plain" && npm install $npmflags >/dev/null)
# 3. One template for both; the converter checks that it renders back to each file.
node "$conv" "$tmp/ws/package-lock.json" "$tmp/plain/package-lock.json" >"$tmp/lock.tmpl"
mv "$tmp/lock.tmpl" "$out"
echo "wrote $out"
