//! The independent peers the differential tests compare against, and what a missing one
//! does to a test: it fails, naming the command that installs the peer, unless
//! `XMPP_SKIP_PEERS=1` is set; then the test prints that it skipped (visible with
//! `--nocapture`) and passes without having compared anything.
// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The command that installs the peers fetched from PyPI and npm.
pub const PEERS_SCRIPT: &str = "bash scripts/peers.sh";

/// The command that installs Python with its standard library from Debian.
pub const APT_PYTHON3: &str =
    "apt-get update && apt-get install -y --no-install-recommends python3";

/// Where `scripts/peers.sh` puts the peers: `$XMPP_PEERS_DIR`, by default `.peers/` at the
/// workspace root.
pub fn peers_dir() -> PathBuf {
    match std::env::var_os("XMPP_PEERS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
    }
}

/// Whether `XMPP_SKIP_PEERS=1` asks to skip the tests whose peer is missing.
pub fn skip_requested() -> bool {
    std::env::var_os("XMPP_SKIP_PEERS").is_some_and(|value| value == "1")
}

/// Reports the missing peer `what`: panics with the command `install` that provides it, or,
/// under `XMPP_SKIP_PEERS=1`, prints the skip and returns so the caller can return.
pub fn missing(what: &str, install: &str) {
    if skip_requested() {
        eprintln!("SKIPPED (XMPP_SKIP_PEERS=1): {what} is missing; `{install}` installs it");
        return;
    }
    panic!("{what} is missing: run `{install}` (or set XMPP_SKIP_PEERS=1 to skip this test)");
}

/// Whether `python3` runs and imports every module of `modules`.
pub fn python3_with(modules: &[&str]) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {}", modules.join(", "))])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
