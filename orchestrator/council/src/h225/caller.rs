//! The calling side of one H.225.0 call, sans-IO (what `council guardian` places): Setup with a Fast Start offer
//! and tunnelled H.245 out; the callee's bytes in; events out — [`Event::Connected`] with the accepted channels,
//! [`Event::Released`] when it ends. The callee's tunnelled H.245 is acknowledged in a Facility; [`Caller::release`]
//! hangs up (ReleaseComplete with EndSessionCommand).

use std::collections::VecDeque;

use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h225::{AliasAddress, TransportAddress, decode_value};
use council_h245::tunnel::Tunnel;
use council_q931::{CallReference, Message, MessageType, tpkt};

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Send these bytes (TPKT-framed Q.931) on the connection.
    Transmit(Vec<u8>),
    /// The callee answered; its Fast Start answer (encoded OpenLogicalChannels).
    Connected { fast_start: Vec<Vec<u8>> },
    /// The audio channels opened over H.245 agreed (see [`Caller::open_channels`]).
    Media(council_h245::tunnel::ChannelMedia),
    /// The call is over (`why`: `refused`, `release-complete`, `released`, `malformed`, `connection-closed`).
    Released { why: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Calling,
    Active,
    Released,
}

/// What a call needs to start.
pub struct Dial {
    pub call_id: [u8; 16],
    pub conference_id: [u8; 16],
    pub call_reference: u16,
    pub from: Vec<AliasAddress>,
    pub to: Vec<AliasAddress>,
    /// Where the callee can call us back.
    pub source_call_signal_address: Option<TransportAddress>,
    pub fast_start: Vec<Vec<u8>>,
}

/// One call's signalling, calling.
#[derive(Debug)]
pub struct Caller {
    state: State,
    deframer: tpkt::Deframer,
    tunnel: Tunnel,
    reference: CallReference,
    call_id: [u8; 16],
    out: VecDeque<Event>,
}

impl Caller {
    /// Opens the audio channels over tunnelled H.245 (a call placed without Fast Start): we receive RTP on `rtp`,
    /// RTCP on `rtcp`; [`Event::Media`] follows once the callee has acknowledged our channel.
    pub fn open_channels(&mut self, rtp: std::net::SocketAddr, rtcp: std::net::SocketAddr) {
        // Right after `place` nothing comes back (the callee's capabilities are not known yet); later our channel
        // may, in a Facility.
        let now = self.tunnel.open_channels(rtp, rtcp);
        if !now.is_empty() && self.state != State::Released {
            self.send(MessageType::Facility, &build::facility_h245(now));
        }
    }

    /// Starts the call: the Setup is the first event.
    pub fn place(dial: Dial, tunnel: Tunnel) -> Self {
        let mut c = Self {
            state: State::Calling,
            deframer: tpkt::Deframer::new(64 * 1024),
            reference: CallReference::originating(dial.call_reference),
            call_id: dial.call_id,
            out: VecDeque::new(),
            tunnel,
        };
        let setup = build::tunnel(
            build::setup(
                dial.call_id,
                dial.conference_id,
                dial.from,
                dial.to,
                dial.source_call_signal_address,
                dial.fast_start,
            ),
            c.tunnel.opening(),
        );
        c.send(MessageType::Setup, &setup);
        c
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.out.pop_front()
    }

    fn end(&mut self, why: &'static str) {
        if self.state != State::Released {
            self.state = State::Released;
            self.out.push_back(Event::Released { why });
        }
    }

    fn send(&mut self, kind: MessageType, uu: &H323UserInformation) {
        let framed = super::frame(kind, self.reference, uu);
        match framed {
            Some(bytes) => self.out.push_back(Event::Transmit(bytes)),
            None => tracing::warn!("cannot encode a {kind:?}"),
        }
    }

    /// The connection closed.
    pub fn closed(&mut self) {
        self.end("connection-closed");
    }

    /// Bytes read from the connection.
    pub fn receive(&mut self, bytes: &[u8]) {
        if self.state == State::Released {
            return;
        }
        self.deframer.push(bytes);
        loop {
            match self.deframer.next_payload() {
                Ok(Some(p)) => self.message(&p),
                Ok(None) => return,
                Err(_) => return self.end("malformed"),
            }
            if self.state == State::Released {
                return;
            }
        }
    }

