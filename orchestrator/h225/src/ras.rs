//! The RAS messages of H323-MESSAGES (H.225.0 v7, 12/2009): `RasMessage` and every message it carries.
//!
//! Every root component and extension addition is declared, in order. Extension additions that later versions made
//! mandatory are `Option` (pitfall 2); constrained named types used as extension additions repeat their constraints
//! on the field (pitfall 1). The `pdu` of an IRR's per-call information (a whole H.225.0 call-signalling PDU) is the
//! one RAS field kept as raw bits ([`RawOpenType`]) rather than typed.

use rasn::prelude::*;

use crate::common::*;
use crate::h235::{AuthenticationMechanism, ClearToken, CryptoH323Token};
use crate::raw::RawOpenType;

/// `RasMessage`: the PDU of every RAS datagram. Choice indices: GRQ 0 … LRJ 20, IRQ 21, IRR 22, nonStandardMessage
/// 23, XRS 24; extension alternatives RIP 0, RAI 1, RAC 2, IACK 3, INAK 4, SCI 5, SCR 6, ACF sequence 7.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum RasMessage {
    GatekeeperRequest(GatekeeperRequest),
    GatekeeperConfirm(GatekeeperConfirm),
    GatekeeperReject(GatekeeperReject),
    RegistrationRequest(RegistrationRequest),
    RegistrationConfirm(RegistrationConfirm),
    RegistrationReject(RegistrationReject),
    UnregistrationRequest(UnregistrationRequest),
    UnregistrationConfirm(UnregistrationConfirm),
    UnregistrationReject(UnregistrationReject),
    AdmissionRequest(AdmissionRequest),
    AdmissionConfirm(AdmissionConfirm),
    AdmissionReject(AdmissionReject),
    BandwidthRequest(BandwidthRequest),
    BandwidthConfirm(BandwidthConfirm),
    BandwidthReject(BandwidthReject),
    DisengageRequest(DisengageRequest),
    DisengageConfirm(DisengageConfirm),
    DisengageReject(DisengageReject),
    LocationRequest(LocationRequest),
    LocationConfirm(LocationConfirm),
    LocationReject(LocationReject),
    InfoRequest(InfoRequest),
    InfoRequestResponse(InfoRequestResponse),
    NonStandardMessage(NonStandardMessage),
    UnknownMessageResponse(UnknownMessageResponse),
    #[rasn(extension_addition)]
    RequestInProgress(RequestInProgress),
    #[rasn(extension_addition)]
    ResourcesAvailableIndicate(ResourcesAvailableIndicate),
    #[rasn(extension_addition)]
    ResourcesAvailableConfirm(ResourcesAvailableConfirm),
    #[rasn(extension_addition)]
    InfoRequestAck(InfoRequestAck),
    #[rasn(extension_addition)]
    InfoRequestNak(InfoRequestNak),
    #[rasn(extension_addition)]
    ServiceControlIndication(ServiceControlIndication),
    #[rasn(extension_addition)]
    ServiceControlResponse(ServiceControlResponse),
    #[rasn(extension_addition)]
    AdmissionConfirmSequence(SequenceOf<AdmissionConfirm>),
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

/// GRQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GatekeeperRequest {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub ras_address: TransportAddress,
    pub endpoint_type: EndpointType,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub call_services: Option<QseriesOptions>,
    pub endpoint_alias: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub alternate_endpoints: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub authentication_capability: Option<SequenceOf<AuthenticationMechanism>>,
    #[rasn(extension_addition)]
    pub algorithm_oids: Option<SequenceOf<ObjectIdentifier>>,
    #[rasn(extension_addition)]
    pub integrity: Option<SequenceOf<IntegrityMechanism>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub supports_alt_gk: Option<()>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    /// Mandatory since v6; `Option` so older endpoints decode (pitfall 2).
    #[rasn(extension_addition)]
    pub supports_assigned_gk: Option<bool>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// GCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GatekeeperConfirm {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub ras_address: TransportAddress,
    #[rasn(extension_addition)]
    pub alternate_gatekeeper: Option<SequenceOf<AlternateGk>>,
    #[rasn(extension_addition)]
    pub authentication_mode: Option<AuthenticationMechanism>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub algorithm_oid: Option<ObjectIdentifier>,
    #[rasn(extension_addition)]
    pub integrity: Option<SequenceOf<IntegrityMechanism>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
    #[rasn(extension_addition)]
    pub rehoming_model: Option<RehomingModel>,
}

/// GRJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GatekeeperReject {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub reject_reason: GatekeeperRejectReason,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `GatekeeperRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum GatekeeperRejectReason {
    ResourceUnavailable,
    TerminalExcluded,
    InvalidRevision,
    UndefinedReason,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    GenericDataReason,
    #[rasn(extension_addition)]
    NeededFeatureNotSupported,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors),
}

// ---------------------------------------------------------------------------------------------------------------
// Registration

/// RRQ (also the lightweight keep-alive RRQ: `keep_alive = Some(true)` with `endpoint_identifier` set).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RegistrationRequest {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub discovery_complete: bool,
    pub call_signal_address: SequenceOf<TransportAddress>,
    pub ras_address: SequenceOf<TransportAddress>,
    pub terminal_type: EndpointType,
    pub terminal_alias: Option<SequenceOf<AliasAddress>>,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub endpoint_vendor: VendorIdentifier,
    #[rasn(extension_addition)]
    pub alternate_endpoints: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition, value("1..=4294967295"))]
    pub time_to_live: Option<TimeToLive>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub keep_alive: Option<bool>,
    #[rasn(extension_addition, size("1..=128"))]
    pub endpoint_identifier: Option<EndpointIdentifier>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub will_supply_uuies: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub alternate_transport_addresses: Option<AlternateTransportAddresses>,
    #[rasn(extension_addition)]
    pub additive_registration: Option<()>,
    #[rasn(extension_addition)]
    pub terminal_alias_pattern: Option<SequenceOf<AddressPattern>>,
    #[rasn(extension_addition)]
    pub supports_alt_gk: Option<()>,
    #[rasn(extension_addition)]
    pub usage_reporting_capability: Option<RasUsageInfoTypes>,
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    #[rasn(extension_addition)]
    pub supported_h248_packages: Option<SequenceOf<H248PackagesDescriptor>>,
    #[rasn(extension_addition)]
    pub call_credit_capability: Option<CallCreditCapability>,
    #[rasn(extension_addition)]
    pub capacity_reporting_capability: Option<CapacityReportingCapability>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub restart: Option<()>,
    #[rasn(extension_addition)]
    pub supports_acf_sequences: Option<()>,
    /// Mandatory since v6 (pitfall 2).
    #[rasn(extension_addition)]
    pub supports_assigned_gk: Option<bool>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
    #[rasn(extension_addition)]
    pub language: Option<SequenceOf<LanguageTag>>,
}

/// `preGrantedARQ` in RCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PreGrantedArq {
    pub make_call: bool,
    pub use_gk_call_signal_address_to_make_call: bool,
    pub answer_call: bool,
    pub use_gk_call_signal_address_to_answer: bool,
    #[rasn(extension_addition, value("1..=65535"))]
    pub irr_frequency_in_call: Option<u16>,
    #[rasn(extension_addition, value("0..=4294967295"))]
    pub total_bandwidth_restriction: Option<BandWidth>,
    #[rasn(extension_addition)]
    pub alternate_transport_addresses: Option<AlternateTransportAddresses>,
    #[rasn(extension_addition)]
    pub use_specified_transport: Option<UseSpecifiedTransport>,
}

/// RCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RegistrationConfirm {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub call_signal_address: SequenceOf<TransportAddress>,
    pub terminal_alias: Option<SequenceOf<AliasAddress>>,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub endpoint_identifier: EndpointIdentifier,
    #[rasn(extension_addition)]
    pub alternate_gatekeeper: Option<SequenceOf<AlternateGk>>,
    #[rasn(extension_addition, value("1..=4294967295"))]
    pub time_to_live: Option<TimeToLive>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub will_respond_to_irr: Option<bool>,
    #[rasn(extension_addition)]
    pub pre_granted_arq: Option<PreGrantedArq>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub maintain_connection: Option<bool>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub supports_additive_registration: Option<()>,
    #[rasn(extension_addition)]
    pub terminal_alias_pattern: Option<SequenceOf<AddressPattern>>,
    #[rasn(extension_addition)]
    pub supported_prefixes: Option<SequenceOf<SupportedPrefix>>,
    #[rasn(extension_addition)]
    pub usage_spec: Option<SequenceOf<RasUsageSpecification>>,
    #[rasn(extension_addition)]
    pub feature_server_alias: Option<AliasAddress>,
    #[rasn(extension_addition)]
    pub capacity_reporting_spec: Option<CapacityReportingSpecification>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
    #[rasn(extension_addition)]
    pub rehoming_model: Option<RehomingModel>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
}

/// RRJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RegistrationReject {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub reject_reason: RegistrationRejectReason,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// `invalidTerminalAliases` in `RegistrationRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InvalidTerminalAliases {
    pub terminal_alias: Option<SequenceOf<AliasAddress>>,
    pub terminal_alias_pattern: Option<SequenceOf<AddressPattern>>,
    pub supported_prefixes: Option<SequenceOf<SupportedPrefix>>,
}

/// `RegistrationRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum RegistrationRejectReason {
    DiscoveryRequired,
    InvalidRevision,
    InvalidCallSignalAddress,
    InvalidRasAddress,
    DuplicateAlias(SequenceOf<AliasAddress>),
    InvalidTerminalType,
    UndefinedReason,
    TransportNotSupported,
    #[rasn(extension_addition)]
    TransportQosNotSupported,
    #[rasn(extension_addition)]
    ResourceUnavailable,
    #[rasn(extension_addition)]
    InvalidAlias,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    FullRegistrationRequired,
    #[rasn(extension_addition)]
    AdditiveRegistrationNotSupported,
    #[rasn(extension_addition)]
    InvalidTerminalAliases(InvalidTerminalAliases),
    #[rasn(extension_addition)]
    GenericDataReason,
    #[rasn(extension_addition)]
    NeededFeatureNotSupported,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors),
    #[rasn(extension_addition)]
    RegisterWithAssignedGk,
}

/// URQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UnregistrationRequest {
    pub request_seq_num: RequestSeqNum,
    pub call_signal_address: SequenceOf<TransportAddress>,
    pub endpoint_alias: Option<SequenceOf<AliasAddress>>,
    pub non_standard_data: Option<NonStandardParameter>,
    pub endpoint_identifier: Option<EndpointIdentifier>,
    #[rasn(extension_addition)]
    pub alternate_endpoints: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition, size("1..=128"))]
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub reason: Option<UnregRequestReason>,
    #[rasn(extension_addition)]
    pub endpoint_alias_pattern: Option<SequenceOf<AddressPattern>>,
    #[rasn(extension_addition)]
    pub supported_prefixes: Option<SequenceOf<SupportedPrefix>>,
    #[rasn(extension_addition)]
    pub alternate_gatekeeper: Option<SequenceOf<AlternateGk>>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// `UnregRequestReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum UnregRequestReason {
    ReregistrationRequired,
    TtlExpired,
    SecurityDenial,
    UndefinedReason,
    #[rasn(extension_addition)]
    Maintenance,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
    #[rasn(extension_addition)]
    RegisterWithAssignedGk,
}

/// UCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UnregistrationConfirm {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// URJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UnregistrationReject {
    pub request_seq_num: RequestSeqNum,
    pub reject_reason: UnregRejectReason,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `UnregRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum UnregRejectReason {
    NotCurrentlyRegistered,
    CallInProgress,
    UndefinedReason,
    #[rasn(extension_addition)]
    PermissionDenied,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
}

// ---------------------------------------------------------------------------------------------------------------
// Admission

/// ARQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AdmissionRequest {
    pub request_seq_num: RequestSeqNum,
    pub call_type: CallType,
    pub call_model: Option<CallModel>,
    pub endpoint_identifier: EndpointIdentifier,
    pub destination_info: Option<SequenceOf<AliasAddress>>,
    pub dest_call_signal_address: Option<TransportAddress>,
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    pub src_info: SequenceOf<AliasAddress>,
    pub src_call_signal_address: Option<TransportAddress>,
    pub band_width: BandWidth,
    pub call_reference_value: CallReferenceValue,
    pub non_standard_data: Option<NonStandardParameter>,
    pub call_services: Option<QseriesOptions>,
    pub conference_id: ConferenceIdentifier,
    pub active_mc: bool,
    pub answer_call: bool,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub can_map_alias: Option<bool>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub src_alternatives: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition)]
    pub dest_alternatives: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition, size("1..=128"))]
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub will_supply_uuies: Option<bool>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub gateway_data_rate: Option<DataRate>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub desired_protocols: Option<SequenceOf<SupportedProtocols>>,
    #[rasn(extension_addition)]
    pub desired_tunnelled_protocol: Option<TunnelledProtocol>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    /// Mandatory since v5 (pitfall 2).
    #[rasn(extension_addition)]
    pub can_map_src_alias: Option<bool>,
}

/// ACF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AdmissionConfirm {
    pub request_seq_num: RequestSeqNum,
    pub band_width: BandWidth,
    pub call_model: CallModel,
    pub dest_call_signal_address: TransportAddress,
    #[rasn(value("1..=65535"))]
    pub irr_frequency: Option<u16>,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub destination_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub destination_type: Option<EndpointType>,
    #[rasn(extension_addition)]
    pub remote_extension_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub alternate_endpoints: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub will_respond_to_irr: Option<bool>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub uuies_requested: Option<UuiesRequested>,
    #[rasn(extension_addition)]
    pub language: Option<SequenceOf<LanguageTag>>,
    #[rasn(extension_addition)]
    pub alternate_transport_addresses: Option<AlternateTransportAddresses>,
    #[rasn(extension_addition)]
    pub use_specified_transport: Option<UseSpecifiedTransport>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub usage_spec: Option<SequenceOf<RasUsageSpecification>>,
    #[rasn(extension_addition)]
    pub supported_protocols: Option<SequenceOf<SupportedProtocols>>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub modified_src_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// ARJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AdmissionReject {
    pub request_seq_num: RequestSeqNum,
    pub reject_reason: AdmissionRejectReason,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub call_signal_address: Option<SequenceOf<TransportAddress>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// `AdmissionRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum AdmissionRejectReason {
    CalledPartyNotRegistered,
    InvalidPermission,
    RequestDenied,
    UndefinedReason,
    CallerNotRegistered,
    RouteCallToGatekeeper,
    InvalidEndpointIdentifier,
    ResourceUnavailable,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    QosControlNotSupported,
    #[rasn(extension_addition)]
    IncompleteAddress,
    #[rasn(extension_addition)]
    AliasesInconsistent,
    #[rasn(extension_addition)]
    RouteCallToScn(SequenceOf<PartyNumber>),
    #[rasn(extension_addition)]
    ExceedsCallCapacity,
    #[rasn(extension_addition)]
    CollectDestination,
    #[rasn(extension_addition)]
    CollectPin,
    #[rasn(extension_addition)]
    GenericDataReason,
    #[rasn(extension_addition)]
    NeededFeatureNotSupported,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
    #[rasn(extension_addition)]
    SecurityDHmismatch,
    #[rasn(extension_addition)]
    NoRouteToDestination,
    #[rasn(extension_addition)]
    UnallocatedNumber,
    #[rasn(extension_addition)]
    RegisterWithAssignedGk,
}

