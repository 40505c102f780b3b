// SPDX-License-Identifier: MPL-2.0

//! `councilmixer` in pipelines (appsrc/audiotestsrc → mixer → appsink) and in `gst_check::Harness`es with a
//! `TestClock` for the live behaviour: exactness, saturation, controls, live timeout, join/leave, levels.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Once};

use gst::prelude::*;
use gst_check::Harness;

const RATE: i32 = 8000;
const CAPS: &str = "audio/x-raw,format=S16LE,rate=8000,channels=1,layout=interleaved";
const MS: u64 = 1_000_000;

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gstcouncil::plugin_register_static().expect("register the council plugin");
    });
}

fn to_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

fn to_samples(buffer: &gst::BufferRef) -> Vec<i16> {
    let map = buffer.map_readable().unwrap();
    map.chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// What a pipeline run produced: samples per mixer src pad name, and the mixer's element messages.
struct Run {
    outs: BTreeMap<String, Vec<i16>>,
    messages: Vec<gst::Structure>,
}

/// Links `mixer`'s `src` and every `src_N` of `numbers` to appsinks (behind queues, as after a tee).
fn collect_outputs(
    pipeline: &gst::Pipeline,
    mixer: &gst::Element,
    numbers: &[u32],
) -> BTreeMap<String, Arc<Mutex<Vec<i16>>>> {
    let mut outs = BTreeMap::new();
    let names = numbers
        .iter()
        .map(|n| format!("src_{n}"))
        .chain(std::iter::once("src".to_owned()));
    for name in names {
        let store = Arc::new(Mutex::new(Vec::new()));
        let sink = gst_app::AppSink::builder().sync(false).build();
        let s = Arc::clone(&store);
        sink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    s.lock()
                        .unwrap()
                        .extend(to_samples(sample.buffer().unwrap()));
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
        let pad = mixer.static_pad(&name).expect("mixer src pad");
        if name == "src" {
            pipeline.add(&sink).unwrap();
            pad.link(&sink.static_pad("sink").unwrap()).unwrap();
        } else {
            let queue = gst::ElementFactory::make("queue").build().unwrap();
            pipeline.add_many([&queue, sink.upcast_ref()]).unwrap();
            queue.link(&sink).unwrap();
            pad.link(&queue.static_pad("sink").unwrap()).unwrap();
        }
        outs.insert(name, store);
    }
    outs
}

/// Runs `pipeline` to EOS; returns the element messages of `mixer`.
fn run_to_eos(pipeline: &gst::Pipeline) -> Vec<gst::Structure> {
    let bus = pipeline.bus().unwrap();
    pipeline.set_state(gst::State::Playing).unwrap();
    let mut messages = Vec::new();
    loop {
        let msg = bus
            .timed_pop(gst::ClockTime::from_seconds(30))
            .expect("pipeline finishes within 30 s");
        match msg.view() {
            gst::MessageView::Eos(_) => break,
            gst::MessageView::Error(e) => panic!("error: {} ({:?})", e.error(), e.debug()),
            gst::MessageView::Element(e) => {
                if let Some(s) = e.structure() {
                    messages.push(s.to_owned());
                }
            }
            _ => {}
        }
    }
    pipeline.set_state(gst::State::Null).unwrap();
    messages
}

/// Non-live run: participant `i` sends `inputs[i]` in 20 ms buffers from an appsrc. `setup` can set the mixer's
/// and pads' properties before it starts.
fn run_appsrc(inputs: &[Vec<i16>], setup: impl FnOnce(&gst::Element)) -> Run {
    init();
    let pipeline = gst::Pipeline::new();
    let mixer = gst::ElementFactory::make("councilmixer")
        .name("mixer")
        .build()
        .unwrap();
    pipeline.add(&mixer).unwrap();
    let mut srcs = Vec::new();
    let mut numbers = Vec::new();
    for _ in inputs {
        let src = gst_app::AppSrc::builder()
            .caps(&CAPS.parse::<gst::Caps>().unwrap())
            .format(gst::Format::Time)
            .is_live(false)
            .build();
        pipeline.add(&src).unwrap();
        let sink = mixer.request_pad_simple("sink_%u").unwrap();
        numbers.push(sink.name().strip_prefix("sink_").unwrap().parse().unwrap());
        src.static_pad("src").unwrap().link(&sink).unwrap();
        srcs.push(src);
    }
    let outs = collect_outputs(&pipeline, &mixer, &numbers);
    setup(&mixer);
    for (src, input) in srcs.iter().zip(inputs) {
        for (k, chunk) in input.chunks(160).enumerate() {
            let mut buf = gst::Buffer::from_mut_slice(to_bytes(chunk));
            let b = buf.get_mut().unwrap();
            b.set_pts(gst::ClockTime::from_nseconds(k as u64 * 20 * MS));
            b.set_duration(gst::ClockTime::from_nseconds(
                chunk.len() as u64 * 1_000_000_000 / RATE as u64,
            ));
            src.push_buffer(buf).unwrap();
        }
        src.end_of_stream().unwrap();
    }
    let messages = run_to_eos(&pipeline);
    let outs = outs
        .into_iter()
        .map(|(k, v)| (k, std::mem::take(&mut *v.lock().unwrap())))
        .collect();
    Run { outs, messages }
}

fn constant(value: i16, samples: usize) -> Vec<i16> {
    vec![value; samples]
}

/// Asserts every sample of `out` is `value`, and that there are `len` of them.
fn assert_all(run: &Run, pad: &str, value: i16, len: usize) {
    let out = &run.outs[pad];
    assert_eq!(out.len(), len, "{pad}: length");
    if let Some((k, v)) = out.iter().enumerate().find(|(_, v)| **v != value) {
        panic!("{pad}: sample {k} is {v}, expected {value}");
    }
}

#[test]
fn exact_mix_minus_of_constants() {
    let n = 800;
    let run = run_appsrc(
        &[constant(100, n), constant(200, n), constant(300, n)],
        |_| {},
    );
    assert_all(&run, "src_0", 500, n);
    assert_all(&run, "src_1", 400, n);
    assert_all(&run, "src_2", 300, n);
    assert_all(&run, "src", 600, n);
}

#[test]
fn exact_without_output_threads() {
    let n = 800;
    let run = run_appsrc(
        &[constant(100, n), constant(200, n), constant(300, n)],
        |mixer| mixer.set_property("output-threads", false),
    );
    assert_all(&run, "src_0", 500, n);
    assert_all(&run, "src_1", 400, n);
    assert_all(&run, "src_2", 300, n);
    assert_all(&run, "src", 600, n);
}

/// Not live, the sources are paced: a pad more than 750 ms ahead of the mix waits until the mix is 250 ms behind
/// it, then hands over half a queue at once (GstAggregator alone would let each source run up to the 1 s queue
/// and then wake it for every buffer). Ten seconds of eight participants, every output sample exact.
#[test]
fn not_live_sources_are_paced_and_the_mix_stays_exact() {
    let n = 10 * RATE as usize;
    let values: Vec<i16> = (1..=8).map(|k| k * 100).collect();
    let inputs: Vec<Vec<i16>> = values.iter().map(|&v| constant(v, n)).collect();
    // Running time of the end of the last full-mix buffer, and the largest lead of an arriving input over it.
    let position = Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    let max_lead = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (pos, lead) = (Arc::clone(&position), Arc::clone(&max_lead));
    let run = run_appsrc(&inputs, move |mixer| {
        let p = Arc::clone(&pos);
        mixer
            .static_pad("src")
            .unwrap()
            .add_probe(gst::PadProbeType::BUFFER, move |_, info| {
                if let Some(b) = info.buffer() {
                    let end = b.pts().unwrap() + b.duration().unwrap();
                    p.store(end.nseconds(), std::sync::atomic::Ordering::SeqCst);
                }
                gst::PadProbeReturn::Ok
            });
        for pad in mixer.sink_pads() {
            let (p, l) = (Arc::clone(&pos), Arc::clone(&lead));
            pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
                let position = p.load(std::sync::atomic::Ordering::SeqCst);
                if let Some(b) = info.buffer()
                    && position != u64::MAX
                {
                    let ahead = b.pts().unwrap().nseconds().saturating_sub(position);
                    l.fetch_max(ahead, std::sync::atomic::Ordering::SeqCst);
                }
                gst::PadProbeReturn::Ok
            });
        }
    });
    let total: i16 = values.iter().sum();
    for (k, v) in values.iter().enumerate() {
        assert_all(&run, &format!("src_{k}"), total - v, n);
    }
    assert_all(&run, "src", total, n);
    let lead = max_lead.load(std::sync::atomic::Ordering::SeqCst);
    // The gate lets a buffer through at up to 750 ms ahead (+ one input and one output buffer of slack).
    assert!(
        (700 * MS..=800 * MS).contains(&lead),
        "largest lead of an input over the mix: {} ms",
        lead / MS
    );
}

