// Real pictures (issue 12): the page opens on a picture with every live figure drawn; a
// picture of none of the ten kinds is said to be so, in words and in the behaviour's
// data-recognised; the same PNG and JPEG give the same retina image and answer through the
// command line and through the page; the fake webcam's answer holds steady over frames.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cameraPage, frames, loadReady, pageFor, showEach, startAll, startWebcam, testHook } from './harness.mjs';
import { greyPng } from './png.mjs';

const LIVE = ['fig-input', 'fig-gallery', 'fig-pipeline', 'fig-microcircuit', 'fig-stations', 'fig-stream', 'fig-lesions'];
const CLI = join(ROOT, 'target', 'release', 'ventral-stream');
const PHOTO = join(ROOT, 'tests', 'fixtures', 'photo.jpg');

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

/** A small seeded generator (the test's own), so the pictures are the same every run. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A page of text, 160×120: rows of dark word-like blocks on light paper (none of the ten kinds). */
function textPage() {
  const r = rng(7);
  const w = 160;
  const h = 120;
  const px = new Uint8Array(w * h).fill(235);
  for (let y = 8; y + 5 < h - 6; y += 11) {
    let x = 8;
    while (x < w - 10) {
      const len = 6 + Math.floor(r() * 22);
      for (let yy = y; yy < y + 5; yy++) for (let xx = x; xx < Math.min(w - 8, x + len); xx++) px[yy * w + xx] = 40;
      x += len + 5;
    }
  }
  return greyPng(w, h, (y) => Buffer.from(px.subarray(y * w, (y + 1) * w)));
}

async function upload(page, name, mimeType, buffer) {
  await page.setInputFiles('input[data-control="upload"]', { name, mimeType, buffer });
  await page.waitForFunction((n) => document.querySelector('[data-role="input-message"]').textContent.includes(n), name);
  await frames(page, 3);
}

test('the page opens with a picture, every live figure drawn; Clear gives blank paper; the URL wins', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  assert.equal(await page.locator('[data-role="input-note"]').first().getAttribute('data-blank'), 'false', 'not blank at the start');
  assert.equal(await page.locator('select[data-control="preset"]').first().inputValue(), 'tiger');
  for (const id of LIVE) {
    // Every canvas of the figure is drawn, and not in one flat colour.
    const flat = await page.evaluate((fid) => [...document.querySelectorAll(`#${fid} canvas`)].filter((c) => {
      if (c.width <= 1) return true;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return false;
      return true;
    }).length, id);
    const canvases = await page.locator(`#${id} canvas`).count();
    assert.ok(canvases > 0 || id === 'fig-lesions', `${id} has canvases`);
    assert.equal(flat, 0, `${id}: ${flat} of ${canvases} canvases are undrawn or flat on the first screen`);
  }
  const said = await page.locator('#fig-stations [data-wiring="stream"] [data-role="category"]').textContent();
  assert.equal(said, 'a tiger');
  await page.locator('[data-action="clear"]').first().click();
  await frames(page, 3);
  assert.equal(await page.locator('[data-role="input-note"]').first().getAttribute('data-blank'), 'true', 'Clear gives blank paper');

  const { page: p2 } = await pageFor(t, env);
  await loadReady(p2, `${env.url}#input=preset:house:1`);
  assert.equal(await p2.locator('select[data-control="preset"]').first().inputValue(), 'house', 'the URL state wins');
  assert.deepEqual(problems, []);
});

test('an uploaded picture of none of the ten kinds is said to be so, in every figure that names a kind', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await upload(page, 'page-of-text.png', 'image/png', textPage());
  // Figures far from the viewport are drawn when the reader comes to them: come to each.
  const NAMING = '#fig-stations, #fig-pipeline, #fig-lesions';
  await showEach(page, NAMING);
  for (const w of ['stream', 'hierarchy']) {
    const behaviour = page.locator(`#fig-stations [data-wiring="${w}"] [data-role="behaviour"]`);
    assert.equal(await behaviour.getAttribute('data-recognised'), 'false', `${w}: data-recognised`);
    assert.match(await behaviour.locator('[data-role="category"]').textContent(), /^none of the ten kinds I know; closest: an? \w+$/, w);
    assert.equal(await behaviour.locator('[data-role="action"]').textContent(), 'keep looking');
  }
  for (const sel of ['#fig-pipeline [data-role="pipeline-category"]', '#fig-lesions', '#fig-stations [data-role="summary"]']) {
    assert.match(await page.locator(sel).first().textContent(), /none of the ten kinds/, sel);
  }
  // A sketch of one of the kinds, drawn back in, is recognised again.
  await page.selectOption('select[data-control="preset"]', 'house');
  await frames(page, 3);
  await showEach(page, NAMING);
  assert.equal(await page.getAttribute('#fig-stations [data-wiring="stream"] [data-role="behaviour"]', 'data-recognised'), 'true');
  assert.deepEqual(problems, []);
});

