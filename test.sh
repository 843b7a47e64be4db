#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# On a fresh machine of this kind it needs only the Rust toolchain; what else the suite needs
# is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")"

# Installs Debian PACKAGES for WHAT (a thing the suite needs and lacks) with apt-get, as root or
# through sudo, from the package lists as they are and, if they are stale or absent, after an
# update; WITHOUT says how to do without apt-get. Exits with a clear error when it cannot.
install_debian() {
    local what="$1" without="$2"; shift 2
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo env DEBIAN_FRONTEND=noninteractive "$@"; fi; }
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        echo "ERROR: $what is missing, and installing it needs root or sudo ($without)" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ERROR: $what is missing and there is no apt-get: $without" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y "$@" \
        || { as_root apt-get update && as_root apt-get install -y "$@"; } \
        || { echo "ERROR: cannot install $* with apt-get" >&2; exit 1; }
}

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
echo "== browser for tests/browser (Debian's chromium and chromium-driver)"
chromium="${TINCAY_CHROMIUM:-/usr/bin/chromium}"
chromedriver="${TINCAY_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [ ! -x "$chromium" ] || [ ! -x "$chromedriver" ]; then
    install_debian "$chromium or $chromedriver" \
        "install Chromium and its chromedriver, and set TINCAY_CHROMIUM and TINCAY_CHROMEDRIVER" \
        chromium chromium-driver
    if [ ! -x "$chromium" ] || [ ! -x "$chromedriver" ]; then
        echo "ERROR: chromium and chromium-driver are installed, but $chromium or $chromedriver is still missing" >&2
        exit 1
    fi
fi
"$chromium" --version 2>/dev/null || true
"$chromedriver" --version
echo "== PostgreSQL for the tests of the PostgreSQL engine (Debian's postgresql; the tests start their own servers)"
if [ -z "${TINCAY_PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    install_debian PostgreSQL "install PostgreSQL and set TINCAY_PG_BIN to its bin/ directory" \
        postgresql
fi
# Debian's package starts a cluster of its own as a service; the tests never use it.
ls -d "${TINCAY_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
echo "== Caddy for the proxy test (tests/processes/serve/caddy.rs runs deploy/Caddyfile for real)"
caddy="${TINCAY_CADDY:-/usr/bin/caddy}"
if [ ! -x "$caddy" ]; then
    install_debian "$caddy" "install Caddy and set TINCAY_CADDY" caddy
    # Debian's package starts Caddy as a service on port 80; the test runs its own.
    if [ ! -x "$caddy" ]; then
        echo "ERROR: caddy is installed, but $caddy is still missing" >&2
        exit 1
    fi
fi
"$caddy" version
echo "== tests"
cargo test --locked --lib --bins --tests
echo "== contract (schemathesis against a running server: tests/contract/schemathesis.sh)"
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    install_debian "Python's venv" "install Python's venv module" python3-venv
fi
# Failures fail, and so does a "schema validation mismatch" warning (TINCAY_ST_STRICT=1).
TINCAY_ST_EXAMPLES="${TINCAY_ST_EXAMPLES:-5}" TINCAY_ST_STRICT="${TINCAY_ST_STRICT:-1}" \
    tests/contract/schemathesis.sh target/debug/tincay
echo "== fuzzing: each target of fuzz/ briefly on its seed corpus (fuzz/README.md)"
fuzz/run.sh "${TINCAY_FUZZ_SECONDS:-20}"
echo "== benchmarks compile and run briefly"
TINCAY_BENCH_QUICK=1 cargo bench --locked --bench log -- --quick >/dev/null
TINCAY_BENCH_QUICK=1 cargo bench --locked --bench projections >/dev/null
