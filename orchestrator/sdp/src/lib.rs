//! # council-sdp
//!
//! SDP offer/answer (RFC 3264 over RFC 4566 session descriptions) for Council's SIP legs, sans-IO: bytes in,
//! bytes and a [`Negotiated`] media description out. Parsing and writing use `sdp-types`; the negotiation is ours.
//!
//! - Codecs are those of [`council_rtp::CODECS`] (PCMU, PCMA, G.729), recognised by `a=rtpmap` (name
//!   case-insensitive, 8000 Hz, mono) or, without one, by their static payload type; plus `telephone-event`
//!   (RFC 4733) when both sides do it. G.729's `annexb` (RFC 4856: default yes) is honoured.
//! - The answer takes the offerer's most preferred codec that we support (RFC 3264 §6.1 lets the answerer keep
//!   the offerer's order), answers only it (and telephone-event), mirrors every `m=` line (other than the one audio
//!   stream we take, rejected with port 0, §6), and answers the direction (`sendonly` ↔ `recvonly`,
//!   `inactive`; `c=0.0.0.0` is the old way to hold, RFC 3264 §8.4).
//! - Nothing acceptable gives [`SdpError::NotAcceptable`] — SIP answers 488; a description that does not parse
//!   gives [`SdpError::Parse`] — 400. [`SdpError::status`] says which.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

pub use council_rtp::Codec;
use sdp_types::{Attribute, Connection, Media, Origin, Session};

/// Sample rate of every codec here (and of telephone-event with them).
const CLOCK_RATE: u32 = 8000;
/// The RTP profile we speak. (`RTP/SAVP` and the like are refused: no SRTP on these legs yet.)
const PROTO: &str = "RTP/AVP";
/// Packet time when the peer does not say (RFC 3551 §4.5 for G.711 and G.729).
pub const DEFAULT_PTIME_MS: u32 = 20;
/// The DTMF events we offer with telephone-event (RFC 4733 §3.2: the 16 DTMF digits).
const DTMF_EVENTS: &str = "0-15";

/// Why a description cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// The body is not a valid session description.
    #[error("malformed SDP: {0}")]
    Parse(String),
    /// The description is valid, but nothing in it can be used: no audio stream, no common codec, a transport
    /// we don't speak, …
    #[error("no acceptable media: {0}")]
    NotAcceptable(String),
}

impl SdpError {
    /// The SIP status to answer an INVITE whose offer failed so: 400 or 488 (Not Acceptable Here, RFC 3261
    /// §21.4.26).
    pub fn status(&self) -> u16 {
        match self {
            SdpError::Parse(_) => 400,
            SdpError::NotAcceptable(_) => 488,
        }
    }
}

/// Media direction from one side's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction the other side has (RFC 3264 §6.1: an offered `sendonly` is answered `recvonly`, …).
    pub fn reversed(self) -> Self {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            d => d,
        }
    }

    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    fn restrict(self, other: Direction) -> Direction {
        match (
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        ) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What our side can do, and where it receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    /// Where we receive RTP (RTCP on `port + 1`).
    pub address: IpAddr,
    pub port: u16,
    /// Codecs we accept, in our order of preference (used when we offer).
    pub codecs: Vec<Codec>,
    /// Whether we take and send RFC 4733 DTMF events.
    pub telephone_event: bool,
    /// The packet time we want to receive.
    pub ptime_ms: u32,
    /// Whether we may send G.729 Annex B SID frames and silence (VAD/DTX).
    pub g729_annexb: bool,
    /// What we want to do: `SendRecv`, or `SendOnly`/`Inactive` to put the peer on hold.
    pub direction: Direction,
}

impl LocalMedia {
    /// A SIP leg's usual capabilities: G.711 first (no transcoding for most phones), then G.729; DTMF; 20 ms;
    /// sendrecv.
    pub fn new(address: IpAddr, port: u16) -> Self {
        Self {
            address,
            port,
            codecs: vec![Codec::Pcmu, Codec::Pcma, Codec::G729],
            telephone_event: true,
            ptime_ms: DEFAULT_PTIME_MS,
            g729_annexb: true,
            direction: Direction::SendRecv,
        }
    }
}

/// The origin line's session id and version (RFC 4566 §5.2): the dialog keeps them and bumps the version with
/// every new description it sends (a re-INVITE for hold, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionVersion {
    pub id: u64,
    pub version: u64,
}

