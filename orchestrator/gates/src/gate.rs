//! The four gates, each a unit that looks at one request and what it needs to know, and says pass or why not.

use std::fmt;

use crate::Bandwidth;
use crate::config::{
    BandwidthConfig, CapacityConfig, CouncilConfig, IdentityConfig, PolicyConfig, Role,
};

/// The gates, in the order every admission passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    Identity,
    Bandwidth,
    Capacity,
    Policy,
}

impl Gate {
    /// All gates, in order.
    pub const ALL: [Gate; 4] = [
        Gate::Identity,
        Gate::Bandwidth,
        Gate::Capacity,
        Gate::Policy,
    ];

    /// The gate's name in witness entries and metrics labels.
    pub fn name(self) -> &'static str {
        match self {
            Gate::Identity => "identity",
            Gate::Bandwidth => "bandwidth",
            Gate::Capacity => "capacity",
            Gate::Policy => "policy",
        }
    }
}

/// Why a gate turned a call away. Each reason belongs to one gate; [`Reason::code`] is stable (witness entries and
/// metrics labels use it) and the protocol sides map reasons to their own answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Identity: the endpoint is not registered with the gatekeeper (or its registration expired).
    NotRegistered,
    /// Identity: the caller did not authenticate (and is not let in by the roster).
    NotAuthenticated,
    /// Bandwidth: the call asks for more than one call may have.
    OverCallLimit {
        requested: Bandwidth,
        limit: Bandwidth,
    },
    /// Bandwidth: the zone's budget has less left than the call asks for.
    ZoneExhausted {
        requested: Bandwidth,
        remaining: u64,
    },
    /// Capacity: every seat of the council is taken.
    CouncilFull { council: String, seats: u32 },
    /// Capacity: the endpoint already holds as many calls as it may.
    EndpointBusy { limit: u32 },
    /// Policy: there is no council of that name.
    UnknownCouncil { council: String },
    /// Policy: none of the caller's aliases is on the council's roster in the caller's role.
    NotOnRoster { council: String },
    /// Policy: the council admits no experts.
    ExpertsNotAllowed { council: String },
    /// Policy: calls straight to another endpoint are not allowed.
    DirectCallsNotAllowed,
}

impl Reason {
    /// Every reason's gate and code, for pre-registering metrics series.
    pub const CODES: [(Gate, &'static str); 10] = [
        (Gate::Identity, "not-registered"),
        (Gate::Identity, "not-authenticated"),
        (Gate::Bandwidth, "over-call-limit"),
        (Gate::Bandwidth, "zone-exhausted"),
        (Gate::Capacity, "council-full"),
        (Gate::Capacity, "endpoint-busy"),
        (Gate::Policy, "unknown-council"),
        (Gate::Policy, "not-on-roster"),
        (Gate::Policy, "experts-not-allowed"),
        (Gate::Policy, "direct-calls-not-allowed"),
    ];

    /// The gate this reason belongs to.
    pub fn gate(&self) -> Gate {
        match self {
            Reason::NotRegistered | Reason::NotAuthenticated => Gate::Identity,
            Reason::OverCallLimit { .. } | Reason::ZoneExhausted { .. } => Gate::Bandwidth,
            Reason::CouncilFull { .. } | Reason::EndpointBusy { .. } => Gate::Capacity,
            Reason::UnknownCouncil { .. }
            | Reason::NotOnRoster { .. }
            | Reason::ExpertsNotAllowed { .. }
            | Reason::DirectCallsNotAllowed => Gate::Policy,
        }
    }

    /// The stable code, e.g. `zone-exhausted`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotRegistered => "not-registered",
            Reason::NotAuthenticated => "not-authenticated",
            Reason::OverCallLimit { .. } => "over-call-limit",
            Reason::ZoneExhausted { .. } => "zone-exhausted",
            Reason::CouncilFull { .. } => "council-full",
            Reason::EndpointBusy { .. } => "endpoint-busy",
            Reason::UnknownCouncil { .. } => "unknown-council",
            Reason::NotOnRoster { .. } => "not-on-roster",
            Reason::ExpertsNotAllowed { .. } => "experts-not-allowed",
            Reason::DirectCallsNotAllowed => "direct-calls-not-allowed",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotRegistered => write!(f, "the endpoint is not registered"),
            Reason::NotAuthenticated => write!(f, "the caller is not authenticated"),
            Reason::OverCallLimit { requested, limit } => write!(
                f,
                "the call asks for {requested} × 100 bit/s, more than the per-call limit of {limit}"
            ),
            Reason::ZoneExhausted {
                requested,
                remaining,
            } => write!(
                f,
                "the call asks for {requested} × 100 bit/s, the zone has {remaining} left"
            ),
            Reason::CouncilFull { council, seats } => {
                write!(f, "all {seats} seats of council {council:?} are taken")
            }
            Reason::EndpointBusy { limit } => {
                write!(f, "the endpoint already holds {limit} calls, its limit")
            }
            Reason::UnknownCouncil { council } => write!(f, "there is no council {council:?}"),
            Reason::NotOnRoster { council } => {
                write!(f, "the caller is not on the roster of council {council:?}")
            }
            Reason::ExpertsNotAllowed { council } => {
                write!(f, "council {council:?} admits no experts")
            }
            Reason::DirectCallsNotAllowed => {
                write!(f, "direct calls between endpoints are not allowed")
            }
        }
    }
}

