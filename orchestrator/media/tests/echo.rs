//! Echo calls over real UDP on loopback, through the real leg pipelines: a caller sends a tone as RTP and must get
//! the same tone back from the port it sent to, in its codec and payload type; silence ends a call by RTP
//! timeout; a thousand calls leave no thread or file descriptor behind; every call is in the witness log.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use council_media::{EchoSession, EchoSpec, Ended, WitnessSpec};
use council_rtp::Codec;

mod common;
use common::{digests, rtp, share_at, tone, ulaw, unulaw};

fn spec(codec: Codec, pt: u8, remote: SocketAddr, log: &Path, label: &str) -> EchoSpec {
    EchoSpec {
        codec,
        payload_type: pt,
        local: "127.0.0.1:0".parse().unwrap(),
        remote,
        ptime_ms: 20,
        witness: WitnessSpec {
            location: log.to_owned(),
            key: None,
        },
        label: label.into(),
        rtp_timeout: Duration::from_secs(5),
    }
}

/// Sends `packets` (one every 20 ms) to the session and collects what comes back: (source, payload type,
/// payload) of each packet.
fn call(
    session: &EchoSession,
    socket: &UdpSocket,
    packets: &[Vec<u8>],
) -> Vec<(SocketAddr, u8, Vec<u8>)> {
    let to: SocketAddr = session.local_addr("127.0.0.1".parse().unwrap());
    socket
        .set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    let start = Instant::now();
    let mut drain = |got: &mut Vec<_>| {
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if n >= 12 {
                got.push((from, buf[1] & 0x7f, buf[12..n].to_vec()));
            }
        }
    };
    for (i, p) in packets.iter().enumerate() {
        socket.send_to(p, to).unwrap();
        let due = start + Duration::from_millis(20 * (i as u64 + 1));
        while Instant::now() < due {
            drain(&mut got);
        }
    }
    let end = Instant::now() + Duration::from_millis(400);
    while Instant::now() < end {
        drain(&mut got);
    }
    got
}

#[test]
fn pcmu_on_a_dynamic_payload_type_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let session = EchoSession::start(&spec(
        Codec::Pcmu,
        98,
        socket.local_addr().unwrap(),
        &log,
        "call-1",
    ))
    .unwrap();
    assert_ne!(session.local_port(), 0);
    let packets: Vec<Vec<u8>> = (0..100)
        .map(|i| {
            let pcm = tone(160, 1000.0, i * 160);
            let payload: Vec<u8> = pcm.iter().map(|&s| ulaw(s)).collect();
            rtp(98, i as u16, (i * 160) as u32, &payload)
        })
        .collect();
    let got = call(&session, &socket, &packets);
    let local_port = session.local_port();
    session.stop(Duration::from_secs(1));
    assert!(got.len() >= 80, "{} packets came back", got.len());
    // Symmetric RTP: from the port we sent to; our payload type; 20 ms of PCMU each.
    for (from, pt, payload) in &got {
        assert_eq!(
            from.port(),
            local_port,
            "the echo leaves from the port we sent to"
        );
        assert_eq!(*pt, 98);
        assert_eq!(payload.len(), 160);
    }
    let pcm: Vec<i16> = got
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|&b| unulaw(b)))
        .collect();
    let share = share_at(&pcm[800..], 1000.0);
    assert!(share > 0.9, "1 kHz holds {share:.3} of what came back");
    assert!(digests(&log, "call-1/rx") >= 1 && digests(&log, "call-1/tx") >= 1);
    council_witness::verify_file(&log, &council_witness::VerifyOptions::default()).unwrap();
}

