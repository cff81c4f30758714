#!/usr/bin/env python3
"""Well-formedness oracle for tests/expat_diff.rs, built on the standard library's expat.

Input (stdin): one document per line, base64-encoded (RFC 4648 alphabet).
Output (stdout): one line per document, in order:

    ok|not-wf <flags> <detail> <facts>...

`flags` is a comma-separated subset of dtd, comment, pi, entity (a reference to an entity
other than amp, lt, gt, apos, quot) -- the constructs RFC 3920 section 11.1 forbids in a
stream, which expat accepts in a well-formed document -- or `-` when there are none.
`detail` is expat's error message for not-wf documents (spaces as `_`), `-` otherwise.
`facts` describe what expat saw before any error, for the test to justify refusals by the
XMPP rules of RFC 3920: `el:` then the hex of `namespace NUL local NUL prefix NUL depth`
for every element (depth 1 is the stream), and `lang:` then the hex of each `xml:lang`
value; `attr:` then the hex of `depth NUL namespace NUL local NUL value` for the
attributes of the stream element and of first-level elements; `ns:` then the hex of
`prefix NUL namespace NUL depth` for every namespace declaration; `decl:` then the hex of
`version NUL encoding` of the XML declaration; `text1` when there is character data other than literal white space directly in
the stream element (depth 1).

Namespace processing is on, so the checks of Namespaces in
XML 1.0 that expat implements (bound prefixes, no undeclaring of prefixes, reserved
prefixes, unique expanded attribute names) are part of the verdict.
"""

import base64
import sys
import xml.parsers.expat

PREDEFINED = {"amp", "lt", "gt", "apos", "quot"}
SEP = "\x01"
XML_LANG = SEP.join(["http://www.w3.org/XML/1998/namespace", "lang", "xml"])
WHITE = " \t\r\n"


def check(doc):
    flags = set()
    facts = []
    depth = [0]
    # U+0001 cannot occur in a well-formed document (not even as a reference), so no
    # namespace name can contain the separator: expat refuses a namespace name that does.
    p = xml.parsers.expat.ParserCreate(namespace_separator=SEP)
    p.namespace_prefixes = True

    def split(name):
        parts = name.split(SEP)
        if len(parts) == 1:
            return "", parts[0], ""
        if len(parts) == 2:
            return parts[0], parts[1], ""
        return parts[0], parts[1], parts[2]

    def start(name, attrs):
        depth[0] += 1
        ns, local, prefix = split(name)
        fact = "\0".join([ns, local, prefix, str(depth[0])])
        facts.append("el:" + fact.encode("utf-8").hex())
        for key, value in attrs.items():
            if key == XML_LANG:
                facts.append("lang:" + value.encode("utf-8").hex())
            if depth[0] <= 2:
                a_ns, a_local, _ = split(key)
                fact = "\0".join([str(depth[0]), a_ns, a_local, value])
                facts.append("attr:" + fact.encode("utf-8").hex())

    def ns_decl(prefix, uri):
        fact = "\0".join([prefix or "", uri or "", str(depth[0] + 1)])
        facts.append("ns:" + fact.encode("utf-8").hex())

    def xml_decl(version, encoding, standalone):
        fact = "\0".join([version or "", encoding or ""])
        facts.append("decl:" + fact.encode("utf-8").hex())

    def end(_name):
        depth[0] -= 1

    def text(data):
        # Character data directly in the stream element: anything but literal white space.
        if depth[0] == 1:
            raw = doc[p.CurrentByteIndex : p.CurrentByteIndex + 1]
            if data.strip(WHITE) or raw not in (b" ", b"\t", b"\r", b"\n"):
                if "text1" not in facts:
                    facts.append("text1")

    def cdata():
        if depth[0] == 1 and "text1" not in facts:
            facts.append("text1")

    def doctype(*_args):
        flags.add("dtd")

    def comment(_data):
        flags.add("comment")

    def pi(_target, _data):
        flags.add("pi")

    def skipped(name, _is_parameter):
        if name not in PREDEFINED:
            flags.add("entity")

    def entity_decl(*_args):
        flags.add("dtd")

    def default(data):
        # Without expansion handlers, references to declared internal entities reach the
        # default handler as "&name;".
        if data.startswith("&") and data.endswith(";") and not data.startswith("&#"):
            if data[1:-1] not in PREDEFINED:
                flags.add("entity")

    p.StartElementHandler = start
    p.StartNamespaceDeclHandler = ns_decl
    p.XmlDeclHandler = xml_decl
    p.CharacterDataHandler = text
    p.StartCdataSectionHandler = cdata
    p.EndElementHandler = end
    p.StartDoctypeDeclHandler = doctype
    p.CommentHandler = comment
    p.ProcessingInstructionHandler = pi
    p.SkippedEntityHandler = skipped
    p.EntityDeclHandler = entity_decl
    p.DefaultHandler = default
    try:
        p.Parse(doc, True)
        verdict, detail = "ok", "-"
    except xml.parsers.expat.ExpatError as e:
        verdict, detail = "not-wf", xml.parsers.expat.ErrorString(e.code).replace(" ", "_")
    except LookupError:
        # An encoding declaration naming an encoding Python does not know.
        verdict, detail = "not-wf", "unknown_encoding"
    return verdict, flags, detail, facts


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        verdict, flags, detail, facts = check(base64.b64decode(line))
        fields = [verdict, ",".join(sorted(flags)) or "-", detail] + facts
        out.write(" ".join(fields) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
