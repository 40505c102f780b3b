//! Strict parsing of one SIP message (RFC 3261 §7, §20, §25).
//!
//! The steps, each of which can fail with a [`Problem`]:
//! 1. the header section: CRLF lines only (a bare CR or LF is refused), UTF-8, folded lines joined, header
//!    names checked to be tokens and compact forms expanded to their long names (`v` → `Via`);
//! 2. the start line: single spaces between exactly three parts, `SIP/2.0` (another version → 505), a
//!    3-digit status code in 100..=699, a Request-URI without spaces, `<>` or `?headers`;
//! 3. framing: at most one Content-Length, decimal, not more than the bytes received (a datagram's trailing
//!    bytes beyond it are dropped, RFC 3261 §18.3);
//! 4. the headers the transaction and dialog layers rely on, parsed strictly: Via, CSeq (below 2^31, its
//!    method the request's), Call-ID, From, To, Max-Forwards (≤ 255), Contact, Route, Record-Route,
//!    Content-Type, Date (GMT only), Require and the other option-tag lists; single-valued ones must appear
//!    once. Other headers are kept as text.
//!
//! What a failure means for the peer is [`ParseError::status`]: a request is answered (400, 505, 501),
//! a response is dropped.

use thiserror::Error;

use crate::message::{
    CSeq, Core, Header, Headers, Message, Method, NameAddr, Param, Request, Response, RouteValue,
    SipUri, Uri, Via,
};

