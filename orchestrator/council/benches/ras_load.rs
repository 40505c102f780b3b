//! RAS load on `council gatekeeper`, with our own load generator (not a test: it prints a table).
//!
//! The gatekeeper (the release binary) runs pinned to one core (`taskset -c 1`), witness log on (default
//! durability); the generator runs pinned to the other. Scenarios:
//! - closed loop: ARQ → ACF, then DRQ → DCF, 64 requests in flight, with 0 and with 10,000 calls already admitted;
//!   the rate is completed ARQ+DRQ pairs per second;
//! - open loop at 2× and 6× the measured capacity: requests (each call an ARQ, then its DRQ) sent at a fixed rate
//!   for 3 s without waiting; counted: answers per second (all of them, and the ACFs among them), the gatekeeper's
//!   threads and resident memory before and after, and how long after the flood stops a fresh ARQ is answered
//!   again. What the gatekeeper cannot take the kernel drops (endpoints retransmit RAS requests).
//!
//! `cargo bench -p council --bench ras_load` (about a minute). `COUNCIL_BENCH_SECONDS` changes the measuring time.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use council_h225::{
    self as h225, AliasAddress, DisengageReason, EndpointIdentifier, H221NonStandard, RasMessage,
    RequestSeqNum, TimeToLive, TransportAddress, VendorIdentifier, builders,
};

const CONFIG: &str = r#"
[gates.bandwidth]
per-call-max = 1280
zone-total = 100000000000
[gates.capacity]
per-endpoint-calls = 1000000
[[gates.council]]
name = "council"
seats = 1000000
members = [ { alias = "*", role = "guardian" } ]
"#;

struct Gatekeeper {
    child: Child,
    ras: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Gatekeeper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Gatekeeper {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("council.toml");
        std::fs::write(&config, CONFIG).unwrap();
        let mut child = Command::new("taskset")
            .args(["-c", "1"])
            .arg(env!("CARGO_BIN_EXE_council"))
            .args([
                "gatekeeper",
                // RAS alone is measured: no council conference mixing beside it (as when the numbers were taken).
                "--media",
                "echo",
                "--ras",
                "127.0.0.1:0",
                "--h225",
                "127.0.0.1:0",
                "--config",
            ])
            .arg(&config)
            .arg("--witness-dir")
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("taskset and the council binary");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ras = line.split_whitespace().nth(4).unwrap().parse().unwrap();
        Gatekeeper {
            child,
            ras,
            _dir: dir,
        }
    }

    /// (threads, resident kB) of the gatekeeper process.
    fn footprint(&self) -> (usize, u64) {
        let pid = self.child.id();
        let threads = std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count());
        let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0);
        (threads, rss)
    }
}

fn seq(n: u64) -> RequestSeqNum {
    RequestSeqNum((n % 65535 + 1) as u16)
}

fn call_id(n: u64) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id[8] = 0xc0;
    id
}

struct Load {
    socket: UdpSocket,
    gk: SocketAddr,
    endpoints: Vec<EndpointIdentifier>,
}

