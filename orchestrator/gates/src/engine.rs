//! The engine: runs the gates in order and keeps the accounts (bandwidth, seats, calls per endpoint) of what it
//! admitted.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::config::{GatesConfig, Role};
use crate::gate::{
    AdmissionRequest, BandwidthGate, CapacityGate, Destination, IdentityGate, PolicyGate, Reason,
    Rejection, Verified,
};
use crate::{Bandwidth, ConfigError};

/// One admitted call leg: what it holds until it is released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub call: String,
    pub endpoint: String,
    /// Index of the council it sits in (into the configuration's councils), if it went into one.
    council: Option<usize>,
    pub role: Role,
    pub bandwidth: Bandwidth,
}

/// What the gates decided about one request, with what the witness entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub call: String,
    pub endpoint: String,
    pub aliases: Vec<String>,
    /// `council:NAME` or `endpoint:ALIAS`.
    pub destination: String,
    pub role: Role,
    pub verified: Verified,
    pub bandwidth: Bandwidth,
    /// `Ok` if admitted.
    pub outcome: Result<(), Rejection>,
    /// The same (call, endpoint) was already admitted: a retransmitted or repeated request, answered alike without
    /// taking anything twice.
    pub repeated: bool,
    /// Bandwidth held by all admitted calls after this decision.
    pub zone_used: u64,
}

impl Decision {
    pub fn admitted(&self) -> bool {
        self.outcome.is_ok()
    }

    /// `call-admitted` or `call-rejected`.
    pub fn witness_kind(&self) -> &'static str {
        if self.admitted() {
            council_witness::kind::CALL_ADMITTED
        } else {
            council_witness::kind::CALL_REJECTED
        }
    }

    /// The fields of the witness entry: who, where, how much, and for a rejection the gate, reason code and the
    /// reason in words.
    pub fn witness_fields(&self) -> Map<String, Value> {
        let mut fields = json!({
            "call": self.call,
            "endpoint": self.endpoint,
            "aliases": self.aliases,
            "destination": self.destination,
            "role": self.role.as_str(),
            "verified": self.verified.as_str(),
            "bandwidth": self.bandwidth,
            "zone-used": self.zone_used,
        });
        let map = fields.as_object_mut().expect("json! of an object literal");
        if self.repeated {
            map.insert("repeated".into(), Value::Bool(true));
        }
        if let Err(rejection) = &self.outcome {
            map.insert("gate".into(), rejection.gate.name().into());
            map.insert("reason".into(), rejection.reason.code().into());
            map.insert("detail".into(), rejection.reason.to_string().into());
        }
        std::mem::take(map)
    }
}

/// What is in use, for metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Admitted call legs.
    pub calls: usize,
    pub bandwidth_used: u64,
    pub bandwidth_total: u64,
    /// Per council: name, seats taken, seats.
    pub councils: Vec<(String, u32, u32)>,
}

/// The admission engine. See the crate documentation.
#[derive(Debug)]
pub struct Gates {
    config: GatesConfig,
    /// Seats taken, per council (same index as `config.councils`).
    seated: Vec<u32>,
    /// Calls held, per endpoint; endpoints holding none are removed.
    per_endpoint: HashMap<String, u32>,
    /// Admitted legs by call identifier; at most a few per call (its two ends), so a Vec beats a second map.
    calls: HashMap<String, Vec<Admitted>>,
    legs: usize,
    used: u64,
}

