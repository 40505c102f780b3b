//! The PER codec: our messages round-trip (compared as decoded values, since rasn writes whole extension
//! bitmaps where other stacks may trim them), a few encodings are checked bit by bit against X.691 by hand, and
//! what other stacks may send — extension alternatives we carry untyped, extension additions from a newer
//! version — decodes.

use council_h245::asn::*;
use council_h245::{H245Error, Opaque, decode, decode_olc, encode, encode_olc, messages};
use council_rtp::Codec;
use rasn::prelude::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn round_trip(m: &MultimediaSystemControlMessage) -> Vec<u8> {
    let bytes = encode(m).unwrap();
    assert_eq!(&decode(&bytes).unwrap(), m, "{}", hex(&bytes));
    bytes
}

#[test]
fn master_slave_determination_is_bit_exact() {
    // MSCM: extension bit 0, request = 0 in 2 bits; RequestMessage: extension bit 0, index 1 of 11 in 4 bits
    // -> 0000 0001. MSD: extension bit 0, then terminalType 0..255 aligned in one octet (0x32 = 50);
    // statusDeterminationNumber 0..2^24-1: a 2-bit length (2 octets -> 01), aligned, then 0x3039.
    let m = messages::master_slave_determination(50, 12345);
    assert_eq!(hex(&round_trip(&m)), "010032403039");
    // Numbers past 24 bits are cut, never an encoding error.
    let m = messages::master_slave_determination(50, 0xff12_3456);
    let MultimediaSystemControlMessage::Request(RequestMessage::MasterSlaveDetermination(msd)) =
        decode(&round_trip(&m)).unwrap()
    else {
        panic!("not an MSD")
    };
    assert_eq!(msd.status_determination_number, 0x12_3456);
}

#[test]
fn end_session_command_is_bit_exact() {
    // MSCM: 0, command = 2 -> 10; CommandMessage: 0, endSessionCommand = 5 of 7 -> 101;
    // EndSessionCommand: 0, disconnect = 1 of 3 -> 01, padded: 0100 1010 0100 0000.
    assert_eq!(hex(&round_trip(&messages::end_session_command())), "4a40");
}

#[test]
fn acks_round_trip() {
    let ack = messages::terminal_capability_set_ack(7);
    let MultimediaSystemControlMessage::Response(ResponseMessage::TerminalCapabilitySetAck(a)) =
        decode(&round_trip(&ack)).unwrap()
    else {
        panic!("not a TCS Ack")
    };
    assert_eq!(a.sequence_number, 7);
    for decision in [Decision::Master(()), Decision::Slave(())] {
        let m = messages::master_slave_determination_ack(decision.clone());
        let MultimediaSystemControlMessage::Response(ResponseMessage::MasterSlaveDeterminationAck(
            a,
        )) = decode(&round_trip(&m)).unwrap()
        else {
            panic!("not an MSD Ack")
        };
        assert_eq!(a.decision, decision);
    }
}

#[test]
fn terminal_capability_set_round_trips_with_our_codecs() {
    let m = messages::terminal_capability_set(3, &[Codec::G729, Codec::Pcmu, Codec::Pcma]);
    let MultimediaSystemControlMessage::Request(RequestMessage::TerminalCapabilitySet(tcs)) =
        decode(&round_trip(&m)).unwrap()
    else {
        panic!("not a TCS")
    };
    assert_eq!(tcs.sequence_number, 3);
    assert_eq!(
        tcs.protocol_identifier,
        ObjectIdentifier::new(vec![0, 0, 8, 245, 0, 7]).unwrap()
    );
    let caps: Vec<(u16, Capability)> = tcs
        .capability_table
        .unwrap()
        .into_iter()
        .map(|e| (e.capability_table_entry_number.0, e.capability.unwrap()))
        .collect();
    assert_eq!(
        caps,
        [
            (
                1,
                Capability::ReceiveAudioCapability(AudioCapability::G729AnnexA(6))
            ),
            (
                2,
                Capability::ReceiveAudioCapability(AudioCapability::G711Ulaw64k(240))
            ),
            (
                3,
                Capability::ReceiveAudioCapability(AudioCapability::G711Alaw64k(240))
            ),
        ]
    );
    let descriptors = tcs.capability_descriptors.unwrap();
    let sets = descriptors[0].simultaneous_capabilities.clone().unwrap();
    let numbers: Vec<u16> = sets[0].0.iter().map(|n| n.0).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(matches!(
        tcs.multiplex_capability,
        Some(MultiplexCapability::H2250Capability(ref h)) if h.maximum_audio_delay_jitter == 60
    ));
    // No codecs: the table and descriptors are absent (SIZE(1..256) has no empty value), still a valid TCS.
    let empty = messages::terminal_capability_set(4, &[]);
    round_trip(&empty);
}

