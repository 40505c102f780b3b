// SPDX-License-Identifier: MPL-2.0

//! `h323depay` in a `gst_check::Harness`, fed packets written by hand: caps by PT, several frames per packet,
//! codec switches, flags, drops and stats.

mod common;

use common::*;
use gst::prelude::*;
use gst_check::Harness;
use gsth323::rtp::write_packet;

const SSRC: u32 = 0xc0de_0001;

fn depay() -> (Harness, gst::Bus) {
    init();
    let element = gst::ElementFactory::make("h323depay").build().unwrap();
    let bus = gst::Bus::new();
    element.set_bus(Some(&bus));
    let mut h = Harness::with_element(&element, Some("sink"), Some("src"));
    h.set_src_caps(rtp_caps());
    (h, bus)
}

fn stats(h: &Harness) -> gst::Structure {
    h.element().unwrap().property::<gst::Structure>("stats")
}

fn stat(h: &Harness, name: &str) -> u64 {
    stats(h).get::<u64>(name).unwrap()
}

fn out_caps(h: &Harness) -> gst::Caps {
    h.sinkpad().unwrap().current_caps().unwrap()
}

fn warnings(bus: &gst::Bus) -> usize {
    std::iter::from_fn(|| bus.pop_filtered(&[gst::MessageType::Warning])).count()
}

#[test]
fn g729_packets_come_out_whole_with_duration() {
    let (mut h, _bus) = depay();
    let two = noise(1, 20);
    let two_and_sid = noise(2, 22);
    h.push(rtp_buffer(write_packet(true, 18, 100, 0, SSRC, &two), 0))
        .unwrap();
    h.push(rtp_buffer(
        write_packet(false, 18, 101, 160, SSRC, &two_and_sid),
        20,
    ))
    .unwrap();
    let out = drain(&mut h);
    assert_eq!(out.len(), 2);
    assert_eq!(bytes(&out[0]), two);
    assert_eq!(bytes(&out[1]), two_and_sid);
    assert_eq!(out[0].pts(), Some(gst::ClockTime::ZERO));
    assert_eq!(out[0].duration(), Some(gst::ClockTime::from_mseconds(20)));
    assert_eq!(out[1].pts(), Some(gst::ClockTime::from_mseconds(20)));
    // The SID frame counts one 10 ms frame period.
    assert_eq!(out[1].duration(), Some(gst::ClockTime::from_mseconds(30)));
    assert!(out[0].flags().contains(gst::BufferFlags::DISCONT));
    assert!(!out[1].flags().contains(gst::BufferFlags::DISCONT));
    assert_eq!(
        out_caps(&h),
        gst::Caps::builder("audio/G729")
            .field("rate", 8000i32)
            .field("channels", 1i32)
            .build()
    );
    assert_eq!(stat(&h, "packets"), 2);
    assert_eq!(stat(&h, "bytes"), 12 * 2 + 20 + 22);
}

#[test]
fn codec_switch_mid_call_renegotiates() {
    let (mut h, _bus) = depay();
    let g711: Vec<u8> = (0..160).map(|i| i as u8).collect();
    h.push(rtp_buffer(
        write_packet(false, 18, 1, 0, SSRC, &noise(3, 20)),
        0,
    ))
    .unwrap();
    assert_eq!(out_caps(&h).structure(0).unwrap().name(), "audio/G729");
    h.push(rtp_buffer(write_packet(false, 0, 2, 160, SSRC, &g711), 20))
        .unwrap();
    assert_eq!(out_caps(&h).structure(0).unwrap().name(), "audio/x-mulaw");
    h.push(rtp_buffer(write_packet(false, 8, 3, 320, SSRC, &g711), 40))
        .unwrap();
    let caps = out_caps(&h);
    let s = caps.structure(0).unwrap();
    assert_eq!(s.name(), "audio/x-alaw");
    assert_eq!(s.get::<i32>("rate").unwrap(), 8000);
    assert_eq!(s.get::<i32>("channels").unwrap(), 1);

    let out = drain(&mut h);
    assert_eq!(out.len(), 3);
    assert_eq!(bytes(&out[1]), g711);
    assert_eq!(out[1].duration(), Some(gst::ClockTime::from_mseconds(20)));
    // Each codec change is a new stream for the decoder.
    assert!(
        out.iter()
            .all(|b| b.flags().contains(gst::BufferFlags::DISCONT))
    );

    // Three caps events reached downstream, in order, each before its buffer.
    let mut names = Vec::new();
    while let Some(ev) = h.try_pull_event() {
        if let gst::EventView::Caps(c) = ev.view() {
            names.push(c.caps().structure(0).unwrap().name().to_string());
        }
    }
    assert_eq!(names, ["audio/G729", "audio/x-mulaw", "audio/x-alaw"]);
    assert_eq!(stat(&h, "codec-changes"), 2);
}

