// SPDX-License-Identifier: MPL-2.0

//! # g729dec
//!
//! A [`gst_audio::AudioDecoder`] over [`g729::Decoder`]: `audio/G729, rate=8000, channels=1` in,
//! `audio/x-raw, format=S16LE, layout=interleaved, rate=8000, channels=1` out, 80 samples (10 ms) per frame.
//!
//! ## Input
//!
//! One buffer is one unit as `rtpg729depay` (or `h323depay`) emits it: the whole RTP payload, i.e. `n` 10-byte
//! speech frames optionally followed by one 2-byte Annex B SID frame (10·n or 10·n+2 bytes, n ≥ 0, not empty).
//! Each speech or SID frame gives 80 samples, so the output of a buffer is `n` (+1) × 10 ms, timestamped by the
//! base class from the input PTS (`finish_frame` with one input frame). The decoder adds nothing: a stream of speech
//! frames decodes exactly as the codec crate does (the ITU vectors, byte for byte).
//!
//! A buffer of any other length (7 bytes, 13, …) is dropped and counted in `stats` (`bad-buffers`); the flow
//! goes on (`OK`). The first and every 100th are logged as a warning and posted as a WARNING message, the others
//! at DEBUG level. The next good buffer is then treated as after a DISCONT (a timestamp jump is concealed). An
//! empty buffer is discarded by the base class before the decoder sees it (not counted).
//!
//! With the base class's default `tolerance` (0), every output buffer takes its input buffer's PTS (the filled
//! frames below excepted, which come before it); its duration is the samples it holds.
//!
//! ## Lost frames, DTX pauses
//!
//! The decoder is PLC-aware (`gst_audio_decoder_set_plc_aware`, in `set_format`) and the base class's own
//! concealment switch is on, so a GAP event reaches [`AudioDecoderImpl::handle_frame`] as an empty buffer whose
//! PTS and duration are the gap's. Its duration, rounded to the nearest 10 ms (at most 10 s), is filled with frames
//! (a GAP without a duration, or shorter than 5 ms, is forwarded downstream as it is):
//! - after a SID frame (a DTX pause, the sender is silent on purpose) with [`g729::Decoder::decode_untransmitted`]:
//!   the comfort noise the SID described continues (counted in `untransmitted`);
//! - otherwise with [`g729::Decoder::conceal`], the ITU frame erasure concealment (counted in `concealed`).
//!
//! A buffer whose PTS jumps past the end of the previous output is filled the same way, the filled frames
//! prepended to its own output (whose PTS is set to the input PTS minus their duration in
//! [`AudioDecoderImpl::pre_push`]), so the output stays contiguous:
//! - in a DTX pause, always (a sender sends nothing between a SID and the next talkspurt; up to 10 s);
//! - otherwise only if the buffer is flagged DISCONT (or follows a dropped bad buffer), up to 200 ms
//!   (20 frames); a longer jump is not filled (the output is DISCONT, as the input). Without a DISCONT a jump
//!   is taken for timestamp jitter (e.g. `udpsrc` arrival times without a jitter buffer) and not filled.
//!
//! ## Properties
//!
//! - `plc` (bool, default `true`): conceal lost frames. When `false`, lost frames are output as silence (the
//!   decoder still runs its concealment, so that it recovers as the reference does); comfort noise in a DTX
//!   pause is not concealment and is produced either way. This property shadows the base class's own `plc`
//!   property (default `false` there): the base class's switch is always on here, so that gaps always reach the
//!   decoder, and this one decides what fills them.
//! - `stats` (GstStructure `g729dec-stats`, read-only): `buffers` (input buffers, good or bad; not GAP events),
//!   `frames` (speech frames decoded), `sid` (SID frames decoded), `untransmitted` (comfort-noise frames generated
//!   in DTX pauses), `concealed` (lost frames concealed or silenced), `bad-buffers` (dropped input buffers), all
//!   `guint64`. Reset when the element starts (READY → PAUSED), kept after it stops.

