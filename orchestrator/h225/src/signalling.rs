//! The call-signalling half of H323-MESSAGES (H.225.0 v7): `H323-UserInformation`, the user-user information
//! element of Q.931 messages, and every UUIE it carries. RAS needs it for the `pdu` of an IRR's per-call
//! information; the Q.931 side (Setup/Connect with Fast Start) will use it directly via [`crate::decode_value`].
//!
//! Same rules as the RAS types: every root component, extension addition and CHOICE alternative in order;
//! later-mandatory extension additions are `Option`; constrained named types repeat their constraints as extension
//! additions. H.245 messages travel as encoded octets here (`fastStart`, `h245Control`, `parallelH245Control`).

use rasn::prelude::*;

use crate::common::*;
use crate::h235::{ClearToken, CryptoH323Token};

/// `H323-UserInformation`: the root of every H.225.0 call-signalling message.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct H323UserInformation {
    pub h323_uu_pdu: H323UuPdu,
    pub user_data: Option<UserData>,
}

impl H323UserInformation {
    /// The user-user information of a Q.931 message carrying `pdu`.
    #[must_use]
    pub fn new(pdu: H323UuPdu) -> Self {
        Self {
            h323_uu_pdu: pdu,
            user_data: None,
        }
    }
}

/// `user-data` in `H323-UserInformation`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UserData {
    pub protocol_discriminator: u8,
    #[rasn(size("1..=131"))]
    pub user_information: OctetString,
}

impl UserData {
    /// User data with a Q.931 protocol discriminator; `user_information` must be 1..=131 octets to encode.
    #[must_use]
    pub fn new(protocol_discriminator: u8, user_information: &[u8]) -> Self {
        Self {
            protocol_discriminator,
            user_information: OctetString::from(user_information.to_vec()),
        }
    }
}

/// `h323-message-body` in `H323-UU-PDU`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum H323MessageBody {
    Setup(Box<SetupUuie>),
    CallProceeding(CallProceedingUuie),
    Connect(ConnectUuie),
    Alerting(AlertingUuie),
    Information(InformationUuie),
    ReleaseComplete(ReleaseCompleteUuie),
    Facility(FacilityUuie),
    #[rasn(extension_addition)]
    Progress(ProgressUuie),
    /// A Facility message that does not invoke the Facility-UUIE.
    #[rasn(extension_addition)]
    Empty,
    #[rasn(extension_addition)]
    Status(StatusUuie),
    #[rasn(extension_addition)]
    StatusInquiry(StatusUuie),
    #[rasn(extension_addition)]
    SetupAcknowledge(StatusUuie),
    #[rasn(extension_addition)]
    Notify(NotifyUuie),
}

/// `tunnelledSignallingMessage` in `H323-UU-PDU`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TunnelledSignallingMessage {
    pub tunnelled_protocol_id: TunnelledProtocol,
    pub message_content: SequenceOf<OctetString>,
    pub tunnelling_required: Option<()>,
    pub non_standard_data: Option<NonStandardParameter>,
}

/// `H323-UU-PDU`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct H323UuPdu {
    pub h323_message_body: H323MessageBody,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub h4501_supplementary_service: Option<SequenceOf<OctetString>>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub h245_tunnelling: Option<bool>,
    #[rasn(extension_addition)]
    pub h245_control: Option<SequenceOf<OctetString>>,
    #[rasn(extension_addition)]
    pub non_standard_control: Option<SequenceOf<NonStandardParameter>>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub tunnelled_signalling_message: Option<TunnelledSignallingMessage>,
    #[rasn(extension_addition)]
    pub provisional_resp_to_h245_tunnelling: Option<()>,
    #[rasn(extension_addition)]
    pub stimulus_control: Option<StimulusControl>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

impl H323UuPdu {
    /// A PDU carrying `body`, with h245Tunnelling present (false).
    #[must_use]
    pub fn new(body: H323MessageBody) -> Self {
        Self {
            h323_message_body: body,
            non_standard_data: None,
            h4501_supplementary_service: None,
            h245_tunnelling: Some(false),
            h245_control: None,
            non_standard_control: None,
            call_linkage: None,
            tunnelled_signalling_message: None,
            provisional_resp_to_h245_tunnelling: None,
            stimulus_control: None,
            generic_data: None,
        }
    }
}

