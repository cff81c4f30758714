#!/usr/bin/env python3
"""Reference JID preparation for tests/oracle_diff.rs, written from the RFCs.

Sources: RFC 3454 (stringprep: tables, §3 order, §6 bidi, §7 unassigned code points in
stored strings), RFC 3920 Appendix A (Nodeprep) and B (Resourceprep), RFC 3491 (Nameprep),
RFC 3490 §3.1 (label separators, one label in its ASCII and Unicode spellings), §4.1
(ToASCII) and §4.2 (ToUnicode). Two readings of the domain rules, as the crate has them:
`rfc6122` (the default: UseSTD3ASCIIRules set, text holding ':' is an IPv6 address or
nothing, the final root dot removed, RFC 6122 §2.2) and `rfc3920-literal`
(UseSTD3ASCIIRules unset, the root dot kept). The tables and the Unicode 3.2
normalization come from Python's standard library (`stringprep`, `unicodedata.ucd_3_2_0`);
the Punycode steps use the `punycode` codec.

Usage:
  oracle.py [--rules rfc6122|rfc3920-literal]
                       read one JSON string per line on stdin, print one result per line:
                       `ok <code points in hex>` or `err <part> <class> [<detail>]`
  oracle.py --samples  print `<table> <code points in hex>` lines: samples of every table,
                       for the generator of inputs
"""

import ipaddress
import json
import stringprep as sp
import sys
import unicodedata

NFKC = unicodedata.ucd_3_2_0.normalize

# RFC 3920 A.5: Nodeprep prohibits these ASCII characters in addition to the tables.
NODE_EXTRA = set("\"&'/:<>@")

# Prohibited tables per profile (RFC 3920 A.5, B.5; RFC 3491 §5).
COMMON = [sp.in_table_c12, sp.in_table_c22, sp.in_table_c3, sp.in_table_c4,
          sp.in_table_c5, sp.in_table_c6, sp.in_table_c7, sp.in_table_c8,
          sp.in_table_c9]
PROHIBITED = {
    "node": [sp.in_table_c11, sp.in_table_c21] + COMMON,
    "resource": [sp.in_table_c21] + COMMON,
    "domain": COMMON,
}

# RFC 3490 §3.1: label separators.
SEPARATORS = "\u002e\u3002\uff0e\uff61"


def map_b2(c):
    """Table B.2 of RFC 3454. `stringprep.map_table_b2` derives it from `str.lower()`,
    which follows the Unicode version of the running Python, not 3.2: it maps U+04C0,
    U+10A0-U+10C5, U+13A0-U+13F4, U+2132 and U+2183 to lower-case letters added after
    Unicode 3.2, which Table B.2 does not. A mapping to a code point unassigned in 3.2
    cannot be in the table; without those, the result is Table B.2 for every code point
    assigned in 3.2 (checked against the RFC text)."""
    r = sp.map_table_b2(c)
    if r != c and any(unicodedata.ucd_3_2_0.category(x) == "Cn" for x in r):
        return c
    return r


class Fail(Exception):
    def __init__(self, part, cls, detail=""):
        super().__init__(part, cls, detail)
        self.text = f"{part} {cls} {detail}".rstrip()


def hexcp(c):
    return f"{ord(c):04X}"


def stringprep(s, part):
    """One stringprep profile; `part` names it: node, resource or domain (Nameprep)."""
    # RFC 3454 §7: a stored string holds no unassigned code point (Table A.1).
    for c in s:
        if sp.in_table_a1(c):
            raise Fail(part, "unassigned", hexcp(c))
    # §3 step 1: mapping. B.1 for all; B.2 for Nodeprep and Nameprep (RFC 3920 A.3, B.3).
    out = []
    for c in s:
        if sp.in_table_b1(c):
            continue
        out.append(c if part == "resource" else map_b2(c))
    s = "".join(out)
    # Step 2: NFKC, Unicode 3.2.
    s = NFKC("NFKC", s)
    # Step 3: prohibited output.
    for c in s:
        if any(t(c) for t in PROHIBITED[part]) or (part == "node" and c in NODE_EXTRA):
            raise Fail(part, "prohibited", hexcp(c))
    # Step 4: bidi, §6.
    randal = [sp.in_table_d1(c) for c in s]
    if any(randal):
        if any(sp.in_table_d2(c) for c in s):
            raise Fail(part, "bidi", "mixed")
        if not (randal[0] and randal[-1]):
            raise Fail(part, "bidi", "enclosed")
    return s


