// SPDX-License-Identifier: MPL-2.0

//! The receiving side of an H.323 audio channel, without GStreamer: judges each RTP packet (strict parse, payload
//! type → codec, payload framing, SSRC, sequence number, marker) and says what to do with it. `h323depay` is a thin
//! shell around a [`Receiver`]; the fuzz target drives one directly.
//!
//! Rules (see [`Receiver::push`]):
//! - A packet that is not valid RTP, or whose payload breaks its codec's framing, is dropped as *malformed*. If
//!   its header was readable, it still uses up its sequence number, and the next packet is DISCONT (audio was
//!   lost).
//! - A packet whose payload type maps to no codec is dropped as *unknown PT*. It uses up its sequence number
//!   without making the next packet DISCONT: a terminal may interleave e.g. RFC 4733 events in the same stream.
//! - A packet up to [`MAX_MISORDER`] sequence numbers behind the expected one is a duplicate or too late: dropped
//!   as *late*. A jump further back, or more than [`MAX_DROPOUT`] ahead, is taken as a restarted sender: DISCONT,
//!   nothing counted as lost. A jump ahead by up to [`MAX_DROPOUT`] counts the missing packets as *lost* and
//!   makes the packet DISCONT.
//! - A new SSRC restarts the sequence checks, counts an SSRC change, and makes the packet DISCONT.
//! - The first packet, and the first after [`Receiver::discont`], is DISCONT; so is the first of a new codec.
//! - A marker packet is RESYNC (a talkspurt starts); if its RTP timestamp is not where the previous packet ended
//!   (silence was suppressed), it is DISCONT too.

use crate::rtp::{self, Codec, HeaderError, Layout, PayloadError, PtMap};

/// How far behind the expected sequence number a packet is taken for late or duplicate (RFC 3550 A.1).
pub const MAX_MISORDER: u16 = 100;
/// How far ahead of the expected sequence number a packet is taken for the same stream after losses.
pub const MAX_DROPOUT: u16 = 3000;

/// Why a packet was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Dropped {
    #[error("malformed RTP header: {0}")]
    Header(#[from] HeaderError),
    #[error("malformed payload (PT {pt}): {error}")]
    Payload { pt: u8, error: PayloadError },
    #[error("payload type {pt} maps to no codec")]
    UnknownPt { pt: u8 },
    #[error("late or duplicate packet: sequence number {seq}, expected {expected}")]
    Late { seq: u16, expected: u16 },
}

impl Dropped {
    /// Whether this counts as `dropped-malformed` (as opposed to unknown PT or late).
    pub fn is_malformed(&self) -> bool {
        matches!(self, Dropped::Header(_) | Dropped::Payload { .. })
    }
}

/// Counters since the receiver was made or reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets pushed, whatever became of them.
    pub packets: u64,
    /// Bytes of those packets (headers included).
    pub bytes: u64,
    pub dropped_malformed: u64,
    pub dropped_unknown_pt: u64,
    pub dropped_late: u64,
    /// Changes of SSRC after the first.
    pub ssrc_changes: u64,
    /// Changes of codec after the first.
    pub codec_changes: u64,
    /// Packets missing from sequence-number gaps.
    pub lost: u64,
}

/// An accepted packet: its payload is whole frames of `codec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'a> {
    pub codec: Codec,
    pub payload_type: u8,
    /// The payload, padding removed.
    pub payload: &'a [u8],
    pub layout: Layout,
    pub marker: bool,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    /// The codec differs from the previous accepted packet's (or this is the first): new caps are due.
    pub codec_changed: bool,
    /// The SSRC differs from the previous accepted packet's.
    pub ssrc_changed: bool,
    /// Packets found missing just before this one.
    pub lost: u64,
    /// Data before this packet is missing or unrelated: decoders should not carry state across.
    pub discont: bool,
    /// Timestamps restart here (talkspurt start, from the marker bit).
    pub resync: bool,
}