    fn message(&mut self, payload: &[u8]) {
        let Ok(m) = Message::parse(payload) else {
            return self.end("malformed");
        };
        let Some(uu) = m.user_user() else { return };
        let Ok(info) = decode_value::<H323UserInformation>(uu) else {
            return self.end("malformed");
        };
        // Whatever the callee tunnels (its capabilities, master/slave) is acknowledged in a Facility.
        let (_, h245) = build::tunnelled(&info);
        let acks = self.tunnel.receive(&h245);
        match &info.h323_uu_pdu.h323_message_body {
            H323MessageBody::Connect(_) if self.state == State::Calling => {
                if !acks.is_empty() {
                    self.send(MessageType::Facility, &build::facility_h245(acks));
                }
                self.state = State::Active;
                self.out.push_back(Event::Connected {
                    fast_start: build::fast_start_of(&info),
                });
            }
            H323MessageBody::ReleaseComplete(_) => {
                let why = if self.state == State::Calling {
                    "refused"
                } else {
                    "release-complete"
                };
                self.end(why);
            }
            _ => {
                if !acks.is_empty() {
                    self.send(MessageType::Facility, &build::facility_h245(acks));
                }
            }
        }
        if self.state == State::Active
            && let Some(media) = self.tunnel.take_channel_media()
        {
            self.out.push_back(Event::Media(media));
        }
    }

    /// Hangs up: ReleaseComplete with EndSessionCommand.
    pub fn release(&mut self) {
        if self.state != State::Released {
            let rc = build::tunnel(
                build::release_complete(self.call_id, None),
                self.tunnel.closing(),
            );
            self.send(MessageType::ReleaseComplete, &rc);
            self.end("released");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::answerer::{Answerer, Event as Ans};
    use super::*;
    use council_h245::tunnel::{MCU, TERMINAL};
    use council_rtp::Codec;

    /// A caller and an answerer wired back to back: the whole call, sans-IO on both sides.
    #[test]
    fn caller_and_answerer_talk_to_each_other() {
        let offer = council_h245::fast_start_offer(
            &[Codec::G729],
            "127.0.0.1:30000".parse().unwrap(),
            "127.0.0.1:30001".parse().unwrap(),
            1,
        );
        let mut caller = Caller::place(
            Dial {
                call_id: [4; 16],
                conference_id: [4; 16],
                call_reference: 3,
                from: vec![AliasAddress::h323_id("guardian-1").unwrap()],
                to: vec![AliasAddress::h323_id("council").unwrap()],
                source_call_signal_address: None,
                fast_start: offer.clone(),
            },
            Tunnel::new(&[Codec::G729], TERMINAL, 1),
        );
        let mut answerer = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 2));
        let mut connected = None;
        let mut released = (None, None);
        for _ in 0..10 {
            while let Some(e) = caller.poll_event() {
                match e {
                    Event::Transmit(b) => answerer.receive(&b),
                    Event::Connected { fast_start } => connected = Some(fast_start),
                    Event::Media(m) => panic!("Fast Start opens no channel over H.245: {m:?}"),
                    Event::Released { why } => released.0 = Some(why),
                }
            }
            while let Some(e) = answerer.poll_event() {
                match e {
                    Ans::Transmit(b) => caller.receive(&b),
                    Ans::Incoming { offer: o, from, .. } => {
                        assert_eq!(from, ["guardian-1"]);
                        let (answer, _) = council_h245::fast_start_answer(
                            &o,
                            &[Codec::G729],
                            "127.0.0.1:40000".parse().unwrap(),
                            "127.0.0.1:40001".parse().unwrap(),
                        )
                        .unwrap();
                        answerer.accept(answer);
                    }
                    Ans::Media(m) => panic!("Fast Start opens no channel over H.245: {m:?}"),
                    Ans::Released { why } => released.1 = Some(why),
                }
            }
            if connected.is_some() && released.0.is_none() {
                caller.release();
            }
        }
        let accepted = council_h245::fast_start_accepted(&connected.expect("connected"));
        assert_eq!(
            accepted.send.unwrap().remote_rtp,
            Some("127.0.0.1:40000".parse().unwrap())
        );
        assert_eq!(released, (Some("released"), Some("release-complete")));
    }