use std::sync::{LazyLock, Mutex};

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;
use gst_audio::prelude::*;
use gst_audio::subclass::prelude::*;

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "g729dec",
        gst::DebugColorFlags::empty(),
        Some("G.729 audio decoder"),
    )
});

const PROP_PLC: &str = "plc";
const PROP_STATS: &str = "stats";

const DEFAULT_PLC: bool = true;

/// Name of the `stats` structure.
const STATS_NAME: &str = "g729dec-stats";
/// Bad buffers are reported at the first and then every this many.
const WARN_EVERY: u64 = 100;

/// Samples per frame (10 ms at 8 kHz).
const FRAME_SAMPLES: usize = g729::FRAME_SAMPLES;
/// Bytes of a speech frame.
const FRAME_BYTES: usize = g729::FRAME_BYTES;
/// Bytes of an Annex B SID frame.
const SID_BYTES: usize = 2;
/// Duration of a frame.
const FRAME_DURATION: gst::ClockTime = gst::ClockTime::from_mseconds(10);
/// Most frames filled for a GAP event or a timestamp jump in a DTX pause (10 s): bounds the memory a single
/// (bogus) event can make us allocate.
const MAX_GAP_FRAMES: u64 = 1000;
/// Most frames concealed for a DISCONT timestamp jump outside a DTX pause (200 ms): past that the concealment has
/// faded to silence anyway and a hole (with DISCONT) says more than invented audio.
const MAX_DISCONT_FRAMES: u64 = 20;

#[derive(Debug, Clone, Copy)]
struct Settings {
    /// From the `plc` property.
    plc: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { plc: DEFAULT_PLC }
    }
}

/// The `stats` counters.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    buffers: u64,
    frames: u64,
    sid: u64,
    untransmitted: u64,
    concealed: u64,
    bad_buffers: u64,
}

#[derive(Debug, Default)]
struct State {
    decoder: g729::Decoder,
    /// The last frame received was a SID frame: the sender is in a DTX pause, what is missing was not sent.
    in_dtx: bool,
    /// Where the output of the last buffer ended (its input PTS plus what it decoded), to detect jumps.
    next_pts: Option<gst::ClockTime>,
    /// A bad buffer was dropped since the last good one: a timestamp jump is loss, as after a DISCONT.
    after_bad: bool,
    /// PTS of the buffer being finished when filled frames were prepended to it (its input PTS minus their
    /// duration), for `pre_push` to set: the base class stamps it with the input PTS (or, within `tolerance`, with
    /// its own running count).
    fill_pts: Option<gst::ClockTime>,
    stats: Stats,
}

impl State {
    /// Resets the codec and the stream tracking, not the counters.
    fn reset_stream(&mut self) {
        self.decoder = g729::Decoder::new();
        self.in_dtx = false;
        self.next_pts = None;
        self.after_bad = false;
        self.fill_pts = None;
    }

    /// Appends `n` frames for missing input: comfort noise in a DTX pause, else concealment (or silence).
    fn fill(&mut self, n: u64, plc: bool, out: &mut Vec<i16>) {
        let mut pcm = [0i16; FRAME_SAMPLES];
        for _ in 0..n {
            if self.in_dtx {
                self.decoder.decode_untransmitted(&mut pcm);
                self.stats.untransmitted += 1;
            } else {
                self.decoder.conceal(&mut pcm);
                if !plc {
                    pcm = [0; FRAME_SAMPLES];
                }
                self.stats.concealed += 1;
            }
            out.extend_from_slice(&pcm);
        }
    }

    /// Appends the decoded speech frames and optional SID frame of a valid payload.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let mut pcm = [0i16; FRAME_SAMPLES];
        let mut chunks = payload.chunks_exact(FRAME_BYTES);
        for frame in &mut chunks {
            self.decoder.decode(frame.try_into().unwrap(), &mut pcm);
            out.extend_from_slice(&pcm);
            self.stats.frames += 1;
            self.in_dtx = false;
        }
        if let Ok(sid) = <&[u8; SID_BYTES]>::try_from(chunks.remainder()) {
            self.decoder.decode_sid(sid, &mut pcm);
            out.extend_from_slice(&pcm);
            self.stats.sid += 1;
            self.in_dtx = true;
        }
    }
}