/// Where the stream was after the last packet with a readable header.
#[derive(Debug, Clone, Copy)]
struct Position {
    ssrc: u32,
    next_seq: u16,
    /// RTP timestamp where the last accepted packet's audio ended.
    next_ts: Option<u32>,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct Receiver {
    pt_map: PtMap,
    position: Option<Position>,
    codec: Option<Codec>,
    /// Set by a drop or [`Receiver::discont`]: the next accepted packet is DISCONT.
    discont_pending: bool,
    stats: Stats,
}

/// What the sequence number says about a packet.
enum SeqCheck {
    InOrder,
    Gap(u16),
    Restart,
    Late,
}

fn check_seq(seq: u16, expected: u16) -> SeqCheck {
    let ahead = seq.wrapping_sub(expected);
    let behind = expected.wrapping_sub(seq);
    if ahead == 0 {
        SeqCheck::InOrder
    } else if ahead <= MAX_DROPOUT {
        SeqCheck::Gap(ahead)
    } else if behind <= MAX_MISORDER {
        SeqCheck::Late
    } else {
        SeqCheck::Restart
    }
}

impl Receiver {
    pub fn new(pt_map: PtMap) -> Self {
        Self {
            pt_map,
            discont_pending: true,
            ..Default::default()
        }
    }

    pub fn pt_map(&self) -> &PtMap {
        &self.pt_map
    }

    /// Replaces the payload type map; takes effect from the next packet.
    pub fn set_pt_map(&mut self, pt_map: PtMap) {
        self.pt_map = pt_map;
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The codec of the last accepted packet.
    pub fn codec(&self) -> Option<Codec> {
        self.codec
    }

    /// Forgets the stream position (after a flush or a seek): the next packet is DISCONT and starts the sequence
    /// checks afresh. The codec is kept, so no new caps are due if it does not change.
    pub fn discont(&mut self) {
        self.position = None;
        self.discont_pending = true;
    }

    /// Makes the next accepted packet DISCONT, keeping the stream position (upstream gave a packet up for lost;
    /// its sequence gap is still counted when the next packet comes).
    pub fn mark_discont(&mut self) {
        self.discont_pending = true;
    }

    /// Back to new: stream position, codec and counters.
    pub fn reset(&mut self) {
        *self = Self::new(std::mem::take(&mut self.pt_map));
    }

    /// Judges one packet. See the module documentation for the rules.
    pub fn push<'a>(&mut self, packet: &'a [u8]) -> Result<Accepted<'a>, Dropped> {
        self.stats.packets += 1;
        self.stats.bytes += packet.len() as u64;
        let result = self.judge(packet);
        if let Err(dropped) = &result {
            match dropped {
                Dropped::Header(_) | Dropped::Payload { .. } => self.stats.dropped_malformed += 1,
                Dropped::UnknownPt { .. } => self.stats.dropped_unknown_pt += 1,
                Dropped::Late { .. } => self.stats.dropped_late += 1,
            }
        }
        result
    }