    #[test]
    fn a_refused_call_and_garbage() {
        let mut caller = Caller::place(
            Dial {
                call_id: [5; 16],
                conference_id: [5; 16],
                call_reference: 1,
                from: vec![],
                to: vec![],
                source_call_signal_address: None,
                fast_start: vec![],
            },
            Tunnel::new(&[Codec::G729], TERMINAL, 1),
        );
        let mut answerer = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 2));
        while let Some(Event::Transmit(b)) = caller.poll_event() {
            answerer.receive(&b);
        }
        assert!(matches!(answerer.poll_event(), Some(Ans::Incoming { .. })));
        answerer.refuse();
        while let Some(e) = answerer.poll_event() {
            if let Ans::Transmit(b) = e {
                caller.receive(&b);
            }
        }
        assert_eq!(
            caller.poll_event(),
            Some(Event::Released { why: "refused" })
        );
        let mut c2 = Caller::place(
            Dial {
                call_id: [6; 16],
                conference_id: [6; 16],
                call_reference: 1,
                from: vec![],
                to: vec![],
                source_call_signal_address: None,
                fast_start: vec![],
            },
            Tunnel::new(&[], TERMINAL, 1),
        );
        c2.poll_event();
        c2.receive(&[3, 0, 0, 6, 0xff, 0xff]);
        assert_eq!(c2.poll_event(), Some(Event::Released { why: "malformed" }));
    }

    /// Without Fast Start: Connect with no channels, then both sides open their channel over the tunnelled H.245
    /// and each learns where the other receives; the codec is the first of the caller's the callee also has.
    #[test]
    fn without_fast_start_the_channels_are_opened_over_h245() {
        let addr =
            |p: u16| -> std::net::SocketAddr { std::net::SocketAddr::from(([127, 0, 0, 1], p)) };
        let mut caller = Caller::place(
            Dial {
                call_id: [5; 16],
                conference_id: [5; 16],
                call_reference: 4,
                from: vec![AliasAddress::h323_id("guardian-2").unwrap()],
                to: vec![AliasAddress::h323_id("council").unwrap()],
                source_call_signal_address: None,
                fast_start: Vec::new(),
            },
            Tunnel::new(&[Codec::Pcmu, Codec::G729], TERMINAL, 1),
        );
        caller.open_channels(addr(30000), addr(30001));
        let mut answerer = Answerer::new(Tunnel::new(&[Codec::G729, Codec::Pcmu], MCU, 2));
        let (mut caller_media, mut council_media, mut connected) = (None, None, false);
        for _ in 0..10 {
            while let Some(e) = caller.poll_event() {
                match e {
                    Event::Transmit(b) => answerer.receive(&b),
                    Event::Connected { fast_start } => {
                        assert!(fast_start.is_empty());
                        connected = true;
                    }
                    Event::Media(m) => caller_media = Some(m),
                    Event::Released { why } => panic!("released: {why}"),
                }
            }
            while let Some(e) = answerer.poll_event() {
                match e {
                    Ans::Transmit(b) => caller.receive(&b),
                    Ans::Incoming { offer, .. } => {
                        assert!(offer.is_empty() && answerer.tunnelling());
                        answerer.open_channels(addr(40000), addr(40001));
                        answerer.accept(Vec::new());
                    }
                    Ans::Media(m) => council_media = Some(m),
                    Ans::Released { why } => panic!("released: {why}"),
                }
            }
        }
        assert!(connected);
        // Council (an MCU: master) opens first, in the caller's preferred codec it has too; the caller follows.
        let media = |port| {
            Some(council_h245::tunnel::ChannelMedia {
                codec: Codec::Pcmu,
                remote_rtp: addr(port),
            })
        };
        assert_eq!((caller_media, council_media), (media(40000), media(30000)));
    }
}
