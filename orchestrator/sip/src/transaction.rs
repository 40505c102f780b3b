//! RFC 3261 §17 non-INVITE transactions, sans-IO: the client (§17.1.2, timers E, F, K) and the server
//! (§17.2.2, timer J). INVITE transactions (timers A–D, G–I) are not written yet.
//!
//! Like str0m: input goes in through `handle_input` (a message received or a response from the transaction
//! user, each with the instant it happened; a timeout at `now`), output comes out of `poll_output` (bytes to transmit, an event for the
//! transaction user, the instant of the next timeout, or `Done`). Time is only ever an input.

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
    Trying,
    Proceeding,
    Completed,
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
}
