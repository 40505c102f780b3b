//! SIPp's built-in UAC against the server: 500 calls at 100 calls/s, each held 500 ms, must all succeed (SIPp's
//! final statistics: 500 successful, 0 failed). Council's witness log must then hold one `call-bridged` and one
//! `call-released` entry per call and verify; SIGTERM must end the daemon cleanly. Calls over TCP (the same
//! address) and OPTIONS get the same treatment.

use std::time::Duration;

use council_e2e::sip::*;

const CALLS: u64 = 500;
const RATE: u32 = 100;
const HOLD_MS: u32 = 500;

#[test]
fn five_hundred_calls_at_100_per_second_all_succeed() {
    if !have("sipp", "sip-tester") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let r = Sipp::uac(dir.path(), server.sip, CALLS as u32, RATE, HOLD_MS).run();
    eprintln!(
        "{} successful, {} failed; call rate {} calls/s",
        r.successful,
        r.failed,
        r.stat("CallRate(C)")
    );
    assert_eq!(
        (r.created, r.successful, r.failed),
        (CALLS, CALLS, 0),
        "{}",
        r.report()
    );
    assert!(r.status.success(), "{}", r.report());
    if server.is_council() {
        let bridged = server.witness_count("call-bridged");
        // Each BYE was answered, so each call is released; the entry may trail the 200 OK by a moment.
        let released =
            server.await_witness("call-released", CALLS as usize, Duration::from_secs(15));
        let log = server.witness_log();
        let witness_dir = server.witness_dir.clone();
        server.stop();
        assert_eq!(
            bridged as u64,
            CALLS,
            "call-bridged entries in {}",
            log.display()
        );
        assert_eq!(
            released as u64,
            CALLS,
            "call-released entries in {}",
            log.display()
        );
        // Nothing more after the clean shutdown: no call was left to release.
        assert_eq!(witness_count(&log, "call-released") as u64, CALLS);
        verify_witness(&witness_dir);
    } else {
        server.stop();
    }
}

#[test]
fn calls_over_tcp_succeed_too() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!(
            "the stand-in (SIPp's UAS) listens on UDP only: this test is for council serve only"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    // One TCP connection (t1) carries every call's messages.
    let r = Sipp::uac(dir.path(), server.sip, 100, 50, 300)
        .arg("-t")
        .arg("t1")
        .run();
    assert_eq!(
        (r.created, r.successful, r.failed),
        (100, 100, 0),
        "{}",
        r.report()
    );
    let released = server.await_witness("call-released", 100, Duration::from_secs(15));
    assert_eq!(released, 100, "call-released entries");
    assert_eq!(server.witness_count("call-bridged"), 100);
    server.stop();
}

#[test]
fn options_is_answered_200() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!("SIPp's UAS does not answer OPTIONS: this test is for council serve only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let r = Sipp::scenario(dir.path(), server.sip, "uac_options.xml")
        .arg("-m")
        .arg("3")
        .run();
    assert_eq!((r.successful, r.failed), (3, 0), "{}", r.report());
    // OPTIONS creates no call.
    assert_eq!(server.witness_count("call-bridged"), 0);
    server.stop();
}

