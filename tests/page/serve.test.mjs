// tools/serve.mjs, the static server the page tests and `./build.sh serve` use (issue 14, item 9):
// redirects stay on the server's own origin, nothing outside the root is served (through ".."
// or a symbolic link), dotfiles are refused, control characters from a request never reach the
// terminal, and the Content-Security-Policy forbids <base> and form targets. Issue 22: bidi and
// line-separator characters are escaped in the log too, error answers carry nosniff and the
// policy, and only regular files of a bounded size are read (a FIFO is refused). No browser.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP, MAX_FILE_BYTES, startServer } from '../../tools/serve.mjs';

// (not from harness.mjs: this file needs no browser and no playwright)
const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '../../www');

let dir;
let server;
const lines = [];

before(async () => {
  // outside/ holds what must never be served; root/ is what the server serves.
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
  const root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(join(root, 'js'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>root</title>');
  writeFileSync(join(root, 'js', 'a.js'), 'export {};');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, '.git', 'config'), '[core]');
  writeFileSync(join(outside, 'secret.txt'), 'outside the root');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(outside, join(root, 'elsewhere'));
  symlinkSync('index.html', join(root, 'alias.html'));
  // A FIFO no one writes to (reading it would wait for ever), and a sparse file one byte over the cap.
  execFileSync('mkfifo', [join(root, 'pipe.js')]);
  const big = openSync(join(root, 'big.bin'), 'w');
  ftruncateSync(big, MAX_FILE_BYTES + 1);
  closeSync(big);
  server = await startServer({ root, port: 0, csp: true, log: (line) => lines.push(line) });
});
after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One request with the request-target sent exactly as written (no client-side normalising). */
function get(path) {
  const { hostname, port } = new URL(server.url);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', fail);
    // (a request the server never answers fails the test instead of hanging it)
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${path} in 10 s`)));
    req.end();
  });
}

test('a redirect is a same-origin path built from the normalised path, never an echo of the request', async () => {
  const r = await get('/%2F%2Fevil.com%2F..%2Fjs');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, '/js/');
  for (const path of ['/js', '/%2Fjs', '/.//js', '/js/../js', '/%5C%5Cevil.com/../js']) {
    const { status, headers } = await get(path);
    assert.equal(status, 301, path);
    assert.equal(headers.location, '/js/', path);
  }
  // And the redirect's target is served.
  assert.equal((await get('/js/a.js')).status, 200);
  assert.equal((await get('/')).status, 200);
});

test('nothing outside the root is served, through ".." or through a symbolic link', async () => {
  for (const path of ['/leak.txt', '/elsewhere/secret.txt']) {
    const r = await get(path);
    assert.equal(r.status, 403, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /outside the root/, path);
  }
  // (the URL parser already folds a leading encoded ".." into the root: not found there)
  for (const path of ['/%2E%2E/outside/secret.txt', '/js/%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt', '/..%2Foutside/secret.txt']) {
    const r = await get(path);
    assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /outside the root/, path);
  }
  // A link that stays inside the root is followed.
  const alias = await get('/alias.html');
  assert.equal(alias.status, 200);
  assert.match(alias.body, /<title>root<\/title>/);
});

test('dotfiles and dot-directories are refused', async () => {
  for (const path of ['/.env', '/%2Eenv', '/.git/config', '/js/../.git/config', '/.git/']) {
    const r = await get(path);
    assert.equal(r.status, 403, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /SECRET|\[core\]/, path);
  }
});

test('control characters from a request path are escaped in the log', async () => {
  lines.length = 0;
  await get('/%1B%5B2J%1B%5B31mred%07%0D%0Aforged%20200%C2%9B');
  await get('/%1B]0;title%07index.html');
  assert.equal(lines.length, 2, lines.join('\n'));
  for (const line of lines) assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(line));
  assert.match(lines[0], /\\x1b\[2J\\x1b\[31mred\\x07\\x0d\\x0aforged 200\\x9b 404$/);
});

test('the Content-Security-Policy forbids <base> and form targets; embed.html carries the same policy', async () => {
  assert.match(CSP, /(^|; )base-uri 'none'(;|$)/);
  assert.match(CSP, /(^|; )form-action 'none'(;|$)/);
  assert.equal((await get('/')).headers['content-security-policy'], CSP);
  const html = readFileSync(join(WWW, 'embed.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(meta, 'embed.html has a CSP meta tag (it is served by hosts that send no policy)');
  assert.equal(meta[1], CSP);
});

test('bidi controls and line separators from a request path are escaped in the log', async () => {
  lines.length = 0;
  // U+202E (right-to-left override), U+2028 (line separator), U+2066 (isolate), U+200F (mark)
  await get('/%E2%80%AEfdp.exe%E2%80%A8GET%20/index.html%20200%E2%81%A6%E2%80%8F');
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.doesNotMatch(lines[0], /[\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/, JSON.stringify(lines[0]));
  assert.equal(lines[0], 'GET /\\u{202e}fdp.exe\\u{2028}GET /index.html 200\\u{2066}\\u{200f} 404');
});

test('error answers and redirects carry nosniff and the Content-Security-Policy as well', async () => {
  const { hostname, port } = new URL(server.url);
  const post = await new Promise((done, fail) => {
    const req = request({ hostname, port, path: '/', method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => done(res));
    });
    req.on('error', fail);
    req.end();
  });
  const answers = [['/no-such-file', 404], ['/.env', 403], ['/leak.txt', 403], ['/js', 301], ['/%E0%A4%A', 400]];
  for (const [path, status] of answers) {
    const r = await get(path);
    assert.equal(r.status, status, path);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(r.headers['content-security-policy'], CSP, path);
  }
  assert.equal(post.statusCode, 405);
  assert.equal(post.headers['x-content-type-options'], 'nosniff');
  assert.equal(post.headers['content-security-policy'], CSP);
});

test('only regular files are served, and none over the size cap: a FIFO and a huge file are refused at once', async () => {
  const fifo = await get('/pipe.js');
  assert.equal(fifo.status, 403);
  const big = await get('/big.bin');
  assert.equal(big.status, 413);
  assert.ok(big.body.length < 100, 'nothing of the file is sent');
  // The server still answers.
  assert.equal((await get('/js/a.js')).status, 200);
});
