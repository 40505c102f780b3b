//! What the gates enforce: limits and rosters, read from the orchestrator's TOML configuration (`[gates]`).
//!
//! ```toml
//! [gates.identity]
//! allow-unauthenticated-roster = false  # an unverified caller passes identity only if this is on and it is on a roster
//!
//! [gates.bandwidth]
//! per-call-max = 1280                   # units of 100 bit/s (128 kbit/s)
//! zone-total = 100000                   # units of 100 bit/s (10 Mbit/s) for all admitted calls together
//!
//! [gates.capacity]
//! per-endpoint-calls = 4                # concurrent calls one endpoint may hold
//!
//! [gates.policy]
//! direct-calls = true                   # endpoint-to-endpoint calls (not into a council) are allowed
//!
//! [[gates.council]]
//! name = "council"                      # what guardians dial (H.323 alias) and experts call (SIP user part)
//! seats = 32                            # participants at once
//! experts = true                        # SIP experts may be bridged in
//! members = [ { alias = "guardian-*", role = "guardian" }, { alias = "*", role = "expert" } ]
//! ```

use std::collections::HashSet;

use serde::Deserialize;

use crate::{AliasPattern, Bandwidth, ConfigError};

/// The whole gate configuration. `Default` is the embedded default: one council called `council` with 32 seats
/// that every registered guardian and every authenticated expert may join.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatesConfig {
    pub identity: IdentityConfig,
    pub bandwidth: BandwidthConfig,
    pub capacity: CapacityConfig,
    pub policy: PolicyConfig,
    /// The councils and their rosters (`[[gates.council]]` tables).
    #[serde(rename = "council")]
    pub councils: Vec<CouncilConfig>,
}

impl Default for GatesConfig {
    fn default() -> Self {
        Self {
            identity: IdentityConfig::default(),
            bandwidth: BandwidthConfig::default(),
            capacity: CapacityConfig::default(),
            policy: PolicyConfig::default(),
            councils: vec![CouncilConfig::default()],
        }
    }
}

impl GatesConfig {
    /// Checks what serde cannot: unique, non-empty council names and positive limits.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut names = HashSet::new();
        for c in &self.councils {
            if c.name.is_empty() {
                return Err(ConfigError::EmptyCouncilName);
            }
            if !names.insert(c.name.as_str()) {
                return Err(ConfigError::DuplicateCouncil(c.name.clone()));
            }
            if c.seats == 0 {
                return Err(ConfigError::ZeroLimit("gates.council.seats"));
            }
        }
        if self.capacity.per_endpoint_calls == 0 {
            return Err(ConfigError::ZeroLimit("gates.capacity.per-endpoint-calls"));
        }
        if self.bandwidth.per_call_max == 0 {
            return Err(ConfigError::ZeroLimit("gates.bandwidth.per-call-max"));
        }
        Ok(())
    }

    /// The council called `name`.
    pub fn council(&self, name: &str) -> Option<&CouncilConfig> {
        self.councils.iter().find(|c| c.name == name)
    }
}

/// Gate 1.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IdentityConfig {
    /// Let a caller that is neither registered nor authenticated through if one of its aliases is on some
    /// council's roster (default false: aliases are easily forged).
    pub allow_unauthenticated_roster: bool,
}

/// Gate 2. Bandwidth is in units of 100 bit/s, as H.225.0 counts it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BandwidthConfig {
    /// The most one call may ask for (default 1280 = 128 kbit/s, a G.711 call both ways with headers).
    pub per_call_max: Bandwidth,
    /// All admitted calls together (default 100000 = 10 Mbit/s).
    pub zone_total: u64,
}

impl Default for BandwidthConfig {
    fn default() -> Self {
        Self {
            per_call_max: 1280,
            zone_total: 100_000,
        }
    }
}

/// Gate 3 (the seats are per council, in [`CouncilConfig`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CapacityConfig {
    /// Concurrent admitted calls one endpoint may hold (default 4).
    pub per_endpoint_calls: u32,
}

impl Default for CapacityConfig {
    fn default() -> Self {
        Self {
            per_endpoint_calls: 4,
        }
    }
}

/// Gate 4's rules that are not per council.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyConfig {
    /// Calls from one endpoint straight to another (not into a council) are allowed (default true).
    pub direct_calls: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self { direct_calls: true }
    }
}

/// One council and its roster.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CouncilConfig {
    /// What callers dial to join it.
    pub name: String,
    /// Participants at once (default 32).
    pub seats: u32,
    /// Whether SIP experts may join at all (default true).
    pub experts: bool,
    /// Who may join, in which role; a caller is admitted if one of its aliases matches a member of its role.
    pub members: Vec<Member>,
}

impl Default for CouncilConfig {
    fn default() -> Self {
        let any = AliasPattern::new("*").expect("'*' is a valid pattern");
        Self {
            name: "council".to_owned(),
            seats: 32,
            experts: true,
            members: vec![
                Member {
                    alias: any.clone(),
                    role: Role::Guardian,
                },
                Member {
                    alias: any,
                    role: Role::Expert,
                },
            ],
        }
    }
}

impl CouncilConfig {
    /// Whether any of `aliases` is on the roster in `role`.
    pub fn admits(&self, aliases: &[String], role: Role) -> bool {
        self.members
            .iter()
            .filter(|m| m.role == role)
            .any(|m| aliases.iter().any(|a| m.alias.matches(a)))
    }

    /// Whether any of `aliases` is on the roster in any role.
    pub fn knows(&self, aliases: &[String]) -> bool {
        self.members
            .iter()
            .any(|m| aliases.iter().any(|a| m.alias.matches(a)))
    }
}

/// One roster line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub alias: AliasPattern,
    pub role: Role,
}

/// A participant's role: guardians are the council's H.323 terminals, experts are bridged in over SIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Guardian,
    Expert,
}

impl Role {
    /// The name used in configuration, witness entries and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Guardian => "guardian",
            Role::Expert => "expert",
        }
    }
}
