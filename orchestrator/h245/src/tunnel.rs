//! H.245 tunnelled in H.225.0 (H.323 §8.2.1): the minimum a peer insists on — each side sends its
//! TerminalCapabilitySet and MasterSlaveDetermination, acknowledges the other's, and ends with EndSessionCommand.
//! Sans-IO: encoded messages in (from a received `h245Control`), encoded messages out (for the next one sent).
//!
//! For a call without Fast Start, [`Tunnel::open_channels`] makes it open the audio channels over H.245 too
//! (H.245 §8.4, H.323 §8.1.3): once it knows the peer's capabilities and master/slave is decided, the master
//! opens its transmit channel (OpenLogicalChannel: the codec, our RTCP address) in the first codec of the peer's
//! capability table that it has too, and the slave follows in the same codec (one codec both ways, as the media legs carry); each
//! acknowledges the other's channel with the address it receives RTP on (OpenLogicalChannelAck), and once ours
//! is acknowledged [`Tunnel::channel_media`] has what the media needs.

use std::net::SocketAddr;

use council_rtp::Codec;

use crate::asn::{
    Capability, CommandMessage, Decision, ForwardMultiplexAckParameters,
    MultimediaSystemControlMessage as Msg, OpenLogicalChannelRejectCause, RequestMessage,
    ResponseMessage,
};
use crate::fast_start::{Direction, audio_capability, codec_of, forward_proposal, proposal};
use crate::messages::{
    close_logical_channel_ack, end_session_command, master_slave_determination,
    master_slave_determination_ack, open_logical_channel_ack, open_logical_channel_reject,
    round_trip_delay_response, terminal_capability_set, terminal_capability_set_ack,
};

/// The logical channel number of the audio channel we open (ours to choose, 1..=65535).
const OUR_AUDIO_CHANNEL: u16 = 101;

/// The audio a call's channels opened over H.245 agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelMedia {
    /// What we send (the codec of our channel; a channel of the peer's in another codec is refused).
    pub codec: Codec,
    /// Where the peer receives our RTP (its OpenLogicalChannelAck).
    pub remote_rtp: SocketAddr,
}

/// Our side of channels opened over H.245 ([`Tunnel::open_channels`]).
#[derive(Debug, Clone)]
struct Channels {
    /// Where we receive RTP and RTCP.
    rtp: SocketAddr,
    rtcp: SocketAddr,
    /// The codec of the channel we opened, once opened.
    outgoing: Option<Codec>,
    /// The codec of the peer's channel to us, once it opened it.
    incoming: Option<Codec>,
    /// The peer acknowledged our channel.
    media: Option<ChannelMedia>,
    /// [`Tunnel::take_channel_media`] has given it out.
    media_taken: bool,
}

/// H.323 Table 1 terminal types for master/slave determination: a terminal (50), an MC with MP — what Council is
/// to its guardians (190).
pub const TERMINAL: u8 = 50;
pub const MCU: u8 = 190;

/// One side of a tunnelled H.245 session.
#[derive(Debug, Clone)]
pub struct Tunnel {
    codecs: Vec<Codec>,
    terminal_type: u8,
    status_determination_number: u32,
    /// What we learnt: the peer acknowledged our capabilities / decided master-slave / ended.
    pub peer_acked_capabilities: bool,
    pub we_are_master: Option<bool>,
    pub ended: bool,
    /// The codecs the peer can receive (its TerminalCapabilitySet), once known.
    peer_codecs: Option<Vec<Codec>>,
    /// `None`: channels are not opened over H.245 (Fast Start, or none).
    channels: Option<Channels>,
}

impl Tunnel {
    pub fn new(codecs: &[Codec], terminal_type: u8, status_determination_number: u32) -> Self {
        Self {
            codecs: codecs.to_vec(),
            terminal_type,
            status_determination_number: status_determination_number & 0x00ff_ffff,
            peer_acked_capabilities: false,
            we_are_master: None,
            ended: false,
            peer_codecs: None,
            channels: None,
        }
    }

    /// Opens the audio channels over H.245 (a call without Fast Start): we receive RTP on `rtp`, RTCP on `rtcp`.
    /// Returns what to send now, if anything (our OpenLogicalChannel, when the exchange is far enough already).
    pub fn open_channels(&mut self, rtp: SocketAddr, rtcp: SocketAddr) -> Vec<Vec<u8>> {
        self.channels = Some(Channels {
            rtp,
            rtcp,
            outgoing: None,
            incoming: None,
            media: None,
            media_taken: false,
        });
        self.open_ours().into_iter().collect()
    }