test('the same PNG and JPEG give the same retina image and answer through the command line and the page', async (t) => {
  assert.ok(existsSync(CLI), 'the native binary is built (./build.sh build)');
  const dir = mkdtempSync(join(tmpdir(), 'openset-'));
  // A wide PNG (letterboxed top and bottom) and the tall-ish JPEG fixture (333×211).
  const r = rng(3);
  const png = greyPng(180, 100, (y) => Buffer.from(Array.from({ length: 180 }, (_, x) =>
    Math.max(0, Math.min(255, Math.round(90 + 80 * Math.sin(x / 9) * Math.cos(y / 13) + 30 * r()))))));
  const files = [
    ['wide.png', 'image/png', png],
    ['photo.jpg', 'image/jpeg', readFileSync(PHOTO)],
  ];
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  for (const [name, mime, bytes] of files) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    await upload(page, name, mime, bytes);
    const inPage = await testHook(page, { action: 'retina' });
    for (const wiring of ['stream', 'hierarchy']) {
      const cli = JSON.parse(execFileSync(CLI, ['run', '--image', path, '--wiring', wiring, '--json', '--retina'], { encoding: 'utf8' }));
      assert.equal(cli.retina.length, 64 * 64);
      let worst = 0;
      cli.retina.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - inPage.retina[i]));
      });
      assert.ok(worst <= 2 / 255, `${name}: the retina images differ by up to ${(worst * 255).toFixed(2)}/255`);
      assert.equal(inPage[wiring].category, cli.category, `${name} ${wiring}: category`);
      assert.equal(inPage[wiring].recognised, cli.recognised, `${name} ${wiring}: recognised`);
      console.log(`${name} ${wiring}: retina max difference ${(worst * 255).toFixed(3)}/255; both say ${cli.recognised ? '' : 'none of the kinds, closest '}${cli.category} (score ${cli.score.toFixed(2)}, threshold ${cli.threshold?.toFixed(2)})`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the fake webcam gives a steady answer from frame to frame', async (t) => {
  const { context, page, errors } = await cameraPage(t, env);
  await loadReady(page, env.url);
  await startWebcam(page);
  // Record each wiring's answer and the retina view on 90 animation frames.
  const seen = await page.evaluate(() => new Promise((done) => {
    const out = [];
    const step = () => {
      const answer = (w) => {
        const b = document.querySelector(`#fig-stations [data-wiring="${w}"] [data-role="behaviour"]`);
        return `${b.dataset.recognised}|${b.querySelector('[data-role="category"]').textContent}`;
      };
      out.push({ stream: answer('stream'), hierarchy: answer('hierarchy'), retina: document.querySelector('#fig-input canvas[data-view="input"]').toDataURL() });
      if (out.length < 90) requestAnimationFrame(step);
      else done(out);
    };
    requestAnimationFrame(step);
  }));
  const retinas = new Set(seen.map((s) => s.retina)).size;
  assert.ok(retinas >= 5, `the frames differ (${retinas} distinct retina images), so steadiness is tested`);
  for (const w of ['stream', 'hierarchy']) {
    const changes = seen.slice(1).filter((s, i) => s[w] !== seen[i][w]).length;
    console.log(`webcam ${w}: ${changes} changes of answer over ${seen.length} frames: ${seen.filter((s, i) => i === 0 || s[w] !== seen[i - 1][w]).map((s) => s[w]).join(' / ')}`);
    assert.ok(changes <= 2, `${w}: the answer changed ${changes} times in ${seen.length} frames`);
  }
  await page.click('[data-action="webcam"]');
  assert.deepEqual(errors, []);
  await context.close();
});