#[test]
fn malformed_packets_are_dropped_counted_and_warned() {
    let (mut h, bus) = depay();
    h.push(rtp_buffer(
        write_packet(false, 18, 1, 0, SSRC, &noise(4, 20)),
        0,
    ))
    .unwrap();

    // G.729 payload of 7 bytes.
    let bad_len = write_packet(false, 18, 2, 160, SSRC, &[0; 7]);
    // Version 1.
    let mut v1 = write_packet(false, 18, 3, 320, SSRC, &[0; 20]);
    v1[0] = 0x40;
    // Truncated: shorter than the fixed header, and a CSRC list past the end.
    let short = write_packet(false, 18, 4, 480, SSRC, &[0; 20])[..7].to_vec();
    let mut csrc = write_packet(false, 18, 4, 480, SSRC, &[0; 2]);
    csrc[0] |= 0x03;
    // Padding larger than the packet.
    let mut pad = write_packet(false, 18, 4, 480, SSRC, &[0; 10]);
    pad[0] |= 0x20;
    *pad.last_mut().unwrap() = 200;
    // Empty G.711 payload.
    let empty = write_packet(false, 0, 4, 480, SSRC, &[]);
    for p in [bad_len, v1, short, csrc, pad, empty] {
        assert_eq!(h.push(rtp_buffer(p, 20)), Ok(gst::FlowSuccess::Ok));
    }
    // Unknown payload type (e.g. RFC 4733 events, unmapped).
    let unknown = write_packet(false, 101, 5, 480, SSRC, &[1, 2, 3, 4]);
    assert_eq!(h.push(rtp_buffer(unknown, 40)), Ok(gst::FlowSuccess::Ok));

    let good = noise(5, 20);
    h.push(rtp_buffer(write_packet(false, 18, 6, 480, SSRC, &good), 60))
        .unwrap();
    let out = drain(&mut h);
    assert_eq!(out.len(), 2);
    assert_eq!(bytes(&out[1]), good);

    let s = stats(&h);
    assert_eq!(s.get::<u64>("packets").unwrap(), 9);
    assert_eq!(s.get::<u64>("dropped-malformed").unwrap(), 6);
    assert_eq!(s.get::<u64>("dropped-unknown-pt").unwrap(), 1);
    // Sequence number 3 came only in the version-1 packet, whose header means nothing: it counts as lost too.
    // The other packets with a readable header used up their numbers.
    assert_eq!(s.get::<u64>("lost").unwrap(), 1);
    // Rate-limited: only the first drop was posted.
    assert_eq!(warnings(&bus), 1);
}

#[test]
fn many_drops_warn_rarely() {
    let (mut h, bus) = depay();
    for i in 0..250u16 {
        h.push(rtp_buffer(write_packet(false, 18, i, 0, SSRC, &[0; 7]), 0))
            .unwrap();
    }
    assert_eq!(stat(&h, "dropped-malformed"), 250);
    // The 1st, 100th and 200th.
    assert_eq!(warnings(&bus), 3);
    assert_eq!(h.buffers_in_queue(), 0);
}

