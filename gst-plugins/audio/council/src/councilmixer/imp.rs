// SPDX-License-Identifier: MPL-2.0

//! # councilmixer
//!
//! A live N-party **mix-minus** mixer for raw S16LE mono audio (8, 16 or 48 kHz; one rate per mixer, negotiated
//! like `audiomixer`: the first configured sink pad fixes it).
//!
//! ## Pads
//!
//! - `sink_%u` (request, [`CouncilMixerPad`](super::CouncilMixerPad)): one per participant.
//! - `src_%u` (request): paired with `sink_%u` of the **same number**; carries the mix of every *other*
//!   participant.
//! - `src` (always): the full mix of all participants (for recording / witnessing). It drives the mixer, like any
//!   aggregator's src pad, so it must be linked (to a `fakesink` if nothing else).
//!
//! Requesting either pad of a pair creates both: requesting `sink_N` (or `sink_%u`) also adds `src_N`, requesting
//! `src_N` (or `src_%u`) also adds `sink_N`; the requested pad is returned and the other one is found with
//! `gst_element_get_static_pad`. That is what `gst_check::Harness` and `gst-launch-1.0` do (they look a pad up
//! before they request it), so `m.sink_0` and `m.src_0` in a launch line, in either order, name one participant
//! (checked by the tests `requesting_src_first_creates_the_pair` and `join_and_leave_while_playing`, and by the
//! launch lines in the README). Pairing by number, rather than handing out a src pad per request, keeps the
//! relation visible in every pad name and in the `council-levels` message, and needs no extra property.
//! Without a name, the next number above every number used so far is taken. Releasing either pad of a pair
//! releases both.
//!
//! ## Properties
//!
//! Element: `level-interval` (ns, default 200 ms, 0 = no level messages), `speaker-threshold` (dBov, default
//! −40), `limiter` (default off) and `limiter-threshold` (dBFS, default −1; see `mix.rs`), `output-mode` (`auto` (default), `threads` or `direct`, see below; `output-threads` is a boolean shorthand:
//! true = `threads`, false = `direct`), and those inherited from `GstAudioAggregator` and `GstAggregator`:
//! `latency` (raised to 1 s while the mixer runs not live, see below), `output-buffer-duration`, `force-live`,
//! `start-time-selection`, `ignore-inactive-pads` (leave it off: see `constructed`), ...
//!
//! Pad (`sink_%u`): `gain` (0..10, default 1), `mute` (contributes nothing; still hears everybody), `deaf` (its
//! `src_%u` carries silence). All can change while playing and apply from the next output buffer.
//!
//! ## Message `council-levels`
//!
//! Every `level-interval` of output (counted in samples of the output stream, so exact and clock independent) an
//! element message is posted with the structure `council-levels`:
//!
//! - `running-time` (`u64`, ns): running time of the end of the interval;
//! - `duration` (`u64`, ns): length of the interval;
//! - `speaker` (string): name of the sink pad of the active speaker, `""` if nobody is above the threshold;
//! - `speaker-level` (`f64`, dBov): the speaker's level as heard in the mix (RMS + gain), −127 if none;
//! - `participants` (`GstArray` of `participant` structures, in pad-number order), each with `pad` (string,
//!   e.g. `"sink_0"`), `rms` and `peak` (`f64`, dBov, of the input as received, before gain and mute; −127 for
//!   silence or nothing received), `gain` (`f64`), `mute` and `deaf` (booleans).
//!
//! The active speaker is the unmuted participant with the highest `rms + 20·log10(gain)` (the level others hear),
//! if that is at least `speaker-threshold`. 0 dBov is a full-scale square wave (a full-scale sine is −3 dBov).
//!
//! ## Design, and why
//!
//! The element is a `GstAudioAggregator` subclass. The base class does everything timing related, which is the
//! hard part of a live mixer: it aligns each input to the output sample counter, drops late data, and in live
//! mode produces an output buffer at each deadline (start + latency) with whatever arrived — a missing or late
//! participant is silence, not a stall. Joining and leaving at runtime is aggregator pad request/release. Using
//! it, this element only has to do the mixing, which it does in two steps:
//!
//! 1. `aggregate_one_buffer` (called by the base class for each input and stretch of the output buffer) does not
//!    mix into the output buffer: it copies the input samples into the pad's own scratch buffer, tagged with the
//!    output buffer's generation number (bumped in `create_output_buffer`), so a pad that sent nothing for an
//!    output buffer is recognised as absent without any per-buffer reset pass.
//! 2. `finish_buffer` (called once per output buffer, with no aggregator lock held) sums the inputs once in an
//!    `i32` accumulator and derives every output as `total − own` ([`super::mix`]): O(N) per sample instead of
//!    the O(N²) of one (N−1)-input mixer per participant. It hands one buffer to each `src_%u`, then writes the
//!    total into the base class's buffer and lets the base class push it on `src`.
//!
//! Why not the alternatives: a plain `GstElement` with our own timing would have to re-implement the live
//! deadline/timeout logic the aggregator already has (and that `audiomixer` relies on); mixing inside
//! `aggregate_one_buffer` (as `audiomixer` does) would only give the total, not each participant's own share at
//! the same sample positions, which `total − own` needs.
//!
//! The `src_%u` pads are plain `GstPad`s made in `request_new_pad` (the aggregator's `create_new_pad` only makes
//! sink pads). Since the base class does not know them, this element sends their sticky events itself, before
//! their first buffer and whenever they change: `stream-start` (stream id `<element name>/<group id>/src_N`, one
//! group id per run for all of them), `caps` (the negotiated output caps) and `segment` (the aggregator's output
//! segment), and `eos` when the mixer goes EOS. Their buffers carry the `src` buffer's timestamps and offsets. Their flow returns are logged and
//! otherwise ignored: one participant's broken leg must not stop the council. Their caps queries answer the
//! negotiated caps (or the template); downstream of a `src_%u` does not take part in negotiation, so a leg must
//! accept the mixer's rate. Their latency queries are answered by the `src` pad's.
//!
//! **Who pushes the `src_%u` pads** (`output-mode`). One thread pushing to several sinks deadlocks at preroll: a
//! sink prerolls by blocking on its first buffer until the pipeline is PLAYING, which needs every sink prerolled
//! (live pipelines preroll on their first buffer too, and every sink prerolls again after a flush or when the
//! pipeline pauses), so the plain launch line `m.src_0 ! fakesink m.src_1 ! fakesink` would hang. That is why
//! each `src_%u` has a thread of its own, fed through a bounded queue (50 buffers), like a `queue` after a `tee`.
//! But a thread hand-off per participant and output buffer is what the mixing costs most (thread switches, not
//! arithmetic). So, in `output-mode=auto` (the default), a leg's own thread pushes only while its downstream may
//! preroll: once it has pushed a buffer that went through while the element was PLAYING, and as long as the
//! top-level pipeline is steadily PLAYING (no state change pending), the leg is pushed by **one shared output
//! thread**, woken once per output buffer for all such legs. When the pipeline leaves PLAYING (or a flush comes),
//! every leg goes back to its own thread, and the jobs the shared thread has not pushed yet go back to the legs'
//! queues ahead of newer ones; the shared thread may then sit in a sink that prerolls on its buffer, but the
//! mixing thread never does, so the other legs get theirs and the pause completes (test
//! `auto_output_mode_prerolls_from_leg_threads_then_pushes_from_one_thread`). `output-mode=threads` always uses the
//! legs' threads (a slow leg then never holds up the others); `output-mode=direct` pushes everything from the
//! mixing thread (each `src_%u` then needs a `queue` or an `async=false` sink after it). A leg that does not keep
//! up fills its queue (or the shared thread's, 50 output buffers); then, when live (the aggregator reports a
//! latency), the oldest buffers are dropped (with a warning) so that the others go on; when not live, the mixer
//! waits, as a `queue` would. In `auto`, a leg that blocks holds up the other legs pushed by the shared thread
//! (not the mixing), as a sink behind a `tee` without `queue` would.
//!
//! **Input hand-offs.** Every aggregator sink pad hands each buffer to the mixing thread. Not live, a pad queues
//! one buffer when `latency` is 0, so each source waits for the mixer after every buffer: while not live (checked
//! every 64 output buffers), the element raises the base class's `latency`, which then has no timing meaning, to
//! 1 s, so sources run ahead; the application's value is back once live and after the run. A full queue alone
//! would still wake its source for every buffer the mixer uses up, so the sources are paced with hysteresis
//! ([`FeedGate`], in the wrapped chain function): a source more than 750 ms ahead of the mix waits until the mix
//! is 250 ms behind its buffer, woken alone when that position is mixed (at most 200 ms, then the base class's own
//! wait takes over), and then hands over half a queue without waiting. When the mixer itself runs dry it waits
//! (`wait_inputs`) until each empty pad has a quarter of a queue, woken once by the last one's chain function,
//! instead of by every buffer (and lets the source of a pad it waits for out of the gate: a gap in its stream). Live, the base class wakes its thread for every arriving buffer (each unschedules
//! its clock wait); so, once it has mixed an output buffer, the element waits for the next one's inputs itself
//! (`aggregate`, `wait_inputs`): until every pad has a buffer or is EOS, woken once by the chain function of the
//! last awaited pad (the base class's chain function, wrapped), or until the deadline the base class would use
//! (base time + next output time + latency), where it mixes what there is. Serialized events and queries,
//! flushes, renegotiation, pad requests and releases and state changes send it back to the base class, which
//! handles them.
//!
//! A pair released while PLAYING ends its `src_%u` with EOS (`end_leg`); a `src_%u` that never had a buffer still
//! gets its sticky events and EOS when the mixer ends. Known limits: no EOS for a pair released while not PLAYING
//! (a sink would wait on it for PLAYING); with `output-mode=direct`, a buffer being pushed to a leg at the moment its
//! pair is released may follow the EOS.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex};

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;
use gst_audio::prelude::*;
use gst_audio::subclass::prelude::*;

use super::mix::{self, Levels, MixMinus};

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "councilmixer",
        gst::DebugColorFlags::empty(),
        Some("Council mix-minus mixer"),
    )
});

const PROP_LEVEL_INTERVAL: &str = "level-interval";
const PROP_SPEAKER_THRESHOLD: &str = "speaker-threshold";
const PROP_LIMITER: &str = "limiter";
const PROP_LIMITER_THRESHOLD: &str = "limiter-threshold";
const PROP_OUTPUT_THREADS: &str = "output-threads";
const PROP_OUTPUT_MODE: &str = "output-mode";
const PROP_GAIN: &str = "gain";
const PROP_MUTE: &str = "mute";
const PROP_DEAF: &str = "deaf";

const DEFAULT_LEVEL_INTERVAL: u64 = 200_000_000;
const DEFAULT_SPEAKER_THRESHOLD: f64 = -40.0;
const DEFAULT_LIMITER_THRESHOLD: f64 = -1.0;
/// The limiter's release time constant.
const LIMITER_RELEASE_S: f64 = 0.05;
const DEFAULT_GAIN: f64 = 1.0;
const DEFAULT_OUTPUT_MODE: OutputMode = OutputMode::Auto;

/// How the `src_%u` pads are pushed (property `output-mode`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "GstCouncilMixerOutputMode")]
pub enum OutputMode {
    /// A thread per `src_%u` while its leg may preroll (before PLAYING, after a flush, while the pipeline
    /// changes state); the mixing thread itself once the leg has taken a buffer in a steady PLAYING pipeline.
    #[default]
    #[enum_value(
        name = "Auto: a thread per src_%u until its leg plays, then the mixing thread",
        nick = "auto"
    )]
    Auto,
    /// Always a thread per `src_%u` (like `tee ! queue`): a slow leg never holds up the mixer.
    #[enum_value(name = "Threads: always a thread per src_%u", nick = "threads")]
    Threads,
    /// Always the mixing thread: each `src_%u` then needs a `queue` or an `async=false` sink behind it.
    #[enum_value(name = "Direct: always the mixing thread", nick = "direct")]
    Direct,
}

/// Buffers a `src_%u` pad's queue holds (with `output-threads`) before the mixer waits for that leg (not live) or
/// drops its oldest buffer (live).
const MAX_QUEUED_BUFFERS: usize = 50;

/// How much each sink pad may queue when the mixer is not live (see [`CouncilMixer::adapt_queue`]).
const NON_LIVE_QUEUE: gst::ClockTime = gst::ClockTime::from_mseconds(1000);

/// Not live, a source whose pad holds more than this (ahead of the mix) waits in [`FeedGate`] ...
const FEED_HIGH: u64 = NON_LIVE_QUEUE.nseconds() * 3 / 4;
/// ... until its pad holds no more than this: then it hands over the difference without waiting again.
const FEED_LOW: u64 = NON_LIVE_QUEUE.nseconds() / 4;
/// The longest a source waits in [`FeedGate`]; then the base class's chain function (which waits for room in
/// the pad's queue itself) takes over. Only a bound: the mixer wakes the source when it has mixed enough.
const FEED_WAIT_MAX: std::time::Duration = std::time::Duration::from_millis(200);