/// The outcome of an offer/answer exchange: how media flows on this leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    pub codec: Codec,
    /// The payload type both sides use for `codec` (the offerer's).
    pub payload_type: u8,
    /// Where to send RTP; `None` when the peer gave no address to send to (held with `c=0.0.0.0`, or a rejected
    /// stream).
    pub remote: Option<SocketAddr>,
    /// Packet time the peer wants to receive: ours to send with.
    pub ptime_ms: u32,
    /// For G.729: whether both sides accept Annex B (SID frames, DTX). False for other codecs.
    pub g729_annexb: bool,
    /// Payload type of telephone-event if both sides do it.
    pub telephone_event: Option<u8>,
    /// What *we* do: send, receive, both or neither.
    pub direction: Direction,
}

/// One usable format of an offered audio stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Codec(Codec, u8),
    TelephoneEvent(u8),
}

fn parse(body: &[u8]) -> Result<Session, SdpError> {
    Session::parse(body).map_err(|e| SdpError::Parse(e.to_string()))
}

/// The formats of `m` that we know, in its order.
fn formats(m: &Media) -> Vec<Format> {
    let rtpmaps: Vec<sdp_types::RtpMap> = m
        .attributes
        .iter()
        .filter(|a| a.attribute == "rtpmap")
        .filter_map(|a| a.value.as_deref()?.parse().ok())
        .collect();
    let mut out = Vec::new();
    for token in m.fmt.split_ascii_whitespace() {
        let Ok(pt) = token.parse::<u8>() else {
            continue;
        };
        if pt > 127 {
            continue;
        }
        match rtpmaps.iter().find(|r| r.payload_type == pt) {
            Some(r) => {
                let mono = r.encoding_params.as_deref().is_none_or(|p| p.trim() == "1");
                if r.clock_rate != CLOCK_RATE || !mono {
                    continue;
                }
                if r.encoding_name.eq_ignore_ascii_case("telephone-event") {
                    out.push(Format::TelephoneEvent(pt));
                } else if let Some(c) = Codec::from_name(&r.encoding_name) {
                    out.push(Format::Codec(c, pt));
                }
            }
            // No rtpmap: only a static payload type says what it is (RFC 3551 table 4).
            None => {
                if let Some(c) = Codec::from_static_pt(pt) {
                    out.push(Format::Codec(c, pt));
                }
            }
        }
    }
    out
}

/// The `a=fmtp` parameters of payload type `pt`, as `name=value` pairs.
fn fmtp(m: &Media, pt: u8) -> Vec<(String, String)> {
    let prefix = format!("{pt} ");
    m.attributes
        .iter()
        .filter(|a| a.attribute == "fmtp")
        .filter_map(|a| a.value.as_deref()?.strip_prefix(&prefix))
        .flat_map(|params| params.split(';'))
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        })
        .collect()
}

/// RFC 4856: `annexb=no` turns Annex B off; absent means on.
fn annexb(m: &Media, pt: u8) -> bool {
    !fmtp(m, pt).iter().any(|(k, v)| k == "annexb" && v == "no")
}

fn direction_of(session: &Session, m: &Media) -> Direction {
    let from = |attrs: &[Attribute]| {
        attrs.iter().rev().find_map(|a| match a.attribute.as_str() {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        })
    };
    from(&m.attributes)
        .or_else(|| from(&session.attributes))
        .unwrap_or(Direction::SendRecv)
}

fn ptime_of(session: &Session, m: &Media) -> u32 {
    let from = |attrs: &[Attribute]| {
        attrs
            .iter()
            .find(|a| a.attribute == "ptime")
            .and_then(|a| a.value.as_deref()?.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite() && *p >= 1.0 && *p <= 1000.0)
            .map(|p| p.round() as u32)
    };
    // Packets of whole 10 ms frames (G.729's frame; G.711 packs any multiple), 10 to 200 ms: an odd or extreme
    // ptime is honoured as nearly as those allow.
    let ms = from(&m.attributes)
        .or_else(|| from(&session.attributes))
        .unwrap_or(DEFAULT_PTIME_MS);
    (ms.div_ceil(10) * 10).clamp(MIN_PTIME_MS, MAX_PTIME_MS)
}

/// The packet times we send with, at least and at most.
pub const MIN_PTIME_MS: u32 = 10;
pub const MAX_PTIME_MS: u32 = 200;

