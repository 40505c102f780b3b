//! Admission throughput of the gate engine alone: admit then release, with N calls already held (the
//! gatekeeper's cost per ARQ/DRQ without ASN.1 or sockets). Prints a table; not a test.
//!
//! `cargo bench -p council-gates --bench gates`

use std::hint::black_box;
use std::time::Instant;

use council_gates::{
    AdmissionRequest, BandwidthConfig, Caller, CapacityConfig, CouncilConfig, Destination, Gates,
    GatesConfig, Role, Verified,
};

fn main() {
    let config = GatesConfig {
        bandwidth: BandwidthConfig {
            per_call_max: 1280,
            zone_total: u64::MAX / 2,
        },
        capacity: CapacityConfig {
            per_endpoint_calls: 1_000_000,
        },
        councils: vec![CouncilConfig {
            seats: 1_000_000,
            ..CouncilConfig::default()
        }],
        ..GatesConfig::default()
    };
    println!("| calls held | admit+release per s | ns per pair |");
    println!("|---:|---:|---:|");
    for held in [0usize, 10_000, 100_000] {
        let mut g = Gates::new(config.clone()).expect("valid");
        let endpoints: Vec<String> = (0..1000).map(|i| format!("ep-{i}")).collect();
        let aliases: Vec<Vec<String>> = (0..1000).map(|i| vec![format!("guardian-{i}")]).collect();
        let calls: Vec<String> = (0..held + 100_000).map(|i| format!("{i:032x}")).collect();
        let req = |i: usize| AdmissionRequest {
            call: &calls[i],
            caller: Caller {
                endpoint: &endpoints[i % 1000],
                aliases: &aliases[i % 1000],
                verified: Verified::Registered,
                role: Role::Guardian,
            },
            destination: Destination::Council("council"),
            bandwidth: 240,
        };
        for i in 0..held {
            assert!(g.admit(&req(i)).admitted());
        }
        let n = 100_000;
        let start = Instant::now();
        for i in held..held + n {
            let d = g.admit(&req(i));
            black_box(&d);
            black_box(g.release(&calls[i], &endpoints[i % 1000]));
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "| {held} | {:.0} | {:.0} |",
            n as f64 / secs,
            secs * 1e9 / n as f64
        );
    }
}
