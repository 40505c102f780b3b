// SPDX-License-Identifier: MPL-2.0

//! # h323depay
//!
//! Takes the RTP packets of an H.323 audio channel and outputs their payloads as `audio/x-mulaw`, `audio/x-alaw`
//! or `audio/G729` (all `rate=8000, channels=1`), choosing the codec by each packet's payload type: 0 PCMU,
//! 8 PCMA, 18 G.729, and any PT mapped by the `pt-map` property or by the sink caps (`payload` with
//! `encoding-name`). When the terminal switches codec mid-call, new caps go downstream before the first buffer of
//! the new codec.
//!
//! ## Why a plain element and not `RTPBaseDepayload`
//!
//! `RTPBaseDepayload` maps every packet with `GstRTPBuffer` before the subclass sees it and drops the packets it
//! finds invalid itself, posting an unthrottled WARNING message for each and counting none; its checks are also
//! not ours (no G.729 framing, and nothing to fuzz without GStreamer). Here every packet goes through
//! [`crate::receiver::Receiver`] — the same GStreamer-free code the fuzz target runs — so every drop is counted
//! in `stats` and reported at a rate we choose, and the sequence/SSRC/marker rules are unit-tested. What the base
//! class would have given us is small: segment and caps forwarding, and turning `GstRTPPacketLost` into GAP
//! events, which this element does too.
//!
//! ## Buffers
//!
//! One output buffer per accepted packet holding its whole payload (padding removed; as `rtpg729depay` does),
//! sharing the input's memory. PTS is the packet buffer's PTS (set by `udpsrc`/`rtpjitterbuffer`), duration the
//! samples the payload covers (a G.729 SID frame counts 10 ms). Flags (rules in [`crate::receiver`]):
//! - DISCONT on the first buffer, after a sequence gap, a dropped malformed packet, an SSRC change, a codec
//!   change, a flush, a `GstRTPPacketLost` event, and on a marker packet whose RTP timestamp shows that silence
//!   was suppressed before it;
//! - RESYNC on every marker packet (talkspurt start), as `rtpg729depay` does.
//!
//! ## Dropped packets
//!
//! A packet that is not valid RTP (RFC 3550: version, CSRC list, extension, padding vs. length), whose payload
//! breaks its codec's framing (G.729: 10·n or 10·n+2 bytes, non-empty; G.711: non-empty), whose PT maps to no
//! codec, or that comes late (duplicate) is dropped and counted in `stats`. The flow goes on (`OK`): a bad packet
//! from the network is never an error. The first drop and every 100th after it are logged as a warning and
//! posted as a WARNING message; the others are logged at DEBUG level.
//!
//! ## Properties
//!
//! - `pt-map` (string, default empty): `"96:G729,97:PCMU"` (see [`crate::rtp::PtMap`]): dynamic PTs as H.245
//!   opened them. Overrides the static PTs and the sink caps. Can be changed while playing; an invalid string is
//!   refused with a warning and the previous map stays.
//! - `stats` (GstStructure `h323depay-stats`, read-only): `packets`, `bytes` (packets received and their size,
//!   headers included, whatever became of them), `dropped-malformed`, `dropped-unknown-pt`, `dropped-late`,
//!   `ssrc-changes`, `codec-changes`, `lost` (packets missing from sequence gaps), all `guint64`. Reset when the
//!   element goes from READY to PAUSED, kept after it stops.

use std::sync::{LazyLock, Mutex};

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;

use crate::caps;
use crate::receiver::{Dropped, Receiver, Stats};
use crate::rtp::{Codec, NS_PER_SAMPLE_8K, PtMap};

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "h323depay",
        gst::DebugColorFlags::empty(),
        Some("H.323 audio RTP depayloader"),
    )
});

const PROP_PT_MAP: &str = "pt-map";
const PROP_STATS: &str = "stats";

/// Name of the `stats` structure.
const STATS_NAME: &str = "h323depay-stats";
/// Name of the custom event `rtpjitterbuffer` sends for a lost packet.
const PACKET_LOST_EVENT: &str = "GstRTPPacketLost";
/// Drops are reported at the first and then every this many.
const WARN_EVERY: u64 = 100;

#[derive(Debug, Clone, Default)]
struct Settings {
    /// From the `pt-map` property.
    pt_map: PtMap,
}

