//! # council-gatekeeper
//!
//! Council's H.323 gatekeeper (H.225.0 RAS), as a sans-IO state machine in the manner of str0m: requests and time
//! go in ([`Gatekeeper::handle_request`], [`Gatekeeper::handle_timeout`]), replies and witness entries come out
//! ([`Gatekeeper::poll_output`]); it reads no clock and touches no socket. The messages are the RAS messages'
//! meaningful fields ([`ras`]); the wire layer (ASN.1 aligned PER, `council-h225`) maps them to and from bytes.
//!
//! - GRQ → GCF (with the configured alternate gatekeepers) or GRJ when the endpoint asks for another gatekeeper.
//! - RRQ → RCF with an endpoint identifier and a time to live clamped to the configured bounds; lightweight
//!   keep-alive RRQs refresh it; RRJ for duplicate aliases, missing addresses, a full table, or a keep-alive
//!   of an unknown endpoint (fullRegistrationRequired). Registrations expire when their time runs out.
//! - URQ → UCF/URJ; every call the endpoint held is released.
//! - ARQ → the four gates of `council-gates` (identity = registered here, bandwidth, capacity, policy): ACF
//!   (direct to a registered callee, or routed to Council's call-signalling address for a council) or ARJ with
//!   the reason mapped by [`arj_reason`]. Every decision is a `call-admitted` / `call-rejected` witness entry.
//! - BRQ → BCF/BRJ through the bandwidth gate; DRQ → DCF, the call's bandwidth, seat and slot given back.
//! - LRQ → LCF with the call-signalling address of a registered alias or of Council for a council, or LRJ.

mod gatekeeper;
pub mod ras;
mod registry;
pub mod wire;

pub use gatekeeper::{Gatekeeper, GatekeeperConfig, Output, Stats, arj_reason, call_key};
pub use registry::{Refusal, Registration, Registry};

/// Errors of configuring the gatekeeper.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Gates(#[from] council_gates::ConfigError),
    #[error("gatekeeper.min-ttl must be at least 1 and at most max-ttl (got {min}..{max})")]
    Ttl { min: u32, max: u32 },
}
