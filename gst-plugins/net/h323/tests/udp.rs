// SPDX-License-Identifier: MPL-2.0

//! Over real UDP on 127.0.0.1: `appsrc ! h323pay ! udpsink` in one pipeline, `udpsrc ! h323depay ! appsink` in
//! another.

mod common;

use std::time::{Duration, Instant};

use common::*;
use gst::prelude::*;

/// A UDP port that was free a moment ago: bound to port 0, then released.
fn free_port() -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

fn pipeline(description: &str) -> gst::Pipeline {
    gst::parse::launch(description)
        .unwrap()
        .downcast::<gst::Pipeline>()
        .unwrap()
}

#[test]
fn g729_over_udp_loopback() {
    init();
    let port = free_port();
    let receiver = pipeline(&format!(
        "udpsrc address=127.0.0.1 port={port} reuse=false \
           caps=\"application/x-rtp,media=audio,clock-rate=8000,encoding-name=G729,payload=18\" ! \
         h323depay name=depay ! appsink name=sink sync=false"
    ));
    let sink = receiver
        .by_name("sink")
        .unwrap()
        .downcast::<gst_app::AppSink>()
        .unwrap();
    // udpsrc binds its socket going to READY, before `set_state` returns (the appsink's ASYNC preroll waits
    // for data, which is why we do not wait for the state change to complete).
    receiver.set_state(gst::State::Playing).unwrap();

    let sender = pipeline(&format!(
        "appsrc name=src format=time caps=\"audio/G729,rate=8000,channels=1\" ! \
         h323pay ! udpsink host=127.0.0.1 port={port} sync=false"
    ));
    let src = sender
        .by_name("src")
        .unwrap()
        .downcast::<gst_app::AppSrc>()
        .unwrap();
    sender.set_state(gst::State::Playing).unwrap();

    // 1 s of speech in 10 ms frames, then a SID frame.
    let mut sent = Vec::new();
    for i in 0..100u64 {
        let frame = noise(i + 1, 10);
        sent.extend_from_slice(&frame);
        src.push_buffer(buffer(frame, Some(10 * i), Some(10)))
            .unwrap();
    }
    let sid = noise(1000, 2);
    sent.extend_from_slice(&sid);
    src.push_buffer(buffer(sid, Some(1000), Some(10))).unwrap();
    src.end_of_stream().unwrap();
    let bus = sender.bus().unwrap();
    let msg = bus
        .timed_pop_filtered(
            gst::ClockTime::from_seconds(5),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        )
        .expect("sender finishes");
    assert!(matches!(msg.view(), gst::MessageView::Eos(_)), "{msg:?}");
    sender.set_state(gst::State::Null).unwrap();

    let mut received = Vec::new();
    let mut buffers = 0;
    let deadline = Instant::now() + Duration::from_secs(5);
    while received.len() < sent.len() && Instant::now() < deadline {
        if let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_mseconds(200)) {
            received.extend_from_slice(&bytes(&sample.buffer_owned().unwrap()));
            buffers += 1;
            if buffers == 1 {
                let caps = sample.caps().unwrap();
                assert_eq!(caps.structure(0).unwrap().name(), "audio/G729");
            }
        }
    }
    let stats = receiver
        .by_name("depay")
        .unwrap()
        .property::<gst::Structure>("stats");
    receiver.set_state(gst::State::Null).unwrap();

    assert_eq!(received, sent);
    // 50 packets of 2 frames, and the SID on its own.
    assert_eq!(buffers, 51);
    assert_eq!(stats.get::<u64>("packets").unwrap(), 51);
    assert_eq!(stats.get::<u64>("dropped-malformed").unwrap(), 0);
    assert_eq!(stats.get::<u64>("lost").unwrap(), 0);
}
