//! Decoding aligned-PER bytes written by hand from the X.691 rules — not produced by rasn — as endpoints send them:
//! a v4-style GRQ with a trimmed extension bitmap, a v2 RRQ (timeToLive, keepAlive, willSupplyUUIEs; no v3+
//! fields) and a v1 RRQ with no extensions at all (pitfall 2: fields later versions made mandatory are absent).
//! tshark, where present, confirms the hand encodings are what H.225.0 says (so the bytes are not just rasn's echo).

mod common;

use council_h225::{AliasAddress, RasMessage, TransportAddress, builders, decode, encode};

/// GRQ, seq 5, protocol {0 0 8 2250 0 4}, rasAddress 192.168.1.10:1719, terminal, alias h323-ID "guardian", and an
/// extension bitmap of 8 bits (as a v4 endpoint knows it; v7 has 12) with only supportsAltGK.
const GRQ_V4: &[u8] = &[
    0x02,
    0x20, // RasMessage: ext 0, index 0 (5 bits); GRQ: ext 1, optionals 0001 (endpointAlias); pad
    0x00, 0x04, // requestSeqNum 5 (INTEGER(1..65535): 2 octets, value - 1)
    0x06, 0x00, 0x08, 0x91, 0x4A, 0x00, 0x04, // protocolIdentifier: length 6, BER contents
    0x00, // rasAddress: ext 0, ipAddress (3 bits); pad
    0xC0, 0xA8, 0x01, 0x0A, 0x06, 0xB7, // ip, port 1719
    0x02,
    0x00, // endpointType: ext 0, optionals 000001 (terminal), terminal: ext 0 opt 0, mc 0, undefinedNode 0; pad
    0x01, // endpointAlias: 1 item
    0x40, // AliasAddress: ext 0, h323-ID (1 bit); pad
    0x07, // BMPString(SIZE(1..256)) length 8 (one octet, n - 1)
    0x00, 0x67, 0x00, 0x75, 0x00, 0x61, 0x00, 0x72, 0x00, 0x64, 0x00, 0x69, 0x00, 0x61, 0x00,
    0x6E, // "guardian"
    0x0E, 0x02, // extension bitmap length 8 (normally small, n - 1 = 7), bitmap 00000001; pad
    0x01, 0x00, // supportsAltGK: open type of 1 octet (NULL's empty encoding is 0x00)
];

/// The common part of the two RRQs after the first two octets: seq 2, callSignalAddress 192.168.1.10:1720,
/// rasAddress 192.168.1.10:1719, terminal, aliases h323-ID "g1" and dialledDigits "1001", vendor 9/0/61
/// "Council" "1.0".
fn rrq_root(version: u8) -> Vec<u8> {
    let mut b = vec![
        0x00, 0x01, // requestSeqNum 2
        0x06, 0x00, 0x08, 0x91, 0x4A, 0x00, version, // protocolIdentifier
        0x80,    // discoveryComplete TRUE; pad
        0x01, 0x00, 0xC0, 0xA8, 0x01, 0x0A, 0x06,
        0xB8, // callSignalAddress: 1 item, ipAddress, :1720
        0x01, 0x00, 0xC0, 0xA8, 0x01, 0x0A, 0x06,
        0xB7, // rasAddress: 1 item, ipAddress, :1719
        0x02, 0x00, // terminalType (terminal only), mc 0, undefinedNode 0; pad
        0x02, // terminalAlias: 2 items
        0x40, 0x01, 0x00, 0x67, 0x00, 0x31, // h323-ID, length 2, "g1"
        // dialledDigits: ext 0, index 0, length 4 in 7 bits (n - 1 = 3); pad; 4-bit indices into "#*,0123456789"
        0x01, 0x80, 0x43, 0x34,
        0x60, // endpointVendor: ext 0, productId and versionId present; H221NonStandard ext 0; pad
        0x09, 0x00, 0x00, 0x3D, // t35CountryCode 9, t35Extension 0, manufacturerCode 61
        0x06, b'C', b'o', b'u', b'n', b'c', b'i',
        b'l', // productId (length n - 1 in one octet)
        0x02, b'1', b'.', b'0', // versionId
    ];
    b.shrink_to_fit();
    b
}

/// RRQ v2: root as above, extension bitmap of 8 (v2's additions) with timeToLive 300, keepAlive FALSE and
/// willSupplyUUIEs FALSE — no maintainConnection (mandatory since v3) and no supportsAssignedGK (since v6).
fn rrq_v2() -> Vec<u8> {
    let mut b = vec![0x0E, 0x80]; // RasMessage index 3; RRQ ext 1, optionals 010 (terminalAlias); pad
    b.extend(rrq_root(2));
    b.extend([
        0x0E, 0x8A, // bitmap length 8, bitmap 01000101; pad
        0x03, 0x40, 0x01,
        0x2B, // timeToLive: open type of 3: octet count 2 (2 bits: 01); pad; 300 - 1 = 0x012B
        0x01, 0x00, // keepAlive FALSE
        0x01, 0x00, // willSupplyUUIEs FALSE
    ]);
    b
}

/// RRQ v1: no extension bit set, nothing after the root.
fn rrq_v1() -> Vec<u8> {
    let mut b = vec![0x0C, 0x80]; // RasMessage index 3; RRQ ext 0, optionals 010; pad
    b.extend(rrq_root(1));
    b
}

fn h323_id(a: &AliasAddress) -> String {
    a.as_text().unwrap()
}

