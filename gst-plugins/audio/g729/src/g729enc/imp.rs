// SPDX-License-Identifier: MPL-2.0

//! # g729enc
//!
//! A [`gst_audio::AudioEncoder`] over [`g729::Encoder`]: `audio/x-raw, format=S16LE, rate=8000, channels=1` in,
//! `audio/G729, rate=8000, channels=1` out.
//!
//! ## Frames
//!
//! The base class hands over exactly 80 samples (10 ms) at a time (`frame-samples-min` = `frame-samples-max` = 80,
//! `frame-max` = 1), and each becomes one output buffer holding one 10-byte frame, timestamped by the base class
//! (PTS of the frame's first sample, duration 10 ms). One frame per buffer is what `rtpg729pay` wants: it gathers
//! frames into packets by its own `min-ptime`/`max-ptime` (with its defaults, one 10 ms frame per packet; set
//! `min-ptime=20000000` for RFC 3551's default 20 ms). At drain (EOS) the last partial frame (fewer than 80 samples) is
//! padded with silence and encoded; its buffer's duration is that of the samples it really holds.
//!
//! ## Latency
//!
//! The element reports min = max = 15 ms (`gst_audio_encoder_set_latency`). Why 15 ms:
//! - 10 ms: a frame can only be encoded once its 80th sample has arrived, so the first sample of each frame leaves
//!   up to 10 ms after it came in. `GstAudioEncoder` does not add this itself: its LATENCY query answer is
//!   upstream's plus what the subclass set, nothing for `frame-samples-min`.
//! - 5 ms: the codec's look-ahead (its LP analysis window reaches 40 samples past the frame), so a frame's bits
//!   describe speech that ends 5 ms before the frame's last sample: decoded audio lags the input by 40 samples
//!   (G.729's 15 ms algorithmic delay is these two together).
//!
//! With sources that already deliver 10 ms (or longer, aligned) buffers the first part costs nothing extra; the
//! report errs on the safe side (a sink waits a little longer, it never drops late audio because of us).
//!
//! The look-ahead is *not* given to the base class (`gst_audio_encoder_set_lookahead`): it would move every output
//! PTS 5 ms earlier and leave the first frame without one, which `rtpg729pay` turns into RTP time. Output PTS are
//! the input's, frame for frame; the 5 ms the content lags is in the latency instead.
//!
//! ## Properties
//!
//! - `vad` (bool, default `false`): Annex B voice activity detection / DTX. Each 10 ms frame then comes out as a
//!   10-byte speech frame, a 2-byte SID frame (a change in the background noise) or nothing at all (the noise goes
//!   on unchanged); the first buffer after such a pause carries DISCONT, so that `rtpg729pay` recomputes the RTP
//!   timestamp from the PTS and marks the talkspurt.

use std::sync::{LazyLock, Mutex};

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;
use gst_audio::prelude::*;
use gst_audio::subclass::prelude::*;

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "g729enc",
        gst::DebugColorFlags::empty(),
        Some("G.729 audio encoder"),
    )
});

const PROP_VAD: &str = "vad";

const DEFAULT_VAD: bool = false;

/// Samples per frame (10 ms at 8 kHz).
const FRAME_SAMPLES: usize = g729::FRAME_SAMPLES;
/// Bytes of a speech frame.
const FRAME_BYTES: usize = g729::FRAME_BYTES;
/// The latency reported: one frame of accumulation plus the look-ahead (see the module docs).
const LATENCY: gst::ClockTime = gst::ClockTime::from_mseconds(15);

#[derive(Debug, Clone, Copy)]
struct Settings {
    /// From the `vad` property.
    vad: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { vad: DEFAULT_VAD }
    }
}

#[derive(Debug, Default)]
struct State {
    encoder: g729::Encoder,
    /// A frame was left untransmitted (DTX) since the last buffer went out: the next one starts after a pause.
    paused: bool,
}

impl State {
    fn new(vad: bool) -> Self {
        Self {
            encoder: g729::Encoder::with_vad(vad),
            paused: false,
        }
    }
}

#[derive(Default)]
pub struct G729Enc {
    settings: Mutex<Settings>,
    state: Mutex<State>,
}

#[glib::object_subclass]
impl ObjectSubclass for G729Enc {
    const NAME: &'static str = "GstG729Enc";
    type Type = super::G729Enc;
    type ParentType = gst_audio::AudioEncoder;
}

impl ObjectImpl for G729Enc {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecBoolean::builder(PROP_VAD)
                    .nick("VAD/DTX")
                    .blurb(
                        "Annex B voice activity detection and discontinuous transmission: in pauses, 2-byte SID \
                         frames when the background noise changes and nothing otherwise",
                    )
                    .default_value(DEFAULT_VAD)
                    .mutable_ready()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        match pspec.name() {
            PROP_VAD => {
                let vad = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "vad = {vad}");
                self.settings.lock().unwrap().vad = vad;
            }
            other => unimplemented!("property {other}"),
        }
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        match pspec.name() {
            PROP_VAD => self.settings.lock().unwrap().vad.to_value(),
            other => unimplemented!("property {other}"),
        }
    }
}

