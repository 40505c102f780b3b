//! The main job, `council demo`, run as a user runs it: twice on the same directory (the second run continues the
//! log), each ending with a verified log holding both sides' media digests.

use std::process::Command;

use council_e2e::*;

#[test]
fn the_demo_runs_witnesses_and_verifies_twice() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    for round in 0..2 {
        let o = run(Command::new(council())
            .args(["demo", "--seconds", "2", "--dir"])
            .arg(&demo));
        let out = text(&o.stdout);
        assert!(
            o.status.success(),
            "round {round}: {out}{}",
            text(&o.stderr)
        );
        assert!(out.contains("witness log verified"), "{out}");
        assert!(
            out.contains("/rx"),
            "no received-audio digest printed: {out}"
        );
    }
    let log = demo.join("witness.log");
    let o = run(Command::new(council())
        .args(["witness", "verify"])
        .arg(&log)
        .arg("--key")
        .arg(demo.join("witness.pub")));
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("(the given key)") && out.contains("council-demo+"),
        "{out}"
    );
    let s = std::fs::read_to_string(&log).unwrap();
    assert_eq!(s.matches("\"kind\":\"call-bridged\"").count(), 2);
    assert_eq!(s.matches("\"kind\":\"log-resumed\"").count(), 1);
}
