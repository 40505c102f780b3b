//! One example of every RAS message kind, filled the way endpoints and gatekeepers fill them — and some fields
//! beyond (tokens, crypto tokens, alternate gatekeepers, untyped open types) so that tests exercise extension
//! additions, extension alternatives and the H.235 types. Used by the tests, the tshark check and as fuzz seeds.
//!
//! Message `i` of [`all`] has `requestSeqNum` `SEQ_BASE + i` (an ACF sequence: of its first ACF).

use std::net::Ipv4Addr;

use rasn::types::{
    Any, BitString, Ia5String, Integer, ObjectIdentifier, OctetString, PrintableString,
};

use crate::builders::{self, AdmissionAsk, RegistrationGrant};
use crate::common::*;
use crate::h235::*;
use crate::ras::*;
use crate::raw::RawOpenType;

/// `requestSeqNum` of the first sample.
pub const SEQ_BASE: u16 = 1000;
/// The time to live the RRQ and RCF samples carry (seconds).
pub const TIME_TO_LIVE: u32 = 60;
/// The gatekeeper identifier the samples use.
pub const GATEKEEPER_ID: &str = "council-gk";
/// The endpoint identifier the samples use.
pub const ENDPOINT_ID: &str = "ep-0001";
/// The bandwidth ARQ/ACF/BRQ/BCF samples carry (units of 100 bit/s: 64 kbit/s).
pub const BANDWIDTH: u32 = 640;

fn seq(i: usize) -> RequestSeqNum {
    RequestSeqNum(SEQ_BASE + u16::try_from(i).unwrap_or(0))
}

fn ip(last: u8, port: u16) -> TransportAddress {
    TransportAddress::ipv4(Ipv4Addr::new(127, 0, 0, last), port)
}

fn gk_id() -> GatekeeperIdentifier {
    GatekeeperIdentifier(builders::bmp_string(GATEKEEPER_ID).unwrap_or_default())
}

fn ep_id() -> EndpointIdentifier {
    EndpointIdentifier(builders::bmp_string(ENDPOINT_ID).unwrap_or_default())
}

fn alias(name: &str) -> AliasAddress {
    AliasAddress::H323Id(H323Id(builders::bmp_string(name).unwrap_or_default()))
}

fn digits(d: &str) -> AliasAddress {
    AliasAddress::DialledDigits(DialledDigits(Ia5String::try_from(d).unwrap_or_default()))
}

fn url(u: &str) -> AliasAddress {
    AliasAddress::UrlId(Ia5String512(Ia5String::try_from(u).unwrap_or_default()))
}

fn tbcd(s: &str) -> Option<Ia5String> {
    Ia5String::try_from(s).ok()
}

/// One alias of each kind beyond h323-ID, dialledDigits and url-ID.
#[must_use]
pub fn other_aliases() -> Vec<AliasAddress> {
    vec![
        AliasAddress::TransportId(ip(10, 1720)),
        AliasAddress::EmailId(Ia5String512(
            Ia5String::try_from("guardian-1@council.example").unwrap_or_default(),
        )),
        AliasAddress::PartyNumber(PartyNumber::PrivateNumber(PrivatePartyNumber {
            private_type_of_number: PrivateTypeOfNumber::LocalNumber,
            private_number_digits: DialledDigits(Ia5String::try_from("4711").unwrap_or_default()),
        })),
        AliasAddress::MobileUim(MobileUim::GsmUim(Box::new(GsmUim {
            imsi: tbcd("262011234567890"),
            tmsi: Some(OctetString::from(vec![1, 2, 3, 4])),
            msisdn: tbcd("491701234567"),
            imei: None,
            hplmn: tbcd("2620"),
            vplmn: None,
        }))),
        AliasAddress::IsupNumber(IsupNumber::E164Number(IsupPublicPartyNumber {
            nature_of_address: NatureOfAddress::NationalNumber,
            address: IsupDigits(Ia5String::try_from("30123456").unwrap_or_default()),
        })),
    ]
}

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    ObjectIdentifier::new_unchecked(arcs.to_vec().into())
}

