//! `council guardian` against `council gatekeeper`, all real: RRQ, ARQ, a Fast Start call to the council over
//! H.225.0 call signalling, a 440 Hz tone as G.729 RTP through the `h323-g729-out` leg, Council's echo recorded
//! through the `h323-g729-in` leg (the tone must dominate the recording), ReleaseComplete, DRQ, URQ — every
//! decision in the gatekeeper's witness log; and over the bandwidth budget the same guardian is refused.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use council_e2e::council;
use council_e2e::h323::Gatekeeper;
use council_e2e::sip::{read_wav, tone_share};

fn gatekeeper(dir: &Path, config: &str) -> (Gatekeeper, String) {
    let gk = Gatekeeper::start(dir, config);
    let ras = gk.ras.to_string();
    (gk, ras)
}

fn guardian(dir: &Path, ras: &str) -> std::process::Output {
    guardian_args(dir, ras, &[])
}

/// [`guardian`] with more arguments.
fn guardian_args(dir: &Path, ras: &str, extra: &[&str]) -> std::process::Output {
    Command::new("timeout")
        .arg("60")
        .arg(council())
        .args([
            "guardian",
            "--gatekeeper",
            ras,
            "--alias",
            "guardian-1",
            "--call",
            "council",
            "--seconds",
            "3",
        ])
        .arg("--record")
        .arg(dir.join("heard.wav"))
        .arg("--witness")
        .arg(dir.join("guardian.log"))
        .args(extra)
        .output()
        .unwrap()
}

/// 16-bit mono samples of a WAV file.
fn samples(path: &Path) -> Vec<i16> {
    read_wav(path).0
}

/// The share of the energy at `freq` (8 kHz audio).
fn share_at(samples: &[i16], freq: f64) -> f64 {
    tone_share(samples, 8000, freq)
}

fn kinds(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("witness.log"))
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .filter(|k| k.starts_with("call-") || k.starts_with("endpoint-"))
        .collect()
}

/// The guardian ended well and heard its own 440 Hz back (Council's echo) in `dir/heard.wav`.
fn hears_its_tone(dir: &Path, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let heard = samples(&dir.join("heard.wav"));
    assert!(heard.len() > 8000 * 2, "{} samples recorded", heard.len());
    let share = share_at(&heard[1600..], 440.0);
    assert!(
        share > 0.8,
        "440 Hz holds {share:.3} of what the guardian heard"
    );
}

/// No packet of the capture is malformed or has an expert error, for tshark with `options`.
fn nothing_malformed(file: &Path, options: &[&str]) {
    let bad = council_e2e::sip::tshark_fields(
        file,
        options,
        "_ws.malformed || _ws.expert.severity == error",
        &["frame.number"],
    );
    assert!(bad.is_empty(), "malformed or erroneous packets: {bad:?}");
}

#[test]
fn a_guardian_calls_the_council_and_hears_its_tone_back() {
    let dir = tempfile::tempdir().unwrap();
    let (gk, ras) = gatekeeper(dir.path(), "");
    let out = guardian(dir.path(), &ras);
    hears_its_tone(dir.path(), &out);
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(gk);
    let mut k = kinds(dir.path());
    k.sort();
    assert_eq!(
        k,
        [
            "call-admitted",
            "call-bridged",
            "call-released",
            "call-released",
            "endpoint-registered",
            "endpoint-unregistered"
        ]
    );
    council_witness::verify_file(
        &dir.path().join("witness.log"),
        &council_witness::VerifyOptions::default(),
    )
    .unwrap();
    council_witness::verify_file(
        &dir.path().join("guardian.log"),
        &council_witness::VerifyOptions::default(),
    )
    .unwrap();
}

#[test]
fn over_the_bandwidth_budget_the_guardian_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (gk, ras) = gatekeeper(dir.path(), "[gates.bandwidth]\nzone-total = 400\n");
    let out = guardian(dir.path(), &ras);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("RequestDenied"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(gk);
    let log = std::fs::read_to_string(dir.path().join("witness.log")).unwrap();
    assert!(
        log.contains("\"kind\":\"call-rejected\"") && log.contains("\"reason\":\"zone-exhausted\"")
    );
    assert!(log.contains("\"arj-reason\":\"RequestDenied\""));
}

fn guardian_with(dir: &Path, ras: &str, args: &[&str]) -> std::process::Child {
    Command::new("timeout")
        .arg("60")
        .arg(council())
        .args(["guardian", "--gatekeeper", ras])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .current_dir(dir)
        .spawn()
        .unwrap()
}

#[test]
fn two_guardians_call_each_other_and_hear_each_other() {
    two_guardians(&[]);
}

/// The same without Fast Start: the callee (our own Answerer, as a terminal) opens its channel over the tunnelled
/// H.245 as well; master and slave are decided by the random numbers (both are terminals).
#[test]
fn two_guardians_without_fast_start_hear_each_other() {
    two_guardians(&["--no-fast-start"]);
}