impl Gates {
    pub fn new(config: GatesConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            seated: vec![0; config.councils.len()],
            config,
            per_endpoint: HashMap::new(),
            calls: HashMap::new(),
            legs: 0,
            used: 0,
        })
    }

    pub fn config(&self) -> &GatesConfig {
        &self.config
    }

    /// Runs `req` through the four gates in order; if all pass, the call is admitted and holds its bandwidth, seat
    /// and endpoint slot until [`release`](Self::release). A request for a (call, endpoint) already admitted is
    /// answered as before without taking anything again.
    pub fn admit(&mut self, req: &AdmissionRequest<'_>) -> Decision {
        let repeated = self.find(req.call, req.caller.endpoint).is_some();
        let outcome = if repeated {
            Ok(())
        } else {
            self.check(req).map_err(Rejection::from)
        };
        let mut admitted = None;
        if outcome.is_ok() && !repeated {
            let council = match req.destination {
                Destination::Council(name) => {
                    self.config.councils.iter().position(|c| c.name == name)
                }
                Destination::Endpoint(_) => None,
            };
            admitted = Some(Admitted {
                call: req.call.to_owned(),
                endpoint: req.caller.endpoint.to_owned(),
                council,
                role: req.caller.role,
                bandwidth: req.bandwidth,
            });
        }
        if let Some(a) = admitted {
            self.take(a);
        }
        Decision {
            call: req.call.to_owned(),
            endpoint: req.caller.endpoint.to_owned(),
            aliases: req.caller.aliases.to_vec(),
            destination: match req.destination {
                Destination::Council(n) => format!("council:{n}"),
                Destination::Endpoint(a) => format!("endpoint:{a}"),
            },
            role: req.caller.role,
            verified: req.caller.verified,
            bandwidth: req.bandwidth,
            outcome,
            repeated,
            zone_used: self.used,
        }
    }

    /// The four gates in order; the first refusal wins.
    fn check(&self, req: &AdmissionRequest<'_>) -> Result<(), Reason> {
        IdentityGate {
            config: &self.config.identity,
            councils: &self.config.councils,
        }
        .check(req)?;
        BandwidthGate {
            config: &self.config.bandwidth,
            used: self.used,
        }
        .check(req.bandwidth)?;
        let council = match req.destination {
            Destination::Council(name) => self
                .config
                .councils
                .iter()
                .position(|c| c.name == name)
                .map(|i| (&self.config.councils[i], self.seated[i])),
            Destination::Endpoint(_) => None,
        };
        CapacityGate {
            config: &self.config.capacity,
            council,
            endpoint_calls: self
                .per_endpoint
                .get(req.caller.endpoint)
                .copied()
                .unwrap_or(0),
        }
        .check()?;
        PolicyGate {
            config: &self.config.policy,
            councils: &self.config.councils,
        }
        .check(req)
    }

    fn find(&self, call: &str, endpoint: &str) -> Option<&Admitted> {
        self.calls
            .get(call)?
            .iter()
            .find(|a| a.endpoint == endpoint)
    }

    fn take(&mut self, a: Admitted) {
        self.used += u64::from(a.bandwidth);
        if let Some(i) = a.council {
            self.seated[i] += 1;
        }
        *self.per_endpoint.entry(a.endpoint.clone()).or_insert(0) += 1;
        self.legs += 1;
        self.calls.entry(a.call.clone()).or_default().push(a);
    }

    fn give_back(&mut self, a: &Admitted) {
        self.used -= u64::from(a.bandwidth);
        if let Some(i) = a.council {
            self.seated[i] -= 1;
        }
        if let Some(n) = self.per_endpoint.get_mut(&a.endpoint) {
            *n -= 1;
            if *n == 0 {
                self.per_endpoint.remove(&a.endpoint);
            }
        }
        self.legs -= 1;
    }

    /// Ends an admitted leg (DRQ, BYE, a torn-down call) and gives back what it held. `None` if it was not
    /// admitted (a repeated release is harmless).
    pub fn release(&mut self, call: &str, endpoint: &str) -> Option<Admitted> {
        let legs = self.calls.get_mut(call)?;
        let i = legs.iter().position(|a| a.endpoint == endpoint)?;
        let a = legs.swap_remove(i);
        if legs.is_empty() {
            self.calls.remove(call);
        }
        self.give_back(&a);
        Some(a)
    }

    /// Ends every leg an endpoint holds (it unregistered or its registration expired).
    pub fn release_endpoint(&mut self, endpoint: &str) -> Vec<Admitted> {
        if !self.per_endpoint.contains_key(endpoint) {
            return Vec::new();
        }
        let calls: Vec<String> = self
            .calls
            .iter()
            .filter(|(_, legs)| legs.iter().any(|a| a.endpoint == endpoint))
            .map(|(c, _)| c.clone())
            .collect();
        calls
            .iter()
            .filter_map(|c| self.release(c, endpoint))
            .collect()
    }

    /// A bandwidth change of an admitted leg (BRQ): passes the bandwidth gate with the leg's own current bandwidth
    /// given back first. On refusal the leg keeps what it had. `None` if (call, endpoint) is not admitted.
    pub fn change_bandwidth(
        &mut self,
        call: &str,
        endpoint: &str,
        bandwidth: Bandwidth,
    ) -> Option<Result<(), Rejection>> {
        let used = self.used;
        let config = &self.config.bandwidth;
        let leg = self
            .calls
            .get_mut(call)?
            .iter_mut()
            .find(|a| a.endpoint == endpoint)?;
        let others = used - u64::from(leg.bandwidth);
        if let Err(reason) = (BandwidthGate {
            config,
            used: others,
        })
        .check(bandwidth)
        {
            return Some(Err(reason.into()));
        }
        leg.bandwidth = bandwidth;
        self.used = others + u64::from(bandwidth);
        Some(Ok(()))
    }

    /// The admitted leg of (call, endpoint), if any.
    pub fn admitted(&self, call: &str, endpoint: &str) -> Option<&Admitted> {
        self.find(call, endpoint)
    }

    /// The council an admitted leg sits in.
    pub fn council_of(&self, a: &Admitted) -> Option<&str> {
        a.council.map(|i| self.config.councils[i].name.as_str())
    }

    pub fn usage(&self) -> Usage {
        Usage {
            calls: self.legs,
            bandwidth_used: self.used,
            bandwidth_total: self.config.bandwidth.zone_total,
            councils: self
                .config
                .councils
                .iter()
                .zip(&self.seated)
                .map(|(c, &n)| (c.name.clone(), n, c.seats))
                .collect(),
        }
    }
}
