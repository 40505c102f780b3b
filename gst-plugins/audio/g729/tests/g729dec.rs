// SPDX-License-Identifier: MPL-2.0

//! `g729dec` in a `gst_check::Harness`: the ITU vector byte for byte, multi-frame and SID payloads, garbage,
//! GAP events, DISCONT jumps, DTX pauses and the `plc` property.

use std::path::PathBuf;
use std::sync::Once;

use gst::prelude::*;
use gst_check::Harness;

const MS: u64 = 1_000_000;
const FRAME: u64 = 10 * MS;
const CAPS: &str = "audio/G729, rate=8000, channels=1";
/// Some SID frame (any 15 bits decode).
const SID: [u8; 2] = [0x5a, 0x3c];

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gstg729::plugin_register_static().expect("register the g729 plugin");
    });
}

fn codec_data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../g729-codec/tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The speech frames of `SPEECH.BIT` (it holds nothing else).
fn speech_frames() -> Vec<[u8; 10]> {
    let bits = codec_data("SPEECH.BIT");
    g729::itu::Reader::new(&bits)
        .map(|f| match f.expect("valid bitstream") {
            g729::itu::Frame::Speech(frame) => frame,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn harness_with(element: &gst::Element) -> Harness {
    let mut h = Harness::with_element(element, Some("sink"), Some("src"));
    h.set_src_caps_str(CAPS);
    h
}

fn harness() -> (Harness, gst::Element) {
    init();
    let element = gst::ElementFactory::make("g729dec").build().unwrap();
    (harness_with(&element), element)
}

fn buffer(data: &[u8], pts_ns: u64, discont: bool) -> gst::Buffer {
    let mut buf = gst::Buffer::from_mut_slice(data.to_vec());
    {
        let b = buf.get_mut().unwrap();
        b.set_pts(gst::ClockTime::from_nseconds(pts_ns));
        if discont {
            b.set_flags(gst::BufferFlags::DISCONT);
        }
    }
    buf
}

fn push(h: &mut Harness, data: &[u8], pts_ns: u64) {
    assert_eq!(
        h.push(buffer(data, pts_ns, false)),
        Ok(gst::FlowSuccess::Ok)
    );
}

/// One output buffer: PTS, duration (ns) and samples.
#[derive(Debug)]
struct Out {
    pts: u64,
    duration: u64,
    samples: Vec<i16>,
}

fn pull_all(h: &mut Harness) -> Vec<Out> {
    let mut out = Vec::new();
    while let Some(buf) = h.try_pull() {
        let map = buf.map_readable().unwrap();
        out.push(Out {
            pts: buf.pts().expect("PTS").nseconds(),
            duration: buf.duration().expect("duration").nseconds(),
            samples: map
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect(),
        });
    }
    out
}

fn stats(element: &gst::Element) -> gst::Structure {
    element.property::<gst::Structure>("stats")
}

fn stat(element: &gst::Element, field: &str) -> u64 {
    stats(element).get::<u64>(field).unwrap()
}

/// The codec run directly over `frames` (the reference for the element's output).
fn reference(frames: &[[u8; 10]]) -> (g729::Decoder, Vec<i16>) {
    let mut dec = g729::Decoder::new();
    let mut out = Vec::new();
    let mut pcm = [0i16; 80];
    for f in frames {
        dec.decode(f, &mut pcm);
        out.extend_from_slice(&pcm);
    }
    (dec, out)
}

#[test]
fn speech_vector_byte_for_byte() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    assert_eq!(frames.len(), 3750);
    let mut out = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        push(&mut h, frame, i as u64 * FRAME);
        let buf = h.pull().unwrap();
        assert_eq!(
            buf.pts(),
            Some(gst::ClockTime::from_nseconds(i as u64 * FRAME))
        );
        assert_eq!(buf.duration(), Some(gst::ClockTime::from_nseconds(FRAME)));
        assert_eq!(buf.size(), 160);
        out.extend_from_slice(&buf.map_readable().unwrap());
    }
    let expected = codec_data("SPEECH.PST");
    assert_eq!(out.len(), expected.len());
    if let Some(i) = out.iter().zip(&expected).position(|(a, b)| a != b) {
        panic!("output differs from SPEECH.PST at byte {i}");
    }
    let s = stats(&element);
    assert_eq!(s.get::<u64>("frames").unwrap(), 3750);
    assert_eq!(s.get::<u64>("buffers").unwrap(), 3750);
    assert_eq!(s.get::<u64>("concealed").unwrap(), 0);
    assert_eq!(s.get::<u64>("bad-buffers").unwrap(), 0);
}

#[test]
fn multi_frame_and_sid_payloads() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    // 20 bytes (2 frames), 20 + 2 (2 frames and a SID), 2 (a SID alone), then 10.
    push(&mut h, &frames[0..2].concat(), 0);
    let mut with_sid = frames[2..4].concat();
    with_sid.extend_from_slice(&SID);
    push(&mut h, &with_sid, 20 * MS);
    push(&mut h, &SID, 50 * MS);
    push(&mut h, &frames[4], 60 * MS);
    let out = pull_all(&mut h);

    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(
        shape,
        [(0, 20, 160), (20, 30, 240), (50, 10, 80), (60, 10, 80)]
    );

    let mut dec = g729::Decoder::new();
    let mut expected = Vec::new();
    let mut pcm = [0i16; 80];
    for f in &frames[0..4] {
        dec.decode(f, &mut pcm);
        expected.extend_from_slice(&pcm);
        if std::ptr::eq(f, &frames[3]) {
            dec.decode_sid(&SID, &mut pcm);
            expected.extend_from_slice(&pcm);
        }
    }
    dec.decode_sid(&SID, &mut pcm);
    expected.extend_from_slice(&pcm);
    dec.decode(&frames[4], &mut pcm);
    expected.extend_from_slice(&pcm);
    let got: Vec<i16> = out.into_iter().flat_map(|o| o.samples).collect();
    assert_eq!(got, expected);

    assert_eq!(stat(&element, "frames"), 5);
    assert_eq!(stat(&element, "sid"), 2);
    assert_eq!(stat(&element, "untransmitted"), 0);
}