/// B answers, A calls B with `a_extra`; each hears the other's tone.
fn two_guardians(a_extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (gk, ras) = gatekeeper(dir.path(), "");
    let b_wav = dir.path().join("b-heard.wav");
    let a_wav = dir.path().join("a-heard.wav");
    let b_log = dir.path().join("b.log");
    let a_log = dir.path().join("a.log");
    // B registers and waits; A calls B by alias once B is registered (B prints its waiting line then).
    let mut b = guardian_with(
        dir.path(),
        &ras,
        &[
            "--alias",
            "guardian-b",
            "--answer",
            "--tone",
            "660",
            "--seconds",
            "3",
            "--record",
            b_wav.to_str().unwrap(),
            "--witness",
            b_log.to_str().unwrap(),
        ],
    );
    let mut b_out = BufReader::new(b.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("waiting for a call") {
        line.clear();
        assert!(
            b_out.read_line(&mut line).unwrap() > 0,
            "guardian b stopped before waiting"
        );
    }
    let a_args = [
        "--alias",
        "guardian-a",
        "--call",
        "guardian-b",
        "--tone",
        "440",
        "--seconds",
        "3",
        "--record",
        a_wav.to_str().unwrap(),
        "--witness",
        a_log.to_str().unwrap(),
    ];
    let a = guardian_with(dir.path(), &ras, &[&a_args[..], a_extra].concat())
        .wait_with_output()
        .unwrap();
    assert!(
        a.status.success(),
        "a: {}\n{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&a.stderr)
    );
    let b_status = b.wait().unwrap();
    assert!(b_status.success(), "b failed");
    // Audio both ways: each hears the other's tone.
    let heard_by_a = samples(&a_wav);
    let heard_by_b = samples(&b_wav);
    assert!(heard_by_a.len() > 8000 && heard_by_b.len() > 8000);
    let (a660, b440) = (
        share_at(&heard_by_a[1600..], 660.0),
        share_at(&heard_by_b[1600..], 440.0),
    );
    assert!(a660 > 0.8, "A hears B's 660 Hz at {a660:.3}");
    assert!(b440 > 0.8, "B hears A's 440 Hz at {b440:.3}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(gk);
    let mut k = kinds(dir.path());
    k.sort();
    assert_eq!(
        k,
        [
            "call-admitted",
            "call-admitted",
            "call-released",
            "call-released",
            "endpoint-registered",
            "endpoint-registered",
            "endpoint-unregistered",
            "endpoint-unregistered"
        ]
    );
}

/// The best normalised correlation of `heard[at..at + n]` with `sent` delayed by 0..`max_lag` samples.
fn best_correlation(sent: &[i16], heard: &[i16], at: usize, n: usize, max_lag: usize) -> f64 {
    let seg = &heard[at..at + n];
    let e_seg: f64 = seg.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
    (0..max_lag.min(at))
        .map(|lag| {
            let x = &sent[at - lag..at - lag + n];
            let num: f64 = x
                .iter()
                .zip(seg)
                .map(|(&p, &q)| f64::from(p) * f64::from(q))
                .sum();
            let e_x: f64 = x.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
            num / (e_x * e_seg).sqrt().max(1.0)
        })
        .fold(0.0, f64::max)
}

#[test]
fn a_guardian_sends_speech_from_a_wav_file() {
    let dir = tempfile::tempdir().unwrap();
    let (gk, ras) = gatekeeper(dir.path(), "");
    let speech = council_e2e::repo().join("gst-plugins/audio/g729/tests/data/harvard-1-en-us.wav");
    let heard = dir.path().join("heard.wav");
    let out = Command::new("timeout")
        .arg("60")
        .arg(council())
        .args([
            "guardian",
            "--gatekeeper",
            &ras,
            "--alias",
            "guardian-1",
            "--call",
            "council",
            "--seconds",
            "4",
        ])
        .arg("--wav")
        .arg(&speech)
        .arg("--record")
        .arg(&heard)
        .arg("--witness")
        .arg(dir.path().join("guardian.log"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(gk);
    // The speech, through G.729 twice (ours out, Council's echo back), still correlates with what was sent.
    let sent = samples(&speech);
    let got = samples(&heard);
    assert!(got.len() > 8000 * 3, "{} samples recorded", got.len());
    let c = best_correlation(&sent, &got, 8000, 8000, 1200);
    assert!(c > 0.5, "speech correlation {c:.3}");
}

/// The same call to the council, captured live on the loopback interface: every RAS and call-signalling packet
/// decodes as H.225.0 RAS or Q.931/H.225.0 (with H.245 inside the Fast Start elements), none malformed, no expert
/// error, and the values read back are ours.
#[test]
fn a_live_capture_of_the_call_decodes_cleanly() {
    use council_e2e::sip::{Capture, have, tshark_fields};
    if !have("tshark", "tshark") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gk = Gatekeeper::start(dir.path(), "");
    let (ras, h225) = (gk.ras.to_string(), gk.h225.to_string());
    let ras_port = ras.rsplit(':').next().unwrap().to_owned();
    let h225_port = h225.rsplit(':').next().unwrap().to_owned();
    let capture = Capture::start(
        dir.path(),
        "call.pcapng",
        &format!("udp port {ras_port} or tcp port {h225_port}"),
    );
    let out = guardian(dir.path(), &ras);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = capture.stop();
    drop(gk);
    // RAS on our port decoded as Wireshark would on 1719; call signalling its heuristics find on any port.
    let decode = ["-d".to_owned(), format!("udp.port=={ras_port},h225")];
    let options: Vec<&str> = decode.iter().map(String::as_str).collect();
    nothing_malformed(&file, &options);
    let ras_kinds: Vec<String> =
        tshark_fields(&file, &options, "h225.RasMessage", &["h225.RasMessage"])
            .into_iter()
            .map(|mut r| r.remove(0))
            .collect();
    // GRQ, GCF, RRQ, RCF, ARQ, ACF, DRQ, DCF, URQ, UCF (choice indices).
    assert_eq!(
        ras_kinds,
        ["0", "1", "3", "4", "9", "10", "15", "16", "6", "7"],
        "RAS seen: {ras_kinds:?}"
    );
    let bodies: Vec<String> = tshark_fields(
        &file,
        &options,
        "h225.h323_message_body",
        &["h225.h323_message_body"],
    )
    .into_iter()
    .map(|mut r| r.remove(0))
    .collect();
    // Setup, CallProceeding, Alerting, Connect, Facility (empty: tunnelled H.245 acks), ReleaseComplete.
    assert_eq!(
        bodies,
        ["0", "1", "3", "2", "8", "5"],
        "call signalling seen: {bodies:?}"
    );
    // H.245 tunnelled: each side's capabilities and master/slave determination (guardian's in the Setup,
    // Council's in the Connect), acknowledged (Council's acks in the Connect, the guardian's in the Facility), and
    // the guardian's EndSessionCommand in its ReleaseComplete.
    let frames = |filter: &str| tshark_fields(&file, &options, filter, &["frame.number"]).len();
    assert_eq!(frames("h245.terminalCapabilitySet_element"), 2);
    assert_eq!(frames("h245.masterSlaveDetermination_element"), 2);
    assert_eq!(frames("h245.terminalCapabilitySetAck_element"), 2);
    assert_eq!(frames("h245.masterSlaveDeterminationAck_element"), 2);
    assert_eq!(frames("h245.endSessionCommand"), 1);
    let channels = tshark_fields(
        &file,
        &options,
        "h245.forwardLogicalChannelNumber",
        &["h245.forwardLogicalChannelNumber"],
    );
    assert_eq!(
        channels.len(),
        2,
        "Fast Start in the Setup and in the Connect: {channels:?}"
    );
}

/// A guardian that calls without Fast Start (as H.323 terminals before version 2 do): the Connect opens no
/// channel, both sides open theirs over the tunnelled H.245 (OpenLogicalChannel and its Ack each way, checked in a
/// live capture by tshark's H.245 dissector, none malformed), and the tone comes back through Council's echo.
#[test]
fn without_fast_start_the_channels_open_over_h245_and_the_tone_comes_back() {
    use council_e2e::sip::{Capture, can_capture, tshark_fields};
    let dir = tempfile::tempdir().unwrap();
    let (gk, ras) = gatekeeper(dir.path(), "");
    let h225_port = gk.h225.port().to_string();
    let capture = can_capture()
        .then(|| Capture::start(dir.path(), "call.pcapng", &format!("tcp port {h225_port}")));
    let out = guardian_args(dir.path(), &ras, &["--no-fast-start"]);
    hears_its_tone(dir.path(), &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sending G729 "), "{stdout}");
    let file = capture.map(Capture::stop);
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(gk);
    assert!(kinds(dir.path()).contains(&"call-bridged".to_owned()));
    let Some(file) = file else {
        return;
    };
    let none: [&str; 0] = [];
    nothing_malformed(&file, &none);
    let count = |filter: &str| tshark_fields(&file, &none, filter, &["frame.number"]).len();
    assert_eq!(count("h225.fastStart"), 0, "no Fast Start");
    assert_eq!(
        count("h245.openLogicalChannel_element"),
        2,
        "a channel each way"
    );
    assert_eq!(
        count("h245.openLogicalChannelAck_element"),
        2,
        "each acknowledged"
    );
    // The acks say where each side receives: addresses on loopback, with a port.
    let media = tshark_fields(
        &file,
        &none,
        "h245.openLogicalChannelAck_element",
        &["h245.ip4_network", "h245.tsapIdentifier"],
    );
    assert!(
        media
            .iter()
            .all(|r| r[0].contains("127.0.0.1") && !r[1].is_empty()),
        "{media:?}"
    );
}