/// `[sip] auth = "digest"` with one user: SIPp answers the 401 challenge with credentials (`uac_auth.xml`, `-au`
/// `-ap`); right credentials are bridged, a wrong password is refused and bridges nothing. SIPp 3.6.1 only does MD5
/// and aborts on a first challenge of another algorithm, so serve challenges MD5 alone here; and SIPp needs
/// `-auth_uri` to put the Request-URI in the digest's `uri` (its default is `sip:HOST:PORT`, which serve refuses).
#[test]
fn calls_authenticate_with_digest() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!("SIPp's UAS does not authenticate: this test is for council serve only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(
        &config,
        "[sip]\nauth = \"digest\"\ndigest-algorithms = [\"MD5\"]\n\
         [[sip.users]]\nname = \"ada\"\npassword = \"s3cret\"\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", &config.display().to_string()]);
    let sipp = |password: &str, calls: &str| {
        Sipp::scenario(dir.path(), server.sip, "uac_auth.xml")
            .arg("-au")
            .arg("ada")
            .arg("-ap")
            .arg(password)
            // SIPp's digest uri is sip:HOST:PORT unless told; council serve wants the Request-URI (RFC 3261 §22.4).
            .arg("-auth_uri")
            .arg(&format!("service@{}", server.sip))
            .arg("-m")
            .arg(calls)
            .arg("-r")
            .arg("10")
            .arg("-d")
            .arg("300")
            .run()
    };
    let r = sipp("s3cret", "20");
    assert_eq!((r.successful, r.failed), (20, 0), "{}", r.report());
    assert_eq!(
        server.await_witness("call-released", 20, Duration::from_secs(10)),
        20
    );
    let r = sipp("wrong", "5");
    assert_eq!((r.successful, r.failed), (0, 5), "{}", r.report());
    assert_eq!(
        server.witness_count("call-bridged"),
        20,
        "a wrong password bridged a call"
    );
    let witness_dir = server.witness_dir.clone();
    server.stop();
    verify_witness(&witness_dir);
}

/// SIGTERM while calls are up: the daemon still exits 0, and the witness log accounts for every call it bridged
/// (each ended call is `call-released`, including those the shutdown ended).
#[test]
fn shutdown_with_calls_up_releases_them_in_the_witness_log() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!("the witness log is council serve's: this test is for council serve only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    // Three calls held for a minute: still up when the daemon is told to stop.
    let sipp = Sipp::uac(dir.path(), server.sip, 3, 10, 60_000)
        .limit(Duration::from_secs(90))
        .start();
    let bridged = server.await_witness("call-bridged", 3, Duration::from_secs(15));
    assert_eq!(bridged, 3, "call-bridged entries before the shutdown");
    let log = server.witness_log();
    let witness_dir = server.witness_dir.clone();
    server.stop();
    drop(sipp);
    let released = witness_count(&log, "call-released");
    assert_eq!(
        released,
        3,
        "calls bridged but never released in {}",
        log.display()
    );
    verify_witness(&witness_dir);
}

/// Hold and resume by re-INVITE (SIPp's scenario `uac_hold_resume.xml`): each re-INVITE gets its 200 with the
/// right direction, the daemon moves the media each time without ending the call (the replaced session's end is
/// not the call's), and the call is bridged and released once.
#[test]
fn hold_and_resume_by_reinvite() {
    if !have("sipp", "sip-tester") {
        return;
    }
    if Target::from_env() != Target::Council {
        return;
    }
    // With an echo, and with a seat in the council (the leg leaves and joins again); and on the one RTP port of
    // a configured range, which the call keeps while it is held — also with each re-INVITE right after the last
    // ACK, while the media is still being moved (one media change at a time per call, none lost).
    for media in ["echo", "council", "one-port", "one-port-at-once"] {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("council.toml");
        let first = high_port_block(2);
        std::fs::write(
            &config,
            format!("[media]\nrtp-ports = [{first}, {}]\n", first + 1),
        )
        .unwrap();
        let args: &[&str] = match media {
            "one-port" | "one-port-at-once" => &["--config", config.to_str().unwrap()],
            m => &["--media", m],
        };
        let server = Server::start(dir.path(), args);
        let pause = if media == "one-port-at-once" {
            "0"
        } else {
            "700"
        };
        let r = Sipp::scenario(dir.path(), server.sip, "uac_hold_resume.xml")
            .arg("-m")
            .arg("1")
            .arg("-d")
            .arg(pause)
            .run();
        assert_eq!((r.successful, r.failed), (1, 0), "{media}: {}", r.report());
        let released = server.await_witness("call-released", 1, Duration::from_secs(10));
        let bridged = server.witness_count("call-bridged");
        let log = std::fs::read_to_string(server.witness_log()).unwrap();
        let witness_dir = server.witness_dir.clone();
        server.stop();
        assert_eq!((bridged, released), (1, 1), "{media}");
        if media.starts_with("one-port") {
            assert!(
                log.contains(&format!("\"local-rtp-port\":{first}")),
                "{log}"
            );
        }
        verify_witness(&witness_dir);
    }
}