/// `StimulusControl`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct StimulusControl {
    pub non_standard: Option<NonStandardParameter>,
    pub is_text: Option<()>,
    pub h248_message: Option<OctetString>,
}

/// `Alerting-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AlertingUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub destination_info: EndpointType,
    pub h245_address: Option<TransportAddress>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub h245_security_mode: Option<H245Security>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub alerting_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub presentation_indicator: Option<PresentationIndicator>,
    #[rasn(extension_addition)]
    pub screening_indicator: Option<ScreeningIndicator>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub display_name: Option<SequenceOf<DisplayName>>,
}

/// `CallProceeding-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallProceedingUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub destination_info: EndpointType,
    pub h245_address: Option<TransportAddress>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub h245_security_mode: Option<H245Security>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
}

/// `Connect-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConnectUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub h245_address: Option<TransportAddress>,
    pub destination_info: EndpointType,
    pub conference_id: ConferenceIdentifier,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub h245_security_mode: Option<H245Security>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub language: Option<SequenceOf<LanguageTag>>,
    #[rasn(extension_addition)]
    pub connected_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub presentation_indicator: Option<PresentationIndicator>,
    #[rasn(extension_addition)]
    pub screening_indicator: Option<ScreeningIndicator>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub display_name: Option<SequenceOf<DisplayName>>,
}

/// `Information-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InformationUuie {
    pub protocol_identifier: ProtocolIdentifier,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
}

/// `ReleaseComplete-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ReleaseCompleteUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub reason: Option<ReleaseCompleteReason>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub busy_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub presentation_indicator: Option<PresentationIndicator>,
    #[rasn(extension_addition)]
    pub screening_indicator: Option<ScreeningIndicator>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub destination_info: Option<EndpointType>,
    #[rasn(extension_addition)]
    pub display_name: Option<SequenceOf<DisplayName>>,
}

/// `conferenceGoal` in `Setup-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ConferenceGoal {
    Create,
    Join,
    Invite,
    #[rasn(extension_addition)]
    CapabilityNegotiation,
    #[rasn(extension_addition)]
    CallIndependentSupplementaryService,
}

/// `connectionParameters` in `Setup-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConnectionParameters {
    pub connection_type: ScnConnectionType,
    pub number_of_scn_connections: u16,
    pub connection_aggregation: ScnConnectionAggregation,
}

/// `Setup-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SetupUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub h245_address: Option<TransportAddress>,
    pub source_address: Option<SequenceOf<AliasAddress>>,
    pub source_info: EndpointType,
    pub destination_address: Option<SequenceOf<AliasAddress>>,
    pub dest_call_signal_address: Option<TransportAddress>,
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    pub dest_extra_crv: Option<SequenceOf<CallReferenceValue>>,
    pub active_mc: bool,
    pub conference_id: ConferenceIdentifier,
    pub conference_goal: ConferenceGoal,
    pub call_services: Option<QseriesOptions>,
    pub call_type: CallType,
    #[rasn(extension_addition)]
    pub source_call_signal_address: Option<TransportAddress>,
    #[rasn(extension_addition)]
    pub remote_extension_address: Option<AliasAddress>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub h245_security_capability: Option<SequenceOf<H245Security>>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub media_wait_for_connect: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub can_overlap_send: Option<bool>,
    #[rasn(extension_addition, size("1..=128"))]
    pub endpoint_identifier: Option<EndpointIdentifier>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub connection_parameters: Option<ConnectionParameters>,
    #[rasn(extension_addition)]
    pub language: Option<SequenceOf<LanguageTag>>,
    #[rasn(extension_addition)]
    pub presentation_indicator: Option<PresentationIndicator>,
    #[rasn(extension_addition)]
    pub screening_indicator: Option<ScreeningIndicator>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub symmetric_operation_required: Option<()>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub desired_protocols: Option<SequenceOf<SupportedProtocols>>,
    #[rasn(extension_addition)]
    pub needed_features: Option<SequenceOf<FeatureDescriptor>>,
    #[rasn(extension_addition)]
    pub desired_features: Option<SequenceOf<FeatureDescriptor>>,
    #[rasn(extension_addition)]
    pub supported_features: Option<SequenceOf<FeatureDescriptor>>,
    #[rasn(extension_addition)]
    pub parallel_h245_control: Option<SequenceOf<OctetString>>,
    #[rasn(extension_addition)]
    pub additional_source_addresses: Option<SequenceOf<ExtendedAliasAddress>>,
    #[rasn(extension_addition, value("1..=31"))]
    pub hop_count: Option<u8>,
    #[rasn(extension_addition)]
    pub display_name: Option<SequenceOf<DisplayName>>,
}

