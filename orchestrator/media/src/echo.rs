//! The echo call: the caller hears itself, through the real leg pipelines.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use council_rtp::Codec;
use gst::prelude::*;

use crate::{Error, pipeline};

/// Where the session's taps write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessSpec {
    pub location: PathBuf,
    /// The log's private key file; `None`: unsigned checkpoints.
    pub key: Option<PathBuf>,
}

/// What an echo call needs to know (from SDP offer/answer and the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoSpec {
    pub codec: Codec,
    pub payload_type: u8,
    /// Where we receive RTP; port 0 takes any free port ([`EchoSession::local_port`] says which).
    pub local: SocketAddr,
    /// Where the caller receives RTP.
    pub remote: SocketAddr,
    /// Packet time we send with (the caller's ptime).
    pub ptime_ms: u32,
    pub witness: WitnessSpec,
    /// Labels the taps `<label>/rx` and `<label>/tx`.
    pub label: String,
    /// No RTP for this long ends the call.
    pub rtp_timeout: Duration,
}

/// Why a session ended by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// No RTP arrived for the configured time.
    RtpTimeout,
    /// The pipeline failed (the message names the element and the error).
    Error(String),
    /// The stream ended.
    Eos,
}

/// A running echo call. Dropping it stops it.
#[derive(Debug)]
pub struct EchoSession {
    pipeline: gst::Pipeline,
    bus: gst::Bus,
    local_port: u16,
}

/// The in and out leg descriptions for a codec.
pub(crate) fn legs(codec: Codec) -> (&'static str, &'static str) {
    match codec {
        Codec::Pcmu => (pipeline::SIP_PCMU_IN, pipeline::SIP_PCMU_OUT),
        Codec::Pcma => (pipeline::SIP_PCMA_IN, pipeline::SIP_PCMA_OUT),
        // The RTP payload format of G.729 is the same on SIP and H.323 legs (RFC 3551).
        Codec::G729 => (pipeline::H323_G729_IN, pipeline::H323_G729_OUT),
    }
}

/// The values of a call on its leg cores' elements (names prefixed `rx-` and `tx-`): RTP addresses, caps and
/// timeout, the taps' log, key and labels, payload type and packet time.
pub(crate) fn settings(spec: &EchoSpec) -> Vec<(&'static str, &'static str, String)> {
    let info = spec.codec.info();
    let caps = format!(
        "application/x-rtp,media=audio,clock-rate={},encoding-name={},payload={}",
        info.clock_rate, info.name, spec.payload_type
    );
    let ptime_ns = u64::from(spec.ptime_ms) * 1_000_000;
    let mut settings = vec![
        ("rx-rtp-in", "address", spec.local.ip().to_string()),
        ("rx-rtp-in", "port", spec.local.port().to_string()),
        ("rx-rtp-in", "caps", caps),
        (
            "rx-rtp-in",
            "timeout",
            spec.rtp_timeout.as_nanos().to_string(),
        ),
        (
            "rx-tap",
            "location",
            spec.witness.location.display().to_string(),
        ),
        ("rx-tap", "label", format!("{}/rx", spec.label)),
        (
            "tx-tap",
            "location",
            spec.witness.location.display().to_string(),
        ),
        ("tx-tap", "label", format!("{}/tx", spec.label)),
        ("tx-rtp-out", "host", spec.remote.ip().to_string()),
        ("tx-rtp-out", "port", spec.remote.port().to_string()),
        ("tx-pay", "pt", spec.payload_type.to_string()),
    ];
    if let Some(key) = &spec.witness.key {
        settings.push(("rx-tap", "key", key.display().to_string()));
        settings.push(("tx-tap", "key", key.display().to_string()));
    }
    match spec.codec {
        Codec::G729 => settings.push(("tx-pay", "ptime", spec.ptime_ms.to_string())),
        Codec::Pcmu | Codec::Pcma => {
            settings.push(("tx-pay", "min-ptime", ptime_ns.to_string()));
            settings.push(("tx-pay", "max-ptime", ptime_ns.to_string()));
        }
    }
    settings
}

/// Binds the leg's `rx-rtp-in` (it goes to READY alone) and makes `tx-rtp-out` send from its socket, so the
/// peer gets its audio from the address it sends to (symmetric RTP, what NATs and SIPp's -rtp_echo expect);
/// returns the bound port (`requested` if udpsrc does not say). In a container's own NULL→READY the sink would
/// start (and open sockets of its own) before the source has bound.
pub(crate) fn bind_symmetric(container: &impl IsA<gst::Bin>, requested: u16) -> Result<u16, Error> {
    let udpsrc = container
        .by_name("rx-rtp-in")
        .ok_or_else(|| Error::NoSuchElement("rx-rtp-in".into()))?;
    let udpsink = container
        .by_name("tx-rtp-out")
        .ok_or_else(|| Error::NoSuchElement("tx-rtp-out".into()))?;
    if let Err(e) = udpsrc.set_state(gst::State::Ready) {
        let _ = udpsrc.set_state(gst::State::Null);
        return Err(Error::Start(format!("cannot bind RTP: {e}")));
    }
    let socket = udpsrc.property_value("used-socket");
    udpsink.set_property_from_value("socket", &socket);
    udpsink.set_property("close-socket", false);
    // udpsrc updates its `port` property to the port it bound (when asked for 0).
    let port: i32 = udpsrc.property("port");
    Ok(u16::try_from(port).unwrap_or(requested))
}