/// Whether a payload is `n` speech frames and an optional SID frame, and not empty.
fn valid_payload(len: usize) -> bool {
    len > 0 && matches!(len % FRAME_BYTES, 0 | SID_BYTES)
}

/// Frames in `d`, rounded to the nearest (saturating: a duration near the end of time must not overflow).
fn frames_in(d: gst::ClockTime) -> u64 {
    d.nseconds().saturating_add(FRAME_DURATION.nseconds() / 2) / FRAME_DURATION.nseconds()
}

/// An output buffer holding `samples` as S16LE.
fn pcm_buffer(samples: &[i16]) -> gst::Buffer {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    gst::Buffer::from_mut_slice(bytes)
}

#[derive(Default)]
pub struct G729Dec {
    settings: Mutex<Settings>,
    state: Mutex<State>,
}

impl G729Dec {
    fn stats_structure(stats: &Stats) -> gst::Structure {
        gst::Structure::builder(STATS_NAME)
            .field("buffers", stats.buffers)
            .field("frames", stats.frames)
            .field("sid", stats.sid)
            .field("untransmitted", stats.untransmitted)
            .field("concealed", stats.concealed)
            .field("bad-buffers", stats.bad_buffers)
            .build()
    }

    fn report_bad(&self, len: usize, n: u64) {
        if n == 1 || n.is_multiple_of(WARN_EVERY) {
            gst::warning!(
                CAT,
                imp = self,
                "Dropped a {len}-byte buffer: not 10·n or 10·n+2 bytes ({n} so far)"
            );
            gst::element_imp_warning!(
                self,
                gst::StreamError::Decode,
                [
                    "Dropped a {}-byte G.729 buffer: not 10·n or 10·n+2 bytes ({} so far)",
                    len,
                    n
                ]
            );
        } else {
            gst::debug!(CAT, imp = self, "Dropped a {len}-byte buffer ({n} so far)");
        }
    }

    /// A GAP handed over by the base class as an empty buffer: fill its duration.
    fn handle_gap(&self, buffer: &gst::Buffer) -> Result<gst::FlowSuccess, gst::FlowError> {
        let plc = self.settings.lock().unwrap().plc;
        let n = buffer
            .duration()
            .map(frames_in)
            .unwrap_or(0)
            .min(MAX_GAP_FRAMES);
        let mut out = Vec::new();
        {
            let mut state = self.state.lock().unwrap();
            gst::debug!(
                CAT,
                imp = self,
                "Gap at {:?} for {:?}: {n} frames of {}",
                buffer.pts(),
                buffer.duration(),
                if state.in_dtx {
                    "comfort noise"
                } else {
                    "concealment"
                }
            );
            state.fill(n, plc, &mut out);
            let filled = FRAME_DURATION * n;
            state.next_pts = buffer
                .pts()
                .or(state.next_pts)
                .map(|pts| pts.saturating_add(filled));
        }
        if out.is_empty() {
            return self.obj().finish_frame(None, 1);
        }
        self.obj().finish_frame(Some(pcm_buffer(&out)), 1)
    }
}

#[glib::object_subclass]
impl ObjectSubclass for G729Dec {
    const NAME: &'static str = "GstG729Dec";
    type Type = super::G729Dec;
    type ParentType = gst_audio::AudioDecoder;
}

