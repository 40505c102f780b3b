//! kill -9 a writer under load, then verify: the log must verify (at most a torn tail), hold every entry whose
//! append had returned, and be continued cleanly by the next writer.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use council_witness::{
    Durability, Options, SignerKey, VerifyOptions, WitnessLog, kind, verify_file,
};
use serde_json::json;

const LOG_ENV: &str = "COUNCIL_WITNESS_CRASH_LOG";
const KEY_ENV: &str = "COUNCIL_WITNESS_CRASH_KEY";

/// The writer process: four threads append as fast as they can and report each acknowledged sequence number.
/// Runs only when the crash test starts it.
#[test]
#[ignore = "the child process of kill_dash_nine_under_load"]
fn crash_child() {
    let (Ok(path), Ok(key)) = (std::env::var(LOG_ENV), std::env::var(KEY_ENV)) else {
        return;
    };
    let key = SignerKey::parse(&key).unwrap();
    let o = Options {
        key: Some(key),
        checkpoint_every: 100,
        checkpoint_interval: Duration::from_millis(50),
        durability: Durability::EveryCheckpoint,
    };
    let log = WitnessLog::open(&path, o).unwrap();
    let out = Arc::new(std::sync::Mutex::new(std::io::stdout()));
    std::thread::scope(|s| {
        for t in 0..4 {
            let log = log.clone();
            let out = Arc::clone(&out);
            s.spawn(move || {
                for i in 0u64.. {
                    let r = log
                        .append(
                            kind::MEDIA_DIGEST,
                            fields(json!({ "t": t, "i": i, "pad": "y".repeat(300) })),
                        )
                        .unwrap();
                    let mut o = out.lock().unwrap();
                    writeln!(o, "acked {}", r.seq).unwrap();
                    o.flush().unwrap();
                }
            });
        }
    });
}

#[test]
fn kill_dash_nine_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.log");
    let key = SignerKey::generate("crash-test").unwrap();
    let opts = VerifyOptions {
        key: Some(key.verifier().clone()),
        checkpoints: vec![],
    };
    let mut total_torn = 0;
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(LOG_ENV, &path)
            .env(KEY_ENV, key.to_private_text())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let acked = Arc::new(AtomicU64::new(0));
        let reader = {
            let acked = Arc::clone(&acked);
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(n) = line
                        .strip_prefix("acked ")
                        .and_then(|n| n.parse::<u64>().ok())
                    {
                        acked.fetch_max(n, Ordering::SeqCst);
                    }
                }
            })
        };
        // Let it write a few thousand entries (and some checkpoints), then kill it mid-stride.
        let start = Instant::now();
        while acked.load(Ordering::SeqCst) < 3000 * (round + 1) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the writer child made no progress"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();

        let report = verify_file(&path, &opts).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(!report.closed, "a killed writer cannot have closed the log");
        let acked = acked.load(Ordering::SeqCst);
        assert!(
            report.entries >= acked,
            "round {round}: entry {acked} was acknowledged but the log has only {}",
            report.entries
        );
        total_torn += usize::from(report.torn_tail.is_some());

        // The next writer continues the same log, keeping any torn tail in a torn-tail entry.
        let log = WitnessLog::open(
            &path,
            Options {
                key: Some(key.clone()),
                ..Options::default()
            },
        )
        .unwrap();
        drop(log);
        let report = verify_file(&path, &opts).unwrap();
        assert!(report.closed && report.torn_tail.is_none(), "{report}");
    }
    eprintln!("torn tails seen in 3 kills: {total_torn}");
}