#[derive(Debug, Default)]
struct State {
    receiver: Receiver,
    /// Mappings from the sink caps (`payload` + `encoding-name`), under the property's.
    caps_map: PtMap,
    /// The codec of the caps last sent downstream.
    src_codec: Option<Codec>,
    /// The segment, held back until caps are sent (sticky events go stream-start, caps, segment).
    pending_segment: Option<gst::Event>,
    /// Drops so far (all kinds), to throttle the warnings.
    drops: u64,
}

pub struct H323Depay {
    sinkpad: gst::Pad,
    srcpad: gst::Pad,
    settings: Mutex<Settings>,
    state: Mutex<State>,
}

/// The property map over the caps map.
fn merge(caps_map: &PtMap, property: &PtMap) -> PtMap {
    let mut map = caps_map.clone();
    for pt in 0..=127u8 {
        if let Some(codec) = property.get(pt) {
            map.insert(pt, codec);
        }
    }
    map
}

impl H323Depay {
    fn stats_structure(stats: &Stats) -> gst::Structure {
        gst::Structure::builder(STATS_NAME)
            .field("packets", stats.packets)
            .field("bytes", stats.bytes)
            .field("dropped-malformed", stats.dropped_malformed)
            .field("dropped-unknown-pt", stats.dropped_unknown_pt)
            .field("dropped-late", stats.dropped_late)
            .field("ssrc-changes", stats.ssrc_changes)
            .field("codec-changes", stats.codec_changes)
            .field("lost", stats.lost)
            .build()
    }

    fn report_drop(&self, dropped: &Dropped, n: u64) {
        if n == 1 || n.is_multiple_of(WARN_EVERY) {
            gst::warning!(
                CAT,
                imp = self,
                "Dropped packet ({n} drops so far): {dropped}"
            );
            gst::element_imp_warning!(
                self,
                gst::StreamError::Decode,
                ["Dropped an RTP packet ({} drops so far): {}", n, dropped]
            );
        } else {
            gst::debug!(
                CAT,
                imp = self,
                "Dropped packet ({n} drops so far): {dropped}"
            );
        }
    }

    fn chain(
        &self,
        _pad: &gst::Pad,
        buffer: gst::Buffer,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        let map = match buffer.map_readable() {
            Ok(map) => map,
            Err(err) => {
                gst::warning!(CAT, imp = self, "Could not map a buffer, dropped: {err}");
                return Ok(gst::FlowSuccess::Ok);
            }
        };

        let mut events = Vec::new();
        let out = {
            let mut guard = self.state.lock().unwrap();
            let state = &mut *guard;
            let accepted = match state.receiver.push(map.as_slice()) {
                Ok(accepted) => accepted,
                Err(dropped) => {
                    state.drops += 1;
                    let n = state.drops;
                    // Not holding the lock while posting: a bus sync handler may read `stats`.
                    drop(guard);
                    drop(map);
                    self.report_drop(&dropped, n);
                    return Ok(gst::FlowSuccess::Ok);
                }
            };
            if accepted.ssrc_changed {
                gst::info!(
                    CAT,
                    imp = self,
                    "SSRC changed to {:#010x} at sequence number {}",
                    accepted.ssrc,
                    accepted.sequence
                );
            }
            if accepted.lost > 0 {
                gst::debug!(
                    CAT,
                    imp = self,
                    "{} packets lost before sequence number {}",
                    accepted.lost,
                    accepted.sequence
                );
            }
            if state.src_codec != Some(accepted.codec) {
                gst::info!(
                    CAT,
                    imp = self,
                    "Codec {} (PT {}), was {:?}",
                    accepted.codec,
                    accepted.payload_type,
                    state.src_codec
                );
                state.src_codec = Some(accepted.codec);
                events.push(gst::event::Caps::new(&caps::audio_caps(accepted.codec)));
                if let Some(segment) = state.pending_segment.take() {
                    events.push(segment);
                }
            }

            // The payload is a slice of `map`: its offset there is its offset in the buffer.
            let offset = accepted.payload.as_ptr() as usize - map.as_slice().as_ptr() as usize;
            let mut out = buffer
                .copy_region(
                    gst::BufferCopyFlags::MEMORY,
                    offset..offset + accepted.payload.len(),
                )
                .map_err(|err| {
                    gst::error!(CAT, imp = self, "Could not share the payload: {err}");
                    gst::FlowError::Error
                })?;
            {
                let out = out.get_mut().unwrap();
                out.set_pts(buffer.pts());
                out.set_duration(gst::ClockTime::from_nseconds(
                    accepted.layout.samples * NS_PER_SAMPLE_8K,
                ));
                let mut flags = gst::BufferFlags::empty();
                if accepted.discont {
                    flags |= gst::BufferFlags::DISCONT;
                }
                if accepted.resync {
                    flags |= gst::BufferFlags::RESYNC;
                }
                out.set_flags(flags);
            }
            gst::log!(
                CAT,
                imp = self,
                "Packet {} ts {} {}: {} bytes, {} samples{}{}",
                accepted.sequence,
                accepted.timestamp,
                accepted.codec,
                accepted.payload.len(),
                accepted.layout.samples,
                if accepted.discont { ", DISCONT" } else { "" },
                if accepted.resync { ", RESYNC" } else { "" }
            );
            out
        };
        drop(map);

        for event in events {
            if !self.srcpad.push_event(event) {
                gst::debug!(CAT, imp = self, "Downstream refused an event");
            }
        }
        self.srcpad.push(out)
    }

