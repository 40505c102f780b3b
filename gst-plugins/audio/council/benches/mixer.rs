// SPDX-License-Identifier: MPL-2.0

//! CPU cost of `councilmixer` against the stock design (one `audiomixer` per participant mixing the N−1 others,
//! fed through `tee`s), for N participants, in the same process and run.
//!
//! Both pipelines are non-live and run flat out: N `audiotestsrc` (8 kHz S16LE mono, 20 ms buffers) into the
//! mixer(s), every output into a `fakesink sync=false async=false`. Each design produces the same N + 1 mixes
//! (N mix-minus and the full mix). A third pipeline, the N sources straight into fakesinks, measures the part of
//! the cost that is not mixing (it is the same in both designs).
//!
//! CPU time is the process's user + system time from `CLOCK_PROCESS_CPUTIME_ID` around each run; wall time is
//! measured too. Results are per second of audio.
//!
//! ```text
//! cargo bench -p gst-plugin-council --bench mixer              # N = 8, 20, 50, 100
//! cargo bench -p gst-plugin-council --bench mixer -- 8 20      # chosen N
//! ```
//!
//! Environment: `COUNCIL_BENCH_SECONDS` (audio seconds per run, default 10) and `COUNCIL_BENCH_STOCK_SECONDS_LARGE`
//! (audio seconds of the stock design for N ≥ 50, default 2, because it is quadratic); `COUNCIL_BENCH_ONLY` =
//! `sources`, `council`, `council-direct` or `stock` runs one design only (to profile it);
//! `COUNCIL_BENCH_LATENCY_MS` sets every aggregator's `latency` (how much each sink pad may queue; default 0);
//! `COUNCIL_BENCH_LIVE=1` makes the sources live (the runs then take real time); `COUNCIL_BENCH_REPEAT=R` runs
//! every design R times, interleaved, and reports the median (CPU time varies with the load of a shared machine).
//!
//! `councilmixer` runs twice: in its default configuration (`output-mode=auto`: each `src_%u` pushed from its
//! own thread until its leg plays, then from the mixing thread) and with `output-mode=direct` (every output always
//! pushed from the mixing thread).

use std::time::Instant;

use gst::prelude::*;

const CAPS: &str = "audio/x-raw,format=S16LE,rate=8000,channels=1,layout=interleaved";
/// 20 ms at 8 kHz.
const SAMPLES_PER_BUFFER: i32 = 160;
const BUFFERS_PER_SECOND: u32 = 50;
const OUTPUT_BUFFER_DURATION: u64 = 20_000_000;

/// User + system CPU seconds of this process (all its threads, those that have ended included) so far, from
/// `CLOCK_PROCESS_CPUTIME_ID` (the scheduler's accounting, in ns; `/proc/self/stat` only counts 10 ms ticks).
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// `COUNCIL_BENCH_LIVE=1`: live sources (real time, so a run of S audio seconds takes S seconds).
fn live() -> bool {
    env_u32("COUNCIL_BENCH_LIVE", 0) != 0
}

/// The aggregators' `latency` (ns): how much each sink pad may queue (`COUNCIL_BENCH_LATENCY_MS`, default 0).
fn latency() -> u64 {
    u64::from(env_u32("COUNCIL_BENCH_LATENCY_MS", 0)) * 1_000_000
}

fn make(factory: &str) -> gst::Element {
    gst::ElementFactory::make(factory)
        .build()
        .unwrap_or_else(|_| panic!("element {factory}"))
}

fn fakesink() -> gst::Element {
    gst::ElementFactory::make("fakesink")
        .property("sync", false)
        .property("async", false)
        .build()
        .unwrap()
}

