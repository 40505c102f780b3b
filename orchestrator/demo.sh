#!/usr/bin/env bash
# The main job (README.md): installs what is needed, builds Council and runs the live demo on its embedded defaults.
# Extra arguments go to `council demo` (e.g. --seconds 10 --dir /tmp/council-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cargo build --locked -p council
exec target/debug/council demo "$@"
