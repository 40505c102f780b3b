//! Council's side of one H.225.0 call, sans-IO: the bytes of the TCP connection in, bytes to send and events out.
//! No socket, no clock, no media: the driver (`h225::call`) owns those and does what the events ask.
//!
//! Setup → [`Event::Incoming`] (the caller, the Fast Start offer). The driver then [`Answerer::accept`]s with the
//! Fast Start answer — CallProceeding, Alerting and Connect go out, with our own TerminalCapabilitySet and
//! MasterSlaveDetermination and the tunnelled H.245 acks in the Connect when the caller tunnels — or
//! [`Answerer::refuse`]s (ReleaseComplete). A tunnelling caller without Fast Start gets its audio channels opened
//! over H.245 instead ([`Answerer::open_channels`] before accepting): [`Event::Media`] says when they are. The caller's ReleaseComplete, or bytes that are not call signalling, end
//! the call ([`Event::Released`]); so does [`Answerer::release`] from our side.

use std::collections::VecDeque;

use council_h225::decode_value;
use council_h225::signalling::{H323MessageBody, H323UserInformation, build};
use council_h245::tunnel::Tunnel;
use council_q931::{CallReference, Message, MessageType, tpkt};

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Send these bytes (TPKT-framed Q.931) on the connection.
    Transmit(Vec<u8>),
    /// A call: answer it with [`Answerer::accept`] or [`Answerer::refuse`].
    Incoming {
        call_id: [u8; 16],
        /// The caller's Fast Start proposals (encoded H.245 OpenLogicalChannels); empty without Fast Start.
        offer: Vec<Vec<u8>>,
        /// The caller's aliases, as text.
        from: Vec<String>,
        /// Whom it calls (the Setup's destination aliases), as text.
        to: Vec<String>,
    },
    /// The audio channels opened over H.245 agreed (see [`Answerer::open_channels`]): start the media.
    Media(council_h245::tunnel::ChannelMedia),
    /// The call is over (`why`: `release-complete`, `released`, `refused`, `malformed`); close the connection.
    Released { why: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    AwaitSetup,
    /// Incoming given out, waiting for the driver.
    Offered,
    Active,
    Released,
}

/// One call's signalling, Council answering.
#[derive(Debug)]
pub struct Answerer {
    state: State,
    deframer: tpkt::Deframer,
    tunnel: Tunnel,
    /// The caller tunnels H.245 (we answer in kind).
    tunnelling: bool,
    /// What the caller tunnelled in its Setup, answered in our Connect.
    setup_h245: Vec<Vec<u8>>,
    /// Our answers to what the caller tunnelled after its Setup but before our Connect, sent in the Connect.
    early_replies: Vec<Vec<u8>>,
    reference: CallReference,
    call_id: [u8; 16],
    conference_id: [u8; 16],
    out: VecDeque<Event>,
}

fn guid(bytes: &[u8]) -> [u8; 16] {
    bytes.try_into().unwrap_or([0; 16])
}

impl Answerer {
    /// `tunnel`: our side of tunnelled H.245 (our codecs, terminal type, determination number).
    pub fn new(tunnel: Tunnel) -> Self {
        Self {
            state: State::AwaitSetup,
            deframer: tpkt::Deframer::new(64 * 1024),
            tunnel,
            tunnelling: false,
            setup_h245: Vec::new(),
            early_replies: Vec::new(),
            reference: CallReference::originating(0),
            call_id: [0; 16],
            conference_id: [0; 16],
            out: VecDeque::new(),
        }
    }

    /// Whether the caller tunnels H.245 (so channels can be opened over it when there is no Fast Start).
    pub fn tunnelling(&self) -> bool {
        self.tunnelling
    }

    /// Opens the audio channels over tunnelled H.245 (a call without Fast Start; call it before
    /// [`accept`](Self::accept)): we receive RTP on `rtp`, RTCP on `rtcp`; [`Event::Media`] follows once the
    /// caller has acknowledged our channel.
    pub fn open_channels(&mut self, rtp: std::net::SocketAddr, rtcp: std::net::SocketAddr) {
        // Our channel may be due already (the caller's capabilities came before): in the Connect, or once the
        // call is up in a Facility.
        let now = self.tunnel.open_channels(rtp, rtcp);
        if self.state == State::Active {
            if !now.is_empty() {
                self.send(MessageType::Facility, &build::facility_h245(now));
            }
            self.tell_media();
        } else {
            self.early_replies.extend(now);
        }
    }

    /// Gives out [`Event::Media`] once, when the channels have agreed.
    fn tell_media(&mut self) {
        if let Some(media) = self.tunnel.take_channel_media() {
            self.out.push_back(Event::Media(media));
        }
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.out.pop_front()
    }

