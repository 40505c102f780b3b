// SPDX-License-Identifier: MPL-2.0

//! # witnesstap
//!
//! A pass-through ([`gst_base::BaseTransform`], always in place, always passthrough) that never alters, drops or
//! holds back a buffer, and records what passed through it in a Council witness log (`council_witness`).
//!
//! ## What is recorded
//!
//! - `media-caps` with fields `{label, caps}` when the element receives its first caps and whenever they change
//!   (`caps` is the caps' string form). The digest of the interval before the change is recorded first.
//! - `media-digest` with fields `{label, interval, first_pts, last_pts, buffers, bytes, sha256}` once per
//!   interval:
//!   - `interval`: 0-based index of the interval within this element's run (from start to stop);
//!   - `first_pts`, `last_pts`: PTS in nanoseconds of the interval's first and last buffer that had one, or
//!     `null` if none had;
//!   - `buffers`, `bytes`: how many buffers and payload bytes were hashed;
//!   - `sha256`: lower-case hex SHA-256 computed as follows.
//!
//! ## How `sha256` is computed (to recompute it)
//!
//! One SHA-256 runs over the whole interval. For every buffer of the interval, in order, it is fed:
//!
//! 1. the PTS in nanoseconds, as a `u64` big-endian (`u64::MAX` = `0xffffffffffffffff` if the buffer has none);
//! 2. the duration in nanoseconds, as a `u64` big-endian (`u64::MAX` if the buffer has none);
//! 3. the buffer size in bytes, as a `u64` big-endian;
//! 4. the buffer's bytes (all its memories, in order).
//!
//! Nothing else is hashed. [`super::digest`] implements exactly this, free of GStreamer.
//!
//! ## Intervals
//!
//! A buffer whose PTS is at least the current interval's first PTS plus `interval` ends that interval and opens
//! the next one. A buffer without a PTS (or an interval that has seen none) is judged by the monotonic wall clock
//! instead: `interval` nanoseconds after the interval's first buffer arrived. An interval also ends at EOS (its
//! digest is in the log before the EOS leaves the element), at FLUSH_STOP, on a caps change, and when the element
//! stops.
//!
//! ## Bus messages
//!
//! Each `media-digest` entry is also posted as an element message named `witness-digest` with fields `label`
//! (string), `interval`, `first-pts`, `last-pts` (`u64::MAX` for none), `buffers`, `bytes` (all `u64`), `sha256`
//! (string) and `seq` (`u64`: the entry's sequence number in the log, 0 if it could not be appended).
//!
//! ## Threads
//!
//! The streaming thread only hashes. Log appends (which may wait for an fsync of the log) run on a writer thread of
//! the element, in order, so the media is never held up by the disk. A failed append is counted in `failures` and
//! posted as a WARNING; the media flows on regardless.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Instant;

use gst::glib;
use gst::prelude::*;
use gst::subclass::prelude::*;
use gst_base::prelude::*;
use gst_base::subclass::prelude::*;
use serde_json::{Map, Value};

use super::digest::{Digest, Intervals};

static CAT: LazyLock<gst::DebugCategory> = LazyLock::new(|| {
    gst::DebugCategory::new(
        "witnesstap",
        gst::DebugColorFlags::empty(),
        Some("Witness tap: hashes media into a witness log"),
    )
});

const PROP_LOCATION: &str = "location";
const PROP_KEY: &str = "key";
const PROP_LABEL: &str = "label";
const PROP_INTERVAL: &str = "interval";
const PROP_BUFFERS: &str = "buffers";
const PROP_BYTES: &str = "bytes";
const PROP_ENTRIES: &str = "entries";
const PROP_FAILURES: &str = "failures";

const DEFAULT_INTERVAL: u64 = 1_000_000_000;
const MIN_INTERVAL: u64 = 1_000_000;

/// Name of the element message posted for each digest.
const DIGEST_MESSAGE: &str = "witness-digest";

#[derive(Debug, Clone)]
struct Settings {
    location: Option<String>,
    key: Option<String>,
    label: Option<String>,
    interval: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            location: None,
            key: None,
            label: None,
            interval: DEFAULT_INTERVAL,
        }
    }
}