/// Participant `i`'s source and caps filter, added to `pipeline`; returns the filter (to link from).
fn source(pipeline: &gst::Pipeline, i: usize, buffers: u32) -> gst::Element {
    let src = gst::ElementFactory::make("audiotestsrc")
        .property("num-buffers", buffers as i32)
        .property("samplesperbuffer", SAMPLES_PER_BUFFER)
        .property("is-live", live())
        .property("freq", 200.0 + 10.0 * i as f64)
        .property("volume", 0.05)
        .build()
        .unwrap();
    let filter = gst::ElementFactory::make("capsfilter")
        .property("caps", CAPS.parse::<gst::Caps>().unwrap())
        .build()
        .unwrap();
    pipeline.add_many([&src, &filter]).unwrap();
    src.link(&filter).unwrap();
    filter
}

/// N sources into one councilmixer (`output-mode` as given, else its default); N + 1 outputs into fakesinks.
fn council(n: usize, buffers: u32, output_mode: Option<&str>) -> gst::Pipeline {
    let pipeline = gst::Pipeline::new();
    let mut builder = gst::ElementFactory::make("councilmixer")
        .property("output-buffer-duration", OUTPUT_BUFFER_DURATION)
        .property("latency", latency())
        .property("level-interval", 0u64);
    if let Some(mode) = output_mode {
        builder = builder.property_from_str("output-mode", mode);
    }
    let mixer = builder.build().unwrap();
    pipeline.add(&mixer).unwrap();
    for i in 0..n {
        let filter = source(&pipeline, i, buffers);
        let sink_pad = mixer.request_pad_simple(&format!("sink_{i}")).unwrap();
        filter.static_pad("src").unwrap().link(&sink_pad).unwrap();
        let sink = fakesink();
        pipeline.add(&sink).unwrap();
        mixer
            .static_pad(&format!("src_{i}"))
            .unwrap()
            .link(&sink.static_pad("sink").unwrap())
            .unwrap();
    }
    let sink = fakesink();
    pipeline.add(&sink).unwrap();
    mixer.link(&sink).unwrap();
    pipeline
}

/// N sources into N tees; N audiomixers of N − 1 inputs each, and one of all N; outputs into fakesinks.
fn stock(n: usize, buffers: u32) -> gst::Pipeline {
    let pipeline = gst::Pipeline::new();
    let mixers: Vec<gst::Element> = (0..=n)
        .map(|_| {
            let mixer = gst::ElementFactory::make("audiomixer")
                .property("output-buffer-duration", OUTPUT_BUFFER_DURATION)
                .property("latency", latency())
                .build()
                .unwrap();
            let sink = fakesink();
            pipeline.add_many([&mixer, &sink]).unwrap();
            mixer.link(&sink).unwrap();
            mixer
        })
        .collect();
    for i in 0..n {
        let filter = source(&pipeline, i, buffers);
        let tee = make("tee");
        pipeline.add(&tee).unwrap();
        filter.link(&tee).unwrap();
        // Mixer j < n is participant j's mix-minus; mixer n is the full mix.
        for (j, mixer) in mixers.iter().enumerate() {
            if j == i {
                continue;
            }
            let src = tee.request_pad_simple("src_%u").unwrap();
            let sink = mixer.request_pad_simple("sink_%u").unwrap();
            src.link(&sink).unwrap();
        }
    }
    pipeline
}

/// The sources alone, into fakesinks.
fn sources_only(n: usize, buffers: u32) -> gst::Pipeline {
    let pipeline = gst::Pipeline::new();
    for i in 0..n {
        let filter = source(&pipeline, i, buffers);
        let sink = fakesink();
        pipeline.add(&sink).unwrap();
        filter.link(&sink).unwrap();
    }
    pipeline
}