fn vendor() -> VendorIdentifier {
    VendorIdentifier::new(H221NonStandard::new(9, 0, 61), "Council guardian", "0.1")
}

fn alternates() -> Vec<AlternateGk> {
    vec![
        AlternateGk::new(
            ip(2, 1719),
            Some(GatekeeperIdentifier(
                builders::bmp_string("council-gk-2").unwrap_or_default(),
            )),
            true,
            1,
        ),
        AlternateGk::new(ip(3, 1719), None, false, 2),
    ]
}

fn params() -> Params {
    Params {
        ran_int: Some(Integer::from(42)),
        iv8: Some([1, 2, 3, 4, 5, 6, 7, 8].into()),
        ..Params::default()
    }
}

/// A `ClearToken` with several root components and extension additions.
#[must_use]
pub fn clear_token() -> ClearToken {
    let mut t = builders::clear_token_with_time(&[0, 0, 8, 235, 0, 2, 5], 1_700_000_000);
    t.random = Some(Integer::from(123_456_789));
    t.general_id = Some(Identifier235(
        builders::bmp_string(GATEKEEPER_ID).unwrap_or_default(),
    ));
    t.challenge = Some(ChallengeString(OctetString::from(vec![7u8; 16])));
    t.senders_id = Some(Identifier235(
        builders::bmp_string(ENDPOINT_ID).unwrap_or_default(),
    ));
    t
}

fn encrypted() -> Encrypted {
    Encrypted {
        algorithm_oid: oid(&[2, 16, 840, 1, 101, 3, 4, 1, 2]),
        params: Params {
            iv16: Some([9; 16].into()),
            ..Params::default()
        },
        encrypted_data: OctetString::from(vec![0xEE; 32]),
    }
}

fn signed() -> Signed {
    Signed {
        to_be_signed: Any::new(vec![0x30, 0x00]),
        algorithm_oid: oid(&[1, 2, 840, 113549, 1, 1, 5]),
        params: Params::default(),
        signature: BitString::from_slice(&[0x55; 8]),
    }
}

/// Crypto tokens: password hashing as H.235.1 sends it, and every other alternative except the `SIGNED{}` ones.
#[must_use]
pub fn crypto_tokens() -> Vec<CryptoH323Token> {
    vec![
        CryptoH323Token::CryptoEpPwdHash(CryptoEpPwdHash {
            alias: alias("guardian-1"),
            time_stamp: TimeStamp(1_700_000_000),
            token: Hashed {
                algorithm_oid: oid(&[1, 2, 840, 113549, 2, 5]),
                params: Params::default(),
                hash: BitString::from_slice(&[0xAB; 16]),
            },
        }),
        CryptoH323Token::CryptoGkPwdHash(CryptoGkPwdHash {
            gatekeeper_id: gk_id(),
            time_stamp: TimeStamp(1_700_000_000),
            token: Hashed {
                algorithm_oid: oid(&[1, 2, 840, 113549, 2, 5]),
                params: Params::default(),
                hash: BitString::from_slice(&[1; 16]),
            },
        }),
        CryptoH323Token::CryptoEpPwdEncr(encrypted()),
        CryptoH323Token::CryptoGkPwdEncr(encrypted()),
        CryptoH323Token::NestedCryptoToken(Box::new(CryptoToken::CryptoHashedToken(Box::new(
            CryptoHashedToken {
                token_oid: oid(&[0, 0, 8, 235, 0, 2, 1]),
                hashed_vals: clear_token(),
                token: Hashed {
                    algorithm_oid: oid(&[0, 0, 8, 235, 0, 2, 6]),
                    params: params(),
                    hash: BitString::from_slice(&[0xCD; 12]),
                },
            },
        )))),
        CryptoH323Token::NestedCryptoToken(Box::new(CryptoToken::CryptoEncryptedToken(
            CryptoEncryptedToken {
                token_oid: oid(&[0, 0, 8, 235, 0, 3, 1]),
                token: encrypted(),
            },
        ))),
        CryptoH323Token::NestedCryptoToken(Box::new(CryptoToken::CryptoPwdEncr(encrypted()))),
    ]
}