impl Load {
    fn new(gk: SocketAddr, endpoints: usize) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let me = socket.local_addr().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut load = Load {
            socket,
            gk,
            endpoints: Vec::new(),
        };
        for i in 0..endpoints {
            let vendor =
                VendorIdentifier::new(H221NonStandard::new(181, 0, 21324), "ras-load", "1");
            let rrq = builders::registration_request(
                seq(i as u64),
                TransportAddress::ipv4("127.0.0.1".parse().unwrap(), 20000 + i as u16),
                TransportAddress::from_socket_addr(me),
                vec![AliasAddress::h323_id(&format!("load-{i}")).unwrap()],
                vendor,
                Some(TimeToLive::new(3600).unwrap()),
            );
            load.send(&rrq);
            let RasMessage::RegistrationConfirm(rcf) = load.recv().expect("RCF") else {
                panic!("no RCF")
            };
            load.endpoints.push(rcf.endpoint_identifier);
        }
        load
    }

    fn send(&self, m: &RasMessage) {
        self.socket
            .send_to(&h225::encode(m).unwrap(), self.gk)
            .unwrap();
    }

    fn recv(&self) -> Option<RasMessage> {
        let mut buf = [0u8; 2048];
        let n = self.socket.recv(&mut buf).ok()?;
        h225::decode(&buf[..n]).ok()
    }

    fn arq(&self, n: u64) -> RasMessage {
        builders::admission_request(
            seq(n),
            builders::AdmissionAsk {
                endpoint_identifier: self.endpoints[n as usize % self.endpoints.len()].clone(),
                destination_info: vec![AliasAddress::h323_id("council").unwrap()],
                src_info: vec![],
                band_width: 160,
                call_reference_value: (n % 65535) as u16,
                conference_id: call_id(n),
                call_identifier: call_id(n),
                answer_call: false,
            },
        )
    }

    fn drq(&self, n: u64) -> RasMessage {
        builders::disengage_request(
            seq(n),
            self.endpoints[n as usize % self.endpoints.len()].clone(),
            call_id(n),
            (n % 65535) as u16,
            call_id(n),
            DisengageReason::NormalDrop,
            false,
        )
    }

    /// Admits `calls` calls and keeps them (numbered from `first`).
    fn hold(&self, first: u64, calls: u64) {
        let mut inflight = 0;
        let mut next = first;
        let mut done = 0;
        while done < calls {
            while inflight < 64 && next < first + calls {
                self.send(&self.arq(next));
                next += 1;
                inflight += 1;
            }
            match self.recv() {
                Some(RasMessage::AdmissionConfirm(_)) => {
                    done += 1;
                    inflight -= 1;
                }
                // Late answers of an earlier scenario.
                Some(_) => {}
                None => inflight = 0,
            }
        }
    }

    /// ARQ→ACF, DRQ→DCF with 64 in flight for `secs`: pairs per second.
    fn closed_loop(&self, first: u64, secs: f64) -> f64 {
        self.socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let start = Instant::now();
        let mut next = first;
        let mut pairs = 0u64;
        // Calls by request sequence number, to know which call an ACF or DCF answers.
        let mut waiting: std::collections::HashMap<u16, (u64, bool)> =
            std::collections::HashMap::new();
        let mut refill =
            |load: &Load, waiting: &mut std::collections::HashMap<u16, (u64, bool)>| {
                while waiting.len() < 64 {
                    load.send(&load.arq(next));
                    waiting.insert(seq(next).0, (next, false));
                    next += 1;
                }
            };
        refill(self, &mut waiting);
        while start.elapsed().as_secs_f64() < secs {
            match self.recv() {
                Some(RasMessage::AdmissionConfirm(acf)) => {
                    if let Some((n, _)) = waiting.remove(&acf.request_seq_num.0) {
                        // The DRQ reuses the call's number, so its sequence number is the ARQ's.
                        self.send(&self.drq(n));
                        waiting.insert(seq(n).0, (n, true));
                    }
                }
                Some(RasMessage::DisengageConfirm(dcf)) => {
                    if waiting.remove(&dcf.request_seq_num.0).is_some() {
                        pairs += 1;
                    }
                    refill(self, &mut waiting);
                }
                Some(other) => panic!("closed loop: {}", other.short_name()),
                None => {
                    // A lost datagram: start over with a fresh window.
                    waiting.clear();
                    refill(self, &mut waiting);
                }
            }
        }
        self.socket
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        pairs as f64 / start.elapsed().as_secs_f64()
    }
}

