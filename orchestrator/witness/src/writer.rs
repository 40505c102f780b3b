//! The writer: one per log file per process, shared by everyone who opens that file.
//!
//! All appends to one file go through one `Mutex`, and each entry reaches the file as a single `write` of the whole
//! line and its newline on an `O_APPEND` descriptor, so entries never interleave or tear while the process lives.
//! An exclusive `flock` keeps other processes out. A ticker thread per file writes the time-based checkpoints and
//! interval fsyncs, so an idle log is still covered within `checkpoint_interval` of its last entry.
//!
//! # Durability
//! A process crash (even SIGKILL) never loses an entry whose `append` returned: the line is in the kernel by then.
//! What a power loss or kernel crash may lose depends on [`Durability`]:
//!
//! | policy            | fdatasync                    | lost by a power cut, at most                 |
//! |-------------------|------------------------------|----------------------------------------------|
//! | `EveryEntry`      | after every entry            | the entry being written                      |
//! | `EveryCheckpoint` | after every checkpoint (default) | the entries since the last checkpoint     |
//! | `Interval(d)`     | every `d`, by the ticker     | the last `d` of entries                       |
//! | `OsBuffered`      | only at close                | whatever the kernel had not written back     |
//!
//! In every case a crash leaves at most one torn final line; the next writer cuts it, records its bytes in a
//! `torn-tail` entry (so nothing is silently dropped) and carries on.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::entry::{Entry, FORMAT_VERSION, hex, kind, utc_now};
use crate::key::SignerKey;
use crate::merkle::{Hash, Tree, leaf_hash};
use crate::note::Checkpoint;
use crate::verify::{VerifyOptions, verify};

/// The origin prefix of a log kept without a key. A signed log's origin starts with its key's name; both are
/// followed by `/` and a random log id.
pub const DEFAULT_ORIGIN: &str = "council-witness";

/// Checkpoint reasons only the log itself gives: by count, by time, and at close.
const RESERVED_REASONS: [&str; 3] = ["entries", "interval", "shutdown"];

/// When written entries are forced to stable storage. See the module docs for what each policy can lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// fdatasync after every entry.
    EveryEntry,
    /// fdatasync after every checkpoint.
    #[default]
    EveryCheckpoint,
    /// fdatasync at most this long after a write, by the ticker thread.
    Interval(Duration),
    /// Never fdatasync until the log is closed; the kernel writes back when it likes.
    OsBuffered,
}

impl FromStr for Durability {
    type Err = String;

    /// `entry`, `checkpoint`, `os`, or an interval in milliseconds such as `100ms`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "entry" => Ok(Self::EveryEntry),
            "checkpoint" => Ok(Self::EveryCheckpoint),
            "os" => Ok(Self::OsBuffered),
            _ => s
                .strip_suffix("ms")
                .and_then(|ms| ms.parse::<u64>().ok())
                .filter(|ms| *ms > 0)
                .map(|ms| Self::Interval(Duration::from_millis(ms)))
                .ok_or_else(|| format!("durability {s:?} is not entry, checkpoint, os or <N>ms")),
        }
    }
}

impl std::fmt::Display for Durability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EveryEntry => f.write_str("entry"),
            Self::EveryCheckpoint => f.write_str("checkpoint"),
            Self::OsBuffered => f.write_str("os"),
            Self::Interval(d) => write!(f, "{}ms", d.as_millis()),
        }
    }
}

/// How a log is written. The first opener of a file in a process sets them; later openers share its writer.
#[derive(Debug, Clone)]
pub struct Options {
    /// Signs checkpoints; without it checkpoints are unsigned and the log says so.
    pub key: Option<SignerKey>,
    /// A checkpoint after this many entries (0: never by count).
    pub checkpoint_every: u64,
    /// A checkpoint at most this long after an entry (zero: never by time).
    pub checkpoint_interval: Duration,
    pub durability: Durability,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            key: None,
            checkpoint_every: 1000,
            checkpoint_interval: Duration::from_secs(1),
            durability: Durability::default(),
        }
    }
}