    /// The connection closed: the call is over if it was not already.
    pub fn closed(&mut self) {
        self.end("connection-closed");
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

    /// Bytes read from the connection.
    pub fn receive(&mut self, bytes: &[u8]) {
        if self.state == State::Released {
            return;
        }
        self.deframer.push(bytes);
        loop {
            match self.deframer.next_payload() {
                Ok(Some(payload)) => self.message(&payload),
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
        // Q.931 without an H.225.0 PDU (Status, Information, …) carries nothing we act on.
        let Some(uu) = m.user_user() else { return };
        let Ok(info) = decode_value::<H323UserInformation>(uu) else {
            return self.end("malformed");
        };
        let (tunnelling, h245) = build::tunnelled(&info);
        match &info.h323_uu_pdu.h323_message_body {
            H323MessageBody::Setup(setup) if self.state == State::AwaitSetup => {
                self.reference = m.call_reference.reply();
                self.call_id = guid(
                    setup
                        .call_identifier
                        .as_ref()
                        .map_or(&setup.conference_id[..], |c| &c.guid[..]),
                );
                self.conference_id = guid(&setup.conference_id[..]);
                self.tunnelling = tunnelling;
                self.setup_h245 = h245;
                self.state = State::Offered;
                let texts = |aliases: &Option<_>| -> Vec<String> {
                    aliases
                        .iter()
                        .flatten()
                        .filter_map(|a: &council_h225::AliasAddress| a.as_text())
                        .collect()
                };
                let (from, to) = (
                    texts(&setup.source_address),
                    texts(&setup.destination_address),
                );
                self.out.push_back(Event::Incoming {
                    call_id: self.call_id,
                    offer: build::fast_start_of(&info),
                    from,
                    to,
                });
            }
            H323MessageBody::ReleaseComplete(_) => self.end("release-complete"),
            // Anything else (a Facility with the caller's H.245 acks, …): the tunnel takes what it carries.
            _ => {
                if !h245.is_empty() {
                    let replies = self.tunnel.receive(&h245);
                    if self.state == State::Active {
                        if !replies.is_empty() {
                            self.send(MessageType::Facility, &build::facility_h245(replies));
                        }
                        self.tell_media();
                    } else {
                        // Not answered yet: the Connect carries them.
                        self.early_replies.extend(replies);
                    }
                }
            }
        }
    }

    /// Answers the call: CallProceeding, Alerting, Connect with `fast_start` (the accepted channels).
    pub fn accept(&mut self, fast_start: Vec<Vec<u8>>) {
        if self.state != State::Offered {
            return;
        }
        self.send(
            MessageType::CallProceeding,
            &build::call_proceeding(self.call_id),
        );
        self.send(MessageType::Alerting, &build::alerting(self.call_id));
        let mut connect = build::connect(self.call_id, self.conference_id, fast_start);
        if self.tunnelling {
            // Our capabilities first (H.245's first message), then what the Setup's H.245 asks (acks, and our
            // channel when channels are opened over H.245).
            let setup_h245 = std::mem::take(&mut self.setup_h245);
            let mut h245 = self.tunnel.opening();
            h245.append(&mut self.early_replies);
            h245.extend(self.tunnel.receive(&setup_h245));
            connect = build::tunnel(connect, h245);
        }
        self.send(MessageType::Connect, &connect);
        self.state = State::Active;
        self.tell_media();
    }

    /// Refuses the call (ReleaseComplete).
    pub fn refuse(&mut self) {
        if self.state == State::Offered {
            let rc = build::release_complete(self.call_id, None);
            self.send(MessageType::ReleaseComplete, &rc);
            self.end("refused");
        }
    }

    /// Ends an active call from our side (ReleaseComplete, with EndSessionCommand when tunnelling).
    pub fn release(&mut self) {
        if self.state == State::Active {
            let mut rc = build::release_complete(self.call_id, None);
            if self.tunnelling {
                rc = build::tunnel(rc, self.tunnel.closing());
            }
            self.send(MessageType::ReleaseComplete, &rc);
            self.end("released");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use council_h225::{AliasAddress, encode_value};
    use council_h245::tunnel::{MCU, TERMINAL};
    use council_rtp::Codec;

    fn framed(kind: MessageType, cr: CallReference, uu: &H323UserInformation) -> Vec<u8> {
        let mut m = Message::new(kind, cr);
        m.set_user_user(&encode_value(uu).unwrap());
        let mut out = Vec::new();
        tpkt::encode(&m.encode().unwrap(), &mut out).unwrap();
        out
    }

    /// The messages in `bytes`: (type, the H.225.0 body, its tunnelled H.245 count).
    fn messages(bytes: &[u8]) -> Vec<(MessageType, usize)> {
        let mut d = tpkt::Deframer::default();
        d.push(bytes);
        let mut out = Vec::new();
        while let Some(p) = d.next_payload().unwrap() {
            let m = Message::parse(&p).unwrap();
            let info: H323UserInformation = decode_value(m.user_user().unwrap()).unwrap();
            out.push((m.message_type, build::tunnelled(&info).1.len()));
        }
        out
    }

    fn drain(a: &mut Answerer) -> (Vec<u8>, Vec<Event>) {
        let (mut bytes, mut other) = (Vec::new(), Vec::new());
        while let Some(e) = a.poll_event() {
            match e {
                Event::Transmit(b) => bytes.extend(b),
                e => other.push(e),
            }
        }
        (bytes, other)
    }

    #[test]
    fn a_tunnelled_fast_start_call_from_setup_to_release() {
        let mut a = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 5));
        let mut guardian = Tunnel::new(&[Codec::G729], TERMINAL, 9);
        let offer = council_h245::fast_start_offer(
            &[Codec::G729],
            "127.0.0.1:30000".parse().unwrap(),
            "127.0.0.1:30001".parse().unwrap(),
            1,
        );
        let setup = build::tunnel(
            build::setup(
                [1; 16],
                [2; 16],
                vec![AliasAddress::h323_id("guardian-1").unwrap()],
                vec![AliasAddress::h323_id("north").unwrap()],
                None,
                offer.clone(),
            ),
            guardian.opening(),
        );
        let cr = CallReference::originating(9);
        let bytes = framed(MessageType::Setup, cr, &setup);
        // In two pieces, as TCP may deliver it.
        a.receive(&bytes[..10]);
        assert_eq!(drain(&mut a).1, []);
        a.receive(&bytes[10..]);
        let (_, events) = drain(&mut a);
        assert_eq!(
            events,
            [Event::Incoming {
                call_id: [1; 16],
                offer: offer.clone(),
                from: vec!["guardian-1".into()],
                to: vec!["north".into()],
            }]
        );
        let (answer, _) = council_h245::fast_start_answer(
            &offer,
            &[Codec::G729],
            "127.0.0.1:40000".parse().unwrap(),
            "127.0.0.1:40001".parse().unwrap(),
        )
        .unwrap();
        a.accept(answer);
        let (out, _) = drain(&mut a);
        // CallProceeding, Alerting, and a Connect with 2 acks + our TCS + MSD tunnelled.
        assert_eq!(
            messages(&out),
            [
                (MessageType::CallProceeding, 0),
                (MessageType::Alerting, 0),
                (MessageType::Connect, 4)
            ]
        );
        // The guardian's acks come in a Facility; nothing to answer.
        let mut d = tpkt::Deframer::default();
        d.push(&out);
        let mut acks = Vec::new();
        while let Some(p) = d.next_payload().unwrap() {
            let info: H323UserInformation =
                decode_value(Message::parse(&p).unwrap().user_user().unwrap()).unwrap();
            acks.extend(guardian.receive(&build::tunnelled(&info).1));
        }
        assert_eq!(acks.len(), 2);
        a.receive(&framed(
            MessageType::Facility,
            cr,
            &build::facility_h245(acks),
        ));
        assert_eq!(drain(&mut a), (vec![], vec![]));
        // Their ReleaseComplete ends it.
        a.receive(&framed(
            MessageType::ReleaseComplete,
            cr,
            &build::release_complete([1; 16], None),
        ));
        assert_eq!(
            drain(&mut a).1,
            [Event::Released {
                why: "release-complete"
            }]
        );
        a.receive(&framed(
            MessageType::ReleaseComplete,
            cr,
            &build::release_complete([1; 16], None),
        ));
        assert_eq!(drain(&mut a).1, [], "released once");
    }

    #[test]
    fn refusal_release_and_garbage() {
        let setup = build::setup([3; 16], [3; 16], vec![], vec![], None, vec![]);
        let cr = CallReference::originating(1);
        let mut a = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 5));
        a.receive(&framed(MessageType::Setup, cr, &setup));
        let (_, events) = drain(&mut a);
        assert!(matches!(&events[0], Event::Incoming { offer, .. } if offer.is_empty()));
        a.refuse();
        let (out, events) = drain(&mut a);
        assert_eq!(messages(&out), [(MessageType::ReleaseComplete, 0)]);
        assert_eq!(events, [Event::Released { why: "refused" }]);

        let mut a = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 5));
        a.receive(&framed(MessageType::Setup, cr, &setup));
        drain(&mut a);
        a.accept(vec![]);
        drain(&mut a);
        a.release();
        let (out, events) = drain(&mut a);
        assert_eq!(messages(&out), [(MessageType::ReleaseComplete, 0)]);
        assert_eq!(events, [Event::Released { why: "released" }]);

        let mut a = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 5));
        a.receive(&[4, 0, 0, 5, 0]);
        assert_eq!(drain(&mut a).1, [Event::Released { why: "malformed" }]);
        let mut a = Answerer::new(Tunnel::new(&[Codec::G729], MCU, 5));
        a.closed();
        assert_eq!(
            drain(&mut a).1,
            [Event::Released {
                why: "connection-closed"
            }]
        );
    }
}
