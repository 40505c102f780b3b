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
//! - re-INVITE in the dialog (hold/resume, another codec or address): a new answer in a new 200, retransmitted
//!   likewise; another codec passes the bandwidth gate again (refused: 488 with the gate's Warning, the session
//!   stays as it was). The ACK of a 2xx must carry the INVITE's CSeq number.
//! - CANCEL of a pending INVITE: 200 for the CANCEL (with the INVITE responses' To tag), 487 for the INVITE;
//!   otherwise 481 (or 200 if answered).
//! - BYE: 200, media stopped, call gone; an unknown dialog gets 481.
//! - OPTIONS: 200 with Allow/Accept/Supported. Anything else: what `council_sip::uas` decides (405/501/416/…).
//! - Retransmitted non-INVITE requests get the same response again (`NonInviteServer`, timer J).
//!
//! A media session that ends by itself (RTP timeout, error) ends its call: a BYE goes to the caller, sent
//! through a `NonInviteClient` (retransmitted over UDP).
//!
//! Proxies that record-route stay on the dialog's path (§12.1): the INVITE's Record-Route values are copied into
//! the 180 and the 200 as written, and are the route set of the requests we send in the dialog (a 2xx's, reversed,
//! for a call we placed): Route headers, and the first proxy as the next hop (§12.2.1.1; strict routers too).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use council_gates::{AdmissionRequest, Caller, Destination, Gates, GatesConfig, Role, Verified};
use council_sdp::{LocalMedia, Negotiated, SessionVersion};
use council_sip::auth::{AuthResult, Challenger, Secret};
use council_sip::transaction::{
    self, ClientInput, InviteClient, InviteServer, Key, NonInviteClient, NonInviteServer,
    ServerInput, Timers,
};
use council_sip::uas::{self, UasPolicy, Verdict};
use council_sip::{Message, Method, ParseError, Request, Response, RouteValue};
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

/// The Record-Route headers of `req`, as written, for the responses that establish its dialog (§12.1.1).
fn record_route(req: &Request) -> impl Iterator<Item = (&'static str, &str)> {
    req.core
        .record_route
        .iter()
        .map(|r| ("Record-Route", r.text.as_str()))
}

/// How a request of ours in a dialog is sent (RFC 3261 §12.2.1.1): its Request-URI, its Route header values, and
/// the next hop.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Routing {
    uri: String,
    routes: Vec<String>,
    peer: Peer,
}

impl Routing {
    /// Without a route set, straight to the remote target over `peer` (where the dialog's requests came from). A
    /// loose router first: the remote target as Request-URI, the whole route set as Route. A strict router
    /// first: its URI (without `?headers`) as Request-URI, the rest and the remote target as Route. A route set
    /// with other than `sip:` URIs is not followed.
    ///
    /// The next hop: over TCP the connection the dialog has; over UDP the first route's address when it is a
    /// `sip:` URI for UDP with an IP address of `peer`'s family that can be sent to (unicast, a port); otherwise
    /// (a name is not resolved; a `sips:` or TCP route is not reached over UDP) `peer`. Whatever a caller writes,
    /// our requests never go to an address no UDP request should.
    fn of(route_set: &[RouteValue], remote_target: &str, peer: Peer) -> Self {
        let direct = || Self {
            uri: remote_target.to_owned(),
            routes: Vec::new(),
            peer,
        };
        let Some(first) = route_set.first() else {
            return direct();
        };
        if route_set.iter().any(|r| r.addr.uri.sip.is_none()) {
            return direct();
        }
        let hop = first
            .addr
            .uri
            .sip
            .as_ref()
            .filter(|u| !peer.reliable() && !u.secure)
            .filter(|u| {
                council_sip::message::find_param(&u.params, "transport").is_none_or(|t| {
                    t.value
                        .as_deref()
                        .is_some_and(|v| v.eq_ignore_ascii_case("udp"))
                })
            })
            .and_then(|u| {
                let host = u.host.trim_start_matches('[').trim_end_matches(']');
                let ip: IpAddr = host.parse().ok()?;
                let port = u.port.unwrap_or(5060);
                let unicast = match ip {
                    IpAddr::V4(v4) => {
                        !(v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast())
                    }
                    IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
                };
                (unicast && port != 0 && ip.is_ipv4() == peer.addr.is_ipv4())
                    .then(|| SocketAddr::new(ip, port))
            })
            .map_or(peer, |addr| Peer { addr, conn: None });
        let texts = route_set.iter().map(|r| r.text.clone());
        if first.loose() {
            Self {
                uri: remote_target.to_owned(),
                routes: texts.collect(),
                peer: hop,
            }
        } else {
            let uri = &first.addr.uri.text;
            Self {
                uri: uri.split('?').next().unwrap_or(uri).to_owned(),
                routes: texts
                    .skip(1)
                    .chain([format!("<{remote_target}>")])
                    .collect(),
                peer: hop,
            }
        }
    }
}

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
    /// Start the call's media per the negotiation, receiving on this port (0: any free one); answer with
    /// `MediaStarted` or `MediaFailed`.
    StartMedia(CallNo, Box<Negotiated>, u16),
    StopMedia(CallNo),
    /// The call's media changes (re-INVITE): stop its session, and start one per the new negotiation on the same
    /// port if it sends anything (none while held); answer with `MediaStarted` when it does.
    RestartMedia(CallNo, Box<Negotiated>, u16),
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
    /// Digest authentication of callers; `None`: callers are trusted (`auth = "none"`).
    pub auth: Option<Challenger>,
    /// User name → password, for digest.
    pub users: HashMap<String, String>,
    /// The admission gates.
    pub gates: GatesConfig,
    /// Wall-clock seconds (Unix) at `epoch`: digest nonces carry wall-clock time, and the UA reads no clock.
    pub epoch: (Instant, u64),
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
    /// The proxies our requests in the dialog go through, first hop first (§12.1.1, §12.1.2).
    route_set: Vec<RouteValue>,
    from: String,
    to: String,
    local_cseq: u32,
    started: Instant,
    /// We placed the call (our From, their To); otherwise they did.
    uac: bool,
    /// The endpoint the gates admitted this call for (`None`: not through the gates).
    gate_endpoint: Option<String>,
    /// The council the gates admitted the call into (answered calls).
    council: Option<String>,
    /// Its media has been up once (answered and witnessed as bridged; a re-INVITE's new session is not).
    bridged: bool,
}

