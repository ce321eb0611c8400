#!/usr/bin/env bash
# Installs what the build and the tests need, only what is missing, and says what it installs.
# Safe to run again. Run by `./build.sh setup` (and by serve, test, lint, fuzz before they start).
#
# Needs: a Rust toolchain by rustup, and apt-get (as root or through sudo) for what Debian
# packages. Installs: a C compiler (gcc) if there is none, Chromium and ChromeDriver, Node and
# npm if absent; the rustup target and components that rust-toolchain.toml names; wasm-pack,
# wasm-bindgen-cli and cargo-fuzz at pinned versions; wasm-opt (binaryen) and tsc (typescript)
# from tools/package-lock.json; the page tests' node modules from tests/page/package-lock.json.
set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Pinned tool versions. wasm-bindgen-cli is not here: it must equal the wasm-bindgen in Cargo.lock.
WASM_PACK_VERSION=0.15.1
CARGO_FUZZ_VERSION=0.13.2
NODE_MIN_MAJOR=20

# The wasm-bindgen version that Cargo.lock pins: wasm-pack uses a wasm-bindgen on PATH
# only when its version is exactly this one.
pinned_wasm_bindgen() {
    awk '
        /^\[\[package\]\]/ { inpkg = 0 }
        /^name = "wasm-bindgen"$/ { inpkg = 1; next }
        inpkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}

# cargo install NAME at VERSION unless GOT (the version found) is VERSION already. --locked
# first; the crates.io index reachable here may lack a crate that the published lock file names,
# so fall back to a fresh resolution of the same version.
cargo_install() {
    local name="$1" version="$2" got="$3"
    if [ "$got" = "$version" ]; then return; fi
    say "installing $name $version with cargo install (found: ${got:-none})"
    cargo install "$name" --version "$version" --locked --force \
        || cargo install "$name" --version "$version" --force
}

# The second word of a tool's `--version` line ("wasm-pack 0.15.1" -> 0.15.1), empty if absent.
version_of() {
    ("$@" --version 2>/dev/null || true) | awk 'NR == 1 { print $2 }'
}

say "setup"
have cargo && have rustup || die "cargo and rustup not found: this project needs a Rust toolchain by rustup (https://rustup.rs)"

# Debian packages first: cargo install below compiles C code and links with cc.
pkgs=()
have cc || pkgs+=(gcc libc6-dev)
have c++ || pkgs+=(g++) # libFuzzer (cargo fuzz) is C++
have chromium || pkgs+=(chromium)
have chromedriver || pkgs+=(chromium-driver)
have node || pkgs+=(nodejs)
have npm || pkgs+=(npm)
if [ "${#pkgs[@]}" -gt 0 ]; then apt_install "${pkgs[@]}"; fi

# Node 20 or newer: the page tests use node --test with --test-concurrency, which Node 18
# (Debian 12's own nodejs) lacks.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt "$NODE_MIN_MAJOR" ]; then
    die "Node $(node --version) is too old: install Node $NODE_MIN_MAJOR or newer with npm (Debian 12's nodejs is 18; \
use the nodejs package from NodeSource, or nvm, or the official tarball from nodejs.org), then run setup again"
fi

# The toolchain that rust-toolchain.toml pins, with its wasm target and rustfmt and clippy.
# With no arguments, rustup installs what that file names; here (1.95.0 present) it only says
# "using existing install" and touches no network.
say "rustup: the toolchain rust-toolchain.toml names (channel $(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml))"
rustup toolchain install

cargo_install wasm-pack "$WASM_PACK_VERSION" "$(version_of wasm-pack)"
[ -f Cargo.lock ] || cargo generate-lockfile
want="$(pinned_wasm_bindgen)"
[ -n "$want" ] || die "could not read the wasm-bindgen version from Cargo.lock"
got="$(version_of wasm-bindgen)"
have wasm-bindgen-test-runner || got=""
cargo_install wasm-bindgen-cli "$want" "$got"
cargo_install cargo-fuzz "$CARGO_FUZZ_VERSION" "$(version_of cargo fuzz)"

# Build tools from npm: wasm-opt (binaryen) and tsc (typescript).
npm_ci "$TOOLS" binaryen typescript
# Page-test dependencies (playwright-core drives the system chromium; axe-core audits).
npm_ci "$ROOT/tests/page" playwright-core axe-core
say "setup done"