/// Where an appended entry landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Its sequence number (and line number).
    pub seq: u64,
    /// Its RFC 6962 leaf hash.
    pub leaf: Hash,
}

/// A shared handle on one log file. Clones share the writer; the log is closed (with a shutdown checkpoint) when
/// the last handle in the process is dropped.
#[derive(Clone)]
pub struct WitnessLog {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for WitnessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WitnessLog({})", self.handle.core.path.display())
    }
}

/// One per open file; dropping it closes the log.
struct Handle {
    core: Arc<Core>,
    ticker: Mutex<Option<JoinHandle<()>>>,
}

struct Core {
    /// Canonical path: the registry key and what errors name.
    path: PathBuf,
    opts: Options,
    state: Mutex<State>,
    /// Wakes the ticker when its next deadline may have moved or the log closes.
    wake: Condvar,
}

struct State {
    file: File,
    /// Bytes in the file; an append that fails part-way is cut back to this.
    len: u64,
    tree: Tree,
    last_leaf: Hash,
    next_seq: u64,
    origin: String,
    /// Entries (other than checkpoints) not yet covered by a checkpoint, and when the first of them was written.
    unattested: u64,
    unattested_since: Option<Instant>,
    /// Data written but not yet fdatasync'ed, since when.
    unsynced_since: Option<Instant>,
    closed: bool,
}

