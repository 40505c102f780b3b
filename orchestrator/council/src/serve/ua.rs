//! The SIP user agent of `council serve`, sans-IO: the transaction user (RFC 3261 §8.2, §12–§15) above
//! `council-sip`'s parser, checks and transactions. Messages, media events and time in; datagrams, media
//! commands and witness entries out. The run loop (`serve::run`) owns sockets, timers and pipelines.
//!
//! What it does with each request:
//! - INVITE out of dialog: the §8.2 checks, the per-source rate limit (503 + Retry-After when exceeded), SDP
//!   offer/answer (`council-sdp`; 488/400 when nothing fits), then 100 Trying, 180 Ringing, a media session
//!   (`Output::StartMedia`), and 200 OK with the answer once the session is bound. The 200 is retransmitted
//!   (T1 doubling to T2, §13.3.1.4) until the ACK; without an ACK after 64·T1 the call is ended with a BYE.
//!   A retransmitted INVITE gets the last response again.
//! - re-INVITE in the dialog (hold/resume): a new answer in a new 200, retransmitted likewise.
//! - CANCEL of a pending INVITE: 200 for the CANCEL, 487 for the INVITE; otherwise 481 (or 200 if answered).
//! - BYE: 200, media stopped, call gone; an unknown dialog gets 481.
//! - OPTIONS: 200 with Allow/Accept/Supported. Anything else: what `council_sip::uas` decides (405/501/416/…).
//! - Retransmitted non-INVITE requests get the same response again (`NonInviteServer`, timer J).
//!
//! A media session that ends by itself (RTP timeout, error) ends its call: a BYE goes to the caller, sent
//! through a `NonInviteClient` (retransmitted over UDP).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use council_sdp::{LocalMedia, Negotiated, SessionVersion};
use council_sip::transaction::{
    self, ClientInput, Key, NonInviteClient, NonInviteServer, ServerInput, Timers,
};
use council_sip::uas::{self, UasPolicy, Verdict};
use council_sip::{Message, Method, ParseError, Request, Response};
use serde_json::{Map, Value, json};

/// How a message came and goes: the peer's address and the transport (a TCP connection by its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    pub addr: SocketAddr,
    /// `None`: UDP; `Some(n)`: TCP connection `n`.
    pub conn: Option<u64>,
}

impl Peer {
    fn reliable(&self) -> bool {
        self.conn.is_some()
    }

    fn transport(&self) -> &'static str {
        if self.reliable() { "TCP" } else { "UDP" }
    }
}

/// A call's number, for media commands.
pub type CallNo = u64;

/// What the run loop tells the UA.
#[derive(Debug)]
pub enum Input {
    /// Boxed: a parsed message is large, the other inputs small.
    Message(Instant, Peer, Box<Message>),
    /// A message that did not parse (the parser's verdict says what to answer).
    Bad(Peer, ParseError),
    /// The media session of a call is up, receiving on this port.
    MediaStarted(Instant, CallNo, u16),
    /// The media session of a call could not be started.
    MediaFailed(Instant, CallNo, String),
    /// The media session of a call ended by itself (RTP timeout, error).
    MediaEnded(Instant, CallNo, String),
    Timeout(Instant),
}

/// What the UA wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Send(Peer, Vec<u8>),
    /// Start the call's media per the negotiation; answer with `MediaStarted` or `MediaFailed`.
    StartMedia(CallNo, Box<Negotiated>),
    StopMedia(CallNo),
    Witness(&'static str, Map<String, Value>),
}

/// Settings of the UA.
#[derive(Debug, Clone)]
pub struct UaConfig {
    /// Our address for Contact and Via (the SIP listening address).
    pub contact: SocketAddr,
    /// Where our RTP is (the address in our SDP).
    pub media_ip: IpAddr,
    /// What our SDP offers and accepts.
    pub media: LocalMedia,
    /// New INVITEs per second allowed from one source address (0: unlimited)…
    pub invite_rate: u32,
    /// …with bursts of up to this many.
    pub invite_burst: u32,
    pub timers: Timers,
}

/// Counters, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub invites: u64,
    pub answered: u64,
    pub rejected: u64,
    pub rate_limited: u64,
    pub ended: u64,
    pub bad: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallState {
    /// 100/180 sent, media being started.
    Starting,
    /// 200 sent, waiting for the ACK.
    Answered,
    Confirmed,
}

