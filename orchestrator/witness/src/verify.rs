//! Replaying a log: every line must be canonical, in sequence, chained to the line before it, and every checkpoint
//! must attest exactly the lines before it under the log's key.
//!
//! The verifier is pure (bytes in, report out). It reads each line once, then walks the lines in order and stops at
//! the first that is wrong, naming it:
//!
//! | what was done to line k                        | what the walk sees                              | names    |
//! |------------------------------------------------|-------------------------------------------------|----------|
//! | a field edited                                 | line k+1 records another hash of its predecessor | line k   |
//! | white space or spelling changed                | line k is not the canonical form of its entry   | line k   |
//! | deleted                                        | line k holds entry k+1, entry k is nowhere      | line k   |
//! | a line inserted before it                      | the new line k+1 is entry k and chains to k−1   | line k   |
//! | duplicated (again as line k+1)                 | line k+1 has line k's bytes                     | line k+1 |
//! | swapped with line k+1                          | line k holds entry k+1, entry k is at line k+1  | line k   |
//! | log cut behind a checkpoint kept outside       | the log has fewer entries than it attests       | first missing |
//! | checkpoint signature forged or corrupted       | the signature does not verify under the key     | the checkpoint |
//! | entries rewritten with a recomputed chain      | the next checkpoint's root differs              | the checkpoint |
//!
//! An unsigned log can be rewritten whole by anyone who recomputes its chain; only a key (and a checkpoint kept
//! elsewhere) rules that out, which the report says.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::entry::{Entry, FORMAT_VERSION, kind, parse_hash_hex};
use crate::key::Verifier;
use crate::merkle::{Hash, Tree, leaf_hash};
use crate::note::{Checkpoint, Note, SignatureCheck};
use crate::{Error, hex};

/// What the caller knows from elsewhere.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The public key the log must be kept under. Without it, the key the log names in its genesis is used, which
    /// proves consistency but not authorship.
    pub key: Option<Verifier>,
    /// Checkpoints a party saved earlier (already checked for signature by the caller): the log must still contain
    /// exactly the tree each describes.
    pub checkpoints: Vec<Checkpoint>,
}

/// A verified log.
#[derive(Debug, Clone)]
pub struct Report {
    /// Complete, verified entries.
    pub entries: u64,
    /// Checkpoint entries among them.
    pub checkpoints: u64,
    /// The origin the log names.
    pub origin: String,
    /// The key the log is kept under (None: unsigned).
    pub key: Option<Verifier>,
    /// Whether that key was given by the caller rather than read from the log.
    pub key_pinned: bool,
    /// Entries covered by the last checkpoint (its tree size).
    pub attested: u64,
    /// Whether the last entry is a shutdown checkpoint, i.e. the writer closed the log cleanly.
    pub closed: bool,
    /// An incomplete final line: a crash while it was being written.
    pub torn_tail: Option<TornTail>,
    /// Where a writer continues: the tree and the hash of the last complete line.
    pub(crate) tree: Tree,
    pub(crate) last_leaf: Hash,
    /// Bytes of complete lines.
    pub(crate) complete_len: u64,
}

/// The incomplete last line of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// Its line number.
    pub line: u64,
    /// Its bytes (no newline).
    pub bytes: Vec<u8>,
}

/// The first bad line of a log and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct Failure {
    /// 1-based line number.
    pub line: u64,
    pub problem: Problem,
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("not a witness entry: {0}")]
    Garbage(String),
    #[error("not in canonical form: white space or spelling was changed")]
    NotCanonical,
    #[error("entries {first}..={last} are missing (deleted): this line is entry {found}")]
    Missing { first: u64, last: u64, found: u64 },
    #[error("out of order: expected entry {expected}, found entry {found}{}", .expected_at.map(|l| format!(" (entry {expected} is at line {l})")).unwrap_or_default())]
    OutOfOrder {
        expected: u64,
        found: u64,
        expected_at: Option<u64>,
    },
    #[error("duplicates line {of}")]
    Duplicate { of: u64 },
    #[error("inserted: line {next} is entry {} and chains to the line before this one", .next - 1)]
    Inserted { next: u64 },
    #[error("altered: its hash is not the one line {by} recorded for it")]
    Altered { by: u64 },
    #[error("its record of the line before it (prev) was altered")]
    ChainBroken,
    #[error("the first entry is not a genesis entry")]
    NoGenesis,
    #[error("bad genesis entry: {0}")]
    BadGenesis(String),
    #[error("the log is kept under key {log}, not the given key {given}")]
    WrongKey { log: String, given: String },
    #[error("the log is unsigned, but a key was given")]
    Unsigned,
    #[error("bad checkpoint: {0}")]
    BadCheckpoint(String),
    #[error("checkpoint attests {claimed} entries, but {actual} precede it")]
    CheckpointSize { claimed: u64, actual: u64 },
    #[error(
        "checkpoint root does not match the entries before it: lines {from}..={to} were rewritten"
    )]
    CheckpointRoot { from: u64, to: u64 },
    #[error("checkpoint signature does not verify under key {key}: forged or corrupted")]
    BadSignature { key: String },
    #[error("checkpoint is not signed by key {key}")]
    MissingSignature { key: String },
    #[error("the first {size} entries do not match a checkpoint held outside the log: rewritten")]
    ExternalRoot { size: u64 },
    #[error(
        "missing: the log ends after {have} entries, but a checkpoint held outside attests {attested}: truncated"
    )]
    Truncated { have: u64, attested: u64 },
}

