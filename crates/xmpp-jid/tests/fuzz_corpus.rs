//! Replays every seed of the `jid` fuzz target (`fuzz/corpus/jid/`) through the check the
//! target runs.

use std::path::PathBuf;

#[test]
fn replay_jid_seed_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/jid");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        xmpp_jid::fuzz::check(&data);
        count += 1;
    }
    assert!(count >= 20, "only {count} seeds in {}", dir.display());
}