/// What was wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    #[error("No empty line ends the header section")]
    NoEndOfHeaders,
    #[error("Header section is not UTF-8")]
    NotUtf8,
    #[error("Bare CR or LF in the header section")]
    BareLineBreak,
    #[error("Malformed start line: {0}")]
    StartLine(&'static str),
    #[error("SIP version {0} not supported")]
    Version(String),
    #[error("Malformed status code")]
    StatusCode,
    #[error("Malformed Request-URI: {0}")]
    RequestUri(&'static str),
    #[error("Malformed header line: {0}")]
    HeaderLine(&'static str),
    #[error("Missing {0} header")]
    Missing(&'static str),
    #[error("More than one {0} header")]
    Duplicate(&'static str),
    #[error("Malformed {header} header: {why}")]
    Header {
        header: &'static str,
        why: &'static str,
    },
    #[error("Content-Length {declared} exceeds the {available} bytes after the headers")]
    BodyTooShort { declared: usize, available: usize },
    #[error("CSeq method {cseq} does not match request method {method}")]
    CSeqMismatch { method: String, cseq: String },
}

/// Whether the start line said request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
}

/// A message that could not be accepted, with what is needed to answer it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{problem}")]
pub struct ParseError {
    pub problem: Problem,
    /// What the message looked like from its first bytes; `None` when it did not even look like SIP.
    pub kind: Option<Kind>,
    /// The request's method, when its request line was read.
    pub method: Option<Method>,
    /// The header lines, when the header section could be split into lines, so that a UA can copy Via,
    /// From, To, Call-ID and CSeq into its error response.
    pub headers: Headers,
}

impl ParseError {
    pub(crate) fn response(problem: Problem) -> ParseError {
        error(Some(Kind::Response), None, Headers::default(), problem)
    }

    pub(crate) fn request(problem: Problem) -> ParseError {
        error(Some(Kind::Request), None, Headers::default(), problem)
    }

    /// The status code to answer with, or `None` when nothing may be sent: a bad response is dropped
    /// (RFC 4475 `bigcode`, `scalarlg`), and so is something that is not recognisably a SIP request.
    pub fn status(&self) -> Option<u16> {
        match self.kind? {
            Kind::Response => None,
            Kind::Request => Some(match &self.problem {
                Problem::Version(_) => 505,
                // RFC 4475 §3.1.2.18: an unknown method whose CSeq disagrees gets 501.
                Problem::CSeqMismatch { .. }
                    if !self.method.as_ref().is_some_and(Method::is_known) =>
                {
                    501
                }
                _ => 400,
            }),
        }
    }

    /// The reason phrase to send with [`ParseError::status`]: the standard one for 505 and 501, the
    /// problem itself for a 400 (e.g. "More than one CSeq header").
    pub fn reason(&self) -> String {
        match self.status() {
            Some(505) => "Version Not Supported".to_owned(),
            Some(501) => "Not Implemented".to_owned(),
            _ => self.problem.to_string(),
        }
    }
}

/// Parses one message received as a datagram (UDP): Content-Length may be absent (the body is then the
/// rest of the datagram) and bytes beyond it are ignored (RFC 3261 §18.3, RFC 4475 `dblreq`).
pub fn parse_datagram(data: &[u8]) -> Result<Message, ParseError> {
    let data = skip_leading_crlf(data);
    let kind = guess_kind(data);
    let Some(end) = find(data, b"\r\n\r\n") else {
        return Err(error(
            kind,
            None,
            Headers::default(),
            Problem::NoEndOfHeaders,
        ));
    };
    parse_parts(&data[..end], &data[end + 4..], kind, false)
}

/// Parses one message a stream framer has cut out: `head` is everything before the empty line, `body`
/// exactly Content-Length bytes.
pub(crate) fn parse_framed(head: &[u8], body: &[u8]) -> Result<Message, ParseError> {
    let head = skip_leading_crlf(head);
    parse_parts(head, body, guess_kind(head), true)
}

/// The Content-Length of a header section, for the stream framer: `Ok(None)` when there is none.
pub(crate) fn content_length_of(head: &[u8]) -> Result<Option<usize>, Problem> {
    let (_, headers) = split_head(head)?;
    content_length(&headers)
}

/// RFC 3261 §7.5: CRLFs before a start line are ignored.
pub(crate) fn skip_leading_crlf(mut data: &[u8]) -> &[u8] {
    while let Some(rest) = data.strip_prefix(b"\r\n") {
        data = rest;
    }
    data
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn error(
    kind: Option<Kind>,
    method: Option<Method>,
    headers: Headers,
    problem: Problem,
) -> ParseError {
    ParseError {
        problem,
        kind,
        method,
        headers,
    }
}

/// From the first bytes: a response starts with `SIP/`; a request with a token and a space.
fn guess_kind(data: &[u8]) -> Option<Kind> {
    if data.len() >= 4 && data[..4].eq_ignore_ascii_case(b"SIP/") {
        return Some(Kind::Response);
    }
    let word = data.iter().position(|&b| b == b' ')?;
    (word > 0 && data[..word].iter().all(|&b| is_token_byte(b))).then_some(Kind::Request)
}

fn parse_parts(
    head: &[u8],
    rest: &[u8],
    kind: Option<Kind>,
    exact: bool,
) -> Result<Message, ParseError> {
    let (start, headers) =
        split_head(head).map_err(|p| error(kind, None, Headers::default(), p))?;
    let fail = |method: Option<Method>, headers: &Headers, p: Problem| {
        error(kind, method, headers.clone(), p)
    };
    // The request line first, so that a 505 wins over problems in the headers.
    let start = match kind {
        Some(Kind::Response) => {
            StartLine::Status(parse_status_line(start).map_err(|p| fail(None, &headers, p))?)
        }
        _ => {
            let (method, uri) = parse_request_line(start).map_err(|(m, p)| fail(m, &headers, p))?;
            StartLine::Request(method, uri)
        }
    };
    let method = match &start {
        StartLine::Request(m, _) => Some(m.clone()),
        StartLine::Status(_) => None,
    };
    let declared = content_length(&headers).map_err(|p| fail(method.clone(), &headers, p))?;
    let body = match declared {
        _ if exact => rest,
        Some(n) if n > rest.len() => {
            return Err(fail(
                method,
                &headers,
                Problem::BodyTooShort {
                    declared: n,
                    available: rest.len(),
                },
            ));
        }
        Some(n) => &rest[..n],
        None => rest,
    };
    let core =
        parse_core(&headers, method.as_ref()).map_err(|p| fail(method.clone(), &headers, p))?;
    Ok(match start {
        StartLine::Request(method, uri) => Message::Request(Request {
            method,
            uri,
            headers,
            core,
            body: body.to_vec(),
        }),
        StartLine::Status((status, reason)) => Message::Response(Response {
            status,
            reason,
            headers,
            core,
            body: body.to_vec(),
        }),
    })
}

enum StartLine {
    Request(Method, Uri),
    Status((u16, String)),
}

/// Splits the header section into the start line and unfolded, canonically named header lines.
fn split_head(head: &[u8]) -> Result<(&str, Headers), Problem> {
    let head = std::str::from_utf8(head).map_err(|_| Problem::NotUtf8)?;
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default();
    if start.contains(['\r', '\n']) {
        return Err(Problem::BareLineBreak);
    }
    let mut headers: Vec<Header> = Vec::new();
    for line in lines {
        if line.contains(['\r', '\n']) {
            return Err(Problem::BareLineBreak);
        }
        if line.starts_with([' ', '\t']) {
            // A continuation (RFC 3261 §7.3.1): joined with a single space.
            let last = headers
                .last_mut()
                .ok_or(Problem::HeaderLine("continuation line before any header"))?;
            let more = line.trim_matches([' ', '\t']);
            if !more.is_empty() {
                if !last.value.is_empty() {
                    last.value.push(' ');
                }
                last.value.push_str(more);
            }
            continue;
        }
        let colon = line.find(':').ok_or(Problem::HeaderLine("no colon"))?;
        let name = line[..colon].trim_end_matches([' ', '\t']);
        if !is_token(name) {
            return Err(Problem::HeaderLine("header name is not a token"));
        }
        headers.push(Header {
            name: canonical_name(name),
            value: line[colon + 1..].trim_matches([' ', '\t']).to_owned(),
        });
    }
    Ok((start, Headers(headers)))
}

/// Long names of the headers we know, which compact forms (RFC 3261 §7.3.3 and the extensions' registry
/// entries) expand to, and in which case we write them.
const KNOWN_HEADERS: &[(&str, &str)] = &[
    ("a", "Accept-Contact"),
    ("b", "Referred-By"),
    ("c", "Content-Type"),
    ("d", "Request-Disposition"),
    ("e", "Content-Encoding"),
    ("f", "From"),
    ("i", "Call-ID"),
    ("j", "Reject-Contact"),
    ("k", "Supported"),
    ("l", "Content-Length"),
    ("m", "Contact"),
    ("n", "Identity-Info"),
    ("o", "Event"),
    ("r", "Refer-To"),
    ("s", "Subject"),
    ("t", "To"),
    ("u", "Allow-Events"),
    ("v", "Via"),
    ("x", "Session-Expires"),
    ("y", "Identity"),
];

const LONG_NAMES: &[&str] = &[
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Authentication-Info",
    "Authorization",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Expires",
    "From",
    "In-Reply-To",
    "Max-Forwards",
    "MIME-Version",
    "Min-Expires",
    "Organization",
    "Priority",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "Record-Route",
    "Reply-To",
    "Require",
    "Retry-After",
    "Route",
    "Server",
    "Subject",
    "Supported",
    "Timestamp",
    "To",
    "Unsupported",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
];

fn canonical_name(name: &str) -> String {
    if let Some((_, long)) = KNOWN_HEADERS
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(name))
    {
        return (*long).to_owned();
    }
    let known = LONG_NAMES
        .iter()
        .chain(KNOWN_HEADERS.iter().map(|(_, l)| l));
    match known.into_iter().find(|l| l.eq_ignore_ascii_case(name)) {
        Some(long) => (*long).to_owned(),
        None => name.to_owned(),
    }
}

/// `token` (RFC 3261 §25.1): alphanumerics and `-.!%*_+`'~`.
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// `SIP/2.0` (case-insensitive, as ABNF literals are); another well-formed version is a 505.
fn check_version(v: &str) -> Result<(), Problem> {
    if v.eq_ignore_ascii_case("SIP/2.0") {
        return Ok(());
    }
    let numbers = v
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("SIP/"))
        .and_then(|_| v[4..].split_once('.'));
    match numbers {
        Some((major, minor)) if is_digits(major) && is_digits(minor) => {
            Err(Problem::Version(v.to_owned()))
        }
        _ => Err(Problem::StartLine("malformed SIP version")),
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal of at most `max`, leading zeros allowed (`Max-Forwards: 0068`), no overflow.
fn decimal(s: &str, max: u64) -> Option<u64> {
    if !is_digits(s) {
        return None;
    }
    let significant = s.trim_start_matches('0');
    // Overflow makes `parse` fail; the length check only spares it absurd inputs.
    if significant.len() > 20 {
        return None;
    }
    let n = if significant.is_empty() {
        0
    } else {
        significant.parse().ok()?
    };
    (n <= max).then_some(n)
}

type LineError = (Option<Method>, Problem);

fn parse_request_line(line: &str) -> Result<(Method, Uri), LineError> {
    let parts: Vec<&str> = line.split(' ').collect();
    let method = parts
        .first()
        .filter(|m| is_token(m))
        .map(|m| Method::from_token(m));
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        // RFC 4475 lwsstart, trws, lwsruri: extra or missing spaces.
        return Err((
            method,
            Problem::StartLine("need Method SP Request-URI SP SIP-Version"),
        ));
    }
    let method = method.ok_or((None, Problem::StartLine("method is not a token")))?;
    check_version(parts[2]).map_err(|p| (Some(method.clone()), p))?;
    let uri =
        parse_uri(parts[1]).map_err(|why| (Some(method.clone()), Problem::RequestUri(why)))?;
    if uri.sip.as_ref().is_some_and(|s| s.headers.is_some()) {
        // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 escruri).
        return Err((
            Some(method),
            Problem::RequestUri("headers (?...) are not allowed"),
        ));
    }
    Ok((method, uri))
}

fn parse_status_line(line: &str) -> Result<(u16, String), Problem> {
    let (version, rest) = line
        .split_once(' ')
        .ok_or(Problem::StartLine("no status code"))?;
    check_version(version)?;
    // RFC 4475 noreason: "SIP/2.0 100 " has an empty reason; we also take "SIP/2.0 100".
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 {
        return Err(Problem::StatusCode);
    }
    let status = decimal(code, 699)
        .filter(|s| *s >= 100)
        .ok_or(Problem::StatusCode)?;
    if reason.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Problem::StartLine("control character in reason phrase"));
    }
    Ok((status as u16, reason.to_owned()))
}

/// The one Content-Length, if any (`l` already expanded). Two of them cannot frame a message (RFC 4475 mcl01).
fn content_length(headers: &Headers) -> Result<Option<usize>, Problem> {
    let Some(value) = single(headers, "Content-Length")? else {
        return Ok(None);
    };
    let n = decimal(value, usize::MAX as u64).ok_or(Problem::Header {
        header: "Content-Length",
        why: "not a decimal number",
    })?;
    Ok(Some(n as usize))
}

fn single<'a>(headers: &'a Headers, name: &'static str) -> Result<Option<&'a str>, Problem> {
    let mut values = headers.get_all(name);
    let first = values.next();
    if values.next().is_some() {
        return Err(Problem::Duplicate(name));
    }
    Ok(first)
}

fn required<'a>(headers: &'a Headers, name: &'static str) -> Result<&'a str, Problem> {
    single(headers, name)?.ok_or(Problem::Missing(name))
}

fn bad(header: &'static str) -> impl Fn(&'static str) -> Problem {
    move |why| Problem::Header { header, why }
}

/// The strictly parsed headers. Single-valued ones are checked for duplicates before any is parsed, so
/// that RFC 4475 multi01 is reported as what it is.
fn parse_core(headers: &Headers, method: Option<&Method>) -> Result<Core, Problem> {
    for name in [
        "Call-ID",
        "CSeq",
        "From",
        "To",
        "Max-Forwards",
        "Content-Type",
        "Date",
    ] {
        single(headers, name)?;
    }
    let mut via = Vec::new();
    for value in headers.get_all("Via") {
        for part in split_top(value, ',').map_err(bad("Via"))? {
            via.push(parse_via(part.trim()).map_err(bad("Via"))?);
        }
    }
    if via.is_empty() {
        return Err(Problem::Missing("Via"));
    }
    let cseq = parse_cseq(required(headers, "CSeq")?).map_err(bad("CSeq"))?;
    let call_id = required(headers, "Call-ID")?;
    if !is_call_id(call_id) {
        return Err(bad("Call-ID")("not word[@word]"));
    }
    let from = parse_name_addr(required(headers, "From")?).map_err(bad("From"))?;
    let to = parse_name_addr(required(headers, "To")?).map_err(bad("To"))?;
    let max_forwards = match single(headers, "Max-Forwards")? {
        None => None,
        Some(v) => {
            Some(decimal(v, 255).ok_or(bad("Max-Forwards")("not a number up to 255"))? as u8)
        }
    };
    let mut contact = Vec::new();
    for value in headers.get_all("Contact") {
        if value == "*" {
            contact.push(None);
            continue;
        }
        for part in split_top(value, ',').map_err(bad("Contact"))? {
            contact.push(Some(parse_name_addr(part).map_err(bad("Contact"))?));
        }
    }
    let mut record_route = Vec::new();
    for name in ["Route", "Record-Route"] {
        for value in headers.get_all(name) {
            let why = match name {
                "Route" => bad("Route"),
                _ => bad("Record-Route"),
            };
            for part in split_top(value, ',').map_err(&why)? {
                let addr = parse_name_addr(part).map_err(&why)?;
                if addr.display.is_none() && !part.trim_start().starts_with('<') {
                    return Err(why("route values must be in <>"));
                }
                if name == "Record-Route" {
                    record_route.push(RouteValue {
                        text: part.trim().to_owned(),
                        addr,
                    });
                }
            }
        }
    }
    let content_type = match single(headers, "Content-Type")? {
        None => None,
        Some(v) => Some(parse_media_type(v).map_err(bad("Content-Type"))?),
    };
    if let Some(date) = single(headers, "Date")?
        && !is_sip_date(date)
    {
        // RFC 4475 baddate: RFC 3261 §20.17 allows only "GMT".
        return Err(bad("Date")("not an RFC 1123 date in GMT"));
    }
    let mut require = Vec::new();
    for name in ["Require", "Proxy-Require", "Supported", "Unsupported"] {
        for value in headers.get_all(name) {
            let tags = option_tags(value).ok_or(Problem::Header {
                header: match name {
                    "Require" => "Require",
                    "Proxy-Require" => "Proxy-Require",
                    "Supported" => "Supported",
                    _ => "Unsupported",
                },
                why: "not a list of option tags",
            })?;
            if name == "Require" {
                require.extend(tags);
            }
        }
    }
    if let Some(method) = method
        && *method != cseq.method
    {
        return Err(Problem::CSeqMismatch {
            method: method.to_string(),
            cseq: cseq.method.to_string(),
        });
    }
    Ok(Core {
        via,
        cseq,
        call_id: call_id.to_owned(),
        from,
        to,
        max_forwards,
        contact,
        content_type,
        require,
        record_route,
    })
}

/// Option tags: a comma-separated list of tokens; an empty header is an empty list (`Supported:`).
fn option_tags(value: &str) -> Option<Vec<String>> {
    if value.is_empty() {
        return Some(Vec::new());
    }
    value
        .split(',')
        .map(|t| {
            let t = t.trim_matches([' ', '\t']);
            is_token(t).then(|| t.to_owned())
        })
        .collect()
}

/// Splits on `sep` outside quoted strings and `<...>`; an unterminated quote is an error.
fn split_top(s: &str, sep: char) -> Result<Vec<&str>, &'static str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped, mut angle) = (0, false, false, false);
    for (i, c) in s.char_indices() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '<' => angle = true,
            '>' => angle = false,
            c if c == sep && !angle => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if quoted {
        return Err("unterminated quoted string");
    }
    parts.push(&s[start..]);
    Ok(parts)
}

