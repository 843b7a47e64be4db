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
echo "== supply chain (cargo deny: licences, bans, sources, advisories; deny.toml)"
if ! command -v cargo-deny >/dev/null 2>&1; then
    cargo install --locked cargo-deny
fi
cargo deny --locked check licenses bans sources
if cargo deny fetch db >/dev/null 2>&1; then
    cargo deny --locked check advisories
elif ls "${CARGO_HOME:-$HOME/.cargo}"/advisory-dbs/*/crates >/dev/null 2>&1; then
    echo "WARNING: the RustSec advisory database cannot be fetched (offline?); checking against the copy fetched earlier" >&2
    cargo deny --locked --offline check advisories
else
    echo "WARNING: the RustSec advisory database cannot be fetched (offline?) and no copy exists: advisories NOT checked in this run" >&2
fi
echo "== tests"
cargo test --locked --lib --bins --tests
echo "== benchmarks compile and run briefly"
TINCAY_BENCH_QUICK=1 cargo bench --locked --bench log -- --quick >/dev/null
TINCAY_BENCH_QUICK=1 cargo bench --locked --bench projections >/dev/null