/// The `SIGNED{}` crypto tokens [`crypto_tokens`] leaves out. Wireshark 4.0 does not dissect the open type inside
/// `SIGNED{}` ("UNKNOWN PER: ToBeSigned", flagged malformed), so these are checked by round trip only, not by the
/// tshark test.
#[must_use]
pub fn more_crypto_tokens() -> Vec<CryptoH323Token> {
    vec![
        CryptoH323Token::CryptoEpCert(signed()),
        CryptoH323Token::CryptoGkCert(signed()),
        CryptoH323Token::CryptoFastStart(signed()),
        CryptoH323Token::NestedCryptoToken(Box::new(CryptoToken::CryptoSignedToken(
            CryptoSignedToken {
                token_oid: oid(&[0, 0, 8, 235, 0, 3, 2]),
                token: signed(),
            },
        ))),
    ]
}

fn generic_data() -> Vec<GenericData> {
    vec![GenericData {
        id: GenericIdentifier::Standard(Integer::from(18)),
        parameters: Some(vec![
            EnumeratedParameter {
                id: GenericIdentifier::Standard(Integer::from(1)),
                content: Some(Content::Number32(7)),
            },
            EnumeratedParameter {
                id: GenericIdentifier::Oid(oid(&[0, 0, 8, 460, 18, 0, 1])),
                content: Some(Content::Compound(vec![EnumeratedParameter {
                    id: GenericIdentifier::Standard(Integer::from(2)),
                    content: Some(Content::Text(
                        Ia5String::try_from("council").unwrap_or_default(),
                    )),
                }])),
            },
        ]),
    }]
}

fn non_standard() -> NonStandardParameter {
    NonStandardParameter {
        non_standard_identifier: NonStandardIdentifier::H221NonStandard(H221NonStandard::new(
            181, 0, 18,
        )),
        data: OctetString::from(b"council".to_vec()),
    }
}

fn call_id(n: u8) -> [u8; 16] {
    let mut g = [0x11u8; 16];
    g[15] = n;
    g
}