/// A quoted string at the start of `s`: its content unescaped, and what follows the closing quote.
fn parse_quoted(s: &str) -> Result<(String, &str), &'static str> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                // quoted-pair: any ASCII but CR and LF (RFC 4475 intmeth escapes NUL, BEL and DEL).
                let (_, n) = chars.next().ok_or("unterminated quoted string")?;
                if !n.is_ascii() || n == '\r' || n == '\n' {
                    return Err("bad escape in quoted string");
                }
                out.push(n);
            }
            '"' => return Ok((out, &s[i + 1..])),
            c if c.is_control() && c != '\t' => return Err("control character in quoted string"),
            c => out.push(c),
        }
    }
    Err("unterminated quoted string")
}

/// `;name[=value]` parameters (SWS allowed around `;` and `=`); `s` is empty or starts with `;`.
fn parse_params(s: &str) -> Result<Vec<Param>, &'static str> {
    let s = s.trim_matches([' ', '\t']);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    if !s.starts_with(';') {
        return Err("unexpected text before parameters");
    }
    let mut params = Vec::new();
    for part in split_top(&s[1..], ';')? {
        let part = part.trim_matches([' ', '\t']);
        if part.is_empty() {
            // RFC 4475 badinv01: ";;".
            return Err("empty parameter");
        }
        let (name, value) = match part.split_once('=') {
            Some((n, v)) => (
                n.trim_end_matches([' ', '\t']),
                Some(v.trim_start_matches([' ', '\t'])),
            ),
            None => (part, None),
        };
        if !is_token(name) {
            return Err("parameter name is not a token");
        }
        if let Some(v) = value {
            let ok = if v.starts_with('"') {
                parse_quoted(v)?.1.is_empty()
            } else {
                !v.is_empty() && v.bytes().all(|b| is_token_byte(b) || b"[]:".contains(&b))
            };
            if !ok {
                return Err("parameter value is not a token, host or quoted string");
            }
        }
        params.push(Param {
            name: name.to_owned(),
            value: value.map(str::to_owned),
        });
    }
    Ok(params)
}

