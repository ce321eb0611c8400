// Drawings made by hand in the page are recognised: each category is drawn with synthetic
// pointer strokes from this file's own path generator (plain polylines and arcs, as a person
// draws with a mouse; nothing shared with the training renderer), and the stream wiring must
// name all 10 categories; and, once the page's weights were trained under recipe 3 (their
// metadata's `recipe`), a plain tiger's face too (issue 26: a round head, closed triangular
// ears, eyes, nose, whiskers that stop inside the head, stripes on the forehead), which recipe
// 2's generator never drew, so that its models take it for a cube or a grandmother. The
// hierarchy's answers are printed beside the stream's.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawStroke, frames, loadReady, pageFor, screenshotPath, showEach, startAll, WWW } from './harness.mjs';

/** The training recipe the page's stream weights record (the wasm embeds weights/stream.safetensors); 2 before files recorded one. */
function shippedRecipe() {
  const bytes = readFileSync(join(WWW, '..', 'weights', 'stream.safetensors'));
  const n = Number(bytes.readBigUInt64LE(0));
  const meta = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')).__metadata__ ?? {};
  return Number(meta.recipe ?? 2);
}

/** An arc around (cx, cy) with radii (rx, ry) from angle a0 to a1 (radians), as points. */
function arc(cx, cy, rx, ry, a0 = 0, a1 = 2 * Math.PI, n = 28) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}
const circle = (cx, cy, r) => arc(cx, cy, r, r);
const closed = (pts) => [...pts, pts[0]];

// Each drawing is a list of strokes; coordinates are fractions of the canvas.
const DRAWINGS = {
  line: [[[0.2, 0.75], [0.8, 0.3]]],
  circle: [circle(0.5, 0.5, 0.3)],
  triangle: [closed([[0.5, 0.18], [0.82, 0.78], [0.18, 0.78]])],
  square: [closed([[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]])],
  star: [closed([0, 2, 4, 1, 3].map((k) => {
    const a = -Math.PI / 2 + (k * 2 * Math.PI) / 5;
    return [0.5 + 0.33 * Math.cos(a), 0.53 + 0.33 * Math.sin(a)];
  }))],
  cube: [
    closed([[0.2, 0.38], [0.6, 0.38], [0.6, 0.78], [0.2, 0.78]]),
    closed([[0.4, 0.2], [0.8, 0.2], [0.8, 0.6], [0.4, 0.6]]),
    [[0.2, 0.38], [0.4, 0.2]], [[0.6, 0.38], [0.8, 0.2]], [[0.6, 0.78], [0.8, 0.6]], [[0.2, 0.78], [0.4, 0.6]],
  ],
  house: [
    closed([[0.25, 0.45], [0.75, 0.45], [0.75, 0.82], [0.25, 0.82]]),
    [[0.2, 0.47], [0.5, 0.17], [0.8, 0.47]],
    [[0.44, 0.82], [0.44, 0.64], [0.56, 0.64], [0.56, 0.82]],
  ],
  tree: [
    circle(0.5, 0.38, 0.22),
    [[0.45, 0.6], [0.45, 0.86], [0.55, 0.86], [0.55, 0.6]],
  ],
  tiger: [
    arc(0.5, 0.55, 0.32, 0.27),
    [[0.24, 0.4], [0.26, 0.18], [0.4, 0.31]],
    [[0.6, 0.31], [0.74, 0.18], [0.76, 0.4]],
    circle(0.4, 0.5, 0.035), circle(0.6, 0.5, 0.035),
    closed([[0.46, 0.6], [0.54, 0.6], [0.5, 0.66]]),
    [[0.4, 0.66], [0.1, 0.6]], [[0.4, 0.69], [0.1, 0.72]],
    [[0.6, 0.66], [0.9, 0.6]], [[0.6, 0.69], [0.9, 0.72]],
    [[0.44, 0.3], [0.46, 0.38]], [[0.5, 0.29], [0.5, 0.38]], [[0.56, 0.3], [0.54, 0.38]],
  ],
  // (named for the test: the plain tiger is another drawing of the tiger category)
  'plain tiger': [
    circle(0.5, 0.55, 0.3),
    closed([[0.27, 0.38], [0.3, 0.14], [0.44, 0.28]]),
    closed([[0.56, 0.28], [0.7, 0.14], [0.73, 0.38]]),
    circle(0.4, 0.5, 0.035), circle(0.6, 0.5, 0.035),
    closed([[0.46, 0.6], [0.54, 0.6], [0.5, 0.66]]),
    [[0.42, 0.65], [0.26, 0.6]], [[0.42, 0.68], [0.26, 0.7]],
    [[0.58, 0.65], [0.74, 0.6]], [[0.58, 0.68], [0.74, 0.7]],
    [[0.44, 0.3], [0.46, 0.38]], [[0.5, 0.29], [0.5, 0.38]], [[0.56, 0.3], [0.54, 0.38]],
  ],
  grandmother: [
    arc(0.5, 0.56, 0.24, 0.32),
    circle(0.5, 0.17, 0.08),
    circle(0.41, 0.52, 0.07), circle(0.59, 0.52, 0.07), [[0.48, 0.52], [0.52, 0.52]],
    arc(0.5, 0.66, 0.1, 0.06, 0.2, Math.PI - 0.2, 10),
    arc(0.5, 0.42, 0.27, 0.2, Math.PI, 2 * Math.PI, 16),
  ],
};

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

test('all 10 categories drawn by hand, and under recipe 3 a plain tiger, are recognised by the stream wiring', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const seen = { stream: {}, hierarchy: {} };
  for (const [drawing, strokes] of Object.entries(DRAWINGS)) {
    const clear = page.locator('[data-action="clear"]').first();
    if (await clear.isEnabled()) await clear.click();
    for (const s of strokes) await drawStroke(page, s);
    await frames(page, 3);
    // The stations figure is drawn only near the viewport: bring it up to date first.
    await showEach(page, 'figure:has([data-wiring="stream"])');
    for (const wiring of ['stream', 'hierarchy']) {
      const said = await page.locator(`[data-wiring="${wiring}"] [data-role="category"]`).first().textContent();
      seen[wiring][drawing] = said.trim().replace(/^an? /, '');
    }
    await page.locator('canvas[data-role="input"]').screenshot({ path: screenshotPath(`handdrawn-${drawing.replace(' ', '-')}.png`) });
  }
  const right = (w) => Object.entries(seen[w]).filter(([d, s]) => d.replace('plain ', '') === s).map(([d]) => d);
  for (const w of ['stream', 'hierarchy']) console.log(`hand-drawn, ${w}: ${right(w).length}/${Object.keys(DRAWINGS).length} recognised`, seen[w]);
  const recipe = shippedRecipe();
  const asked = Object.keys(DRAWINGS).filter((d) => recipe >= 3 || d !== 'plain tiger');
  if (recipe < 3) console.log(`the page's weights are recipe ${recipe}: the plain tiger (named "${seen.stream['plain tiger']}" by the stream) is asked of recipe 3's`);
  assert.deepEqual(asked.filter((d) => !right('stream').includes(d)), [], `the stream named ${JSON.stringify(seen.stream)}`);
  assert.deepEqual(problems, []);
});