/// A call we are placing, until its final response.
#[derive(Debug)]
struct Outgoing {
    peer: Peer,
    invite: Request,
    client: InviteClient,
    branch: String,
    /// Our From (with our tag) and their To, as sent.
    from: String,
    to: String,
    call_id: String,
    local_tag: String,
    local: LocalMedia,
    version: SessionVersion,
    /// A provisional response came: a CANCEL may be sent (§9.1).
    proceeding: bool,
    /// Cancelled before any provisional response: the CANCEL waits for one.
    cancel_pending: bool,
    /// A final non-2xx response came: kept only while the transaction ACKs its retransmissions (timer D).
    failed: bool,
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
    gates: Gates,
    policy: UasPolicy,
    calls: HashMap<CallNo, Call>,
    /// (Call-ID, caller's tag) → call.
    dialogs: HashMap<(String, String), CallNo>,
    servers: HashMap<Key, (Peer, NonInviteServer)>,
    /// INVITEs answered with a final non-2xx response: their transaction retransmits it until the ACK (timer
    /// G/H) and absorbs retransmitted INVITEs and ACKs (timer I).
    invite_servers: HashMap<Key, (Peer, InviteServer)>,
    clients: HashMap<String, (Peer, NonInviteClient)>,
    outgoing: HashMap<CallNo, Outgoing>,
    /// The ACK of each call we placed and its next hop, for retransmitted 2xx responses.
    acks: HashMap<CallNo, (Peer, Vec<u8>)>,
    buckets: HashMap<IpAddr, Bucket>,
    out: VecDeque<Output>,
    next_call: CallNo,
    /// A counter for tags and branches, unique within this run; with `run_id`, unique across runs.
    counter: u64,
    run_id: u32,
    stats: Stats,
    /// The time of the input being handled (for replies made deep in a handler).
    now: Instant,
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl Ua {
    pub fn new(config: UaConfig, run_id: u32) -> Result<Self, council_gates::ConfigError> {
        let config_epoch_instant = config.epoch.0;
        Ok(Self {
            gates: Gates::new(config.gates.clone())?,
            config,
            policy: UasPolicy::default(),
            calls: HashMap::new(),
            dialogs: HashMap::new(),
            servers: HashMap::new(),
            invite_servers: HashMap::new(),
            clients: HashMap::new(),
            outgoing: HashMap::new(),
            acks: HashMap::new(),
            buckets: HashMap::new(),
            out: VecDeque::new(),
            next_call: 1,
            counter: 0,
            run_id,
            stats: Stats::default(),
            now: config_epoch_instant,
        })
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Calls in progress.
    /// The council call `no` was admitted into (answered calls; `None` for calls we placed).
    pub fn council_of(&self, no: CallNo) -> Option<String> {
        self.calls.get(&no).and_then(|c| c.council.clone())
    }

    /// Whether call `no` is up (or being set up).
    pub fn has_call(&self, no: CallNo) -> bool {
        self.calls.contains_key(&no)
    }

    pub fn calls(&self) -> usize {
        self.calls.len() + self.outgoing.values().filter(|o| !o.failed).count()
    }

    /// Client transactions still waiting for their final response (a BYE or CANCEL of ours).
    pub fn pending_requests(&self) -> usize {
        self.clients
            .values()
            .filter(|(_, c)| {
                matches!(
                    c.state(),
                    transaction::State::Trying | transaction::State::Proceeding
                )
            })
            .count()
    }

    /// Transactions held (server and client), for leak checks.
    pub fn transactions(&self) -> usize {
        self.servers.len() + self.clients.len() + self.invite_servers.len()
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
        let deadline = 64 * self.config.timers.t1;
        let calls = self.calls.values().filter_map(|c| {
            c.retransmit
                .map(|(at, _, _)| at)
                .or_else(|| (c.state == CallState::Starting).then(|| c.started + deadline))
        });
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
        for o in self.outgoing.values_mut() {
            if let transaction::Output::Timeout(t) = o.client.poll_output() {
                earliest(t);
            }
        }
        for (_, s) in self.invite_servers.values_mut() {
            if let transaction::Output::Timeout(t) = s.poll_output() {
                earliest(t);
            }
        }
        next
    }

    pub fn handle(&mut self, input: Input) {
        self.now = match &input {
            Input::Message(t, ..)
            | Input::MediaStarted(t, ..)
            | Input::MediaFailed(t, ..)
            | Input::MediaEnded(t, ..)
            | Input::Timeout(t) => *t,
            Input::Bad(..) => self.now,
        };
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
        // Answer with what could be read of the request (§8.2.6 needs Via, From, To, Call-ID, CSeq), copied as
        // it was: a malformed header must not stop the answer.
        let tag = self.token();
        let bytes = raw_response(&e.headers, status, &e.reason(), &tag, &[]);
        self.send(peer, bytes);
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
        let bytes = response_bytes(req, status, reason, tag, extra);
        // A final non-2xx answer to an INVITE goes through an INVITE server transaction (RFC 3261 §17.2.1), so
        // it is repeated until the caller's ACK comes; 1xx and 2xx are the user agent's own to repeat.
        if req.method == Method::Invite
            && status >= 300
            && let Some(key) = Key::of_request(req)
            && let Ok(Message::Response(response)) = council_sip::parse_datagram(&bytes)
        {
            let now = self.now;
            let mut server = InviteServer::new(peer.reliable(), self.config.timers);
            server.handle_input(ServerInput::Respond(now, Box::new(response)));
            self.drain_invite_server(peer, &mut server);
            self.invite_servers.insert(key, (peer, server));
            return;
        }
        self.send(peer, bytes);
    }

    fn drain_invite_server(&mut self, peer: Peer, server: &mut InviteServer) -> bool {
        loop {
            match server.poll_output() {
                transaction::Output::Transmit(b) => self.send(peer, b),
                transaction::Output::Event(_) => {}
                transaction::Output::Done => return false,
                _ => return true,
            }
        }
    }

    /// Answers a non-INVITE request through a server transaction (so retransmissions get the same answer).
    #[allow(clippy::too_many_arguments)]
    fn reply_non_invite(
        &mut self,
        now: Instant,
        peer: Peer,
        req: &Request,
        status: u16,
        reason: &str,
        tag: &str,
        extra: &[(&str, &str)],
    ) {
        let bytes = response_bytes(req, status, reason, tag, extra);
        // The transaction takes a parsed response; ours parse unless the request's own headers were odd (RFC
        // 4475 sends such on purpose), and those go out without a transaction.
        let (Some(key), Ok(Message::Response(response))) =
            (Key::of_request(req), council_sip::parse_datagram(&bytes))
        else {
            self.send(peer, bytes);
            return;
        };
        let mut server = NonInviteServer::new(peer.reliable(), self.config.timers);
        server.handle_input(ServerInput::Respond(now, Box::new(response)));
        self.drain_server(peer, &mut server);
        if !matches!(server.poll_output(), transaction::Output::Done) {
            self.servers.insert(key, (peer, server));
        }
    }

    fn drain_server(&mut self, peer: Peer, server: &mut NonInviteServer) {
        while let transaction::Output::Transmit(bytes) = server.poll_output() {
            self.send(peer, bytes);
        }
    }

    fn request(&mut self, now: Instant, peer: Peer, req: Request) {
        // The INVITE again, or the ACK, of an INVITE we refused: its transaction answers.
        if matches!(req.method, Method::Invite | Method::Ack)
            && let Some(key) = Key::of_request(&req)
            && let Some((_, mut server)) = self.invite_servers.remove(&key)
        {
            server.handle_input(ServerInput::Receive(now, Box::new(req)));
            if self.drain_invite_server(peer, &mut server) {
                self.invite_servers.insert(key, (peer, server));
            }
            return;
        }
        // A retransmitted non-INVITE request: its transaction answers again.
        if req.method != Method::Invite
            && req.method != Method::Ack
            && let Some(key) = Key::of_request(&req)
            && let Some((_, mut server)) = self.servers.remove(&key)
        {
            // The answer goes where the retransmission came from (a NAT may have moved the sender).
            server.handle_input(ServerInput::Receive(now, Box::new(req)));
            self.drain_server(peer, &mut server);
            self.servers.insert(key, (peer, server));
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
                if req.method == Method::Invite {
                    self.reply(peer, &req, status, reason, &tag, &extra);
                } else {
                    self.reply_non_invite(now, peer, &req, status, reason, &tag, &extra);
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
                let extra = [
                    ("Allow", allow),
                    ("Accept", "application/sdp"),
                    ("Supported", ""),
                ];
                self.reply_non_invite(now, peer, &req, 200, "OK", &tag, &extra);
            }
            _ => {
                let tag = self.token();
                self.reply_non_invite(now, peer, &req, 501, "Not Implemented", &tag, &[]);
            }
        }
    }

    fn dialog_of(&self, req: &Request) -> Option<CallNo> {
        // An RFC 2543 caller sends no From tag: its dialog is known by the Call-ID alone.
        let remote_tag = req.core.from.tag().unwrap_or_default();
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

    fn unix(&self, now: Instant) -> u64 {
        let (at, unix) = self.config.epoch;
        unix + now.saturating_duration_since(at).as_secs()
    }

    /// Who is calling: `Some((how verified, who))` to go on; `None` when a 401/403/400 went out instead.
    fn authenticate(
        &mut self,
        now: Instant,
        peer: Peer,
        req: &Request,
    ) -> Option<(Verified, String)> {
        let from = &req.core.from.uri;
        let aor = from
            .sip
            .as_ref()
            .map(|u| format!("{}@{}", u.user.clone().unwrap_or_default(), u.host))
            .unwrap_or_else(|| from.text.clone());
        let Some(challenger) = self.config.auth.clone() else {
            return Some((Verified::Trusted, aor));
        };
        let unix = self.unix(now);
        let users = &self.config.users;
        let result = challenger.verify_request(req, unix, |u| {
            users.get(u).map(|p| Secret::Password(p.clone()))
        });
        let tag = self.token();
        match result {
            AuthResult::Authenticated { user, .. } => Some((Verified::Authenticated, user)),
            AuthResult::Challenge | AuthResult::Stale => {
                let stale = matches!(result, AuthResult::Stale);
                let values = challenger.challenge(unix, stale);
                let extra: Vec<(&str, &str)> = values
                    .iter()
                    .map(|v| ("WWW-Authenticate", v.as_str()))
                    .collect();
                self.reply(peer, req, 401, "Unauthorized", &tag, &extra);
                None
            }
            AuthResult::Forbidden { user } => {
                // Wrong credentials end here, whatever the roster says (its exemption is for callers that
                // present none, never for ones that fail), witnessed as the identity gate's refusal.
                self.stats.rejected += 1;
                let fields = object(json!({
                    "call": req.core.call_id,
                    "endpoint": user,
                    "aliases": [user],
                    "protocol": "sip",
                    "role": Role::Expert.as_str(),
                    "verified": Verified::Unauthenticated.as_str(),
                    "gate": council_gates::Gate::Identity.name(),
                    "reason": council_gates::Reason::NotAuthenticated.code(),
                    "detail": "wrong digest credentials",
                }));
                self.out.push_back(Output::Witness(
                    council_witness::kind::CALL_REJECTED,
                    fields,
                ));
                self.reply(peer, req, 403, "Forbidden", &tag, &[]);
                None
            }
            AuthResult::BadRequest(e) => {
                let reason = format!("Bad Authorization: {e}");
                self.reply(peer, req, 400, &reason, &tag, &[]);
                None
            }
        }
    }

    /// The four gates for a SIP caller: `Some(endpoint)` if admitted; otherwise the refusal went out. Every
    /// decision is witnessed.
    fn admit(
        &mut self,
        req: &Request,
        peer: Peer,
        verified: Verified,
        who: &str,
        negotiated: &Negotiated,
    ) -> Option<(String, String)> {
        let wanted = req
            .uri
            .sip
            .as_ref()
            .and_then(|u| u.user.clone())
            .unwrap_or_default();
        let council = if self.gates.config().council(&wanted).is_some() {
            wanted
        } else {
            self.gates
                .config()
                .councils
                .first()
                .map(|c| c.name.clone())
                .unwrap_or(wanted)
        };
        let bandwidth = bandwidth_of(negotiated.codec);
        let aliases = [who.to_owned()];
        let decision = self.gates.admit(&AdmissionRequest {
            call: &req.core.call_id,
            caller: Caller {
                endpoint: who,
                aliases: &aliases,
                verified,
                role: Role::Expert,
            },
            destination: Destination::Council(&council),
            bandwidth,
        });
        let mut fields = decision.witness_fields();
        fields.insert("protocol".into(), "sip".into());
        fields.insert("codec".into(), negotiated.codec.name().into());
        self.out
            .push_back(Output::Witness(decision.witness_kind(), fields));
        match decision.outcome {
            Ok(()) => Some((who.to_owned(), council)),
            Err(rejection) => {
                self.stats.rejected += 1;
                let (status, reason) = sip_refusal(&rejection.reason);
                let warning = format!(
                    "399 council \"{} gate: {}\"",
                    rejection.gate.name(),
                    rejection.reason.code()
                );
                let tag = self.token();
                self.reply(peer, req, status, reason, &tag, &[("Warning", &warning)]);
                None
            }
        }
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
        // §8.2.2.2: the same Call-ID from another From tag is a merged request (a fork that came back, or a
        // caller reusing a Call-ID); one call per Call-ID keeps the gates' accounting per call.
        if self.calls.values().any(|c| c.call_id == req.core.call_id) {
            let tag = self.token();
            self.reply(peer, &req, 482, "Loop Detected", &tag, &[]);
            return;
        }
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
        // Identity: digest, or trusted by configuration.
        let (verified, who) = match self.authenticate(now, peer, &req) {
            Some(v) => v,
            None => return,
        };
        let mut local = self.config.media.clone();
        local.address = self.config.media_ip;
        let version = SessionVersion {
            id: (u64::from(self.run_id) << 32) | self.next_call,
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
        let Some((admitted_endpoint, council)) =
            self.admit(&req, peer, verified, &who, &negotiated)
        else {
            return;
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
        let mut headers = vec![("Contact", contact.as_str())];
        headers.extend(record_route(&req));
        let ringing = Response::reply_to(&req, 180, "Ringing", &local_tag, &headers).ok();
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
            route_set: req.core.record_route.clone(),
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
            uac: false,
            gate_endpoint: Some(admitted_endpoint),
            council: Some(council),
            bridged: false,
        };
        self.dialogs.insert((call.call_id.clone(), remote_tag), no);
        self.calls.insert(no, call);
        self.out
            .push_back(Output::StartMedia(no, Box::new(negotiated), 0));
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
        let mut headers = vec![
            ("Contact", contact.as_str()),
            ("Content-Type", "application/sdp"),
        ];
        headers.extend(record_route(&call.invite));
        let response =
            Response::reply_to(&call.invite, 200, "OK", &call.local_tag, &headers).map(|mut r| {
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
        if !call.bridged {
            call.bridged = true;
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
                "council": call.council,
            }));
            self.out
                .push_back(Output::Witness(council_witness::kind::CALL_BRIDGED, fields));
            if !call.uac {
                self.send_ok(now, no);
            }
        }
    }

    fn media_failed(&mut self, now: Instant, no: CallNo, why: &str) {
        tracing::warn!(call = no, "media failed: {why}");
        let Some((uac, state)) = self.calls.get(&no).map(|c| (c.uac, c.state)) else {
            return;
        };
        if uac || state != CallState::Starting {
            // An established call (placed by us, or whose media changed with a re-INVITE): end it with a BYE.
            return self.hang_up(now, no, "media-failed");
        }
        let Some(call) = self.end(no, "media-failed", now) else {
            return;
        };
        self.stats.rejected += 1;
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
        // §13.2.2.4: the ACK of a 2xx carries the INVITE's CSeq number; another one acknowledges nothing of ours.
        if let Some(no) = self.dialog_of(req)
            && let Some(call) = self.calls.get_mut(&no)
            && call.state == CallState::Answered
            && req.core.cseq.seq == call.invite.core.cseq.seq
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
                // Another codec takes another bandwidth: the bandwidth gate decides again (its refusal keeps the
                // session as it was, §14.2).
                if negotiated.codec != call.negotiated.codec
                    && let Some(endpoint) = &call.gate_endpoint
                    && let Some(Err(rejection)) = self.gates.change_bandwidth(
                        &call.call_id,
                        endpoint,
                        bandwidth_of(negotiated.codec),
                    )
                {
                    let warning = format!(
                        "399 council \"{} gate: {}\"",
                        rejection.gate.name(),
                        rejection.reason.code()
                    );
                    let tag = call.local_tag.clone();
                    self.reply(
                        peer,
                        &req,
                        488,
                        "Not Acceptable Here",
                        &tag,
                        &[("Warning", &warning)],
                    );
                    return;
                }
                let Some(call) = self.calls.get_mut(&no) else {
                    return;
                };
                call.version = version;
                call.negotiated = negotiated.clone();
                // §12.2.2: a re-INVITE refreshes the remote target (its Contact); the route set stays. Its
                // responses go back the way it came.
                if let Some(contact) = req.core.contact.iter().flatten().next() {
                    call.remote_target = contact.uri.text.clone();
                }
                call.peer = peer;
                call.invite = req;
                call.invite_key = Key::of_request(&call.invite);
                let port = call.local_port;
                // The media follows the new answer: another codec or address, or hold (nothing sent) and resume.
                self.out
                    .push_back(Output::RestartMedia(no, Box::new(negotiated), port));
                self.send_ok(now, no);
            }
            Err(e) => {
                let tag = call.local_tag.clone();
                self.reply(peer, &req, e.status(), "Not Acceptable Here", &tag, &[]);
            }
        }
    }

    fn end(&mut self, no: CallNo, why: &str, now: Instant) -> Option<Call> {
        self.acks.remove(&no);
        let call = self.calls.remove(&no)?;
        if let Some(endpoint) = &call.gate_endpoint {
            self.gates.release(&call.call_id, endpoint);
        }
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
            self.reply_non_invite(
                now,
                peer,
                &req,
                481,
                "Call/Transaction Does Not Exist",
                &tag,
                &[],
            );
            return;
        };
        let call = self.end(no, "bye", now);
        let tag = call.map(|c| c.local_tag).unwrap_or_default();
        self.reply_non_invite(now, peer, &req, 200, "OK", &tag, &[]);
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
                .map(|c| (c.no, c.state, c.local_tag.clone()))
        });
        // §9.2: the 200 to a CANCEL carries the To tag of the INVITE's responses.
        let tag = match &target {
            Some((_, _, tag)) => tag.clone(),
            None => self.token(),
        };
        let (status, reason) = if target.is_some() {
            (200, "OK")
        } else {
            (481, "Call/Transaction Does Not Exist")
        };
        self.reply_non_invite(now, peer, &req, status, reason, &tag, &[]);
        if let Some((no, CallState::Starting, _)) = target
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
        // As the UAS our From is their To (with our tag) and our To their From; as the UAC both are as sent
        // and answered (`to` carries their tag).
        let (from, to) = if call.uac {
            (call.from.clone(), call.to.clone())
        } else if call.to.contains(";tag=") {
            (call.to.clone(), call.from.clone())
        } else {
            (
                format!("{};tag={}", call.to, call.local_tag),
                call.from.clone(),
            )
        };
        let cseq = format!("{} BYE", call.local_cseq);
        let contact = self.contact(call.peer);
        let routing = Routing::of(&call.route_set, &call.remote_target, call.peer);
        let mut headers = vec![
            ("Via", via.as_str()),
            ("Max-Forwards", "70"),
            ("From", from.as_str()),
            ("To", to.as_str()),
            ("Call-ID", call.call_id.as_str()),
            ("CSeq", cseq.as_str()),
            ("Contact", contact.as_str()),
        ];
        headers.extend(routing.routes.iter().map(|r| ("Route", r.as_str())));
        match Request::build(&Method::Bye, &routing.uri, &headers, &[]) {
            Ok(bye) => {
                let peer = routing.peer;
                let mut client =
                    NonInviteClient::new(&bye, peer.reliable(), self.config.timers, now);
                while let transaction::Output::Transmit(b) = client.poll_output() {
                    self.send(peer, b);
                }
                self.clients.insert(branch, (peer, client));
            }
            Err(e) => tracing::warn!(call = %call.call_id, "cannot build a BYE: {e}"),
        }
    }

    /// Places a call to `target` (a SIP URI) at `peer` from `from_uri`, offering `local` media (its port must
    /// be one the run loop reserved). The media session starts (`Output::StartMedia`) once the callee answers.
    pub fn place_call(
        &mut self,
        now: Instant,
        peer: Peer,
        target: &str,
        from_uri: &str,
        local: LocalMedia,
    ) -> Result<CallNo, council_sip::ParseError> {
        let no = self.next_call;
        self.next_call += 1;
        let local_tag = self.token();
        let branch = format!("{}{}", uas::MAGIC_COOKIE, self.token());
        let call_id = format!("{}@{}", self.token(), self.config.contact.ip());
        let version = SessionVersion {
            id: u64::from(self.run_id) << 32 | no,
            version: 1,
        };
        let offer = council_sdp::offer(&local, version);
        let via = format!(
            "SIP/2.0/{} {};branch={branch}",
            peer.transport(),
            self.config.contact
        );
        let from = format!("<{from_uri}>;tag={local_tag}");
        let to = format!("<{target}>");
        let contact = self.contact(peer);
        let invite = Request::build(
            &Method::Invite,
            target,
            &[
                ("Via", via.as_str()),
                ("Max-Forwards", "70"),
                ("From", from.as_str()),
                ("To", to.as_str()),
                ("Call-ID", call_id.as_str()),
                ("CSeq", "1 INVITE"),
                ("Contact", contact.as_str()),
                ("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS"),
                ("Content-Type", "application/sdp"),
            ],
            offer.as_bytes(),
        )?;
        let mut client = InviteClient::new(&invite, peer.reliable(), self.config.timers, now);
        while let transaction::Output::Transmit(b) = client.poll_output() {
            self.send(peer, b);
        }
        self.outgoing.insert(
            no,
            Outgoing {
                peer,
                invite,
                client,
                branch,
                from,
                to,
                call_id,
                local_tag,
                local,
                version,
                proceeding: false,
                cancel_pending: false,
                failed: false,
                started: now,
            },
        );
        Ok(no)
    }

    /// Ends every call (the daemon is stopping): BYE or CANCEL each, and witness their release.
    pub fn shutdown(&mut self, now: Instant) {
        let placing: Vec<CallNo> = self.outgoing.keys().copied().collect();
        for no in placing {
            self.end_call(now, no);
        }
        let up: Vec<CallNo> = self.calls.keys().copied().collect();
        for no in up {
            self.hang_up(now, no, "shutdown");
        }
    }

    /// Ends a call we placed or answered: CANCEL while it is unanswered (once a provisional response came),
    /// BYE once it is established.
    pub fn end_call(&mut self, now: Instant, no: CallNo) {
        if let Some(o) = self.outgoing.get_mut(&no) {
            if o.proceeding {
                self.send_cancel(now, no);
            } else {
                o.cancel_pending = true;
            }
            return;
        }
        self.hang_up(now, no, "local");
    }

    fn send_cancel(&mut self, now: Instant, no: CallNo) {
        let Some(o) = self.outgoing.get(&no) else {
            return;
        };
        // §9.1: same Request-URI, Call-ID, From, To (no tag), top Via and CSeq number as the INVITE.
        let via = o.invite.headers.get("Via").unwrap_or_default().to_owned();
        let headers = [
            ("Via", via.as_str()),
            ("Max-Forwards", "70"),
            ("From", o.from.as_str()),
            ("To", o.to.as_str()),
            ("Call-ID", o.call_id.as_str()),
            ("CSeq", "1 CANCEL"),
        ];
        let (peer, branch) = (o.peer, o.branch.clone());
        match Request::build(&Method::Cancel, &o.invite.uri.text, &headers, &[]) {
            Ok(cancel) => {
                let mut client =
                    NonInviteClient::new(&cancel, peer.reliable(), self.config.timers, now);
                self.drain_client(peer, &mut client);
                self.clients
                    .insert(format!("{branch}/CANCEL"), (peer, client));
            }
            Err(e) => tracing::warn!("cannot build a CANCEL: {e}"),
        }
    }

    fn outgoing_response(&mut self, now: Instant, no: CallNo, resp: Response) {
        let Some(mut o) = self.outgoing.remove(&no) else {
            return;
        };
        o.client
            .handle_input(ClientInput::Receive(now, Box::new(resp)));
        let mut finals = Vec::new();
        loop {
            match o.client.poll_output() {
                transaction::Output::Transmit(b) => self.send(o.peer, b),
                transaction::Output::Event(transaction::Event::Response(r)) => finals.push(r),
                transaction::Output::Event(_) => finals.clear(),
                _ => break,
            }
        }
        let mut placed = Some(o);
        for r in finals {
            let Some(o) = placed.take() else { break };
            if r.status < 200 {
                let cancel = !o.proceeding && o.cancel_pending;
                placed = Some(Outgoing {
                    proceeding: true,
                    ..o
                });
                if cancel {
                    self.outgoing.insert(no, placed.take().expect("just set"));
                    self.send_cancel(now, no);
                    placed = self.outgoing.remove(&no);
                }
            } else if r.status < 300 {
                self.answered(now, no, o, &r);
            } else {
                self.stats.rejected += 1;
                let fields = object(json!({
                    "call": o.call_id,
                    "protocol": "sip",
                    "why": format!("{} {}", r.status, r.reason),
                    "seconds": now.duration_since(o.started).as_secs_f64().round(),
                }));
                self.out.push_back(Output::Witness(
                    council_witness::kind::CALL_RELEASED,
                    fields,
                ));
                placed = Some(Outgoing { failed: true, ..o });
            }
        }
        if let Some(o) = placed {
            self.outgoing.insert(no, o);
        }
    }

    /// A 2xx to a call we placed: ACK it, read the answer, start the media, and keep the dialog.
    fn answered(&mut self, now: Instant, no: CallNo, o: Outgoing, r: &Response) {
        let remote_tag = r.core.to.tag().unwrap_or_default().to_owned();
        let remote_target = r
            .core
            .contact
            .iter()
            .flatten()
            .next()
            .map_or_else(|| o.invite.uri.text.clone(), |c| c.uri.text.clone());
        let to = r.headers.get("To").unwrap_or(&o.to).to_owned();
        // §13.2.2.4: the ACK of a 2xx is its own transaction, to the remote target, with the INVITE's CSeq
        // number.
        let branch = format!("{}{}", uas::MAGIC_COOKIE, self.token());
        let via = format!(
            "SIP/2.0/{} {};branch={branch}",
            o.peer.transport(),
            self.config.contact
        );
        // §12.1.2: the route set of a dialog we started is the 2xx's Record-Route, reversed.
        let route_set: Vec<RouteValue> = r.core.record_route.iter().rev().cloned().collect();
        let routing = Routing::of(&route_set, &remote_target, o.peer);
        let mut headers = vec![
            ("Via", via.as_str()),
            ("Max-Forwards", "70"),
            ("From", o.from.as_str()),
            ("To", to.as_str()),
            ("Call-ID", o.call_id.as_str()),
            ("CSeq", "1 ACK"),
        ];
        headers.extend(routing.routes.iter().map(|r| ("Route", r.as_str())));
        let ack = Request::build(&Method::Ack, &routing.uri, &headers, &[]);
        if let Ok(ack) = &ack {
            let bytes = ack.to_bytes();
            self.send(routing.peer, bytes.clone());
            self.acks.insert(no, (routing.peer, bytes));
        }
        let negotiated = council_sdp::accept_answer(&r.body, &o.local);
        let o_port = o.local.port;
        let call = Call {
            no,
            peer: o.peer,
            call_id: o.call_id.clone(),
            remote_tag: remote_tag.clone(),
            local_tag: o.local_tag.clone(),
            invite: o.invite,
            invite_key: None,
            state: CallState::Confirmed,
            negotiated: negotiated.clone().unwrap_or(Negotiated {
                codec: council_sdp::Codec::Pcmu,
                payload_type: 0,
                remote: None,
                ptime_ms: 20,
                g729_annexb: false,
                telephone_event: None,
                direction: council_sdp::Direction::Inactive,
            }),
            version: o.version,
            local_port: o.local.port,
            last_response: None,
            retransmit: None,
            remote_target,
            route_set,
            from: o.from,
            to,
            local_cseq: 2,
            started: o.started,
            uac: true,
            gate_endpoint: None,
            council: None,
            bridged: false,
        };
        self.dialogs.insert((call.call_id.clone(), remote_tag), no);
        self.calls.insert(no, call);
        match negotiated {
            Ok(n) => self
                .out
                .push_back(Output::StartMedia(no, Box::new(n), o_port)),
            Err(e) => {
                tracing::warn!("the answer is not acceptable: {e}");
                self.hang_up(now, no, "bad-answer");
            }
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
        if resp.core.cseq.method == Method::Invite
            && let Some(no) = self
                .outgoing
                .iter()
                .find(|(_, o)| o.branch == branch)
                .map(|(no, _)| *no)
        {
            return self.outgoing_response(now, no, resp);
        }
        if resp.core.cseq.method == Method::Invite
            && let Some(no) = self
                .dialogs
                .get(&(
                    resp.core.call_id.clone(),
                    resp.core.to.tag().unwrap_or_default().to_owned(),
                ))
                .copied()
            && resp.status >= 200
            && resp.status < 300
        {
            // A retransmitted 2xx of a call we placed: the ACK again (§13.2.2.4).
            if let Some((peer, ack)) = self.acks.get(&no).cloned()
                && self.calls.contains_key(&no)
            {
                self.send(peer, ack);
            }
            return;
        }
        let branch = if resp.core.cseq.method == Method::Cancel {
            format!("{branch}/CANCEL")
        } else {
            branch
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
        // A call whose media never came up (no event from the run loop) is refused after 64·T1, so it does not
        // hold its gate leg forever.
        let deadline = 64 * self.config.timers.t1;
        let stuck: Vec<CallNo> = self
            .calls
            .values()
            .filter(|c| c.state == CallState::Starting && now.duration_since(c.started) >= deadline)
            .map(|c| c.no)
            .collect();
        for no in stuck {
            self.media_failed(now, no, "no media session in time");
        }
        let placing: Vec<CallNo> = self.outgoing.keys().copied().collect();
        for no in placing {
            let Some(mut o) = self.outgoing.remove(&no) else {
                continue;
            };
            o.client.handle_input(ClientInput::Timeout(now));
            let mut gone = false;
            loop {
                match o.client.poll_output() {
                    transaction::Output::Transmit(b) => self.send(o.peer, b),
                    transaction::Output::Event(transaction::Event::Timeout) => {
                        // Timer B: nobody answered.
                        self.stats.rejected += 1;
                        gone = true;
                    }
                    transaction::Output::Event(_) => {}
                    transaction::Output::Done => {
                        gone = true;
                        break;
                    }
                    _ => break,
                }
            }
            if !gone {
                self.outgoing.insert(no, o);
            }
        }
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
        let keys: Vec<Key> = self.invite_servers.keys().cloned().collect();
        for key in keys {
            if let Some((p, mut s)) = self.invite_servers.remove(&key) {
                s.handle_input(ServerInput::Timeout(now));
                if self.drain_invite_server(p, &mut s) {
                    self.invite_servers.insert(key, (p, s));
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

/// The SIP answer to a gate's refusal.
/// A codec's rate both ways, in units of 100 bit/s (as H.225.0 counts bandwidth, and the gates with it).
fn bandwidth_of(codec: council_rtp::Codec) -> u32 {
    let info = codec.info();
    let bits_per_second =
        u64::from(info.clock_rate) * 8 * info.frame_bytes as u64 / info.frame_samples as u64;
    u32::try_from(2 * bits_per_second / 100).unwrap_or(u32::MAX)
}

fn sip_refusal(reason: &council_gates::Reason) -> (u16, &'static str) {
    use council_gates::Reason::*;
    match reason {
        NotRegistered | NotAuthenticated => (403, "Forbidden"),
        // Another codec might fit the per-call limit; a full zone is a temporary shortage.
        OverCallLimit { .. } => (488, "Not Acceptable Here"),
        ZoneExhausted { .. } => (503, "Service Unavailable"),
        CouncilFull { .. } | EndpointBusy { .. } => (486, "Busy Here"),
        UnknownCouncil { .. } => (404, "Not Found"),
        NotOnRoster { .. } | ExpertsNotAllowed { .. } | DirectCallsNotAllowed => (403, "Forbidden"),
    }
}

/// A response to `req` per RFC 3261 §8.2.6 ([`Response::reply_to`]); if the request's own headers are too odd
/// for that (RFC 4475 sends such on purpose), the same headers copied verbatim.
fn response_bytes(
    req: &Request,
    status: u16,
    reason: &str,
    tag: &str,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    match Response::reply_to(req, status, reason, tag, extra) {
        Ok(r) => r.to_bytes(),
        Err(_) => raw_response(&req.headers, status, reason, tag, extra),
    }
}

/// A response that copies Via, From, To, Call-ID and CSeq from `headers` as they are (adding a To tag to a final
/// response), for requests whose headers do not parse: the answer still reaches the sender and names the
/// problem. Nothing that could break a line is copied.
fn raw_response(
    headers: &council_sip::Headers,
    status: u16,
    reason: &str,
    tag: &str,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    let clean = |t: &str| t.replace(['\r', '\n'], " ");
    let mut out = format!("SIP/2.0 {status} {}\r\n", clean(reason));
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        for value in headers.get_all(name) {
            let value = clean(value);
            if name == "To" && status > 100 && !value.contains("tag=") {
                out.push_str(&format!("To: {value};tag={tag}\r\n"));
            } else {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
    }
    for (name, value) in extra {
        out.push_str(&format!("{}: {}\r\n", clean(name), clean(value)));
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    out.into_bytes()
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
                auth: None,
                users: HashMap::new(),
                gates: GatesConfig::default(),
                epoch: (Instant::now(), 1_764_590_400),
            },
            7,
        )
        .unwrap()
    }

    fn invite(call: &str, branch: &str) -> Box<Message> {
        invite_headers(call, branch, "")
    }

    /// An INVITE with `extra` header lines (each ending in CRLF) after Max-Forwards.
    fn invite_with(call: &str, extra: &str) -> Box<Message> {
        invite_headers(call, "z9hG4bKx1", extra)
    }

    fn invite_headers(call: &str, branch: &str, extra: &str) -> Box<Message> {
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        let text = format!(
            "INVITE sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch}\r\nMax-Forwards: 70\r\n{extra}\
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

    /// The To tag of a message's text.
    fn to_tag(text: &str) -> Option<String> {
        text.lines()
            .find(|l| l.starts_with("To:"))
            .and_then(|l| l.split("tag=").nth(1))
            .map(|t| t.trim().to_owned())
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

    /// Proxies that record-route: the 180 and 200 carry the Record-Route values as written and in order, and our
    /// BYE goes to the first proxy with them as Route, the caller's Contact as Request-URI.
    #[test]
    fn record_routing_proxies_stay_on_the_path() {
        let mut ua = ua();
        let t0 = Instant::now();
        let req = invite_with(
            "rr1",
            "Record-Route: <sip:127.0.0.2:5070;lr>, <sip:p2.example.net;lr;x=y>\r\n\
             Record-Route: <sip:127.0.0.3;lr>\r\n",
        );
        ua.handle(Input::Message(t0, peer(), req));
        let (sent, other) = drain(&mut ua);
        let expected = [
            "Record-Route: <sip:127.0.0.2:5070;lr>",
            "Record-Route: <sip:p2.example.net;lr;x=y>",
            "Record-Route: <sip:127.0.0.3;lr>",
        ];
        let rr = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with("Record-Route:"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(sent[1].0, 180);
        assert_eq!(rr(&sent[1].1), expected);
        assert!(rr(&sent[0].1).is_empty(), "the 100 establishes no dialog");
        let no = other
            .iter()
            .find_map(|o| match o {
                Output::StartMedia(no, ..) => Some(*no),
                _ => None,
            })
            .unwrap();
        ua.handle(Input::MediaStarted(t0, no, 30000));
        let (sent, _) = drain(&mut ua);
        assert_eq!(
            (sent[0].0, rr(&sent[0].1)),
            (200, expected.map(String::from).to_vec())
        );
        // Our BYE (media ended): Route = the route set, Request-URI = the caller's Contact, to the first proxy.
        ua.handle(Input::MediaEnded(t0, no, "RtpTimeout".into()));
        let bye = std::iter::from_fn(|| ua.poll_output())
            .find_map(|o| match o {
                Output::Send(peer, bytes) => Some((peer, String::from_utf8(bytes).unwrap())),
                _ => None,
            })
            .unwrap();
        assert_eq!(bye.0.addr, "127.0.0.2:5070".parse::<SocketAddr>().unwrap());
        assert!(
            bye.1
                .starts_with(&format!("BYE sip:ada@{CALLER} SIP/2.0\r\n")),
            "{}",
            bye.1
        );
        let routes: Vec<&str> = bye.1.lines().filter(|l| l.starts_with("Route:")).collect();
        assert_eq!(
            routes,
            [
                "Route: <sip:127.0.0.2:5070;lr>",
                "Route: <sip:p2.example.net;lr;x=y>",
                "Route: <sip:127.0.0.3;lr>"
            ]
        );
    }

    /// A call we place through record-routing proxies: the 2xx's Record-Route, reversed, is our route set — the
    /// ACK goes to the proxy nearest to us with Route in that order (§12.1.2), and so does our BYE.
    #[test]
    fn a_call_we_place_routes_its_ack_and_bye_back_through_the_proxies() {
        let mut ua = ua();
        let t0 = Instant::now();
        let no = ua
            .place_call(
                t0,
                peer(),
                &format!("sip:expert@{CALLER}"),
                "sip:council@127.0.0.1:5999",
                LocalMedia::new("127.0.0.1".parse().unwrap(), 30000),
            )
            .unwrap();
        let Some(Output::Send(_, bytes)) = ua.poll_output() else {
            panic!("no INVITE")
        };
        let Message::Request(inv) = parse_datagram(&bytes).unwrap() else {
            panic!()
        };
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        let ok = format!(
            "SIP/2.0 200 OK\r\nVia: {}\r\nRecord-Route: <sip:127.0.0.6:5080;lr>\r\n\
             Record-Route: <sip:127.0.0.5:5070;lr>\r\nFrom: {}\r\nTo: {};tag=e1\r\nCall-ID: {}\r\n\
             CSeq: 1 INVITE\r\nContact: <sip:expert@{CALLER}>\r\nContent-Type: application/sdp\r\n\
             Content-Length: {}\r\n\r\n{sdp}",
            inv.headers.get("Via").unwrap(),
            inv.headers.get("From").unwrap(),
            inv.headers.get("To").unwrap(),
            inv.core.call_id,
            sdp.len()
        );
        ua.handle(Input::Message(
            t0,
            peer(),
            Box::new(parse_datagram(ok.as_bytes()).unwrap()),
        ));
        let sends: Vec<(Peer, String)> = std::iter::from_fn(|| ua.poll_output())
            .filter_map(|o| match o {
                Output::Send(p, b) => Some((p, String::from_utf8(b).unwrap())),
                _ => None,
            })
            .collect();
        let (to, ack) = sends
            .iter()
            .find(|(_, t)| t.starts_with("ACK "))
            .expect("an ACK");
        let routes = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with("Route:"))
                .map(str::to_owned)
                .collect()
        };
        let expected = [
            "Route: <sip:127.0.0.5:5070;lr>",
            "Route: <sip:127.0.0.6:5080;lr>",
        ];
        assert_eq!(to.addr, "127.0.0.5:5070".parse::<SocketAddr>().unwrap());
        assert!(
            ack.starts_with(&format!("ACK sip:expert@{CALLER} SIP/2.0\r\n")),
            "{ack}"
        );
        assert_eq!(routes(ack), expected);
        ua.end_call(t0, no);
        let (to, bye) = std::iter::from_fn(|| ua.poll_output())
            .find_map(|o| match o {
                Output::Send(p, b) => Some((p, String::from_utf8(b).unwrap())),
                _ => None,
            })
            .expect("a BYE");
        assert!(bye.starts_with("BYE "), "{bye}");
        assert_eq!(to.addr, "127.0.0.5:5070".parse::<SocketAddr>().unwrap());
        assert_eq!(routes(&bye), expected);
    }

    /// A strict router first (no `lr`): its URI is the Request-URI, the remote target the last Route; a name we
    /// do not resolve sends to the dialog's peer; over TCP the connection stays.
    #[test]
    fn routing_of_strict_routers_names_and_tcp() {
        let values = |texts: &[&str]| -> Vec<RouteValue> {
            let header: String = texts
                .iter()
                .map(|t| format!("Record-Route: {t}\r\n"))
                .collect();
            let Message::Request(r) = *invite_with("rr2", &header) else {
                panic!()
            };
            r.core.record_route
        };
        let udp = peer();
        let strict = Routing::of(
            &values(&["<sip:127.0.0.9:5080>", "<sip:127.0.0.8;lr>"]),
            "sip:ada@h",
            udp,
        );
        assert_eq!(strict.uri, "sip:127.0.0.9:5080");
        assert_eq!(strict.routes, ["<sip:127.0.0.8;lr>", "<sip:ada@h>"]);
        assert_eq!(
            strict.peer.addr,
            "127.0.0.9:5080".parse::<SocketAddr>().unwrap()
        );
        let named = Routing::of(&values(&["<sip:proxy.example.net;lr>"]), "sip:ada@h", udp);
        assert_eq!((named.uri.as_str(), named.peer), ("sip:ada@h", udp));
        let tcp = Peer {
            addr: udp.addr,
            conn: Some(4),
        };
        let over_tcp = Routing::of(&values(&["<sip:127.0.0.9;lr>"]), "sip:ada@h", tcp);
        assert_eq!(over_tcp.peer, tcp);
        let none = Routing::of(&[], "sip:ada@h", udp);
        assert_eq!(
            (none.uri.as_str(), none.routes.len(), none.peer),
            ("sip:ada@h", 0, udp)
        );
        // Not followed to where no UDP request should go, nor over UDP to a sips: or TCP route: the peer then.
        for odd in [
            "<sips:127.0.0.9;lr>",
            "<sip:127.0.0.9;lr;transport=tcp>",
            "<sip:224.0.0.1;lr>",
            "<sip:0.0.0.0;lr>",
            "<sip:255.255.255.255;lr>",
            "<sip:[::2]:5090;lr>",
        ] {
            assert_eq!(
                Routing::of(&values(&[odd]), "sip:ada@h", udp).peer,
                udp,
                "{odd}"
            );
        }
        let udp_param = Routing::of(
            &values(&["<sip:127.0.0.9;lr;transport=UDP>"]),
            "sip:ada@h",
            udp,
        );
        assert_eq!(
            udp_param.peer.addr,
            "127.0.0.9:5060".parse::<SocketAddr>().unwrap()
        );
        // A strict router's URI loses its headers as Request-URI; a route set with a tel: URI is not followed.
        let headers = Routing::of(&values(&["<sip:127.0.0.9?Subject=x>"]), "sip:ada@h", udp);
        assert_eq!(headers.uri, "sip:127.0.0.9");
        let tel = Routing::of(
            &values(&["<sip:127.0.0.9;lr>", "<tel:+4930123>"]),
            "sip:ada@h",
            udp,
        );
        assert_eq!(
            (tel.uri.as_str(), tel.routes.len(), tel.peer),
            ("sip:ada@h", 0, udp)
        );
        let v6 = Routing::of(&values(&["<sip:[::1]:5090;lr>"]), "sip:ada@h", udp);
        assert_eq!(v6.peer, udp, "an IPv6 route from an IPv4 peer");
        let peer6 = Peer {
            addr: "[::1]:45061".parse().unwrap(),
            conn: None,
        };
        let v6 = Routing::of(&values(&["<sip:[::1]:5090;lr>"]), "sip:ada@h", peer6);
        assert_eq!(v6.peer.addr, "[::1]:5090".parse::<SocketAddr>().unwrap());
    }

    #[test]
    fn a_call_from_invite_to_bye() {
        let mut ua = ua();
        let t0 = Instant::now();
        ua.handle(Input::Message(t0, peer(), invite("c1", "z9hG4bK1")));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [100, 180]);
        let Some((no, n)) = other.iter().find_map(|o| match o {
            Output::StartMedia(no, n, _) => Some((no, n)),
            _ => None,
        }) else {
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
        let to_tag = to_tag(&sent[0].1).unwrap();
        // No ACK yet: the 200 is retransmitted at T1.
        ua.handle(Input::Timeout(t0 + Duration::from_millis(500)));
        assert_eq!(drain(&mut ua).0[0].0, 200);
        // An ACK with another CSeq number acknowledges nothing: the 200 goes on (T1 doubled: at 1.5 s).
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "c1", &to_tag, 7, "z9hG4bK9"),
        ));
        ua.handle(Input::Timeout(t0 + Duration::from_millis(1500)));
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

    /// A SIP message with an SDP offer of one codec (`pt`, `name`) on `port`; `to_tag` makes it a re-INVITE.
    fn offer(
        call: &str,
        branch: &str,
        cseq: u32,
        to_tag: Option<&str>,
        pt: u8,
        name: &str,
    ) -> Box<Message> {
        let sdp = format!(
            "v=0\r\no=- 1 {cseq} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP {pt}\r\n\
             a=rtpmap:{pt} {name}/8000\r\n"
        );
        let to = to_tag.map_or(String::new(), |t| format!(";tag={t}"));
        let text = format!(
            "INVITE sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch}\r\nMax-Forwards: 70\r\n\
             From: <sip:ada@127.0.0.1>;tag=a1\r\nTo: <sip:council@127.0.0.1>{to}\r\nCall-ID: {call}\r\nCSeq: {cseq} INVITE\r\n\
             Contact: <sip:ada@{CALLER}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        );
        Box::new(parse_datagram(text.as_bytes()).unwrap())
    }

    /// A re-INVITE to a codec that needs more bandwidth than the zone has left is refused by the bandwidth gate
    /// (488 with the gate's Warning) and the call keeps its media; one within the budget moves it.
    #[test]
    fn a_reinvite_passes_the_bandwidth_gate_again() {
        let mut ua = ua();
        ua.config.invite_rate = 0;
        // Room for G.729 both ways (160 × 100 bit/s), not for G.711 (1280).
        ua.gates = council_gates::Gates::new({
            let mut g = GatesConfig::default();
            g.bandwidth.zone_total = 500;
            g
        })
        .unwrap();
        let t0 = Instant::now();
        ua.handle(Input::Message(
            t0,
            peer(),
            offer("b1", "z9hG4bKb1", 1, None, 18, "G729"),
        ));
        drain(&mut ua);
        ua.handle(Input::MediaStarted(t0, 1, 30000));
        let (sent, _) = drain(&mut ua);
        assert_eq!(sent[0].0, 200);
        let to_tag = to_tag(&sent[0].1).unwrap();
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "b1", &to_tag, 1, "z9hG4bKb2"),
        ));
        ua.handle(Input::Message(
            t0,
            peer(),
            offer("b1", "z9hG4bKb3", 2, Some(&to_tag), 0, "PCMU"),
        ));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 488, "{}", sent[0].1);
        assert!(sent[0].1.contains("bandwidth gate"), "{}", sent[0].1);
        assert!(
            !other.iter().any(|o| matches!(o, Output::RestartMedia(..))),
            "{other:?}"
        );
        assert_eq!(ua.calls(), 1);
        // The same codec again (another session version): within the budget, the media moves.
        ua.handle(Input::Message(
            t0,
            peer(),
            offer("b1", "z9hG4bKb4", 3, Some(&to_tag), 18, "G729"),
        ));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 200);
        assert!(
            matches!(other.first(), Some(Output::RestartMedia(1, _, 30000))),
            "{other:?}"
        );
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
        // The 200 to the CANCEL and the 487 carry the same To tag (§9.2).
        assert!(to_tag(&sent[0].1).is_some());
        assert_eq!(to_tag(&sent[0].1), to_tag(&sent[1].1));
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

    #[test]
    fn digest_challenge_then_admission_or_refusal() {
        let mut ua = ua();
        ua.config.auth =
            Some(Challenger::new("council", [7; 32], Duration::from_secs(300)).unwrap());
        ua.config
            .users
            .insert("ada".into(), "Circle of Life".into());
        ua.config.invite_rate = 0;
        let t0 = Instant::now();
        ua.handle(Input::Message(t0, peer(), invite("d1", "z9hG4bKd1")));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, 401);
        let challenges: Vec<&str> = sent[0]
            .1
            .lines()
            .filter_map(|l| l.strip_prefix("WWW-Authenticate: "))
            .collect();
        assert_eq!(challenges.len(), 2, "SHA-256 then MD5: {}", sent[0].1);
        assert!(
            challenges[0].contains("algorithm=SHA-256"),
            "{}",
            challenges[0]
        );
        assert!(other.is_empty(), "no witness entry for a challenge");
        let challenge = council_sip::auth::Challenge::pick(challenges.iter().copied()).unwrap();
        let with = |password: &str, call: &str| {
            let authz = council_sip::auth::respond(
                &challenge,
                "INVITE",
                "sip:council@127.0.0.1:5999",
                "ada",
                password,
                "0a4f113b",
                1,
            )
            .unwrap();
            let mut m = invite(call, &format!("z9hG4bK{call}"));
            let Message::Request(r) = m.as_mut() else {
                unreachable!()
            };
            let mut text = String::from_utf8(r.to_bytes()).unwrap();
            text = text.replacen(
                "\r\n\r\n",
                &format!("\r\nAuthorization: {authz}\r\n\r\n"),
                1,
            );
            Box::new(council_sip::parse_datagram(text.as_bytes()).unwrap())
        };
        ua.handle(Input::Message(t0, peer(), with("Circle of Life", "d2")));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [100, 180]);
        let Output::Witness(kind, fields) = &other[0] else {
            panic!("{other:?}")
        };
        assert_eq!(
            (*kind, &fields["verified"], &fields["endpoint"]),
            (
                "call-admitted",
                &Value::from("authenticated"),
                &Value::from("ada")
            )
        );
        ua.handle(Input::Message(t0, peer(), with("wrong", "d3")));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 403, "{}", sent[0].1);
        let Output::Witness(kind, fields) = &other[0] else {
            panic!("{other:?}")
        };
        assert_eq!(
            (*kind, &fields["gate"], &fields["reason"]),
            (
                "call-rejected",
                &Value::from("identity"),
                &Value::from("not-authenticated")
            )
        );
    }

    #[test]
    fn a_refused_invite_is_repeated_until_its_ack() {
        let mut ua = ua();
        ua.config.invite_rate = 0;
        let t0 = Instant::now();
        let opus_only = |branch: &str| {
            let mut m = invite("r1", branch);
            let Message::Request(r) = m.as_mut() else {
                unreachable!()
            };
            let text = String::from_utf8(r.to_bytes())
                .unwrap()
                .replace("RTP/AVP 0", "RTP/AVP 97")
                .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:97 opus/48000/2");
            Box::new(council_sip::parse_datagram(text.as_bytes()).unwrap())
        };
        ua.handle(Input::Message(t0, peer(), opus_only("z9hG4bKr1")));
        let (sent, _) = drain(&mut ua);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, 488);
        // The INVITE again (our 488 was lost): the same 488, decided once.
        ua.handle(Input::Message(t0, peer(), opus_only("z9hG4bKr1")));
        let (again, other) = drain(&mut ua);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].1, sent[0].1, "byte for byte the same answer");
        assert!(other.is_empty());
        assert_eq!(ua.stats().invites, 1);
        // No ACK: timer G repeats it at T1.
        ua.handle(Input::Timeout(t0 + Duration::from_millis(500)));
        assert_eq!(drain(&mut ua).0.len(), 1);
        // The ACK (same branch) ends the repetition; the transaction lingers for timer I, then is gone.
        let to_tag = to_tag(&sent[0].1).unwrap();
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "r1", &to_tag, 1, "z9hG4bKr1"),
        ));
        ua.handle(Input::Timeout(t0 + Duration::from_secs(2)));
        assert!(drain(&mut ua).0.is_empty());
        ua.handle(Input::Timeout(t0 + Duration::from_secs(10)));
        assert_eq!(ua.transactions(), 0);
    }

    #[test]
    fn a_reinvite_moves_the_media_and_holds_it() {
        let mut ua = ua();
        ua.config.invite_rate = 0;
        let t0 = Instant::now();
        ua.handle(Input::Message(t0, peer(), invite("h1", "z9hG4bKh1")));
        drain(&mut ua);
        ua.handle(Input::MediaStarted(t0, 1, 30000));
        let (sent, _) = drain(&mut ua);
        let to_tag = to_tag(&sent[0].1).unwrap();
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "h1", &to_tag, 1, "z9hG4bKh2"),
        ));
        // Hold: the caller now only sends, from another port.
        let reinvite = |cseq: u32, branch: &str, direction: &str, port: u16| {
            let sdp = format!(
                "v=0\r\no=- 1 {cseq} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na={direction}\r\n"
            );
            let text = format!(
                "INVITE sip:council@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP {CALLER};branch={branch}\r\nMax-Forwards: 70\r\n\
                 From: <sip:ada@127.0.0.1>;tag=a1\r\nTo: <sip:council@127.0.0.1>;tag={to_tag}\r\nCall-ID: h1\r\nCSeq: {cseq} INVITE\r\n\
                 Contact: <sip:ada@{CALLER}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                sdp.len()
            );
            Box::new(council_sip::parse_datagram(text.as_bytes()).unwrap())
        };
        ua.handle(Input::Message(
            t0,
            peer(),
            reinvite(2, "z9hG4bKh3", "sendonly", 6002),
        ));
        let (sent, other) = drain(&mut ua);
        assert_eq!(sent[0].0, 200);
        assert!(sent[0].1.contains("a=recvonly"), "{}", sent[0].1);
        assert!(
            sent[0].1.contains("m=audio 30000 "),
            "the same port: {}",
            sent[0].1
        );
        let Some(Output::RestartMedia(no, n, port)) = other.first() else {
            panic!("{other:?}")
        };
        assert_eq!(
            (*no, *port, n.direction),
            (1, 30000, council_sdp::Direction::RecvOnly)
        );
        assert_eq!(n.remote, Some("127.0.0.1:6002".parse().unwrap()));
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "h1", &to_tag, 2, "z9hG4bKh4"),
        ));
        // Resume.
        ua.handle(Input::Message(
            t0,
            peer(),
            reinvite(3, "z9hG4bKh5", "sendrecv", 6002),
        ));
        let (sent, other) = drain(&mut ua);
        assert!(sent[0].1.contains("a=sendrecv"), "{}", sent[0].1);
        assert!(
            matches!(other.first(), Some(Output::RestartMedia(1, n, 30000)) if n.direction == council_sdp::Direction::SendRecv)
        );
        // The rebuilt session is up: the call was bridged once, not again.
        ua.handle(Input::MediaStarted(t0, 1, 30000));
        let (sent, other) = drain(&mut ua);
        assert!(sent.is_empty() && other.is_empty(), "{sent:?} {other:?}");
        assert_eq!(ua.stats().answered, 1);
        // §12.2.2: a re-INVITE with another Contact refreshes the remote target; our BYE goes there.
        ua.handle(Input::Message(
            t0,
            peer(),
            in_dialog("ACK", "h1", &to_tag, 3, "z9hG4bKh7"),
        ));
        let moved = String::from_utf8(reinvite(4, "z9hG4bKh6", "sendrecv", 6002).to_bytes())
            .unwrap()
            .replace(
                &format!("Contact: <sip:ada@{CALLER}>"),
                "Contact: <sip:ada@127.0.0.1:45999>",
            );
        ua.handle(Input::Message(
            t0,
            peer(),
            Box::new(council_sip::parse_datagram(moved.as_bytes()).unwrap()),
        ));
        drain(&mut ua);
        ua.handle(Input::MediaEnded(t0, 1, "RtpTimeout".into()));
        let bye = std::iter::from_fn(|| ua.poll_output())
            .find_map(|o| match o {
                Output::Send(_, b) => Some(String::from_utf8(b).unwrap()),
                _ => None,
            })
            .unwrap();
        assert!(
            bye.starts_with("BYE sip:ada@127.0.0.1:45999 SIP/2.0\r\n"),
            "{bye}"
        );
    }
}
