//! An INVITE flood does not starve an established call: while SIPp floods `council serve` with new INVITEs from
//! 127.0.0.1 (far over the per-source limit), a call placed from 127.0.0.2 by `council call` stays up, and its
//! BYE is answered; the flood's excess is refused with 503. And TCP connections are bounded (in all, per source,
//! and in the time they may take to say something).

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

/// Whether the peer has closed `stream` (a read gives end of file) within `limit`.
fn closed_within(stream: &mut std::net::TcpStream, limit: Duration) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 2048];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A reply: the connection is alive; keep reading until the limit.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// TCP connections are bounded: over the per-source limit a connection is closed at once, one that delivers no
/// SIP message in time is closed, and their places are free again for a connection that speaks SIP, which stays.
#[test]
fn tcp_connections_are_bounded() {
    use std::io::Write;
    use std::net::TcpStream;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(
        &config,
        "[sip]\ntcp-max-per-source = 4\ntcp-first-message-timeout = 1\n",
    )
    .unwrap();
    let server = Server::council(dir.path(), &["--config", config.to_str().unwrap()]);
    let mut silent: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(server.sip).unwrap())
        .collect();
    // Let the daemon take the four before the fifth comes.
    std::thread::sleep(Duration::from_millis(200));
    let mut fifth = TcpStream::connect(server.sip).unwrap();
    assert!(
        closed_within(&mut fifth, Duration::from_millis(500)),
        "the fifth connection from one source stays open"
    );
    // Silent ones go after the first-message timeout (1 s).
    for s in &mut silent {
        assert!(
            closed_within(s, Duration::from_secs(5)),
            "a silent connection stays open"
        );
    }
    // Their places are free: a connection that speaks SIP is answered and stays past the timeout.
    let mut talker = TcpStream::connect(server.sip).unwrap();
    let local = talker.local_addr().unwrap();
    let options = format!(
        "OPTIONS sip:council@{sip} SIP/2.0\r\nVia: SIP/2.0/TCP {local};branch=z9hG4bK-tcp-1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:probe@{local}>;tag=1\r\nTo: <sip:council@{sip}>\r\n\
         Call-ID: tcp-limits-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        sip = server.sip
    );
    talker.write_all(options.as_bytes()).unwrap();
    talker
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 2048];
    let n = std::io::Read::read(&mut talker, &mut buf).unwrap();
    let reply = String::from_utf8_lossy(&buf[..n]);
    assert!(reply.starts_with("SIP/2.0 200"), "{reply}");
    assert!(
        !closed_within(&mut talker, Duration::from_millis(2500)),
        "a connection that spoke SIP was closed"
    );
    server.stop();
}
