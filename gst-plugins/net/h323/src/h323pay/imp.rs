// SPDX-License-Identifier: MPL-2.0

//! # h323pay
//!
//! Payloads `audio/x-mulaw`, `audio/x-alaw` or `audio/G729` (`rate=8000, channels=1`) into RTP for an H.323
//! audio channel: PT 0, 8 or 18 by the codec, or the `pt` property for a dynamic PT that H.245 negotiated.
//!
//! ## Why `RTPBasePayload`
//!
//! The payloader's input comes from our own pipeline, not the network, so there is nothing to be strict about
//! that the base class would hide. `RTPBasePayload` does the parts every RTP sender needs and that we would
//! otherwise redo: random SSRC, sequence number and timestamp base (and the `ssrc`, `seqnum-offset`,
//! `timestamp-offset` properties), header writing, RTP timestamps from the PTS' running time, src caps
//! negotiation (including a `payload` that downstream fixes), `mtu` and `stats`. The packet logic — how many
//! frames go into a packet, where a SID frame ends one, which packet gets the marker — is ours, in
//! [`crate::packetizer::Packetizer`], free of GStreamer.
//!
//! ## Timestamps
//!
//! The element counts samples: a packet's PTS is the PTS where the stream was last resynced plus its first
//! sample's offset since then (1/8000 s per sample, exact in nanoseconds), so RTP timestamps step by exactly the
//! samples of each packet. It resyncs — sending what is pending first — on the first buffer, on a DISCONT buffer,
//! and when a buffer's PTS is more than 5 ms away from where the samples so far put it (a DTX encoder went silent,
//! or upstream's clock jumped). Input without PTS is timed by sample count from 0.
//!
//! ## Marker
//!
//! Set on the first packet, the first after a DISCONT buffer, the first after a forward PTS jump (talkspurt after
//! suppressed silence, RFC 3551 §4.1), and the first after a codec change.
//!
//! ## Properties
//!
//! - `pt` (int, -1 to 127, default -1): payload type; -1 uses the codec's static PT (0 PCMU, 8 PCMA, 18 G729).
//!   Replaces `RTPBasePayload`'s `pt` (whose default of 96 cannot say "static").
//! - `ptime` (uint ms, 10 to 1000, default 20): audio per packet. G.729 rounds down to whole 10 ms frames.
//! - `max-ptime` (uint ms, 10 to 1000, default 200): bounds `ptime`. Replaces `RTPBasePayload`'s `max-ptime`
//!   (nanoseconds), which this element does not use.
//! - The payload is also bounded by the base class's `mtu` (less the 12-byte header, and 2 bytes of room for a
//!   G.729 SID frame).
//!
//! `pt`, `ptime` and `max-ptime` take effect at the next caps.
//!
//! ## Broken input
//!
//! A G.729 buffer that is not whole frames (10·n or 10·n+2 bytes) is dropped, the flow goes on; the first such
//! buffer and every 100th are logged as a warning and posted as a WARNING message.

use std::sync::{LazyLock, Mutex};

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;
use gst_rtp::prelude::*;
use gst_rtp::subclass::prelude::*;

use crate::caps;
use crate::packetizer::{Packetizer, Payload};
use crate::rtp::{CODECS, NS_PER_SAMPLE_8K, RTP_HEADER_LEN};

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "h323pay",
        gst::DebugColorFlags::empty(),
        Some("H.323 audio RTP payloader"),
    )
});

const PROP_PT: &str = "pt";
const PROP_PTIME: &str = "ptime";
const PROP_MAX_PTIME: &str = "max-ptime";

const DEFAULT_PT: i32 = -1;
const DEFAULT_PTIME: u32 = 20;
const DEFAULT_MAX_PTIME: u32 = 200;
const MIN_PTIME: u32 = 10;
const MAX_PTIME: u32 = 1000;

/// Refused input buffers are reported at the first and then every this many.
const WARN_EVERY: u64 = 100;

/// How far a buffer's PTS may be from where the sample count puts it before the element resyncs to it.
const PTS_TOLERANCE: gst::ClockTime = gst::ClockTime::from_mseconds(5);

