// Turns two npm lockfiles of the node-express template (rendered with name
// "stackpick-lock-name", with and without the websocket feature) into package-lock.json.tmpl,
// and checks that the template renders back to both files byte for byte.
// usage: node npm-lock-template.mjs WITH_WS/package-lock.json WITHOUT_WS/package-lock.json > package-lock.json.tmpl
import { readFileSync } from 'node:fs';

const NAME = 'stackpick-lock-name';
const [withWs, withoutWs] = process.argv.slice(2).map((path) => readFileSync(path, 'utf8'));

function replaceOnce(text, pattern, replacement, what) {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`${what}: expected 1 match, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

// Every package comes from the public registry, by a URL npm can rewrite for a mirror.
for (const [, url] of withWs.matchAll(/"resolved": "([^"]*)"/g)) {
  if (!url.startsWith('https://registry.npmjs.org/')) {
    throw new Error(
      `resolved URL ${url} is not on https://registry.npmjs.org/: refresh with that registry configured`,
    );
  }
}

let tmpl = withWs;
if (tmpl.includes('{{') || tmpl.includes('}}')) throw new Error('lockfile contains {{ or }}');
const names = tmpl.split(`"name": "${NAME}"`).length - 1;
if (names !== 2) throw new Error(`expected the project name twice, found ${names}`);
tmpl = tmpl.replaceAll(`"name": "${NAME}"`, '"name": "{{ .Name }}"');
// The root package's "ws" dependency (the last one, so the comma goes before it).
tmpl = replaceOnce(
  tmpl,
  /,\n( {8})"ws": "([^"]+)"\n/,
  '{{ if .Features.websocket }},\n$1"ws": "$2"{{ end }}\n',
  'root ws dependency',
);
// The root package's "@types/ws" dev dependency (between two others: the comma before it
// goes with it).
tmpl = replaceOnce(
  tmpl,
  /,\n( {8})"@types\/ws": "([^"]+)"/,
  '{{ if .Features.websocket }},\n$1"@types/ws": "$2"{{ end }}',
  'root @types/ws dev dependency',
);
// The ws and @types/ws package entries.
for (const name of ['ws', '@types/ws']) {
  const key = `node_modules/${name}`.replaceAll('/', '\\/');
  tmpl = replaceOnce(
    tmpl,
    new RegExp(`,\\n {4}"${key}": \\{\\n[\\s\\S]*?\\n {4}\\}`),
    (block) => `{{ if .Features.websocket }}${block}{{ end }}`,
    `node_modules/${name} entry`,
  );
}

// Check: render both ways with the same substitutions Go's text/template would make.
function render(websocket) {
  return tmpl
    .replaceAll('{{ .Name }}', NAME)
    .replace(/\{\{ if \.Features\.websocket \}\}([\s\S]*?)\{\{ end \}\}/g, (_, inner) =>
      websocket ? inner : '',
    );
}
if (render(true) !== withWs) throw new Error('template does not render back to the websocket lockfile');
if (render(false) !== withoutWs) throw new Error('template does not render back to the plain lockfile');
process.stdout.write(tmpl);
