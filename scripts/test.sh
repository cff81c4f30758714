#!/usr/bin/env bash
# The test command: installs the real peers the interop tests need, then runs every test of
# the workspace. Peers go to $XMPP_PEERS_DIR (default .peers/ at the workspace root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/peers.sh"
export XMPP_PEERS_DIR=${XMPP_PEERS_DIR:-$root/.peers}
cd "$root"
cargo test --workspace --all-targets "$@"
cargo test --workspace --doc