#[derive(Debug, Clone, Copy)]
struct Settings {
    pt: i32,
    ptime: u32,
    max_ptime: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            pt: DEFAULT_PT,
            ptime: DEFAULT_PTIME,
            max_ptime: DEFAULT_MAX_PTIME,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    /// Made at caps.
    packetizer: Option<Packetizer>,
    /// PTS of sample offset 0 of the packetizer; `None` until the first buffer after caps or a flush.
    base_pts: Option<gst::ClockTime>,
    /// Input buffers refused for broken framing, to throttle the warnings.
    refused: u64,
}

#[derive(Default)]
pub struct H323Pay {
    settings: Mutex<Settings>,
    state: Mutex<State>,
}

fn samples_to_time(samples: u64) -> gst::ClockTime {
    gst::ClockTime::from_nseconds(samples * NS_PER_SAMPLE_8K)
}

impl H323Pay {
    /// Sets `RTPBasePayload`'s payload type, which our own `pt` property hides from the property system.
    fn set_base_pt(&self, pt: u8) {
        use glib::translate::ToGlibPtr;
        let obj = self.obj();
        let base: &gst_rtp::RTPBasePayload = obj.upcast_ref();
        let ptr: *mut gst_rtp::ffi::GstRTPBasePayload = base.to_glib_none().0;
        // SAFETY: `ptr` is our own live instance; `pt` is a plain public field of the instance struct that the
        // base class reads when it writes caps and headers, on this same streaming thread or under the object
        // lock it takes for properties.
        unsafe {
            let _guard = obj.object_lock();
            (*ptr).pt = u32::from(pt);
        }
    }

    /// `RTPBasePayload`'s payload type, which downstream caps may have changed.
    fn base_pt(&self) -> u32 {
        use glib::translate::ToGlibPtr;
        let obj = self.obj();
        let base: &gst_rtp::RTPBasePayload = obj.upcast_ref();
        let ptr: *mut gst_rtp::ffi::GstRTPBasePayload = base.to_glib_none().0;
        // SAFETY: as in `set_base_pt`.
        unsafe {
            let _guard = obj.object_lock();
            (*ptr).pt
        }
    }

    /// Turns payloads into RTP buffers and sends them.
    fn send(
        &self,
        payloads: Vec<Payload>,
        base_pts: gst::ClockTime,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        let obj = self.obj();
        for payload in payloads {
            let len = u32::try_from(payload.data.len()).map_err(|_| gst::FlowError::Error)?;
            let mut buffer = obj.allocate_output_buffer(len, 0, 0);
            {
                let buffer = buffer.get_mut().unwrap();
                let pts = base_pts.saturating_add(samples_to_time(payload.start));
                buffer.set_pts(pts);
                buffer.set_duration(samples_to_time(payload.samples));
                if payload.marker {
                    buffer.set_flags(gst::BufferFlags::DISCONT);
                }
                let mut rtp = gst_rtp::RTPBuffer::from_buffer_writable(buffer).map_err(|err| {
                    gst::error!(CAT, imp = self, "Could not map an RTP buffer: {err}");
                    gst::FlowError::Error
                })?;
                rtp.set_marker(payload.marker);
                rtp.payload_mut()
                    .map_err(|err| {
                        gst::error!(CAT, imp = self, "No payload in an RTP buffer: {err}");
                        gst::FlowError::Error
                    })?
                    .copy_from_slice(&payload.data);
                gst::log!(
                    CAT,
                    imp = self,
                    "Packet at {pts}: {} bytes, {} samples{}",
                    payload.data.len(),
                    payload.samples,
                    if payload.marker { ", marker" } else { "" }
                );
            }
            obj.push(buffer)?;
        }
        Ok(gst::FlowSuccess::Ok)
    }

    /// Sends what is pending (at EOS or before new caps).
    fn drain(&self) -> Result<gst::FlowSuccess, gst::FlowError> {
        let (payloads, base) = {
            let mut state = self.state.lock().unwrap();
            let base = state.base_pts.unwrap_or(gst::ClockTime::ZERO);
            let payloads: Vec<_> = state
                .packetizer
                .as_mut()
                .and_then(Packetizer::flush)
                .into_iter()
                .collect();
            (payloads, base)
        };
        self.send(payloads, base)
    }
}

#[glib::object_subclass]
impl ObjectSubclass for H323Pay {
    const NAME: &'static str = "GstH323Pay";
    type Type = super::H323Pay;
    type ParentType = gst_rtp::RTPBasePayload;
}

