//! The common message elements of H323-MESSAGES (H.225.0 v7, 12/2009) that RAS messages use.
//!
//! Transcribed from the ASN.1 in declaration order: every root component, every extension addition and every CHOICE
//! alternative (an extension addition's position is what puts it on the wire, so none may be skipped). Rust names
//! are the ASN.1 names in snake_case / CamelCase. Fields the Recommendation added as *mandatory* extension additions
//! in later versions are `Option` here (pitfall 2 in the crate README): an older endpoint does not send them.
//! Constrained named types used as extension additions repeat their constraints on the field (pitfall 1).

use rasn::prelude::*;

use crate::h235::{ClearToken, CryptoH323Token, TimeStamp};
use crate::raw::RawOpenType;

// ---------------------------------------------------------------------------------------------------------------
// Simple named types

/// `RequestSeqNum ::= INTEGER(1..65535)`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=65535"))]
pub struct RequestSeqNum(pub u16);

/// `TimeToLive ::= INTEGER(1..4294967295)` — seconds. Only ever an extension addition, so every field of this type
/// repeats `value("1..=4294967295")` (without it rasn writes 60 with a lower bound of 0, which a peer reads as 61).
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=4294967295"))]
pub struct TimeToLive(pub u32);

/// `BandWidth ::= INTEGER(0..4294967295)` — in units of 100 bit/s.
pub type BandWidth = u32;

/// `CallReferenceValue ::= INTEGER(0..65535)`.
pub type CallReferenceValue = u16;

/// `ProtocolIdentifier ::= OBJECT IDENTIFIER`.
pub type ProtocolIdentifier = ObjectIdentifier;

/// `GloballyUniqueID ::= OCTET STRING(SIZE (16))`.
pub type GloballyUniqueId = FixedOctetString<16>;

/// `ConferenceIdentifier ::= GloballyUniqueID`.
pub type ConferenceIdentifier = GloballyUniqueId;

/// `H248PackagesDescriptor ::= OCTET STRING` (PER-encoded H.248, not interpreted here).
pub type H248PackagesDescriptor = OctetString;

/// `GatekeeperIdentifier ::= BMPString(SIZE (1..128))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"))]
pub struct GatekeeperIdentifier(pub BmpString);

/// `EndpointIdentifier ::= BMPString(SIZE (1..128))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"))]
pub struct EndpointIdentifier(pub BmpString);

/// `IA5String(SIZE (1..32))`: an RFC 1766/4646 language tag in a `language` list.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct LanguageTag(pub Ia5String);

/// `CallIdentifier ::= SEQUENCE { guid GloballyUniqueID, ... }`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallIdentifier {
    pub guid: GloballyUniqueId,
}

impl CallIdentifier {
    #[must_use]
    pub fn new(guid: [u8; 16]) -> Self {
        Self {
            guid: FixedOctetString::new(guid),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Non-standard data

/// `H221NonStandard`: T.35 country code, extension and manufacturer code.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct H221NonStandard {
    pub t35_country_code: u8,
    pub t35_extension: u8,
    pub manufacturer_code: u16,
}

impl H221NonStandard {
    #[must_use]
    pub fn new(t35_country_code: u8, t35_extension: u8, manufacturer_code: u16) -> Self {
        Self {
            t35_country_code,
            t35_extension,
            manufacturer_code,
        }
    }
}

/// `NonStandardIdentifier`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum NonStandardIdentifier {
    Object(ObjectIdentifier),
    H221NonStandard(H221NonStandard),
}

/// `NonStandardParameter` (not extensible).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NonStandardParameter {
    pub non_standard_identifier: NonStandardIdentifier,
    pub data: OctetString,
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

/// The `ipAddress` alternative of `TransportAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct IpAddress {
    pub ip: FixedOctetString<4>,
    pub port: u16,
}

/// `routing` in `ipSourceRoute`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Routing {
    Strict,
    Loose,
}

/// The `ipSourceRoute` alternative of `TransportAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IpSourceRoute {
    pub ip: FixedOctetString<4>,
    pub port: u16,
    pub route: SequenceOf<FixedOctetString<4>>,
    pub routing: Routing,
}

/// The `ipxAddress` alternative of `TransportAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct IpxAddress {
    pub node: FixedOctetString<6>,
    pub netnum: FixedOctetString<4>,
    pub port: FixedOctetString<2>,
}

