//! The council itself: one live conference mixed by `councilmixer`, every call a leg of it.
//!
//! One pipeline holds the mixer and, per participant, a bin made of the same leg cores as an echo call (the in
//! leg of its codec from `rtp-in` to `tap`, the out leg from `tap` to `rtp-out`, see [`crate::pipeline`]): the
//! participant's RTP is decoded, witnessed (`<label>/rx`) and mixed; what it hears — everybody but itself, the
//! mixer's `src_N` — is witnessed (`<label>/tx`), encoded in its codec and sent back from the socket its RTP
//! arrives on (symmetric RTP). The full mix is witnessed too (`<conference label>/mix`). Participants join and
//! leave while the conference plays; one that stops sending is silence to the others, and its leg ends on its
//! RTP timeout (reported to whoever added it), never stalling the rest.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gst::glib;
use gst::prelude::*;

use crate::echo::{self, EchoSpec, Ended, WitnessSpec};
use crate::{Error, pipeline};

/// The rate every participant is mixed at (G.711 and G.729 are narrowband).
const MIX_CAPS: &str = "audio/x-raw,format=S16LE,rate=8000,channels=1";

/// How long the mixer waits for a late participant beyond the legs' own latency (jitter buffers).
const MIXER_LATENCY: gst::ClockTime = gst::ClockTime::from_mseconds(20);

/// What a conference needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceSpec {
    /// Where the full mix's tap writes.
    pub witness: WitnessSpec,
    /// Labels the full mix's tap `<label>/mix`.
    pub label: String,
    /// A WAV file to record the full mix into (finished when the conference stops).
    pub record: Option<PathBuf>,
}

/// Called from GStreamer's threads when a leg ends by itself (RTP timeout, error).
type OnEnd = Arc<dyn Fn(Ended) + Send + Sync>;

/// What the bus handler knows of a leg.
struct LegEntry {
    bin: gst::Bin,
    on_end: OnEnd,
}

struct Inner {
    pipeline: gst::Pipeline,
    mixer: gst::Element,
    bus: gst::Bus,
    shared: Arc<Shared>,
}

/// What the bus handler shares with the conference. Not the pipeline: the handler runs on the pipeline's own
/// threads, where the last reference to it must never be dropped (that would stop it from one of its threads).
#[derive(Default)]
struct Shared {
    legs: Mutex<Legs>,
    /// A conference-wide failure (the mixer or the mix's tap), for [`Conference::failure`].
    failure: Mutex<Option<String>>,
}

#[derive(Default)]
struct Legs {
    /// By the mixer's pad number.
    by_number: HashMap<u32, LegEntry>,
    /// [`Conference::stop`] has begun: nobody joins any more.
    stopped: bool,
}

/// A running conference; clones share it. It stops when [`Conference::stop`] is called or the last clone (and
/// every [`Leg`]) is dropped.
#[derive(Clone)]
pub struct Conference {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Conference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conference")
            .field("participants", &self.participants())
            .finish()
    }
}

/// One participant of a [`Conference`]. Dropping it (or [`Leg::leave`]) takes the participant out.
#[derive(Debug)]
pub struct Leg {
    conference: Conference,
    number: u32,
    local_port: u16,
}

impl Conference {
    /// The conference's own pipeline description (the mixer is made apart: `force-live` is a construct-only
    /// property): the full mix, witnessed, into a fakesink or a WAV file.
    fn description(record: bool) -> String {
        let sink = if record {
            "wavenc ! filesink name=mix-out"
        } else {
            "fakesink name=mix-out sync=false async=false"
        };
        format!("capsfilter name=mix-caps caps={MIX_CAPS} ! witnesstap name=mix-tap ! {sink}")
    }