impl ObjectImpl for H323Pay {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecInt::builder(PROP_PT)
                    .nick("Payload type")
                    .blurb(
                        "RTP payload type; -1: the codec's static one (0 PCMU, 8 PCMA, 18 G729). Set it to the \
                         dynamic PT that H.245 negotiated.",
                    )
                    .minimum(-1)
                    .maximum(127)
                    .default_value(DEFAULT_PT)
                    .mutable_ready()
                    .build(),
                glib::ParamSpecUInt::builder(PROP_PTIME)
                    .nick("Packet time")
                    .blurb("Milliseconds of audio per packet (G.729: rounded down to whole 10 ms frames)")
                    .minimum(MIN_PTIME)
                    .maximum(MAX_PTIME)
                    .default_value(DEFAULT_PTIME)
                    .mutable_ready()
                    .build(),
                glib::ParamSpecUInt::builder(PROP_MAX_PTIME)
                    .nick("Maximum packet time")
                    .blurb("Upper bound of ptime, in milliseconds (the far end's maxptime)")
                    .minimum(MIN_PTIME)
                    .maximum(MAX_PTIME)
                    .default_value(DEFAULT_MAX_PTIME)
                    .mutable_ready()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        let mut settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_PT => settings.pt = value.get().expect("type checked upstream"),
            PROP_PTIME => settings.ptime = value.get().expect("type checked upstream"),
            PROP_MAX_PTIME => settings.max_ptime = value.get().expect("type checked upstream"),
            name => unimplemented!("property {name}"),
        }
        gst::info!(CAT, imp = self, "Settings: {settings:?}");
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        let settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_PT => settings.pt.to_value(),
            PROP_PTIME => settings.ptime.to_value(),
            PROP_MAX_PTIME => settings.max_ptime.to_value(),
            name => unimplemented!("property {name}"),
        }
    }
}

impl GstObjectImpl for H323Pay {}

impl ElementImpl for H323Pay {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "H.323 audio RTP payloader",
                "Codec/Payloader/Network/RTP",
                "Payloads PCMU, PCMA and G.729 (Annex B) audio into RTP for an H.323 call, with packet time, \
                 marker and SID handling",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            let names: Vec<&str> = CODECS.iter().map(|c| c.name).collect();
            let src = gst::Caps::builder("application/x-rtp")
                .field("media", "audio")
                .field("clock-rate", 8000i32)
                .field("encoding-name", gst::List::new(names))
                .field("payload", gst::IntRange::new(0i32, 127))
                .build();
            vec![
                gst::PadTemplate::new(
                    "sink",
                    gst::PadDirection::Sink,
                    gst::PadPresence::Always,
                    &caps::all_audio_caps(),
                )
                .unwrap(),
                gst::PadTemplate::new(
                    "src",
                    gst::PadDirection::Src,
                    gst::PadPresence::Always,
                    &src,
                )
                .unwrap(),
            ]
        });
        PAD_TEMPLATES.as_ref()
    }

    fn change_state(
        &self,
        transition: gst::StateChange,
    ) -> Result<gst::StateChangeSuccess, gst::StateChangeError> {
        if transition == gst::StateChange::ReadyToPaused {
            *self.state.lock().unwrap() = State::default();
        }
        self.parent_change_state(transition)
    }
}

impl RTPBasePayloadImpl for H323Pay {
    fn set_caps(&self, caps: &gst::Caps) -> Result<(), gst::LoggableError> {
        let s = caps
            .structure(0)
            .ok_or_else(|| gst::loggable_error!(CAT, "Empty caps"))?;
        let codec = caps::codec_of(s)
            .ok_or_else(|| gst::loggable_error!(CAT, "Caps {} are not a codec we carry", caps))?;
        let settings = *self.settings.lock().unwrap();
        let info = codec.info();
        let pt = u8::try_from(settings.pt).unwrap_or(info.static_pt);
        self.set_base_pt(pt);

        let obj = self.obj();
        obj.set_options("audio", pt != info.static_pt, info.name, info.clock_rate);
        let max_payload = (obj.mtu() as usize).saturating_sub(RTP_HEADER_LEN);
        let frames = Packetizer::frames_for(codec, settings.ptime, settings.max_ptime, max_payload);
        let ptime_ms =
            frames as u64 * u64::from(info.frame_samples) * 1000 / u64::from(info.clock_rate);
        let extra = gst::Structure::builder("application/x-rtp")
            // Unsigned, as RTPBasePayload reads them (gst_structure_get_uint).
            .field("ptime", ptime_ms as u32)
            .field("maxptime", settings.max_ptime)
            .build();
        obj.set_outcaps(Some(&extra))
            .map_err(|err| gst::loggable_error!(CAT, "Could not set src caps: {}", err))?;

        let pt = self.base_pt();
        gst::info!(
            CAT,
            imp = self,
            "{codec} as PT {pt}, {frames} frames per packet ({ptime_ms} ms)"
        );
        let mut state = self.state.lock().unwrap();
        let changed = state.packetizer.as_ref().map(Packetizer::codec) != Some(codec);
        if changed || state.packetizer.as_ref().map(Packetizer::frames_per_packet) != Some(frames) {
            state.packetizer = Some(Packetizer::new(codec, frames));
            state.base_pts = None;
        }
        Ok(())
    }