/// A turned-away call: the reason and, for convenience, its gate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} gate: {reason}", gate.name())]
pub struct Rejection {
    pub gate: Gate,
    pub reason: Reason,
}

impl From<Reason> for Rejection {
    fn from(reason: Reason) -> Self {
        Self {
            gate: reason.gate(),
            reason,
        }
    }
}

/// How the protocol side established who the caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// An H.323 endpoint with a live registration at this gatekeeper.
    Registered,
    /// A SIP caller that passed digest authentication.
    Authenticated,
    /// An H.323 endpoint that claims an identifier this gatekeeper has not registered.
    Unregistered,
    /// A caller with no (or failed) authentication.
    Unauthenticated,
    /// A caller the deployment chose not to authenticate (e.g. SIP with `auth = "none"` on a trusted network);
    /// passes the identity gate, and says so in the witness log.
    Trusted,
}

impl Verified {
    /// The name used in witness entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Verified::Registered => "registered",
            Verified::Authenticated => "authenticated",
            Verified::Unregistered => "unregistered",
            Verified::Unauthenticated => "unauthenticated",
            Verified::Trusted => "trusted",
        }
    }
}

/// Who is calling.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The endpoint's identifier: the H.225 endpointIdentifier, or the SIP caller's address of record. Per-endpoint
    /// limits count by it.
    pub endpoint: &'a str,
    /// The caller's aliases (H.323 aliases, or the SIP user), matched against rosters.
    pub aliases: &'a [String],
    pub verified: Verified,
    pub role: Role,
}

/// Where the call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination<'a> {
    /// Into the council of this name (takes a seat).
    Council(&'a str),
    /// Straight to another endpoint, by alias (no seat).
    Endpoint(&'a str),
}

/// One admission asked of the gates: H.323 ARQ or SIP INVITE alike.
#[derive(Debug, Clone, Copy)]
pub struct AdmissionRequest<'a> {
    /// The call's identifier (the H.225 callIdentifier, the SIP Call-ID). One endpoint's admissions are keyed by
    /// (call, endpoint): both ends of a call ask on their own.
    pub call: &'a str,
    pub caller: Caller<'a>,
    pub destination: Destination<'a>,
    /// Asked-for bandwidth, units of 100 bit/s.
    pub bandwidth: Bandwidth,
}

/// Gate 1: is the caller who it says it is?
pub struct IdentityGate<'a> {
    pub config: &'a IdentityConfig,
    /// Every council, for the roster exception.
    pub councils: &'a [CouncilConfig],
}

impl IdentityGate<'_> {
    pub fn check(&self, req: &AdmissionRequest<'_>) -> Result<(), Reason> {
        match req.caller.verified {
            Verified::Registered | Verified::Authenticated | Verified::Trusted => Ok(()),
            Verified::Unregistered => Err(Reason::NotRegistered),
            Verified::Unauthenticated => {
                if self.config.allow_unauthenticated_roster
                    && self.councils.iter().any(|c| c.knows(req.caller.aliases))
                {
                    Ok(())
                } else {
                    Err(Reason::NotAuthenticated)
                }
            }
        }
    }
}

/// Gate 2: does the call fit the per-call limit and the zone's budget?
pub struct BandwidthGate<'a> {
    pub config: &'a BandwidthConfig,
    /// Bandwidth held by the admitted calls (not counting this request).
    pub used: u64,
}

impl BandwidthGate<'_> {
    pub fn check(&self, requested: Bandwidth) -> Result<(), Reason> {
        if requested > self.config.per_call_max {
            return Err(Reason::OverCallLimit {
                requested,
                limit: self.config.per_call_max,
            });
        }
        let remaining = self.config.zone_total.saturating_sub(self.used);
        if u64::from(requested) > remaining {
            return Err(Reason::ZoneExhausted {
                requested,
                remaining,
            });
        }
        Ok(())
    }
}

