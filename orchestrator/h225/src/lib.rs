//! `council-h225`: the H.225.0 RAS wire format for Council's gatekeeper — ASN.1 types for the RAS part of the
//! H.225.0 v7 module H323-MESSAGES, encoded and decoded with `rasn` in aligned PER, and a small layer of
//! constructors for the messages a gatekeeper sends. Sans-IO: bytes in, bytes out; no sockets, no clocks.
//!
//! ```
//! use council_h225::{RequestSeqNum, builders, decode, encode};
//! let rip = builders::request_in_progress(RequestSeqNum(7), 3000);
//! let bytes = encode(&rip).unwrap();
//! assert_eq!(decode(&bytes).unwrap(), rip);
//! ```

pub mod builders;
pub mod common;
pub mod h235;
pub mod ras;
pub mod raw;
pub mod samples;

pub use common::*;
pub use ras::*;

/// Why a RAS datagram could not be decoded or a message encoded.
#[derive(Debug, thiserror::Error)]
pub enum RasError {
    #[error("RAS decode failed: {0}")]
    Decode(String),
    #[error("RAS message has {0} trailing octets after the PDU")]
    TrailingData(usize),
    #[error("RAS encode failed: {0}")]
    Encode(String),
    #[error("invalid value: {0}")]
    InvalidValue(String),
}

/// The largest datagram [`decode`] looks at: more than any UDP payload.
pub const MAX_DATAGRAM: usize = 65_535;

/// Decodes one RAS datagram (aligned PER `RasMessage`). Never panics; any malformed input is an error.
pub fn decode(bytes: &[u8]) -> Result<RasMessage, RasError> {
    decode_value(bytes)
}

/// Encodes a RAS message as one datagram (aligned PER).
pub fn encode(message: &RasMessage) -> Result<Vec<u8>, RasError> {
    encode_value(message)
}

/// Decodes any type of this crate from a complete aligned-PER encoding (e.g. an `Any` inside an H.235 token).
pub fn decode_value<T: rasn::Decode>(bytes: &[u8]) -> Result<T, RasError> {
    if bytes.len() > MAX_DATAGRAM {
        return Err(RasError::Decode(format!(
            "{} octets is larger than any datagram",
            bytes.len()
        )));
    }
    // rasn's own recursion limit guards nested types; catch_unwind is the last line should it ever panic.
    let result = std::panic::catch_unwind(|| rasn::aper::decode_with_remainder::<T>(bytes));
    match result {
        Ok(Ok((value, rest))) => {
            // Aligned PER pads the last octet with zero bits; anything beyond is not ours.
            if rest.is_empty() {
                Ok(value)
            } else {
                Err(RasError::TrailingData(rest.len()))
            }
        }
        Ok(Err(e)) => Err(RasError::Decode(e.to_string())),
        Err(_) => Err(RasError::Decode("decoder panicked".into())),
    }
}

/// Encodes any type of this crate in aligned PER.
pub fn encode_value<T: rasn::Encode>(value: &T) -> Result<Vec<u8>, RasError> {
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rasn::aper::encode(value)));
    match result {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(RasError::Encode(e.to_string())),
        Err(_) => Err(RasError::Encode("encoder panicked".into())),
    }
}