#[test]
fn a_constrained_extension_addition_keeps_its_constraint() {
    // g729wAnnexB is an extension addition of a constrained INTEGER (1..256): the constraint is repeated on
    // the variant, or rasn would encode it unconstrained. (Every other audio alternative: the unit tests.)
    let olc = council_h245::fast_start::forward_proposal(
        1,
        AudioCapability::G729wAnnexB(1),
        "10.0.0.1:5001".parse().unwrap(),
    );
    let bytes = encode_olc(&olc).unwrap();
    assert_eq!(decode_olc(&bytes).unwrap(), olc);
    // By hand: OLC extension bit, reverse absent, pad, forwardLogicalChannelNumber 1 - 1 in 16 bits (00 00 00);
    // forward parameters: extension bit, portNumber absent, DataType 0 + audioData = 3 of 6 -> 011;
    // AudioCapability: extension bit 1, normally small index 0 (g729wAnnexB) -> 0000 1110 0000 00(00); the
    // open type: length 1, then the value 1 - 1 in one octet (unconstrained it would be a length and an octet).
    assert!(hex(&bytes).starts_with("0000000e000100"), "{}", hex(&bytes));
}

#[test]
fn out_of_range_values_are_encode_errors_not_panics() {
    let olc = council_h245::fast_start::forward_proposal(
        1,
        AudioCapability::G729(0),
        "10.0.0.1:5001".parse().unwrap(),
    );
    assert!(matches!(encode_olc(&olc), Err(H245Error::Encode { .. })));
    let mut olc = olc;
    olc.forward_logical_channel_number = 0;
    assert!(matches!(encode_olc(&olc), Err(H245Error::Encode { .. })));
}

#[test]
fn request_mode_is_bit_exact() {
    // RequestMode { sequenceNumber 1, requestedModes { { { type audioMode: g711Ulaw64k } } } }, by hand:
    // MSCM 0 00, RequestMessage 0 + requestMode = 8 -> 0000 1000; RequestMode: extension bit, aligned
    // sequenceNumber 0x01; two SIZE(1..256) counts of 1 (0x00, 0x00); ModeElement: extension bit 0,
    // h223ModeParameters absent 0, ModeElementType 0 + audioMode = 2 of 5 -> 010, AudioMode 0 +
    // g711Ulaw64k = 3 of 14 -> 0011: 0000 1000 011(0 0000).
    let bytes = unhex("08000100000860");
    let m = decode(&bytes).unwrap();
    let MultimediaSystemControlMessage::Request(RequestMessage::RequestMode(ref rm)) = m else {
        panic!("not a RequestMode: {m:?}")
    };
    assert_eq!(rm.sequence_number, 1);
    assert_eq!(rm.requested_modes.len(), 1);
    let modes = &rm.requested_modes[0].0;
    assert_eq!(modes.len(), 1);
    assert_eq!(
        modes[0].r#type,
        ModeElementType::AudioMode(AudioMode::G711Ulaw64k(()))
    );
    assert_eq!(modes[0].h223_mode_parameters, None);
    assert_eq!(encode(&m).unwrap(), bytes);
}

