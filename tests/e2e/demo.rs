//! The main job, `council demo`, run as a user runs it: twice on the same directory (the second run continues the
//! log), each a bridged call (SIP PCMU → bridge → H.323 G.729) ending with a verified log holding every leg's media
//! digests and the tone heard at the far end.

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
        for leg in ["expert-tx", "bridge", "guardian-rx"] {
            assert!(
                out.contains(&format!("/{leg} ")),
                "no digest printed for {leg}: {out}"
            );
        }
        // The tone crossed PCMU → G.729 and was heard: the demo prints its share of the received energy.
        let share: f64 = out
            .split("440 Hz tone holds ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no tone figure: {out}"));
        assert!(
            share > 90.0,
            "the guardian heard the tone at only {share} %"
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
