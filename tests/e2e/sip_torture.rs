//! The 49 RFC 4475 torture messages, each sent as one UDP datagram to a running `council serve`: every one is
//! answered as RFC 4475 describes (or, for the responses and `bcast`, not at all), and the daemon is still
//! serving afterwards.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use council_e2e::{council, repo};

/// The first status Council answers each file with; `None`: no answer at all.
const EXPECTED: [(&str, Option<u16>); 49] = [
    // §3.1.1: valid messages. INVITEs get 100 Trying first; OPTIONS 200; methods we don't serve 405 or 501.
    // wsinv is an INVITE with a To tag: a request inside a dialog Council does not have (RFC 3261 §12.2.2).
    ("wsinv", Some(481)),
    ("intmeth", Some(501)),
    ("esc01", Some(100)),
    ("escnull", Some(405)),
    ("esc02", Some(501)),
    ("lwsdisp", Some(200)),
    ("longreq", Some(100)),
    ("dblreq", Some(405)),
    ("semiuri", Some(200)),
    ("transports", Some(200)),
    ("mpart01", Some(405)),
    ("unreason", None),
    ("noreason", None),
    // §3.1.2: invalid messages.
    ("badinv01", Some(400)),
    ("clerr", Some(400)),
    ("ncl", Some(400)),
    ("scalar02", Some(400)),
    ("scalarlg", None),
    ("quotbal", Some(400)),
    ("ltgtruri", Some(400)),
    ("lwsruri", Some(400)),
    ("lwsstart", Some(400)),
    ("trws", Some(400)),
    ("escruri", Some(400)),
    ("baddate", Some(400)),
    ("regbadct", Some(400)),
    ("badaspec", Some(400)),
    ("baddn", Some(400)),
    ("badvers", Some(505)),
    ("mismatch01", Some(400)),
    ("mismatch02", Some(501)),
    ("bigcode", None),
    // §3.2–3.4: transaction layer, application layer, backward compatibility.
    ("badbranch", Some(400)),
    ("insuf", Some(400)),
    ("unkscm", Some(416)),
    ("novelsc", Some(416)),
    ("unksm2", Some(405)),
    ("bext01", Some(420)),
    ("invut", Some(415)),
    ("regaut01", Some(405)),
    ("multi01", Some(400)),
    ("mcl01", Some(400)),
    ("bcast", None),
    ("zeromf", Some(200)),
    ("cparam01", Some(405)),
    ("cparam02", Some(405)),
    ("regescrt", Some(405)),
    ("sdp01", Some(406)),
    ("inv2543", Some(100)),
];

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &std::path::Path) -> (Serve, u16) {
    let mut child = Command::new(council())
        .args([
            "serve",
            "--media",
            "echo",
            "--sip",
            "127.0.0.1:0",
            "--witness-dir",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start council serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("127.0.0.1:"))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (Serve(child), port)
}

/// Statuses of the responses arriving within `wait`, up to `max` of them.
fn answers(socket: &UdpSocket, wait: Duration, max: usize) -> Vec<u16> {
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    let end = Instant::now() + wait;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        socket
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match socket.recv(&mut buf) {
            Ok(n) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                if let Some(code) = text
                    .strip_prefix("SIP/2.0 ")
                    .and_then(|r| r.get(..3))
                    .and_then(|c| c.parse().ok())
                {
                    got.push(code);
                    if got.len() == max {
                        break;
                    }
                }
            }
            Err(_) => break,
        }
    }
    got
}

#[test]
fn every_torture_message_is_answered_as_rfc_4475_says() {
    let dir = tempfile::tempdir().unwrap();
    let (_serve, port) = start(dir.path());
    let data = repo().join("orchestrator/sip/tests/data/sip-torture");
    let mut wrong = Vec::new();
    for (name, expected) in EXPECTED {
        let bytes = std::fs::read(data.join(format!("{name}.dat"))).unwrap();
        // A socket per message: answers to one cannot be taken for another's.
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.connect(("127.0.0.1", port)).unwrap();
        socket.send(&bytes).unwrap();
        let got = match expected {
            // Silence is waited for a while; an answer only until it comes.
            None => answers(&socket, Duration::from_millis(300), 1),
            Some(_) => answers(&socket, Duration::from_secs(3), 1),
        };
        if got.first().copied() != expected {
            wrong.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Still serving.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(("127.0.0.1", port)).unwrap();
    let options = format!(
        "OPTIONS sip:council@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {};branch=z9hG4bKalive\r\nMax-Forwards: 70\r\n\
         From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:council@127.0.0.1>\r\nCall-ID: alive\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        socket.local_addr().unwrap()
    );
    socket.send(options.as_bytes()).unwrap();
    assert_eq!(
        answers(&socket, Duration::from_secs(3), 1).first(),
        Some(&200)
    );
}
