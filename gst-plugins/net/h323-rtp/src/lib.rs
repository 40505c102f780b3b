// SPDX-License-Identifier: MPL-2.0

//! RTP packets and the audio codecs of H.323, without GStreamer and without I/O.
//!
//! - [`parse`]: a strict RTP header parser (RFC 3550 §5.1): version 2, CSRC list, header extension and padding are
//!   all checked against the packet's length; the payload it returns has the padding removed.
//! - [`CODECS`]: the one table of the codecs we carry (PT, clock rate, frame size in bytes and samples).
//! - [`Codec::validate`] and [`Codec::frames`]: the payload rules of each codec (RFC 3551 §4.5.6, §4.5.14).
//! - [`PtMap`]: dynamic payload types as H.245 negotiates them, written `"96:G729,97:PCMU"`.
//!
//! Everything here takes bytes and returns values or [`thiserror`] errors; nothing panics on any input (the fuzz
//! target in `fuzz/` holds us to that).

use std::fmt;
use std::str::FromStr;

/// Length of the fixed RTP header.
pub const RTP_HEADER_LEN: usize = 12;
/// The only RTP version there is (RFC 3550 §5.1).
pub const RTP_VERSION: u8 = 2;
/// Nanoseconds per sample at 8 kHz: every codec here runs at 8000 Hz, and 1/8000 s is a whole number of ns.
pub const NS_PER_SAMPLE_8K: u64 = 125_000;

/// Why a packet is not a valid RTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("packet of {len} bytes is shorter than the 12-byte RTP header")]
    TooShort { len: usize },
    #[error("RTP version {version}, expected 2")]
    BadVersion { version: u8 },
    #[error("CSRC list of {count} entries runs past the end of the {len}-byte packet")]
    CsrcTruncated { count: u8, len: usize },
    #[error("header extension runs past the end of the {len}-byte packet")]
    ExtensionTruncated { len: usize },
    #[error("padding of {pad} bytes does not fit the {available} bytes after the header")]
    BadPadding { pad: u8, available: usize },
}

/// Why a payload is not valid for its codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("empty {codec} payload")]
    Empty { codec: Codec },
    #[error(
        "{codec} payload of {len} bytes is not whole frames (10 bytes each, optionally plus a 2-byte SID)"
    )]
    NotWholeFrames { codec: Codec, len: usize },
}

/// The header extension of a packet (RFC 3550 §5.3.1): its profile-defined 16 bits and its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub profile: u16,
    pub data: &'a [u8],
}

/// A parsed RTP packet, borrowing from the bytes it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    /// The raw CSRC list (4 bytes per entry).
    pub csrcs: &'a [u8],
    pub extension: Option<Extension<'a>>,
    /// Padding bytes removed from the end (0 without the P bit).
    pub padding: u8,
    /// The payload, without header, CSRCs, extension or padding. May be empty: whether that is allowed is the
    /// codec's business.
    pub payload: &'a [u8],
}

impl RtpPacket<'_> {
    /// Number of entries in the CSRC list.
    pub fn csrc_count(&self) -> usize {
        self.csrcs.len() / 4
    }
}

