//! `council demo`: the main job. Today: one bridged call, end to end over real RTP on loopback — an expert's SIP
//! phone sends PCMU (a tone), the SIP→H.323 bridge transcodes it to G.729, and a guardian's H.323 leg receives and
//! decodes it — each leg the pipeline description in `pipelines/`, each with a `witnesstap`, all three and the
//! orchestrator's own `call-bridged` entry in one signed witness log, verified at the end. It grows into the live
//! council demo as the gatekeeper and the SIP user agent land.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use council_witness::{
    Options, SignerKey, Verifier, VerifyOptions, WitnessLog, key, kind, verify_file,
};
use gst::prelude::*;
use serde_json::json;

use council_media::pipeline;

#[derive(clap::Args)]
pub struct Args {
    /// How long the call lasts, in seconds.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Where the witness key, the log and the received audio live (made if missing; an existing log is continued).
    #[arg(long, default_value = "council-demo")]
    dir: PathBuf,
}

/// A free UDP port on loopback: bind port 0, read the port, let it go for a pipeline to take.
fn free_udp_port() -> anyhow::Result<u16> {
    Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One leg of the call: what it is called in the output, and its pipeline.
struct Leg {
    name: &'static str,
    pipeline: gst::Pipeline,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    gst::init().context("initialising GStreamer")?;
    gstwitness::plugin_register_static().context("registering the witness plugin")?;
    gsth323::plugin_register_static().context("registering the h323 plugin")?;
    gstg729::plugin_register_static().context("registering the g729 plugin")?;

    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let key_path = args.dir.join(key::PRIVATE_KEY_FILE);
    let pub_path = args.dir.join(key::PUBLIC_KEY_FILE);
    if !key_path.exists() {
        let key = SignerKey::generate("council-demo")?;
        key.write_pair(&args.dir)?;
        println!("made a witness key: {}", key.verifier());
    }
    let key = SignerKey::read(&key_path)?;
    let log_path = args.dir.join("witness.log");
    let wav_path = args.dir.join("guardian-received.wav");

    // The orchestrator's own handle: the taps in the pipelines join this same writer.
    let log = WitnessLog::open(
        &log_path,
        Options {
            key: Some(key.clone()),
            ..Options::default()
        },
    )?;
    let (pcmu_port, g729_port) = (free_udp_port()?, free_udp_port()?);
    let call = format!("demo-{}", std::process::id());
    log.append(
        kind::CALL_BRIDGED,
        fields(json!({
            "call": call,
            "from": "sip:expert (PCMU/8000)",
            "to": "h323:guardian (G.729/8000)",
            "sip_rtp": format!("127.0.0.1:{pcmu_port}"),
            "h323_rtp": format!("127.0.0.1:{g729_port}"),
        })),
    )?;

    let location = log_path.display().to_string();
    let key_file = key_path.display().to_string();
    let tap = |label: &str| {
        vec![
            ("tap", "location", location.clone()),
            ("tap", "key", key_file.clone()),
            ("tap", "label", format!("{call}/{label}")),
        ]
    };
    let with = |mut a: Vec<(&'static str, &'static str, String)>,
                b: &[(&'static str, &'static str, String)]| {
        a.extend_from_slice(b);
        a
    };
    // Receivers first, so that nothing is sent to a port nobody listens on.
    let legs = [
        Leg {
            name: "guardian (H.323 G.729 in)",
            pipeline: pipeline::launch(
                pipeline::H323_G729_IN,
                &with(
                    tap("guardian-rx"),
                    &[
                        ("rtp-in", "port", g729_port.to_string()),
                        ("audio-out", "location", wav_path.display().to_string()),
                    ],
                ),
            )?,
        },
        Leg {
            name: "bridge (SIP PCMU → H.323 G.729)",
            pipeline: pipeline::launch(
                pipeline::BRIDGE_SIP_TO_H323,
                &with(
                    tap("bridge"),
                    &[
                        ("rtp-in", "port", pcmu_port.to_string()),
                        ("rtp-out", "port", g729_port.to_string()),
                    ],
                ),
            )?,
        },
        Leg {
            name: "expert (SIP PCMU out)",
            pipeline: pipeline::launch(
                pipeline::SIP_PCMU_OUT,
                &with(
                    tap("expert-tx"),
                    &[("rtp-out", "port", pcmu_port.to_string())],
                ),
            )?,
        },
    ];
    println!(
        "call {call}: expert → PCMU 127.0.0.1:{pcmu_port} → bridge → G.729 127.0.0.1:{g729_port} → guardian, {} s, \
         witnessed in {}",
        args.seconds,
        log_path.display()
    );
    let outcome = play(&legs, Duration::from_secs(args.seconds));
    for leg in &legs {
        leg.pipeline
            .set_state(gst::State::Null)
            .context("stopping a pipeline")?;
    }
    drop(legs);
    outcome?;
    drop(log); // the last handle: writes the shutdown checkpoint

    let opts = VerifyOptions {
        key: Some(Verifier::read(&pub_path)?),
        checkpoints: vec![],
    };
    let report = verify_file(&log_path, &opts)?;
    let text = std::fs::read_to_string(&log_path)?;
    let digests = |label: &str| {
        text.lines()
            .filter(|l| {
                l.contains("\"kind\":\"media-digest\"")
                    && l.contains(&format!("\"label\":\"{call}/{label}\""))
            })
            .count()
    };
    println!("witness log verified: {report}");
    let counts = ["expert-tx", "bridge", "guardian-rx"].map(|l| (l, digests(l)));
    println!(
        "this call: {}",
        counts
            .iter()
            .map(|(l, n)| format!("{n} digests from {l}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (seconds, share) = tone_received(&wav_path)?;
    println!(
        "the guardian heard {seconds:.1} s; the expert's 440 Hz tone holds {:.1} % of it",
        share * 100.0
    );
    println!("read it:   council witness show {}", log_path.display());
    println!(
        "check it:  council witness verify {} --key {}",
        log_path.display(),
        pub_path.display()
    );
    if counts.iter().any(|(_, n)| *n == 0) {
        bail!("a leg of the call witnessed no media");
    }
    if share < 0.5 {
        bail!("the tone did not arrive intact at the guardian");
    }
    Ok(ExitCode::SUCCESS)
}

fn fields(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

/// Seconds of audio in the received WAV and the share of its energy at 440 Hz (Goertzel).
fn tone_received(path: &std::path::Path) -> anyhow::Result<(f64, f64)> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let pcm: Vec<f64> = data
        .get(44..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])))
        .collect();
    if pcm.len() < 1600 {
        return Ok((pcm.len() as f64 / 8000.0, 0.0));
    }
    let steady = &pcm[800..];
    let coeff = 2.0 * (2.0 * std::f64::consts::PI * 440.0 / 8000.0).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in steady {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let total: f64 = steady.iter().map(|v| v * v).sum();
    Ok((
        pcm.len() as f64 / 8000.0,
        2.0 * power / (steady.len() as f64 * total),
    ))
}

/// Plays every leg until `duration` has passed, then ends the call with EOS — the sender first, then the others —
/// so that every tap writes its last digest and the guardian's WAV is finished.
fn play(legs: &[Leg], duration: Duration) -> anyhow::Result<()> {
    let buses = legs
        .iter()
        .map(|l| l.pipeline.bus().context("a pipeline has no bus"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for leg in legs {
        leg.pipeline
            .set_state(gst::State::Playing)
            .with_context(|| format!("starting the {}", leg.name))?;
    }
    let started = Instant::now();
    let mut eos = vec![false; legs.len()];
    let mut stage = 0;
    while !eos.iter().all(|e| *e) {
        let elapsed = started.elapsed();
        // Stage 1: the expert hangs up. Stage 2, a moment later: the bridge and the guardian end too.
        let due = [duration, duration + Duration::from_millis(500)];
        if stage < 2 && elapsed >= due[stage] {
            let targets: Vec<&Leg> = if stage == 0 {
                vec![&legs[2]]
            } else {
                legs[..2].iter().collect()
            };
            for leg in targets {
                // From another thread: a stuck pipeline can block send_event, and this loop must keep its deadline.
                leg.pipeline.call_async(|p| {
                    p.send_event(gst::event::Eos::new());
                });
            }
            stage += 1;
        }
        if elapsed >= duration + Duration::from_secs(10) {
            bail!("the call did not finish within 10 s of hanging up");
        }
        for (i, bus) in buses.iter().enumerate() {
            while let Some(msg) = bus.timed_pop(gst::ClockTime::from_mseconds(10)) {
                match msg.view() {
                    gst::MessageView::Eos(_) => eos[i] = true,
                    gst::MessageView::Error(e) => bail!(
                        "{}: {}: {} ({})",
                        legs[i].name,
                        e.src().map(|s| s.path_string()).unwrap_or_default(),
                        e.error(),
                        e.debug().unwrap_or_default()
                    ),
                    gst::MessageView::Warning(w) => eprintln!(
                        "warning: {}: {}: {}",
                        legs[i].name,
                        w.src().map(|s| s.path_string()).unwrap_or_default(),
                        w.error()
                    ),
                    gst::MessageView::Element(e) => {
                        if let Some(s) = e.structure().filter(|s| s.name() == "witness-digest") {
                            let get = |f: &str| s.get::<u64>(f).unwrap_or_default();
                            println!(
                                "  #{:<5} {:<24} interval {:>3}: {:>4} buffers {:>6} bytes sha256 {}",
                                get("seq"),
                                s.get::<String>("label").unwrap_or_default(),
                                get("interval"),
                                get("buffers"),
                                get("bytes"),
                                s.get::<String>("sha256")
                                    .unwrap_or_default()
                                    .get(..16)
                                    .unwrap_or_default(),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