/// The address the peer receives this stream on; `Ok(None)` for the hold address 0.0.0.0 (or ::).
fn address_of(session: &Session, m: &Media) -> Result<Option<IpAddr>, SdpError> {
    let c = m
        .connections
        .first()
        .or(session.connection.as_ref())
        .ok_or_else(|| SdpError::Parse("no c= line for the audio stream".into()))?;
    let ip = c
        .try_address()
        .map_err(|e| SdpError::Parse(format!("bad connection address: {e}")))?
        .ip;
    if ip.is_multicast() {
        return Err(SdpError::NotAcceptable(
            "multicast streams are not supported".into(),
        ));
    }
    Ok((!ip.is_unspecified()).then_some(ip))
}

/// Whether `m` is an audio stream over plain RTP that is not rejected.
fn usable_audio(m: &Media) -> bool {
    m.media == "audio" && m.port != 0 && m.proto.eq_ignore_ascii_case(PROTO)
}

fn origin(local: &LocalMedia, version: SessionVersion) -> Origin {
    Origin {
        username: Some("council".into()),
        sess_id: version.id.to_string(),
        sess_version: version.version,
        nettype: sdp_types::NetType::In,
        addrtype: addr_type(local.address),
        unicast_address: local.address.to_string(),
    }
}

fn addr_type(ip: IpAddr) -> sdp_types::AddrType {
    if ip.is_ipv4() {
        sdp_types::AddrType::Ip4
    } else {
        sdp_types::AddrType::Ip6
    }
}

fn session(local: &LocalMedia, version: SessionVersion, media: Vec<Media>) -> Session {
    Session {
        origin: origin(local, version),
        session_name: "Council".into(),
        session_description: None,
        uri: None,
        emails: Vec::new(),
        phones: Vec::new(),
        connection: Some(Connection::from_ip_addr(local.address)),
        bandwidths: Vec::new(),
        times: vec![sdp_types::Time::new(0, 0)],
        time_zones: Vec::new(),
        key: None,
        attributes: Vec::new(),
        medias: media,
    }
}