def check_len(s, part):
    if not s:
        raise Fail(part, "empty")
    if len(s.encode("utf-8")) > 1023:  # RFC 3920 §3.1
        raise Fail(part, "toolong")
    return s


def ipv6(text):
    """The bracketed RFC 5952 text of an IPv6 address, or None."""
    if "%" in text or not text or not all(c in "0123456789abcdefABCDEF:." for c in text):
        return None
    try:
        addr = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if addr.ipv4_mapped is not None:  # RFC 5952 §5
        return f"[::ffff:{addr.ipv4_mapped}]"
    return f"[{addr.compressed}]"


STD3 = "rfc6122"
LITERAL = "rfc3920-literal"


def ip_literal(text, rules):
    """As the crate documents: `[...]` must be an IPv6 address; a bare IPv6 address is a
    literal too; under the STD3 reading other text holding ':' is a malformed literal.
    Returns the canonical text, None if not a literal, raises if malformed."""
    if text.startswith("["):
        lit = ipv6(text[1:-1]) if text.endswith("]") and len(text) >= 2 else None
        if lit is None:
            raise Fail("domain", "ipv6")
        return lit
    if ":" in text:
        lit = ipv6(text)
        if lit is None and rules == STD3:
            raise Fail("domain", "ipv6")
        return lit
    return None


def std3_ok(label):
    """RFC 3490 §4.1 step 3: no ASCII other than letters, digits and '-'; no '-' at either
    end."""
    if any(c.isascii() and not (c.isalnum() or c == "-") for c in label):
        return False
    return not (label.startswith("-") or label.endswith("-"))


def to_unicode(label, i, rules):
    """ToUnicode (RFC 3490 §4.2) of an ACE label, refusing what does not decode and
    re-encode to the same label (compared without case); returns the Nameprep output."""
    try:
        u = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        raise Fail("domain", "label", str(i))
    try:
        q = stringprep(u, "domain")
    except Fail:
        raise Fail("domain", "label", str(i))
    if q.isascii() or any(c in "@/." for c in q) or (rules == STD3 and not std3_ok(q)):
        raise Fail("domain", "label", str(i))
    try:
        enc = q.encode("punycode").decode("ascii")
    except UnicodeError:
        raise Fail("domain", "label", str(i))
    if enc.lower() != label[4:].lower():
        raise Fail("domain", "label", str(i))
    return q


def domain(d, rules):
    if not d:
        raise Fail("domain", "empty")
    lit = ip_literal(d, rules)
    if lit is not None:
        return lit
    root = ""
    if d[-1] in SEPARATORS:  # RFC 3490 §2: the explicit root label
        # RFC 6122 §2.2 removes it; the literal reading keeps it.
        d, root = d[:-1], ("." if rules == LITERAL else "")
    if not d:
        raise Fail("domain", "empty")
    labels = []
    for i, label in enumerate(split_labels(d)):
        if not label:
            raise Fail("domain", "label", str(i))
        p = stringprep(label, "domain")
        for c in p:
            # A separator out of normalization would change the domain's labels, and an
            # '@' or '/' the JID's parts, when the canonical form is read back.
            if c in "@/.":
                raise Fail("domain", "prohibited", hexcp(c))
        if rules == STD3 and not std3_ok(p):
            raise Fail("domain", "label", str(i))
        if not to_ascii_ok(p):
            raise Fail("domain", "label", str(i))
        if p.isascii() and p[:4].lower() == "xn--":
            p = to_unicode(p, i, rules)
        labels.append(p)
    out = ".".join(labels) + root
    lit = ip_literal(out, rules)
    if lit is not None:
        return lit
    check_ipv4(out[:-1] if root else out)
    if len(out.encode("utf-8")) > 1023:
        raise Fail("domain", "toolong")
    return out