#[test]
fn garbage_is_dropped_and_counted() {
    init();
    let element = gst::ElementFactory::make("g729dec").build().unwrap();
    let bus = gst::Bus::new();
    element.set_bus(Some(&bus));
    let mut h = harness_with(&element);
    let frames = speech_frames();

    push(&mut h, &frames[0], 0);
    for bad in [&[1u8; 7][..], &[], &[2u8; 13], &[3u8; 1], &[4u8; 19]] {
        push(&mut h, bad, FRAME);
    }
    push(&mut h, &frames[1], FRAME);
    let out = pull_all(&mut h);
    // The good frames decode as if the garbage had not been there (no timestamp jump, nothing to conceal).
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(shape, [(0, 10, 80), (10, 10, 80)]);
    let got: Vec<i16> = out.into_iter().flat_map(|o| o.samples).collect();
    assert_eq!(got, reference(&frames[0..2]).1);
    // The empty buffer is discarded by the base class before the decoder sees it: not counted.
    assert_eq!(stat(&element, "bad-buffers"), 4);
    assert_eq!(stat(&element, "buffers"), 6);
    assert_eq!(stat(&element, "frames"), 2);

    // Only the first bad buffer is posted (then every 100th).
    let warnings = std::iter::from_fn(|| bus.pop_filtered(&[gst::MessageType::Warning])).count();
    assert_eq!(warnings, 1);
    assert!(bus.pop_filtered(&[gst::MessageType::Error]).is_none());
}

