// SPDX-License-Identifier: MPL-2.0

//! `h323pay` in a `gst_check::Harness`: PT and caps per codec, ptime, RTP timestamps, marker, SID frames.

mod common;

use common::*;
use gst::prelude::*;
use gst_check::Harness;

const TS_OFFSET: u32 = 1000;

fn pay(caps: &str, props: &[(&str, &dyn ToValue)]) -> Harness {
    init();
    let element = gst::ElementFactory::make("h323pay")
        .property("timestamp-offset", TS_OFFSET)
        .property("seqnum-offset", 0i32)
        .build()
        .unwrap();
    for (name, value) in props {
        element.set_property_from_value(name, &value.to_value());
    }
    let mut h = Harness::with_element(&element, Some("sink"), Some("src"));
    h.set_src_caps_str(caps);
    h
}

const G729: &str = "audio/G729, rate=8000, channels=1";
const PCMU: &str = "audio/x-mulaw, rate=8000, channels=1";
const PCMA: &str = "audio/x-alaw, rate=8000, channels=1";

fn src_caps(h: &Harness) -> gst::Structure {
    h.sinkpad()
        .unwrap()
        .current_caps()
        .unwrap()
        .structure(0)
        .unwrap()
        .to_owned()
}

#[test]
fn g729_default_ptime_is_two_frames() {
    let mut h = pay(G729, &[]);
    let frames: Vec<Vec<u8>> = (0..10).map(|i| noise(i, 10)).collect();
    for (i, f) in frames.iter().enumerate() {
        h.push(buffer(f.clone(), Some(10 * i as u64), Some(10)))
            .unwrap();
    }
    let out = drain(&mut h);
    assert_eq!(out.len(), 5);
    for (i, b) in out.iter().enumerate() {
        let (pt, seq, ts, marker, payload) = read_rtp(b);
        assert_eq!(pt, 18);
        assert_eq!(seq, i as u16);
        assert_eq!(ts, TS_OFFSET + 160 * i as u32);
        assert_eq!(marker, i == 0);
        assert_eq!(
            payload,
            [frames[2 * i].clone(), frames[2 * i + 1].clone()].concat()
        );
        assert_eq!(b.pts(), Some(gst::ClockTime::from_mseconds(20 * i as u64)));
        assert_eq!(b.duration(), Some(gst::ClockTime::from_mseconds(20)));
    }
    let s = src_caps(&h);
    assert_eq!(s.get::<&str>("encoding-name").unwrap(), "G729");
    assert_eq!(s.get::<i32>("payload").unwrap(), 18);
    assert_eq!(s.get::<i32>("clock-rate").unwrap(), 8000);
    assert_eq!(s.get::<&str>("media").unwrap(), "audio");
    assert_eq!(s.get::<u32>("ptime").unwrap(), 20);
}

#[test]
fn g729_ptime_property_and_large_buffers() {
    let mut h = pay(G729, &[("ptime", &60u32)]);
    // 100 ms in one buffer: one packet of 6 frames, 4 pending, flushed at EOS.
    let input = noise(9, 100);
    h.push(buffer(input.clone(), Some(0), Some(100))).unwrap();
    assert!(h.push_event(gst::event::Eos::new()));
    let out = drain(&mut h);
    assert_eq!(out.len(), 2);
    let (_, _, ts0, _, p0) = read_rtp(&out[0]);
    let (_, _, ts1, m1, p1) = read_rtp(&out[1]);
    assert_eq!(p0, &input[..60]);
    assert_eq!(p1, &input[60..]);
    assert_eq!(ts1 - ts0, 480);
    assert!(!m1);
}

#[test]
fn g729_sid_ends_a_packet_and_talkspurt_gets_marker() {
    let mut h = pay(G729, &[("ptime", &40u32)]);
    let speech = noise(1, 10);
    let speech_sid = noise(2, 12);
    h.push(buffer(speech.clone(), Some(0), Some(10))).unwrap();
    // Speech frame plus SID: the packet ends here although 40 ms were asked.
    h.push(buffer(speech_sid.clone(), Some(10), Some(20)))
        .unwrap();
    // DTX: nothing for a while, then speech again at 500 ms (no DISCONT flag: the PTS jump says it).
    let talk: Vec<u8> = noise(3, 40);
    h.push(buffer(talk.clone(), Some(500), Some(40))).unwrap();
    let out = drain(&mut h);
    assert_eq!(out.len(), 2);
    let (_, _, ts0, m0, p0) = read_rtp(&out[0]);
    assert_eq!(p0, [speech, speech_sid].concat());
    assert!(m0);
    assert_eq!(out[0].duration(), Some(gst::ClockTime::from_mseconds(30)));
    let (_, _, ts1, m1, p1) = read_rtp(&out[1]);
    assert_eq!(p1, talk);
    assert!(m1, "talkspurt start after silence");
    assert_eq!(ts1 - ts0, 500 * 8);
}

