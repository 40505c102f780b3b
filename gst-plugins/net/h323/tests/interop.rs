// SPDX-License-Identifier: MPL-2.0

//! `h323pay` and `h323depay` against Debian's stock RTP elements, both ways: `rtpg729pay`/`rtpg729depay`,
//! `rtppcmupay`/`rtppcmudepay`, `rtppcmapay`/`rtppcmadepay`. Bytes must come through unchanged, timestamps and
//! durations must add up.

mod common;

use common::*;
use gst::prelude::*;
use gst_check::Harness;

const G729: &str = "audio/G729, rate=8000, channels=1";

fn chain(description: &str) -> Harness {
    init();
    Harness::new_parse(description)
}

fn concat(buffers: &[gst::Buffer]) -> Vec<u8> {
    buffers.iter().flat_map(bytes).collect()
}

/// Checks that buffers are back to back in time: each starts where the previous ended.
fn assert_contiguous(buffers: &[gst::Buffer], start: gst::ClockTime) {
    let mut next = start;
    for b in buffers {
        assert_eq!(b.pts(), Some(next), "buffer starts where the last ended");
        next += b.duration().expect("duration");
    }
}

/// The `stats` of the `h323depay` in a harnessed bin.
fn depay_stats(h: &Harness) -> gst::Structure {
    let bin = h.element().unwrap().downcast::<gst::Bin>().unwrap();
    let depay = bin
        .iterate_recurse()
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.factory().is_some_and(|f| f.name() == "h323depay"))
        .expect("an h323depay in the bin");
    depay.property::<gst::Structure>("stats")
}

/// 20 ms of G.729 per buffer (2 opaque frames), then a SID frame.
fn g729_input(buffers: u64) -> Vec<gst::Buffer> {
    let mut out: Vec<_> = (0..buffers)
        .map(|i| buffer(noise(i + 1, 20), Some(20 * i), Some(20)))
        .collect();
    out.push(buffer(noise(999, 2), Some(20 * buffers), Some(10)));
    out
}

#[test]
fn h323pay_to_rtpg729depay() {
    let mut h = chain("h323pay ! rtpg729depay");
    h.set_src_caps_str(G729);
    let input = g729_input(10);
    for b in &input {
        h.push(b.clone()).unwrap();
    }
    assert!(h.push_event(gst::event::Eos::new()));
    let out = drain(&mut h);
    assert_eq!(concat(&out), concat(&input));
    // rtpg729depay outputs whole payloads: 2 frames each (default ptime 20 ms); the SID came alone after a full
    // packet, so it is a packet of its own.
    let sizes: Vec<usize> = out.iter().map(|b| b.size()).collect();
    assert_eq!(sizes, [vec![20; 10], vec![2]].concat());
    assert_eq!(out[0].pts(), Some(gst::ClockTime::ZERO));
    assert_eq!(out[9].pts(), Some(gst::ClockTime::from_mseconds(180)));
    let caps = h.sinkpad().unwrap().current_caps().unwrap();
    assert_eq!(caps.structure(0).unwrap().name(), "audio/G729");
}

#[test]
fn rtpg729pay_to_h323depay() {
    let mut h = chain("rtpg729pay ! h323depay");
    h.set_src_caps_str(G729);
    let input = g729_input(10);
    for b in &input {
        h.push(b.clone()).unwrap();
    }
    assert!(h.push_event(gst::event::Eos::new()));
    let out = drain(&mut h);
    assert!(!out.is_empty());
    assert_eq!(concat(&out), concat(&input));
    assert_contiguous(&out, gst::ClockTime::ZERO);
    let total: gst::ClockTime = out.iter().map(|b| b.duration().unwrap()).sum();
    assert_eq!(total, gst::ClockTime::from_mseconds(210));
    let caps = h.sinkpad().unwrap().current_caps().unwrap();
    assert_eq!(caps.structure(0).unwrap().name(), "audio/G729");
    let stats = depay_stats(&h);
    assert_eq!(stats.get::<u64>("dropped-malformed").unwrap(), 0);
    assert_eq!(stats.get::<u64>("lost").unwrap(), 0);
    assert_eq!(stats.get::<u64>("packets").unwrap(), out.len() as u64);
}