#[test]
fn saturates() {
    let n = 480;
    let run = run_appsrc(&[constant(30000, n), constant(30000, n)], |_| {});
    assert_all(&run, "src", 32767, n);
    assert_all(&run, "src_0", 30000, n);
    assert_all(&run, "src_1", 30000, n);
    // Saturation only at the end: -30000 + 30000 + 30000 is 30000 for everybody who hears all three.
    let run = run_appsrc(
        &[constant(30000, n), constant(30000, n), constant(-30000, n)],
        |_| {},
    );
    assert_all(&run, "src", 30000, n);
    assert_all(&run, "src_2", 32767, n);
    assert_all(&run, "src_0", 0, n);
}

/// With `limiter`, what would clip is brought down to `limiter-threshold` (−6 dBFS: 16422) on every output that
/// exceeds it, and what stays below it is untouched.
#[test]
fn the_limiter_keeps_the_mix_under_its_threshold() {
    let n = 480;
    let run = run_appsrc(&[constant(30000, n), constant(30000, n)], |m| {
        m.set_property("limiter", true);
        m.set_property("limiter-threshold", -6.0f64);
    });
    assert_all(&run, "src", 16422, n);
    assert_all(&run, "src_0", 16422, n);
    let run = run_appsrc(&[constant(3000, n), constant(4000, n)], |m| {
        m.set_property("limiter", true);
    });
    assert_all(&run, "src", 7000, n);
    assert_all(&run, "src_0", 4000, n);
    assert_all(&run, "src_1", 3000, n);
}