/// `host [":" port]` with no whitespace inside the host or port.
fn parse_hostport(s: &str) -> Result<(String, Option<u16>), &'static str> {
    let (host, rest) = if s.starts_with('[') {
        let close = s.find(']').ok_or("unterminated IPv6 reference")?;
        let inner = &s[1..close];
        if inner.is_empty()
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("malformed IPv6 reference");
        }
        (&s[..=close], &s[close + 1..])
    } else {
        let end = s.find(':').unwrap_or(s.len());
        let host = s[..end].trim_end_matches([' ', '\t']);
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return Err("malformed host");
        }
        (host, &s[end..])
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return Ok((host.to_owned(), None));
    }
    let port = rest
        .strip_prefix(':')
        .ok_or("text after host")?
        .trim_start_matches([' ', '\t']);
    if port.len() > 5 {
        return Err("malformed port");
    }
    let port = decimal(port, 65535).ok_or("malformed port")?;
    Ok((host.to_owned(), Some(port as u16)))
}

fn parse_via(v: &str) -> Result<Via, &'static str> {
    let (protocol, params) = v.split_at(v.find(';').unwrap_or(v.len()));
    let mut slashes = protocol.splitn(3, '/');
    let name = slashes.next().unwrap_or_default().trim_matches([' ', '\t']);
    let version = slashes
        .next()
        .ok_or("no sent-protocol")?
        .trim_matches([' ', '\t']);
    let rest = slashes
        .next()
        .ok_or("no sent-protocol")?
        .trim_matches([' ', '\t']);
    if !name.eq_ignore_ascii_case("SIP") || version != "2.0" {
        return Err("sent-protocol is not SIP/2.0");
    }
    let gap = rest.find([' ', '\t']).ok_or("no sent-by")?;
    let transport = &rest[..gap];
    if !is_token(transport) {
        return Err("transport is not a token");
    }
    let (host, port) = parse_hostport(rest[gap..].trim_matches([' ', '\t']))?;
    Ok(Via {
        transport: transport.to_ascii_uppercase(),
        host,
        port,
        params: parse_params(params)?,
    })
}

