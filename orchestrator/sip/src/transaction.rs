//! RFC 3261 §17 transactions, sans-IO, with RFC 6026's corrections for INVITE 2xx:
//! - non-INVITE client (§17.1.2, timers E, F, K) and server (§17.2.2, timer J);
//! - INVITE client (§17.1.1, timers A, B, D, M; the ACK for a non-2xx final response) and server
//!   (§17.2.1, timers G, H, I, L).
//!
//! Like str0m: input goes in through `handle_input` (a message received or a response from the transaction
//! user, each with the instant it happened; a timeout at `now`), output comes out of `poll_output` (bytes to
//! transmit, an event for the transaction user, the instant of the next timeout, or `Done`). Time is only
//! ever an input.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::message::{Method, Request, Response};
use crate::uas::MAGIC_COOKIE;

/// RFC 3261 §17.1.1.1 timer values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// RTT estimate (500 ms).
    pub t1: Duration,
    /// Longest retransmit interval for non-INVITE requests (4 s).
    pub t2: Duration,
    /// Longest time a message stays in the network (5 s).
    pub t4: Duration,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

/// What identifies a transaction (RFC 3261 §17.2.3): the top Via's branch and sent-by, and the method
/// (CANCEL has its own transaction; ACK matches the INVITE's). Only for RFC 3261 branches (magic cookie);
/// RFC 2543 matching is not implemented, so such requests have no key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub branch: String,
    pub sent_by: String,
    pub method: Method,
}

impl Key {
    pub fn of_request(request: &Request) -> Option<Key> {
        let via = request.core.via.first()?;
        let branch = via
            .branch()
            .filter(|b| b.starts_with(MAGIC_COOKIE) && b.len() > MAGIC_COOKIE.len())?;
        let method = match request.method {
            Method::Ack => Method::Invite,
            ref m => m.clone(),
        };
        Some(Key {
            branch: branch.to_owned(),
            sent_by: sent_by(&via.host, via.port),
            method,
        })
    }

    /// The client transaction a response belongs to (§17.1.3): top Via branch and the CSeq method.
    pub fn of_response(response: &Response) -> Option<Key> {
        let via = response.core.via.first()?;
        Some(Key {
            branch: via.branch()?.to_owned(),
            sent_by: sent_by(&via.host, via.port),
            method: response.core.cseq.method.clone(),
        })
    }
}

fn sent_by(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{}:{p}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    }
}

/// A transaction's state (§17.1.2.2, §17.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// INVITE client: sent, nothing heard.
    Calling,
    /// Non-INVITE: sent or received, no response yet.
    Trying,
    Proceeding,
    Completed,
    /// INVITE server: ACK for a non-2xx final response received.
    Confirmed,
    /// INVITE, RFC 6026: a 2xx went by; its retransmission and ACK are the TU's business.
    Accepted,
    Terminated,
}

/// What the transaction tells its transaction user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A response for the client transaction's request (the first of each provisional/final; final ones
    /// are passed up once, retransmissions are absorbed).
    Response(Box<Response>),
    /// Timer F fired: no final response (the TU treats it as 408).
    Timeout,
    /// The transport reported a failure.
    TransportError,
    /// An ACK for a 2xx reached the INVITE server transaction while Accepted (RFC 6026 §8.7): the TU's.
    Ack(Box<Request>),
}

/// What the caller must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send these bytes to the peer over the transaction's transport.
    Transmit(Vec<u8>),
    Event(Event),
    /// Nothing more to do until this instant: then call `handle_input(Timeout(now))`.
    Timeout(Instant),
    /// Idle with no timer (server waiting for its TU).
    Wait,
    /// Terminated: drop the transaction.
    Done,
}

/// Input to a [`NonInviteClient`].
#[derive(Debug, Clone)]
pub enum ClientInput {
    /// Boxed: a response is large, the other inputs small.
    Receive(Instant, Box<Response>),
    Timeout(Instant),
    TransportError,
}

/// §17.1.2: a non-INVITE client transaction.
#[derive(Debug)]
pub struct NonInviteClient {
    state: State,
    request: Vec<u8>,
    timers: Timers,
    reliable: bool,
    /// Timer E: next retransmission (unreliable transports only) and its current interval.
    e_at: Option<Instant>,
    e_interval: Duration,
    /// Timer F: give up.
    f_at: Option<Instant>,
    /// Timer K: how long Completed absorbs response retransmissions.
    k_at: Option<Instant>,
    out: VecDeque<Output>,
}

