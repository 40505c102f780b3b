//! The shared writer: concurrency, checkpoints by count and time, resuming, torn tails, and clear errors.

mod common;

use std::time::{Duration, Instant};

use common::*;
use council_witness::{
    Durability, Error, Options, SignerKey, VerifyOptions, WitnessLog, kind, verify_file,
};
use serde_json::{Value, json};

#[test]
fn many_threads_share_one_writer_and_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.log");
    let key = SignerKey::generate("threads").unwrap();
    let threads = 8;
    let per = 250;
    std::thread::scope(|s| {
        for t in 0..threads {
            let path = &path;
            let key = &key;
            s.spawn(move || {
                // Each thread opens the path itself: the registry must hand out the same writer.
                let log = WitnessLog::open(path, opts(Some(key), 64)).unwrap();
                for i in 0..per {
                    // Long-ish lines make a torn or interleaved write visible.
                    let pad = "x".repeat(200 + (i % 50));
                    log.append(
                        kind::MEDIA_DIGEST,
                        fields(json!({ "t": t, "i": i, "pad": pad })),
                    )
                    .unwrap();
                }
            });
        }
    });
    let opts = VerifyOptions {
        key: Some(key.verifier().clone()),
        checkpoints: vec![],
    };
    let report = verify_file(&path, &opts).unwrap();
    let digests = lines(&path)
        .iter()
        .filter(|l| kind_of(l) == kind::MEDIA_DIGEST)
        .count();
    assert_eq!(digests, threads * per);
    assert!(
        report.checkpoints as usize >= threads * per / 64,
        "{report}"
    );
    // The log was opened once (one genesis) or, if all threads' handles happened to drop in between, resumed.
    assert!(report.closed, "{report}");
}

#[test]
fn checkpoints_arrive_within_the_interval_of_an_idle_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idle.log");
    let o = Options {
        key: None,
        checkpoint_every: 0,
        checkpoint_interval: Duration::from_millis(100),
        durability: Durability::EveryCheckpoint,
    };
    let log = WitnessLog::open(&path, o).unwrap();
    let call = log
        .append(kind::CALL_ADMITTED, fields(json!({"call": "a"})))
        .unwrap();
    let start = Instant::now();
    // The ticker, not another append, must write a checkpoint that covers the call.
    loop {
        let covered = lines(&path).iter().any(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["kind"] == kind::CHECKPOINT && v["seq"].as_u64().unwrap() > call.seq
        });
        if covered {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "no checkpoint after 5 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let report = verify_file(&path, &VerifyOptions::default()).unwrap();
    assert!(report.attested >= call.seq, "{report}");
    drop(log);
}

#[test]
fn reopening_resumes_the_chain_and_reserved_kinds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = SignerKey::generate("resume").unwrap();
    let path = write_log(dir.path(), Some(&key), 3, 5);
    let before = lines(&path).len();
    let log = WitnessLog::open(&path, opts(Some(&key), 3)).unwrap();
    assert!(matches!(
        log.append(kind::CHECKPOINT, fields(json!({}))),
        Err(Error::ReservedKind(_))
    ));
    let r = log
        .append(kind::FAILOVER, fields(json!({"to": "b"})))
        .unwrap();
    assert_eq!(r.seq, before as u64 + 2, "after the log-resumed entry");
    drop(log);
    let l = lines(&path);
    assert_eq!(kind_of(&l[before]), kind::LOG_RESUMED);
    let opts = VerifyOptions {
        key: Some(key.verifier().clone()),
        checkpoints: vec![],
    };
    let report = verify_file(&path, &opts).unwrap();
    assert!(report.closed);
    assert_eq!(report.entries as usize, l.len());
}

#[test]
fn a_torn_tail_is_reported_then_kept_and_cut_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_log(dir.path(), None, 4, 6);
    let mut data = std::fs::read(&path).unwrap();
    let complete = lines(&path).len();
    let torn_bytes = format!("{{\"seq\":{},\"time\":\"2026-", complete + 1).into_bytes();
    data.extend_from_slice(&torn_bytes);
    std::fs::write(&path, &data).unwrap();

    let report = verify_file(&path, &VerifyOptions::default()).unwrap();
    let torn = report.torn_tail.clone().expect("a torn tail");
    assert_eq!(torn.line as usize, complete + 1);
    assert_eq!(torn.bytes, torn_bytes);
    assert!(report.to_string().contains("TORN TAIL"), "{report}");

    let log = WitnessLog::open(&path, opts(None, 4)).unwrap();
    drop(log);
    let l = lines(&path);
    let torn_entry: Value = serde_json::from_str(&l[complete + 1]).unwrap();
    assert_eq!(torn_entry["kind"], kind::TORN_TAIL);
    assert_eq!(torn_entry["fields"]["bytes"], torn_bytes.len());
    use base64::Engine as _;
    let kept = base64::engine::general_purpose::STANDARD
        .decode(torn_entry["fields"]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(kept, torn_bytes, "the torn bytes are kept whole");
    let report = verify_file(&path, &VerifyOptions::default()).unwrap();
    assert!(report.torn_tail.is_none());
    assert!(report.closed);
}