    fn judge<'a>(&mut self, packet: &'a [u8]) -> Result<Accepted<'a>, Dropped> {
        let rtp = rtp::parse(packet)?;

        // Sequence and SSRC first: even a packet we drop for its payload uses up its sequence number.
        let mut discont = false;
        let mut lost = 0;
        let mut ssrc_changed = false;
        let mut next_ts = None;
        match self.position {
            None => discont = true,
            Some(pos) if pos.ssrc != rtp.ssrc => {
                ssrc_changed = true;
                discont = true;
            }
            Some(pos) => {
                next_ts = pos.next_ts;
                match check_seq(rtp.sequence, pos.next_seq) {
                    SeqCheck::InOrder => {}
                    SeqCheck::Gap(n) => {
                        lost = u64::from(n);
                        discont = true;
                    }
                    SeqCheck::Restart => discont = true,
                    SeqCheck::Late => {
                        return Err(Dropped::Late {
                            seq: rtp.sequence,
                            expected: pos.next_seq,
                        });
                    }
                }
            }
        }
        if ssrc_changed {
            self.stats.ssrc_changes += 1;
        }
        self.stats.lost += lost;
        self.position = Some(Position {
            ssrc: rtp.ssrc,
            next_seq: rtp.sequence.wrapping_add(1),
            next_ts,
        });
        // Whatever happens to this packet, the discontinuity seen before it carries over to the next one.
        self.discont_pending |= discont;

        let pt = rtp.payload_type;
        let codec = self.pt_map.resolve(pt).ok_or(Dropped::UnknownPt { pt })?;
        let layout = codec.validate(rtp.payload).map_err(|error| {
            self.discont_pending = true;
            Dropped::Payload { pt, error }
        })?;

        let codec_changed = self.codec != Some(codec);
        if codec_changed && self.codec.is_some() {
            self.stats.codec_changes += 1;
        }
        self.codec = Some(codec);

        let mut discont = std::mem::take(&mut self.discont_pending) || codec_changed;
        let resync = rtp.marker;
        if rtp.marker && next_ts.is_some_and(|ts| ts != rtp.timestamp) {
            discont = true;
        }
        if let Some(pos) = self.position.as_mut() {
            // Layouts are at most 64 KiB of samples, so this fits in u32.
            pos.next_ts = Some(rtp.timestamp.wrapping_add(layout.samples as u32));
        }

        Ok(Accepted {
            codec,
            payload_type: pt,
            payload: rtp.payload,
            layout,
            marker: rtp.marker,
            sequence: rtp.sequence,
            timestamp: rtp.timestamp,
            ssrc: rtp.ssrc,
            codec_changed,
            ssrc_changed,
            lost,
            discont,
            resync,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtp::write_packet;

    const SSRC: u32 = 0x1234_5678;

    /// `Receiver::push`, without the payload so the result outlives the packet.
    fn push(r: &mut Receiver, packet: &[u8]) -> Result<Accepted<'static>, Dropped> {
        r.push(packet).map(|a| Accepted { payload: &[], ..a })
    }

    fn g729(seq: u16, ts: u32, frames: usize) -> Vec<u8> {
        write_packet(false, 18, seq, ts, SSRC, &vec![7; 10 * frames])
    }

    #[test]
    fn in_order_stream() {
        let mut r = Receiver::default();
        let a = push(&mut r, &g729(10, 0, 2)).unwrap();
        assert!(a.discont && a.codec_changed && !a.resync && !a.ssrc_changed);
        assert_eq!(a.codec, Codec::G729);
        assert_eq!(a.layout.samples, 160);
        for i in 1..5u16 {
            let a = push(&mut r, &g729(10 + i, 160 * u32::from(i), 2)).unwrap();
            assert!(!a.discont && !a.codec_changed);
        }
        let s = r.stats();
        assert_eq!((s.packets, s.lost, s.codec_changes), (5, 0, 0));
        assert_eq!(s.bytes, 5 * 32);
    }

    #[test]
    fn sequence_gap_is_lost_and_discont() {
        let mut r = Receiver::default();
        push(&mut r, &g729(65534, 0, 2)).unwrap();
        push(&mut r, &g729(65535, 160, 2)).unwrap();
        // 0 and 1 are missing: the gap wraps around.
        let a = push(&mut r, &g729(2, 640, 2)).unwrap();
        assert!(a.discont);
        assert_eq!(a.lost, 2);
        let a = push(&mut r, &g729(3, 800, 2)).unwrap();
        assert!(!a.discont);
        assert_eq!(r.stats().lost, 2);
    }

    #[test]
    fn late_packets_are_dropped_and_restarts_accepted() {
        let mut r = Receiver::default();
        push(&mut r, &g729(100, 0, 2)).unwrap();
        push(&mut r, &g729(101, 160, 2)).unwrap();
        assert_eq!(
            push(&mut r, &g729(101, 160, 2)),
            Err(Dropped::Late {
                seq: 101,
                expected: 102
            })
        );
        let a = push(&mut r, &g729(102, 320, 2)).unwrap();
        assert!(!a.discont);
        // Far away: a restarted sender, not losses.
        let a = push(&mut r, &g729(40000, 0, 2)).unwrap();
        assert!(a.discont);
        assert_eq!(a.lost, 0);
        assert_eq!(r.stats().dropped_late, 1);
    }

    #[test]
    fn ssrc_change_is_discont() {
        let mut r = Receiver::default();
        push(&mut r, &g729(1, 0, 2)).unwrap();
        let p = write_packet(false, 18, 500, 9999, 42, &[1; 20]);
        let a = push(&mut r, &p).unwrap();
        assert!(a.discont && a.ssrc_changed && !a.codec_changed);
        assert_eq!(a.lost, 0);
        assert_eq!(r.stats().ssrc_changes, 1);
    }

    #[test]
    fn codec_switch() {
        let mut r = Receiver::default();
        push(&mut r, &g729(1, 0, 2)).unwrap();
        let a = push(&mut r, &write_packet(false, 0, 2, 160, SSRC, &[0xff; 160])).unwrap();
        assert!(a.codec_changed && a.discont);
        assert_eq!(a.codec, Codec::Pcmu);
        assert_eq!(a.layout.samples, 160);
        let a = push(&mut r, &write_packet(false, 0, 3, 320, SSRC, &[0xff; 160])).unwrap();
        assert!(!a.codec_changed && !a.discont);
        assert_eq!(r.stats().codec_changes, 1);
    }

    #[test]
    fn malformed_and_unknown_are_dropped_and_counted() {
        let mut r = Receiver::default();
        push(&mut r, &g729(1, 0, 2)).unwrap();
        let bad_len = write_packet(false, 18, 2, 160, SSRC, &[0; 7]);
        assert!(matches!(
            push(&mut r, &bad_len),
            Err(Dropped::Payload { pt: 18, .. })
        ));
        // The malformed packet used its sequence number: not lost, but audio is missing.
        let a = push(&mut r, &g729(3, 320, 2)).unwrap();
        assert!(a.discont);
        assert_eq!(a.lost, 0);

        let mut v1 = g729(4, 480, 2);
        v1[0] = 0x40;
        assert!(matches!(
            push(&mut r, &v1),
            Err(Dropped::Header(HeaderError::BadVersion { version: 1 }))
        ));
        assert!(matches!(
            push(&mut r, &v1[..5]),
            Err(Dropped::Header(HeaderError::TooShort { len: 5 }))
        ));
        let unknown = write_packet(false, 101, 4, 480, SSRC, &[1, 2, 3, 4]);
        assert_eq!(push(&mut r, &unknown), Err(Dropped::UnknownPt { pt: 101 }));
        // An unknown PT in between is not a loss of our audio.
        let a = push(&mut r, &g729(5, 480, 2)).unwrap();
        assert!(!a.discont);

        let s = r.stats();
        assert_eq!(
            (s.dropped_malformed, s.dropped_unknown_pt, s.lost),
            (3, 1, 0)
        );
        assert_eq!(s.packets, 7);
    }

    #[test]
    fn pt_map_adds_dynamic_types() {
        let mut r = Receiver::new("96:G729".parse().unwrap());
        let a = push(&mut r, &write_packet(false, 96, 1, 0, SSRC, &[1; 22])).unwrap();
        assert_eq!(a.codec, Codec::G729);
        assert!(a.layout.sid);
        assert_eq!(a.layout.samples, 240);
        r.set_pt_map(PtMap::default());
        assert_eq!(
            push(&mut r, &write_packet(false, 96, 2, 240, SSRC, &[1; 20])),
            Err(Dropped::UnknownPt { pt: 96 })
        );
    }

    #[test]
    fn marker_resyncs_and_discont_after_silence() {
        let mut r = Receiver::default();
        push(&mut r, &g729(1, 0, 2)).unwrap();
        // A marker right where the last packet ended: talkspurt start without a gap.
        let a = push(&mut r, &write_packet(true, 18, 2, 160, SSRC, &[0; 20])).unwrap();
        assert!(a.resync && !a.discont);
        // SID ends the talkspurt; silence follows; the marker packet comes 1 s later.
        push(&mut r, &write_packet(false, 18, 3, 320, SSRC, &[0; 2])).unwrap();
        let a = push(&mut r, &write_packet(true, 18, 4, 8400, SSRC, &[0; 20])).unwrap();
        assert!(a.resync && a.discont);
        assert_eq!(a.lost, 0);
    }

    #[test]
    fn discont_and_reset() {
        let mut r = Receiver::default();
        push(&mut r, &g729(1, 0, 2)).unwrap();
        r.discont();
        let a = push(&mut r, &g729(900, 50, 2)).unwrap();
        assert!(a.discont && !a.codec_changed);
        assert_eq!(a.lost, 0);
        r.reset();
        assert_eq!(r.stats(), Stats::default());
        assert!(push(&mut r, &g729(1, 0, 2)).unwrap().codec_changed);
    }
}
