//! The Merkle root of a real log, recomputed by an independent implementation: a few lines of Python's hashlib.

mod common;

use common::*;
use council_witness::{Note, VerifyOptions, verify_file};
use serde_json::Value;

const PYTHON_MTH: &str = r#"
import base64, hashlib, sys
def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()
lines = open(sys.argv[1], "rb").read().split(b"\n")
size = int(sys.argv[2])
print(base64.b64encode(mth(lines[:size])).decode())
"#;

fn python_root(path: &std::path::Path, size: u64) -> String {
    let out = std::process::Command::new("python3")
        .args(["-c", PYTHON_MTH])
        .arg(path)
        .arg(size.to_string())
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn every_checkpoint_root_matches_python_hashlib() {
    let dir = tempfile::tempdir().unwrap();
    // 7 entries per checkpoint gives sizes that are not powers of two.
    let path = write_log(dir.path(), None, 7, 40);
    verify_file(&path, &VerifyOptions::default()).unwrap();
    let mut seen = 0;
    for line in lines(&path) {
        let v: Value = serde_json::from_str(&line).unwrap();
        if v["kind"] == "checkpoint" {
            let note = Note::parse(v["fields"]["note"].as_str().unwrap()).unwrap();
            let ours = base64_root(&note);
            assert_eq!(
                ours,
                python_root(&path, note.checkpoint.size),
                "size {}",
                note.checkpoint.size
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 40 / 7 + 1);
}

fn base64_root(note: &Note) -> String {
    note.body.lines().nth(2).unwrap().to_owned()
}