/// Parses one RTP packet strictly (RFC 3550 §5.1, §5.3.1).
pub fn parse(packet: &[u8]) -> Result<RtpPacket<'_>, HeaderError> {
    let len = packet.len();
    if len < RTP_HEADER_LEN {
        return Err(HeaderError::TooShort { len });
    }
    let version = packet[0] >> 6;
    if version != RTP_VERSION {
        return Err(HeaderError::BadVersion { version });
    }
    let has_padding = packet[0] & 0x20 != 0;
    let has_extension = packet[0] & 0x10 != 0;
    let cc = packet[0] & 0x0f;
    let marker = packet[1] & 0x80 != 0;
    let payload_type = packet[1] & 0x7f;
    let sequence = u16::from_be_bytes([packet[2], packet[3]]);
    let timestamp = u32::from_be_bytes([packet[4], packet[5], packet[6], packet[7]]);
    let ssrc = u32::from_be_bytes([packet[8], packet[9], packet[10], packet[11]]);

    let mut offset = RTP_HEADER_LEN;
    let csrc_end = offset + 4 * usize::from(cc);
    let csrcs = packet
        .get(offset..csrc_end)
        .ok_or(HeaderError::CsrcTruncated { count: cc, len })?;
    offset = csrc_end;

    let extension = if has_extension {
        let head = packet
            .get(offset..offset + 4)
            .ok_or(HeaderError::ExtensionTruncated { len })?;
        let profile = u16::from_be_bytes([head[0], head[1]]);
        let words = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let start = offset + 4;
        let end = start + 4 * words;
        let data = packet
            .get(start..end)
            .ok_or(HeaderError::ExtensionTruncated { len })?;
        offset = end;
        Some(Extension { profile, data })
    } else {
        None
    };

    // `offset <= len` here: every step above was checked by `get`.
    let mut end = len;
    let mut padding = 0;
    if has_padding {
        // The last octet counts the padding, itself included, so it is at least 1 (RFC 3550 §5.1).
        let pad = packet[len - 1];
        let available = len - offset;
        if pad == 0 || usize::from(pad) > available {
            return Err(HeaderError::BadPadding { pad, available });
        }
        padding = pad;
        end -= usize::from(pad);
    }

    Ok(RtpPacket {
        marker,
        payload_type,
        sequence,
        timestamp,
        ssrc,
        csrcs,
        extension,
        padding,
        payload: &packet[offset..end],
    })
}

/// Writes a minimal RTP header (no CSRC, extension or padding) followed by `payload`. For tests and tools.
pub fn write_packet(
    marker: bool,
    payload_type: u8,
    sequence: u16,
    timestamp: u32,
    ssrc: u32,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(RTP_HEADER_LEN + payload.len());
    out.push(RTP_VERSION << 6);
    out.push((u8::from(marker) << 7) | (payload_type & 0x7f));
    out.extend_from_slice(&sequence.to_be_bytes());
    out.extend_from_slice(&timestamp.to_be_bytes());
    out.extend_from_slice(&ssrc.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An audio codec an H.323 terminal may open a logical channel for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// G.729 (and Annex A, which shares the bitstream), with Annex B SID frames.
    G729,
}

/// What we know about a codec. See [`CODECS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodecInfo {
    pub codec: Codec,
    /// RTP encoding name (RFC 3551 §6), as in SDP and in GStreamer's `encoding-name`.
    pub name: &'static str,
    /// Static payload type (RFC 3551 table 4).
    pub static_pt: u8,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Bytes in one frame (G.711 is sample-based: one byte is one sample).
    pub frame_bytes: usize,
    /// Samples (RTP timestamp units) one frame stands for.
    pub frame_samples: u32,
    /// Bytes of a comfort-noise (SID) frame that may end a payload, if the codec has one.
    pub sid_bytes: Option<usize>,
}

/// The codec table: the one place that says what each codec is on the wire.
pub const CODECS: [CodecInfo; 3] = [
    CodecInfo {
        codec: Codec::Pcmu,
        name: "PCMU",
        static_pt: 0,
        clock_rate: 8000,
        frame_bytes: 1,
        frame_samples: 1,
        sid_bytes: None,
    },
    CodecInfo {
        codec: Codec::Pcma,
        name: "PCMA",
        static_pt: 8,
        clock_rate: 8000,
        frame_bytes: 1,
        frame_samples: 1,
        sid_bytes: None,
    },
    CodecInfo {
        codec: Codec::G729,
        name: "G729",
        static_pt: 18,
        clock_rate: 8000,
        frame_bytes: 10,
        frame_samples: 80,
        sid_bytes: Some(2),
    },
];

/// One frame of a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A speech frame (for G.711: one sample).
    Speech(&'a [u8]),
    /// A comfort-noise (SID) frame: G.729 Annex B, always last.
    Sid(&'a [u8]),
}

/// The shape of a valid payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Speech frames (for G.711: samples).
    pub frames: usize,
    /// Whether a SID frame ends the payload.
    pub sid: bool,
    /// RTP timestamp units the payload covers (a SID frame counts as one frame period).
    pub samples: u64,
}

