//! Another stack's H.245: a TerminalCapabilitySet a real H.323 endpoint sent (version 13: H.264/H.239 generic
//! capabilities, video, data, audio — 27 entries), taken as bytes from a public H.323 gateway's unit tests
//! (`data/README.md`). It must decode to the values that stack's test and Wireshark read in it, and re-encode to
//! the same value.

use council_h245::asn::*;
use council_h245::fast_start::codec_of;
use council_h245::{decode, encode};
use council_rtp::Codec;
use rasn::prelude::*;

const TCS: &[u8] = include_bytes!("data/trueconf-tcs.per");

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    ObjectIdentifier::new(arcs.to_vec()).unwrap()
}

#[test]
fn a_real_terminal_capability_set_decodes_to_its_values() {
    let m = decode(TCS).unwrap();
    let MultimediaSystemControlMessage::Request(RequestMessage::TerminalCapabilitySet(ref tcs)) = m
    else {
        panic!("not a TCS: {m:?}")
    };
    assert_eq!(tcs.sequence_number, 1);
    assert_eq!(tcs.protocol_identifier, oid(&[0, 0, 8, 245, 0, 13]));

    // The multiplex capability, as the other stack's own test reads it.
    let Some(MultiplexCapability::H2250Capability(ref h2250)) = tcs.multiplex_capability else {
        panic!("no H2250Capability")
    };
    assert_eq!(h2250.maximum_audio_delay_jitter, 60);
    for mp in [
        &h2250.receive_multipoint_capability,
        &h2250.transmit_multipoint_capability,
        &h2250.receive_and_transmit_multipoint_capability,
    ] {
        assert!(!mp.multicast_capability && !mp.multi_uni_cast_conference);
        assert_eq!(mp.media_distribution_capability.len(), 1);
        let d = &mp.media_distribution_capability[0];
        assert!(!d.centralized_control && !d.distributed_control && !d.centralized_audio);
    }
    assert!(!h2250.mc_capability.centralized_conference_mc);
    assert!(!h2250.rtcp_video_control_capability);
    let payload_types: Vec<PayloadDescriptor> = h2250
        .media_packetization_capability
        .rtp_payload_type
        .clone()
        .unwrap()
        .into_iter()
        .map(|p| p.payload_descriptor)
        .collect();
    assert_eq!(
        payload_types,
        [
            PayloadDescriptor::RfcNumber(Integer::from(2429)),
            PayloadDescriptor::Oid(oid(&[0, 0, 8, 241, 0, 0, 0, 0])),
            PayloadDescriptor::Oid(oid(&[0, 0, 8, 241, 0, 0, 0, 1])),
        ]
    );
    // TransportCapability (QoS, media channel capabilities) is an extension addition we carry untyped.
    assert!(
        h2250
            .transport_capability
            .as_ref()
            .is_some_and(|o| !o.bits.is_empty())
    );
    assert_eq!(h2250.logical_channel_switching_capability, Some(false));
    assert_eq!(h2250.t120_dynamic_port_capability, Some(false));

    // The capability table: 27 entries, numbered 1..=27, of every kind.
    let table = tcs.capability_table.as_ref().unwrap();
    let numbers: Vec<u16> = table
        .iter()
        .map(|e| e.capability_table_entry_number.0)
        .collect();
    assert_eq!(numbers, (1..=27).collect::<Vec<u16>>());
    let kind = |c: &Capability| match c {
        Capability::GenericControlCapability(_) => "generic control",
        Capability::ReceiveAudioCapability(_) => "audio",
        Capability::ReceiveVideoCapability(_) => "video",
        Capability::ReceiveAndTransmitDataApplicationCapability(_) => "data",
        Capability::NonStandard(_) => "non-standard",
        _ => "other",
    };
    let kinds: Vec<&str> = table
        .iter()
        .map(|e| kind(e.capability.as_ref().unwrap()))
        .collect();
    let mut expected = vec!["generic control"; 2];
    expected.extend(["audio"; 14]);
    expected.extend(["video"; 8]);
    expected.extend(["data"; 2]);
    expected.push("non-standard");
    assert_eq!(kinds, expected);

    // The audio we care about, typed: entries 12..=16.
    let audio: Vec<(u16, AudioCapability)> = table
        .iter()
        .filter_map(|e| match &e.capability {
            Some(Capability::ReceiveAudioCapability(a))
                if !matches!(a, AudioCapability::GenericAudioCapability(_)) =>
            {
                Some((e.capability_table_entry_number.0, a.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        audio,
        [
            (12, AudioCapability::G722_64k(20)),
            (13, AudioCapability::G728(8)),
            (14, AudioCapability::G711Ulaw64k(20)),
            (15, AudioCapability::G711Alaw64k(20)),
            (16, AudioCapability::G729AnnexA(2)),
        ]
    );
    let ours: Vec<Option<(Codec, u16)>> = audio.iter().map(|(_, a)| codec_of(a)).collect();
    assert_eq!(
        ours,
        [
            None,
            None,
            Some((Codec::Pcmu, 20)),
            Some((Codec::Pcma, 20)),
            Some((Codec::G729, 2))
        ]
    );
    // Typed video and data from the root alternatives.
    let Some(Capability::ReceiveVideoCapability(VideoCapability::H263VideoCapability(ref h263))) =
        table[18].capability
    else {
        panic!("entry 19 is not H.263")
    };
    assert_eq!(
        (h263.sqcif_mpi, h263.qcif_mpi, h263.cif_mpi, h263.cif4_mpi),
        (Some(1), Some(1), Some(1), None)
    );
    assert_eq!(h263.max_bit_rate, 19200);
    assert_eq!(h263.error_compensation, Some(false));
    let Some(Capability::ReceiveVideoCapability(VideoCapability::H261VideoCapability(ref h261))) =
        table[19].capability
    else {
        panic!("entry 20 is not H.261")
    };
    assert_eq!(
        (h261.qcif_mpi, h261.cif_mpi, h261.max_bit_rate),
        (Some(1), Some(1), 19200)
    );
    let Some(Capability::ReceiveAndTransmitDataApplicationCapability(ref h224)) =
        table[24].capability
    else {
        panic!("entry 25 is not data")
    };
    assert_eq!(
        h224.application,
        DataApplication::H224(DataProtocolCapability::HdlcFrameTunnelling(()))
    );
    assert_eq!(h224.max_bit_rate, 50);
    let Some(Capability::NonStandard(ref ns)) = table[26].capability else {
        panic!("entry 27 is not non-standard")
    };
    assert_eq!(
        ns.non_standard_identifier,
        NonStandardIdentifier::H221NonStandard(H221NonStandard {
            t35_country_code: 181,
            t35_extension: 0,
            manufacturer_code: 9009,
        })
    );
    assert_eq!(ns.data.as_ref(), b"QS");

    // One descriptor: six sets of alternatives, generic / audio / video / video / data / non-standard.
    let descriptors = tcs.capability_descriptors.as_ref().unwrap();
    assert_eq!(descriptors.len(), 1);
    let sets: Vec<Vec<u16>> = descriptors[0]
        .simultaneous_capabilities
        .as_ref()
        .unwrap()
        .iter()
        .map(|set| set.0.iter().map(|n| n.0).collect())
        .collect();
    assert_eq!(
        sets,
        [
            (1..=2).collect::<Vec<u16>>(),
            (3..=16).collect(),
            (17..=21).collect(),
            (22..=24).collect(),
            (25..=26).collect(),
            vec![27],
        ]
    );

    // Re-encoded, the same value — here even the same bytes (this stack writes full extension bitmaps too).
    let bytes = encode(&m).unwrap();
    assert_eq!(decode(&bytes).unwrap(), m);
    assert_eq!(bytes, TCS);
}