#[test]
fn garbage_then_jump_is_concealed() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    push(&mut h, &frames[0], 0);
    // A bad payload where frame 1 should have been, then frame 2 on time: frame 1 is concealed.
    push(&mut h, &[9u8; 7], FRAME);
    push(&mut h, &frames[2], 2 * FRAME);
    let out = pull_all(&mut h);
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(shape, [(0, 10, 80), (10, 20, 160)]);
    assert_eq!(stat(&element, "concealed"), 1);
    assert_eq!(stat(&element, "bad-buffers"), 1);
}

/// Pushes frames 0..n with PTS i·10 ms and returns the reference decoder after them.
fn lead_in(h: &mut Harness, frames: &[[u8; 10]], n: usize) -> g729::Decoder {
    for (i, f) in frames[..n].iter().enumerate() {
        push(h, f, i as u64 * FRAME);
    }
    let out = pull_all(h);
    assert_eq!(out.len(), n);
    reference(&frames[..n]).0
}

#[test]
fn gap_event_is_concealed() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    let mut dec = lead_in(&mut h, &frames, 10);

    // 30 ms lost at 100 ms.
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(100 * MS))
                .duration(gst::ClockTime::from_nseconds(30 * MS))
                .build()
        )
    );
    push(&mut h, &frames[13], 130 * MS);
    let out = pull_all(&mut h);
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(shape, [(100, 30, 240), (130, 10, 80)]);

    let mut expected = Vec::new();
    let mut pcm = [0i16; 80];
    for _ in 0..3 {
        dec.conceal(&mut pcm);
        expected.extend_from_slice(&pcm);
    }
    dec.decode(&frames[13], &mut pcm);
    expected.extend_from_slice(&pcm);
    let got: Vec<i16> = out.into_iter().flat_map(|o| o.samples).collect();
    assert_eq!(got, expected);
    // Concealment of voiced speech is not silence.
    assert!(got[..240].iter().any(|&s| s.unsigned_abs() > 100));
    assert_eq!(stat(&element, "concealed"), 3);
    assert_eq!(stat(&element, "untransmitted"), 0);

    // A gap of 25 ms rounds to 3 frames, one of 4 ms to none.
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(140 * MS))
                .duration(gst::ClockTime::from_nseconds(25 * MS))
                .build()
        )
    );
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(165 * MS))
                .duration(gst::ClockTime::from_nseconds(4 * MS))
                .build()
        )
    );
    let out = pull_all(&mut h);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].pts, out[0].samples.len()), (140 * MS, 240));
    assert_eq!(stat(&element, "concealed"), 6);
}

#[test]
fn gap_without_duration_is_forwarded() {
    let (mut h, element) = harness();
    // Before any data, as a live pipeline prerolls: nothing to fill, downstream must see the GAP.
    assert!(h.push_event(gst::event::Gap::builder(gst::ClockTime::ZERO).build()));
    let mut gaps = 0;
    while let Some(event) = h.try_pull_event() {
        if let gst::EventView::Gap(gap) = event.view() {
            assert_eq!(gap.get(), (gst::ClockTime::ZERO, None));
            gaps += 1;
        }
    }
    assert_eq!(gaps, 1);
    assert!(h.try_pull().is_none());
    assert_eq!(stat(&element, "concealed"), 0);
    // And concealment is still on afterwards.
    let frames = speech_frames();
    push(&mut h, &frames[0], 0);
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(FRAME))
                .duration(gst::ClockTime::from_nseconds(FRAME))
                .build()
        )
    );
    let out = pull_all(&mut h);
    assert_eq!(out.len(), 2);
    assert_eq!(stat(&element, "concealed"), 1);
}