/// The `ip6Address` alternative of `TransportAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Ip6Address {
    pub ip: FixedOctetString<16>,
    pub port: u16,
}

/// `TransportAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum TransportAddress {
    IpAddress(IpAddress),
    IpSourceRoute(IpSourceRoute),
    IpxAddress(IpxAddress),
    Ip6Address(Ip6Address),
    NetBios(FixedOctetString<16>),
    #[rasn(size("1..=20"))]
    Nsap(OctetString),
    NonStandardAddress(NonStandardParameter),
}

impl TransportAddress {
    /// An IPv4 transport address.
    #[must_use]
    pub fn ipv4(ip: std::net::Ipv4Addr, port: u16) -> Self {
        Self::IpAddress(IpAddress {
            ip: FixedOctetString::new(ip.octets()),
            port,
        })
    }

    /// An IPv6 transport address.
    #[must_use]
    pub fn ipv6(ip: std::net::Ipv6Addr, port: u16) -> Self {
        Self::Ip6Address(Ip6Address {
            ip: FixedOctetString::new(ip.octets()),
            port,
        })
    }

    /// From a socket address (IPv4 or IPv6).
    #[must_use]
    pub fn from_socket_addr(addr: std::net::SocketAddr) -> Self {
        match addr {
            std::net::SocketAddr::V4(a) => Self::ipv4(*a.ip(), a.port()),
            std::net::SocketAddr::V6(a) => Self::ipv6(*a.ip(), a.port()),
        }
    }

    /// The socket address, for the IP alternatives.
    #[must_use]
    pub fn to_socket_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            Self::IpAddress(a) => Some(std::net::SocketAddr::from((*a.ip, a.port))),
            Self::Ip6Address(a) => Some(std::net::SocketAddr::from((*a.ip, a.port))),
            Self::IpSourceRoute(a) => Some(std::net::SocketAddr::from((*a.ip, a.port))),
            _ => None,
        }
    }
}

/// `IA5String(SIZE (1..128))(FROM ("0123456789#*,"))`: `dialledDigits` and `NumberDigits`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"), from("0..=9", "#", "*", ","))]
pub struct DialledDigits(pub Ia5String);

/// `NumberDigits` (same constraints as `dialledDigits`).
pub type NumberDigits = DialledDigits;

/// `h323-ID`: `BMPString(SIZE (1..256))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=256"))]
pub struct H323Id(pub BmpString);

/// `url-ID` / `email-ID`: `IA5String(SIZE (1..512))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=512"))]
pub struct Ia5String512(pub Ia5String);

/// `AliasAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum AliasAddress {
    DialledDigits(DialledDigits),
    H323Id(H323Id),
    #[rasn(extension_addition)]
    UrlId(Ia5String512),
    #[rasn(extension_addition)]
    TransportId(TransportAddress),
    #[rasn(extension_addition)]
    EmailId(Ia5String512),
    #[rasn(extension_addition)]
    PartyNumber(PartyNumber),
    #[rasn(extension_addition)]
    MobileUim(MobileUim),
    #[rasn(extension_addition)]
    IsupNumber(IsupNumber),
}

/// `AddressPattern`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum AddressPattern {
    Wildcard(AliasAddress),
    Range(AddressRange),
}

/// `range` in `AddressPattern`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AddressRange {
    pub start_of_range: PartyNumber,
    pub end_of_range: PartyNumber,
}

/// `PartyNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PartyNumber {
    E164Number(PublicPartyNumber),
    DataPartyNumber(NumberDigits),
    TelexPartyNumber(NumberDigits),
    PrivateNumber(PrivatePartyNumber),
    NationalStandardPartyNumber(NumberDigits),
}

/// `PublicPartyNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PublicPartyNumber {
    pub public_type_of_number: PublicTypeOfNumber,
    pub public_number_digits: NumberDigits,
}

/// `PrivatePartyNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PrivatePartyNumber {
    pub private_type_of_number: PrivateTypeOfNumber,
    pub private_number_digits: NumberDigits,
}

/// `PublicTypeOfNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PublicTypeOfNumber {
    Unknown,
    InternationalNumber,
    NationalNumber,
    NetworkSpecificNumber,
    SubscriberNumber,
    AbbreviatedNumber,
}

