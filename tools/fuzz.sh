#!/usr/bin/env bash
# The fuzz targets (fuzz/fuzz_targets): for each, the kept regression cases, then a bounded run.
#   tools/fuzz.sh [SECONDS [TARGET...]]    default: 60 s each, all targets
#
# cargo fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the pinned stable toolchain take them.
# No sanitizer: the targets check their own invariants, and a Rust panic is the crash we look
# for. Debug assertions and overflow checks are on (fuzz/Cargo.toml, profile.release), so an
# overflow in the code under test is a crash too.
#
# The decode target starts from the photograph fixture (tests/fixtures/photo.jpg) and also
# rewrites its header, and a PNG's, to declare sizes around the pixel limit.
# The weights target starts from the shipped weights/*.safetensors, copied into a fresh corpus
# at run time, with libFuzzer's input size limit raised above the largest of them: from those,
# mutations reach the checks after the header (shapes, dtypes, scales, values, extra tensors).
set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(weights weights_values image decode stimuli)
have cargo-fuzz || die "cargo-fuzz is missing: run ./build.sh setup"

export RUSTC_BOOTSTRAP=1
fuzz_run() { cargo fuzz run --release --sanitizer none "$@"; }

for t in "${targets[@]}"; do
    say "fuzz: $t (regression cases, then ${seconds} s)"
    cases=()
    if [ -d "fuzz/regressions/$t" ]; then
        mapfile -t cases < <(find "fuzz/regressions/$t" -type f)
    fi
    if [ "${#cases[@]}" -gt 0 ]; then
        fuzz_run "$t" "${cases[@]}"
    fi

    corpus="fuzz/corpus/$t"
    mkdir -p "$corpus"
    flags=(-max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1)
    if [ "$t" = decode ]; then
        cp tests/fixtures/photo.jpg "$corpus/"
    fi
    if [ "$t" = weights ]; then
        cp weights/*.safetensors "$corpus/"
        largest="$(for f in weights/*.safetensors; do wc -c <"$f"; done | sort -n | tail -1)"
        flags+=(-max_len=$((largest + 16384)))
    fi
    log="fuzz/last-$t.log"
    rc=0
    fuzz_run "$t" "$corpus" -- "${flags[@]}" >"$log" 2>&1 || rc=$?
    grep -E "^(INFO: seed corpus|Done|stat::number_of_executed_units|stat::peak_rss_mb)|panicked|SUMMARY" "$log" || true
    grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1 || true
    [ "$rc" = 0 ] || die "fuzz target $t found a crash (see $log and fuzz/artifacts/$t)"
done