#[derive(Debug)]
struct Call {
    no: CallNo,
    peer: Peer,
    call_id: String,
    remote_tag: String,
    local_tag: String,
    /// The INVITE being answered (the first, or a re-INVITE).
    invite: Request,
    invite_key: Option<Key>,
    state: CallState,
    /// The SDP answer waiting for the media port (first INVITE) or already sent.
    negotiated: Negotiated,
    version: SessionVersion,
    local_port: u16,
    /// Last response to the INVITE, for its retransmissions.
    last_response: Option<Vec<u8>>,
    /// 2xx retransmission: next send, interval, give up.
    retransmit: Option<(Instant, Duration, Instant)>,
    /// The caller's Contact URI (where a BYE of ours goes), From and To as the caller wrote them.
    remote_target: String,
    from: String,
    to: String,
    local_cseq: u32,
    started: Instant,
}

/// Per-source token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The user agent.
#[derive(Debug)]
pub struct Ua {
    config: UaConfig,
    policy: UasPolicy,
    calls: HashMap<CallNo, Call>,
    /// (Call-ID, caller's tag) → call.
    dialogs: HashMap<(String, String), CallNo>,
    servers: HashMap<Key, (Peer, NonInviteServer)>,
    clients: HashMap<String, (Peer, NonInviteClient)>,
    buckets: HashMap<IpAddr, Bucket>,
    out: VecDeque<Output>,
    next_call: CallNo,
    /// A counter for tags and branches, unique within this run; with `run_id`, unique across runs.
    counter: u64,
    run_id: u32,
    stats: Stats,
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl Ua {
    pub fn new(config: UaConfig, run_id: u32) -> Self {
        Self {
            config,
            policy: UasPolicy::default(),
            calls: HashMap::new(),
            dialogs: HashMap::new(),
            servers: HashMap::new(),
            clients: HashMap::new(),
            buckets: HashMap::new(),
            out: VecDeque::new(),
            next_call: 1,
            counter: 0,
            run_id,
            stats: Stats::default(),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Calls in progress.
    pub fn calls(&self) -> usize {
        self.calls.len()
    }

    /// Transactions held (server and client), for leak checks.
    pub fn transactions(&self) -> usize {
        self.servers.len() + self.clients.len()
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    fn token(&mut self) -> String {
        self.counter += 1;
        format!("{:08x}{:x}", self.run_id, self.counter)
    }

    fn send(&mut self, peer: Peer, bytes: Vec<u8>) {
        self.out.push_back(Output::Send(peer, bytes));
    }

    /// The next instant `handle(Input::Timeout)` is due.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        let calls = self
            .calls
            .values()
            .filter_map(|c| c.retransmit.map(|(at, _, _)| at));
        let mut next = calls.min();
        let mut earliest = |t: Instant| next = Some(next.map_or(t, |n: Instant| n.min(t)));
        for (_, s) in self.servers.values_mut() {
            if let transaction::Output::Timeout(t) = s.poll_output() {
                earliest(t);
            }
        }
        for (_, c) in self.clients.values_mut() {
            if let transaction::Output::Timeout(t) = c.poll_output() {
                earliest(t);
            }
        }
        next
    }

    pub fn handle(&mut self, input: Input) {
        match input {
            Input::Message(now, peer, m) => match *m {
                Message::Request(r) => self.request(now, peer, r),
                Message::Response(r) => self.response(now, peer, r),
            },
            Input::Bad(peer, e) => self.bad(peer, e),
            Input::MediaStarted(now, no, port) => self.media_started(now, no, port),
            Input::MediaFailed(now, no, why) => self.media_failed(now, no, &why),
            Input::MediaEnded(now, no, why) => self.hang_up(now, no, &why),
            Input::Timeout(now) => self.timeout(now),
        }
    }

    fn bad(&mut self, peer: Peer, e: ParseError) {
        self.stats.bad += 1;
        let Some(status) = e.status() else {
            return;
        };
        // Answer with what could be read of the request (RFC 3261 §8.2.6 needs Via, From, To, Call-ID, CSeq).
        let mut headers: Vec<(&str, &str)> = Vec::new();
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
            for v in e.headers.get_all(name) {
                headers.push((name, v));
            }
        }
        if !headers.iter().any(|(n, _)| *n == "Via") {
            // Nowhere to send it per §18.2.2; over TCP the connection is the way back, over UDP the source.
            tracing::debug!(%peer.addr, "unanswerable malformed request: {e}");
        }
        let reason = e.reason();
        if let Ok(r) = Response::build(status, &reason, &headers, &[]) {
            self.send(peer, r.to_bytes());
        } else if let Ok(r) = Response::build(status, &reason, &[], &[]) {
            self.send(peer, r.to_bytes());
        }
    }

    fn reply(
        &mut self,
        peer: Peer,
        req: &Request,
        status: u16,
        reason: &str,
        tag: &str,
        extra: &[(&str, &str)],
    ) {
        match Response::reply_to(req, status, reason, tag, extra) {
            Ok(r) => self.send(peer, r.to_bytes()),
            Err(e) => tracing::warn!("cannot build a {status}: {e}"),
        }
    }

    /// Answers a non-INVITE request through a server transaction (so retransmissions get the same answer).
    fn reply_non_invite(&mut self, now: Instant, peer: Peer, req: &Request, response: Response) {
        match Key::of_request(req) {
            Some(key) => {
                let mut server = NonInviteServer::new(peer.reliable(), self.config.timers);
                server.handle_input(ServerInput::Respond(now, Box::new(response)));
                self.drain_server(peer, &mut server);
                if !matches!(server.poll_output(), transaction::Output::Done) {
                    self.servers.insert(key, (peer, server));
                }
            }
            None => self.send(peer, response.to_bytes()),
        }
    }

    fn drain_server(&mut self, peer: Peer, server: &mut NonInviteServer) {
        while let transaction::Output::Transmit(bytes) = server.poll_output() {
            self.send(peer, bytes);
        }
    }

    fn request(&mut self, now: Instant, peer: Peer, req: Request) {
        // A retransmitted non-INVITE request: its transaction answers again.
        if req.method != Method::Invite
            && req.method != Method::Ack
            && let Some(key) = Key::of_request(&req)
            && let Some((p, mut server)) = self.servers.remove(&key)
        {
            server.handle_input(ServerInput::Receive(now, Box::new(req)));
            self.drain_server(p, &mut server);
            self.servers.insert(key, (p, server));
            return;
        }
        match uas::inspect_request(&req, &self.policy) {
            Verdict::Proceed => {}
            Verdict::Drop => return,
            Verdict::Reject {
                status,
                reason,
                headers,
            } => {
                let extra: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                let tag = self.token();
                if let Ok(r) = Response::reply_to(&req, status, reason, &tag, &extra) {
                    if req.method == Method::Invite {
                        self.send(peer, r.to_bytes());
                    } else {
                        self.reply_non_invite(now, peer, &req, r);
                    }
                }
                return;
            }
        }
        match req.method {
            Method::Invite => self.invite(now, peer, req),
            Method::Ack => self.ack(&req),
            Method::Bye => self.bye(now, peer, req),
            Method::Cancel => self.cancel(now, peer, req),
            Method::Options => {
                let tag = self.token();
                let allow = "INVITE, ACK, BYE, CANCEL, OPTIONS";
                if let Ok(r) = Response::reply_to(
                    &req,
                    200,
                    "OK",
                    &tag,
                    &[
                        ("Allow", allow),
                        ("Accept", "application/sdp"),
                        ("Supported", ""),
                    ],
                ) {
                    self.reply_non_invite(now, peer, &req, r);
                }
            }
            _ => {
                let tag = self.token();
                if let Ok(r) = Response::reply_to(&req, 501, "Not Implemented", &tag, &[]) {
                    self.reply_non_invite(now, peer, &req, r);
                }
            }
        }
    }

    fn dialog_of(&self, req: &Request) -> Option<CallNo> {
        let remote_tag = req.core.from.tag()?;
        self.dialogs
            .get(&(req.core.call_id.clone(), remote_tag.to_owned()))
            .copied()
    }

    /// Takes a token from the source's bucket; false when it is empty.
    fn admit_rate(&mut self, now: Instant, ip: IpAddr) -> bool {
        let (rate, burst) = (self.config.invite_rate, self.config.invite_burst.max(1));
        if rate == 0 {
            return true;
        }
        if self.buckets.len() > 100_000 {
            // Forget sources that have been quiet long enough to be full again.
            let full = f64::from(burst) / f64::from(rate);
            self.buckets
                .retain(|_, b| now.duration_since(b.at).as_secs_f64() < full);
        }
        let b = self.buckets.entry(ip).or_insert(Bucket {
            tokens: f64::from(burst),
            at: now,
        });
        let elapsed = now.duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * f64::from(rate)).min(f64::from(burst));
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn contact(&self, peer: Peer) -> String {
        let t = if peer.reliable() {
            ";transport=tcp"
        } else {
            ""
        };
        format!("<sip:council@{}{t}>", self.config.contact)
    }

    fn invite(&mut self, now: Instant, peer: Peer, req: Request) {
        if req.core.to.tag().is_some() {
            return self.reinvite(now, peer, req);
        }
        // A retransmission of an INVITE we are answering: the last response again.
        if let Some(no) = self.dialog_of(&req) {
            if let Some(bytes) = self.calls.get(&no).and_then(|c| c.last_response.clone()) {
                self.send(peer, bytes);
            }
            return;
        }
        self.stats.invites += 1;
        if !self.admit_rate(now, peer.addr.ip()) {
            self.stats.rate_limited += 1;
            let tag = self.token();
            self.reply(
                peer,
                &req,
                503,
                "Service Unavailable",
                &tag,
                &[("Retry-After", "1")],
            );
            return;
        }
        let mut local = self.config.media.clone();
        local.address = self.config.media_ip;
        let version = SessionVersion {
            id: now.elapsed().as_nanos() as u64 ^ (u64::from(self.run_id) << 32) ^ self.counter,
            version: 1,
        };
        let negotiated = match council_sdp::answer(&req.body, &local, version) {
            Ok((_, n)) => n,
            Err(e) => {
                self.stats.rejected += 1;
                let tag = self.token();
                let reason = if e.status() == 488 {
                    "Not Acceptable Here"
                } else {
                    "Bad Request"
                };
                let warning = format!("399 council \"{}\"", e.to_string().replace('"', "'"));
                self.reply(
                    peer,
                    &req,
                    e.status(),
                    reason,
                    &tag,
                    &[("Warning", &warning)],
                );
                return;
            }
        };
        let no = self.next_call;
        self.next_call += 1;
        let local_tag = self.token();
        let remote_tag = req.core.from.tag().unwrap_or_default().to_owned();
        let remote_target = req
            .core
            .contact
            .iter()
            .flatten()
            .next()
            .map(|c| c.uri.text.clone())
            .unwrap_or_else(|| format!("sip:{}", peer.addr));
        self.reply(peer, &req, 100, "Trying", &local_tag, &[]);
        let contact = self.contact(peer);
        let ringing =
            Response::reply_to(&req, 180, "Ringing", &local_tag, &[("Contact", &contact)]).ok();
        let last_response = ringing.map(|r| r.to_bytes());
        if let Some(b) = &last_response {
            self.send(peer, b.clone());
        }
        let call = Call {
            no,
            peer,
            call_id: req.core.call_id.clone(),
            remote_tag: remote_tag.clone(),
            local_tag,
            invite_key: Key::of_request(&req),
            from: req.headers.get("From").unwrap_or_default().to_owned(),
            to: req.headers.get("To").unwrap_or_default().to_owned(),
            invite: req,
            state: CallState::Starting,
            negotiated: negotiated.clone(),
            version,
            local_port: 0,
            last_response,
            retransmit: None,
            remote_target,
            local_cseq: 1,
            started: now,
        };
        self.dialogs.insert((call.call_id.clone(), remote_tag), no);
        self.calls.insert(no, call);
        self.out
            .push_back(Output::StartMedia(no, Box::new(negotiated)));
    }

    /// The SDP answer of a call, with its media port.
    fn answer_sdp(&self, call: &Call) -> Option<String> {
        let mut local = self.config.media.clone();
        local.address = self.config.media_ip;
        local.port = call.local_port;
        council_sdp::answer(&call.invite.body, &local, call.version)
            .ok()
            .map(|(sdp, _)| sdp)
    }

    /// Sends the 200 with the SDP answer and starts its retransmission.
    fn send_ok(&mut self, now: Instant, no: CallNo) {
        let Some(call) = self.calls.get(&no) else {
            return;
        };
        let Some(sdp) = self.answer_sdp(call) else {
            return;
        };
        let contact = self.contact(call.peer);
        let response = Response::reply_to(
            &call.invite,
            200,
            "OK",
            &call.local_tag,
            &[("Contact", &contact), ("Content-Type", "application/sdp")],
        )
        .map(|mut r| {
            r.body = sdp.into_bytes();
            r.to_bytes()
        });
        let Ok(bytes) = response else {
            return;
        };
        let t1 = self.config.timers.t1;
        let peer = call.peer;
        if let Some(call) = self.calls.get_mut(&no) {
            call.state = CallState::Answered;
            call.last_response = Some(bytes.clone());
            // §13.3.1.4: retransmitted until the ACK, on every transport (the ACK is end to end), giving up
            // after 64·T1.
            call.retransmit = Some((now + t1, t1, now + 64 * t1));
        }
        self.send(peer, bytes);
    }

    fn media_started(&mut self, now: Instant, no: CallNo, port: u16) {
        let Some(call) = self.calls.get_mut(&no) else {
            // The call ended while its media started.
            self.out.push_back(Output::StopMedia(no));
            return;
        };
        call.local_port = port;
        if call.state == CallState::Starting {
            self.stats.answered += 1;
            let fields = object(json!({
                "call": call.call_id,
                "protocol": "sip",
                "from": call.from,
                "to": call.to,
                "codec": call.negotiated.codec.name(),
                "payload-type": call.negotiated.payload_type,
                "remote-rtp": call.negotiated.remote.map(|a| a.to_string()),
                "local-rtp-port": port,
                "transport": call.peer.transport(),
            }));
            self.out
                .push_back(Output::Witness(council_witness::kind::CALL_BRIDGED, fields));
            self.send_ok(now, no);
        }
    }

    fn media_failed(&mut self, _now: Instant, no: CallNo, why: &str) {
        let Some(call) = self.calls.remove(&no) else {
            return;
        };
        self.dialogs
            .remove(&(call.call_id.clone(), call.remote_tag.clone()));
        self.stats.rejected += 1;
        tracing::warn!(call = %call.call_id, "media failed: {why}");
        let warning = format!("399 council \"media: {}\"", why.replace('"', "'"));
        self.reply(
            call.peer,
            &call.invite,
            500,
            "Server Internal Error",
            &call.local_tag,
            &[("Warning", &warning)],
        );
    }

    fn ack(&mut self, req: &Request) {
        if let Some(no) = self.dialog_of(req)
            && let Some(call) = self.calls.get_mut(&no)
            && call.state == CallState::Answered
        {
            call.state = CallState::Confirmed;
            call.retransmit = None;
        }
        // An ACK for a non-2xx final response (488, 487, …) needs nothing: those were sent once per INVITE.
    }

    fn reinvite(&mut self, now: Instant, peer: Peer, req: Request) {
        let Some(no) = self.dialog_of(&req) else {
            let tag = self.token();
            self.reply(
                peer,
                &req,
                481,
                "Call/Transaction Does Not Exist",
                &tag,
                &[],
            );
            return;
        };
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        if call.invite.core.cseq.seq == req.core.cseq.seq {
            // A retransmission.
            if let Some(b) = call.last_response.clone() {
                self.send(peer, b);
            }
            return;
        }
        if call.state != CallState::Confirmed {
            // §14.2: a re-INVITE while ours is pending.
            let tag = call.local_tag.clone();
            self.reply(peer, &req, 491, "Request Pending", &tag, &[]);
            return;
        }
        let mut local = self.config.media.clone();
        local.address = self.config.media_ip;
        local.port = call.local_port;
        let version = SessionVersion {
            id: call.version.id,
            version: call.version.version + 1,
        };
        match council_sdp::answer(&req.body, &local, version) {
            Ok((_, negotiated)) => {
                call.version = version;
                call.negotiated = negotiated;
                call.invite = req;
                call.invite_key = Key::of_request(&call.invite);
                self.send_ok(now, no);
            }
            Err(e) => {
                let tag = call.local_tag.clone();
                self.reply(peer, &req, e.status(), "Not Acceptable Here", &tag, &[]);
            }
        }
    }

    fn end(&mut self, no: CallNo, why: &str, now: Instant) -> Option<Call> {
        let call = self.calls.remove(&no)?;
        self.dialogs
            .remove(&(call.call_id.clone(), call.remote_tag.clone()));
        self.stats.ended += 1;
        self.out.push_back(Output::StopMedia(no));
        let fields = object(json!({
            "call": call.call_id,
            "protocol": "sip",
            "why": why,
            "seconds": now.duration_since(call.started).as_secs_f64().round(),
        }));
        self.out.push_back(Output::Witness(
            council_witness::kind::CALL_RELEASED,
            fields,
        ));
        Some(call)
    }

    fn bye(&mut self, now: Instant, peer: Peer, req: Request) {
        let Some(no) = self.dialog_of(&req) else {
            let tag = self.token();
            if let Ok(r) =
                Response::reply_to(&req, 481, "Call/Transaction Does Not Exist", &tag, &[])
            {
                self.reply_non_invite(now, peer, &req, r);
            }
            return;
        };
        let call = self.end(no, "bye", now);
        let tag = call.map(|c| c.local_tag).unwrap_or_default();
        if let Ok(r) = Response::reply_to(&req, 200, "OK", &tag, &[]) {
            self.reply_non_invite(now, peer, &req, r);
        }
    }

    fn cancel(&mut self, now: Instant, peer: Peer, req: Request) {
        // §9.2: the CANCEL matches the INVITE's transaction (same branch and sent-by).
        let target = Key::of_request(&req).and_then(|k| {
            self.calls
                .values()
                .find(|c| {
                    c.invite_key
                        .as_ref()
                        .is_some_and(|ik| ik.branch == k.branch && ik.sent_by == k.sent_by)
                })
                .map(|c| (c.no, c.state))
        });
        let tag = self.token();
        let (status, reason) = if target.is_some() {
            (200, "OK")
        } else {
            (481, "Call/Transaction Does Not Exist")
        };
        if let Ok(r) = Response::reply_to(&req, status, reason, &tag, &[]) {
            self.reply_non_invite(now, peer, &req, r);
        }
        if let Some((no, CallState::Starting)) = target
            && let Some(call) = self.end(no, "cancel", now)
        {
            self.reply(
                call.peer,
                &call.invite,
                487,
                "Request Terminated",
                &call.local_tag,
                &[],
            );
        }
    }

    /// Ends a call from our side: BYE to the caller (after the ACK; before it, RFC 3261 §15 lets the UAS
    /// send the BYE only once the 2xx was acknowledged or gave up).
    fn hang_up(&mut self, now: Instant, no: CallNo, why: &str) {
        let Some(call) = self.end(no, why, now) else {
            return;
        };
        if call.state == CallState::Starting {
            self.reply(
                call.peer,
                &call.invite,
                500,
                "Server Internal Error",
                &call.local_tag,
                &[],
            );
            return;
        }
        let branch = format!("{}{}", uas::MAGIC_COOKIE, self.token());
        let via = format!(
            "SIP/2.0/{} {};branch={branch}",
            call.peer.transport(),
            self.config.contact
        );
        // We are the UAS: our From is their To (with our tag), our To is their From.
        let from = if call.to.contains(";tag=") {
            call.to.clone()
        } else {
            format!("{};tag={}", call.to, call.local_tag)
        };
        let cseq = format!("{} BYE", call.local_cseq);
        let contact = self.contact(call.peer);
        let headers = [
            ("Via", via.as_str()),
            ("Max-Forwards", "70"),
            ("From", from.as_str()),
            ("To", call.from.as_str()),
            ("Call-ID", call.call_id.as_str()),
            ("CSeq", cseq.as_str()),
            ("Contact", contact.as_str()),
        ];
        match Request::build(&Method::Bye, &call.remote_target, &headers, &[]) {
            Ok(bye) => {
                let mut client =
                    NonInviteClient::new(&bye, call.peer.reliable(), self.config.timers, now);
                while let transaction::Output::Transmit(b) = client.poll_output() {
                    self.send(call.peer, b);
                }
                self.clients.insert(branch, (call.peer, client));
            }
            Err(e) => tracing::warn!(call = %call.call_id, "cannot build a BYE: {e}"),
        }
    }

    fn response(&mut self, now: Instant, _peer: Peer, resp: Response) {
        let Some(branch) = resp
            .core
            .via
            .first()
            .and_then(|v| v.branch())
            .map(str::to_owned)
        else {
            return;
        };
        if let Some((p, mut client)) = self.clients.remove(&branch) {
            client.handle_input(ClientInput::Receive(now, Box::new(resp)));
            self.drain_client(p, &mut client);
            if client.state() != transaction::State::Terminated {
                self.clients.insert(branch, (p, client));
            }
        }
    }

    fn drain_client(&mut self, peer: Peer, client: &mut NonInviteClient) {
        loop {
            match client.poll_output() {
                transaction::Output::Transmit(b) => self.send(peer, b),
                transaction::Output::Event(_) => {}
                _ => break,
            }
        }
    }

    fn timeout(&mut self, now: Instant) {
        // 2xx retransmissions; a call whose 2xx was never acknowledged is ended with a BYE.
        let due: Vec<CallNo> = self
            .calls
            .values()
            .filter(|c| c.retransmit.is_some_and(|(at, _, _)| at <= now))
            .map(|c| c.no)
            .collect();
        for no in due {
            let Some(call) = self.calls.get_mut(&no) else {
                continue;
            };
            let Some((_, interval, give_up)) = call.retransmit else {
                continue;
            };
            if now >= give_up {
                call.retransmit = None;
                self.hang_up(now, no, "no-ack");
                continue;
            }
            let next = (interval * 2).min(self.config.timers.t2);
            call.retransmit = Some((now + next, next, give_up));
            if let Some(b) = call.last_response.clone() {
                let peer = call.peer;
                self.send(peer, b);
            }
        }
        let keys: Vec<Key> = self.servers.keys().cloned().collect();
        for key in keys {
            if let Some((p, mut s)) = self.servers.remove(&key) {
                s.handle_input(ServerInput::Timeout(now));
                self.drain_server(p, &mut s);
                if !matches!(s.poll_output(), transaction::Output::Done) {
                    self.servers.insert(key, (p, s));
                }
            }
        }
        let branches: Vec<String> = self.clients.keys().cloned().collect();
        for b in branches {
            if let Some((p, mut c)) = self.clients.remove(&b) {
                c.handle_input(ClientInput::Timeout(now));
                self.drain_client(p, &mut c);
                if c.state() != transaction::State::Terminated {
                    self.clients.insert(b, (p, c));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use council_sip::parse_datagram;

    const CALLER: &str = "127.0.0.1:45061";

    fn ua() -> Ua {
        let contact: SocketAddr = "127.0.0.1:5999".parse().unwrap();
        Ua::new(
            UaConfig {
                contact,
                media_ip: contact.ip(),
                media: LocalMedia::new(contact.ip(), 0),
                invite_rate: 2,
                invite_burst: 2,
                timers: Timers::default(),
            },
            7,
        )
    }

    fn invite(call: &str, branch: &str) -> Box<Message> {
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        let text = format!(
            "INVITE sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch}\r\nMax-Forwards: 70\r\n\
             From: <sip:ada@127.0.0.1>;tag=a1\r\nTo: <sip:council@127.0.0.1>\r\nCall-ID: {call}\r\nCSeq: 1 INVITE\r\n\
             Contact: <sip:ada@{CALLER}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        );
        Box::new(parse_datagram(text.as_bytes()).unwrap())
    }

    fn in_dialog(method: &str, call: &str, to_tag: &str, cseq: u32, branch: &str) -> Box<Message> {
        let text = format!(
            "{method} sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch}\r\nMax-Forwards: 70\r\n\
             From: <sip:ada@127.0.0.1>;tag=a1\r\nTo: <sip:council@127.0.0.1>;tag={to_tag}\r\nCall-ID: {call}\r\n\
             CSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        );
        Box::new(parse_datagram(text.as_bytes()).unwrap())
    }

    fn peer() -> Peer {
        Peer {
            addr: CALLER.parse().unwrap(),
            conn: None,
        }
    }

    /// Status codes sent, and the other outputs.
    fn drain(ua: &mut Ua) -> (Vec<(u16, String)>, Vec<Output>) {
        let (mut sent, mut other) = (Vec::new(), Vec::new());
        while let Some(o) = ua.poll_output() {
            match o {
                Output::Send(_, bytes) => match parse_datagram(&bytes).unwrap() {
                    Message::Response(r) => {
                        sent.push((r.status, String::from_utf8_lossy(&bytes).into_owned()))
                    }
                    Message::Request(r) => sent.push((0, r.method.to_string())),
                },
                o => other.push(o),
            }
        }
        (sent, other)
    }

    #[test]
    fn a_call_from_invite_to_bye() {
        let mut ua = ua();
        let t0 = Instant::now();
        ua.handle(Input::Message(t0, peer(), invite("c1", "z9hG4bK1")));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [100, 180]);
        let Output::StartMedia(no, n) = &other[0] else {
            panic!("{other:?}")
        };
        assert_eq!(n.remote, Some("127.0.0.1:6000".parse().unwrap()));
        let no = *no;
        // A retransmitted INVITE gets the 180 again, and starts nothing.
        ua.handle(Input::Message(t0, peer(), invite("c1", "z9hG4bK1")));
        let (sent, other) = drain(&mut ua);
        assert_eq!((sent.len(), sent[0].0, other.len()), (1, 180, 0));
        ua.handle(Input::MediaStarted(t0, no, 30000));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 200);
        assert!(
            sent[0].1.contains("m=audio 30000 RTP/AVP 0"),
            "{}",
            sent[0].1
        );
        assert!(matches!(&other[0], Output::Witness("call-bridged", _)));
        let to_tag = sent[0]
            .1
            .lines()
            .find(|l| l.starts_with("To:"))
            .unwrap()
            .split("tag=")
            .nth(1)
            .unwrap()
            .trim()
            .to_owned();
        // No ACK yet: the 200 is retransmitted at T1.
        ua.handle(Input::Timeout(t0 + Duration::from_millis(500)));
        assert_eq!(drain(&mut ua).0[0].0, 200);
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "c1", &to_tag, 1, "z9hG4bK2"),
        ));
        ua.handle(Input::Timeout(t0 + Duration::from_secs(2)));
        assert!(
            drain(&mut ua).0.is_empty(),
            "acknowledged: no more retransmissions"
        );
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("BYE", "c1", &to_tag, 2, "z9hG4bK3"),
        ));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 200);
        assert!(other.contains(&Output::StopMedia(no)));
        assert_eq!(ua.calls(), 0);
        // The BYE again (our 200 was lost): the same 200, from the server transaction.
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("BYE", "c1", &to_tag, 2, "z9hG4bK3"),
        ));
        assert_eq!(drain(&mut ua).0[0].0, 200);
        // After timer J the transaction is gone.
        ua.handle(Input::Timeout(t0 + Duration::from_secs(40)));
        assert_eq!(ua.transactions(), 0);
    }

    #[test]
    fn cancel_rate_limit_and_unknown_dialogs() {
        let mut ua = ua();
        let t0 = Instant::now();
        ua.handle(Input::Message(t0, peer(), invite("c2", "z9hG4bKa")));
        drain(&mut ua);
        let cancel = {
            let text = format!(
                "CANCEL sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch=z9hG4bKa\r\nMax-Forwards: 70\r\n\
                 From: <sip:ada@127.0.0.1>;tag=a1\r\nTo: <sip:council@127.0.0.1>\r\nCall-ID: c2\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
            );
            Box::new(parse_datagram(text.as_bytes()).unwrap())
        };
        ua.handle(Input::Message(t0, peer(), cancel));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [200, 487]);
        assert!(matches!(other[0], Output::StopMedia(_)));
        // Burst 2 at 2/s: the third INVITE in the same instant is turned away.
        ua.handle(Input::Message(t0, peer(), invite("c3", "z9hG4bKb")));
        ua.handle(Input::Message(t0, peer(), invite("c4", "z9hG4bKc")));
        let (sent, _) = drain(&mut ua);
        assert_eq!(sent.last().unwrap().0, 503);
        assert_eq!(ua.stats().rate_limited, 1);
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("BYE", "nope", "x", 2, "z9hG4bKd"),
        ));
        assert_eq!(drain(&mut ua).0[0].0, 481);
    }
}