/// `PrivateTypeOfNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PrivateTypeOfNumber {
    Unknown,
    Level2RegionalNumber,
    Level1RegionalNumber,
    PIsnSpecificNumber,
    LocalNumber,
    AbbreviatedNumber,
}

/// `MobileUIM`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum MobileUim {
    Ansi41Uim(Box<Ansi41Uim>),
    GsmUim(Box<GsmUim>),
}

/// `system-id` in `ANSI-41-UIM`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SystemId {
    #[rasn(size("1..=4"), from("0..=9", "#", "*", "a", "b", "c"))]
    Sid(Ia5String),
    #[rasn(size("1..=4"), from("0..=9", "#", "*", "a", "b", "c"))]
    Mid(Ia5String),
}

/// `ANSI-41-UIM` (the `TBCD-STRING`s are IA5Strings from `"0123456789#*abc"`).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Ansi41Uim {
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub imsi: Option<Ia5String>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub min: Option<Ia5String>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub mdn: Option<Ia5String>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub msisdn: Option<Ia5String>,
    #[rasn(size("16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub esn: Option<Ia5String>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub mscid: Option<Ia5String>,
    pub system_id: SystemId,
    pub system_my_type_code: Option<FixedOctetString<1>>,
    pub system_access_type: Option<FixedOctetString<1>>,
    pub qualification_information_code: Option<FixedOctetString<1>>,
    #[rasn(size("16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub sesn: Option<Ia5String>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub soc: Option<Ia5String>,
}

/// `GSM-UIM`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GsmUim {
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub imsi: Option<Ia5String>,
    #[rasn(size("1..=4"))]
    pub tmsi: Option<OctetString>,
    #[rasn(size("3..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub msisdn: Option<Ia5String>,
    #[rasn(size("15..=16"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub imei: Option<Ia5String>,
    #[rasn(size("1..=4"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub hplmn: Option<Ia5String>,
    #[rasn(size("1..=4"), from("0..=9", "#", "*", "a", "b", "c"))]
    pub vplmn: Option<Ia5String>,
}

/// `IsupDigits ::= IA5String(SIZE (1..128))(FROM ("0123456789ABCDE"))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"), from("0..=9", "A..=E"))]
pub struct IsupDigits(pub Ia5String);

/// `IsupNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum IsupNumber {
    E164Number(IsupPublicPartyNumber),
    DataPartyNumber(IsupDigits),
    TelexPartyNumber(IsupDigits),
    PrivateNumber(IsupPrivatePartyNumber),
    NationalStandardPartyNumber(IsupDigits),
}

/// `IsupPublicPartyNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IsupPublicPartyNumber {
    pub nature_of_address: NatureOfAddress,
    pub address: IsupDigits,
}

/// `IsupPrivatePartyNumber`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IsupPrivatePartyNumber {
    pub private_type_of_number: PrivateTypeOfNumber,
    pub address: IsupDigits,
}

/// `NatureOfAddress`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum NatureOfAddress {
    Unknown,
    SubscriberNumber,
    NationalNumber,
    InternationalNumber,
    NetworkSpecificNumber,
    RoutingNumberNationalFormat,
    RoutingNumberNetworkSpecificFormat,
    RoutingNumberWithCalledDirectoryNumber,
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoint description

/// `EndpointType`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct EndpointType {
    pub non_standard_data: Option<NonStandardParameter>,
    pub vendor: Option<VendorIdentifier>,
    pub gatekeeper: Option<GatekeeperInfo>,
    pub gateway: Option<GatewayInfo>,
    pub mcu: Option<McuInfo>,
    pub terminal: Option<TerminalInfo>,
    pub mc: bool,
    pub undefined_node: bool,
    #[rasn(extension_addition, size("32"))]
    pub set: Option<BitString>,
    #[rasn(extension_addition)]
    pub supported_tunnelled_protocols: Option<SequenceOf<TunnelledProtocol>>,
}

impl EndpointType {
    /// A gatekeeper's endpoint type.
    #[must_use]
    pub fn gatekeeper() -> Self {
        let mut t = Self::empty();
        t.gatekeeper = Some(GatekeeperInfo {
            non_standard_data: None,
        });
        t
    }