/// Open logs of this process, by canonical path. Opening and closing hold this lock throughout, so a log being
/// closed is never opened twice at once. An `Arc<Handle>` must never be dropped while it is held: the last drop
/// closes the log, which takes this lock.
static REGISTRY: LazyLock<Mutex<HashMap<PathBuf, Weak<Handle>>>> = LazyLock::new(Default::default);
/// Signalled when a log's entry leaves the registry, for an opener that found the log mid-close (its last handle
/// dropped, its `Drop` not yet through) and must wait rather than fail on the still-held file lock.
static CLOSED: Condvar = Condvar::new();

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the state half-updated in a way that matters more than losing
    // the log: every update is finished before the next fallible step. Carry on.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl WitnessLog {
    /// Opens (creating if needed) the log at `path` for appending, or joins this process's writer of it.
    ///
    /// An existing log is verified first and not appended to if it fails; a torn last line is cut and kept in a
    /// `torn-tail` entry. A log kept under another key than `opts.key` (or under a key when none is given, or the
    /// reverse) is refused.
    pub fn open(path: impl AsRef<Path>, opts: Options) -> Result<Self, Error> {
        let path = path.as_ref();
        let mut registry = lock(&REGISTRY);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| Error::io(path, "open the witness log for appending", e))?;
        let canonical = fs::canonicalize(path)
            .map_err(|e| Error::io(path, "resolve the witness log path", e))?;
        while let Some(weak) = registry.get(&canonical) {
            let Some(handle) = weak.upgrade() else {
                // Being closed by another thread right now: wait until it is gone and its lock released.
                registry = CLOSED.wait(registry).unwrap_or_else(|e| e.into_inner());
                continue;
            };
            let theirs = handle
                .core
                .opts
                .key
                .as_ref()
                .map(|k| k.verifier().to_string());
            let ours = opts.key.as_ref().map(|k| k.verifier().to_string());
            if theirs != ours {
                // Ours may be the last handle by now: drop it only after the registry.
                drop(registry);
                drop(handle);
                return Err(Error::KeyMismatch {
                    path: canonical,
                    log: describe_key(theirs.as_deref(), "is open in this process"),
                    writer: describe_key(ours.as_deref(), ""),
                });
            }
            return Ok(Self { handle });
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::Locked(canonical)),
            Err(TryLockError::Error(e)) => {
                return Err(Error::io(&canonical, "lock the witness log", e));
            }
        }
        let state = Self::recover(&canonical, file, &opts)?;
        let core = Arc::new(Core {
            path: canonical.clone(),
            opts,
            state: Mutex::new(state),
            wake: Condvar::new(),
        });
        let ticker = {
            let core = Arc::clone(&core);
            std::thread::Builder::new()
                .name("witness-ticker".into())
                .spawn(move || core.tick())
                .map_err(|e| Error::io(&canonical, "start the checkpoint thread", e))?
        };
        let handle = Arc::new(Handle {
            core,
            ticker: Mutex::new(Some(ticker)),
        });
        registry.insert(canonical, Arc::downgrade(&handle));
        Ok(Self { handle })
    }

    /// Reads, verifies and continues an existing log, or starts a new one.
    fn recover(path: &Path, mut file: File, opts: &Options) -> Result<State, Error> {
        let mut data = Vec::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut data))
            .map_err(|e| Error::io(path, "read the witness log", e))?;
        let report =
            verify(&data, &VerifyOptions::default()).map_err(|failure| Error::Tampered {
                path: path.to_owned(),
                failure,
            })?;
        let writer_key = opts.key.as_ref().map(|k| k.verifier().to_string());
        let origin = if report.entries > 0 {
            report.origin.clone()
        } else {
            new_origin(opts.key.as_ref())?
        };
        if report.entries > 0 {
            let log_key = report.key.as_ref().map(ToString::to_string);
            if log_key != writer_key {
                return Err(Error::KeyMismatch {
                    path: path.to_owned(),
                    log: describe_key(log_key.as_deref(), ""),
                    writer: describe_key(writer_key.as_deref(), ""),
                });
            }
        }
        if let Some(torn) = &report.torn_tail {
            tracing::warn!(path = %path.display(), line = torn.line, bytes = torn.bytes.len(), "cutting a torn final line");
            file.set_len(report.complete_len)
                .map_err(|e| Error::io(path, "cut the torn final line", e))?;
        }
        let mut state = State {
            file,
            len: report.complete_len,
            tree: report.tree.clone(),
            last_leaf: report.last_leaf,
            next_seq: report.entries + 1,
            origin,
            unattested: 0,
            unattested_since: None,
            unsynced_since: None,
            closed: false,
        };
        let ctx = Ctx { path, opts };
        if report.entries == 0 {
            let fields =
                json!({ "origin": state.origin, "key": writer_key, "format": FORMAT_VERSION });
            state.append(&ctx, kind::GENESIS, into_map(fields))?;
        } else {
            state.append(
                &ctx,
                kind::LOG_RESUMED,
                into_map(json!({ "pid": std::process::id() })),
            )?;
        }
        if let Some(torn) = report.torn_tail {
            let fields = json!({
                "line": torn.line,
                "bytes": torn.bytes.len(),
                "sha256": hex(&sha256(&torn.bytes)),
                "data": base64::engine::general_purpose::STANDARD.encode(&torn.bytes),
            });
            state.append(&ctx, kind::TORN_TAIL, into_map(fields))?;
        }
        // What the log wrote of itself is covered by the next checkpoint like any entry.
        state.unattested = state.next_seq - 1 - report.entries;
        state.unattested_since = Some(Instant::now());
        state.sync(&ctx)?;
        Ok(state)
    }

    /// Appends an entry of `kind` with `fields`; returns once the line is in the kernel (and on disk, if the
    /// durability policy says so). May write a checkpoint after it.
    pub fn append(&self, kind: &str, fields: Map<String, Value>) -> Result<Receipt, Error> {
        if kind::RESERVED.contains(&kind) {
            return Err(Error::ReservedKind(kind.to_owned()));
        }
        let core = &self.handle.core;
        let ctx = core.ctx();
        let mut st = lock(&core.state);
        if st.closed {
            return Err(Error::Closed(core.path.clone()));
        }
        let was_synced = st.unsynced_since.is_none();
        let receipt = st.append(&ctx, kind, fields)?;
        // The ticker may be asleep with no deadline for what just became due: a first unattested entry, or a
        // first unsynced write under an interval policy.
        let wake = st.unattested == 0
            || (was_synced && matches!(core.opts.durability, Durability::Interval(_)));
        st.unattested += 1;
        st.unattested_since.get_or_insert_with(Instant::now);
        if core.opts.durability == Durability::EveryEntry {
            st.sync(&ctx)?;
        }
        if core.opts.checkpoint_every > 0 && st.unattested >= core.opts.checkpoint_every {
            st.checkpoint(&ctx, "entries")?;
        } else if wake {
            // The ticker may be sleeping without a deadline; give it one.
            core.wake.notify_one();
        }
        Ok(receipt)
    }

    /// Writes a checkpoint now (e.g. `failover`), even if nothing changed since the last. The reasons the log gives
    /// its own checkpoints (`entries`, `interval`, `shutdown`) are refused.
    pub fn checkpoint(&self, reason: &str) -> Result<Checkpoint, Error> {
        if RESERVED_REASONS.contains(&reason) {
            return Err(Error::ReservedKind(format!("checkpoint reason {reason}")));
        }
        let core = &self.handle.core;
        let mut st = lock(&core.state);
        if st.closed {
            return Err(Error::Closed(core.path.clone()));
        }
        st.checkpoint(&core.ctx(), reason)
    }

    /// Forces everything written so far to stable storage.
    pub fn sync(&self) -> Result<(), Error> {
        let core = &self.handle.core;
        lock(&core.state).sync(&core.ctx())
    }

    /// The log file (canonical path).
    pub fn path(&self) -> &Path {
        &self.handle.core.path
    }

    /// Entries written so far.
    pub fn len(&self) -> u64 {
        lock(&self.handle.core.state).next_seq - 1
    }

    /// Whether the log has no entries (never true once open: the genesis entry is written at once).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A new log's origin: the key's name (or [`DEFAULT_ORIGIN`]) and a random log id, so that every log — even two