#[test]
fn g729_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let session = EchoSession::start(&spec(
        Codec::G729,
        18,
        socket.local_addr().unwrap(),
        &log,
        "call-g729",
    ))
    .unwrap();
    let mut enc = g729::Encoder::new();
    let packets: Vec<Vec<u8>> = (0..100)
        .map(|i| {
            let pcm = tone(160, 700.0, i * 160);
            let mut payload = Vec::new();
            for half in pcm.chunks_exact(80) {
                let mut frame = [0u8; 10];
                enc.encode(half.try_into().unwrap(), &mut frame);
                payload.extend_from_slice(&frame);
            }
            rtp(18, i as u16, (i * 160) as u32, &payload)
        })
        .collect();
    let got = call(&session, &socket, &packets);
    session.stop(Duration::from_secs(1));
    assert!(got.len() >= 80, "{} packets came back", got.len());
    let mut dec = g729::Decoder::new();
    let mut pcm = Vec::new();
    for (_, pt, payload) in &got {
        assert_eq!(*pt, 18);
        assert_eq!(payload.len(), 20, "two 10-byte frames per 20 ms packet");
        for frame in payload.chunks_exact(10) {
            let mut out = [0i16; 80];
            dec.decode(frame.try_into().unwrap(), &mut out);
            pcm.extend_from_slice(&out);
        }
    }
    // Two G.729 generations (ours in, the session's out): the tone still dominates.
    let share = share_at(&pcm[1600..], 700.0);
    assert!(share > 0.7, "700 Hz holds {share:.3} of what came back");
}

#[test]
fn silence_ends_the_call_by_rtp_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let mut s = spec(
        Codec::Pcma,
        8,
        "127.0.0.1:9".parse().unwrap(),
        &log,
        "quiet",
    );
    s.rtp_timeout = Duration::from_millis(300);
    let session = EchoSession::start(&s).unwrap();
    assert_eq!(
        session.wait_ended(Duration::from_secs(5)),
        Some(Ended::RtpTimeout)
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut s = spec(
        Codec::Pcmu,
        0,
        "127.0.0.1:9".parse().unwrap(),
        &dir.path().join("w.log"),
        "x",
    );
    s.local = taken.local_addr().unwrap();
    let err = EchoSession::start(&s).unwrap_err().to_string();
    assert!(err.contains("rx-rtp-in"), "{err}");
}

/// Two calls never share an RTP port. udpsrc binds with SO_REUSEADDR and SO_REUSEPORT unless told `reuse=false`,
/// and Linux then lets a second such socket bind a port the first holds — even when asked for port 0 — and
/// spreads the packets between them: one caller's audio went to another call (seen as a recording with 160 ms
/// of a 2 s call). The leg pipelines say `reuse=false`: a held port is refused.
#[test]
fn a_port_held_by_another_call_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    let first = EchoSession::start(&spec(
        Codec::Pcmu,
        0,
        "127.0.0.1:9".parse().unwrap(),
        &log,
        "first",
    ))
    .unwrap();
    let mut s = spec(
        Codec::G729,
        18,
        "127.0.0.1:9".parse().unwrap(),
        &log,
        "second",
    );
    s.local = first.local_addr("127.0.0.1".parse().unwrap());
    let err = EchoSession::start(&s).unwrap_err().to_string();
    assert!(err.contains("rx-rtp-in"), "{err}");
}

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn a_thousand_calls_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    // The orchestrator keeps the log open for its lifetime; so do we, so the taps share one writer.
    let _writer =
        council_witness::WitnessLog::open(&log, council_witness::Options::default()).unwrap();
    let run = |n: usize| {
        for i in 0..n {
            let session = EchoSession::start(&spec(
                Codec::Pcmu,
                0,
                "127.0.0.1:9".parse().unwrap(),
                &log,
                &format!("c{i}"),
            ))
            .unwrap();
            session.stop(Duration::from_millis(200));
        }
    };
    // Warm up: GStreamer's thread pools and registry settle after the first calls.
    run(50);
    let (threads, fds) = (count("/proc/self/task"), count("/proc/self/fd"));
    run(1000);
    let (threads_after, fds_after) = (count("/proc/self/task"), count("/proc/self/fd"));
    assert!(
        threads_after <= threads + 2,
        "threads {threads} -> {threads_after}"
    );
    assert!(fds_after <= fds + 2, "fds {fds} -> {fds_after}");
}