/// What the first pass learned of a line.
struct Line<'a> {
    bytes: &'a [u8],
    leaf: Hash,
    head: Result<Head, Problem>,
}

struct Head {
    seq: u64,
    prev: Hash,
    body: Body,
}

enum Body {
    Genesis { origin: String, key: Option<String> },
    Checkpoint { note: String, reason: String },
    Other,
}

fn read_line(bytes: &[u8]) -> Line<'_> {
    Line {
        bytes,
        leaf: leaf_hash(bytes),
        head: read_head(bytes),
    }
}

fn read_head(bytes: &[u8]) -> Result<Head, Problem> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| Problem::Garbage(format!("not UTF-8: {e}")))?;
    let entry: Entry = serde_json::from_str(text).map_err(|e| Problem::Garbage(e.to_string()))?;
    if entry.to_line() != text {
        return Err(Problem::NotCanonical);
    }
    let prev = parse_hash_hex(&entry.prev)
        .ok_or_else(|| Problem::Garbage("prev is not a 64-digit hex hash".into()))?;
    let string = |name: &str| match entry.fields.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!("field {name:?} is not a string")),
    };
    let body = match entry.kind.as_str() {
        kind::GENESIS => {
            let origin = string("origin").map_err(Problem::BadGenesis)?;
            let key = match entry.fields.get("key") {
                Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                _ => {
                    return Err(Problem::BadGenesis(
                        "field \"key\" is neither a key nor null".into(),
                    ));
                }
            };
            if entry.fields.get("format").and_then(Value::as_u64) != Some(FORMAT_VERSION) {
                return Err(Problem::BadGenesis(format!(
                    "format is not {FORMAT_VERSION}"
                )));
            }
            Body::Genesis { origin, key }
        }
        kind::CHECKPOINT => Body::Checkpoint {
            note: string("note").map_err(Problem::BadCheckpoint)?,
            reason: string("reason").map_err(Problem::BadCheckpoint)?,
        },
        _ => Body::Other,
    };
    Ok(Head {
        seq: entry.seq,
        prev,
        body,
    })
}

/// Verifies a log's bytes.
pub fn verify(data: &[u8], opts: &VerifyOptions) -> Result<Report, Failure> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in data.iter().enumerate() {
        if *b == b'\n' {
            lines.push(read_line(&data[start..i]));
            start = i + 1;
        }
    }
    let torn_tail = (start < data.len()).then(|| TornTail {
        line: lines.len() as u64 + 1,
        bytes: data[start..].to_vec(),
    });
    // A crash leaves a prefix of the next entry, which starts `{"seq":<n+1>,"time":"`; anything else at the end
    // was put there.
    if let Some(t) = &torn_tail {
        let next = format!("{{\"seq\":{},\"time\":\"", t.line);
        let plausible =
            t.bytes.starts_with(next.as_bytes()) || next.as_bytes().starts_with(&t.bytes);
        if !plausible {
            return Err(Failure {
                line: t.line,
                problem: Problem::Garbage(
                    "an unterminated last line that is not the start of the next entry".into(),
                ),
            });
        }
    }
    let mut walk = Walk {
        lines: &lines,
        opts,
        seq_index: None,
    };
    let mut report = walk.run()?;
    report.torn_tail = torn_tail;
    report.complete_len = start as u64;
    Ok(report)
}

/// Reads and verifies a log file.
pub fn verify_file(path: &Path, opts: &VerifyOptions) -> Result<Report, Error> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, "read log", e))?;
    verify(&data, opts).map_err(|failure| Error::Invalid {
        path: path.to_owned(),
        failure,
    })
}

struct Walk<'a, 'b> {
    lines: &'a [Line<'b>],
    opts: &'a VerifyOptions,
    /// seq → first line holding it; built only when a sequence anomaly needs explaining.
    seq_index: Option<HashMap<u64, u64>>,
}