#[test]
fn discont_flushes_and_marks() {
    let mut h = pay(PCMU, &[]);
    h.push(buffer(vec![1; 240], Some(0), Some(30))).unwrap();
    let mut b = buffer(vec![2; 160], Some(30), Some(20));
    b.get_mut().unwrap().set_flags(gst::BufferFlags::DISCONT);
    h.push(b).unwrap();
    let out = drain(&mut h);
    let packets: Vec<_> = out.iter().map(read_rtp).collect();
    assert_eq!(packets.len(), 3);
    assert_eq!((packets[0].4.len(), packets[0].3), (160, true));
    // The 80 samples pending before the DISCONT go out on their own.
    assert_eq!((packets[1].4.len(), packets[1].3), (80, false));
    assert_eq!((packets[2].4.len(), packets[2].3), (160, true));
    assert_eq!(packets[1].2 - packets[0].2, 160);
    assert_eq!(packets[2].2 - packets[1].2, 80);
}

#[test]
fn g711_ptime_and_max_ptime() {
    for (caps, pt, name) in [(PCMU, 0, "PCMU"), (PCMA, 8, "PCMA")] {
        let mut h = pay(caps, &[("ptime", &30u32)]);
        h.push(buffer(noise(1, 960), Some(0), Some(120))).unwrap();
        let out = drain(&mut h);
        assert_eq!(out.len(), 4);
        for (i, b) in out.iter().enumerate() {
            let (p, _, ts, _, payload) = read_rtp(b);
            assert_eq!(p, pt);
            assert_eq!(payload.len(), 240);
            assert_eq!(ts, TS_OFFSET + 240 * i as u32);
        }
        let s = src_caps(&h);
        assert_eq!(s.get::<&str>("encoding-name").unwrap(), name);
        assert_eq!(s.get::<i32>("payload").unwrap(), i32::from(pt));

        // max-ptime bounds ptime.
        let mut h = pay(caps, &[("ptime", &60u32), ("max-ptime", &20u32)]);
        h.push(buffer(noise(1, 480), Some(0), Some(60))).unwrap();
        let sizes: Vec<usize> = drain(&mut h).iter().map(|b| read_rtp(b).4.len()).collect();
        assert_eq!(sizes, [160, 160, 160]);
    }
}

#[test]
fn mtu_bounds_the_payload() {
    let mut h = pay(PCMU, &[("ptime", &200u32), ("mtu", &412u32)]);
    h.push(buffer(noise(1, 1600), Some(0), Some(200))).unwrap();
    let sizes: Vec<usize> = drain(&mut h).iter().map(|b| read_rtp(b).4.len()).collect();
    assert_eq!(sizes, [400, 400, 400, 400]);
}

#[test]
fn pt_property_sets_a_dynamic_type() {
    let mut h = pay(G729, &[("pt", &97i32)]);
    h.push(buffer(noise(1, 20), Some(0), Some(20))).unwrap();
    let (pt, ..) = read_rtp(&h.pull().unwrap());
    assert_eq!(pt, 97);
    let s = src_caps(&h);
    assert_eq!(s.get::<i32>("payload").unwrap(), 97);
    assert_eq!(s.get::<&str>("encoding-name").unwrap(), "G729");
}

/// A payload type fixed downstream (as a receiver negotiates it, e.g. from H.245 or SDP) is the one sent.
#[test]
fn a_payload_type_fixed_downstream_is_used() {
    init();
    let element = gst::ElementFactory::make("h323pay").build().unwrap();
    let mut h = Harness::with_element(&element, Some("sink"), Some("src"));
    h.set_sink_caps_str(
        "application/x-rtp, media=(string)audio, clock-rate=(int)8000, encoding-name=(string)G729, \
         payload=(int)101",
    );
    h.set_src_caps_str(G729);
    h.push(buffer(noise(1, 20), Some(0), Some(20))).unwrap();
    let (pt, ..) = read_rtp(&h.pull().unwrap());
    assert_eq!(pt, 101);
    assert_eq!(src_caps(&h).get::<i32>("payload").unwrap(), 101);
}

#[test]
fn broken_g729_input_is_dropped_not_fatal() {
    let mut h = pay(G729, &[]);
    assert_eq!(
        h.push(buffer(vec![0; 7], Some(0), Some(10))),
        Ok(gst::FlowSuccess::Ok)
    );
    h.push(buffer(noise(1, 20), Some(0), Some(20))).unwrap();
    let out = drain(&mut h);
    assert_eq!(out.len(), 1);
    assert_eq!(read_rtp(&out[0]).4, noise(1, 20));
}

#[test]
fn codec_switch_upstream_flushes_and_renegotiates() {
    let mut h = pay(G729, &[]);
    h.push(buffer(noise(1, 10), Some(0), Some(10))).unwrap();
    h.set_src_caps_str(PCMU);
    h.push(buffer(vec![0xff; 160], Some(10), Some(20))).unwrap();
    let out = drain(&mut h);
    let packets: Vec<_> = out.iter().map(read_rtp).collect();
    assert_eq!(packets.len(), 2);
    // The lone G.729 frame went out before the caps changed.
    assert_eq!((packets[0].0, packets[0].4.len()), (18, 10));
    assert_eq!(
        (packets[1].0, packets[1].3, packets[1].4.len()),
        (0, true, 160)
    );
    assert_eq!(src_caps(&h).get::<&str>("encoding-name").unwrap(), "PCMU");
}
