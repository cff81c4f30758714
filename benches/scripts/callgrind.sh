#!/usr/bin/env bash
# Instructions per byte of each XML parser, counted by callgrind: a figure that does not
# depend on machine load.
#
# usage: benches/scripts/callgrind.sh [-b BYTES] [-i INPUT] [-a] [PARSER...]
#   -b BYTES  size of the generated stream (default 2097152 = 2 MiB)
#   -i INPUT  corpus (default), or a worst-case shape: deep-ns, many-attrs (not for expat)
#   -a        also print the hottest functions and source lines of each parser
#   PARSER    names from `xml_once --list`, or `expat` (default: all of them, and expat
#             when a C compiler and expat.h are present)
#
# Builds benches/examples/xml_once.rs with the bench profile (optimized, with debug info),
# runs it once per parser under `valgrind --tool=callgrind`, collecting only inside
# `parse_once` (stream generation is excluded), and prints Ir / byte.
# Output files: $CARGO_TARGET_DIR/callgrind/callgrind.<parser>.out
set -euo pipefail

bytes=2097152
annotate=0
input=corpus
while getopts "b:i:a" opt; do
    case "$opt" in
        b) bytes=$OPTARG ;;
        i) input=$OPTARG ;;
        a) annotate=1 ;;
        *) echo "usage: $0 [-b BYTES] [-i INPUT] [-a] [PARSER...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }

(cd "$root" && cargo build --quiet --profile bench -p xmpp-benches --example xml_once)
exe=$target/release/examples/xml_once
out=$target/callgrind
mkdir -p "$out"

# expat, through the small C driver next to this script.
expat_exe=$out/expat_once
have_expat=0
if command -v cc >/dev/null && [ -f /usr/include/expat.h ]; then
    cc -O2 -g -o "$expat_exe" "$here/expat_once.c" -lexpat && have_expat=1
fi

if [ $# -eq 0 ]; then
    mapfile -t parsers < <("$exe" --list)
    [ "$have_expat" = 1 ] && parsers+=(expat)
else
    parsers=("$@")
fi

printf '%-18s %12s %14s %10s\n' parser bytes instructions instr/byte
for p in "${parsers[@]}"; do
    file=$out/callgrind.$p.$input.out
    if [ "$p" = expat ]; then
        [ "$have_expat" = 1 ] || { echo "expat: no C compiler or expat.h" >&2; continue; }
        "$exe" --dump "$out/corpus.xml" "$bytes" >/dev/null
        cmd=("$expat_exe" "$out/corpus.xml")
    else
        cmd=("$exe" "$p" "$bytes" "$input")
    fi
    line=$(valgrind --tool=callgrind --toggle-collect='*parse_once*' \
        --callgrind-out-file="$file" "${cmd[@]}" 2>"$out/$p.log") || {
        echo "$p: failed, see $out/$p.log" >&2
        continue
    }
    n=$(sed -n 's/.* bytes=\([0-9]*\) .*/\1/p' <<<"$line")
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$file")
    awk -v p="$p" -v n="$n" -v ir="$ir" \
        'BEGIN { printf "%-18s %12d %14d %10.1f\n", p, n, ir, ir / n }'
    if [ "$annotate" = 1 ]; then
        echo "  [$p] top functions (exclusive Ir):"
        callgrind_annotate "$file" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,22p' \
            | sed -E 's#/rustc/[0-9a-f]+/library/##; s# \[[^]]*\]$##; s#^#    #'
        echo "  [$p] top source lines of the workspace crates (exclusive Ir):"
        callgrind_annotate --auto=yes "$file" 2>/dev/null | python3 "$here/top_lines.py" 20
    fi
done