/// `ScnConnectionType`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ScnConnectionType {
    Unknown,
    BChannel,
    Hybrid2x64,
    Hybrid384,
    Hybrid1536,
    Hybrid1920,
    Multirate,
}

/// `ScnConnectionAggregation`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ScnConnectionAggregation {
    Auto,
    None,
    H221,
    BondedMode1,
    BondedMode2,
    BondedMode3,
}

/// `PresentationIndicator`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PresentationIndicator {
    PresentationAllowed,
    PresentationRestricted,
    AddressNotAvailable,
}

/// `ScreeningIndicator` (ENUMERATED, extensible).
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum ScreeningIndicator {
    UserProvidedNotScreened = 0,
    UserProvidedVerifiedAndPassed = 1,
    UserProvidedVerifiedAndFailed = 2,
    NetworkProvided = 3,
}

/// `Facility-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct FacilityUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub alternative_address: Option<TransportAddress>,
    pub alternative_alias_address: Option<SequenceOf<AliasAddress>>,
    pub conference_id: Option<ConferenceIdentifier>,
    pub reason: FacilityReason,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub remote_extension_address: Option<AliasAddress>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub conferences: Option<SequenceOf<ConferenceList>>,
    #[rasn(extension_addition)]
    pub h245_address: Option<TransportAddress>,
    #[rasn(extension_addition)]
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub destination_info: Option<EndpointType>,
    #[rasn(extension_addition)]
    pub h245_security_mode: Option<H245Security>,
}

/// `ConferenceList`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ConferenceList {
    pub conference_id: Option<ConferenceIdentifier>,
    pub conference_alias: Option<AliasAddress>,
    pub non_standard_data: Option<NonStandardParameter>,
}

/// `FacilityReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum FacilityReason {
    RouteCallToGatekeeper,
    CallForwarded,
    RouteCallToMc,
    UndefinedReason,
    #[rasn(extension_addition)]
    ConferenceListChoice,
    #[rasn(extension_addition)]
    StartH245,
    #[rasn(extension_addition)]
    NoH245,
    #[rasn(extension_addition)]
    NewTokens,
    #[rasn(extension_addition)]
    FeatureSetUpdate,
    #[rasn(extension_addition)]
    ForwardedElements,
    #[rasn(extension_addition)]
    TransportedInformation,
}

/// `Progress-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ProgressUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub destination_info: EndpointType,
    pub h245_address: Option<TransportAddress>,
    pub call_identifier: CallIdentifier,
    pub h245_security_mode: Option<H245Security>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub fast_start: Option<SequenceOf<OctetString>>,
    /// Mandatory since v4 (pitfall 2).
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    /// Mandatory since v4 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub fast_connect_refused: Option<()>,
}

/// `Status-UUIE`; `StatusInquiry-UUIE` and `SetupAcknowledge-UUIE` have the same components.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct StatusUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub call_identifier: CallIdentifier,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
}

/// `Notify-UUIE`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NotifyUuie {
    pub protocol_identifier: ProtocolIdentifier,
    pub call_identifier: CallIdentifier,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub connected_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub presentation_indicator: Option<PresentationIndicator>,
    #[rasn(extension_addition)]
    pub screening_indicator: Option<ScreeningIndicator>,
    #[rasn(extension_addition)]
    pub destination_info: Option<EndpointType>,
    #[rasn(extension_addition)]
    pub display_name: Option<SequenceOf<DisplayName>>,
}

/// `SecurityCapabilities` (the misspelt `authenticaton` is the Recommendation's).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SecurityCapabilities {
    pub non_standard: Option<NonStandardParameter>,
    pub encryption: SecurityServiceMode,
    pub authenticaton: SecurityServiceMode,
    pub integrity: SecurityServiceMode,
}

