//! The gatekeeper state machine: requests and time in, replies and witness entries out.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use council_gates::{
    AdmissionRequest as GateRequest, Caller, Destination, Gates, GatesConfig, Reason, Role,
    Verified,
};
use council_witness::kind;
use serde_json::{Map, Value, json};

use crate::ras::{
    AdmissionRequest, BandwidthRequest, DisengageRequest, GatekeeperRequest, LocationRequest,
    RegistrationRequest, UnregistrationRequest,
};
use crate::ras::{
    Alias, ArjReason, BrjReason, CallModel, DrjReason, GrjReason, LrjReason, Reply, Request,
    RrjReason, UrjReason,
};
use crate::registry::{Refusal, Registration, Registry};

/// The `[gatekeeper]` configuration.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatekeeperConfig {
    /// Where RAS is served, UDP (default 127.0.0.1:1719; `council gatekeeper --ras` overrides).
    pub ras: SocketAddr,
    /// Council's H.225.0 call-signalling address, told to endpoints in RCF/ACF/LCF (default 127.0.0.1:1720;
    /// `--h225` overrides).
    pub h225: SocketAddr,
    /// Our `gatekeeperIdentifier` (default `council`).
    pub identifier: String,
    /// Seconds a registration lives when the endpoint asks for none (default 300).
    pub default_ttl: u32,
    /// Bounds on what an endpoint may ask for (default 30..=3600 s).
    pub min_ttl: u32,
    pub max_ttl: u32,
    /// Registrations held at most (default 100000); beyond, RRJ resourceUnavailable.
    pub max_registrations: usize,
    /// Alternate gatekeepers told to endpoints in GCF and RCF (`[[gatekeeper.alternate]]`).
    #[serde(rename = "alternate")]
    pub alternates: Vec<crate::ras::AlternateGatekeeper>,
}

impl Default for GatekeeperConfig {
    fn default() -> Self {
        Self {
            ras: SocketAddr::from(([127, 0, 0, 1], 1719)),
            h225: SocketAddr::from(([127, 0, 0, 1], 1720)),
            identifier: "council".into(),
            default_ttl: 300,
            min_ttl: 30,
            max_ttl: 3600,
            max_registrations: 100_000,
            alternates: Vec::new(),
        }
    }
}

/// What the gatekeeper wants done: a reply sent, or an entry written to the witness log.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Reply {
        to: SocketAddr,
        reply: Reply,
    },
    Witness {
        kind: &'static str,
        fields: Map<String, Value>,
    },
}

/// Counters for metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: u64,
    pub registered: u64,
    pub unregistered: u64,
    pub expired: u64,
    pub admitted: u64,
    pub rejected: u64,
    pub released: u64,
}

/// The gatekeeper. Feed it requests ([`handle_request`](Self::handle_request)) and time
/// ([`handle_timeout`](Self::handle_timeout) when [`poll_timeout`](Self::poll_timeout) is due), and carry out
/// what [`poll_output`](Self::poll_output) returns. It does no I/O and reads no clock.
#[derive(Debug)]
pub struct Gatekeeper {
    config: GatekeeperConfig,
    /// Our RAS address (in GCF).
    ras_address: SocketAddr,
    /// Where Council takes H.225.0 calls (RCF, ACF for council calls, LCF for council aliases).
    call_signal_address: SocketAddr,
    registry: Registry,
    gates: Gates,
    outputs: VecDeque<Output>,
    stats: Stats,
}

/// Lower-case hex of a call identifier GUID: the key of a call in the gates and in witness entries.
pub fn call_key(guid: &[u8; 16]) -> String {
    council_witness::hex(guid)
}

fn aliases_json(aliases: &[Alias]) -> Value {
    Value::Array(
        aliases
            .iter()
            .map(|a| json!({ "kind": a.kind(), "value": a.value() }))
            .collect(),
    )
}