/// The read-only counters, shared with the writer thread. Reset at each start, kept after stop.
#[derive(Debug, Default)]
struct Counters {
    buffers: AtomicU64,
    bytes: AtomicU64,
    entries: AtomicU64,
    failures: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        for c in [&self.buffers, &self.bytes, &self.entries, &self.failures] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// Work for the writer thread, done in order.
enum Job {
    Digest(Digest),
    Caps(String),
    /// Answered once every job before it is done.
    Barrier(mpsc::Sender<()>),
}

/// Between start and stop.
struct State {
    intervals: Intervals,
    caps: Option<gst::Caps>,
    jobs: mpsc::Sender<Job>,
    writer: JoinHandle<()>,
}

#[derive(Default)]
pub struct WitnessTap {
    settings: Mutex<Settings>,
    state: Mutex<Option<State>>,
    counters: Arc<Counters>,
}

impl WitnessTap {
    /// Hashes one buffer; never fails and never touches the buffer.
    fn witness(&self, buffer: &gst::BufferRef) {
        let now = Instant::now();
        let pts = buffer.pts().map(gst::ClockTime::nseconds);
        let duration = buffer.duration().map(gst::ClockTime::nseconds);
        let maps = match buffer
            .iter_memories()
            .map(|m| m.map_readable())
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(maps) => maps,
            Err(err) => {
                gst::element_imp_warning!(
                    self,
                    gst::StreamError::Failed,
                    [
                        "Could not map a buffer to hash it, it is missing from the digest: {}",
                        err
                    ]
                );
                return;
            }
        };
        let parts: Vec<&[u8]> = maps.iter().map(|m| m.as_slice()).collect();

        let mut state = self.state.lock().unwrap();
        let Some(state) = state.as_mut() else {
            gst::warning!(CAT, imp = self, "Buffer while stopped, not hashed");
            return;
        };
        // Counted only when hashed, so that the counters agree with the digests.
        self.counters.buffers.fetch_add(1, Ordering::Relaxed);
        self.counters
            .bytes
            .fetch_add(buffer.size() as u64, Ordering::Relaxed);
        if let Some(done) = state.intervals.push(now, pts, duration, &parts) {
            self.submit(state, Job::Digest(done));
        }
    }

    /// Hands a job to the writer thread.
    fn submit(&self, state: &State, job: Job) {
        if let Job::Digest(d) = &job {
            gst::debug!(
                CAT,
                imp = self,
                "Interval {} done: {} buffers, {} bytes",
                d.index,
                d.buffers,
                d.bytes
            );
        }
        if state.jobs.send(job).is_err() {
            // Only if the writer thread died, which it does not do short of a panic.
            self.counters.failures.fetch_add(1, Ordering::Relaxed);
            gst::element_imp_warning!(
                self,
                gst::ResourceError::Write,
                ["The witness log writer is gone; an entry was lost"]
            );
        }
    }

    /// Ends the current interval (if it has buffers) and, with `wait`, waits until it is in the log.
    fn flush_interval(&self, wait: bool) {
        let done = {
            let mut state = self.state.lock().unwrap();
            let Some(state) = state.as_mut() else {
                return;
            };
            if let Some(d) = state.intervals.flush() {
                self.submit(state, Job::Digest(d));
            }
            if !wait {
                return;
            }
            let (tx, rx) = mpsc::channel();
            self.submit(state, Job::Barrier(tx));
            rx
        };
        // Not holding the state lock: the writer may post messages whose handlers call back into us.
        let _ = done.recv();
    }
}

/// The writer thread: owns the log handle and appends entries in order.
struct Writer {
    log: council_witness::WitnessLog,
    label: String,
    element: glib::WeakRef<super::WitnessTap>,
    counters: Arc<Counters>,
}

impl Writer {
    fn run(self, jobs: mpsc::Receiver<Job>) {
        for job in jobs {
            match job {
                Job::Digest(d) => self.digest(&d),
                Job::Caps(caps) => self.caps(caps),
                Job::Barrier(done) => {
                    let _ = done.send(());
                }
            }
        }
        // Dropping `self.log` here closes the log if no other element of this process has it open.
    }