impl GstObjectImpl for G729Enc {}

impl ElementImpl for G729Enc {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "G.729 audio encoder",
                "Codec/Encoder/Audio",
                "Encodes 8 kHz mono speech to ITU-T G.729 Annex A, one 10-byte frame per 10 ms",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            let sink_caps = gst_audio::AudioCapsBuilder::new_interleaved()
                .format(gst_audio::AudioFormat::S16le)
                .rate(8000)
                .channels(1)
                .build();
            let src_caps = gst::Caps::builder("audio/G729")
                .field("rate", 8000i32)
                .field("channels", 1i32)
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

impl AudioEncoderImpl for G729Enc {
    fn start(&self) -> Result<(), gst::ErrorMessage> {
        let vad = self.settings.lock().unwrap().vad;
        *self.state.lock().unwrap() = State::new(vad);
        Ok(())
    }

    fn stop(&self) -> Result<(), gst::ErrorMessage> {
        *self.state.lock().unwrap() = State::default();
        Ok(())
    }

    fn set_format(&self, info: &gst_audio::AudioInfo) -> Result<(), gst::LoggableError> {
        gst::debug!(CAT, imp = self, "Input format {info:?}");
        if info.rate() != 8000 || info.channels() != 1 {
            return Err(gst::loggable_error!(
                CAT,
                "Only 8000 Hz mono is supported, got {} Hz, {} channels",
                info.rate(),
                info.channels()
            ));
        }
        let obj = self.obj();
        let caps = gst::Caps::builder("audio/G729")
            .field("rate", 8000i32)
            .field("channels", 1i32)
            .build();
        obj.set_output_format(&caps)
            .map_err(|err| gst::loggable_error!(CAT, "Could not set the output caps: {err:?}"))?;
        obj.set_frame_samples_min(FRAME_SAMPLES as i32);
        obj.set_frame_samples_max(FRAME_SAMPLES as i32);
        obj.set_frame_max(1);
        // At drain, hand over the last partial frame too: it is padded with silence.
        obj.set_hard_min(false);
        obj.set_latency(LATENCY, Some(LATENCY));
        Ok(())
    }

    fn flush(&self) {
        // After a flush (seek) the next frame starts a new signal: start the codec afresh.
        let vad = self.settings.lock().unwrap().vad;
        *self.state.lock().unwrap() = State::new(vad);
    }

    fn handle_frame(
        &self,
        buffer: Option<&gst::Buffer>,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        // None: drain; nothing is held back here (the base class holds the partial frame and hands it over first).
        let Some(buffer) = buffer else {
            return Ok(gst::FlowSuccess::Ok);
        };
        let map = buffer.map_readable().map_err(|err| {
            gst::error!(CAT, imp = self, "Could not map the input: {err}");
            gst::FlowError::Error
        })?;
        let samples: Vec<i16> = map
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        drop(map);
        if samples.is_empty() {
            return Ok(gst::FlowSuccess::Ok);
        }

        // The base class hands over exactly one frame (80 samples; fewer only for the last one at drain).
        let mut pcm = [0i16; FRAME_SAMPLES];
        let n = samples.len().min(FRAME_SAMPLES);
        pcm[..n].copy_from_slice(&samples[..n]);
        let mut frame = [0u8; FRAME_BYTES];
        let (kind, resumed) = {
            let mut state = self.state.lock().unwrap();
            let kind = state.encoder.encode_frame(&pcm, &mut frame);
            let resumed =
                kind != g729::FrameKind::Untransmitted && std::mem::take(&mut state.paused);
            if kind == g729::FrameKind::Untransmitted {
                state.paused = true;
            }
            (kind, resumed)
        };
        if samples.len() < FRAME_SAMPLES {
            gst::debug!(
                CAT,
                imp = self,
                "Padded a last partial frame of {} samples with silence",
                samples.len()
            );
        }
        let len = match kind {
            g729::FrameKind::Speech => FRAME_BYTES,
            g729::FrameKind::Sid => g729::SID_BYTES,
            // DTX: the samples are consumed and nothing goes out.
            g729::FrameKind::Untransmitted => {
                return self.obj().finish_frame(None, samples.len() as i32);
            }
        };
        let mut out = gst::Buffer::from_mut_slice(frame[..len].to_vec());
        if resumed {
            out.get_mut()
                .expect("a new buffer")
                .set_flags(gst::BufferFlags::DISCONT);
        }
        self.obj().finish_frame(Some(out), samples.len() as i32)
    }
}
