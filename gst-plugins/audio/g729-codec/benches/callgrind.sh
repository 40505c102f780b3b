#!/bin/sh
# Instructions per frame of this crate's G.729A encoder and decoder and of
# bcg729's, counted by callgrind (repeatable on a noisy machine, unlike
# wall-clock time).
#
#   gst-plugins/audio/g729-codec/benches/callgrind.sh [frames]
#
# Needs valgrind and libbcg729-dev. For each direction and implementation it
# runs the vs_bcg729 bench binary in --callgrind mode twice, with 0 frames
# (setup baseline: loading the clip, encoding it for the decoders, channel
# init/close) and with N frames (default 1000), and prints
# (total(N) - total(0)) / N as a Markdown table. The callgrind output files
# are kept in target/callgrind/ for callgrind_annotate.
set -eu
frames=${1:-1000}
crate_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$crate_dir"

exe=$(cargo bench -p council-g729 --features bcg729 --bench vs_bcg729 --no-run \
        --message-format=json 2>/dev/null |
      sed -n 's/.*"executable":"\([^"]*vs_bcg729[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$exe" ] || { echo "bench binary not found" >&2; exit 1; }
out_dir=$(cd "$(dirname "$exe")/../.." && pwd)/callgrind
mkdir -p "$out_dir"

count() { # dir imp frames -> total instructions
    f="$out_dir/$1-$2-$3.out"
    valgrind --tool=callgrind --callgrind-out-file="$f" "$exe" --callgrind "$1" "$2" "$3" \
        >/dev/null 2>&1
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f"
}

echo "| direction | ours instr/frame | bcg729 instr/frame | ours/bcg729 | target |"
echo "|-----------|-----------------:|-------------------:|------------:|-------:|"
for dir in enc dec; do
    set --
    for imp in ours bcg729; do
        base=$(count "$dir" "$imp" 0)
        total=$(count "$dir" "$imp" "$frames")
        set -- "$@" $(( (total - base) / frames ))
    done
    name=$([ "$dir" = enc ] && echo encode || echo decode)
    awk -v n="$name" -v o="$1" -v b="$2" 'BEGIN {
        printf "| %-9s | %16d | %18d | %11.2f | ≤ 0.80 |\n", n, o, b, o / b }'
done
echo
echo "($frames frames of benches/data/harvard-1-en-us.wav; callgrind files in $out_dir)"
