//! Framing a byte stream (TCP, TLS) into SIP messages by Content-Length (RFC 3261 §18.3).
//!
//! Bytes arrive in arbitrary chunks; [`StreamDecoder::push`] appends them and [`StreamDecoder::poll`] hands
//! out each whole message once its header section and Content-Length bytes of body are in. CRLFs between
//! messages (keep-alives, RFC 5626 §3.5.1) are skipped. A message without Content-Length, with an unusable
//! one, or larger than the bound cannot be framed: the decoder then fails for good, because nothing after
//! it can be trusted to start a message, and the connection must be closed. A message that frames but does
//! not parse is handed out as [`Frame::Invalid`] (answer it, keep the connection).

use thiserror::Error;

use crate::message::Message;
use crate::parse::{ParseError, Problem, content_length_of, find, parse_framed};

/// A bound that fits any signalling message Council expects (an INVITE with SDP is ~1–2 kB) with room.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024;

/// Why a stream cannot be framed any further.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FramingError {
    #[error("message without Content-Length on a stream")]
    NoContentLength,
    #[error("header section cannot be framed: {0}")]
    Head(Problem),
    #[error("message larger than {limit} bytes")]
    TooLarge { limit: usize },
}

/// One framed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Boxed: a parsed message is large, and most frames pass through a few hands.
    Message(Box<Message>),
    /// Framed correctly but not acceptable: answer as [`ParseError::status`] says; the stream goes on.
    Invalid(ParseError),
}

/// Cuts a byte stream into messages. Sans-IO: the caller reads the socket and pushes what it read.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    buf: Vec<u8>,
    /// Bound on one message (header section + body), and so on what is buffered.
    max_message: usize,
    /// How far `buf` has been searched for the end of the header section without finding it, so that a
    /// header section arriving byte by byte is not rescanned from the start each time.
    scanned: usize,
    failed: Option<FramingError>,
}

impl Default for StreamDecoder {
    fn default() -> Self {
        StreamDecoder::new(DEFAULT_MAX_MESSAGE)
    }
}

