// Turns the npm lockfiles of every node-express variant (rendered with name
// "stackpick-lock-name": websocket on or off × database memory, sqlite or postgres) into one
// package-lock.json.tmpl, and checks that the template renders back to each file byte for byte.
// usage: node npm-lock-template.mjs WEBSOCKET:DATABASE=path/package-lock.json ... > package-lock.json.tmpl
//   e.g. on:postgres=a/package-lock.json off:memory=b/package-lock.json (all six variants)
// The first file must be the largest tree (websocket on, postgres): every other variant's
// packages are a subset of it, with identical entries.
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';

const NAME = 'stackpick-lock-name';

const variants = process.argv.slice(2).map((arg) => {
  const match = /^(on|off):(memory|sqlite|postgres)=(.+)$/.exec(arg);
  if (!match) throw new Error(`bad argument ${arg}: expected on|off:memory|sqlite|postgres=path`);
  const text = readFileSync(match[3], 'utf8');
  const lock = JSON.parse(text);
  // npm writes JSON.stringify(lock, null, 2) and a newline: the template is built the same way.
  if (`${JSON.stringify(lock, null, 2)}\n` !== text) throw new Error(`${match[3]}: not in npm's JSON layout`);
  return { websocket: match[1] === 'on', database: match[2], text, lock };
});
if (variants.length !== 6 || new Set(variants.map((v) => `${v.websocket}:${v.database}`)).size !== 6) {
  throw new Error('expected the six variants: on|off × memory|sqlite|postgres');
}
const [full] = variants;
if (!full.websocket || full.database !== 'postgres') throw new Error('the first lockfile must be on:postgres');

// Every package comes from the public registry, by a URL npm can rewrite for a mirror.
for (const [, url] of full.text.matchAll(/"resolved": "([^"]*)"/g)) {
  if (!url.startsWith('https://registry.npmjs.org/')) {
    throw new Error(
      `resolved URL ${url} is not on https://registry.npmjs.org/: refresh with that registry configured`,
    );
  }
}
if (full.text.includes('{{') || full.text.includes('}}')) throw new Error('lockfile contains {{ or }}');

// The conditions a part of the lockfile may carry, as Go template expressions, with the
// variants each holds for. A part present in a set of variants no condition names is an error.
const CONDITIONS = [
  ['.Features.websocket', (v) => v.websocket],
  ['ne .Database "memory"', (v) => v.database !== 'memory'],
  ['eq .Database "postgres"', (v) => v.database === 'postgres'],
  ['eq .Database "sqlite"', (v) => v.database === 'sqlite'],
  ['and .Features.websocket (ne .Database "memory")', (v) => v.websocket && v.database !== 'memory'],
  ['and .Features.websocket (eq .Database "postgres")', (v) => v.websocket && v.database === 'postgres'],
];

function condition(present, where) {
  if (present.every(Boolean)) return undefined;
  for (const [expr, holds] of CONDITIONS) {
    if (variants.every((v, i) => holds(v) === present[i])) return expr;
  }
  const which = variants.filter((_, i) => present[i]).map((v) => `${v.websocket ? 'on' : 'off'}:${v.database}`);
  throw new Error(`${where}: present only in ${which.join(', ')}, which no template condition names`);
}

/**
 * The template text of `values` (one per variant; undefined where absent) at `indent`:
 * plain JSON where all variants agree, else an object whose keys carry conditions.
 */
function emit(values, indent, where) {
  const present = values.filter((value) => value !== undefined);
  if (present.every((value) => isDeepStrictEqual(value, present[0]))) {
    return JSON.stringify(present[0], null, 2).replaceAll('\n', `\n${' '.repeat(indent)}`);
  }
  if (values.some((value) => value === undefined || typeof value !== 'object' || Array.isArray(value))) {
    throw new Error(`${where}: differs between variants in a way the template cannot express`);
  }
  const keys = Object.keys(values[0]);
  for (const value of values) {
    const order = Object.keys(value);
    if (order.some((key) => !keys.includes(key)) || order.join() !== keys.filter((k) => order.includes(k)).join()) {
      throw new Error(`${where}: keys are not a subset of the full lockfile's, in its order`);
    }
  }
  const pad = ' '.repeat(indent + 2);
  let out = '{';
  keys.forEach((key, index) => {
    const inner = values.map((value) => value[key]);
    const when = condition(inner.map((v) => v !== undefined), `${where}.${key}`);
    const member = `\n${pad}${JSON.stringify(key)}: ${emit(inner, indent + 2, `${where}.${key}`)}`;
    if (index === 0 && when !== undefined) throw new Error(`${where}: its first key ${key} is not in every variant`);
    const comma = index === 0 ? '' : ',';
    out += when === undefined ? `${comma}${member}` : `{{ if ${when} }}${comma}${member}{{ end }}`;
  });
  return `${out}\n${' '.repeat(indent)}}`;
}

let tmpl = `${emit(variants.map((v) => v.lock), 0, 'lockfile')}\n`;
const names = tmpl.split(`"name": "${NAME}"`).length - 1;
if (names !== 2) throw new Error(`expected the project name twice, found ${names}`);
tmpl = tmpl.replaceAll(`"name": "${NAME}"`, '"name": "{{ .Name }}"');

// Check: render each variant with the substitutions Go's text/template makes.
function holds(expr, variant) {
  const found = CONDITIONS.find(([e]) => e === expr);
  if (!found) throw new Error(`unknown condition ${expr}`);
  return found[1](variant);
}
function render(variant) {
  return tmpl
    .replaceAll('{{ .Name }}', NAME)
    .replace(/\{\{ if (.+?) \}\}([\s\S]*?)\{\{ end \}\}/g, (_, expr, inner) =>
      holds(expr, variant) ? inner : '',
    );
}
for (const variant of variants) {
  if (render(variant) !== variant.text) {
    const label = `${variant.websocket ? 'on' : 'off'}:${variant.database}`;
    throw new Error(`template does not render back to the ${label} lockfile`);
  }
}
process.stdout.write(tmpl);