#[test]
fn gain_mute_deaf() {
    let n = 800;
    let run = run_appsrc(
        &[constant(100, n), constant(200, n), constant(300, n)],
        |mixer| {
            mixer
                .static_pad("sink_0")
                .unwrap()
                .set_property("gain", 2.0);
            mixer
                .static_pad("sink_1")
                .unwrap()
                .set_property("mute", true);
            mixer
                .static_pad("sink_2")
                .unwrap()
                .set_property("deaf", true);
        },
    );
    // Contributions 200, 0, 300.
    assert_all(&run, "src", 500, n);
    assert_all(&run, "src_0", 300, n);
    assert_all(&run, "src_1", 500, n);
    assert_all(&run, "src_2", 0, n);
}

/// Adds `src` to `pipeline` as participant `n` of `mixer`, through a caps filter of S16LE mono at `rate`.
fn join_source(
    pipeline: &gst::Pipeline,
    mixer: &gst::Element,
    n: usize,
    src: gst::Element,
    rate: i32,
) {
    let filter = gst::ElementFactory::make("capsfilter")
        .property(
            "caps",
            format!("audio/x-raw,format=S16LE,rate={rate},channels=1,layout=interleaved")
                .parse::<gst::Caps>()
                .unwrap(),
        )
        .build()
        .unwrap();
    pipeline.add_many([&src, &filter]).unwrap();
    src.link(&filter).unwrap();
    let sink = mixer.request_pad_simple(&format!("sink_{n}")).unwrap();
    filter.static_pad("src").unwrap().link(&sink).unwrap();
}

/// The mixer runs at its participants' rate (16 and 48 kHz as well as 8 kHz).
#[test]
fn wideband_rates() {
    init();
    for rate in [16000, 48000] {
        let pipeline = gst::Pipeline::new();
        let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
        pipeline.add(&mixer).unwrap();
        for i in 0..2 {
            let src = gst::ElementFactory::make("audiotestsrc")
                .property("num-buffers", 10)
                .property_from_str("wave", "silence")
                .build()
                .unwrap();
            join_source(&pipeline, &mixer, i, src, rate);
        }
        let outs = collect_outputs(&pipeline, &mixer, &[0, 1]);
        run_to_eos(&pipeline);
        // audiotestsrc's default 1024 samples per buffer, 10 buffers.
        for (name, out) in &outs {
            assert_eq!(out.lock().unwrap().len(), 10240, "{name} at {rate} Hz");
        }
    }
}

#[test]
fn gain_is_settable_through_child_proxy() {
    init();
    let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
    let pad = mixer.request_pad_simple("sink_%u").unwrap();
    let proxy = mixer.dynamic_cast_ref::<gst::ChildProxy>().unwrap();
    proxy.set_child_property(&format!("{}::gain", pad.name()), 0.5);
    assert_eq!(pad.property::<f64>("gain"), 0.5);
    assert_eq!(proxy.children_count(), 1);
}

/// Power of `freq` in `x` (Goertzel), normalised by length.
fn goertzel_at(x: &[i16], freq: f64, rate: i32) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s = f64::from(v) + c * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.len() as f64).powi(2)
}

fn db(p: f64) -> f64 {
    10.0 * p.max(1e-30).log10()
}

/// Four participants, each a tone, one second at `rate`: every `src_N` holds the other three tones and its own at
/// least 40 dB below them; `src` holds all four.
fn tones_mix_minus_at(rate: i32) {
    init();
    let freqs = [300.0, 500.0, 700.0, 1100.0];
    let pipeline = gst::Pipeline::new();
    let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
    pipeline.add(&mixer).unwrap();
    for (i, f) in freqs.iter().enumerate() {
        let src = gst::ElementFactory::make("audiotestsrc")
            .property("freq", f)
            .property("volume", 0.2)
            .property("num-buffers", 50)
            .property("samplesperbuffer", rate / 50)
            .property("is-live", false)
            .build()
            .unwrap();
        join_source(&pipeline, &mixer, i, src, rate);
    }
    let outs = collect_outputs(&pipeline, &mixer, &[0, 1, 2, 3]);
    run_to_eos(&pipeline);

    let len = rate as usize;
    for (name, out) in &outs {
        let out = out.lock().unwrap();
        assert_eq!(out.len(), len, "{name} at {rate} Hz");
        // 0.8 s from 0.1 s: every tone falls on a bin.
        let x = &out[len / 10..len * 9 / 10];
        let powers: Vec<f64> = freqs.iter().map(|&f| db(goertzel_at(x, f, rate))).collect();
        eprintln!("{name} at {rate} Hz: tone powers {powers:.1?} dB");
        let own = name
            .strip_prefix("src_")
            .map(|n| n.parse::<usize>().unwrap());
        let loudest_other = powers
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != own)
            .map(|(_, p)| *p)
            .fold(f64::MIN, f64::max);
        for (i, p) in powers.iter().enumerate() {
            if Some(i) == own {
                assert!(
                    *p <= loudest_other - 40.0,
                    "{name} at {rate} Hz: own tone {} Hz at {p:.1} dB, others up to {loudest_other:.1} dB",
                    freqs[i]
                );
            } else {
                assert!(
                    *p >= loudest_other - 3.0,
                    "{name} at {rate} Hz: tone {} Hz at {p:.1} dB, missing (others up to {loudest_other:.1} dB)",
                    freqs[i]
                );
            }
        }
    }
}

#[test]
fn tones_mix_minus() {
    tones_mix_minus_at(RATE);
}

