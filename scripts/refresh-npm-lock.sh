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
new() {
  "$tmp/stackpick" new "$tmp/$1-$2" --yes --stack node --set name=stackpick-lock-name \
    --set "features=$3" --set "database=$2" >/dev/null
}
# 1. The full dependency tree (websocket on, postgres: every package of every variant),
#    resolved afresh.
new on postgres websocket
rm -f "$tmp/on-postgres/package-lock.json"
(cd "$tmp/on-postgres" && npm install $npmflags >/dev/null)
# 2. Every other variant (websocket on/off x database memory/sqlite/postgres): npm prunes
#    what it does not use from a copy of the first lockfile, so the versions stay the same.
args="on:postgres=$tmp/on-postgres/package-lock.json"
for ws in on off; do
  for db in memory sqlite postgres; do
    [ "$ws:$db" = on:postgres ] && continue
    features=; [ "$ws" = on ] && features=websocket
    new "$ws" "$db" "$features"
    cp "$tmp/on-postgres/package-lock.json" "$tmp/$ws-$db/package-lock.json"
    (cd "$tmp/$ws-$db" && npm install $npmflags >/dev/null)
    args="$args $ws:$db=$tmp/$ws-$db/package-lock.json"
  done
done
# 3. One template for all six; the converter checks that it renders back to each file.
# shellcheck disable=SC2086 # the paths are under mktemp's folder: no spaces
node "$conv" $args >"$tmp/lock.tmpl"
mv "$tmp/lock.tmpl" "$out"
echo "wrote $out"
