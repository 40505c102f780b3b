//! Which UDP port a call receives its RTP on.
//!
//! Behind a firewall the media ports must come from a known range (`[media] rtp-ports`): [`RtpPorts::range`]
//! hands out its even ports (RTP on the even port, RTCP announced on the odd one above, RFC 3550 §11) round robin,
//! so a port just given back is the last to be used again (late packets of the old call do not reach the next),
//! skipping the ones this process holds and the ones something else has bound. A [`PortLease`] holds its port for
//! the call's whole life — across a hold or a codec change, when the session is rebuilt on the same port — and
//! gives it back when dropped. Without a range, [`RtpPorts::any`] leaves the choice to the kernel.
//!
//! The session's `udpsrc` binds the port with `reuse=false` (see `pipelines/README.md`), so a port another
//! program takes between the check and the bind fails that one call with a clear error; it never shares a port.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex};

use crate::Error;

/// Where calls' RTP ports come from; clones share the same ports.
#[derive(Debug, Clone)]
pub struct RtpPorts {
    inner: Arc<Mutex<Pool>>,
}

#[derive(Debug)]
struct Pool {
    /// The even ports handed out, `None`: any port the kernel gives.
    range: Option<RangeInclusive<u16>>,
    /// The next even port to try.
    next: u16,
    /// Leased and not given back.
    held: HashSet<u16>,
}

/// A port held for one call; dropping it gives the port back.
#[derive(Debug)]
pub struct PortLease {
    pool: RtpPorts,
    /// 0: any port (no range, and the session binds it).
    port: u16,
    /// While the call has no session (held): a socket on the call's port, so that nothing else takes it.
    keeper: Option<UdpSocket>,
}

impl RtpPorts {
    /// Any port the kernel gives (the session binds port 0).
    pub fn any() -> Self {
        Self::with(None)
    }

    /// The even ports of `first..=last` (each with the odd port above it for RTCP, which must be in the range too).
    pub fn range(first: u16, last: u16) -> Result<Self, Error> {
        let even_first = first.checked_add(first % 2).filter(|&p| p != 0);
        match even_first {
            Some(even) if first != 0 && even < last => {
                // The last even port whose RTCP port (+1) is still in the range.
                let even_last = if last % 2 == 1 { last - 1 } else { last - 2 };
                Ok(Self::with(Some(even..=even_last)))
            }
            _ => Err(Error::Ports(format!(
                "{first}-{last} holds no even RTP port with its RTCP port (and port 0 is no port)"
            ))),
        }
    }

    fn with(range: Option<RangeInclusive<u16>>) -> Self {
        let next = range.as_ref().map_or(0, |r| *r.start());
        Self {
            inner: Arc::new(Mutex::new(Pool {
                range,
                next,
                held: HashSet::new(),
            })),
        }
    }

