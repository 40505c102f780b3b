//! The three measured rasn 0.30 pitfalls (crate README), each pinned by a test, and the error paths.

use council_h225::raw::RawOpenType;
use council_h225::{
    GatekeeperIdentifier, RasError, RasMessage, RequestSeqNum, TimeToLive, builders, decode,
    decode_value, encode, encode_value, samples,
};
use rasn::prelude::*;

/// TimeToLive as an extension addition with its constraint repeated, as every field of ours does.
#[derive(AsnType, Decode, Encode, Debug, PartialEq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
struct Repeated {
    root: bool,
    #[rasn(extension_addition, value("1..=4294967295"))]
    ttl: Option<TimeToLive>,
}

/// The same without repeating it: what pitfall 1 is about.
#[derive(AsnType, Decode, Encode, Debug, PartialEq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
struct Naive {
    root: bool,
    #[rasn(extension_addition)]
    ttl: Option<TimeToLive>,
}

/// The open type's octets, as a peer's decoder sees them.
#[derive(AsnType, Decode, Encode, Debug, PartialEq)]
#[rasn(automatic_tags)]
#[non_exhaustive]
struct Raw {
    root: bool,
    #[rasn(extension_addition)]
    ttl: Option<RawOpenType>,
}

#[test]
fn pitfall_1_time_to_live_60_goes_out_as_60() {
    let ours = encode_value(&Repeated {
        root: true,
        ttl: Some(TimeToLive(60)),
    })
    .unwrap();
    let raw: Raw = decode_value(&ours).unwrap();
    // INTEGER(1..4294967295): octet count 1 in 2 bits, padding, then 60 - 1 = 0x3B.
    assert_eq!(raw.ttl.unwrap().to_bytes(), [0x00, 0x3B]);
    let back: Repeated = decode_value(&ours).unwrap();
    assert_eq!(back.ttl, Some(TimeToLive(60)));

    // Without the repeated constraint rasn writes an unconstrained INTEGER (length octet 1, then 60); a peer that
    // knows the constraint reads "octet count 1" from the first two bits, then 0x3C + 1 = 61.
    let naive = encode_value(&Naive {
        root: true,
        ttl: Some(TimeToLive(60)),
    })
    .unwrap();
    let raw: Raw = decode_value(&naive).unwrap();
    assert_eq!(raw.ttl.unwrap().to_bytes(), [0x01, 0x3C]);
    let as_peer_reads_it: Repeated = decode_value(&naive).unwrap();
    assert_eq!(as_peer_reads_it.ttl, Some(TimeToLive(61)));
}

#[test]
fn pitfall_1_rcf_and_keep_alive_rrq_carry_60() {
    // The RCF sample and keep-alive RRQ as encoded carry 60 (tshark confirms it in tests/tshark.rs too).
    for m in [samples::all()[4].clone(), samples::keep_alive_rrq(9)] {
        let back = decode(&encode(&m).unwrap()).unwrap();
        let ttl = match back {
            RasMessage::RegistrationConfirm(r) => r.time_to_live,
            RasMessage::RegistrationRequest(r) => r.time_to_live,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(ttl, Some(TimeToLive(60)));
    }
}

/// UCF (seq 10) with an extension bitmap of 6 where v7 knows 5, the sixth present: a future version's addition.
const UCF_FROM_THE_FUTURE: &[u8] = &[
    0x1E, // RasMessage ext 0, index 7; UCF ext 1, nonStandardData absent
    0x00, 0x09, // requestSeqNum 10
    0x0A, 0x08, // bitmap length 6 (n - 1 = 5), bitmap 000001; pad
    0x02, 0xAB, 0xCD, // the unknown addition: an open type of 2 octets
];

#[test]
fn pitfall_2_and_3_unknown_and_missing_extensions_decode() {
    let m = decode(UCF_FROM_THE_FUTURE).expect("an unknown extension addition is skipped");
    assert_eq!(m, builders::unregistration_confirm(RequestSeqNum(10)));
    // We re-encode with our own (full, 5-bit) bitmap: values equal, bytes not (pitfall 3).
    let ours = encode(&m).unwrap();
    assert_ne!(ours, UCF_FROM_THE_FUTURE);
    assert_eq!(decode(&ours).unwrap(), m);
}

#[test]
fn invalid_values_are_encode_errors_not_panics() {
    let mut rip = builders::request_in_progress(RequestSeqNum(1), 10);
    if let RasMessage::RequestInProgress(r) = &mut rip {
        r.request_seq_num = RequestSeqNum(0);
    }
    assert!(matches!(encode(&rip), Err(RasError::Encode(_))));

    let RasMessage::RegistrationConfirm(mut rcf) = samples::all()[4].clone() else {
        panic!()
    };
    rcf.time_to_live = Some(TimeToLive(0));
    assert!(matches!(
        encode(&RasMessage::RegistrationConfirm(rcf)),
        Err(RasError::Encode(_))
    ));

    assert!(RequestSeqNum::new(0).is_err());
    assert!(TimeToLive::new(0).is_err());
    assert!(GatekeeperIdentifier::new("").is_err());
    assert!(GatekeeperIdentifier::new(&"g".repeat(129)).is_err());
    assert!(GatekeeperIdentifier::new("🦀").is_err(), "outside the BMP");
    assert_eq!(
        GatekeeperIdentifier::new("gk-ü").unwrap().to_string(),
        "gk-ü"
    );
    assert!(council_h225::AliasAddress::dialled_digits("12a").is_err());
    assert!(council_h225::AliasAddress::h323_id(&"x".repeat(257)).is_err());
}

#[test]
fn trailing_octets_and_empty_input_are_errors() {
    let mut bytes = encode(&builders::disengage_confirm(RequestSeqNum(3))).unwrap();
    bytes.push(0);
    assert!(matches!(decode(&bytes), Err(RasError::TrailingData(1))));
    assert!(decode(&[]).is_err());
    assert!(decode(&[0xff; 3]).is_err());
}

#[test]
fn constraints_on_choice_alternatives_are_applied() {
    use council_h225::TransportAddress;
    // nsap OCTET STRING(SIZE (1..20)): ext bit 0, index 5 in 3 bits, length - 1 in 5 bits, padding, the octets.
    let nsap = TransportAddress::Nsap(vec![0xAA, 0xBB, 0xCC].into());
    let bytes = encode_value(&nsap).unwrap();
    assert_eq!(bytes, [0x51, 0x00, 0xAA, 0xBB, 0xCC]);
    assert_eq!(decode_value::<TransportAddress>(&bytes).unwrap(), nsap);
    assert!(
        encode_value(&TransportAddress::Nsap(vec![0; 21].into())).is_err(),
        "21 octets exceed SIZE (1..20)"
    );
}
