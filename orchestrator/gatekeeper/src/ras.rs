//! The RAS messages as the gatekeeper reasons about them: the fields that carry meaning, with Rust types. The
//! wire layer (`council-h225`, ASN.1 aligned PER) maps these to and from the full H.225.0 messages; the reject
//! reasons here are named and ordered as the H.225.0 CHOICEs they stand for.

use std::net::SocketAddr;

/// An alias address (H.225.0 `AliasAddress`): the kinds H.323 terminals register with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Alias {
    /// `h323-ID` (a BMPString name, e.g. `guardian-1`).
    H323Id(String),
    /// `dialledDigits` (`0-9 # * ,`), e.g. `2002`.
    DialedDigits(String),
    /// `url-ID`.
    Url(String),
    /// `email-ID`.
    Email(String),
    /// `partyNumber` with an E.164 number.
    E164(String),
}

impl Alias {
    /// The alias text, whatever its kind: registrations and rosters match on it.
    pub fn value(&self) -> &str {
        match self {
            Alias::H323Id(v)
            | Alias::DialedDigits(v)
            | Alias::Url(v)
            | Alias::Email(v)
            | Alias::E164(v) => v,
        }
    }

    /// The kind's H.225.0 name, for logs and witness entries.
    pub fn kind(&self) -> &'static str {
        match self {
            Alias::H323Id(_) => "h323-ID",
            Alias::DialedDigits(_) => "dialledDigits",
            Alias::Url(_) => "url-ID",
            Alias::Email(_) => "email-ID",
            Alias::E164(_) => "e164",
        }
    }
}

/// A 16-octet GUID: H.225.0 `CallIdentifier.guid` and `ConferenceIdentifier`.
pub type Guid = [u8; 16];

/// GRQ: an endpoint looks for a gatekeeper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatekeeperRequest {
    pub seq: u16,
    /// The gatekeeper the endpoint wants, if it names one.
    pub gatekeeper_id: Option<String>,
    pub ras_address: SocketAddr,
    pub aliases: Vec<Alias>,
}

/// RRQ: full registration, or a lightweight keep-alive (`keep_alive` with `endpoint_id` and usually `ttl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRequest {
    pub seq: u16,
    pub keep_alive: bool,
    pub endpoint_id: Option<String>,
    pub call_signal: Vec<SocketAddr>,
    pub ras: Vec<SocketAddr>,
    pub aliases: Vec<Alias>,
    /// Seconds the endpoint asks to stay registered.
    pub ttl: Option<u32>,
    pub gatekeeper_id: Option<String>,
}

/// URQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnregistrationRequest {
    pub seq: u16,
    pub endpoint_id: Option<String>,
    pub call_signal: Vec<SocketAddr>,
    pub aliases: Vec<Alias>,
}

/// ARQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionRequest {
    pub seq: u16,
    pub endpoint_id: String,
    pub call_id: Guid,
    pub call_reference: u16,
    pub conference_id: Guid,
    /// Who the caller wants (`destinationInfo`).
    pub destination: Vec<Alias>,
    pub dest_call_signal: Option<SocketAddr>,
    /// Who calls (`srcInfo`).
    pub source: Vec<Alias>,
    /// Units of 100 bit/s, both directions together (H.225.0 §7.8.1).
    pub bandwidth: u32,
    /// The endpoint asks to answer a call rather than to make one.
    pub answer_call: bool,
}

/// BRQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandwidthRequest {
    pub seq: u16,
    pub endpoint_id: String,
    pub call_id: Guid,
    pub bandwidth: u32,
}

/// DRQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisengageRequest {
    pub seq: u16,
    pub endpoint_id: String,
    pub call_id: Guid,
}

/// LRQ: where does this alias take calls?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRequest {
    pub seq: u16,
    pub destination: Vec<Alias>,
    pub reply_address: SocketAddr,
}

/// A request the gatekeeper answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Gatekeeper(GatekeeperRequest),
    Registration(RegistrationRequest),
    Unregistration(UnregistrationRequest),
    Admission(AdmissionRequest),
    Bandwidth(BandwidthRequest),
    Disengage(DisengageRequest),
    Location(LocationRequest),
}

