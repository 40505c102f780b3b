// SPDX-License-Identifier: MPL-2.0

//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::sync::Once;

use gst::prelude::*;
use gst_check::Harness;

pub const MS: u64 = 1_000_000;

pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        gst::init().unwrap();
        gsth323::plugin_register_static().expect("register the h323 plugin");
    });
}

/// Deterministic pseudo-random bytes (xorshift64*): opaque G.729 frames.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

pub fn buffer(data: Vec<u8>, pts_ms: Option<u64>, duration_ms: Option<u64>) -> gst::Buffer {
    let mut buf = gst::Buffer::from_mut_slice(data);
    {
        let b = buf.get_mut().unwrap();
        b.set_pts(pts_ms.map(gst::ClockTime::from_mseconds));
        b.set_duration(duration_ms.map(gst::ClockTime::from_mseconds));
    }
    buf
}

pub fn bytes(buffer: &gst::Buffer) -> Vec<u8> {
    buffer.map_readable().unwrap().as_slice().to_vec()
}

/// Everything the harness has queued.
pub fn drain(h: &mut Harness) -> Vec<gst::Buffer> {
    let mut out = Vec::new();
    while let Some(b) = h.try_pull() {
        out.push(b);
    }
    out
}

/// An RTP buffer holding `packet`, with a PTS.
pub fn rtp_buffer(packet: Vec<u8>, pts_ms: u64) -> gst::Buffer {
    buffer(packet, Some(pts_ms), None)
}

/// The RTP caps our depayloader takes, as udpsrc would be told.
pub fn rtp_caps() -> gst::Caps {
    gst::Caps::builder("application/x-rtp")
        .field("media", "audio")
        .field("clock-rate", 8000i32)
        .build()
}

/// Reads an RTP buffer: (pt, seq, timestamp, marker, payload).
pub fn read_rtp(buffer: &gst::Buffer) -> (u8, u16, u32, bool, Vec<u8>) {
    let data = bytes(buffer);
    let p = gsth323::rtp::parse(&data).expect("valid RTP");
    (
        p.payload_type,
        p.sequence,
        p.timestamp,
        p.marker,
        p.payload.to_vec(),
    )
}

/// G.711 from `encoder` (`mulawenc` or `alawenc`) of 8 kHz mono sine: `buffers` buffers of `samples` each.
pub fn g711(encoder: &str, buffers: i32, samples: i32) -> (gst::Caps, Vec<gst::Buffer>) {
    let pipeline = gst::parse::launch(&format!(
        "audiotestsrc num-buffers={buffers} samplesperbuffer={samples} wave=sine ! \
         audio/x-raw,format=S16LE,rate=8000,channels=1 ! {encoder} ! appsink name=sink sync=false"
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
    let mut caps = None;
    let mut out = Vec::new();
    while let Ok(sample) = sink.pull_sample() {
        caps = sample.caps_owned();
        out.push(sample.buffer_owned().unwrap());
    }
    pipeline.set_state(gst::State::Null).unwrap();
    (caps.expect("encoder caps"), out)
}
