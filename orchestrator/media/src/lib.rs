//! # council-media
//!
//! The media side of Council's calls: GStreamer pipelines built from the descriptions in `pipelines/` (the one
//! source of their shape, see [`pipeline`]), one per call leg, with the values of the call set by element name.
//!
//! - [`EchoSession`]: the echo (`[media] mode = "echo"`, for tests and probes) — the caller's RTP,
//!   decoded, witnessed (`<label>/rx`), encoded again, witnessed (`<label>/tx`) and sent back from the same
//!   socket (symmetric RTP), in the codec and payload type the SDP negotiated. It ends on request, on an RTP
//!   timeout, or on a pipeline error, and leaves no thread, socket or pipeline behind.
//! - [`Conference`]: a council — one live `councilmixer` conference, each call a [`Leg`] built of the same leg
//!   cores: everybody hears everybody else (never themselves) in their own codec, every direction and the full
//!   mix witnessed; participants join and leave while it plays. [`Councils`]: one conference per council name.
//! - [`Media`] / [`Session`]: which of those a daemon gives its calls (or, for a calling terminal, a tone out and
//!   a recording in: [`ToneSession`]).
//! - [`RtpPorts`]: which port each call receives RTP on (a configured range, or any).

pub mod conference;
pub mod echo;
pub mod pipeline;
pub mod ports;
pub mod session;

pub use conference::{Conference, ConferenceSpec, Councils, Leg};
pub use echo::{EchoSession, EchoSpec, Ended, WitnessSpec};
pub use ports::{PortLease, RtpPorts};
pub use session::{Media, Session, ToneSession};

/// Errors of building and running media pipelines.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("GStreamer: {0}")]
    Gst(String),
    #[error("parsing a pipeline description: {0}")]
    Parse(String),
    #[error("the pipeline has no element named {0:?}")]
    NoSuchElement(String),
    #[error("element {element:?} has no property {property:?}")]
    NoSuchProperty { element: String, property: String },
    #[error("the pipeline did not start: {0}")]
    Start(String),
    #[error("RTP ports: {0}")]
    Ports(String),
}

/// Initialises GStreamer and registers Council's own elements (witnesstap, h323pay/depay, g729enc/dec, councilmixer) in this
/// process, so no plugin path is needed. Idempotent.
pub fn init() -> Result<(), Error> {
    static ONCE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        gst::init().map_err(|e| e.to_string())?;
        gstwitness::plugin_register_static().map_err(|e| e.to_string())?;
        gsth323::plugin_register_static().map_err(|e| e.to_string())?;
        gstg729::plugin_register_static().map_err(|e| e.to_string())?;
        gstcouncil::plugin_register_static().map_err(|e| e.to_string())?;
        Ok(())
    })
    .clone()
    .map_err(Error::Gst)
}