    /// Appends an entry; returns its sequence number.
    fn append(&self, kind: &str, fields: Map<String, Value>) -> Option<u64> {
        match self.log.append(kind, fields) {
            Ok(receipt) => {
                self.counters.entries.fetch_add(1, Ordering::Relaxed);
                Some(receipt.seq)
            }
            Err(err) => {
                self.counters.failures.fetch_add(1, Ordering::Relaxed);
                if let Some(obj) = self.element.upgrade() {
                    gst::element_imp_warning!(
                        obj.imp(),
                        gst::ResourceError::Write,
                        [
                            "Could not append a {} entry to witness log {}: {}",
                            kind,
                            self.log.path().display(),
                            err
                        ]
                    );
                }
                None
            }
        }
    }

    fn caps(&self, caps: String) {
        let mut fields = Map::new();
        fields.insert("label".into(), self.label.clone().into());
        fields.insert("caps".into(), caps.into());
        self.append(council_witness::kind::MEDIA_CAPS, fields);
    }

    fn digest(&self, d: &Digest) {
        let sha256 = council_witness::hex(&d.sha256);
        let mut fields = Map::new();
        fields.insert("label".into(), self.label.clone().into());
        fields.insert("interval".into(), d.index.into());
        fields.insert("first_pts".into(), d.first_pts.into());
        fields.insert("last_pts".into(), d.last_pts.into());
        fields.insert("buffers".into(), d.buffers.into());
        fields.insert("bytes".into(), d.bytes.into());
        fields.insert("sha256".into(), sha256.clone().into());
        let seq = self.append(council_witness::kind::MEDIA_DIGEST, fields);

        let Some(obj) = self.element.upgrade() else {
            return;
        };
        gst::debug!(
            CAT,
            obj = obj,
            "Recorded interval {} as entry {:?}: {}",
            d.index,
            seq,
            sha256
        );
        let s = gst::Structure::builder(DIGEST_MESSAGE)
            .field("label", &self.label)
            .field("interval", d.index)
            .field("first-pts", d.first_pts.unwrap_or(u64::MAX))
            .field("last-pts", d.last_pts.unwrap_or(u64::MAX))
            .field("buffers", d.buffers)
            .field("bytes", d.bytes)
            .field("sha256", sha256)
            .field("seq", seq.unwrap_or(0))
            .build();
        let msg = gst::message::Element::builder(s).src(&obj).build();
        // Fails only without a bus, when nobody is listening.
        let _ = obj.post_message(msg);
    }
}

#[glib::object_subclass]
impl ObjectSubclass for WitnessTap {
    const NAME: &'static str = "GstWitnessTap";
    type Type = super::WitnessTap;
    type ParentType = gst_base::BaseTransform;
}

