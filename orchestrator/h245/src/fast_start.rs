//! Fast Start (H.323 §8.1.7): media channels opened inside call signalling, without an H.245 round trip.
//!
//! The caller puts a list of OpenLogicalChannel *proposals* in Setup's `fastStart`, in order of preference:
//! - a **forward** proposal per codec it can send — `forwardLogicalChannelParameters` carry the codec and, in
//!   `h2250LogicalChannelParameters`, the caller's RTCP address (`mediaControlChannel`) for reports about that
//!   stream; the callee's RTP address is what the answer fills in;
//! - a **reverse** proposal per codec it can receive — `forwardLogicalChannelParameters` are `nullData` with
//!   multiplex parameters `none`, and `reverseLogicalChannelParameters` carry the codec and the caller's RTP
//!   (`mediaChannel`) and RTCP (`mediaControlChannel`) addresses.
//!
//! The callee accepts at most one proposal each way by returning those OpenLogicalChannels in its own
//! `fastStart` (CallProceeding, Alerting or Connect) — with the same logical channel numbers and data types, and
//! its own addresses filled in: for the forward channel its RTP and RTCP, for the reverse channel its RTCP.
//! (The callee may number the reverse channel itself; we keep the caller's number, which is unique.)

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use council_rtp::Codec;
use rasn::prelude::*;

use crate::H245Error;
use crate::asn::{
    AudioCapability, DataType, ForwardLogicalChannelParameters, ForwardMultiplexParameters,
    H2250LogicalChannelParameters, Ip6Address, IpAddress, OpenLogicalChannel,
    ReverseLogicalChannelParameters, ReverseMultiplexParameters, TransportAddress, UnicastAddress,
};

/// RTP session of audio (H.225.0: 1 audio, 2 video, 3 data).
pub const AUDIO_SESSION: u8 = 1;
/// What we offer per packet: 20 ms, as G.711 "frames" (H.323 terminals count 1 ms as one).
pub const G711_FRAMES_PER_PACKET: u16 = 20;
/// What we offer per packet: 20 ms, as G.729 frames (10 ms each).
pub const G729_FRAMES_PER_PACKET: u16 = 2;

/// Which way a channel's media flows, seen from the endpoint that proposed it (the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The proposer sends (the codec is in `forwardLogicalChannelParameters`).
    Forward,
    /// The proposer receives (the codec is in `reverseLogicalChannelParameters`).
    Reverse,
}

/// What one Fast Start element says (see [`parse_fast_start`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// `forwardLogicalChannelNumber`: how the answer refers to this proposal.
    pub logical_channel_number: u16,
    pub direction: Direction,
    /// The audio, as H.245 says it; `None` for video, data or a non-standard type.
    pub audio: Option<AudioCapability>,
    /// The codec of `audio`, if it is one of ours (any of the four G.729 variants is [`Codec::G729`]).
    pub codec: Option<Codec>,
    /// Frames per packet of `audio` (for G.711: milliseconds, as terminals use it).
    pub frames_per_packet: Option<u16>,
    pub session_id: Option<u8>,
    /// `mediaChannel`: where this channel's RTP goes.
    pub media: Option<SocketAddr>,
    /// `mediaControlChannel`: where RTCP about this channel goes.
    pub media_control: Option<SocketAddr>,
    pub silence_suppression: Option<bool>,
}

/// One channel the answer opened, from the answerer's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaChannel {
    pub logical_channel_number: u16,
    pub codec: Codec,
    pub frames_per_packet: u16,
    /// For the channel we send: the peer's RTP address. For the channel we receive: `None` (the peer sends
    /// from wherever it likes; symmetric RTP learns it).
    pub remote_rtp: Option<SocketAddr>,
    /// The peer's RTCP address for reports about this channel, if it gave one.
    pub remote_rtcp: Option<SocketAddr>,
}

/// The media a Fast Start answer agreed, as the answerer (the callee) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastStartMedia {
    /// What we send (the caller's reverse proposal we accepted).
    pub send: Option<MediaChannel>,
    /// What we receive (the caller's forward proposal we accepted).
    pub receive: Option<MediaChannel>,
}

/// The H.245 audio data type we put in proposals for `codec`, with our packetisation.
pub fn audio_capability(codec: Codec) -> AudioCapability {
    match codec {
        Codec::Pcmu => AudioCapability::G711Ulaw64k(G711_FRAMES_PER_PACKET),
        Codec::Pcma => AudioCapability::G711Alaw64k(G711_FRAMES_PER_PACKET),
        // Our encoder writes the Annex A bitstream (which every G.729 decoder reads).
        Codec::G729 => AudioCapability::G729AnnexA(G729_FRAMES_PER_PACKET),
    }
}

