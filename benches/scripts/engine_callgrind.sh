#!/usr/bin/env bash
# Instructions per received stanza of the xmpp-core engine against xmpp-xml framing alone
# on the same bytes, counted by callgrind, and where the engine's instructions go.
#
# usage: benches/scripts/engine_callgrind.sh [-n MESSAGES] [-a] [MODE...]
#   -n MESSAGES  200-byte chat messages per recording (default 10000)
#   -a           also print the hottest functions (exclusive Ir) of each mode
#   MODE         names from `engine_once --list` (default: all of them)
#
# Builds benches/examples/engine_once.rs with the bench profile, runs it once per mode under
# `valgrind --tool=callgrind`, collecting only inside `receive_once` (set-up, negotiation
# and the client's encryption are excluded), and prints Ir per stanza, the ratio to
# `framing` (the parser configured as the engine configures it), and the inclusive shares
# of XML parsing (`xmpp_xml::Parser::{feed,next_event}`), TLS (rustls and ring, reached
# from `Transport::receive`) and the engine (the rest: envelope, JIDs, copies, events).
# Output files: $CARGO_TARGET_DIR/callgrind/callgrind.engine.<mode>.out
set -euo pipefail

messages=10000
annotate=0
while getopts "n:a" opt; do
    case "$opt" in
        n) messages=$OPTARG ;;
        a) annotate=1 ;;
        *) echo "usage: $0 [-n MESSAGES] [-a] [MODE...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }

(cd "$root" && cargo build --quiet --profile bench -p xmpp-benches --example engine_once)
exe=$target/release/examples/engine_once
out=$target/callgrind
mkdir -p "$out"

if [ $# -eq 0 ]; then
    mapfile -t modes < <("$exe" --list)
else
    modes=("$@")
fi

printf '%-13s %9s %9s %13s %11s %8s %8s %8s %8s\n' mode bytes stanzas instructions \
    Ir/stanza vs-frame parse% tls% engine%
framing_ir=""
for m in "${modes[@]}"; do
    file=$out/callgrind.engine.$m.out
    line=$(valgrind --tool=callgrind --toggle-collect='*receive_once*' \
        --callgrind-out-file="$file" "$exe" "$m" "$messages" 2>"$out/engine.$m.log") || {
        echo "$m: failed, see $out/engine.$m.log" >&2
        continue
    }
    n=$(sed -n 's/.* stanzas=\([0-9]*\).*/\1/p' <<<"$line")
    b=$(sed -n 's/.* bytes=\([0-9]*\) .*/\1/p' <<<"$line")
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$file")
    per=$(awk -v ir="$ir" -v n="$n" 'BEGIN { printf "%.1f", ir / n }')
    if [ "$m" = framing ]; then framing_ir=$per; fi
    ratio=$(awk -v a="$per" -v f="$framing_ir" 'BEGIN { if (f == "") print "-"; else printf "%.3f", a / f }')
    shares=$(callgrind_annotate --inclusive=yes "$file" 2>/dev/null | python3 "$here/engine_shares.py" "$ir")
    printf '%-13s %9d %9d %13d %11s %8s %s\n' "$m" "$b" "$n" "$ir" "$per" "$ratio" "$shares"
    if [ "$annotate" = 1 ]; then
        echo "  [$m] top functions (exclusive Ir):"
        callgrind_annotate "$file" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,27p' \
            | sed -E 's#/rustc/[0-9a-f]+/library/##; s# \[[^]]*\]$##; s#^#    #'
    fi
done