/// Output buffers between two checks of whether the mixer is live.
const LIVE_CHECK_INTERVAL: u64 = 64;

/// Name of the level element message.
const LEVELS_MESSAGE: &str = "council-levels";

const SINK_TEMPLATE: &str = "sink_%u";
const SRC_TEMPLATE: &str = "src_%u";

/// Rates a council can run at.
const RATES: [i32; 3] = [8000, 16000, 48000];

fn template_caps() -> gst::Caps {
    gst_audio::AudioCapsBuilder::new_interleaved()
        .format(gst_audio::AudioFormat::S16le)
        .channels(1)
        .rate_list(RATES)
        .build()
}

/// The number of a `sink_N` / `src_N` pad name.
fn pad_number(name: &str) -> Option<u32> {
    name.strip_prefix("sink_")
        .or_else(|| name.strip_prefix("src_"))
        .and_then(|n| n.parse().ok())
}

// ------------------------------------------------------------------------------------------------------------
// The participant's sink pad.

#[derive(Debug, Clone, Copy)]
struct PadSettings {
    gain: f64,
    mute: bool,
    deaf: bool,
}

impl Default for PadSettings {
    fn default() -> Self {
        Self {
            gain: DEFAULT_GAIN,
            mute: false,
            deaf: false,
        }
    }
}

/// What the pad received for the current output buffer, and its levels over the current interval.
#[derive(Debug, Default)]
struct PadState {
    /// Output-buffer generation that `samples` belongs to; stale (absent) if not the current one.
    generation: u64,
    /// Input samples aligned to the output buffer; silence where nothing arrived.
    samples: Vec<i16>,
    levels: Levels,
}

/// [`CouncilMixerPad::awaited_until`]: the mixing thread does not wait for the pad.
const AWAIT_NONE: u64 = u64::MAX;
/// [`CouncilMixerPad::awaited_until`]: the mixing thread waits for any buffer on the pad.
const AWAIT_ANY: u64 = 0;

pub struct CouncilMixerPad {
    settings: Mutex<PadSettings>,
    state: Mutex<PadState>,
    /// The base class's chain function, which [`CouncilMixerPad::chain`] wraps.
    parent_chain: std::sync::OnceLock<ChainFunction>,
    /// The mixing thread waits for this pad (see [`CouncilMixer::wait_inputs`]): [`AWAIT_NONE`] if not, else
    /// the running time (ns) a buffer's end must reach ([`AWAIT_ANY`]: any buffer).
    awaited_until: AtomicU64,
    /// Serialized events and queries queued on this pad that the base class has not handled yet: while there are
    /// any, the mixing thread goes back to the base class between output buffers.
    pending: std::sync::atomic::AtomicUsize,
    /// The pad is being released: its source must not wait in the [`FeedGate`] (the release waits for it).
    released: std::sync::atomic::AtomicBool,
}

impl Default for CouncilMixerPad {
    fn default() -> Self {
        Self {
            settings: Default::default(),
            state: Default::default(),
            parent_chain: Default::default(),
            awaited_until: AtomicU64::new(AWAIT_NONE),
            pending: Default::default(),
            released: Default::default(),
        }
    }
}

impl CouncilMixerPad {
    fn pending_handled(&self) {
        let _ = self
            .pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }
}

/// A pad's identity in the [`FeedGate`].
fn feed_key(pad: &super::CouncilMixerPad) -> usize {
    use glib::translate::ToGlibPtr;
    ToGlibPtr::<*mut gst::ffi::GstPad>::to_glib_none(pad.upcast_ref::<gst::Pad>()).0 as usize
}

/// A pad chain function of the C API.
type ChainFunction = unsafe extern "C" fn(
    *mut gst::ffi::GstPad,
    *mut gst::ffi::GstObject,
    *mut gst::ffi::GstBuffer,
) -> gst::ffi::GstFlowReturn;

impl CouncilMixerPad {
    /// Queues `buffer` with the base class's chain function, then, if a live mixer waits for this pad, tells it
    /// (after queueing: the base class's own wake-up on every buffer is what [`CouncilMixer::wait_inputs`] avoids).
    fn chain(
        pad: &super::CouncilMixerPad,
        parent: Option<&gst::Object>,
        buffer: gst::Buffer,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        let imp = pad.imp();
        let Some(chain) = imp.parent_chain.get() else {
            gst::error!(CAT, obj = pad, "No chain function");
            return Err(gst::FlowError::Error);
        };
        let mixer = parent.and_then(|p| p.downcast_ref::<super::CouncilMixer>());
        // Not live: where the buffer lies in running time, to pace the source and to wake the mixer.
        let span = mixer.and_then(|m| m.imp().feed_span(pad, &buffer));
        if let (Some(mixer), Some((start, _))) = (mixer, span) {
            mixer.imp().feed_wait(pad, start);
        }
        use glib::translate::{FromGlib, IntoGlibPtr, ToGlibPtr};
        // SAFETY: the base class's chain function, called as GStreamer would: with the pad, its parent and a
        // buffer reference that it takes.
        let ret = unsafe {
            gst::FlowReturn::from_glib(chain(
                ToGlibPtr::<*mut gst::ffi::GstPad>::to_glib_none(pad.upcast_ref::<gst::Pad>()).0,
                parent.map_or(std::ptr::null_mut(), |p| p.to_glib_none().0),
                buffer.into_glib_ptr(),
            ))
        };
        let until = imp.awaited_until.load(Ordering::Acquire);
        if until != AWAIT_NONE
            && (until == AWAIT_ANY || span.is_none_or(|(_, end)| end >= until))
            && imp
                .awaited_until
                .compare_exchange(until, AWAIT_NONE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            && let Some(mixer) = mixer
        {
            mixer.imp().input_arrived();
        }
        ret.into_result()
    }
}

#[glib::object_subclass]
impl ObjectSubclass for CouncilMixerPad {
    const NAME: &'static str = "GstCouncilMixerPad";
    type Type = super::CouncilMixerPad;
    type ParentType = gst_audio::AudioAggregatorPad;
}

impl ObjectImpl for CouncilMixerPad {
    fn constructed(&self) {
        self.parent_constructed();
        let pad = self.obj();
        // SAFETY: reads the chain function the base class has just installed, and installs ours before the pad
        // is used.
        unsafe {
            let raw: *mut gst::ffi::GstPad =
                glib::translate::ToGlibPtr::to_glib_none(pad.upcast_ref::<gst::Pad>()).0;
            if let Some(chain) = (*raw).chainfunc {
                let _ = self.parent_chain.set(chain);
                pad.set_chain_function(|pad, parent, buffer| {
                    CouncilMixerPad::chain(pad, parent, buffer)
                });
            }
        }
    }

    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecDouble::builder(PROP_GAIN)
                    .nick("Gain")
                    .blurb("Linear gain applied to this participant's contribution to the mix")
                    .minimum(0.0)
                    .maximum(mix::MAX_GAIN)
                    .default_value(DEFAULT_GAIN)
                    .mutable_playing()
                    .controllable()
                    .build(),
                glib::ParamSpecBoolean::builder(PROP_MUTE)
                    .nick("Mute")
                    .blurb("This participant contributes nothing to the mix (but still hears everybody)")
                    .default_value(false)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecBoolean::builder(PROP_DEAF)
                    .nick("Deaf")
                    .blurb("This participant's src pad carries silence")
                    .default_value(false)
                    .mutable_playing()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        let mut settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_GAIN => settings.gain = value.get().expect("type checked upstream"),
            PROP_MUTE => settings.mute = value.get().expect("type checked upstream"),
            PROP_DEAF => settings.deaf = value.get().expect("type checked upstream"),
            name => unimplemented!("property {name}"),
        }
        gst::debug!(CAT, imp = self, "Now {:?}", *settings);
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        let settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_GAIN => settings.gain.to_value(),
            PROP_MUTE => settings.mute.to_value(),
            PROP_DEAF => settings.deaf.to_value(),
            name => unimplemented!("property {name}"),
        }
    }
}

impl GstObjectImpl for CouncilMixerPad {}
impl PadImpl for CouncilMixerPad {}
impl AggregatorPadImpl for CouncilMixerPad {
    fn flush(&self, aggregator: &gst_base::Aggregator) -> Result<gst::FlowSuccess, gst::FlowError> {
        // What was queued is gone.
        self.pending.store(0, Ordering::Release);
        self.parent_flush(aggregator)
    }
}
impl AudioAggregatorPadImpl for CouncilMixerPad {}

// ------------------------------------------------------------------------------------------------------------
// The element.

#[derive(Debug, Clone, Copy)]
struct Settings {
    level_interval: u64,
    speaker_threshold: f64,
    output_mode: OutputMode,
    limiter: bool,
    limiter_threshold: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            level_interval: DEFAULT_LEVEL_INTERVAL,
            speaker_threshold: DEFAULT_SPEAKER_THRESHOLD,
            output_mode: DEFAULT_OUTPUT_MODE,
            limiter: false,
            limiter_threshold: DEFAULT_LIMITER_THRESHOLD,
        }
    }
}

/// Which sticky events a `src_%u` pad has been sent.
#[derive(Debug, Default)]
struct Sent {
    stream_start: bool,
    caps: Option<gst::Caps>,
    /// [`segment_key`] of the last segment sent.
    segment: Option<String>,
    eos: bool,
}

/// One participant: a sink pad and the src pad carrying what it hears.
struct Participant {
    sink: super::CouncilMixerPad,
    src: gst::Pad,
    sent: Sent,
    /// Feeds the `src_%u` pad's own thread (see `output-mode`).
    out: Arc<OutQueue>,
}

/// What goes down a `src_%u` pad, in order.
enum Item {
    Event(gst::Event),
    Buffer(gst::Buffer),
}

#[derive(Default)]
struct OutState {
    items: VecDeque<Item>,
    buffers: usize,
    /// Set while the pad is inactive: nothing is queued, the thread stops.
    flushing: bool,
    /// `output-mode=auto`: the leg's thread pushed a buffer that its downstream took while the element was
    /// PLAYING (so it is not prerolling), and nothing is queued since: the shared output thread may push it.
    direct: bool,
    /// Jobs of this leg given to the shared output thread and not pushed yet: the leg's own thread waits for
    /// them (they are older than anything in `items`).
    in_shared: usize,
    /// The leg's own thread is pushing an item it has taken.
    pushing: bool,
    /// The pair is being released: its last items (EOS) are queued, nothing more is taken.
    closed: bool,
}

/// A bounded queue from the mixing thread to a `src_%u` pad's thread (an internal `queue`, as after a `tee`).
#[derive(Default)]
struct OutQueue {
    state: Mutex<OutState>,
    cond: Condvar,
}

impl OutQueue {
    /// Queues `items`. While [`MAX_QUEUED_BUFFERS`] buffers are queued, waits for the leg (`leaky` false), or
    /// drops the oldest queued buffer (`leaky` true: live, where a stuck leg must not hold up the council).
    /// Returns how many buffers were dropped. Nothing is queued when flushing.
    fn enqueue(&self, items: impl IntoIterator<Item = Item>, leaky: bool) -> usize {
        let items: Vec<Item> = items.into_iter().collect();
        let incoming = items
            .iter()
            .filter(|i| matches!(i, Item::Buffer(_)))
            .count();
        let mut st = self.state.lock().unwrap();
        let mut dropped = 0;
        while st.buffers > 0 && st.buffers + incoming > MAX_QUEUED_BUFFERS && !st.flushing {
            if leaky {
                if let Some(pos) = st.items.iter().position(|i| matches!(i, Item::Buffer(_))) {
                    st.items.remove(pos);
                    st.buffers -= 1;
                    dropped += 1;
                }
            } else {
                st = self.cond.wait(st).unwrap();
            }
        }
        if st.flushing || st.closed {
            return dropped;
        }
        st.buffers += incoming;
        st.items.extend(items);
        self.cond.notify_all();
        dropped
    }

    /// Queues the last `items` of a released pair for the leg's own thread (after whatever the shared thread still
    /// has of it); nothing is taken after them.
    fn close_with(&self, items: Vec<Item>) {
        let mut st = self.state.lock().unwrap();
        if st.flushing {
            return;
        }
        st.closed = true;
        st.direct = false;
        st.buffers += items
            .iter()
            .filter(|i| matches!(i, Item::Buffer(_)))
            .count();
        st.items.extend(items);
        self.cond.notify_all();
    }

    /// Queues `event` for the leg's own thread if it has nothing else to push (see `preroll_legs`).
    fn event_if_idle(&self, event: &gst::Event) -> bool {
        let mut st = self.state.lock().unwrap();
        if st.flushing || !st.items.is_empty() || st.in_shared > 0 || st.pushing {
            return false;
        }
        st.direct = false;
        st.items.push_back(Item::Event(event.clone()));
        self.cond.notify_all();
        true
    }

