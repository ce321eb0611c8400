// How the page looks and reads: no horizontal scroll on a 375 px phone, the two wirings side
// by side on a desktop and, on a phone, one at a time in the same place with a switch between them, light and dark schemes, visible focus, and an
// axe-core audit. Screenshots go to tests/page/screenshots/ (not committed) for a person to look at.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { drawStroke, frames, loadReady, pageFor, screenshotPath, startAll } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 375, height: 812 },
};
const STROKE = [[0.3, 0.25], [0.3, 0.75], [0.7, 0.75], [0.7, 0.25], [0.3, 0.25]];

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ['light', 'dark']) {
    test(`${name} (${viewport.width} px), ${colorScheme}: fits the width, wirings laid out, screenshot`, async (t) => {
      const { page, problems } = await pageFor(t, env, {
        viewport,
        colorScheme,
        deviceScaleFactor: name === 'phone' ? 2 : 1,
        hasTouch: name === 'phone',
      });
      await loadReady(page, env.url);
      await drawStroke(page, STROKE);
      await frames(page, 3);

      const layout = await page.evaluate(() => {
        const box = (sel) => document.querySelector(sel).getBoundingClientRect();
        return {
          scrollY,
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          stream: box('[data-wiring="stream"]').toJSON(),
          hierarchy: box('[data-wiring="hierarchy"]').toJSON(),
          paper: box('canvas[data-role="input"]').toJSON(),
          bg: getComputedStyle(document.body).backgroundColor,
          paperBg: getComputedStyle(document.querySelector('canvas[data-role="input"]')).backgroundColor,
        };
      });
      assert.ok(
        layout.scrollWidth <= layout.clientWidth,
        `no horizontal scroll (scrollWidth ${layout.scrollWidth} > ${layout.clientWidth})`,
      );
      if (name === 'desktop') {
        assert.ok(layout.hierarchy.left >= layout.stream.right - 1, 'the wirings stand side by side');
        assert.ok(Math.abs(layout.hierarchy.top - layout.stream.top) < 2, 'the wirings start at the same height');
      } else {
        // One wiring at a time: the switch shows the other in the same place.
        assert.ok(layout.stream.height > 0 && layout.hierarchy.height === 0, 'the phone shows one wiring, the stream first');
        await page.locator('#fig-stations [data-show-wiring="hierarchy"]').click();
        const flipped = await page.evaluate(() => ({
          scrollY,
          stream: document.querySelector('[data-wiring="stream"]').getBoundingClientRect().toJSON(),
          hierarchy: document.querySelector('[data-wiring="hierarchy"]').getBoundingClientRect().toJSON(),
          pressed: document.querySelector('#fig-stations [data-show-wiring="hierarchy"]').getAttribute('aria-pressed'),
        }));
        assert.ok(flipped.stream.height === 0 && flipped.hierarchy.height > 0, 'the switch shows the hierarchy instead');
        assert.equal(flipped.pressed, 'true');
        assert.ok(Math.abs(flipped.hierarchy.top + flipped.scrollY - (layout.stream.top + layout.scrollY)) < 2, 'in the same place the stream was');
        await page.locator('#fig-stations [data-show-wiring="stream"]').click();
        assert.ok(layout.paper.width >= 200, `the paper is big enough to draw on (${layout.paper.width} px)`);
      }
      const dark = (rgb) => rgb.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b) < 3 * 100;
      assert.equal(dark(layout.bg), colorScheme === 'dark', `the ${colorScheme} scheme is followed (${layout.bg})`);
      assert.equal(layout.paperBg, 'rgb(255, 255, 255)', 'the paper stays white');

      // The whole page is painted now (no prose skipped by content-visibility): a tall phone page
      // at twice the pixels takes its time on a busy machine.
      await page.screenshot({ path: screenshotPath(`${name}-${colorScheme}.png`), fullPage: true, timeout: 180_000 });
      await page.screenshot({ path: screenshotPath(`${name}-${colorScheme}-top.png`) });
      assert.deepEqual(problems, []);
    });
  }
}

test('buttons show a visible focus ring from the keyboard', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await drawStroke(page, STROKE);
  await frames(page);
  const undo = page.locator('[data-action="undo"]');
  await undo.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { action: el.dataset.action, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.equal(focused.action, 'undo');
  assert.notEqual(focused.outline, 'none');
  assert.ok(focused.width >= 2, `outline ${focused.width}px`);
  assert.deepEqual(problems, []);
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no serious accessibility violation (${colorScheme})`, async (t) => {
    const { page, problems } = await pageFor(t, env, { colorScheme });
    await loadReady(page, env.url);
    // Evaluated through the DevTools protocol, not as a <script>, so the page's CSP is untouched.
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      }));
    });
    const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
    if (result.length) console.log(`axe (${colorScheme}), minor:`, JSON.stringify(result));
    assert.deepEqual(problems, []);
  });
}
