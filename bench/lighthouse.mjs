#!/usr/bin/env node
// Lighthouse on the article (issue 15): the page served with its CSP (tools/serve.mjs), the
// system Chromium with the flags of tools/chromium.mjs, the mobile and desktop presets (with
// Lighthouse's simulated throttling), several runs, medians. Also the start-up long tasks of a
// plain headless load, seen by a PerformanceObserver('longtask') in the page. bench.mjs calls
// measure() for ./build.sh bench; run alone to iterate:
//
//   node bench/lighthouse.mjs [--runs 3] [--presets mobile,desktop] [--before DIR] [--out FILE]
//
// --before DIR also measures DIR (another www/, e.g. an older checkout with this build's
// www/pkg copied in), interleaved run by run with this tree's www/, so that a machine busy with
// other work slows both alike. Writes bench/results/lighthouse.json unless --out says otherwise.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';
import { startServer } from '../tools/serve.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
/** How long after data-ready a plain load is watched for long tasks nobody started. */
const SETTLE_MS = 4000;

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One Lighthouse run in a fresh Chromium. */
async function lighthouseRun(url, preset) {
  const chrome = await chromeLauncher.launch({ chromePath: chromiumPath(), chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
  try {
    const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES };
    const { lhr } = await lighthouse(url, flags, preset === 'desktop' ? desktopConfig : undefined);
    const audit = (id) => lhr.audits[id]?.numericValue ?? null;
    const longTasks = (lhr.audits['long-tasks']?.details?.items ?? []).map((t) => ({
      url: t.url,
      start_ms: Math.round(t.startTime),
      duration_ms: Math.round(t.duration),
    }));
    return {
      scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? NaN) * 100)])),
      tbt_ms: audit('total-blocking-time'),
      fcp_ms: audit('first-contentful-paint'),
      lcp_ms: audit('largest-contentful-paint'),
      speed_index_ms: audit('speed-index'),
      cls: audit('cumulative-layout-shift'),
      tti_ms: audit('interactive'),
      benchmark_index: lhr.environment?.benchmarkIndex ?? null,
      long_tasks: longTasks,
      lcp_element: lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? null,
      lcp_phases: lhr.audits['largest-contentful-paint-element']?.details?.items?.[1]?.items ?? null,
      warnings: lhr.runWarnings ?? [],
    };
  } finally {
    await chrome.kill();
  }
}

/**
 * A plain headless load (no throttling): every main-thread task over 50 ms from navigation
 * until SETTLE_MS after data-ready, and when the first paint was.
 */
async function longTaskRun(url) {
  // A fresh browser each time, like each Lighthouse run.
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  try {
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start_ms: Math.round(e.startTime), duration_ms: Math.round(e.duration) });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    await page.waitForTimeout(SETTLE_MS);
    return await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const ready = performance.getEntriesByType('navigation')[0];
      return {
        first_paint_ms: fcp === null ? null : Math.round(fcp),
        load_event_ms: ready ? Math.round(ready.loadEventEnd) : null,
        tasks: window.__longTasks,
        after_first_paint: window.__longTasks.filter((t) => fcp !== null && t.start_ms + t.duration_ms > fcp),
      };
    });
  } finally {
    await browser.close();
  }
}

function summarise(runs) {
  const pick = (f) => median(runs.map(f));
  return {
    runs: runs.length,
    performance: pick((r) => r.scores.performance),
    accessibility: pick((r) => r.scores.accessibility),
    best_practices: pick((r) => r.scores['best-practices']),
    seo: pick((r) => r.scores.seo),
    tbt_ms: pick((r) => r.tbt_ms),
    fcp_ms: pick((r) => r.fcp_ms),
    lcp_ms: pick((r) => r.lcp_ms),
    speed_index_ms: pick((r) => r.speed_index_ms),
    cls: pick((r) => r.cls),
    tti_ms: pick((r) => r.tti_ms),
    benchmark_index: pick((r) => r.benchmark_index),
    performance_each: runs.map((r) => r.scores.performance),
    tbt_each_ms: runs.map((r) => Math.round(r.tbt_ms)),
    long_tasks_each: runs.map((r) => r.long_tasks.length),
  };
}

/**
 * Measure `sites` ({name: wwwDirectory}), interleaved: each run goes through every site and
 * preset in turn, the order of the sites alternating from run to run.
 */
