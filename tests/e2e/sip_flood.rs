//! An INVITE flood does not starve an established call: while SIPp floods `council serve` with new INVITEs from
//! 127.0.0.1 (far over the per-source limit), a call placed from 127.0.0.2 by `council call` stays up, and its
//! BYE is answered; the flood's excess is refused with 503.

use std::process::Command;
use std::time::Duration;

use council_e2e::council;
use council_e2e::sip::{Server, Sipp, have};

#[test]
fn an_invite_flood_does_not_starve_an_established_call() {
    if !have("sipp", "sip-tester") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A per-source limit of 50 INVITEs/s (burst 50), so a flood of 500/s is mostly refused.
    let config = dir.path().join("council.toml");
    std::fs::write(&config, "[sip]\ninvite-rate = 50\ninvite-burst = 50\n").unwrap();
    let server = Server::council(dir.path(), &["--config", config.to_str().unwrap()]);
    let sip = server.sip;
    // The established call: placed from another loopback address, held 5 s, then BYE.
    let call_dir = dir.path().join("caller");
    let caller = std::thread::spawn(move || {
        Command::new("timeout")
            .arg("60")
            .arg(council())
            .args([
                "call",
                &format!("sip:council@{sip}"),
                "--seconds",
                "5",
                "--sip",
                "127.0.0.2:0",
                "--witness-dir",
            ])
            .arg(&call_dir)
            .output()
            .expect("council call")
    });
    std::thread::sleep(Duration::from_millis(500));
    // The flood: 500 INVITEs/s for 3 s from 127.0.0.1.
    let flood = Sipp::uac(dir.path(), sip, 1500, 500, 500).run();
    let out = caller.join().unwrap();
    assert!(
        out.status.success(),
        "the established call did not end cleanly: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        flood.failed > 0,
        "the flood was not limited: {}",
        flood.report()
    );
    assert!(
        flood.successful > 0,
        "nothing of the flood got through: {}",
        flood.report()
    );
    // Council's side: the established call was released by its BYE.
    let log = std::fs::read_to_string(server.witness_log()).unwrap();
    let byes = log
        .lines()
        .filter(|l| l.contains("\"kind\":\"call-released\"") && l.contains("\"why\":\"bye\""))
        .count();
    assert!(byes >= 1, "no call was released by a BYE");
    let limited = log
        .lines()
        .filter(|l| l.contains("\"kind\":\"call-admitted\""))
        .count();
    assert!(limited < 1500, "every flood INVITE was admitted");
    server.stop();
}