    /// Builds the conference and starts it (PLAYING, mixing silence until somebody joins).
    pub fn start(spec: &ConferenceSpec) -> Result<Self, Error> {
        crate::init()?;
        let pipeline = pipeline::launch(&Self::description(spec.record.is_some()), &[])?;
        let mixer = gst::ElementFactory::make("councilmixer")
            .name("mixer")
            .property("force-live", true)
            .property("latency", MIXER_LATENCY)
            .property("level-interval", 0u64)
            // Several voices at once must not clip (each participant's own level is theirs to choose).
            .property("limiter", true)
            .build()
            .map_err(|e| Error::Gst(e.to_string()))?;
        pipeline
            .add(&mixer)
            .map_err(|e| Error::Gst(e.to_string()))?;
        let caps = pipeline
            .by_name("mix-caps")
            .ok_or_else(|| Error::NoSuchElement("mix-caps".into()))?;
        mixer
            .link(&caps)
            .map_err(|e| Error::Gst(format!("linking the mixer: {e}")))?;
        let mut settings = vec![
            (
                "mix-tap",
                "location",
                spec.witness.location.display().to_string(),
            ),
            ("mix-tap", "label", format!("{}/mix", spec.label)),
        ];
        if let Some(key) = &spec.witness.key {
            settings.push(("mix-tap", "key", key.display().to_string()));
        }
        if let Some(record) = &spec.record {
            settings.push(("mix-out", "location", record.display().to_string()));
        }
        pipeline::set(&pipeline, &settings)?;
        let bus = pipeline
            .bus()
            .ok_or_else(|| Error::Gst("a pipeline without a bus".into()))?;
        let inner = Arc::new(Inner {
            pipeline,
            mixer,
            bus,
            shared: Arc::new(Shared::default()),
        });
        let (shared, weak_pipeline) = (inner.shared.clone(), inner.pipeline.downgrade());
        inner.bus.set_sync_handler(move |_, msg| {
            shared.handle(msg, &weak_pipeline);
            // EOS is kept for `stop`; the rest is handled here.
            match msg.view() {
                gst::MessageView::Eos(_) => gst::BusSyncReply::Pass,
                _ => gst::BusSyncReply::Drop,
            }
        });
        if let Err(e) = inner.pipeline.set_state(gst::State::Playing) {
            let text = inner
                .shared
                .failure
                .lock()
                .unwrap()
                .clone()
                .unwrap_or_else(|| e.to_string());
            let _ = inner.pipeline.set_state(gst::State::Null);
            return Err(Error::Start(text));
        }
        Ok(Self { inner })
    }

