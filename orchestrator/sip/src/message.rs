//! The validated message model and its serialisation.
//!
//! This crate makes a [`Request`] or [`Response`] only by parsing (`parse_datagram`, the stream framer, or
//! `build`/`reply_to`, which write and re-parse), so the typed fields (`core.via`, `core.cseq`, …) agree with
//! the header list they were read from. The fields are public for reading; code that edits `headers` should
//! re-parse (`parse_datagram(&m.to_bytes())`) rather than patch `core` by hand.
//! Serialisation writes the header list as received (names canonical, folded lines joined) and a
//! Content-Length computed from the body, never one copied from elsewhere.

use std::fmt;

use crate::parse::{Kind, ParseError, Problem, parse_datagram};

/// A request or response method. Methods are case-sensitive (RFC 3261 §7.1); anything that is a `token`
/// but not one of the methods below is an extension method, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Bye,
    Cancel,
    Options,
    Register,
    Prack,
    Subscribe,
    Notify,
    Publish,
    Info,
    Refer,
    Message,
    Update,
    Extension(String),
}

impl Method {
    /// The method for a `token` (the caller has checked it is one).
    pub fn from_token(token: &str) -> Method {
        match token {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "OPTIONS" => Method::Options,
            "REGISTER" => Method::Register,
            "PRACK" => Method::Prack,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "PUBLISH" => Method::Publish,
            "INFO" => Method::Info,
            "REFER" => Method::Refer,
            "MESSAGE" => Method::Message,
            "UPDATE" => Method::Update,
            other => Method::Extension(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Options => "OPTIONS",
            Method::Register => "REGISTER",
            Method::Prack => "PRACK",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Publish => "PUBLISH",
            Method::Info => "INFO",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Update => "UPDATE",
            Method::Extension(s) => s,
        }
    }

    /// True for a method defined by RFC 3261 or a standard SIP extension (as opposed to an unknown one, which
    /// RFC 3261 §8.2.1 answers with 501 rather than 405).
    pub fn is_known(&self) -> bool {
        !matches!(self, Method::Extension(_))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `generic-param` / `uri-parameter`: `name[=value]`, value kept as written (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Option<String>,
}

/// Finds a parameter by case-insensitive name (parameter names are case-insensitive, RFC 3261 §7.3.1).
pub fn find_param<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// A `sip:` or `sips:` URI, split into its parts (escapes kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    pub secure: bool,
    /// The `user` part, still %-escaped (e.g. `user;par=u%40example.net`).
    pub user: Option<String>,
    pub password: Option<String>,
    /// A hostname, IPv4 address or bracketed IPv6 reference.
    pub host: String,
    pub port: Option<u16>,
    pub params: Vec<Param>,
    /// The `?headers` part without the `?`, still escaped.
    pub headers: Option<String>,
}

impl SipUri {
    /// The user part with %HH escapes decoded (bytes, since `%00` is legal: RFC 4475 `escnull`).
    pub fn user_unescaped(&self) -> Option<Vec<u8>> {
        self.user.as_deref().map(unescape)
    }
}

/// Decodes %HH escapes (the parser has checked they are well formed; a stray `%` is kept).
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// A URI as it appears in a Request-URI or a name-addr: its text, and its parts when the scheme is SIP/SIPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    /// Exactly as written (this is what serialisation writes).
    pub text: String,
    /// The scheme, lower-cased.
    pub scheme: String,
    /// The parts of a `sip:`/`sips:` URI; `None` for any other scheme.
    pub sip: Option<SipUri>,
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A From, To, Contact, Route or Record-Route value: `[display] <uri>;params` or `uri;params`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted (quoted-pair escapes removed).
    pub display: Option<String>,
    pub uri: Uri,
    /// Header parameters (after the URI), e.g. `tag`, `expires`, `q`.
    pub params: Vec<Param>,
}

impl NameAddr {
    pub fn tag(&self) -> Option<&str> {
        find_param(&self.params, "tag").and_then(|p| p.value.as_deref())
    }
}

/// One Via value (`via-parm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// Upper-cased transport: `UDP`, `TCP`, `TLS`, `SCTP`, or an extension.
    pub transport: String,
    pub host: String,
    pub port: Option<u16>,
    pub params: Vec<Param>,
}