fn parse_cseq(v: &str) -> Result<CSeq, &'static str> {
    let gap = v.find([' ', '\t']).ok_or("no method")?;
    let seq =
        decimal(&v[..gap], (1 << 31) - 1).ok_or("sequence number is not a number below 2^31")?;
    let method = v[gap..].trim_start_matches([' ', '\t']);
    if !is_token(method) {
        return Err("method is not a token");
    }
    Ok(CSeq {
        seq: seq as u32,
        method: Method::from_token(method),
    })
}

/// `callid = word [ "@" word ]` (RFC 3261 §25.1).
fn is_call_id(s: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| is_token_byte(b) || b"()<>:\\\"/[]?{}".contains(&b))
    };
    match s.split_once('@') {
        Some((a, b)) => word(a) && word(b),
        None => word(s),
    }
}

/// `type/subtype *(;param)`, returned lower-cased without the parameters.
fn parse_media_type(v: &str) -> Result<String, &'static str> {
    let (mime, params) = v.split_at(v.find(';').unwrap_or(v.len()));
    let (t, s) = mime.split_once('/').ok_or("no type/subtype")?;
    let (t, s) = (t.trim_matches([' ', '\t']), s.trim_matches([' ', '\t']));
    if !is_token(t) || !is_token(s) {
        return Err("type or subtype is not a token");
    }
    parse_params(params)?;
    Ok(format!(
        "{}/{}",
        t.to_ascii_lowercase(),
        s.to_ascii_lowercase()
    ))
}