/// Our codec and the frames per packet of an H.245 audio type, if it is one of ours.
pub fn codec_of(audio: &AudioCapability) -> Option<(Codec, u16)> {
    match *audio {
        AudioCapability::G711Ulaw64k(n) => Some((Codec::Pcmu, n)),
        AudioCapability::G711Alaw64k(n) => Some((Codec::Pcma, n)),
        AudioCapability::G729(n)
        | AudioCapability::G729AnnexA(n)
        | AudioCapability::G729wAnnexB(n)
        | AudioCapability::G729AnnexAwAnnexB(n) => Some((Codec::G729, n)),
        _ => None,
    }
}

/// The frames per packet of any frame-counted audio type.
fn frames_of(audio: &AudioCapability) -> Option<u16> {
    match *audio {
        AudioCapability::G711Alaw64k(n)
        | AudioCapability::G711Alaw56k(n)
        | AudioCapability::G711Ulaw64k(n)
        | AudioCapability::G711Ulaw56k(n)
        | AudioCapability::G722_64k(n)
        | AudioCapability::G722_56k(n)
        | AudioCapability::G722_48k(n)
        | AudioCapability::G728(n)
        | AudioCapability::G729(n)
        | AudioCapability::G729AnnexA(n)
        | AudioCapability::G729wAnnexB(n)
        | AudioCapability::G729AnnexAwAnnexB(n) => Some(n),
        AudioCapability::G7231(ref g) => Some(g.max_al_sdu_audio_frames),
        _ => None,
    }
}

/// A socket address as an H.245 unicast TransportAddress (`iPAddress`, or `iP6Address` for IPv6).
pub fn transport_address(addr: SocketAddr) -> TransportAddress {
    TransportAddress::UnicastAddress(match addr.ip() {
        IpAddr::V4(ip) => UnicastAddress::IpAddress(IpAddress {
            network: OctetString::from(ip.octets().to_vec()),
            tsap_identifier: addr.port(),
        }),
        IpAddr::V6(ip) => UnicastAddress::Ip6Address(Ip6Address {
            network: OctetString::from(ip.octets().to_vec()),
            tsap_identifier: addr.port(),
        }),
    })
}

/// The socket address of an H.245 TransportAddress, if it is a unicast IPv4 or IPv6 one.
pub fn socket_address(addr: &TransportAddress) -> Option<SocketAddr> {
    match addr {
        TransportAddress::UnicastAddress(UnicastAddress::IpAddress(a)) => {
            let octets: [u8; 4] = a.network.as_ref().try_into().ok()?;
            Some(SocketAddr::new(
                Ipv4Addr::from(octets).into(),
                a.tsap_identifier,
            ))
        }
        TransportAddress::UnicastAddress(UnicastAddress::Ip6Address(a)) => {
            let octets: [u8; 16] = a.network.as_ref().try_into().ok()?;
            Some(SocketAddr::new(
                std::net::Ipv6Addr::from(octets).into(),
                a.tsap_identifier,
            ))
        }
        _ => None,
    }
}

/// Audio-session H.225.0 parameters with the given addresses.
pub fn h2250_parameters(
    media: Option<SocketAddr>,
    media_control: Option<SocketAddr>,
) -> H2250LogicalChannelParameters {
    H2250LogicalChannelParameters {
        non_standard: None,
        session_id: AUDIO_SESSION,
        associated_session_id: None,
        media_channel: media.map(transport_address),
        media_guaranteed_delivery: Some(false),
        media_control_channel: media_control.map(transport_address),
        media_control_guaranteed_delivery: Some(false),
        silence_suppression: Some(false),
        destination: None,
        dynamic_rtp_payload_type: None,
        media_packetization: None,
        transport_capability: None,
        redundancy_encoding: None,
        source: None,
    }
}

/// A forward proposal: we send `audio`; reports about it go to `rtcp`.
pub fn forward_proposal(
    logical_channel_number: u16,
    audio: AudioCapability,
    rtcp: SocketAddr,
) -> OpenLogicalChannel {
    OpenLogicalChannel {
        forward_logical_channel_number: logical_channel_number,
        forward_logical_channel_parameters: ForwardLogicalChannelParameters {
            port_number: None,
            data_type: DataType::AudioData(audio),
            multiplex_parameters: ForwardMultiplexParameters::H2250LogicalChannelParameters(
                h2250_parameters(None, Some(rtcp)),
            ),
            forward_logical_channel_dependency: None,
            replacement_for: None,
        },
        reverse_logical_channel_parameters: None,
        separate_stack: None,
        encryption_sync: None,
    }
}

