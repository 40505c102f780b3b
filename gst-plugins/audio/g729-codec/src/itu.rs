//! Reader for the ITU-T serial bitstream format (`.BIT` test vectors).
//!
//! Each 10 ms frame is a record of 16-bit little-endian words: a sync word
//! (`0x6B21`, or `0x6B20` for an erased frame), a length word, then that
//! many bit words (`0x007F` = 0, `0x0081` = 1, `0x0000` = erased bit).
//! A length of 80 is a speech frame, 16 a SID frame (15 bits and a pad),
//! 0 an untransmitted (DTX) frame.

use std::fmt;

/// Sync word of a frame.
pub const SYNC_WORD: u16 = 0x6B21;
/// Sync word of an erased frame.
pub const SYNC_WORD_ERASED: u16 = 0x6B20;
/// Bit word for a 0 bit.
pub const BIT_0: u16 = 0x007F;
/// Bit word for a 1 bit.
pub const BIT_1: u16 = 0x0081;

/// One frame of an ITU serial bitstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// An 80-bit speech frame, packed MSB first (RFC 3551 order).
    Speech([u8; 10]),
    /// A 15-bit Annex B SID frame, packed MSB first and padded with a zero bit.
    Sid([u8; 2]),
    /// An erased frame (erased sync word or any erased bit).
    Erased,
    /// No frame transmitted (DTX).
    Untransmitted,
}

/// Malformed bitstream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Bad sync word at the given byte offset.
    BadSync { offset: usize, word: u16 },
    /// Unsupported frame length at the given byte offset.
    BadLength { offset: usize, len: u16 },
    /// Invalid bit word at the given byte offset.
    BadBit { offset: usize, word: u16 },
    /// The data ends inside a record.
    Truncated { offset: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadSync { offset, word } => {
                write!(f, "bad sync word {word:#06x} at byte {offset}")
            }
            Error::BadLength { offset, len } => {
                write!(f, "unsupported frame length {len} at byte {offset}")
            }
            Error::BadBit { offset, word } => {
                write!(f, "invalid bit word {word:#06x} at byte {offset}")
            }
            Error::Truncated { offset } => write!(f, "truncated record at byte {offset}"),
        }
    }
}

impl std::error::Error for Error {}

/// Iterator over the frames of an ITU serial bitstream held in memory.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Reader<'a> {
    /// Read frames from the bytes of a `.BIT` file.
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            failed: false,
        }
    }

    fn word(&self, at: usize) -> Option<u16> {
        self.data
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn next_frame(&mut self) -> Result<Frame, Error> {
        let offset = self.pos;
        let truncated = Error::Truncated { offset };
        let sync = self.word(offset).ok_or(truncated.clone())?;
        let len = self.word(offset + 2).ok_or(truncated.clone())?;
        if sync != SYNC_WORD && sync != SYNC_WORD_ERASED {
            return Err(Error::BadSync { offset, word: sync });
        }
        if !matches!(len, 0 | 16 | 80) {
            return Err(Error::BadLength { offset, len });
        }
        let body = offset + 4;
        let end = body + 2 * len as usize;
        if end > self.data.len() {
            return Err(truncated);
        }
        self.pos = end;

        let mut erased = sync == SYNC_WORD_ERASED;
        let mut packed = [0u8; 10];
        for i in 0..len as usize {
            let w = self.word(body + 2 * i).unwrap();
            match w {
                BIT_1 => packed[i / 8] |= 0x80 >> (i % 8),
                BIT_0 => {}
                0 => erased = true,
                word => {
                    return Err(Error::BadBit {
                        offset: body + 2 * i,
                        word,
                    });
                }
            }
        }
        Ok(if erased {
            Frame::Erased
        } else {
            match len {
                0 => Frame::Untransmitted,
                16 => Frame::Sid([packed[0], packed[1]]),
                _ => Frame::Speech(packed),
            }
        })
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Frame, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.next_frame();
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(sync: u16, bits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&sync.to_le_bytes());
        v.extend_from_slice(&(bits.len() as u16).to_le_bytes());
        for b in bits {
            v.extend_from_slice(&b.to_le_bytes());
        }
        v
    }

    fn bits_of(bytes: &[u8], n: usize) -> Vec<u16> {
        (0..n)
            .map(|i| {
                if bytes[i / 8] & (0x80 >> (i % 8)) != 0 {
                    BIT_1
                } else {
                    BIT_0
                }
            })
            .collect()
    }

    #[test]
    fn reads_all_frame_kinds() {
        let speech = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab];
        let mut data = record(SYNC_WORD, &bits_of(&speech, 80));
        data.extend(record(SYNC_WORD, &bits_of(&[0xa5, 0x5a], 16)));
        data.extend(record(SYNC_WORD, &[]));
        data.extend(record(SYNC_WORD_ERASED, &[]));
        data.extend(record(SYNC_WORD, &[0; 80]));
        let mut partly = bits_of(&speech, 80);
        partly[17] = 0;
        data.extend(record(SYNC_WORD, &partly));
        let frames: Vec<_> = Reader::new(&data).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            frames,
            vec![
                Frame::Speech(speech),
                Frame::Sid([0xa5, 0x5a]),
                Frame::Untransmitted,
                Frame::Erased,
                Frame::Erased,
                Frame::Erased,
            ]
        );
    }

    #[test]
    fn reports_errors() {
        let mut data = record(SYNC_WORD, &bits_of(&[0; 10], 80));
        data.extend_from_slice(&0x1234u16.to_le_bytes());
        data.extend_from_slice(&80u16.to_le_bytes());
        let mut r = Reader::new(&data);
        assert!(matches!(r.next(), Some(Ok(Frame::Speech(_)))));
        assert_eq!(
            r.next(),
            Some(Err(Error::BadSync {
                offset: 164,
                word: 0x1234
            }))
        );
        assert_eq!(r.next(), None);

        let data = record(SYNC_WORD, &[BIT_0; 10]);
        assert_eq!(
            Reader::new(&data).next(),
            Some(Err(Error::BadLength { offset: 0, len: 10 }))
        );

        let mut data = record(SYNC_WORD, &[BIT_0; 80]);
        data.truncate(100);
        assert_eq!(
            Reader::new(&data).next(),
            Some(Err(Error::Truncated { offset: 0 }))
        );

        let mut bits = vec![BIT_0; 80];
        bits[3] = 0x0042;
        let data = record(SYNC_WORD, &bits);
        assert_eq!(
            Reader::new(&data).next(),
            Some(Err(Error::BadBit {
                offset: 10,
                word: 0x42
            }))
        );
    }
}
