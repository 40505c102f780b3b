//! A guardian's call into Council over H.225.0 call signalling with Fast Start: Setup (G.729 offer) to the address
//! `council gatekeeper` announces, CallProceeding/Alerting/Connect (with the answer) back, G.729 RTP sent to the
//! accepted channel comes back as G.729 with the tone intact, ReleaseComplete ends it — and the witness log has the
//! call bridged and released. A Setup for a call the gatekeeper never admitted is refused, and witnessed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use council_e2e::h323::{Gatekeeper, RasTerminal};
use council_e2e::sip::tone_share;
use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h225::{AliasAddress, decode_value, encode_value};
use council_q931::{CallReference, Message, MessageType, ie, tpkt};
use council_rtp::Codec;

fn send(stream: &mut TcpStream, kind: MessageType, cr: CallReference, uu: &H323UserInformation) {
    let mut m = Message::new(kind, cr);
    if kind == MessageType::Setup {
        m.set(ie::BEARER_CAPABILITY, ie::BEARER_SPEECH);
    }
    m.set_user_user(&encode_value(uu).unwrap());
    let mut out = Vec::new();
    tpkt::encode(&m.encode().unwrap(), &mut out).unwrap();
    stream.write_all(&out).unwrap();
}

fn tone(n: usize, freq: f64, start: usize) -> Vec<i16> {
    (0..n)
        .map(|i| {
            (8000.0 * (2.0 * std::f64::consts::PI * freq * (start + i) as f64 / 8000.0).sin())
                as i16
        })
        .collect()
}

#[test]
fn a_fast_start_call_is_answered_and_its_g729_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let gatekeeper = Gatekeeper::start(dir.path(), "");
    let h225 = gatekeeper.h225;

    let rtp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let our_rtp = rtp.local_addr().unwrap();
    let our_rtcp = SocketAddr::new(our_rtp.ip(), our_rtp.port() + 1);
    let offer = council_h245::fast_start_offer(&[Codec::G729], our_rtp, our_rtcp, 1);
    let call_id = [0x5a; 16];
    // Admitted first (RRQ, ARQ): Council takes a Setup only for a call its gates admitted.
    let mut ras = RasTerminal::new(gatekeeper.ras);
    let routed = ras.admit(
        "guardian-1",
        "127.0.0.1:41900".parse().unwrap(),
        call_id,
        "council",
    );
    assert_eq!(routed, h225);
    let mut stream = TcpStream::connect(h225).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let cr = CallReference::originating(7);
    let setup = build::setup(
        call_id,
        [0x5b; 16],
        vec![AliasAddress::h323_id("guardian-1").unwrap()],
        vec![AliasAddress::h323_id("council").unwrap()],
        None,
        offer,
    );
    send(&mut stream, MessageType::Setup, cr, &setup);

    // CallProceeding, Alerting, then Connect with the Fast Start answer.
    let mut deframer = tpkt::Deframer::default();
    let mut got = Vec::new();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while answer.is_empty() {
        let n = stream.read(&mut buf).expect("Council answers the Setup");
        assert!(n > 0, "Council closed the connection; got {got:?}");
        deframer.push(&buf[..n]);
        while let Some(p) = deframer.next_payload().unwrap() {
            let m = Message::parse(&p).unwrap();
            assert!(m.call_reference.from_destination && m.call_reference.value == 7);
            got.push(m.message_type);
            let info: H323UserInformation = decode_value(m.user_user().unwrap()).unwrap();
            if let H323MessageBody::Connect(_) = info.h323_uu_pdu.h323_message_body {
                answer = build::fast_start_of(&info);
            }
        }
    }
    assert_eq!(
        got,
        [
            MessageType::CallProceeding,
            MessageType::Alerting,
            MessageType::Connect
        ]
    );
    let accepted = council_h245::fast_start_accepted(&answer);
    let channel = accepted.send.expect("a channel for us to send on");
    assert_eq!(channel.codec, Codec::G729);
    let council_rtp = channel.remote_rtp.expect("with an address");

    // A 700 Hz tone as G.729 RTP, 20 ms per packet, for 2 s; what comes back is decoded.
    let mut enc = g729::Encoder::new();
    let mut dec = g729::Decoder::new();
    let mut pcm = Vec::new();
    rtp.set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    let start = Instant::now();
    let mut back = [0u8; 2048];
    for i in 0..100usize {
        let samples = tone(160, 700.0, i * 160);
        let mut packet = vec![0x80, 18];
        packet.extend_from_slice(&(i as u16).to_be_bytes());
        packet.extend_from_slice(&((i * 160) as u32).to_be_bytes());
        packet.extend_from_slice(&[1, 2, 3, 4]);
        for half in samples.chunks_exact(80) {
            let mut frame = [0u8; 10];
            enc.encode(half.try_into().unwrap(), &mut frame);
            packet.extend_from_slice(&frame);
        }
        rtp.send_to(&packet, council_rtp).unwrap();
        let due = start + Duration::from_millis(20 * (i as u64 + 1));
        while Instant::now() < due {
            if let Ok((n, from)) = rtp.recv_from(&mut back) {
                assert_eq!(
                    from, council_rtp,
                    "the echo comes from the port Council accepted"
                );
                for frame in back[12..n].chunks_exact(10) {
                    let mut out = [0i16; 80];
                    dec.decode(frame.try_into().unwrap(), &mut out);
                    pcm.extend_from_slice(&out);
                }
            }
        }
    }
    assert!(pcm.len() > 80 * 120, "{} samples came back", pcm.len());
    let share = tone_share(&pcm[1600..], 8000, 700.0);
    assert!(share > 0.7, "700 Hz holds {share:.3} of what came back");

    send(
        &mut stream,
        MessageType::ReleaseComplete,
        cr,
        &build::release_complete(call_id, None),
    );
    std::thread::sleep(Duration::from_millis(700));
    drop(gatekeeper);
    let log = std::fs::read_to_string(dir.path().join("witness.log")).unwrap();
    assert!(log.contains("\"kind\":\"call-bridged\"") && log.contains("\"protocol\":\"h323\""));
    assert!(log.contains("\"why\":\"release-complete\""));
    assert!(log.contains("\"label\":\"h323-5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a/rx\""));
}

