# Shared by build.sh and the scripts in tools/ (sourced, not run): the repository root, PATH,
# messages, and the two ways we install things (apt-get as root, npm ci from a lock file).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools"
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-opt and tsc come from npm (pinned in tools/package-lock.json): Debian's binaryen (108)
# is too old to parse what Rust >= 1.82 and wasm-bindgen emit (table.fill of reference types).
# wasm-pack takes the first wasm-opt on PATH.
export PATH="$TOOLS/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> %s\n' "$*"; }
die() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# Run as root directly, otherwise through sudo when there is one.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif have sudo; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

APT_UPDATED=0
apt_install() {
    say "installing with apt-get: $*"
    if [ "$APT_UPDATED" = 0 ]; then
        as_root apt-get update -q
        APT_UPDATED=1
    fi
    as_root apt-get install -y -q --no-install-recommends "$@"
}

# npm ci in DIR when one of the named modules is missing or the lock file changed since.
npm_ci() {
    local dir="$1"
    shift
    local m missing=0
    for m in "$@"; do [ -d "$dir/node_modules/$m" ] || missing=1; done
    if [ "$missing" = 1 ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        say "installing node modules in ${dir#"$ROOT"/} (npm ci): $*"
        (cd "$dir" && npm ci --no-audit --no-fund)
    fi
}

# The wasm-opt flags of the page's module, from their one home: Cargo.toml
# (package.metadata.wasm-pack.profile.release), which wasm-pack reads.
wasm_opt_flags() {
    sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' "$ROOT/Cargo.toml" | tr -d '",'
}
