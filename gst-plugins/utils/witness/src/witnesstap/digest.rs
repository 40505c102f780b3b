//! The hashing and interval logic of `witnesstap`, free of GStreamer so that an auditor (or a test) can run the
//! very same code over media obtained elsewhere.
//!
//! # The digest of one interval
//!
//! One SHA-256 runs over the whole interval. For every buffer, in the order the buffers passed, it is fed:
//!
//! 1. the buffer's PTS in nanoseconds as a `u64` big-endian (`u64::MAX` if the buffer has none),
//! 2. the buffer's duration in nanoseconds as a `u64` big-endian (`u64::MAX` if it has none),
//! 3. the buffer's size in bytes as a `u64` big-endian,
//! 4. the buffer's bytes.
//!
//! Nothing else goes in: no header, no count, no interval index. The recorded `sha256` is the lower-case hex of
//! the final hash.
//!
//! # Where intervals end
//!
//! An interval starts with the first buffer after the previous one ended. A buffer closes the current interval
//! (whose digest is then emitted) and starts the next one when:
//!
//! - it has a PTS and the interval has seen a PTS: its PTS is at least the interval's first PTS plus the interval
//!   length (stream time);
//! - otherwise: at least the interval length of monotonic wall-clock time has passed since the interval's first
//!   buffer arrived.
//!
//! The element also ends an interval early at end of stream, at a flush, on a caps change and when it stops.

use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

/// Stands for "no timestamp" in the hash input (GStreamer's `GST_CLOCK_TIME_NONE`).
pub const NO_TIME: u64 = u64::MAX;

/// The finished digest of one interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// 0-based index of the interval within the element's run.
    pub index: u64,
    /// PTS (ns) of the interval's first buffer that had one.
    pub first_pts: Option<u64>,
    /// PTS (ns) of the interval's last buffer that had one.
    pub last_pts: Option<u64>,
    /// Buffers hashed.
    pub buffers: u64,
    /// Payload bytes hashed (the buffers' sizes, without the timestamp and size headers).
    pub bytes: u64,
    /// SHA-256 over the interval, as described in the module docs.
    pub sha256: [u8; 32],
}

/// The running hash of one interval.
#[derive(Debug, Clone)]
pub struct IntervalDigest {
    index: u64,
    hasher: Sha256,
    buffers: u64,
    bytes: u64,
    first_pts: Option<u64>,
    last_pts: Option<u64>,
}

impl IntervalDigest {
    /// An empty interval with the given index.
    pub fn new(index: u64) -> Self {
        Self {
            index,
            hasher: Sha256::new(),
            buffers: 0,
            bytes: 0,
            first_pts: None,
            last_pts: None,
        }
    }

    /// Hashes one buffer whose bytes are `data`.
    pub fn push(&mut self, pts: Option<u64>, duration: Option<u64>, data: &[u8]) {
        self.push_parts(pts, duration, &[data]);
    }

    /// Hashes one buffer whose bytes are the concatenation of `parts` (a buffer of several memories); the result
    /// is the same as [`push`](Self::push) with the concatenated bytes.
    pub fn push_parts(&mut self, pts: Option<u64>, duration: Option<u64>, parts: &[&[u8]]) {
        let size: u64 = parts.iter().map(|p| p.len() as u64).sum();
        self.hasher.update(pts.unwrap_or(NO_TIME).to_be_bytes());
        self.hasher
            .update(duration.unwrap_or(NO_TIME).to_be_bytes());
        self.hasher.update(size.to_be_bytes());
        for part in parts {
            self.hasher.update(part);
        }
        self.buffers += 1;
        self.bytes += size;
        if let Some(pts) = pts {
            self.first_pts.get_or_insert(pts);
            self.last_pts = Some(pts);
        }
    }

    /// Whether no buffer has been hashed yet.
    pub fn is_empty(&self) -> bool {
        self.buffers == 0
    }

    /// The interval's index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// PTS of the first buffer that had one.
    pub fn first_pts(&self) -> Option<u64> {
        self.first_pts
    }

    /// Buffers hashed so far.
    pub fn buffers(&self) -> u64 {
        self.buffers
    }

    /// Ends the interval.
    pub fn finish(self) -> Digest {
        Digest {
            index: self.index,
            first_pts: self.first_pts,
            last_pts: self.last_pts,
            buffers: self.buffers,
            bytes: self.bytes,
            sha256: self.hasher.finalize().into(),
        }
    }
}

