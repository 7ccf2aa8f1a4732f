#!/usr/bin/env bash
# Regenerates templates/python-fastapi/files/uv.lock.tmpl from the template's own
# pyproject.toml.tmpl, then checks that `uv lock --locked` accepts every variant.
#
#   scripts/refresh-uv-lock.sh [--upgrade]  (run from the repository root; make locks)
#
# The variants are websocket (on, off) x database (memory, sqlite, postgres): each is
# locked, and the template holds the union of their locks, every package block and
# every line that not all variants share wrapped in the template condition that selects
# exactly the variants holding it.
#
# Needs: go, uv (pip install uv) on PATH. Network: PyPI only.
set -euo pipefail
root=$(pwd)
tpl="$root/templates/python-fastapi/files"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/stackpick" ./cmd/stackpick

variants=()
for database in memory sqlite postgres; do
    for features in websocket ""; do
        variants+=("$database:$features")
    done
done

# 1. Lock each variant under a placeholder name. Each starts from the previous lock, so
#    that uv keeps the versions they share the same (only the first may --upgrade).
previous=""
for variant in "${variants[@]}"; do
    database=${variant%%:*} features=${variant#*:}
    dir="$work/lock-$database-${features:-none}"
    "$work/stackpick" new "$dir" --yes --stack python --set name=demo-app \
        --set "database=$database" --set "features=$features" >/dev/null
    rm -f "$dir/uv.lock"
    if [ -n "$previous" ]; then
        cp "$previous/uv.lock" "$dir/uv.lock"
        (cd "$dir" && uv lock --quiet)
    else
        (cd "$dir" && uv lock --quiet "$@")
    fi
    previous=$dir
done

# 2. Merge the locks into the template.
python3 - "$work" "$tpl/uv.lock.tmpl" "${variants[@]}" <<'PY'
import difflib
import sys

work, dst, *names = sys.argv[1:]
VARIANTS = [tuple(v.split(":")) for v in names]  # (database, features)
DATABASES = ("memory", "sqlite", "postgres")
ALL = frozenset(VARIANTS)
SEP = "\n\n[[package]]\n"


def condition(variants: frozenset) -> str:
    """The template condition true for exactly these variants."""
    by_ws = {ws: frozenset(db for db, f in variants if (f == "websocket") == ws) for ws in (True, False)}

    def databases(dbs: frozenset) -> str | None:
        if len(dbs) == len(DATABASES):
            return None
        if len(dbs) == 1:
            return f'eq .Database "{next(iter(dbs))}"'
        if len(dbs) == len(DATABASES) - 1:
            [other] = set(DATABASES) - dbs
            return f'ne .Database "{other}"'
        raise AssertionError(dbs)

    if by_ws[True] == by_ws[False]:
        return databases(by_ws[True])
    parts = []
    for ws, dbs in by_ws.items():
        if not dbs:
            continue
        feature = ".Features.websocket" if ws else "not .Features.websocket"
        db = databases(dbs)
        parts.append(feature if db is None else f"and {feature} ({db})" if ws else f"and ({feature}) ({db})")
    if len(parts) == 1:
        return parts[0]
    return "or " + " ".join(f"({p})" for p in parts)


def render_lines(lines: list) -> str:
    """Lines with the variants holding each: runs that not all variants hold go inside
    their condition."""
    out, k = [], 0
    while k < len(lines):
        held = lines[k][1]
        run = []
        while k < len(lines) and lines[k][1] == held:
            run.append(lines[k][0])
            k += 1
        if held == ALL:
            out += run
        else:
            out += ["{{- if " + condition(held) + " }}", *run, "{{- end }}"]
    return "\n".join(out)


def read(variant) -> str:
    db, features = variant
    text = open(f"{work}/lock-{db}-{features or 'none'}/uv.lock", encoding="utf-8").read()
    if "{{" in text or "}}" in text:
        sys.exit("uv.lock holds template delimiters")
    if text.count('name = "demo-app"') != 1:
        sys.exit("the project entry was not found once")
    return text.replace('name = "demo-app"', 'name = "{{ .Name }}"')


def merge_lines(versions: dict) -> list:
    """The lines of several versions of one text, in order, each with the variants that
    hold it: a union built by aligning each version with the union so far."""
    union: list = []  # [line, set of variants]
    for variant, lines in versions.items():
        current = [line for line, _ in union]
        matcher = difflib.SequenceMatcher(a=current, b=lines, autojunk=False)
        merged = []
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                for k in range(a1 - a0):
                    union[a0 + k][1].add(variant)
                    merged.append(union[a0 + k])
            else:
                merged.extend(union[a0:a1])
                merged.extend([line, {variant}] for line in lines[b0:b1])
        union = merged
    return [(line, frozenset(held)) for line, held in union]


locks = {v: read(v) for v in VARIANTS}
# The header (before the first package) and the packages, by name, per variant.
headers, packages = {}, {}
for variant, text in locks.items():
    header, *blocks = text.rstrip("\n").split(SEP)
    headers[variant] = header.split("\n")
    for block in blocks:
        name = block.split("\n", 1)[0]
        packages.setdefault(name, {})[variant] = block

text = render_lines(merge_lines(headers))
# In uv's order (by name), the project where its placeholder name sorts.
order = {'name = "{{ .Name }}"': "demo-app"}
for name in sorted(packages, key=lambda n: order.get(n, n.removeprefix('name = "').rstrip('"'))):
    versions = packages[name]
    if name == 'name = "{{ .Name }}"':
        # The project: its dependencies differ line by line.
        if frozenset(versions) != ALL:
            sys.exit("the project is missing from a variant's lock")
        text += SEP + render_lines(merge_lines({v: b.split("\n") for v, b in versions.items()}))
        continue
    distinct: dict = {}
    for variant, block in versions.items():
        distinct.setdefault(block, set()).add(variant)
    for block, held in distinct.items():
        held = frozenset(held)
        if held == ALL:
            text += SEP + block
        else:
            text += "\n{{- if " + condition(held) + " }}" + SEP + block + "\n{{- end }}"
open(dst, "w", encoding="utf-8").write(text + "\n")
PY

# 3. Check: every variant, under another name, is accepted as locked.
go build -o "$work/stackpick" ./cmd/stackpick
for variant in "${variants[@]}"; do
    database=${variant%%:*} features=${variant#*:}
    dir="$work/check-$database-${features:-none}"
    "$work/stackpick" new "$dir" --yes --stack python --set name=zz-check \
        --set "database=$database" --set "features=$features" >/dev/null
    (cd "$dir" && uv lock --locked --quiet) || { echo "variant $variant: uv.lock.tmpl is not its lock" >&2; exit 1; }
done
echo "uv.lock.tmpl refreshed and checked (${#variants[@]} variants)"
