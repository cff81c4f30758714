#!/usr/bin/env python3
"""Side-by-side table of the XML stream parsers: MB/s (criterion), ratios, instructions/byte.

usage: benches/scripts/table.py [--runs N] [--skip-bench] [--skip-callgrind]
                                [--callgrind-bytes B] [-- CRITERION ARGS...]

Runs `cargo bench -p xmpp-benches --bench xml` N times (default 3; criterion arguments after
`--`, default `--warm-up-time 1 --measurement-time 4`), keeps for every parser the best
(lowest) median time of the runs as its MB/s (expat, a C library: the best of 10 passes
timed by benches/scripts/expat_once.c right after each criterion run), takes the ratios against quick-xml and rxml
within each run (same run, same load) and reports their median over the runs, runs
benches/scripts/callgrind.sh for the instruction counts, and prints a Markdown table plus
the allocation report of the last run. MB/s are 10^6 bytes per second. Uses
$CARGO_TARGET_DIR (default <workspace>/target).
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
ORDER = ["xmpp-xml-tree", "xmpp-xml-framing", "quick-xml-ns", "rxml", "xmlparser", "expat",
         "memchr-count", "memchr-find", "from_utf8"]
DESCR = {
    "xmpp-xml-framing": "xmpp-xml framing (validated, `attr(\"to\")`, no tree)",
    "xmpp-xml-tree": "xmpp-xml full tree (validated, recorded, `to_element()`)",
    "quick-xml-ns": "quick-xml 0.42 NsReader (all events, attrs resolved + unescaped)",
    "rxml": "rxml 0.14 Parser",
    "xmlparser": "xmlparser 0.13 (from_utf8 + tokens)",
    "expat": "expat 2 (C, namespaces on, 4 KiB `XML_Parse` chunks)",
    "memchr-count": "memchr count `<`",
    "memchr-find": "memchr find each `<`",
    "from_utf8": "std::str::from_utf8",
}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def read_estimates():
    """Median time (ns) and bytes per iteration of every benchmark of the last run."""
    out = {}
    base = os.path.join(TARGET, "criterion", "xml")
    for name in ORDER:
        d = os.path.join(base, name, "new")
        try:
            with open(os.path.join(d, "estimates.json")) as f:
                est = json.load(f)
            with open(os.path.join(d, "benchmark.json")) as f:
                bench = json.load(f)
        except OSError:
            continue
        nbytes = (bench.get("throughput") or {}).get("Bytes")
        if nbytes:
            out[name] = (est["median"]["point_estimate"], nbytes)
    return out


def prepare_expat():
    """Builds benches/scripts/expat_once.c and writes the 8 MiB stream for it; returns the
    command to run it, or None when there is no C compiler or expat."""
    out = os.path.join(TARGET, "callgrind")
    os.makedirs(out, exist_ok=True)
    exe = os.path.join(out, "expat_once")
    corpus = os.path.join(out, "corpus-8mib.xml")
    src = os.path.join(ROOT, "benches", "scripts", "expat_once.c")
    if subprocess.run(["cc", "-O2", "-g", "-o", exe, src, "-lexpat"]).returncode != 0:
        return None
    build = ["cargo", "run", "-q", "--profile", "bench", "-p", "xmpp-benches", "--example",
             "xml_once", "--", "--dump", corpus, str(8 * 1024 * 1024)]
    if subprocess.run(build, cwd=ROOT, capture_output=True).returncode != 0:
        return None
    return [exe, corpus]


def run_expat(cmd, passes=10):
    """Best pass of expat over the 8 MiB stream: (ns per pass, bytes), as read_estimates."""
    res = subprocess.run(cmd + [str(passes)], capture_output=True, text=True)
    m = re.search(r"bytes=(\d+) .*best_mb_s=([\d.]+)", res.stdout)
    if not m:
        return None
    nbytes, mbs = int(m.group(1)), float(m.group(2))
    return (nbytes / mbs * 1e3, nbytes)


def run_benches(runs, crit_args):
    best = {}
    per_run = []
    expat = prepare_expat()
    report = ""
    loads = []
    for i in range(runs):
        before = loadavg()
        cmd = ["cargo", "bench", "-q", "-p", "xmpp-benches", "--bench", "xml", "--"] + crit_args
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if res.returncode != 0:
            sys.stderr.write(res.stdout + res.stderr)
            sys.exit(1)
        loads.append(f"run {i + 1}: load {before} -> {loadavg()}")
        lines = res.stdout.splitlines()
        rep = [ln for ln in lines if ln.startswith(("allocations:", "parser ", "xmpp-xml-framing, "))
               or re.match(r"^[a-z][\w-]+ +[\d.]+ +[\d.]+ ", ln)]
        report = "\n".join(rep)
        est = read_estimates()
        if expat:
            e = run_expat(expat)
            if e:
                est["expat"] = e
        per_run.append(est)
        for name, (ns, nbytes) in est.items():
            if name not in best or ns < best[name][0]:
                best[name] = (ns, nbytes)
    return best, per_run, report, loads


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def same_run_ratio(per_run, name, peer):
    """Median over the runs of (name MB/s) / (peer MB/s) measured in the same run."""
    rs = [run[peer][0] / run[name][0] for run in per_run if name in run and peer in run]
    return median(rs)


def run_callgrind(nbytes):
    res = subprocess.run([os.path.join(ROOT, "benches", "scripts", "callgrind.sh"), "-b", str(nbytes)],
                         cwd=ROOT, capture_output=True, text=True)
    ipb = {}
    for ln in res.stdout.splitlines():
        parts = ln.split()
        if len(parts) == 4 and parts[0] in ORDER:
            ipb[parts[0]] = float(parts[3])
    if res.returncode != 0 or not ipb:
        sys.stderr.write(res.stderr)
    return ipb


def main(argv):
    runs, skip_bench, skip_cg, cg_bytes = 3, False, False, 2 * 1024 * 1024
    crit = ["--warm-up-time", "1", "--measurement-time", "4"]
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--runs":
            runs = int(argv[i + 1]); i += 1
        elif a == "--skip-bench":
            skip_bench = True
        elif a == "--skip-callgrind":
            skip_cg = True
        elif a == "--callgrind-bytes":
            cg_bytes = int(argv[i + 1]); i += 1
        elif a == "--":
            crit = argv[i + 1:]
            break
        else:
            sys.exit(__doc__)
        i += 1
    if skip_bench:
        best = read_estimates()
        per_run, report, loads = [best], "", ["(estimates of the last criterion run)"]
    else:
        best, per_run, report, loads = run_benches(runs, crit)
    ipb = {} if skip_cg else run_callgrind(cg_bytes)

    mbs = {n: nbytes / ns * 1e3 for n, (ns, nbytes) in best.items()}
    print(f"MB/s: best of {len(per_run)} runs; ratios: median over the runs of the same-run ratio")
    print()
    print("| parser | MB/s | vs quick-xml NsReader | vs rxml | instr/byte |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for n in ORDER:
        if n not in mbs and n not in ipb:
            continue
        m = mbs.get(n)
        q = same_run_ratio(per_run, n, "quick-xml-ns")
        r = same_run_ratio(per_run, n, "rxml")
        cells = [
            DESCR[n],
            f"{m:,.0f}" if m is not None else "-",
            f"{q:.2f}x" if q is not None else "-",
            f"{r:.2f}x" if r is not None else "-",
            f"{ipb[n]:.1f}" if n in ipb else "-",
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    for ln in loads:
        print(ln)
    if report:
        print()
        print(report)


if __name__ == "__main__":
    main(sys.argv[1:])