impl Via {
    pub fn branch(&self) -> Option<&str> {
        find_param(&self.params, "branch").and_then(|p| p.value.as_deref())
    }
}

/// `CSeq: <seq> <method>`; `seq` is below 2^31 (RFC 3261 §8.1.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

/// One header line, unfolded: the canonical long name for a known header (compact forms expanded), the name
/// as received otherwise; the value with folding replaced by single spaces and outer whitespace trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// All header lines of a message, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<Header>);

impl Headers {
    /// Every value of the header `name` (case-insensitive, compact forms are already expanded).
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The first value of the header `name`.
    pub fn get<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.get_all(name).next()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Writes the header lines and the empty line; the Content-Length (where it was, or last) says `body_len`.
    fn write_to(&self, out: &mut Vec<u8>, body_len: usize) {
        let length = body_len.to_string();
        let mut wrote_length = false;
        for h in &self.0 {
            let value = if h.name == "Content-Length" {
                if wrote_length {
                    continue;
                }
                wrote_length = true;
                &length
            } else {
                &h.value
            };
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        if !wrote_length {
            out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// The headers every request and response must carry (RFC 3261 §8.1.1), parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Core {
    /// Every Via value, top first (comma-separated values split).
    pub via: Vec<Via>,
    pub cseq: CSeq,
    pub call_id: String,
    pub from: NameAddr,
    pub to: NameAddr,
    /// Absent in RFC 2543 requests (RFC 4475 `inv2543`), which are still accepted.
    pub max_forwards: Option<u8>,
    /// Every Contact value; empty for none; `Contact: *` gives one `None`.
    pub contact: Vec<Option<NameAddr>>,
    /// `type/subtype`, lower-cased, without parameters.
    pub content_type: Option<String>,
    /// Option tags of the Require header(s).
    pub require: Vec<String>,
    /// Every Record-Route value, in order (comma-separated values split): the proxies that stay on the dialog's
    /// path (RFC 3261 §12.1).
    pub record_route: Vec<RouteValue>,
}

/// One Route or Record-Route value: its text as written — copied unchanged into responses and Route headers, as
/// RFC 3261 §12.1.1 wants — and its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteValue {
    pub text: String,
    pub addr: NameAddr,
}

impl RouteValue {
    /// A loose router (`;lr` in its URI, RFC 3261 §16.12.1.1); otherwise a strict (RFC 2543) one.
    pub fn loose(&self) -> bool {
        self.addr
            .uri
            .sip
            .as_ref()
            .is_some_and(|u| find_param(&u.params, "lr").is_some())
    }
}

/// A validated SIP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub uri: Uri,
    pub headers: Headers,
    pub core: Core,
    /// Exactly Content-Length bytes (or the rest of the datagram when a UDP message has none).
    pub body: Vec<u8>,
}

/// A validated SIP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// 100..=699.
    pub status: u16,
    /// May be empty (RFC 4475 `noreason`).
    pub reason: String,
    pub headers: Headers,
    pub core: Core,
    pub body: Vec<u8>,
}

/// Either kind of message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Request(Request),
    Response(Response),
}

impl Request {
    /// The wire form: request line, the headers in order, a Content-Length for the body, the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} SIP/2.0\r\n", self.method, self.uri).into_bytes();
        self.headers.write_to(&mut out, self.body.len());
        out.extend_from_slice(&self.body);
        out
    }
}

