// Issue 7, the page side: bad input gets a clear message and leaves the page working; faults
// (webcam refused, absent or unplugged, a worker that throws, wasm that fails to load or a
// browser without wasm SIMD, a Rust panic) are reported and the page recovers; the page and
// the embed work under the strict Content-Security-Policy, and the embed survives hostile CSS.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSP } from '../../tools/serve.mjs';
import { drawStroke, frames, loadReady, openPage, pageFor, ROOT, stallWorker, startAll, testHook, until } from './harness.mjs';
import { greyPng } from './png.mjs';
import { MAX_WEIGHTS_BYTES } from '../../www/js/figures/weights.js';
import { MAX_POINTS } from '../../www/js/urlstate.js';
import { MAX_PIXELS } from '../../www/js/figures/inputpanel.js';

const STROKE = [[0.2, 0.3], [0.8, 0.7], [0.5, 0.2]];

let env;
before(async () => {
  env = await startAll({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
});
after(async () => {
  await env?.stop();
});

// ---- helpers ----

const discRow = (w, h) => (y) => {
  const r = Buffer.alloc(w, 255);
  for (let x = 0; x < w; x++) if (Math.hypot(x - w / 2, y - h / 2) < Math.min(w, h) / 3) r[x] = 0;
  return r;
};

async function inputHash(page) {
  const url = await page.evaluate(() => [...document.querySelectorAll('#fig-stations canvas, canvas[data-view]')].map((c) => c.toDataURL()).join('|'));
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}
const message = (page) => page.evaluate(() => {
  const m = document.querySelector('[data-role="input-message"]');
  return { text: m.textContent, kind: m.dataset.kind };
});
/** Wait for the input message to match re, and return it. */
async function waitMessage(page, re, timeout = 30_000) {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-role="input-message"]').textContent), re.source, { timeout });
  return message(page);
}
async function upload(page, name, mimeType, buffer) {
  await page.setInputFiles('input[data-control="upload"]', { name, mimeType, buffer });
}
/** The page still works: a stroke changes what the stations show. */
async function assertStillWorks(page, label) {
  // Clear is disabled on blank paper: click it only when there is something to clear, and
  // wait for the paper to be blank (the button disables itself).
  const clear = page.locator('[data-action="clear"]');
  if (await clear.isEnabled()) {
    await clear.click();
    await page.waitForFunction(() => document.querySelector('[data-action="clear"]').disabled);
  }
  await frames(page, 2);
  const before = await inputHash(page);
  await drawStroke(page, STROKE);
  await frames(page, 3);
  assert.notEqual(await inputHash(page), before, `${label}: drawing still reaches the stations`);
  const status = await page.evaluate(() => document.querySelector('[data-role="status"]').dataset.error ?? '');
  assert.notEqual(status, 'true', `${label}: no error in the status line`);
}
/** Problems, without the ones a test provoked on purpose. */
const unexpected = (problems, ...allowed) => problems.filter((p) => !allowed.some((re) => re.test(p)));

// ---- 1. bad input ----

test('a blank or uniform canvas is said to be blank; drawing clears the note', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const note = () => page.evaluate(() => {
    const n = document.querySelector('[data-role="input-note"]');
    return { blank: n.dataset.blank, text: n.textContent };
  });
  assert.equal((await note()).blank, 'false', 'the page opens on a picture');
  await page.click('[data-action="clear"]');
  assert.equal((await note()).blank, 'true', 'blank paper after clear');
  assert.match((await note()).text, /blank/);
  await drawStroke(page, STROKE);
  assert.equal((await note()).blank, 'false');
  await page.click('[data-action="clear"]');
  assert.equal((await note()).blank, 'true', 'blank again after clear');
  // A uniform grey image (square, so it fills the paper with no white margins) is blank too.
  await upload(page, 'grey.png', 'image/png', greyPng(40, 40, () => Buffer.alloc(40, 128)));
  await waitMessage(page, /grey\.png/);
  assert.equal((await note()).blank, 'true', 'a one-colour upload is blank');
  await assertStillWorks(page, 'after a uniform image');
  assert.deepEqual(problems, []);
});