fn g711_both_ways(encoder: &str, pay: &str, depay: &str, media_type: &str, pt: u8) {
    // 10 buffers of 50 ms.
    let (caps, input) = g711(encoder, 10, 400);
    assert_eq!(caps.structure(0).unwrap().name(), media_type);
    let expected = concat(&input);
    assert_eq!(expected.len(), 4000);

    // Ours to theirs: 20 ms packets, 25 of them.
    let mut h = chain(&format!("h323pay ! {depay}"));
    h.set_src_caps(caps.clone());
    for b in &input {
        h.push(b.clone()).unwrap();
    }
    assert!(h.push_event(gst::event::Eos::new()));
    let out = drain(&mut h);
    assert_eq!(out.len(), 25);
    assert!(out.iter().all(|b| b.size() == 160));
    assert_eq!(concat(&out), expected);
    assert_contiguous(&out, gst::ClockTime::ZERO);
    let out_caps = h.sinkpad().unwrap().current_caps().unwrap();
    assert_eq!(out_caps.structure(0).unwrap().name(), media_type);

    // The packets themselves: PT and frames per packet = ptime / 10 ms.
    let mut h = Harness::new("h323pay");
    h.set_src_caps(caps.clone());
    for b in &input {
        h.push(b.clone()).unwrap();
    }
    let packets = drain(&mut h);
    let first = read_rtp(&packets[0]);
    assert_eq!(first.0, pt);
    assert!(first.3);
    for pair in packets.windows(2) {
        let (a, b) = (read_rtp(&pair[0]), read_rtp(&pair[1]));
        assert_eq!(b.1, a.1.wrapping_add(1));
        assert_eq!(b.2.wrapping_sub(a.2), 160);
        assert!(!b.3);
    }

    // Theirs to ours.
    let mut h = chain(&format!("{pay} ! h323depay"));
    h.set_src_caps(caps);
    for b in &input {
        h.push(b.clone()).unwrap();
    }
    assert!(h.push_event(gst::event::Eos::new()));
    let out = drain(&mut h);
    assert!(!out.is_empty());
    assert_eq!(concat(&out), expected);
    assert_contiguous(&out, gst::ClockTime::ZERO);
    let out_caps = h.sinkpad().unwrap().current_caps().unwrap();
    let s = out_caps.structure(0).unwrap();
    assert_eq!(s.name(), media_type);
    assert_eq!(s.get::<i32>("rate").unwrap(), 8000);
    assert_eq!(s.get::<i32>("channels").unwrap(), 1);
}

#[test]
fn pcmu_both_ways() {
    init();
    g711_both_ways("mulawenc", "rtppcmupay", "rtppcmudepay", "audio/x-mulaw", 0);
}

#[test]
fn pcma_both_ways() {
    init();
    g711_both_ways("alawenc", "rtppcmapay", "rtppcmadepay", "audio/x-alaw", 8);
}

/// The stock payloaders' packets, one codec after the other in one stream, renegotiate our caps.
#[test]
fn stock_codec_switch_into_h323depay() {
    init();
    let packets = |pay: &str, caps: &str, input: &[gst::Buffer]| -> Vec<gst::Buffer> {
        let mut h = Harness::new_parse(pay);
        h.set_src_caps_str(caps);
        for b in input {
            h.push(b.clone()).unwrap();
        }
        assert!(h.push_event(gst::event::Eos::new()));
        drain(&mut h)
    };
    let g729 = packets(
        "rtpg729pay seqnum-offset=0 ssrc=7 timestamp-offset=0",
        G729,
        &g729_input(3)[..3],
    );
    let (pcmu_caps, pcmu_in) = g711("mulawenc", 2, 160);
    let pcmu = packets(
        "rtppcmupay seqnum-offset=100 ssrc=7 timestamp-offset=0",
        &pcmu_caps.to_string(),
        &pcmu_in,
    );

    let mut h = Harness::new("h323depay");
    h.set_src_caps(rtp_caps());
    let mut names = Vec::new();
    for b in g729.iter().chain(&pcmu) {
        h.push(b.clone()).unwrap();
        let caps = h.sinkpad().unwrap().current_caps().unwrap();
        names.push(caps.structure(0).unwrap().name().to_string());
    }
    assert_eq!(names.first().unwrap(), "audio/G729");
    assert_eq!(names.last().unwrap(), "audio/x-mulaw");
    let stats = h.element().unwrap().property::<gst::Structure>("stats");
    assert_eq!(stats.get::<u64>("codec-changes").unwrap(), 1);
    assert_eq!(stats.get::<u64>("dropped-malformed").unwrap(), 0);
}