fn write(s: &Session) -> String {
    let mut out = Vec::new();
    s.write(&mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("sdp-types writes the UTF-8 it was given")
}

/// Our audio `m=` line with `codecs` (each with its PT) and telephone-event.
fn audio_media(
    local: &LocalMedia,
    codecs: &[(Codec, u8)],
    telephone_event: Option<u8>,
    annexb: bool,
    direction: Direction,
) -> Media {
    let mut pts: Vec<String> = codecs.iter().map(|(_, pt)| pt.to_string()).collect();
    pts.extend(telephone_event.map(|pt| pt.to_string()));
    let mut m = Media {
        media: "audio".into(),
        port: local.port,
        num_ports: None,
        proto: PROTO.into(),
        fmt: pts.join(" "),
        media_title: None,
        connections: Vec::new(),
        bandwidths: Vec::new(),
        key: None,
        attributes: Vec::new(),
    };
    for &(codec, pt) in codecs {
        m.add_attribute_with_value("rtpmap", format!("{pt} {}/{CLOCK_RATE}", codec.name()));
        if codec == Codec::G729 && !annexb {
            m.add_attribute_with_value("fmtp", format!("{pt} annexb=no"));
        }
    }
    if let Some(pt) = telephone_event {
        m.add_attribute_with_value("rtpmap", format!("{pt} telephone-event/{CLOCK_RATE}"));
        m.add_attribute_with_value("fmtp", format!("{pt} {DTMF_EVENTS}"));
    }
    m.add_attribute_with_value("ptime", local.ptime_ms);
    m.add_attribute_from_str(direction.as_str());
    m
}

/// A rejected copy of an offered `m=` line (RFC 3264 §6: port 0, same formats).
fn rejected(m: &Media) -> Media {
    Media {
        media: m.media.clone(),
        port: 0,
        num_ports: None,
        proto: m.proto.clone(),
        fmt: m.fmt.clone(),
        media_title: None,
        connections: Vec::new(),
        bandwidths: Vec::new(),
        key: None,
        attributes: Vec::new(),
    }
}

/// The first dynamic payload type (96–127) not used by `taken`.
fn free_dynamic_pt(taken: &[u8]) -> u8 {
    (96..=127).find(|pt| !taken.contains(pt)).unwrap_or(101)
}

/// Makes our offer: every codec of `local` with its static payload type, telephone-event on a dynamic one.
pub fn offer(local: &LocalMedia, version: SessionVersion) -> String {
    let codecs: Vec<(Codec, u8)> = local
        .codecs
        .iter()
        .map(|&c| (c, c.info().static_pt))
        .collect();
    let te = local.telephone_event.then(|| {
        let taken: Vec<u8> = codecs.iter().map(|(_, pt)| *pt).collect();
        free_dynamic_pt(&taken)
    });
    let m = audio_media(local, &codecs, te, local.g729_annexb, local.direction);
    write(&session(local, version, vec![m]))
}

/// Answers the `offer` body: the SDP text to send and how media will flow. On `Err`, answer the INVITE with
/// [`SdpError::status`].
pub fn answer(
    offer: &[u8],
    local: &LocalMedia,
    version: SessionVersion,
) -> Result<(String, Negotiated), SdpError> {
    let remote = parse(offer)?;
    let mut chosen: Option<(usize, Negotiated)> = None;
    let mut why = "the offer has no audio stream over RTP/AVP".to_owned();
    for (i, m) in remote.medias.iter().enumerate() {
        if !usable_audio(m) {
            continue;
        }
        let formats = formats(m);
        let Some((codec, pt)) = formats.iter().find_map(|f| match *f {
            Format::Codec(c, pt) if local.codecs.contains(&c) => Some((c, pt)),
            _ => None,
        }) else {
            why = format!(
                "no codec in common: offered {:?}, we take {:?}",
                m.fmt, local.codecs
            );
            continue;
        };
        let telephone_event = if local.telephone_event {
            formats.iter().find_map(|f| match *f {
                Format::TelephoneEvent(pt) => Some(pt),
                _ => None,
            })
        } else {
            None
        };
        let ip = address_of(&remote, m)?;
        let offered = direction_of(&remote, m);
        // The offerer's direction seen from our side, limited by what we want; a held peer (0.0.0.0) cannot be
        // sent to.
        let mut direction = offered.reversed().restrict(local.direction);
        if ip.is_none() && direction.sends() {
            direction = direction.restrict(Direction::RecvOnly);
        }
        chosen = Some((
            i,
            Negotiated {
                codec,
                payload_type: pt,
                remote: ip.map(|ip| SocketAddr::new(ip, m.port)),
                ptime_ms: ptime_of(&remote, m),
                g729_annexb: codec == Codec::G729 && local.g729_annexb && annexb(m, pt),
                telephone_event,
                direction,
            },
        ));
        break;
    }
    let Some((index, negotiated)) = chosen else {
        return Err(SdpError::NotAcceptable(why));
    };
    let medias = remote
        .medias
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if i == index {
                audio_media(
                    local,
                    &[(negotiated.codec, negotiated.payload_type)],
                    negotiated.telephone_event,
                    negotiated.g729_annexb || negotiated.codec != Codec::G729,
                    negotiated.direction,
                )
            } else {
                rejected(m)
            }
        })
        .collect();
    Ok((write(&session(local, version, medias)), negotiated))
}

/// Reads the answer to an offer we made with `local`: which of our codecs the peer took and where to send.
pub fn accept_answer(answer: &[u8], local: &LocalMedia) -> Result<Negotiated, SdpError> {
    let remote = parse(answer)?;
    let m = remote
        .medias
        .iter()
        .find(|m| usable_audio(m))
        .ok_or_else(|| SdpError::NotAcceptable("the answer rejected the audio stream".into()))?;
    let formats = formats(m);
    let (codec, pt) = formats
        .iter()
        .find_map(|f| match *f {
            Format::Codec(c, pt) if local.codecs.contains(&c) => Some((c, pt)),
            _ => None,
        })
        .ok_or_else(|| {
            SdpError::NotAcceptable(format!("the answer has none of our codecs: {:?}", m.fmt))
        })?;
    let ip = address_of(&remote, m)?;
    let mut direction = direction_of(&remote, m)
        .reversed()
        .restrict(local.direction);
    if ip.is_none() && direction.sends() {
        direction = direction.restrict(Direction::RecvOnly);
    }
    Ok(Negotiated {
        codec,
        payload_type: pt,
        remote: ip.map(|ip| SocketAddr::new(ip, m.port)),
        ptime_ms: ptime_of(&remote, m),
        g729_annexb: codec == Codec::G729 && local.g729_annexb && annexb(m, pt),
        telephone_event: if local.telephone_event {
            formats.iter().find_map(|f| match *f {
                Format::TelephoneEvent(pt) => Some(pt),
                _ => None,
            })
        } else {
            None
        },
        direction,
    })
}
