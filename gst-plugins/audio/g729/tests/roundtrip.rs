// SPDX-License-Identifier: MPL-2.0

//! `g729enc` → stock `rtpg729pay` → stock `rtpg729depay` → `g729dec`: a 440 Hz tone survives, in one pipeline,
//! over UDP on 127.0.0.1 between two pipelines, and with lost packets (DISCONT from the depayloader, GAP events
//! from `rtpjitterbuffer`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use gst::prelude::*;

const RAW_CAPS: &str = "audio/x-raw,format=S16LE,layout=interleaved,rate=8000,channels=1";
const RTP_CAPS: &str =
    "application/x-rtp,media=audio,clock-rate=8000,encoding-name=G729,payload=18";
const TONE_HZ: f64 = 440.0;

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gstg729::plugin_register_static().expect("register the g729 plugin");
    });
}

/// Share of the signal's energy at `freq` (Goertzel): about 1 for a pure tone at `freq`, about 0 without it.
fn tone_share(x: &[i16], freq: f64) -> f64 {
    let n = x.len() as f64;
    let w = 2.0 * std::f64::consts::PI * freq / 8000.0;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s0 = f64::from(v) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let energy: f64 = x.iter().map(|&v| f64::from(v).powi(2)).sum();
    2.0 * power / (n * energy)
}

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// The decoded tone keeps its frequency and most of its level.
fn assert_tone(samples: &[i16], min_len: usize) {
    assert_tone_with(samples, min_len, 0.8, 8000.0);
}

/// The decoded tone is there: at least `min_share` of the energy at 440 Hz (none at other frequencies) and an RMS of
/// at least `min_rms`.
fn assert_tone_with(samples: &[i16], min_len: usize, min_share: f64, min_rms: f64) {
    assert!(samples.len() >= min_len, "only {} samples", samples.len());
    // Skip the codec's start (the first 100 ms) and keep a whole number of 440 Hz periods (every 200 samples).
    let body = &samples[800..];
    let body = &body[..body.len() / 200 * 200];
    let at_tone = tone_share(body, TONE_HZ);
    let elsewhere = [250.0, 880.0, 1000.0, 2000.0].map(|f| tone_share(body, f));
    let level = rms(body);
    eprintln!("440 Hz share {at_tone:.3}, others {elsewhere:.4?}, rms {level:.0}");
    assert!(at_tone > min_share, "440 Hz share {at_tone}");
    assert!(elsewhere.iter().all(|&s| s < 0.05), "{elsewhere:?}");
    // audiotestsrc's default volume 0.8 is an RMS of about 18500.
    assert!(level > min_rms, "rms {level}");
}

fn samples_of(sample: &gst::Sample) -> Vec<i16> {
    let map = sample.buffer().unwrap().map_readable().unwrap();
    map.chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

#[test]
fn tone_survives_in_process() {
    init();
    let pipeline = gst::parse::launch(&format!(
        "audiotestsrc wave=sine freq=440 num-buffers=100 samplesperbuffer=160 ! {RAW_CAPS} ! g729enc \
         ! rtpg729pay ! rtpg729depay ! g729dec ! appsink name=sink sync=false"
    ))
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let sink = pipeline
        .by_name("sink")
        .unwrap()
        .downcast::<gst_app::AppSink>()
        .unwrap();
    pipeline.set_state(gst::State::Playing).unwrap();
    let mut samples = Vec::new();
    let mut last_pts = None;
    while let Ok(sample) = sink.pull_sample() {
        let pts = sample.buffer().unwrap().pts().unwrap();
        assert!(last_pts.is_none_or(|last| pts >= last), "PTS go backwards");
        last_pts = Some(pts);
        samples.extend(samples_of(&sample));
    }
    let bus = pipeline.bus().unwrap();
    let error = bus.pop_filtered(&[gst::MessageType::Error]);
    pipeline.set_state(gst::State::Null).unwrap();
    assert!(error.is_none(), "{error:?}");
    // 2 s in, 2 s out (one 10 ms frame may stay in the payloader at EOS).
    assert!(samples.len() >= 16_000 - 80, "{}", samples.len());
    assert_tone(&samples, 15_000);
}

#[test]
fn tone_survives_over_udp() {
    init();
    // A free port: bind to port 0, note it, release it.
    let port = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    };

    let receiver = gst::parse::launch(&format!(
        "udpsrc address=127.0.0.1 port={port} caps=\"{RTP_CAPS}\" ! rtpjitterbuffer latency=50 ! rtpg729depay \
         ! g729dec ! appsink name=sink sync=false"
    ))
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let sink = receiver
        .by_name("sink")
        .unwrap()
        .downcast::<gst_app::AppSink>()
        .unwrap();
    receiver.set_state(gst::State::Playing).unwrap();

    let sender = gst::parse::launch(&format!(
        "audiotestsrc is-live=true wave=sine freq=440 num-buffers=75 samplesperbuffer=160 ! {RAW_CAPS} ! g729enc \
         ! rtpg729pay ! udpsink host=127.0.0.1 port={port}"
    ))
    .unwrap();
    sender.set_state(gst::State::Playing).unwrap();

    // 1.5 s of tone: collect until the sender is done and nothing more has come for a while.
    let sender_bus = sender.bus().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut samples = Vec::new();
    let mut sender_done = false;
    let mut quiet_since = Instant::now();
    while Instant::now() < deadline {
        if let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_mseconds(50)) {
            samples.extend(samples_of(&sample));
            quiet_since = Instant::now();
        }
        if let Some(msg) =
            sender_bus.pop_filtered(&[gst::MessageType::Eos, gst::MessageType::Error])
        {
            assert!(matches!(msg.view(), gst::MessageView::Eos(_)), "{msg:?}");
            sender_done = true;
        }
        if sender_done && quiet_since.elapsed() > Duration::from_millis(500) {
            break;
        }
    }
    let error = receiver
        .bus()
        .unwrap()
        .pop_filtered(&[gst::MessageType::Error]);
    sender.set_state(gst::State::Null).unwrap();
    receiver.set_state(gst::State::Null).unwrap();
    assert!(sender_done, "the sender did not finish");
    assert!(error.is_none(), "{error:?}");
    assert_tone(&samples, 10_000);
}