    fn sink_event(&self, pad: &gst::Pad, event: gst::Event) -> bool {
        use gst::EventView;
        match event.view() {
            EventView::Caps(c) => {
                self.caps_from_upstream(c.caps());
                // Our own caps go downstream with the first packet, once we know its codec.
                true
            }
            EventView::Segment(s) => {
                let event = if s.segment().format() == gst::Format::Time {
                    event.clone()
                } else {
                    gst::debug!(CAT, imp = self, "Non-TIME segment, sending a TIME one");
                    gst::event::Segment::new(&gst::FormattedSegment::<gst::ClockTime>::new())
                };
                let mut state = self.state.lock().unwrap();
                if state.src_codec.is_none() {
                    state.pending_segment = Some(event);
                    true
                } else {
                    state.pending_segment = None;
                    drop(state);
                    self.srcpad.push_event(event)
                }
            }
            EventView::FlushStop(_) => {
                {
                    let mut state = self.state.lock().unwrap();
                    state.receiver.discont();
                }
                gst::Pad::event_default(pad, Some(&*self.obj()), event)
            }
            EventView::CustomDownstream(c)
                if c.structure().is_some_and(|s| s.name() == PACKET_LOST_EVENT) =>
            {
                self.packet_lost(c.structure().unwrap())
            }
            _ => gst::Pad::event_default(pad, Some(&*self.obj()), event),
        }
    }

    /// `rtpjitterbuffer` gave up on a packet: the next buffer is DISCONT, and the hole becomes a GAP event so a
    /// decoder can conceal it.
    fn packet_lost(&self, s: &gst::StructureRef) -> bool {
        let timestamp = s.get::<u64>("timestamp").ok();
        let duration = s.get::<u64>("duration").ok();
        let has_caps = {
            let mut state = self.state.lock().unwrap();
            state.receiver.mark_discont();
            state.src_codec.is_some()
        };
        gst::debug!(
            CAT,
            imp = self,
            "Packet lost at {:?} for {:?} ns",
            timestamp,
            duration
        );
        match timestamp {
            Some(ts) if has_caps && ts != u64::MAX => {
                let gap = gst::event::Gap::builder(gst::ClockTime::from_nseconds(ts))
                    .duration(
                        duration
                            .filter(|d| *d != u64::MAX)
                            .map(gst::ClockTime::from_nseconds),
                    )
                    .build();
                self.srcpad.push_event(gap)
            }
            _ => true,
        }
    }

    fn caps_from_upstream(&self, caps: &gst::CapsRef) {
        let mut caps_map = PtMap::default();
        let fields = caps
            .structure(0)
            .map(|s| (s.get::<i32>("payload"), s.get::<&str>("encoding-name")));
        if let Some((Ok(pt), Ok(name))) = fields {
            match (
                u8::try_from(pt).ok().filter(|p| *p <= 127),
                Codec::from_name(name),
            ) {
                (Some(pt), Some(codec)) => caps_map.insert(pt, codec),
                _ => gst::info!(
                    CAT,
                    imp = self,
                    "Caps map PT {pt} to {name:?}, which we do not carry"
                ),
            }
        }
        gst::debug!(
            CAT,
            imp = self,
            "Sink caps {caps}, PT map from caps: {caps_map}"
        );
        let property = self.settings.lock().unwrap().pt_map.clone();
        let mut state = self.state.lock().unwrap();
        state.receiver.set_pt_map(merge(&caps_map, &property));
        state.caps_map = caps_map;
    }
}