// ---------------------------------------------------------------------------------------------------------------
// Bandwidth

/// BRQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BandwidthRequest {
    pub request_seq_num: RequestSeqNum,
    pub endpoint_identifier: EndpointIdentifier,
    pub conference_id: ConferenceIdentifier,
    pub call_reference_value: CallReferenceValue,
    pub call_type: Option<CallType>,
    pub band_width: BandWidth,
    pub non_standard_data: Option<NonStandardParameter>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition, size("1..=128"))]
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub answered_call: Option<bool>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub usage_information: Option<RasUsageInformation>,
    #[rasn(extension_addition)]
    pub bandwidth_details: Option<SequenceOf<BandwidthDetails>>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
}

/// BCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BandwidthConfirm {
    pub request_seq_num: RequestSeqNum,
    pub band_width: BandWidth,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub transport_qos: Option<TransportQos>,
}

/// BRJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BandwidthReject {
    pub request_seq_num: RequestSeqNum,
    pub reject_reason: BandRejectReason,
    pub allowed_band_width: BandWidth,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `BandRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum BandRejectReason {
    NotBound,
    InvalidConferenceId,
    InvalidPermission,
    InsufficientResources,
    InvalidRevision,
    UndefinedReason,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
}

// ---------------------------------------------------------------------------------------------------------------
// Location

/// LRQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LocationRequest {
    pub request_seq_num: RequestSeqNum,
    pub endpoint_identifier: Option<EndpointIdentifier>,
    pub destination_info: SequenceOf<AliasAddress>,
    pub non_standard_data: Option<NonStandardParameter>,
    pub reply_address: TransportAddress,
    #[rasn(extension_addition)]
    pub source_info: Option<SequenceOf<AliasAddress>>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub can_map_alias: Option<bool>,
    #[rasn(extension_addition, size("1..=128"))]
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub desired_protocols: Option<SequenceOf<SupportedProtocols>>,
    #[rasn(extension_addition)]
    pub desired_tunnelled_protocol: Option<TunnelledProtocol>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition, value("1..=255"))]
    pub hop_count: Option<u8>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition, value("0..=4294967295"))]
    pub band_width: Option<BandWidth>,
    #[rasn(extension_addition)]
    pub source_endpoint_info: Option<SequenceOf<AliasAddress>>,
    /// Mandatory since v5 (pitfall 2).
    #[rasn(extension_addition)]
    pub can_map_src_alias: Option<bool>,
    #[rasn(extension_addition)]
    pub language: Option<SequenceOf<LanguageTag>>,
}

/// LCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LocationConfirm {
    pub request_seq_num: RequestSeqNum,
    pub call_signal_address: TransportAddress,
    pub ras_address: TransportAddress,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub destination_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub destination_type: Option<EndpointType>,
    #[rasn(extension_addition)]
    pub remote_extension_address: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub alternate_endpoints: Option<SequenceOf<Endpoint>>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub alternate_transport_addresses: Option<AlternateTransportAddresses>,
    #[rasn(extension_addition)]
    pub supported_protocols: Option<SequenceOf<SupportedProtocols>>,
    #[rasn(extension_addition)]
    pub multiple_calls: Option<bool>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub modified_src_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition, value("0..=4294967295"))]
    pub band_width: Option<BandWidth>,
}

/// LRJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LocationReject {
    pub request_seq_num: RequestSeqNum,
    pub reject_reason: LocationRejectReason,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
}

/// `LocationRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum LocationRejectReason {
    NotRegistered,
    InvalidPermission,
    RequestDenied,
    UndefinedReason,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    AliasesInconsistent,
    #[rasn(extension_addition)]
    RouteCalltoScn(SequenceOf<PartyNumber>),
    #[rasn(extension_addition)]
    ResourceUnavailable,
    #[rasn(extension_addition)]
    GenericDataReason,
    #[rasn(extension_addition)]
    NeededFeatureNotSupported,
    #[rasn(extension_addition)]
    HopCountExceeded,
    #[rasn(extension_addition)]
    IncompleteAddress,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
    #[rasn(extension_addition)]
    SecurityDHmismatch,
    #[rasn(extension_addition)]
    NoRouteToDestination,
    #[rasn(extension_addition)]
    UnallocatedNumber,
}