#[test]
fn grq_as_a_v4_endpoint_sends_it() {
    let m = decode(GRQ_V4).expect("hand-written GRQ decodes");
    let RasMessage::GatekeeperRequest(g) = &m else {
        panic!("not a GRQ: {m:?}")
    };
    assert_eq!(g.request_seq_num.0, 5);
    assert_eq!(g.protocol_identifier, builders::protocol_identifier(4));
    assert_eq!(
        g.ras_address.to_socket_addr(),
        Some("192.168.1.10:1719".parse().unwrap())
    );
    assert!(g.endpoint_type.terminal.is_some());
    assert!(!g.endpoint_type.mc);
    let aliases = g.endpoint_alias.as_ref().unwrap();
    assert_eq!(
        aliases.iter().map(h323_id).collect::<Vec<_>>(),
        ["guardian"]
    );
    assert_eq!(g.supports_alt_gk, Some(()));
    assert_eq!(
        g.supports_assigned_gk, None,
        "a v4 endpoint does not know the v6 field"
    );
    assert_eq!(g.tokens, None);
    // Re-encoded by us: the same values (the bitmap grows to 12 bits, so the bytes differ: pitfall 3).
    let again = encode(&m).unwrap();
    assert_ne!(again, GRQ_V4);
    assert_eq!(decode(&again).unwrap(), m);
}

#[test]
fn rrq_v2_without_v3_mandatory_fields_decodes() {
    let bytes = rrq_v2();
    let m = decode(&bytes).expect("hand-written v2 RRQ decodes");
    let RasMessage::RegistrationRequest(r) = &m else {
        panic!("not an RRQ: {m:?}")
    };
    assert_eq!(r.request_seq_num.0, 2);
    assert_eq!(r.protocol_identifier, builders::protocol_identifier(2));
    assert!(r.discovery_complete);
    assert_eq!(
        r.call_signal_address,
        vec![TransportAddress::from_socket_addr(
            "192.168.1.10:1720".parse().unwrap()
        )]
    );
    assert_eq!(
        r.ras_address,
        vec![TransportAddress::from_socket_addr(
            "192.168.1.10:1719".parse().unwrap()
        )]
    );
    let aliases: Vec<String> = r
        .terminal_alias
        .as_ref()
        .unwrap()
        .iter()
        .map(h323_id)
        .collect();
    assert_eq!(aliases, ["g1", "1001"]);
    assert!(matches!(
        r.terminal_alias.as_ref().unwrap()[1],
        AliasAddress::DialledDigits(_)
    ));
    assert_eq!(r.endpoint_vendor.vendor.t35_country_code, 9);
    assert_eq!(r.endpoint_vendor.vendor.manufacturer_code, 61);
    assert_eq!(
        r.endpoint_vendor.product_id.as_deref(),
        Some(&b"Council"[..])
    );
    assert_eq!(r.endpoint_vendor.version_id.as_deref(), Some(&b"1.0"[..]));
    assert_eq!(r.time_to_live.map(|t| t.0), Some(300));
    assert_eq!(r.keep_alive, Some(false));
    assert_eq!(r.will_supply_uuies, Some(false));
    assert_eq!(
        r.maintain_connection, None,
        "mandatory since v3, absent from a v2 RRQ"
    );
    assert_eq!(
        r.supports_assigned_gk, None,
        "mandatory since v6, absent from a v2 RRQ"
    );
    assert_eq!(decode(&encode(&m).unwrap()).unwrap(), m);
}

#[test]
fn rrq_v1_without_any_extension_decodes() {
    let m = decode(&rrq_v1()).expect("hand-written v1 RRQ decodes");
    let RasMessage::RegistrationRequest(r) = &m else {
        panic!("not an RRQ: {m:?}")
    };
    assert_eq!(r.protocol_identifier, builders::protocol_identifier(1));
    assert_eq!(
        r.keep_alive, None,
        "mandatory since v2, absent from a v1 RRQ"
    );
    assert_eq!(r.will_supply_uuies, None);
    assert_eq!(r.time_to_live, None);
    assert_eq!(r.endpoint_identifier, None);
    assert_eq!(r.terminal_alias.as_ref().map(Vec::len), Some(2));
    assert_eq!(decode(&encode(&m).unwrap()).unwrap(), m);
}

#[test]
fn tshark_agrees_with_the_hand_encodings() {
    if !common::tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_ras_pcap(
        &dir.path().join("hand.pcap"),
        &[GRQ_V4.to_vec(), rrq_v2(), rrq_v1()],
    );
    common::assert_clean(&file);
    let names = [
        "h225.RasMessage",
        "h225.requestSeqNum",
        "h225.protocolIdentifier",
        "h225.h323_ID",
        "h225.dialledDigits",
        "h225.timeToLive",
        "h225.keepAlive",
        "h225.productId",
        "h225.ipV4_port",
    ];
    let rows = common::fields(&file, &names);
    let want = [
        [
            "0",
            "5",
            "0.0.8.2250.0.4",
            "guardian",
            "",
            "",
            "",
            "",
            "1719",
        ],
        [
            "3",
            "2",
            "0.0.8.2250.0.2",
            "g1",
            "1001",
            "300",
            "0",
            "Council",
            "1720,1719",
        ],
        [
            "3",
            "2",
            "0.0.8.2250.0.1",
            "g1",
            "1001",
            "",
            "",
            "Council",
            "1720,1719",
        ],
    ];
    assert_eq!(rows, want.map(|r| r.map(str::to_owned).to_vec()).to_vec());
}