/// Gate 3: is there a seat, and may the endpoint hold one more call?
pub struct CapacityGate<'a> {
    pub config: &'a CapacityConfig,
    /// The destination council and its seats taken, when the call goes into a known council.
    pub council: Option<(&'a CouncilConfig, u32)>,
    /// Calls the endpoint holds now (not counting this request).
    pub endpoint_calls: u32,
}

impl CapacityGate<'_> {
    pub fn check(&self) -> Result<(), Reason> {
        if let Some((council, seated)) = self.council
            && seated >= council.seats
        {
            return Err(Reason::CouncilFull {
                council: council.name.clone(),
                seats: council.seats,
            });
        }
        if self.endpoint_calls >= self.config.per_endpoint_calls {
            return Err(Reason::EndpointBusy {
                limit: self.config.per_endpoint_calls,
            });
        }
        Ok(())
    }
}

/// Gate 4: do the rules let this caller in?
pub struct PolicyGate<'a> {
    pub config: &'a PolicyConfig,
    pub councils: &'a [CouncilConfig],
}

impl PolicyGate<'_> {
    pub fn check(&self, req: &AdmissionRequest<'_>) -> Result<(), Reason> {
        match req.destination {
            Destination::Endpoint(_) => {
                if self.config.direct_calls {
                    Ok(())
                } else {
                    Err(Reason::DirectCallsNotAllowed)
                }
            }
            Destination::Council(name) => {
                let Some(council) = self.councils.iter().find(|c| c.name == name) else {
                    return Err(Reason::UnknownCouncil {
                        council: name.to_owned(),
                    });
                };
                if req.caller.role == Role::Expert && !council.experts {
                    return Err(Reason::ExpertsNotAllowed {
                        council: council.name.clone(),
                    });
                }
                if !council.admits(req.caller.aliases, req.caller.role) {
                    return Err(Reason::NotOnRoster {
                        council: council.name.clone(),
                    });
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AliasPattern;
    use crate::config::Member;

    fn council(name: &str, seats: u32, experts: bool, members: &[(&str, Role)]) -> CouncilConfig {
        CouncilConfig {
            name: name.to_owned(),
            seats,
            experts,
            members: members
                .iter()
                .map(|(a, role)| Member {
                    alias: AliasPattern::new(a).unwrap(),
                    role: *role,
                })
                .collect(),
        }
    }

    fn req<'a>(
        aliases: &'a [String],
        verified: Verified,
        role: Role,
        dest: Destination<'a>,
    ) -> AdmissionRequest<'a> {
        AdmissionRequest {
            call: "c1",
            caller: Caller {
                endpoint: "ep1",
                aliases,
                verified,
                role,
            },
            destination: dest,
            bandwidth: 240,
        }
    }

    #[test]
    fn every_reason_has_its_gate_and_listed_code() {
        let reasons = [
            Reason::NotRegistered,
            Reason::NotAuthenticated,
            Reason::OverCallLimit {
                requested: 2,
                limit: 1,
            },
            Reason::ZoneExhausted {
                requested: 2,
                remaining: 1,
            },
            Reason::CouncilFull {
                council: "c".into(),
                seats: 1,
            },
            Reason::EndpointBusy { limit: 1 },
            Reason::UnknownCouncil {
                council: "c".into(),
            },
            Reason::NotOnRoster {
                council: "c".into(),
            },
            Reason::ExpertsNotAllowed {
                council: "c".into(),
            },
            Reason::DirectCallsNotAllowed,
        ];
        assert_eq!(reasons.len(), Reason::CODES.len());
        for (r, (gate, code)) in reasons.iter().zip(Reason::CODES) {
            assert_eq!((r.gate(), r.code()), (gate, code));
            assert!(!r.to_string().is_empty());
        }
    }

    #[test]
    fn identity_gate() {
        let councils = [council("c", 4, true, &[("guardian-*", Role::Guardian)])];
        let strict = IdentityConfig::default();
        let lenient = IdentityConfig {
            allow_unauthenticated_roster: true,
        };
        let on_roster = ["guardian-1".to_owned()];
        let stranger = ["mallory".to_owned()];
        let dest = Destination::Council("c");
        let gate = IdentityGate {
            config: &strict,
            councils: &councils,
        };
        for v in [
            Verified::Registered,
            Verified::Authenticated,
            Verified::Trusted,
        ] {
            assert_eq!(gate.check(&req(&stranger, v, Role::Guardian, dest)), Ok(()));
        }
        assert_eq!(
            gate.check(&req(
                &on_roster,
                Verified::Unregistered,
                Role::Guardian,
                dest
            )),
            Err(Reason::NotRegistered)
        );
        assert_eq!(
            gate.check(&req(
                &on_roster,
                Verified::Unauthenticated,
                Role::Guardian,
                dest
            )),
            Err(Reason::NotAuthenticated)
        );
        let gate = IdentityGate {
            config: &lenient,
            councils: &councils,
        };
        assert_eq!(
            gate.check(&req(
                &on_roster,
                Verified::Unauthenticated,
                Role::Guardian,
                dest
            )),
            Ok(())
        );
        assert_eq!(
            gate.check(&req(
                &stranger,
                Verified::Unauthenticated,
                Role::Guardian,
                dest
            )),
            Err(Reason::NotAuthenticated)
        );
        // A registration the gatekeeper does not know is never excused by the roster.
        assert_eq!(
            gate.check(&req(
                &on_roster,
                Verified::Unregistered,
                Role::Guardian,
                dest
            )),
            Err(Reason::NotRegistered)
        );
    }

    #[test]
    fn bandwidth_gate() {
        let cfg = BandwidthConfig {
            per_call_max: 640,
            zone_total: 1000,
        };
        let gate = |used| BandwidthGate { config: &cfg, used };
        assert_eq!(gate(0).check(640), Ok(()));
        assert_eq!(
            gate(0).check(641),
            Err(Reason::OverCallLimit {
                requested: 641,
                limit: 640
            })
        );
        assert_eq!(gate(360).check(640), Ok(()));
        assert_eq!(
            gate(361).check(640),
            Err(Reason::ZoneExhausted {
                requested: 640,
                remaining: 639
            })
        );
        // Accounting above the budget (after a configuration change) leaves nothing, without wrapping.
        assert_eq!(
            gate(5000).check(1),
            Err(Reason::ZoneExhausted {
                requested: 1,
                remaining: 0
            })
        );
        assert_eq!(gate(1000).check(0), Ok(()));
    }

    #[test]
    fn capacity_gate() {
        let cfg = CapacityConfig {
            per_endpoint_calls: 2,
        };
        let c = council("c", 3, true, &[]);
        let gate = |seated, calls| CapacityGate {
            config: &cfg,
            council: Some((&c, seated)),
            endpoint_calls: calls,
        };
        assert_eq!(gate(2, 1).check(), Ok(()));
        assert_eq!(
            gate(3, 0).check(),
            Err(Reason::CouncilFull {
                council: "c".into(),
                seats: 3
            })
        );
        assert_eq!(gate(0, 2).check(), Err(Reason::EndpointBusy { limit: 2 }));
        let direct = CapacityGate {
            config: &cfg,
            council: None,
            endpoint_calls: 1,
        };
        assert_eq!(direct.check(), Ok(()));
    }

    #[test]
    fn policy_gate() {
        let councils = [
            council(
                "open",
                4,
                true,
                &[
                    ("guardian-*", Role::Guardian),
                    ("*@example.org", Role::Expert),
                ],
            ),
            council(
                "closed",
                4,
                false,
                &[("*", Role::Guardian), ("*", Role::Expert)],
            ),
        ];
        let allow = PolicyConfig { direct_calls: true };
        let deny = PolicyConfig {
            direct_calls: false,
        };
        let gate = PolicyGate {
            config: &allow,
            councils: &councils,
        };
        let g1 = ["guardian-1".to_owned()];
        let expert = ["ada@example.org".to_owned()];
        let v = Verified::Registered;
        let open = Destination::Council("open");
        let closed = Destination::Council("closed");
        assert_eq!(gate.check(&req(&g1, v, Role::Guardian, open)), Ok(()));
        assert_eq!(gate.check(&req(&expert, v, Role::Expert, open)), Ok(()));
        // The alias must be on the roster in the caller's own role.
        assert_eq!(
            gate.check(&req(&expert, v, Role::Guardian, open)),
            Err(Reason::NotOnRoster {
                council: "open".into()
            })
        );
        assert_eq!(
            gate.check(&req(&g1, v, Role::Expert, open)),
            Err(Reason::NotOnRoster {
                council: "open".into()
            })
        );
        assert_eq!(
            gate.check(&req(&expert, v, Role::Expert, closed)),
            Err(Reason::ExpertsNotAllowed {
                council: "closed".into()
            })
        );
        assert_eq!(gate.check(&req(&g1, v, Role::Guardian, closed)), Ok(()));
        assert_eq!(
            gate.check(&req(&g1, v, Role::Guardian, Destination::Council("nope"))),
            Err(Reason::UnknownCouncil {
                council: "nope".into()
            })
        );
        let direct = Destination::Endpoint("guardian-2");
        assert_eq!(gate.check(&req(&g1, v, Role::Guardian, direct)), Ok(()));
        let gate = PolicyGate {
            config: &deny,
            councils: &councils,
        };
        assert_eq!(
            gate.check(&req(&g1, v, Role::Guardian, direct)),
            Err(Reason::DirectCallsNotAllowed)
        );
    }
}