/// Cuts a stream of buffers into intervals of a fixed length and digests each.
#[derive(Debug, Clone)]
pub struct Intervals {
    length: u64,
    current: IntervalDigest,
    /// When the current interval's first buffer arrived.
    opened: Option<Instant>,
}

impl Intervals {
    /// Intervals of `length` nanoseconds, numbered from 0.
    pub fn new(length: u64) -> Self {
        Self {
            length,
            current: IntervalDigest::new(0),
            opened: None,
        }
    }

    /// The interval length in nanoseconds.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Whether a buffer with `pts` arriving at `now` ends the current interval and starts a new one.
    pub fn is_boundary(&self, pts: Option<u64>, now: Instant) -> bool {
        if self.current.is_empty() {
            return false;
        }
        match (pts, self.current.first_pts()) {
            (Some(pts), Some(first)) => pts >= first.saturating_add(self.length),
            _ => self.opened.is_some_and(|opened| {
                now.saturating_duration_since(opened) >= Duration::from_nanos(self.length)
            }),
        }
    }

    /// Adds one buffer (its bytes are the concatenation of `parts`) arriving at `now`. If it starts a new interval,
    /// returns the digest of the one it ended.
    pub fn push(
        &mut self,
        now: Instant,
        pts: Option<u64>,
        duration: Option<u64>,
        parts: &[&[u8]],
    ) -> Option<Digest> {
        let ended = if self.is_boundary(pts, now) {
            self.flush()
        } else {
            None
        };
        if self.current.is_empty() {
            self.opened = Some(now);
        }
        self.current.push_parts(pts, duration, parts);
        ended
    }

    /// Ends the current interval now, returning its digest unless it is empty.
    pub fn flush(&mut self) -> Option<Digest> {
        if self.current.is_empty() {
            return None;
        }
        let next = IntervalDigest::new(self.current.index() + 1);
        self.opened = None;
        Some(std::mem::replace(&mut self.current, next).finish())
    }