    /// A terminal's endpoint type.
    #[must_use]
    pub fn terminal() -> Self {
        let mut t = Self::empty();
        t.terminal = Some(TerminalInfo {
            non_standard_data: None,
        });
        t
    }

    /// Nothing set.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            non_standard_data: None,
            vendor: None,
            gatekeeper: None,
            gateway: None,
            mcu: None,
            terminal: None,
            mc: false,
            undefined_node: false,
            set: None,
            supported_tunnelled_protocols: None,
        }
    }
}

/// `GatewayInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GatewayInfo {
    pub protocol: Option<SequenceOf<SupportedProtocols>>,
    pub non_standard_data: Option<NonStandardParameter>,
}

/// `SupportedProtocols`. The T.38 alternative carries H.245 types (`DataProtocolCapability`, `T38FaxProfile`) that
/// are not typed yet: it is kept as raw open-type bits.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SupportedProtocols {
    NonStandardData(NonStandardParameter),
    H310(ProtocolCaps),
    H320(ProtocolCaps),
    H321(ProtocolCaps),
    H322(ProtocolCaps),
    H323(ProtocolCaps),
    H324(ProtocolCaps),
    Voice(ProtocolCaps),
    T120Only(ProtocolCaps),
    #[rasn(extension_addition)]
    NonStandardProtocol(NonStandardProtocol),
    /// `T38FaxAnnexbOnlyCaps`, untyped (its H.245 parts are not typed yet).
    #[rasn(extension_addition)]
    T38FaxAnnexbOnly(RawOpenType),
    #[rasn(extension_addition)]
    Sip(SipCaps),
}

/// `H310Caps`, `H320Caps`, `H321Caps`, `H322Caps`, `H323Caps`, `H324Caps`, `VoiceCaps` and `T120OnlyCaps`: eight
/// types of one shape. `supportedPrefixes` is a mandatory extension addition, `Option` here (pitfall 2).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ProtocolCaps {
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub data_rates_supported: Option<SequenceOf<DataRate>>,
    #[rasn(extension_addition)]
    pub supported_prefixes: Option<SequenceOf<SupportedPrefix>>,
}

impl ProtocolCaps {
    /// Caps with the given prefixes (an empty list is the usual "any").
    #[must_use]
    pub fn with_prefixes(prefixes: Vec<SupportedPrefix>) -> Self {
        Self {
            non_standard_data: None,
            data_rates_supported: None,
            supported_prefixes: Some(prefixes),
        }
    }
}

/// `NonStandardProtocol`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct NonStandardProtocol {
    pub non_standard_data: Option<NonStandardParameter>,
    pub data_rates_supported: Option<SequenceOf<DataRate>>,
    pub supported_prefixes: SequenceOf<SupportedPrefix>,
}

/// `SIPCaps`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SipCaps {
    pub non_standard_data: Option<NonStandardParameter>,
    pub data_rates_supported: Option<SequenceOf<DataRate>>,
    pub supported_prefixes: Option<SequenceOf<SupportedPrefix>>,
}

/// `McuInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct McuInfo {
    pub non_standard_data: Option<NonStandardParameter>,
    #[rasn(extension_addition)]
    pub protocol: Option<SequenceOf<SupportedProtocols>>,
}

/// `TerminalInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TerminalInfo {
    pub non_standard_data: Option<NonStandardParameter>,
}

/// `GatekeeperInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GatekeeperInfo {
    pub non_standard_data: Option<NonStandardParameter>,
}

/// `VendorIdentifier`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct VendorIdentifier {
    pub vendor: H221NonStandard,
    #[rasn(size("1..=256"))]
    pub product_id: Option<OctetString>,
    #[rasn(size("1..=256"))]
    pub version_id: Option<OctetString>,
    #[rasn(extension_addition)]
    pub enterprise_number: Option<ObjectIdentifier>,
}

impl VendorIdentifier {
    /// A vendor with product and version strings (each 1..=256 octets).
    #[must_use]
    pub fn new(vendor: H221NonStandard, product: &str, version: &str) -> Self {
        let opt = |s: &str| (!s.is_empty()).then(|| OctetString::from(s.as_bytes().to_vec()));
        Self {
            vendor,
            product_id: opt(product),
            version_id: opt(version),
            enterprise_number: None,
        }
    }
}