/// `H245Security`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum H245Security {
    NonStandard(NonStandardParameter),
    NoSecurity,
    Tls(SecurityCapabilities),
    Ipsec(SecurityCapabilities),
}

/// `DisplayName` (not extensible).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DisplayName {
    pub language: Option<Ia5String>,
    #[rasn(size("1..=80"))]
    pub name: BmpString,
}

/// `ExtendedAliasAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ExtendedAliasAddress {
    pub address: AliasAddress,
    pub presentation_indicator: Option<PresentationIndicator>,
    pub screening_indicator: Option<ScreeningIndicator>,
}

/// Builders for the call-signalling messages a terminal or Council sends: each gives the `H323-UserInformation`
/// to put (encoded with [`crate::encode_value`]) into a Q.931 message's user-user element. The fields later
/// versions made mandatory are present with neutral values, so version 7 peers read complete messages; `fastStart`
/// carries encoded H.245 `OpenLogicalChannel`s (`council-h245` makes them).
pub mod build {
    use super::*;
    use crate::builders::protocol_identifier;

    /// H.225.0 version 7.
    const VERSION: u32 = 7;

    fn call_identifier(id: [u8; 16]) -> Option<CallIdentifier> {
        Some(CallIdentifier { guid: id.into() })
    }

    fn fast(elements: Vec<Vec<u8>>) -> Option<SequenceOf<OctetString>> {
        (!elements.is_empty()).then(|| elements.into_iter().map(OctetString::from).collect())
    }

    fn message(body: H323MessageBody) -> H323UserInformation {
        H323UserInformation::new(H323UuPdu::new(body))
    }

    /// Setup: a call from `source` to `destination` (aliases), with a Fast Start offer.
    #[must_use]
    pub fn setup(
        call_id: [u8; 16],
        conference_id: [u8; 16],
        source: Vec<AliasAddress>,
        destination: Vec<AliasAddress>,
        source_call_signal_address: Option<TransportAddress>,
        fast_start: Vec<Vec<u8>>,
    ) -> H323UserInformation {
        message(H323MessageBody::Setup(Box::new(SetupUuie {
            protocol_identifier: protocol_identifier(VERSION),
            h245_address: None,
            source_address: (!source.is_empty()).then_some(source),
            source_info: EndpointType::terminal(),
            destination_address: (!destination.is_empty()).then_some(destination),
            dest_call_signal_address: None,
            dest_extra_call_info: None,
            dest_extra_crv: None,
            active_mc: false,
            conference_id: conference_id.into(),
            conference_goal: ConferenceGoal::Create,
            call_services: None,
            call_type: CallType::PointToPoint,
            source_call_signal_address,
            remote_extension_address: None,
            call_identifier: call_identifier(call_id),
            h245_security_capability: None,
            tokens: None,
            crypto_tokens: None,
            fast_start: fast(fast_start),
            media_wait_for_connect: Some(false),
            can_overlap_send: Some(false),
            endpoint_identifier: None,
            multiple_calls: Some(false),
            maintain_connection: Some(false),
            connection_parameters: None,
            language: None,
            presentation_indicator: None,
            screening_indicator: None,
            service_control: None,
            symmetric_operation_required: None,
            capacity: None,
            circuit_info: None,
            desired_protocols: None,
            needed_features: None,
            desired_features: None,
            supported_features: None,
            parallel_h245_control: None,
            additional_source_addresses: None,
            hop_count: None,
            display_name: None,
        })))
    }

    /// CallProceeding.
    #[must_use]
    pub fn call_proceeding(call_id: [u8; 16]) -> H323UserInformation {
        message(H323MessageBody::CallProceeding(CallProceedingUuie {
            protocol_identifier: protocol_identifier(VERSION),
            destination_info: EndpointType::terminal(),
            h245_address: None,
            call_identifier: call_identifier(call_id),
            h245_security_mode: None,
            tokens: None,
            crypto_tokens: None,
            fast_start: None,
            multiple_calls: Some(false),
            maintain_connection: Some(false),
            fast_connect_refused: None,
            feature_set: None,
        }))
    }

