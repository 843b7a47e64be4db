#!/usr/bin/env bash
# The whole test suite. Installs what it needs on a fresh machine of this kind.
set -euo pipefail
cd "$(dirname "$0")"
cargo test --locked --all-targets
