//! # council-q931
//!
//! The two outer layers of H.225.0 call signalling, sans-IO: [`tpkt`] cuts the TCP stream into packets, and
//! [`Message`] is one Q.931 message (ITU-T Q.931 §4 as profiled by H.225.0 §7): protocol discriminator 0x08, a
//! two-octet call reference with its flag, the message type, and information elements. The H.225.0 PDU itself
//! travels, PER-encoded, in the user-user IE ([`Message::user_user`]), which H.225.0 gives a **two-octet** length
//! (Q.931 proper has one). Decoding the PDU is the `council-h225` crate's business; this crate only carries it.
//!
//! Everything here takes bytes and returns values or errors: no sockets, no panics on any input.

pub mod ie;
mod message;
pub mod tpkt;

pub use ie::{Cause, Ie, PartyNumber};
pub use message::{CallReference, Message, MessageType, PROTOCOL_DISCRIMINATOR};

/// Errors of framing, parsing and encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("TPKT version {0}, expected 3")]
    TpktVersion(u8),
    #[error("TPKT length {0} is shorter than its own header")]
    TpktLength(usize),
    #[error("TPKT payload of {0} octets is longer than allowed")]
    TpktTooLong(usize),
    #[error("Q.931 message too short: {0} octets")]
    TooShort(usize),
    #[error("protocol discriminator {0:#04x} is not Q.931 (0x08)")]
    ProtocolDiscriminator(u8),
    #[error("call reference of {0} octets (at most 2)")]
    CallReferenceLength(usize),
    #[error("message type {0:#04x} has its high bit set")]
    MessageTypeByte(u8),
    #[error("information element {id:#04x} at offset {offset} runs past the end of the message")]
    Truncated { id: u8, offset: usize },
    #[error("information element {id:#04x} of {len} octets is too long to encode")]
    IeTooLong { id: u8, len: usize },
    #[error("information element {id:#04x} is malformed: {why}")]
    BadIe { id: u8, why: &'static str },
}