impl EchoSession {
    /// The description of an echo session: the in leg's core, then the out leg's core, names prefixed `rx-`
    /// and `tx-`.
    pub fn description(codec: Codec) -> Result<String, Error> {
        let (rx, tx) = legs(codec);
        Ok(format!(
            "{} ! {}",
            pipeline::in_core(rx, "rx-")?,
            pipeline::out_core(tx, "tx-")?
        ))
    }

    /// Builds and starts the session; returns once it is PLAYING and bound.
    pub fn start(spec: &EchoSpec) -> Result<Self, Error> {
        let mut session = Self::prepare(&Self::description(spec.codec)?, spec)?;
        session.play(spec)?;
        Ok(session)
    }

    /// Builds the pipeline of `desc` (leg elements named `rx-…` and `tx-…`) with the call's values, not started.
    pub(crate) fn prepare(desc: &str, spec: &EchoSpec) -> Result<Self, Error> {
        crate::init()?;
        let pipeline = gst::parse::launch(desc)
            .map_err(|e| Error::Parse(e.to_string()))?
            .downcast::<gst::Pipeline>()
            .map_err(|_| Error::Parse("not a pipeline".into()))?;
        pipeline::set(&pipeline, &settings(spec))?;
        let bus = pipeline
            .bus()
            .ok_or_else(|| Error::Gst("a pipeline without a bus".into()))?;
        Ok(Self {
            pipeline,
            bus,
            local_port: 0,
        })
    }

    pub(crate) fn pipeline(&self) -> &gst::Pipeline {
        &self.pipeline
    }

    /// Binds RTP (symmetric) and sets the pipeline PLAYING.
    pub(crate) fn play(&mut self, spec: &EchoSpec) -> Result<(), Error> {
        self.local_port = match bind_symmetric(&self.pipeline, spec.local.port()) {
            Ok(port) => port,
            // The bus says why, if udpsrc posted it.
            Err(e) => return Err(self.error_text().map(Error::Start).unwrap_or(e)),
        };
        if let Err(e) = self.pipeline.set_state(gst::State::Playing) {
            let text = self.error_text().unwrap_or_else(|| e.to_string());
            let _ = self.pipeline.set_state(gst::State::Null);
            return Err(Error::Start(text));
        }
        Ok(())
    }

    /// The first error on the bus, if any, as text.
    fn error_text(&self) -> Option<String> {
        while let Some(msg) = self.bus.pop_filtered(&[gst::MessageType::Error]) {
            if let gst::MessageView::Error(e) = msg.view() {
                return Some(format!(
                    "{}: {}",
                    e.src().map(|s| s.name().to_string()).unwrap_or_default(),
                    e.error()
                ));
            }
        }
        None
    }

    /// The UDP port RTP is received on.
    pub fn local_port(&self) -> u16 {
        self.local_port
    }

    /// The local RTP address (the `local` of the spec with the bound port).
    pub fn local_addr(&self, ip: IpAddr) -> SocketAddr {
        SocketAddr::new(ip, self.local_port)
    }

    /// The pipeline's bus, for an event loop that watches it (see [`EchoSession::ended_by`]).
    pub fn bus(&self) -> &gst::Bus {
        &self.bus
    }

    /// Whether `msg` (from this session's bus) ends the session, and why.
    pub fn ended_by(msg: &gst::Message) -> Option<Ended> {
        match msg.view() {
            gst::MessageView::Error(e) => Some(Ended::Error(format!(
                "{}: {}",
                e.src().map(|s| s.name().to_string()).unwrap_or_default(),
                e.error()
            ))),
            gst::MessageView::Eos(_) => Some(Ended::Eos),
            gst::MessageView::Element(e)
                if e.structure()
                    .is_some_and(|s| s.name() == "GstUDPSrcTimeout") =>
            {
                Some(Ended::RtpTimeout)
            }
            _ => None,
        }
    }

    /// Hands every reason the session ends by itself to `on_end`, from GStreamer's streaming threads, for an
    /// event loop that cannot block on the bus (it may be called more than once: udpsrc repeats its timeout).
    /// Every other message is dropped, except EOS, kept for [`stop`](Self::stop); after this, use `stop`, not
    /// [`wait_ended`](Self::wait_ended).
    pub fn watch(&self, on_end: impl Fn(Ended) + Send + Sync + 'static) {
        self.bus.set_sync_handler(move |_, msg| {
            if let Some(end) = Self::ended_by(msg) {
                let eos = end == Ended::Eos;
                on_end(end);
                if eos {
                    return gst::BusSyncReply::Pass;
                }
            }
            gst::BusSyncReply::Drop
        });
    }

    /// Waits up to `timeout` for the session to end by itself.
    pub fn wait_ended(&self, timeout: Duration) -> Option<Ended> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let msg = self
                .bus
                .timed_pop(gst::ClockTime::from_nseconds(left.as_nanos() as u64))?;
            if let Some(end) = Self::ended_by(&msg) {
                return Some(end);
            }
        }
    }

    /// Ends the call: EOS through both legs so each tap writes its last digest (at most `drain` waited for),
    /// then the pipeline is stopped and dropped.
    pub fn stop(self, drain: Duration) {
        if self.pipeline.send_event(gst::event::Eos::new()) {
            let _ = self.bus.timed_pop_filtered(
                gst::ClockTime::from_nseconds(drain.as_nanos() as u64),
                &[gst::MessageType::Eos, gst::MessageType::Error],
            );
        }
        // Drop does the rest.
    }
}

impl Drop for EchoSession {
    fn drop(&mut self) {
        if self.pipeline.set_state(gst::State::Null).is_err() {
            tracing::warn!("an echo session did not stop cleanly");
        }
    }
}