test('a 1×1 image and a 6,000×6,000 image are shown (the big one downscaled while decoding)', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await upload(page, 'dot.png', 'image/png', greyPng(1, 1, () => Buffer.from([0])));
  const tiny = await waitMessage(page, /dot\.png/);
  assert.match(tiny.text, /1×1/);
  assert.match(tiny.text, /very small/);
  assert.notEqual(tiny.kind, 'error');
  // 36 million pixels: under the limit (MAX_PIXELS), so shown.
  const big = greyPng(6_000, 6_000, discRow(6_000, 6_000));
  const before = await inputHash(page);
  await upload(page, 'huge.png', 'image/png', big);
  const m = await waitMessage(page, /huge\.png/, 120_000);
  assert.notEqual(m.kind, 'error', m.text);
  assert.match(m.text, /6000×6000/);
  assert.match(m.text, /scaled down to 1024×1024/);
  await frames(page, 3);
  assert.notEqual(await inputHash(page), before, 'the big image reaches the stations');
  await assertStillWorks(page, 'after a huge image');
  assert.deepEqual(problems, []);
});

test('a file that is not an image, or a truncated PNG or JPEG, gets a clear message', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await upload(page, 'notes.txt', 'text/plain', Buffer.from('hello, not a picture'));
  let m = await waitMessage(page, /notes\.txt/);
  assert.equal(m.kind, 'error');
  assert.match(m.text, /not a PNG, JPEG/);
  await upload(page, 'empty.png', 'image/png', Buffer.alloc(0));
  m = await waitMessage(page, /empty\.png/);
  assert.equal(m.kind, 'error');
  assert.match(m.text, /empty/);
  const png = greyPng(200, 200, discRow(200, 200));
  await upload(page, 'cut.png', 'image/png', png.subarray(0, 60));
  m = await waitMessage(page, /cut\.png/);
  assert.equal(m.kind, 'error', m.text);
  assert.match(m.text, /damaged or cut short/);
  const jpeg = readFileSync(join(ROOT, 'tests/fixtures/photo.jpg'));
  await upload(page, 'cut.jpg', 'image/jpeg', jpeg.subarray(0, 200));
  m = await waitMessage(page, /cut\.jpg/);
  // Chromium either refuses a cut JPEG or shows the part it has; either way it is said, and nothing breaks.
  assert.ok(m.kind === 'error' ? /damaged or cut short/.test(m.text) : /Showing cut\.jpg/.test(m.text), m.text);
  await assertStillWorks(page, 'after bad files');
  assert.deepEqual(problems, []);
});

/** The start of a baseline JPEG whose frame header declares width × height (no image data). */
function jpegDeclaring(width, height) {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

test('an image over the pixel limit is refused from its header as too large, not as damaged', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const N = MAX_PIXELS.toLocaleString('en-GB');
  // A valid 10,000×10,000 PNG (100 million pixels); a 69-byte PNG that declares 2,147,483,647×1
  // and holds nothing more; a JPEG header declaring 65,500×65,500.
  const cases = [
    ['ten-thousand.png', 'image/png', greyPng(10_000, 10_000, discRow(10_000, 10_000)), '10000×10000'],
    ['wide.png', 'image/png', Buffer.concat([greyPng(1, 1, () => Buffer.from([0])).subarray(0, 33), Buffer.alloc(36)]), '2147483647×1'],
    ['bomb.jpg', 'image/jpeg', jpegDeclaring(65_500, 65_500), '65500×65500'],
  ];
  cases[1][2].writeUInt32BE(2_147_483_647, 16);
  for (const [name, type, bytes, size] of cases) {
    await upload(page, name, type, bytes);
    const m = await waitMessage(page, new RegExp(name.replace('.', '\\.')), 60_000);
    assert.equal(m.kind, 'error', m.text);
    assert.ok(m.text.includes(`too large: ${size}, at most ${N} pixels`), m.text);
    assert.doesNotMatch(m.text, /damaged|cut short/);
  }
  // One pixel over the limit is refused as well.
  const over = greyPng(1, 1, () => Buffer.from([0]));
  over.writeUInt32BE(MAX_PIXELS + 1, 16);
  await upload(page, 'over.png', 'image/png', over);
  const m = await waitMessage(page, /over\.png/);
  assert.ok(m.text.includes(`too large: ${MAX_PIXELS + 1}×1`), m.text);
  await assertStillWorks(page, 'after images too large');
  assert.deepEqual(problems, []);
});