impl StreamDecoder {
    pub fn new(max_message: usize) -> Self {
        StreamDecoder {
            buf: Vec::new(),
            max_message,
            scanned: 0,
            failed: None,
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes received but not yet handed out.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole message, `Ok(None)` when more bytes are needed, or the error that ended the stream
    /// (returned again on every later call).
    pub fn poll(&mut self) -> Result<Option<Frame>, FramingError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.next_frame();
        if let Err(e) = &result {
            self.failed = Some(e.clone());
            self.buf = Vec::new();
        }
        result
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, FramingError> {
        let keepalive = self.buf.len() - crate::parse::skip_leading_crlf(&self.buf).len();
        if keepalive > 0 {
            self.buf.drain(..keepalive);
            self.scanned = 0;
        }
        let from = self.scanned.saturating_sub(3);
        let Some(end) = find(&self.buf[from..], b"\r\n\r\n").map(|i| i + from) else {
            self.scanned = self.buf.len();
            if self.buf.len() > self.max_message {
                return Err(FramingError::TooLarge {
                    limit: self.max_message,
                });
            }
            return Ok(None);
        };
        if end + 4 > self.max_message {
            // Before the header section is read, so that the outcome does not depend on how it arrived.
            return Err(FramingError::TooLarge {
                limit: self.max_message,
            });
        }
        let head = &self.buf[..end];
        let length = content_length_of(head)
            .map_err(FramingError::Head)?
            .ok_or(FramingError::NoContentLength)?;
        let total = (end + 4)
            .checked_add(length)
            .filter(|t| *t <= self.max_message)
            .ok_or(FramingError::TooLarge {
                limit: self.max_message,
            })?;
        if self.buf.len() < total {
            self.scanned = end;
            return Ok(None);
        }
        let frame = match parse_framed(head, &self.buf[end + 4..total]) {
            Ok(m) => Frame::Message(Box::new(m)),
            Err(e) => Frame::Invalid(e),
        };
        self.buf.drain(..total);
        self.scanned = 0;
        Ok(Some(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Method;

    fn message(method: &str, call_id: &str, body: &str) -> String {
        format!(
            "{method} sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK{call_id}\r\n\
             From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: {call_id}\r\n\
             CSeq: 1 {method}\r\nMax-Forwards: 70\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    /// Three messages, one with a body holding an empty line, with keep-alives around and between them.
    fn stream() -> Vec<u8> {
        let mut s = String::from("\r\n\r\n");
        s += &message("INVITE", "one", "v=0\r\n\r\ns=-\r\n");
        s += "\r\n";
        s += &message("OPTIONS", "two", "");
        s += "\r\n\r\n";
        s += &message("BYE", "three", "x");
        s.into_bytes()
    }

    fn drain(d: &mut StreamDecoder, out: &mut Vec<(Method, String, usize)>) {
        while let Some(frame) = d.poll().unwrap() {
            let Frame::Message(m) = frame else {
                panic!("unexpected {frame:?}")
            };
            let crate::Message::Request(r) = *m else {
                panic!("not a request")
            };
            out.push((r.method, r.core.call_id, r.body.len()));
        }
    }

    fn expected() -> Vec<(Method, String, usize)> {
        vec![
            (Method::Invite, "one".into(), 12),
            (Method::Options, "two".into(), 0),
            (Method::Bye, "three".into(), 1),
        ]
    }

    #[test]
    fn whole_stream_in_one_segment() {
        let mut d = StreamDecoder::default();
        d.push(&stream());
        let mut got = Vec::new();
        drain(&mut d, &mut got);
        assert_eq!(got, expected());
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn split_at_every_byte() {
        let s = stream();
        for split in 0..=s.len() {
            let mut d = StreamDecoder::default();
            let mut got = Vec::new();
            d.push(&s[..split]);
            drain(&mut d, &mut got);
            d.push(&s[split..]);
            drain(&mut d, &mut got);
            assert_eq!(got, expected(), "split at {split}");
        }
    }

    #[test]
    fn one_byte_at_a_time() {
        let mut d = StreamDecoder::default();
        let mut got = Vec::new();
        for b in stream() {
            d.push(&[b]);
            drain(&mut d, &mut got);
        }
        assert_eq!(got, expected());
    }

    #[test]
    fn missing_content_length_ends_the_stream() {
        let text = message("OPTIONS", "x", "").replace("Content-Length: 0\r\n", "");
        let mut d = StreamDecoder::default();
        d.push(text.as_bytes());
        assert_eq!(d.poll(), Err(FramingError::NoContentLength));
        d.push(message("OPTIONS", "y", "").as_bytes());
        assert_eq!(d.poll(), Err(FramingError::NoContentLength));
    }

    #[test]
    fn conflicting_or_bad_content_length_ends_the_stream() {
        let two =
            message("OPTIONS", "x", "").replace("Content-Length: 0", "Content-Length: 0\r\nl: 5");
        let negative =
            message("OPTIONS", "x", "").replace("Content-Length: 0", "Content-Length: -1");
        for text in [two, negative] {
            let mut d = StreamDecoder::default();
            d.push(text.as_bytes());
            assert!(matches!(d.poll(), Err(FramingError::Head(_))), "{text}");
        }
    }

    #[test]
    fn oversized_messages_are_refused() {
        // A declared body beyond the bound is refused before it is received.
        let mut d = StreamDecoder::new(1024);
        d.push(
            message("OPTIONS", "x", "")
                .replace("Content-Length: 0", "Content-Length: 2000")
                .as_bytes(),
        );
        assert_eq!(d.poll(), Err(FramingError::TooLarge { limit: 1024 }));
        // So is a header section that never ends.
        let mut d = StreamDecoder::new(1024);
        let mut refused = false;
        for _ in 0..100 {
            d.push(b"X-Filler: 0123456789012345678901234567890123456789\r\n");
            if d.poll() == Err(FramingError::TooLarge { limit: 1024 }) {
                refused = true;
                break;
            }
        }
        assert!(refused);
        assert!(d.buffered() <= 1024);
        // A huge Content-Length cannot overflow.
        let mut d = StreamDecoder::new(1024);
        d.push(
            message("OPTIONS", "x", "")
                .replace(
                    "Content-Length: 0",
                    &format!("Content-Length: {}", usize::MAX),
                )
                .as_bytes(),
        );
        assert_eq!(d.poll(), Err(FramingError::TooLarge { limit: 1024 }));
    }

    #[test]
    fn invalid_message_is_handed_out_and_the_stream_goes_on() {
        let bad = message("OPTIONS", "x", "").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
        let mut d = StreamDecoder::default();
        d.push(bad.as_bytes());
        d.push(message("OPTIONS", "y", "").as_bytes());
        let Ok(Some(Frame::Invalid(e))) = d.poll() else {
            panic!("not invalid")
        };
        assert_eq!(e.status(), Some(400));
        let Ok(Some(Frame::Message(m))) = d.poll() else {
            panic!("no message")
        };
        assert_eq!(m.core().call_id, "y");
        assert_eq!(d.poll(), Ok(None));
    }
}