#[test]
fn tones_mix_minus_at_16_and_48_khz() {
    tones_mix_minus_at(16000);
    tones_mix_minus_at(48000);
}

/// One rate per mixer: that of the first participant with caps. A participant at another rate is refused (not
/// negotiated: an error from its own source), and the mixer keeps the first rate.
#[test]
fn a_participant_at_another_rate_is_refused() {
    init();
    let pipeline = gst::Pipeline::new();
    let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
    pipeline.add(&mixer).unwrap();
    let rates = [8000, 16000];
    for (i, rate) in rates.into_iter().enumerate() {
        let src = gst::ElementFactory::make("audiotestsrc")
            .name(format!("src{i}"))
            .property("num-buffers", 50)
            .property("samplesperbuffer", rate / 50)
            .build()
            .unwrap();
        join_source(&pipeline, &mixer, i, src, rate);
    }
    let _outs = collect_outputs(&pipeline, &mixer, &[0, 1]);
    let bus = pipeline.bus().unwrap();
    pipeline.set_state(gst::State::Playing).unwrap();
    let msg = bus
        .timed_pop_filtered(gst::ClockTime::from_seconds(10), &[gst::MessageType::Error])
        .expect("an error for one of the participants");
    let gst::MessageView::Error(err) = msg.view() else {
        unreachable!()
    };
    assert!(
        format!("{:?}", err.debug()).contains("not-negotiated"),
        "{:?}",
        err.debug()
    );
    // Whichever source negotiated first fixed the rate; the other one is refused.
    let refused = msg.src().map(|s| s.name().to_string()).unwrap();
    let kept = match refused.as_str() {
        "src0" => 1,
        "src1" => 0,
        other => panic!("error from {other}"),
    };
    let caps = mixer
        .static_pad(&format!("sink_{kept}"))
        .unwrap()
        .current_caps()
        .expect("the kept participant's caps");
    assert_eq!(
        caps.structure(0).unwrap().get::<i32>("rate").unwrap(),
        rates[kept]
    );
    pipeline.set_state(gst::State::Null).unwrap();
}

#[test]
fn levels_report_the_loudest_speaker() {
    let n = 4000;
    let run = run_appsrc(
        &[constant(300, n), constant(8000, n), constant(1000, n)],
        |mixer| mixer.set_property("level-interval", 100 * MS),
    );
    let levels: Vec<&gst::Structure> = run
        .messages
        .iter()
        .filter(|s| s.name() == "council-levels")
        .collect();
    // 500 ms of audio in 100 ms intervals.
    assert_eq!(levels.len(), 5, "{levels:?}");
    for s in &levels {
        assert_eq!(s.get::<String>("speaker").unwrap(), "sink_1");
        assert_eq!(s.get::<u64>("duration").unwrap(), 100 * MS);
        let participants = s.get::<gst::Array>("participants").unwrap();
        assert_eq!(participants.len(), 3);
        let p1 = participants[1].get::<gst::Structure>().unwrap();
        assert_eq!(p1.get::<String>("pad").unwrap(), "sink_1");
        let rms = p1.get::<f64>("rms").unwrap();
        let expected = 20.0 * (8000.0f64 / 32768.0).log10();
        assert!((rms - expected).abs() < 0.01, "rms {rms} vs {expected}");
        assert!((p1.get::<f64>("peak").unwrap() - expected).abs() < 0.01);
        assert!((s.get::<f64>("speaker-level").unwrap() - expected).abs() < 0.01);
    }
    assert_eq!(
        levels.last().unwrap().get::<u64>("running-time").unwrap(),
        500 * MS
    );

    // Nobody above the threshold: no speaker.
    let run = run_appsrc(&[constant(10, n), constant(20, n)], |_| {});
    let s = run
        .messages
        .iter()
        .find(|s| s.name() == "council-levels")
        .expect("a levels message");
    assert_eq!(s.get::<String>("speaker").unwrap(), "");
    // A muted participant is never the speaker.
    let run = run_appsrc(&[constant(3000, n), constant(8000, n)], |mixer| {
        mixer
            .static_pad("sink_1")
            .unwrap()
            .set_property("mute", true);
    });
    let s = run
        .messages
        .iter()
        .find(|s| s.name() == "council-levels")
        .unwrap();
    assert_eq!(s.get::<String>("speaker").unwrap(), "sink_0");
}

// ------------------------------------------------------------------------------------------------------------
// Live, with harnesses and a TestClock.

/// 10 ms of a constant at `pts_ms`.
fn tick(value: i16, pts_ms: u64) -> gst::Buffer {
    let mut buf = gst::Buffer::from_mut_slice(to_bytes(&[value; 80]));
    let b = buf.get_mut().unwrap();
    b.set_pts(gst::ClockTime::from_nseconds(pts_ms * MS));
    b.set_duration(gst::ClockTime::from_nseconds(10 * MS));
    buf
}

/// A live mixer (force-live, 50 ms latency) with a TestClock.
fn live_mixer() -> (gst::Element, gst_check::TestClock) {
    init();
    let mixer = gst::ElementFactory::make("councilmixer")
        .property("force-live", true)
        .property("latency", 50 * MS)
        .property("level-interval", 0u64)
        .build()
        .unwrap();
    let clock = gst_check::TestClock::new();
    (mixer, clock)
}