def to_ascii_ok(label):
    """ToASCII (RFC 3490 §4.1) on a label Nameprep has already prepared, after step 3
    (the STD3 rules, checked by the caller when they apply)."""
    if not label.isascii():
        # Step 5: no ACE prefix (compared case-insensitively, §5); steps 6-7: Punycode.
        if label[:4].lower() == "xn--":
            return False
        try:
            label = "xn--" + label.encode("punycode").decode("ascii")
        except UnicodeError:
            return False
    # Step 8: 1 to 63 octets.
    return 0 < len(label) <= 63


def split_labels(d):
    labels, cur = [], []
    for c in d:
        if c in SEPARATORS:
            labels.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    labels.append("".join(cur))
    return labels


def check_ipv4(d):
    """Four all-digit labels of 1-3 digits (RFC 3920 §3.1 IPv4address) must be an
    address, without leading zeros."""
    parts = d.split(".")
    if len(parts) != 4 or not all(p and len(p) <= 3 and all(c in "0123456789" for c in p)
                                  for p in parts):
        return
    for p in parts:
        if int(p) > 255 or (len(p) > 1 and p[0] == "0"):
            raise Fail("domain", "ipv4")


def jid(s, rules):
    head, slash, resource = s.partition("/")
    node, at, dom = head.partition("@")
    if not at:
        node, dom = None, head
    out = ""
    if node is not None:
        out = check_len(stringprep(node, "node"), "node") + "@"
    out += domain(dom, rules)
    if slash:
        out += "/" + check_len(stringprep(resource, "resource"), "resource")
    return out


# The planes where the tables have entries; the private-use planes only at their edges.
SCAN = [cp for r in (range(0xD800), range(0xE000, 0x30000), range(0xE0000, 0xE0200),
                     range(0xF0000, 0xF0010), range(0x10FFF0, 0x110000)) for cp in r]


def samples():
    tables = {
        "a1": sp.in_table_a1, "b1": sp.in_table_b1,
        "b2": lambda c: map_b2(c) != c, "c11": sp.in_table_c11,
        "c12": sp.in_table_c12, "c21": sp.in_table_c21, "c22": sp.in_table_c22,
        "c3": sp.in_table_c3, "c4": sp.in_table_c4, "c5": sp.in_table_c5,
        "c6": sp.in_table_c6, "c7": sp.in_table_c7, "c8": sp.in_table_c8,
        "c9": sp.in_table_c9, "d1": sp.in_table_d1, "d2": sp.in_table_d2,
        "nfkc": lambda c: NFKC("NFKC", c) != c,
    }
    for name, pred in tables.items():
        found = [cp for cp in SCAN if pred(chr(cp))]
        step = max(1, len(found) // 60)
        picked = found[::step][:60] + found[:3] + found[-3:]
        print(name, " ".join(f"{cp:X}" for cp in sorted(set(picked))))


def main():
    args = sys.argv[1:]
    if args == ["--samples"]:
        samples()
        return
    rules = STD3
    if len(args) == 2 and args[0] == "--rules" and args[1] in (STD3, LITERAL):
        rules = args[1]
    elif args:
        sys.exit("usage: oracle.py [--samples | --rules rfc6122|rfc3920-literal]")
    for line in sys.stdin:
        s = json.loads(line)
        try:
            r = "ok " + " ".join(hexcp(c) for c in jid(s, rules))
        except Fail as e:
            r = "err " + e.text
        print(r.rstrip())


if __name__ == "__main__":
    main()
