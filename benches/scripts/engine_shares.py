#!/usr/bin/env python3
"""Reads `callgrind_annotate --inclusive=yes` output of one engine_once run on stdin and
prints the inclusive shares of XML parsing, the transport (TLS) and the rest (the engine)
of the total Ir given as the first argument. usage: engine_shares.py TOTAL_IR

A function inlined in several places is listed once per source file; its inclusive cost is
taken as the largest of those entries."""
import re
import sys

total = int(sys.argv[1])
row = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)  (?:\S*?:)?(\S.*?)(?: \[[^]]*\])?$")
best = {}
for line in sys.stdin:
    m = row.match(line.rstrip("\n"))
    if not m:
        continue
    name = m.group(2)
    best[name] = max(best.get(name, 0), int(m.group(1).replace(",", "")))


def cost(suffix):
    return max((v for k, v in best.items() if k.endswith(suffix)), default=0)


parse = cost("xmpp_xml::parser::Parser::next_event") + cost("xmpp_xml::parser::Parser::feed")
tls = cost("xmpp_core::tls::Transport::receive")
engine = max(total - parse - tls, 0)
if total == 0:
    print("-")
else:
    print(" ".join(f"{100 * v / total:7.1f}%" for v in (parse, tls, engine)))