/// `TunnelledProtocol`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TunnelledProtocol {
    pub id: TunnelledProtocolId,
    #[rasn(size("1..=64"))]
    pub sub_identifier: Option<Ia5String>,
}

/// `id` in `TunnelledProtocol`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum TunnelledProtocolId {
    TunnelledProtocolObjectId(ObjectIdentifier),
    TunnelledProtocolAlternateId(TunnelledProtocolAlternateIdentifier),
}

/// `TunnelledProtocolAlternateIdentifier`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TunnelledProtocolAlternateIdentifier {
    #[rasn(size("1..=64"))]
    pub protocol_type: Ia5String,
    #[rasn(size("1..=64"))]
    pub protocol_variant: Option<Ia5String>,
}

/// `DataRate`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DataRate {
    pub non_standard_data: Option<NonStandardParameter>,
    pub channel_rate: BandWidth,
    #[rasn(value("1..=256"))]
    pub channel_multiplier: Option<u16>,
}

/// `SupportedPrefix`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SupportedPrefix {
    pub non_standard_data: Option<NonStandardParameter>,
    pub prefix: AliasAddress,
}

/// `Endpoint`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Endpoint {
    pub non_standard_data: Option<NonStandardParameter>,
    pub alias_address: Option<SequenceOf<AliasAddress>>,
    pub call_signal_address: Option<SequenceOf<TransportAddress>>,
    pub ras_address: Option<SequenceOf<TransportAddress>>,
    pub endpoint_type: Option<EndpointType>,
    pub tokens: Option<SequenceOf<ClearToken>>,
    pub crypto_tokens: Option<SequenceOf<CryptoH323Token>>,
    #[rasn(value("0..=127"))]
    pub priority: Option<u8>,
    pub remote_extension_address: Option<SequenceOf<AliasAddress>>,
    pub dest_extra_call_info: Option<SequenceOf<AliasAddress>>,
    #[rasn(extension_addition)]
    pub alternate_transport_addresses: Option<AlternateTransportAddresses>,
    #[rasn(extension_addition)]
    pub circuit_info: Option<CircuitInfo>,
    #[rasn(extension_addition)]
    pub feature_set: Option<FeatureSet>,
}

/// `AlternateTransportAddresses`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AlternateTransportAddresses {
    pub annex_e: Option<SequenceOf<TransportAddress>>,
    #[rasn(extension_addition)]
    pub sctp: Option<SequenceOf<TransportAddress>>,
}

/// `UseSpecifiedTransport`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum UseSpecifiedTransport {
    Tcp,
    AnnexE,
    #[rasn(extension_addition)]
    Sctp,
}

/// `AlternateGK`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AlternateGk {
    pub ras_address: TransportAddress,
    pub gatekeeper_identifier: Option<GatekeeperIdentifier>,
    pub need_to_register: bool,
    #[rasn(value("0..=127"))]
    pub priority: u8,
}

impl AlternateGk {
    #[must_use]
    pub fn new(
        ras_address: TransportAddress,
        gatekeeper_identifier: Option<GatekeeperIdentifier>,
        need_to_register: bool,
        priority: u8,
    ) -> Self {
        Self {
            ras_address,
            gatekeeper_identifier,
            need_to_register,
            priority: priority.min(127),
        }
    }
}

/// `AltGKInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AltGkInfo {
    pub alternate_gatekeeper: SequenceOf<AlternateGk>,
    pub alt_gk_is_permanent: bool,
}

// ---------------------------------------------------------------------------------------------------------------
// Security

/// `SecurityServiceMode`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SecurityServiceMode {
    NonStandard(NonStandardParameter),
    None,
    Default,
}

/// `SecurityErrors`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SecurityErrors {
    SecurityWrongSyncTime,
    SecurityReplay,
    SecurityWrongGeneralId,
    SecurityWrongSendersId,
    SecurityIntegrityFailed,
    SecurityWrongOid,
    SecurityDHmismatch,
    SecurityCertificateExpired,
    SecurityCertificateDateInvalid,
    SecurityCertificateRevoked,
    SecurityCertificateNotReadable,
    SecurityCertificateSignatureInvalid,
    SecurityCertificateMissing,
    SecurityCertificateIncomplete,
    SecurityUnsupportedCertificateAlgOid,
    SecurityUnknownCa,
}