    /// What the channels opened over H.245 agreed on, once the peer acknowledged ours.
    pub fn channel_media(&self) -> Option<ChannelMedia> {
        self.channels.as_ref().and_then(|c| c.media)
    }

    /// [`channel_media`](Self::channel_media) the first time it is there, `None` before and after: for a driver
    /// that starts the media once.
    pub fn take_channel_media(&mut self) -> Option<ChannelMedia> {
        let c = self.channels.as_mut()?;
        let media = c.media.filter(|_| !c.media_taken)?;
        c.media_taken = true;
        Some(media)
    }

    /// Our OpenLogicalChannel, encoded, when it is time: channels asked for, not opened yet, the peer's
    /// capabilities known, master/slave decided, and a codec in common. So that one codec goes both ways (what the
    /// media legs carry), the master opens first — in the peer's order of preference (its capability table, as
    /// a Fast Start answer follows the caller's), the first codec we have too — and the slave follows in the
    /// master's codec once the master's channel is open.
    fn open_ours(&mut self) -> Option<Vec<u8>> {
        let peer_codecs = self.peer_codecs.as_ref()?;
        let master = self.we_are_master?;
        let channels = self.channels.as_mut()?;
        if channels.outgoing.is_some() {
            return None;
        }
        let followed = channels.incoming.filter(|c| self.codecs.contains(c));
        let codec = if master {
            followed.or_else(|| {
                peer_codecs
                    .iter()
                    .copied()
                    .find(|c| self.codecs.contains(c))
            })?
        } else {
            followed?
        };
        channels.outgoing = Some(codec);
        let olc = forward_proposal(OUR_AUDIO_CHANNEL, audio_capability(codec), channels.rtcp);
        crate::encode(&Msg::Request(RequestMessage::OpenLogicalChannel(olc))).ok()
    }

    /// Our opening messages: TerminalCapabilitySet (sequence 1) and MasterSlaveDetermination.
    pub fn opening(&self) -> Vec<Vec<u8>> {
        [
            terminal_capability_set(1, &self.codecs),
            master_slave_determination(self.terminal_type, self.status_determination_number),
        ]
        .iter()
        .filter_map(|m| crate::encode(m).ok())
        .collect()
    }

    /// EndSessionCommand, for the last message of the call.
    pub fn closing(&self) -> Vec<Vec<u8>> {
        crate::encode(&end_session_command()).into_iter().collect()
    }