/// A Setup straight to Council's call-signalling address, for a call no ARQ admitted, gets a ReleaseComplete and
/// nothing else; the refusal is witnessed and no call is bridged.
#[test]
fn a_setup_without_admission_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gatekeeper = Gatekeeper::start(dir.path(), "");
    let mut stream = TcpStream::connect(gatekeeper.h225).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let offer = council_h245::fast_start_offer(
        &[Codec::G729],
        "127.0.0.1:42000".parse().unwrap(),
        "127.0.0.1:42001".parse().unwrap(),
        1,
    );
    let setup = build::setup(
        [0x6c; 16],
        [0x6d; 16],
        vec![AliasAddress::h323_id("intruder").unwrap()],
        vec![AliasAddress::h323_id("council").unwrap()],
        None,
        offer,
    );
    send(
        &mut stream,
        MessageType::Setup,
        CallReference::originating(9),
        &setup,
    );
    let mut deframer = tpkt::Deframer::default();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        deframer.push(&buf[..n]);
        while let Some(p) = deframer.next_payload().unwrap() {
            got.push(Message::parse(&p).unwrap().message_type);
        }
    }
    assert_eq!(got, [MessageType::ReleaseComplete]);
    let log = std::fs::read_to_string(dir.path().join("witness.log")).unwrap();
    assert!(log.contains("\"kind\":\"call-rejected\""), "{log}");
    assert!(log.contains("\"reason\":\"not-admitted\""), "{log}");
    assert!(!log.contains("\"kind\":\"call-bridged\""), "{log}");
}