/// A reverse proposal: we receive `audio` on `rtp`; reports about it go to `rtcp`.
pub fn reverse_proposal(
    logical_channel_number: u16,
    audio: AudioCapability,
    rtp: SocketAddr,
    rtcp: SocketAddr,
) -> OpenLogicalChannel {
    OpenLogicalChannel {
        forward_logical_channel_number: logical_channel_number,
        forward_logical_channel_parameters: ForwardLogicalChannelParameters {
            port_number: None,
            data_type: DataType::NullData(()),
            multiplex_parameters: ForwardMultiplexParameters::None(()),
            forward_logical_channel_dependency: None,
            replacement_for: None,
        },
        reverse_logical_channel_parameters: Some(ReverseLogicalChannelParameters {
            data_type: DataType::AudioData(audio),
            multiplex_parameters: Some(ReverseMultiplexParameters::H2250LogicalChannelParameters(
                h2250_parameters(Some(rtp), Some(rtcp)),
            )),
            reverse_logical_channel_dependency: None,
            replacement_for: None,
        }),
        separate_stack: None,
        encryption_sync: None,
    }
}

/// The Fast Start elements of a caller's offer (Setup): for each codec, in order of preference, a forward
/// proposal (we send it; our RTCP) and a reverse proposal (we receive it on `rtp`; our RTCP). Logical channel
/// numbers count up from `first_lcn` (1 if 0), one per element.
pub fn fast_start_offer(
    codecs: &[Codec],
    rtp: SocketAddr,
    rtcp: SocketAddr,
    first_lcn: u16,
) -> Vec<Vec<u8>> {
    let mut lcn = first_lcn.max(1);
    let mut next = || {
        let this = lcn;
        lcn = lcn.checked_add(1).unwrap_or(1);
        this
    };
    let mut out = Vec::with_capacity(codecs.len() * 2);
    for &codec in codecs {
        out.push(encode_ours(&forward_proposal(
            next(),
            audio_capability(codec),
            rtcp,
        )));
        out.push(encode_ours(&reverse_proposal(
            next(),
            audio_capability(codec),
            rtp,
            rtcp,
        )));
    }
    out
}

/// What one OpenLogicalChannel proposes.
pub fn proposal(olc: &OpenLogicalChannel) -> Proposal {
    let forward = &olc.forward_logical_channel_parameters;
    let (direction, data_type, h2250) = match &olc.reverse_logical_channel_parameters {
        // A reverse proposal has nullData forward; anything else with reverse parameters is bidirectional,
        // which Fast Start audio does not use: we report its forward half.
        Some(reverse) if forward.data_type == DataType::NullData(()) => {
            let h2250 = match &reverse.multiplex_parameters {
                Some(ReverseMultiplexParameters::H2250LogicalChannelParameters(p)) => Some(p),
                _ => None,
            };
            (Direction::Reverse, &reverse.data_type, h2250)
        }
        _ => {
            let h2250 = match &forward.multiplex_parameters {
                ForwardMultiplexParameters::H2250LogicalChannelParameters(p) => Some(p),
                _ => None,
            };
            (Direction::Forward, &forward.data_type, h2250)
        }
    };
    let audio = match data_type {
        DataType::AudioData(a) => Some(a.clone()),
        _ => None,
    };
    Proposal {
        logical_channel_number: olc.forward_logical_channel_number,
        direction,
        codec: audio.as_ref().and_then(codec_of).map(|(c, _)| c),
        frames_per_packet: audio.as_ref().and_then(frames_of),
        audio,
        session_id: h2250.map(|p| p.session_id),
        media: h2250
            .and_then(|p| p.media_channel.as_ref())
            .and_then(socket_address),
        media_control: h2250
            .and_then(|p| p.media_control_channel.as_ref())
            .and_then(socket_address),
        silence_suppression: h2250.and_then(|p| p.silence_suppression),
    }
}

/// What each Fast Start element proposes, in order; elements that are not a valid OpenLogicalChannel are left
/// out (a peer's garbage must not stop the call from using the rest).
pub fn parse_fast_start(elements: &[Vec<u8>]) -> Vec<Proposal> {
    elements
        .iter()
        .filter_map(|e| crate::decode_olc(e).ok())
        .map(|olc| proposal(&olc))
        .collect()
}