/// Every message kind, in `RasMessage` choice order (root alternatives, then extension alternatives).
#[must_use]
pub fn all() -> Vec<RasMessage> {
    let mut v = Vec::new();
    let n = |v: &Vec<RasMessage>| seq(v.len());

    // 0 GRQ: as an endpoint discovers its gatekeeper, with aliases of three kinds and a ClearToken.
    let mut m = builders::gatekeeper_request(
        n(&v),
        ip(10, 1719),
        vec![
            alias("guardian-1"),
            digits("1001"),
            url("h323:guardian-1@council"),
        ],
    );
    if let RasMessage::GatekeeperRequest(g) = &mut m {
        g.gatekeeper_identifier = Some(gk_id());
        g.tokens = Some(vec![clear_token()]);
        g.authentication_capability = Some(vec![
            AuthenticationMechanism::PwdHash,
            AuthenticationMechanism::KeyExch(oid(&[0, 0, 8, 235, 0, 3, 24])),
        ]);
        g.algorithm_oids = Some(vec![oid(&[1, 3, 14, 3, 2, 26])]);
    }
    v.push(m);
    // 1 GCF with alternate gatekeepers.
    v.push(builders::gatekeeper_confirm(
        n(&v),
        Some(gk_id()),
        ip(1, 1719),
        alternates(),
    ));
    // 2 GRJ.
    v.push(builders::gatekeeper_reject(
        n(&v),
        Some(gk_id()),
        GatekeeperRejectReason::SecurityError(SecurityErrors::SecurityReplay),
    ));
    // 3 RRQ with timeToLive, crypto tokens, a vendor and a T.38 capability kept as raw bits.
    let mut m = builders::registration_request(
        n(&v),
        ip(10, 1720),
        ip(10, 1719),
        vec![alias("guardian-1"), digits("1001")],
        vendor(),
        Some(TimeToLive(TIME_TO_LIVE)),
    );
    if let RasMessage::RegistrationRequest(r) = &mut m {
        r.crypto_tokens = Some(crypto_tokens());
        r.terminal_alias_pattern = Some(vec![AddressPattern::Range(AddressRange {
            start_of_range: PartyNumber::E164Number(PublicPartyNumber {
                public_type_of_number: PublicTypeOfNumber::InternationalNumber,
                public_number_digits: DialledDigits(
                    Ia5String::try_from("4930100").unwrap_or_default(),
                ),
            }),
            end_of_range: PartyNumber::E164Number(PublicPartyNumber {
                public_type_of_number: PublicTypeOfNumber::InternationalNumber,
                public_number_digits: DialledDigits(
                    Ia5String::try_from("4930199").unwrap_or_default(),
                ),
            }),
        })]);
        r.language = Some(vec![LanguageTag(
            Ia5String::try_from("en").unwrap_or_default(),
        )]);
        r.generic_data = Some(generic_data());
    }
    v.push(m);
    // 4 RCF with timeToLive and alternates.
    v.push(builders::registration_confirm(
        n(&v),
        RegistrationGrant {
            call_signal_address: vec![ip(1, 1720)],
            terminal_alias: vec![alias("guardian-1")],
            gatekeeper_identifier: Some(gk_id()),
            endpoint_identifier: ep_id(),
            time_to_live: Some(TimeToLive(TIME_TO_LIVE)),
            alternate_gatekeepers: alternates(),
            will_respond_to_irr: false,
        },
    ));
    // 5 RRJ: duplicate alias.
    v.push(builders::registration_reject(
        n(&v),
        Some(gk_id()),
        RegistrationRejectReason::DuplicateAlias(vec![alias("guardian-1")]),
    ));
    // 6 URQ.
    v.push(builders::unregistration_request(
        n(&v),
        vec![ip(10, 1720)],
        Some(ep_id()),
        Some(UnregRequestReason::Maintenance),
    ));
    // 7 UCF.
    v.push(builders::unregistration_confirm(n(&v)));
    // 8 URJ.
    v.push(builders::unregistration_reject(
        n(&v),
        UnregRejectReason::NotCurrentlyRegistered,
    ));
    // 9 ARQ.
    let mut m = builders::admission_request(
        n(&v),
        AdmissionAsk {
            endpoint_identifier: ep_id(),
            destination_info: vec![alias("council-1")],
            src_info: vec![alias("guardian-1")],
            band_width: BANDWIDTH,
            call_reference_value: 7,
            conference_id: call_id(1),
            call_identifier: call_id(2),
            answer_call: false,
        },
    );
    if let RasMessage::AdmissionRequest(a) = &mut m {
        a.gatekeeper_identifier = Some(gk_id());
        a.transport_qos = Some(TransportQos::QosCapabilities(RawOpenType::from_bytes(&[
            0x00, 0x00,
        ])));
    }
    v.push(m);
    // 10 ACF.
    v.push(builders::admission_confirm(
        n(&v),
        BANDWIDTH,
        CallModel::GatekeeperRouted,
        ip(1, 1720),
        Some(30),
    ));
    // 11 ARJ.
    v.push(builders::admission_reject(
        n(&v),
        AdmissionRejectReason::ResourceUnavailable,
    ));
    // 12 BRQ.
    v.push(builders::bandwidth_request(
        n(&v),
        ep_id(),
        call_id(1),
        7,
        call_id(2),
        BANDWIDTH * 2,
    ));
    // 13 BCF.
    v.push(builders::bandwidth_confirm(n(&v), BANDWIDTH));
    // 14 BRJ.
    v.push(builders::bandwidth_reject(
        n(&v),
        BandRejectReason::InsufficientResources,
        BANDWIDTH,
    ));
    // 15 DRQ.
    let mut m = builders::disengage_request(
        n(&v),
        ep_id(),
        call_id(1),
        7,
        call_id(2),
        DisengageReason::NormalDrop,
        true,
    );
    if let RasMessage::DisengageRequest(d) = &mut m {
        d.termination_cause = Some(CallTerminationCause::ReleaseCompleteReason(
            ReleaseCompleteReason::UndefinedReason,
        ));
        d.usage_information = Some(RasUsageInformation {
            non_standard_usage_fields: vec![],
            alerting_time: Some(TimeStamp(1_700_000_001)),
            connect_time: Some(TimeStamp(1_700_000_002)),
            end_time: Some(TimeStamp(1_700_000_062)),
        });
    }
    v.push(m);
    // 16 DCF.
    v.push(builders::disengage_confirm(n(&v)));
    // 17 DRJ.
    v.push(builders::disengage_reject(
        n(&v),
        DisengageRejectReason::NotRegistered,
    ));
    // 18 LRQ.
    let mut m = builders::location_request(
        n(&v),
        vec![alias("guardian-2"), digits("1002")],
        ip(20, 1719),
        Some(gk_id()),
    );
    if let RasMessage::LocationRequest(l) = &mut m {
        l.hop_count = Some(4);
        // Every other kind of alias, so the extension alternatives of AliasAddress are on the wire too.
        l.source_info = Some(other_aliases());
        l.band_width = Some(BANDWIDTH);
        l.call_identifier = Some(CallIdentifier::new(call_id(3)));
    }
    v.push(m);
    // 19 LCF: alias -> call-signalling address.
    v.push(builders::location_confirm(
        n(&v),
        ip(11, 1720),
        ip(11, 1719),
        vec![alias("guardian-2")],
    ));
    // 20 LRJ.
    v.push(builders::location_reject(
        n(&v),
        LocationRejectReason::NotRegistered,
    ));
    // 21 IRQ.
    v.push(builders::info_request(n(&v), 0));
    // 22 IRR with one call.
    v.push(RasMessage::InfoRequestResponse(InfoRequestResponse {
        non_standard_data: None,
        request_seq_num: n(&v),
        endpoint_type: EndpointType::terminal(),
        endpoint_identifier: ep_id(),
        ras_address: ip(10, 1719),
        call_signal_address: vec![ip(10, 1720)],
        endpoint_alias: Some(vec![alias("guardian-1")]),
        per_call_info: Some(vec![PerCallInfo {
            non_standard_data: None,
            call_reference_value: 7,
            conference_id: call_id(1).into(),
            originator: Some(true),
            audio: Some(vec![RtpSession {
                rtp_address: TransportChannelInfo {
                    send_address: Some(ip(10, 10000)),
                    recv_address: Some(ip(1, 10002)),
                },
                rtcp_address: TransportChannelInfo {
                    send_address: Some(ip(10, 10001)),
                    recv_address: Some(ip(1, 10003)),
                },
                cname: PrintableString::try_from("guardian").unwrap_or_default(),
                ssrc: 0x1234_5678,
                session_id: 1,
                associated_session_ids: vec![],
                multicast: None,
                bandwidth: Some(BANDWIDTH),
            }]),
            video: None,
            data: None,
            h245: TransportChannelInfo {
                send_address: None,
                recv_address: None,
            },
            call_signaling: TransportChannelInfo {
                send_address: Some(ip(10, 1720)),
                recv_address: Some(ip(1, 1720)),
            },
            call_type: CallType::PointToPoint,
            band_width: BANDWIDTH,
            call_model: CallModel::GatekeeperRouted,
            call_identifier: Some(CallIdentifier::new(call_id(2))),
            tokens: None,
            crypto_tokens: None,
            substitute_conf_ids: Some(vec![]),
            pdu: None,
            call_linkage: None,
            usage_information: None,
            circuit_info: None,
        }]),
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        need_response: Some(true),
        capacity: None,
        irr_status: Some(InfoRequestResponseStatus::Complete),
        unsolicited: Some(false),
        generic_data: None,
    }));
    // 23 nonStandardMessage.
    v.push(RasMessage::NonStandardMessage(NonStandardMessage {
        request_seq_num: n(&v),
        non_standard_data: non_standard(),
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        feature_set: Some(FeatureSet {
            replacement_feature_set: false,
            needed_features: None,
            desired_features: None,
            supported_features: Some(generic_data()),
        }),
        generic_data: None,
    }));
    // 24 XRS.
    v.push(builders::unknown_message_response(n(&v), &[0x5f, 0x00]));
    // extension 0 RIP.
    v.push(builders::request_in_progress(n(&v), 5000));
    // extension 1 RAI.
    v.push(RasMessage::ResourcesAvailableIndicate(
        ResourcesAvailableIndicate {
            request_seq_num: n(&v),
            protocol_identifier: builders::protocol_identifier(7),
            non_standard_data: None,
            endpoint_identifier: ep_id(),
            protocols: vec![SupportedProtocols::Voice(ProtocolCaps::with_prefixes(
                vec![SupportedPrefix {
                    non_standard_data: None,
                    prefix: digits("49"),
                }],
            ))],
            almost_out_of_resources: false,
            tokens: Some(vec![clear_token()]),
            crypto_tokens: Some(crypto_tokens()),
            integrity_check_value: None,
            capacity: None,
            generic_data: None,
        },
    ));
    // extension 2 RAC.
    v.push(builders::resources_available_confirm(n(&v)));
    // extension 3 IACK.
    v.push(builders::info_request_ack(n(&v)));
    // extension 4 INAK.
    v.push(RasMessage::InfoRequestNak(InfoRequestNak {
        request_seq_num: n(&v),
        non_standard_data: None,
        nak_reason: InfoRequestNakReason::NotRegistered,
        alt_gk_info: Some(AltGkInfo {
            alternate_gatekeeper: alternates(),
            alt_gk_is_permanent: false,
        }),
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
    }));
    // extension 5 SCI.
    v.push(RasMessage::ServiceControlIndication(
        ServiceControlIndication {
            request_seq_num: n(&v),
            non_standard_data: None,
            service_control: vec![ServiceControlSession {
                session_id: 1,
                contents: Some(ServiceControlDescriptor::CallCreditServiceControl(
                    CallCreditServiceControl {
                        amount_string: Some(
                            builders::bmp_string("10 minutes left").unwrap_or_default(),
                        ),
                        billing_mode: Some(BillingMode::Credit),
                        call_duration_limit: Some(600),
                        enforce_call_duration_limit: Some(true),
                        call_starting_point: Some(CallCreditStartingPoint::Connect),
                    },
                )),
                reason: ServiceControlReason::Open,
            }],
            endpoint_identifier: Some(ep_id()),
            call_specific: Some(CallSpecific {
                call_identifier: CallIdentifier::new(call_id(2)),
                conference_id: call_id(1).into(),
                answered_call: false,
            }),
            tokens: None,
            crypto_tokens: None,
            integrity_check_value: None,
            feature_set: None,
            generic_data: None,
        },
    ));
    // extension 6 SCR.
    v.push(RasMessage::ServiceControlResponse(ServiceControlResponse {
        request_seq_num: n(&v),
        result: Some(ServiceControlResult::Started),
        non_standard_data: Some(non_standard()),
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        feature_set: None,
        generic_data: None,
    }));
    // extension 7 admissionConfirmSequence: two ACFs.
    let s = n(&v);
    let acf = |bw| match builders::admission_confirm(s, bw, CallModel::Direct, ip(12, 1720), None) {
        RasMessage::AdmissionConfirm(a) => Some(a),
        _ => None,
    };
    v.push(RasMessage::AdmissionConfirmSequence(
        acf(BANDWIDTH)
            .into_iter()
            .chain(acf(BANDWIDTH / 2))
            .collect(),
    ));
    v
}

/// The lightweight keep-alive RRQ an endpoint sends before its time to live runs out.
#[must_use]
pub fn keep_alive_rrq(seq: u16) -> RasMessage {
    builders::keep_alive_registration_request(
        RequestSeqNum(seq.max(1)),
        ip(10, 1720),
        ip(10, 1719),
        vendor(),
        ep_id(),
        Some(gk_id()),
        Some(TimeToLive(TIME_TO_LIVE)),
    )
}