/** A safetensors file: an 8-byte little-endian header length, the JSON header, the data. */
function safetensors(header, data) {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}
function parseSafetensors(buf) {
  const n = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + n).toString('utf8')), data: buf.subarray(8 + n) };
}

test('a truncated, mis-shaped, wrongly typed or non-safetensors weights file is refused in words; the model keeps its weights', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.selectOption('select[data-control="preset"]', 'house');
  await frames(page, 3);
  const before = await inputHash(page);
  const good = readFileSync(join(ROOT, 'weights/stream.safetensors'));
  const { header, data } = parseSafetensors(good);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const first = names.find((k) => header[k].shape.length >= 2 && header[k].shape[0] !== header[k].shape[1]) ?? names[0];
  const wrongShape = structuredClone(header);
  wrongShape[first].shape = [...wrongShape[first].shape].reverse();
  if (wrongShape[first].shape.join() === header[first].shape.join()) wrongShape[first].shape = [1, wrongShape[first].shape.reduce((a, b) => a * b, 1)];
  // A dtype of the same width (I8 → U8, F32 → U32), so the file stays well-formed and only the
  // loader's own dtype check can refuse it.
  const wrongType = structuredClone(header);
  const sameWidth = { I8: 'U8', F32: 'U32' }[header[first].dtype];
  assert.ok(sameWidth, `a dtype of the same width as ${header[first].dtype}`);
  wrongType[first].dtype = sameWidth;
  const cases = [
    ['truncated.safetensors', good.subarray(0, Math.floor(good.length / 2)), /not a readable safetensors file/],
    ['shapes.safetensors', safetensors(wrongShape, data), new RegExp(`tensor ${first.replaceAll('.', '\\.')} has shape`)],
    ['dtype.safetensors', safetensors(wrongType, data), new RegExp(`tensor ${first.replaceAll('.', '\\.')} is ${sameWidth}; only F32 and I8 are read`)],
    ['photo.safetensors', readFileSync(join(ROOT, 'tests/fixtures/photo.jpg')), /not a readable safetensors file/],
    ['empty.safetensors', Buffer.alloc(0), /not a readable safetensors file/],
    // Over the size cap: refused before it is read (zeros would otherwise be "not readable").
    ['big.safetensors', Buffer.alloc(MAX_WEIGHTS_BYTES + 1), /it is 1,000,001 bytes, more than the 1,000,000 bytes/],
  ];
  for (const [name, buffer, expect] of cases) {
    await page.setInputFiles('input[data-control="weights-file"]', { name, mimeType: 'application/octet-stream', buffer });
    await page.waitForFunction((n) => document.querySelector('[data-role="weights-status"]').textContent.includes(n), name);
    const s = await page.evaluate(() => {
      const e = document.querySelector('[data-role="weights-status"]');
      return { text: e.textContent, kind: e.dataset.kind };
    });
    assert.equal(s.kind, 'error', `${name}: ${s.text}`);
    assert.match(s.text, /was not loaded: .+\. The stream wiring keeps its weights/, name);
    assert.match(s.text, expect, name);
    await frames(page, 2);
    assert.equal(await inputHash(page), before, `${name}: the stations show the same as before`);
  }
  // The good file still loads.
  await page.setInputFiles('input[data-control="weights-file"]', { name: 'stream.safetensors', mimeType: 'application/octet-stream', buffer: good });
  await page.waitForFunction(() => /^Loaded stream\.safetensors/.test(document.querySelector('[data-role="weights-status"]').textContent));
  await assertStillWorks(page, 'after bad weights');
  assert.deepEqual(problems, []);
});

test('a garbage URL state is ignored and the page works', async () => {
  const garbage = [
    '#input=preset:%%%:zz&strokes=!!!!~~~~@@@@&lesion=,,stream.V9,hierarchy.,',
    '#input=preset:no-such-thing:99999999999999999999&strokes=AAAA',
    `#strokes=${'A_'.repeat(60_000)}`,
    '#%E0%A4%A&input=%FF%FE&lesion=stream.V1,stream.V1,stream.V1',
    '#input=preset:house:-5&figure=<script>alert(1)</script>',
  ];
  for (const hash of garbage) {
    const { context, page, problems } = await openPage(env);
    try {
      await loadReady(page, `${env.url}${hash}`);
      await assertStillWorks(page, hash.slice(0, 40));
      assert.deepEqual(problems, [], hash.slice(0, 40));
    } finally {
      await context.close();
    }
  }
});

