// SPDX-License-Identifier: MPL-2.0

//! The sending side of an H.323 audio channel, without GStreamer: gathers encoded audio into RTP payloads of one
//! packet time each. `h323pay` is a thin shell around a [`Packetizer`].
//!
//! Time is counted in samples (RTP timestamp units) from the last [`Packetizer::resync`]; the element turns sample
//! offsets into PTS, from which the RTP timestamps follow.
//!
//! - G.711: a payload is `frames_per_packet` bytes (one byte per sample); input of any length is cut at those
//!   boundaries, the remainder waits for more.
//! - G.729: input is whole 10-byte frames, optionally ending with a 2-byte SID frame (Annex B). A payload is
//!   `frames_per_packet` speech frames; a SID frame ends the payload it joins (the sender goes silent after it).

use crate::rtp::{Codec, PayloadError};

/// A payload ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub data: Vec<u8>,
    /// Offset of its first sample from the last resync.
    pub start: u64,
    /// Samples it covers (a SID frame counts one frame period).
    pub samples: u64,
    /// First payload after a resync that asked for a marker (talkspurt start).
    pub marker: bool,
}

/// See the module documentation.
#[derive(Debug)]
pub struct Packetizer {
    codec: Codec,
    frames_per_packet: usize,
    /// Whole frames not sent yet (never a SID: a SID is sent at once).
    pending: Vec<u8>,
    /// Sample offset of the first pending byte.
    start: u64,
    marker: bool,
}

impl Packetizer {
    /// A packetizer of `frames_per_packet` frames (G.711: samples) per payload, at least 1.
    pub fn new(codec: Codec, frames_per_packet: usize) -> Self {
        Self {
            codec,
            frames_per_packet: frames_per_packet.max(1),
            pending: Vec::new(),
            start: 0,
            marker: true,
        }
    }

    /// Frames per payload for a packet time of `ptime_ms` bounded by `max_ptime_ms`, and by `max_payload`
    /// bytes (the MTU less the RTP header). G.729 rounds down to whole 10 ms frames; at least one frame.
    pub fn frames_for(codec: Codec, ptime_ms: u32, max_ptime_ms: u32, max_payload: usize) -> usize {
        let info = codec.info();
        let ms = u64::from(ptime_ms.min(max_ptime_ms));
        let samples = ms * u64::from(info.clock_rate) / 1000;
        let by_time = (samples / u64::from(info.frame_samples)) as usize;
        // Room for a trailing SID frame, so a packet with one never exceeds the MTU.
        let room = max_payload.saturating_sub(info.sid_bytes.unwrap_or(0));
        let by_size = room / info.frame_bytes;
        by_time.min(by_size).max(1)
    }

    pub fn codec(&self) -> Codec {
        self.codec
    }

    pub fn frames_per_packet(&self) -> usize {
        self.frames_per_packet
    }

    /// Sample offset (from the last resync) where the next input goes.
    pub fn next_sample(&self) -> u64 {
        self.start + self.samples_of(self.pending.len())
    }