#[test]
fn bad_paths_and_keys_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Unwritable: a directory that does not exist.
    let err =
        WitnessLog::open(dir.path().join("no/such/dir/w.log"), Options::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(
        err.to_string().contains("no/such/dir/w.log") && err.to_string().contains("open"),
        "{err}"
    );

    // A log of another key, and an unsigned writer on a signed log.
    let key = SignerKey::generate("mine").unwrap();
    let path = write_log(dir.path(), Some(&key), 3, 2);
    let other = SignerKey::generate("theirs").unwrap();
    let err = WitnessLog::open(&path, opts(Some(&other), 3)).unwrap_err();
    assert!(matches!(err, Error::KeyMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("mine+") && err.to_string().contains("theirs+"),
        "{err}"
    );
    let err = WitnessLog::open(&path, opts(None, 3)).unwrap_err();
    assert!(err.to_string().contains("unsigned (no key)"), "{err}");

    // A tampered log is not appended to.
    let mut l = lines(&path);
    l[2] = l[2].replace("call-1", "call-9");
    write_lines(&path, &l);
    let err = WitnessLog::open(&path, opts(Some(&key), 3)).unwrap_err();
    assert!(
        matches!(&err, Error::Tampered { failure, .. } if failure.line == 3),
        "{err}"
    );

    // Garbage is not a log.
    let junk = dir.path().join("junk.log");
    std::fs::write(&junk, "hello\nworld\n").unwrap();
    let err = WitnessLog::open(&junk, Options::default()).unwrap_err();
    assert!(
        err.to_string().contains("line 1: not a witness entry"),
        "{err}"
    );

    // Key files: missing, and malformed.
    let err = SignerKey::read(&dir.path().join("nokey")).unwrap_err();
    assert!(err.to_string().contains("read private key"), "{err}");
    std::fs::write(dir.path().join("bad.key"), "PRIVATE+KEY+x+00000000+AAAA\n").unwrap();
    assert!(SignerKey::read(&dir.path().join("bad.key")).is_err());
}

#[test]
fn a_second_process_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.log");
    let _log = WitnessLog::open(&path, Options::default()).unwrap();
    // flock conflicts between open file descriptions, which is what another process would have; flock(1) is
    // that other process.
    let status = std::process::Command::new("flock")
        .args(["--nonblock", "--exclusive"])
        .arg(&path)
        .arg("true")
        .status()
        .expect("flock(1) from util-linux");
    assert!(!status.success(), "another process could lock the open log");
}

#[test]
fn keygen_writes_a_pair_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let key = SignerKey::generate("council.example").unwrap();
    let (private, public) = key.write_pair(dir.path()).unwrap();
    assert_eq!(
        SignerKey::read(&private).unwrap().verifier(),
        key.verifier()
    );
    assert_eq!(
        &council_witness::Verifier::read(&public).unwrap(),
        key.verifier()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let again = SignerKey::generate("council.example").unwrap();
    assert!(again.write_pair(dir.path()).is_err());
    assert_eq!(
        SignerKey::read(&private).unwrap().verifier(),
        key.verifier()
    );
}

#[test]
fn floats_survive_the_round_trip_and_the_log_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("floats.log");
    let log = WitnessLog::open(&path, opts(None, 0)).unwrap();
    for i in 1..200u32 {
        let x = f64::from(i) / 13.0 * 1e-3;
        log.append(
            kind::MEDIA_DIGEST,
            fields(json!({ "level_dbov": -x * 1e4, "x": x, "tiny": x * 1e-300 })),
        )
        .unwrap();
    }
    drop(log);
    verify_file(&path, &VerifyOptions::default()).unwrap();
    drop(WitnessLog::open(&path, opts(None, 0)).unwrap());
}

#[test]
fn closing_and_opening_from_many_threads_neither_deadlocks_nor_reports_a_false_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("churn.log");
    let signed = SignerKey::generate("churn").unwrap();
    // The log exists under the key before the threads start: the other key's opener, scheduled first, would
    // otherwise create it unsigned (and the signed openers would be the refused ones).
    drop(WitnessLog::open(&path, opts(Some(&signed), 0)).unwrap());
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let path2 = path.clone();
    std::thread::spawn(move || {
        std::thread::scope(|s| {
            // Same key: every open must succeed, even while another thread is closing the last handle.
            for _ in 0..4 {
                let (path, signed) = (&path2, &signed);
                s.spawn(move || {
                    for _ in 0..100 {
                        let log = WitnessLog::open(path, opts(Some(signed), 0)).unwrap();
                        log.append(kind::CALL_ADMITTED, fields(json!({"x": 1})))
                            .unwrap();
                    }
                });
            }
            // Another key: always refused, and dropping the handle it found must not take the registry down.
            s.spawn(|| {
                for _ in 0..100 {
                    match WitnessLog::open(&path2, opts(None, 0)) {
                        Err(Error::KeyMismatch { .. }) => {}
                        other => panic!("expected a key mismatch, got {other:?}"),
                    }
                }
            });
        });
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("deadlocked");
    let opts = VerifyOptions {
        key: None,
        checkpoints: vec![],
    };
    let report = verify_file(&path, &opts).unwrap();
    assert_eq!(
        lines(&path)
            .iter()
            .filter(|l| kind_of(l) == kind::CALL_ADMITTED)
            .count(),
        400,
        "{report}"
    );
}

#[test]
fn the_logs_own_checkpoint_reasons_are_reserved() {
    let dir = tempfile::tempdir().unwrap();
    let log = WitnessLog::open(dir.path().join("r.log"), opts(None, 0)).unwrap();
    for reason in ["shutdown", "entries", "interval"] {
        assert!(
            matches!(log.checkpoint(reason), Err(Error::ReservedKind(_))),
            "{reason}"
        );
    }
    let cp = log.checkpoint(kind::FAILOVER).unwrap();
    assert_eq!(cp.size, 1);
    assert!(cp.origin.starts_with("council-witness/"), "{}", cp.origin);
}
