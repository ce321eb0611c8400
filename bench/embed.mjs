// The cold load of an embed (issue 27): the release's example post (examples/post.html, four
// figures: input, stations, deletion, verdicts) served from one origin, the package from
// another, each load in a fresh browser context (empty cache). Timed from navigation to the
// paper's first answer (the input figure's data-ready) and to every figure drawn, with every
// byte the post downloads. The viewport is as tall as the post, so every figure is built at once.
//
//   node bench/embed.mjs [--runs 5]     (bench.mjs runs it as the suite `embed`)
//
// The package is made by tools/dist.sh (www/pkg must be built) and unpacked, not installed:
// the same files npm install puts in node_modules.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';
import { startServer } from '../tools/serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIGURES = ['input', 'stations', 'deletion', 'verdicts'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * @param {import('playwright-core').Browser} browser  a browser with default flags
 * @param {number} runs
 */
export async function embedSuite(browser, runs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-embed-'));
  const servers = [];
  try {
    execFileSync('bash', [join(ROOT, 'tools/dist.sh'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir]);
    const pkgDir = join(dir, 'package');
    const pkg = await startServer({ root: pkgDir, port: 0 });
    servers.push(pkg);
    pkg.server.prependListener('request', (_req, res) => res.setHeader('Access-Control-Allow-Origin', '*'));
    // The blog: the example post with its one script address pointed at the package's origin.
    const blogDir = join(dir, 'blog');
    execFileSync('mkdir', ['-p', blogDir]);
    const post = readFileSync(join(pkgDir, 'examples', 'post.html'), 'utf8').replace('src="../js/stream-figure.js"', `src="${pkg.url}js/stream-figure.js"`);
    writeFileSync(join(blogDir, 'post.html'), post);
    for (const f of ['post.js', 'post.css']) copyFileSync(join(pkgDir, 'examples', f), join(blogDir, f));
    copyFileSync(join(pkgDir, 'favicon.svg'), join(blogDir, 'favicon.ico'));
    const blog = await startServer({ root: blogDir, port: 0 });
    servers.push(blog);

    const loads = [];
    const problems = [];
    let files = null;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 6000 } });
      const page = await context.newPage();
      const fetched = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfinished', async (r) => {
        // (a worker started through a blob: URL is listed too, but downloads nothing)
        if (r.url().startsWith('http')) fetched.push({ path: new URL(r.url()).pathname, bytes: (await r.sizes()).responseBodySize });
      });
      await page.addInitScript(() => {
        // Before the post's own scripts: note when each figure says it is drawn.
        window.__readyAt = {};
        document.addEventListener('ready', (e) => {
          const t = /** @type {HTMLElement} */ (e.target);
          if (t?.localName === 'stream-figure') window.__readyAt[t.getAttribute('figure')] = performance.now();
        }, true);
      });
      try {
        await page.goto(`${blog.url}post.html`);
        await page.waitForFunction((n) => n.every((f) => window.__readyAt[f] !== undefined), FIGURES, { timeout: 120_000 });
        const at = await page.evaluate(() => window.__readyAt);
        await page.waitForTimeout(300); // the last responses' sizes
        loads.push({ input_ready_ms: at.input, all_ready_ms: Math.max(...FIGURES.map((f) => at[f])), each_ms: at });
        files ??= fetched;
      } finally {
        await context.close();
      }
    }
    const raw = files.reduce((s, f) => s + f.bytes, 0);
    // Gzipped at level 9, file by file, as a server that compresses would send them.
    const gzip = files.reduce((s, f) => {
      const local = f.path === '/post.html' || f.path.startsWith('/post.') || f.path === '/favicon.ico' ? join(blogDir, f.path) : join(pkgDir, f.path);
      try {
        return s + gzipSync(readFileSync(local), { level: 9 }).length;
      } catch {
        return s + f.bytes;
      }
    }, 0);
    return {
      runs: loads.length,
      input_ready_median_ms: median(loads.map((l) => l.input_ready_ms)),
      all_ready_median_ms: median(loads.map((l) => l.all_ready_ms)),
      loads,
      files: files.length,
      bytes_raw: raw,
      bytes_gzip9: gzip,
      by_file: files,
      problems,
      note: 'examples/post.html from one 127.0.0.1 origin, the package from another; fresh context each (empty cache); default browser flags; viewport 1280×6000',
    };
  } finally {
    for (const s of servers) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line for the report. */
export function embedReport(r) {
  if (!r || r.error) return `  embed: ${r?.error ?? 'did not run'}`;
  return `  the example post (4 figures, cross-origin): navigation → the paper's first answer ${r.input_ready_median_ms.toFixed(0)} ms, → every figure drawn ${r.all_ready_median_ms.toFixed(0)} ms (medians of ${r.runs}); ${r.files} files, ${r.bytes_raw} bytes as served, ${r.bytes_gzip9} gzipped (level 9)${r.problems.length ? `; problems: ${r.problems.join('; ')}` : ''}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 5;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    const r = await embedSuite(browser, runs);
    console.log(embedReport(r));
    console.log(JSON.stringify({ ...r, by_file: r.by_file.map((f) => `${f.path} ${f.bytes}`) }, null, 2));
  } finally {
    await browser.close();
  }
}