    /// Whether input is waiting for more to fill a payload.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    fn samples_of(&self, bytes: usize) -> u64 {
        let info = self.codec.info();
        (bytes / info.frame_bytes) as u64 * u64::from(info.frame_samples)
    }

    /// Adds input; returns the payloads it completes. Input that breaks the codec's framing is refused whole.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<Payload>, PayloadError> {
        let layout = self.codec.validate(data)?;
        let info = self.codec.info();
        let speech_len = layout.frames * info.frame_bytes;
        let (speech, sid) = data.split_at(speech_len);
        let max = self.frames_per_packet * info.frame_bytes;

        let mut out = Vec::new();
        let mut speech = speech;
        while !speech.is_empty() {
            let take = (max - self.pending.len()).min(speech.len());
            self.pending.extend_from_slice(&speech[..take]);
            speech = &speech[take..];
            if self.pending.len() == max {
                out.push(self.emit(&[]));
            }
        }
        if !sid.is_empty() {
            out.push(self.emit(sid));
        }
        Ok(out)
    }

    /// Sends what is pending plus `tail`.
    fn emit(&mut self, tail: &[u8]) -> Payload {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(tail);
        let info = self.codec.info();
        let samples = self.samples_of(data.len() - tail.len())
            + if tail.is_empty() {
                0
            } else {
                u64::from(info.frame_samples)
            };
        let payload = Payload {
            data,
            start: self.start,
            samples,
            marker: std::mem::take(&mut self.marker),
        };
        self.start += samples;
        payload
    }

    /// Sends what is pending, short of a full payload (at EOS, or before a resync).
    pub fn flush(&mut self) -> Option<Payload> {
        (!self.pending.is_empty()).then(|| self.emit(&[]))
    }

    /// Starts counting samples afresh at 0 (the caller rebases its time); with `marker`, the next payload is
    /// marked (talkspurt start). Returns what was pending, which belongs to the time before.
    pub fn resync(&mut self, marker: bool) -> Option<Payload> {
        let flushed = self.flush();
        self.start = 0;
        self.marker |= marker;
        flushed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_for_ptime_and_bounds() {
        assert_eq!(Packetizer::frames_for(Codec::G729, 20, 200, 1388), 2);
        assert_eq!(Packetizer::frames_for(Codec::G729, 25, 200, 1388), 2);
        assert_eq!(Packetizer::frames_for(Codec::G729, 5, 200, 1388), 1);
        assert_eq!(Packetizer::frames_for(Codec::G729, 300, 200, 1388), 20);
        assert_eq!(Packetizer::frames_for(Codec::G729, 200, 200, 52), 5);
        assert_eq!(Packetizer::frames_for(Codec::Pcmu, 20, 200, 1388), 160);
        assert_eq!(Packetizer::frames_for(Codec::Pcma, 200, 100, 1388), 800);
        assert_eq!(Packetizer::frames_for(Codec::Pcma, 200, 200, 1388), 1388);
    }

    #[test]
    fn g729_frames_per_packet() {
        let mut p = Packetizer::new(Codec::G729, 2);
        let input: Vec<u8> = (0..50).collect();
        let out = p.push(&input).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].data, &input[..20]);
        assert_eq!(
            (out[0].start, out[0].samples, out[0].marker),
            (0, 160, true)
        );
        assert_eq!(out[1].data, &input[20..40]);
        assert_eq!(
            (out[1].start, out[1].samples, out[1].marker),
            (160, 160, false)
        );
        assert!(p.has_pending());
        assert_eq!(p.next_sample(), 400);
        let out = p.push(&input[..10]).unwrap();
        assert_eq!(out[0].data, [&input[40..50], &input[..10]].concat());
        assert_eq!(out[0].start, 320);
    }

    #[test]
    fn g729_sid_ends_a_packet() {
        let mut p = Packetizer::new(Codec::G729, 4);
        assert!(p.push(&[1; 10]).unwrap().is_empty());
        let out = p.push(&[2; 12]).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data.len(), 22);
        assert_eq!(out[0].samples, 240);
        assert!(!p.has_pending());
        // A SID alone is a packet of its own.
        let out = p.push(&[3; 2]).unwrap();
        assert_eq!(out[0].data, vec![3; 2]);
        assert_eq!((out[0].start, out[0].samples), (240, 80));
    }

    #[test]
    fn g729_rejects_broken_framing() {
        let mut p = Packetizer::new(Codec::G729, 2);
        assert!(p.push(&[0; 7]).is_err());
        assert!(p.push(&[]).is_err());
        assert!(!p.has_pending());
    }

    #[test]
    fn g711_cuts_any_input() {
        let mut p = Packetizer::new(Codec::Pcmu, 160);
        let input: Vec<u8> = (0..1024u32).map(|i| i as u8).collect();
        let out = p.push(&input).unwrap();
        assert_eq!(out.len(), 6);
        for (i, o) in out.iter().enumerate() {
            assert_eq!(o.data, &input[i * 160..(i + 1) * 160]);
            assert_eq!(o.start, i as u64 * 160);
            assert_eq!(o.marker, i == 0);
        }
        let last = p.flush().unwrap();
        assert_eq!(last.data, &input[960..]);
        assert_eq!((last.start, last.samples), (960, 64));
        assert_eq!(p.flush(), None);
    }

    #[test]
    fn resync_flushes_and_marks() {
        let mut p = Packetizer::new(Codec::Pcma, 160);
        p.push(&[0; 200]).unwrap();
        let flushed = p.resync(true).unwrap();
        assert_eq!(
            (flushed.start, flushed.samples, flushed.marker),
            (160, 40, false)
        );
        let out = p.push(&[0; 160]).unwrap();
        assert_eq!((out[0].start, out[0].marker), (0, true));
        assert!(p.resync(false).is_none());
        let out = p.push(&[0; 160]).unwrap();
        assert_eq!((out[0].start, out[0].marker), (0, false));
    }
}