#[test]
fn plc_false_outputs_silence() {
    init();
    let element = gst::ElementFactory::make("g729dec")
        .property("plc", false)
        .build()
        .unwrap();
    assert!(!element.property::<bool>("plc"));
    let mut h = harness_with(&element);
    let frames = speech_frames();
    let mut dec = lead_in(&mut h, &frames, 10);

    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(100 * MS))
                .duration(gst::ClockTime::from_nseconds(20 * MS))
                .build()
        )
    );
    push(&mut h, &frames[12], 120 * MS);
    let out = pull_all(&mut h);
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].pts, out[0].duration), (100 * MS, 20 * MS));
    assert!(out[0].samples.iter().all(|&s| s == 0));
    assert_eq!(out[0].samples.len(), 160);
    // The decoder concealed underneath, so it goes on exactly as the reference does.
    let mut pcm = [0i16; 80];
    dec.conceal(&mut pcm);
    dec.conceal(&mut pcm);
    dec.decode(&frames[12], &mut pcm);
    assert_eq!(out[1].samples, pcm);
    assert_eq!(stat(&element, "concealed"), 2);

    // Default is true, and it can be switched while playing.
    let default = gst::ElementFactory::make("g729dec").build().unwrap();
    assert!(default.property::<bool>("plc"));
    element.set_property("plc", true);
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(130 * MS))
                .duration(gst::ClockTime::from_nseconds(10 * MS))
                .build()
        )
    );
    let out = pull_all(&mut h);
    assert_eq!(out.len(), 1);
    assert!(out[0].samples.iter().any(|&s| s != 0));
}

#[test]
fn discont_jump_is_concealed() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    let mut dec = lead_in(&mut h, &frames, 5);

    // Frames 5..8 lost, frame 8 arrives with DISCONT: 3 frames concealed before it, output contiguous.
    assert_eq!(
        h.push(buffer(&frames[8], 80 * MS, true)),
        Ok(gst::FlowSuccess::Ok)
    );
    // A jump without DISCONT is taken for jitter: not filled.
    push(&mut h, &frames[9], 95 * MS);
    // A DISCONT jump longer than 200 ms is not filled either.
    assert_eq!(
        h.push(buffer(&frames[10], 400 * MS, true)),
        Ok(gst::FlowSuccess::Ok)
    );
    let out = pull_all(&mut h);
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(shape, [(50, 40, 320), (95, 10, 80), (400, 10, 80)]);

    let mut expected = Vec::new();
    let mut pcm = [0i16; 80];
    for _ in 0..3 {
        dec.conceal(&mut pcm);
        expected.extend_from_slice(&pcm);
    }
    dec.decode(&frames[8], &mut pcm);
    expected.extend_from_slice(&pcm);
    assert_eq!(out[0].samples, expected);
    assert_eq!(stat(&element, "concealed"), 3);
}

#[test]
fn a_short_discont_jump_never_steps_time_back() {
    let (mut h, _element) = harness();
    let frames = speech_frames();
    lead_in(&mut h, &frames, 5);
    // The next frame was due at 50 ms; it comes 7 ms late with DISCONT. Rounding fills one whole frame, which must
    // start where the output left off (50 ms), not 10 ms before the late frame (47 ms).
    assert_eq!(
        h.push(buffer(&frames[5], 57 * MS, true)),
        Ok(gst::FlowSuccess::Ok)
    );
    let out = pull_all(&mut h);
    let last = out.last().expect("output for the late frame");
    assert_eq!(
        last.samples.len(),
        160,
        "one filled frame and the decoded one"
    );
    assert_eq!(last.pts, 50 * MS);
}

