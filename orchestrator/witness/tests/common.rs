//! Helpers shared by the witness integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use council_witness::{Durability, Options, SignerKey, WitnessLog};
use serde_json::{Map, Value, json};

pub fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

/// Options that checkpoint every `every` entries and never by time, so tests see a fixed layout.
pub fn opts(key: Option<&SignerKey>, every: u64) -> Options {
    Options {
        key: key.cloned(),
        checkpoint_every: every,
        checkpoint_interval: Duration::ZERO,
        durability: Durability::OsBuffered,
    }
}

/// Writes a closed log of `n` call entries (plus genesis and checkpoints) and returns its path.
pub fn write_log(dir: &Path, key: Option<&SignerKey>, every: u64, n: u64) -> PathBuf {
    let path = dir.join("witness.log");
    let log = WitnessLog::open(&path, opts(key, every)).unwrap();
    for i in 0..n {
        log.append(
            "call-admitted",
            fields(json!({ "call": format!("call-{i}"), "gate": "policy", "n": i })),
        )
        .unwrap();
    }
    drop(log);
    path
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[String]) {
    let mut s = lines.join("\n");
    s.push('\n');
    std::fs::write(path, s).unwrap();
}

pub fn kind_of(line: &str) -> String {
    let v: Value = serde_json::from_str(line).unwrap();
    v["kind"].as_str().unwrap().to_owned()
}

/// Re-writes a stored line through the entry type, as a forger with the format spec would.
pub fn rewrite(line: &str, edit: impl FnOnce(&mut council_witness::Entry)) -> String {
    let mut e: council_witness::Entry = serde_json::from_str(line).unwrap();
    edit(&mut e);
    e.to_line()
}

/// Sets `prev` of `line` to the leaf hash of `before`.
pub fn rechain(line: &str, before: &str) -> String {
    let leaf = council_witness::merkle::leaf_hash(before.as_bytes());
    rewrite(line, |e| e.prev = council_witness::hex(&leaf))
}
