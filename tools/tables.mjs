#!/usr/bin/env node
// The results file as Markdown tables, for a closing note or the README: every claim's word
// with its measure's paired effect, positive control, untrained control and smallest effect;
// with --before OLD.json, the old word beside the new and the words that changed; and, where
// the file judges the variants (issue 24), their usage index and the claims × variants words.
// Nothing is computed here that the file does not hold: it prints what `ventral-stream
// experiments` and `by-variant` wrote.
//
//   node tools/tables.mjs www/data/results.json [--before OLD.json]

import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--before');
const beforeAt = args.indexOf('--before');
if (!file || (beforeAt >= 0 && !args[beforeAt + 1])) {
  console.error('usage: node tools/tables.mjs RESULTS.json [--before OLD.json]');
  process.exit(2);
}
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const results = read(file);
const before = beforeAt >= 0 ? read(args[beforeAt + 1]) : null;

const num = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits).replace('-', '−') : '–');
const est = (e, digits = 3) => (e && Number.isFinite(e.mean) ? `${num(e.mean, digits)} [${num(e.ci?.[0], digits)}, ${num(e.ci?.[1], digits)}]` : '–');
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const n = (v) => v?.paired?.per_seed?.length ?? v?.effect?.per_seed?.length ?? 0;

const verdicts = results.verdicts ?? {};
const claims = Object.keys(verdicts);
const out = [];
out.push(`${results.size ?? ''} size, seeds ${JSON.stringify(results.seeds ?? [])}, ${results.interval_method ?? 'intervals unnamed'}, plan ${String(results.preregistration_sha256 ?? '').slice(0, 12)}`);
out.push('');
const head = ['claim', 'positive control (effect)', 'paired s − h [95 % CI]', 'seeds', 'untrained', 'smallest effect', 'word'];
if (before) head.splice(6, 0, 'word before');
out.push(table(head, claims.map((id) => {
  const v = verdicts[id];
  const pc = v.positive_control;
  const untrained = v.untrained && typeof v.untrained === 'object' ? est(v.untrained) : num(v.untrained);
  const cells = [id, pc ? `${pc.word ?? '–'} (${num(pc.effect?.mean)})` : '–', est(v.paired ?? v.effect), String(n(v)),
    untrained, num(v.smallest_effect), `**${v.word}**`];
  if (before) cells.splice(6, 0, before.verdicts?.[id]?.word ?? '–');
  return cells;
})));
if (before) {
  const changed = claims.filter((id) => before.verdicts?.[id]?.word !== verdicts[id].word);
  out.push('', changed.length
    ? `Changed: ${changed.map((id) => `${id} ${before.verdicts?.[id]?.word ?? '–'} → ${verdicts[id].word}`).join('; ')}.`
    : 'No word changed.');
}
const why = claims.filter((id) => verdicts[id].reason);
if (why.length) out.push('', ...why.map((id) => `- ${id}, ${verdicts[id].word}: ${verdicts[id].reason}`));

if (results.usage && results.variants) {
  const components = Object.keys(Object.values(results.usage)[0]?.components ?? {});
  out.push('', `Usage index (primary by the plan's rule: ${results.primary ?? 'none'}):`, '');
  out.push(table(['variant', 'seeds', ...components, 'met', 'hierarchy twin bypass', 'one column silenced (s / h)'],
    results.variants.map((v) => {
      const u = results.usage[v];
      const c = results.column_retention?.[v];
      return [v === results.primary ? `**${v}**` : v, String(u?.seeds?.length ?? 0),
        ...components.map((k) => `${est(u?.components?.[k])}${u?.meets?.[k] ? ' ✓' : ''}`),
        `${u?.met ?? 0} of ${components.length}`, est(results.hierarchy_twins?.[v]?.bypass_retention),
        c ? `${est(c.stream)} / ${est(c.hierarchy)}` : '–'];
    })));
  if (results.by_variant) {
    out.push('', 'Claims × variants (word, paired s − h):', '');
    out.push(table(['claim', ...results.variants], claims.map((id) => [id, ...results.variants.map((v) => {
      const w = results.by_variant[v]?.[id];
      return w?.word ? `${w.word}${w.paired ? ` ${est(w.paired)}` : ''}` : 'not run';
    })])));
  }
}
console.log(out.join('\n'));