    /// Buffers in the current, unfinished interval.
    pub fn pending(&self) -> u64 {
        self.current.buffers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    /// The recipe of the module docs, spelled out independently of `IntervalDigest`.
    fn by_hand(buffers: &[(Option<u64>, Option<u64>, &[u8])]) -> [u8; 32] {
        let mut input = Vec::new();
        for (pts, duration, data) in buffers {
            input.extend_from_slice(&pts.unwrap_or(u64::MAX).to_be_bytes());
            input.extend_from_slice(&duration.unwrap_or(u64::MAX).to_be_bytes());
            input.extend_from_slice(&(data.len() as u64).to_be_bytes());
            input.extend_from_slice(data);
        }
        Sha256::digest(&input).into()
    }

    #[test]
    fn digest_follows_the_documented_recipe() {
        let buffers: [(Option<u64>, Option<u64>, &[u8]); 3] = [
            (Some(0), Some(20 * MS), b"hello"),
            (None, None, b""),
            (Some(40 * MS), None, b"world!"),
        ];
        let mut d = IntervalDigest::new(7);
        for (pts, duration, data) in buffers {
            d.push(pts, duration, data);
        }
        let done = d.finish();
        assert_eq!(
            done,
            Digest {
                index: 7,
                first_pts: Some(0),
                last_pts: Some(40 * MS),
                buffers: 3,
                bytes: 11,
                sha256: by_hand(&buffers),
            }
        );
    }

    #[test]
    fn empty_digest_is_the_hash_of_nothing() {
        let done = IntervalDigest::new(0).finish();
        assert_eq!(done.buffers, 0);
        assert_eq!(done.first_pts, None);
        assert_eq!(
            council_witness::hex(&done.sha256),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parts_hash_like_their_concatenation() {
        let mut whole = IntervalDigest::new(0);
        whole.push(Some(5), Some(6), b"abcdef");
        let mut split = IntervalDigest::new(0);
        split.push_parts(Some(5), Some(6), &[b"ab", b"", b"cdef"]);
        assert_eq!(whole.finish(), split.finish());
    }

    #[test]
    fn timestamps_and_boundaries_change_the_hash() {
        let hash = |bufs: &[(Option<u64>, Option<u64>, &[u8])]| {
            let mut d = IntervalDigest::new(0);
            for (p, du, data) in bufs {
                d.push(*p, *du, data);
            }
            d.finish().sha256
        };
        let base = hash(&[(Some(1), Some(2), b"abcd")]);
        assert_ne!(base, hash(&[(Some(2), Some(2), b"abcd")]));
        assert_ne!(base, hash(&[(Some(1), None, b"abcd")]));
        assert_ne!(base, hash(&[(None, Some(2), b"abcd")]));
        // The same bytes cut into other buffers hash differently: the sizes are part of the input.
        assert_ne!(
            hash(&[(Some(1), Some(2), b"ab"), (Some(1), Some(2), b"cd")]),
            hash(&[(Some(1), Some(2), b"abc"), (Some(1), Some(2), b"d")])
        );
    }

    #[test]
    fn pts_cuts_intervals_at_first_pts_plus_length() {
        let now = Instant::now();
        let mut iv = Intervals::new(100 * MS);
        let mut done = Vec::new();
        // 13 buffers, 20 ms apart, starting at 1 s: 0..=240 ms after the first.
        for i in 0..13u64 {
            let pts = 1_000 * MS + i * 20 * MS;
            done.extend(iv.push(now, Some(pts), Some(20 * MS), &[&[i as u8; 10]]));
        }
        done.extend(iv.flush());
        assert!(iv.flush().is_none());
        let shape: Vec<_> = done
            .iter()
            .map(|d| (d.index, d.buffers, d.bytes, d.first_pts, d.last_pts))
            .collect();
        assert_eq!(
            shape,
            [
                (0, 5, 50, Some(1_000 * MS), Some(1_080 * MS)),
                (1, 5, 50, Some(1_100 * MS), Some(1_180 * MS)),
                (2, 3, 30, Some(1_200 * MS), Some(1_240 * MS)),
            ]
        );
    }

    #[test]
    fn the_next_interval_is_anchored_at_the_buffer_that_opened_it() {
        let now = Instant::now();
        let mut iv = Intervals::new(100 * MS);
        assert!(iv.push(now, Some(0), None, &[b"a"]).is_none());
        // A gap: this buffer opens interval 1 at 250 ms, so 340 ms stays in it and 350 ms starts interval 2.
        assert_eq!(
            iv.push(now, Some(250 * MS), None, &[b"b"]).unwrap().index,
            0
        );
        assert!(iv.push(now, Some(340 * MS), None, &[b"c"]).is_none());
        let d = iv.push(now, Some(350 * MS), None, &[b"d"]).unwrap();
        assert_eq!((d.index, d.buffers, d.first_pts), (1, 2, Some(250 * MS)));
    }

    #[test]
    fn without_pts_the_wall_clock_cuts_intervals() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut iv = Intervals::new(100 * MS);
        assert!(iv.push(at(0), None, None, &[b"a"]).is_none());
        assert!(iv.push(at(99), None, None, &[b"b"]).is_none());
        let d = iv.push(at(100), None, None, &[b"c"]).unwrap();
        assert_eq!(
            (d.index, d.buffers, d.first_pts, d.last_pts),
            (0, 2, None, None)
        );
        // The wall clock restarts with the buffer that opened the new interval.
        assert!(iv.push(at(199), None, None, &[b"d"]).is_none());
        assert_eq!(iv.pending(), 2);
        assert_eq!(iv.push(at(200), None, None, &[b"e"]).unwrap().index, 1);
    }

    #[test]
    fn a_buffer_without_pts_in_a_pts_interval_uses_the_wall_clock() {
        let t0 = Instant::now();
        let mut iv = Intervals::new(100 * MS);
        assert!(iv.push(t0, Some(0), None, &[b"a"]).is_none());
        assert!(iv.is_boundary(Some(100 * MS), t0));
        assert!(!iv.is_boundary(None, t0 + Duration::from_millis(50)));
        assert!(iv.is_boundary(None, t0 + Duration::from_millis(100)));
        // PTS rule wins when both sides have a PTS, whatever the wall clock says.
        assert!(!iv.is_boundary(Some(10 * MS), t0 + Duration::from_secs(5)));
    }

    #[test]
    fn huge_pts_does_not_overflow() {
        let now = Instant::now();
        let mut iv = Intervals::new(100 * MS);
        iv.push(now, Some(u64::MAX - 1), None, &[b"a"]);
        assert!(!iv.is_boundary(Some(u64::MAX - 1), now));
    }
}