/// The callee's answer to a Fast Start offer: accepts, in the caller's order of preference, the first forward
/// proposal (we receive it on `rtp`, our RTCP on `rtcp`) and the first reverse proposal (we send it to the
/// caller's RTP) whose codec is in `supported` — preferring the same codec both ways — and returns the accepted
/// OpenLogicalChannels, encoded, for our own `fastStart`, with the media they agreed.
pub fn fast_start_answer(
    offered: &[Vec<u8>],
    supported: &[Codec],
    rtp: SocketAddr,
    rtcp: SocketAddr,
) -> Result<(Vec<Vec<u8>>, FastStartMedia), H245Error> {
    // A reverse proposal without the caller's RTP address cannot be sent to; a frame count of 0 is impossible.
    let usable = |olc: &OpenLogicalChannel, direction: Direction| {
        let p = proposal(olc);
        let ok = p.direction == direction
            && p.codec.is_some_and(|c| supported.contains(&c))
            && p.frames_per_packet.is_some()
            && (direction == Direction::Forward || p.media.is_some());
        ok.then_some(p)
    };
    let olcs: Vec<OpenLogicalChannel> = offered
        .iter()
        .filter_map(|e| crate::decode_olc(e).ok())
        .collect();

    let receive = olcs
        .iter()
        .find_map(|o| usable(o, Direction::Forward).map(|p| (o, p)));
    let receive_codec = receive.as_ref().and_then(|(_, p)| p.codec);
    let send = olcs
        .iter()
        .find_map(|o| {
            usable(o, Direction::Reverse)
                .filter(|p| p.codec == receive_codec)
                .map(|p| (o, p))
        })
        .or_else(|| {
            olcs.iter()
                .find_map(|o| usable(o, Direction::Reverse).map(|p| (o, p)))
        });
    if receive.is_none() && send.is_none() {
        return Err(H245Error::NoCommonCodec);
    }

    let mut accepted = Vec::with_capacity(2);
    let mut media = FastStartMedia {
        send: None,
        receive: None,
    };
    if let Some((olc, p)) = receive {
        let mut olc = olc.clone();
        olc.forward_logical_channel_parameters.multiplex_parameters =
            ForwardMultiplexParameters::H2250LogicalChannelParameters(answer_h2250(
                &olc.forward_logical_channel_parameters.multiplex_parameters,
                Some(rtp),
                Some(rtcp),
            ));
        accepted.push(crate::encode_olc(&olc)?);
        media.receive = channel(&p, None);
    }
    if let Some((olc, p)) = send {
        let mut olc = olc.clone();
        if let Some(reverse) = olc.reverse_logical_channel_parameters.as_mut() {
            let mut h2250 = match reverse.multiplex_parameters.take() {
                Some(ReverseMultiplexParameters::H2250LogicalChannelParameters(h)) => h,
                _ => h2250_parameters(None, None),
            };
            // The caller's RTP address stays (it is where we send); RTCP about our stream comes to us.
            h2250.media_control_channel = Some(transport_address(rtcp));
            reverse.multiplex_parameters = Some(
                ReverseMultiplexParameters::H2250LogicalChannelParameters(h2250),
            );
        }
        accepted.push(crate::encode_olc(&olc)?);
        media.send = channel(&p, p.media);
    }
    Ok((accepted, media))
}

/// The caller's reading of the callee's Fast Start answer (the `fastStart` of CallProceeding, Alerting or
/// Connect): the first accepted forward channel with a codec of ours and the callee's RTP address is what we
/// send, the first accepted reverse channel with a codec of ours is what we receive. Elements that do not decode
/// are left out; `None` where the callee accepted nothing usable that way.
pub fn fast_start_accepted(answer: &[Vec<u8>]) -> FastStartMedia {
    let proposals = parse_fast_start(answer);
    let first = |direction: Direction| {
        proposals
            .iter()
            .filter(|p| p.direction == direction)
            .filter(|p| direction == Direction::Reverse || p.media.is_some())
            .find_map(|p| {
                channel(
                    p,
                    if direction == Direction::Forward {
                        p.media
                    } else {
                        None
                    },
                )
            })
    };
    FastStartMedia {
        send: first(Direction::Forward),
        receive: first(Direction::Reverse),
    }
}

/// The caller's H.225.0 parameters of a forward proposal, with our addresses filled in.
fn answer_h2250(
    offered: &ForwardMultiplexParameters,
    media: Option<SocketAddr>,
    media_control: Option<SocketAddr>,
) -> H2250LogicalChannelParameters {
    let mut h2250 = match offered {
        ForwardMultiplexParameters::H2250LogicalChannelParameters(h) => h.clone(),
        _ => h2250_parameters(None, None),
    };
    h2250.media_channel = media.map(transport_address);
    h2250.media_control_channel = media_control.map(transport_address);
    h2250
}

/// Encodes an OpenLogicalChannel this module built: every value in it is within its constraints (channel
/// numbers are never 0, frame counts are our constants), so encoding cannot fail.
fn encode_ours(olc: &OpenLogicalChannel) -> Vec<u8> {
    crate::encode_olc(olc).expect("our proposals satisfy every constraint of OpenLogicalChannel")
}

fn channel(p: &Proposal, remote_rtp: Option<SocketAddr>) -> Option<MediaChannel> {
    Some(MediaChannel {
        logical_channel_number: p.logical_channel_number,
        codec: p.codec?,
        frames_per_packet: p.frames_per_packet?,
        remote_rtp,
        remote_rtcp: p.media_control,
    })
}