fn participant(mixer: &gst::Element, n: u32) -> Harness {
    let mut h = Harness::with_element(mixer, Some(&format!("sink_{n}")), Some(&format!("src_{n}")));
    h.set_src_caps_str(CAPS);
    h
}

/// Pulls one buffer and checks it is 80 samples of `value` at `pts_ms`.
fn expect(h: &mut Harness, what: &str, value: i16, pts_ms: u64) {
    let buf = h.pull().unwrap_or_else(|_| panic!("{what}: no buffer"));
    assert_eq!(
        buf.pts(),
        Some(gst::ClockTime::from_nseconds(pts_ms * MS)),
        "{what}: pts"
    );
    let samples = to_samples(&buf);
    assert_eq!(samples, vec![value; 80], "{what} at {pts_ms} ms");
}

#[test]
fn live_timeout_gives_silence_for_a_late_participant() {
    let (mixer, clock) = live_mixer();
    let mut hs: Vec<Harness> = (0..3).map(|n| participant(&mixer, n)).collect();
    let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
    mixer.set_clock(Some(&clock)).unwrap();

    // Everybody sends for 0-10 ms: mixed as soon as all are there, no clock wait.
    for (h, v) in hs.iter_mut().zip([100, 200, 300]) {
        h.push(tick(v, 0)).unwrap();
    }
    expect(&mut hs[0], "src_0", 500, 0);
    expect(&mut hs[1], "src_1", 400, 0);
    expect(&mut hs[2], "src_2", 300, 0);
    expect(&mut hm, "src", 600, 0);

    // Participant 2 is late for 10-20 ms: at the deadline (10 ms + 50 ms latency) the others go out without it.
    hs[0].push(tick(1000, 10)).unwrap();
    hs[1].push(tick(2000, 10)).unwrap();
    clock.crank();
    expect(&mut hs[0], "src_0", 2000, 10);
    expect(&mut hs[1], "src_1", 1000, 10);
    expect(&mut hs[2], "src_2", 3000, 10);
    expect(&mut hm, "src", 3000, 10);
    assert!(clock.time() >= gst::ClockTime::from_nseconds(60 * MS));

    // And it is back for 20-30 ms.
    for (h, v) in hs.iter_mut().zip([1, 2, 4]) {
        h.push(tick(v, 20)).unwrap();
    }
    expect(&mut hs[0], "src_0", 6, 20);
    expect(&mut hs[2], "src_2", 3, 20);
    expect(&mut hm, "src", 7, 20);
    // Live: the latency is the application's (only a non-live mixer lets its pads queue more).
    assert_eq!(
        mixer.property::<gst::ClockTime>("latency"),
        gst::ClockTime::from_mseconds(50)
    );
}

#[test]
fn join_and_leave_while_playing() {
    let (mixer, clock) = live_mixer();
    let mut hs: Vec<Harness> = (0..2).map(|n| participant(&mixer, n)).collect();
    let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
    mixer.set_clock(Some(&clock)).unwrap();
    assert_eq!(mixer.current_state(), gst::State::Playing);

    hs[0].push(tick(100, 0)).unwrap();
    hs[1].push(tick(200, 0)).unwrap();
    expect(&mut hs[0], "src_0", 200, 0);
    expect(&mut hs[1], "src_1", 100, 0);
    expect(&mut hm, "src", 300, 0);

    // Participant 2 joins while playing.
    let mut h2 = participant(&mixer, 2);
    mixer.set_clock(Some(&clock)).unwrap();
    assert!(mixer.static_pad("src_2").is_some());
    for (h, (v, pts)) in hs
        .iter_mut()
        .chain([&mut h2])
        .zip([(100, 10), (200, 10), (400, 10)])
    {
        h.push(tick(v, pts)).unwrap();
    }
    expect(&mut hs[0], "src_0", 600, 10);
    expect(&mut hs[1], "src_1", 500, 10);
    expect(&mut h2, "src_2", 300, 10);
    expect(&mut hm, "src", 700, 10);
    // Its src pad had its own stream-start, caps and segment.
    let src2 = mixer.static_pad("src_2").unwrap();
    assert!(src2.sticky_event::<gst::event::StreamStart>(0).is_some());
    assert!(src2.sticky_event::<gst::event::Segment>(0).is_some());
    assert_eq!(
        src2.current_caps().unwrap(),
        CAPS.parse::<gst::Caps>().unwrap()
    );

    // Participant 2 leaves: both its pads go, the others carry on without error.
    let sink2 = mixer.static_pad("sink_2").unwrap();
    mixer.release_request_pad(&sink2);
    assert!(mixer.static_pad("sink_2").is_none());
    assert!(mixer.static_pad("src_2").is_none());
    for (h, v) in hs.iter_mut().zip([100, 200]) {
        h.push(tick(v, 20)).unwrap();
    }
    expect(&mut hs[0], "src_0", 200, 20);
    expect(&mut hs[1], "src_1", 100, 20);
    expect(&mut hm, "src", 300, 20);
    drop(h2);
    for (h, v) in hs.iter_mut().zip([1, 2]) {
        h.push(tick(v, 30)).unwrap();
    }
    expect(&mut hs[0], "src_0", 2, 30);
    expect(&mut hs[1], "src_1", 1, 30);
    expect(&mut hm, "src", 3, 30);
}

