#!/usr/bin/env bash
# Regenerates templates/python-fastapi/files/uv.lock.tmpl from the template's own
# pyproject.toml.tmpl, then checks that `uv lock --locked` accepts every variant.
#
#   scripts/refresh-uv-lock.sh [--upgrade]  (run from the repository root; make locks)
#
# Needs: go, uv (pip install uv) on PATH. Network: PyPI only.
set -euo pipefail
root=$(pwd)
tpl="$root/templates/python-fastapi/files"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/stackpick" ./cmd/stackpick

# 1. Lock the websocket variant (a superset of the other) under a placeholder name.
"$work/stackpick" new "$work/ws" --yes --stack python --set name=demo-app \
    --set features=websocket >/dev/null
rm -f "$work/ws/uv.lock"
(cd "$work/ws" && uv lock --quiet "$@")

# 2. Turn it into the template: the project's name, and the websockets parts behind
#    {{ if .Features.websocket }}.
python3 - "$work/ws/uv.lock" "$tpl/uv.lock.tmpl" <<'PY'
import re
import sys

src, dst = sys.argv[1:]
text = open(src, encoding="utf-8").read()
if "{{" in text or "}}" in text:
    sys.exit("uv.lock holds template delimiters")
if text.count('name = "demo-app"') != 1:
    sys.exit("the project entry was not found once")
text = text.replace('name = "demo-app"', 'name = "{{ .Name }}"')

IF, END = "{{- if .Features.websocket }}", "{{- end }}"
# The project's dependency and requires-dist entries for websockets.
lines = text.split("\n")
out = []
for line in lines:
    if re.fullmatch(r'    \{ name = "websockets"(, specifier = "[^"]*")? \},', line):
        out += [IF, line, END]
    else:
        out.append(line)
text = "\n".join(out)
# The websockets package entry (only the project depends on it).
blocks = text.split("\n\n[[package]]\n")
keep = []
for block in blocks:
    if block.startswith('name = "websockets"\n'):
        keep[-1] += "\n" + IF + "\n\n[[package]]\n" + block.rstrip("\n") + "\n" + END
    else:
        keep.append(block)
text = "\n\n[[package]]\n".join(keep)
if not text.endswith("\n"):
    text += "\n"
if text.count(IF) != 3:
    sys.exit(f"expected 3 websocket blocks, found {text.count(IF)}")
open(dst, "w", encoding="utf-8").write(text)
PY

# 3. Check: every websocket variant, under another name, is accepted as locked.
go build -o "$work/stackpick" ./cmd/stackpick
for features in websocket ""; do
    dir="$work/check-${features:-none}"
    "$work/stackpick" new "$dir" --yes --stack python --set name=zz-check \
        --set "features=$features" >/dev/null
    (cd "$dir" && uv lock --locked --quiet)
done
echo "uv.lock.tmpl refreshed and checked"
