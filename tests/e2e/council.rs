//! The council, all real: `council run` (gatekeeper + SIP + the council conference in one process), two guardians
//! (`council guardian` over H.323, admitted through the gatekeeper: one speaking G.729 with Fast Start, one whose
//! terminal has only G.711 µ-law and opens its channels over H.245) and an expert (`council call --tone`, PCMU over SIP) in one call. Each sends its own tone and records what it hears: each must
//! hear the other two tones and not its own. The daemon's witness log holds every call bridged and released and
//! the full mix's digests, and verifies.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use council_e2e::council;
use council_e2e::sip::{Guard, high_port_block, read_wav, tone_share, witness_count};

/// Starts `council run` on free loopback ports; returns it and its RAS and SIP addresses.
fn daemon(dir: &Path) -> (Guard, SocketAddr, SocketAddr) {
    daemon_with(dir, &[])
}

/// [`daemon`] with more arguments (e.g. `--config FILE`).
fn daemon_with(dir: &Path, extra: &[&str]) -> (Guard, SocketAddr, SocketAddr) {
    let mut guard = Guard::spawn(
        Command::new(council())
            .args([
                "run",
                "--sip",
                "127.0.0.1:0",
                "--ras",
                "127.0.0.1:0",
                "--h225",
                "127.0.0.1:0",
                "--witness-dir",
            ])
            .arg(dir)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "council run",
    );
    let stdout = guard.child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let (mut ras, mut sip) = (None, None);
    while ras.is_none() || sip.is_none() {
        let line = lines
            .next()
            .expect("council run prints its addresses")
            .unwrap();
        let addr = |word: &str| -> Option<SocketAddr> {
            let mut w = line.split_whitespace();
            w.position(|x| x == word)?;
            w.next()?.parse().ok()
        };
        if line.starts_with("council gatekeeper:") {
            ras = addr("udp");
        } else if line.starts_with("council serve:") {
            sip = addr("udp");
        }
    }
    // Keep reading so the daemon never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (guard, ras.unwrap(), sip.unwrap())
}

/// `council guardian` calling the council through the gatekeeper at `ras` for `seconds`, recording into
/// `dir/ALIAS.wav`, its taps into `dir/ALIAS.log` (60 s at the most).
fn guardian(dir: &Path, ras: SocketAddr, alias: &str, seconds: u32) -> Command {
    guardian_of(dir, ras, alias, seconds, "council")
}

/// [`guardian`] calling council `to`.
fn guardian_of(dir: &Path, ras: SocketAddr, alias: &str, seconds: u32, to: &str) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.arg("60")
        .arg(council())
        .args([
            "guardian",
            "--gatekeeper",
            &ras.to_string(),
            "--alias",
            alias,
        ])
        .args(["--call", to, "--seconds", &seconds.to_string()])
        .arg("--record")
        .arg(dir.join(format!("{alias}.wav")))
        .arg("--witness")
        .arg(dir.join(format!("{alias}.log")));
    cmd
}

