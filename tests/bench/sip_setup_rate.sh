#!/usr/bin/env bash
# SIP call setup rate of `council serve` (a benchmark, not a test): SIPp's built-in UAC places calls at increasing
# rates, each hung up at once (-d 0), and for each rate the script prints SIPp's verdict and the CPU time the
# council process spent per call (utime + stime from /proc/PID/stat, including the calls' teardown).
#
# Every INVITE carries SIPp's default SDP offer (PCMU): `council serve` answers an INVITE without an offer with
# 400/488, so each call here also builds and tears down its echo media pipeline (no RTP flows).
# The per-source INVITE limit is switched off ([sip] invite-rate = 0) so the daemon, not the limiter, is measured.
#
# Usage: tests/bench/sip_setup_rate.sh [RATE ...]        (default: 100 200 300 500 750 1000 1500)
# Environment: COUNCIL (binary; default target/release/council, built if missing), SECONDS_PER_RATE (default 10).
# Needs sipp (Debian sip-tester). Binds 127.0.0.1 only, on free ports.
set -euo pipefail
cd "$(dirname "$0")/../.."

RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(100 200 300 500 750 1000 1500)
SECS=${SECONDS_PER_RATE:-10}
COUNCIL=${COUNCIL:-target/release/council}
command -v sipp >/dev/null || { echo "sipp is missing (apt-get install sip-tester)" >&2; exit 1; }
if [ ! -x "$COUNCIL" ]; then
    echo "building $COUNCIL ..." >&2
    cargo build --release -p council >&2
fi

DIR=$(mktemp -d)
SERVE_PID=""
cleanup() {
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT

cat >"$DIR/council.toml" <<CONF
[sip]
invite-rate = 0
CONF
"$COUNCIL" serve --media echo --config "$DIR/council.toml" --sip 127.0.0.1:0 --witness-dir "$DIR/witness" \
    >"$DIR/serve.out" 2>"$DIR/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
    grep -q '^council serve: sip ' "$DIR/serve.out" 2>/dev/null && break
    sleep 0.1
done
READY=$(grep '^council serve: sip ' "$DIR/serve.out") || { echo "council serve did not start:" >&2; cat "$DIR/serve.err" >&2; exit 1; }
SIP=$(echo "$READY" | awk '{print $5}')

# utime + stime of the council process, in clock ticks.
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$SERVE_PID/stat"; }
HZ=$(getconf CLK_TCK)
# A free UDP port on 127.0.0.1 (bound, read, released).
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# A column of the last row of SIPp's -trace_stat CSV.
stat() { awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } END { print $c }' "$1"; }
# SIPp's reasons for failed calls (its non-zero Failed…(C) columns), e.g. "MaxUDPRetrans 12, Unexpected 3".
reasons() {
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next } { for (i in h) v[i] = $i }
        END { s = ""; for (i = 1; i <= length(h); i++)
                if (h[i] ~ /^Failed.*\(C\)$/ && h[i] != "FailedCall(C)" && v[i] + 0 > 0) {
                    n = h[i]; sub(/^Failed/, "", n); sub(/\(C\)$/, "", n); s = s (s == "" ? "" : ", ") n " " v[i] }
              print s }' "$1"
}

echo "council serve at $SIP ($(nproc) cores; $(uname -r)); $SECS s per rate; calls hung up at once (-d 0)"
echo
echo "| offered (calls/s) | calls | successful | failed | achieved (calls/s) | council CPU per call (ms) | council CPU (% of a core) | why calls failed (SIPp) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for rate in "${RATES[@]}"; do
    calls=$((rate * SECS))
    port=$(free_port)
    media=$(free_port)
    csv="$DIR/sipp-$rate.csv"
    t0=$(ticks)
    w0=$(date +%s.%N)
    timeout -k 5 $((SECS * 3 + 60)) sipp -sn uac "$SIP" -i 127.0.0.1 -p "$port" -mi 127.0.0.1 -mp "$media" \
        -r "$rate" -m "$calls" -d 0 -l $((rate * 2)) -recv_timeout 10000 -nostdin \
        -trace_stat -stf "$csv" -fd 1 >/dev/null 2>"$DIR/sipp-$rate.err" || true
    w1=$(date +%s.%N)
    # Let the last calls' media sessions wind down before reading the CPU time.
    sleep 2
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
        status=0
        wait "$SERVE_PID" || status=$?
        SERVE_PID=""
        echo "| $rate | $calls | $(stat "$csv" 'SuccessfulCall(C)') | $(stat "$csv" 'FailedCall(C)') | council serve died (exit $status) | | | $(reasons "$csv") |"
        echo
        echo "council serve's last words:"
        tail -n 20 "$DIR/serve.err"
        exit 1
    fi
    t1=$(ticks)
    ok=$(stat "$csv" 'SuccessfulCall(C)')
    failed=$(stat "$csv" 'FailedCall(C)')
    why=$(reasons "$csv")
    awk -v r="$rate" -v n="$calls" -v ok="$ok" -v f="$failed" -v w0="$w0" -v w1="$w1" -v why="$why" \
        -v t=$((t1 - t0)) -v hz="$HZ" 'BEGIN { w = w1 - w0
            printf "| %d | %d | %d | %d | %.0f | %.2f | %.0f | %s |\n", r, n, ok, f, ok / w, (ok + f > 0 ? t * 1000 / hz / (ok + f) : 0), t * 100 / hz / (w + 2), why
        }'
done

kill -TERM "$SERVE_PID"
status=0
wait "$SERVE_PID" || status=$?
SERVE_PID=""
echo
echo "council serve exited with $status after SIGTERM; witness log: $(grep -c '"kind":"call-bridged"' "$DIR/witness/witness.log" || true) call-bridged, $(grep -c '"kind":"call-released"' "$DIR/witness/witness.log" || true) call-released"
