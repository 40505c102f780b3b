//! The main job, `council demo`, run as a user runs it: twice on the same directory (the second run continues the
//! log). Each run is a council: the daemon (`council run`), two guardians over H.323 (G.729) and an expert over SIP
//! (PCMU), each sending its own tone; each must hear the other two and not itself, and the signed log verifies.

use std::process::Command;

use council_e2e::*;

/// The demo's table row of `who`: the shares (in %) it heard of ada's, bob's and the expert's tone.
fn row(out: &str, who: &str) -> Vec<f64> {
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{who} ")) && l.contains(" heard "))
        .unwrap_or_else(|| panic!("no row for {who}: {out}"));
    line.split(": ")
        .nth(1)
        .unwrap()
        .split(", ")
        .map(|cell| {
            cell.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("{cell:?} in {line:?}"))
        })
        .collect()
}

#[test]
fn the_demo_council_meets_witnesses_and_verifies_twice() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    for round in 0..2 {
        let o = run(Command::new(council())
            .args(["demo", "--seconds", "3", "--dir"])
            .arg(&demo));
        let out = text(&o.stdout);
        assert!(
            o.status.success(),
            "round {round}: {out}{}",
            text(&o.stderr)
        );
        assert!(out.contains("witness log verified"), "{out}");
        assert!(out.contains("the council met"), "{out}");
        // Everybody heard the other two (ada 500 Hz, bob 800 Hz, expert 1200 Hz), nobody themselves.
        for (i, who) in ["ada", "bob", "expert"].into_iter().enumerate() {
            let shares = row(&out, who);
            assert_eq!(shares.len(), 3, "{who}: {shares:?}");
            for (j, share) in shares.iter().enumerate() {
                if i == j {
                    assert!(*share < 2.0, "{who} heard itself: {shares:?}");
                } else {
                    assert!(*share > 15.0, "{who}: {shares:?}");
                }
            }
        }
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
    // Two meetings of three: admitted by the gates and bridged into the council; the second run resumed the log.
    assert_eq!(s.matches("\"kind\":\"call-admitted\"").count(), 6);
    assert_eq!(s.matches("\"kind\":\"call-bridged\"").count(), 6);
    assert_eq!(s.matches("\"kind\":\"log-resumed\"").count(), 1);
    assert!(s.contains("\"label\":\"council/mix\""));
}