#[test]
fn requesting_src_first_creates_the_pair() {
    init();
    let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
    let src = mixer.request_pad_simple("src_%u").unwrap();
    assert_eq!(src.name(), "src_0");
    assert!(mixer.static_pad("sink_0").is_some());
    let sink = mixer.request_pad_simple("sink_%u").unwrap();
    assert_eq!(sink.name(), "sink_1");
    assert!(mixer.static_pad("src_1").is_some());
    let named = mixer.request_pad_simple("sink_7").unwrap();
    assert_eq!(named.name(), "sink_7");
    assert_eq!(
        mixer.request_pad_simple("sink_%u").unwrap().name(),
        "sink_8"
    );
    // Releasing the src pad releases its sink too.
    mixer.release_request_pad(&src);
    assert!(mixer.static_pad("sink_0").is_none());
    assert!(mixer.static_pad("src_0").is_none());
}

/// A flushing seek while PAUSED and not live, with the legs' sinks syncing (so they sit in preroll and stop
/// draining) and the full mix not: the seek must come back, flush the legs too, and the call must play on
/// afterwards. The seek goes in through the full mix (`src`); the `src_%u` pads do not take seeks.
#[test]
fn a_flushing_seek_while_paused_flushes_the_legs_too() {
    init();
    let pipeline = gst::parse::launch(
        "councilmixer name=m ! fakesink name=mix sync=false \
         audiotestsrc num-buffers=100 samplesperbuffer=160 freq=300 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_0 \
         audiotestsrc num-buffers=100 samplesperbuffer=160 freq=500 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_1 \
         m.src_0 ! fakesink sync=true m.src_1 ! fakesink sync=true",
    )
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    // The legs must be flushed with the mix: count what reaches src_0.
    let flushes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let src_0 = pipeline.by_name("m").unwrap().static_pad("src_0").unwrap();
    let counter = std::sync::Arc::clone(&flushes);
    src_0.add_probe(gst::PadProbeType::EVENT_FLUSH, move |_, info| {
        if let Some(gst::PadProbeData::Event(e)) = &info.data
            && e.type_() == gst::EventType::FlushStart
        {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        gst::PadProbeReturn::Ok
    });
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let p = pipeline.clone();
    std::thread::spawn(move || {
        p.set_state(gst::State::Paused).unwrap();
        let (res, _, _) = p.state(gst::ClockTime::from_seconds(5));
        res.unwrap();
        // Let the mixer run ahead until the legs' queues are full.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mix = p.by_name("mix").unwrap();
        assert!(mix.send_event(gst::event::Seek::new(
            1.0,
            gst::SeekFlags::FLUSH,
            gst::SeekType::Set,
            gst::ClockTime::ZERO,
            gst::SeekType::None,
            gst::ClockTime::NONE,
        )));
        let (res, _, _) = p.state(gst::ClockTime::from_seconds(5));
        res.unwrap();
        p.set_state(gst::State::Playing).unwrap();
        let bus = p.bus().unwrap();
        let msg = bus.timed_pop_filtered(
            gst::ClockTime::from_seconds(20),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        );
        done_tx.send(msg.map(|m| m.type_())).unwrap();
    });
    let ended = done_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the flushing seek (or the play after it) hung");
    assert_eq!(ended, Some(gst::MessageType::Eos));
    assert_eq!(
        flushes.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "src_0 was flushed by the seek"
    );
    pipeline.set_state(gst::State::Null).unwrap();
}

/// Records which thread pushed each buffer through `pad`.
fn record_threads(pad: &gst::Pad) -> Arc<Mutex<Vec<std::thread::ThreadId>>> {
    let threads = Arc::new(Mutex::new(Vec::new()));
    let t = Arc::clone(&threads);
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
        t.lock().unwrap().push(std::thread::current().id());
        gst::PadProbeReturn::Ok
    });
    threads
}