/// `wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"`.
fn is_sip_date(s: &str) -> bool {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 29
        && s.is_ascii()
        && DAYS.contains(&&s[..3])
        && &s[3..5] == ", "
        && digits(5..7)
        && b[7] == b' '
        && MONTHS.contains(&&s[8..11])
        && b[11] == b' '
        && digits(12..16)
        && b[16] == b' '
        && digits(17..19)
        && b[19] == b':'
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
        && &s[25..] == " GMT"
}

/// Any URI: a `sip:`/`sips:` one parsed strictly, another scheme's checked for characters only.
fn parse_uri(s: &str) -> Result<Uri, &'static str> {
    if s.is_empty() {
        return Err("empty URI");
    }
    if s.chars()
        .any(|c| !c.is_ascii() || c.is_ascii_control() || " <>\"".contains(c))
    {
        return Err("whitespace, <, >, \" or a non-ASCII character in URI");
    }
    let (scheme, rest) = s.split_once(':').ok_or("no scheme")?;
    let mut sb = scheme.bytes();
    if !sb.next().is_some_and(|b| b.is_ascii_alphabetic())
        || !sb.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Err("malformed scheme");
    }
    if rest.is_empty() {
        return Err("nothing after the scheme");
    }
    let scheme = scheme.to_ascii_lowercase();
    let sip = match scheme.as_str() {
        "sip" | "sips" => Some(parse_sip_uri(rest, scheme == "sips")?),
        _ => None,
    };
    Ok(Uri {
        text: s.to_owned(),
        scheme,
        sip,
    })
}

