//! Record-routing proxies stay on the dialog's path (RFC 3261 §12.1): a caller whose INVITE passed a proxy that
//! record-routed gets `council serve`'s 180 and 200 with the Record-Route values as written and in order; when
//! the call ends from Council's side (its RTP timeout), the BYE goes to the proxy — a real socket here, apart
//! from the caller's — with the route set as Route headers and the caller's Contact as Request-URI, and the
//! proxy's 200 ends it.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use council_e2e::sip::{Server, Target};

/// The next SIP message on `socket` whose first line starts with `start` (others are skipped), within `wait`.
fn next_message(socket: &UdpSocket, start: &str, wait: Duration) -> Option<(String, SocketAddr)> {
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 65536];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        socket
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        if text.starts_with(start) {
            return Some((text, from));
        }
    }
    None
}

/// The values of every `name:` header line of `text`, in order.
fn headers<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .map(str::trim)
        .collect()
}

#[test]
fn a_record_routing_proxy_stays_on_the_path() {
    if Target::from_env() != Target::Council {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::council(dir.path(), &["--rtp-timeout", "1"]);
    let caller = UdpSocket::bind("127.0.0.1:0").unwrap();
    let proxy = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (a, p) = (caller.local_addr().unwrap(), proxy.local_addr().unwrap());
    let routes = [
        format!("<sip:{p};lr>"),
        "<sip:edge.example.net;lr;x=1>".to_owned(),
    ];
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
        a.port()
    );
    let invite = format!(
        "INVITE sip:council@{sip} SIP/2.0\r\nVia: SIP/2.0/UDP {a};branch=z9hG4bKrr1\r\nMax-Forwards: 69\r\n\
         Record-Route: {r0}, {r1}\r\nFrom: <sip:ada@127.0.0.1>;tag=rr\r\nTo: <sip:council@{sip}>\r\n\
         Call-ID: record-route-{a}\r\nCSeq: 1 INVITE\r\nContact: <sip:ada@{a}>\r\n\
         Content-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{sdp}",
        sip = server.sip,
        r0 = routes[0],
        r1 = routes[1],
        len = sdp.len()
    );
    caller.send_to(invite.as_bytes(), server.sip).unwrap();

    let (ringing, _) = next_message(&caller, "SIP/2.0 180", Duration::from_secs(10)).expect("180");
    assert_eq!(headers(&ringing, "Record-Route"), routes, "{ringing}");
    let (ok, _) = next_message(&caller, "SIP/2.0 200", Duration::from_secs(10)).expect("200");
    assert_eq!(headers(&ok, "Record-Route"), routes, "{ok}");
    let to = headers(&ok, "To")[0].to_owned();
    let ack = format!(
        "ACK sip:council@{sip} SIP/2.0\r\nVia: SIP/2.0/UDP {a};branch=z9hG4bKrr2\r\nMax-Forwards: 69\r\n\
         From: <sip:ada@127.0.0.1>;tag=rr\r\nTo: {to}\r\nCall-ID: record-route-{a}\r\nCSeq: 1 ACK\r\n\
         Content-Length: 0\r\n\r\n",
        sip = server.sip
    );
    caller.send_to(ack.as_bytes(), server.sip).unwrap();

    // No RTP from the caller: after 1 s Council hangs up, through the proxy.
    let (bye, from) =
        next_message(&proxy, "BYE ", Duration::from_secs(15)).expect("a BYE at the proxy");
    assert_eq!(from, server.sip, "sent from Council's SIP socket");
    assert!(
        bye.starts_with(&format!("BYE sip:ada@{a} SIP/2.0\r\n")),
        "{bye}"
    );
    assert_eq!(headers(&bye, "Route"), routes, "{bye}");
    let reply = |name: &str| headers(&bye, name).join(", ");
    let ok = format!(
        "SIP/2.0 200 OK\r\nVia: {}\r\nFrom: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {}\r\nContent-Length: 0\r\n\r\n",
        reply("Via"),
        reply("From"),
        reply("To"),
        reply("Call-ID"),
        reply("CSeq")
    );
    proxy.send_to(ok.as_bytes(), server.sip).unwrap();
    // Answered: no retransmission of the BYE comes (UDP, timer E would resend it after 500 ms).
    assert!(
        next_message(&proxy, "BYE ", Duration::from_millis(1500)).is_none(),
        "the BYE was retransmitted after its 200"
    );
    assert!(
        next_message(&caller, "BYE ", Duration::from_millis(10)).is_none(),
        "the BYE went to the caller, around the proxy"
    );
    assert_eq!(server.witness_count("call-released"), 1);
    server.stop();
}