impl Codec {
    /// This codec's row of [`CODECS`].
    pub fn info(self) -> &'static CodecInfo {
        match self {
            Codec::Pcmu => &CODECS[0],
            Codec::Pcma => &CODECS[1],
            Codec::G729 => &CODECS[2],
        }
    }

    /// The codec of a static payload type (0, 8, 18), if it is one of ours.
    pub fn from_static_pt(pt: u8) -> Option<Codec> {
        CODECS.iter().find(|c| c.static_pt == pt).map(|c| c.codec)
    }

    /// The codec of an encoding name (`PCMU`, `PCMA`, `G729`; case-insensitive, `G.729` and `G729A` accepted).
    pub fn from_name(name: &str) -> Option<Codec> {
        let name = name.trim().to_ascii_uppercase().replace('.', "");
        match name.as_str() {
            "PCMU" => Some(Codec::Pcmu),
            "PCMA" => Some(Codec::Pcma),
            "G729" | "G729A" => Some(Codec::G729),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Checks a payload against the codec's framing and says what it holds.
    ///
    /// G.711: any non-empty length. G.729: a multiple of 10 bytes, optionally plus one 2-byte SID frame, non-empty.
    pub fn validate(self, payload: &[u8]) -> Result<Layout, PayloadError> {
        let info = self.info();
        let len = payload.len();
        if len == 0 {
            return Err(PayloadError::Empty { codec: self });
        }
        let frames = len / info.frame_bytes;
        let rest = len % info.frame_bytes;
        let sid = match (rest, info.sid_bytes) {
            (0, _) => false,
            (r, Some(sid)) if r == sid => true,
            _ => return Err(PayloadError::NotWholeFrames { codec: self, len }),
        };
        let periods = frames as u64 + u64::from(sid);
        Ok(Layout {
            frames,
            sid,
            samples: periods * u64::from(info.frame_samples),
        })
    }

    /// Splits a payload into its frames, after checking it like [`Codec::validate`].
    pub fn frames(self, payload: &[u8]) -> Result<impl Iterator<Item = Frame<'_>>, PayloadError> {
        let layout = self.validate(payload)?;
        let speech_len = layout.frames * self.info().frame_bytes;
        let (speech, sid) = payload.split_at(speech_len);
        Ok(speech
            .chunks_exact(self.info().frame_bytes)
            .map(Frame::Speech)
            .chain((!sid.is_empty()).then_some(Frame::Sid(sid))))
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a `pt-map` string is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PtMapError {
    #[error("entry {entry:?} is not PT:CODEC")]
    Syntax { entry: String },
    #[error("payload type {pt:?} is not a number from 0 to 127")]
    BadPt { pt: String },
    #[error("unknown codec {name:?} (known: PCMU, PCMA, G729)")]
    UnknownCodec { name: String },
    #[error("payload type {pt} is mapped twice")]
    Duplicate { pt: u8 },
}

/// Payload types mapped to codecs beyond (or instead of) the static ones, e.g. the dynamic PTs H.245 opened a
/// logical channel with. Written `"96:G729,97:PCMU"`: comma-separated `PT:CODEC` with PT 0-127 and CODEC as in
/// [`Codec::from_name`]; whitespace around entries is ignored; the empty string is the empty map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PtMap {
    entries: Vec<(u8, Codec)>,
}

impl PtMap {
    /// The codec mapped to `pt`, if any.
    pub fn get(&self, pt: u8) -> Option<Codec> {
        self.entries.iter().find(|(p, _)| *p == pt).map(|(_, c)| *c)
    }

    /// Maps `pt` to `codec`, replacing an earlier mapping of `pt`.
    pub fn insert(&mut self, pt: u8, codec: Codec) {
        self.entries.retain(|(p, _)| *p != pt);
        self.entries.push((pt, codec));
        self.entries.sort_by_key(|(p, _)| *p);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The codec of `pt`: this map first, then the static payload types.
    pub fn resolve(&self, pt: u8) -> Option<Codec> {
        self.get(pt).or_else(|| Codec::from_static_pt(pt))
    }
}

impl FromStr for PtMap {
    type Err = PtMapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut map = PtMap::default();
        for entry in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (pt, name) = entry.split_once(':').ok_or_else(|| PtMapError::Syntax {
                entry: entry.to_owned(),
            })?;
            let pt_num = pt
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 127)
                .ok_or_else(|| PtMapError::BadPt { pt: pt.to_owned() })?;
            let codec = Codec::from_name(name).ok_or_else(|| PtMapError::UnknownCodec {
                name: name.trim().to_owned(),
            })?;
            if map.get(pt_num).is_some() {
                return Err(PtMapError::Duplicate { pt: pt_num });
            }
            map.insert(pt_num, codec);
        }
        Ok(map)
    }
}