    /// Alerting.
    #[must_use]
    pub fn alerting(call_id: [u8; 16]) -> H323UserInformation {
        message(H323MessageBody::Alerting(AlertingUuie {
            protocol_identifier: protocol_identifier(VERSION),
            destination_info: EndpointType::terminal(),
            h245_address: None,
            call_identifier: call_identifier(call_id),
            h245_security_mode: None,
            tokens: None,
            crypto_tokens: None,
            fast_start: None,
            multiple_calls: Some(false),
            maintain_connection: Some(false),
            alerting_address: None,
            presentation_indicator: None,
            screening_indicator: None,
            fast_connect_refused: None,
            service_control: None,
            capacity: None,
            feature_set: None,
            display_name: None,
        }))
    }

    /// Connect, with the Fast Start answer (the accepted channels).
    #[must_use]
    pub fn connect(
        call_id: [u8; 16],
        conference_id: [u8; 16],
        fast_start: Vec<Vec<u8>>,
    ) -> H323UserInformation {
        message(H323MessageBody::Connect(ConnectUuie {
            protocol_identifier: protocol_identifier(VERSION),
            h245_address: None,
            destination_info: EndpointType::terminal(),
            conference_id: conference_id.into(),
            call_identifier: call_identifier(call_id),
            h245_security_mode: None,
            tokens: None,
            crypto_tokens: None,
            fast_start: fast(fast_start),
            multiple_calls: Some(false),
            maintain_connection: Some(false),
            language: None,
            connected_address: None,
            presentation_indicator: None,
            screening_indicator: None,
            fast_connect_refused: None,
            service_control: None,
            capacity: None,
            feature_set: None,
            display_name: None,
        }))
    }

    /// ReleaseComplete, with a reason if there is one.
    #[must_use]
    pub fn release_complete(
        call_id: [u8; 16],
        reason: Option<ReleaseCompleteReason>,
    ) -> H323UserInformation {
        message(H323MessageBody::ReleaseComplete(ReleaseCompleteUuie {
            protocol_identifier: protocol_identifier(VERSION),
            reason,
            call_identifier: call_identifier(call_id),
            tokens: None,
            crypto_tokens: None,
            busy_address: None,
            presentation_indicator: None,
            screening_indicator: None,
            capacity: None,
            service_control: None,
            feature_set: None,
            destination_info: None,
            display_name: None,
        }))
    }

    /// The Fast Start elements of a received message (Setup, CallProceeding, Alerting, Connect), if any.
    #[must_use]
    pub fn fast_start_of(info: &H323UserInformation) -> Vec<Vec<u8>> {
        let fs = match &info.h323_uu_pdu.h323_message_body {
            H323MessageBody::Setup(m) => m.fast_start.as_ref(),
            H323MessageBody::CallProceeding(m) => m.fast_start.as_ref(),
            H323MessageBody::Alerting(m) => m.fast_start.as_ref(),
            H323MessageBody::Connect(m) => m.fast_start.as_ref(),
            _ => None,
        };
        fs.map(|v| v.iter().map(|o| o.to_vec()).collect())
            .unwrap_or_default()
    }

    /// `info` with H.245 tunnelling on and `h245` (encoded H.245 messages) in its `h245Control`.
    #[must_use]
    pub fn tunnel(mut info: H323UserInformation, h245: Vec<Vec<u8>>) -> H323UserInformation {
        info.h323_uu_pdu.h245_tunnelling = Some(true);
        if !h245.is_empty() {
            info.h323_uu_pdu.h245_control = Some(h245.into_iter().map(OctetString::from).collect());
        }
        info
    }

    /// Whether the sender tunnels H.245, and the messages it tunnelled here.
    #[must_use]
    pub fn tunnelled(info: &H323UserInformation) -> (bool, Vec<Vec<u8>>) {
        let pdu = &info.h323_uu_pdu;
        (
            pdu.h245_tunnelling == Some(true),
            pdu.h245_control
                .as_ref()
                .map(|v| v.iter().map(|o| o.to_vec()).collect())
                .unwrap_or_default(),
        )
    }

    /// A Facility message that only carries tunnelled H.245 (its body is `empty`, H.225.0 §7.4.2).
    #[must_use]
    pub fn facility_h245(h245: Vec<Vec<u8>>) -> H323UserInformation {
        tunnel(message(H323MessageBody::Empty), h245)
    }
}
