//! # council-witness
//!
//! Council's witness: an append-only, tamper-evident audit log of what Council bridged and decided.
//!
//! - Each entry is one JSON line (see [`Entry`]) carrying its sequence number, UTC time, kind and fields, and the
//!   hash of the line before it, so every line is chained to everything before it.
//! - Every stored line is an RFC 6962 leaf (`SHA-256(0x00 ‖ line)`) of a Merkle tree. Checkpoints — every N
//!   entries, every T ms, on demand and at shutdown — record the tree's size and root as a C2SP `tlog-checkpoint`
//!   note, signed with Ed25519 when the log has a key, so a party that kept a checkpoint can hold the log to it.
//! - [`WitnessLog::open`] shares one writer per file between all users in a process, so entries never interleave;
//!   a file lock keeps other processes out. [`Durability`] says when data reaches the disk.
//! - [`verify`] replays a log and names the first bad line for an edited, reformatted, deleted, inserted,
//!   duplicated or reordered line, a broken checkpoint or signature, or truncation behind a checkpoint held
//!   elsewhere; an incomplete last line left by a crash is reported as a torn tail, not as tampering.
//!
//! No GStreamer, no async runtime: the `witnesstap` element and the orchestrator both build on this crate.

mod entry;
pub mod key;
pub mod merkle;
pub mod note;
mod verify;
mod writer;

use std::io;
use std::path::{Path, PathBuf};

pub use entry::{Entry, FORMAT_VERSION, format_utc, hex, kind, utc_now};
pub use key::{SignerKey, Verifier};
pub use note::{Checkpoint, Note, SignatureCheck};
pub use verify::{Failure, Problem, Report, TornTail, VerifyOptions, verify, verify_file};
pub use writer::{DEFAULT_ORIGIN, Durability, Options, Receipt, WitnessLog};

/// Errors of the witness library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read, written or created.
    #[error("{path}: cannot {what}: {source}")]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: io::Error,
    },
    /// A key file or key text is malformed, or a key could not be made.
    #[error("{0}")]
    Key(String),
    /// Another process holds the log's lock.
    #[error("{0}: the log is locked by another process; one process writes a log at a time")]
    Locked(PathBuf),
    /// The log was started under another key (or none) than the writer's.
    #[error("{path}: the log is kept {log}, but this writer has {writer}")]
    KeyMismatch {
        path: PathBuf,
        log: String,
        writer: String,
    },
    /// The log fails verification.
    #[error("{path}: {failure}")]
    Invalid { path: PathBuf, failure: Failure },
    /// The log fails verification, so appending to it would bury the evidence.
    #[error("{path}: refusing to append to a log that fails verification: {failure}")]
    Tampered { path: PathBuf, failure: Failure },
    /// The entry would not read back as written (e.g. a float that does not survive a JSON round trip).
    #[error("an entry of kind {0:?} does not survive a round trip through JSON; not written")]
    NotCanonical(String),
    /// Only the log itself writes this kind.
    #[error("entry kind {0:?} is written by the log itself")]
    ReservedKind(String),
    /// The writer has been closed.
    #[error("{0}: the witness log is closed")]
    Closed(PathBuf),
}

impl Error {
    pub(crate) fn io(path: &Path, what: &'static str, source: io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            what,
            source,
        }
    }
}