#[glib::object_subclass]
impl ObjectSubclass for H323Depay {
    const NAME: &'static str = "GstH323Depay";
    type Type = super::H323Depay;
    type ParentType = gst::Element;

    fn with_class(klass: &Self::Class) -> Self {
        let sinkpad = gst::Pad::builder_from_template(&klass.pad_template("sink").unwrap())
            .chain_function(|pad, parent, buffer| {
                H323Depay::catch_panic_pad_function(
                    parent,
                    || Err(gst::FlowError::Error),
                    |imp| imp.chain(pad, buffer),
                )
            })
            .event_function(|pad, parent, event| {
                H323Depay::catch_panic_pad_function(
                    parent,
                    || false,
                    |imp| imp.sink_event(pad, event),
                )
            })
            .build();
        let srcpad = gst::Pad::builder_from_template(&klass.pad_template("src").unwrap()).build();
        Self {
            sinkpad,
            srcpad,
            settings: Mutex::new(Settings::default()),
            state: Mutex::new(State {
                receiver: Receiver::new(PtMap::default()),
                ..Default::default()
            }),
        }
    }
}

impl ObjectImpl for H323Depay {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecString::builder(PROP_PT_MAP)
                    .nick("Payload type map")
                    .blurb(
                        "Payload types mapped to codecs, as H.245 negotiated them: comma-separated PT:CODEC, \
                         PT 0-127, CODEC one of PCMU, PCMA, G729 (e.g. \"96:G729,97:PCMU\"). Overrides the \
                         static types (0 PCMU, 8 PCMA, 18 G729) and the sink caps.",
                    )
                    .mutable_playing()
                    .build(),
                glib::ParamSpecBoxed::builder::<gst::Structure>(PROP_STATS)
                    .nick("Statistics")
                    .blurb(
                        "h323depay-stats: packets, bytes, dropped-malformed, dropped-unknown-pt, dropped-late, \
                         ssrc-changes, codec-changes, lost (all guint64)",
                    )
                    .read_only()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        match pspec.name() {
            PROP_PT_MAP => {
                let text: Option<String> = value.get().expect("type checked upstream");
                let map = match text.as_deref().unwrap_or("").parse::<PtMap>() {
                    Ok(map) => map,
                    Err(err) => {
                        gst::warning!(
                            CAT,
                            imp = self,
                            "Invalid pt-map {text:?}, keeping the previous one: {err}"
                        );
                        return;
                    }
                };
                gst::info!(CAT, imp = self, "PT map: {map}");
                self.settings.lock().unwrap().pt_map = map.clone();
                let mut state = self.state.lock().unwrap();
                let merged = merge(&state.caps_map, &map);
                state.receiver.set_pt_map(merged);
            }
            name => unimplemented!("property {name}"),
        }
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        match pspec.name() {
            PROP_PT_MAP => self.settings.lock().unwrap().pt_map.to_string().to_value(),
            PROP_STATS => {
                let stats = self.state.lock().unwrap().receiver.stats();
                Self::stats_structure(&stats).to_value()
            }
            name => unimplemented!("property {name}"),
        }
    }

    fn constructed(&self) {
        self.parent_constructed();
        let obj = self.obj();
        obj.add_pad(&self.sinkpad).unwrap();
        obj.add_pad(&self.srcpad).unwrap();
    }
}

impl GstObjectImpl for H323Depay {}

impl ElementImpl for H323Depay {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "H.323 audio RTP depayloader",
                "Codec/Depayloader/Network/RTP",
                "Extracts PCMU, PCMA and G.729 (Annex B) audio from the RTP packets of an H.323 call, by \
                 static or mapped dynamic payload type",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            vec![
                gst::PadTemplate::new(
                    "sink",
                    gst::PadDirection::Sink,
                    gst::PadPresence::Always,
                    &caps::rtp_caps(),
                )
                .unwrap(),
                gst::PadTemplate::new(
                    "src",
                    gst::PadDirection::Src,
                    gst::PadPresence::Always,
                    &caps::all_audio_caps(),
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
            let mut state = self.state.lock().unwrap();
            state.receiver.reset();
            state.src_codec = None;
            state.pending_segment = None;
            state.drops = 0;
        }
        self.parent_change_state(transition)
    }
}
