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

Live figures of a small model of the ventral visual stream, to put in a blog post. Everything
runs in the reader's browser; nothing is fetched from anywhere but the folder you serve.

    npm install ./$NAME-$VERSION.tgz

Serve \`node_modules/$NAME/\` (or a copy of it) from your site, say under \`/stations/\`, and
put this in a page:

\`\`\`html
<script type="module" src="/stations/js/stream-figure.js"></script>
<stream-figure figure="microcircuit" station="V2"></stream-figure>
<stream-figure figure="stations"></stream-figure>
\`\`\`

Figures: input, gallery, pipeline, microcircuit, stations, stream, lesions. Or one figure
in a frame:

\`\`\`html
<iframe title="Stations in the Stream" src="/stations/embed.html#figure=stations"
        width="100%" height="1400" loading="lazy"></iframe>
\`\`\`

Your server must send \`.wasm\` as \`application/wasm\`; a Content-Security-Policy on your pages
must allow \`script-src 'self' 'wasm-unsafe-eval'\`. To frame embed.html from another origin,
its server must not send \`X-Frame-Options\` (or a \`frame-ancestors\` that leaves your blog out).
EOF

(cd "$PKG" && npm pack --silent --pack-destination "$OUT" >/dev/null)
TGZ="$OUT/$NAME-$VERSION.tgz"
[ -f "$TGZ" ] || die "npm pack did not write $TGZ"
printf '==> dist: %s (%s bytes)\n' "$TGZ" "$(wc -c <"$TGZ")"