/// `rtpg729pay`'s packets, damaged on the way: a lost packet, a truncated one, a wrong version, a payload cut to
/// 7 bytes, an unknown PT. `h323depay` passes the rest through, marks the gaps and counts the damage.
#[test]
fn damaged_stock_stream_into_h323depay() {
    init();
    let mut pay = Harness::new_parse("rtpg729pay seqnum-offset=0 timestamp-offset=0 ssrc=1");
    pay.set_src_caps_str(G729);
    let input: Vec<_> = (0..20u64)
        .map(|i| buffer(noise(i + 1, 20), Some(20 * i), Some(20)))
        .collect();
    for b in &input {
        pay.push(b.clone()).unwrap();
    }
    assert!(pay.push_event(gst::event::Eos::new()));
    let packets: Vec<Vec<u8>> = drain(&mut pay).iter().map(bytes).collect();
    assert_eq!(
        packets.len(),
        20,
        "rtpg729pay sends one packet per 20 ms here"
    );

    let mut damaged: Vec<Option<Vec<u8>>> = packets.into_iter().map(Some).collect();
    damaged[3] = None; // lost
    damaged[6].as_mut().unwrap().truncate(7); // truncated header
    damaged[9].as_mut().unwrap()[0] = 0x40; // version 1
    damaged[12].as_mut().unwrap().truncate(12 + 7); // 7-byte G.729 payload
    damaged[15].as_mut().unwrap()[1] = 101; // unknown PT

    let mut h = Harness::new("h323depay");
    h.set_src_caps(rtp_caps());
    let mut expected = Vec::new();
    for (i, p) in damaged.iter().enumerate() {
        if let Some(p) = p {
            assert_eq!(
                h.push(rtp_buffer(p.clone(), 20 * i as u64)),
                Ok(gst::FlowSuccess::Ok)
            );
        }
        if ![3, 6, 9, 12, 15].contains(&i) {
            expected.push((i, bytes(&input[i])));
        }
    }
    let out = drain(&mut h);
    assert_eq!(out.len(), expected.len());
    for (b, (i, data)) in out.iter().zip(&expected) {
        assert_eq!(&bytes(b), data);
        assert_eq!(b.pts(), Some(gst::ClockTime::from_mseconds(20 * *i as u64)));
        // After every hole in our audio the next buffer is DISCONT; a packet of an unknown PT is not our audio,
        // so it leaves no hole.
        let discont = b.flags().contains(gst::BufferFlags::DISCONT);
        assert_eq!(discont, [0, 4, 7, 10, 13].contains(i), "buffer {i}");
    }
    let stats = h.element().unwrap().property::<gst::Structure>("stats");
    assert_eq!(stats.get::<u64>("packets").unwrap(), 19);
    assert_eq!(stats.get::<u64>("dropped-malformed").unwrap(), 3);
    assert_eq!(stats.get::<u64>("dropped-unknown-pt").unwrap(), 1);
    // Packet 3 was lost; packets 6 and 9 had unreadable headers, so their sequence numbers count as lost too.
    assert_eq!(stats.get::<u64>("lost").unwrap(), 3);
}
