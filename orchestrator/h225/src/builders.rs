//! Constructors for whole RAS messages, so callers fill what matters and get the rest right: the protocol
//! identifier, the fields later versions made mandatory (present, with their neutral value), and nothing that
//! would confuse an older peer.
//!
//! The gatekeeper's replies come first; the requests an endpoint sends follow (the gatekeeper uses a few — URQ,
//! DRQ, IRQ — itself, and tests and tools use the rest).

use rasn::types::{BmpString, Ia5String, ObjectIdentifier, OctetString};

use crate::RasError;
use crate::common::*;
use crate::h235::ClearToken;
use crate::ras::*;

/// H.225.0 version 7's protocol identifier, `{itu-t(0) recommendation(0) h(8) 2250 version(0) 7}`.
pub const PROTOCOL_ID_V7: &[u32] = &[0, 0, 8, 2250, 0, 7];

/// The protocol identifier of H.225.0 version `version` (1..=7).
#[must_use]
pub fn protocol_identifier(version: u32) -> ProtocolIdentifier {
    ObjectIdentifier::new_unchecked(vec![0, 0, 8, 2250, 0, version].into())
}

fn v7() -> ProtocolIdentifier {
    ObjectIdentifier::new_unchecked(PROTOCOL_ID_V7.into())
}

fn bmp(s: &str, max: usize, what: &str) -> Result<BmpString, RasError> {
    let n = s.encode_utf16().count();
    if n == 0 || n > max {
        return Err(RasError::InvalidValue(format!(
            "{what} must be 1..={max} BMP characters: {s:?}"
        )));
    }
    bmp_string(s).map_err(|e| RasError::InvalidValue(format!("{what}: {e}")))
}

/// A `BMPString` from text. (rasn's `BmpString::try_from(&str)` reads the UTF-8 octets as big-endian UCS-2 pairs,
/// which is not what text means: build it from the UTF-16 code units instead.) Characters outside the Basic
/// Multilingual Plane, and U+FFFE/U+FFFF, are refused.
pub fn bmp_string(s: &str) -> Result<BmpString, RasError> {
    if let Some(c) = s.chars().find(|&c| u32::from(c) >= 0xFFFE) {
        return Err(RasError::InvalidValue(format!(
            "{c:?} is not a BMPString character"
        )));
    }
    let octets: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
    BmpString::try_from(octets.as_slice()).map_err(|e| RasError::InvalidValue(e.to_string()))
}

impl RequestSeqNum {
    /// A sequence number; 0 is not one.
    pub fn new(n: u16) -> Result<Self, RasError> {
        if n == 0 {
            Err(RasError::InvalidValue("requestSeqNum 0".into()))
        } else {
            Ok(Self(n))
        }
    }
}

impl TimeToLive {
    /// A time to live in seconds; 0 is not one.
    pub fn new(seconds: u32) -> Result<Self, RasError> {
        if seconds == 0 {
            Err(RasError::InvalidValue("timeToLive 0".into()))
        } else {
            Ok(Self(seconds))
        }
    }
}

impl GatekeeperIdentifier {
    /// 1..=128 BMP characters.
    pub fn new(s: &str) -> Result<Self, RasError> {
        bmp(s, 128, "gatekeeperIdentifier").map(Self)
    }
}

impl EndpointIdentifier {
    /// 1..=128 BMP characters.
    pub fn new(s: &str) -> Result<Self, RasError> {
        bmp(s, 128, "endpointIdentifier").map(Self)
    }
}

fn bmp_to_string(s: &BmpString) -> String {
    char::decode_utf16(s.clone().into_vec())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

impl std::fmt::Display for GatekeeperIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&bmp_to_string(&self.0))
    }
}

impl std::fmt::Display for EndpointIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&bmp_to_string(&self.0))
    }
}

impl AliasAddress {
    /// An `h323-ID` alias (1..=256 BMP characters).
    pub fn h323_id(s: &str) -> Result<Self, RasError> {
        bmp(s, 256, "h323-ID").map(|b| Self::H323Id(H323Id(b)))
    }

    /// A `dialledDigits` alias (1..=128 of `0123456789#*,`).
    pub fn dialled_digits(s: &str) -> Result<Self, RasError> {
        if s.is_empty()
            || s.len() > 128
            || !s.bytes().all(|b| b.is_ascii_digit() || b"#*,".contains(&b))
        {
            return Err(RasError::InvalidValue(format!(
                "dialledDigits must be 1..=128 of 0-9#*, : {s:?}"
            )));
        }
        let ia5 = Ia5String::try_from(s).map_err(|e| RasError::InvalidValue(e.to_string()))?;
        Ok(Self::DialledDigits(DialledDigits(ia5)))
    }