    /// The leg's own thread has pushed the item it took.
    fn pushed(&self) {
        let mut st = self.state.lock().unwrap();
        st.pushing = false;
        if st.closed {
            self.cond.notify_all();
        }
    }

    /// Waits (at most `timeout`) until everything queued for the leg has been pushed; whether it has.
    fn wait_drained(&self, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        let mut st = self.state.lock().unwrap();
        loop {
            if st.flushing || (st.items.is_empty() && st.in_shared == 0 && !st.pushing) {
                return true;
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return false;
            }
            st = self.cond.wait_timeout(st, deadline - now).unwrap().0;
        }
    }

    /// The next item, waiting for one; `None` once flushing.
    fn dequeue(&self) -> Option<Item> {
        let mut st = self.state.lock().unwrap();
        loop {
            if st.flushing {
                return None;
            }
            if st.in_shared == 0
                && let Some(item) = st.items.pop_front()
            {
                if matches!(item, Item::Buffer(_)) {
                    st.buffers -= 1;
                }
                st.pushing = true;
                self.cond.notify_all();
                return Some(item);
            }
            st = self.cond.wait(st).unwrap();
        }
    }

    /// A job of this leg is given to the shared output thread.
    fn shared_taken(&self) {
        self.state.lock().unwrap().in_shared += 1;
    }

    /// A job of this leg left the shared output thread: pushed, dropped, or (`items` not empty) given back to
    /// the leg's own thread, ahead of what it has queued.
    fn shared_done(&self, items: Vec<Item>) {
        let mut st = self.state.lock().unwrap();
        st.in_shared = st.in_shared.saturating_sub(1);
        if !st.flushing {
            for item in items.into_iter().rev() {
                if matches!(item, Item::Buffer(_)) {
                    st.buffers += 1;
                }
                st.items.push_front(item);
            }
        }
        // Wake the leg's thread only if it has work now (this runs once per leg and output buffer), or whoever
        // waits for a released leg to drain.
        if st.in_shared == 0 && (!st.items.is_empty() || st.closed) {
            self.cond.notify_all();
        }
    }

    /// `output-mode=auto`: whether the mixing thread may push this leg itself. `steady` false (the pipeline is
    /// not steadily PLAYING) hands the leg back to its thread until it has played again.
    fn take_direct(&self, steady: bool) -> bool {
        let mut st = self.state.lock().unwrap();
        if !steady {
            st.direct = false;
        }
        st.direct && st.items.is_empty() && !st.flushing && !st.closed
    }

    /// Called by the leg's thread after its downstream took a buffer in PLAYING: if nothing else is queued, the
    /// mixing thread pushes from now on (see [`OutQueue::take_direct`]).
    fn leg_plays(&self) -> bool {
        let mut st = self.state.lock().unwrap();
        if st.items.is_empty() && st.in_shared == 0 && !st.flushing && !st.closed {
            st.direct = true;
        }
        st.direct
    }

    fn set_flushing(&self, flushing: bool) {
        let mut st = self.state.lock().unwrap();
        st.flushing = flushing;
        // A flushed leg prerolls again: back to its own thread.
        st.direct = false;
        if flushing {
            st.items.clear();
            st.buffers = 0;
        }
        self.cond.notify_all();
    }
}

/// One leg's items for one output buffer, for the shared output thread.
struct Job {
    src: gst::Pad,
    out: Arc<OutQueue>,
    items: Vec<Item>,
}

#[derive(Default)]
struct SharedState {
    jobs: VecDeque<Job>,
    /// The thread waits for jobs (it is woken only then).
    idle: bool,
    /// The mixer waits for room (it is woken only then).
    full: bool,
    /// The thread is to leave.
    stop: bool,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// `output-mode=auto`: one thread that pushes, in turn, every leg that plays. It is woken once per output buffer
/// instead of once per leg, and the mixing thread never waits in a leg's sink: when the pipeline leaves PLAYING
/// while this thread sits in a sink (which then prerolls on that buffer), the mixer gives the jobs not pushed yet
/// back to the legs' own threads, which preroll the other sinks.
#[derive(Default)]
struct SharedOut {
    state: Mutex<SharedState>,
    cond: Condvar,
}

impl SharedOut {
    /// Hands `jobs` (one output buffer's) to the thread, starting it if needed. Beyond [`MAX_QUEUED_BUFFERS`]
    /// output buffers queued, drops the oldest (`leaky()`, live) or waits (not live).
    fn submit(self: &Arc<Self>, jobs: Vec<Job>, leaky: &dyn Fn() -> bool) {
        if jobs.is_empty() {
            return;
        }
        let limit = MAX_QUEUED_BUFFERS * jobs.len();
        for job in &jobs {
            job.out.shared_taken();
        }
        let mut st = self.state.lock().unwrap();
        if st.jobs.len() + jobs.len() > limit {
            // Asked without the lock: it takes the aggregator's.
            drop(st);
            let leaky = leaky();
            st = self.state.lock().unwrap();
            while !st.stop && !st.jobs.is_empty() && st.jobs.len() + jobs.len() > limit {
                if leaky {
                    let excess = (st.jobs.len() + jobs.len() - limit).min(st.jobs.len());
                    let dropped: Vec<Job> = st.jobs.drain(..excess).collect();
                    drop(st);
                    gst::warning!(
                        CAT,
                        "Legs not keeping up: dropped {} buffer(s)",
                        dropped.len()
                    );
                    for job in dropped {
                        job.out.shared_done(Vec::new());
                    }
                    st = self.state.lock().unwrap();
                } else {
                    st.full = true;
                    st = self.cond.wait(st).unwrap();
                }
            }
        }
        if st.stop {
            drop(st);
            for job in jobs {
                job.out.shared_done(Vec::new());
            }
            return;
        }
        st.jobs.extend(jobs);
        if st.thread.is_none() {
            let this = Arc::clone(self);
            match std::thread::Builder::new()
                .name("councilmixer-out".into())
                .spawn(move || this.run())
            {
                Ok(handle) => st.thread = Some(handle),
                Err(err) => {
                    gst::error!(CAT, "Could not start the output thread: {}", err);
                    let jobs: Vec<Job> = st.jobs.drain(..).collect();
                    drop(st);
                    for job in jobs {
                        job.out.shared_done(job.items);
                    }
                    return;
                }
            }
        }
        if st.idle {
            self.cond.notify_all();
        }
    }

    fn run(&self) {
        loop {
            let job = {
                let mut st = self.state.lock().unwrap();
                loop {
                    if st.stop {
                        return;
                    }
                    if let Some(job) = st.jobs.pop_front() {
                        st.idle = false;
                        if std::mem::take(&mut st.full) {
                            // Room for the mixer.
                            self.cond.notify_all();
                        }
                        break job;
                    }
                    st.idle = true;
                    st = self.cond.wait(st).unwrap();
                }
            };
            for item in job.items {
                push_item(&job.src, item);
            }
            job.out.shared_done(Vec::new());
        }
    }

    /// Gives every job not pushed yet back to its leg's own thread (the pipeline is leaving PLAYING).
    fn reclaim(&self) {
        let jobs: Vec<Job> = self.state.lock().unwrap().jobs.drain(..).collect();
        self.cond.notify_all();
        // Latest first: each leg's earlier jobs end up at the front of its queue.
        for job in jobs.into_iter().rev() {
            job.out.shared_done(job.items);
        }
    }

    /// Drops the jobs of the leg `out` (flushing), or of every leg (`None`).
    fn drop_jobs(&self, out: Option<&Arc<OutQueue>>) {
        let dropped: Vec<Job> = {
            let mut st = self.state.lock().unwrap();
            let (gone, kept): (Vec<Job>, Vec<Job>) = st
                .jobs
                .drain(..)
                .partition(|j| out.is_none_or(|o| Arc::ptr_eq(o, &j.out)));
            st.jobs.extend(kept);
            gone
        };
        self.cond.notify_all();
        for job in dropped {
            job.out.shared_done(Vec::new());
        }
    }

    /// Stops the thread (after the legs' pads were deactivated, so it cannot be stuck in a push).
    fn stop(&self) {
        let handle = {
            let mut st = self.state.lock().unwrap();
            st.stop = true;
            st.thread.take()
        };
        self.cond.notify_all();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        self.drop_jobs(None);
        self.state.lock().unwrap().stop = false;
    }
}

/// Pushes one item down `pad`; failures are logged only (a participant's leg never stops the council).
fn push_item(pad: &gst::Pad, item: Item) {
    match item {
        Item::Event(event) => {
            if !pad.push_event(event) {
                gst::debug!(CAT, obj = pad, "Event not handled downstream");
            }
        }
        Item::Buffer(buffer) => {
            if let Err(err) = pad.push(buffer) {
                gst::log!(CAT, obj = pad, "Pushing failed: {:?}", err);
            }
        }
    }
}

/// Scratch of the streaming thread, kept to avoid allocating per buffer.
#[derive(Default)]
struct Scratch {
    mixer: MixMinus,
    /// Inputs of all participants, `frames` samples each, back to back.
    inputs: Vec<i16>,
    present: Vec<bool>,
    gains: Vec<i32>,
    total: Vec<i16>,
    each: Vec<Vec<i16>>,
    /// Output samples in the current level interval.
    interval_frames: u64,
}

/// Not live, sources hand their buffers over in batches (hysteresis on the sink pads' queues).
///
/// GstAggregator lets a sink pad queue up to `latency` (raised to [`NON_LIVE_QUEUE`] while not live), and makes a
/// source whose queue is full wait until it has room for one more buffer: once the queues are full, each source
/// is woken once per output buffer, a thread switch per participant and buffer. So a source whose pad is more
/// than [`FEED_HIGH`] ahead of the mix waits here first, until the mixer has caught up to [`FEED_LOW`] behind its
/// buffer; it then hands over half a queue without waiting (the base class's queue never fills), and the mixer
/// always has a quarter of a queue of every input.
struct FeedGate {
    /// Running time of the end of the last output buffer (ns); `u64::MAX` before the first one.
    position: AtomicU64,
    /// The smallest `position` a waiting source waits for; `u64::MAX` if none waits.
    wake_at: AtomicU64,
    /// While the pads may queue [`NON_LIVE_QUEUE`] (not live, see [`CouncilMixer::adapt_queue`]).
    enabled: std::sync::atomic::AtomicBool,
    /// The waiting sources: each is woken alone, when its position is reached (waking them all whenever one may
    /// go on would be a thread switch per source again).
    waiters: Mutex<Vec<FeedWaiter>>,
    /// The longest a source waits ([`FEED_WAIT_MAX`]).
    wait_max: std::time::Duration,
}

/// A source waiting in the [`FeedGate`].
struct FeedWaiter {
    /// The position it waits for.
    wake: u64,
    /// Its pad (the pad's address: an identity only).
    pad: usize,
    thread: std::thread::Thread,
}

/// Why [`FeedGate::wait`] let a source go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeedWait {
    /// The pad was not far enough ahead of the mix (or the mix had not started): no wait.
    NotAhead,
    /// The mix caught up (or the gate was reset or switched off).
    CaughtUp,
    /// The caller's `stop()` said so (the pad is flushing, or the mixer waits for it).
    Stopped,
    /// [`FeedGate::wait_max`] passed: the base class's own wait takes over.
    TimedOut,
}

impl Default for FeedGate {
    fn default() -> Self {
        Self {
            position: AtomicU64::new(u64::MAX),
            wake_at: AtomicU64::new(u64::MAX),
            enabled: Default::default(),
            waiters: Mutex::new(Vec::new()),
            wait_max: FEED_WAIT_MAX,
        }
    }
}

impl FeedGate {
    /// The mixer has mixed up to `position` (running time): wakes the sources waiting for it.
    fn advance(&self, position: u64) {
        self.position.store(position, Ordering::SeqCst);
        if position >= self.wake_at.load(Ordering::SeqCst) {
            self.wake(|w| w.wake <= position);
        }
    }

    /// Wakes every waiting source (they check again why they wait).
    fn wake_all(&self) {
        self.wake(|_| true);
    }

    /// Wakes the source of `pad` if it waits (the mixer has run out of that pad's input: a gap in its stream).
    fn release(&self, pad: usize) {
        // Always under the lock (no shortcut on `wake_at`): the source registers under it before it checks why
        // it waits, so either it sees the mixer's `awaited_until` or the mixer sees it here.
        self.wake(|w| w.pad == pad);
    }

    /// Wakes (and forgets) the waiting sources whose position `due` says has come.
    fn wake(&self, due: impl Fn(&FeedWaiter) -> bool) {
        let mut waiters = self.waiters.lock().unwrap();
        waiters.retain(|w| {
            let go = due(w);
            if go {
                w.thread.unpark();
            }
            !go
        });
        self.wake_at
            .store(Self::earliest(&waiters), Ordering::SeqCst);
    }