/// `SecurityErrors2`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum SecurityErrors2 {
    SecurityWrongSyncTime,
    SecurityReplay,
    SecurityWrongGeneralId,
    SecurityWrongSendersId,
    SecurityIntegrityFailed,
    SecurityWrongOid,
}

/// `EncryptIntAlg`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum EncryptIntAlg {
    NonStandard(NonStandardParameter),
    IsoAlgorithm(ObjectIdentifier),
}

/// `NonIsoIntegrityMechanism`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum NonIsoIntegrityMechanism {
    HMacMd5,
    HMacIso10118_2S(EncryptIntAlg),
    HMacIso10118_2L(EncryptIntAlg),
    HMacIso10118_3(ObjectIdentifier),
}

/// `IntegrityMechanism`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum IntegrityMechanism {
    NonStandard(NonStandardParameter),
    DigSig,
    Iso9797(ObjectIdentifier),
    NonIsoIm(NonIsoIntegrityMechanism),
}

/// `ICV`: integrity check value.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Icv {
    pub algorithm_oid: ObjectIdentifier,
    pub icv: BitString,
}

/// `QseriesOptions`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct QseriesOptions {
    pub q932_full: bool,
    pub q951_full: bool,
    pub q952_full: bool,
    pub q953_full: bool,
    pub q955_full: bool,
    pub q956_full: bool,
    pub q957_full: bool,
    pub q954_info: Q954Details,
}

/// `Q954Details`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Q954Details {
    pub conference_calling: bool,
    pub three_party_service: bool,
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

/// `CallType`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CallType {
    PointToPoint,
    OneToN,
    NToOne,
    NToN,
}

/// `CallModel`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CallModel {
    Direct,
    GatekeeperRouted,
}

/// `TransportQOS`. The `qOSCapabilities` alternative holds H.245 `QOSCapability` values, not typed yet: raw bits.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum TransportQos {
    EndpointControlled,
    GatekeeperControlled,
    NoControl,
    /// `SEQUENCE SIZE (1..256) OF QOSCapability` (H.245), untyped.
    #[rasn(extension_addition)]
    QosCapabilities(RawOpenType),
}

/// `UUIEsRequested`. The four extension additions are mandatory in v4+ and `Option` here (pitfall 2).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct UuiesRequested {
    pub setup: bool,
    pub call_proceeding: bool,
    pub connect: bool,
    pub alerting: bool,
    pub information: bool,
    pub release_complete: bool,
    pub facility: bool,
    pub progress: bool,
    pub empty: bool,
    #[rasn(extension_addition)]
    pub status: Option<bool>,
    #[rasn(extension_addition)]
    pub status_inquiry: Option<bool>,
    #[rasn(extension_addition)]
    pub setup_acknowledge: Option<bool>,
    #[rasn(extension_addition)]
    pub notify: Option<bool>,
}

impl UuiesRequested {
    /// Nothing requested, every v4 field present (false).
    #[must_use]
    pub fn none() -> Self {
        Self {
            status: Some(false),
            status_inquiry: Some(false),
            setup_acknowledge: Some(false),
            notify: Some(false),
            ..Self::default()
        }
    }
}

/// `CallLinkage`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallLinkage {
    pub global_call_id: Option<GloballyUniqueId>,
    pub thread_id: Option<GloballyUniqueId>,
}

/// `CapacityReportingCapability`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CapacityReportingCapability {
    pub can_report_call_capacity: bool,
}

/// `CapacityReportingSpecification`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CapacityReportingSpecification {
    pub when: CapacityReportingWhen,
}

/// `when` in `CapacityReportingSpecification`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CapacityReportingWhen {
    pub call_start: Option<()>,
    pub call_end: Option<()>,
}

/// `CallCapacity`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallCapacity {
    pub maximum_call_capacity: Option<CallCapacityInfo>,
    pub current_call_capacity: Option<CallCapacityInfo>,
}

/// `CallCapacityInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallCapacityInfo {
    pub voice_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h310_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h320_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h321_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h322_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h323_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub h324_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub t120_only_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub t38_fax_annexb_only_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub terminal_calls_available: Option<SequenceOf<CallsAvailable>>,
    pub mcu_calls_available: Option<SequenceOf<CallsAvailable>>,
    #[rasn(extension_addition)]
    pub sip_gw_calls_available: Option<SequenceOf<CallsAvailable>>,
}

