//! `council witness …` as a user runs it: exit statuses and what it prints.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use council_witness::{Durability, Options, SignerKey, WitnessLog, kind};
use serde_json::json;

fn council(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_council"))
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// keygen, then a signed log of 12 calls, checkpointed every 4.
fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let keys = dir.join("keys");
    let o = council(&["witness", "keygen", "--name", "cli-test"], &[&keys]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("public key: cli-test+"), "{}", out(&o));
    let key = SignerKey::read(&keys.join("witness.key")).unwrap();
    let log_path = dir.join("w.log");
    let opts = Options {
        key: Some(key),
        checkpoint_every: 4,
        checkpoint_interval: Duration::ZERO,
        durability: Durability::OsBuffered,
    };
    let log = WitnessLog::open(&log_path, opts).unwrap();
    for i in 0..12 {
        let serde_json::Value::Object(f) = json!({"call": format!("c{i}"), "gate": "identity"})
        else {
            unreachable!()
        };
        log.append(kind::CALL_ADMITTED, f).unwrap();
    }
    drop(log);
    (log_path, keys.join("witness.pub"))
}

#[test]
fn verify_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let (log, public) = setup(dir.path());

    let o = council(&["witness", "verify"], &[&log, Path::new("--key"), &public]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(
        out(&o).contains("OK: 17 entries, 4 checkpoints"),
        "{}",
        out(&o)
    );

    // Tampered: exit 1, the line named.
    let text = std::fs::read_to_string(&log).unwrap();
    let edited = text.replacen("\"call\":\"c5\"", "\"call\":\"c6\"", 1);
    let bad_line = text
        .lines()
        .position(|l| l.contains("\"call\":\"c5\""))
        .unwrap()
        + 1;
    std::fs::write(&log, &edited).unwrap();
    let o = council(&["witness", "verify"], &[&log, Path::new("--key"), &public]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains(&format!("FAILED at line {bad_line}: altered")),
        "{}",
        out(&o)
    );

    // Torn tail: exit 3, said to be a crash, not tampering.
    std::fs::write(&log, format!("{text}{{\"seq\":18,\"ti")).unwrap();
    let o = council(&["witness", "verify"], &[&log]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(
        out(&o).contains("TORN TAIL at line 18") && out(&o).contains("not tampered with"),
        "{}",
        out(&o)
    );

    // Unreadable: exit 2, the path named.
    let missing = dir.path().join("nope.log");
    let o = council(&["witness", "verify"], &[&missing]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("nope.log: cannot read log"), "{}", out(&o));

    // Another key: exit 1 at line 1.
    let other = dir.path().join("other");
    assert!(
        council(&["witness", "keygen", "--name", "cli-test"], &[&other])
            .status
            .success()
    );
    std::fs::write(&log, &text).unwrap();
    let o = council(
        &["witness", "verify"],
        &[&log, Path::new("--key"), &other.join("witness.pub")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("FAILED at line 1: the log is kept under key cli-test+"),
        "{}",
        out(&o)
    );

    // An emptied log: exit 1.
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, "").unwrap();
    let o = council(&["witness", "verify"], &[&empty]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("FAILED at line 1: the log is empty"),
        "{}",
        out(&o)
    );

    // A garbage key file: exit 2.
    std::fs::write(dir.path().join("garbage.pub"), "hello").unwrap();
    let o = council(
        &["witness", "verify"],
        &[&log, Path::new("--key"), &dir.path().join("garbage.pub")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("bad public key"), "{}", out(&o));
}

#[test]
fn a_held_checkpoint_catches_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let (log, public) = setup(dir.path());
    let o = council(&["witness", "checkpoint"], &[&log]);
    assert!(o.status.success(), "{}", out(&o));
    let note = String::from_utf8(o.stdout).unwrap();
    assert!(
        note.starts_with("cli-test/")
            && note.contains("\n16\n")
            && note.contains("\n\u{2014} cli-test "),
        "{note}"
    );
    let held = dir.path().join("held.note");
    std::fs::write(&held, &note).unwrap();

    let text = std::fs::read_to_string(&log).unwrap();
    let cut: String = text.lines().take(9).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, cut).unwrap();
    let o = council(
        &["witness", "verify"],
        &[
            &log,
            Path::new("--key"),
            &public,
            Path::new("--checkpoint"),
            &held,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("FAILED at line 10: missing: the log ends after 9 entries"),
        "{}",
        out(&o)
    );

    // A held checkpoint signed by someone else is refused outright.
    let forged = note.replacen("\n16\n", "\n9\n", 1);
    assert_ne!(forged, note);
    std::fs::write(&held, forged).unwrap();
    let o = council(
        &["witness", "verify"],
        &[
            &log,
            Path::new("--key"),
            &public,
            Path::new("--checkpoint"),
            &held,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("not validly signed"), "{}", out(&o));
}

#[test]
fn show_prints_entries_readably() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = setup(dir.path());
    let o = council(&["witness", "show"], &[&log]);
    let s = out(&o);
    assert!(o.status.success(), "{s}");
    assert_eq!(s.lines().count(), 17);
    assert!(
        s.lines().next().unwrap().contains("genesis") && s.contains("origin=cli-test"),
        "{s}"
    );
    assert!(
        s.contains("call-admitted") && s.contains("call=c11 gate=identity"),
        "{s}"
    );
    assert!(
        s.contains("reason=shutdown size=16") && s.contains("signed by cli-test"),
        "{s}"
    );
    let o = council(&["witness", "show", "--kind", "checkpoint"], &[&log]);
    assert_eq!(out(&o).lines().count(), 4);
}

#[test]
fn keygen_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        council(&["witness", "keygen"], &[dir.path()])
            .status
            .success()
    );
    let o = council(&["witness", "keygen"], &[dir.path()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).contains("refusing to overwrite"), "{}", out(&o));
}
