//! H.245 (ITU-T H.245, the MULTIMEDIA-SYSTEM-CONTROL module) for Council's H.323 calls: the messages in aligned
//! PER, and what H.323 call signalling needs of them — Fast Start channel proposals and their acceptance
//! (H.323 §8.1.7), and the minimum of tunnelled H.245 a peer insists on (capability exchange, master/slave
//! determination, their acknowledgements, end of session).
//!
//! Sans-IO: bytes in, values out. One H.245 PDU is one [`MultimediaSystemControlMessage`] (on an H.245 TCP
//! connection one per TPKT packet, in H.225.0 tunnelling one per `h245Control` OCTET STRING); one Fast Start
//! element (an OCTET STRING of `fastStart` in Setup, CallProceeding, Alerting or Connect) is one
//! [`OpenLogicalChannel`]. No input makes a function here panic.
//!
//! - [`asn`]: the types, transcribed from H.245 (what is typed fully and what is carried as [`Opaque`]: see the
//!   README).
//! - [`encode`]/[`decode`] and [`encode_olc`]/[`decode_olc`]: the PER codec.
//! - [`fast_start`]: offer, answer and parse Fast Start proposals for the codecs of `council_rtp`.
//! - [`messages`]: builders for TerminalCapabilitySet, MasterSlaveDetermination, their Acks, EndSessionCommand,
//!   and OpenLogicalChannelAck (for a peer that opens its channel over H.245 instead of Fast Start).

pub mod asn;
pub mod fast_start;
pub mod messages;
pub mod opaque;

pub mod tunnel;

pub use asn::{MultimediaSystemControlMessage, OpenLogicalChannel};
pub use fast_start::{
    Direction, FastStartMedia, MediaChannel, Proposal, fast_start_accepted, fast_start_answer,
    fast_start_offer, parse_fast_start,
};
pub use opaque::Opaque;

/// Why H.245 bytes could not be made into a value, or a value into bytes, or an offer into an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum H245Error {
    /// The bytes are not a PER encoding of the expected type (rasn's explanation).
    #[error("not a valid H.245 {what}: {reason}")]
    Decode { what: &'static str, reason: String },
    /// The value breaks a constraint of its type (e.g. a frame count of 0), so it has no encoding.
    #[error("H.245 {what} cannot be encoded: {reason}")]
    Encode { what: &'static str, reason: String },
    /// A Fast Start offer with no proposal we can accept.
    #[error("no Fast Start proposal offers a codec we support")]
    NoCommonCodec,
}

/// PER-encodes (aligned) one H.245 PDU.
pub fn encode(message: &MultimediaSystemControlMessage) -> Result<Vec<u8>, H245Error> {
    rasn::aper::encode(message).map_err(|e| H245Error::Encode {
        what: "MultimediaSystemControlMessage",
        reason: e.to_string(),
    })
}

/// Decodes one H.245 PDU (the whole of `bytes`).
pub fn decode(bytes: &[u8]) -> Result<MultimediaSystemControlMessage, H245Error> {
    rasn::aper::decode(bytes).map_err(|e| H245Error::Decode {
        what: "MultimediaSystemControlMessage",
        reason: e.to_string(),
    })
}

/// PER-encodes (aligned) a bare OpenLogicalChannel: one Fast Start element.
pub fn encode_olc(olc: &OpenLogicalChannel) -> Result<Vec<u8>, H245Error> {
    rasn::aper::encode(olc).map_err(|e| H245Error::Encode {
        what: "OpenLogicalChannel",
        reason: e.to_string(),
    })
}

/// Decodes a bare OpenLogicalChannel (one Fast Start element, the whole of `bytes`).
pub fn decode_olc(bytes: &[u8]) -> Result<OpenLogicalChannel, H245Error> {
    rasn::aper::decode(bytes).map_err(|e| H245Error::Decode {
        what: "OpenLogicalChannel",
        reason: e.to_string(),
    })
}