impl ObjectImpl for WitnessTap {
    fn properties() -> &'static [glib::ParamSpec] {
        static PROPERTIES: LazyLock<Vec<glib::ParamSpec>> = LazyLock::new(|| {
            vec![
                glib::ParamSpecString::builder(PROP_LOCATION)
                    .nick("Location")
                    .blurb(
                        "Path of the witness log to append to (created if missing). Required. Several \
                         witnesstaps of one process may share a log.",
                    )
                    .mutable_ready()
                    .build(),
                glib::ParamSpecString::builder(PROP_KEY)
                    .nick("Key")
                    .blurb(
                        "Path of a private key file written by `council witness keygen` to sign the log's \
                         checkpoints with; unset keeps the log unsigned. Must match the key the log was started \
                         with.",
                    )
                    .mutable_ready()
                    .build(),
                glib::ParamSpecString::builder(PROP_LABEL)
                    .nick("Label")
                    .blurb(
                        "Names this stream in the log's entries, e.g. \"call-42/rx\". Unset: the element's name.",
                    )
                    .mutable_ready()
                    .build(),
                glib::ParamSpecUInt64::builder(PROP_INTERVAL)
                    .nick("Interval")
                    .blurb(
                        "Length in nanoseconds of the stretch of media each digest covers, by buffer PTS (by \
                         the monotonic clock for buffers without PTS)",
                    )
                    .minimum(MIN_INTERVAL)
                    .default_value(DEFAULT_INTERVAL)
                    .mutable_ready()
                    .build(),
                glib::ParamSpecUInt64::builder(PROP_BUFFERS)
                    .nick("Buffers")
                    .blurb("Buffers seen since the element started")
                    .read_only()
                    .build(),
                glib::ParamSpecUInt64::builder(PROP_BYTES)
                    .nick("Bytes")
                    .blurb("Payload bytes seen since the element started")
                    .read_only()
                    .build(),
                glib::ParamSpecUInt64::builder(PROP_ENTRIES)
                    .nick("Entries")
                    .blurb(
                        "Entries (media-digest and media-caps) appended to the log since the element started",
                    )
                    .read_only()
                    .build(),
                glib::ParamSpecUInt64::builder(PROP_FAILURES)
                    .nick("Failures")
                    .blurb("Entries that could not be appended to the log since the element started")
                    .read_only()
                    .build(),
            ]
        });
        PROPERTIES.as_ref()
    }

    fn set_property(&self, _id: usize, value: &glib::Value, pspec: &glib::ParamSpec) {
        if self.state.lock().unwrap().is_some() {
            gst::warning!(
                CAT,
                imp = self,
                "Property {} can only be set in the NULL or READY state; ignored",
                pspec.name()
            );
            return;
        }
        let mut settings = self.settings.lock().unwrap();
        match pspec.name() {
            PROP_LOCATION => {
                settings.location = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "Location: {:?}", settings.location);
            }
            PROP_KEY => {
                settings.key = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "Key: {:?}", settings.key);
            }
            PROP_LABEL => {
                settings.label = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "Label: {:?}", settings.label);
            }
            PROP_INTERVAL => {
                settings.interval = value.get().expect("type checked upstream");
                gst::info!(CAT, imp = self, "Interval: {} ns", settings.interval);
            }
            name => unimplemented!("property {name}"),
        }
    }

    fn property(&self, _id: usize, pspec: &glib::ParamSpec) -> glib::Value {
        let counter = |c: &AtomicU64| c.load(Ordering::Relaxed).to_value();
        match pspec.name() {
            PROP_LOCATION => self.settings.lock().unwrap().location.to_value(),
            PROP_KEY => self.settings.lock().unwrap().key.to_value(),
            PROP_LABEL => self.settings.lock().unwrap().label.to_value(),
            PROP_INTERVAL => self.settings.lock().unwrap().interval.to_value(),
            PROP_BUFFERS => counter(&self.counters.buffers),
            PROP_BYTES => counter(&self.counters.bytes),
            PROP_ENTRIES => counter(&self.counters.entries),
            PROP_FAILURES => counter(&self.counters.failures),
            name => unimplemented!("property {name}"),
        }
    }

    fn constructed(&self) {
        self.parent_constructed();
        // Buffers are only ever read, so they never need to be made writable (copied).
        self.obj().set_passthrough(true);
    }
}

impl GstObjectImpl for WitnessTap {}

impl ElementImpl for WitnessTap {
    fn metadata() -> Option<&'static gst::subclass::ElementMetadata> {
        static METADATA: LazyLock<gst::subclass::ElementMetadata> = LazyLock::new(|| {
            gst::subclass::ElementMetadata::new(
                "Witness tap",
                "Filter/Analyzer",
                "Passes media through untouched and records a SHA-256 digest of it per interval in a \
                 tamper-evident witness log",
                "Council developers",
            )
        });
        Some(&*METADATA)
    }

    fn pad_templates() -> &'static [gst::PadTemplate] {
        static PAD_TEMPLATES: LazyLock<Vec<gst::PadTemplate>> = LazyLock::new(|| {
            let caps = gst::Caps::new_any();
            vec![
                gst::PadTemplate::new(
                    "sink",
                    gst::PadDirection::Sink,
                    gst::PadPresence::Always,
                    &caps,
                )
                .unwrap(),
                gst::PadTemplate::new(
                    "src",
                    gst::PadDirection::Src,
                    gst::PadPresence::Always,
                    &caps,
                )
                .unwrap(),
            ]
        });
        PAD_TEMPLATES.as_ref()
    }
}

impl BaseTransformImpl for WitnessTap {
    const MODE: gst_base::subclass::BaseTransformMode =
        gst_base::subclass::BaseTransformMode::AlwaysInPlace;
    const PASSTHROUGH_ON_SAME_CAPS: bool = true;
    const TRANSFORM_IP_ON_PASSTHROUGH: bool = true;

