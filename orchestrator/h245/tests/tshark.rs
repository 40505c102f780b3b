//! Wireshark's verdict on our H.245: messages framed by TPKT on a TCP connection that tshark decodes as H.245
//! (`-d tcp.port==N,h245`: Wireshark's H.245 dissector takes TPKT itself) must decode with no malformed packet
//! and no expert error, and with the values we meant — a clean decode alone proves little.

use std::net::{Ipv4Addr, SocketAddr};

use council_h245::asn::{MultimediaSystemControlMessage, RequestMessage};
use council_h245::{decode, decode_olc, encode, fast_start_answer, fast_start_offer, messages};
use council_q931::tpkt;
use council_rtp::Codec;
use council_tshark::{Pcap, Tshark};

const CALLER: (Ipv4Addr, u16) = (Ipv4Addr::LOCALHOST, 41000);
const COUNCIL: (Ipv4Addr, u16) = (Ipv4Addr::new(127, 0, 0, 2), 41245);

fn framed(pdu: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    tpkt::encode(pdu, &mut out).unwrap();
    out
}

/// A Fast Start element sent as an H.245 openLogicalChannel request (the same OpenLogicalChannel).
fn olc_message(element: &[u8]) -> Vec<u8> {
    let olc = decode_olc(element).unwrap();
    encode(&MultimediaSystemControlMessage::Request(
        RequestMessage::OpenLogicalChannel(olc),
    ))
    .unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn an_h245_session_decodes_cleanly_with_our_values() {
    if !council_tshark::available() {
        return;
    }
    let codecs = [Codec::G729, Codec::Pcmu, Codec::Pcma];
    let caller_rtp: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    let caller_rtcp: SocketAddr = "127.0.0.1:20001".parse().unwrap();
    let our_rtp: SocketAddr = "127.0.0.2:10000".parse().unwrap();
    let our_rtcp: SocketAddr = "127.0.0.2:10001".parse().unwrap();
    let offer = fast_start_offer(&codecs, caller_rtp, caller_rtcp, 1);
    let (answer, _) = fast_start_answer(&offer, &[Codec::Pcmu], our_rtp, our_rtcp).unwrap();

    let mut pcap = Pcap::new();
    pcap.tcp_open(CALLER, COUNCIL);
    let mut send = |from_caller: bool, pdu: &[u8]| {
        // Every PDU we put on the wire is one we decode too.
        decode(pdu).unwrap();
        pcap.tcp_data(CALLER, COUNCIL, from_caller, &framed(pdu));
    };
    send(
        true,
        &encode(&messages::terminal_capability_set(1, &codecs)).unwrap(),
    );
    send(
        false,
        &encode(&messages::terminal_capability_set_ack(1)).unwrap(),
    );
    send(
        true,
        &encode(&messages::master_slave_determination(50, 0x12_3456)).unwrap(),
    );
    send(
        false,
        &encode(&messages::master_slave_determination_ack(
            council_h245::asn::Decision::Slave(()),
        ))
        .unwrap(),
    );
    for element in &offer {
        send(true, &olc_message(element));
    }
    for element in &answer {
        send(false, &olc_message(element));
    }
    // Had the caller opened its channel over H.245 instead: the Ack with our addresses.
    send(
        false,
        &encode(&messages::open_logical_channel_ack(3, our_rtp, our_rtcp)).unwrap(),
    );
    // Written by hand (see tests/codec.rs): a RequestMode, and a userInput signal (an extension alternative we
    // carry untyped).
    send(true, &unhex("08000100000860"));
    send(true, &unhex("6d810446a00063"));
    send(true, &encode(&messages::end_session_command()).unwrap());
    send(false, &encode(&messages::end_session_command()).unwrap());

    let dir = tempfile::tempdir().unwrap();
    let t = Tshark::new(&pcap, dir.path())
        .option("-d")
        .option(&format!("tcp.port=={},h245", COUNCIL.1));
    assert_eq!(t.problems(), "", "{}", t.summary());
    let protocols = t.protocols();
    assert_eq!(protocols.len(), 20);
    assert!(
        protocols[3..].iter().all(|p| p.ends_with(":tcp:h245:h245")),
        "{protocols:?}"
    );
    // PDU type and message of every H.245 packet, in order (CHOICE indices as Wireshark shows them).
    let kinds = rows(
        &t,
        "h245",
        &[
            "h245.pdu_type",
            "h245.request",
            "h245.response",
            "h245.command",
            "h245.indication",
        ],
    );
    let kinds: Vec<String> = kinds.iter().map(|r| r.join("/")).collect();
    assert_eq!(
        kinds,
        [
            "0/2///", // terminalCapabilitySet
            "1//3//", // terminalCapabilitySetAck
            "0/1///", // masterSlaveDetermination
            "1//1//", // masterSlaveDeterminationAck
            "0/3///", "0/3///", "0/3///", "0/3///", "0/3///",
            "0/3///", // the offer: openLogicalChannel
            "0/3///", "0/3///",  // the answer
            "1//5//",  // openLogicalChannelAck
            "0/8///",  // requestMode
            "3////13", // userInput
            "2///5/", "2///5/", // endSessionCommand
        ]
    );

    let tcs = rows(
        &t,
        "h245.request == 2",
        &[
            "h245.sequenceNumber",
            "h245.protocolIdentifier",
            "h245.maximumAudioDelayJitter",
            "h245.capabilityTableEntryNumber",
            "h245.receiveAudioCapability",
            "h245.g729AnnexA",
            "h245.g711Ulaw64k",
            "h245.g711Alaw64k",
            "h245.CapabilityTableEntryNumber",
        ],
    );
    assert_eq!(
        tcs,
        [[
            "1",
            "0.0.8.245.0.7",
            "60",
            "1,2,3",
            "11,3,1",
            "6",
            "240",
            "240",
            "1,2,3"
        ]]
    );
    assert_eq!(
        rows(&t, "h245.response == 3", &["h245.sequenceNumber"]),
        [["1"]]
    );
    assert_eq!(
        rows(
            &t,
            "h245.request == 1",
            &["h245.terminalType", "h245.statusDeterminationNumber"]
        ),
        [["50", "1193046"]]
    );
    // decision: slave (1).
    assert_eq!(rows(&t, "h245.response == 1", &["h245.decision"]), [["1"]]);

    // The Fast Start channels: number, dataType (1 nullData, 3 audioData), audio alternative (11 g729AnnexA,
    // 3 g711Ulaw64k, 1 g711Alaw64k), frames per packet, session, addresses and ports.
    let olcs = rows(
        &t,
        "h245.request == 3",
        &[
            "h245.forwardLogicalChannelNumber",
            "h245.dataType",
            "h245.audioData",
            "h245.g729AnnexA",
            "h245.g711Ulaw64k",
            "h245.g711Alaw64k",
            "h245.sessionID",
            "h245.ip4_network",
            "h245.tsapIdentifier",
        ],
    );
    let caller = "127.0.0.1";
    let both = "127.0.0.1,127.0.0.1";
    assert_eq!(
        olcs,
        [
            // The offer: forward (we send, our RTCP) and reverse (we receive: RTP and RTCP) per codec.
            ["1", "3", "11", "2", "", "", "1", caller, "20001"],
            ["2", "1,3", "11", "2", "", "", "1", both, "20000,20001"],
            ["3", "3", "3", "", "20", "", "1", caller, "20001"],
            ["4", "1,3", "3", "", "20", "", "1", both, "20000,20001"],
            ["5", "3", "1", "", "", "20", "1", caller, "20001"],
            ["6", "1,3", "1", "", "", "20", "1", both, "20000,20001"],
            // The answer (PCMU only): channel 3 now has Council's RTP and RTCP, channel 4 Council's RTCP.
            [
                "3",
                "3",
                "3",
                "",
                "20",
                "",
                "1",
                "127.0.0.2,127.0.0.2",
                "10000,10001"
            ],
            [
                "4",
                "1,3",
                "3",
                "",
                "20",
                "",
                "1",
                "127.0.0.1,127.0.0.2",
                "20000,10001"
            ],
        ]
    );

    // The Ack: channel 3, H.225.0 ack parameters (0) with session 1 and Council's RTP and RTCP.
    assert_eq!(
        rows(
            &t,
            "h245.response == 5",
            &[
                "h245.forwardLogicalChannelNumber",
                "h245.forwardMultiplexAckParameters",
                "h245.sessionID",
                "h245.ip4_network",
                "h245.tsapIdentifier",
            ]
        ),
        [["3", "0", "1", "127.0.0.2,127.0.0.2", "10000,10001"]]
    );

    // The hand-written messages are what Wireshark reads too.
    assert_eq!(
        rows(
            &t,
            "h245.request == 8",
            &["h245.sequenceNumber", "h245.audioMode"]
        ),
        [["1", "3"]]
    );
    assert_eq!(
        rows(
            &t,
            "h245.indication == 13",
            &["h245.userInput", "h245.signalType", "h245.duration"]
        ),
        [["3", "5", "100"]]
    );
    // endSessionCommand: disconnect (1), both ways.
    assert_eq!(
        rows(&t, "h245.command == 5", &["h245.endSessionCommand"]),
        [["1"], ["1"]]
    );
}

fn rows(t: &Tshark, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    t.fields(filter, fields)
}