fn all_escaped_or(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 2 >= b.len() || !b[i + 1].is_ascii_hexdigit() || !b[i + 2].is_ascii_hexdigit() {
                return false;
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// RFC 3261 §25.1 `SIP-URI` after the scheme (no whitespace: the caller checked).
fn parse_sip_uri(rest: &str, secure: bool) -> Result<SipUri, &'static str> {
    // '@' cannot appear unescaped after the userinfo, so the first one ends it.
    let (userinfo, hostpart) = match rest.split_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let (mut user, mut password) = (None, None);
    if let Some(userinfo) = userinfo {
        let (u, p) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        if u.is_empty() || !all_escaped_or(u, |b| is_unreserved(b) || b"&=+$,;?/".contains(&b)) {
            return Err("malformed user part");
        }
        if let Some(p) = p
            && !all_escaped_or(p, |b| is_unreserved(b) || b"&=+$,".contains(&b))
        {
            return Err("malformed password");
        }
        user = Some(u.to_owned());
        password = p.map(str::to_owned);
    }
    let (hostport, tail) = hostpart.split_at(hostpart.find([';', '?']).unwrap_or(hostpart.len()));
    let (host, port) = parse_hostport(hostport)?;
    let (params_text, headers) = match tail.split_once('?') {
        Some((p, h)) => (p, Some(h)),
        None => (tail, None),
    };
    let mut params = Vec::new();
    if let Some(p) = params_text.strip_prefix(';') {
        let paramchar = |b: u8| is_unreserved(b) || b"[]/:&+$".contains(&b);
        for part in p.split(';') {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (part, None),
            };
            if name.is_empty() || !all_escaped_or(name, paramchar) {
                return Err("malformed URI parameter");
            }
            if let Some(v) = value
                && (v.is_empty() || !all_escaped_or(v, paramchar))
            {
                return Err("malformed URI parameter value");
            }
            params.push(Param {
                name: name.to_owned(),
                value: value.map(str::to_owned),
            });
        }
    }
    if let Some(h) = headers
        && (h.is_empty() || !all_escaped_or(h, |b| is_unreserved(b) || b"[]/?:+$=&".contains(&b)))
    {
        return Err("malformed URI headers");
    }
    Ok(SipUri {
        secure,
        user,
        password,
        host,
        port,
        params,
        headers: headers.map(str::to_owned),
    })
}

