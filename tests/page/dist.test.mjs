// The release (issue 14, item 10): tools/dist.sh (what `./build.sh dist` runs) writes one
// versioned npm package tarball; installed with `npm install ./file.tgz` into an empty folder
// (offline: no registry), served under a subpath beside a plain blog page, it embeds two
// figures that render and run, with no console error and no request leaving the origin.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawStroke, frames, pageFor, ROOT, startAll } from './harness.mjs';

const NAME = 'stations-in-the-stream';
const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const BASE = `/node_modules/${NAME}`;

const BLOG_POST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>My blog: how we see</title>
<link rel="icon" href="${BASE}/favicon.svg" type="image/svg+xml">
<script type="module" src="${BASE}/js/stream-figure.js"></script></head>
<body><main><h1>How we see</h1><p>A post with two live figures from the package.</p>
<stream-figure figure="microcircuit" station="V2"></stream-figure>
<p>And the two wirings side by side, in a frame:</p>
<iframe title="Both wirings" src="${BASE}/embed.html#figure=stations" width="900" height="1400"></iframe>
</main></body></html>`;

let dir;
let tarball;
let env;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dist-test-'));
  const out = join(dir, 'out');
  execFileSync('bash', [join(ROOT, 'tools/dist.sh'), out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const made = readdirSync(out);
  assert.deepEqual(made, [`${NAME}-${VERSION}.tgz`], 'one versioned tarball');
  tarball = join(out, made[0]);
  const site = join(dir, 'blog');
  mkdirSync(site);
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'my-blog', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: site, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(join(site, 'post.html'), BLOG_POST);
  env = await startAll({ root: site });
});
after(async () => {
  await env?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball is an npm package whose entry point is the element, with the wasm, glue, CSS, embed.html, a README and the licence', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'js/stream-figure.js', 'pkg/ventral_stream.js', 'pkg/ventral_stream_bg.wasm', 'css/base.css', 'css/figures.css', 'embed.html']) {
    assert.ok(files.includes(`package/${f}`), `${f} is in the package`);
  }
  const installed = join(dir, 'blog', 'node_modules', NAME);
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(pkg.name, NAME);
  assert.equal(pkg.version, VERSION);
  assert.equal(pkg.main, 'js/stream-figure.js');
  assert.ok(existsSync(join(installed, pkg.main)));
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'nothing else to install');
  assert.match(readFileSync(join(installed, 'README.md'), 'utf8'), /<stream-figure figure=/);
});

test('a blog page embeds two figures from the installed package: they render and run, nothing else is fetched', async (t) => {
  const { page, problems } = await pageFor(t, env);
  const paths = [];
  page.on('request', (req) => paths.push(new URL(req.url()).pathname));
  await page.goto(`${env.origin}/post.html`);
  // Ready, or failed with a message in its status line (then say which).
  await page.waitForFunction(() => {
    const el = document.querySelector('stream-figure');
    return el?.dataset.ready === 'true' || el?.dataset.error === 'true';
  }, null, { timeout: 60_000 });
  const status = await page.evaluate(() => document.querySelector('stream-figure').shadowRoot.querySelector('[data-role="status"]')?.textContent);
  assert.equal(await page.evaluate(() => document.querySelector('stream-figure').dataset.ready), 'true', status);
  const frame = page.frameLocator('iframe');
  await frame.locator('html[data-ready="true"]').waitFor({ timeout: 60_000 });
  const drawn = (root) => root.evaluate((el) => {
    const r = el.shadowRoot ?? el;
    return [...r.querySelectorAll('canvas')].filter((c) => c.width > 1).map((c) => c.toDataURL()).join('|');
  });
  // Both render: canvases with pixels in the element and in the frame's element.
  const element = page.locator('stream-figure');
  const framed = frame.locator('stream-figure');
  assert.ok((await drawn(element)).length > 1000, 'the element draws');
  assert.ok((await drawn(framed)).length > 1000, 'the framed figure draws');
  // And run: a stroke on each one's paper changes what it shows.
  for (const [label, fig, paper] of [
    ['element', element, element.locator('canvas[data-role="input"]')],
    ['frame', framed, framed.locator('canvas[data-role="input"]')],
  ]) {
    const before = await drawn(fig);
    await drawStroke(page, [[0.2, 0.2], [0.8, 0.7], [0.3, 0.8]], paper);
    await frames(page, 3);
    assert.notEqual(await drawn(fig), before, `drawing changes the ${label}`);
  }
  assert.deepEqual(problems, []);
  const outside = paths.filter((p) => p !== '/post.html' && !p.startsWith(`${BASE}/`));
  assert.deepEqual(outside, [], 'every request but the post is for the package');
});