/// `CallsAvailable`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallsAvailable {
    pub calls: u32,
    #[rasn(size("1..=128"))]
    pub group: Option<Ia5String>,
    #[rasn(extension_addition)]
    pub carrier: Option<CarrierInfo>,
}

/// `CircuitInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CircuitInfo {
    pub source_circuit_id: Option<CircuitIdentifier>,
    pub destination_circuit_id: Option<CircuitIdentifier>,
    pub generic_data: Option<SequenceOf<GenericData>>,
}

/// `CircuitIdentifier`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CircuitIdentifier {
    pub cic: Option<CicInfo>,
    pub group: Option<GroupId>,
    #[rasn(extension_addition)]
    pub carrier: Option<CarrierInfo>,
}

/// `OCTET STRING(SIZE (2..4))`, an element of `cic` in `CicInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("2..=4"))]
pub struct Cic(pub OctetString);

/// `CicInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CicInfo {
    pub cic: SequenceOf<Cic>,
    #[rasn(size("2..=5"))]
    pub point_code: OctetString,
}

/// `GroupID`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GroupId {
    pub member: Option<SequenceOf<u16>>,
    #[rasn(size("1..=128"))]
    pub group: Ia5String,
}

/// `CarrierInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CarrierInfo {
    #[rasn(size("3..=4"))]
    pub carrier_identification_code: Option<OctetString>,
    #[rasn(size("1..=128"))]
    pub carrier_name: Option<Ia5String>,
}

/// `ServiceControlDescriptor`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ServiceControlDescriptor {
    #[rasn(size("0..=512"))]
    Url(Ia5String),
    Signal(OctetString),
    NonStandard(NonStandardParameter),
    CallCreditServiceControl(CallCreditServiceControl),
}

/// `reason` in `ServiceControlSession`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ServiceControlReason {
    Open,
    Refresh,
    Close,
}

/// `ServiceControlSession`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ServiceControlSession {
    pub session_id: u8,
    pub contents: Option<ServiceControlDescriptor>,
    pub reason: ServiceControlReason,
}

/// `CallCreditCapability`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallCreditCapability {
    pub can_display_amount_string: Option<bool>,
    pub can_enforce_duration_limit: Option<bool>,
}

/// `billingMode` in `CallCreditServiceControl`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum BillingMode {
    Credit,
    Debit,
}

/// `callStartingPoint` in `CallCreditServiceControl`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CallCreditStartingPoint {
    Alerting,
    Connect,
}

/// `CallCreditServiceControl`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct CallCreditServiceControl {
    #[rasn(size("1..=512"))]
    pub amount_string: Option<BmpString>,
    pub billing_mode: Option<BillingMode>,
    #[rasn(value("1..=4294967295"))]
    pub call_duration_limit: Option<u32>,
    pub enforce_call_duration_limit: Option<bool>,
    pub call_starting_point: Option<CallCreditStartingPoint>,
}

// ---------------------------------------------------------------------------------------------------------------
// Usage reporting

/// `RasUsageInfoTypes`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RasUsageInfoTypes {
    pub non_standard_usage_types: SequenceOf<NonStandardParameter>,
    pub start_time: Option<()>,
    pub end_time: Option<()>,
    pub termination_cause: Option<()>,
}

/// `when` in `RasUsageSpecification`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RasUsageWhen {
    pub start: Option<()>,
    pub end: Option<()>,
    pub in_irr: Option<()>,
}

/// `callStartingPoint` in `RasUsageSpecification`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RasUsageCallStartingPoint {
    pub alerting: Option<()>,
    pub connect: Option<()>,
}

/// `RasUsageSpecification`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RasUsageSpecification {
    pub when: RasUsageWhen,
    pub call_starting_point: Option<RasUsageCallStartingPoint>,
    pub required: RasUsageInfoTypes,
}

/// `RasUsageInformation`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RasUsageInformation {
    pub non_standard_usage_fields: SequenceOf<NonStandardParameter>,
    pub alerting_time: Option<TimeStamp>,
    pub connect_time: Option<TimeStamp>,
    pub end_time: Option<TimeStamp>,
}

