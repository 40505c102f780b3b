//! `council demo`: the main job. Today: a tone goes out as PCMU/RTP over loopback and comes back, a `witnesstap`
//! on each side hashes the audio into one signed witness log shared with the orchestrator's own entries, and the
//! log is verified at the end. It grows into the live council demo as the gatekeeper and the SIP bridge land.

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

use crate::pipeline;

#[derive(clap::Args)]
pub struct Args {
    /// How long media flows, in seconds.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Where the witness key and log live (made if missing; an existing log is continued).
    #[arg(long, default_value = "council-demo")]
    dir: PathBuf,
}

/// A free UDP port on loopback: bind port 0, read the port, let it go for the pipeline to take.
fn free_udp_port() -> anyhow::Result<u16> {
    Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    gst::init().context("initialising GStreamer")?;
    gstwitness::plugin_register_static().context("registering the witness plugin")?;

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

    // The orchestrator's own handle: the taps in the pipeline join this same writer.
    let log = WitnessLog::open(
        &log_path,
        Options {
            key: Some(key.clone()),
            ..Options::default()
        },
    )?;
    let port = free_udp_port()?;
    let call = format!("demo-{}", std::process::id());
    log.append(
        kind::CALL_BRIDGED,
        council_witness_fields(json!({
            "call": call,
            "from": "demo/tx",
            "to": "demo/rx",
            "media": "PCMU/8000 over RTP",
            "rtp": format!("127.0.0.1:{port}"),
        })),
    )?;

    let location = log_path.display().to_string();
    let key_file = key_path.display().to_string();
    let pipeline = pipeline::launch(
        pipeline::WITNESS_DEMO,
        &[
            ("tx-tap", "location", location.clone()),
            ("rx-tap", "location", location),
            ("tx-tap", "key", key_file.clone()),
            ("rx-tap", "key", key_file),
            ("tx-tap", "label", format!("{call}/tx")),
            ("rx-tap", "label", format!("{call}/rx")),
            ("rtp-out", "port", port.to_string()),
            ("rtp-in", "port", port.to_string()),
        ],
    )?;
    println!(
        "running {call}: PCMU over RTP on 127.0.0.1:{port} for {} s, witnessed in {}",
        args.seconds,
        log_path.display()
    );
    let outcome = play(&pipeline, Duration::from_secs(args.seconds));
    pipeline
        .set_state(gst::State::Null)
        .context("stopping the pipeline")?;
    drop(pipeline);
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
                    && l.contains(&format!("\"label\":\"{label}\""))
            })
            .count()
    };
    let (tx, rx) = (
        digests(&format!("{call}/tx")),
        digests(&format!("{call}/rx")),
    );
    println!("witness log verified: {report}");
    println!("this run: {tx} digests of the sent audio, {rx} of the received audio");
    println!("read it:   council witness show {}", log_path.display());
    println!(
        "check it:  council witness verify {} --key {}",
        log_path.display(),
        pub_path.display()
    );
    if tx == 0 || rx == 0 {
        bail!("the demo witnessed no media on one side (sent: {tx}, received: {rx})");
    }
    Ok(ExitCode::SUCCESS)
}

fn council_witness_fields(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

/// Plays until `duration` has passed, then ends the stream with EOS so every tap writes its last digest.
fn play(pipeline: &gst::Pipeline, duration: Duration) -> anyhow::Result<()> {
    let bus = pipeline.bus().context("the pipeline has no bus")?;
    pipeline
        .set_state(gst::State::Playing)
        .context("starting the pipeline")?;
    let started = Instant::now();
    let mut eos_sent = false;
    loop {
        if !eos_sent && started.elapsed() >= duration {
            // From another thread: a stuck pipeline can block send_event, and this loop must still keep its
            // deadline.
            pipeline.call_async(|p| {
                p.send_event(gst::event::Eos::new());
            });
            eos_sent = true;
        }
        if started.elapsed() >= duration + Duration::from_secs(10) {
            bail!("the pipeline did not finish within 10 s of EOS");
        }
        let Some(msg) = bus.timed_pop(gst::ClockTime::from_mseconds(100)) else {
            continue;
        };
        match msg.view() {
            gst::MessageView::Eos(_) => return Ok(()),
            gst::MessageView::Error(e) => {
                bail!(
                    "{}: {} ({})",
                    e.src().map(|s| s.path_string()).unwrap_or_default(),
                    e.error(),
                    e.debug().unwrap_or_default()
                )
            }
            gst::MessageView::Warning(w) => {
                eprintln!(
                    "warning: {}: {}",
                    w.src().map(|s| s.path_string()).unwrap_or_default(),
                    w.error()
                )
            }
            gst::MessageView::Element(e) => {
                if let Some(s) = e.structure().filter(|s| s.name() == "witness-digest") {
                    let get = |f: &str| s.get::<u64>(f).unwrap_or_default();
                    println!(
                        "  #{:<5} {:<16} interval {:>3}: {:>4} buffers {:>6} bytes sha256 {}",
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
