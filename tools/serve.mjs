#!/usr/bin/env node
// A small, dependency-free static file server for www/.
//
//   node tools/serve.mjs [--root www] [--host 127.0.0.1] [--port 8000] [--csp]
//
// Port 0 picks a free port. --csp sends the Content-Security-Policy that the page must satisfy.
// The page tests import { startServer } from this file.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

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
 * Start serving `root`. Resolves to { server, url, close() } once listening.
 * @param {{root?: string, host?: string, port?: number, csp?: boolean, log?: boolean}} opts
 */
export function startServer({ root = 'www', host = '127.0.0.1', port = 0, csp = false, log = false } = {}) {
  const base = resolve(root);

  const server = createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
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
    if (path.includes('\0')) return send(400, 'bad request\n');
    let file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden\n');

    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        if (!path.endsWith('/')) return send(301, '', { Location: path + '/' });
        file = join(file, 'index.html');
        info = await stat(file);
      }
      const headers = {
        'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      };
      if (csp) headers['Content-Security-Policy'] = CSP;
      res.writeHead(200, headers);
      if (log) console.log(`${req.method} ${path} 200`);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      if (log) console.log(`${req.method} ${path} 404`);
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