/// Open loop: ARQs at `rate`/s for `secs` from a sender thread; answers counted by this one. Returns
/// (answers/s during the flood, admitted/s, seconds until a fresh ARQ is answered after the flood).
fn flood(load: &Load, gk: SocketAddr, first: u64, rate: f64, secs: f64) -> (f64, f64, f64) {
    let sender = load.socket.try_clone().unwrap();
    // Each call is an ARQ then its DRQ, so the gatekeeper holds no more calls at the end than at the start: what
    // grows under the flood is only what the flood itself makes grow.
    let arqs: Vec<Vec<u8>> = (0..(rate * secs) as u64)
        .map(|i| {
            let n = first + i / 2;
            let m = if i % 2 == 0 { load.arq(n) } else { load.drq(n) };
            h225::encode(&m).unwrap()
        })
        .collect();
    let started = Instant::now();
    let flood = std::thread::spawn(move || {
        for (i, a) in arqs.iter().enumerate() {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            while Instant::now() < due {
                std::hint::spin_loop();
            }
            let _ = sender.send_to(a, gk);
        }
    });
    load.socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let (mut answers, mut admitted) = (0u64, 0u64);
    let mut buf = [0u8; 2048];
    while started.elapsed().as_secs_f64() < secs {
        if let Ok(n) = load.socket.recv(&mut buf) {
            answers += 1;
            if matches!(h225::decode(&buf[..n]), Ok(RasMessage::AdmissionConfirm(_))) {
                admitted += 1;
            }
        }
    }
    flood.join().unwrap();
    let flood_end = Instant::now();
    // Recovery: a fresh ARQ every 10 ms until one is answered within 10 ms of being sent (backlog answers are
    // drained and not counted).
    let probe_base = first + 10_000_000;
    let mut k = 0;
    let recovered = loop {
        let sent = Instant::now();
        load.send(&load.arq(probe_base + k));
        let want = seq(probe_base + k).0;
        k += 1;
        let mut ok = false;
        while sent.elapsed() < Duration::from_millis(10) {
            if let Ok(n) = load.socket.recv(&mut buf)
                && let Ok(m) = h225::decode(&buf[..n])
                && m.request_seq_num() == Some(RequestSeqNum(want))
            {
                ok = true;
                break;
            }
        }
        if ok || flood_end.elapsed() > Duration::from_secs(10) {
            break flood_end.elapsed().as_secs_f64();
        }
    };
    // Drain what is left.
    while load.socket.recv(&mut buf).is_ok() {}
    load.socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    (answers as f64 / secs, admitted as f64 / secs, recovered)
}

fn main() {
    let secs: f64 = std::env::var("COUNCIL_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    // Pin the generator to core 0 (the gatekeeper has core 1).
    let _ = Command::new("taskset")
        .args(["-cp", "0", &std::process::id().to_string()])
        .output();
    println!("| scenario | result |");
    println!("|---|---:|");
    let gk = Gatekeeper::start();
    let load = Load::new(gk.ras, 64);
    let empty = load.closed_loop(1, secs);
    println!("| closed loop, 64 in flight, 0 calls held | {empty:.0} ARQ+DRQ pairs/s |");
    load.hold(100_000_000, 10_000);
    let held = load.closed_loop(2_000_000, secs);
    println!("| closed loop, 64 in flight, 10,000 calls held | {held:.0} ARQ+DRQ pairs/s |");
    // Capacity in single requests per second: a pair is two requests.
    let capacity = 2.0 * empty;
    for factor in [2.0, 6.0] {
        let before = gk.footprint();
        let (answers, admitted, recovery) = flood(
            &load,
            gk.ras,
            50_000_000 * factor as u64,
            factor * capacity,
            3.0,
        );
        let after = gk.footprint();
        println!(
            "| open loop, requests at {factor}× capacity ({:.0}/s) | {answers:.0} answers/s ({admitted:.0} ACF/s); threads {} → {}, RSS {} → {} kB; answering fresh ARQs {recovery:.2} s after the flood |",
            factor * capacity,
            before.0,
            after.0,
            before.1,
            after.1
        );
    }
}