    fn start(&self) -> Result<(), gst::ErrorMessage> {
        let settings = self.settings.lock().unwrap().clone();
        let Some(location) = settings.location else {
            return Err(gst::error_msg!(
                gst::ResourceError::OpenWrite,
                ("Could not open witness log: no location set")
            ));
        };
        let key = match &settings.key {
            None => None,
            Some(path) => Some(council_witness::SignerKey::read(Path::new(path)).map_err(
                |err| {
                    gst::error_msg!(
                        gst::ResourceError::OpenRead,
                        ("Could not read witness key {}: {}", path, err)
                    )
                },
            )?),
        };
        let signed = key.is_some();
        let options = council_witness::Options {
            key,
            ..Default::default()
        };
        let log = council_witness::WitnessLog::open(&location, options).map_err(|err| {
            gst::error_msg!(
                gst::ResourceError::OpenWrite,
                ("Could not open witness log {}: {}", location, err)
            )
        })?;
        let label = settings
            .label
            .unwrap_or_else(|| self.obj().name().to_string());

        self.counters.reset();
        let (jobs, queue) = mpsc::channel();
        let writer = Writer {
            log,
            label: label.clone(),
            element: self.obj().downgrade(),
            counters: Arc::clone(&self.counters),
        };
        let writer = std::thread::Builder::new()
            .name("witnesstap-writer".into())
            .spawn(move || writer.run(queue))
            .map_err(|err| {
                gst::error_msg!(
                    gst::CoreError::Thread,
                    ("Could not start the witness writer thread: {}", err)
                )
            })?;

        *self.state.lock().unwrap() = Some(State {
            intervals: Intervals::new(settings.interval),
            caps: None,
            jobs,
            writer,
        });
        gst::info!(
            CAT,
            imp = self,
            "Witnessing as {:?} into {} ({}), every {} ns",
            label,
            location,
            if signed { "signed" } else { "unsigned" },
            settings.interval
        );
        Ok(())
    }

    fn stop(&self) -> Result<(), gst::ErrorMessage> {
        let Some(state) = self.state.lock().unwrap().take() else {
            return Ok(());
        };
        let State {
            mut intervals,
            jobs,
            writer,
            ..
        } = state;
        if let Some(d) = intervals.flush() {
            gst::debug!(CAT, imp = self, "Recording the last interval at stop");
            if jobs.send(Job::Digest(d)).is_err() {
                self.counters.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
        // Closing the queue ends the writer, which drops its log handle.
        drop(jobs);
        if writer.join().is_err() {
            return Err(gst::error_msg!(
                gst::ResourceError::Close,
                ("The witness log writer thread panicked")
            ));
        }
        gst::info!(
            CAT,
            imp = self,
            "Stopped after {} buffers, {} entries, {} failures",
            self.counters.buffers.load(Ordering::Relaxed),
            self.counters.entries.load(Ordering::Relaxed),
            self.counters.failures.load(Ordering::Relaxed)
        );
        Ok(())
    }

    fn set_caps(&self, incaps: &gst::Caps, outcaps: &gst::Caps) -> Result<(), gst::LoggableError> {
        {
            let mut state = self.state.lock().unwrap();
            if let Some(state) = state.as_mut()
                && state.caps.as_ref() != Some(incaps)
            {
                gst::debug!(CAT, imp = self, "Caps now {}", incaps);
                if let Some(d) = state.intervals.flush() {
                    self.submit(state, Job::Digest(d));
                }
                self.submit(state, Job::Caps(incaps.to_string()));
                state.caps = Some(incaps.clone());
            }
        }
        self.parent_set_caps(incaps, outcaps)
    }

    fn sink_event(&self, event: gst::Event) -> bool {
        match event.view() {
            gst::EventView::Eos(_) => {
                gst::debug!(CAT, imp = self, "EOS: recording the last interval");
                self.flush_interval(true);
            }
            gst::EventView::FlushStop(_) => self.flush_interval(false),
            _ => {}
        }
        self.parent_sink_event(event)
    }

    fn transform_ip(&self, buf: &mut gst::BufferRef) -> Result<gst::FlowSuccess, gst::FlowError> {
        self.witness(buf);
        Ok(gst::FlowSuccess::Ok)
    }

    fn transform_ip_passthrough(
        &self,
        buf: &gst::Buffer,
    ) -> Result<gst::FlowSuccess, gst::FlowError> {
        self.witness(buf);
        Ok(gst::FlowSuccess::Ok)
    }
}