/// `output-mode=auto` (the default) with the legs' sinks straight on the `src_%u` pads (no queue, async,
/// syncing): each leg prerolls from a thread of its own, then one shared output thread pushes every leg; pausing
/// while it sits in a sink's clock wait hands the legs back to their own threads for the new preroll (else the
/// pause would never complete), and playing again goes on to the end.
#[test]
fn auto_output_mode_prerolls_from_leg_threads_then_pushes_from_one_thread() {
    init();
    let pipeline = gst::parse::launch(
        "councilmixer name=m ! fakesink name=mix sync=true \
         audiotestsrc num-buffers=60 samplesperbuffer=160 freq=300 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_0 \
         audiotestsrc num-buffers=60 samplesperbuffer=160 freq=500 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_1 \
         m.src_0 ! fakesink sync=true m.src_1 ! fakesink sync=true",
    )
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let m = pipeline.by_name("m").unwrap();
    let mode = m.property_value("output-mode");
    let (_, mode) = gst::glib::EnumValue::from_value(&mode).expect("an enum property");
    assert_eq!(mode.nick(), "auto", "the default output mode");
    let mix = record_threads(&m.static_pad("src").unwrap());
    let leg0 = record_threads(&m.static_pad("src_0").unwrap());
    let leg1 = record_threads(&m.static_pad("src_1").unwrap());

    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let p = pipeline.clone();
    let (m0, l0) = (Arc::clone(&mix), Arc::clone(&leg0));
    std::thread::spawn(move || {
        let bus = p.bus().unwrap();
        let wait_for = |n: usize| {
            while l0.lock().unwrap().len() < n || m0.lock().unwrap().len() < n {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        };
        p.set_state(gst::State::Playing).unwrap();
        let (res, _, _) = p.state(gst::ClockTime::from_seconds(10));
        res.unwrap();
        wait_for(15);
        // Pause while running: every leg's sink prerolls again.
        p.set_state(gst::State::Paused).unwrap();
        let (res, state, _) = p.state(gst::ClockTime::from_seconds(10));
        done_tx.send(format!("paused: {res:?} {state:?}")).unwrap();
        p.set_state(gst::State::Playing).unwrap();
        let msg = bus.timed_pop_filtered(
            gst::ClockTime::from_seconds(20),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        );
        done_tx
            .send(format!("ended: {:?}", msg.map(|m| m.type_())))
            .unwrap();
    });
    let timeout = std::time::Duration::from_secs(40);
    let paused = done_rx.recv_timeout(timeout).expect("pausing hung");
    assert_eq!(paused, "paused: Ok(Success) Paused");
    let ended = done_rx.recv_timeout(timeout).expect("playing again hung");
    assert_eq!(ended, "ended: Some(Eos)");
    pipeline.set_state(gst::State::Null).unwrap();

    let (mix, leg0, leg1) = (
        mix.lock().unwrap().clone(),
        leg0.lock().unwrap().clone(),
        leg1.lock().unwrap().clone(),
    );
    assert_eq!(leg0.len(), mix.len());
    assert_eq!(leg1.len(), mix.len());
    // The first buffers went out from the legs' own threads (the mixing thread sat in the full mix's preroll).
    assert_ne!(leg0[0], mix[0]);
    assert_ne!(leg1[0], mix[0]);
    assert_ne!(leg0[0], leg1[0]);
    // Then one thread, not the mixing thread, pushed both legs.
    let last = mix.len() - 1;
    assert_eq!(leg0[last], leg1[last]);
    assert_ne!(leg0[last], mix[last]);
    assert_ne!(leg0[last], leg0[0]);
}

/// Not live, the sink pads may queue a second (the base class's `latency`, which then has no timing meaning, is
/// raised while running) so that sources hand over in batches; the application's value is back after the run.
#[test]
fn not_live_pads_queue_more_while_running() {
    init();
    let pipeline = gst::parse::launch(
        "councilmixer name=m latency=0 ! fakesink async=false \
         audiotestsrc num-buffers=50 samplesperbuffer=160 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_0 \
         audiotestsrc num-buffers=50 samplesperbuffer=160 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_1 \
         m.src_0 ! fakesink async=false m.src_1 ! fakesink async=false",
    )
    .unwrap()
    .downcast::<gst::Pipeline>()
    .unwrap();
    let m = pipeline.by_name("m").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = Arc::clone(&seen);
    let weak = m.downgrade();
    m.static_pad("src")
        .unwrap()
        .add_probe(gst::PadProbeType::BUFFER, move |_, _| {
            if let Some(m) = weak.upgrade() {
                s.lock()
                    .unwrap()
                    .push(m.property::<gst::ClockTime>("latency"));
            }
            gst::PadProbeReturn::Ok
        });
    run_to_eos(&pipeline);
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|l| *l == gst::ClockTime::from_seconds(1)),
        "{seen:?}"
    );
    assert_eq!(
        m.property::<gst::ClockTime>("latency"),
        gst::ClockTime::ZERO
    );
}

/// A live mixer that has been mixing for a while (it then waits for inputs itself, woken once per output buffer
/// rather than by every arriving buffer): a participant late again and again is still silence at each deadline,
/// and the others are mixed as soon as all are there.
#[test]
fn live_deadlines_while_mixing_steadily() {
    let (mixer, clock) = live_mixer();
    let mut hs: Vec<Harness> = (0..3).map(|n| participant(&mixer, n)).collect();
    let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
    mixer.set_clock(Some(&clock)).unwrap();

    for cycle in 0..4u64 {
        for (h, v) in hs.iter_mut().zip([100, 200, 300]) {
            h.push(tick(v, cycle * 10)).unwrap();
        }
        expect(&mut hs[0], "src_0", 500, cycle * 10);
        expect(&mut hm, "src", 600, cycle * 10);
        hs[1].pull().unwrap();
        hs[2].pull().unwrap();
    }
    // Participant 1 misses 40-50 and 50-60 ms: each time, at its deadline, the others go out without it.
    for cycle in 4..6u64 {
        hs[0].push(tick(1000, cycle * 10)).unwrap();
        hs[2].push(tick(3000, cycle * 10)).unwrap();
        clock.crank();
        expect(&mut hs[0], "src_0", 3000, cycle * 10);
        expect(&mut hs[1], "src_1", 4000, cycle * 10);
        expect(&mut hs[2], "src_2", 1000, cycle * 10);
        expect(&mut hm, "src", 4000, cycle * 10);
        assert!(clock.time() >= gst::ClockTime::from_mseconds(cycle * 10 + 50));
    }
    // Back at 60 ms.
    for (h, v) in hs.iter_mut().zip([1, 2, 4]) {
        h.push(tick(v, 60)).unwrap();
    }
    expect(&mut hs[1], "src_1", 5, 60);
    expect(&mut hm, "src", 7, 60);
}