#[test]
fn dtx_pause_gets_comfort_noise() {
    let (mut h, element) = harness();
    let frames = speech_frames();
    let mut dec = lead_in(&mut h, &frames, 5);

    // A SID at 50 ms, then nothing until a talkspurt at 100 ms (no DISCONT: the sender paused on purpose).
    push(&mut h, &SID, 50 * MS);
    push(&mut h, &frames[5], 100 * MS);
    // SID again, then a GAP event in the pause.
    push(&mut h, &SID, 110 * MS);
    assert!(
        h.push_event(
            gst::event::Gap::builder(gst::ClockTime::from_nseconds(120 * MS))
                .duration(gst::ClockTime::from_nseconds(20 * MS))
                .build()
        )
    );
    let out = pull_all(&mut h);
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(
        shape,
        [(50, 10, 80), (60, 50, 400), (110, 10, 80), (120, 20, 160)]
    );

    let mut expected = Vec::new();
    let mut pcm = [0i16; 80];
    dec.decode_sid(&SID, &mut pcm);
    expected.extend_from_slice(&pcm);
    for _ in 0..4 {
        dec.decode_untransmitted(&mut pcm);
        expected.extend_from_slice(&pcm);
    }
    dec.decode(&frames[5], &mut pcm);
    expected.extend_from_slice(&pcm);
    dec.decode_sid(&SID, &mut pcm);
    expected.extend_from_slice(&pcm);
    for _ in 0..2 {
        dec.decode_untransmitted(&mut pcm);
        expected.extend_from_slice(&pcm);
    }
    let got: Vec<i16> = out.into_iter().flat_map(|o| o.samples).collect();
    assert_eq!(got, expected);
    assert_eq!(stat(&element, "untransmitted"), 6);
    assert_eq!(stat(&element, "concealed"), 0);
    assert_eq!(stat(&element, "sid"), 2);
}

#[test]
fn flush_resets_the_decoder() {
    let (mut h, _element) = harness();
    let frames = speech_frames();
    lead_in(&mut h, &frames, 5);
    assert!(h.push_event(gst::event::FlushStart::new()));
    assert!(h.push_event(gst::event::FlushStop::new(true)));
    h.push_event(gst::event::Segment::new(&gst::FormattedSegment::<
        gst::ClockTime,
    >::new()));
    // After a flush, the first frames decode as from a fresh decoder.
    for (i, f) in frames[..3].iter().enumerate() {
        push(&mut h, f, i as u64 * FRAME);
    }
    let got: Vec<i16> = pull_all(&mut h)
        .into_iter()
        .flat_map(|o| o.samples)
        .collect();
    assert_eq!(got, reference(&frames[..3]).1);
}

#[test]
fn filled_jump_timestamps_with_tolerance() {
    init();
    // With a tolerance the base class stamps buffers from its own running count, not the input PTS: the filled
    // frames must still land where they belong.
    let element = gst::ElementFactory::make("g729dec")
        .property("tolerance", 40 * MS as i64)
        .build()
        .unwrap();
    let mut h = harness_with(&element);
    let frames = speech_frames();
    lead_in(&mut h, &frames, 5);
    // A DTX jump of 20 ms, within the tolerance: the base class stamps from its count, i.e. where the fill starts.
    push(&mut h, &SID, 50 * MS);
    push(&mut h, &frames[5], 80 * MS);
    // A DISCONT jump of 40 ms: the base class resyncs to the input PTS, where the decoded frame starts.
    assert_eq!(
        h.push(buffer(&frames[6], 130 * MS, true)),
        Ok(gst::FlowSuccess::Ok)
    );
    let out = pull_all(&mut h);
    let shape: Vec<(u64, u64, usize)> = out
        .iter()
        .map(|o| (o.pts / MS, o.duration / MS, o.samples.len()))
        .collect();
    assert_eq!(shape, [(50, 10, 80), (60, 30, 240), (90, 50, 400)]);
    assert_eq!(stat(&element, "untransmitted"), 2);
    assert_eq!(stat(&element, "concealed"), 4);
}

/// Decodes an ITU bitstream through the element, every frame a buffer at its time, erased and untransmitted frames
/// as 10 ms GAP events; returns the output bytes.
fn decode_vector_as_stream(name: &str) -> Vec<u8> {
    let (mut h, _element) = harness();
    let bits = codec_data(name);
    let mut out = Vec::new();
    for (i, frame) in g729::itu::Reader::new(&bits).enumerate() {
        let pts = i as u64 * FRAME;
        match frame.expect("valid bitstream") {
            g729::itu::Frame::Speech(frame) => push(&mut h, &frame, pts),
            g729::itu::Frame::Sid(sid) => push(&mut h, &sid, pts),
            g729::itu::Frame::Erased | g729::itu::Frame::Untransmitted => {
                assert!(
                    h.push_event(
                        gst::event::Gap::builder(gst::ClockTime::from_nseconds(pts))
                            .duration(gst::ClockTime::from_nseconds(FRAME))
                            .build()
                    )
                );
            }
        }
        while let Some(buf) = h.try_pull() {
            assert_eq!(buf.pts(), Some(gst::ClockTime::from_nseconds(pts)));
            out.extend_from_slice(&buf.map_readable().unwrap());
        }
    }
    out
}

