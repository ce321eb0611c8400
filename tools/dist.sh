#!/usr/bin/env bash
# The release a blogger installs: one npm package tarball (npm pack layout) of the built page,
# with the <stream-figure> element as its entry point. No build step for the user: the wasm
# and its JavaScript glue are inside, beside the modules, styles, embed.html and the article.
#
#   tools/dist.sh [OUT_DIR]    writes OUT_DIR/stations-in-the-stream-VERSION.tgz (default dist/)
#
# VERSION is the crate's version in Cargo.toml. www/pkg must be built (./build.sh build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WWW="$ROOT/www"
OUT="$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)"
NAME=stations-in-the-stream

die() { printf 'dist.sh: %s\n' "$*" >&2; exit 1; }
for f in pkg/ventral_stream.js pkg/ventral_stream_bg.wasm pkg-lab/ventral_stream_lab.js pkg-lab/ventral_stream_lab_bg.wasm; do
    [ -f "$WWW/$f" ] || die "www/$f is missing: run ./build.sh build first"
done
VERSION="$(awk -F'"' '/^version = / { print $2; exit }' "$ROOT/Cargo.toml")"
[ -n "$VERSION" ] || die "no version in Cargo.toml"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/$NAME"
mkdir -p "$PKG/pkg" "$PKG/pkg-lab"
# The page as built: modules, styles, the article and its results, embed.html. Of www/pkg only
# the glue and the wasm (wasm-pack's TypeScript declarations are not needed to embed).
cp -R "$WWW/js" "$WWW/css" "$WWW/data" "$PKG/"
cp "$WWW/index.html" "$WWW/embed.html" "$WWW/favicon.svg" "$PKG/"
# The licence the package.json names, as its text (npm pack keeps a LICENSE file at the top).
cp "$ROOT/LICENSE" "$PKG/"
cp "$WWW/pkg/ventral_stream.js" "$WWW/pkg/ventral_stream_bg.wasm" "$PKG/pkg/"
cp "$WWW/pkg-lab/ventral_stream_lab.js" "$WWW/pkg-lab/ventral_stream_lab_bg.wasm" "$PKG/pkg-lab/"
# The example post a blogger starts from (examples/post.html, its script and style).
cp -R "$ROOT/examples" "$PKG/"

# Table 1 embedded alone needs only the ten verdicts, not the ten results files (1.3 MB): one
# small file of them, named in index.json, which js/experiments/frame.js reads when it is there.
if [ -f "$PKG/data/results/index.json" ]; then
    node --input-type=module - "$PKG/data/results" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const verdicts = {};
for (const name of index.experiments) {
  const v = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')).verdict;
  if (v) verdicts[name] = v;
}
writeFileSync(join(dir, 'verdicts.json'), JSON.stringify(verdicts));
writeFileSync(join(dir, 'index.json'), JSON.stringify({ ...index, verdicts: 'verdicts.json' }));
JS
fi

cat >"$PKG/package.json" <<EOF
{
  "name": "$NAME",
  "version": "$VERSION",
  "description": "Stations in the Stream: live figures of the ventral visual stream (a small model in Rust and WebAssembly) to embed in a page",
  "license": "MIT",
  "type": "module",
  "main": "js/stream-figure.js",
  "exports": {
    ".": "./js/stream-figure.js",
    "./*": "./*"
  },
  "sideEffects": ["./js/stream-figure.js"]
}
EOF

cat >"$PKG/README.md" <<EOF
# Stations in the Stream $VERSION

Live figures of a small model of the ventral visual stream, and the evidence of the article
(its ten experiment figures and the table of verdicts), to put in a blog post. Everything runs
in the reader's browser; nothing is fetched from anywhere but the folder you serve.

    npm install ./$NAME-$VERSION.tgz

Serve \`node_modules/$NAME/\` (or a copy of it) from your site, say under \`/stations/\`, and
put this in a page:

\`\`\`html
<script type="module" src="/stations/js/stream-figure.js"></script>
<stream-figure figure="input"></stream-figure>
<stream-figure figure="stations"></stream-figure>
<stream-figure figure="deletion"></stream-figure>
<stream-figure figure="verdicts"></stream-figure>
\`\`\`

Names: input, gallery, pipeline, microcircuit (with station="V1|V2|V4|IT"), stations, stream,
lesions, lab; the experiments edge-probe, variability, deletion, receptive-fields, sparseness,
tuning, lesion, degradation, virtual-weights, gating; and verdicts (the table of verdicts).

The live figures of a page share one drawing and one model: the first with an input panel owns
the paper, the others follow it. The attribute \`separate\` gives a figure a paper and a model
of its own. Each live figure fires \`answerchange\` when the answer in words changes:

\`\`\`js
document.querySelector('stream-figure').addEventListener('answerchange', (e) => {
  const { stream, hierarchy } = e.detail; // each {kind, behaviour, recognised}
});
\`\`\`

\`examples/post.html\` is a whole post built this way (open it at
\`/stations/examples/post.html\`; copied to your own site, change its one script address). Or
one figure in a frame:

\`\`\`html
<iframe title="Stations in the Stream" src="/stations/embed.html#figure=stations"
        width="100%" height="1400" loading="lazy"></iframe>
\`\`\`

Your server must send \`.wasm\` as \`application/wasm\`; a Content-Security-Policy on your pages
must allow \`script-src 'self' 'wasm-unsafe-eval'\`. Served from another origin than your blog,
the package's server must send \`Access-Control-Allow-Origin\` (the module scripts, the wasm and
the results are fetched with CORS). To frame embed.html from another origin, its server must
not send \`X-Frame-Options\` (or a \`frame-ancestors\` that leaves your blog out).
EOF

(cd "$PKG" && npm pack --silent --pack-destination "$OUT" >/dev/null)
TGZ="$OUT/$NAME-$VERSION.tgz"
[ -f "$TGZ" ] || die "npm pack did not write $TGZ"
printf '==> dist: %s (%s bytes)\n' "$TGZ" "$(wc -c <"$TGZ")"