/// Participants that end before sending anything: every `src_%u` still gets its stream-start, segment and EOS, so
/// a pipeline (which waits for EOS on every sink) ends.
#[test]
fn legs_that_never_had_a_buffer_get_eos() {
    init();
    let mixer = gst::ElementFactory::make("councilmixer").build().unwrap();
    let mut hs: Vec<Harness> = (0..2).map(|n| participant(&mixer, n)).collect();
    let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
    for h in &mut hs {
        assert!(h.push_event(gst::event::Eos::new()));
    }
    let types = |h: &mut Harness| {
        let mut types = Vec::new();
        while types.last() != Some(&gst::EventType::Eos) {
            types.push(h.pull_event().expect("an event").type_());
        }
        types
    };
    assert_eq!(types(&mut hm).last(), Some(&gst::EventType::Eos));
    for h in &mut hs {
        let types = types(h);
        assert_eq!(types.first(), Some(&gst::EventType::StreamStart));
        assert!(types.contains(&gst::EventType::Segment));
        assert_eq!(types.last(), Some(&gst::EventType::Eos));
    }
    // And in a pipeline.
    let run = run_appsrc(&[Vec::new(), Vec::new()], |_| {});
    assert!(run.outs.values().all(|v| v.is_empty()));
}

/// Joining while playing with every output pushed from the mixing thread (`output-mode=direct`): the new leg gets
/// its sticky events and its first buffer (its pad is active before the mixer can push on it).
#[test]
fn join_while_playing_without_output_threads() {
    let (mixer, clock) = live_mixer();
    mixer.set_property_from_str("output-mode", "direct");
    let mut hs: Vec<Harness> = (0..2).map(|n| participant(&mixer, n)).collect();
    let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
    mixer.set_clock(Some(&clock)).unwrap();
    hs[0].push(tick(100, 0)).unwrap();
    hs[1].push(tick(200, 0)).unwrap();
    expect(&mut hm, "src", 300, 0);
    expect(&mut hs[0], "src_0", 200, 0);

    let mut h2 = participant(&mixer, 2);
    mixer.set_clock(Some(&clock)).unwrap();
    for (h, v) in hs.iter_mut().chain([&mut h2]).zip([100, 200, 400]) {
        h.push(tick(v, 10)).unwrap();
    }
    expect(&mut h2, "src_2", 300, 10);
    expect(&mut hm, "src", 700, 10);
    let src2 = mixer.static_pad("src_2").unwrap();
    assert!(src2.sticky_event::<gst::event::StreamStart>(0).is_some());
    assert!(src2.sticky_event::<gst::event::Segment>(0).is_some());
    assert_eq!(
        src2.current_caps().unwrap(),
        CAPS.parse::<gst::Caps>().unwrap()
    );
}

/// Releasing a pair while playing ends its `src_%u` with EOS, after its last buffer (in the default output mode
/// and with every output pushed from the mixing thread), and the others go on.
#[test]
fn a_released_pair_src_gets_eos() {
    for mode in ["auto", "direct", "threads"] {
        let (mixer, clock) = live_mixer();
        mixer.set_property_from_str("output-mode", mode);
        let mut hs: Vec<Harness> = (0..3).map(|n| participant(&mixer, n)).collect();
        let mut hm = Harness::with_element(&mixer, None::<&str>, Some("src"));
        mixer.set_clock(Some(&clock)).unwrap();
        for cycle in 0..3u64 {
            for (h, v) in hs.iter_mut().zip([100, 200, 400]) {
                h.push(tick(v, cycle * 10)).unwrap();
            }
            expect(&mut hs[0], "src_0", 600, cycle * 10);
            expect(&mut hs[1], "src_1", 500, cycle * 10);
            expect(&mut hs[2], "src_2", 300, cycle * 10);
            expect(&mut hm, "src", 700, cycle * 10);
        }
        let sink2 = mixer.static_pad("sink_2").unwrap();
        mixer.release_request_pad(&sink2);
        let mut leg = hs.pop().unwrap();
        loop {
            let event = leg.pull_event().expect("EOS on the released leg");
            if event.type_() == gst::EventType::Eos {
                break;
            }
        }
        for (h, v) in hs.iter_mut().zip([1, 2]) {
            h.push(tick(v, 30)).unwrap();
        }
        expect(&mut hs[0], &format!("{mode}: src_0"), 2, 30);
        expect(&mut hm, &format!("{mode}: src"), 3, 30);
        drop(leg);
    }
}

/// A live mixer mixing steadily (waiting for inputs itself) hands events queued behind buffers to the base class:
/// live participants ending with their last buffer followed at once by EOS end the mix (the pipeline posts EOS)
/// rather than leave the EOS queued while the mixer waits for inputs. Real time, about half a second.
#[test]
fn live_participants_ending_end_the_mix() {
    init();
    for mode in ["auto", "direct"] {
        let mut launch = format!("councilmixer name=m output-mode={mode} ! fakesink async=false ");
        for n in 0..8 {
            launch += &format!(
                "audiotestsrc is-live=true num-buffers=25 samplesperbuffer=160 freq={} ! \
                 audio/x-raw,format=S16LE,rate=8000,channels=1 ! m.sink_{n} \
                 m.src_{n} ! fakesink async=false ",
                300 + 100 * n
            );
        }
        let pipeline = gst::parse::launch(&launch)
            .unwrap()
            .downcast::<gst::Pipeline>()
            .unwrap();
        run_to_eos(&pipeline);
    }
}
