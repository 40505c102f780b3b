//! Registrations: who is registered, under which aliases, at which addresses, until when.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::ras::Alias;

/// One registered endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub endpoint_id: String,
    pub aliases: Vec<Alias>,
    pub call_signal: Vec<SocketAddr>,
    pub ras: Vec<SocketAddr>,
    /// Granted time to live.
    pub ttl: Duration,
    pub expires: Instant,
}

/// Why a registration could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// These aliases belong to another endpoint.
    DuplicateAlias(Vec<Alias>),
    /// The table holds as many registrations as it may.
    Full,
}

/// The registration table: by endpoint identifier, by alias, and by expiry time.
#[derive(Debug)]
pub struct Registry {
    by_id: HashMap<String, Registration>,
    /// Alias text → endpoint identifier.
    by_alias: HashMap<String, String>,
    /// First call-signalling address → endpoint identifier: an endpoint that registers again from the same
    /// address (after a restart, without its old identifier) replaces its old registration.
    by_address: HashMap<SocketAddr, String>,
    expiries: BTreeSet<(Instant, String)>,
    /// Prefix of identifiers handed out, so identifiers of two runs differ.
    prefix: String,
    next: u64,
    capacity: usize,
}

impl Registry {
    /// An empty table for at most `capacity` endpoints, handing out identifiers `<prefix><counter>`.
    pub fn new(prefix: &str, capacity: usize) -> Self {
        Self {
            by_id: HashMap::new(),
            by_alias: HashMap::new(),
            by_address: HashMap::new(),
            expiries: BTreeSet::new(),
            prefix: prefix.to_owned(),
            next: 1,
            capacity,
        }
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Every registered endpoint identifier.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    pub fn get(&self, endpoint_id: &str) -> Option<&Registration> {
        self.by_id.get(endpoint_id)
    }

    /// The registration owning `alias` (by its text).
    pub fn by_alias(&self, alias: &str) -> Option<&Registration> {
        self.by_id.get(self.by_alias.get(alias)?)
    }

    /// The registration whose call-signalling addresses include `addr`.
    pub fn by_call_signal(&self, addr: SocketAddr) -> Option<&Registration> {
        self.by_id.get(self.by_address.get(&addr)?)
    }

    /// Registers (or re-registers) an endpoint. An endpoint that names its current identifier, or comes from the
    /// call-signalling address of a current registration, keeps its identifier and replaces that registration.
    /// Returns the registration and whether it is new.
    pub fn register(
        &mut self,
        endpoint_id: Option<&str>,
        aliases: Vec<Alias>,
        call_signal: Vec<SocketAddr>,
        ras: Vec<SocketAddr>,
        ttl: Duration,
        now: Instant,
    ) -> Result<(&Registration, bool), Refusal> {
        let existing = endpoint_id
            .filter(|id| self.by_id.contains_key(*id))
            .map(str::to_owned)
            .or_else(|| {
                call_signal
                    .first()
                    .and_then(|a| self.by_address.get(a).cloned())
            });
        let taken: Vec<Alias> = aliases
            .iter()
            .filter(|a| {
                self.by_alias
                    .get(a.value())
                    .is_some_and(|owner| Some(owner) != existing.as_ref())
            })
            .cloned()
            .collect();
        if !taken.is_empty() {
            return Err(Refusal::DuplicateAlias(taken));
        }
        if existing.is_none() && self.by_id.len() >= self.capacity {
            return Err(Refusal::Full);
        }
        let is_new = existing.is_none();
        let id = match existing {
            Some(id) => {
                self.remove(&id);
                id
            }
            None => {
                let id = format!("{}{:x}", self.prefix, self.next);
                self.next += 1;
                id
            }
        };
        for a in &aliases {
            self.by_alias.insert(a.value().to_owned(), id.clone());
        }
        for a in &call_signal {
            self.by_address.insert(*a, id.clone());
        }
        let expires = now + ttl;
        self.expiries.insert((expires, id.clone()));
        let reg = Registration {
            endpoint_id: id.clone(),
            aliases,
            call_signal,
            ras,
            ttl,
            expires,
        };
        self.by_id.insert(id.clone(), reg);
        Ok((&self.by_id[&id], is_new))
    }

    /// A keep-alive: pushes the expiry out by `ttl` from `now`. `None` if not registered.
    pub fn refresh(
        &mut self,
        endpoint_id: &str,
        ttl: Duration,
        now: Instant,
    ) -> Option<&Registration> {
        let reg = self.by_id.get_mut(endpoint_id)?;
        self.expiries
            .remove(&(reg.expires, reg.endpoint_id.clone()));
        reg.ttl = ttl;
        reg.expires = now + ttl;
        self.expiries.insert((reg.expires, reg.endpoint_id.clone()));
        Some(reg)
    }

    /// Removes a registration.
    pub fn remove(&mut self, endpoint_id: &str) -> Option<Registration> {
        let reg = self.by_id.remove(endpoint_id)?;
        for a in &reg.aliases {
            if self.by_alias.get(a.value()).map(String::as_str) == Some(endpoint_id) {
                self.by_alias.remove(a.value());
            }
        }
        for a in &reg.call_signal {
            if self.by_address.get(a).map(String::as_str) == Some(endpoint_id) {
                self.by_address.remove(a);
            }
        }
        self.expiries
            .remove(&(reg.expires, reg.endpoint_id.clone()));
        Some(reg)
    }

    /// The earliest expiry, for the caller's timer.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.expiries.first().map(|(t, _)| *t)
    }