impl Response {
    /// The wire form: status line, the headers in order, a Content-Length for the body, the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("SIP/2.0 {} {}\r\n", self.status, self.reason).into_bytes();
        self.headers.write_to(&mut out, self.body.len());
        out.extend_from_slice(&self.body);
        out
    }

    /// A response from its parts: `headers` in order (a Content-Length among them is ignored: one for
    /// `body` is written). Checked by parsing the result, so a status outside 100..=699, a malformed
    /// header or CR/LF smuggled into a reason, name or value is refused.
    pub fn build(
        status: u16,
        reason: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, ParseError> {
        match build(
            &format!("SIP/2.0 {status} {reason}"),
            headers,
            body,
            Kind::Response,
        )? {
            Message::Response(r) => Ok(r),
            // A text starting with "SIP/2.0 " is always read as a response; this arm is never taken.
            Message::Request(_) => Err(ParseError::response(Problem::StartLine(
                "not a status line",
            ))),
        }
    }

    /// A response to `request` per RFC 3261 §8.2.6: every Via value in order, From, Call-ID and CSeq
    /// copied; To copied with `to_tag` added when it has none (except on a 100, which §8.2.6.2 lets go
    /// without); a 100 also copies Timestamp (§8.2.6.1); then `extra` headers (`Allow`, `Unsupported`,
    /// `Accept`, …), no body.
    pub fn reply_to(
        request: &Request,
        status: u16,
        reason: &str,
        to_tag: &str,
        extra: &[(&str, &str)],
    ) -> Result<Response, ParseError> {
        let mut headers: Vec<(&str, &str)> =
            request.headers.get_all("Via").map(|v| ("Via", v)).collect();
        let to = request.headers.get("To").unwrap_or_default();
        let tagged;
        let to = if request.core.to.tag().is_none() && status > 100 {
            tagged = format!("{to};tag={to_tag}");
            tagged.as_str()
        } else {
            to
        };
        let cseq = format!("{} {}", request.core.cseq.seq, request.core.cseq.method);
        headers.push(("From", request.headers.get("From").unwrap_or_default()));
        headers.push(("To", to));
        headers.push(("Call-ID", &request.core.call_id));
        headers.push(("CSeq", &cseq));
        if status == 100 {
            headers.extend(
                request
                    .headers
                    .get_all("Timestamp")
                    .map(|v| ("Timestamp", v)),
            );
        }
        headers.extend_from_slice(extra);
        Response::build(status, reason, &headers, &[])
    }
}

impl Request {
    /// A request from its parts (e.g. a UAC's INVITE or BYE): `headers` in order, a Content-Length for
    /// `body` written for it. Checked by parsing the result, like [`Response::build`].
    pub fn build(
        method: &Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Request, ParseError> {
        match build(
            &format!("{method} {uri} SIP/2.0"),
            headers,
            body,
            Kind::Request,
        )? {
            Message::Request(r) => Ok(r),
            Message::Response(_) => Err(ParseError::request(Problem::StartLine(
                "not a request line",
            ))),
        }
    }
}

/// Writes a message and parses it back, refusing any CR or LF that would let a caller's text start a
/// line of its own.
fn build(
    start: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    kind: Kind,
) -> Result<Message, ParseError> {
    let unsafe_text = |t: &str| t.contains(['\r', '\n']);
    if unsafe_text(start)
        || headers
            .iter()
            .any(|(n, v)| unsafe_text(n) || unsafe_text(v))
    {
        return Err(match kind {
            Kind::Request => ParseError::request(Problem::BareLineBreak),
            Kind::Response => ParseError::response(Problem::BareLineBreak),
        });
    }
    let mut text = format!("{start}\r\n").into_bytes();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("Content-Length") || name.eq_ignore_ascii_case("l") {
            continue;
        }
        text.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    text.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    text.extend_from_slice(body);
    parse_datagram(&text)
}

impl Message {
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }

    pub fn core(&self) -> &Core {
        match self {
            Message::Request(r) => &r.core,
            Message::Response(r) => &r.core,
        }
    }

    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    pub fn body(&self) -> &[u8] {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite() -> Request {
        let headers = [
            (
                "Via",
                "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2",
            ),
            ("Via", "SIP/2.0/TCP uac.example.com:5070;branch=z9hG4bKuac"),
            ("Max-Forwards", "68"),
            ("From", "\"Expert\" <sip:expert@example.com>;tag=abc"),
            ("To", "<sip:council@example.org>"),
            ("Call-ID", "call-1@uac.example.com"),
            ("CSeq", "7 INVITE"),
            ("Timestamp", "54.2"),
            ("Contact", "<sip:expert@uac.example.com:5070;transport=tcp>"),
            ("Content-Type", "application/sdp"),
        ];
        Request::build(
            &Method::Invite,
            "sip:council@example.org",
            &headers,
            b"v=0\r\n",
        )
        .unwrap()
    }

    #[test]
    fn built_request_round_trips() {
        let r = invite();
        assert_eq!(r.core.via.len(), 3);
        assert_eq!(r.body, b"v=0\r\n");
        let Message::Request(again) = parse_datagram(&r.to_bytes()).unwrap() else {
            panic!("not a request")
        };
        assert_eq!(again, r);
        assert!(
            String::from_utf8(r.to_bytes())
                .unwrap()
                .contains("\r\nContent-Length: 5\r\n\r\nv=0\r\n")
        );
    }

    #[test]
    fn reply_copies_per_rfc3261_8_2_6() {
        let r = invite();
        let ok = Response::reply_to(
            &r,
            200,
            "OK",
            "srv1",
            &[("Contact", "<sip:council@192.0.2.1>")],
        )
        .unwrap();
        assert_eq!(ok.core.via, r.core.via);
        assert_eq!(
            ok.headers.get_all("Via").count(),
            2,
            "Via lines are copied as they were"
        );
        assert_eq!(
            (ok.core.from.clone(), ok.core.call_id.as_str()),
            (r.core.from.clone(), "call-1@uac.example.com")
        );
        assert_eq!(
            ok.core.cseq,
            CSeq {
                seq: 7,
                method: Method::Invite
            }
        );
        assert_eq!(ok.core.to.tag(), Some("srv1"));
        assert_eq!(ok.core.to.uri, r.core.to.uri);
        assert_eq!(ok.headers.get("Timestamp"), None);
        assert_eq!(ok.headers.get("Contact"), Some("<sip:council@192.0.2.1>"));
        // Round trip through bytes.
        let Message::Response(again) = parse_datagram(&ok.to_bytes()).unwrap() else {
            panic!("not a response")
        };
        assert_eq!(again, ok);
    }

    #[test]
    fn trying_has_no_new_tag_but_the_timestamp() {
        let trying = Response::reply_to(&invite(), 100, "Trying", "srv1", &[]).unwrap();
        assert_eq!(trying.core.to.tag(), None);
        assert_eq!(trying.headers.get("Timestamp"), Some("54.2"));
    }

    #[test]
    fn an_existing_to_tag_is_kept() {
        let mut headers: Vec<(&str, &str)> = vec![
            ("Via", "SIP/2.0/UDP uac.example.com;branch=z9hG4bKbye"),
            ("From", "<sip:expert@example.com>;tag=abc"),
            ("To", "<sip:council@example.org>;tag=srv1"),
            ("Call-ID", "call-1@uac.example.com"),
            ("CSeq", "8 BYE"),
        ];
        let bye = Request::build(&Method::Bye, "sip:council@192.0.2.1", &headers, b"").unwrap();
        let ok = Response::reply_to(&bye, 200, "OK", "other", &[]).unwrap();
        assert_eq!(ok.core.to.tag(), Some("srv1"));
        // And a malformed request cannot be built.
        headers.push(("CSeq", "9 BYE"));
        let e = Request::build(&Method::Bye, "sip:council@192.0.2.1", &headers, b"").unwrap_err();
        assert_eq!(e.problem, Problem::Duplicate("CSeq"));
    }

    #[test]
    fn injected_lines_and_bad_status_are_refused() {
        let r = invite();
        let e = Response::reply_to(&r, 200, "OK\r\nX-Evil: 1", "t", &[]).unwrap_err();
        assert_eq!(e.problem, Problem::BareLineBreak);
        let e = Response::reply_to(&r, 200, "OK", "t", &[("Allow", "INVITE\r\nX-Evil: 1")])
            .unwrap_err();
        assert_eq!(e.problem, Problem::BareLineBreak);
        let e = Response::reply_to(&r, 700, "Too Big", "t", &[]).unwrap_err();
        assert_eq!(e.problem, Problem::StatusCode);
        let e = Response::reply_to(&r, 200, "OK", "bad tag", &[]).unwrap_err();
        assert!(
            matches!(e.problem, Problem::Header { header: "To", .. }),
            "{:?}",
            e.problem
        );
    }

    #[test]
    fn unescape_keeps_stray_percent() {
        assert_eq!(unescape("a%41%4"), b"aA%4");
        assert_eq!(unescape("%00%zz"), b"\0%zz");
    }
}
