// SPDX-License-Identifier: MPL-2.0

//! `g729enc` in a `gst_check::Harness`: real speech against the codec run directly, timestamps, the last partial
//! frame, latency, the `vad` property.

use std::path::PathBuf;
use std::sync::Once;

use gst::prelude::*;
use gst_check::Harness;

const MS: u64 = 1_000_000;
const FRAME: u64 = 10 * MS;
const CAPS: &str = "audio/x-raw, format=S16LE, layout=interleaved, rate=8000, channels=1";
/// Size of the RIFF/WAVE header of the test clip.
const WAV_HEADER: usize = 44;

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gstg729::plugin_register_static().expect("register the g729 plugin");
    });
}

/// The PCM of the Harvard sentences clip (see `tests/data/README.md`).
fn speech() -> Vec<i16> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/harvard-1-en-us.wav");
    let wav = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(&wav[36..40], b"data");
    wav[WAV_HEADER..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

fn harness_with(element: &gst::Element) -> Harness {
    let mut h = Harness::with_element(element, Some("sink"), Some("src"));
    h.set_src_caps_str(CAPS);
    h
}

fn harness() -> Harness {
    init();
    harness_with(&gst::ElementFactory::make("g729enc").build().unwrap())
}

/// Pushes `samples` in buffers of `per_buffer` samples, timestamped from 0.
fn push_pcm(h: &mut Harness, samples: &[i16], per_buffer: usize) {
    for (i, chunk) in samples.chunks(per_buffer).enumerate() {
        let bytes: Vec<u8> = chunk.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut buf = gst::Buffer::from_mut_slice(bytes);
        {
            let b = buf.get_mut().unwrap();
            b.set_pts(gst::ClockTime::from_nseconds(
                (i * per_buffer) as u64 * 1_000_000_000 / 8000,
            ));
            b.set_duration(gst::ClockTime::from_nseconds(
                chunk.len() as u64 * 1_000_000_000 / 8000,
            ));
        }
        assert_eq!(h.push(buf), Ok(gst::FlowSuccess::Ok));
    }
}

/// All output buffers: PTS, duration, bytes.
fn pull_all(h: &mut Harness) -> Vec<(u64, u64, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(buf) = h.try_pull() {
        out.push((
            buf.pts().expect("PTS").nseconds(),
            buf.duration().expect("duration").nseconds(),
            buf.map_readable().unwrap().to_vec(),
        ));
    }
    out
}

/// The codec run directly over `samples` (padded with silence to whole frames).
fn reference(samples: &[i16]) -> Vec<[u8; 10]> {
    let mut enc = g729::Encoder::new();
    samples
        .chunks(80)
        .map(|chunk| {
            let mut pcm = [0i16; 80];
            pcm[..chunk.len()].copy_from_slice(chunk);
            let mut frame = [0u8; 10];
            enc.encode(&pcm, &mut frame);
            frame
        })
        .collect()
}

#[test]
fn speech_is_encoded_as_the_codec_does() {
    let mut h = harness();
    // 4 s of the clip, in 20 ms input buffers (not the frame size, so the base class regroups them).
    let samples = &speech()[..32_000];
    push_pcm(&mut h, samples, 160);
    assert!(h.push_event(gst::event::Eos::new()));
    let out = pull_all(&mut h);
    let expected = reference(samples);
    assert_eq!(out.len(), 400);
    for (i, ((pts, duration, data), frame)) in out.iter().zip(&expected).enumerate() {
        assert_eq!(*pts, i as u64 * FRAME, "PTS of frame {i}");
        assert_eq!(*duration, FRAME, "duration of frame {i}");
        assert_eq!(data.as_slice(), frame, "frame {i}");
    }
    let caps = h.sinkpad().unwrap().current_caps().unwrap();
    assert_eq!(
        caps,
        gst::Caps::builder("audio/G729")
            .field("rate", 8000i32)
            .field("channels", 1i32)
            .build()
    );
}

#[test]
fn odd_buffers_and_last_partial_frame() {
    let mut h = harness();
    // 1000 samples (12 frames and a half) in buffers of 33 samples: the last 40 samples are padded at EOS.
    let samples = &speech()[8000..9000];
    push_pcm(&mut h, samples, 33);
    assert!(h.push_event(gst::event::Eos::new()));
    let out = pull_all(&mut h);
    let expected = reference(samples);
    assert_eq!(out.len(), 13);
    for (i, ((pts, duration, data), frame)) in out.iter().zip(&expected).enumerate() {
        assert_eq!(*pts, i as u64 * FRAME, "PTS of frame {i}");
        assert_eq!(data.as_slice(), frame, "frame {i}");
        let want = if i < 12 { FRAME } else { 5 * MS };
        assert_eq!(*duration, want, "duration of frame {i}");
    }
}

#[test]
fn latency_covers_the_look_ahead() {
    let mut h = harness();
    h.set_upstream_latency(gst::ClockTime::ZERO);
    push_pcm(&mut h, &speech()[..800], 80);
    let latency = h.query_latency().expect("latency answered");
    assert!(latency >= gst::ClockTime::from_mseconds(5), "{latency}");
    assert_eq!(latency, gst::ClockTime::from_mseconds(15));
}

#[test]
fn vad_sends_sid_frames_and_pauses_as_the_codec_does() {
    init();
    let element = gst::ElementFactory::make("g729enc")
        .property("vad", true)
        .build()
        .unwrap();
    assert!(element.property::<bool>("vad"));
    let mut h = harness_with(&element);
    // Silence, a second of speech, silence: the pauses become SID frames and untransmitted frames.
    let mut samples = vec![0i16; 8000];
    samples.extend_from_slice(&speech()[8000..16000]);
    samples.extend(std::iter::repeat_n(0i16, 8000));
    push_pcm(&mut h, &samples, 80);

    // The codec run directly: (frame index, bytes, first after a pause).
    let mut enc = g729::Encoder::with_vad(true);
    let mut expected = Vec::new();
    let mut paused = false;
    for (i, chunk) in samples.chunks_exact(80).enumerate() {
        let pcm: [i16; 80] = chunk.try_into().unwrap();
        let mut frame = [0u8; 10];
        match enc.encode_frame(&pcm, &mut frame) {
            g729::FrameKind::Speech => expected.push((i as u64, frame.to_vec(), paused)),
            g729::FrameKind::Sid => expected.push((i as u64, frame[..2].to_vec(), paused)),
            g729::FrameKind::Untransmitted => {
                paused = true;
                continue;
            }
        }
        paused = false;
    }
    assert!(
        expected.iter().any(|(_, d, _)| d.len() == 2),
        "the pauses carry SID frames"
    );
    assert!(
        expected.len() < samples.len() / 80,
        "some frames are not transmitted"
    );

    let mut got = Vec::new();
    while let Some(buf) = h.try_pull() {
        got.push((
            buf.pts().expect("PTS").nseconds() / FRAME,
            buf.map_readable().unwrap().to_vec(),
            buf.flags().contains(gst::BufferFlags::DISCONT),
        ));
    }
    assert_eq!(got.len(), expected.len());
    for (n, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(
            (g.0, &g.1),
            (e.0, &e.1),
            "output {n}: frame index and bytes"
        );
        // The very first buffer is DISCONT anyway (start of stream).
        if n > 0 {
            assert_eq!(
                g.2, e.2,
                "output {n} (frame {}): DISCONT after a pause",
                e.0
            );
        }
    }

    let default = gst::ElementFactory::make("g729enc").build().unwrap();
    assert!(!default.property::<bool>("vad"));
}
