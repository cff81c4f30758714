#!/usr/bin/env python3
"""Reads `callgrind_annotate --auto=yes` output on stdin; prints the N hottest source lines
(exclusive Ir, with file and line number) of the workspace crates. usage: top_lines.py [N]"""
import re
import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 20
counted = re.compile(r"^\s*([\d,]+) \(\s*([\d.]+)%\)  (.*)$")
uncounted = re.compile(r"^\s*\.\s{2}")
marker = re.compile(r"^-- line (\d+) -+")
cur, lineno, rows = "", None, []
for raw in sys.stdin:
    line = raw.rstrip("\n")
    if line.startswith("-- Auto-annotated source: "):
        cur, lineno = line.split(": ", 1)[1].strip(), None
        continue
    m = marker.match(line)
    if m:
        lineno = int(m.group(1))
        continue
    if lineno is None:
        continue
    c = counted.match(line)
    if c:
        rest = c.group(3)
        if rest.lstrip().startswith(("=>", "<")) or rest.strip() == "events annotated":
            continue  # call lines and summaries do not advance the source line
        if re.search(r"(^|/)(crates|benches)/", cur):
            short = re.sub(r"^(.*/)?(crates|benches)/", r"\2/", cur)
            rows.append((int(c.group(1).replace(",", "")), c.group(2), f"{short}:{lineno}",
                         rest.strip()))
        lineno += 1
    elif uncounted.match(line):
        lineno += 1
for ir, pct, where, src in sorted(rows, reverse=True)[:limit]:
    print(f"    {ir:>12,} ({pct:>5}%)  {where}: {src[:110]}")