// ---------------------------------------------------------------------------------------------------------------
// Disengage

/// DRQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DisengageRequest {
    pub request_seq_num: RequestSeqNum,
    pub endpoint_identifier: EndpointIdentifier,
    pub conference_id: ConferenceIdentifier,
    pub call_reference_value: CallReferenceValue,
    pub disengage_reason: DisengageReason,
    pub non_standard_data: Option<NonStandardParameter>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition, size("1..=128"))]
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub answered_call: Option<bool>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub usage_information: Option<RasUsageInformation>,
    #[rasn(extension_addition)]
    pub termination_cause: Option<CallTerminationCause>,
    #[rasn(extension_addition)]
    pub service_control: Option<SequenceOf<ServiceControlSession>>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `DisengageReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum DisengageReason {
    ForcedDrop,
    NormalDrop,
    UndefinedReason,
}

/// DCF.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DisengageConfirm {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub usage_information: Option<RasUsageInformation>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// DRJ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DisengageReject {
    pub request_seq_num: RequestSeqNum,
    pub reject_reason: DisengageRejectReason,
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub alt_gk_info: Option<AltGkInfo>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `DisengageRejectReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum DisengageRejectReason {
    NotRegistered,
    RequestToDropOther,
    #[rasn(extension_addition)]
    SecurityDenial,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
}

// ---------------------------------------------------------------------------------------------------------------
// Information

/// IRQ.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InfoRequest {
    pub request_seq_num: RequestSeqNum,
    pub call_reference_value: CallReferenceValue,
    pub non_standard_data: Option<NonStandardParameter>,
    pub reply_address: Option<TransportAddress>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub uuies_requested: Option<UuiesRequested>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub usage_info_requested: Option<RasUsageInfoTypes>,
    #[rasn(extension_addition)]
    pub segmented_response_supported: Option<()>,
    #[rasn(extension_addition, value("0..=65535"))]
    pub next_segment_requested: Option<u16>,
    #[rasn(extension_addition)]
    pub capacity_info_requested: Option<()>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
    #[rasn(extension_addition)]
    pub assigned_gatekeeper: Option<AlternateGk>,
}

/// One entry of `perCallInfo` in IRR.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PerCallInfo {
    pub non_standard_data: Option<NonStandardParameter>,
    pub call_reference_value: CallReferenceValue,
    pub conference_id: ConferenceIdentifier,
    pub originator: Option<bool>,
    pub audio: Option<SequenceOf<RtpSession>>,
    pub video: Option<SequenceOf<RtpSession>>,
    pub data: Option<SequenceOf<TransportChannelInfo>>,
    pub h245: TransportChannelInfo,
    pub call_signaling: TransportChannelInfo,
    pub call_type: CallType,
    pub band_width: BandWidth,
    pub call_model: CallModel,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub call_identifier: Option<CallIdentifier>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    /// Mandatory since v2 (pitfall 2).
    #[rasn(extension_addition)]
    pub substitute_conf_ids: Option<SequenceOf<ConferenceIdentifier>>,
    /// `SEQUENCE OF SEQUENCE { h323pdu H323-UU-PDU, sent BOOLEAN }`: call-signalling PDUs, not typed (raw bits).
    #[rasn(extension_addition)]
    pub pdu: Option<RawOpenType>,
    #[rasn(extension_addition)]
    pub call_linkage: Option<CallLinkage>,
    #[rasn(extension_addition)]
    pub usage_information: Option<RasUsageInformation>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
}