impl Request {
    pub fn seq(&self) -> u16 {
        match self {
            Request::Gatekeeper(r) => r.seq,
            Request::Registration(r) => r.seq,
            Request::Unregistration(r) => r.seq,
            Request::Admission(r) => r.seq,
            Request::Bandwidth(r) => r.seq,
            Request::Disengage(r) => r.seq,
            Request::Location(r) => r.seq,
        }
    }
}

/// An alternate gatekeeper (H.225.0 `AlternateGK`), told to endpoints in GCF and RCF.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlternateGatekeeper {
    pub ras_address: SocketAddr,
    #[serde(default)]
    pub gatekeeper_id: Option<String>,
    #[serde(default)]
    pub need_to_register: bool,
    /// 0 is the most preferred (0..=127).
    #[serde(default)]
    pub priority: u8,
}

/// ACF's call model: does the call go to the callee (`Direct`) or through Council (`GatekeeperRouted`)?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallModel {
    Direct,
    GatekeeperRouted,
}

/// `GatekeeperRejectReason` (root alternatives in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrjReason {
    ResourceUnavailable,
    TerminalExcluded,
    InvalidRevision,
    UndefinedReason,
}

/// `RegistrationRejectReason` (the alternatives this gatekeeper gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RrjReason {
    DiscoveryRequired,
    InvalidCallSignalAddress,
    InvalidRasAddress,
    /// The aliases registered to another endpoint.
    DuplicateAlias(Vec<Alias>),
    UndefinedReason,
    /// Extension: gatekeeper resources exhausted (registration table full).
    ResourceUnavailable,
    /// Extension: a keep-alive for a registration we don't have.
    FullRegistrationRequired,
}

/// `UnregRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrjReason {
    NotCurrentlyRegistered,
    CallInProgress,
    UndefinedReason,
}

/// `AdmissionRejectReason` (the alternatives this gatekeeper gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArjReason {
    CalledPartyNotRegistered,
    InvalidPermission,
    /// No bandwidth available.
    RequestDenied,
    UndefinedReason,
    CallerNotRegistered,
    RouteCallToGatekeeper,
    InvalidEndpointIdentifier,
    ResourceUnavailable,
    /// Extension.
    SecurityDenial,
    /// Extension: the destination does not have the capacity for this call.
    ExceedsCallCapacity,
}

/// `BandRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrjReason {
    NotBound,
    InvalidConferenceId,
    InvalidPermission,
    InsufficientResources,
    InvalidRevision,
    UndefinedReason,
}

/// `DisengageRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrjReason {
    NotRegistered,
    RequestToDropOther,
}

/// `LocationRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LrjReason {
    NotRegistered,
    InvalidPermission,
    RequestDenied,
    UndefinedReason,
}

/// A reply the gatekeeper sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Gcf {
        seq: u16,
        gatekeeper_id: String,
        ras_address: SocketAddr,
        alternates: Vec<AlternateGatekeeper>,
    },
    Grj {
        seq: u16,
        gatekeeper_id: String,
        reason: GrjReason,
    },
    Rcf {
        seq: u16,
        gatekeeper_id: String,
        endpoint_id: String,
        /// The gatekeeper's own call-signalling address(es).
        call_signal: Vec<SocketAddr>,
        aliases: Vec<Alias>,
        /// Seconds granted.
        ttl: u32,
        alternates: Vec<AlternateGatekeeper>,
    },
    Rrj {
        seq: u16,
        gatekeeper_id: String,
        reason: RrjReason,
    },
    Ucf {
        seq: u16,
    },
    Urj {
        seq: u16,
        reason: UrjReason,
    },
    Acf {
        seq: u16,
        bandwidth: u32,
        call_model: CallModel,
        dest_call_signal: SocketAddr,
        destination: Vec<Alias>,
    },
    Arj {
        seq: u16,
        reason: ArjReason,
    },
    Bcf {
        seq: u16,
        bandwidth: u32,
    },
    Brj {
        seq: u16,
        reason: BrjReason,
        allowed: u32,
    },
    Dcf {
        seq: u16,
    },
    Drj {
        seq: u16,
        reason: DrjReason,
    },
    Lcf {
        seq: u16,
        call_signal: SocketAddr,
        ras: SocketAddr,
    },
    Lrj {
        seq: u16,
        reason: LrjReason,
    },
}