impl fmt::Display for PtMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (pt, codec)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{pt}:{codec}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(first: u8, rest: &[u8]) -> Vec<u8> {
        let mut p = vec![
            first, 18, 0x12, 0x34, 0, 0, 0x01, 0x40, 0xde, 0xad, 0xbe, 0xef,
        ];
        p.extend_from_slice(rest);
        p
    }

    #[test]
    fn parses_a_plain_packet() {
        let p = write_packet(true, 18, 0x1234, 320, 0xdead_beef, &[1; 20]);
        let r = parse(&p).unwrap();
        assert!(r.marker);
        assert_eq!(r.payload_type, 18);
        assert_eq!(r.sequence, 0x1234);
        assert_eq!(r.timestamp, 320);
        assert_eq!(r.ssrc, 0xdead_beef);
        assert_eq!(r.csrc_count(), 0);
        assert_eq!(r.extension, None);
        assert_eq!(r.padding, 0);
        assert_eq!(r.payload, &[1; 20]);
    }

    #[test]
    fn rejects_short_and_bad_versions() {
        for len in 0..12 {
            assert_eq!(parse(&vec![0x80; len]), Err(HeaderError::TooShort { len }));
        }
        for version in [0u8, 1, 3] {
            let p = packet(version << 6, &[0; 10]);
            assert_eq!(parse(&p), Err(HeaderError::BadVersion { version }));
        }
    }

    #[test]
    fn csrcs_are_checked_and_skipped() {
        let p = packet(0x82, &[0, 0, 0, 1, 0, 0, 0, 2, 9, 9]);
        let r = parse(&p).unwrap();
        assert_eq!(r.csrc_count(), 2);
        assert_eq!(r.payload, &[9, 9]);
        let p = packet(0x83, &[0, 0, 0, 1, 0, 0, 0, 2, 9, 9]);
        assert_eq!(
            parse(&p),
            Err(HeaderError::CsrcTruncated { count: 3, len: 22 })
        );
        // Exactly the CSRCs and nothing else: valid header, empty payload.
        let p = packet(0x81, &[0, 0, 0, 1]);
        assert_eq!(parse(&p).unwrap().payload, &[] as &[u8]);
    }

    #[test]
    fn extension_is_checked_and_skipped() {
        let p = packet(0x90, &[0xbe, 0xde, 0, 1, 1, 2, 3, 4, 7]);
        let r = parse(&p).unwrap();
        assert_eq!(
            r.extension,
            Some(Extension {
                profile: 0xbede,
                data: &[1, 2, 3, 4]
            })
        );
        assert_eq!(r.payload, &[7]);
        for rest in [&[0xbe, 0xde, 0][..], &[0xbe, 0xde, 0, 2, 1, 2, 3, 4, 5]] {
            let p = packet(0x90, rest);
            assert!(matches!(
                parse(&p),
                Err(HeaderError::ExtensionTruncated { .. })
            ));
        }
    }

    #[test]
    fn padding_is_checked_and_removed() {
        let p = packet(0xa0, &[5, 6, 7, 0, 0, 3]);
        let r = parse(&p).unwrap();
        assert_eq!(r.padding, 3);
        assert_eq!(r.payload, &[5, 6, 7]);
        // Padding of the whole payload: valid RTP, empty payload.
        let p = packet(0xa0, &[0, 2]);
        assert_eq!(parse(&p).unwrap().payload, &[] as &[u8]);
        let p = packet(0xa0, &[1, 2, 0]);
        assert_eq!(
            parse(&p),
            Err(HeaderError::BadPadding {
                pad: 0,
                available: 3
            })
        );
        let p = packet(0xa0, &[1, 2, 4]);
        assert_eq!(
            parse(&p),
            Err(HeaderError::BadPadding {
                pad: 4,
                available: 3
            })
        );
        // Padding may not eat into the extension.
        let p = packet(0xb0, &[0xbe, 0xde, 0, 1, 1, 2, 3, 4, 9, 3]);
        assert!(matches!(parse(&p), Err(HeaderError::BadPadding { .. })));
    }

    #[test]
    fn codec_table_is_consistent() {
        for info in &CODECS {
            assert_eq!(info.codec.info(), info);
            assert_eq!(Codec::from_static_pt(info.static_pt), Some(info.codec));
            assert_eq!(Codec::from_name(info.name), Some(info.codec));
            assert_eq!(info.clock_rate, 8000);
        }
        assert_eq!(Codec::from_static_pt(96), None);
        assert_eq!(Codec::from_name("g.729"), Some(Codec::G729));
        assert_eq!(Codec::from_name("G723"), None);
    }

    #[test]
    fn g729_payload_rules() {
        let c = Codec::G729;
        assert_eq!(c.validate(&[]), Err(PayloadError::Empty { codec: c }));
        for len in [1usize, 7, 9, 11, 13, 21, 29] {
            assert_eq!(
                c.validate(&vec![0; len]),
                Err(PayloadError::NotWholeFrames { codec: c, len })
            );
        }
        assert_eq!(
            c.validate(&[0; 20]),
            Ok(Layout {
                frames: 2,
                sid: false,
                samples: 160
            })
        );
        assert_eq!(
            c.validate(&[0; 22]),
            Ok(Layout {
                frames: 2,
                sid: true,
                samples: 240
            })
        );
        assert_eq!(
            c.validate(&[0; 2]),
            Ok(Layout {
                frames: 0,
                sid: true,
                samples: 80
            })
        );
    }

    #[test]
    fn g711_payload_rules() {
        for c in [Codec::Pcmu, Codec::Pcma] {
            assert_eq!(c.validate(&[]), Err(PayloadError::Empty { codec: c }));
            for len in [1usize, 7, 160, 161] {
                assert_eq!(
                    c.validate(&vec![0; len]),
                    Ok(Layout {
                        frames: len,
                        sid: false,
                        samples: len as u64
                    })
                );
            }
        }
    }

    #[test]
    fn frames_split_speech_and_sid() {
        let payload: Vec<u8> = (0..22).collect();
        let frames: Vec<_> = Codec::G729.frames(&payload).unwrap().collect();
        assert_eq!(
            frames,
            vec![
                Frame::Speech(&payload[0..10]),
                Frame::Speech(&payload[10..20]),
                Frame::Sid(&payload[20..22]),
            ]
        );
        assert_eq!(Codec::Pcmu.frames(&[1, 2, 3]).unwrap().count(), 3);
        assert!(Codec::G729.frames(&[0; 7]).is_err());
    }

    #[test]
    fn pt_map_parses_and_prints() {
        let map: PtMap = " 97:pcmu, 96:G729 ,".parse().unwrap();
        assert_eq!(map.get(96), Some(Codec::G729));
        assert_eq!(map.get(97), Some(Codec::Pcmu));
        assert_eq!(map.get(98), None);
        assert_eq!(map.to_string(), "96:G729,97:PCMU");
        assert_eq!(map.resolve(8), Some(Codec::Pcma));
        assert_eq!(map.resolve(99), None);
        assert!("".parse::<PtMap>().unwrap().is_empty());

        assert!(matches!(
            "96".parse::<PtMap>(),
            Err(PtMapError::Syntax { .. })
        ));
        assert!(matches!(
            "128:PCMU".parse::<PtMap>(),
            Err(PtMapError::BadPt { .. })
        ));
        assert!(matches!(
            "x:PCMU".parse::<PtMap>(),
            Err(PtMapError::BadPt { .. })
        ));
        assert!(matches!(
            "96:G723".parse::<PtMap>(),
            Err(PtMapError::UnknownCodec { .. })
        ));
        assert_eq!(
            "96:G729,96:PCMU".parse::<PtMap>(),
            Err(PtMapError::Duplicate { pt: 96 })
        );
        // A map can also override a static payload type.
        let map: PtMap = "0:PCMA".parse().unwrap();
        assert_eq!(map.resolve(0), Some(Codec::Pcma));
    }
}