/// `council call` into the council at `sip` for `seconds` (60 s at the most), its witness log in `dir/NAME`,
/// output piped; a tone and a recording may be added.
fn expert(dir: &Path, sip: SocketAddr, name: &str, seconds: u32) -> Command {
    let mut cmd = Command::new("timeout");
    cmd.arg("60")
        .arg(council())
        .args([
            "call",
            &format!("sip:council@{sip}"),
            "--sip",
            "127.0.0.1:0",
        ])
        .args(["--seconds", &seconds.to_string(), "--witness-dir"])
        .arg(dir.join(name))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn guardians_and_an_expert_hear_each_other_and_not_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let witness = dir.path().join("daemon");
    let (mut daemon, ras, sip) = daemon(&witness);

    let guardian = |alias: &str, tone: u32, codecs: &str, extra: &[&str]| {
        guardian(dir.path(), ras, alias, 4)
            .args(["--tone", &tone.to_string(), "--codecs", codecs])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let expert = expert(dir.path(), sip, "expert", 4)
        .args(["--tone", "1200", "--record"])
        .arg(dir.path().join("expert.wav"))
        .spawn()
        .unwrap();
    // Ada speaks G.729; Bob's terminal has only G.711 µ-law and no Fast Start (its channel is opened over the
    // tunnelled H.245).
    let a = guardian("ada", 500, "G729,PCMU", &[]);
    let b = guardian("bob", 800, "PCMU", &["--no-fast-start"]);
    for (who, child, sends) in [
        ("ada", a, "G729"),
        ("bob", b, "PCMU"),
        ("expert", expert, ""),
    ] {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{who}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A guardian says which codec it speaks.
        assert!(
            sends.is_empty() || stdout.contains(&format!("sending {sends} ")),
            "{who}: {stdout}"
        );
    }

    let tones = [("ada", 500.0), ("bob", 800.0), ("expert", 1200.0)];
    for (who, own) in tones {
        let (audio, rate) = read_wav(&dir.path().join(format!("{who}.wav")));
        assert_eq!(rate, 8000);
        assert!(
            audio.len() >= 16000,
            "{who} recorded {} samples",
            audio.len()
        );
        // The middle of the call, when all three are in.
        let middle = &audio[8000..audio.len() - 4000];
        let mine = tone_share(middle, 8000, own);
        assert!(mine < 0.02, "{who} hears its own {own} Hz: {mine:.3}");
        for (other, freq) in tones.iter().filter(|(o, _)| *o != who) {
            let share = tone_share(middle, 8000, *freq);
            assert!(
                share > 0.15,
                "{who} hears {other} ({freq} Hz) at {share:.3}"
            );
        }
    }

    daemon.signal(libc::SIGTERM);
    let status = daemon.wait_or_kill(Duration::from_secs(20));
    assert!(status.success(), "council run: {status:?}");
    let log = witness.join("witness.log");
    // Admitted by the gates and bridged into the council: three calls. Released: the expert's BYE, and for each
    // guardian both its disengage (RAS) and its ReleaseComplete (call signalling).
    assert_eq!(witness_count(&log, "call-admitted"), 3);
    assert_eq!(witness_count(&log, "call-bridged"), 3);
    assert_eq!(witness_count(&log, "call-released"), 5);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("\"label\":\"council/mix\""),
        "no digest of the full mix"
    );
    let verify = Command::new(council())
        .args(["witness", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// SIGTERM while a guardian's call is up: the daemon releases the call (witnessed), stops, and its log ends with
/// its shutdown checkpoint.
#[test]
fn stopping_the_daemon_releases_calls_and_closes_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let witness = dir.path().join("daemon");
    let (mut daemon, ras, _) = daemon(&witness);
    let guardian = guardian(dir.path(), ras, "ada", 30)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let log = witness.join("witness.log");
    let end = std::time::Instant::now() + Duration::from_secs(20);
    while witness_count(&log, "call-bridged") == 0 {
        assert!(
            std::time::Instant::now() < end,
            "the guardian's call was not bridged"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    daemon.signal(libc::SIGTERM);
    let status = daemon.wait_or_kill(Duration::from_secs(20));
    assert!(status.success(), "council run: {status:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    // Released by Council (ReleaseComplete sent), and the admission given back by the gatekeeper's shutdown.
    assert!(
        text.contains("\"protocol\":\"h323\",\"why\":\"released\""),
        "the call was not released: {text}"
    );
    assert!(text.contains("\"why\":\"shutdown\""), "{text}");
    let verify = Command::new(council())
        .args(["witness", "verify"])
        .arg(&log)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{report}");
    assert!(!report.contains("not closed cleanly"), "{report}");
    drop(guardian);
}

/// A gatekeeper that cannot start (its RAS port is taken) ends the daemon with an error, its log closed cleanly.
#[test]
fn a_taken_ras_port_stops_the_daemon_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let out = Command::new("timeout")
        .arg("30")
        .arg(council())
        .args([
            "run",
            "--sip",
            "127.0.0.1:0",
            "--h225",
            "127.0.0.1:0",
            "--ras",
        ])
        .arg(taken.local_addr().unwrap().to_string())
        .arg("--witness-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("binding RAS"),
        "{out:?}"
    );
    let verify = Command::new(council())
        .args(["witness", "verify"])
        .arg(dir.path().join("witness.log"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{report}");
    assert!(!report.contains("not closed cleanly"), "{report}");
}

/// Two councils are two conferences: Ada and Bob call "north", Cy calls "south"; Ada and Bob hear each other and
/// not Cy, Cy (alone in his council) hears nobody. The log names each call's council.
#[test]
fn each_council_meets_apart() {
    let dir = tempfile::tempdir().unwrap();
    let witness = dir.path().join("daemon");
    let config = dir.path().join("council.toml");
    let council = |name: &str| {
        format!(
            "[[gates.council]]\nname = \"{name}\"\nseats = 10\nexperts = true\n\
             members = [ {{ alias = \"*\", role = \"guardian\" }} ]\n"
        )
    };
    std::fs::write(&config, council("north") + &council("south")).unwrap();
    let (mut daemon, ras, _) = daemon_with(&witness, &["--config", config.to_str().unwrap()]);
    let members = [
        ("ada", 500, "north"),
        ("bob", 800, "north"),
        ("cy", 1200, "south"),
    ];
    let children: Vec<_> = members
        .iter()
        .map(|(alias, tone, council)| {
            guardian_of(dir.path(), ras, alias, 4, council)
                .args(["--tone", &tone.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for ((alias, ..), child) in members.iter().zip(children) {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{alias}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let heard = |alias: &str| {
        let (audio, _) = read_wav(&dir.path().join(format!("{alias}.wav")));
        audio[8000..audio.len() - 4000].to_vec()
    };
    let (ada, bob, cy) = (heard("ada"), heard("bob"), heard("cy"));
    assert!(tone_share(&ada, 8000, 800.0) > 0.3, "ada hears bob");
    assert!(tone_share(&bob, 8000, 500.0) > 0.3, "bob hears ada");
    for (who, h) in [("ada", &ada), ("bob", &bob)] {
        let south = tone_share(h, 8000, 1200.0);
        assert!(
            south < 0.01,
            "{who} hears cy of the other council: {south:.3}"
        );
    }
    let peak = cy.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    assert!(
        peak < 200,
        "cy, alone in the south, hears something: peak {peak}"
    );
    daemon.signal(libc::SIGTERM);
    assert!(daemon.wait_or_kill(Duration::from_secs(20)).success());
    let log = std::fs::read_to_string(witness.join("witness.log")).unwrap();
    assert_eq!(log.matches("\"council\":\"north\"").count(), 2, "{log}");
    assert_eq!(log.matches("\"council\":\"south\"").count(), 1, "{log}");
    assert!(log.contains("\"label\":\"north/mix\"") && log.contains("\"label\":\"south/mix\""));
}

/// The `local-rtp-port` of every call-bridged entry of a witness log.
fn bridged_ports(log: &Path) -> Vec<u64> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["kind"] == "call-bridged")
        .filter_map(|e| e["fields"]["local-rtp-port"].as_u64())
        .collect()
}

/// `[media] rtp-ports`: every call, H.323 or SIP, receives RTP on an even port of the range, no two at once on the
/// same; when all are taken the next call is refused (SIP 500 with a Warning), and a port is used again once its
/// call has ended.
#[test]
fn calls_take_their_rtp_ports_from_the_configured_range() {
    let dir = tempfile::tempdir().unwrap();
    let witness = dir.path().join("daemon");
    let first = high_port_block(4);
    let config = dir.path().join("council.toml");
    // Two calls' worth: RTP on `first` and `first + 2`, RTCP on the odd ports above.
    std::fs::write(
        &config,
        format!("[media]\nrtp-ports = [{first}, {}]\n", first + 3),
    )
    .unwrap();
    let (mut daemon, ras, sip) = daemon_with(&witness, &["--config", config.to_str().unwrap()]);
    let log = witness.join("witness.log");
    let expert = |name: &str, seconds: u32| expert(dir.path(), sip, name, seconds).spawn().unwrap();
    // Long enough that both are still up when the third call comes, however slowly each got in.
    let ada = guardian(dir.path(), ras, "ada", 12)
        .args(["--tone", "500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let one = expert("one", 12);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while bridged_ports(&log).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "two calls bridged: {:?}",
            bridged_ports(&log)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut both = bridged_ports(&log);
    both.sort_unstable();
    assert_eq!(both, [u64::from(first), u64::from(first) + 2]);

    // Both ports taken: the third caller is refused.
    let refused = expert("two", 1).wait_with_output().unwrap();
    assert!(!refused.status.success(), "a third call was answered");
    for (who, child) in [("ada", ada), ("one", one)] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{who}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Their ports are free again, once the daemon has stopped their sessions (a moment after the hang-ups).
    let mut tries = 0;
    loop {
        tries += 1;
        let again = expert(&format!("three-{tries}"), 1)
            .wait_with_output()
            .unwrap();
        if again.status.success() {
            break;
        }
        assert!(
            tries < 5,
            "no call answered after the others ended: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let ports = bridged_ports(&log);
    assert_eq!(ports.len(), 3, "{ports:?}");
    assert!(
        ports
            .iter()
            .all(|&p| p == u64::from(first) || p == u64::from(first) + 2),
        "{ports:?} outside {first}-{}",
        first + 3
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("\"why\":\"media-failed\""),
        "no refusal witnessed"
    );

    daemon.signal(libc::SIGTERM);
    assert!(
        daemon.wait_or_kill(Duration::from_secs(20)).success(),
        "council run"
    );
}