    fn earliest(waiters: &[FeedWaiter]) -> u64 {
        waiters.iter().map(|w| w.wake).min().unwrap_or(u64::MAX)
    }

    /// Forgets the position (a new run or a flush: running times start again); wakes the sources.
    fn reset(&self) {
        self.position.store(u64::MAX, Ordering::SeqCst);
        self.wake_all();
    }

    /// Called by a source before it queues a buffer starting at `running_time` on `pad`: if the pad is more than
    /// [`FEED_HIGH`] ahead of the mix, waits until the mix is [`FEED_LOW`] behind it, or `stop()` says so (checked
    /// whenever it is woken, e.g. by [`FeedGate::release`]), or `wait_max` has passed.
    fn wait(&self, pad: usize, running_time: u64, stop: impl Fn() -> bool) -> FeedWait {
        if !self.enabled.load(Ordering::Acquire) {
            return FeedWait::NotAhead;
        }
        let position = self.position.load(Ordering::SeqCst);
        if position == u64::MAX || running_time <= position.saturating_add(FEED_HIGH) {
            return FeedWait::NotAhead;
        }
        let wake = running_time - FEED_LOW;
        let deadline = std::time::Instant::now() + self.wait_max;
        let me = std::thread::current();
        let why = loop {
            {
                let mut waiters = self.waiters.lock().unwrap();
                if !waiters.iter().any(|w| w.thread.id() == me.id()) {
                    waiters.push(FeedWaiter {
                        wake,
                        pad,
                        thread: me.clone(),
                    });
                }
                self.wake_at.fetch_min(wake, Ordering::SeqCst);
            }
            // After announcing `wake`: either the mixer sees it and wakes this thread (an unpark before the park
            // is kept), or this sees the mixer's new position.
            let position = self.position.load(Ordering::SeqCst);
            if position == u64::MAX || position >= wake || !self.enabled.load(Ordering::Acquire) {
                break FeedWait::CaughtUp;
            }
            if stop() {
                break FeedWait::Stopped;
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                break FeedWait::TimedOut;
            }
            std::thread::park_timeout(deadline - now);
        };
        let mut waiters = self.waiters.lock().unwrap();
        waiters.retain(|w| w.thread.id() != me.id());
        self.wake_at
            .store(Self::earliest(&waiters), Ordering::SeqCst);
        why
    }
}

#[derive(Default)]
pub struct CouncilMixer {
    settings: Mutex<Settings>,
    /// By pad number.
    participants: Mutex<BTreeMap<u32, Participant>>,
    /// Next pad number handed out for an unnamed request: above every number used so far.
    next_number: Mutex<u32>,
    /// Generation of the output buffer being filled (see module doc).
    generation: AtomicU64,
    /// Sample rate of the negotiated output, 0 before negotiation.
    rate: AtomicU64,
    scratch: Mutex<Scratch>,
    /// Negotiated output caps, sent on every `src_%u`.
    caps: Mutex<Option<gst::Caps>>,
    /// Group of the `src_%u` streams, per run.
    group_id: Mutex<Option<gst::GroupId>>,
    /// The element is PLAYING (see `output-mode`).
    playing: std::sync::atomic::AtomicBool,
    /// Pushes the legs that play (`output-mode=auto`).
    shared: Arc<SharedOut>,
    /// The `latency` set by the application, while [`CouncilMixer::adapt_queue`] has raised it (not live).
    queue_raised: Mutex<Option<gst::ClockTime>>,
    /// The mixing thread waiting for inputs itself (see [`CouncilMixer::wait_inputs`]).
    wait: Mutex<InputWait>,
    /// Whether the mixer was live when last checked (by [`CouncilMixer::adapt_queue`]).
    live: std::sync::atomic::AtomicBool,
    /// Not live: sources hand over in batches.
    feed: FeedGate,
}

#[derive(Default)]
struct InputWait {
    /// The deadline being waited for; unscheduled when the last awaited input arrives or on `interrupt`.
    id: Option<gst::SingleShotClockId>,
    /// Pads still awaited.
    awaited: usize,
    /// Something for the base class to handle (serialized event or query, flush, pads, state): back to it.
    interrupted: bool,
}

/// Why [`CouncilMixer::wait_inputs`] returned.
enum Inputs {
    /// Every pad has a buffer (or is EOS): mix now.
    Ready,
    /// The live deadline passed: mix what there is.
    Deadline,
    /// Return to the base class (not live, interrupted, no clock).
    Return,
}

/// The sticky events of the `src_%u` pads (see [`CouncilMixer::sticky`]).
struct Sticky {
    element: String,
    group_id: gst::GroupId,
    caps: Option<gst::Caps>,
    segment: gst::Segment,
    /// [`segment_key`] of `segment`.
    key: String,
}

impl Sticky {
    /// The sticky events participant `number` still needs before its next buffer or EOS, noted as sent.
    fn events_for(&self, number: u32, p: &mut Participant) -> Vec<gst::Event> {
        let mut events = Vec::new();
        if !p.sent.stream_start {
            // Unique per element and run (`gst_pad_create_stream_id` refuses pads that are not the element's own
            // always pads).
            let stream_id = format!("{}/{:?}/src_{number}", self.element, self.group_id);
            events.push(
                gst::event::StreamStart::builder(&stream_id)
                    .group_id(self.group_id)
                    .build(),
            );
            p.sent.stream_start = true;
        }
        if let Some(caps) = &self.caps
            && p.sent
                .caps
                .as_ref()
                .is_none_or(|c| c.as_ptr() != caps.as_ptr())
        {
            events.push(gst::event::Caps::new(caps));
            p.sent.caps = Some(caps.clone());
        }
        if p.sent.segment.as_ref() != Some(&self.key) {
            events.push(gst::event::Segment::new(&self.segment));
            p.sent.segment = Some(self.key.clone());
        }
        events
    }
}

/// A participant as seen by one output buffer.
struct Row {
    number: u32,
    sink: super::CouncilMixerPad,
    settings: PadSettings,
}

/// Work for one `src_%u` pad, done outside the locks.
struct Push {
    src: gst::Pad,
    out: Arc<OutQueue>,
    items: Vec<Item>,
}

impl CouncilMixer {
    /// Creates the pair `sink_N`/`src_N`; returns the one requested.
    fn request_pair(
        &self,
        number: Option<u32>,
        want_src: bool,
        caps: Option<&gst::Caps>,
    ) -> Option<gst::Pad> {
        let number = {
            let mut next = self.next_number.lock().unwrap();
            let n = number.unwrap_or(*next);
            *next = (*next).max(n.saturating_add(1));
            n
        };
        if self.participants.lock().unwrap().contains_key(&number) {
            gst::warning!(CAT, imp = self, "Participant {} exists already", number);
            return None;
        }

        let element = self.obj();
        let sink_templ = element.pad_template(SINK_TEMPLATE).expect("sink template");
        let sink = self
            .parent_request_new_pad(&sink_templ, Some(&format!("sink_{number}")), caps)?
            .downcast::<super::CouncilMixerPad>()
            .expect("sink pads are CouncilMixerPads");

        let src_templ = element.pad_template(SRC_TEMPLATE).expect("src template");
        let out = Arc::new(OutQueue::default());
        let src = gst::Pad::builder_from_template(&src_templ)
            .name(format!("src_{number}"))
            .query_function(|pad, parent, query| {
                CouncilMixer::catch_panic_pad_function(
                    parent,
                    || false,
                    |mixer| mixer.src_n_query(pad, query),
                )
            })
            .activatemode_function({
                let out = Arc::clone(&out);
                move |pad, parent, mode, active| {
                    CouncilMixer::catch_panic_pad_function(
                        parent,
                        || Err(gst::loggable_error!(CAT, "Panic activating a src_%u pad")),
                        |mixer| {
                            if mode != gst::PadMode::Push {
                                return Err(gst::loggable_error!(CAT, "Push mode only"));
                            }
                            mixer.src_n_activate(pad, &out, active)
                        },
                    )
                }
            })
            .event_function(|pad, parent, event| {
                CouncilMixer::catch_panic_pad_function(
                    parent,
                    || false,
                    |mixer| mixer.src_n_event(pad, event),
                )
            })
            .build();

        // Added (and, in a running element, activated) before the mixing thread can see it: events pushed on a
        // pad not active yet are dropped, and the leg would never get its stream-start, caps and segment.
        if let Err(err) = element.add_pad(&src) {
            gst::error!(CAT, imp = self, "Could not add src_{}: {}", number, err);
            self.parent_release_pad(sink.upcast_ref());
            return None;
        }
        self.participants.lock().unwrap().insert(
            number,
            Participant {
                sink: sink.clone(),
                src: src.clone(),
                sent: Sent::default(),
                out,
            },
        );
        gst::info!(CAT, imp = self, "Participant {} joined", number);
        self.interrupt();
        Some(if want_src { src } else { sink.upcast() })
    }

    /// Queries on a `src_%u` pad.
    fn src_n_query(&self, pad: &gst::Pad, query: &mut gst::QueryRef) -> bool {
        match query.view_mut() {
            gst::QueryViewMut::Caps(q) => {
                let caps = self
                    .obj()
                    .src_pad()
                    .current_caps()
                    .unwrap_or_else(|| pad.pad_template_caps());
                let caps = match q.filter() {
                    Some(filter) => {
                        filter.intersect_with_mode(&caps, gst::CapsIntersectMode::First)
                    }
                    None => caps,
                };
                q.set_result(&caps);
                true
            }
            // The latency of every output is that of the mixer.
            gst::QueryViewMut::Latency(_) => self.obj().src_pad().query(query),
            _ => gst::Pad::query_default(pad, Some(&*self.obj()), query),
        }
    }

    /// Upstream events on a `src_%u` pad: nothing to do for any of them.
    fn src_n_event(&self, pad: &gst::Pad, event: gst::Event) -> bool {
        gst::log!(CAT, obj = pad, "Ignoring upstream {:?}", event.type_());
        matches!(
            event.type_(),
            gst::EventType::Reconfigure | gst::EventType::Latency | gst::EventType::Qos
        )
    }

    /// Mixes, pushes the full mix on `src` and each participant's mix-minus on its `src_%u`.
    fn mix_and_push(&self, mut buffer: gst::Buffer) -> Result<gst::FlowSuccess, gst::FlowError> {
        // The inputs up to the end of this buffer are used up: sources waiting for room may go on. (Before
        // `adapt_queue` may raise the pads' queues: the gate knows where the mix is before sources may run ahead.)
        if let Some(end) = buffer
            .pts()
            .zip(buffer.duration())
            .and_then(|(p, d)| p.checked_add(d))
            && let Ok(segment) = self.obj().src_pad().segment().downcast::<gst::ClockTime>()
            && let Some(position) = segment.to_running_time(end)
        {
            self.feed.advance(position.nseconds());
        }
        let generation = self.generation.load(Ordering::Acquire);
        if generation % LIVE_CHECK_INTERVAL == 1 {
            self.adapt_queue();
        }
        let frames = buffer.size() / 2;
        let mut scratch = self.scratch.lock().unwrap();
        let scratch = &mut *scratch;

        // Snapshot of the participants and their inputs.
        let rows: Vec<Row> = self
            .participants
            .lock()
            .unwrap()
            .iter()
            .map(|(&number, p)| Row {
                number,
                sink: p.sink.clone(),
                settings: *p.sink.imp().settings.lock().unwrap(),
            })
            .collect();
        let n = rows.len();
        scratch.inputs.clear();
        scratch.inputs.resize(n * frames, 0);
        scratch.present.clear();
        scratch.gains.clear();
        for (i, row) in rows.iter().enumerate() {
            let mut ps = row.sink.imp().state.lock().unwrap();
            let present = ps.generation == generation && ps.samples.len() >= frames;
            if present {
                let samples = &ps.samples[..frames];
                scratch.inputs[i * frames..(i + 1) * frames].copy_from_slice(samples);
                ps.levels.add(&scratch.inputs[i * frames..(i + 1) * frames]);
            } else {
                ps.levels.add_silence(frames);
            }
            scratch.present.push(present);
            scratch.gains.push(if row.settings.mute {
                0
            } else {
                mix::gain_to_fixed(row.settings.gain)
            });
        }

        let inputs: Vec<Option<&[i16]>> = scratch
            .present
            .iter()
            .enumerate()
            .map(|(i, &p)| p.then(|| &scratch.inputs[i * frames..(i + 1) * frames]))
            .collect();
        scratch.total.clear();
        scratch.total.resize(frames, 0);
        scratch.each.resize_with(n, Vec::new);
        let limit = {
            let settings = self.settings.lock().unwrap();
            settings.limiter.then(|| {
                let rate = self.rate.load(Ordering::Relaxed).max(1);
                mix::LimiterParams::new(
                    settings.limiter_threshold,
                    LIMITER_RELEASE_S,
                    u32::try_from(rate).unwrap_or(u32::MAX),
                )
            })
        };
        scratch.mixer.set_limiter(limit);
        let ids: Vec<u32> = rows.iter().map(|r| r.number).collect();
        scratch.mixer.set_participants(&ids);
        scratch.mixer.mix(
            &inputs,
            &scratch.gains,
            &mut scratch.total,
            &mut scratch.each,
        );

        // The full mix into the aggregator's buffer.
        {
            let buf = buffer.make_mut();
            let mut map = buf.map_writable().map_err(|_| {
                gst::error!(CAT, imp = self, "Could not map the output buffer");
                gst::FlowError::Error
            })?;
            write_samples(&mut map[..frames * 2], &scratch.total);
        }

        // One buffer per participant, with the same timing.
        let mut outputs: Vec<(u32, gst::Buffer)> = Vec::with_capacity(n);
        for (row, each) in rows.iter().zip(&scratch.each) {
            let mut out = gst::Buffer::with_size(frames * 2).map_err(|_| gst::FlowError::Error)?;
            {
                let out = out.get_mut().unwrap();
                out.set_pts(buffer.pts());
                out.set_duration(buffer.duration());
                out.set_offset(buffer.offset());
                out.set_offset_end(buffer.offset_end());
                let mut map = out.map_writable().map_err(|_| gst::FlowError::Error)?;
                if row.settings.deaf {
                    map.fill(0);
                } else {
                    write_samples(&mut map, each);
                }
            }
            outputs.push((row.number, out));
        }

        let message = match self.levels_due(scratch, frames as u64) {
            Some(duration) => Some(self.levels_message(&rows_levels(&rows), &buffer, duration)),
            None => {
                // No interval running (level-interval=0): don't let the pads' sums grow without end.
                if scratch.interval_frames == 0 {
                    rows_levels(&rows);
                }
                None
            }
        };

        let pts = buffer.pts();
        let duration = buffer.duration();

        // Participants first, then the full mix: the sink behind `src` may block in preroll on its first buffer,
        // so it must come last (see the module doc on `output-threads`).
        let pushes = self.pending_pushes(outputs);
        self.route(pushes);
        let ret = self.parent_finish_buffer(buffer);

        if let Some(message) = message {
            let _ = self.obj().post_message(message);
        }
        gst::log!(
            CAT,
            imp = self,
            "Mixed {} participants, {} frames at {:?} (+{:?}): {:?}",
            n,
            frames,
            pts,
            duration,
            ret
        );
        ret
    }

