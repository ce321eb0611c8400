#!/usr/bin/env node
// A small, dependency-free static file server for www/.
//
//   node tools/serve.mjs [--root www] [--host 127.0.0.1] [--port 8000] [--csp]
//
// Port 0 picks a free port. --csp sends the Content-Security-Policy that the page must satisfy.
// The page tests import { startServer } from this file.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// base-uri and form-action: the page has no <base> and no form, so an injected one goes nowhere.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'none'; form-action 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * The largest file served. The biggest file the page has is its results file, about 1.3 MB; a
 * file of this size cannot be one of the page's own, and nothing is read past it.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Control characters (C0, DEL, C1) as \xNN, so a request path cannot drive the terminal; and
 * the characters that reorder or break a line where the terminal shows it (bidi embeddings,
 * overrides, isolates and marks; the line and paragraph separators; zero-width ones) as \u{NNNN},
 * so a log line reads as it was written.
 */
export function escapeControls(text) {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`);
}

/**
 * The segments of a decoded URL path with "." and ".." resolved, or null when ".." climbs
 * above the root. Redirects and file names are both built from these, never from the raw path.
 */
export function pathSegments(path) {
  const out = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(s);
  }
  return out;
}

/**
 * Start serving `root`. Resolves to { server, url, close() } once listening. `log`: true
 * writes a line a request to the console, a function receives the lines instead.
 * Refused: paths above the root, dotfiles and dot-directories, and anything whose real path
 * (symbolic links resolved) lies outside the root.
 * @param {{root?: string, host?: string, port?: number, csp?: boolean, log?: boolean | ((line: string) => void)}} opts
 */
export function startServer({ root = 'www', host = '127.0.0.1', port = 0, csp = false, log = false } = {}) {
  const base = resolve(root);
  const writeLog = typeof log === 'function' ? log : log ? (line) => console.log(line) : null;

  const server = createServer(async (req, res) => {
    let shown = req.url ?? '';
    // Every answer, errors and redirects too, is sent with nosniff and (with --csp) the policy.
    const always = { 'X-Content-Type-Options': 'nosniff', ...(csp ? { 'Content-Security-Policy': CSP } : {}) };
    const send = (status, body, headers = {}) => {
      writeLog?.(`${req.method} ${escapeControls(shown)} ${status}`);
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...always, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    shown = path;
    if (path.includes('\0')) return send(400, 'bad request\n');
    const segments = pathSegments(path);
    if (!segments) return send(403, 'forbidden\n');
    if (segments.some((s) => s.startsWith('.'))) return send(403, 'forbidden\n');

    try {
      const realBase = await realpath(base);
      let file = join(base, ...segments);
      let info = await stat(file);
      if (info.isDirectory()) {
        // Same-origin and relative to the root: one leading slash, each segment re-encoded.
        if (!path.endsWith('/')) {
          return send(301, '', { Location: `/${segments.map(encodeURIComponent).join('/')}${segments.length ? '/' : ''}` });
        }
        file = join(file, 'index.html');
        info = await stat(file);
      }
      const real = await realpath(file);
      if (real !== realBase && !real.startsWith(realBase + sep)) return send(403, 'forbidden\n');
      // Only regular files: a FIFO, a socket or a device (/dev/zero) has no end to read to.
      if (!info.isFile()) return send(403, 'forbidden\n');
      if (info.size > MAX_FILE_BYTES) return send(413, 'too large\n');
      const headers = {
        ...always,
        'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
      };
      writeLog?.(`${req.method} ${escapeControls(path)} 200`);
      res.writeHead(200, headers);
      if (req.method === 'HEAD' || info.size === 0) return res.end();
      // No further than the size announced, should the file grow while it is read.
      createReadStream(real, { start: 0, end: info.size - 1 }).on('error', () => res.destroy()).pipe(res);
    } catch {
      send(404, 'not found\n');
    }
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const url = `http://${host}:${actual}/`;
      resolvePromise({
        server,
        url,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { root: 'www', host: '127.0.0.1', port: 8000, csp: false, log: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--root') opts.root = value();
    else if (a === '--host') opts.host = value();
    else if (a === '--port') opts.port = Number(value());
    else if (a === '--csp') opts.csp = true;
    else if (a === '--quiet') opts.log = false;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node tools/serve.mjs [--root www] [--host 127.0.0.1] [--port 8000] [--csp] [--quiet]');
      process.exit(0);
    } else if (/^\d+$/.test(a)) opts.port = Number(a);
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('bad port');
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve.mjs: ${e.message}`);
    process.exit(2);
  }
  const { url } = await startServer(opts);
  console.log(`Serving ${resolve(opts.root)} at ${url}${opts.csp ? ' (with Content-Security-Policy)' : ''}`);
  const stop = () => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
