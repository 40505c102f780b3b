//! The gatekeeper driven as its event loop would drive it, with simulated time: discovery, registration and its
//! expiry, calls between guardians and into the council through the four gates, bandwidth, disengage, location —
//! every reply checked, and every witness entry written to a real log that verifies.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use council_gatekeeper::ras::*;
use council_gatekeeper::{Gatekeeper, GatekeeperConfig, Output};
use council_gates::GatesConfig;
use serde_json::{Map, Value};

const GK_RAS: &str = "127.0.0.1:41719";
const GK_CS: &str = "127.0.0.1:41720";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

struct Rig {
    gk: Gatekeeper,
    now: Instant,
    witness: Vec<(&'static str, Map<String, Value>)>,
}

impl Rig {
    fn new(gates: &str) -> Self {
        let mut config = GatekeeperConfig::default();
        config.alternates.push(AlternateGatekeeper {
            ras_address: addr("127.0.0.2:1719"),
            gatekeeper_id: Some("council-b".into()),
            need_to_register: true,
            priority: 1,
        });
        let gates: GatesConfig = toml::from_str(gates).unwrap();
        Rig {
            gk: Gatekeeper::new(config, gates, addr(GK_RAS), addr(GK_CS), "gk1-").unwrap(),
            now: Instant::now(),
            witness: Vec::new(),
        }
    }

    /// Sends one request and returns the one reply (and where it went); witness entries are collected.
    fn ask(&mut self, from: &str, req: Request) -> (SocketAddr, Reply) {
        self.gk.handle_request(self.now, addr(from), req);
        self.drain().expect("one reply")
    }

    fn drain(&mut self) -> Option<(SocketAddr, Reply)> {
        let mut reply = None;
        while let Some(o) = self.gk.poll_output() {
            match o {
                Output::Reply { to, reply: r } => {
                    assert!(reply.is_none(), "one reply per request");
                    reply = Some((to, r));
                }
                Output::Witness { kind, fields } => self.witness.push((kind, fields)),
            }
        }
        reply
    }

    fn register(&mut self, alias: &str, port: u16, ttl: Option<u32>) -> String {
        let ras = format!("127.0.0.1:{}", port + 1);
        let (to, reply) = self.ask(
            &ras,
            Request::Registration(RegistrationRequest {
                seq: port,
                keep_alive: false,
                endpoint_id: None,
                call_signal: vec![addr(&format!("127.0.0.1:{port}"))],
                ras: vec![addr(&ras)],
                aliases: vec![
                    Alias::H323Id(alias.into()),
                    Alias::DialedDigits(port.to_string()),
                ],
                ttl,
                gatekeeper_id: None,
            }),
        );
        assert_eq!(to, addr(&ras));
        match reply {
            Reply::Rcf {
                endpoint_id,
                call_signal,
                ..
            } => {
                assert_eq!(call_signal, vec![addr(GK_CS)]);
                endpoint_id
            }
            other => panic!("expected RCF, got {other:?}"),
        }
    }

    fn arq(
        &mut self,
        from_port: u16,
        endpoint: &str,
        call: u8,
        dest: &str,
        bandwidth: u32,
        answer: bool,
    ) -> Reply {
        self.ask(
            &format!("127.0.0.1:{}", from_port + 1),
            Request::Admission(AdmissionRequest {
                seq: u16::from(call) + 1000,
                endpoint_id: endpoint.into(),
                call_id: [call; 16],
                call_reference: u16::from(call),
                conference_id: [call; 16],
                destination: vec![Alias::H323Id(dest.into())],
                dest_call_signal: None,
                source: vec![],
                bandwidth,
                answer_call: answer,
            }),
        )
        .1
    }

    fn drq(&mut self, from_port: u16, endpoint: &str, call: u8) -> Reply {
        self.ask(
            &format!("127.0.0.1:{}", from_port + 1),
            Request::Disengage(DisengageRequest {
                seq: 7,
                endpoint_id: endpoint.into(),
                call_id: [call; 16],
            }),
        )
        .1
    }

