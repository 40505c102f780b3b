//! Council's SIP core, sans-IO: bytes in, validated messages out; messages in, bytes out.
//!
//! - [`parse`]: strict RFC 3261 parsing of one message (a UDP datagram, or one message a stream
//!   [`framing::StreamDecoder`] cut out), with a [`ParseError`] that says which response, if any, to send.
//! - [`message`]: the validated message model, its serialisation, and responses built per RFC 3261 §8.2.6.
//! - [`framing`]: Content-Length framing of a byte stream (TCP) into messages.
//! - [`uas`]: the checks RFC 3261 §8.2 asks of a UAS before it handles a well-formed request
//!   (405/501, 416, 420, 415, 406, malformed branch), and §8.1.3.3's for responses at a UAC.
//! - [`auth`]: digest authentication (RFC 3261 §22, RFC 7616 algorithms per RFC 8760): stateless
//!   challenges, credential checks, and the client's answer.
//! - [`transaction`]: RFC 3261 §17 client and server transactions, INVITE and non-INVITE (timers A–M).
//!
//! No sockets, no clocks, no async: the orchestrator's run loop owns those.

pub mod auth;
pub mod framing;
pub mod message;
pub mod parse;
pub mod transaction;
pub mod uas;

pub use framing::{Frame, FramingError, StreamDecoder};
pub use message::{
    CSeq, Header, Headers, Message, Method, NameAddr, Param, Request, Response, RouteValue, SipUri,
    Uri, Via,
};
pub use parse::{ParseError, Problem, parse_datagram};
