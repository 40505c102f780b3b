#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and running Council need. Idempotent; needs root (or sudo).
# Outside CI it skips apt when everything is already installed.
set -euo pipefail

PACKAGES=(
    # build: a C toolchain for linking and for -sys crates, TLS roots for crates.io
    gcc
    libc6-dev
    # the fuzz targets' libfuzzer-sys builds libFuzzer, which is C++ (tests/run.sh checks that they build)
    g++
    ca-certificates
    pkg-config
    libgstreamer1.0-dev
    libgstreamer-plugins-base1.0-dev
    # run: gst-launch-1.0/gst-inspect-1.0 and the stock elements the pipelines use
    gstreamer1.0-tools
    gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad
    # tests: python3 (independent hash cross-checks), flock(1) (util-linux), bcg729 (the G.729 interop test and
    # benchmark link it; the product never does)
    libbcg729-dev
    # SIP end-to-end tests (tests/e2e/sip*.rs, baresip_echo.rs, leaks_after_1000_calls.rs): SIPp 3.6.1, the load
    # generator and scripted caller (`sipp`: 500 calls at 100/s, rtp_stream PCMU) and the SIP setup-rate benchmark
    sip-tester
    # baresip 1.0, a real SIP user agent run headless (ausine tone source, sndfile recording, ctrl_tcp control) to
    # call council serve and check its own tone comes back
    baresip-core
    python3
    util-linux
    # tests: tshark's dissectors are the proof that our H.225.0 RAS, Q.931 and H.245 bytes are valid (required when
    # CI=true), and it captures loopback (as root) for the SIP RTP echo test; the debconf answer below keeps its
    # install non-interactive
    tshark
)

# .ci/run and tests/run.sh both call this; once per run is enough.
if [ -n "${COUNCIL_DEPS_DONE:-}" ]; then
    exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${CI:-}" != "true" ] && [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer "no" up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"

if ! command -v cargo >/dev/null; then
    echo "deps: cargo not found; Council needs a Rust toolchain of version 1.89 or newer (rustup)" >&2
    exit 1
fi