    /// After an output buffer: waits for the next one's inputs here. Live, until every pad has a buffer (or is
    /// EOS) or the deadline (start + latency, as the base class computes it) passes. Not live (with the
    /// [`FeedGate`] on), if a pad has run dry, until each such pad has inputs to a quarter of a queue beyond the mix,
    /// at most [`FEED_WAIT_MAX`]. The base class would wait too, but be woken by each single buffer arriving (a
    /// thread switch per participant and buffer); this wait is woken once, by the last awaited pad's chain function
    /// ([`CouncilMixerPad::chain`]), or by the deadline.
    fn wait_inputs(&self) -> Inputs {
        let live = self.live.load(Ordering::Relaxed);
        let element = self.obj();
        let pads: Vec<super::CouncilMixerPad> = element
            .sink_pads()
            .into_iter()
            .filter_map(|p| p.downcast::<super::CouncilMixerPad>().ok())
            .collect();
        // Live: the base class's deadline, any buffer will do. Not live: a pad that has run dry is awaited until
        // it has a quarter of a queue ahead of the mix (the sources are paced by the feed gate), at most
        // FEED_WAIT_MAX; then the base class waits (it may have to, e.g. for a source that paused).
        let (clock, deadline, until) = if live {
            let (Some(clock), Some(base_time), Some(latency)) =
                (element.clock(), element.base_time(), element.latency())
            else {
                gst::log!(CAT, imp = self, "No clock, base time or latency");
                return Inputs::Return;
            };
            let Some(start) = self.parent_next_time() else {
                gst::log!(CAT, imp = self, "No next output time");
                return Inputs::Return;
            };
            let Some(deadline) = base_time
                .checked_add(start)
                .and_then(|t| t.checked_add(latency))
            else {
                gst::debug!(CAT, imp = self, "Deadline out of range");
                return Inputs::Return;
            };
            (clock, deadline, AWAIT_ANY)
        } else {
            let position = self.feed.position.load(Ordering::SeqCst);
            if !self.feed.enabled.load(Ordering::Acquire) || position == u64::MAX {
                return Inputs::Return;
            }
            let clock = gst::SystemClock::obtain();
            let now = clock.time();
            let wait_max = gst::ClockTime::from_nseconds(FEED_WAIT_MAX.as_nanos() as u64);
            (
                clock,
                now + wait_max,
                position.saturating_add(FEED_LOW).max(1),
            )
        };
        loop {
            // A new clock id each round: an unscheduled one cannot be waited on again.
            let id = clock.new_single_shot_id(deadline);
            // An event or query queued behind a buffer could not be handled when it interrupted: it is the base
            // class's once that buffer is mixed.
            if pads
                .iter()
                .any(|p| p.imp().pending.load(Ordering::Acquire) > 0)
            {
                gst::log!(CAT, imp = self, "Events or queries pending");
                return Inputs::Return;
            }
            // Downstream asks for renegotiation: the base class does it between output buffers.
            if element.src_pad().needs_reconfigure() {
                gst::log!(CAT, imp = self, "Reconfiguration pending");
                return Inputs::Return;
            }
            {
                let mut wait = self.wait.lock().unwrap();
                if std::mem::take(&mut wait.interrupted) {
                    gst::log!(CAT, imp = self, "Interrupted");
                    return Inputs::Return;
                }
                wait.id = Some(id.clone());
                wait.awaited = pads.len();
            }
            // Await every pad first, then strike those that have a buffer: a buffer arriving meanwhile is counted
            // here or by its chain function. The count only decides when to wake up (a chain function finishing
            // late may count a buffer already mixed); readiness is checked on the pads themselves.
            for pad in &pads {
                pad.imp().awaited_until.store(until, Ordering::Release);
            }
            // A pad is struck once: by its chain function (which then counts it down itself) or here.
            let (mut ready, mut eos, mut struck) = (0, 0, 0usize);
            for pad in &pads {
                let agg = pad.upcast_ref::<gst_base::AggregatorPad>();
                let is_eos = !agg.has_buffer() && agg.is_eos();
                if is_eos || agg.has_buffer() {
                    if pad
                        .imp()
                        .awaited_until
                        .compare_exchange(until, AWAIT_NONE, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                    {
                        struck += 1;
                    }
                    ready += 1;
                    eos += usize::from(is_eos);
                }
            }
            if eos == pads.len() {
                // Every participant has ended: the base class ends the mix.
                for pad in &pads {
                    pad.imp().awaited_until.store(AWAIT_NONE, Ordering::Release);
                }
                let mut wait = self.wait.lock().unwrap();
                wait.id = None;
                wait.awaited = 0;
                gst::log!(CAT, imp = self, "All inputs ended");
                return Inputs::Return;
            }
            let all_ready = ready == pads.len();
            if !all_ready && !live {
                for pad in &pads {
                    if pad.imp().awaited_until.load(Ordering::Acquire) != AWAIT_NONE {
                        self.feed.release(feed_key(pad));
                    }
                }
            }
            if !all_ready {
                let mut wait = self.wait.lock().unwrap();
                // Not `pads.len() - ready`: a chain function may have counted its pad down meanwhile.
                wait.awaited = wait.awaited.saturating_sub(struck);
                if wait.awaited == 0 {
                    id.unschedule();
                }
                gst::trace!(
                    CAT,
                    imp = self,
                    "Waiting for {} of {} pads until {}",
                    wait.awaited,
                    pads.len(),
                    deadline
                );
            }
            let res = if all_ready {
                Ok(gst::ClockSuccess::Ok)
            } else {
                id.wait().0
            };
            let interrupted = {
                let mut wait = self.wait.lock().unwrap();
                wait.id = None;
                wait.awaited = 0;
                std::mem::take(&mut wait.interrupted)
            };
            for pad in &pads {
                pad.imp().awaited_until.store(AWAIT_NONE, Ordering::Release);
            }
            if interrupted {
                gst::log!(CAT, imp = self, "Interrupted while waiting");
                return Inputs::Return;
            }
            gst::trace!(CAT, imp = self, "Wait: {:?}", res);
            match res {
                _ if all_ready => return Inputs::Ready,
                // Unscheduled: the last awaited pad got its buffer, probably; check.
                Err(gst::ClockError::Unscheduled) => continue,
                Ok(_) | Err(gst::ClockError::Early) if live => return Inputs::Deadline,
                Ok(_) | Err(gst::ClockError::Early) => {
                    gst::log!(CAT, imp = self, "Inputs still short: the base class waits");
                    return Inputs::Return;
                }
                Err(err) => {
                    gst::debug!(CAT, imp = self, "Clock wait failed: {:?}", err);
                    return Inputs::Return;
                }
            }
        }
    }

    /// Not live: the running times (ns) of the start and end of `buffer` arriving on `pad`.
    fn feed_span(&self, pad: &super::CouncilMixerPad, buffer: &gst::Buffer) -> Option<(u64, u64)> {
        if !self.feed.enabled.load(Ordering::Acquire) {
            return None;
        }
        let pts = buffer.pts()?;
        // Timestamps come from upstream: near the end of the range they must not overflow.
        let end = pts
            .checked_add(buffer.duration().unwrap_or(gst::ClockTime::ZERO))
            .unwrap_or(pts);
        let event = pad.sticky_event::<gst::event::Segment>(0)?;
        let segment = event.segment().downcast_ref::<gst::ClockTime>()?;
        let start = segment.to_running_time(pts)?;
        let end = segment.to_running_time(end).unwrap_or(start);
        Some((start.nseconds(), end.nseconds()))
    }

    /// Not live: before `pad` queues a buffer starting at `running_time`, waits in the [`FeedGate`] if the pad is
    /// far enough ahead of the mix.
    fn feed_wait(&self, pad: &super::CouncilMixerPad, running_time: u64) {
        // A source far ahead whose pad the mixer has run out of (a gap in its stream) goes on at once.
        let why = self.feed.wait(feed_key(pad), running_time, || {
            pad.imp().awaited_until.load(Ordering::Acquire) != AWAIT_NONE
                || pad.imp().released.load(Ordering::Acquire)
                || pad.pad_flags().contains(gst::PadFlags::FLUSHING)
        });
        if why != FeedWait::NotAhead {
            gst::trace!(CAT, obj = pad, "Waited for the mix: {:?}", why);
        }
    }

    /// The chain function of a pad the mixing thread waits for has queued a buffer.
    fn input_arrived(&self) {
        let mut wait = self.wait.lock().unwrap();
        wait.awaited = wait.awaited.saturating_sub(1);
        gst::trace!(CAT, imp = self, "Input arrived, {} awaited", wait.awaited);
        if wait.awaited == 0
            && let Some(id) = &wait.id
        {
            id.unschedule();
        }
    }

    /// Makes the mixing thread return to the base class (which handles events, queries, flushes, pads, states).
    fn interrupt(&self) {
        let mut wait = self.wait.lock().unwrap();
        wait.interrupted = true;
        if let Some(id) = &wait.id {
            id.unschedule();
        }
    }

    /// When the mixer is not live, lets each sink pad queue [`NON_LIVE_QUEUE`] (by raising the base class's
    /// `latency`, which has no timing meaning then), so that sources run ahead instead of handing over every
    /// buffer to the mixing thread one by one (a thread switch per participant and buffer otherwise); restores the
    /// application's value once live (and in `stop`).
    fn adapt_queue(&self) {
        let live = self.obj().latency().is_some();
        self.live.store(live, Ordering::Relaxed);
        let mut raised = self.queue_raised.lock().unwrap();
        match (live, *raised) {
            (false, None) => {
                let set = self.obj().property::<gst::ClockTime>("latency");
                if set < NON_LIVE_QUEUE {
                    gst::info!(
                        CAT,
                        imp = self,
                        "Not live: sink pads may queue {} (latency {} meanwhile)",
                        NON_LIVE_QUEUE,
                        set
                    );
                    *raised = Some(set);
                    // The gate first: sources waiting for room run ahead as soon as the queues grow.
                    self.feed.enabled.store(true, Ordering::Release);
                    self.obj().set_property("latency", NON_LIVE_QUEUE);
                }
            }
            (true, Some(set)) => {
                gst::info!(CAT, imp = self, "Live: latency back to {}", set);
                *raised = None;
                self.feed.enabled.store(false, Ordering::Release);
                self.feed.wake_all();
                self.obj().set_property("latency", set);
            }
            _ => (),
        }
    }

    /// Adds `frames` to the level interval; returns its duration in ns if it is complete (and starts the next).
    fn levels_due(&self, scratch: &mut Scratch, frames: u64) -> Option<u64> {
        let interval = self.settings.lock().unwrap().level_interval;
        let rate = self.rate.load(Ordering::Relaxed);
        if interval == 0 || rate == 0 {
            scratch.interval_frames = 0;
            return None;
        }
        scratch.interval_frames += frames;
        let elapsed =
            u64::try_from(u128::from(scratch.interval_frames) * 1_000_000_000 / u128::from(rate))
                .unwrap_or(u64::MAX);
        if elapsed < interval {
            return None;
        }
        scratch.interval_frames = 0;
        Some(elapsed)
    }

    /// Builds a `council-levels` message from `levels` (and resets the pads' levels).
    fn levels_message(
        &self,
        levels: &[(String, Levels, PadSettings)],
        buffer: &gst::Buffer,
        duration: u64,
    ) -> gst::Message {
        let threshold = self.settings.lock().unwrap().speaker_threshold;
        let heard: Vec<Option<f64>> = levels
            .iter()
            .map(|(_, l, s)| (!s.mute).then(|| l.rms_dbov() + mix::gain_db(s.gain)))
            .collect();
        let speaker = mix::active_speaker(&heard, threshold);
        let participants = gst::Array::new(levels.iter().map(|(name, l, s)| {
            gst::Structure::builder("participant")
                .field("pad", name)
                .field("rms", l.rms_dbov())
                .field("peak", l.peak_dbov())
                .field("gain", s.gain)
                .field("mute", s.mute)
                .field("deaf", s.deaf)
                .build()
        }));
        let end = buffer
            .pts()
            .zip(buffer.duration())
            .and_then(|(p, d)| p.checked_add(d))
            .and_then(|end| {
                self.obj()
                    .src_pad()
                    .segment()
                    .downcast_ref::<gst::ClockTime>()
                    .and_then(|s| s.to_running_time(end))
            });
        let s = gst::Structure::builder(LEVELS_MESSAGE)
            .field(
                "running-time",
                end.map(gst::ClockTime::nseconds).unwrap_or(u64::MAX),
            )
            .field("duration", duration)
            .field(
                "speaker",
                speaker.map(|i| levels[i].0.clone()).unwrap_or_default(),
            )
            .field(
                "speaker-level",
                speaker.and_then(|i| heard[i]).unwrap_or(mix::DBOV_FLOOR),
            )
            .field("participants", participants)
            .build();
        gst::message::Element::builder(s).src(&*self.obj()).build()
    }

    /// The events each `src_%u` still needs, followed by its buffer.
    ///
    /// Built from the aggregator's own state rather than from the `src` pad's sticky events, because the
    /// participants' buffers go out before the full mix's (see `mix_and_push`).
    fn pending_pushes(&self, outputs: Vec<(u32, gst::Buffer)>) -> Vec<Push> {
        let sticky = self.sticky();
        let mut participants = self.participants.lock().unwrap();
        let mut pushes = Vec::with_capacity(outputs.len());
        for (number, buffer) in outputs {
            // Released meanwhile.
            let Some(p) = participants.get_mut(&number) else {
                continue;
            };
            let events = sticky.events_for(number, p);
            p.sent.eos = false;
            pushes.push(Push {
                src: p.src.clone(),
                out: Arc::clone(&p.out),
                items: events
                    .into_iter()
                    .map(Item::Event)
                    .chain(std::iter::once(Item::Buffer(buffer)))
                    .collect(),
            });
        }
        pushes
    }

    /// What the `src_%u` pads' sticky events are now.
    fn sticky(&self) -> Sticky {
        let element = self.obj();
        let segment = element.src_pad().segment();
        Sticky {
            element: element.name().to_string(),
            group_id: *self
                .group_id
                .lock()
                .unwrap()
                .get_or_insert_with(gst::GroupId::next),
            caps: self.caps.lock().unwrap().clone(),
            key: segment_key(&segment),
            segment,
        }
    }

    /// Every participant's `src_%u` pad and out-queue (taken out of the lock, for pushing).
    fn outputs(&self) -> Vec<(gst::Pad, Arc<OutQueue>)> {
        self.participants
            .lock()
            .unwrap()
            .values()
            .map(|p| (p.src.clone(), Arc::clone(&p.out)))
            .collect()
    }

    /// Sends EOS on every `src_%u` that has not had it, after the sticky events it lacks (a leg that never had a
    /// buffer gets its stream-start, caps if known, and segment first: its downstream must end too).
    fn eos_participants(&self) {
        let sticky = self.sticky();
        let pushes: Vec<Push> = self
            .participants
            .lock()
            .unwrap()
            .iter_mut()
            .filter(|(_, p)| !p.sent.eos)
            .map(|(&number, p)| {
                let events = sticky.events_for(number, p);
                p.sent.eos = true;
                gst::debug!(CAT, obj = p.src, "EOS");
                Push {
                    src: p.src.clone(),
                    out: Arc::clone(&p.out),
                    items: events
                        .into_iter()
                        .chain(std::iter::once(gst::event::Eos::new()))
                        .map(Item::Event)
                        .collect(),
                }
            })
            .collect();
        self.route(pushes);
    }

    /// Sends EOS (after the sticky events it lacks) down the `src_%u` of a pair being released, after what it
    /// already has queued, and waits (at most a second) until it has gone: its downstream ends too. Only while
    /// PLAYING: in PAUSED a sink would wait on the EOS for PLAYING.
    fn end_leg(&self, number: u32, p: &mut Participant) {
        if p.sent.eos {
            return;
        }
        if !self.playing.load(Ordering::Acquire) {
            gst::debug!(CAT, obj = p.src, "Released while not PLAYING: no EOS");
            return;
        }
        let items: Vec<Item> = self
            .sticky()
            .events_for(number, p)
            .into_iter()
            .chain(std::iter::once(gst::event::Eos::new()))
            .map(Item::Event)
            .collect();
        p.sent.eos = true;
        gst::debug!(CAT, obj = p.src, "Released: EOS");
        if self.settings.lock().unwrap().output_mode == OutputMode::Direct {
            for item in items {
                push_item(&p.src, item);
            }
            return;
        }
        p.out.close_with(items);
        if !p.out.wait_drained(std::time::Duration::from_secs(1)) {
            gst::warning!(
                CAT,
                obj = p.src,
                "Released leg did not take its EOS within a second"
            );
        }
    }

    /// `output-mode=auto`, pausing: every sink behind a leg must preroll on something, but the shared output thread
    /// pushes the legs one after another, so legs it has already served for the current output buffer have
    /// nothing left, while the next buffer may never come (the mixing thread may wait in the full mix's preroll).
    /// A leg with nothing queued gets a zero-length GAP event at the current output position from its own thread.
    fn preroll_legs(&self) {
        if self.settings.lock().unwrap().output_mode != OutputMode::Auto {
            return;
        }
        let Some(position) = self
            .obj()
            .src_pad()
            .segment()
            .downcast_ref::<gst::ClockTime>()
            .and_then(|s| s.position())
        else {
            return;
        };
        let gap = gst::event::Gap::builder(position)
            .duration(gst::ClockTime::ZERO)
            .build();
        for p in self.participants.lock().unwrap().values() {
            if p.sent.stream_start && !p.sent.eos && p.out.event_if_idle(&gap) {
                gst::debug!(CAT, obj = p.src, "Pausing: GAP for the sink to preroll on");
            }
        }
    }

    /// Sends each leg its items, as `output-mode` says: queued for the leg's own thread, pushed right here, or
    /// (`auto`, legs that play in a steady PLAYING pipeline) given to the shared output thread.
    fn route(&self, pushes: Vec<Push>) {
        let mode = self.settings.lock().unwrap().output_mode;
        // Live (the aggregator reports a latency only then): a leg that does not keep up loses its oldest
        // buffers instead of holding up everybody. Not live: the mixer waits for it, like a queue. Asked only
        // when a queue is full: it takes the aggregator's lock, which every arriving input buffer takes too.
        let live = std::cell::OnceCell::new();
        let leaky = || *live.get_or_init(|| self.obj().latency().is_some());
        let steady = mode == OutputMode::Auto && self.steady();
        if mode == OutputMode::Auto && !steady {
            // Leaving PLAYING (or not there yet): what the shared thread has not pushed goes back to the legs'
            // own threads, ahead of the new items, so that every leg's sink can preroll.
            self.shared.reclaim();
        }
        let mut jobs = Vec::new();
        for push in pushes {
            let threaded = match mode {
                OutputMode::Threads => true,
                OutputMode::Direct => {
                    for item in push.items {
                        push_item(&push.src, item);
                    }
                    continue;
                }
                OutputMode::Auto => !push.out.take_direct(steady),
            };
            if threaded {
                let dropped = push.out.enqueue(push.items, leaky());
                if dropped > 0 {
                    gst::warning!(
                        CAT,
                        obj = push.src,
                        "Leg not keeping up: dropped {} buffer(s)",
                        dropped
                    );
                }
            } else {
                jobs.push(Job {
                    src: push.src,
                    out: push.out,
                    items: push.items,
                });
            }
        }
        self.shared.submit(jobs, &leaky);
    }

    /// Whether the mixing thread may push the legs that play (`output-mode=auto`): the element is PLAYING, and
    /// so is its top-level bin with no state change under way (then no sink behind a leg is prerolling).
    fn steady(&self) -> bool {
        if !self.playing.load(Ordering::Acquire) {
            return false;
        }
        let mut top: gst::Element = self.obj().clone().upcast();
        while let Some(parent) = top.parent().and_downcast::<gst::Element>() {
            top = parent;
        }
        top.current_state() == gst::State::Playing && top.pending_state() == gst::State::VoidPending
    }

    /// (De)activation of a `src_%u` pad: starts or stops its thread (unless `output-mode=direct`).
    fn src_n_activate(
        &self,
        pad: &gst::Pad,
        out: &Arc<OutQueue>,
        active: bool,
    ) -> Result<(), gst::LoggableError> {
        if !active {
            out.set_flushing(true);
            self.shared.drop_jobs(Some(out));
            // Joins the thread, which sees the flushing flag and leaves.
            return pad.stop_task().map_err(|err| {
                gst::loggable_error!(CAT, "Could not stop {}: {}", pad.name(), err)
            });
        }
        out.set_flushing(false);
        let mode = self.settings.lock().unwrap().output_mode;
        if mode == OutputMode::Direct {
            return Ok(());
        }
        let out = Arc::clone(out);
        let weak = pad.downgrade();
        let mixer = self.obj().downgrade();
        pad.start_task(move || {
            let Some(pad) = weak.upgrade() else { return };
            match out.dequeue() {
                Some(item) => {
                    let buffer = matches!(item, Item::Buffer(_));
                    push_item(&pad, item);
                    out.pushed();
                    // The leg took a buffer while PLAYING: it does not preroll (any more), the mixing thread
                    // can push it from now on.
                    if buffer
                        && mode == OutputMode::Auto
                        && mixer
                            .upgrade()
                            .is_some_and(|m| m.imp().playing.load(Ordering::Acquire))
                        && out.leg_plays()
                    {
                        gst::debug!(
                            CAT,
                            obj = pad,
                            "Leg plays: pushed by the mixing thread from now on"
                        );
                    }
                }
                None => {
                    let _ = pad.pause_task();
                }
            }
        })
        .map_err(|err| gst::loggable_error!(CAT, "Could not start {}: {}", pad.name(), err))
    }
}

/// `(pad name, levels so far, settings)` of every participant, resetting their levels.
fn rows_levels(rows: &[Row]) -> Vec<(String, Levels, PadSettings)> {
    rows.iter()
        .map(|r| {
            let mut st = r.sink.imp().state.lock().unwrap();
            let levels = st.levels;
            st.levels.reset();
            (r.sink.name().to_string(), levels, r.settings)
        })
        .collect()
}

/// A segment's identity: everything but its position, which the aggregator advances with every buffer.
fn segment_key(segment: &gst::Segment) -> String {
    format!(
        "{:?} {:?} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
        segment.format(),
        segment.flags(),
        segment.rate(),
        segment.applied_rate(),
        segment.base(),
        segment.offset(),
        segment.start(),
        segment.stop(),
        segment.time(),
        segment.duration()
    )
}

/// Writes samples as S16LE.
fn write_samples(out: &mut [u8], samples: &[i16]) {
    for (o, s) in out.chunks_exact_mut(2).zip(samples) {
        o.copy_from_slice(&s.to_le_bytes());
    }
}

#[glib::object_subclass]
impl ObjectSubclass for CouncilMixer {
    const NAME: &'static str = "GstCouncilMixer";
    type Type = super::CouncilMixer;
    type ParentType = gst_audio::AudioAggregator;
    type Interfaces = (gst::ChildProxy,);
}

impl ObjectImpl for CouncilMixer {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecUInt64::builder(PROP_LEVEL_INTERVAL)
                    .nick("Level interval")
                    .blurb(
                        "Post a council-levels element message every this many nanoseconds of output; 0 = \
                         never",
                    )
                    .default_value(DEFAULT_LEVEL_INTERVAL)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecDouble::builder(PROP_SPEAKER_THRESHOLD)
                    .nick("Speaker threshold")
                    .blurb(
                        "Level in dBov (RMS over the level interval, after gain) a participant must reach to \
                         be reported as the active speaker",
                    )
                    .minimum(mix::DBOV_FLOOR)
                    .maximum(0.0)
                    .default_value(DEFAULT_SPEAKER_THRESHOLD)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecBoolean::builder(PROP_LIMITER)
                    .nick("Limiter")
                    .blurb(
                        "Limit every output (the full mix and each src_%u) to limiter-threshold with a peak \
                         limiter (50 ms release) instead of letting summed voices clip; while no peak exceeds the \
                         threshold the mix is unchanged, bit-exact",
                    )
                    .default_value(false)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecDouble::builder(PROP_LIMITER_THRESHOLD)
                    .nick("Limiter threshold")
                    .blurb("Largest output level with the limiter on, in dBFS")
                    .minimum(-40.0)
                    .maximum(0.0)
                    .default_value(DEFAULT_LIMITER_THRESHOLD)
                    .mutable_playing()
                    .build(),
                glib::ParamSpecEnum::builder_with_default(PROP_OUTPUT_MODE, DEFAULT_OUTPUT_MODE)
                    .nick("Output mode")
                    .blurb(
                        "Who pushes each src_%u: auto (default) = a thread of its own through a bounded queue \
                         (like tee ! queue) while its leg may preroll, the mixing thread once the leg plays in a \
                         steady PLAYING pipeline; threads = always its own thread; direct = always the mixing \
                         thread (then each src_%u needs a queue or an async=false sink after it)",
                    )
                    .mutable_ready()
                    .build(),
                glib::ParamSpecBoolean::builder(PROP_OUTPUT_THREADS)
                    .nick("Output threads")
                    .blurb(
                        "Shorthand for output-mode: true = threads, false = direct; reads true unless \
                         output-mode is direct",
                    )
                    .default_value(true)
                    .mutable_ready()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        let mut settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_LEVEL_INTERVAL => {
                settings.level_interval = value.get().expect("type checked upstream")
            }
            PROP_SPEAKER_THRESHOLD => {
                settings.speaker_threshold = value.get().expect("type checked upstream")
            }
            PROP_LIMITER => settings.limiter = value.get().expect("type checked upstream"),
            PROP_LIMITER_THRESHOLD => {
                settings.limiter_threshold = value.get().expect("type checked upstream")
            }
            PROP_OUTPUT_MODE | PROP_OUTPUT_THREADS => {
                // Read when the src_N pads activate and on every buffer: it must not change mid-run (GStreamer
                // does not enforce `mutable_ready`).
                if self.obj().current_state() > gst::State::Ready {
                    gst::warning!(
                        CAT,
                        imp = self,
                        "{} can only be changed in NULL or READY; ignored",
                        pspec.name()
                    );
                    return;
                }
                settings.output_mode = if pspec.name() == PROP_OUTPUT_MODE {
                    value.get().expect("type checked upstream")
                } else if value.get::<bool>().expect("type checked upstream") {
                    OutputMode::Threads
                } else {
                    OutputMode::Direct
                };
            }
            name => unimplemented!("property {name}"),
        }
        gst::info!(CAT, imp = self, "Now {:?}", *settings);
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        let settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_LEVEL_INTERVAL => settings.level_interval.to_value(),
            PROP_SPEAKER_THRESHOLD => settings.speaker_threshold.to_value(),
            PROP_LIMITER => settings.limiter.to_value(),
            PROP_LIMITER_THRESHOLD => settings.limiter_threshold.to_value(),
            PROP_OUTPUT_MODE => settings.output_mode.to_value(),
            PROP_OUTPUT_THREADS => (settings.output_mode != OutputMode::Direct).to_value(),
            name => unimplemented!("property {name}"),
        }
    }

    fn constructed(&self) {
        self.parent_constructed();
        // `ignore-inactive-pads` stays off (the base class default): with it, a live mixer whose deadline passes
        // before any participant has sent a buffer sees only inactive pads, and GstAudioAggregator 1.22 takes
        // that for EOS and stops (measured: 5 of 30 live runs of the benchmark ended after the first buffer).
        // The base class sends EOS on `src` from several places (after `aggregate` returns EOS, and in live mode
        // directly when every pad is EOS); the participants' pads follow whichever it is.
        let weak = self.obj().downgrade();
        self.obj()
            .src_pad()
            .add_probe(gst::PadProbeType::EVENT_DOWNSTREAM, move |_, info| {
                if let Some(gst::PadProbeData::Event(event)) = &info.data
                    && event.type_() == gst::EventType::Eos
                    && let Some(mixer) = weak.upgrade()
                {
                    mixer.imp().eos_participants();
                }
                gst::PadProbeReturn::Ok
            });
    }
}

