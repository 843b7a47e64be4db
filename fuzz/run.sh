#!/usr/bin/env bash
# Runs the fuzz targets one after another, each for SECONDS (default 20), on the committed
# seed corpus, and prints each one's figures; fails on the first crash (its input is then in
# fuzz/artifacts/<target>/). What a run finds goes to a scratch directory, so the committed
# corpus stays as it is: copy an input worth keeping into fuzz/corpus/<target>/ by hand.
#
#   fuzz/run.sh [SECONDS [TARGET...]]
#
# ./test.sh runs it briefly; a longer run is the same command with more seconds. It installs
# the nightly toolchain and cargo-fuzz when they are missing. Built without a sanitizer
# (tincay forbids unsafe code; see fuzz/README.md for the figures behind that choice) and
# with 16 codegen units, so that the build stays a small part of the CI's time.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

flags=(--sanitizer none --codegen-units 16)
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

cargo +nightly fuzz build "${flags[@]}"
binaries="fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
    mkdir -p "$scratch/$target" "fuzz/artifacts/$target"
    log="$scratch/$target.log"
    # The binary itself, as `cargo fuzz run` would start it after a build already done.
    if ! "$binaries/$target" -artifact_prefix="fuzz/artifacts/$target/" \
        -max_total_time="$seconds" -print_final_stats=1 \
        "$scratch/$target" "fuzz/corpus/$target" >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "ERROR: fuzz target $target failed; its input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    found="$(find "$scratch/$target" -type f | wc -l)"
    seeds="$(find "fuzz/corpus/$target" -type f | wc -l)"
    cover="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)"
    echo "$target: ${runs:-?} runs, ${rate:-?} exec/s, ${cover:-cov: ?}, corpus $seeds seeds + $found new, no crash"
done
