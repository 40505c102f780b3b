//! Witness log throughput: entries/s for each durability policy, and verify throughput.
//!
//! `cargo bench -p council-witness --bench witness` prints a Markdown table (the one in the crate README).
//! The log lives in `$COUNCIL_BENCH_DIR` (default: the system temp dir), so fsync cost is that of its file system.

use std::hint::black_box;
use std::time::{Duration, Instant};

use council_witness::{
    Durability, Options, SignerKey, VerifyOptions, WitnessLog, kind, verify_file,
};
use serde_json::{Map, Value, json};

/// A realistic entry: what a witnesstap writes once a second per call direction.
fn digest_fields(i: u64) -> Map<String, Value> {
    let Value::Object(m) = json!({
        "label": format!("call-{}/rx", i % 64),
        "interval": i,
        "first_pts": i * 1_000_000_000,
        "last_pts": i * 1_000_000_000 + 980_000_000,
        "buffers": 50,
        "bytes": 16000,
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    }) else {
        unreachable!()
    };
    m
}

struct Row {
    what: String,
    entries: u64,
    secs: f64,
    bytes: u64,
}

fn write_run(
    dir: &std::path::Path,
    key: &SignerKey,
    durability: Durability,
    budget: Duration,
    max: u64,
) -> Row {
    let path = dir.join(format!("bench-{durability}.log"));
    let _ = std::fs::remove_file(&path);
    let opts = Options {
        key: Some(key.clone()),
        checkpoint_every: 1000,
        checkpoint_interval: Duration::from_secs(1),
        durability,
    };
    let log = WitnessLog::open(&path, opts).unwrap();
    let start = Instant::now();
    let mut n = 0;
    while n < max && (n % 64 != 0 || start.elapsed() < budget) {
        black_box(log.append(kind::MEDIA_DIGEST, digest_fields(n)).unwrap());
        n += 1;
    }
    drop(log); // includes the final checkpoint and fsync
    let secs = start.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let _ = std::fs::remove_file(&path);
    Row {
        what: format!("append, durability `{durability}`"),
        entries: n,
        secs,
        bytes,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we don't need.
    let dir = std::env::var_os("COUNCIL_BENCH_DIR")
        .map(Into::into)
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(dir).unwrap();
    let key = SignerKey::generate("bench").unwrap();
    let budget = Duration::from_secs(3);

    let mut rows = vec![
        write_run(dir.path(), &key, Durability::EveryEntry, budget, 1_000_000),
        write_run(
            dir.path(),
            &key,
            Durability::EveryCheckpoint,
            budget,
            1_000_000,
        ),
        write_run(
            dir.path(),
            &key,
            Durability::Interval(Duration::from_millis(100)),
            budget,
            1_000_000,
        ),
        write_run(dir.path(), &key, Durability::OsBuffered, budget, 1_000_000),
    ];

    // Verify: a 200k-entry signed log (checkpoint every 1000), read from the page cache.
    let path = dir.path().join("verify.log");
    let opts = Options {
        key: Some(key.clone()),
        checkpoint_every: 1000,
        checkpoint_interval: Duration::ZERO,
        durability: Durability::OsBuffered,
    };
    let log = WitnessLog::open(&path, opts).unwrap();
    for i in 0..200_000 {
        log.append(kind::MEDIA_DIGEST, digest_fields(i)).unwrap();
    }
    drop(log);
    let bytes = std::fs::metadata(&path).unwrap().len();
    let vopts = VerifyOptions {
        key: Some(key.verifier().clone()),
        checkpoints: vec![],
    };
    let mut best = f64::MAX;
    let mut entries = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let report = verify_file(&path, &vopts).unwrap();
        best = best.min(start.elapsed().as_secs_f64());
        entries = report.entries;
    }
    rows.push(Row {
        what: "verify (signed, checkpoint every 1000)".into(),
        entries,
        secs: best,
        bytes,
    });

    println!("| operation | entries | seconds | entries/s | MB/s |");
    println!("|---|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.1} |",
            r.what,
            r.entries,
            r.secs,
            r.entries as f64 / r.secs,
            r.bytes as f64 / r.secs / 1e6
        );
    }
}
