#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# On a fresh machine of this kind it needs only the Rust toolchain; what else the suite needs
# is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")"

echo "== format"
cargo fmt --all -- --check
echo "== lint"
cargo clippy --locked --all-targets -- -D warnings
echo "== tests"
cargo test --locked --lib --bins --tests
echo "== benchmarks compile and run briefly"
TINCAY_BENCH_QUICK=1 cargo bench --locked --bench log -- --quick >/dev/null
