//! The engine end to end: gate order, accounting, release, repeated requests, configuration from TOML, and every
//! decision in a real witness log that verifies.

use council_gates::{
    AdmissionRequest, Caller, Destination, Gate, Gates, GatesConfig, Reason, Role, Verified,
};

const CONFIG: &str = r#"
[identity]
allow-unauthenticated-roster = false

[bandwidth]
per-call-max = 640
zone-total = 1000

[capacity]
per-endpoint-calls = 2

[policy]
direct-calls = true

[[council]]
name = "council"
seats = 3
experts = true
members = [ { alias = "guardian-*", role = "guardian" }, { alias = "*@experts.example", role = "expert" } ]

[[council]]
name = "inner"
seats = 2
experts = false
members = [ { alias = "guardian-1", role = "guardian" }, { alias = "guardian-2", role = "guardian" } ]
"#;

fn gates() -> Gates {
    let config: GatesConfig = toml::from_str(CONFIG).expect("config parses");
    Gates::new(config).expect("config is valid")
}

struct Req {
    call: String,
    endpoint: String,
    aliases: Vec<String>,
    verified: Verified,
    role: Role,
    council: Option<String>,
    bandwidth: u32,
}

impl Req {
    fn guardian(call: &str, n: u32) -> Self {
        Req {
            call: call.into(),
            endpoint: format!("ep-{n}"),
            aliases: vec![format!("guardian-{n}")],
            verified: Verified::Registered,
            role: Role::Guardian,
            council: Some("council".into()),
            bandwidth: 240,
        }
    }
    fn to(mut self, council: &str) -> Self {
        self.council = Some(council.into());
        self
    }
    fn bw(mut self, bandwidth: u32) -> Self {
        self.bandwidth = bandwidth;
        self
    }
    fn request(&self) -> AdmissionRequest<'_> {
        AdmissionRequest {
            call: &self.call,
            caller: Caller {
                endpoint: &self.endpoint,
                aliases: &self.aliases,
                verified: self.verified,
                role: self.role,
            },
            destination: match &self.council {
                Some(c) => Destination::Council(c),
                None => Destination::Endpoint("guardian-9"),
            },
            bandwidth: self.bandwidth,
        }
    }
}

fn reason(g: &mut Gates, r: &Req) -> Option<&'static str> {
    let d = g.admit(&r.request());
    d.outcome.err().map(|rej| {
        assert_eq!(rej.gate, rej.reason.gate());
        rej.reason.code()
    })
}

#[test]
fn the_first_failing_gate_decides_in_order() {
    let mut g = gates();
    // Fails identity, bandwidth (per call), capacity (unknown council has no seats to count) and policy at once:
    // identity must win.
    let mut r = Req::guardian("c1", 1).to("nowhere").bw(10_000);
    r.verified = Verified::Unregistered;
    assert_eq!(reason(&mut g, &r), Some("not-registered"));
    // Registered now: the bandwidth gate is next.
    r.verified = Verified::Registered;
    assert_eq!(reason(&mut g, &r), Some("over-call-limit"));
    // Fitting bandwidth: capacity has nothing to say about an unknown council, so policy decides.
    let r = r.bw(100);
    assert_eq!(reason(&mut g, &r), Some("unknown-council"));
    assert_eq!(g.usage().calls, 0);
    assert_eq!(g.usage().bandwidth_used, 0);
}

#[test]
fn bandwidth_is_accounted_and_given_back() {
    let mut g = gates();
    assert_eq!(reason(&mut g, &Req::guardian("a", 1).bw(600)), None);
    assert_eq!(g.usage().bandwidth_used, 600);
    // 400 left: 401 does not fit, 400 does.
    let d = g.admit(&Req::guardian("b", 2).bw(401).request());
    assert_eq!(
        d.outcome.unwrap_err().reason,
        Reason::ZoneExhausted {
            requested: 401,
            remaining: 400
        }
    );
    assert_eq!(reason(&mut g, &Req::guardian("b", 2).bw(400)), None);
    assert_eq!(g.usage().bandwidth_used, 1000);
    assert!(g.release("a", "ep-1").is_some());
    assert!(
        g.release("a", "ep-1").is_none(),
        "a second release is harmless"
    );
    assert_eq!(g.usage().bandwidth_used, 400);
    assert_eq!(reason(&mut g, &Req::guardian("c", 3).bw(600)), None);
    // BRQ: growing "b" by one unit no longer fits; shrinking it does and frees the difference.
    assert_eq!(
        g.change_bandwidth("b", "ep-2", 401)
            .unwrap()
            .unwrap_err()
            .gate,
        Gate::Bandwidth
    );
    assert_eq!(g.admitted("b", "ep-2").unwrap().bandwidth, 400);
    assert_eq!(g.change_bandwidth("b", "ep-2", 100), Some(Ok(())));
    assert_eq!(g.usage().bandwidth_used, 700);
    assert_eq!(g.change_bandwidth("nope", "ep-2", 100), None);
}