    /// Adds a participant: its RTP is received on `spec.local` (port 0: any free port), it hears everybody else
    /// at `spec.remote`, in `spec.codec` with `spec.payload_type`, taps labelled `<spec.label>/rx` and `/tx`.
    /// `on_end` is called (from a GStreamer thread, maybe more than once) when the leg ends by itself; the leg
    /// stays in until it is left or dropped.
    pub fn join(
        &self,
        spec: &EchoSpec,
        on_end: impl Fn(Ended) + Send + Sync + 'static,
    ) -> Result<Leg, Error> {
        let (rx, tx) = echo::legs(spec.codec);
        let desc = format!(
            "{} ! queue name=rx-queue max-size-time=200000000 max-size-buffers=0 max-size-bytes=0 leaky=downstream \
             {}",
            pipeline::in_core(rx, "rx-")?,
            pipeline::out_core(tx, "tx-")?
        );
        let bin = gst::parse::bin_from_description(&desc, true)
            .map_err(|e| Error::Parse(e.to_string()))?;
        pipeline::set(&bin, &echo::settings(spec))?;
        // A sink joining a playing pipeline must not preroll: that would take the whole conference back to PAUSED
        // until it has (the pipeline "loses state" on its async start).
        pipeline::set(&bin, &[("tx-rtp-out", "async", "false".to_owned())])?;
        let local_port = echo::bind_symmetric(&bin, spec.local.port())?;
        let inner = &self.inner;
        inner
            .pipeline
            .add(&bin)
            .map_err(|e| Error::Gst(e.to_string()))?;
        let undo = |text: String| {
            let _ = bin.set_state(gst::State::Null);
            let _ = inner.pipeline.remove(&bin);
            Error::Start(text)
        };
        let Some(sink) = inner.mixer.request_pad_simple("sink_%u") else {
            return Err(undo("the mixer gave no sink pad".into()));
        };
        let number: u32 = match sink
            .name()
            .strip_prefix("sink_")
            .and_then(|n| n.parse().ok())
        {
            Some(n) => n,
            None => {
                inner.mixer.release_request_pad(&sink);
                return Err(undo(format!("unexpected mixer pad {}", sink.name())));
            }
        };
        let leg = Leg {
            conference: self.clone(),
            number,
            local_port,
        };
        {
            let mut legs = inner.shared.legs.lock().unwrap();
            if legs.stopped {
                drop(legs);
                inner.mixer.release_request_pad(&sink);
                return Err(undo("the council has ended".into()));
            }
            legs.by_number.insert(
                number,
                LegEntry {
                    bin: bin.clone(),
                    on_end: Arc::new(on_end),
                },
            );
        }
        // From here on, dropping `leg` undoes everything.
        let src = inner
            .mixer
            .static_pad(&format!("src_{number}"))
            .ok_or_else(|| Error::Start(format!("the mixer has no src_{number}")))?;
        let (bin_src, bin_sink) = (
            bin.static_pad("src")
                .ok_or_else(|| Error::Start("the leg has no src pad".into()))?,
            bin.static_pad("sink")
                .ok_or_else(|| Error::Start("the leg has no sink pad".into()))?,
        );
        bin_src
            .link(&sink)
            .map_err(|e| Error::Start(format!("linking the leg to the mixer: {e}")))?;
        src.link(&bin_sink)
            .map_err(|e| Error::Start(format!("linking the mixer to the leg: {e}")))?;
        bin.sync_state_with_parent()
            .map_err(|e| Error::Start(format!("starting the leg: {e}")))?;
        tracing::info!(participant = number, port = local_port, label = %spec.label, "joined the council");
        Ok(leg)
    }

    /// How many participants are in.
    pub fn participants(&self) -> usize {
        self.inner.shared.legs.lock().unwrap().by_number.len()
    }

    /// The first conference-wide failure (not a leg's), if any.
    pub fn failure(&self) -> Option<String> {
        self.inner.shared.failure.lock().unwrap().clone()
    }

    /// Ends the conference: every leg out, EOS through the mix so its tap writes its last digest and a
    /// recording is finished (at most `drain` waited for), then the pipeline stops.
    pub fn stop(&self, drain: Duration) {
        let numbers: Vec<u32> = {
            let mut legs = self.inner.shared.legs.lock().unwrap();
            legs.stopped = true;
            legs.by_number.keys().copied().collect()
        };
        for number in numbers {
            self.inner.remove(number);
        }
        // EOS after the mix (the mixer has no sink pad left to send it through): its tap writes its last digest, a
        // recording is finished.
        if let Some(src) = self.inner.mixer.static_pad("src")
            && src.push_event(gst::event::Eos::new())
        {
            let _ = self.inner.bus.timed_pop_filtered(
                gst::ClockTime::from_nseconds(drain.as_nanos() as u64),
                &[gst::MessageType::Eos],
            );
        }
        let _ = self.inner.pipeline.set_state(gst::State::Null);
    }
}

/// The councils of a daemon: one conference per council name, started when its first participant comes, all
/// stopped together. Clones share them.
#[derive(Clone)]
pub struct Councils {
    inner: Arc<CouncilsInner>,
}

struct CouncilsInner {
    witness: WitnessSpec,
    /// The council of a call that names none.
    default: String,
    /// By name; `None` once stopped.
    running: Mutex<Option<std::collections::BTreeMap<String, Conference>>>,
}

impl std::fmt::Debug for Councils {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Councils")
            .field("default", &self.inner.default)
            .field("running", &self.names())
            .finish()
    }
}

impl Councils {
    /// No conference yet; each one's full mix is witnessed into `witness` as `<name>/mix`.
    pub fn new(witness: WitnessSpec, default: &str) -> Self {
        Self {
            inner: Arc::new(CouncilsInner {
                witness,
                default: default.to_owned(),
                running: Mutex::new(Some(Default::default())),
            }),
        }
    }