    /// Takes the peer's tunnelled messages; returns our answers (acks). Messages that do not decode, or that we do
    /// not handle, are skipped.
    pub fn receive(&mut self, messages: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for bytes in messages {
            let Ok(m) = crate::decode(bytes) else {
                continue;
            };
            let answer = match m {
                Msg::Request(RequestMessage::TerminalCapabilitySet(tcs)) => {
                    // What the peer can receive (a capability it can also transmit counts).
                    let codecs = tcs
                        .capability_table
                        .iter()
                        .flatten()
                        .filter_map(|e| match &e.capability {
                            Some(
                                Capability::ReceiveAudioCapability(a)
                                | Capability::ReceiveAndTransmitAudioCapability(a),
                            ) => codec_of(a).map(|(c, _)| c),
                            _ => None,
                        })
                        .collect();
                    self.peer_codecs = Some(codecs);
                    Some(terminal_capability_set_ack(tcs.sequence_number))
                }
                Msg::Request(RequestMessage::OpenLogicalChannel(olc)) => {
                    // The peer's channel to us: acknowledged with where we receive if it is audio we take, in
                    // the codec of ours if we opened first (one codec both ways: what the legs carry);
                    // otherwise refused. (Without channels over H.245 — Fast Start — it is left alone.)
                    let p = proposal(&olc);
                    let lcn = p.logical_channel_number;
                    let master = self.we_are_master == Some(true);
                    let codecs = &self.codecs;
                    self.channels
                        .as_mut()
                        .map(|c| match (p.direction, p.codec) {
                            (Direction::Forward, Some(codec)) if codecs.contains(&codec) => {
                                match c.outgoing {
                                    Some(ours) if ours != codec => open_logical_channel_reject(
                                        lcn,
                                        if master {
                                            OpenLogicalChannelRejectCause::MasterSlaveConflict(())
                                        } else {
                                            OpenLogicalChannelRejectCause::DataTypeNotSupported(())
                                        },
                                    ),
                                    _ => {
                                        c.incoming = Some(codec);
                                        open_logical_channel_ack(lcn, c.rtp, c.rtcp)
                                    }
                                }
                            }
                            _ => open_logical_channel_reject(
                                lcn,
                                OpenLogicalChannelRejectCause::DataTypeNotSupported(()),
                            ),
                        })
                }
                Msg::Request(RequestMessage::CloseLogicalChannel(clc)) => Some(
                    close_logical_channel_ack(clc.forward_logical_channel_number),
                ),
                Msg::Request(RequestMessage::RoundTripDelayRequest(rtd)) => {
                    Some(round_trip_delay_response(rtd.sequence_number))
                }
                Msg::Response(ResponseMessage::OpenLogicalChannelAck(ack))
                    if ack.forward_logical_channel_number == OUR_AUDIO_CHANNEL =>
                {
                    let remote = match &ack.forward_multiplex_ack_parameters {
                        Some(ForwardMultiplexAckParameters::H2250LogicalChannelAckParameters(
                            p,
                        )) => p
                            .media_channel
                            .as_ref()
                            .and_then(crate::fast_start::socket_address),
                        None => None,
                    };
                    if let Some(c) = &mut self.channels
                        && let (Some(codec), Some(remote_rtp)) = (c.outgoing, remote)
                    {
                        c.media = Some(ChannelMedia { codec, remote_rtp });
                    }
                    None
                }
                Msg::Request(RequestMessage::MasterSlaveDetermination(msd)) => {
                    let master = self.decide(msd.terminal_type, msd.status_determination_number);
                    self.we_are_master = Some(master);
                    // The ack says what its receiver (the peer) is.
                    Some(master_slave_determination_ack(if master {
                        Decision::Slave(())
                    } else {
                        Decision::Master(())
                    }))
                }
                Msg::Response(ResponseMessage::TerminalCapabilitySetAck(_)) => {
                    self.peer_acked_capabilities = true;
                    None
                }
                Msg::Response(ResponseMessage::MasterSlaveDeterminationAck(ack)) => {
                    self.we_are_master = Some(matches!(ack.decision, Decision::Master(())));
                    None
                }
                Msg::Command(CommandMessage::EndSessionCommand(_)) => {
                    self.ended = true;
                    None
                }
                _ => None,
            };
            out.extend(answer.and_then(|a| crate::encode(&a).ok()));
            out.extend(self.open_ours());
        }
        out
    }

