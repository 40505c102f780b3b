// SPDX-License-Identifier: MPL-2.0

//! `rtpjitterbuffer ! h323depay` on a test clock: a packet the jitter buffer gives up on becomes a GAP event
//! and the next buffer is DISCONT.

mod common;

use common::*;
use gst::prelude::*;
use gst_check::Harness;
use gsth323::rtp::write_packet;

#[test]
fn lost_packet_through_rtpjitterbuffer() {
    init();
    let mut h = Harness::new_parse("rtpjitterbuffer do-lost=true latency=40 ! h323depay");
    h.use_testclock();
    h.set_src_caps(
        gst::Caps::builder("application/x-rtp")
            .field("media", "audio")
            .field("clock-rate", 8000i32)
            .field("encoding-name", "G729")
            .field("payload", 18i32)
            .build(),
    );
    h.play();

    let packet = |seq: u16| {
        let mut b = rtp_buffer(
            write_packet(
                false,
                18,
                seq,
                160 * u32::from(seq),
                5,
                &noise(seq.into(), 20),
            ),
            20 * u64::from(seq),
        );
        b.get_mut()
            .unwrap()
            .set_dts(gst::ClockTime::from_mseconds(20 * u64::from(seq)));
        b
    };

    for seq in [0u16, 1, 3, 4] {
        h.set_time(gst::ClockTime::from_mseconds(20 * u64::from(seq)))
            .unwrap();
        h.push(packet(seq)).unwrap();
    }
    // Let the jitter buffer's timers run: its latency passes, packet 2 is declared lost.
    for _ in 0..10 {
        if h.wait_for_clock_id_waits(1, 1).is_err() {
            break;
        }
        h.crank_single_clock_wait().unwrap();
    }
    let out = drain(&mut h);
    let got: Vec<_> = out
        .iter()
        .map(|b| {
            (
                b.pts().unwrap().mseconds(),
                b.flags().contains(gst::BufferFlags::DISCONT),
                bytes(b),
            )
        })
        .collect();
    let want: Vec<_> = [0u16, 1, 3, 4]
        .iter()
        .map(|&seq| {
            (
                20 * u64::from(seq),
                seq == 0 || seq == 3,
                noise(seq.into(), 20),
            )
        })
        .collect();
    assert_eq!(got, want);

    let mut gaps = Vec::new();
    while let Some(ev) = h.try_pull_event() {
        if let gst::EventView::Gap(g) = ev.view() {
            gaps.push(g.get());
        }
    }
    assert_eq!(
        gaps,
        [(
            gst::ClockTime::from_mseconds(40),
            Some(gst::ClockTime::from_mseconds(20))
        )]
    );

    let bin = h.element().unwrap().downcast::<gst::Bin>().unwrap();
    let depay = bin
        .iterate_elements()
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.factory().is_some_and(|f| f.name() == "h323depay"))
        .unwrap();
    let stats = depay.property::<gst::Structure>("stats");
    assert_eq!(stats.get::<u64>("lost").unwrap(), 1);
}
