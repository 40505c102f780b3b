// SPDX-License-Identifier: MPL-2.0

//! Arbitrary bytes into the depayloader's packet logic: the strict RTP parser, the payload rules of every codec,
//! and a `Receiver` fed a stream of packets cut from the input. Nothing may panic, and what comes out must hold
//! together.

#![no_main]

use gsth323::receiver::Receiver;
use gsth323::rtp::{self, CODECS, Frame};
use libfuzzer_sys::fuzz_target;

fn check_packet(data: &[u8]) {
    let Ok(packet) = rtp::parse(data) else {
        return;
    };
    // The payload lies inside the packet, after the fixed header.
    let start = packet.payload.as_ptr() as usize - data.as_ptr() as usize;
    assert!(start >= rtp::RTP_HEADER_LEN);
    assert!(start + packet.payload.len() + usize::from(packet.padding) == data.len());
    assert!(packet.csrc_count() <= 15);
    for info in &CODECS {
        let Ok(layout) = info.codec.validate(packet.payload) else {
            assert!(info.codec.frames(packet.payload).is_err());
            continue;
        };
        let frames: Vec<_> = info.codec.frames(packet.payload).unwrap().collect();
        let bytes: usize = frames
            .iter()
            .map(|f| match f {
                Frame::Speech(b) | Frame::Sid(b) => b.len(),
            })
            .sum();
        assert_eq!(bytes, packet.payload.len());
        assert_eq!(frames.len(), layout.frames + usize::from(layout.sid));
        assert!(layout.samples > 0);
    }
}

fuzz_target!(|data: &[u8]| {
    check_packet(data);

    // The input as a stream: each packet is a 1-byte length followed by that many bytes.
    let mut receiver = Receiver::new("96:G729,97:PCMU,98:PCMA".parse().unwrap());
    let mut rest = data;
    let mut pushed = 0u64;
    let mut accepted = 0u64;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (packet, tail) = tail.split_at(len);
        rest = tail;
        check_packet(packet);
        pushed += 1;
        if let Ok(a) = receiver.push(packet) {
            accepted += 1;
            assert!(!a.payload.is_empty());
            assert_eq!(a.codec.validate(a.payload), Ok(a.layout));
        }
    }
    let s = receiver.stats();
    assert_eq!(s.packets, pushed);
    assert_eq!(
        s.packets,
        accepted + s.dropped_malformed + s.dropped_unknown_pt + s.dropped_late
    );
    assert!(s.codec_changes < accepted.max(1));
});