#[test]
fn sequence_gap_sets_discont_and_counts_lost() {
    let (mut h, _bus) = depay();
    for (seq, ts) in [(65534u16, 0u32), (65535, 160), (3, 800), (4, 960)] {
        h.push(rtp_buffer(
            write_packet(false, 18, seq, ts, SSRC, &noise(u64::from(seq), 20)),
            u64::from(ts) / 8,
        ))
        .unwrap();
    }
    let out = drain(&mut h);
    let discont: Vec<bool> = out
        .iter()
        .map(|b| b.flags().contains(gst::BufferFlags::DISCONT))
        .collect();
    assert_eq!(discont, [true, false, true, false]);
    assert_eq!(stat(&h, "lost"), 3);
}

#[test]
fn ssrc_change_sets_discont() {
    let (mut h, _bus) = depay();
    h.push(rtp_buffer(
        write_packet(false, 0, 1, 0, SSRC, &[0xff; 160]),
        0,
    ))
    .unwrap();
    h.push(rtp_buffer(
        write_packet(false, 0, 2, 160, SSRC, &[0xff; 160]),
        20,
    ))
    .unwrap();
    h.push(rtp_buffer(
        write_packet(false, 0, 777, 5, 99, &[0xff; 160]),
        40,
    ))
    .unwrap();
    let out = drain(&mut h);
    assert!(!out[1].flags().contains(gst::BufferFlags::DISCONT));
    assert!(out[2].flags().contains(gst::BufferFlags::DISCONT));
    assert_eq!(stat(&h, "ssrc-changes"), 1);
    assert_eq!(stat(&h, "lost"), 0);
}

#[test]
fn marker_after_silence_is_resync_and_discont() {
    let (mut h, _bus) = depay();
    h.push(rtp_buffer(
        write_packet(true, 18, 1, 0, SSRC, &noise(1, 20)),
        0,
    ))
    .unwrap();
    // SID, then 1 s of silence, then a talkspurt.
    h.push(rtp_buffer(
        write_packet(false, 18, 2, 160, SSRC, &[1, 2]),
        20,
    ))
    .unwrap();
    h.push(rtp_buffer(
        write_packet(true, 18, 3, 8240, SSRC, &noise(2, 20)),
        1030,
    ))
    .unwrap();
    let out = drain(&mut h);
    assert!(out[0].flags().contains(gst::BufferFlags::RESYNC));
    assert!(!out[1].flags().contains(gst::BufferFlags::RESYNC));
    assert_eq!(out[1].duration(), Some(gst::ClockTime::from_mseconds(10)));
    assert!(
        out[2]
            .flags()
            .contains(gst::BufferFlags::RESYNC | gst::BufferFlags::DISCONT)
    );
    assert_eq!(stat(&h, "lost"), 0);
}

#[test]
fn pt_map_and_caps_map_dynamic_types() {
    init();
    let element = gst::ElementFactory::make("h323depay")
        .property("pt-map", "96:G729")
        .build()
        .unwrap();
    assert_eq!(element.property::<String>("pt-map"), "96:G729");
    let mut h = Harness::with_element(&element, Some("sink"), Some("src"));
    h.set_src_caps(
        gst::Caps::builder("application/x-rtp")
            .field("media", "audio")
            .field("clock-rate", 8000i32)
            .field("payload", 97i32)
            .field("encoding-name", "PCMA")
            .build(),
    );
    h.push(rtp_buffer(
        write_packet(false, 96, 1, 0, SSRC, &noise(1, 22)),
        0,
    ))
    .unwrap();
    assert_eq!(out_caps(&h).structure(0).unwrap().name(), "audio/G729");
    h.push(rtp_buffer(
        write_packet(false, 97, 2, 240, SSRC, &[0xd5; 80]),
        30,
    ))
    .unwrap();
    assert_eq!(out_caps(&h).structure(0).unwrap().name(), "audio/x-alaw");
    // 98 is mapped nowhere.
    h.push(rtp_buffer(
        write_packet(false, 98, 3, 320, SSRC, &[0; 20]),
        40,
    ))
    .unwrap();
    assert_eq!(drain(&mut h).len(), 2);
    assert_eq!(stat(&h, "dropped-unknown-pt"), 1);

    // Changed while playing: takes effect at once. An invalid map is refused.
    element.set_property("pt-map", "98:PCMU");
    element.set_property("pt-map", "98:NOPE");
    assert_eq!(element.property::<String>("pt-map"), "98:PCMU");
    h.push(rtp_buffer(
        write_packet(false, 98, 4, 320, SSRC, &[0; 20]),
        40,
    ))
    .unwrap();
    assert_eq!(out_caps(&h).structure(0).unwrap().name(), "audio/x-mulaw");
}