    /// A `url-ID` alias (1..=512 IA5 characters).
    pub fn url_id(s: &str) -> Result<Self, RasError> {
        ia5_512(s, "url-ID").map(Self::UrlId)
    }

    /// An `email-ID` alias (1..=512 IA5 characters).
    pub fn email_id(s: &str) -> Result<Self, RasError> {
        ia5_512(s, "email-ID").map(Self::EmailId)
    }

    /// The alias as text: h323-ID, digits, URL or e-mail; `None` for the structured kinds.
    #[must_use]
    pub fn as_text(&self) -> Option<String> {
        match self {
            Self::H323Id(s) => Some(bmp_to_string(&s.0)),
            Self::DialledDigits(d) => Some(d.0.to_string()),
            Self::UrlId(s) | Self::EmailId(s) => Some(s.0.to_string()),
            _ => None,
        }
    }
}

fn ia5_512(s: &str, what: &str) -> Result<Ia5String512, RasError> {
    if s.is_empty() || s.len() > 512 {
        return Err(RasError::InvalidValue(format!(
            "{what} must be 1..=512 characters"
        )));
    }
    Ia5String::try_from(s)
        .map(Ia5String512)
        .map_err(|e| RasError::InvalidValue(format!("{what}: {e}")))
}

// ---------------------------------------------------------------------------------------------------------------
// Gatekeeper replies

/// GCF: "I am your gatekeeper" — our identifier, our RAS address and the alternates from the configuration.
#[must_use]
pub fn gatekeeper_confirm(
    seq: RequestSeqNum,
    gatekeeper_identifier: Option<GatekeeperIdentifier>,
    ras_address: TransportAddress,
    alternate_gatekeepers: Vec<AlternateGk>,
) -> RasMessage {
    RasMessage::GatekeeperConfirm(GatekeeperConfirm {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        gatekeeper_identifier,
        ras_address,
        alternate_gatekeeper: (!alternate_gatekeepers.is_empty()).then_some(alternate_gatekeepers),
        authentication_mode: None,
        tokens: None,
        crypto_tokens: None,
        algorithm_oid: None,
        integrity: None,
        integrity_check_value: None,
        feature_set: None,
        generic_data: None,
        assigned_gatekeeper: None,
        rehoming_model: None,
    })
}

/// GRJ with a reason.
#[must_use]
pub fn gatekeeper_reject(
    seq: RequestSeqNum,
    gatekeeper_identifier: Option<GatekeeperIdentifier>,
    reject_reason: GatekeeperRejectReason,
) -> RasMessage {
    RasMessage::GatekeeperReject(GatekeeperReject {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        gatekeeper_identifier,
        reject_reason,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        feature_set: None,
        generic_data: None,
    })
}

/// What an RCF says beyond its sequence number.
#[derive(Debug, Clone)]
pub struct RegistrationGrant {
    /// Where endpoints send call signalling to reach us (gatekeeper-routed) or the endpoint's own (direct).
    pub call_signal_address: Vec<TransportAddress>,
    /// The aliases the registration holds (echo of the RRQ's, or the ones we assigned).
    pub terminal_alias: Vec<AliasAddress>,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub endpoint_identifier: EndpointIdentifier,
    /// Seconds until the endpoint must send a keep-alive RRQ; `None`: registration does not expire.
    pub time_to_live: Option<TimeToLive>,
    pub alternate_gatekeepers: Vec<AlternateGk>,
    /// Whether we send IRQs during calls and expect IRRs.
    pub will_respond_to_irr: bool,
}