export async function measure({ sites = { after: join(ROOT, 'www') }, runs = 3, presets = ['mobile', 'desktop'], log = console.log } = {}) {
  const servers = {};
  for (const [name, dir] of Object.entries(sites)) servers[name] = await startServer({ root: dir, port: 0, csp: true });
  const raw = Object.fromEntries(Object.keys(sites).map((n) => [n, { lighthouse: Object.fromEntries(presets.map((p) => [p, []])), longtasks: [] }]));
  try {
    const names = Object.keys(sites);
    for (let i = 0; i < runs; i++) {
      const order = i % 2 ? [...names].reverse() : names;
      for (const name of order) {
        const url = servers[name].url;
        for (const preset of presets) {
          const r = await lighthouseRun(url, preset);
          raw[name].lighthouse[preset].push(r);
          log(`lighthouse ${name} ${preset} run ${i + 1}: performance ${r.scores.performance}, accessibility ${r.scores.accessibility}, best practices ${r.scores['best-practices']}, SEO ${r.scores.seo}; TBT ${Math.round(r.tbt_ms)} ms, LCP ${Math.round(r.lcp_ms)} ms, CLS ${r.cls?.toFixed(3)}; ${r.long_tasks.length} long tasks; benchmarkIndex ${r.benchmark_index}`);
        }
        const lt = await longTaskRun(url);
        raw[name].longtasks.push(lt);
        log(`long tasks ${name} run ${i + 1}: ${lt.tasks.length} (${lt.after_first_paint.length} after first paint at ${lt.first_paint_ms} ms): ${lt.tasks.map((t) => `${t.duration_ms} ms at ${t.start_ms}`).join(', ') || 'none'}`);
      }
    }
  } finally {
    for (const s of Object.values(servers)) await s.close();
  }
  const out = {};
  for (const [name, r] of Object.entries(raw)) {
    out[name] = {
      ...Object.fromEntries(presets.map((p) => [p, summarise(r.lighthouse[p])])),
      longtasks: {
        runs: r.longtasks.length,
        count_median: median(r.longtasks.map((l) => l.tasks.length)),
        after_first_paint_median: median(r.longtasks.map((l) => l.after_first_paint.length)),
        longest_ms: Math.max(0, ...r.longtasks.flatMap((l) => l.tasks.map((t) => t.duration_ms))),
        each: r.longtasks,
      },
      raw: r.lighthouse,
    };
  }
  return out;
}

/** The keys bench/results/latest.json carries, from one site's summary. */
export function headline(site) {
  return {
    lighthouse_mobile_performance: site.mobile?.performance ?? null,
    lighthouse_desktop_performance: site.desktop?.performance ?? null,
    lighthouse_mobile_tbt_ms: site.mobile?.tbt_ms ?? null,
    benchmarkIndex: site.mobile?.benchmark_index ?? site.desktop?.benchmark_index ?? null,
  };
}

/** A few lines for a person: medians per site and preset. */
export function report(results) {
  const lines = [];
  for (const [name, site] of Object.entries(results)) {
    for (const preset of ['mobile', 'desktop']) {
      const s = site[preset];
      if (!s) continue;
      lines.push(`${name.padEnd(7)} ${preset.padEnd(8)} performance ${s.performance} (runs ${s.performance_each.join(', ')}), accessibility ${s.accessibility}, best practices ${s.best_practices}, SEO ${s.seo}; TBT ${Math.round(s.tbt_ms)} ms (${s.tbt_each_ms.join(', ')}), FCP ${Math.round(s.fcp_ms)} ms, LCP ${Math.round(s.lcp_ms)} ms, SI ${Math.round(s.speed_index_ms)} ms, CLS ${s.cls?.toFixed(3)}, TTI ${Math.round(s.tti_ms)} ms; benchmarkIndex ${s.benchmark_index}`);
    }
    const l = site.longtasks;
    lines.push(`${name.padEnd(7)} long tasks in a plain headless load (412×823): median ${l.count_median} (${l.after_first_paint_median} after first paint), longest ${l.longest_ms} ms over ${l.runs} loads`);
  }
  return lines.join('\n');
}

function parseArgs(argv) {
  const o = { runs: 3, presets: ['mobile', 'desktop'], before: null, out: join(HERE, 'results', 'lighthouse.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--presets') o.presets = value().split(',');
    else if (a === '--before') o.before = resolve(value());
    else if (a === '--out') o.out = resolve(value());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs needs a positive integer');
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = parseArgs(process.argv.slice(2));
  const sites = o.before ? { before: o.before, after: join(ROOT, 'www') } : { after: join(ROOT, 'www') };
  const results = await measure({ sites, runs: o.runs, presets: o.presets });
  const text = report(results);
  console.log(`\n${text}`);
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify({ when: new Date().toISOString(), sites, results, report: text }, null, 2)}\n`);
  console.log(`==> wrote ${o.out}`);
}