impl Walk<'_, '_> {
    fn leaf_before(&self, line: u64) -> Hash {
        if line <= 1 {
            [0; 32]
        } else {
            self.lines[line as usize - 2].leaf
        }
    }

    fn line_of_seq(&mut self, seq: u64) -> Option<u64> {
        let lines = self.lines;
        let index = self.seq_index.get_or_insert_with(|| {
            let mut m = HashMap::new();
            for (i, l) in lines.iter().enumerate() {
                if let Ok(h) = &l.head {
                    m.entry(h.seq).or_insert(i as u64 + 1);
                }
            }
            m
        });
        index.get(&seq).copied()
    }

    fn run(&mut self) -> Result<Report, Failure> {
        let fail = |line: u64, problem: Problem| Err(Failure { line, problem });
        let mut tree = Tree::new();
        let mut origin = String::new();
        let mut key: Option<Verifier> = None;
        let mut checkpoints = 0;
        let mut attested = 0;
        let mut last_checkpoint_line = 0;
        let mut closed = false;
        let mut external: Vec<&Checkpoint> = self.opts.checkpoints.iter().collect();
        external.sort_by_key(|c| c.size);
        let mut external = external.into_iter().peekable();

        for (i, line) in self.lines.iter().enumerate() {
            let j = i as u64 + 1;
            let head = match &line.head {
                Ok(h) => h,
                Err(p) => return fail(j, p.clone()),
            };
            // Sequence: the entry must be the one this line number calls for.
            if head.seq > j {
                return match self.line_of_seq(j) {
                    Some(at) if at > j => fail(
                        j,
                        Problem::OutOfOrder {
                            expected: j,
                            found: head.seq,
                            expected_at: Some(at),
                        },
                    ),
                    _ => fail(
                        j,
                        Problem::Missing {
                            first: j,
                            last: head.seq - 1,
                            found: head.seq,
                        },
                    ),
                };
            }
            if head.seq < j {
                if head.seq >= 1 && self.lines[head.seq as usize - 1].bytes == line.bytes {
                    return fail(j, Problem::Duplicate { of: head.seq });
                }
                if j >= 2 && head.seq == j - 1 && head.prev == self.leaf_before(j - 1) {
                    return fail(j - 1, Problem::Inserted { next: j });
                }
                return fail(
                    j,
                    Problem::OutOfOrder {
                        expected: j,
                        found: head.seq,
                        expected_at: None,
                    },
                );
            }
            // Chain: the line must record the hash of the stored line before it.
            if head.prev != self.leaf_before(j) {
                if j == 1 {
                    return fail(1, Problem::ChainBroken);
                }
                let next_vouches = self
                    .lines
                    .get(i + 1)
                    .and_then(|n| n.head.as_ref().ok())
                    .map(|n| n.prev == line.leaf);
                // Without a next line, a checkpoint here still vouches for the line before through its root.
                let root_vouches = || {
                    matches!(&head.body, Body::Checkpoint { note, .. }
                        if Note::parse(note).is_ok_and(|n| n.checkpoint.root == tree.root()))
                };
                return match next_vouches {
                    // The next line still chains to this one as stored, so this one is as written: the line
                    // before was altered after this one recorded it.
                    Some(false) => fail(j, Problem::ChainBroken),
                    None if root_vouches() => fail(j, Problem::ChainBroken),
                    _ => fail(j - 1, Problem::Altered { by: j }),
                };
            }
            // Kind-specific rules.
            closed = false;
            match (&head.body, j) {
                (Body::Genesis { origin: o, key: k }, 1) => {
                    origin.clone_from(o);
                    key = match k {
                        None => None,
                        Some(text) => Some(Verifier::parse(text).map_err(|e| Failure {
                            line: 1,
                            problem: Problem::BadGenesis(e.to_string()),
                        })?),
                    };
                    match (&self.opts.key, &key) {
                        (Some(given), Some(log)) if given != log => {
                            return fail(
                                1,
                                Problem::WrongKey {
                                    log: log.to_string(),
                                    given: given.to_string(),
                                },
                            );
                        }
                        (Some(_), None) => return fail(1, Problem::Unsigned),
                        _ => {}
                    }
                    // The origin is the key's name (or, for unsigned logs, the default) and a log id.
                    let name = key.as_ref().map_or(crate::DEFAULT_ORIGIN, |k| k.name());
                    if origin
                        .strip_prefix(name)
                        .is_none_or(|id| !id.is_empty() && !id.starts_with('/'))
                    {
                        return fail(
                            1,
                            Problem::BadGenesis(format!(
                                "origin {origin:?} is not {name:?} and a log id"
                            )),
                        );
                    }
                }
                (Body::Genesis { .. }, _) => {
                    return fail(j, Problem::Garbage("a second genesis entry".into()));
                }
                (_, 1) => return fail(1, Problem::NoGenesis),
                (Body::Checkpoint { note, reason }, _) => {
                    let note = Note::parse(note).map_err(|e| Failure {
                        line: j,
                        problem: Problem::BadCheckpoint(e),
                    })?;
                    let cp = &note.checkpoint;
                    if cp.origin != origin {
                        return fail(
                            j,
                            Problem::BadCheckpoint(format!(
                                "origin {:?} is not the log's",
                                cp.origin
                            )),
                        );
                    }
                    match &key {
                        Some(k) => match note.check(k) {
                            SignatureCheck::Valid => {}
                            SignatureCheck::Invalid => {
                                return fail(j, Problem::BadSignature { key: k.to_string() });
                            }
                            SignatureCheck::Absent => {
                                return fail(j, Problem::MissingSignature { key: k.to_string() });
                            }
                        },
                        None if !note.signatures.is_empty() => {
                            return fail(
                                j,
                                Problem::BadCheckpoint(
                                    "a signed checkpoint in an unsigned log".into(),
                                ),
                            );
                        }
                        None => {}
                    }
                    if cp.size != j - 1 {
                        return fail(
                            j,
                            Problem::CheckpointSize {
                                claimed: cp.size,
                                actual: j - 1,
                            },
                        );
                    }
                    if cp.root != tree.root() {
                        return fail(
                            j,
                            Problem::CheckpointRoot {
                                from: last_checkpoint_line + 1,
                                to: j - 1,
                            },
                        );
                    }
                    checkpoints += 1;
                    attested = cp.size;
                    last_checkpoint_line = j;
                    closed = reason == "shutdown";
                }
                (Body::Other, _) => {}
            }
            tree.push(line.leaf);
            while let Some(cp) = external.next_if(|cp| cp.size <= tree.size()) {
                if cp.origin != origin {
                    return fail(
                        j,
                        Problem::BadCheckpoint(format!(
                            "held checkpoint's origin {:?} is not the log's",
                            cp.origin
                        )),
                    );
                }
                if cp.size == tree.size() && cp.root != tree.root() {
                    return fail(j, Problem::ExternalRoot { size: cp.size });
                }
                if cp.size < tree.size() {
                    // Only reachable for size 0; sizes are visited in order.
                    if cp.root != crate::merkle::empty_root() {
                        return fail(j, Problem::ExternalRoot { size: cp.size });
                    }
                }
            }
        }
        let n = self.lines.len() as u64;
        if let Some(cp) = external.next() {
            return fail(
                n + 1,
                Problem::Truncated {
                    have: n,
                    attested: cp.size,
                },
            );
        }
        Ok(Report {
            entries: n,
            checkpoints,
            origin,
            key_pinned: key.is_some() && self.opts.key.is_some(),
            key,
            attested,
            closed,
            torn_tail: None,
            last_leaf: self.lines.last().map(|l| l.leaf).unwrap_or([0; 32]),
            tree,
            complete_len: 0,
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries, {} checkpoints, origin {:?}; ",
            self.entries, self.checkpoints, self.origin
        )?;
        match (&self.key, self.key_pinned) {
            (Some(k), true) => write!(f, "signed by {} (the given key)", k)?,
            (Some(k), false) => write!(
                f,
                "signed by {} (the key the log names; pass the public key to pin it)",
                k
            )?,
            (None, _) => write!(
                f,
                "UNSIGNED: hash-chained only, anyone can rewrite it whole"
            )?,
        }
        let unattested = self
            .entries
            .saturating_sub(self.attested + u64::from(self.checkpoints > 0));
        write!(f, "; the last checkpoint covers {} entries", self.attested)?;
        if unattested > 0 {
            write!(
                f,
                ", {unattested} after it are not yet covered by a checkpoint"
            )?;
        }
        if !self.closed && self.entries > 0 {
            write!(
                f,
                "; not closed cleanly (no shutdown checkpoint at the end)"
            )?;
        }
        if let Some(t) = &self.torn_tail {
            write!(
                f,
                "; TORN TAIL at line {}: {} bytes of an entry cut off mid-write (crash)",
                t.line,
                t.bytes.len()
            )?;
        }
        Ok(())
    }
}

/// Hex of the leaf hash of the last complete line.
impl Report {
    pub fn last_leaf_hex(&self) -> String {
        hex(&self.last_leaf)
    }
}