    /// The conference of council `name` (`None`: the default council), started if it is not running yet.
    pub fn conference(&self, name: Option<&str>) -> Result<Conference, Error> {
        let name = name.unwrap_or(&self.inner.default);
        let mut running = self.inner.running.lock().unwrap();
        let running = running
            .as_mut()
            .ok_or_else(|| Error::Start("the councils have ended".into()))?;
        if let Some(c) = running.get(name) {
            return Ok(c.clone());
        }
        let conference = Conference::start(&ConferenceSpec {
            witness: self.inner.witness.clone(),
            label: name.to_owned(),
            record: None,
        })?;
        tracing::info!(council = name, "the council convenes");
        running.insert(name.to_owned(), conference.clone());
        Ok(conference)
    }

    /// The councils running, by name.
    pub fn names(&self) -> Vec<String> {
        self.inner
            .running
            .lock()
            .unwrap()
            .as_ref()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Ends every conference (see [`Conference::stop`]); none starts afterwards.
    pub fn stop(&self, drain: Duration) {
        let running = self.inner.running.lock().unwrap().take();
        for conference in running.into_iter().flat_map(|r| r.into_values()) {
            conference.stop(drain);
        }
    }
}

impl Inner {
    /// Takes participant `number` out: its bin stops first (its threads end, so nothing pushes into the mixer pad
    /// being released), then the pair of mixer pads goes, then the bin.
    fn remove(&self, number: u32) {
        let Some(entry) = self.shared.legs.lock().unwrap().by_number.remove(&number) else {
            return;
        };
        if entry.bin.set_state(gst::State::Null).is_err() {
            tracing::warn!(participant = number, "a leg did not stop cleanly");
        }
        if let Some(sink) = self.mixer.static_pad(&format!("sink_{number}")) {
            self.mixer.release_request_pad(&sink);
        }
        if self.pipeline.remove(&entry.bin).is_err() {
            tracing::warn!(participant = number, "a leg was not in the conference");
        }
        tracing::info!(participant = number, "left the council");
    }
}

impl Shared {
    /// A bus message, on the thread that posted it: a leg's end goes to its `on_end`; a conference-wide error is
    /// kept; a new latency is distributed (off this thread).
    fn handle(&self, msg: &gst::Message, pipeline: &glib::WeakRef<gst::Pipeline>) {
        if let gst::MessageView::Latency(_) = msg.view() {
            // A joining leg's latency (its jitter buffer).
            let pipeline = pipeline.clone();
            std::thread::spawn(move || {
                if let Some(p) = pipeline.upgrade() {
                    let _ = p.recalculate_latency();
                }
            });
            return;
        }
        let Some(end) = echo::EchoSession::ended_by(msg) else {
            return;
        };
        let Some(src) = msg.src() else {
            return;
        };
        let leg = self
            .legs
            .lock()
            .unwrap()
            .by_number
            .iter()
            .find(|(_, e)| src.has_as_ancestor(&e.bin))
            .map(|(&n, e)| (n, Arc::clone(&e.on_end)));
        match (leg, end) {
            (Some((number, on_end)), end) => {
                tracing::debug!(participant = number, ?end, "a leg ended");
                on_end(end);
            }
            (None, Ended::Error(text)) => {
                tracing::error!(%text, "the council's mix failed");
                self.failure.lock().unwrap().get_or_insert(text);
            }
            (None, _) => (),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.pipeline.set_state(gst::State::Null).is_err() {
            tracing::warn!("the council did not stop cleanly");
        }
    }
}

impl Leg {
    /// The mixer's number of this participant (`sink_N`/`src_N`).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The UDP port its RTP is received on.
    pub fn local_port(&self) -> u16 {
        self.local_port
    }

    /// Takes the participant out of the conference.
    pub fn leave(self) {
        // Drop does it.
    }
}

impl Drop for Leg {
    fn drop(&mut self) {
        self.conference.inner.remove(self.number);
    }
}