/// CPU and wall milliseconds per second of audio for running `pipeline` (of `seconds` of audio) to EOS.
fn measure(pipeline: gst::Pipeline, seconds: u32) -> (f64, f64) {
    let bus = pipeline.bus().unwrap();
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    pipeline.set_state(gst::State::Playing).unwrap();
    loop {
        let msg = bus
            .timed_pop(gst::ClockTime::from_seconds(600))
            .expect("pipeline finishes within 10 minutes");
        match msg.view() {
            gst::MessageView::Eos(_) => break,
            gst::MessageView::Error(e) => panic!("error: {} ({:?})", e.error(), e.debug()),
            _ => {}
        }
    }
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    pipeline.set_state(gst::State::Null).unwrap();
    drop(pipeline);
    let per = 1000.0 / f64::from(seconds);
    (cpu * per, wall * per)
}

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    gst::init().unwrap();
    gstcouncil::plugin_register_static().unwrap();

    let ns: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let ns = if ns.is_empty() {
        vec![8, 20, 50, 100]
    } else {
        ns
    };
    let seconds = env_u32("COUNCIL_BENCH_SECONDS", 10);
    let stock_large = env_u32("COUNCIL_BENCH_STOCK_SECONDS_LARGE", 2);
    // `sources`, `council`, `council-direct` or `stock` to run only that design (for profiling).
    let only = std::env::var("COUNCIL_BENCH_ONLY").ok();
    // Runs of each design per N; the median is reported.
    let repeat = env_u32("COUNCIL_BENCH_REPEAT", 1).max(1);

    let mut rows = Vec::new();
    for &n in &ns {
        let stock_seconds = if n >= 50 {
            stock_large.min(seconds)
        } else {
            seconds
        };
        let run = |design: &str| only.as_deref().is_none_or(|o| o == design);
        let skipped = (f64::NAN, f64::NAN);
        // Each design `repeat` times, interleaved (so that a burst of load on a shared machine hits them all
        // alike); the median run of each is reported.
        let mut runs: [Vec<(f64, f64)>; 4] = Default::default();
        for r in 0..repeat {
            eprintln!("N = {n}, run {} of {repeat}", r + 1);
            if run("sources") {
                eprintln!("N = {n}: sources only, {seconds} s of audio");
                runs[0].push(measure(
                    sources_only(n, seconds * BUFFERS_PER_SECOND),
                    seconds,
                ));
            }
            if run("council") {
                eprintln!("N = {n}: councilmixer, {seconds} s of audio");
                runs[1].push(measure(
                    council(n, seconds * BUFFERS_PER_SECOND, None),
                    seconds,
                ));
            }
            if run("council-direct") {
                eprintln!("N = {n}: councilmixer output-mode=direct, {seconds} s of audio");
                runs[2].push(measure(
                    council(n, seconds * BUFFERS_PER_SECOND, Some("direct")),
                    seconds,
                ));
            }
            if run("stock") {
                eprintln!("N = {n}: stock (tee + audiomixer), {stock_seconds} s of audio");
                runs[3].push(measure(
                    stock(n, stock_seconds * BUFFERS_PER_SECOND),
                    stock_seconds,
                ));
            }
        }
        let median = |v: &mut Vec<(f64, f64)>| {
            if v.is_empty() {
                return skipped;
            }
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            v[v.len() / 2]
        };
        let [mut b, mut c, mut d, mut s] = runs;
        let (base, c, d, s) = (
            median(&mut b),
            median(&mut c),
            median(&mut d),
            median(&mut s),
        );
        rows.push((n, base, c, d, s, stock_seconds));
    }

    println!();
    println!(
        "| N | councilmixer CPU ms per audio s | stock CPU ms per audio s | ratio | councilmixer \
         output-mode=direct CPU ms per audio s | ratio | sources alone CPU ms per audio s | wall ms per audio s \
         (council / direct / stock) | audio s (council / stock) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (n, base, c, d, s, stock_seconds) in rows {
        println!(
            "| {n} | {:.1} | {:.1} | {:.1}× | {:.1} | {:.1}× | {:.1} | {:.1} / {:.1} / {:.1} | {seconds} / \
             {stock_seconds} |",
            c.0,
            s.0,
            s.0 / c.0.max(0.1),
            d.0,
            s.0 / d.0.max(0.1),
            base.0,
            c.1,
            d.1,
            s.1,
        );
    }
}