impl NonInviteClient {
    /// Starts the transaction at `now`: the request is the first output.
    pub fn new(request: &Request, reliable: bool, timers: Timers, now: Instant) -> Self {
        let bytes = request.to_bytes();
        NonInviteClient {
            state: State::Trying,
            request: bytes.clone(),
            timers,
            reliable,
            e_at: (!reliable).then(|| now + timers.t1),
            e_interval: timers.t1,
            f_at: Some(now + 64 * timers.t1),
            k_at: None,
            out: VecDeque::from([Output::Transmit(bytes)]),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn handle_input(&mut self, input: ClientInput) {
        match input {
            ClientInput::Receive(now, response) => self.on_response(now, response),
            ClientInput::Timeout(now) => self.on_timeout(now),
            ClientInput::TransportError => {
                if self.state != State::Terminated {
                    self.out.push_back(Output::Event(Event::TransportError));
                    self.terminate();
                }
            }
        }
    }

    fn on_response(&mut self, now: Instant, response: Box<Response>) {
        let provisional = response.status < 200;
        match (self.state, provisional) {
            (State::Trying | State::Proceeding, true) => {
                self.state = State::Proceeding;
                self.out.push_back(Output::Event(Event::Response(response)));
            }
            (State::Trying | State::Proceeding, false) => {
                self.state = State::Completed;
                self.e_at = None;
                self.f_at = None;
                self.out.push_back(Output::Event(Event::Response(response)));
                // Timer K: T4 on an unreliable transport, zero on a reliable one.
                if self.reliable {
                    self.terminate();
                } else {
                    self.k_at = Some(now + self.timers.t4);
                }
            }
            // Completed absorbs retransmitted responses; Terminated ignores everything.
            _ => {}
        }
    }

    fn on_timeout(&mut self, now: Instant) {
        if self.state == State::Terminated {
            return;
        }
        if self.f_at.is_some_and(|f| now >= f) {
            self.out.push_back(Output::Event(Event::Timeout));
            self.terminate();
            return;
        }
        if self.k_at.is_some_and(|k| now >= k) {
            self.terminate();
            return;
        }
        if let Some(e) = self.e_at
            && now >= e
        {
            self.out.push_back(Output::Transmit(self.request.clone()));
            // §17.1.2.2: doubling up to T2 in Trying; T2 once Proceeding.
            self.e_interval = match self.state {
                State::Proceeding => self.timers.t2,
                _ => (self.e_interval * 2).min(self.timers.t2),
            };
            self.e_at = Some(now + self.e_interval);
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        self.e_at = None;
        self.f_at = None;
        self.k_at = None;
    }

    pub fn poll_output(&mut self) -> Output {
        if let Some(o) = self.out.pop_front() {
            return o;
        }
        let next = [self.e_at, self.f_at, self.k_at]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(at) => Output::Timeout(at),
            None if self.state == State::Terminated => Output::Done,
            None => Output::Wait,
        }
    }
}

/// Input to a [`NonInviteServer`].
#[derive(Debug, Clone)]
pub enum ServerInput {
    /// The request again (a retransmission: the transaction layer matched it by [`Key`]).
    Receive(Instant, Box<Request>),
    /// A response from the transaction user.
    Respond(Instant, Box<Response>),
    Timeout(Instant),
    TransportError,
}

/// §17.2.2: a non-INVITE server transaction. Created when a request arrives that matches no transaction;
/// the caller hands that request to the transaction user itself.
#[derive(Debug)]
pub struct NonInviteServer {
    state: State,
    timers: Timers,
    reliable: bool,
    /// The last response sent, retransmitted when the request is.
    last: Option<Vec<u8>>,
    /// Timer J: how long Completed answers retransmitted requests.
    j_at: Option<Instant>,
    out: VecDeque<Output>,
}

impl NonInviteServer {
    pub fn new(reliable: bool, timers: Timers) -> Self {
        NonInviteServer {
            state: State::Trying,
            timers,
            reliable,
            last: None,
            j_at: None,
            out: VecDeque::new(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn handle_input(&mut self, input: ServerInput) {
        match (self.state, input) {
            (State::Terminated, _) => {}
            // Trying: a retransmitted request is discarded (the TU has not answered yet).
            (State::Trying, ServerInput::Receive(..)) => {}
            (State::Proceeding | State::Completed, ServerInput::Receive(..)) => {
                if let Some(last) = &self.last {
                    self.out.push_back(Output::Transmit(last.clone()));
                }
            }
            (State::Trying | State::Proceeding, ServerInput::Respond(now, response)) => {
                let bytes = response.to_bytes();
                self.last = Some(bytes.clone());
                self.out.push_back(Output::Transmit(bytes));
                if response.status < 200 {
                    self.state = State::Proceeding;
                } else if self.reliable {
                    // Timer J is zero on a reliable transport.
                    self.state = State::Terminated;
                } else {
                    self.state = State::Completed;
                    self.j_at = Some(now + 64 * self.timers.t1);
                }
            }
            // Completed: the TU's further responses are discarded.
            (State::Completed, ServerInput::Respond(..)) => {}
            (_, ServerInput::Timeout(now)) => {
                if self.j_at.is_some_and(|j| now >= j) {
                    self.state = State::Terminated;
                    self.j_at = None;
                }
            }
            (_, ServerInput::TransportError) => {
                self.out.push_back(Output::Event(Event::TransportError));
                self.state = State::Terminated;
                self.j_at = None;
            }
            // States only INVITE transactions have.
            (State::Calling | State::Confirmed | State::Accepted, _) => {}
        }
    }

    pub fn poll_output(&mut self) -> Output {
        if let Some(o) = self.out.pop_front() {
            return o;
        }
        match (self.state, self.j_at) {
            (State::Terminated, _) => Output::Done,
            (_, Some(at)) => Output::Timeout(at),
            (_, None) => Output::Wait,
        }
    }
}

/// §17.2.1 (with RFC 6026): an INVITE server transaction. Created when an INVITE arrives that matches no
/// transaction; the caller hands that INVITE to the TU, which should answer 100 Trying at once (§17.2.1
/// asks for one within 200 ms unless the TU answers sooner; this type never invents responses).
#[derive(Debug)]
pub struct InviteServer {
    state: State,
    timers: Timers,
    reliable: bool,
    /// The last response sent, retransmitted when the INVITE is (Proceeding) or by timer G (Completed).
    last: Option<Vec<u8>>,
    /// Timer G: next retransmission of a non-2xx final response (unreliable transports), and its interval.
    g_at: Option<Instant>,
    g_interval: Duration,
    /// Timer H: give up waiting for the ACK of a non-2xx final response.
    h_at: Option<Instant>,
    /// Timer I: how long Confirmed absorbs ACK retransmissions.
    i_at: Option<Instant>,
    /// Timer L (RFC 6026): how long Accepted absorbs INVITE retransmissions after a 2xx.
    l_at: Option<Instant>,
    out: VecDeque<Output>,
}

impl InviteServer {
    pub fn new(reliable: bool, timers: Timers) -> Self {
        InviteServer {
            state: State::Proceeding,
            timers,
            reliable,
            last: None,
            g_at: None,
            g_interval: timers.t1,
            h_at: None,
            i_at: None,
            l_at: None,
            out: VecDeque::new(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn handle_input(&mut self, input: ServerInput) {
        match (self.state, input) {
            (State::Terminated, _) => {}
            (_, ServerInput::TransportError) => {
                self.out.push_back(Output::Event(Event::TransportError));
                self.terminate();
            }
            (_, ServerInput::Timeout(now)) => self.on_timeout(now),
            (state, ServerInput::Receive(now, request)) => {
                match (state, request.method == Method::Ack) {
                    // The INVITE again: Proceeding and Completed repeat their last response.
                    (State::Proceeding | State::Completed, false) => {
                        if let Some(last) = &self.last {
                            self.out.push_back(Output::Transmit(last.clone()));
                        }
                    }
                    (State::Completed, true) => {
                        self.state = State::Confirmed;
                        self.g_at = None;
                        self.h_at = None;
                        if self.reliable {
                            self.terminate();
                        } else {
                            self.i_at = Some(now + self.timers.t4);
                        }
                    }
                    (State::Accepted, true) => {
                        self.out.push_back(Output::Event(Event::Ack(request)))
                    }
                    // Accepted absorbs INVITE retransmissions (the TU retransmits its 2xx); Confirmed absorbs ACKs.
                    _ => {}
                }
            }
            (State::Proceeding, ServerInput::Respond(now, response)) => {
                let bytes = response.to_bytes();
                self.out.push_back(Output::Transmit(bytes.clone()));
                self.last = Some(bytes);
                match response.status {
                    100..=199 => {}
                    200..=299 => {
                        self.state = State::Accepted;
                        self.l_at = Some(now + 64 * self.timers.t1);
                    }
                    _ => {
                        self.state = State::Completed;
                        if !self.reliable {
                            self.g_at = Some(now + self.timers.t1);
                        }
                        self.h_at = Some(now + 64 * self.timers.t1);
                    }
                }
            }
            // RFC 6026 §8.5: the TU's 2xx retransmissions go out while Accepted.
            (State::Accepted, ServerInput::Respond(_, response))
                if (200..300).contains(&response.status) =>
            {
                self.out.push_back(Output::Transmit(response.to_bytes()));
            }
            // Anything else the TU sends after a final response is discarded.
            (_, ServerInput::Respond(..)) => {}
        }
    }

    fn on_timeout(&mut self, now: Instant) {
        if self.h_at.is_some_and(|h| now >= h) {
            // §17.2.1: no ACK came; the TU is told (the transport failed to deliver, in effect).
            self.out.push_back(Output::Event(Event::Timeout));
            self.terminate();
            return;
        }
        if [self.i_at, self.l_at]
            .into_iter()
            .flatten()
            .any(|t| now >= t)
        {
            self.terminate();
            return;
        }
        if let Some(g) = self.g_at
            && now >= g
        {
            if let Some(last) = &self.last {
                self.out.push_back(Output::Transmit(last.clone()));
            }
            self.g_interval = (self.g_interval * 2).min(self.timers.t2);
            self.g_at = Some(now + self.g_interval);
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        (self.g_at, self.h_at, self.i_at, self.l_at) = (None, None, None, None);
    }

    pub fn poll_output(&mut self) -> Output {
        if let Some(o) = self.out.pop_front() {
            return o;
        }
        let next = [self.g_at, self.h_at, self.i_at, self.l_at]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(at) => Output::Timeout(at),
            None if self.state == State::Terminated => Output::Done,
            None => Output::Wait,
        }
    }
}

/// §17.1.1 (with RFC 6026): an INVITE client transaction.
#[derive(Debug)]
pub struct InviteClient {
    state: State,
    /// The INVITE, for retransmissions and for building the ACK of a non-2xx response.
    invite: Request,
    invite_bytes: Vec<u8>,
    timers: Timers,
    reliable: bool,
    /// The ACK sent for a non-2xx final response, resent when that response is.
    ack: Option<Vec<u8>>,
    /// Timer A: next INVITE retransmission (unreliable transports; doubles without bound) and its interval.
    a_at: Option<Instant>,
    a_interval: Duration,
    /// Timer B: give up.
    b_at: Option<Instant>,
    /// Timer D: how long Completed answers retransmitted final responses with the ACK.
    d_at: Option<Instant>,
    /// Timer M (RFC 6026): how long Accepted passes retransmitted 2xx responses up.
    m_at: Option<Instant>,
    out: VecDeque<Output>,
}

impl InviteClient {
    /// Starts the transaction at `now`: the INVITE is the first output.
    pub fn new(invite: &Request, reliable: bool, timers: Timers, now: Instant) -> Self {
        let bytes = invite.to_bytes();
        InviteClient {
            state: State::Calling,
            invite: invite.clone(),
            invite_bytes: bytes.clone(),
            timers,
            reliable,
            ack: None,
            a_at: (!reliable).then(|| now + timers.t1),
            a_interval: timers.t1,
            b_at: Some(now + 64 * timers.t1),
            d_at: None,
            m_at: None,
            out: VecDeque::from([Output::Transmit(bytes)]),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn handle_input(&mut self, input: ClientInput) {
        match input {
            ClientInput::Receive(now, response) => self.on_response(now, response),
            ClientInput::Timeout(now) => self.on_timeout(now),
            ClientInput::TransportError => {
                if self.state != State::Terminated {
                    self.out.push_back(Output::Event(Event::TransportError));
                    self.terminate();
                }
            }
        }
    }

    fn on_response(&mut self, now: Instant, response: Box<Response>) {
        match (self.state, response.status) {
            (State::Calling | State::Proceeding, 100..=199) => {
                self.state = State::Proceeding;
                self.a_at = None;
                self.out.push_back(Output::Event(Event::Response(response)));
            }
            (State::Calling | State::Proceeding, 200..=299) => {
                self.state = State::Accepted;
                (self.a_at, self.b_at) = (None, None);
                self.m_at = Some(now + 64 * self.timers.t1);
                self.out.push_back(Output::Event(Event::Response(response)));
            }
            (State::Calling | State::Proceeding, _) => {
                (self.a_at, self.b_at) = (None, None);
                // The response parsed, so its To is sound; should the ACK still not build, the response
                // is passed up all the same.
                if let Some(ack) = self.ack_for(&response) {
                    self.out.push_back(Output::Transmit(ack.clone()));
                    self.ack = Some(ack);
                }
                self.out.push_back(Output::Event(Event::Response(response)));
                self.state = State::Completed;
                if self.reliable {
                    self.terminate();
                } else {
                    // Timer D: at least 32 s on an unreliable transport, zero on a reliable one.
                    self.d_at = Some(now + Duration::from_secs(32));
                }
            }
            (State::Completed, 300..) => {
                if let Some(ack) = &self.ack {
                    self.out.push_back(Output::Transmit(ack.clone()));
                }
            }
            (State::Accepted, 200..=299) => {
                self.out.push_back(Output::Event(Event::Response(response)))
            }
            _ => {}
        }
    }

    /// §17.1.1.3: the ACK for a non-2xx final response: the INVITE's Request-URI, top Via, Route, From,
    /// Call-ID and CSeq number; the response's To (with its tag).
    fn ack_for(&self, response: &Response) -> Option<Vec<u8>> {
        let inv = &self.invite;
        let via = inv.headers.get("Via")?.split(',').next()?.trim();
        let cseq = format!("{} ACK", inv.core.cseq.seq);
        let mut headers: Vec<(&str, &str)> = vec![("Via", via), ("Max-Forwards", "70")];
        headers.extend(inv.headers.get_all("Route").map(|r| ("Route", r)));
        headers.push(("From", inv.headers.get("From")?));
        headers.push(("To", response.headers.get("To")?));
        headers.push(("Call-ID", &inv.core.call_id));
        headers.push(("CSeq", &cseq));
        Request::build(&Method::Ack, &inv.uri.text, &headers, b"")
            .ok()
            .map(|a| a.to_bytes())
    }

    fn on_timeout(&mut self, now: Instant) {
        if self.b_at.is_some_and(|b| now >= b) {
            self.out.push_back(Output::Event(Event::Timeout));
            self.terminate();
            return;
        }
        if [self.d_at, self.m_at]
            .into_iter()
            .flatten()
            .any(|t| now >= t)
        {
            self.terminate();
            return;
        }
        if let Some(a) = self.a_at
            && now >= a
        {
            self.out
                .push_back(Output::Transmit(self.invite_bytes.clone()));
            self.a_interval *= 2;
            self.a_at = Some(now + self.a_interval);
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        (self.a_at, self.b_at, self.d_at, self.m_at) = (None, None, None, None);
    }

    pub fn poll_output(&mut self) -> Output {
        if let Some(o) = self.out.pop_front() {
            return o;
        }
        let next = [self.a_at, self.b_at, self.d_at, self.m_at]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(at) => Output::Timeout(at),
            None if self.state == State::Terminated => Output::Done,
            None => Output::Wait,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;
    use crate::parse::parse_datagram;

    fn options() -> Request {
        let text = "OPTIONS sip:council@example.org SIP/2.0\r\nVia: SIP/2.0/UDP uac.example.com:5070;branch=z9hG4bKo1\r\n\
                    From: <sip:expert@example.com>;tag=a\r\nTo: <sip:council@example.org>\r\nCall-ID: o1\r\n\
                    CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        let Ok(Message::Request(r)) = parse_datagram(text.as_bytes()) else {
            panic!("bad test request")
        };
        r
    }

    fn reply(status: u16) -> Box<Response> {
        Box::new(Response::reply_to(&options(), status, "X", "t", &[]).unwrap())
    }

    fn drain<F: FnMut() -> Output>(mut poll: F) -> (Vec<Output>, Output) {
        let mut outs = Vec::new();
        loop {
            match poll() {
                o @ (Output::Timeout(_) | Output::Wait | Output::Done) => return (outs, o),
                o => outs.push(o),
            }
        }
    }

    #[test]
    fn key_matches_retransmissions_and_ack_to_invite() {
        let r = options();
        let key = Key::of_request(&r).unwrap();
        assert_eq!(
            (key.branch.as_str(), key.sent_by.as_str()),
            ("z9hG4bKo1", "uac.example.com:5070")
        );
        assert_eq!(Key::of_response(&reply(200)), Some(key));
        let mut no_cookie = r.clone();
        no_cookie.core.via[0].params[0].value = Some("z9hG4bK".into());
        assert_eq!(Key::of_request(&no_cookie), None);
    }

    /// Over UDP with no answer: 11 transmissions at 0, 0.5, 1.5, 3.5, 7.5, 11.5, … 31.5 s, then timeout at 32 s.
    #[test]
    fn client_retransmits_with_backoff_then_times_out() {
        let t0 = Instant::now();
        let mut c = NonInviteClient::new(&options(), false, Timers::default(), t0);
        let mut sent_at = Vec::new();
        let mut now = t0;
        loop {
            let (outs, next) = drain(|| c.poll_output());
            for o in outs {
                match o {
                    Output::Transmit(_) => sent_at.push((now - t0).as_millis()),
                    Output::Event(e) => {
                        assert_eq!(e, Event::Timeout);
                        assert_eq!((now - t0).as_millis(), 32_000);
                    }
                    other => panic!("{other:?}"),
                }
            }
            match next {
                Output::Timeout(at) => {
                    now = at;
                    c.handle_input(ClientInput::Timeout(now));
                }
                Output::Done => break,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            sent_at,
            [
                0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
            ]
        );
        assert_eq!(c.state(), State::Terminated);
    }

    #[test]
    fn client_passes_responses_up_once_and_waits_timer_k() {
        let t0 = Instant::now();
        let mut c = NonInviteClient::new(&options(), false, Timers::default(), t0);
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        c.handle_input(ClientInput::Receive(
            t0 + Duration::from_millis(100),
            reply(100),
        ));
        assert!(matches!(c.poll_output(), Output::Event(Event::Response(r)) if r.status == 100));
        assert_eq!(c.state(), State::Proceeding);
        // Proceeding retransmits every T2.
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_millis(500))
        );
        c.handle_input(ClientInput::Timeout(t0 + Duration::from_millis(500)));
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_millis(4500))
        );
        let final_at = t0 + Duration::from_secs(2);
        c.handle_input(ClientInput::Receive(final_at, reply(200)));
        assert!(matches!(c.poll_output(), Output::Event(Event::Response(r)) if r.status == 200));
        assert_eq!(c.state(), State::Completed);
        // A retransmitted 200 is absorbed; timer K ends it after T4.
        c.handle_input(ClientInput::Receive(final_at, reply(200)));
        assert_eq!(
            c.poll_output(),
            Output::Timeout(final_at + Duration::from_secs(5))
        );
        c.handle_input(ClientInput::Timeout(final_at + Duration::from_secs(5)));
        assert_eq!(c.poll_output(), Output::Done);
    }

    #[test]
    fn reliable_client_does_not_retransmit() {
        let t0 = Instant::now();
        let mut c = NonInviteClient::new(&options(), true, Timers::default(), t0);
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32))
        );
        c.handle_input(ClientInput::Receive(t0, reply(404)));
        assert!(matches!(c.poll_output(), Output::Event(Event::Response(_))));
        assert_eq!(c.poll_output(), Output::Done);
    }

    #[test]
    fn server_over_udp() {
        let t0 = Instant::now();
        let mut s = NonInviteServer::new(false, Timers::default());
        assert_eq!(s.poll_output(), Output::Wait);
        // A retransmission while Trying is discarded.
        s.handle_input(ServerInput::Receive(t0, Box::new(options())));
        assert_eq!(s.poll_output(), Output::Wait);
        s.handle_input(ServerInput::Respond(t0, reply(100)));
        assert_eq!(s.poll_output(), Output::Transmit(reply(100).to_bytes()));
        assert_eq!(s.state(), State::Proceeding);
        s.handle_input(ServerInput::Receive(t0, Box::new(options())));
        assert_eq!(s.poll_output(), Output::Transmit(reply(100).to_bytes()));
        let done = t0 + Duration::from_secs(1);
        s.handle_input(ServerInput::Respond(done, reply(200)));
        assert_eq!(s.poll_output(), Output::Transmit(reply(200).to_bytes()));
        assert_eq!(s.state(), State::Completed);
        // Completed answers retransmissions with the final response and ignores the TU.
        s.handle_input(ServerInput::Receive(done, Box::new(options())));
        assert_eq!(s.poll_output(), Output::Transmit(reply(200).to_bytes()));
        s.handle_input(ServerInput::Respond(done, reply(500)));
        // Timer J = 64·T1.
        assert_eq!(
            s.poll_output(),
            Output::Timeout(done + Duration::from_secs(32))
        );
        s.handle_input(ServerInput::Timeout(done + Duration::from_secs(31)));
        assert_eq!(s.state(), State::Completed);
        s.handle_input(ServerInput::Timeout(done + Duration::from_secs(32)));
        assert_eq!(s.poll_output(), Output::Done);
    }

    #[test]
    fn server_over_tcp_ends_with_its_final_response() {
        let t0 = Instant::now();
        let mut s = NonInviteServer::new(true, Timers::default());
        s.handle_input(ServerInput::Respond(t0, reply(200)));
        assert!(matches!(s.poll_output(), Output::Transmit(_)));
        assert_eq!(s.poll_output(), Output::Done);
    }

    #[test]
    fn transport_errors_end_transactions() {
        let t0 = Instant::now();
        let mut s = NonInviteServer::new(false, Timers::default());
        s.handle_input(ServerInput::TransportError);
        assert_eq!(s.poll_output(), Output::Event(Event::TransportError));
        assert_eq!(s.poll_output(), Output::Done);
        let mut c = NonInviteClient::new(&options(), false, Timers::default(), t0);
        c.handle_input(ClientInput::TransportError);
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        assert_eq!(c.poll_output(), Output::Event(Event::TransportError));
        assert_eq!(c.poll_output(), Output::Done);
    }
    fn invite() -> Request {
        let headers = [
            ("Via", "SIP/2.0/UDP uac.example.com:5070;branch=z9hG4bKi1"),
            ("Route", "<sip:proxy.example.com;lr>"),
            ("Max-Forwards", "70"),
            ("From", "<sip:expert@example.com>;tag=a"),
            ("To", "<sip:council@example.org>"),
            ("Call-ID", "i1"),
            ("CSeq", "4 INVITE"),
            ("Contact", "<sip:expert@uac.example.com:5070>"),
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

    fn invite_reply(status: u16) -> Box<Response> {
        Box::new(Response::reply_to(&invite(), status, "X", "srv", &[]).unwrap())
    }

    fn ack() -> Box<Request> {
        let headers = [
            ("Via", "SIP/2.0/UDP uac.example.com:5070;branch=z9hG4bKi1"),
            ("From", "<sip:expert@example.com>;tag=a"),
            ("To", "<sip:council@example.org>;tag=srv"),
            ("Call-ID", "i1"),
            ("CSeq", "4 ACK"),
        ];
        Box::new(Request::build(&Method::Ack, "sip:council@example.org", &headers, b"").unwrap())
    }

    #[test]
    fn invite_server_retransmits_a_final_until_ack_then_waits_timer_i() {
        let t0 = Instant::now();
        let mut s = InviteServer::new(false, Timers::default());
        s.handle_input(ServerInput::Respond(t0, invite_reply(100)));
        assert_eq!(
            s.poll_output(),
            Output::Transmit(invite_reply(100).to_bytes())
        );
        s.handle_input(ServerInput::Receive(t0, Box::new(invite())));
        assert_eq!(
            s.poll_output(),
            Output::Transmit(invite_reply(100).to_bytes())
        );
        s.handle_input(ServerInput::Respond(t0, invite_reply(486)));
        assert_eq!(
            s.poll_output(),
            Output::Transmit(invite_reply(486).to_bytes())
        );
        assert_eq!(s.state(), State::Completed);
        // Timer G: 0.5, 1.5, 3.5, 7.5 s (doubling from T1, capped at T2 = 4 s).
        let mut sent = Vec::new();
        let mut now = t0;
        while let Output::Timeout(at) = s.poll_output() {
            if at - t0 > Duration::from_secs(8) {
                break;
            }
            now = at;
            s.handle_input(ServerInput::Timeout(now));
            while let Output::Transmit(_) = s.poll_output() {
                sent.push((now - t0).as_millis());
            }
        }
        assert_eq!(sent, [500, 1500, 3500, 7500]);
        s.handle_input(ServerInput::Receive(now, ack()));
        assert_eq!(s.state(), State::Confirmed);
        assert_eq!(
            s.poll_output(),
            Output::Timeout(now + Duration::from_secs(5))
        );
        s.handle_input(ServerInput::Receive(now, ack()));
        assert_eq!(
            s.poll_output(),
            Output::Timeout(now + Duration::from_secs(5))
        );
        s.handle_input(ServerInput::Timeout(now + Duration::from_secs(5)));
        assert_eq!(s.poll_output(), Output::Done);
    }

    #[test]
    fn invite_server_without_ack_times_out_at_timer_h() {
        let t0 = Instant::now();
        let mut s = InviteServer::new(false, Timers::default());
        s.handle_input(ServerInput::Respond(t0, invite_reply(603)));
        let mut transmissions = 0;
        let mut timed_out = false;
        loop {
            match s.poll_output() {
                Output::Transmit(_) => transmissions += 1,
                Output::Event(Event::Timeout) => timed_out = true,
                Output::Timeout(at) => s.handle_input(ServerInput::Timeout(at)),
                Output::Done => break,
                other => panic!("{other:?}"),
            }
        }
        // The 603 and its 10 retransmissions (0.5 … 31.5 s), then timer H at 32 s.
        assert_eq!(transmissions, 11);
        assert!(timed_out);
    }

    #[test]
    fn invite_server_after_2xx_leaves_retransmission_to_the_tu() {
        let t0 = Instant::now();
        let mut s = InviteServer::new(false, Timers::default());
        s.handle_input(ServerInput::Respond(t0, invite_reply(200)));
        assert!(matches!(s.poll_output(), Output::Transmit(_)));
        assert_eq!(s.state(), State::Accepted);
        // The INVITE again is absorbed; the TU's own 2xx retransmission goes out; its ACK goes up.
        s.handle_input(ServerInput::Receive(t0, Box::new(invite())));
        assert_eq!(
            s.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32))
        );
        s.handle_input(ServerInput::Respond(t0, invite_reply(200)));
        assert!(matches!(s.poll_output(), Output::Transmit(_)));
        s.handle_input(ServerInput::Receive(t0, ack()));
        assert_eq!(s.poll_output(), Output::Event(Event::Ack(ack())));
        s.handle_input(ServerInput::Timeout(t0 + Duration::from_secs(32)));
        assert_eq!(s.poll_output(), Output::Done);
    }

    #[test]
    fn invite_server_over_tcp_ends_on_ack() {
        let t0 = Instant::now();
        let mut s = InviteServer::new(true, Timers::default());
        s.handle_input(ServerInput::Respond(t0, invite_reply(486)));
        assert!(matches!(s.poll_output(), Output::Transmit(_)));
        assert_eq!(
            s.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32)),
            "timer H only"
        );
        s.handle_input(ServerInput::Receive(t0, ack()));
        assert_eq!(s.poll_output(), Output::Done);
    }

    /// Over UDP with no answer: 7 INVITEs at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, timeout at 32 s.
    #[test]
    fn invite_client_retransmits_then_times_out_at_timer_b() {
        let t0 = Instant::now();
        let mut c = InviteClient::new(&invite(), false, Timers::default(), t0);
        let mut sent = Vec::new();
        let mut now = t0;
        let mut timed_out = false;
        loop {
            match c.poll_output() {
                Output::Transmit(_) => sent.push((now - t0).as_millis()),
                Output::Event(Event::Timeout) => {
                    timed_out = true;
                    assert_eq!((now - t0).as_millis(), 32_000);
                }
                Output::Timeout(at) => {
                    now = at;
                    c.handle_input(ClientInput::Timeout(at));
                }
                Output::Done => break,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(sent, [0, 500, 1500, 3500, 7500, 15500, 31500]);
        assert!(timed_out);
    }

    #[test]
    fn invite_client_acks_a_failure_and_repeats_the_ack() {
        let t0 = Instant::now();
        let mut c = InviteClient::new(&invite(), false, Timers::default(), t0);
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        c.handle_input(ClientInput::Receive(t0, invite_reply(180)));
        assert!(matches!(c.poll_output(), Output::Event(Event::Response(r)) if r.status == 180));
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32)),
            "no timer A once Proceeding"
        );
        c.handle_input(ClientInput::Receive(t0, invite_reply(486)));
        let Output::Transmit(ack) = c.poll_output() else {
            panic!("no ACK")
        };
        let Ok(Message::Request(ack)) = parse_datagram(&ack) else {
            panic!("bad ACK")
        };
        assert_eq!(ack.method, Method::Ack);
        assert_eq!(ack.uri.text, "sip:council@example.org");
        assert_eq!(
            ack.core.cseq,
            crate::CSeq {
                seq: 4,
                method: Method::Ack
            }
        );
        assert_eq!(ack.core.to.tag(), Some("srv"));
        assert_eq!(ack.core.via, invite().core.via);
        assert_eq!(ack.headers.get("Route"), Some("<sip:proxy.example.com;lr>"));
        assert!(matches!(c.poll_output(), Output::Event(Event::Response(r)) if r.status == 486));
        assert_eq!(c.state(), State::Completed);
        c.handle_input(ClientInput::Receive(t0, invite_reply(486)));
        assert_eq!(c.poll_output(), Output::Transmit(ack.to_bytes()));
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32)),
            "timer D"
        );
        c.handle_input(ClientInput::Timeout(t0 + Duration::from_secs(32)));
        assert_eq!(c.poll_output(), Output::Done);
    }

    #[test]
    fn invite_client_passes_every_2xx_up_until_timer_m() {
        let t0 = Instant::now();
        let mut c = InviteClient::new(&invite(), false, Timers::default(), t0);
        assert!(matches!(c.poll_output(), Output::Transmit(_)));
        for _ in 0..2 {
            c.handle_input(ClientInput::Receive(t0, invite_reply(200)));
            assert!(
                matches!(c.poll_output(), Output::Event(Event::Response(r)) if r.status == 200)
            );
        }
        assert_eq!(c.state(), State::Accepted);
        assert_eq!(
            c.poll_output(),
            Output::Timeout(t0 + Duration::from_secs(32))
        );
        c.handle_input(ClientInput::Timeout(t0 + Duration::from_secs(32)));
        assert_eq!(c.poll_output(), Output::Done);
    }
}
