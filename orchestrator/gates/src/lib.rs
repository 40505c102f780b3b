//! # council-gates
//!
//! Every call Council admits — an H.323 guardian's ARQ or an expert's SIP INVITE — passes the same four gates, in
//! this order, and the first that says no decides the rejection:
//!
//! 1. **identity** ([`IdentityGate`]): the caller is a registered endpoint, an authenticated SIP user, or (when the
//!    configuration allows it) an unauthenticated caller whose alias is on a roster;
//! 2. **bandwidth** ([`BandwidthGate`]): the call fits the per-call limit and the zone's remaining budget;
//! 3. **capacity** ([`CapacityGate`]): the council has a free seat and the endpoint is below its concurrent-call
//!    limit;
//! 4. **policy** ([`PolicyGate`]): the council's roster lets this caller, in this role, in.
//!
//! Each gate is a separate unit with its own [`Reason`]s; a reason has a stable [`Reason::code`] (for the witness
//! log and metrics labels) and knows its [`Gate`]. Nothing here knows H.323 or SIP: the protocol sides describe a
//! call as an [`AdmissionRequest`] and map a [`Rejection`] to their own answer (an ARJ reason, a SIP status).
//!
//! [`Gates`] is the engine: it owns the admitted calls, so it also accounts bandwidth, seats and per-endpoint
//! calls, and gives them back on [`Gates::release`]. It is a plain `&mut self` state machine — no locks, no
//! time, no I/O — so the gatekeeper's event loop owns one and tests and benchmarks drive it directly.
//! [`Decision::witness_fields`] gives the fields of the `call-admitted` / `call-rejected` witness entry.

mod config;
mod engine;
mod gate;
mod pattern;

pub use config::{
    BandwidthConfig, CapacityConfig, CouncilConfig, GatesConfig, IdentityConfig, Member,
    PolicyConfig, Role,
};
pub use engine::{Admitted, Decision, Gates, Usage};
pub use gate::{
    AdmissionRequest, BandwidthGate, Caller, CapacityGate, Destination, Gate, IdentityGate,
    PolicyGate, Reason, Rejection, Verified,
};
pub use pattern::AliasPattern;

/// Bandwidth in units of 100 bit/s, as H.225.0 counts it (`BandWidth ::= INTEGER (0..4294967295)`). A G.729
/// call of 8 kbit/s payload is 80; with IP/UDP/RTP headers at 20 ms packets, 24 kbit/s is 240.
pub type Bandwidth = u32;

/// Errors of configuring the gates.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// Two councils share a name.
    #[error("council {0:?} is configured twice")]
    DuplicateCouncil(String),
    /// A council name is empty.
    #[error("a council has an empty name")]
    EmptyCouncilName,
    /// An alias pattern is empty or has more than one `*`.
    #[error("alias pattern {0:?}: {1}")]
    BadPattern(String, &'static str),
    /// A limit that must be positive is zero.
    #[error("{0} must be at least 1")]
    ZeroLimit(&'static str),
}
