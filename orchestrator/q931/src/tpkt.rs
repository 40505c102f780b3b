//! TPKT (RFC 1006 §6): how H.225.0 call signalling (and H.245) cuts a TCP byte stream into messages. A packet is
//! `03 00 LL LL` — version 3, a reserved octet, the length of the whole packet including these four octets, big
//! endian — followed by the payload.

use crate::Error;

/// The only TPKT version.
pub const VERSION: u8 = 3;
/// Octets of the TPKT header.
pub const HEADER_LEN: usize = 4;
/// The largest payload a TPKT packet can carry (the length field counts the header too).
pub const MAX_PAYLOAD: usize = u16::MAX as usize - HEADER_LEN;

/// Appends one TPKT packet carrying `payload` to `out`.
pub fn encode(payload: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    if payload.len() > MAX_PAYLOAD {
        return Err(Error::TpktTooLong(payload.len()));
    }
    let len = (payload.len() + HEADER_LEN) as u16;
    out.reserve(HEADER_LEN + payload.len());
    out.extend_from_slice(&[VERSION, 0]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

/// Reassembles TPKT packets from a TCP stream read in arbitrary pieces.
///
/// Feed it what the socket gave ([`push`](Self::push)), then take whole payloads with
/// [`next_payload`](Self::next_payload) until it returns `Ok(None)`. A framing error means the stream can no
/// longer be cut into packets: the connection must be closed (there is no resynchronisation in TPKT). The buffer
/// never holds more than one packet's worth beyond what was pushed, and `max_payload` bounds what a peer can make
/// it hold.
#[derive(Debug)]
pub struct Deframer {
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    max_payload: usize,
    /// Set after a framing error; every later call returns the same error.
    failed: Option<Error>,
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new(MAX_PAYLOAD)
    }
}

impl Deframer {
    /// A deframer that refuses payloads longer than `max_payload` (at most [`MAX_PAYLOAD`]).
    pub fn new(max_payload: usize) -> Self {
        Self {
            buf: Vec::new(),
            pos: 0,
            max_payload: max_payload.min(MAX_PAYLOAD),
            failed: None,
        }
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        // Compact before growing, so a long-lived connection's buffer stays the size of one packet.
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 4096 && self.pos * 2 > self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next whole payload, `Ok(None)` if more bytes are needed, or the framing error.
    pub fn next_payload(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let rest = &self.buf[self.pos..];
        if rest.len() < HEADER_LEN {
            // Check what we can already: a wrong version need not wait for the rest of the header.
            if let Some(&v) = rest.first()
                && v != VERSION
            {
                return Err(self.fail(Error::TpktVersion(v)));
            }
            return Ok(None);
        }
        if rest[0] != VERSION {
            return Err(self.fail(Error::TpktVersion(rest[0])));
        }
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        if len < HEADER_LEN {
            return Err(self.fail(Error::TpktLength(len)));
        }
        let payload_len = len - HEADER_LEN;
        if payload_len > self.max_payload {
            return Err(self.fail(Error::TpktTooLong(payload_len)));
        }
        if rest.len() < len {
            return Ok(None);
        }
        let payload = rest[HEADER_LEN..len].to_vec();
        self.pos += len;
        Ok(Some(payload))
    }

    /// Bytes pushed but not yet returned as a payload.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some(e.clone());
        self.buf = Vec::new();
        self.pos = 0;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packets(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            encode(p, &mut out).unwrap();
        }
        out
    }

    #[test]
    fn header_layout() {
        let mut out = Vec::new();
        encode(b"abc", &mut out).unwrap();
        assert_eq!(out, [3, 0, 0, 7, b'a', b'b', b'c']);
        out.clear();
        encode(&[], &mut out).unwrap();
        assert_eq!(out, [3, 0, 0, 4]);
        assert_eq!(
            encode(&vec![0; MAX_PAYLOAD + 1], &mut out),
            Err(Error::TpktTooLong(MAX_PAYLOAD + 1))
        );
    }

    #[test]
    fn every_split_point_of_three_packets() {
        let big = vec![0x5a; 3000];
        let payloads: [&[u8]; 4] = [b"first", &[], &big, b"last"];
        let stream = packets(&payloads);
        for cut1 in 0..=stream.len() {
            // A second cut at a few places, so pieces of one, several and partial packets all occur.
            for cut2 in [
                cut1,
                (cut1 + 1).min(stream.len()),
                (cut1 + 3001).min(stream.len()),
                stream.len(),
            ] {
                let mut d = Deframer::default();
                let mut got = Vec::new();
                for piece in [&stream[..cut1], &stream[cut1..cut2], &stream[cut2..]] {
                    d.push(piece);
                    while let Some(p) = d.next_payload().unwrap() {
                        got.push(p);
                    }
                }
                assert_eq!(got, payloads, "cuts at {cut1} and {cut2}");
                assert_eq!(d.buffered(), 0);
            }
        }
    }

    #[test]
    fn byte_at_a_time() {
        let payloads: [&[u8]; 2] = [b"one", b"two"];
        let stream = packets(&payloads);
        let mut d = Deframer::default();
        let mut got = Vec::new();
        for b in &stream {
            d.push(std::slice::from_ref(b));
            while let Some(p) = d.next_payload().unwrap() {
                got.push(p);
            }
        }
        assert_eq!(got, payloads);
    }

    #[test]
    fn framing_errors_are_final() {
        let mut d = Deframer::default();
        d.push(&[4]);
        assert_eq!(d.next_payload(), Err(Error::TpktVersion(4)));
        d.push(&packets(&[b"ok"]));
        assert_eq!(d.next_payload(), Err(Error::TpktVersion(4)), "no resync");

        let mut d = Deframer::default();
        d.push(&[3, 0, 0, 3]);
        assert_eq!(d.next_payload(), Err(Error::TpktLength(3)));

        let mut d = Deframer::new(100);
        d.push(&[3, 0, 0, 105]);
        assert_eq!(d.next_payload(), Err(Error::TpktTooLong(101)));
        let mut d = Deframer::new(100);
        d.push(&[3, 0, 0, 104]);
        assert_eq!(
            d.next_payload(),
            Ok(None),
            "100 octets of payload are allowed"
        );
    }
}