/// `name-addr` (`[display-name] <URI>`) or `addr-spec`, then header parameters.
fn parse_name_addr(s: &str) -> Result<NameAddr, &'static str> {
    let s = s.trim_matches([' ', '\t']);
    let (display, bracketed) = if s.starts_with('"') {
        let (display, rest) = parse_quoted(s)?;
        let rest = rest.trim_start_matches([' ', '\t']);
        if !rest.starts_with('<') {
            return Err("quoted display name not followed by <URI>");
        }
        (Some(display), Some(rest))
    } else {
        match s.find(['<', ';', '"']) {
            Some(i) if s.as_bytes()[i] == b'<' => {
                let display = s[..i].trim_matches([' ', '\t']);
                // RFC 4475 baddn: "Bell, Alexander" needs quotes. (lwsdisp: "caller<sip:...>" is fine.)
                if !display
                    .split([' ', '\t'])
                    .filter(|w| !w.is_empty())
                    .all(is_token)
                {
                    return Err("display name with non-token characters is not quoted");
                }
                (
                    (!display.is_empty())
                        .then(|| display.split_whitespace().collect::<Vec<_>>().join(" ")),
                    Some(&s[i..]),
                )
            }
            _ => (None, None),
        }
    };
    let (uri, params) = match bracketed {
        Some(rest) => {
            let close = rest.find('>').ok_or("no closing >")?;
            let inner = &rest[1..close];
            if inner.contains([' ', '\t']) {
                // RFC 4475 badaspec: "< sip:t.watson@example.org >".
                return Err("whitespace inside <URI>");
            }
            (parse_uri(inner)?, &rest[close + 1..])
        }
        None => {
            let (uri, params) = s.split_at(s.find(';').unwrap_or(s.len()));
            let uri = uri.trim_end_matches([' ', '\t']);
            if uri.contains(['?', ',']) {
                // RFC 3261 §20.10, RFC 4475 regbadct.
                return Err("a URI with ',', ';' or '?' must be enclosed in <>");
            }
            (parse_uri(uri)?, params)
        }
    };
    Ok(NameAddr {
        display,
        uri,
        params: parse_params(params)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(extra: &str) -> Vec<u8> {
        format!(
            "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bKx\r\n\
             From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c1\r\n\
             CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n{extra}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn minimal_request_parses() {
        let Message::Request(r) = parse_datagram(&req("")).unwrap() else {
            panic!("not a request")
        };
        assert_eq!(r.method, Method::Options);
        assert_eq!(r.core.via[0].branch(), Some("z9hG4bKx"));
        assert_eq!(r.core.from.tag(), Some("1"));
        assert_eq!(r.core.max_forwards, Some(70));
    }

    #[test]
    fn ipv6_request_uri_and_via() {
        let text = String::from_utf8(req(""))
            .unwrap()
            .replace("sip:a@example.com SIP", "sip:a@[2001:db8::1]:5070 SIP")
            .replace("h.example.com", "[2001:db8::2]:5060");
        let Message::Request(r) = parse_datagram(text.as_bytes()).unwrap() else {
            panic!("not a request")
        };
        let sip = r.uri.sip.unwrap();
        assert_eq!((sip.host.as_str(), sip.port), ("[2001:db8::1]", Some(5070)));
        assert_eq!(
            (r.core.via[0].host.as_str(), r.core.via[0].port),
            ("[2001:db8::2]", Some(5060))
        );
    }

    #[test]
    fn record_route_values_are_kept_in_order_as_written() {
        let extra = "Record-Route: <sip:p1.example.com;lr>, \"Edge\" <sip:192.0.2.7:5070;lr;transport=udp>;x=1\r\n\
                     Route: <sip:ignored.example.com;lr>\r\nRecord-Route: <sip:192.0.2.9>\r\n";
        let Message::Request(r) = parse_datagram(&req(extra)).unwrap() else {
            panic!("not a request")
        };
        let texts: Vec<&str> = r
            .core
            .record_route
            .iter()
            .map(|v| v.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "<sip:p1.example.com;lr>",
                "\"Edge\" <sip:192.0.2.7:5070;lr;transport=udp>;x=1",
                "<sip:192.0.2.9>"
            ]
        );
        let loose: Vec<bool> = r.core.record_route.iter().map(RouteValue::loose).collect();
        assert_eq!(loose, [true, true, false]);
        let edge = r.core.record_route[1].addr.uri.sip.as_ref().unwrap();
        assert_eq!((edge.host.as_str(), edge.port), ("192.0.2.7", Some(5070)));
        assert!(parse_datagram(&req("")).is_ok_and(|m| m.core().record_route.is_empty()));
    }

    #[test]
    fn bare_lf_is_refused() {
        let text = String::from_utf8(req(""))
            .unwrap()
            .replacen("\r\nFrom", "\nFrom", 1);
        assert_eq!(
            parse_datagram(text.as_bytes()).unwrap_err().problem,
            Problem::BareLineBreak
        );
    }

    #[test]
    fn unsupported_require_tags_are_collected() {
        let Message::Request(r) = parse_datagram(&req("Require: foo, bar\r\n")).unwrap() else {
            panic!()
        };
        assert_eq!(r.core.require, ["foo", "bar"]);
    }

    #[test]
    fn garbage_gets_no_answer() {
        for input in [&b""[..], b"\r\n\r\n", b"\x00\x01\x02", b"hello\r\n\r\n"] {
            let e = parse_datagram(input).unwrap_err();
            assert_eq!(e.status(), None, "{input:?}");
        }
    }

    #[test]
    fn leading_crlf_is_ignored() {
        let mut text = b"\r\n\r\n".to_vec();
        text.extend(req(""));
        assert!(parse_datagram(&text).is_ok());
    }

    #[test]
    fn decimal_bounds() {
        assert_eq!(decimal("0068", 255), Some(68));
        assert_eq!(decimal("256", 255), None);
        assert_eq!(decimal("99999999999999999999999", u64::MAX), None);
        assert_eq!(decimal("-1", 255), None);
        assert_eq!(decimal("", 255), None);
    }

    #[test]
    fn sip_date() {
        assert!(is_sip_date("Sat, 15 Oct 2005 04:44:56 GMT"));
        assert!(!is_sip_date("Fri, 01 Jan 2010 16:00:00 EST"));
        assert!(!is_sip_date("Fri, 01 Jan 2010 16:00:00 UTC"));
        assert!(!is_sip_date("Fri, 01 Jan 2010 16:00:00 GMTé"));
    }
}