impl ObjectImpl for G729Dec {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecBoolean::builder(PROP_PLC)
                    .nick("Packet loss concealment")
                    .blurb(
                        "Conceal lost frames (G.729 frame erasure concealment); false: output silence for them. \
                         Comfort noise in DTX pauses is produced either way",
                    )
                    .default_value(DEFAULT_PLC)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecBoxed::builder::<gst::Structure>(PROP_STATS)
                    .nick("Statistics")
                    .blurb(
                        "buffers, frames (speech), sid, untransmitted (DTX comfort noise), concealed, bad-buffers",
                    )
                    .read_only()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        match pspec.name() {
            PROP_PLC => {
                let plc = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "plc = {plc}");
                self.settings.lock().unwrap().plc = plc;
            }
            other => unimplemented!("property {other}"),
        }
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        match pspec.name() {
            PROP_PLC => self.settings.lock().unwrap().plc.to_value(),
            PROP_STATS => Self::stats_structure(&self.state.lock().unwrap().stats).to_value(),
            other => unimplemented!("property {other}"),
        }
    }

    fn constructed(&self) {
        self.parent_constructed();
        let obj = self.obj();
        // Gaps reach handle_frame as empty buffers only if the subclass is PLC-aware (set in `set_format`: the
        // base class forgets it at each reset) and the base class's own switch is on; ours (`plc`, which shadows
        // it) decides what fills them.
        obj.set_plc(true);
        // Every buffer is decoded as it comes: there is never anything to drain.
        obj.set_drainable(false);
    }
}

impl GstObjectImpl for G729Dec {}

impl ElementImpl for G729Dec {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "G.729 audio decoder",
                "Codec/Decoder/Audio",
                "Decodes ITU-T G.729 Annex A speech (with Annex B SID/DTX comfort noise), concealing lost frames",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            let sink_caps = gst::Caps::builder("audio/G729")
                .field("rate", 8000i32)
                .field("channels", 1i32)
                .build();
            let src_caps = gst_audio::AudioCapsBuilder::new_interleaved()
                .format(gst_audio::AudioFormat::S16le)
                .rate(8000)
                .channels(1)
                .build();
            vec![
                gst::PadTemplate::new(
                    "sink",
                    gst::PadDirection::Sink,
                    gst::PadPresence::Always,
                    &sink_caps,
                )
                .unwrap(),
                gst::PadTemplate::new(
                    "src",
                    gst::PadDirection::Src,
                    gst::PadPresence::Always,
                    &src_caps,
                )
                .unwrap(),
            ]
        });
        PAD_TEMPLATES.as_ref()
    }
}

impl AudioDecoderImpl for G729Dec {
    fn start(&self) -> Result<(), gst::ErrorMessage> {
        let mut state = self.state.lock().unwrap();
        state.reset_stream();
        state.stats = Stats::default();
        Ok(())
    }

    fn stop(&self) -> Result<(), gst::ErrorMessage> {
        self.state.lock().unwrap().reset_stream();
        Ok(())
    }

    fn set_format(&self, caps: &gst::Caps) -> Result<(), gst::LoggableError> {
        gst::debug!(CAT, imp = self, "Input caps {caps}");
        // The base class clears this with its whole context on every (re)start.
        self.obj().set_plc_aware(true);
        let info = gst_audio::AudioInfo::builder(gst_audio::AudioFormat::S16le, 8000, 1)
            .build()
            .map_err(|err| gst::loggable_error!(CAT, "Output format: {err}"))?;
        self.obj()
            .set_output_format(&info)
            .map_err(|err| gst::loggable_error!(CAT, "Could not set the output format: {err:?}"))
    }

    fn flush(&self, hard: bool) {
        // A soft flush is the base class reacting to a DISCONT buffer: keep the decoder running so that the jump
        // can be concealed and the decoder recovers as the reference does. A hard one is a FLUSH_STOP (seek).
        gst::debug!(CAT, imp = self, "Flush (hard: {hard})");
        if hard {
            self.state.lock().unwrap().reset_stream();
        }
    }

