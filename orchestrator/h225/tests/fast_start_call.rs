//! A whole H.323 call's signalling with Fast Start, as Council and a guardian will exchange it: Setup (with a
//! G.729 + G.711 offer from `council-h245`) → CallProceeding → Alerting → Connect (with the answer) →
//! ReleaseComplete, each the `H323-UserInformation` of [`council_h225::signalling::build`] in the user-user element
//! of a Q.931 message (`council-q931`), framed by TPKT on a TCP connection to port 1720. tshark must decode every
//! message as Q.931 + H.225.0, every Fast Start element as H.245, with no malformed packet or expert error, and read
//! back our values; and our own decoding must give back what was built.

use std::net::{Ipv4Addr, SocketAddr};

use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h225::{AliasAddress, decode_value, encode_value};
use council_q931::{CallReference, Cause, Message, MessageType, ie, tpkt};
use council_rtp::Codec;
use council_tshark::{Pcap, Tshark};

const CALL: [u8; 16] = [0xca; 16];
const CONF: [u8; 16] = [0xc0; 16];

fn q931(kind: MessageType, cr: CallReference, uu: &H323UserInformation) -> Vec<u8> {
    let mut m = Message::new(kind, cr);
    if kind == MessageType::Setup {
        m.set(ie::BEARER_CAPABILITY, ie::BEARER_SPEECH);
    }
    if kind == MessageType::ReleaseComplete {
        m.set_cause(Cause::user(Cause::NORMAL_CLEARING));
    }
    m.set_user_user(&encode_value(uu).unwrap());
    let mut out = Vec::new();
    tpkt::encode(&m.encode().unwrap(), &mut out).unwrap();
    out
}

#[test]
fn a_fast_start_call_decodes_in_tshark_and_back() {
    let caller_rtp: SocketAddr = "127.0.0.1:30000".parse().unwrap();
    let callee_rtp: SocketAddr = "127.0.0.1:31000".parse().unwrap();
    let rtcp = |a: SocketAddr| SocketAddr::new(a.ip(), a.port() + 1);
    let offer = council_h245::fast_start_offer(
        &[Codec::G729, Codec::Pcmu],
        caller_rtp,
        rtcp(caller_rtp),
        1,
    );
    assert_eq!(offer.len(), 4, "a send and a receive proposal per codec");
    let (answer, media) = council_h245::fast_start_answer(
        &offer,
        &[Codec::G729, Codec::Pcmu],
        callee_rtp,
        rtcp(callee_rtp),
    )
    .unwrap();
    assert_eq!(answer.len(), 2, "one codec each way");
    assert!(media.send.is_some() && media.receive.is_some());

    let setup = build::setup(
        CALL,
        CONF,
        vec![AliasAddress::h323_id("guardian-1").unwrap()],
        vec![AliasAddress::h323_id("council").unwrap()],
        None,
        offer.clone(),
    );
    let connect = build::connect(CALL, CONF, answer.clone());
    let messages = [
        (MessageType::Setup, true, setup.clone()),
        (
            MessageType::CallProceeding,
            false,
            build::call_proceeding(CALL),
        ),
        (MessageType::Alerting, false, build::alerting(CALL)),
        (MessageType::Connect, false, connect.clone()),
        (
            MessageType::ReleaseComplete,
            true,
            build::release_complete(CALL, None),
        ),
    ];

    // Our own decoding gives back what was built, Fast Start elements included.
    for (_, _, uu) in &messages {
        let back: H323UserInformation = decode_value(&encode_value(uu).unwrap()).unwrap();
        assert_eq!(&back, uu);
    }
    assert_eq!(build::fast_start_of(&setup), offer);
    assert_eq!(build::fast_start_of(&connect), answer);
    assert!(matches!(
        setup.h323_uu_pdu.h323_message_body,
        H323MessageBody::Setup(_)
    ));

    if !council_tshark::available() {
        return;
    }
    let caller = (Ipv4Addr::LOCALHOST, 41001);
    let council = (Ipv4Addr::LOCALHOST, 1720);
    let cr = CallReference::originating(0x0b1);
    let mut pcap = Pcap::new();
    pcap.tcp_open(caller, council);
    for (kind, from_caller, uu) in &messages {
        let reference = if *from_caller { cr } else { cr.reply() };
        pcap.tcp_data(caller, council, *from_caller, &q931(*kind, reference, uu));
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tshark::new(&pcap, dir.path());
    assert_eq!(t.problems(), "", "{}", t.summary());
    let bodies = t.fields("h225", &["h225.h323_message_body", "q931.message_type"]);
    let bodies: Vec<Vec<&str>> = bodies
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        bodies,
        [
            vec!["0", "0x05"],
            vec!["1", "0x02"],
            vec!["3", "0x01"],
            vec!["2", "0x07"],
            vec!["5", "0x5a"],
        ],
        "{}",
        t.summary()
    );
    // The Fast Start channels, read by Wireshark's H.245 dissector inside the Setup and the Connect.
    let lcns = t.fields("h225", &["h245.forwardLogicalChannelNumber"]);
    assert_eq!(lcns[0][0].split(',').count(), 4, "{lcns:?}");
    assert_eq!(lcns[3][0].split(',').count(), 2, "{lcns:?}");
    let ports = t.fields("h225", &["h245.tsapIdentifier"]);
    let all: Vec<&str> = ports.iter().flat_map(|r| r[0].split(',')).collect();
    for p in ["30000", "30001", "31000", "31001"] {
        assert!(all.contains(&p), "port {p} missing from {all:?}");
    }
}