#[test]
fn an_untyped_extension_alternative_is_carried_whole() {
    // userInput signal { signalType "5", duration 100 }, by hand: MSCM 0 11, IndicationMessage 0 +
    // userInput = 13 of 14 -> 0110 1101; UserInputIndication: extension bit 1, normally small index 1 ->
    // 1000 0001; open type: length 4, then signal: extension bit 0, duration present 1, rtp absent 0,
    // signalType one 8-bit character '5' (0x35) unaligned, pad, duration 99 (1..65535) in two octets.
    let bytes = unhex("6d810446a00063");
    let m = decode(&bytes).unwrap();
    let MultimediaSystemControlMessage::Indication(IndicationMessage::UserInput(
        UserInputIndication::Signal(ref opaque),
    )) = m
    else {
        panic!("not a userInput signal: {m:?}")
    };
    assert_eq!(opaque.bits.len(), 32);
    assert_eq!(encode(&m).unwrap(), bytes);
}

/// OpenLogicalChannel as a later version of H.245 has it: one more extension addition (standing in for
/// `genericInformation`), which this crate does not declare.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
struct NewerOpenLogicalChannel {
    #[rasn(value("1..=65535"))]
    forward_logical_channel_number: u16,
    forward_logical_channel_parameters: ForwardLogicalChannelParameters,
    reverse_logical_channel_parameters: Option<ReverseLogicalChannelParameters>,
    #[rasn(extension_addition)]
    separate_stack: Option<Opaque>,
    #[rasn(extension_addition)]
    encryption_sync: Option<Opaque>,
    #[rasn(extension_addition)]
    generic_information: Option<SequenceOf<bool>>,
}

#[test]
fn a_newer_peers_extension_additions_are_skipped() {
    let ours = council_h245::fast_start::reverse_proposal(
        7,
        AudioCapability::G711Alaw64k(30),
        "192.0.2.1:4000".parse().unwrap(),
        "192.0.2.1:4001".parse().unwrap(),
    );
    let newer = NewerOpenLogicalChannel {
        forward_logical_channel_number: 7,
        forward_logical_channel_parameters: ours.forward_logical_channel_parameters.clone(),
        reverse_logical_channel_parameters: ours.reverse_logical_channel_parameters.clone(),
        separate_stack: None,
        encryption_sync: None,
        generic_information: Some(vec![true, false, true]),
    };
    let bytes = rasn::aper::encode(&newer).unwrap();
    assert_ne!(bytes, encode_olc(&ours).unwrap());
    assert_eq!(decode_olc(&bytes).unwrap(), ours);
}

#[test]
fn garbage_is_an_error() {
    for bytes in [&[][..], &[0xff][..], &[0x03, 0x40], &[0x7f; 40]] {
        assert!(decode(bytes).is_err() || encode(&decode(bytes).unwrap()).is_ok());
        assert!(
            matches!(decode_olc(bytes), Err(H245Error::Decode { .. })),
            "{bytes:?}"
        );
    }
    // A message CHOICE index past every alternative we know.
    assert!(matches!(
        decode(&[0x9f, 0xff, 0x00]),
        Err(H245Error::Decode { .. })
    ));
}

#[test]
fn open_logical_channel_ack_carries_our_addresses() {
    let m = messages::open_logical_channel_ack(
        5,
        "198.51.100.1:10000".parse().unwrap(),
        "198.51.100.1:10001".parse().unwrap(),
    );
    let MultimediaSystemControlMessage::Response(ResponseMessage::OpenLogicalChannelAck(ack)) =
        decode(&round_trip(&m)).unwrap()
    else {
        panic!("not an OLC Ack")
    };
    assert_eq!(ack.forward_logical_channel_number, 5);
    assert_eq!(ack.reverse_logical_channel_parameters, None);
    let Some(ForwardMultiplexAckParameters::H2250LogicalChannelAckParameters(h)) =
        ack.forward_multiplex_ack_parameters
    else {
        panic!("no H.225.0 ack parameters")
    };
    assert_eq!(h.session_id, Some(1));
    let addr = |t: &Option<TransportAddress>| {
        t.as_ref()
            .and_then(council_h245::fast_start::socket_address)
    };
    assert_eq!(
        addr(&h.media_channel),
        Some("198.51.100.1:10000".parse().unwrap())
    );
    assert_eq!(
        addr(&h.media_control_channel),
        Some("198.51.100.1:10001".parse().unwrap())
    );
}