impl GstObjectImpl for CouncilMixer {}

impl ElementImpl for CouncilMixer {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "Council mix-minus mixer",
                "Generic/Audio",
                "Live N-party mixer: each src_%u carries the mix of every participant but its own sink_%u \
                 (mix-minus), src the full mix; per-participant gain/mute/deaf and talker levels",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            let caps = template_caps();
            vec![
                // The aggregator's src pad must be an (audio) aggregator pad: the base classes keep its
                // segment and audio info in it.
                gst::PadTemplate::with_gtype(
                    "src",
                    gst::PadDirection::Src,
                    gst::PadPresence::Always,
                    &caps,
                    gst_audio::AudioAggregatorPad::static_type(),
                )
                .unwrap(),
                gst::PadTemplate::with_gtype(
                    SINK_TEMPLATE,
                    gst::PadDirection::Sink,
                    gst::PadPresence::Request,
                    &caps,
                    super::CouncilMixerPad::static_type(),
                )
                .unwrap(),
                gst::PadTemplate::new(
                    SRC_TEMPLATE,
                    gst::PadDirection::Src,
                    gst::PadPresence::Request,
                    &caps,
                )
                .unwrap(),
            ]
        });
        PAD_TEMPLATES.as_ref()
    }

    fn request_new_pad(
        &self,
        templ: &gst::PadTemplate,
        name: Option<&str>,
        caps: Option<&gst::Caps>,
    ) -> Option<gst::Pad> {
        let want_src = match templ.name_template() {
            SINK_TEMPLATE => false,
            SRC_TEMPLATE => true,
            other => {
                gst::warning!(CAT, imp = self, "No request pads from template {}", other);
                return None;
            }
        };
        let number = match name {
            None => None,
            Some(name) => match pad_number(name) {
                Some(n) => Some(n),
                None => {
                    gst::warning!(CAT, imp = self, "Bad pad name {}", name);
                    return None;
                }
            },
        };
        let pad = self.request_pair(number, want_src, caps)?;
        self.obj().child_added(&pad, &pad.name());
        Some(pad)
    }

    fn change_state(
        &self,
        transition: gst::StateChange,
    ) -> Result<gst::StateChangeSuccess, gst::StateChangeError> {
        // Sinks behind the legs preroll again when the pipeline leaves PLAYING: the legs' threads push them.
        match transition {
            gst::StateChange::PlayingToPaused => {
                self.playing.store(false, Ordering::Release);
                self.shared.reclaim();
                self.preroll_legs();
                self.interrupt();
            }
            // The base class joins the mixing thread (and deactivates the pads: no source may wait in the gate).
            gst::StateChange::PausedToReady => {
                self.interrupt();
                self.feed.enabled.store(false, Ordering::Release);
                self.feed.wake_all();
            }
            _ => (),
        }
        let ret = self.parent_change_state(transition);
        match transition {
            gst::StateChange::PausedToPlaying if ret.is_ok() => {
                self.playing.store(true, Ordering::Release)
            }
            // The legs' pads are inactive now: the shared thread cannot be in a push any more.
            gst::StateChange::PausedToReady => self.shared.stop(),
            _ => (),
        }
        ret
    }

    fn release_pad(&self, pad: &gst::Pad) {
        let Some(number) = pad_number(&pad.name()) else {
            return;
        };
        let Some(p) = self.participants.lock().unwrap().remove(&number) else {
            gst::warning!(CAT, imp = self, "Releasing unknown pad {}", pad.name());
            return;
        };
        gst::info!(CAT, imp = self, "Participant {} leaves", number);
        self.interrupt();
        // Its source may wait in the gate, inside the chain function: the release (deactivation) waits for it.
        p.sink.imp().released.store(true, Ordering::Release);
        self.feed.wake_all();
        let mut p = p;
        self.end_leg(number, &mut p);
        let _ = p.src.set_active(false);
        let _ = self.obj().remove_pad(&p.src);
        self.obj().child_removed(&p.sink, &p.sink.name());
        self.parent_release_pad(p.sink.upcast_ref());
    }
}