fn assert_same(name: &str, got: &[u8], expected: &[u8]) {
    assert_eq!(got.len(), expected.len(), "{name}: length");
    if let Some(i) = got.iter().zip(expected).position(|(a, b)| a != b) {
        panic!("{name}: output differs at byte {i}");
    }
}

#[test]
fn erasure_vector_through_gap_events() {
    // The 60 erased frames of ERASURE.BIT as GAP events (what rtpjitterbuffer sends for lost packets): the
    // element's concealment is the reference's, byte for byte.
    let got = decode_vector_as_stream("ERASURE.BIT");
    assert_same("ERASURE", &got, &codec_data("ERASURE.PST"));
}

#[test]
fn annex_b_vectors_through_gap_events() {
    // SID frames as 2-byte buffers and untransmitted frames as GAP events (a DTX pause as a receiver sees it):
    // comfort noise exactly as the Annex B reference.
    for (bit, out) in [
        ("tstseq1a.bit", "tstseq1a.out"),
        ("tstseq2a.bit", "tstseq2a.out"),
        ("tstseq3a.bit", "tstseq3a.out"),
        ("tstseq4a.bit", "tstseq4a.out"),
        ("tstseq5.bit", "tstseq5a.out"),
    ] {
        let got = decode_vector_as_stream(bit);
        assert_same(bit, &got, &codec_data(out));
    }
}

/// The same, with nothing sent for erased and untransmitted frames: the next buffer's timestamp jumps (flagged
/// DISCONT after an erasure, as a depayloader does after a sequence gap; not after a DTX pause).
fn decode_vector_with_jumps(name: &str) -> Vec<u8> {
    let (mut h, _element) = harness();
    let bits = codec_data(name);
    let mut out = Vec::new();
    let mut lost = false;
    let mut next = 0;
    for (i, frame) in g729::itu::Reader::new(&bits).enumerate() {
        let pts = i as u64 * FRAME;
        let data = match frame.expect("valid bitstream") {
            g729::itu::Frame::Speech(frame) => frame.to_vec(),
            g729::itu::Frame::Sid(sid) => sid.to_vec(),
            g729::itu::Frame::Erased => {
                lost = true;
                continue;
            }
            g729::itu::Frame::Untransmitted => continue,
        };
        assert_eq!(
            h.push(buffer(&data, pts, std::mem::take(&mut lost))),
            Ok(gst::FlowSuccess::Ok)
        );
        while let Some(buf) = h.try_pull() {
            assert_eq!(buf.pts(), Some(gst::ClockTime::from_nseconds(next)));
            next += buf.duration().unwrap().nseconds();
            out.extend_from_slice(&buf.map_readable().unwrap());
        }
    }
    out
}

#[test]
fn vectors_through_timestamp_jumps() {
    for (bit, out) in [
        ("ERASURE.BIT", "ERASURE.PST"),
        ("tstseq1a.bit", "tstseq1a.out"),
        ("tstseq3a.bit", "tstseq3a.out"),
    ] {
        let got = decode_vector_with_jumps(bit);
        let expected = codec_data(out);
        // Frames missing at the very end of a vector have nothing after them to show the jump.
        assert_same(bit, &got, &expected[..got.len()]);
        assert!(
            expected.len() - got.len() <= 20 * 160,
            "{bit}: {} bytes short",
            expected.len() - got.len()
        );
    }
}