    /// Removes and returns every registration that expired at or before `now`.
    pub fn expire(&mut self, now: Instant) -> Vec<Registration> {
        let mut gone = Vec::new();
        while let Some((t, id)) = self.expiries.first().cloned() {
            if t > now {
                break;
            }
            if let Some(r) = self.remove(&id) {
                gone.push(r);
            } else {
                self.expiries.remove(&(t, id));
            }
        }
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn h(s: &str) -> Alias {
        Alias::H323Id(s.into())
    }

    #[test]
    fn register_lookup_refresh_expire() {
        let t0 = Instant::now();
        let mut r = Registry::new("ep-", 10);
        let ttl = Duration::from_secs(60);
        let (a, new) = r
            .register(
                None,
                vec![h("alice"), Alias::DialedDigits("100".into())],
                vec![addr(1720)],
                vec![addr(1719)],
                ttl,
                t0,
            )
            .unwrap();
        assert!(new);
        let id = a.endpoint_id.clone();
        assert_eq!(id, "ep-1");
        assert_eq!(r.by_alias("100").unwrap().endpoint_id, id);
        assert_eq!(r.by_call_signal(addr(1720)).unwrap().endpoint_id, id);
        assert_eq!(r.next_expiry(), Some(t0 + ttl));
        // A keep-alive at 50 s pushes expiry to 110 s.
        r.refresh(&id, ttl, t0 + Duration::from_secs(50)).unwrap();
        assert!(r.expire(t0 + Duration::from_secs(100)).is_empty());
        let gone = r.expire(t0 + Duration::from_secs(110));
        assert_eq!(gone.len(), 1);
        assert!(r.is_empty());
        assert!(r.by_alias("alice").is_none());
        assert!(r.by_call_signal(addr(1720)).is_none());
        assert_eq!(r.next_expiry(), None);
    }

    #[test]
    fn duplicate_aliases_reregistration_and_capacity() {
        let t0 = Instant::now();
        let ttl = Duration::from_secs(60);
        let mut r = Registry::new("ep-", 2);
        let id = r
            .register(None, vec![h("alice")], vec![addr(1)], vec![], ttl, t0)
            .unwrap()
            .0
            .endpoint_id
            .clone();
        assert_eq!(
            r.register(
                None,
                vec![h("bob"), h("alice")],
                vec![addr(2)],
                vec![],
                ttl,
                t0
            ),
            Err(Refusal::DuplicateAlias(vec![h("alice")]))
        );
        // The same endpoint again, by identifier, with a new alias set: same identifier, old alias freed.
        let (reg, new) = r
            .register(Some(&id), vec![h("alice2")], vec![addr(1)], vec![], ttl, t0)
            .unwrap();
        assert_eq!((reg.endpoint_id.as_str(), new), (id.as_str(), false));
        assert!(r.by_alias("alice").is_none());
        // From the same call-signalling address without an identifier (a restarted terminal): replaced too.
        let (reg, new) = r
            .register(None, vec![h("alice")], vec![addr(1)], vec![], ttl, t0)
            .unwrap();
        assert_eq!((reg.endpoint_id.as_str(), new), (id.as_str(), false));
        assert_eq!(r.len(), 1);
        r.register(None, vec![h("bob")], vec![addr(2)], vec![], ttl, t0)
            .unwrap();
        assert_eq!(
            r.register(None, vec![h("carol")], vec![addr(3)], vec![], ttl, t0),
            Err(Refusal::Full)
        );
    }
}