/// `ReleaseCompleteReason` (the reason inside `CallTerminationCause`).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ReleaseCompleteReason {
    NoBandwidth,
    GatekeeperResources,
    UnreachableDestination,
    DestinationRejection,
    InvalidRevision,
    NoPermission,
    UnreachableGatekeeper,
    GatewayResources,
    BadFormatAddress,
    AdaptiveBusy,
    InConf,
    UndefinedReason,
    #[rasn(extension_addition)]
    FacilityCallDeflection,
    #[rasn(extension_addition)]
    SecurityDenied,
    #[rasn(extension_addition)]
    CalledPartyNotRegistered,
    #[rasn(extension_addition)]
    CallerNotRegistered,
    #[rasn(extension_addition)]
    NewConnectionNeeded,
    #[rasn(extension_addition)]
    NonStandardReason(NonStandardParameter),
    #[rasn(extension_addition)]
    ReplaceWithConferenceInvite(ConferenceIdentifier),
    #[rasn(extension_addition)]
    GenericDataReason,
    #[rasn(extension_addition)]
    NeededFeatureNotSupported,
    #[rasn(extension_addition)]
    TunnelledSignallingRejected,
    #[rasn(extension_addition)]
    InvalidCid,
    #[rasn(extension_addition)]
    SecurityError(SecurityErrors),
    #[rasn(extension_addition)]
    HopCountExceeded,
}

/// `CallTerminationCause`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CallTerminationCause {
    ReleaseCompleteReason(ReleaseCompleteReason),
    #[rasn(size("2..=32"))]
    ReleaseCompleteCauseIe(OctetString),
}

/// `BandwidthDetails`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct BandwidthDetails {
    pub sender: bool,
    pub multicast: bool,
    pub bandwidth: BandWidth,
    pub rtcp_addresses: TransportChannelInfo,
}

/// `TransportChannelInfo`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TransportChannelInfo {
    pub send_address: Option<TransportAddress>,
    pub recv_address: Option<TransportAddress>,
}

/// `INTEGER(1..255)`: an RTP session id in `associatedSessionIds`.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate, value("1..=255"))]
pub struct SessionId(pub u8);

/// `RTPSession`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RtpSession {
    pub rtp_address: TransportChannelInfo,
    pub rtcp_address: TransportChannelInfo,
    pub cname: PrintableString,
    #[rasn(value("1..=4294967295"))]
    pub ssrc: u32,
    #[rasn(value("1..=255"))]
    pub session_id: u8,
    pub associated_session_ids: SequenceOf<SessionId>,
    #[rasn(extension_addition)]
    pub multicast: Option<()>,
    #[rasn(extension_addition, value("0..=4294967295"))]
    pub bandwidth: Option<BandWidth>,
}

/// `RehomingModel` (not extensible).
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum RehomingModel {
    GatekeeperBased,
    EndpointBased,
}

// ---------------------------------------------------------------------------------------------------------------
// Generic data and features

/// `GenericData` (also `FeatureDescriptor`).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GenericData {
    pub id: GenericIdentifier,
    #[rasn(size("1..=512"))]
    pub parameters: Option<SequenceOf<EnumeratedParameter>>,
}

/// `FeatureDescriptor ::= GenericData`.
pub type FeatureDescriptor = GenericData;

/// `GenericIdentifier`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum GenericIdentifier {
    #[rasn(value("0..=16383", extensible))]
    Standard(Integer),
    Oid(ObjectIdentifier),
    NonStandard(GloballyUniqueId),
}

/// `EnumeratedParameter`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct EnumeratedParameter {
    pub id: GenericIdentifier,
    pub content: Option<Content>,
}

/// `Content`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Content {
    Raw(OctetString),
    Text(Ia5String),
    Unicode(BmpString),
    Bool(bool),
    Number8(u8),
    Number16(u16),
    Number32(u32),
    Id(GenericIdentifier),
    Alias(AliasAddress),
    Transport(TransportAddress),
    #[rasn(size("1..=512"))]
    Compound(SequenceOf<EnumeratedParameter>),
    #[rasn(size("1..=16"))]
    Nested(SequenceOf<GenericData>),
}

/// `FeatureSet`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct FeatureSet {
    pub replacement_feature_set: bool,
    pub needed_features: Option<SequenceOf<FeatureDescriptor>>,
    pub desired_features: Option<SequenceOf<FeatureDescriptor>>,
    pub supported_features: Option<SequenceOf<FeatureDescriptor>>,
}