/** Keep every text the status line shows (a notice clears itself after 10 s; a busy machine can take longer to be ready). */
async function recordStatus(page) {
  await page.addInitScript(() => {
    const said = (window.__statusSaid = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-role="status"]')?.textContent;
      if (text && said.at(-1) !== text) said.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return async () => (await page.evaluate(() => window.__statusSaid)).join('\n');
}

test('a link naming a preset the page does not have says so, in plain words, and the paper starts blank', async () => {
  const cases = [
    ['#input=preset:no-such-thing:3', '“no-such-thing”'],
    // Direction overrides and line separators from a link are not let loose in the sentence.
    ['#input=preset:%E2%80%AEgnp.exe%E2%80%A8x', '“\ufffdgnp.exe\ufffdx”'],
  ];
  for (const [hash, shown] of cases) {
    const { context, page, problems } = await openPage(env);
    try {
      const said = await recordStatus(page);
      await loadReady(page, `${env.url}${hash}`);
      const status = await said();
      assert.ok(status.includes(`This link asks for a preset called ${shown}, which this page does not have; the paper starts blank.`), status);
      assert.equal(await page.evaluate(() => document.querySelector('[data-role="input-note"]').dataset.blank), 'true', 'blank paper');
      assert.deepEqual(problems, [], hash);
    } finally {
      await context.close();
    }
  }
  // A preset the page has gives no such notice.
  const { context, page } = await openPage(env);
  try {
    const said = await recordStatus(page);
    await loadReady(page, `${env.url}#input=preset:house:2`);
    assert.doesNotMatch(await said(), /preset called/);
  } finally {
    await context.close();
  }
});

/** A link's strokes= value: one zigzag stroke of n points (far enough apart that none is thinned). */
function zigzag(n) {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const code = (v) => B64[v >> 6] + B64[v & 63];
  let s = '';
  for (let i = 0; i < n; i++) s += code(i % 2 ? 3686 : 410) + code(Math.round((4095 * i) / n));
  return s;
}

test('a drawing in a link is read up to the points the page itself writes, and a longer one is cut with a notice', async () => {
  for (const [n, cut] of [[MAX_POINTS, false], [MAX_POINTS + 1, true], [20_000, true]]) {
    const { context, page, problems } = await openPage(env);
    try {
      // Every text the status line shows, kept: a notice clears itself after 10 s, and on a
      // busy machine the page can take longer than that to become ready.
      await page.addInitScript(() => {
        const said = (window.__statusSaid = []);
        new MutationObserver(() => {
          const text = document.querySelector('[data-role="status"]')?.textContent;
          if (text && said.at(-1) !== text) said.push(text);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await loadReady(page, `${env.url}#strokes=${zigzag(n)}`);
      const status = (await page.evaluate(() => window.__statusSaid)).join('\n');
      if (cut) assert.match(status, new RegExp(`more than ${MAX_POINTS} points .*only the first ${MAX_POINTS} are shown`), `${n} points`);
      else assert.doesNotMatch(status, /points/, `${n} points`);
      // The page writes back what it drew (a cut link is rewritten): every point up to the cap.
      await page.waitForFunction((want) => (new URLSearchParams(location.hash.slice(1)).get('strokes') ?? '').replaceAll('~', '').length === 4 * want, Math.min(n, MAX_POINTS));
      assert.deepEqual(problems, [], `${n} points`);
    } finally {
      await context.close();
    }
  }
});

// ---- 2. faults ----

test('the webcam: refused and absent are explained; unplugged mid-stream keeps the last frame', async () => {
  // Refused, and absent.
  for (const [name, re] of [['NotAllowedError', /refused/], ['NotFoundError', /No camera was found/]]) {
    const { context, page, problems } = await openPage(env);
    try {
      await page.addInitScript((n) => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('test', n));
      }, name);
      await loadReady(page, env.url);
      await page.click('[data-action="webcam"]');
      const m = await waitMessage(page, re);
      assert.equal(m.kind, 'error');
      assert.equal(await page.getAttribute('[data-action="webcam"]', 'aria-pressed'), 'false');
      await assertStillWorks(page, name);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
  // Unplugged: the track ends while the stream is live.
  const { context, page, problems } = await openPage(env);
  try {
    await context.grantPermissions(['camera'], { origin: env.origin });
    await page.addInitScript(() => {
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      const streams = [];
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await real(c);
        streams.push(s);
        return s;
      };
      // The test's own handle (the page itself adds no global).
      Object.defineProperty(window, '__testUnplug', {
        value: () => {
          for (const s of streams) for (const t of s.getVideoTracks()) {
            t.stop();
            t.dispatchEvent(new Event('ended'));
          }
        },
      });
    });
    await loadReady(page, env.url);
    const blank = await inputHash(page);
    await page.click('[data-action="webcam"]');
    await page.waitForFunction(() => document.querySelector('[data-action="webcam"]').getAttribute('aria-pressed') === 'true', null, { timeout: 20_000 });
    // A camera frame has reached the stations (so there is a last frame to keep).
    await until(async () => (await inputHash(page)) !== blank, { timeout: 20_000, what: 'a camera frame to reach the stations' });
    await page.evaluate(() => window.__testUnplug());
    const m = await waitMessage(page, /camera stopped/);
    assert.equal(m.kind, 'error');
    assert.equal(await page.getAttribute('[data-action="webcam"]', 'aria-pressed'), 'false');
    assert.equal(await page.evaluate(() => document.querySelector('[data-role="input-note"]').dataset.blank), 'false', 'the last frame is kept');
    await assertStillWorks(page, 'after unplugging');
    // And the camera can be started again.
    await page.click('[data-action="webcam"]');
    await page.waitForFunction(() => document.querySelector('[data-action="webcam"]').getAttribute('aria-pressed') === 'true', null, { timeout: 20_000 });
    await page.click('[data-action="webcam"]');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a worker that throws is reported in the figure; the next run works', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const worker = '**/js/worker.js';
  await page.route(worker, (route) => route.fulfill({
    status: 200,
    headers: { 'Content-Type': 'text/javascript', 'Content-Security-Policy': CSP },
    body: "throw new Error('a worker that throws, for the test');",
  }));
  const fig = page.locator('figure[data-experiment="virtual-weights"]');
  await fig.scrollIntoViewIfNeeded();
  await fig.locator('button[data-action="run"]').click();
  await page.waitForFunction(() => /failed/i.test(document.querySelector('figure[data-experiment="virtual-weights"]').textContent), null, { timeout: 30_000 });
  await page.unroute(worker);
  await fig.locator('button[data-action="run"]').click();
  await page.waitForFunction(() => document.querySelector('figure[data-experiment="virtual-weights"]').dataset.origin === 'live'
    || /live run/i.test(document.querySelector('figure[data-experiment="virtual-weights"]').textContent), null, { timeout: 120_000 });
  await assertStillWorks(page, 'after a worker error');
  assert.deepEqual(unexpected(problems, /worker/i, /results\.json/, /status of 404/), []);
});

test('an experiment cancelled half-way and started again runs to the end', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const name = 'receptive-fields';
  const sel = `figure[data-experiment="${name}"]`;
  const fig = page.locator(sel);
  await fig.scrollIntoViewIfNeeded();
  // The first run's worker reports progress and never finishes, so Cancel always lands mid-run
  // (a real quick run can end before the click).
  const unstall = await stallWorker(page);
  await fig.locator('button[data-action="run"]').click();
  await page.waitForFunction((s) => document.querySelector(`${s} progress`).value > 0.05, sel, { timeout: 60_000 });
  await fig.locator('button[data-action="cancel"]').click();
  await page.waitForFunction((s) => document.querySelector(s).dataset.running === 'false', sel);
  assert.match(await fig.locator('[data-role="status"]').textContent(), /Cancelled/);
  // Again, straight away, with the real worker: a fresh worker, from the start, to the end.
  await unstall();
  await fig.locator('button[data-action="run"]').click();
  await page.waitForFunction((s) => document.querySelector(s).dataset.running === 'true', sel);
  await page.waitForFunction((s) => document.querySelector(s).dataset.running === 'false', sel, { timeout: 240_000 });
  assert.equal(await fig.getAttribute('data-state'), 'live', await fig.locator('[data-role="status"]').textContent());
  await assertStillWorks(page, 'after a cancelled and restarted run');
  assert.deepEqual(unexpected(problems, /results\.json/, /status of 404/), []);
});

test('wasm that fails to load, or a browser without wasm SIMD, gets a clear message in the status line', async () => {
  const cases = [
    ['no SIMD', async (page) => page.addInitScript(() => {
      const real = WebAssembly.validate;
      WebAssembly.validate = (bytes) => (new Uint8Array(bytes).includes(0xfd) ? false : real(bytes));
    }), /128-bit SIMD/],
    ['no wasm file', async (page) => page.route('**/pkg/ventral_stream_bg.wasm', (r) => r.fulfill({ status: 404, body: 'gone' })), /could not be loaded/],
    ['broken wasm', async (page) => page.route('**/pkg/ventral_stream_bg.wasm', (r) => r.fulfill({ status: 200, headers: { 'Content-Type': 'application/wasm' }, body: Buffer.from([0, 97, 115, 109, 1, 0, 0, 0, 99]) })), /could not be loaded/],
    ['no glue', async (page) => page.route('**/pkg/ventral_stream.js', (r) => r.fulfill({ status: 404, body: 'gone' })), /could not be loaded/],
  ];
  for (const [label, setup, re] of cases) {
    const { context, page } = await openPage(env);
    try {
      await setup(page);
      await page.goto(env.url);
      await page.waitForFunction(() => document.documentElement.dataset.error === 'true', null, { timeout: 60_000 });
      const s = await page.evaluate(() => {
        const e = document.querySelector('[data-role="status"]');
        return { text: e.textContent, error: e.dataset.error, visible: e.getBoundingClientRect().height > 0 };
      });
      assert.equal(s.error, 'true', label);
      assert.match(s.text, re, `${label}: ${s.text}`);
      assert.ok(s.visible, `${label}: the message is visible`);
      // The prose is still there: not a blank page.
      assert.ok((await page.evaluate(() => document.querySelector('main').textContent.length)) > 1000, label);
    } finally {
      await context.close();
    }
  }
});

test('a Rust panic is reported and the page recovers with a fresh Viewer (lesions and weights kept)', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.selectOption('select[data-control="preset"]', 'house');
  await page.locator('#fig-lesions label.switch:has(input[data-lesion="stream.V2"])').click();
  await frames(page, 3);
  const before = await inputHash(page);
  const r = await testHook(page, { action: 'panic' });
  assert.equal(r.error, undefined);
  assert.equal(r.recoveries, 1);
  const status = await page.evaluate(() => {
    const e = document.querySelector('[data-role="status"]');
    return { text: e.textContent, kind: e.dataset.kind, error: e.dataset.error ?? '' };
  });
  assert.match(status.text, /restarted/);
  assert.equal(status.kind, 'notice');
  assert.notEqual(status.error, 'true');
  await frames(page, 3);
  assert.equal(await inputHash(page), before, 'the same picture, lesion kept, after recovery');
  // Twice more, and it still works.
  await testHook(page, { action: 'panic' });
  await testHook(page, { action: 'panic' });
  await assertStillWorks(page, 'after panics');
  assert.deepEqual(unexpected(problems, /deliberate panic/, /panicked at/), []);
});

// ---- 4. privacy and embedding ----

test('embed.html with an unknown figure name, even one every object has, says so and lists the figures', async () => {
  for (const name of ['__proto__', 'toString', 'constructor', 'no-such-figure']) {
    const { context, page, problems } = await openPage(env);
    try {
      await page.goto(`${env.url}embed.html#figure=${name}`);
      // (a name taken for a figure would start one: wait for either outcome, then look)
      await page.waitForFunction(() => {
        const el = document.querySelector('stream-figure');
        return el?.dataset.error === 'true' || el?.dataset.ready === 'true';
      }, null, { timeout: 30_000 });
      const text = await page.evaluate(() => document.querySelector('stream-figure').shadowRoot.textContent);
      assert.equal(await page.evaluate(() => document.querySelector('stream-figure').dataset.error), 'true', `${name}: ${text.slice(0, 80)}`);
      assert.match(text, new RegExp(`No figure called “${name}”\\. Try one of: input, .*stations`), name);
      assert.doesNotMatch(text, /undefined/, name);
      assert.deepEqual(problems, [], name);
    } finally {
      await context.close();
    }
  }
});

const HOSTILE_CSS = `
* { all: unset !important; }
canvas { display: none !important; }
div { width: 1px !important; overflow: hidden !important; }
stream-figure { display: none !important; width: 0 !important; height: 0 !important; }
`;
const HOST_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host page</title>
<link rel="stylesheet" href="/hostile-host.css">
<script type="module" src="/hostile-host.js"></script></head>
<body><div class="wrap"><div><stream-figure figure="stations"></stream-figure></div></div></body></html>`;
const HOST_JS = `
const before = new Set(Object.getOwnPropertyNames(window));
await import('/js/stream-figure.js');
const added = Object.getOwnPropertyNames(window).filter((k) => !before.has(k));
document.documentElement.dataset.leaked = JSON.stringify(added);
`;

test('the embed survives a host page with hostile CSS, under the strict CSP, and leaks no globals', async (t) => {
  const { page, problems } = await pageFor(t, env);
  const headers = (type) => ({ 'Content-Type': type, 'Content-Security-Policy': CSP });
  await page.route('**/hostile-host.html', (r) => r.fulfill({ status: 200, headers: headers('text/html'), body: HOST_HTML }));
  await page.route('**/hostile-host.css', (r) => r.fulfill({ status: 200, headers: headers('text/css'), body: HOSTILE_CSS }));
  await page.route('**/hostile-host.js', (r) => r.fulfill({ status: 200, headers: headers('text/javascript'), body: HOST_JS }));
  await page.goto(`${env.url}hostile-host.html`);
  await page.waitForFunction(() => document.querySelector('stream-figure')?.dataset.ready === 'true', null, { timeout: 60_000 });
  assert.deepEqual(JSON.parse(await page.evaluate(() => document.documentElement.dataset.leaked)), [], 'no globals');
  const look = () => page.evaluate(() => {
    const el = document.querySelector('stream-figure');
    const box = el.getBoundingClientRect();
    const canvases = [...el.shadowRoot.querySelectorAll('canvas')];
    const paper = el.shadowRoot.querySelector('canvas[data-role="input"]').getBoundingClientRect();
    return {
      width: box.width,
      height: box.height,
      display: getComputedStyle(el).display,
      visibleCanvases: canvases.filter((c) => c.getBoundingClientRect().width > 4 && getComputedStyle(c).display !== 'none').length,
      paper: { w: paper.width, h: paper.height },
      hash: canvases.filter((c) => c.dataset.role !== 'input').map((c) => c.toDataURL()).join('|').length + ':' +
        canvases.filter((c) => c.dataset.role !== 'input').map((c) => c.toDataURL().slice(-64)).join(''),
    };
  });
  const s = await look();
  assert.equal(s.display, 'block');
  assert.ok(s.width >= 200 && s.height >= 200, `the figure has a box: ${JSON.stringify(s)}`);
  assert.ok(s.visibleCanvases >= 4, `its canvases are shown: ${s.visibleCanvases}`);
  assert.ok(s.paper.w >= 100 && s.paper.h >= 100, `the drawing surface is usable: ${JSON.stringify(s.paper)}`);
  // It works: a stroke on its paper changes its stations.
  const paper = page.locator('stream-figure').locator('canvas[data-role="input"]');
  await drawStroke(page, [[0.2, 0.2], [0.8, 0.7]], paper);
  await frames(page, 3);
  assert.notEqual((await look()).hash, s.hash, 'drawing changes the embedded figure');
  assert.deepEqual(problems, []);
});

test('the article and embed.html load under the CSP with no inline script and no request elsewhere', async () => {
  for (const path of ['', 'embed.html#figure=microcircuit']) {
    const { context, page, problems } = await openPage(env);
    try {
      const res = await page.goto(`${env.url}${path}`);
      assert.equal(res.headers()['content-security-policy'], CSP);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
      // (style attributes set from scripts through the CSSOM are allowed by style-src 'self'; a
      // blocked inline style or script would show up as a CSP violation in problems)
      const inline = await page.evaluate(() => [...document.querySelectorAll('script')].filter((s) => !s.src && s.textContent.trim()).length
        + [...document.querySelectorAll('style')].length);
      assert.equal(inline, 0, 'no inline script or style element');
      assert.deepEqual(problems, [], path || 'index');
    } finally {
      await context.close();
    }
  }
});