/// under one key — has its own, as tlog-checkpoint asks.
fn new_origin(key: Option<&SignerKey>) -> Result<String, Error> {
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| Error::Key(format!("no randomness for a log id: {e}")))?;
    let name = key.map_or(DEFAULT_ORIGIN, |k| k.verifier().name());
    Ok(format!("{name}/{}", hex(&id)))
}

fn describe_key(key: Option<&str>, context: &str) -> String {
    let sep = if context.is_empty() { "" } else { " " };
    match key {
        Some(k) => format!("under key {k}{sep}{context}"),
        None => format!("unsigned (no key){sep}{context}"),
    }
}

fn into_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("json!({{..}}) is an object"),
    }
}

fn sha256(data: &[u8]) -> Hash {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}

/// What `State`'s methods need to know besides the state.
struct Ctx<'a> {
    path: &'a Path,
    opts: &'a Options,
}

impl Core {
    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            path: &self.path,
            opts: &self.opts,
        }
    }

    /// The ticker: time-based checkpoints and fsyncs, until the log closes.
    fn tick(&self) {
        let ctx = self.ctx();
        let mut st = lock(&self.state);
        loop {
            if st.closed {
                return;
            }
            let now = Instant::now();
            let mut next: Option<Instant> = None;
            let interval = self.opts.checkpoint_interval;
            if let (false, Some(since)) = (interval.is_zero(), st.unattested_since) {
                let due = since + interval;
                if now >= due {
                    if let Err(e) = st.checkpoint(&ctx, "interval") {
                        tracing::error!(error = %e, "witness checkpoint failed");
                        // Don't spin on a failing disk.
                        st.unattested_since = Some(now);
                    }
                    continue;
                }
                next = Some(due);
            }
            if let (Durability::Interval(every), Some(since)) =
                (self.opts.durability, st.unsynced_since)
            {
                let due = since + every;
                if now >= due {
                    if let Err(e) = st.sync(&ctx) {
                        tracing::error!(error = %e, "witness fsync failed");
                        st.unsynced_since = Some(now);
                    }
                    continue;
                }
                next = Some(next.map_or(due, |n| n.min(due)));
            }
            st = match next {
                Some(at) => {
                    self.wake
                        .wait_timeout(st, at - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.wake.wait(st).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }
}

impl State {
    /// Writes one entry as one line.
    fn append(
        &mut self,
        ctx: &Ctx<'_>,
        kind: &str,
        fields: Map<String, Value>,
    ) -> Result<Receipt, Error> {
        let entry = Entry {
            seq: self.next_seq,
            time: utc_now(),
            kind: kind.to_owned(),
            fields,
            prev: hex(&self.last_leaf),
        };
        let mut line = entry.to_line();
        // Never write a line the verifier would reject as non-canonical (e.g. a number that does not survive a
        // round trip through JSON): the log could not be continued after it.
        if serde_json::from_str::<Entry>(&line)
            .map(|e| e.to_line())
            .ok()
            .as_deref()
            != Some(line.as_str())
        {
            return Err(Error::NotCanonical(kind.to_owned()));
        }
        let leaf = leaf_hash(line.as_bytes());
        line.push('\n');
        if let Err(e) = self.file.write_all(line.as_bytes()) {
            // Leave no partial line behind for the next entry to be glued to.
            let _ = self.file.set_len(self.len);
            return Err(Error::io(ctx.path, "append to the witness log", e));
        }
        self.len += line.len() as u64;
        self.tree.push(leaf);
        self.last_leaf = leaf;
        self.next_seq += 1;
        self.unsynced_since.get_or_insert_with(Instant::now);
        Ok(Receipt {
            seq: entry.seq,
            leaf,
        })
    }

    /// Writes a checkpoint of everything so far.
    fn checkpoint(&mut self, ctx: &Ctx<'_>, reason: &str) -> Result<Checkpoint, Error> {
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size: self.tree.size(),
            root: self.tree.root(),
        };
        let note = cp.to_note(ctx.opts.key.as_ref());
        self.append(
            ctx,
            kind::CHECKPOINT,
            into_map(json!({ "reason": reason, "note": note })),
        )?;
        self.unattested = 0;
        self.unattested_since = None;
        if matches!(
            ctx.opts.durability,
            Durability::EveryEntry | Durability::EveryCheckpoint
        ) {
            self.sync(ctx)?;
        }
        Ok(cp)
    }

    fn sync(&mut self, ctx: &Ctx<'_>) -> Result<(), Error> {
        if self.unsynced_since.take().is_some() {
            self.file
                .sync_data()
                .map_err(|e| Error::io(ctx.path, "fsync the witness log", e))?;
        }
        Ok(())
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Hold the registry so nobody re-opens this file until it is closed and unlocked.
        let mut registry = lock(&REGISTRY);
        let core = &self.core;
        {
            let ctx = core.ctx();
            let mut st = lock(&core.state);
            if let Err(e) = st.checkpoint(&ctx, "shutdown").and_then(|_| st.sync(&ctx)) {
                tracing::error!(path = %core.path.display(), error = %e, "closing the witness log failed");
            }
            st.closed = true;
            // Release the process lock now, while the registry is held: the File itself is dropped only after
            // this function, when a new opener could already be waiting for the registry.
            if let Err(e) = st.file.unlock() {
                tracing::error!(path = %core.path.display(), error = %e, "unlocking the witness log failed");
            }
            core.wake.notify_all();
        }
        if let Some(t) = lock(&self.ticker).take() {
            let _ = t.join();
        }
        // The ticker's Arc<Core> is gone; ours goes with this Handle, closing the File.
        if registry
            .get(&core.path)
            .is_some_and(|w| w.strong_count() == 0)
        {
            registry.remove(&core.path);
        }
        CLOSED.notify_all();
    }
}