impl RasMessage {
    /// The `requestSeqNum` of the message (every RAS message has one; for an ACF sequence, the first ACF's).
    #[must_use]
    pub fn request_seq_num(&self) -> Option<RequestSeqNum> {
        Some(match self {
            Self::GatekeeperRequest(m) => m.request_seq_num,
            Self::GatekeeperConfirm(m) => m.request_seq_num,
            Self::GatekeeperReject(m) => m.request_seq_num,
            Self::RegistrationRequest(m) => m.request_seq_num,
            Self::RegistrationConfirm(m) => m.request_seq_num,
            Self::RegistrationReject(m) => m.request_seq_num,
            Self::UnregistrationRequest(m) => m.request_seq_num,
            Self::UnregistrationConfirm(m) => m.request_seq_num,
            Self::UnregistrationReject(m) => m.request_seq_num,
            Self::AdmissionRequest(m) => m.request_seq_num,
            Self::AdmissionConfirm(m) => m.request_seq_num,
            Self::AdmissionReject(m) => m.request_seq_num,
            Self::BandwidthRequest(m) => m.request_seq_num,
            Self::BandwidthConfirm(m) => m.request_seq_num,
            Self::BandwidthReject(m) => m.request_seq_num,
            Self::DisengageRequest(m) => m.request_seq_num,
            Self::DisengageConfirm(m) => m.request_seq_num,
            Self::DisengageReject(m) => m.request_seq_num,
            Self::LocationRequest(m) => m.request_seq_num,
            Self::LocationConfirm(m) => m.request_seq_num,
            Self::LocationReject(m) => m.request_seq_num,
            Self::InfoRequest(m) => m.request_seq_num,
            Self::InfoRequestResponse(m) => m.request_seq_num,
            Self::NonStandardMessage(m) => m.request_seq_num,
            Self::UnknownMessageResponse(m) => m.request_seq_num,
            Self::RequestInProgress(m) => m.request_seq_num,
            Self::ResourcesAvailableIndicate(m) => m.request_seq_num,
            Self::ResourcesAvailableConfirm(m) => m.request_seq_num,
            Self::InfoRequestAck(m) => m.request_seq_num,
            Self::InfoRequestNak(m) => m.request_seq_num,
            Self::ServiceControlIndication(m) => m.request_seq_num,
            Self::ServiceControlResponse(m) => m.request_seq_num,
            Self::AdmissionConfirmSequence(v) => return v.first().map(|m| m.request_seq_num),
        })
    }

    /// The short name H.225.0 uses for the message ("GRQ", "RCF", ...).
    #[must_use]
    pub fn short_name(&self) -> &'static str {
        match self {
            Self::GatekeeperRequest(_) => "GRQ",
            Self::GatekeeperConfirm(_) => "GCF",
            Self::GatekeeperReject(_) => "GRJ",
            Self::RegistrationRequest(_) => "RRQ",
            Self::RegistrationConfirm(_) => "RCF",
            Self::RegistrationReject(_) => "RRJ",
            Self::UnregistrationRequest(_) => "URQ",
            Self::UnregistrationConfirm(_) => "UCF",
            Self::UnregistrationReject(_) => "URJ",
            Self::AdmissionRequest(_) => "ARQ",
            Self::AdmissionConfirm(_) => "ACF",
            Self::AdmissionReject(_) => "ARJ",
            Self::BandwidthRequest(_) => "BRQ",
            Self::BandwidthConfirm(_) => "BCF",
            Self::BandwidthReject(_) => "BRJ",
            Self::DisengageRequest(_) => "DRQ",
            Self::DisengageConfirm(_) => "DCF",
            Self::DisengageReject(_) => "DRJ",
            Self::LocationRequest(_) => "LRQ",
            Self::LocationConfirm(_) => "LCF",
            Self::LocationReject(_) => "LRJ",
            Self::InfoRequest(_) => "IRQ",
            Self::InfoRequestResponse(_) => "IRR",
            Self::NonStandardMessage(_) => "NSM",
            Self::UnknownMessageResponse(_) => "XRS",
            Self::RequestInProgress(_) => "RIP",
            Self::ResourcesAvailableIndicate(_) => "RAI",
            Self::ResourcesAvailableConfirm(_) => "RAC",
            Self::InfoRequestAck(_) => "IACK",
            Self::InfoRequestNak(_) => "INAK",
            Self::ServiceControlIndication(_) => "SCI",
            Self::ServiceControlResponse(_) => "SCR",
            Self::AdmissionConfirmSequence(_) => "ACF-sequence",
        }
    }
}