fn addrs_json(addrs: &[SocketAddr]) -> Value {
    Value::Array(addrs.iter().map(|a| Value::String(a.to_string())).collect())
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The ARJ reason for a gate's refusal (H.225.0 `AdmissionRejectReason`).
pub fn arj_reason(reason: &Reason) -> ArjReason {
    match reason {
        Reason::NotRegistered => ArjReason::CallerNotRegistered,
        Reason::NotAuthenticated => ArjReason::SecurityDenial,
        // H.225.0: requestDenied is "no bandwidth available".
        Reason::OverCallLimit { .. } | Reason::ZoneExhausted { .. } => ArjReason::RequestDenied,
        Reason::CouncilFull { .. } => ArjReason::ExceedsCallCapacity,
        Reason::EndpointBusy { .. } => ArjReason::ResourceUnavailable,
        Reason::UnknownCouncil { .. } => ArjReason::CalledPartyNotRegistered,
        Reason::NotOnRoster { .. }
        | Reason::ExpertsNotAllowed { .. }
        | Reason::DirectCallsNotAllowed => ArjReason::InvalidPermission,
    }
}

/// Where an ARQ goes, once resolved.
enum Target {
    Council(String),
    /// Another endpoint: the alias it was reached by and where it takes calls.
    Endpoint(String, SocketAddr),
    /// Nobody we know: the gates' policy turns it away as an unknown council.
    Unknown(String),
}

impl Gatekeeper {
    pub fn new(
        config: GatekeeperConfig,
        gates: GatesConfig,
        ras_address: SocketAddr,
        call_signal_address: SocketAddr,
        id_prefix: &str,
    ) -> Result<Self, crate::Error> {
        if config.min_ttl == 0 || config.min_ttl > config.max_ttl {
            return Err(crate::Error::Ttl {
                min: config.min_ttl,
                max: config.max_ttl,
            });
        }
        Ok(Self {
            registry: Registry::new(id_prefix, config.max_registrations),
            gates: Gates::new(gates)?,
            config,
            ras_address,
            call_signal_address,
            outputs: VecDeque::new(),
            stats: Stats::default(),
        })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn gates(&self) -> &Gates {
        &self.gates
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The next thing to do, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) is next due (a registration expires).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.registry.next_expiry()
    }

    /// Ends the registrations whose time to live ran out, and their calls.
    pub fn handle_timeout(&mut self, now: Instant) {
        for reg in self.registry.expire(now) {
            self.stats.expired += 1;
            self.end_registration(&reg, "ttl-expired");
        }
    }

    fn reply(&mut self, to: SocketAddr, reply: Reply) {
        self.outputs.push_back(Output::Reply { to, reply });
    }

    fn witness(&mut self, kind: &'static str, fields: Map<String, Value>) {
        self.outputs.push_back(Output::Witness { kind, fields });
    }

    /// Answers one request received from `from` at `now`.
    pub fn handle_request(&mut self, now: Instant, from: SocketAddr, request: Request) {
        self.stats.requests += 1;
        match request {
            Request::Gatekeeper(r) => self.grq(r),
            Request::Registration(r) => self.rrq(now, from, r),
            Request::Unregistration(r) => self.urq(from, r),
            Request::Admission(r) => self.arq(from, r),
            Request::Bandwidth(r) => self.brq(from, r),
            Request::Disengage(r) => self.drq(from, r),
            Request::Location(r) => self.lrq(r),
        }
    }

    /// The registration `endpoint_id` names, if the request came from one of its RAS addresses: an endpoint
    /// identifier alone proves nothing (it travels in clear), the source address at least ties a request to the
    /// endpoint that registered.
    fn registered_at(&self, endpoint_id: &str, from: SocketAddr) -> Option<&Registration> {
        self.registry
            .get(endpoint_id)
            .filter(|reg| reg.ras.contains(&from))
    }

    /// Ends every registration and its calls (the gatekeeper is stopping), witnessed.
    pub fn shutdown(&mut self) {
        let ids: Vec<String> = self.registry.ids().map(str::to_owned).collect();
        for id in ids {
            if let Some(reg) = self.registry.remove(&id) {
                self.end_registration(&reg, "shutdown");
            }
        }
    }

    fn ours(&self, id: &Option<String>) -> bool {
        id.as_ref().is_none_or(|id| *id == self.config.identifier)
    }

    fn grq(&mut self, r: GatekeeperRequest) {
        let reply = if self.ours(&r.gatekeeper_id) {
            Reply::Gcf {
                seq: r.seq,
                gatekeeper_id: self.config.identifier.clone(),
                ras_address: self.ras_address,
                alternates: self.config.alternates.clone(),
            }
        } else {
            // The endpoint looks for another gatekeeper by name.
            Reply::Grj {
                seq: r.seq,
                gatekeeper_id: self.config.identifier.clone(),
                reason: GrjReason::TerminalExcluded,
            }
        };
        self.reply(r.ras_address, reply);
    }

    fn ttl(&self, asked: Option<u32>) -> u32 {
        asked.map_or(self.config.default_ttl, |t| {
            t.clamp(self.config.min_ttl, self.config.max_ttl)
        })
    }

    fn rrq(&mut self, now: Instant, from: SocketAddr, r: RegistrationRequest) {
        let seq = r.seq;
        let gk = self.config.identifier.clone();
        let rrj = |reason| Reply::Rrj {
            seq,
            gatekeeper_id: gk.clone(),
            reason,
        };
        if !self.ours(&r.gatekeeper_id) {
            return self.reply(from, rrj(RrjReason::UndefinedReason));
        }
        let ttl = self.ttl(r.ttl);
        let to = r.ras.first().copied().unwrap_or(from);
        if r.keep_alive {
            let refreshed = r
                .endpoint_id
                .as_deref()
                .and_then(|id| {
                    self.registry
                        .refresh(id, Duration::from_secs(ttl.into()), now)
                })
                .map(|reg| (reg.endpoint_id.clone(), reg.aliases.clone()));
            let reply = match refreshed {
                Some((endpoint_id, aliases)) => self.rcf(seq, endpoint_id, aliases, ttl),
                None => rrj(RrjReason::FullRegistrationRequired),
            };
            return self.reply(from, reply);
        }
        if r.call_signal.is_empty() {
            return self.reply(to, rrj(RrjReason::InvalidCallSignalAddress));
        }
        if r.ras.is_empty() {
            return self.reply(from, rrj(RrjReason::InvalidRasAddress));
        }
        let result = self.registry.register(
            r.endpoint_id.as_deref(),
            r.aliases,
            r.call_signal,
            r.ras,
            Duration::from_secs(ttl.into()),
            now,
        );
        match result {
            Ok((reg, is_new)) => {
                let (endpoint_id, aliases) = (reg.endpoint_id.clone(), reg.aliases.clone());
                let fields = object(json!({
                    "endpoint": reg.endpoint_id,
                    "aliases": aliases_json(&reg.aliases),
                    "call-signal": addrs_json(&reg.call_signal),
                    "ras": addrs_json(&reg.ras),
                    "ttl": ttl,
                    "new": is_new,
                }));
                self.stats.registered += 1;
                self.witness(kind::ENDPOINT_REGISTERED, fields);
                let reply = self.rcf(seq, endpoint_id, aliases, ttl);
                self.reply(to, reply);
            }
            Err(Refusal::DuplicateAlias(taken)) => {
                self.reply(to, rrj(RrjReason::DuplicateAlias(taken)))
            }
            Err(Refusal::Full) => self.reply(to, rrj(RrjReason::ResourceUnavailable)),
        }
    }

    fn rcf(&self, seq: u16, endpoint_id: String, aliases: Vec<Alias>, ttl: u32) -> Reply {
        Reply::Rcf {
            seq,
            gatekeeper_id: self.config.identifier.clone(),
            endpoint_id,
            call_signal: vec![self.call_signal_address],
            aliases,
            ttl,
            alternates: self.config.alternates.clone(),
        }
    }

    /// Releases every call of a registration that ended, and records both.
    fn end_registration(&mut self, reg: &Registration, why: &'static str) {
        for call in self.gates.release_endpoint(&reg.endpoint_id) {
            self.stats.released += 1;
            let fields = object(json!({
                "call": call.call,
                "endpoint": call.endpoint,
                "bandwidth": call.bandwidth,
                "why": why,
            }));
            self.witness(kind::CALL_RELEASED, fields);
        }
        let fields = object(json!({
            "endpoint": reg.endpoint_id,
            "aliases": aliases_json(&reg.aliases),
            "why": why,
        }));
        self.witness(kind::ENDPOINT_UNREGISTERED, fields);
    }

    fn urq(&mut self, from: SocketAddr, r: UnregistrationRequest) {
        let id = match &r.endpoint_id {
            Some(id) => self
                .registered_at(id, from)
                .map(|reg| reg.endpoint_id.clone()),
            None => r
                .call_signal
                .iter()
                .find_map(|a| self.registry.by_call_signal(*a))
                .map(|reg| reg.endpoint_id.clone()),
        };
        match id.and_then(|id| self.registry.remove(&id)) {
            Some(reg) => {
                self.stats.unregistered += 1;
                self.end_registration(&reg, "unregistered");
                self.reply(from, Reply::Ucf { seq: r.seq });
            }
            None => self.reply(
                from,
                Reply::Urj {
                    seq: r.seq,
                    reason: UrjReason::NotCurrentlyRegistered,
                },
            ),
        }
    }

    fn is_council(&self, alias: &str) -> bool {
        self.gates.config().council(alias).is_some()
    }

    fn resolve(&self, r: &AdmissionRequest) -> Target {
        for a in &r.destination {
            if self.is_council(a.value()) {
                return Target::Council(a.value().to_owned());
            }
            if let Some(reg) = self.registry.by_alias(a.value())
                && let Some(&cs) = reg.call_signal.first()
            {
                return Target::Endpoint(a.value().to_owned(), cs);
            }
        }
        if let Some(addr) = r.dest_call_signal {
            if addr == self.call_signal_address
                && let Some(c) = self.gates.config().councils.first()
            {
                return Target::Council(c.name.clone());
            }
            let name = self
                .registry
                .by_call_signal(addr)
                .and_then(|reg| reg.aliases.first())
                .map_or_else(|| addr.to_string(), |a| a.value().to_owned());
            return Target::Endpoint(name, addr);
        }
        Target::Unknown(
            r.destination
                .first()
                .map(|a| a.value().to_owned())
                .unwrap_or_default(),
        )
    }

    fn arq(&mut self, from: SocketAddr, r: AdmissionRequest) {
        let registration = self.registered_at(&r.endpoint_id, from);
        let verified = if registration.is_some() {
            Verified::Registered
        } else {
            Verified::Unregistered
        };
        let aliases: Vec<String> = registration
            .map_or(&r.source, |reg| &reg.aliases)
            .iter()
            .map(|a| a.value().to_owned())
            .collect();
        let own_address = registration.and_then(|reg| reg.call_signal.first().copied());
        let target = if r.answer_call {
            // The callee asks to answer: its own leg of a call someone else placed.
            let me = aliases
                .first()
                .cloned()
                .unwrap_or_else(|| r.endpoint_id.clone());
            Target::Endpoint(me, own_address.unwrap_or(from))
        } else {
            self.resolve(&r)
        };
        let call = call_key(&r.call_id);
        let destination = match &target {
            Target::Council(name) | Target::Unknown(name) => Destination::Council(name),
            Target::Endpoint(alias, _) => Destination::Endpoint(alias),
        };
        let decision = self.gates.admit(&GateRequest {
            call: &call,
            caller: Caller {
                endpoint: &r.endpoint_id,
                aliases: &aliases,
                verified,
                role: Role::Guardian,
            },
            destination,
            bandwidth: r.bandwidth,
        });
        let mut fields = decision.witness_fields();
        fields.insert("protocol".into(), "h323".into());
        fields.insert("answer-call".into(), r.answer_call.into());
        let reply = match &decision.outcome {
            Ok(()) => {
                self.stats.admitted += 1;
                let (call_model, dest_call_signal) = match &target {
                    Target::Council(_) | Target::Unknown(_) => {
                        (CallModel::GatekeeperRouted, self.call_signal_address)
                    }
                    Target::Endpoint(_, addr) => (CallModel::Direct, *addr),
                };
                // A repeated ARQ (a retransmission) is granted what the call holds, never a new amount: that
                // would pass by the bandwidth gate.
                let bandwidth = if decision.repeated {
                    self.gates
                        .admitted(&call, &r.endpoint_id)
                        .map_or(r.bandwidth, |a| a.bandwidth)
                } else {
                    r.bandwidth
                };
                Reply::Acf {
                    seq: r.seq,
                    bandwidth,
                    call_model,
                    dest_call_signal,
                    destination: r.destination.clone(),
                }
            }
            Err(rejection) => {
                self.stats.rejected += 1;
                let reason = arj_reason(&rejection.reason);
                fields.insert("arj-reason".into(), format!("{reason:?}").into());
                Reply::Arj { seq: r.seq, reason }
            }
        };
        self.witness(decision.witness_kind(), fields);
        self.reply(from, reply);
    }

    fn brq(&mut self, from: SocketAddr, r: BandwidthRequest) {
        let reply = if self.registered_at(&r.endpoint_id, from).is_none() {
            Reply::Brj {
                seq: r.seq,
                reason: BrjReason::NotBound,
                allowed: 0,
            }
        } else {
            let call = call_key(&r.call_id);
            match self
                .gates
                .change_bandwidth(&call, &r.endpoint_id, r.bandwidth)
            {
                None => Reply::Brj {
                    seq: r.seq,
                    reason: BrjReason::InvalidConferenceId,
                    allowed: 0,
                },
                Some(Ok(())) => Reply::Bcf {
                    seq: r.seq,
                    bandwidth: r.bandwidth,
                },
                Some(Err(_)) => Reply::Brj {
                    seq: r.seq,
                    reason: BrjReason::InsufficientResources,
                    allowed: self
                        .gates
                        .admitted(&call, &r.endpoint_id)
                        .map_or(0, |a| a.bandwidth),
                },
            }
        };
        self.reply(from, reply);
    }

    fn drq(&mut self, from: SocketAddr, r: DisengageRequest) {
        if self.registered_at(&r.endpoint_id, from).is_none() {
            return self.reply(
                from,
                Reply::Drj {
                    seq: r.seq,
                    reason: DrjReason::NotRegistered,
                },
            );
        }
        let call = call_key(&r.call_id);
        if let Some(released) = self.gates.release(&call, &r.endpoint_id) {
            self.stats.released += 1;
            let fields = object(json!({
                "call": released.call,
                "endpoint": released.endpoint,
                "bandwidth": released.bandwidth,
                "why": "disengage",
            }));
            self.witness(kind::CALL_RELEASED, fields);
        }
        // A DRQ for a call already released (a retransmission) is confirmed again.
        self.reply(from, Reply::Dcf { seq: r.seq });
    }

    fn lrq(&mut self, r: LocationRequest) {
        let mut reply = Reply::Lrj {
            seq: r.seq,
            reason: LrjReason::NotRegistered,
        };
        for a in &r.destination {
            if self.is_council(a.value()) {
                reply = Reply::Lcf {
                    seq: r.seq,
                    call_signal: self.call_signal_address,
                    ras: self.ras_address,
                };
                break;
            }
            if let Some(reg) = self.registry.by_alias(a.value())
                && let Some(&cs) = reg.call_signal.first()
            {
                reply = Reply::Lcf {
                    seq: r.seq,
                    call_signal: cs,
                    ras: reg.ras.first().copied().unwrap_or(cs),
                };
                break;
            }
        }
        self.reply(r.reply_address, reply);
    }
}