/// RCF, including timeToLive and alternateGatekeeper; the v2/v3 mandatory booleans are present (false).
#[must_use]
pub fn registration_confirm(seq: RequestSeqNum, grant: RegistrationGrant) -> RasMessage {
    RasMessage::RegistrationConfirm(RegistrationConfirm {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        call_signal_address: grant.call_signal_address,
        terminal_alias: (!grant.terminal_alias.is_empty()).then_some(grant.terminal_alias),
        gatekeeper_identifier: grant.gatekeeper_identifier,
        endpoint_identifier: grant.endpoint_identifier,
        alternate_gatekeeper: (!grant.alternate_gatekeepers.is_empty())
            .then_some(grant.alternate_gatekeepers),
        time_to_live: grant.time_to_live,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        will_respond_to_irr: Some(grant.will_respond_to_irr),
        pre_granted_arq: None,
        maintain_connection: Some(false),
        service_control: None,
        supports_additive_registration: None,
        terminal_alias_pattern: None,
        supported_prefixes: None,
        usage_spec: None,
        feature_server_alias: None,
        capacity_reporting_spec: None,
        feature_set: None,
        generic_data: None,
        assigned_gatekeeper: None,
        rehoming_model: None,
        transport_qos: None,
    })
}

/// RRJ with a reason.
#[must_use]
pub fn registration_reject(
    seq: RequestSeqNum,
    gatekeeper_identifier: Option<GatekeeperIdentifier>,
    reject_reason: RegistrationRejectReason,
) -> RasMessage {
    RasMessage::RegistrationReject(RegistrationReject {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        reject_reason,
        gatekeeper_identifier,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        feature_set: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// UCF.
#[must_use]
pub fn unregistration_confirm(seq: RequestSeqNum) -> RasMessage {
    RasMessage::UnregistrationConfirm(UnregistrationConfirm {
        request_seq_num: seq,
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// URJ with a reason.
#[must_use]
pub fn unregistration_reject(seq: RequestSeqNum, reject_reason: UnregRejectReason) -> RasMessage {
    RasMessage::UnregistrationReject(UnregistrationReject {
        request_seq_num: seq,
        reject_reason,
        non_standard_data: None,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        generic_data: None,
    })
}

/// ACF: the call may proceed to `dest_call_signal_address` using at most `band_width` (units of 100 bit/s).
/// `willRespondToIRR` and `uuiesRequested` (mandatory since v3) are present, false / nothing requested.
#[must_use]
pub fn admission_confirm(
    seq: RequestSeqNum,
    band_width: BandWidth,
    call_model: CallModel,
    dest_call_signal_address: TransportAddress,
    irr_frequency: Option<u16>,
) -> RasMessage {
    RasMessage::AdmissionConfirm(AdmissionConfirm {
        request_seq_num: seq,
        band_width,
        call_model,
        dest_call_signal_address,
        irr_frequency: irr_frequency.filter(|&f| f > 0),
        non_standard_data: None,
        destination_info: None,
        dest_extra_call_info: None,
        destination_type: None,
        remote_extension_address: None,
        alternate_endpoints: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        transport_qos: None,
        will_respond_to_irr: Some(false),
        uuies_requested: Some(UuiesRequested::none()),
        language: None,
        alternate_transport_addresses: None,
        use_specified_transport: None,
        circuit_info: None,
        usage_spec: None,
        supported_protocols: None,
        service_control: None,
        multiple_calls: None,
        feature_set: None,
        generic_data: None,
        modified_src_info: None,
        assigned_gatekeeper: None,
    })
}

/// ARJ with a reason.
#[must_use]
pub fn admission_reject(seq: RequestSeqNum, reject_reason: AdmissionRejectReason) -> RasMessage {
    RasMessage::AdmissionReject(AdmissionReject {
        request_seq_num: seq,
        reject_reason,
        non_standard_data: None,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        call_signal_address: None,
        integrity_check_value: None,
        service_control: None,
        feature_set: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// BCF granting `band_width`.
#[must_use]
pub fn bandwidth_confirm(seq: RequestSeqNum, band_width: BandWidth) -> RasMessage {
    RasMessage::BandwidthConfirm(BandwidthConfirm {
        request_seq_num: seq,
        band_width,
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        capacity: None,
        generic_data: None,
        transport_qos: None,
    })
}

/// BRJ with a reason and what is allowed.
#[must_use]
pub fn bandwidth_reject(
    seq: RequestSeqNum,
    reject_reason: BandRejectReason,
    allowed_band_width: BandWidth,
) -> RasMessage {
    RasMessage::BandwidthReject(BandwidthReject {
        request_seq_num: seq,
        reject_reason,
        allowed_band_width,
        non_standard_data: None,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        generic_data: None,
    })
}

/// DCF.
#[must_use]
pub fn disengage_confirm(seq: RequestSeqNum) -> RasMessage {
    RasMessage::DisengageConfirm(DisengageConfirm {
        request_seq_num: seq,
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        capacity: None,
        circuit_info: None,
        usage_information: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// DRJ with a reason.
#[must_use]
pub fn disengage_reject(seq: RequestSeqNum, reject_reason: DisengageRejectReason) -> RasMessage {
    RasMessage::DisengageReject(DisengageReject {
        request_seq_num: seq,
        reject_reason,
        non_standard_data: None,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        generic_data: None,
    })
}

/// LCF: the alias resolves to `call_signal_address` (and the endpoint's, or our, RAS address).
#[must_use]
pub fn location_confirm(
    seq: RequestSeqNum,
    call_signal_address: TransportAddress,
    ras_address: TransportAddress,
    destination_info: Vec<AliasAddress>,
) -> RasMessage {
    RasMessage::LocationConfirm(LocationConfirm {
        request_seq_num: seq,
        call_signal_address,
        ras_address,
        non_standard_data: None,
        destination_info: (!destination_info.is_empty()).then_some(destination_info),
        dest_extra_call_info: None,
        destination_type: None,
        remote_extension_address: None,
        alternate_endpoints: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        alternate_transport_addresses: None,
        supported_protocols: None,
        multiple_calls: None,
        feature_set: None,
        generic_data: None,
        circuit_info: None,
        service_control: None,
        modified_src_info: None,
        band_width: None,
    })
}

/// LRJ with a reason.
#[must_use]
pub fn location_reject(seq: RequestSeqNum, reject_reason: LocationRejectReason) -> RasMessage {
    RasMessage::LocationReject(LocationReject {
        request_seq_num: seq,
        reject_reason,
        non_standard_data: None,
        alt_gk_info: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        feature_set: None,
        generic_data: None,
        service_control: None,
    })
}

/// RIP: "still working on request `seq`; expect the answer within `delay_ms` milliseconds" (1..=65535; 0 becomes 1).
#[must_use]
pub fn request_in_progress(seq: RequestSeqNum, delay_ms: u16) -> RasMessage {
    RasMessage::RequestInProgress(RequestInProgress {
        request_seq_num: seq,
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        delay: delay_ms.max(1),
    })
}

/// XRS: the answer to a message we could not understand (`message` is the datagram, carried back).
#[must_use]
pub fn unknown_message_response(seq: RequestSeqNum, message: &[u8]) -> RasMessage {
    RasMessage::UnknownMessageResponse(UnknownMessageResponse {
        request_seq_num: seq,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        message_not_understood: Some(OctetString::from(message.to_vec())),
    })
}

/// IACK.
#[must_use]
pub fn info_request_ack(seq: RequestSeqNum) -> RasMessage {
    RasMessage::InfoRequestAck(InfoRequestAck {
        request_seq_num: seq,
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
    })
}

/// RAC.
#[must_use]
pub fn resources_available_confirm(seq: RequestSeqNum) -> RasMessage {
    RasMessage::ResourcesAvailableConfirm(ResourcesAvailableConfirm {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        generic_data: None,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Requests (as an endpoint, or a gatekeeper for URQ/DRQ/IRQ, sends them)

/// GRQ as a terminal sends it.
#[must_use]
pub fn gatekeeper_request(
    seq: RequestSeqNum,
    ras_address: TransportAddress,
    endpoint_alias: Vec<AliasAddress>,
) -> RasMessage {
    RasMessage::GatekeeperRequest(GatekeeperRequest {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        ras_address,
        endpoint_type: EndpointType::terminal(),
        gatekeeper_identifier: None,
        call_services: None,
        endpoint_alias: (!endpoint_alias.is_empty()).then_some(endpoint_alias),
        alternate_endpoints: None,
        tokens: None,
        crypto_tokens: None,
        authentication_capability: None,
        algorithm_oids: None,
        integrity: None,
        integrity_check_value: None,
        supports_alt_gk: Some(()),
        feature_set: None,
        generic_data: None,
        supports_assigned_gk: Some(false),
        assigned_gatekeeper: None,
    })
}

/// A full RRQ as a terminal sends it.
#[must_use]
pub fn registration_request(
    seq: RequestSeqNum,
    call_signal_address: TransportAddress,
    ras_address: TransportAddress,
    terminal_alias: Vec<AliasAddress>,
    endpoint_vendor: VendorIdentifier,
    time_to_live: Option<TimeToLive>,
) -> RasMessage {
    RasMessage::RegistrationRequest(RegistrationRequest {
        request_seq_num: seq,
        protocol_identifier: v7(),
        non_standard_data: None,
        discovery_complete: true,
        call_signal_address: vec![call_signal_address],
        ras_address: vec![ras_address],
        terminal_type: EndpointType::terminal(),
        terminal_alias: (!terminal_alias.is_empty()).then_some(terminal_alias),
        gatekeeper_identifier: None,
        endpoint_vendor,
        alternate_endpoints: None,
        time_to_live,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        keep_alive: Some(false),
        endpoint_identifier: None,
        will_supply_uuies: Some(false),
        maintain_connection: Some(false),
        alternate_transport_addresses: None,
        additive_registration: None,
        terminal_alias_pattern: None,
        supports_alt_gk: Some(()),
        usage_reporting_capability: None,
        multiple_calls: None,
        supported_h248_packages: None,
        call_credit_capability: None,
        capacity_reporting_capability: None,
        capacity: None,
        feature_set: None,
        generic_data: None,
        restart: None,
        supports_acf_sequences: None,
        supports_assigned_gk: Some(false),
        assigned_gatekeeper: None,
        transport_qos: None,
        language: None,
    })
}

/// The lightweight keep-alive RRQ (H.225.0 7.9.1): `keepAlive` TRUE, the endpoint and gatekeeper identifiers and
/// the time to live, no aliases.
#[must_use]
pub fn keep_alive_registration_request(
    seq: RequestSeqNum,
    call_signal_address: TransportAddress,
    ras_address: TransportAddress,
    endpoint_vendor: VendorIdentifier,
    endpoint_identifier: EndpointIdentifier,
    gatekeeper_identifier: Option<GatekeeperIdentifier>,
    time_to_live: Option<TimeToLive>,
) -> RasMessage {
    let RasMessage::RegistrationRequest(mut rrq) = registration_request(
        seq,
        call_signal_address,
        ras_address,
        Vec::new(),
        endpoint_vendor,
        time_to_live,
    ) else {
        unreachable!("registration_request builds an RRQ")
    };
    rrq.keep_alive = Some(true);
    rrq.endpoint_identifier = Some(endpoint_identifier);
    rrq.gatekeeper_identifier = gatekeeper_identifier;
    RasMessage::RegistrationRequest(rrq)
}

/// URQ.
#[must_use]
pub fn unregistration_request(
    seq: RequestSeqNum,
    call_signal_address: Vec<TransportAddress>,
    endpoint_identifier: Option<EndpointIdentifier>,
    reason: Option<UnregRequestReason>,
) -> RasMessage {
    RasMessage::UnregistrationRequest(UnregistrationRequest {
        request_seq_num: seq,
        call_signal_address,
        endpoint_alias: None,
        non_standard_data: None,
        endpoint_identifier,
        alternate_endpoints: None,
        gatekeeper_identifier: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        reason,
        endpoint_alias_pattern: None,
        supported_prefixes: None,
        alternate_gatekeeper: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// What an ARQ asks for.
#[derive(Debug, Clone)]
pub struct AdmissionAsk {
    pub endpoint_identifier: EndpointIdentifier,
    pub destination_info: Vec<AliasAddress>,
    pub src_info: Vec<AliasAddress>,
    pub band_width: BandWidth,
    pub call_reference_value: CallReferenceValue,
    pub conference_id: [u8; 16],
    pub call_identifier: [u8; 16],
    pub answer_call: bool,
}

/// ARQ (point-to-point) with the v2+ mandatory fields present.
#[must_use]
pub fn admission_request(seq: RequestSeqNum, ask: AdmissionAsk) -> RasMessage {
    RasMessage::AdmissionRequest(AdmissionRequest {
        request_seq_num: seq,
        call_type: CallType::PointToPoint,
        call_model: None,
        endpoint_identifier: ask.endpoint_identifier,
        destination_info: (!ask.destination_info.is_empty()).then_some(ask.destination_info),
        dest_call_signal_address: None,
        dest_extra_call_info: None,
        src_info: ask.src_info,
        src_call_signal_address: None,
        band_width: ask.band_width,
        call_reference_value: ask.call_reference_value,
        non_standard_data: None,
        call_services: None,
        conference_id: ask.conference_id.into(),
        active_mc: false,
        answer_call: ask.answer_call,
        can_map_alias: Some(true),
        call_identifier: Some(CallIdentifier::new(ask.call_identifier)),
        src_alternatives: None,
        dest_alternatives: None,
        gatekeeper_identifier: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        transport_qos: None,
        will_supply_uuies: Some(false),
        call_linkage: None,
        gateway_data_rate: None,
        capacity: None,
        circuit_info: None,
        desired_protocols: None,
        desired_tunnelled_protocol: None,
        feature_set: None,
        generic_data: None,
        can_map_src_alias: Some(false),
    })
}

/// BRQ.
#[must_use]
pub fn bandwidth_request(
    seq: RequestSeqNum,
    endpoint_identifier: EndpointIdentifier,
    conference_id: [u8; 16],
    call_reference_value: CallReferenceValue,
    call_identifier: [u8; 16],
    band_width: BandWidth,
) -> RasMessage {
    RasMessage::BandwidthRequest(BandwidthRequest {
        request_seq_num: seq,
        endpoint_identifier,
        conference_id: conference_id.into(),
        call_reference_value,
        call_type: None,
        band_width,
        non_standard_data: None,
        call_identifier: Some(CallIdentifier::new(call_identifier)),
        gatekeeper_identifier: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        answered_call: Some(false),
        call_linkage: None,
        capacity: None,
        usage_information: None,
        bandwidth_details: None,
        generic_data: None,
        transport_qos: None,
    })
}

/// DRQ (an endpoint's, or the gatekeeper's forced drop).
#[must_use]
pub fn disengage_request(
    seq: RequestSeqNum,
    endpoint_identifier: EndpointIdentifier,
    conference_id: [u8; 16],
    call_reference_value: CallReferenceValue,
    call_identifier: [u8; 16],
    disengage_reason: DisengageReason,
    answered_call: bool,
) -> RasMessage {
    RasMessage::DisengageRequest(DisengageRequest {
        request_seq_num: seq,
        endpoint_identifier,
        conference_id: conference_id.into(),
        call_reference_value,
        disengage_reason,
        non_standard_data: None,
        call_identifier: Some(CallIdentifier::new(call_identifier)),
        gatekeeper_identifier: None,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        answered_call: Some(answered_call),
        call_linkage: None,
        capacity: None,
        circuit_info: None,
        usage_information: None,
        termination_cause: None,
        service_control: None,
        generic_data: None,
    })
}

/// LRQ for `destination_info`, answer to `reply_address`.
#[must_use]
pub fn location_request(
    seq: RequestSeqNum,
    destination_info: Vec<AliasAddress>,
    reply_address: TransportAddress,
    gatekeeper_identifier: Option<GatekeeperIdentifier>,
) -> RasMessage {
    RasMessage::LocationRequest(LocationRequest {
        request_seq_num: seq,
        endpoint_identifier: None,
        destination_info,
        non_standard_data: None,
        reply_address,
        source_info: None,
        can_map_alias: Some(false),
        gatekeeper_identifier,
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        desired_protocols: None,
        desired_tunnelled_protocol: None,
        feature_set: None,
        generic_data: None,
        hop_count: None,
        circuit_info: None,
        call_identifier: None,
        band_width: None,
        source_endpoint_info: None,
        can_map_src_alias: Some(false),
        language: None,
    })
}

/// IRQ (call reference 0: about all calls).
#[must_use]
pub fn info_request(seq: RequestSeqNum, call_reference_value: CallReferenceValue) -> RasMessage {
    RasMessage::InfoRequest(InfoRequest {
        request_seq_num: seq,
        call_reference_value,
        non_standard_data: None,
        reply_address: None,
        call_identifier: Some(CallIdentifier::new([0; 16])),
        tokens: None,
        crypto_tokens: None,
        integrity_check_value: None,
        uuies_requested: None,
        call_linkage: None,
        usage_info_requested: None,
        segmented_response_supported: None,
        next_segment_requested: None,
        capacity_info_requested: None,
        generic_data: None,
        assigned_gatekeeper: None,
    })
}

/// A `ClearToken` carrying only a time stamp (e.g. for tests of token-bearing messages).
#[must_use]
pub fn clear_token_with_time(token_oid: &[u32], seconds: u32) -> ClearToken {
    let mut t = ClearToken::new(ObjectIdentifier::new_unchecked(token_oid.to_vec().into()));
    t.time_stamp = Some(crate::h235::TimeStamp(seconds.max(1)));
    t
}