    fn kinds(&self) -> Vec<&str> {
        self.witness.iter().map(|(k, _)| *k).collect()
    }
}

const GATES: &str = r#"
[bandwidth]
per-call-max = 640
zone-total = 1000
[[council]]
name = "council"
seats = 2
members = [ { alias = "guardian-*", role = "guardian" } ]
"#;

#[test]
fn discovery_names_us_and_the_alternates() {
    let mut rig = Rig::new(GATES);
    let grq = |id: Option<&str>| {
        Request::Gatekeeper(GatekeeperRequest {
            seq: 1,
            gatekeeper_id: id.map(str::to_owned),
            ras_address: addr("127.0.0.1:50001"),
            aliases: vec![],
        })
    };
    let (to, reply) = rig.ask("127.0.0.1:50001", grq(None));
    assert_eq!(to, addr("127.0.0.1:50001"));
    match reply {
        Reply::Gcf {
            gatekeeper_id,
            ras_address,
            alternates,
            ..
        } => {
            assert_eq!(gatekeeper_id, "council");
            assert_eq!(ras_address, addr(GK_RAS));
            assert_eq!(alternates[0].ras_address, addr("127.0.0.2:1719"));
        }
        other => panic!("{other:?}"),
    }
    let (_, reply) = rig.ask("127.0.0.1:50001", grq(Some("someone-else")));
    assert!(
        matches!(
            reply,
            Reply::Grj {
                reason: GrjReason::TerminalExcluded,
                ..
            }
        ),
        "{reply:?}"
    );
}

#[test]
fn registration_keep_alive_duplicates_and_expiry() {
    let mut rig = Rig::new(GATES);
    // Asked 5 s: clamped up to the 30 s minimum.
    let id = rig.register("guardian-1", 30000, Some(5));
    assert_eq!(
        rig.gk.registry().get(&id).unwrap().ttl,
        Duration::from_secs(30)
    );
    assert_eq!(rig.kinds(), ["endpoint-registered"]);
    // The same alias from another endpoint.
    let (_, reply) = rig.ask(
        "127.0.0.1:30101",
        Request::Registration(RegistrationRequest {
            seq: 9,
            keep_alive: false,
            endpoint_id: None,
            call_signal: vec![addr("127.0.0.1:30100")],
            ras: vec![addr("127.0.0.1:30101")],
            aliases: vec![Alias::H323Id("guardian-1".into())],
            ttl: None,
            gatekeeper_id: None,
        }),
    );
    assert_eq!(
        reply,
        Reply::Rrj {
            seq: 9,
            gatekeeper_id: "council".into(),
            reason: RrjReason::DuplicateAlias(vec![Alias::H323Id("guardian-1".into())])
        }
    );
    let keep_alive = |id: &str| {
        Request::Registration(RegistrationRequest {
            seq: 10,
            keep_alive: true,
            endpoint_id: Some(id.into()),
            call_signal: vec![],
            ras: vec![],
            aliases: vec![],
            ttl: Some(60),
            gatekeeper_id: None,
        })
    };
    // A keep-alive at 20 s: 60 s more.
    rig.now += Duration::from_secs(20);
    let (_, reply) = rig.ask("127.0.0.1:30001", keep_alive(&id));
    assert!(matches!(reply, Reply::Rcf { ttl: 60, .. }), "{reply:?}");
    assert_eq!(
        rig.gk.poll_timeout(),
        Some(rig.now + Duration::from_secs(60))
    );
    rig.gk.handle_timeout(rig.now + Duration::from_secs(59));
    assert_eq!(rig.gk.registry().len(), 1);
    // An admitted call, then the time runs out: registration and call both end, both witnessed.
    assert!(matches!(
        rig.arq(30000, &id, 1, "council", 240, false),
        Reply::Acf { .. }
    ));
    rig.now += Duration::from_secs(60);
    rig.gk.handle_timeout(rig.now);
    rig.drain();
    assert_eq!(rig.gk.registry().len(), 0);
    assert_eq!(rig.gk.gates().usage().calls, 0);
    assert_eq!(
        rig.kinds(),
        [
            "endpoint-registered",
            "call-admitted",
            "call-released",
            "endpoint-unregistered"
        ]
    );
    assert_eq!(rig.witness[3].1["why"], "ttl-expired");
    let (_, reply) = rig.ask("127.0.0.1:30001", keep_alive(&id));
    assert!(
        matches!(
            reply,
            Reply::Rrj {
                reason: RrjReason::FullRegistrationRequired,
                ..
            }
        ),
        "{reply:?}"
    );
    assert!(matches!(
        rig.arq(30000, &id, 2, "council", 240, false),
        Reply::Arj {
            reason: ArjReason::CallerNotRegistered,
            ..
        }
    ));
}

#[test]
fn a_call_between_two_guardians() {
    let mut rig = Rig::new(GATES);
    let a = rig.register("guardian-a", 31000, None);
    let b = rig.register("guardian-b", 32000, None);
    // A calls B by alias: direct, to B's call-signalling address.
    match rig.arq(31000, &a, 5, "guardian-b", 240, false) {
        Reply::Acf {
            call_model,
            dest_call_signal,
            bandwidth,
            ..
        } => {
            assert_eq!(call_model, CallModel::Direct);
            assert_eq!(dest_call_signal, addr("127.0.0.1:32000"));
            assert_eq!(bandwidth, 240);
        }
        other => panic!("{other:?}"),
    }
    // B asks to answer it.
    assert!(matches!(
        rig.arq(32000, &b, 5, "guardian-b", 240, true),
        Reply::Acf { .. }
    ));
    assert_eq!(rig.gk.gates().usage().bandwidth_used, 480);
    // LRQ for B's number.
    let (to, reply) = rig.ask(
        "127.0.0.1:31001",
        Request::Location(LocationRequest {
            seq: 3,
            destination: vec![Alias::DialedDigits("32000".into())],
            reply_address: addr("127.0.0.1:31001"),
        }),
    );
    assert_eq!(to, addr("127.0.0.1:31001"));
    assert_eq!(
        reply,
        Reply::Lcf {
            seq: 3,
            call_signal: addr("127.0.0.1:32000"),
            ras: addr("127.0.0.1:32001")
        }
    );
    // Hang up: both disengage; a repeated DRQ is confirmed again without a second release.
    assert_eq!(rig.drq(31000, &a, 5), Reply::Dcf { seq: 7 });
    assert_eq!(rig.drq(32000, &b, 5), Reply::Dcf { seq: 7 });
    assert_eq!(rig.drq(32000, &b, 5), Reply::Dcf { seq: 7 });
    assert_eq!(rig.gk.gates().usage().calls, 0);
    let released = rig
        .kinds()
        .iter()
        .filter(|k| **k == "call-released")
        .count();
    assert_eq!(released, 2);
    assert!(matches!(
        rig.drq(32000, "nobody", 5),
        Reply::Drj {
            reason: DrjReason::NotRegistered,
            ..
        }
    ));
}

#[test]
fn the_gates_decide_and_map_to_arj_reasons() {
    let mut rig = Rig::new(GATES);
    let g1 = rig.register("guardian-1", 33000, None);
    let g2 = rig.register("guardian-2", 34000, None);
    let g3 = rig.register("guardian-3", 35000, None);
    let outsider = rig.register("visitor", 36000, None);
    // Into the council: routed to Council.
    match rig.arq(33000, &g1, 1, "council", 400, false) {
        Reply::Acf {
            call_model,
            dest_call_signal,
            ..
        } => {
            assert_eq!(
                (call_model, dest_call_signal),
                (CallModel::GatekeeperRouted, addr(GK_CS))
            );
        }
        other => panic!("{other:?}"),
    }
    // Policy (the council has a seat left, so capacity lets them by): not on the roster; unknown destination.
    assert!(matches!(
        rig.arq(36000, &outsider, 4, "council", 100, false),
        Reply::Arj {
            reason: ArjReason::InvalidPermission,
            ..
        }
    ));
    assert!(matches!(
        rig.arq(36000, &outsider, 5, "nobody-here", 100, false),
        Reply::Arj {
            reason: ArjReason::CalledPartyNotRegistered,
            ..
        }
    ));
    // Bandwidth: 600 left, 601 asked → requestDenied; over the per-call maximum → requestDenied.
    assert!(matches!(
        rig.arq(34000, &g2, 2, "council", 601, false),
        Reply::Arj {
            reason: ArjReason::RequestDenied,
            ..
        }
    ));
    assert!(matches!(
        rig.arq(34000, &g2, 2, "council", 641, false),
        Reply::Arj {
            reason: ArjReason::RequestDenied,
            ..
        }
    ));
    assert!(matches!(
        rig.arq(34000, &g2, 2, "council", 300, false),
        Reply::Acf { .. }
    ));
    // Capacity: two seats taken.
    assert!(matches!(
        rig.arq(35000, &g3, 3, "council", 100, false),
        Reply::Arj {
            reason: ArjReason::ExceedsCallCapacity,
            ..
        }
    ));
    // Identity: a real endpoint identifier, but sent from an address that is not the endpoint's.
    let (_, reply) = rig.ask(
        "127.0.0.1:39999",
        Request::Admission(AdmissionRequest {
            seq: 77,
            endpoint_id: g2.clone(),
            call_id: [77; 16],
            call_reference: 77,
            conference_id: [77; 16],
            destination: vec![Alias::H323Id("council".into())],
            dest_call_signal: None,
            source: vec![],
            bandwidth: 100,
            answer_call: false,
        }),
    );
    assert!(
        matches!(
            reply,
            Reply::Arj {
                reason: ArjReason::CallerNotRegistered,
                ..
            }
        ),
        "{reply:?}"
    );
    // Identity: an endpoint identifier we never gave out.
    assert!(matches!(
        rig.arq(37000, "forged", 6, "council", 100, false),
        Reply::Arj {
            reason: ArjReason::CallerNotRegistered,
            ..
        }
    ));
    // BRQ: growing call 1 to 700 exceeds the per-call limit; shrinking works.
    let brq = |bw| {
        Request::Bandwidth(BandwidthRequest {
            seq: 8,
            endpoint_id: g1.clone(),
            call_id: [1; 16],
            bandwidth: bw,
        })
    };
    let (_, reply) = rig.ask("127.0.0.1:33001", brq(700));
    assert_eq!(
        reply,
        Reply::Brj {
            seq: 8,
            reason: BrjReason::InsufficientResources,
            allowed: 400
        }
    );
    let (_, reply) = rig.ask("127.0.0.1:33001", brq(200));
    assert_eq!(
        reply,
        Reply::Bcf {
            seq: 8,
            bandwidth: 200
        }
    );

    let rejected: Vec<(&str, &str)> = rig
        .witness
        .iter()
        .filter(|(k, _)| *k == "call-rejected")
        .map(|(_, f)| (f["gate"].as_str().unwrap(), f["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        [
            ("policy", "not-on-roster"),
            ("policy", "unknown-council"),
            ("bandwidth", "zone-exhausted"),
            ("bandwidth", "over-call-limit"),
            ("capacity", "council-full"),
            ("identity", "not-registered"),
            ("identity", "not-registered"),
        ]
    );
    // URQ ends g1's registration and its call.
    let (_, reply) = rig.ask(
        "127.0.0.1:33001",
        Request::Unregistration(UnregistrationRequest {
            seq: 11,
            endpoint_id: Some(g1.clone()),
            call_signal: vec![],
            aliases: vec![],
        }),
    );
    assert_eq!(reply, Reply::Ucf { seq: 11 });
    assert_eq!(rig.gk.gates().usage().calls, 1);
    let (_, reply) = rig.ask(
        "127.0.0.1:33001",
        Request::Unregistration(UnregistrationRequest {
            seq: 12,
            endpoint_id: Some(g1),
            call_signal: vec![],
            aliases: vec![],
        }),
    );
    assert_eq!(
        reply,
        Reply::Urj {
            seq: 12,
            reason: UrjReason::NotCurrentlyRegistered
        }
    );
}

#[test]
fn every_witness_output_goes_into_a_log_that_verifies() {
    let mut rig = Rig::new(GATES);
    let g1 = rig.register("guardian-1", 38000, None);
    rig.arq(38000, &g1, 1, "council", 100, false);
    rig.arq(38000, &g1, 2, "council", 5000, false);
    rig.drq(38000, &g1, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gk.log");
    let log =
        council_witness::WitnessLog::open(&path, council_witness::Options::default()).unwrap();
    for (kind, fields) in &rig.witness {
        log.append(kind, fields.clone()).unwrap();
    }
    drop(log);
    let report =
        council_witness::verify_file(&path, &council_witness::VerifyOptions::default()).unwrap();
    assert!(report.entries >= 5);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"arj-reason\":\"RequestDenied\""), "{text}");
    assert!(text.contains("\"kind\":\"call-released\""));
}