#[test]
fn seats_and_per_endpoint_limits() {
    let mut g = gates();
    for (call, n) in [("a", 1), ("b", 2), ("c", 3)] {
        assert_eq!(reason(&mut g, &Req::guardian(call, n).bw(10)), None);
    }
    assert_eq!(
        reason(&mut g, &Req::guardian("d", 4).bw(10)),
        Some("council-full")
    );
    // Another council still has seats; guardian-1 is on its roster and holds one call of its two.
    assert_eq!(
        reason(&mut g, &Req::guardian("e", 1).to("inner").bw(10)),
        None
    );
    assert_eq!(
        reason(&mut g, &Req::guardian("f", 1).to("inner").bw(10)),
        Some("endpoint-busy")
    );
    let u = g.usage();
    assert_eq!(u.calls, 4);
    assert_eq!(
        u.councils,
        vec![("council".to_owned(), 3, 3), ("inner".to_owned(), 1, 2)]
    );
    // The endpoint unregisters: both its calls go, and so does its seat in each council.
    let gone = g.release_endpoint("ep-1");
    assert_eq!(gone.len(), 2);
    assert_eq!(
        g.usage().councils,
        vec![("council".to_owned(), 2, 3), ("inner".to_owned(), 0, 2)]
    );
    assert_eq!(reason(&mut g, &Req::guardian("d", 4).bw(10)), None);
}

#[test]
fn policy_roles_and_rosters() {
    let mut g = gates();
    let mut expert = Req::guardian("x", 7);
    expert.aliases = vec!["ada@experts.example".into()];
    expert.verified = Verified::Authenticated;
    expert.role = Role::Expert;
    expert.endpoint = "sip:ada@experts.example".into();
    assert_eq!(reason(&mut g, &expert), None);
    let mut expert = expert.to("inner");
    expert.call = "x2".into();
    assert_eq!(reason(&mut g, &expert), Some("experts-not-allowed"));
    assert_eq!(
        reason(&mut g, &Req::guardian("y", 3).to("inner")),
        Some("not-on-roster")
    );
    let mut direct = Req::guardian("z", 3);
    direct.council = None;
    assert_eq!(reason(&mut g, &direct), None);
    assert_eq!(g.usage().councils[0].1, 1, "a direct call takes no seat");
}

#[test]
fn both_ends_of_a_call_and_repeated_requests() {
    let mut g = gates();
    let caller = Req::guardian("call-1", 1);
    let mut callee = Req::guardian("call-1", 2);
    callee.council = None;
    assert!(g.admit(&caller.request()).admitted());
    assert!(g.admit(&callee.request()).admitted());
    assert_eq!(g.usage().calls, 2);
    // A retransmitted ARQ: admitted again, marked repeated, nothing taken twice.
    let d = g.admit(&caller.request());
    assert!(d.admitted() && d.repeated);
    assert_eq!(g.usage().calls, 2);
    assert_eq!(g.usage().bandwidth_used, 480);
    assert!(g.release("call-1", "ep-1").is_some());
    assert!(g.admitted("call-1", "ep-2").is_some());
    assert!(g.release("call-1", "ep-2").is_some());
    assert_eq!(g.usage().bandwidth_used, 0);
}

#[test]
fn bad_configuration_is_refused_with_a_reason() {
    let dup = format!("{CONFIG}\n[[council]]\nname = \"inner\"\n");
    let cfg: GatesConfig = toml::from_str(&dup).unwrap();
    assert_eq!(
        Gates::new(cfg).unwrap_err().to_string(),
        "council \"inner\" is configured twice"
    );
    let err = toml::from_str::<GatesConfig>(
        "[[council]]\nname = \"x\"\nmembers = [ { alias = \"a*b*\", role = \"guardian\" } ]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("at most one '*'"), "{err}");
    let err = toml::from_str::<GatesConfig>("[bandwith]\nper-call-max = 1\n").unwrap_err();
    assert!(err.to_string().contains("bandwith"), "{err}");
    let cfg: GatesConfig = toml::from_str("[capacity]\nper-endpoint-calls = 0\n").unwrap();
    assert!(Gates::new(cfg).is_err());
    // The embedded default: one open council.
    let g = Gates::new(GatesConfig::default()).unwrap();
    assert_eq!(g.usage().councils, vec![("council".to_owned(), 0, 32)]);
}

#[test]
fn every_decision_goes_into_a_witness_log_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.log");
    let log =
        council_witness::WitnessLog::open(&path, council_witness::Options::default()).unwrap();
    let mut g = gates();
    let mut unregistered = Req::guardian("r1", 5);
    unregistered.verified = Verified::Unregistered;
    let requests = [
        Req::guardian("a1", 1).bw(600),
        Req::guardian("a2", 2).bw(600),
        unregistered,
    ];
    for r in &requests {
        let d = g.admit(&r.request());
        log.append(d.witness_kind(), d.witness_fields()).unwrap();
    }
    drop(log);
    let report = council_witness::verify_file(&path, &council_witness::VerifyOptions::default())
        .expect("the log verifies");
    assert!(report.entries >= 4, "{report:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    let entries: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &serde_json::Value| e["kind"].as_str().unwrap().starts_with("call-"))
        .collect();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["kind"], "call-admitted");
    assert_eq!(entries[0]["fields"]["zone-used"], 600);
    assert_eq!(entries[0]["fields"]["destination"], "council:council");
    assert_eq!(entries[1]["kind"], "call-rejected");
    assert_eq!(entries[1]["fields"]["gate"], "bandwidth");
    assert_eq!(entries[1]["fields"]["reason"], "zone-exhausted");
    assert_eq!(entries[1]["fields"]["aliases"][0], "guardian-2");
    assert_eq!(entries[2]["fields"]["gate"], "identity");
    assert_eq!(entries[2]["fields"]["reason"], "not-registered");
    assert_eq!(entries[2]["fields"]["verified"], "unregistered");
}
