// One list each: every list of names the page shares with the core (wirings, stations, layers,
// widths, preset kinds, experiments, claim ids) lives in www/js/names.js, which tests/names.rs
// checks against the core. This test reads every other page module as a syntax tree (the
// TypeScript compiler's parser, which `tsc` already brings: tools/node_modules) and fails on any
// array literal or object literal that holds two or more names of one list, however it is
// written: quotes, spacing, order, keys or values, part of a larger list. No browser needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WWW_JS = join(ROOT, 'www', 'js');
const ts = createRequire(join(ROOT, 'tools', 'package.json'))('typescript');
const NAMES = await import(join(WWW_JS, 'names.js'));

/** The lists to look for, by their name in names.js (the page's one copy of each). */
const LISTS = ['ALL_WIRINGS', 'STATIONS', 'LAYERS', 'WIDTHS', 'PRESET_KINDS', 'EXPERIMENTS', 'CLAIM_IDS'];

/**
 * The name tables left on purpose, each with its reason: file (relative to www/js) and list →
 * why. Each must still be there (the test says when one goes, so this list stays true).
 */
const KNOWN = new Map([
  ['lab/model-switch.js ALL_WIRINGS', 'SLOT: the page slot a trained wiring replaces (gated → stream); the lab is another piece of work'],
  ['lab/worker.js STATIONS', 'FIELD_STATIONS: the two stations whose L2/3 fields the lab draws, a choice of the lab, not a list of the core'],
  ['figures/pipeline.js STATIONS', 'WHAT: the article\'s one line on what each station is said to encode, prose keyed by name'],
  ['figures/wirings.js LAYERS', 'ROLES: prose for what each layer of a column does, keyed by name'],
  ['figures/wirings.js ALL_WIRINGS', 'BLURBS: prose for each wiring, keyed by name'],
  ['figures/stream.js LAYERS', 'a row\'s two canvases, named for the layers they draw (write, l5)'],
]);

function modules(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? modules(p) : p.endsWith('.js') ? [p] : [];
  });
}

/** The literal names an array or object literal holds: its string and number elements, its keys. */
function literals(node) {
  const out = [];
  const add = (n) => {
    if (ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) out.push(n.text);
    else if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) out.push(n.text);
  };
  if (ts.isArrayLiteralExpression(node)) {
    for (const e of node.elements) if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) add(e);
  } else if (ts.isObjectLiteralExpression(node)) {
    for (const p of node.properties) {
      if (p.name) add(p.name);
      if (ts.isPropertyAssignment(p) && ts.isStringLiteralLike(p.initializer)) add(p.initializer);
    }
  }
  return out;
}

/** Every copy in one module's source: [{list, names, line}]. */
export function copiesIn(source, file = 'module.js') {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found = [];
  const visit = (node) => {
    const held = new Set(literals(node));
    if (held.size >= 2) {
      for (const list of LISTS) {
        const names = NAMES[list].map(String).filter((n) => held.has(n));
        // Two names of one list together are a copy of it (a number list needs all of itself,
        // since two of 8, 16 and 32 side by side are ordinary numbers).
        const enough = typeof NAMES[list][0] === 'number' ? names.length === NAMES[list].length : names.length >= 2;
        if (enough) found.push({ list, names, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('the detector finds a list however it is written, and not a single name', () => {
  assert.deepEqual(copiesIn("const W = ['stream', 'hierarchy'];").map((c) => c.list), ['ALL_WIRINGS']);
  assert.deepEqual(copiesIn('const S = {\n  "IT": 4, V1: 1 };').map((c) => c.list), ['STATIONS']);
  assert.deepEqual(copiesIn("f(['x', 'grating', `noise`])").map((c) => c.list), ['PRESET_KINDS']);
  assert.deepEqual(copiesIn('const W = [32, 16, 8];').map((c) => c.list), ['WIDTHS']);
  assert.deepEqual(copiesIn("const P = { gated: 'stream' };").map((c) => c.list), ['ALL_WIRINGS']);
  assert.deepEqual(copiesIn("const ids = ['P1', 'P3'];").map((c) => c.list), ['CLAIM_IDS']);
  assert.deepEqual(copiesIn("if (w === 'stream') f('V1'); const a = [8, 16];"), []);
});

test('no page module but names.js spells out a list of the names it shares with the core', () => {
  const files = modules(WWW_JS).filter((p) => relative(WWW_JS, p) !== 'names.js');
  assert.ok(files.length > 40, `found only ${files.length} page modules`);
  const copies = [];
  for (const f of files) {
    const rel = relative(WWW_JS, f).split('\\').join('/');
    for (const c of copiesIn(readFileSync(f, 'utf8'), rel)) {
      if (!KNOWN.has(`${rel} ${c.list}`)) copies.push(`${rel}:${c.line} holds ${c.names.join(', ')} of ${c.list}: import it from names.js`);
    }
  }
  assert.deepEqual(copies, []);
  // Every known copy is still there: when it goes, its entry goes too.
  for (const key of KNOWN.keys()) {
    const [rel, list] = key.split(' ');
    assert.ok(copiesIn(readFileSync(join(WWW_JS, rel), 'utf8')).some((c) => c.list === list), `${rel} no longer copies ${list}: drop it from KNOWN`);
  }
});