    /// H.245 §C.2: the larger terminal type is master; for equal types the status determination numbers decide
    /// modulo 2^24 (a difference of 0 or 2^23 is indeterminate: we then call ourselves slave).
    fn decide(&self, remote_type: u8, remote_number: u32) -> bool {
        if self.terminal_type != remote_type {
            return self.terminal_type > remote_type;
        }
        let diff = remote_number.wrapping_sub(self.status_determination_number) & 0x00ff_ffff;
        diff != 0 && diff > 0x80_0000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sides_exchange_and_agree() {
        let mut council = Tunnel::new(&[Codec::G729, Codec::Pcmu], MCU, 7);
        let mut guardian = Tunnel::new(&[Codec::G729], TERMINAL, 9);
        let to_council = guardian.opening();
        let mut back = council.receive(&to_council);
        back.extend(council.opening());
        assert_eq!(back.len(), 4, "TCS ack, MSD ack, our TCS, our MSD");
        let acks = guardian.receive(&back);
        assert_eq!(acks.len(), 2);
        assert!(guardian.peer_acked_capabilities);
        assert_eq!(guardian.we_are_master, Some(false));
        assert!(council.receive(&acks).is_empty());
        assert!(council.peer_acked_capabilities);
        assert_eq!(council.we_are_master, Some(true));
        assert!(guardian.receive(&council.closing()).is_empty());
        assert!(guardian.ended);
        // Garbage is skipped.
        assert!(council.receive(&[vec![0xff, 0x00, 0x12]]).is_empty());
    }

    /// Delivers messages back and forth between two tunnels until neither has anything more to say.
    fn exchange(a: &mut Tunnel, b: &mut Tunnel, mut to_b: Vec<Vec<u8>>) {
        for _ in 0..10 {
            let to_a = b.receive(&to_b);
            if to_a.is_empty() {
                return;
            }
            to_b = a.receive(&to_a);
            if to_b.is_empty() {
                return;
            }
        }
        panic!("the exchange does not settle");
    }

    #[test]
    fn channels_opened_over_h245_agree_on_codec_and_addresses() {
        let addr = |p: u16| -> SocketAddr { SocketAddr::from(([127, 0, 0, 1], p)) };
        for (council_codecs, guardian_codecs, agreed) in [
            // The guardian's preference wins (as with Fast Start, where the caller's order decides).
            (
                vec![Codec::Pcmu, Codec::G729],
                vec![Codec::G729, Codec::Pcmu],
                Codec::G729,
            ),
            (
                vec![Codec::G729, Codec::Pcmu, Codec::Pcma],
                vec![Codec::G729, Codec::Pcmu],
                Codec::G729,
            ),
            (
                vec![Codec::G729, Codec::Pcmu, Codec::Pcma],
                vec![Codec::Pcmu],
                Codec::Pcmu,
            ),
            (
                vec![Codec::G729, Codec::Pcmu],
                vec![Codec::Pcma, Codec::Pcmu],
                Codec::Pcmu,
            ),
        ] {
            let mut council = Tunnel::new(&council_codecs, MCU, 7);
            let mut guardian = Tunnel::new(&guardian_codecs, TERMINAL, 9);
            assert!(
                council.open_channels(addr(40000), addr(40001)).is_empty(),
                "too early"
            );
            assert!(
                guardian.open_channels(addr(30000), addr(30001)).is_empty(),
                "too early"
            );
            // The guardian's Setup carries its opening; Council answers with acks, its opening and (now that it
            // knows the guardian) its channel.
            let mut first = council.receive(&guardian.opening());
            first.extend(council.opening());
            exchange(&mut council, &mut guardian, first);
            let (c, g) = (council.channel_media(), guardian.channel_media());
            // Given out once to a driver, and still readable.
            assert_eq!(council.take_channel_media(), c);
            assert_eq!(council.take_channel_media(), None);
            assert_eq!(council.channel_media(), c);
            assert_eq!(
                c,
                Some(ChannelMedia {
                    codec: agreed,
                    remote_rtp: addr(30000)
                }),
                "{guardian_codecs:?}"
            );
            assert_eq!(
                g,
                Some(ChannelMedia {
                    codec: agreed,
                    remote_rtp: addr(40000)
                })
            );
        }
        // Nothing in common: no channel, no media.
        let mut council = Tunnel::new(&[Codec::G729], MCU, 7);
        let mut guardian = Tunnel::new(&[Codec::Pcma], TERMINAL, 9);
        council.open_channels(addr(40000), addr(40001));
        guardian.open_channels(addr(30000), addr(30001));
        let mut first = council.receive(&guardian.opening());
        first.extend(council.opening());
        exchange(&mut council, &mut guardian, first);
        assert_eq!(
            (council.channel_media(), guardian.channel_media()),
            (None, None)
        );
    }

    #[test]
    fn without_open_channels_a_peers_channel_is_not_acknowledged() {
        let addr = SocketAddr::from(([127, 0, 0, 1], 30000));
        // The peer is master here, so it opens its channel without waiting for ours.
        let mut guardian = Tunnel::new(&[Codec::G729], MCU, 9);
        guardian.open_channels(addr, addr);
        let mut council = Tunnel::new(&[Codec::G729], TERMINAL, 7);
        let mut first = council.receive(&guardian.opening());
        first.extend(council.opening());
        // The guardian opens its channel once it has Council's capabilities; Council (Fast Start only) stays
        // silent about it.
        let from_guardian = guardian.receive(&first);
        assert_eq!(
            from_guardian.len(),
            3,
            "two acks and its OpenLogicalChannel"
        );
        assert!(council.receive(&from_guardian).is_empty());
        assert_eq!(council.channel_media(), None);
    }

    /// A channel of the peer's in another codec than ours, or one we cannot take, is refused; a close and a
    /// round-trip probe are answered.
    #[test]
    fn conflicting_channels_are_refused_and_probes_answered() {
        use crate::asn::{CloseLogicalChannel, CloseSource, RoundTripDelayRequest};
        let addr = SocketAddr::from(([127, 0, 0, 1], 30000));
        let mut council = Tunnel::new(&[Codec::G729, Codec::Pcmu], MCU, 7);
        council.open_channels(addr, addr);
        let peer = Tunnel::new(&[Codec::G729, Codec::Pcmu], TERMINAL, 9);
        let ours = council.receive(&peer.opening());
        assert_eq!(ours.len(), 3, "two acks and our G.729 channel");
        let olc = |lcn, codec| {
            crate::encode(&Msg::Request(RequestMessage::OpenLogicalChannel(
                forward_proposal(lcn, audio_capability(codec), addr),
            )))
            .unwrap()
        };
        let answers = |t: &mut Tunnel, m: Vec<u8>| -> Vec<Msg> {
            t.receive(&[m])
                .iter()
                .map(|b| crate::decode(b).unwrap())
                .collect()
        };
        let refused = answers(&mut council, olc(7, Codec::Pcmu));
        assert!(
            matches!(&refused[..], [Msg::Response(ResponseMessage::OpenLogicalChannelReject(r))]
                if r.forward_logical_channel_number == 7
                && r.cause == OpenLogicalChannelRejectCause::MasterSlaveConflict(())),
            "{refused:?}"
        );
        let taken = answers(&mut council, olc(8, Codec::G729));
        assert!(matches!(
            &taken[..],
            [Msg::Response(ResponseMessage::OpenLogicalChannelAck(_))]
        ));
        let lacking = answers(&mut council, olc(9, Codec::Pcma));
        assert!(matches!(
            &lacking[..],
            [Msg::Response(ResponseMessage::OpenLogicalChannelReject(_))]
        ));
        let close = Msg::Request(RequestMessage::CloseLogicalChannel(CloseLogicalChannel {
            forward_logical_channel_number: 8,
            source: CloseSource::User(()),
            reason: None,
        }));
        let closed = answers(&mut council, crate::encode(&close).unwrap());
        assert!(
            matches!(&closed[..], [Msg::Response(ResponseMessage::CloseLogicalChannelAck(a))]
            if a.forward_logical_channel_number == 8)
        );
        let rtd = Msg::Request(RequestMessage::RoundTripDelayRequest(
            RoundTripDelayRequest { sequence_number: 5 },
        ));
        let probed = answers(&mut council, crate::encode(&rtd).unwrap());
        assert!(
            matches!(&probed[..], [Msg::Response(ResponseMessage::RoundTripDelayResponse(r))]
            if r.sequence_number == 5)
        );
    }

    /// Real messages with every single bit flipped in turn: no panic, and every answer decodes.
    #[test]
    fn flipped_bits_never_panic() {
        let addr = SocketAddr::from(([127, 0, 0, 1], 30000));
        let mut guardian = Tunnel::new(&[Codec::G729, Codec::Pcmu], MCU, 9);
        guardian.open_channels(addr, addr);
        let mut council = Tunnel::new(&[Codec::G729], TERMINAL, 7);
        let mut real = guardian.opening();
        real.extend(guardian.receive(&council.opening()));
        real.extend(council.receive(&guardian.opening()));
        assert!(real.len() >= 5, "TCS, MSD, acks and an OpenLogicalChannel");
        for message in &real {
            for bit in 0..message.len() * 8 {
                let mut m = message.clone();
                m[bit / 8] ^= 1 << (bit % 8);
                let mut side = Tunnel::new(&[Codec::G729, Codec::Pcmu], TERMINAL, 3);
                side.open_channels(addr, addr);
                for reply in side
                    .receive(&real[..1])
                    .into_iter()
                    .chain(side.receive(&[m]))
                {
                    crate::decode(&reply).unwrap();
                }
            }
        }
    }

    #[test]
    fn equal_types_use_the_numbers() {
        let a = Tunnel::new(&[], TERMINAL, 100);
        // 100 - 50 < 2^23: the peer with 50 is "behind": we are master.
        assert!(!a.decide(TERMINAL, 150));
        assert!(a.decide(TERMINAL, 50));
        assert!(!a.decide(TERMINAL, 100), "indeterminate: slave");
    }
}