/// Drops every `every`-th RTP packet (from the 5th) going into `element`'s sink pad; returns the drop counter.
fn drop_packets(pipeline: &gst::Pipeline, element: &str, every: u64) -> Arc<AtomicU64> {
    let dropped = Arc::new(AtomicU64::new(0));
    let seen = AtomicU64::new(0);
    let counter = dropped.clone();
    let pad = pipeline
        .by_name(element)
        .unwrap()
        .static_pad("sink")
        .unwrap();
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
        let n = seen.fetch_add(1, Ordering::Relaxed);
        if n % every == 5 {
            counter.fetch_add(1, Ordering::Relaxed);
            gst::PadProbeReturn::Drop
        } else {
            gst::PadProbeReturn::Ok
        }
    });
    dropped
}

/// Runs `pipeline` to EOS, returning the decoded buffers (PTS, duration in ns, samples).
fn run_to_eos(pipeline: &gst::Pipeline) -> Vec<(u64, u64, Vec<i16>)> {
    let sink = pipeline
        .by_name("sink")
        .unwrap()
        .downcast::<gst_app::AppSink>()
        .unwrap();
    pipeline.set_state(gst::State::Playing).unwrap();
    let mut out = Vec::new();
    while let Ok(sample) = sink.pull_sample() {
        let buf = sample.buffer().unwrap();
        out.push((
            buf.pts().unwrap().nseconds(),
            buf.duration().unwrap().nseconds(),
            samples_of(&sample),
        ));
    }
    let error = pipeline
        .bus()
        .unwrap()
        .pop_filtered(&[gst::MessageType::Error]);
    pipeline.set_state(gst::State::Null).unwrap();
    assert!(error.is_none(), "{error:?}");
    out
}

/// The output covers time without holes or overlaps.
fn assert_contiguous(out: &[(u64, u64, Vec<i16>)]) {
    for pair in out.windows(2) {
        let (pts, duration, _) = &pair[0];
        assert_eq!(pts + duration, pair[1].0, "hole or overlap after {pts}");
    }
}

#[test]
fn lost_packets_are_concealed_after_discont() {
    init();
    // 20 ms packets; every 10th lost. Without a jitter buffer, rtpg729depay flags the packet after a sequence gap
    // DISCONT and g729dec conceals the jump.
    let pipeline = gst::parse::launch(&format!(
        "audiotestsrc wave=sine freq=440 num-buffers=100 samplesperbuffer=160 ! {RAW_CAPS} ! g729enc \
         ! rtpg729pay min-ptime=20000000 ! rtpg729depay name=depay ! g729dec name=dec ! appsink name=sink sync=false"
    ))
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let dropped = drop_packets(&pipeline, "depay", 10);
    let out = run_to_eos(&pipeline);
    let dropped = dropped.load(Ordering::Relaxed);
    assert_eq!(dropped, 10);
    assert_contiguous(&out);
    let stats = pipeline
        .by_name("dec")
        .unwrap()
        .property::<gst::Structure>("stats");
    // Two frames per lost packet, except a lost last packet (nothing after it to show the loss).
    let concealed = stats.get::<u64>("concealed").unwrap();
    assert!(
        (2 * dropped - 2..=2 * dropped).contains(&concealed),
        "{concealed}"
    );
    let samples: Vec<i16> = out.into_iter().flat_map(|(_, _, s)| s).collect();
    assert!(samples.len() >= 16_000 - 160, "{}", samples.len());
    // G.729 recovers slowly from a loss on a steady tone (the decoder's adaptive codebook no longer matches the
    // encoder's, and the pitch gain is bounded), and a loss every 200 ms keeps the level at a third or so: the tone
    // is there, weaker, and nothing else is.
    assert_tone_with(&samples, 15_000, 0.2, 2500.0);
}

#[test]
fn lost_packets_are_concealed_after_jitterbuffer_gap() {
    init();
    // Live, with rtpjitterbuffer do-lost=true: each lost packet becomes a GAP event, which g729dec fills.
    let pipeline = gst::parse::launch(&format!(
        "audiotestsrc is-live=true wave=sine freq=440 num-buffers=75 samplesperbuffer=160 ! {RAW_CAPS} ! g729enc \
         ! rtpg729pay min-ptime=20000000 ! rtpjitterbuffer name=jb do-lost=true latency=40 ! rtpg729depay \
         ! g729dec name=dec ! appsink name=sink sync=false"
    ))
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let dropped = drop_packets(&pipeline, "jb", 10);
    let out = run_to_eos(&pipeline);
    let dropped = dropped.load(Ordering::Relaxed);
    assert!(dropped >= 7, "{dropped}");
    let stats = pipeline
        .by_name("dec")
        .unwrap()
        .property::<gst::Structure>("stats");
    let concealed = stats.get::<u64>("concealed").unwrap();
    assert!(
        concealed >= 2 * (dropped - 1),
        "{concealed} frames for {dropped} packets"
    );
    assert_contiguous(&out);
    let samples: Vec<i16> = out.into_iter().flat_map(|(_, _, s)| s).collect();
    assert_tone_with(&samples, 10_000, 0.2, 2500.0);
}