#[test]
fn packet_lost_event_becomes_gap_and_discont() {
    let (mut h, _bus) = depay();
    h.push(rtp_buffer(
        write_packet(false, 18, 1, 0, SSRC, &noise(1, 20)),
        0,
    ))
    .unwrap();
    let lost = gst::Structure::builder("GstRTPPacketLost")
        .field("seqnum", 2u32)
        .field("timestamp", 20 * MS)
        .field("duration", 20 * MS)
        .build();
    assert!(h.push_event(gst::event::CustomDownstream::new(lost)));
    h.push(rtp_buffer(
        write_packet(false, 18, 3, 320, SSRC, &noise(2, 20)),
        40,
    ))
    .unwrap();
    let mut gap = None;
    while let Some(ev) = h.try_pull_event() {
        if let gst::EventView::Gap(g) = ev.view() {
            gap = Some(g.get());
        }
    }
    assert_eq!(
        gap,
        Some((
            gst::ClockTime::from_mseconds(20),
            Some(gst::ClockTime::from_mseconds(20))
        ))
    );
    let out = drain(&mut h);
    assert!(out[1].flags().contains(gst::BufferFlags::DISCONT));
    assert_eq!(stat(&h, "lost"), 1);
}

#[test]
fn stats_reset_on_restart() {
    let (mut h, _bus) = depay();
    h.push(rtp_buffer(write_packet(false, 18, 1, 0, SSRC, &[0; 7]), 0))
        .unwrap();
    assert_eq!(stat(&h, "dropped-malformed"), 1);
    let element = h.element().unwrap();
    element.set_state(gst::State::Ready).unwrap();
    // Kept after stopping.
    assert_eq!(stat(&h, "dropped-malformed"), 1);
    element.set_state(gst::State::Playing).unwrap();
    assert_eq!(stat(&h, "dropped-malformed"), 0);
}

/// The drop warning is posted without the element's lock held: a sync handler may read `stats` meanwhile.
#[test]
fn stats_readable_from_a_bus_sync_handler() {
    init();
    let element = gst::ElementFactory::make("h323depay").build().unwrap();
    let bus = gst::Bus::new();
    let weak = element.downgrade();
    let (tx, rx) = std::sync::mpsc::channel();
    bus.set_sync_handler(move |_, msg| {
        if let (gst::MessageView::Warning(_), Some(el)) = (msg.view(), weak.upgrade()) {
            let s = el.property::<gst::Structure>("stats");
            tx.send(s.get::<u64>("dropped-malformed").unwrap()).unwrap();
        }
        gst::BusSyncReply::Drop
    });
    element.set_bus(Some(&bus));
    let mut h = Harness::with_element(&element, Some("sink"), Some("src"));
    h.set_src_caps(rtp_caps());
    h.push(rtp_buffer(write_packet(false, 18, 1, 0, SSRC, &[0; 7]), 0))
        .unwrap();
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)), Ok(1));
}
