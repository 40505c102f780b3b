//! `council gatekeeper` over real UDP on loopback: a terminal discovers it, registers, is admitted into the
//! council, hangs up and unregisters; a second call over the bandwidth budget is refused with the right ARJ
//! reason; every decision is in the witness log, which verifies; and every datagram both ways, written to a
//! pcap, decodes in tshark as H.225.0 RAS with no malformed packet or expert error and the values we sent.

use std::net::{Ipv4Addr, SocketAddr};

use council_e2e::h323::{Gatekeeper, RasTerminal};
use council_h225::{
    self as h225, AliasAddress, DisengageReason, EndpointIdentifier, H221NonStandard, RasMessage,
    RequestSeqNum, TimeToLive, TransportAddress, VendorIdentifier, builders,
};
use council_tshark::{Pcap, Tshark};

const CONFIG: &str = r#"
[gates.bandwidth]
per-call-max = 640
zone-total = 1000

[[gates.council]]
name = "council"
seats = 8
members = [ { alias = "guardian-*", role = "guardian" } ]
"#;

fn seq(n: u16) -> RequestSeqNum {
    RequestSeqNum::new(n).unwrap()
}

#[test]
fn register_admit_refuse_disengage_unregister() {
    let dir = tempfile::tempdir().unwrap();
    let gatekeeper = Gatekeeper::start(dir.path(), CONFIG);
    let (gk, h225) = (gatekeeper.ras, gatekeeper.h225);

    let mut t = RasTerminal::new(gk);
    let me = t.socket.local_addr().unwrap();
    let ras = TransportAddress::from_socket_addr(me);
    let cs = TransportAddress::ipv4(Ipv4Addr::LOCALHOST, 41800);
    let alias = AliasAddress::h323_id("guardian-1").unwrap();

    let RasMessage::GatekeeperConfirm(gcf) = t.ask(&builders::gatekeeper_request(
        seq(1),
        ras.clone(),
        vec![alias.clone()],
    )) else {
        panic!("no GCF")
    };
    assert_eq!(gcf.ras_address.to_socket_addr(), Some(gk));

    let vendor = VendorIdentifier::new(H221NonStandard::new(181, 0, 21324), "council-test", "1");
    let rrq = builders::registration_request(
        seq(2),
        cs.clone(),
        ras,
        vec![alias],
        vendor,
        Some(TimeToLive::new(60).unwrap()),
    );
    let RasMessage::RegistrationConfirm(rcf) = t.ask(&rrq) else {
        panic!("no RCF")
    };
    assert_eq!(rcf.time_to_live.map(|t| t.0), Some(60));
    assert_eq!(rcf.call_signal_address[0].to_socket_addr(), Some(h225));
    let ep: EndpointIdentifier = rcf.endpoint_identifier.clone();

    let arq = |n: u16, call: u8, bw: u32| {
        builders::admission_request(
            seq(n),
            builders::AdmissionAsk {
                endpoint_identifier: ep.clone(),
                destination_info: vec![AliasAddress::h323_id("council").unwrap()],
                src_info: vec![AliasAddress::h323_id("guardian-1").unwrap()],
                band_width: bw,
                call_reference_value: u16::from(call),
                conference_id: [call; 16],
                call_identifier: [call; 16],
                answer_call: false,
            },
        )
    };
    let RasMessage::AdmissionConfirm(acf) = t.ask(&arq(3, 1, 640)) else {
        panic!("no ACF")
    };
    assert_eq!(acf.band_width, 640);
    assert_eq!(acf.dest_call_signal_address.to_socket_addr(), Some(h225));
    // 360 left of the zone's 1000: a second call of 640 is refused, "no bandwidth available".
    let RasMessage::AdmissionReject(arj) = t.ask(&arq(4, 2, 640)) else {
        panic!("no ARJ")
    };
    assert!(
        matches!(
            arj.reject_reason,
            h225::AdmissionRejectReason::RequestDenied
        ),
        "{:?}",
        arj.reject_reason
    );

    let drq = builders::disengage_request(
        seq(5),
        ep.clone(),
        [1; 16],
        1,
        [1; 16],
        DisengageReason::NormalDrop,
        false,
    );
    assert!(matches!(t.ask(&drq), RasMessage::DisengageConfirm(_)));
    let urq = builders::unregistration_request(seq(6), vec![cs], Some(ep), None);
    assert!(matches!(t.ask(&urq), RasMessage::UnregistrationConfirm(_)));
    drop(gatekeeper);

    // The witness log: every decision, in order, and it verifies.
    let log = dir.path().join("witness.log");
    council_witness::verify_file(&log, &council_witness::VerifyOptions::default()).unwrap();
    let entries: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &serde_json::Value| {
            let k = e["kind"].as_str().unwrap();
            k.starts_with("call-") || k.starts_with("endpoint-")
        })
        .collect();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "endpoint-registered",
            "call-admitted",
            "call-rejected",
            "call-released",
            "endpoint-unregistered"
        ]
    );
    assert_eq!(entries[2]["fields"]["reason"], "zone-exhausted");
    assert_eq!(entries[2]["fields"]["arj-reason"], "RequestDenied");

    // tshark reads every datagram as RAS (on port 1719, where it looks for it), with our values.
    if !council_tshark::available() {
        return;
    }
    let to_1719 = |a: SocketAddr| {
        if a == gk {
            SocketAddr::from(([127, 0, 0, 1], 1719))
        } else {
            a
        }
    };
    let mut pcap = Pcap::new();
    for (from, to, bytes) in &t.log {
        let (f, d) = (to_1719(*from), to_1719(*to));
        let v4 = |a: SocketAddr| match a.ip() {
            std::net::IpAddr::V4(ip) => (ip, a.port()),
            std::net::IpAddr::V6(_) => unreachable!(),
        };
        pcap.udp(v4(f), v4(d), bytes);
    }
    let capture = Tshark::new(&pcap, dir.path());
    assert_eq!(capture.problems(), "", "{}", capture.summary());
    let kinds = capture.fields("h225", &["h225.RasMessage", "h225.requestSeqNum"]);
    assert_eq!(kinds.len(), 12, "{kinds:?}");
    let ttl = capture.fields("h225.timeToLive", &["h225.timeToLive"]);
    assert_eq!(ttl, [vec!["60"], vec!["60"]]);
    let bw = capture.fields("h225.bandWidth", &["h225.bandWidth"]);
    assert!(bw.iter().all(|v| v[0] == "640"), "{bw:?}");
}