impl AggregatorImpl for CouncilMixer {
    fn aggregate(&self, timeout: bool) -> Result<gst::FlowSuccess, gst::FlowError> {
        let mut ret = self.parent_aggregate(timeout);
        // While every input comes in time: wait for the next output's inputs here rather than in the base class
        // (see `wait_inputs`); live, at the deadline, mix what there is, as the base class would. Anything for
        // the base class to handle (events, queries, flushes, pads, states, errors) returns to it.
        // GstAudioAggregator answers "need data" once per input buffer (when it drops the one it has used up);
        // that is no reason to go back, but a few in a row are (it wants what only the base class does).
        let mut need_data = 0;
        loop {
            match ret {
                Ok(_) => need_data = 0,
                Err(gst_base::AGGREGATOR_FLOW_NEED_DATA) if need_data < 4 => need_data += 1,
                Err(_) => break,
            }
            match self.wait_inputs() {
                Inputs::Ready => ret = self.parent_aggregate(false),
                Inputs::Deadline => {
                    gst::log!(CAT, imp = self, "Deadline: mixing what there is");
                    ret = self.parent_aggregate(true);
                }
                Inputs::Return => {
                    gst::log!(CAT, imp = self, "Back to the base class");
                    break;
                }
            }
        }
        if let Err(err) = ret {
            gst::log!(CAT, imp = self, "Aggregate: {:?}", err);
        }
        ret
    }

    fn sink_event(&self, pad: &gst_base::AggregatorPad, event: gst::Event) -> bool {
        if event.type_() == gst::EventType::FlushStart {
            // The base class stops the mixing thread: it must not be waiting for inputs; nor a source in the gate.
            self.interrupt();
            self.feed.wake_all();
        }
        if event.is_serialized()
            && event.type_() != gst::EventType::FlushStop
            && let Some(pad) = pad.downcast_ref::<super::CouncilMixerPad>()
        {
            pad.imp().pending_handled();
        }
        self.parent_sink_event(pad, event)
    }

    fn sink_query(&self, pad: &gst_base::AggregatorPad, query: &mut gst::QueryRef) -> bool {
        if query.is_serialized()
            && let Some(pad) = pad.downcast_ref::<super::CouncilMixerPad>()
        {
            pad.imp().pending_handled();
        }
        self.parent_sink_query(pad, query)
    }

    fn sink_event_pre_queue(
        &self,
        pad: &gst_base::AggregatorPad,
        event: gst::Event,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        let queued = event.is_serialized() && event.type_() != gst::EventType::FlushStop;
        let council_pad = pad.downcast_ref::<super::CouncilMixerPad>();
        if queued {
            gst::log!(CAT, obj = pad, "Serialized event {:?}", event.type_());
            if let Some(p) = council_pad {
                p.imp().pending.fetch_add(1, Ordering::AcqRel);
            }
        }
        let ret = self.parent_sink_event_pre_queue(pad, event);
        if queued {
            if ret.is_err()
                && let Some(p) = council_pad
            {
                p.imp().pending_handled();
            }
            // Queued for the base class, which handles it between output buffers.
            self.interrupt();
        }
        ret
    }

    fn sink_query_pre_queue(
        &self,
        pad: &gst_base::AggregatorPad,
        query: &mut gst::QueryRef,
    ) -> bool {
        let queued = query.is_serialized();
        if queued {
            gst::log!(CAT, obj = pad, "Serialized query {:?}", query.type_());
            if let Some(p) = pad.downcast_ref::<super::CouncilMixerPad>() {
                p.imp().pending.fetch_add(1, Ordering::AcqRel);
            }
            // Answered by the base class in the mixing thread; the querying thread waits for it.
            self.interrupt();
        }
        self.parent_sink_query_pre_queue(pad, query)
    }

