#!/usr/bin/env bash
# The test command (README.md): installs what the tests need, checks format and lints, builds the workspace (the
# plugin library and the council binary that the end-to-end tests run) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --locked
# The fuzz targets (run with `cargo +nightly fuzz`, outside the workspace, each with its own Cargo.lock) still
# build: checked here on stable.
for manifest in $(find . -path ./target -prune -o -path '*/fuzz/Cargo.toml' -print | sort); do
    CARGO_TARGET_DIR=target/fuzz-check cargo check --locked --bins --quiet --manifest-path "$manifest"
done
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast --config-file .ci/nextest.toml
    # G.729 interop with bcg729 (linked by this test only).
    cargo nextest run --locked -p council-g729 --features bcg729 --test bcg729_interop --config-file .ci/nextest.toml
else
    cargo test --workspace --locked --no-fail-fast
    cargo test --locked -p council-g729 --features bcg729 --test bcg729_interop
fi