/// IRR.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InfoRequestResponse {
    pub non_standard_data: Option<NonStandardParameter>,
    pub request_seq_num: RequestSeqNum,
    pub endpoint_type: EndpointType,
    pub endpoint_identifier: EndpointIdentifier,
    pub ras_address: TransportAddress,
    pub call_signal_address: SequenceOf<TransportAddress>,
    pub endpoint_alias: Option<SequenceOf<AliasAddress>>,
    pub per_call_info: Option<SequenceOf<PerCallInfo>>,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v3 (pitfall 2).
    #[rasn(extension_addition)]
    pub need_response: Option<bool>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub irr_status: Option<InfoRequestResponseStatus>,
    /// Mandatory since v4 (pitfall 2).
    #[rasn(extension_addition)]
    pub unsolicited: Option<bool>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `InfoRequestResponseStatus`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum InfoRequestResponseStatus {
    Complete,
    Incomplete,
    Segment(u16),
    InvalidCall,
}

/// IACK.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InfoRequestAck {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
}

/// INAK.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct InfoRequestNak {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    pub nak_reason: InfoRequestNakReason,
    pub alt_gk_info: Option<AltGkInfo>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
}

/// `InfoRequestNakReason`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum InfoRequestNakReason {
    NotRegistered,
    SecurityDenial,
    UndefinedReason,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors2),
}

// ---------------------------------------------------------------------------------------------------------------
// The rest

/// `NonStandardMessage`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NonStandardMessage {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: NonStandardParameter,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// XRS (`UnknownMessageResponse`).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UnknownMessageResponse {
    pub request_seq_num: RequestSeqNum,
    #[rasn(extension_addition)]
    pub tokens: Option<SequenceOf<ClearToken>>,
    #[rasn(extension_addition)]
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(extension_addition)]
    pub integrity_check_value: Option<Icv>,
    /// Mandatory since v4 (pitfall 2).
    #[rasn(extension_addition)]
    pub message_not_understood: Option<OctetString>,
}

/// RIP (`RequestInProgress`): "answer in `delay` ms".
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RequestInProgress {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
    #[rasn(value("1..=65535"))]
    pub delay: u16,
}

/// RAI.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ResourcesAvailableIndicate {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub endpoint_identifier: EndpointIdentifier,
    pub protocols: SequenceOf<SupportedProtocols>,
    pub almost_out_of_resources: bool,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub capacity: Option<CallCapacity>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// RAC.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ResourcesAvailableConfirm {
    pub request_seq_num: RequestSeqNum,
    pub protocol_identifier: ProtocolIdentifier,
    pub non_standard_data: Option<NonStandardParameter>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
    #[rasn(extension_addition)]
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `callSpecific` in SCI.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallSpecific {
    pub call_identifier: CallIdentifier,
    pub conference_id: ConferenceIdentifier,
    pub answered_call: bool,
}

/// SCI.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ServiceControlIndication {
    pub request_seq_num: RequestSeqNum,
    pub non_standard_data: Option<NonStandardParameter>,
    pub service_control: SequenceOf<ServiceControlSession>,
    pub endpoint_identifier: Option<EndpointIdentifier>,
    pub call_specific: Option<CallSpecific>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
    pub feature_set: Option<FeatureSet>,
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `result` in SCR.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ServiceControlResult {
    Started,
    Failed,
    Stopped,
    NotAvailable,
    NeededFeatureNotSupported,
}

/// SCR.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ServiceControlResponse {
    pub request_seq_num: RequestSeqNum,
    pub result: Option<ServiceControlResult>,
    pub non_standard_data: Option<NonStandardParameter>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    pub integrity_check_value: Option<Icv>,
    pub feature_set: Option<FeatureSet>,
    pub generic_data: Option<SequenceOf<GenericData>>,
}