    fn finish_buffer(&self, buffer: gst::Buffer) -> Result<gst::FlowSuccess, gst::FlowError> {
        self.mix_and_push(buffer)
    }

    fn update_src_caps(&self, caps: &gst::Caps) -> Result<gst::Caps, gst::FlowError> {
        let caps = self.parent_update_src_caps(caps)?;
        // The base class would fixate the rate on its own (to 48 kHz) and then refuse every participant at
        // another rate: the rate is that of the first participant with caps, as in `audiomixer`.
        let rate = self.obj().sink_pads().iter().find_map(|pad| {
            let caps = pad.current_caps()?;
            gst_audio::AudioInfo::from_caps(&caps)
                .ok()
                .map(|i| i.rate())
        });
        let Some(rate) = rate else {
            return Ok(caps);
        };
        let mut fixed = caps.clone();
        for s in fixed.make_mut().iter_mut() {
            s.set("rate", rate as i32);
        }
        let caps = caps.intersect(&fixed);
        gst::debug!(CAT, imp = self, "Output caps at {} Hz: {}", rate, caps);
        Ok(caps)
    }

    fn negotiated_src_caps(&self, caps: &gst::Caps) -> Result<(), gst::LoggableError> {
        let info = gst_audio::AudioInfo::from_caps(caps)
            .map_err(|_| gst::loggable_error!(CAT, "Bad output caps {}", caps))?;
        gst::info!(CAT, imp = self, "Mixing at {} Hz", info.rate());
        self.rate.store(u64::from(info.rate()), Ordering::Relaxed);
        *self.caps.lock().unwrap() = Some(caps.clone());
        self.parent_negotiated_src_caps(caps)
    }

    fn start(&self) -> Result<(), gst::ErrorMessage> {
        self.live.store(false, Ordering::Relaxed);
        self.feed.reset();
        for p in self.participants.lock().unwrap().values_mut() {
            p.sent = Sent::default();
        }
        *self.scratch.lock().unwrap() = Scratch::default();
        *self.caps.lock().unwrap() = None;
        *self.group_id.lock().unwrap() = None;
        self.rate.store(0, Ordering::Relaxed);
        self.parent_start()
    }

    fn stop(&self) -> Result<(), gst::ErrorMessage> {
        self.feed.enabled.store(false, Ordering::Release);
        self.feed.reset();
        if let Some(set) = self.queue_raised.lock().unwrap().take() {
            self.obj().set_property("latency", set);
        }
        self.parent_stop()
    }

    fn src_event(&self, event: gst::Event) -> bool {
        if let gst::EventView::Seek(seek) = event.view()
            && seek.flags().contains(gst::SeekFlags::FLUSH)
        {
            // Before the aggregator stops its own task (which waits for it): release a mixer blocked on a full leg
            // queue (not live), and legs whose sinks wait in preroll; the aggregator only flushes `src`.
            self.interrupt();
            self.shared.drop_jobs(None);
            for (src, out) in self.outputs() {
                out.set_flushing(true);
                src.push_event(gst::event::FlushStart::new());
            }
        }
        self.parent_src_event(event)
    }

    fn flush(&self) -> Result<gst::FlowSuccess, gst::FlowError> {
        self.feed.reset();
        // After a flush the src pad gets a new segment; the participants must too.
        for p in self.participants.lock().unwrap().values_mut() {
            p.sent.segment = None;
        }
        for (src, out) in self.outputs() {
            src.push_event(gst::event::FlushStop::new(true));
            // Restart the leg's thread, which left when its queue started flushing.
            if let Err(err) = self.src_n_activate(&src, &out, true) {
                err.log_with_imp(self);
            }
        }
        self.parent_flush()
    }
}

impl AudioAggregatorImpl for CouncilMixer {
    fn create_output_buffer(&self, num_frames: u32) -> Option<gst::Buffer> {
        // A new output buffer: every pad's scratch is stale until it receives samples for it.
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.parent_create_output_buffer(num_frames)
    }

    fn aggregate_one_buffer(
        &self,
        pad: &gst_audio::AudioAggregatorPad,
        inbuf: &gst::BufferRef,
        in_offset: u32,
        outbuf: &mut gst::BufferRef,
        out_offset: u32,
        num_frames: u32,
    ) -> bool {
        let Some(pad) = pad.downcast_ref::<super::CouncilMixerPad>() else {
            return false;
        };
        let frames = outbuf.size() / 2;
        let (in_offset, out_offset, num_frames) =
            (in_offset as usize, out_offset as usize, num_frames as usize);
        let Ok(map) = inbuf.map_readable() else {
            gst::warning!(
                CAT,
                obj = pad,
                "Could not map an input buffer; silence instead"
            );
            return false;
        };
        let Some(input) = map.get(in_offset * 2..(in_offset + num_frames) * 2) else {
            gst::warning!(CAT, obj = pad, "Input buffer shorter than announced");
            return false;
        };
        let generation = self.generation.load(Ordering::Acquire);
        let mut st = pad.imp().state.lock().unwrap();
        if st.generation != generation {
            st.generation = generation;
            st.samples.clear();
            st.samples.resize(frames, 0);
        }
        let Some(out) = st.samples.get_mut(out_offset..out_offset + num_frames) else {
            gst::warning!(CAT, obj = pad, "Output range outside the output buffer");
            return false;
        };
        for (o, i) in out.iter_mut().zip(input.chunks_exact(2)) {
            *o = i16::from_le_bytes([i[0], i[1]]);
        }
        true
    }
}

impl ChildProxyImpl for CouncilMixer {
    fn child_by_index(&self, index: u32) -> Option<glib::Object> {
        self.obj()
            .sink_pads()
            .into_iter()
            .nth(index as usize)
            .map(|p| p.upcast())
    }

    fn children_count(&self) -> u32 {
        self.obj().num_sink_pads() as u32
    }

    fn child_by_name(&self, name: &str) -> Option<glib::Object> {
        self.obj().static_pad(name).map(|p| p.upcast())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    /// A gate as while not live, with a wait bound long enough that only a wake-up ends a wait in these tests.
    fn gate() -> Arc<FeedGate> {
        let gate = FeedGate {
            wait_max: std::time::Duration::from_secs(60),
            ..FeedGate::default()
        };
        gate.enabled.store(true, Ordering::Release);
        Arc::new(gate)
    }

    /// Starts a source thread waiting in `gate` with a buffer at `running_time` on pad `pad`; returns once it
    /// waits.
    fn waiting(
        gate: &Arc<FeedGate>,
        pad: usize,
        running_time: u64,
    ) -> std::thread::JoinHandle<FeedWait> {
        let before = gate.waiters.lock().unwrap().len();
        let g = Arc::clone(gate);
        let handle = std::thread::spawn(move || g.wait(pad, running_time, || false));
        while gate.waiters.lock().unwrap().len() == before {
            std::thread::yield_now();
        }
        handle
    }

    #[test]
    fn feed_gate_lets_pads_run_ahead_up_to_the_high_mark() {
        let gate = gate();
        // Before the first output buffer there is nothing to be ahead of.
        assert_eq!(gate.wait(1, 5_000 * MS, || false), FeedWait::NotAhead);
        gate.advance(1_000 * MS);
        assert_eq!(
            gate.wait(1, 1_000 * MS + FEED_HIGH, || false),
            FeedWait::NotAhead
        );
        // Switched off (live): never waits.
        gate.enabled.store(false, Ordering::Release);
        assert_eq!(gate.wait(1, 9_000 * MS, || false), FeedWait::NotAhead);
        assert!(gate.waiters.lock().unwrap().is_empty());
    }

    #[test]
    fn feed_gate_wakes_each_source_when_the_mix_reaches_its_low_mark() {
        let gate = gate();
        gate.advance(0);
        // Two sources ahead by more than the high mark, the second further than the first.
        let first = waiting(&gate, 1, FEED_HIGH + 20 * MS);
        let second = waiting(&gate, 1, FEED_HIGH + 300 * MS);
        assert_eq!(
            gate.wake_at.load(Ordering::SeqCst),
            FEED_HIGH + 20 * MS - FEED_LOW
        );
        // Not yet at the first's low mark: nobody is woken.
        gate.advance(FEED_HIGH + 20 * MS - FEED_LOW - 1);
        assert_eq!(gate.waiters.lock().unwrap().len(), 2);
        // At the first's mark: the first goes on, alone.
        gate.advance(FEED_HIGH + 20 * MS - FEED_LOW);
        assert_eq!(first.join().unwrap(), FeedWait::CaughtUp);
        let waiters: Vec<u64> = gate
            .waiters
            .lock()
            .unwrap()
            .iter()
            .map(|w| w.wake)
            .collect();
        assert_eq!(waiters, [FEED_HIGH + 300 * MS - FEED_LOW]);
        assert_eq!(gate.wake_at.load(Ordering::SeqCst), waiters[0]);
        gate.advance(FEED_HIGH + 400 * MS);
        assert_eq!(second.join().unwrap(), FeedWait::CaughtUp);
        assert_eq!(gate.wake_at.load(Ordering::SeqCst), u64::MAX);
    }

    #[test]
    fn feed_gate_releases_the_source_of_a_pad_the_mixer_ran_out_of() {
        let gate = gate();
        gate.advance(0);
        let ahead = waiting(&gate, 1, 5_000 * MS);
        let gapped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (g, stop) = (Arc::clone(&gate), Arc::clone(&gapped));
        let before = gate.waiters.lock().unwrap().len();
        let other =
            std::thread::spawn(move || g.wait(2, 5_000 * MS, || stop.load(Ordering::Acquire)));
        while gate.waiters.lock().unwrap().len() == before {
            std::thread::yield_now();
        }
        // The mixer has nothing of pad 2 (its source jumped 5 s ahead): only pad 2's source is woken, and its
        // `stop` (the pad is awaited) lets it go on.
        gapped.store(true, Ordering::Release);
        gate.release(2);
        assert_eq!(other.join().unwrap(), FeedWait::Stopped);
        assert_eq!(gate.waiters.lock().unwrap().len(), 1);
        gate.release(3);
        assert_eq!(gate.waiters.lock().unwrap().len(), 1);
        gate.reset();
        assert_eq!(ahead.join().unwrap(), FeedWait::CaughtUp);
    }

    #[test]
    fn feed_gate_releases_on_reset_switch_off_and_stop() {
        let gate = gate();
        gate.advance(0);
        let a = waiting(&gate, 1, 2_000 * MS);
        gate.reset();
        assert_eq!(a.join().unwrap(), FeedWait::CaughtUp);

        gate.advance(0);
        let b = waiting(&gate, 1, 2_000 * MS);
        gate.enabled.store(false, Ordering::Release);
        gate.wake_all();
        assert_eq!(b.join().unwrap(), FeedWait::CaughtUp);

        gate.enabled.store(true, Ordering::Release);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (g, s) = (Arc::clone(&gate), Arc::clone(&stop));
        let c = std::thread::spawn(move || g.wait(1, 2_000 * MS, || s.load(Ordering::Acquire)));
        while gate.waiters.lock().unwrap().is_empty() {
            std::thread::yield_now();
        }
        stop.store(true, Ordering::Release);
        gate.wake_all();
        assert_eq!(c.join().unwrap(), FeedWait::Stopped);

        // The bound: a gate whose mix never moves lets the source go on to the base class's own wait.
        let short = FeedGate {
            wait_max: std::time::Duration::from_millis(1),
            ..FeedGate::default()
        };
        short.enabled.store(true, Ordering::Release);
        short.advance(0);
        assert_eq!(short.wait(1, 2_000 * MS, || false), FeedWait::TimedOut);
        assert!(short.waiters.lock().unwrap().is_empty());
    }

    fn buffers(n: usize) -> Vec<Item> {
        (0..n)
            .map(|k| {
                let mut b = gst::Buffer::new();
                b.get_mut().unwrap().set_offset(k as u64);
                Item::Buffer(b)
            })
            .collect()
    }

    #[test]
    fn leaky_queue_drops_the_oldest_buffers_and_keeps_events() {
        gst::init().unwrap();
        let q = OutQueue::default();
        assert_eq!(q.enqueue([Item::Event(gst::event::Eos::new())], true), 0);
        assert_eq!(q.enqueue(buffers(MAX_QUEUED_BUFFERS), true), 0);
        assert_eq!(q.enqueue(buffers(3), true), 3);
        assert!(matches!(q.dequeue(), Some(Item::Event(_))));
        // Buffers 0..3 of the first batch went.
        match q.dequeue() {
            Some(Item::Buffer(b)) => assert_eq!(b.offset(), 3),
            _ => panic!("a buffer"),
        }
        q.set_flushing(true);
        assert!(q.dequeue().is_none());
        assert_eq!(q.enqueue(buffers(1), false), 0);
        assert!(q.state.lock().unwrap().items.is_empty());
    }
}