    fn handle_buffer(&self, buffer: gst::Buffer) -> Result<gst::FlowSuccess, gst::FlowError> {
        let map = buffer.map_readable().map_err(|err| {
            gst::error!(CAT, imp = self, "Could not map a buffer: {err}");
            gst::FlowError::Error
        })?;
        let discont = buffer.flags().contains(gst::BufferFlags::DISCONT);
        let pts = buffer.pts();

        let mut batches = Vec::new();
        // Posted after the lock is released: a bus sync handler may call back into the element.
        let mut refused = None;
        {
            let mut guard = self.state.lock().unwrap();
            let state = &mut *guard;
            let Some(packetizer) = state.packetizer.as_mut() else {
                drop(guard);
                gst::element_imp_error!(self, gst::CoreError::Negotiation, ["No caps before data"]);
                return Err(gst::FlowError::NotNegotiated);
            };

            let expected = state
                .base_pts
                .map(|base| base.saturating_add(samples_to_time(packetizer.next_sample())));
            let resync = match (expected, pts) {
                (None, _) => Some(true),
                (Some(_), _) if discont => Some(true),
                (Some(exp), Some(pts)) if pts.absdiff(exp) > PTS_TOLERANCE => {
                    gst::debug!(CAT, imp = self, "PTS {pts} where {exp} was due: resync");
                    Some(pts > exp)
                }
                _ => None,
            };
            if let Some(marker) = resync {
                let old_base = state.base_pts.unwrap_or(gst::ClockTime::ZERO);
                if let Some(flushed) = packetizer.resync(marker) {
                    batches.push((vec![flushed], old_base));
                }
                state.base_pts = Some(pts.or(expected).unwrap_or(gst::ClockTime::ZERO));
            }
            let base = state.base_pts.unwrap_or(gst::ClockTime::ZERO);
            match packetizer.push(map.as_slice()) {
                Ok(payloads) => batches.push((payloads, base)),
                Err(err) => {
                    state.refused += 1;
                    refused = Some((err, state.refused));
                }
            }
        }
        drop(map);
        match refused {
            Some((err, n)) if n == 1 || n.is_multiple_of(WARN_EVERY) => {
                gst::warning!(
                    CAT,
                    imp = self,
                    "Dropped an input buffer ({n} so far): {err}"
                );
                gst::element_imp_warning!(
                    self,
                    gst::StreamError::Format,
                    ["Dropped an input buffer ({} so far): {}", n, err]
                );
            }
            Some((err, n)) => {
                gst::debug!(
                    CAT,
                    imp = self,
                    "Dropped an input buffer ({n} so far): {err}"
                )
            }
            None => {}
        }

        for (payloads, base) in batches {
            self.send(payloads, base)?;
        }
        Ok(gst::FlowSuccess::Ok)
    }

    fn sink_event(&self, event: gst::Event) -> bool {
        match event.view() {
            gst::EventView::Eos(_) | gst::EventView::Caps(_) => {
                // What is pending belongs to the caps and stream before this event.
                if let Err(err) = self.drain() {
                    gst::debug!(CAT, imp = self, "Could not send the last packet: {err:?}");
                }
            }
            gst::EventView::FlushStop(_) => {
                let mut state = self.state.lock().unwrap();
                if let Some(p) = state.packetizer.as_mut() {
                    let codec = p.codec();
                    let frames = p.frames_per_packet();
                    *p = Packetizer::new(codec, frames);
                }
                state.base_pts = None;
            }
            _ => {}
        }
        self.parent_sink_event(event)
    }
}