    fn handle_frame(
        &self,
        buffer: Option<&gst::Buffer>,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        // None: drain; nothing is ever held back.
        let Some(buffer) = buffer else {
            return Ok(gst::FlowSuccess::Ok);
        };
        if buffer.size() == 0 {
            // What the base class makes of a GAP event (we are PLC-aware). Empty buffers from upstream never get
            // here: the base class discards them itself.
            return self.handle_gap(buffer);
        }

        let map = match buffer.map_readable() {
            Ok(map) => map,
            Err(err) => {
                gst::warning!(CAT, imp = self, "Could not map a buffer, dropped: {err}");
                return self.obj().finish_frame(None, 1);
            }
        };
        let len = map.len();
        let plc = self.settings.lock().unwrap().plc;

        let mut out = Vec::new();
        {
            let mut guard = self.state.lock().unwrap();
            let state = &mut *guard;
            state.stats.buffers += 1;
            if !valid_payload(len) {
                state.stats.bad_buffers += 1;
                state.after_bad = true;
                let n = state.stats.bad_buffers;
                // Not holding the lock while posting: a bus sync handler may read `stats`.
                drop(guard);
                drop(map);
                self.report_bad(len, n);
                return self.obj().finish_frame(None, 1);
            }

            let pts = buffer.pts();
            let discont = buffer.flags().contains(gst::BufferFlags::DISCONT) || state.after_bad;
            state.after_bad = false;
            let mut filled = 0;
            let prev_next = state.next_pts;
            if let (Some(pts), Some(next)) = (pts, state.next_pts)
                && pts > next
            {
                let missing = frames_in(pts - next);
                filled = if state.in_dtx {
                    missing.min(MAX_GAP_FRAMES)
                } else if discont && missing <= MAX_DISCONT_FRAMES {
                    missing
                } else {
                    0
                };
                if missing > 0 {
                    gst::debug!(
                        CAT,
                        imp = self,
                        "Timestamp jump of {} (discont {discont}, dtx {}): filling {filled} frames",
                        pts - next,
                        state.in_dtx
                    );
                }
                state.fill(filled, plc, &mut out);
            }
            state.decode(&map, &mut out);
            let decoded = (out.len() / FRAME_SAMPLES) as u64 - filled;
            // The fill starts where the last output ended; rounding a 5–9 ms jump up to a whole frame must not
            // move it before that (timestamps never go backwards).
            state.fill_pts = pts.filter(|_| filled > 0).map(|pts| {
                let start = pts.saturating_sub(FRAME_DURATION * filled);
                prev_next.map_or(start, |next| start.max(next))
            });
            state.next_pts = pts
                .map(|pts| pts.saturating_add(FRAME_DURATION * decoded))
                .or_else(|| {
                    state
                        .next_pts
                        .map(|next| next.saturating_add(FRAME_DURATION * (filled + decoded)))
                });
        }
        drop(map);
        let res = self.obj().finish_frame(Some(pcm_buffer(&out)), 1);
        // Not consumed if the base class did not push (e.g. clipped away): never restamp a later buffer.
        self.state.lock().unwrap().fill_pts = None;
        res
    }

    fn sink_event(&self, event: gst::Event) -> bool {
        if let gst::EventView::Gap(gap) = event.view() {
            let (_, duration) = gap.get();
            if duration.is_none_or(|d| frames_in(d) == 0) {
                // Nothing to fill (e.g. a GAP that prerolls a live pipeline before any data): the base class would
                // still swallow it on its concealment path, so let it take the other path and forward the event.
                let obj = self.obj();
                obj.set_plc(false);
                let res = self.parent_sink_event(event);
                obj.set_plc(true);
                return res;
            }
        }
        self.parent_sink_event(event)
    }

    fn pre_push(&self, mut buffer: gst::Buffer) -> Result<Option<gst::Buffer>, gst::FlowError> {
        let fill_pts = self.state.lock().unwrap().fill_pts.take();
        if let Some(pts) = fill_pts {
            // The base class stamped the buffer where its decoded frames start; the filled frames before them
            // start earlier.
            buffer.make_mut().set_pts(pts);
        }
        Ok(Some(buffer))
    }
}