    /// The ports handed out (first and last even port), `None` for any.
    pub fn span(&self) -> Option<(u16, u16)> {
        self.lock().range.as_ref().map(|r| (*r.start(), *r.end()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A port for a call whose session binds it itself: 0 without a range (the session asks the kernel), else the
    /// next free even port of the range.
    pub fn lease(&self, ip: IpAddr) -> Result<PortLease, Error> {
        if self.span().is_none() {
            return Ok(PortLease {
                pool: self.clone(),
                port: 0,
                keeper: None,
            });
        }
        self.lease_port(ip)
    }

    /// A port known now, for an offer or answer written before the session exists (H.323 Fast Start, a call we
    /// place): without a range, one the kernel gives (and that the session binds a moment later).
    pub fn lease_port(&self, ip: IpAddr) -> Result<PortLease, Error> {
        let mut pool = self.lock();
        let Some(range) = pool.range.clone() else {
            drop(pool);
            let port = UdpSocket::bind(SocketAddr::new(ip, 0))
                .and_then(|s| s.local_addr())
                .map_err(|e| Error::Ports(format!("no free RTP port on {ip}: {e}")))?
                .port();
            return Ok(PortLease {
                pool: self.clone(),
                port,
                keeper: None,
            });
        };
        let count = usize::from((range.end() - range.start()) / 2 + 1);
        for _ in 0..count {
            let port = pool.next;
            pool.next = if port >= *range.end() {
                *range.start()
            } else {
                port + 2
            };
            if pool.held.contains(&port) || UdpSocket::bind(SocketAddr::new(ip, port)).is_err() {
                continue;
            }
            pool.held.insert(port);
            return Ok(PortLease {
                pool: self.clone(),
                port,
                keeper: None,
            });
        }
        Err(Error::Ports(format!(
            "no free RTP port in {}-{} on {ip} ({} held by calls)",
            range.start(),
            range.end() + 1,
            pool.held.len()
        )))
    }

    /// How many ports calls hold.
    pub fn held(&self) -> usize {
        self.lock().held.len()
    }
}

impl PortLease {
    /// The port (0: any, the session asks the kernel).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The leased port, or `known` without a range (the port the call's session got from the kernel, 0 before).
    pub fn port_or(&self, known: u16) -> u16 {
        if self.port != 0 { self.port } else { known }
    }

    /// The RTCP port announced with it: the odd port above (the port itself at 65535).
    pub fn rtcp_port(&self) -> u16 {
        self.port.checked_add(1).unwrap_or(self.port)
    }

    /// Keeps `addr` (the call's RTP address) bound while the call has no session — on hold — so that nothing else
    /// takes the port it resumes on (a port the kernel chose is in no range). Whatever arrives meanwhile waits in
    /// the socket's buffer and is dropped with it. Whether it could be bound.
    pub fn keep(&mut self, addr: SocketAddr) -> bool {
        self.keeper = UdpSocket::bind(addr).ok();
        self.keeper.is_some()
    }

    /// Lets go of the kept port, for the session that binds it next.
    pub fn release_kept(&mut self) {
        self.keeper = None;
    }
}

impl Drop for PortLease {
    fn drop(&mut self) {
        self.pool.lock().held.remove(&self.port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    /// Eight ports from `first`, above the kernel's ephemeral range (so no test's port 0 lands in it), different
    /// per test so that they run in parallel.
    fn block(first: u16) -> (u16, u16) {
        (first, first + 7)
    }

    #[test]
    fn ranges_hand_out_even_ports_with_their_rtcp_port() {
        let ports = RtpPorts::range(61001, 61006).unwrap();
        assert_eq!(ports.span(), Some((61002, 61004)));
        assert_eq!(
            RtpPorts::range(61000, 61001).unwrap().span(),
            Some((61000, 61000))
        );
        for (a, b) in [
            (0, 100),
            (61000, 61000),
            (61001, 61002),
            (61002, 61001),
            (65535, 65535),
        ] {
            let err = RtpPorts::range(a, b).unwrap_err().to_string();
            assert!(err.contains(&format!("{a}-{b}")), "{err}");
        }
        assert_eq!(
            RtpPorts::range(65533, 65535).unwrap().span(),
            Some((65534, 65534))
        );
    }

    #[test]
    fn leases_go_round_and_are_given_back() {
        let (first, last) = block(61010);
        let ports = RtpPorts::range(first, last).unwrap();
        let leases: Vec<PortLease> = (0..4).map(|_| ports.lease(LOOPBACK).unwrap()).collect();
        let got: Vec<u16> = leases.iter().map(PortLease::port).collect();
        assert_eq!(got, [61010, 61012, 61014, 61016]);
        assert_eq!(leases[1].rtcp_port(), 61013);
        assert_eq!(leases[1].port_or(40000), 61012);
        assert_eq!(ports.held(), 4);
        let err = ports.lease(LOOPBACK).unwrap_err().to_string();
        assert!(err.contains("no free RTP port in 61010-61017"), "{err}");
        // The port given back is the next one out (the only one free), and the cursor goes on from there.
        let mut leases = leases;
        drop(leases.remove(1));
        assert_eq!(ports.held(), 3);
        assert_eq!(ports.lease(LOOPBACK).unwrap().port(), 61012);
        drop(leases);
        assert_eq!(ports.held(), 0);
        assert_eq!(ports.lease(LOOPBACK).unwrap().port(), 61014);
    }

    #[test]
    fn a_port_bound_elsewhere_is_skipped() {
        let (first, last) = block(61020);
        let outsider = UdpSocket::bind((LOOPBACK, 61020)).unwrap();
        let ports = RtpPorts::range(first, last).unwrap();
        assert_eq!(ports.lease(LOOPBACK).unwrap().port(), 61022);
        drop(outsider);
    }

    #[test]
    fn a_held_call_keeps_its_port() {
        let ports = RtpPorts::any();
        let mut lease = ports.lease_port(LOOPBACK).unwrap();
        let addr = SocketAddr::new(LOOPBACK, lease.port());
        assert!(lease.keep(addr));
        assert!(UdpSocket::bind(addr).is_err(), "kept");
        lease.release_kept();
        drop(UdpSocket::bind(addr).unwrap());
        assert!(lease.keep(addr));
        drop(lease);
        drop(UdpSocket::bind(addr).unwrap());
    }

    #[test]
    fn without_a_range_the_kernel_chooses() {
        let ports = RtpPorts::any();
        assert_eq!(ports.span(), None);
        assert_eq!(ports.lease(LOOPBACK).unwrap().port(), 0);
        assert_eq!(ports.lease(LOOPBACK).unwrap().port_or(40000), 40000);
        let known = ports.lease_port(LOOPBACK).unwrap();
        assert_ne!(known.port(), 0);
        // The session can bind it.
        drop(UdpSocket::bind((LOOPBACK, known.port())).unwrap());
    }
}
